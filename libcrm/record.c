/*
 * record.c: a record with every field, in one shape wherever it is
 * written (crm(7) "JSON records"): crm-ls -F all, crm-show -o json and
 * crm-export print the same object for a customer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

/* Every stored field but the match keys, the computed ones, the metrics. */
static int
shown(const struct crm_kind *k, const struct crm_field *f)
{
	if (f->flags & CRM_F_DERIVED)
		return 0;
	return f->column != NULL || crm_kind_expr(k, f) != NULL ||
	    (f->flags & CRM_F_METRIC);
}

int
crm_fields_all(struct crm_store *st, const struct crm_kind *k, char **list)
{
	const struct crm_scheme *sch;
	sqlite3_stmt *s = NULL;
	size_t len = 0;
	FILE *fp;
	int i, n = 0, rc = CRM_EX_OK, attrs = !k->attrs;

	*list = NULL;
	if ((fp = open_memstream(list, &len)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	for (i = 0; i < k->nfields; i++) {
		/* The attributes the store holds, before the metrics. */
		if (!attrs && (k->fields[i].flags & CRM_F_METRIC)) {
			attrs = 1;
			if ((rc = crm_prepare(st, "SELECT DISTINCT key FROM "
			    "attr ORDER BY key", &s)) != CRM_EX_OK)
				goto out;
			while ((rc = sqlite3_step(s)) == SQLITE_ROW)
				fprintf(fp, "%sattr.%s", n++ ? "," : "",
				    (const char *)sqlite3_column_text(s, 0));
			if (rc != SQLITE_DONE) {
				rc = crm_sqlerr(st, rc);
				goto out;
			}
			rc = CRM_EX_OK;
		}
		if (shown(k, &k->fields[i]))
			fprintf(fp, "%s%s", n++ ? "," : "", k->fields[i].name);
	}
	for (i = 0; k->tags && (sch = crm_scheme_nth(i)) != NULL; i++)
		fprintf(fp, ",tier.%s", sch->name);
out:
	sqlite3_finalize(s);
	if (fclose(fp) != 0 && rc == CRM_EX_OK)
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if (rc != CRM_EX_OK) {
		free(*list);
		*list = NULL;
	}
	return rc;
}

/*
 * The latest tier of a scheme as {"scheme", "tier", "score", "asof"}:
 * the score a number when it is one (all of crm-tier(1)'s are), the day
 * of the run.
 */
#define TIER \
	"json_object('scheme', r.scheme, 'tier', t.tier, 'score', CASE WHEN " \
	    "json_valid(t.score) AND json_type(t.score) IN ('integer', " \
	    "'real') THEN json(t.score) ELSE t.score END, 'asof', " \
	    "date(r.asof, 'unixepoch')) FROM tier AS t JOIN tier_run AS r ON " \
	    "r.id = t.run"

static void
tier(struct crm_sql *q, const char *scheme)
{
	crm_sql_add(q, "(SELECT " TIER " WHERE t.customer = c.id AND t.run = "
	    "(SELECT max(id) FROM tier_run WHERE scheme = ");
	crm_sql_text(q, scheme);
	crm_sql_add(q, "))");
}

void
crm_cols_select(struct crm_sql *q, const struct crm_kind *k,
    struct crm_cols *cols, int json)
{
	const struct crm_field *f;
	int i;

	cols->json = json;
	for (i = 0; i < cols->n; i++) {
		crm_sql_add(q, "%s", i ? ", " : "");
		if (json && k->tags && strncmp(cols->names[i], "tier.", 5) == 0)
			tier(q, cols->names[i] + 5);
		else
			crm_field_sql(q, k, cols->names[i], &f);
	}
}

/*
 * The records of k whose column col is id, in id order, as JSON objects
 * with every field, comma-separated; open: the last without its closing
 * brace and newline.  *n: how many.
 */
static int
records(struct crm_store *st, const struct crm_kind *k, const char *col,
    int64_t id, FILE *fp, int open, long *n)
{
	struct crm_cols cols = { 0 };
	struct crm_sql q = { 0 };
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	char *list = NULL;
	int rc;

	*n = 0;
	if ((rc = crm_fields_all(st, k, &list)) != CRM_EX_OK ||
	    (rc = crm_cols_parse(&cols, k, "-F", list)) != CRM_EX_OK ||
	    (rc = crm_stats_historic(st, &q.hist)) != CRM_EX_OK)
		goto out;
	crm_sql_add(&q, "SELECT ");
	crm_cols_select(&q, k, &cols, 1);
	crm_sql_add(&q, " FROM %s WHERE c.%s = ", k->def->from, col);
	crm_sql_int(&q, id);
	crm_sql_add(&q, " ORDER BY c.id");
	if ((rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	if ((o = crm_out_new(fp, CRM_FMT_JSON, 0, cols.n,
	    (const char *const *)cols.names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((*n)++ > 0)
			putc(',', fp);
		crm_cols_row(&cols, s, 0, crm_store_decimals(st), o);
		/* JSON Lines end each object with a newline; here only the
		 * caller's last. */
		crm_out_endrow_open(o);
		if (!open)
			putc('}', fp);
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_sql_free(&q);
	crm_cols_free(&cols);
	free(list);
	return rc;
}

int
crm_record_json(struct crm_store *st, const struct crm_kind *k, int64_t id,
    FILE *fp, int open)
{
	long n;
	int rc;

	if ((rc = records(st, k, "id", id, fp, open, &n)) != CRM_EX_OK)
		return rc;
	return n > 0 ? CRM_EX_OK : CRM_EX_NONE;
}

int
crm_records_json(struct crm_store *st, const struct crm_kind *k,
    int64_t customer, FILE *fp)
{
	long n;

	return records(st, k, "customer", customer, fp, 0, &n);
}

int
crm_tiers_json(struct crm_store *st, int64_t customer, FILE *fp)
{
	sqlite3_stmt *s = NULL;
	int rc, n = 0;

	if ((rc = crm_prepare(st, "SELECT " TIER " WHERE t.customer = ?1 "
	    "ORDER BY r.id", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, customer);
	putc('[', fp);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fprintf(fp, "%s%s", n++ ? "," : "", (const char *)
		    sqlite3_column_text(s, 0));
	putc(']', fp);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

int
crm_money_stored(struct crm_store *st, int *yes)
{
	const struct crm_kind *k;
	sqlite3_stmt *s = NULL;
	char sql[256];
	int i, n, rc;

	*yes = 0;
	for (n = 0; (k = crm_kind_nth(n)) != NULL && !*yes; n++)
		for (i = 0; i < k->nfields && !*yes; i++) {
			if (k->fields[i].type != CRM_T_MONEY ||
			    k->fields[i].column == NULL)
				continue;
			snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s "
			    "IS NOT NULL LIMIT 1", k->def->table,
			    k->fields[i].column);
			if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
				return rc;
			*yes = sqlite3_step(s) == SQLITE_ROW;
			sqlite3_finalize(s);
		}
	return CRM_EX_OK;
}

/* A customer's history, one event at a time (crm_timeline_open). */
struct crm_timeline {
	struct crm_store	*st;
	sqlite3_stmt		*s;	/* ts, kind's name, id, kind's number */
	sqlite3_stmt		**rec;	/* each kind's stored fields of ?99 */
	int			 nk;
	int			 decimals;
	char			*says;
	size_t			 len;
};

/*
 * The stored fields of kind k, in its order, of record ?99: each with a
 * column and customer_ref (which names the customer), none derived, as
 * struct crm_kind_def's says reads them.
 */
static int
stored(struct crm_store *st, const struct crm_kind *k, sqlite3_stmt **s)
{
	struct crm_sql q = { 0 };
	const struct crm_field *f;
	int i, n = 0, rc;

	crm_sql_add(&q, "SELECT ");
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if ((f->flags & CRM_F_DERIVED) || (f->column == NULL &&
		    !(f->flags & CRM_F_REFKEY)))
			continue;
		crm_sql_add(&q, "%s", n++ ? ", " : "");
		crm_field_sql(&q, k, f->name, &f);
	}
	crm_sql_from(&q, k);
	crm_sql_add(&q, " WHERE c.id = ?99");
	rc = crm_sql_prepare(st, &q, s);
	crm_sql_free(&q);
	return rc;
}

int
crm_timeline_open(struct crm_timeline **out, struct crm_store *st,
    int64_t customer)
{
	const struct crm_cli *cli = crm_store_cli(st);
	struct crm_timeline *t;
	struct crm_sql q = { 0 };
	const struct crm_kind *k;
	int rc, ev = 0;

	if ((*out = t = calloc(1, sizeof *t)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	t->st = st;
	t->decimals = crm_store_decimals(st);
	crm_sql_add(&q, "SELECT * FROM (");
	for (t->nk = 0; (k = crm_kind_nth(t->nk)) != NULL; t->nk++)
		if (k->def->when != NULL)
			crm_sql_add(&q, "%sSELECT %s AS ts, '%s', id, %d FROM "
			    "%s WHERE customer = ?1", ev++ ? " UNION ALL " :
			    "", k->def->when, k->name, t->nk, k->def->table);
	/* Up to the end of the --asof day (?2): nothing after counts. */
	crm_sql_add(&q, ") WHERE ?2 IS NULL OR ts <= ?2 ORDER BY 1 DESC, 2, "
	    "3 DESC");
	if ((t->rec = calloc(t->nk, sizeof *t->rec)) == NULL)
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	else if ((rc = crm_sql_prepare(st, &q, &t->s)) == CRM_EX_OK) {
		sqlite3_bind_int64(t->s, 1, customer);
		if (cli->asofset)
			sqlite3_bind_int64(t->s, 2, cli->now);
	}
	crm_sql_free(&q);
	return rc;
}

int
crm_timeline_next(struct crm_timeline *t, struct crm_event *ev)
{
	sqlite3_stmt *r;
	FILE *mem;
	int n, rc;

	do {
		if ((rc = sqlite3_step(t->s)) != SQLITE_ROW)
			return rc == SQLITE_DONE ? CRM_EX_NONE :
			    crm_sqlerr(t->st, rc);
		n = sqlite3_column_int(t->s, 3);
		ev->kind = crm_kind_nth(n);
		if (t->rec[n] == NULL && (rc = stored(t->st, ev->kind,
		    &t->rec[n])) != CRM_EX_OK)
			return rc;
		r = t->rec[n];
		sqlite3_reset(r);
		sqlite3_bind_int64(r, 99, sqlite3_column_int64(t->s, 2));
		if ((rc = sqlite3_step(r)) != SQLITE_ROW && rc != SQLITE_DONE)
			return crm_sqlerr(t->st, rc);
	} while (rc != SQLITE_ROW);
	ev->ts = sqlite3_column_int64(t->s, 0);
	ev->id = sqlite3_column_int64(t->s, 2);
	free(t->says);
	t->says = NULL;
	if ((mem = open_memstream(&t->says, &t->len)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	ev->kind->def->says(mem, r, t->decimals);
	rc = fclose(mem);
	sqlite3_reset(r);
	if (rc != 0)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	ev->says = t->says;
	return CRM_EX_OK;
}

void
crm_timeline_close(struct crm_timeline *t)
{
	int n;

	if (t == NULL)
		return;
	for (n = 0; t->rec != NULL && n < t->nk; n++)
		sqlite3_finalize(t->rec[n]);
	free(t->rec);
	sqlite3_finalize(t->s);
	free(t->says);
	free(t);
}
