#!/bin/sh
# crm-report: every report's numbers on a small hand-made store
# (tests/data/report-store.sh), worked out by hand below, as of 2026-04-30.
. "${0%/*}/lib.sh"
plan 54

. "$TESTS/data/report-store.sh"
A=--asof=2026-04-30
# rows REPORT...: the first table of a report on one line, rows by spaces, cells by commas
rows() {
	crm-report $A "$@" | awk 'NF == 0 { t++ } !t { gsub(/\t/, ","); printf "%s%s", s, $0; s = " " } END { print "" }'
}
# table N REPORT...: the N-th table
table() {
	local n=$1; shift
	crm-report $A "$@" | awk -v n="$n" 'BEGIN { t = 1 } NF == 0 { t++; next } t == n { gsub(/\t/, ","); printf "%s%s", s, $0; s = " " } END { print "" }'
}
R=rows T=table

# customers: a b c d (e is created after the day); buyers a b c, all active (c's last
# purchase is on the day itself, c's first 425 days before it); revenue 150 + 5 + 30 + 20
# + 200 + 10 = 415.00 (a's 999.00 is after the day); orders O1, two without order_ref, O2,
# O3, O4 = 6; aov 415 / 6 = 69.1666 -> 69.17; repeat: a (3 days) and c (2) of 3 buyers;
# open tickets two, three, four; nps over the latest answers 10 2 9 9: (3 - 1) / 4 = 50.0
# (not c's 0 after the day); csat latest 4 (not the older 1) and 5: 4.50
check_out 'summary, every line' \
	'name,value customers,4 active,3 buyers,3 revenue,415.00 orders,6 aov,69.17 repeat_rate,0.6667 open_tickets,3 nps,50.0 csat,4.50' \
	"$R summary"
# one: answered at exactly 24 h (met), resolved at 48 h (met); two: answered 24 h 1 s
# (breached), never resolved, 72 h passed on 04-13 (overdue); three: unanswered, its
# 24 h ended 04-30 12:00 (overdue); four: opened 04-30 08:00, due 05-01 (not yet); the
# ticket opened 05-01 does not exist yet.  Medians: (24 h + 24 h 1 s) / 2, and 48 h.
check_out 'sla, every line' \
	'name,value tickets,4 responded,2 met,1 breached,1 open_overdue,1 resolved,1 resolution_met,1 resolution_breached,0 unresolved_overdue,1 median_response_hours,24.00 median_resolution_hours,48.00' \
	"$R sla"
check_out 'sla: the distribution of first-response times' \
	'first_response,tickets 0-1h,0 1-4h,0 4-8h,0 8-24h,1 24-48h,1 48h+,0 none yet,2' "$T 2 sla"
check_out 'segments --by owner: by revenue, the share of 415.00' \
	'owner,customers,revenue,share bob,2,210.00,0.5060 ann,2,205.00,0.4940' "$R segments --by owner"
# ann's bar: 205 / 210 x 20 cells = 19.52, 19 full blocks and 4 eighths
check_out 'table: numbers and money right-aligned, a bar of eighths scaled to the largest' \
	"$(printf 'owner  customers  revenue  share\nbob            2   210.00  0.5060  %s\nann            2   205.00  0.4940  %s%s' \
	"$(printf '\342\226\210%.0s' $(seq 20))" "$(printf '\342\226\210%.0s' $(seq 19))" "$(printf '\342\226\214')")" \
	"crm-report $A -o table segments | tail -n +2"
check_out 'segments --by region: unset is a group of its own' \
	'region,customers,revenue,share north,2,395.00,0.9518 south,1,20.00,0.0482 ,1,0.00,0.0000' "$R segments --by region"
check_out 'segments by two fields, one of them a tier' \
	'owner,tier.value,customers,revenue,share bob,A,1,210.00,0.5060 ann,A,1,185.00,0.4458 ann,C,1,20.00,0.0482 bob,,1,0.00,0.0000' \
	"$R segments --by owner,tier.value"
