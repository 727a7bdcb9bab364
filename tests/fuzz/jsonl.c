/*
 * jsonl: the JSON Lines reader of crm-add -i json (libcrm/jsonl.c), every
 * line of the input to the end or the first that is not one object.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const struct crm_jmember *m;
	struct crm_jsonl *j = NULL;
	char path[128];
	long line;
	int nm, i;
	size_t len = 0;

	fz_path(path, sizeof path, "in.jsonl");
	if (fz_write(path, d, n) != 0)
		return 0;
	if (crm_jsonl_open(&j, path) == CRM_EX_OK)
		while (crm_jsonl_next(j, &nm, &m, &line) == CRM_EX_OK)
			for (i = 0; i < nm; i++)
				len += strlen(m[i].name) + (m[i].value != NULL ?
				    strlen(m[i].value) : 0);
	crm_jsonl_close(j);
	return len == (size_t)-1;
}
