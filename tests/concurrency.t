#!/bin/sh
# Concurrent writers wait for each other instead of failing.
. "${0%/*}/lib.sh"
plan 6

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
done_testing
