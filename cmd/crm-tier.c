/* crm-tier: assign tiers by a scheme (libcrm/scheme.c lists them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_WINDOW = CRM_OPT_OWN, OPT_CHANGES };

static int
tier(struct crm_cli *cli, const char *name, const char *window, int changes)
{
	static const char *const cols[] = { "id", "tier", "score" };
	static const char *const moves[] = { "id", "from", "to" };
	const struct crm_scheme *sch;
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	struct crm_dur dur;
	const char *why;
	int64_t run, since = INT64_MIN;
	long n, shown = 0;
	char types[] = "nss";
	int rc;

	if ((rc = crm_scheme_get(NULL, name, &sch)) != CRM_EX_OK)
		return rc;
	if (window != NULL) {
		if (crm_dur_parse(window, &dur, &why) != 0)
			return crm_err(CRM_EX_USAGE, NULL, "--window: \"%s\" "
			    "%s", window, why);
		if (!sch->window)
			return crm_err(CRM_EX_USAGE, NULL, "--window: the %s "
			    "scheme counts no window", name);
	}
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK)
		goto out;
	/* From now as the store has it: its today, when it pins one. */
	if (window != NULL)
		since = cli->now - crm_dur_secs(&dur);
	if ((rc = crm_tier_assign(st, sch, since, !cli->dryrun, &run,
	    &n)) != CRM_EX_OK)
		goto out;
	/* --changes: only the moves since the scheme's previous run. */
	rc = changes ? crm_prepare(st, "SELECT n.customer, p.tier, n.tier FROM "
	    "temp.tnew AS n JOIN tier AS p ON p.customer = n.customer AND "
	    "p.run = (SELECT max(id) FROM tier_run WHERE scheme = ?1 AND id < "
	    "coalesce(?2, 1e18)) WHERE p.tier != n.tier ORDER BY n.customer",
	    &s) : crm_prepare(st, "SELECT customer, tier, score FROM temp.tnew "
	    "ORDER BY customer", &s);
	if (rc != CRM_EX_OK)
		goto out;
	if (changes) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		if (run > 0)
			sqlite3_bind_int64(s, 2, run);
	}
	/* -q: an output that writes nothing, so -s is still checked. */
	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 3, changes ? moves : cols)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (o != NULL && (rc = crm_out_order(o, cli->sort, cli->limit)) !=
	    CRM_EX_OK)
		goto out;
	/* A score is a number or text, as the scheme says. */
	types[2] = changes ? 's' : sch->score;
	if ((rc = crm_out_rows(st, o, s, types, &shown)) != CRM_EX_OK)
		goto out;
	crm_out_free(o);
	o = NULL;
	if (!cli->dryrun) {
		char msg[96];

		snprintf(msg, sizeof msg, "%s: %ld customers, run %lld", name,
		    n, (long long)run);
		if ((rc = crm_audit(st, "tier", 0, "assign", msg)) !=
		    CRM_EX_OK || (rc = crm_store_commit(st)) != CRM_EX_OK)
			goto out;
	}
	/* Like grep: nothing to show is exit 1. */
	rc = shown > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_WINDOW, "window", CRM_ARG_DURATION, "duration", "for rfm: the "
	    "period the scores count (default: all history)", NULL, 0, 0 },
	{ OPT_CHANGES, "changes", CRM_ARG_NONE, NULL, "print only the "
	    "customers whose tier moved since the previous run", NULL, 0,
	    0 },
	{ 0, "scheme", CRM_ARG_SCHEME, "scheme", "the tier scheme", NULL,
	    0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *window = NULL;
	char wbuf[64];
	int c, changes = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dnqoHAsl");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_WINDOW:
			/* A bare number is days, as in every duration. */
			snprintf(wbuf, sizeof wbuf, "%s%s", cli.arg,
			    cli.arg[strspn(cli.arg, "0123456789")] == '\0' ?
			    "d" : "");
			window = wbuf;
			break;
		case OPT_CHANGES:
			changes = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc != 1)
		return argc == 0 ? crm_usage_err(&cli, "the scheme is "
		    "missing") : crm_usage_err(&cli, "\"%s\": one scheme at "
		    "most", argv[1]);
	return crm_cli_end(&cli, tier(&cli, argv[0], window, changes));
}
