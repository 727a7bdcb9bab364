/*
 * vcard.c: vCard (RFC 6350) out, version 4.0; in, versions 3.0 and 4.0.
 *
 * A customer is one card: FN and N from name, EMAIL, TEL, ORG, ADR
 * (locality, region, country), BDAY, NOTE, UID (the ref, else a UUID of
 * the id in the store's namespace) and CATEGORIES (manual tags).  What
 * else a card holds that address books show (further EMAIL and TEL, ADR's
 * street and code, TITLE, NICKNAME, URL, the parameters such as TYPE, an
 * N that the name does not give) is kept as attr.vcard.* attributes and
 * written back, so a card read and written again loses nothing; what is
 * not kept is named in a warning.  Text is escaped and lines folded at
 * 75 octets.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "crm.h"

/* Properties kept as attributes, and how many of each. */
#define NKEEP	6
#define SLOTS	4

static const char *const keepname[NKEEP] = {
	"EMAIL", "TEL", "ADR", "TITLE", "NICKNAME", "URL",
};

#define ATTRS(p) "attr.vcard." p, "attr.vcard." p ".params",		\
	"attr.vcard." p ".2", "attr.vcard." p ".2.params",		\
	"attr.vcard." p ".3", "attr.vcard." p ".3.params",		\
	"attr.vcard." p ".4", "attr.vcard." p ".4.params"

/* The columns cards are read as, in the order records come in. */
const char *const crm_vcard_fields[CRM_VCARD_NF] = {
	"ref", "name", "email", "phone", "company", "city", "region",
	"country", "birthday", "notes", "id", "tags",
	ATTRS("email"), ATTRS("tel"), ATTRS("adr"), ATTRS("title"),
	ATTRS("nickname"), ATTRS("url"),
	"attr.vcard.n", "attr.vcard.categories",
};

enum { REF, NAME, EMAIL, PHONE, COMPANY, CITY, REGION, COUNTRY, BDAY,
    NOTES, ID, TAGS, KEPT, N = KEPT + NKEEP * SLOTS * 2, CATEGORIES };

typedef char crm_vcard_nf_check[CATEGORIES + 1 == CRM_VCARD_NF ? 1 : -1];

/* The column of slot n (0 the first) of kept property p, or its params. */
#define SLOT(p, n, params)	(KEPT + ((p) * SLOTS + (n)) * 2 + (params))

/* Compound surnames, so 欧阳娜 files as 欧阳 / 娜. */
static const char *const compound[] = { "欧阳", "司马", "诸葛", "上官",
    "东方", "皇甫", "慕容", "司徒", "令狐", "夏侯", NULL };

/* ---- names --------------------------------------------------------- */

/* 1 when s starts with a Han, kana or Hangul character. */
static int
cjk(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;

	if (p[0] < 0xe0 || p[1] == '\0' || p[2] == '\0' ||
	    (p[0] >= 0xf0 && p[3] == '\0'))
		return 0;
	if (p[0] < 0xf0)
		c = (p[0] & 0x0fUL) << 12 | (p[1] & 0x3fUL) << 6 |
		    (p[2] & 0x3fUL);
	else
		c = (p[0] & 0x07UL) << 18 | (p[1] & 0x3fUL) << 12 |
		    (p[2] & 0x3fUL) << 6 | (p[3] & 0x3fUL);
	return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
}

/* Copy s[0..n) without the spaces around it. */
static void
trimcpy(char *dst, size_t cap, const char *s, size_t n)
{
	while (n > 0 && *s == ' ')
		s++, n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	snprintf(dst, cap, "%.*s", (int)n, s);
}

/*
 * Split a name into family and given names, for N: "Smith, John" is
 * family first; "John Smith" has the family name last; "山田 太郎" (Han,
 * kana or Hangul) first; "欧阳娜" a one-character surname, or a compound
 * one; a single word of any other script is a given name.
 */
