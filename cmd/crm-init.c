/* crm-init: create or upgrade the store and print its path. */
#include <stdio.h>

#include "crm.h"

static const char usage[] = "[-q] [-d path] [--rebuild-stats]";

enum { OPT_REBUILD = CRM_OPT_OWN };

static int
init(struct crm_cli *cli, int rebuild)
{
	struct crm_store *st = NULL;
	int rc;

	/* Opening for writing creates and migrates in one transaction. */
	if ((rc = crm_store_open(&st, cli, CRM_WRITE)) == CRM_EX_OK &&
	    rebuild) {
		if ((rc = crm_stats_rebuild(st)) == CRM_EX_OK)
			rc = crm_audit(st, NULL, 0, "rebuild-stats", NULL);
	}
	if (rc == CRM_EX_OK)
		rc = crm_store_commit(st);
	crm_store_close(st);
	if (rc == CRM_EX_OK && !cli->quiet)
		printf("%s\n", cli->dbpath);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "rebuild-stats", no_argument, NULL, OPT_REBUILD },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_cli cli;
	int c, rebuild = 0;

	crm_cli_begin(&cli, argc, argv, usage, "dq");
	while ((c = crm_cli_next(&cli, "", lopts)) != -1) {
		switch (c) {
		case OPT_REBUILD:
			rebuild = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind != argc)
		return crm_usage(&cli);
	return crm_cli_end(&cli, init(&cli, rebuild));
}
