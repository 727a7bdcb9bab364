/*
 * xlsx.c: spreadsheets through libxlsxwriter.  One sheet per table: its
 * title and note above the header (when it has them), the header frozen
 * and filtered, cells typed (money in the store's currency format, dates
 * as dates, shares as percentages) and columns as wide as what they hold.
 * Text is always written as a string, never as a formula: a name
 * "=HYPERLINK(...)" stays that text in every spreadsheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "crm-int.h"

/* Excel's limits: characters in a cell, rows in a sheet, a name's length. */
#define MAXTEXT		32767
#define MAXROWS		1048576
#define MAXNAME		31
#define MAXWIDTH	60

struct sheet {
	lxw_worksheet	*ws;
	int		 ncols;
	double		*width;
	lxw_row_t	 hdr, row;	/* the header's row; the next one */
};

struct crm_xlsx {
	lxw_workbook	*wb;
	char		 path[4096];
	int		 tmp;		/* path is ours, copied to stdout */
	lxw_format	*fmt[CRM_X_BOOL + 1], *bold, *big, *grey;
	struct sheet	*sheets;
	size_t		 nsheets, cap;
	/* The current sheet's, for a continuation sheet past MAXROWS. */
	char		 name[64];
	char		**cols;
	int		 ncols, col, cut, err;
};

/* The number format of a type: money's from the currency (NULL: none). */
static void
money_fmt(char *buf, size_t n, const char *currency, int decimals)
{
	char dec[8] = "";

	if (decimals > 0)
		snprintf(dec, sizeof dec, ".%.*s", decimals, "0000");
	if (currency != NULL && *currency != '\0')
		snprintf(buf, n, "[$%s] #,##0%s;-[$%s] #,##0%s", currency, dec,
		    currency, dec);
	else
		snprintf(buf, n, "#,##0%s", dec);
}

