/*
 * vcard.c: vCard (RFC 6350) out, version 4.0; in, versions 3.0 and 4.0.
 *
 * Out: FN, N, EMAIL, TEL, ORG, ADR (locality, region, country), BDAY,
 * NOTE and UID = ref, escaped and folded at 75 octets.  In: the same
 * properties, unfolded and unescaped, as customer records whose fields
 * are those of crm_vcard_fields.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

/* The customer fields a card carries, in the order records come in. */
const char *const crm_vcard_fields[CRM_VCARD_NF] = {
	"ref", "name", "email", "phone", "company", "city", "region",
	"country", "birthday", "notes",
};

enum { REF, NAME, EMAIL, PHONE, COMPANY, CITY, REGION, COUNTRY, BDAY,
    NOTES };

/* Compound surnames, so 欧阳娜 files as 欧阳 / 娜. */
static const char *const compound[] = { "欧阳", "司马", "诸葛", "上官",
    "东方", "皇甫", "慕容", "司徒", "令狐", "夏侯", NULL };

/* Escape a text value: backslash, comma, semicolon, newline. */
static void
esc(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\' || *s == ',' || *s == ';')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s != '\r')
			putc(*s, fp);
	}
}

/* Write one content line, folded at 75 octets between characters. */
static void
line(FILE *out, const char *s)
{
	size_t n = 0, w;

	for (; *s != '\0'; s += w) {
		w = 1;
		while ((s[w] & 0xc0) == 0x80)
			w++;
		if (n + w > 75) {
			fputs("\r\n ", out);
			n = 1;
		}
		fwrite(s, 1, w, out);
		n += w;
	}
	fputs("\r\n", out);
}

/* Split a name into family and given names, for N. */
static void
split(const char *name, char *family, char *given, size_t n)
{
	const char *sp = strrchr(name, ' ');
	size_t i, k;

	*family = *given = '\0';
	if (sp != NULL) {
		/* Western order: the last word is the family name. */
		snprintf(family, n, "%s", sp + 1);
		snprintf(given, n, "%.*s", (int)(sp - name), name);
		return;
	}
	if ((unsigned char)name[0] < 0x80) {
		snprintf(given, n, "%s", name);
		return;
	}
	/* Chinese order: a one-character surname unless a compound one. */
	for (i = 0; compound[i] != NULL; i++) {
		k = strlen(compound[i]);
		if (strncmp(name, compound[i], k) == 0 && name[k] != '\0') {
			snprintf(family, n, "%s", compound[i]);
			snprintf(given, n, "%s", name + k);
			return;
		}
	}
	for (k = 1; (name[k] & 0xc0) == 0x80; k++)
		;
	snprintf(family, n, "%.*s", (int)k, name);
	snprintf(given, n, "%s", name + k);
}

void
crm_vcard_put(FILE *out, const char *const v[CRM_VCARD_NF])
{
	char *buf = NULL, fam[256], giv[256];
	size_t len = 0;
	FILE *fp;

#define PROP(name, val) do {						\
	if ((val) != NULL && *(val) != '\0') {				\
		fp = open_memstream(&buf, &len);			\
		fputs(name ":", fp);					\
		esc(fp, val);						\
		fclose(fp);						\
		line(out, buf);						\
		free(buf);						\
		buf = NULL;						\
	}								\
} while (0)
	line(out, "BEGIN:VCARD");
	line(out, "VERSION:4.0");
	PROP("UID", v[REF]);
	PROP("FN", v[NAME]);
	split(v[NAME] != NULL ? v[NAME] : "", fam, giv, sizeof fam);
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		fputs("N:", fp);
		esc(fp, fam);
		putc(';', fp);
		esc(fp, giv);
		fputs(";;;", fp);
		fclose(fp);
		line(out, buf);
		free(buf);
		buf = NULL;
	}
	PROP("EMAIL", v[EMAIL]);
	PROP("TEL", v[PHONE]);
	PROP("ORG", v[COMPANY]);
	if ((v[CITY] != NULL || v[REGION] != NULL || v[COUNTRY] != NULL) &&
	    (fp = open_memstream(&buf, &len)) != NULL) {
		/* pobox; ext; street; locality; region; code; country */
		fputs("ADR:;;;", fp);
		esc(fp, v[CITY]);
		putc(';', fp);
		esc(fp, v[REGION]);
		putc(';', fp);
		putc(';', fp);
		esc(fp, v[COUNTRY]);
		fclose(fp);
		line(out, buf);
		free(buf);
		buf = NULL;
	}
	if (v[BDAY] != NULL && strlen(v[BDAY]) == 10) {
		/* RFC 6350 dates are basic ISO 8601: 19900504. */
		char d[16];

		snprintf(d, sizeof d, "BDAY:%.4s%.2s%.2s", v[BDAY], v[BDAY] + 5,
		    v[BDAY] + 8);
		line(out, d);
	}
	PROP("NOTE", v[NOTES]);
	line(out, "END:VCARD");