# -w 'owner = "ann"': a and b.  Orders O1, two without order_ref, O2: 205 / 4 = 51.25;
# nps (10, 2): 0.0; open: b's ticket two
check_out 'summary -w: only the customers the filter selects' \
	'name,value customers,2 active,2 buyers,2 revenue,205.00 orders,4 aov,51.25 repeat_rate,0.5000 open_tickets,1 nps,0.0 csat,4.50' \
	"$R -w 'owner = \"ann\"' summary"
check_out 'sla -w: their tickets only' \
	'name,value tickets,2 responded,2 met,1 breached,1 open_overdue,0 resolved,1 resolution_met,1 resolution_breached,0 unresolved_overdue,1 median_response_hours,24.00 median_resolution_hours,48.00' \
	"$R -w 'owner = \"ann\"' sla"
check_out 'cohort -w: their cohorts only' \
	'cohort,size,m0,m1,m2,m3 2026-01,1,1.0000,1.0000,1.0000,0.0000 2026-02,1,1.0000,0.0000,0.0000,' \
	"$R -w 'owner = \"ann\"' cohort"
check_out 'segments -w: only the customers the filter selects' \
	'owner,customers,revenue,share ann,1,185.00,1.0000' "$R -w 'ref = \"a\"' segments"
# c: first 2025-03-01, again 2026-04 (13 months on); a: 01-31 (the last day of
# January is January), 02-10, 03-10; b: only 02-28 23:59:59 (still February)
check_out 'cohort: first-purchase month, size, share buying each month since; later months empty' \
	'cohort,size,m0,m1,m2,m3,m4,m5,m6,m7,m8,m9,m10,m11,m12,m13 2025-03,1,1.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,1.0000 2026-01,1,1.0000,1.0000,1.0000,0.0000,,,,,,,,,, 2026-02,1,1.0000,0.0000,0.0000,,,,,,,,,,,' \
	"$R cohort"
check_out 'cohort --period quarter' \
	'cohort,size,q0,q1,q2,q3,q4,q5 2025-Q1,1,1.0000,0.0000,0.0000,0.0000,0.0000,1.0000 2026-Q1,2,1.0000,0.0000,,,,' \
	"$R cohort --period quarter"
# value on 02-28: c 200 (A), a 155 (200/375 before: A), b 20 (355/375 = .947: B);
# on 04-30: c 210, a 185 (A), b 20 (395/415 = .952: C); d never bought
check_out 'tiers: sizes, shares, revenue and the moves from the run before' \
	'tier,customers,share,revenue,revenue_share,from_A,from_B,new A,2,0.6667,395.00,0.9518,2,0,0 C,1,0.3333,20.00,0.0482,0,1,0' \
	"$R tiers --scheme value"
check_exit 'tiers of a scheme never run: exit 1' 1 "crm-report $A tiers --scheme rfm"
# latest answers: nps a 10, b 2, c 9, d 9; csat a 4, b 5; a expects 9 and got 3, b 8 and 8
check_out 'satisfaction, every line' \
	'name,value nps_answers,4 promoters,3 passives,0 detractors,1 nps,50.0 csat_answers,2 csat,4.50 expectation,8.50 satisfaction,5.50' \
	"$R satisfaction"
check_out 'satisfaction: expectation x satisfaction' \
	'expectation,satisfaction_low,satisfaction_mid,satisfaction_high high (8-10),1,0,1 mid (5-7),0,0,0 low (1-4),0,0,0' \
	"$T 2 satisfaction"
# service: a 9 + 3 = 12 (E), b 8 + 8 = 16 (D); contacts in the 90 days: a 3, b 1 (not 2025-12-01)
check_out 'effort: the team'"'"'s contacts per grade against the 70/20/10 targets' \
	'grade,customers,contacts,share,target,gap D,1,1,0.2500,0.7000,-0.4500 E,1,3,0.7500,0.2000,0.5500 F,0,0,0.0000,0.1000,-0.1000' \
	"$R effort"
