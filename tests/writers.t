#!/bin/sh
# Eight writers of mixed kinds at once: see scripts/concurrency-test.
. "${0%/*}/lib.sh"
"${TESTS%/*}/scripts/concurrency-test" -w 8 -k 10 "$CRM_BUILD"
exit $?
