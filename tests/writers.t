#!/bin/sh
# Eight writers of mixed kinds and four readers at once for 3 s: none
# fails busy, nothing is lost, the statistics agree (scripts/
# concurrency-test).
. "${0%/*}/lib.sh"
# It prints the TAP; its status is the file's.
rc=0
"${TESTS%/*}/scripts/concurrency-test" -w 8 -r 4 -t 3 "$CRM_BUILD" || rc=$?
exit $rc
