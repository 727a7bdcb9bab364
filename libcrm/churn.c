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

#include "crm.h"

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
	 * hold x, t_x and T; the repeat value costs a look at the first day.
	 * A purchase dated tomorrow (east of UTC) ends T: t_x <= T always.
	 */
	if ((rc = crm_prepare(st, repeat ? "INSERT INTO temp.summ SELECT "
	    "customer, days - 1, last_purchase / 86400 - first_purchase / "
	    "86400, max(?1, last_purchase) / 86400 - first_purchase / 86400, "
	    "revenue - (SELECT sum(amount) FROM purchase WHERE "
	    "purchase.customer = stats.customer AND ts >= first_purchase / "
	    "86400 * 86400 AND ts < first_purchase / 86400 * 86400 + 86400) "
	    "FROM stats WHERE days > 0" :
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

int
crm_summary_print(struct crm_store *st, int scale)
{
	sqlite3_stmt *s = NULL;
	char mx[64];
	int rc, dec = crm_store_decimals(st);
	double unit = 1;

	while (dec-- > 0)
		unit *= 10;
	if ((rc = crm_summary(st, 1)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT customer, x, tx, T, repeat FROM "
	    "temp.summ ORDER BY customer", &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t x = sqlite3_column_int64(s, 1);

		snprintf(mx, sizeof mx, "%.10g", x > 0 ?
		    sqlite3_column_int64(s, 4) / unit / (double)x : 0.0);
		printf("%lld\t%lld\t%.10g\t%.10g\t%s\n",
		    (long long)sqlite3_column_int64(s, 0), (long long)x,
		    sqlite3_column_double(s, 2) / scale,
		    sqlite3_column_double(s, 3) / scale, mx);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

int
crm_summary_read(FILE *fp, char **line, size_t *cap, struct crm_loc *at,
    int nv, char **id, double *v)
{
	char *f[6], *save, *end;
	int i, nf;

	do {
		if (getline(line, cap, fp) == -1)
			return ferror(fp) ? crm_err(CRM_EX_IOERR, NULL,
			    "%s:", at->file) : CRM_EX_NONE;
		at->line++;
		(*line)[strcspn(*line, "\r\n")] = '\0';
	} while (**line == '\0');
	for (nf = 0, f[0] = strtok_r(*line, "\t", &save);
	    f[nf] != NULL && nf < 5;
	    f[++nf] = strtok_r(NULL, "\t", &save))
		;
	if (nf < nv + 1)
		return crm_err(CRM_EX_DATAERR, at, "expected id, x, t_x, T%s",
		    nv > 3 ? ", m_x" : "");
	for (i = 0; i < nv; i++) {
		errno = 0;
		v[i] = strtod(f[i + 1], &end);
		if (*end != '\0' || errno != 0 || !isfinite(v[i]) || v[i] < 0)
			return crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a "
			    "number of at least 0", f[i + 1]);
	}
	if (v[1] > v[2] || v[0] != floor(v[0]))
		return crm_err(CRM_EX_DATAERR, at, "x must be whole and t_x "
		    "at most T");
	*id = f[0];
	return CRM_EX_OK;
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
	    "loglik, n, asof FROM fit WHERE coalesce(model = ?1, model != 'gg') "
	    "ORDER BY id DESC LIMIT 1", &s)) != CRM_EX_OK)
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
