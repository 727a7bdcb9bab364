/* unit: TAP tests of libcrm's parsers, against hand-computed values. */
#include <sys/stat.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm-int.h"

static int n, failed;

static void
ok(int cond, const char *what)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, what);
}

static void
dates(void)
{
	const char *why;
	int64_t t;
	char buf[64];

	ok(crm_date_parse("1970-01-01", 0, &t, &why) == 0 && t == 0,
	    "date: the epoch");
	ok(crm_date_parse("2026-03-01", 0, &t, &why) == 0 && t == 1772323200,
	    "date: 2026-03-01 is 1772323200");
	ok(crm_date_parse("20260301", 0, &t, &why) == 0 && t == 1772323200,
	    "date: YYYYMMDD");
	ok(crm_date_parse("2024-02-29", 0, &t, &why) == 0,
	    "date: a leap day");
	ok(crm_date_parse("2023-02-29", 0, &t, &why) != 0,
	    "date: no 29 February in 2023");
	ok(crm_date_parse("2023-02-30", 0, &t, &why) != 0,
	    "date: no 30 February");
	ok(crm_date_parse("1900-02-29", 0, &t, &why) != 0,
	    "date: 1900 is not a leap year");
	ok(crm_date_parse("2000-02-29", 0, &t, &why) == 0,
	    "date: 2000 is a leap year");
	ok(crm_date_parse("2026-13-01", 0, &t, &why) != 0, "date: month 13");
	ok(crm_date_parse("2026-03-01T08:00:00+08:00", 0, &t, &why) == 0 &&
	    t == 1772323200, "date: a zone offset is applied");
	ok(crm_date_parse("2026-03-01T00:00:01Z", 0, &t, &why) == 0 &&
	    t == 1772323201, "date: Z");
	ok(crm_date_parse("2026-03-01T10:00:00", 0, &t, &why) != 0,
	    "date: a date-time needs a zone");
	ok(crm_date_parse("@86400", 0, &t, &why) == 0 && t == 86400,
	    "date: @SECONDS");
	ok(crm_date_parse("now", 42, &t, &why) == 0 && t == 42,
	    "date: now is the caller's now");
	ok(crm_date_parse("2026-3-1", 0, &t, &why) != 0,
	    "date: single digits are refused");
	ok(crm_date_parse("", 0, &t, &why) != 0, "date: empty");
	crm_date_fmt(1772323200 + 3600, buf, sizeof buf);
	ok(strcmp(buf, "2026-03-01") == 0, "date: formats as YYYY-MM-DD");
	crm_time_fmt(1772323200 + 3661, buf, sizeof buf);
	ok(strcmp(buf, "2026-03-01T01:01:01Z") == 0,
	    "date: time formats as ISO 8601");
	crm_date_fmt(-1, buf, sizeof buf);
	ok(strcmp(buf, "1969-12-31") == 0, "date: before the epoch");
	ok(crm_day_of(-1) == -1 && crm_day_of(86399) == 0,
	    "date: days floor toward the past");
}

static void
durations(void)
{
	struct crm_dur d;
	const char *why;

	ok(crm_dur_parse("90d", &d, &why) == 0 && crm_dur_secs(&d) ==
	    90 * 86400, "duration: 90d");
	ok(crm_dur_parse("12w", &d, &why) == 0 && crm_dur_secs(&d) ==
	    84 * 86400, "duration: 12w");
	ok(crm_dur_parse("24h", &d, &why) == 0 && crm_dur_secs(&d) == 86400,
	    "duration: 24h");
	ok(crm_dur_parse("6m", &d, &why) == 0 && d.unit == 'm' && d.n == 6,
	    "duration: 6m keeps its unit");
	/* crm(7): as a length, a month is 30 days and a year 365. */
	ok(crm_dur_parse("6m", &d, &why) == 0 && crm_dur_secs(&d) ==
	    180 * 86400, "duration: 6m as a length is 180 days");
	ok(crm_dur_parse("1y", &d, &why) == 0 && crm_dur_secs(&d) ==
	    365 * 86400, "duration: 1y");
	ok(crm_dur_parse("d", &d, &why) != 0, "duration: no number");
	ok(crm_dur_parse("5x", &d, &why) != 0, "duration: unknown unit");
	ok(crm_dur_parse("5dd", &d, &why) != 0, "duration: trailing text");
	/* Calendar months: 2026-01-31 10:00 + 1m is 2026-02-28 10:00. */
	ok(crm_dur_parse("1m", &d, &why) == 0 && crm_dur_after(&d,
	    crm_days_from_civil(2026, 1, 31) * 86400 + 36000) ==
	    crm_days_from_civil(2026, 2, 28) * 86400 + 36000,
	    "duration: 31 January + 1m is 28 February, same time");
	ok(crm_dur_parse("24m", &d, &why) == 0 && crm_dur_after(&d,
	    crm_days_from_civil(2024, 2, 29) * 86400) ==
	    crm_days_from_civil(2026, 2, 28) * 86400,
	    "duration: 29 February 2024 + 24m is 28 February 2026");
	ok(crm_dur_parse("1y", &d, &why) == 0 && crm_dur_after(&d,
	    crm_days_from_civil(2025, 12, 15) * 86400) ==
	    crm_days_from_civil(2026, 12, 15) * 86400,
	    "duration: 1y by the calendar");
	ok(crm_dur_parse("30d", &d, &why) == 0 && crm_dur_after(&d, 0) ==
	    30 * 86400, "duration: days add as seconds");
}

static void
money(void)
{
	const char *why;
	int64_t v;
	char buf[64];

	ok(crm_money_parse("12.34", 2, &v, &why) == 0 && v == 1234,
	    "money: 12.34 is 1234 cents");
	ok(crm_money_parse("0.1", 2, &v, &why) == 0 && v == 10,
	    "money: 0.1 is 10 cents (exact, no binary fraction)");
	ok(crm_money_parse("129.9", 2, &v, &why) == 0 && v == 12990,
	    "money: one decimal");
	ok(crm_money_parse("12", 2, &v, &why) == 0 && v == 1200,
	    "money: no decimals");
	ok(crm_money_parse("-5.05", 2, &v, &why) == 0 && v == -505,
	    "money: negative");
	ok(crm_money_parse("12.345", 2, &v, &why) != 0,
	    "money: more decimals than the currency is refused");
	ok(crm_money_parse("12.3", 0, &v, &why) != 0,
	    "money: decimals on a currency without them");
	ok(crm_money_parse("92233720368547758.07", 2, &v, &why) == 0 &&
	    v == INT64_MAX, "money: the largest amount");
	ok(crm_money_parse("92233720368547758.08", 2, &v, &why) != 0,
	    "money: one cent more overflows");
	ok(crm_money_parse("1e3", 2, &v, &why) != 0, "money: no exponents");
	ok(crm_money_parse("", 2, &v, &why) != 0, "money: empty");
	ok(crm_money_parse("12.", 2, &v, &why) == 0 && v == 1200,
	    "money: a trailing point");
	crm_money_fmt(-505, 2, buf, sizeof buf);
	ok(strcmp(buf, "-5.05") == 0, "money: formats negative amounts");
	crm_money_fmt(7, 3, buf, sizeof buf);
	ok(strcmp(buf, "0.007") == 0, "money: formats with 3 decimals");
	crm_money_fmt(INT64_MIN, 2, buf, sizeof buf);
	ok(strcmp(buf, "-92233720368547758.08") == 0,
	    "money: formats the smallest amount");
	/* Revenue per order, by hand: 5 / 2 = 2.5 rounds up to 3, 4 / 3 =
	 * 1.33 to 1, -5 / 2 = -2.5 up to -2, -4 / 3 = -1.33 to -1. */
	ok(crm_money_avg(5, 2) == 3 && crm_money_avg(4, 3) == 1 &&
	    crm_money_avg(-5, 2) == -2 && crm_money_avg(-4, 3) == -1 &&
	    crm_money_avg(-1000, 1) == -1000 && crm_money_avg(7, 0) == 0,
	    "money: an average rounds half up, negatives included");
	/* INT64_MAX = 3 x 3074457345618258602 + 1: 1/3 rounds down. */
	ok(crm_money_avg(INT64_MAX, 3) == INT64_C(3074457345618258602) &&
	    crm_money_avg(INT64_MAX, 1) == INT64_MAX &&
	    crm_money_avg(INT64_MIN, 2) == INT64_MIN / 2,
	    "money: an average of the largest totals does not overflow");
	/* 1234 minor units of 2 decimals are 12.34; 120 are 1.20. */
	crm_money_fmt(1234, 2, buf, sizeof buf);
	ok(strcmp(buf, "12.34") == 0, "money: formats both decimals");
	crm_money_fmt(120, 2, buf, sizeof buf);
	ok(strcmp(buf, "1.20") == 0, "money: keeps a trailing zero");
}

static void
utf8(void)
{
	ok(crm_utf8_valid("张伟", strlen("张伟")),
	    "utf8: Chinese is valid");
	ok(!crm_utf8_valid("\xff\xfe", 2), "utf8: 0xff is invalid");
	ok(!crm_utf8_valid("\xc0\xaf", 2), "utf8: overlong is invalid");
	ok(!crm_utf8_valid("\xed\xa0\x80", 3), "utf8: surrogates invalid");
	ok(!crm_utf8_valid("a\0b", 3), "utf8: NUL is refused");
	ok(!crm_utf8_valid("\xe4\xbd", 2), "utf8: truncated sequence");
	ok(crm_utf8_valid("abcdefghijklmnopqrstuvwxyz 张伟", 33),
	    "utf8: long ASCII then Chinese");
	ok(!crm_utf8_valid("abcdefghijk\0mnopqrstu", 21),
	    "utf8: a NUL inside a long ASCII run");
	ok(!crm_utf8_valid("abcdefghijklmnop\xff", 17),
	    "utf8: a bad byte after a long ASCII run");
	ok(crm_utf8_width("张伟") == 4, "width: CJK takes two columns");
	ok(crm_utf8_width("Müller") == 6, "width: Latin-1 letters take one");
	ok(crm_utf8_width("e\xcc\x81") == 1, "width: combining marks none");
	ok(crm_utf8_width("ｱ") == 1 && crm_utf8_width("Ａ") == 2,
	    "width: halfwidth one, fullwidth two");
}

static int
compiles(const char *expr, const char *want)
{
	struct crm_sql q = { 0 };
	int rc, good;

	rc = crm_filter_compile(&q, crm_kind_customer(), expr, 2, 0);
	good = rc == CRM_EX_OK && (want == NULL || strcmp(q.buf, want) == 0);
	if (rc == CRM_EX_OK && want != NULL && !good)
		printf("# got %s\n", q.buf);
	crm_sql_free(&q);
	return good;
}

