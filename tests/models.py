#!/usr/bin/python3
"""models.py: the customer-base models written again from the papers, apart
from libcrm/model.c, so the tests can check crm against them.

    models.py ll MODEL P...               < summary   log-likelihood
    models.py best MODEL P...             < summary   exit 1 if a nearby
                                                      point is likelier
    models.py palive MODEL P... x tx T
    models.py expected MODEL P... x tx T t
    models.py spend p q gamma x mx
    models.py clv MODEL P... x tx T spend horizon-days unit-days rate
    models.py below MODEL P... threshold  < summary   how many customers
                                                      have P(alive) below

With numpy, scipy and mpmath (Debian's python3-numpy, python3-scipy,
python3-mpmath; imported only by these commands):

    models.py mp MODEL P... t          < id x tx T   P(alive) and expected
                                                     purchases in t, %.17g,
                                                     by mpmath at 40 digits
    models.py agree mp|sp MODEL P... t TOL IN CRMOUT
        every customer of IN (id x tx T [m_x]) has, in CRMOUT (crm-churn
        --stdin's id p_alive expected, or for gg crm-clv --stdin's id E
        spend clv), values within TOL relative of the reference: mpmath
        (mp), or scipy per customer with mpmath deciding where scipy's
        value is not finite or disagrees (sp); prints "N agree"
    models.py selftest                 mpmath's closed forms against its
                                       quadratures of the integral forms
    models.py simulate MODEL P... N SEED   customers simulated with those
                                       parameters, as counts: x tx T n in
                                       whole days (gg: x m_x n)
    models.py fit MODEL [--unit day|week] < counts
                                       scipy's maximum likelihood: each
                                       parameter, its standard error from
                                       the Hessian, and the LL, %.17g
    models.py sumll MODEL P... [--unit day|week] < counts   the LL, %.17g
    models.py mpll MODEL P... [--unit day|week] < counts    the same by
                                       mpmath at 40 digits
    models.py holdout MODEL P... t     < id x tx T   the sum of expected
                                       purchases in t over the customers
    models.py summarize DAY            < purchase CSV (scripts/gen-data -k
                                       purchase): ref x tx T m_x in whole
                                       days as of the end of DAY, x the
                                       repeat purchase days, m_x their mean
                                       value

MODEL is bgnbd, mbgnbd, pnbd (P = r alpha a b, or r alpha s beta) or gg
(P = p q gamma).  A summary is what `crm-churn --summary` prints: id, x,
t_x, T, m_x, tab-separated; gg uses the customers with x > 0.

Only Python's math module: each formula is the paper's own form (beta
functions, the Gauss series of 2F1 with no transformation), not the
rearranged forms model.c uses for speed and range.
  BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
    Way", Marketing Science 24(2), equations (6), (10) and (13).
  MBG/NBD: Batislam, Denizel & Filiztekin (2007), IJRM 24(3), 201-209.
  Pareto/NBD: Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD
    Model and Related Expressions", equations (22), (25), (26) and (18).
  Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4),
    and Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value".
"""
import math
import sys

lg = math.lgamma


def lbeta(a, b):
    return lg(a) + lg(b) - lg(a + b)


def hyp2f1(a, b, c, z):
    """Gauss's series: sum of (a)_k (b)_k / ((c)_k k!) z^k."""
    term, total, k = 1.0, 1.0, 0
    while True:
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z
        total += term
        k += 1
        if abs(term) <= 1e-17 * abs(total) or k > 10 ** 6:
            return total


def logsumexp(*v):
    m = max(v)
    return m + math.log(sum(math.exp(u - m) for u in v))


def ll_bgnbd(p, x, tx, T):
    r, al, a, b = p
    c = lg(r + x) - lg(r) + r * math.log(al) - lbeta(a, b)
    t1 = lbeta(a, b + x) - (r + x) * math.log(al + T)
    if x == 0:
        return c + t1
    t2 = lbeta(a + 1, b + x - 1) - (r + x) * math.log(al + tx)
    return c + logsumexp(t1, t2)


def ll_mbgnbd(p, x, tx, T):
    r, al, a, b = p
    c = lg(r + x) - lg(r) + r * math.log(al) - lbeta(a, b)
    t1 = lbeta(a, b + x + 1) - (r + x) * math.log(al + T)
    t2 = lbeta(a + 1, b + x) - (r + x) * math.log(al + tx)
    return c + logsumexp(t1, t2)


