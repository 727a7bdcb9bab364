#!/bin/sh
# Shell completion (scripts/gen-completion, built from each command's
# --options): the bash one sourced here and asked as bash asks it, with
# COMP_WORDS; the zsh one through zsh's own completion system on a
# pseudo-terminal (zcomplete.zsh); bash-completion's loading by name; make
# install.  What is offered is compared with what the commands accept: the
# option names their parsers list, the formats of their man pages, the
# schemes and reports their error messages list, -F help's fields.
. "${0%/*}/lib.sh"
ROOT=${TESTS%/*}
BASHC=$CRM_BUILD/share/bash-completion/completions
ZSHC=$CRM_BUILD/share/zsh/site-functions
cmds=$(must sed -n '/^CMDS = /,/[^\\]$/p' "$ROOT/Makefile" | sed 's/^CMDS = //; s/\\$//' | xargs)
plan 85

# comp WORD...: what the bash completion offers for the last WORD, sorted,
# on one line; called as bash calls it (COMP_WORDS split at COMP_WORDBREAKS:
# --output=j is three words, --output = j)
. "$BASHC/crm"
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_crm "$1" "${@: -1}" "${@: -2:1}"
	[ ${#COMPREPLY[@]} -eq 0 ] ||
	    printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd ' '
}
# zcomp WORD...: what zsh's completion offers for the last WORD
zcomp() { zsh -f "$TESTS/zcomplete.zsh" "$ZSHC" "$@" | paste -sd ' '; }
# zdesc WORD...: what it offers with a description, name TAB description
zdesc() { zsh -f "$TESTS/zcomplete.zsh" -d "$ZSHC" "$@"; }
# names CMD: the option names CMD's parser lists (--options), sorted
names() {
	"$1" --options | awk -F '\t' '$1 == "option" {
	    if ($2 != "-") print $2; if ($3 != "-") print $3 }' | sort | paste -sd ' '
}
# known CMD: the names CMD's "no such" error lists (a word near none of them)
known() {
	rc=0; "$@" zzzzzzzzzz 2>"$TMP/known" >/dev/null || rc=$?
	[ "$rc" -ne 0 ] || _bail "$* zzzzzzzzzz: exit 0"
	sed -n 's/.*(\(.*\)).*/\1/p' "$TMP/known" | tr -d , | tr ' ' '\n' |
	    sort | paste -sd ' '
}
crm-add -q customer name=Ada
formats='csv json table tsv vcard xlsx'	# crm-ls(1): -o tsv, csv, json, table, xlsx or vcard
schemes=$(must known crm-tier)
reports=$(must known crm-report)
is 'the schemes crm-tier knows, as its error lists them' "$schemes" \
	'presale rfm service value'

check 'make built the bash completion, named after every command of the Makefile, and the zsh one' \
	'for c in $cmds; do [ "$(readlink -f "$BASHC/$c")" = "$(readlink -f "$BASHC/crm")" ] || exit 1; done &&
	[ -s "$BASHC/crm" ] && [ -s "$ZSHC/_crm" ]'
check_out 'crm <TAB>: every command of the Makefile, and help' \
	"$(printf '%s\n' ${cmds//crm-/} help | grep -vx crm | sort | paste -sd ' ')" 'comp crm ""'
check_out 'crm re<TAB>' report 'comp crm re'
check_out 'crm help rep<TAB>: a command' report 'comp crm help rep'
check 'crm-X -<TAB>, for every command: the options its parser lists, and only those' \
	'for c in $cmds; do w=$(names $c) && [ -n "$w" ] && g=$(comp $c -) &&
	[ "$g" = "$w" ] || { echo "$c: $g, not $w" >&2; exit 1; }; done'
check_out 'crm-ls -<TAB> offers -F, -s, -l, --asof and their long names' \
	'--asof --fields --limit --sort -F -l -s' \
	'comp crm-ls - | tr " " "\n" | grep -xE -- "-[Fsl]|--(fields|sort|limit|asof)" | paste -sd " "'
check_out 'crm-ls --f<TAB>' --fields 'comp crm-ls --f'
check_out 'crm-ls -o <TAB>: the formats of crm-ls(1)' "$formats" 'comp crm-ls -o ""'
check 'and crm-ls takes each' \
	'for f in $(comp crm-ls -o ""); do crm-ls -o $f >/dev/null || exit 1; done'
