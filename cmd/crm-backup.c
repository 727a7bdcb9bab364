/*
 * crm-backup: online backups of the store through SQLite's backup API,
 * verified and rotated; --restore puts one back.
 *
 * A backup is written under a temporary name, checked, and only then given
 * its final name, so a backup that dies half-way leaves nothing that counts.
 * Rotation removes only files that prove to be crm-backup's own backups of
 * this store: the name, the header, the store's identity and the mark
 * crm-backup records in each copy.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"


enum { OPT_KEEP = CRM_OPT_OWN, OPT_RESTORE };

/* The store's identity, in its config and so in every copy of it. */
#define ID_KEY		"store.id"
/* Recorded only in crm-backup's own copies: when the copy was taken. */
#define TAKEN_KEY	"backup.taken"
/* A temporary copy: this, then mkstemp's six characters. */
#define TMP_PREFIX	".crm-backup."
#define TMP_LEN		(sizeof TMP_PREFIX - 1 + 6)
/*
 * The list of a store's forgets in a backup folder: this, the store id,
 * ".db".  Not named as a backup is: rotation never counts it.
 */
#define LIST_PREFIX	"forgets-"
/* A backup's name; '#' is a digit.  Fixed width: names sort by time. */
static const char backup_name[] = "crm-########T######.######Z.db";

/* A moment to the microsecond. */
struct stamp {
	int64_t	sec;
	long	usec;
	char	iso[40];	/* 2026-06-30T08:15:00.123456Z */
	char	name[32];	/* 20260630T081500.123456Z */
};

/* Which store a file is a copy of, by its config. */
struct who {
	char	id[128];	/* store.id, "" when none */
	char	key[128];	/* the forget key, "" when none */
};

/* A verified copy of a store: where it goes and what it must carry. */
struct copy {
	const char	*dir;
	const char	*prefix;	/* name: prefix, time, suffix */
	const char	*suffix;
	const char	*id;		/* the store id it carries, or NULL */
	int		 mark;		/* record TAKEN_KEY in it */
	int		 damaged;	/* kept: its source is damaged */
	const struct stat *keep;	/* files stale() never removes */
	size_t		 nkeep;
	char		 path[PATH_MAX];	/* the final path */
};

static void
stamp_set(struct stamp *t, int64_t sec, long usec)
{
	char buf[32], *p, *q;

	t->sec = sec;
	t->usec = usec;
	/* 2026-06-30T08:15:00Z -> 2026-06-30T08:15:00.123456Z */
	crm_time_fmt(sec, buf, sizeof buf);
	buf[strlen(buf) - 1] = '\0';
	snprintf(t->iso, sizeof t->iso, "%s.%06ldZ", buf, usec);
	for (p = t->name, q = t->iso; *q != '\0'; q++)
		if (*q != '-' && *q != ':')
			*p++ = *q;
	*p = '\0';
}

/* The next microsecond, for a name already taken. */
static void
stamp_next(struct stamp *t)
{
	if (t->usec == 999999)
		stamp_set(t, t->sec + 1, 0);
	else
		stamp_set(t, t->sec, t->usec + 1);
}

static void
stamp_now(struct stamp *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	stamp_set(t, (int64_t)ts.tv_sec, ts.tv_nsec / 1000);
}

/* Copy the whole database src into dst in one step: one snapshot. */
static int
copy(sqlite3 *dst, sqlite3 *src, int busy_ms)
{
	sqlite3_backup *b;
	int rc, waited = 0;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		return sqlite3_errcode(dst);
	while (((rc = sqlite3_backup_step(b, -1)) & 0xff) == SQLITE_BUSY ||
	    (rc & 0xff) == SQLITE_LOCKED) {
		if ((waited += 10) > busy_ms)
			break;
		sqlite3_sleep(10);
	}
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The integer a one-value PRAGMA returns: SQLITE_OK or the error. */
static int
pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL)) == SQLITE_OK) {
		if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			*out = sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(s);
	return rc;
}

/* 1 when PRAGMA integrity_check says "ok" and nothing else. */
static int
intact(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	const char *v;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
	    (v = (const char *)sqlite3_column_text(s, 0)) != NULL &&
	    strcmp(v, "ok") == 0)
		ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return ok;
}

/*
 * CRM_EX_OK when db is a crm store this crm can read; else CRM_EX_DATAERR
 * (it is not one) or CRM_EX_IOERR (it cannot be read), why saying which.
 */
static int
crm_file(sqlite3 *db, char *why, size_t n)
{
	int64_t appid = 0, v = 0, tables;
	int rc;

	if ((rc = pragma_int(db, "PRAGMA application_id", &appid)) ==
	    SQLITE_OK)
		rc = pragma_int(db, "PRAGMA user_version", &v);
	/* The header can be read when the schema cannot. */
	if (rc == SQLITE_OK && appid == CRM_APPLICATION_ID)
		rc = pragma_int(db, "SELECT count(*) FROM sqlite_schema",
		    &tables);
	if (rc == SQLITE_NOTADB) {
		snprintf(why, n, "is not a crm store (not an SQLite file)");
		return CRM_EX_DATAERR;
	}
	if (rc != SQLITE_OK) {
		snprintf(why, n, "cannot be read: %s", sqlite3_errstr(rc));
		return CRM_EX_IOERR;
	}
	if (appid != CRM_APPLICATION_ID || v < 1) {
		snprintf(why, n, "is not a crm store");
		return CRM_EX_DATAERR;
	}
	if (v > CRM_SCHEMA_VERSION) {
		snprintf(why, n, "schema %lld is newer than this crm (%d)",
		    (long long)v, CRM_SCHEMA_VERSION);
		return CRM_EX_DATAERR;
	}
	return CRM_EX_OK;
}

/*
 * CRM_EX_OK when path is a sound crm store this crm can read: a crm store
 * (else CRM_EX_DATAERR) that passes its integrity check (else CRM_EX_IOERR,
 * and *broken = 1 when it is a crm store all the same); why says what is
 * wrong.
 */
static int
sound(const char *path, char *why, size_t n, int *broken)
{
	sqlite3 *db = NULL;
	int rc;

	*broken = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(why, n, "cannot be opened: %s", sqlite3_errmsg(db));
		rc = CRM_EX_IOERR;
	} else if ((rc = crm_file(db, why, n)) == CRM_EX_OK && !intact(db)) {
		snprintf(why, n, "fails its integrity check");
		rc = CRM_EX_IOERR;
		*broken = 1;
	}
	sqlite3_close(db);
	return rc;
}

/*
 * A read-only URI for path that takes no lock and never makes a journal
 * or log beside the file: -1 when it does not fit.
 */
