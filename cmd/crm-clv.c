/*
 * crm-clv: expected purchases, expected spend and discounted lifetime value
 * per customer: a churn model (BG/NBD by default) for the purchases, the
 * Gamma-Gamma model for the spend.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"


/* The longest --horizon: 5y (crm-report forecast: 60m). */
#define MAXDAYS	1825

enum { OPT_FIT = CRM_OPT_OWN, OPT_UNIT, OPT_HORIZON, OPT_RATE, OPT_SUMMARY,
    OPT_STDIN, OPT_KEY, OPT_COUNTS, OPT_PARAMS, OPT_MODELFILE, OPT_SAVE,
    OPT_FROM };

struct opts {
	struct crm_fitopts fo;		/* model NULL: the newest fit of any */
	double		 horizon;	/* days */
	double		 rate;		/* yearly discount rate */
};

/*
 * Fit Gamma-Gamma on the counts (x, m_x rounded to the store's decimals,
 * n) of the repeat customers; any is the number of customers with a
 * purchase (CRM_EX_NONE when 0: nothing to fit).  Fewer than two repeat
 * customers cannot be fitted (CRM_EX_DATAERR), as a purchase model refuses
 * what its data lack.
 */
static int
fitgg(const struct crm_triple *t, size_t n, double any, int scale,
    int64_t now, struct crm_fit *f)
{
	double c = 0, sx = 0, sm = 0, sxx = 0, smm = 0, sxm = 0, r;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		c += t[i].n;
		sx += t[i].n * t[i].x, sm += t[i].n * t[i].tx;
		sxx += t[i].n * t[i].x * t[i].x;
		smm += t[i].n * t[i].tx * t[i].tx;
		sxm += t[i].n * t[i].x * t[i].tx;
	}
	if (any == 0)
		return crm_err(CRM_EX_NONE, NULL, "no purchases up to the "
		    "--asof day: nothing to fit");
	if (c < 2)
		return crm_err(CRM_EX_DATAERR, NULL, "%.0f repeat customer%s "
		    "with a repeat spend: Gamma-Gamma needs two at least",
		    c, c == 1 ? "" : "s");
	/* The model assumes spend does not depend on frequency. */
	r = (c * sxm - sx * sm) / sqrt((c * sxx - sx * sx) * (c * smm - sm *
	    sm));
	if (fabs(r) > 0.3)
		crm_warn(NULL, "spend and frequency correlate (r = %.2f): "
		    "Gamma-Gamma assumes they do not", r);
	memset(f, 0, sizeof *f);
	if ((rc = crm_model_fit(CRM_GG, t, n, f, isatty(2))) != CRM_EX_OK)
		return rc;
	f->scale = scale;
	f->asof = now;
	return CRM_EX_OK;
}

/* Gamma-Gamma from temp.summ (crm_summary with repeat first). */
static int
fitstore(struct crm_store *st, int scale, struct crm_fit *f)
{
	struct crm_triple *t = NULL;
	int64_t all, any = 0;
	size_t n = 0;
	int rc;

	if ((rc = crm_query_int(st, &any, "SELECT count(*) FROM temp.summ",
	    0)) == CRM_EX_OK && (rc = crm_summary_triples(st, CRM_GG, scale, 0,
	    &t, &n, &all)) == CRM_EX_OK)
		rc = fitgg(t, n, (double)any, scale, crm_store_cli(st)->now,
		    f);
	free(t);
	return rc;
}

