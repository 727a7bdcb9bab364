/*
 * hooks.c: the work the store runs at its fixed points, listed here so that
 * store.c names no concern of its own (crm.h, "hooks.c", says when each
 * runs).  A concern that needs the store to do something for it on every
 * open or commit adds one line.
 */
#include <stddef.h>

#include "crm.h"

const struct crm_hook crm_hooks[] = {
	/* crm_palive() for filters and reports over stored fits. */
	{ crm_churn_register, NULL, NULL },
	/* Statistics of the customers the transaction touched. */
	{ NULL, crm_stats_commit, crm_stats_close },
};
const size_t crm_nhooks = sizeof crm_hooks / sizeof crm_hooks[0];