def pnbd_parts(p, x, tx, T):
    """log of the 'alive at T' part of L and log L (Fader & Hardie)."""
    r, al, s, be = p
    c = lg(r + x) - lg(r) + r * math.log(al) + s * math.log(be)
    alive = c - (r + x) * math.log(al + T) - s * math.log(be + T)
    n = r + s + x
    if al >= be:
        f = lambda t: hyp2f1(n, s + 1, n + 1, (al - be) / (al + t)) / \
            (al + t) ** n
    else:
        f = lambda t: hyp2f1(n, r + x, n + 1, (be - al) / (be + t)) / \
            (be + t) ** n
    a0 = f(tx) - f(T)
    if a0 <= 0:
        return alive, alive
    return alive, logsumexp(alive, c + math.log(s / n) + math.log(a0))


def ll_pnbd(p, x, tx, T):
    return pnbd_parts(p, x, tx, T)[1]


def ll_gg(p, x, mx):
    pp, q, g = p
    return (lg(pp * x + q) - lg(pp * x) - lg(q) + q * math.log(g) +
            (pp * x - 1) * math.log(mx) + pp * x * math.log(x) -
            (pp * x + q) * math.log(g + mx * x))


def palive(m, p, x, tx, T):
    if m == "pnbd":
        alive, ll = pnbd_parts(p, x, tx, T)
        return math.exp(alive - ll)
    r, al, a, b = p
    if m == "bgnbd":
        if x == 0:
            return 1.0
        return 1 / (1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))
    return 1 / (1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x))


def expected(m, p, x, tx, T, t):
    if m == "pnbd":
        r, al, s, be = p
        return (r + x) * (be + T) / ((al + T) * (s - 1)) * \
            (1 - ((be + T) / (be + T + t)) ** (s - 1)) * \
            palive(m, p, x, tx, T)
    r, al, a, b = p
    if m == "mbgnbd":
        b += 1      # MBG/NBD is BG/NBD's equation (10) with b + 1
    z = t / (al + T + t)
    f = (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) **
                                     (r + x) * hyp2f1(r + x, b + x,
                                                      a + b + x - 1, z))
    return f * palive(m, p, x, tx, T)


def spend(p, x, mx):
    pp, q, g = p
    return pp * (g + mx * x) / (pp * x + q - 1)


def clv(m, p, x, tx, T, sp, horizon, unit, rate):
    """crm-clv(1): the horizon in equal steps of at most 30 days; each
    step's expected purchases times the spend, discounted at the yearly
    rate from the step's end."""
    steps = max(1, math.ceil(horizon / 30.0))
    prev = total = 0.0
    for i in range(1, steps + 1):
        t = horizon * i / steps
        cur = expected(m, p, x, tx, T, t / unit)
        total += (cur - prev) * sp / (1 + rate) ** (t / 365.0)
        prev = cur
    return total



# ---- mpmath: the reference at 40 digits ---------------------------------
# BG/NBD and MBG/NBD: P(alive) is elementary; expected purchases are the
# paper's 2F1 form (equation (10); Batislam et al. (2007) for MBG/NBD),
# or, where mpmath's series does not converge (x near 10^5), the integral
# it comes from: E[Y(t) | alive] = E[(1 - e^(-lambda p t)) / p] over the
# posterior lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x) (BG/NBD;
# b + x + 1 for MBG/NBD), whose lambda part is elementary.  The
# quadratures are mpmath's tanh-sinh, after substitutions that leave no
# endpoint singularity; the selftest command checks both ways agree.
# Pareto/NBD: L = C [A + s I], A = (alpha+T)^-(r+x) (beta+T)^-s, I the
# integral from t_x to T of (alpha+u)^-(r+x) (beta+u)^-(s+1) du (Fader &
# Hardie's note, from which their 2F1 forms (22)-(23) come); P(alive) =
# A / (A + s I); E[Y(t)] = P(alive) (r+x)/(alpha+T) E[(1 - e^(-mu t))/mu],
# mu ~ Gamma(s, beta+T): (beta+T)/(s-1) (1 - ((beta+T)/(beta+T+t))^(s-1)),
# (beta+T) log((beta+T+t)/(beta+T)) at s = 1.  I is the 2F1 form, or where
# that does not converge, quadrature after y = ((alpha+t_x)/(alpha+u))^n,
# n = r+s+x: I = (alpha+t_x)^-n / n * integral from y_T to 1 of
# (1 + (beta-alpha) y^(1/n) / (alpha+t_x))^-(s+1) dy.
def _mp():
    import mpmath
    mpmath.mp.dps = 40
    return mpmath


