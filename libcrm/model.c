/*
 * model.c: the customer-base models.  BG/NBD (Fader, Hardie & Lee 2005),
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007), Pareto/NBD (Schmittlein,
 * Morrison & Colombo 1987) and the Gamma-Gamma spend model (Fader, Hardie
 * & Lee 2005): one log-likelihood each with its analytic gradient, P(alive),
 * expected purchases, expected spend and discounted CLV, and the maximum
 * likelihood fit over compressed statistics.
 *
 * Every likelihood is computed in log space from the same pieces whether
 * for one customer or for a fit: the terms of x alone (log-gamma and
 * digamma differences, numeric.c), the logs of alpha + t (and beta + t)
 * for each time t, and a cheap combination per (x, t_x, T).
 */
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static const struct crm_model_info info[CRM_NMODELS] = {
	{ "bgnbd", "BG/NBD", 4, { "r", "alpha", "a", "b" } },
	{ "pnbd", "Pareto/NBD", 4, { "r", "alpha", "s", "beta" } },
	{ "mbgnbd", "MBG/NBD", 4, { "r", "alpha", "a", "b" } },
	{ "gg", "Gamma-Gamma", 3, { "p", "q", "gamma", NULL } },
};

const struct crm_model_info *
crm_model_info(enum crm_model m)
{
	return &info[m];
}

int
crm_model_parse(const char *name, enum crm_model *m)
{
	int i;

	for (i = 0; i < CRM_NMODELS; i++)
		if (strcmp(info[i].name, name) == 0) {
			*m = (enum crm_model)i;
			return 0;
		}
	return -1;
}

int
crm_model_get(const char *opt, const char *name, const char *extra,
    enum crm_model *m)
{
	const char *names[CRM_NMODELS + 1];
	size_t n = 0;
	int i;

	if (crm_model_parse(name, m) == 0 && *m != CRM_GG)
		return CRM_EX_OK;
	if (extra != NULL)
		names[n++] = extra;
	for (i = 0; i < CRM_NMODELS; i++)
		if (i != CRM_GG)
			names[n++] = info[i].name;
	return crm_nosuch(CRM_EX_USAGE, opt, name, "model", names, n);
}

void
crm_model_list(char *buf, size_t n)
{
	const char *names[CRM_NMODELS];
	size_t len = 0;
	int i, k = 0;

	for (i = 0; i < CRM_NMODELS; i++)
		if (i != CRM_GG)
			names[k++] = info[i].name;
	buf[0] = '\0';
	for (i = 0; i < k && len < n; i++)
		len += snprintf(buf + len, n - len, "%s%s", i == 0 ? "" : i ==
		    k - 1 ? " or " : ", ", names[i]);
}

/* log(1 + e^d) */
static double
log1pexp(double d)
{
	return d > 0 ? d + log1p(exp(-d)) : log1p(exp(d));
}

/*
 * ---- BG/NBD and MBG/NBD --------------------------------------------------
 *
 * L = Gamma(r+x) alpha^r / Gamma(r) B(a, b+k) / B(a, b)
 *     [(alpha+T)^-(r+x) + c (alpha+t_x)^-(r+x)]
 * with, for BG/NBD, k = x and c = a / (b+x-1) when x > 0 (no second term
 * when x = 0: dropout only after a purchase); for MBG/NBD, k = x + 1 and
 * c = a / (b+x) for every x (a dropout chance at time 0 too).
 */
struct bgx {
	double	m;		/* r + x */
	double	A, dA[4];	/* log of the part of x alone; d/dp */
	double	lc, dlc[4];	/* log c (-INFINITY: none); d/dp */
};

static void
bg_x(enum crm_model md, const double *p, double x, struct bgx *t)
{
	double r = p[0], al = p[1], a = p[2], b = p[3];
	double k = md == CRM_MBGNBD ? x + 1 : x, c;

	t->m = r + x;
	t->A = crm_lgamma_ratio(r, x) + r * log(al) +
	    crm_lgamma_ratio(b, k) - crm_lgamma_ratio(a + b, k);
	t->dA[0] = crm_digamma_ratio(r, x) + log(al);
	t->dA[1] = r / al;
	t->dA[2] = -crm_digamma_ratio(a + b, k);
	t->dA[3] = crm_digamma_ratio(b, k) + t->dA[2];
	memset(t->dlc, 0, sizeof t->dlc);
	if (md == CRM_BGNBD && x == 0) {
		t->lc = -INFINITY;
		return;
	}
	c = md == CRM_MBGNBD ? b + x : b + x - 1;
	t->lc = log(a / c);
	t->dlc[2] = 1 / a;
	t->dlc[3] = -1 / c;
}

/*
 * One customer from the terms of x and, of alpha + T and alpha + t_x, the
 * logs (laT, lax), their inverses (iaT, iax) and dl = laT - lax; g (NULL
 * or 4) gets d/dp; *pa (NULL or) P(alive), the share of the other term.
 */
static double
bg_core(const struct bgx *t, double laT, double dl, double iaT, double iax,
    double *g, double *pa)
{
	double d, w, ll;

	if (t->lc == -INFINITY) {
		if (g != NULL) {
			g[0] = t->dA[0] - laT;
			g[1] = t->dA[1] - t->m * iaT;
			g[2] = t->dA[2];
			g[3] = t->dA[3];
		}
		if (pa != NULL)
			*pa = 1;
		return t->A - t->m * laT;
	}
	/* d: log of the ratio of the dropout term to the other. */
	d = t->lc + t->m * dl;
	ll = t->A - t->m * laT + log1pexp(d);
	w = 1 / (1 + exp(-d));
	if (g != NULL) {
		g[0] = t->dA[0] - laT + w * dl;
		g[1] = t->dA[1] - t->m * ((1 - w) * iaT + w * iax);
		g[2] = t->dA[2] + w * t->dlc[2];
		g[3] = t->dA[3] + w * t->dlc[3];
	}
	if (pa != NULL)
		*pa = 1 / (1 + exp(d));
	return ll;
}

/* log(alpha + T) - log(alpha + t_x), exactly when they are close. */
static double
logratio(double al, double tx, double T)
{
	return log1p((T - tx) / (al + tx));
}

static double
bg_one(enum crm_model md, const double *p, double x, double tx, double T,
    double *g, double *pa)
{
	struct bgx t;

	bg_x(md, p, x, &t);
	return bg_core(&t, log(p[1] + T), logratio(p[1], tx, T), 1 / (p[1] +
	    T), 1 / (p[1] + tx), g, pa);
}

/*
 * ---- Pareto/NBD ------------------------------------------------------------
 *
 * L = Gamma(r+x) alpha^r beta^s / Gamma(r) [e(T) + s int_{t_x}^T
 *     (alpha+u)^-(r+x) (beta+u)^-(s+1) du],  e(t) = (alpha+t)^-(r+x)
 *     (beta+t)^-s.
 * With G(t) = s int_t^inf (...) du = e(t) g(t), the bracket is
 * e(T) (1 - g(T)) + e(t_x) g(t_x), where (m = r + x)
 *     g(t) = s / (m + s) 2F1(m, 1; m + s + 1; z),  z = (alpha - beta) /
 *     (alpha + t) < 1,
 *          = s int_0^inf e^(-s u) ((1 - z) e^u + z)^-m du.
 * 0 < g < 1.  Both terms are positive and g carries a relative error of
 * a few ulps, so the bracket does too: the cancellation in 1 - g(T) costs
 * at most eps e(T), and e(T) is below the bracket.  t_x = T is the closed
 * form e(T).
 */

