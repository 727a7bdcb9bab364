/* crm-show: one customer's profile, attributes and tags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

static const char usage[] = "[-d path] [-o fmt] [--asof date] [id ...]";

/* Emit one name/value pair in the chosen format. */
struct shower {
	enum crm_fmt	 fmt;
	struct crm_out	*table;
	int		 n;
};

static void
pair(struct shower *sh, const char *name, enum crm_vt t, const char *v)
{
	if (v == NULL)
		return;
	switch (sh->fmt) {
	case CRM_FMT_JSON:
		fputs(sh->n++ ? "," : "{", stdout);
		crm_json_put(stdout, name);
		putchar(':');
		if (t == CRM_V_NUM)
			fputs(v, stdout);
		else
			crm_json_put(stdout, v);
		break;
	case CRM_FMT_TABLE:
		crm_out_cell(sh->table, CRM_V_STR, name);
		crm_out_cell(sh->table, CRM_V_STR, v);
		crm_out_endrow(sh->table);
		break;
	case CRM_FMT_CSV:
		crm_out_cell(sh->table, CRM_V_STR, name);
		crm_out_cell(sh->table, t, v);
		crm_out_endrow(sh->table);
		break;
	default:
		fputs(name, stdout);
		putchar('\t');
		crm_tsv_put(stdout, v);
		putchar('\n');
		break;
	}
}

static int
show1(struct crm_store *st, struct shower *sh, int64_t id)
{
	const struct crm_kind *k = crm_kind_customer();
	static const char *const names[] = { "field", "value" };
	struct crm_cols cols = { 0 };
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char *list = NULL;
	size_t len = 0, n = 0;
	FILE *mem;
	int i, rc, ntags = 0;

	/* Every stored field, formatted by the kind table. */
	if ((mem = open_memstream(&list, &len)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	for (i = 0; i < k->nfields; i++)
		if (k->fields[i].column != NULL)
			fprintf(mem, "%s%s", n++ ? "," : "", k->fields[i].name);
	fclose(mem);
	if ((rc = crm_cols_parse(&cols, k, list)) != CRM_EX_OK)
		goto out;
	crm_sql_add(&q, "SELECT ");
	for (i = 0; i < cols.n; i++)
		crm_sql_add(&q, "%sc.%s", i ? ", " : "",
		    cols.fields[i]->column);
	crm_sql_add(&q, " FROM customer AS c WHERE c.id = ");
	crm_sql_int(&q, id);
	if ((rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? crm_err(CRM_EX_NONE, NULL, "%lld: no "
		    "such customer", (long long)id) : crm_sqlerr(st, rc);
		goto out;
	}
	sh->n = 0;
	if (sh->fmt != CRM_FMT_JSON && sh->fmt != CRM_FMT_TSV &&
	    (sh->table = crm_out_new(stdout, sh->fmt, 0, 2, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < cols.n; i++) {
		const struct crm_field *f = cols.fields[i];
		char v[64];
		const char *txt;
		enum crm_vt t = CRM_V_STR;

		if (sqlite3_column_type(s, i) == SQLITE_NULL)
			continue;
		txt = (const char *)sqlite3_column_text(s, i);
		switch (f->type) {
		case CRM_T_DATE:
			crm_date_fmt(sqlite3_column_int64(s, i), v, sizeof v);
			txt = v;
			break;
		case CRM_T_TIME:
			crm_time_fmt(sqlite3_column_int64(s, i), v, sizeof v);
			txt = v;
			break;
		case CRM_T_MONEY:
			crm_money_fmt(sqlite3_column_int64(s, i),
			    crm_store_decimals(st), v, sizeof v);
			txt = v;
			break;
		case CRM_T_ID:
		case CRM_T_INT:
			t = CRM_V_NUM;
			break;
		default:
			break;
		}
		pair(sh, f->json, t, txt);
	}
	sqlite3_finalize(s);
	s = NULL;
	/* Free attributes, by key. */
	if ((rc = crm_prepare(st, "SELECT key, value FROM attr WHERE "
	    "customer = ? ORDER BY key", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char key[80];

		snprintf(key, sizeof key, "attr.%s", sqlite3_column_text(s,
		    0));
		pair(sh, key, CRM_V_STR, (const char *)sqlite3_column_text(s,
		    1));
	}
	sqlite3_finalize(s);
	s = NULL;
	/* Tags, one line each with where they come from. */
	if ((rc = crm_prepare(st, "SELECT tag, origin FROM tag WHERE "
	    "customer = ? ORDER BY tag", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (sh->fmt == CRM_FMT_JSON)
		fputs(sh->n++ ? ",\"tags\":[" : "{\"tags\":[", stdout);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *tag = (const char *)sqlite3_column_text(s, 0);
		const char *origin = (const char *)sqlite3_column_text(s, 1);
		char v[160];

		if (sh->fmt == CRM_FMT_JSON) {
			fputs(ntags++ ? "," : "", stdout);
			crm_json_put(stdout, tag);
			continue;
		}
		if (strcmp(origin, "manual") == 0)
			snprintf(v, sizeof v, "%s", tag);
		else
			snprintf(v, sizeof v, "%s (%s)", tag, origin);
		pair(sh, "tag", CRM_V_STR, v);
	}
	if (sh->fmt == CRM_FMT_JSON)
		fputs("]}\n", stdout);
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	crm_out_free(sh->table);
	sh->table = NULL;
	free(list);
	sqlite3_finalize(s);
	crm_sql_free(&q);
	crm_cols_free(&cols);
	return rc;
}

static int
show(struct crm_cli *cli, int argc, char **argv)
{
	struct crm_store *st = NULL;
	struct crm_ids ids = { 0 };
	struct shower sh = { cli->fmt, NULL, 0 };
	size_t i;
	int rc, one, missing = 0;

	if ((rc = crm_ids_read(&ids, argc, argv)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	for (i = 0; i < ids.n; i++) {
		if (i > 0 && cli->fmt != CRM_FMT_JSON)
			putchar('\n');
		one = show1(st, &sh, ids.v[i]);
		if (one == CRM_EX_NONE)
			missing = 1;
		else if (one != CRM_EX_OK) {
			rc = one;
			goto out;
		}
	}
	rc = missing || ids.n == 0 ? CRM_EX_NONE : CRM_EX_OK;
out:
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	int c;

	crm_cli_begin(&cli, argc, argv, usage, "doA");
	while ((c = crm_cli_next(&cli, "", NULL)) != -1)
		return crm_usage(&cli);
	argc -= cli.optind;
	argv += cli.optind;
	return crm_cli_end(&cli, show(&cli, argc, argv));
}
