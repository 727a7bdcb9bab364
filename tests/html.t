#!/bin/sh
# crm-report -o html, the dashboard (issue 13 item 1): headline tiles
# against the previous --window, charts with axes and units, tables folded
# beneath, human labels, the currency, separators, percentages, top 10 and
# others, bounded cohorts, the forecast's axis, both answers' scores, the
# selection in the heading, scalable SVGs, a print stylesheet.  Each check
# is one of the issue's "wrong now" lines; the layout itself is checked in
# a browser by tests/browser.t.
. "${0%/*}/lib.sh"
plan 26

# The store of tests/report.t, and complaints past the promise (72 h):
# one opened 03-01 never resolved, one opened 03-20 and closed 04-10
# (past it on 03-31, not on 04-30), one opened 04-25 (past it on 04-28); a
# question past it does not count.
. "$TESTS/data/report-store.sh"
for t in "a 2026-03-01T00:00:00Z -" "b 2026-03-20T00:00:00Z 2026-04-10T00:00:00Z" \
	"d 2026-04-25T00:00:00Z -"; do
	set -- $t
	if [ "$3" = - ]; then r=; else r="resolved=$3 status=closed"; fi
	crm-add -q ticket customer_ref=$1 opened=$2 $r kind=complaint subject=late
done
crm-add -q ticket customer_ref=a opened=2026-03-01 kind=question subject=q
crm-config -q currency EUR
A=--asof=2026-04-30
crm-report $A -o html all >"$TMP/r.html"

# tiles FILE: each tile on a line, label|figure|change|against what
tiles() {
	/usr/bin/python3 -c '
import re, sys
page = open(sys.argv[1], encoding="utf-8").read().replace("\u00a0", " ")
for m in re.finditer(r"<div class=\"tile\"><h3>(.*?)</h3><p class=\"v\">(.*?)</p><p class=\"d\">(.*?) <span>(.*?)</span>", page):
    print("|".join(m.groups()))' "$1"
}
# sect NAME FILE: the section of report NAME
sect() {
	awk -v id="id=\"r-$1\"" 'index($0, "<section") && index($0, id) { p = 1 } p { print } p && /^<\/section>/ { exit }' "$2"
}

# As of 2026-04-30 and 30 days before, 2026-03-31 (hand-computed from
# tests/data/report-store.sh): customers a b c d both days; active (a
# purchase in the year) a b c, then a b (c's last was 2025-03-01); revenue
# of the 30 days: c's 10.00 on 04-30, then a's 30.00 on 03-10, one order
# each; repeat buyers a c of 3, then a of 3; NPS of the latest answers
# (10 2 9 9) 50.0, then a's 3 alone -100.0; CSAT 4.50, then a's 1.00;
# open complaints past 72 h on 04-30: 03-01 and 04-25 (the store's own
# 04-29 12:00 and 04-30 08:00 are not yet past it), on 03-31: 03-01 and
# 03-20 (resolved only on 04-10).
check_out 'tiles: each figure, its change and the previous 30 days, named' \
'Customers|4|▶ no change|vs 4 on 2026-03-31
Active (bought in a year)|3|▲ +50.0 %|vs 2 on 2026-03-31
Revenue, last 30 days|EUR 10.00|▼ -66.7 %|vs EUR 30.00 in the 30 days to 2026-03-31
Average order value, last 30 days|EUR 10.00|▼ -66.7 %|vs EUR 30.00 in the 30 days to 2026-03-31
Repeat rate|66.7 %|▲ +33.3 pts|vs 33.3 % on 2026-03-31
NPS|50.0|▲ +150.0 pts|vs -100.0 on 2026-03-31
CSAT|4.50|▲ +3.50 pts|vs 1.00 on 2026-03-31
Open complaints over the promise|2|▶ no change|vs 2 on 2026-03-31' \
	'tiles "$TMP/r.html"'
check 'tiles: the period they compare is named' \
	'grep -q "Each figure against the previous 30 days (--window): as of 2026-03-31, or over 2026-03-02 to 2026-03-31." "$TMP/r.html"'
