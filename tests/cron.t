#!/bin/sh
# The cron lines the manual shows (every line of man/ and README.md that
# pipes into mail) send nothing on a quiet night: each is run as printed,
# with mail(1) a stand-in that records being called, on a store where its
# command has nothing to say; and, with the command a stand-in that
# prints a row, each mails that row.
. "${0%/*}/lib.sh"
TOP=${TESTS%/*}
# The lines as a shell runs them: mdoc's \(dq is ", \e a backslash.
grep -h '| *mail ' "$TOP"/man/*.[17] "$TOP/README.md" |
	sed -e 's/^\.Dl //' -e 's/^\$ //' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' >"$TMP/lines"
n=$(wc -l <"$TMP/lines")
plan $((2 * n + 1))
check_out 'the manual has its three mailing lines (crm-churn, crm-due, crm-tier)' \
	'crm-churn crm-due crm-tier' \
	'grep -o "crm-[a-z]*" "$TMP/lines" | sort -u | paste -sd " "'

mkdir "$TMP/bin" "$TMP/fake"
cat >"$TMP/bin/mail" <<'EOF'
#!/bin/sh
# mail stand-in: the arguments, then the message, into $TMP/mailed
{ printf 'mail %s\n' "$*"; cat; } >>"$TMP/mailed"
EOF
chmod +x "$TMP/bin/mail"
# A store where each command has something to say once: the CDNOW sample
# (as tests/flow.t makes it), a churn fit, a first --new and a first tier
# run; after them nothing is new, due or moved.
cdnow_load
crm-churn -q --asof 1998-06-30 --fit
must crm-churn --new >/dev/null
rc=0; crm-tier -q value || rc=$?
rc=0; crm-due --days 7 >/dev/null || rc=$?
[ "$rc" = 1 ] || _bail "crm-due --days 7 has something due (exit $rc)"

i=0
while IFS= read -r line; do
	i=$((i + 1))
	cmd=$(printf '%s\n' "$line" | grep -o 'crm-[a-z]*' | sed -n 1p)
	printf '%s\n' "$line" >"$TMP/line$i"
	# Nothing to say is exit 1, which the line passes on.
	check_out "$cmd: a quiet night, exit 1 and nothing mailed" '' \
		'rm -f "$TMP/mailed"; rc=0; PATH="$TMP/bin:$PATH" sh "$TMP/line'$i'" ||
		rc=$?; [ $rc = 1 ] && [ ! -e "$TMP/mailed" ]'
	printf '#!/bin/sh\nprintf "1\\tnews\\n"\n' >"$TMP/fake/$cmd"
	chmod +x "$TMP/fake/$cmd"
	check_out "$cmd: a night with news, mailed once with it" \
		"$(printf 'mail %s\n1\tnews' "$(printf '%s\n' "$line" | sed "s/.*| *mail //; s/'//g")")" \
		'rm -f "$TMP/mailed"; PATH="$TMP/fake:$TMP/bin:$PATH" sh "$TMP/line'$i'" &&
		cat "$TMP/mailed"'
	rm "$TMP/fake/$cmd"
done <"$TMP/lines"
done_testing
