/*
 * store: a hostile store file.  The input is written to a file that is
 * opened as a store (crm_store_open, read-only) and queried the way
 * crm-ls queries it: a filter over customers with their metrics, then
 * every row of every table.
 */
#include <sqlite3.h>

#include "fuzz.h"

static void
rows(struct crm_store *st, sqlite3_stmt *s)
{
	int i, rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (i = 0; i < sqlite3_column_count(s); i++)
			sqlite3_column_text(s, i);
	if (rc != SQLITE_DONE)
		crm_sqlerr(st, rc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const struct crm_kind *k = crm_kind_customer();
	struct crm_sql q = { 0 };
	struct crm_store *st = NULL;
	sqlite3_stmt *s = NULL, *t = NULL;
	struct crm_cli cli;
	char path[128], sql[256];

	fz_path(path, sizeof path, "hostile.db");
	fz_unlink_store(path);
	if (fz_write(path, d, n) != 0)
		return 0;
	fz_cli(&cli, path);
	if (crm_store_open(&st, &cli, CRM_READ) != CRM_EX_OK)
		goto out;
	q.hist = 0;
	crm_sql_add(&q, "SELECT c.id, c.name, c.email");
	crm_sql_from(&q, k);
	crm_sql_add(&q, " WHERE ");
	if (crm_filter_compile(&q, k, "recency < 400d or tag.vip or "
	    "monetary >= 1", crm_store_decimals(st), cli.now) == CRM_EX_OK &&
	    crm_sql_prepare(st, &q, &s) == CRM_EX_OK)
		rows(st, s);
	sqlite3_finalize(s);
	s = NULL;
	if (crm_prepare(st, "SELECT name FROM sqlite_schema WHERE type = "
	    "'table'", &t) != CRM_EX_OK)
		goto out;
	while (sqlite3_step(t) == SQLITE_ROW) {
		snprintf(sql, sizeof sql, "SELECT * FROM \"%.200s\"",
		    (const char *)sqlite3_column_text(t, 0));
		if (crm_prepare(st, sql, &s) == CRM_EX_OK)
			rows(st, s);
		sqlite3_finalize(s);
		s = NULL;
	}
out:
	sqlite3_finalize(t);
	crm_sql_free(&q);
	crm_store_close(st);
	return 0;
}
