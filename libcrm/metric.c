/*
 * metric.c: every statistic of a customer's history, declared once.
 *
 * A statistic is one SQL aggregate over the rows of one kind of history
 * of a customer up to ?1 (srcs[] says which rows those are): its value as
 * of any day.  Those kept in the stats table (stats.c) are the same
 * aggregate as of the end of time, and each has its update after one more
 * record (rec.c runs it).  A metric, the field users name (kind.c lists
 * them, with their types), is SQL over statistics: from the stored row s,
 * or from the history up to ?1.  So the filter, crm-ls, crm-show, the
 * tiers, the churn summaries and the reports all read one definition, and
 * tests/unit.c recomputes each both ways.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crm-int.h"

/* Contacts a customer made or took online. */
#define ONLINE	"('phone', 'email', 'chat', 'social')"
/* A ticket open at the end of day ?1 (r: its alias and a dot, or ""). */
#define OPEN(r, t) \
	"(" r "status = 'open' OR " r "resolved > " t ")"
/* The score of the latest survey of a kind (latest: srcs' window). */
#define LATEST(k) \
	"max(score) FILTER (WHERE kind = '" k "' AND latest = 1)"
/* ... and after one more survey n, the latest of its kind (srcs). */
#define LATER_SCORE(k) \
	"CASE WHEN n.kind = '" k "' THEN n.score ELSE " k " END"
/* A time column after a record at time n.ts. */
#define LATER(t)	"max(coalesce(" t ", n.ts), n.ts)"
/* The points balance: every grant, earning, redemption and expiry. */
#define BALANCE	"sum(delta)"
/* The end of time: ?1 in the stats table's statistics. */
#define END	"9223372036854775807"

/* The rows a statistic sums: one kind's rows of a customer, up to ?1. */
struct src {
	const char	*table;
	const char	*time;		/* a row is history from then on */
	const char	*window;	/* a column over the rows, or NULL */
	const char	*newest;	/* the newest time the rows hold */
	const char	*nnewest;	/* ... that record n holds */
	/* When record n changes the stats row by the updates alone. */
	const char	*incr_when;
	/* The stats row that says a customer has rows, or NULL. */
	const char	*present;
};

enum { PURCHASE, CONTACT, TICKET, SURVEY, POINTS, NSRC };

static const struct src srcs[NSRC] = {
	/* An order line with an order_ref may join an order: recount. */
	{ "purchase", "ts", NULL, "max(ts)", "n.ts", "n.order_ref IS NULL",
	    "purchases > 0" },
	{ "contact", "ts", NULL, "max(ts)", "n.ts", NULL, NULL },
	{ "ticket", "opened", NULL, "max(max(opened), coalesce(max("
	    "first_response), 0), coalesce(max(resolved), 0))", "max(n.opened, "
	    "coalesce(n.first_response, 0), coalesce(n.resolved, 0))", NULL,
	    NULL },
	/* A survey older than the latest of its kind changes nothing. */
	{ "survey", "ts", "row_number() OVER (PARTITION BY customer, kind "
	    "ORDER BY ts DESC, id DESC) AS latest", "max(ts)", "n.ts",
	    "NOT EXISTS (SELECT 1 FROM survey AS l WHERE l.customer = "
	    "n.customer AND l.kind = n.kind AND (l.ts > n.ts OR (l.ts = n.ts "
	    "AND l.id > n.id)))", NULL },
	{ "points", "ts", NULL, "max(ts)", "n.ts", NULL, NULL },
};

/* A statistic: a column of stats, or (stored 0) computed when asked. */
struct stat {
	const char	*name;
	int		 src;
	int		 stored;
	const char	*agg;		/* over the source's rows */
	const char	*none;		/* its value without rows, or NULL */
	const char	*incr;		/* after record n; NULL: no change */
};