static int
ro_uri(char *buf, size_t n, const char *path)
{
	static const char hex[] = "0123456789abcdef";
	static const char tail[] = "?immutable=1";
	const unsigned char *p = (const unsigned char *)path;
	size_t i = 5;

	memcpy(buf, "file:", 5);
	/* "file://x" would name a host. */
	while (p[0] == '/' && p[1] == '/')
		p++;
	for (; *p != '\0'; p++) {
		if (i + 3 + sizeof tail > n)
			return -1;
		if (isalnum(*p) || strchr("/-._~", *p) != NULL)
			buf[i++] = (char)*p;
		else {
			buf[i++] = '%';
			buf[i++] = hex[*p >> 4];
			buf[i++] = hex[*p & 15];
		}
	}
	memcpy(buf + i, tail, sizeof tail);
	return 0;
}

/*
 * The store id and the time of taking (TAKEN_KEY) recorded in the copy at
 * path, "" for either when absent.  -1 when it cannot be read.
 */
static int
ident(const char *path, char *id, size_t idn, char *taken, size_t tn)
{
	char uri[PATH_MAX * 3 + 32];
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	const char *v;
	int rc = -1;

	*id = *taken = '\0';
	if (ro_uri(uri, sizeof uri, path) != 0 || sqlite3_open_v2(uri, &db,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT (SELECT value FROM config WHERE "
	    "key = ?1), (SELECT value FROM config WHERE key = ?2)", -1, &s,
	    NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, ID_KEY, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, TAKEN_KEY, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL)
		snprintf(id, idn, "%s", v);
	if ((v = (const char *)sqlite3_column_text(s, 1)) != NULL)
		snprintf(taken, tn, "%s", v);
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}

/*
 * The value of config key in db into v, "" when unset or when db has no
 * config at all: -1 when db cannot be read.
 */
static int
cfg(sqlite3 *db, const char *key, char *v, size_t n)
{
	sqlite3_stmt *s = NULL;
	const char *t;
	int rc;

	*v = '\0';
	if (sqlite3_prepare_v2(db, "SELECT value FROM config WHERE key = ?1",
	    -1, &s, NULL) != SQLITE_OK)
		/* SQLITE_ERROR: no such table. */
		return sqlite3_errcode(db) == SQLITE_ERROR ? 0 : -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && (t = (const char *)
	    sqlite3_column_text(s, 0)) != NULL)
		snprintf(v, n, "%s", t);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Set a config key of db, a copy crm-backup writes: -1 when it cannot. */
static int
cfg_set(sqlite3 *db, const char *key, const char *v)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO config (key, "
	    "value) VALUES (?1, ?2)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, v, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Which store db is a copy of: -1 when it cannot be read. */
static int
who_of(sqlite3 *db, struct who *w)
{
	return cfg(db, ID_KEY, w->id, sizeof w->id) == 0 &&
	    cfg(db, CRM_CONFIG_FORGET_KEY, w->key, sizeof w->key) == 0 ? 0 :
	    -1;
}

/*
 * 1 when a and b are copies of one store: the same store id, or, when
 * either has none (a store never backed up), the same forget key, made at
 * random with the store.  Their customer ids name the same people then.
 */
static int
same(const struct who *a, const struct who *b)
{
	if (*a->id != '\0' && *b->id != '\0')
		return strcmp(a->id, b->id) == 0;
	return *a->key != '\0' && strcmp(a->key, b->key) == 0;
}

/*
 * The path of the list of store id's forgets in dir: -1 when too long, or
 * when the id is not as crm-backup makes it (letters and digits) and so
 * could name a file elsewhere.
 */
static int
list_path(char *path, size_t n, const char *dir, const char *id)
{
	const char *p;

	for (p = id; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			return -1;
	return *id != '\0' && snprintf(path, n, "%s/" LIST_PREFIX "%s.db",
	    dir, id) < (int)n ? 0 : -1;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * 1 when the header of path is that of a whole crm copy as crm-backup
 * leaves it: an SQLite file with crm's application id, no write-ahead
 * log, and exactly as many pages as its header says (not cut short).
 */
static int
whole(const char *path, const struct stat *sb)
{
	unsigned char h[100];
	uint32_t pgsz;
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) < 0)
		return 0;
	ok = pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h;
	close(fd);
	if (!ok || memcmp(h, "SQLite format 3", 16) != 0)
		return 0;
	pgsz = (uint32_t)h[16] << 8 | h[17];
	if (pgsz == 1)
		pgsz = 65536;
	/* The page count is valid when written with the change counter. */
	return h[18] == 1 && h[19] == 1 && be32(h + 68) ==
	    CRM_APPLICATION_ID && be32(h + 92) == be32(h + 24) &&
	    (off_t)be32(h + 28) * pgsz == sb->st_size;
}

/* 1 when name has the shape of a backup's name. */
static int
named(const char *name)
{
	size_t i;

	if (strlen(name) != sizeof backup_name - 1)
		return 0;
	for (i = 0; backup_name[i] != '\0'; i++)
		if (backup_name[i] == '#' ? !isdigit((unsigned char)name[i]) :
		    name[i] != backup_name[i])
			return 0;
	return 1;
}

/*
 * 1 when dir/name is a backup crm-backup wrote of the store whose id is
 * id, and not the live store itself (however it is named or linked).
 */
static int
ours(const char *dir, const char *name, const char *id,
    const struct stat *live)
{
	char path[PATH_MAX], got[128], taken[64];
	struct stat sb;

	if (!named(name) || snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    (int)sizeof path || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	if (sb.st_dev == live->st_dev && sb.st_ino == live->st_ino)
		return 0;
	if (!whole(path, &sb) || ident(path, got, sizeof got, taken,
	    sizeof taken) != 0)
		return 0;
	return strcmp(got, id) == 0 && *taken != '\0';
}

/*
 * 1 when someone holds an SQLite lock (fcntl) on the open file fd: its
 * lock bytes, from the pending byte on.  A connection to a store in WAL
 * mode holds one as long as it is open.
 */
static int
sqlite_locked(int fd)
{
	struct flock l;

	memset(&l, 0, sizeof l);
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	l.l_start = 0x40000000;
	l.l_len = 512;
	return fcntl(fd, F_GETLK, &l) != 0 || l.l_type != F_UNLCK;
}

/*
 * 1 when path may be removed as the temporary copy of a crm-backup that
 * died: a regular file of one link, ours, none of the files keep (the
 * store, the file restored), empty or beginning as a crm store does, and
 * locked by no one, neither as crm-backup locks its temporary files
 * (flock) nor as SQLite does.  Opened without waiting: never a FIFO.
 */
static int
dead_copy(const char *path, const struct stat *keep, size_t nkeep)
{
	unsigned char h[100];
	struct stat sb, fb;
	size_t i;
	int fd, ok;

	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_nlink != 1 || sb.st_uid != geteuid())
		return 0;
	/* Before it is opened: closing it would drop our own locks. */
	for (i = 0; i < nkeep; i++)
		if (sb.st_dev == keep[i].st_dev && sb.st_ino == keep[i].st_ino)
			return 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY)) < 0)
		return 0;
	ok = fstat(fd, &fb) == 0 && fb.st_dev == sb.st_dev &&
	    fb.st_ino == sb.st_ino && (fb.st_size == 0 ||
	    (pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
	    memcmp(h, "SQLite format 3", 16) == 0 &&
	    be32(h + 68) == CRM_APPLICATION_ID)) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 && !sqlite_locked(fd);
	close(fd);
	return ok;
}

