/* crm-init: create or upgrade the store and print its path. */
#include <stdio.h>

#include "crm.h"

static const char usage[] = "[-q] [-d path]";

static int
init(struct crm_cli *cli)
{
	struct crm_store *st = NULL;
	int rc;

	/* Opening for writing creates and migrates in one transaction. */
	if ((rc = crm_store_open(&st, cli, CRM_WRITE)) == CRM_EX_OK)
		rc = crm_store_commit(st);
	crm_store_close(st);
	if (rc == CRM_EX_OK && !cli->quiet)
		printf("%s\n", cli->dbpath);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	int c;

	crm_cli_begin(&cli, argc, argv, usage, "dq");
	while ((c = crm_cli_next(&cli, "", NULL)) != -1)
		return crm_usage(&cli);
	if (cli.optind != argc)
		return crm_usage(&cli);
	return crm_cli_end(&cli, init(&cli));
}