static const struct stat stats[] = {
	{ "first_purchase", PURCHASE, 1, "min(ts)", NULL,
	    "min(coalesce(first_purchase, n.ts), n.ts)" },
	{ "last_purchase", PURCHASE, 1, "max(ts)", NULL,
	    LATER("last_purchase") },
	{ "purchases", PURCHASE, 1, "count(*)", "0", "purchases + 1" },
	/* Orders: one per order_ref, and each purchase without one. */
	{ "orders", PURCHASE, 1,
	    "count(DISTINCT order_ref) + count(*) FILTER (WHERE order_ref IS "
	    "NULL)",
	    "0", "orders + 1" },
	/* Purchase days: the frequency of the models and of RFM. */
	{ "days", PURCHASE, 1, "count(DISTINCT ts / 86400)", "0",
	    /*
	     * A day is ts / 86400, as the aggregate counts it (before 1970
	     * too: day 0 is two days of seconds wide), its purchases found
	     * by the index.
	     */
	    "days + NOT EXISTS (SELECT 1 FROM purchase AS q WHERE q.customer = "
	    "n.customer AND q.ts > n.ts - 172800 AND q.ts < n.ts + 172800 AND "
	    "q.ts / 86400 = n.ts / 86400 AND q.id != n.id)" },
	{ "revenue", PURCHASE, 1, "sum(amount)", "0", "revenue + n.amount" },
	/*
	 * The first purchase day's revenue (the day as days counts it):
	 * Gamma-Gamma's m_x is the revenue after it.  Kept, not a metric,
	 * so read only over all of a customer's rows up to ?1 (the refresh
	 * of stats).  min(r.ts) is the outer query's aggregate, so the
	 * subquery runs once a customer, not once a purchase, and finds
	 * the first day's purchases by the index (a day is at most two
	 * days of seconds wide, as in days).
	 */
	{ "first_day_revenue", PURCHASE, 1,
	    "(SELECT sum(f.amount) FROM purchase AS f WHERE f.customer = "
	    "r.customer AND f.ts >= min(r.ts) AND f.ts < min(r.ts) + 172800 "
	    "AND f.ts / 86400 = min(r.ts) / 86400 AND f.ts <= ?1)", NULL,
	    "CASE WHEN first_purchase IS NULL OR n.ts / 86400 < first_purchase "
	    "/ 86400 THEN n.amount WHEN n.ts / 86400 = first_purchase / 86400 "
	    "THEN first_day_revenue + n.amount ELSE first_day_revenue END" },
	{ "last_contact", CONTACT, 1, "max(ts)", NULL, LATER("last_contact") },
	{ "last_online", CONTACT, 1,
	    "max(ts) FILTER (WHERE channel IN " ONLINE ")", NULL,
	    "CASE WHEN n.channel IN " ONLINE " THEN " LATER("last_online")
	    " ELSE last_online END" },
	{ "last_visit", CONTACT, 1, "max(ts) FILTER (WHERE channel = 'visit')",
	    NULL, "CASE WHEN n.channel = 'visit' THEN " LATER("last_visit")
	    " ELSE last_visit END" },
	{ "last_inbound", CONTACT, 1, "max(ts) FILTER (WHERE direction = 'in')",
	    NULL, "CASE WHEN n.direction = 'in' THEN " LATER("last_inbound")
	    " ELSE last_inbound END" },
	/* Open at the time: opened by then, not resolved by then. */
	{ "open_tickets", TICKET, 1,
	    "count(*) FILTER (WHERE " OPEN("", "?1") ")", "0",
	    "open_tickets + coalesce(" OPEN("n.", END) ", 0)" },
	/* Churn's signal (crm-churn): complaints open at the time. */
	{ "open_complaints", TICKET, 0,
	    "count(*) FILTER (WHERE kind = 'complaint' AND " OPEN("", "?1") ")",
	    "0", NULL },
	{ "csat", SURVEY, 1, LATEST("csat"), NULL, LATER_SCORE("csat") },
	{ "nps", SURVEY, 1, LATEST("nps"), NULL, LATER_SCORE("nps") },
	{ "expectation", SURVEY, 1, LATEST("expectation"), NULL,
	    LATER_SCORE("expectation") },
	{ "satisfaction", SURVEY, 1, LATEST("satisfaction"), NULL,
	    LATER_SCORE("satisfaction") },
	{ "points", POINTS, 1, BALANCE, "0", "points + n.delta" },
};

