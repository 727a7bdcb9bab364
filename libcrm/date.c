/* date.c: dates, times and durations, all UTC and exact. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

/* Howard Hinnant's days_from_civil: proleptic Gregorian, exact. */
int64_t
crm_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
crm_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t
crm_day_of(int64_t secs)
{
	return secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
}

static int
mdays(int64_t y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

/* Read exactly n digits. */
static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

int
crm_date_parse(const char *s, int64_t now, int64_t *out, const char **why)
{
	const char *p = s;
	int y, m, d, hh = 0, mi = 0, ss = 0, zh, zm, sign;
	int64_t t, off = 0;
	char *end;
	long long v;

	*why = "is not a date (YYYY-MM-DD, ISO 8601, @SECONDS or now)";
	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (s[0] == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (s[1] == '\0' || *end != '\0' || errno != 0)
			return -1;
		*out = v;
		return 0;
	}
	if (digits(&p, 4, &y) != 0)
		return -1;
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &m) != 0 || *p++ != '-' ||
		    digits(&p, 2, &d) != 0)
			return -1;
	} else if (digits(&p, 2, &m) != 0 || digits(&p, 2, &d) != 0)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > mdays(y, m)) {
		*why = "is not a valid calendar date";
		return -1;
	}
	if (*p == 'T' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (digits(&p, 2, &hh) != 0 || *p++ != ':' ||
		    digits(&p, 2, &mi) != 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &ss) != 0)
				return -1;
			if (*p == '.' || *p == ',') {	/* fractions dropped */
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (hh > 23 || mi > 59 || ss > 60) {
			*why = "is not a valid time of day";
			return -1;
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &zh) != 0)
				return -1;
			if (*p == ':')
				p++;
			if (digits(&p, 2, &zm) != 0 || zh > 23 || zm > 59)
				return -1;
			off = sign * (zh * 3600 + zm * 60);
		} else {
			*why = "needs a zone (Z or +hh:mm)";
			return -1;
		}
	}
	if (*p != '\0')
		return -1;
	t = crm_days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss;
	*out = t - off;
	return 0;
}

void
crm_date_fmt(int64_t secs, char *buf, size_t n)
{
	int64_t y;
	int m, d;

	crm_civil_from_days(crm_day_of(secs), &y, &m, &d);
	snprintf(buf, n, "%04lld-%02d-%02d", (long long)y, m, d);
}

void
crm_time_fmt(int64_t secs, char *buf, size_t n)
{
	int64_t y, day = crm_day_of(secs), r = secs - day * 86400;
	int m, d;

	crm_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m,
	    d, (int)(r / 3600), (int)(r / 60 % 60), (int)(r % 60));
}

int
crm_dur_parse(const char *s, struct crm_dur *out, const char **why)
{
	const char *p = s;
	int64_t n = 0;

	*why = "is not a duration (like 30d, 12w, 6m, 1y, 24h)";
	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		if (n > INT64_MAX / 10 / 86400 / 366)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	if (strchr("hdwmy", *p) == NULL || *p == '\0' || p[1] != '\0')
		return -1;
	out->n = n;
	out->unit = *p;
	return 0;
}

int64_t
crm_dur_secs(const struct crm_dur *d)
{
	switch (d->unit) {
	case 'h':
		return d->n * 3600;
	case 'w':
		return d->n * 7 * 86400;
	case 'm':
		return d->n * 30 * 86400;
	case 'y':
		return d->n * 365 * 86400;
	default:
		return d->n * 86400;
	}
}

int64_t
crm_dur_after(const struct crm_dur *d, int64_t t)
{
	int64_t y, day = crm_day_of(t), n, last;
	int m, dd;

	if (d->unit != 'm' && d->unit != 'y')
		return t + crm_dur_secs(d);
	crm_civil_from_days(day, &y, &m, &dd);
	n = y * 12 + (m - 1) + (d->unit == 'y' ? 12 : 1) * d->n;
	/* The same day of the month, or the month's last day. */
	last = crm_days_from_civil((n + 1) / 12, (int)((n + 1) % 12) + 1, 1) -
	    1;
	day = crm_days_from_civil(n / 12, (int)(n % 12) + 1, 1) + dd - 1;
	if (day > last)
		day = last;
	return day * 86400 + (t - crm_day_of(t) * 86400);
}
