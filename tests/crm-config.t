#!/bin/sh
# crm-config: settings, validated, with defaults.
. "${0%/*}/lib.sh"
plan 16

check_out 'sets and reads a setting' CNY 'crm-config currency CNY && crm-config currency'
check_out 'decimals defaults to 2' 2 'crm-config decimals'
check_out 'lists every setting, set or by default' "$(printf 'currency\tCNY\ndecimals\t2\ntier.value.cuts\t0.8,0.95')" 'crm-config | head -n 3'
check_exit 'a bad value is refused with 65' 65 'crm-config currency yuan'
check_exit 'an unknown key is a usage error' 64 'crm-config colour blue'
check_err 'which names the settings there are (no strerror tacked on)' \
	'^crm-config: colour: no such setting; crm knows these$'
check_exit 'a misspelt key is a usage error' 64 'crm-config curency CNY'
check_err 'naming the setting meant, alone' \
	'^crm-config: curency: no such setting \(did you mean currency\?\); try .crm-config -h.$'
check_out 'and nothing else' 1 \
	'crm-config curency CNY 2>"$TMP/e" || [ $? = 64 ]; wc -l <"$TMP/e"'
check_out 'every change is audited' 1 'sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE kind = '"'config'"'"'
check_exit '--unset removes it: reading a setting that is not set exits 1' 1 \
	'crm-config --unset currency || exit 2; crm-config currency'
check_exit 'decimals 0: whole amounts only' 65 \
	'crm-config decimals 0 || exit 2; crm-add -q customer name=A income=10.5'
check_err 'saying so' '^crm-add: income: "10\.5" has more decimals than the currency'
check_out 'and amounts print without decimals' 10 \
	'crm-add -q customer name=B income=10 && crm-ls -F income -w "name = B"'
check_exit 'decimals cannot change under stored amounts' 65 'crm-config decimals 2'
check_exit 'reading from a missing store exits 66' 66 'crm-config -d "$TMP/none.db" currency'
done_testing
