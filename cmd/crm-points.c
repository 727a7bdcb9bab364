/*
 * crm-points: loyalty points.  `earn` credits the purchases up to --asof
 * by the rate (and per-product bonuses) in config, each purchase once;
 * `expire` writes off what was not spent within points.expiry of being
 * earned, the oldest points being spent first; alone, it lists the
 * balances.  The ledger is libcrm/points.c's; this file has the options
 * and the flow.
 */
#include <stdio.h>
#include <string.h>

#include "crm.h"


enum { OPT_RATE = CRM_OPT_OWN };

/* Points of a purchase: floor(amount x points / units), then a bonus. */
static int
earn(struct crm_cli *cli, const char *rate)
{
	struct crm_store *st = NULL;
	char buf[512], bonus[512], msg[96], c;
	long pts, units;
	int64_t n = 0;
	int rc;

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
	    CRM_EX_OK ||
	    (rc = crm_points_earn(st, pts, units, bonus, &n)) != CRM_EX_OK)
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
	crm_store_close(st);
	return rc;
}

/* Write off what expired by the --asof day, in one transaction. */
static int
expire(struct crm_cli *cli)
{
	struct crm_store *st = NULL;
	int64_t records, points;
	char msg[96];
	int rc;

	/*
	 * A write-off is dated when its lot lapsed, up to --asof: an event,
	 * which cannot lie after the end of tomorrow (crm-add's rule).
	 */
	if (cli->now >= (crm_day_of(cli->clock) + 2) * 86400)
		return crm_err(CRM_EX_DATAERR, NULL, "--asof: points cannot "
		    "expire after the end of tomorrow; their records would be "
		    "dated in the future");
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK ||
	    (rc = crm_points_expire(st, &records, &points)) != CRM_EX_OK)
		goto out;
	snprintf(msg, sizeof msg, "%lld points expired in %lld records",
	    (long long)points, (long long)records);
	if ((rc = crm_audit(st, "points", 0, "expire", msg)) != CRM_EX_OK)
		goto out;
	if (!cli->dryrun && (rc = crm_store_commit(st)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet)
		printf("%lld\t%lld\n", (long long)records, (long long)points);
	rc = records > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	crm_store_close(st);
	return rc;
}

struct listing {
	struct crm_out	*o;
	long		 n;
};

/* One balance line; the lots left give the next expiry. */
static int
line(struct crm_store *st, int64_t id, struct crm_ledger *l, void *arg)
{
	struct listing *ls = arg;
	struct crm_points_sum sum;
	char buf[32];
	int64_t end, amount;

	(void)st;
	crm_ledger_sum(l, &sum);
	if (sum.balance == 0 && sum.earned == 0)
		return CRM_EX_OK;
	ls->n++;
	if (ls->o == NULL)
		return CRM_EX_OK;
	end = crm_ledger_expiring(l, &amount);
	crm_out_num(ls->o, "%.0f", (double)id);
	crm_out_num(ls->o, "%.0f", (double)sum.balance);
	crm_out_num(ls->o, "%.0f", (double)sum.earned);
	crm_out_num(ls->o, "%.0f", (double)sum.redeemed);
	crm_out_num(ls->o, "%.0f", (double)sum.expired);
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
	struct crm_ledger *l = NULL;
	struct listing ls = { NULL, 0 };
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_ledger_new(st, &l)) != CRM_EX_OK)
		goto out;
	/* -q: an output that writes nothing, so -s is still checked. */
	if ((ls.o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 7, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (ls.o != NULL && (rc = crm_out_order(ls.o, cli->sort,
	    cli->limit)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_ledgers(st, l, line, &ls)) == CRM_EX_OK && ls.n == 0)
		rc = CRM_EX_NONE;
out:
	crm_out_free(ls.o);
	crm_ledger_free(l);
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
	static const char *const actions[] = { "earn", "expire" };
	struct crm_cli cli;
	const char *rate = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dnqoHAsl");
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
	if (argc == 1 && strcmp(argv[0], "earn") != 0 &&
	    strcmp(argv[0], "expire") != 0)
		return crm_nosuch(CRM_EX_USAGE, NULL, argv[0], "action",
		    actions, 2);
	if (argc == 1 && (cli.sort != NULL || cli.limit >= 0))
		return crm_usage_err(&cli, "-s and -l: only with the balances");
	if (argc == 1 && strcmp(argv[0], "earn") == 0)
		return crm_cli_end(&cli, earn(&cli, rate));
	if (rate != NULL)
		return crm_usage_err(&cli, "--rate: only with earn");
	if (argc == 1)
		return crm_cli_end(&cli, expire(&cli));
	return crm_cli_end(&cli, balances(&cli));
}