/*
 * Remove what crm-backups that died left in dir: their temporary copies
 * and journals (see dead_copy).  A running crm-backup holds a lock on its
 * temporary file, so only the dead ones' files go.
 */
static void
stale(const char *dir, const struct stat *keep, size_t nkeep)
{
	char base[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	struct stat sb;
	const char *rest;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, TMP_PREFIX, sizeof TMP_PREFIX - 1) !=
		    0 || strlen(e->d_name) < TMP_LEN)
			continue;
		rest = e->d_name + TMP_LEN;
		if (*rest != '\0' && strcmp(rest, "-journal") != 0 &&
		    strcmp(rest, "-wal") != 0 && strcmp(rest, "-shm") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(base, sizeof base, "%s/%.*s", dir, (int)TMP_LEN,
		    e->d_name);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		/* A journal whose copy is gone, or a dead copy's. */
		if ((*rest != '\0' && lstat(base, &sb) != 0 &&
		    errno == ENOENT) || dead_copy(base, keep, nkeep))
			unlink(path);
	}
	closedir(d);
}

/* Remove a temporary copy and what SQLite may have left beside it. */
static void
drop(const char *tmp)
{
	static const char *const side[] = { "-journal", "-wal", "-shm" };
	char j[PATH_MAX + 16];
	size_t i;

	unlink(tmp);
	for (i = 0; i < sizeof side / sizeof side[0]; i++) {
		snprintf(j, sizeof j, "%s%s", tmp, side[i]);
		unlink(j);
	}
}

/*
 * A temporary file in dir, locked (see stale) and still under its name:
 * its descriptor, or -1 (printed).
 */
static int
tmpfile_in(const char *dir, char *tmp, size_t n)
{
	struct stat a, b;
	int fd, tries;

	for (tries = 0; tries < 10; tries++) {
		snprintf(tmp, n, "%s/%sXXXXXX", dir, TMP_PREFIX);
		if ((fd = mkstemp(tmp)) < 0) {
			crm_err(0, NULL, "%s: cannot create a file there:",
			    dir);
			return -1;
		}
		/* Another crm-backup's clean-up may have taken it first. */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 &&
		    stat(tmp, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
	crm_err(0, NULL, "%s: cannot keep a temporary file there", dir);
	return -1;
}

/* Make the names in dir durable. */
static int
syncdir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	/* Some file systems cannot sync a folder (EINVAL): nothing to do. */
	if ((rc = fsync(fd)) != 0 && errno == EINVAL)
		rc = 0;
	close(fd);
	return rc;
}

/*
 * Write the store src as the copy c, taken at t: into a temporary file,
 * checked (integrity, crm store, c->id, the mark), then linked to its final
 * name, the first free one from t on.  A copy of a store that fails its
 * integrity check is refused, or kept when c->damaged is set on entry (it
 * stays set only then).
 */
static int
write_copy(sqlite3 *src, struct copy *c, const struct stamp *t, int busy_ms)
{
	struct crm_loc at = { c->dir, 0, NULL };
	char tmp[PATH_MAX], why[160], id[128], taken[64];
	struct stamp n = *t;
	sqlite3 *dst = NULL;
	int fd, rc, broken, linked;

	stale(c->dir, c->keep, c->nkeep);
	if ((fd = tmpfile_in(c->dir, tmp, sizeof tmp)) < 0)
		return CRM_EX_IOERR;
	if ((rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL)) ==
	    SQLITE_OK)
		rc = copy(dst, src, busy_ms);
	if (rc != SQLITE_OK) {
		rc = crm_err((rc & 0xff) == SQLITE_BUSY ? CRM_EX_TEMPFAIL :
		    CRM_EX_IOERR, &at, "the copy failed: %s",
		    sqlite3_errstr(rc));
		goto out;
	}
	/* A copy is a single file: no write-ahead log beside it. */
	if ((rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL)) != SQLITE_OK) {
		rc = crm_err(CRM_EX_IOERR, &at, "%s", sqlite3_errmsg(dst));
		goto out;
	}
	if (c->mark && cfg_set(dst, TAKEN_KEY, t->iso) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "%s", sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_close(dst);
	dst = NULL;
	rc = sound(tmp, why, sizeof why, &broken);
	/* The damage of a copy may be its store's own. */
	if (broken && !intact(src)) {
		if (!c->damaged) {
			rc = crm_err(CRM_EX_IOERR, NULL, "the store fails its "
			    "integrity check; crm-backup --restore puts a "
			    "backup back");
			goto out;
		}
		rc = CRM_EX_OK;
	} else
		c->damaged = 0;
	if (rc != CRM_EX_OK) {
		rc = crm_err(CRM_EX_IOERR, &at, "the copy %s", why);
		goto out;
	}
	if ((c->id != NULL || c->mark) && (ident(tmp, id, sizeof id, taken,
	    sizeof taken) != 0 || (c->id != NULL && strcmp(id, c->id) != 0) ||
	    (c->mark && strcmp(taken, t->iso) != 0))) {
		rc = crm_err(CRM_EX_IOERR, &at, "the copy does not carry the "
		    "store's identity");
		goto out;
	}
	/* link(2) never replaces: a name taken is a name skipped. */
	for (linked = 0; !linked; stamp_next(&n)) {
		if (snprintf(c->path, sizeof c->path, "%s/%s%s%s", c->dir,
		    c->prefix, n.name, c->suffix) >= (int)sizeof c->path) {
			rc = crm_err(CRM_EX_IOERR, &at, "the name is too long");
			goto out;
		}
		if (link(tmp, c->path) == 0)
			linked = 1;
		else if (errno == EEXIST)
			continue;
		else if (errno != EPERM && errno != ENOTSUP &&
		    errno != ENOSYS) {
			rc = crm_err(CRM_EX_IOERR, &at, "%s:", c->path);
			goto out;
		} else if (access(c->path, F_OK) != 0) {
			/* A file system without links: rename instead. */
			if (errno != ENOENT || rename(tmp, c->path) != 0) {
				rc = crm_err(CRM_EX_IOERR, &at, "%s:",
				    c->path);
				goto out;
			}
			linked = 1;
		}
	}
	if (syncdir(c->dir) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "%s:", c->dir);
		unlink(c->path);
		goto out;
	}
	rc = CRM_EX_OK;
