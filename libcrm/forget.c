/*
 * forget.c: crm-rm --forget erases a person, and keeps them erased.
 *
 * Erased: every field the kind table flags personal, in every kind, the
 * attributes, the values the audit kept of them, and every merge snapshot
 * holding the person.  Kept: when, which id, and a keyed hash (HMAC-SHA256
 * under a random key of the store) of each ref, e-mail and phone the
 * person had, so an import cannot bring them back unnoticed.  The hashes
 * cannot be reversed without the key, and a value is never kept.
 */
#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sqlite3.h>

#include "crm-int.h"

#define KEYLEN	32
#define HASHLEN	32

/* HMAC-SHA256 under the store's key, set up once for many values. */
struct hmac {
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx;
};

struct crm_forgotten {
	struct crm_store	*st;
	struct hmac		 h;
	sqlite3_stmt		*find;		/* 1: the hash is listed */
};

/*
 * The key as text: a letter from a to p per half byte.  No digits: a
 * search of the store's bytes for a forgotten phone number or id cannot
 * find them in the key by chance, as it could in hex.
 */
int
crm_forget_keygen(struct crm_store *st)
{
	unsigned char key[KEYLEN];
	char text[2 * KEYLEN + 1];
	size_t got = 0;
	ssize_t n;
	int i;

	while (got < sizeof key) {
		n = getrandom(key + got, sizeof key - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return crm_err(CRM_EX_SOFTWARE, NULL, "the forget key: "
			    "getrandom:");
		got += (size_t)n;
	}
	for (i = 0; i < KEYLEN; i++) {
		text[2 * i] = (char)('a' + (key[i] >> 4));
		text[2 * i + 1] = (char)('a' + (key[i] & 15));
	}
	text[2 * KEYLEN] = '\0';
	return crm_config_set(st, CRM_CONFIG_FORGET_KEY, text);
}

static int
loadkey(struct crm_store *st, unsigned char key[KEYLEN])
{
	char *hex = NULL;
	int i, rc;

	if ((rc = crm_config_get(st, CRM_CONFIG_FORGET_KEY, &hex)) !=
	    CRM_EX_OK)
		return rc;
	for (i = 0; hex != NULL && i < KEYLEN; i++) {
		if (hex[2 * i] < 'a' || hex[2 * i] > 'p' ||
		    hex[2 * i + 1] < 'a' || hex[2 * i + 1] > 'p')
			break;
		key[i] = (unsigned char)((hex[2 * i] - 'a') << 4 |
		    (hex[2 * i + 1] - 'a'));
	}
	rc = hex != NULL && i == KEYLEN && hex[2 * KEYLEN] == '\0' ?
	    CRM_EX_OK : crm_err(CRM_EX_DATAERR, NULL, "%s: the forget key "
	    "(config %s) is missing or damaged", crm_store_cli(st)->dbpath,
	    CRM_CONFIG_FORGET_KEY);
	free(hex);
	return rc;
}

/* Attributes named like these hold a phone number when they parse as one. */
static const char *const phonenames[] = { "phone", "mobile", "tel", "fax",
    "cell", "whatsapp", NULL };

static int
phoneish(const char *key)
{
	char low[80];
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)key[i]);
	low[i] = '\0';
	for (i = 0; phonenames[i] != NULL; i++)
		if (strstr(low, phonenames[i]) != NULL)
			return 1;
	return 0;
}

/* A customer field whose values may tell who someone is. */
static int
identifying(const struct crm_field *f)
{
	return f->type == CRM_T_EMAIL || f->type == CRM_T_PHONE ||
	    ((f->flags & CRM_F_UNIQUE) && f->type == CRM_T_TEXT);
}

/*
 * What a value of field name (a customer field, or attr.KEY) identifies:
 * "email", "phone", or a unique field's name (ref), and the normalised
 * form that is hashed, by the match keys of crm-dedupe.  NULL: nothing.
 */
static const char *
identifies(const char *name, const char *v, char *norm, size_t n)
{
	const struct crm_field *f;
	int phone;

	if (name == NULL || v == NULL || *v == '\0')
		return NULL;
	if (strncmp(name, "attr.", 5) == 0) {
		/* Free text: an address or number may come as a URI. */
		if (strncasecmp(v, "mailto:", 7) == 0)
			v += 7;
		else if (strncasecmp(v, "tel:", 4) == 0)
			v += 4;
		if (crm_email_ok(v) && crm_email_key(v, norm, n) == 0)
			return "email";
		phone = phoneish(name + 5) && crm_phone_ok(v);
		return phone && crm_phone_key(v, norm, n) == 0 ? "phone" : NULL;
	}
	if ((f = crm_kind_field(crm_kind_customer(), name)) == NULL ||
	    !identifying(f))
		return NULL;
	if (f->type == CRM_T_EMAIL)
		return crm_email_key(v, norm, n) == 0 ? "email" : NULL;
	if (f->type == CRM_T_PHONE)
		return crm_phone_key(v, norm, n) == 0 ? "phone" : NULL;
	return snprintf(norm, n, "%s", v) < (int)n ? f->name : NULL;
}

static void
hmac_free(struct hmac *h)
{
	EVP_MAC_CTX_free(h->ctx);
	EVP_MAC_free(h->mac);
	h->ctx = NULL;
	h->mac = NULL;
}

