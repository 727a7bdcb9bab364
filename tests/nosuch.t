#!/bin/sh
# "No such customer" (crm(7)): one status in every command by what it does,
# 1 in a lookup (as grep(1)), 65 in a writer, which then writes nothing.
. "${0%/*}/lib.sh"
plan 30

crm-add -q customer name=One ref=R1
crm-add -q purchase customer=1 ts=2025-01-02 amount=5 product=tea
crm-tag -q vip 1

# Lookups: 99 is no customer's id.
while IFS='|' read -r what cmd; do
	check_exit "$what: exit 1" 1 "$cmd"
	check_err "$what: says so" '^crm-[a-z]+: 99: no such customer$'
done <<'EOF'
crm-show|crm-show 99
crm-export|crm-export --subject 99
crm-basket --suggest|crm-basket --suggest 99
crm-tag -l|crm-tag -l 99
EOF
check_exit 'crm-tag -l with one customer missing exits 1' 1 \
	'crm-tag -l 1 99 >"$TMP/tags"'
check_out 'after listing the tags of the other' "$(printf '1\tvip')" \
	'cut -f1,2 "$TMP/tags"'

# Writers: nothing written, whatever they were asked.
before=$(dump)
while IFS='|' read -r what cmd; do
	check_exit "$what: exit 65" 65 "$cmd"
	check_err "$what: says so" '^crm-[a-z]+: (customer: )?99: no such customer$|^crm-add: customer_ref: R9: no such customer$'
done <<'EOF'
crm-add purchase customer=|crm-add purchase customer=99 amount=1
crm-add purchase customer_ref=|crm-add contact customer_ref=R9 channel=phone
crm-set|crm-set 99 name=X
crm-rm|crm-rm 99
crm-tag|crm-tag vip2 1 99
crm-tag -r|crm-tag -r vip 99
crm-dedupe --merge|crm-dedupe --merge 1 99
EOF
printf 'customer_ref,amount\nR1,2\nR9,1\n' >"$TMP/p.csv"
check_exit 'a ref of no customer in bulk input: exit 65' 65 \
	'crm-add -f "$TMP/p.csv" purchase'
check_err 'says so at its line and field' \
	'^crm-add: [^ ]*p\.csv:3: customer_ref: R9: no such customer$'
is 'the writers wrote nothing' "$(dump)" "$before"
check_exit 'two missing: exit 65' 65 'crm-set 98 1 99 name=X'
check_err 'naming the first' '^crm-set: 98: no such customer$'
check_err 'and the second' '^crm-set: 99: no such customer$'
done_testing
