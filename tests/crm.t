#!/bin/sh
# crm: the dispatcher, and what every command shares: -h, --version,
# unknown options, man pages.
. "${0%/*}/lib.sh"
cmds="crm crm-init crm-config crm-add crm-ls crm-show crm-set crm-rm crm-tag crm-dedupe crm-tier crm-churn crm-clv crm-backup crm-export crm-points crm-basket"
plan 75
ROOT=${TESTS%/*}

check_out 'crm add runs crm-add' 1 'crm add customer name=Via'
check 'crm alone lists the commands' 'crm | grep -q "tag "'
check_exit 'an unknown command is a usage error' 64 'crm frobnicate'
check_out 'crm --version' "crm $(sed -n 's/.*CRM_VERSION.*"\(.*\)"/\1/p' "$ROOT/libcrm/crm.h")" 'crm --version'
for c in $cmds; do
	check "$c -h prints usage on stdout and exits 0" "$c -h | grep -q '^usage: $c'"
	check_exit "$c with an unknown option exits 64" 64 "$c --no-such-option"
	check "$c has a man page with EXIT STATUS and EXAMPLES" \
		"grep -q '^\.Sh EXIT STATUS' '$ROOT/man/$c.1' && grep -q '^\.Sh EXAMPLES' '$ROOT/man/$c.1'"
	check "$c's SYNOPSIS matches its usage" \
		"/usr/bin/python3 '$TESTS/synopsis.py' '$ROOT/man/$c.1' \"\$($c -h | sed -n 's/^usage: [^ ]* //p')\""
done
check 'the man pages are clean under mandoc -Tlint' "mandoc -Tlint -Wwarning '$ROOT'/man/*.[17]"
check 'crm(7) documents the filter language' "grep -q 'The filter language' '$ROOT/man/crm.7'"
check 'every exit status in crm.h is in crm(7)' \
	"for s in \$(grep -o '= [0-9]*,' '$ROOT/libcrm/crm.h' | tr -dc '0-9\n'); do grep -q \"^\.It \$s\$\" '$ROOT/man/crm.7' || exit 1; done"
done_testing
