/*
 * crm-basket: association rules between products over orders (an order is
 * an order_ref, else one customer's purchases of one day) by FP-growth,
 * and cross-sell suggestions per customer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_SUPPORT = CRM_OPT_OWN, OPT_CONFIDENCE, OPT_SUGGEST };

#define ORDERS	"SELECT coalesce('o' || order_ref, 'c' || customer || '@' " \
	"|| (ts / 86400)) AS o, product FROM purchase WHERE ts <= ?1 AND " \
	"product IS NOT NULL"
#define MAXRULE	16	/* itemsets larger than this give no rules */

struct rule {
	int	a, c;		/* bit masks over the itemset's items */
	const struct crm_itemset *u;
	int	nac, na, nc;	/* orders holding A and C, A, C */
	double	sup, conf, lift, score;
	char	*ante, *cons;
};

struct basket {
	char			**name;		/* item id -> product, sorted */
	int			 *count;
	int			  nitems;
	int64_t			  n;		/* orders */
	struct crm_itemset	 *sets;
	size_t			  nsets;
	struct rule		 *rules;
	size_t			  nrules, caprules;
};

static int
cmpset(const void *x, const void *y)
{
	const struct crm_itemset *a = x, *b = y;
	int i;

	if (a->n != b->n)
		return a->n - b->n;
	for (i = 0; i < a->n; i++)
		if (a->items[i] != b->items[i])
			return a->items[i] - b->items[i];
	return 0;
}

static int
cmpname(const void *k, const void *e)
{
	return strcmp(*(const char *const *)k, *(const char *const *)e);
}

/* The support count of the items of u picked by mask. */
static int
support(const struct basket *b, const struct crm_itemset *u, int mask)
{
	struct crm_itemset key, *hit;
	int items[MAXRULE], i, n = 0;

	for (i = 0; i < u->n; i++)
		if (mask & 1 << i)
			items[n++] = u->items[i];
	key.items = items;
	key.n = n;
	hit = bsearch(&key, b->sets, b->nsets, sizeof *b->sets, cmpset);
	return hit != NULL ? hit->count : 0;
}

