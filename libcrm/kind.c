/*
 * kind.c: the record kinds, declared once.  Import, crm-add, crm-set,
 * crm-ls, the filter language and every export read these tables.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "crm-int.h"

static const char *const stages[] = { "lead", "prospect", "customer",
    "lost", NULL };
static const char *const progresses[] = { "new", "contacted", "qualified",
    "proposal", "negotiation", NULL };

#define TEXT(n, fl, vc) \
	{ n, n, CRM_T_TEXT, 0, 0, NULL, NULL, fl, n, vc }
#define FIELD(n, t, fl) \
	{ n, n, t, 0, 0, NULL, NULL, fl, n, NULL }
#define INT(n, lo, hi, fl) \
	{ n, n, CRM_T_INT, lo, hi, NULL, NULL, fl, n, NULL }
#define ENUM(n, v, fl) \
	{ n, n, CRM_T_ENUM, 0, 0, v, NULL, fl, n, NULL }
#define ID \
	{ "id", "id", CRM_T_ID, 1, INT64_MAX, NULL, NULL, \
	    CRM_F_READONLY, "id", NULL }
/* The customer a history record belongs to, by id or by ref. */
#define OWNER \
	{ "customer", "customer", CRM_T_REF, 1, INT64_MAX, NULL, \
	    "customer", CRM_F_REQUIRED, "customer", NULL }, \
	{ "customer_ref", NULL, CRM_T_TEXT, 0, 0, NULL, "customer", \
	    CRM_F_REFKEY, "customer_ref", NULL }
/*
 * A metric: its SQL, from the stored statistics or from the history up to
 * the --asof day, is metric.c's.
 */
#define METRIC(n, t) \
	{ n, NULL, t, 0, 0, NULL, NULL, \
	    CRM_F_READONLY | CRM_F_METRIC, n, NULL }
/* A share, 0 to 1: the filter takes 0.3 and 30% alike (filter.c). */
#define SHARE_METRIC(n) \
	{ n, NULL, CRM_T_REAL, 0, 1, NULL, NULL, \
	    CRM_F_READONLY | CRM_F_METRIC, n, NULL }

static const struct crm_field customer_fields[] = {
	ID,
	{ "ref", "ref", CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_UNIQUE | CRM_F_PERSONAL, "ref", "UID" },
	{ "name", "name", CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_REQUIRED | CRM_F_PERSONAL, "name", "FN" },
	{ "email", "email", CRM_T_EMAIL, 0, 0, NULL, NULL,
	    CRM_F_UNIQUE | CRM_F_PERSONAL, "email", "EMAIL" },
	{ "phone", "phone", CRM_T_PHONE, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "phone", "TEL" },
	TEXT("company", CRM_F_PERSONAL, "ORG"),
	TEXT("industry", 0, NULL),
	TEXT("country", 0, NULL),
	TEXT("region", 0, NULL),
	TEXT("city", CRM_F_PERSONAL, NULL),
	TEXT("gender", CRM_F_PERSONAL, NULL),
	{ "birthday", "birthday", CRM_T_DATE, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "birthday", "BDAY" },
	FIELD("income", CRM_T_MONEY, CRM_F_PERSONAL),
	TEXT("occupation", CRM_F_PERSONAL, NULL),
	TEXT("source", 0, NULL),
	TEXT("owner", 0, NULL),
	ENUM("stage", stages, 0),
	INT("intent", 1, 5, 0),
	ENUM("progress", progresses, 0),
	FIELD("expected_close", CRM_T_DATE, 0),
	FIELD("created", CRM_T_TIME, CRM_F_NOW),
	{ "notes", "notes", CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "notes", "NOTE" },
	/* Match keys for likely duplicates (crm-dedupe), kept on write. */
	{ "email_key", "email_key", CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_READONLY | CRM_F_DERIVED | CRM_F_PERSONAL, "email_key",
	    NULL },
	{ "phone_key", "phone_key", CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_READONLY | CRM_F_DERIVED | CRM_F_PERSONAL, "phone_key",
	    NULL },
	/*
	 * Computed lists, comma-joined in order (arrays in JSON): the manual
	 * tags, which a tags column imports back, and those rules set.
	 */
	{ "tags", NULL, CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_READONLY | CRM_F_LIST, "tags", NULL },
	{ "rule_tags", NULL, CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_READONLY | CRM_F_LIST, "rule_tags", NULL },
	/* Day counts: whole calendar days up to the --asof day. */
	METRIC("recency", CRM_T_DAYS),
	METRIC("frequency", CRM_T_INT),
	METRIC("monetary", CRM_T_MONEY),
	METRIC("orders", CRM_T_INT),
	/* Revenue per order, rounded half up to the minor unit. */
	METRIC("aov", CRM_T_MONEY),
	METRIC("tenure", CRM_T_DAYS),
	METRIC("first_purchase", CRM_T_TIME),
	METRIC("last_purchase", CRM_T_TIME),
	METRIC("last_contact", CRM_T_TIME),
	METRIC("last_online", CRM_T_TIME),
	METRIC("last_visit", CRM_T_TIME),
	METRIC("last_inbound", CRM_T_TIME),
	METRIC("open_tickets", CRM_T_INT),
	METRIC("open_complaints", CRM_T_INT),
	METRIC("csat", CRM_T_INT),
	METRIC("nps", CRM_T_INT),
	METRIC("expectation", CRM_T_INT),
	METRIC("satisfaction", CRM_T_INT),
	METRIC("points", CRM_T_INT),
	/* P(alive) by the newest stored fit of a churn model. */
	SHARE_METRIC("p_alive"),
};

