/*
 * csv.c: reading CSV and TSV through libcsv, one record at a time.
 *
 * The input is fed to libcsv one physical line at a time, so the line
 * where each record starts is known exactly (a quoted field may span
 * lines).  Memory stays bounded by the longest record.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "crm.h"

#define CHUNK	(64 * 1024)

struct crm_csv {
	FILE			*fp;
	const char		*name;
	int			 tsv;
	struct csv_parser	 p;
	int			 pinit;
	char			*buf;
	size_t			 blen, bpos;
	int			 eof, fini, first;
	long			 line;		/* line of the next byte */
	long			 start;		/* line the record began */
	int			 between;	/* no record under way */
	int			 ready;		/* a record is complete */
	int			 err;
	/* the fields of the record under way: NUL-separated in fbuf */
	char			*fbuf;
	size_t			 flen, fcap;
	size_t			*foff;
	char			*fnull;
	char			**fv;
	int			 nf, fvcap, fvn;
	/* the header, to name the field of an error */
	char			**hdr;
	int			 nhdr;
	int64_t			 done, total;
	struct crm_vcard	*vc;		/* reading vCards instead */
	struct dirent		**files;	/* a folder's *.vcf, sorted */
	int			 nfiles, nextfile;
	char			*fname;		/* the one being read */
	int			 vcstate;	/* 0: header next, 1: cards */
};

/* getline(3) over what is buffered, then the file: for the vCard reader. */
static ssize_t
rawline(void *arg, char **buf, size_t *cap)
{
	struct crm_csv *c = arg;
	size_t n = 0, take;
	const char *nl;
	char *nb;

	for (;;) {
		if (c->bpos == c->blen) {
			if (c->eof)
				break;
			c->blen = fread(c->buf, 1, CHUNK, c->fp);
			c->bpos = 0;
			if (c->blen == 0) {
				c->eof = 1;
				break;
			}
		}
		nl = memchr(c->buf + c->bpos, '\n', c->blen - c->bpos);
		take = nl != NULL ? (size_t)(nl - (c->buf + c->bpos)) + 1 :
		    c->blen - c->bpos;
		if (n + take + 1 > *cap) {
			if ((nb = realloc(*buf, n + take + 1)) == NULL)
				return -1;
			*buf = nb;
			*cap = n + take + 1;
		}
		memcpy(*buf + n, c->buf + c->bpos, take);
		n += take;
		c->bpos += take;
		c->done += (int64_t)take;
		if (nl != NULL)
			break;
	}
	if (n == 0)
		return -1;
	(*buf)[n] = '\0';
	if (memchr(*buf, '\0', n) != NULL)
		(*buf)[0] = '\0';	/* NUL bytes: not a content line */
	return (ssize_t)n;
}

static int
nospace(unsigned char c)
{
	(void)c;
	return 0;	/* keep leading and trailing blanks: they are data */
}

static int
grow(struct crm_csv *c, size_t need)
{
	char *nb;
	size_t cap = c->fcap ? c->fcap : 256;

	while (cap < need)
		cap *= 2;
	if (cap == c->fcap)
		return 0;
	if ((nb = realloc(c->fbuf, cap)) == NULL)
		return -1;
	c->fbuf = nb;
	c->fcap = cap;
	return 0;
}

/* TSV escapes: \t \n \r \\ become the byte; other pairs stay as they are. */
static size_t
unescape(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && strchr("tnr\\", s[i + 1])) {
			i++;
			s[o++] = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' :
			    s[i] == 'r' ? '\r' : '\\';
		} else
			s[o++] = s[i];
	}
	return o;
}

