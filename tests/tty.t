#!/bin/sh
# A command that waits for ids on standard input says so when someone at a
# terminal would otherwise stare at nothing; never in a pipe or a file.
# The terminal is a pseudo-terminal of python3's pty module (terminal.py).
. "${0%/*}/lib.sh"
plan 10
term() { /usr/bin/python3 "$TESTS/terminal.py" "$@"; }
hint='reading ids from standard input (^D to end)'

crm-add -q customer name=One
crm-add -q customer name=Two
crm-add -q customer name=Three
crm-add -q customer name=Four
# The terminal shows the hint, then what was typed (echoed): 1.
check_out 'crm-rm with no id, on a terminal: the hint, then it reads the ids typed' \
	"$(printf 'crm-rm: %s\n1' "$hint")" 'PTY_INPUT=1 term crm-rm'
check_out 'and the typed id was removed' '2 3 4' 'crm-ls -F id | paste -sd " "'
check_out 'crm-tag says it too, under its own name' \
	"$(printf 'crm-tag: %s\n2' "$hint")" 'PTY_INPUT=2 term crm-tag vip'
check_out 'and so does crm set, run by crm' \
	"$(printf 'crm-set: %s\n2' "$hint")" 'PTY_INPUT=2 term crm set city=Hangzhou'
check_out 'what was typed was read' "$(printf '2\tvip\tHangzhou')" \
	'crm-ls -F id,tags,city -w "id = 2"'
check_out 'stderr not a terminal (2>file): no hint, and the ids still read' \
	"$(printf '3\n0\n2 4')" \
	'PTY_INPUT=3 PTY_WAIT=0 term -e "$TMP/e" crm-rm && wc -c <"$TMP/e" &&
	crm-ls -F id | paste -sd " "'
printf '4\n' >"$TMP/ids"
check_out 'stdin from a file, stderr a terminal: no hint' 2 \
	'PTY_WAIT=0 term -i "$TMP/ids" crm-rm && crm-ls -F id'
check_out 'ids as arguments on a terminal: no hint, nothing waited for' '' \
	'crm-add -q customer name=Five && PTY_WAIT=0 term crm-tag -q x 5'
check_out 'a pipe, as every other test: nothing on stderr' '1' \
	'echo 5 | crm-tag -q y 2>"$TMP/e2" && [ ! -s "$TMP/e2" ] && crm-ls -w "tag.y" | wc -l'
crm-add -q customer name=Six email=six@example.com
check_out 'crm-show too, and it reads an e-mail as well as an id' \
	"$(printf 'crm-show: %s\nsix@example.com\nname\tSix' "$hint")" \
	'PTY_INPUT=six@example.com term crm-show | sed -n "1,2p;/^name/p"'
done_testing
