/*
 * stats.c: per-customer statistics, kept from history in the same
 * transaction as every write.  Writers mark the customers they touch;
 * the commit hook (hooks.c) recomputes those set-wise, once per command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

#define TOUCHED	"(SELECT customer FROM temp.touched)"
#define ONLINE	"('phone', 'email', 'chat', 'social')"
#define LATEST(kind) \
	"(SELECT score FROM survey AS h WHERE h.customer = t.customer AND " \
	"h.kind = '" kind "' ORDER BY h.ts DESC, h.id DESC LIMIT 1)"

static const char refresh[] =
    "INSERT OR REPLACE INTO stats (customer, first_purchase, last_purchase, "
    "purchases, orders, days, revenue, last_contact, last_online, "
    "last_visit, last_inbound, open_tickets, csat, nps, expectation, "
    "satisfaction, points, newest, first_day_revenue) "
    "SELECT t.customer, p.first, p.last, coalesce(p.n, 0), "
    "coalesce(p.orders, 0), coalesce(p.days, 0), coalesce(p.revenue, 0), "
    "k.last, k.online, k.visit, k.inbound, coalesce(tk.open, 0), "
    LATEST("csat") ", " LATEST("nps") ", " LATEST("expectation") ", "
    LATEST("satisfaction") ", coalesce(pt.total, 0), "
    "nullif(max(coalesce(p.last, 0), coalesce(k.last, 0), "
    "coalesce(tk.newest, 0), coalesce(sv.newest, 0), "
    "coalesce(pt.newest, 0)), 0), fd.revenue "
    "FROM temp.touched AS t "
    "LEFT JOIN (SELECT customer, min(ts) AS first, max(ts) AS last, "
    "  count(*) AS n, count(DISTINCT order_ref) + count(*) FILTER (WHERE "
    "  order_ref IS NULL) AS orders, count(DISTINCT ts / 86400) AS days, "
    "  sum(amount) AS revenue FROM purchase WHERE customer IN " TOUCHED
    "  GROUP BY customer) AS p ON p.customer = t.customer "
    /*
     * The first purchase day's revenue (ts / 86400, as days; day 0 is
     * two days of seconds wide), its purchases found by the index.
     */
    "LEFT JOIN (SELECT f.customer, sum(q.amount) AS revenue FROM (SELECT "
    "  customer, min(ts) AS first FROM purchase WHERE customer IN "
    TOUCHED " GROUP BY customer) AS f JOIN purchase AS q ON q.customer = "
    "  f.customer AND q.ts >= f.first AND q.ts < f.first + 172800 AND "
    "  q.ts / 86400 = f.first / 86400 GROUP BY f.customer) AS fd "
    "  ON fd.customer = t.customer "
    "LEFT JOIN (SELECT customer, max(ts) AS last, max(ts) FILTER (WHERE "
    "  channel IN " ONLINE ") AS online, max(ts) FILTER (WHERE channel = "
    "  'visit') AS visit, max(ts) FILTER (WHERE direction = 'in') AS "
    "  inbound FROM contact WHERE customer IN " TOUCHED
    "  GROUP BY customer) AS k ON k.customer = t.customer "
    "LEFT JOIN (SELECT customer, count(*) FILTER (WHERE status = 'open') "
    "  AS open, max(max(opened), coalesce(max(first_response), 0), "
    "  coalesce(max(resolved), 0)) AS newest FROM ticket WHERE customer IN "
    TOUCHED " GROUP BY customer) AS tk ON tk.customer = t.customer "
    "LEFT JOIN (SELECT customer, max(ts) AS newest FROM survey WHERE "
    "  customer IN " TOUCHED " GROUP BY customer) AS sv "
    "  ON sv.customer = t.customer "
    "LEFT JOIN (SELECT customer, sum(delta) AS total, max(ts) AS newest "
    "  FROM points WHERE customer IN " TOUCHED " GROUP BY customer) AS pt "
    "  ON pt.customer = t.customer "
    /* A customer deleted in this command has no statistics left. */
    "WHERE t.customer IN (SELECT id FROM customer)";

/*
 * A customer's purchases that add up beyond 64 bits (sum() checks each
 * step): the write is bad input, and names the customer.
 */
static int
overflow(struct crm_store *st)
{
	sqlite3_stmt *s = NULL;
	char max[32];
	int rc;

	crm_money_fmt(INT64_MAX, crm_store_decimals(st), max, sizeof max);
	if ((rc = crm_prepare(st, "SELECT customer FROM purchase WHERE "
	    "customer IN " TOUCHED " GROUP BY customer ORDER BY "
	    "abs(total(amount)) DESC LIMIT 1", &s)) != CRM_EX_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		rc = crm_err(CRM_EX_DATAERR, NULL, "customer %lld: the "
		    "purchases add up beyond the range of money (%s either "
		    "way)", sqlite3_column_int64(s, 0), max);
	else
		rc = crm_err(CRM_EX_DATAERR, NULL, "a customer's totals add "
		    "up beyond the range of 64 bits");
	sqlite3_finalize(s);
	return rc;
}

/*
 * Every report sums revenues of customers: a write that takes all of them
 * together, by magnitude (so any subset in any order fits), past 9.2e18
 * minor units is refused; a store already past it can still shrink.  The
 * exact total is needed only when the largest revenue (stats_revenue
 * index) times the customers could reach it.
 */
#define TOTAL_MAX	9.2e18

static int
total(struct crm_store *st, const char *sql, double *v)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = sqlite3_column_double(s, 0);
		rc = CRM_EX_OK;
	} else
		rc = crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

