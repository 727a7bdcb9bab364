/*
 * out.c: the writers.  tsv (escaped, one record per line), csv (RFC 4180
 * with a header), json (JSON Lines) and table (aligned by display width,
 * streamed: the first TABLE_PROBE rows set the widths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "crm-int.h"

/* The rows a table keeps to set its columns' widths; the rest stream. */
#define TABLE_PROBE	1000

struct crm_out {
	FILE		 *fp;
	enum crm_fmt	  fmt;
	int		  header;
	int		  headed;	/* the header is written (or not due) */
	int		  ncols;
	char		**names;
	int		  col;
	long		  rows;
	/* table: the first TABLE_PROBE rows kept until the widths are known */
	char		**cells;
	char		 *numeric;	/* by column: right-aligned */
	char		 *right;	/* by kept cell: an amount, right */
	size_t		  ncells, cap;
	size_t		 *width;	/* by column; NULL until laid out */
	size_t		 *minw;		/* by column: crm_out_minwidth's */
	size_t		 *pos;		/* by column: where it starts */
	size_t		  x;		/* the display column the row is at */
	/* -s and -l: rows kept until sorted; at most limit written */
	long		  limit;	/* -1: every row */
	int		  nkeys;
	int		  keys[16], desc[16];
	struct orow	 *orows;
	size_t		  norows, orowcap;
	struct orow	 *cur;
};

/* A row kept for sorting: its cells as given, and their types. */
struct orow {
	char		**cells;
	enum crm_vt	 *vt;
};

static void	tcell(struct crm_out *, int, const char *, int, int, int);
static void	layout(struct crm_out *);

int
crm_fmt_parse(const char *s)
{
	static const char *const names[] = { "tsv", "csv", "json", "table",
	    "vcard", "html", "xlsx" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

int
crm_color(FILE *fp)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	return isatty(fileno(fp)) && (nc == NULL || *nc == '\0') &&
	    term != NULL && *term != '\0' && strcmp(term, "dumb") != 0;
}

void
crm_tsv_put(FILE *fp, const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		default:
			putc(*p, fp);
		}
	}
}

void
crm_json_put(FILE *fp, const char *s)
{
	const unsigned char *p;

	putc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				putc(*p, fp);
		}
	}
	putc('"', fp);
}

void
crm_json_list(FILE *fp, const char *s)
{
	const char *p, *e;
	char *item;

	putc('[', fp);
	for (p = s; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if ((item = strndup(p, e - p)) == NULL)
			break;
		if (p != s)
			putc(',', fp);
		crm_json_put(fp, item);
		free(item);
	}
	putc(']', fp);
}

static void
csv_put(FILE *fp, const char *s)
{
	size_t n = strlen(s);

	/* Quote only what needs it, so plain values stay greppable. */
	if (strpbrk(s, ",\"\r\n") != NULL || (n > 0 && (s[0] == ' ' ||
	    s[n - 1] == ' ')))
		csv_fwrite(fp, s, n);
	else
		fputs(s, fp);
}

/*
 * The first output: the store's today note, held until now (a usage error
 * found before any output drops it), then csv's header and tsv's under
 * -H.  Not in crm_out_new, so that crm_out_order's usage error comes
 * before any output.
 */
static void
head(struct crm_out *o)
{
	int i;

	if (o->headed)
		return;
	o->headed = 1;
	crm_note_flush();
	if (o->fmt != CRM_FMT_CSV && (o->fmt != CRM_FMT_TSV || !o->header))
		return;
	for (i = 0; i < o->ncols; i++) {
		if (i > 0)
			putc(o->fmt == CRM_FMT_CSV ? ',' : '\t', o->fp);
		if (o->fmt == CRM_FMT_CSV)
			csv_put(o->fp, o->names[i]);
		else
			crm_tsv_put(o->fp, o->names[i]);
	}
	fputs(o->fmt == CRM_FMT_CSV ? "\r\n" : "\n", o->fp);
}

struct crm_out *
crm_out_new(FILE *fp, enum crm_fmt fmt, int header, int ncols,
    const char *const *names)
{
	struct crm_out *o;
	int i;

	if ((o = calloc(1, sizeof *o)) == NULL ||
	    (o->names = calloc(ncols + 1, sizeof *o->names)) == NULL ||
	    (o->numeric = calloc(ncols + 1, 1)) == NULL) {
		if (o != NULL)
			free(o->names);
		free(o);
		return NULL;
	}
	o->fp = fp;
	o->limit = -1;
	o->fmt = fmt;
	o->header = header;
	o->ncols = ncols;
	for (i = 0; i < ncols; i++)
		o->names[i] = strdup(names[i]);
	/* -q: rows are taken and dropped; -s and -l are still checked. */
	o->headed = fp == NULL;
	return o;
}