int
crm_xlsx_open(struct crm_xlsx **xp, const char *path, const char *currency,
    int decimals)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	struct crm_xlsx *x;
	char buf[64];
	int fd, i;

	*xp = NULL;
	if (path == NULL && isatty(STDOUT_FILENO))
		return crm_err(CRM_EX_USAGE, NULL, "-o xlsx: standard output "
		    "is a terminal: redirect it to a file or give --to");
	if ((x = calloc(1, sizeof *x)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if (path != NULL)
		snprintf(x->path, sizeof x->path, "%s", path);
	else {
		/* The zip is written with seeks: a file first, then copied. */
		snprintf(x->path, sizeof x->path, "%s/crm-xlsx.XXXXXX",
		    P_tmpdir);
		if ((fd = mkstemp(x->path)) < 0) {
			free(x);
			return crm_err(CRM_EX_IOERR, NULL, "%s:", P_tmpdir);
		}
		close(fd);
		x->tmp = 1;
	}
	if ((x->wb = workbook_new_opt(x->path, &opt)) == NULL) {
		if (x->tmp)
			unlink(x->path);
		i = crm_err(CRM_EX_IOERR, NULL, "%s: cannot make the "
		    "workbook", path != NULL ? path : "standard output");
		free(x);
		return i;
	}
	for (i = 0; i <= CRM_X_BOOL; i++)
		x->fmt[i] = workbook_add_format(x->wb);
	money_fmt(buf, sizeof buf, currency, decimals);
	format_set_num_format(x->fmt[CRM_X_MONEY], buf);
	format_set_num_format(x->fmt[CRM_X_SHARE], "0.0%");
	format_set_num_format(x->fmt[CRM_X_INT], "0");
	format_set_num_format(x->fmt[CRM_X_DATE], "yyyy-mm-dd");
	format_set_num_format(x->fmt[CRM_X_TIME], "yyyy-mm-dd hh:mm:ss");
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	format_set_bottom(x->bold, LXW_BORDER_THIN);
	x->big = workbook_add_format(x->wb);
	format_set_bold(x->big);
	format_set_font_size(x->big, 13);
	x->grey = workbook_add_format(x->wb);
	format_set_font_color(x->grey, 0x666666);
	format_set_italic(x->grey);
	*xp = x;
	return CRM_EX_OK;
}

/* Display width of what a cell shows, for the column's width. */
static void
widen(struct crm_xlsx *x, size_t w)
{
	struct sheet *sh = &x->sheets[x->nsheets - 1];

	if (x->col < sh->ncols && (double)w + 2 > sh->width[x->col])
		sh->width[x->col] = (double)w + 2 > MAXWIDTH ? MAXWIDTH :
		    (double)w + 2;
}

/*
 * A sheet's name: what Excel allows (31 characters at most, none of
 * []:*?/\, no apostrophe at the ends), unique in the workbook.
 */
static void
sheet_name(struct crm_xlsx *x, const char *want, char *buf, size_t n)
{
	char base[4 * MAXNAME + 1], suf[16];
	size_t len = 0, chars = 0, i, k;
	const unsigned char *p;
	int nth;

	for (p = (const unsigned char *)want; *p != '\0' && chars < MAXNAME &&
	    len + 4 < sizeof base; p++) {
		if ((*p & 0xC0) != 0x80)
			chars++;
		if (chars > MAXNAME)
			break;
		base[len++] = strchr("[]:*?/\\", *p) != NULL || *p < 0x20 ?
		    '_' : (char)*p;
	}
	/* Not ending inside a character. */
	while (len > 0 && ((unsigned char)base[len - 1] & 0xC0) == 0xC0)
		len--;
	base[len] = '\0';
	if (len == 0 || base[0] == '\'' || base[len - 1] == '\'')
		snprintf(base, sizeof base, "sheet");
	for (nth = 1; ; nth++) {
		suf[0] = '\0';
		if (nth > 1)
			snprintf(suf, sizeof suf, " (%d)", nth);
		/* Room for the suffix within 31 characters. */
		for (i = 0, k = 0, chars = 0; base[i] != '\0'; i++) {
			if (((unsigned char)base[i] & 0xC0) != 0x80 &&
			    ++chars + strlen(suf) > MAXNAME)
				break;
			k = i + 1;
		}
		snprintf(buf, n, "%.*s%s", (int)k, base, suf);
		if (workbook_get_worksheet_by_name(x->wb, buf) == NULL)
			return;
	}
}

/* A new sheet of the current columns, the header at its top. */
static int
newsheet(struct crm_xlsx *x, const char *title, const char *note)
{
	struct sheet *sh;
	char name[4 * MAXNAME + 16];
	int c;

	if (crm_grow(&x->sheets, &x->cap, x->nsheets, sizeof *x->sheets) !=
	    CRM_EX_OK)
		return CRM_EX_SOFTWARE;
	sh = &x->sheets[x->nsheets];
	memset(sh, 0, sizeof *sh);
	sheet_name(x, x->name, name, sizeof name);
	if ((sh->ws = workbook_add_worksheet(x->wb, name)) == NULL ||
	    (sh->width = calloc(x->ncols + 1, sizeof *sh->width)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "xlsx: cannot add the "
		    "sheet %s", name);
	x->nsheets++;
	sh->ncols = x->ncols;
	if (title != NULL) {
		worksheet_write_string(sh->ws, sh->row++, 0, title, x->big);
		worksheet_write_string(sh->ws, sh->row++, 0, note != NULL ?
		    note : "", x->grey);
	}
	sh->hdr = sh->row;
	for (x->col = 0, c = 0; c < x->ncols; c++, x->col++) {
		worksheet_write_string(sh->ws, sh->row, (lxw_col_t)c,
		    x->cols[c], x->bold);
		widen(x, crm_utf8_width(x->cols[c]));
	}
	x->col = 0;
	sh->row++;
	return CRM_EX_OK;
}

int
crm_xlsx_sheet(struct crm_xlsx *x, const char *name, const char *title,
    const char *note, int ncols, const char *const *cols)
{
	int c;

	if (x->cols != NULL)
		for (c = 0; c < x->ncols; c++)
			free(x->cols[c]);
	free(x->cols);
	x->ncols = 0;
	if ((x->cols = calloc(ncols + 1, sizeof *x->cols)) == NULL)
		return (x->err = crm_err(CRM_EX_SOFTWARE, NULL, "out of "
		    "memory"));
	for (c = 0; c < ncols; c++) {
		if ((x->cols[c] = strdup(cols[c])) == NULL)
			return (x->err = crm_err(CRM_EX_SOFTWARE, NULL, "out "
			    "of memory"));
		x->ncols = c + 1;
	}
	snprintf(x->name, sizeof x->name, "%s", name);
	return (x->err = newsheet(x, title, note));
}

static struct sheet *
cur(struct crm_xlsx *x)
{
	return x->err == CRM_EX_OK && x->nsheets > 0 && x->col <
	    x->sheets[x->nsheets - 1].ncols ? &x->sheets[x->nsheets - 1] :
	    NULL;
}

void
crm_xlsx_text(struct crm_xlsx *x, const char *s)
{
	struct sheet *sh = cur(x);
	char *t = NULL;
	size_t n;

	if (sh != NULL && s != NULL && *s != '\0') {
		/* Past Excel's limit: cut at a character's start, said once. */
		if ((n = strlen(s)) > MAXTEXT && (t = strdup(s)) != NULL) {
			for (n = MAXTEXT; n > 0 &&
			    ((unsigned char)t[n] & 0xC0) == 0x80; n--)
				;
			t[n] = '\0';
			if (!x->cut++)
				crm_warn(NULL, "xlsx: a text of more than %d "
				    "characters is cut there", MAXTEXT);
		}
		worksheet_write_string(sh->ws, sh->row, (lxw_col_t)x->col,
		    t != NULL ? t : s, NULL);
		widen(x, crm_utf8_width(t != NULL ? t : s));
		free(t);
	}
	x->col++;
}

void
crm_xlsx_num(struct crm_xlsx *x, enum crm_xt t, double v)
{
	struct sheet *sh = cur(x);
	char buf[64];
	size_t w;

	if (sh == NULL) {
		x->col++;
		return;
	}
	switch (t) {
	case CRM_X_BOOL:
		worksheet_write_boolean(sh->ws, sh->row, (lxw_col_t)x->col,
		    v != 0, NULL);
		w = 5;
		break;
	case CRM_X_DATE:
	case CRM_X_TIME:
		/* Days since 1899-12-30, Excel's (and Calc's) day 0. */
		worksheet_write_number(sh->ws, sh->row, (lxw_col_t)x->col,
		    v / 86400.0 + 25569.0, x->fmt[t]);
		w = t == CRM_X_DATE ? 10 : 19;
		break;
	default:
		worksheet_write_number(sh->ws, sh->row, (lxw_col_t)x->col, v,
		    x->fmt[t]);
		/* Thousands separators and the currency widen money. */
		w = (size_t)snprintf(buf, sizeof buf, t == CRM_X_SHARE ?
		    "%.1f%%" : "%.2f", t == CRM_X_SHARE ? v * 100 : v);
		if (t == CRM_X_MONEY)
			w += w / 3 + 4;
		break;
	}
	widen(x, w);
	x->col++;
}

int
crm_xlsx_endrow(struct crm_xlsx *x)
{
	struct sheet *sh;

	x->col = 0;
	if (x->err != CRM_EX_OK || x->nsheets == 0)
		return x->err;
	sh = &x->sheets[x->nsheets - 1];
	/* A full sheet goes on in another, under the same header. */
	if (++sh->row == MAXROWS)
		x->err = newsheet(x, NULL, NULL);
	return x->err;
}

/* Widths, the frozen header and its filter: known once the rows are. */
static void
finish(struct sheet *sh)
{
	int c;

	for (c = 0; c < sh->ncols; c++)
		worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c,
		    sh->width[c] > 8 ? sh->width[c] : 8, NULL);
	worksheet_freeze_panes(sh->ws, sh->hdr + 1, 0);
	if (sh->ncols > 0)
		worksheet_autofilter(sh->ws, sh->hdr, 0, sh->row > sh->hdr + 1 ?
		    sh->row - 1 : sh->hdr, (lxw_col_t)(sh->ncols - 1));
}

/* The temporary file to standard output. */
static int
copyout(const char *path)
{
	char buf[65536];
	FILE *fp;
	size_t n;
	int rc = CRM_EX_OK;

	if ((fp = fopen(path, "rb")) == NULL)
		return crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			rc = crm_err(CRM_EX_IOERR, NULL, "standard output:");
			break;
		}
	if (ferror(fp))
		rc = crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	fclose(fp);
	return rc;
}

