/*
 * dedupe.c: likely duplicate customers, and merging them (undoably).
 *
 * Pairs come from blocking keys, never from comparing all pairs: the
 * e-mail as its provider reads it, the national phone digits, and the
 * folded name within a city or a company.  A merge keeps snapshots of
 * everything it changes in merge_row, so --undo restores it exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

/* Blocks larger than this (a shared switchboard number) pair nobody. */
#define MAXBLOCK	50

static const struct reason {
	const char	*text;
	double		 weight;
} reasons[] = {
	{ "same e-mail as its provider reads it", 0.95 },
	{ "same phone number", 0.85 },
	{ "same name in the same city", 0.7 },
	{ "same name at the same company", 0.8 },
};

static int
namekeys(struct crm_store *st)
{
	sqlite3_stmt *s = NULL, *ins = NULL;
	char nk[512], key[1024];
	const char *name, *place;
	int rc, i;

	if ((rc = crm_prepare(st, "SELECT id, name, lower(city), "
	    "lower(company) FROM customer WHERE city IS NOT NULL OR company "
	    "IS NOT NULL", &s)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT INTO temp.dkey VALUES (?, ?, ?)",
	    &ins)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 1);
		if (crm_name_key(name, nk, sizeof nk) != 0)
			continue;
		for (i = 2; i <= 3; i++) {
			if ((place = (const char *)sqlite3_column_text(s, i)) ==
			    NULL)
				continue;
			snprintf(key, sizeof key, "%s|%s", nk, place);
			sqlite3_bind_int64(ins, 1, sqlite3_column_int64(s, 0));
			sqlite3_bind_int(ins, 2, i);
			sqlite3_bind_text(ins, 3, key, -1, SQLITE_STATIC);
			if ((rc = crm_step(st, ins)) != CRM_EX_OK)
				goto out;
		}
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	return rc;
}