static void
onfield(void *s, size_t len, void *data)
{
	struct crm_csv *c = data;
	size_t *no;
	char *nn;
	int cap;

	if (c->err)
		return;
	if (c->nf == c->fvcap) {
		cap = c->fvcap ? c->fvcap * 2 : 32;
		if ((no = realloc(c->foff, cap * sizeof *no)) == NULL) {
			c->err = CRM_EX_SOFTWARE;
			return;
		}
		c->foff = no;
		if ((nn = realloc(c->fnull, cap)) == NULL) {
			c->err = CRM_EX_SOFTWARE;
			return;
		}
		c->fnull = nn;
		c->fvcap = cap;
	}
	if (grow(c, c->flen + len + 1) != 0) {
		c->err = CRM_EX_SOFTWARE;
		return;
	}
	c->foff[c->nf] = c->flen;
	c->fnull[c->nf] = s == NULL || len == 0;
	if (len > 0)
		memcpy(c->fbuf + c->flen, s, len);
	if (c->tsv)
		len = unescape(c->fbuf + c->flen, len);
	c->fbuf[c->flen + len] = '\0';
	if (!crm_utf8_valid(c->fbuf + c->flen, len)) {
		struct crm_loc at = { c->name, c->start, NULL };
		char col[32];

		if (c->nf < c->nhdr)
			at.field = c->hdr[c->nf];
		else {
			snprintf(col, sizeof col, "column %d", c->nf + 1);
			at.field = col;
		}
		c->err = crm_err(CRM_EX_DATAERR, &at, "is not valid UTF-8");
		return;
	}
	c->flen += len + 1;
	c->nf++;
}

static void
onrecord(int ch, void *data)
{
	struct crm_csv *c = data;

	(void)ch;
	c->ready = 1;
	c->between = 1;
}

/* The files a folder of cards is read from. */
static int
vcf(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	    strcasecmp(d->d_name + n - 4, ".vcf") == 0;
}

int
crm_csv_open(struct crm_csv **out, const char *path, enum crm_infmt fmt)
{
	struct crm_loc at = { path, 0, NULL };
	struct crm_csv *c;
	struct stat sb;
	char *nl;
	size_t n;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (c->buf = malloc(CHUNK)) == NULL) {
		free(c);
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	}
	*out = c;
	c->line = 1;
	c->between = 1;
	c->first = 1;
	if (strcmp(path, "-") == 0) {
		c->fp = stdin;
		c->name = "stdin";
	} else if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* A folder of cards (a vdir), each file read in turn. */
		c->name = path;
		if (fmt == CRM_IN_CSV || fmt == CRM_IN_TSV)
			return crm_err(CRM_EX_USAGE, &at, "a folder: only "
			    "vCards (*.vcf) are read from one");
		if ((c->nfiles = scandir(path, &c->files, vcf, alphasort)) <
		    0)
			return crm_err(CRM_EX_IOERR, &at, "cannot read the "
			    "folder:");
		return crm_vcard_open(&c->vc, rawline, c, c->name);
	} else {
		c->name = path;
		if ((c->fp = fopen(path, "rb")) == NULL)
			return crm_err(errno == ENOENT || errno == ENOTDIR ?
			    CRM_EX_NOINPUT : CRM_EX_IOERR, &at, "cannot open:");
	}
	if (fstat(fileno(c->fp), &sb) == 0 && S_ISREG(sb.st_mode))
		c->total = sb.st_size;
	n = fread(c->buf, 1, CHUNK, c->fp);
	if (ferror(c->fp))
		return crm_err(CRM_EX_IOERR, &at, "read error:");
	c->blen = n;
	/* A UTF-8 byte order mark is not part of the first field. */
	if (n >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0)
		c->bpos = 3;
	if (fmt == CRM_IN_VCARD || (fmt == CRM_IN_AUTO &&
	    crm_vcard_sniff(c->buf + c->bpos, n - c->bpos)))
		return crm_vcard_open(&c->vc, rawline, c, c->name);
	if (fmt == CRM_IN_AUTO) {
		nl = memchr(c->buf + c->bpos, '\n', n - c->bpos);
		c->tsv = memchr(c->buf + c->bpos, '\t', (nl != NULL ? (size_t)
		    (nl - c->buf) : n) - c->bpos) != NULL;
	} else
		c->tsv = fmt == CRM_IN_TSV;
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
	    CSV_EMPTY_IS_NULL) != 0)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	c->pinit = 1;
	csv_set_space_func(&c->p, nospace);
	if (c->tsv) {
		csv_set_delim(&c->p, CSV_TAB);
		/* TSV has no quoting; NUL never reaches libcsv. */
		csv_set_quote(&c->p, '\0');
	}
	return CRM_EX_OK;
}

