#!/bin/sh
# vCard: 4.0 out that address books read, 3.0 and 4.0 in.
. "${0%/*}/lib.sh"
plan 12

crm-add -q -f "$TESTS/data/customers.csv" customer
# A note long enough to fold, in a script of 3-octet characters.
crm-add -q customer ref=LONG name='欧阳娜' notes="$(for i in $(seq 1 40); do printf '很长的备注, '; done)"
crm-ls -o vcard >"$TMP/all.vcf"
check 'the export parses with python3-vobject: every card 4.0, names intact' \
	'/usr/bin/python3 - "$TMP/all.vcf" "$(crm-ls | wc -l)" "$(crm-ls -F name -l 1)" <<"PY"
import sys, vobject
cards = list(vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()))
assert len(cards) == int(sys.argv[2]), len(cards)
assert all(c.version.value == "4.0" for c in cards)
assert cards[0].fn.value == sys.argv[3], cards[0].fn.value
PY'
check 'no line is longer than 75 octets, every line ends in CRLF' \
	'tr -d "\r" <"$TMP/all.vcf" >"$TMP/lf.vcf" && [ -s "$TMP/lf.vcf" ] && ! LC_ALL=C grep -q "^.\{76\}" "$TMP/lf.vcf" && [ "$(grep -c "$(printf "\r")\$" "$TMP/all.vcf")" = "$(wc -l <"$TMP/all.vcf")" ]'
mkdir -p "$TMP/kh/book"
(cd "$TMP/kh/book" && csplit -s -z -f c -b '%03d.vcf' "$TMP/all.vcf" '/^BEGIN:VCARD/' '{*}')
cat >"$TMP/kh/khard.conf" <<CONF
[addressbooks]
[[book]]
path = $TMP/kh/book
[general]
default_action = list
editor = /bin/true
merge_editor = /bin/true
CONF
check_out 'khard lists every exported card' "$(crm-ls | wc -l)" \
	'khard -c "$TMP/kh/khard.conf" list --parsable | wc -l'
check 'the export imports back into a fresh store unchanged' \
	'f=ref,name,email,phone,company,city,region,country,birthday,notes
	crm-add -q -d "$TMP/back.db" -f "$TMP/all.vcf" customer && crm-ls -d "$TMP/back.db" -F $f >"$TMP/back.tsv" &&
	crm-ls -F $f >"$TMP/orig.tsv" && [ -s "$TMP/orig.tsv" ] && cmp "$TMP/orig.tsv" "$TMP/back.tsv"'

mkdir -p "$TMP/kh/new"
sed "s|$TMP/kh/book|$TMP/kh/new|; s/\[\[book\]\]/[[new]]/" "$TMP/kh/khard.conf" >"$TMP/kh/new.conf"
printf 'First name : Min\nLast name  : Zhou\nOrganisation : Lotus Trading\nPhone :\n    cell : +86 138 0000 2222\nEmail :\n    work : zhou.min@example.cn\nAddress :\n    home :\n        City : Hangzhou\n        Region : Zhejiang\n        Country : CN\nBirthday : 1988-03-04\nNote : met at the fair, Canton; likes tea\n' >"$TMP/kh/t.yaml"
khard -c "$TMP/kh/new.conf" new -a new -i "$TMP/kh/t.yaml" >/dev/null 2>&1
check_out 'a card khard wrote imports' \
	"$(printf 'Min Zhou\tzhou.min@example.cn\t+86 138 0000 2222\tLotus Trading\tHangzhou\tZhejiang\tCN\t1988-03-04\tmet at the fair, Canton; likes tea')" \
	'crm-add -q -f "$(ls "$TMP"/kh/new/*.vcf)" customer && crm-ls -F name,email,phone,company,city,region,country,birthday,notes -w "email = \"zhou.min@example.cn\""'

printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Sun;Li;;;\r\nEMAIL;TYPE=work:sun.li@exam\r\n ple.cn\r\nNOTE:two\\nlines\\, with \\\\ and \\; here\r\nUID:V9\r\nEND:VCARD\r\n' >"$TMP/in.vcf"
check_out 'folded lines and escapes are read; N gives the name without FN' \
	"$(printf 'Li Sun\tsun.li@example.cn\ttwo\\nlines, with \\\\ and ; here')" \
	'crm-add -q -f "$TMP/in.vcf" customer && crm-ls -F name,email,notes -w "ref = V9"'
check_out '-i vcard reads standard input' 'Stdin Card' \
	'printf "BEGIN:VCARD\nVERSION:4.0\nFN:Stdin Card\nUID:V10\nEND:VCARD\n" | crm-add -q -i vcard -f - customer && crm-ls -F name -w "ref = V10"'
printf 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Open\r\nUID:V11\r\n' >"$TMP/open.vcf"
check_exit 'a card without END is bad input' 65 'crm-add -f "$TMP/open.vcf" customer'
check_err 'naming the line it starts on' 'open\.vcf:1: the card has no END:VCARD'
printf 'BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Old\r\nEND:VCARD\r\n' >"$TMP/old.vcf"
check_exit 'vCard 2.1 is refused' 65 'crm-add -f "$TMP/old.vcf" customer'
check_exit '-o vcard is for customers only' 64 'crm-ls purchase -o vcard'
# EMAIL is text (RFC 6350 6.4.2), often written as a mailto: URI: the
# address is what follows it, as TEL's tel: is stripped.
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Gina Mail\r\nUID:V12\r\nEMAIL;TYPE=INTERNET:MAILTO:gina.mail@gmail.com\r\nEND:VCARD\r\n' >"$TMP/mailto.vcf"
check_out 'EMAIL:mailto:ADDRESS gives the address' 'gina.mail@gmail.com' \
	'crm-add -q -f "$TMP/mailto.vcf" customer && crm-ls -F email -w "ref = V12"'
done_testing