check_out 'crm-report -o <TAB>: html too, no vcard' 'csv html json table tsv xlsx' \
	'comp crm-report -o ""'
check_out 'crm-tier -o <TAB>: neither' 'csv json table tsv' 'comp crm-tier -o ""'
check_out 'crm-ls --output=<TAB>' "$formats" 'comp crm-ls --output ='
check_out 'crm-ls --output=j<TAB>' json 'comp crm-ls --output = j'
check_out 'crm-ls --output=j<TAB>, "=" not a word break' --output=json \
	'comp crm-ls --output=j'
check_out 'crm-ls -Ho <TAB>: the value of the last option of a cluster' "$formats" \
	'comp crm-ls -Ho ""'
check_out 'crm-tier <TAB>: the schemes' "$schemes" 'comp crm-tier ""'
check_out 'crm-tier -o json <TAB>: an option'\''s value is no operand' "$schemes" \
	'comp crm-tier -o json ""'
check_out 'crm-tier rfm <TAB>: one scheme only' '' 'comp crm-tier rfm ""'
check_out 'crm-report <TAB>: the reports' "$reports" 'comp crm-report ""'
check_out 'crm-report --by x s<TAB>' \
	"$(printf '%s\n' $reports | grep '^s' | paste -sd ' ')" 'comp crm-report --by x s'
check_out 'crm-ls -F help purchase, which completion reads: a reference names its kind' \
	"$(printf 'customer\tid of customer')" 'crm-ls -F help purchase | sed -n 2p'
fields=$(must crm-ls -F help | cut -f1 | grep -v '[A-Z]' | sort | paste -sd ' ')
check 'crm-ls -F <TAB>: every field of crm-ls -F help' \
	'got=$(comp crm-ls -F "") && for f in $fields; do
	case " $got " in *" $f "*) ;; *) echo "$f missing" >&2; exit 1 ;; esac; done'
check_out 'crm-ls -F id,na<TAB>: the last of a comma list' id,name \
	'comp crm-ls -F id,na'
check_out 'crm-ls -F id,city,na<TAB>' id,city,name 'comp crm-ls -F id,city,na'
check_out 'crm-ls -s -rec<TAB>: descending' -recency 'comp crm-ls -s -rec'
check_out 'crm-churn -s <TAB>: its columns, no fields of customers' '' \
	'comp crm-churn -s ""'
check_out 'crm-report --by ci<TAB>: the fields of customers' city 'comp crm-report --by ci'
check_out 'crm-ls -F prod<TAB>: a customer has no product' '' 'comp crm-ls -F prod'
check_out 'crm-ls -Fna<TAB>: a value attached to its option' -Fname 'comp crm-ls -Fna'
check_out 'crm-ls -Fid,na<TAB>: a comma list attached' -Fid,name 'comp crm-ls -Fid,na'
check_out 'crm-ls -HFna<TAB>: after flags' -HFname 'comp crm-ls -HFna'
check_out 'crm-ls -ojs<TAB>' -ojson 'comp crm-ls -ojs'
check_out 'crm-ls purchase -Fprod<TAB>' -Fproduct 'comp crm-ls purchase -Fprod'
# field=value operands: the fields of the kind on the line, with their "="
check_out 'crm-add customer na<TAB>: name=' name= 'comp crm-add customer na'
check_out 'crm-add customer name=x ci<TAB>: field after field' city= \
	'comp crm-add customer name=x ci'
check_out 'crm-add purchase am<TAB>: the fields of a purchase' amount= 'comp crm-add purchase am'
check_out 'crm-set 1 ci<TAB>: a field where an id may be' city= 'comp crm-set 1 ci'
check_out 'crm-set purchase 3 am<TAB>' amount= 'comp crm-set purchase 3 am'
check_out 'crm-set 1 name=<TAB>: a value, not a field' '' 'comp crm-set 1 name='
check_out 'crm-rm 1 <TAB>: crm-rm takes no field=value' '' 'comp crm-rm 1 ""'
check_out 'crm add customer na<TAB>' name= 'comp crm add customer na'
# --key: the unique keys crm-add takes (its error lists them), not every field
check_out 'crm-add customer -u --key <TAB>: the keys of a customer' 'email ref' \
	'comp crm-add customer -u --key ""'
