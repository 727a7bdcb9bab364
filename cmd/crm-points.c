/*
 * crm-points: loyalty points.  `earn` credits the purchases up to --asof
 * by the rate (and per-product bonuses) in config, each purchase once;
 * `expire` writes off what was not spent within points.expiry of being
 * earned, the oldest points being spent first; alone, it lists the
 * balances.  Grants and redemptions are points records (crm-add points);
 * a balance never falls below zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


/* What expire writes: the reason starts so. */
#define EXPIRED	"expired"

enum { OPT_RATE = CRM_OPT_OWN };

/*
 * The points balances of the customers whose records have ids above
 * first, kept set-wise: one sum per customer, not a recompute of every
 * statistic.  A customer without statistics yet gets them at commit.
 */
static int
points_stats(struct crm_store *st, int64_t first)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = crm_prepare(st, "UPDATE stats SET points = points + n.d, "
	    "newest = max(coalesce(newest, n.ts), n.ts) FROM (SELECT customer, "
	    "sum(delta) AS d, max(ts) AS ts FROM points WHERE id > ? GROUP BY "
	    "customer) AS n WHERE stats.customer = n.customer", &s)) !=
	    CRM_EX_OK)
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

/* Points of a purchase: floor(amount x points / units), then a bonus. */
static int
earn(struct crm_cli *cli, const char *rate)
{
	struct crm_store *st = NULL;
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char buf[512], bonus[512], msg[96], *p, *tok, *colon, c;
	long pts, units;
	int64_t scale = 1, first, n = 0;
	int rc, i;

	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK)
		goto out;
	if (rate == NULL) {
		if ((rc = crm_setting_get(st, "points.rate", buf,
		    sizeof buf)) != CRM_EX_OK)
			goto out;
		rate = buf;
	}
	if (sscanf(rate, "%ld/%ld%c", &pts, &units, &c) != 2 || pts <= 0 ||
	    units <= 0) {
		rc = crm_err(CRM_EX_USAGE, NULL, "--rate: \"%s\" is not points/"
		    "units, like 1/10", rate);
		goto out;
	}
	if ((rc = crm_setting_get(st, "points.bonus", bonus, sizeof bonus)) !=
	    CRM_EX_OK)
		goto out;
	for (i = 0; i < crm_store_decimals(st); i++)
		scale *= 10;
	/* Amounts are minor units: points = amount x pts / (units x scale). */
	crm_sql_add(&q, "INSERT INTO points (customer, ts, delta, reason, "
	    "purchase) SELECT customer, ts, e, 'earned by purchase ' || id, id "
	    "FROM (SELECT p.*, p.amount * %ld / %lld + CASE p.product WHEN "
	    "NULL THEN 0", pts, (long long)(units * scale));
	for (p = bonus; (tok = strsep(&p, ",")) != NULL;) {
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
	    "points", 0)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	if (sqlite3_step(s) != SQLITE_DONE) {
		rc = crm_sqlerr(st, sqlite3_errcode(crm_store_db(st)));
		goto out;
	}
	n = sqlite3_changes(crm_store_db(st));
	if ((rc = points_stats(st, first)) != CRM_EX_OK)
		goto out;
	snprintf(msg, sizeof msg, "%lld purchases earned points at %ld/%ld",
	    (long long)n, pts, units);
	if ((rc = crm_audit(st, "points", 0, "earn", msg)) != CRM_EX_OK)
		goto out;
	if (!cli->dryrun && (rc = crm_store_commit(st)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet)
		printf("%lld\n", (long long)n);
	rc = n > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	crm_store_close(st);
	return rc;
}

/*
 * One customer's ledger, oldest first: earned points are lots, spent
 * oldest first; what of a lot is left when its period ends expires.
 */
struct lot {
	int64_t	ts, left;
};

struct ledger {
	struct crm_dur	 period;
	int64_t		 now;
	struct lot	*lot;
	size_t		 head, n, cap;
	/* expiries found, not written yet: the lots, with what lapsed */
	struct lot	*due;
	size_t		 ndue, capdue;
	int64_t		 earned, redeemed, expired, balance;
};

