#!/bin/sh
# Writes you can count on: ids printed only after the commit, purchases
# unique by (order_ref, product), event times that happened, and money
# that adds up within 64 bits.
. "${0%/*}/lib.sh"
plan 70

revision() { sqlite3 "$CRM_DB" .dump; }

# ---- ids are printed after the commit, never for a rolled-back import --
crm-add -q customer ref=K name=Keep
# Rows 2 and 3 are good, line 4's e-mail is not: the import writes nothing.
printf 'ref,name,email\nN1,One,one@example.org\nN2,Two,two@example.org\nN3,Three,three@\n' \
	>"$TMP/bad.csv"
check 'an import with a bad row exits 65 and prints no id (the ids it would give belong to no one)' \
	'crm-add -f "$TMP/bad.csv" customer >"$TMP/ids"; [ $? -eq 65 ] && [ ! -s "$TMP/ids" ]'
# Once two other customers take ids 2 and 3, a pipeline fed from that
# output would tag them: with nothing printed, nobody is tagged.
check_out 'the output of a failed import tags nobody when its ids are reused' 0 \
	'crm-add -q customer name=X && crm-add -q customer name=Y && crm-tag imported <"$TMP/ids" && sqlite3 "$CRM_DB" "SELECT count(*) FROM tag WHERE tag = '"'imported'"'"'
check '-n with a bad row exits 65 and prints nothing either' \
	'crm-add -n -f "$TMP/bad.csv" customer >"$TMP/ids"; [ $? -eq 65 ] && [ ! -s "$TMP/ids" ]'

# ---- a purchase with an order_ref is unique by (order_ref, product) ----
cat >"$TMP/p.csv" <<'EOF'
customer_ref,ts,amount,product,qty,order_ref
K,2025-03-01,10.00,tea,1,A1
K,2025-03-01,4.50,cup,1,A1
K,2025-04-02,7.00,,1,B7
K,2025-05-01,3.00,tea,1,
EOF
# Two lines of one order, an order of no product, a purchase without one:
# purchases 1 to 4.
crm-add -q -f "$TMP/p.csv" purchase
before=$(revision)
check_exit 'importing the same purchases again is refused: 65' 65 'crm-add -f "$TMP/p.csv" purchase'
check_err 'at the first repeated line, naming the stored purchase and -u' \
	'p\.csv:2: order_ref: "A1" with product "tea" is already in the store \(purchase 1\); -u --key order_ref,product updates it'
check_out 'and nothing is written (the dump is the same)' "$before" 'sqlite3 "$CRM_DB" .dump'
check_exit 'an order with no product repeats as well' 65 \
	'crm-add purchase customer_ref=K amount=1 order_ref=B7'
check_err 'and says so' 'order_ref: "B7" with no product is already in the store \(purchase 3\)'
check_exit 'a key given twice in one file is refused' 65 \
	'printf "customer_ref,amount,product,order_ref\nK,1,x,Z9\nK,2,x,Z9\n" | crm-add -f - purchase'
check_err 'naming both lines by their purchases' 'stdin:3: order_ref: "Z9" with product "x" is given twice in the input \(also for purchase 5\)'
check_out 'the same order_ref with another product is another line' 5 \
	'crm-add purchase customer_ref=K amount=2 order_ref=A1 product=saucer'
cat >"$TMP/u.csv" <<'EOF'
customer_ref,ts,amount,product,qty,order_ref
K,2025-03-01,12.00,tea,2,A1
K,2025-04-02,8.00,,1,B7
K,2025-06-01,1.00,jam,1,C1
EOF
# A1/tea is purchase 1 and B7 purchase 3: updated; C1/jam is new (6).
check_out '-u --key order_ref,product updates the matching lines and adds the rest' \
	"$(printf '1\n3\n6')" 'crm-add -u --key order_ref,product -f "$TMP/u.csv" purchase'
check_out 'the updated values are stored, the others kept' \
	"$(printf '1\t12.00\t2\ttea\n2\t4.50\t1\tcup\n3\t8.00\t1\t\n4\t3.00\t1\ttea\n5\t2.00\t\tsaucer\n6\t1.00\t1\tjam')" \
	'crm-ls purchase -F id,amount,qty,product'
