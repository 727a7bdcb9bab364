/*
 * crm-churn: churn early warning, by a heuristic or a fitted model
 * (BG/NBD, Pareto/NBD, MBG/NBD); fits, summaries, and scoring of
 * summaries on standard input.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_FIT = CRM_OPT_OWN, OPT_UNIT, OPT_THRESHOLD, OPT_NEW, OPT_SUMMARY,
    OPT_STDIN, OPT_PARAMS, OPT_HORIZON, OPT_BACKTEST, OPT_HOLDOUT, OPT_KEY,
    OPT_COUNTS, OPT_SAVE, OPT_MODELFILE, OPT_FROM, OPT_SAMPLE };

/* Fits use every customer up to this many (--sample). */
#define SAMPLE	10000000
/* The longest --horizon and --holdout: 5y (crm-report forecast: 60m). */
#define MAXDAYS	1825

struct opts {
	struct crm_fitopts fo;		/* model NULL: bgnbd */
	double		 threshold;
	int		 fresh;		/* --new */
	int64_t		 sample;
	int		 sampled;	/* --sample given */
	double		 horizon;	/* days */
	int64_t		 holdout;	/* days */
};

/* A warning, kept until --new has sorted out what is news. */
struct warning {
	int64_t	 id;
	double	 risk, palive;
	char	*why;
};

struct warnings {
	struct warning	*w;
	size_t		 n, cap;
};


static int
warn(struct warnings *ws, int64_t id, double risk, double palive,
    const char *why)
{
	int rc;

	if ((rc = crm_grow(&ws->w, &ws->cap, ws->n, sizeof *ws->w)) !=
	    CRM_EX_OK)
		return rc;
	ws->w[ws->n].id = id;
	ws->w[ws->n].risk = risk;
	ws->w[ws->n].palive = palive;
	if ((ws->w[ws->n].why = strdup(why)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	ws->n++;
	return CRM_EX_OK;
}

/*
 * What else speaks for leaving, for every warned customer at once (the
 * warnings come by id): complaints open at the time (the metric
 * open_complaints), and a latest score below the one before (csat, nps
 * or satisfaction).  Each adds to the reason, and per signal adds to the
 * risk (capped at 0.99); the heuristic's risk rests on them.
 */
static int
signals(struct crm_store *st, struct warnings *ws, double per)
{
	struct crm_sql oc[2] = { { 0 }, { 0 } };
	sqlite3_stmt *s = NULL;
	struct warning *w;
	char buf[512], *nw;
	size_t i, len;
	int64_t id;
	int q, rc = CRM_EX_OK, k;

	if (ws->n == 0)
		return CRM_EX_OK;
	/* Both metric.c's: open_complaints, and the latest scores. */
	crm_sql_add(&oc[0], "SELECT customer, open_complaints FROM (");
	crm_metric_rows(&oc[0], "open_complaints", INT64_MIN, NULL);
	crm_sql_add(&oc[0], ") WHERE open_complaints > 0 ORDER BY customer");
	crm_sql_add(&oc[1], "SELECT customer, group_concat(kind || ' fell "
	    "from ' || prev || ' to ' || score, ', ') FROM (");
	crm_metric_scores(&oc[1], "csat,nps,satisfaction");
	crm_sql_add(&oc[1], ") WHERE score < prev GROUP BY customer ORDER BY "
	    "customer");
	for (q = 0; q < 2 && rc == CRM_EX_OK; q++) {
		rc = crm_prepare(st, oc[q].buf, &s);
		if (rc != CRM_EX_OK)
			break;
		sqlite3_bind_int64(s, 1, crm_store_cli(st)->now);
		i = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			id = sqlite3_column_int64(s, 0);
			while (i < ws->n && ws->w[i].id < id)
				i++;
			if (i == ws->n)
				break;
			if (ws->w[i].id != id)
				continue;
			w = &ws->w[i];
			len = (size_t)snprintf(buf, sizeof buf, "%s", w->why);
			if (q == 0) {
				k = sqlite3_column_int(s, 1);
				snprintf(buf + len, sizeof buf - len, "; %d "
				    "open complaint%s", k, k > 1 ? "s" : "");
			} else if (len < sizeof buf)
				snprintf(buf + len, sizeof buf - len, "; %s",
				    sqlite3_column_text(s, 1));
			w->risk += per * (q == 0 ? k : 1);
			if ((nw = strdup(buf)) == NULL) {
				rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of "
				    "memory");
				break;
			}
			free(w->why);
			w->why = nw;
		}
		if (rc == SQLITE_DONE || rc == SQLITE_ROW)
			rc = CRM_EX_OK;
		else if (rc != CRM_EX_SOFTWARE)
			rc = crm_sqlerr(st, rc);
		sqlite3_finalize(s);
		s = NULL;
	}
	crm_sql_free(&oc[0]);
	crm_sql_free(&oc[1]);
	if (rc != CRM_EX_OK)
		return rc;
	for (i = 0; per > 0 && i < ws->n; i++)
		if (ws->w[i].risk > 0.99)
			ws->w[i].risk = 0.99;
	return rc;
}