static const char *const channels[] = { "phone", "email", "chat", "social",
    "visit", "other", NULL };
static const char *const directions[] = { "in", "out", NULL };
static const char *const tkinds[] = { "complaint", "question", "suggestion",
    "praise", NULL };
static const char *const statuses[] = { "open", "closed", NULL };
static const char *const skinds[] = { "csat", "nps", "expectation",
    "satisfaction", NULL };

static const struct crm_field purchase_fields[] = {
	ID,
	OWNER,
	FIELD("ts", CRM_T_TIME, CRM_F_NOW | CRM_F_EVENT),
	FIELD("amount", CRM_T_MONEY, CRM_F_REQUIRED),
	TEXT("product", 0, NULL),
	INT("qty", -1000000, 1000000, 0),
	TEXT("order_ref", 0, NULL),
};

static const struct crm_field contact_fields[] = {
	ID,
	OWNER,
	FIELD("ts", CRM_T_TIME, CRM_F_NOW | CRM_F_EVENT),
	ENUM("channel", channels, CRM_F_REQUIRED),
	ENUM("direction", directions, 0),
	/* "by" is an SQL keyword: the column is quoted. */
	{ "by", "\"by\"", CRM_T_TEXT, 0, 0, NULL, NULL, 0, "by", NULL },
	TEXT("note", CRM_F_PERSONAL, NULL),
};

static const struct crm_field ticket_fields[] = {
	ID,
	OWNER,
	FIELD("opened", CRM_T_TIME, CRM_F_NOW | CRM_F_EVENT),
	ENUM("kind", tkinds, CRM_F_REQUIRED),
	INT("severity", 1, 5, 0),
	TEXT("subject", CRM_F_PERSONAL, NULL),
	FIELD("first_response", CRM_T_TIME, CRM_F_EVENT),
	FIELD("resolved", CRM_T_TIME, CRM_F_EVENT),
	ENUM("status", statuses, 0),
};

static const struct crm_field survey_fields[] = {
	ID,
	OWNER,
	FIELD("ts", CRM_T_TIME, CRM_F_NOW | CRM_F_EVENT),
	ENUM("kind", skinds, CRM_F_REQUIRED),
	INT("score", 0, 10, CRM_F_REQUIRED),
	TEXT("comment", CRM_F_PERSONAL, NULL),
};

