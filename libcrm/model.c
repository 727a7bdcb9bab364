/*
 * model.c: the customer-base models.  BG/NBD (Fader, Hardie & Lee 2005),
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007), Pareto/NBD (Schmittlein,
 * Morrison & Colombo 1987) and the Gamma-Gamma spend model (Fader, Hardie
 * & Lee 2005), fitted by maximum likelihood on the distinct (x, t_x, T)
 * triples with their counts: Nelder-Mead over the logs of the parameters
 * from several starts.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static double crm_gg_ll(const double *, double, double);

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

/* log(exp(a) + exp(b)) without overflow. */
static double
logadd(double a, double b)
{
	if (a == -INFINITY)
		return b;
	if (b == -INFINITY)
		return a;
	return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/*
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, by its
 * series summed until the terms no longer count.  The models call it
 * with positive a, b, c, where every term is positive: no cancellation.
 */
double
crm_hyp2f1(double a, double b, double c, double z)
{
	double term = 1, sum = 1;
	int k;

	if (z == 0)
		return 1;
	for (k = 0; k < 200000; k++) {
		term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
		sum += term;
		if (fabs(term) < 1e-16 * fabs(sum))
			break;
		if (!isfinite(sum))
			return sum;
	}
	return sum;
}

static double
ll1(enum crm_model m, const double *p, double x, double tx, double T)
{
	double r = p[0], alpha = p[1], a, b, s, beta, a1, a2, a3, a4;

	switch (m) {
	case CRM_GG:
		return crm_gg_ll(p, x, tx);
	case 0:		/* BG/NBD */
		a = p[2], b = p[3];
		a1 = lgamma(r + x) - lgamma(r) + r * log(alpha);
		a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) -
		    lgamma(a + b + x);
		a3 = -(r + x) * log(alpha + T);
		a4 = x > 0 ? log(a) - log(b + x - 1) - (r + x) *
		    log(alpha + tx) : -INFINITY;
		return a1 + a2 + logadd(a3, a4);
	case 2:		/* MBG/NBD */
		a = p[2], b = p[3];
		a1 = lgamma(r + x) - lgamma(r) + r * log(alpha);
		a2 = lgamma(a + b) + lgamma(b + x + 1) - lgamma(b) -
		    lgamma(a + b + x + 1);
		a3 = -(r + x) * log(alpha + T);
		a4 = log(a) - log(b + x) + (r + x) * (log(alpha + T) -
		    log(alpha + tx));
		return a1 + a2 + a3 + logadd(a4, 0);
	default: {	/* Pareto/NBD */
		double lo, hi, t, rsx, l1, l2, la0;

		s = p[2], beta = p[3];
		rsx = r + s + x;
		if (alpha < beta)
			lo = alpha, hi = beta, t = r + x;
		else
			lo = beta, hi = alpha, t = s + 1;
		l1 = log(crm_hyp2f1(rsx, t, rsx + 1, (hi - lo) / (hi + tx))) -
		    rsx * log(hi + tx);
		l2 = log(crm_hyp2f1(rsx, t, rsx + 1, (hi - lo) / (hi + T))) -
		    rsx * log(hi + T);
		/* log(e^l1 - e^l2): l1 > l2 as tx < T. */
		la0 = l1 + log(-expm1(l2 - l1));
		a1 = lgamma(r + x) - lgamma(r) + r * log(alpha) + s * log(beta);
		a2 = -(r + x) * log(alpha + T) - s * log(beta + T);
		if (tx >= T || !isfinite(la0))
			return a1 + a2;
		return a1 + logadd(a2, log(s) + la0 - log(rsx));
	}
	}
}

double
crm_model_palive(enum crm_model m, const double *p, double x, double tx, double T)
{
	double r = p[0], alpha = p[1], a = p[2], b = p[3], l, s, beta;

	switch (m) {
	case CRM_GG:
		return NAN;
	case 0:
		if (x == 0)
			return 1;
		l = log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) -
		    log(alpha + tx));
		return 1 / (1 + exp(l));
	case 2:
		l = log(a) - log(b + x) + (r + x) * (log(alpha + T) -
		    log(alpha + tx));
		return 1 / (1 + exp(l));
	default:
		/* P(alive) = L(alive at T) / L, both from the likelihood. */
		s = p[2], beta = p[3];
		l = lgamma(r + x) - lgamma(r) + r * log(alpha) + s * log(beta) -
		    (r + x) * log(alpha + T) - s * log(beta + T);
		return exp(l - ll1(CRM_PNBD, p, x, tx, T));
	}
}