static void
split(const char *name, char *family, char *given, size_t n)
{
	const char *sp, *comma = strchr(name, ',');
	size_t i, k, len = strlen(name);

	*family = *given = '\0';
	while (*name == ' ')
		name++, len--;
	while (len > 0 && name[len - 1] == ' ')
		len--;
	if (comma != NULL) {
		trimcpy(family, n, name, (size_t)(comma - name));
		trimcpy(given, n, comma + 1, len - (size_t)(comma + 1 - name));
		return;
	}
	if ((sp = memchr(name, ' ', len)) != NULL) {
		if (cjk(name)) {
			trimcpy(family, n, name, (size_t)(sp - name));
			trimcpy(given, n, sp, len - (size_t)(sp - name));
			return;
		}
		for (sp = name + len; sp[-1] != ' '; sp--)
			;
		trimcpy(family, n, sp, len - (size_t)(sp - name));
		trimcpy(given, n, name, (size_t)(sp - name));
		return;
	}
	if (!cjk(name)) {
		trimcpy(given, n, name, len);
		return;
	}
	for (i = 0; compound[i] != NULL; i++) {
		k = strlen(compound[i]);
		if (strncmp(name, compound[i], k) == 0 && k < len) {
			trimcpy(family, n, name, k);
			trimcpy(given, n, name + k, len - k);
			return;
		}
	}
	for (k = 1; (name[k] & 0xc0) == 0x80; k++)
		;
	trimcpy(family, n, name, k);
	trimcpy(given, n, name + k, len - k);
}

/* ---- the store's UIDs ----------------------------------------------- */

#define KEYLEN	32

/* The store's namespace: HMAC-SHA256 under its forget key, 16 bytes. */
static int
namespace(struct crm_store *st, unsigned char ns[16])
{
	static const char label[] = "crm vCard UID";
	unsigned char key[KEYLEN], mac[32];
	size_t len = 0;
	char *text = NULL;
	int i, rc;

	if ((rc = crm_config_get(st, CRM_CONFIG_FORGET_KEY, &text)) !=
	    CRM_EX_OK)
		return rc;
	/* The key's text: a letter from a to p per half byte (forget.c). */
	for (i = 0; text != NULL && i < KEYLEN; i++) {
		if (text[2 * i] < 'a' || text[2 * i] > 'p' ||
		    text[2 * i + 1] < 'a' || text[2 * i + 1] > 'p')
			break;
		key[i] = (unsigned char)((text[2 * i] - 'a') << 4 |
		    (text[2 * i + 1] - 'a'));
	}
	if (text == NULL || i < KEYLEN || text[2 * KEYLEN] != '\0')
		rc = crm_err(CRM_EX_DATAERR, NULL, "%s: the store's key "
		    "(config %s) is missing or damaged",
		    crm_store_cli(st)->dbpath, CRM_CONFIG_FORGET_KEY);
	else if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, KEYLEN,
	    (const unsigned char *)label, sizeof label - 1, mac, sizeof mac,
	    &len) == NULL || len != sizeof mac)
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "HMAC-SHA256 is not "
		    "available (libcrypto)");
	else
		memcpy(ns, mac, 16);
	OPENSSL_cleanse(key, sizeof key);
	free(text);
	return rc;
}

/* The version 5 UUID of id in ns (RFC 9562 5.5): SHA-1 of ns, name. */
static int
uuid5(const unsigned char ns[16], int64_t id, unsigned char u[16])
{
	unsigned char buf[16 + 24], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n;

	memcpy(buf, ns, 16);
	n = snprintf((char *)buf + 16, 24, "%lld", (long long)id);
	if (!EVP_Digest(buf, 16 + (size_t)n, md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen < 16)
		return crm_err(CRM_EX_SOFTWARE, NULL, "SHA-1 is not available "
		    "(libcrypto)");
	memcpy(u, md, 16);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x50);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	return CRM_EX_OK;
}

static void
uuidfmt(const unsigned char u[16], char *buf, size_t n)
{
	snprintf(buf, n, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
	    u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
	    u[14], u[15]);
}

/* Parse "urn:uuid:" and 32 hex digits in 8-4-4-4-12; -1 if it is not. */
static int
uuidparse(const char *s, unsigned char u[16])
{
	int i, j = 0, hi, lo;

	if (strncasecmp(s, "urn:uuid:", 9) != 0)
		return -1;
	s += 9;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]) ||
		    !isxdigit((unsigned char)s[i + 1]))
			return -1;
		hi = isdigit((unsigned char)s[i]) ? s[i] - '0' :
		    tolower((unsigned char)s[i]) - 'a' + 10;
		lo = isdigit((unsigned char)s[i + 1]) ? s[i + 1] - '0' :
		    tolower((unsigned char)s[i + 1]) - 'a' + 10;
		u[j++] = (unsigned char)(hi << 4 | lo);
		i++;
	}
	return s[36] == '\0' ? 0 : -1;
}

int
crm_vcard_uid(struct crm_store *st, int64_t id, char *buf, size_t n)
{
	unsigned char ns[16], u[16];
	int rc;

	if ((rc = namespace(st, ns)) != CRM_EX_OK ||
	    (rc = uuid5(ns, id, u)) != CRM_EX_OK)
		return rc;
	uuidfmt(u, buf, n);
	return CRM_EX_OK;
}

/* ---- writing -------------------------------------------------------- */

