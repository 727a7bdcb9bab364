#!/bin/sh
# -o table for people (libcrm/out.c): money and numbers aligned right in
# every command, streamed (the first 1,000 rows set the widths; later text
# is cut to its column with an ellipsis, ids, numbers and money are
# written whole), in flat memory; and no escapes for TERM=dumb or
# NO_COLOR (no-color.org).  Every expected line is laid out by hand from
# the rule beside it.
. "${0%/*}/lib.sh"
plan 13
term() { /usr/bin/python3 "$TESTS/terminal.py" "$@"; }

crm-init -q -d "$TMP/m.db"
# Money to the right like numbers: the header stays at the left.
crm-add -q -d "$TMP/m.db" customer name=Ann income=5.50 intent=3
crm-add -q -d "$TMP/m.db" customer name=Bo income=1234.00
check_out 'crm-ls: money aligned right' \
	"$(printf 'id  name  income   intent\n 1  Ann      5.50       3\n 2  Bo    1234.00')" \
	'crm-ls -d "$TMP/m.db" -o table -F id,name,income,intent'
check_out 'and with -s (rows kept to sort, then laid out alike)' \
	"$(printf 'id  name  income   intent\n 2  Bo    1234.00\n 1  Ann      5.50       3')" \
	'crm-ls -d "$TMP/m.db" -o table -F id,name,income,intent -s -income'
# crm-show's value column holds values of every kind: an amount in it is
# right-aligned to the column, the rest stays left.
check_out 'crm-show: money right in a column of many kinds, text left' \
	'1 1 1' \
	'crm-show -d "$TMP/m.db" -o table 2 | awk "
	/^created / { c = length(\$0) } /^income / { i = length(\$0) }
	/^monetary / { m = length(\$0) } /^id / { d = index(\$0, \"2\") }
	/^name / { n = index(\$0, \"Bo\") }
	END { print (i == c) \" \" (m == c) \" \" (n == d) }"'
# crm-clv's spend and value are money too: a fit over the CDNOW sample
# (as tests/flow.t makes it); only the alignment is looked at, every row
# ending in the same column as right-aligned cells do.
cdnow_load
crm-churn -q --asof 1998-06-30 --fit
check 'crm-clv: expected_spend and clv aligned right (every row as long)' \
	'crm-clv --asof 1998-06-30 -o table -l 50 >"$TMP/clv" 2>/dev/null &&
	awk "NR == 2 { n = length } NR > 1 && length != n { exit 1 } END { exit NR != 51 }" "$TMP/clv"'

# Streaming: 1,000 customers set the widths (id 4: "1000"; name 4, its
# header; income 6, its header; city 4; ref 5: "r1000"); the rows after
# them are not looked at.  Row 1001: "Bartholomew" cut to 3 columns and
# an ellipsis; its income, wider than 6, written whole, pushing city two
# columns on, and its ref (a key, as an e-mail) whole too.  Row 1002:
# 山田太郎 is 8 columns: 山 (2) fits in 3, 田 would not.
crm-init -q -d "$TMP/s.db"
{
	echo ref,name,income,city
	for i in $(seq 1000); do echo r$i,a,1.00,x; done
	echo R-1001-LONG,Bartholomew,123456789.00,x
	echo ,山田太郎,1.00,x
	echo ',Zoë Ångström,2.00,x'
} >"$TMP/c.csv"
crm-add -q -d "$TMP/s.db" -f "$TMP/c.csv" customer
check_out 'the first 1,000 rows set the widths; later text is cut with …, money and refs whole' \
	"$(printf 'id    name  income  city  ref\n1000  a       1.00  x     r1000\n1001  Bar…  123456789.00  x  R-1001-LONG\n1002  山…     1.00  x\n1003  Zoë…    2.00  x')" \
	'crm-ls -d "$TMP/s.db" -o table -F id,name,income,city,ref >"$TMP/t" && sed -n "1p;1001,\$p" "$TMP/t"'
# Within the first 1,000 rows the widest sets the width: nothing is cut.
check_out 'a table of fewer rows is laid out whole, nothing cut' \
	"$(printf 'id    name         income        city  ref\n1001  Bartholomew  123456789.00  x     R-1001-LONG\n1002  山田太郎             1.00  x')" \
	'crm-ls -d "$TMP/s.db" -o table -F id,name,income,city,ref -w "id >= 1001 and id <= 1002"'
check_out 'no rows, no lone header (exit 1)' '' \
	'rc=0; crm-ls -d "$TMP/s.db" -o table -w "id > 9999" || rc=$?; [ $rc = 1 ]'

# Memory: 200,000 rows take no more than 50,000 (rows are not kept).  The
# customers go straight into the store (sqlite3): only crm-ls is measured.
sqlite3 "$TMP/big.db" </dev/null
crm-init -q -d "$TMP/big.db"
sqlite3 "$TMP/big.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1
	FROM n WHERE i < 200000) INSERT INTO customer (ref, name, email, city,
	stage, owner, created) SELECT 'R' || i, 'Customer number ' || i, 'c' || i
	|| '@example.com', 'Berlin', 'lead', 'alice', 0 FROM n"
# Under AddressSanitizer (make check SANITIZE=1) freed memory is held in
# quarantine, which would grow with the rows: none for this measure.
rss() {  # rss N: crm-ls -o table's peak RSS in KB over the first N customers
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
	/usr/bin/time -f %M -o "$TMP/rss" crm-ls -d "$TMP/big.db" -o table \
	    -w "id <= $1" >"$TMP/big.out" && [ "$(wc -l <"$TMP/big.out")" = $(($1 + 1)) ] &&
	    cat "$TMP/rss"
}
check 'crm-ls -o table: peak RSS of 200,000 rows within 1.25 times that of 50,000' \
	'a=$(rss 50000) && b=$(rss 200000) && echo "$a $b" && [ $((b * 4)) -le $((a * 5)) ]'

# Escapes: report titles are bold on a terminal, and only there.
check_out 'on a terminal (TERM=xterm) a title is bold' 1 \
	'TERM=xterm PTY_WAIT=0 term crm-report -o table summary | grep -c "$(printf "\033")\[1mSummary"'
check_out 'TERM=dumb: no escape at all' 0 \
	'TERM=dumb PTY_WAIT=0 term crm-report -o table summary >"$TMP/o" && tr -dc "\033" <"$TMP/o" | wc -c'
check_out 'NO_COLOR=1: none' 0 \
	'TERM=xterm NO_COLOR=1 PTY_WAIT=0 term crm-report -o table summary >"$TMP/o" && tr -dc "\033" <"$TMP/o" | wc -c'
check_out 'no TERM: none' 0 \
	'env -u TERM PTY_WAIT=0 /usr/bin/python3 "$TESTS/terminal.py" crm-report -o table summary >"$TMP/o" && tr -dc "\033" <"$TMP/o" | wc -c'
# scripts/demo's own bold: its lines run on a terminal.
sed -n '/^# Bold on/,/^else/p' "${TESTS%/*}/scripts/demo" >"$TMP/bold.sh"
echo 'printf "[%s]\n" "$bold"' >>"$TMP/bold.sh"
check_out 'scripts/demo: bold on an xterm, none for TERM=dumb or NO_COLOR' \
	"$(printf '[\033[1m]\n[]\n[]')" \
	'TERM=xterm PTY_WAIT=0 term sh "$TMP/bold.sh" && TERM=dumb PTY_WAIT=0 term sh "$TMP/bold.sh" &&
	TERM=xterm NO_COLOR=1 PTY_WAIT=0 term sh "$TMP/bold.sh"'
done_testing
