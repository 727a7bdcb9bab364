/*
 * crm-due: the follow-ups due in a period (today by default): the grades
 * of each tier scheme with cadences (presale and service) by their
 * cadences, each reset by the last contact of its kind; open tickets
 * whose response or resolution deadline falls in the period (or has
 * passed); birthdays.  One line per follow-up:
 * id, name, owner, what, why, due; sorted by due date, then id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_OWNER = CRM_OPT_OWN, OPT_DAYS };

/* What a follow-up is, in the order lines for one customer and day sort. */
static const char *const whats[] = { "complaint", "offer", "visit",
    "online", "birthday" };

struct item {
	int64_t	 due;		/* day number */
	int64_t	 id;
	int	 what;
	char	*name, *owner, *why;
};

struct due {
	struct item	*v;
	size_t		 n, cap;
	int64_t		 today, last;	/* the period's first and last day */
	const char	*owner;		/* --owner, or NULL */
	int		 hist;		/* metrics from history (-w) */
};

static int
what_index(const char *w)
{
	int i;

	for (i = 0; i < (int)(sizeof whats / sizeof whats[0]); i++)
		if (strcmp(whats[i], w) == 0)
			return i;
	return -1;
}

static int
add(struct due *d, int64_t id, const char *name, const char *owner,
    int what, int64_t day, const char *why)
{
	struct item *it;
	int rc;

	if ((rc = crm_grow(&d->v, &d->cap, d->n, sizeof *d->v)) != CRM_EX_OK)
		return rc;
	it = &d->v[d->n];
	it->id = id;
	it->due = day;
	it->what = what;
	it->name = strdup(name != NULL ? name : "");
	it->owner = owner != NULL ? strdup(owner) : NULL;
	it->why = strdup(why);
	if (it->name == NULL || it->why == NULL || (owner != NULL &&
	    it->owner == NULL)) {
		free(it->name);
		free(it->owner);
		free(it->why);
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	}
	d->n++;
	return CRM_EX_OK;
}

static int
cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->what - y->what;
}

/* A scheme with follow-ups: its grades' cadences, highest first. */
struct grades {
	const struct crm_scheme	*sch;
	int64_t			 run;	/* of the grades */
	char			 label[3][32];
	struct crm_cadence	 c[3][3];
	int			 n[3];
};

static int
grades_load(struct crm_store *st, const struct crm_scheme *sch,
    struct grades *g)
{
	char key[128], buf[128], *p, *tok;
	int i, rc;

