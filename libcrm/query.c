/*
 * query.c: SQL text built piecewise with every value bound, the SQL of
 * fields, and the output of field lists (-F).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

static void
oom(void)
{
	crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	exit(CRM_EX_SOFTWARE);
}

void
crm_sql_add(struct crm_sql *q, const char *fmt, ...)
{
	va_list ap;
	size_t cap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (q->len + (size_t)n + 1 > q->cap) {
		cap = q->cap ? q->cap : 256;
		while (cap < q->len + (size_t)n + 1)
			cap *= 2;
		if ((q->buf = realloc(q->buf, cap)) == NULL)
			oom();
		q->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(q->buf + q->len, q->cap - q->len, fmt, ap);
	va_end(ap);
	q->len += (size_t)n;
}

static struct crm_bind *
newbind(struct crm_sql *q)
{
	if (q->nb == 0)
		q->nb = 1;	/* ?1 is always "now" */
	if (q->nb >= q->capb) {
		q->capb = q->capb ? q->capb * 2 : 16;
		if ((q->b = realloc(q->b, q->capb * sizeof *q->b)) == NULL)
			oom();
	}
	memset(&q->b[q->nb], 0, sizeof q->b[q->nb]);
	crm_sql_add(q, "?%d", q->nb + 1);
	return &q->b[q->nb++];
}

void
crm_sql_text(struct crm_sql *q, const char *s)
{
	struct crm_bind *b = newbind(q);

	if ((b->s = strdup(s)) == NULL)
		oom();
}

void
crm_sql_int(struct crm_sql *q, int64_t v)
{
	struct crm_bind *b = newbind(q);

	b->isint = 1;
	b->i = v;
}

void
crm_sql_from(struct crm_sql *q, const struct crm_kind *k)
{
	crm_sql_add(q, " FROM %s", k->def->from);
}

void
crm_sql_double(struct crm_sql *q, double v)
{
	struct crm_bind *b = newbind(q);

	b->isint = 2;
	b->d = v;
}

int
crm_sql_prepare(struct crm_store *st, struct crm_sql *q, sqlite3_stmt **s)
{
	int rc, i, n;

	if ((rc = crm_prepare(st, q->buf, s)) != CRM_EX_OK)
		return rc;
	n = sqlite3_bind_parameter_count(*s);
	if (n >= 1)
		sqlite3_bind_int64(*s, 1, crm_store_cli(st)->now);
	for (i = 1; i < q->nb && i < n; i++) {
		if (q->b[i].isint == 1)
			sqlite3_bind_int64(*s, i + 1, q->b[i].i);
		else if (q->b[i].isint == 2)
			sqlite3_bind_double(*s, i + 1, q->b[i].d);
		else
			sqlite3_bind_text(*s, i + 1, q->b[i].s, -1,
			    SQLITE_TRANSIENT);
	}
	return CRM_EX_OK;
}

void
crm_sql_free(struct crm_sql *q)
{
	int i;

	for (i = 1; i < q->nb; i++)
		free(q->b[i].s);
	free(q->b);
	free(q->buf);
	memset(q, 0, sizeof *q);
}

const char *
crm_field_text(const struct crm_field *f, sqlite3_stmt *s, int c,
    int decimals, char *buf, size_t n, enum crm_vt *t)
{
	*t = CRM_V_STR;
	if (sqlite3_column_type(s, c) == SQLITE_NULL) {
		*t = CRM_V_NULL;
		return NULL;
	}
	switch (f != NULL ? f->type : CRM_T_TEXT) {
	case CRM_T_ID:
	case CRM_T_REF:
	case CRM_T_INT:
	case CRM_T_DAYS:
	case CRM_T_REAL:
		*t = CRM_V_NUM;
		break;
	case CRM_T_DATE:
		crm_date_fmt(sqlite3_column_int64(s, c), buf, n);
		return buf;
	case CRM_T_TIME:
		crm_time_fmt(sqlite3_column_int64(s, c), buf, n);
		return buf;
	case CRM_T_MONEY:
		/* A JSON number with every minor digit (12.30), right. */
		*t = CRM_V_MONEY;
		crm_money_fmt(sqlite3_column_int64(s, c), decimals, buf, n);
		return buf;
	default:
		if (f != NULL && (f->flags & CRM_F_LIST))
			*t = CRM_V_LIST;
		/* A ref or an e-mail is whole or useless. */
		else if (f != NULL && (f->flags & (CRM_F_UNIQUE |
		    CRM_F_REFKEY)))
			*t = CRM_V_KEY;
		break;
	}
	return (const char *)sqlite3_column_text(s, c);
}

const char *
crm_cols_text(const struct crm_cols *cols, sqlite3_stmt *s, int i, int first,
    int decimals, char *buf, size_t n, enum crm_vt *t)
{
	/* A tier is an object in JSON (crm_cols_select). */
	if (cols->json && cols->fields[i] == NULL &&
	    strncmp(cols->names[i], "tier.", 5) == 0) {
		*t = sqlite3_column_type(s, first + i) == SQLITE_NULL ?
		    CRM_V_NULL : CRM_V_JSON;
		return (const char *)sqlite3_column_text(s, first + i);
	}
	/* tag.NAME is a truth value. */
	if (cols->fields[i] == NULL &&
	    strncmp(cols->names[i], "tag.", 4) == 0 &&
	    sqlite3_column_type(s, first + i) != SQLITE_NULL) {
		*t = CRM_V_BOOL;
		return sqlite3_column_int(s, first + i) ? "true" : "false";
	}
	return crm_field_text(cols->fields[i], s, first + i, decimals, buf, n,
	    t);
}

int
crm_out_rows(struct crm_store *st, struct crm_out *o, sqlite3_stmt *s,
    const char *types, long *n)
{
	int rc, c;

	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		(*n)++;
		if (o == NULL)
			continue;
		for (c = 0; types[c] != '\0'; c++)
			crm_out_cell(o, types[c] == 'n' ? CRM_V_NUM : CRM_V_STR,
			    (const char *)sqlite3_column_text(s, c));
		crm_out_endrow(o);
	}
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

void
crm_cols_row(const struct crm_cols *cols, sqlite3_stmt *s, int first,
    int decimals, struct crm_out *o)
{
	enum crm_vt t;
	const char *v;
	char buf[64];
	int i;

	for (i = 0; i < cols->n; i++) {
		v = crm_cols_text(cols, s, i, first, decimals, buf, sizeof buf,
		    &t);
		crm_out_cell(o, t, v);
	}
}
