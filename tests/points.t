#!/bin/sh
# crm-points: earning once per purchase, rounding down, bonuses, balances.
. "${0%/*}/lib.sh"
plan 32

printf 'ref,name\nS1,One\nPA,Pa\n' | crm-add -q -f - customer
printf 'customer_ref,ts,amount,product\nS1,2026-03-01,55.00,tea\nS1,2026-04-01,60.50,cups\nPA,2026-07-10,9.99,x\nPA,2026-07-20,15.00,y\n' |
	crm-add -q -f - purchase
check_out 'earn prints how many purchases earned' 2 'crm-points earn --asof 2026-06-30 --rate 1/10'
check_exit 'a second run earns nothing again: exit 1' 1 'crm-points earn --asof 2026-06-30 --rate 1/10'
check_out 'one point per 10 units, rounded down per purchase (55.00 -> 5, 60.50 -> 6)' \
	"$(printf 'S1\t11\nPA\t0')" 'crm-ls --asof 2026-06-30 -F ref,points'
check_out 'purchases after --asof wait; 9.99 earns 0, 15.00 earns 1' 1 \
	'crm-points -q earn --asof 2026-07-31; crm-ls -F points -w "ref = PA"'
check_out 'a product bonus from config' 61 \
	'crm-config points.bonus tea:50 && crm-add -q purchase customer_ref=S1 ts=2026-08-01 amount=1 product=tea && crm-points -q earn && crm-ls -F points -w "ref = S1"'
# the 5 redeemed take the oldest lot (5 of 03-01): the next to expire is the 6 of 04-01
check_out 'balances: id, balance, earned, redeemed, expired, when the oldest expire and how many' \
	"$(printf '1\t56\t61\t5\t0\t2028-04-01\t6\n2\t1\t1\t0\t0\t2028-07-20\t1')" \
	'crm-add -q points customer_ref=S1 delta=-5 reason=redeem && crm-points --asof 2026-12-31'
check_exit 'a malformed rate is a usage error' 64 'crm-points earn --rate ten'
check_out 'each purchase names its points record' 1 'sqlite3 "$CRM_DB" "SELECT count(*) FROM points WHERE purchase = 1"'

# Expiry, oldest points spent first: c earns 100 (2024-01-10) and 50 (2024-06-01),
# spends 30 (2025-03-01): 70 of the first lot are left when it ends on 2026-01-10.
# Spending 60 on 2026-03-01, before anyone wrote that expiry off, takes the 50 of the
# second lot and 10 that would have expired: 60 expire, the ledger never below zero.
crm-add -q customer ref=c name=C && crm-add -q customer ref=d name=D
for x in "c 2024-01-10 100" "c 2024-06-01 50" "c 2025-03-01 -30" "c 2026-03-01 -60" "d 2024-02-29 10" "d 2025-01-01 5"; do
	set -- $x; crm-add -q points customer_ref=$1 ts=$2 delta=$3 reason=hand; done
check_out 'before the end of the period: nothing expired, 70 expiring on 2026-01-10' \
	"$(printf '120\t150\t30\t0\t2026-01-10\t70')" "crm-points --asof 2025-12-31 | awk -F '\t' '\$1 == 3' | cut -f2-"
check_out 'expire writes off what is left, dated when each lot ended (29 February + 24m is 28 February)' \
	"$(printf '2\t70\n3\t2026-01-10T00:00:00Z\t-60\texpired: earned 2024-01-10\n4\t2026-02-28T00:00:00Z\t-10\texpired: earned 2024-02-29')" \
	"crm-points expire --asof 2026-03-31 && crm-ls points -w 'reason ~ \"expired*\"' -F customer,ts,delta,reason"
check_exit 'a second run finds nothing more: exit 1' 1 'crm-points expire --asof 2026-03-31'
check_out 'balances after: none left, what was spent and what expired' \
	"$(printf '3\t0\t150\t90\t60\t\t\n4\t5\t15\t0\t10\t2027-01-01\t5')" \
	"crm-points --asof 2026-03-31 | awk -F '\t' '\$1 >= 3'"
# Balances then, from the checks above: 1 has 56, 2 has 1, 3 has 0, 4 has 5.
check_out '-s -balance -l 2: the two largest balances, largest first' '1 4' \
	"crm-points --asof 2026-03-31 -s -balance -l 2 | cut -f1 | paste -sd ' '"