static int
refused(const char *expr)
{
	struct crm_sql q = { 0 };
	int rc;

	rc = crm_filter_compile(&q, crm_kind_customer(), expr, 2, 0);
	crm_sql_free(&q);
	return rc == CRM_EX_USAGE;
}

static void
filters(void)
{
	ok(compiles("city = \"Shanghai\"", "(c.city = ?2)"),
	    "filter: = binds the value");
	ok(compiles("city != 'x'", "(c.city IS NOT ?2)"),
	    "filter: != is true for unset fields");
	ok(compiles("not tag.vip", "((c.id IN (SELECT customer FROM tag "
	    "WHERE tag = ?2)) IS NOT 1)"), "filter: not, tag.NAME by index");
	ok(compiles("a = 1 or b = 2", NULL) == 0,
	    "filter: unknown fields are refused");
	ok(compiles("intent >= 3 and (stage in (lead, prospect) or "
	    "tag.vip)", "(c.intent >= ?2) AND ((c.stage IN (?3, ?4)) OR "
	    "c.id IN (SELECT customer FROM tag WHERE tag = ?5))"),
	    "filter: precedence, in, parentheses");
	ok(compiles("name ~ \"Li*\"", "(c.name GLOB ?2)"), "filter: glob");
	ok(compiles("birthday < 2000-01-01", NULL), "filter: dates");
	ok(compiles("income >= 1000.50", NULL), "filter: money");
	ok(compiles("attr.hobby = golf", "c.id IN (SELECT customer FROM attr "
	    "WHERE key = ?2 AND value = ?3)"), "filter: attr.KEY by index");
	ok(compiles("email", "(c.email IS NOT NULL)"),
	    "filter: a field alone is true when set");
	ok(refused("no_such = 1"), "filter: unknown field is a usage error");
	ok(refused("city = "), "filter: missing value");
	ok(refused("city = \"x"), "filter: unclosed quote");
	ok(refused("(city = \"x\""), "filter: unclosed parenthesis");
	ok(refused("city = \"x\")"), "filter: stray parenthesis");
	ok(refused("city = \"x\"; DELETE FROM customer"),
	    "filter: a semicolon is not in the language");
	ok(refused("1=1"), "filter: a number is not a field");
	ok(refused("intent = high"), "filter: an int field needs a number");
	ok(refused("stage = \"won\""), "filter: enum values are checked");
	ok(refused("birthday < 2023-02-30"), "filter: bad dates refused");
	ok(refused("income > 1.234"), "filter: money decimals checked");
	ok(refused("tag.vip = 1"), "filter: tags are true or false");
	ok(refused(""), "filter: empty");
	ok(refused("intent ~ \"1*\""), "filter: glob needs text");
	/* Found by scripts/fuzz: reads past the end of the text. */
	ok(refused("attr.size\">=tag. 10"), "filter: unclosed quote (fuzz)");
	ok(refused("city = \"x\" and (tag. and y"), "filter: tag. (fuzz)");
}

/* Write s to a temporary file and open it as CSV/TSV. */
static struct crm_csv *
csvof(const char *s, size_t len, enum crm_infmt fmt, char *path)
{
	struct crm_csv *c = NULL;
	FILE *fp;

	strcpy(path, "/tmp/crm-unit.XXXXXX");
	close(mkstemp(path));
	fp = fopen(path, "wb");
	fwrite(s, 1, len, fp);
	fclose(fp);
	if (crm_csv_open(&c, path, fmt) != CRM_EX_OK) {
		crm_csv_close(c);
		return NULL;
	}
	return c;
}

static void
csv(void)
{
	static const char in[] = "\xef\xbb\xbfref,name,notes\r\n"
	    "C1,\"Smith, Anna\",\"two\nlines\"\r\n"
	    "\r\n"
	    "C2,张伟,\"say \"\"hi\"\"\"\r\n"
	    "C3,,x";
	static const char tsv[] = "ref\tname\nT1\ta\\tb\\\\c\\nd\n";
	char path[64], **fv;
	struct crm_csv *c;
	long line;
	int nf, rc;

	c = csvof(in, sizeof in - 1, CRM_IN_AUTO, path);
	ok(c != NULL, "csv: opens");
	rc = crm_csv_next(c, &nf, &fv, &line);
	ok(rc == 0 && nf == 3 && strcmp(fv[0], "ref") == 0 && line == 1,
	    "csv: the BOM is not part of the header");
	rc = crm_csv_next(c, &nf, &fv, &line);
	ok(rc == 0 && strcmp(fv[1], "Smith, Anna") == 0 &&
	    strcmp(fv[2], "two\nlines") == 0 && line == 2,
	    "csv: quoted comma and newline");
	rc = crm_csv_next(c, &nf, &fv, &line);
	ok(rc == 0 && strcmp(fv[1], "张伟") == 0 &&
	    strcmp(fv[2], "say \"hi\"") == 0 && line == 5,
	    "csv: line numbers count quoted newlines and blank lines");
	rc = crm_csv_next(c, &nf, &fv, &line);
	ok(rc == 0 && nf == 3 && fv[1] == NULL && strcmp(fv[2], "x") == 0 &&
	    line == 6, "csv: empty is unset; no final newline needed");
	ok(crm_csv_next(c, &nf, &fv, &line) == CRM_EX_NONE, "csv: the end");
	crm_csv_close(c);
	unlink(path);

	c = csvof(tsv, sizeof tsv - 1, CRM_IN_AUTO, path);
	crm_csv_next(c, &nf, &fv, &line);
	rc = crm_csv_next(c, &nf, &fv, &line);
	ok(rc == 0 && nf == 2 && strcmp(fv[1], "a\tb\\c\nd") == 0,
	    "tsv: detected by the tab; escapes undone");
	crm_csv_close(c);
	unlink(path);

	c = csvof("a,b\n1,\"x\n", 10, CRM_IN_AUTO, path);
	crm_csv_next(c, &nf, &fv, &line);
	fprintf(stderr, "# expected error: ");
	ok(crm_csv_next(c, &nf, &fv, &line) == CRM_EX_DATAERR,
	    "csv: an unclosed quote is bad data");
	crm_csv_close(c);
	unlink(path);

	c = csvof("a,b\n1,x\"y\"\n", 12, CRM_IN_AUTO, path);
	crm_csv_next(c, &nf, &fv, &line);
	fprintf(stderr, "# expected error: ");
	ok(crm_csv_next(c, &nf, &fv, &line) == CRM_EX_DATAERR,
	    "csv: a quote inside an unquoted field is bad data");
	crm_csv_close(c);
	unlink(path);

	c = csvof("a,b\n1,x\n", 8, CRM_IN_TSV, path);
	crm_csv_next(c, &nf, &fv, &line);
	ok(nf == 1 && strcmp(fv[0], "a,b") == 0, "csv: -i tsv forces TSV");
	crm_csv_close(c);
	unlink(path);
}

static int
near(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fabs(want);
}

/*
 * The gradient by log p of crm_model_ll against central differences of
 * crm_model_ll itself (step 1e-5 in log p): agreement to 1e-6 of the
 * largest component.
 */
static int
gradok(enum crm_model m, const double *p, double x, double tx, double T)
{
	double g[4], q[4], up, dn, h = 1e-5, big = 0, worst = 0;
	int k, np = crm_model_info(m)->np;

	if (!isfinite(crm_model_ll(m, p, x, tx, T, g)))
		return 0;
	for (k = 0; k < np; k++)
		big = fmax(big, fabs(g[k]));
	for (k = 0; k < np; k++) {
		memcpy(q, p, sizeof q);
		q[k] = p[k] * exp(h);
		up = crm_model_ll(m, q, x, tx, T, NULL);
		q[k] = p[k] * exp(-h);
		dn = crm_model_ll(m, q, x, tx, T, NULL);
		worst = fmax(worst, fabs((up - dn) / (2 * h) - g[k]));
	}
	return worst <= 1e-6 * fmax(big, 1e-3);
}

/* Within rel of want. */
static int
close_to(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fmax(fabs(want), 1e-300);
}

/*
 * A log-likelihood within rel of want, or within rel absolutely when it is
 * below 1: then the likelihood itself is within rel.
 */
static int
ll_close(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fmax(fabs(want), 1);
}

/* Fit m on t: its status, and what it said into msg. */
static int
fitsays(enum crm_model m, const struct crm_triple *t, size_t n, char *msg,
    size_t size)
{
	struct crm_fit f;
	FILE *tmp = tmpfile();
	int fd = dup(2), rc;
	size_t got;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	rc = crm_model_fit(m, t, n, &f, 0);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	rewind(tmp);
	got = fread(msg, 1, size - 1, tmp);
	msg[got] = '\0';
	fclose(tmp);
	return rc;
}

/* Fit m on t and say whether it was refused with 65. */
static int
fitrefused(enum crm_model m, const struct crm_triple *t, size_t n)
{
	struct crm_fit f;

	return crm_model_fit(m, t, n, &f, 0) == CRM_EX_DATAERR &&
	    isnan(f.p[0]);
}

/*
 * The numbers the models are built from, and hard cases, against
 * python3-mpmath at 60 digits (tests/models-ref.py prints every value
 * below, from the papers' formulas): digamma, log-gamma ratios, each
 * likelihood and P(alive), the expectations.  Relative error 1e-10 (of
 * the likelihood, not its log, when the log is below 1).
 */
