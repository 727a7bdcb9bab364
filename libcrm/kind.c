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

#include <sqlite3.h>

#include "crm.h"

static const char *const stages[] = { "lead", "prospect", "customer",
    "lost", NULL };
static const char *const progresses[] = { "new", "contacted", "qualified",
    "proposal", "negotiation", NULL };

#define TEXT(n, fl, vc) \
	{ n, n, NULL, CRM_T_TEXT, 0, 0, NULL, NULL, fl, n, vc }

static const struct crm_field customer_fields[] = {
	{ "id", "id", NULL, CRM_T_ID, 1, INT64_MAX, NULL, NULL,
	    CRM_F_READONLY, "id", NULL },
	{ "ref", "ref", NULL, CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_UNIQUE | CRM_F_PERSONAL, "ref", "UID" },
	{ "name", "name", NULL, CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_REQUIRED | CRM_F_PERSONAL, "name", "FN" },
	{ "email", "email", NULL, CRM_T_EMAIL, 0, 0, NULL, NULL,
	    CRM_F_UNIQUE | CRM_F_PERSONAL | CRM_F_NOCASE, "email", "EMAIL" },
	{ "phone", "phone", NULL, CRM_T_PHONE, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "phone", "TEL" },
	TEXT("company", CRM_F_PERSONAL, "ORG"),
	TEXT("industry", 0, NULL),
	TEXT("country", 0, NULL),
	TEXT("region", 0, NULL),
	TEXT("city", CRM_F_PERSONAL, NULL),
	TEXT("gender", CRM_F_PERSONAL, NULL),
	{ "birthday", "birthday", NULL, CRM_T_DATE, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "birthday", "BDAY" },
	{ "income", "income", NULL, CRM_T_MONEY, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "income", NULL },
	TEXT("occupation", CRM_F_PERSONAL, NULL),
	TEXT("source", 0, NULL),
	TEXT("owner", 0, NULL),
	{ "stage", "stage", NULL, CRM_T_ENUM, 0, 0, stages, NULL, 0,
	    "stage", NULL },
	{ "intent", "intent", NULL, CRM_T_INT, 1, 5, NULL, NULL, 0,
	    "intent", NULL },
	{ "progress", "progress", NULL, CRM_T_ENUM, 0, 0, progresses, NULL,
	    0, "progress", NULL },
	{ "expected_close", "expected_close", NULL, CRM_T_DATE, 0, 0, NULL,
	    NULL, 0, "expected_close", NULL },
	{ "created", "created", NULL, CRM_T_TIME, 0, 0, NULL, NULL,
	    CRM_F_NOW, "created", NULL },
	{ "notes", "notes", NULL, CRM_T_TEXT, 0, 0, NULL, NULL,
	    CRM_F_PERSONAL, "notes", "NOTE" },
	/* Computed: every tag, comma-joined in order. */
	{ "tags", NULL, "(SELECT group_concat(tag, ',') FROM (SELECT tag "
	    "FROM tag WHERE tag.customer = c.id ORDER BY tag))", CRM_T_TEXT,
	    0, 0, NULL, NULL, CRM_F_READONLY, "tags", NULL },
};

static const struct crm_kind kinds[] = {
	{ "customer", "customer", customer_fields,
	    sizeof customer_fields / sizeof customer_fields[0],
	    "id,ref,name,email,phone,company,city,stage,owner", 1, 1 },
};

const struct crm_kind *
crm_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
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

int
crm_kind_index(const struct crm_kind *k, const struct crm_field *f)
{
	return (int)(f - k->fields);
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

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot, *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return 0;
	dot = strrchr(at + 1, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || *p == ',' || *p == ';' ||
		    *p == '<' || *p == '>' || *p == '"')
			return 0;
	return at[1] != '.' && strstr(at, "..") == NULL;
}

static int
phone_ok(const char *s)
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
		v->isint = 1;
		return CRM_EX_OK;
	case CRM_T_EMAIL:
		if (!email_ok(s))
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not an "
			    "e-mail address", s);
		break;
	case CRM_T_PHONE:
		if (!phone_ok(s))
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
