#!/usr/bin/zsh -f
# zcomplete.zsh [-d] FPATH-DIR WORD...: what zsh's completion system
# offers for the last WORD of the command line WORD..., one per line,
# sorted; with -d, each offered with a description (_describe) instead,
# as the name, a tab and the description.
#
# An interactive zsh on a pseudo-terminal (zsh/zpty) with FPATH-DIR first
# in $fpath runs compinit, is typed the line and a TAB, and prints each
# match compadd adds (with its prefixes), between two NUL lines; Enter is
# unbound, so nothing is ever run.  Exits 1 when no answer comes in 30 s.
zmodload zsh/zpty || exit 2
desc=0
[[ $1 == -d ]] && desc=1 && shift
dir=$1
shift
line="${(j: :)@}"
zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT= PS2="
# Wide enough that no description is cut to the terminal's width.
zpty -w z "stty columns 500"
zpty -w z "fpath=(${(q)dir} \$fpath)"
zpty -w z 'autoload -U compinit; compinit -u -D'
zpty -w z 'nul-line () { echo -E - $'"'"'\0'"'"' }'
zpty -w z 'compprefuncs=( nul-line ); comppostfuncs=( nul-line exit )'
zpty -w z "zstyle ':completion:*' list-grouped false"
zpty -w z "zstyle ':completion:*' insert-tab false"
# No tab may be typed before the line: it would complete.  Each match
# added is printed, and with a display array (-d: _describe's "name  --
# description") the display of each match offered.
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"; return $?
  fi
  typeset -a hits
  builtin compadd -A hits "$@"
  setopt localoptions norcexpandparam extendedglob
  typeset -A apre hpre disp
  zparseopts -E P:=apre p:=hpre d:=disp
  local i d
  for i in {1..$#hits}; do
    echo -E - "HIT:$IPREFIX${apre[-P]-}${hpre[-p]-}$hits[i]"
  done
  for d in ${(P)disp[-d]}; do
    (( $hits[(Ie)${d%% *}] )) && echo -E - "DESC:$d"
  done
}'
# The last line run: Enter does nothing after it.
keys="bindkey '^I' complete-word; bindkey '^M' undefined-key"
zpty -w z "$keys; bindkey '^J' undefined-key"
zpty -w z "$line"$'\t'
integer n=0
out=
while (( n++ < 600 )); do
	if zpty -rt z chunk; then
		out+=$chunk
		[[ $out == *$'\0'*$'\0'* ]] && break
	else
		sleep 0.05
	fi
done
zpty -d z
if [[ $out != *$'\0'*$'\0'* ]]; then
	print -u2 "zcomplete.zsh: no answer to: $line"
	exit 1
fi
if (( desc )); then
	print -r -- "$out" | tr -d '\r' |
	    sed -n 's/^DESC:\([^ ]*\)  *-- \(.*\)/\1\t\2/p' | sort -u
else
	print -r -- "$out" | tr -d '\r' | sed -n 's/^HIT:\(..*\)/\1/p' | sort -u
fi
