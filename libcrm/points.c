/*
 * points.c: the loyalty points ledger (crm-points(1)).  Purchases earn
 * points at a rate, once each; a customer's ledger, oldest first, holds
 * lots that are spent oldest first, and what is left of a lot when its
 * period (points.expiry) ends expires; an expiry is written off dated
 * that day.  Grants and redemptions are points records (crm-add points);
 * kind.c's guard keeps every balance at or above zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

/* What an expiry's reason starts with. */
#define EXPIRED	"expired"

void
crm_ledger_init(struct crm_ledger *l, const struct crm_dur *period,
    int64_t now)
{
	memset(l, 0, sizeof *l);
	l->period = *period;
	l->now = now;
}

int
crm_ledger_open(struct crm_store *st, struct crm_ledger *l)
{
	struct crm_dur period;
	const char *why;
	char buf[64];
	int rc;

	memset(l, 0, sizeof *l);
	if ((rc = crm_setting_get(st, "points.expiry", buf, sizeof buf)) !=
	    CRM_EX_OK)
		return rc;
	if (crm_dur_parse(buf, &period, &why) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "points.expiry: \"%s\" "
		    "%s", buf, why);
	crm_ledger_init(l, &period, crm_store_cli(st)->now);
	return CRM_EX_OK;
}

void
crm_ledger_reset(struct crm_ledger *l)
{
	l->head = l->n = l->ndue = 0;
	l->earned = l->redeemed = l->expired = l->balance = 0;
}

void
crm_ledger_clear(struct crm_ledger *l)
{
	free(l->lot);
	free(l->due);
	l->lot = l->due = NULL;
	l->cap = l->capdue = 0;
	crm_ledger_reset(l);
}