struct crm_vcard_out {
	struct crm_store	*st;
	const char		*dir;
	unsigned char		 ns[16];
	sqlite3_stmt		*attrs, *tags;
	char			*kept[CRM_VCARD_NF];	/* attr.vcard.* */
	char			*cats;			/* manual tags */
};

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

/* 1 when s holds no control character: a value written as it is. */
static int
plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * 1 when s is parameters to write as they are: each NAME=VALUE (vCard
 * 2.1's bare WORK is not 4.0's), no ':' or ';' outside quotes but between
 * them.
 */
static int
params_ok(const char *s)
{
	int q = 0, eq = 0;

	if (!plain(s) || *s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '"')
			q = !q;
		else if (q)
			continue;
		else if (*s == ':')
			return 0;
		else if (*s == '=')
			eq = 1;
		else if (*s == ';') {
			if (!eq)
				return 0;
			eq = 0;
		}
	}
	return !q && eq;
}

/*
 * One property: name, parameters (pre: stored ones, else def), then the
 * value escaped (esc) or as it is.
 */
static void
prop(FILE *out, const char *name, const char *pre, const char *def,
    const char *val, int escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (val == NULL || *val == '\0' || (fp = open_memstream(&buf,
	    &len)) == NULL)
		return;
	fputs(name, fp);
	if (pre != NULL && *pre != '\0' && params_ok(pre))
		fprintf(fp, ";%s", pre);
	else if (def != NULL)
		fprintf(fp, ";%s", def);
	putc(':', fp);
	if (escape)
		esc(fp, val);
	else
		fputs(val, fp);
	fclose(fp);
	line(out, buf);
	free(buf);
}

int
crm_vcard_out_open(struct crm_vcard_out **out, struct crm_store *st,
    const char *dir)
{
	struct crm_vcard_out *o;
	struct crm_loc at = { dir, 0, NULL };
	int rc;

	*out = NULL;
	if ((o = calloc(1, sizeof *o)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	o->st = st;
	o->dir = dir;
	*out = o;
	if ((rc = namespace(st, o->ns)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT key, value FROM attr WHERE "
	    "customer = ?1 AND key >= 'vcard.' AND key < 'vcard/'",
	    &o->attrs)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT group_concat(tag, ',') FROM "
	    "(SELECT tag FROM tag WHERE customer = ?1 AND origin = 'manual' "
	    "ORDER BY tag)", &o->tags)) != CRM_EX_OK)
		return rc;
	if (dir != NULL && mkdir(dir, 0777) != 0 && errno != EEXIST)
		return crm_err(errno == ENOENT || errno == ENOTDIR ?
		    CRM_EX_NOINPUT : CRM_EX_IOERR, &at, "cannot make the "
		    "folder:");
	return CRM_EX_OK;
}

/* Load customer id's attr.vcard.* and manual tags into o. */
static int
extras(struct crm_vcard_out *o, int64_t id)
{
	char key[80];
	int i, rc;

	for (i = 0; i < CRM_VCARD_NF; i++) {
		free(o->kept[i]);
		o->kept[i] = NULL;
	}
	free(o->cats);
	o->cats = NULL;
	sqlite3_bind_int64(o->attrs, 1, id);
	while ((rc = sqlite3_step(o->attrs)) == SQLITE_ROW) {
		snprintf(key, sizeof key, "attr.%s",
		    (const char *)sqlite3_column_text(o->attrs, 0));
		for (i = KEPT; i < CRM_VCARD_NF; i++)
			if (strcmp(key, crm_vcard_fields[i]) == 0)
				break;
		if (i < CRM_VCARD_NF && (o->kept[i] = strdup((const char *)
		    sqlite3_column_text(o->attrs, 1))) == NULL)
			rc = SQLITE_NOMEM;
		if (rc != SQLITE_ROW)
			break;
	}
	sqlite3_reset(o->attrs);
	if (rc != SQLITE_DONE)
		return crm_sqlerr(o->st, rc);
	sqlite3_bind_int64(o->tags, 1, id);
	if ((rc = sqlite3_step(o->tags)) == SQLITE_ROW &&
	    sqlite3_column_type(o->tags, 0) != SQLITE_NULL &&
	    (o->cats = strdup((const char *)sqlite3_column_text(o->tags, 0)))
	    == NULL)
		rc = SQLITE_NOMEM;
	sqlite3_reset(o->tags);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CRM_EX_OK :
	    crm_sqlerr(o->st, rc);
}

/*
 * Split a structured value at bare ';' into n components; those it does
 * not have are empty strings at its end (written on by unescape).
 */
