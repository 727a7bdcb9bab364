#!/bin/sh
# crm-report --redact: names, e-mails and phones masked in every table of
# every report, in every format (crm-report(1) --redact gives the masks;
# each expected one below is written by hand from it).
. "${0%/*}/lib.sh"
plan 15
by=name,email,phone,email_key,phone_key,attr.vcard.email.2
crm-add -q customer ref=Z name='Zebulon Quixote' email=zebulon.q@example.com \
	phone='+1 555 0173 9862' owner=alice city=Oslo \
	attr.vcard.email.2=zq2.private@example.net
crm-add -q customer ref=Y name='山田 太郎' email=Taro.Yamada+crm@gmail.com \
	phone='090-2468-1357' owner=bob city=Kyoto
crm-add -q customer ref=X name='Smith, Anna' owner=bob
crm-add -q purchase customer_ref=Z ts=2026-01-05 amount=120.00
crm-add -q purchase customer_ref=Z ts=2026-03-05 amount=30.00
crm-add -q purchase customer_ref=Y ts=2026-02-05 amount=80.00
crm-add -q purchase customer_ref=X ts=2026-02-07 amount=10.00
crm-add -q ticket customer_ref=Z opened=2026-03-01 kind=complaint subject=lid
crm-add -q survey customer_ref=Y kind=nps score=9 ts=2026-03-02
crm-add -q contact customer_ref=Z channel=phone ts=2026-03-03
rc=0; crm-tier -q value || rc=$?
rc=0; crm-tier -q service || rc=$?
# What must not be seen: the names, e-mails (and their keys), phones (and
# their keys: digits alone) and the vCard's second e-mail.
cat >"$TMP/secret" <<'EOF'
Zebulon
Quixote
zebulon.q
山田
太郎
Taro.Yamada
taroyamada
Smith
Anna
0173 9862
55501739862
2468-1357
9024681357
zq2.private
EOF
reports=$(crm-report --options | awk -F '\t' '$1 == "operand" { print $5 }' | tr , ' ')

# The masks, by hand (shares: 150, 80 and 10 of 240): a name's words keep their first character (山, 太;
# the comma of "Smith," is a character too); an e-mail its first character
# and domain; a phone its last two digits.  Y's Gmail address has a match
# key (dots, case and +tag as Gmail reads them: taroyamada@), masked alike.
check_out 'segments --by the personal fields: masked as crm-report(1) says' \
	"$(printf 'name\temail\tphone\temail_key\tphone_key\tattr.vcard.email.2\tcustomers\trevenue\tshare
Z****** Q******\tz***@example.com\t+* *** **** **62\t\t*********62\tz***@example.net\t1\t150.00\t0.6250
山* 太*\tT***@gmail.com\t***-****-**57\tt***@gmail.com\t********57\t\t1\t80.00\t0.3333
S***** A***\t\t\t\t\t\t1\t10.00\t0.0417')" \
	"crm-report --redact --by $by segments"
check_out 'owners and cities are shown as they are' \
	"$(printf 'owner\tcity\tcustomers\trevenue\tshare\nalice\tOslo\t1\t150.00\t0.6250\nbob\tKyoto\t1\t80.00\t0.3333\nbob\t\t1\t10.00\t0.0417')" \
	'crm-report --redact --by owner,city segments'
# The test can fail: without --redact every secret is there.
count() {  # count FILE: how many of the secrets FILE holds
	n=0
	while IFS= read -r x; do grep -q -F -- "$x" "$1" && n=$((n + 1)); done <"$TMP/secret"
	echo $n
}
check_out 'without --redact the names, e-mails and phones are printed' 14 \
	"crm-report --by $by segments >\"\$TMP/o\" && count \"\$TMP/o\""
# csv is one table a file: all of them go to a folder (--dir), cat'd here.
for fmt in tsv csv json table html; do
	rs=$reports
	[ $fmt = csv ] && rs=$(echo $reports | sed 's/ *all//')
	check_out "-o $fmt: no name, e-mail or phone in any report" '' \
		"for r in $rs; do rc=0; crm-report --redact --by $by -o $fmt \$r \
		>\"\$TMP/\$r.$fmt\" 2>\"\$TMP/\$r.err\" || rc=\$?; [ \$rc -le 1 ] || { echo \"\$r: exit \$rc\"; cat \"\$TMP/\$r.err\"; }
		[ -s \"\$TMP/\$r.$fmt\" ] || [ \$rc = 1 ] || echo \"\$r: nothing\"
		grep -H -F -f \"\$TMP/secret\" \"\$TMP/\$r.$fmt\" || :; done"
done
check_out '-o csv --dir: no name, e-mail or phone in any file of all' '' \
	"crm-report --redact --by $by -o csv --dir \"\$TMP/csv\" all &&
	cat \"\$TMP\"/csv/*.csv >\"\$TMP/all.csv\" &&
	grep -H -F -f \"\$TMP/secret\" \"\$TMP\"/csv/*.csv || :"
# -w naming a person: the page's title and heading do not repeat it.
check_out 'html: a -w naming an e-mail is not shown under --redact' 0 \
	"crm-report --redact -w 'email = \"zq@example.com\"' -o html summary |
	grep -c -F zq@example.com || :"
check_out 'but is without it' 2 \
	"crm-report -w 'email = \"zq@example.com\"' -o html summary |
	grep -c -F zq@example.com || :"
masks() {  # masks FILE: how many of the five masks FILE holds
	n=0
	for m in 'Z****** Q******' 'z***@example.com' '+* *** **** **62' \
	    'T***@gmail.com' 'S***** A***'; do
		grep -q -F -- "$m" "$1" && n=$((n + 1))
	done
	echo $n
}
check_out 'and the masks are in the page of all, in every format' '5 5 5 5 5' \
	'for f in tsv csv json table html; do masks "$TMP/all.$f"; done | paste -sd " "'
check_out '--redact is in crm-report -h and --options' \
	"$(printf '      --redact             mask names, e-mails and phones in every table (J*** S****)\noption\t-\t--redact\t-\t-\tmask names, e-mails and phones in every table (J*** S****)')" \
	'crm-report -h | sed -n "/^ *--redact/{N;s/\n */ /;p;}"; crm-report --options | grep -e --redact'
check_exit 'crm-ls has no --redact: a usage error' 64 'crm-ls --redact'
check_exit '--redact takes no value' 64 'crm-report --redact=yes summary'
done_testing
