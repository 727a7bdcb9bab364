/*
 * tier-service.c: the service scheme: D, E, F for customers by their
 * latest expectation plus satisfaction score; its grades have follow-ups
 * (crm-due).
 */
#include <stdint.h>
#include <stdio.h>

#include "crm-int.h"

/*
 * Its settings (crm-config), the grades' cuts and labels read below by
 * their rows; the follow-ups of each grade, highest first, by crm-due.
 */
enum { CUTS, LABELS };
static const struct crm_setting settings[] = {
	[CUTS] = { "tier.service.cuts", "9,15", "expectation + satisfaction "
	    "from which a customer is E, then D", CRM_SET_INTS },
	[LABELS] = { "tier.service.labels", "F,E,D", "names of the service "
	    "grades, lowest first", CRM_SET_LABELS },
	{ "cadence.service.D", "online:14,visit:30", "follow-ups of the "
	    "highest service grade", CRM_SET_CADENCE },
	{ "cadence.service.E", "online:30,visit:90", "follow-ups of the "
	    "middle service grade", CRM_SET_CADENCE },
	{ "cadence.service.F", "online:90", "follow-ups of the lowest service "
	    "grade", CRM_SET_CADENCE },
	{ 0 },
};

static int
service(struct crm_store *st, struct crm_sql *q, int64_t since)
{
	const struct crm_kind *k = crm_kind_customer();
	char lab[3][32];
	double cut[2];
	int rc;

	(void)since;
	if ((rc = crm_tier_numbers(st, &settings[CUTS], cut, 2)) !=
	    CRM_EX_OK || (rc = crm_tier_labels(st, &settings[LABELS], lab)) !=
	    CRM_EX_OK)
		return rc;
	crm_sql_add(q, "SELECT id, ");
	crm_tier_grade(q, "v", ">=", cut[1], lab[2], cut[0], lab[1], lab[0]);
	crm_sql_add(q, ", v FROM (SELECT c.id, ");
	crm_metric_sql(q, "expectation", "c.id");
	crm_sql_add(q, " + ");
	crm_metric_sql(q, "satisfaction", "c.id");
	crm_sql_add(q, " AS v FROM %s) WHERE v IS NOT NULL ORDER BY 1",
	    k->def->from);
	return CRM_EX_OK;
}

static const struct crm_scheme_def def = { service, settings };

const struct crm_scheme crm_scheme_service = {
	"service", "D, E, F by the latest expectation and satisfaction",
	0, 'n', "DEF", &def,
};
