/*
 * settings.c: the store settings crm knows, their defaults and what they
 * accept.  crm-config reads and writes them; commands read them through
 * crm_setting_get (settings-all.c), which falls back to the default.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

/*
 * The settings of crm as a whole; each tier scheme declares its own
 * (tier.NAME.*, cadence.NAME.*) in its file, tier-NAME.c, and
 * settings-all.c, above this file and scheme.c, puts them where the row
 * without a key stands.  This file knows no scheme: a scheme reads its
 * settings by their rows (crm_setting_read), so nothing it calls comes
 * back to it.
 */
static const struct crm_setting settings[] = {
	{ "currency", NULL, "ISO 4217 code, like CNY or EUR",
	    CRM_SET_CURRENCY },
	{ "decimals", "2", "decimals of the currency, 0 to 4",
	    CRM_SET_DECIMALS },
	/* Here, every scheme's settings, in the order of scheme.c. */
	{ NULL, NULL, NULL, CRM_SET_SCHEMES },
	{ "churn.k", "2", "a repeat buyer is at risk past k times their "
	    "median gap between purchase days", CRM_SET_NUMBER },
	{ "points.rate", "1/10", "points per currency units a purchase earns, "
	    "like 1/10", CRM_SET_RATE },
	{ "points.bonus", "", "extra points per purchase of a product, like "
	    "tea-set:50,mugs:5", CRM_SET_BONUS },
	{ "points.expiry", "24m", "points expire this long after they are "
	    "earned (crm-points expire)", CRM_SET_DURATION },
	{ "sla.response", "24", "hours to the first response to a ticket",
	    CRM_SET_NUMBER },
	{ "sla.resolution", "72", "hours to resolve a ticket",
	    CRM_SET_NUMBER },
	{ "effort.targets", "0.7,0.2,0.1", "target shares of contact effort "
	    "for service grades D, E, F", CRM_SET_WEIGHTS },
	/* Read where the store is opened (store.c), for --asof's default. */
	{ "today", NULL, "the day analyses default to, YYYY-MM-DD ('' for "
	    "the calendar's)", CRM_SET_DAY },
};

const struct crm_setting *
crm_setting_row(int n)
{
	return n >= 0 && (size_t)n < sizeof settings / sizeof settings[0] ?
	    &settings[n] : NULL;
}

/*
 * A comma-separated list of at most max numbers into out; with pct, each
 * may end in % (30% is 0.3: shares, crm(7)).  The count, -1 if malformed.
 */
static int
numbers(const char *v, double *out, int max, int pct)
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
		if (pct && *end == '%') {
			out[n] /= 100;
			end++;
		}
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
crm_setting_numbers(const char *v, double *out, int max)
{
	return numbers(v, out, max, 0);
}

/*
 * A list of shares: each 0.3 or 30% alike (crm(7)); -1 if malformed.  A
 * bare number above 1 is left for the caller to refuse (shares are at
 * most 1).
 */
static int
shares(const char *v, double *out, int max)
{
	return numbers(v, out, max, 1);
}

int
crm_setting_valid(const struct crm_setting *s, const char *v)
{
	double d[8];
	int n, i;

	switch (s->check) {
	case CRM_SET_CURRENCY:
		return strlen(v) == 3 && isupper((unsigned char)v[0]) &&
		    isupper((unsigned char)v[1]) &&
		    isupper((unsigned char)v[2]);
	case CRM_SET_DECIMALS:
		return strlen(v) == 1 && v[0] >= '0' && v[0] <= '4';
	case CRM_SET_LABELS:
		for (i = 0, n = 1; v[i] != '\0'; i++)
			if (v[i] == ',')
				n++;
			else if (isspace((unsigned char)v[i]) || v[i] == '\t')
				return 0;
		return v[0] != '\0' && v[i - 1] != ',' && strstr(v, ",,") ==
		    NULL && n == 3;
	case CRM_SET_WEIGHTS:
		return shares(v, d, 8) == 3 && d[0] >= 0 &&
		    d[1] >= 0 && d[2] >= 0 && d[0] <= 1 && d[1] <= 1 &&
		    d[2] <= 1;
	case CRM_SET_FRACTIONS:
	case CRM_SET_INTS:
		if ((n = s->check == CRM_SET_FRACTIONS ? shares(v, d, 8) :
		    crm_setting_numbers(v, d, 8)) < 0)
			return 0;
		for (i = 0; i < n; i++)
			if (d[i] < 0 || (s->check == CRM_SET_FRACTIONS &&
			    d[i] > 1) || (s->check == CRM_SET_INTS &&
			    d[i] != floor(d[i])) ||
			    (i > 0 && d[i] <= d[i - 1]))
				return 0;
		return n == 2;
	case CRM_SET_NUMBER:
		return crm_setting_numbers(v, d, 1) == 1 && d[0] > 0;
	case CRM_SET_RATE: {
		long a, b;
		char c;

		return sscanf(v, "%ld/%ld%c", &a, &b, &c) == 2 && a > 0 &&
		    b > 0;
	}
	case CRM_SET_BONUS: {
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
	case CRM_SET_CADENCE:
		return crm_cadence_parse(v, NULL, 0) >= 0;
	case CRM_SET_DURATION: {
		struct crm_dur d;
		const char *why;

		return crm_dur_parse(v, &d, &why) == 0 && d.n > 0;
	}
	case CRM_SET_DAY: {
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
crm_setting_read(struct crm_store *st, const struct crm_setting *s,
    char *buf, size_t n)
{
	char *v = NULL;
	int rc;

	if ((rc = crm_config_get(st, s->key, &v)) != CRM_EX_OK)
		return rc;
	snprintf(buf, n, "%s", v != NULL ? v : s->def != NULL ? s->def : "");
	free(v);
	return CRM_EX_OK;
}

int
crm_setting_norm(const struct crm_setting *s, const char *v, char *buf,
    size_t size)
{
	double d[8];
	size_t len = 0;
	int n, i;

	if ((s->check != CRM_SET_WEIGHTS && s->check != CRM_SET_FRACTIONS) ||
	    strchr(v, '%') == NULL || (n = shares(v, d, 8)) < 0) {
		if ((size_t)snprintf(buf, size, "%s", v) >= size)
			return -1;
		return 0;
	}
	/* 15 digits: 95% is stored 0.95, as if written so. */
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
		    "%s%.15g", i > 0 ? "," : "", d[i]);
		if (len >= size)
			return -1;
	}
	return 0;
}
