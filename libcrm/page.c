/*
 * page.c: reports' tables, written as tsv (a header, then a row per line),
 * csv, json (JSON Lines naming their report), table (aligned, a title, a
 * note and a bar per row) or, by html.c, one self-contained HTML page.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm-int.h"

#define BARW	20	/* a table's bars: the longest, in columns */

struct crm_page *
crm_page_new(int decimals, int redact)
{
	struct crm_page *pg;

	if ((pg = calloc(1, sizeof *pg)) == NULL)
		return NULL;
	pg->tail = &pg->tabs;
	pg->decimals = decimals;
	pg->redact = redact;
	return pg;
}

/* *dst becomes a copy of s (NULL: none); the page remembers a failure. */
static void
keep(struct crm_page *pg, char **dst, const char *s)
{
	free(*dst);
	*dst = NULL;
	if (s != NULL && (*dst = strdup(s)) == NULL)
		pg->oom = 1;
}

void
crm_page_html(struct crm_page *pg, const char *store, const char *where,
    const char *currency)
{
	keep(pg, &pg->store, store);
	keep(pg, &pg->where, where);
	snprintf(pg->currency, sizeof pg->currency, "%s", currency != NULL ?
	    currency : "");
}

void
crm_page_note(struct crm_page *pg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pg->note, sizeof pg->note, fmt, ap);
	va_end(ap);
}

void
crm_page_report(struct crm_page *pg, const char *name)
{
	snprintf(pg->report, sizeof pg->report, "%s", name != NULL ? name :
	    "");
}

void
crm_page_tiles(struct crm_page *pg, const struct crm_tile *tl, int n,
    double window)
{
	int i;

	pg->ntiles = n < 0 ? 0 : n > CRM_TILES ? CRM_TILES : n;
	for (i = 0; i < pg->ntiles; i++) {
		pg->tiles[i] = tl[i];
		snprintf(pg->labels[i], sizeof pg->labels[i], "%s",
		    tl[i].label != NULL ? tl[i].label : "");
		pg->tiles[i].label = pg->labels[i];
	}
	pg->window = window;
}

int
crm_page_oom(const struct crm_page *pg)
{
	return pg->oom;
}

struct crm_tab *
crm_tab_new(struct crm_page *pg, const char *name, const char *title,
    int ncols, const char *const *cols, const char *types)
{
	struct crm_tab *t;
	int i;

	if ((t = calloc(1, sizeof *t)) == NULL ||
	    (t->cols = calloc(ncols, sizeof *t->cols)) == NULL ||
	    (t->num = calloc(ncols, 1)) == NULL) {
		if (t != NULL)
			free(t->cols);
		free(t);
		pg->oom = 1;
		return NULL;
	}
	t->page = pg;
	snprintf(t->report, sizeof t->report, "%s", pg->report[0] != '\0' ?
	    pg->report : name);
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->title, sizeof t->title, "%s", title);
	t->ncols = ncols;
	for (i = 0; i < ncols; i++) {
		if ((t->cols[i] = strdup(cols[i])) == NULL)
			t->page->oom = 1;
		t->num[i] = types[i] == 'n';
	}
	t->val2 = -1;
	*pg->tail = t;
	pg->tail = &t->next;
	return t;
}

struct crm_tab *
crm_page_tabs(const struct crm_page *pg)
{
	return pg->tabs;
}

struct crm_tab *
crm_tab_next(const struct crm_tab *t)
{
	return t != NULL ? t->next : NULL;
}

const char *
crm_tab_name(const struct crm_tab *t)
{
	return t != NULL ? t->name : NULL;
}

const char *
crm_tab_report(const struct crm_tab *t)
{
	return t != NULL ? t->report : NULL;
}