static void
hard(void)
{
	static const struct {
		enum crm_model	m;
		double		p[4], x, tx, T, ll, pa;
		const char	*what;
	} c[] = {
		{ CRM_PNBD, { 0.5, 1e4, 0.5, 0.01 }, 0, 0, 40,
		    -6.2129321860499552e-5, 0.015778868264630843,
		    "Pareto/NBD alpha 1e4, beta 0.01, x = 0" },
		{ CRM_PNBD, { 0.5, 1e4, 0.5, 0.01 }, 3, 20, 40,
		    -30.815886724099061, 0.70634774134025076,
		    "Pareto/NBD alpha 1e4, beta 0.01, x = 3" },
		{ CRM_PNBD, { 0.5, 0.01, 2.5, 1e4 }, 0, 0, 40,
		    -4.1375307109916803, 0.98059166802842923,
		    "Pareto/NBD alpha 0.01, beta 1e4, x = 0" },
		{ CRM_PNBD, { 0.5, 0.01, 2.5, 1e4 }, 3, 20, 40,
		    -14.577447503117719, 0.98170741442902819,
		    "Pareto/NBD alpha 0.01, beta 1e4, x = 3" },
		{ CRM_PNBD, { 0.5534, 10.5802, 0.6061, 11.6656 }, 2, 30.43,
		    38.86, -9.5541634123286787, 0.86913544068090836,
		    "Pareto/NBD CDNOW customer 1" },
		{ CRM_PNBD, { 0.553, 74.06, 0.606, 81.66 }, 100000, 364, 365,
		    443043.96971246635, 1.5719581659450982e-94,
		    "Pareto/NBD x = 1e5 in days" },
		{ CRM_PNBD, { 0.553, 74.06, 0.606, 81.66 }, 0, 0, 1,
		    -0.0073896086830724124, 0.99262404580885521,
		    "Pareto/NBD x = 0, T one day" },
		{ CRM_PNBD, { 0.5534, 10.5802, 0.6061, 11.6656 }, 1,
		    1 / 7.0, 1 / 7.0 + 1e-9, -2.9788699222329807,
		    0.99999999994867238, "Pareto/NBD t_x a hair below T" },
		{ CRM_PNBD, { 0.5534, 10.5802, 0.6061, 11.6656 }, 7, 2 / 7.0,
		    1, -10.035524727004682, 0.95598875229614057,
		    "Pareto/NBD T one week" },
		{ CRM_PNBD, { 0.5, 1, 0.7, 3 }, 2, 0.5, 2,
		    -2.8307265586722475, 0.57060152242944076,
		    "Pareto/NBD z = -4/3 at t_x (Pfaff's transformation)" },
		{ CRM_BGNBD, { 0.243, 4.414, 0.793, 2.426 }, 2, 30.43, 38.86,
		    -9.4586063070662712, 0.72657857008067291,
		    "BG/NBD CDNOW customer 1" },
		{ CRM_BGNBD, { 0.243, 4.414, 0.793, 2.426 }, 0, 0, 1 / 7.0,
		    -0.0077400007676011671, 1, "BG/NBD x = 0, T one day" },
		{ CRM_BGNBD, { 0.243, 4.414, 0.793, 2.426 }, 100000, 77, 78,
		    611313.55124325552, 0,
		    "BG/NBD x = 1e5 (P(alive) 8.1e-526: 0 in a double)" },
		{ CRM_BGNBD, { 1e-3, 1e5, 2.6e9, 1e9 }, 0, 0, 30,
		    -2.9995500899797549e-7, 1, "BG/NBD a, b huge" },
		{ CRM_BGNBD, { 0.525, 6.183, 0.891, 1.614 }, 3, 1 / 7.0,
		    1 / 7.0, -5.5749322643895194, 0.80221975582685905,
		    "BG/NBD t_x = T = one day" },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.793, 2.426 }, 2, 30.43, 38.86,
		    -9.6871826362499614, 0.77441924262364617,
		    "MBG/NBD CDNOW customer 1" },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.793, 2.426 }, 0, 0, 1 / 7.0,
		    -0.0058276845950245148, 0.75221036161020179,
		    "MBG/NBD x = 0, T one day" },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.793, 2.426 }, 100000, 77, 78,
		    611313.55122532594, 0,
		    "MBG/NBD x = 1e5 (P(alive) 8.1e-526: 0 in a double)" },
		{ CRM_MBGNBD, { 1e-3, 1e5, 2.6e9, 1e9 }, 0, 0, 30,
		    -8.3320826807701182e-8, 0.27777771760162258,
		    "MBG/NBD a = 2.6e9: no lgamma cancellation" },
		{ CRM_MBGNBD, { 0.525, 6.183, 0.891, 1.614 }, 3, 1 / 7.0,
		    1 / 7.0, -5.7953049632797839, 0.83814713896457766,
		    "MBG/NBD t_x = T = one day" },
	};
	static const struct {
		enum crm_model	m;
		double		p[4], x, tx, T, t, e;
	} e[] = {
		{ CRM_BGNBD, { 0.243, 4.414, 0.793, 2.426 }, 2, 30.43, 38.86,
		    39, 1.2260281747671445 },
		{ CRM_BGNBD, { 0.243, 4.414, 0.793, 2.426 }, 0, 0, 1 / 7.0,
		    520, 4.9040872814307106 },
		{ CRM_BGNBD, { 0.243, 30.9, 0.793, 2.426 }, 1, 1, 1, 3650,
		    13.064811569767437 },
		{ CRM_BGNBD, { 0.243, 4.414, 1.0000001, 2.426 }, 2, 30.43,
		    38.86, 39, 1.1021367314169068 },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.793, 2.426 }, 2, 30.43, 38.86,
		    39, 1.3404974284912132 },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.793, 2.426 }, 0, 0, 1 / 7.0,
		    520, 4.4074452318772885 },
		{ CRM_MBGNBD, { 0.243, 30.9, 0.793, 2.426 }, 1, 1, 1, 3650,
		    16.435610878786176 },
		{ CRM_MBGNBD, { 0.243, 4.414, 1.0000001, 2.426 }, 2, 30.43,
		    38.86, 39, 1.224434570390346 },
		{ CRM_BGNBD, { 0.243, 4.414, 0.3, 0.5 }, 0, 0, 1, 1e6,
		    1264.8649905633324 },
		{ CRM_BGNBD, { 2, 0.5, 3, 0.7 }, 40, 70, 70.5, 1e4,
		    19.378484487074423 },
		{ CRM_BGNBD, { 0.243, 4.414, 0.05, 30 }, 3, 10, 40, 1e5,
		    5483.886624404468 },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.3, 0.5 }, 0, 0, 1, 1e6,
		    1240.3358790852071 },
		{ CRM_MBGNBD, { 2, 0.5, 3, 0.7 }, 40, 70, 70.5, 1e4,
		    19.87733956051461 },
		{ CRM_MBGNBD, { 0.243, 4.414, 0.05, 30 }, 3, 10, 40, 1e5,
		    5501.426944411804 },
	};
	char what[160];
	size_t i;
	int bad;

	ok(close_to(crm_digamma(1), -0.57721566490153286, 1e-15) &&
	    close_to(crm_digamma(0.5), -1.9635100260214235, 1e-15) &&
	    close_to(crm_digamma(10), 2.2517525890667211, 1e-15) &&
	    close_to(crm_digamma(1e-8), -100000000.57721565, 1e-15) &&
	    close_to(crm_digamma(100), 4.6001618527380874, 1e-15) &&
	    close_to(crm_digamma(6.5), 1.7929113303999329, 1e-15),
	    "digamma at 1, 1/2, 10, 1e-8, 100, 6.5 (mpmath)");
	ok(close_to(crm_lgamma_ratio(1e9, 2.5), 51.808164594241028, 1e-14) &&
	    close_to(crm_lgamma_ratio(0.3, 1e5), 1051290.0670522516,
	    1e-14) && close_to(crm_lgamma_ratio(15, 0.7),
	    1.8886673169147225, 1e-14) &&
	    close_to(crm_digamma_ratio(1e9, 2.5), 2.499999998125e-9, 1e-12) &&
	    close_to(crm_digamma_ratio(15, 0.7), 0.047128973853139632, 1e-14),
	    "lgamma(a+x) - lgamma(a) and digamma's, a up to 1e9 (mpmath)");
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		double ll = crm_model_ll(c[i].m, c[i].p, c[i].x, c[i].tx,
		    c[i].T, NULL);
		double pa = crm_model_palive(c[i].m, c[i].p, c[i].x, c[i].tx,
		    c[i].T);

		snprintf(what, sizeof what, "%s: LL %.17g and P(alive) %.17g "
		    "(mpmath)", c[i].what, ll, pa);
		ok(ll_close(ll, c[i].ll, 1e-10) && (c[i].pa == 0 ? pa == 0 :
		    close_to(pa, c[i].pa, 1e-10)), what);
	}
	for (i = 0; i < sizeof e / sizeof e[0]; i++) {
		double v = crm_model_expected(e[i].m, e[i].p, e[i].x, e[i].tx,
		    e[i].T, e[i].t);

		snprintf(what, sizeof what, "%s: E[Y(%g)] for x %g, t_x %g, T "
		    "%g is %.17g (mpmath's hyp2f1)", crm_model_info(e[i].m)->
		    title, e[i].t, e[i].x, e[i].tx, e[i].T, v);
		ok(close_to(v, e[i].e, 1e-10), what);
	}
	/*
	 * The series in z and the integral over p (past z = 0.9) meet: at
	 * t = 9 (alpha + T) they agree.
	 */
	for (bad = 0, i = 0; i < 2; i++) {
		double q[4] = { 0.243, 4.414, 0.793, 2.426 }, t9 = 9 * (4.414 +
		    38.86), lo, hi;

		lo = crm_model_expected(i ? CRM_MBGNBD : CRM_BGNBD, q, 2,
		    30.43, 38.86, t9 * (1 - 1e-13));
		hi = crm_model_expected(i ? CRM_MBGNBD : CRM_BGNBD, q, 2,
		    30.43, 38.86, t9 * (1 + 1e-13));
		if (!close_to(lo, hi, 1e-12))
			bad++;
	}
	ok(bad == 0, "BG/NBD, MBG/NBD: the expectation's series and integral "
	    "agree where they meet");
	for (bad = 0, i = 0; i < sizeof c / sizeof c[0]; i++)
		if (!gradok(c[i].m, c[i].p, c[i].x, c[i].tx, c[i].T))
			bad++;
	ok(bad == 0, "the gradient of every hard case agrees with central "
	    "differences");
}

