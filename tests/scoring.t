#!/bin/sh
# Churn and lifetime value on the CDNOW sample against the published fits;
# shard scoring (scripts/scale-out: tests/scale.t); the heuristic and --new on a hand-made case.
. "${0%/*}/lib.sh"
plan 66

# The 2,357 customers of the sample, and their purchases.
cdnow_load
W='--unit week --asof 1997-09-30'
fit=$(crm-churn -m bgnbd --fit $W)
rel 'BG/NBD r (published 0.243)' "$(val "$fit" r)" 0.243 0.01
rel 'BG/NBD alpha (4.414)' "$(val "$fit" alpha)" 4.414 0.01
rel 'BG/NBD a (0.793)' "$(val "$fit" a)" 0.793 0.01
rel 'BG/NBD b (2.426)' "$(val "$fit" b)" 2.426 0.01
rel 'BG/NBD log-likelihood (-9582.4)' "$(val "$fit" loglik)" -9582.4 0.00005
is 'BG/NBD n' "$(val "$fit" n)" 2357
# Customer 1: x = 2, t_x = 30.43, T = 38.86 weeks.  P(alive), equation (13)
# of the BG/NBD paper by hand with the published parameters:
# 1 / (1 + 0.793 / 3.426 (43.274 / 34.844)^2.243) = 0.72658.
rel 'P(alive) of customer 1 in filters (0.7266)' \
	"$(crm-ls --asof 1997-09-30 -F p_alive -w 'ref = "CD1"')" 0.72658 0.001
check_out 'a one-time buyer is alive under BG/NBD' 1.0 \
	"crm-ls --asof 1997-09-30 -F p_alive -w 'ref = \"CD3\"'"
check_out 'p_alive selects' CD \
	"crm-ls --asof 1997-09-30 -F ref -w 'p_alive < 0.2 and frequency >= 3' | sed -n 1p | cut -c1-2"
fit=$(crm-churn -m pnbd --fit $W)
rel 'Pareto/NBD r (0.55)' "$(val "$fit" r)" 0.55 0.02
rel 'Pareto/NBD beta (11.67)' "$(val "$fit" beta)" 11.67 0.02
check 'MBG/NBD fits' "crm-churn -m mbgnbd --fit $W"
crm-churn -q -m bgnbd --fit $W
fit=$(crm-clv --fit $W 2>/dev/null)
rel 'Gamma-Gamma p (6.25)' "$(val "$fit" p)" 6.25 0.02
rel 'Gamma-Gamma gamma (15.44)' "$(val "$fit" gamma)" 15.44 0.02
fits=$(must sqlite3 "$CRM_DB" 'SELECT count(*) FROM fit')
check_out 'crm-clv -n --fit prints the same fit' "$fit" "crm-clv -n --fit $W 2>/dev/null"
check_out 'and stores nothing' "$fits" "sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM fit'"
check_out 'crm-churn -n --fit prints the fit' 2357 \
	"crm-churn -n -m bgnbd --fit $W | awk -F'\t' '\$1 == \"n\" { print \$2 }'"
check_out 'and stores nothing either' "$fits" "sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM fit'"
out=$(crm-clv $W --horizon 39w | awk -F'\t' '$1 == 1')
# 1.226 in Hardie's BG/NBD spreadsheet (lifetimes' tests pin it within 0.001);
# spend p (gamma + x m_x) / (p x + q - 1) by hand with the published
# Gamma-Gamma fit: 6.25 (15.44 + 2 x 22.345) / (6.25 x 2 + 3.74 - 1) = 24.66
# (Hardie's Gamma-Gamma spreadsheet: 24.65).
rel 'expected purchases of customer 1 in 39 weeks (1.226)' "$(echo "$out" | cut -f2)" 1.226 0.001
rel 'expected spend of customer 1 (24.66)' "$(echo "$out" | cut -f3)" 24.66 0.002
crm-churn --summary $W >"$TMP/sum.tsv"
crm-churn --stdin -m bgnbd $W <"$TMP/sum.tsv" >"$TMP/one.tsv"
split -n l/3 "$TMP/sum.tsv" "$TMP/shard."
for s in "$TMP"/shard.*; do crm-churn --stdin -m bgnbd $W <"$s" >"$s.out"; done
check_out 'shards scored apart give the lines of one run' "$(must cat "$TMP/one.tsv")" 'cat "$TMP"/shard.*.out'
check 'one line per customer, no nan or inf in any score' \
	"[ \$(wc -l <'$TMP/one.tsv') -eq 2357 ] && ! grep -Eiq 'nan|inf' '$TMP/one.tsv'"
