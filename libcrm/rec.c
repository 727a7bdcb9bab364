/*
 * rec.c: writing records.  One writer per command holds the prepared
 * statements and reuses them for every row inside the command's single
 * transaction; duplicates are caught by the UNIQUE indexes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm-int.h"

#define MAXIDX	16
#define MAXKEY	4	/* fields in a unique key */
#define BATCH	64	/* rows per INSERT statement in bulk history loads */

/* A value kept until its batch is written: text lives in the arena. */
struct bval {
	int		 isnull, isint;
	int64_t		 i;
	size_t		 off, len;
};

struct crm_writer {
	struct crm_store	*st;
	const struct crm_kind	*kind;
	enum crm_wmode		 mode;
	int			 decimals;
	sqlite3_stmt		*ins;		/* INSERT, every column */
	sqlite3_stmt		*upd;		/* UPDATE by id */
	sqlite3_stmt		*find;		/* id by the first unique key */
	sqlite3_stmt		*exists;	/* 1 when the id exists */
	sqlite3_stmt		*aput, *adel;	/* attributes */
	sqlite3_stmt		*byref;		/* customer id by ref */
	sqlite3_stmt		*ownerof;	/* customer of a record */
	sqlite3_stmt		*custok;	/* 1 when a customer exists */
	sqlite3_stmt		*fixup;		/* the kind's after-write SQL */
	sqlite3_stmt		*events;	/* event times, after fixup */
	sqlite3_stmt		*ensure;	/* a stats row for a customer */
	sqlite3_stmt		*incr;		/* the kind's stats update */
	sqlite3_stmt		*guard;		/* the kind's rule */
	int			 bulk;
	int			 money;		/* the kind has an amount */
	sqlite3_stmt		*alike[2];	/* same email_key, phone_key */
	long			 warned;	/* likely duplicates reported */
	/*
	 * Bulk history is written BATCH rows per statement: AUTOINCREMENT
	 * and the statement's overhead are paid once per batch.  Ids are
	 * assigned here, so they are known before the batch is written.
	 */
	int			 batching;
	int			 dsrc[8], ddst[8];	/* derived: from, to */
	int			 nderive;
	int64_t			 nextid;
	sqlite3_stmt		*bstmt;
	struct bval		*bv;		/* BATCH x (1 + nfields) */
	char			*arena;
	size_t			 alen, acap;
	int			 nb;		/* rows pending */
	const struct crm_field	*owner;		/* customer, for history */
	const struct crm_field	*refkey;	/* customer_ref */
	struct crm_val		*vals;		/* by field index */
	char			*set;		/* by field index: update it */
	char			(*dbuf)[512];	/* derived values, by index */
	const struct crm_field	*key[MAXKEY];	/* match key for -u: ref */
	int			 nkey;
	/* The kind's key of several fields, and its look-ups. */
	const struct crm_field	*kkey[MAXKEY];
	int			 nkkey;
	sqlite3_stmt		*clash;		/* a record with this key */
	sqlite3_stmt		*same;		/* an identical stored record */
	long			 nsame;		/* identical records reported */
	struct crm_forgotten	*forgotten;	/* refused values, or NULL */
	int64_t			 first;		/* first id added */
	int64_t			 nadded;
	/* indexes dropped for the load, rebuilt by crm_writer_finish */
	char			*idxsql[MAXIDX];
	int			 nidx;
};

static int
settable(const struct crm_field *f)
{
	return f->column != NULL && (!(f->flags & CRM_F_READONLY) ||
	    (f->flags & CRM_F_DERIVED));
}

/* Prepare INSERT INTO t (id, cols...) VALUES (?1, ?2...): ?N+1 by field. */
static int
prep_insert(struct crm_writer *w)
{
	const struct crm_kind *k = w->kind;
	struct crm_sql q = { 0 };
	int i, rc;

	crm_sql_add(&q, "INSERT INTO %s (id", k->def->table);
	for (i = 0; i < k->nfields; i++)
		if (settable(&k->fields[i]))
			crm_sql_add(&q, ", %s", k->fields[i].column);
	crm_sql_add(&q, ") VALUES (?1");
	for (i = 0; i < k->nfields; i++)
		if (settable(&k->fields[i]))
			crm_sql_add(&q, ", ?%d", i + 1);
	crm_sql_add(&q, ")");
	rc = crm_prepare(w->st, q.buf, &w->ins);
	crm_sql_free(&q);
	return rc;
}

/* UPDATE t SET col = coalesce(?N, col) ...: an unset value keeps. */
static int
prep_update(struct crm_writer *w)
{
	const struct crm_kind *k = w->kind;
	struct crm_sql q = { 0 };
	int i, rc, n = 0;

	crm_sql_add(&q, "UPDATE %s SET ", k->def->table);
	for (i = 0; i < k->nfields; i++) {
		if (!settable(&k->fields[i]))
			continue;
		/* In crm-set a NULL with ?M = 1 clears; -u never clears. */
		crm_sql_add(&q, "%s%s = CASE WHEN ?%d IS NOT NULL OR ?%d THEN "
		    "?%d ELSE %s END", n++ ? ", " : "", k->fields[i].column,
		    i + 1, k->nfields + i + 1, i + 1, k->fields[i].column);
	}
	crm_sql_add(&q, " WHERE id = ?1");
	rc = crm_prepare(w->st, q.buf, &w->upd);
	crm_sql_free(&q);
	return rc;
}