static const struct crm_field points_fields[] = {
	ID,
	OWNER,
	FIELD("ts", CRM_T_TIME, CRM_F_NOW | CRM_F_EVENT),
	INT("delta", -1000000000, 1000000000, CRM_F_REQUIRED),
	TEXT("reason", 0, NULL),
	/* The purchase that earned them (crm-points earn). */
	{ "purchase", "purchase", CRM_T_INT, 0, 0, NULL,
	    "purchase", CRM_F_READONLY, "purchase", NULL },
};

/* A survey's score range depends on its kind. */
static int
survey_check(const struct crm_kind *k, const struct crm_val *v,
    const struct crm_loc *at0)
{
	struct crm_loc at = *at0;
	const struct crm_val *kind, *score;
	int64_t lo = 1, hi = 10;

	kind = &v[crm_kind_index(k, crm_kind_field(k, "kind"))];
	score = &v[crm_kind_index(k, crm_kind_field(k, "score"))];
	if (kind->isnull || score->isnull)
		return CRM_EX_OK;
	if (strcmp(kind->s, "csat") == 0)
		hi = 5;
	else if (strcmp(kind->s, "nps") == 0)
		lo = 0;
	if (score->i >= lo && score->i <= hi)
		return CRM_EX_OK;
	at.field = "score";
	return crm_err(CRM_EX_DATAERR, &at, "%lld is out of range for %s "
	    "(%lld to %lld)", (long long)score->i, kind->s, (long long)lo,
	    (long long)hi);
}

static const struct crm_derive customer_derive[] = {
	{ "email_key", "email", crm_email_key_stored },
	{ "phone_key", "phone", crm_phone_key },
	{ NULL, NULL, NULL },
};

/* A balance never goes below zero, at any time of the ledger. */
static const char points_guard[] =
    "SELECT 'delta', 'the balance would fall to ' || b || ' on ' || "
    "date(ts, 'unixepoch') FROM (SELECT ts, id, sum(delta) OVER (ORDER BY "
    "ts, id) AS b FROM points WHERE customer = ?1) WHERE b < 0 ORDER BY ts, "
    "id LIMIT 1";

/* "3d 4h", "2h 5m", "12m": how long a ticket waited. */
static void
span(int64_t secs, char *buf, size_t n)
{
	int64_t d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60;

	if (secs < 0)
		snprintf(buf, n, "-");
	else if (d > 0)
		snprintf(buf, n, "%lldd %lldh", (long long)d, (long long)h);
	else if (h > 0)
		snprintf(buf, n, "%lldh %lldm", (long long)h, (long long)m);
	else
		snprintf(buf, n, "%lldm", (long long)m);
}

/*
 * What each kind says on a timeline, from the row of its stored fields
 * (struct crm_kind_def's says).
 */
#define T(i)	((const char *)sqlite3_column_text(s, i))
#define NUL(i)	(sqlite3_column_type(s, i) == SQLITE_NULL)

/* id customer customer_ref ts amount product qty order_ref */
static void
purchase_says(FILE *fp, sqlite3_stmt *s, int decimals)
{
	char a[64];

	crm_money_fmt(sqlite3_column_int64(s, 4), decimals, a, sizeof a);
	fprintf(fp, "%s", a);
	if (!NUL(5))
		fprintf(fp, " %s", T(5));
	if (!NUL(6) && sqlite3_column_int64(s, 6) != 1)
		fprintf(fp, " x%s", T(6));
	if (!NUL(7))
		fprintf(fp, " (order %s)", T(7));
}

/* id customer customer_ref ts channel direction by note */
static void
contact_says(FILE *fp, sqlite3_stmt *s, int decimals)
{
	(void)decimals;
	fprintf(fp, "%s", T(4));
	if (!NUL(5))
		fprintf(fp, " %s", T(5));
	if (!NUL(6))
		fprintf(fp, " by %s", T(6));
	if (!NUL(7))
		fprintf(fp, ": %s", T(7));
}

/*
 * id customer customer_ref opened kind severity subject first_response
 * resolved status
 */