/* Ready h with the store's key. */
static int
hmac_init(struct crm_store *st, struct hmac *h)
{
	unsigned char key[KEYLEN];
	char digest[] = "SHA256";
	OSSL_PARAM params[2];
	int rc;

	if ((rc = loadkey(st, key)) != CRM_EX_OK)
		return rc;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((h->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (h->ctx = EVP_MAC_CTX_new(h->mac)) == NULL ||
	    !EVP_MAC_init(h->ctx, key, KEYLEN, params))
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "HMAC-SHA256 is not "
		    "available (libcrypto)");
	OPENSSL_cleanse(key, sizeof key);
	return rc;
}

/* HMAC-SHA256 of what, a NUL, and the normalised value. */
static int
hash(struct hmac *h, const char *what, const char *norm,
    unsigned char out[HASHLEN])
{
	size_t len = 0;

	/* A NULL key starts again with the key of the first init. */
	if (!EVP_MAC_init(h->ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(h->ctx, (const unsigned char *)what,
	    strlen(what) + 1) ||
	    !EVP_MAC_update(h->ctx, (const unsigned char *)norm,
	    strlen(norm)) ||
	    !EVP_MAC_final(h->ctx, out, &len, HASHLEN) || len != HASHLEN)
		return crm_err(CRM_EX_SOFTWARE, NULL, "HMAC-SHA256 failed");
	return CRM_EX_OK;
}

/*
 * temp.gone: the history records the audit knows of that are deleted
 * since, with the customer (id, ref) they were added for.  Once per
 * connection: a scan of the audit, which forgetting deletes nothing from.
 */
static int
gone(struct crm_store *st)
{
	const struct crm_kind *k;
	char sql[1024];
	int64_t made;
	int i, rc;

	if ((rc = crm_query_int(st, &made, "SELECT count(*) FROM "
	    "temp.sqlite_schema WHERE name = 'gone'", 0)) != CRM_EX_OK || made)
		return rc;
	if ((rc = crm_exec(st, "CREATE TEMP TABLE gone (kind TEXT, record "
	    "INTEGER, customer INTEGER, ref TEXT)")) != CRM_EX_OK)
		return rc;
	for (i = 0; (k = crm_kind_nth(i)) != NULL; i++) {
		if (crm_kind_owner(k) == NULL)
			continue;
		snprintf(sql, sizeof sql, "INSERT INTO temp.gone SELECT kind, "
		    "record, CAST(json_extract(detail, '$.customer') AS "
		    "INTEGER), json_extract(detail, '$.customer_ref') FROM "
		    "audit WHERE kind = '%s' AND record IS NOT NULL AND NOT "
		    "EXISTS (SELECT 1 FROM %s WHERE id = audit.record) AND "
		    "CASE WHEN json_valid(detail) THEN json_type(detail) = "
		    "'object' ELSE 0 END", k->name, k->def->table);
		if ((rc = crm_exec(st, sql)) != CRM_EX_OK)
			return rc;
	}
	return CRM_EX_OK;
}

/*
 * Into temp.person: the customers in temp.person_new and, recursively,
 * every customer merged into one of them by a merge that stands (it made
 * its dropped customers part of the kept one: the same person, whose
 * records and audit are theirs too).
 */
static int
closure(struct crm_store *st)
{
	return crm_exec(st, "INSERT OR IGNORE INTO temp.person WITH RECURSIVE "
	    "p (c) AS (SELECT customer FROM temp.person_new UNION SELECT "
	    "r.customer FROM p JOIN merge AS m ON m.keep = p.c JOIN merge_row "
	    "AS r ON r.merge = m.id WHERE m.undone IS NULL AND r.what = 'row') "
	    "SELECT c FROM p; DELETE FROM temp.person_new");
}

/* temp.person_ref and temp.person_rec, from temp.person. */
static int
fill(struct crm_store *st)
{
	const struct crm_kind *k;
	char sql[1024];
	int i, rc;

	/* The refs they had, by which records named them. */
	if ((rc = crm_exec(st, "DELETE FROM temp.person_ref; DELETE FROM "
	    "temp.person_rec; INSERT OR IGNORE INTO "
	    "temp.person_ref SELECT ref FROM customer WHERE id IN (SELECT "
	    "customer FROM temp.person) AND ref IS NOT NULL UNION SELECT "
	    "json_extract(detail, '$.ref') FROM audit WHERE kind = 'customer' "
	    "AND record IN (SELECT customer FROM temp.person) AND CASE WHEN "
	    "json_valid(detail) THEN json_extract(detail, '$.ref') IS NOT "
	    "NULL ELSE 0 END")) != CRM_EX_OK)
		return rc;
	if ((rc = gone(st)) != CRM_EX_OK)
		return rc;
	/*
	 * Their records of every kind: those they own, and those deleted
	 * since that the audit says were added for them.
	 */
	for (i = 0; (k = crm_kind_nth(i)) != NULL; i++) {
		if (crm_kind_owner(k) == NULL)
			continue;
		snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO "
		    "temp.person_rec SELECT '%s', id FROM %s WHERE customer IN "
		    "(SELECT customer FROM temp.person)", k->name,
		    k->def->table);
		if ((rc = crm_exec(st, sql)) != CRM_EX_OK)
			return rc;
	}
	return crm_exec(st, "INSERT OR IGNORE INTO temp.person_rec SELECT "
	    "kind, record FROM temp.gone WHERE customer IN (SELECT customer "
	    "FROM temp.person) OR ref IN (SELECT ref FROM temp.person_ref)");
}

