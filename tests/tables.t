#!/bin/sh
# The tables of what grows (reports, tier schemes, kinds, models): the
# lists users see come from them and agree with the manual, and a
# mistyped name gets the nearest one ("did you mean").
. "${0%/*}/lib.sh"
plan 33
MAN=$TESTS/../man

# list CMD...: the names an error lists at the end of its line, "(a, b)"
# or "is not one of a,b" (an option's value), before "; try 'CMD -h'",
# one per line (CMD must fail with 64, as an unknown name is a usage error).
list() {
	rc=0
	"$@" 2>"$TMP/list.err" >/dev/null || rc=$?
	[ "$rc" -eq 64 ] || { echo "exit $rc, not 64" >&2; return 1; }
	sed "s/; try '[^']*'\$//" "$TMP/list.err" |
	    sed -n -e 's/.*(\([^()]*\))$/\1/p' \
	    -e 's/.* is not one of \([^ ]*\)$/\1/p' | sed 's/, */\n/g'
}
# manlist PAGE: the names of the first tagged list of a man page.
manlist() {
	awk '/^\.Bl/ { n++ } n == 1 && /^\.It Cm / { print $3 }
	    /^\.El/ && n == 1 { exit }' "$MAN/$1"
}

# The manual's lists, written by hand, are what the tables hold.
check_out 'the reports crm-report knows are those of crm-report(1)' \
	"$(manlist crm-report.1)" 'list crm-report zzzzzzzzzz'
check_out 'the schemes crm-tier knows are those of crm-tier(1)' \
	"$(manlist crm-tier.1)" 'list crm-tier zzzzzzzzzz'
check_out 'crm-report --scheme knows the same schemes' \
	"$(manlist crm-tier.1)" 'list crm-report --scheme zzzzzzzzzz tiers'
check_out 'and crm lists them for crm-tier, after what it does' \
	"$(sed -n 's/^\.Nd //p' "$MAN/crm-tier.1"): $(manlist crm-tier.1 |
	paste -sd, | sed 's/,/, /g')" "crm | sed -n 's/^  tier  *//p'"

