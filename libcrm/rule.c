/*
 * rule.c: rule tags.  A rule is a tag and a filter; applying the rules
 * tags the customers the filter selects and untags the ones it no longer
 * does.  Tags set by hand (origin manual) are never touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

/* Compile expr to "SELECT c.id FROM customer ... WHERE expr". */
static int
selector(struct crm_store *st, const char *expr, int hist, struct crm_sql *q)
{
	const struct crm_kind *k = crm_kind_customer();

	q->hist = hist;
	crm_sql_add(q, "SELECT c.id FROM %s WHERE ", k->def->from);
	/* The filter came from crm-tag -R: errors say so, not -w. */
	return crm_filter_compile_as(q, k, "-R", expr, crm_store_decimals(st),
	    crm_store_cli(st)->now);
}

int
crm_rule_define(struct crm_store *st, const char *tag, const char *expr)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int rc;

	if (!crm_tag_valid(tag))
		return crm_err(CRM_EX_USAGE, NULL, "\"%s\" is not a tag name",
		    tag);
	/* Refuse a rule that does not compile, now rather than at --apply. */
	rc = selector(st, expr, 0, &q);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	if ((rc = crm_prepare(st, "INSERT INTO rule (tag, expr, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (tag) DO UPDATE SET expr = ?2",
	    &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, crm_store_cli(st)->clock);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc;
}

int
crm_rule_drop(struct crm_store *st, const char *tag)
{
	sqlite3_stmt *s = NULL;
	int rc, found;

	if ((rc = crm_prepare(st, "DELETE FROM rule WHERE tag = ?", &s)) !=
	    CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, tag, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	found = sqlite3_changes(crm_store_db(st));
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE)
		return crm_sqlerr(st, rc);
	if (!found)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: no such rule", tag);
	/* What the rule set goes with it; manual tags stay. */
	if ((rc = crm_prepare(st, "DELETE FROM tag WHERE tag = ? AND origin = "
	    "'rule'", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, tag, -1, SQLITE_STATIC);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc;
}

/* Apply one rule: fn sees each change (+1 added, -1 removed) by id. */
static int
apply1(struct crm_store *st, const char *tag, const char *expr, int hist,
    int (*fn)(void *, int64_t, const char *, int), void *arg, long *n)
{
	/* The changes are listed first, then made: no cursor sees them. */
	static const char changes[] =
	    "INSERT INTO temp.rchange SELECT customer, 1 FROM temp.rmatch "
	    "WHERE customer NOT IN (SELECT customer FROM tag WHERE tag = ?1) "
	    "UNION ALL SELECT customer, -1 FROM tag WHERE tag = ?1 AND origin "
	    "= "
	    "'rule' AND customer NOT IN (SELECT customer FROM temp.rmatch)";
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL, *add = NULL, *del = NULL;
	int rc;

	if ((rc = crm_exec(st, "DELETE FROM temp.rmatch")) != CRM_EX_OK)
		return rc;
	crm_sql_add(&q, "INSERT INTO temp.rmatch ");
	if ((rc = selector(st, expr, hist, &q)) != CRM_EX_OK) {
		crm_warn(NULL, "rule %s: %s", tag, expr);
		goto out;
	}
	if ((rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc != CRM_EX_OK ||
	    (rc = crm_exec(st, "DELETE FROM temp.rchange")) != CRM_EX_OK ||
	    (rc = crm_prepare(st, changes, &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_text(s, 1, tag, -1, SQLITE_STATIC);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT customer, dir FROM temp.rchange "
	    "ORDER BY customer", &s)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT INTO tag (customer, tag, origin, "
	    "since) VALUES (?1, ?2, 'rule', ?3)", &add)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "DELETE FROM tag WHERE customer = ?1 AND "
	    "tag = ?2 AND origin = 'rule'", &del)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t c = sqlite3_column_int64(s, 0);
		int dir = sqlite3_column_int(s, 1);
		sqlite3_stmt *w = dir > 0 ? add : del;

		sqlite3_bind_int64(w, 1, c);
		sqlite3_bind_text(w, 2, tag, -1, SQLITE_STATIC);
		if (dir > 0)
			sqlite3_bind_int64(w, 3, crm_store_cli(st)->now);
		if (fn != NULL && (rc = fn(arg, c, tag, dir)) != CRM_EX_OK)
			goto out;
		(*n)++;
		if ((rc = crm_step(st, w)) != CRM_EX_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(add);
	sqlite3_finalize(del);
	crm_sql_free(&q);
	return rc;
}

int
crm_rule_apply(struct crm_store *st, int (*fn)(void *, int64_t, const char *,
    int), void *arg, long *n)
{
	sqlite3_stmt *s = NULL;
	int rc, hist;

	*n = 0;
	if ((rc = crm_stats_historic(st, &hist)) != CRM_EX_OK ||
	    (rc = crm_exec(st, "CREATE TEMP TABLE IF NOT EXISTS rmatch "
	    "(customer INTEGER PRIMARY KEY); CREATE TEMP TABLE IF NOT EXISTS "
	    "rchange (customer INTEGER, dir INTEGER)")) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT tag, expr FROM rule ORDER BY tag",
	    &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = apply1(st, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1), hist, fn, arg, n))
		    != CRM_EX_OK)
			break;
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : rc;
}
