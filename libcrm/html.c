/*
 * html.c: crm-report's page, one self-contained HTML file (no script,
 * nothing fetched).  It opens with the headline tiles, each against the
 * day a --window before; then each report, its tables drawn as inline
 * SVG charts (bars, columns over time, heat maps) with axes, ticks and
 * units, each table folded beneath its chart.  Every chart scales to its
 * container (a viewBox, width 100 %).  The two series' colours are Okabe
 * and Ito's blue and orange, which colour-blind readers tell apart; heat
 * maps shade one hue from light to dark.  A print stylesheet puts one
 * report on a page.  Labels are made human here only: tsv, csv and json
 * keep the field names.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

#define TOPN	10	/* a longer bar chart: the top 10 and "others" */
#define CHW	520	/* a chart's width in its viewBox */
#define CHARW	7.2	/* the width of a narrow character at 12px */

enum unit { U_TEXT, U_NUM, U_MONEY, U_SHARE };

/* Human names of fields and reports; the rest lose their underscores. */
static const char *const human_names[][2] = {
	{ "aov", "Average order value" },
	{ "nps", "NPS" },
	{ "csat", "CSAT" },
	{ "nps_answers", "NPS answers" },
	{ "csat_answers", "CSAT answers" },
	{ "open_tickets", "Open tickets" },
	{ "median_response_hours", "Median response (hours)" },
	{ "median_resolution_hours", "Median resolution (hours)" },
	{ "open_overdue", "Open past the response promise" },
	{ "unresolved_overdue", "Unresolved past the resolution promise" },
	{ "expected_purchases", "Expected purchases" },
	{ "expected_revenue", "Forecast revenue" },
	{ "revenue_at_risk", "Revenue at risk" },
	{ "at_risk", "At risk" },
	{ "revenue_share", "Share of revenue" },
	{ "first_response", "First response" },
	{ "summary", "Summary" },
	{ "segments", "Segments" },
	{ "tiers", "Tiers" },
	{ "cohort", "Cohorts" },
	{ "sla", "Service level" },
	{ "satisfaction", "Satisfaction" },
	{ "effort", "Contact effort" },
	{ "churn", "Churn risk" },
	{ "forecast", "Forecast" },
};

static void
human(const char *name, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof human_names / sizeof human_names[0]; i++)
		if (strcmp(human_names[i][0], name) == 0) {
			snprintf(buf, n, "%s", human_names[i][1]);
			return;
		}
	snprintf(buf, n, "%s", name);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	/* from_X: the tier customers came from. */
	if (strncmp(name, "from_", 5) == 0)
		snprintf(buf, n, "From %s", name + 5);
}

static void
esc(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			putc(*s, fp);
		}
}

static size_t
rows(const struct crm_tab *t)
{
	return t->ncells / t->ncols;
}

static const char *
at(const struct crm_tab *t, size_t r, int c)
{
	return t->cells[r * t->ncols + c];
}

static double
num(const struct crm_tab *t, size_t r, int c)
{
	const char *v = at(t, r, c);

	return v != NULL ? atof(v) : 0;
}

/* A column's unit: by its first set cell. */
static enum unit
unit_of(const struct crm_tab *t, int c)
{
	size_t r, i;

	if (!t->num[c])
		return U_TEXT;
	for (r = 0; r < rows(t); r++) {
		i = r * t->ncols + c;
		if (t->cells[i] == NULL)
			continue;
		if (t->money[i])
			return U_MONEY;
		if (t->share != NULL && t->share[i])
			return U_SHARE;
		return U_NUM;
	}
	return U_NUM;
}

/* A decimal number s with thousands separators, into buf. */
static void
group(const char *s, char *buf, size_t n)
{
	size_t i = 0, len = 0, digits;

	if (n == 0)
		return;
	if (*s == '-' || *s == '+')
		buf[len++] = *s++;
	for (digits = 0; s[digits] >= '0' && s[digits] <= '9'; digits++)
		;
	for (i = 0; i < digits && len + 2 < n; i++) {
		buf[len++] = s[i];
		if ((digits - i - 1) % 3 == 0 && i + 1 < digits)
			buf[len++] = ',';
	}
	snprintf(buf + len, n - len, "%s", s + digits);
}

