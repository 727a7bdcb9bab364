/*
 * stats.c: per-customer statistics, kept from history in the same
 * transaction as every write.  Writers mark the customers they touch;
 * crm_store_commit recomputes those set-wise, once per command.
 */
#include <stdio.h>
#include <stdlib.h>

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
    "satisfaction, points, newest) "
    "SELECT t.customer, p.first, p.last, coalesce(p.n, 0), "
    "coalesce(p.orders, 0), coalesce(p.days, 0), coalesce(p.revenue, 0), "
    "k.last, k.online, k.visit, k.inbound, coalesce(tk.open, 0), "
    LATEST("csat") ", " LATEST("nps") ", " LATEST("expectation") ", "
    LATEST("satisfaction") ", coalesce(pt.total, 0), "
    "nullif(max(coalesce(p.last, 0), coalesce(k.last, 0), "
    "coalesce(tk.newest, 0), coalesce(sv.newest, 0), "
    "coalesce(pt.newest, 0)), 0) "
    "FROM temp.touched AS t "
    "LEFT JOIN (SELECT customer, min(ts) AS first, max(ts) AS last, "
    "  count(*) AS n, count(DISTINCT order_ref) + count(*) FILTER (WHERE "
    "  order_ref IS NULL) AS orders, count(DISTINCT ts / 86400) AS days, "
    "  sum(amount) AS revenue FROM purchase WHERE customer IN " TOUCHED
    "  GROUP BY customer) AS p ON p.customer = t.customer "
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
    "WHERE t.customer IN (SELECT id FROM customer);"
    "DELETE FROM temp.touched;";

int
crm_stats_refresh(struct crm_store *st)
{
	return crm_exec(st, refresh);
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