static int
components(char *s, char **part, int n)
{
	int i = 0, k;

	part[i++] = s;
	for (; *s != '\0' && i < n; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == ';') {
			*s = '\0';
			part[i++] = s + 1;
		}
	}
	s += strlen(s);
	for (k = i; k < n; k++)
		part[k] = s;
	return i;
}

/* ADR: the kept one's components, locality, region, country the fields'. */
static void
adr(FILE *out, const struct crm_vcard_out *o, const char *const v[])
{
	char *copy = NULL, *part[7] = { "", "", "", "", "", "", "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	if (o->kept[SLOT(2, 0, 0)] != NULL && plain(o->kept[SLOT(2, 0, 0)]) &&
	    (copy = strdup(o->kept[SLOT(2, 0, 0)])) != NULL)
		components(copy, part, 7);
	for (i = 0; i < 7; i++)
		if (i != 3 && i != 4 && i != 6 && *part[i] != '\0')
			break;
	if ((i < 7 || v[CITY] != NULL || v[REGION] != NULL ||
	    v[COUNTRY] != NULL) && (fp = open_memstream(&buf, &len)) != NULL) {
		fputs("ADR", fp);
		if (o->kept[SLOT(2, 0, 1)] != NULL &&
		    params_ok(o->kept[SLOT(2, 0, 1)]))
			fprintf(fp, ";%s", o->kept[SLOT(2, 0, 1)]);
		/* pobox; ext; street; locality; region; code; country */
		fprintf(fp, ":%s;%s;%s;", part[0], part[1], part[2]);
		esc(fp, v[CITY]);
		putc(';', fp);
		esc(fp, v[REGION]);
		fprintf(fp, ";%s;", part[5]);
		esc(fp, v[COUNTRY]);
		fclose(fp);
		line(out, buf);
		free(buf);
	}
	free(copy);
}

/* 1 when a and b are the same address or number, ignoring case. */
static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

static int
card(FILE *out, const struct crm_vcard_out *o, const char *uid,
    const char *const v[])
{
	char fam[256], giv[256], *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int p, i;

	line(out, "BEGIN:VCARD");
	line(out, "VERSION:4.0");
	prop(out, "UID", NULL, NULL, uid, 1);
	prop(out, "FN", NULL, NULL, v[NAME], 1);
	if (o->kept[N] != NULL && plain(o->kept[N]))
		prop(out, "N", NULL, NULL, o->kept[N], 0);
	else if ((fp = open_memstream(&buf, &len)) != NULL) {
		split(v[NAME] != NULL ? v[NAME] : "", fam, giv, sizeof fam);
		fputs("N:", fp);
		esc(fp, fam);
		putc(';', fp);
		esc(fp, giv);
		fputs(";;;", fp);
		fclose(fp);
		line(out, buf);
		free(buf);
	}
	/* A customer's address is work's when a company is known. */
	prop(out, "EMAIL", o->kept[SLOT(0, 0, 1)], v[COMPANY] != NULL ?
	    "TYPE=work" : "TYPE=home", v[EMAIL], 1);
	/* A kept one the field has become since is not written twice. */
	for (i = 1; i < SLOTS; i++)
		if (!same(o->kept[SLOT(0, i, 0)], v[EMAIL]))
			prop(out, "EMAIL", o->kept[SLOT(0, i, 1)],
			    "TYPE=home", o->kept[SLOT(0, i, 0)], 1);
	prop(out, "TEL", o->kept[SLOT(1, 0, 1)], "TYPE=voice", v[PHONE], 1);
	for (i = 1; i < SLOTS; i++)
		if (!same(o->kept[SLOT(1, i, 0)], v[PHONE]))
			prop(out, "TEL", o->kept[SLOT(1, i, 1)], "TYPE=voice",
			    o->kept[SLOT(1, i, 0)], 1);
	prop(out, "ORG", NULL, NULL, v[COMPANY], 1);
	adr(out, o, v);
	for (i = 1; i < SLOTS; i++)
		if (o->kept[SLOT(2, i, 0)] != NULL &&
		    plain(o->kept[SLOT(2, i, 0)]))
			prop(out, "ADR", o->kept[SLOT(2, i, 1)], NULL,
			    o->kept[SLOT(2, i, 0)], 0);
	for (p = 3; p < NKEEP; p++)
		for (i = 0; i < SLOTS; i++)
			if (o->kept[SLOT(p, i, 0)] != NULL &&
			    plain(o->kept[SLOT(p, i, 0)]))
				prop(out, keepname[p], o->kept[SLOT(p, i, 1)],
				    NULL, o->kept[SLOT(p, i, 0)], 0);
	if (v[BDAY] != NULL && strlen(v[BDAY]) == 10) {
		/* RFC 6350 dates are basic ISO 8601: 19900504. */
		char d[16];

		snprintf(d, sizeof d, "BDAY:%.4s%.2s%.2s", v[BDAY], v[BDAY] + 5,
		    v[BDAY] + 8);
		line(out, d);
	}
	prop(out, "NOTE", NULL, NULL, v[NOTES], 1);
	/*
	 * The tags, as they are (a tag name holds nothing to escape), then
	 * the categories kept as they came.
	 */
	if ((o->cats != NULL || (o->kept[CATEGORIES] != NULL &&
	    plain(o->kept[CATEGORIES]))) &&
	    (fp = open_memstream(&buf, &len)) != NULL) {
		fprintf(fp, "CATEGORIES:%s", o->cats != NULL ? o->cats : "");
		if (o->kept[CATEGORIES] != NULL && plain(o->kept[CATEGORIES]))
			fprintf(fp, "%s%s", o->cats != NULL ? "," : "",
			    o->kept[CATEGORIES]);
		fclose(fp);
		line(out, buf);
		free(buf);
	}
	line(out, "END:VCARD");
	return CRM_EX_OK;
}