# --window 7d: revenue of 04-24..04-30 (10.00) against 04-17..04-23 (none).
crm-report $A -o html --window 7d summary >"$TMP/w.html"
check_out 'tiles --window 7d: the revenue of the week against the week before' \
	'Revenue, last 7 days|EUR 10.00|▲ up from 0|vs EUR 0.00 in the 7 days to 2026-04-23' \
	'tiles "$TMP/w.html" | grep "^Revenue"'
check_out 'tiles with -w: the selection only (ann: a b; active a b, then a b)' \
	'Active (bought in a year)|2|▶ no change|vs 2 on 2026-03-31' \
	"crm-report $A -o html -w 'owner = \"ann\"' summary >\"\$TMP/s.html\" && tiles \"\$TMP/s.html\" | grep ^Active"

# ---- what the issue found wrong ------------------------------------------
check 'every table is folded beneath its chart (<details>)' \
	'[ "$(grep -c "<table[ >]" "$TMP/r.html")" -eq "$(grep -c "<details>" "$TMP/r.html")" ] &&
	[ "$(grep -c "<details>" "$TMP/r.html")" -ge 12 ]'
check 'every SVG has a viewBox and the width of its container' \
	'n=$(grep -c "<svg" "$TMP/r.html") && [ "$n" -ge 8 ] &&
	[ "$(grep "<svg" "$TMP/r.html" | grep -c "viewBox=\"0 0 [0-9]* [0-9]*\" width=\"100%\"")" -eq "$n" ]'
check 'every chart has axis labels (ticks) and names its measure' \
	'/usr/bin/python3 -c "
