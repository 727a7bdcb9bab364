#!/bin/sh
# The filter language's bounds (crm(7)): at most 24 levels of not and
# parentheses, 500 and/or and 10,000 values in one expression, ~ patterns
# of 50,000 bytes.  Up to them
# a filter runs in every command that takes one; past them it is a usage
# error (64) at the column where it went past, never a crash (139) or
# SQLite's refusal (70).  The 1 MiB inputs are in unit.c (the argument
# list of a command stops at 128 KiB).
. "${0%/*}/lib.sh"
plan 50

cat >"$TMP/p.csv" <<'CSV'
customer_ref,ts,amount
A,2026-01-05,10.00
A,2026-02-09,12.00
A,2026-03-16,11.00
B,2026-01-20,40.00
B,2026-05-02,35.00
C,2026-04-11,8.00
CSV
printf 'ref,name\nA,Ann\nB,Bo\nC,Cy\n' >"$TMP/c.csv"
crm-add -q -f "$TMP/c.csv" customer
crm-add -q -f "$TMP/p.csv" purchase
export A='--asof 2026-06-30'
# A stored fit (the published CDNOW BG/NBD): three customers are too few
# to fit one.
sqlite3 "$CRM_DB" "INSERT INTO fit (model, unit, scale, asof, p1, p2,
    p3, p4, loglik, n, ts) VALUES ('bgnbd', 'week', 7, 1782863999, 0.243,
    4.414, 0.793, 2.426, -9582.4, 3, 0)"
crm-tier -q rfm $A

# gen KIND N: a filter on the heaviest fields (the latest tier run's
# subqueries, P(alive) from the stored fit) N deep, or with N and/or, or
# with N values.
T='tier.rfm = "x" or p_alive < 0.5'
gen() {
	/usr/bin/python3 - "$1" "$2" "$T" <<'EOF'
import sys
kind, n, t = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if kind == 'not':
	print('not ' * n + t)
elif kind == 'paren':
	print('(' * n + t + ')' * n)
elif kind == 'or':
	# t holds one or: n - 1 more
	print(' or '.join([t] + ['name'] * (n - 1)))
elif kind == 'values':
	# t holds two values: n - 2 more, in a list
	print(t + ' or name in (' + ', '.join(['"%d"' % i for i in range(n - 2)]) + ')')
elif kind == 'all':
	# 24 levels (12 nots, 12 parentheses), 500 and/or (t's or, 498 and,
	# one more or) and 10,000 values (t's two, 9,998 in the list)
	print('not ' * 12 + '(' * 12 + ' and '.join([t] + ['name'] * 498) +
	    ' or name in (' + ', '.join(['"%d"' % i for i in range(9998)]) + ')' + ')' * 12)
EOF
}

gen not 30000 >"$TMP/w"
# Old code: filter.c recursed once per not and crashed (139).
check_exit '30,000 nots: a usage error, not a crash' 64 'crm-ls -w "$(cat "$TMP/w")"'
# The 25th not: 24 nots of 4 bytes before it, column 24 * 4 + 1; the
# expression is 30,000 "not " and the 31 bytes of $T.
check_err 'at the column of the 25th not' \
	'nested more than 24 deep in not and parentheses \(at column 97 of a 120031-byte expression'
gen not 1000 >"$TMP/w"
# Old code: SQLite's parser stack overflowed (70).
check_exit '1,000 nots: a usage error' 64 'crm-ls -w "$(cat "$TMP/w")"'
gen or 3000 >"$TMP/w"
# Old code: SQLite's expression tree was too deep (70).
check_exit '3,000 or: a usage error' 64 'crm-ls -w "$(cat "$TMP/w")"'
# The 501st and/or is the 500th "or" after "$T" (which holds the first):
# T is 31 bytes, each " or name" 8, so that or is at 31 + 499 * 8 + 2.
check_err 'at the column of the 501st and/or' \
	'more than 500 and/or in one expression; for a list of values, use in \(\.\.\.\) \(at column 4025 '
