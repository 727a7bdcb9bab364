/*
 * crm-churn: churn early warning, by a heuristic or a fitted model
 * (BG/NBD, Pareto/NBD, MBG/NBD); fits, summaries, and scoring of
 * summaries on standard input.
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
    "[--threshold p] [--new] | --fit | --summary | --stdin [--params list] "
    "[--horizon duration] | --backtest [--holdout duration]";

enum { OPT_FIT = CRM_OPT_OWN, OPT_UNIT, OPT_THRESHOLD, OPT_NEW, OPT_SUMMARY,
    OPT_STDIN, OPT_PARAMS, OPT_HORIZON, OPT_BACKTEST, OPT_HOLDOUT };

struct opts {
	const char	*model;		/* NULL: bgnbd, or the newest fit */
	int		 scale;		/* 1 day, 7 week */
	double		 threshold;
	int		 fresh;		/* --new */
	int		 fit, summary, in;
	const char	*params;
	double		 horizon;	/* days */
	int		 backtest;
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
 * warnings come by id): open complaints, and a latest score below the
 * one before (csat, nps or satisfaction).  Each adds to the reason, and
 * per signal adds to the risk (capped at 0.99); the heuristic's risk
 * rests on them.
 */
static int
signals(struct crm_store *st, struct warnings *ws, double per)
{
	static const char *const sql[2] = {
	    "SELECT customer, count(*) FROM ticket WHERE kind = 'complaint' "
	    "AND status = 'open' AND opened <= ?1 GROUP BY customer ORDER BY "
	    "customer",
	    "SELECT customer, group_concat(kind || ' fell from ' || prev || ' "
	    "to ' || score, ', ') FROM (SELECT customer, kind, score, "
	    "lag(score) OVER (PARTITION BY customer, kind ORDER BY ts, id) AS "
	    "prev, row_number() OVER (PARTITION BY customer, kind ORDER BY ts "
	    "DESC, id DESC) AS rn FROM survey WHERE ts <= ?1 AND kind IN "
	    "('csat', 'nps', 'satisfaction')) WHERE rn = 1 AND score < prev "
	    "GROUP BY customer ORDER BY customer" };
	sqlite3_stmt *s = NULL;
	struct warning *w;
	char buf[512], *nw;
	size_t i, len;
	int64_t id;
	int q, rc = CRM_EX_OK, k;

	if (ws->n == 0)
		return CRM_EX_OK;
	for (q = 0; q < 2 && rc == CRM_EX_OK; q++) {
		if ((rc = crm_prepare(st, sql[q], &s)) != CRM_EX_OK)
			return rc;
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

static int
triples(struct crm_store *st, int64_t k, int scale, struct crm_triple **tp,
    size_t *np, int64_t *customers)
{
	struct crm_triple *t = NULL;
	sqlite3_stmt *s = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*customers = 0;
	if ((rc = crm_prepare(st, "SELECT x, tx, T, count(*) FROM temp.summ "
	    "WHERE customer % ?1 = 0 GROUP BY x, tx, T ORDER BY x", &s)) !=
	    CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, k);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = crm_grow(&t, &cap, n, sizeof *t)) != CRM_EX_OK) {
			free(t);
			sqlite3_finalize(s);
			return rc;
		}
		t[n].x = sqlite3_column_double(s, 0);
		t[n].tx = sqlite3_column_double(s, 1) / scale;
		t[n].T = sqlite3_column_double(s, 2) / scale;
		t[n].n = sqlite3_column_double(s, 3);
		*customers += sqlite3_column_int64(s, 3);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(t);
		return crm_sqlerr(st, rc);
	}
	*tp = t;
	*np = n;
	return CRM_EX_OK;
}

/*
 * Fit on every customer up to SAMPLE of them; past that, on every k-th
 * customer by id, k making at least SAMPLE.  Reads only temp.summ
 * (crm_summary first), so it may run outside any transaction.
 */
#define SAMPLE	150000

static int
fitnow(struct crm_store *st, enum crm_model m, int scale,
    struct crm_fit *f)
{
	struct crm_triple *t = NULL;
	int64_t all = 0, used, k = 1;
	size_t n = 0;
	int rc;

	memset(f, 0, sizeof *f);
	if ((rc = crm_query_int(st, &all, "SELECT count(*) FROM temp.summ",
	    0)) != CRM_EX_OK)
		return rc;
	if (all == 0)
		return crm_err(CRM_EX_NONE, NULL, "no purchases up to the "
		    "--asof day: nothing to fit");
	if (all > SAMPLE)
		k = all / SAMPLE;
	if ((rc = triples(st, k, scale, &t, &n, &used)) != CRM_EX_OK)
		return rc;
	rc = crm_model_fit(m, t, n, f, isatty(STDERR_FILENO));
	free(t);
	f->scale = scale;
	f->asof = crm_store_cli(st)->now;
	return rc;
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
	double x, tx, T;
	long n = 0;
	int rc, k;

