/* store.c: opening, creating and migrating the SQLite store. */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm-int.h"

struct crm_store {
	sqlite3			*db;
	const struct crm_cli	*cli;
	enum crm_mode		 mode;
	int			 intx;
	int			 decimals;
	void			*slot[CRM_NSLOTS]; /* crm_store_slot */
	const struct crm_hook	*hooks;		/* what it runs for others */
	size_t			 nhooks;
	dev_t			 dev;		/* the file opened, which a */
	ino_t			 ino;		/* writer checks at commit */
	int			 scrub;		/* erased bytes may linger */
	int			 scrubrc;	/* the last checkpoint's */
};

static int	scrub(struct crm_store *, int wait);

/*
 * Schema migrations: migrations[v] takes a store from version v to v + 1.
 * They run in one transaction, so a store is never half-upgraded.
 */
static const char *const migrations[CRM_SCHEMA_VERSION] = {
	/* 0 -> 1: the foundation. */
	"CREATE TABLE config ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL"
	") STRICT;"
	/* AUTOINCREMENT: an id is never reused, so the audit stays true. */
	"CREATE TABLE customer ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  ref TEXT,"
	"  name TEXT NOT NULL,"
	"  email TEXT COLLATE NOCASE,"
	"  phone TEXT,"
	"  company TEXT,"
	"  industry TEXT,"
	"  country TEXT,"
	"  region TEXT,"
	"  city TEXT,"
	"  gender TEXT,"
	"  birthday INTEGER,"
	"  income INTEGER,"
	"  occupation TEXT,"
	"  source TEXT,"
	"  owner TEXT,"
	"  stage TEXT,"
	"  intent INTEGER,"
	"  progress TEXT,"
	"  expected_close INTEGER,"
	"  created INTEGER NOT NULL,"
	"  notes TEXT"
	") STRICT;"
	"CREATE UNIQUE INDEX customer_ref ON customer(ref);"
	/* The column is NOCASE, so the index is the case-blind key. */
	"CREATE UNIQUE INDEX customer_email ON customer(email);"
	"CREATE TABLE attr ("
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (customer, key)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX attr_key ON attr(key, value);"
	"CREATE TABLE tag ("
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  origin TEXT NOT NULL DEFAULT 'manual',"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (customer, tag)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX tag_tag ON tag(tag, customer);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  ts INTEGER NOT NULL,"
	"  user TEXT NOT NULL,"
	"  command TEXT NOT NULL,"
	"  kind TEXT,"
	"  record INTEGER,"
	"  action TEXT NOT NULL,"
	"  detail TEXT"
	") STRICT;"
	"CREATE INDEX audit_record ON audit(kind, record);",
	/* 1 -> 2: history, and the statistics kept from it on every write. */
	"CREATE TABLE purchase ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  product TEXT,"
	"  qty INTEGER,"
	"  order_ref TEXT"
	") STRICT;"
	"CREATE INDEX purchase_customer ON purchase(customer, ts);"
	"CREATE TABLE contact ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  direction TEXT,"
	"  \"by\" TEXT,"
	"  note TEXT"
	") STRICT;"
	"CREATE INDEX contact_customer ON contact(customer, ts);"
	"CREATE TABLE ticket ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  opened INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  severity INTEGER,"
	"  subject TEXT,"
	"  first_response INTEGER,"
	"  resolved INTEGER,"
	"  status TEXT"
	") STRICT;"
	"CREATE INDEX ticket_customer ON ticket(customer, opened);"
	"CREATE TABLE survey ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  score INTEGER NOT NULL,"
	"  comment TEXT"
	") STRICT;"
	"CREATE INDEX survey_customer ON survey(customer, kind, ts);"
	"CREATE TABLE points ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"
	"  delta INTEGER NOT NULL,"
	"  reason TEXT,"
	"  purchase INTEGER REFERENCES purchase(id) ON DELETE SET NULL"
	") STRICT;"
	"CREATE INDEX points_customer ON points(customer, ts);"
	/* A purchase earns points once (crm-points earn). */
	"CREATE UNIQUE INDEX points_purchase ON points(purchase) "
	"  WHERE purchase IS NOT NULL;"
	/* One row per customer with history; see crm_stats_refresh. */
	"CREATE TABLE stats ("
	"  customer INTEGER PRIMARY KEY REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  first_purchase INTEGER,"
	"  last_purchase INTEGER,"
	"  purchases INTEGER NOT NULL,"
	"  orders INTEGER NOT NULL,"
	"  days INTEGER NOT NULL,"
	"  revenue INTEGER NOT NULL,"
	"  last_contact INTEGER,"
	"  last_online INTEGER,"
	"  last_visit INTEGER,"
	"  last_inbound INTEGER,"
	"  open_tickets INTEGER NOT NULL,"
	"  csat INTEGER,"
	"  nps INTEGER,"
	"  expectation INTEGER,"
	"  satisfaction INTEGER,"
	"  points INTEGER NOT NULL,"
	"  newest INTEGER"
	") STRICT;"
	/* Keys of likely duplicates, written with every customer. */
	"ALTER TABLE customer ADD COLUMN email_key TEXT;"
	"ALTER TABLE customer ADD COLUMN phone_key TEXT;"
	"CREATE INDEX customer_email_key ON customer(email_key) "
	"  WHERE email_key IS NOT NULL;"
	"CREATE INDEX customer_phone_key ON customer(phone_key) "
	"  WHERE phone_key IS NOT NULL;"
	/* Merges, and what undoes them exactly (see crm-dedupe). */
	"CREATE TABLE merge ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  ts INTEGER NOT NULL,"
	"  user TEXT NOT NULL,"
	"  keep INTEGER NOT NULL,"
	"  undone INTEGER"
	") STRICT;"
	"CREATE TABLE merge_row ("
	"  merge INTEGER NOT NULL REFERENCES merge(id),"
	"  what TEXT NOT NULL,"
	"  customer INTEGER NOT NULL,"
	"  data TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX merge_row_merge ON merge_row(merge);"
	"CREATE INDEX merge_row_customer ON merge_row(customer);",
	/* 2 -> 3: tier assignments, one run at a time (crm-tier). */
	"CREATE TABLE tier_run ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  scheme TEXT NOT NULL,"
	"  asof INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX tier_run_scheme ON tier_run(scheme, id);"
	"CREATE TABLE tier ("
	"  run INTEGER NOT NULL REFERENCES tier_run(id),"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  tier TEXT NOT NULL,"
	"  score TEXT,"
	"  PRIMARY KEY (run, customer)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX tier_customer ON tier(customer);"
	/* Rule tags: a tag that follows a filter (crm-tag -R). */
	"CREATE TABLE rule ("
	"  tag TEXT PRIMARY KEY NOT NULL,"
	"  expr TEXT NOT NULL,"
	"  created INTEGER NOT NULL"
	") STRICT;"
	/* Fitted models (crm-churn --fit), the newest serving p_alive. */
	"CREATE TABLE fit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  model TEXT NOT NULL,"
	"  unit TEXT NOT NULL,"
	"  scale INTEGER NOT NULL,"
	"  asof INTEGER NOT NULL,"
	"  p1 REAL NOT NULL, p2 REAL NOT NULL, p3 REAL NOT NULL, p4 REAL,"
	"  loglik REAL NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL"
	") STRICT;"
	/* Who crm-churn --new has reported, per model, until they recover. */
	"CREATE TABLE churn_seen ("
	"  model TEXT NOT NULL,"
	"  customer INTEGER NOT NULL REFERENCES customer(id)"
	"    ON DELETE CASCADE,"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (model, customer)"
	") STRICT, WITHOUT ROWID;",
	/* 3 -> 4: an account manager's customers (crm-due --owner). */
	"CREATE INDEX customer_owner ON customer(owner) WHERE owner NOT NULL;",
	/*
	 * 4 -> 5: purchases unique by order (see order_key), and the
	 * largest revenues at hand (crm_stats_refresh).  What crm-rm
	 * --forget keeps of a person: when, which id, and keyed hashes of
	 * their ref, e-mails and phones, never the values (see forget.c;
	 * the key is made by crm_forget_keygen, a migrate hook).
	 */
	"CREATE INDEX stats_revenue ON stats(revenue);"
	"CREATE TABLE forget ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  ts INTEGER NOT NULL,"
	"  customer INTEGER NOT NULL"
	") STRICT;"
	/*
	 * The key's columns first: SQLite 3.40's integrity_check misreads a
	 * STRICT WITHOUT ROWID table whose key columns are not its first
	 * ("NULL value in forgotten.what").
	 */
	"CREATE TABLE forgotten ("
	"  hash BLOB NOT NULL,"
	"  forget INTEGER NOT NULL REFERENCES forget(id),"
	"  what TEXT NOT NULL,"
	"  PRIMARY KEY (hash, forget)"
	") STRICT, WITHOUT ROWID;",
	/*
	 * 5 -> 6: the revenue of each customer's first purchase day (ts /
	 * 86400, as days counts them), so that the repeat spend
	 * Gamma-Gamma models is revenue minus it, read from stats without
	 * a look into the history per customer.  (Day 0 spans two days of
	 * seconds, -86399 to 86399: hence 172800.)
	 */
	"ALTER TABLE stats ADD COLUMN first_day_revenue INTEGER;"
	"UPDATE stats SET first_day_revenue = (SELECT sum(amount) FROM "
	"  purchase WHERE purchase.customer = stats.customer AND ts >= "
	"  first_purchase AND ts < first_purchase + 172800 AND ts / 86400 = "
	"  first_purchase / 86400) WHERE days > 0;",
};

