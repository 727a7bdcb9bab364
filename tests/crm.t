#!/bin/sh
# crm: the dispatcher, and what every command shares: -h, --version,
# unknown options, man pages.
. "${0%/*}/lib.sh"
ROOT=${TESTS%/*}
# Every command the Makefile builds.
cmds=$(must sed -n '/^CMDS = /,/[^\\]$/p' "$ROOT/Makefile" | sed 's/^CMDS = //; s/\\$//' | xargs)
set -- $cmds
plan $((10 + 4 * $#))

check_out 'the commands are every crm-* the build holds, and each has a man page' \
	"$(printf '%s\n' $cmds | sort | paste -sd ' ')" \
	'cd "$CRM_BUILD/bin" && ls crm crm-* | grep -vx crm-unit | sort | paste -sd " " &&
	cd "$ROOT/man" && ls crm*.1 | sed "s/\.1\$//" | sort | paste -sd " " >"$TMP/pages" &&
	[ "$(cat "$TMP/pages")" = "$(printf "%s\n" $cmds | sort | paste -sd " ")" ]'
check_out 'crm add runs crm-add' 1 'crm add customer name=Via'
check 'crm alone lists every command' \
	'crm >"$TMP/list" && for c in ${cmds#crm }; do grep -q "^  ${c#crm-}  " "$TMP/list" || { echo "$c missing" >&2; exit 1; }; done'
check_exit 'an unknown command is a usage error' 64 'crm frobnicate'
check_out 'crm --version' "crm $(sed -n 's/.*CRM_VERSION.*"\(.*\)"/\1/p' "$ROOT/libcrm/crm.h")" 'crm --version'
for c in $cmds; do
	check "$c -h prints usage on stdout and exits 0" "$c -h | grep -q '^usage: $c'"
	check_exit "$c with an unknown option exits 64" 64 "$c --no-such-option"
	check "$c has a man page with EXIT STATUS and EXAMPLES" \
		"grep -q '^\.Sh EXIT STATUS' '$ROOT/man/$c.1' && grep -q '^\.Sh EXAMPLES' '$ROOT/man/$c.1'"
	check "$c: the options its parser accepts are those of its usage and SYNOPSIS" \
		"/usr/bin/python3 '$TESTS/synopsis.py' $c '$ROOT/man/$c.1'"
done
check 'the man pages are clean under mandoc -Tlint' "mandoc -Tlint -Wwarning '$ROOT'/man/*.[17]"
check 'crm(7) documents the filter language' "grep -q 'The filter language' '$ROOT/man/crm.7'"
check 'every exit status in crm.h is in crm(7)' \
	"for s in \$(grep -o '= [0-9]*,' '$ROOT/libcrm/crm.h' | tr -dc '0-9\n'); do grep -q \"^\.It \$s\$\" '$ROOT/man/crm.7' || exit 1; done"
check "crm(7)'s -i names every input format crm-add's parser takes" \
	"line=\$(sed -n '/^\.It Fl i Ar fmt\$/{n;p;}' '$ROOT/man/crm.7') &&
	for f in \$(crm-add --options | awk -F '\t' '\$2 == \"-i\" { gsub(\",\", \" \", \$5); print \$5 }'); do
		case \"\$line\" in *\"\$f\"*) ;; *) echo \"\$f missing: \$line\" >&2; exit 1;; esac
	done"
check "crm(7)'s 64 names every did-you-mean: commands, options, fields, settings too" \
	"sed -n '/^\.It 64\$/,/^\.It 65\$/p' '$ROOT/man/crm.7' | tr '\n' ' ' >'$TMP/64' &&
	for w in command option field 'kind of record' report 'tier scheme' model setting; do
		grep -q \"\$w\" '$TMP/64' || { echo \"\$w missing\" >&2; exit 1; }
	done"
done_testing
