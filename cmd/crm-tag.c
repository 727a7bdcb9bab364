/* crm-tag: add or remove a tag on customers, or list tags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_RULES = CRM_OPT_OWN, OPT_APPLY };

/* Audit the untagging of each customer the rule for tag tagged. */
static int
dropped(struct crm_store *st, const char *tag)
{
	sqlite3_stmt *s = NULL;
	char msg[160];
	int rc, e = CRM_EX_OK;

	if ((rc = crm_prepare(st, "SELECT customer FROM tag WHERE tag = ? AND "
	    "origin = 'rule' ORDER BY customer", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, tag, -1, SQLITE_STATIC);
	snprintf(msg, sizeof msg, "%s: untagged, its rule dropped", tag);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((e = crm_audit(st, "tag", sqlite3_column_int64(s, 0),
		    "untag", msg)) != CRM_EX_OK)
			break;
	rc = rc == SQLITE_ROW ? e : rc == SQLITE_DONE ? CRM_EX_OK :
	    crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

/* -R tag expr defines a rule; -R tag -r drops it. */
static int
rule(struct crm_cli *cli, const char *tag, const char *expr)
{
	struct crm_store *st = NULL;
	char msg[512];
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_WRITE)) != CRM_EX_OK)
		goto out;
	/* The tags a dropped rule set go with it: an entry per customer. */
	if (expr == NULL && (rc = dropped(st, tag)) != CRM_EX_OK)
		goto out;
	rc = expr != NULL ? crm_rule_define(st, tag, expr) :
	    crm_rule_drop(st, tag);
	if (rc != CRM_EX_OK)
		goto out;
	snprintf(msg, sizeof msg, "%s: %s", tag, expr != NULL ? expr :
	    "dropped");
	if ((rc = crm_audit(st, "tag", 0, "rule", msg)) == CRM_EX_OK &&
	    !cli->dryrun)
		rc = crm_store_commit(st);
out:
	crm_store_close(st);
	return rc;
}