check_out 'crm-add purchase -u --key <TAB>: the fields of its key' 'order_ref product' \
	'comp crm-add purchase -u --key ""'
rc=0; crm-add -u --key zzzzzzzzzz customer name=Z 2>"$TMP/keys" || rc=$?
check_out 'as crm-add'\''s error for another lists them' 'email ref' \
	'[ $rc = 64 ] && sed -n "s/.*(\(.*\)).*/\1/p" "$TMP/keys" | tr -d , | tr " " "\n" | sort | paste -sd " "'
check_out 'crm-ls purchase -F prod<TAB>: the fields of the kind on the line' product \
	'comp crm-ls purchase -F prod'
check_out 'crm-ls -F prod<TAB> purchase, the kind after' product \
	'COMP_WORDS=(crm-ls -F prod purchase) COMP_CWORD=2 COMPREPLY=() && _crm && echo "${COMPREPLY[@]}"'
check_out 'crm ls -<TAB>: as crm-ls -<TAB>' "$(must names crm-ls)" 'comp crm ls -'
check_out 'crm ls -o <TAB>' "$formats" 'comp crm ls -o ""'
check_out 'crm tier <TAB>' "$schemes" 'comp crm tier ""'
# crm's own options before the command (crm -d PATH CMD, like git -C).
check_out 'crm -d x.db ls -o <TAB>' "$formats" 'comp crm -d x.db ls -o ""'
check_out 'crm --asof DAY tier <TAB>' "$schemes" \
	'comp crm --asof 2020-01-01 tier ""'
check_out 'crm -<TAB>: crm'\''s own options' \
	'--asof --commands --db --help --options --version -d -h' 'comp crm -'
mkdir "$TMP/d" "$TMP/d/sub"
: >"$TMP/d/a.db"
: >"$TMP/d/b.csv"
check_out 'crm-ls -d <TAB>: file names' 'a.db b.csv sub' 'cd "$TMP/d" && comp crm-ls -d ""'
check_out 'crm-add -f b<TAB>' b.csv 'cd "$TMP/d" && comp crm-add -f b'
check_out 'crm-ls -- -<TAB>: no option after --' '' 'comp crm-ls -- -'
check_out 'crm-backup <TAB>: folders only' sub 'cd "$TMP/d" && comp crm-backup ""'
check_out 'crm-backup --restore <TAB>: files' 'a.db b.csv sub' \
	'cd "$TMP/d" && comp crm-backup --restore ""'

# the kinds of crm(7)
check_out 'crm-add <TAB>: the kinds of record' 'contact customer points purchase survey ticket' \
	'comp crm-add ""'
check 'and crm-ls takes each (0 or 1: nothing selected)' \
	'for k in $(comp crm-rm ""); do rc=0; crm-ls $k >/dev/null || rc=$?; [ $rc -le 1 ] || exit 1; done'
rc=0; crm-config zzzzzzzzzz 2>"$TMP/settings" || rc=$?
is 'crm-config of no setting is a usage error' "$rc" 64
settings=$(sed -n 's/^  \([^	]*\)	.*/\1/p' "$TMP/settings" | sort | paste -sd ' ')
check_out 'crm-config <TAB>: the settings its error lists' "$settings" 'comp crm-config ""'
check_out 'crm-config --unset tier.v<TAB>' 'tier.value.cuts tier.value.labels' \
	'comp crm-config --unset tier.v'

# bash-completion finds the file by the command's name in
# $XDG_DATA_DIRS/bash-completion/completions.
check_out 'bash-completion loads it on first use of crm-tier' 'complete -F _crm crm-tier' \
	'XDG_DATA_DIRS=$CRM_BUILD/share bash -c ". /usr/share/bash-completion/bash_completion &&
	__load_completion crm-tier && complete -p crm-tier"'