gen paren 100 >"$TMP/w"
check_exit '100 parentheses: a usage error' 64 'crm-ls -w "$(cat "$TMP/w")"'
check_err 'at the column of the 25th (' 'at column 25 '
gen values 10001 >"$TMP/w"
# Old code: ran (10,001 variables are within SQLite's 32,766).
check_exit '10,001 values: a usage error' 64 'crm-ls -w "$(cat "$TMP/w")"'
check_err 'naming the limit' 'more than 10000 values in one expression'
# Up to the bounds a filter runs (exit 0, or 1 for nothing selected).
gen not 24 >"$TMP/w"
check 'crm-ls: 24 nots run' 'crm-ls $A -w "$(cat "$TMP/w")" >/dev/null; [ $? -le 1 ]'
gen paren 24 >"$TMP/w"
check 'crm-ls: 24 parentheses run' 'crm-ls $A -w "$(cat "$TMP/w")" >/dev/null; [ $? -le 1 ]'
gen or 500 >"$TMP/w"
check 'crm-ls: 500 or run' 'crm-ls $A -w "$(cat "$TMP/w")" >/dev/null; [ $? -le 1 ]'
gen values 10000 >"$TMP/w"
check 'crm-ls: 10,000 values run' 'crm-ls $A -w "$(cat "$TMP/w")" >/dev/null; [ $? -le 1 ]'

# Every command that takes a filter, at all the bounds at once (it runs:
# exit 0, or 1 for nothing selected), and one level deeper.  Old code:
# the deeper ones ran.
gen all 0 >"$TMP/w"
sed 's/^/not /' "$TMP/w" >"$TMP/deeper"
check 'crm-ls: all the bounds at once run' \
	'crm-ls $A -w "$(cat "$TMP/w")" >/dev/null; [ $? -le 1 ]'
check_exit 'crm-ls: a level deeper is a usage error' 64 \
	'crm-ls $A -w "$(cat "$TMP/deeper")"'
check 'crm-due: all the bounds at once run' \
	'crm-due $A -w "$(cat "$TMP/w")" >/dev/null; [ $? -le 1 ]'
check_exit 'crm-due: a level deeper is a usage error' 64 \
	'crm-due $A -w "$(cat "$TMP/deeper")"'
check 'crm-report: all the bounds at once run' \
	'crm-report $A -w "$(cat "$TMP/w")" all >/dev/null; [ $? -le 1 ]'
check_exit 'crm-report: a level deeper is a usage error' 64 \
	'crm-report $A -w "$(cat "$TMP/deeper")" all'
check 'crm-tag -R: a rule at all the bounds at once is defined' \
	'crm-tag -R deep "$(cat "$TMP/w")"'
check 'crm-tag --apply: and applied' 'crm-tag --apply $A >/dev/null; [ $? -le 1 ]'
sqlite3 "$CRM_DB" .dump >"$TMP/before"
check_exit 'crm-tag -R: a rule a level deeper is a usage error' 64 \
	'crm-tag -R deeper "$(cat "$TMP/deeper")"'
check 'and no rule is stored' 'sqlite3 "$CRM_DB" .dump | cmp -s - "$TMP/before"'

# SQLite refuses a GLOB pattern of more than 50,000 bytes when it runs.
crm-set 1 attr.k=v
P=$(/usr/bin/python3 -c 'print("a" * 50001)')
# Old code: "LIKE or GLOB pattern too complex" (70).
check_exit 'a ~ pattern of 50,001 bytes: a usage error' 64 \
	"crm-ls -w 'name ~ \"$P\"'"
check_err 'at the column of the pattern' \
	'a ~ pattern longer than 50000 bytes \(at column 8 '
check_exit 'attr.KEY ~ too' 64 "crm-ls -w 'attr.k ~ \"$P\"'"
check_exit 'a pattern of 50,000 bytes runs' 1 \
	"crm-ls -w 'name ~ \"${P#a}\"'"

