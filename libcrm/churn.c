/*
 * churn.c: per-customer summaries for the models, fits stored in the
 * store, and the SQL function crm_palive that scores them.
 *
 * A summary follows the papers: x is the number of repeat purchase days
 * (a customer's purchases on one day are one transaction), t_x the time of
 * the last purchase and T the time to the --asof day, both from the first
 * purchase day, in whole days (divided by 7 in weeks); m_x is the mean
 * value of the repeat transactions, the first excluded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

/*
 * The summaries from the history up to now, in one pass over each
 * customer's purchases in time order (the (customer, ts) index; the
 * amounts only when the repeat value is wanted).
 */
static int
summary_hist(struct crm_store *st, int repeat)
{
	const struct crm_cli *cli = crm_store_cli(st);
	sqlite3_stmt *s = NULL, *ins = NULL;
	int64_t today = cli->now / 86400, cur = 0, first = 0, last = 0;
	int64_t x = 0, rep = 0, day;
	int rc, step, more;

	if ((rc = crm_prepare(st, repeat ? "SELECT customer, ts, amount FROM "
	    "purchase WHERE ts <= ? ORDER BY customer, ts" : "SELECT customer, "
	    "ts FROM purchase WHERE ts <= ? ORDER BY customer, ts", &s)) !=
	    CRM_EX_OK || (rc = crm_prepare(st, "INSERT INTO temp.summ VALUES "
	    "(?, ?, ?, ?, ?)", &ins)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, cli->now);
	do {
		more = (step = sqlite3_step(s)) == SQLITE_ROW;
		if (more && sqlite3_column_int64(s, 0) == cur) {
			day = sqlite3_column_int64(s, 1) / 86400;
			if (day != last)
				x++;
			last = day;
			/* Bounded by the customer's revenue check. */
			if (repeat && day != first &&
			    __builtin_add_overflow(rep,
			    sqlite3_column_int64(s, 2), &rep)) {
				rc = crm_err(CRM_EX_DATAERR, NULL, "customer "
				    "%lld: repeat purchases add up beyond the "
				    "range of money", (long long)cur);
				goto out;
			}
			continue;
		}
		/* The customer before is complete. */
		if (cur != 0) {
			sqlite3_bind_int64(ins, 1, cur);
			sqlite3_bind_int64(ins, 2, x);
			sqlite3_bind_int64(ins, 3, last - first);
			sqlite3_bind_int64(ins, 4, today - first);
			if (repeat)
				sqlite3_bind_int64(ins, 5, rep);
			else
				sqlite3_bind_null(ins, 5);
			if ((rc = crm_step(st, ins)) != CRM_EX_OK)
				goto out;
		}
		if (more) {
			cur = sqlite3_column_int64(s, 0);
			first = last = sqlite3_column_int64(s, 1) / 86400;
			x = rep = 0;
		}
	} while (more);
	rc = step == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, step);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(s);
	return rc;
}

int
crm_summary(struct crm_store *st, int repeat)
{
	const struct crm_cli *cli = crm_store_cli(st);
	sqlite3_stmt *s = NULL;
	int rc, hist;

	if ((rc = crm_exec(st, "CREATE TEMP TABLE IF NOT EXISTS summ (customer "
	    "INTEGER PRIMARY KEY, x INTEGER, tx INTEGER, T INTEGER, repeat "
	    "INTEGER); DELETE FROM temp.summ")) != CRM_EX_OK ||
	    (rc = crm_stats_historic(st, &hist)) != CRM_EX_OK)
		return rc;
	if (hist)
		return summary_hist(st, repeat);
	/*
	 * Without --asof before the newest history, the stored statistics
	 * hold x, t_x and T, and the repeat value is the revenue less the
	 * first day's.  A purchase dated tomorrow (east of UTC) ends T: t_x
	 * <= T always.
	 */
	if ((rc = crm_prepare(st, repeat ? "INSERT INTO temp.summ SELECT "
	    "customer, days - 1, last_purchase / 86400 - first_purchase / "
	    "86400, max(?1, last_purchase) / 86400 - first_purchase / 86400, "
	    "revenue - first_day_revenue FROM stats WHERE days > 0" :
	    "INSERT INTO temp.summ SELECT customer, days - 1, last_purchase / "
	    "86400 - first_purchase / 86400, max(?1, last_purchase) / 86400 - "
	    "first_purchase / 86400, NULL FROM stats WHERE days > 0", &s)) !=
	    CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, cli->now);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc;
}

/* 10^decimals: the store's money in currency units. */
static double
moneyunit(struct crm_store *st, int64_t *iunit)
{
	int64_t u = 1;
	int d = crm_store_decimals(st);

	while (d-- > 0)
		u *= 10;
	if (iunit != NULL)
		*iunit = u;
	return (double)u;
}

double
crm_unit_conv(double v, int from, int to)
{
	return from == to ? v : v * from / to;
}

