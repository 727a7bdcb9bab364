#!/bin/sh
# Options declared once (issue 12 item 1): one-line usage errors, "did you
# mean" for options, -h explaining every option, shares taken as 0.3 or
# 30%, durations for --days, and -s/-l on crm-churn, crm-due and crm-clv.
# Each expected value is worked out by hand or by sort(1) and head(1) over
# the unsorted output.
. "${0%/*}/lib.sh"
ROOT=${TESTS%/*}
cmds=$(must sed -n '/^CMDS = /,/[^\\]$/p' "$ROOT/Makefile" | sed 's/^CMDS = //; s/\\$//' | xargs)
set -- $cmds
plan $((61 + 3 * ($# - 1)))

# ---- every command: a usage error is one line, --options has six fields
for c in $cmds; do
	[ "$c" = crm ] && continue
	check_exit "$c: an unknown option is a usage error" 64 "$c --no-such-option"
	cp "$TMP/err" "$TMP/e1"
	check_out "$c: saying so in one line, then where to look" \
		"$c: --no-such-option: no such option; try '$c -h'" 'cat "$TMP/e1"'
	check "$c --options: six tab-separated fields a line, options then operands" \
		"$c --options | awk -F '\t' 'NF != 6 || (\$1 == \"option\" && op) { exit 1 } \$1 == \"operand\" { op = 1 }'"
done

# ---- did you mean
check_exit 'crm-ls --feilds is a usage error' 64 'crm-ls --feilds id'
cp "$TMP/err" "$TMP/e1"
check_out 'naming the option meant, in one line' \
	"crm-ls: --feilds: no such option (did you mean --fields?); try 'crm-ls -h'" 'cat "$TMP/e1"'
check_exit 'crm-report --treshold 0.2' 64 'crm-report --treshold 0.2 churn'
check_err 'did you mean --threshold' '^crm-report: --treshold: no such option \(did you mean --threshold\?\)'
check_exit 'crm-churn -m bgndb' 64 'crm-churn -m bgndb'
check_err 'an enum value: did you mean bgnbd' '^crm-churn: -m: "bgndb" is not one of heuristic,bgnbd,pnbd,mbgnbd \(did you mean bgnbd\?\); try'

# ---- -h explains the options the issue found missing
check_out 'crm-ls -h explains -F, -s and -l' 3 \
	"crm-ls -h | grep -cE '^  -(F, --fields|s, --sort|l, --limit) .* [a-z]'"
check_out 'crm-add -h explains -u and --key' 2 \
	"crm-add -h | grep -cE '^  (-u, --update|    --key) .* [a-z]'"
check_out 'crm-tag -h explains -l and -R' 2 \
	"crm-tag -h | grep -cE '^  -(l, --list|R, --rule) .* [a-z]'"
check 'crm-clv -h: -n in the usage line' "crm-clv -h | sed -n 1p | grep -q -- ' \[-Hnq\] '"
check 'crm-dedupe -h: -n in the usage line' "crm-dedupe -h | sed -n 1p | grep -q -- ' \[-Hnq\] '"
check_exit 'a missing operand is one line too' 64 'crm-report'
cp "$TMP/err" "$TMP/e1"
check_out 'saying what is missing, in one line' "crm-report: the report is missing; try 'crm-report -h'" 'cat "$TMP/e1"'

# ---- shares: 0.3 and 30% alike, a bare number above 1 refused
printf 'ref,name,stage,created\nA,Ann,customer,2026-01-01\nB,Bo,customer,2026-01-01\nC,Cy,customer,2026-01-01\n' | crm-add -q -f - customer
for r in A:2026-01-05:10 A:2026-03-01:20 B:2026-02-01:5 B:2026-06-20:8 C:2026-01-10:7 C:2026-02-10:9 C:2026-05-10:30; do
	IFS=: read -r c t a <<<"$r"
	crm-add -q purchase customer_ref="$c" ts="$t" amount="$a"
done
S=$(must crm-churn --summary --asof 2026-06-30)
P=--params=0.24,4.4,0.79,2.4,6.25,3.74,15.44
check 'crm-clv --rate 10% values as --rate 0.1' \
	"[ \"\$(crm-clv --stdin $P --rate 10% <<<'$S')\" = \"\$(crm-clv --stdin $P --rate 0.1 <<<'$S')\" ]"
check 'and differently from --rate 0.2 (the rate counts)' \
	"[ \"\$(crm-clv --stdin $P --rate 20% <<<'$S')\" != \"\$(crm-clv --stdin $P --rate 0.1 <<<'$S')\" ]"
check_exit 'crm-clv --rate 5 is refused, not 500 %' 64 "crm-clv --stdin $P --rate 5 <<<'$S'"
check_err 'saying a share is asked' '^crm-clv: --rate: "5" is not a share from 0 to 1 \(like 0\.3 or 30%\); try'
check 'crm-churn --threshold 30% warns as --threshold 0.3' \
	"[ \"\$(crm-churn --asof 2026-06-30 -m heuristic --threshold 30%)\" = \"\$(crm-churn --asof 2026-06-30 -m heuristic --threshold 0.3)\" ]"
check 'crm-report --threshold 30% reports as --threshold 0.3' \
	'[ "$(crm-report --asof 2026-06-30 --threshold 30% churn)" = "$(crm-report --asof 2026-06-30 --threshold 0.3 churn)" ]'
check_exit 'crm-basket --min-support 2 is refused, not 200 %' 64 'crm-basket --min-support 2'

# ---- crm-due --days: a duration, or a bare number of days
check 'crm-due --days 2w is --days 14' \
	'[ "$(crm-due --asof 2026-06-30 --days 2w)" = "$(crm-due --asof 2026-06-30 --days 14)" ]'
check 'crm-due(1) says --days takes a duration' "grep -qx '.It Fl -days Ar duration' '$ROOT/man/crm-due.1'"
# A duration of no time counts nothing: refused wherever one is asked for
# (crm-due's shortest is a day; the others take less, an hour say).
for c in 'crm-churn --backtest --holdout 0' 'crm-report --window 0d sla' \
    'crm-tier rfm --window 0w' 'crm-clv --horizon 0h'; do
	check_exit "$c is a usage error" 64 "$c"
	check_err 'saying so' \
	    "^${c%% *}: --[a-z]*: \"0[dwh]*\" is no time at all; try .${c%% *} -h.\$"
done
check_exit 'crm-due --days 12h: under its shortest, a day' 64 'crm-due --days 12h'
check_err 'saying so' '^crm-due: --days: "12h" is 0.5 days, under the shortest, 1 day; try'
check 'crm-report --window 12h: less than a day is some time' \
	'crm-report --asof 2026-06-30 --window 12h sla >/dev/null' 

# ---- -s and -l on crm-churn, crm-due, crm-clv
# Every customer is due (graded by surveys, never contacted: the cadences
# of a service run), so crm-due has rows to sort.
for c in A B C; do
	crm-add -q survey customer_ref=$c kind=expectation score=5 ts=2026-06-01
	crm-add -q survey customer_ref=$c kind=satisfaction score=5 ts=2026-06-01
done
crm-tier -q --asof 2026-06-30 service
check_out 'crm-due -s -id -l 3: the rows of the highest ids (two each: online, visit)' "$(printf '3\n3\n2')" \
	'crm-due --asof 2026-06-30 -s -id -l 3 | cut -f1'
check_out 'crm-due -s why,-id: as sort(1) orders the rows' \
	"$(must crm-due --asof 2026-06-30 | sort -t '	' -k5,5 -k1,1nr)" \
	'crm-due --asof 2026-06-30 -s why,-id'
check_exit 'crm-due -s du: no such column' 64 'crm-due --asof 2026-06-30 -s du'
check_err 'did you mean due' '^crm-due: -s: "du": no such column \(did you mean due\?\); try'
check_out 'crm-clv -s -clv: by value, highest first, as sort(1)' \
	"$(must crm-clv --stdin $P <<<"$S" | sort -t '	' -k4,4gr)" \
	"crm-clv --stdin $P -s -clv <<<'$S'"
check_out 'crm-clv -l 1 -s expected_purchases: the lowest' \
	"$(must crm-clv --stdin $P <<<"$S" | sort -t '	' -k2,2g | sed -n 1p)" \
	"crm-clv --stdin $P -l 1 -s expected_purchases <<<'$S'"
check_out 'crm-churn -s -id -l 1 in a table: the header and one row' 2 \
	'crm-churn --asof 2026-06-30 -m heuristic --threshold 0.99 -o table -s -id -l 1 | wc -l'
check_out 'crm-churn -l 0: nothing' '' 'crm-churn --asof 2026-06-30 -m heuristic -l 0'
check_exit 'crm-churn -l -1 is a usage error' 64 'crm-churn -m heuristic -l -1'
check_err 'saying a count is asked' '^crm-churn: -l: "-1" is not a whole number from 0; try'
check "--asof's help names the store's today, its default as crm(7) says" \
	"crm-ls --options | awk -F '\t' '\$3 == \"--asof\" { print \$6 }' | grep -q \"the store's today, else now\" &&
	grep -A1 '^\.It Fl -asof Ar date\$' '$ROOT/man/crm.7' | grep -q \"the store's today, else now\""

# ---- an id: digits above 0, parsed as every value is; given once
check_exit 'crm-export --subject abc is a usage error' 64 'crm-export --subject abc'
cp "$TMP/err" "$TMP/e1"
check_out 'one line, in the shape of a bad value' \
	"crm-export: --subject: \"abc\" is not an id (a whole number from 1); try 'crm-export -h'" 'cat "$TMP/e1"'
check_exit 'crm-export --subject 0' 64 'crm-export --subject 0'
check_exit 'crm-basket --suggest abc' 64 'crm-basket --suggest abc'
check_err 'whose - is named too' '^crm-basket: --suggest: "abc" is not an id \(a whole number from 1\), nor -; try'
check_exit 'crm-basket --suggest - still reads ids (none: nothing to offer, exit 1)' 1 \
	'crm-basket --suggest - </dev/null'
check_exit 'crm-dedupe --merge abc' 64 'crm-dedupe --merge abc 2'
check_err 'is refused before the store' '^crm-dedupe: --merge: "abc" is not an id'
check_exit 'crm-dedupe --undo abc' 64 'crm-dedupe --undo abc'
check_err 'so is --undo' '^crm-dedupe: --undo: "abc" is not an id'
check_exit 'crm-export --subject 1 --subject 2: one id at a time' 64 'crm-export --subject 1 --subject 2'
check_err 'not the last silently' "^crm-export: --subject: given twice; one id at a time; try 'crm-export -h'\$"
check_out 'while another option, given twice, counts the last (crm(7))' C \
	'crm-ls -F ref -l 5 -l 1 -s -ref'
check_exit 'crm-export without --subject' 64 'crm-export'
check_err 'says it is missing' "^crm-export: --subject is missing; try 'crm-export -h'\$"
check 'its usage shows --subject required, as crm-export(1)' \
	"crm-export -h | sed -n 1p | grep -q -- '\] --subject id\$'"
check 'and crm-export(1) has it without brackets' \
	"sed -n '/^\.Sh SYNOPSIS/,/^\.Sh/p' '$ROOT/man/crm-export.1' | grep -qx '\.Fl -subject Ar id'"
done_testing