out:
	sqlite3_close(dst);
	drop(tmp);
	close(fd);
	return rc;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Keep the newest keep backups of the store id in dir, newest (just
 * written) included whatever its time says; nothing else is touched.
 */
static int
rotate(const char *dir, int keep, const char *id, const char *newest,
    const struct stat *live)
{
	char **names = NULL, path[PATH_MAX];
	struct dirent *e;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int rc = CRM_EX_OK;

	if ((d = opendir(dir)) == NULL)
		return crm_err(CRM_EX_IOERR, NULL, "%s:", dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, newest) == 0 ||
		    !ours(dir, e->d_name, id, live))
			continue;
		if ((rc = crm_grow(&names, &cap, n, sizeof *names)) !=
		    CRM_EX_OK)
			goto out;
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof *names, namecmp);
	for (i = 0; n > (size_t)keep - 1 && i < n - ((size_t)keep - 1); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (unlink(path) != 0)
			rc = crm_err(CRM_EX_IOERR, NULL, "%s:", path);
		else
			/* With what SQLite may have left beside it. */
			drop(path);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* A new store id: 16 random bytes in hex. */
static void
new_id(char *id, size_t n)
{
	unsigned char r[16];
	int i;

	sqlite3_randomness(sizeof r, r);
	for (i = 0; i < (int)sizeof r; i++)
		snprintf(id + 2 * i, n - 2 * (size_t)i, "%02x", r[i]);
}

/*
 * The store's identity into id: made (random, kept in its config) the
 * first time it is backed up.  Leaves the store open with no transaction.
 */
static int
store_id(struct crm_store **st, struct crm_cli *cli, char *id, size_t n)
{
	char *v = NULL, msg[192];
	int rc;

	if ((rc = crm_store_open(st, cli, CRM_READ)) != CRM_EX_OK ||
	    (rc = crm_config_get(*st, ID_KEY, &v)) != CRM_EX_OK)
		goto out;
	if (v == NULL) {
		crm_store_close(*st);
		/* Another crm-backup may make it while we wait: ask again. */
		if ((rc = crm_store_open(st, cli, CRM_WRITE)) != CRM_EX_OK ||
		    (rc = crm_config_get(*st, ID_KEY, &v)) != CRM_EX_OK)
			goto out;
	}
	if (v == NULL) {
		new_id(id, n);
		snprintf(msg, sizeof msg, "%s = %s", ID_KEY, id);
		if ((rc = crm_config_set(*st, ID_KEY, id)) != CRM_EX_OK ||
		    (rc = crm_audit(*st, "config", 0, "set", msg)) !=
		    CRM_EX_OK)
			goto out;
	} else
		snprintf(id, n, "%s", v);
	/* The store's own transaction would pin a snapshot: end it. */
	rc = crm_store_commit(*st);
out:
	free(v);
	return rc;
}

/*
 * Backups into one folder take turns, so one's rotation never removes
 * another's backup before that one is reported: a lock on the folder, or
 * -1 where the file system has none (then they do not take turns), or -2
 * when another holds it past the busy timeout.
 */
static int
lockdir(const char *dir, int busy_ms)
{
	int fd, waited;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 10) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return -1;
		}
		if (waited >= busy_ms) {
			close(fd);
			return -2;
		}
		sqlite3_sleep(10);
	}
	return fd;
}

/*
 * Keep the list of the store's forgets in dir, once it has forgotten
 * someone: what the list held and every forget of the store now (the
 * time, the customer's id, the keyed hashes, the key, the store id),
 * written to a temporary file and renamed over it, so the list is always
 * whole.  Mode 0600: it holds the forget key.  A restore of a backup
 * re-applies from it the forgets made after the backup was taken.
 */
static int
save_list(struct crm_store *st, const char *dir, const char *id, int busy_ms)
{
	struct crm_loc at = { NULL, 0, NULL };
	char path[PATH_MAX], tmp[PATH_MAX];
	struct who mine, theirs;
	sqlite3 *old = NULL, *db = NULL;
	char *key = NULL;
	int64_t any;
	int fd = -1, rc;

	*tmp = '\0';
	if ((rc = crm_query_int(st, &any, "SELECT EXISTS (SELECT 1 FROM "
	    "forget)", 0)) != CRM_EX_OK || !any)
		return rc;
	if (list_path(path, sizeof path, dir, id) != 0)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: no list of forgets "
		    "can be named there for the store id %s", dir, id);
	at.file = path;
	if ((rc = crm_config_get(st, CRM_CONFIG_FORGET_KEY, &key)) !=
	    CRM_EX_OK)
		return rc;
	snprintf(mine.id, sizeof mine.id, "%s", id);
	snprintf(mine.key, sizeof mine.key, "%s", key != NULL ? key : "");
	if ((fd = tmpfile_in(dir, tmp, sizeof tmp)) < 0) {
		rc = CRM_EX_IOERR;
		goto out;
	}
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot write: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	/* What the list held stays: it is of this store, or it is kept. */
	if (access(path, F_OK) == 0) {
		if (sqlite3_open_v2(path, &old, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK || who_of(old, &theirs) != 0) {
			rc = crm_err(CRM_EX_DATAERR, &at, "not a list of "
			    "forgets (%s); move it away", sqlite3_errmsg(old));
			goto out;
		}
		if (strcmp(theirs.id, id) != 0 || !same(&mine, &theirs)) {
			rc = crm_err(CRM_EX_DATAERR, &at, "a list of another "
			    "store's forgets; move it away");
			goto out;
		}
		if ((rc = copy(db, old, busy_ms)) != SQLITE_OK) {
			rc = crm_err((rc & 0xff) == SQLITE_BUSY ?
			    CRM_EX_TEMPFAIL : CRM_EX_IOERR, &at, "cannot "
			    "read: %s", sqlite3_errstr(rc));
			goto out;
		}
	}
	sqlite3_close(db);
	db = NULL;
	if ((rc = crm_forget_save(st, tmp)) != CRM_EX_OK)
		goto out;
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || cfg_set(db, ID_KEY, id) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot write: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_close(db);
	db = NULL;
	if (rename(tmp, path) != 0 || syncdir(dir) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot write:");
		goto out;
	}
	rc = CRM_EX_OK;
out:
	sqlite3_close(db);
	sqlite3_close(old);
	if (*tmp != '\0')
		drop(tmp);
	if (fd >= 0)
		close(fd);
	free(key);
	return rc;
}