# What --fit prints (%.17g) read back by --params scores every customer
# byte for byte as the stored fit does.
params=$(must crm-churn -m bgnbd --fit $W | awk -F'\t' '$1 ~ /^(r|alpha|a|b)$/ { printf "%s%s", s, $2; s = "," }')
crm-churn --stdin -m bgnbd $W <"$TMP/sum.tsv" >"$TMP/one.tsv"
check_out '--params scores without a store, the same' "$(must cat "$TMP/one.tsv")" \
	"CRM_DB='$TMP/none.db' crm-churn --stdin -m bgnbd --params '$params' $W <'$TMP/sum.tsv'"
check_out 'crm-clv --stdin gives the lines of the store' "$(must crm-clv $W --horizon 39w | sed -n 1,3p)" \
	"crm-clv --stdin $W --horizon 39w <'$TMP/sum.tsv' | sed -n 1,3p"
out=$(crm-churn --backtest --holdout 39w $W | grep '^x	0')
# The mean of E[Y(39) | x = 0, T], equation (10), over the 1,411 one-time
# buyers, by tests/models.py with the published parameters: 0.2255.
rel 'backtest: one-time buyers repeat 0.2255 times in the holdout' \
	"$(echo "$out" | cut -f4)" 0.2255 0.005
check 'backtest -o table: the table by x, then the two curves' \
	"crm-churn --backtest --holdout 39w $W -o table | grep -q '^   39 .*|.*[*#]'"
check 'backtest -o json: every row, for plotting' \
	"crm-churn --backtest --holdout 39w $W -o json | /usr/bin/python3 -c 'import json, sys; rows = [json.loads(l) for l in sys.stdin]; assert sum(r[\"view\"] == \"week\" for r in rows) == 39'"
check_exit 'a malformed summary line is bad input' 65 'printf "1\t2\t3\n" | crm-churn --stdin -m bgnbd --unit week'

# The heuristic: gaps 8 and 12 days, median 10, k = 2.
export CRM_DB="$TMP/h.db"
crm-add -q customer ref=L1 name=Rhythm
for d in 01 09 21; do crm-add -q purchase customer_ref=L1 ts=2026-03-$d amount=10; done
check_out 'past twice the median gap: warned, saying why' \
	"$(printf '1\t0.51\t\tno purchase for 41d, 4.1x the usual gap of 10d')" \
	'crm-churn -m heuristic --asof 2026-05-01'
check_exit 'exactly twice the median gap is not yet' 1 'crm-churn -m heuristic --asof 2026-04-10'
check_out '--new reports the first crossing' 1 \
	'crm-churn -m heuristic --new --asof 2026-05-01 | cut -f1'
check_exit '--new stays silent the next day, exit 1' 1 \
	'crm-churn -m heuristic --new --asof 2026-05-02'
check_out 'a customer who recovers and crosses again is news again' 1 \
	'crm-add -q purchase customer_ref=L1 ts=2026-05-03 amount=1 && crm-churn -q -m heuristic --new --asof 2026-05-04; crm-churn -m heuristic --new --asof 2026-08-01 | cut -f1'
# A complaint counts while it is open at the --asof day: opened 04-20,
# resolved 05-10 (the rule of the open_complaints statistic).
export CRM_DB="$TMP/c.db"
crm-add -q customer ref=L2 name=Grumble
for d in 01 09 21; do crm-add -q purchase customer_ref=L2 ts=2026-03-$d amount=10; done
crm-add -q ticket customer_ref=L2 opened=2026-04-20 kind=complaint subject=late \
	status=closed resolved=2026-05-10
check_out 'a complaint resolved after --asof was open on it' \
	'no purchase for 41d, 4.1x the usual gap of 10d; 1 open complaint' \
	'crm-churn -m heuristic --asof 2026-05-01 | cut -f4'
check_out 'and is not once resolved' \
	'no purchase for 72d, 7.2x the usual gap of 10d' \
	'crm-churn -m heuristic --asof 2026-06-01 | cut -f4'
# A latest score below the one before it, per kind, as of the --asof day
# (the csat/nps/satisfaction metrics' "latest": by time, then id): csat
# 5 then 3 fell; nps 6 then 9 rose; expectation is no such signal; the
# satisfaction of 06-20 is after the day, so 4 is still its latest.
crm-add -q survey customer_ref=L2 kind=csat score=5 ts=2026-04-01
crm-add -q survey customer_ref=L2 kind=csat score=3 ts=2026-04-02
crm-add -q survey customer_ref=L2 kind=nps score=6 ts=2026-04-01
crm-add -q survey customer_ref=L2 kind=nps score=9 ts=2026-04-03
crm-add -q survey customer_ref=L2 kind=expectation score=5 ts=2026-04-01
crm-add -q survey customer_ref=L2 kind=expectation score=1 ts=2026-04-02
crm-add -q survey customer_ref=L2 kind=satisfaction score=7 ts=2026-04-01
crm-add -q survey customer_ref=L2 kind=satisfaction score=4 ts=2026-04-03
crm-add -q survey customer_ref=L2 kind=satisfaction score=9 ts=2026-06-20
check_out 'a score that fell is a signal, as of the day' \
	'no purchase for 72d, 7.2x the usual gap of 10d; csat fell from 5 to 3, satisfaction fell from 7 to 4' \
	'crm-churn -m heuristic --asof 2026-06-01 | cut -f4'