int
crm_person_load(struct crm_store *st, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_exec(st, "CREATE TEMP TABLE IF NOT EXISTS person "
	    "(customer INTEGER PRIMARY KEY); CREATE TEMP TABLE IF NOT EXISTS "
	    "person_new (customer INTEGER PRIMARY KEY); CREATE TEMP TABLE IF "
	    "NOT EXISTS person_ref (ref TEXT PRIMARY KEY); CREATE TEMP TABLE "
	    "IF NOT EXISTS person_rec (kind TEXT, id INTEGER, PRIMARY KEY "
	    "(kind, id)); CREATE TEMP TABLE IF NOT EXISTS person_snap (merge "
	    "INTEGER, customer INTEGER, PRIMARY KEY (merge, customer)); "
	    "DELETE FROM temp.person; DELETE FROM temp.person_new; DELETE "
	    "FROM temp.person_snap")) != CRM_EX_OK)
		return rc;
	if ((rc = crm_prepare(st, "INSERT INTO temp.person_new VALUES (?)",
	    &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	if (rc != CRM_EX_OK || (rc = closure(st)) != CRM_EX_OK)
		return rc;
	return fill(st);
}

/*
 * The snapshots of the person: their own, whichever side of a merge they
 * were on, and those of every customer merged into them.  Erased with
 * them: those of a customer still here holding a value of theirs
 * (temp.person_snap), whose other values are that customer's.
 */
#define OWN_SNAPSHOTS \
	"m.what != 'move' AND m.customer IN (SELECT customer FROM " \
	"temp.person)"
#define SNAPSHOTS \
	"m.what != 'move' AND (m.customer IN (SELECT customer FROM " \
	"temp.person) OR (m.merge, m.customer) IN (SELECT merge, customer " \
	"FROM temp.person_snap))"

/*
 * SQL giving (field, value) for what may identify customer ?1 now: the
 * fields identifies() knows, from the kind table, and the attributes.
 */
static void
current(struct crm_sql *q)
{
	const struct crm_kind *k = crm_kind_customer();
	const struct crm_field *f;
	int i, n = 0;

	crm_sql_add(q, "SELECT j.key, j.value FROM customer AS c, "
	    "json_each(json_object(");
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if (f->column != NULL && identifying(f))
			crm_sql_add(q, "%s'%s', c.%s", n++ ? ", " : "",
			    f->name, f->column);
	}
	crm_sql_add(q, ")) AS j WHERE c.id = ?1 UNION SELECT 'attr.' || key, "
	    "value FROM attr WHERE customer = ?1");
}

/*
 * Everything the store holds of the person that may identify them: the
 * row and attributes, the audit's copies, the merge snapshots.
 */
static const char identities[] =
    " UNION SELECT j.key, j.value FROM audit AS a, json_each(CASE WHEN "
    "json_valid(a.detail) THEN a.detail ELSE '{}' END) AS j WHERE a.kind = "
    "'customer' AND a.record IN (SELECT customer FROM temp.person) "
    "UNION SELECT j.key, j.value FROM merge_row AS m, json_each(m.data) AS "
    "j WHERE m.what IN ('row', 'keeprow') AND " OWN_SNAPSHOTS " "
    "UNION SELECT 'attr.' || json_extract(j.value, '$[0]'), "
    "json_extract(j.value, '$[1]') FROM merge_row AS m, json_each(m.data) "
    "AS j WHERE m.what IN ('attr', 'keepattr') AND " OWN_SNAPSHOTS;

/* Record the forget of customer id as of ts: its id in *fid. */
static int
record(struct crm_store *st, int64_t id, int64_t ts, int64_t *fid)
{
	return crm_query_int(st, fid, "INSERT INTO forget (ts, customer) "
	    "VALUES (?1, ?2) RETURNING id", 2, ts, id);
}

/* Keep the hashes of what identifies the person (customer id) for fid. */
static int
hashes(struct crm_store *st, struct hmac *mac, int64_t id, int64_t fid)
{
	unsigned char h[HASHLEN];
	sqlite3_stmt *s = NULL, *ins = NULL;
	struct crm_sql q = { 0 };
	const char *what, *name, *v;
	char norm[512];
	int rc;

	current(&q);
	crm_sql_add(&q, "%s", identities);
	if ((rc = crm_prepare(st, "INSERT OR IGNORE INTO forgotten (hash, "
	    "what, forget) VALUES (?1, ?2, ?3)", &ins)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, q.buf, &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		v = (const char *)sqlite3_column_text(s, 1);
		if (name == NULL || (what = identifies(name, v, norm,
		    sizeof norm)) == NULL)
			continue;
		if ((rc = hash(mac, what, norm, h)) != CRM_EX_OK)
			goto out;
		sqlite3_bind_blob(ins, 1, h, HASHLEN, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, what, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, fid);
		if ((rc = crm_step(st, ins)) != CRM_EX_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	crm_sql_free(&q);
	return rc;
}

/* (merge, customer, name, value) for each value of a merge snapshot. */
static const char snapvalues[] =
    "SELECT m.merge, m.customer, j.key, j.value FROM merge_row AS m, "
    "json_each(m.data) AS j WHERE m.what IN ('row', 'keeprow') UNION ALL "
    "SELECT m.merge, m.customer, 'attr.' || json_extract(j.value, '$[0]'), "
    "json_extract(j.value, '$[1]') FROM merge_row AS m, json_each(m.data) "
    "AS j WHERE m.what IN ('attr', 'keepattr')";

/*
 * temp.snap (merge, customer, hash): the keyed hash of each value of a
 * merge snapshot that may identify someone, as hashes() makes them.
 * Once per connection: a snapshot erased since matches no merge_row.
 */
static int
snaps(struct crm_store *st, struct hmac *mac)
{
	unsigned char h[HASHLEN];
	sqlite3_stmt *s = NULL, *ins = NULL;
	const char *what, *name, *v;
	char norm[512];
	int64_t made;
	int rc;

	if ((rc = crm_query_int(st, &made, "SELECT count(*) FROM "
	    "temp.sqlite_schema WHERE name = 'snap'", 0)) != CRM_EX_OK || made)
		return rc;
	if ((rc = crm_exec(st, "CREATE TEMP TABLE snap (merge INTEGER, "
	    "customer INTEGER, hash BLOB); CREATE INDEX temp.snap_hash ON "
	    "snap(hash)")) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT INTO temp.snap VALUES (?1, ?2, ?3)",
	    &ins)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, snapvalues, &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 2);
		v = (const char *)sqlite3_column_text(s, 3);
		if (name == NULL || (what = identifies(name, v, norm,
		    sizeof norm)) == NULL)
			continue;
		if ((rc = hash(mac, what, norm, h)) != CRM_EX_OK)
			goto out;
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_int64(ins, 2, sqlite3_column_int64(s, 1));
		sqlite3_bind_blob(ins, 3, h, HASHLEN, SQLITE_TRANSIENT);
		if ((rc = crm_step(st, ins)) != CRM_EX_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	return rc;
}

/*
 * A snapshot holding a value hashed for forget fid is of the same person.
 * A customer no longer here joins temp.person (with those merged into
 * it: its audit and snapshots go too); a customer here stays, only its
 * snapshot in that merge goes (temp.person_snap).  *more: how many
 * joined temp.person, whose values are the person's to hash.
 */
#define MATCHED \
	"FROM temp.snap AS s JOIN forgotten AS f ON f.hash = s.hash AND " \
	"f.forget = ?1 WHERE s.customer NOT IN (SELECT customer FROM " \
	"temp.person) AND EXISTS (SELECT 1 FROM merge_row AS r WHERE " \
	"r.merge = s.merge AND r.customer = s.customer AND r.what != 'move')"

/* Run sql with ?1 bound to fid. */
static int
run1(struct crm_store *st, const char *sql, int64_t fid)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, fid);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc;
}

static int
matched(struct crm_store *st, int64_t fid, int64_t *more)
{
	static const char count[] = "SELECT count(*) FROM temp.person";
	int64_t before, after;
	int rc;

	if ((rc = crm_query_int(st, &before, count, 0)) != CRM_EX_OK ||
	    (rc = run1(st, "INSERT OR IGNORE INTO temp.person_new SELECT "
	    "DISTINCT s.customer " MATCHED " AND NOT EXISTS (SELECT 1 FROM "
	    "customer WHERE id = s.customer)", fid)) != CRM_EX_OK ||
	    (rc = closure(st)) != CRM_EX_OK ||
	    (rc = run1(st, "INSERT OR IGNORE INTO temp.person_snap SELECT "
	    "DISTINCT s.merge, s.customer " MATCHED, fid)) != CRM_EX_OK ||
	    (rc = crm_query_int(st, &after, count, 0)) != CRM_EX_OK)
		return rc;
	*more = after - before;
	return CRM_EX_OK;
}

/* Run q with ?2 bound to id; q is freed. */
static int
runq(struct crm_store *st, struct crm_sql *q)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_sql_prepare(st, q, &s)) == CRM_EX_OK)
		rc = crm_step(st, s);
	sqlite3_finalize(s);
	crm_sql_free(q);
	return rc;
}