/* A heuristic warning: the reason and the risk before other signals. */
static int
heurwarn(void *arg, int64_t id, int64_t since, double med, double k)
{
	char buf[512];

	snprintf(buf, sizeof buf, "no purchase for %lldd, %.1fx the usual gap "
	    "of %gd", (long long)since, med > 0 ? since / med : 0, med);
	return warn(arg, id, 1 - k * med / (double)since, NAN, buf);
}

/* Each signal besides adds 0.1 to the risk. */
static int
heuristic(struct crm_store *st, struct warnings *ws)
{
	int rc;

	if ((rc = crm_churn_heuristic(st, heurwarn, ws)) != CRM_EX_OK)
		return rc;
	return signals(st, ws, 0.1);
}

/*
 * Fit model m on the counts t of all customers (n triples), outside any
 * transaction, on every customer up to sample of them (a documented
 * sample above); t is freed.
 */
static int
fitcounts(enum crm_model m, const struct opts *op, int64_t now,
    struct crm_triple *t, size_t n, int64_t all, struct crm_fit *f)
{
	int rc;

	memset(f, 0, sizeof *f);
	if (all == 0) {
		rc = crm_err(CRM_EX_NONE, NULL, "no purchases up to the --asof "
		    "day: nothing to fit");
		goto out;
	}
	if (all > op->sample) {
		double used = 0;
		size_t i;

		for (i = 0; i < n; i++)
			used += t[i].n;
		crm_warn(NULL, "%lld customers: fitting on %.0f, one in every "
		    "%lld by id (--sample %lld)", (long long)all, used,
		    (long long)((all + op->sample - 1) / op->sample),
		    (long long)op->sample);
	}
	if ((rc = crm_model_fit(m, t, n, f, isatty(2))) != CRM_EX_OK)
		goto out;
	f->scale = op->fo.scale;
	f->asof = now;
out:
	free(t);
	return rc;
}

/* fitcounts on temp.summ (crm_summary first). */
static int
fitnow(struct crm_store *st, enum crm_model m, const struct opts *op,
    int64_t now, struct crm_fit *f)
{
	struct crm_triple *t = NULL;
	int64_t all = 0;
	size_t n = 0;
	int rc;

	if ((rc = crm_summary_triples(st, m, op->fo.scale, op->sample, &t, &n,
	    &all)) != CRM_EX_OK)
		return rc;
	return fitcounts(m, op, now, t, n, all, f);
}

/* The two cumulative curves as text: * predicted, o actual, # both. */
static void
curves(const double *pw, const double *aw, int64_t weeks)
{
	double top = 1;
	int64_t w;
	int i, p, a;

	for (w = 1; w <= weeks; w++) {
		if (pw[w] > top)
			top = pw[w];
		if (aw[w] > top)
			top = aw[w];
	}
	printf("\ncumulative repeat purchases (* predicted, o actual, "
	    "# both)\n");
	printf(" week  predicted  actual\n");
	for (w = 1; w <= weeks; w++) {
		p = (int)lround(pw[w] / top * 50);
		a = (int)lround(aw[w] / top * 50);
		printf("%5lld  %9.1f  %6.0f  |", (long long)w, pw[w], aw[w]);
		for (i = 0; i <= (p > a ? p : a); i++)
			putchar(i == p && i == a ? '#' : i == p ? '*' : i == a ?
			    'o' : ' ');
		putchar('\n');
	}
}

