#!/bin/sh
# Concurrent writers wait for each other instead of failing.
. "${0%/*}/lib.sh"
plan 8

pids=
for k in 1 2 3 4 5 6 7 8; do crm-add -q -d "$TMP/new/c.db" customer name=n$k & pids="$pids $!"; done
st=0; for p in $pids; do wait "$p" || st=1; done
_result $st 'eight first writers create the store together'
check_out 'once: one migration, eight customers' "$(printf '1\n8')" \
	'sqlite3 "$TMP/new/c.db" "SELECT count(*) FROM audit WHERE action = '"'migrate'"'; SELECT count(*) FROM customer"'

crm-init -q
for k in 1 2 3 4 5 6; do
	for i in $(seq 1 400); do echo "K$k-$i,Writer $k $i,k$k.$i@example.org"; done |
		sed '1i ref,name,email' >"$TMP/k$k.csv"
done
pids=
for k in 1 2 3 4 5 6; do crm-add -q -f "$TMP/k$k.csv" customer & pids="$pids $!"; done
st=0; for p in $pids; do wait "$p" || st=1; done
_result $st 'six concurrent bulk writers all succeed'
check_out 'and all their rows are there' 2400 'crm-ls -F id | wc -l'
pids=
for k in 1 2 3 4 5 6; do crm-ls -F id -w "ref ~ \"K$k-*\"" | crm-tag -q w$k & pids="$pids $!"; done
st=0; for p in $pids; do wait "$p" || st=1; done
_result $st 'concurrent taggers all succeed'
check_out 'integrity_check is ok' ok 'sqlite3 "$CRM_DB" "PRAGMA integrity_check"'
# By default a writer waits 30 s for the write lock (CRM_BUSY_TIMEOUT
# unset, as lib.sh leaves it): another writer holding it 6.5 s (longer
# than the old default, 5 s) is waited for, not failed with 75.
rm -f "$TMP/held"
{ echo 'BEGIN IMMEDIATE;'; echo ".system touch '$TMP/held'"
  echo '.system sleep 6.5'; echo 'COMMIT;'; } | sqlite3 "$CRM_DB" &
holder=$!
n=0; while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -e "$TMP/held" ] || _bail "the sqlite3 shell did not take the write lock"
check 'a writer waits out another holding the lock 6.5 s' \
	'crm-add -q customer name=Patient'
wait "$holder"
check_out 'and its row is there' 1 \
	'crm-ls -F id -w "name = \"Patient\"" | wc -l'
done_testing
