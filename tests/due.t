#!/bin/sh
# crm-due: cadences reset by the last contact of their kind, stored grades,
# ticket deadlines, birthdays, the period, the owner; worked out by hand.
. "${0%/*}/lib.sh"
plan 20

A=--asof=2026-06-30
cat >"$TMP/c.csv" <<'CSV'
ref,name,stage,intent,progress,expected_close,owner,birthday,created
PA,Pre A,lead,5,negotiation,2026-07-10,alice,,2026-01-01
PB,Pre B,prospect,3,qualified,2026-08-29,alice,,2026-01-01
PC,Pre C,lead,1,new,,bob,,2026-03-01
S1,Svc One,customer,,,,alice,1992-02-29,2026-01-01
S2,Svc Two,customer,,,,bob,1985-07-03,2026-01-01
CSV
crm-add -q -f "$TMP/c.csv" customer
printf '%s\n' customer_ref,ts,channel PB,2026-06-23,email PB,2026-06-16,visit PC,2026-06-13,chat \
	PA,2026-06-29,phone S1,2026-06-16,phone S1,2026-06-01,visit S2,2026-05-01,visit |
	crm-add -q -f - contact
for x in "S1 expectation 9" "S1 satisfaction 8" "S2 expectation 4" "S2 satisfaction 4"; do
	set -- $x; crm-add -q survey customer_ref=$1 kind=$2 score=$3 ts=2026-06-01; done
# S1: answered, resolution due 72 h after opening; S2: unanswered, response due 24 h after
crm-add -q ticket customer_ref=S1 opened=2026-06-28T09:00:00Z first_response=2026-06-28T10:00:00Z kind=question subject=lid
crm-add -q ticket customer_ref=S2 opened=2026-07-01T12:00:00Z kind=complaint subject=late
crm-tier -q $A presale; crm-tier -q $A service
# after the run: a grade is the stored one
crm-set -q "$(crm-ls -F id -w 'ref = "PC"')" intent=5 progress=negotiation expected_close=2026-07-01

# PA (A): offer 7 days after any contact: 06-29 + 7 = 07-06, not today.
# PB (B): online 06-23 + 7 = 06-30 (today); visit 06-16 + 14 = 06-30 (today).
# PC (C, stored): online 06-13 + 18 = 07-01; visit: never, created 03-01 + 30 = 03-31.
# S1 (D: 9 + 8 >= 15): online 06-16 + 14 = 06-30; visit 06-01 + 30 = 07-01.
# S2 (F: 8 < 9): online 90 days: never online, created 01-01 + 90 = 04-01.
check_out 'today: every follow-up worked out by hand, by due date then id' "$(printf '%s\n' \
	'3	Pre C	bob	visit	presale C: no visit yet, every 30 days	2026-03-31' \
	'5	Svc Two	bob	online	service F: no online contact yet, every 90 days	2026-04-01' \
	'2	Pre B	alice	visit	presale B: last visit 2026-06-16, every 14 days	2026-06-30' \
	'2	Pre B	alice	online	presale B: last online contact 2026-06-23, every 7 days	2026-06-30' \
	'4	Svc One	alice	online	service D: last online contact 2026-06-16, every 14 days	2026-06-30' | sort -t '	' -k6,6 -k1,1n -s)" \
	"crm-due $A"
check_out '--days 2: the next day too (resolution 72 h after opening is 07-01 09:00)' \
	'3:online:2026-07-01 4:complaint:2026-07-01 4:visit:2026-07-01' \
	"crm-due $A --days 2 | awk -F '\t' '\$6 == \"2026-07-01\" { printf \"%s%s:%s:%s\", s, \$1, \$4, \$6; s = \" \" } END { print \"\" }'"
check_out 'a ticket opened after the asof day is not there yet: of the tickets, only #1' \
	"$(printf '4\tquestion #1 "lid": resolution due 2026-07-01T09:00:00Z')" \
	"crm-due $A --days 3 | awk -F '\t' '\$4 == \"complaint\"' | cut -f1,5"