/*
 * --backtest: fit on the history up to --asof, predict each customer's
 * repeat purchase days in the holdout that follows, and set them beside
 * what happened: per customer, by calibration frequency x (the table of
 * the BG/NBD paper), and as cumulative weekly repeat purchases.
 */
static int
backtest(struct crm_cli *cli, struct crm_store *st, enum crm_model m,
    const struct opts *op)
{
	static const char *const names[] = { "view", "key", "customers",
	    "predicted", "actual" };
	struct crm_fit f;
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	int64_t day0 = cli->now / 86400, weeks = (op->holdout + 6) / 7, w, c;
	double *pw = NULL, *aw = NULL, bx[8][3] = { { 0 } }, mae = 0, pred;
	double x, tx, T, e;
	long n = 0, lost = 0;
	int rc, k;

	if ((rc = crm_summary(st, 0)) != CRM_EX_OK ||
	    (rc = fitnow(st, m, op, cli->now, &f)) != CRM_EX_OK)
		return rc;
	if ((pw = calloc(weeks + 1, sizeof *pw)) == NULL ||
	    (aw = calloc(weeks + 1, sizeof *aw)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 5, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = crm_out_order(o, cli->sort, cli->limit)) != CRM_EX_OK)
		goto out;
	/* Each calibration customer's purchase days in the holdout, by week. */
	if ((rc = crm_prepare(st, "SELECT s.customer, s.x, s.tx, s.T, (SELECT "
	    "group_concat(d - ?1) FROM (SELECT DISTINCT ts / 86400 AS d FROM "
	    "purchase WHERE customer = s.customer AND ts / 86400 > ?1 AND "
	    "ts / 86400 <= ?1 + ?2)) FROM temp.summ AS s ORDER BY s.customer",
	    &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, day0);
	sqlite3_bind_int64(s, 2, op->holdout);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *days = (const char *)sqlite3_column_text(s, 4);
		char id[32];
		int actual = 0;

		x = sqlite3_column_double(s, 1);
		tx = sqlite3_column_double(s, 2) / f.scale;
		T = sqlite3_column_double(s, 3) / f.scale;
		for (const char *p = days; p != NULL && *p != '\0'; ) {
			char *e;
			int64_t d = strtoll(p, &e, 10);

			p = e;
			actual++;
			for (w = (d + 6) / 7; w <= weeks; w++)
				aw[w]++;
			if (*p == ',')
				p++;
		}
		pred = crm_model_expected(m, f.p, x, tx, T,
		    (double)op->holdout / f.scale);
		/* What the model cannot predict is left out, and told. */
		if (!isfinite(pred)) {
			lost++;
			continue;
		}
		for (w = 1; w <= weeks; w++) {
			e = crm_model_expected(m, f.p, x, tx, T, (double)
			    (w * 7 < op->holdout ? w * 7 : op->holdout) /
			    f.scale);
			pw[w] += isfinite(e) ? e : 0;
		}
		k = x < 7 ? (int)x : 7;
		bx[k][0]++, bx[k][1] += pred, bx[k][2] += actual;
		mae += fabs(pred - actual);
		n++;
		if (cli->fmt == CRM_FMT_TABLE)
			continue;	/* people get the table, the curves */
		snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(
		    s, 0));
		crm_out_cell(o, CRM_V_STR, "customer");
		crm_out_cell(o, CRM_V_NUM, id);
		crm_out_num(o, "%.0f", 1);
		crm_out_num(o, "%.4f", pred);
		crm_out_num(o, "%.0f", actual);
		crm_out_endrow(o);
	}
	if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(st, rc);
		goto out;
	}
	for (k = 0; k < 8; k++) {
		if (bx[k][0] == 0)
			continue;
		crm_out_cell(o, CRM_V_STR, "x");
		crm_out_cell(o, CRM_V_STR, k < 7 ? (const char *[]){ "0", "1",
		    "2", "3", "4", "5", "6" }[k] : "7+");
		crm_out_num(o, "%.0f", bx[k][0]);
		crm_out_num(o, "%.4f", bx[k][1] / bx[k][0]);
		crm_out_num(o, "%.4f", bx[k][2] / bx[k][0]);
		crm_out_endrow(o);
	}
	for (w = 1; w <= weeks && cli->fmt != CRM_FMT_TABLE; w++) {
		char wk[32];

		snprintf(wk, sizeof wk, "%lld", (long long)w);
		crm_out_cell(o, CRM_V_STR, "week");
		crm_out_cell(o, CRM_V_NUM, wk);
		crm_out_num(o, "%.0f", (double)n);
		crm_out_num(o, "%.2f", pw[w]);
		crm_out_num(o, "%.0f", aw[w]);
		crm_out_endrow(o);
	}
	if (lost > 0)
		crm_warn(NULL, "%ld customers left out: %s gives no finite "
		    "expectation for them", lost, crm_model_info(m)->title);
	crm_out_cell(o, CRM_V_STR, "mae");
	crm_out_cell(o, CRM_V_STR, "mean absolute error per customer");
	c = n;
	crm_out_num(o, "%.0f", (double)c);
	crm_out_num(o, "%.4f", n > 0 ? mae / n : 0);
	crm_out_cell(o, CRM_V_NULL, NULL);
	crm_out_endrow(o);
	rc = n > 0 ? CRM_EX_OK : CRM_EX_NONE;
	crm_out_free(o);
	o = NULL;
	if (cli->fmt == CRM_FMT_TABLE && !cli->quiet)
		curves(pw, aw, weeks);
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	free(pw);
	free(aw);
	return rc;
}

