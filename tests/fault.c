/*
 * fault.c: a SQLite VFS that fails the Nth open, write or fsync, for the
 * fault-injection run (scripts/fault-test).  It is compiled only into the
 * build of `make FAULT=1` (build-fault/, -DCRM_FAULT), where
 * crm_store_open calls crm_fault_init: that registers this VFS as the
 * default, over the real "unix" one.  No LD_PRELOAD, so it works under
 * the sanitizers.  $CRM_FAULT says what to do:
 *
 *	count		count the points; print them on stderr at exit
 *	trace		count, and name each point and its file on stderr
 *	write:N:EIO	fail the Nth write with EIO (ENOSPC: the disk is full)
 *	fsync:N:EIO	fail the Nth fsync (xSync) with EIO or ENOSPC
 *	open:N:EIO	fail the Nth open (of the store, its log, a temporary)
 *
 * Points are counted over every file SQLite opens, from the first store
 * opened on.  The failure is reported as the unix VFS reports that errno:
 * SQLITE_IOERR_WRITE or SQLITE_FULL, SQLITE_IOERR_FSYNC, SQLITE_CANTOPEN.
 * At exit it says on stderr whether the fault was reached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

int	crm_fault_init(void);

enum { F_OPEN, F_WRITE, F_SYNC, F_N };
static const char *const fname[F_N] = { "open", "write", "fsync" };

static sqlite3_vfs fvfs, *real;
static long count[F_N];
static int counting, tracing, target = -1, ferr, fired;
static long nth;

struct ffile {
	sqlite3_file	 base;
	sqlite3_file	*real;
	const char	*name;		/* NULL: a temporary file */
};

#define REAL(f)	(((struct ffile *)(f))->real)

/* 1 when this point is the one to fail. */
static int
hit(int kind, const char *name)
{
	count[kind]++;
	if (tracing)
		fprintf(stderr, "crm-fault: %s %ld %s\n", fname[kind],
		    count[kind], name != NULL ? name : "(temporary)");
	if (counting || kind != target || count[kind] != nth)
		return 0;
	fired = 1;
	errno = ferr;
	return 1;
}

static int
fclose_(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
fread_(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
fwrite_(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (hit(F_WRITE, ((struct ffile *)f)->name))
		return ferr == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
ftruncate_(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
fsync_(sqlite3_file *f, int flags)
{
	if (hit(F_SYNC, ((struct ffile *)f)->name))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
fsize_(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
flock_(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
funlock_(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
freserved_(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
fcontrol_(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
fsector_(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
fdevice_(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
fshmmap_(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
fshmlock_(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
fshmbarrier_(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
fshmunmap_(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
ffetch_(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
funfetch_(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fmethods = {
	3, fclose_, fread_, fwrite_, ftruncate_, fsync_, fsize_, flock_,
	funlock_, freserved_, fcontrol_, fsector_, fdevice_, fshmmap_,
	fshmlock_, fshmbarrier_, fshmunmap_, ffetch_, funfetch_,
};

static int
fopen_(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct ffile *ff = (struct ffile *)f;
	int rc;

	(void)vfs;
	ff->base.pMethods = NULL;
	ff->real = (sqlite3_file *)(ff + 1);
	ff->name = name;
	if (hit(F_OPEN, name))
		return SQLITE_CANTOPEN;
	rc = real->xOpen(real, name, ff->real, flags, outflags);
	/* The unix files are version 3: every method above exists. */
	if (ff->real->pMethods != NULL)
		ff->base.pMethods = &fmethods;
	return rc;
}

static void
report(void)
{
	if (counting)
		fprintf(stderr, "crm-fault: %ld open %ld write %ld fsync\n",
		    count[F_OPEN], count[F_WRITE], count[F_SYNC]);
	else
		fprintf(stderr, "crm-fault: %s %ld %s\n", fname[target], nth,
		    fired ? "failed" : "not reached");
}

int
crm_fault_init(void)
{
	static int done;
	const char *e;
	char kind[16], err[16];
	int i;

	if (done)
		return 0;
	done = 1;
	if ((e = getenv("CRM_FAULT")) == NULL || *e == '\0')
		return 0;
	if (strcmp(e, "count") == 0 || strcmp(e, "trace") == 0) {
		counting = 1;
		tracing = e[0] == 't';
	}
	else if (sscanf(e, "%15[a-z]:%ld:%15[A-Z]", kind, &nth, err) == 3) {
		for (i = 0; i < F_N; i++)
			if (strcmp(kind, fname[i]) == 0)
				target = i;
		ferr = strcmp(err, "EIO") == 0 ? EIO : strcmp(err, "ENOSPC") ==
		    0 ? ENOSPC : 0;
	}
	if (!counting && (target < 0 || ferr == 0 || nth < 1)) {
		fprintf(stderr, "crm-fault: CRM_FAULT=\"%s\": want count, "
		    "trace or open|write|fsync:N:EIO|ENOSPC\n", e);
		exit(64);
	}
	if ((real = sqlite3_vfs_find("unix")) == NULL) {
		fprintf(stderr, "crm-fault: no unix VFS\n");
		exit(70);
	}
	fvfs = *real;
	fvfs.zName = "crm-fault";
	fvfs.pNext = NULL;
	fvfs.szOsFile = (int)sizeof(struct ffile) + real->szOsFile;
	fvfs.xOpen = fopen_;
	atexit(report);
	return sqlite3_vfs_register(&fvfs, 1);
}