/*
 * The series' coefficients for one m and s, filled as far as needed: kind
 * 0 those of 2F1(m, 1; m+s+1; z), c_k = prod_{j<k} (m+j) / (m+s+1+j);
 * kind 1 those of 2F1(s+1, 1; m+s+1; w), (s+1+j) for (m+j); with the
 * derivatives of log c_k by m (dm) and by s (ds).
 */
#define NSER	200
struct pnser {
	double	m, s;
	int	filled[2];
	double	c[2][NSER], dm[2][NSER], ds[2][NSER];
	/* c dm, c ds, k c, and 3 c (1 + |dm| + |ds| + k): the sums' */
	double	cdm[2][NSER], cds[2][NSER], kc[2][NSER], bnd[2][NSER];
};

static void
ser_init(struct pnser *S, double m, double s)
{
	S->m = m, S->s = s;
	S->filled[0] = S->filled[1] = 1;
	S->c[0][0] = S->c[1][0] = 1;
	S->dm[0][0] = S->dm[1][0] = S->ds[0][0] = S->ds[1][0] = 0;
}

static void
ser_fill(struct pnser *S, int kind, int k)
{
	double m = S->m, s = S->s, a, c;
	int j;

	for (j = S->filled[kind]; j <= k; j++) {
		a = kind == 0 ? m + j - 1 : s + j;
		c = 1 / (m + s + j);
		S->c[kind][j] = S->c[kind][j - 1] * a * c;
		S->dm[kind][j] = S->dm[kind][j - 1] + (kind == 0 ? 1 / a : 0) -
		    c;
		S->ds[kind][j] = S->ds[kind][j - 1] + (kind == 1 ? 1 / a : 0) -
		    c;
		c = S->c[kind][j];
		S->cdm[kind][j] = c * S->dm[kind][j];
		S->cds[kind][j] = c * S->ds[kind][j];
		S->kc[kind][j] = c * j;
		S->bnd[kind][j] = 3 * c * (1 + fabs(S->dm[kind][j]) +
		    fabs(S->ds[kind][j]) + j);
	}
	S->filled[kind] = k + 1;
}

/*
 * sum c_k q^k and its derivatives by m, s and q, 0 <= |q| <= 3/4.  Every
 * ratio of terms is below |q| (each factor of c_k is below 1), so the
 * remainder after term k is below 3 |term k|: the sum stops when that,
 * times the factors of the derivative series, is below 1e-17 of the sum.
 * -1 when NSER terms were not enough.
 */
static int
ser_sum(struct pnser *S, int kind, double q, double *F, double *Fm,
    double *Fs, double *Fq)
{
	double f = 1, fm = 0, fs = 0, fq = 0, qk1 = 1;
	int k;

	for (k = 1; k < NSER; k++) {
		if (k >= S->filled[kind])
			ser_fill(S, kind, k + 15 < NSER ? k + 15 : NSER - 1);
		fq += S->kc[kind][k] * qk1;
		qk1 *= q;
		f += S->c[kind][k] * qk1;
		fm += S->cdm[kind][k] * qk1;
		fs += S->cds[kind][k] * qk1;
		if (fabs(qk1) * S->bnd[kind][k] <= 1e-17 * f) {
			*F = f, *Fm = fm, *Fs = fs, *Fq = fq;
			return 0;
		}
	}
	return -1;
}

/*
 * g and its partial derivatives by m, s and z.  For |z| <= 3/4 by the
 * series in z; for -3 <= z < -3/4 by Pfaff's transformation 2F1(m, 1;
 * m+s+1; z) = (1-z)^-1 2F1(s+1, 1; m+s+1; w), w = z / (z-1) in (3/7,
 * 3/4], and its series; relative error below 1e-16 (ser_sum).  Else by
 * Gauss-Legendre panels on the integral over u.  Its integrand is
 * analytic but where (1 - z) e^u + z = 0: at u = log(z / (1 - z)) +- i pi
 * for z > 0, at the real u = log(-z / (1 - z)) < 0 for z < 0.  Each panel
 * of width h is at least h from such a point (or at most 2 wide with the
 * point pi off the axis), so its Bernstein ellipse has rho >= 5.8, and
 * spans a fall of the integrand of at most e^6: with 12 nodes the error
 * of a panel is below 1e-17 of its integral's scale.  The panels stop
 * when the tail, bounded by the integrand over its smallest log-slope
 * (the integrand is log-concave for z > 0, its slope at least s + m for
 * z < 0), is below 1e-17 of the sum.
 */
static void
pn_g(struct pnser *S, double z, double *g, double *gm, double *gs,
    double *gz)
{
	const double *gx, *gw;
	double m = S->m, s = S->s, F, Fm, Fs, Fz, H, Hw, I0, Iu, Il, Iz, ul;
	double h, hd, rate, r2, rmin, u, em, lph, ph, f, uk = 0, ua = 0, w;
	int j, panels, done = 0;

	if (fabs(z) <= 0.75)
		done = ser_sum(S, 0, z, &F, &Fm, &Fs, &Fz) == 0;
	else if (z < 0 && z >= -3 && ser_sum(S, 1, z / (z - 1), &H, &Fm,
	    &Fs, &Hw) == 0) {
		w = 1 / (1 - z);
		F = w * H, Fm *= w, Fs *= w;
		Fz = w * w * H - w * w * w * Hw;
		done = 1;
	}
	if (done) {
		w = s / (m + s);
		*g = w * F;
		*gm = w * (Fm - F / (m + s));
		*gs = w * Fs + m / ((m + s) * (m + s)) * F;
		*gz = w * Fz;
		return;
	}
	crm_gauss_legendre(&gx, &gw);
	if (z > 0)
		uk = log(z / (1 - z));
	else
		ua = log(-z / (1 - z));
	I0 = Iu = Il = Iz = 0;
	ul = 0;
	for (panels = 0; panels < 1000; panels++) {
		/* The log-slope of the integrand at u (its fall rate). */
#define RATE(u)	(s + m * (1 - z) / ((1 - z) + z * exp(-(u))))
		if (z > 0)
			hd = ul < uk ? fmax(2, (uk - ul) / 2) :
			    fmax(2, ul - uk);
		else
			hd = ul - ua;
		rate = RATE(ul);
		h = fmin(hd, 6 / rate);
		r2 = RATE(ul + h);
		if (h * r2 > 6)
			h = 6 / r2;
		for (j = 0; j < CRM_GL; j++) {
			u = ul + h / 2 * (1 + gx[j]);
			if (u < 30) {
				em = expm1(u);
				ph = 1 + (1 - z) * em;
				lph = log(ph);
				em /= ph;
			} else {
				ph = (1 - z) + z * exp(-u);
				lph = u + log(ph);
				em = -expm1(-u) / ph;
			}
			f = exp(-s * u - m * lph) * gw[j] * h / 2;
			I0 += f, Iu += u * f, Il += lph * f, Iz += em * f;
		}
		ul += h;
		rmin = z > 0 ? RATE(ul) : s + m;
#undef RATE
		lph = ul < 30 ? log1p((1 - z) * expm1(ul)) : ul + log((1 - z) +
		    z * exp(-ul));
		f = exp(-s * ul - m * lph);
		if (f * (1 + ul + lph) / rmin <= 1e-17 * I0)
			break;
	}
	*g = s * I0;
	*gs = I0 - s * Iu;
	*gm = -s * Il;
	*gz = s * m * Iz;
}