def mp_bg_cond(mp, p, x, T, t, mod):
    """E[Y(t) | alive at T] for BG/NBD (mod 0) and MBG/NBD (mod 1)."""
    r, al, a, b = p
    B = b + x + mod
    if max(r + x, B) > 300:     # mpmath's series takes minutes there
        return mp_bg_cond_quad(mp, p, x, T, t, mod)
    try:
        f = (a + B - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x)
                                     * mp.hyp2f1(r + x, B, a + B - 1,
                                                 t / (al + T + t)))
        return f
    except mp.libmp.NoConvergence:
        return mp_bg_cond_quad(mp, p, x, T, t, mod)


def mp_bg_cond_quad(mp, p, x, T, t, mod):
    with mp.workdps(30):       # 30 digits: ample for 1e-10, twice as fast
        return +_bg_cond_quad(mp, p, x, T, t, mod)


def _bg_cond_quad(mp, p, x, T, t, mod):
    r, al, a, b = p
    B = b + x + mod
    lb = mp.log(mp.beta(a, B))

    def g(q):   # the integrand without p^(a-1) (1-p)^(B-1)
        return -mp.expm1((r + x) * mp.log((al + T) / (al + T + q * t))) / q \
            * mp.exp(-lb)
    # p = v^(1/a) on (0, 1/2], 1 - p = w^(1/B) on [1/2, 1): no endpoint
    # singularity left; breakpoints about the posterior mean when B is big.
    h = mp.mpf(1) / 2
    m = a / (a + B)
    pts = [0] + [(m * 10 ** k) ** a for k in range(-3, 3)
                 if m * 10 ** k < h] + [h ** a]
    lo = mp.quad(lambda v: g(v ** (1 / a)) *
                 mp.exp((B - 1) * mp.log1p(-v ** (1 / a))) / a, pts)
    hi = mp.quad(lambda w: g(1 - w ** (1 / B)) *
                 mp.exp((a - 1) * mp.log1p(-w ** (1 / B))) / B,
                 [0, h ** B])
    return lo + hi


def mp_pnbd_I(mp, p, x, tx, T, how="auto"):
    r, al, s, be = p
    if tx == T:
        return mp.mpf(0)
    n = r + s + x
    if how == "hyp" or (how == "auto" and n < 300):
        try:
            if al >= be:
                def F(u):
                    return mp.hyp2f1(n, s + 1, n + 1, (al - be) / (al + u)) \
                        / (al + u) ** n
            else:
                def F(u):
                    return mp.hyp2f1(n, r + x, n + 1, (be - al) / (be + u)) \
                        / (be + u) ** n
            return (F(tx) - F(T)) / n
        except mp.libmp.NoConvergence:
            if how == "hyp":
                raise
    c = al + tx
    yT = mp.exp(n * (mp.log(c) - mp.log(al + T)))
    k = (be - al) / c
    v = mp.quad(lambda y: (1 + k * y ** (1 / n)) ** (-(s + 1)), [yT, 1])
    return c ** (-n) / n * v


def mp_ll(mp, m, p, x, tx, T):
    """One customer's log-likelihood: BG/NBD (6), MBG/NBD, Pareto/NBD
    C (A + s I) as above."""
    r, al, a, b = p
    c = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al)
    if m == "pnbd":
        s, be = a, b
        A = (al + T) ** (-(r + x)) * (be + T) ** (-s)
        return c + s * mp.log(be) + \
            mp.log(A + s * mp_pnbd_I(mp, p, x, tx, T))
    mod = 1 if m == "mbgnbd" else 0
    B = b + x + mod
    lb = mp.log(mp.beta(a, B)) - mp.log(mp.beta(a, b))
    v = c + lb - (r + x) * mp.log(al + T)
    if x > 0 or mod:
        v += mp.log1p(a / (B - 1) * ((al + T) / (al + tx)) ** (r + x))
    return v


