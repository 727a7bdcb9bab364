/* crm-ls: list records of a kind, filtered, with chosen fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

enum { OPT_DIR = CRM_OPT_OWN, OPT_TO };

static const struct crm_opt opts[] = {
	{ 'F', "fields", CRM_ARG_FIELDS, "fields", "the fields to print, "
	    "comma-separated (-F help lists them, -F all prints every one)",
	    NULL, 0, 0 },
	{ 's', "sort", CRM_ARG_SORT, "[-]field,...", "sort by these fields "
	    "(- before one: descending), then by id", NULL, 0, 0 },
	{ 'l', "limit", CRM_ARG_INT, "limit", "print at most limit records",
	    NULL, 0, 0 },
	{ OPT_DIR, "dir", CRM_ARG_DIR, "dir", "with -o vcard: one .vcf file "
	    "per card in dir, named by a hash of its UID", NULL, 0, 0 },
	{ OPT_TO, "to", CRM_ARG_FILE, "file", "with -o xlsx: write the "
	    "workbook to file rather than standard output", NULL, 0, 0 },
	{ 0, "kind", CRM_ARG_KIND, "[kind]", "the kind of record (default: "
	    "customer)", NULL, 0, 0 },
	{ 0 },
};

static const char *const typenames[] = {
	"id", "text", "integer", "one of", "date", "date-time", "money",
	"e-mail", "phone", "number", "days", "id of",
};

/* -F help: the fields of the kind, for people and completion scripts. */
static int
fields(const struct crm_kind *k)
{
	const struct crm_field *f;
	int i, j;

	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		printf("%s\t%s", f->name, typenames[f->type]);
		if (f->type == CRM_T_REF)
			printf(" %s", f->refkind);
		if (f->type == CRM_T_ENUM)
			for (j = 0; f->values[j] != NULL; j++)
				printf("%s%s", j ? "," : " ", f->values[j]);
		if (f->type == CRM_T_INT)
			printf(" %lld-%lld", (long long)f->min,
			    (long long)f->max);
		printf("%s\n", f->flags & CRM_F_PERSONAL ? "\tpersonal" : "");
	}
	if (k->attrs)
		printf("attr.KEY\ttext\tfree attribute\n");
	if (k->tags)
		printf("tag.NAME\ttrue or false\tin filters\n");
	return CRM_EX_OK;
}

#define VCARD_FIELDS	"ref,name,email,phone,company,city,region,country," \
	"birthday,notes,id"

/* One vCard from a row of VCARD_FIELDS (in crm_vcard_fields' order). */
static int
card(struct crm_vcard_out *vo, const struct crm_cols *cols, sqlite3_stmt *s)
{
	const char *v[CRM_VCARD_NOUT];
	char buf[CRM_VCARD_NOUT][64];
	enum crm_vt t;
	int i;

	for (i = 0; i < CRM_VCARD_NOUT; i++)
		v[i] = crm_cols_text(cols, s, i, 0, 2, buf[i], sizeof buf[i],
		    &t);
	return crm_vcard_out_put(vo, sqlite3_column_int64(s, CRM_VCARD_NOUT),
	    v);
}

/* One row into a sheet: each cell typed by its field. */
static void
sheet_row(struct crm_xlsx *x, const struct crm_cols *cols, sqlite3_stmt *s,
    int decimals)
{
	const struct crm_field *f;
	double unit = 1;
	int i;

	for (i = 0; i < decimals; i++)
		unit *= 10;
	for (i = 0; i < cols->n; i++) {
		f = cols->fields[i];
		if (sqlite3_column_type(s, i) == SQLITE_NULL) {
			crm_xlsx_text(x, NULL);
			continue;
		}
		if (f == NULL) {
			/* tag.NAME is a truth value; attr.KEY text. */
			if (strncmp(cols->names[i], "tag.", 4) == 0)
				crm_xlsx_num(x, CRM_X_BOOL,
				    sqlite3_column_int(s, i));
			else
				crm_xlsx_text(x, (const char *)
				    sqlite3_column_text(s, i));
			continue;
		}
		switch (f->type) {
		case CRM_T_ID:
		case CRM_T_REF:
		case CRM_T_INT:
		case CRM_T_DAYS:
		case CRM_T_REAL:
			crm_xlsx_num(x, CRM_X_NUM, sqlite3_column_double(s, i));
			break;
		case CRM_T_MONEY:
			crm_xlsx_num(x, CRM_X_MONEY, (double)
			    sqlite3_column_int64(s, i) / unit);
			break;
		case CRM_T_DATE:
		case CRM_T_TIME:
			crm_xlsx_num(x, f->type == CRM_T_DATE ? CRM_X_DATE :
			    CRM_X_TIME, (double)sqlite3_column_int64(s, i));
			break;
		default:
			crm_xlsx_text(x, (const char *)sqlite3_column_text(s,
			    i));
			break;
		}
	}
}

