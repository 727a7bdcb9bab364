#!/bin/sh
# crm-rm: deleting, and --forget erasing personal data for real.
. "${0%/*}/lib.sh"
plan 18

crm-add -q customer name=One attr.a=1
crm-add -q customer name=Two
crm-tag -q t 1 2
check_out 'deletes the customer with its tags and attributes' "$(printf '2\n0\n1')" \
	'crm-rm 1 && crm-ls -F id && sqlite3 "$CRM_DB" "SELECT count(*) FROM attr; SELECT count(*) FROM tag"'
check_exit 'crm-show of a removed customer exits 1' 1 'crm-show 1'
check_out 'ids are never reused: after 1 and 2 are gone, the next is 3, and it is all there is' \
	"$(printf '3\n3')" 'crm-rm 2 && crm-add customer name=Three && crm-ls -F id'
before=$(dump)
check_exit 'an unknown id is bad input' 65 'crm-rm 3 99'
check_out 'and nothing was deleted' "$before" 'sqlite3 "$CRM_DB" .dump'
check_out 'an audit entry per deleted record' 2 \
	'sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE action = '"'delete'"'"'

fid=$(crm-add customer ref=F-1 name='Forget Me' email=forget.me.4411@example.org \
	phone='+86 139 0000 4411' city=Hangzhou country=CN region=Zhejiang \
	industry=retail stage=customer company='Forget Co' birthday=1980-02-02 \
	notes='secret note 4411' attr.pet=rex4411)
crm-tag -q gdpr "$fid"
crm-set "$fid" city=Ningbo
check 'crm-rm --forget succeeds' "crm-rm --forget $fid"
check_out 'the forget is recorded' "$fid" \
	'sqlite3 "$CRM_DB" "SELECT customer FROM forget"'
check_out 'the anonymous row remains with its analytics fields' \
	"$(printf "forgotten $fid\tCN\tZhejiang\tretail\tcustomer\tgdpr\t\t\t\t\t\t\t")" \
	"crm-ls -F name,country,region,industry,stage,tags,ref,email,phone,city,company,birthday,notes -w 'id = $fid'"
check_out 'its attributes are gone' 0 "sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM attr WHERE customer = $fid'"
check_out 'the audit keeps no personal value' 0 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM audit WHERE detail LIKE '%4411%' OR detail LIKE '%Forget%' OR detail LIKE '%Ningbo%'\""
check 'no byte of it is left in the store files' \
	'cat "$CRM_DB"* >"$TMP/bytes" && [ -s "$TMP/bytes" ] && ! grep -a -e 4411 -e "Forget Me" -e Hangzhou -e Ningbo -e rex4411 "$TMP/bytes"'
check 'the write-ahead log is empty or gone' '[ ! -s "$CRM_DB-wal" ]'
check_out 'the kind may be named' 'forgotten 3' 'crm-rm --forget customer 3 && crm-ls -F name -w "id = 3"'
check_exit 'a malformed id is bad input' 65 'crm-rm x1'
check_err 'saying so' '^crm-rm: "x1" is not a record id$'
check_exit 'a mistyped kind is a usage error, not a malformed id' 64 'crm-rm purchse 1'
check_err 'naming the kind meant' \
	"^crm-rm: purchse: no such kind of record \\(did you mean purchase\\?\\); try 'crm-rm -h'\$"
done_testing
