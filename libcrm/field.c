/*
 * field.c: the field names users write (-w, -F, --by, -s): their SQL,
 * which a kind has, the nearest one to a name it has not ("did you
 * mean"), and field lists (-F).  Above query.c (SQL text), metric.c (the
 * metrics' SQL) and tier.c (the schemes of tier.SCHEME).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

int
crm_field_sql(struct crm_sql *q, const struct crm_kind *k, const char *name,
    const struct crm_field **ftype)
{
	const struct crm_field *f;
	const char *expr;

	*ftype = NULL;
	if (k->attrs && strncmp(name, "attr.", 5) == 0) {
		if (!crm_attr_key_valid(name + 5))
			return -1;
		crm_sql_add(q, "(SELECT value FROM attr WHERE attr.customer = "
		    "c.id AND attr.key = ");
		crm_sql_text(q, name + 5);
		crm_sql_add(q, ")");
		return 0;
	}
	if (k->tags && strncmp(name, "tag.", 4) == 0) {
		if (!crm_tag_valid(name + 4))
			return -1;
		crm_sql_add(q, "EXISTS (SELECT 1 FROM tag WHERE tag.customer = "
		    "c.id AND tag.tag = ");
		crm_sql_text(q, name + 4);
		crm_sql_add(q, ")");
		return 0;
	}
	if (k->tags && strncmp(name, "tier.", 5) == 0) {
		/*
		 * The latest run of the scheme; NULL for those it left out.
		 * Whether crm has the scheme is crm_field_known's to say.
		 */
		if (!crm_tag_valid(name + 5))
			return -1;
		crm_sql_add(q, "(SELECT t.tier FROM tier AS t WHERE t.customer "
		    "= c.id AND t.run = (SELECT max(id) FROM tier_run WHERE "
		    "scheme = ");
		crm_sql_text(q, name + 5);
		crm_sql_add(q, "))");
		return 0;
	}
	if ((f = crm_kind_field(k, name)) == NULL)
		return -1;
	*ftype = f;
	if (f->column != NULL)
		crm_sql_add(q, "c.%s", f->column);
	else if (f->flags & CRM_F_METRIC)
		return crm_metric_sql(q, f->name, "c.id");
	else if ((expr = crm_kind_expr(k, f)) != NULL)
		crm_sql_add(q, "%s", expr);
	else
		return -1;
	return 0;
}

int
crm_field_known(const struct crm_kind *k, const char *name, char *hint,
    size_t n)
{
	const char **names;
	const char *near = NULL;
	int i;

	if (n > 0)
		hint[0] = '\0';
	if ((k->attrs && strncmp(name, "attr.", 5) == 0 &&
	    crm_attr_key_valid(name + 5)) ||
	    (k->tags && strncmp(name, "tag.", 4) == 0 &&
	    crm_tag_valid(name + 4)) ||
	    (k->tags && strncmp(name, "tier.", 5) == 0 &&
	    crm_tier_scheme(name + 5) >= 0) ||
	    crm_kind_field(k, name) != NULL)
		return 0;
	if ((names = calloc((size_t)k->nfields, sizeof *names)) != NULL) {
		for (i = 0; i < k->nfields; i++)
			names[i] = k->fields[i].name;
		near = crm_suggest(name, names, (size_t)k->nfields);
	}
	if (near != NULL && n > 0)
		snprintf(hint, n, " (did you mean %s?)", near);
	free(names);
	return -1;
}

static int
grow(struct crm_cols *cols)
{
	char **names;
	const struct crm_field **fields;

	names = realloc(cols->names, (cols->n + 1) * sizeof *cols->names);
	if (names != NULL)
		cols->names = names;
	fields = realloc(cols->fields, (cols->n + 1) * sizeof *cols->fields);
	if (fields != NULL)
		cols->fields = fields;
	if (names == NULL || fields == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	return CRM_EX_OK;
}

int
crm_cols_parse(struct crm_cols *cols, const struct crm_kind *k,
    const char *opt, const char *list)
{
	struct crm_sql probe = { 0 };
	char *dup, *p, *tok, hint[96];
	int rc = CRM_EX_OK;

	memset(cols, 0, sizeof *cols);
	if ((dup = strdup(list)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	for (p = dup; (tok = strsep(&p, ",")) != NULL;) {
		const struct crm_field *f;

		if (*tok == '\0') {
			rc = crm_err(CRM_EX_USAGE, NULL, "%s: an empty field "
			    "name in \"%s\"", opt, list);
			break;
		}
		/* Far below SQLite's 2,000 columns of a result. */
		if (cols->n == CRM_COLS_MAX) {
			rc = crm_err(CRM_EX_USAGE, NULL, "%s: more than %d "
			    "fields", opt, CRM_COLS_MAX);
			break;
		}
		if (crm_field_known(k, tok, hint, sizeof hint) != 0 ||
		    crm_field_sql(&probe, k, tok, &f) != 0) {
			rc = crm_err(CRM_EX_USAGE, NULL, "%s: %s: no such "
			    "field of %s%s", opt, tok, k->name, *hint != '\0' ?
			    hint : " (crm-ls -F help lists them)");
			break;
		}
		if ((rc = grow(cols)) != CRM_EX_OK)
			break;
		if ((cols->names[cols->n] = strdup(tok)) == NULL) {
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
			break;
		}
		cols->fields[cols->n++] = f;
	}
	crm_sql_free(&probe);
	free(dup);
	if (rc != CRM_EX_OK)
		crm_cols_free(cols);
	return rc;
}

void
crm_cols_free(struct crm_cols *cols)
{
	int i;

	for (i = 0; i < cols->n; i++)
		free(cols->names[i]);
	free(cols->names);
	free(cols->fields);
	memset(cols, 0, sizeof *cols);
}