static void
ticket_says(FILE *fp, sqlite3_stmt *s, int decimals)
{
	char a[64];

	(void)decimals;
	fprintf(fp, "%s", T(4));
	if (!NUL(5))
		fprintf(fp, " severity %s", T(5));
	if (!NUL(6))
		fprintf(fp, ": %s", T(6));
	if (!NUL(7)) {
		span(sqlite3_column_int64(s, 7) - sqlite3_column_int64(s, 3),
		    a, sizeof a);
		fprintf(fp, "; first response after %s", a);
	}
	if (!NUL(8)) {
		span(sqlite3_column_int64(s, 8) - sqlite3_column_int64(s, 3),
		    a, sizeof a);
		fprintf(fp, "; resolved after %s", a);
	}
	fprintf(fp, " [%s]", NUL(9) ? "open" : T(9));
}

/* id customer customer_ref ts kind score comment */
static void
survey_says(FILE *fp, sqlite3_stmt *s, int decimals)
{
	(void)decimals;
	fprintf(fp, "%s %s", T(4), T(5));
	if (!NUL(6))
		fprintf(fp, ": %s", T(6));
}

/* id customer customer_ref ts delta reason purchase */
static void
points_says(FILE *fp, sqlite3_stmt *s, int decimals)
{
	(void)decimals;
	fprintf(fp, "%+lld points", (long long)sqlite3_column_int64(s, 4));
	if (!NUL(5))
		fprintf(fp, ": %s", T(5));
}

#undef T
#undef NUL

#define N(a)	(int)(sizeof a / sizeof a[0])

/*
 * The computed fields' SQL (struct crm_expr): a customer's tags, the
 * manual ones (which a tags column imports back) and those rules set,
 * comma-joined in order; a record of history's customer_ref (OWNER).
 */
static const struct crm_expr customer_exprs[] = {
	{ "tags", "coalesce((SELECT group_concat(tag, ',') FROM (SELECT tag "
	    "FROM tag WHERE tag.customer = c.id AND origin = 'manual' ORDER "
	    "BY tag)), '')" },
	{ "rule_tags", "coalesce((SELECT group_concat(tag, ',') FROM (SELECT "
	    "tag FROM tag WHERE tag.customer = c.id AND origin != 'manual' "
	    "ORDER BY tag)), '')" },
	{ NULL, NULL },
};
static const struct crm_expr owner_exprs[] = {
	{ "customer_ref", "(SELECT ref FROM customer WHERE customer.id = "
	    "c.customer)" },
	{ NULL, NULL },
};

/* Each kind's table and machinery (struct crm_kind_def, crm-int.h). */
static const struct crm_kind_def customer_def = { "customer",
	"customer AS c LEFT JOIN stats AS s ON s.customer = c.id", NULL,
	NULL, customer_derive, NULL, NULL, NULL, customer_exprs };
static const struct crm_kind_def purchase_def = { "purchase",
	"purchase AS c", NULL, NULL, NULL, NULL, "ts", purchase_says,
	owner_exprs };
static const struct crm_kind_def contact_def = { "contact", "contact AS c",
	NULL, NULL, NULL, NULL, "ts", contact_says, owner_exprs };
/* Closing a ticket stamps when it was resolved. */
static const struct crm_kind_def ticket_def = { "ticket", "ticket AS c",
	"UPDATE ticket SET status = coalesce(status, 'open'), resolved = "
	"CASE WHEN status = 'closed' AND resolved IS NULL THEN ?2 ELSE "
	"resolved END WHERE id = ?1", NULL, NULL, NULL, "opened",
	ticket_says, owner_exprs };
static const struct crm_kind_def survey_def = { "survey", "survey AS c",
	NULL, survey_check, NULL, NULL, "ts", survey_says, owner_exprs };
static const struct crm_kind_def points_def = { "points", "points AS c",
	NULL, NULL, NULL, points_guard, "ts", points_says, owner_exprs };

