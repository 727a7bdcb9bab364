/*
 * crm-clv: expected purchases, expected spend and discounted lifetime value
 * per customer: a churn model (BG/NBD by default) for the purchases, the
 * Gamma-Gamma model for the spend.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"

static const char usage[] =
    "[-Hnq] [-d path] [-o fmt] [--asof date] [-m model] [--unit day|week] "
    "[--horizon duration] [--rate r] | --fit | --summary | --stdin";

enum { OPT_FIT = CRM_OPT_OWN, OPT_UNIT, OPT_HORIZON, OPT_RATE, OPT_SUMMARY,
    OPT_STDIN };

struct opts {
	const char	*model;
	int		 scale;
	double		 horizon;	/* days */
	double		 rate;		/* yearly discount rate */
	int		 fit, summary, in;
};

/*
 * Fit Gamma-Gamma on the repeat customers' x and m_x (temp.summ with
 * repeat: crm_summary first, then crm_store_end, for it fits outside any
 * transaction), store unless -n, print.
 */
static int
fitgg(struct crm_store *st, int scale, int keep, int print,
    struct crm_fit *f)
{
	struct crm_triple *t = NULL;
	sqlite3_stmt *s = NULL;
	size_t n = 0, cap = 0;
	double unit = 1, sx = 0, sm = 0, sxx = 0, smm = 0, sxm = 0, r;
	int rc, d = crm_store_decimals(st);

	while (d-- > 0)
		unit *= 10;
	if ((rc = crm_prepare(st, "SELECT x, repeat FROM temp.summ WHERE x > 0 "
	    "AND repeat > 0", &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = crm_grow(&t, &cap, n, sizeof *t)) != CRM_EX_OK)
			goto out;
		t[n].x = sqlite3_column_double(s, 0);
		t[n].tx = sqlite3_column_int64(s, 1) / unit / t[n].x;
		t[n].T = 0;
		t[n].n = 1;
		sx += t[n].x, sm += t[n].tx, sxx += t[n].x * t[n].x;
		smm += t[n].tx * t[n].tx, sxm += t[n].x * t[n].tx;
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(st, rc);
		goto out;
	}
	rc = CRM_EX_OK;
	if (n < 2) {
		rc = crm_err(CRM_EX_NONE, NULL, "fewer than two repeat "
		    "customers: nothing to fit");
		goto out;
	}
	/* The model assumes spend does not depend on frequency. */
	r = (n * sxm - sx * sm) / sqrt((n * sxx - sx * sx) * (n * smm - sm *
	    sm));
	if (fabs(r) > 0.3)
		crm_warn(NULL, "spend and frequency correlate (r = %.2f): "
		    "Gamma-Gamma assumes they do not", r);
	memset(f, 0, sizeof *f);
	if ((rc = crm_model_fit(CRM_GG, t, n, f, isatty(STDERR_FILENO))) !=
	    CRM_EX_OK)
		goto out;
	f->scale = scale;
	f->asof = crm_store_cli(st)->now;
	if ((!keep || (rc = crm_fit_store(st, f)) == CRM_EX_OK) && print)
		printf("p\t%.6g\nq\t%.6g\ngamma\t%.6g\nloglik\t%.4f\nn\t%.0f\n",
		    f->p[0], f->p[1], f->p[2], f->ll, f->n);
out:
	free(t);
	sqlite3_finalize(s);
	return rc;
}

struct row {
	int64_t	 id;
	double	 x, tx, T, mx;
};

static void
emit(struct crm_out *o, const char *id, double ex, double sp, double v,
    int decimals)
{
	char a[64], b[64], c[64];

	snprintf(a, sizeof a, "%.6f", ex);
	snprintf(b, sizeof b, "%.*f", decimals, sp);
	snprintf(c, sizeof c, "%.*f", decimals, v);
	crm_out_cell(o, CRM_V_NUM, id);
	crm_out_cell(o, isfinite(ex) ? CRM_V_NUM : CRM_V_NULL, a);
	crm_out_cell(o, isfinite(sp) ? CRM_V_STR : CRM_V_NULL, b);
	crm_out_cell(o, isfinite(v) ? CRM_V_STR : CRM_V_NULL, c);
	crm_out_endrow(o);
}