/*
 * The personal fields of kind k: set to NULL, a required one to a
 * placeholder, in the customer's row or in each of its records.
 */
static int
erase_kind(struct crm_store *st, const struct crm_kind *k, int64_t id)
{
	struct crm_sql q = { 0 };
	const struct crm_field *f;
	int i, n = 0;

	crm_sql_add(&q, "UPDATE %s SET ", k->def->table);
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if (!(f->flags & CRM_F_PERSONAL) || f->column == NULL)
			continue;
		/* A required field cannot be empty: it says what happened. */
		crm_sql_add(&q, "%s%s = %s", n++ ? ", " : "", f->column,
		    (f->flags & CRM_F_REQUIRED) ? "'forgotten ' || " : "NULL");
		if (f->flags & CRM_F_REQUIRED)
			crm_sql_int(&q, id);
	}
	crm_sql_add(&q, " WHERE %s = ", crm_kind_owner(k) != NULL ?
	    "customer" : "id");
	crm_sql_int(&q, id);
	if (n == 0) {
		crm_sql_free(&q);
		return CRM_EX_OK;
	}
	return runq(st, &q);
}

/*
 * The audit's JSON copies of kind k's records of the person (those in
 * temp.person and temp.person_rec, deleted ones included), without the
 * personal members (and attributes, the customer's ref of a record).
 */