# 12.00 + 4.50 + 8.00 + 3.00 + 2.00 + 1.00 = 30.50: no line counted twice.
check_out 'and the revenue counts each line once' 30.50 'crm-ls -F monetary -w "ref = K"'
check_out 'the key in the other order, and -u alone, match the same way' "$(printf '1\n1')" \
	'printf "customer_ref,product,order_ref,amount\nK,tea,A1,12.00\n" >"$TMP/v.csv" && crm-add -u --key product,order_ref -f "$TMP/v.csv" purchase && crm-add -u -f "$TMP/v.csv" purchase'
# Purchase 2 is A1/cup: naming it tea makes it purchase 1's line.
check 'crm-set giving an order line the product of another is refused' \
	'crm-set purchase 2 product=tea; [ $? -eq 65 ] && grep -q "purchase 2: order_ref: the change gives purchase 2 the order_ref,product of another purchase" "$TMP/err"'
check '--key order_ref alone is not a key: 64, and the message names the key' \
	'crm-add -u --key order_ref -f "$TMP/u.csv" purchase; [ $? -eq 64 ] && grep -q "not a unique key of purchase (order_ref,product)" "$TMP/err"'
check_out 'a purchase without order_ref, the same as a stored one in every field, is added' 7 \
	'printf "customer_ref,ts,amount,product,qty\nK,2025-05-01,3.00,tea,1\n" | crm-add -f - purchase'
check_err 'with a warning naming the line and the stored purchase' \
	'^crm-add: stdin:2: warning: the same in every field as purchase 4, '
# A load large enough to build the indexes after it (see crm-add.t): the
# repeat of line 3's key on the last line is found when the index is built.
awk 'BEGIN { print "customer_ref,ts,amount,product,qty,order_ref"
	for (i = 0; i < 25000; i++)
		printf "B,2025-01-01T10:00:00Z,10.00,product-with-a-long-name-%d,1,BIG%06d\n", i % 7, i
	print "B,2025-01-01T10:00:00Z,9.00,product-with-a-long-name-1,1,BIG000001" }' >"$TMP/big.csv"
rm -f "$TMP/big.db"
crm-add -q -d "$TMP/big.db" customer ref=B name=Big
check_exit 'a large import repeating a key is refused' 65 \
	'crm-add -q -d "$TMP/big.db" -f "$TMP/big.csv" purchase'
check_err 'naming the line of the repeat and the line it repeats' \
	'big\.csv:25002: order_ref: the same order_ref,product is given on line 3'
check_out 'and nothing was written' 0 'sqlite3 "$TMP/big.db" "SELECT count(*) FROM purchase"'
# The same load without the repeat, its line 4 the same as the one stored
# purchase but for having no order_ref: added, with a warning by line.
crm-add -q -d "$TMP/big.db" purchase customer_ref=B ts=2025-01-01T10:00:00Z amount=10.00 product=product-with-a-long-name-2 qty=1
sed -e '$d' -e '4s/,BIG000002$/,/' "$TMP/big.csv" >"$TMP/big2.csv"
check 'a large import warns of a purchase the same as a stored one, by its line' \
	'crm-add -d "$TMP/big.db" -f "$TMP/big2.csv" purchase >/dev/null && grep -q "^crm-add: .*big2\.csv:4: warning: the same in every field as purchase 1," "$TMP/err"'

# ---- the migration to schema 5 names the purchases that repeat a key ----
sqlite3 "$TMP/v4.db" <"$TESTS/data/store-v4.sql"
sqlite3 "$TMP/v4.db" .dump >"$TMP/v4.before"
check_exit 'a schema 4 store with repeated order lines is not migrated: 65' 65 \
	'crm-ls -d "$TMP/v4.db" purchase 2>"$TMP/v4.err"; rc=$?; cat "$TMP/v4.err" >&2; exit $rc'
check_err 'naming each set of repeats' 'v4\.db: purchases 1, 3 and 8 share order_ref A1 and product tea$'
check_err 'and saying how to go on' \
	'v4\.db: 2 order lines are stored more than once: the store stays at schema 4, unchanged; remove or correct'
check 'an order of no product too; not the purchases without order_ref (6 and 7)' \
	'grep -q "v4\.db: purchases 4 and 5 share order_ref B7 and no product$" "$TMP/v4.err" && ! grep -q "6 and 7" "$TMP/v4.err"'
