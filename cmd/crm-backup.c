/*
 * crm-backup: online backups of the store through SQLite's backup API,
 * verified and rotated; --restore puts one back.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"

static const char usage[] = "[-q] [-d path] [--keep n] dir | --restore file";

enum { OPT_KEEP = CRM_OPT_OWN, OPT_RESTORE };

/* Copy the whole database src into dst, page by page, while others work. */
static int
copy(sqlite3 *dst, sqlite3 *src, int busy_ms)
{
	sqlite3_backup *b;
	int rc, waited = 0;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		return sqlite3_errcode(dst);
	while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK ||
	    rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (rc != SQLITE_OK) {
			if ((waited += 10) > busy_ms)
				break;
			sqlite3_sleep(10);
		}
	}
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* 0 when path is a sound crm store this crm can read; else why not. */
static const char *
sound(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	const char *why = NULL;
	char sql[64];
	int64_t v[2];
	int i;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return "cannot be opened";
	}
	for (i = 0; i < 2 && why == NULL; i++) {
		snprintf(sql, sizeof sql, "PRAGMA %s", i ? "user_version" :
		    "application_id");
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_ROW)
			why = "is not an SQLite database";
		else
			v[i] = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		s = NULL;
	}
	if (why == NULL && v[0] != CRM_APPLICATION_ID)
		why = "is not a crm store";
	if (why == NULL && (v[1] < 1 || v[1] > CRM_SCHEMA_VERSION))
		why = "has a schema this crm does not know";
	if (why == NULL && (sqlite3_prepare_v2(db, "PRAGMA integrity_check",
	    -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0))
		why = "fails its integrity check";
	sqlite3_finalize(s);
	sqlite3_close(db);
	return why;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the newest keep backups in dir: their names sort by time. */
static int
rotate(const char *dir, int keep)
{
	char **names = NULL, path[4096];
	struct dirent *e;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int rc = CRM_EX_OK;

	if ((d = opendir(dir)) == NULL)
		return crm_err(CRM_EX_IOERR, NULL, "%s:", dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, "crm-", 4) != 0 || len < 7 ||
		    strcmp(e->d_name + len - 3, ".db") != 0)
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
	qsort(names, n, sizeof *names, namecmp);
	for (i = 0; n > (size_t)keep && i < n - (size_t)keep; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (unlink(path) != 0)
			rc = crm_err(CRM_EX_IOERR, NULL, "%s:", path);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int
backup(struct crm_cli *cli, const char *dir, int keep)
{
	struct crm_store *st = NULL;
	struct crm_loc at = { NULL, 0, NULL };
	char path[4096], stamp[32];
	const char *why;
	sqlite3 *dst = NULL;
	int rc, fd = -1, k;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return crm_err(CRM_EX_IOERR, NULL, "%s:", dir);
	if ((rc = crm_store_open(&st, cli, CRM_READ)) != CRM_EX_OK)
		goto out;
	/* The store's own transaction would pin a snapshot: end it. */
	crm_store_commit(st);
	crm_time_fmt(cli->clock, stamp, sizeof stamp);
	for (k = 0; k < 100; k++) {
		char *p, *q;

		/* 2026-06-30T08:15:00Z -> crm-20260630T081500Z.db */
		snprintf(path, sizeof path, "%s/crm-", dir);
		for (p = path + strlen(path), q = stamp; *q != '\0'; q++)
			if (*q != '-' && *q != ':')
				*p++ = *q;
		snprintf(p, sizeof path - (size_t)(p - path), k ? "-%d.db" :
		    ".db", k);
		if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600)) >= 0)
			break;
		if (errno != EEXIST) {
			rc = crm_err(CRM_EX_IOERR, NULL, "%s:", path);
			goto out;
		}
	}
	if (k == 100) {
		rc = crm_err(CRM_EX_IOERR, NULL, "%s: no free name for this "
		    "second", dir);
		goto out;
	}
	close(fd);
	at.file = path;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || (rc = copy(dst, crm_store_db(st), cli->busy_ms)) !=
	    SQLITE_OK) {
		rc = crm_err(CRM_EX_IOERR, &at, "the copy failed: %s",
		    sqlite3_errmsg(dst));
		unlink(path);
		goto out;
	}
	/* A backup is a single file: no write-ahead log beside it. */
	sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	dst = NULL;
	if ((why = sound(path)) != NULL) {
		rc = crm_err(CRM_EX_IOERR, &at, "the copy %s", why);
		unlink(path);
		goto out;
	}
	if ((rc = rotate(dir, keep)) != CRM_EX_OK)
		goto out;
	if (!cli->quiet)
		printf("%s\n", path);
out:
	sqlite3_close(dst);
	crm_store_close(st);
	return rc;
}

static int
restore(struct crm_cli *cli, const char *file)
{
	struct crm_loc at = { file, 0, NULL };
	struct crm_store *st = NULL;
	sqlite3 *src = NULL, *dst = NULL;
	const char *why;
	char msg[4200];
	int rc;

	if (access(file, R_OK) != 0)
		return crm_err(errno == ENOENT ? CRM_EX_NOINPUT : CRM_EX_IOERR,
		    &at, "cannot read:");
	if ((why = sound(file)) != NULL)
		return crm_err(CRM_EX_DATAERR, &at, "%s; the store is as it "
		    "was", why);
	/* Into the store as it is, whoever else has it open. */
	if (sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_open_v2(cli->dbpath, &dst,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = crm_err(CRM_EX_IOERR, &at, "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(dst, cli->busy_ms);
	if ((rc = copy(dst, src, cli->busy_ms)) != SQLITE_OK) {
		rc = crm_err((rc & 0xff) == SQLITE_BUSY ? CRM_EX_TEMPFAIL :
		    CRM_EX_IOERR, &at, "the restore failed: %s",
		    sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_close(dst);
	dst = NULL;
	/* Opening migrates an older backup; the audit says what happened. */
	snprintf(msg, sizeof msg, "restored from %s", file);
	if ((rc = crm_store_open(&st, cli, CRM_WRITE)) == CRM_EX_OK &&
	    (rc = crm_audit(st, NULL, 0, "restore", msg)) == CRM_EX_OK)
		rc = crm_store_commit(st);
out:
	crm_store_close(st);
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "keep", required_argument, NULL, OPT_KEEP },
		{ "restore", required_argument, NULL, OPT_RESTORE },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_cli cli;
	const char *file = NULL;
	char *end;
	long keep = 7;
	int c;

	crm_cli_begin(&cli, argc, argv, usage, "dq");
	while ((c = crm_cli_next(&cli, "", lopts)) != -1) {
		switch (c) {
		case OPT_KEEP:
			keep = strtol(optarg, &end, 10);
			if (*end != '\0' || keep < 1 || keep > 100000)
				return crm_usage(&cli);
			break;
		case OPT_RESTORE:
			file = optarg;
			break;
		default:
			return crm_usage(&cli);
		}
	}
	argc -= cli.optind;
	argv += cli.optind;
	if (file != NULL)
		return crm_cli_end(&cli, argc == 0 ? restore(&cli, file) :
		    crm_usage(&cli));
	if (argc != 1)
		return crm_usage(&cli);
	return crm_cli_end(&cli, backup(&cli, argv[0], (int)keep));
}
