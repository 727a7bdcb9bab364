/*
 * filter.c: the filter language of crm(7), compiled to SQL.
 *
 *	expr  := and { "or" and }
 *	and   := not { "and" not }
 *	not   := "not" not | "(" expr ")" | test
 *	test  := FIELD [ OP value | ["not"] "in" "(" value { "," value } ")" ]
 *	OP    := = | == | != | <> | < | <= | > | >= | ~
 *
 * Identifiers come from the kind table, never from the text; every
 * literal is bound as a parameter.  Unset fields compare false, except
 * with != which they satisfy, and "not" turns unknown into true.
 *
 * Bounds keep the recursion here shallow and the SQL inside SQLite's
 * limits wherever a command puts it (a parser stack of 100, 1000 levels
 * of expression, 32766 variables, GLOB patterns of 50000 bytes): past
 * one, the filter is a usage error at the column where it went past,
 * never a failing statement.  A "not" or a "(" nests a level; SQLite's
 * tree is one level deeper for each "and" and "or" (a chain is as deep
 * as it is long), and every value is a variable.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

#define MAXNEST		24	/* "not" and "(" around a test */
#define MAXOPS		500	/* "and" and "or" in an expression */
#define MAXVALUES	10000	/* values in an expression */
#define MAXPATTERN	50000	/* bytes of a ~ pattern, as SQLite's GLOB */

enum tok {
	T_END,
	T_WORD,
	T_STR,
	T_LP,
	T_RP,
	T_COMMA,
	T_OP,
	T_BAD,
};

struct fx {
	const char		*opt;		/* the option that gave src */
	const char		*src;
	const char		*p;
	enum tok		 t;
	char			*text;		/* word, string or operator */
	size_t			 pos;		/* 1-based column of token */
	struct crm_sql		*q;
	const struct crm_kind	*kind;
	int			 decimals;
	int64_t			 now;
	int			 depth;		/* enclosing "not" and "(" */
	int			 ops;		/* "and" and "or" so far */
	int			 values;
};

/* A long expression is quoted around the column, not whole. */
#define QUOTE	40

static int
err(struct fx *x, const char *fmt, const char *arg)
{
	size_t len = strlen(x->src), from;
	char msg[256];
	int n;

	snprintf(msg, sizeof msg, fmt, arg);
	if (len <= 2 * QUOTE)
		return crm_err(CRM_EX_USAGE, NULL, "%s: %s (at column %zu of "
		    "\"%s\")", x->opt, msg, x->pos, x->src);
	from = x->pos - 1 > QUOTE ? x->pos - 1 - QUOTE : 0;
	n = (int)(len - from < 2 * QUOTE ? len - from : 2 * QUOTE);
	/* Whole UTF-8 characters: no continuation byte at either end. */
	while (from > 0 && ((unsigned char)x->src[from] & 0xc0) == 0x80)
		from--, n++;
	while (from + (size_t)n < len &&
	    ((unsigned char)x->src[from + n] & 0xc0) == 0x80)
		n--;
	return crm_err(CRM_EX_USAGE, NULL, "%s: %s (at column %zu of a %zu-"
	    "byte expression: %s\"%.*s\"%s)", x->opt, msg, x->pos, len,
	    from > 0 ? "..." : "", n, x->src + from,
	    from + (size_t)n < len ? "..." : "");
}

/*
 * One more value, if it stays within MAXVALUES, and a pattern (glob) of
 * at most MAXPATTERN bytes.
 */
static int
value(struct fx *x, int glob)
{
	char lim[32];

	if (glob && strlen(x->text) > MAXPATTERN) {
		snprintf(lim, sizeof lim, "%d", MAXPATTERN);
		return err(x, "a ~ pattern longer than %s bytes", lim);
	}
	if (++x->values <= MAXVALUES)
		return CRM_EX_OK;
	snprintf(lim, sizeof lim, "%d", MAXVALUES);
	return err(x, "more than %s values in one expression", lim);
}

static int
wordch(unsigned char c)
{
	/* strchr finds the terminating NUL too: test c first. */
	return c != 0 && (isalnum(c) || c >= 0x80 ||
	    strchr("_.:@+-/%", c) != NULL);
}