check_out 'a second try stops too: the store stays at schema 4, its content unchanged' 4 \
	'crm-ls -d "$TMP/v4.db" purchase 2>/dev/null; [ $? -eq 65 ] && sqlite3 "$TMP/v4.db" .dump | cmp -s - "$TMP/v4.before" && sqlite3 "$TMP/v4.db" "PRAGMA user_version"'
check_out 'once the repeats are gone it migrates' "$(printf '1\n2\n4\n6\n7\n6')" \
	'sqlite3 "$TMP/v4.db" "DELETE FROM purchase WHERE id IN (3, 5, 8)" && crm-ls -d "$TMP/v4.db" purchase -F id && sqlite3 "$TMP/v4.db" "PRAGMA user_version"'
check_exit 'and the key holds from then on' 65 \
	'crm-add -d "$TMP/v4.db" purchase customer_ref=V1 amount=1 order_ref=A1 product=tea'

# ---- an event happened between 1900 and the end of tomorrow (UTC) -------
crm-add -q customer ref=E name=Events
i=0
for spec in "purchase ts amount=1" "contact ts channel=phone" \
    "ticket opened kind=question" "ticket first_response kind=question" \
    "ticket resolved kind=question" "survey ts kind=csat score=5" \
    "points ts delta=5"; do
	set -- $spec
	kind=$1 field=$2; shift 2
	check_exit "$kind $field in 2030 is refused" 65 \
		"crm-add $kind customer_ref=E $field=2030-01-01 $*"
	check_exit "$kind $field before 1900 is refused" 65 \
		"crm-add $kind customer_ref=E $field=1899-12-31T23:59:59Z $*"
done
check_err 'the message names the field and the bound' \
	'^crm-add: ts: "1899-12-31T23:59:59Z" is before 1900-01-01$'
now=$(date +%s)
# The end of tomorrow (UTC): the start of today plus two days, less 1 s.
end=$(( (now / 86400 + 2) * 86400 - 1 ))
check 'a purchase at the end of tomorrow is accepted, one second later refused' \
	"crm-add -q purchase customer_ref=E ts=@$end amount=1 && { crm-add -q purchase customer_ref=E ts=@$((end + 1)) amount=1; [ \$? -eq 65 ]; }"
check_err 'as in the future, saying until when' '^crm-add: ts: "@[0-9]+" is in the future \(after [0-9-]+T23:59:59Z\)$'
check '1900-01-01 itself is accepted, the second before refused' \
	'crm-add -q contact customer_ref=E ts=1900-01-01 channel=phone && { crm-add -q contact customer_ref=E ts=1899-12-31T23:59:59Z channel=phone; [ $? -eq 65 ]; }'
check_exit 'now by --asof in 2031 is refused for a default ts (--asof is not the calendar)' 65 \
	'crm-add --asof 2031-01-01 contact customer_ref=E channel=phone'
check_exit 'crm-set refuses it too' 65 'crm-set purchase 1 ts=2030-01-01'
# Closing a ticket stamps resolved with now: --asof 2031 would date it then.
check 'closing a ticket with now by --asof in 2031 is refused; other changes are not' \
	'crm-add -q ticket customer_ref=E kind=question opened=2025-01-01 && { crm-set --asof 2031-01-01 ticket 1 status=closed; [ $? -eq 65 ]; } && grep -q "resolved: now (2031-01-01T23:59:59Z by --asof) is in the future" "$TMP/err" && crm-set -q --asof 2031-01-01 ticket 1 severity=2'
check_out 'a planned date (expected_close) stays free where an event is refused' 2090-01-01 \
	'{ crm-add -q purchase customer_ref=E ts=2090-01-01 amount=1 2>/dev/null; [ $? -eq 65 ]; } && crm-add -q customer name=Plan expected_close=2090-01-01 && crm-ls -F expected_close -w "name = Plan"'
check_exit 'a bulk file with a future date is refused' 65 \
	'printf "customer_ref,ts,amount\nE,2020-01-01,1\nE,2030-06-01,1\n" | crm-add -f - purchase'
check_err 'by its line' '^crm-add: stdin:3: ts: "2030-06-01" is in the future'

# ---- money that would overflow is refused at input --------------------
rm -f "$CRM_DB"*
crm-add -q customer ref=A name=A && crm-add -q customer ref=B name=B && crm-add -q customer ref=C name=C
# CRM_MONEY_MAX is 10^15 minor units: 10000000000000.00 with two decimals.
check_exit 'one cent above the largest amount is refused' 65 \
	'crm-add purchase customer_ref=A amount=10000000000000.01'