int
crm_summary_print(struct crm_store *st, int byref)
{
	sqlite3_stmt *s = NULL;
	int64_t bad = 0, x;
	double unit = moneyunit(st, NULL);
	char mx[CRM_G17_SIZE];
	int rc, quiet = crm_store_cli(st)->quiet;

	if ((rc = crm_summary(st, 1)) != CRM_EX_OK)
		return rc;
	/*
	 * Every key must be there, and fit in a field, before a line is
	 * printed.
	 */
	if (byref && (rc = crm_query_int(st, &bad, "SELECT coalesce(min("
	    "s.customer), 0) FROM temp.summ AS s JOIN customer AS c ON c.id = "
	    "s.customer WHERE c.ref IS NULL OR c.ref = ''", 0)) != CRM_EX_OK)
		return rc;
	if (bad != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "customer %lld has no "
		    "ref: --key ref needs one for every customer with a "
		    "purchase", (long long)bad);
	if (byref && (rc = crm_query_int(st, &bad, "SELECT coalesce(min("
	    "s.customer), 0) FROM temp.summ AS s JOIN customer AS c ON c.id = "
	    "s.customer WHERE instr(c.ref, char(9)) OR instr(c.ref, char(10)) "
	    "OR instr(c.ref, char(13))", 0)) != CRM_EX_OK)
		return rc;
	if (bad != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "customer %lld: a ref "
		    "with a tab or line break cannot key a summary line",
		    (long long)bad);
	if ((rc = crm_prepare(st, "SELECT s.customer, c.ref, s.x, s.tx, s.T, "
	    "s.repeat FROM temp.summ AS s JOIN customer AS c ON c.id = "
	    "s.customer ORDER BY s.customer", &s)) != CRM_EX_OK)
		return rc;
	/* -q: checked and computed, not printed. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && !quiet) {
		x = sqlite3_column_int64(s, 2);
		if (byref)
			printf("%s", (const char *)sqlite3_column_text(s, 1));
		else
			printf("%lld", (long long)sqlite3_column_int64(s, 0));
		crm_g17(mx, crm_summary_mx(sqlite3_column_int64(s, 5), x,
		    unit));
		printf("\t%lld\t%lld\t%lld\t%s\tday\n", (long long)x,
		    (long long)sqlite3_column_int64(s, 3),
		    (long long)sqlite3_column_int64(s, 4), mx);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? CRM_EX_OK :
	    crm_sqlerr(st, rc);
}

double
crm_summary_mx(int64_t repeat, int64_t x, double unit)
{
	return x > 0 ? repeat / unit / (double)x : 0.0;
}

static int
cmp3(const void *a, const void *b)
{
	const int64_t *p = a, *q = b;
	int i;

	for (i = 0; i < 3; i++)
		if (p[i] != q[i])
			return (p[i] > q[i]) - (p[i] < q[i]);
	return 0;
}

/* The bits v needs, v >= 0. */
static int
width(int64_t v)
{
	int w = 0;

	while (v > 0)
		w++, v >>= 1;
	return w;
}

/*
 * Sort m rows of four (each with a count of 1) by their first three: as
 * one 64-bit key each, packed as tight as the largest values allow, by a
 * radix sort, 16 bits a pass, passes where every key has the same digit
 * skipped (a million customers' counts take two passes); by qsort when a
 * value is negative or the three do not fit in 64 bits.
 */
static int
sort_rows(int64_t *v, size_t m)
{
	uint64_t *key, *tmp, *sw, lo = UINT64_MAX, hi = 0, mask1, mask2;
	size_t i, *cnt, sum, c;
	int64_t top[3] = { 0, 0, 0 };
	int b, k, w1, w2;

	for (i = 0; i < m; i++)
		for (k = 0; k < 3; k++) {
			if (v[4 * i + k] < 0) {
				qsort(v, m, 4 * sizeof *v, cmp3);
				return CRM_EX_OK;
			}
			top[k] |= v[4 * i + k];
		}
	w1 = width(top[1]);
	w2 = width(top[2]);
	if (width(top[0]) + w1 + w2 > 64) {
		if (m > 0)
			qsort(v, m, 4 * sizeof *v, cmp3);
		return CRM_EX_OK;
	}
	mask1 = w1 == 0 ? 0 : UINT64_MAX >> (64 - w1);
	mask2 = w2 == 0 ? 0 : UINT64_MAX >> (64 - w2);
	key = malloc((m + 1) * sizeof *key);
	tmp = malloc((m + 1) * sizeof *tmp);
	cnt = malloc(65536 * sizeof *cnt);
	if (key == NULL || tmp == NULL || cnt == NULL) {
		free(key);
		free(tmp);
		free(cnt);
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	}
	for (i = 0; i < m; i++) {
		/* Shifts of 64 are undefined: in two steps. */
		key[i] = ((uint64_t)v[4 * i] << w1 << w2) | ((uint64_t)v[4 *
		    i + 1] << w2) | (uint64_t)v[4 * i + 2];
		lo &= key[i];
		hi |= key[i];
	}
	for (b = 0; b < 64; b += 16) {
		/* Every key has this digit (and = or): nothing to move. */
		if ((lo >> b & 0xffff) == (hi >> b & 0xffff))
			continue;
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (i = 0; i < m; i++)
			cnt[key[i] >> b & 0xffff]++;
		for (sum = 0, c = 0; c < 65536; c++) {
			size_t n = cnt[c];

			cnt[c] = sum;
			sum += n;
		}
		for (i = 0; i < m; i++)
			tmp[cnt[key[i] >> b & 0xffff]++] = key[i];
		sw = key, key = tmp, tmp = sw;
	}
	for (i = 0; i < m; i++) {
		v[4 * i] = (int64_t)(key[i] >> w2 >> w1);
		v[4 * i + 1] = (int64_t)(key[i] >> w2 & mask1);
		v[4 * i + 2] = (int64_t)(key[i] & mask2);
	}
	free(key);
	free(tmp);
	free(cnt);
	return CRM_EX_OK;
}

/*
 * The counts, as rows of four in *c: for the purchase models x, t_x, T in
 * whole days and their number of customers; for Gamma-Gamma (gg) x, the
 * mean repeat spend rounded to the store's decimals (in its smallest
 * units: (2 repeat + x) div 2x, a half up) of the customers with a repeat
 * spend above 0, 0 and their number.  In numeric order; with sample
 * above 0 and more customers than it, of the customers at places 0, k,
 * 2k ... in id order, k = ceil(customers / sample).  From temp.summ when
 * summ is set (crm_summary made it), else straight from the statistics
 * when the history up to now is all there is (no temp.summ at all), or
 * from crm_summary's.  *all: the customers counted (before a sample);
 * *any: the customers with a purchase.  Sorted and run together here: a
 * million customers take a tenth of what SQLite's GROUP BY takes.
 */
static int
count_rows(struct crm_store *st, int gg, int64_t sample, int summ,
    int64_t **c, size_t *n, int64_t *all, int64_t *any)
{
	const struct crm_cli *cli = crm_store_cli(st);
	sqlite3_stmt *s = NULL;
	int64_t *v = NULL, i = 0, k = 1, x, rep = 0;
	size_t m = 0, cap = 0, j, o;
	int rc, hist = 1;

	*c = NULL;
	*n = 0;
	*all = *any = 0;
	if (!summ && (rc = crm_stats_historic(st, &hist)) != CRM_EX_OK)
		return rc;
	if (!summ && hist && (rc = crm_summary(st, gg)) != CRM_EX_OK)
		return rc;
	if (summ || hist)
		rc = crm_prepare(st, "SELECT x, tx, T, repeat FROM temp.summ "
		    "ORDER BY customer", &s);
	else if (gg)	/* the columns it needs: half the time */
		rc = crm_prepare(st, "SELECT days - 1, 0, 0, revenue - "
		    "first_day_revenue FROM stats WHERE days > 0 ORDER BY "
		    "customer", &s);
	else
		rc = crm_prepare(st, "SELECT days - 1, last_purchase / 86400 - "
		    "first_purchase / 86400, max(?1, last_purchase) / 86400 - "
		    "first_purchase / 86400, NULL FROM stats WHERE days > 0 "
		    "ORDER BY customer", &s);
	if (rc != CRM_EX_OK)
		return rc;
	if (!summ && !hist && !gg)
		sqlite3_bind_int64(s, 1, cli->now);
	if (!gg && sample > 0) {
		if ((rc = crm_query_int(st, all, summ || hist ? "SELECT "
		    "count(*) FROM temp.summ" : "SELECT count(*) FROM stats "
		    "WHERE days > 0", 0)) != CRM_EX_OK)
			goto out;
		if (*all > sample)
			k = (*all + sample - 1) / sample;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		++*any;
		x = sqlite3_column_int64(s, 0);
		if (gg) {
			rep = sqlite3_column_int64(s, 3);
			if (x <= 0 || rep <= 0 || sqlite3_column_type(s, 3) ==
			    SQLITE_NULL)
				continue;
		} else if (i++ % k != 0)
			continue;
		if ((rc = crm_grow(&v, &cap, m, 4 * sizeof *v)) !=
		    CRM_EX_OK)
			goto out;
		v[4 * m] = x;
		if (gg) {
			v[4 * m + 1] = rep / x + (rep % x >= x - rep % x);
			v[4 * m + 2] = 0;
		} else {
			v[4 * m + 1] = sqlite3_column_int64(s, 1);
			v[4 * m + 2] = sqlite3_column_int64(s, 2);
		}
		v[4 * m + 3] = 1;
		m++;
	}
	if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(st, rc);
		goto out;
	}
	rc = CRM_EX_OK;
	if (gg || sample <= 0)
		*all = gg ? (int64_t)m : *any;
	if ((rc = sort_rows(v, m)) != CRM_EX_OK)
		goto out;
	for (o = 0, j = 0; j < m; j++) {
		if (o > 0 && cmp3(&v[4 * (o - 1)], &v[4 * j]) == 0) {
			v[4 * (o - 1) + 3]++;
			continue;
		}
		memmove(&v[4 * o], &v[4 * j], 4 * sizeof *v);
		o++;
	}
	*c = v;
	*n = o;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(s);
	return rc;
}