/* The models against closed forms and the published CDNOW fits. */
static void
models(const char *summary)
{
	double p[4] = { 0.243, 4.414, 0.793, 2.426 }, sum;
	static const double gp[4] = { 6.25, 3.74, 15.44 };
	static const double pts[][4] = {
		{ 0.243, 4.414, 0.793, 2.426 }, { 2, 0.5, 3, 0.7 },
		{ 0.05, 40, 0.2, 9 }, { 0.553, 10.58, 1, 11.67 },
		{ 0.8, 1, 0.7, 3 },
	};
	static const double cust[][3] = {
		{ 0, 0, 38.86 }, { 2, 30.43, 38.86 }, { 1, 1 / 7.0, 1 / 7.0 },
		{ 40, 70, 70.5 }, { 5, 2, 60 },
	};
	struct crm_triple *t, *g, deg[60];
	struct crm_fit f;
	size_t n = 0, ng = 0, i, j;
	char line[256];
	FILE *fp;
	int bad, m;

	ok(near(crm_model_ll(CRM_BGNBD, p, 0, 0, 30, NULL), 0.243 *
	    log(4.414 / 34.414), 1e-12),
	    "BG/NBD: a one-time buyer's likelihood is (a/(a+T))^r");
	ok(crm_model_palive(CRM_BGNBD, p, 0, 0, 30) == 1,
	    "BG/NBD: a one-time buyer is alive");
	ok(crm_model_palive(CRM_MBGNBD, p, 0, 0, 30) < 1,
	    "MBG/NBD: a one-time buyer may not be");
	/* By hand: at t_x = T nothing can have happened since. */
	ok(crm_model_palive(CRM_PNBD, p, 3, 20, 20) == 1,
	    "Pareto/NBD: P(alive) is 1 at t_x = T");
	ok(isfinite(crm_model_ll(CRM_BGNBD, p, 300, 77, 78, NULL)) &&
	    isfinite(crm_model_ll(CRM_PNBD, p, 300, 77, 78, NULL)) &&
	    isfinite(crm_model_expected(CRM_BGNBD, p, 300, 77, 78, 52)),
	    "no overflow for a heavy buyer");
	/* The analytic gradient of each model at several points. */
	for (bad = 0, m = 0; m < CRM_GG; m++)
		for (i = 0; i < sizeof pts / sizeof pts[0]; i++)
			for (j = 0; j < sizeof cust / sizeof cust[0]; j++)
				if (!gradok(m, pts[i], cust[j][0], cust[j][1],
				    cust[j][2]))
					bad++;
	ok(bad == 0, "BG/NBD, Pareto/NBD, MBG/NBD: the gradient agrees with "
	    "central differences at 5 points x 5 customers");
	ok(gradok(CRM_GG, gp, 2, 22.35, 0) && gradok(CRM_GG, gp, 1, 5, 0) &&
	    gradok(CRM_GG, gp, 60, 1000, 0), "Gamma-Gamma: the gradient agrees "
	    "with central differences");
	/*
	 * Pareto/NBD's expectation for s < 1, at s = 1 (the limit) and
	 * about it: continuous; and at the published CDNOW parameters the
	 * paper's customer expects 1.4551748 in 39 weeks (mpmath, the
	 * closed form times P(alive) from the integral).
	 */
	{
		double q[4] = { 0.5534, 10.5802, 0.6061, 11.6656 }, a, b, c;

		ok(close_to(crm_model_expected(CRM_PNBD, q, 2, 30.43, 38.86,
		    39), 1.4551748257530920, 1e-10), "Pareto/NBD: customer 1 "
		    "expects 1.4551748 in 39 weeks with s 0.606 (mpmath)");
		q[2] = 1;
		b = crm_model_expected(CRM_PNBD, q, 2, 30.43, 38.86, 39);
		q[2] = 1 - 1e-7;
		a = crm_model_expected(CRM_PNBD, q, 2, 30.43, 38.86, 39);
		q[2] = 1 + 1e-7;
		c = crm_model_expected(CRM_PNBD, q, 2, 30.43, 38.86, 39);
		ok(isfinite(b) && b > 0 && fabs(a - b) < 1e-6 * b &&
		    fabs(c - b) < 1e-6 * b, "Pareto/NBD: expected purchases "
		    "are continuous through s = 1");
	}
	/* Hand computation: (p gamma) / (q - 1) = 6.25 x 15.44 / 2.74. */
	ok(close_to(crm_gg_spend(gp, 0, 0), 6.25 * 15.44 / 2.74, 1e-15),
	    "Gamma-Gamma: x = 0 spends the population mean");
	/*
	 * q <= 1: no population mean, but a repeat customer's posterior
	 * mean p (gamma + x m_x) / (p x + q - 1) = 6 (15 + 40) / 11.7.
	 */
	{
		const double q1[3] = { 6, 0.7, 15 };

		ok(isnan(crm_gg_spend(q1, 0, 0)) && close_to(crm_gg_spend(q1,
		    2, 20), 6 * 55 / 11.7, 1e-15), "Gamma-Gamma: q <= 1 has "
		    "no population mean, a repeat customer's one all the same");
	}
	/*
	 * crm_model_clv's convention by hand: 45 days are two steps of 22.5
	 * days, each step's purchases discounted by 1.1^(t/365) at its end.
	 */
	{
		struct crm_fit c = { CRM_BGNBD, 7, { 0.243, 4.414, 0.793,
		    2.426 }, { 0 }, 0, 0, 0, 0, 0 };
		double e1 = crm_model_expected(CRM_BGNBD, c.p, 2, 30.43,
		    38.86, 22.5 / 7), e2 = crm_model_expected(CRM_BGNBD, c.p,
		    2, 30.43, 38.86, 45 / 7.0);
		double want = e1 * 20 / pow(1.1, 22.5 / 365) + (e2 - e1) * 20 /
		    pow(1.1, 45 / 365.0);

		ok(close_to(crm_model_clv(&c, 2, 30.43 * 7, 38.86 * 7, 20, 45,
		    0.1), want, 1e-12), "CLV: 45 days in two steps of 22.5, "
		    "discounted at their ends");
	}
	/* Degenerate data are refused with 65 (and no parameters). */
	for (i = 0; i < 50; i++)
		deg[i] = (struct crm_triple){ 0, 0, 1 + i, 1 };
	ok(fitrefused(CRM_BGNBD, deg, 50) && fitrefused(CRM_PNBD, deg, 50) &&
	    fitrefused(CRM_MBGNBD, deg, 50), "50 one-time buyers: no fit");
	for (i = 0; i < 30; i++)
		deg[i] = (struct crm_triple){ 20 + i, 20 + i, 20 + i, 1 };
	ok(fitrefused(CRM_BGNBD, deg, 30) && fitrefused(CRM_PNBD, deg, 30) &&
	    fitrefused(CRM_MBGNBD, deg, 30), "30 weekly buyers: no fit");
	deg[0] = (struct crm_triple){ 2, 30, 38, 1 };
	deg[1] = (struct crm_triple){ 0, 0, 20, 1 };
	deg[2] = (struct crm_triple){ 5, 40, 41, 1 };
	deg[3] = (struct crm_triple){ 1, 10, 30, 1 };
	deg[4] = (struct crm_triple){ 3, 20, 25, 1 };
	ok(fitrefused(CRM_BGNBD, deg, 5) && fitrefused(CRM_PNBD, deg, 5) &&
	    fitrefused(CRM_MBGNBD, deg, 5), "5 buyers: no fit");
	ok(fitsays(CRM_PNBD, deg, 5, line, sizeof line) == CRM_EX_DATAERR &&
	    strstr(line, "Pareto/NBD: no fit: no sign of dropout (s/beta -> "
	    "0); the NBD fits as well") != NULL,
	    "5 buyers: Pareto/NBD says what the data lack");
	for (i = 0; i < 30; i++)
		deg[i] = (struct crm_triple){ 20 + i, 20 + i, 20 + i, 1 };
	/*
	 * Each bought once a week up to today: one rate for all (r, alpha
	 * -> inf) and no dropout (a -> 0); the fit stops at the first
	 * parameter to run off, a.
	 */
	ok(fitsays(CRM_BGNBD, deg, 30, line, sizeof line) == CRM_EX_DATAERR &&
	    strstr(line, "BG/NBD: no fit: no sign of dropout (a -> 0)") !=
	    NULL,
	    "30 weekly buyers: BG/NBD says what the data lack");
	for (i = 0; i < 50; i++)
		deg[i] = (struct crm_triple){ 0, 0, 1 + i, 1 };
	ok(fitsays(CRM_MBGNBD, deg, 50, line, sizeof line) == CRM_EX_DATAERR &&
	    strstr(line, "MBG/NBD: no fit: no repeat purchases") != NULL,
	    "50 one-time buyers: MBG/NBD says what the data lack");
	for (i = 0; i < 50; i++)
		deg[i] = (struct crm_triple){ 1 + i % 4, 20, 0, 1 };
	ok(fitrefused(CRM_GG, deg, 50), "Gamma-Gamma: everyone spending the "
	    "same: no fit");
	hard();
	if ((fp = fopen(summary, "r")) == NULL) {
		ok(0, "the CDNOW summary opens");
		return;
	}
	t = calloc(3000, sizeof *t);
	g = calloc(3000, sizeof *g);
	fgets(line, sizeof line, fp);
	while (fgets(line, sizeof line, fp) != NULL && n < 3000) {
		double id, x, tx, T, z = 0;

		if (sscanf(line, "%lf,%lf,%lf,%lf,%lf", &id, &x, &tx, &T, &z) <
		    4)
			continue;
		t[n++] = (struct crm_triple){ x, tx, T, 1 };
		if (x > 0)
			g[ng++] = (struct crm_triple){ x, z, 0, 1 };
	}
	fclose(fp);
	/*
	 * CDNOW in whole weeks: few distinct times and many customers each,
	 * so the fit's sums per x take their table of (alpha + t)^m; still
	 * the sum of the customers' LL.
	 */
	{
		struct crm_triple *b = calloc(n, sizeof *b);

		for (i = 0; i < n; i++)
			b[i] = (struct crm_triple){ t[i].x, ceil(t[i].tx),
			    ceil(t[i].T), 1 };
		for (m = 0; m < CRM_GG; m++) {
			crm_model_fit(m, b, n, &f, 0);
			for (sum = 0, i = 0; i < n; i++)
				sum += crm_model_ll(m, f.p, b[i].x, b[i].tx,
				    b[i].T, NULL);
			snprintf(line, sizeof line, "%s on CDNOW in whole "
			    "weeks: LL %.17g is the customers' sum %.17g",
			    crm_model_info(m)->title, f.ll, sum);
			ok(close_to(f.ll, sum, 1e-12), line);
		}
		free(b);
	}
	/*
	 * Fader, Hardie & Lee (2005), "Counting your customers the easy
	 * way", table 1: r 0.243, alpha 4.414, a 0.793, b 2.426, LL
	 * -9582.4.
	 */
	ok(crm_model_fit(CRM_BGNBD, t, n, &f, 0) == 0 && (memcpy(p, f.p,
	    sizeof p), near(p[0], 0.243, 0.002)) &&
	    near(p[1], 4.414, 0.001) && near(p[2], 0.793, 0.001) &&
	    near(p[3], 2.426, 0.001) && fabs(f.ll + 9582.4) < 0.05 &&
	    f.iter > 0 && f.gnorm < 1e-3 && f.n == 2357,
	    "BG/NBD on CDNOW: the published r, alpha, a, b and log-likelihood");
	/* One truth: the fit's LL is the sum of the customers' LL. */
	for (sum = 0, i = 0; i < n; i++)
		sum += crm_model_ll(CRM_BGNBD, f.p, t[i].x, t[i].tx, t[i].T,
		    NULL);
	ok(close_to(f.ll, sum, 1e-12), "BG/NBD: the fit's LL is the sum of "
	    "crm_model_ll over the customers");
	/*
	 * The standard errors: the Hessian's by an independent
	 * implementation (tests/models.py's scipy fit gives 0.0126,
	 * 0.378, 0.186, 0.705 to three digits).
	 */
	ok(near(f.se[0], 0.0126, 0.01) && near(f.se[1], 0.378, 0.01) &&
	    near(f.se[2], 0.186, 0.01) && near(f.se[3], 0.705, 0.01),
	    "BG/NBD on CDNOW: standard errors");
	/*
	 * Customer 1 (x = 2, t_x = 30.43, T = 38.86).  P(alive), equation
	 * (13) of the BG/NBD paper by hand with the published parameters:
	 * 1 / (1 + 0.793 / 3.426 (43.274 / 34.844)^2.243) = 0.72658.
	 * E[Y(39)] = 1.226 in Hardie's BG/NBD spreadsheet (lifetimes' test
	 * pins its BetaGeoFitter to it within 0.001).
	 */
	ok(near(crm_model_palive(CRM_BGNBD, p, 2, 30.43, 38.86), 0.72658,
	    0.001), "BG/NBD: P(alive) of CDNOW customer 1");
	ok(fabs(crm_model_expected(CRM_BGNBD, p, 2, 30.43, 38.86, 39) - 1.226) <
	    0.001, "BG/NBD: customer 1's expected purchases in 39 weeks");
	/*
	 * Fader, Hardie & Lee (2005), "RFM and CLV", Pareto/NBD: r 0.5534,
	 * alpha 10.5802, s 0.6061, beta 11.6656, LL -9595.0.
	 */
	ok(crm_model_fit(CRM_PNBD, t, n, &f, 0) == 0 && (memcpy(p, f.p,
	    sizeof p), near(p[0], 0.5534, 0.001)) &&
	    near(p[1], 10.5802, 0.001) && near(p[2], 0.6061, 0.001) &&
	    near(p[3], 11.6656, 0.001) && fabs(f.ll + 9595.0) < 0.05,
	    "Pareto/NBD on CDNOW: published values");
	for (sum = 0, i = 0; i < n; i++)
		sum += crm_model_ll(CRM_PNBD, f.p, t[i].x, t[i].tx, t[i].T,
		    NULL);
	ok(close_to(f.ll, sum, 1e-12), "Pareto/NBD: the fit's LL is the sum "
	    "of crm_model_ll over the customers");
	/* The BTYD walkthrough's example: 25.46 purchases in 52 weeks. */
	ok(fabs(crm_model_expected(CRM_PNBD, p, 26, 30.86, 31, 52) - 25.46) <
	    0.01, "Pareto/NBD: x = 26, t_x = 30.86, T = 31 expects 25.46 in "
	    "52");
	/* BTYDplus's MBG/NBD fit, as lifetimes' tests pin it. */
	ok(crm_model_fit(CRM_MBGNBD, t, n, &f, 0) == 0 && (memcpy(p, f.p,
	    sizeof p), near(p[0], 0.525, 0.002)) &&
	    near(p[1], 6.183, 0.002) && near(p[2], 0.891, 0.002) &&
	    near(p[3], 1.614, 0.002), "MBG/NBD on CDNOW: BTYDplus's values");
	for (sum = 0, i = 0; i < n; i++)
		sum += crm_model_ll(CRM_MBGNBD, f.p, t[i].x, t[i].tx, t[i].T,
		    NULL);
	ok(close_to(f.ll, sum, 1e-12), "MBG/NBD: the fit's LL is the sum of "
	    "crm_model_ll over the customers");
	/* Fader, Hardie & Lee (2005), "RFM and CLV": 6.25, 3.74, 15.44. */
	ok(crm_model_fit(CRM_GG, g, ng, &f, 0) == 0 && (memcpy(p, f.p,
	    sizeof p), ng == 946) &&
	    near(p[0], 6.25, 0.002) && near(p[1], 3.74, 0.002) &&
	    near(p[2], 15.44, 0.002), "Gamma-Gamma on CDNOW: published values");
	for (sum = 0, i = 0; i < ng; i++)
		sum += crm_model_ll(CRM_GG, f.p, g[i].x, g[i].tx, 0, NULL);
	ok(close_to(f.ll, sum, 1e-12), "Gamma-Gamma: the fit's LL is the sum "
	    "of crm_model_ll over the customers");
	/* mpmath: the density of m_x = 22.35 of x = 2 at 6.25, 3.74, 15.44. */
	ok(close_to(crm_model_ll(CRM_GG, gp, 2, 22.35, 0, NULL),
	    -3.5513167597317047, 1e-12), "Gamma-Gamma: customer 1's "
	    "log-likelihood (mpmath)");
	/*
	 * Hardie's Gamma-Gamma spreadsheet (note 025): customer 1 (x = 2,
	 * m_x = 22.35) expects 24.65 with p 6.25, q 3.74, gamma 15.44; by
	 * hand 6.25 (15.44 + 2 x 22.35) / (6.25 x 2 + 3.74 - 1) = 24.66.
	 */
	ok(fabs(crm_gg_spend(gp, 2, 22.35) - 24.664) < 0.001,
	    "Gamma-Gamma: customer 1's expected spend");
	free(t);
	free(g);
}