def mp_palive(mp, m, p, x, tx, T):
    r, al, a, b = p
    if m == "pnbd":
        s, be = a, b
        A = (al + T) ** (-(r + x)) * (be + T) ** (-s)
        return A / (A + s * mp_pnbd_I(mp, p, x, tx, T))
    if m == "bgnbd" and x == 0:
        return mp.mpf(1)
    d = b + x - 1 if m == "bgnbd" else b + x
    return 1 / (1 + a / d * ((al + T) / (al + tx)) ** (r + x))


def mp_expected(mp, m, p, x, tx, T, t):
    pa = mp_palive(mp, m, p, x, tx, T)
    r, al, a, b = p
    if m == "pnbd":
        s, be = a, b
        if s == 1:
            g = (be + T) * mp.log((be + T + t) / (be + T))
        else:
            g = (be + T) / (s - 1) * (1 - ((be + T) / (be + T + t)) ** (s - 1))
        return pa * (r + x) / (al + T) * g
    return pa * mp_bg_cond(mp, p, x, T, t, 1 if m == "mbgnbd" else 0)


# ---- scipy: the same, vectorized, per customer ---------------------------
def sp_score(m, p, x, tx, T, t):
    """P(alive) and E[Y(t)] for arrays, by scipy.special (nan where
    scipy cannot say)."""
    import numpy as np
    from scipy import special as sc
    r, al, a, b = p
    with np.errstate(all="ignore"):
        if m == "pnbd":
            s, be = a, b
            n = r + s + x
            lA = -(r + x) * np.log(al + T) - s * np.log(be + T)
            if al >= be:
                def lF(u):
                    return np.log(sc.hyp2f1(n, s + 1, n + 1,
                                            (al - be) / (al + u))) \
                        - n * np.log(al + u)
            else:
                def lF(u):
                    return np.log(sc.hyp2f1(n, r + x, n + 1,
                                            (be - al) / (be + u))) \
                        - n * np.log(be + u)
            l1, l2 = lF(tx), lF(T)
            lI = l1 + np.log(-np.expm1(l2 - l1)) - np.log(n)
            lI = np.where(tx == T, -np.inf, lI)
            pa = 1 / (1 + np.exp(np.log(s) + lI - lA))
            if s == 1:
                g = (be + T) * np.log((be + T + t) / (be + T))
            else:
                g = (be + T) / (s - 1) * -np.expm1(
                    (s - 1) * np.log((be + T) / (be + T + t)))
            return pa, pa * (r + x) / (al + T) * g
        mod = 1 if m == "mbgnbd" else 0
        d = b + x - 1 + mod
        z = np.log(a) - np.log(np.where(d > 0, d, 1)) + \
            (r + x) * (np.log(al + T) - np.log(al + tx))
        pa = np.where((x > 0) | (mod == 1), sc.expit(-z), 1.0)
        B = b + x + mod
        f = (a + B - 1) / (a - 1) * (
            1 - np.exp((r + x) * np.log((al + T) / (al + T + t))) *
            sc.hyp2f1(r + x, B, a + B - 1, t / (al + T + t)))
        return pa, pa * f


# ---- scipy: log-likelihoods with analytic gradients, for fitting --------
# Over compressed counts (x, tx, T, n); the gradient is with respect to
# the log parameters.  Pareto/NBD's integral I (above) in y, then w = log
# y, by Gauss-Legendre on panels of w, its derivatives under the integral
# sign: the limits t_x and T do not depend on the parameters, so
# dI/dtheta is the integral of d log w / dtheta times w, taken with the
# same nodes.
GL_NODES = 16


