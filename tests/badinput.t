#!/bin/sh
# Bad input: for each malformed file the exit status, the message (file,
# line, field) and a store byte-for-byte unchanged in content.
. "${0%/*}/lib.sh"
D="$TESTS/bad"
crm-add -q customer name=Existing email=existing@example.org ref=E1
crm-tag vip 1

# file  line  field (- for none)  message (extended regex)
table='quote.csv	3	-	quoted field is not closed
strayquote.csv	3	-	malformed quoting
noname.csv	1	name	no such column
email.csv	3	email	"b@" is not an e-mail address
utf8.csv	3	name	not valid UTF-8
nul.csv	3	-	NUL byte
dupref.csv	4	ref	"B1" is given twice in the input
dupmail.csv	3	email	already in the store \(customer 1\)
dupmail2.csv	3	email	given twice in the input
date.csv	3	birthday	not a valid calendar date
range.csv	3	intent	out of range \(1 to 5\)
notint.csv	2	intent	not a whole number
unknown.csv	1	shoe_size	no such field
enum.csv	2	stage	not one of lead, prospect, customer, lost
money.csv	2	income	more decimals than the currency
phone.csv	2	phone	not a phone number
twice.csv	1	name	named twice
extra.csv	2	-	3 fields; the header names 2
afterquote.csv	4	-	malformed quoting
attrname.csv	1	attr.bad key	not a valid attribute name
computed.csv	1	monetary	computed
date.tsv	3	birthday	is not a date'
plan $(( $(printf '%s\n' "$table" | wc -l) * 3 ))

before=$(dump)
while IFS='	' read -r file line field msg; do
	[ "$field" = - ] && field=
	rc=0; crm-add -f "$D/$file" customer >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ $rc -eq 65 ]; then _result 0 "$file: exit 65"
	else _result 1 "$file: exit 65"; echo "#   exit $rc"; fi
	want="^crm-add: $(printf %s "$D/$file" | sed 's/[.[\*^$]/\\&/g'):$line: ${field:+$field: }.*$msg"
	check_err "$file: names line $line${field:+ and $field}: $msg" "$want"
	after=$(dump)
	if [ "$after" = "$before" ]; then _result 0 "$file: store unchanged"
	else _result 1 "$file: store unchanged"; fi
done <<<"$table"
done_testing
