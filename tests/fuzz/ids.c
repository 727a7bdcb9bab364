/*
 * ids: the id reader of crm-tag, crm-set, crm-rm ... (libcrm/ids.c).  The
 * first byte picks where the ids come from: standard input (the first
 * field of each line) or the arguments (one per line of the input).
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct crm_ids ids = { 0 };
	char path[128], *s = NULL, *argv[4096];
	int argc;

	if (n < 1)
		return 0;
	if (d[0] & 1) {
		if ((s = malloc(n)) == NULL)
			return 0;
		memcpy(s, d + 1, n - 1);
		s[n - 1] = '\0';
		argc = fz_split(s, argv, 4096);
		crm_ids_read(&ids, argc, argv);
	} else {
		fz_path(path, sizeof path, "ids");
		if (fz_write(path, d + 1, n - 1) != 0 ||
		    freopen(path, "r", stdin) == NULL)
			return 0;
		crm_ids_read(&ids, 0, NULL);
	}
	crm_ids_free(&ids);
	free(s);
	return 0;
}