/* The part of x alone: log(Gamma(r+x) alpha^r beta^s / Gamma(r)), d/dp. */
struct pnx {
	double	m;
	double	A, dA[4];
};

static void
pn_x(const double *p, double x, struct pnx *t)
{
	t->m = p[0] + x;
	t->A = crm_lgamma_ratio(p[0], x) + p[0] * log(p[1]) + p[2] *
	    log(p[3]);
	t->dA[0] = crm_digamma_ratio(p[0], x) + log(p[1]);
	t->dA[1] = p[0] / p[1];
	t->dA[2] = log(p[3]);
	t->dA[3] = p[2] / p[3];
}

/*
 * At one time t, for one x: log e(t) and d/dp; log g(t), log(1 - g(t))
 * and 1 / (1 - g(t)); U = d log(e (1 - g)) / dp and V = d log(e g) / dp,
 * what a customer's likelihood takes from t as its T and as its t_x.
 * la, lb: log(alpha + t), log(beta + t).
 */
struct pnt {
	double	le, dle[4];
	double	lg, lh, ih, U[4], V[4];
};

static void
pn_t(const double *p, struct pnser *S, double m, double t, double la,
    double lb, int needg, struct pnt *v)
{
	double al = p[1], s = p[2], be = p[3], g, h, gm, gs, gz, dg[4];
	int k;

	v->le = -m * la - s * lb;
	v->dle[0] = -la;
	v->dle[1] = -m / (al + t);
	v->dle[2] = -lb;
	v->dle[3] = -s / (be + t);
	if (!needg)
		return;
	pn_g(S, (al - be) / (al + t), &g, &gm, &gs, &gz);
	dg[0] = gm;
	dg[1] = gz * (be + t) / ((al + t) * (al + t));
	dg[2] = gs;
	dg[3] = -gz / (al + t);
	/* 1 - g is positive; a g rounded up to 1 leaves no such term. */
	h = 1 - g;
	v->lg = log(g);
	v->lh = h > 0 ? log(h) : -INFINITY;
	v->ih = h > 0 ? 1 / h : 0;
	for (k = 0; k < 4; k++) {
		v->U[k] = v->dle[k] - dg[k] * v->ih;
		v->V[k] = v->dle[k] + dg[k] / g;
	}
}

/*
 * One customer from the terms of x and those at T and t_x (vx NULL: t_x
 * = T), dle = log e(T) - log e(t_x) computed without cancellation; *pa
 * (NULL or) gets P(alive).  The bracket is e(T) (1 - g(T)) + e(t_x)
 * g(t_x); d the log of the ratio of the second term to the first.
 */
static double
pn_core(const struct pnx *t, const struct pnt *vT, const struct pnt *vx,
    double dle, double *g, double *pa)
{
	double b1, b2, d, E, f, wT, wx;
	int k;

	if (vx == NULL) {
		if (g != NULL)
			for (k = 0; k < 4; k++)
				g[k] = t->dA[k] + vT->dle[k];
		if (pa != NULL)
			*pa = 1;
		return t->A + vT->le;
	}
	b1 = vT->lh;
	b2 = vx->lg - dle;
	d = b2 - b1;
	E = exp(-fabs(d));
	f = 1 / (1 + E);
	wT = (d > 0 ? E : 1) * f;
	wx = (d > 0 ? 1 : E) * f;
	if (g != NULL)
		for (k = 0; k < 4; k++)
			g[k] = t->dA[k] + wT * vT->U[k] + wx * vx->V[k];
	if (pa != NULL)
		*pa = wT * vT->ih;
	return t->A + vT->le + fmax(b1, b2) + log1p(E);
}

/* log e(T) - log e(t_x) */
static double
pn_dle(const double *p, double m, double tx, double T)
{
	return -m * logratio(p[1], tx, T) - p[2] * logratio(p[3], tx, T);
}

static double
pn_one(const double *p, double x, double tx, double T, double *g,
    double *pa)
{
	struct pnx t;
	struct pnt vT, vx;
	struct pnser S;

	pn_x(p, x, &t);
	ser_init(&S, t.m, p[2]);
	pn_t(p, &S, t.m, T, log(p[1] + T), log(p[3] + T), tx < T, &vT);
	if (tx >= T)
		return pn_core(&t, &vT, NULL, 0, g, pa);
	pn_t(p, &S, t.m, tx, log(p[1] + tx), log(p[3] + tx), 1, &vx);
	return pn_core(&t, &vT, &vx, pn_dle(p, t.m, tx, T), g, pa);
}

/*
 * ---- Gamma-Gamma --------------------------------------------------------
 *
 * The density of the mean m of x transactions:
 * Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q m^(px-1) x^(px)
 * / (gamma + m x)^(px+q).
 */
struct ggx {
	double	x, px;
	double	A, dA[3];
};

static void
gg_x(const double *p, double x, struct ggx *t)
{
	double pp = p[0], q = p[1], px = pp * x;

	t->x = x, t->px = px;
	/* lgamma(px + q) - lgamma(px) - lgamma(q), from the larger one. */
	if (px >= q)
		t->A = crm_lgamma_ratio(px, q) - lgamma(q);
	else
		t->A = crm_lgamma_ratio(q, px) - lgamma(px);
	t->A += q * log(p[2]) + px * log(x);
	t->dA[0] = x * (crm_digamma_ratio(px, q) + log(x));
	t->dA[1] = crm_digamma_ratio(q, px) + log(p[2]);
	t->dA[2] = q / p[2];
}

static double
gg_core(const double *p, const struct ggx *t, double lm, double mx,
    double *g)
{
	double lv = log(p[2] + mx * t->x);

	if (g != NULL) {
		g[0] = t->dA[0] + t->x * (lm - lv);
		g[1] = t->dA[1] - lv;
		g[2] = t->dA[2] - (t->px + p[1]) / (p[2] + mx * t->x);
	}
	return t->A + (t->px - 1) * lm - (t->px + p[1]) * lv;
}

/* ---- one customer ------------------------------------------------------- */

/* Parameters all positive and finite. */
static int
valid(enum crm_model m, const double *p)
{
	int k;

	for (k = 0; k < info[m].np; k++)
		if (!(p[k] > 0 && p[k] < HUGE_VAL))
			return 0;
	return 1;
}

double
crm_model_ll(enum crm_model m, const double *p, double x, double tx,
    double T, double *grad)
{
	struct ggx t;
	double g[4], ll;
	int k;

	if (!valid(m, p) || !(x >= 0) || !(tx >= 0))
		return NAN;
	switch (m) {
	case CRM_BGNBD:
	case CRM_MBGNBD:
		if (!(T >= tx) || (m == CRM_BGNBD && x > 0 && !(tx > 0)))
			return NAN;
		ll = bg_one(m, p, x, tx, T, g, NULL);
		break;
	case CRM_PNBD:
		if (!(T >= tx))
			return NAN;
		ll = pn_one(p, x, tx, T, g, NULL);
		break;
	default:
		/* tx is m_x, the mean spend of x > 0 transactions. */
		if (!(x > 0) || !(tx > 0))
			return NAN;
		gg_x(p, x, &t);
		ll = gg_core(p, &t, log(tx), tx, g);
		break;
	}
	if (grad != NULL)
		for (k = 0; k < info[m].np; k++)
			grad[k] = g[k] * p[k];
	return ll;
}

