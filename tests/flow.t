#!/bin/sh
# One truth everywhere (issue 11, items 4 and 5): every stored fit knows its
# unit and every command converts; --fit prints the model file format to 17
# digits and --params reads it back exactly; summaries in whole days with a
# unit column, keyed by id or ref; counts that add up across shards; model
# files; fits from counts without a store; crm-report's forecast adds up to
# crm-clv's values.
. "${0%/*}/lib.sh"
plan 148

M="/usr/bin/python3 $TESTS/models.py"

# The CDNOW sample in one store, and split by customer number into two
# shard stores (odd and even), as a cluster would hold it.
cdnow_load
for k in 0 1; do
	awk -F, -v k=$k 'NR == 1 || substr($1, 3) % 2 == k' "$TMP/c.csv" >"$TMP/c$k.csv"
	awk -F, -v k=$k 'NR == 1 || substr($1, 3) % 2 == k' "$TMP/p.csv" >"$TMP/p$k.csv"
	CRM_DB="$TMP/shard$k.db" crm-add -q -f "$TMP/c$k.csv" customer
	CRM_DB="$TMP/shard$k.db" crm-add -q -f "$TMP/p$k.csv" purchase
done
A='--asof 1997-09-30'
W="--unit week $A"

# ---- Summaries: whole days and the unit, by id or by ref ----------------
# Customer 1 bought on 1997-01-01, 01-18 and 08-02 (and later): x = 2,
# t_x = 213 days, T = 272 days to 1997-09-30; m_x = (14.96 + 29.73) / 2.
check_out 'a summary line: whole days, m_x to 17 digits, the unit' \
	"$(printf '1\t2\t213\t272\t22.344999999999999\tday')" \
	"crm-churn --summary $A | sed -n 1p"
check_out '--unit changes nothing in a summary (days are whole)' \
	"$(must crm-churn --summary $A | md5sum)" "crm-churn --summary $W | md5sum"
check_out '--key ref keys it by ref' \
	"$(printf 'CD1\t2\t213\t272\t22.344999999999999\tday')" \
	"crm-churn --summary --key ref $A | sed -n 1p"
check_out 'crm-clv --summary is the same summary' "$(must crm-churn --summary --key ref $A | md5sum)" \
	"crm-clv --summary --key ref $A | md5sum"

# ---- Counts: x t_x T n and x m_x n, adding up across shards -------------
check_out 'counts: 2,357 customers in all' 2357 \
	"crm-churn --counts $A | awk -F'\t' '{ n += \$4 } END { print n }'"
# CDNOW customers with x = 2, t_x = 213 and T = 272 days: customer 1 alone
# in the sample (python over CDNOW_sample.txt, purchase days per customer).
check_out 'a count line: x t_x T n' "$(printf '2\t213\t272\t1')" \
	"crm-churn --counts $A | awk -F'\t' '\$1 == 2 && \$2 == 213 && \$3 == 272'"
check_out 'Gamma-Gamma counts: 946 repeat customers, m_x to the cent' 946 \
	"crm-clv --counts $A | awk -F'\t' '\$2 !~ /^[0-9]+\\.[0-9][0-9]\$/ { exit 1 } { n += \$3 } END { print n }'"
# Customer 1's 22.345 rounds half up to 22.35 (the cents 4469 / 2 =
# 2234.5); no customer with x = 2 has a mean near 22.34 (python over the
# sample up to 1997-09-30: customer 1 has 22.345, 1742 22.35, none else
# within 0.006).
check_out 'customer 1 counts with m_x 22.35, rounded half up' 'yes' \
	"crm-clv --counts $A | awk -F'\t' '\$1 == 2 && \$2 == \"22.35\" { f = 1 } \$1 == 2 && \$2 == \"22.34\" { g = 1 } END { print f && !g ? \"yes\" : \"no\" }'"
for k in 0 1; do
	CRM_DB="$TMP/shard$k.db" crm-churn --counts $A >"$TMP/counts$k.tsv"
	CRM_DB="$TMP/shard$k.db" crm-clv --counts $A >"$TMP/gcounts$k.tsv"
