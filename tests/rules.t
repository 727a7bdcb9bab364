#!/bin/sh
# Rule tags: crm-tag -R, --rules, --apply; manual tags stay put.
. "${0%/*}/lib.sh"
plan 12

printf 'ref,name,city\nR1,One,Oslo\nR2,Two,Oslo\nR3,Three,Rome\n' | crm-add -q -f - customer
crm-add -q purchase customer_ref=R1 ts=2026-01-01 amount=10
crm-add -q purchase customer_ref=R2 ts=2026-06-01 amount=10
check_exit 'a rule that does not compile is refused' 64 'crm-tag -R bad "nope = 1"'
check 'a rule is defined' 'crm-tag -R lapsed "recency > 90d"'
check_out '--rules lists tag, rule, customers tagged' "$(printf 'lapsed\trecency > 90d\t0')" 'crm-tag --rules'
check_out '--apply prints what it added' "$(printf '1\tlapsed\tadded')" 'crm-tag --apply --asof 2026-06-30'
check_out 'the tag shows its origin' "$(printf '1\tlapsed\trule\t2026-06-30')" 'crm-tag -l 1'
check_exit '--apply with nothing to change exits 1' 1 'crm-tag --apply --asof 2026-06-30'
check 'a manual tag of the same name' 'crm-tag lapsed 3'
check_out '--apply removes what no longer holds, never a manual tag' "$(printf '1\tlapsed\tremoved')" \
	'crm-add -q purchase customer_ref=R1 ts=2026-06-20 amount=1 && crm-tag --apply --asof 2026-06-30'
check_out 'the manual tag is still there' 3 'crm-ls -F id -w tag.lapsed'
check_out 'a rule is redefined' "$(printf '2\tlapsed\tadded')" \
	'crm-tag -R lapsed "city = \"Oslo\" and recency > 20d" && crm-tag --apply --asof 2026-06-30'
check_out 'dropping a rule drops the tags it set' '3' \
	'crm-tag -R lapsed -r && crm-ls -F id -w tag.lapsed'
check_exit 'dropping an unknown rule is bad input' 65 'crm-tag -R nosuch -r'
done_testing