/* The card's file in dir: the SHA-256 of its UID in hex, .vcf. */
static int
cardpath(const struct crm_vcard_out *o, const char *uid, char *path,
    size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (!EVP_Digest(uid, strlen(uid), md, &mdlen, EVP_sha256(), NULL))
		return crm_err(CRM_EX_SOFTWARE, NULL, "SHA-256 is not "
		    "available (libcrypto)");
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (snprintf(path, n, "%s/%s.vcf", o->dir, hex) >= (int)n)
		return crm_err(CRM_EX_USAGE, NULL, "%s: the folder's name is "
		    "too long", o->dir);
	return CRM_EX_OK;
}

int
crm_vcard_out_put(struct crm_vcard_out *o, int64_t id,
    const char *const v[CRM_VCARD_NOUT])
{
	struct crm_loc at = { NULL, 0, NULL };
	char uid[64], path[4096], tmp[4096 + 8];
	unsigned char u[16];
	FILE *fp;
	int rc;

	if ((rc = extras(o, id)) != CRM_EX_OK)
		return rc;
	if (v[REF] == NULL || *v[REF] == '\0') {
		if ((rc = uuid5(o->ns, id, u)) != CRM_EX_OK)
			return rc;
		uuidfmt(u, uid, sizeof uid);
	}
	if (o->dir == NULL)
		return card(stdout, o, v[REF] != NULL && *v[REF] != '\0' ?
		    v[REF] : uid, v);
	if ((rc = cardpath(o, v[REF] != NULL && *v[REF] != '\0' ? v[REF] :
	    uid, path, sizeof path)) != CRM_EX_OK)
		return rc;
	/* A new file renamed over the old: a reader sees one or the other. */
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	at.file = tmp;
	if ((fp = fopen(tmp, "w")) == NULL)
		return crm_err(CRM_EX_IOERR, &at, "cannot create:");
	card(fp, o, v[REF] != NULL && *v[REF] != '\0' ? v[REF] : uid, v);
	if (fflush(fp) != 0 || ferror(fp)) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot write:");
		fclose(fp);
		unlink(tmp);
		return rc;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot write:");
		unlink(tmp);
		return rc;
	}
	return CRM_EX_OK;
}

void
crm_vcard_out_close(struct crm_vcard_out *o)
{
	int i;

	if (o == NULL)
		return;
	sqlite3_finalize(o->attrs);
	sqlite3_finalize(o->tags);
	for (i = 0; i < CRM_VCARD_NF; i++)
		free(o->kept[i]);
	free(o->cats);
	free(o);
}

/* ---- reading ------------------------------------------------------ */

/* A UID crm made, and the customer it names. */
struct own {
	unsigned char	u[16];
	int64_t		id;
};

struct crm_vcard {
	ssize_t		(*getline)(void *, char **, size_t *);
	void		*arg;
	const char	*name;
	char		*cur, *next;	/* the logical line, the one after */
	size_t		 ncur, nnext;
	long		 curline, nextline, line;
	int		 eof;
	char		*val[CRM_VCARD_NF];
	char		 idbuf[24];
	int		 count[NKEEP];	/* of each kept property in the card */
	struct crm_store *st;
	struct own	*own;		/* sorted by UUID; loaded when needed */
	size_t		 nown;
	int		 ownloaded;
	int		 quiet;		/* -q: drops are only counted */
	long		 dropped;
	const char	*first;		/* the first file's name */
};