static int
erase_audit(struct crm_store *st, const struct crm_kind *k)
{
	struct crm_sql q = { 0 };
	const struct crm_field *f;
	int i, n = 0;

	crm_sql_add(&q, "UPDATE audit SET detail = (SELECT "
	    "json_group_object(j.key, j.value) FROM json_each(audit.detail) "
	    "AS j WHERE %s", k->attrs ? "j.key NOT LIKE 'attr.%'" : "1");
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if (!(f->flags & (CRM_F_PERSONAL | CRM_F_REFKEY)))
			continue;
		crm_sql_add(&q, n++ ? ", " : " AND j.key NOT IN (");
		crm_sql_text(&q, f->name);
	}
	crm_sql_add(&q, "%s) WHERE kind = ", n ? ")" : "");
	crm_sql_text(&q, k->name);
	if (crm_kind_owner(k) != NULL) {
		crm_sql_add(&q, " AND record IN (SELECT id FROM "
		    "temp.person_rec WHERE kind = ");
		crm_sql_text(&q, k->name);
		crm_sql_add(&q, ")");
	} else
		crm_sql_add(&q, " AND record IN (SELECT customer FROM "
		    "temp.person)");
	/* Only JSON objects hold values; other details name ids. */
	crm_sql_add(&q, " AND CASE WHEN json_valid(detail) THEN "
	    "json_type(detail) = 'object' ELSE 0 END");
	if (n == 0 && !k->attrs) {
		crm_sql_free(&q);
		return CRM_EX_OK;
	}
	return runq(st, &q);
}

