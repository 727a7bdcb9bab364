/*
 * settings.c: the store settings crm knows, their defaults and what they
 * accept.  crm-config reads and writes them; commands read them through
 * crm_setting_get, which falls back to the default.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

enum check {
	C_CURRENCY,	/* ISO 4217: three capitals */
	C_DECIMALS,	/* 0 to 4 */
	C_FRACTIONS,	/* ascending fractions in (0, 1], comma-separated */
	C_LABELS,	/* comma-separated words */
	C_NUMBER,	/* a positive number */
	C_INTS,		/* ascending whole numbers, comma-separated */
	C_RATE,		/* points/units, both whole and positive */
	C_BONUS,	/* product:points, comma-separated */
	C_CADENCE,	/* what:days, comma-separated (offer, online, visit) */
	C_DURATION,	/* 30d, 12w, 24m, 1y */
	C_DAY,		/* YYYY-MM-DD, or "" for none */
};

static const struct crm_setting settings[] = {
	{ "currency", NULL, "ISO 4217 code, like CNY or EUR", C_CURRENCY },
	{ "decimals", "2", "decimals of the currency, 0 to 4", C_DECIMALS },
	{ "tier.value.cuts", "0.8,0.95", "cumulative revenue shares that end "
	    "tiers A and B", C_FRACTIONS },
	{ "tier.value.labels", "A,B,C", "names of the three value tiers",
	    C_LABELS },
	{ "tier.presale.weights", "0.4,0.4,0.2", "weights of intent, progress "
	    "and closeness in the maturity", C_FRACTIONS },
	{ "tier.presale.cuts", "0.4,0.7", "maturity from which a lead is B, "
	    "then A", C_FRACTIONS },
	{ "tier.presale.close", "30,90", "days to expected close for closeness "
	    "1, then 0.5", C_INTS },
	{ "tier.presale.labels", "C,B,A", "names of the presale grades, lowest "
	    "first", C_LABELS },
	{ "tier.service.cuts", "9,15", "expectation + satisfaction from which "
	    "a customer is E, then D", C_INTS },
	{ "tier.service.labels", "F,E,D", "names of the service grades, "
	    "lowest first", C_LABELS },
	{ "churn.k", "2", "a repeat buyer is at risk past k times their "
	    "median gap between purchase days", C_NUMBER },
	{ "points.rate", "1/10", "points per currency units a purchase earns, "
	    "like 1/10", C_RATE },
	{ "points.bonus", "", "extra points per purchase of a product, like "
	    "tea-set:50,mugs:5", C_BONUS },
	{ "points.expiry", "24m", "points expire this long after they are "
	    "earned (crm-points expire)", C_DURATION },
	/* Follow-ups (crm-due), by grade from the highest: what:days. */
	{ "cadence.presale.A", "offer:7", "follow-ups of the highest presale "
	    "grade, like offer:7", C_CADENCE },
	{ "cadence.presale.B", "online:7,visit:14", "follow-ups of the middle "
	    "presale grade", C_CADENCE },
	{ "cadence.presale.C", "online:18,visit:30", "follow-ups of the lowest "
	    "presale grade", C_CADENCE },
	{ "cadence.service.D", "online:14,visit:30", "follow-ups of the "
	    "highest service grade", C_CADENCE },
	{ "cadence.service.E", "online:30,visit:90", "follow-ups of the "
	    "middle service grade", C_CADENCE },
	{ "cadence.service.F", "online:90", "follow-ups of the lowest service "
	    "grade", C_CADENCE },
	{ "sla.response", "24", "hours to the first response to a ticket",
	    C_NUMBER },
	{ "sla.resolution", "72", "hours to resolve a ticket", C_NUMBER },
	{ "effort.targets", "0.7,0.2,0.1", "target shares of contact effort "
	    "for service grades D, E, F", C_FRACTIONS },
	/* Read where the store is opened (store.c), for --asof's default. */
	{ "today", NULL, "the day analyses default to, YYYY-MM-DD ('' for "
	    "the calendar's)", C_DAY },
};

const struct crm_setting *
crm_setting_find(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

const struct crm_setting *
crm_setting_nth(int n)
{
	return n >= 0 && (size_t)n < sizeof settings / sizeof settings[0] ?
	    &settings[n] : NULL;
}

/* Split a comma-separated list into at most max doubles. */
int
crm_setting_numbers(const char *v, double *out, int max)
{
	char *end;
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		errno = 0;
		out[n] = strtod(v, &end);
		if (end == v || errno != 0 || !isfinite(out[n]))
			return -1;
		n++;
		v = end;
		while (*v == ' ')
			v++;
		if (*v == '\0')
			return n;
		if (*v++ != ',')
			return -1;
	}
}

