/* crm-set: change fields of records; ids from arguments or stdin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"


enum { OPT_ALLOW = CRM_OPT_OWN };

static int
set(struct crm_cli *cli, int argc, char **argv, int allow)
{
	const struct crm_kind *k = crm_kind_customer(), *kind = NULL;
	struct crm_store *st = NULL;
	struct crm_writer *w = NULL;
	struct crm_ids ids = { 0 };
	struct crm_rec r = { 0 };
	struct crm_loc at = { NULL, 0, NULL };
	char **idv = NULL, *d = NULL, idloc[32];
	int i, nid = 0, nset = 0, added, rc;
	size_t j;
	int64_t id;

	if (argc > 0 && (rc = crm_kind_operand(argv[0], &kind)) !=
	    CRM_EX_OK)
		goto out;
	if (kind != NULL) {
		k = kind;
		argc--;
		argv++;
	}
	if ((rc = crm_rec_init(&r, k, argc)) != CRM_EX_OK)
		goto out;
	if ((idv = calloc(argc + 1, sizeof *idv)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	/* Arguments with = are assignments; the others are ids. */
	for (i = 0; i < argc; i++) {
		if (strchr(argv[i], '=') == NULL) {
			idv[nid++] = argv[i];
			continue;
		}
		if ((rc = crm_rec_assign(&r, argv[i])) != CRM_EX_OK)
			goto out;
		if (strncmp(argv[i], "id=", 3) == 0) {
			rc = crm_err(CRM_EX_USAGE, NULL, "id: cannot be "
			    "changed");
			goto out;
		}
		nset++;
	}
	if (nset == 0) {
		rc = crm_usage_err(cli, "no field=value given");
		goto out;
	}
	if ((rc = crm_ids_read(&ids, nid, idv)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_ids_check(st, k, &ids, CRM_EX_DATAERR)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_writer_new(&w, st, k, CRM_W_SET, 0, 0)) != CRM_EX_OK)
		goto out;
	if (allow)
		crm_writer_allow_forgotten(w);
	d = crm_rec_json(&r);
	for (j = 0; j < ids.n; j++) {
		id = ids.v[j];
		snprintf(idloc, sizeof idloc, "%s %lld", k->name,
		    (long long)id);
		at.file = idloc;
		if ((rc = crm_writer_put(w, &r, &at, &id, &added)) !=
		    CRM_EX_OK)
			goto out;
		if ((rc = crm_audit(st, k->name, id, "set", d)) != CRM_EX_OK)
			goto out;
		if (cli->dryrun && !cli->quiet)
			printf("%lld\n", (long long)id);
	}
	if (!cli->dryrun)
		rc = crm_store_commit(st);
out:
	free(d);
	free(idv);
	crm_rec_free(&r);
	crm_writer_free(w);
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_ALLOW, "allow-forgotten", CRM_ARG_NONE, NULL, "write values "
	    "of forgotten customers all the same", NULL, 0, 0 },
	{ 0, "kind", CRM_ARG_KIND, "[kind]", "the kind of record (default: "
	    "customer)", NULL, 0, 0 },
	{ 0, "id", CRM_ARG_ID, "[id ...]", "the records (none: ids on "
	    "standard input)", NULL, 0, 0 },
	{ 0, "field=value", CRM_ARG_TEXT, "field=value ...", "the new "
	    "values", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	int c, allow = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dnqA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_ALLOW:
			allow = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc < 1)
		return crm_usage_err(&cli, "no field=value given");
	return crm_cli_end(&cli, set(&cli, argc, argv, allow));
}