/* Read the next token into x->t and x->text. */
static int
next(struct fx *x)
{
	const char *s, *e;
	char q, *o;

	free(x->text);
	x->text = NULL;
	while (isspace((unsigned char)*x->p))
		x->p++;
	x->pos = (size_t)(x->p - x->src) + 1;
	s = x->p;
	if (*s == '\0')
		return x->t = T_END;
	if (*s == '(' || *s == ')' || *s == ',') {
		x->p++;
		return x->t = *s == '(' ? T_LP : *s == ')' ? T_RP : T_COMMA;
	}
	if (*s == '"' || *s == '\'') {
		q = *s++;
		/* As long as up to the closing quote, not the rest. */
		for (e = s; *e != q; e++) {
			if (*e == '\0')
				return x->t = T_BAD;
			if (*e == '\\' && (e[1] == q || e[1] == '\\'))
				e++;
		}
		if ((x->text = malloc((size_t)(e - s) + 1)) == NULL)
			return x->t = T_BAD;
		for (o = x->text; *s != q; s++) {
			if (*s == '\\' && (s[1] == q || s[1] == '\\'))
				s++;
			*o++ = *s;
		}
		*o = '\0';
		x->p = s + 1;
		return x->t = T_STR;
	}
	if (strchr("=!<>~", *s) != NULL) {
		size_t n = 1;

		if ((s[1] == '=' && *s != '~') || (s[0] == '<' && s[1] == '>'))
			n = 2;
		if (*s == '!' && n == 1)
			return x->t = T_BAD;
		x->text = strndup(s, n);
		x->p += n;
		return x->t = T_OP;
	}
	if (wordch((unsigned char)*s)) {
		while (wordch((unsigned char)*x->p))
			x->p++;
		x->text = strndup(s, (size_t)(x->p - s));
		return x->t = T_WORD;
	}
	return x->t = T_BAD;
}

static int
kw(struct fx *x, const char *w)
{
	return x->t == T_WORD && strcmp(x->text, w) == 0;
}

/* What a literal means for a field of type ty: bound as ?N. */
static int
literal(struct fx *x, const struct crm_field *f, int glob)
{
	const char *why, *s = x->text;
	struct crm_dur d;
	long long n;
	int64_t v;
	double r;
	char *end;
	int i, rc, share;

	if (x->t != T_WORD && x->t != T_STR)
		return err(x, "expected a value%s", "");
	if ((rc = value(x, glob)) != CRM_EX_OK)
		return rc;
	if (f == NULL || glob) {
		crm_sql_text(x->q, s);
		return CRM_EX_OK;
	}
	switch (f->type) {
	case CRM_T_ID:
	case CRM_T_INT:
		errno = 0;
		n = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0)
			return err(x, "\"%s\" is not a whole number", s);
		crm_sql_int(x->q, n);
		break;
	case CRM_T_REAL:
		/* A share (max 1): 0.3 and 30% alike, never a bare 30. */
		share = f->max == 1;
		errno = 0;
		r = strtod(s, &end);
		if (share && *s != '\0' && end != s && strcmp(end, "%") == 0) {
			r /= 100;
			end++;
		} else if (share && *s != '\0' && *end == '\0' && r > 1)
			return err(x, "%s is a share: a bare number above 1 is "
			    "not one (write 0.3 or 30%%)", s);
		if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(r))
			return err(x, "\"%s\" is not a number", s);
		if (share && (r < 0 || r > 1))
			return err(x, "%s is not a share: 0 to 1, or 0%% to "
			    "100%%", s);
		crm_sql_double(x->q, r);
		break;
	case CRM_T_DAYS:
		if (crm_dur_parse(s, &d, &why) == 0) {
			crm_sql_int(x->q, crm_dur_secs(&d) / 86400);
			break;
		}
		errno = 0;
		n = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0)
			return err(x, "\"%s\" is not a number of days (like "
			    "90d)", s);
		crm_sql_int(x->q, n);
		break;
	case CRM_T_DATE:
	case CRM_T_TIME:
		if (crm_date_parse(s, x->now, &v, &why) != 0)
			return err(x, "\"%s\" is not a date", s);
		crm_sql_int(x->q, v);
		break;
	case CRM_T_MONEY:
		if (crm_money_parse(s, x->decimals, &v, &why) != 0)
			return err(x, "\"%s\" is not an amount of money", s);
		crm_sql_int(x->q, v);
		break;
	case CRM_T_ENUM:
		for (i = 0; f->values[i] != NULL; i++)
			if (strcmp(f->values[i], s) == 0)
				break;
		if (f->values[i] == NULL)
			return err(x, "\"%s\" is not a value this field takes",
			    s);
		crm_sql_text(x->q, s);
		break;
	default:
		crm_sql_text(x->q, s);
		break;
	}
	return CRM_EX_OK;
}

static int expr(struct fx *);

static int
isnumber(const char *s)
{
	char *end;

	if (*s == '\0')
		return 0;
	errno = 0;
	(void)strtod(s, &end);
	return *end == '\0' && errno == 0;
}