/* The id AUTOINCREMENT would give next: past every id ever used. */
static int
nextid(struct crm_writer *w)
{
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT max(coalesce((SELECT seq FROM "
	    "sqlite_sequence WHERE name = '%s'), 0), coalesce((SELECT max(id) "
	    "FROM %s), 0)) + 1", w->kind->def->table, w->kind->def->table);
	return crm_query_int(w->st, &w->nextid, sql, 0);
}

/* Keep a row's values for its batch, copying text into the arena. */
static int
keeprow(struct crm_writer *w, int64_t id)
{
	const struct crm_kind *k = w->kind;
	struct bval *b = &w->bv[(size_t)w->nb * (k->nfields + 1)];
	size_t len;
	char *na;
	int i;

	memset(b, 0, sizeof *b);
	b->isint = 1;
	b->i = id;
	for (i = 0; i < k->nfields; i++) {
		struct bval *v = &b[i + 1];
		const struct crm_val *src = &w->vals[i];

		memset(v, 0, sizeof *v);
		v->isnull = src->isnull;
		v->isint = src->isint;
		v->i = src->i;
		if (src->isnull || src->isint)
			continue;
		len = strlen(src->s);
		if (w->alen + len > w->acap) {
			size_t cap = w->acap ? w->acap : 4096;

			while (cap < w->alen + len)
				cap *= 2;
			if ((na = realloc(w->arena, cap)) == NULL)
				return crm_err(CRM_EX_SOFTWARE, NULL, "out of "
				    "memory");
			w->arena = na;
			w->acap = cap;
		}
		memcpy(w->arena + w->alen, src->s, len);
		v->off = w->alen;
		v->len = len;
		w->alen += len;
	}
	w->nb++;
	return CRM_EX_OK;
}

static void
bindkept(struct crm_writer *w, sqlite3_stmt *s, int idx, const struct bval *v)
{
	if (v->isnull)
		sqlite3_bind_null(s, idx);
	else if (v->isint)
		sqlite3_bind_int64(s, idx, v->i);
	else
		sqlite3_bind_text(s, idx, w->arena + v->off, (int)v->len,
		    SQLITE_STATIC);
}

/* Write the pending rows: a full batch at once, a remainder row by row. */
static int
flush(struct crm_writer *w)
{
	const struct crm_kind *k = w->kind;
	struct crm_sql q = { 0 };
	const struct bval *b;
	int r, i, n, rc;

	if (w->nb == BATCH && w->bstmt == NULL) {
		crm_sql_add(&q, "INSERT INTO %s (id", k->def->table);
		for (i = 0; i < k->nfields; i++)
			if (settable(&k->fields[i]))
				crm_sql_add(&q, ", %s", k->fields[i].column);
		crm_sql_add(&q, ") VALUES ");
		for (r = 0; r < BATCH; r++) {
			crm_sql_add(&q, "%s(?", r ? ", " : "");
			for (i = 0; i < k->nfields; i++)
				if (settable(&k->fields[i]))
					crm_sql_add(&q, ", ?");
			crm_sql_add(&q, ")");
		}
		rc = crm_prepare(w->st, q.buf, &w->bstmt);
		crm_sql_free(&q);
		if (rc != CRM_EX_OK)
			return rc;
	}
	for (r = 0; r < w->nb; ) {
		sqlite3_stmt *s = w->nb - r == BATCH ? w->bstmt : w->ins;
		int rows = s == w->bstmt ? BATCH : 1;

		for (n = 1; rows-- > 0; r++) {
			b = &w->bv[(size_t)r * (k->nfields + 1)];
			bindkept(w, s, n++, &b[0]);
			for (i = 0; i < k->nfields; i++)
				if (settable(&k->fields[i])) {
					if (s == w->ins)
						n = i + 1;
					bindkept(w, s, n++, &b[i + 1]);
				}
			if (s == w->ins)
				n = 1;
		}
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return crm_sqlerr(w->st, rc);
	}
	w->nb = 0;
	w->alen = 0;
	return CRM_EX_OK;
}

/*
 * Drop the kind's indexes for a large load into a small table: building
 * them once after the load costs half of keeping them live.  The drop is
 * part of the transaction, so a failed import leaves them as they were.
 */
static int
defer_indexes(struct crm_writer *w)
{
	sqlite3_stmt *s = NULL;
	struct crm_sql q = { 0 };
	int rc, i;
	char *names[MAXIDX];

	if ((rc = crm_prepare(w->st, "SELECT name, sql FROM sqlite_schema "
	    "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
	    &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, w->kind->def->table, -1, SQLITE_STATIC);
	while (w->nidx < MAXIDX && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		names[w->nidx] = strdup((const char *)sqlite3_column_text(s,
		    0));
		w->idxsql[w->nidx++] = strdup((const char *)
		    sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	rc = CRM_EX_OK;
	for (i = 0; i < w->nidx && rc == CRM_EX_OK; i++) {
		crm_sql_add(&q, "DROP INDEX \"%s\"", names[i]);
		rc = crm_exec(w->st, q.buf);
		crm_sql_free(&q);
	}
	for (i = 0; i < w->nidx; i++)
		free(names[i]);
	return rc;
}

/*
 * The event times of record ?1, read back after the kind's fixup: it
 * stamps them with now, which --asof may have moved past tomorrow.
 */
static int
prep_events(struct crm_writer *w)
{
	const struct crm_kind *k = w->kind;
	struct crm_sql q = { 0 };
	int i, n = 0, rc;

	crm_sql_add(&q, "SELECT ");
	for (i = 0; i < k->nfields; i++)
		if ((k->fields[i].flags & CRM_F_EVENT) &&
		    k->fields[i].column != NULL)
			crm_sql_add(&q, "%s%s", n++ ? ", " : "",
			    k->fields[i].column);
	crm_sql_add(&q, " FROM %s WHERE id = ?1", k->def->table);
	rc = n > 0 ? crm_prepare(w->st, q.buf, &w->events) : CRM_EX_OK;
	crm_sql_free(&q);
	return rc;
}

/* The fields of a key "a,b": 0, or -1 when one is unknown or too many. */
static int
keyfields(const struct crm_kind *k, const char *list,
    const struct crm_field **f, int *n)
{
	char name[128];
	size_t len;

	for (*n = 0; ; list += len + 1) {
		len = strcspn(list, ",");
		if (len == 0 || len >= sizeof name || *n == MAXKEY)
			return -1;
		memcpy(name, list, len);
		name[len] = '\0';
		if ((f[(*n)++] = crm_kind_field(k, name)) == NULL ||
		    f[*n - 1]->column == NULL)
			return -1;
		if (list[len] == '\0')
			return 0;
	}
}

/*
 * SELECT id by a key: the first field equal to ?1, the others the same
 * or both unset (?2...), any record but ?n+1.
 */
static int
prep_key(struct crm_writer *w, const struct crm_field *const *f, int n,
    sqlite3_stmt **out)
{
	struct crm_sql q = { 0 };
	int i, rc;

	sqlite3_finalize(*out);
	*out = NULL;
	crm_sql_add(&q, "SELECT id FROM %s WHERE %s = ?1", w->kind->def->table,
	    f[0]->column);
	for (i = 1; i < n; i++)
		crm_sql_add(&q, " AND %s IS ?%d", f[i]->column, i + 1);
	crm_sql_add(&q, " AND id IS NOT ?%d ORDER BY id LIMIT 1", n + 1);
	rc = crm_prepare(w->st, q.buf, out);
	crm_sql_free(&q);
	return rc;
}

/*
 * The oldest record stored before this writer began with the same value
 * in every field: without a key, a repeat cannot be told from a new one.
 */
static int
prep_same(struct crm_writer *w)
{
	const struct crm_kind *k = w->kind;
	struct crm_sql q = { 0 };
	int i, rc;

	crm_sql_add(&q, "SELECT id FROM %s WHERE id < ?1", k->def->table);
	for (i = 1; i < k->nfields; i++)
		if (settable(&k->fields[i]))
			crm_sql_add(&q, " AND %s IS ?%d", k->fields[i].column,
			    i + 1);
	crm_sql_add(&q, " ORDER BY id LIMIT 1");
	rc = crm_prepare(w->st, q.buf, &w->same);
	crm_sql_free(&q);
	return rc;
}

int
crm_writer_new(struct crm_writer **out, struct crm_store *st,
    const struct crm_kind *k, enum crm_wmode mode, int bulk, int64_t sizehint)
{
	struct crm_sql incr = { 0 }, ensure = { 0 };
	struct crm_writer *w;
	char sql[256];
	int i, rc;

	*out = NULL;
	if ((w = calloc(1, sizeof *w)) == NULL ||
	    (w->vals = calloc(k->nfields, sizeof *w->vals)) == NULL ||
	    (w->set = calloc(k->nfields, 1)) == NULL ||
	    (w->dbuf = calloc(k->nfields, sizeof *w->dbuf)) == NULL) {
		if (w != NULL) {
			free(w->vals);
			free(w->set);
		}
		free(w);
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	}
	*out = w;
	w->st = st;
	w->kind = k;
	w->mode = mode;
	w->decimals = crm_store_decimals(st);
	w->bulk = bulk;
	for (i = 0; i < k->nfields; i++)
		if (k->fields[i].type == CRM_T_MONEY && settable(&k->fields[i]))
			w->money = 1;
	for (i = 0; i < k->nfields && w->nkey == 0; i++)
		if (k->fields[i].flags & CRM_F_UNIQUE)
			w->key[w->nkey++] = &k->fields[i];
	if (k->key != NULL && keyfields(k, k->key, w->kkey, &w->nkkey) != 0)
		return crm_err(CRM_EX_SOFTWARE, NULL, "%s: bad key %s",
		    k->name, k->key);
	/* -u matches by ref, or else by the kind's key. */
	if (w->nkey == 0 && w->nkkey > 0) {
		memcpy(w->key, w->kkey, sizeof w->key);
		w->nkey = w->nkkey;
	}
	if ((rc = prep_insert(w)) != CRM_EX_OK ||
	    (rc = prep_update(w)) != CRM_EX_OK)
		return rc;
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?",
	    k->def->table);
	if ((rc = crm_prepare(st, sql, &w->exists)) != CRM_EX_OK)
		return rc;
	if (w->nkey > 0 && (rc = prep_key(w, w->key, w->nkey, &w->find)) !=
	    CRM_EX_OK)
		return rc;
	if (w->nkkey > 0 && ((rc = prep_key(w, w->kkey, w->nkkey,
	    &w->clash)) != CRM_EX_OK || (!crm_store_cli(st)->quiet &&
	    (rc = prep_same(w)) != CRM_EX_OK)))
		return rc;
	if (k->attrs && ((rc = crm_prepare(st, "INSERT INTO attr (customer, "
	    "key, value) VALUES (?1, ?2, ?3) ON CONFLICT (customer, key) DO "
	    "UPDATE SET value = ?3", &w->aput)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "DELETE FROM attr WHERE customer = ? AND "
	    "key = ?", &w->adel)) != CRM_EX_OK))
		return rc;
	if ((w->owner = crm_kind_owner(k)) != NULL) {
		for (i = 0; i < k->nfields; i++)
			if (k->fields[i].flags & CRM_F_REFKEY)
				w->refkey = &k->fields[i];
		snprintf(sql, sizeof sql, "SELECT customer FROM %s WHERE id "
		    "= ?", k->def->table);
		if ((rc = crm_prepare(st, "SELECT id FROM customer WHERE ref = "
		    "?", &w->byref)) != CRM_EX_OK ||
		    (rc = crm_prepare(st, "SELECT 1 FROM customer WHERE id = ?",
		    &w->custok)) != CRM_EX_OK ||
		    (rc = crm_prepare(st, sql, &w->ownerof)) != CRM_EX_OK ||
		    (rc = crm_stats_touch(st, 0)) != CRM_EX_OK)
			return rc;
	}
	if (k->def->fixup != NULL &&
	    (rc = crm_prepare(st, k->def->fixup, &w->fixup)) != CRM_EX_OK)
		return rc;
	if (k->def->fixup != NULL && (rc = prep_events(w)) != CRM_EX_OK)
		return rc;
	if (k->def->guard != NULL &&
	    (rc = crm_prepare(st, k->def->guard, &w->guard)) != CRM_EX_OK)
		return rc;
	/* A forgotten person does not come back unnoticed. */
	if (k == crm_kind_customer() &&
	    (rc = crm_forgotten_open(&w->forgotten, st)) != CRM_EX_OK)
		return rc;
	/* One row at a time, the statistics follow each row cheaply. */
	if (!bulk && crm_metric_incr(&incr, k->name)) {
		crm_metric_ensure(&ensure);
		rc = crm_prepare(st, ensure.buf, &w->ensure);
		if (rc == CRM_EX_OK)
			rc = crm_prepare(st, incr.buf, &w->incr);
		crm_sql_free(&ensure);
		crm_sql_free(&incr);
		if (rc != CRM_EX_OK)
			return rc;
	}
	/*
	 * The first id this writer adds, as AUTOINCREMENT gives it: past any
	 * id ever used.  Record n of a load gets first + n (see lineof).
	 */
	if ((rc = nextid(w)) != CRM_EX_OK)
		return rc;
	w->first = w->nextid;
	for (i = 0; k->def->derive != NULL && k->def->derive[i].field != NULL &&
	    w->nderive < 8; i++, w->nderive++) {
		w->ddst[w->nderive] = crm_kind_index(k, crm_kind_field(k,
		    k->def->derive[i].field));
		w->dsrc[w->nderive] = crm_kind_index(k, crm_kind_field(k,
		    k->def->derive[i].src));
	}
	/* Roughly 100 bytes a row: defer when the load outgrows the table. */
	if (mode == CRM_W_ADD && sizehint > (1 << 20) &&
	    sizehint / 100 > w->first && (rc = defer_indexes(w)) != CRM_EX_OK)
		return rc;
	/*
	 * Batches suit rows that cannot collide: history, or anything while
	 * the unique indexes wait for the end of the load.  Attributes of a
	 * batched row are written before it: their foreign key is checked at
	 * commit.
	 */
	if (bulk && mode == CRM_W_ADD && k->def->fixup == NULL &&
	    k->def->guard == NULL && (w->owner != NULL || w->nidx > 0)) {
		if (k->attrs && (rc = crm_exec(st, "PRAGMA "
		    "defer_foreign_keys = ON")) != CRM_EX_OK)
			return rc;
		if ((w->bv = calloc((size_t)BATCH * (k->nfields + 1),
		    sizeof *w->bv)) == NULL)
			return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		w->batching = 1;
	}
	return CRM_EX_OK;
}

int
crm_writer_key(struct crm_writer *w, const char *name)
{
	const struct crm_kind *k = w->kind;
	const struct crm_field *f[MAXKEY];
	char keys[256] = "";
	int i, j, n, ok;

	ok = keyfields(k, name, f, &n) == 0;
	/* One unique field, or the kind's key in any order. */
	if (ok && n == 1 && (f[0]->flags & CRM_F_UNIQUE))
		;
	else if (ok && n == w->nkkey) {
		for (i = 0; i < n && ok; i++) {
			for (j = 0; j < n && f[j] != w->kkey[i]; j++)
				;
			ok = j < n;
		}
	} else
		ok = 0;
	if (!ok) {
		for (i = 0; i < k->nfields; i++)
			if (k->fields[i].flags & CRM_F_UNIQUE)
				snprintf(keys + strlen(keys), sizeof keys -
				    strlen(keys), "%s%s", *keys ? ", " : "",
				    k->fields[i].name);
		if (k->key != NULL)
			snprintf(keys + strlen(keys), sizeof keys -
			    strlen(keys), "%s%s", *keys ? ", " : "", k->key);
		return crm_err(CRM_EX_USAGE, NULL, "--key %s: not a unique "
		    "key of %s (%s)", name, k->name, *keys ? keys : "none");
	}
	/* The kind's key in its order: a record without the first has none. */
	memcpy(w->key, n == 1 ? f : w->kkey, sizeof w->key);
	w->nkey = n;
	return prep_key(w, w->key, w->nkey, &w->find);
}

/* Bind the parsed values of key fields f to ?1.. and self to ?n+1. */
static void
bind_key(struct crm_writer *w, sqlite3_stmt *s,
    const struct crm_field *const *f, int n, int64_t self)
{
	int i;

	for (i = 0; i < n; i++)
		crm_val_bind(s, i + 1, &w->vals[crm_kind_index(w->kind,
		    f[i])]);
	if (self > 0)
		sqlite3_bind_int64(s, n + 1, self);
	else
		sqlite3_bind_null(s, n + 1);
}

/* The record other than self holding this record's key, 0 when none. */
static int
key_other(struct crm_writer *w, int64_t self, int64_t *other)
{
	int rc;

	*other = 0;
	if (w->nkkey == 0 || w->vals[crm_kind_index(w->kind,
	    w->kkey[0])].isnull)
		return CRM_EX_OK;
	bind_key(w, w->clash, w->kkey, w->nkkey, self);
	if ((rc = sqlite3_step(w->clash)) == SQLITE_ROW)
		*other = sqlite3_column_int64(w->clash, 0);
	sqlite3_reset(w->clash);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(w->st, rc);
	return CRM_EX_OK;
}

/* "order_ref: "A1" with product "tea" is already in the store ..." */
static int
key_err(struct crm_writer *w, const struct crm_loc *at0, int64_t other)
{
	const struct crm_kind *k = w->kind;
	const struct crm_val *v;
	struct crm_loc at = *at0;
	char with[256] = "", val[32], first[32];
	int i;

	for (i = 1; i < w->nkkey; i++) {
		v = &w->vals[crm_kind_index(k, w->kkey[i])];
		snprintf(val, sizeof val, "%lld", (long long)v->i);
		if (v->isnull)
			snprintf(with + strlen(with), sizeof with -
			    strlen(with), " with no %s", w->kkey[i]->name);
		else
			snprintf(with + strlen(with), sizeof with -
			    strlen(with), " with %s \"%.60s\"",
			    w->kkey[i]->name, v->isint ? val : v->s);
	}
	v = &w->vals[crm_kind_index(k, w->kkey[0])];
	snprintf(first, sizeof first, "%lld", (long long)v->i);
	at.field = w->kkey[0]->name;
	if (other >= w->first)
		return crm_err(CRM_EX_DATAERR, &at, "\"%.60s\"%s is given "
		    "twice in the input (also for %s %lld)", v->isint ? first :
		    v->s, with, k->name, (long long)other);
	return crm_err(CRM_EX_DATAERR, &at, "\"%.60s\"%s is already in the "
	    "store (%s %lld)%s%s%s", v->isint ? first : v->s, with, k->name,
	    (long long)other,
	    w->mode == CRM_W_ADD ? "; -u --key " : "",
	    w->mode == CRM_W_ADD ? k->key : "",
	    w->mode == CRM_W_ADD ? " updates it" : "");
}

/* The stored record colliding with a unique value of this one, if any. */
static int
collision(struct crm_writer *w, const struct crm_loc *at0, int64_t self)
{
	const struct crm_kind *k = w->kind;
	struct crm_loc at = *at0;
	sqlite3_stmt *s = NULL;
	char sql[256];
	int64_t other;
	int i, rc;

	for (i = 0; i < k->nfields; i++) {
		const struct crm_field *f = &k->fields[i];

		if (!(f->flags & CRM_F_UNIQUE) || w->vals[i].isnull)
			continue;
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ? AND "
		    "id IS NOT ?", k->def->table, f->column);
		if ((rc = crm_prepare(w->st, sql, &s)) != CRM_EX_OK)
			return rc;
		crm_val_bind(s, 1, &w->vals[i]);
		if (self > 0)
			sqlite3_bind_int64(s, 2, self);
		rc = sqlite3_step(s);
		other = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_finalize(s);
		if (other == 0)
			continue;
		at.field = f->name;
		if (other >= w->first)
			return crm_err(CRM_EX_DATAERR, &at, "\"%s\" is given "
			    "twice in the input (also for %s %lld)",
			    w->vals[i].s, k->name, (long long)other);
		return crm_err(CRM_EX_DATAERR, &at, "\"%s\" is already in the "
		    "store (%s %lld)%s", w->vals[i].s, k->name,
		    (long long)other, w->mode == CRM_W_ADD &&
		    f == w->key[0] ? "; -u updates it" : "");
	}
	if ((rc = key_other(w, self, &other)) != CRM_EX_OK)
		return rc;
	if (other != 0)
		return key_err(w, at0, other);
	/* A change to part of the key: the rest is the stored record's. */
	if (w->nkkey > 0 && self > 0) {
		at.field = w->kkey[0]->name;
		return crm_err(CRM_EX_DATAERR, &at, "the change gives %s %lld "
		    "the %s of another %s", k->name, (long long)self, k->key,
		    k->name);
	}
	at.field = "id";
	return crm_err(CRM_EX_DATAERR, &at, "is already in the store");
}

/* The customer of a history record: customer=ID or customer_ref=REF. */
static int
owner(struct crm_writer *w, const struct crm_rec *r, const struct crm_loc *at0,
    int isnew)
{
	struct crm_loc at = *at0;
	struct crm_val *v = &w->vals[crm_kind_index(w->kind, w->owner)];
	const char *ref = r->val[crm_kind_index(w->kind, w->refkey)];
	sqlite3_stmt *s;
	int rc;

	if (v->isnull && ref != NULL && *ref != '\0') {
		at.field = w->refkey->name;
		sqlite3_bind_text(w->byref, 1, ref, -1, SQLITE_STATIC);
		rc = sqlite3_step(w->byref);
		if (rc == SQLITE_ROW) {
			v->isnull = 0;
			v->isint = 1;
			v->i = sqlite3_column_int64(w->byref, 0);
		}
		sqlite3_reset(w->byref);
		if (rc == SQLITE_DONE)
			return crm_err(CRM_EX_DATAERR, &at, "%s: no such "
			    "customer", ref);
		if (rc != SQLITE_ROW)
			return crm_sqlerr(w->st, rc);
		return CRM_EX_OK;
	}
	at.field = w->owner->name;
	if (v->isnull) {
		if (isnew)
			return crm_err(CRM_EX_DATAERR, &at, "is required "
			    "(customer=ID or customer_ref=REF)");
		return CRM_EX_OK;
	}
	s = w->custok;
	sqlite3_bind_int64(s, 1, v->i);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return crm_err(CRM_EX_DATAERR, &at, "%lld: no such customer",
		    (long long)v->i);
	return rc == SQLITE_ROW ? CRM_EX_OK : crm_sqlerr(w->st, rc);
}

/* Derived fields follow their source whenever it is given. */
static void
derive(struct crm_writer *w, const struct crm_rec *r)
{
	const struct crm_derive *d;
	int di, si, n;

	for (n = 0; n < w->nderive; n++) {
		d = &w->kind->def->derive[n];
		di = w->ddst[n];
		si = w->dsrc[n];
		memset(&w->vals[di], 0, sizeof w->vals[di]);
		w->vals[di].isnull = 1;
		if (r->val[si] == NULL || (*r->val[si] == '\0' &&
		    w->mode != CRM_W_SET))
			continue;	/* not given: the stored key stands */
		w->set[di] = 1;
		if (!w->vals[si].isnull && d->fn(w->vals[si].s, w->dbuf[di],
		    sizeof w->dbuf[di]) == 0) {
			w->vals[di].isnull = 0;
			w->vals[di].s = w->dbuf[di];
		}
	}
}

/*
 * An event cannot have happened before 1900, nor after tomorrow: the end
 * of tomorrow (UTC) leaves room for users east of UTC.  The bound is the
 * real clock: --asof sets what "now" means, not what the calendar says.
 */
static int64_t
event_late(const struct crm_writer *w)
{
	return (crm_day_of(crm_store_cli(w->st)->clock) + 2) * 86400;
}

static int
event_in(const struct crm_writer *w, int64_t t)
{
	return t >= crm_days_from_civil(1900, 1, 1) * 86400 &&
	    t < event_late(w);
}

static int
event_ok(struct crm_writer *w, const char *given, const struct crm_val *v,
    const struct crm_loc *at)
{
	int64_t late = event_late(w);
	char when[32], what[64];

	if (v->isnull || event_in(w, v->i))
		return CRM_EX_OK;
	crm_time_fmt(v->i, when, sizeof when);
	if (given != NULL && *given != '\0')
		snprintf(what, sizeof what, "\"%.40s\"", given);
	else
		snprintf(what, sizeof what, "now (%s by --asof)", when);
	if (v->i < late)
		return crm_err(CRM_EX_DATAERR, at, "%s is before 1900-01-01",
		    what);
	crm_time_fmt(late - 1, when, sizeof when);
	return crm_err(CRM_EX_DATAERR, at, "%s is in the future (after %s)",
	    what, when);
}

/* Check every given value; fills w->vals. */
static int
parse_rec(struct crm_writer *w, const struct crm_rec *r,
    const struct crm_loc *at0, int isnew)
{
	const struct crm_kind *k = w->kind;
	const struct crm_cli *cli = crm_store_cli(w->st);
	struct crm_loc at = *at0;
	const struct crm_field *f;
	int i, rc;

	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		at.field = f->name;
		memset(&w->vals[i], 0, sizeof w->vals[i]);
		w->vals[i].isnull = 1;
		if (r->val[i] == NULL || (*r->val[i] == '\0' &&
		    w->mode != CRM_W_SET)) {
			/* Not given: a new record needs what is required. */
			if (!isnew)
				continue;
			if ((f->flags & CRM_F_REQUIRED) && f != w->owner)
				return crm_err(CRM_EX_DATAERR, &at, "is "
				    "required");
			if (f->flags & CRM_F_NOW) {
				w->vals[i].isnull = 0;
				w->vals[i].isint = 1;
				w->vals[i].i = cli->now;
			}
			continue;
		}
		if (f->type == CRM_T_ID || (f->flags & CRM_F_REFKEY))
			continue;	/* matched in crm_writer_put, owner() */
		if ((rc = crm_field_parse(f, r->val[i], w->decimals, cli->now,
		    &at, &w->vals[i])) != CRM_EX_OK)
			return rc;
	}
	for (i = 0; i < k->nfields; i++) {
		at.field = k->fields[i].name;
		if ((k->fields[i].flags & CRM_F_EVENT) && (rc = event_ok(w,
		    r->val[i], &w->vals[i], &at)) != CRM_EX_OK)
			return rc;
	}
	for (i = 0; i < k->nfields; i++)
		w->set[i] = w->mode == CRM_W_SET && r->val[i] != NULL;
	derive(w, r);
	if (w->owner != NULL && (rc = owner(w, r, at0, isnew)) != CRM_EX_OK)
		return rc;
	if (k->def->check != NULL && (rc = k->def->check(k, w->vals, at0)) !=
	    CRM_EX_OK)
		return rc;
	for (i = 0; i < r->nattr; i++) {
		if (r->aval[i] == NULL)
			continue;
		if (!crm_utf8_valid(r->aval[i], strlen(r->aval[i]))) {
			at.field = r->akey[i];
			return crm_err(CRM_EX_DATAERR, &at, "is not valid "
			    "UTF-8");
		}
	}
	return CRM_EX_OK;
}

static int
put_attrs(struct crm_writer *w, const struct crm_rec *r, int64_t id)
{
	sqlite3_stmt *s;
	int i, rc;

	for (i = 0; i < r->nattr; i++) {
		if (r->aval[i] == NULL || (*r->aval[i] == '\0' &&
		    w->mode != CRM_W_SET))
			continue;
		s = *r->aval[i] == '\0' ? w->adel : w->aput;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, r->akey[i] + 5, -1, SQLITE_STATIC);
		if (s == w->aput)
			sqlite3_bind_text(s, 3, r->aval[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return crm_sqlerr(w->st, rc);
	}
	return CRM_EX_OK;
}

static int
step_write(struct crm_writer *w, sqlite3_stmt *s, const struct crm_loc *at,
    int64_t self)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return CRM_EX_OK;
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return collision(w, at, self);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return crm_err(CRM_EX_DATAERR, at, "%s",
		    sqlite3_errmsg(crm_store_db(w->st)));
	return crm_sqlerr(w->st, rc);
}

/* The customer of history record id (0: none). */
static int
owner_of(struct crm_writer *w, int64_t id, int64_t *c)
{
	int rc;

	*c = 0;
	sqlite3_bind_int64(w->ownerof, 1, id);
	if ((rc = sqlite3_step(w->ownerof)) == SQLITE_ROW)
		*c = sqlite3_column_int64(w->ownerof, 0);
	sqlite3_reset(w->ownerof);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(w->st, rc);
	return CRM_EX_OK;
}

/* Mark the customer of history record id for the statistics. */
static int
touch_owner(struct crm_writer *w, int64_t id)
{
	int64_t c;
	int rc;

	if (w->owner == NULL)
		return CRM_EX_OK;
	if ((rc = owner_of(w, id, &c)) != CRM_EX_OK)
		return rc;
	return crm_stats_touch(w->st, c);
}

/*
 * The kind's rule over one customer's records: a row (field, message)
 * breaks it, and the change is refused as bad input.
 */
static int
guard_check(struct crm_store *st, sqlite3_stmt *guard, int64_t customer,
    const struct crm_loc *at0)
{
	struct crm_loc at = *at0;
	int rc;

	sqlite3_bind_int64(guard, 1, customer);
	if ((rc = sqlite3_step(guard)) == SQLITE_ROW) {
		at.field = (const char *)sqlite3_column_text(guard, 0);
		rc = crm_err(CRM_EX_DATAERR, &at, "%s",
		    sqlite3_column_text(guard, 1));
		sqlite3_reset(guard);
		return rc;
	}
	sqlite3_reset(guard);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
}

/* Update the statistics for one added record; *done 0 if it could not. */
static int
incremental(struct crm_writer *w, int64_t customer, int64_t id, int *done)
{
	sqlite3 *db = crm_store_db(w->st);
	int rc;

	*done = 0;
	if (w->money) {
		int64_t amount = 0;
		int i, roomy;

		for (i = 0; i < w->kind->nfields; i++)
			if (w->kind->fields[i].type == CRM_T_MONEY &&
			    !w->vals[i].isnull)
				amount += w->vals[i].i < 0 ? -w->vals[i].i :
				    w->vals[i].i;
		if ((rc = crm_stats_roomy(w->st, amount, &roomy)) !=
		    CRM_EX_OK)
			return rc;
		if (!roomy)
			return CRM_EX_OK;	/* crm_stats_refresh checks */
	}
	sqlite3_bind_int64(w->ensure, 1, customer);
	rc = sqlite3_step(w->ensure);
	sqlite3_reset(w->ensure);
	if (rc != SQLITE_DONE)
		return crm_sqlerr(w->st, rc);
	sqlite3_bind_int64(w->incr, 1, id);
	rc = sqlite3_step(w->incr);
	sqlite3_reset(w->incr);
	if (rc != SQLITE_DONE)
		return crm_sqlerr(w->st, rc);
	*done = sqlite3_changes(db) > 0;
	return CRM_EX_OK;
}

/*
 * An event time the fixup stamped with now, when --asof moved now out of
 * bounds (given values were checked before; stored ones stay as they are).
 */
static int
events_ok(struct crm_writer *w, int64_t id, const struct crm_loc *at0)
{
	const struct crm_kind *k = w->kind;
	const struct crm_cli *cli = crm_store_cli(w->st);
	struct crm_loc at = *at0;
	struct crm_val v = { 0, 1, 0, NULL };
	int i, c = 0, rc;

	if (event_in(w, cli->now))
		return CRM_EX_OK;
	sqlite3_bind_int64(w->events, 1, id);
	if ((rc = sqlite3_step(w->events)) != SQLITE_ROW) {
		sqlite3_reset(w->events);
		return crm_sqlerr(w->st, rc);
	}
	rc = CRM_EX_OK;
	for (i = 0; i < k->nfields && rc == CRM_EX_OK; i++) {
		if (!(k->fields[i].flags & CRM_F_EVENT) ||
		    k->fields[i].column == NULL)
			continue;
		v.isnull = sqlite3_column_type(w->events, c) == SQLITE_NULL;
		v.i = sqlite3_column_int64(w->events, c++);
		at.field = k->fields[i].name;
		if (!v.isnull && v.i == cli->now)
			rc = event_ok(w, NULL, &v, &at);
	}
	sqlite3_reset(w->events);
	return rc;
}

/* What follows every write: the kind's fixup, then the statistics. */
static int
after(struct crm_writer *w, int64_t id, int added, const struct crm_loc *at0)
{
	struct crm_loc at = *at0;
	const struct crm_val *ov;
	int rc, done = 0;

	if (w->guard != NULL) {
		int64_t c;

		if ((rc = owner_of(w, id, &c)) != CRM_EX_OK ||
		    (rc = guard_check(w->st, w->guard, c, &at)) != CRM_EX_OK)
			return rc;
	}

	if (w->fixup != NULL) {
		sqlite3_bind_int64(w->fixup, 1, id);
		sqlite3_bind_int64(w->fixup, 2, crm_store_cli(w->st)->now);
		rc = sqlite3_step(w->fixup);
		sqlite3_reset(w->fixup);
		if (rc != SQLITE_DONE)
			return crm_sqlerr(w->st, rc);
		if (w->events != NULL && (rc = events_ok(w, id, at0)) !=
		    CRM_EX_OK)
			return rc;
	}
	if (w->owner == NULL)
		return CRM_EX_OK;
	ov = &w->vals[crm_kind_index(w->kind, w->owner)];
	if (ov->isnull)
		return touch_owner(w, id);
	if (added && w->incr != NULL &&
	    (rc = incremental(w, ov->i, id, &done)) != CRM_EX_OK)
		return rc;
	return done ? CRM_EX_OK : crm_stats_touch(w->st, ov->i);
}

#define MAXWARN	100

static void
warnalike(struct crm_writer *w, const struct crm_loc *at, const char *what,
    int64_t other, const char *name)
{
	if (crm_store_cli(w->st)->quiet || ++w->warned > MAXWARN)
		return;
	crm_warn(at, "likely the same customer as %lld (%s): same %s%s",
	    (long long)other, name, what, w->warned == MAXWARN ?
	    " (further likely duplicates are only counted)" : "");
}

/*
 * A new customer whose e-mail matches a stored one only once normalised,
 * or whose phone matches, is added with a warning: crm-dedupe merges.
 */
static int
alike(struct crm_writer *w, const struct crm_loc *at0, int64_t id)
{
	/* The e-mail's key is stored only where it differs from it. */
	static const char *const sql[2] = {
	    "SELECT id, name FROM customer WHERE (email_key = ?1 OR email = "
	    "?1) "
	    "AND id != ?2 ORDER BY id LIMIT 1",
	    "SELECT id, name FROM customer WHERE phone_key = ?1 AND id != ?2 "
	    "ORDER BY id LIMIT 1",
	};
	static const char *const src[2] = { "email", "phone" };
	static const char *const what[2] = { "e-mail, as its provider reads "
	    "it", "phone number" };
	struct crm_loc at = *at0;
	const struct crm_field *f;
	const struct crm_val *v;
	char key[512];
	int i, rc;

	for (i = 0; i < 2; i++) {
		if ((f = crm_kind_field(w->kind, src[i])) == NULL)
			continue;
		v = &w->vals[crm_kind_index(w->kind, f)];
		if (v->isnull || (i == 0 ? crm_email_key(v->s, key,
		    sizeof key) : crm_phone_key(v->s, key, sizeof key)) != 0)
			continue;
		if (w->alike[i] == NULL && (rc = crm_prepare(w->st, sql[i],
		    &w->alike[i])) != CRM_EX_OK)
			return rc;
		sqlite3_bind_text(w->alike[i], 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(w->alike[i], 2, id);
		if ((rc = sqlite3_step(w->alike[i])) == SQLITE_ROW) {
			at.field = i == 0 ? "email" : "phone";
			warnalike(w, &at, what[i], sqlite3_column_int64(
			    w->alike[i], 0), (const char *)
			    sqlite3_column_text(w->alike[i], 1));
		}
		sqlite3_reset(w->alike[i]);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return crm_sqlerr(w->st, rc);
		if (rc == SQLITE_ROW)
			break;		/* one reason is enough */
	}
	return CRM_EX_OK;
}

/* After a load without indexes: the likely duplicates, set-wise. */
static int
alike_all(struct crm_writer *w, const char *file)
{
	/* Keys shared with a new customer, found in one pass of each index. */
	/*
	 * E-mail: two addresses with one key differ, so one of them keeps its
	 * key: start from those.  Phone: one pass over the key's index.
	 */
	static const char sql[] =
	    "WITH e (a, b) AS (SELECT max(x.id, y.id), min(x.id, y.id) FROM "
	    "customer AS x JOIN customer AS y ON (y.email_key = x.email_key "
	    "AND "
	    "y.id != x.id) OR y.email = x.email_key WHERE x.email_key IS NOT "
	    "NULL AND max(x.id, y.id) >= ?1), "
	    "p AS (SELECT phone_key AS k FROM customer WHERE phone_key IS NOT "
	    "NULL GROUP BY phone_key HAVING count(*) > 1 AND max(id) >= ?1) "
	    "SELECT a.id, coalesce(a.ref, ''), b.id, b.name, 'e-mail, as its "
	    "provider reads it' FROM e JOIN customer AS a ON a.id = e.a JOIN "
	    "customer AS b ON b.id = e.b UNION SELECT a.id, coalesce(a.ref, "
	    "''), "
	    "b.id, b.name, 'phone number' FROM p JOIN customer AS a ON "
	    "a.phone_key = p.k JOIN customer AS b ON b.phone_key = p.k AND "
	    "b.id < "
	    "a.id WHERE a.id >= ?1 ORDER BY 1, 3";
	struct crm_loc at = { file, 0, NULL };
	sqlite3_stmt *s = NULL;
	int64_t last = 0;
	char who[128];
	int rc;

	if (w->kind->def->derive == NULL || w->nadded == 0)
		return CRM_EX_OK;
	if ((rc = crm_prepare(w->st, sql, &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, w->first);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_int64(s, 0) == last)
			continue;
		last = sqlite3_column_int64(s, 0);
		snprintf(who, sizeof who, "customer %lld%s%s", (long long)last,
		    *sqlite3_column_text(s, 1) ? " ref " : "",
		    (const char *)sqlite3_column_text(s, 1));
		at.field = who;
		warnalike(w, &at, (const char *)sqlite3_column_text(s, 4),
		    sqlite3_column_int64(s, 2), (const char *)
		    sqlite3_column_text(s, 3));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(w->st, rc);
}

/* A row of the batch not yet written holding this record's key. */
static int64_t
key_pending(struct crm_writer *w)
{
	const struct crm_kind *k = w->kind;
	const struct crm_val *v;
	const struct bval *b;
	int r, i, x;

	if (w->nkkey == 0 || w->vals[crm_kind_index(k, w->kkey[0])].isnull)
		return 0;
	for (r = 0; r < w->nb; r++) {
		b = &w->bv[(size_t)r * (k->nfields + 1)];
		for (i = 0; i < w->nkkey; i++) {
			x = crm_kind_index(k, w->kkey[i]);
			v = &w->vals[x];
			if (v->isnull != b[x + 1].isnull)
				break;
			if (v->isnull)
				continue;
			if (v->isint ? !b[x + 1].isint || v->i != b[x + 1].i :
			    b[x + 1].isint || strlen(v->s) != b[x + 1].len ||
			    memcmp(v->s, w->arena + b[x + 1].off,
			    b[x + 1].len) != 0)
				break;
		}
		if (i == w->nkkey)
			return b[0].i;
	}
	return 0;
}

static void
warn_same(struct crm_writer *w, const struct crm_loc *at0, int64_t other)
{
	const struct crm_kind *k = w->kind;
	struct crm_loc at = *at0;

	if (++w->nsame > MAXWARN)
		return;
	at.field = NULL;
	crm_warn(&at, "warning: the same in every field as %s %lld, and "
	    "without %s a repeat cannot be told from a new %s; added%s",
	    k->name, (long long)other, w->kkey[0]->name, k->name,
	    w->nsame == MAXWARN ? " (further ones are only counted)" : "");
}

/* A new record without a key, the same as a stored one: a warning. */
static int
same(struct crm_writer *w, const struct crm_loc *at0)
{
	const struct crm_kind *k = w->kind;
	struct crm_loc at = *at0;
	int64_t other;
	int i, rc;

	if (w->same == NULL || !w->vals[crm_kind_index(k,
	    w->kkey[0])].isnull)
		return CRM_EX_OK;
	sqlite3_bind_int64(w->same, 1, w->first);
	for (i = 1; i < k->nfields; i++)
		if (settable(&k->fields[i]))
			crm_val_bind(w->same, i + 1, &w->vals[i]);
	rc = sqlite3_step(w->same);
	other = rc == SQLITE_ROW ? sqlite3_column_int64(w->same, 0) : 0;
	sqlite3_reset(w->same);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(w->st, rc);
	if (other != 0)
		warn_same(w, &at, other);
	return CRM_EX_OK;
}

int
crm_writer_put(struct crm_writer *w, const struct crm_rec *r,
    const struct crm_loc *at, int64_t *id, int *added)
{
	const struct crm_kind *k = w->kind;
	struct crm_val idv = { 1, 0, 0, NULL };
	sqlite3_stmt *s;
	int64_t found = 0, other;
	int i, j, rc, isnew = w->mode == CRM_W_ADD;
	struct crm_loc idat = *at;

	*added = 0;
	idat.field = "id";
	if (r->val[0] != NULL && *r->val[0] != '\0') {
		if (crm_id_parse(r->val[0], &idv.i) != 0)
			return crm_err(CRM_EX_DATAERR, &idat, "\"%s\" is not a "
			    "record id", r->val[0]);
		idv.isnull = 0;
		idv.isint = 1;
	}
	if (w->mode == CRM_W_SET) {
		found = *id;
	} else if (w->mode == CRM_W_UPSERT) {
		/* Match by id when given, else by the key (ref). */
		if (!idv.isnull) {
			sqlite3_bind_int64(w->exists, 1, idv.i);
			rc = sqlite3_step(w->exists);
			sqlite3_reset(w->exists);
			if (rc == SQLITE_ROW)
				found = idv.i;
			else if (rc != SQLITE_DONE)
				return crm_sqlerr(w->st, rc);
		} else if (w->nkey > 0) {
			i = crm_kind_index(k, w->key[0]);
			if (r->val[i] != NULL && *r->val[i] != '\0') {
				for (j = 0; j < w->nkey; j++) {
					const char *v = r->val[crm_kind_index(
					    k, w->key[j])];

					if (v != NULL && *v != '\0')
						sqlite3_bind_text(w->find,
						    j + 1, v, -1,
						    SQLITE_STATIC);
					else
						sqlite3_bind_null(w->find,
						    j + 1);
				}
				rc = sqlite3_step(w->find);
				if (rc == SQLITE_ROW)
					found = sqlite3_column_int64(w->find,
					    0);
				sqlite3_reset(w->find);
				if (rc != SQLITE_ROW && rc != SQLITE_DONE)
					return crm_sqlerr(w->st, rc);
			}
		}
		isnew = found == 0;
	}
	if ((rc = parse_rec(w, r, at, isnew)) != CRM_EX_OK ||
	    (rc = crm_forgotten_check(w->forgotten, r, found, at)) !=
	    CRM_EX_OK)
		return rc;
	if (isnew && w->nidx == 0 && (rc = same(w, at)) != CRM_EX_OK)
		return rc;
	/*
	 * A batch must not fail: a key held by a stored record or by one
	 * waiting in the batch is refused here, by its line.  With the
	 * indexes deferred, crm_writer_finish finds it.
	 */
	if (w->batching && idv.isnull && w->nidx == 0) {
		if ((rc = key_other(w, 0, &other)) != CRM_EX_OK)
			return rc;
		if (other == 0)
			other = key_pending(w);
		if (other != 0)
			return key_err(w, at, other);
	}
	if (w->batching && idv.isnull) {
		/* Checked already: the batch cannot fail on this row's data. */
		*id = w->nextid++;
		*added = 1;
		w->nadded++;
		if ((rc = keeprow(w, *id)) != CRM_EX_OK ||
		    (w->nb == BATCH && (rc = flush(w)) != CRM_EX_OK) ||
		    (rc = after(w, *id, 1, at)) != CRM_EX_OK)
			return rc;
		return put_attrs(w, r, *id);
	}
	if (w->batching && (rc = flush(w)) != CRM_EX_OK)
		return rc;
	/* crm numbers the records after it: leave it room. */
	if (isnew && !idv.isnull && idv.i > CRM_ID_GIVEN_MAX)
		return crm_err(CRM_EX_DATAERR, &idat, "a new record takes an "
		    "id up to %lld; %lld leaves no room for the ids crm gives",
		    (long long)CRM_ID_GIVEN_MAX, (long long)idv.i);
	if (isnew) {
		s = w->ins;
		crm_val_bind(s, 1, &idv);
		for (i = 0; i < k->nfields; i++)
			if (settable(&k->fields[i]))
				crm_val_bind(s, i + 1, &w->vals[i]);
		if ((rc = step_write(w, s, at, 0)) != CRM_EX_OK)
			return rc;
		*id = sqlite3_last_insert_rowid(crm_store_db(w->st));
		if (w->batching && *id >= w->nextid)
			w->nextid = *id + 1;
		*added = 1;
		w->nadded++;
		if (w->nidx == 0 && (rc = alike(w, at, *id)) != CRM_EX_OK)
			return rc;
	} else {
		s = w->upd;
		sqlite3_bind_int64(s, 1, found);
		for (i = 0; i < k->nfields; i++) {
			if (!settable(&k->fields[i]))
				continue;
			crm_val_bind(s, i + 1, &w->vals[i]);
			/* crm-set f= clears f (a required field refused it). */
			sqlite3_bind_int(s, k->nfields + i + 1, w->set[i]);
		}
		if ((rc = touch_owner(w, found)) != CRM_EX_OK ||
		    (rc = step_write(w, s, at, found)) != CRM_EX_OK)
			return rc;
		*id = found;
	}
	if ((rc = after(w, *id, *added, at)) != CRM_EX_OK)
		return rc;
	return put_attrs(w, r, *id);
}

/* The id of the first row repeating a unique value, 0 when none. */
static int64_t
first_dup(struct crm_writer *w, const struct crm_field **which,
    int64_t *earlier)
{
	const struct crm_kind *k = w->kind;
	sqlite3_stmt *s = NULL;
	char sql[512];
	int64_t best = 0, id;
	int i;

	for (i = 0; i < k->nfields; i++) {
		const struct crm_field *f = &k->fields[i];

		if (!(f->flags & CRM_F_UNIQUE))
			continue;
		snprintf(sql, sizeof sql, "SELECT id, prev FROM (SELECT id, "
		    "lag(id) OVER (PARTITION BY %s ORDER BY id) AS prev FROM "
		    "%s WHERE %s IS NOT NULL) WHERE prev IS NOT NULL ORDER BY "
		    "id LIMIT 1", f->column, k->def->table, f->column);
		if (crm_prepare(w->st, sql, &s) != CRM_EX_OK)
			return 0;
		if (sqlite3_step(s) == SQLITE_ROW) {
			id = sqlite3_column_int64(s, 0);
			if (best == 0 || id < best) {
				best = id;
				*which = f;
				*earlier = sqlite3_column_int64(s, 1);
			}
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	/* The kind's key: equal first fields, the others equal or unset. */
	if (w->nkkey > 0) {
		struct crm_sql q = { 0 };

		crm_sql_add(&q, "SELECT id, prev FROM (SELECT id, lag(id) OVER "
		    "(PARTITION BY %s", w->kkey[0]->column);
		for (i = 1; i < w->nkkey; i++)
			crm_sql_add(&q, ", ifnull(%s, '')", w->kkey[i]->column);
		crm_sql_add(&q, " ORDER BY id) AS prev FROM %s WHERE %s IS NOT "
		    "NULL) WHERE prev IS NOT NULL ORDER BY id LIMIT 1",
		    k->def->table, w->kkey[0]->column);
		if (crm_sql_prepare(w->st, &q, &s) == CRM_EX_OK &&
		    sqlite3_step(s) == SQLITE_ROW) {
			id = sqlite3_column_int64(s, 0);
			if (best == 0 || id < best) {
				best = id;
				*which = w->kkey[0];
				*earlier = sqlite3_column_int64(s, 1);
			}
		}
		sqlite3_finalize(s);
		crm_sql_free(&q);
	}
	return best;
}

/* After a load without indexes: the new records the same as stored ones. */
static int
same_all(struct crm_writer *w, long (*lineof)(void *, int64_t), void *arg,
    const char *file)
{
	const struct crm_kind *k = w->kind;
	struct crm_loc at = { file, 0, NULL };
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	int64_t id, other;
	int i, rc;

	if (w->same == NULL || w->nadded == 0)
		return CRM_EX_OK;
	crm_sql_add(&q, "SELECT n.id, (SELECT min(o.id) FROM %s AS o WHERE "
	    "o.id < ?1", k->def->table);
	for (i = 1; i < k->nfields; i++)
		if (settable(&k->fields[i]))
			crm_sql_add(&q, " AND o.%s IS n.%s",
			    k->fields[i].column, k->fields[i].column);
	crm_sql_add(&q, ") AS o FROM %s AS n WHERE n.id >= ?1 AND n.%s IS "
	    "NULL AND o IS NOT NULL ORDER BY n.id", k->def->table,
	    w->kkey[0]->column);
	rc = crm_prepare(w->st, q.buf, &s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, w->first);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		other = sqlite3_column_int64(s, 1);
		at.line = lineof != NULL ? lineof(arg, id - w->first) : 0;
		warn_same(w, &at, other);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(w->st, rc);
}

int
crm_writer_finish(struct crm_writer *w, long (*lineof)(void *, int64_t),
    void *arg, const char *file)
{
	struct crm_loc at = { file, 0, NULL };
	const struct crm_field *f = NULL;
	sqlite3 *db = crm_store_db(w->st);
	const char *what;
	int64_t dup, earlier = 0;
	int i, rc;

	if (w->batching && (rc = flush(w)) != CRM_EX_OK)
		return rc;
	for (i = 0; i < w->nidx; i++) {
		rc = sqlite3_exec(db, w->idxsql[i], NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			continue;
		if ((rc & 0xff) != SQLITE_CONSTRAINT)
			return crm_sqlerr(w->st, rc);
		if ((dup = first_dup(w, &f, &earlier)) == 0)
			return crm_err(CRM_EX_DATAERR, &at, "%s",
			    sqlite3_errmsg(db));
		at.line = lineof != NULL ? lineof(arg, dup - w->first) : 0;
		at.field = f->name;
		what = "value";
		if (w->nkkey > 1 && f == w->kkey[0])
			what = w->kind->key;
		if (earlier >= w->first)
			return crm_err(CRM_EX_DATAERR, &at, "the same %s is "
			    "given on line %ld", what, lineof != NULL ?
			    lineof(arg, earlier - w->first) : 0L);
		return crm_err(CRM_EX_DATAERR, &at, "the same %s is already "
		    "in the store (%s %lld); -u%s%s updates it", what,
		    w->kind->name, (long long)earlier, what != w->kind->key ?
		    "" : " --key ", what != w->kind->key ? "" : what);
	}
	if (w->nidx > 0 && (rc = same_all(w, lineof, arg, file)) !=
	    CRM_EX_OK)
		return rc;
	if (w->nidx > 0 && (rc = alike_all(w, file)) != CRM_EX_OK)
		return rc;
	if (w->warned > MAXWARN)
		crm_warn(NULL, "%ld likely duplicate customers in all; "
		    "crm-dedupe lists them", w->warned);
	if (w->nsame > MAXWARN)
		crm_warn(NULL, "warning: %ld %ss in all are the same as stored "
		    "ones", w->nsame, w->kind->name);
	return CRM_EX_OK;
}

void
crm_writer_allow_forgotten(struct crm_writer *w)
{
	crm_forgotten_close(w->forgotten);
	w->forgotten = NULL;
}

void
crm_writer_free(struct crm_writer *w)
{
	int i;

	if (w == NULL)
		return;
	crm_forgotten_close(w->forgotten);
	sqlite3_finalize(w->ins);
	sqlite3_finalize(w->upd);
	sqlite3_finalize(w->find);
	sqlite3_finalize(w->clash);
	sqlite3_finalize(w->same);
	sqlite3_finalize(w->exists);
	sqlite3_finalize(w->aput);
	sqlite3_finalize(w->adel);
	sqlite3_finalize(w->byref);
	sqlite3_finalize(w->ownerof);
	sqlite3_finalize(w->custok);
	sqlite3_finalize(w->fixup);
	sqlite3_finalize(w->events);
	sqlite3_finalize(w->ensure);
	sqlite3_finalize(w->incr);
	sqlite3_finalize(w->guard);
	sqlite3_finalize(w->alike[0]);
	sqlite3_finalize(w->alike[1]);
	sqlite3_finalize(w->bstmt);
	free(w->bv);
	free(w->arena);
	for (i = 0; i < w->nidx; i++)
		free(w->idxsql[i]);
	free(w->vals);
	free(w->set);
	free(w->dbuf);
	free(w);
}

int
crm_rec_init(struct crm_rec *r, const struct crm_kind *k, int nattr)
{
	memset(r, 0, sizeof *r);
	r->kind = k;
	r->cap = nattr;
	r->val = calloc(k->nfields, sizeof *r->val);
	r->akey = calloc(nattr + 1, sizeof *r->akey);
	r->aval = calloc(nattr + 1, sizeof *r->aval);
	if (r->val == NULL || r->akey == NULL ||
	    r->aval == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	return CRM_EX_OK;
}

void
crm_rec_clear(struct crm_rec *r)
{
	memset(r->val, 0, r->kind->nfields * sizeof *r->val);
	memset(r->aval, 0, r->cap * sizeof *r->aval);
}

void
crm_rec_free(struct crm_rec *r)
{
	int i;

	for (i = 0; i < r->nattr; i++)
		free(r->akey[i]);
	free(r->val);
	free(r->akey);
	free(r->aval);
	memset(r, 0, sizeof *r);
}

int
crm_rec_attr(struct crm_rec *r, const char *key)
{
	int i;

	for (i = 0; i < r->nattr; i++)
		if (strcmp(r->akey[i], key) == 0)
			return i;
	if (r->nattr == r->cap || (r->akey[i] = strdup(key)) == NULL)
		return -1;
	return r->nattr++;
}

int
crm_rec_assign(struct crm_rec *r, const char *arg)
{
	const struct crm_field *f;
	const char *eq = strchr(arg, '='), *near;
	char name[128];
	int i;

	if (eq == NULL || eq == arg)
		return crm_err(CRM_EX_USAGE, NULL, "\"%s\" is not field=value",
		    arg);
	if ((size_t)(eq - arg) >= sizeof name)
		return crm_err(CRM_EX_USAGE, NULL, "%.*s: no such field",
		    (int)(eq - arg), arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (r->kind->attrs && strncmp(name, "attr.", 5) == 0) {
		if (!crm_attr_key_valid(name + 5))
			return crm_err(CRM_EX_USAGE, NULL, "%s: not a valid "
			    "attribute name", name);
		if ((i = crm_rec_attr(r, name)) < 0)
			return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		r->aval[i] = eq + 1;	/* given twice: the last one counts */
		return CRM_EX_OK;
	}
	f = crm_kind_field(r->kind, name);
	if (f == NULL && (near = crm_kind_near(r->kind, name)) != NULL)
		return crm_err(CRM_EX_USAGE, NULL, "%s: no such field (did you "
		    "mean %s?)", name, near);
	if (f == NULL || !crm_kind_writable(f))
		return crm_err(CRM_EX_USAGE, NULL, "%s: %s", name, f == NULL ?
		    "no such field" : "is computed and cannot be set");
	i = crm_kind_index(r->kind, f);
	r->val[i] = eq + 1;
	return CRM_EX_OK;
}

char *
crm_rec_json(const struct crm_rec *r)
{
	const struct crm_kind *k = r->kind;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int i, n = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	putc('{', fp);
	for (i = 0; i < k->nfields; i++) {
		if (r->val[i] == NULL)
			continue;
		fputs(n++ ? "," : "", fp);
		crm_json_put(fp, k->fields[i].name);
		putc(':', fp);
		crm_json_put(fp, r->val[i]);
	}
	for (i = 0; i < r->nattr; i++) {
		if (r->aval[i] == NULL)
			continue;
		fputs(n++ ? "," : "", fp);
		crm_json_put(fp, r->akey[i]);
		putc(':', fp);
		crm_json_put(fp, r->aval[i]);
	}
	putc('}', fp);
	fclose(fp);
	return buf;
}

int
crm_rec_delete(struct crm_store *st, const struct crm_kind *k, int64_t id)
{
	sqlite3_stmt *s = NULL;
	char sql[128];
	int64_t customer = 0;
	int rc;

	if (crm_kind_owner(k) != NULL) {
		snprintf(sql, sizeof sql, "SELECT customer FROM %s WHERE id = "
		    "?", k->def->table);
		if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
			return rc;
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			customer = sqlite3_column_int64(s, 0);
		rc = crm_stats_touch(st, customer);
		sqlite3_finalize(s);
		s = NULL;
		if (rc != CRM_EX_OK)
			return rc;
	}
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?",
	    k->def->table);
	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	s = NULL;
	/* What is left of the customer's records must keep the rule. */
	if (rc == CRM_EX_OK && k->def->guard != NULL && customer != 0) {
		struct crm_loc at = { NULL, 0, NULL };

		if ((rc = crm_prepare(st, k->def->guard, &s)) != CRM_EX_OK)
			return rc;
		rc = guard_check(st, s, customer, &at);
		sqlite3_finalize(s);
	}
	return rc;
}

static int
tagop(struct crm_store *st, const char *sql, const char *tag,
    const struct crm_ids *ids, int64_t *changed)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc;

	*changed = 0;
	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	for (i = 0; i < ids->n; i++) {
		sqlite3_bind_int64(s, 1, ids->v[i]);
		sqlite3_bind_text(s, 2, tag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, crm_store_cli(st)->now);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			rc = crm_sqlerr(st, rc);
			goto out;
		}
		*changed += sqlite3_changes(crm_store_db(st));
	}
	rc = CRM_EX_OK;
out:
	sqlite3_finalize(s);
	return rc;
}

int
crm_tag_add(struct crm_store *st, const char *tag, const struct crm_ids *ids,
    int64_t *changed)
{
	/* A manual tag over a rule's tag makes it manual: it stays put. */
	return tagop(st, "INSERT INTO tag (customer, tag, origin, since) "
	    "VALUES (?1, ?2, 'manual', ?3) ON CONFLICT (customer, tag) DO "
	    "UPDATE SET origin = 'manual' WHERE origin IS NOT 'manual'", tag,
	    ids, changed);
}

int
crm_tag_del(struct crm_store *st, const char *tag, const struct crm_ids *ids,
    int64_t *changed)
{
	return tagop(st, "DELETE FROM tag WHERE customer = ?1 AND tag = ?2 "
	    "AND ?3 IS NOT NULL", tag, ids, changed);
}

/*
 * The manual tags of customer id become those of list (comma-separated,
 * "" for none): the manual ones not listed go, the listed ones are added
 * or, when a rule set them, made manual (as crm_tag_add); a rule's tag
 * not listed stays the rule's.
 */
int
crm_tags_manual(struct crm_store *st, int64_t id, const char *list,
    const struct crm_loc *at)
{
	sqlite3_stmt *s = NULL;
	struct crm_ids one = { NULL, 1, 1 };
	char *dup, *p, *tag;
	int64_t changed;
	int rc;

	if ((dup = strdup(list)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	for (p = dup; *dup != '\0' && (tag = strsep(&p, ",")) != NULL;)
		if (!crm_tag_valid(tag)) {
			rc = crm_err(CRM_EX_DATAERR, at, "\"%s\" is not a tag "
			    "name", tag);
			goto out;
		}
	free(dup);
	if ((dup = strdup(list)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	/* Each name once in ',list,', so instr finds whole names only. */
	if ((rc = crm_prepare(st, "DELETE FROM tag WHERE customer = ?1 AND "
	    "origin = 'manual' AND instr(',' || ?2 || ',', ',' || tag || ',') "
	    "= 0", &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, list, -1, SQLITE_STATIC);
	if ((rc = crm_step(st, s)) != CRM_EX_OK)
		goto out;
	one.v = &id;
	for (p = dup; *dup != '\0' && (tag = strsep(&p, ",")) != NULL;)
		if ((rc = crm_tag_add(st, tag, &one, &changed)) != CRM_EX_OK)
			goto out;
	rc = CRM_EX_OK;
out:
	sqlite3_finalize(s);
	free(dup);
	return rc;
}