check_out 'make install puts them under PREFIX/share, and uninstall removes them' \
	"$(printf '%s\n' share/bash-completion/completions/crm \
	    share/bash-completion/completions/crm-ls share/zsh/site-functions/_crm
	    echo 0)" \
	'make -s -o all -C "$ROOT" install uninstall B="$CRM_BUILD" PREFIX=/usr/x \
	    DESTDIR="$TMP/inst" >"$TMP/make.out" &&
	make -s -o all -C "$ROOT" install B="$CRM_BUILD" PREFIX=/usr/x DESTDIR="$TMP/i2" >"$TMP/make.out" &&
	cd "$TMP/i2/usr/x" && ls -d share/bash-completion/completions/crm \
	    share/bash-completion/completions/crm-ls share/zsh/site-functions/_crm &&
	find "$TMP/inst" -type f -o -type l | wc -l'

mkdir -p "$TMP/bad/bin"
printf '#!/bin/sh\nprintf "option\\t-h\\t--help\\t-\\tthe help\\n"\n' >"$TMP/bad/bin/crm"
chmod +x "$TMP/bad/bin/crm"
check_exit 'gen-completion refuses a listing not of six fields' 1 \
	'"$ROOT/scripts/gen-completion" "$TMP/bad" crm'
check_err 'and says where' '^gen-completion: crm --options:1: 5 fields, not 6'

# A build whose crm --commands leaves out a command the Makefile builds.
mkdir -p "$TMP/odd/bin"
for c in $cmds; do ln -s "$CRM_BUILD/bin/$c" "$TMP/odd/bin/$c"; done
rm "$TMP/odd/bin/crm"
printf '#!/bin/sh\nif [ "$1" = --commands ]; then "%s" "$@" | grep -v "^ls"; else exec "%s" "$@"; fi\n' \
	"$CRM_BUILD/bin/crm" "$CRM_BUILD/bin/crm" >"$TMP/odd/bin/crm"
chmod +x "$TMP/odd/bin/crm"
check_exit 'gen-completion refuses a crm --commands that is not the build'\''s' 1 \
	'"$ROOT/scripts/gen-completion" "$TMP/odd" $cmds'
check_err 'and says which' '^gen-completion: crm --commands lists .* the build .*\bls\b'

check 'the zsh completion is zsh' 'zsh -n "$ZSHC/_crm"'
check_out 'zsh: crm <TAB>' "$(comp crm '')" 'zcomp crm ""'
check_out 'zsh: crm -d x.db tier <TAB>' "$schemes" 'zcomp crm -d x.db tier ""'
# What each command does is said once, in crm.c's table: crm --commands
# prints it (tests/tables.t: it is the man pages' NAME lines too).
check_out 'crm --commands: every command of the Makefile, and help' \
	"$(printf '%s\n' ${cmds//crm-/} help | grep -vx crm | sort | paste -sd ' ')" \
	'crm --commands | cut -f1 | sort | paste -sd " "'
check_out 'zsh: crm <TAB> offers each command with what it does, as crm --commands says' \
	"$(crm --commands | sort)" 'zdesc crm ""'
check_out 'zsh: crm help re<TAB>: a command, described' \
	"$(crm --commands | grep '^re')" 'zdesc crm help re'
check_out 'zsh: crm -d x.db s<TAB>: after crm'\''s own options too' \
	"$(crm --commands | grep '^s' | sort)" 'zdesc crm -d x.db s'
check_out 'zsh: crm-ls -o <TAB>' "$formats" 'zcomp crm-ls -o ""'
check_out 'zsh: crm ls -<TAB>, as its parser lists them' "$(must names crm-ls)" \
	'zcomp crm ls -'
check_out 'zsh: crm-tier <TAB>' "$schemes" 'zcomp crm-tier ""'
check_out 'zsh: crm-report -q <TAB>' "$reports" 'zcomp crm-report -q ""'
check_out 'zsh: crm-ls -F id,na<TAB>' id,name 'zcomp crm-ls -F id,na'
check_out 'zsh: crm-ls -Fna<TAB>' -Fname 'zcomp crm-ls -Fna'
check_out 'zsh: crm-add customer name=x ci<TAB>' city 'zcomp crm-add customer name=x ci'
check_out 'zsh: crm-set 1 ci<TAB>' city 'zcomp crm-set 1 ci'
check_out 'zsh: crm ls purchase -s -prod<TAB>' -product 'zcomp crm ls purchase -s -prod'
done_testing