/* --fit: from the store or from counts; store unless -n; print. */
static int
fit(struct crm_cli *cli, const struct opts *op)
{
	struct crm_store *st = NULL;
	struct crm_triple *t = NULL;
	struct crm_fit f;
	int64_t all = 0, any = 0;
	size_t n = 0;
	int rc;

	if (op->fo.from != NULL) {
		if ((rc = crm_counts_file(op->fo.from, CRM_GG, op->fo.scale, &t,
		    &n)) != CRM_EX_OK)
			goto out;
		if ((rc = fitgg(t, n, (double)n, op->fo.scale, cli->now, &f)) !=
		    CRM_EX_OK)
			goto out;
	} else if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_counts_load(st, CRM_GG, op->fo.scale, 0, &t, &n, &all,
	    &any)) != CRM_EX_OK || (rc = crm_store_end(st)) != CRM_EX_OK ||
	    (rc = fitgg(t, n, (double)any, op->fo.scale, cli->now, &f)) !=
	    CRM_EX_OK)
		goto out;
	if ((op->fo.save != NULL && (rc = crm_fit_save(op->fo.save, &f)) !=
	    CRM_EX_OK) ||
	    (st != NULL && !cli->dryrun && (rc = crm_fit_store(st, &f)) !=
	    CRM_EX_OK))
		goto out;
	if (!cli->quiet)
		crm_fit_print(stdout, &f);
out:
	free(t);
	crm_store_close(st);
	return rc;
}

/*
 * The fits from --params (the purchase model's parameters, then p, q,
 * gamma; in --unit) or from the --model-file files (the last block of -m,
 * else of any purchase model, and the last Gamma-Gamma block).
 */
static int
givenfits(const struct opts *op, struct crm_fit *f, struct crm_fit *g)
{
	double p[8];
	enum crm_model m = CRM_BGNBD;
	int k, np;

	if (op->fo.model != NULL)
		crm_model_parse(op->fo.model, &m);
	np = crm_model_info(m)->np;
	memset(f, 0, sizeof *f);
	memset(g, 0, sizeof *g);
	if (op->fo.params == NULL)
		return crm_fit_pick(&op->fo, m, f, g);
	if (crm_setting_numbers(op->fo.params, p, 8) != np + 3)
		return crm_err(CRM_EX_USAGE, NULL, "--params: %d numbers, the "
		    "%s model's %d and Gamma-Gamma's p, q, gamma", np + 3,
		    crm_model_info(m)->name, np);
	for (k = 0; k < np + 3; k++)
		if (!(p[k] > 0))
			return crm_err(CRM_EX_USAGE, NULL, "--params: every "
			    "number is above 0");
	f->model = m;
	g->model = CRM_GG;
	f->scale = g->scale = op->fo.scale;
	for (k = 0; k < 4; k++) {
		f->p[k] = k < np ? p[k] : NAN;
		g->p[k] = k < 3 ? p[np + k] : NAN;
		f->se[k] = g->se[k] = NAN;
	}
	return CRM_EX_OK;
}

/*
 * One customer's row: people (-o table) get the purchases to six
 * decimals and money to the store's; the other formats every digit
 * (%.17g, by crm_g17), as --stdin prints them.  Not finite: an empty
 * cell.
 */
static void
emit(struct crm_out *o, const char *key, double ex, double sp, double v,
    int people, int decimals)
{
	char a[CRM_G17_SIZE], b[CRM_G17_SIZE], c[CRM_G17_SIZE];

	if (people) {
		snprintf(a, sizeof a, "%.6f", ex);
		snprintf(b, sizeof b, "%.*f", decimals, sp);
		snprintf(c, sizeof c, "%.*f", decimals, v);
	} else {
		crm_g17(a, ex);
		crm_g17(b, sp);
		crm_g17(c, v);
	}
	crm_out_cell(o, CRM_V_NUM, key);
	crm_out_cell(o, isfinite(ex) ? CRM_V_NUM : CRM_V_NULL, a);
	crm_out_cell(o, isfinite(sp) ? CRM_V_MONEY : CRM_V_NULL, b);
	crm_out_cell(o, isfinite(v) ? CRM_V_MONEY : CRM_V_NULL, c);
	crm_out_endrow(o);
}