#define NSTATS	(int)(sizeof stats / sizeof stats[0])

/*
 * Revenue per order, rounded half up to the minor unit: floor(r / n) and
 * a remainder in [0, n) (SQL's / and % truncate), so nothing in it can
 * overflow (as crm_money_avg).
 */
#define AVG(r, n) \
	"(" r " / " n " - (" r " % " n " < 0) + ((" r " % " n " + " n ") % " \
	    n " * 2 >= " n "))"

/*
 * The metrics: SQL over {statistic}s, as of ?1 (the end of the --asof
 * day).  Day counts are whole calendar days.
 */
static const struct {
	const char	*name;
	const char	*sql;
} metrics[] = {
	/* A purchase dated tomorrow (east of UTC) is 0 days ago. */
	{ "recency", "max(0, ?1 / 86400 - {last_purchase} / 86400)" },
	{ "frequency", "{days}" },
	{ "monetary", "{revenue}" },
	{ "orders", "{orders}" },
	{ "aov", "(CASE WHEN {orders} > 0 THEN " AVG("{revenue}", "{orders}")
	    " END)" },
	{ "tenure", "(?1 / 86400 - {first_purchase} / 86400)" },
	{ "first_purchase", "{first_purchase}" },
	{ "last_purchase", "{last_purchase}" },
	{ "last_contact", "{last_contact}" },
	{ "last_online", "{last_online}" },
	{ "last_visit", "{last_visit}" },
	{ "last_inbound", "{last_inbound}" },
	{ "open_tickets", "{open_tickets}" },
	{ "open_complaints", "{open_complaints}" },
	{ "csat", "{csat}" },
	{ "nps", "{nps}" },
	{ "expectation", "{expectation}" },
	{ "satisfaction", "{satisfaction}" },
	{ "points", "{points}" },
	/* P(alive) by the newest stored fit of a churn model. */
	{ "p_alive", "(SELECT crm_palive(f.model, f.p1, f.p2, f.p3, f.p4, "
	    "{days} - 1, ({last_purchase} / 86400 - {first_purchase} / 86400) "
	    "* 1.0 / f.scale, (?1 / 86400 - {first_purchase} / 86400) * 1.0 / "
	    "f.scale) FROM fit AS f WHERE f.model != 'gg' ORDER BY f.id DESC "
	    "LIMIT 1)" },
};

#define NMETRICS	(int)(sizeof metrics / sizeof metrics[0])

static int
statno(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NSTATS; i++)
		if (strlen(stats[i].name) == len &&
		    strncmp(stats[i].name, name, len) == 0)
			return i;
	return -1;
}

static int
metricno(const char *name)
{
	int i;

	for (i = 0; i < NMETRICS; i++)
		if (strcmp(metrics[i].name, name) == 0)
			return i;
	return -1;
}

/* A statistic's value over its source's rows (in a SELECT over them). */
static void
value(struct crm_sql *q, const struct stat *s)
{
	if (s->none != NULL)
		crm_sql_add(q, "coalesce(%s, %s)", s->agg, s->none);
	else
		crm_sql_add(q, "%s", s->agg);
}

/* The rows of source i up to ?1 where cond holds (SQL over table). */
static void
rows(struct crm_sql *q, int i, const char *cond)
{
	const struct src *r = &srcs[i];

	crm_sql_add(q, "(SELECT *%s%s FROM %s WHERE %s <= ?1 AND %s) AS r",
	    r->window != NULL ? ", " : "", r->window != NULL ? r->window : "",
	    r->table, r->time, cond);
}