int
crm_dedupe_pairs(struct crm_store *st, int (*fn)(void *, int64_t, int64_t,
    double, const char *), void *arg, long *npairs)
{
	sqlite3_stmt *s = NULL;
	char why[512], *p;
	double keep;
	int rc, mask, i;

	*npairs = 0;
	if ((rc = crm_exec(st, "CREATE TEMP TABLE IF NOT EXISTS dkey "
	    "(customer INTEGER, kind INTEGER, key TEXT); DELETE FROM dkey; "
	    "INSERT INTO dkey SELECT id, 0, coalesce(email_key, lower(email)) "
	    "FROM customer WHERE email IS NOT NULL; "
	    "INSERT INTO dkey SELECT id, 1, phone_key "
	    "FROM customer WHERE phone_key IS NOT NULL")) != CRM_EX_OK ||
	    (rc = namekeys(st)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "CREATE INDEX IF NOT EXISTS temp.dkey_key ON "
	    "dkey(kind, key, customer)")) != CRM_EX_OK)
		return rc;
	if ((rc = crm_prepare(st, "WITH block AS (SELECT kind, key FROM dkey "
	    "GROUP BY kind, key HAVING count(*) BETWEEN 2 AND ?1) "
	    "SELECT a.customer, b.customer, sum(DISTINCT 1 << a.kind) "
	    "FROM block JOIN dkey AS a USING (kind, key) JOIN dkey AS b ON "
	    "b.kind = a.kind AND b.key = a.key AND b.customer > a.customer "
	    "GROUP BY a.customer, b.customer ORDER BY a.customer, b.customer",
	    &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int(s, 1, MAXBLOCK);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		mask = sqlite3_column_int(s, 2);
		keep = 1;
		p = why;
		*p = '\0';
		for (i = 0; i < 4; i++) {
			if (!(mask & 1 << i))
				continue;
			keep *= 1 - reasons[i].weight;
			p += snprintf(p, sizeof why - (size_t)(p - why), "%s%s",
			    p == why ? "" : "; ", reasons[i].text);
		}
		(*npairs)++;
		if ((rc = fn(arg, sqlite3_column_int64(s, 0),
		    sqlite3_column_int64(s, 1), 1 - keep, why)) != CRM_EX_OK) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

/* ---- merging --------------------------------------------------------- */

/* json_object('col', col, ...) over every stored customer column. */
static void
rowjson(struct crm_sql *q)
{
	const struct crm_kind *k = crm_kind_customer();
	int i, n = 0;

	crm_sql_add(q, "json_object(");
	for (i = 0; i < k->nfields; i++)
		if (k->fields[i].column != NULL)
			crm_sql_add(q, "%s'%s', %s", n++ ? ", " : "",
			    k->fields[i].column, k->fields[i].column);
	crm_sql_add(q, ")");
}

/* Run one statement: ?1 ?2 ?3 integers, ?4 text, those it has. */
static int
run(struct crm_store *st, const char *sql, int64_t a, int64_t b, int64_t c,
    const char *text)
{
	sqlite3_stmt *s = NULL;
	int rc, n;

	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	n = sqlite3_bind_parameter_count(s);
	if (n >= 1)
		sqlite3_bind_int64(s, 1, a);
	if (n >= 2)
		sqlite3_bind_int64(s, 2, b);
	if (n >= 3)
		sqlite3_bind_int64(s, 3, c);
	if (n >= 4)
		sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

/* Keep what a customer is: its row, attributes and tags. */
static int
snapshot(struct crm_store *st, int64_t merge, int64_t c, const char *prefix)
{
	struct crm_sql q = { 0 };
	char sql[512];
	int rc;

	crm_sql_add(&q, "INSERT INTO merge_row SELECT ?1, '%srow', ?2, ",
	    prefix);
	rowjson(&q);
	crm_sql_add(&q, " FROM customer WHERE id = ?2");
	rc = run(st, q.buf, merge, c, 0, NULL);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	snprintf(sql, sizeof sql, "INSERT INTO merge_row SELECT ?1, '%sattr', "
	    "?2, json_group_array(json_array(key, value)) FROM attr WHERE "
	    "customer = ?2", prefix);
	if ((rc = run(st, sql, merge, c, 0, NULL)) != CRM_EX_OK)
		return rc;
	snprintf(sql, sizeof sql, "INSERT INTO merge_row SELECT ?1, '%stag', "
	    "?2, json_group_array(json_array(tag, origin, since)) FROM tag "
	    "WHERE customer = ?2", prefix);
	return run(st, sql, merge, c, 0, NULL);
}

static int
exists(struct crm_store *st, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (crm_prepare(st, "SELECT 1 FROM customer WHERE id = ?", &s) !=
	    CRM_EX_OK)
		return 0;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return rc;
}

int
crm_merge(struct crm_store *st, int64_t keep, const int64_t *drop, size_t n,
    int64_t *merge)
{
	const struct crm_kind *k = crm_kind_customer(), *h;
	const struct crm_cli *cli = crm_store_cli(st);
	struct crm_sql q = { 0 };
	char sql[512], detail[256];
	size_t i, j;
	int rc, f, len;

	if (!exists(st, keep))
		return crm_err(CRM_EX_DATAERR, NULL, "%lld: no such customer",
		    (long long)keep);
	for (i = 0; i < n; i++) {
		if (drop[i] == keep)
			return crm_err(CRM_EX_DATAERR, NULL, "%lld: cannot be "
			    "merged into itself", (long long)keep);
		for (j = 0; j < i; j++)
			if (drop[j] == drop[i])
				return crm_err(CRM_EX_DATAERR, NULL, "%lld: "
				    "given twice", (long long)drop[i]);
		if (!exists(st, drop[i]))
			return crm_err(CRM_EX_DATAERR, NULL, "%lld: no such "
			    "customer", (long long)drop[i]);
	}
	if ((rc = run(st, "INSERT INTO merge (ts, keep, user) VALUES (?1, ?2, "
	    "?4)", cli->clock, keep, 0, cli->user)) != CRM_EX_OK)
		return rc;
	*merge = sqlite3_last_insert_rowid(crm_store_db(st));
	if ((rc = snapshot(st, *merge, keep, "keep")) != CRM_EX_OK)
		return rc;
	len = snprintf(detail, sizeof detail, "merge %lld: kept %lld, dropped",
	    (long long)*merge, (long long)keep);
	for (i = 0; i < n; i++) {
		if ((rc = snapshot(st, *merge, drop[i], "")) != CRM_EX_OK)
			return rc;
		/* History moves to the kept customer; undo moves it back. */
		for (f = 1; (h = crm_kind_nth(f)) != NULL; f++) {
			if (crm_kind_owner(h) == NULL)
				continue;
			snprintf(sql, sizeof sql, "INSERT INTO merge_row "
			    "SELECT ?1, 'move', ?2, json_object('table', '%s', "
			    "'ids', json_group_array(id)) FROM %s WHERE "
			    "customer = ?2",
			    h->def->table, h->def->table);
			if ((rc = run(st, sql, *merge, drop[i], 0, NULL)) !=
			    CRM_EX_OK)
				return rc;
			snprintf(sql, sizeof sql, "UPDATE %s SET customer = ?1 "
			    "WHERE customer = ?2", h->def->table);
			if ((rc = run(st, sql, keep, drop[i], 0, NULL)) !=
			    CRM_EX_OK)
				return rc;
		}
		/* Its attributes and tags, where the kept one has none. */
		if ((rc = run(st, "INSERT OR IGNORE INTO attr SELECT ?1, key, "
		    "value FROM attr WHERE customer = ?2", keep, drop[i], 0,
		    NULL)) != CRM_EX_OK || (rc = run(st, "INSERT OR IGNORE "
		    "INTO tag SELECT ?1, tag, origin, since FROM tag WHERE "
		    "customer = ?2",
		    keep, drop[i], 0, NULL)) != CRM_EX_OK ||
		    (rc = run(st, "DELETE FROM customer WHERE id = ?2", 0,
		    drop[i], 0, NULL)) != CRM_EX_OK)
			return rc;
		/* Its fields fill the kept customer's empty ones. */
		crm_sql_add(&q, "UPDATE customer SET ");
		for (f = 0, j = 0; f < k->nfields; f++) {
			const struct crm_field *fd = &k->fields[f];

			if (fd->column == NULL || fd->type == CRM_T_ID ||
			    (fd->flags & CRM_F_NOW))
				continue;
			crm_sql_add(&q, "%s%s = coalesce(%s, (SELECT "
			    "json_extract(data, '$.%s') FROM merge_row WHERE "
			    "merge = ?1 AND what = 'row' AND customer = ?2))",
			    j++ ? ", " : "", fd->column, fd->column,
			    fd->column);
		}
		crm_sql_add(&q, " WHERE id = ?3");
		rc = run(st, q.buf, *merge, drop[i], keep, NULL);
		crm_sql_free(&q);
		if (rc != CRM_EX_OK)
			return rc;
		if (len < (int)sizeof detail)
			len += snprintf(detail + len, sizeof detail - (size_t)
			    len, " %lld", (long long)drop[i]);
	}
	if ((rc = crm_stats_touch(st, keep)) != CRM_EX_OK)
		return rc;
	return crm_audit(st, "customer", keep, "merge", detail);
}

/* Put a snapshot's row back: update the kept one, insert a dropped one. */
static int
restore_row(struct crm_store *st, int64_t merge, int64_t c, const char *what,
    int insert)
{
	const struct crm_kind *k = crm_kind_customer();
	struct crm_sql q = { 0 };
	const char *col;
	int i, n = 0, rc;

#define SNAP	"(SELECT json_extract(data, '$.%s') FROM merge_row WHERE " \
		"merge = ?1 AND what = '%s' AND customer = ?2)"
	if (insert) {
		crm_sql_add(&q, "INSERT INTO customer (");
		for (i = 0; i < k->nfields; i++)
			if (k->fields[i].column != NULL)
				crm_sql_add(&q, "%s%s", n++ ? ", " : "",
				    k->fields[i].column);
		crm_sql_add(&q, ") SELECT ");
		for (i = 0, n = 0; i < k->nfields; i++)
			if ((col = k->fields[i].column) != NULL)
				crm_sql_add(&q, "%s" SNAP, n++ ? ", " : "",
				    col, what);
	} else {
		crm_sql_add(&q, "UPDATE customer SET ");
		for (i = 0; i < k->nfields; i++)
			if ((col = k->fields[i].column) != NULL &&
			    k->fields[i].type != CRM_T_ID)
				crm_sql_add(&q, "%s%s = " SNAP, n++ ? ", " : "",
				    col, col, what);
		crm_sql_add(&q, " WHERE id = ?2");
	}
#undef SNAP
	rc = run(st, q.buf, merge, c, 0, NULL);
	crm_sql_free(&q);
	return rc;
}

static int
restore_sets(struct crm_store *st, int64_t merge, int64_t c, const char *pfx)
{
	char sql[512];
	int rc;

	snprintf(sql, sizeof sql, "INSERT INTO attr SELECT ?2, "
	    "json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') "
	    "FROM merge_row AS m, json_each(m.data) AS j WHERE m.merge = ?1 "
	    "AND m.what = '%sattr' AND m.customer = ?2", pfx);
	if ((rc = run(st, sql, merge, c, 0, NULL)) != CRM_EX_OK)
		return rc;
	snprintf(sql, sizeof sql, "INSERT INTO tag SELECT ?2, "
	    "json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), "
	    "json_extract(j.value, '$[2]') FROM merge_row AS m, "
	    "json_each(m.data) AS j WHERE m.merge = ?1 AND m.what = '%stag' "
	    "AND m.customer = ?2", pfx);
	return run(st, sql, merge, c, 0, NULL);
}

int
crm_merge_undo(struct crm_store *st, int64_t merge, int allow_forgotten)
{
	struct crm_forgotten *f = NULL;
	sqlite3_stmt *s = NULL;
	int64_t keep = 0, undone = 0, c;
	char detail[128];
	int rc, found = 0;

	/* Undoable: the kept one's snapshot and each dropped one's exist. */
	if ((rc = crm_prepare(st, "SELECT keep, undone, EXISTS (SELECT 1 FROM "
	    "merge_row WHERE merge = merge.id AND what = 'keeprow') AND NOT "
	    "EXISTS (SELECT 1 FROM merge_row AS mv WHERE mv.merge = merge.id "
	    "AND mv.what = 'move' AND NOT EXISTS (SELECT 1 FROM merge_row AS "
	    "r WHERE r.merge = merge.id AND r.what = 'row' AND r.customer = "
	    "mv.customer)) FROM merge WHERE id = ?", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, merge);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		found = 1 + sqlite3_column_int(s, 2);
		keep = sqlite3_column_int64(s, 0);
		undone = sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(st, rc);
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (!found)
		return crm_err(CRM_EX_DATAERR, NULL, "%lld: no such merge",
		    (long long)merge);
	if (undone)
		return crm_err(CRM_EX_DATAERR, NULL, "merge %lld is undone "
		    "already", (long long)merge);
	if (found == 1)
		return crm_err(CRM_EX_DATAERR, NULL, "merge %lld cannot be "
		    "undone: the personal data it kept was erased (--forget)",
		    (long long)merge);
	if (!exists(st, keep))
		return crm_err(CRM_EX_DATAERR, NULL, "merge %lld cannot be "
		    "undone: customer %lld was removed since", (long long)merge,
		    (long long)keep);
	/* No forgotten person comes back with a snapshot. */
	if (!allow_forgotten) {
		if ((rc = crm_forgotten_open(&f, st)) == CRM_EX_OK)
			rc = crm_forgotten_merge(f, merge);
		crm_forgotten_close(f);
		if (rc != CRM_EX_OK)
			return rc;
	}
	/* The kept customer as it was, then the dropped ones again. */
	if ((rc = restore_row(st, merge, keep, "keeprow", 0)) != CRM_EX_OK ||
	    (rc = run(st, "DELETE FROM attr WHERE customer = ?2", 0, keep, 0,
	    NULL)) != CRM_EX_OK ||
	    (rc = run(st, "DELETE FROM tag WHERE customer = ?2", 0, keep, 0,
	    NULL)) != CRM_EX_OK ||
	    (rc = restore_sets(st, merge, keep, "keep")) != CRM_EX_OK ||
	    (rc = crm_stats_touch(st, keep)) != CRM_EX_OK)
		return rc;
	if ((rc = crm_prepare(st, "SELECT customer FROM merge_row WHERE merge "
	    "= ? AND what = 'row' ORDER BY customer", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, merge);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c = sqlite3_column_int64(s, 0);
		if ((rc = restore_row(st, merge, c, "row", 1)) != CRM_EX_OK ||
		    (rc = restore_sets(st, merge, c, "")) != CRM_EX_OK ||
		    (rc = crm_stats_touch(st, c)) != CRM_EX_OK)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != CRM_EX_OK)
		return rc == SQLITE_ROW ? CRM_EX_SOFTWARE : crm_sqlerr(st, rc);
	/* History goes back where it came from, table by table. */
	if ((rc = crm_prepare(st, "SELECT customer, json_extract(data, "
	    "'$.table'), json_extract(data, '$.ids') FROM merge_row WHERE "
	    "merge = ? AND what = 'move'", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, merge);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(s, 1);
		char sql[256];
		int ok = crm_kind_find(table) != NULL;

		/* The table name comes from the kind table, not the row. */
		if (!ok) {
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "merge %lld: "
			    "unknown table", (long long)merge);
			break;
		}
		snprintf(sql, sizeof sql, "UPDATE %s SET customer = ?2 WHERE "
		    "id IN (SELECT value FROM json_each(?4))",
		    crm_kind_find(table)->def->table);
		if ((rc = run(st, sql, 0, sqlite3_column_int64(s, 0), 0,
		    (const char *)sqlite3_column_text(s, 2))) != CRM_EX_OK)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != CRM_EX_OK)
		return rc == SQLITE_ROW ? CRM_EX_SOFTWARE : crm_sqlerr(st, rc);
	if ((rc = run(st, "UPDATE merge SET undone = ?1 WHERE id = ?2",
	    crm_store_cli(st)->clock, merge, 0, NULL)) != CRM_EX_OK)
		return rc;
	snprintf(detail, sizeof detail, "merge %lld undone", (long long)merge);
	return crm_audit(st, "customer", keep, "unmerge", detail);
}
