/*
 * crm-report: reports as of the end of the --asof day.  Each report is one
 * or more tables, printed as tsv (a header, then one row per line), csv,
 * json (JSON Lines with the report's name), table (aligned, with bars) or
 * html (one self-contained page with inline SVG charts).  The reports are
 * the rows of reports[], at the end: a report is its function and its row
 * there (and its entry in crm-report(1)); "all" runs every row.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"


enum {
	OPT_BY = CRM_OPT_OWN, OPT_SCHEME, OPT_PERIOD, OPT_WINDOW,
	OPT_HORIZON, OPT_THRESHOLD, OPT_TABLE, OPT_DIR, OPT_TO, OPT_REDACT,
	OPT_COHORTS
};

struct ctx {
	struct crm_cli		*cli;
	struct crm_store	*st;
	int			 hist;	/* metrics from history */
	int			 sel;	/* -w: temp.sel holds the customers */
	int			 rev;	/* temp.rev is made */
	int			 latest;	/* temp.latest is made */
	int64_t			 lsince;	/* ... of the answers after */
	int			 dec;
	int			 all;	/* a page of every report */
	int			 redact;	/* --redact */
	const char		*by;
	const char		*scheme;
	const char		*period;
	const char		*table;	/* --table: the one to write */
	const char		*dir;	/* --dir: a file per table there */
	const char		*to;	/* --to: the file to write */
	double			 window, horizon, threshold;
	int			 windowset;	/* --window given */
	long			 cohorts;	/* the last so many; 0: all */
	struct crm_page		*page;
};

/* ---- SQL with ?1 bound to the end of the --asof day ------------------- */

static int
prep(struct ctx *x, const char *sql, sqlite3_stmt **s)
{
	int rc;

	if ((rc = crm_prepare(x->st, sql, s)) != CRM_EX_OK)
		return rc;
	if (sqlite3_bind_parameter_count(*s) >= 1)
		sqlite3_bind_int64(*s, 1, x->cli->now);
	return CRM_EX_OK;
}

/* CRM_EX_OK, or the error once a cell of the page could not be kept. */
static int
kept(struct ctx *x)
{
	return crm_page_oom(x->page) ? crm_err(CRM_EX_SOFTWARE, NULL, "out of "
	    "memory") : CRM_EX_OK;
}

static int
done(struct ctx *x, sqlite3_stmt *s, int rc)
{
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == CRM_EX_OK)
		return kept(x);
	return crm_sqlerr(x->st, rc);
}

/*
 * -w: the customers it selects, as of the --asof day, into temp.sel; every
 * report then counts only them.
 */
static int
select_customers(struct ctx *x)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int rc;

	if (x->cli->where == NULL)
		return CRM_EX_OK;
	q.hist = x->hist;
	crm_sql_add(&q, "INSERT INTO temp.sel SELECT c.id");
	crm_sql_from(&q, crm_kind_customer());
	crm_sql_add(&q, " WHERE ");
	if ((rc = crm_exec(x->st, "CREATE TEMP TABLE sel (id INTEGER PRIMARY "
	    "KEY)")) != CRM_EX_OK || (rc = crm_filter_compile(&q,
	    crm_kind_customer(), x->cli->where, x->dec, x->cli->now)) !=
	    CRM_EX_OK || (rc = crm_sql_prepare(x->st, &q, &s)) != CRM_EX_OK)
		goto out;
	rc = crm_step(x->st, s);
	x->sel = 1;
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	return rc;
}

/* " AND col IN temp.sel" with -w, else "": in buf, returned. */
static const char *
in(struct ctx *x, const char *col, char *buf, size_t n)
{
	if (x->sel)
		snprintf(buf, n, " AND %s IN temp.sel", col);
	else
		buf[0] = '\0';
	return buf;
}

static void
where(struct ctx *x, struct crm_sql *q)
{
	char buf[64];

	crm_sql_add(q, "%s", in(x, "c.id", buf, sizeof buf));
}

/* SQL from fmt, the selection filled in for each %s, then prep(). */
static int
prepf(struct ctx *x, sqlite3_stmt **s, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof sql)
		return crm_err(CRM_EX_SOFTWARE, NULL, "SQL too long");
	return prep(x, sql, s);
}

/* The start of the --window: it holds what is after it, up to ?1. */
static int64_t
since(struct ctx *x)
{
	return x->cli->now - (int64_t)llround(x->window * 86400);
}

/*
 * temp.latest (customer, kind, score): each customer's latest survey
 * answer of each kind by the --asof day, of those after since (INT64_MIN:
 * all).
 */
static int
latest(struct ctx *x, int64_t since)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char b[64];
	int rc;

	if (x->latest && x->lsince == since)
		return CRM_EX_OK;
	x->latest = 0;
	if ((rc = crm_exec(x->st, "DROP TABLE IF EXISTS temp.latest")) !=
	    CRM_EX_OK)
		return rc;
	/* The metrics csat, nps, expectation, satisfaction, a row each. */
	q.hist = x->hist;
	crm_sql_add(&q, "CREATE TEMP TABLE latest AS SELECT customer, k.kind, "
	    "CASE k.kind WHEN 'csat' THEN csat WHEN 'nps' THEN nps WHEN "
	    "'expectation' THEN expectation ELSE satisfaction END AS score "
	    "FROM (");
	crm_metric_rows(&q, "csat,nps,expectation,satisfaction", since,
	    in(x, "customer", b, sizeof b));
	crm_sql_add(&q, ") AS m, (SELECT 'csat' AS kind UNION ALL SELECT "
	    "'nps' UNION ALL SELECT 'expectation' UNION ALL SELECT "
	    "'satisfaction') AS k WHERE score IS NOT NULL");
	rc = prep(x, q.buf, &s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	if ((rc = done(x, s, sqlite3_step(s))) == CRM_EX_OK) {
		x->latest = 1;
		x->lsince = since;
	}
	return rc;
}

/*
 * temp.rev (customer, days, revenue): each buyer's purchase days and
 * revenue by the --asof day, made once: from the statistics, or in one
 * pass over the history when --asof is before the newest of it.
 */
static int
revenue(struct ctx *x)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int rc;

	if (x->rev)
		return CRM_EX_OK;
	q.hist = x->hist;
	crm_sql_add(&q, "INSERT INTO temp.rev SELECT customer, frequency, "
	    "monetary FROM (");
	crm_metric_rows(&q, "frequency,monetary", INT64_MIN, NULL);
	crm_sql_add(&q, ")");
	if ((rc = crm_exec(x->st, "CREATE TEMP TABLE rev (customer INTEGER "
	    "PRIMARY KEY, days INTEGER, revenue INTEGER)")) == CRM_EX_OK)
		rc = prep(x, q.buf, &s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	if ((rc = done(x, s, sqlite3_step(s))) == CRM_EX_OK)
		x->rev = 1;
	return rc;
}

/* The SQL of a customer field or metric as of the --asof day. */
static void
field(struct ctx *x, struct crm_sql *q, const char *name)
{
	const struct crm_field *f;

	q->hist = x->hist;
	crm_field_sql(q, crm_kind_customer(), name, &f);
}

/*
 * temp.grade (customer, tier) of a scheme: the latest stored run made by
 * the --asof day, else computed now (and not stored).  *run its id, 0
 * when computed.
 */
