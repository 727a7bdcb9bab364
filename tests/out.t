#!/bin/sh
# The writers byte for byte (libcrm/out.c, vcard.c) on values that need
# quoting or escaping.  Every expected byte is written by hand from the rule
# beside it (crm(7) "Formats", RFC 4180, RFC 8259, RFC 6350).
. "${0%/*}/lib.sh"
plan 68

crm-add -q customer ref=A1 name='Smith, Anna' notes='ends in a space ' intent=3
crm-add -q customer ref=A3 name=' Lead' notes="$(printf 'two\nlines')"
crm-add -q customer ref=A2 name="$(printf 'Unit\037Sep')" notes='say "hi"; ok' intent=5
same() {  # same DESCRIPTION COMMAND: COMMAND's stdout is $TMP/want, byte for byte
	check "$1" "$2 >'$TMP/got' && cmp '$TMP/want' '$TMP/got'"
}

# tsv: tab, newline, CR and backslash escaped (\n here); nothing else is.
printf '1\tSmith, Anna\tends in a space \n2\t Lead\ttwo\\nlines\n3\tUnit\037Sep\tsay "hi"; ok\n' >"$TMP/want"
same 'tsv: a record is one line' 'crm-ls -F id,name,notes'
# csv: RFC 4180: CRLF after every record, the header too; a value with a
# comma, a quote or a line break is quoted, quotes doubled; crm also quotes
# one that begins or ends with a space (readers trim those); an unset value
# is empty; nothing else is quoted (0x1f included).
printf 'id,name,notes,intent\r\n1,"Smith, Anna","ends in a space ",3\r\n2," Lead","two\nlines",\r\n3,Unit\037Sep,"say ""hi""; ok",5\r\n' >"$TMP/want"
same 'csv: RFC 4180, quoting only what needs it' 'crm-ls -o csv -F id,name,notes,intent'
# json: RFC 8259 section 7: a quote, a backslash and every control character
# below 0x20 are escaped (\n, and \u001f for 0x1f); numbers bare, unset null.
printf '{"id":1,"name":"Smith, Anna","notes":"ends in a space ","intent":3}\n{"id":2,"name":" Lead","notes":"two\\nlines","intent":null}\n{"id":3,"name":"Unit\\u001fSep","notes":"say \\"hi\\"; ok","intent":5}\n' >"$TMP/want"
same 'json: control characters escaped, numbers bare' 'crm-ls -o json -F id,name,notes,intent'
# table: columns two spaces apart, each as wide as its widest cell (the
# header included); numbers aligned right below a left-aligned header.
printf 'id  ref  intent  name\n 1  A1        3  Smith, Anna\n 2  A3            Lead\n 3  A2        5  Unit\037Sep\n' >"$TMP/want"
same 'table: two spaces apart, numbers to the right' 'crm-ls -o table -F id,ref,intent,name'
# vcard: RFC 6350 section 3.4: in a text value a comma, a semicolon and a
# backslash are escaped; every line ends in CRLF.
printf 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:A2\r\nFN:Unit\037Sep\r\nN:;Unit\037Sep;;;\r\nNOTE:say "hi"\\; ok\r\nEND:VCARD\r\n' >"$TMP/want"
same 'vcard: a semicolon is escaped' "crm-ls -o vcard -w 'ref = \"A2\"'"
printf 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:A1\r\nFN:Smith\\, Anna\r\n' >"$TMP/want"
same 'vcard: and a comma' "crm-ls -o vcard -w 'ref = \"A1\"' | sed -n 1,4p"
# Section 3.2: lines longer than 75 octets are folded: CRLF and a space.
# NOTE: and 100 x: 5 + 70 octets, then a space and the other 30.
x=$(printf '%0100d' 0 | tr 0 x)
crm-add -q customer ref=L name=Long notes="$x"
printf 'NOTE:%s\r\n %s\r\n' "$(printf '%070d' 0 | tr 0 x)" "$(printf '%030d' 0 | tr 0 x)" >"$TMP/want"
same 'vcard: folded after 75 octets' "crm-ls -o vcard -w 'ref = \"L\"' | grep -A1 '^NOTE'"

# A bad -s is a usage error before any output (crm_out_order runs before
# the header is written): no header under -H or -o csv, exit 64.  Each
# command has rows to write here, so the header would come.
crm-add -q purchase customer=1 ts=2020-01-01 amount=10 product=a
crm-add -q purchase customer=1 ts=2020-01-01 amount=10 product=b
crm-add -q purchase customer=2 ts=2020-01-01 amount=10 product=a
crm-add -q purchase customer=2 ts=2020-01-01 amount=10 product=b
crm-add -q purchase customer=3 ts=2020-01-01 amount=10 product=a
crm-add -q customer ref=A7 name=Y phone=+15550100
crm-add -q customer ref=A8 name=Z phone=+15550100
crm-add -q ticket customer=1 opened=2020-01-01 kind=complaint subject=x
crm-points -q earn --rate 1/10
for c in 'crm-tier -s bogus rfm' 'crm-due -s bogus --days 1' \
    'crm-points -s bogus' 'crm-dedupe -s bogus' \
    'crm-basket --suggest 3 --min-support 0.1 -s bogus'; do
	for f in -H '-o csv'; do
		check_exit "${c%% *} $f: a bad -s exits 64" 64 "$c $f"
		check_stdout "${c%% *} $f: and writes nothing first" ''
	done
	# -q: nothing is written, and -s is still checked.
	check_exit "${c%% *} -q: a bad -s exits 64 too" 64 "$c -q"
done
for c in 'crm-tier rfm' 'crm-due --days 1' 'crm-dedupe' \
    'crm-basket --suggest 3 --min-support 0.1' 'crm-points'; do
	check "${c%% *} has rows to write" "$c | grep -q ."
	check_out "${c%% *} -q writes nothing" '' "$c -q"
done
# -q, "only the exit status", holds in every command that takes it: each
# prints something without it.
B=$TMP/q.backup
for c in 'crm-ls' 'crm-report summary' 'crm-add customer name=Q' \
    'crm-set -n 1 name=R' 'crm-rm -n 1' 'crm-init' 'crm-config decimals' \
    'crm-config' 'crm-points earn --rate 1/10' 'crm-tier -n rfm' \
    'crm-clv --summary' 'crm-churn --summary' "crm-backup \"\$B\""; do
	check "$c prints without -q" "$c >\"\$TMP/o\" && [ -s \"\$TMP/o\" ]"
	rm -rf "$B"
	crm-add -q purchase customer=3 amount=20 ts=2021-01-01
	check_out "$c -q prints nothing" '' "$c -q"
	rm -rf "$B"
done
done_testing