double
crm_model_palive(enum crm_model m, const double *p, double x, double tx,
    double T)
{
	double pa;

	if (m == CRM_GG || !valid(m, p) || !(x >= 0) || !(tx >= 0) ||
	    !(T >= tx))
		return NAN;
	if (m == CRM_PNBD) {
		pn_one(p, x, tx, T, NULL, &pa);
		return pa;
	}
	bg_one(m, p, x, tx, T, NULL, &pa);
	return pa;
}

/*
 * 1 - (1 - z)^(a-1) 2F1(A, a - 1; C; z), divided by a - 1 (its limit at a
 * = 1), 0 <= z < 1: the first term as -expm1((a-1) log(1-z)) / (a-1) and
 * the others, each holding the factor a - 1, divided by it.  The series
 * stops when the terms' remainder, bounded by the last term times q / (1 -
 * q) where q bounds the ratio of the terms that follow (their ratio tends
 * to z), is below 1e-17 of the sum.
 */
static double
bg_bracket(double a, double A, double C, double z)
{
	double L = log1p(-z), e = a - 1, first, t, sum = 0, q, ratio;
	long k;

	first = e == 0 ? -L : -expm1(e * L) / e;
	t = A * z / C;		/* the term k = 1 over a - 1 */
	for (k = 1; k < 100000000; k++) {
		sum += t;
		ratio = (A + k) * (e + k) / ((C + k) * (k + 1)) * z;
		t *= ratio;
		q = fmax(fabs(ratio), z);
		if (q < 1 && k > 2 && fabs(t) / (1 - q) <= 1e-17 * fabs(sum))
			break;
		if (t == 0)
			break;
	}
	return first - exp(e * L) * sum;
}

/*
 * E[(1 - (1 + p tau)^-m) / p] for p ~ Beta(a, b): the BG/NBD expectation
 * while alive (tau = t / (alpha + T), m = r + x, b the posterior's b + x)
 * for long horizons, where the series in z = tau / (1 + tau) would need
 * about 40 / (1 - z) terms.  By Gauss-Legendre panels over y = logit p,
 * out both ways from the mode of p^a (1-p)^b.  The integrand p^a (1-p)^b
 * h(p), h(p) = (1 - (1 + p tau)^-m) / p, is analytic but at Im y = +-pi
 * (p infinite at Re y = 0, 1 + p tau = 0 at Re y = -log(1 + tau)); as in
 * pn_g each panel is at most 2 wide or half its distance from those real
 * parts, and spans a fall of at most e^6 (its log-slope is below |a (1-p)
 * - b p| + 1, h falling no faster than 1 / p, plus the slope of (1 + p
 * tau)^-m where that term counts: RATE below), so its error is below
 * 1e-17 of its integral's scale.  Each side stops when its tail, bounded
 * by the integrand over its log-slope there (the tails are log-concave),
 * is below 1e-17 of the sum.
 */
static double
beta_mean_h(double a, double b, double m, double tau)
{
	const double *gx, *gw;
	double lb = lgamma(a) - crm_lgamma_ratio(b, a), s1 = -log1p(tau);
	double y0 = log(a / b), y, yn, h, D, rate, sum = 0;
	int dir, j, panels;

#define LP(y)	(-((y) > 0 ? log1p(exp(-(y))) : -(y) + log1p(exp(y))))
	/*
	 * The log-slope of p^a (1-p)^b, and of (1 + p tau)^-m where that
	 * term still counts (m log(1 + p tau) below 60): it changes by
	 * m p tau / (1 + p tau) per unit of y, and with m up to 1e5 it
	 * falls from 1 to 0 within a unit of y.  A panel wider than that
	 * leaves Gauss-Legendre's error bound (the term grows like e^m
	 * off the real line).
	 */
#define RATE(p)	(fabs(a * (1 - (p)) - b * (p)) + 1 + (m * log1p((p) * tau) < \
	60 ? m * (p) * tau / (1 + (p) * tau) : 0))
	crm_gauss_legendre(&gx, &gw);
	for (dir = -1; dir <= 1; dir += 2) {
		y = y0;
		for (panels = 0; panels < 4000; panels++) {
			double p = exp(LP(y)), lp, lq, u, lh, f, slope, dlh;

			D = fmin(fabs(y), fabs(y - s1));
			h = fmax(2, D / 2);
			rate = RATE(p);
			yn = y + dir * fmin(h, 6 / rate);
			p = exp(LP(yn));
			rate = fmax(rate, RATE(p));
			h = fmin(fmin(h, 6 / rate), fabs(yn - y));
			for (j = 0; j < CRM_GL; j++) {
				double v = y + dir * h / 2 * (1 + gx[j]);

				lp = LP(v), lq = LP(-v), p = exp(lp);
				u = p * tau;
				lh = log(-expm1(-m * log1p(u))) - lp;
				sum += exp(a * lp + b * lq + lh - lb) * gw[j] *
				    h / 2;
			}
			y += dir * h;
			/* The tail beyond y: its integrand and log-slope. */
			lp = LP(y), lq = LP(-y), p = exp(lp), u = p * tau;
			lh = log(-expm1(-m * log1p(u))) - lp;
			f = exp(a * lp + b * lq + lh - lb);
			/* d log h / d log p */
			dlh = u * m * exp(-(m + 1) * log1p(u)) / -expm1(-m *
			    log1p(u)) - 1;
			slope = -dir * (a * (1 - p) - b * p + (1 - p) * dlh);
			if (slope > 0 && f / slope <= 1e-17 * sum)
				break;
		}
	}
#undef RATE
#undef LP
	return sum;
}

double
crm_model_expected(enum crm_model m, const double *p, double x, double tx,
    double T, double t)
{
	double r = p[0], al = p[1], a = p[2], b = p[3], s, be, f, pa;

	pa = crm_model_palive(m, p, x, tx, T);
	if (!isfinite(pa) || !(t >= 0))
		return NAN;
	if (t == 0)
		return 0;
	switch (m) {
	case CRM_BGNBD:
	case CRM_MBGNBD:
		/*
		 * E[Y(t) | x, t_x, T], equation (10) of the BG/NBD paper
		 * (MBG/NBD: b + 1 for b), with 2F1(r+x, b+x; a+b+x-1; z),
		 * z = t / (alpha + T + t), by Euler's transformation
		 * (1 - z)^(a-1-r-x) 2F1(a+b-1-r, a-1; a+b+x-1; z): no
		 * overflow for heavy buyers, and finite at a = 1.  (It is
		 * E[(1 - (1 + p t / (alpha + T))^-(r+x)) / p] for p of the
		 * posterior Beta(a, b + x), times P(alive).)
		 */
		if (m == CRM_MBGNBD)
			b += 1;
		/*
		 * Past z = 0.9 by the expectation's integral over the
		 * posterior of p, Beta(a, b + x), instead.
		 */
		if (t / (al + T + t) > 0.9)
			return beta_mean_h(a, b + x, r + x, t / (al + T)) * pa;
		f = bg_bracket(a, a + b - 1 - r, a + b + x - 1, t / (al + T +
		    t));
		return (a + b + x - 1) * f * pa;
	default:
		/*
		 * (r+x) (beta+T) / ((alpha+T) (s-1)) (1 - ((beta+T) /
		 * (beta+T+t))^(s-1)) P(alive), for every s > 0: at s = 1
		 * its limit log((beta+T+t) / (beta+T)).
		 */
		s = p[2], be = p[3];
		f = log1p(t / (be + T));
		if (s != 1)
			f = -expm1(-(s - 1) * f) / (s - 1);
		return (r + x) * (be + T) / (al + T) * f * pa;
	}
}