static int
sortby(struct crm_sql *q, const struct crm_kind *k, const char *list)
{
	const struct crm_field *f;
	char *dup, *p, *tok, hint[96];
	int desc, rc = CRM_EX_OK;

	if ((dup = strdup(list)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	for (p = dup; (tok = strsep(&p, ",")) != NULL;) {
		desc = *tok == '-';
		tok += desc;
		crm_sql_add(q, " ");
		if (crm_field_known(k, tok, hint, sizeof hint) != 0 ||
		    crm_field_sql(q, k, tok, &f) != 0) {
			rc = crm_err(CRM_EX_USAGE, NULL, "-s: %s: no such "
			    "field%s", tok, hint);
			break;
		}
		crm_sql_add(q, " %s,", desc ? "DESC NULLS LAST" :
		    "ASC NULLS LAST");
	}
	free(dup);
	return rc;
}

static int
ls(struct crm_cli *cli, const char *kname, const char *flist,
    const char *sort, long limit, const char *dir, const char *to)
{
	const struct crm_kind *k;
	struct crm_vcard_out *vo = NULL;
	struct crm_xlsx *xo = NULL;
	char cur[8];
	struct crm_store *st = NULL;
	struct crm_cols cols = { 0 };
	struct crm_sql q = { 0 };
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	char *all = NULL;
	long n = 0;
	int rc;

	if ((rc = crm_kind_get(kname, &k)) != CRM_EX_OK)
		return rc;
	if (flist != NULL && strcmp(flist, "help") == 0)
		return fields(k);
	if (cli->fmt == CRM_FMT_VCARD) {
		/* Cards carry fixed fields: -F does not apply. */
		if (k != crm_kind_customer() || flist != NULL)
			return crm_err(CRM_EX_USAGE, NULL, "-o vcard: "
			    "customers only, without -F");
		flist = VCARD_FIELDS;
	} else if (dir != NULL)
		return crm_err(CRM_EX_USAGE, NULL, "--dir: only with -o vcard");
	if (to != NULL && cli->fmt != CRM_FMT_XLSX)
		return crm_err(CRM_EX_USAGE, NULL, "--to: only with -o xlsx");
	/* -F all: every field, the store's attributes among them. */
	if ((flist == NULL || strcmp(flist, "all") != 0) &&
	    (rc = crm_cols_parse(&cols, k, "-F", flist != NULL ? flist :
	    k->deflist)) != CRM_EX_OK)
		return rc;
	/* Check the filter before touching the store. */
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_stats_historic(st, &q.hist)) != CRM_EX_OK)
		goto out;
	if (cols.n == 0 && ((rc = crm_fields_all(st, k, &all)) != CRM_EX_OK ||
	    (rc = crm_cols_parse(&cols, k, "-F", all)) != CRM_EX_OK))
		goto out;
	crm_sql_add(&q, "SELECT ");
	crm_cols_select(&q, k, &cols, cli->fmt == CRM_FMT_JSON);
	crm_sql_from(&q, k);
	if (cli->where != NULL) {
		crm_sql_add(&q, " WHERE ");
		if ((rc = crm_filter_compile(&q, k, cli->where,
		    crm_store_decimals(st), cli->now)) != CRM_EX_OK)
			goto out;
	}
	crm_sql_add(&q, " ORDER BY");
	if (sort != NULL && (rc = sortby(&q, k, sort)) != CRM_EX_OK)
		goto out;
	crm_sql_add(&q, " c.id");
	if (limit >= 0) {
		crm_sql_add(&q, " LIMIT ");
		crm_sql_int(&q, limit);
	}
	if ((rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK ||
	    (cli->fmt == CRM_FMT_VCARD && (rc = crm_vcard_out_open(&vo, st,
	    dir)) != CRM_EX_OK))
		goto out;
	/* A workbook of one sheet, named after the kind; no title. */
	if (!cli->quiet && cli->fmt == CRM_FMT_XLSX && ((rc =
	    crm_setting_get(st, "currency", cur, sizeof cur)) != CRM_EX_OK ||
	    (rc = crm_xlsx_open(&xo, to, cur, crm_store_decimals(st))) !=
	    CRM_EX_OK || (rc = crm_xlsx_sheet(xo, k->name, NULL, NULL, cols.n,
	    (const char *const *)cols.names)) != CRM_EX_OK))
		goto out;
	if (!cli->quiet && cli->fmt != CRM_FMT_VCARD && cli->fmt !=
	    CRM_FMT_XLSX && (o = crm_out_new(stdout,
	    cli->fmt, cli->header,
	    cols.n, (const char *const *)cols.names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cli->quiet)
			break;
		if (cli->fmt == CRM_FMT_VCARD) {
			if ((rc = card(vo, &cols, s)) != CRM_EX_OK)
				goto out;
			continue;
		}
		if (xo != NULL) {
			sheet_row(xo, &cols, s, crm_store_decimals(st));
			if ((rc = crm_xlsx_endrow(xo)) != CRM_EX_OK)
				goto out;
			continue;
		}
		crm_cols_row(&cols, s, 0, crm_store_decimals(st), o);
		crm_out_endrow(o);
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? (n > 0 ? CRM_EX_OK :
	    CRM_EX_NONE) : crm_sqlerr(st, rc);
out:
	rc = crm_xlsx_close(xo, rc);
	crm_vcard_out_close(vo);
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_sql_free(&q);
	crm_cols_free(&cols);
	free(all);
	crm_store_close(st);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *flist = NULL, *sort = NULL, *dir = NULL, *to = NULL;
	long limit = -1;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dwoHqAV");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case 'F':
			flist = cli.arg;
			break;
		case 's':
			sort = cli.arg;
			break;
		case OPT_DIR:
			dir = cli.arg;
			break;
		case OPT_TO:
			to = cli.arg;
			break;
		case 'l':
			limit = (long)cli.num;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (argc > 1)
		return crm_usage_err(&cli, "\"%s\": one kind at most",
		    argv[1]);
	return crm_cli_end(&cli, ls(&cli, argc ? argv[0] : "customer", flist,
	    sort, limit, dir, to));
}
