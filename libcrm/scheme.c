/*
 * scheme.c: the table of tier schemes.  Each scheme is its file,
 * tier-NAME.c, defining a struct crm_scheme; a row here makes it known to
 * every command, list and "did you mean".
 */
#include <stdio.h>
#include <string.h>

#include "crm.h"

/*
 * Every scheme, in the order lists show them.  A new scheme is its file
 * (tier-NAME.c) and its name in each of these two.
 */
extern const struct crm_scheme crm_scheme_rfm, crm_scheme_value,
    crm_scheme_presale, crm_scheme_service;
static const struct crm_scheme *const schemes[] = {
	&crm_scheme_rfm,
	&crm_scheme_value,
	&crm_scheme_presale,
	&crm_scheme_service,
};

#define NSCHEMES	(int)(sizeof schemes / sizeof schemes[0])

const struct crm_scheme *
crm_scheme_nth(int n)
{
	return n >= 0 && n < NSCHEMES ? schemes[n] : NULL;
}

int
crm_tier_scheme(const char *name)
{
	int i;

	for (i = 0; i < NSCHEMES; i++)
		if (strcmp(schemes[i]->name, name) == 0)
			return i;
	return -1;
}

const struct crm_scheme *
crm_scheme_find(const char *name)
{
	return crm_scheme_nth(crm_tier_scheme(name));
}

int
crm_scheme_get(const char *opt, const char *name,
    const struct crm_scheme **sch)
{
	const char *names[NSCHEMES];
	int i;

	if ((*sch = crm_scheme_find(name)) != NULL)
		return CRM_EX_OK;
	for (i = 0; i < NSCHEMES; i++)
		names[i] = schemes[i]->name;
	return crm_nosuch(CRM_EX_USAGE, opt, name, "scheme", names, NSCHEMES);
}

void
crm_scheme_list(char *buf, size_t n)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NSCHEMES && len < n; i++)
		len += snprintf(buf + len, n - len, "%s%s", i > 0 ? ", " : "",
		    schemes[i]->name);
}