/* The statistics metric m reads, a bit each; *src, their sources. */
static unsigned long
uses(int m, unsigned *src)
{
	const char *p, *e;
	unsigned long bits = 0;
	int k;

	*src = 0;
	for (p = metrics[m].sql; (p = strchr(p, '{')) != NULL; p = e + 1) {
		e = strchr(p, '}');
		k = statno(p + 1, (size_t)(e - p - 1));
		bits |= 1UL << k;
		*src |= 1U << stats[k].src;
	}
	return bits;
}

/* The SQL of metric m, each {statistic} written by put. */
static void
expand(struct crm_sql *q, int m, void (*put)(struct crm_sql *, int))
{
	const char *p = metrics[m].sql, *b, *e;

	while ((b = strchr(p, '{')) != NULL) {
		e = strchr(b, '}');
		crm_sql_add(q, "%.*s", (int)(b - p), p);
		put(q, statno(b + 1, (size_t)(e - b - 1)));
		p = e + 1;
	}
	crm_sql_add(q, "%s", p);
}

/* Stored: the column of s; an unstored one from b<source>. */
static void
put_stored(struct crm_sql *q, int k)
{
	if (!stats[k].stored)
		crm_sql_add(q, "b%d.%s", stats[k].src, stats[k].name);
	else if (stats[k].none != NULL)
		crm_sql_add(q, "coalesce(s.%s, %s)", stats[k].name,
		    stats[k].none);
	else
		crm_sql_add(q, "s.%s", stats[k].name);
}

/* From history: the statistic of b<source> (derived tables below). */
static void
put_hist(struct crm_sql *q, int k)
{
	crm_sql_add(q, "b%d.%s", stats[k].src, stats[k].name);
}

/*
 * Derived tables b<source>, one row each: the statistics in bits of the
 * customer key, from history up to ?1; all of them, or only the unstored.
 */
static void
derived(struct crm_sql *q, unsigned long bits, const char *key, int all)
{
	int i, k, n = 0, first;
	char cond[128];

	snprintf(cond, sizeof cond, "customer = %s", key);
	for (i = 0; i < NSRC; i++) {
		first = 1;
		for (k = 0; k < NSTATS; k++) {
			if (!(bits & (1UL << k)) || stats[k].src != i ||
			    (!all && stats[k].stored))
				continue;
			crm_sql_add(q, "%s", first ? (n++ ? ", (SELECT " :
			    " FROM (SELECT ") : ", ");
			value(q, &stats[k]);
			crm_sql_add(q, " AS %s", stats[k].name);
			first = 0;
		}
		if (!first) {
			crm_sql_add(q, " FROM ");
			rows(q, i, cond);
			crm_sql_add(q, ") AS b%d", i);
		}
	}
}

int
crm_metric_sql(struct crm_sql *q, const char *name, const char *key)
{
	unsigned long bits, need;
	unsigned src;
	int m, k;

	if ((m = metricno(name)) < 0)
		return -1;
	bits = uses(m, &src);
	for (need = 0, k = 0; k < NSTATS; k++)
		if ((bits & (1UL << k)) && (q->hist || !stats[k].stored))
			need |= 1UL << k;
	if (need == 0) {
		crm_sql_add(q, "(");
		expand(q, m, put_stored);
		crm_sql_add(q, ")");
		return 0;
	}
	/* One pass over each source's rows, however often m names them. */
	crm_sql_add(q, "(SELECT ");
	expand(q, m, q->hist ? put_hist : put_stored);
	derived(q, need, key, q->hist);
	crm_sql_add(q, ")");
	return 0;
}

const char *
crm_metric_name(int i)
{
	return i >= 0 && i < NMETRICS ? metrics[i].name : NULL;
}

int
crm_metric_stored(const char *names)
{
	char buf[256], *p, *tok;
	unsigned long bits = 0;
	unsigned src;
	int m, k;

	if (strlen(names) >= sizeof buf)
		return 0;
	snprintf(buf, sizeof buf, "%s", names);
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		if ((m = metricno(tok)) < 0)
			return 0;
		bits |= uses(m, &src);
	}
	for (k = 0; k < NSTATS; k++)
		if ((bits & (1UL << k)) && !stats[k].stored)
			return 0;
	return 1;
}

