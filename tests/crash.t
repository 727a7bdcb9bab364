#!/bin/sh
# kill -9 every writing command, 20 times on a store of 100 customers:
# see scripts/crash-test.  Two are known to fail until issue 10 item 1
# (backups) is in, and are TAP TODO until then: a killed crm-backup leaves
# a partial crm-*.db that the next rotation counts, and a killed
# crm-backup --restore can leave the restored data without its "restore"
# audit entry (the copy and the audit are two transactions).
. "${0%/*}/lib.sh"
"${TESTS%/*}/scripts/crash-test" -n 20 -s 100 -t 'backup restore' "$CRM_BUILD"