double
crm_gg_spend(const double *p, double x, double mx)
{
	double pp = p[0], q = p[1], v = p[2];

	/*
	 * The population's mean p gamma / (q - 1) needs q > 1; a repeat
	 * customer's posterior mean needs only p x + q > 1.
	 */
	if (!valid(CRM_GG, p))
		return NAN;
	if (!(x > 0))
		return q > 1 ? pp * v / (q - 1) : NAN;
	return pp * x + q > 1 ? pp * (v + x * mx) / (pp * x + q - 1) : NAN;
}

/*
 * The horizon is cut into ceil(horizon / 30) equal steps (at least one);
 * the purchases expected in each step times the spend are discounted by
 * (1 + rate)^(t / 365), t the step's end in days.
 */
double
crm_model_clv(const struct crm_fit *f, double x, double tx_days,
    double T_days, double spend, double horizon_days, double rate)
{
	int steps = (int)ceil(horizon_days / 30.0), i;
	double prev = 0, cur, sum = 0, t, tx = tx_days / f->scale,
	    T = T_days / f->scale;

	if (steps < 1)
		steps = 1;
	for (i = 1; i <= steps; i++) {
		t = horizon_days * i / steps;
		cur = crm_model_expected(f->model, f->p, x, tx, T,
		    t / f->scale);
		if (!isfinite(cur))
			return NAN;
		sum += (cur - prev) * spend / pow(1 + rate, t / 365.0);
		prev = cur;
	}
	return sum;
}

/* ---- fitting ------------------------------------------------------------ */

/*
 * The statistics prepared once: triples merged and sorted by x, t_x, T;
 * the distinct x (groups); the distinct times (purchase models), each
 * triple's indices into them; for Pareto/NBD the distinct (x, t) of each
 * group, each triple's indices into them.
 */
struct prep {
	enum crm_model	 m;
	int		 np;
	struct crm_triple *tr;
	size_t		 n;
	double		 N;		/* customers */
	size_t		*gs;		/* group g: triples gs[g] ... */
	size_t		 ng;
	double		*tv;		/* distinct times */
	size_t		 nt;
	uint32_t	*iT, *ix;	/* per triple: time (or pair) indices */
	size_t		*ps;		/* group g's pairs: ps[g] ... */
	size_t		*pt;		/* pair: its time index */
	size_t		 npair;
	double		*lm;		/* Gamma-Gamma: log m_x per triple */
	/* scratch per evaluation */
	double		*la, *ia;	/* per time: Pareto/NBD la, lb */
	struct pnt	*pv;
	struct pnser	*ser;
	double		*w;		/* the weights, compact */
	double		*E, *Ei;	/* BG/NBD: a group's parts of e^d */
	double		 scale[4];	/* the data's scale of each parameter */
	int		 progress;
	double		 pscale;	/* to print LL and |g| */
};