	g->sch = sch;
	/* Labels are stored lowest first. */
	snprintf(key, sizeof key, "tier.%s.labels", sch->name);
	if ((rc = crm_setting_get(st, key, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	for (i = 2, p = buf; i >= 0 && (tok = strsep(&p, ",")) != NULL; i--)
		snprintf(g->label[i], sizeof g->label[i], "%s", tok);
	for (i = 0; i < 3 && sch->cadence[i] != '\0'; i++) {
		snprintf(key, sizeof key, "cadence.%s.%c", sch->name,
		    sch->cadence[i]);
		if ((rc = crm_setting_get(st, key, buf, sizeof buf)) !=
		    CRM_EX_OK)
			return rc;
		if ((g->n[i] = crm_cadence_parse(buf, g->c[i], 3)) < 0 ||
		    g->n[i] > 3)
			return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is "
			    "not a cadence, like online:7,visit:14", key, buf);
	}
	return CRM_EX_OK;
}

static void
datestr(int64_t day, char *buf, size_t n)
{
	crm_date_fmt(day * 86400, buf, n);
}

/*
 * The follow-ups of one grade: each is due its cadence after the last
 * contact of its kind (any contact for an offer), or after the customer
 * was created when there was none.
 */
static int
cadence(struct due *d, const struct grades *g, const char *tier,
    sqlite3_stmt *s)
{
	const char *scheme = g->sch->name;
	static const char *const noun[] = { "contact", "online contact",
	    "visit" };
	int64_t id = sqlite3_column_int64(s, 0), last, day;
	const char *name = (const char *)sqlite3_column_text(s, 1);
	const char *owner = (const char *)sqlite3_column_text(s, 2);
	char why[256], on[32];
	int i, k, col, rc;

	for (i = 0; i < 3; i++)
		if (strcmp(g->label[i], tier) == 0)
			break;
	if (i == 3)
		return CRM_EX_OK;
	for (k = 0; k < g->n[i]; k++) {
		const struct crm_cadence *c = &g->c[i][k];

		col = strcmp(c->what, "offer") == 0 ? 0 :
		    strcmp(c->what, "online") == 0 ? 1 : 2;
		if (sqlite3_column_type(s, 4 + col) != SQLITE_NULL) {
			last = sqlite3_column_int64(s, 4 + col);
			day = crm_day_of(last) + c->days;
			crm_date_fmt(last, on, sizeof on);
			snprintf(why, sizeof why, "%s %s: last %s %s, every %d "
			    "days", scheme, tier, noun[col], on, c->days);
		} else {
			day = crm_day_of(sqlite3_column_int64(s, 3)) + c->days;
			snprintf(why, sizeof why, "%s %s: no %s yet, every %d "
			    "days", scheme, tier, noun[col], c->days);
		}
		if (day <= d->last && (rc = add(d, id, name, owner,
		    what_index(c->what), day, why)) != CRM_EX_OK)
			return rc;
	}
	return CRM_EX_OK;
}

/*
 * Each birthday in the period (a long one holds several); 29 February is
 * kept on the 28th in other years.
 */
static int
birthday(struct due *d, sqlite3_stmt *s)
{
	int64_t by, y, day;
	int bm, bd, m, dd, leap, rc;
	char why[64];

	crm_civil_from_days(crm_day_of(sqlite3_column_int64(s, 7)), &by, &bm,
	    &bd);
	crm_civil_from_days(d->today, &y, &m, &dd);
	for (;; y++) {
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		day = crm_days_from_civil(y, bm, bm == 2 && bd == 29 && !leap ?
		    28 : bd);
		if (day < d->today)
			continue;
		if (day > d->last)
			return CRM_EX_OK;
		if (y > by)
			snprintf(why, sizeof why, "turns %lld", (long long)(y -
			    by));
		else
			snprintf(why, sizeof why, "birthday");
		if ((rc = add(d, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    what_index("birthday"), day, why)) != CRM_EX_OK)
			return rc;
	}
}

/* " AND" the customers (c) of --owner and -w. */
static int
scope(struct crm_sql *q, struct crm_store *st, const struct crm_cli *cli,
    const struct due *d)
{
	int rc;

	if (d->owner != NULL) {
		crm_sql_add(q, " AND c.owner = ");
		crm_sql_text(q, d->owner);
	}
	if (cli->where == NULL)
		return CRM_EX_OK;
	q->hist = d->hist;
	crm_sql_add(q, " AND (");
	if ((rc = crm_filter_compile(q, crm_kind_customer(), cli->where,
	    crm_store_decimals(st), cli->now)) != CRM_EX_OK)
		return rc;
	crm_sql_add(q, ")");
	return CRM_EX_OK;
}

/*
 * The schemes with follow-ups, each with its latest stored run made by
 * the --asof day: *g, *n of them.
 */
static int
schemes(struct crm_store *st, struct crm_cli *cli, struct grades **g,
    int *n)
{
	const struct crm_scheme *sch;
	sqlite3_stmt *s = NULL;
	int i, rc;

	*n = 0;
	for (i = 0; crm_scheme_nth(i) != NULL; i++)
		;
	if ((*g = calloc(i + 1, sizeof **g)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if ((rc = crm_prepare(st, "SELECT coalesce(max(id), 0) FROM tier_run "
	    "WHERE scheme = ?1 AND asof <= ?2", &s)) != CRM_EX_OK)
		return rc;
	for (i = 0; (sch = crm_scheme_nth(i)) != NULL; i++) {
		if (sch->cadence == NULL)
			continue;
		if ((rc = grades_load(st, sch, &(*g)[*n])) != CRM_EX_OK)
			break;
		sqlite3_bind_text(s, 1, sch->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, cli->now);
		if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
			rc = crm_sqlerr(st, rc);
			break;
		}
		(*g)[(*n)++].run = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		rc = CRM_EX_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Customers with a grade or a birthday; the owner and -w select. */
static int
customers(struct crm_store *st, struct crm_cli *cli, struct due *d)
{
	static const char *const last[] = { "last_contact", "last_online",
	    "last_visit" };
	const struct crm_kind *k = crm_kind_customer();
	const struct crm_field *f;
	struct grades *g = NULL;
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int i, n, rc;

	if ((rc = schemes(st, cli, &g, &n)) != CRM_EX_OK)
		goto out;
	q.hist = d->hist;
	/* A grade is the latest stored assignment made by the --asof day. */
	crm_sql_add(&q, "SELECT c.id, c.name, c.owner, c.created");
	for (i = 0; i < 3; i++) {
		crm_sql_add(&q, ", ");
		crm_field_sql(&q, k, last[i], &f);
	}
	crm_sql_add(&q, ", c.birthday");
	for (i = 0; i < n; i++)
		crm_sql_add(&q, ", g%d.tier", i);
	crm_sql_from(&q, k);
	for (i = 0; i < n; i++) {
		crm_sql_add(&q, " LEFT JOIN tier AS g%d ON g%d.customer = c.id "
		    "AND g%d.run = ", i, i, i);
		crm_sql_int(&q, g[i].run);
	}
	crm_sql_add(&q, " WHERE c.created <= ?1 AND (c.birthday IS NOT NULL");
	for (i = 0; i < n; i++)
		crm_sql_add(&q, " OR g%d.tier IS NOT NULL", i);
	crm_sql_add(&q, ")");
	if ((rc = scope(&q, st, cli, d)) != CRM_EX_OK ||
	    (rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			if (sqlite3_column_type(s, 8 + i) != SQLITE_NULL &&
			    (rc = cadence(d, &g[i], (const char *)
			    sqlite3_column_text(s, 8 + i), s)) != CRM_EX_OK)
				goto out;
		if (sqlite3_column_type(s, 7) != SQLITE_NULL &&
		    (rc = birthday(d, s)) != CRM_EX_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	free(g);
	return rc;
}

/*
 * Tickets open at the end of the --asof day: the first-response deadline
 * while unanswered, then the resolution deadline.
 */
static int
tickets(struct crm_store *st, struct crm_cli *cli, struct due *d)
{
	const struct crm_kind *k = crm_kind_customer();
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char why[512], at[32];
	double resp, resol;
	int64_t dl;
	int answered, rc;

	if ((rc = crm_setting_num(st, "sla.response", &resp)) != CRM_EX_OK ||
	    (rc = crm_setting_num(st, "sla.resolution", &resol)) != CRM_EX_OK)
		return rc;
	crm_sql_add(&q, "SELECT c.id, c.name, c.owner, t.id, t.kind, "
	    "t.subject, t.opened, t.first_response IS NOT NULL AND "
	    "t.first_response <= ?1");
	crm_sql_from(&q, k);
	crm_sql_add(&q, " JOIN ticket AS t ON t.customer = c.id WHERE ");
	crm_metric_open_ticket(&q, "t.id");
	if ((rc = scope(&q, st, cli, d)) != CRM_EX_OK ||
	    (rc = crm_sql_prepare(st, &q, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		answered = sqlite3_column_int(s, 7);
		dl = sqlite3_column_int64(s, 6) + (int64_t)((answered ? resol :
		    resp) * 3600);
		if (crm_day_of(dl) > d->last)
			continue;
		crm_time_fmt(dl, at, sizeof at);
		snprintf(why, sizeof why, "%s #%lld%s%.200s%s: %s %s %s",
		    sqlite3_column_text(s, 4),
		    (long long)sqlite3_column_int64(s, 3),
		    sqlite3_column_type(s, 5) != SQLITE_NULL ? " \"" : "",
		    sqlite3_column_type(s, 5) != SQLITE_NULL ?
		    (const char *)sqlite3_column_text(s, 5) : "",
		    sqlite3_column_type(s, 5) != SQLITE_NULL ? "\"" : "",
		    answered ? "resolution" : "first response",
		    dl < cli->now ? "overdue since" : "due", at);
		if ((rc = add(d, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    what_index("complaint"), crm_day_of(dl), why)) != CRM_EX_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	return rc;
}

static int
due(struct crm_cli *cli, const char *owner, int64_t days)
{
	static const char *const names[] = { "id", "name", "owner", "what",
	    "why", "due" };
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	struct due d = { 0 };
	char buf[32];
	size_t i;
	int rc;

	d.today = crm_day_of(cli->now);
	d.last = d.today + days - 1;
	d.owner = owner;
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_stats_historic(st, &d.hist)) != CRM_EX_OK ||
	    (rc = customers(st, cli, &d)) != CRM_EX_OK ||
	    (rc = tickets(st, cli, &d)) != CRM_EX_OK)
		goto out;
	if (d.n > 0)	/* no qsort of an empty array (a null base) */
		qsort(d.v, d.n, sizeof *d.v, cmp);
	/* -q: an output that writes nothing, so -s is still checked. */
	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, 6, names)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (o != NULL && (rc = crm_out_order(o, cli->sort, cli->limit)) !=
	    CRM_EX_OK)
		goto out;
	for (i = 0; o != NULL && i < d.n; i++) {
		snprintf(buf, sizeof buf, "%lld", (long long)d.v[i].id);
		crm_out_cell(o, CRM_V_NUM, buf);
		crm_out_cell(o, CRM_V_STR, d.v[i].name);
		crm_out_cell(o, CRM_V_STR, d.v[i].owner);
		crm_out_cell(o, CRM_V_STR, whats[d.v[i].what]);
		crm_out_cell(o, CRM_V_STR, d.v[i].why);
		datestr(d.v[i].due, buf, sizeof buf);
		crm_out_cell(o, CRM_V_STR, buf);
		crm_out_endrow(o);
	}
	rc = d.n > 0 ? CRM_EX_OK : CRM_EX_NONE;
out:
	crm_out_free(o);
	for (i = 0; i < d.n; i++) {
		free(d.v[i].name);
		free(d.v[i].owner);
		free(d.v[i].why);
	}
	free(d.v);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_OWNER, "owner", CRM_ARG_TEXT, "name", "only the customers of "
	    "this account manager", NULL, 0, 0 },
	{ OPT_DAYS, "days", CRM_ARG_DURATION, "duration", "the period from "
	    "the --asof day, like 7 (days), 2w or 1m (default 1)", NULL, 1,
	    3660 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *owner = NULL;
	double days = 1;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dwoHqslA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_OWNER:
			owner = cli.arg;
			break;
		case OPT_DAYS:
			days = cli.num;
			if (days != (int64_t)days)
				return crm_usage_err(&cli, "--days: \"%s\" is "
				    "not a whole number of days", cli.arg);
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind != argc)
		return crm_usage_err(&cli, "\"%s\": no operand is taken",
		    argv[cli.optind]);
	return crm_cli_end(&cli, due(&cli, owner, (int64_t)days));
}