int
crm_counts_print(struct crm_store *st, int gg)
{
	int64_t *c = NULL, all, any;
	size_t n = 0, i;
	char m[64];
	int rc, d = crm_store_decimals(st);

	if ((rc = count_rows(st, gg, 0, 0, &c, &n, &all, &any)) !=
	    CRM_EX_OK)
		return rc;
	for (i = 0; i < n && !crm_store_cli(st)->quiet; i++) {
		if (gg) {
			crm_money_fmt(c[4 * i + 1], d, m, sizeof m);
			printf("%lld\t%s\t%lld\n", (long long)c[4 * i], m,
			    (long long)c[4 * i + 3]);
		} else
			printf("%lld\t%lld\t%lld\t%lld\n", (long long)c[4 * i],
			    (long long)c[4 * i + 1], (long long)c[4 * i + 2],
			    (long long)c[4 * i + 3]);
	}
	free(c);
	return CRM_EX_OK;
}

/* count_rows' rows as the fit's triples, times in units of scale days. */
static int
triples(struct crm_store *st, enum crm_model m, int scale, int64_t sample,
    int summ, struct crm_triple **tp, size_t *np, int64_t *all,
    int64_t *any)
{
	struct crm_triple *t = NULL;
	int64_t *c = NULL;
	size_t n = 0, i;
	double unit = moneyunit(st, NULL);
	int rc, gg = m == CRM_GG;

	*tp = NULL;
	*np = 0;
	if ((rc = count_rows(st, gg, sample, summ, &c, &n, all, any)) !=
	    CRM_EX_OK)
		return rc;
	if (n > 0 && (t = calloc(n, sizeof *t)) == NULL) {
		free(c);
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		t[i].x = (double)c[4 * i];
		if (gg) {
			t[i].tx = c[4 * i + 1] / unit;
			t[i].T = 0;
		} else {
			t[i].tx = (double)c[4 * i + 1] / scale;
			t[i].T = (double)c[4 * i + 2] / scale;
		}
		t[i].n = (double)c[4 * i + 3];
	}
	free(c);
	*tp = t;
	*np = n;
	return CRM_EX_OK;
}