static void
ledger_reset(struct ledger *l)
{
	l->head = l->n = l->ndue = 0;
	l->earned = l->redeemed = l->expired = l->balance = 0;
}

/* Append a lot (earned at ts, pts left) to *v. */
static int
lot_push(struct lot **v, size_t *n, size_t *cap, int64_t ts, int64_t pts)
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
lapse(struct ledger *l, int64_t t, int at)
{
	struct lot *k;
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
spend(struct ledger *l, int64_t pts, int isexpiry)
{
	struct lot *d;
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

/* Apply one ledger row. */
static int
entry(struct ledger *l, int64_t ts, int64_t delta, int isexpiry)
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

/*
 * Walk every ledger up to --asof, customer by customer; fn sees each
 * customer's ledger once complete, with the expiries up to the day.
 */
static int
ledgers(struct crm_store *st, struct ledger *l,
    int (*fn)(struct crm_store *, int64_t, struct ledger *, void *),
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
			if ((rc = lapse(l, l->now, 1)) != CRM_EX_OK ||
			    (rc = fn(st, cur, l, arg)) != CRM_EX_OK)
				goto out;
			ledger_reset(l);
		}
		if (!more)
			break;
		cur = sqlite3_column_int64(s, 0);
		if ((rc = entry(l, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2), sqlite3_column_int(s, 3))) !=
		    CRM_EX_OK)
			goto out;
	} while (more);
	rc = step == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, step);
out:
	sqlite3_finalize(s);
	return rc;
}

static int
ledger_open(struct crm_store *st, struct ledger *l)
{
	char buf[64];
	const char *why;
	int rc;

	l->now = crm_store_cli(st)->now;
	if ((rc = crm_setting_get(st, "points.expiry", buf, sizeof buf)) !=
	    CRM_EX_OK)
		return rc;
	if (crm_dur_parse(buf, &l->period, &why) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "points.expiry: \"%s\" "
		    "%s", buf, why);
	return CRM_EX_OK;
}

static void
ledger_free(struct ledger *l)
{
	free(l->lot);
	free(l->due);
}

struct writeoff {
	sqlite3_stmt	*ins;
	int64_t		 records, points;
};

/* Write the expiries found, each dated when its lot's period ended. */
static int
writeoff(struct crm_store *st, int64_t id, struct ledger *l, void *arg)
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

/* Write off what expired by the --asof day, in one transaction. */
static int
expire(struct crm_cli *cli)
{
	struct crm_store *st = NULL;
	struct ledger l;
	struct writeoff w = { NULL, 0, 0 };
	char msg[96];
	int64_t first;
	int rc;

	memset(&l, 0, sizeof l);
	/*
	 * A write-off is dated when its lot lapsed, up to --asof: an event,
	 * which cannot lie after the end of tomorrow (crm-add's rule).
	 */
	if (cli->now >= (crm_day_of(cli->clock) + 2) * 86400)
		return crm_err(CRM_EX_DATAERR, NULL, "--asof: points cannot "
		    "expire after the end of tomorrow; their records would be "
		    "dated in the future");
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK ||
	    (rc = crm_query_int(st, &first, "SELECT coalesce(max(id), 0) FROM "
	    "points", 0)) != CRM_EX_OK ||
	    (rc = ledger_open(st, &l)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "CREATE TEMP TABLE lapsed AS SELECT * FROM "
	    "points WHERE 0")) != CRM_EX_OK)
		goto out;
	/* Written to a side table first, so the scan never sees them. */
	if ((rc = crm_prepare(st, "INSERT INTO temp.lapsed (customer, ts, "
	    "delta, reason) VALUES (?, ?, ?, ?)", &w.ins)) != CRM_EX_OK ||
	    (rc = ledgers(st, &l, writeoff, &w)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "INSERT INTO points (customer, ts, delta, "
	    "reason) SELECT customer, ts, delta, reason FROM temp.lapsed "
	    "ORDER BY customer, ts")) != CRM_EX_OK ||
	    (rc = points_stats(st, first)) != CRM_EX_OK)
		goto out;
	snprintf(msg, sizeof msg, "%lld points expired in %lld records",
	    (long long)w.points, (long long)w.records);
	if ((rc = crm_audit(st, "points", 0, "expire", msg)) != CRM_EX_OK)
		goto out;
	if (!cli->dryrun && (rc = crm_store_commit(st)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet)
		printf("%lld\t%lld\n", (long long)w.records,
		    (long long)w.points);
	rc = w.records > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	sqlite3_finalize(w.ins);
	ledger_free(&l);
	crm_store_close(st);
	return rc;
}