/* What a migration does beyond SQL: migrations[v] is followed by it. */
static int	backfill_keys(struct crm_store *);
static int	schema5(struct crm_store *);
static int	(*const migrate_c[CRM_SCHEMA_VERSION])(struct crm_store *) = {
	NULL, backfill_keys, NULL, NULL, schema5, NULL,
};

/* Schema 2 keeps match keys: compute them for the customers there are. */
static int
backfill_keys(struct crm_store *st)
{
	sqlite3_stmt *s = NULL, *u = NULL;
	char ek[512], pk[128];
	int rc;

	if ((rc = crm_prepare(st, "SELECT id, email, phone FROM customer "
	    "WHERE email IS NOT NULL OR phone IS NOT NULL", &s)) != CRM_EX_OK ||
	    (rc = crm_prepare(st, "UPDATE customer SET email_key = ?, "
	    "phone_key = ? WHERE id = ?", &u)) != CRM_EX_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(s, 1);
		const char *p = (const char *)sqlite3_column_text(s, 2);

		if (e != NULL && crm_email_key_stored(e, ek, sizeof ek) == 0)
			sqlite3_bind_text(u, 1, ek, -1, SQLITE_TRANSIENT);
		if (p != NULL && crm_phone_key(p, pk, sizeof pk) == 0)
			sqlite3_bind_text(u, 2, pk, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(u, 3, sqlite3_column_int64(s, 0));
		if (sqlite3_step(u) != SQLITE_DONE) {
			rc = crm_sqlerr(st, sqlite3_errcode(st->db));
			goto out;
		}
		sqlite3_reset(u);
		sqlite3_clear_bindings(u);
	}
	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return rc;
}

/*
 * Schema 5: a purchase with an order_ref is unique by (order_ref,
 * product), so importing a file twice is refused.  Purchases that already
 * repeat one are named, and the store stays as it was: which of them is
 * real is for a person to say.
 */
static int
order_key(struct crm_store *st)
{
	struct crm_loc at = { st->cli->dbpath, 0, NULL };
	sqlite3_stmt *s = NULL;
	const char *ids, *p, *last;
	char list[256];
	int64_t n = 0;
	int rc;

	if ((rc = crm_prepare(st, "SELECT group_concat(id, ', '), count(*), "
	    "order_ref, product FROM (SELECT id, order_ref, product FROM "
	    "purchase WHERE order_ref IS NOT NULL ORDER BY id) GROUP BY "
	    "order_ref, ifnull(product, '') HAVING count(*) > 1 ORDER BY "
	    "min(id)", &s)) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++n > 20)
			continue;
		/* "3, 7, 9" becomes "3, 7 and 9". */
		ids = (const char *)sqlite3_column_text(s, 0);
		for (p = ids, last = NULL; (p = strstr(p, ", ")) != NULL; p++)
			last = p;
		snprintf(list, sizeof list, "%.*s and %s", (int)(last - ids),
		    ids, last + 2);
		if (sqlite3_column_type(s, 3) == SQLITE_NULL)
			crm_err(0, &at, "purchases %s share order_ref %s and "
			    "no product", list, sqlite3_column_text(s, 2));
		else
			crm_err(0, &at, "purchases %s share order_ref %s and "
			    "product %s", list, sqlite3_column_text(s, 2),
			    sqlite3_column_text(s, 3));
	}
	if (n > 20)
		crm_err(0, &at, "and %lld more", (long long)(n - 20));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return crm_sqlerr(st, rc);
	if (n > 0)
		return crm_err(CRM_EX_DATAERR, &at, "%lld order line%s stored "
		    "more than once: the store stays at schema 4, unchanged; "
		    "remove or correct the repeats (sqlite3), then run "
		    "crm-init --rebuild-stats", (long long)n, n == 1 ? " is" :
		    "s are");
	return crm_exec(st, "CREATE UNIQUE INDEX purchase_order ON "
	    "purchase(order_ref, ifnull(product, '')) WHERE order_ref IS NOT "
	    "NULL");
}

