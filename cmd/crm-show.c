/*
 * crm-show: one customer: profile, attributes, tags, statistics, then the
 * timeline of purchases, contacts, tickets, surveys and points, newest
 * first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


/* Where name/value pairs go: tsv lines or a table (JSON: record.c). */
struct shower {
	enum crm_fmt	 fmt;
	struct crm_out	*table;
	int		 n;		/* members of the JSON object so far */
	int		 decimals;
	int		 hist;		/* metrics from history (--asof) */
	int		 shown;		/* customers shown so far */
	struct crm_store *st;
	int		 missing;	/* a customer not found */
};

static void
pair(struct shower *sh, const char *name, enum crm_vt t, const char *v)
{
	if (v == NULL)
		return;
	switch (sh->fmt) {
	case CRM_FMT_TABLE:
	case CRM_FMT_CSV:
		/*
		 * Values of many kinds share the column: an amount is
		 * right-aligned in it, the rest left.
		 */
		crm_out_cell(sh->table, CRM_V_STR, name);
		crm_out_cell(sh->table, sh->fmt == CRM_FMT_CSV ||
		    t == CRM_V_MONEY ? t : CRM_V_STR, v);
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

/*
 * The fields shown: the statistics, or the stored ones (and the
 * customer_ref of history, which names its customer).
 */
static int
wanted(const struct crm_field *f, int metrics)
{
	if (metrics)
		return (f->flags & CRM_F_METRIC) != 0;
	if (f->flags & CRM_F_DERIVED)
		return 0;
	return f->column != NULL || (f->flags & CRM_F_REFKEY);
}

/* Select the wanted fields of kind k of record ?99. */
static int
selectall(struct crm_store *st, const struct crm_kind *k, int hist,
    int metrics, sqlite3_stmt **s)
{
	struct crm_sql q = { 0 };
	const struct crm_field *f;
	int i, n = 0, rc;

	q.hist = hist;
	crm_sql_add(&q, "SELECT ");
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if (!wanted(f, metrics))
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

/* Name/value pairs of every set field of one selected row. */
static void
fields(struct shower *sh, const struct crm_kind *k, sqlite3_stmt *s,
    int metrics)
{
	const struct crm_field *f;
	const char *v;
	enum crm_vt t;
	char buf[64];
	int i, c = 0;

	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if (!wanted(f, metrics))
			continue;
		v = crm_field_text(f, s, c++, sh->decimals, buf, sizeof buf,
		    &t);
		pair(sh, f->json, t, v);
	}
}

/* The history of a customer, newest first (crm_timeline_open). */
static int
timeline(struct crm_store *st, struct shower *sh, int64_t id)
{
	struct crm_timeline *t = NULL;
	struct crm_event e;
	char when[40], *text = NULL;
	size_t len;
	int rc, ev = 0;
	FILE *mem;

	if ((rc = crm_timeline_open(&t, st, id)) != CRM_EX_OK)
		goto out;
	if (sh->fmt == CRM_FMT_JSON)
		fputs(sh->n++ ? ",\"timeline\":[" : "{\"timeline\":[", stdout);
	while ((rc = crm_timeline_next(t, &e)) == CRM_EX_OK) {
		if (sh->fmt == CRM_FMT_JSON) {
			/* The record as crm-ls -F all writes it, typed. */
			fputs(ev++ ? "," : "", stdout);
			if ((rc = crm_record_json(st, e.kind, e.id, stdout,
			    1)) != CRM_EX_OK)
				goto out;
			fputs(",\"type\":", stdout);
			crm_json_put(stdout, e.kind->name);
			putchar('}');
			continue;
		}
		/* One line: when, what, in a few words. */
		crm_time_fmt(e.ts, when, sizeof when);
		if (sh->fmt == CRM_FMT_TSV) {
			printf("%s\t%s %lld\t%s\n", when, e.kind->name,
			    (long long)e.id, e.says);
			continue;
		}
		if ((mem = open_memstream(&text, &len)) == NULL) {
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
			goto out;
		}
		fprintf(mem, "%s %lld: %s", e.kind->name, (long long)e.id,
		    e.says);
		fclose(mem);
		pair(sh, when, CRM_V_STR, text);
		free(text);
		text = NULL;
	}
	if (rc == CRM_EX_NONE)
		rc = CRM_EX_OK;
	if (rc == CRM_EX_OK && sh->fmt == CRM_FMT_JSON)
		putchar(']');
out:
	crm_timeline_close(t);
	return rc;
}

static int
show1(struct crm_store *st, struct shower *sh, int64_t id)
{
	static const char *const names[] = { "field", "value" };
	const struct crm_kind *k = crm_kind_customer();
	sqlite3_stmt *s = NULL;
	int rc;

	/* JSON: the record crm-ls -F all writes, and its timeline. */
	if (sh->fmt == CRM_FMT_JSON) {
		if ((rc = crm_record_json(st, k, id, stdout, 1)) == CRM_EX_NONE)
			rc = crm_err(CRM_EX_NONE, NULL, "%lld: no such "
			    "customer", (long long)id);
		sh->n = 1;
		if (rc == CRM_EX_OK && (rc = timeline(st, sh, id)) ==
		    CRM_EX_OK)
			fputs("}\n", stdout);
		return rc;
	}
	if ((rc = selectall(st, k, sh->hist, 0, &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 99, id);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? crm_err(CRM_EX_NONE, NULL, "%lld: no "
		    "such customer", (long long)id) : crm_sqlerr(st, rc);
		goto out;
	}
	sh->n = 0;
	if ((sh->fmt == CRM_FMT_TABLE || sh->fmt == CRM_FMT_CSV) &&
	    (sh->table = crm_out_new(stdout, sh->fmt, 0, 2, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	fields(sh, k, s, 0);
	sqlite3_finalize(s);
	s = NULL;
	/* Free attributes, by key. */
	if ((rc = crm_prepare(st, "SELECT 'attr.' || key, value FROM attr "
	    "WHERE customer = ? ORDER BY key", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		pair(sh, (const char *)sqlite3_column_text(s, 0), CRM_V_STR,
		    (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	s = NULL;
	/* Tags, with the rule that set them when not manual. */
	if ((rc = crm_prepare(st, "SELECT tag, CASE origin WHEN 'manual' THEN "
	    "tag ELSE tag || ' (' || origin || ')' END FROM tag WHERE "
	    "customer = ? ORDER BY tag", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		pair(sh, "tag", CRM_V_STR, (const char *)
		    sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	s = NULL;
	/* Tiers: the latest run of each scheme that placed the customer. */
	if ((rc = crm_prepare(st, "SELECT 'tier.' || r.scheme, t.tier || "
	    "coalesce(' (' || t.score || ')', '') FROM tier_run AS r JOIN tier "
	    "AS t ON t.run = r.id AND t.customer = ?1 WHERE r.id = (SELECT "
	    "max(id) FROM tier_run AS q WHERE q.scheme = r.scheme) ORDER BY "
	    "r.scheme", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		pair(sh, (const char *)sqlite3_column_text(s, 0), CRM_V_STR,
		    (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	s = NULL;
	/* Statistics, as of --asof. */
	if ((rc = selectall(st, k, sh->hist, 1, &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 99, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		fields(sh, k, s, 1);
	rc = timeline(st, sh, id);
out:
	crm_out_free(sh->table);
	sh->table = NULL;
	sqlite3_finalize(s);
	return rc;
}

/*
 * The customer a word names: an id (all digits), an e-mail address
 * (holding '@'; case ignored) or a ref (anything else; "ref:X" is the ref
 * X whatever X is).  CRM_EX_NONE, said, when there is none.
 */
static int
lookup(struct crm_store *st, const char *key, const struct crm_loc *at,
    int64_t *id)
{
	const char *sql = "SELECT id FROM customer WHERE ref = ?1";
	sqlite3_stmt *s = NULL;
	const char *v = key;
	int rc;

	if (strncmp(key, "ref:", 4) == 0)
		v = key + 4;
	else if (strspn(key, "0123456789") == strlen(key)) {
		if (crm_id_parse(key, id) != 0)
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a "
			    "record id", key);
		return CRM_EX_OK;
	} else if (strchr(key, '@') != NULL)
		sql = "SELECT id FROM customer WHERE email = ?1";
	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, v, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		rc = CRM_EX_OK;
	} else if (rc == SQLITE_DONE)
		rc = crm_err(CRM_EX_NONE, at, "%s: no such customer", key);
	else
		rc = crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

/* Show the customer key names; sh->missing set when there is none. */
static int
one(void *arg, char *key, const struct crm_loc *at)
{
	struct shower *sh = arg;
	int64_t id;
	int rc;

	if ((rc = lookup(sh->st, key, at, &id)) == CRM_EX_OK) {
		if (sh->shown++ > 0 && sh->fmt != CRM_FMT_JSON)
			putchar('\n');
		rc = show1(sh->st, sh, id);
	}
	if (rc == CRM_EX_NONE) {
		sh->missing = 1;
		rc = CRM_EX_OK;
	}
	return rc;
}

static int
show(struct crm_cli *cli, int argc, char **argv)
{
	struct shower sh = { cli->fmt, NULL, 0, 2, 0, 0, NULL, 0 };
	int i, rc;

	if ((rc = crm_store_open(&sh.st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_stats_historic(sh.st, &sh.hist)) != CRM_EX_OK)
		goto out;
	sh.decimals = crm_store_decimals(sh.st);
	for (i = 0; i < argc && rc == CRM_EX_OK; i++)
		rc = one(&sh, argv[i], NULL);
	/* Else the first field of each line of standard input. */
	if (argc == 0)
		rc = crm_ids_each(one, &sh, "customer");
	if (rc == CRM_EX_OK && (sh.missing || sh.shown == 0))
		rc = CRM_EX_NONE;
out:
	crm_store_close(sh.st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ 0, "customer", CRM_ARG_TEXT, "[customer ...]", "an id, e-mail or "
	    "ref (none: read from standard input)", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;

	crm_cli_begin(&cli, argc, argv, opts, "doA");
	if (crm_cli_next(&cli) != -1)
		return crm_usage(&cli);
	argc -= cli.optind;
	argv += cli.optind;
	return crm_cli_end(&cli, show(&cli, argc, argv));
}