check_out 'effort: and each owner'"'"'s' \
	'owner,grade,customers,contacts,share,target,gap ann,D,1,1,0.2500,0.7000,-0.4500 ann,E,1,3,0.7500,0.2000,0.5500' \
	"$T 2 effort"
check_out 'effort --window 16d: the 16 days to the end of the day, a 04-20 and b 04-15' \
	'owner,grade,customers,contacts,share,target,gap ann,D,1,1,0.5000,0.7000,-0.2000 ann,E,1,1,0.5000,0.2000,0.3000' \
	"$T 2 effort --window 16d"
# the heuristic: a's gaps 10 and 28 days, median 19, 51 days since: at risk (> 2 x 19);
# c's one gap of 425 days, 0 since; b bought once
check_out 'churn by value tier (no model fitted: the heuristic)' \
	'tier,buyers,at_risk,share,revenue_at_risk A,2,1,0.5000,185.00 C,1,0,0.0000,0.00' "$R churn"
check_out 'churn by owner' \
	'owner,buyers,at_risk,share,revenue_at_risk ann,2,1,0.5000,185.00 bob,1,0,0.0000,0.00' "$T 2 churn"
# The default horizon is 90 days: 2026-05-01 to 2026-07-29, the last month cut.
check_out 'forecast without a model: the history by month (purchase days, revenue)' \
	'2026-01,1,150.00,, 2026-02,2,25.00,, 2026-03,1,30.00,, 2026-04,1,10.00,, 2026-05,,,, 2026-06,,,, 2026-07 (to 29),,,,' \
	"crm-report $A -o csv forecast | tr -d '\\r' | tail -n 7 | paste -sd ' '"
# the published CDNOW BG/NBD parameters (weeks), stored as a fit: the expected purchases
# and revenue must equal an independent implementation (series 2F1) over a, b and c
sqlite3 "$CRM_DB" "INSERT INTO fit (model, unit, scale, asof, p1, p2, p3, p4, loglik, n, ts) VALUES ('bgnbd', 'week', 7, 0, 0.2426, 4.4135, 0.7929, 2.4258, -9582.43, 2357, 0)"
check 'forecast: expected purchases and revenue per month equal an independent BG/NBD' "
crm-report $A forecast --horizon 3m | /usr/bin/python3 -c '
import sys
from datetime import date
r, al, a, b = 0.2426, 4.4135, 0.7929, 2.4258
def f21(p, q, c, z):
    s = t = 1.0; k = 0
    while abs(t) > 1e-15 * abs(s):
        t *= (p + k) * (q + k) / ((c + k) * (k + 1)) * z; s += t; k += 1
    return s
def ey(x, tx, T, t):
    h = f21(r + x, b + x, a + b + x - 1, t / (al + T + t))
    num = (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * h)
    return num / (1 + (x > 0) * a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))
