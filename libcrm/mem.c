/*
 * mem.c: arrays that grow as they are filled.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm-int.h"

int
crm_grow(void *arrp, size_t *cap, size_t n, size_t size)
{
	void *p, *np;
	size_t nc;

	if (n < *cap)
		return CRM_EX_OK;
	nc = *cap > 0 ? *cap * 2 : 16;
	if (nc <= n)
		nc = n + 1;
	memcpy(&p, arrp, sizeof p);
	if (nc > SIZE_MAX / size || (np = realloc(p, nc * size)) == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	memcpy(arrp, &np, sizeof np);
	*cap = nc;
	return CRM_EX_OK;
}
