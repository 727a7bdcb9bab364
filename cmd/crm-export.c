/*
 * crm-export: everything held about one customer as one JSON document,
 * for a data-subject access request: profile, attributes, tags, tiers,
 * every record of history, and the audit entries about them.  The
 * statistics among the customer's fields (recency, tenure, p_alive,
 * points ...) are as of --asof; everything held is printed whatever the
 * day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_SUBJECT = CRM_OPT_OWN };

/* The rows of sql (?1 = the customer) as JSON objects, comma-separated. */
static int
rows(struct crm_store *st, const char *sql, int64_t id)
{
	sqlite3_stmt *s = NULL;
	const char *v;
	enum crm_vt t;
	char buf[64];
	int rc, c, n = 0;

	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		fputs(n++ ? ",{" : "{", stdout);
		for (c = 0; c < sqlite3_column_count(s); c++) {
			if (sqlite3_column_type(s, c) == SQLITE_INTEGER)
				v = (const char *)sqlite3_column_text(s, c),
				    t = CRM_V_NUM;
			else
				v = crm_field_text(NULL, s, c,
				    crm_store_decimals(st), buf, sizeof buf,
				    &t);
			if (c > 0)
				putchar(',');
			crm_json_put(stdout, sqlite3_column_name(s, c));
			putchar(':');
			if (t == CRM_V_NULL)
				fputs("null", stdout);
			else if (t == CRM_V_NUM || t == CRM_V_MONEY)
				fputs(v, stdout);
			else
				crm_json_put(stdout, v);
		}
		putchar('}');
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? CRM_EX_OK :
	    crm_sqlerr(st, rc);
}

static int
export(struct crm_cli *cli, const char *arg)
{
	const struct crm_kind *k;
	struct crm_store *st = NULL;
	struct crm_ids ids = { 0 };
	struct crm_sql q = { 0 };
	int64_t id;
	int rc, i;

	if (crm_id_parse(arg, &id) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "\"%s\" is not a customer "
		    "id", arg);
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	ids.v = &id;
	ids.n = 1;
	rc = crm_ids_check(st, crm_kind_customer(), &ids, CRM_EX_NONE);
	ids.v = NULL;
	if (rc != CRM_EX_OK)
		goto out;
	/* The customer as crm-show and crm-ls -F all write it. */
	fputs("{\"customer\":", stdout);
	if ((rc = crm_record_json(st, crm_kind_customer(), id, stdout, 0)) !=
	    CRM_EX_OK)
		goto out;
	fputs(",\"attributes\":[", stdout);
	if ((rc = rows(st, "SELECT key, value FROM attr WHERE customer = ?1 "
	    "ORDER BY key", id)) != CRM_EX_OK)
		goto out;
	fputs("],\"tags\":[", stdout);
	if ((rc = rows(st, "SELECT tag, origin, date(since, 'unixepoch') AS "
	    "since FROM tag WHERE customer = ?1 ORDER BY tag", id)) !=
	    CRM_EX_OK)
		goto out;
	fputs("],\"tiers\":", stdout);
	if ((rc = crm_tiers_json(st, id, stdout)) != CRM_EX_OK)
		goto out;
	/* Every kind of history, in the kind table's order. */
	for (i = 1; (k = crm_kind_nth(i)) != NULL; i++) {
		if (crm_kind_owner(k) == NULL)
			continue;
		printf(",\"%s\":[", k->name);
		if ((rc = crm_records_json(st, k, id, stdout)) != CRM_EX_OK)
			goto out;
		putchar(']');
	}
	/*
	 * The snapshots merges kept of the person (of the customers merged
	 * into this one, and of this one), then every audit entry about the
	 * person or any of their records, of every kind.
	 */
	if ((rc = crm_person_load(st, id)) != CRM_EX_OK)
		goto out;
	fputs(",\"merges\":[", stdout);
	if ((rc = rows(st, "SELECT r.merge, strftime('%Y-%m-%dT%H:%M:%SZ', "
	    "m.ts, 'unixepoch') AS ts, m.keep, r.customer, r.what, r.data "
	    "FROM merge_row AS r JOIN merge AS m ON m.id = r.merge WHERE "
	    "r.what != 'move' AND r.customer IN (SELECT customer FROM "
	    "temp.person) ORDER BY r.merge, r.rowid", id)) !=
	    CRM_EX_OK)
		goto out;
	crm_sql_free(&q);
	crm_sql_add(&q, "SELECT id, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', ts, "
	    "'unixepoch') AS ts, user, command, kind, record, action, detail "
	    "FROM audit WHERE (kind IN ('customer', 'tag') AND record IN "
	    "(SELECT customer FROM temp.person)) OR (kind, record) IN (SELECT "
	    "kind, id FROM temp.person_rec)");
	crm_sql_add(&q, " ORDER BY id");
	fputs("],\"audit\":[", stdout);
	if ((rc = rows(st, q.buf, id)) != CRM_EX_OK)
		goto out;
	fputs("]}\n", stdout);
out:
	crm_sql_free(&q);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_SUBJECT, "subject", CRM_ARG_ID, "id", "the customer", NULL,
	    CRM_OPT_REQUIRED, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *subject = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_SUBJECT:
			subject = cli.arg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (subject == NULL)
		return crm_usage_err(&cli, "--subject is missing");
	if (cli.optind != argc)
		return crm_usage_err(&cli, "\"%s\": no operand is taken",
		    argv[cli.optind]);
	return crm_cli_end(&cli, export(&cli, subject));
}
