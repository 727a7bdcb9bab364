/*
 * tier-presale.c: the presale scheme: A, B, C for leads and prospects by
 * maturity (intent, progress and closeness to the expected close); its
 * grades have follow-ups (crm-due).
 */
#include <stdint.h>
#include <stdio.h>

#include "crm-int.h"

/*
 * Its settings (crm-config), the maturity's read below by their rows;
 * the follow-ups of each grade, highest first, by crm-due.
 */
enum { WEIGHTS, CUTS, CLOSE, LABELS };
static const struct crm_setting settings[] = {
	[WEIGHTS] = { "tier.presale.weights", "0.4,0.4,0.2", "weights of "
	    "intent, progress and closeness in the maturity",
	    CRM_SET_WEIGHTS },
	[CUTS] = { "tier.presale.cuts", "0.4,0.7", "maturity from which a "
	    "lead is B, then A", CRM_SET_FRACTIONS },
	[CLOSE] = { "tier.presale.close", "30,90", "days to expected close "
	    "for closeness 1, then 0.5", CRM_SET_INTS },
	[LABELS] = { "tier.presale.labels", "C,B,A", "names of the presale "
	    "grades, lowest first", CRM_SET_LABELS },
	{ "cadence.presale.A", "offer:7", "follow-ups of the highest presale "
	    "grade, like offer:7", CRM_SET_CADENCE },
	{ "cadence.presale.B", "online:7,visit:14", "follow-ups of the middle "
	    "presale grade", CRM_SET_CADENCE },
	{ "cadence.presale.C", "online:18,visit:30", "follow-ups of the lowest "
	    "presale grade", CRM_SET_CADENCE },
	{ 0 },
};

static int
presale(struct crm_store *st, struct crm_sql *q, int64_t since)
{
	double w[3], cut[2], close[2];
	char lab[3][32];
	int rc;

	(void)since;
	if ((rc = crm_tier_numbers(st, &settings[WEIGHTS], w, 3)) !=
	    CRM_EX_OK || (rc = crm_tier_numbers(st, &settings[CUTS], cut,
	    2)) != CRM_EX_OK || (rc = crm_tier_numbers(st, &settings[CLOSE],
	    close, 2)) != CRM_EX_OK || (rc = crm_tier_labels(st,
	    &settings[LABELS], lab)) != CRM_EX_OK)
		return rc;
	/*
	 * Maturity = w1 intent/5 + w2 progress/4 + w3 closeness; closeness
	 * is 1 up to close[0] days before the expected close, 0.5 up to
	 * close[1], else (or past it) 0.  A hair of tolerance keeps sums
	 * like 0.4 + 0.3 on the right side of a cut.
	 */
	crm_sql_add(q, "SELECT id, ");
	crm_tier_grade(q, "v + 1e-9", ">=", cut[1], lab[2], cut[0], lab[1],
	    lab[0]);
	crm_sql_add(q, ", printf('%%.3f', v) FROM (SELECT c.id, "
	    "%.17g * coalesce(c.intent, 0) / 5.0 + %.17g * CASE c.progress "
	    "WHEN 'contacted' THEN 1 WHEN 'qualified' THEN 2 WHEN 'proposal' "
	    "THEN 3 WHEN 'negotiation' THEN 4 ELSE 0 END / 4.0 + %.17g * "
	    "CASE WHEN d BETWEEN 0 AND %.0f THEN 1 WHEN d BETWEEN 0 AND %.0f "
	    "THEN 0.5 ELSE 0 END AS v FROM (SELECT *, expected_close / 86400 "
	    "- ?1 / 86400 AS d FROM customer) AS c WHERE c.stage IN ('lead', "
	    "'prospect')) ORDER BY 1", w[0], w[1], w[2], close[0], close[1]);
	return CRM_EX_OK;
}

static const struct crm_scheme_def def = { presale, settings };

const struct crm_scheme crm_scheme_presale = {
	"presale", "A, B, C for leads and prospects by maturity",
	0, 's', "ABC", &def,
};