import re, sys
page = open(sys.argv[1], encoding=\"utf-8\").read()
svgs = re.findall(r\"<svg.*?</svg>\", page, re.S)
bad = [s[:80] for s in svgs if s.count(\"class=\\\"tick\") < 3 or \"axis-title\" not in s and \"legend\" not in s]
assert svgs and not bad, bad" "$TMP/r.html"'
check 'the currency of crm-config currency names money axes' \
	'sect segments "$TMP/r.html" | grep ">Revenue (EUR)</text>" >/dev/null'
check_out 'human labels, not field names (repeat_rate, revenue_at_risk...)' '0' \
	'sed -n "/<body>/,\$p" "$TMP/r.html" | { grep -c "repeat_rate\|revenue_at_risk\|expected_revenue\|median_response_hours\|>share<" || true; }'
check 'shares are percentages: the repeat rate 0.6667 is 66.7 %' \
	'sect summary "$TMP/r.html" | grep "<td>66\.7.%</td>" >/dev/null'
check 'but tsv keeps the field name and the share' \
	'crm-report $A summary | grep -qx "repeat_rate	0.6667"'
check 'the forecast has a y axis with ticks in the currency' \
	'[ "$(sect forecast "$TMP/r.html" | grep -c "<text class=\"tick\" x=\"[0-9.]*\" y=\"[0-9.]*\" text-anchor=\"end\"")" -ge 3 ] &&
	sect forecast "$TMP/r.html" | grep "aria-label=\"Revenue (EUR)\"" >/dev/null'
check 'the forecast is drawn beside 13 months of history (12 and this one)' \
	'[ "$(sect forecast "$TMP/r.html" | grep -c "<rect class=\"s0\"")" -ge 13 ]'
check 'answers by score: NPS and CSAT both charted' \
	'sect satisfaction "$TMP/r.html" | grep "<rect class=\"s1\"" >/dev/null &&
	sect satisfaction "$TMP/r.html" | grep ">CSAT</text>" >/dev/null'
check 'the heading names the day and the store' \
	'grep -q "<title>crm report: crm.db, 2026-04-30</title>" "$TMP/r.html" &&
	grep -q "<h1>Customer report, 2026-04-30</h1>" "$TMP/r.html" &&
	grep -q "store <code>$CRM_DB</code>" "$TMP/r.html"'
check 'a -w page names its selection in the heading' \
	'grep -q "<h1>Customer report, 2026-04-30: <code>owner = &quot;ann&quot;</code></h1>" "$TMP/s.html" &&
	grep -q "<title>crm report: crm.db, 2026-04-30, owner = &quot;ann&quot;</title>" "$TMP/s.html"'
check 'a print stylesheet: one report per page' \
	'grep -q "@media print{.*section.report{break-before:page}" "$TMP/r.html"'
check 'a palette for colour-blind readers: Okabe and Ito blue and orange' \
	'grep -q "svg .s0{fill:#0072b2}svg .s1{fill:#e69f00}" "$TMP/r.html"'
check 'one self-contained page: no script, nothing fetched' \
	'! grep -qi "<script\|src=\|url(\|@import\|<link" "$TMP/r.html"'

# ---- a store of many owners and thirty monthly cohorts -------------------
# 30 customers, one a month from 2024-01 to 2026-06, owners o0..o14 (two
# each), each buying 1234.50 in their month; the value tiers run on
# 2026-06-01, then z joins and buys on 2026-06-15: not in the run (and
# in the 2026-06 cohort).
export CRM_DB="$TMP/many.db"
crm-init -q
{
	echo 'customer_ref,ts,order_ref,product,amount'
	for i in $(seq 0 29); do
		echo "c$i,$((2024 + i / 12))-$(printf %02d $((i % 12 + 1)))-10,,x,1234.50"
	done
} >"$TMP/mp.csv"
{
	echo 'ref,name,owner,created'
	for i in $(seq 0 29); do echo "c$i,C $i,o$((i % 15)),2024-01-01"; done
} >"$TMP/mc.csv"
crm-add -q -f "$TMP/mc.csv" customer
crm-add -q -f "$TMP/mp.csv" purchase
crm-tier -q --asof 2026-06-01 value
crm-add -q customer ref=z name=Zed owner=o0 created=2026-06-01
crm-add -q purchase customer_ref=z ts=2026-06-15 amount=5.00
M=--asof=2026-06-30
crm-report $M -o html all >"$TMP/m.html"
check 'thousands separators: o0..o4 bought 2 x 1234.50 = 2,469.00' \
	'sect segments "$TMP/m.html" | grep "<td>2,469.00</td>" >/dev/null'
check_out 'a long list: the top 10 and "others" in the chart, all 15 in the table' \
	'11 others (5) 15' \
	'sect segments "$TMP/m.html" | awk "/<svg/,/<\/svg>/" | grep -c "<text class=\"label\"" | tr "\n" " ";
	sect segments "$TMP/m.html" | grep -o "others ([0-9]*)" | sed -n 1p | tr "\n" " ";
	sect segments "$TMP/m.html" | sed -n "/<tbody>/,/<\/tbody>/p" | grep -c "^<tr>"'
check_out 'cohorts: the last 24 of 30 on the page (2024-07 to 2026-06)' \
	'24 2024-07 2026-06' \
	'sect cohort "$TMP/m.html" | sed -n "/<tbody>/,/<\/tbody>/p" | grep "^<tr>" | sed "s/^<tr><td>\([^<]*\)<.*/\1/" | awk "{ n++; if (!f) f = \$0; l = \$0 } END { print n, f, l }"'
check_out 'cohorts: all 30 in tsv, as before' '30' \
	"crm-report $M cohort | tail -n +2 | wc -l"
check_out '--cohorts 2: the last two, and the periods they span' \
	'cohort,size,m0,m1 2026-05,1,1.0000,0.0000 2026-06,2,1.0000,' \
	"crm-report $M --cohorts 2 cohort | tr '\t' , | paste -sd ' '"
check_exit '--cohorts 0 is a usage error' 64 "crm-report $M --cohorts 0 cohort"
check 'churn by tier: the buyers the tier run left out are named, not blank' \
	'sect churn "$TMP/m.html" | grep ">(not in the tier run)<" >/dev/null'
done_testing
