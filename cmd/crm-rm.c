/* crm-rm: delete records, or erase a customer's personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_FORGET = CRM_OPT_OWN };

static int
rm(struct crm_cli *cli, int argc, char **argv, int forget)
{
	const struct crm_kind *k = crm_kind_customer(), *kind = NULL;
	struct crm_store *st = NULL;
	struct crm_ids ids = { 0 };
	struct crm_loc at = { NULL, 0, NULL };
	size_t i;
	int rc;

	if (argc > 0 && (rc = crm_kind_operand(argv[0], &kind)) !=
	    CRM_EX_OK)
		goto out;
	if (kind != NULL) {
		k = kind;
		argc--;
		argv++;
	}
	if (forget && k != crm_kind_customer())
		return crm_err(CRM_EX_USAGE, NULL, "--forget applies to "
		    "customers");
	if ((rc = crm_ids_read(&ids, argc, argv)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_ids_check(st, k, &ids, CRM_EX_DATAERR)) != CRM_EX_OK)
		goto out;
	for (i = 0; i < ids.n; i++) {
		if (forget)
			rc = crm_customer_forget(st, ids.v[i]);
		else
			rc = crm_rec_delete(st, k, ids.v[i]);
		if (rc != CRM_EX_OK)
			goto out;
		/* After the erasure: this entry holds no personal value. */
		if ((rc = crm_audit(st, k->name, ids.v[i], forget ? "forget" :
		    "delete", NULL)) != CRM_EX_OK)
			goto out;
		if (cli->dryrun && !cli->quiet)
			printf("%lld\n", (long long)ids.v[i]);
	}
	if (cli->dryrun)
		goto out;
	if ((rc = crm_store_commit(st)) != CRM_EX_OK)
		goto out;
	/*
	 * No old page with the person's data may survive in the files.  A
	 * reader on an older snapshot keeps them in the WAL a while, and a
	 * checkpoint that failed to write leaves them there: the erasure
	 * stands all the same (exit 0), and the next writer finishes it.
	 * A failing disk is said even with -q: no status tells it.
	 */
	if (forget) {
		at.file = cli->dbpath;
		rc = crm_store_scrub(st);
		if (rc == CRM_EX_TEMPFAIL && !cli->quiet)
			crm_warn(&at, "erased; a reader is still open, so the "
			    "old bytes leave the store's files at the next "
			    "checkpoint (the next write)");
		else if (rc == CRM_EX_IOERR)
			crm_warn(&at, "the erasure is committed, but the "
			    "checkpoint failed (%s), so the old bytes leave "
			    "the store's files at the next checkpoint (the "
			    "next write)",
			    sqlite3_errmsg(crm_store_db(st)));
		rc = CRM_EX_OK;
	}
out:
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_FORGET, "forget", CRM_ARG_NONE, NULL, "erase the customer's "
	    "personal data instead of the record", NULL, 0, 0 },
	{ 0, "kind", CRM_ARG_KIND, "[kind]", "the kind of record (default: "
	    "customer)", NULL, 0, 0 },
	{ 0, "id", CRM_ARG_ID, "[id ...]", "the records (none: ids on "
	    "standard input)", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	int c, forget = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dnq");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_FORGET:
			forget = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	return crm_cli_end(&cli, rm(&cli, argc, argv, forget));
}