# Every other place the manual lists a table's names by hand is marked
# (".\" list of WHAT" to ".\" end of list"); each such list holds exactly
# the table's names, in its order.  marked WHAT: one line per list,
# "PAGE: a,b,c", of the names after Cm (up to the next macro) in it.
marked() {
	(cd "$MAN" && awk -v what="$1" '
	FNR == 1 { on = 0 }
	$0 == ".\\\" list of " what " (tests/tables.t)" { on = 1; s = ""; next }
	on && $0 == ".\\\" end of list" { print FILENAME ": " s; on = 0; next }
	on { c = 0
		for (i = 1; i <= NF; i++)
			if ($i ~ /^\.?Cm$/) c = 1
			else if ($i ~ /^\.?[A-Z][a-z]$/) c = 0
			else if (c && $i ~ /^[a-z][a-z0-9_.]*$/)
				s = s (s == "" ? "" : ",") $i }' \
	    crm.7 $(ls *.1 | sort))
}
# want WHAT LIST PAGE...: what marked WHAT must print.
want() { w=$1; shift; for p; do printf '%s: %s\n' "$p" "$w"; done; }
schemes=$(list crm-tier zzzzzzzzzz | paste -sd,)
kinds=$(list crm-ls zzzzzzzzzz | paste -sd,)
history=$(list crm-ls zzzzzzzzzz | grep -vx customer | paste -sd,)
# settings: every key crm-config knows, from its list of them
settings() {
	rc=0; crm-config zzzzzzzzzz 1 2>"$TMP/set.err" || rc=$?
	[ "$rc" -eq 64 ] || { echo "exit $rc, not 64" >&2; return 1; }
	sed -n 's/^  \([^	]*\)	.*/\1/p' "$TMP/set.err"
}
check 'crm-config lists its settings' "[ \$(settings | wc -l) -ge 20 ]"
check_out 'the manual lists the schemes where crm-report(1) does' \
	"$(want "$schemes" crm-report.1 crm-report.1)" 'marked schemes'
check_out 'and their fields where crm(7) says what -F all is' \
	"$(want "$(echo "$schemes" | sed 's/\([^,]*\)/tier.\1/g')" crm.7)" \
	"marked 'tier fields'"
check_out 'the kinds where crm-ls(1) lists them' "$(want "$kinds" crm-ls.1)" \
	'marked kinds'
check_out 'the kinds of history where crm(7), crm-dedupe, crm-export and crm-show do' \
	"$(want "$history" crm.7 crm-dedupe.1 crm-export.1 crm-show.1)" \
	"marked 'history kinds'"
check_out 'the schemes with follow-ups (cadence.NAME.*) where crm-due(1) does' \
	"$(want "$(settings | sed -n 's/^cadence\.\([^.]*\)\..*/\1/p' | uniq |
	paste -sd,)" crm-due.1)" "marked 'cadence schemes'"
# crm-config(1)'s settings: each .It of its first list names one or more
# (cadence.presale. Ns Bro A | B | C Brc: cadence.presale.A to C).
mansettings() {
	awk '/^\.Bl/ { n++ } n == 1 && /^\.It Cm / { sub(/^\.It Cm /, "")
		gsub(/ , Cm /, " , "); print } /^\.El/ && n == 1 { exit }' \
	    "$MAN/crm-config.1" | sed 's/ , /\n/g' | while read -r k; do
		case $k in
		*" Ns Bro "*" Brc")
			p=${k%% Ns Bro *}; l=${k#* Ns Bro }; l=${l% Brc}
			for x in $(echo "$l" | tr -d '|'); do echo "$p$x"; done;;
		*) echo "$k";;
		esac
	done
}
check_out 'crm-config(1) describes every setting crm-config knows' \
	"$(settings | sort)" 'mansettings | sort'

# What each command does is said once, in crm.c's table (crm --commands,
# which zsh's completion shows): its page's NAME line and crm(1) agree.
nd() { for c; do printf '%s\t%s\n' "$c" "$(sed -n 's/^\.Nd //p' "$MAN/crm-$c.1")"; done; }
crmlist() {
	awk '/^The commands are:/ { on = 1 } !on { next }
	    /^\.El/ { exit } /^\.It Xr crm-/ { n = substr($3, 5); next }
	    n != "" { print n "\t" $0; n = "" }' "$MAN/crm.1"
}
check_out 'each command'\''s NAME line is its line of crm --commands' \
	"$(crm --commands | grep -v '^help	')" \
	'nd $(crm --commands | cut -f1 | grep -vx help)'
check_out 'and crm(1) lists the commands with the same lines' \
	"$(crm --commands | grep -v '^help	')" crmlist
check_out 'the kinds crm-add knows are those crm-add(1) names' \
	"$(sed -n '/^The kinds are/,/^their fields/s/^\.Cm \([a-z]*\).*/\1/p' \
	"$MAN/crm-add.1")" 'list crm-add zzzzzzzzzz name=x'
check_out 'crm-churn -m knows the heuristic and the purchase models' \
	"$(printf 'heuristic\nbgnbd\npnbd\nmbgnbd')" \
	'list crm-churn -m zzzzzzzzzz'

# Did you mean: the nearest name, with the usage status.
check_exit 'a mistyped report is a usage error' 64 'crm-report tier'
check_err 'naming the nearest report' \
	'^crm-report: tier: no such report \(did you mean tiers\?\); try .crm-report -h.$'
check_exit 'a mistyped scheme in crm-tier' 64 'crm-tier rfn'
check_err 'naming the nearest scheme' \
	'^crm-tier: rfn: no such scheme \(did you mean rfm\?\); try .crm-tier -h.$'