#define TOUCHED_REVENUE	"SELECT total(abs(revenue)) FROM stats WHERE " \
	"customer IN " TOUCHED
#define LARGEST		"max(abs((SELECT max(revenue) FROM stats)), " \
	"abs((SELECT min(revenue) FROM stats)))"
#define BOUND		"SELECT (SELECT max(customer) FROM stats) * 1.0 * " \
	LARGEST

/* What crm_stats_touch keeps in its store's slot. */
struct touch {
	sqlite3_stmt	*ins;		/* INSERT INTO touched */
	int64_t		 last;		/* the last customer touched */
	int		 touched;
};

int
crm_stats_touch(struct crm_store *st, int64_t customer)
{
	void **slot = crm_store_slot(st, CRM_SLOT_STATS);
	struct touch *t = *slot;
	int rc;

	if (t == NULL) {
		if ((t = calloc(1, sizeof *t)) == NULL)
			return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		*slot = t;
	}
	if (t->ins == NULL) {
		/* Temporary: private to this connection, gone at close. */
		if ((rc = crm_exec(st, "CREATE TEMP TABLE IF NOT EXISTS "
		    "touched (customer INTEGER PRIMARY KEY)")) != CRM_EX_OK ||
		    (rc = crm_prepare(st, "INSERT OR IGNORE INTO temp.touched "
		    "VALUES (?)", &t->ins)) != CRM_EX_OK)
			return rc;
	}
	/* Rows of one customer often come together: mark once. */
	if (customer <= 0 || customer == t->last)
		return CRM_EX_OK;
	t->touched = 1;
	t->last = customer;
	sqlite3_bind_int64(t->ins, 1, customer);
	rc = sqlite3_step(t->ins);
	sqlite3_reset(t->ins);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

int
crm_stats_commit(struct crm_store *st)
{
	struct touch *t = *crm_store_slot(st, CRM_SLOT_STATS);
	int rc;

	/* Statistics change in the transaction of the history they sum. */
	if (t == NULL || !t->touched)
		return CRM_EX_OK;
	if ((rc = crm_stats_refresh(st)) != CRM_EX_OK)
		return rc;
	t->touched = 0;
	t->last = 0;
	return CRM_EX_OK;
}

void
crm_stats_close(struct crm_store *st)
{
	void **slot = crm_store_slot(st, CRM_SLOT_STATS);
	struct touch *t = *slot;

	if (t == NULL)
		return;
	sqlite3_finalize(t->ins);
	free(t);
	*slot = NULL;
}

int
crm_stats_roomy(struct crm_store *st, int64_t amount, int *roomy)
{
	double bound;
	int rc;

	/* All revenues by magnitude, and then the amount, still fit. */
	rc = total(st, BOUND, &bound);
	*roomy = rc == CRM_EX_OK && bound + fabs((double)amount) < TOTAL_MAX;
	return rc;
}

int
crm_stats_refresh(struct crm_store *st)
{
	sqlite3 *db = crm_store_db(st);
	double before, after, bound, all;
	char max[32];
	int rc;

	if ((rc = total(st, TOUCHED_REVENUE, &before)) != CRM_EX_OK)
		return rc;
	if ((rc = sqlite3_exec(db, refresh, NULL, NULL, NULL)) != SQLITE_OK) {
		if (rc == SQLITE_ERROR && strcmp(sqlite3_errmsg(db),
		    "integer overflow") == 0)
			return overflow(st);
		return crm_sqlerr(st, rc);
	}
	if ((rc = total(st, TOUCHED_REVENUE, &after)) != CRM_EX_OK ||
	    (rc = total(st, BOUND, &bound)) != CRM_EX_OK)
		return rc;
	if (after > before && bound >= TOTAL_MAX) {
		if ((rc = total(st, "SELECT total(abs(revenue)) FROM stats",
		    &all)) != CRM_EX_OK)
			return rc;
		if (all >= TOTAL_MAX) {
			crm_money_fmt((int64_t)TOTAL_MAX,
			    crm_store_decimals(st), max, sizeof max);
			return crm_err(CRM_EX_DATAERR, NULL, "the revenues of "
			    "all customers would add up beyond %s either way, "
			    "past what a report can total", max);
		}
	}
	return crm_exec(st, "DELETE FROM temp.touched");
}

int
crm_stats_rebuild(struct crm_store *st)
{
	int rc;

	if ((rc = crm_stats_touch(st, 0)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "DELETE FROM stats; INSERT OR IGNORE INTO "
	    "temp.touched SELECT id FROM customer")) != CRM_EX_OK)
		return rc;
	return crm_stats_refresh(st);
}

int
crm_stats_historic(struct crm_store *st, int *hist)
{
	const struct crm_cli *cli = crm_store_cli(st);
	int64_t v;
	int rc;

	/* Without --asof, everything stored counts. */
	*hist = 0;
	if (!cli->asofset)
		return CRM_EX_OK;
	if ((rc = crm_query_int(st, &v, "SELECT max(newest) > ? FROM stats",
	    1, (int64_t)cli->now)) == CRM_EX_OK)
		*hist = v != 0;
	return rc;
}