int
crm_summary_triples(struct crm_store *st, enum crm_model m, int scale,
    int64_t sample, struct crm_triple **tp, size_t *np, int64_t *all)
{
	int64_t any;

	return triples(st, m, scale, sample, 1, tp, np, all, &any);
}

int
crm_counts_load(struct crm_store *st, enum crm_model m, int scale,
    int64_t sample, struct crm_triple **tp, size_t *np, int64_t *all,
    int64_t *any)
{
	return triples(st, m, scale, sample, 0, tp, np, all, any);
}

/* A field that is a number: whole (>= 0) when whole is set. */
static int
field_num(const char *f, const struct crm_loc *at, const char *name,
    int whole, double *v)
{
	struct crm_loc here = *at;
	char *end;

	/* Up to 15 digits: the whole number, as strtod gives it, faster. */
	for (*v = 0, end = (char *)f; *end >= '0' && *end <= '9' &&
	    end - f < 15; end++)
		*v = *v * 10 + (*end - '0');
	if (*end == '\0' && end > f)
		return CRM_EX_OK;
	here.field = name;
	errno = 0;
	*v = strtod(f, &end);
	if (end == f || *end != '\0' || errno != 0 || !isfinite(*v) || *v < 0)
		return crm_err(CRM_EX_DATAERR, &here, "\"%s\" is not a number "
		    "of at least 0", f);
	if (whole && *v != floor(*v))
		return crm_err(CRM_EX_DATAERR, &here, "\"%s\" is not a whole "
		    "number", f);
	/* Above 2^53 a double no longer holds every whole number. */
	if (whole && *v > 9007199254740992.0)
		return crm_err(CRM_EX_DATAERR, &here, "\"%s\" is too large: "
		    "at most 2^53 (9007199254740992)", f);
	return CRM_EX_OK;
}

/* Split line at tabs into at most max fields; the number of them. */
static int
split(char *line, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = line;
		while (*line != '\t' && *line != '\0')
			line++;
		if (*line == '\0')
			return n;
		*line++ = '\0';
	}
}

/* The next line that is not blank, without its end; 0, or -1 at the end. */
static int
nextline(FILE *fp, char **line, size_t *cap, struct crm_loc *at)
{
	ssize_t len;
	char *cr;

	do {
		if ((len = getline(line, cap, fp)) == -1)
			return -1;
		at->line++;
		/* The line ends at its first CR or LF (LF only at the end). */
		if (len > 0 && (*line)[len - 1] == '\n')
			len--;
		if ((cr = memchr(*line, '\r', (size_t)len)) != NULL)
			len = cr - *line;
		(*line)[len] = '\0';
	} while (**line == '\0');
	return 0;
}

static int
cmp_triple(const void *a, const void *b)
{
	const struct crm_triple *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->tx != q->tx)
		return p->tx < q->tx ? -1 : 1;
	return (p->T > q->T) - (p->T < q->T);
}

int
crm_counts_file(const char *path, enum crm_model m, int scale,
    struct crm_triple **t, size_t *n)
{
	FILE *fp = stdin;
	int rc;

	if (strcmp(path, "-") != 0 && (fp = fopen(path, "r")) == NULL)
		return crm_err(errno == ENOENT ? CRM_EX_NOINPUT : CRM_EX_IOERR,
		    NULL, "%s:", path);
	rc = crm_counts_read(fp, fp == stdin ? "stdin" : path, m, scale, t,
	    n);
	if (fp != stdin)
		fclose(fp);
	if (rc == CRM_EX_OK && *n == 0)
		rc = crm_err(CRM_EX_NONE, NULL, "no counts: nothing to fit");
	return rc;
}

