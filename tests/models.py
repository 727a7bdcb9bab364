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


def main(argv):
    cmd, m = argv[1], argv[2]
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
