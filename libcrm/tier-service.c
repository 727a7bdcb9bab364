/*
 * tier-service.c: the service scheme: D, E, F for customers by their
 * latest expectation plus satisfaction score; its grades have follow-ups
 * (crm-due).
 */
#include <stdint.h>
#include <stdio.h>

#include "crm.h"

static int
service(struct crm_store *st, struct crm_sql *q, int hist,
    int64_t since)
{
	const struct crm_kind *k = crm_kind_customer();
	const struct crm_field *f;
	char lab[3][32];
	double cut[2];
	int rc;

	(void)hist;
	(void)since;
	if ((rc = crm_tier_numbers(st, "tier.service.cuts", cut, 2)) !=
	    CRM_EX_OK || (rc = crm_tier_labels(st, "tier.service.labels",
	    lab)) != CRM_EX_OK)
		return rc;
	crm_sql_add(q, "SELECT id, ");
	crm_tier_grade(q, "v", ">=", cut[1], lab[2], cut[0], lab[1], lab[0]);
	crm_sql_add(q, ", v FROM (SELECT c.id, ");
	crm_field_sql(q, k, "expectation", &f);
	crm_sql_add(q, " + ");
	crm_field_sql(q, k, "satisfaction", &f);
	crm_sql_add(q, " AS v FROM %s) WHERE v IS NOT NULL ORDER BY 1",
	    k->from);
	return CRM_EX_OK;
}

const struct crm_scheme crm_scheme_service = {
	"service", "D, E, F by the latest expectation and satisfaction",
	service, 0, 'n', "DEF",
};