/* Forget customer id as of ts: the forget's id in *fid. */
static int
forget_at(struct crm_store *st, int64_t id, int64_t ts, int64_t *fid)
{
	const struct crm_kind *k;
	struct hmac mac = { NULL, NULL };
	sqlite3_stmt *s = NULL;
	int64_t more, grew = 0;
	int i, rc;

	/*
	 * First what identified the person, while it is still there, and
	 * the snapshots holding any of it, until they add nothing new.
	 */
	if ((rc = crm_person_load(st, id)) != CRM_EX_OK ||
	    (rc = hmac_init(st, &mac)) != CRM_EX_OK ||
	    (rc = record(st, id, ts, fid)) != CRM_EX_OK ||
	    (rc = snaps(st, &mac)) != CRM_EX_OK)
		goto out;
	do {
		if ((rc = hashes(st, &mac, id, *fid)) != CRM_EX_OK ||
		    (rc = matched(st, *fid, &more)) != CRM_EX_OK)
			goto out;
		grew += more;
	} while (more > 0);
	if (grew && (rc = fill(st)) != CRM_EX_OK)
		goto out;
	for (i = 0; (k = crm_kind_nth(i)) != NULL; i++)
		if ((rc = erase_kind(st, k, id)) != CRM_EX_OK ||
		    (rc = erase_audit(st, k)) != CRM_EX_OK)
			goto out;
	if ((rc = crm_prepare(st, "DELETE FROM attr WHERE customer = ?1",
	    &s)) != CRM_EX_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	if (rc != CRM_EX_OK)
		goto out;
	/*
	 * Their merge snapshots: those merges can no longer be undone.  What
	 * moved where (ids) stays.
	 */
	if ((rc = crm_exec(st, "DELETE FROM merge_row AS m WHERE " SNAPSHOTS))
	    == CRM_EX_OK)
		rc = crm_store_scrub_later(st);
out:
	hmac_free(&mac);
	return rc;
}

int
crm_customer_forget(struct crm_store *st, int64_t id)
{
	int64_t fid;

	return forget_at(st, id, crm_store_cli(st)->clock, &fid);
}

int
crm_forget_migrate(struct crm_store *st, int to)
{
	int rc;

	if (to != 5)
		return CRM_EX_OK;
	if ((rc = crm_forget_keygen(st)) != CRM_EX_OK)
		return rc;
	return crm_forget_legacy(st);
}

int
crm_forget_legacy(struct crm_store *st)
{
	sqlite3_stmt *s = NULL;
	int64_t *id = NULL, *ts = NULL, fid;
	size_t n = 0, cap = 0, i;
	void *p;
	int rc;

	/* Read first: forgetting rewrites the audit being read. */
	if ((rc = crm_prepare(st, "SELECT record, min(ts) FROM audit WHERE "
	    "kind = 'customer' AND action = 'forget' AND record IS NOT NULL "
	    "GROUP BY record ORDER BY min(id)", &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((p = realloc(id, cap * sizeof *id)) == NULL)
				break;
			id = p;
			if ((p = realloc(ts, cap * sizeof *ts)) == NULL)
				break;
			ts = p;
		}
		id[n] = sqlite3_column_int64(s, 0);
		ts[n++] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	else
		rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
	for (i = 0; rc == CRM_EX_OK && i < n; i++)
		rc = forget_at(st, id[i], ts[i], &fid);
	free(id);
	free(ts);
	return rc;
}

/* Open another SQLite file: a list of forgets, or a store. */
static int
other(struct crm_store *st, const char *path, int flags, sqlite3 **db)
{
	struct crm_loc at = { path, 0, NULL };
	int rc;

	if ((rc = sqlite3_open_v2(path, db, flags, NULL)) == SQLITE_OK) {
		sqlite3_extended_result_codes(*db, 1);
		sqlite3_busy_timeout(*db, crm_store_cli(st)->busy_ms);
		return CRM_EX_OK;
	}
	rc = crm_err(CRM_EX_IOERR, &at, "cannot open: %s", *db != NULL ?
	    sqlite3_errmsg(*db) : sqlite3_errstr(rc));
	sqlite3_close(*db);
	*db = NULL;
	return rc;
}

static int
othererr(sqlite3 *db, const char *path)
{
	struct crm_loc at = { path, 0, NULL };

	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_err(CRM_EX_TEMPFAIL, &at, "busy; try again later");
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return crm_err(CRM_EX_DATAERR, &at, "not a list of forgets "
		    "(%s)", sqlite3_errmsg(db));
	default:
		return crm_err(CRM_EX_IOERR, &at, "%s", sqlite3_errmsg(db));
	}
}

int
crm_forget_save(struct crm_store *st, const char *path)
{
	sqlite3_stmt *s = NULL, *f = NULL, *h = NULL;
	struct crm_loc at = { path, 0, NULL };
	sqlite3 *db = NULL;
	char *key = NULL;
	int fd, rc;

	/* It holds the key: mode 0600, as the store. */
	if ((fd = open(path, O_RDWR | O_CREAT, 0600)) < 0)
		return crm_err(CRM_EX_IOERR, &at, "cannot create:");
	close(fd);
	if ((rc = crm_config_get(st, CRM_CONFIG_FORGET_KEY, &key)) !=
	    CRM_EX_OK || (rc = other(st, path, SQLITE_OPEN_READWRITE, &db)) !=
	    CRM_EX_OK)
		goto out;
	/* The same tables as the store's: a store is a list too. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS "
	    "config (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) "
	    "STRICT; CREATE TABLE IF NOT EXISTS forget (id INTEGER PRIMARY "
	    "KEY, ts INTEGER NOT NULL, customer INTEGER NOT NULL, UNIQUE (ts, "
	    "customer)) STRICT; CREATE TABLE IF NOT EXISTS forgotten (hash "
	    "BLOB NOT NULL, forget INTEGER NOT NULL, what TEXT NOT NULL, "
	    "PRIMARY KEY (hash, forget)) STRICT, WITHOUT ROWID", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO config VALUES ('"
	    CRM_CONFIG_FORGET_KEY "', ?1) ON CONFLICT (key) DO NOTHING", -1,
	    &f, NULL) != SQLITE_OK) {
		rc = othererr(db, path);
		goto out;
	}
	sqlite3_bind_text(f, 1, key, -1, SQLITE_STATIC);
	if (key != NULL && sqlite3_step(f) != SQLITE_DONE) {
		rc = othererr(db, path);
		goto out;
	}
	sqlite3_finalize(f);
	f = NULL;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO forget (ts, "
	    "customer) VALUES (?1, ?2)", -1, &f, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO forgotten (hash, "
	    "what, forget) SELECT ?1, ?2, id FROM forget WHERE ts = ?3 AND "
	    "customer = ?4", -1, &h, NULL) != SQLITE_OK) {
		rc = othererr(db, path);
		goto out;
	}
	if ((rc = crm_prepare(st, "SELECT f.ts, f.customer, h.hash, h.what "
	    "FROM forget AS f LEFT JOIN forgotten AS h ON h.forget = f.id "
	    "ORDER BY f.id", &s)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_bind_int64(f, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_int64(f, 2, sqlite3_column_int64(s, 1));
		if (sqlite3_step(f) != SQLITE_DONE) {
			rc = othererr(db, path);
			goto out;
		}
		sqlite3_reset(f);
		if (sqlite3_column_type(s, 2) == SQLITE_NULL)
			continue;
		sqlite3_bind_blob(h, 1, sqlite3_column_blob(s, 2),
		    sqlite3_column_bytes(s, 2), SQLITE_TRANSIENT);
		sqlite3_bind_text(h, 2, (const char *)sqlite3_column_text(s,
		    3), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(h, 3, sqlite3_column_int64(s, 0));
		sqlite3_bind_int64(h, 4, sqlite3_column_int64(s, 1));
		if (sqlite3_step(h) != SQLITE_DONE) {
			rc = othererr(db, path);
			goto out;
		}
		sqlite3_reset(h);
	}
	if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(st, rc);
		goto out;
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ?
	    CRM_EX_OK : othererr(db, path);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(f);
	sqlite3_finalize(h);
	sqlite3_close(db);	/* rolls back what was not committed */
	free(key);
	return rc;
}

/*
 * *yes = 1 when every forget of this store that kept hashes was made by
 * an older crm (before the store came to schema 5, when the key was
 * made) and is in the file db too (by time and customer): its hashes can
 * stand for ours.
 */
static int
covered(struct crm_store *st, sqlite3 *db, const char *path, int *yes)
{
	sqlite3_stmt *s = NULL, *f = NULL;
	int rc, r;

	*yes = 1;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM forget WHERE ts = ?1 AND "
	    "customer = ?2", -1, &f, NULL) != SQLITE_OK)
		return othererr(db, path);
	if ((rc = crm_prepare(st, "SELECT ts, customer, ts < (SELECT max(ts) "
	    "FROM audit WHERE action = 'migrate' AND detail GLOB 'schema "
	    "version [0-4] -> *') FROM forget AS f WHERE EXISTS (SELECT 1 FROM "
	    "forgotten WHERE forget = f.id)", &s)) != CRM_EX_OK)
		goto out;
	while (*yes && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_int(s, 2) != 1) {
			*yes = 0;
			break;
		}
		sqlite3_bind_int64(f, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_int64(f, 2, sqlite3_column_int64(s, 1));
		r = sqlite3_step(f);
		sqlite3_reset(f);
		if (r == SQLITE_DONE)
			*yes = 0;
		else if (r != SQLITE_ROW) {
			rc = othererr(db, path);
			goto out;
		}
	}
	rc = !*yes || rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(f);
	return rc;
}

