/*
 * tier-value.c: the value scheme (ABC, Pareto): customers by revenue,
 * descending; A while the cumulative share before them is under the first
 * cut, B under the second, C after.
 */
#include <stdint.h>
#include <stdio.h>

#include "crm-int.h"

/* Its settings (crm-config), read below by their rows. */
enum { CUTS, LABELS };
static const struct crm_setting settings[] = {
	[CUTS] = { "tier.value.cuts", "0.8,0.95", "cumulative revenue shares "
	    "that end tiers A and B", CRM_SET_FRACTIONS },
	[LABELS] = { "tier.value.labels", "A,B,C", "names of the three value "
	    "tiers", CRM_SET_LABELS },
	{ 0 },
};

static int
value(struct crm_store *st, struct crm_sql *q, int64_t since)
{
	char lab[3][32];
	double cut[2];
	int rc;

	if ((rc = crm_tier_numbers(st, &settings[CUTS], cut, 2)) !=
	    CRM_EX_OK || (rc = crm_tier_labels(st, &settings[LABELS], lab)) !=
	    CRM_EX_OK)
		return rc;
	/* By revenue, descending, ties by id: the share before decides. */
	crm_sql_add(q, "SELECT id, ");
	crm_tier_grade(q, "before * 1.0 / total", "<", cut[0], lab[0], cut[1],
	    lab[1], lab[2]);
	crm_sql_add(q, ", ");
	crm_tier_money(q, "m", crm_store_decimals(st));
	crm_sql_add(q, " FROM (SELECT id, m, coalesce(sum(m) OVER (ORDER BY "
	    "m DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) "
	    "AS before, sum(m) OVER () AS total FROM (");
	crm_tier_buyers(q, since);
	crm_sql_add(q, ") WHERE m > 0) ORDER BY 1");
	return CRM_EX_OK;
}

static const struct crm_scheme_def def = { value, settings };

const struct crm_scheme crm_scheme_value = {
	"value", "A, B, C by the cumulative share of revenue",
	1, 's', NULL, &def,
};