int
crm_metric_rows(struct crm_sql *q, const char *names, int64_t since,
    const char *cond)
{
	char buf[256], *p, *tok, where[512];
	unsigned long bits = 0;
	unsigned src, all = 0;
	int m, k, i = -1;

	if (strlen(names) >= sizeof buf)
		return -1;
	snprintf(buf, sizeof buf, "%s", names);
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		if ((m = metricno(tok)) < 0)
			return -1;
		bits |= uses(m, &src);
		all |= src;
	}
	for (k = 0; k < NSRC; k++)
		if (all & (1U << k))
			i = i < 0 ? k : -2;
	/* One kind of history: one customer a row, however it is read. */
	if (i < 0)
		return -1;
	if (!q->hist && since == INT64_MIN && crm_metric_stored(names)) {
		crm_sql_add(q, "SELECT s.customer AS customer");
		snprintf(buf, sizeof buf, "%s", names);
		for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
			crm_sql_add(q, ", (");
			expand(q, metricno(tok), put_stored);
			crm_sql_add(q, ") AS %s", tok);
		}
		crm_sql_add(q, " FROM stats AS s WHERE %s%s",
		    srcs[i].present != NULL ? srcs[i].present : "1",
		    cond != NULL ? cond : "");
		return 0;
	}
	crm_sql_add(q, "SELECT b%d.customer AS customer", i);
	snprintf(buf, sizeof buf, "%s", names);
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		crm_sql_add(q, ", (");
		expand(q, metricno(tok), put_hist);
		crm_sql_add(q, ") AS %s", tok);
	}
	crm_sql_add(q, " FROM (SELECT customer");
	for (k = 0; k < NSTATS; k++)
		if (bits & (1UL << k)) {
			crm_sql_add(q, ", ");
			value(q, &stats[k]);
			crm_sql_add(q, " AS %s", stats[k].name);
		}
	crm_sql_add(q, " FROM ");
	if (since == INT64_MIN)
		snprintf(where, sizeof where, "1%s", cond != NULL ? cond : "");
	else
		snprintf(where, sizeof where, "%s > %lld%s", srcs[i].time,
		    (long long)since, cond != NULL ? cond : "");
	rows(q, i, where);
	crm_sql_add(q, " GROUP BY customer) AS b%d", i);
	return 0;
}

void
crm_metric_refresh(struct crm_sql *q)
{
	int i, k;

	crm_sql_add(q, "INSERT OR REPLACE INTO stats (customer");
	for (k = 0; k < NSTATS; k++)
		if (stats[k].stored)
			crm_sql_add(q, ", %s", stats[k].name);
	crm_sql_add(q, ", newest) SELECT t.customer");
	for (k = 0; k < NSTATS; k++) {
		if (!stats[k].stored)
			continue;
		if (stats[k].none != NULL)
			crm_sql_add(q, ", coalesce(b%d.%s, %s)", stats[k].src,
			    stats[k].name, stats[k].none);
		else
			crm_sql_add(q, ", b%d.%s", stats[k].src, stats[k].name);
	}
	crm_sql_add(q, ", nullif(max(");
	for (i = 0; i < NSRC; i++)
		crm_sql_add(q, "%scoalesce(b%d.newest, 0)", i ? ", " : "", i);
	crm_sql_add(q, "), 0) FROM temp.touched AS t");
	for (i = 0; i < NSRC; i++) {
		crm_sql_add(q, " LEFT JOIN (SELECT customer");
		for (k = 0; k < NSTATS; k++)
			if (stats[k].stored && stats[k].src == i)
				crm_sql_add(q, ", %s AS %s", stats[k].agg,
				    stats[k].name);
		crm_sql_add(q, ", %s AS newest FROM ", srcs[i].newest);
		rows(q, i, "customer IN (SELECT customer FROM temp.touched)");
		crm_sql_add(q, " GROUP BY customer) AS b%d ON b%d.customer = "
		    "t.customer", i, i);
	}
	/* A customer deleted in this command has no statistics left. */
	crm_sql_add(q, " WHERE t.customer IN (SELECT id FROM customer)");
}

