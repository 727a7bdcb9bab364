/* ids.c: record ids from arguments or the first field of stdin lines. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm-int.h"

int
crm_id_parse(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || v > CRM_ID_MAX)
		return -1;
	*out = v;
	return 0;
}

static int
push(struct crm_ids *ids, int64_t v)
{
	int rc;

	if ((rc = crm_grow(&ids->v, &ids->cap, ids->n, sizeof *ids->v)) !=
	    CRM_EX_OK)
		return rc;
	ids->v[ids->n++] = v;
	return CRM_EX_OK;
}

int
crm_ids_each(int (*fn)(void *, char *, const struct crm_loc *), void *arg,
    const char *what)
{
	struct crm_loc at = { "stdin", 0, what };
	char *line = NULL, *p;
	size_t cap = 0;
	int rc = CRM_EX_OK;

	/* Someone at a terminal, not a pipe, is asked for ids: say so. */
	if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
		crm_warn(NULL, "reading ids from standard input (^D to end)");
	while (rc == CRM_EX_OK && getline(&line, &cap, stdin) != -1) {
		at.line++;
		/* The first field: up to a tab, blank or comma. */
		line[strcspn(line, "\t ,\r\n")] = '\0';
		p = line;
		/* Blank lines, and the header of crm-ls -H or -o csv. */
		if (*p == '\0' || (at.line == 1 && strcmp(p, "id") == 0))
			continue;
		rc = fn(arg, p, &at);
	}
	if (rc == CRM_EX_OK && ferror(stdin))
		rc = crm_err(CRM_EX_IOERR, NULL, "standard input:");
	free(line);
	return rc;
}

static int
read1(void *arg, char *p, const struct crm_loc *at)
{
	int64_t v;

	if (crm_id_parse(p, &v) != 0)
		return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a record id",
		    p);
	return push(arg, v);
}

int
crm_ids_read(struct crm_ids *ids, int argc, char **argv)
{
	int64_t v;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (crm_id_parse(argv[i], &v) != 0)
			return crm_err(CRM_EX_DATAERR, NULL, "\"%s\" is not a "
			    "record id", argv[i]);
		if ((rc = push(ids, v)) != CRM_EX_OK)
			return rc;
	}
	if (argc > 0)
		return CRM_EX_OK;
	return crm_ids_each(read1, ids, "id");
}

void
crm_ids_free(struct crm_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof *ids);
}

int
crm_ids_check(struct crm_store *st, const struct crm_kind *k,
    const struct crm_ids *ids, int missing)
{
	sqlite3_stmt *s = NULL;
	char sql[128];
	size_t i;
	int rc, none = 0;

	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?",
	    k->def->table);
	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	/* Every one missing is named, not only the first. */
	for (i = 0; i < ids->n; i++) {
		sqlite3_bind_int64(s, 1, ids->v[i]);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc == SQLITE_DONE) {
			none = crm_err(missing, NULL, "%lld: no such %s",
			    (long long)ids->v[i], k->name);
			continue;
		}
		if (rc != SQLITE_ROW) {
			rc = crm_sqlerr(st, rc);
			goto out;
		}
	}
	rc = none != 0 ? none : CRM_EX_OK;
out:
	sqlite3_finalize(s);
	return rc;
}
