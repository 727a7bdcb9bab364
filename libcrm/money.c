/* money.c: money as integer minor units, parsed and printed exactly. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>

#include "crm-int.h"

int
crm_money_parse(const char *s, int decimals, int64_t *out, const char **why)
{
	const char *p = s;
	int neg = 0, nd = 0, i;
	int64_t v = 0;

	*why = "is not an amount of money";
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p) && !(*p == '.' &&
	    isdigit((unsigned char)p[1])))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (INT64_MAX - (*p - '0')) / 10)
			goto big;
		v = v * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, nd++) {
			if (nd >= decimals) {
				*why = "has more decimals than the currency";
				return -1;
			}
			if (v > (INT64_MAX - (*p - '0')) / 10)
				goto big;
			v = v * 10 + (*p - '0');
		}
	}
	if (*p != '\0')
		return -1;
	for (i = nd; i < decimals; i++) {
		if (v > INT64_MAX / 10)
			goto big;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
big:
	*why = "is too large";
	return -1;
}

int64_t
crm_money_avg(int64_t total, int64_t n)
{
	int64_t q, r;

	if (n <= 0)
		return 0;
	/* floor(total / n) and a remainder in [0, n): 2r cannot overflow
	 * for any count below 2^62. */
	q = total / n;
	r = total % n;
	if (r < 0) {
		q--;
		r += n;
	}
	return q + (r >= n - r);
}

void
crm_money_fmt(int64_t v, int decimals, char *buf, size_t n)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t scale = 1;
	int i;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	if (decimals == 0)
		snprintf(buf, n, "%s%llu", v < 0 ? "-" : "",
		    (unsigned long long)u);
	else
		snprintf(buf, n, "%s%llu.%0*llu", v < 0 ? "-" : "",
		    (unsigned long long)(u / scale), decimals,
		    (unsigned long long)(u % scale));
}