static void
keep(struct crm_out *o, const char *s, int right)
{
	char **nc, *nr;
	size_t cap;

	if (o->ncells == o->cap) {
		cap = o->cap ? o->cap * 2 : 256;
		if ((nc = realloc(o->cells, cap * sizeof *nc)) == NULL)
			return;
		o->cells = nc;
		if ((nr = realloc(o->right, cap)) == NULL)
			return;
		o->right = nr;
		o->cap = cap;
	}
	o->right[o->ncells] = (char)right;
	o->cells[o->ncells++] = s != NULL ? strdup(s) : NULL;
}

/* A table cell shows escapes for what would break the layout. */
static char *
tablecell(const char *s)
{
	size_t n = 0;
	const char *p;
	char *t, *q;

	for (p = s; *p != '\0'; p++)
		n += strchr("\t\n\r\\", *p) != NULL ? 2 : 1;
	if ((t = malloc(n + 1)) == NULL)
		return NULL;
	for (p = s, q = t; *p != '\0'; p++) {
		if (strchr("\t\n\r\\", *p) == NULL) {
			*q++ = *p;
			continue;
		}
		*q++ = '\\';
		*q++ = *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ?
		    'r' : '\\';
	}
	*q = '\0';
	return t;
}

/* A cell of the row being kept for -s. */
static void
hold(struct crm_out *o, enum crm_vt t, const char *s)
{
	struct orow *r;

	if (o->cur == NULL && (o->cur = calloc(1, sizeof *o->cur)) != NULL &&
	    ((o->cur->cells = calloc(o->ncols + 1, sizeof *o->cur->cells)) ==
	    NULL || (o->cur->vt = calloc(o->ncols + 1, sizeof *o->cur->vt)) ==
	    NULL)) {
		free(o->cur->cells);
		free(o->cur);
		o->cur = NULL;
	}
	r = o->cur;
	if (r != NULL && o->col < o->ncols) {
		r->cells[o->col] = s != NULL ? strdup(s) : NULL;
		r->vt[o->col] = r->cells[o->col] != NULL ? t : CRM_V_NULL;
	}
	o->col++;
}

static void
holdrow(struct crm_out *o)
{
	if (o->cur == NULL)
		hold(o, CRM_V_NULL, NULL);
	if (o->cur != NULL && crm_grow(&o->orows, &o->orowcap, o->norows,
	    sizeof *o->orows) == CRM_EX_OK)
		o->orows[o->norows++] = *o->cur;
	else if (o->cur != NULL) {
		for (int c = 0; c < o->ncols; c++)
			free(o->cur->cells[c]);
		free(o->cur->cells);
		free(o->cur->vt);
	}
	free(o->cur);
	o->cur = NULL;
	o->col = 0;
}

/* Numbers as numbers, else text; an empty cell last either way. */
static int
cmpcell(const char *a, const char *b, int desc)
{
	char *ea, *eb;
	double x, y;
	int d;

	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	x = strtod(a, &ea);
	y = strtod(b, &eb);
	if (ea != a && *ea == '\0' && eb != b && *eb == '\0')
		d = (x > y) - (x < y);
	else
		d = strcmp(a, b);
	return desc ? -d : d;
}

static int
cmprow(const struct crm_out *o, const struct orow *a, const struct orow *b)
{
	int k, d;

	for (k = 0; k < o->nkeys; k++)
		if ((d = cmpcell(a->cells[o->keys[k]], b->cells[o->keys[k]],
		    o->desc[k])) != 0)
			return d;
	return 0;
}

