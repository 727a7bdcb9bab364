#!/bin/sh
# crm-config: settings, validated, with defaults.
. "${0%/*}/lib.sh"
plan 30

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
# A scheme's settings are rows of its file (libcrm/tier-presale.c), listed,
# checked and suggested with the others, its defaults those of crm-tier(1).
check_out 'a scheme'\''s settings are listed, after decimals, with their defaults' \
	"$(printf 'tier.presale.weights\t0.4,0.4,0.2\ncadence.presale.A\toffer:7')" \
	'crm-config | grep -E "^(tier\.presale\.weights|cadence\.presale\.A)	"'
check_out 'and read one by one' online:7,visit:14 'crm-config cadence.presale.B'
check_exit 'three weights, not two' 65 'crm-config tier.presale.weights 0.5,0.5'
check_exit 'each at most 1' 65 'crm-config tier.presale.weights 0.5,0.5,1.5'
check_exit 'a misspelt setting of a scheme' 64 'crm-config tier.servce.cuts 1,2'
check_err 'gets the nearest' \
	'^crm-config: tier.servce.cuts: no such setting \(did you mean tier.service.cuts\?\); try .crm-config -h.$'
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
# Shares: 80% and 0.8 alike (crm(7)), stored as the fraction, so a reader
# of the store sees 0.8,0.95 either way; a bare number above 1 is refused.
check_out 'cuts as percentages are stored as fractions' 0.8,0.95 \
	'crm-config tier.value.cuts 80%,95% && crm-config tier.value.cuts'
check_out 'weights too' 0.4,0.4,0.2 \
	"crm-config tier.presale.weights '40%,40%,20%' && crm-config tier.presale.weights"
check_out 'and effort targets' 0.7,0.2,0.1 \
	'crm-config effort.targets 70%,20%,10% && crm-config effort.targets'
check_out 'a fraction and a percentage mix' 0.25,0.9 \
	'crm-config tier.value.cuts 0.25,90% && crm-config tier.value.cuts'
check_out 'and the audit log says what was stored' 'tier.value.cuts = 0.25,0.9' \
	"sqlite3 \"\$CRM_DB\" \"SELECT detail FROM audit WHERE kind = 'config' ORDER BY id DESC LIMIT 1\""
check_exit 'a bare number above 1 is not a share' 65 'crm-config effort.targets 70,20,10'
check_exit 'nor a percentage above 100' 65 'crm-config tier.value.cuts 80%,150%'
check_exit 'nor a sign after the percent' 65 'crm-config tier.value.cuts 80%%,95%'
done_testing
