#!/bin/sh
# crm-points: earning once per purchase, rounding down, bonuses, balances.
. "${0%/*}/lib.sh"
plan 8

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
check_out 'balances: id, balance, earned, redeemed' "$(printf '1\t56\t61\t5\n2\t1\t1\t0')" \
	'crm-add -q points customer_ref=S1 delta=-5 reason=redeem && crm-points'
check_exit 'a malformed rate is a usage error' 64 'crm-points earn --rate ten'
check_out 'each purchase names its points record' 1 'sqlite3 "$CRM_DB" "SELECT count(*) FROM points WHERE purchase = 1"'
done_testing
