/*
 * restore: a hostile file handed to crm-backup --restore.  crm-backup's
 * own main runs on it (the checks that refuse a file, the copy into the
 * store, the open that follows), restoring into a store made afresh for
 * every input.
 */
#define main crm_backup_main
#include "../../cmd/crm-backup.c"
#undef main

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char file[128], store[128], *argv[7];

	fz_path(file, sizeof file, "backup.db");
	fz_path(store, sizeof store, "live.db");
	fz_unlink_store(file);
	fz_unlink_store(store);
	if (fz_write(file, d, n) != 0)
		return 0;
	setenv("CRM_BUSY_TIMEOUT", "0", 1);
	argv[0] = "crm-backup";
	argv[1] = "-q";
	argv[2] = "-d";
	argv[3] = store;
	argv[4] = "--restore";
	argv[5] = file;
	argv[6] = NULL;
	crm_backup_main(6, argv);
	return 0;
}