/*
 * Warnings by P(alive) below the threshold, with what else speaks, from
 * temp.summ (crm_summary first).
 */
static int
bymodel(struct crm_store *st, const struct crm_fit *f, double threshold,
    struct warnings *ws)
{
	sqlite3_stmt *s = NULL;
	char buf[512];
	double p;
	int rc, step;

	if ((rc = crm_prepare(st, "SELECT customer, x, tx, T FROM temp.summ "
	    "ORDER BY customer", &s)) != CRM_EX_OK)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		p = crm_model_palive(f->model, f->p, sqlite3_column_double(s,
		    1),
		    sqlite3_column_double(s, 2) / f->scale,
		    sqlite3_column_double(s, 3) / f->scale);
		if (!isfinite(p) || p >= threshold)
			continue;
		snprintf(buf, sizeof buf, "P(alive) %.2f by %s: %d repeat "
		    "purchase days, the last %lldd ago", p,
		    crm_model_info(f->model)->name,
		    sqlite3_column_int(s, 1), (long long)(sqlite3_column_int64(
		    s, 3) - sqlite3_column_int64(s, 2)));
		if ((rc = warn(ws, sqlite3_column_int64(s, 0), 1 - p, p,
		    buf)) != CRM_EX_OK) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = step == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, step);
	sqlite3_finalize(s);
	/* The model's risk is 1 - P(alive); the signals only tell. */
	return rc == CRM_EX_OK ? signals(st, ws, 0) : rc;
}