check_out 'and not once a later score is higher (the day after 06-20)' \
	'no purchase for 102d, 10.2x the usual gap of 10d; csat fell from 5 to 3' \
	'crm-churn -m heuristic --asof 2026-07-01 | cut -f4'
# ---- Against the papers and tests/models.py: the models written again from
# the papers, apart from libcrm/model.c (Python's math module only).
export CRM_DB="$TMP/crm.db"
M="/usr/bin/python3 $TESTS/models.py"
# models.py reads weeks, as the fits are; Gamma-Gamma is fitted on the
# mean repeat spend rounded to cents (crm-clv --counts), one row a customer.
crm-churn --summary $W | awk -F'\t' '{ printf "%s\t%s\t%.17g\t%.17g\t%s\n", $1, $2, $3 / 7, $4 / 7, $5 }' >"$TMP/s.tsv"
crm-clv --counts $W | awk -F'\t' '{ for (i = 0; i < $3; i++) printf "0\t%s\t0\t0\t%s\n", $1, $2 }' >"$TMP/g.tsv"
# The fits made above, as stored (full precision): parameters, then loglik.
stored() {
	sqlite3 -separator ' ' "$CRM_DB" "SELECT p1, p2, p3, coalesce(p4, ''), loglik FROM fit WHERE model = '$1' ORDER BY id DESC LIMIT 1"
}
for m in bgnbd pnbd mbgnbd gg; do
	set -- $(stored $m)
	if [ $m = gg ]; then p="$1 $2 $3" ll=$4; else p="$1 $2 $3 $4" ll=$5; fi
	eval "P_$m=\"\$p\""
	# Equation (6) of BG/NBD, Batislam et al.'s MBG/NBD, Fader & Hardie's
	# note for Pareto/NBD and the Gamma-Gamma density, summed in Python.
	in=$TMP/s.tsv; [ $m = gg ] && in=$TMP/g.tsv
	rel "$m: the log-likelihood is the paper's at the fitted parameters" \
		"$ll" "$($M ll $m $p <"$in")" 1e-7
	check "$m: no point 0.1% away from the fit is likelier under the paper's likelihood" \
		"$M best $m $p <'$in'"
done
# BTYDplus's MBG/NBD fit of the CDNOW sample (lifetimes' test_estimation.py
# pins its ModifiedBetaGeoFitter to these): r 0.525, alpha 6.183, a 0.891, b 1.614.
set -- $P_mbgnbd
rel 'MBG/NBD r (BTYDplus 0.525)' "$1" 0.525 0.002
rel 'MBG/NBD alpha (6.183)' "$2" 6.183 0.002
rel 'MBG/NBD a (0.891)' "$3" 0.891 0.002
rel 'MBG/NBD b (1.614)' "$4" 1.614 0.002
# Customer 1 of the sample: x = 2, t_x = 213 days, T = 272 days (in weeks).
c1='1	2	30.42857143	38.85714286	22.345'
for m in bgnbd mbgnbd; do
	out=$(printf '%s\n' "$c1" | crm-churn --stdin -m $m $W --horizon 39w)
	eval "p=\$P_$m"
	rel "$m: P(alive) of customer 1, as models.py" "$(echo "$out" | cut -f2)" \
		"$($M palive $m $p 2 30.42857143 38.85714286)" 1e-5
	rel "$m: expected purchases of customer 1 in 39 weeks, as models.py" \
		"$(echo "$out" | cut -f3)" "$($M expected $m $p 2 30.42857143 38.85714286 39)" 1e-5
done
# The BTYD walkthrough's Pareto/NBD example: x = 26, t_x = 30.86, T = 31
# expects 25.46 purchases in 52 weeks (lifetimes pins it within 0.01).
out=$(printf '1\t26\t30.86\t31\t0\n' | crm-churn --stdin -m pnbd $W --horizon 52w)
rel 'Pareto/NBD: 25.46 purchases expected in 52 weeks (BTYD)' "$(echo "$out" | cut -f3)" 25.46 0.0004
rel 'Pareto/NBD: P(alive) of that customer, as models.py' "$(echo "$out" | cut -f2)" \
	"$($M palive pnbd $P_pnbd 26 30.86 31)" 1e-5
