#!/bin/sh
# crm-rm --forget when its checkpoint fails to write (an fsync fails with
# EIO, on the build of `make FAULT=1`, tests/fault.c): the erasure is
# committed, so it exits 0 and says so on stderr, even with -q; the old
# bytes leave the files at the next writer's checkpoint.
. "${0%/*}/lib.sh"
fb="${CRM_BUILD%/*}/$(basename "$CRM_BUILD" | sed 's/^build/build-fault/')"
[ -x "$fb/bin/crm-rm" ] || _bail "$fb/bin/crm-rm: missing; make FAULT=1"
plan 8

crm-add -q customer name='Secret Person' email=secret@example.org
crm-add -q customer name=Other
sqlite3 "$CRM_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$CRM_DB" "$TMP/base.db"
# Which fsync is the checkpoint's: the first of the store file itself (the
# log's come before it: the commit's, then the checkpoint's own).
CRM_FAULT=trace "$fb/bin/crm-rm" -q --forget 1 2>"$TMP/trace"
n=$(awk '$1 == "crm-fault:" && $2 == "fsync" && $4 ~ /\/crm\.db$/ {
	print $3; exit }' "$TMP/trace")
[ -n "$n" ] || _bail "no fsync of the store in the trace"
rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
cp "$TMP/base.db" "$CRM_DB"

check_exit 'forget exits 0 when its checkpoint fails: the erasure is committed' \
	0 "CRM_FAULT=fsync:$n:EIO '$fb/bin/crm-rm' -q --forget 1"
check_err 'the fault was reached' "^crm-fault: fsync $n failed\$"
check_err 'says the erasure is committed and why the checkpoint failed' \
	"^crm-rm: .*crm\\.db: the erasure is committed, but the checkpoint failed \\(disk I/O error\\)"
check_err 'says the old bytes leave the files at the next checkpoint' \
	"the old bytes leave the store's files at the next checkpoint"
# crm-rm(1): the name becomes "forgotten ID", the e-mail goes.
check_out 'the person is erased' "$(printf '1\tforgotten 1\t\n2\tOther\t')" \
	'crm-ls -F id,name,email customer'
# The flag crm_store_scrub_later set stays for the next writer.
check_out 'the pending checkpoint is recorded' 1 \
	"sqlite3 \"\$CRM_DB\" \"SELECT value FROM config WHERE key = 'crm.forget_checkpoint'\""
check 'the next write succeeds' 'crm-add -q customer name=Next'
# Its commit checkpoints and truncates the log, then drops the flag
# (were it not to try, the flag would stay).
check_out 'its checkpoint completes the erasure: the flag goes' 0 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM config WHERE key = 'crm.forget_checkpoint'\""
done_testing