int
crm_forget_reapply(struct crm_store *st, const char *path, long *n)
{
	sqlite3_stmt *s = NULL, *h = NULL, *here = NULL, *ins = NULL;
	sqlite3_stmt *alive = NULL;
	struct crm_loc at = { path, 0, NULL };
	sqlite3 *db = NULL;
	char *mine = NULL;
	int64_t ts, c, fid = 0;
	int rc, found, had, ok, rekey = 0;

	*n = 0;
	if ((rc = other(st, path, SQLITE_OPEN_READONLY, &db)) != CRM_EX_OK ||
	    (rc = crm_config_get(st, CRM_CONFIG_FORGET_KEY, &mine)) !=
	    CRM_EX_OK)
		goto out;
	/* A store from before schema 5 has forgotten no one this way. */
	if (sqlite3_prepare_v2(db, "SELECT value FROM config WHERE key = '"
	    CRM_CONFIG_FORGET_KEY "'", -1, &s, NULL) != SQLITE_OK) {
		rc = sqlite3_errcode(db) == SQLITE_ERROR ? CRM_EX_OK :
		    othererr(db, path);
		goto out;
	}
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? CRM_EX_OK : othererr(db, path);
		goto out;
	}
	/*
	 * Hashes compare under one key.  A store whose key is younger than
	 * every forget (a backup from before schema 5) takes the other's:
	 * its own hashes, if any, are of forgets the file has too (those
	 * schema 5 finished for the older crm), whose hashes stand for them.
	 */
	if (mine == NULL || strcmp(mine, (const char *)sqlite3_column_text(s,
	    0)) != 0) {
		if ((rc = covered(st, db, path, &ok)) != CRM_EX_OK)
			goto out;
		if (!ok) {
			rc = crm_err(CRM_EX_DATAERR, &at, "its forgets are "
			    "keyed for another store");
			goto out;
		}
		if ((rc = crm_exec(st, "DELETE FROM forgotten; DROP TABLE IF "
		    "EXISTS temp.snap")) != CRM_EX_OK ||
		    (rc = crm_config_set(st, CRM_CONFIG_FORGET_KEY,
		    (const char *)sqlite3_column_text(s, 0))) != CRM_EX_OK)
			goto out;
		rekey = 1;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id, ts, customer FROM forget ORDER "
	    "BY id", -1, &s, NULL) != SQLITE_OK || sqlite3_prepare_v2(db,
	    "SELECT hash, what FROM forgotten WHERE forget = ?", -1, &h,
	    NULL) != SQLITE_OK) {
		rc = othererr(db, path);
		goto out;
	}
	if ((rc = crm_prepare(st, "SELECT id FROM forget WHERE ts = ?1 AND "
	    "customer = ?2", &here)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "SELECT 1 FROM customer WHERE id = ?",
	    &alive)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "INSERT OR IGNORE INTO forgotten (hash, "
	    "what, forget) VALUES (?1, ?2, ?3)", &ins)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ts = sqlite3_column_int64(s, 1);
		c = sqlite3_column_int64(s, 2);
		sqlite3_bind_int64(here, 1, ts);
		sqlite3_bind_int64(here, 2, c);
		/* A failing look-up is an error, never "not here". */
		if ((rc = sqlite3_step(here)) != SQLITE_ROW &&
		    rc != SQLITE_DONE) {
			rc = crm_sqlerr(st, rc);
			goto out;
		}
		if ((had = rc == SQLITE_ROW))
			fid = sqlite3_column_int64(here, 0);
		sqlite3_reset(here);
		/* This store has it already: under the file's key, hashes. */
		if (had && !rekey)
			continue;
		sqlite3_bind_int64(alive, 1, c);
		if ((rc = sqlite3_step(alive)) != SQLITE_ROW &&
		    rc != SQLITE_DONE) {
			rc = crm_sqlerr(st, rc);
			goto out;
		}
		found = rc == SQLITE_ROW;
		sqlite3_reset(alive);
		/* The person again, or, gone since, their hashes only. */
		if (had)
			rc = CRM_EX_OK;
		else if (found)
			rc = forget_at(st, c, ts, &fid);
		else if ((rc = crm_query_int(st, &fid, "INSERT INTO forget "
		    "(ts, customer) VALUES (?1, ?2) RETURNING id", 2, ts, c)) ==
		    CRM_EX_OK)
			rc = crm_store_scrub_later(st);
		if (rc != CRM_EX_OK)
			goto out;
		sqlite3_bind_int64(h, 1, sqlite3_column_int64(s, 0));
		while ((rc = sqlite3_step(h)) == SQLITE_ROW) {
			sqlite3_bind_blob(ins, 1, sqlite3_column_blob(h, 0),
			    sqlite3_column_bytes(h, 0), SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 2, (const char *)
			    sqlite3_column_text(h, 1), -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 3, fid);
			if ((rc = crm_step(st, ins)) != CRM_EX_OK)
				goto out;
		}
		sqlite3_reset(h);
		if (rc != SQLITE_DONE) {
			rc = othererr(db, path);
			goto out;
		}
		if (!had)
			(*n)++;
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : othererr(db, path);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(h);
	sqlite3_finalize(here);
	sqlite3_finalize(alive);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	free(mine);
	return rc;
}