struct listing {
	struct crm_out	*o;
	long		 n;
};

/* One balance line; the lots left give the next expiry. */
static int
line(struct crm_store *st, int64_t id, struct ledger *l, void *arg)
{
	struct listing *ls = arg;
	char buf[32];
	int64_t end = 0, amount = 0;
	size_t i;

	(void)st;
	if (l->balance == 0 && l->earned == 0)
		return CRM_EX_OK;
	ls->n++;
	if (ls->o == NULL)
		return CRM_EX_OK;
	for (i = l->head; i < l->n; i++) {
		if (l->lot[i].left == 0)
			continue;
		if (end == 0)
			end = crm_dur_after(&l->period, l->lot[i].ts);
		if (crm_day_of(crm_dur_after(&l->period, l->lot[i].ts)) !=
		    crm_day_of(end))
			break;
		amount += l->lot[i].left;
	}
	crm_out_num(ls->o, "%.0f", (double)id);
	crm_out_num(ls->o, "%.0f", (double)l->balance);
	crm_out_num(ls->o, "%.0f", (double)l->earned);
	crm_out_num(ls->o, "%.0f", (double)l->redeemed);
	crm_out_num(ls->o, "%.0f", (double)l->expired);
	if (end != 0) {
		crm_date_fmt(end, buf, sizeof buf);
		crm_out_cell(ls->o, CRM_V_STR, buf);
		crm_out_num(ls->o, "%.0f", (double)amount);
	} else {
		crm_out_cell(ls->o, CRM_V_NULL, NULL);
		crm_out_cell(ls->o, CRM_V_NULL, NULL);
	}
	crm_out_endrow(ls->o);
	return CRM_EX_OK;
}

/*
 * Balances as of --asof: id, balance, earned, redeemed, expired, and the
 * day the oldest points left expire with how many.  Points past their
 * period count as expired whether or not `expire` has written them off.
 */
static int
balances(struct crm_cli *cli)
{
	static const char *const names[] = { "id", "balance", "earned",
	    "redeemed", "expired", "expires", "expiring" };
	struct crm_store *st = NULL;
	struct ledger l;
	struct listing ls = { NULL, 0 };
	int rc;

	memset(&l, 0, sizeof l);
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = ledger_open(st, &l)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet && (ls.o = crm_out_new(stdout, cli->fmt, cli->header,
	    7, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = ledgers(st, &l, line, &ls)) == CRM_EX_OK && ls.n == 0)
		rc = CRM_EX_NONE;
out:
	crm_out_free(ls.o);
	ledger_free(&l);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_RATE, "rate", CRM_ARG_TEXT, "points/units", "with earn: points "
	    "per currency units, like 1/10", NULL, 0, 0 },
	{ 0, "action", CRM_ARG_ENUM, "[earn | expire]", "earn points for "
	    "purchases, or expire them (none: print balances)",
	    "earn,expire", 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *rate = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dnqoHA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_RATE:
			rate = cli.arg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc > 1)
		return crm_usage_err(&cli, "\"%s\": one action at most",
		    argv[1]);
	if (argc == 1 && strcmp(argv[0], "earn") == 0)
		return crm_cli_end(&cli, earn(&cli, rate));
	if (argc == 1 && strcmp(argv[0], "expire") != 0)
		return crm_usage_err(&cli, "\"%s\": neither earn nor expire",
		    argv[0]);
	if (rate != NULL)
		return crm_usage_err(&cli, "--rate: only with earn");
	if (argc == 1)
		return crm_cli_end(&cli, expire(&cli));
	return crm_cli_end(&cli, balances(&cli));
}