static char *
names(const struct basket *b, const struct crm_itemset *u, int mask)
{
	size_t len = 1, o = 0;
	char *s;
	int i;

	for (i = 0; i < u->n; i++)
		if (mask & 1 << i)
			len += strlen(b->name[u->items[i]]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	/* Ids follow the names' order: sorted names, comma-joined. */
	for (i = 0; i < u->n; i++)
		if (mask & 1 << i)
			o += (size_t)snprintf(s + o, len - o, "%s%s", o ? "," :
			    "", b->name[u->items[i]]);
	return s;
}

/*
 * Lift n c(AC) / (c(A) c(C)) descending, then confidence c(AC) / c(A)
 * descending, support c(AC) / n descending, then the rule's text: the
 * antecedent, then the consequent.  n is the same for every rule, so lifts
 * compare as c(AC) / (c(A) c(C)); counts are ints, so c(A) c(C) < 2^62.
 */
static int
cmprule(const void *x, const void *y)
{
	const struct rule *a = x, *b = y;
	int c;

	if ((c = crm_ratio_cmp(b->nac, (uint64_t)b->na * b->nc, a->nac,
	    (uint64_t)a->na * a->nc)) != 0 ||
	    (c = crm_ratio_cmp(b->nac, b->na, a->nac, a->na)) != 0)
		return c;
	if (a->nac != b->nac)
		return a->nac < b->nac ? 1 : -1;
	if ((c = strcmp(a->ante, b->ante)) != 0)
		return c;
	return strcmp(a->cons, b->cons);
}

static int
load(struct crm_store *st, struct basket *b, double ms)
{
	sqlite3_stmt *s = NULL;
	struct crm_fp *fp = NULL;
	int *rank = NULL, *items = NULL, minsup, rc, i, k, ni = 0, cap = 0;
	char prev[512] = "";
	const char *p, *o;
	char **hit;

	/* Products in name order, with the orders holding each. */
	if ((rc = crm_prepare(st, "SELECT product, count(DISTINCT o) FROM ("
	    ORDERS ") GROUP BY product ORDER BY product", &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, crm_store_cli(st)->now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (b->nitems % 64 == 0) {
			char **nn = realloc(b->name, (b->nitems + 64) *
			    sizeof *nn);
			int *nc;

			if (nn == NULL)
				goto oom;
			b->name = nn;
			if ((nc = realloc(b->count, (b->nitems + 64) *
			    sizeof *nc)) == NULL)
				goto oom;
			b->count = nc;
		}
		if ((b->name[b->nitems] = strdup((const char *)
		    sqlite3_column_text(s, 0))) == NULL)
			goto oom;
		b->count[b->nitems++] = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = crm_query_int(st, &b->n, "SELECT count(DISTINCT o) FROM ("
	    ORDERS ")", 1, (int64_t)crm_store_cli(st)->now)) != CRM_EX_OK)
		goto out;
	if (b->n == 0) {
		rc = CRM_EX_OK;
		goto out;
	}
	/* Inclusive: an itemset in at least ms of the orders is frequent. */
	minsup = (int)ceil(ms * b->n - 1e-9);
	if (minsup < 1)
		minsup = 1;
	if ((rank = malloc((b->nitems + 1) * sizeof *rank)) == NULL)
		goto oom;
	for (i = 0; i < b->nitems; i++) {
		rank[i] = -1;
		if (b->count[i] < minsup)
			continue;
		for (k = 0, rank[i] = 0; k < b->nitems; k++)
			if (b->count[k] >= minsup && (b->count[k] >
			    b->count[i] || (b->count[k] == b->count[i] &&
			    k < i)))
				rank[i]++;
	}
	if ((fp = crm_fp_new(b->nitems, minsup, rank)) == NULL)
		goto oom;
	if ((rc = crm_prepare(st, "SELECT o, product FROM (" ORDERS ") ORDER "
	    "BY o", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, crm_store_cli(st)->now);
	for (;;) {
		int more = sqlite3_step(s) == SQLITE_ROW;

		o = more ? (const char *)sqlite3_column_text(s, 0) : "";
		if (!more || strcmp(o, prev) != 0) {
			if (ni > 0 && crm_fp_add(fp, items, ni) != 0)
				goto oom;
			ni = 0;
			if (!more)
				break;
			snprintf(prev, sizeof prev, "%s", o);
		}
		if (ni == cap) {
			int *nn;

			cap = cap ? cap * 2 : 16;
			if ((nn = realloc(items, cap * sizeof *nn)) == NULL)
				goto oom;
			items = nn;
		}
		p = (const char *)sqlite3_column_text(s, 1);
		hit = bsearch(&p, b->name, b->nitems, sizeof *b->name,
		    cmpname);
		items[ni++] = hit != NULL ? (int)(hit - b->name) : -1;
	}
	if (crm_fp_mine(fp, &b->sets, &b->nsets) != 0)
		goto oom;
	qsort(b->sets, b->nsets, sizeof *b->sets, cmpset);
	rc = CRM_EX_OK;
	goto out;
oom:
	rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
out:
	sqlite3_finalize(s);
	crm_fp_free(fp);
	free(rank);
	free(items);
	return rc;
}

/* Every rule A => C from the frequent itemsets, confidence at least mc. */
static int
derive(struct basket *b, double mc)
{
	const struct crm_itemset *u;
	struct rule *r;
	int a, all, sa, sc;
	size_t i;

	for (i = 0; i < b->nsets; i++) {
		u = &b->sets[i];
		if (u->n < 2 || u->n > MAXRULE)
			continue;
		all = (1 << u->n) - 1;
		for (a = 1; a < all; a++) {
			sa = support(b, u, a);
			sc = support(b, u, all & ~a);
			if (sa == 0 || sc == 0 ||
			    (double)u->count / sa < mc - 1e-9)
				continue;
			if (b->nrules == b->caprules) {
				size_t cap = b->caprules ? b->caprules * 2 :
				    256;

				if ((r = realloc(b->rules, cap * sizeof *r)) ==
				    NULL)
					return -1;
				b->rules = r;
				b->caprules = cap;
			}
			r = &b->rules[b->nrules++];
			r->a = a;
			r->c = all & ~a;
			r->u = u;
			r->nac = u->count;
			r->na = sa;
			r->nc = sc;
			/*
			 * The one formula of each, on the counts (cmprule
			 * orders on the counts exactly).
			 */
			r->sup = (double)u->count / b->n;
			r->conf = (double)u->count / sa;
			r->lift = (double)b->n * u->count / ((double)sa * sc);
			r->score = r->lift * r->conf;
			r->ante = names(b, u, a);
			r->cons = names(b, u, all & ~a);
			if (r->ante == NULL || r->cons == NULL)
				return -1;
		}
	}
	qsort(b->rules, b->nrules, sizeof *b->rules, cmprule);
	return 0;
}

/* What to offer one customer: the best rule for each product not bought. */
static int
suggest(struct crm_store *st, struct basket *b, int64_t id,
    struct crm_out *o, long *shown)
{
	sqlite3_stmt *s = NULL;
	char *bought = NULL, idbuf[32], **hit;
	const char *p;
	const struct rule **best = NULL;
	size_t i;
	int k, rc, ok;

	if ((bought = calloc(b->nitems + 1, 1)) == NULL ||
	    (best = calloc(b->nitems + 1, sizeof *best)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if ((rc = crm_prepare(st, "SELECT DISTINCT product FROM purchase WHERE "
	    "customer = ?1 AND ts <= ?2 AND product IS NOT NULL", &s)) !=
	    CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, crm_store_cli(st)->now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		p = (const char *)sqlite3_column_text(s, 0);
		if ((hit = bsearch(&p, b->name, b->nitems, sizeof *b->name,
		    cmpname)) != NULL)
			bought[hit - b->name] = 1;
	}
	/* Rules whose antecedent they bought, for what they did not. */
	for (i = 0; i < b->nrules; i++) {
		const struct rule *r = &b->rules[i];

		for (k = 0, ok = 1; k < r->u->n && ok; k++)
			if (r->a & 1 << k)
				ok = bought[r->u->items[k]];
		for (k = 0; k < r->u->n && ok; k++) {
			int item = r->u->items[k];

			if (!(r->c & 1 << k) || bought[item])
				continue;
			if (best[item] == NULL || r->score >
			    best[item]->score)
				best[item] = r;
		}
	}
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	/* Ranked by lift x confidence, ties by product. */
	for (;;) {
		int top = -1;

		for (k = 0; k < b->nitems; k++)
			if (best[k] != NULL && (top < 0 || best[k]->score >
			    best[top]->score))
				top = k;
		if (top < 0)
			break;
		crm_out_cell(o, CRM_V_NUM, idbuf);
		crm_out_cell(o, CRM_V_STR, b->name[top]);
		crm_out_num(o, "%.4f", best[top]->score);
		crm_out_cell(o, CRM_V_STR, best[top]->ante);
		crm_out_endrow(o);
		(*shown)++;
		best[top] = NULL;
	}
	rc = CRM_EX_OK;
out:
	sqlite3_finalize(s);
	free(bought);
	free(best);
	return rc;
}

static int
basket(struct crm_cli *cli, double ms, double mc, const char *who)
{
	static const char *const rnames[] = { "antecedent", "consequent",
	    "support", "confidence", "lift" };
	static const char *const snames[] = { "id", "product", "score",
	    "because" };
	struct crm_store *st = NULL;
	struct crm_out *o = NULL;
	struct crm_ids ids = { 0 };
	struct basket b = { 0 };
	char *arg[1];
	long shown = 0;
	size_t i;
	int rc;

	if (who != NULL) {
		arg[0] = (char *)who;
		if ((rc = crm_ids_read(&ids, strcmp(who, "-") != 0, arg)) !=
		    CRM_EX_OK)
			goto out;
	}
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK ||
	    (who != NULL && (rc = crm_ids_check(st, crm_kind_customer(),
	    &ids, CRM_EX_NONE)) != CRM_EX_OK) ||
	    (rc = load(st, &b, ms)) != CRM_EX_OK)
		goto out;
	if (derive(&b, mc) != 0) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	/* -q: an output that writes nothing, so -s is still checked. */
	if ((o = crm_out_new(cli->quiet ? NULL : stdout, cli->fmt,
	    cli->header, who != NULL ? 4 : 5, who != NULL ? snames :
	    rnames)) == NULL) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	if (o != NULL && (rc = crm_out_order(o, cli->sort, cli->limit)) !=
	    CRM_EX_OK)
		goto out;
	if (who != NULL) {
		for (i = 0; i < ids.n && rc == CRM_EX_OK; i++)
			rc = suggest(st, &b, ids.v[i], o, &shown);
	} else {
		for (i = 0; i < b.nrules && o != NULL; i++) {
			crm_out_cell(o, CRM_V_STR, b.rules[i].ante);
			crm_out_cell(o, CRM_V_STR, b.rules[i].cons);
			crm_out_num(o, "%.4f", b.rules[i].sup);
			crm_out_num(o, "%.4f", b.rules[i].conf);
			crm_out_num(o, "%.4f", b.rules[i].lift);
			crm_out_endrow(o);
		}
		shown = (long)b.nrules;
	}
	if (rc == CRM_EX_OK && shown == 0)
		rc = CRM_EX_NONE;
out:
	crm_out_free(o);
	for (i = 0; i < b.nrules; i++) {
		free(b.rules[i].ante);
		free(b.rules[i].cons);
	}
	free(b.rules);
	for (i = 0; i < b.nsets; i++)
		free(b.sets[i].items);
	free(b.sets);
	for (i = 0; i < (size_t)b.nitems; i++)
		free(b.name[i]);
	free(b.name);
	free(b.count);
	crm_ids_free(&ids);
	crm_store_close(st);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_SUPPORT, "min-support", CRM_ARG_SHARE, "s", "the share of "
	    "orders an itemset must be in (default 1%)", NULL, 0, 0 },
	{ OPT_CONFIDENCE, "min-confidence", CRM_ARG_SHARE, "c", "the share "
	    "of the antecedent's orders holding the consequent (default "
	    "20%)", NULL, 0, 0 },
	{ OPT_SUGGEST, "suggest", CRM_ARG_ID, "id|-", "what to offer this "
	    "customer (- reads ids on standard input)", "-", 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	double ms = 0.01, mc = 0.2;
	const char *who = NULL;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dqoHslA");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_SUPPORT:
			ms = cli.num;
			break;
		case OPT_CONFIDENCE:
			mc = cli.num;
			break;
		case OPT_SUGGEST:
			who = cli.arg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	if (cli.optind != argc)
		return crm_usage_err(&cli, "\"%s\": no operand is taken",
		    argv[cli.optind]);
	return crm_cli_end(&cli, basket(&cli, ms, mc, who));
}