check_err 'saying what the largest is' 'amount: "10000000000000.01" is too large \(at most 10000000000000.00 either way\)'
check_exit 'and below the smallest' 65 'crm-add purchase customer_ref=A amount=-10000000000000.01'
check_exit 'an income as well' 65 'crm-add customer name=Z income=92233720368547758.07'
# 9224 x 10^15 = 9.224e18 > 2^63 - 1 = 9.223e18: customer A's revenue.
awk 'BEGIN { print "customer_ref,amount"; for (i = 0; i < 9224; i++) print "A,10000000000000.00" }' >"$TMP/o.csv"
before=$(revision)
check_exit 'purchases that add up beyond 64 bits are refused: 65' 65 'crm-add -f "$TMP/o.csv" purchase >"$TMP/ids"'
check_err 'naming the customer' '^crm-add: customer 1: the purchases add up beyond the range of money'
check_out 'printing no id and writing nothing' "$before" '[ ! -s "$TMP/ids" ] && sqlite3 "$CRM_DB" .dump'
# 9198 x 10^15 = 9.198e18 for A, and C's -10^15: all revenues 9.199e18 by
# magnitude, just under the 9.2e18 that every report's totals fit in.
sed '9200,$d' "$TMP/o.csv" >"$TMP/a.csv"
crm-add -q -f "$TMP/a.csv" purchase && crm-add -q purchase customer_ref=C amount=-10000000000000.00
# B's 130 more would take them to 9.329e18, past even 2^63 - 1 = 9.223e18
# where reports would fail: refused, though B's own fit.
awk 'BEGIN { print "customer_ref,amount"; for (i = 0; i < 130; i++) print "B,10000000000000.00" }' >"$TMP/b.csv"
check_exit 'a write taking all revenues past 9.2e18 is refused' 65 'crm-add -q -f "$TMP/b.csv" purchase'
check_err 'saying why' 'revenues of all customers would add up beyond 92000000000000000.00'
# One more 10^15 makes exactly 9.2e18: refused for a single record too.
check 'one purchase reaching 9.2e18 is refused as well, printing no id' \
	'crm-add purchase customer_ref=B amount=10000000000000.00 >"$TMP/ids"; [ $? -eq 65 ] && [ ! -s "$TMP/ids" ] && grep -q "revenues of all customers would add up beyond" "$TMP/err"'
# Revenue 9.198e18 - 10^15 = 9.197e18 minor units over 9199 orders: by
# hand 9197 x 10^15 = 9199 x 999782585063593 + 7993, and 7993 / 9199 >=
# 1/2, so the aov rounds up to 999782585063594 minor units.
check_out 'the summary totals the largest accepted amounts exactly' \
	"$(printf 'revenue\t91970000000000000.00\norders\t9199\naov\t9997825850635.94')" \
	'crm-report summary | grep -E "^(revenue|orders|aov)	"'
# Value tiers rank buyers with a positive revenue: A alone, the first.
check_out 'crm-tier value ranks the largest revenue' \
	"$(printf '1\tA\t91980000000000000.00')" 'crm-tier -n value'
# 9198 x 10^15 / 9198 orders, and C's one order of -10^15: exact, no
# rounding (integer division of a negative total once lost a cent).
check_out 'monetary and aov of each customer' \
	"$(printf '1\t91980000000000000.00\t10000000000000.00\n3\t-10000000000000.00\t-10000000000000.00')" \
	'crm-ls -F id,monetary,aov -w "frequency > 0"'
check 'and crm-report all runs, with that revenue' \
	'crm-report all >"$TMP/all" && grep -q "^revenue	91970000000000000.00$" "$TMP/all"'
# A purchase dated tomorrow (a user east of UTC) is the newest there is:
# recency 0, not -1, and the models' T reaches it (t_x was past T).
export CRM_DB="$TMP/tomorrow.db"
crm-add -q customer name=East
crm-add -q purchase customer=1 amount=5 ts="$(date -u -d '-70 days' +%F)"
crm-add -q purchase customer=1 amount=5 ts="$(date -u -d tomorrow +%F)"
check_out 'recency of a purchase dated tomorrow is 0' '1	0	2' \
	'crm-ls -F id,recency,frequency'
check_out 'and the summary has t_x = T = 71 days' '1	1	71	71	5	day' \
	'crm-churn --unit day --summary'
done_testing