int
crm_ledger_new(struct crm_store *st, struct crm_ledger **l)
{
	int rc;

	if ((*l = calloc(1, sizeof **l)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if ((rc = crm_ledger_open(st, *l)) != CRM_EX_OK) {
		free(*l);
		*l = NULL;
	}
	return rc;
}

void
crm_ledger_free(struct crm_ledger *l)
{
	if (l == NULL)
		return;
	crm_ledger_clear(l);
	free(l);
}

void
crm_ledger_sum(const struct crm_ledger *l, struct crm_points_sum *sum)
{
	sum->earned = l->earned;
	sum->redeemed = l->redeemed;
	sum->expired = l->expired;
	sum->balance = l->balance;
}

/* Append a lot (earned at ts, pts left) to *v. */
static int
lot_push(struct crm_lot **v, size_t *n, size_t *cap, int64_t ts, int64_t pts)
{
	int rc;

	if ((rc = crm_grow(v, cap, *n, sizeof **v)) != CRM_EX_OK)
		return rc;
	(*v)[*n].ts = ts;
	(*v)[(*n)++].left = pts;
	return CRM_EX_OK;
}

/* Lots whose period ended before t (or at t, with at) expire. */
static int
lapse(struct crm_ledger *l, int64_t t, int at)
{
	struct crm_lot *k;
	int64_t end;
	int rc;

	for (; l->head < l->n; l->head++) {
		k = &l->lot[l->head];
		end = crm_dur_after(&l->period, k->ts);
		if (end > t || (end == t && !at))
			break;
		if (k->left > 0 && (rc = lot_push(&l->due, &l->ndue,
		    &l->capdue, k->ts, k->left)) != CRM_EX_OK)
			return rc;
		l->balance -= k->left;
		l->expired += k->left;
		k->left = 0;
	}
	return CRM_EX_OK;
}

/*
 * Spending (or an expiry written before) takes the oldest lots.  When the
 * lots left cannot cover it, the points were spent before an expiry found
 * now was written: that expiry shrinks, newest first, so the ledger never
 * goes below zero.
 */
static void
spend(struct crm_ledger *l, int64_t pts, int isexpiry)
{
	struct crm_lot *d;
	int64_t take;

	l->balance -= pts;
	if (isexpiry)
		l->expired += pts;
	else
		l->redeemed += pts;
	while (pts > 0 && l->head < l->n) {
		take = pts < l->lot[l->head].left ? pts : l->lot[l->head].left;
		l->lot[l->head].left -= take;
		pts -= take;
		if (l->lot[l->head].left == 0)
			l->head++;
	}
	while (pts > 0 && l->ndue > 0) {
		d = &l->due[l->ndue - 1];
		take = pts < d->left ? pts : d->left;
		d->left -= take;
		l->expired -= take;
		l->balance += take;
		pts -= take;
		if (d->left == 0)
			l->ndue--;
	}
}

int
crm_ledger_entry(struct crm_ledger *l, int64_t ts, int64_t delta,
    int isexpiry)
{
	int rc;

	if ((rc = lapse(l, ts, 0)) != CRM_EX_OK)
		return rc;
	if (delta > 0) {
		l->earned += delta;
		l->balance += delta;
		return lot_push(&l->lot, &l->n, &l->cap, ts, delta);
	}
	spend(l, -delta, isexpiry);
	return CRM_EX_OK;
}

int
crm_ledger_end(struct crm_ledger *l)
{
	return lapse(l, l->now, 1);
}

int64_t
crm_ledger_expiring(const struct crm_ledger *l, int64_t *amount)
{
	int64_t end = 0;
	size_t i;

	*amount = 0;
	for (i = l->head; i < l->n; i++) {
		if (l->lot[i].left == 0)
			continue;
		if (end == 0)
			end = crm_dur_after(&l->period, l->lot[i].ts);
		if (crm_day_of(crm_dur_after(&l->period, l->lot[i].ts)) !=
		    crm_day_of(end))
			break;
		*amount += l->lot[i].left;
	}
	return end;
}

int
crm_ledgers(struct crm_store *st, struct crm_ledger *l,
    int (*fn)(struct crm_store *, int64_t, struct crm_ledger *, void *),
    void *arg)
{
	sqlite3_stmt *s = NULL;
	int64_t cur = 0;
	int rc, step, more;

	if ((rc = crm_prepare(st, "SELECT customer, ts, delta, reason LIKE '"
	    EXPIRED ":%' FROM points WHERE ts <= ? ORDER BY customer, ts, id",
	    &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, l->now);
	do {
		more = (step = sqlite3_step(s)) == SQLITE_ROW;
		if (cur != 0 && (!more || sqlite3_column_int64(s, 0) != cur)) {
			if ((rc = crm_ledger_end(l)) != CRM_EX_OK ||
			    (rc = fn(st, cur, l, arg)) != CRM_EX_OK)
				goto out;
			crm_ledger_reset(l);
		}
		if (!more)
			break;
		cur = sqlite3_column_int64(s, 0);
		if ((rc = crm_ledger_entry(l, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2), sqlite3_column_int(s, 3))) !=
		    CRM_EX_OK)
			goto out;
	} while (more);
	rc = step == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, step);
out:
	sqlite3_finalize(s);
	return rc;
}

/*
 * The points balances of the customers whose records have ids above
 * first, kept set-wise (metric.c's update, summed per customer): not a
 * recompute of every statistic.  A customer without statistics yet gets
 * them at commit.
 */
static int
points_stats(struct crm_store *st, int64_t first)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int rc, step;

	crm_metric_incr_after(&q, "points");
	rc = crm_prepare(st, q.buf, &s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, first);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	if (rc != CRM_EX_OK || (rc = crm_prepare(st, "SELECT DISTINCT "
	    "customer FROM points WHERE id > ? AND customer NOT IN (SELECT "
	    "customer FROM stats)", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, first);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = crm_stats_touch(st, sqlite3_column_int64(s, 0))) !=
		    CRM_EX_OK)
			goto out;
	rc = step == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, step);
out:
	sqlite3_finalize(s);
	return rc;
}

