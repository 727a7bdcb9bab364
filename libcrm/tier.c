/*
 * tier.c: tier schemes (DESIGN.md "Models"), computed set-wise in SQL into
 * temp.tnew (customer, tier, score), then stored as one run.
 *
 *	rfm	R, F, M scores 1 + floor(5 (r - 1) / N), r the lowest
 *		place of the value (recency reversed): equal values share
 *		the score of the lowest place; the segment from the R x F
 *		grid
 *	value	A/B/C by the cumulative revenue share before the customer
 *	presale	A/B/C for leads and prospects by maturity
 *	service	D/E/F by the latest expectation + satisfaction
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

static const char *const schemes[] = { "rfm", "value", "presale",
    "service", NULL };

int
crm_tier_scheme(const char *name)
{
	int i;

	for (i = 0; schemes[i] != NULL; i++)
		if (strcmp(schemes[i], name) == 0)
			return i;
	return -1;
}

const char *
crm_tier_name(int n)
{
	return n >= 0 && n < (int)(sizeof schemes / sizeof schemes[0]) ?
	    schemes[n] : NULL;
}

/* Three labels from a setting like "A,B,C". */
static int
labels(struct crm_store *st, const char *key, char lab[3][32])
{
	char buf[128], *p, *tok;
	int i = 0, rc;

	if ((rc = crm_setting_get(st, key, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	for (p = buf; (tok = strsep(&p, ",")) != NULL && i < 3; i++)
		snprintf(lab[i], sizeof lab[i], "%s", tok);
	if (i != 3)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not three "
		    "labels", key, buf);
	return CRM_EX_OK;
}

static int
numbers(struct crm_store *st, const char *key, double *d, int want)
{
	char buf[128];
	int rc;

	if ((rc = crm_setting_get(st, key, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	if (crm_setting_numbers(buf, d, want) != want)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not %d "
		    "numbers", key, buf, want);
	return CRM_EX_OK;
}

/* Monetary per customer as of now (?1), over a window from ?2. */
static void
buyers(struct crm_sql *q, int hist, int64_t since)
{
	if (!hist && since == INT64_MIN) {
		/* The stored statistics serve the usual case. */
		crm_sql_add(q, "SELECT customer AS id, ?1 / 86400 - "
		    "last_purchase / 86400 AS r, days AS f, revenue AS m FROM "
		    "stats WHERE days > 0");
		return;
	}
	crm_sql_add(q, "SELECT customer AS id, ?1 / 86400 - max(ts) / 86400 "
	    "AS r, count(DISTINCT ts / 86400) AS f, sum(amount) AS m FROM "
	    "purchase WHERE ts <= ?1 AND ts > ");
	crm_sql_int(q, since);
	crm_sql_add(q, " GROUP BY customer");
}

/* Minor units as a decimal string, in SQL (m > 0). */
static void
money(struct crm_sql *q, const char *m, int decimals)
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

static void
rfm(struct crm_sql *q, int hist, int64_t since)
{
	/*
	 * 1 + floor(5 (r - 1) / N), r the lowest 1-based place of the
	 * value among the N buyers: rank() gives a tie the first place of
	 * its span, so equal values share the lowest score of their span
	 * (one-time buyers are F1).  Integer division floors (r >= 1).
	 */
#define SCORE(col, dir)	"1 + 5 * (rank() OVER (ORDER BY " col " " dir \
	") - 1) / count(*) OVER ()"
	crm_sql_add(q, "SELECT id, CASE "
	    "WHEN rs = 5 AND fs >= 4 THEN 'Champions' "
	    "WHEN rs >= 3 AND fs >= 4 THEN 'Loyal' "
	    "WHEN rs >= 4 AND fs >= 2 THEN 'Potential loyalists' "
	    "WHEN rs = 5 THEN 'New' "
	    "WHEN rs = 4 THEN 'Promising' "
	    "WHEN rs = 3 AND fs = 3 THEN 'Need attention' "
	    "WHEN rs = 3 THEN 'About to sleep' "
	    "WHEN fs = 5 THEN 'Can''t lose them' "
	    "WHEN fs >= 3 THEN 'At risk' "
	    "ELSE 'Hibernating' END, rs || fs || ms FROM (SELECT id, "
	    SCORE("r", "DESC") " AS rs, " SCORE("f", "ASC") " AS fs, "
	    SCORE("m", "ASC") " AS ms FROM (");
	buyers(q, hist, since);
	/* In id order: rows append to their table, not anywhere in it. */
	crm_sql_add(q, ") AS b) ORDER BY 1");
#undef SCORE
}

/* CASE WHEN v op c1 THEN l1 WHEN v op c2 THEN l2 ELSE l3 END */
static void
grade(struct crm_sql *q, const char *v, const char *op, double c1,
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

static int
value(struct crm_store *st, struct crm_sql *q, int hist, int64_t since)
{
	char lab[3][32];
	double cut[2];
	int rc;

	if ((rc = numbers(st, "tier.value.cuts", cut, 2)) != CRM_EX_OK ||
	    (rc = labels(st, "tier.value.labels", lab)) != CRM_EX_OK)
		return rc;
	/* By revenue, descending, ties by id: the share before decides. */
	crm_sql_add(q, "SELECT id, ");
	grade(q, "before * 1.0 / total", "<", cut[0], lab[0], cut[1], lab[1],
	    lab[2]);
	crm_sql_add(q, ", ");
	money(q, "m", crm_store_decimals(st));
	crm_sql_add(q, " FROM (SELECT id, m, coalesce(sum(m) OVER (ORDER BY "
	    "m DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) "
	    "AS before, sum(m) OVER () AS total FROM (");
	buyers(q, hist, since);
	crm_sql_add(q, ") WHERE m > 0) ORDER BY 1");
	return CRM_EX_OK;
}

static int
presale(struct crm_store *st, struct crm_sql *q)
{
	double w[3], cut[2], close[2];
	char lab[3][32];
	int rc;

	if ((rc = numbers(st, "tier.presale.weights", w, 3)) != CRM_EX_OK ||
	    (rc = numbers(st, "tier.presale.cuts", cut, 2)) != CRM_EX_OK ||
	    (rc = numbers(st, "tier.presale.close", close, 2)) != CRM_EX_OK ||
	    (rc = labels(st, "tier.presale.labels", lab)) != CRM_EX_OK)
		return rc;
	/*
	 * Maturity = w1 intent/5 + w2 progress/4 + w3 closeness; closeness
	 * is 1 up to close[0] days before the expected close, 0.5 up to
	 * close[1], else (or past it) 0.  A hair of tolerance keeps sums
	 * like 0.4 + 0.3 on the right side of a cut.
	 */
	crm_sql_add(q, "SELECT id, ");
	grade(q, "v + 1e-9", ">=", cut[1], lab[2], cut[0], lab[1], lab[0]);
	crm_sql_add(q, ", printf('%%.3f', v) FROM (SELECT c.id, "
	    "%.17g * coalesce(c.intent, 0) / 5.0 + %.17g * CASE c.progress "
	    "WHEN 'contacted' THEN 1 WHEN 'qualified' THEN 2 WHEN 'proposal' "
	    "THEN 3 WHEN 'negotiation' THEN 4 ELSE 0 END / 4.0 + %.17g * "
	    "CASE WHEN d BETWEEN 0 AND %.0f THEN 1 WHEN d BETWEEN 0 AND %.0f "
	    "THEN 0.5 ELSE 0 END AS v FROM (SELECT *, expected_close / 86400 "
	    "- ?1 / 86400 AS d FROM customer) AS c WHERE c.stage IN ('lead', "
	    "'prospect')) ORDER BY 1", w[0], w[1], w[2], close[0], close[1]);
	return CRM_EX_OK;
}

static int
service(struct crm_store *st, struct crm_sql *q)
{
	const struct crm_kind *k = crm_kind_customer();
	const struct crm_field *f;
	char lab[3][32];
	double cut[2];
	int rc;

	if ((rc = numbers(st, "tier.service.cuts", cut, 2)) != CRM_EX_OK ||
	    (rc = labels(st, "tier.service.labels", lab)) != CRM_EX_OK)
		return rc;
	crm_sql_add(q, "SELECT id, ");
	grade(q, "v", ">=", cut[1], lab[2], cut[0], lab[1], lab[0]);
	crm_sql_add(q, ", v FROM (SELECT c.id, ");
	crm_field_sql(q, k, "expectation", &f);
	crm_sql_add(q, " + ");
	crm_field_sql(q, k, "satisfaction", &f);
	crm_sql_add(q, " AS v FROM %s) WHERE v IS NOT NULL ORDER BY 1",
	    k->from);
	return CRM_EX_OK;
}

int
crm_tier_assign(struct crm_store *st, int scheme, int64_t since, int store,
    int64_t *run, long *n)
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
		sqlite3_bind_text(s, 1, schemes[scheme], -1, SQLITE_STATIC);
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
	switch (scheme) {
	case 0:
		rfm(&q, hist, since);
		break;
	case 1:
		rc = value(st, &q, hist, since);
		break;
	case 2:
		rc = presale(st, &q);
		break;
	default:
		rc = service(st, &q);
		break;
	}
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