def ll_grad(m, lp, c):
    import numpy as np
    from scipy import special as sc
    p = np.exp(lp)
    if m == "gg":
        pp, q, g = p
        x, mx, w = c
        px = pp * x
        ll = (sc.gammaln(px + q) - sc.gammaln(px) - sc.gammaln(q) +
              q * np.log(g) + (px - 1) * np.log(mx) + px * np.log(x) -
              (px + q) * np.log(g + mx * x))
        dg = sc.digamma(px + q)
        gr = [x * (dg - sc.digamma(px) + np.log(mx) + np.log(x) -
                   np.log(g + mx * x)),
              dg - sc.digamma(q) + np.log(g) - np.log(g + mx * x),
              q / g - (px + q) / (g + mx * x)]
        return w @ ll, np.array([w @ v for v in gr]) * p
    x, tx, T, w = c
    r, al, a, b = p
    lT, ltx = np.log(al + T), np.log(al + tx)
    base = sc.gammaln(r + x) - sc.gammaln(r) + r * np.log(al)
    dr = sc.digamma(r + x) - sc.digamma(r) + np.log(al)
    dal = np.full_like(x, r / al)
    if m in ("bgnbd", "mbgnbd"):
        mod = 1 if m == "mbgnbd" else 0
        dlt = (x > 0) if mod == 0 else np.ones(x.shape, bool)
        d = np.where(dlt, b + x - 1 + mod, 1.0)
        z = np.log(a) - np.log(d) + (r + x) * (lT - ltx)
        sp = np.where(dlt, np.logaddexp(0, z), 0)
        sg = np.where(dlt, sc.expit(z), 0)
        B = b + x + mod
        ll = (base - (r + x) * lT + sc.gammaln(B) - sc.gammaln(a + B) -
              sc.gammaln(b) + sc.gammaln(a + b) + sp)
        gr = [dr - lT + sg * (lT - ltx),
              dal - (r + x) / (al + T) + sg * (r + x) *
              (1 / (al + T) - 1 / (al + tx)),
              -sc.digamma(a + B) + sc.digamma(a + b) + sg / a,
              sc.digamma(B) - sc.digamma(a + B) - sc.digamma(b) +
              sc.digamma(a + b) - sg / d]
        return w @ ll, np.array([w @ v for v in gr]) * p
    s, be = a, b
    n = r + s + x
    lA = -(r + x) * lT - s * np.log(be + T)
    # w = log y from max(log y_T, -45) to 0 in four panels of Gauss-Legendre
    # nodes (the part below -45 weighs less than e^-45 of the rest).
    u, om = np.polynomial.legendre.leggauss(GL_NODES)
    lo = np.maximum(n * (ltx - lT), -45.0)[:, None]
    cut = np.array([0.0, -2.0, -8.0, -20.0, -45.0])
    pa, pb = np.maximum(cut[1:], lo), np.maximum(cut[:-1], lo)  # (N, 4)
    half = ((pb - pa) / 2)[:, :, None]
    lw = (pa[:, :, None] + half * (u + 1)).reshape(len(x), -1)
    wy = (half * om).reshape(len(x), -1) * np.exp(lw)
    v = -lw / n[:, None]                               # log((alpha+u)/(alpha+tx))
    la = ltx[:, None] + v                              # log(alpha + u)
    ea = np.exp(la)
    eb = be + (al + tx)[:, None] * np.expm1(v) + tx[:, None]  # beta + u
    lb = np.log(eb)
    # h scaled by its largest node, so that no extreme parameter overflows
    with np.errstate(divide="ignore"):
        lh = np.log(wy) + (s + 1) * (la - lb)
    mx = lh.max(1)
    pos = np.isfinite(mx)
    mx = np.where(pos, mx, 0.0)
    h = np.exp(lh - mx[:, None])
    Js = np.where(pos, h.sum(1), 1.0)
    lI = -n * ltx - np.log(n) + mx + np.log(Js)
    lsI = np.where(pos, np.log(s) + lI, -np.inf)
    M = np.logaddexp(lA, lsI)
    pA = np.exp(lA - M)
    pI = 1 - pA
    dI = [-(la * h).sum(1), -((r + x)[:, None] / ea * h).sum(1),
          -(lb * h).sum(1), -((s + 1) / eb * h).sum(1)]
    dI = [np.where(pos, v / Js, 0) for v in dI]
    ll = base + s * np.log(be) + M
    gr = [dr + pA * -lT + pI * dI[0],
          dal + pA * -(r + x) / (al + T) + pI * dI[1],
          np.log(be) + pA * -np.log(be + T) + pI * (1 / s + dI[2]),
          s / be + pA * -s / (be + T) + pI * dI[3]]
    return w @ ll, np.array([w @ v for v in gr]) * p


def read_counts(m, f, unit):
    import numpy as np
    a = np.loadtxt(f, ndmin=2)
    if m == "gg":
        a = a[a[:, 0] > 0]
        return (a[:, 0], a[:, 1], a[:, 2])
    return (a[:, 0], a[:, 1] / unit, a[:, 2] / unit, a[:, 3])


def start(m, c):
    import numpy as np
    if m == "gg":
        x, mx, w = c
        return np.log([1.0, 1.0, np.average(mx, weights=w)])
    x, tx, T, w = c
    mT = np.average(T, weights=w)
    mx = np.average(x, weights=w)
    return np.log([1.0, mT / (mx + 1), 1.0, 1.0 if m != "pnbd" else mT])


