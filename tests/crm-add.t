#!/bin/sh
# crm-add: one record from arguments, bulk CSV and TSV, -u, -n, the audit.
. "${0%/*}/lib.sh"
plan 45

check_out 'adds a customer and prints its id' 1 \
	'crm-add customer name="Li Wei" email=li.wei@example.cn city=Shanghai intent=4 attr.hobby=golf'
check_out 'ids count up' 2 'crm-add customer name=Two'
check_out '-q prints nothing (and adds the customer)' Three \
	'crm-add -q customer name=Three && crm-ls -F name -w "id = 3"'
check_out 'values are stored as given' "$(printf 'Li Wei\tli.wei@example.cn\tShanghai\t4\tgolf')" \
	'crm-ls -F name,email,city,intent,attr.hobby -w "id = 1"'
check_out 'created defaults to now; --asof moves now' 2025-01-31 \
	'crm-add -q --asof 2025-01-31 customer name=Past && crm-ls -F created -w "name = \"Past\"" | cut -c1-10'
check_exit 'a customer needs a name: 65' 65 'crm-add customer email=x@example.org'
check_err 'and the message names the field' '^crm-add: name: is required'
check_exit 'the same e-mail in another case is refused: 65' 65 \
	'crm-add customer name=X email=LI.WEI@example.cn'
check_err 'and the message names the stored customer' 'email: .* already in the store \(customer 1\)'
check_exit 'the same ref twice is refused' 65 \
	'crm-add customer name=A ref=R1 && crm-add customer name=B ref=R1'
check_exit 'an unknown field argument is a usage error' 64 'crm-add customer name=A shoe=42'
check_exit 'an unknown kind is a usage error' 64 'crm-add planet name=Mars'
check_exit 'a mistyped field argument is a usage error' 64 'crm-add -n customer nmae=x'
check_err 'naming the field meant' \
	"^crm-add: nmae: no such field \\(did you mean name\\?\\); try 'crm-add -h'\$"
check_exit 'a mistyped column of a CSV header is bad input' 65 \
	'printf "nmae\nx\n" | crm-add -f - customer'
check_err 'at its line, naming the field meant' \
	'^crm-add: stdin:1: nmae: no such field \(did you mean name\?\)$'
printf '{"name":"J","emial":"j@example.org"}\n' >"$TMP/typo.json"
check_exit 'a mistyped member of a JSON record is bad input' 65 \
	'crm-add -i json -f "$TMP/typo.json" customer'
check_err 'naming the field meant' 'typo.json:1: emial: no such field of customer \(did you mean email\?\)$'
check_exit 'money with too many decimals is refused' 65 'crm-add customer name=A income=10.005'
check_out 'money is exact' 1234567.89 \
	'crm-add -q customer name=Rich income=1234567.89 && crm-ls -F income -w "name = \"Rich\""'

printf 'ref,name,email,city\nB1,Bulk One,b1@example.org,Paris\nB2,Bulk Two,,Lagos\n' >"$TMP/b.csv"
check_out 'bulk CSV prints one id per row' "$(printf '7\n8')" 'crm-add -f "$TMP/b.csv" customer'
check_out 'an empty cell is unset' "$(printf 'B2\t')" 'crm-ls -F ref,email -w "ref = \"B2\""'
check_out 'one audit entry for the whole import' 1 \
	'sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE action = '"'import'"'"'
printf 'ref\tname\tnotes\nT1\tTab Sep\ta\\tb\\nc\n' >"$TMP/t.tsv"
check_out 'TSV is detected by the tab and unescaped' "$(printf 'T1\ta\\tb\\nc')" \
	'crm-add -q -f "$TMP/t.tsv" customer && crm-ls -F ref,notes -w "ref = \"T1\""'
check_out '-f - reads standard input; arguments apply to every row' "$(printf 'S1\talice\nS2\talice')" \
	'printf "ref,name\nS1,One\nS2,Two\n" | crm-add -q -f - customer owner=alice && crm-ls -F ref,owner -w "ref ~ \"S*\""'
check_exit 'a column also given as an argument is a usage error' 64 \
	'printf "ref,name\nS3,x\n" | crm-add -f - customer name=y'