/* Name at most this many drops; count the rest. */
#define MAXDROP	100

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

/* Set column f once: 0, or -1 when it was set already. */
static int
keep(struct crm_vcard *v, int f, const char *s)
{
	if (v->val[f] != NULL)
		return -1;	/* the first of several counts */
	if (s != NULL && *s != '\0')
		v->val[f] = strdup(s);
	return 0;
}

/* Append s to column f, after sep when it holds something. */
static void
append(struct crm_vcard *v, int f, const char *s, char sep)
{
	size_t a = v->val[f] != NULL ? strlen(v->val[f]) : 0;
	char *p;

	if ((p = realloc(v->val[f], a + strlen(s) + 2)) == NULL)
		return;
	if (a > 0)
		p[a++] = sep;
	strcpy(p + a, s);
	v->val[f] = p;
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
	v->name = v->first = name;
	*out = v;
	return CRM_EX_OK;
}

void
crm_vcard_reset(struct crm_vcard *v, const char *name)
{
	free(v->cur);
	free(v->next);
	v->cur = v->next = NULL;
	v->line = v->curline = v->nextline = 0;
	v->eof = 0;
	v->name = name;
}

void
crm_vcard_store(struct crm_vcard *v, struct crm_store *st)
{
	v->st = st;
	v->quiet = st != NULL && crm_store_cli(st)->quiet;
}

static int
owncmp(const void *a, const void *b)
{
	return memcmp(((const struct own *)a)->u, ((const struct own *)b)->u,
	    16);
}

/* The UIDs crm_vcard_uid gives the store's customers, once. */
static int
ownload(struct crm_vcard *v)
{
	unsigned char ns[16];
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc;

	v->ownloaded = 1;
	if ((rc = namespace(v->st, ns)) != CRM_EX_OK ||
	    (rc = crm_prepare(v->st, "SELECT id FROM customer", &s)) !=
	    CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rc = crm_grow(&v->own, &cap, v->nown, sizeof *v->own)) !=
		    CRM_EX_OK)
			goto out;
		v->own[v->nown].id = sqlite3_column_int64(s, 0);
		if ((rc = uuid5(ns, v->own[v->nown].id, v->own[v->nown].u)) !=
		    CRM_EX_OK)
			goto out;
		v->nown++;
	}
	if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(v->st, rc);
		goto out;
	}
	if (v->nown > 0)
		qsort(v->own, v->nown, sizeof *v->own, owncmp);
	rc = CRM_EX_OK;
out:
	sqlite3_finalize(s);
	return rc;
}

/* A UID of one of the store's customers becomes its id, not a ref. */
static int
uid(struct crm_vcard *v)
{
	struct own key, *hit;
	int rc;

	if (v->val[REF] == NULL || v->st == NULL ||
	    uuidparse(v->val[REF], key.u) != 0)
		return CRM_EX_OK;
	if (!v->ownloaded && (rc = ownload(v)) != CRM_EX_OK)
		return rc;
	if (v->nown == 0 || (hit = bsearch(&key, v->own, v->nown,
	    sizeof *v->own, owncmp)) == NULL)
		return CRM_EX_OK;
	snprintf(v->idbuf, sizeof v->idbuf, "%lld", (long long)hit->id);
	v->val[ID] = strdup(v->idbuf);
	free(v->val[REF]);
	v->val[REF] = NULL;
	return CRM_EX_OK;
}

/*
 * N, once the card is read: without FN it makes the name; it is kept
 * (attr.vcard.n) when the name does not give it back.
 */
static void
names(struct crm_vcard *v, char *n)
{
	char *part[5] = { "", "", "", "", "" }, *copy, *rest, *fam, *giv;
	char full[512], f2[256], g2[256];
	int i, same;

	if (n == NULL || (copy = strdup(n)) == NULL)
		return;
	components(copy, part, 5);
	fam = unescape(part[0], &rest);
	giv = unescape(part[1], &rest);
	if (v->val[NAME] == NULL && (*fam != '\0' || *giv != '\0')) {
		if (cjk(*fam != '\0' ? fam : giv)) {
			/* 欧阳娜 when it splits back, else 山田 太郎. */
			snprintf(full, sizeof full, "%s%s", fam, giv);
			split(full, f2, g2, sizeof f2);
			if (strcmp(f2, fam) != 0 || strcmp(g2, giv) != 0)
				snprintf(full, sizeof full, "%s%s%s", fam,
				    *fam && *giv ? " " : "", giv);
		} else
			snprintf(full, sizeof full, "%s%s%s", giv,
			    *giv && *fam ? " " : "", fam);
		keep(v, NAME, full);
	}
	split(v->val[NAME] != NULL ? v->val[NAME] : "", f2, g2, sizeof f2);
	same = strcmp(f2, fam) == 0 && strcmp(g2, giv) == 0;
	for (i = 2; i < 5; i++)
		same = same && *part[i] == '\0';
	if (!same)
		keep(v, N, n);
	free(copy);
}

