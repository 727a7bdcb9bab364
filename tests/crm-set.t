#!/bin/sh
# crm-set: changing fields, clearing them, ids from stdin, all or nothing.
. "${0%/*}/lib.sh"
plan 23

crm-add -q customer name=One city=Shanghai attr.hobby=golf intent=3
crm-add -q customer name=Two city=Shanghai
crm-add -q customer name=Three city=Paris
check_out 'changes fields and attributes' "$(printf 'Beijing\tchess')" \
	'crm-set 1 city=Beijing attr.hobby=chess && crm-ls -F city,attr.hobby -w "id = 1"'
check_out 'prints nothing (and sets the field)' alice 'crm-set 1 owner=alice && crm-ls -F owner -w "id = 1"'
check_out 'field= clears a field' "$(printf '1\t')" 'crm-set 1 intent= && crm-ls -F id,intent -w "id = 1"'
check_out 'attr.KEY= removes the attribute' 0 \
	'crm-set 1 attr.hobby= && sqlite3 "$CRM_DB" "SELECT count(*) FROM attr"'
check_out 'ids from stdin' "$(printf 'prospect\nprospect')" \
	'crm-ls -w "id in (1, 2)" | crm-set stage=prospect && crm-ls -F stage -w "id in (1, 2)"'
check_exit 'a value out of range is bad input' 65 'crm-set 1 intent=9'
check_err 'naming the record and field' 'customer 1: intent: 9 is out of range'
check_exit 'the name cannot be cleared' 65 'crm-set 1 name='
before=$(dump)
check_exit 'an unknown id is bad input' 65 'crm-set 1 99 city=Rome'
check_err 'naming the id' '99: no such customer'
check_out 'and nothing changed' "$before" 'sqlite3 "$CRM_DB" .dump'
check_exit 'an unknown field is a usage error' 64 'crm-set 1 shoe=42'
check_err 'with no field near it, no guess' "^crm-set: shoe: no such field; try 'crm-set -h'\$"
check_exit 'a mistyped field is a usage error' 64 'crm-set 1 nmae=x'
check_err 'naming the field meant' \
	"^crm-set: nmae: no such field \\(did you mean name\\?\\); try 'crm-set -h'\$"
check_exit 'a field near a computed one only: a usage error' 64 'crm-set 1 ordrs=1'
check_err 'not answered with the computed field (orders), which cannot be set' \
	"^crm-set: ordrs: no such field; try 'crm-set -h'\$"
check_exit 'a mistyped kind is a usage error, not a field of customers' 64 \
	'crm-set purchse 1 amount=1'
check_err 'naming the kind meant' \
	"^crm-set: purchse: no such kind of record \\(did you mean purchase\\?\\); try 'crm-set -h'\$"
check_exit 'a field of another kind: the fields of that kind are offered' 64 \
	'crm-set purchase 1 amout=1'
check_err 'as amount' 'amout: no such field \(did you mean amount\?\)'
check_out 'one audit entry per changed record' 2 \
	'crm-set 2 3 city=Oslo && sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE action = '"'set'"' AND detail LIKE '"'%Oslo%'"'"'
check_out '-n prints the ids, writes nothing' "$(printf '2\n3\nOslo')" \
	'crm-set -n 2 3 city=Rome && crm-ls -F city -w "id = 2"'
done_testing