/* One customer, times in days: the same functions for store and stdin. */
static void
one(struct crm_out *o, const char *key, const struct crm_fit *f,
    const struct crm_fit *g, double x, double txd, double Td, double mx,
    const struct opts *op, int people, int decimals)
{
	double ex, sp;

	ex = crm_model_expected(f->model, f->p, x, crm_unit_conv(txd, 1,
	    f->scale), crm_unit_conv(Td, 1, f->scale), op->horizon / f->scale);
	sp = crm_gg_spend(g->p, x, mx);
	emit(o, key, ex, sp, crm_model_clv(f, x, txd, Td, sp, op->horizon,
	    op->rate), people, decimals);
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
	struct crm_summ sm;
	const char *name;
	double unit = 1;
	char *line = NULL, id[32];
	size_t cap = 0;
	int rc, k, d = 2, people = cli->fmt == CRM_FMT_TABLE, made = 0;
	long n = 0;

	if (op->fo.in && (op->fo.params != NULL || op->fo.nfiles > 0)) {
		/* No store at all. */
		if ((rc = givenfits(op, &f, &g)) != CRM_EX_OK)
			goto out;
	} else {
		/*
		 * Read in one read transaction, fit outside any: only
		 * storing a fit takes the write lock.
		 */
		if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
			goto out;
		d = crm_store_decimals(st);
		if (op->fo.summary || op->fo.counts) {
			rc = op->fo.summary ? crm_summary_print(st,
			    op->fo.byref) : crm_counts_print(st, 1);
			goto out;
		}
		/* The purchases' model: -m, else the newest fit of any. */
		name = op->fo.model;
		if ((rc = crm_fit_load(st, name, &f)) == CRM_EX_NONE)
			rc = crm_err(CRM_EX_DATAERR, NULL, "no stored %s fit: "
			    "crm-churn%s%s --fit first", name != NULL ? name :
			    "churn model", name != NULL ? " -m " : "", name !=
			    NULL ? name : "");
		if (rc != CRM_EX_OK)
			goto out;
		/* Fitting Gamma-Gamma now and valuing read this summary. */
		if (!op->fo.in && (rc = crm_summary(st, 1)) != CRM_EX_OK)
			goto out;
		if ((rc = crm_fit_load(st, "gg", &g)) == CRM_EX_NONE) {
			if (op->fo.in) {
				rc = crm_err(CRM_EX_DATAERR, NULL, "no stored "
				    "Gamma-Gamma fit: crm-clv --fit first");
				goto out;
			}
			/*
			 * The rest reads only temp.summ; the fit is kept
			 * once the values are written.
			 */
			if ((rc = crm_store_end(st)) == CRM_EX_OK &&
			    (rc = fitstore(st, f.scale, &g)) == CRM_EX_OK)
				made = 1;
		}
		if (rc != CRM_EX_OK)
			goto out;
	}
	for (k = 0; k < d; k++)
		unit *= 10;
	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 4, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = crm_out_order(o, cli->sort, cli->limit)) != CRM_EX_OK)
		goto out;
	if (op->fo.in) {
		/* Summary lines in, one line out for each; none is fine. */
		while ((rc = crm_summary_read(stdin, &line, &cap, &at,
		    op->fo.scale, &sm)) == CRM_EX_OK)
			one(o, sm.key, &f, &g, sm.x, sm.tx * sm.scale, sm.T *
			    sm.scale, sm.mx, op, people, d);
		if (rc == CRM_EX_NONE)
			rc = CRM_EX_OK;
		goto out;
	}
	if ((rc = crm_prepare(st, "SELECT customer, x, tx, T, repeat FROM "
	    "temp.summ ORDER BY customer", &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t x = sqlite3_column_int64(s, 1);

		snprintf(id, sizeof id, "%lld", (long long)
		    sqlite3_column_int64(s, 0));
		one(o, id, &f, &g, (double)x, sqlite3_column_double(s, 2),
		    sqlite3_column_double(s, 3), crm_summary_mx(
		    sqlite3_column_int64(s, 4), x, unit), op, people, d);
		n++;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
	if (rc == CRM_EX_OK && n == 0)
		rc = CRM_EX_NONE;
	crm_out_free(o);
	o = NULL;
	/* Not when writing failed: main's crm_cli_end tells. */
	if (made && !cli->dryrun && (rc == CRM_EX_OK || rc == CRM_EX_NONE) &&
	    fflush(stdout) == 0 && !ferror(stdout)) {
		k = crm_fit_store(st, &g);
		rc = k != CRM_EX_OK ? k : rc;
	}
out:
	free(line);
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ 'm', "model", CRM_ARG_MODEL, "model", "the churn model for the "
	    "purchases (default bgnbd)", NULL, 0, 0 },
	{ OPT_UNIT, "unit", CRM_ARG_ENUM, NULL, "the unit of --params and "
	    "of unnamed summary lines (default week)", "day,week", 0, 0 },
	{ OPT_HORIZON, "horizon", CRM_ARG_DURATION, "duration", "how far "
	    "ahead (default 12m, at most 5y)", NULL, 0, MAXDAYS },
	{ OPT_RATE, "rate", CRM_ARG_SHARE, "r", "the yearly discount rate, "
	    "like 0.1 or 10% (default 10%)", NULL, 0, 0 },
	{ OPT_FIT, "fit", CRM_ARG_NONE, NULL, "fit Gamma-Gamma, store it and "
	    "print it", NULL, 0, 0 },
	{ OPT_FROM, "from-counts", CRM_ARG_FILE, "file", "fit from "
	    "Gamma-Gamma counts lines (- for standard input), with no store",
	    NULL, 0, 0 },
	{ OPT_SAVE, "save", CRM_ARG_FILE, "file", "with --fit: write the "
	    "model file to file too", NULL, 0, 0 },
	{ OPT_SUMMARY, "summary", CRM_ARG_NONE, NULL, "print the "
	    "per-customer summaries", NULL, 0, 0 },
	{ OPT_KEY, "key", CRM_ARG_ENUM, NULL, "with --summary: key the lines "
	    "by id or ref", "id,ref", 0, 0 },
	{ OPT_COUNTS, "counts", CRM_ARG_NONE, NULL, "print the Gamma-Gamma "
	    "counts", NULL, 0, 0 },
	{ OPT_STDIN, "stdin", CRM_ARG_NONE, NULL, "score summary lines read "
	    "on standard input", NULL, 0, 0 },
	{ OPT_PARAMS, "params", CRM_ARG_TEXT, "list", "the purchase model's "
	    "four parameters, then Gamma-Gamma's three", NULL, 0, 0 },
	{ OPT_MODELFILE, "model-file", CRM_ARG_FILE, "file", "score with "
	    "model files instead of a store (repeatable)", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	/* The default horizon is 12m: a month is 30 days (crm(7)). */
	struct opts op = { .fo.scale = 7, .horizon = 360, .rate = 0.1 };
	struct crm_cli cli;
	const char *why;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dnqoHslA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case 'm':
			op.fo.model = cli.arg;
			break;
		case OPT_FIT:
			op.fo.fit = 1;
			break;
		case OPT_UNIT:
			op.fo.scale = cli.choice ? 7 : 1;
			break;
		case OPT_HORIZON:
			op.horizon = cli.num;
			break;
		case OPT_RATE:
			op.rate = cli.num;
			break;
		case OPT_SUMMARY:
			op.fo.summary = 1;
			break;
		case OPT_COUNTS:
			op.fo.counts = 1;
			break;
		case OPT_KEY:
			op.fo.byref = cli.choice;
			break;
		case OPT_STDIN:
			op.fo.in = 1;
			break;
		case OPT_PARAMS:
			op.fo.params = cli.arg;
			break;
		case OPT_MODELFILE:
			if (op.fo.nfiles == (int)(sizeof op.fo.files /
			    sizeof op.fo.files[0]))
				return crm_usage_err(&cli, "--model-file: at "
				    "most %d", op.fo.nfiles);
			op.fo.files[op.fo.nfiles++] = cli.arg;
			break;
		case OPT_SAVE:
			op.fo.save = cli.arg;
			break;
		case OPT_FROM:
			op.fo.from = cli.arg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if ((why = crm_fitopts_conflict(&op.fo)) != NULL)
		return crm_usage_err(&cli, "%s", why);
	if (cli.optind != argc)
		return crm_usage_err(&cli, "\"%s\": no operand is taken",
		    argv[cli.optind]);
	return crm_cli_end(&cli, op.fo.fit ? fit(&cli, &op) : value(&cli, &op));
}