/*
 * Every connection syncs each commit (synchronous = FULL, 2): a command
 * that exited 0 keeps its data through a power loss.  Some SQLite builds
 * default to NORMAL in WAL mode, which syncs only at checkpoints.
 */
static void
syncfull(void)
{
	char path[4096], *args[] = { "crm-unit", "-d", path, NULL };
	const char *tmp = getenv("TMP");
	struct crm_store *st = NULL;
	struct crm_cli cli;
	int64_t sync = -1;

	snprintf(path, sizeof path, "%s/unit-%ld.db", tmp != NULL ? tmp :
	    "/tmp", (long)getpid());
	crm_cli_begin(&cli, 3, args, NULL, "d");
	while (crm_cli_next(&cli) != -1)
		;
	cli.quiet = 1;
	ok(crm_store_open(&st, &cli, CRM_WRITE) == CRM_EX_OK &&
	    crm_query_int(st, &sync, "PRAGMA synchronous", 0) == CRM_EX_OK &&
	    sync == 2, "store: a writer syncs every commit (FULL)");
	crm_store_close(st);
	unlink(path);
}

/* head, unit times over, tail: a malloc'd string (exits when out). */
static char *
rep(const char *head, const char *unit, size_t times, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *b, *p;

	if ((b = malloc(hl + ul * times + tl + 1)) == NULL)
		exit(2);
	memcpy(b, head, hl);
	for (p = b + hl, i = 0; i < times; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return b;
}

/* open n times, mid, close n times. */
static char *
nested(const char *open, size_t n, const char *mid, const char *close)
{
	char *tail = rep(mid, close, n, ""), *b = rep("", open, n, tail);

	free(tail);
	return b;
}

/* Two lists of 1 + n values each, joined by or. */
static char *
twolists(size_t n)
{
	char *a = rep("name in (\"0\"", ", \"1\"", n, ") or name in (\"0\""),
	    *b = rep(a, ", \"1\"", n, ")");

	free(a);
	return b;
}

/* ok() for a generated expression, which it frees. */
static void
okx(char *expr, int want, const char *what)
{
	ok(want ? compiles(expr, NULL) : refused(expr), what);
	free(expr);
}

/*
 * crm(7): at most 24 levels of not and parentheses, 500 and/or and
 * 10,000 values in one expression, ~ patterns of 50,000 bytes; past them
 * a usage error, never a crash or SQLite's refusal, up to the 1 MiB
 * inputs of the fuzzer.
 */
static void
bounds(void)
{
	const size_t mib = 1 << 20;

	okx(rep("", "not ", 24, "name"), 1, "filter: 24 nots");
	okx(rep("", "not ", 25, "name"), 0, "filter: 25 nots refused");
	okx(nested("(", 24, "name", ")"), 1, "filter: 24 parentheses");
	okx(nested("(", 25, "name", ")"), 0,
	    "filter: 25 parentheses refused");
	okx(nested("not (", 12, "name", ")"), 1,
	    "filter: 12 nots of parentheses");
	okx(nested("not (", 13, "name", ")"), 0,
	    "filter: 13 nots of parentheses refused");
	okx(rep("name", " or name", 500, ""), 1, "filter: 500 ors");
	okx(rep("name", " or name", 501, ""), 0, "filter: 501 ors refused");
	okx(nested("", 250, "name", " and name or name"), 1,
	    "filter: 250 ands and 250 ors");
	okx(rep("name = 1", " and name = 2", 500, " or name"), 0,
	    "filter: 500 ands and an or refused");
	okx(rep("name in (\"0\"", ", \"1\"", 9999, ")"), 1,
	    "filter: 10,000 values");
	okx(rep("name in (\"0\"", ", \"1\"", 10000, ")"), 0,
	    "filter: 10,001 values refused");
	okx(twolists(4999), 1, "filter: 10,000 values in two lists");
	okx(twolists(5000), 0, "filter: 10,002 values in two lists refused");
	okx(rep("name", " or name", mib / 8, ""), 0,
	    "filter: 1 MiB of or refused");
	okx(rep("", "not ", mib / 4, "name"), 0,
	    "filter: 1 MiB of not refused");
	okx(nested("(", 100000, "name", ")"), 0,
	    "filter: 100,000 parentheses refused");
	okx(rep("name in (", "\"x\",", mib / 4, "\"x\")"), 0,
	    "filter: 1 MiB of values refused");
	okx(rep("name = \"", "x", mib, "\""), 1,
	    "filter: a 1 MiB value is a value");
	okx(rep("name = \"", "x", mib, ""), 0,
	    "filter: a 1 MiB unclosed quote refused");
	okx(rep("name ~ \"", "x", 50000, "\""), 1,
	    "filter: a ~ pattern of 50,000 bytes");
	okx(rep("name ~ \"", "x", 50001, "\""), 0,
	    "filter: a ~ pattern of 50,001 bytes refused");
	okx(rep("attr.k ~ \"", "x", 50001, "\""), 0,
	    "filter: an attr.KEY ~ pattern of 50,001 bytes refused");
}

/* Open the store at path for writing, as a command would. */
static struct crm_store *
store(struct crm_cli *cli, char *path)
{
	char *av[] = { "crm-unit", "-d", path, NULL };
	struct crm_store *st = NULL;

	optind = 1;
	crm_cli_begin(cli, 3, av, NULL, "d");
	while (crm_cli_next(cli) != -1)
		;
	if (crm_store_open(&st, cli, CRM_WRITE) != CRM_EX_OK) {
		crm_store_close(st);
		return NULL;
	}
	return st;
}

static int64_t
num(struct crm_store *st, const char *sql)
{
	int64_t v = -1;

	if (st == NULL || crm_query_int(st, &v, sql, 0) != CRM_EX_OK)
		return -1;
	return v;
}

static int
copyfile(const char *from, const char *to)
{
	char buf[8192];
	size_t got;
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	int rc = in != NULL && out != NULL ? 0 : -1;

	while (rc == 0 && (got = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, got, out) != got)
			rc = -1;
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		rc = -1;
	return rc;
}

/* 1 when a customer with field=value is refused as forgotten. */
static int
forgotten(struct crm_store *st, const char *assign)
{
	struct crm_forgotten *f = NULL;
	struct crm_loc at = { "unit", 0, NULL };
	struct crm_rec r;
	int yes;

	if (crm_rec_init(&r, crm_kind_customer(), 1) != CRM_EX_OK ||
	    crm_rec_assign(&r, assign) != CRM_EX_OK ||
	    crm_forgotten_open(&f, st) != CRM_EX_OK) {
		crm_forgotten_close(f);
		crm_rec_free(&r);
		return 0;
	}
	yes = crm_forgotten_check(f, &r, 0, &at) == CRM_EX_DATAERR;
	crm_forgotten_close(f);
	crm_rec_free(&r);
	return yes;
}

/*
 * A forget outlives a restore: a backup taken before it gets it again
 * from the list kept beside the backups, or from the replaced store.
 */
static void
forgets(const char *dir)
{
	static const char same_hashes[] = "SELECT count(*) FROM forgotten";
	char a[1024], b[1024], c[1024], list[1024];
	struct crm_cli cli;
	struct crm_store *st;
	long nf = -1, again = -1;
	struct stat sb;
	int64_t hashes;

	snprintf(a, sizeof a, "%s/forget-a.db", dir);
	snprintf(b, sizeof b, "%s/forget-b.db", dir);
	snprintf(c, sizeof c, "%s/forget-c.db", dir);
	snprintf(list, sizeof list, "%s/forgets.db", dir);
	/* Store a with one customer; b, its backup, before the forget. */
	st = store(&cli, a);
	ok(st != NULL && crm_exec(st, "INSERT INTO customer (ref, name, email, "
	    "created) VALUES ('R-7', 'Ann Example', 'ann@example.com', 0)") ==
	    CRM_EX_OK && crm_store_commit(st) == CRM_EX_OK,
	    "forget: a store with a customer");
	crm_store_close(st);
	ok(copyfile(a, b) == 0 && copyfile(a, c) == 0,
	    "forget: two backups of it");
	st = store(&cli, a);
	ok(st != NULL && crm_customer_forget(st, 1) == CRM_EX_OK &&
	    crm_store_commit(st) == CRM_EX_OK && crm_forget_save(st, list) ==
	    CRM_EX_OK, "forget: forgotten, and the list saved");
	/* ref and e-mail: two hashes. */
	hashes = num(st, same_hashes);
	ok(hashes == 2, "forget: two hashes (ref, e-mail)");
	ok(stat(list, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "forget: the list is mode 0600");
	crm_store_close(st);
	st = store(&cli, b);
	ok(st != NULL && crm_forget_reapply(st, list, &nf) == CRM_EX_OK &&
	    nf == 1 && crm_store_commit(st) == CRM_EX_OK,
	    "forget: the list re-applies one forget to the backup");
	ok(num(st, "SELECT count(*) FROM customer WHERE name = 'forgotten 1' "
	    "AND email IS NULL AND ref IS NULL") == 1 &&
	    num(st, same_hashes) == hashes,
	    "forget: the backup's customer is erased, the hashes kept");
	ok(crm_forget_reapply(st, list, &again) == CRM_EX_OK && again == 0,
	    "forget: a forget the store has is not applied twice");
	crm_store_close(st);
	st = store(&cli, c);
	ok(st != NULL && crm_forget_reapply(st, a, &nf) == CRM_EX_OK &&
	    nf == 1 && crm_store_commit(st) == CRM_EX_OK &&
	    num(st, "SELECT count(*) FROM customer WHERE name = 'forgotten "
	    "1'") == 1, "forget: so does the store a restore replaces");
	crm_store_close(st);
	/*
	 * A store with its own key and no forget (made before schema 5, its
	 * key by the migration) takes the list's key: the hashes match then.
	 */
	snprintf(c, sizeof c, "%s/forget-d.db", dir);
	st = store(&cli, c);
	ok(st != NULL && crm_forget_reapply(st, list, &nf) == CRM_EX_OK &&
	    nf == 1 && forgotten(st, "email=ann@example.com") &&
	    forgotten(st, "ref=R-7") && !forgotten(st, "email=bob@example.com"),
	    "forget: a new store takes the list's key with its hashes");
	crm_store_close(st);
	/* One with forgets of its own under another key cannot. */
	snprintf(c, sizeof c, "%s/forget-e.db", dir);
	st = store(&cli, c);
	ok(st != NULL && crm_exec(st, "INSERT INTO customer (name, created) "
	    "VALUES ('Bob', 0)") == CRM_EX_OK && crm_customer_forget(st, 1) ==
	    CRM_EX_OK && crm_exec(st, "INSERT INTO forgotten (hash, what, "
	    "forget) VALUES (x'00', 'ref', 1)") == CRM_EX_OK &&
	    crm_forget_reapply(st, list, &nf) == CRM_EX_DATAERR, "forget: forgets under another key are refused");
	crm_store_close(st);
}

/* crm_ratio_cmp, on ratios worked out by hand. */
static void
ratios(void)
{
	/* 3^39 < 2^62: a/(a+1) < (a+1)/(a+2), both the double 1.0. */
	const uint64_t a = 4052555153018976267ULL;

	ok(crm_ratio_cmp(1, 3, 2, 6) == 0, "ratio: 1/3 = 2/6");
	ok(crm_ratio_cmp(7, 2, 3, 1) == 1, "ratio: 7/2 > 3");
	ok(crm_ratio_cmp(0, 5, 0, 7) == 0 && crm_ratio_cmp(0, 5, 1, 7) == -1,
	    "ratio: 0/5 = 0/7 < 1/7");
	/* pi's convergents: 355/113 = 3.14159292 > 103993/33102 = 3.14159265 */
	ok(crm_ratio_cmp(355, 113, 103993, 33102) == 1 &&
	    crm_ratio_cmp(103993, 33102, 355, 113) == -1,
	    "ratio: 355/113 = [3; 7, 16] > 103993/33102 = [3; 7, 15, ...]");
	ok((double)a / (a + 1) == (double)(a + 1) / (a + 2) &&
	    crm_ratio_cmp(a, a + 1, a + 1, a + 2) == -1 &&
	    crm_ratio_cmp(a + 1, a + 2, a, a + 1) == 1,
	    "ratio: a/(a+1) < (a+1)/(a+2) for a = 3^39, where doubles tie");
}

/* The time of day YYYY-MM-DD at 00:00 UTC (or 23:59:59 with end). */
static int64_t
day(const char *s, int end)
{
	const char *why;
	int64_t t = 0;

	if (crm_date_parse(s, 0, &t, &why) != 0)
		return -1;
	return end ? t + 86399 : t;
}

/*
 * The points ledger, by hand (as tests/points.t): c earns 100 on
 * 2024-01-10 and 50 on 2024-06-01, spends 30 on 2025-03-01 and 60 on
 * 2026-03-01; lots last 24 months, spent oldest first.
 */
static void
ledger(void)
{
	static const char *const c[][2] = { { "2024-01-10", "100" },
	    { "2024-06-01", "50" }, { "2025-03-01", "-30" },
	    { "2026-03-01", "-60" } };
	struct crm_ledger l;
	struct crm_dur period = { 24, 'm' };
	int64_t amount, end;
	int i, rc = CRM_EX_OK;

	/* 2025-12-31: 150 - 30 = 120, 70 of the first lot due 2026-01-10. */
	crm_ledger_init(&l, &period, day("2025-12-31", 1));
	for (i = 0; i < 3; i++)
		rc |= crm_ledger_entry(&l, day(c[i][0], 0), atoi(c[i][1]), 0);
	rc |= crm_ledger_end(&l);
	end = crm_ledger_expiring(&l, &amount);
	ok(rc == CRM_EX_OK && l.balance == 120 && l.earned == 150 &&
	    l.redeemed == 30 && l.expired == 0 && end == day("2026-01-10", 0)
	    && amount == 70, "ledger: 120 left, 70 expiring on 2026-01-10");
	/*
	 * 2026-03-31: the 70 lapsed on 2026-01-10; the 60 spent on 03-01
	 * take the 50 of the second lot and 10 of the lapsed, so 60 expire
	 * and nothing is left.
	 */
	crm_ledger_clear(&l);
	crm_ledger_init(&l, &period, day("2026-03-31", 1));
	for (i = 0; i < 4; i++)
		rc |= crm_ledger_entry(&l, day(c[i][0], 0), atoi(c[i][1]), 0);
	rc |= crm_ledger_end(&l);
	end = crm_ledger_expiring(&l, &amount);
	ok(rc == CRM_EX_OK && l.balance == 0 && l.earned == 150 &&
	    l.redeemed == 90 && l.expired == 60 && end == 0,
	    "ledger: spending after a lapse shrinks the expiry (60, not 70)");
	ok(l.ndue == 1 && l.due[0].ts == day("2024-01-10", 0) &&
	    l.due[0].left == 60, "ledger: one write-off due, of the "
	    "2024-01-10 lot, 60 points");
	/* d: 10 on 29 February 2024 lapse on 28 February 2026. */
	crm_ledger_reset(&l);
	rc = crm_ledger_entry(&l, day("2024-02-29", 0), 10, 0) |
	    crm_ledger_entry(&l, day("2025-01-01", 0), 5, 0) |
	    crm_ledger_end(&l);
	end = crm_ledger_expiring(&l, &amount);
	ok(rc == CRM_EX_OK && l.balance == 5 && l.expired == 10 &&
	    l.ndue == 1 && crm_dur_after(&period, l.due[0].ts) ==
	    day("2026-02-28", 0) && end == day("2027-01-01", 0) && amount == 5,
	    "ledger: 29 February + 24 months is 28 February; 5 left");
	/* An expiry written before is expired, not redeemed. */
	crm_ledger_reset(&l);
	rc = crm_ledger_entry(&l, day("2026-01-01", 0), 10, 0) |
	    crm_ledger_entry(&l, day("2026-02-01", 0), -4, 1) |
	    crm_ledger_entry(&l, day("2026-02-02", 0), -6, 0) |
	    crm_ledger_end(&l);
	ok(rc == CRM_EX_OK && l.balance == 0 && l.expired == 4 &&
	    l.redeemed == 6 && l.ndue == 0, "ledger: a written expiry counts "
	    "as expired, a redemption as redeemed");
	/* Lots of one day expire together. */
	crm_ledger_reset(&l);
	rc = crm_ledger_entry(&l, day("2026-01-05", 0), 3, 0) |
	    crm_ledger_entry(&l, day("2026-01-05", 0) + 3600, 4, 0) |
	    crm_ledger_entry(&l, day("2026-01-06", 0), 5, 0) |
	    crm_ledger_end(&l);
	end = crm_ledger_expiring(&l, &amount);
	ok(rc == CRM_EX_OK && end == day("2028-01-05", 0) && amount == 7,
	    "ledger: the lots of one day expire together (3 + 4)");
	crm_ledger_clear(&l);
}

/* A deterministic generator (Knuth's MMIX LCG): the same history each run. */
static uint64_t lcg = 42;

static int
rnd(int n)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((lcg >> 33) % (uint64_t)n);
}

/* Add one record of kind from "field=value" assignments, NULL-ended. */
static int
add(struct crm_store *st, const char *kind, const char *const *kv)
{
	const struct crm_kind *k = crm_kind_find(kind);
	struct crm_loc at = { "unit", 0, NULL };
	struct crm_writer *w = NULL;
	struct crm_rec r;
	int64_t id;
	int added, rc;

	if ((rc = crm_rec_init(&r, k, 0)) != CRM_EX_OK)
		return rc;
	for (; *kv != NULL && rc == CRM_EX_OK; kv++)
		rc = crm_rec_assign(&r, *kv);
	if (rc == CRM_EX_OK &&
	    (rc = crm_writer_new(&w, st, k, CRM_W_ADD, 0, 0)) == CRM_EX_OK &&
	    (rc = crm_writer_put(w, &r, &at, &id, &added)) == CRM_EX_OK)
		rc = crm_writer_finish(w, NULL, NULL, "unit");
	crm_writer_free(w);
	crm_rec_free(&r);
	return rc;
}

/* Random history of customers 1..ncust, one record a write. */
static int
history(struct crm_store *st, int ncust, int nrec)
{
	static const char *const channels[] = { "phone", "email", "chat",
	    "social", "visit", "other" };
	static const char *const tkinds[] = { "complaint", "question",
	    "suggestion", "praise" };
	static const char *const skinds[] = { "csat", "nps", "expectation",
	    "satisfaction" };
	static int64_t later;
	char a[8][64];
	const char *kv[9];
	int i, j, c, rc = CRM_EX_OK;
	/* 2020-01-01, in seconds. */
	const int64_t t0 = 1577836800;
	int64_t t, opened;

	for (i = 0; i < nrec && rc == CRM_EX_OK; i++) {
		for (j = 0; j < 9; j++)
			kv[j] = NULL;
		/* Over 90 days, hours apart: purchase days repeat. */
		t = t0 + (int64_t)rnd(90) * 86400 + rnd(3) * 3600;
		/*
		 * What the updates cannot tell (an order line, a survey older
		 * than the latest) recomputes its customer at commit: only
		 * customers up to 10 have those, so the rest show the updates.
		 */
		c = 1 + rnd(ncust);
		snprintf(a[0], sizeof a[0], "customer=%d", c);
		snprintf(a[1], sizeof a[1], "ts=@%lld", (long long)t);
		kv[0] = a[0];
		kv[1] = a[1];
		switch (rnd(5)) {
		case 0:
			/* Refunds too, and lines of shared orders. */
			snprintf(a[2], sizeof a[2], "amount=%d.%02d",
			    rnd(10) == 0 ? -rnd(50) : rnd(500), rnd(100));
			kv[2] = a[2];
			if (c <= 10 && rnd(2) == 0) {
				snprintf(a[3], sizeof a[3], "order_ref=O%d",
				    rnd(40));
				snprintf(a[4], sizeof a[4], "product=p%d", i);
				kv[3] = a[3];
				kv[4] = a[4];
			}
			rc = add(st, "purchase", kv);
			break;
		case 1:
			snprintf(a[2], sizeof a[2], "channel=%s",
			    channels[rnd(6)]);
			snprintf(a[3], sizeof a[3], "direction=%s",
			    rnd(2) ? "in" : "out");
			kv[2] = a[2];
			kv[3] = a[3];
			rc = add(st, "contact", kv);
			break;
		case 2:
			/* Open, closed, or resolved some days later. */
			opened = t;
			snprintf(a[1], sizeof a[1], "opened=@%lld",
			    (long long)opened);
			snprintf(a[2], sizeof a[2], "kind=%s", tkinds[rnd(4)]);
			kv[2] = a[2];
			if (rnd(2)) {
				snprintf(a[3], sizeof a[3], "status=closed");
				snprintf(a[4], sizeof a[4], "resolved=@%lld",
				    (long long)(opened + rnd(30) * 86400));
				kv[3] = a[3];
				kv[4] = a[4];
			}
			rc = add(st, "ticket", kv);
			break;
		case 3:
			j = rnd(4);
			if (c > 10) {
				snprintf(a[1], sizeof a[1], "ts=@%lld",
				    (long long)(t0 + 100 * 86400 + ++later));
			}
			snprintf(a[2], sizeof a[2], "kind=%s", skinds[j]);
			snprintf(a[3], sizeof a[3], "score=%d", j == 0 ?
			    1 + rnd(5) : j == 1 ? rnd(11) : 1 + rnd(10));
			kv[2] = a[2];
			kv[3] = a[3];
			rc = add(st, "survey", kv);
			break;
		default:
			snprintf(a[2], sizeof a[2], "delta=%d", 1 + rnd(100));
			kv[2] = a[2];
			rc = add(st, "points", kv);
			break;
		}
	}
	return rc;
}

/*
 * How many customers metric name gives different values as stored (from
 * the stats row, kept by each write's update) and as of now from history
 * (metric.c's as-of SQL); *set: how many have it set and not 0.
 */
static int64_t
differ(struct crm_store *st, const char *name, int64_t *set)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int64_t bad = -1;

	*set = -1;
	crm_sql_add(&q, "SELECT count(*) FILTER (WHERE a IS NOT b), count(*) "
	    "FILTER (WHERE a IS NOT NULL AND a != 0) FROM (SELECT ");
	q.hist = 0;
	if (crm_metric_sql(&q, name, "c.id") != 0)
		goto out;
	crm_sql_add(&q, " AS a, ");
	q.hist = 1;
	crm_metric_sql(&q, name, "c.id");
	crm_sql_add(&q, " AS b FROM customer AS c LEFT JOIN stats AS s ON "
	    "s.customer = c.id)");
	if (crm_sql_prepare(st, &q, &s) == CRM_EX_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		bad = sqlite3_column_int64(s, 0);
		*set = sqlite3_column_int64(s, 1);
	}
out:
	sqlite3_finalize(s);
	crm_sql_free(&q);
	return bad;
}

