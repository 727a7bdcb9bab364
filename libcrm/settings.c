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

#include "crm.h"

enum check {
	C_CURRENCY,	/* ISO 4217: three capitals */
	C_DECIMALS,	/* 0 to 4 */
	C_FRACTIONS,	/* ascending fractions in (0, 1], comma-separated */
	C_LABELS,	/* comma-separated words */
	C_NUMBER,	/* a positive number */
	C_INTS,		/* ascending whole numbers, comma-separated */
	C_RATE,		/* points/units, both whole and positive */
	C_BONUS,	/* product:points, comma-separated */
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
		if (strcmp(s->key, "tier.presale.weights") == 0)
			return n == 3 && d[0] >= 0 && d[1] >= 0 && d[2] >= 0;
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
	default:
		return 1;
	}
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