/*
 * Schema 5: the purchases' order key (the key of forget's hashes, and the
 * forgets of an older crm finished with it, are forget's migrate hook).
 */
static int
schema5(struct crm_store *st)
{
	return order_key(st);
}

sqlite3 *
crm_store_db(struct crm_store *st)
{
	return st->db;
}

const struct crm_cli *
crm_store_cli(struct crm_store *st)
{
	return st->cli;
}

void **
crm_store_slot(struct crm_store *st, enum crm_slot k)
{
	return &st->slot[k];
}

int
crm_store_decimals(struct crm_store *st)
{
	return st->decimals;
}

int
crm_sqlerr(struct crm_store *st, int rc)
{
	const char *msg = st != NULL && st->db != NULL ?
	    sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	struct crm_loc at = { st != NULL ? st->cli->dbpath : NULL, 0, NULL };

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_err(CRM_EX_TEMPFAIL, &at,
		    "the store is busy; try again later");
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return crm_err(CRM_EX_IOERR, &at, "%s", msg);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		/* Opening let only a crm store through: it is damaged. */
		if (st != NULL && st->mode == CRM_CHECK)
			return crm_err(CRM_EX_IOERR, &at, "the store is "
			    "damaged (%s): crm-backup --restore puts back a "
			    "backup", msg);
		return crm_err(CRM_EX_IOERR, &at, "the store is damaged (%s): "
		    "crm-init --check lists the damage, crm-backup --restore "
		    "puts back a backup", msg);
	case SQLITE_ERROR:
		/* sum() refuses to wrap: a total beyond 64 bits. */
		if (strcmp(msg, "integer overflow") == 0)
			return crm_err(CRM_EX_DATAERR, &at, "a total is beyond "
			    "the range of 64-bit numbers");
		return crm_err(CRM_EX_SOFTWARE, &at, "%s", msg);
	default:
		return crm_err(CRM_EX_SOFTWARE, &at, "%s", msg);
	}
}

int
crm_prepare(struct crm_store *st, const char *sql, sqlite3_stmt **stmt)
{
	int rc;

	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL)) !=
	    SQLITE_OK)
		return crm_sqlerr(st, rc);
	return CRM_EX_OK;
}

