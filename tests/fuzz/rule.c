/*
 * rule: rule tags (libcrm/rule.c).  The input is "tag\nexpression": the
 * rule is defined, every rule applied and the rule dropped, in one
 * transaction on a small store that is then rolled back.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static char path[128];
	struct crm_store *st = NULL;
	struct crm_cli cli;
	char *s, *expr;
	long changed;

	if (path[0] == '\0') {
		fz_path(path, sizeof path, "rule.db");
		fz_seed_store(path);
	}
	if ((s = malloc(n + 1)) == NULL)
		return 0;
	memcpy(s, d, n);
	s[n] = '\0';
	if ((expr = strchr(s, '\n')) != NULL)
		*expr++ = '\0';
	else
		expr = s + n;
	fz_cli(&cli, path);
	if (crm_store_open(&st, &cli, CRM_WRITE) == CRM_EX_OK &&
	    crm_rule_define(st, s, expr) == CRM_EX_OK &&
	    crm_rule_apply(st, NULL, NULL, &changed) == CRM_EX_OK)
		crm_rule_drop(st, s);
	crm_store_close(st);
	free(s);
	return 0;
}