int
crm_forgotten_open(struct crm_forgotten **out, struct crm_store *st)
{
	struct crm_forgotten *f;
	int64_t any;
	int rc;

	*out = NULL;
	if ((rc = crm_query_int(st, &any, "SELECT EXISTS (SELECT 1 FROM "
	    "forgotten)", 0)) != CRM_EX_OK || !any)
		return rc;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	*out = f;
	f->st = st;
	if ((rc = hmac_init(st, &f->h)) != CRM_EX_OK)
		return rc;
	return crm_prepare(st, "SELECT 1 FROM forgotten WHERE hash = ?",
	    &f->find);
}

/* *yes = 1 when customer self holds what identifies as norm already. */
static int
holds(struct crm_store *st, int64_t self, const char *what, const char *norm,
    int *yes)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	const char *w, *name, *v;
	char other[512];
	int rc;

	*yes = 0;
	if (self <= 0)
		return CRM_EX_OK;
	current(&q);
	rc = crm_prepare(st, q.buf, &s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, self);
	while (!*yes && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		v = (const char *)sqlite3_column_text(s, 1);
		*yes = name != NULL && (w = identifies(name, v, other,
		    sizeof other)) != NULL && strcmp(w, what) == 0 &&
		    strcmp(other, norm) == 0;
	}
	rc = *yes || rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

/* CRM_EX_DATAERR (printed) when value v of field name is forgotten. */
static int
check1(struct crm_forgotten *f, int64_t self, const char *name,
    const char *v, const struct crm_loc *at0)
{
	struct crm_loc at = *at0;
	unsigned char h[HASHLEN];
	const char *what;
	char norm[512];
	int rc, yes;

	if ((what = identifies(name, v, norm, sizeof norm)) == NULL)
		return CRM_EX_OK;
	if ((rc = hash(&f->h, what, norm, h)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_blob(f->find, 1, h, HASHLEN, SQLITE_STATIC);
	rc = sqlite3_step(f->find);
	sqlite3_reset(f->find);
	if (rc == SQLITE_DONE)
		return CRM_EX_OK;
	if (rc != SQLITE_ROW)
		return crm_sqlerr(f->st, rc);
	/* A value the record holds already brings no one back. */
	if ((rc = holds(f->st, self, what, norm, &yes)) != CRM_EX_OK || yes)
		return rc;
	at.field = name;
	return crm_err(CRM_EX_DATAERR, &at, "belongs to a forgotten customer");
}

int
crm_forgotten_check(struct crm_forgotten *f, const struct crm_rec *r,
    int64_t self, const struct crm_loc *at)
{
	int i, rc;

	if (f == NULL || r->kind != crm_kind_customer())
		return CRM_EX_OK;
	for (i = 0; i < r->kind->nfields; i++)
		if (r->val[i] != NULL && (rc = check1(f, self,
		    r->kind->fields[i].name, r->val[i], at)) != CRM_EX_OK)
			return rc;
	for (i = 0; i < r->nattr; i++)
		if (r->aval[i] != NULL && (rc = check1(f, self, r->akey[i],
		    r->aval[i], at)) != CRM_EX_OK)
			return rc;
	return CRM_EX_OK;
}

int
crm_forgotten_merge(struct crm_forgotten *f, int64_t merge)
{
	struct crm_sql q = { 0 };
	sqlite3_stmt *s = NULL;
	char where[64];
	struct crm_loc at = { where, 0, NULL };
	int rc, e = CRM_EX_OK;

	if (f == NULL)
		return CRM_EX_OK;
	snprintf(where, sizeof where, "merge %lld", (long long)merge);
	crm_sql_add(&q, "SELECT * FROM (%s) WHERE merge = ?1", snapvalues);
	rc = crm_prepare(f->st, q.buf, &s);
	crm_sql_free(&q);
	if (rc != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, merge);
	/* A kept customer holding a value already brings no one back. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((e = check1(f, sqlite3_column_int64(s, 1), (const char *)
		    sqlite3_column_text(s, 2), (const char *)
		    sqlite3_column_text(s, 3), &at)) != CRM_EX_OK)
			break;
	rc = rc == SQLITE_ROW ? e : rc == SQLITE_DONE ? CRM_EX_OK :
	    crm_sqlerr(f->st, rc);
	sqlite3_finalize(s);
	return rc;
}

void
crm_forgotten_close(struct crm_forgotten *f)
{
	if (f == NULL)
		return;
	sqlite3_finalize(f->find);
	hmac_free(&f->h);
	free(f);
}
