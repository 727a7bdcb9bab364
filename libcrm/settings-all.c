/*
 * settings-all.c: every setting crm knows, by its key: settings.c's rows,
 * and in place of its row without a key each tier scheme's (scheme.c's
 * table, each declared in its tier-NAME.c).  A module above both, so
 * that settings.c need not know the schemes, whose files read their own
 * settings through it (tier.c): no module calls back the one that calls
 * it.
 */
#include <string.h>

#include "crm-int.h"

const struct crm_setting *
crm_setting_nth(int n)
{
	const struct crm_setting *row, *set;
	const struct crm_scheme *sch;
	int i, j;

	for (i = 0; n >= 0 && (row = crm_setting_row(i)) != NULL; i++) {
		if (row->key != NULL) {
			if (n-- == 0)
				return row;
			continue;
		}
		for (j = 0; (sch = crm_scheme_nth(j)) != NULL; j++)
			for (set = sch->def->settings; set != NULL &&
			    set->key != NULL; set++)
				if (n-- == 0)
					return set;
	}
	return NULL;
}

const struct crm_setting *
crm_setting_find(const char *key)
{
	const struct crm_setting *s;
	int i;

	for (i = 0; (s = crm_setting_nth(i)) != NULL; i++)
		if (strcmp(s->key, key) == 0)
			return s;
	return NULL;
}

int
crm_setting_get(struct crm_store *st, const char *key, char *buf, size_t n)
{
	const struct crm_setting *s = crm_setting_find(key);
	const struct crm_setting none = { key, NULL, NULL, 0 };

	return crm_setting_read(st, s != NULL ? s : &none, buf, n);
}

int
crm_setting_num(struct crm_store *st, const char *key, double *v)
{
	char buf[64];
	int rc;

	if ((rc = crm_setting_get(st, key, buf, sizeof buf)) != CRM_EX_OK)
		return rc;
	if (crm_setting_numbers(buf, v, 1) != 1)
		return crm_err(CRM_EX_DATAERR, NULL, "%s: \"%s\" is not a "
		    "number", key, buf);
	return CRM_EX_OK;
}