# A long expression is quoted around the column, not whole.
gen or 3000 >"$TMP/w"
rc=0
crm-ls -w "$(cat "$TMP/w")" 2>"$TMP/msg" >/dev/null || rc=$?
is 'a usage error' "$rc" 64
check_out 'the message is one line' 1 'wc -l <"$TMP/msg"'
check 'of less than 300 bytes' '[ "$(wc -c <"$TMP/msg")" -lt 300 ]'


# p_alive is a number: a comparison binds the literal as one (it was bound
# as text, and SQLite orders every number before any text, so "p_alive <
# 0.3" matched every customer and "p_alive > 0.1" none).  The customers
# each side of the threshold are those crm-ls -F prints on that side.
B='--asof 2026-12-31'
crm-ls $B -F id,p_alive | awk -F'\t' '$2 < 0.3 { print $1 }' >"$TMP/low"
crm-ls $B -F id,p_alive | awk -F'\t' '$2 >= 0.3 { print $1 }' >"$TMP/high"
check 'the fit splits the customers at 0.3' \
    'test -s "$TMP/low" && test -s "$TMP/high"'
check_out 'p_alive < 0.3 lists those printed below it' \
    "$(cat "$TMP/low")" "crm-ls $B -F id -w 'p_alive < 0.3'"
check_out 'p_alive >= 0.3 lists those printed at or above it' \
    "$(cat "$TMP/high")" "crm-ls $B -F id -w 'p_alive >= 0.3'"
check_exit 'a p_alive compared with what is not a number: usage error' 64 \
    "crm-ls -w 'p_alive < 0.3x'"
check_err 'it names the value' '"0.3x" is not a number'
# A share takes 0.3 and 30% alike (crm(7)); a bare number above 1 is
# refused, not compared (p_alive < 30 held for every customer).
check_out 'p_alive < 30% lists those below 0.3' \
    "$(cat "$TMP/low")" "crm-ls $B -F id -w 'p_alive < 30%'"
check_out 'and in a list of values' "$(cat "$TMP/high")" \
    "crm-ls $B -F id -w 'not p_alive < 30% or p_alive in (50%)'"
check_exit 'p_alive < 30: usage error' 64 "crm-ls $B -w 'p_alive < 30'"
check_err 'saying a bare number above 1 is not a share' \
    '^crm-ls: -w: 30 is a share: a bare number above 1 is not one \(write 0.3 or 30%\) \(at column 11 of "p_alive < 30"\); try .crm-ls -h.$'
check_exit 'nor is 150%' 64 "crm-ls $B -w 'p_alive < 150%'"
check_err 'a share is 0 to 1' '150% is not a share: 0 to 1, or 0% to 100%'
check_exit 'a percentage of a number that is no share: not a number' 64 \
    "crm-ls $B -w 'frequency < 30%'"


# Did you mean: the nearest field by edit distance (one edit in a short
# name: citty -> city; a swap is one edit: frequnecy -> frequency).
check_exit 'a mistyped field in -w: usage error' 64 "crm-ls -w 'citty = x'"
check_err 'it names the nearest field' \
    '^crm-ls: -w: citty: no such field \(did you mean city\?\)'
check_exit 'a mistyped metric' 64 "crm-ls -w 'frequnecy > 2'"
check_err 'it names the metric' 'frequnecy: no such field \(did you mean frequency\?\)'
check_exit 'a mistyped field in -F' 64 'crm-ls -F id,citty'
check_err 'it names the nearest field too' \
    '^crm-ls: -F: citty: no such field of customer \(did you mean city\?\); try .crm-ls -h.$'
check_exit 'a name near none' 64 "crm-ls -w 'zzzz = 1'"
check_err 'suggests nothing' '^crm-ls: -w: zzzz: no such field \(at column'

done_testing
