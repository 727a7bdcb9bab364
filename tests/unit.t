#!/bin/sh
# Unit tests: parsers (dates, money, durations, UTF-8, filters, CSV) and the
# models (hypergeometric function, likelihoods, the published CDNOW fits).
. "${0%/*}/lib.sh"
"$CRM_BUILD/bin/crm-unit" \
    "$TESTS/data/cdnow/cdnow_customers_summary_with_transactions.csv" 2>/dev/null
exit $?
