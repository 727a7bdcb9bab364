#!/bin/sh
# History: purchases, contacts, tickets, surveys, points; the statistics
# kept from them, checked against an independent implementation.
. "${0%/*}/lib.sh"
plan 46

printf 'ref,name\nS1,One\nS2,Two\nS3,Three\nS4,Four\n' | crm-add -q -f - customer
check_out 'a purchase prints its id' 1 'crm-add purchase customer=1 amount=129.90 product=tea-set qty=2 ts=2026-03-01'
check_out 'fields of a kind print as typed' "$(printf '1\t1\tS1\t2026-03-01T00:00:00Z\t129.90\ttea-set\t2')" \
	'crm-ls purchase -F id,customer,customer_ref,ts,amount,product,qty'
check_out 'ts defaults to now; --asof moves now' '2025-12-31T23:59:59Z' \
	'crm-add -q --asof 2025-12-31 purchase customer=2 amount=1 && crm-ls purchase -F ts -w "customer = 2"'
check_exit 'an unknown customer is bad input' 65 'crm-add purchase customer=99 amount=1'
check_err 'naming it' 'customer: 99: no such customer'
check_exit 'an unknown customer_ref is bad input' 65 'crm-add purchase customer_ref=NOPE amount=1'
check_exit 'a purchase needs its customer' 65 'crm-add purchase amount=1'
check_err 'and says how to name one' 'customer: is required \(customer=ID or customer_ref=REF\)'
check_exit 'more decimals than the currency are refused, not rounded' 65 'crm-add purchase customer=1 amount=0.001'
check_exit 'an nps above 10 is refused' 65 'crm-add survey customer=1 kind=nps score=11'
check_exit 'a csat above 5 is refused' 65 'crm-add survey customer=1 kind=csat score=6'
check_err 'naming the kind'"'"'s range' 'score: 6 is out of range for csat \(1 to 5\)'
check_exit 'a channel must be one of the list' 65 'crm-add contact customer=1 channel=pigeon'
check_exit 'points need a whole number' 65 'crm-add points customer=1 delta=1.5'
check_exit 'a redemption beyond the balance is refused' 65 \
	'crm-add -q points customer=1 ts=2026-07-01 delta=11 && crm-add points customer=1 ts=2026-07-31 delta=-20'
check_err 'saying when it would fall below zero' 'delta: the balance would fall to -9 on 2026-07-31'
check_exit 'so is one dated before the points were earned' 65 'crm-add points customer=1 ts=2026-06-01 delta=-5'
check_out 'a redemption within the balance is taken' 6 \
	'crm-add -q points customer=1 ts=2026-07-31 delta=-5 && crm-ls -F points -w "id = 1"'
printf 'customer_ref,ts,amount\nS1,2026-01-01,1.00\nNOPE,2026-01-02,2.00\n' >"$TMP/unk.csv"
before=$(dump)
check_exit 'a bulk file with an unknown customer_ref is refused' 65 'crm-add -f "$TMP/unk.csv" purchase'
check_err 'naming file, line and field' 'unk\.csv:3: customer_ref: NOPE: no such customer$'
check_out 'and nothing was written' "$before" 'sqlite3 "$CRM_DB" .dump'
t=$(crm-add ticket customer=3 opened=2026-06-01T09:00:00Z kind=complaint subject=late)
check_out 'a new ticket is open' open "crm-ls ticket -F status -w 'id = $t'"
check_out 'closing a ticket stamps resolved (now: the end of the --asof day)' "$(printf 'closed\t2026-06-01T23:59:59Z')" \
	"crm-set --asof 2026-06-01 ticket $t status=closed && crm-ls ticket -F status,resolved -w 'id = $t'"
check_out 'crm-ls KIND -w filters on its fields' '129.90' \
	'crm-ls purchase -F amount -w "amount >= 100 and ts >= 2026-01-01 and product ~ \"tea*\""'
check_out 'crm-set KIND reads ids from stdin' '5.00' \
	'crm-ls purchase -F id -w "customer = 2" | crm-set purchase amount=5 && crm-ls purchase -F amount -w "customer = 2"'
check_out 'metrics filter: recency and monetary' 'S1' \
	'crm-ls --asof 2026-07-01 -F ref -w "recency > 90d and monetary >= 100"'
check_out 'deleting a customer deletes its history and statistics' '0 0' \
	'crm-rm 2 && echo $(sqlite3 "$CRM_DB" "SELECT count(*) FROM purchase WHERE customer = 2; SELECT count(*) FROM stats WHERE customer = 2")'

# Random writes of every kind, then the metrics against stats.py's.
rm -f "$CRM_DB"*
printf 'ref,name\nS1,One\nS2,Two\nS3,Three\nS4,Four\n' | crm-add -q -f - customer
"$TESTS/stats.py" ops 7 160 >"$TMP/ops.sh"
check 'a random mix of writes of every kind runs' 'bash "$TMP/ops.sh"'
for asof in 2026-02-15 2026-06-30 -; do
	check "metrics agree with an independent computation (--asof $asof)" \
		"/usr/bin/python3 '$TESTS/stats.py' check $asof"