static int
grades(struct ctx *x, const char *scheme, int64_t *run)
{
	sqlite3_stmt *s = NULL;
	int64_t n;
	long cnt;
	int rc;

	if ((rc = crm_exec(x->st, "DROP TABLE IF EXISTS temp.grade; CREATE "
	    "TEMP TABLE grade (customer INTEGER PRIMARY KEY, tier TEXT)")) !=
	    CRM_EX_OK || (rc = prep(x, "SELECT coalesce(max(id), 0) FROM "
	    "tier_run WHERE scheme = ?2 AND asof <= ?1", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 2, scheme, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW)
		return done(x, s, rc);
	*run = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (*run > 0) {
		if ((rc = crm_prepare(x->st, "INSERT INTO temp.grade SELECT "
		    "customer, tier FROM tier WHERE run = ?", &s)) !=
		    CRM_EX_OK)
			return rc;
		sqlite3_bind_int64(s, 1, *run);
		return done(x, s, sqlite3_step(s));
	}
	if ((rc = crm_tier_assign(x->st, crm_scheme_find(scheme), INT64_MIN,
	    0, &n, &cnt)) != CRM_EX_OK)
		return rc;
	return crm_exec(x->st, "INSERT INTO temp.grade SELECT customer, tier "
	    "FROM temp.tnew");
}

/* ---- summary --------------------------------------------------------- */

static void
kv(struct crm_tab *t, const char *name, const char *v)
{
	crm_tab_cell(t, name);
	crm_tab_cell(t, v);
}

static void
kvf(struct crm_tab *t, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kv(t, name, buf);
}

static void
kvm(struct crm_tab *t, const char *name, int64_t v)
{
	crm_tab_cell(t, name);
	crm_tab_money(t, v);
}

/*
 * Columns: customers active buyers repeaters revenue orders open_tickets,
 * over the buyers' metrics b and everyone's open tickets t (%s: them).
 */
static const char sum_sql[] =
    "WITH b AS (%s), t AS (%s) "
    "SELECT (SELECT count(*) FROM customer WHERE created <= ?1%s), "
    "count(*) FILTER (WHERE recency < 365), count(*), "
    "count(*) FILTER (WHERE frequency >= 2), coalesce(sum(monetary), 0), "
    "coalesce(sum(orders), 0), (SELECT coalesce(sum(open_tickets), 0) "
    "FROM t) FROM b";

/* NPS and CSAT over each customer's latest answer. */
static const char scores_sql[] =
    "SELECT count(*) FILTER (WHERE kind = 'nps'), "
    "count(*) FILTER (WHERE kind = 'nps' AND score >= 9), "
    "count(*) FILTER (WHERE kind = 'nps' AND score BETWEEN 7 AND 8), "
    "count(*) FILTER (WHERE kind = 'nps' AND score <= 6), "
    "count(*) FILTER (WHERE kind = 'csat'), "
    "avg(score) FILTER (WHERE kind = 'csat'), "
    "avg(score) FILTER (WHERE kind = 'expectation'), "
    "avg(score) FILTER (WHERE kind = 'satisfaction') FROM temp.latest";

/* The row of scores_sql over latest(since), on s; the caller finalizes it. */
static int
scores(struct ctx *x, int64_t since, sqlite3_stmt **s)
{
	int rc;

	*s = NULL;
	if ((rc = latest(x, since)) != CRM_EX_OK ||
	    (rc = prep(x, scores_sql, s)) != CRM_EX_OK)
		return rc;
	if ((rc = sqlite3_step(*s)) != SQLITE_ROW) {
		rc = done(x, *s, rc);
		*s = NULL;
		return rc != CRM_EX_OK ? rc : crm_err(CRM_EX_SOFTWARE, NULL,
		    "no scores");
	}
	return CRM_EX_OK;
}

/* NPS from a scores row: promoters minus detractors, in percent. */
static void
kv_nps(struct crm_tab *t, sqlite3_stmt *s)
{
	if (sqlite3_column_int64(s, 0) > 0)
		kvf(t, "nps", "%.1f", 100.0 * (sqlite3_column_int64(s, 1) -
		    sqlite3_column_int64(s, 3)) / sqlite3_column_int64(s, 0));
	else
		kv(t, "nps", NULL);
}

/* A mean score from column c, unset when nobody answered. */
static void
kv_mean(struct crm_tab *t, const char *name, sqlite3_stmt *s, int c)
{
	if (sqlite3_column_type(s, c) == SQLITE_NULL)
		kv(t, name, NULL);
	else
		kvf(t, name, "%.2f", sqlite3_column_double(s, c));
}

static int
summary(struct ctx *x)
{
	static const char *const cols[] = { "name", "value" };
	struct crm_tab *t = crm_tab_new(x->page, "summary", "Summary", 2,
	    cols, "sn");
	struct crm_sql b = { 0 }, tk = { 0 };
	sqlite3_stmt *s = NULL;
	int64_t rev, orders;
	char b1[64], b2[64];
	int rc;

	in(x, "customer", b1, sizeof b1);
	in(x, "id", b2, sizeof b2);
	b.hist = tk.hist = x->hist;
	crm_metric_rows(&b, "recency,frequency,monetary,orders", INT64_MIN,
	    b1);
	crm_metric_rows(&tk, "open_tickets", INT64_MIN, b1);
	rc = prepf(x, &s, sum_sql, b.buf, tk.buf, b2);
	crm_sql_free(&b);
	crm_sql_free(&tk);
	if (rc != CRM_EX_OK)
		return rc;
	if ((rc = sqlite3_step(s)) != SQLITE_ROW)
		return done(x, s, rc);
	rev = sqlite3_column_int64(s, 4);
	orders = sqlite3_column_int64(s, 5);
	kvf(t, "customers", "%lld", sqlite3_column_int64(s, 0));
	kvf(t, "active", "%lld", sqlite3_column_int64(s, 1));
	kvf(t, "buyers", "%lld", sqlite3_column_int64(s, 2));
	kvm(t, "revenue", rev);
	kvf(t, "orders", "%lld", (long long)orders);
	/* Revenue per order, rounded half up to the minor unit. */
	if (orders > 0)
		kvm(t, "aov", crm_money_avg(rev, orders));
	else
		kv(t, "aov", NULL);
	crm_tab_cell(t, "repeat_rate");
	crm_tab_share(t, (double)sqlite3_column_int64(s, 3),
	    (double)sqlite3_column_int64(s, 2));
	kvf(t, "open_tickets", "%lld", sqlite3_column_int64(s, 6));
	sqlite3_finalize(s);
	if ((rc = scores(x, INT64_MIN, &s)) != CRM_EX_OK)
		return rc;
	kv_nps(t, s);
	kv_mean(t, "csat", s, 5);
	return done(x, s, CRM_EX_OK);
}

/* ---- the HTML page's headline tiles ------------------------------------ */

/*
 * Tiles tl as of day (k 0) or a --window before it (k 1): customers,
 * active buyers, revenue and AOV over the window ending then, repeat rate,
 * NPS and CSAT of the latest answers by then, open complaints past the
 * resolution promise.
 */
static int
tiles_at(struct ctx *x, struct crm_tile *tl, int k, int64_t day, int64_t win,
    double resol)
{
	struct crm_sql all = { 0 }, w = { 0 }, sv = { 0 }, oc = { 0 };
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char b1[64], b2[64], late[96];
	int rc;

	in(x, "customer", b1, sizeof b1);
	in(x, "id", b2, sizeof b2);
	/* Every metric is metric.c's; a day before now reads the history. */
	all.hist = w.hist = sv.hist = oc.hist = k > 0 || x->hist;
	crm_metric_rows(&all, "recency,frequency", INT64_MIN, b1);
	crm_metric_rows(&w, "monetary,orders", day - win, b1);
	crm_metric_rows(&sv, "nps,csat", INT64_MIN, b1);
	/* Complaints open at the day, opened over the promise (?2) before. */
	snprintf(late, sizeof late, " AND opened + ?2 < ?1%s", b1);
	crm_metric_rows(&oc, "open_complaints", INT64_MIN, late);
	crm_sql_add(&q, "WITH a AS (%s), w AS (%s), v AS (%s), o AS (%s) "
	    "SELECT (SELECT count(*) FROM customer WHERE created <= ?1%s), "
	    "(SELECT count(*) FILTER (WHERE recency < 365) FROM a), "
	    "(SELECT count(*) FROM a), (SELECT count(*) FILTER (WHERE "
	    "frequency >= 2) FROM a), (SELECT coalesce(sum(monetary), 0) FROM "
	    "w), (SELECT coalesce(sum(orders), 0) FROM w), (SELECT count(nps) "
	    "FROM v), (SELECT count(*) FILTER (WHERE nps >= 9) - count(*) "
	    "FILTER (WHERE nps <= 6) FROM v), (SELECT avg(csat) FROM v), "
	    "(SELECT coalesce(sum(open_complaints), 0) FROM o)", all.buf,
	    w.buf, sv.buf, oc.buf, b2);
	rc = q.buf != NULL ? prep(x, q.buf, &s) : crm_err(CRM_EX_SOFTWARE,
	    NULL, "out of memory");
	crm_sql_free(&all);
	crm_sql_free(&w);
	crm_sql_free(&sv);
	crm_sql_free(&oc);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, day);
	sqlite3_bind_int64(s, 2, (int64_t)(resol * 3600));
	if ((rc = sqlite3_step(s)) != SQLITE_ROW)
		return done(x, s, rc);
	tl[0].v[k] = (double)sqlite3_column_int64(s, 0);
	tl[1].v[k] = (double)sqlite3_column_int64(s, 1);
	tl[2].v[k] = (double)sqlite3_column_int64(s, 4);
	tl[0].has[k] = tl[1].has[k] = tl[2].has[k] = 1;
	if ((tl[3].has[k] = sqlite3_column_int64(s, 5) > 0))
		tl[3].v[k] = (double)crm_money_avg(sqlite3_column_int64(s, 4),
		    sqlite3_column_int64(s, 5));
	if ((tl[4].has[k] = sqlite3_column_int64(s, 2) > 0))
		tl[4].v[k] = (double)sqlite3_column_int64(s, 3) /
		    sqlite3_column_int64(s, 2);
	if ((tl[5].has[k] = sqlite3_column_int64(s, 6) > 0))
		tl[5].v[k] = 100.0 * sqlite3_column_int64(s, 7) /
		    sqlite3_column_int64(s, 6);
	if ((tl[6].has[k] = sqlite3_column_type(s, 8) != SQLITE_NULL))
		tl[6].v[k] = sqlite3_column_double(s, 8);
	tl[7].v[k] = (double)sqlite3_column_int64(s, 9);
	tl[7].has[k] = 1;
	return done(x, s, CRM_EX_OK);
}

/* The page's tiles: now, and the same a --window (30 days) before. */
static int
tiles(struct ctx *x)
{
	static const struct crm_tile def[CRM_TILES] = {
		{ "Customers", CRM_TILE_COUNT, 0, { 0 }, { 0 } },
		{ "Active (bought in a year)", CRM_TILE_COUNT, 0, { 0 },
		    { 0 } },
		{ "Revenue", CRM_TILE_MONEY, 1, { 0 }, { 0 } },
		{ "Average order value", CRM_TILE_MONEY, 1, { 0 }, { 0 } },
		{ "Repeat rate", CRM_TILE_SHARE, 0, { 0 }, { 0 } },
		{ "NPS", CRM_TILE_SCORE, 0, { 0 }, { 0 } },
		{ "CSAT", CRM_TILE_SCORE, 0, { 0 }, { 0 } },
		{ "Open complaints over the promise", CRM_TILE_COUNT, 0, { 0 },
		    { 0 } },
	};
	struct crm_tile tl[CRM_TILES];
	char rev[64], aov[64];
	double resol, window = x->windowset ? x->window : 30;
	int64_t win = (int64_t)llround(window * 86400);
	int rc;

	memcpy(tl, def, sizeof def);
	snprintf(rev, sizeof rev, "Revenue, last %g days", window);
	snprintf(aov, sizeof aov, "Average order value, last %g days", window);
	tl[2].label = rev;
	tl[3].label = aov;
	if ((rc = crm_setting_num(x->st, "sla.resolution", &resol)) !=
	    CRM_EX_OK || (rc = tiles_at(x, tl, 0, x->cli->now, win, resol)) !=
	    CRM_EX_OK || (rc = tiles_at(x, tl, 1, x->cli->now - win, win,
	    resol)) != CRM_EX_OK)
		return rc;
	crm_page_tiles(x->page, tl, CRM_TILES, window);
	return CRM_EX_OK;
}

/* ---- segments ----------------------------------------------------------- */

static int
segments(struct ctx *x)
{
	const struct crm_kind *k = crm_kind_customer();
	struct crm_cols by = { 0 };
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	struct crm_tab *t = NULL;
	char **names = NULL, *types = NULL, title[128], buf[128];
	const char *v;
	enum crm_vt vt;
	double total = 0;
	int i, rc;

	if ((rc = crm_cols_parse(&by, k, "--by", x->by)) != CRM_EX_OK ||
	    (rc = revenue(x)) != CRM_EX_OK)
		goto out;
	if ((names = calloc(by.n + 3, sizeof *names)) == NULL ||
	    (types = calloc(by.n + 4, 1)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < by.n; i++) {
		names[i] = by.names[i];
		types[i] = 's';
	}
	names[by.n] = "customers";
	names[by.n + 1] = "revenue";
	names[by.n + 2] = "share";
	memcpy(types + by.n, "nnn", 3);
	snprintf(title, sizeof title, "Segments by %s", x->by);
	if ((t = crm_tab_new(x->page, "segments", title, by.n + 3,
	    (const char *const *)names, types)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	crm_tab_chart(t, CRM_CH_BAR, by.n + 1);
	for (i = 0; i < by.n; i++)
		crm_tab_mask(t, i, crm_field_mask(by.fields[i], by.names[i]));
	crm_sql_add(&q, "SELECT ");
	for (i = 0; i < by.n; i++) {
		field(x, &q, by.names[i]);
		crm_sql_add(&q, ", ");
	}
	crm_sql_add(&q, "count(*), coalesce(sum(m.revenue), 0), sum(sum("
	    "m.revenue)) OVER ()");
	crm_sql_from(&q, k);
	crm_sql_add(&q, " LEFT JOIN temp.rev AS m ON m.customer = c.id WHERE "
	    "c.created <= ?1");
	where(x, &q);
	crm_sql_add(&q, " GROUP BY ");
	for (i = 0; i < by.n; i++)
		crm_sql_add(&q, "%s%d", i ? ", " : "", i + 1);
	crm_sql_add(&q, " ORDER BY %d DESC", by.n + 2);
	for (i = 0; i < by.n; i++)
		crm_sql_add(&q, ", %d", i + 1);
	if ((rc = crm_sql_prepare(x->st, &q, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		total = sqlite3_column_double(s, by.n + 2);
		for (i = 0; i < by.n; i++) {
			v = crm_cols_text(&by, s, i, 0, x->dec, buf,
			    sizeof buf, &vt);
			crm_tab_cell(t, v);
		}
		crm_tab_col(t, s, by.n, 0);
		crm_tab_money(t, sqlite3_column_int64(s, by.n + 1));
		crm_tab_share(t, sqlite3_column_double(s, by.n + 1), total);
	}
	rc = done(x, s, rc);
	s = NULL;
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	crm_cols_free(&by);
	free(names);
	free(types);
	return rc;
}

/* ---- tiers -------------------------------------------------------------- */

static int
tiers(struct ctx *x, const char *scheme, int quiet)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	struct crm_tab *t;
	char *names[40], types[41], title[128], **from = NULL;
	int64_t run[2] = { 0, 0 };
	int nfrom = 0, i, j, rc;

	if ((rc = prep(x, "SELECT id FROM tier_run WHERE scheme = ?2 AND asof "
	    "<= ?1 ORDER BY id DESC LIMIT 2", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 2, scheme, -1, SQLITE_STATIC);
	for (i = 0; i < 2 && (rc = sqlite3_step(s)) == SQLITE_ROW; i++)
		run[i] = sqlite3_column_int64(s, 0);
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		return rc;
	if (run[0] == 0) {
		if (quiet)
			return CRM_EX_NONE;
		crm_warn(NULL, "tiers: no %s run by the --asof day: crm-tier "
		    "%s first", scheme, scheme);
		return CRM_EX_NONE;
	}
	if ((rc = revenue(x)) != CRM_EX_OK)
		return rc;
	/* The tiers of the run before: one column each. */
	if ((rc = crm_prepare(x->st, "SELECT DISTINCT tier FROM tier WHERE "
	    "run = ? ORDER BY 1 LIMIT 32", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, run[1]);
	if ((from = calloc(33, sizeof *from)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((from[nfrom++] = strdup((const char *)sqlite3_column_text(s,
		    0))) == NULL)
			break;
	if (rc == SQLITE_ROW) {
		sqlite3_finalize(s);
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		goto out;
	names[0] = "tier";
	names[1] = "customers";
	names[2] = "share";
	names[3] = "revenue";
	names[4] = "revenue_share";
	memcpy(types, "snnnn", 5);
	for (i = 0; i < nfrom; i++) {
		size_t len = strlen(from[i]) + 6;

		if ((names[5 + i] = malloc(len)) == NULL) {
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
			goto out;
		}
		snprintf(names[5 + i], len, "from_%s", from[i]);
		types[5 + i] = 'n';
	}
	names[5 + nfrom] = "new";
	types[5 + nfrom] = 'n';
	if (run[1] > 0)
		snprintf(title, sizeof title, "Tiers: %s (run %lld; moves from "
		    "run %lld)", scheme, (long long)run[0], (long long)run[1]);
	else
		snprintf(title, sizeof title, "Tiers: %s (run %lld)", scheme,
		    (long long)run[0]);
	t = crm_tab_new(x->page, scheme, title, 6 + nfrom,
	    (const char *const *)names, types);
	for (i = 0; i < nfrom; i++)
		free(names[5 + i]);
	if (t == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (run[1] == 0)
		crm_tab_note(t, "the first %s run: no moves yet", scheme);
	crm_tab_chart(t, CRM_CH_BAR, 1);
	/* Each tier, its revenue, the run's totals, then the moves. */
	crm_sql_add(&q, "SELECT n.tier, count(*), coalesce(sum(m.revenue), 0), "
	    "sum(count(*)) OVER (), sum(coalesce(sum(m.revenue), 0)) OVER ()");
	for (i = 0; i < nfrom; i++) {
		crm_sql_add(&q, ", count(*) FILTER (WHERE p.tier = ");
		crm_sql_text(&q, from[i]);
		crm_sql_add(&q, ")");
	}
	crm_sql_add(&q, ", count(*) FILTER (WHERE p.tier IS NULL) FROM tier "
	    "AS n JOIN customer AS c ON c.id = n.customer LEFT JOIN stats AS "
	    "s ON s.customer = c.id LEFT JOIN temp.rev AS m ON m.customer = "
	    "c.id LEFT JOIN tier AS p ON p.customer = n.customer AND p.run = ");
	crm_sql_int(&q, run[1]);
	crm_sql_add(&q, " WHERE n.run = ");
	crm_sql_int(&q, run[0]);
	where(x, &q);
	crm_sql_add(&q, " GROUP BY 1 ORDER BY 1");
	if ((rc = crm_sql_prepare(x->st, &q, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		crm_tab_col(t, s, 0, 0);
		crm_tab_col(t, s, 1, 0);
		crm_tab_share(t, sqlite3_column_double(s, 1),
		    sqlite3_column_double(s, 3));
		crm_tab_money(t, sqlite3_column_int64(s, 2));
		crm_tab_share(t, sqlite3_column_double(s, 2),
		    sqlite3_column_double(s, 4));
		for (j = 0; j <= nfrom; j++)
			crm_tab_col(t, s, 5 + j, 0);
	}
	rc = done(x, s, rc);
	s = NULL;
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	for (i = 0; i < nfrom; i++)
		free(from[i]);
	free(from);
	return rc;
}

/* ---- cohort ------------------------------------------------------------ */

/* The period of a day: months or quarters since year 0, or weeks. */
static int64_t
period_of(const char *p, int64_t day)
{
	int64_t y;
	int m, d;

	if (p[0] == 'w')	/* weeks from Monday 1970-01-05 */
		return (day + 3 - ((day + 3) % 7 + 7) % 7 - 4) / 7 + 1;
	crm_civil_from_days(day, &y, &m, &d);
	return p[0] == 'q' ? y * 4 + (m - 1) / 3 : y * 12 + m - 1;
}

static void
period_name(const char *p, int64_t n, char *buf, size_t sz)
{
	if (p[0] == 'w')
		crm_date_fmt((n * 7 - 3) * 86400, buf, sz);
	else if (p[0] == 'q')
		snprintf(buf, sz, "%04lld-Q%lld", (long long)(n / 4),
		    (long long)(n % 4 + 1));
	else
		snprintf(buf, sz, "%04lld-%02lld", (long long)(n / 12),
		    (long long)(n % 12 + 1));
}

static int
cohort(struct ctx *x)
{
	sqlite3_stmt *s = NULL;
	struct crm_tab *t;
	int64_t now, lo = INT64_MAX, cur = 0, f = 0, p, np, last = -1;
	int64_t *cnt = NULL, *size = NULL;
	char **names = NULL, *types = NULL, buf[32], title[96];
	int64_t i, j, first = 0;
	int rc;

	now = period_of(x->period, crm_day_of(x->cli->now));
	/* The earliest first purchase fixes the matrix's size. */
	char b[64];

	if ((rc = prepf(x, &s, "SELECT min(ts) FROM purchase WHERE ts <= ?1%s",
	    in(x, "customer", b, sizeof b))) != CRM_EX_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_type(s, 0) !=
	    SQLITE_NULL)
		lo = period_of(x->period, crm_day_of(sqlite3_column_int64(s,
		    0)));
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		return rc;
	np = lo == INT64_MAX ? 0 : now - lo + 1;
	if (np > 2000)
		return crm_err(CRM_EX_DATAERR, NULL, "cohort: %lld %ss of "
		    "history: try --period quarter", (long long)np, x->period);
	if ((cnt = calloc(np * np + 1, sizeof *cnt)) == NULL ||
	    (size = calloc(np + 1, sizeof *size)) == NULL ||
	    (names = calloc(np + 2, sizeof *names)) == NULL ||
	    (types = calloc(np + 3, 1)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	/* Each customer's purchases in order: the (customer, ts) index. */
	if ((rc = prepf(x, &s, "SELECT customer, ts FROM purchase WHERE ts <= "
	    "?1%s ORDER BY customer, ts", b)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		p = period_of(x->period, crm_day_of(sqlite3_column_int64(s,
		    1))) - lo;
		/* Ids start at 1: the first row starts a customer. */
		if (sqlite3_column_int64(s, 0) != cur) {
			cur = sqlite3_column_int64(s, 0);
			f = p;
			size[f]++;
			last = -1;
		}
		/* Purchases are in time order: a new period is new. */
		if (p != last) {
			cnt[f * np + (p - f)]++;
			last = p;
		}
	}
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		goto out;
	s = NULL;
	/* --cohorts N: the newest N cohorts, and the periods they span. */
	first = 0;
	for (i = np - 1, j = 0; x->cohorts > 0 && i >= 0; i--)
		if (size[i] > 0 && ++j == x->cohorts) {
			first = i;
			break;
		}
	names[0] = "cohort";
	names[1] = "size";
	memcpy(types, "sn", 2);
	for (j = 0; j < np - first; j++) {
		snprintf(buf, sizeof buf, "%c%lld", x->period[0] == 'w' ? 'w' :
		    x->period[0] == 'q' ? 'q' : 'm', (long long)j);
		if ((names[2 + j] = strdup(buf)) == NULL) {
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
			goto out;
		}
		types[2 + j] = 'n';
	}
	snprintf(title, sizeof title, "Cohorts by first-purchase %s: share "
	    "buying in each %s since", x->period, x->period);
	if ((t = crm_tab_new(x->page, "cohort", title, np - first + 2,
	    (const char *const *)names, types)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	crm_tab_chart(t, CRM_CH_HEAT, 2);
	/* The first period is always 1: the shades are for the later ones. */
	crm_tab_heat(t, 3, 1);
	crm_tab_axis(t, x->period[0] == 'w' ? "Weeks since the first purchase "
	    "(% of the cohort buying)" : x->period[0] == 'q' ? "Quarters since "
	    "the first purchase (% of the cohort buying)" : "Months since the "
	    "first purchase (% of the cohort buying)");
	for (i = first; i < np; i++) {
		if (size[i] == 0)
			continue;
		period_name(x->period, lo + i, buf, sizeof buf);
		crm_tab_cell(t, buf);
		crm_tab_int(t, size[i]);
		for (j = 0; j < np - first; j++)
			if (i + j < np)
				crm_tab_frac(t, (double)cnt[i * np + j] /
				    size[i]);
			else
				crm_tab_cell(t, NULL);
	}
	rc = kept(x);
out:
	sqlite3_finalize(s);
	if (names != NULL)
		for (j = 0; j < np - first; j++)
			free(names[2 + j]);
	free(names);
	free(types);
	free(cnt);
	free(size);
	return rc;
}

/* ---- sla ------------------------------------------------------------- */

/* The median of the first column of s's rows, which come sorted. */
static int
median(struct ctx *x, sqlite3_stmt *s, double *med, int64_t *n)
{
	int64_t *v = NULL;
	size_t cap = 0, k = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = crm_grow(&v, &cap, k, sizeof *v)) != CRM_EX_OK) {
			sqlite3_finalize(s);
			free(v);
			return rc;
		}
		v[k++] = sqlite3_column_int64(s, 0);
	}
	*n = (int64_t)k;
	*med = k == 0 ? NAN : crm_median(v, k);
	free(v);
	return done(x, s, rc);
}

/* A ticket's response: the first response, else its resolution. */
#define RESP	"coalesce(first_response, resolved)"

static int
sla(struct ctx *x)
{
	static const char *const cols[] = { "name", "value" };
	static const char *const dcols[] = { "first_response", "tickets" };
	static const char *const bucket[] = { "0-1h", "1-4h", "4-8h",
	    "8-24h", "24-48h", "48h+", "none yet" };
	struct crm_tab *t, *d;
	sqlite3_stmt *s = NULL;
	double resp, resol, med;
	int64_t n;
	char b[96], w[40], sel[64], title[96];
	int rc, i;

	snprintf(title, sizeof title, "Tickets against the promise, the last "
	    "%g days", x->window);
	t = crm_tab_new(x->page, "sla", title, 2, cols, "sn");

	if ((rc = crm_setting_num(x->st, "sla.response", &resp)) != CRM_EX_OK ||
	    (rc = crm_setting_num(x->st, "sla.resolution", &resol)) !=
	    CRM_EX_OK)
		return rc;
	crm_tab_note(t, "a first response within %g hours meets the promise "
	    "(at the deadline too), a resolution within %g", resp, resol);
	/*
	 * The tickets opened in the --window, of the -w selection's; the
	 * overdue ones at the end of the day (the backlog), however old.
	 */
	snprintf(w, sizeof w, "opened > %lld", (long long)since(x));
	snprintf(b, sizeof b, " AND %s%s", w, in(x, "customer", sel,
	    sizeof sel));
	if ((rc = prepf(x, &s, "SELECT count(*) FILTER (WHERE %s), "
	    "count(*) FILTER (WHERE %s AND " RESP " <= ?1), "
	    "count(*) FILTER (WHERE %s AND " RESP " <= ?1 AND " RESP " - "
	    "opened <= ?2), "
	    "count(*) FILTER (WHERE %s AND " RESP " <= ?1 AND " RESP " - "
	    "opened > ?2), "
	    "count(*) FILTER (WHERE coalesce(" RESP " > ?1, 1) AND opened + ?2 "
	    "< ?1), "
	    "count(*) FILTER (WHERE %s AND resolved <= ?1), "
	    "count(*) FILTER (WHERE %s AND resolved <= ?1 AND resolved - "
	    "opened <= ?3), "
	    "count(*) FILTER (WHERE %s AND resolved <= ?1 AND resolved - "
	    "opened > ?3), "
	    "count(*) FILTER (WHERE coalesce(resolved > ?1, 1) AND opened + ?3 "
	    "< ?1) FROM ticket WHERE opened <= ?1%s", w, w, w, w, w, w, w,
	    sel)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 2, (int64_t)(resp * 3600));
	sqlite3_bind_int64(s, 3, (int64_t)(resol * 3600));
	if ((rc = sqlite3_step(s)) != SQLITE_ROW)
		return done(x, s, rc);
	kvf(t, "tickets", "%lld", sqlite3_column_int64(s, 0));
	kvf(t, "responded", "%lld", sqlite3_column_int64(s, 1));
	kvf(t, "met", "%lld", sqlite3_column_int64(s, 2));
	kvf(t, "breached", "%lld", sqlite3_column_int64(s, 3));
	kvf(t, "open_overdue", "%lld", sqlite3_column_int64(s, 4));
	kvf(t, "resolved", "%lld", sqlite3_column_int64(s, 5));
	kvf(t, "resolution_met", "%lld", sqlite3_column_int64(s, 6));
	kvf(t, "resolution_breached", "%lld", sqlite3_column_int64(s, 7));
	kvf(t, "unresolved_overdue", "%lld", sqlite3_column_int64(s, 8));
	sqlite3_finalize(s);
	if ((rc = prepf(x, &s, "SELECT " RESP " - opened FROM ticket WHERE "
	    "opened <= ?1 AND " RESP " <= ?1%s ORDER BY 1", b)) != CRM_EX_OK ||
	    (rc = median(x, s, &med, &n)) != CRM_EX_OK)
		return rc;
	if (n > 0)
		kvf(t, "median_response_hours", "%.2f", med / 3600);
	else
		kv(t, "median_response_hours", NULL);
	if ((rc = prepf(x, &s, "SELECT resolved - opened FROM ticket WHERE "
	    "opened <= ?1 AND resolved <= ?1%s ORDER BY 1", b)) != CRM_EX_OK ||
	    (rc = median(x, s, &med, &n)) != CRM_EX_OK)
		return rc;
	if (n > 0)
		kvf(t, "median_resolution_hours", "%.2f", med / 3600);
	else
		kv(t, "median_resolution_hours", NULL);
	/* How long first responses took: the distribution. */
	d = crm_tab_new(x->page, "response", "Time to the first response", 2,
	    dcols, "sn");
	crm_tab_chart(d, CRM_CH_BAR, 1);
	if ((rc = prepf(x, &s, "SELECT CASE WHEN coalesce(" RESP " > ?1, 1) "
	    "THEN 6 "
	    "ELSE (" RESP " - opened > 3600) + (" RESP " - opened > 14400) + "
	    "(" RESP " - opened > 28800) + (" RESP " - opened > 86400) + "
	    "(" RESP " - opened > 172800) END, count(*) FROM ticket WHERE "
	    "opened <= ?1%s GROUP BY 1", b)) !=
	    CRM_EX_OK)
		return rc;
	{
		int64_t got[7] = { 0 };

		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			got[sqlite3_column_int(s, 0)] = sqlite3_column_int64(s,
			    1);
		for (i = 0; i < 7; i++) {
			crm_tab_cell(d, bucket[i]);
			crm_tab_int(d, got[i]);
		}
	}
	return done(x, s, rc);
}

/* ---- satisfaction ----------------------------------------------------- */

static int
satisfaction(struct ctx *x)
{
	static const char *const cols[] = { "name", "value" };
	static const char *const gcols[] = { "expectation", "satisfaction_low",
	    "satisfaction_mid", "satisfaction_high" };
	static const char *const dcols[] = { "score", "nps", "csat" };
	static const char *const band[] = { "low (1-4)", "mid (5-7)",
	    "high (8-10)" };
	struct crm_tab *t, *g, *d;
	sqlite3_stmt *s = NULL;
	int64_t grid[3][3] = { { 0 } }, dist[11][2] = { { 0 } };
	char title[96];
	int rc, i, j, sc;

	snprintf(title, sizeof title, "Satisfaction (latest answer per "
	    "customer), the last %g days", x->window);
	t = crm_tab_new(x->page, "satisfaction", title, 2, cols, "sn");
	/* Each customer's latest answers given in the --window. */
	if ((rc = scores(x, since(x), &s)) != CRM_EX_OK)
		return rc;
	kvf(t, "nps_answers", "%lld", sqlite3_column_int64(s, 0));
	kvf(t, "promoters", "%lld", sqlite3_column_int64(s, 1));
	kvf(t, "passives", "%lld", sqlite3_column_int64(s, 2));
	kvf(t, "detractors", "%lld", sqlite3_column_int64(s, 3));
	kv_nps(t, s);
	kvf(t, "csat_answers", "%lld", sqlite3_column_int64(s, 4));
	kv_mean(t, "csat", s, 5);
	kv_mean(t, "expectation", s, 6);
	kv_mean(t, "satisfaction", s, 7);
	sqlite3_finalize(s);
	/* Expectation x satisfaction of the customers who gave both. */
	if ((rc = prep(x, "SELECT e.score, v.score FROM temp.latest AS e JOIN "
	    "temp.latest AS v ON v.customer = e.customer AND v.kind = "
	    "'satisfaction' WHERE e.kind = 'expectation'", &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		i = sqlite3_column_int(s, 0);
		j = sqlite3_column_int(s, 1);
		grid[i <= 4 ? 0 : i <= 7 ? 1 : 2]
		    [j <= 4 ? 0 : j <= 7 ? 1 : 2]++;
	}
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		return rc;
	g = crm_tab_new(x->page, "grid", "Expectation x satisfaction "
	    "(customers)", 4, gcols, "snnn");
	crm_tab_chart(g, CRM_CH_HEAT, 1);
	crm_tab_note(g, "high expectation, low satisfaction first: they are "
	    "the ones to win back");
	for (i = 2; i >= 0; i--) {
		crm_tab_cell(g, band[i]);
		for (j = 0; j < 3; j++)
			crm_tab_int(g, grid[i][j]);
	}
	if ((rc = prep(x, "SELECT kind, score, count(*) FROM temp.latest WHERE "
	    "kind IN ('nps', 'csat') GROUP BY 1, 2", &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sc = sqlite3_column_int(s, 1);
		if (sc >= 0 && sc <= 10)
			dist[sc][strcmp((const char *)sqlite3_column_text(s, 0),
			    "nps") == 0 ? 0 : 1] = sqlite3_column_int64(s, 2);
	}
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		return rc;
	d = crm_tab_new(x->page, "scores", "Answers by score", 3,
	    dcols, "nnn");
	crm_tab_chart(d, CRM_CH_BAR, 1);
	/* HTML charts both: NPS 0 to 10 beside CSAT 1 to 5. */
	crm_tab_val2(d, 2);
	for (i = 0; i <= 10; i++) {
		crm_tab_int(d, i);
		crm_tab_int(d, dist[i][0]);
		if (i >= 1 && i <= 5)
			crm_tab_int(d, dist[i][1]);
		else
			crm_tab_cell(d, NULL);
	}
	return kept(x);
}

/* ---- effort ---------------------------------------------------------- */

/* The rest of an effort row: customers, contacts, share, target, gap. */
static void
effort_row(struct crm_tab *t, int64_t customers, int64_t contacts,
    int64_t total, double target)
{
	double sh = total > 0 ? (double)contacts / total : 0;

	crm_tab_int(t, customers);
	crm_tab_int(t, contacts);
	crm_tab_frac(t, sh);
	crm_tab_frac(t, target);
	crm_tab_frac(t, sh - target);
}

static int
effort(struct ctx *x)
{
	static const char *const cols[] = { "owner", "grade", "customers",
	    "contacts", "share", "target", "gap" };
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	struct crm_tab *t, *tot;
	char labels[128], buf[128], lab[3][32], *p, *tok;
	double target[3];
	int64_t run, gc[3] = { 0, 0, 0 }, gn[3] = { 0, 0, 0 };
	int rc, i;

	if ((rc = crm_setting_get(x->st, "tier.service.labels", labels,
	    sizeof labels)) != CRM_EX_OK ||
	    (rc = crm_setting_get(x->st, "effort.targets", buf, sizeof buf)) !=
	    CRM_EX_OK)
		return rc;
	if (crm_setting_numbers(buf, target, 3) != 3)
		return crm_err(CRM_EX_DATAERR, NULL, "effort.targets: \"%s\" "
		    "is not three shares", buf);
	/* Labels lowest first; targets highest first. */
	for (i = 2, p = labels; i >= 0 && (tok = strsep(&p, ",")) != NULL; i--)
		snprintf(lab[i], sizeof lab[i], "%s", tok);
	if ((rc = grades(x, "service", &run)) != CRM_EX_OK)
		return rc;
	snprintf(buf, sizeof buf, "Contact effort by service grade, the last "
	    "%g days", x->window);
	if ((tot = crm_tab_new(x->page, "grade", buf, 6, cols + 1,
	    "snnnnn")) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	crm_tab_note(tot, "grades from %s; targets %g/%g/%g (effort.targets)",
	    run > 0 ? "the latest service run" : "the latest answers (no "
	    "service run stored)", target[0], target[1], target[2]);
	crm_tab_chart(tot, CRM_CH_BAR, 3);
	snprintf(buf, sizeof buf, "Contact effort by owner and grade, the last "
	    "%g days", x->window);
	if ((t = crm_tab_new(x->page, "owner", buf, 7, cols,
	    "ssnnnnn")) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	/* Per owner and grade; the owner's contacts in all grades beside. */
	crm_sql_add(&q, "SELECT owner, k, n, contacts, sum(contacts) OVER "
	    "(PARTITION BY owner) FROM (SELECT c.owner AS owner, CASE g.tier");
	for (i = 0; i < 3; i++) {
		crm_sql_add(&q, " WHEN ");
		crm_sql_text(&q, lab[i]);
		crm_sql_add(&q, " THEN %d", i);
	}
	crm_sql_add(&q, " END AS k, count(*) AS n, coalesce(sum((SELECT "
	    "count(*) FROM contact AS h WHERE h.customer = c.id AND h.ts <= ?1 "
	    "AND h.ts > ?1 - ");
	crm_sql_int(&q, (int64_t)(x->window * 86400));
	crm_sql_add(&q, ")), 0) AS contacts FROM temp.grade AS g JOIN customer "
	    "AS c ON c.id = g.customer LEFT JOIN stats AS s ON s.customer = "
	    "c.id WHERE c.created <= ?1");
	where(x, &q);
	crm_sql_add(&q, " GROUP BY 1, 2) ORDER BY 1, 2");
	if ((rc = crm_sql_prepare(x->st, &q, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		i = sqlite3_column_int(s, 1);
		gn[i] += sqlite3_column_int64(s, 2);
		gc[i] += sqlite3_column_int64(s, 3);
		crm_tab_col(t, s, 0, 0);
		crm_tab_cell(t, lab[i]);
		effort_row(t, sqlite3_column_int64(s, 2),
		    sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4),
		    target[i]);
	}
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		goto out;
	s = NULL;
	/* The whole team's effort, each grade. */
	for (i = 0; i < 3; i++) {
		crm_tab_cell(tot, lab[i]);
		effort_row(tot, gn[i], gc[i], gc[0] + gc[1] + gc[2], target[i]);
	}
	rc = kept(x);
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	return rc;
}

/* ---- churn ------------------------------------------------------------- */

/* Where at-risk customers go: temp.risk. */
struct risk {
	struct crm_store	*st;
	sqlite3_stmt		*in;
};

static int
mark(struct risk *r, int64_t id)
{
	sqlite3_bind_int64(r->in, 1, id);
	return crm_step(r->st, r->in);
}

/* A heuristic warning, as crm_churn_heuristic reports it. */
static int
heuristic_mark(void *arg, int64_t id, int64_t since, double med, double k)
{
	(void)since;
	(void)med;
	(void)k;
	return mark(arg, id);
}

/* temp.risk (customer): by the newest fitted model, else the heuristic. */
static int
atrisk(struct ctx *x, char *how, size_t n)
{
	struct crm_fit f;
	struct risk r = { x->st, NULL };
	sqlite3_stmt *s = NULL;
	double pa;
	int rc;

	if ((rc = crm_exec(x->st, "DROP TABLE IF EXISTS temp.risk; CREATE TEMP "
	    "TABLE risk (customer INTEGER PRIMARY KEY)")) != CRM_EX_OK ||
	    (rc = crm_prepare(x->st, "INSERT INTO temp.risk VALUES (?)",
	    &r.in)) != CRM_EX_OK)
		return rc;
	if ((rc = crm_fit_load(x->st, NULL, &f)) == CRM_EX_NONE) {
		snprintf(how, n, "at risk: no purchase for more than churn.k "
		    "times the customer's median gap (no usable model fit "
		    "stored)");
		rc = crm_churn_heuristic(x->st, heuristic_mark, &r);
		goto out;
	}
	if (rc != CRM_EX_OK || (rc = crm_summary(x->st, 0)) != CRM_EX_OK ||
	    (rc = crm_prepare(x->st, "SELECT customer, x, tx, T FROM "
	    "temp.summ", &s)) != CRM_EX_OK)
		goto out;
	snprintf(how, n, "at risk: P(alive) below %g by the newest %s fit",
	    x->threshold, crm_model_info(f.model)->name);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		pa = crm_model_palive(f.model, f.p, sqlite3_column_double(s, 1),
		    sqlite3_column_double(s, 2) / f.scale,
		    sqlite3_column_double(s, 3) / f.scale);
		if (isfinite(pa) && pa < x->threshold && (rc = mark(&r,
		    sqlite3_column_int64(s, 0))) != CRM_EX_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(x->st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(r.in);
	return rc;
}

static int
churn_by(struct ctx *x, const char *col, const char *name, const char *how)
{
	static const char *const cols[2][5] = {
	    { "tier", "buyers", "at_risk", "share", "revenue_at_risk" },
	    { "owner", "buyers", "at_risk", "share", "revenue_at_risk" } };
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	struct crm_tab *t;
	char title[96];
	int rc, byowner = strcmp(col, "c.owner") == 0;

	snprintf(title, sizeof title, "Churn risk by %s", name);
	if ((t = crm_tab_new(x->page, byowner ? "owner" : "tier", title, 5,
	    cols[byowner], "snnnn")) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	crm_tab_note(t, "%s; revenue at risk is what they spent so far", how);
	crm_tab_chart(t, CRM_CH_BAR, 2);
	/* Buyers the tier run left out have no tier. */
	crm_tab_none(t, byowner ? "(no owner)" : "(not in the tier run)");
	crm_sql_add(&q, "SELECT %s, count(*), count(r.customer), "
	    "coalesce(sum(m.revenue) FILTER (WHERE r.customer IS NOT NULL), 0) "
	    "FROM temp.rev AS m JOIN customer AS c ON c.id = m.customer LEFT "
	    "JOIN temp.grade AS g ON g.customer = c.id LEFT JOIN temp.risk AS "
	    "r ON r.customer = c.id WHERE c.created <= ?1", col);
	where(x, &q);
	crm_sql_add(&q, " GROUP BY 1 ORDER BY 1");
	if ((rc = crm_sql_prepare(x->st, &q, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		crm_tab_col(t, s, 0, 0);
		crm_tab_col(t, s, 1, 0);
		crm_tab_col(t, s, 2, 0);
		crm_tab_share(t, sqlite3_column_double(s, 2),
		    sqlite3_column_double(s, 1));
		crm_tab_money(t, sqlite3_column_int64(s, 3));
	}
	rc = done(x, s, rc);
	s = NULL;
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	return rc;
}

static int
churn(struct ctx *x)
{
	char how[160], title[96];
	int64_t run;
	int rc;

	if ((rc = revenue(x)) != CRM_EX_OK ||
	    (rc = atrisk(x, how, sizeof how)) != CRM_EX_OK ||
	    (rc = grades(x, x->scheme, &run)) != CRM_EX_OK)
		return rc;
	snprintf(title, sizeof title, "%s tier%s", x->scheme, run > 0 ? "" :
	    " (computed now: no run stored)");
	if ((rc = churn_by(x, "g.tier", title, how)) != CRM_EX_OK)
		return rc;
	return churn_by(x, "c.owner", "owner", how);
}

/* ---- forecast ------------------------------------------------------------ */

#define MAXMONTHS	61

/*
 * The expected purchases and revenue of every month of the horizon, by
 * the functions crm-clv uses: customers alike in (x, t_x, T) expect
 * alike (once for them all), each spends crm_gg_spend of their own m_x.
 * t[k]: days from the end of the --asof day to the end of row k.
 * *lost: customers the model gives no finite expectation; *used those
 * it does.
 */
static int
expect(struct ctx *x, const struct crm_fit *f, const struct crm_fit *gg,
    const double *t, int nt, double *ep, double *er, int64_t *used,
    int64_t *lost)
{
	sqlite3_stmt *s = NULL;
	char b[64];
	int64_t rev = 0, pdays = 0, cx = -1, ctx = -1, cT = -1, vx, vtx, vT;
	double unit = 1, mean = 0, n = 0, spend = 0, e0, e1, e[MAXMONTHS];
	int rc, k, more, ok;

	for (k = 0; k < x->dec; k++)
		unit *= 10;
	for (k = 0; k < nt; k++)
		ep[k] = er[k] = 0;
	*used = *lost = 0;
	in(x, "customer", b, sizeof b);
	if (gg == NULL) {
		/* Without Gamma-Gamma: the mean spend per purchase day. */
		struct crm_sql m = { 0 };

		m.hist = x->hist;
		crm_metric_rows(&m, "monetary", INT64_MIN, b);
		rc = prepf(x, &s, "SELECT sum(x + 1), (SELECT sum(monetary) "
		    "FROM (%s)) FROM temp.summ WHERE 1%s", m.buf, b);
		crm_sql_free(&m);
		if (rc != CRM_EX_OK)
			return rc;
		if (sqlite3_step(s) == SQLITE_ROW) {
			pdays = sqlite3_column_int64(s, 0);
			rev = sqlite3_column_int64(s, 1);
		}
		sqlite3_finalize(s);
		mean = pdays > 0 ? (double)rev / unit / pdays : 0;
	}
	if ((rc = prepf(x, &s, "SELECT x, tx, T, repeat FROM temp.summ "
	    "WHERE 1%s ORDER BY 1, 2, 3", b)) != CRM_EX_OK)
		return rc;
	do {
		more = (rc = sqlite3_step(s)) == SQLITE_ROW;
		vx = more ? sqlite3_column_int64(s, 0) : -1;
		vtx = more ? sqlite3_column_int64(s, 1) : -1;
		vT = more ? sqlite3_column_int64(s, 2) : -1;
		if (n > 0 && (vx != cx || vtx != ctx || vT != cT)) {
			/* The group before is complete. */
			e0 = 0;
			for (k = 0, ok = 1; k < nt && ok; k++) {
				e[k] = crm_model_expected(f->model, f->p,
				    (double)cx, crm_unit_conv((double)ctx, 1,
				    f->scale), crm_unit_conv((double)cT, 1,
				    f->scale), t[k] / f->scale);
				ok = isfinite(e[k]);
			}
			if (ok) {
				for (k = 0; k < nt; k++) {
					e1 = e[k];
					ep[k] += n * (e1 - e0);
					er[k] += spend * (e1 - e0);
					e0 = e1;
				}
				*used += (int64_t)n;
			} else
				*lost += (int64_t)n;
			n = spend = 0;
		}
		if (!more)
			break;
		cx = vx, ctx = vtx, cT = vT;
		n++;
		spend += gg != NULL ? crm_gg_spend(gg->p, (double)vx,
		    crm_summary_mx(sqlite3_column_int64(s, 3), vx, unit)) :
		    mean;
	} while (more);
	return done(x, s, rc);
}

static int
forecast(struct ctx *x)
{
	static const char *const cols[] = { "month", "purchases", "revenue",
	    "expected_purchases", "expected_revenue" };
	struct crm_fit f, gg;
	sqlite3_stmt *s = NULL;
	struct crm_tab *t;
	char buf[48], b[64], note[160];
	int64_t today = crm_day_of(x->cli->now), y, mon0, last, used, lost;
	int64_t hist[13][2];
	double ep[MAXMONTHS], er[MAXMONTHS], tk[MAXMONTHS];
	int nm, hasf = 0, hasgg = 0, people, k, mo, d, rc;

	/*
	 * Row k ends with month mon0 + k, the last one at the end of the
	 * horizon: tk[k] days after the --asof day's end.
	 */
	crm_civil_from_days(today, &y, &mo, &d);
	mon0 = y * 12 + mo - 1;
	for (nm = 0; ; nm++) {
		int64_t n = mon0 + nm + 1;

		if (nm == MAXMONTHS)
			return crm_err(CRM_EX_USAGE, NULL, "--horizon: at most "
			    "%d months", MAXMONTHS - 1);
		last = crm_days_from_civil(n / 12, (int)(n % 12) + 1, 1) - 1;
		tk[nm] = (double)(last - today);
		if (tk[nm] >= x->horizon) {
			tk[nm] = x->horizon;
			break;
		}
	}
	if ((t = crm_tab_new(x->page, "forecast", "Purchases and revenue by "
	    "month, with the forecast", 5, cols, "snnnn")) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	crm_tab_chart(t, CRM_CH_COLUMNS, 2);
	crm_tab_val2(t, 4);
	/* The twelve months before and the month of the --asof day. */
	memset(hist, 0, sizeof hist);
	in(x, "customer", b, sizeof b);
	if ((rc = prepf(x, &s, "SELECT CAST(strftime('%%Y', ts, 'unixepoch') "
	    "AS INTEGER) * 12 + CAST(strftime('%%m', ts, 'unixepoch') AS "
	    "INTEGER) - 1, count(DISTINCT customer * 65536 + ts / 86400), "
	    "sum(amount) FROM purchase WHERE ts <= ?1 AND ts >= ?2%s GROUP BY "
	    "1", b)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 2, crm_days_from_civil((mon0 - 12) / 12,
	    (int)((mon0 - 12) % 12) + 1, 1) * 86400);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		k = (int)(sqlite3_column_int64(s, 0) - (mon0 - 12));
		if (k >= 0 && k <= 12) {
			hist[k][0] = sqlite3_column_int64(s, 1);
			hist[k][1] = sqlite3_column_int64(s, 2);
		}
	}
	if ((rc = done(x, s, rc)) != CRM_EX_OK)
		return rc;
	/* The newest fitted model, and Gamma-Gamma for the spend. */
	if ((rc = crm_fit_load(x->st, NULL, &f)) != CRM_EX_OK &&
	    rc != CRM_EX_NONE)
		return rc;
	if (rc == CRM_EX_OK) {
		hasf = 1;
		if ((rc = crm_fit_load(x->st, "gg", &gg)) == CRM_EX_OK)
			hasgg = 1;
		else if (rc != CRM_EX_NONE)
			return rc;
		if ((rc = crm_summary(x->st, 1)) != CRM_EX_OK ||
		    (rc = expect(x, &f, hasgg ? &gg : NULL, tk, nm + 1, ep, er,
		    &used, &lost)) != CRM_EX_OK)
			return rc;
		if (used == 0 && lost > 0)
			hasf = 0;
	}
	if (hasf) {
		note[0] = '\0';
		if (lost > 0)
			snprintf(note, sizeof note, "; %lld customers left "
			    "out: the fit gives them no finite expectation",
			    (long long)lost);
		crm_tab_note(t, "expected by the newest %s fit (as crm-clv), "
		    "spend by %s; the --asof day's month is split at it, the "
		    "horizon's last month cut at its end%s",
		    crm_model_info(f.model)->title, hasgg ? "Gamma-Gamma" :
		    "the mean per purchase day", note);
	} else
		crm_tab_note(t, "no usable model fit stored (crm-churn --fit "
		    "stores one when the data allow a fit): the history only");
	people = x->cli->fmt == CRM_FMT_TABLE || x->cli->fmt == CRM_FMT_HTML ||
	    x->cli->fmt == CRM_FMT_XLSX;
	for (k = -12; k <= nm; k++) {
		int64_t n = mon0 + k;
		/* The horizon ends before the month does. */
		int cut = k == nm && today + x->horizon < crm_days_from_civil(
		    (n + 1) / 12, (int)((n + 1) % 12) + 1, 1) - 1;

		if (cut) {
			crm_civil_from_days(today + (int64_t)floor(x->horizon),
			    &y, &mo, &d);
			snprintf(buf, sizeof buf, "%04lld-%02lld (to %02d)",
			    (long long)(n / 12), (long long)(n % 12 + 1), d);
		} else
			snprintf(buf, sizeof buf, "%04lld-%02lld", (long long)
			    (n / 12), (long long)(n % 12 + 1));
		crm_tab_cell(t, buf);
		if (k <= 0) {
			crm_tab_int(t, hist[k + 12][0]);
			crm_tab_money(t, hist[k + 12][1]);
		} else {
			crm_tab_cell(t, NULL);
			crm_tab_cell(t, NULL);
		}
		/* An --asof day that ends its month leaves it nothing. */
		if (k == 0 && tk[0] <= 0) {
			crm_tab_cell(t, NULL);
			crm_tab_cell(t, NULL);
		} else if (k >= 0 && hasf && people) {
			crm_tab_cellf(t, "%.2f", ep[k]);
			crm_tab_money(t, (int64_t)llround(er[k] * pow(10,
			    x->dec)));
		} else if (k >= 0 && hasf) {
			/* Every digit, to add up as crm-clv's values do. */
			crm_tab_cellf(t, "%.17g", ep[k]);
			crm_tab_cellf(t, "%.17g", er[k]);
		} else {
			crm_tab_cell(t, NULL);
			crm_tab_cell(t, NULL);
		}
	}
	return kept(x);
}

/* ---- the table of reports -------------------------------------------- */

/*
 * The tiers of --scheme (value by default); in a page of them all without
 * --scheme, those of every scheme with a run.
 */
static int
tiers_report(struct ctx *x)
{
	const struct crm_scheme *sch;
	int rc, i, any = 0;

	if (!x->all || x->scheme != NULL)
		return tiers(x, x->scheme != NULL ? x->scheme : "value", 0);
	for (i = 0; (sch = crm_scheme_nth(i)) != NULL; i++) {
		if ((rc = tiers(x, sch->name, 1)) == CRM_EX_OK)
			any = 1;
		else if (rc != CRM_EX_NONE)
			return rc;
	}
	return any ? CRM_EX_OK : CRM_EX_NONE;
}

/* Churn risk by the tiers of --scheme (value by default). */
static int
churn_report(struct ctx *x)
{
	const char *keep = x->scheme;
	int rc;

	if (x->scheme == NULL)
		x->scheme = "value";
	rc = churn(x);
	x->scheme = keep;
	return rc;
}

/*
 * Every report, in the order "all" prints them.  A report prints its
 * tables into x->page and returns CRM_EX_OK, or CRM_EX_NONE when it has
 * nothing to show (left out of "all").
 */
static const struct report {
	const char	*name;
	const char	*does;		/* one line, for help */
	int		(*run)(struct ctx *);
} reports[] = {
	{ "summary", "customers, active, revenue, aov, repeat rate, NPS, CSAT",
	    summary },
	{ "segments", "customers and revenue by any fields (--by)",
	    segments },
	{ "tiers", "tier sizes and the migration from the run before",
	    tiers_report },
	{ "cohort", "retention by first-purchase period", cohort },
	{ "sla", "ticket response and resolution against the promise", sla },
	{ "satisfaction", "CSAT, NPS, expectation x satisfaction",
	    satisfaction },
	{ "effort", "contacts per service grade against the targets", effort },
	{ "churn", "at-risk customers and revenue by tier and owner",
	    churn_report },
	{ "forecast", "expected purchases and revenue by month", forecast },
};

/*
 * The tables of the reports that have more than one (--table,
 * crm-report(1)), the main one first.  Any other report has one, named
 * after it; tiers has one per scheme, named after the scheme.
 */
static const struct {
	const char	*report;
	const char	*tables;
} tables[] = {
	{ "sla", "sla,response" },
	{ "satisfaction", "satisfaction,grid,scores" },
	{ "effort", "grade,owner" },
	{ "churn", "tier,owner" },
};

#define NREPORTS	(int)(sizeof reports / sizeof reports[0])

/* ---- main ---------------------------------------------------------------- */

/*
 * --table of report r: one of its tables (tiers': a scheme, which then is
 * --scheme too).
 */
static int
pick_table(struct ctx *x, const struct report *r)
{
	const struct crm_scheme *sch;
	const char *names[16];
	char buf[128], *p, *tok;
	size_t n = 0;
	int rc;

	if (r->run == tiers_report) {
		if ((rc = crm_scheme_get("--table", x->table, &sch)) !=
		    CRM_EX_OK)
			return rc;
		if (x->scheme != NULL && strcmp(x->scheme, x->table) != 0)
			return crm_err(CRM_EX_USAGE, NULL, "--table %s: tiers "
			    "gives the table of --scheme %s", x->table,
			    x->scheme);
		x->scheme = x->table;
		return CRM_EX_OK;
	}
	snprintf(buf, sizeof buf, "%s", r->name);
	for (n = 0; n < sizeof tables / sizeof tables[0]; n++)
		if (strcmp(tables[n].report, r->name) == 0)
			snprintf(buf, sizeof buf, "%s", tables[n].tables);
	n = 0;
	for (p = buf; n < 16 && (tok = strsep(&p, ",")) != NULL;)
		if (strcmp((names[n++] = tok), x->table) == 0)
			return CRM_EX_OK;
	return crm_nosuch(CRM_EX_USAGE, "--table", x->table, "table", names,
	    n);
}

/* What the options ask of the output, checked before any work. */
static int
check_output(struct ctx *x)
{
	enum crm_fmt f = x->cli->fmt;

	if (x->table != NULL && x->all)
		return crm_err(CRM_EX_USAGE, NULL, "--table: with one report, "
		    "not all");
	if (x->dir != NULL && f != CRM_FMT_CSV && f != CRM_FMT_TSV && f !=
	    CRM_FMT_JSON)
		return crm_err(CRM_EX_USAGE, NULL, "--dir: with -o csv, tsv or "
		    "json");
	if (x->dir != NULL && x->to != NULL)
		return crm_err(CRM_EX_USAGE, NULL, "--dir and --to: one or the "
		    "other");
	/* Strict CSV readers take one table a file. */
	if (f == CRM_FMT_CSV && x->all && x->dir == NULL)
		return crm_err(CRM_EX_USAGE, NULL, "-o csv all: one file per "
		    "table: give --dir, or name one report");
	return CRM_EX_OK;
}

/* Each table to a file of its own in --dir: REPORT[-TABLE].fmt. */
static int
write_dir(struct ctx *x)
{
	static const char *const ext[] = { "tsv", "csv", "json" };
	struct crm_loc at = { x->dir, 0, NULL };
	struct crm_tab *t;
	char path[4096];
	FILE *fp;
	int n;

	if (mkdir(x->dir, 0777) != 0 && errno != EEXIST)
		return crm_err(CRM_EX_IOERR, &at, ":");
	for (t = crm_page_tabs(x->page); t != NULL; t = crm_tab_next(t)) {
		if (strcmp(crm_tab_report(t), crm_tab_name(t)) == 0)
			n = snprintf(path, sizeof path, "%s/%s.%s", x->dir,
			    crm_tab_name(t), ext[x->cli->fmt]);
		else
			n = snprintf(path, sizeof path, "%s/%s-%s.%s", x->dir,
			    crm_tab_report(t), crm_tab_name(t),
			    ext[x->cli->fmt]);
		at.file = path;
		if (n < 0 || (size_t)n >= sizeof path)
			return crm_err(CRM_EX_USAGE, &at, "too long");
		if ((fp = fopen(path, "w")) == NULL)
			return crm_err(CRM_EX_IOERR, &at, ":");
		crm_tab_write(t, fp, x->cli->fmt);
		if (ferror(fp) | (fclose(fp) != 0))
			return crm_err(CRM_EX_IOERR, &at, ":");
	}
	return CRM_EX_OK;
}

/* The page, as the options ask: to stdout, --to or --dir. */
static int
write_page(struct ctx *x)
{
	struct crm_loc at = { x->to, 0, NULL };
	struct crm_tab *t = crm_page_tabs(x->page);
	char cur[8];
	FILE *fp = stdout;
	int rc;

	if (x->table != NULL)
		while (t != NULL && strcmp(crm_tab_name(t), x->table) != 0)
			t = crm_tab_next(t);
	/* One table: --table's, else in csv the report's main one. */
	if (x->table != NULL || (x->cli->fmt == CRM_FMT_CSV && x->dir ==
	    NULL))
		crm_page_only(x->page, t);
	if (x->dir != NULL)
		return write_dir(x);
	if (x->cli->fmt == CRM_FMT_XLSX) {
		if ((rc = crm_setting_get(x->st, "currency", cur,
		    sizeof cur)) != CRM_EX_OK)
			return rc;
		return crm_page_xlsx(x->page, x->to, cur);
	}
	if (x->to != NULL && (fp = fopen(x->to, "w")) == NULL)
		return crm_err(CRM_EX_IOERR, &at, ":");
	crm_page_write(x->page, fp, x->cli->fmt, x->cli->now);
	if (fp != stdout && (ferror(fp) | (fclose(fp) != 0)))
		return crm_err(CRM_EX_IOERR, &at, ":");
	return CRM_EX_OK;
}

static int
report(struct ctx *x, const char *name)
{
	const char *names[NREPORTS + 1];
	const struct crm_scheme *sch;
	int rc = CRM_EX_OK, i, one = -1;
	char day[32], cur[16];

	x->all = strcmp(name, "all") == 0;
	for (i = 0; i < NREPORTS; i++) {
		names[i] = reports[i].name;
		if (strcmp(reports[i].name, name) == 0)
			one = i;
	}
	names[NREPORTS] = "all";
	if (one < 0 && !x->all)
		return crm_nosuch(CRM_EX_USAGE, NULL, name, "report", names,
		    NREPORTS + 1);
	if ((rc = check_output(x)) != CRM_EX_OK || (x->table != NULL &&
	    (rc = pick_table(x, &reports[one])) != CRM_EX_OK))
		return rc;
	if (x->scheme != NULL && (rc = crm_scheme_get("--scheme", x->scheme,
	    &sch)) != CRM_EX_OK)
		return rc;
	if (strcmp(x->period, "month") != 0 && strcmp(x->period, "quarter") !=
	    0 && strcmp(x->period, "week") != 0)
		return crm_err(CRM_EX_USAGE, NULL, "--period %s: month, "
		    "quarter or week", x->period);
	/* A page with notes says the store's today there, not on stderr. */
	x->cli->todaynote = x->cli->fmt == CRM_FMT_TABLE ||
	    x->cli->fmt == CRM_FMT_HTML;
	if ((rc = crm_store_open(&x->st, x->cli, CRM_READ)) != CRM_EX_OK)
		return rc;
	x->dec = crm_store_decimals(x->st);
	if ((x->page = crm_page_new(x->dec, x->redact)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	/* A page: the newest 24 cohorts unless --cohorts says otherwise. */
	if (x->cohorts < 0)
		x->cohorts = x->cli->fmt == CRM_FMT_HTML ? 24 : 0;
	if (x->cli->fmt == CRM_FMT_HTML) {
		if ((rc = crm_setting_get(x->st, "currency", cur,
		    sizeof cur)) != CRM_EX_OK)
			goto out;
		crm_page_html(x->page, x->cli->dbpath, x->cli->where, cur);
	}
	if (x->cli->today && x->cli->todaynote) {
		crm_date_fmt(x->cli->now, day, sizeof day);
		crm_page_note(x->page, "as of %s, the store's today, set by "
		    "crm-config today", day);
	}
	if ((rc = crm_stats_historic(x->st, &x->hist)) != CRM_EX_OK ||
	    (rc = select_customers(x)) != CRM_EX_OK)
		goto out;
	/* The page opens with the headline tiles. */
	if (x->cli->fmt == CRM_FMT_HTML && (x->all || strcmp(name, "summary")
	    == 0) && (rc = tiles(x)) != CRM_EX_OK)
		goto out;
	if (!x->all) {
		crm_page_report(x->page, reports[one].name);
		rc = reports[one].run(x);
	}
	for (i = 0; x->all && i < NREPORTS && rc == CRM_EX_OK; i++) {
		crm_page_report(x->page, reports[i].name);
		rc = reports[i].run(x);
		/* In a page of them all, a report with nothing is left out. */
		if (rc == CRM_EX_NONE)
			rc = CRM_EX_OK;
	}
	if (rc != CRM_EX_OK)
		goto out;
	if (!x->cli->quiet && !crm_page_oom(x->page))
		rc = write_page(x);
	if (rc == CRM_EX_OK && crm_page_oom(x->page))
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
out:
	crm_page_free(x->page);
	crm_store_close(x->st);
	return rc;
}

/* Not const: the report operand's values are the table's names. */
static struct crm_opt opts[] = {
	{ OPT_BY, "by", CRM_ARG_FIELDS, "fields", "segments: the fields to "
	    "group by (default owner)", NULL, 0, 0 },
	{ OPT_SCHEME, "scheme", CRM_ARG_SCHEME, "name", "tiers: the tier "
	    "scheme (default value)", NULL, 0, 0 },
	{ OPT_PERIOD, "period", CRM_ARG_ENUM, NULL, "cohort: the period of "
	    "the cohorts (default month)", "month,quarter,week", 0, 0 },
	{ OPT_WINDOW, "window", CRM_ARG_DURATION, "duration", "sla, "
	    "satisfaction, effort: the period counted (default 90d); html's "
	    "tiles: the period compared (default 30d)", NULL, 0, 0 },
	{ OPT_HORIZON, "horizon", CRM_ARG_DURATION, "duration", "forecast: "
	    "how far ahead (default 90d)", NULL, 0, 0 },
	{ OPT_THRESHOLD, "threshold", CRM_ARG_PROB, "p", "churn: the P(alive) "
	    "below which a customer is at risk (default 30%)", NULL, 0, 0 },
	{ OPT_TABLE, "table", CRM_ARG_TEXT, "name", "write this table of the "
	    "report alone (crm-report(1) lists them)", NULL, 0, 0 },
	{ OPT_DIR, "dir", CRM_ARG_DIR, "dir", "with -o csv, tsv or json: one "
	    "file per table in dir, named after it", NULL, 0, 0 },
	{ OPT_TO, "to", CRM_ARG_FILE, "file", "write to file rather than "
	    "standard output", NULL, 0, 0 },
	{ OPT_REDACT, "redact", CRM_ARG_NONE, NULL, "mask names, e-mails and "
	    "phones in every table (J*** S****)", NULL, 0, 0 },
	{ OPT_COHORTS, "cohorts", CRM_ARG_INT, "n", "cohort: the newest N "
	    "cohorts only (html: 24 unless given)", NULL, 1, 0 },
	{ 0, "report", CRM_ARG_ENUM, "report", "the report, or all of them "
	    "in one", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	struct ctx x = { 0 };
	char names[512];
	size_t len;
	int c, i;

	for (i = 0, len = 0; i < NREPORTS; i++)
		len += snprintf(names + len, sizeof names - len, "%s,",
		    reports[i].name);
	snprintf(names + len, sizeof names - len, "all");
	for (i = 0; opts[i].c != 0 || opts[i].name != NULL; i++)
		if (opts[i].c == 0 && strcmp(opts[i].name, "report") == 0)
			opts[i].values = names;
	x.cli = &cli;
	x.by = "owner";
	x.period = "month";
	x.window = 90;
	x.horizon = 90;
	x.threshold = 0.3;
	x.cohorts = -1;
	crm_cli_begin(&cli, argc, argv, opts, "dwoHqAW");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_BY:
			x.by = cli.arg;
			break;
		case OPT_SCHEME:
			x.scheme = cli.arg;
			break;
		case OPT_PERIOD:
			x.period = cli.arg;
			break;
		case OPT_WINDOW:
			x.window = cli.num;
			x.windowset = 1;
			break;
		case OPT_COHORTS:
			x.cohorts = (long)cli.num;
			break;
		case OPT_HORIZON:
			x.horizon = cli.num;
			break;
		case OPT_THRESHOLD:
			x.threshold = cli.num;
			break;
		case OPT_TABLE:
			x.table = cli.arg;
			break;
		case OPT_DIR:
			x.dir = cli.arg;
			break;
		case OPT_TO:
			x.to = cli.arg;
			break;
		case OPT_REDACT:
			x.redact = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind == argc)
		return crm_usage_err(&cli, "the report is missing");
	if (cli.optind != argc - 1)
		return crm_usage_err(&cli, "\"%s\": one report at most",
		    argv[cli.optind + 1]);
	return crm_cli_end(&cli, report(&x, argv[cli.optind]));
}
