#!/bin/sh
# crm-basket: the rules equal a brute-force enumeration; suggestions.
. "${0%/*}/lib.sh"
plan 13

printf 'ref,name\nA,Ann\nB,Bob\nC,Cy\nD,Beer Only\n' | crm-add -q -f - customer
cat >"$TMP/p.csv" <<'CSV'
customer_ref,ts,amount,product,order_ref
A,2026-01-01,1,bread,O1
A,2026-01-01,1,milk,O1
B,2026-01-02,1,bread,O2
B,2026-01-02,1,diapers,O2
B,2026-01-02,1,beer,O2
B,2026-01-02,1,eggs,O2
C,2026-01-03,1,milk,O3
C,2026-01-03,1,diapers,O3
C,2026-01-03,1,beer,O3
C,2026-01-03,1,cola,O3
A,2026-01-04,1,bread,O4
A,2026-01-04,1,milk,O4
A,2026-01-04,1,diapers,O4
A,2026-01-04,1,beer,O4
B,2026-01-05,1,bread,O5
B,2026-01-05,1,milk,O5
B,2026-01-05,1,diapers,O5
B,2026-01-05,1,cola,O5
CSV
crm-add -q -f "$TMP/p.csv" purchase
# Without an order_ref, a customer's purchases of one day are an order.
printf 'customer_ref,ts,amount,product\nD,2026-01-06,1,beer\nD,2026-01-06,1,chips\nD,2026-02-01,1,wine\n' |
	crm-add -q -f - purchase
brute() {  # brute MS MC: the rules by enumerating every itemset
	/usr/bin/python3 - "$TMP/rules.tsv" "$1" "$2" <<'PY'
import itertools, sys
baskets = [{"bread", "milk"}, {"bread", "diapers", "beer", "eggs"},
           {"milk", "diapers", "beer", "cola"},
           {"bread", "milk", "diapers", "beer"},
           {"bread", "milk", "diapers", "cola"}, {"beer", "chips"}, {"wine"}]
ms, mc = float(sys.argv[2]), float(sys.argv[3])
n = len(baskets)
sup = lambda s: sum(1 for b in baskets if s <= b) / n
items = sorted(set().union(*baskets))
want = {}
for k in range(2, len(items) + 1):
    for u in map(set, itertools.combinations(items, k)):
        if sup(u) < ms - 1e-9:
            continue
        for j in range(1, k):
            for a in map(set, itertools.combinations(sorted(u), j)):
                c = u - a
                conf = sup(u) / sup(a)
                if conf >= mc - 1e-9:
                    want[(",".join(sorted(a)), ",".join(sorted(c)))] = (
                        sup(u), conf, conf / sup(c))
got = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    got[(f[0], f[1])] = tuple(map(float, f[2:5]))
assert set(got) == set(want), sorted(set(got) ^ set(want))
for k, v in want.items():
    assert all(abs(x - y) < 1e-4 for x, y in zip(got[k], v)), (k, got[k], v)
PY
}
check 'the rules at 20 % / 50 % equal a brute-force enumeration' \
	'crm-basket --min-support 20% --min-confidence 50% >"$TMP/rules.tsv" && brute 0.2 0.5'
check 'and at 40 % / 60 %' \
	'crm-basket --min-support 0.4 --min-confidence 0.6 >"$TMP/rules.tsv" && brute 0.4 0.6'
check 'and at 10 % / 100 % (bounds inclusive)' \
	'crm-basket --min-support 10% --min-confidence 100% >"$TMP/rules.tsv" && brute 0.1 1.0'
check 'support and confidence print as fractions with 4 decimals' \
	"[ -s '$TMP/rules.tsv' ] && ! cut -f3,4 '$TMP/rules.tsv' | grep -Ev '^[01]\.[0-9]{4}	[01]\.[0-9]{4}\$'"
check_out 'itemsets are sorted, comma-joined names' 'beer,milk	diapers' \
	'crm-basket --min-support 20% --min-confidence 50% | cut -f1,2 | grep "^beer,milk	"'
check_out 'the first suggestion for a beer and chips buyer is diapers' diapers \
	"crm-basket --min-support 20% --min-confidence 50% --suggest 4 | head -n 1 | cut -f2"
# D bought beer, chips and wine; of the rules at 20 % / 50 % only those from
# beer apply: beer -> diapers, bread, milk (and pairs of them), so beer
# itself, chips and wine are never suggested.
check_out 'nothing they bought is suggested' 'bread diapers milk' \
	"crm-basket --min-support 20% --min-confidence 50% --suggest 4 | cut -f2 | sort | paste -sd ' '"
check_out '-s -product -l 2: the last two of those by name' 'milk diapers' \
	"crm-basket --min-support 20% --min-confidence 50% --suggest 4 -s -product -l 2 | cut -f2 | paste -sd ' '"
check_exit '-s names a column of the suggestions: lift is none' 64 \
	'crm-basket --min-support 20% --min-confidence 50% --suggest 4 -s lift'
check_exit 'no rule at 90 % support: exit 1' 1 'crm-basket --min-support 90%'
check_exit 'a malformed threshold is a usage error' 64 'crm-basket --min-support lots'
# Ties.  Twelve orders: apple in five, zucchini in two of them; fig and
# grape, grape alone; kiwi and lime twice; water alone three times.  By hand,
# lift = n c(AC) / (c(A) c(C)):
#   kiwi => lime, lime => kiwi   12 2 / (2 2) = 6, confidence 1, support 2/12
#   fig => grape                 12 1 / (1 2) = 6, confidence 1, support 1/12
#   grape => fig                 12 1 / (2 1) = 6, confidence 1/2
#   zucchini => apple            12 2 / (2 5) = 2.4, confidence 1
#   apple => zucchini            12 2 / (5 2) = 2.4, confidence 2/5
# so the order: equal lift by confidence (grape => fig after fig => grape;
# zucchini => apple first, though (2/5) / (2/12) = 2.4000000000000004 is a
# bigger double than (2/2) / (5/12) = 2.4), then by support (kiwi => lime
# before fig => grape), then by the text (kiwi => lime before lime => kiwi).
export CRM_DB="$TMP/ties.db"
printf 'ref,name\nT,Tie\n' | crm-add -q -f - customer
{ echo customer_ref,ts,amount,product,order_ref
  for o in 1:apple,zucchini 2:apple,zucchini 3:apple 4:apple 5:apple \
      6:fig,grape 7:grape 8:kiwi,lime 9:kiwi,lime 10:water 11:water 12:water; do
	IFS=, read -ra ps <<<"${o#*:}"
	for p in "${ps[@]}"; do echo "T,2026-01-01,1,$p,P${o%%:*}"; done
  done
} | crm-add -q -f - purchase
check_out 'rules of equal lift by confidence, then support, then text' \
	"$(printf '%s\n' 'kiwi	lime' 'lime	kiwi' 'fig	grape' 'grape	fig' \
	'zucchini	apple' 'apple	zucchini')" \
	'crm-basket --min-support 0.08 --min-confidence 0 | cut -f1,2'
check_out 'the lifts are the hand-computed 6 and 2.4' "$(printf '6.0000\n6.0000\n6.0000\n6.0000\n2.4000\n2.4000')" \
	'crm-basket --min-support 0.08 --min-confidence 0 | cut -f5'
done_testing