const char *
crm_csv_name(const struct crm_csv *c)
{
	return c->fname != NULL ? c->fname : c->name;
}

void
crm_csv_progress(const struct crm_csv *c, int64_t *done, int64_t *total)
{
	*done = c->done;
	*total = c->total;
}

/* Feed one segment: bytes up to and including a line terminator. */
static int
feed(struct crm_csv *c, const char *s, size_t n)
{
	struct crm_loc at = { c->name, 0, NULL };
	int blank = n == 1 && (s[0] == '\n' || s[0] == '\r');

	if (c->between && !blank) {
		c->start = c->line;
		c->between = 0;
	}
	at.line = c->start;
	if (memchr(s, '\0', n) != NULL)
		return crm_err(CRM_EX_DATAERR, &at, "contains a NUL byte");
	if (csv_parse(&c->p, s, n, onfield, onrecord, c) != n) {
		if (csv_error(&c->p) == CSV_EPARSE)
			return crm_err(CRM_EX_DATAERR, &at, "malformed "
			    "quoting (a quote inside an unquoted field, or "
			    "text after a closing quote)");
		return crm_err(CRM_EX_SOFTWARE, &at, "%s",
		    csv_strerror(csv_error(&c->p)));
	}
	if (n > 0 && s[n - 1] == '\n')
		c->line++;
	return c->err;
}

static int
finish_record(struct crm_csv *c, int *nf, char ***fv, long *line)
{
	char **nv;
	int i;

	if (c->fvn < c->nf + 1) {
		if ((nv = realloc(c->fv, (c->nf + 1) * sizeof *nv)) == NULL)
			return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		c->fv = nv;
		c->fvn = c->nf + 1;
	}
	for (i = 0; i < c->nf; i++)
		c->fv[i] = c->fnull[i] ? NULL : c->fbuf + c->foff[i];
	c->fv[c->nf] = NULL;
	*nf = c->nf;
	*fv = c->fv;
	*line = c->start;
	return CRM_EX_OK;
}

static void
keep_header(struct crm_csv *c)
{
	int i;

	if ((c->hdr = calloc(c->nf + 1, sizeof *c->hdr)) == NULL)
		return;
	for (i = 0; i < c->nf; i++)
		c->hdr[i] = c->fnull[i] ? strdup("") :
		    strdup(c->fbuf + c->foff[i]);
	c->nhdr = c->nf;
}

/* The folder's next file: 0, or -1 when none is left (or an error). */
static int
nextfile(struct crm_csv *c, int *rc)
{
	struct crm_loc at = { NULL, 0, NULL };
	const char *dir = c->name;
	size_t n;

	if (c->nextfile >= c->nfiles)
		return -1;
	n = strlen(dir) + strlen(c->files[c->nextfile]->d_name) + 2;
	free(c->fname);
	if ((c->fname = malloc(n)) == NULL) {
		*rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		return -1;
	}
	snprintf(c->fname, n, "%s/%s", dir, c->files[c->nextfile++]->d_name);
	at.file = c->fname;
	if ((c->fp = fopen(c->fname, "rb")) == NULL) {
		*rc = crm_err(CRM_EX_IOERR, &at, "cannot open:");
		return -1;
	}
	c->blen = c->bpos = 0;
	c->eof = 0;
	crm_vcard_reset(c->vc, c->fname);
	return 0;
}

