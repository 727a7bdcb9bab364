#!/bin/sh
# crm-tier: the four schemes on hand-computed cases, runs, --changes.
. "${0%/*}/lib.sh"
plan 26

{ echo ref,name,stage,intent,progress,expected_close
  for i in 1 2 3 4 5 6 7 8 9 10; do echo "K$i,Cust $i,customer,,,"; done
  echo "L1,Lead 1,lead,5,negotiation,2026-07-10"; echo "L2,Lead 2,prospect,3,qualified,2026-08-29"
  echo "L3,Lead 3,lead,1,new,"; echo "L4,Lead 4,prospect,4,proposal,2027-01-16"
  echo "L5,Lead 5,lead,2,new,2026-06-01"
} | crm-add -q -f - customer
# K1..K10 spend 500 200 100 80 50 30 20 10 5 5 on 10, 9, ..., 1 days; the
# last purchase of Ki is 10 i days before the --asof day.  By hand: Ki's
# lowest place from the worst value is r = 11 - i on each dimension (K9 and
# K10 tie on M, both at r = 1), so its scores are 1 + floor(5 (r - 1) / 10):
# 5 5 4 4 3 3 2 2 1 1.
/usr/bin/python3 - <<'PY' | crm-add -q -f - purchase
import datetime as dt
rev = [500, 200, 100, 80, 50, 30, 20, 10, 5, 5]
asof = dt.date(2026, 6, 30)
print("customer_ref,ts,amount")
for i, r in enumerate(rev, 1):
    days = 11 - i
    for k in range(days):
        cents = r * 100 // days + (r * 100 % days if k == 0 else 0)
        print("K%d,%s,%d.%02d" % (i, asof - dt.timedelta(days=10 * i + 7 * k), cents // 100, cents % 100))
PY
A=--asof=2026-06-30
# tiers SCHEME COLS REF...: columns COLS (2 or 2,3) of crm-tier -n SCHEME for
# each REF, the columns joined by ':' and the customers by '|'
tiers() {
	local scheme=$1 cols=$2 r; shift 2
	crm-tier -n $A "$scheme" >"$TMP/tier" && crm-ls -F id,ref >"$TMP/ids" &&
	for r in "$@"; do
		awk -F'\t' -v r="$r" -v c="$cols" 'NR == FNR { if ($2 == r) id = $1; next }
		$1 == id { n = split(c, cs, ","); o = $cs[1]; for (i = 2; i <= n; i++) o = o ":" $cs[i]; print o }' \
		    "$TMP/ids" "$TMP/tier"
	done | paste -sd '|'
}
K='K1 K2 K3 K4 K5 K6 K7 K8 K9 K10'
check_out 'value: A while the share before is under 80 %, B under 95 %' 'A|A|A|B|B|B|C|C|C|C' "tiers value 2 $K"
check_out 'value: the score is the revenue' '500.00' 'tiers value 3 K1'
# -s and -l on the printed customers; sort(1) orders the same run by hand.
check_out '-s -score -l 3: the three highest scores, highest first' \
	"$(crm-tier -n $A value | sort -t "$(printf '\t')" -k3,3nr -k1,1n | head -3)" \
	"crm-tier -n $A -s -score -l 3 value"
check_out '-s tier,-id: by tier, then by id descending' \
	"$(crm-tier -n $A value | sort -t "$(printf '\t')" -k2,2 -k1,1nr | cut -f1 | paste -sd ' ')" \
	"crm-tier -n $A -s tier,-id value | cut -f1 | paste -sd ' '"
check_out 'rfm scores: R reversed, equal values share a score' \
	'555|555|444|444|333|333|222|222|111|111' "tiers rfm 3 $K"
check_out 'rfm segments from the R x F grid' \
	'Champions|Champions|Loyal|Loyal|Need attention|Need attention|Hibernating|Hibernating|Hibernating|Hibernating' \
	"tiers rfm 2 $K"
check_out 'rfm --window 30d: the last purchases 10 and 20 days back count, 30 not' 2 \
	"crm-tier -n $A --window 30d rfm | wc -l"
check_out 'presale: maturity and grade' 'A:1.000|B:0.540|C:0.080|B:0.620|C:0.160' \
	'tiers presale 2,3 L1 L2 L3 L4 L5'
check_out 'presale: a past expected close is no closeness' C 'tiers presale 2 L5'
crm-add -q survey customer_ref=K1 kind=expectation score=9 ts=2026-06-01
crm-add -q survey customer_ref=K1 kind=satisfaction score=6 ts=2026-06-01
crm-add -q survey customer_ref=K2 kind=expectation score=4 ts=2026-06-01
crm-add -q survey customer_ref=K2 kind=satisfaction score=4 ts=2026-06-01
crm-add -q survey customer_ref=K3 kind=expectation score=5 ts=2026-06-01
crm-add -q survey customer_ref=K3 kind=satisfaction score=4 ts=2026-06-01
check_out 'service: D from 15, E from 9, else F' 'D|F|E' 'tiers service 2 K1 K2 K3'
check_exit 'service: scores after --asof do not count: nobody graded exits 1' 1 \
	'crm-tier -n --asof 2026-05-01 service >"$TMP/svc"'
check 'and prints nothing' '[ -e "$TMP/svc" ] && [ ! -s "$TMP/svc" ]'
check_out '-n stores nothing' 0 'sqlite3 "$CRM_DB" "SELECT count(*) FROM tier_run"'
check_out 'a run is stored' 10 "crm-tier -q $A value; sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM tier'"
check_out 'tier.value in filters and -F' "$(printf 'K1\tA\nK2\tA\nK3\tA')" \
	'crm-ls -F ref,tier.value -w "tier.value = \"A\""'
check_exit '--changes with no move exits 1' 1 "crm-tier $A --changes value"
crm-add -q purchase customer_ref=K10 ts=2026-06-29 amount=1000.00
check_out '--changes prints the moves: id, from, to' "$(printf '3\tA\tB\n6\tB\tC\n10\tC\tA')" \
	"crm-tier $A --changes value"
check_out 'configured labels' 'strategic' \
	"crm-config tier.value.labels strategic,key,normal && crm-tier -n $A value | head -n 1 | cut -f2"
check_exit 'a malformed setting is refused' 65 'crm-config tier.value.cuts 0.9,0.5'
check_exit 'an unknown scheme is a usage error' 64 'crm-tier colour'
check_out 'crm-show shows the latest tiers' "$(printf 'tier.value\tA (1005.00)')" \
	"crm-show \$(crm-ls -F id -w 'ref = K10') | grep '^tier\.'"
check_out 'each run is audited' 3 'sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE kind = '"'tier'"'"'
# Ties that matter: four buyers on one day (so R and F tie for all) spend 10,
# 20, 20 and 20.  A score is 1 + floor(5 (r - 1) / 4), r the lowest place of
# the value: R and F all r = 1 give 1; M gives the 10 (r = 1) 1 and each 20
# (r = 2) 1 + floor(5 / 4) = 2 (counted row by row they would get 2, 3, 4).
export CRM_DB="$TMP/ties.db"
printf 'ref,name\nT1,T1\nT2,T2\nT3,T3\nT4,T4\n' | crm-add -q -f - customer
printf 'customer_ref,ts,amount\nT1,2026-06-01,10\nT2,2026-06-01,20\nT3,2026-06-01,20\nT4,2026-06-01,20\n' |
	crm-add -q -f - purchase
check_out 'rfm: tied customers share the score of the lowest place of their span' \
	"$(printf '1\t111\n2\t112\n3\t112\n4\t112\n')" "crm-tier -n $A rfm | cut -f1,3"

# The whole CDNOW history (23,570 customers, 51 % of them one-time buyers)
# as of its last day, against tests/rfm.py, RFM written again from crm-tier(1).
export CRM_DB="$TMP/cdnow.db"
"$TESTS/../scripts/cdnow-purchases" >"$TMP/p.csv"
awk -F, 'NR > 1 && !seen[$1]++ { print $1 ",CDNOW " $1 }' "$TMP/p.csv" |
	sed '1i ref,name' >"$TMP/c.csv"
crm-add -q -f "$TMP/c.csv" customer
crm-add -q -f "$TMP/p.csv" purchase
"$TESTS/rfm.py" "$TESTS/data/cdnow/CDNOW_master.txt" 1998-06-30 >"$TMP/rfm.py.out"
# crm-tier's lines with the ref in place of the id, sorted like rfm.py's.
cdnow_rfm() {
	crm-tier -n --asof 1998-06-30 rfm >"$TMP/t" && crm-ls -F id,ref >"$TMP/ids" &&
	awk -F'\t' -v OFS='\t' 'NR == FNR { ref[$1] = $2; next }
	    { $1 = ref[$1]; print }' "$TMP/ids" "$TMP/t" | sort
}
# CDNOW_master.txt: customer 00001 bought once, on 1997-01-01; 18 months
# without a purchase put it at R1, one day at F1.
check_out 'CDNOW: a one-time buyer of January 1997 is Hibernating' \
	"$(printf 'C0000001\tHibernating\t111')" 'cdnow_rfm | sed -n 1p'
check_out 'CDNOW: every segment has the size of the independent scoring' \
	"$(cut -f2 "$TMP/rfm.py.out" | sort | uniq -c)" 'cdnow_rfm | cut -f2 | sort | uniq -c'
check 'CDNOW: every customer has the segment and scores of the independent scoring' \
	'cdnow_rfm >"$TMP/rfm.crm.out" && cmp "$TMP/rfm.crm.out" "$TMP/rfm.py.out"'
done_testing