/* --new: keep only who crossed since the last --new; remember them. */
static int
news(struct crm_store *st, const char *model, struct warnings *ws)
{
	sqlite3_stmt *s = NULL;
	size_t i, k = 0;
	int rc, seen;

	if ((rc = crm_exec(st, "CREATE TEMP TABLE IF NOT EXISTS warned "
	    "(customer INTEGER PRIMARY KEY); DELETE FROM temp.warned")) !=
	    CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT INTO temp.warned VALUES (?)", &s)) !=
	    CRM_EX_OK)
		return rc;
	for (i = 0; i < ws->n; i++) {
		sqlite3_bind_int64(s, 1, ws->w[i].id);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	/* Who recovered may cross again, and will be news then. */
	if ((rc = crm_prepare(st, "DELETE FROM churn_seen WHERE model = ? AND "
	    "customer NOT IN (SELECT customer FROM temp.warned)", &s)) !=
	    CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, model, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = crm_prepare(st, "INSERT OR IGNORE INTO churn_seen VALUES "
	    "(?1, ?2, ?3)", &s)) != CRM_EX_OK)
		return rc;
	for (i = 0; i < ws->n; i++) {
		sqlite3_bind_text(s, 1, model, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, ws->w[i].id);
		sqlite3_bind_int64(s, 3, crm_store_cli(st)->now);
		if (sqlite3_step(s) != SQLITE_DONE) {
			rc = crm_sqlerr(st, sqlite3_errcode(crm_store_db(st)));
			break;
		}
		seen = sqlite3_changes(crm_store_db(st)) == 0;
		sqlite3_reset(s);
		if (seen)
			free(ws->w[i].why);
		else
			ws->w[k++] = ws->w[i];
	}
	sqlite3_finalize(s);
	ws->n = k;
	return rc;
}

static int
output(const struct crm_cli *cli, const struct warnings *ws)
{
	static const char *const names[] = { "id", "risk", "p_alive",
	    "reason" };
	struct crm_out *o;
	char a[32], b[32], c[32];
	size_t i;

	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 4, names)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if (crm_out_order(o, cli->sort, cli->limit) != CRM_EX_OK) {
		crm_out_free(o);
		return CRM_EX_USAGE;
	}
	for (i = 0; i < ws->n; i++) {
		snprintf(a, sizeof a, "%lld", (long long)ws->w[i].id);
		snprintf(b, sizeof b, "%.2f", ws->w[i].risk);
		snprintf(c, sizeof c, "%.4f", ws->w[i].palive);
		crm_out_cell(o, CRM_V_NUM, a);
		crm_out_cell(o, CRM_V_NUM, b);
		crm_out_cell(o, isfinite(ws->w[i].palive) ? CRM_V_NUM :
		    CRM_V_NULL, c);
		crm_out_cell(o, CRM_V_STR, ws->w[i].why);
		crm_out_endrow(o);
	}
	crm_out_free(o);
	return CRM_EX_OK;
}

/*
 * --stdin: summary lines in, KEY p_alive expected lines out (%.17g, by
 * crm_g17, an empty cell when the model gives no finite number), times
 * converted to the fit's unit.  Customers alike in (x, t_x, T) score
 * alike: the text of the last one in each of NMEMO slots (by a hash of
 * the three) is printed again.
 */
#define NMEMO	4096
struct memo {
	double	 v[3];		/* x, t_x, T in the fit's unit */
	size_t	 len;		/* 0: the slot is empty */
	char	 text[2 * CRM_G17_SIZE + 3];	/* TAB p TAB e NL */
};

