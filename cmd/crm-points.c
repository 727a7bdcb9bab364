/*
 * crm-points: loyalty points.  `earn` credits the purchases up to --asof
 * by the rate (and per-product bonuses) in config, each purchase once;
 * alone, it lists the balances.  Grants and redemptions are points
 * records (crm-add points); a balance never falls below zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

static const char usage[] =
    "[-Hnq] [-d path] [-o fmt] [--asof date] [earn [--rate points/units]]";

enum { OPT_RATE = CRM_OPT_OWN };

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

	if ((rc = crm_store_open(&st, cli, CRM_WRITE)) != CRM_EX_OK)
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
	sqlite3_finalize(s);
	s = NULL;
	/* The balances of those customers change in this transaction. */
	if ((rc = crm_prepare(st, "SELECT DISTINCT customer FROM points WHERE "
	    "id > ? ORDER BY customer", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, first);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = crm_stats_touch(st, sqlite3_column_int64(s, 0))) !=
		    CRM_EX_OK)
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

/* Balances as of --asof: id, balance, earned, redeemed. */
static int
balances(struct crm_cli *cli)
{
	static const char *const names[] = { "id", "balance", "earned",
	    "redeemed" };
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	long n = 0;
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT customer, sum(delta), sum(max(delta, "
	    "0)), -sum(min(delta, 0)) FROM points WHERE ts <= ? GROUP BY "
	    "customer HAVING sum(delta) != 0 ORDER BY customer", &s)) !=
	    CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, cli->now);
	if (!cli->quiet && (o = crm_out_new(stdout, cli->fmt, cli->header, 4,
	    names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = crm_out_rows(st, o, s, "nnnn", &n)) == CRM_EX_OK && n == 0)
		rc = CRM_EX_NONE;
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_store_close(st);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "rate", required_argument, NULL, OPT_RATE },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_cli cli;
	const char *rate = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, usage, "dnqoHA");
	while ((c = crm_cli_next(&cli, "", lopts)) != -1) {
		switch (c) {
		case OPT_RATE:
			rate = optarg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc == 1 && strcmp(argv[0], "earn") == 0)
		return crm_cli_end(&cli, earn(&cli, rate));
	if (argc > 0 || rate != NULL)
		return crm_usage(&cli);
	return crm_cli_end(&cli, balances(&cli));
}
