/* crm-init: create, upgrade or check the store and print its path. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_REBUILD = CRM_OPT_OWN, OPT_CHECK };

static int
init(struct crm_cli *cli, int rebuild)
{
	struct crm_store *st = NULL;
	int rc;

	/* Opening for writing creates and migrates in one transaction. */
	if ((rc = crm_store_open(&st, cli, CRM_INIT)) == CRM_EX_OK &&
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

/*
 * The problems in a row of integrity_check: one a line, under a heading
 * ("*** in database main ***") that is none.
 */
static long
lines(const char *t)
{
	long n = 0;

	if (t == NULL)
		return 1;
	for (; t != NULL; t = strchr(t, '\n')) {
		if (*t == '\n')
			t++;
		if (*t != '\0' && strncmp(t, "*** ", 4) != 0)
			n++;
	}
	return n;
}

/*
 * Print each problem SQL finds, one a line; *n counts them.  A page too
 * damaged to read ends the check as one more problem.
 */
static int
problems(struct crm_store *st, const char *sql, int fk, int quiet,
    long *n)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);

		if (!fk && t != NULL && sqlite3_stricmp(t, "ok") == 0)
			continue;
		*n += fk ? 1 : lines(t);
		/* foreign_key_check: table, rowid, parent, constraint. */
		if (quiet)
			continue;
		if (!fk)
			printf("%s\n", t != NULL ? t : "?");
		else if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			printf("%s: a row refers to a missing %s\n", t,
			    (const char *)sqlite3_column_text(s, 2));
		else
			printf("%s %lld: refers to a missing %s\n", t,
			    (long long)sqlite3_column_int64(s, 1),
			    (const char *)sqlite3_column_text(s, 2));
	}
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
		if (!quiet)
			printf("%s\n", sqlite3_errmsg(crm_store_db(st)));
		(*n)++;
		rc = SQLITE_DONE;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

/* The whole file, read once: crm does not check it on every open. */
static int
check(struct crm_cli *cli)
{
	struct crm_loc at = { cli->dbpath, 0, NULL };
	struct crm_store *st = NULL;
	long n = 0;
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_CHECK)) == CRM_EX_OK)
		rc = problems(st, "PRAGMA integrity_check", 0, cli->quiet,
		    &n);
	/* Keys are looked at in a file whose pages are sound. */
	if (rc == CRM_EX_OK && n == 0)
		rc = problems(st, "PRAGMA foreign_key_check", 1, cli->quiet,
		    &n);
	crm_store_close(st);
	if (rc == CRM_EX_OK && n > 0)
		rc = crm_err(CRM_EX_IOERR, &at, "the store is damaged (%ld "
		    "problem%s): crm-backup --restore puts back a backup", n,
		    n == 1 ? "" : "s");
	if (rc == CRM_EX_OK && !cli->quiet)
		printf("%s\n", cli->dbpath);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_REBUILD, "rebuild-stats", CRM_ARG_NONE, NULL, "recompute "
	    "every customer's statistics from the history", NULL, 0, 0 },
	{ OPT_CHECK, "check", CRM_ARG_NONE, NULL, "read the whole store and "
	    "check it", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	int c, rebuild = 0, chk = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dq");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_REBUILD:
			rebuild = 1;
			break;
		case OPT_CHECK:
			chk = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind != argc)
		return crm_usage_err(&cli, "\"%s\": no operand is taken",
		    argv[cli.optind]);
	if (rebuild && chk)
		return crm_usage_err(&cli, "--rebuild-stats and --check: one "
		    "at a time");
	return crm_cli_end(&cli, chk ? check(&cli) : init(&cli, rebuild));
}