static const struct crm_kind kinds[] = {
	{ "customer", customer_fields, N(customer_fields),
	    "id,ref,name,email,phone,company,city,stage,owner", 1, 1, NULL,
	    &customer_def },
	/* One line of an order per product: a file imported twice. */
	{ "purchase", purchase_fields, N(purchase_fields),
	    "id,customer,ts,amount,product,qty,order_ref", 0, 0,
	    "order_ref,product", &purchase_def },
	{ "contact", contact_fields, N(contact_fields),
	    "id,customer,ts,channel,direction,by,note", 0, 0, NULL,
	    &contact_def },
	{ "ticket", ticket_fields, N(ticket_fields),
	    "id,customer,opened,kind,severity,subject,first_response,resolved,"
	    "status", 0, 0, NULL, &ticket_def },
	{ "survey", survey_fields, N(survey_fields),
	    "id,customer,ts,kind,score,comment", 0, 0, NULL, &survey_def },
	{ "points", points_fields, N(points_fields),
	    "id,customer,ts,delta,reason", 0, 0, NULL, &points_def },
};

const struct crm_kind *
crm_kind_nth(int n)
{
	return n >= 0 && n < N(kinds) ? &kinds[n] : NULL;
}

const struct crm_field *
crm_kind_owner(const struct crm_kind *k)
{
	int i;

	for (i = 0; i < k->nfields; i++)
		if (k->fields[i].type == CRM_T_REF)
			return &k->fields[i];
	return NULL;
}

const struct crm_kind *
crm_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int
crm_kind_get(const char *name, const struct crm_kind **k)
{
	const char *names[N(kinds)];
	int i;

	if ((*k = crm_kind_find(name)) != NULL)
		return CRM_EX_OK;
	for (i = 0; i < N(kinds); i++)
		names[i] = kinds[i].name;
	return crm_nosuch(CRM_EX_USAGE, NULL, name, "kind of record", names,
	    N(kinds));
}

const struct crm_kind *
crm_kind_customer(void)
{
	return &kinds[0];
}

const struct crm_field *
crm_kind_field(const struct crm_kind *k, const char *name)
{
	int i;

	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return &k->fields[i];
	return NULL;
}

const char *
crm_kind_expr(const struct crm_kind *k, const struct crm_field *f)
{
	const struct crm_expr *e;

	for (e = k->def->exprs; e != NULL && e->field != NULL; e++)
		if (strcmp(e->field, f->name) == 0)
			return e->sql;
	return NULL;
}

int
crm_kind_index(const struct crm_kind *k, const struct crm_field *f)
{
	return (int)(f - k->fields);
}

int
crm_kind_writable(const struct crm_field *f)
{
	return (f->column != NULL || (f->flags & CRM_F_REFKEY)) &&
	    (!(f->flags & CRM_F_READONLY) || f->type == CRM_T_ID);
}

const char *
crm_kind_near(const struct crm_kind *k, const char *name)
{
	const char **names;
	const char *near;
	size_t n = 0;
	int i;

	if ((names = calloc((size_t)k->nfields + 1, sizeof *names)) == NULL)
		return NULL;
	for (i = 0; i < k->nfields; i++)
		if (crm_kind_writable(&k->fields[i]))
			names[n++] = k->fields[i].name;
	near = crm_suggest(name, names, n);
	free(names);
	return near;
}

int
crm_kind_operand(const char *word, const struct crm_kind **k)
{
	const char *names[N(kinds)];
	int i;

	if ((*k = crm_kind_find(word)) != NULL || strchr(word, '=') != NULL)
		return CRM_EX_OK;
	for (i = 0; i < N(kinds); i++)
		names[i] = kinds[i].name;
	/* An id is digits: no kind's name is near one. */
	if (crm_suggest(word, names, N(kinds)) != NULL)
		return crm_kind_get(word, k);
	return CRM_EX_OK;
}

/* Names users type in filters: letters, digits, _ - and any non-ASCII. */
static int
namechars(const char *s, const char *extra)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!isalnum(*p) && *p != '_' && *p != '-' && *p < 0x80 &&
		    strchr(extra, *p) == NULL)
			return 0;
	return crm_utf8_valid(s, strlen(s));
}

int
crm_attr_key_valid(const char *key)
{
	return strlen(key) <= 64 && namechars(key, ".");
}

