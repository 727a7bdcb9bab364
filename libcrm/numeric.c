/*
 * numeric.c: what the models compute with and are not: digamma, log-gamma
 * differences without cancellation, Gauss-Legendre nodes, and the
 * quasi-Newton minimizer (BFGS with a strong Wolfe line search).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "crm-int.h"

/*
 * The asymptotic series of digamma without its log: psi(x) = log x +
 * dgasym(x), for x >= 12, where the first term left out, B16 / (16 x^16),
 * is below 2e-19.
 */
static double
dgasym(double x)
{
	double z = 1 / (x * x);

	return -0.5 / x - z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 -
	    z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z *
	    (1.0 / 12)))))));
}

/*
 * The Stirling series of log-gamma past its leading terms: lgamma(x) =
 * (x - 1/2) log x - x + log(2 pi) / 2 + lgasym(x), for x >= 12, where the
 * first term left out, B16 / (16 * 15 x^15), is below 2e-18.
 */
static double
lgasym(double x)
{
	double z = 1 / (x * x);

	return (1.0 / 12 - z * (1.0 / 360 - z * (1.0 / 1260 - z * (1.0 /
	    1680 - z * (1.0 / 1188 - z * (691.0 / 360360 - z * (1.0 /
	    156))))))) / x;
}

/*
 * Digamma for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to x >=
 * 12, then the asymptotic series.
 */
double
crm_digamma(double x)
{
	double acc = 0;

	if (!(x > 0))
		return NAN;
	if (isinf(x))
		return x;
	while (x < 12) {
		acc -= 1 / x;
		x += 1;
	}
	return acc + log(x) + dgasym(x);
}

/* Whether x is a whole number up to 8: the short sums. */
static int
small_whole(double x)
{
	return x <= 8 && x == floor(x);
}

/*
 * lgamma(a + x) - lgamma(a) for a > 0, x >= 0, without the cancellation of
 * two large log-gammas when a is large: past 12, by the Stirling series,
 * (a - 1/2) log1p(x/a) + x (log(a + x) - 1) + S(a + x) - S(a).
 */
double
crm_lgamma_ratio(double a, double x)
{
	double prod = 1;
	int k;

	if (x == 0)
		return 0;
	if (small_whole(x)) {
		for (k = 0; k < (int)x; k++)
			prod *= a + k;
		return log(prod);
	}
	if (a >= 12)
		return (a - 0.5) * log1p(x / a) + x * (log(a + x) - 1) +
		    (lgasym(a + x) - lgasym(a));
	return lgamma(a + x) - lgamma(a);
}

/* psi(a + x) - psi(a), the same way. */
double
crm_digamma_ratio(double a, double x)
{
	double sum = 0;
	int k;

	if (x == 0)
		return 0;
	if (small_whole(x)) {
		for (k = 0; k < (int)x; k++)
			sum += 1 / (a + k);
		return sum;
	}
	if (a >= 12)
		return log1p(x / a) + (dgasym(a + x) - dgasym(a));
	return crm_digamma(a + x) - crm_digamma(a);
}

/* ---- Gauss-Legendre ---------------------------------------------------- */

/*
 * The CRM_GL nodes and weights on [-1, 1], by Newton's method on the
 * Legendre polynomial from Chebyshev's guesses, once.
 */
static double glx[CRM_GL], glw[CRM_GL];
static int glready;