static int
cmptr(const void *a, const void *b)
{
	const struct crm_triple *x = a, *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	if (x->tx != y->tx)
		return x->tx < y->tx ? -1 : 1;
	return (x->T > y->T) - (x->T < y->T);
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static size_t
findt(const double *v, size_t n, double t)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (v[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
prep_free(struct prep *P)
{
	free(P->tr);
	free(P->gs);
	free(P->tv);
	free(P->iT);
	free(P->ix);
	free(P->ps);
	free(P->pt);
	free(P->lm);
	free(P->la);
	free(P->ia);
	free(P->pv);
	free(P->ser);
	free(P->w);
	free(P->E);
	free(P->Ei);
}

/*
 * The distinct times (t_x and T) into P->tv, sorted, and each triple's
 * indices into them: by an open-addressing hash of the times' bits, so
 * that only the distinct ones are sorted.
 */
static int
times(struct prep *P)
{
	uint64_t *key = NULL, b;
	uint32_t *idx = NULL;
	unsigned char *used = NULL;
	size_t cap = 64, i, h, k, nt = 0;
	int shift = 58, rc = -1;

	while (cap < 4 * P->n)
		cap <<= 1, shift--;
	if ((key = malloc(cap * sizeof *key)) == NULL ||
	    (idx = malloc(cap * sizeof *idx)) == NULL ||
	    (used = calloc(cap, 1)) == NULL ||
	    (P->tv = malloc(2 * P->n * sizeof *P->tv)) == NULL ||
	    (P->iT = malloc(P->n * sizeof *P->iT)) == NULL ||
	    (P->ix = malloc(P->n * sizeof *P->ix)) == NULL)
		goto out;
	/* Each time's slot, the distinct ones; then each slot's index. */
	for (i = 0; i < 2 * P->n; i++) {
		double t = i % 2 ? P->tr[i / 2].T : P->tr[i / 2].tx;

		t += 0.0;	/* -0 is 0 */
		memcpy(&b, &t, sizeof b);
		h = (size_t)((b * 0x9E3779B97F4A7C15ULL) >> shift);
		while (used[h] && key[h] != b)
			h = (h + 1) & (cap - 1);
		if (!used[h]) {
			used[h] = 1, key[h] = b;
			P->tv[nt++] = t;
		}
		if (i % 2)
			P->iT[i / 2] = (uint32_t)h;
		else
			P->ix[i / 2] = (uint32_t)h;
	}
	qsort(P->tv, nt, sizeof *P->tv, cmpd);
	for (k = 0; k < nt; k++) {
		memcpy(&b, &P->tv[k], sizeof b);
		h = (size_t)((b * 0x9E3779B97F4A7C15ULL) >> shift);
		while (key[h] != b)
			h = (h + 1) & (cap - 1);
		idx[h] = (uint32_t)k;
	}
	for (i = 0; i < P->n; i++) {
		P->iT[i] = idx[P->iT[i]];
		P->ix[i] = idx[P->ix[i]];
	}
	P->nt = nt;
	if ((P->la = malloc(nt * sizeof *P->la)) == NULL ||
	    (P->ia = malloc(nt * sizeof *P->ia)) == NULL)
		goto out;
	rc = 0;
out:
	free(key);
	free(idx);
	free(used);
	return rc == 0 ? CRM_EX_OK : CRM_EX_SOFTWARE;
}

static int
prep_init(struct prep *P, enum crm_model m, const struct crm_triple *in,
    size_t n)
{
	const char *title = info[m].title;
	size_t i, j, g, k, cnt;
	double *buf = NULL;

	memset(P, 0, sizeof *P);
	P->m = m;
	P->np = info[m].np;
	if ((P->tr = malloc((n + 1) * sizeof *P->tr)) == NULL)
		goto oom;
	for (i = j = 0; i < n; i++) {
		const struct crm_triple *t = &in[i];

		if (!(t->n > 0))
			continue;
		if (m == CRM_GG) {
			if (t->x == 0)
				continue;	/* no repeat spend to model */
			if (!(t->x > 0 && t->tx > 0 && isfinite(t->tx)))
				return crm_err(CRM_EX_DATAERR, NULL, "%s: x "
				    "%g, m_x %g: each needs x > 0 and m_x > 0",
				    title, t->x, t->tx);
		} else if (!(t->x >= 0 && t->tx >= 0 && t->T >= t->tx &&
		    isfinite(t->T) && t->x == floor(t->x)) ||
		    (m == CRM_BGNBD && t->x > 0 && t->tx == 0))
			return crm_err(CRM_EX_DATAERR, NULL, "%s: x %g, t_x "
			    "%g, T %g: x must be whole and 0 < t_x <= T when "
			    "x > 0", title, t->x, t->tx, t->T);
		P->tr[j++] = *t;
	}
	/* Summaries come sorted (counts and crm-churn's query): check. */
	for (i = 1; i < j; i++)
		if (cmptr(&P->tr[i - 1], &P->tr[i]) > 0) {
			qsort(P->tr, j, sizeof *P->tr, cmptr);
			break;
		}
	/* Merge equal triples. */
	for (i = k = 0; i < j; i++) {
		if (k > 0 && cmptr(&P->tr[k - 1], &P->tr[i]) == 0)
			P->tr[k - 1].n += P->tr[i].n;
		else
			P->tr[k++] = P->tr[i];
	}
	P->n = k;
	for (i = 0; i < P->n; i++)
		P->N += P->tr[i].n;
	if (P->n == 0)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: no %s to fit", title,
		    m == CRM_GG ? "repeat customers" : "customers");
	/* Groups by x. */
	if ((P->gs = malloc((P->n + 1) * sizeof *P->gs)) == NULL)
		goto oom;
	for (i = 0; i < P->n; i++)
		if (i == 0 || P->tr[i].x != P->tr[i - 1].x)
			P->gs[P->ng++] = i;
	P->gs[P->ng] = P->n;
	if (m == CRM_GG) {
		if ((P->lm = malloc(P->n * sizeof *P->lm)) == NULL)
			goto oom;
		for (i = 0; i < P->n; i++)
			P->lm[i] = log(P->tr[i].tx);
		return CRM_EX_OK;
	}
	if (times(P) != CRM_EX_OK ||
	    (P->w = malloc(P->n * sizeof *P->w)) == NULL)
		goto oom;
	for (i = 0; i < P->n; i++)
		P->w[i] = P->tr[i].n;
	if ((P->E = malloc(P->nt * sizeof *P->E)) == NULL ||
	    (P->Ei = malloc(P->nt * sizeof *P->Ei)) == NULL)
		goto oom;
	if (m != CRM_PNBD)
		return CRM_EX_OK;
	/*
	 * Pareto/NBD: the distinct times of each group, where g is needed
	 * (t_x, and T when t_x < T); iT and ix then index pairs.
	 */
	if ((P->ps = malloc((P->ng + 1) * sizeof *P->ps)) == NULL ||
	    (P->pt = malloc(2 * P->n * sizeof *P->pt)) == NULL ||
	    (buf = malloc(2 * P->n * sizeof *buf)) == NULL)
		goto oom;
	for (g = 0; g < P->ng; g++) {
		P->ps[g] = P->npair;
		for (cnt = 0, i = P->gs[g]; i < P->gs[g + 1]; i++) {
			buf[cnt++] = (double)P->ix[i];
			buf[cnt++] = (double)P->iT[i];
		}
		qsort(buf, cnt, sizeof *buf, cmpd);
		for (i = k = 0; i < cnt; i++)
			if (k == 0 || buf[i] != buf[k - 1])
				buf[k++] = buf[i];
		for (i = 0; i < k; i++)
			P->pt[P->npair + i] = (size_t)buf[i];
		for (i = P->gs[g]; i < P->gs[g + 1]; i++) {
			P->iT[i] = (uint32_t)(P->npair + findt(buf, k,
			    (double)P->iT[i]));
			P->ix[i] = (uint32_t)(P->npair + findt(buf, k,
			    (double)P->ix[i]));
		}
		P->npair += k;
	}
	P->ps[P->ng] = P->npair;
	free(buf);
	if ((P->pv = malloc(P->npair * sizeof *P->pv)) == NULL ||
	    (P->ser = malloc(sizeof *P->ser)) == NULL)
		goto oom;
	return CRM_EX_OK;
oom:
	free(buf);
	return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
}

/*
 * The sum of bg_core over a group's triples, lo .. hi - 1, its gradient
 * added to G: the same formula with the sums the gradient needs taken
 * once per group, and log(1 + e^-|d|) of the triples of weight up to 4 as
 * the log of their product (each factor in (1, 2], renormalized every 512
 * or so).
 */
static double
bg_group(struct prep *P, const struct bgx *t, const double *p,
    size_t lo, size_t hi, double *G)
{
	double N = 0, SlaT = 0, Sw = 0, Swdl = 0, Smix = 0, Slog = 0, Spos = 0;
	double prod = 1, m = t->m, d, e, f, w, dl, n, laT, iaT, ll, q;
	long exsum = 0;
	size_t i;
	int ex, cnt = 0, tab;

	if (t->lc == -INFINITY) {
		for (i = lo; i < hi; i++) {
			n = P->tr[i].n;
			N += n;
			SlaT += n * P->la[P->iT[i]];
			Smix += n * P->ia[P->iT[i]];
		}
		G[0] += N * t->dA[0] - SlaT;
		G[1] += N * t->dA[1] - m * Smix;
		G[2] += N * t->dA[2];
		G[3] += N * t->dA[3];
		return N * t->A - m * SlaT;
	}
	/*
	 * A large group of small m: e^d = c E(T) / E(t_x), E(t) = (alpha +
	 * t)^m / (alpha + t_0)^m from a table of every time (m (log(alpha +
	 * T) - log(alpha + t_0)) <= 64 log(1 + T / alpha) stays far from
	 * overflow while alpha + T < 1e4 (alpha + t_0)), a product for an exp.
	 */
	tab = m <= 64 && hi - lo >= P->nt && m * (P->la[P->nt - 1] -
	    P->la[0]) < 600;
	if (tab)
		for (i = 0; i < P->nt; i++) {
			P->Ei[i] = exp(-m * (P->la[i] - P->la[0]));
			P->E[i] = exp(t->lc) / P->Ei[i];
		}
	for (i = lo; i < hi; i++) {
		n = P->w[i];
		laT = P->la[P->iT[i]];
		dl = m > 64 ? logratio(p[1], P->tr[i].tx, P->tr[i].T) : laT -
		    P->la[P->ix[i]];
		d = t->lc + m * dl;
		if (tab) {
			e = P->E[P->iT[i]] * P->Ei[P->ix[i]];
			e = d > 0 ? 1 / e : e;
		} else
			e = exp(-fabs(d));
		f = 1 / (1 + e);
		w = (d > 0 ? 1 : e) * f;
		Spos += d > 0 ? n * d : 0;
		if (n <= 4 && n == (int)n) {
			q = 1 + e;
			q = n == 1 ? q : n == 2 ? q * q : n == 3 ? q * q * q :
			    q * q * q * q;
			prod *= q;
			if ((cnt += (int)n) >= 512) {
				prod = frexp(prod, &ex);
				exsum += ex;
				cnt = 0;
			}
		} else
			Slog += n * log1p(e);
		N += n;
		SlaT += n * laT;
		Sw += n * w;
		Swdl += n * w * dl;
		iaT = P->ia[P->iT[i]];
		Smix += n * (iaT + w * (P->ia[P->ix[i]] - iaT));
	}
	Slog += log(prod) + exsum * M_LN2;
	ll = N * t->A - m * SlaT + Spos + Slog;
	G[0] += N * t->dA[0] - SlaT + Swdl;
	G[1] += N * t->dA[1] - m * Smix;
	G[2] += N * t->dA[2] + t->dlc[2] * Sw;
	G[3] += N * t->dA[3] + t->dlc[3] * Sw;
	return ll;
}

/* The total log-likelihood at p and its gradient by log p. */
static double
total(struct prep *P, const double *p, double *grad)
{
	double g[4], G[4] = { 0, 0, 0, 0 }, sum = 0, v, w;
	size_t gi, i, j;
	int k;

	switch (P->m) {
	case CRM_BGNBD:
	case CRM_MBGNBD:
		for (j = 0; j < P->nt; j++) {
			P->la[j] = log(p[1] + P->tv[j]);
			P->ia[j] = 1 / (p[1] + P->tv[j]);
		}
		for (gi = 0; gi < P->ng; gi++) {
			struct bgx t;

			bg_x(P->m, p, P->tr[P->gs[gi]].x, &t);
			sum += bg_group(P, &t, p, P->gs[gi], P->gs[gi + 1], G);
		}
		break;
	case CRM_PNBD:
		for (j = 0; j < P->nt; j++) {
			P->la[j] = log(p[1] + P->tv[j]);
			P->ia[j] = log(p[3] + P->tv[j]);
		}
		for (gi = 0; gi < P->ng; gi++) {
			struct pnx t;

			pn_x(p, P->tr[P->gs[gi]].x, &t);
			ser_init(P->ser, t.m, p[2]);
			for (j = P->ps[gi]; j < P->ps[gi + 1]; j++)
				pn_t(p, P->ser, t.m, P->tv[P->pt[j]],
				    P->la[P->pt[j]], P->ia[P->pt[j]], 1,
				    &P->pv[j]);
			for (i = P->gs[gi]; i < P->gs[gi + 1]; i++) {
				const struct crm_triple *tr = &P->tr[i];

				if (tr->tx >= tr->T)
					v = pn_core(&t, &P->pv[P->iT[i]], NULL,
					    0, g, NULL);
				else
					v = pn_core(&t, &P->pv[P->iT[i]],
					    &P->pv[P->ix[i]], t.m > 64 ?
					    pn_dle(p, t.m, tr->tx, tr->T) :
					    P->pv[P->iT[i]].le -
					    P->pv[P->ix[i]].le, g, NULL);
				w = tr->n;
				sum += w * v;
				for (k = 0; k < 4; k++)
					G[k] += w * g[k];
			}
		}
		break;
	default:
		for (gi = 0; gi < P->ng; gi++) {
			struct ggx t;

			gg_x(p, P->tr[P->gs[gi]].x, &t);
			for (i = P->gs[gi]; i < P->gs[gi + 1]; i++) {
				v = gg_core(p, &t, P->lm[i], P->tr[i].tx, g);
				w = P->tr[i].n;
				sum += w * v;
				for (k = 0; k < 3; k++)
					G[k] += w * g[k];
			}
		}
		break;
	}
	for (k = 0; k < P->np; k++)
		grad[k] = G[k] * p[k];
	return sum;
}

/* The minimizer's function: minus the mean log-likelihood, by log p. */
static double
objective(void *ctx, const double *th, double *grad)
{
	struct prep *P = ctx;
	double p[4], ll;
	int k;

	for (k = 0; k < P->np; k++) {
		if (!(fabs(th[k]) < 700))
			return HUGE_VAL;
		p[k] = exp(th[k]);
	}
	ll = total(P, p, grad);
	for (k = 0; k < P->np; k++)
		grad[k] = -grad[k] / P->N;
	return isfinite(ll) ? -ll / P->N : HUGE_VAL;
}

static void
progress(void *ctx, int it, double f, double gmax)
{
	struct prep *P = ctx;

	if (P->progress)
		fprintf(stderr, "%s: iteration %d: LL %.10g |g| %.3g\n",
		    info[P->m].name, it, -f * P->N, gmax * P->N);
}

/*
 * A start from the data.  Purchases: the mean rate mu = sum x / sum T and
 * the NBD's overdispersion, var(x) = mu T + (mu T)^2 / r, give r and alpha
 * = r / mu; dropout starts at a mean probability 1/4 (a 1, b 3), for
 * Pareto/NBD at s 1, beta the mean T.  Gamma-Gamma: the mean m and the
 * variance of m_x, with q 3, give p and gamma (var m_x = m^2 (1 + 2 h /
 * p), h the mean of 1 / x).
 */
static void
start(const struct prep *P, double *p)
{
	double sx = 0, sT = 0, sTT = 0, sd = 0, mu, r, sm = 0, smm = 0, sh = 0;
	double mean, var;
	size_t i;

	for (i = 0; i < P->n; i++) {
		const struct crm_triple *t = &P->tr[i];

		if (P->m == CRM_GG) {
			sm += t->n * t->tx, smm += t->n * t->tx * t->tx;
			sh += t->n / t->x;
		} else
			sx += t->n * t->x, sT += t->n * t->T, sTT += t->n *
			    t->T * t->T;
	}
	if (P->m == CRM_GG) {
		mean = sm / P->N;
		var = smm / P->N - mean * mean;
		p[0] = var > mean * mean * 1.01 ? 2 * (sh / P->N) / (var /
		    (mean * mean) - 1) : 10;
		p[0] = fmin(fmax(p[0], 0.1), 100);
		p[1] = 3;
		p[2] = 2 * mean / p[0];
		return;
	}
	mu = sx > 0 && sT > 0 ? sx / sT : 1 / fmax(sT / P->N, 1);
	for (i = 0; i < P->n; i++) {
		double e = P->tr[i].x - mu * P->tr[i].T;

		sd += P->tr[i].n * e * e;
	}
	r = sd - mu * sT > 0 ? mu * mu * sTT / (sd - mu * sT) : 10;
	r = fmin(fmax(r, 0.05), 20);
	p[0] = r;
	p[1] = r / fmax(mu, 1e-12);
	if (P->m == CRM_PNBD) {
		p[2] = 1;
		p[3] = fmax(sT / P->N, 1e-6);
	} else {
		p[2] = 1;
		p[3] = 3;
	}
}

/*
 * What a parameter running to a boundary says about the data: k the
 * parameter, up whether it runs to infinity.
 */
static const char *
lack(enum crm_model m, int k, int up)
{
	switch (m) {
	case CRM_GG:
		if (k == 0)
			return up ? "each customer's spend does not vary "
			    "(p -> inf)" : "spend varies without bound (p -> "
			    "0)";
		return up ? "spend does not vary between customers (q, gamma "
		    "-> inf)" : "too few repeat customers to tell the spread "
		    "of spend";
	case CRM_PNBD:
		if (k >= 2)
			return up && k == 3 ? "no sign of dropout (s/beta -> "
			    "0); the NBD fits as well" : !up && k == 2 ?
			    "no sign of dropout (s/beta -> 0); the NBD fits "
			    "as well" : "dropout rates do not vary between "
			    "customers (s, beta -> inf)";
		break;
	default:
		if (k == 2)
			return up ? "dropout probabilities do not vary or "
			    "dropout is certain (a -> inf)" : "no sign of "
			    "dropout (a -> 0)";
		if (k == 3)
			return up ? "no sign of dropout (b -> inf)" :
			    "dropout probabilities do not vary (b -> 0)";
		break;
	}
	if (k == 0)
		return up ? "purchase rates do not vary between customers "
		    "(r, alpha -> inf)" : "too few repeat purchases (r -> 0)";
	return up ? "purchase rates do not vary between customers (r, alpha "
	    "-> inf)" : "purchase rates vary without bound (alpha -> 0)";
}

/* The data's scale of each parameter: shapes 1, rates the mean T or m. */
static void
scales(struct prep *P)
{
	double s = 0;
	size_t i;
	int k;

	for (k = 0; k < 4; k++)
		P->scale[k] = 1;
	for (i = 0; i < P->n; i++)
		s += P->tr[i].n * (P->m == CRM_GG ? P->tr[i].tx : P->tr[i].T);
	s = fmax(s / P->N, 1e-12);
	if (P->m == CRM_GG)
		P->scale[2] = s;
	else {
		P->scale[1] = s;
		if (P->m == CRM_PNBD)
			P->scale[3] = s;
	}
}

/*
 * Invert the negative Hessian of the total log-likelihood by log p (n x
 * n, Cholesky); 0, or -1 when it is not positive definite.
 */
static int
invert(int n, double H[4][4], double C[4][4])
{
	double L[4][4] = { { 0 } }, y[4];
	int i, j, k, c;

	for (i = 0; i < n; i++)
		for (j = 0; j <= i; j++) {
			double s = H[i][j];

			for (k = 0; k < j; k++)
				s -= L[i][k] * L[j][k];
			if (i == j) {
				if (!(s > 1e-12 * fabs(H[i][i])) || !(s > 0))
					return -1;
				L[i][i] = sqrt(s);
			} else
				L[i][j] = s / L[j][j];
		}
	for (c = 0; c < n; c++) {
		for (i = 0; i < n; i++) {
			double s = i == c;

			for (k = 0; k < i; k++)
				s -= L[i][k] * y[k];
			y[i] = s / L[i][i];
		}
		for (i = n - 1; i >= 0; i--) {
			double s = y[i];

			for (k = i + 1; k < n; k++)
				s -= L[k][i] * C[k][c];
			C[i][c] = s / L[i][i];
		}
	}
	return 0;
}

/*
 * Standard errors by the Hessian of forward differences (step 1e-5 in
 * log p) of the gradient g0 at th: relative error about 1e-5.
 */
static int
stderrs(struct prep *P, const double *th, const double *g0, double *se)
{
	double H[4][4], C[4][4], t[4], gp[4], h = 1e-5;
	int i, j, np = P->np;

	for (j = 0; j < np; j++) {
		memcpy(t, th, sizeof t);
		t[j] = th[j] + h;
		objective(P, t, gp);
		for (i = 0; i < np; i++)
			H[i][j] = (gp[i] - g0[i]) / h * P->N;
	}
	for (i = 0; i < np; i++)
		for (j = 0; j < i; j++)
			H[i][j] = H[j][i] = (H[i][j] + H[j][i]) / 2;
	if (invert(np, H, C) != 0)
		return -1;
	for (i = 0; i < np; i++)
		se[i] = exp(th[i]) * sqrt(C[i][i]);
	return 0;
}

/* Log-parameter k run past 1e6 times its scale either way. */
static int
far(const struct prep *P, const double *th, int k)
{
	return fabs(th[k] - log(P->scale[k])) > log(1e6);
}

/*
 * BFGS stops at the first step that takes a parameter that far: a fit
 * there is refused whatever follows, and Pareto/NBD's terms grow dear
 * as s and beta run off (seconds of iterations to say no).
 */
static int
astray(void *ctx, const double *th)
{
	const struct prep *P = ctx;
	int k;

	for (k = 0; k < info[P->m].np; k++)
		if (far(P, th, k))
			return 1;
	return 0;
}

int
crm_model_fit(enum crm_model m, const struct crm_triple *tr, size_t n,
    struct crm_fit *f, int prog)
{
	struct crm_bfgs_opt o = { 500, 1e-8, 1e-6, 2, progress, astray, NULL,
	    NULL };
	struct crm_bfgs_opt o2;
	double Hinv[16];
	struct prep P;
	double th[4], th2[4], g[4], v, v2, gmax, p[4];
	const char *title = info[m].title;
	int rc, k, it, it2, np = info[m].np;

	f->model = m;
	f->iter = 0;
	f->gnorm = NAN;
	f->ll = NAN;
	f->n = 0;
	for (k = 0; k < 4; k++)
		f->p[k] = f->se[k] = NAN;
	if ((rc = prep_init(&P, m, tr, n)) != CRM_EX_OK)
		goto out;
	P.progress = prog;
	f->n = P.N;
	for (v = 0, k = 0; k < (int)P.n && m != CRM_GG; k++)
		v += P.tr[k].x;
	if (m != CRM_GG && v == 0) {
		rc = crm_err(CRM_EX_DATAERR, NULL, "%s: no fit: no repeat "
		    "purchases (every customer bought once)", title);
		goto out;
	}
	/*
	 * The test suite's hook (tests/fitlock.t): stop here, in the fit,
	 * so that a test can check what the process holds meanwhile.
	 */
	if (getenv("CRM_FIT_STOP") != NULL)
		raise(SIGSTOP);
	scales(&P);
	start(&P, p);
	for (k = 0; k < np; k++)
		th[k] = log(p[k]);
	o.Hout = Hinv;
	rc = crm_bfgs(objective, &P, np, th, &v, g, &o, &it, &gmax);
	f->iter = it;
	if (rc == 0) {
		/*
		 * Confirm from a second start: each log-parameter moved by
		 * 0.5, up and down in turn, with the curvature the first
		 * run learned.
		 */
		for (k = 0; k < np; k++)
			th2[k] = th[k] + (k % 2 ? -0.5 : 0.5);
		o2 = o;
		o2.gtol = o.gtol_loose;
		o2.H = Hinv;
		o2.Hout = NULL;
		if (crm_bfgs(objective, &P, np, th2, &v2, g, &o2, &it2,
		    &gmax) == 0) {
			f->iter += it2;
			if (v2 < v - 1e-9 * fabs(v)) {
				memcpy(th, th2, sizeof th);
				v = v2;
			}
			/* Within 1e-7: one optimum, met by two roads. */
			if (fabs(v2 - v) > 1e-7 * fabs(v))
				crm_warn(NULL, "%s: a second start found a "
				    "different optimum (LL %.10g and %.10g): "
				    "the better one is kept", title, -v * P.N,
				    -v2 * P.N);
		}
		objective(&P, th, g);
		for (gmax = 0, k = 0; k < np; k++)
			gmax = fmax(gmax, fabs(g[k]));
	}
	if (rc == -2) {
		rc = crm_err(CRM_EX_DATAERR, NULL, "%s: the likelihood cannot "
		    "be computed from these data", title);
		goto out;
	}
	/* A parameter run past 1e6 times its scale either way. */
	for (k = 0; k < np; k++)
		if (far(&P, th, k)) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "%s: no fit: %s (%s "
			    "%.3g after %d iterations)", title, lack(m, k,
			    th[k] > log(P.scale[k])), info[m].param[k],
			    exp(th[k]), f->iter);
			goto out;
		}
	if (rc != 0) {
		rc = crm_err(CRM_EX_DATAERR, NULL, "%s: the fit did not "
		    "converge in %d iterations (largest gradient %.3g): the "
		    "data do not determine the parameters", title, f->iter,
		    gmax * P.N);
		goto out;
	}
	for (k = 0; k < np; k++)
		f->p[k] = exp(th[k]);
	if (stderrs(&P, th, g, f->se) != 0) {
		rc = crm_err(CRM_EX_DATAERR, NULL, "%s: no fit: the likelihood "
		    "is flat in some direction at its maximum, so the data do "
		    "not determine the parameters", title);
		for (k = 0; k < 4; k++)
			f->p[k] = f->se[k] = NAN;
		goto out;
	}
	f->ll = -v * P.N;
	for (v = 0, k = 0; k < np; k++)
		v += g[k] * g[k];
	f->gnorm = sqrt(v) * P.N;
	rc = CRM_EX_OK;
out:
	prep_free(&P);
	return rc;
}