int
crm_counts_read(FILE *fp, const char *name, enum crm_model m, int scale,
    struct crm_triple **tp, size_t *np)
{
	struct crm_loc at = { name, 0, NULL };
	struct crm_triple *t = NULL;
	char *line = NULL, *f[5];
	size_t n = 0, cap = 0, lcap = 0, i, k;
	int gg = m == CRM_GG, nv = gg ? 3 : 4, rc = CRM_EX_OK, j;
	static const char *const pn[] = { "x", "t_x", "T", "n" };
	static const char *const gn[] = { "x", "m_x", "n" };
	double v[4];

	while (nextline(fp, &line, &lcap, &at) == 0) {
		at.field = NULL;
		if ((j = split(line, f, 4)) != nv) {
			/* The first field missing, or one too many. */
			at.field = j < nv ? (gg ? gn : pn)[j] : NULL;
			rc = crm_err(CRM_EX_DATAERR, &at, "%s %d field%s, "
			    "expected the %d of %s", j < nv ? "missing:" :
			    "more than", j < nv ? j : nv, j == 1 ? "" : "s",
			    nv, gg ? "x, m_x, n" : "x, t_x, T, n");
			goto out;
		}
		for (j = 0; j < nv; j++)
			if ((rc = field_num(f[j], &at, gg ? gn[j] : pn[j],
			    !(gg && j == 1), &v[j])) != CRM_EX_OK)
				goto out;
		at.field = gg ? "m_x" : "t_x";
		if (gg ? v[0] < 1 || v[1] <= 0 : v[1] > v[2]) {
			rc = crm_err(CRM_EX_DATAERR, &at, gg ? "a repeat "
			    "customer has x of at least 1 and m_x above 0" :
			    "t_x is at most T");
			goto out;
		}
		if (!gg && v[0] == 0 && v[1] != 0) {
			rc = crm_err(CRM_EX_DATAERR, &at, "%s is not 0 with x "
			    "0: with no repeat purchase t_x is 0", f[1]);
			goto out;
		}
		at.field = "n";
		if (v[nv - 1] < 1) {
			rc = crm_err(CRM_EX_DATAERR, &at, "at least 1");
			goto out;
		}
		if ((rc = crm_grow(&t, &cap, n, sizeof *t)) != CRM_EX_OK)
			goto out;
		t[n].x = v[0];
		t[n].tx = v[1];
		t[n].T = gg ? 0 : v[2];
		t[n].n = v[nv - 1];
		n++;
	}
	if (ferror(fp)) {
		rc = crm_err(CRM_EX_IOERR, NULL, "%s:", name);
		goto out;
	}
	/* Shards' counts add up by key; the order is numeric (and mostly
	 * given: --counts prints it). */
	for (i = 1; i < n; i++)
		if (cmp_triple(&t[i - 1], &t[i]) > 0) {
			qsort(t, n, sizeof *t, cmp_triple);
			break;
		}
	for (i = k = 0; i < n; i++) {
		if (k > 0 && cmp_triple(&t[k - 1], &t[i]) == 0)
			t[k - 1].n += t[i].n;
		else
			t[k++] = t[i];
	}
	n = k;
	for (i = 0; !gg && i < n; i++) {
		t[i].tx /= scale;
		t[i].T /= scale;
	}
	*tp = t;
	*np = n;
	t = NULL;
out:
	free(line);
	free(t);
	return rc;
}

int
crm_summary_read(FILE *fp, char **line, size_t *cap, struct crm_loc *at,
    int scale, struct crm_summ *sm)
{
	static const char *const names[] = { "x", "t_x", "T", "m_x" };
	double v[4];
	char *f[6];
	int i, nf;

	at->field = NULL;
	if (nextline(fp, line, cap, at) != 0)
		return ferror(fp) ? crm_err(CRM_EX_IOERR, NULL, "%s:",
		    at->file) : CRM_EX_NONE;
	if ((nf = split(*line, f, 6)) < 4) {
		/* The first field missing. */
		at->field = (const char *[]){ "x", "t_x", "T" }[nf - 1];
		return crm_err(CRM_EX_DATAERR, at, "missing: %d field%s, "
		    "expected key, x, t_x, T, then perhaps m_x and the unit",
		    nf, nf == 1 ? "" : "s");
	}
	if (nf > 6)
		return crm_err(CRM_EX_DATAERR, at, "more than 6 fields, "
		    "expected key, x, t_x, T, then perhaps m_x and the unit");
	v[3] = 0;
	for (i = 0; i < nf - 1 && i < 4; i++)
		if (field_num(f[i + 1], at, names[i], i == 0, &v[i]) !=
		    CRM_EX_OK)
			return CRM_EX_DATAERR;
	if (v[1] > v[2]) {
		at->field = "t_x";
		return crm_err(CRM_EX_DATAERR, at, "t_x is at most T");
	}
	if (v[0] == 0 && v[1] != 0) {
		at->field = "t_x";
		return crm_err(CRM_EX_DATAERR, at, "%s is not 0 with x 0: with "
		    "no repeat purchase t_x is 0", f[2]);
	}
	sm->scale = scale;
	if (nf == 6 && crm_opt_unit(f[5], &sm->scale) != 0) {
		at->field = "unit";
		return crm_err(CRM_EX_DATAERR, at, "\"%s\" is neither day nor "
		    "week", f[5]);
	}
	sm->key = f[0];
	sm->x = v[0];
	sm->tx = v[1];
	sm->T = v[2];
	sm->mx = v[3];
	return CRM_EX_OK;
}