static int
value(struct crm_cli *cli, const struct opts *op)
{
	static const char *const names[] = { "id", "expected_purchases",
	    "expected_spend", "clv" };
	struct crm_store *st = NULL;
	struct crm_fit f, g;
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	struct crm_loc at = { "stdin", 0, NULL };
	double unit = 1, ex, sp, v[4];
	char *line = NULL, *sid, id[32];
	size_t cap = 0;
	int rc, i, d;
	long n = 0;

	/*
	 * Read in one read transaction, fit outside any: only storing a fit
	 * takes the write lock.
	 */
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	if (op->summary) {
		rc = crm_summary_print(st, op->scale);
		goto out;
	}
	if (op->fit) {
		if ((rc = crm_summary(st, 1)) == CRM_EX_OK &&
		    (rc = crm_store_end(st)) == CRM_EX_OK)
			rc = fitgg(st, op->scale, !cli->dryrun, !cli->quiet,
			    &g);
		goto out;
	}
	/* The purchases' model: -m, else the newest fit of any. */
	if ((rc = crm_fit_load(st, op->model, &f)) == CRM_EX_NONE)
		rc = crm_err(CRM_EX_DATAERR, NULL, "no stored churn model: "
		    "crm-churn --fit first");
	if (rc != CRM_EX_OK)
		goto out;
	/* Fitting Gamma-Gamma now and valuing both read this one summary. */
	if (!op->in && (rc = crm_summary(st, 1)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_fit_load(st, "gg", &g)) == CRM_EX_NONE) {
		if (op->in) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "no stored "
			    "Gamma-Gamma fit: crm-clv --fit first");
			goto out;
		}
		/* The rest reads only temp.summ. */
		if ((rc = crm_store_end(st)) == CRM_EX_OK)
			rc = fitgg(st, op->scale, !cli->dryrun, 0, &g);
	}
	if (rc != CRM_EX_OK)
		goto out;
	for (d = crm_store_decimals(st), i = 0; i < d; i++)
		unit *= 10;
	if ((o = crm_out_new(stdout, cli->fmt, cli->header, 4, names)) ==
	    NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (op->in) {
		/* Summary lines in, one line out for each. */
		while ((rc = crm_summary_read(stdin, &line, &cap, &at, 4,
		    &sid, v)) == CRM_EX_OK) {
			ex = crm_model_expected(f.model, f.p, v[0], v[1], v[2],
			    op->horizon / op->scale);
			sp = crm_gg_spend(g.p, v[0], v[3]);
			emit(o, sid, ex, sp, crm_model_clv(&f, v[0], v[1] *
			    op->scale, v[2] * op->scale, sp, op->horizon,
			    op->rate), d);
			n++;
		}
		if (rc == CRM_EX_NONE)
			rc = CRM_EX_OK;
		goto out;
	}
	if ((rc = crm_prepare(st, "SELECT customer, x, tx, T, repeat FROM "
	    "temp.summ ORDER BY customer", &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double x = sqlite3_column_double(s, 1);
		double tx = sqlite3_column_double(s, 2) / f.scale;
		double T = sqlite3_column_double(s, 3) / f.scale;
		double mx = x > 0 ? sqlite3_column_int64(s, 4) / unit / x : 0;

		snprintf(id, sizeof id, "%lld", (long long)
		    sqlite3_column_int64(s, 0));
		ex = crm_model_expected(f.model, f.p, x, tx, T, op->horizon /
		    f.scale);
		sp = crm_gg_spend(g.p, x, mx);
		emit(o, id, ex, sp, crm_model_clv(&f, x, tx * f.scale, T *
		    f.scale, sp, op->horizon, op->rate), d);
		n++;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	if (rc == CRM_EX_OK && n == 0 && !op->fit && !op->summary)
		rc = CRM_EX_NONE;
	free(line);
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_store_close(st);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "fit", no_argument, NULL, OPT_FIT },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ "horizon", required_argument, NULL, OPT_HORIZON },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "stdin", no_argument, NULL, OPT_STDIN },
		{ "model", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts op = { NULL, 7, 365, 0.1, 0, 0, 0 };
	struct crm_cli cli;
	enum crm_model m;
	char *end;
	int c;

	crm_cli_begin(&cli, argc, argv, usage, "dnqoHA");
	while ((c = crm_cli_next(&cli, "m:", lopts)) != -1) {
		switch (c) {
		case 'm':
			if (crm_model_parse(optarg, &m) != 0 || m == CRM_GG) {
				crm_err(0, NULL, "-m %s: no such model (bgnbd, "
				    "pnbd, mbgnbd)", optarg);
				return crm_usage(&cli);
			}
			op.model = optarg;
			break;
		case OPT_FIT:
			op.fit = 1;
			break;
		case OPT_UNIT:
			if (crm_opt_unit(optarg, &op.scale) != 0)
				return crm_usage(&cli);
			break;
		case OPT_HORIZON:
			if (crm_opt_days("horizon", optarg, &op.horizon) != 0)
				return crm_usage(&cli);
			break;
		case OPT_RATE:
			op.rate = strtod(optarg, &end);
			if (*end == '%')
				op.rate /= 100, end++;
			if (*end != '\0' || !(op.rate >= 0 && op.rate < 10))
				return crm_usage(&cli);
			break;
		case OPT_SUMMARY:
			op.summary = 1;
			break;
		case OPT_STDIN:
			op.in = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind != argc || op.fit + op.summary + op.in > 1)
		return crm_usage(&cli);
	return crm_cli_end(&cli, value(&cli, &op));
}