double
crm_model_expected(enum crm_model m, const double *p, double x, double tx, double T,
    double t)
{
	double r = p[0], alpha = p[1], a = p[2], b = p[3], f, s, beta;

	if (m == CRM_GG)
		return NAN;
	if (t <= 0)
		return 0;
	switch (m) {
	case 0:
	case 2:
		/* E[Y(t) | x, t_x, T], equation (10) of the BG/NBD paper. */
		if (m == 2)
			b += 1;
		if (a == 1)
			a = 1 + 1e-9;	/* the limit, not a pole */
		/*
		 * (1 - z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) with z = t/(alpha +
		 * T + t) overflows for heavy buyers; Euler's transformation
		 * makes it (1 - z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
		 * whose terms stay small.
		 */
		f = crm_hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, t / (alpha +
		    T + t));
		f = (a + b + x - 1) / (a - 1) * (1 - exp((a - 1) * (log(alpha +
		    T) - log(alpha + T + t))) * f);
		return f * crm_model_palive(m, p, x, tx, T);
	default:
		/*
		 * (1 - ((beta+T)/(beta+T+t))^(s-1)) / (s - 1), positive for
		 * every s > 0; at s = 1, its limit log((beta+T+t)/(beta+T)).
		 */
		s = p[2], beta = p[3];
		f = log(beta + T + t) - log(beta + T);
		if (s != 1)
			f = -expm1(-(s - 1) * f) / (s - 1);
		return (r + x) * (beta + T) / (alpha + T) * f *
		    crm_model_palive(1, p, x, tx, T);
	}
}

/* ---- fitting ---------------------------------------------------------- */

struct nll {
	int				 m;
	const struct crm_triple		*tr;
	size_t				 n;
};

/*
 * BG/NBD and MBG/NBD likelihoods split into a part of x alone (the gamma
 * and beta functions) and a part of t_x and T; triples come sorted by x,
 * so the first is computed once per x.
 */
static double
bg_ll(int m, const double *p, double x, double tx, double T, double *cx,
    double *ax)
{
	double r = p[0], alpha = p[1], a = p[2], b = p[3], a3, a4;

	if (x != *cx) {
		*cx = x;
		*ax = lgamma(r + x) - lgamma(r) + r * log(alpha) +
		    lgamma(a + b) - lgamma(b) + (m == 0 ?
		    lgamma(b + x) - lgamma(a + b + x) :
		    lgamma(b + x + 1) - lgamma(a + b + x + 1));
	}
	a3 = -(r + x) * log(alpha + T);
	if (m == 0) {
		a4 = x > 0 ? log(a) - log(b + x - 1) - (r + x) *
		    log(alpha + tx) : -INFINITY;
		return *ax + logadd(a3, a4);
	}
	a4 = log(a) - log(b + x) + (r + x) * (log(alpha + T) -
	    log(alpha + tx));
	return *ax + a3 + logadd(a4, 0);
}

static double
nll(const struct nll *f, const double *lp, int np)
{
	double p[4], sum = 0, v, cx = -1, ax = 0;
	size_t i;
	int k;

	for (k = 0; k < np; k++) {
		if (lp[k] > 30 || lp[k] < -30)
			return HUGE_VAL;
		p[k] = exp(lp[k]);
	}
	for (i = 0; i < f->n; i++) {
		if (f->m == 0 || f->m == 2)
			v = bg_ll(f->m, p, f->tr[i].x, f->tr[i].tx, f->tr[i].T,
			    &cx, &ax);
		else if (f->m == 3)
			v = crm_gg_ll(p, f->tr[i].x, f->tr[i].tx);
		else
			v = ll1(f->m, p, f->tr[i].x, f->tr[i].tx, f->tr[i].T);
		if (!isfinite(v))
			return HUGE_VAL;
		sum += f->tr[i].n * v;
	}
	return -sum;
}

