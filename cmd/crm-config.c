/* crm-config: read and set store settings, like git config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_UNSET = CRM_OPT_OWN };

/* "no such setting": the nearest one, else every one crm knows. */
static int
nosuch(const char *key)
{
	const struct crm_setting *k;
	const char *names[64], *near;
	int i;

	for (i = 0; i < 64 && (k = crm_setting_nth(i)) != NULL; i++)
		names[i] = k->key;
	if ((near = crm_suggest(key, names, i)) != NULL)
		return crm_err(CRM_EX_USAGE, NULL, "%s: no such setting (did "
		    "you mean %s?)", key, near);
	crm_warn(NULL, "%s: no such setting; crm knows these", key);
	for (i = 0; (k = crm_setting_nth(i)) != NULL; i++)
		fprintf(stderr, "  %s\t%s\n", k->key, k->help);
	return CRM_EX_USAGE;
}

static int
listall(struct crm_store *st)
{
	const struct crm_setting *set;
	sqlite3_stmt *s = NULL;
	char *v;
	int rc, i;

	/* Known settings with their values, then any others stored. */
	for (i = 0; (set = crm_setting_nth(i)) != NULL; i++) {
		if ((rc = crm_config_get(st, set->key, &v)) != CRM_EX_OK)
			return rc;
		if (v != NULL || set->def != NULL) {
			fputs(set->key, stdout);
			putchar('\t');
			crm_tsv_put(stdout, v != NULL ? v : set->def);
			putchar('\n');
		}
		free(v);
	}
	if ((rc = crm_prepare(st, "SELECT key, value FROM config ORDER BY "
	    "key", &s)) != CRM_EX_OK)
		return rc;
	/* Not libcrm's own keys: the forget key is no one's to read. */
	while (sqlite3_step(s) == SQLITE_ROW)
		if (crm_setting_find((const char *)sqlite3_column_text(s, 0)) ==
		    NULL && strncmp((const char *)sqlite3_column_text(s, 0),
		    CRM_CONFIG_OWN, strlen(CRM_CONFIG_OWN)) != 0) {
			crm_tsv_put(stdout, (const char *)
			    sqlite3_column_text(s, 0));
			putchar('\t');
			crm_tsv_put(stdout, (const char *)
			    sqlite3_column_text(s, 1));
			putchar('\n');
		}
	sqlite3_finalize(s);
	return CRM_EX_OK;
}

static int
config(struct crm_cli *cli, int argc, char **argv, const char *unset)
{
	const struct crm_setting *set = NULL;
	struct crm_store *st = NULL;
	const char *key = unset != NULL ? unset : argc > 0 ? argv[0] : NULL;
	char *v = NULL, msg[512], norm[256];
	int rc, found, money, cleared = 0;

	if (key != NULL && (set = crm_setting_find(key)) == NULL)
		return nosuch(key);
	/*
	 * A setting with no default that takes "" (today) is unset by it:
	 * `crm-config today ''` unpins the day.
	 */
	if (unset == NULL && argc == 2 && argv[1][0] == '\0' &&
	    set->def == NULL && crm_setting_valid(set, "")) {
		unset = key;
		cleared = 1;
	}
	if (unset == NULL && argc < 2) {
		if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
			goto out;
		if (key == NULL) {
			rc = cli->quiet ? CRM_EX_OK : listall(st);
			goto out;
		}
		if ((rc = crm_config_get(st, key, &v)) != CRM_EX_OK)
			goto out;
		if (v == NULL && set->def == NULL) {
			rc = CRM_EX_NONE;
			goto out;
		}
		if (!cli->quiet)
			printf("%s\n", v != NULL ? v : set->def);
		goto out;
	}
	if (unset == NULL && !crm_setting_valid(set, argv[1]))
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not valid "
		    "(%s)", key, argv[1], set->help);
	if ((rc = crm_store_open(&st, cli, CRM_WRITE)) != CRM_EX_OK)
		goto out;
	if (strcmp(key, "decimals") == 0) {
		if ((rc = crm_money_stored(st, &money)) != CRM_EX_OK)
			goto out;
		if (money && (unset != NULL ? 2 : atoi(argv[1])) !=
		    crm_store_decimals(st)) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "decimals: amounts "
			    "are stored in minor units already; changing the "
			    "decimals would change them");
			goto out;
		}
	}
	if (unset != NULL) {
		if ((rc = crm_config_unset(st, key, &found)) != CRM_EX_OK)
			goto out;
		/* `today ''` when none is pinned: as asked, nothing to do. */
		if (!found) {
			rc = cleared ? CRM_EX_OK : CRM_EX_NONE;
			goto out;
		}
		snprintf(msg, sizeof msg, "%s unset", key);
	} else {
		/* Shares as fractions: 80% is stored 0.8. */
		if (crm_setting_norm(set, argv[1], norm, sizeof norm) != 0) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "%s: too long", key);
			goto out;
		}
		if ((rc = crm_config_set(st, key, norm)) != CRM_EX_OK)
			goto out;
		snprintf(msg, sizeof msg, "%s = %s", key, norm);
	}
	if ((rc = crm_audit(st, "config", 0, "set", msg)) != CRM_EX_OK)
		goto out;
	rc = crm_store_commit(st);
out:
	free(v);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_UNSET, "unset", CRM_ARG_SETTING, "key", "remove the setting; "
	    "its default applies again", NULL, 0, 0 },
	{ 0, "key", CRM_ARG_SETTING, "[key", "the setting (none: every one)",
	    NULL, 0, 0 },
	{ 0, "value", CRM_ARG_TEXT, "[value]]", "its new value", NULL, 0,
	    0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *unset = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dq");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_UNSET:
			unset = cli.arg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (unset != NULL && argc > 0)
		return crm_usage_err(&cli, "\"%s\": --unset takes no other "
		    "operand", argv[0]);
	if (argc > 2)
		return crm_usage_err(&cli, "\"%s\": a key and a value at "
		    "most", argv[2]);
	return crm_cli_end(&cli, config(&cli, argc, argv, unset));
}