int
crm_points_earn(struct crm_store *st, long pts, long units,
    const char *bonus, int64_t *n)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char *dup = NULL, *p, *tok, *colon;
	int64_t scale = 1, first;
	int rc, i;

	*n = 0;
	for (i = 0; i < crm_store_decimals(st); i++)
		scale *= 10;
	if ((dup = strdup(bonus)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	/* Amounts are minor units: points = amount x pts / (units x scale). */
	crm_sql_add(&q, "INSERT INTO points (customer, ts, delta, reason, "
	    "purchase) SELECT customer, ts, e, 'earned by purchase ' || id, id "
	    "FROM (SELECT p.*, p.amount * %ld / %lld + CASE p.product WHEN "
	    "NULL THEN 0", pts, (long long)(units * scale));
	for (p = dup; (tok = strsep(&p, ",")) != NULL;) {
		if ((colon = strchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		crm_sql_add(&q, " WHEN ");
		crm_sql_text(&q, tok);
		crm_sql_add(&q, " THEN %ld", strtol(colon + 1, NULL, 10));
	}
	crm_sql_add(&q, " ELSE 0 END AS e FROM purchase AS p WHERE p.ts <= ?1 "
	    "AND p.amount > 0 AND NOT EXISTS (SELECT 1 FROM points WHERE "
	    "points.purchase = p.id)) WHERE e > 0 ORDER BY id");
	if ((rc = crm_query_int(st, &first, "SELECT coalesce(max(id), 0) FROM "
	    "points", 0)) != CRM_EX_OK ||
	    (rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	if (sqlite3_step(s) != SQLITE_DONE) {
		rc = crm_sqlerr(st, sqlite3_errcode(crm_store_db(st)));
		goto out;
	}
	*n = sqlite3_changes(crm_store_db(st));
	rc = points_stats(st, first);
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	free(dup);
	return rc;
}

struct writeoff {
	sqlite3_stmt	*ins;
	int64_t		 records, points;
};

/* Write the expiries found, each dated when its lot's period ended. */
static int
writeoff(struct crm_store *st, int64_t id, struct crm_ledger *l, void *arg)
{
	struct writeoff *w = arg;
	char reason[64], day[32];
	size_t i;
	int rc;

	for (i = 0; i < l->ndue; i++) {
		if (l->due[i].left == 0)
			continue;
		crm_date_fmt(l->due[i].ts, day, sizeof day);
		snprintf(reason, sizeof reason, EXPIRED ": earned %s", day);
		sqlite3_bind_int64(w->ins, 1, id);
		sqlite3_bind_int64(w->ins, 2, crm_dur_after(&l->period,
		    l->due[i].ts));
		sqlite3_bind_int64(w->ins, 3, -l->due[i].left);
		sqlite3_bind_text(w->ins, 4, reason, -1, SQLITE_TRANSIENT);
		if ((rc = crm_step(st, w->ins)) != CRM_EX_OK)
			return rc;
		w->records++;
		w->points += l->due[i].left;
	}
	return CRM_EX_OK;
}

int
crm_points_expire(struct crm_store *st, int64_t *records, int64_t *points)
{
	struct writeoff w = { NULL, 0, 0 };
	struct crm_ledger l;
	int64_t first;
	int rc;

	*records = *points = 0;
	memset(&l, 0, sizeof l);
	if ((rc = crm_query_int(st, &first, "SELECT coalesce(max(id), 0) FROM "
	    "points", 0)) != CRM_EX_OK ||
	    (rc = crm_ledger_open(st, &l)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "CREATE TEMP TABLE lapsed AS SELECT * FROM "
	    "points WHERE 0")) != CRM_EX_OK)
		goto out;
	/* Written to a side table first, so the scan never sees them. */
	if ((rc = crm_prepare(st, "INSERT INTO temp.lapsed (customer, ts, "
	    "delta, reason) VALUES (?, ?, ?, ?)", &w.ins)) != CRM_EX_OK ||
	    (rc = crm_ledgers(st, &l, writeoff, &w)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "INSERT INTO points (customer, ts, delta, "
	    "reason) SELECT customer, ts, delta, reason FROM temp.lapsed "
	    "ORDER BY customer, ts")) != CRM_EX_OK ||
	    (rc = points_stats(st, first)) != CRM_EX_OK)
		goto out;
	*records = w.records;
	*points = w.points;
out:
	sqlite3_finalize(w.ins);
	crm_ledger_clear(&l);
	return rc;
}
