#!/bin/sh
# A store pins its default day (crm(7) "The store's today"): after
# `crm-config today 1998-06-30` every command that takes --asof works as
# of the end of that day and says so (in the note of a report that has
# one, else on stderr); --asof still wins; `crm-config today ''` unpins.
. "${0%/*}/lib.sh"
plan 45

crm-add -q customer name=A
crm-add -q customer name=B
crm-add -q purchase customer=1 ts=1998-06-01 amount=10
crm-add -q purchase customer=1 ts=2020-01-01 amount=20
crm-add -q purchase customer=2 ts=1998-01-01 amount=50
NOTE='^crm-[a-z]+: as of 1998-06-30, the store.s today \(crm-config today\)$'

check_exit 'nothing pinned: crm-config today exits 1' 1 'crm-config today'
check 'pinning a day' 'crm-config today 1998-06-30'
check_out 'crm-config today prints it' 1998-06-30 'crm-config today'
check_out 'crm-config alone lists it' "$(printf 'today\t1998-06-30')" \
	'crm-config | grep ^today'
# As of the end of 1998-06-30: customer 1 bought on 1998-06-01 only (the
# purchase of 2020 is after the day): recency 29 days, frequency 1,
# monetary 10.00; customer 2: 1998-01-01 is 180 days before (31 + 28 + 31
# + 30 + 31 + 29, by hand).
check_out 'crm-ls computes as of the pinned day' \
	"$(printf '1\t29\t1\t10.00\n2\t180\t1\t50.00')" \
	'crm-ls -F id,recency,frequency,monetary'
check_err 'and says so on stderr' "$NOTE"
check_out '--asof still wins' "$(printf '1\t9\t1')" \
	'crm-ls --asof 1998-06-10 -F id,recency,frequency -w "id = 1" 2>"$TMP/e"'
check 'and then nothing is said' '[ ! -s "$TMP/e" ]'
check_out 'crm-show: the statistics as of the day' "$(printf 'recency\t29')" \
	'crm-show 1 | grep ^recency'
check_out 'and its timeline stops at its end' 1 \
	'crm-show 1 | grep -c "	purchase "'
check_err 'saying so' "$NOTE"
# Revenue as of the day: 10 + 50 = 60.00 (by hand).
check_out 'a report in tsv: as of the day' 60.00 \
	'crm-report summary | awk -F "\t" "\$1 == \"revenue\" { print \$2 }"'
check_err 'with the note on stderr, tsv having none' "$NOTE"
check_out 'a report as a table: the note above its tables' \
	"(as of 1998-06-30, the store's today, set by crm-config today)" \
	'crm-report -o table summary 2>"$TMP/e" | sed -n 1p'
check 'and nothing on stderr' '[ ! -s "$TMP/e" ]'
check 'an HTML report: the note in the page' \
	'crm-report -o html summary 2>"$TMP/e" >"$TMP/r.html" &&
	grep -q "<p class=\"note\">as of 1998-06-30, the store" "$TMP/r.html"'
check 'nothing on stderr there either' '[ ! -s "$TMP/e" ]'
check_out '-q: nothing said' '' 'crm-tier -q rfm 2>"$TMP/e"; cat "$TMP/e"'
check_out 'a command that takes no --asof says nothing' 2 \
	'crm-config decimals 2>"$TMP/e"; cat "$TMP/e"'
# --window counts back from the pinned day: customer 1's purchase of
# 1998-06-01 is within 30 days of it, customer 2's of 1998-01-01 is not.
check_out 'crm-tier --window counts back from the pinned day' 1 \
	'crm-tier -n rfm --window 30d | cut -f1'

check_exit 'a day that is not one is refused' 65 'crm-config today 1998-02-30'
check_err 'saying what the setting takes' 'today: "1998-02-30" is not valid'
check_exit 'so is a day not written YYYY-MM-DD' 65 'crm-config today 19980630'
check_exit 'and "now"' 65 'crm-config today now'
check_out 'a day stored badly by hand' '' \
	'sqlite3 "$CRM_DB" "UPDATE config SET value = '"'junk'"' WHERE key = '"'today'"'"'
check_exit 'stops an analysis with 65' 65 'crm-ls'
check_err 'naming it' 'today: "junk" is not a day \(crm-config today\)'

check 'crm-config today 1998-06-30 again' 'crm-config today 1998-06-30'
check_out 'a record added without a time is dated the end of the day' \
	1998-06-30T23:59:59Z \
	'crm-add -q purchase customer=2 amount=1 && crm-ls purchase -F ts -w "id = 4"'
# A usage error found once the store is open is the only line: the note
# waits for the arguments to be known good (the first output or the end).
for c in 'crm-ls -s citty' "crm-ls -w 'citty = \"x\"'" \
    'crm-report --by citty segments' "crm-tag -R foo 'citty = \"x\"'" \
    'crm-points earn --rate abc' 'crm-tier -H -s bogus rfm'; do
	check_out "$c: exit 64, one line on stderr, no note" '64 1' \
	    "rc=0; $c 2>\"\$TMP/e\" || rc=\$?; echo \$rc \$(wc -l <\"\$TMP/e\")"
done
check_out 'that line says what is wrong' \
	"crm-tier: -s: \"bogus\": no such column; try 'crm-tier -h'" 'cat "$TMP/e"'
check_out 'nothing found: the note still says which day, then exit 1' \
	"1 crm-ls: as of 1998-06-30, the store's today (crm-config today)" \
	"rc=0; crm-ls -w 'id = 99' 2>\"\$TMP/e\" || rc=\$?; echo \$rc \$(cat \"\$TMP/e\")"
check "crm-config today '' unpins it" "crm-config today ''"
check_exit 'and it is unset' 1 'crm-config today'
# Unpinned: as of the calendar's day, when both purchases of customer 1
# count (2 days, 30.00), and nothing is said.
check_out 'analyses are as of the calendar again' "$(printf '1\t2\t30.00')" \
	'crm-ls -F id,frequency,monetary -w "id = 1" 2>"$TMP/e"'
check 'saying nothing' '[ ! -s "$TMP/e" ]'
check "crm-config today '' with nothing pinned is fine" "crm-config today ''"
check 'crm-config --unset today unpins as well' \
	'crm-config today 1998-06-30 && crm-config --unset today &&
	! crm-config today'
check_exit 'a misspelt setting' 64 'crm-config --unset tody'
check_err 'gets the nearest' '^crm-config: tody: no such setting \(did you mean today\?\); try .crm-config -h.$'
done_testing