static int
score(const struct opts *op, const struct crm_fit *f, int quiet)
{
	struct crm_loc at = { "stdin", 0, NULL };
	struct crm_summ sm;
	struct memo *memo, *mo;
	char *line = NULL;
	size_t cap = 0, len;
	double pa, ex, v[3];
	uint64_t h, b;
	int rc, k;

	if ((memo = calloc(NMEMO, sizeof *memo)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	while ((rc = crm_summary_read(stdin, &line, &cap, &at, op->fo.scale,
	    &sm)) == CRM_EX_OK) {
		v[0] = sm.x;
		v[1] = crm_unit_conv(sm.tx, sm.scale, f->scale);
		v[2] = crm_unit_conv(sm.T, sm.scale, f->scale);
		for (h = 0, k = 0; k < 3; k++) {
			memcpy(&b, &v[k], sizeof b);
			h = (h ^ b) * 0x9E3779B97F4A7C15ULL;
		}
		mo = &memo[h >> 52];
		if (mo->len == 0 || memcmp(mo->v, v, sizeof v) != 0) {
			crm_model_score(f->model, f->p, v[0], v[1], v[2],
			    op->horizon / f->scale, &pa, &ex);
			memcpy(mo->v, v, sizeof v);
			len = 0;
			mo->text[len++] = '\t';
			if (isfinite(pa))
				len += (size_t)crm_g17(mo->text + len, pa);
			mo->text[len++] = '\t';
			if (isfinite(ex))
				len += (size_t)crm_g17(mo->text + len, ex);
			mo->text[len++] = '\n';
			mo->len = len;
		}
		if (quiet)
			continue;
		fputs(sm.key, stdout);
		fwrite(mo->text, 1, mo->len, stdout);
	}
	free(line);
	free(memo);
	return rc == CRM_EX_NONE ? CRM_EX_OK : rc;
}

/*
 * The fit to score with but a store's: --params (in --unit), or the last
 * block of model m (without -m, of any purchase model) in the --model-file
 * files.  CRM_EX_NONE: neither given.
 */
static int
givenfit(const struct opts *op, enum crm_model m, struct crm_fit *f)
{
	const struct crm_model_info *mi = crm_model_info(m);
	int k;

	memset(f, 0, sizeof *f);
	if (op->fo.nfiles > 0)
		return crm_fit_pick(&op->fo, m, f, NULL);
	if (op->fo.params == NULL)
		return CRM_EX_NONE;
	f->model = m;
	f->scale = op->fo.scale;
	for (k = 0; k < 4; k++)
		f->p[k] = f->se[k] = NAN;
	if (crm_setting_numbers(op->fo.params, f->p, mi->np) != mi->np)
		return crm_err(CRM_EX_USAGE, NULL, "--params: %d numbers, %s, "
		    "%s, %s, %s", mi->np, mi->param[0], mi->param[1],
		    mi->param[2], mi->param[3]);
	for (k = 0; k < mi->np; k++)
		if (!(f->p[k] > 0))
			return crm_err(CRM_EX_USAGE, NULL, "--params: %s must "
			    "be above 0", mi->param[k]);
	return CRM_EX_OK;
}

/* --fit: from the store or from counts; store unless -n; print. */
static int
fit(struct crm_cli *cli, const struct opts *op, enum crm_model m)
{
	struct crm_store *st = NULL;
	struct crm_triple *t = NULL;
	struct crm_fit f;
	int64_t all = 0, any = 0;
	size_t n = 0;
	int rc;

	if (op->fo.from != NULL) {
		if ((rc = crm_counts_file(op->fo.from, m, op->fo.scale, &t,
		    &n)) != CRM_EX_OK)
			goto out;
		memset(&f, 0, sizeof f);
		if ((rc = crm_model_fit(m, t, n, &f, isatty(2))) != CRM_EX_OK)
			goto out;
		f.scale = op->fo.scale;
		f.asof = cli->now;
	} else {
		/* Read in the transaction, fit outside it. */
		if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
		    (rc = crm_counts_load(st, m, op->fo.scale, op->sample, &t,
		    &n, &all, &any)) != CRM_EX_OK ||
		    (rc = crm_store_end(st)) != CRM_EX_OK)
			goto out;
		rc = fitcounts(m, op, cli->now, t, n, all, &f);
		t = NULL;
		if (rc != CRM_EX_OK)
			goto out;
	}
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

static int
churn(struct crm_cli *cli, const struct opts *op)
{
	struct crm_store *st = NULL;
	struct crm_fit f;
	struct warnings ws = { 0 };
	const char *name = op->fo.model;
	enum crm_model m = CRM_BGNBD;
	int heur = name != NULL && strcmp(name, "heuristic") == 0, made = 0, rc;
	size_t i;

	if (name != NULL && !heur && (rc = crm_model_get("-m", name,
	    "heuristic", &m)) != CRM_EX_OK)
		return rc;
	if (heur && (op->fo.fit || op->fo.in || op->fo.backtest ||
	    op->fo.counts))
		return crm_err(CRM_EX_USAGE, NULL, "the heuristic has nothing "
		    "to fit or score");
	if (heur && op->sampled)
		return crm_err(CRM_EX_USAGE, NULL, "--sample: the heuristic "
		    "fits nothing");
	if (op->fo.fit)
		return fit(cli, op, m);
	if (op->fo.in && (rc = givenfit(op, m, &f)) != CRM_EX_NONE)
		return rc == CRM_EX_OK ? score(op, &f, cli->quiet) : rc;
	/*
	 * Everything is read in one read transaction and fitted outside any:
	 * the write lock is taken only to store a fit or, with --new, to
	 * remember who was warned.
	 */
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	if (op->fo.summary) {
		rc = crm_summary_print(st, op->fo.byref);
		goto out;
	}
	if (op->fo.counts) {
		rc = crm_counts_print(st, 0);
		goto out;
	}
	if (op->fo.backtest) {
		rc = backtest(cli, st, m, op);
		goto out;
	}
	if (!heur) {
		/* Fitting now and scoring both read this one summary. */
		if (!op->fo.in && (rc = crm_summary(st, 0)) != CRM_EX_OK)
			goto out;
		/*
		 * The stored fit of -m, else the newest of any purchase
		 * model (as crm-clv, crm-report and crm-ls p_alive), or one
		 * of -m (BG/NBD) fitted now, kept once the warnings are out
		 * (not with -n); the other signals are read afresh after.
		 */
		rc = crm_fit_load(st, name, &f);
		if (rc == CRM_EX_OK && op->sampled) {
			rc = crm_err(CRM_EX_USAGE, NULL, "--sample: the stored "
			    "%s fit scores, no fit is made (--fit makes one)",
			    crm_model_info(f.model)->name);
			goto out;
		}
		if (rc == CRM_EX_NONE && !op->fo.in) {
			if ((rc = crm_store_end(st)) != CRM_EX_OK ||
			    (rc = fitnow(st, m, op, cli->now, &f)) !=
			    CRM_EX_OK ||
			    (rc = crm_store_begin(st, CRM_READ)) != CRM_EX_OK)
				goto out;
			made = 1;
		}
		if (rc == CRM_EX_NONE) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "no stored %s fit: "
			    "crm-churn%s%s --fit first, or --params or "
			    "--model-file", name != NULL ? name : "purchase "
			    "model", name != NULL ? " -m " : "", name != NULL ?
			    name : "");
			goto out;
		}
		if (rc != CRM_EX_OK)
			goto out;
		if (op->fo.in) {
			rc = score(op, &f, cli->quiet);
			goto out;
		}
		name = crm_model_info(f.model)->name;
		rc = bymodel(st, &f, op->threshold, &ws);
	} else
		rc = heuristic(st, &ws);
	if (rc != CRM_EX_OK)
		goto out;
	/* Who was warned is remembered in a short write transaction. */
	if (op->fresh && ((rc = crm_store_end(st)) != CRM_EX_OK ||
	    (rc = crm_store_begin(st, CRM_WRITE)) != CRM_EX_OK ||
	    (rc = news(st, name, &ws)) != CRM_EX_OK))
		goto out;
	if ((rc = output(cli, &ws)) != CRM_EX_OK)
		goto out;
	if (op->fresh && !cli->dryrun && (rc = crm_store_commit(st)) !=
	    CRM_EX_OK)
		goto out;
	/* A fit made now is kept only when the warnings were written. */
	if (made && !cli->dryrun) {
		if (fflush(stdout) != 0 || ferror(stdout))
			goto out;	/* main's crm_cli_end tells */
		if (!op->fresh && (rc = crm_store_end(st)) != CRM_EX_OK)
			goto out;
		if ((rc = crm_fit_store(st, &f)) != CRM_EX_OK)
			goto out;
	}
	rc = ws.n > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	for (i = 0; i < ws.n; i++)
		free(ws.w[i].why);
	free(ws.w);
	crm_store_close(st);
	return rc;
}