/* Where the value starts: after the first ':' outside quotes. */
static char *
valueof(char *l)
{
	int q = 0;

	for (; *l != '\0'; l++) {
		if (*l == '"')
			q = !q;
		else if (*l == ':' && !q)
			return l;
	}
	return NULL;
}

/* CATEGORIES: tag names become tags; the rest is kept as it was. */
static void
categories(struct crm_vcard *v, char *value)
{
	char *p = value, *start = value, *o, *c, *q, sep;

	for (;; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p != ',' && *p != '\0')
			continue;
		sep = *p;
		*p = '\0';
		if ((c = strdup(start)) != NULL) {
			for (o = c, q = start; *q != '\0'; q++)
				*o++ = *q == '\\' && q[1] != '\0' ? *++q : *q;
			*o = '\0';
			if (crm_tag_valid(c))
				append(v, TAGS, c, ',');
			else if (*c != '\0')
				append(v, CATEGORIES, start, ',');
			free(c);
		}
		if (sep == '\0')
			break;
		start = p + 1;
	}
}

/*
 * Without the value type, in place: a tel: or mailto: URI is kept as its
 * text (TEL;VALUE=uri:tel:+1... as +1...).
 */
static char *
novalue(char *params)
{
	char *p = params, *o = params, *e;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ';');
		if (strncasecmp(p, "VALUE=", 6) != 0) {
			if (o != params)
				*o++ = ';';
			memmove(o, p, e != NULL ? (size_t)(e - p) :
			    strlen(p));
			o += e != NULL ? (size_t)(e - p) : strlen(p);
		}
		p = e != NULL ? e + 1 : NULL;
	}
	if (o != NULL)
		*o = '\0';
	return params;
}

/* A warning that something of a card is not kept. */
static void
drop(struct crm_vcard *v, const struct crm_loc *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (v->quiet || ++v->dropped > MAXDROP)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	crm_warn(at, "%s%s", msg, v->dropped == MAXDROP ? " (further drops "
	    "are only counted)" : "");
}

/* A property kept as an attribute: the next free slot, else warn. */
static void
kept(struct crm_vcard *v, int p, const char *params, const char *value,
    const struct crm_loc *at)
{
	int n = v->count[p]++;

	if (n >= SLOTS) {
		drop(v, at, "dropped: the first %d are kept", SLOTS);
		return;
	}
	if (n > 0 || p >= 2)
		keep(v, SLOT(p, n, 0), value);
	if (params != NULL && *params != '\0')
		keep(v, SLOT(p, n, 1), params);
}