void
crm_tab_note(struct crm_tab *t, const char *fmt, ...)
{
	va_list ap;

	if (t == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(t->note, sizeof t->note, fmt, ap);
	va_end(ap);
}

void
crm_tab_chart(struct crm_tab *t, enum crm_chart chart, int val)
{
	if (t == NULL)
		return;
	t->chart = chart;
	t->val = val;
	t->scale = val;
}

void
crm_tab_val2(struct crm_tab *t, int c)
{
	if (t != NULL && c >= 0 && c < t->ncols)
		t->val2 = c;
}

void
crm_tab_heat(struct crm_tab *t, int scale, int pct)
{
	if (t == NULL)
		return;
	t->scale = scale;
	t->pct = pct;
}

void
crm_tab_axis(struct crm_tab *t, const char *title)
{
	if (t != NULL)
		snprintf(t->axis, sizeof t->axis, "%s", title);
}

void
crm_tab_none(struct crm_tab *t, const char *label)
{
	if (t != NULL)
		snprintf(t->none, sizeof t->none, "%s", label);
}

void
crm_tab_mask(struct crm_tab *t, int c, enum crm_mask how)
{
	if (t == NULL || c < 0 || c >= t->ncols)
		return;
	if (t->mask == NULL && (t->mask = calloc(t->ncols, 1)) == NULL) {
		t->page->oom = 1;
		return;
	}
	t->mask[c] = (char)how;
}

void
crm_tab_cell(struct crm_tab *t, const char *s)
{
	char **nc, *nm, *masked = NULL;
	size_t cap;

	if (t == NULL)
		return;
	/* Masked as it comes, so every format writes the same. */
	if (s != NULL && t->page->redact && t->mask != NULL &&
	    t->mask[t->ncells % t->ncols] != CRM_MASK_NONE) {
		if ((masked = crm_redact(s, (enum crm_mask)t->mask[t->ncells %
		    t->ncols])) == NULL) {
			t->page->oom = 1;
			return;
		}
		s = masked;
	}
	if (t->ncells == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if ((nc = realloc(t->cells, cap * sizeof *nc)) == NULL) {
			t->page->oom = 1;
			free(masked);
			return;
		}
		t->cells = nc;
		if ((nm = realloc(t->money, cap)) == NULL) {
			t->page->oom = 1;
			free(masked);
			return;
		}
		t->money = nm;
		if ((nm = realloc(t->share, cap)) == NULL) {
			t->page->oom = 1;
			return;
		}
		t->share = nm;
		t->cap = cap;
	}
	t->money[t->ncells] = 0;
	t->share[t->ncells] = 0;
	if ((t->cells[t->ncells] = s != NULL ? strdup(s) : NULL) == NULL &&
	    s != NULL)
		t->page->oom = 1;
	t->ncells++;
	free(masked);
}

void
crm_tab_cellf(struct crm_tab *t, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	crm_tab_cell(t, buf);
}

void
crm_tab_int(struct crm_tab *t, int64_t v)
{
	crm_tab_cellf(t, "%lld", (long long)v);
}

void
crm_tab_money(struct crm_tab *t, int64_t v)
{
	char buf[32];

	if (t == NULL)
		return;
	crm_money_fmt(v, t->page->decimals, buf, sizeof buf);
	crm_tab_cell(t, buf);
	if (t->ncells > 0 && !t->page->oom)
		t->money[t->ncells - 1] = 1;
}

void
crm_tab_frac(struct crm_tab *t, double v)
{
	crm_tab_cellf(t, "%.4f", v);
	if (t != NULL && t->ncells > 0 && !t->page->oom)
		t->share[t->ncells - 1] = 1;
}

void
crm_tab_share(struct crm_tab *t, double part, double whole)
{
	if (whole == 0)
		crm_tab_cell(t, NULL);
	else
		crm_tab_frac(t, part / whole);
}

void
crm_tab_col(struct crm_tab *t, sqlite3_stmt *s, int c, int money)
{
	if (sqlite3_column_type(s, c) == SQLITE_NULL)
		crm_tab_cell(t, NULL);
	else if (money)
		crm_tab_money(t, sqlite3_column_int64(s, c));
	else
		crm_tab_cell(t, (const char *)sqlite3_column_text(s, c));
}

static size_t
crm_tab_rows(const struct crm_tab *t)
{
	return t->ncells / t->ncols;
}

static const char *
crm_tab_at(const struct crm_tab *t, size_t r, int c)
{
	return t->cells[r * t->ncols + c];
}

static void
tab_free(struct crm_tab *t)
{
	size_t i;
	int c;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	for (c = 0; c < t->ncols; c++)
		free(t->cols[c]);
	free(t->cells);
	free(t->money);
	free(t->share);
	free(t->cols);
	free(t->num);
	free(t->mask);
	free(t);
}

/* A bar of w eighths of a cell wide, in Unicode block elements. */
static void
bar(char *buf, size_t n, double frac, int width)
{
	static const char *const part[] = { "", "\u258f", "\u258e", "\u258d",
	    "\u258c", "\u258b", "\u258a", "\u2589" };
	int eighths = (int)lround(frac * width * 8), i;
	size_t len = 0;

	buf[0] = '\0';
	if (eighths < 0)
		eighths = 0;
	for (i = 0; i < eighths / 8 && len + 4 < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "\u2588");
	if (len + 4 < n)
		snprintf(buf + len, n - len, "%s", part[eighths % 8]);
}

/* A cell as a number (0 when unset). */
static double
num(const struct crm_tab *t, size_t r, int c)
{
	const char *v = crm_tab_at(t, r, c);

	return v != NULL ? atof(v) : 0;
}

static double
tab_max(const struct crm_tab *t, int c)
{
	double mx = 0;
	size_t r;

	for (r = 0; r < crm_tab_rows(t); r++)
		mx = fmax(mx, fabs(num(t, r, c)));
	return mx;
}

static void
text(FILE *fp, enum crm_fmt fmt, struct crm_tab *t, int first)
{
	struct crm_out *o;
	const char *names[t->ncols + 3];	/* report, table, cells, bar */
	char **cols = t->cols, b[256];
	int c, extra = 0, json = fmt == CRM_FMT_JSON, table =
	    fmt == CRM_FMT_TABLE;
	double mx = 0;
	size_t r;

	if (table) {
		if (!first)
			putc('\n', fp);
		fprintf(fp, crm_color(fp) ? "\033[1m%s\033[0m\n" : "%s\n",
		    t->title);
		if (t->note[0] != '\0')
			fprintf(fp, "(%s)\n", t->note);
		extra = t->chart == CRM_CH_BAR || t->chart == CRM_CH_COLUMNS;
		mx = tab_max(t, t->val);
		if (crm_tab_rows(t) == 0) {
			fprintf(fp, "(nothing to show)\n");
			return;
		}
	} else if (!first && fmt != CRM_FMT_JSON)
		putc('\n', fp);
	/* A JSON row names its report and its table in it. */
	for (c = 0; c < t->ncols; c++)
		names[c + 2 * json] = cols[c];
	if (json) {
		names[0] = "report";
		names[1] = "table";
	}
	if (extra)
		names[t->ncols] = "";
	o = crm_out_new(fp, fmt, 1, t->ncols + 2 * json + extra, names);
	if (o == NULL) {
		t->page->oom = 1;
		return;
	}
	/* The longest bar may come after the rows that set the widths. */
	if (extra)
		crm_out_minwidth(o, t->ncols, BARW);
	for (r = 0; r < crm_tab_rows(t); r++) {
		if (json) {
			crm_out_cell(o, CRM_V_STR, t->report);
			crm_out_cell(o, CRM_V_STR, t->name);
		}
		/* Money is a number in JSON too, as crm-ls writes it. */
		for (c = 0; c < t->ncols; c++)
			crm_out_cell(o, t->num[c] ? CRM_V_NUM : CRM_V_STR,
			    crm_tab_at(t, r, c));
		if (extra) {
			bar(b, sizeof b, mx > 0 ? fabs(num(t, r, t->val)) /
			    mx : 0, BARW);
			crm_out_cell(o, CRM_V_STR, b);
		}
		crm_out_endrow(o);
	}
	crm_out_free(o);
}

void
crm_page_write(struct crm_page *pg, FILE *fp, enum crm_fmt fmt,
    int64_t asof)
{
	struct crm_tab *t;
	int first = 1;

	if (fmt == CRM_FMT_HTML) {
		crm_html_write(pg, fp, asof);
		return;
	}
	/* Only a table has notes; tsv, csv and json are data alone. */
	if (fmt == CRM_FMT_TABLE && pg->note[0] != '\0')
		fprintf(fp, "(%s)\n\n", pg->note);
	for (t = pg->tabs; t != NULL; t = t->next, first = 0)
		text(fp, fmt, t, first);
}

void
crm_tab_write(struct crm_tab *t, FILE *fp, enum crm_fmt fmt)
{
	if (t != NULL)
		text(fp, fmt, t, 1);
}

void
crm_page_only(struct crm_page *pg, struct crm_tab *keep)
{
	struct crm_tab *t, *next;

	for (t = pg->tabs; t != NULL; t = next) {
		next = t->next;
		if (t != keep)
			tab_free(t);
	}
	pg->tabs = keep;
	pg->tail = &pg->tabs;
	if (keep != NULL) {
		keep->next = NULL;
		pg->tail = &keep->next;
	}
}

/* A report's cell in a sheet: numbers typed, the rest as text. */
static void
xlsx_cell(struct crm_xlsx *x, const struct crm_tab *t, size_t r, int c)
{
	const char *v = crm_tab_at(t, r, c);
	size_t i = r * t->ncols + c;
	char *end;
	double d;

	if (v == NULL) {
		crm_xlsx_text(x, NULL);
		return;
	}
	d = strtod(v, &end);
	/* A number column holds labels too (the forecast's months). */
	if (!t->num[c] || end == v || *end != '\0')
		crm_xlsx_text(x, v);
	else
		crm_xlsx_num(x, t->money[i] ? CRM_X_MONEY : t->share[i] ?
		    CRM_X_SHARE : CRM_X_NUM, d);
}

int
crm_page_xlsx(struct crm_page *pg, const char *path, const char *currency)
{
	struct crm_xlsx *x = NULL;
	struct crm_tab *t;
	char name[80];
	size_t r;
	int c, rc;

	if ((rc = crm_xlsx_open(&x, path, currency, pg->decimals)) !=
	    CRM_EX_OK)
		return rc;
	for (t = pg->tabs; t != NULL && rc == CRM_EX_OK; t = t->next) {
		if (strcmp(t->report, t->name) == 0)
			snprintf(name, sizeof name, "%s", t->name);
		else
			snprintf(name, sizeof name, "%s.%s", t->report,
			    t->name);
		if ((rc = crm_xlsx_sheet(x, name, t->title, t->note[0] !=
		    '\0' ? t->note : NULL, t->ncols,
		    (const char *const *)t->cols)) != CRM_EX_OK)
			break;
		for (r = 0; r < crm_tab_rows(t) && rc == CRM_EX_OK; r++) {
			for (c = 0; c < t->ncols; c++)
				xlsx_cell(x, t, r, c);
			rc = crm_xlsx_endrow(x);
		}
	}
	return crm_xlsx_close(x, rc);
}

void
crm_page_free(struct crm_page *pg)
{
	struct crm_tab *t, *next;

	if (pg == NULL)
		return;
	for (t = pg->tabs; t != NULL; t = next) {
		next = t->next;
		tab_free(t);
	}
	free(pg->store);
	free(pg->where);
	free(pg);
}