check_exit 'and in crm-report --scheme' 64 'crm-report --scheme valeu tiers'
check_err 'naming the option and the nearest scheme' \
	'^crm-report: --scheme: "valeu" is not one of [a-z,]*value[a-z,]* \(did you mean value\?\); try .crm-report -h.$'
check_exit 'a mistyped kind in crm-add' 64 'crm-add purchse customer=1'
check_err 'naming the nearest kind' \
	'^crm-add: purchse: no such kind of record \(did you mean purchase\?\); try .crm-add -h.$'
check_exit 'and in crm-ls' 64 'crm-ls custmer'
check_err 'naming the nearest kind' \
	'^crm-ls: custmer: no such kind of record \(did you mean customer\?\); try .crm-ls -h.$'
check_exit 'a mistyped model in crm-churn' 64 'crm-churn -m bgnb'
check_err 'naming the nearest model' \
	'^crm-churn: -m: "bgnb" is not one of heuristic,bgnbd,pnbd,mbgnbd \(did you mean bgnbd\?\); try .crm-churn -h.$'
check_exit 'gg is no model crm-churn scores with' 64 'crm-churn -m gg'
check_err 'and a name far from all gets the list' \
	'^crm-churn: -m: "gg" is not one of heuristic,bgnbd,pnbd,mbgnbd; try .crm-churn -h.$'

# What a scheme takes comes from its row: --window for rfm and value.
crm-init >/dev/null 2>&1
check_exit 'presale takes no --window' 64 'crm-tier --window 30d presale'
check_err 'and says so' \
	'^crm-tier: --window: the presale scheme counts no window; try .crm-tier -h.$'

# Each kind's line on the timeline comes from its row of the kind table:
# its time column and what it says, written here by hand.
crm-add -q customer name=Li created=2025-12-01
crm-add -q purchase customer=1 ts=2026-01-01 amount=12.5 product=tea qty=2 \
	order_ref=O1
crm-add -q contact customer=1 ts=2026-01-02 channel=phone direction=in \
	by=ann note=hello
crm-add -q ticket customer=1 opened=2026-01-03 kind=complaint severity=3 \
	subject=late first_response=2026-01-03T02:30:00Z
crm-add -q survey customer=1 ts=2026-01-04 kind=csat score=4 comment=ok
crm-add -q points customer=1 ts=2026-01-05 delta=5 reason=bonus
check_out 'every kind of history on the timeline, in its own words' \
	"$(printf '%s\t%s\t%s\n' \
	2026-01-05T00:00:00Z 'points 1' '+5 points: bonus' \
	2026-01-04T00:00:00Z 'survey 1' 'csat 4: ok' \
	2026-01-03T00:00:00Z 'ticket 1' \
	'complaint severity 3: late; first response after 2h 30m [open]' \
	2026-01-02T00:00:00Z 'contact 1' 'phone in by ann: hello' \
	2026-01-01T00:00:00Z 'purchase 1' '12.50 tea x2 (order O1)')" \
	"crm-show 1 | grep '^20'"

# A report of several tables has its row in crm-report.c's tables[] (what
# --table takes): the tables --dir writes (REPORT.csv, REPORT-TABLE.csv)
# are those --table knows, for every report but tiers (one per scheme).
written() {
	for r in $(list crm-report zzzzzzzzzz | grep -vx 'all\|tiers'); do
		rm -rf "$TMP/dir" && mkdir "$TMP/dir" || return
		crm-report --asof 2026-02-01 -o csv --dir "$TMP/dir" "$r" ||
			return
		printf '%s: %s\n' "$r" "$(ls "$TMP/dir" | sed -e 's/\.csv$//' \
		    -e "s/^$r-//" | sort | paste -sd,)"
	done
}
knows() {
	for r in $(list crm-report zzzzzzzzzz | grep -vx 'all\|tiers'); do
		printf '%s: %s\n' "$r" "$(list crm-report --table zzzzzzzzzz \
		    "$r" | sort | paste -sd,)"
	done
}
check_out 'each report writes the tables --table knows for it' \
	"$(knows)" written
