#!/bin/sh
# crm-backup and crm-export.
. "${0%/*}/lib.sh"
plan 12

printf 'ref,name,city\nB1,Svc One,Oslo\nB2,Svc Two,Rome\n' | crm-add -q -f - customer
crm-add -q purchase customer_ref=B1 amount=12.50 product=chips
crm-add -q ticket customer_ref=B1 kind=complaint subject='broken lid'
crm-add -q purchase customer_ref=B2 amount=3 product=beer
for i in 1 2 3; do crm-backup -q --keep 2 "$TMP/bk"; sleep 1; done
check_out '--keep 2 keeps two' 2 'ls "$TMP/bk" | wc -l'
check 'named by the time to the second' 'ls "$TMP/bk" | grep -Eq "^crm-[0-9]{8}T[0-9]{6}Z\.db$"'
newest="$TMP/bk/$(ls "$TMP/bk" | tail -n 1)"
check_out 'a backup passes integrity_check' ok "sqlite3 '$newest' 'PRAGMA integrity_check'"
check_out 'and is mode 600' 600 "stat -c %a '$newest'"
printf 'not a database\n' >"$TMP/x.txt"
before=$(dump)
check_exit 'restore refuses a file that is not a store' 65 'crm-backup --restore "$TMP/x.txt"'
check_out 'and leaves the store as it was' "$before" 'sqlite3 "$CRM_DB" .dump'
check_exit 'restore of a missing file exits 66' 66 'crm-backup --restore "$TMP/none.db"'
crm-rm 2
check 'restore of a backup' "crm-backup --restore '$newest'"
check_out 'brings back what was removed after it' 'Svc Two' 'crm-ls -F name -w "ref = B2"'
crm-set 1 city=Hangzhou
crm-export --subject 1 >"$TMP/s.json"
check 'crm-export: one JSON document with profile, history, audit; no one else' "/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); s = json.dumps(d, ensure_ascii=False)
assert d[\"customer\"][\"name\"] == \"Svc One\" and \"broken lid\" in s and \"chips\" in s and \"Hangzhou\" in s
assert any(a[\"action\"] == \"set\" for a in d[\"audit\"]) and \"tester\" in s
assert \"Svc Two\" not in s and \"beer\" not in s' '$TMP/s.json'"
check_exit 'an unknown subject is bad input' 65 'crm-export --subject 99'
check_exit '--subject is required' 64 'crm-export'
done_testing