done
check_out 'the repeat spend (crm-clv --summary) agrees with the history' \
	"$(must /usr/bin/python3 "$TESTS/stats.py" summary)" 'crm-clv --summary'
# Schema 6 adds stats.first_day_revenue: a schema 5 store gets it filled.
cp "$CRM_DB" "$TMP/v5.db"
sqlite3 "$TMP/v5.db" "ALTER TABLE stats DROP COLUMN first_day_revenue; PRAGMA user_version = 5"
check_out 'a schema 5 store migrated keeps the same repeat spend' \
	"$(must /usr/bin/python3 "$TESTS/stats.py" summary)" \
	'crm-clv -d "$TMP/v5.db" --summary'
damage_stats
check_exit 'damaged statistics: the independent computation sees them' 1 \
	"/usr/bin/python3 '$TESTS/stats.py' check -"
check_err 'naming a metric that differs from the history' ': .* is .*, the history says '
check_exit 'and so does --asof, as newest is damaged too' 1 \
	"/usr/bin/python3 '$TESTS/stats.py' check 2026-02-15"
check_err 'naming a metric that differs from the history' ': .* is .*, the history says '
check 'crm-init --rebuild-stats' 'crm-init -q --rebuild-stats'
check_out 'and the repeat spend agrees again' \
	"$(must /usr/bin/python3 "$TESTS/stats.py" summary)" 'crm-clv --summary'
for asof in 2026-02-15 2026-06-30 -; do
	check "after it the metrics agree again (--asof $asof)" \
		"/usr/bin/python3 '$TESTS/stats.py' check $asof"
done
# The first purchase day's revenue (stats.first_day_revenue): one purchase
# at a time (kept by each write), and in bulk (recomputed at commit).
# By hand: G1 buys 1.00 on the 10th, 8.00 and 16.00 on the 9th (now the
# first day), 4.00 on the 11th: repeat days 10th and 11th, 5.00 after the
# first day, m_x 2.50.  G2 (in bulk): 1.00 and 2.00 on the 1st, 4.00 on
# the 2nd, 16.00 on the 5th: m_x 20.00 / 2 = 10.  G3, in 1960 (before
# 1970: a day is ts / 86400 all the same): 5.00 and 7.00 on the 1st, 9.00
# on the 3rd: m_x 9.
printf 'ref,name\nG1,One\nG2,Two\nG3,Three\n' | crm-add -q -f - customer
for p in 2026-03-10T10:00:00Z,1.00 2026-03-09T23:00:00Z,8.00 \
    2026-03-09T01:00:00Z,16.00 2026-03-11T00:00:00Z,4.00; do
	must crm-add purchase customer_ref=G1 ts=${p%,*} amount=${p#*,} >/dev/null
done
printf 'customer_ref,ts,amount\nG2,2026-04-01T10:00:00Z,1.00\nG2,2026-04-01T12:00:00Z,2.00\nG2,2026-04-02T10:00:00Z,4.00\nG2,2026-04-05,16.00\n' |
	crm-add -q -f - purchase
for p in 1960-01-01T10:00:00Z,5.00 1960-01-01T11:00:00Z,7.00 \
    1960-01-03T11:00:00Z,9.00; do
	must crm-add purchase customer_ref=G3 ts=${p%,*} amount=${p#*,} >/dev/null
done
check_out 'x and m_x from the first day'"'"'s revenue, by hand' \
	"$(printf 'G1\t2\t2.5\nG2\t2\t10\nG3\t1\t9')" \
	'crm-clv --summary --key ref | grep "^G" | cut -f1,2,5'
check_out 'the same after --rebuild-stats' \
	"$(printf 'G1\t2\t2.5\nG2\t2\t10\nG3\t1\t9')" \
	'crm-init -q --rebuild-stats && crm-clv --summary --key ref | grep "^G" | cut -f1,2,5'
cp "$CRM_DB" "$TMP/g5.db"
sqlite3 "$TMP/g5.db" "ALTER TABLE stats DROP COLUMN first_day_revenue; PRAGMA user_version = 5"
check_out 'and after the migration from schema 5' \
	"$(printf 'G1\t2\t2.5\nG2\t2\t10\nG3\t1\t9')" \
	'crm-clv -d "$TMP/g5.db" --summary --key ref | grep "^G" | cut -f1,2,5'
check_out 'the timeline is newest first' \
	"$(must crm-ls purchase -F ts -w 'customer = 1' -s -ts -l 3)" \
	'crm-show 1 | grep "	purchase " | cut -f1 | sed -n 1,3p'
done_testing
