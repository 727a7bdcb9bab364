#!/bin/sh
# Eight writers of mixed kinds at once: see scripts/concurrency-test.
. "${0%/*}/lib.sh"
# It prints the TAP; its status is the file's.
rc=0
"${TESTS%/*}/scripts/concurrency-test" -w 8 -k 10 "$CRM_BUILD" || rc=$?
exit $rc