static int
backup(struct crm_cli *cli, const char *dir, int keep)
{
	struct copy c = { dir, "crm-", ".db", NULL, 1, 0, NULL, 0, "" };
	struct crm_store *st = NULL;
	struct crm_loc at = { cli->dbpath, 0, NULL };
	struct stamp t;
	struct stat live;
	char id[128];
	int rc, lock = -1, made = 0;

	/* The store first: a store missing or refused makes no folder. */
	if ((rc = store_id(&st, cli, id, sizeof id)) != CRM_EX_OK)
		goto out;
	if (mkdir(dir, 0700) == 0)
		made = 1;
	else if (errno != EEXIST) {
		rc = crm_err(CRM_EX_IOERR, NULL, "%s:", dir);
		goto out;
	}
	if (stat(cli->dbpath, &live) != 0) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot read:");
		goto out;
	}
	c.id = id;
	c.keep = &live;
	c.nkeep = 1;
	if ((lock = lockdir(dir, cli->busy_ms)) == -2) {
		rc = crm_err(CRM_EX_TEMPFAIL, NULL, "%s: another crm-backup is "
		    "writing there; try again later", dir);
		goto out;
	}
	if ((rc = save_list(st, dir, id, cli->busy_ms)) != CRM_EX_OK)
		goto out;
	stamp_now(&t);
	if ((rc = write_copy(crm_store_db(st), &c, &t, cli->busy_ms)) !=
	    CRM_EX_OK)
		goto out;
	if ((rc = rotate(dir, keep, id, strrchr(c.path, '/') + 1, &live)) !=
	    CRM_EX_OK)
		goto out;
	if (!cli->quiet)
		printf("%s\n", c.path);
	fflush(stdout);
out:
	if (lock >= 0)
		close(lock);
	/* A folder made for a backup that failed: gone again, if empty. */
	if (rc != CRM_EX_OK && made)
		rmdir(dir);
	crm_store_close(st);
	return rc;
}

/* ---- restore ------------------------------------------------------------ */

/* What a restore works with, from the check of the file to the audit. */
struct restore {
	struct crm_cli	*cli;
	const char	*file;
	sqlite3		*src;	/* the backup, read-only */
	sqlite3		*live;	/* the store: the backup goes into it */
	sqlite3		*rd;	/* the store, read-only: the safety copy */
	sqlite3_backup	*b;	/* scr into live, holding the write lock */
	int		 existed;	/* there was a store to keep */
	struct copy	 safe;	/* where the store as it was is kept */
	struct who	 was;	/* the store the backup is a copy of */
	/* The backup as it goes in: a copy with the later forgets in it. */
	struct crm_store *scr;
	struct crm_cli	 scli;	/* scr's: the cli's, at the scratch path */
	char		 scratch[PATH_MAX];
	int		 scrfd;	/* its lock (see stale) */
	long		 forgets;	/* how many were re-applied */
	int		 scrub;		/* the store's files to checkpoint */
	char		 dir[PATH_MAX];
	char		 prefix[PATH_MAX];
	/* The file restored, the store, the scratch copy: see stale(). */
	struct stat	 keep[3];
	size_t		 nkeep;
	/* The first folder made for the store, or ""; the store made. */
	char		 top[PATH_MAX];
	struct stat	 made;
	int		 ismade;
};