def fit(m, c, x0=None):
    """One start, L-BFGS-B on the log parameters, the analytic gradient."""
    import numpy as np
    from scipy.optimize import minimize
    x0 = start(m, c) if x0 is None else x0
    # log parameters within +-25 (1e-11 to 7e10): a fit that ends on
    # that bound has a parameter running to 0 or infinity
    with np.errstate(all="ignore"):
        res = minimize(lambda lp: tuple(-v for v in ll_grad(m, lp, c)), x0,
                       jac=True, method="L-BFGS-B", bounds=[(-25, 25)] *
                       len(x0), options={"maxiter": 2000, "ftol": 1e-15,
                                         "gtol": 1e-9})
    return res


def stderr(m, lp, c):
    """Standard errors from the Hessian of the LL in the parameters,
    by central differences of the analytic gradient in log space."""
    import numpy as np
    k = len(lp)
    H = np.zeros((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = 1e-5
        H[:, i] = (ll_grad(m, lp + e, c)[1] - ll_grad(m, lp - e, c)[1]) / 2e-5
    H = (H + H.T) / 2
    p = np.exp(lp)
    g = ll_grad(m, lp, c)[1]
    # Hessian in p from the one in log p: H_p = D^-1 (H - diag(g)) D^-1
    Hp = (H - np.diag(g)) / np.outer(p, p)
    return np.sqrt(np.diag(np.linalg.inv(-Hp)))


# ---- simulation ----------------------------------------------------------
def simulate(m, p, N, seed):
    """N customers with T uniform on 60..730 days, in days; returns the
    counts (x, tx, T) or, for gg, (x, m_x) rows."""
    import numpy as np
    rng = np.random.default_rng(seed)
    rows = []
    if m == "gg":
        pp, q, g = p
        nu = rng.gamma(q, 1 / g, N)
        x = rng.poisson(3, N) + 1
        for i in range(N):
            z = rng.gamma(pp, 1 / nu[i], x[i])
            rows.append((int(x[i]), round(float(z.mean()), 2)))
        return rows
    r, al, a, b = p
    lam = rng.gamma(r, 1 / al, N)
    Ts = rng.integers(60, 731, N)
    if m == "pnbd":
        life = rng.exponential(1, N) / rng.gamma(a, 1 / b, N)
    else:
        pr = rng.beta(a, b, N)
    for i in range(N):
        T = int(Ts[i])
        t, x, tx = 0.0, 0, 0.0
        if m == "pnbd":
            end = min(T, life[i])
        else:
            end = T
            if m == "mbgnbd" and rng.random() < pr[i]:
                end = 0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > end:
                break
            x += 1
            tx = t
            if m != "pnbd" and rng.random() < pr[i]:
                break
        # whole days; a repeat purchase falls on day 1 or later
        rows.append((x, min(T, max(1, int(math.ceil(tx)))) if x else 0, T))
    return rows

def summary():
    rows = []
    for line in sys.stdin:
        f = line.split("\t")
        rows.append(tuple(float(v) for v in f[1:5]))
    if not rows:
        sys.exit("models.py: an empty summary")
    return rows


def total_ll(m, p, rows):
    if m == "gg":
        return sum(ll_gg(p, x, mx) for x, tx, T, mx in rows if x > 0)
    f = {"bgnbd": ll_bgnbd, "mbgnbd": ll_mbgnbd, "pnbd": ll_pnbd}[m]
    return sum(f(p, x, tx, T) for x, tx, T, mx in rows)


def lines(f):
    """id x tx T [m_x [unit]] lines (tabs or spaces)."""
    rows = []
    for line in f:
        v = line.split()
        if v:
            rows.append(v)
    return rows


def agree(ref, m, p, t, tol, fin, fout):
    """Compare crm's scores with the reference; print "N agree" or the
    customers that differ, and return 0 or 1."""
    import numpy as np
    mp = _mp()
    ins = lines(open(fin))
    outs = {}
    for line in open(fout):
        v = line.rstrip("\n").split("\t")
        outs[v[0]] = v[1:]
    bad, bymp = [], 0
    if m == "gg":
        for v in ins:
            x, mx = float(v[1]), float(v[4])
            want = spend(p, x, mx) if x > 0 else p[0] * p[2] / (p[1] - 1)
            got = outs.get(v[0], ["", "", ""])
            if not close(got[1], want, tol):
                bad.append("%s: spend %s, want %.17g" % (v[0], got[1], want))
        return report(len(ins), bad, 0)
    mpp = [mp.mpf(u) for u in p]
    x = np.array([float(v[1]) for v in ins])
    tx = np.array([float(v[2]) for v in ins])
    T = np.array([float(v[3]) for v in ins])
    if ref == "sp":
        spa, sex = sp_score(m, p, x, tx, T, t)
    for i, v in enumerate(ins):
        got = outs.get(v[0], ["", ""]) + ["", ""]
        if ref == "sp" and close(got[0], spa[i], tol) and \
                close(got[1], sex[i], tol):
            continue
        # mpmath decides
        bymp += ref == "sp"
        a = [mp.mpf(u) for u in v[1:4]]
        pa = mp_palive(mp, m, mpp, *a)
        e = mp_expected(mp, m, mpp, *a, mp.mpf(t))
        for k, want in ((0, pa), (1, e)):
            if not close(got[k], float(want), tol):
                bad.append("%s x=%s tx=%s T=%s: %s %s, want %.17g" % (
                    v[0], v[1], v[2], v[3], ("p_alive", "expected")[k],
                    got[k] or "(empty)", float(want)))
    return report(len(ins), bad, bymp)


def close(got, want, tol):
    try:
        g = float(got)
    except ValueError:
        return False
    if abs(want) < 1e-300:     # below double precision's normal range
        return abs(g) < 1e-300
    return math.isfinite(g) and math.isfinite(want) and \
        abs(g - want) <= tol * abs(want)


def report(n, bad, bymp):
    if bad:
        print("%d values of %d customers differ" % (len(bad), n))
        for b in bad[:8]:
            print(b)
        return 1
    print("%d agree" % n)
    if bymp:
        sys.stderr.write("models.py: %d decided by mpmath\n" % bymp)
    return 0


def selftest():
    """mpmath's 2F1 forms against its quadratures of the integral forms,
    on hard cases where both converge: each identity to 1e-14 (the
    quadratures run at 30 digits), four orders below the tests' 1e-10."""
    mp = _mp()
    worst = 0
    for p in ((0.243, 4.414, 0.793, 2.426), (0.5, 1e4, 0.5, 0.01),
              (0.5, 0.01, 0.5, 1e4), (0.5, 2.0, 1.0000001, 0.5),
              (2.5, 7.0, 3.0, 0.2)):
        mpp = [mp.mpf(u) for u in p]
        for x, tx, T, t in ((0, 0, 40, 52), (2, 30.43, 38.86, 39),
                            (300, 39, 40, 5), (7, 1, 300, 1)):
            for mod in (0, 1):
                f = mp_bg_cond(mp, mpp, x, T, t, mod)
                g = mp_bg_cond_quad(mp, mpp, x, T, t, mod)
                worst = max(worst, abs(f - g) / abs(g))
            f = mp_pnbd_I(mp, mpp, x, tx, T, "hyp")
            g = mp_pnbd_I(mp, mpp, x, tx, T, "quad")
            if g:
                worst = max(worst, abs(f - g) / abs(g))
    print("closed forms and integrals agree" if worst < 1e-14 else
          "worst relative difference %.3g" % worst)
    return 0 if worst < 1e-14 else 1


def opt(argv, name, default):
    if name in argv:
        i = argv.index(name)
        v = argv[i + 1]
        del argv[i:i + 2]
        return v
    return default


def main2(argv):
    cmd, m = argv[1], argv[2]
    if cmd == "agree":
        ref, m = argv[2], argv[3]
        np_ = 3 if m == "gg" else 4
        p = [float(a) for a in argv[4:4 + np_]]
        t, tol, fin, fout = argv[4 + np_:8 + np_]
        return agree(ref, m, p, float(t), float(tol), fin, fout)
    np_ = 3 if m == "gg" else 4
    unit = {"day": 1.0, "week": 7.0}[opt(argv, "--unit", "day")]
    p = [float(a) for a in argv[3:3 + np_]]
    v = argv[3 + np_:]
    if cmd == "mp":
        mp = _mp()
        mpp = [mp.mpf(u) for u in p]
        t = mp.mpf(v[0])
        for r in lines(sys.stdin):
            a = [mp.mpf(u) for u in r[1:4]]
            print("%s\t%.17g\t%.17g" % (r[0], mp_palive(mp, m, mpp, *a),
                                        mp_expected(mp, m, mpp, *a, t)))
    elif cmd == "simulate":
        for r in simulate_counts(m, p, int(v[0]), int(v[1])):
            print("\t".join(str(u) for u in r))
    elif cmd == "fit":
        import numpy
        c = read_counts(m, sys.stdin, unit)
        res = fit(m, c)
        se = stderr(m, res.x, c)
        names = {"gg": "p q gamma", "pnbd": "r alpha s beta"}.get(
            m, "r alpha a b").split()
        for k, nm in enumerate(names):
            print("%s\t%.17g\t%.17g" % (nm, numpy.exp(res.x[k]), se[k]))
        print("loglik\t%.17g" % -res.fun)
    elif cmd == "mpll":
        mp = _mp()
        c = read_counts(m, sys.stdin, unit)
        mpp = [mp.mpf(u) for u in p]
        tot = mp.mpf(0)
        for x, tx, T, n in zip(*c):
            tot += n * mp_ll(mp, m, mpp, mp.mpf(x), mp.mpf(tx), mp.mpf(T))
        print("%.17g" % tot)
    elif cmd == "sumll":
        import numpy
        c = read_counts(m, sys.stdin, unit)
        print("%.17g" % ll_grad(m, numpy.log(p), c)[0])
    elif cmd == "holdout":
        import numpy
        rows = lines(sys.stdin)
        a = numpy.array([[float(u) for u in r[1:4]] for r in rows])
        pa, e = sp_score(m, p, a[:, 0], a[:, 1], a[:, 2], float(v[0]))
        print("%.17g" % e.sum())
    return 0


def summarize(day):
    import csv
    import datetime
    end = datetime.date.fromisoformat(day)
    days = {}
    for row in csv.DictReader(sys.stdin):
        d = datetime.date.fromisoformat(row["ts"][:10])
        if d <= end:
            c = days.setdefault(row["customer_ref"], {})
            c[d] = c.get(d, 0.0) + float(row["amount"])
    for ref in sorted(days):
        ds = sorted(days[ref])
        rep = ds[1:]
        mx = sum(days[ref][d] for d in rep) / len(rep) if rep else 0.0
        print("%s\t%d\t%d\t%d\t%.17g" % (ref, len(rep), (ds[-1] - ds[0]).days,
                                         (end - ds[0]).days, mx))
    return 0


def simulate_counts(m, p, N, seed):
    rows = simulate(m, p, N, seed)
    agg = {}
    for r in rows:
        agg[r] = agg.get(r, 0) + 1
    return [r + (n,) for r, n in sorted(agg.items())]


def main(argv):
    cmd, m = argv[1], argv[2]
    if cmd in ("mp", "agree", "simulate", "fit", "sumll", "holdout",
               "mpll"):
        return main2(argv)
    if cmd == "selftest":
        return selftest()
    if cmd == "summarize":
        return summarize(m)
    np = 3 if m == "gg" else 4
    if cmd == "spend":
        v = [float(a) for a in argv[2:]]
        print("%.6f" % spend(v[0:3], v[3], v[4]))
        return 0
    p = [float(a) for a in argv[3:3 + np]]
    v = [float(a) for a in argv[3 + np:]]
    if cmd == "ll":
        print("%.6f" % total_ll(m, p, summary()))
    elif cmd == "best":
        # The maximum: no point 0.1% away along any parameter is likelier.
        rows = summary()
        at = total_ll(m, p, rows)
        for k in range(np):
            for d in (0.999, 1.001):
                q = list(p)
                q[k] *= d
                if total_ll(m, q, rows) > at + 1e-7:
                    names = {"gg": "p q gamma", "pnbd": "r alpha s beta"}
                    print("%s x %g is likelier" % (names.get(
                        m, "r alpha a b").split()[k], d))
                    return 1
    elif cmd == "below":
        print(sum(palive(m, p, x, tx, T) < v[0] for x, tx, T, mx in
                  summary()))
    elif cmd == "palive":
        print("%.6f" % palive(m, p, *v))
    elif cmd == "expected":
        print("%.6f" % expected(m, p, *v))
    elif cmd == "clv":
        print("%.6f" % clv(m, p, *v))
    else:
        sys.exit("models.py: unknown command " + cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
