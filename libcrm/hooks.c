/*
 * hooks.c: the work the store runs at its fixed points, listed here so that
 * store.c names no concern of its own (crm.h, "hooks.c", says when each
 * runs), and crm_store_open, the store with them.  A concern that needs the
 * store to do something for it on every open, migration or commit adds one
 * line.
 */
#include <stddef.h>

#include "crm-int.h"

static const struct crm_hook hooks[] = {
	/* crm_palive() for filters and reports over stored fits. */
	{ crm_churn_register, NULL, NULL, NULL },
	/* The key of forget's hashes, and an older crm's forgets finished. */
	{ NULL, crm_forget_migrate, NULL, NULL },
	/* Statistics of the customers the transaction touched. */
	{ NULL, NULL, crm_stats_commit, crm_stats_close },
};

int
crm_store_open(struct crm_store **out, struct crm_cli *cli,
    enum crm_mode mode)
{
	return crm_store_open_hooks(out, cli, mode, hooks,
	    sizeof hooks / sizeof hooks[0]);
}