void
crm_metric_ensure(struct crm_sql *q)
{
	int k;

	crm_sql_add(q, "INSERT OR IGNORE INTO stats (customer");
	for (k = 0; k < NSTATS; k++)
		if (stats[k].stored && stats[k].none != NULL)
			crm_sql_add(q, ", %s", stats[k].name);
	crm_sql_add(q, ") VALUES (?1");
	for (k = 0; k < NSTATS; k++)
		if (stats[k].stored && stats[k].none != NULL)
			crm_sql_add(q, ", %s", stats[k].none);
	crm_sql_add(q, ")");
}

int
crm_metric_incr(struct crm_sql *q, const char *kind)
{
	const struct src *r;
	int i, k;

	for (i = 0; i < NSRC; i++)
		if (strcmp(srcs[i].table, kind) == 0)
			break;
	if (i == NSRC)
		return 0;
	r = &srcs[i];
	crm_sql_add(q, "UPDATE stats SET ");
	for (k = 0; k < NSTATS; k++)
		if (stats[k].stored && stats[k].src == i &&
		    stats[k].incr != NULL)
			crm_sql_add(q, "%s = %s, ", stats[k].name,
			    stats[k].incr);
	crm_sql_add(q, "newest = max(coalesce(newest, %s), %s) FROM (SELECT * "
	    "FROM %s WHERE id = ?1) AS n WHERE stats.customer = n.customer%s%s",
	    r->nnewest, r->nnewest, r->table, r->incr_when != NULL ?
	    " AND " : "", r->incr_when != NULL ? r->incr_when : "");
	return 1;
}

const char *
crm_metric_stat(int i, int *stored)
{
	if (i < 0 || i >= NSTATS)
		return NULL;
	*stored = stats[i].stored;
	return stats[i].name;
}

int
crm_metric_incr_after(struct crm_sql *q, const char *kind)
{
	if (strcmp(kind, "points") != 0)
		return 0;
	/* The balance's update, with n the new records of each customer. */
	crm_sql_add(q, "UPDATE stats SET points = %s, newest = max(coalesce("
	    "newest, n.ts), n.ts) FROM (SELECT customer, " BALANCE " AS "
	    "delta, max(ts) AS ts FROM points WHERE id > ?1 GROUP BY "
	    "customer) AS n WHERE stats.customer = n.customer",
	    stats[statno("points", 6)].incr);
	return 1;
}

void
crm_metric_open_ticket(struct crm_sql *q, const char *id)
{
	/* The rule of open_tickets, one ticket at a time. */
	crm_sql_add(q, "%s IN (SELECT id FROM ticket WHERE opened <= ?1 AND "
	    OPEN("", "?1") ")", id);
}

int
crm_metric_scores(struct crm_sql *q, const char *names)
{
	char buf[128], cond[256], *p, *tok;
	unsigned src;
	size_t len;
	int m;

	if (strlen(names) >= sizeof buf)
		return -1;
	snprintf(buf, sizeof buf, "%s", names);
	len = (size_t)snprintf(cond, sizeof cond, "kind IN (");
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		/* A survey's metric: the latest score of the kind it names. */
		if ((m = metricno(tok)) < 0)
			return -1;
		(void)uses(m, &src);
		if (src != 1U << SURVEY || len + strlen(tok) + 5 >= sizeof cond)
			return -1;
		len += (size_t)snprintf(cond + len, sizeof cond - len, "%s'%s'",
		    tok == buf ? "" : ", ", tok);
	}
	snprintf(cond + len, sizeof cond - len, ")");
	crm_sql_add(q, "SELECT customer, kind, max(score) FILTER (WHERE "
	    "latest = 1) AS score, max(score) FILTER (WHERE latest = 2) AS "
	    "prev FROM ");
	rows(q, SURVEY, cond);
	crm_sql_add(q, " GROUP BY customer, kind");
	return 0;
}