/* A value for people: grouped, money in the store's decimals, percent. */
static void
show(double v, enum unit u, int dec, char *buf, size_t n)
{
	char raw[64];

	if (u == U_SHARE)
		snprintf(raw, sizeof raw, "%.1f", v * 100);
	else if (u == U_MONEY)
		snprintf(raw, sizeof raw, "%.*f", dec, v);
	else if (v == floor(v) && fabs(v) < 1e18)
		snprintf(raw, sizeof raw, "%.0f", v);
	else
		snprintf(raw, sizeof raw, "%.2f", v);
	group(raw, buf, n);
	if (u == U_SHARE)
		snprintf(buf + strlen(buf), n - strlen(buf), "\u00a0%%");
}

/* A short form for ticks and bar ends: 1.2k, 3.4M, 5B, 7.1T. */
static void
compact(double v, enum unit u, int dec, char *buf, size_t n)
{
	static const char *const sfx[] = { "", "k", "M", "B", "T" };
	double a = fabs(v);
	int k = 0;

	if (u == U_SHARE) {
		snprintf(buf, n, "%.4g\u00a0%%", v * 100);
		return;
	}
	if (a < 10000) {
		show(v, u == U_MONEY && v != floor(v) ? U_MONEY : U_NUM, dec,
		    buf, n);
		return;
	}
	if (a >= 1e15) {
		snprintf(buf, n, "%.2g", v);
		return;
	}
	while (a >= 1000 && k < 4) {
		a /= 1000;
		v /= 1000;
		k++;
	}
	snprintf(buf, n, "%.3g%s", v, sfx[k]);
}

/* A unit in an axis title: the currency, or percent. */
static void
axis_title(const struct crm_page *pg, const char *name, enum unit u,
    char *buf, size_t n)
{
	char h[96];

	human(name, h, sizeof h);
	if (u == U_MONEY && pg->currency[0] != '\0')
		snprintf(buf, n, "%s (%s)", h, pg->currency);
	else if (u == U_SHARE)
		snprintf(buf, n, "%s (%%)", h);
	else
		snprintf(buf, n, "%s", h);
}