void
crm_fit_print(FILE *fp, const struct crm_fit *f)
{
	const struct crm_model_info *mi = crm_model_info(f->model);
	char day[32], a[CRM_G17_SIZE], b[CRM_G17_SIZE];
	int i;

	/* Every number as %.17g prints it, by crm_g17: it reads back. */
	crm_date_fmt(f->asof, day, sizeof day);
	fprintf(fp, "model\t%s\nunit\t%s\nasof\t%s\n", mi->name, f->scale ==
	    7 ? "week" : "day", day);
	for (i = 0; i < mi->np; i++) {
		crm_g17(a, f->p[i]);
		fprintf(fp, "%s\t%s", mi->param[i], a);
		if (isfinite(f->se[i])) {
			crm_g17(a, f->se[i]);
			fprintf(fp, "\t%s", a);
		}
		fputc('\n', fp);
	}
	crm_g17(a, f->ll);
	crm_g17(b, f->n);
	fprintf(fp, "loglik\t%s\nn\t%s\niterations\t%d\n", a, b, f->iter);
}

int
crm_fit_save(const char *path, const struct crm_fit *f)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		return crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	crm_fit_print(fp, f);
	if (fflush(fp) != 0 || ferror(fp)) {
		fclose(fp);
		return crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	}
	if (fclose(fp) != 0)
		return crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	return CRM_EX_OK;
}

/* A block is complete with its model, unit and every parameter. */
static int
block_done(struct crm_fit *f, unsigned seen, const struct crm_loc *at)
{
	const struct crm_model_info *mi = crm_model_info(f->model);
	int i;

	if (!(seen & 2))
		return crm_err(CRM_EX_DATAERR, at, "the %s block has no unit "
		    "line", mi->name);
	for (i = 0; i < mi->np; i++)
		if (!(seen & (8u << i)))
			return crm_err(CRM_EX_DATAERR, at, "the %s block has "
			    "no %s line", mi->name, mi->param[i]);
	return CRM_EX_OK;
}

int
crm_fit_file(const char *path, struct crm_fit **fits, size_t *nfits,
    size_t *cap)
{
	struct crm_loc at = { path, 0, NULL };
	struct crm_fit *f = NULL;
	const struct crm_model_info *mi;
	const char *why;
	char *line = NULL, *fl[4], *end;
	size_t lcap = 0;
	unsigned seen = 0, bit;
	int64_t t;
	double v;
	FILE *fp;
	int rc = CRM_EX_OK, nf, i;

	if ((fp = fopen(path, "r")) == NULL)
		return crm_err(errno == ENOENT ? CRM_EX_NOINPUT : CRM_EX_IOERR,
		    NULL, "%s:", path);
	while (nextline(fp, &line, &lcap, &at) == 0) {
		if (*line == '#')
			continue;
		nf = split(line, fl, 3);
		at.field = fl[0];
		if (strcmp(fl[0], "model") == 0) {
			if (f != NULL && (rc = block_done(f, seen, &at)) !=
			    CRM_EX_OK)
				goto out;
			if ((rc = crm_grow(fits, cap, *nfits, sizeof **fits)) !=
			    CRM_EX_OK)
				goto out;
			f = &(*fits)[(*nfits)++];
			memset(f, 0, sizeof *f);
			for (i = 0; i < 4; i++)
				f->p[i] = f->se[i] = NAN;
			f->ll = f->n = f->gnorm = NAN;
			seen = 1;
			if (nf != 2 || crm_model_parse(fl[1], &f->model) != 0) {
				rc = crm_err(CRM_EX_DATAERR, &at, "\"%s\" is "
				    "no model (bgnbd, pnbd, mbgnbd, gg)", nf >
				    1 ? fl[1] : "");
				goto out;
			}
			continue;
		}
		if (f == NULL) {
			rc = crm_err(CRM_EX_DATAERR, &at, "a model file begins "
			    "with a model line");
			goto out;
		}
		mi = crm_model_info(f->model);
		/* Every key once in a block: which of two would count? */
		bit = strcmp(fl[0], "unit") == 0 ? 2 : strcmp(fl[0], "asof") ==
		    0 ? 4 : strcmp(fl[0], "loglik") == 0 ? 1u << 7 :
		    strcmp(fl[0], "n") == 0 ? 1u << 8 : strcmp(fl[0],
		    "iterations") == 0 ? 1u << 9 : 0;
		for (i = 0; bit == 0 && i < mi->np; i++)
			if (strcmp(fl[0], mi->param[i]) == 0)
				bit = 8u << i;
		if (seen & bit) {
			rc = crm_err(CRM_EX_DATAERR, &at, "given twice");
			goto out;
		}
		if (nf < 2 || nf > 3) {
			rc = crm_err(CRM_EX_DATAERR, &at, "expected name, "
			    "value and perhaps a standard error");
			goto out;
		}
		if (strcmp(fl[0], "unit") == 0) {
			if (nf != 2 || crm_opt_unit(fl[1], &f->scale) != 0) {
				rc = crm_err(CRM_EX_DATAERR, &at, "\"%s\" is "
				    "neither day nor week", fl[1]);
				goto out;
			}
			seen |= 2;
			continue;
		}
		if (strcmp(fl[0], "asof") == 0) {
			if (nf != 2 || crm_date_parse(fl[1], 0, &t, &why) !=
			    0) {
				rc = crm_err(CRM_EX_DATAERR, &at, "\"%s\" is "
				    "not a date", fl[1]);
				goto out;
			}
			f->asof = crm_day_of(t) * 86400 + 86399;
			seen |= 4;
			continue;
		}
		errno = 0;
		v = strtod(fl[1], &end);
		if (*end != '\0' || errno == ERANGE || fl[1][0] == '\0') {
			rc = crm_err(CRM_EX_DATAERR, &at, "\"%s\" is not a "
			    "number", fl[1]);
			goto out;
		}
		for (i = 0; i < mi->np; i++)
			if (strcmp(fl[0], mi->param[i]) == 0)
				break;
		if (i < mi->np) {
			if (!(v > 0) || !isfinite(v)) {
				rc = crm_err(CRM_EX_DATAERR, &at, "a parameter "
				    "is a number above 0");
				goto out;
			}
			f->p[i] = v;
			if (nf == 3)
				f->se[i] = strtod(fl[2], &end);
			if (nf == 3 && (end == fl[2] || *end != '\0' ||
			    !(f->se[i] >= 0))) {
				rc = crm_err(CRM_EX_DATAERR, &at, "\"%s\" is "
				    "not a standard error", fl[2]);
				goto out;
			}
			seen |= 8u << i;
		} else if (strcmp(fl[0], "loglik") == 0 && nf == 2)
			f->ll = v, seen |= bit;
		else if (strcmp(fl[0], "n") == 0 && nf == 2)
			f->n = v, seen |= bit;
		else if (strcmp(fl[0], "iterations") == 0 && nf == 2)
			f->iter = (int)v, seen |= bit;
		else {
			rc = crm_err(CRM_EX_DATAERR, &at, "no such line in a "
			    "%s block", mi->name);
			goto out;
		}
	}
	at.field = NULL;
	if (ferror(fp))
		rc = crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	else if (f == NULL)
		rc = crm_err(CRM_EX_DATAERR, &at, "no model block");
	else
		rc = block_done(f, seen, &at);
out:
	free(line);
	fclose(fp);
	return rc;
}