/* A merge sort: stable, so equal rows keep the command's order. */
static void
msort(const struct crm_out *o, struct orow *v, struct orow *tmp, size_t n)
{
	size_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	msort(o, v, tmp, h);
	msort(o, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = cmprow(o, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

int
crm_out_order(struct crm_out *o, const char *sort, long limit)
{
	const char *p, *near;
	char name[128];
	size_t n;
	int c, desc;

	o->limit = limit;
	for (p = sort; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		desc = *p == '-';
		p += desc;
		n = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		for (c = 0; c < o->ncols; c++)
			if (strcmp(o->names[c], name) == 0)
				break;
		if (c == o->ncols || o->nkeys == 16) {
			near = crm_suggest(name, (const char *const *)o->names,
			    (size_t)o->ncols);
			/* A usage error: nothing at all is written. */
			o->fp = NULL;
			o->headed = 1;
			return crm_err(CRM_EX_USAGE, NULL, "-s: \"%s\": no "
			    "such column%s%s%s", name, near != NULL ?
			    " (did you mean " : "", near != NULL ? near : "",
			    near != NULL ? "?)" : "");
		}
		o->keys[o->nkeys] = c;
		o->desc[o->nkeys++] = desc;
	}
	return CRM_EX_OK;
}

/* Write the kept rows, sorted, through the writer. */
static void
flushrows(struct crm_out *o)
{
	struct orow *tmp;
	size_t i;
	int c;

	if ((tmp = malloc((o->norows + 1) * sizeof *tmp)) != NULL)
		msort(o, o->orows, tmp, o->norows);
	free(tmp);
	o->nkeys = 0;
	for (i = 0; i < o->norows; i++) {
		for (c = 0; c < o->ncols; c++) {
			crm_out_cell(o, o->orows[i].vt[c],
			    o->orows[i].cells[c]);
			free(o->orows[i].cells[c]);
		}
		crm_out_endrow(o);
		free(o->orows[i].cells);
		free(o->orows[i].vt);
	}
	free(o->orows);
	o->orows = NULL;
	o->norows = 0;
}

void
crm_out_cell(struct crm_out *o, enum crm_vt t, const char *s)
{
	FILE *fp = o->fp;
	char *tc;

	if (s == NULL)
		t = CRM_V_NULL;
	head(o);
	if (o->nkeys > 0) {
		hold(o, t, s);
		return;
	}
	if (o->fp == NULL || (o->limit >= 0 && o->rows >= o->limit)) {
		o->col++;
		return;
	}
	switch (o->fmt) {
	case CRM_FMT_TABLE:
		tc = t == CRM_V_NULL ? NULL : tablecell(s);
		/* Only text is cut to its column: never an id, a key (ref,
		 * e-mail) or an amount.  A number makes its column right-
		 * aligned; an amount is right-aligned wherever it is, even
		 * among text (crm-show's values). */
		if (o->width != NULL)
			tcell(o, o->col, tc, t == CRM_V_STR, 0,
			    t == CRM_V_MONEY);
		else if (o->col < o->ncols) {
			if (t == CRM_V_NUM)
				o->numeric[o->col] = 1;
			keep(o, tc, t == CRM_V_MONEY);
		}
		free(tc);
		break;
	case CRM_FMT_JSON:
		putc(o->col == 0 ? '{' : ',', fp);
		crm_json_put(fp, o->col < o->ncols ? o->names[o->col] : "");
		putc(':', fp);
		if (t == CRM_V_NULL)
			fputs("null", fp);
		else if (t == CRM_V_NUM || t == CRM_V_MONEY ||
		    t == CRM_V_BOOL || t == CRM_V_JSON)
			fputs(s, fp);
		else if (t == CRM_V_LIST)
			crm_json_list(fp, s);
		else
			crm_json_put(fp, s);
		break;
	case CRM_FMT_CSV:
		if (o->col > 0)
			putc(',', fp);
		if (t != CRM_V_NULL)
			csv_put(fp, s);
		break;
	default:
		if (o->col > 0)
			putc('\t', fp);
		if (t != CRM_V_NULL)
			crm_tsv_put(fp, s);
		break;
	}
	o->col++;
}

void
crm_out_num(struct crm_out *o, const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof buf, fmt, v);
	crm_out_cell(o, CRM_V_NUM, buf);
}

void
crm_out_endrow_open(struct crm_out *o)
{
	if (o->fmt != CRM_FMT_JSON || o->fp == NULL) {
		crm_out_endrow(o);
		return;
	}
	if (o->col == 0)
		putc('{', o->fp);
	o->col = 0;
	o->rows++;
}

void
crm_out_minwidth(struct crm_out *o, int c, size_t w)
{
	if (o == NULL || c < 0 || c >= o->ncols || (o->minw == NULL &&
	    (o->minw = calloc(o->ncols, sizeof *o->minw)) == NULL))
		return;
	o->minw[c] = w;
}

void
crm_out_endrow(struct crm_out *o)
{
	head(o);
	if (o->nkeys > 0) {
		holdrow(o);
		return;
	}
	if (o->fp == NULL || (o->limit >= 0 && o->rows >= o->limit)) {
		o->col = 0;
		return;
	}
	switch (o->fmt) {
	case CRM_FMT_TABLE:
		if (o->width != NULL) {
			putc('\n', o->fp);
			o->x = 0;
			break;
		}
		for (; o->col < o->ncols; o->col++)
			keep(o, NULL, 0);
		if (o->ncols > 0 && o->ncells / o->ncols >= TABLE_PROBE)
			layout(o);
		break;
	case CRM_FMT_JSON:
		fputs(o->col == 0 ? "{}\n" : "}\n", o->fp);
		break;
	case CRM_FMT_CSV:
		fputs("\r\n", o->fp);
		break;
	default:
		putc('\n', o->fp);
		break;
	}
	o->col = 0;
	o->rows++;
}

/*
 * Cell c of the row, s (NULL: empty), at its column's place: numbers to
 * the right (not in the header, head), text to the left.  Blanks are
 * written only before text, so no line ends in blanks.  Text wider than
 * its column is cut with an ellipsis when cut is set; anything else wider
 * is written whole and pushes the rest of its row to the right.
 */
static void
tcell(struct crm_out *o, int c, const char *s, int cut, int head, int right)
{
	size_t at, cw, n;
	int more = 0;

	if (s == NULL || *s == '\0' || c >= o->ncols)
		return;
	at = o->pos[c];
	cw = crm_utf8_width(s);
	n = strlen(s);
	if (cut && cw > o->width[c]) {
		n = o->width[c] > 0 ? crm_utf8_cut(s, o->width[c] - 1, &cw) :
		    0;
		cw++;
		more = 1;
	}
	if ((o->numeric[c] || right) && !head && cw < o->width[c])
		at += o->width[c] - cw;
	if (o->x > 0 && at < o->x + 2)
		at = o->x + 2;
	for (; o->x < at; o->x++)
		putc(' ', o->fp);
	fwrite(s, 1, n, o->fp);
	if (more)
		fputs("\u2026", o->fp);
	o->x += cw;
}

/*
 * The widths from the header and the rows kept, then the header and
 * those rows; the rows after them are written as they come.  Like every
 * format, nothing for nothing: no lone header.
 */
static void
layout(struct crm_out *o)
{
	size_t i, r, nrows, cw;
	int c;

	if (o->ncells == 0 || o->ncols == 0 ||
	    (o->width = calloc(o->ncols, sizeof *o->width)) == NULL ||
	    (o->pos = calloc(o->ncols, sizeof *o->pos)) == NULL)
		return;
	for (c = 0; c < o->ncols; c++) {
		o->width[c] = crm_utf8_width(o->names[c]);
		if (o->minw != NULL && o->minw[c] > o->width[c])
			o->width[c] = o->minw[c];
	}
	nrows = o->ncells / o->ncols;
	for (i = 0; i < nrows * o->ncols; i++)
		if (o->cells[i] != NULL &&
		    (cw = crm_utf8_width(o->cells[i])) > o->width[i % o->ncols])
			o->width[i % o->ncols] = cw;
	for (c = 1; c < o->ncols; c++)
		o->pos[c] = o->pos[c - 1] + o->width[c - 1] + 2;
	for (r = 0; r <= nrows; r++) {
		for (c = 0; c < o->ncols; c++)
			tcell(o, c, r == 0 ? o->names[c] : o->cells[(r - 1) *
			    o->ncols + c], 0, r == 0, r > 0 &&
			    o->right[(r - 1) * o->ncols + c]);
		putc('\n', o->fp);
		o->x = 0;
	}
	for (i = 0; i < o->ncells; i++)
		free(o->cells[i]);
	free(o->cells);
	free(o->right);
	o->cells = NULL;
	o->right = NULL;
	o->ncells = o->cap = 0;
}

void
crm_out_free(struct crm_out *o)
{
	size_t i;
	int c;

	if (o == NULL)
		return;
	head(o);
	if (o->nkeys > 0)
		flushrows(o);
	if (o->fmt == CRM_FMT_TABLE && o->width == NULL && o->fp != NULL)
		layout(o);
	for (i = 0; i < o->ncells; i++)
		free(o->cells[i]);
	free(o->cells);
	free(o->right);
	for (c = 0; c < o->ncols; c++)
		free(o->names[c]);
	free(o->names);
	free(o->numeric);
	free(o->width);
	free(o->minw);
	free(o->pos);
	free(o);
}