/* The stats table as one string, for before/after comparisons. */
static char *
statsdump(struct crm_store *st)
{
	sqlite3_stmt *s = NULL;
	char *out = NULL;

	if (crm_prepare(st, "SELECT group_concat(r, ';') FROM (SELECT "
	    "printf('%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,"
	    "%d', customer, first_purchase, last_purchase, purchases, orders, "
	    "days, revenue, first_day_revenue, last_contact, last_online, "
	    "last_visit, last_inbound, open_tickets, csat, nps, expectation, "
	    "satisfaction, points, newest) AS r FROM stats ORDER BY customer)",
	    &s) == CRM_EX_OK && sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_text(s, 0) != NULL)
		out = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out;
}

/*
 * Every metric both ways on random history: kept up to date write by
 * write (and at commit where a write cannot tell), and recomputed from
 * the history by its as-of SQL; the stats rows again from scratch.
 */
static void
metrics(const char *dir)
{
	struct crm_cli cli;
	struct crm_store *st;
	char path[1024], what[128], *before, *after;
	const char *name;
	int64_t bad, set;
	int i, ok1;

	snprintf(path, sizeof path, "%s/metrics.db", dir);
	st = store(&cli, path);
	ok1 = st != NULL;
	for (i = 1; ok1 && i <= 30; i++) {
		char nm[32];
		const char *kv[] = { nm, NULL };

		snprintf(nm, sizeof nm, "name=C%d", i);
		ok1 = add(st, "customer", kv) == CRM_EX_OK;
	}
	/* Three commits; deletions between, which recompute at commit. */
	ok1 = ok1 && history(st, 30, 400) == CRM_EX_OK &&
	    crm_store_commit(st) == CRM_EX_OK &&
	    crm_store_begin(st, CRM_WRITE) == CRM_EX_OK;
	for (i = 1; ok1 && i <= 60; i += 7)
		ok1 = crm_rec_delete(st, crm_kind_find(i % 2 ? "purchase" :
		    "survey"), i) == CRM_EX_OK;
	ok1 = ok1 && crm_store_commit(st) == CRM_EX_OK &&
	    crm_store_begin(st, CRM_WRITE) == CRM_EX_OK &&
	    history(st, 30, 400) == CRM_EX_OK &&
	    crm_exec(st, "INSERT INTO fit (model, unit, scale, asof, p1, p2, "
	    "p3, p4, loglik, n, ts) VALUES ('bgnbd', 'day', 1, 0, 0.24, 4.4, "
	    "0.79, 2.4, 0, 1, 0)") == CRM_EX_OK &&
	    crm_store_commit(st) == CRM_EX_OK &&
	    crm_store_begin(st, CRM_WRITE) == CRM_EX_OK;
	ok(ok1, "metrics: random history, write by write, in three commits");
	for (i = 0; ok1 && (name = crm_metric_name(i)) != NULL; i++) {
		bad = differ(st, name, &set);
		snprintf(what, sizeof what, "metrics: %s stored and as of now "
		    "from history agree (%lld set)", name, (long long)set);
		/* The history sets every metric for some customers. */
		ok(bad == 0 && set > 0, what);
	}
	before = ok1 ? statsdump(st) : NULL;
	after = before != NULL && crm_stats_rebuild(st) == CRM_EX_OK ?
	    statsdump(st) : NULL;
	ok(after != NULL && strcmp(before, after) == 0,
	    "metrics: the stats rows kept write by write are those rebuilt "
	    "from the history");
	free(before);
	free(after);
	crm_store_close(st);
}

