/* common.c: the helpers of fuzz.h. */
#include "fuzz.h"

/* A private folder for the whole run, removed at exit. */
static char fz_dirbuf[64];

static void
fz_rmdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dirbuf);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: cannot remove %s\n", fz_dirbuf);
}

static const char *
fz_dir(void)
{
	const char *t;

	if (fz_dirbuf[0] != '\0')
		return fz_dirbuf;
	if ((t = getenv("TMPDIR")) == NULL || *t == '\0' || strlen(t) > 32)
		t = "/tmp";
	snprintf(fz_dirbuf, sizeof fz_dirbuf, "%s/crm-fuzz.XXXXXX", t);
	if (mkdtemp(fz_dirbuf) == NULL) {
		perror(fz_dirbuf);
		abort();
	}
	atexit(fz_rmdir);
	return fz_dirbuf;
}

/* path = the run's folder / name */
void
fz_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", fz_dir(), name);
}

/* Write d[0..n) to the file at path; 0 on success. */
int
fz_write(const char *path, const uint8_t *d, size_t n)
{
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "wb")) == NULL)
		return -1;
	rc = fwrite(d, 1, n, fp) == n ? 0 : -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* Remove a store and the files SQLite keeps beside it. */
void
fz_unlink_store(const char *path)
{
	char p[512];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", path);
	unlink(p);
}

/* The options of a command run on the store at path. */
void
fz_cli(struct crm_cli *cli, const char *path)
{
	static char *argv[] = { "crm-fuzz", NULL };

	setenv("CRM_USER", "fuzz", 1);
	unsetenv("CRM_BUSY_TIMEOUT");
	crm_cli_begin(cli, 1, argv, NULL, "d");
	cli->dbpath = path;
	cli->busy_ms = 0;
	/* 2026-07-01T00:00:00Z: the same input behaves the same way. */
	cli->clock = cli->now = 1782864000;
}

/*
 * A small store with one record of every kind (id 1 each), made once per
 * run at path: rule tags and field=value writes run against it and roll
 * back.
 */
void
fz_seed_store(const char *path)
{
	static const char sql[] =
	    "INSERT INTO customer (ref, name, email, phone, city, stage, "
	    "  created) VALUES ('C1', 'Ann Lee', 'ann@example.org', "
	    "  '+1 555 0100', 'Oslo', 'customer', 1767225600);"
	    "INSERT INTO customer (ref, name, created) VALUES ('C2', 'Bo', "
	    "  1767225600);"
	    "INSERT INTO attr VALUES (1, 'size', 'L');"
	    "INSERT INTO tag VALUES (1, 'vip', 'manual', 1767225600);"
	    "INSERT INTO purchase (customer, ts, amount, product, order_ref) "
	    "  VALUES (1, 1770000000, 1234, 'tea', 'O1');"
	    "INSERT INTO contact (customer, ts, channel, direction, note) "
	    "  VALUES (1, 1770000000, 'phone', 'in', 'called');"
	    "INSERT INTO ticket (customer, opened, kind, subject, status) "
	    "  VALUES (1, 1770000000, 'complaint', 'late', 'open');"
	    "INSERT INTO survey (customer, ts, kind, score) VALUES "
	    "  (1, 1770000000, 'nps', 9);"
	    "INSERT INTO points (customer, ts, delta) VALUES "
	    "  (1, 1770000000, 100);"
	    "INSERT INTO rule (tag, expr, created) VALUES ('big', "
	    "  'monetary > 10', 1767225600);";
	struct crm_cli cli;
	struct crm_store *st = NULL;

	fz_unlink_store(path);
	fz_cli(&cli, path);
	if (crm_store_open(&st, &cli, CRM_WRITE) != CRM_EX_OK ||
	    crm_exec(st, sql) != CRM_EX_OK ||
	    crm_stats_rebuild(st) != CRM_EX_OK ||
	    crm_store_commit(st) != CRM_EX_OK) {
		fprintf(stderr, "fuzz: cannot make the store %s\n", path);
		abort();
	}
	crm_store_close(st);
}

/* Split s (NUL-terminated, modified) at newlines into at most max args. */
int
fz_split(char *s, char **argv, int max)
{
	int n = 0;
	char *p;

	while (n < max) {
		argv[n++] = s;
		if ((p = strchr(s, '\n')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	return n;
}
