#!/bin/sh
# make demo (scripts/demo): a store whose today is the end of its history
# (1998-06-30), so its analyses look at it as of then; history no earlier
# than each customer's creation; a closing hint that works as printed,
# from a shell where nothing of crm is on PATH (a fresh clone).
. "${0%/*}/lib.sh"
plan 11
D="$TMP/demo"
S="$D/crm.db"

check 'the demo runs' \
	'"${TESTS%/*}/scripts/demo" "$CRM_BUILD" "$D" >"$TMP/demo.out" 2>"$TMP/demo.err"'
check_out 'its store pins its today to the end of the history' 1998-06-30 \
	'crm-config -d "$S" today'
check_out 'the newest purchase is of that day (CDNOW ends on 1998-06-30)' \
	1998-06-30 \
	'sqlite3 "$S" "SELECT date(max(ts), '"'unixepoch'"') FROM purchase"'
check 'an analysis without --asof is one as of that day' \
	'crm-report -d "$S" summary >"$TMP/a" &&
	crm-report -d "$S" --asof 1998-06-30 summary >"$TMP/b" &&
	cmp "$TMP/a" "$TMP/b"'
check 'and not one as of the calendar' \
	'crm-report -d "$S" --asof "$(date -u +%F)" summary >"$TMP/c" &&
	! cmp -s "$TMP/a" "$TMP/c"'
# Every customer of CDNOW bought in 1997 (tests/data/cdnow/README.md):
# all 23,570 are active as of 1998-06-30 by some history, and the demo
# names them all.
check_out 'every customer has history' 23570 \
	'sqlite3 "$S" "SELECT count(DISTINCT customer) FROM purchase"'
for k in purchase:ts contact:ts ticket:opened survey:ts; do
	check_out "no ${k%%:*} before its customer was created" 0 \
		"sqlite3 '$S' 'SELECT count(*) FROM ${k%%:*} AS h JOIN customer AS c
		ON c.id = h.customer WHERE h.${k#*:} < c.created'"
done
# The hint: the lines after "Go on from this shell:", run by a shell that
# has only the system's folders on PATH and no CRM_DB.
sed -n '/^Go on from this shell:$/,$p' "$TMP/demo.out" | sed 1d >"$TMP/hint"
check_out 'the closing hint works as printed: a header and 20 customers' 21 \
	'[ -s "$TMP/hint" ] &&
	env -i HOME="$TMP" PATH=/usr/bin:/bin LC_ALL=C.UTF-8 sh -e "$TMP/hint" |
	wc -l'
done_testing