/* Did you mean: distances worked out by hand. */
static void
suggests(void)
{
	static const char *const names[] = { "currency", "timezone", "today",
	    "rfm", "value", "presale", "service", NULL };

	ok(crm_suggest("curency", names, 7) != NULL &&
	    strcmp(crm_suggest("curency", names, 7), "currency") == 0,
	    "suggest: one letter dropped");
	ok(crm_suggest("rmf", names, 7) != NULL &&
	    strcmp(crm_suggest("rmf", names, 7), "rfm") == 0,
	    "suggest: two letters swapped count once");
	ok(crm_suggest("curr", names, 7) != NULL &&
	    strcmp(crm_suggest("curr", names, 7), "currency") == 0,
	    "suggest: a prefix");
	ok(crm_suggest("vaule", names, 7) != NULL &&
	    strcmp(crm_suggest("vaule", names, 7), "value") == 0,
	    "suggest: a swap in a short word");
	ok(crm_suggest("zebra", names, 7) == NULL, "suggest: nothing near");
	ok(crm_suggest("today", names, 7) == NULL,
	    "suggest: an exact name is no suggestion");
	ok(crm_suggest("tz", names, 7) == NULL,
	    "suggest: two edits in a two-letter word are too many");
}

/* Run crm_cli_next over argv with opts; the last value it returned. */
static int
parse(struct crm_cli *cli, const struct crm_opt *opts, char **argv,
    int argc, int *nopts)
{
	int c, last = 0;

	crm_cli_begin(cli, argc, argv, opts, "d");
	*nopts = 0;
	while ((c = crm_cli_next(cli)) != -1) {
		if (c == '?')
			return '?';
		last = c;
		++*nopts;
	}
	return last;
}