int
crm_exec(struct crm_store *st, const char *sql)
{
	int rc;

	if ((rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return crm_sqlerr(st, rc);
	return CRM_EX_OK;
}

int
crm_step(struct crm_store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	rc = rc == SQLITE_DONE ? CRM_EX_OK : crm_sqlerr(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
crm_query_int(struct crm_store *st, int64_t *out, const char *sql,
    int nbind, ...)
{
	sqlite3_stmt *s = NULL;
	va_list ap;
	int i, rc;

	if ((rc = crm_prepare(st, sql, &s)) != CRM_EX_OK)
		return rc;
	va_start(ap, nbind);
	for (i = 1; i <= nbind; i++)
		sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
	va_end(ap);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = CRM_EX_OK;
	} else
		rc = crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

int
crm_mkparents(const char *path, char *top, size_t n)
{
	char buf[PATH_MAX], *p;

	if (top != NULL)
		*top = '\0';
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		/* 0700 whatever the umask; a folder there keeps its mode. */
		if (mkdir(buf, 0700) == 0) {
			if (chmod(buf, 0700) != 0)
				return -1;
			if (top != NULL && *top == '\0')
				snprintf(top, n, "%s", buf);
		} else if (errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Make a new name in path's folder durable: sync the folder. */
static int
syncdir(const char *path)
{
	char buf[PATH_MAX], *p;
	int fd, rc = 0;

	snprintf(buf, sizeof buf, "%s", path);
	if ((p = strrchr(buf, '/')) == NULL)
		snprintf(buf, sizeof buf, ".");
	else
		p[p == buf] = '\0';
	if ((fd = open(buf, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	/* Some file systems cannot sync a folder (EINVAL): nothing to do. */
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

static int
writer(const struct crm_store *st)
{
	return st->mode == CRM_WRITE || st->mode == CRM_CHANGE ||
	    st->mode == CRM_INIT;
}

static int
notstore(const struct crm_store *st, const char *why)
{
	struct crm_loc at = { st->cli->dbpath, 0, NULL };

	if (why == NULL)
		return crm_err(CRM_EX_DATAERR, &at, "not a crm store");
	return crm_err(CRM_EX_DATAERR, &at, "not a crm store (%s)", why);
}

static int
newer(const struct crm_store *st, int64_t v)
{
	struct crm_loc at = { st->cli->dbpath, 0, NULL };

	return crm_err(CRM_EX_DATAERR, &at, "schema %lld is newer than this "
	    "crm (%d)", (long long)v, CRM_SCHEMA_VERSION);
}

/* Bring the schema up to CRM_SCHEMA_VERSION in one transaction. */
static int
migrate(struct crm_store *st, int fresh)
{
	char sql[128];
	int64_t v, from, appid, tables;
	size_t i;
	int rc;

	if ((rc = crm_exec(st, "BEGIN IMMEDIATE")) != CRM_EX_OK)
		return rc;
	st->intx = 1;
	/* Another process may have migrated while we waited. */
	if ((rc = crm_query_int(st, &v, "PRAGMA user_version", 0)) !=
	    CRM_EX_OK || (rc = crm_query_int(st, &appid,
	    "PRAGMA application_id", 0)) != CRM_EX_OK ||
	    (rc = crm_query_int(st, &tables,
	    "SELECT count(*) FROM sqlite_schema", 0)) != CRM_EX_OK)
		return rc;
	/* Only a file crm made empty is made a store: never another's. */
	if (appid != CRM_APPLICATION_ID && !(fresh && appid == 0 && v == 0 &&
	    tables == 0))
		return notstore(st, NULL);
	if (v > CRM_SCHEMA_VERSION)
		return newer(st, v);
	for (from = v; v < CRM_SCHEMA_VERSION; v++) {
		if ((rc = crm_exec(st, migrations[v])) != CRM_EX_OK)
			return rc;
		if (migrate_c[v] != NULL && (rc = migrate_c[v](st)) !=
		    CRM_EX_OK)
			return rc;
		/* What other concerns do to their rows at this version. */
		for (i = 0; i < st->nhooks; i++)
			if (st->hooks[i].migrate != NULL && (rc =
			    st->hooks[i].migrate(st, (int)v + 1)) != CRM_EX_OK)
				return rc;
	}
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; "
	    "PRAGMA user_version = %d", CRM_APPLICATION_ID,
	    CRM_SCHEMA_VERSION);
	if ((rc = crm_exec(st, sql)) != CRM_EX_OK)
		return rc;
	if (v != from) {
		snprintf(sql, sizeof sql, "schema version %lld -> %lld",
		    (long long)from, (long long)v);
		if ((rc = crm_audit(st, NULL, 0, "migrate", sql)) != CRM_EX_OK)
			return rc;
	}
	if ((rc = crm_exec(st, "COMMIT")) != CRM_EX_OK)
		return rc;
	st->intx = 0;
	return CRM_EX_OK;
}

/*
 * Settings, then the schema: fresh is a file crm made (or crm-init
 * adopted) empty, the only kind that becomes a store here.
 */
static int
setup(struct crm_store *st, int fresh)
{
	sqlite3_stmt *s = NULL;
	int64_t v, appid;
	char *val = NULL;
	int rc, waited, same;
	size_t i;

	sqlite3_extended_result_codes(st->db, 1);
	/* What other concerns put on the connection (hooks.c). */
	for (i = 0; i < st->nhooks; i++)
		if (st->hooks[i].open != NULL &&
		    (rc = st->hooks[i].open(st->db)) != SQLITE_OK)
			return crm_sqlerr(st, rc);
	sqlite3_busy_timeout(st->db, st->cli->busy_ms);
	/* Defensive: no SQL can corrupt the file, even through PRAGMAs. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	/* cell_size_check: a damaged page is caught when it is read. */
	if ((rc = crm_exec(st, "PRAGMA foreign_keys = ON; "
	    "PRAGMA secure_delete = ON; PRAGMA cell_size_check = ON")) !=
	    CRM_EX_OK)
		return rc;
	/*
	 * A command that exits 0 has its data on disk, power loss included
	 * (a reader too may migrate, and checkpoints when it closes).
	 */
	if ((rc = crm_exec(st, "PRAGMA synchronous = FULL")) != CRM_EX_OK)
		return rc;
	if ((rc = crm_query_int(st, &appid, "PRAGMA application_id", 0)) !=
	    CRM_EX_OK ||
	    (rc = crm_query_int(st, &v, "PRAGMA user_version", 0)) !=
	    CRM_EX_OK)
		return rc;
	if (appid != CRM_APPLICATION_ID && !(fresh && appid == 0))
		return notstore(st, NULL);
	if (v > CRM_SCHEMA_VERSION)
		return newer(st, v);
	/* crm-init --check looks at the store as it is: crm's schema. */
	if (st->mode == CRM_CHECK) {
		if ((rc = crm_store_schema(st->db, v, &same)) == CRM_EX_OK &&
		    !same)
			rc = notstore(st, "its schema is not crm's");
		return rc;
	}
	if (v < CRM_SCHEMA_VERSION) {
		/* WAL: readers never block the writer, nor it them. */
		if ((rc = crm_prepare(st, "PRAGMA journal_mode = WAL", &s)) !=
		    CRM_EX_OK)
			return rc;
		/*
		 * Switching to WAL needs the file to itself and does not wait
		 * through the busy handler: wait here, up to the busy timeout.
		 */
		for (waited = 0; ((rc = sqlite3_step(s)) & 0xff) ==
		    SQLITE_BUSY && waited < st->cli->busy_ms; waited += 10) {
			sqlite3_reset(s);
			sqlite3_sleep(10);
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return crm_sqlerr(st, rc);
		if ((rc = migrate(st, fresh)) != CRM_EX_OK)
			return rc;
	}
	st->decimals = 2;
	if ((rc = crm_config_get(st, "decimals", &val)) != CRM_EX_OK)
		return rc;
	if (val != NULL)
		st->decimals = atoi(val);
	free(val);
	return CRM_EX_OK;
}

/* What is at the store's path, read before SQLite touches it. */
enum found {
	FOUND_NONE,	/* nothing */
	FOUND_EMPTY,	/* an empty file (crm-init adopts it) */
	FOUND_STORE,	/* a crm store */
};

static int64_t
be32(const unsigned char *p)
{
	return (int64_t)p[0] << 24 | (int64_t)p[1] << 16 |
	    (int64_t)p[2] << 8 | (int64_t)p[3];
}

/* One number from a PRAGMA, printing nothing: -1 when it fails. */
static int
pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * A file whose header is not crm's and has a write-ahead log beside it:
 * a store made by a crm killed before its first checkpoint carries its
 * application_id in the log only.  Ask SQLite, read-only and never
 * checkpointing, and remove the shared-memory file if it made one.
 */
static int
peek(struct crm_store *st)
{
	const char *path = st->cli->dbpath;
	char shm[PATH_MAX];
	sqlite3 *db = NULL;
	int64_t v = 0, appid = 0;
	int ok, hadshm;

	snprintf(shm, sizeof shm, "%s-shm", path);
	hadshm = access(shm, F_OK) == 0;
	ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
	    NULL) == SQLITE_OK &&
	    pragma_int(db, "PRAGMA application_id", &appid) == 0 &&
	    pragma_int(db, "PRAGMA user_version", &v) == 0;
	sqlite3_close(db);
	if (!ok || appid != CRM_APPLICATION_ID) {
		if (!hadshm)
			unlink(shm);
		return notstore(st, NULL);
	}
	return v > CRM_SCHEMA_VERSION ? newer(st, v) : CRM_EX_OK;
}

/*
 * Look at the path without SQLite: SQLite opening another program's file
 * would roll back its journal or checkpoint its log into it, so only a
 * file whose header carries crm's application_id goes on to be opened.
 * Records the file's identity for the checks at commit.
 */
static int
inspect(struct crm_store *st, enum found *found)
{
	struct crm_loc at = { st->cli->dbpath, 0, NULL };
	static const char magic[16] = "SQLite format 3";
	unsigned char h[100];
	char wal[PATH_MAX];
	struct stat sb;
	ssize_t n;
	int fd, rc = CRM_EX_OK;

	*found = FOUND_NONE;
	if ((fd = open(st->cli->dbpath, O_RDONLY | O_NONBLOCK | O_NOCTTY)) <
	    0)
		return errno == ENOENT ? CRM_EX_OK :
		    crm_err(CRM_EX_IOERR, &at, "cannot open:");
	if (fstat(fd, &sb) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot open:");
		goto out;
	}
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	if (S_ISDIR(sb.st_mode)) {
		rc = notstore(st, "a folder");
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = notstore(st, "not a regular file");
		goto out;
	}
	if (sb.st_size == 0) {
		if (st->mode == CRM_INIT)
			*found = FOUND_EMPTY;
		else
			rc = notstore(st, "an empty file; crm-init makes it "
			    "one");
		goto out;
	}
	if ((n = pread(fd, h, sizeof h, 0)) < 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot read:");
		goto out;
	}
	if (n < (ssize_t)sizeof h || memcmp(h, magic, sizeof magic) != 0) {
		rc = notstore(st, "not a SQLite file");
		goto out;
	}
	*found = FOUND_STORE;
	/* The header's fields: user_version at 60, application_id at 68. */
	if (be32(h + 68) != CRM_APPLICATION_ID) {
		snprintf(wal, sizeof wal, "%s-wal", st->cli->dbpath);
		/* File format 2 is write-ahead logging. */
		if (h[18] == 2 && stat(wal, &sb) == 0 && sb.st_size > 0)
			rc = peek(st);
		else
			rc = notstore(st, NULL);
	} else if (be32(h + 60) > CRM_SCHEMA_VERSION)
		rc = newer(st, be32(h + 60));
out:
	close(fd);
	return rc;
}

/*
 * The length of a temporary's name past "STORE.new-": 6 for the
 * temporary (mkstemp's six random characters), more for its -wal, -shm
 * or -journal; 0 for any other name.
 */
static size_t
tmpname(const char *name, const char *base)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	size_t n = strlen(base), i;

	if (strncmp(name, base, n) != 0 || strncmp(name + n, ".new-", 5) != 0)
		return 0;
	name += n + 5;
	for (i = 0; i < 6; i++)
		if (!(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= 'a' && name[i] <= 'z') &&
		    !(name[i] >= '0' && name[i] <= '9'))
			return 0;
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
		if (strcmp(name + 6, sfx[i]) == 0)
			return 6 + strlen(sfx[i]);
	return 0;
}

/*
 * Remove what a crm killed while creating the store at path left: each
 * temporary that no live process holds (its maker holds an flock on it
 * until it is gone), and its log and shared-memory files.  Failing to
 * remove one is no reason to fail: it is only left where it was.
 */
static void
sweep(const char *path)
{
	char dir[PATH_MAX], f[PATH_MAX], t[PATH_MAX];
	const char *base;
	struct dirent *e;
	struct stat sa, sb;
	DIR *d;
	size_t n, dl;
	int fd;

	if ((base = strrchr(path, '/')) == NULL) {
		snprintf(dir, sizeof dir, ".");
		base = path;
	} else {
		snprintf(dir, sizeof dir, "%.*s", base == path ? 1 :
		    (int)(base - path), path);
		base++;
	}
	if ((d = opendir(dir)) == NULL)
		return;
	dl = strlen(dir);
	while ((e = readdir(d)) != NULL) {
		if ((n = tmpname(e->d_name, base)) == 0 ||
		    snprintf(f, sizeof f, "%s/%s", dir, e->d_name) >=
		    (int)sizeof f)
			continue;
		/* The temporary's own name: the maker locks that one. */
		snprintf(t, sizeof t, "%.*s", (int)(dl + 1 + strlen(base) + 5 +
		    6), f);
		if ((fd = open(t, O_RDONLY | O_NOFOLLOW | O_NOCTTY |
		    O_CLOEXEC)) < 0) {
			/* Its temporary gone: a leftover log or shm. */
			if (errno == ENOENT && n > 6)
				unlink(f);
			continue;
		}
		/*
		 * Not held: its maker is gone.  Still the file locked (a
		 * name is not reused while it exists): remove it.
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &sa) == 0 &&
		    lstat(t, &sb) == 0 && sa.st_dev == sb.st_dev &&
		    sa.st_ino == sb.st_ino && S_ISREG(sb.st_mode))
			unlink(f);
		close(fd);
	}
	closedir(d);
}

/*
 * A new store is built under a temporary name and linked into place
 * whole: no command ever sees it half made, and of writers racing to
 * create it one wins (*made) and the others open its store.  The maker
 * holds an flock on the temporary, so that a later maker removes only
 * those of makers that died (sweep).
 */
static int
create(struct crm_store *st, int *made)
{
	struct crm_loc at = { st->cli->dbpath, 0, NULL };
	char tmp[PATH_MAX];
	struct stat sa, sb;
	int fd = -1, rc, tries;

	*made = 0;
	if (crm_mkparents(st->cli->dbpath, NULL, 0) != 0)
		return crm_err(CRM_EX_IOERR, &at, "cannot create its folder:");
	sweep(st->cli->dbpath);
	for (tries = 0; ; tries++) {
		if (snprintf(tmp, sizeof tmp, "%s.new-XXXXXX",
		    st->cli->dbpath) >= (int)sizeof tmp) {
			errno = ENAMETOOLONG;
			return crm_err(CRM_EX_IOERR, &at, "cannot create:");
		}
		/* mkstemp asks for 0600 and the umask may take more away. */
		if ((fd = mkstemp(tmp)) < 0)
			return crm_err(CRM_EX_IOERR, &at, "cannot create:");
		if (fchmod(fd, 0600) != 0 || flock(fd, LOCK_EX) != 0) {
			rc = crm_err(CRM_EX_IOERR, &at, "cannot lock %s:",
			    tmp);
			unlink(tmp);
			close(fd);
			return rc;
		}
		/*
		 * Locked, and still there: another maker's sweep may have
		 * taken it for a dead one's before the lock.
		 */
		if (fstat(fd, &sa) == 0 && lstat(tmp, &sb) == 0 &&
		    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
			break;
		close(fd);
		if (tries == 2)
			return crm_err(CRM_EX_IOERR, &at, "cannot create: its "
			    "temporary %s went away", tmp);
	}
	if ((rc = sqlite3_open_v2(tmp, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK)
		rc = crm_err(CRM_EX_IOERR, &at, "cannot create: %s",
		    st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(rc));
	else if ((rc = setup(st, 1)) == CRM_EX_OK &&
	    (rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL)) != SQLITE_OK)
		/* All of it into the file: its log does not follow the link. */
		rc = crm_sqlerr(st, rc);
	if (st->intx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->intx = 0;
	/* The last connection to close removes the empty log. */
	sqlite3_close_v2(st->db);
	st->db = NULL;
	if (rc == CRM_EX_OK) {
		if (link(tmp, st->cli->dbpath) == 0)
			*made = 1;
		else if (errno != EEXIST)
			rc = crm_err(CRM_EX_IOERR, &at, "cannot create:");
	}
	unlink(tmp);
	/* Gone, and only then unlocked. */
	close(fd);
	if (*made && syncdir(st->cli->dbpath) != 0)
		rc = crm_err(CRM_EX_IOERR, &at, "cannot sync its folder:");
	return rc;
}

/*
 * The store's today (crm-config today), a YYYY-MM-DD day: cli's now becomes
 * its end, as with --asof, for a command that takes --asof and was not
 * given it.  1 when it applies, 0 when not (day "" included), -1 when day
 * is no date (not printed).
 */
static int
pin(struct crm_cli *cli, const char *day)
{
	const char *why;
	int64_t t;

	if (cli->asofset || !crm_cli_takes(cli, 'A') || *day == '\0')
		return 0;
	if (crm_date_parse(day, cli->now, &t, &why) != 0)
		return -1;
	cli->now = crm_day_of(t) * 86400 + 86399;
	cli->asofset = 1;
	cli->today = 1;
	return 1;
}

/*
 * A store can pin the day its analyses default to (crm-config today): a
 * demo store of 1998 is looked at in 1998, not on the calendar's day.
 */
static int
today(struct crm_store *st, struct crm_cli *cli)
{
	struct crm_loc at = { cli->dbpath, 0, "today" };
	char *day = NULL;
	int rc, on;

	/* Only for a command that takes --asof: no query for the others. */
	if (!crm_cli_takes(cli, 'A'))
		return CRM_EX_OK;
	if ((rc = crm_config_get(st, "today", &day)) != CRM_EX_OK ||
	    day == NULL)
		return rc;
	if ((on = pin(cli, day)) < 0)
		rc = crm_err(CRM_EX_DATAERR, &at, "\"%s\" is not a day "
		    "(crm-config today)", day);
	else if (on && !cli->quiet && !cli->todaynote)
		/* Held until the arguments are known good (err.c). */
		crm_note_defer("as of %s, the store's today (crm-config "
		    "today)", day);
	free(day);
	return rc;
}

int
crm_store_open_hooks(struct crm_store **out, struct crm_cli *cli,
    enum crm_mode mode, const struct crm_hook *hooks, size_t nhooks)
{
	struct crm_loc at = { cli->dbpath, 0, NULL };
	struct crm_store *st;
	struct stat sb;
	enum found found;
	int rc, made = 0, tries;

#ifdef CRM_FAULT
	/* make FAULT=1: failing I/O on demand (tests/fault.c). */
	{
		int crm_fault_init(void);

		crm_fault_init();
	}
#endif
	*out = NULL;
	if ((st = calloc(1, sizeof *st)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	st->cli = cli;
	st->mode = mode;
	st->hooks = hooks;
	st->nhooks = nhooks;
	*out = st;
	/* Created on first write; a racer's store may appear meanwhile. */
	for (tries = 0; ; tries++) {
		if ((rc = inspect(st, &found)) != CRM_EX_OK)
			return rc;
		if (found != FOUND_NONE)
			break;
		if (!writer(st) || mode == CRM_CHANGE || tries == 2)
			return crm_err(CRM_EX_NOINPUT, &at, "no store here; "
			    "crm-init creates one");
		if ((rc = create(st, &made)) != CRM_EX_OK)
			return rc;
	}
	/*
	 * A maker killed while a rival created the store left its temporary
	 * beside it: crm-init clears those too (creating, create() did).
	 */
	if (mode == CRM_INIT && !made)
		sweep(cli->dbpath);
	/* crm-init adopts an empty file: its own, whatever it was. */
	if (found == FOUND_EMPTY && chmod(cli->dbpath, 0600) != 0)
		return crm_err(CRM_EX_IOERR, &at, "cannot make it private:");
	/* One connection per process, one thread: no mutexes needed. */
	rc = sqlite3_open_v2(cli->dbpath, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "cannot open: %s",
		    st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(rc));
	/* The file inspected is the file opened. */
	if (stat(cli->dbpath, &sb) != 0 || sb.st_dev != st->dev ||
	    sb.st_ino != st->ino)
		return crm_err(CRM_EX_IOERR, &at, "the store was replaced "
		    "while it was being opened");
	if ((rc = setup(st, found == FOUND_EMPTY)) != CRM_EX_OK)
		return rc;
	/*
	 * BEGIN IMMEDIATE takes the write lock now, so two importers wait
	 * for each other instead of one failing at its first INSERT.  A
	 * reader's deferred transaction gives it one consistent snapshot.
	 */
	rc = crm_exec(st, writer(st) ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc != CRM_EX_OK)
		return rc;
	st->intx = 1;
	if ((rc = today(st, cli)) != CRM_EX_OK)
		return rc;
	/* A mistyped path shows at once. */
	if ((made || found == FOUND_EMPTY) && !cli->quiet)
		crm_warn(NULL, "created a new store at %s", cli->dbpath);
	return CRM_EX_OK;
}

/*
 * The file opened is still the one at the path: what is written into a
 * store removed or replaced (renamed over) meanwhile is lost with it.
 */
static int
still_there(struct crm_store *st, const char *what)
{
	struct crm_loc at = { st->cli->dbpath, 0, NULL };
	struct stat sb;

	if (stat(st->cli->dbpath, &sb) == 0 && sb.st_dev == st->dev &&
	    sb.st_ino == st->ino)
		return CRM_EX_OK;
	return crm_err(CRM_EX_IOERR, &at, "the store was removed or replaced "
	    "while this command ran; %s", what);
}

int
crm_store_commit(struct crm_store *st)
{
	int64_t pending = 0;
	size_t i;
	int rc;

	if (!st->intx)
		return CRM_EX_OK;
	/*
	 * The work other concerns put in every transaction (hooks.c): the
	 * statistics change in the transaction of the history they sum.
	 */
	for (i = 0; i < st->nhooks; i++)
		if (st->hooks[i].commit != NULL &&
		    (rc = st->hooks[i].commit(st)) != CRM_EX_OK)
			return rc;
	/* Left in the transaction, crm_store_close rolls it back. */
	if (writer(st) && (rc = still_there(st, "nothing was written")) !=
	    CRM_EX_OK)
		return rc;
	/* A forget a reader kept from its checkpoint: this writer tries. */
	if (!st->scrub && (rc = crm_query_int(st, &pending, "SELECT count(*) "
	    "FROM config WHERE key = '" CRM_CONFIG_SCRUB "'", 0)) != CRM_EX_OK)
		return rc;
	if ((rc = crm_exec(st, "COMMIT")) != CRM_EX_OK)
		return rc;
	st->intx = 0;
	/* Gone between the check and the commit: say so all the same. */
	if (writer(st) && (rc = still_there(st, "what it wrote went with "
	    "the old file")) != CRM_EX_OK)
		return rc;
	if (pending)
		st->scrub = 1;
	/* The commit stands whatever the checkpoint does: no wait, no error. */
	if (st->scrub)
		st->scrubrc = scrub(st, 0);
	return CRM_EX_OK;
}

int
crm_store_scrub_later(struct crm_store *st)
{
	st->scrub = 1;
	return crm_config_set(st, CRM_CONFIG_SCRUB, "1");
}

int
crm_store_scrub(struct crm_store *st)
{
	if (!st->scrub)
		return CRM_EX_OK;
	/*
	 * The commit's checkpoint failed to read or write: not again at
	 * once (the disk said no); the next writer's commit tries.
	 */
	if (st->scrubrc == CRM_EX_IOERR)
		return CRM_EX_IOERR;
	return scrub(st, 1);
}

/*
 * The bytes a forget erased leave the files: every frame of the WAL goes
 * into the store (whose pages secure_delete zeroed), then the WAL is
 * truncated, old frames and all.  A reader on an older snapshot blocks
 * that: CRM_EX_TEMPFAIL; a failed read or write (or a damaged page):
 * CRM_EX_IOERR, SQLite's message left in the connection.  Either way it
 * prints nothing, as the erasure is committed, and the flag stays for
 * the next writer.  Without wait, a blocked checkpoint gives up at once.
 */
static int
scrub(struct crm_store *st, int wait)
{
	int rc;

	if (!wait)
		sqlite3_busy_timeout(st->db, 0);
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(st->db, 0);
	if (rc == SQLITE_OK) {
		st->scrub = 0;
		/*
		 * Done: the flag goes, unless another writer holds the lock
		 * (it then checkpoints once more, for nothing).  The flag's
		 * own frame holds nothing erased; truncated when it can be.
		 */
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE; DELETE FROM config "
		    "WHERE key = '" CRM_CONFIG_SCRUB "'; COMMIT", NULL, NULL,
		    NULL) != SQLITE_OK)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_wal_checkpoint_v2(st->db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	sqlite3_busy_timeout(st->db, st->cli->busy_ms);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return CRM_EX_TEMPFAIL;
	return rc == SQLITE_OK ? CRM_EX_OK : CRM_EX_IOERR;
}

void
crm_store_close(struct crm_store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nhooks; i++)
		if (st->hooks[i].close != NULL)
			st->hooks[i].close(st);
	if (st->db != NULL) {
		if (st->intx)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(st->db);
	}
	free(st);
}

int
crm_audit(struct crm_store *st, const char *kind, int64_t record,
    const char *action, const char *detail)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_prepare(st, "INSERT INTO audit (ts, user, command, "
	    "kind, record, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?)", &s))
	    != CRM_EX_OK)
		return rc;
	sqlite3_bind_int64(s, 1, st->cli->clock);
	sqlite3_bind_text(s, 2, st->cli->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, crm_progname(), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
	if (record > 0)
		sqlite3_bind_int64(s, 5, record);
	sqlite3_bind_text(s, 6, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, detail, -1, SQLITE_STATIC);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc;
}

int
crm_config_get(struct crm_store *st, const char *key, char **out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = crm_prepare(st, "SELECT value FROM config WHERE key = ?",
	    &s)) != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((*out = strdup((const char *)sqlite3_column_text(s, 0))) ==
		    NULL)
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		else
			rc = CRM_EX_OK;
	} else if (rc == SQLITE_DONE)
		rc = CRM_EX_OK;
	else
		rc = crm_sqlerr(st, rc);
	sqlite3_finalize(s);
	return rc;
}

int
crm_config_set(struct crm_store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_prepare(st, "INSERT INTO config (key, value) "
	    "VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2", &s))
	    != CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = crm_step(st, s);
	sqlite3_finalize(s);
	return rc;
}

int
crm_config_unset(struct crm_store *st, const char *key, int *found)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = crm_prepare(st, "DELETE FROM config WHERE key = ?", &s)) !=
	    CRM_EX_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = crm_step(st, s);
	*found = sqlite3_changes(st->db) > 0;
	sqlite3_finalize(s);
	return rc;
}

int
crm_store_end(struct crm_store *st)
{
	int rc;

	if (!st->intx)
		return CRM_EX_OK;
	/* A writer's changes go through crm_store_commit (statistics). */
	if (writer(st))
		return crm_err(CRM_EX_SOFTWARE, NULL, "a write transaction "
		    "ended without its commit");
	/* A reader's COMMIT lets go of its snapshot; temp tables stay. */
	if ((rc = crm_exec(st, "COMMIT")) != CRM_EX_OK)
		return rc;
	st->intx = 0;
	return CRM_EX_OK;
}

int
crm_store_begin(struct crm_store *st, enum crm_mode mode)
{
	int rc;

	if (st->intx)
		return crm_err(CRM_EX_SOFTWARE, NULL, "a transaction began "
		    "inside another");
	/*
	 * A writer's commit is on disk when it returns, power loss
	 * included; BEGIN IMMEDIATE waits for the write lock up to the busy
	 * timeout.
	 */
	st->mode = mode;
	if (writer(st) && (rc = crm_exec(st, "PRAGMA synchronous = FULL")) !=
	    CRM_EX_OK)
		return rc;
	if ((rc = crm_exec(st, writer(st) ? "BEGIN IMMEDIATE" : "BEGIN")) !=
	    CRM_EX_OK)
		return rc;
	st->intx = 1;
	return CRM_EX_OK;
}

/*
 * The next row of a schema: 1 with *row set, 0 at its end, -1 on error.
 * SQLite's statistics tables (ANALYZE) are no part of it.
 */
static int
schema_row(sqlite3_stmt *s, const char *row[4])
{
	int i, rc;

	if ((rc = sqlite3_step(s)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	for (i = 0; i < 4; i++)
		row[i] = (const char *)sqlite3_column_text(s, i);
	return 1;
}

int
crm_store_schema(struct sqlite3 *db, int64_t v, int *same)
{
	static const char sql[] = "SELECT type, name, tbl_name, "
	    "ifnull(sql, '') FROM sqlite_schema WHERE name NOT LIKE "
	    "'sqlite\\_stat%' ESCAPE '\\' ORDER BY type, name";
	struct crm_cli cli;
	struct crm_store ref;
	sqlite3_stmt *a = NULL, *b = NULL;
	const char *ra[4], *rb[4];
	int64_t i;
	int rc, na, nb, k;

	*same = 0;
	memset(&cli, 0, sizeof cli);
	memset(&ref, 0, sizeof ref);
	cli.dbpath = ":memory:";
	ref.cli = &cli;
	ref.mode = CRM_WRITE;
	if (v < 0 || v > CRM_SCHEMA_VERSION)
		return CRM_EX_OK;
	/* What crm's migrations make, from nothing, at version v. */
	if (sqlite3_open(":memory:", &ref.db) != SQLITE_OK) {
		rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < v; i++) {
		if ((rc = crm_exec(&ref, migrations[i])) != CRM_EX_OK ||
		    (migrate_c[i] != NULL && (rc = migrate_c[i](&ref)) !=
		    CRM_EX_OK))
			goto out;
	}
	if ((rc = crm_prepare(&ref, sql, &b)) != CRM_EX_OK)
		goto out;
	if (sqlite3_prepare_v2(db, sql, -1, &a, NULL) != SQLITE_OK) {
		rc = crm_err(CRM_EX_IOERR, NULL, "%s", sqlite3_errmsg(db));
		goto out;
	}
	for (;;) {
		na = schema_row(a, ra);
		nb = schema_row(b, rb);
		if (na < 0) {
			rc = crm_err(CRM_EX_IOERR, NULL, "%s",
			    sqlite3_errmsg(db));
			goto out;
		}
		if (nb < 0) {
			rc = crm_sqlerr(&ref, sqlite3_errcode(ref.db));
			goto out;
		}
		if (na != nb)
			break;
		if (na == 0) {
			*same = 1;
			break;
		}
		for (k = 0; k < 4; k++)
			if (ra[k] == NULL || rb[k] == NULL ||
			    strcmp(ra[k], rb[k]) != 0)
				break;
		if (k < 4)
			break;
	}
	rc = CRM_EX_OK;
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	sqlite3_close(ref.db);
	return rc;
}