/* Cards as records: a header naming the fields, then one per card. */
static int
vcard(struct crm_csv *c, int *nf, char ***fv, long *line)
{
	int rc;

	*nf = CRM_VCARD_NF;
	if (c->vcstate == 0) {
		c->vcstate = 1;
		*fv = (char **)crm_vcard_fields;
		*line = 1;
		return CRM_EX_OK;
	}
	for (;;) {
		rc = CRM_EX_NONE;
		if (c->fp == NULL && nextfile(c, &rc) != 0)
			return rc;
		if ((rc = crm_vcard_next(c->vc, fv, line)) != CRM_EX_NONE ||
		    c->files == NULL)
			break;
		if (ferror(c->fp))
			return crm_err(CRM_EX_IOERR, NULL, "%s: read error",
			    c->fname);
		fclose(c->fp);
		c->fp = NULL;
	}
	if (rc != CRM_EX_OK)
		return rc;
	return ferror(c->fp) ? crm_err(CRM_EX_IOERR, NULL, "%s: read error",
	    c->fname != NULL ? c->fname : c->name) : CRM_EX_OK;
}

int
crm_csv_next(struct crm_csv *c, int *nf, char ***fv, long *line)
{
	struct crm_loc at = { c->name, 0, NULL };
	const char *s, *e, *cr;
	size_t n;
	int rc;

	if (c->vc != NULL)
		return vcard(c, nf, fv, line);
	if (!c->first && c->hdr == NULL)
		keep_header(c);
	c->nf = 0;
	c->flen = 0;
	c->ready = 0;
	for (;;) {
		if (c->bpos == c->blen) {
			if (c->fini)
				return CRM_EX_NONE;
			if (!c->eof) {
				c->blen = fread(c->buf, 1, CHUNK, c->fp);
				c->bpos = 0;
				if (ferror(c->fp)) {
					at.line = c->line;
					return crm_err(CRM_EX_IOERR, &at,
					    "read error:");
				}
				if (c->blen == 0)
					c->eof = 1;
			}
			if (c->eof) {
				c->fini = 1;
				at.line = c->start;
				if (csv_fini(&c->p, onfield, onrecord, c) !=
				    0)
					return crm_err(CRM_EX_DATAERR, &at,
					    "a quoted field is not closed");
				if (c->err)
					return c->err;
				if (c->ready)
					break;
				return CRM_EX_NONE;
			}
		}
		s = c->buf + c->bpos;
		n = c->blen - c->bpos;
		e = memchr(s, '\n', n);
		cr = memchr(s, '\r', e != NULL ? (size_t)(e - s) : n);
		if (cr != NULL)
			e = cr;
		n = e != NULL ? (size_t)(e - s) + 1 : n;
		c->bpos += n;
		c->done += (int64_t)n;
		if ((rc = feed(c, s, n)) != CRM_EX_OK)
			return rc;
		if (c->ready)
			break;
	}
	if ((rc = finish_record(c, nf, fv, line)) != CRM_EX_OK)
		return rc;
	c->first = 0;
	return CRM_EX_OK;
}

void
crm_csv_close(struct crm_csv *c)
{
	int i;

	if (c == NULL)
		return;
	if (c->pinit)
		csv_free(&c->p);
	crm_vcard_close(c->vc);
	if (c->fp != NULL && c->fp != stdin)
		fclose(c->fp);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->fname);
	for (i = 0; i < c->nhdr; i++)
		free(c->hdr[i]);
	free(c->hdr);
	free(c->buf);
	free(c->fbuf);
	free(c->foff);
	free(c->fnull);
	free(c->fv);
	free(c);
}

int
crm_csv_vcard(const struct crm_csv *c)
{
	return c->vc != NULL;
}

void
crm_csv_store(struct crm_csv *c, struct crm_store *st)
{
	if (c->vc != NULL)
		crm_vcard_store(c->vc, st);
}
