#!/bin/sh
# Unit tests: parsers (dates, money, durations, UTF-8, filters, CSV) and the
# models (hypergeometric function, likelihoods, the published CDNOW fits),
# and forgets re-applied to a restored backup.
. "${0%/*}/lib.sh"
"$CRM_BUILD/bin/crm-unit" \
    "$TESTS/data/cdnow/cdnow_customers_summary_with_transactions.csv" \
    "$TMP" 2>/dev/null
exit $?