d = lambda s: date.fromisoformat(s).toordinal()
day = d(\"2026-04-30\")
cust = [[d(\"2026-01-31\"), d(\"2026-02-10\"), d(\"2026-03-10\")], [d(\"2026-02-28\")], [d(\"2025-03-01\"), d(\"2026-04-30\")]]
mean = 41500 / 6    # cents per purchase day
# 3m is 90 days (a month is 30 days): the last row ends on 2026-07-29.
edges = [d(e) - day for e in (\"2026-04-30\", \"2026-05-31\", \"2026-06-30\", \"2026-07-29\")]
want = {}
for k, m in enumerate((\"2026-04\", \"2026-05\", \"2026-06\", \"2026-07 (to 29)\")):
    e = sum(ey(len(c) - 1, (c[-1] - c[0]) / 7, (day - c[0]) / 7, edges[k] / 7) - ey(len(c) - 1, (c[-1] - c[0]) / 7, (day - c[0]) / 7, edges[k - 1] / 7 if k else 0) for c in cust)
    want[m] = (e, e * mean / 100)
got = {l.split(\"\t\")[0]: l.rstrip(\"\n\").split(\"\t\") for l in sys.stdin}
# 2026-04-30 ends its month: nothing is left of it to expect.
assert want.pop(\"2026-04\") == (0, 0) and got[\"2026-04\"][3:] == [\"\", \"\"], got[\"2026-04\"]
for m, (e, v) in want.items():
    g = got[m]
    assert abs(float(g[3]) - e) < 0.006 and abs(float(g[4]) - v) < 0.006, (m, g, e, v)
assert want[\"2026-05\"][0] > 0.05, want
'"
check 'the same store and --asof: byte-identical reports' \
	"crm-report $A all >\"\$TMP/r1\" && crm-report $A all >\"\$TMP/r2\" && grep -qx 'name	value' \"\$TMP/r1\" && cmp \"\$TMP/r1\" \"\$TMP/r2\""
check 'csv: RFC 4180 with a header, parsed by Python' "
crm-report $A -o csv segments --by owner | /usr/bin/python3 -c '
import csv, sys
r = list(csv.reader(sys.stdin))
assert r[0] == [\"owner\", \"customers\", \"revenue\", \"share\"] and r[1] == [\"bob\", \"2\", \"210.00\", \"0.5060\"], r'"
check 'json: JSON Lines naming their report, numbers as numbers, money as numbers with their minor digits' "
crm-report $A -o json all | /usr/bin/python3 -c '
import json, sys
from decimal import Decimal
rows = [json.loads(l, parse_float=Decimal) for l in sys.stdin]
assert {r[\"report\"] for r in rows} >= {\"summary\", \"sla\", \"segments\", \"cohort\", \"tiers\", \"satisfaction\", \"effort\", \"churn\", \"forecast\"}, rows[:3]
s = {r[\"name\"]: r[\"value\"] for r in rows if r[\"report\"] == \"summary\"}
assert s[\"customers\"] == 4 and str(s[\"revenue\"]) == \"415.00\" and str(s[\"repeat_rate\"]) == \"0.6667\", s'"
check 'html: one valid page, tables and charts, no script, nothing fetched' "
crm-report $A -o html all | /usr/bin/python3 -c '
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    stack = []; tags = []; bad = []
    void = {\"meta\", \"br\", \"rect\", \"img\", \"link\", \"input\", \"hr\"}
    def handle_starttag(self, t, a):
        self.tags.append(t)
        if t not in self.void: self.stack.append(t)
        self.bad += [(t, k, v) for k, v in a if k.startswith(\"on\") or k in (\"src\", \"href\") and not (v or \"\").startswith(\"#\")]
    def handle_startendtag(self, t, a): self.tags.append(t)
    def handle_endtag(self, t):
        if t in self.void: return
        assert self.stack and self.stack[-1] == t, (\"unbalanced\", t, self.stack[-3:])
        self.stack.pop()
p = P(); page = sys.stdin.read(); p.feed(page); p.close()
assert not p.stack, p.stack
assert page.startswith(\"<!DOCTYPE html>\") and \"script\" not in p.tags and not p.bad, p.bad
assert p.tags.count(\"svg\") >= 6 and p.tags.count(\"table\") >= 12, (p.tags.count(\"svg\"), p.tags.count(\"table\"))
assert \"415.00\" in page and \"&lt;\" not in page.split(\"<body>\")[0]'"
check_out 'html escapes what it prints' 'escaped' \
	"crm-set -q \$(crm-ls -F id -w 'ref = \"a\"') owner='<b>&' && p=\$(crm-report $A -o html segments) && grep -q '&lt;b&gt;&amp;' <<<\"\$p\" && ! grep -q '<b>&' <<<\"\$p\" && echo escaped"
check 'table: plain when not a terminal' \
	"crm-report $A -o table all >\"\$TMP/t\" && grep -qx Summary \"\$TMP/t\" && ! grep -q \"\$(printf '\\033')\" \"\$TMP/t\""
check_out 'on a terminal the titles are bold, unless NO_COLOR' '1 0' \
	"a=\$(script -qec 'crm-report $A -o table summary' /dev/null | grep -c \"\$(printf '\\033')\\[1m\"); b=\$(NO_COLOR=1 script -qec 'crm-report $A -o table summary' /dev/null | grep -c \"\$(printf '\\033')\"); echo \$a \$b"
check_exit 'an unknown report is a usage error' 64 "crm-report $A nonsense"
check_exit 'an unknown field in --by is a usage error' 64 "crm-report $A segments --by region,nosuch"
check_err 'naming the option and the field' '^crm-report: --by: nosuch: no such field of customer'
check_exit '-o html is for reports only' 64 'crm-ls -o html'
# A second store, for the edges: X buys 100.00 on 2025-08-01, Y 13.00 on
# 2025-08-02 and 20.00 on 2025-10-26; X answers NPS 8, Y 9.  As of
# 2026-08-01, after all history (so from the stored statistics):
# active means a purchase in the 365 days up to the day, 2025-08-02 to
# 2026-08-01: Y, not X (exactly 365 days back); Y bought on two days:
# repeat rate 1 / 2; orders 3, aov 133 / 3 = 44.33; an 8 is a passive:
# nps (1 promoter - 0 detractors) / 2 answers = 50.0.
export CRM_DB="$TMP/edges.db"
printf 'ref,name,owner,created\nX,Xu,p,2025-01-01\nY,Yan,q,2025-01-01\n' | crm-add -q -f - customer
printf 'customer_ref,ts,amount\nX,2025-08-01,100.00\nY,2025-08-02,13.00\nY,2025-10-26,20.00\n' | crm-add -q -f - purchase
crm-add -q survey customer_ref=X kind=nps score=8 ts=2025-09-01
crm-add -q survey customer_ref=Y kind=nps score=9 ts=2025-09-01
A=--asof=2026-08-01
# rows and table read A when they run: as of this day now.
check_out 'summary from the statistics: the edges of active, repeat and nps' \
	'name,value customers,2 active,1 buyers,2 revenue,133.00 orders,3 aov,44.33 repeat_rate,0.5000 open_tickets,0 nps,50.0 csat,' \
	"$R summary"
# q's bar: 33 / 100 x 20 cells = 6.6 cells, 52.8 eighths, rounded to 53:
# 6 full blocks and 5 eighths (U+258B)
check_out 'table: a bar rounds to the nearest eighth' \
	"$(printf 'q              1    33.00  0.2481  %s%s' "$(printf '\342\226\210%.0s' $(seq 6))" "$(printf '\342\226\213')")" \
	"crm-report $A -o table segments --by owner | tail -n 1"
# The published CDNOW BG/NBD fit (weeks) stored: Y has x = 1, t_x = 85 days,
# T = 364 days; P(alive), equation (13), is 1 / (1 + 0.793 / 2.426
# (56.414 / 16.557)^1.243) = 0.400 (tests/models.py: 0.399958), below the
# default threshold 0.3, below 0.5; X (x = 0) is alive.
sqlite3 "$CRM_DB" "INSERT INTO fit (model, unit, scale, asof, p1, p2, p3, p4, loglik, n, ts) VALUES ('bgnbd', 'week', 7, 0, 0.243, 4.414, 0.793, 2.426, -9582.4, 2357, 0)"
check_out 'P(alive) of Y as models.py computes it' 0.399958 \
	"/usr/bin/python3 '$TESTS/models.py' palive bgnbd 0.243 4.414 0.793 2.426 1 12.142857 52"
check_out 'churn: nobody at risk at the default threshold 0.3' \
	'owner,buyers,at_risk,share,revenue_at_risk p,1,0,0.0000,0.00 q,1,0,0.0000,0.00' "$T 2 churn"
check_out 'churn --threshold 0.5: Y is' \
	'owner,buyers,at_risk,share,revenue_at_risk p,1,0,0.0000,0.00 q,1,1,1.0000,33.00' "$T 2 churn --threshold 0.5"
# segments by 100 fields: 100 + customers, revenue and share = 103 columns
# in every format (it printed nothing, exit 0, from 63 fields on).
by=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "%scity", i ? "," : "" }')
check_out 'segments --by 100 fields: a header of 103 columns' 103 \
	"crm-report $A segments --by $by | sed -n 1p | awk -F'\t' '{ print NF }'"
check_out 'and JSON objects with all 100 city members' 100 \
	"crm-report $A -o json segments --by $by | sed -n 1p | grep -o '\"city\":' | wc -l"
check_exit 'segments --by more than 500 fields is a usage error' 64 \
	"crm-report $A segments --by $(awk 'BEGIN { for (i = 0; i < 501; i++) printf "%scity", i ? "," : "" }')"
check_err 'which says so' '^crm-report: --by: more than 500 fields; try .crm-report -h.$'
# --window, a third store built here, its numbers worked out by hand.  As of
# 2026-06-30 (its end, 23:59:59), --window 30d holds 06-01 00:00:00 to the end
# of the day; the default 90 days hold 04-02 on.  Promises: 24 h, 72 h.
export CRM_DB="$TMP/window.db"
printf 'ref,name,created\nP,Pi,2026-01-01\nQ,Qi,2026-01-01\nR,Ro,2026-01-01\nS,Su,2026-01-01\nT,Ty,2026-01-01\n' |
	crm-add -q -f - customer
# P: answered in 1 h, resolved in 24 h, before the 30 days; Q: opened at the
# first second of them, answered in 2 h, resolved in 96 h; R: one second
# before them, never answered; S: answered in 25 h, not resolved, its 72 h
# not over; T: opened 04-01, before the 90 days too, never answered.
printf '%s\n' customer_ref,opened,first_response,resolved,status,kind,subject \
	P,2026-05-20T09:00:00Z,2026-05-20T10:00:00Z,2026-05-21T09:00:00Z,closed,question,p \
	Q,2026-06-01T00:00:00Z,2026-06-01T02:00:00Z,2026-06-05T00:00:00Z,closed,question,q \
	R,2026-05-31T23:59:59Z,,,open,question,r \
	S,2026-06-29T12:00:00Z,2026-06-30T13:00:00Z,,open,question,s \
	T,2026-04-01T12:00:00Z,,,open,question,t | crm-add -q -f - ticket
printf '%s\n' customer_ref,kind,score,ts \
	P,nps,10,2026-05-15 P,nps,3,2026-06-10 Q,nps,2,2026-05-20 Q,nps,9,2026-06-05 \
	R,nps,0,2026-05-31T23:59:59Z S,nps,8,2026-06-01T00:00:00Z T,nps,9,2026-04-01T12:00:00Z \
	P,csat,4,2026-06-10 P,csat,2,2026-06-30T23:00:00Z R,csat,1,2026-05-01 S,csat,5,2026-06-20 \
	P,expectation,9,2026-06-10 P,satisfaction,2,2026-06-10 Q,expectation,8,2026-05-10 Q,satisfaction,9,2026-06-05 |
	crm-add -q -f - survey
A=--asof=2026-06-30
# 30 days: Q and S.  Responded both; met Q (2 h), breached S (25 h); resolved
# Q, in 96 h: breached; S's 72 h end 07-02.  Overdue at the end of the day,
# whenever opened (the backlog, in every window): R and T, unanswered and
# unresolved.
# Medians: (2 h + 25 h) / 2 = 13.5 h, and 96 h.
check_out 'sla --window 30d: the tickets opened in the 30 days to the end of the day' \
	'name,value tickets,2 responded,2 met,1 breached,1 open_overdue,2 resolved,1 resolution_met,0 resolution_breached,1 unresolved_overdue,2 median_response_hours,13.50 median_resolution_hours,96.00' \
	"$R sla --window 30d"
check_out 'and their first responses: Q 2 h, S 25 h' \
	'first_response,tickets 0-1h,0 1-4h,1 4-8h,0 8-24h,0 24-48h,1 48h+,0 none yet,0' "$T 2 sla --window 30d"
# 90 days: P Q R S, not T.  Responded P Q S, met P (1 h) and Q; resolved P
# (24 h: met) and Q (96 h); overdue R and T, as in every window.
# Medians: 1 h, 2 h, 25 h: 2 h; (24 h + 96 h) / 2 = 60 h.
check_out 'sla: 90 days by default' \
	'name,value tickets,4 responded,3 met,2 breached,1 open_overdue,2 resolved,2 resolution_met,1 resolution_breached,1 unresolved_overdue,2 median_response_hours,2.00 median_resolution_hours,60.00' \
	"$R sla"
check_out 'sla --window 365d: T counted too' \
	'name,value tickets,5 responded,3 met,2 breached,1 open_overdue,2 resolved,2 resolution_met,1 resolution_breached,1 unresolved_overdue,2 median_response_hours,2.00 median_resolution_hours,60.00' \
	"$R sla --window 365d"
# 30 days, each customer's latest answer given in them: nps P 3, Q 9, S 8
# (R's 0 a second before): 1 - 1 of 3 = 0.0; csat P 2, S 5: 3.50;
# expectation P 9 (Q's 8 is older); satisfaction P 2, Q 9: 5.50.
check_out 'satisfaction --window 30d: the latest answers given in the 30 days' \
	'name,value nps_answers,3 promoters,1 passives,1 detractors,1 nps,0.0 csat_answers,2 csat,3.50 expectation,9.00 satisfaction,5.50' \
	"$R satisfaction --window 30d"
check_out 'and the grid of P alone: expected 9, got 2' \
	'expectation,satisfaction_low,satisfaction_mid,satisfaction_high high (8-10),1,0,0 mid (5-7),0,0,0 low (1-4),0,0,0' \
	"$T 2 satisfaction --window 30d"
# 90 days: nps P 3, Q 9, R 0, S 8 (not T's 9): (1 - 2) / 4 = -25.0; csat P 2,
# R 1, S 5: 8 / 3 = 2.67; expectation P 9, Q 8: 8.50; Q is high, high.
check_out 'satisfaction: 90 days by default' \
	'name,value nps_answers,4 promoters,1 passives,1 detractors,2 nps,-25.0 csat_answers,3 csat,2.67 expectation,8.50 satisfaction,5.50' \
	"$R satisfaction"
check_out 'and the grid: P, and Q expected 8 and got 9' \
	'expectation,satisfaction_low,satisfaction_mid,satisfaction_high high (8-10),1,0,1 mid (5-7),0,0,0 low (1-4),0,0,0' \
	"$T 2 satisfaction"
# summary: every latest answer, T's too: nps P 3, Q 9, R 0, S 8, T 9: (2 - 2)
# / 5 = 0.0; run before satisfaction in all, which still counts its 90 days.
check_out 'all: summary over every latest answer, satisfaction over its --window' \
	'0.0 -25.0' \
	"crm-report $A all | awk -F'\t' '\$1 == \"nps\" { print \$2 }' | paste -sd ' '"
check_out 'the titles name the period' \
	'Tickets against the promise, the last 30 days|Satisfaction (latest answer per customer), the last 30 days' \
	"echo \"\$(crm-report $A -o table --window 30d sla | head -n 1)|\$(crm-report $A -o table --window 30d satisfaction | head -n 1)\""
done_testing