void
crm_gauss_legendre(const double **x, const double **w)
{
	double z, p0, p1, p2, dp, dz;
	int i, j, k, n = CRM_GL;

	if (!glready) {
		for (i = 0; i < (n + 1) / 2; i++) {
			z = cos(M_PI * (i + 0.75) / (n + 0.5));
			for (k = 0; k < 100; k++) {
				p0 = 1, p1 = z;
				for (j = 2; j <= n; j++) {
					p2 = ((2 * j - 1) * z * p1 - (j - 1) *
					    p0) / j;
					p0 = p1, p1 = p2;
				}
				dp = n * (z * p1 - p0) / (z * z - 1);
				dz = p1 / dp;
				z -= dz;
				if (fabs(dz) < 1e-17)
					break;
			}
			p0 = 1, p1 = z;
			for (j = 2; j <= n; j++) {
				p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
				p0 = p1, p1 = p2;
			}
			dp = n * (z * p1 - p0) / (z * z - 1);
			glx[i] = -z, glx[n - 1 - i] = z;
			glw[i] = glw[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
		}
		glready = 1;
	}
	*x = glx;
	*w = glw;
}

/* ---- BFGS -------------------------------------------------------------- */

struct fun {
	double	(*fg)(void *, const double *, double *);
	void	*ctx;
	int	 n;
	const double *x0, *d;
	double	*x, *g;
	int	 evals;
};

/* f and its slope along d at x0 + t d. */
static double
along(struct fun *f, double t, double *slope)
{
	double v;
	int k;

	for (k = 0; k < f->n; k++)
		f->x[k] = f->x0[k] + t * f->d[k];
	v = f->fg(f->ctx, f->x, f->g);
	f->evals++;
	*slope = 0;
	for (k = 0; k < f->n; k++)
		*slope += f->g[k] * f->d[k];
	if (!isfinite(v) || !isfinite(*slope))
		return HUGE_VAL;
	return v;
}

/* The minimizer of the cubic through (a, fa, da), (b, fb, db), or NAN. */
static double
cubicmin(double a, double fa, double da, double b, double fb, double db)
{
	double d1 = da + db - 3 * (fa - fb) / (a - b), d2sq = d1 * d1 - da *
	    db, d2, t;

	if (!(d2sq >= 0))
		return NAN;
	d2 = (b > a ? 1 : -1) * sqrt(d2sq);
	t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
	return isfinite(t) ? t : NAN;
}

/*
 * A step satisfying the strong Wolfe conditions (Nocedal & Wright,
 * algorithms 3.5 and 3.6) with c1 1e-4 and c2 0.9; f->x, f->g and the
 * value hold the accepted point.  0, or -1 when none was found.
 */
static int
wolfe(struct fun *f, double f0, double d0, double t1, double *fv)
{
	const double c1 = 1e-4, c2 = 0.9;
	double tlo = 0, flo = f0, dlo = d0, thi = 0, fhi = 0, dhi = 0;
	double t = t1, ft, dt, tn;
	int i, zoom = 0;

	for (i = 0; i < 60; i++) {
		ft = along(f, t, &dt);
		if (!zoom) {
			if (ft == HUGE_VAL) {
				t *= 0.1;	/* off the domain: back off */
				continue;
			}
			if (ft > f0 + c1 * t * d0 || (i > 0 && ft >= flo)) {
				thi = t, fhi = ft, dhi = dt;
				zoom = 1;
			} else if (fabs(dt) <= -c2 * d0) {
				*fv = ft;
				return 0;
			} else if (dt >= 0) {
				thi = tlo, fhi = flo, dhi = dlo;
				tlo = t, flo = ft, dlo = dt;
				zoom = 1;
			} else {
				tlo = t, flo = ft, dlo = dt;
				t *= 4;
				continue;
			}
		} else {
			if (ft == HUGE_VAL || ft > f0 + c1 * t * d0 ||
			    ft >= flo) {
				thi = t, fhi = ft, dhi = dt;
			} else {
				if (fabs(dt) <= -c2 * d0) {
					*fv = ft;
					return 0;
				}
				if (dt * (thi - tlo) >= 0)
					thi = tlo, fhi = flo, dhi = dlo;
				tlo = t, flo = ft, dlo = dt;
			}
		}
		/* No step left that could change f beyond its rounding. */
		if (fabs(thi - tlo) <= 1e-16 * fabs(tlo) || (zoom &&
		    fabs(thi - tlo) * fabs(d0) < 1e-16 * (1 + fabs(f0))))
			break;
		/* The next trial: the cubic's minimum, kept inside. */
		tn = fhi == HUGE_VAL ? NAN : cubicmin(tlo, flo, dlo, thi, fhi,
		    dhi);
		if (!(tn > fmin(tlo, thi) + 0.1 * fabs(thi - tlo) &&
		    tn < fmax(tlo, thi) - 0.1 * fabs(thi - tlo)))
			tn = (tlo + thi) / 2;
		t = tn;
	}
	/* No Wolfe point: take the best seen if it decreased. */
	if (tlo > 0 && flo < f0) {
		*fv = along(f, tlo, &dt);
		return 0;
	}
	return -1;
}

int
crm_bfgs(double (*fg)(void *, const double *, double *), void *ctx, int n,
    double *x, double *fx, double *g, const struct crm_bfgs_opt *o,
    int *iter, double *gnorm)
{
	double H[CRM_BFGS_MAX][CRM_BFGS_MAX], d[CRM_BFGS_MAX];
	double xn[CRM_BFGS_MAX], gn[CRM_BFGS_MAX], s[CRM_BFGS_MAX];
	double y[CRM_BFGS_MAX], Hy[CRM_BFGS_MAX], d0, f, fnew, sy, yHy, big;
	double gmax, t1;
	struct fun fu;
	int i, j, it, rc = -1;

	f = fg(ctx, x, g);
	if (!isfinite(f))
		return -2;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			H[i][j] = o->H != NULL ? o->H[i * n + j] : i == j;
	memset(&fu, 0, sizeof fu);
	fu.fg = fg, fu.ctx = ctx, fu.n = n, fu.x = xn, fu.g = gn;
	for (it = 0; ; it++) {
		for (gmax = 0, i = 0; i < n; i++)
			gmax = fmax(gmax, fabs(g[i]));
		if (o->progress != NULL)
			o->progress(ctx, it, f, gmax);
		if (gmax <= o->gtol) {
			rc = 0;
			break;
		}
		if (it >= o->maxit)
			break;
		for (d0 = 0, big = 0, i = 0; i < n; i++) {
			for (d[i] = 0, j = 0; j < n; j++)
				d[i] -= H[i][j] * g[j];
			d0 += d[i] * g[i];
			big = fmax(big, fabs(d[i]));
		}
		if (!(d0 < 0)) {
			/* Not a descent direction: start over from -g. */
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
					H[i][j] = i == j;
			for (d0 = 0, big = 0, i = 0; i < n; i++) {
				d[i] = -g[i];
				d0 -= g[i] * g[i];
				big = fmax(big, fabs(d[i]));
			}
		}
		/*
		 * A full step would lower f by about -d0 / 2: below its
		 * rounding, it has converged as far as it can.
		 */
		if (-d0 < 1e-15 * (1 + fabs(f))) {
			rc = gmax <= o->gtol_loose ? 0 : -1;
			break;
		}
		/* No first trial step longer than o->maxstep in any axis. */
		t1 = big > o->maxstep ? o->maxstep / big : 1;
		fu.x0 = x, fu.d = d;
		if (wolfe(&fu, f, d0, t1, &fnew) != 0) {
			/* No decrease along d: converged as far as it goes. */
			rc = gmax <= o->gtol_loose ? 0 : -1;
			break;
		}
		for (sy = 0, i = 0; i < n; i++) {
			s[i] = xn[i] - x[i];
			y[i] = gn[i] - g[i];
			sy += s[i] * y[i];
		}
		memcpy(x, xn, n * sizeof *x);
		memcpy(g, gn, n * sizeof *g);
		f = fnew;
		if (o->stop != NULL && o->stop(ctx, x)) {
			rc = -3;
			break;
		}
		if (!(sy > 1e-300))
			continue;	/* no curvature: keep H */
		for (yHy = 0, i = 0; i < n; i++) {
			for (Hy[i] = 0, j = 0; j < n; j++)
				Hy[i] += H[i][j] * y[j];
			yHy += y[i] * Hy[i];
		}
		if (it == 0 && o->H == NULL) {
			/* Scale the first guess of the inverse Hessian. */
			for (i = 0; i < n; i++) {
				for (j = 0; j < n; j++)
					H[i][j] *= sy / yHy;
				Hy[i] *= sy / yHy;
			}
			yHy = sy;
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				H[i][j] += (sy + yHy) * s[i] * s[j] /
				    (sy * sy) - (Hy[i] * s[j] + s[i] * Hy[j]) /
				    sy;
	}
	for (gmax = 0, i = 0; i < n; i++)
		gmax = fmax(gmax, fabs(g[i]));
	if (o->Hout != NULL)
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				o->Hout[i * n + j] = H[i][j];
	*fx = f;
	*iter = it;
	*gnorm = gmax;
	return rc;
}