/* The file to restore: a sound crm store that is not the store itself. */
static int
restore_check(struct restore *r)
{
	struct crm_loc at = { r->file, 0, NULL };
	struct stat sb, live;
	char why[160];
	int64_t v = 0;
	int rc, broken, same;

	if (stat(r->file, &sb) != 0)
		return crm_err(errno == ENOENT ? CRM_EX_NOINPUT : CRM_EX_IOERR,
		    &at, "cannot read:");
	if (!S_ISREG(sb.st_mode))
		return crm_err(CRM_EX_DATAERR, &at, "is not a crm store (not "
		    "a file); the store is as it was");
	if (stat(r->cli->dbpath, &live) == 0 && live.st_dev == sb.st_dev &&
	    live.st_ino == sb.st_ino)
		return crm_err(CRM_EX_DATAERR, &at, "is the store itself");
	r->keep[r->nkeep++] = sb;
	if ((rc = sound(r->file, why, sizeof why, &broken)) != CRM_EX_OK)
		return crm_err(rc, &at, "%s; the store is as it was", why);
	if (sqlite3_open_v2(r->file, &r->src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "cannot open: %s",
		    sqlite3_errmsg(r->src));
	/*
	 * Exactly the tables and indexes crm makes at its version: a trigger
	 * would run in the store (a forget copied elsewhere), a file with
	 * none of crm's tables would leave a store no command can use.
	 */
	if (pragma_int(r->src, "PRAGMA user_version", &v) != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "cannot read: %s",
		    sqlite3_errmsg(r->src));
	if ((rc = crm_store_schema(r->src, v, &same)) != CRM_EX_OK)
		return rc;
	if (!same)
		return crm_err(CRM_EX_DATAERR, &at, "is not a crm store (its "
		    "schema is not crm's); the store is as it was");
	return CRM_EX_OK;
}

/* Remove the folders crm_mkparents made for path, if they are empty. */
static void
unmade(const char *path, const char *top)
{
	char buf[PATH_MAX], *p;

	if (*top == '\0')
		return;
	snprintf(buf, sizeof buf, "%s", path);
	while ((p = strrchr(buf, '/')) != NULL && p != buf) {
		*p = '\0';
		if (rmdir(buf) != 0 || strcmp(buf, top) == 0)
			break;
	}
}

/* The store, open twice: to read (the safety copy) and to write. */
static int
restore_open(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	struct stat sb;
	char why[160];
	int rc;

	if (stat(r->cli->dbpath, &sb) == 0)
		r->keep[r->nkeep++] = sb;
	if (sqlite3_open_v2(r->cli->dbpath, &r->rd, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "cannot open: %s",
		    sqlite3_errmsg(r->rd));
	sqlite3_busy_timeout(r->rd, r->cli->busy_ms);
	/*
	 * A damaged store is what a restore is for, but one SQLite cannot
	 * read at all cannot be copied first, nor locked: it goes by hand.
	 */
	if ((rc = crm_file(r->rd, why, sizeof why)) == CRM_EX_DATAERR)
		return crm_err(rc, &at, "%s; it is left as it was", why);
	if (rc != CRM_EX_OK)
		return crm_err(rc, &at, "%s; it is left as it was: to restore, "
		    "move it away with its -wal file first", why);
	if (sqlite3_open_v2(r->cli->dbpath, &r->live, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "cannot open: %s",
		    sqlite3_errmsg(r->live));
	sqlite3_extended_result_codes(r->live, 1);
	sqlite3_busy_timeout(r->live, r->cli->busy_ms);
	return CRM_EX_OK;
}

/*
 * The store to restore into, when there is one: refused when it is not a
 * crm store.  Its folder, made (0700) when missing, for the scratch copy.
 */
static int
restore_target(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	const char *slash;
	struct stat sb;

	/* The safety copy goes beside the store: DIR/NAME.before-restore-. */
	if ((slash = strrchr(r->cli->dbpath, '/')) == NULL)
		snprintf(r->dir, sizeof r->dir, ".");
	else if (slash == r->cli->dbpath)
		snprintf(r->dir, sizeof r->dir, "/");
	else
		snprintf(r->dir, sizeof r->dir, "%.*s",
		    (int)(slash - r->cli->dbpath), r->cli->dbpath);
	snprintf(r->prefix, sizeof r->prefix, "%s.before-restore-",
	    slash == NULL ? r->cli->dbpath : slash + 1);
	r->existed = stat(r->cli->dbpath, &sb) == 0;
	if (r->existed && !S_ISREG(sb.st_mode))
		return crm_err(CRM_EX_DATAERR, &at, "is not a crm store (not a "
		    "file); it is left as it was");
	if (r->existed)
		return restore_open(r);
	if (crm_mkparents(r->cli->dbpath, r->top, sizeof r->top) != 0)
		return crm_err(CRM_EX_IOERR, &at, "cannot create its folder:");
	return CRM_EX_OK;
}

/*
 * No store yet: made as any new store (mode 0600, WAL), once the backup
 * is ready to go in, so a backup refused leaves nothing behind.
 */
static int
restore_create(struct restore *r)
{
	struct crm_store *st = NULL;
	struct stat sb;
	int rc;

	if (r->existed)
		return CRM_EX_OK;
	if ((rc = crm_store_open(&st, r->cli, CRM_WRITE)) == CRM_EX_OK)
		rc = crm_store_commit(st);
	crm_store_close(st);
	if (rc != CRM_EX_OK)
		return rc;
	if (stat(r->cli->dbpath, &sb) == 0) {
		r->made = sb;
		r->ismade = 1;
	}
	return restore_open(r);
}

/* The store in WAL mode, as every crm store, before the restore. */
static int
restore_wal(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	sqlite3_stmt *s = NULL;
	const char *mode;
	int rc, waited, wal;

	if (sqlite3_prepare_v2(r->live, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL) != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "%s",
		    sqlite3_errmsg(r->live));
	/* The switch needs the file to itself and does not wait: we do. */
	for (waited = 0; ((rc = sqlite3_step(s)) & 0xff) == SQLITE_BUSY &&
	    waited < r->cli->busy_ms; waited += 10) {
		sqlite3_reset(s);
		sqlite3_sleep(10);
	}
	wal = rc == SQLITE_ROW && (mode = (const char *)
	    sqlite3_column_text(s, 0)) != NULL && strcmp(mode, "wal") == 0;
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_BUSY)
		return crm_err(CRM_EX_TEMPFAIL, &at, "the store is busy; try "
		    "again later");
	if (!wal)
		return crm_err(CRM_EX_IOERR, &at, "cannot use a write-ahead "
		    "log: %s", sqlite3_errmsg(r->live));
	return CRM_EX_OK;
}

/*
 * The backup as it will go in: copied into a temporary file beside the
 * store and opened there as a store (an older backup is migrated), so the
 * forgets made after it can go into it before it goes into the store, in
 * the same step.  The file is locked: a restore that dies leaves it for
 * the next one in that folder to remove.
 */
static int
restore_scratch(struct restore *r)
{
	struct crm_loc at = { r->file, 0, NULL };
	sqlite3 *db = NULL;
	int rc, broken;

	if (who_of(r->src, &r->was) != 0)
		return crm_err(CRM_EX_IOERR, &at, "cannot read: %s",
		    sqlite3_errmsg(r->src));
	stale(r->dir, r->keep, r->nkeep);
	if ((r->scrfd = tmpfile_in(r->dir, r->scratch, sizeof r->scratch)) <
	    0) {
		*r->scratch = '\0';
		return CRM_EX_IOERR;
	}
	if (fstat(r->scrfd, &r->keep[r->nkeep]) == 0)
		r->nkeep++;
	if ((rc = sqlite3_open_v2(r->scratch, &db, SQLITE_OPEN_READWRITE,
	    NULL)) == SQLITE_OK)
		rc = copy(db, r->src, r->cli->busy_ms);
	/*
	 * The copy is what goes in: checked here, a file swapped at the
	 * backup's path after restore_check looked at it cannot slip by.
	 */
	broken = rc == SQLITE_OK && !intact(db);
	sqlite3_close(db);
	if (rc != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, NULL, "%s: cannot copy %s there: "
		    "%s; the store is as it was", r->dir, r->file,
		    sqlite3_errstr(rc));
	if (broken)
		return crm_err(CRM_EX_IOERR, &at, "its copy fails its "
		    "integrity check; the store is as it was");
	r->scli = *r->cli;
	r->scli.dbpath = r->scratch;
	r->scli.quiet = 1;
	/* The backup API reads no source in a write transaction. */
	if ((rc = crm_store_open(&r->scr, &r->scli, CRM_WRITE)) != CRM_EX_OK ||
	    (rc = crm_store_commit(r->scr)) != CRM_EX_OK)
		return crm_err(rc, &at, "cannot be opened as a store of this "
		    "crm (above, in its copy %s); the store is as it was",
		    r->scratch);
	return CRM_EX_OK;
}

/*
 * The backup in the store's page size: the backup API cannot change the
 * page size of a store in WAL mode.  Rewritten (VACUUM) out of WAL mode.
 */
static int
restore_pagesize(struct restore *r)
{
	struct crm_loc at = { r->file, 0, NULL };
	char sql[96];
	int64_t want, have;
	sqlite3 *db = crm_store_db(r->scr);

	if (pragma_int(r->rd, "PRAGMA page_size", &want) != SQLITE_OK ||
	    pragma_int(db, "PRAGMA page_size", &have) != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "cannot read its page size");
	if (want == have)
		return CRM_EX_OK;
	snprintf(sql, sizeof sql, "PRAGMA journal_mode = DELETE; "
	    "PRAGMA page_size = %lld; VACUUM", (long long)want);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    pragma_int(db, "PRAGMA page_size", &have) != SQLITE_OK ||
	    have != want)
		return crm_err(CRM_EX_IOERR, &at, "cannot be rewritten in the "
		    "store's page size (%lld): %s; the store is as it was",
		    (long long)want, sqlite3_errmsg(db));
	return CRM_EX_OK;
}

/*
 * Take the store's write lock, waiting the busy timeout: the backup API's
 * first step (of no pages) opens its write transaction on the store and
 * holds it until the restore is done, so nothing is written in between.
 */
static int
restore_lock(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	int rc;

	if ((r->b = sqlite3_backup_init(r->live, "main",
	    crm_store_db(r->scr), "main")) == NULL)
		return crm_err(CRM_EX_IOERR, &at, "%s",
		    sqlite3_errmsg(r->live));
	rc = sqlite3_backup_step(r->b, 0);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return crm_err(CRM_EX_TEMPFAIL, &at, "the store is busy; try "
		    "again later");
	if ((rc & 0xff) == SQLITE_READONLY)
		return crm_err(CRM_EX_IOERR, &at, "cannot be written, or its "
		    "page size differs from the backup's");
	if (rc != SQLITE_OK)
		return crm_err(CRM_EX_IOERR, &at, "%s", sqlite3_errstr(rc));
	return CRM_EX_OK;
}

/*
 * Under the lock, a verified copy of the store as it is, beside it.  A
 * damaged store is kept as it is, and said so.
 */
static int
restore_safety(struct restore *r)
{
	struct stamp t;

	if (!r->existed)
		return CRM_EX_OK;
	r->safe.dir = r->dir;
	r->safe.prefix = r->prefix;
	r->safe.suffix = "";
	r->safe.damaged = 1;
	r->safe.keep = r->keep;
	r->safe.nkeep = r->nkeep;
	stamp_now(&t);
	return write_copy(r->rd, &r->safe, &t, r->cli->busy_ms);
}

/* The list of forgets beside the backup, when it is of the same store. */
static int
restore_listed(struct restore *r)
{
	struct crm_loc at = { NULL, 0, NULL };
	char dir[PATH_MAX], list[PATH_MAX];
	const char *slash;
	sqlite3 *db = NULL;
	struct who w;
	long n = 0;
	int rc, readable;

	/* Named by the store id: a backup with none has no list. */
	if (*r->was.id == '\0')
		return CRM_EX_OK;
	if ((slash = strrchr(r->file, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - r->file) +
		    (slash == r->file), r->file);
	if (list_path(list, sizeof list, dir, r->was.id) != 0 ||
	    access(list, F_OK) != 0)
		return CRM_EX_OK;
	at.file = list;
	readable = sqlite3_open_v2(list, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && who_of(db, &w) == 0;
	if (!readable)
		rc = crm_err(CRM_EX_DATAERR, &at, "not a list of forgets (%s); "
		    "the store is as it was: to restore without it, move it "
		    "away", sqlite3_errmsg(db));
	sqlite3_close(db);
	if (!readable)
		return rc;
	/* Another store's ids would name other people. */
	if (strcmp(w.id, r->was.id) != 0 || !same(&r->was, &w)) {
		crm_warn(&at, "a list of another store's forgets; not used");
		return CRM_EX_OK;
	}
	rc = crm_forget_reapply(r->scr, list, &n);
	r->forgets += n;
	return rc;
}

/*
 * The forgets of the store replaced, when it is a copy of the same store,
 * from its safety copy.  One that fails its integrity check may not give
 * them: the restore goes on, and says so.
 */
static int
restore_replaced(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	struct who w;
	long n = 0;
	int rc;

	if (!r->existed)
		return CRM_EX_OK;
	if (who_of(r->rd, &w) != 0) {
		if (!r->safe.damaged)
			return crm_err(CRM_EX_IOERR, &at, "cannot read: %s",
			    sqlite3_errmsg(r->rd));
		crm_warn(&at, "it fails its integrity check and cannot say "
		    "which store it is: forgets made in it after the backup "
		    "are not re-applied");
		return CRM_EX_OK;
	}
	if (!same(&r->was, &w))
		return CRM_EX_OK;
	if (!r->safe.damaged) {
		rc = crm_forget_reapply(r->scr, r->safe.path, &n);
		r->forgets += n;
		return rc;
	}
	if ((rc = crm_exec(r->scr, "SAVEPOINT replaced")) != CRM_EX_OK)
		return rc;
	if (crm_forget_reapply(r->scr, r->safe.path, &n) == CRM_EX_OK)
		r->forgets += n;
	else {
		if ((rc = crm_exec(r->scr, "ROLLBACK TO replaced")) !=
		    CRM_EX_OK)
			return rc;
		crm_warn(&at, "it fails its integrity check and its forgets "
		    "cannot be read: those made after the backup are not "
		    "re-applied");
	}
	return crm_exec(r->scr, "RELEASE replaced");
}

/*
 * Under the lock, the backup as it will go in: with every forget made
 * after it was taken, from the list beside it and from the store it
 * replaces (each forget once), without the copy's mark, with the audit
 * entry of the restore.  So the copy is the whole restore: a restore
 * killed at any moment leaves the store as it was or restored.  The
 * store is as it was when this fails.
 */
static int
restore_image(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	char msg[PATH_MAX * 2 + 256], n[192], v[16], id[128];
	int found, rc;

	/*
	 * The store keeps its own identity: a copy of another store's backup
	 * carrying that store's id would rotate its backups away.  A new
	 * store, or one without an id, gets a new one.
	 */
	if (!r->existed || cfg(r->rd, ID_KEY, id, sizeof id) != 0 ||
	    *id == '\0')
		new_id(id, sizeof id);
	if ((rc = crm_store_begin(r->scr, CRM_WRITE)) != CRM_EX_OK ||
	    (rc = restore_listed(r)) != CRM_EX_OK ||
	    (rc = restore_replaced(r)) != CRM_EX_OK ||
	    (rc = crm_config_unset(r->scr, TAKEN_KEY, &found)) != CRM_EX_OK ||
	    (rc = crm_config_set(r->scr, ID_KEY, id)) != CRM_EX_OK)
		goto out;
	snprintf(n, sizeof n, "; re-applied %ld forget%s; " ID_KEY " = %s",
	    r->forgets, r->forgets == 1 ? "" : "s", id);
	if (r->existed)
		snprintf(msg, sizeof msg, "restored from %s%s; the store as it "
		    "was is in %s", r->file, n, r->safe.path);
	else
		snprintf(msg, sizeof msg, "restored from %s%s", r->file, n);
	if ((rc = crm_audit(r->scr, NULL, 0, "restore", msg)) != CRM_EX_OK ||
	    (rc = crm_store_commit(r->scr)) != CRM_EX_OK)
		goto out;
	/*
	 * The people forgotten again, or a forget in the store replaced
	 * whose checkpoint is still to come: the store's files are to be
	 * checkpointed and truncated after the copy, by this restore or, if
	 * it dies first, by the next writer (the flag, which the commit
	 * above cleared in the scratch copy).
	 */
	r->scrub = r->forgets > 0 || (r->existed && (cfg(r->rd,
	    CRM_CONFIG_SCRUB, v, sizeof v) != 0 || *v != '\0'));
	if (r->scrub && sqlite3_exec(crm_store_db(r->scr), "INSERT OR "
	    "REPLACE INTO config (key, value) VALUES ('" CRM_CONFIG_SCRUB
	    "', '1')", NULL, NULL, NULL) != SQLITE_OK)
		rc = crm_err(CRM_EX_IOERR, &at, "%s",
		    sqlite3_errmsg(crm_store_db(r->scr)));
out:
	/* Its copy would only mislead. */
	if (rc != CRM_EX_OK && *r->safe.path != '\0')
		unlink(r->safe.path);
	return rc;
}

/*
 * The backup into the store in one write transaction: a reader sees the
 * old store or the new one.
 */
static int
restore_copy(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	int rc;

	rc = sqlite3_backup_step(r->b, -1);
	sqlite3_backup_finish(r->b);
	r->b = NULL;
	if (rc != SQLITE_DONE) {
		/* The store is as it was: its copy would only mislead. */
		if (*r->safe.path != '\0')
			unlink(r->safe.path);
		return crm_err((rc & 0xff) == SQLITE_BUSY ? CRM_EX_TEMPFAIL :
		    CRM_EX_IOERR, &at, "the restore failed: %s; the store is "
		    "as it was", sqlite3_errstr(rc));
	}
	if (r->existed && !r->cli->quiet)
		crm_warn(NULL, "the store as it was%s is kept in %s",
		    r->safe.damaged ? " (it fails its integrity check)" : "",
		    r->safe.path);
	return CRM_EX_OK;
}

/*
 * The store restored: how many forgets went in; then the bytes of those
 * people leave the store's files (the checkpoint, as after a forget).
 */
static int
restore_finish(struct restore *r)
{
	struct crm_loc at = { r->cli->dbpath, 0, NULL };
	struct crm_store *st = NULL;
	int rc;

	if (!r->cli->quiet)
		crm_warn(NULL, "re-applied %ld forget%s made after the backup",
		    r->forgets, r->forgets == 1 ? "" : "s");
	if (!r->scrub)
		return CRM_EX_OK;
	/* A reader's commit finds the flag and checkpoints, not waiting. */
	if ((rc = crm_store_open(&st, r->cli, CRM_READ)) == CRM_EX_OK &&
	    (rc = crm_store_commit(st)) == CRM_EX_OK &&
	    (rc = crm_store_scrub(st)) == CRM_EX_TEMPFAIL) {
		if (!r->cli->quiet)
			crm_warn(&at, "erased; a reader is still open, so the "
			    "old bytes leave the store's files at the next "
			    "checkpoint (the next write)");
		rc = CRM_EX_OK;
	}
	crm_store_close(st);
	/*
	 * The store is restored, its flag set: an error now (printed) must
	 * not say the restore failed; the next writer checkpoints.
	 */
	if (rc != CRM_EX_OK)
		crm_warn(&at, "restored all the same; the old bytes leave the "
		    "store's files at the next write");
	return CRM_EX_OK;
}

static int
restore(struct crm_cli *cli, const char *file)
{
	struct restore r;
	struct stat sb;
	int rc;

	memset(&r, 0, sizeof r);
	r.cli = cli;
	r.file = file;
	r.scrfd = -1;
	if ((rc = restore_check(&r)) != CRM_EX_OK ||
	    (rc = restore_target(&r)) != CRM_EX_OK ||
	    (rc = restore_scratch(&r)) != CRM_EX_OK ||
	    (rc = restore_create(&r)) != CRM_EX_OK ||
	    (rc = restore_wal(&r)) != CRM_EX_OK ||
	    (rc = restore_pagesize(&r)) != CRM_EX_OK ||
	    (rc = restore_lock(&r)) != CRM_EX_OK ||
	    (rc = restore_safety(&r)) != CRM_EX_OK ||
	    (rc = restore_image(&r)) != CRM_EX_OK ||
	    (rc = restore_copy(&r)) != CRM_EX_OK)
		goto out;
	/* The last to close, the writer folds the log into the file. */
	sqlite3_close(r.rd);
	sqlite3_close(r.live);
	r.live = r.rd = NULL;
	rc = restore_finish(&r);
out:
	/* Finishing an unfinished backup rolls it back: the store as was. */
	sqlite3_backup_finish(r.b);
	sqlite3_close(r.live);
	sqlite3_close(r.rd);
	sqlite3_close(r.src);
	crm_store_close(r.scr);
	if (*r.scratch != '\0')
		drop(r.scratch);
	if (r.scrfd >= 0)
		close(r.scrfd);
	/* A store made for a restore that failed: nothing is left. */
	if (rc != CRM_EX_OK && r.ismade && stat(cli->dbpath, &sb) == 0 &&
	    sb.st_dev == r.made.st_dev && sb.st_ino == r.made.st_ino)
		drop(cli->dbpath);
	if (rc != CRM_EX_OK && !r.existed)
		unmade(cli->dbpath, r.top);
	return rc;
}

static const struct crm_opt opts[] = {
	{ OPT_KEEP, "keep", CRM_ARG_INT, "n", "how many backups to keep "
	    "(default 7)", NULL, 1, 100000 },
	{ OPT_RESTORE, "restore", CRM_ARG_FILE, "file", "replace the store's "
	    "content with this backup", NULL, 0, 0 },
	{ 0, "dir", CRM_ARG_DIR, "[dir]", "where the backup goes (not with "
	    "--restore)", NULL, 0, 0 },
	{ 0 },
};

int
main(int argc, char *argv[])
{
	struct crm_cli cli;
	const char *file = NULL;
	long keep = 7;
	int c;

	crm_cli_begin(&cli, argc, argv, opts, "dq");
	while ((c = crm_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_KEEP:
			keep = (long)cli.num;
			break;
		case OPT_RESTORE:
			file = cli.arg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (file != NULL && argc > 0)
		return crm_usage_err(&cli, "\"%s\": --restore takes no folder",
		    argv[0]);
	if (file != NULL)
		return crm_cli_end(&cli, restore(&cli, file));
	if (argc != 1)
		return argc == 0 ? crm_usage_err(&cli, "the folder is "
		    "missing") : crm_usage_err(&cli, "\"%s\": one folder at "
		    "most", argv[1]);
	return crm_cli_end(&cli, backup(&cli, argv[0], (int)keep));
}