/* attr.KEY and tag.NAME select through their indexes by customer id. */
static int
settest(struct fx *x, const char *field)
{
	int rc, neg, num;
	char *op;

	if (strncmp(field, "tag.", 4) == 0) {
		if (x->t == T_OP || kw(x, "in"))
			return err(x, "%s is true or false; use it alone or "
			    "with not", field);
		crm_sql_add(x->q, "c.id IN (SELECT customer FROM tag WHERE "
		    "tag = ");
		crm_sql_text(x->q, field + 4);
		crm_sql_add(x->q, ")");
		return CRM_EX_OK;
	}
	if (x->t != T_OP) {
		crm_sql_add(x->q, "c.id IN (SELECT customer FROM attr WHERE "
		    "key = ");
		crm_sql_text(x->q, field + 5);
		crm_sql_add(x->q, ")");
		return CRM_EX_OK;
	}
	op = x->text;
	x->text = NULL;
	neg = strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0;
	if (next(x) != T_WORD && x->t != T_STR) {
		free(op);
		return err(x, "expected a value%s", "");
	}
	if ((rc = value(x, op[0] == '~')) != CRM_EX_OK) {
		free(op);
		return rc;
	}
	num = strchr("<>", op[0]) != NULL && !neg && isnumber(x->text);
	crm_sql_add(x->q, "c.id %sIN (SELECT customer FROM attr WHERE key = ",
	    neg ? "NOT " : "");
	crm_sql_text(x->q, field + 5);
	if (num)
		crm_sql_add(x->q, " AND CAST(value AS REAL) %s CAST(", op);
	else
		crm_sql_add(x->q, " AND value %s ", neg ? "=" :
		    op[0] == '~' ? "GLOB" : op[0] == '=' ? "=" : op);
	crm_sql_text(x->q, x->text);
	crm_sql_add(x->q, num ? " AS REAL))" : ")");
	free(op);
	rc = next(x) == T_BAD ? err(x, "unexpected character%s", "") :
	    CRM_EX_OK;
	return rc;
}

static int
test(struct fx *x)
{
	const struct crm_field *f;
	char *field, *op, hint[96], msg[192];
	int rc = CRM_EX_OK, neg = 0, first;

	if (x->t != T_WORD)
		return err(x, "expected a field name%s", "");
	field = x->text;
	x->text = NULL;
	if ((x->kind->attrs && strncmp(field, "attr.", 5) == 0) ||
	    (x->kind->tags && strncmp(field, "tag.", 4) == 0)) {
		if (field[0] == 'a' && !crm_attr_key_valid(field + 5)) {
			rc = err(x, "%s: not a valid attribute name", field);
			goto out;
		}
		if (field[0] == 't' && !crm_tag_valid(field + 4)) {
			rc = err(x, "%s: not a valid tag name", field);
			goto out;
		}
		next(x);
		rc = settest(x, field);
		goto out;
	}
	f = crm_kind_field(x->kind, field);
	if (crm_field_known(x->kind, field, hint, sizeof hint) != 0) {
		snprintf(msg, sizeof msg, "%s: no such field%s", field, hint);
		rc = err(x, "%s", msg);
		goto out;
	}
	next(x);
	if (kw(x, "not")) {
		next(x);
		if (!kw(x, "in")) {
			rc = err(x, "expected in after not%s", "");
			goto out;
		}
		neg = 1;
	}
	if (kw(x, "in")) {
		if (next(x) != T_LP) {
			rc = err(x, "expected ( after in%s", "");
			goto out;
		}
		crm_sql_add(x->q, "(");
		crm_field_sql(x->q, x->kind, field, &f);
		crm_sql_add(x->q, " %sIN (", neg ? "NOT " : "");
		for (first = 1;; first = 0) {
			next(x);
			if (!first)
				crm_sql_add(x->q, ", ");
			if ((rc = literal(x, f, 0)) != CRM_EX_OK)
				goto out;
			if (next(x) == T_RP)
				break;
			if (x->t != T_COMMA) {
				rc = err(x, "expected , or )%s", "");
				goto out;
			}
		}
		crm_sql_add(x->q, "))");
		next(x);
		goto out;
	}
	if (x->t != T_OP) {
		/* A field alone: true when it is set. */
		crm_sql_add(x->q, "(");
		crm_field_sql(x->q, x->kind, field, &f);
		crm_sql_add(x->q, " IS NOT NULL)");
		goto out;
	}
	op = x->text;
	x->text = NULL;
	if (op[0] == '~' && f != NULL && f->type != CRM_T_TEXT &&
	    f->type != CRM_T_EMAIL && f->type != CRM_T_PHONE &&
	    f->type != CRM_T_ENUM) {
		rc = err(x, "~ matches text; %s is not text", field);
		free(op);
		goto out;
	}
	crm_sql_add(x->q, "(");
	crm_field_sql(x->q, x->kind, field, &f);
	if (strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0)
		crm_sql_add(x->q, " IS NOT ");
	else if (op[0] == '~')
		crm_sql_add(x->q, " GLOB ");
	else
		crm_sql_add(x->q, " %s ", strcmp(op, "==") == 0 ? "=" : op);
	next(x);
	rc = literal(x, f, op[0] == '~');
	free(op);
	if (rc != CRM_EX_OK)
		goto out;
	crm_sql_add(x->q, ")");
	next(x);
out:
	free(field);
	return rc;
}

