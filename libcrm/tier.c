/*
 * tier.c: assigning the tiers of a scheme, and what the schemes' files
 * (tier-NAME.c) share: each scheme's SQL is computed set-wise into
 * temp.tnew (customer, tier, score), then stored as one run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

/*
 * Three labels from a setting like "A,B,C": a row of the scheme's own
 * (read by the row, not by its key, which only settings-all.c, above the
 * schemes, looks up).
 */
int
crm_tier_labels(struct crm_store *st, const struct crm_setting *set,
    char lab[3][32])
{
	char buf[128], *p, *tok;
	int i = 0, rc;

	if ((rc = crm_setting_read(st, set, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	for (p = buf; (tok = strsep(&p, ",")) != NULL && i < 3; i++)
		snprintf(lab[i], sizeof lab[i], "%s", tok);
	if (i != 3)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not three "
		    "labels", set->key, buf);
	return CRM_EX_OK;
}

int
crm_tier_numbers(struct crm_store *st, const struct crm_setting *set,
    double *d, int want)
{
	char buf[128];
	int rc;

	if ((rc = crm_setting_read(st, set, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	if (crm_setting_numbers(buf, d, want) != want)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not %d "
		    "numbers", set->key, buf, want);
	return CRM_EX_OK;
}

/*
 * Each buyer's recency r, frequency f and monetary m as of now (?1), over
 * the purchases after since (INT64_MIN: all of them): metric.c's.
 */
void
crm_tier_buyers(struct crm_sql *q, int64_t since)
{
	crm_sql_add(q, "SELECT customer AS id, recency AS r, frequency AS f, "
	    "monetary AS m FROM (");
	crm_metric_rows(q, "recency,frequency,monetary", since, NULL);
	crm_sql_add(q, ")");
}

/* Minor units as a decimal string, in SQL (m > 0). */
void
crm_tier_money(struct crm_sql *q, const char *m, int decimals)
{
	int64_t scale = 1;
	int i;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	if (decimals == 0)
		crm_sql_add(q, "CAST(%s AS TEXT)", m);
	else
		crm_sql_add(q, "(%s / %lld) || '.' || substr('0000' || (%s %% "
		    "%lld), -%d)", m, (long long)scale, m, (long long)scale,
		    decimals);
}

/* CASE WHEN v op c1 THEN l1 WHEN v op c2 THEN l2 ELSE l3 END */
void
crm_tier_grade(struct crm_sql *q, const char *v, const char *op, double c1,
    const char *l1, double c2, const char *l2, const char *l3)
{
	crm_sql_add(q, "CASE WHEN %s %s %.17g THEN ", v, op, c1);
	crm_sql_text(q, l1);
	crm_sql_add(q, " WHEN %s %s %.17g THEN ", v, op, c2);
	crm_sql_text(q, l2);
	crm_sql_add(q, " ELSE ");
	crm_sql_text(q, l3);
	crm_sql_add(q, " END");
}

int
crm_tier_assign(struct crm_store *st, const struct crm_scheme *sch,
    int64_t since, int store, int64_t *run, long *n)
{
	const struct crm_cli *cli = crm_store_cli(st);
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char sql[160];
	int rc, hist;
	int64_t isview;

	*run = 0;
	*n = 0;
	/* A run before, in this connection, left a view or a table. */
	if ((rc = crm_stats_historic(st, &hist)) != CRM_EX_OK ||
	    (rc = crm_query_int(st, &isview, "SELECT count(*) FROM "
	    "sqlite_temp_master WHERE name = 'tnew' AND type = 'view'", 0)) !=
	    CRM_EX_OK || (rc = crm_exec(st, isview ? "DROP VIEW temp.tnew" :
	    "DROP TABLE IF EXISTS temp.tnew")) != CRM_EX_OK)
		return rc;
	if (store) {
		/* The run first: its assignments go straight into it. */
		if ((rc = crm_prepare(st, "INSERT INTO tier_run (scheme, asof, "
		    "ts) VALUES (?, ?, ?)", &s)) != CRM_EX_OK)
			return rc;
		sqlite3_bind_text(s, 1, sch->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, cli->now);
		sqlite3_bind_int64(s, 3, cli->clock);
		rc = crm_step(st, s);
		sqlite3_finalize(s);
		s = NULL;
		if (rc != CRM_EX_OK)
			return rc;
		*run = sqlite3_last_insert_rowid(crm_store_db(st));
		crm_sql_add(&q, "INSERT INTO tier SELECT %lld, * FROM (",
		    (long long)*run);
	} else {
		if ((rc = crm_exec(st, "CREATE TEMP TABLE tnew (customer "
		    "INTEGER PRIMARY KEY, tier TEXT NOT NULL, score TEXT)")) !=
		    CRM_EX_OK)
			return rc;
		crm_sql_add(&q, "INSERT INTO temp.tnew SELECT * FROM (");
	}
	q.hist = hist;
	rc = sch->def->sql(st, &q, since);
	crm_sql_add(&q, ")");
	if (rc == CRM_EX_OK && (rc = crm_sql_prepare(st, &q, &s)) == CRM_EX_OK)
		rc = crm_step(st, s);
	sqlite3_finalize(s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	*n = (long)sqlite3_changes(crm_store_db(st));
	if (!store)
		return CRM_EX_OK;
	/* What the run assigned, where the dry run would have kept it. */
	snprintf(sql, sizeof sql, "CREATE TEMP VIEW tnew AS SELECT customer, "
	    "tier, score FROM tier WHERE run = %lld", (long long)*run);
	return crm_exec(st, sql);
}