# Gamma-Gamma: p (gamma + x m_x) / (p x + q - 1) with the fitted p, q, gamma.
rel 'Gamma-Gamma: expected spend of customer 1, as models.py' \
	"$(crm-clv -m bgnbd $W --horizon 39w | awk -F'\t' '$1 == 1 { print $3 }')" \
	"$($M spend $P_gg 2 22.345)" 0.0003
# The default threshold is 0.3 (crm-churn(1)): the customers warned are those
# whose P(alive) under the paper's formula (13) is below 0.3.
n=$(crm-churn -m bgnbd $W | wc -l)
is 'the default threshold 0.3: as many warned as models.py counts' "$n" \
	"$($M below bgnbd $P_bgnbd 0.3 <"$TMP/s.tsv")"
check 'and 0.5 warns more: the threshold matters here' \
	"[ \$(crm-churn -m bgnbd $W --threshold 0.5 | wc -l) -gt $n ]"
# CLV (crm-clv(1)): month by month, discounted at the yearly rate.  At rate 0
# it is expected purchases times spend; 39 weeks is 273 days, 10 steps of
# 27.3 days at 10 % by default; 12m is 12 months of 30 days.
sp=$($M spend $P_gg 2 22.345)
out=$(crm-clv -m bgnbd $W --horizon 39w --rate 0 | awk -F'\t' '$1 == 1')
rel 'CLV at rate 0 is expected purchases x spend' "$(echo "$out" | cut -f4)" \
	"$(echo "$out" | awk -F'\t' -v sp=$sp '{ print $2 * sp }')" 0.0002
rel 'CLV of customer 1 over 39 weeks at 10 %, as models.py' \
	"$(crm-clv -m bgnbd $W --horizon 39w | awk -F'\t' '$1 == 1 { print $4 }')" \
	"$($M clv bgnbd $P_bgnbd 2 30.42857143 38.85714286 $sp 273 7 0.1)" 0.0003
rel 'CLV of customer 1 over 12m (360 days) at 25 %, as models.py' \
	"$(crm-clv -m bgnbd $W --horizon 12m --rate 25% | awk -F'\t' '$1 == 1 { print $4 }')" \
	"$($M clv bgnbd $P_bgnbd 2 30.42857143 38.85714286 $sp 360 7 0.25)" 0.0003
# The summary from the stored statistics (--asof past the newest purchase):
# customer 1 bought on 1997-01-01, 01-18, 08-02 and 12-12: x = 3, t_x = 345
# days, T = 730 days to 1999-01-01, m_x = (29.73 + 14.96 + 26.48) / 3 =
# 23.7233...: whole days, m_x to 17 digits, and the unit.
check_out 'the summary from the statistics, worked out by hand' \
	"$(printf '1\t3\t345\t730\t23.723333333333333\tday')" \
	"crm-churn --summary --unit week --asof 1999-01-01 | sed -n 1p"
# Without --asof: T is today's day number less 1997-01-01's (9862).
a=$(( $(date -u +%s) / 86400 ))
got=$(crm-churn --summary --unit day | sed -n 1p | cut -f4)
b=$(( $(date -u +%s) / 86400 ))
check 'the summary without --asof counts the days to today' \
	"[ '$got' = $((a - 9862)) ] || [ '$got' = $((b - 9862)) ]"
# Pareto/NBD's likelihood takes one of two 2F1 forms, by whether alpha or
# beta is the larger (Fader & Hardie's note, (22) and (23)): both against
# models.py, for a customer with x = 3, t_x = 20, T = 38.
for P in '0.55 10.58 0.61 11.67' '0.55 12 0.61 10'; do
	out=$(printf '1\t3\t20\t38\t0\n' | crm-churn --stdin -m pnbd --params "$(echo $P | tr ' ' ,)" $W --horizon 52w)
	rel "Pareto/NBD ($P): P(alive) as models.py" "$(echo "$out" | cut -f2)" \
		"$($M palive pnbd $P 3 20 38)" 1e-5
done
# Scoring from the stored statistics too (--asof past the history):
# customer 1 has x = 3, t_x = 345 and T = 730 days (above).
rel 'scores from the statistics: P(alive) of customer 1 as models.py' \
	"$(crm-churn -m bgnbd --unit week --asof 1999-01-01 --threshold 0.99 | awk -F'\t' '$1 == 1 { print $3 }')" \
	"$($M palive bgnbd $P_bgnbd 3 49.28571429 104.2857143)" 0.0002
done_testing