/* One level deeper, if it stays within MAXNEST. */
static int
nest(struct fx *x)
{
	char lim[32];

	if (++x->depth <= MAXNEST)
		return CRM_EX_OK;
	snprintf(lim, sizeof lim, "%d", MAXNEST);
	return err(x, "nested more than %s deep in not and parentheses", lim);
}

static int
unary(struct fx *x)
{
	int rc;

	if (x->t == T_BAD)
		return err(x, "unexpected character or unclosed quote%s", "");
	if (kw(x, "not")) {
		if ((rc = nest(x)) != CRM_EX_OK)
			return rc;
		next(x);
		crm_sql_add(x->q, "((");
		if ((rc = unary(x)) != CRM_EX_OK)
			return rc;
		crm_sql_add(x->q, ") IS NOT 1)");
		x->depth--;
		return CRM_EX_OK;
	}
	if (x->t == T_LP) {
		if ((rc = nest(x)) != CRM_EX_OK)
			return rc;
		next(x);
		crm_sql_add(x->q, "(");
		if ((rc = expr(x)) != CRM_EX_OK)
			return rc;
		if (x->t != T_RP)
			return err(x, "expected )%s", "");
		crm_sql_add(x->q, ")");
		x->depth--;
		next(x);
		return CRM_EX_OK;
	}
	return test(x);
}

/* One more "and" or "or", if it stays within MAXOPS. */
static int
op(struct fx *x)
{
	char lim[32];

	if (++x->ops <= MAXOPS)
		return CRM_EX_OK;
	snprintf(lim, sizeof lim, "%d", MAXOPS);
	return err(x, "more than %s and/or in one expression; for a list "
	    "of values, use in (...)", lim);
}

static int
conjunction(struct fx *x)
{
	int rc;

	if ((rc = unary(x)) != CRM_EX_OK)
		return rc;
	while (kw(x, "and")) {
		if ((rc = op(x)) != CRM_EX_OK)
			return rc;
		next(x);
		crm_sql_add(x->q, " AND ");
		if ((rc = unary(x)) != CRM_EX_OK)
			return rc;
	}
	return CRM_EX_OK;
}

static int
expr(struct fx *x)
{
	int rc;

	if ((rc = conjunction(x)) != CRM_EX_OK)
		return rc;
	while (kw(x, "or")) {
		if ((rc = op(x)) != CRM_EX_OK)
			return rc;
		next(x);
		crm_sql_add(x->q, " OR ");
		if ((rc = conjunction(x)) != CRM_EX_OK)
			return rc;
	}
	return CRM_EX_OK;
}

int
crm_filter_compile(struct crm_sql *q, const struct crm_kind *k,
    const char *src, int decimals, int64_t now)
{
	return crm_filter_compile_as(q, k, "-w", src, decimals, now);
}

int
crm_filter_compile_as(struct crm_sql *q, const struct crm_kind *k,
    const char *opt, const char *src, int decimals, int64_t now)
{
	struct fx x;
	int rc;

	memset(&x, 0, sizeof x);
	x.opt = opt;
	x.src = x.p = src;
	x.q = q;
	x.kind = k;
	x.decimals = decimals;
	x.now = now;
	next(&x);
	if (x.t == T_END)
		rc = err(&x, "the expression is empty%s", "");
	else if ((rc = expr(&x)) == CRM_EX_OK && x.t == T_BAD)
		rc = err(&x, "unexpected character or unclosed quote%s", "");
	else if (rc == CRM_EX_OK && x.t != T_END)
		rc = err(&x, "unexpected \"%s\"", x.text != NULL ? x.text :
		    x.t == T_RP ? ")" : x.t == T_COMMA ? "," : x.t == T_LP ?
		    "(" : "character");
	free(x.text);
	return rc;
}