int
crm_fit_pick(const struct crm_fitopts *op, enum crm_model m,
    struct crm_fit *f, struct crm_fit *g)
{
	struct crm_fit *fits = NULL;
	size_t n = 0, cap = 0, i;
	char list[64];
	int rc = CRM_EX_OK, k, hasf = 0, hasg = g == NULL;

	for (k = 0; k < op->nfiles; k++)
		if ((rc = crm_fit_file(op->files[k], &fits, &n, &cap)) !=
		    CRM_EX_OK)
			goto out;
	/* The last block of each wins: a later file overrides. */
	for (i = n; i-- > 0; ) {
		if (!hasg && fits[i].model == CRM_GG)
			*g = fits[i], hasg = 1;
		else if (!hasf && fits[i].model != CRM_GG && (op->model ==
		    NULL || fits[i].model == m))
			*f = fits[i], hasf = 1;
	}
	crm_model_list(list, sizeof list);
	if (!hasf)
		rc = crm_err(CRM_EX_DATAERR, NULL, "no %s block in the "
		    "--model-file files", op->model != NULL ?
		    crm_model_info(m)->name : list);
	else if (!hasg)
		rc = crm_err(CRM_EX_DATAERR, NULL, "no gg block in the "
		    "--model-file files");
out:
	free(fits);
	return rc;
}

const char *
crm_fitopts_conflict(const struct crm_fitopts *op)
{
	static const char *const name[] = { "--fit", "--summary", "--counts",
	    "--stdin", "--backtest" };
	static char buf[64];
	const int on[] = { op->fit, op->summary, op->counts, op->in,
	    op->backtest };
	int i, first = -1;

	for (i = 0; i < 5; i++) {
		if (!on[i])
			continue;
		if (first >= 0) {
			snprintf(buf, sizeof buf, "%s and %s exclude each "
			    "other", name[first], name[i]);
			return buf;
		}
		first = i;
	}
	if (op->byref && !op->summary)
		return "--key goes with --summary";
	if ((op->params != NULL || op->nfiles > 0) && !op->in)
		return "--params and --model-file go with --stdin";
	if (op->params != NULL && op->nfiles > 0)
		return "--params and --model-file exclude each other";
	if ((op->save != NULL || op->from != NULL) && !op->fit)
		return "--save and --from-counts go with --fit";
	return NULL;
}

