#!/bin/sh
# Unit tests of the parsers (dates, money, durations, UTF-8, filters, CSV).
. "${0%/*}/lib.sh"
"$CRM_BUILD/bin/crm-unit" 2>/dev/null
exit $?