/* Option tables: no limit on their length; shares as 0.3 or 30%. */
static void
options(void)
{
	static struct crm_opt big[72];
	static char names[70][8];
	struct crm_opt sh[] = {
		{ 'r', "rate", CRM_ARG_SHARE, "r", "a share", NULL, 0, 0 },
		{ 'p', "prob", CRM_ARG_PROB, "p", "a probability", NULL, 0,
		    0 },
		{ 'k', "keep", CRM_ARG_INT, "n", "a count", NULL, 1, 9 },
		{ 'u', "unit", CRM_ARG_ENUM, NULL, "a unit", "day,week", 0,
		    0 },
		{ 0 },
	};
	char *a1[] = { "crm-unit", "--o69", "--o0", "x", "--o35", NULL };
	char *a2[] = { "crm-unit", "-r", "30%", NULL };
	char *a3[] = { "crm-unit", "--rate=0.3", NULL };
	char *a4[] = { "crm-unit", "-r", "5", NULL };
	char *a5[] = { "crm-unit", "--rate", "101%", NULL };
	char *a6[] = { "crm-unit", "-p", "1", NULL };
	char *a7[] = { "crm-unit", "-p", "99.5%", NULL };
	char *a8[] = { "crm-unit", "-k", "10", NULL };
	char *a9[] = { "crm-unit", "-u", "week", "--unit", "day", NULL };
	struct crm_cli cli;
	int i, n;

	for (i = 0; i < 70; i++) {
		snprintf(names[i], sizeof names[i], "o%d", i);
		big[i] = (struct crm_opt){ CRM_OPT_OWN + i, names[i],
		    CRM_ARG_NONE, NULL, "one of many", NULL, 0, 0 };
	}
	ok(parse(&cli, big, a1, 5, &n) == CRM_OPT_OWN + 35 && n == 3 &&
	    cli.optind == 4, "options: a table of 70 long options, none "
	    "dropped (the 48 of old)");
	ok(parse(&cli, sh, a2, 3, &n) == 'r' && cli.num == 0.3,
	    "options: a share of 30% is 0.3");
	ok(parse(&cli, sh, a3, 2, &n) == 'r' && cli.num == 0.3,
	    "options: a share of 0.3 is 0.3");
	ok(parse(&cli, sh, a4, 3, &n) == '?', "options: a bare share above "
	    "1 is refused, not 500%");
	ok(parse(&cli, sh, a5, 3, &n) == '?', "options: a share of 101% is "
	    "refused");
	ok(parse(&cli, sh, a6, 3, &n) == '?', "options: a probability of 1 "
	    "is refused");
	ok(parse(&cli, sh, a7, 3, &n) == 'p' && fabs(cli.num - 0.995) <
	    1e-15, "options: a probability of 99.5% is 0.995");
	ok(parse(&cli, sh, a8, 3, &n) == '?', "options: a count above its "
	    "bound is refused");
	ok(parse(&cli, sh, a9, 5, &n) == 'u' && n == 2 && cli.choice == 0,
	    "options: an enum's value is its index among the values");
}

/*
 * crm_g17 against "%.17g": the expected strings are Python's '%.17g' %
 * v (David Gay's correctly rounded dtoa, not glibc's), then a million
 * doubles of every size against glibc's printf, neighbours of the powers
 * of ten and ties (k + 1/8 with 18 digits: half to even) among them.
 */
static void
g17s(void)
{
	static const struct {
		double		 v;
		const char	*want;
	} t[] = {
		{ 0.1, "0.10000000000000001" }, { 1, "1" }, { 0.5, "0.5" },
		{ 123456789012345.125, "123456789012345.12" },
		{ 123456789012345.375, "123456789012345.38" },
		{ 1e-5, "1.0000000000000001e-05" }, { 0.0001, "0.0001" },
		{ 1e16, "10000000000000000" }, { 1e17, "1e+17" },
		{ 9.9999999999999998e-17, "9.9999999999999998e-17" },
		{ -2.5, "-2.5" }, { 0.0, "0" }, { -0.0, "-0" },
		{ 1.0 / 3, "0.33333333333333331" },
		{ 2.0 / 3, "0.66666666666666663" },
		{ 0.22851844701008328, "0.22851844701008328" },
		{ 1e-39, "9.9999999999999993e-40" },
		{ 1.5e300, "1.5000000000000001e+300" },
		{ 99999999999999984.0, "99999999999999984" },
		{ 0.00099999999999999999, "0.001" },
	};
	char a[64], b[CRM_G17_SIZE], first[200] = "";
	uint64_t u = 88172645463325252ULL;
	double v, p10;
	long i, bad = 0;
	int k, j, len, lenok = 1;
	size_t m;

	for (m = 0; m < sizeof t / sizeof t[0]; m++) {
		crm_g17(b, t[m].v);
		snprintf(a, sizeof a, "g17: %s", t[m].want);
		ok(strcmp(b, t[m].want) == 0, a);
	}
	for (i = 0; i < 1000000; i++) {
		u ^= u << 13, u ^= u >> 7, u ^= u << 17;
		switch (i % 4) {
		case 0:		/* any bits */
			memcpy(&v, &u, sizeof v);
			if (isnan(v))
				continue;
			break;
		case 1:		/* 53 bits times 2^-180 .. 2^60 */
			v = ldexp((double)(u >> 11), (int)(u % 241) - 233);
			break;
		case 2:		/* k + 1/8 near 1e14 .. 1e15: ties */
			v = (double)(u % 900000000000000ULL +
			    100000000000000ULL) + (double)(u >> 61) / 8;
			break;
		default:	/* a few digits over a power of ten */
			v = (double)(u % 100000) / pow(10, (double)(u >> 59));
			break;
		}
		len = crm_g17(b, v);
		snprintf(a, sizeof a, "%.17g", v);
		lenok &= len == (int)strlen(b);
		if (strcmp(a, b) != 0 && bad++ == 0)
			snprintf(first, sizeof first, " (first: %s for %s)", b,
			    a);
	}
	for (k = -45; k <= 20; k++) {
		p10 = pow(10, k);
		for (v = p10, j = 0; j < 40; j++, v = nextafter(v, 0)) {
			crm_g17(b, v);
			snprintf(a, sizeof a, "%.17g", v);
			bad += strcmp(a, b) != 0;
		}
		for (v = p10, j = 0; j < 40; j++, v = nextafter(v, 1e300)) {
			crm_g17(b, -v);
			snprintf(a, sizeof a, "%.17g", -v);
			bad += strcmp(a, b) != 0;
		}
	}
	if (bad > 0)
		fprintf(stderr, "g17: %ld differ%s\n", bad, first);
	ok(bad == 0, "g17: a million doubles as printf prints them");
	ok(lenok, "g17: the length returned is the string's");
}

/* -o table's streaming and cuts, and --redact's masks (crm(7),
 * crm-report(1): the documented examples). */
static void
tables(void)
{
	static const char *const names[] = { "n", "bar" };
	struct crm_out *o;
	char *buf = NULL, *m, *last;
	size_t len = 0, w;
	FILE *fp;
	int i;

	ok(crm_utf8_cut("\u5c71\u7530\u592a\u90ce", 3, &w) == 3 && w == 2,
	    "cut: 3 columns of 山田太郎 are 山 (3 bytes, 2 columns)");
	ok(crm_utf8_cut("abc", 5, &w) == 3 && w == 3, "cut: all of abc fits");
	ok(crm_utf8_cut("e\u0301x", 1, &w) == 3 && w == 1,
	    "cut: a combining mark stays with its letter");
	/* 1,000 rows set the widths; the bar column is 5 wide all the same:
	 * row 1001's n (2 digits, in a 1-column column) is whole and
	 * pushes its 5-column bar on, uncut. */
	if ((fp = open_memstream(&buf, &len)) == NULL ||
	    (o = crm_out_new(fp, CRM_FMT_TABLE, 1, 2, names)) == NULL) {
		ok(0, "table: a memory stream");
		return;
	}
	crm_out_minwidth(o, 1, 5);
	for (i = 0; i < 1000; i++) {
		crm_out_cell(o, CRM_V_NUM, "1");
		crm_out_cell(o, CRM_V_STR, "x");
		crm_out_endrow(o);
	}
	crm_out_cell(o, CRM_V_NUM, "22");
	crm_out_cell(o, CRM_V_STR, "xxxxx");
	crm_out_endrow(o);
	crm_out_cell(o, CRM_V_NUM, "3");
	crm_out_cell(o, CRM_V_STR, "xxxxxxxx");
	crm_out_endrow(o);
	crm_out_free(o);
	fclose(fp);
	last = buf != NULL ? strstr(buf, "22  ") : NULL;
	ok(buf != NULL && strncmp(buf, "n  bar\n1  x\n", 12) == 0 &&
	    last != NULL && strcmp(last, "22  xxxxx\n3  xxxx\u2026\n") == 0,
	    "table: a minimum width holds after 1,000 rows; longer text cut");
	free(buf);
	m = crm_redact("John Smith", CRM_MASK_NAME);
	ok(m != NULL && strcmp(m, "J*** S****") == 0, "redact: J*** S****");
	free(m);
	m = crm_redact("john.smith@example.com", CRM_MASK_EMAIL);
	ok(m != NULL && strcmp(m, "j***@example.com") == 0,
	    "redact: j***@example.com");
	free(m);
	m = crm_redact("+34 91 342 8228", CRM_MASK_PHONE);
	ok(m != NULL && strcmp(m, "+** ** *** **28") == 0,
	    "redact: +** ** *** **28");
	free(m);
	m = crm_redact("", CRM_MASK_EMAIL);
	ok(m != NULL && strcmp(m, "") == 0, "redact: empty stays empty");
	free(m);
}

int
main(int argc, char *argv[])
{
	dates();
	durations();
	money();
	utf8();
	filters();
	bounds();
	csv();
	syncfull();
	ratios();
	suggests();
	options();
	ledger();
	g17s();
	tables();
	if (argc > 1)
		models(argv[1]);
	/* lib.sh's scratch folder: stores are made there. */
	if (getenv("TMP") != NULL) {
		forgets(getenv("TMP"));
		metrics(getenv("TMP"));
	}
	printf("1..%d\n", n);
	return failed != 0;
}