int
crm_setting_valid(const struct crm_setting *s, const char *v)
{
	double d[8];
	int n, i;

	switch (s->check) {
	case C_CURRENCY:
		return strlen(v) == 3 && isupper((unsigned char)v[0]) &&
		    isupper((unsigned char)v[1]) &&
		    isupper((unsigned char)v[2]);
	case C_DECIMALS:
		return strlen(v) == 1 && v[0] >= '0' && v[0] <= '4';
	case C_LABELS:
		for (i = 0, n = 1; v[i] != '\0'; i++)
			if (v[i] == ',')
				n++;
			else if (isspace((unsigned char)v[i]) || v[i] == '\t')
				return 0;
		return v[0] != '\0' && v[i - 1] != ',' && strstr(v, ",,") ==
		    NULL && n == 3;
	case C_FRACTIONS:
	case C_INTS:
		if ((n = crm_setting_numbers(v, d, 8)) < 0)
			return 0;
		if (strcmp(s->key, "tier.presale.weights") == 0 ||
		    strcmp(s->key, "effort.targets") == 0)
			return n == 3 && d[0] >= 0 && d[1] >= 0 && d[2] >= 0 &&
			    d[0] <= 1 && d[1] <= 1 && d[2] <= 1;
		for (i = 0; i < n; i++)
			if (d[i] < 0 || (s->check == C_FRACTIONS && d[i] > 1) ||
			    (s->check == C_INTS && d[i] != floor(d[i])) ||
			    (i > 0 && d[i] <= d[i - 1]))
				return 0;
		return n == 2;
	case C_NUMBER:
		return crm_setting_numbers(v, d, 1) == 1 && d[0] > 0;
	case C_RATE: {
		long a, b;
		char c;

		return sscanf(v, "%ld/%ld%c", &a, &b, &c) == 2 && a > 0 &&
		    b > 0;
	}
	case C_BONUS: {
		const char *p = v, *colon;
		char *end;

		while (*p != '\0') {
			if ((colon = strchr(p, ':')) == NULL || colon == p)
				return 0;
			if (strtol(colon + 1, &end, 10) < 0 || end == colon + 1)
				return 0;
			if (*end == '\0')
				return 1;
			if (*end != ',')
				return 0;
			p = end + 1;
		}
		return 1;
	}
	case C_CADENCE:
		return crm_cadence_parse(v, NULL, 0) >= 0;
	case C_DURATION: {
		struct crm_dur d;
		const char *why;

		return crm_dur_parse(v, &d, &why) == 0 && d.n > 0;
	}
	case C_DAY: {
		const char *why;
		int64_t t;

		return *v == '\0' || (strlen(v) == 10 && v[4] == '-' &&
		    v[7] == '-' && strspn(v, "0123456789-") == 10 &&
		    crm_date_parse(v, 0, &t, &why) == 0);
	}
	default:
		return 1;
	}
}

int
crm_cadence_parse(const char *v, struct crm_cadence *out, int max)
{
	static const char *const whats[] = { "offer", "online", "visit" };
	const char *p = v, *colon;
	char *end;
	long days;
	int n = 0, w;

	if (*p == '\0')
		return 0;
	for (;;) {
		if ((colon = strchr(p, ':')) == NULL)
			return -1;
		for (w = 0; w < 3; w++)
			if ((size_t)(colon - p) == strlen(whats[w]) &&
			    strncmp(p, whats[w], colon - p) == 0)
				break;
		if (w == 3 || !isdigit((unsigned char)colon[1]))
			return -1;
		errno = 0;
		days = strtol(colon + 1, &end, 10);
		if (errno != 0 || days <= 0 || days > 3660)
			return -1;
		if (out != NULL && n < max) {
			out[n].what = whats[w];
			out[n].days = (int)days;
		}
		n++;
		if (*end == '\0')
			return n;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
}

int
crm_setting_num(struct crm_store *st, const char *key, double *v)
{
	char buf[64];
	int rc;

	if ((rc = crm_setting_get(st, key, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	if (crm_setting_numbers(buf, v, 1) != 1)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not a "
		    "number", key, buf);
	return CRM_EX_OK;
}

int
crm_setting_get(struct crm_store *st, const char *key, char *buf, size_t n)
{
	const struct crm_setting *s = crm_setting_find(key);
	char *v = NULL;
	int rc;

	if ((rc = crm_config_get(st, key, &v)) != CRM_EX_OK)
		return rc;
	snprintf(buf, n, "%s", v != NULL ? v : s != NULL && s->def != NULL ?
	    s->def : "");
	free(v);
	return CRM_EX_OK;
}
