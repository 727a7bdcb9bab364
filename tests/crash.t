#!/bin/sh
# kill -9 every writing command, 20 times on a store of 100 customers:
# see scripts/crash-test.
. "${0%/*}/lib.sh"
# It prints the TAP; its status is the file's.
rc=0
"${TESTS%/*}/scripts/crash-test" -n 20 -s 100 "$CRM_BUILD" || rc=$?
exit $rc