done
check_out 'the shards counts, summed by key, are the whole store counts' \
	"$(must crm-churn --counts $A)" \
	"cat '$TMP'/counts[01].tsv | LC_ALL=C sort -k1,3 | awk -F'\t' -v OFS='\t' '
		\$1 \"\t\" \$2 \"\t\" \$3 != k { if (NR > 1) print k, n; k = \$1 \"\t\" \$2 \"\t\" \$3; n = 0 }
		{ n += \$4 } END { print k, n }' | sort -n -k1,1 -k2,2 -k3,3"

# ---- --fit: the model file format, %.17g, stored unless -n ---------------
fit=$(must crm-churn -m bgnbd --fit $W)
check_out '--fit prints model, unit, asof, the parameters, loglik, n, iterations' \
	'model unit asof r alpha a b loglik n iterations' \
	"printf '%s\n' \"\$fit\" | cut -f1 | paste -sd ' '"
check_out 'and the head of the model file' "$(printf 'model\tbgnbd\nunit\tweek\nasof\t1997-09-30')" \
	"printf '%s\n' \"\$fit\" | sed -n 1,3p"
check 'every parameter to 17 significant digits (%.17g), with a standard error' \
	"printf '%s\n' \"\$fit\" | /usr/bin/python3 -c '
import sys
rows = [l.rstrip(\"\\n\").split(\"\\t\") for l in sys.stdin]
p = [r for r in rows if r[0] in (\"r\", \"alpha\", \"a\", \"b\")]
assert len(p) == 4 and all(len(r) == 3 and r[1] == \"%.17g\" % float(r[1]) and float(r[2]) > 0 for r in p), p'"
check_out 'n is every customer' 2357 "printf '%s\n' \"\$fit\" | awk -F'\t' '\$1 == \"n\" { print \$2 }'"
check 'stderr is quiet when it is no terminal' \
	"crm-churn -n -m bgnbd --fit $W 2>\"\$TMP/e\" >/dev/null && [ ! -s \"\$TMP/e\" ]"
fits=$(must sqlite3 "$CRM_DB" 'SELECT count(*) FROM fit')
check_out '-n --fit prints the fit' "$fit" "crm-churn -n -m bgnbd --fit $W"
check_out 'and stores nothing' "$fits" "sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM fit'"
check_out '--save writes what --fit prints' "$fit" \
	"crm-churn -n -m bgnbd --fit --save '$TMP/bg.model' $W >/dev/null && cat '$TMP/bg.model'"
# --sample 1000 of 2,357 customers: k = ceil(2357 / 1000) = 3, places 0, 3,
# ..., 2355 in id order: 786 customers.
check_out '--sample N: every k-th customer by id, k = ceil(customers / N)' 786 \
	"crm-churn -n -m bgnbd --fit --sample 1000 $W | awk -F'\t' '\$1 == \"n\" { print \$2 }'"
check_err 'saying so' '^crm-churn: 2357 customers: fitting on 786, one in every 3 by id \(--sample 1000\)$'

# ---- --params reads %.17g back exactly ------------------------------------
params=$(printf '%s\n' "$fit" | awk -F'\t' '$1 ~ /^(r|alpha|a|b)$/ { printf "%s%s", s, $2; s = "," }')
crm-churn --summary $A >"$TMP/sum.tsv"
crm-churn --stdin -m bgnbd $A <"$TMP/sum.tsv" >"$TMP/bg.tsv"
check_out '--params with what --fit printed scores as the stored fit, byte for byte' \
	"$(must cat "$TMP/bg.tsv")" \
	"CRM_DB=\"\$TMP/none.db\" crm-churn --stdin -m bgnbd --unit week --params '$params' <'$TMP/sum.tsv'"
check 'scores are %.17g' "sed -n 1p '$TMP/bg.tsv' | grep -Eq '^1	0\\.[0-9]{16,17}	'"

# ---- Fits from counts, without a store --------------------------------------
check_out 'the merged shard counts fit bit for bit as the whole store' "$fit" \
	"cat '$TMP'/counts[01].tsv | CRM_DB=\"\$TMP/none.db\" crm-churn -m bgnbd --fit --from-counts - $W"
check 'and no store was made' "[ ! -e '$TMP/none.db' ]"
gfit=$(must crm-clv -n --fit $W)
check_out 'Gamma-Gamma from the merged shard counts, bit for bit' "$gfit" \
	"cat '$TMP'/gcounts[01].tsv >'$TMP/g.tsv' && CRM_DB=\"\$TMP/none.db\" crm-clv --fit --from-counts '$TMP/g.tsv' $W"
check_exit 'a count line that is not one is bad input' 65 \
	"printf '1\t2\t1\t1\n' | crm-churn --fit --from-counts - $W"
check_err 'saying where and why' '^crm-churn: stdin:1: t_x: t_x is at most T$'

# ---- Model files ------------------------------------------------------------
crm-churn -m pnbd --fit --save "$TMP/pn.model" $W >/dev/null
crm-clv --fit --save "$TMP/gg.model" $W >/dev/null
crm-churn -m bgnbd --fit $W >/dev/null
cat "$TMP/bg.model" "$TMP/pn.model" "$TMP/gg.model" >"$TMP/all.model"
crm-churn --stdin -m pnbd $A <"$TMP/sum.tsv" >"$TMP/pn.tsv"
check_out '--model-file: -m picks its block, the scores are the store'"'"'s' \
	"$(must cat "$TMP/pn.tsv")" \
	"CRM_DB=\"\$TMP/none.db\" crm-churn --stdin -m pnbd --model-file '$TMP/all.model' <'$TMP/sum.tsv'"
check 'and says nothing on stderr (a mapper that does fails its job)' \
	"crm-churn --stdin -m pnbd --model-file '$TMP/all.model' <'$TMP/sum.tsv' 2>\"\$TMP/e\" >/dev/null && crm-clv --stdin --model-file '$TMP/all.model' <'$TMP/sum.tsv' 2>>\"\$TMP/e\" >/dev/null && [ ! -s \"\$TMP/e\" ]"
check_out 'crm-clv --stdin --model-file, repeated, gives the store'"'"'s lines' \
	"$(must crm-clv -m bgnbd $A)" \
	"CRM_DB=\"\$TMP/none.db\" crm-clv --stdin -m bgnbd --model-file '$TMP/bg.model' --model-file '$TMP/gg.model' <'$TMP/sum.tsv'"
gp=$(printf '%s\n' "$gfit" | awk -F'\t' '$1 ~ /^(p|q|gamma)$/ { printf ",%s", $2 }')
check_out 'crm-clv --params: the purchase model'"'"'s four, then p, q, gamma' \
	"$(must crm-clv -m bgnbd $A)" \
	"CRM_DB=\"\$TMP/none.db\" crm-clv --stdin -m bgnbd --unit week --params '$params$gp' <'$TMP/sum.tsv'"
printf 'model\tbgnbd\nunit\tweek\nr\t0.24\nalpha\tfour\n' >"$TMP/bad.model"
check_exit 'a model file with a bad value is bad input' 65 \
	"crm-churn --stdin --model-file '$TMP/bad.model' <'$TMP/sum.tsv'"
check_err 'saying where' "^crm-churn: $TMP/bad.model:4: alpha: \"four\" is not a number\$"
check_exit 'a model file without the model asked for' 65 \
	"crm-churn --stdin -m mbgnbd --model-file '$TMP/all.model' <'$TMP/sum.tsv'"
check_err 'saying which' '^crm-churn: no mbgnbd block in the --model-file files$'
check_out 'without -m, the last purchase block scores (pnbd after bgnbd in the file)' \
	"$(must cat "$TMP/pn.tsv")" \
	"CRM_DB=\"\$TMP/none.db\" crm-churn --stdin --model-file '$TMP/all.model' <'$TMP/sum.tsv'"
check_exit 'crm-clv: model files without a Gamma-Gamma block' 65 \
	"crm-clv --stdin --model-file '$TMP/bg.model' --model-file '$TMP/pn.model' <'$TMP/sum.tsv'"
check_err 'saying so' '^crm-clv: no gg block in the --model-file files$'

# ---- Every mapper takes empty input --------------------------------------
check_out 'crm-churn --stdin: no lines in, none out, exit 0' '' "crm-churn --stdin -m bgnbd $A </dev/null"
check_out 'crm-clv --stdin: the same' '' "crm-clv --stdin $A </dev/null"
check_out 'crm-clv --stdin --model-file: the same' '' \
	"crm-clv --stdin --model-file '$TMP/all.model' </dev/null"

# ---- Units: a fit in days read with no --unit ---------------------------------
crm-churn -m bgnbd --fit --unit day $A >"$TMP/day.model"
P=$(awk -F'\t' '$1 ~ /^(r|alpha|a|b)$/ { printf "%s ", $2 }' "$TMP/day.model")
G=$(printf '%s\n' "$gfit" | awk -F'\t' '$1 ~ /^(p|q|gamma)$/ { printf "%s ", $2 }')
sp=$($M spend $G 2 22.345)
out=$(crm-clv $A | awk -F'\t' '$1 == 1')
# models.py with the fit in days: customer 1 (x 2, t_x 213, T 272 days),
# 360 days (the default 12m) in steps of 30 days at 10 % a year.
rel 'a fit in days, no --unit: expected purchases in 12m as models.py' \
	"$(echo "$out" | cut -f2)" "$($M expected bgnbd $P 2 213 272 360)" 1e-6
rel 'and the CLV as models.py (it was 6x too low)' \
	"$(echo "$out" | cut -f4)" "$($M clv bgnbd $P 2 213 272 $sp 360 1 0.1)" 1e-6
check_out 'crm-clv --stdin converts summary days to the fit'"'"'s unit' \
	"$(must crm-clv $A)" "crm-churn --summary $A | crm-clv --stdin $A"
check_out 'the default horizon is 12m (360 days)' "$(must crm-clv $A)" \
	"crm-clv $A --horizon 12m"
check_out 'summary lines in weeks (4 fields and --unit week) score alike' \
	"$(printf '1\t%s' "$($M palive bgnbd $P 2 213 272)")" \
	"printf '1\t2\t30.428571428571431\t38.857142857142854\n' | crm-churn --stdin $W | cut -f1,2 | awk -F'\t' '{ printf \"%s\t%.6f\n\", \$1, \$2 }'"
check_out 'a summary line that names its unit week scores as its days' \
	"$(printf '1\t%s' "$($M palive bgnbd $P 2 213 272)")" \
	"printf '1\t2\t30.428571428571431\t38.857142857142854\t0\tweek\n' | crm-churn --stdin $A | cut -f1,2 | awk -F'\t' '{ printf \"%s\t%.6f\n\", \$1, \$2 }'"
check_exit 'a unit that is neither day nor week is bad input' 65 \
	"printf '1\t2\t213\t272\t0\tmonth\n' | crm-churn --stdin $A"
check_err 'saying where' '^crm-churn: stdin:1: unit: "month" is neither day nor week$'
rel 'p_alive in crm-ls with the fit in days equals crm-churn --stdin' \
	"$(crm-ls $A -F p_alive -w 'ref = "CD1"')" \
	"$(crm-churn --summary $A | crm-churn --stdin -m bgnbd $A | awk -F'\t' '$1 == 1 { print $2 }')" 1e-12

# ---- The forecast adds up to crm-clv ----------------------------------------
# Its expected revenue over a horizon is the sum over customers of crm-clv's
# expected purchases times expected spend (every digit in tsv), 1e-9.
fsum() { crm-report $A forecast --horizon "$1" | awk -F'\t' 'NR > 1 && $5 != "" { s += $5 } END { printf "%.17g\n", s }'; }
csum() { crm-clv $A --horizon "$1" | awk -F'\t' '{ s += $2 * $3 } END { printf "%.17g\n", s }'; }
rel 'forecast over 39w = sum of crm-clv E x spend (BG/NBD, CDNOW)' "$(fsum 39w)" "$(csum 39w)" 1e-9
check_out '--horizon 45d ends in a cut month, not a whole one' '1997-11 (to 14)' \
	"crm-report $A forecast --horizon 45d | awk -F'\t' 'END { print \$1 }'"
crm-churn -q -m pnbd --fit $W
rel 'and with Pareto/NBD (s < 1)' "$(fsum 45d)" "$(csum 45d)" 1e-9
check 'Pareto/NBD forecasts purchases every month, none 0.00' \
	"crm-report $A forecast --horizon 3m >\"\$TMP/f\" && awk -F'\t' '/^1997-1[012]/ { if (\$4 + 0 <= 0 || \$5 + 0 <= 0) exit 1; n++ } END { exit n != 3 }' \"\$TMP/f\""
check 'crm-churn --stdin -m pnbd: P(alive) and expected purchases for all 2,357' \
	"awk -F'\t' 'NF == 3 && \$2 != \"\" && \$3 != \"\" { n++ } END { exit n != 2357 }' '$TMP/pn.tsv'"
check 'crm-clv -m pnbd: no empty cell' \
	"crm-clv -m pnbd $A >\"\$TMP/c\" && awk -F'\t' 'NF == 4 && \$2 != \"\" && \$4 != \"\" { n++ } END { exit n != 2357 }' \"\$TMP/c\""
check 'backtest with Pareto/NBD: no nan' \
	"crm-churn -m pnbd --backtest --holdout 39w $W >\"\$TMP/b\" && ! grep -qi nan \"\$TMP/b\" && grep -q '^x	0	1411	0\\.[0-9]' \"\$TMP/b\""

# ---- -s before any output; -q writes nothing -------------------------------
# A bad -s is a usage error found before the header (crm_out_order runs
# before anything is written): nothing on stdout, one line on stderr.
for c in 'crm-churn' 'crm-churn --backtest --holdout 39w' 'crm-clv'; do
	for f in '-H -l 2' '-o csv'; do
		check_exit "$c $f -s bogus: exit 64" 64 "$c $f -s bogus $W"
		check_stdout "$c $f -s bogus: nothing written" ''
	done
done
check_err 'one line: the reason' '^crm-clv: -s: "bogus": no such column; try .crm-clv -h.$'
# -q: only the exit status, from every listing (each prints without it).
for c in 'crm-churn' 'crm-churn --backtest --holdout 39w' 'crm-churn --summary' \
    'crm-churn --counts' 'crm-clv -l 1' 'crm-clv --summary' 'crm-clv --counts' \
    'crm-churn --stdin <"$TMP/sum.tsv"' 'crm-clv --stdin <"$TMP/sum.tsv"'; do
	check "$c has something to print" "$c $W >\"\$TMP/o\" && [ -s \"\$TMP/o\" ]"
	check_out "$c -q prints nothing" '' "$c -q $W"
done

# ---- Limits, refusals and what they say -----------------------------------
# The newest stored fit is the Pareto/NBD one just made: plain crm-churn
# warns by it, as crm-clv, crm-report and crm-ls p_alive value by it.
check_out 'plain crm-churn warns by the newest stored fit, of any model' \
	"$(must crm-churn -m pnbd $A)" "crm-churn $A"
check 'and says so in every reason' \
	"crm-churn $A >\"\$TMP/w\" && awk -F'\t' '\$4 !~ / by pnbd: / { exit 1 }' \"\$TMP/w\""
check_out 'crm-churn --stdin without -m scores with it too' \
	"$(must cat "$TMP/pn.tsv")" "crm-churn --stdin $A <'$TMP/sum.tsv'"
# --horizon and --holdout: at most 5y = 1825 days (a year is 365 days).
check_exit 'crm-clv --horizon beyond 5y is a usage error' 64 \
	"crm-clv --stdin --model-file '$TMP/all.model' --horizon 6y </dev/null"
check_err 'saying the limit' '^crm-clv: --horizon: "6y" is 2190 days, beyond the longest, 1825 days; try .crm-clv -h.$'
check_exit 'so is 1000000000y (it overflowed the steps)' 64 "crm-clv $A --horizon 1000000000y"
check_out '5y itself is taken' '' \
	"crm-clv --stdin --model-file '$TMP/all.model' --horizon 5y </dev/null"
check_exit 'crm-churn --horizon beyond 5y is a usage error' 64 \
	"crm-churn --stdin -m bgnbd --horizon 1826d $A </dev/null"
check_err 'saying the limit' '^crm-churn: --horizon: "1826d" is 1826 days, beyond the longest, 1825 days; try'
check_exit 'crm-churn --holdout beyond 5y too (it ran out of memory)' 64 \
	"crm-churn --backtest --holdout 100000000y $W"
check_err 'saying the limit' '^crm-churn: --holdout: "100000000y" is 36500000000 days, beyond the longest, 1825 days; try .crm-churn -h.$'
# Model files: a name twice (bg.model has 10 lines).
{ cat "$TMP/bg.model"; printf 'r\t5\n'; } >"$TMP/dup.model"
check_exit 'a model file giving a parameter twice is bad input' 65 \
	"crm-churn --stdin --model-file '$TMP/dup.model' <'$TMP/sum.tsv'"
check_err 'saying which and where' "^crm-churn: $TMP/dup.model:11: r: given twice\$"
# x = 0 is no repeat purchase: t_x is 0.
check_exit 'a summary line with x 0 and t_x 20 is bad input' 65 \
	"printf 'k\t0\t20\t30\t0\tday\n' | crm-churn --stdin --model-file '$TMP/bg.model'"
check_err 'saying why' '^crm-churn: stdin:1: t_x: 20 is not 0 with x 0: with no repeat purchase t_x is 0$'
check_exit 'a count line too' 65 "printf '0\t20\t30\t1\n' | crm-churn -n --fit --from-counts - $W"
check_err 'saying why' '^crm-churn: stdin:1: t_x: 20 is not 0 with x 0'
check_exit 'a count above 2^53 is bad input' 65 \
	"printf '0\t0\t10\t1e20\n' | crm-churn -n --fit --from-counts - $W"
check_err 'called too large, not "not a whole number"' '^crm-churn: stdin:1: n: "1e20" is too large: at most 2\^53 \(9007199254740992\)$'
check_exit 'a summary line of two fields is bad input' 65 \
	"printf 'k\t1\n' | crm-churn --stdin --model-file '$TMP/bg.model'"
check_err 'naming the first field missing and how many there are' \
	'^crm-churn: stdin:1: t_x: missing: 2 fields, expected key, x, t_x, T'
# --sample where it does nothing; conflicting options say what is wrong.
check_exit '--sample with --stdin is a usage error' 64 \
	"crm-churn --stdin --sample 5 --model-file '$TMP/bg.model' </dev/null"
check_err 'saying so' '^crm-churn: --sample does nothing with --stdin'
check_exit '--sample when a stored fit scores is a usage error' 64 "crm-churn --sample 1000 $A"
check_err 'saying so' '^crm-churn: --sample: the stored pnbd fit scores, no fit is made'
check_exit '--counts --save is a usage error' 64 "crm-churn --counts --save '$TMP/x' $A"
check_err 'saying what is wrong' '^crm-churn: --save and --from-counts go with --fit; try .crm-churn -h.$'
check_exit '--params with --model-file' 64 \
	"crm-churn --stdin --params 1,2,3,4 --model-file '$TMP/bg.model' </dev/null"
check_err 'saying what is wrong' '^crm-churn: --params and --model-file exclude each other; try .crm-churn -h.$'
check_exit 'crm-clv --fit --stdin' 64 "crm-clv --fit --stdin $A </dev/null"
check_err 'naming the two' '^crm-clv: --fit and --stdin exclude each other; try .crm-clv -h.$'
check_exit 'crm-churn --counts --backtest' 64 "crm-churn --counts --backtest $A"
check_err 'naming the two' '^crm-churn: --counts and --backtest exclude each other; try .crm-churn -h.$'
check_exit 'crm-clv --rate -0.5' 64 "crm-clv --rate -0.5 $A"
check_err 'saying what is wrong' '^crm-clv: --rate: "-0.5" is not a share from 0 to 1 \(like 0.3 or 30%\); try'
check_exit 'crm-clv --rate abc' 64 "crm-clv --rate abc $A"
check_err 'saying what is wrong' '^crm-clv: --rate: "abc" is not a share'
# A fit made to warn with is kept only once the warnings are written.
fits=$(must sqlite3 "$CRM_DB" 'SELECT count(*) FROM fit')
check_exit 'crm-churn -m mbgnbd (no stored fit) to a full disk fails, exit 74' 74 \
	"crm-churn -m mbgnbd $A >/dev/full"
check_out 'and stores no fit' "$fits" "sqlite3 \"\$CRM_DB\" 'SELECT count(*) FROM fit'"
check_out 'written, the fit is stored' "$((fits + 1)) mbgnbd" \
	"crm-churn -m mbgnbd $A >/dev/null && sqlite3 -separator ' ' \"\$CRM_DB\" 'SELECT count(*), (SELECT model FROM fit ORDER BY id DESC LIMIT 1) FROM fit'"
sqlite3 "$CRM_DB" "DELETE FROM fit WHERE model = 'gg'"
check_exit 'crm-clv with no stored Gamma-Gamma fit to a full disk fails, exit 74' 74 \
	"crm-clv $A >/dev/full"
check_out 'and stores no Gamma-Gamma fit' 0 "sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM fit WHERE model = 'gg'\""
check_out 'written, it is stored' 1 \
	"crm-clv $A -o table >/dev/null && sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM fit WHERE model = 'gg'\""
# Nothing at all to fit is exit 1, with one message.
check_exit 'no counts on standard input: exit 1' 1 \
	'crm-churn --fit --from-counts - </dev/null'
check_err 'saying there is nothing to fit' \
	'^crm-churn: no counts: nothing to fit$'
check_exit 'crm-clv alike' 1 'crm-clv --fit --from-counts - </dev/null'
check_err 'with the same reason' '^crm-clv: no counts: nothing to fit$'
crm-add -d "$TMP/empty.db" -q customer name=Nobody
check_out 'an empty store: nothing to fit, exit 1, one message' \
	'crm-churn: no purchases up to the --asof day: nothing to fit' \
	"rc=0; crm-churn -d '$TMP/empty.db' $A 2>\"\$TMP/e\" || rc=\$?; [ \$rc -eq 1 ] && cat \"\$TMP/e\""

# The small store of report.t with the published CDNOW fits stored (weeks):
# BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (p 6.25, q 3.74, gamma
# 15.44); a spend 100 times too small for one-time buyers was the old bug.
export CRM_DB="$TMP/small.db"
. "$TESTS/data/report-store.sh"
A=--asof=2026-04-30
sqlite3 "$CRM_DB" "INSERT INTO fit (model, unit, scale, asof, p1, p2, p3, p4, loglik, n, ts) VALUES ('bgnbd', 'week', 7, 0, 0.243, 4.414, 0.793, 2.426, -9582.4, 2357, 0), ('gg', 'week', 7, 0, 6.25, 3.74, 15.44, NULL, -4000, 946, 0)"
rel 'a small store: the forecast over 3m adds up to crm-clv' "$(fsum 3m)" "$(csum 3m)" 1e-9
# Customer b (x = 0): spend p gamma / (q - 1) = 6.25 x 15.44 / 2.74 = 35.219.
rel 'a one-time buyer spends the population mean, 35.22' \
	"$(crm-clv $A | awk -F'\t' -v id="$(crm-ls -F id -w 'ref = "b"')" '$1 == id { print $3 }')" 35.2189781 1e-7

# ---- Keys and refused fits ----------------------------------------------------
export CRM_DB="$TMP/tiny.db"
for i in 1 2 3 4 5; do
	crm-add -q customer ref=T$i name=T$i
	crm-add -q purchase customer_ref=T$i ts=2026-0$i-01 amount=10
done
crm-add -q customer name=Noref
crm-add -q purchase customer=6 ts=2026-06-01 amount=10
check_exit '--key ref with a customer without a ref is bad data' 65 "crm-churn --summary --key ref --asof 2026-06-30"
check_err 'naming the customer' '^crm-churn: customer 6 has no ref'
check_stdout 'before printing anything' ''
crm-set -q 6 ref="$(printf 'N\to')"
check_exit 'a ref with a tab cannot key a summary line' 65 "crm-churn --summary --key ref --asof 2026-06-30"
check_err 'saying which customer' '^crm-churn: customer 6: a ref with a tab or line break cannot key a summary line$'
# Six one-time buyers: nothing tells how they drop out.
check_exit 'a fit the data cannot carry is refused, exit 65' 65 "crm-churn -m bgnbd --fit --asof 2026-06-30"
check_out 'and nothing is stored' 0 "sqlite3 '$CRM_DB' 'SELECT count(*) FROM fit'"
check_exit 'Gamma-Gamma on one-time buyers is refused alike, exit 65' 65 "crm-clv --fit --asof 2026-06-30"
check_err 'saying what the data lack' '^crm-clv: 0 repeat customers with a repeat spend: Gamma-Gamma needs two at least$'
check 'crm-report churn says no usable fit exists, exit 0' \
	"crm-report --asof 2026-06-30 -o table churn | grep -q 'no usable model fit'"
check 'crm-report forecast too' \
	"crm-report --asof 2026-06-30 -o table forecast | grep -q 'no usable model fit'"
done_testing
