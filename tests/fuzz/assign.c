/*
 * assign: field=value arguments, as crm-add and crm-set take them
 * (crm_rec_assign), then written by the record writer into a small store
 * that is rolled back.  The first byte picks the kind, the second the
 * mode (add, -u, crm-set of record 1); the rest is one argument a line.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static char path[128];
	static const enum crm_wmode modes[] = { CRM_W_ADD, CRM_W_UPSERT,
	    CRM_W_SET };
	struct crm_loc at = { "fuzz", 0, NULL };
	const struct crm_kind *k;
	struct crm_store *st = NULL;
	struct crm_writer *w = NULL;
	struct crm_rec r = { 0 };
	struct crm_cli cli;
	char *s = NULL, *argv[256], *json;
	int64_t id = 1;
	int argc, nk, i, added;

	if (n < 2)
		return 0;
	if (path[0] == '\0') {
		fz_path(path, sizeof path, "assign.db");
		fz_seed_store(path);
	}
	for (nk = 0; crm_kind_nth(nk) != NULL; nk++)
		;
	k = crm_kind_nth(d[0] % nk);
	if ((s = malloc(n - 1)) == NULL)
		return 0;
	memcpy(s, d + 2, n - 2);
	s[n - 2] = '\0';
	argc = fz_split(s, argv, 256);
	if (crm_rec_init(&r, k, argc) != CRM_EX_OK)
		goto out;
	for (i = 0; i < argc; i++)
		if (crm_rec_assign(&r, argv[i]) != CRM_EX_OK)
			goto out;
	free(crm_rec_json(&r));
	fz_cli(&cli, path);
	if (crm_store_open(&st, &cli, CRM_WRITE) != CRM_EX_OK ||
	    crm_writer_new(&w, st, k, modes[d[1] % 3], 0, 0) != CRM_EX_OK ||
	    crm_writer_put(w, &r, &at, &id, &added) != CRM_EX_OK)
		goto out;
	if ((json = crm_rec_json(&r)) != NULL)
		crm_audit(st, k->name, id, "add", json);
	free(json);
out:
	/* Rolled back: every input starts from the same store. */
	crm_writer_free(w);
	crm_store_close(st);
	crm_rec_free(&r);
	free(s);
	return 0;
}
