/*
 * norm.c: normalised keys that find likely duplicate customers: e-mail
 * addresses as their provider reads them, phone numbers by their national
 * digits, names case- and accent-folded (Chinese names without spaces).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crm-int.h"

/* Providers that ignore dots in the local part, and those with +tags. */
static const char *const nodots[] = { "gmail.com", "googlemail.com", NULL };
static const char *const plustags[] = { "gmail.com", "googlemail.com",
    "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com",
    "fastmail.com", "protonmail.com", "proton.me", "yandex.ru", NULL };

static int
listed(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
crm_email_key(const char *email, char *buf, size_t n)
{
	const char *at = strrchr(email, '@'), *p;
	char domain[256];
	size_t o = 0, i;

	if (at == NULL || n == 0)
		return -1;
	for (i = 0; at[1 + i] != '\0' && i + 1 < sizeof domain; i++)
		domain[i] = (char)tolower((unsigned char)at[1 + i]);
	domain[i] = '\0';
	if (strcmp(domain, "googlemail.com") == 0)
		snprintf(domain, sizeof domain, "gmail.com");
	for (p = email; p < at && o + 1 < n; p++) {
		if (*p == '+' && listed(plustags, domain))
			break;
		if (*p == '.' && listed(nodots, domain))
			continue;
		buf[o++] = (char)tolower((unsigned char)*p);
	}
	snprintf(buf + o, n - o, "@%s", domain);
	return 0;
}

int
crm_email_key_stored(const char *email, char *buf, size_t n)
{
	/* Mostly the key is the address itself, which the e-mail index
	 * finds already: only a key that differs is kept (and indexed). */
	if (crm_email_key(email, buf, n) != 0 || strcasecmp(buf, email) == 0)
		return -1;
	return 0;
}

/* Country calling codes, longest first within each leading digit. */
static const char *const codes[] = {
	"1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40",
	"41", "43", "44", "45", "46", "47", "48", "49", "51", "52", "53", "54",
	"55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81",
	"82", "84", "86", "90", "91", "92", "93", "94", "95", "98", "212",
	"213", "216", "218", "220", "221", "233", "234", "251", "254", "255",
	"256", "260", "263", "351", "352", "353", "354", "358", "359", "370",
	"371", "372", "380", "381", "385", "386", "420", "421", "852", "853",
	"855", "856", "880", "886", "960", "961", "962", "963", "964", "965",
	"966", "971", "972", "974", "977", NULL,
};

int
crm_phone_key(const char *phone, char *buf, size_t n)
{
	char d[64];
	const char *p, *best = NULL;
	size_t k = 0, i, len;
	int intl;

	for (p = phone; *p != '\0' && k + 1 < sizeof d; p++)
		if (isdigit((unsigned char)*p))
			d[k++] = *p;
	d[k] = '\0';
	p = d;
	while (isspace((unsigned char)*phone))
		phone++;
	intl = *phone == '+';
	if (!intl && strncmp(d, "00", 2) == 0) {
		intl = 1;
		p += 2;
	}
	if (intl) {
		/* Drop the country code: the national number is left. */
		for (i = 0; codes[i] != NULL; i++) {
			if (codes[i][0] != *p)
				continue;
			len = strlen(codes[i]);
			if (strncmp(p, codes[i], len) == 0 &&
			    (best == NULL || len > strlen(best)))
				best = codes[i];
		}
		if (best != NULL)
			p += strlen(best);
	}
	while (*p == '0')
		p++;		/* a national trunk prefix */
	if (strlen(p) < 6)
		return -1;	/* too short to tell people apart */
	snprintf(buf, n, "%s", p);
	return 0;
}

/* Latin letters with diacritics, U+00C0..U+017F, to their base letter. */
static const char fold[] =
    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty"
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlL"
    "lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

int
crm_name_key(const char *name, char *buf, size_t n)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t o = 0;
	int cjk = 0, space = 0;
	unsigned c;

	for (; *s != '\0'; s++)
		if (*s >= 0xe0)
			cjk = 1;	/* three-byte UTF-8: CJK and others */
	s = (const unsigned char *)name;
	while (*s != '\0' && o + 4 < n) {
		c = *s;
		if (c < 0x80) {
			s++;
			if (isalnum(c)) {
				if (space && o > 0)
					buf[o++] = ' ';
				space = 0;
				buf[o++] = (char)tolower(c);
			} else if (!cjk)
				space = 1;	/* words, however spelled */
			continue;
		}
		if ((c & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
			c = (c & 0x1f) << 6 | (s[1] & 0x3f);
			if (c >= 0xc0 && c < 0xc0 + sizeof fold - 1) {
				if (space && o > 0)
					buf[o++] = ' ';
				space = 0;
				buf[o++] = (char)tolower((unsigned char)
				    fold[c - 0xc0]);
				s += 2;
				continue;
			}
		}
		/* Any other character is kept as it is. */
		if (space && o > 0)
			buf[o++] = ' ';
		space = 0;
		do
			buf[o++] = (char)*s++;
		while ((*s & 0xc0) == 0x80 && o + 1 < n);
	}
	buf[o] = '\0';
	return o > 0 ? 0 : -1;
}