check_exit '-s and -l only with the balances: a usage error with expire' 64 \
	'crm-points -n -l 1 expire --asof 2026-03-31'
check_exit 'a mistyped action is a usage error' 64 'crm-points earm'
check_err 'naming the action meant' \
	"^crm-points: earm: no such action \\(did you mean earn\\?\\); try 'crm-points -h'\$"
check_exit 'another word: a usage error' 64 'crm-points zap'
check_err 'listing the actions' "^crm-points: zap: no such action \\(earn, expire\\); try 'crm-points -h'\$"
check_out 'the ledger never falls below zero, and the points metric agrees' '0 5' \
	"echo \$(sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM (SELECT sum(delta) OVER (PARTITION BY customer ORDER BY ts, id) AS b FROM points) WHERE b < 0') \$(crm-ls --asof 2026-03-31 -F points -w 'ref = \"d\"')"
# By hand, everything stored: S1 earned 5 + 6 + 50 (tea bonus) and redeemed
# 5 = 56, bought 55.00, 60.50 and 1 on three days; PA earned 1, bought 9.99
# and 15.00; c and d as above (0 and 5), no purchases.
stats="$(printf '1\t56\t3\t116.50\n2\t1\t2\t24.99\n3\t0\t0\t0.00\n4\t5\t0\t0.00')"
check_out 'the stored balances (earn and expire keep them set-wise) are the ledger'"'"'s' "$stats" \
	'crm-ls -F id,points,frequency,monetary'
damage_stats
check_out 'statistics damaged on purpose' "$(printf '1\t1056\t4\t1116.50\n2\t1001\t3\t1024.99\n3\t1000\t1\t1000.00\n4\t1005\t1\t1000.00')" \
	'crm-ls -F id,points,frequency,monetary'
check_out 'crm-init --rebuild-stats recomputes them from the ledger and the purchases' "$stats" \
	'crm-init -q --rebuild-stats && crm-ls -F id,points,frequency,monetary'
# e: 10 granted, 5 granted, 8 redeemed: taking back the 10 would leave -3 on the day of the redemption
crm-add -q customer ref=e name=E
for x in "2026-01-01 10" "2026-01-15 5" "2026-02-01 -8"; do set -- $x; crm-add -q points customer_ref=e ts=$1 delta=$2 reason=hand; done
first=$(crm-ls points -F id -w "customer_ref = \"e\"" | head -n 1)
check_exit 'crm-rm of points a later redemption relied on is refused: 65' 65 "crm-rm points $first"
check_err 'naming the day the balance would go below zero' 'delta: the balance would fall to -3 on 2026-02-01'
check_out 'and the record stays' 10 "crm-ls points -F delta -w 'id = $first'"
check_out 'the period is a setting' "$(printf '1\t5')" \
	'crm-config points.expiry 12m && crm-points expire --asof 2026-03-31'
# The guard refuses a balance below zero, not zero itself: f earns 10 and
# redeems all 10, leaving exactly 0.
crm-add -q customer ref=f name=F
crm-add -q points customer_ref=f ts=2026-01-01 delta=10 reason=hand
check 'a redemption down to exactly zero is allowed' \
	'crm-add -q points customer_ref=f ts=2026-01-02 delta=-10 reason=redeem'
check_out 'and the balance is 0' 0 "crm-ls -F points -w 'ref = \"f\"'"
check_exit 'one point more is refused' 65 \
	'crm-add -q points customer_ref=f ts=2026-01-03 delta=-1 reason=redeem'
# Write-offs are dated when their lot lapsed: an --asof past tomorrow would
# write points in the future, which crm-add refuses for any event.
before=$(must sqlite3 "$CRM_DB" 'SELECT count(*), max(ts) FROM points')
check_exit 'expire --asof after tomorrow is refused' 65 \
	'crm-points -q --asof 2099-01-01 expire'
check_err 'and says why' '^crm-points: --asof: points cannot expire after the end of tomorrow'
check_out 'and writes nothing' "$before" "sqlite3 \"\$CRM_DB\" 'SELECT count(*), max(ts) FROM points'"
done_testing
