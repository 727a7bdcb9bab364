# A small store whose reports tests/report.t works out by hand (asof 2026-04-30).
cat >"$TMP/c.csv" <<'CSV'
ref,name,owner,region,created
a,Ann A,ann,north,2026-01-01
b,Ben B,ann,south,2026-01-01
c,Cai C,bob,north,2025-01-01
d,Dee D,bob,,2026-01-01
e,Eve E,bob,north,2026-07-15
CSV
crm-add -q -f "$TMP/c.csv" customer
cat >"$TMP/p.csv" <<'CSV'
customer_ref,ts,order_ref,product,amount
a,2026-01-31T10:00:00Z,O1,x,100.00
a,2026-01-31T10:00:00Z,O1,y,50.00
a,2026-02-10,,x,5.00
a,2026-03-10,,y,30.00
b,2026-02-28T23:59:59Z,O2,x,20.00
c,2025-03-01,O3,z,200.00
c,2026-04-30T23:00:00Z,O4,x,10.00
a,2026-05-02,O5,x,999.00
CSV
crm-add -q -f "$TMP/p.csv" purchase
crm-add -q ticket customer_ref=a opened=2026-04-01T10:00:00Z first_response=2026-04-02T10:00:00Z resolved=2026-04-03T10:00:00Z status=closed kind=complaint subject=one
crm-add -q ticket customer_ref=b opened=2026-04-10T00:00:00Z first_response=2026-04-11T00:00:01Z kind=question subject=two
crm-add -q ticket customer_ref=c opened=2026-04-29T12:00:00Z kind=complaint subject=three
crm-add -q ticket customer_ref=c opened=2026-04-30T08:00:00Z kind=complaint subject=four
crm-add -q ticket customer_ref=a opened=2026-05-01T08:00:00Z kind=complaint subject=after
for x in "a nps 10 2026-04-01" "a nps 3 2026-03-01" "b nps 2 2026-04-01" "c nps 9 2026-04-01" "d nps 9 2026-04-01" "c nps 0 2026-05-05" \
	"a csat 4 2026-04-01" "a csat 1 2026-03-01" "b csat 5 2026-04-01" \
	"a expectation 9 2026-04-01" "a satisfaction 3 2026-04-01" "b expectation 8 2026-04-01" "b satisfaction 8 2026-04-01"; do
	set -- $x; crm-add -q survey customer_ref=$1 kind=$2 score=$3 ts=$4; done
printf '%s\n' customer_ref,ts,channel a,2026-04-01,phone a,2026-04-10,email a,2026-04-20,visit b,2026-04-15,chat b,2025-12-01,phone c,2026-04-02,phone |
	crm-add -q -f - contact
crm-tier -q --asof 2026-02-28 value; crm-tier -q --asof 2026-04-30 value; crm-tier -q --asof 2026-04-30 service