/* The width of s in the viewBox at 12px: wide characters count double. */
static double
width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	double w = 0;

	while (*p != '\0') {
		if (*p < 0x80)
			cp = *p++;
		else if ((*p & 0xe0) == 0xc0 && p[1] != '\0') {
			cp = (unsigned)(*p & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0 && p[1] != '\0' &&
		    p[2] != '\0') {
			cp = (unsigned)(*p & 0x0f) << 12 |
			    (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else {
			cp = 0x10000;
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
		}
		w += cp >= 0x1100 ? 2 * CHARW : CHARW;
	}
	return w;
}

/* s cut to fit max, with an ellipsis, whole characters only. */
static void
fit(const char *s, double max, char *buf, size_t n)
{
	size_t len = strlen(s), cut;
	char tmp[512];

	snprintf(buf, n, "%s", s);
	if (width(buf) <= max && len < n)
		return;
	for (cut = len < n ? len : n - 1; cut > 0; cut--) {
		if (((unsigned char)s[cut] & 0xc0) == 0x80)
			continue;
		snprintf(tmp, sizeof tmp, "%.*s\u2026", (int)cut, s);
		if (width(tmp) <= max && strlen(tmp) < n) {
			memcpy(buf, tmp, strlen(tmp) + 1);
			return;
		}
	}
	snprintf(buf, n, "\u2026");
}

/* A tick step of 1, 2 or 5 times a power of ten: about n ticks to mx. */
static double
step_of(double mx, int n)
{
	double raw = mx / n, p, f;

	if (!(raw > 0) || !isfinite(raw))
		return 1;
	p = pow(10, floor(log10(raw)));
	f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static void
svg_open(FILE *fp, int w, double h, const char *label)
{
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
	    "viewBox=\"0 0 %d %.0f\" width=\"100%%\" style=\"max-width:%dpx\" "
	    "role=\"img\" aria-label=\"", w, h, w * 13 / 10);
	esc(fp, label);
	fputs("\">\n", fp);
}

static void
text(FILE *fp, const char *cls, double x, double y, const char *anchor,
    const char *s)
{
	fprintf(fp, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\"%s%s%s>", cls, x,
	    y, anchor != NULL ? " text-anchor=\"" : "", anchor != NULL ?
	    anchor : "", anchor != NULL ? "\"" : "");
	esc(fp, s);
	fputs("</text>\n", fp);
}

/* A legend of the series names at y, left to right. */
static void
legend(FILE *fp, const struct crm_tab *t, int nser, const int *col,
    double y)
{
	char h[96];
	double x = 4;
	int k;

	for (k = 0; k < nser; k++) {
		human(t->cols[col[k]], h, sizeof h);
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
		    "height=\"12\" class=\"s%d\"/>\n", x, y - 11, k);
		text(fp, "legend", x + 16, y, NULL, h);
		x += 16 + width(h) + 18;
	}
}

struct bar {
	const char	*label;
	double		 v[2];
	int		 has[2];
	size_t		 others;	/* rows folded into it */
};

static int
bar_cmp(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	return x->v[0] < y->v[0] ? 1 : x->v[0] > y->v[0] ? -1 : 0;
}

/*
 * Horizontal bars: a label and one or two values per row.  More than
 * TOPN + 2 rows: the TOPN largest and "others" (the table has them all).
 */
static void
svg_bars(FILE *fp, const struct crm_tab *t)
{
	const struct crm_page *pg = t->page;
	struct bar *b;
	size_t r, n = rows(t), nb, i;
	int col[2], nser = t->val2 >= 0 ? 2 : 1, k;
	enum unit u = unit_of(t, t->val);
	double mx = 0, step, lw, bw, rh, y0, x, h, w;
	char lab[256], buf[256], title[128], name[96];

	col[0] = t->val;
	col[1] = t->val2;
	if (n == 0 || (b = calloc(n + 1, sizeof *b)) == NULL)
		return;
	for (r = 0; r < n; r++) {
		b[r].label = at(t, r, 0) != NULL ? at(t, r, 0) : t->none[0] !=
		    '\0' ? t->none : "(none)";
		for (k = 0; k < nser; k++) {
			b[r].has[k] = at(t, r, col[k]) != NULL;
			b[r].v[k] = fabs(num(t, r, col[k]));
		}
	}
	nb = n;
	if (n > TOPN + 2) {
		qsort(b, n, sizeof *b, bar_cmp);
		b[TOPN].label = "others";
		b[TOPN].others = n - TOPN;
		for (i = TOPN + 1; i < n; i++)
			for (k = 0; k < nser; k++) {
				b[TOPN].v[k] += b[i].v[k];
				b[TOPN].has[k] |= b[i].has[k];
			}
		nb = TOPN + 1;
	}
	/* "others" has no bar: its sum would dwarf the top ones. */
	for (i = 0; i < nb; i++)
		for (k = 0; k < nser; k++)
			if (b[i].others == 0)
				mx = fmax(mx, b[i].v[k]);
	step = step_of(mx, 4);
	mx = step * ceil(mx / step);
	if (mx <= 0)
		mx = step;
	rh = nser == 2 ? 34 : 22;
	lw = 150;
	bw = CHW - lw - 80;
	y0 = nser == 2 ? 40 : 24;
	h = y0 + nb * rh + 44;
	axis_title(pg, t->cols[t->val], u, title, sizeof title);
	human(t->cols[0], name, sizeof name);
	snprintf(buf, sizeof buf, "%s by %s", title, name);
	svg_open(fp, CHW, h, buf);
	if (nser == 2)
		legend(fp, t, nser, col, 16);
	else
		text(fp, "legend", 4, 14, NULL, title);
	/* The grid and the value axis below the bars. */
	for (x = 0; x <= mx + step / 2; x += step) {
		w = lw + x / mx * bw;
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/>\n", w, y0 - 4, w, y0 + nb * rh +
		    4);
		compact(x, u, pg->decimals, lab, sizeof lab);
		text(fp, "tick", w, y0 + nb * rh + 18, "middle", lab);
	}
	fprintf(fp, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", lw, y0 + nb * rh + 4, lw + bw, y0 + nb * rh + 4);
	text(fp, "tick axis-title", lw + bw / 2, y0 + nb * rh + 36, "middle",
	    title);
	for (i = 0; i < nb; i++) {
		if (b[i].others > 0)
			snprintf(buf, sizeof buf, "others (%zu)", b[i].others);
		else
			snprintf(buf, sizeof buf, "%s", "");
		fit(b[i].others > 0 ? buf : b[i].label, lw - 12, lab,
		    sizeof lab);
		fprintf(fp, "<g><title>");
		esc(fp, b[i].others > 0 ? buf : b[i].label);
		fputs("</title>\n", fp);
		text(fp, "label", lw - 6, y0 + i * rh + rh / 2 + 4, "end", lab);
		for (k = 0; k < nser; k++) {
			w = b[i].others > 0 ? 0 : b[i].v[k] / mx * bw;
			x = y0 + i * rh + 3 + k * (rh - 6) / nser;
			if (!b[i].has[k])
				continue;
			fprintf(fp, "<rect class=\"s%d\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"/>\n", k, lw, x, w,
			    (rh - 6) / nser - 1);
			compact(b[i].v[k], u, pg->decimals, lab, sizeof lab);
			fprintf(fp, "<text class=\"value\" x=\"%.1f\" "
			    "y=\"%.1f\"%s>", lw + w + 4, x + (rh - 6) / nser -
			    (nser == 2 ? 2.5 : 4), nser == 2 ?
			    " font-size=\"10\"" : "");
			esc(fp, lab);
			fputs("</text>\n", fp);
		}
		fputs("</g>\n", fp);
	}
	fputs("</svg>\n", fp);
	free(b);
}

/* Columns over time: val and val2 side by side, on one y axis. */
static void
svg_columns(FILE *fp, const struct crm_tab *t)
{
	const struct crm_page *pg = t->page;
	size_t r, n = rows(t), every;
	int col[2] = { t->val, t->val2 }, k;
	enum unit u = unit_of(t, t->val);
	double mx = 0, step, v, lw = 64, top = 30, ch = 190, cw, x, y;
	char lab[96], title[128];

	if (n == 0)
		return;
	for (r = 0; r < n; r++)
		for (k = 0; k < 2; k++)
			mx = fmax(mx, fabs(num(t, r, col[k])));
	step = step_of(mx, 4);
	mx = step * ceil(mx / step);
	if (mx <= 0)
		mx = step;
	cw = (CHW - lw - 8) / n;
	axis_title(pg, t->cols[t->val], u, title, sizeof title);
	svg_open(fp, CHW, top + ch + 56, title);
	legend(fp, t, 2, col, 14);
	for (v = 0; v <= mx + step / 2; v += step) {
		y = top + ch - v / mx * ch;
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"/>\n", lw, y, CHW - 4, y);
		compact(v, u, pg->decimals, lab, sizeof lab);
		text(fp, "tick", lw - 6, y + 4, "end", lab);
	}
	fprintf(fp, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", lw, top, lw, top + ch);
	/* A month label every so many columns, so that they never touch. */
	every = (size_t)ceil((width("0000-00") + 10) / cw);
	if (every < 1)
		every = 1;
	for (r = 0; r < n; r++) {
		x = lw + 4 + r * cw;
		for (k = 0; k < 2; k++) {
			if (at(t, r, col[k]) == NULL)
				continue;
			v = fabs(num(t, r, col[k])) / mx * ch;
			fprintf(fp, "<rect class=\"s%d\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"><title>", k, x + k *
			    cw / 2, top + ch - v, cw / 2 - 1, v);
			esc(fp, at(t, r, 0));
			fputs(": ", fp);
			show(num(t, r, col[k]), u, pg->decimals, lab,
			    sizeof lab);
			esc(fp, lab);
			fputs("</title></rect>\n", fp);
		}
		/* Centred under its column, inside the plot's width. */
		if (r % every == 0 && at(t, r, 0) != NULL) {
			snprintf(lab, sizeof lab, "%.7s", at(t, r, 0));
			v = width(lab) / 2 + 2;
			text(fp, "tick", fmin(fmax(x + cw / 2, lw + v),
			    CHW - v), top + ch + 16, "middle", lab);
		}
	}
	fprintf(fp, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%d\" "
	    "y2=\"%.1f\"/>\n", lw, top + ch, CHW - 4, top + ch);
	text(fp, "tick axis-title", lw + (CHW - lw) / 2, top + ch + 38,
	    "middle", t->axis[0] != '\0' ? t->axis : "Month");
	fputs("</svg>\n", fp);
}

/* A heat map: rows by label, columns val onwards, shade by value. */
static void
svg_heat(FILE *fp, const struct crm_tab *t)
{
	size_t r, n = rows(t);
	double mx = 0, v, cw = 34, rh = 20, lw = 96, top = 40, x, y, w;
	char lab[256], h[96];
	int c, nc = t->ncols - t->val;

	if (n == 0 || nc <= 0)
		return;
	for (c = t->scale; c < t->ncols; c++)
		for (r = 0; r < n; r++)
			mx = fmax(mx, num(t, r, c));
	for (c = t->val; c < t->ncols; c++) {
		human(t->cols[c], h, sizeof h);
		cw = fmax(cw, width(t->pct ? t->cols[c] + 1 : h) + 8);
	}
	for (r = 0; r < n; r++)
		lw = fmax(lw, fmin(width(at(t, r, 0) != NULL ? at(t, r, 0) :
		    ""), 160) + 12);
	w = lw + nc * cw + 8;
	svg_open(fp, (int)ceil(w), top + n * rh + 8, t->title);
	text(fp, "tick axis-title", 4, 12, NULL, t->axis);
	for (c = t->val; c < t->ncols; c++) {
		human(t->cols[c], h, sizeof h);
		/* Cohorts' columns m0, m1...: the periods since, as numbers. */
		text(fp, "tick", lw + (c - t->val) * cw + cw / 2, top - 8,
		    "middle", t->pct ? t->cols[c] + 1 : h);
	}
	for (r = 0; r < n; r++) {
		y = top + r * rh;
		fit(at(t, r, 0) != NULL ? at(t, r, 0) : "", lw - 12, lab,
		    sizeof lab);
		text(fp, "label", lw - 6, y + 14, "end", lab);
		for (c = t->val; c < t->ncols; c++) {
			if (at(t, r, c) == NULL)
				continue;
			x = lw + (c - t->val) * cw;
			v = mx > 0 ? fmin(num(t, r, c) / mx, 1) : 0;
			/* No title: the value is in the cell, all in the
			 * table. */
			fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" "
			    "width=\"%.0f\" height=\"%.0f\" "
			    "fill=\"rgb(%d,%d,%d)\"/>\n", x, y, cw - 2, rh - 2,
			    (int)(240 - 232 * v), (int)(246 - 198 * v),
			    (int)(252 - 145 * v));
			/* The value in the cell, white on the dark ones. */
			if (t->pct)
				snprintf(lab, sizeof lab, "%ld",
				    lround(num(t, r, c) * 100));
			else
				compact(num(t, r, c), U_NUM, 0, lab,
				    sizeof lab);
			fprintf(fp, "<text class=\"cell%s\" x=\"%.0f\" "
			    "y=\"%.0f\">", v > 0.5 ? " dark" : "", x + cw / 2 -
			    1, y + 13);
			esc(fp, lab);
			fputs("</text>\n", fp);
		}
	}
	fputs("</svg>\n", fp);
}

