#!/bin/sh
# crm-show: a customer's profile, attributes and tags.
. "${0%/*}/lib.sh"
plan 23

crm-add -q customer name='Li Wei' email=li.wei@example.cn city=Shanghai \
	income=88000 birthday=1990-05-04 attr.hobby=golf attr.tea=oolong
crm-add -q customer name='Two'
crm-tag -q vip 1
check_out 'field<TAB>value lines, set fields only, then attributes, tags, statistics' \
	"$(printf 'id\t1\nname\tLi Wei\nemail\tli.wei@example.cn\ncity\tShanghai\nbirthday\t1990-05-04\nincome\t88000.00\nattr.hobby\tgolf\nattr.tea\toolong\ntag\tvip\nfrequency\t0\nmonetary\t0.00\norders\t0\nopen_tickets\t0\nopen_complaints\t0\npoints\t0')" \
	'crm-show 1 | grep -v ^created'
check 'created is an ISO 8601 time' 'crm-show 1 | grep -Eq "^created	[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"'
check_exit 'an unknown id exits 1' 1 'crm-show 99'
check_err 'and says so' '99: no such customer'
check_exit 'an id out of range is bad input' 65 'crm-show 0'
check_err 'saying so' '"0" is not a record id'
check_out 'ids from stdin, customers separated by an empty line' \
	"$(printf 'id\t1\n\nid\t2')" 'crm-ls -F id | crm-show | grep -E "^(id|$)"'
check '-o json is one object per customer' 'crm-show -o json 1 2 > "$TMP/o" && /usr/bin/python3 -c "
import json, sys
from decimal import Decimal
a, b = [json.loads(l, parse_float=Decimal) for l in open(sys.argv[1])]
assert a[\"name\"] == \"Li Wei\" and a[\"id\"] == 1 and a[\"tags\"] == [\"vip\"], a
assert a[\"attr.hobby\"] == \"golf\" and str(a[\"income\"]) == \"88000.00\", a
assert a[\"frequency\"] == 0 and \"stats\" not in a and a[\"timeline\"] == [], a
assert b[\"tags\"] == [] and b[\"email\"] is None and b[\"attr.hobby\"] is None, b" "$TMP/o"'
check '-o table aligns the values' 'crm-show -o table 1 > "$TMP/t" && [ $(grep -Eo "^(name|email|open_tickets) +" "$TMP/t" | awk "{ print length }" | sort -u | wc -l) = 1 ]'
check_exit 'with no id at all it exits 1' 1 'crm-show </dev/null'
check_exit 'a missing store exits 66' 66 'crm-show -d "$TMP/none.db" 1'

# A customer by id (all digits), e-mail (holds @) or ref (anything else;
# ref:X forces a ref).  Customer 3's ref is all digits, 2's is C-2.
crm-set -q 2 ref=C-2
crm-add -q customer name=Digits ref=1001 email=Digits@Example.org
check_out 'a ref' 2 'crm-show C-2 | sed -n "s/^id	//p"'
check_out 'an e-mail address, case ignored' 1 \
	'crm-show LI.WEI@example.CN | sed -n "s/^id	//p"'
check_out 'ref:X is the ref X, though all digits' 3 \
	'crm-show ref:1001 | sed -n "s/^id	//p"'
check_out 'while all digits is an id' 1 'crm-show 1 | sed -n "s/^id	//p"'
check_out 'ids, refs and e-mails from stdin, the first field of each line' \
	"$(printf '1
2
3')" \
	'printf "C-2\tx\ndigits@example.org\n1\n" | crm-show |
	sed -n "s/^id	//p" | sort'
check_exit 'an unknown ref exits 1' 1 'crm-show 1 C-9 2 >"$TMP/two"'
check_err 'naming it' '^crm-show: C-9: no such customer$'
check_out 'after showing the others' "$(printf '1
2')" \
	'sed -n "s/^id	//p" "$TMP/two"'
check_exit 'an unknown e-mail exits 1' 1 'crm-show nobody@example.org'
check_err 'naming it' '^crm-show: nobody@example.org: no such customer$'
check_exit 'a ref of no customer from stdin exits 1' 1 \
	'printf "id\nC-2\nzz\n" | crm-show'
check_err 'naming the line' '^crm-show: stdin:3: customer: zz: no such customer$'
done_testing