/* Nelder-Mead on np dimensions from x0; returns the minimum. */
static double
neldermead(const struct nll *f, double *x0, int np, double step, double tol)
{
	double s[5][4], v[5], c[4], xr[4], xe[4], xc[4], vr, ve, vc;
	int i, j, k, it, lo, hi, nh;

	for (i = 0; i <= np; i++) {
		memcpy(s[i], x0, sizeof s[i]);
		if (i > 0)
			s[i][i - 1] += step;
		v[i] = nll(f, s[i], np);
	}
	for (it = 0; it < 20000; it++) {
		lo = hi = 0;
		for (i = 1; i <= np; i++) {
			if (v[i] < v[lo])
				lo = i;
			if (v[i] > v[hi])
				hi = i;
		}
		nh = lo;
		for (i = 0; i <= np; i++)
			if (i != hi && v[i] > v[nh])
				nh = i;
		if (fabs(v[hi] - v[lo]) <= tol * (fabs(v[lo]) + 1e-12))
			break;
		for (k = 0; k < np; k++) {
			c[k] = 0;
			for (i = 0; i <= np; i++)
				if (i != hi)
					c[k] += s[i][k] / np;
		}
		for (k = 0; k < np; k++)
			xr[k] = c[k] + (c[k] - s[hi][k]);
		vr = nll(f, xr, np);
		if (vr < v[lo]) {
			for (k = 0; k < np; k++)
				xe[k] = c[k] + 2 * (c[k] - s[hi][k]);
			ve = nll(f, xe, np);
			if (ve < vr) {
				memcpy(s[hi], xe, sizeof xe);
				v[hi] = ve;
			} else {
				memcpy(s[hi], xr, sizeof xr);
				v[hi] = vr;
			}
			continue;
		}
		if (vr < v[nh]) {
			memcpy(s[hi], xr, sizeof xr);
			v[hi] = vr;
			continue;
		}
		for (k = 0; k < np; k++)
			xc[k] = vr < v[hi] ? c[k] + 0.5 * (xr[k] - c[k]) :
			    c[k] + 0.5 * (s[hi][k] - c[k]);
		vc = nll(f, xc, np);
		if (vc < (vr < v[hi] ? vr : v[hi])) {
			memcpy(s[hi], xc, sizeof xc);
			v[hi] = vc;
			continue;
		}
		/* Shrink toward the best. */
		for (i = 0; i <= np; i++) {
			if (i == lo)
				continue;
			for (j = 0; j < np; j++)
				s[i][j] = s[lo][j] + 0.5 * (s[i][j] - s[lo][j]);
			v[i] = nll(f, s[i], np);
		}
	}
	lo = 0;
	for (i = 1; i <= np; i++)
		if (v[i] < v[lo])
			lo = i;
	memcpy(x0, s[lo], sizeof s[lo]);
	return v[lo];
}

static int
nmfit(int m, const struct crm_triple *tr, size_t n, double *p, double *ll)
{
	static const double starts[][4] = {
		{ 0, 0, 0, 0 }, { -1, 1, -0.5, 1 }, { 0.5, 2, 0.5, 0.5 },
		{ -1.5, 1.5, 1, 2 }, { 1, 3, -1, 0 },
	};
	struct nll f = { m, tr, n };
	double best = HUGE_VAL, x[4], v;
	int np = m == 3 ? 3 : 4, s, k, round;

	for (s = 0; s < (int)(sizeof starts / sizeof starts[0]); s++) {
		memcpy(x, starts[s], sizeof x);
		/* Restart from the result until it stops improving. */
		for (round = 0, v = HUGE_VAL; round < 8; round++) {
			double w = neldermead(&f, x, np, round == 0 ? 1 : 0.1,
			    1e-12);

			if (v - w < 1e-9)
				break;
			v = w;
		}
		if (v < best) {
			best = v;
			for (k = 0; k < np; k++)
				p[k] = exp(x[k]);
		}
	}
	if (!isfinite(best))
		return -1;
	*ll = -best;
	return 0;
}

/* ---- Gamma-Gamma ------------------------------------------------------- */

static double
crm_gg_ll(const double *p, double x, double mx)
{
	double pp = p[0], q = p[1], v = p[2];

	return lgamma(pp * x + q) - lgamma(pp * x) - lgamma(q) + q * log(v) +
	    (pp * x - 1) * log(mx) + pp * x * log(x) - (pp * x + q) *
	    log(x * mx + v);
}

double
crm_gg_spend(const double *p, double x, double mx)
{
	double pp = p[0], q = p[1], v = p[2];

	if (x <= 0 || !(q > 1))
		return pp * v / (q - 1);
	return pp * (v + x * mx) / (pp * x + q - 1);
}

double
crm_model_ll(enum crm_model m, const double *p, double x, double tx,
    double T, double *grad)
{
	double q[4], h, up, dn;
	int k;

	if (grad != NULL)
		for (k = 0; k < info[m].np; k++) {
			memcpy(q, p, sizeof q);
			h = 1e-6;
			q[k] = p[k] * exp(h);
			up = ll1(m, q, x, tx, T);
			q[k] = p[k] * exp(-h);
			dn = ll1(m, q, x, tx, T);
			grad[k] = (up - dn) / (2 * h);
		}
	return ll1(m, p, x, tx, T);
}

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

int
crm_model_fit(enum crm_model m, const struct crm_triple *tr, size_t n,
    struct crm_fit *f, int progress)
{
	size_t i;
	int k;

	(void)progress;
	f->model = m;
	f->iter = 0;
	f->gnorm = NAN;
	for (k = 0; k < 4; k++)
		f->p[k] = f->se[k] = NAN;
	for (f->n = 0, i = 0; i < n; i++)
		f->n += tr[i].n;
	if (nmfit(m, tr, n, f->p, &f->ll) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: the fit did not "
		    "converge", info[m].title);
	return CRM_EX_OK;
}