int
crm_tag_valid(const char *name)
{
	return strlen(name) <= 64 && namechars(name, ":.");
}

int
crm_email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot, *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return 0;
	dot = strrchr(at + 1, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0')
		return 0;
	/* A colon is no address's: mailto:a@b.c is a URI of one. */
	for (p = s; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || *p == ',' || *p == ';' ||
		    *p == '<' || *p == '>' || *p == '"' || *p == ':')
			return 0;
	return at[1] != '.' && strstr(at, "..") == NULL;
}

int
crm_phone_ok(const char *s)
{
	int digits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (strchr("+-() ./", *s) == NULL)
			return 0;
	}
	return digits >= 3 && digits <= 20;
}

int
crm_field_parse(const struct crm_field *f, const char *s, int decimals,
    int64_t now, const struct crm_loc *at, struct crm_val *v)
{
	const char *why;
	char list[256];
	long long n;
	char *end;
	int i;

	memset(v, 0, sizeof *v);
	if (s == NULL || *s == '\0') {
		if (f->flags & CRM_F_REQUIRED)
			return crm_err(CRM_EX_DATAERR, at, "is required");
		v->isnull = 1;
		return CRM_EX_OK;
	}
	if (!crm_utf8_valid(s, strlen(s)))
		return crm_err(CRM_EX_DATAERR, at, "is not valid UTF-8");
	switch (f->type) {
	case CRM_T_ID:
	case CRM_T_REF:
	case CRM_T_INT:
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || !(isdigit((unsigned char)*s)
		    || *s == '-'))
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a "
			    "whole number", s);
		if (n < f->min || n > f->max)
			return crm_err(CRM_EX_DATAERR, at, "%s is out of range "
			    "(%lld to %lld)", s, (long long)f->min,
			    (long long)f->max);
		v->isint = 1;
		v->i = n;
		return CRM_EX_OK;
	case CRM_T_ENUM:
		for (i = 0; f->values[i] != NULL; i++)
			if (strcmp(f->values[i], s) == 0)
				break;
		if (f->values[i] == NULL) {
			list[0] = '\0';
			for (i = 0; f->values[i] != NULL; i++) {
				strncat(list, i > 0 ? ", " : "",
				    sizeof list - strlen(list) - 1);
				strncat(list, f->values[i],
				    sizeof list - strlen(list) - 1);
			}
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not "
			    "one of %s", s, list);
		}
		break;
	case CRM_T_DATE:
	case CRM_T_TIME:
		if (crm_date_parse(s, now, &v->i, &why) != 0)
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" %s", s, why);
		if (f->type == CRM_T_DATE)
			v->i = crm_day_of(v->i) * 86400;
		v->isint = 1;
		return CRM_EX_OK;
	case CRM_T_MONEY:
		if (crm_money_parse(s, decimals, &v->i, &why) != 0)
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" %s", s, why);
		/* Sums of many must fit in 64 bits: see CRM_MONEY_MAX. */
		if (v->i > CRM_MONEY_MAX || v->i < -CRM_MONEY_MAX) {
			crm_money_fmt(CRM_MONEY_MAX, decimals, list,
			    sizeof list);
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is too "
			    "large (at most %s either way)", s, list);
		}
		v->isint = 1;
		return CRM_EX_OK;
	case CRM_T_EMAIL:
		if (!crm_email_ok(s))
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not an "
			    "e-mail address%s", s, strncasecmp(s, "mailto:", 7)
			    == 0 ? " (give it without mailto:)" : "");
		break;
	case CRM_T_PHONE:
		if (!crm_phone_ok(s))
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a "
			    "phone number", s);
		break;
	default:
		break;
	}
	v->s = s;
	return CRM_EX_OK;
}

int
crm_val_bind(sqlite3_stmt *s, int idx, const struct crm_val *v)
{
	if (v->isnull)
		return sqlite3_bind_null(s, idx);
	if (v->isint)
		return sqlite3_bind_int64(s, idx, v->i);
	return sqlite3_bind_text(s, idx, v->s, -1, SQLITE_STATIC);
}