int
crm_xlsx_close(struct crm_xlsx *x, int rc)
{
	lxw_error e;
	size_t i;
	int c, ok;

	if (x == NULL)
		return rc;
	for (i = 0; i < x->nsheets; i++) {
		finish(&x->sheets[i]);
		free(x->sheets[i].width);
	}
	/* Nothing selected still writes the header (as csv does). */
	ok = rc == CRM_EX_OK || rc == CRM_EX_NONE;
	/* A workbook without a sheet does not open: give it an empty one. */
	if (x->nsheets == 0)
		workbook_add_worksheet(x->wb, NULL);
	if ((e = workbook_close(x->wb)) != LXW_NO_ERROR && ok)
		rc = crm_err(CRM_EX_IOERR, NULL, "%s: %s", x->tmp ? "standard "
		    "output" : x->path, lxw_strerror(e));
	if (ok && x->err != CRM_EX_OK)
		rc = x->err;
	ok = rc == CRM_EX_OK || rc == CRM_EX_NONE;
	if (x->tmp) {
		if (ok && (c = copyout(x->path)) != CRM_EX_OK)
			rc = c;
		unlink(x->path);
	} else if (!ok)
		unlink(x->path);
	for (c = 0; c < x->ncols; c++)
		free(x->cols[c]);
	free(x->cols);
	free(x->sheets);
	free(x);
	return rc;
}
