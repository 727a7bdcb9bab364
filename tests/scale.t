#!/bin/sh
# scripts/scale-out: the CDNOW master file in four shard stores split by
# ref, fitted and scored on Dask distributed and on GNU parallel, against
# one store holding everything; and that its checks catch what they are
# there to catch.
. "${0%/*}/lib.sh"
plan 13

so="${TESTS%/*}/scripts/scale-out"
data="$TESTS/data/cdnow/CDNOW_master.txt"
crm=$(cd "$CRM_BUILD/bin" && pwd)

# 23,570 customers: the CDNOW README (Fader and Hardie's data set).
ok='bgnbd and gg fits are bit-identical to one store'"'"'s, every score line byte-identical, p_alive and CLV within 1e-12 of the store'"'"'s own'
check_out 'dask and parallel: 4 shards fit and score as one store' \
	"$(printf 'scale-out: dask: 23570 customers in 4 shards: the %s\nscale-out: parallel: 23570 customers in 4 shards: the %s' "$ok" "$ok")" \
	"'$so' -k 4 -j 2 '$data'"
check_out 'Pareto/NBD in days, 3 shards, on parallel' \
	"scale-out: parallel: 23570 customers in 3 shards: the $(printf %s "$ok" | sed 's/^bgnbd/pnbd/')" \
	"'$so' -m pnbd --unit day -k 3 -j 2 --engine parallel '$data'"

# The checks fail when they should.  A shard whose counts lose their last
# line: the merge is not the whole store's, nor is the fit.
mkdir -p "$TMP/drop" "$TMP/round"
cat >"$TMP/drop/crm-churn" <<EOF
#!/bin/sh
case "\$*" in
*shard0.db*--counts*) '$crm/crm-churn' "\$@" | sed '\$d' ;;
*) exec '$crm/crm-churn' "\$@" ;;
esac
EOF
chmod +x "$TMP/drop/crm-churn"
check_exit 'a shard that loses counts is caught' 1 \
	"PATH='$TMP/drop':\$PATH '$so' -k 4 -j 2 --engine parallel '$data'"
check_err 'the merged counts differ' \
	'^scale-out: parallel: the merged counts differ from the whole store.s crm-churn --counts'
check_err 'and so does the fit' \
	'^scale-out: parallel: the fit from merged counts is not the whole store.s crm-churn --fit -n'

# A mapper that rounds to 16 digits is off by 1e-16, inside 1e-12, but its
# lines are not byte-identical; a crm-ls and a crm-clv off by 1e-11 are
# outside it.
cat >"$TMP/round/crm-churn" <<EOF
#!/bin/sh
case "\$*" in
*--model-file*) '$crm/crm-churn' "\$@" |
	awk -F '\t' -v OFS='\t' '\$2 != "" { \$2 = sprintf("%.16g", \$2) } 1' ;;
*) exec '$crm/crm-churn' "\$@" ;;
esac
EOF
cat >"$TMP/round/crm-ls" <<EOF
#!/bin/sh
case "\$*" in
*p_alive*) '$crm/crm-ls' "\$@" |
	awk -F '\t' -v OFS='\t' '\$2 != "" { \$2 = sprintf("%.17g", \$2 * (1 + 1e-11)) } 1' ;;
*) exec '$crm/crm-ls' "\$@" ;;
esac
EOF
cat >"$TMP/round/crm-clv" <<EOF
#!/bin/sh
case "\$*" in
*--stdin*|*--fit*|*--counts*) exec '$crm/crm-clv' "\$@" ;;
*) '$crm/crm-clv' "\$@" |
	awk -F '\t' -v OFS='\t' '\$4 != "" { \$4 = sprintf("%.17g", \$4 * (1 - 1e-11)) } 1' ;;
esac
EOF
chmod +x "$TMP/round/crm-churn" "$TMP/round/crm-ls" \
	"$TMP/round/crm-clv"
check_exit 'scores off in the 17th digit are caught' 1 \
	"PATH='$TMP/round':\$PATH '$so' -k 3 -j 2 --engine parallel '$data'"
cp "$TMP/err" "$TMP/round.err"
check_err 'crm-churn lines differ' \
	'^scale-out: parallel: crm-churn score lines differ from the whole store.s --summary --key ref \| crm-churn --stdin'
check_err 'crm-clv lines are byte-identical, p_alive is off by 1e-11' \
	'^scale-out: parallel: p_alive of 23570 customers not within 1e-12 of crm-ls'
check_err 'and the CLV of every customer with a CLV' \
	'^scale-out: parallel: crm-clv of [0-9]+ customers not within 1e-12 of the store.s crm-clv'
check 'but nothing else' \
	"! grep -v -e 'crm-churn score lines' -e '^  C' -e 'p_alive of' -e 'crm-clv of' '$TMP/round.err'"

check_exit 'no shards: usage' 64 "'$so' -k 0 '$data'"
check_exit 'no data: 66' 66 "'$so' '$TMP/none.txt'"
check_err 'naming it' "none.txt: no such file"
done_testing