/* --rules: every rule, tag and filter. */
static int
rules(struct crm_cli *cli)
{
	static const char *const names[] = { "tag", "rule", "customers" };
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	long n = 0;
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT r.tag, r.expr, (SELECT count(*) FROM "
	    "tag AS t WHERE t.tag = r.tag AND t.origin = 'rule') FROM rule AS "
	    "r "
	    "ORDER BY r.tag", &s)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet && (o = crm_out_new(stdout, cli->fmt, cli->header, 3,
	    names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (o != NULL && (rc = crm_out_order(o, cli->sort, -1)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_out_rows(st, o, s, "ssn", &n)) == CRM_EX_OK && n == 0)
		rc = CRM_EX_NONE;
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_store_close(st);
	return rc;
}

struct apply {
	struct crm_store	*st;
	struct crm_out		*o;
};

/* A rule's change: an audit entry naming the customer, and its line. */
static int
change(void *arg, int64_t id, const char *tag, int dir)
{
	struct apply *a = arg;
	char buf[160];
	int rc;

	snprintf(buf, sizeof buf, "%s: %s by its rule", tag, dir > 0 ?
	    "tagged" : "untagged");
	if ((rc = crm_audit(a->st, "tag", id, dir > 0 ? "tag" : "untag",
	    buf)) != CRM_EX_OK || a->o == NULL)
		return rc;
	snprintf(buf, sizeof buf, "%lld", (long long)id);
	crm_out_cell(a->o, CRM_V_NUM, buf);
	crm_out_cell(a->o, CRM_V_STR, tag);
	crm_out_cell(a->o, CRM_V_STR, dir > 0 ? "added" : "removed");
	crm_out_endrow(a->o);
	return CRM_EX_OK;
}

/* --apply: every rule, in one transaction, as of --asof. */
static int
apply(struct crm_cli *cli)
{
	static const char *const names[] = { "id", "tag", "change" };
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	struct apply a;
	char msg[64];
	long n = 0;
	int rc;

	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet && (o = crm_out_new(stdout, cli->fmt, cli->header, 3,
	    names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	a.st = st;
	a.o = o;
	if ((rc = crm_rule_apply(st, change, &a, &n)) != CRM_EX_OK)
		goto out;
	snprintf(msg, sizeof msg, "rules applied: %ld changes", n);
	if ((rc = crm_audit(st, "tag", 0, "apply", msg)) != CRM_EX_OK)
		goto out;
	if (!cli->dryrun && (rc = crm_store_commit(st)) != CRM_EX_OK)
		goto out;
	rc = n > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	crm_out_free(o);
	crm_store_close(st);
	return rc;
}

/* -l: tags of the given customers, or every tag with its count. */
static int
list(struct crm_cli *cli, int argc, char **argv)
{
	static const char *const names1[] = { "id", "tag", "origin", "since" };
	static const char *const names2[] = { "tag", "customers", "origin" };
	struct crm_store *st = NULL;
	struct crm_ids ids = { 0 };
	struct crm_out *o = NULL;
	sqlite3_stmt *s = NULL;
	char day[32];
	size_t i;
	long n = 0;
	int rc, c, missing = 0;

	if (argc > 0 && (rc = crm_ids_read(&ids, argc, argv)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	if (argc > 0) {
		/* A lookup: the tags of those there are, then status 1. */
		if ((rc = crm_ids_check(st, crm_kind_customer(), &ids,
		    CRM_EX_NONE)) == CRM_EX_NONE)
			missing = 1;
		else if (rc != CRM_EX_OK)
			goto out;
		rc = crm_prepare(st, "SELECT customer, tag, origin, since FROM "
		    "tag WHERE customer = ? ORDER BY tag", &s);
		o = crm_out_new(stdout, cli->fmt, cli->header, 4, names1);
	} else {
		rc = crm_prepare(st, "SELECT tag, count(*), group_concat("
		    "DISTINCT origin) FROM tag GROUP BY tag ORDER BY tag", &s);
		o = crm_out_new(stdout, cli->fmt, cli->header, 3, names2);
	}
	if (rc != CRM_EX_OK)
		goto out;
	if (o == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = crm_out_order(o, cli->sort, -1)) != CRM_EX_OK)
		goto out;
	for (i = 0; i == 0 || i < ids.n; i++) {
		if (argc > 0)
			sqlite3_bind_int64(s, 1, ids.v[i]);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			n++;
			for (c = 0; c < sqlite3_column_count(s); c++) {
				if (argc > 0 && c == 3) {
					crm_date_fmt(sqlite3_column_int64(s, c),
					    day, sizeof day);
					crm_out_cell(o, CRM_V_STR, day);
				} else
					crm_out_cell(o, c == 0 && argc > 0 ?
					    CRM_V_NUM : c == 1 && argc == 0 ?
					    CRM_V_NUM : CRM_V_STR,
					    (const char *)
					    sqlite3_column_text(s, c));
			}
			crm_out_endrow(o);
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			rc = crm_sqlerr(st, rc);
			goto out;
		}
	}
	rc = n > 0 && !missing ? CRM_EX_OK : CRM_EX_NONE;
out:
	crm_out_free(o);
	sqlite3_finalize(s);
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

/* One transaction: a bad id leaves every tag as it was. */
static int
tag(struct crm_cli *cli, const char *name, int argc, char **argv, int rm)
{
	struct crm_store *st = NULL;
	struct crm_ids ids = { 0 }, one = { NULL, 1, 1 };
	char msg[160];
	int64_t changed = 0;
	size_t i;
	int rc;

	if (!crm_tag_valid(name))
		return crm_err(CRM_EX_USAGE, NULL, "\"%s\" is not a tag name "
		    "(letters, digits, _ - : .)", name);
	if ((rc = crm_ids_read(&ids, argc, argv)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_store_open(&st, cli, CRM_CHANGE)) != CRM_EX_OK)
		goto out;
	if ((rc = crm_ids_check(st, crm_kind_customer(), &ids,
	    CRM_EX_DATAERR)) != CRM_EX_OK)
		goto out;
	/*
	 * An audit entry per customer, naming it: crm-export --subject finds
	 * it, as it finds every entry about the person.
	 */
	for (i = 0; i < ids.n; i++) {
		one.v = &ids.v[i];
		rc = rm ? crm_tag_del(st, name, &one, &changed) :
		    crm_tag_add(st, name, &one, &changed);
		if (rc != CRM_EX_OK)
			goto out;
		snprintf(msg, sizeof msg, "%s: %s", name, rm ? (changed ?
		    "untagged" : "not tagged") : (changed ? "tagged" :
		    "tagged already"));
		if ((rc = crm_audit(st, "tag", ids.v[i], rm ? "untag" : "tag",
		    msg)) != CRM_EX_OK)
			goto out;
	}
	if (cli->dryrun && !cli->quiet)
		for (i = 0; i < ids.n; i++)
			printf("%lld\n", (long long)ids.v[i]);
	if (!cli->dryrun)
		rc = crm_store_commit(st);
out:
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ 'r', "remove", CRM_ARG_NONE, NULL, "remove the tag (with -R: the "
	    "rule)", NULL, 0, 0 },
	{ 'l', "list", CRM_ARG_NONE, NULL, "list the tags of the customers "
	    "given (none: every customer)", NULL, 0, 0 },
	{ 'R', "rule", CRM_ARG_TEXT, "tag", "define the rule tag as the "
	    "filter given as operand (with -r: drop it)", NULL, 0, 0 },
	{ OPT_RULES, "rules", CRM_ARG_NONE, NULL, "list the rules and how "
	    "many customers carry each", NULL, 0, 0 },
	{ OPT_APPLY, "apply", CRM_ARG_NONE, NULL, "evaluate every rule as of "
	    "the --asof day", NULL, 0, 0 },
	{ 0, "tag", CRM_ARG_TEXT, "[tag | expr]", "the tag; with -R, the "
	    "rule's filter (crm(7))", NULL, 0, 0 },
	{ 0, "id", CRM_ARG_ID, "[id ...]", "the customers (none: ids on "
	    "standard input)", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *rtag = NULL;
	int c, rflag = 0, lflag = 0, rulesflag = 0, applyflag = 0;

	crm_cli_begin(&cli, argc, argv, opts, "dnqoHAs");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case 'r':
			rflag = 1;
			break;
		case 'l':
			lflag = 1;
			break;
		case 'R':
			rtag = cli.arg;
			break;
		case OPT_RULES:
			rulesflag = 1;
			break;
		case OPT_APPLY:
			applyflag = 1;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (lflag + rulesflag + applyflag + (rtag != NULL) > 1)
		return crm_usage_err(&cli, "-l, -R, --rules and --apply: one "
		    "at a time");
	if (cli.sort != NULL && !lflag && !rulesflag)
		return crm_usage_err(&cli, "-s: only with -l or --rules");
	if (rtag != NULL) {
		if (rflag && argc != 0)
			return crm_usage_err(&cli, "\"%s\": -R -r takes no "
			    "filter", argv[0]);
		if (!rflag && argc != 1)
			return crm_usage_err(&cli, "-R %s: one filter, quoted",
			    rtag);
		return crm_cli_end(&cli, rule(&cli, rtag, rflag ? NULL :
		    argv[0]));
	}
	if ((rulesflag || applyflag || lflag) && rflag)
		return crm_usage_err(&cli, "-r: not with %s", lflag ? "-l" :
		    rulesflag ? "--rules" : "--apply");
	if ((rulesflag || applyflag) && argc > 0)
		return crm_usage_err(&cli, "\"%s\": %s takes no operand",
		    argv[0], rulesflag ? "--rules" : "--apply");
	if (rulesflag || applyflag)
		return crm_cli_end(&cli, rulesflag ? rules(&cli) : apply(&cli));
	if (lflag)
		return crm_cli_end(&cli, list(&cli, argc, argv));
	if (argc < 1)
		return crm_usage_err(&cli, "the tag is missing");
	return crm_cli_end(&cli, tag(&cli, argv[0], argc - 1, argv + 1,
	    rflag));
}