check_out 'the next day it is, due 24 h after opening' \
	'5	complaint	complaint #2 "late": first response due 2026-07-02T12:00:00Z	2026-07-02' \
	"crm-due --asof 2026-07-01 --days 2 | grep late | cut -f1,4-"
check_out 'past its deadline it says overdue and keeps its day' \
	'complaint #2 "late": first response overdue since 2026-07-02T12:00:00Z	2026-07-02' \
	"crm-due --asof 2026-07-05 | grep late | cut -f5-"
check_out 'a 29 February birthday falls on the 28th in other years, with the age' \
	"$(printf 'turns 35\t2027-02-28')" "crm-due --asof 2027-02-27 --days 2 | grep birthday | cut -f5-"
check_out 'and on the 29th in leap years' "$(printf 'turns 36\t2028-02-29')" \
	"crm-due --asof 2028-02-29 | grep birthday | cut -f5-"
check_out 'a period longer than a year holds each birthday in it' \
	"$(printf 'turns 35\t2027-02-28\nturns 36\t2028-02-29')" "crm-due --asof 2027-01-01 --days 500 | grep birthday | grep '^4' | cut -f5-"
check_out '--days 7 reaches a birthday three days ahead' "$(printf '5\tbirthday\tturns 41\t2026-07-03')" \
	"crm-due $A --days 7 | grep birthday | cut -f1,4-"
check_out 'a contact resets only its kind: a visit today leaves the call due' 'online' \
	"crm-add -q contact customer_ref=PB ts=2026-06-30T09:00:00Z channel=visit && crm-due $A -w 'ref = \"PB\"' | cut -f4"
check_out '--owner keeps one person'"'"'s customers' alice \
	"crm-due $A --owner alice | cut -f3 | sort -u"
check_out '-w selects customers with the filter language' 4 \
	"crm-due $A -w 'stage = \"customer\" and owner = \"alice\"' | cut -f1 | sort -u"
check_exit 'nothing due: exit 1' 1 "crm-due $A --owner nobody"
check 'the same store and --asof give the same bytes' \
	"crm-due $A --days 30 >\"\$TMP/d1\" && crm-due $A --days 30 >\"\$TMP/d2\" && [ -s \"\$TMP/d1\" ] && cmp \"\$TMP/d1\" \"\$TMP/d2\""
check_out 'cadences come from config' 'presale B: last online contact 2026-06-23, every 3 days	2026-06-26' \
	"crm-config cadence.presale.B online:3 && crm-due $A -w 'ref = \"PB\"' | cut -f5-"
check_exit 'a malformed cadence is refused by crm-config' 65 'crm-config cadence.presale.B online:soon'
check_exit '--days must be a whole number of days' 64 "crm-due $A --days 0"
# A first response made after --asof is not made yet: opened 06-30 08:00 and
# answered 07-01 09:00, as of 06-30 it is the response (24 h) that is due.
crm-add -q ticket customer_ref=S1 opened=2026-06-30T08:00:00Z first_response=2026-07-01T09:00:00Z kind=question subject=slow
check_out 'a first response after --asof does not count yet' \
	"$(printf 'question #3 "slow": first response due 2026-07-01T08:00:00Z\t2026-07-01\n')" \
	"crm-due $A --days 2 | grep slow | cut -f5-"
check_out 'as of the day of the response, the resolution is due (72 h)' \
	"$(printf 'question #3 "slow": resolution due 2026-07-03T08:00:00Z\t2026-07-03\n')" \
	"crm-due --asof 2026-07-01 --days 3 | grep slow | cut -f5-"
# --days 1m is 30 days (crm(7)): 06-30 to 07-29, so a birthday on 07-29 is
# in and one on 07-30 is out.
printf 'ref,name,birthday,created\nB29,Born 29,1990-07-29,2026-01-01\nB30,Born 30,1990-07-30,2026-01-01\n' |
	crm-add -q -f - customer
check_out '--days 1m: the 30 days from the asof day' \
	"$(printf 'turns 41\t2026-07-03\nturns 36\t2026-07-29\n')" \
	"crm-due $A --days 1m | grep birthday | cut -f5-"
done_testing
