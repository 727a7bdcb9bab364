/*
 * tier-rfm.c: the rfm scheme: R, F, M scores 1 + floor(5 (r - 1) / N), r
 * the lowest place of the value among the N buyers (recency reversed):
 * equal values share the score of the lowest place; the segment from the
 * R x F grid.
 */
#include <stdint.h>
#include <stdio.h>

#include "crm-int.h"

static int
rfm(struct crm_store *st, struct crm_sql *q, int64_t since)
{
	/*
	 * 1 + floor(5 (r - 1) / N), r the lowest 1-based place of the
	 * value among the N buyers: rank() gives a tie the first place of
	 * its span, so equal values share the lowest score of their span
	 * (one-time buyers are F1).  Integer division floors (r >= 1).
	 */
#define SCORE(col, dir)	"1 + 5 * (rank() OVER (ORDER BY " col " " dir \
	") - 1) / count(*) OVER ()"
	crm_sql_add(q, "SELECT id, CASE "
	    "WHEN rs = 5 AND fs >= 4 THEN 'Champions' "
	    "WHEN rs >= 3 AND fs >= 4 THEN 'Loyal' "
	    "WHEN rs >= 4 AND fs >= 2 THEN 'Potential loyalists' "
	    "WHEN rs = 5 THEN 'New' "
	    "WHEN rs = 4 THEN 'Promising' "
	    "WHEN rs = 3 AND fs = 3 THEN 'Need attention' "
	    "WHEN rs = 3 THEN 'About to sleep' "
	    "WHEN fs = 5 THEN 'Can''t lose them' "
	    "WHEN fs >= 3 THEN 'At risk' "
	    "ELSE 'Hibernating' END, rs || fs || ms FROM (SELECT id, "
	    SCORE("r", "DESC") " AS rs, " SCORE("f", "ASC") " AS fs, "
	    SCORE("m", "ASC") " AS ms FROM (");
	crm_tier_buyers(q, since);
	/* In id order: rows append to their table, not anywhere in it. */
	crm_sql_add(q, ") AS b) ORDER BY 1");
#undef SCORE
	(void)st;
	return CRM_EX_OK;
}

static const struct crm_scheme_def def = { rfm, NULL };

const struct crm_scheme crm_scheme_rfm = {
	"rfm", "R, F, M scores and the segment of the R x F grid",
	1, 's', NULL, &def,
};