/*
 * One table, folded: human headers, units, separators, percentages (the
 * header says "(%)"; a name-value table says it in the cell).  Numbers
 * are right-aligned by the table's class nK when every column from K on
 * is one (a class per cell otherwise): the bytes of a long table.
 */
static void
table(FILE *fp, const struct crm_tab *t)
{
	const struct crm_page *pg = t->page;
	enum unit *u;
	size_t r, i;
	int c, k, kv = t->ncols == 2 && strcmp(t->cols[0], "name") == 0;
	char h[128], buf[96];

	if ((u = calloc(t->ncols, sizeof *u)) == NULL)
		return;
	for (c = 0; c < t->ncols; c++)
		u[c] = unit_of(t, c);
	for (k = t->ncols; k > 0 && t->num[k - 1]; k--)
		;
	for (c = 0; c < k; c++)
		if (t->num[c])
			k = -1;
	if (k >= 0 && k <= 4)
		fprintf(fp, "<details><summary>Table (%zu row%s)</summary>\n"
		    "<div class=\"scroll\"><table class=\"n%d\">\n<thead><tr>",
		    rows(t), rows(t) == 1 ? "" : "s", k);
	else
		fprintf(fp, "<details><summary>Table (%zu row%s)</summary>\n"
		    "<div class=\"scroll\"><table>\n<thead><tr>", rows(t),
		    rows(t) == 1 ? "" : "s");
	for (c = 0; c < t->ncols; c++) {
		if (kv)
			snprintf(h, sizeof h, "%s", c == 0 ? "" : "Value");
		else
			axis_title(pg, t->cols[c], u[c], h, sizeof h);
		fputs(u[c] != U_TEXT && (k < 0 || k > 4) ? "<th class=\"n\">" :
		    "<th>", fp);
		esc(fp, h);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (r = 0; r < rows(t); r++) {
		fputs("<tr>", fp);
		for (c = 0; c < t->ncols; c++) {
			i = r * t->ncols + c;
			fputs(t->num[c] && (k < 0 || k > 4) ?
			    "<td class=\"n\">" : "<td>", fp);
			if (t->cells[i] == NULL)
				fputs(c == 0 && t->none[0] != '\0' ? t->none :
				    "", fp);
			else if (kv && c == 0) {
				human(t->cells[i], h, sizeof h);
				esc(fp, h);
			} else if (t->share != NULL && t->share[i]) {
				show(atof(t->cells[i]), kv ? U_SHARE : U_NUM,
				    0, buf, sizeof buf);
				if (!kv)
					snprintf(buf, sizeof buf, "%.1f",
					    atof(t->cells[i]) * 100);
				esc(fp, buf);
			} else if (t->money[i] || t->num[c]) {
				group(t->cells[i], buf, sizeof buf);
				if (t->money[i] && kv && pg->currency[0])
					fprintf(fp, "%s\u00a0", pg->currency);
				esc(fp, buf);
			} else
				esc(fp, t->cells[i]);
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table></div>\n</details>\n", fp);
	free(u);
}

/* A tile's figure, into buf; "–" when unknown. */
static void
tile_value(const struct crm_page *pg, const struct crm_tile *tl, int k,
    char *buf, size_t n)
{
	char raw[64], g[128];

	if (!tl->has[k]) {
		snprintf(buf, n, "\u2013");
		return;
	}
	switch (tl->kind) {
	case CRM_TILE_MONEY:
		crm_money_fmt((int64_t)llround(tl->v[k]), pg->decimals, raw,
		    sizeof raw);
		group(raw, g, sizeof g);
		snprintf(buf, n, "%s%s%s", pg->currency, pg->currency[0] !=
		    '\0' ? "\u00a0" : "", g);
		break;
	case CRM_TILE_SHARE:
		show(tl->v[k], U_SHARE, 0, buf, n);
		break;
	case CRM_TILE_SCORE:
		snprintf(buf, n, "%.*f", fabs(tl->v[k]) >= 10 ? 1 : 2,
		    tl->v[k]);
		break;
	default:
		show(tl->v[k], U_NUM, 0, buf, n);
	}
}

/* The change: percent for counts and money, points for the rest. */
static void
tile_change(const struct crm_tile *tl, char *buf, size_t n)
{
	double d = tl->v[0] - tl->v[1];
	const char *arrow = d > 0 ? "\u25b2\u00a0+" : d < 0 ? "\u25bc\u00a0" :
	    "\u25b6\u00a0";

	/* Up from nothing: no percentage. */
	if (tl->has[0] && tl->has[1] && tl->v[1] == 0 && d != 0 &&
	    (tl->kind == CRM_TILE_COUNT || tl->kind == CRM_TILE_MONEY)) {
		snprintf(buf, n, "%sfrom 0", d > 0 ? "\u25b2\u00a0up " :
		    "\u25bc\u00a0down ");
		return;
	}

	if (!tl->has[0] || !tl->has[1])
		snprintf(buf, n, "no figure to compare");
	else if (d == 0)
		snprintf(buf, n, "%sno change", arrow);
	else if (tl->kind == CRM_TILE_SHARE)
		snprintf(buf, n, "%s%.1f\u00a0pts", arrow, d * 100);
	else if (tl->kind == CRM_TILE_SCORE)
		snprintf(buf, n, "%s%.*f\u00a0pts", arrow, fabs(tl->v[0]) >= 10
		    ? 1 : 2, d);
	else if (tl->v[1] == 0)
		snprintf(buf, n, "%s0\u00a0%%", arrow);
	else
		snprintf(buf, n, "%s%.1f\u00a0%%", arrow, 100 * d /
		    fabs(tl->v[1]));
}

static void
tiles(const struct crm_page *pg, FILE *fp, int64_t asof)
{
	const struct crm_tile *tl;
	char before[32], from[32], v[160], was[160], d[64];
	int i;

	if (pg->ntiles == 0)
		return;
	crm_date_fmt(asof - (int64_t)llround(pg->window * 86400), before,
	    sizeof before);
	crm_date_fmt(asof - (int64_t)llround(2 * pg->window * 86400) + 86400,
	    from, sizeof from);
	fprintf(fp, "<section class=\"tiles\" aria-label=\"Headline "
	    "figures\">\n");
	for (i = 0; i < pg->ntiles; i++) {
		tl = &pg->tiles[i];
		tile_value(pg, tl, 0, v, sizeof v);
		tile_value(pg, tl, 1, was, sizeof was);
		tile_change(tl, d, sizeof d);
		fputs("<div class=\"tile\"><h3>", fp);
		esc(fp, tl->label);
		fputs("</h3><p class=\"v\">", fp);
		esc(fp, v);
		fputs("</p><p class=\"d\">", fp);
		esc(fp, d);
		fputs(" <span>vs ", fp);
		esc(fp, was);
		if (tl->flow)
			fprintf(fp, " in the %g days to %s", pg->window,
			    before);
		else
			fprintf(fp, " on %s", before);
		fputs("</span></p></div>\n", fp);
	}
	fprintf(fp, "</section>\n<p class=\"note\">Each figure against the "
	    "previous %g days (--window): as of %s, or over %s to %s.</p>\n",
	    pg->window, before, from, before);
}

static const char css[] =
    "*{box-sizing:border-box}\n"
    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;"
    "max-width:72em;padding:.8em;color:#1a1a1a}\n"
    "h1,h2,h3,p,th,td,summary,a,code{overflow-wrap:anywhere}\n"
    "h1{font-size:1.5em;margin:.2em 0}\n"
    "h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:2px solid "
    "#bbb}\n"
    "h3{font-size:1em;margin:1.2em 0 .2em}\n"
    ".sub,.note{color:#555;font-size:.9em;margin:.2em 0}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(10em,1fr));gap:.6em;margin:1em 0 .3em}\n"
    ".tile{border:1px solid #bbb;border-radius:6px;padding:.4em .6em;"
    "min-width:0}.tile p,.tile h3{overflow-wrap:break-word}\n"
    ".tile h3{margin:0;font-size:.85em;font-weight:normal;color:#444}\n"
    ".tile .v{font-size:1.35em;font-weight:600;margin:.1em 0}\n"
    ".tile .d{font-size:.8em;margin:0;color:#444}\n"
    ".tile .d span{display:block;color:#666}\n"
    "nav{display:flex;flex-wrap:wrap;gap:.2em 1em;margin:1em 0}\n"
    "svg.chart{display:block;width:100%;height:auto;margin:.4em 0}\n"
    "svg text{fill:#1a1a1a;font-size:12px}\n"
    "svg .tick,svg .legend{fill:#444}svg .cell.dark{fill:#fff}\n"
    "svg .cell{font-size:10px;text-anchor:middle}\n"
    "svg .grid{stroke:#e2e2e2}svg .axis{stroke:#555}\n"
    /* Okabe and Ito: blue and orange, apart for colour-blind readers. */
    "svg .s0{fill:#0072b2}svg .s1{fill:#e69f00}\n"
    "details{margin:.2em 0 1em}summary{cursor:pointer;color:#0a4f80}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;margin:.3em 0;font-size:.9em}\n"
    "th,td{padding:.2em .6em;border-bottom:1px solid #e6e6e6;"
    "text-align:left;vertical-align:top}\n"
    "th.n,td.n,.n0 :is(td,th),.n1 :is(td,th):nth-child(n+2),"
    ".n2 :is(td,th):nth-child(n+3),.n3 :is(td,th):nth-child(n+4),"
    ".n4 :is(td,th):nth-child(n+5){text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "@media print{nav,details{display:none}body{max-width:none;"
    "font-size:11pt}section.report{break-before:page}"
    "svg.chart{break-inside:avoid}}\n";

/* Tables of the same report in one section. */
static void
report(FILE *fp, const struct crm_tab *t, const struct crm_tab *end)
{
	char h[96];

	human(t->report, h, sizeof h);
	fprintf(fp, "<section class=\"report\" id=\"r-%s\">\n<h2>", t->report);
	esc(fp, h);
	fputs("</h2>\n", fp);
	for (; t != end; t = t->next) {
		fputs("<div class=\"tab\">\n<h3>", fp);
		esc(fp, t->title);
		fputs("</h3>\n", fp);
		if (t->note[0] != '\0') {
			fputs("<p class=\"note\">", fp);
			esc(fp, t->note);
			fputs("</p>\n", fp);
		}
		if (rows(t) == 0)
			fputs("<p class=\"note\">Nothing to show.</p>\n", fp);
		else if (t->chart == CRM_CH_BAR)
			svg_bars(fp, t);
		else if (t->chart == CRM_CH_COLUMNS)
			svg_columns(fp, t);
		else if (t->chart == CRM_CH_HEAT)
			svg_heat(fp, t);
		if (rows(t) > 0)
			table(fp, t);
		fputs("</div>\n", fp);
	}
	fputs("</section>\n", fp);
}

void
crm_html_write(const struct crm_page *pg, FILE *fp, int64_t asof)
{
	const struct crm_tab *t, *e;
	const char *base, *where;
	char day[32], h[96];

	crm_date_fmt(asof, day, sizeof day);
	base = pg->store != NULL ? strrchr(pg->store, '/') : NULL;
	base = base != NULL ? base + 1 : pg->store != NULL ? pg->store : "";
	/* A selection may name a person: a page that travels does not. */
	where = pg->where != NULL && pg->redact ? "a selection (not shown: "
	    "--redact)" : pg->where;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	    "\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\">\n<title>crm report: ", fp);
	esc(fp, base);
	fprintf(fp, ", %s", day);
	if (where != NULL) {
		fputs(", ", fp);
		esc(fp, where);
	}
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>"
	    "<h1>Customer report, %s", css, day);
	if (where != NULL) {
		fputs(": <code>", fp);
		esc(fp, where);
		fputs("</code>", fp);
	}
	fputs("</h1>\n<p class=\"sub\">", fp);
	fputs(where != NULL ? "Only the customers that -w selects" :
	    "All customers", fp);
	fprintf(fp, ", as of the end of %s; store <code>", day);
	esc(fp, pg->store);
	fputs("</code>.</p>\n", fp);
	if (pg->note[0] != '\0') {
		fputs("<p class=\"note\">", fp);
		esc(fp, pg->note);
		fputs("</p>\n", fp);
	}
	fputs("</header>\n", fp);
	tiles(pg, fp, asof);
	fputs("<nav>", fp);
	for (t = pg->tabs; t != NULL; t = e) {
		for (e = t->next; e != NULL && strcmp(e->report,
		    t->report) == 0; e = e->next)
			;
		human(t->report, h, sizeof h);
		fprintf(fp, "<a href=\"#r-%s\">", t->report);
		esc(fp, h);
		fputs("</a>", fp);
	}
	fputs("</nav>\n", fp);
	for (t = pg->tabs; t != NULL; t = e) {
		for (e = t->next; e != NULL && strcmp(e->report,
		    t->report) == 0; e = e->next)
			;
		report(fp, t, e);
	}
	fprintf(fp, "<p class=\"note\">Made by crm-report %s.</p>\n</body>\n"
	    "</html>\n", CRM_VERSION);
}
