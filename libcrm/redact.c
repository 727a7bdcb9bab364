/*
 * redact.c: names, e-mail addresses and phone numbers masked for pages
 * that travel (crm-report --redact): enough left to tell rows apart at a
 * glance, not enough to name anyone.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

/* The length of the UTF-8 character at s (1 for a stray byte). */
static size_t
u8len(const char *s)
{
	const unsigned char c = (unsigned char)*s;
	size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) ==
	    0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1, i;

	for (i = 1; i < k; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return k;
}

/* Each word's first character, then one * for every other character. */
static void
name(const char *s, char *q)
{
	size_t k;
	int first = 1;

	while (*s != '\0') {
		k = u8len(s);
		if (*s == ' ') {
			*q++ = ' ';
			first = 1;
		} else if (first) {
			memcpy(q, s, k);
			q += k;
			first = 0;
		} else
			*q++ = '*';
		s += k;
	}
	*q = '\0';
}

/* The local part's first character and ***, then the whole domain. */
static void
email(const char *s, char *q)
{
	const char *at = strrchr(s, '@');
	size_t k;

	if (at != s && *s != '\0') {
		k = u8len(s);
		memcpy(q, s, k);
		q += k;
	}
	memcpy(q, "***", 3);
	q += 3;
	strcpy(q, at != NULL ? at : "");
}

/* Every digit but the last two a *; spaces, + and dashes kept. */
static void
phone(const char *s, char *q)
{
	size_t digits = 0, seen = 0;
	const char *p;

	for (p = s; *p != '\0'; p++)
		digits += *p >= '0' && *p <= '9';
	for (p = s; *p != '\0'; p++, q++) {
		*q = *p;
		if (*p >= '0' && *p <= '9' && ++seen + 2 <= digits)
			*q = '*';
	}
	*q = '\0';
}

char *
crm_redact(const char *s, enum crm_mask how)
{
	char *t;

	if (s == NULL)
		return NULL;
	/* A * stands for a character of one byte or more. */
	if ((t = malloc(strlen(s) + 4)) == NULL)
		return NULL;
	switch (*s != '\0' ? how : CRM_MASK_NONE) {
	case CRM_MASK_NAME:
		name(s, t);
		break;
	case CRM_MASK_EMAIL:
		email(s, t);
		break;
	case CRM_MASK_PHONE:
		phone(s, t);
		break;
	default:
		strcpy(t, s);
		break;
	}
	return t;
}

enum crm_mask
crm_field_mask(const struct crm_field *f, const char *col)
{
	const char *key;

	if (f != NULL) {
		if (f->type == CRM_T_EMAIL || strcmp(f->name, "email_key") == 0)
			return CRM_MASK_EMAIL;
		if (f->type == CRM_T_PHONE || strcmp(f->name, "phone_key") == 0)
			return CRM_MASK_PHONE;
		return strcmp(f->name, "name") == 0 ? CRM_MASK_NAME :
		    CRM_MASK_NONE;
	}
	/* attr.KEY by what its key says: attr.vcard.email.2, attr.vcard.n. */
	if (strncmp(col, "attr.", 5) != 0)
		return CRM_MASK_NONE;
	key = col + 5;
	if (strstr(key, ".params") != NULL)
		return CRM_MASK_NONE;
	if (strstr(key, "mail") != NULL)
		return CRM_MASK_EMAIL;
	if (strstr(key, "tel") != NULL || strstr(key, "phone") != NULL)
		return CRM_MASK_PHONE;
	if (strstr(key, "name") != NULL || strcmp(key, "vcard.n") == 0)
		return CRM_MASK_NAME;
	return CRM_MASK_NONE;
}
