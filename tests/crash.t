#!/bin/sh
# kill -9 during bulk imports, 20 times: see scripts/crash-test.
. "${0%/*}/lib.sh"
# It prints the TAP; its status is the file's.
rc=0
"${TESTS%/*}/scripts/crash-test" -n 20 -r 30000 "$CRM_BUILD" || rc=$?
exit $rc
