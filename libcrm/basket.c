/*
 * basket.c: frequent itemsets by FP-growth (Han, Pei & Yin 2000) over
 * transactions of small integer items.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

struct node {
	int	item, count, parent, child, sibling, next;
};

struct tree {
	struct node	*n;
	int		 len, cap;
	int		*head;		/* first node of each item, or -1 */
	int		*sup;		/* each item's support in the tree */
};

struct crm_fp {
	int			 nitems;	/* item ids are below it */
	int			 minsup;
	int			*rank;		/* -1: not frequent */
	int			*order;		/* rank -> item */
	int			 nfreq;
	struct tree		 t;
	struct crm_itemset	*sets;
	size_t			 nsets, capsets;
	int			 err;
};

static int
tree_init(struct tree *t, int nitems)
{
	memset(t, 0, sizeof *t);
	t->head = malloc(nitems * sizeof *t->head);
	t->sup = calloc(nitems, sizeof *t->sup);
	t->n = malloc(64 * sizeof *t->n);
	if (t->head == NULL || t->sup == NULL || t->n == NULL)
		return -1;
	memset(t->head, -1, nitems * sizeof *t->head);
	t->cap = 64;
	t->n[0] = (struct node){ -1, 0, -1, -1, -1, -1 };	/* the root */
	t->len = 1;
	return 0;
}

static void
tree_free(struct tree *t)
{
	free(t->n);
	free(t->head);
	free(t->sup);
}

/* Add a path of items, most frequent first, with a count. */
static int
tree_add(struct tree *t, const int *items, int n, int count)
{
	struct node *nn;
	int cur = 0, i, c;

	for (i = 0; i < n; i++) {
		for (c = t->n[cur].child; c >= 0 && t->n[c].item != items[i];
		    c = t->n[c].sibling)
			;
		if (c < 0) {
			if (t->len == t->cap) {
				if ((nn = realloc(t->n, 2 * t->cap *
				    sizeof *nn)) == NULL)
					return -1;
				t->n = nn;
				t->cap *= 2;
			}
			c = t->len++;
			t->n[c] = (struct node){ items[i], 0, cur, -1,
			    t->n[cur].child, t->head[items[i]] };
			t->n[cur].child = c;
			t->head[items[i]] = c;
		}
		t->n[c].count += count;
		t->sup[items[i]] += count;
		cur = c;
	}
	return 0;
}

static void
emit(struct crm_fp *fp, const int *items, int n, int count)
{
	struct crm_itemset *s;
	size_t cap;
	int i, j, v;

	if (fp->nsets == fp->capsets) {
		cap = fp->capsets ? fp->capsets * 2 : 256;
		if ((s = realloc(fp->sets, cap * sizeof *s)) == NULL) {
			fp->err = 1;
			return;
		}
		fp->sets = s;
		fp->capsets = cap;
	}
	s = &fp->sets[fp->nsets];
	if ((s->items = malloc(n * sizeof *s->items)) == NULL) {
		fp->err = 1;
		return;
	}
	/* Sorted by item: equal sets compare equal. */
	for (i = 0; i < n; i++) {
		v = items[i];
		for (j = i; j > 0 && s->items[j - 1] > v; j--)
			s->items[j] = s->items[j - 1];
		s->items[j] = v;
	}
	s->n = n;
	s->count = count;
	fp->nsets++;
}