/* One card's values by crm_vcard_fields; *start is its BEGIN line. */
int
crm_vcard_next(struct crm_vcard *v, char ***vals, long *start)
{
	struct crm_loc at = { v->name, 0, NULL };
	char *l, *colon, *name, *value, *rest, *semi, *dot, *params, d[16];
	char *n = NULL;
	int i, in = 0, rc;
	long ln;

	for (i = 0; i < CRM_VCARD_NF; i++) {
		free(v->val[i]);
		v->val[i] = NULL;
	}
	memset(v->count, 0, sizeof v->count);
	while (logical(v, &l, &ln) == 0) {
		at.line = ln;
		at.field = NULL;
		if (*l == '\0')
			continue;
		if (!crm_utf8_valid(l, strlen(l))) {
			free(n);
			return crm_err(CRM_EX_DATAERR, &at, "is not valid "
			    "UTF-8");
		}
		if ((colon = valueof(l)) == NULL) {
			free(n);
			return crm_err(CRM_EX_DATAERR, &at, "not a vCard "
			    "content line (name:value)");
		}
		*colon = '\0';
		value = colon + 1;
		name = l;
		params = NULL;
		if ((semi = strchr(name, ';')) != NULL) {
			*semi = '\0';
			params = semi + 1;
		}
		if ((dot = strrchr(name, '.')) != NULL)
			name = dot + 1;		/* item1.EMAIL: a group */
		at.field = name;
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
			names(v, n);
			free(n);
			if ((rc = uid(v)) != CRM_EX_OK)
				return rc;
			*vals = v->val;
			return CRM_EX_OK;
		}
		if (strcasecmp(name, "VERSION") == 0) {
			if (strcmp(value, "3.0") != 0 &&
			    strcmp(value, "4.0") != 0) {
				free(n);
				return crm_err(CRM_EX_DATAERR, &at, "vCard "
				    "version %s: 3.0 and 4.0 are read", value);
			}
		} else if (strcasecmp(name, "PRODID") == 0 ||
		    strcasecmp(name, "REV") == 0 ||
		    (strcasecmp(name, "KIND") == 0 &&
		    strcasecmp(value, "individual") == 0))
			;	/* about the file, made anew when written */
		else if (strcasecmp(name, "FN") == 0) {
			if (keep(v, NAME, unescape(value, &rest)) != 0)
				drop(v, &at, "dropped: the first is kept");
		} else if (strcasecmp(name, "N") == 0) {
			if (n != NULL)
				drop(v, &at, "dropped: the first is kept");
			else
				n = strdup(value);
		} else if (strcasecmp(name, "EMAIL") == 0) {
			/* Text, but often written as a mailto: URI. */
			if (strncasecmp(value, "mailto:", 7) == 0)
				value += 7;
			value = unescape(value, &rest);
			if (v->count[0] == 0)
				keep(v, EMAIL, value);
			kept(v, 0, novalue(params), value, &at);
		} else if (strcasecmp(name, "TEL") == 0) {
			if (strncasecmp(value, "tel:", 4) == 0)
				value += 4;
			value = unescape(value, &rest);
			if (v->count[1] == 0)
				keep(v, PHONE, value);
			kept(v, 1, novalue(params), value, &at);
		} else if (strcasecmp(name, "ORG") == 0) {
			if (keep(v, COMPANY, unescape(value, &rest)) != 0)
				drop(v, &at, "dropped: the first is kept");
			else if (rest != NULL && *rest != '\0')
				drop(v, &at, "the units \"%s\" dropped: the "
				    "organisation is kept", rest);
		} else if (strcasecmp(name, "UID") == 0) {
			if (keep(v, REF, unescape(value, &rest)) != 0)
				drop(v, &at, "dropped: the first is kept");
		} else if (strcasecmp(name, "NOTE") == 0) {
			if (keep(v, NOTES, unescape(value, &rest)) != 0)
				drop(v, &at, "dropped: the first is kept");
		} else if (strcasecmp(name, "ADR") == 0) {
			char *part[7] = { "", "", "", "", "", "", "" }, *copy;

			if (v->count[2] == 0 && (copy = strdup(value)) !=
			    NULL) {
				components(copy, part, 7);
				keep(v, CITY, unescape(part[3], &rest));
				keep(v, REGION, unescape(part[4], &rest));
				keep(v, COUNTRY, unescape(part[6], &rest));
				/* Only a street or code needs it kept. */
				if (*part[0] == '\0' && *part[1] == '\0' &&
				    *part[2] == '\0' && *part[5] == '\0')
					value = "";
				free(copy);
			}
			kept(v, 2, params, value, &at);
		} else if (strcasecmp(name, "TITLE") == 0)
			kept(v, 3, params, value, &at);
		else if (strcasecmp(name, "NICKNAME") == 0)
			kept(v, 4, params, value, &at);
		else if (strcasecmp(name, "URL") == 0)
			kept(v, 5, params, value, &at);
		else if (strcasecmp(name, "CATEGORIES") == 0)
			categories(v, value);
		else if (strcasecmp(name, "BDAY") == 0) {
			/* 19900504, 1990-05-04, or with a time: the date. */
			if (strlen(value) >= 8 && isdigit((unsigned char)
			    value[0]) && value[4] != '-')
				snprintf(d, sizeof d, "%.4s-%.2s-%.2s", value,
				    value + 4, value + 6);
			else
				snprintf(d, sizeof d, "%.10s", value);
			if (value[0] == '-')
				drop(v, &at, "dropped: a date without a "
				    "year");
			else if (keep(v, BDAY, d) != 0)
				drop(v, &at, "dropped: the first is kept");
		} else
			drop(v, &at, "dropped: crm keeps FN, N, EMAIL, TEL, "
			    "ORG, ADR, TITLE, NICKNAME, URL, BDAY, NOTE, UID "
			    "and CATEGORIES");
	}
	free(n);
	if (in) {
		at.line = *start;
		at.field = NULL;
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
	if (v->dropped > MAXDROP) {
		struct crm_loc at = { v->first, 0, NULL };

		crm_warn(&at, "%ld things of the cards dropped in all, the "
		    "first %d named above", v->dropped, MAXDROP);
	}
	for (i = 0; i < CRM_VCARD_NF; i++)
		free(v->val[i]);
	free(v->own);
	free(v->cur);
	free(v->next);
	free(v);
}