printf 'ref,city,attr.size\nB1,Rome,L\nB3,Oslo,\n' >"$TMP/u.csv"
check_exit '-u: a new ref without a name is refused' 65 'crm-add -u -f "$TMP/u.csv" customer'
printf 'ref,city,attr.size\nB1,Rome,L\nB2,,M\n' >"$TMP/u.csv"
check_out '-u updates only the given fields' "$(printf 'B1\tBulk One\tb1@example.org\tRome\tL\nB2\tBulk Two\t\tLagos\tM')" \
	'crm-add -q -u -f "$TMP/u.csv" customer && crm-ls -F ref,name,email,city,attr.size -w "ref in (B1, B2)"'
check_out '-u matches by id when there is an id column' 'Renamed' \
	'printf "id,name\n7,Renamed\n" | crm-add -q -u -f - customer && crm-ls -F name -w "id = 7"'
before=$(dump)
check '-n prints the id it would give' \
	'printf "ref,name\nN1,Dry\n" | crm-add -n -f - customer | grep -Eqx "[0-9]+"'
check_out '-n writes nothing' "$before" 'sqlite3 "$CRM_DB" .dump'
check_out 'an id column keeps ids (a copy into a new store)' "$(must crm-ls -F id,ref,name)" \
	'crm-ls -H -F id,ref,name | crm-add -q -d "$TMP/copy.db" -f - customer && crm-ls -d "$TMP/copy.db" -F id,ref,name'
check_out '-u --key email matches by e-mail, ignoring case' Oslo \
	'printf "email,city\nB1@EXAMPLE.ORG,Oslo\n" | crm-add -q -u --key email -f - customer && crm-ls -F city -w "ref in (B1, C1) or email = \"b1@example.org\""'
check_exit '--key must be a unique field' 64 'printf "phone,city\n1,x\n" | crm-add -u --key phone -f - customer'
check_exit 'a missing file exits 66' 66 'crm-add -f "$TMP/nope.csv" customer'
check_exit 'an empty file is bad input' 65 ': > "$TMP/empty.csv"; crm-add -f "$TMP/empty.csv" customer'
check_out 'progress is not shown when stderr is not a terminal' '' \
	'printf "ref,name\nP1,x\n" | crm-add -f - customer 2>&1 >/dev/null'

# A load large enough to build the indexes after it, with a duplicate.
"${TESTS%/*}/scripts/gen-data" -c 12000 --seed 7 -k customer >"$TMP/big.csv"
sed -n '4000p' "$TMP/big.csv" | sed 's/^C[0-9]*,/C9999999,/' >>"$TMP/big.csv"
rm -f "$TMP/big.db"
# A removed customer: ids go on past it, and lines must still map right.
crm-add -q -d "$TMP/big.db" customer name=Gone && crm-rm -d "$TMP/big.db" 1
check_exit 'a large import with a repeated e-mail is refused' 65 \
	'crm-add -q -d "$TMP/big.db" -f "$TMP/big.csv" customer'
check_err 'naming the line of the repeat and the line it repeats' \
	"big\\.csv:$(wc -l <"$TMP/big.csv"): email: the same value is given on line 4000"
check 'on a terminal a bulk import shows rows, rows/s and the share done' \
	'"${TESTS%/*}/scripts/gen-data" -c 3000 --seed 8 -k customer >"$TMP/p.csv"; script -qc "crm-add -d $TMP/p.db -f $TMP/p.csv customer >/dev/null" /dev/null | tr "\r" "\n" | grep -Eq "^crm-add: [0-9]+ rows, [0-9]+ rows/s, 100%"'
check_out 'and nothing was written' 0 'crm-add -q -d "$TMP/big.db" -f "$TMP/b.csv" customer >/dev/null; sqlite3 "$TMP/big.db" "SELECT count(*) FROM customer WHERE ref LIKE '"'C%'"'"'
# Ids stop at 2^53 - 1; a record imported with its id takes one up to half
# of that (an id of 2^63 - 1 made every later add fail with exit 74).
check_exit 'an imported id of 2^63 - 1 is refused' 65 \
	"printf 'id,name\n9223372036854775807,Max\n' | crm-add -q -u -f - customer"
check_exit 'so is 2^53 - 1 for a new record' 65 \
	"printf 'id,name\n9007199254740991,Edge\n' | crm-add -q -f - customer"
check_err 'which says why' 'id: a new record takes an id up to 4503599627370495'
check_out 'half of it is taken, and the next record follows it' \
	"$(printf '4503599627370495\n4503599627370496')" \
	"printf 'id,name\n4503599627370495,Half\n' | crm-add -f - customer && crm-add customer name=After"
done_testing