#undef PROP
}

/* ---- reading ------------------------------------------------------ */

struct crm_vcard {
	ssize_t		(*getline)(void *, char **, size_t *);
	void		*arg;
	const char	*name;
	char		*cur, *next;	/* the logical line, the one after */
	size_t		 ncur, nnext;
	long		 curline, nextline, line;
	int		 eof;
	char		*val[CRM_VCARD_NF];
};

int
crm_vcard_sniff(const char *buf, size_t n)
{
	while (n > 0 && isspace((unsigned char)*buf))
		buf++, n--;
	return n >= 11 && strncasecmp(buf, "BEGIN:VCARD", 11) == 0;
}

/* Read one physical line without its end; -1 at the end. */
static ssize_t
physical(struct crm_vcard *v, char **buf, size_t *cap)
{
	ssize_t n = v->getline(v->arg, buf, cap);

	if (n < 0)
		return -1;
	v->line++;
	while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = '\0';
	return n;
}

/* The next logical line, unfolded; *at is where it starts. */
static int
logical(struct crm_vcard *v, char **out, long *at)
{
	char *phys = NULL;
	size_t cap = 0, len;
	ssize_t n;

	free(v->cur);
	v->cur = v->next;
	v->curline = v->nextline;
	v->next = NULL;
	for (;;) {
		if ((n = physical(v, &phys, &cap)) < 0) {
			v->eof = 1;
			break;
		}
		if (v->cur != NULL && (phys[0] == ' ' || phys[0] == '\t')) {
			/* A folded line: the rest of the one before. */
			len = strlen(v->cur);
			v->cur = realloc(v->cur, len + (size_t)n);
			memcpy(v->cur + len, phys + 1, (size_t)n);
			continue;
		}
		if (v->cur == NULL) {
			if (n == 0)
				continue;
			v->cur = strdup(phys);
			v->curline = v->line;
			continue;
		}
		v->next = strdup(phys);
		v->nextline = v->line;
		break;
	}
	free(phys);
	*out = v->cur;
	*at = v->curline;
	return v->cur != NULL ? 0 : -1;
}

/* Undo the text escapes, in place; components split at bare ';'. */
static char *
unescape(char *s, char **rest)
{
	char *o = s, *p = s;

	*rest = NULL;
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			*o++ = *p == 'n' || *p == 'N' ? '\n' : *p;
		} else if (*p == ';') {
			*rest = p + 1;
			break;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return s;
}

static void
keep(struct crm_vcard *v, int f, const char *s)
{
	if (v->val[f] != NULL || s == NULL || *s == '\0')
		return;		/* the first of several counts */
	v->val[f] = strdup(s);
}