/* What is wrong with the options together, or NULL. */
static const char *
conflict(const struct opts *op)
{
	const struct crm_fitopts *fo = &op->fo;
	const char *why;

	if ((why = crm_fitopts_conflict(fo)) != NULL)
		return why;
	if (op->fresh && (fo->fit || fo->summary || fo->counts || fo->in))
		return "--new goes with warnings, not with --fit, --summary, "
		    "--counts or --stdin";
	if (op->sampled && (fo->in || fo->summary || fo->counts ||
	    fo->from != NULL))
		return "--sample does nothing with --stdin, --summary, "
		    "--counts or --from-counts: it samples the customers of a "
		    "fit made from the store";
	return NULL;
}

static const struct crm_opt opts[] = {
	{ 'm', "model", CRM_ARG_MODEL, "model", "the model (default bgnbd)",
	    "heuristic", 0, 0 },
	{ OPT_UNIT, "unit", CRM_ARG_ENUM, NULL, "the time unit of a fit, of "
	    "--params and of unnamed summary lines (default week)",
	    "day,week", 0, 0 },
	{ OPT_THRESHOLD, "threshold", CRM_ARG_PROB, "p", "the P(alive) below "
	    "which a model warns (default 30%)", NULL, 0, 0 },
	{ OPT_NEW, "new", CRM_ARG_NONE, NULL, "only the customers who crossed "
	    "the threshold since the last --new", NULL, 0, 0 },
	{ OPT_FIT, "fit", CRM_ARG_NONE, NULL, "fit the model, store it and "
	    "print it", NULL, 0, 0 },
	{ OPT_SAMPLE, "sample", CRM_ARG_INT, "n", "with --fit: fit on at "
	    "most n customers (default 10000000)", NULL, 1, 0 },
	{ OPT_FROM, "from-counts", CRM_ARG_FILE, "file", "fit from counts "
	    "lines (- for standard input), with no store", NULL, 0, 0 },
	{ OPT_SAVE, "save", CRM_ARG_FILE, "file", "with --fit: write the "
	    "model file to file too", NULL, 0, 0 },
	{ OPT_SUMMARY, "summary", CRM_ARG_NONE, NULL, "print a summary line "
	    "for every customer with a purchase", NULL, 0, 0 },
	{ OPT_KEY, "key", CRM_ARG_ENUM, NULL, "with --summary: key the lines "
	    "by id or ref", "id,ref", 0, 0 },
	{ OPT_COUNTS, "counts", CRM_ARG_NONE, NULL, "print the counts of the "
	    "purchase models", NULL, 0, 0 },
	{ OPT_STDIN, "stdin", CRM_ARG_NONE, NULL, "score summary lines read "
	    "on standard input", NULL, 0, 0 },
	{ OPT_PARAMS, "params", CRM_ARG_TEXT, "list", "the model's four "
	    "parameters, comma-separated, instead of a stored fit", NULL, 0,
	    0 },
	{ OPT_MODELFILE, "model-file", CRM_ARG_FILE, "file", "score with a "
	    "model file instead of a store (repeatable)", NULL, 0, 0 },
	{ OPT_HORIZON, "horizon", CRM_ARG_DURATION, "duration", "with "
	    "--stdin: how far ahead expected purchases count (default 52w)",
	    NULL, 0, MAXDAYS },
	{ OPT_BACKTEST, "backtest", CRM_ARG_NONE, NULL, "fit on the history "
	    "before the holdout and compare with what happened", NULL, 0,
	    0 },
	{ OPT_HOLDOUT, "holdout", CRM_ARG_DURATION, "duration", "with "
	    "--backtest: the holdout (default 39w)", NULL, 0, MAXDAYS },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct opts op = { .fo.scale = 7, .threshold = 0.3, .sample = SAMPLE,
	    .horizon = 364, .holdout = 273 };
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
		case OPT_THRESHOLD:
			op.threshold = cli.num;
			break;
		case OPT_NEW:
			op.fresh = 1;
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
		case OPT_SAMPLE:
			op.sampled = 1;
			op.sample = (long long)cli.num;
			break;
		case OPT_BACKTEST:
			op.fo.backtest = 1;
			break;
		case OPT_HOLDOUT:
			op.holdout = (int64_t)cli.num;
			break;
		case OPT_HORIZON:
			op.horizon = cli.num;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if ((why = conflict(&op)) != NULL)
		return crm_usage_err(&cli, "%s", why);
	if (cli.optind != argc)
		return crm_usage_err(&cli, "\"%s\": no operand is taken",
		    argv[cli.optind]);
	return crm_cli_end(&cli, churn(&cli, &op));
}