/* The itemsets of tree t that extend prefix (np items). */
static void
mine(struct crm_fp *fp, struct tree *t, int *prefix, int np)
{
	struct tree ct;
	int k, item, c, p, len, x, *path;

	if ((path = malloc((fp->nfreq + 1) * sizeof *path)) == NULL) {
		fp->err = 1;
		return;
	}
	/* From the least frequent item up. */
	for (k = fp->nfreq - 1; k >= 0 && !fp->err; k--) {
		item = fp->order[k];
		if (t->sup[item] < fp->minsup)
			continue;
		prefix[np] = item;
		emit(fp, prefix, np + 1, t->sup[item]);
		/* Its conditional pattern base, as a tree of its own. */
		if (tree_init(&ct, fp->nitems) != 0) {
			fp->err = 1;
			tree_free(&ct);
			break;
		}
		for (c = t->head[item]; c >= 0 && !fp->err; c = t->n[c].next) {
			len = 0;
			for (p = t->n[c].parent; p > 0; p = t->n[p].parent)
				path[len++] = t->n[p].item;
			for (p = 0; p < len / 2; p++) {
				x = path[p];
				path[p] = path[len - 1 - p];
				path[len - 1 - p] = x;
			}
			if (len > 0 && tree_add(&ct, path, len,
			    t->n[c].count) != 0)
				fp->err = 1;
		}
		if (ct.len > 1 && !fp->err)
			mine(fp, &ct, prefix, np + 1);
		tree_free(&ct);
	}
	free(path);
}

struct crm_fp *
crm_fp_new(int nitems, int minsup, const int *rank)
{
	struct crm_fp *fp;
	int i;

	if ((fp = calloc(1, sizeof *fp)) == NULL)
		return NULL;
	fp->nitems = nitems;
	fp->minsup = minsup;
	fp->rank = malloc((nitems + 1) * sizeof *fp->rank);
	fp->order = malloc((nitems + 1) * sizeof *fp->order);
	if (fp->rank == NULL || fp->order == NULL ||
	    tree_init(&fp->t, nitems) != 0) {
		crm_fp_free(fp);
		return NULL;
	}
	memcpy(fp->rank, rank, nitems * sizeof *rank);
	for (i = 0; i < nitems; i++)
		if (rank[i] >= 0) {
			fp->order[rank[i]] = i;
			fp->nfreq++;
		}
	return fp;
}

int
crm_fp_add(struct crm_fp *fp, int *items, int n)
{
	int i, j, k = 0, v;

	/* Frequent items only, each once, most frequent first. */
	for (i = 0; i < n; i++) {
		if (items[i] < 0 || fp->rank[items[i]] < 0)
			continue;
		v = items[i];
		for (j = 0; j < k && items[j] != v; j++)
			;
		if (j < k)
			continue;
		for (j = k; j > 0 && fp->rank[items[j - 1]] > fp->rank[v]; j--)
			items[j] = items[j - 1];
		items[j] = v;
		k++;
	}
	return k > 0 ? tree_add(&fp->t, items, k, 1) : 0;
}

int
crm_fp_mine(struct crm_fp *fp, struct crm_itemset **sets, size_t *n)
{
	int *prefix;

	if ((prefix = malloc((fp->nfreq + 1) * sizeof *prefix)) == NULL)
		return -1;
	mine(fp, &fp->t, prefix, 0);
	free(prefix);
	*sets = fp->sets;
	*n = fp->nsets;
	fp->sets = NULL;
	fp->nsets = 0;
	return fp->err ? -1 : 0;
}

void
crm_fp_free(struct crm_fp *fp)
{
	size_t i;

	if (fp == NULL)
		return;
	tree_free(&fp->t);
	for (i = 0; i < fp->nsets; i++)
		free(fp->sets[i].items);
	free(fp->sets);
	free(fp->rank);
	free(fp->order);
	free(fp);
}

/*
 * The ratios are compared by their continued fractions: whole parts first,
 * then the reciprocals of the remainders, with the order reversed.  No
 * product is formed, so nothing overflows, and nothing is rounded.
 */
int
crm_ratio_cmp(uint64_t p1, uint64_t q1, uint64_t p2, uint64_t q2)
{
	uint64_t r1, r2, t;
	int sign = 1;

	for (;;) {
		if (p1 / q1 != p2 / q2)
			return p1 / q1 < p2 / q2 ? -sign : sign;
		r1 = p1 % q1;
		r2 = p2 % q2;
		if (r1 == 0 || r2 == 0)
			return r1 == r2 ? 0 : r1 == 0 ? -sign : sign;
		t = q1;
		q1 = r1;
		p1 = t;
		t = q2;
		q2 = r2;
		p2 = t;
		sign = -sign;
	}
}