int
crm_fit_store(struct crm_store *st, const struct crm_fit *f)
{
	sqlite3_stmt *s = NULL;
	int rc, i;

	/*
	 * The data may have changed since the fit read it: the fit is
	 * stored as of what it was computed from (asof, n), newest first.
	 */
	if ((rc = crm_store_begin(st, CRM_WRITE)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT INTO fit (model, unit, scale, asof, "
	    "p1, p2, p3, p4, loglik, n, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?)", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, crm_model_info(f->model)->name, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 2, f->scale == 7 ? "week" : "day", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(s, 3, f->scale);
	sqlite3_bind_int64(s, 4, f->asof);
	for (i = 0; i < 4; i++)
		if (i < crm_model_info(f->model)->np)
			sqlite3_bind_double(s, 5 + i, f->p[i]);
	sqlite3_bind_double(s, 9, f->ll);
	sqlite3_bind_int64(s, 10, llround(f->n));
	sqlite3_bind_int64(s, 11, crm_store_cli(st)->clock);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc == CRM_EX_OK ? crm_store_commit(st) : rc;
}

int
crm_fit_load(struct crm_store *st, const char *model, struct crm_fit *f)
{
	sqlite3_stmt *s = NULL;
	int rc, i;

	memset(f, 0, sizeof *f);
	if ((rc = crm_prepare(st, "SELECT model, scale, p1, p2, p3, p4, "
	    "loglik, n, asof FROM fit WHERE coalesce(model = ?1, model != "
	    "'gg') ORDER BY id DESC LIMIT 1", &s)) != CRM_EX_OK)
		return rc;
	if (model != NULL)
		sqlite3_bind_text(s, 1, model, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (crm_model_parse((const char *)sqlite3_column_text(s, 0),
		    &f->model) != 0) {
			rc = crm_err(CRM_EX_DATAERR, NULL, "the stored fit's "
			    "model \"%s\" is unknown", sqlite3_column_text(s,
			    0));
			goto out;
		}
		f->scale = sqlite3_column_int(s, 1);
		for (i = 0; i < 4; i++) {
			f->p[i] = i < crm_model_info(f->model)->np ?
			    sqlite3_column_double(s, 2 + i) : NAN;
			f->se[i] = NAN;
		}
		f->ll = sqlite3_column_double(s, 6);
		f->n = sqlite3_column_double(s, 7);
		f->asof = sqlite3_column_int64(s, 8);
		f->gnorm = NAN;
		rc = CRM_EX_OK;
	} else if (rc == SQLITE_DONE)
		rc = CRM_EX_NONE;
	else
		rc = crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	return rc;
}

/* crm_palive(model, p1, p2, p3, p4, x, tx, T): NULL when it cannot say. */
static void
palive(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
	double p[4], x, tx, T, r;
	enum crm_model m;
	int i;

	(void)argc;
	for (i = 0; i < 8; i++)
		if (sqlite3_value_type(v[i]) == SQLITE_NULL) {
			sqlite3_result_null(ctx);
			return;
		}
	if (crm_model_parse((const char *)sqlite3_value_text(v[0]), &m) !=
	    0) {
		sqlite3_result_null(ctx);
		return;
	}
	for (i = 0; i < 4; i++)
		p[i] = sqlite3_value_double(v[1 + i]);
	x = sqlite3_value_double(v[5]);
	tx = sqlite3_value_double(v[6]);
	T = sqlite3_value_double(v[7]);
	r = crm_model_palive(m, p, x, tx, T);
	if (isfinite(r))
		sqlite3_result_double(ctx, r);
	else
		sqlite3_result_null(ctx);
}

int
crm_churn_register(struct sqlite3 *db)
{
	return sqlite3_create_function(db, "crm_palive", 8, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, palive, NULL, NULL);
}

double
crm_median(const int64_t *g, size_t n)
{
	return n % 2 ? (double)g[n / 2] : (g[n / 2 - 1] + g[n / 2]) / 2.0;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int
crm_churn_heuristic(struct crm_store *st, int (*fn)(void *, int64_t,
    int64_t, double, double), void *arg)
{
	const struct crm_cli *cli = crm_store_cli(st);
	sqlite3_stmt *s = NULL;
	int64_t *gap = NULL, cur = 0, last = 0, day;
	int64_t today = cli->now / 86400;
	size_t ng = 0, cap = 0;
	double k, med;
	int rc, step, more;

	if ((rc = crm_setting_num(st, "churn.k", &k)) != CRM_EX_OK)
		return rc;
	if ((rc = crm_prepare(st, "SELECT DISTINCT customer, ts / 86400 FROM "
	    "purchase WHERE ts <= ? ORDER BY 1, 2", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, cli->now);
	do {
		more = (step = sqlite3_step(s)) == SQLITE_ROW;
		if (more && sqlite3_column_int64(s, 0) == cur) {
			day = sqlite3_column_int64(s, 1);
			if ((rc = crm_grow(&gap, &cap, ng, sizeof *gap)) !=
			    CRM_EX_OK)
				goto out;
			gap[ng++] = day - last;
			last = day;
			continue;
		}
		/* The customer before is complete. */
		if (cur != 0 && ng > 0) {
			qsort(gap, ng, sizeof *gap, cmp64);
			med = crm_median(gap, ng);
			if (today - last > k * med && (rc = fn(arg, cur,
			    today - last, med, k)) != CRM_EX_OK)
				goto out;
		}
		if (more) {
			cur = sqlite3_column_int64(s, 0);
			last = sqlite3_column_int64(s, 1);
			ng = 0;
		}
	} while (more);
	rc = step == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, step);
out:
	free(gap);
	sqlite3_finalize(s);
	return rc;
}
