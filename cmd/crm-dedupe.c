/* crm-dedupe: likely duplicate customers; merge them, or undo a merge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"


enum { OPT_MERGE = CRM_OPT_OWN, OPT_UNDO, OPT_ALLOW };

static int
pair(void *arg, int64_t a, int64_t b, double score, const char *why)
{
	struct crm_out *o = arg;
	char x[32], y[32], s[32];

	if (o == NULL)
		return CRM_EX_OK;
	snprintf(x, sizeof x, "%lld", (long long)a);
	snprintf(y, sizeof y, "%lld", (long long)b);
	snprintf(s, sizeof s, "%.2f", score);
	crm_out_cell(o, CRM_V_NUM, x);
	crm_out_cell(o, CRM_V_NUM, y);
	crm_out_cell(o, CRM_V_NUM, s);
	crm_out_cell(o, CRM_V_STR, why);
	crm_out_endrow(o);
	return CRM_EX_OK;
}

static int
list(struct crm_cli *cli)
{
	static const char *const names[] = { "id", "other", "score",
	    "reason" };
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	long n = 0;
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	/* -q: an output that writes nothing, so -s is still checked. */
	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 4, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (o != NULL && (rc = crm_out_order(o, cli->sort, cli->limit)) !=
	    CRM_EX_OK)
		goto out;
	if ((rc = crm_dedupe_pairs(st, pair, o, &n)) == CRM_EX_OK && n == 0)
		rc = CRM_EX_NONE;
out:
	crm_out_free(o);
	crm_store_close(st);
	return rc;
}

static int
merge(struct crm_cli *cli, const char *keep, int argc, char **argv)
{
	struct crm_store *st = NULL;
	struct crm_ids ids = { 0 };
	int64_t k, m = 0;
	int rc;

	if (crm_id_parse(keep, &k) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "\"%s\" is not a record "
		    "id", keep);
	if ((rc = crm_ids_read(&ids, argc, argv)) != CRM_EX_OK)
		goto out;
	if (ids.n == 0) {
		rc = crm_usage_err(cli, "--merge %s: no customer to drop",
		    keep);
		goto out;
	}
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK ||
	    (rc = crm_merge(st, k, ids.v, ids.n, &m)) != CRM_EX_OK)
		goto out;
	if (!cli->dryrun)
		rc = crm_store_commit(st);
	if (rc == CRM_EX_OK && !cli->quiet)
		printf("%lld\n", (long long)m);
out:
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

static int
undo(struct crm_cli *cli, const char *arg, int allow)
{
	struct crm_store *st = NULL;
	int64_t m;
	int rc;

	if (crm_id_parse(arg, &m) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "\"%s\" is not a merge id",
		    arg);
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) == CRM_EX_OK &&
	    (rc = crm_merge_undo(st, m, allow)) == CRM_EX_OK && !cli->dryrun)
		rc = crm_store_commit(st);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_MERGE, "merge", CRM_ARG_ID, "keep", "fold the customers given "
	    "as operands (drop ...) into keep", NULL, 0, 0 },
	{ OPT_UNDO, "undo", CRM_ARG_ID, "merge", "restore what the merge "
	    "changed", NULL, 0, 0 },
	{ OPT_ALLOW, "allow-forgotten", CRM_ARG_NONE, NULL, "with --undo: "
	    "bring back values of forgotten customers too", NULL, 0, 0 },
	{ 0, "drop", CRM_ARG_ID, "[drop ...]", "with --merge: the customers "
	    "folded in", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *keep = NULL, *undoid = NULL;
	int c, allow = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dnqoHsl");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_MERGE:
			keep = cli.arg;
			break;
		case OPT_UNDO:
			undoid = cli.arg;
			break;
		case OPT_ALLOW:
			allow = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (keep != NULL && undoid != NULL)
		return crm_usage_err(&cli, "--merge and --undo: one at a time");
	if (allow && undoid == NULL)
		return crm_usage_err(&cli, "--allow-forgotten: only with "
		    "--undo");
	if ((keep != NULL || undoid != NULL) && (cli.sort != NULL ||
	    cli.limit >= 0))
		return crm_usage_err(&cli, "-s and -l: only with the listing "
		    "of pairs");
	if (keep != NULL)
		return crm_cli_end(&cli, merge(&cli, keep, argc, argv));
	if (argc > 0)
		return crm_usage_err(&cli, "\"%s\": operands only with "
		    "--merge", argv[0]);
	if (undoid != NULL)
		return crm_cli_end(&cli, undo(&cli, undoid, allow));
	return crm_cli_end(&cli, list(&cli));
}
