#!/bin/sh
# Eight writers of mixed kinds and four readers at once for 3 s: none
# fails busy, nothing is lost, the statistics agree (scripts/
# concurrency-test).
. "${0%/*}/lib.sh"
"${TESTS%/*}/scripts/concurrency-test" -w 8 -r 4 -t 3 "$CRM_BUILD"
