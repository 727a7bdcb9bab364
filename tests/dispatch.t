#!/bin/sh
# crm, the dispatcher (issue 12): its own options before the command, as
# git -C (crm -d PATH ls, crm --asof DAY report summary), crm help CMD from
# the build folder, and "did you mean" for a mistyped command.
. "${0%/*}/lib.sh"
ROOT=${TESTS%/*}
plan 38

# Two stores: the default one ($CRM_DB) and another one, told apart by
# their customers.
crm-add -q customer name=Here
crm-add -q -d "$TMP/other.db" customer name=There
crm-add -q -d "$TMP/other.db" purchase customer=1 ts=2020-03-01 amount=10
crm-add -q -d "$TMP/other.db" purchase customer=1 ts=2025-03-01 amount=32.50

check_out 'crm -d PATH ls lists the customers of that store' There \
	'crm -d "$TMP/other.db" ls -F name'
check_out 'so does crm --db=PATH ls' There \
	'crm --db="$TMP/other.db" ls -F name'
check_out 'without it, the default store' Here 'crm ls -F name'
check_out 'crm -d PATH add writes to that store' 2 \
	'crm -d "$TMP/other.db" add customer name=Two'
check_out 'and only there' Here 'crm ls -F name'
# Revenue as of 2021-01-01: only the purchase of 2020-03-01, 10.00; as of
# 2026-01-01 both, 10 + 32.50 = 42.50 (by hand).
check_out 'crm --asof DAY report summary is crm-report --asof DAY summary' 10.00 \
	'crm -d "$TMP/other.db" --asof 2021-01-01 report summary |
	awk -F "\t" "\$1 == \"revenue\" { print \$2 }"'
check_out '--asof=DAY, the options in either order' 42.50 \
	'crm --asof=2026-01-01 -d "$TMP/other.db" report summary |
	awk -F "\t" "\$1 == \"revenue\" { print \$2 }"'
check_out "options after the command are the command's own" There \
	'crm ls -d "$TMP/other.db" -F name -l 1'
check_exit 'a command that takes no --asof refuses it' 64 \
	'crm --asof 2021-01-01 config currency'
check_exit '-d without its path is a usage error' 64 'crm -d'
check_err 'said as every command says it' \
	"^crm: -d: needs a value \\(path\\); try 'crm -h'\$"
check_exit 'an unknown option of crm' 64 'crm -x ls'
check_err 'said as every command says it' "^crm: -x: no such option; try 'crm -h'\$"
check_exit 'a mistyped long option of crm' 64 'crm --comands'
check_err 'with the one meant' \
	"^crm: --comands: no such option \\(did you mean --commands\\?\\); try 'crm -h'\$"
check_exit 'a bad --asof is refused by crm' 64 'crm --asof 2021-02-30 report summary'
check_err 'in the shape of every command' '^crm: --asof: "2021-02-30" '
check_exit 'global options and no command is a usage error' 64 \
	'crm -d "$TMP/other.db"'
check_out 'crm --options lists -d, --db and --asof' \
	"$(printf 'option\t-d\t--db\tpath\noption\t-\t--asof\tdate')" \
	'crm --options | grep -E -- "--(db|asof)	" | cut -f 1-4'

check_exit 'a mistyped command is a usage error' 64 'crm lss'
check_err 'naming the nearest command' \
	'^crm: lss: no such command \(did you mean ls\?\); try .crm -h.$'
check_exit 'so is a transposition' 64 'crm reprot summary'
check_err 'which counts as one edit' '\(did you mean report\?\); try .crm -h.$'
check_exit 'a word near no command' 64 'crm frobnicate'
check_err 'says where the list is' \
	'^crm: frobnicate: no such command \(crm lists them\); try .crm -h.$'

# crm help CMD, before make install: the page of the source tree beside
# build/bin.  A man(1) of our own shows what it is asked for.
mkdir "$TMP/fake"
printf '#!/bin/sh\necho "$@"\n' >"$TMP/fake/man"
chmod +x "$TMP/fake/man"
check_out 'crm help ls reads man/crm-ls.1 of the tree crm was built from' \
	"-l $CRM_BUILD/bin/../../man/crm-ls.1" \
	'PATH="$TMP/fake:$PATH" crm help ls'
check 'the real man(1) shows it' \
	'MANPAGER=cat MANWIDTH=80 crm help show >"$TMP/page" &&
	grep -q "crm-show.*customer" "$TMP/page"'
check_exit 'help for a command that does not exist' 64 \
	'PATH="$TMP/fake:$PATH" crm help lss'
check_err 'names the nearest' '^crm: lss: no such command \(did you mean ls\?\); try .crm -h.$'
check_out 'crm help 7 shows crm(7), where every -h points' \
	"-l $CRM_BUILD/bin/../../man/crm.7" 'PATH="$TMP/fake:$PATH" crm help 7'
check_out 'so does crm help crm.7' \
	"-l $CRM_BUILD/bin/../../man/crm.7" 'PATH="$TMP/fake:$PATH" crm help crm.7'
check_out 'crm help crm shows crm(1)' \
	"-l $CRM_BUILD/bin/../../man/crm.1" 'PATH="$TMP/fake:$PATH" crm help crm'
check_out 'so does crm help help (crm --commands lists help)' \
	"-l $CRM_BUILD/bin/../../man/crm.1" 'PATH="$TMP/fake:$PATH" crm help help'
check_out 'a command named in full' \
	"-l $CRM_BUILD/bin/../../man/crm-ls.1" 'PATH="$TMP/fake:$PATH" crm help crm-ls'
check_exit 'a second word is a usage error' 64 'PATH="$TMP/fake:$PATH" crm help ls extra'
check_err 'saying which' "^crm: help: \"extra\": one page at a time; try 'crm -h'\$"
check_exit 'a mistyped full name' 64 'PATH="$TMP/fake:$PATH" crm help crm-lss'
check_err 'names the nearest' '^crm: lss: no such command \(did you mean ls\?\)'
done_testing