int
crm_vcard_open(struct crm_vcard **out, ssize_t (*gl)(void *, char **,
    size_t *), void *arg, const char *name)
{
	struct crm_vcard *v;

	if ((v = calloc(1, sizeof *v)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	v->getline = gl;
	v->arg = arg;
	v->name = name;
	*out = v;
	return CRM_EX_OK;
}

/* One card's values by crm_vcard_fields; *start is its BEGIN line. */
int
crm_vcard_next(struct crm_vcard *v, char ***vals, long *start)
{
	struct crm_loc at = { v->name, 0, NULL };
	char *l, *colon, *name, *value, *rest, *semi, *dot, d[16];
	int i, in = 0;
	long ln;

	for (i = 0; i < CRM_VCARD_NF; i++) {
		free(v->val[i]);
		v->val[i] = NULL;
	}
	while (logical(v, &l, &ln) == 0) {
		at.line = ln;
		if (*l == '\0')
			continue;
		if (!crm_utf8_valid(l, strlen(l)))
			return crm_err(CRM_EX_DATAERR, &at, "is not valid "
			    "UTF-8");
		if ((colon = strchr(l, ':')) == NULL)
			return crm_err(CRM_EX_DATAERR, &at, "not a vCard "
			    "content line (name:value)");
		*colon = '\0';
		value = colon + 1;
		name = l;
		if ((semi = strchr(name, ';')) != NULL)
			*semi = '\0';		/* parameters are not kept */
		if ((dot = strchr(name, '.')) != NULL)
			name = dot + 1;		/* item1.EMAIL: a group */
		if (!in) {
			if (strcasecmp(name, "BEGIN") != 0 ||
			    strcasecmp(value, "VCARD") != 0)
				return crm_err(CRM_EX_DATAERR, &at, "expected "
				    "BEGIN:VCARD");
			in = 1;
			*start = ln;
			continue;
		}
		if (strcasecmp(name, "END") == 0) {
			*vals = v->val;
			return CRM_EX_OK;
		}
		if (strcasecmp(name, "VERSION") == 0) {
			if (strcmp(value, "3.0") != 0 &&
			    strcmp(value, "4.0") != 0)
				return crm_err(CRM_EX_DATAERR, &at, "vCard "
				    "version %s: 3.0 and 4.0 are read", value);
		} else if (strcasecmp(name, "FN") == 0)
			keep(v, NAME, unescape(value, &rest));
		else if (strcasecmp(name, "N") == 0 && v->val[NAME] == NULL) {
			/* Without FN: given then family name. */
			char *fam = unescape(value, &rest), *giv = "";
			char full[512];

			if (rest != NULL)
				giv = unescape(rest, &rest);
			snprintf(full, sizeof full, "%s%s%s", giv,
			    *giv && *fam ? " " : "", fam);
			keep(v, NAME, full);
		} else if (strcasecmp(name, "EMAIL") == 0) {
			/* Text, but often written as a mailto: URI. */
			if (strncasecmp(value, "mailto:", 7) == 0)
				value += 7;
			keep(v, EMAIL, unescape(value, &rest));
		}
		else if (strcasecmp(name, "TEL") == 0) {
			if (strncasecmp(value, "tel:", 4) == 0)
				value += 4;
			keep(v, PHONE, unescape(value, &rest));
		} else if (strcasecmp(name, "ORG") == 0)
			keep(v, COMPANY, unescape(value, &rest));
		else if (strcasecmp(name, "UID") == 0)
			keep(v, REF, unescape(value, &rest));
		else if (strcasecmp(name, "NOTE") == 0)
			keep(v, NOTES, unescape(value, &rest));
		else if (strcasecmp(name, "ADR") == 0) {
			char *part[7] = { 0 };

			for (i = 0; i < 7 && value != NULL; i++) {
				part[i] = unescape(value, &rest);
				value = rest;
			}
			keep(v, CITY, part[3]);
			keep(v, REGION, part[4]);
			keep(v, COUNTRY, part[6]);
		} else if (strcasecmp(name, "BDAY") == 0) {
			/* 19900504, 1990-05-04, or with a time: the date. */
			if (strlen(value) >= 8 && isdigit((unsigned char)
			    value[0]) && value[4] != '-')
				snprintf(d, sizeof d, "%.4s-%.2s-%.2s", value,
				    value + 4, value + 6);
			else
				snprintf(d, sizeof d, "%.10s", value);
			if (value[0] != '-')	/* --0504: no year, no date */
				keep(v, BDAY, d);
		}
	}
	if (in) {
		at.line = *start;
		return crm_err(CRM_EX_DATAERR, &at, "the card has no "
		    "END:VCARD");
	}
	return CRM_EX_NONE;
}

void
crm_vcard_close(struct crm_vcard *v)
{
	int i;

	if (v == NULL)
		return;
	for (i = 0; i < CRM_VCARD_NF; i++)
		free(v->val[i]);
	free(v->cur);
	free(v->next);
	free(v);
}