	if ((rc = crm_summary(st, 0)) != CRM_EX_OK ||
	    (rc = fitnow(st, m, op->scale, &f)) != CRM_EX_OK)
		return rc;
	if ((pw = calloc(weeks + 1, sizeof *pw)) == NULL ||
	    (aw = calloc(weeks + 1, sizeof *aw)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((o = crm_out_new(stdout, cli->fmt, cli->header, 5, names)) ==
	    NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
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
		for (w = 1; w <= weeks; w++)
			pw[w] += crm_model_expected(m, f.p, x, tx, T, (double)
			    (w * 7 < op->holdout ? w * 7 : op->holdout) /
			    f.scale);
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
	if (cli->fmt == CRM_FMT_TABLE)
		curves(pw, aw, weeks);
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	free(pw);
	free(aw);
	return rc;
}

static void
printfit(const struct crm_fit *f)
{
	const struct crm_model_info *mi = crm_model_info(f->model);
	int i;

	for (i = 0; i < mi->np; i++)
		printf("%s\t%.6g\n", mi->param[i], f->p[i]);
	printf("loglik\t%.4f\nn\t%.0f\n", f->ll, f->n);
}

/*
 * Warnings by P(alive) below the threshold, with what else speaks, from
 * temp.summ (crm_summary first).
 */
static int
bymodel(struct crm_store *st, enum crm_model m, const struct crm_fit *f,
    double threshold, struct warnings *ws)
{
	sqlite3_stmt *s = NULL;
	char buf[512];
	double p;
	int rc, step;

	if ((rc = crm_prepare(st, "SELECT customer, x, tx, T FROM temp.summ "
	    "ORDER BY customer", &s)) != CRM_EX_OK)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		p = crm_model_palive(m, f->p, sqlite3_column_double(s, 1),
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

	if (cli->quiet)
		return CRM_EX_OK;
	if ((o = crm_out_new(stdout, cli->fmt, cli->header, 4, names)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
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

/* --stdin: id x t_x T [m_x] lines in, id p_alive expected lines out. */
static int
score(const struct opts *op, enum crm_model m, const double *p)
{
	struct crm_loc at = { "stdin", 0, NULL };
	char *line = NULL, *id;
	size_t cap = 0;
	double v[3], pa, ex;
	int rc;

	while ((rc = crm_summary_read(stdin, &line, &cap, &at, 3, &id, v)) ==
	    CRM_EX_OK) {
		pa = crm_model_palive(m, p, v[0], v[1], v[2]);
		ex = crm_model_expected(m, p, v[0], v[1], v[2], op->horizon /
		    op->scale);
		/* Never nan or inf: a score that cannot be had is empty. */
		printf("%s\t", id);
		if (isfinite(pa))
			printf("%.6f", pa);
		putchar('\t');
		if (isfinite(ex))
			printf("%.6f", ex);
		putchar('\n');
	}
	free(line);
	return rc == CRM_EX_NONE ? CRM_EX_OK : rc;
}

static int
churn(struct crm_cli *cli, const struct opts *op)
{
	struct crm_store *st = NULL;
	struct crm_fit f;
	struct warnings ws = { 0 };
	const char *name = op->model != NULL ? op->model : "bgnbd";
	enum crm_model m = CRM_BGNBD;
	int heur = strcmp(name, "heuristic") == 0, rc;
	size_t i;

	if (!heur && (crm_model_parse(name, &m) != 0 || m == CRM_GG))
		return crm_err(CRM_EX_USAGE, NULL, "-m %s: no such model "
		    "(heuristic, bgnbd, pnbd, mbgnbd)", name);
	if (heur && (op->fit || op->in || op->backtest))
		return crm_err(CRM_EX_USAGE, NULL, "the heuristic has nothing "
		    "to fit or score");
	if (op->in && op->params != NULL) {
		if (crm_setting_numbers(op->params, f.p, 4) != 4)
			return crm_err(CRM_EX_USAGE, NULL, "--params: four "
			    "numbers, like 0.243,4.414,0.793,2.426");
		return score(op, m, f.p);
	}
	/*
	 * Everything is read in one read transaction and fitted outside any:
	 * the write lock is taken only to store a fit or, with --new, to
	 * remember who was warned.
	 */
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	if (op->summary) {
		rc = crm_summary_print(st, op->scale);
		goto out;
	}
	if (op->backtest) {
		rc = backtest(cli, st, m, op);
		goto out;
	}
	if (op->fit) {
		if ((rc = crm_summary(st, 0)) != CRM_EX_OK ||
		    (rc = crm_store_end(st)) != CRM_EX_OK ||
		    (rc = fitnow(st, m, op->scale, &f)) != CRM_EX_OK ||
		    (!cli->dryrun && (rc = crm_fit_store(st, &f)) !=
		    CRM_EX_OK))
			goto out;
		if (!cli->quiet)
			printfit(&f);
		goto out;
	}
	if (!heur) {
		/* Fitting now and scoring both read this one summary. */
		if (!op->in && (rc = crm_summary(st, 0)) != CRM_EX_OK)
			goto out;
		/*
		 * The stored fit of the model, or one fitted now and kept
		 * (not with -n); the other signals are read afresh after.
		 */
		rc = crm_fit_load(st, name, &f);
		if (rc == CRM_EX_NONE && !op->in &&
		    (rc = crm_store_end(st)) == CRM_EX_OK &&
		    (rc = fitnow(st, m, op->scale, &f)) == CRM_EX_OK &&
		    (cli->dryrun || (rc = crm_fit_store(st, &f)) == CRM_EX_OK))
			rc = crm_store_begin(st, CRM_READ);
		if (rc == CRM_EX_NONE) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "no stored %s fit: "
			    "crm-churn -m %s --fit first, or --params", name,
			    name);
			goto out;
		}
		if (rc != CRM_EX_OK)
			goto out;
		if (op->in) {
			if (f.scale != op->scale) {
				rc = crm_err(CRM_EX_DATAERR, NULL, "the stored "
				    "%s fit is in %ss: --unit %s", name,
				    f.scale == 7 ? "week" : "day",
				    f.scale == 7 ? "week" : "day");
				goto out;
			}
			rc = score(op, m, f.p);
			goto out;
		}
		rc = bymodel(st, m, &f, op->threshold, &ws);
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
	rc = ws.n > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	for (i = 0; i < ws.n; i++)
		free(ws.w[i].why);
	free(ws.w);
	crm_store_close(st);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "fit", no_argument, NULL, OPT_FIT },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD },
		{ "new", no_argument, NULL, OPT_NEW },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "stdin", no_argument, NULL, OPT_STDIN },
		{ "params", required_argument, NULL, OPT_PARAMS },
		{ "horizon", required_argument, NULL, OPT_HORIZON },
		{ "model", required_argument, NULL, 'm' },
		{ "backtest", no_argument, NULL, OPT_BACKTEST },
		{ "holdout", required_argument, NULL, OPT_HOLDOUT },
		{ NULL, 0, NULL, 0 },
	};
	struct opts op = { NULL, 7, 0.3, 0, 0, 0, 0, NULL, 364, 0, 273 };
	struct crm_cli cli;
	double days;
	int c;

	crm_cli_begin(&cli, argc, argv, usage, "dnqoHA");
	while ((c = crm_cli_next(&cli, "m:", lopts)) != -1) {
		switch (c) {
		case 'm':
			op.model = optarg;
			break;
		case OPT_FIT:
			op.fit = 1;
			break;
		case OPT_UNIT:
			if (crm_opt_unit(optarg, &op.scale) != 0)
				return crm_usage(&cli);
			break;
		case OPT_THRESHOLD:
			if (crm_opt_prob("threshold", optarg, &op.threshold) !=
			    0)
				return crm_usage(&cli);
			break;
		case OPT_NEW:
			op.fresh = 1;
			break;
		case OPT_SUMMARY:
			op.summary = 1;
			break;
		case OPT_STDIN:
			op.in = 1;
			break;
		case OPT_PARAMS:
			op.params = optarg;
			break;
		case OPT_BACKTEST:
			op.backtest = 1;
			break;
		case OPT_HOLDOUT:
			if (crm_opt_days("holdout", optarg, &days) != 0)
				return crm_usage(&cli);
			op.holdout = (int64_t)days;
			break;
		case OPT_HORIZON:
			if (crm_opt_days("horizon", optarg, &op.horizon) != 0)
				return crm_usage(&cli);
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind != argc || op.fit + op.summary + op.in + op.backtest >
	    1 ||
	    (op.fresh && (op.fit || op.summary || op.in)))
		return crm_usage(&cli);
	return crm_cli_end(&cli, churn(&cli, &op));
}
