#!/bin/sh
# vCard: 4.0 out that address books read, 3.0 and 4.0 in.
. "${0%/*}/lib.sh"
plan 35

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
# ---- issue 13: cards address books keep (khard <-> crm <-> khard) ----
# Cards made by khard itself (vCard 3.0, its default), in a vdir.
KH=$TMP/kh2
mkdir -p "$KH/src"
for b in src out; do
	printf '[addressbooks]\n[[%s]]\npath = %s\n[general]\ndefault_action = list\neditor = /bin/true\nmerge_editor = /bin/true\n' \
	    "$b" "$KH/$b" >"$KH/$b.conf"
done
cat >"$KH/ana.yaml" <<'Y'
First name : Ana
Last name  : Lima
Nickname : Nana
Title : Head of Sales
Organisation : Lotus Trading
Birthday : 1980-02-03
Phone :
    cell : +55 11 91234 5678
    work : +55 11 3333 4444
Email :
    work : ana.lima@lotus.example
    home : ana@home.example
Address :
    home :
        Street   : Rua Augusta 12
        Code     : 01305-000
        City     : São Paulo
        Region   : SP
        Country  : BR
Categories :
    - vip
    - wholesale
    - Family Friends
Webpage : https://lotus.example/ana
Note : met at the fair, Canton; likes tea
Y
printf 'Formatted name : 山田 太郎\nFirst name : 太郎\nLast name : 山田\nEmail :\n    work : taro@yamada.example\nPhone :\n    cell : +81 90 1234 5678\nCategories : vip\n' >"$KH/taro.yaml"
printf 'Formatted name : Smith, John\nFirst name : John\nLast name : Smith\nEmail :\n    home : john.smith@example.com\nPhone :\n    home : +1 212 555 0100\n' >"$KH/john.yaml"
for y in ana taro john; do
	khard -c "$KH/src.conf" new -a src -i "$KH/$y.yaml" >/dev/null 2>&1
done
K="-d $TMP/k.db"
cat "$KH/src/"*.vcf | crm-add $K -q -i vcard -f - customer
# Customers crm made, without ref: the UID is crm's own.
crm-add $K -q customer name='Chen Wei' email=chen.wei@example.cn phone='+86 138 0000 1111' company='Lotus Trading'
crm-add $K -q customer name='Ortiz, Maria' email=maria.ortiz@example.es
crm-add $K -q customer name='山田 花子' phone='+81 90 8765 4321'
crm-add $K -q customer name='欧阳娜' email=ouyang.na@example.cn
chen=$(crm-ls $K -F id -w 'name = "Chen Wei"')
crm-tag $K -q vip "$chen"
crm-tag $K -R asia 'email ~ "*.cn"' >/dev/null && crm-tag $K --apply >/dev/null
# Set up without failing, so that each check below fails on its own.
rc=0; crm-ls $K -o vcard --dir "$KH/out" || rc=$?
check_out 'khard lists every customer, with or without ref (one card per file)' 7 \
	'khard -c "$KH/out.conf" list -p | wc -l'
check_out 'khard shows names, e-mails, phones and tags intact' \
	"$(printf '%s\n' \
	"Ana Lima	['vip', 'wholesale', 'Family Friends']	{'work': ['ana.lima@lotus.example'], 'home': ['ana@home.example']}	{'cell': ['+55 11 91234 5678'], 'work': ['+55 11 3333 4444']}" \
	"Chen Wei	['vip']	{'work': ['chen.wei@example.cn']}	{'voice': ['+86 138 0000 1111']}" \
	"Ortiz, Maria		{'home': ['maria.ortiz@example.es']}	" \
	"Smith, John		{'home': ['john.smith@example.com']}	{'home': ['+1 212 555 0100']}" \
	"山田 太郎	['vip']	{'work': ['taro@yamada.example']}	{'cell': ['+81 90 1234 5678']}" \
	"山田 花子			{'voice': ['+81 90 8765 4321']}" \
	"欧阳娜		{'home': ['ouyang.na@example.cn']}	")" \
	'khard -c "$KH/out.conf" list -p -F formatted_name,categories,emails,phone_numbers | LC_ALL=C sort'
check 'khard -> crm -> khard loses nothing: every property of every card (python3-vobject)' \
	'/usr/bin/python3 "$TESTS/vcard.py" same "$KH/src" "$KH/out"'
check 'each file holds one 4.0 card named by the SHA-256 of its UID, TYPE on every EMAIL and TEL' \
	'/usr/bin/python3 "$TESTS/vcard.py" vdir "$KH/out"'
key=$(sqlite3 "$TMP/k.db" "SELECT value FROM config WHERE key = 'crm.forget_key'")
want=$(/usr/bin/python3 "$TESTS/vcard.py" uid "$key" "$chen")
check_out 'a customer without ref has the UID urn:uuid: v5 of its id in the store'"'"'s namespace' "UID:$want" \
	'crm-ls $K -o vcard -w "id = $chen" | tr -d "\r" | grep "^UID:"'
check_out 'the same UID on every export' "UID:$want" \
	'crm-ls $K -o vcard -w "id = $chen" | tr -d "\r" | grep "^UID:"'
check_out 'N: family name first for "Last, First", last for Western, first for CJK, compound surnames' \
	"$(printf 'N:Wei;Chen;;;\nN:Ortiz;Maria;;;\nN:山田;花子;;;\nN:欧阳;娜;;;')" \
	'crm-ls $K -o vcard -w "not ref" | tr -d "\r" | grep "^N:"'
check_out 'CATEGORIES are the manual tags, not a rule'"'"'s; TYPE on EMAIL and TEL' \
	"$(printf 'N Wei;Chen\nEMAIL work chen.wei@example.cn\nTEL voice +86 138 0000 1111\nCATEGORIES vip')" \
	'crm-ls $K -o vcard >"$TMP/k.vcf" && /usr/bin/python3 "$TESTS/vcard.py" show "$TMP/k.vcf" "Chen Wei"'
check_out 'the extra EMAIL and TEL, ADR street and code, TITLE, NICKNAME, URL are kept as attr.vcard.*' \
	"$(printf '%s\n' 'vcard.adr	;;Rua Augusta 12;São Paulo;SP;01305-000;BR' 'vcard.adr.params	TYPE=home' \
	'vcard.categories	Family Friends' 'vcard.email.2	ana@home.example' 'vcard.email.2.params	TYPE=home' \
	'vcard.email.params	TYPE=work' 'vcard.nickname	Nana' 'vcard.tel.2	+55 11 3333 4444' \
	'vcard.tel.2.params	TYPE=work' 'vcard.tel.params	TYPE=cell' 'vcard.title	Head of Sales' \
	'vcard.url	https://lotus.example/ana')" \
	'sqlite3 -separator "	" "$TMP/k.db" "SELECT key, value FROM attr JOIN customer ON customer.id = attr.customer WHERE name = '"'"'Ana Lima'"'"' ORDER BY key"'
# The round trip: cards edited in the address book come back as updates.
rc=0; sed -i 's/+86 138 0000 1111/+86 138 0000 2222/' "$KH/out/"*.vcf || rc=$?
check_out 'crm-add -u reads the folder back: its own urn:uuid: UIDs update, nothing is duplicated' \
	"$(printf '7\n+86 138 0000 2222')" \
	'crm-add $K -q -u -f "$KH/out" customer && crm-ls $K | wc -l && crm-ls $K -F phone -w "id = $chen"'
check_out 'a property deleted in the address book goes from attr.vcard.* too, and from the next export' \
	"$(printf 'vcard.email.params\nana.lima@lotus.example\tAna Lima\twork')" \
	'f=$(grep -l "ana@home.example" "$KH/out/"*.vcf) && grep -v "ana@home\.example" "$f" >"$TMP/ana.vcf" && cp "$TMP/ana.vcf" "$f" &&
	crm-add $K -q -u -f "$KH/out" customer &&
	sqlite3 "$TMP/k.db" "SELECT key FROM attr JOIN customer ON customer.id = attr.customer WHERE name = '"'"'Ana Lima'"'"' AND key GLOB '"'"'vcard.email*'"'"'" &&
	crm-ls $K -o vcard --dir "$KH/out" && khard -c "$KH/out.conf" email -p Ana 2>/dev/null | sed "/^searching for/d"'
check_out 'crm-add -f DIR reads every *.vcf of a folder, naming each file in errors' \
	"$(printf '3\n%s/src/bad.vcf:2: VERSION: expected BEGIN:VCARD' "$KH")" \
	'crm-add -d "$TMP/dir.db" -f "$KH/src" customer | wc -l &&
	cp "$TMP/old.vcf" "$KH/src/0.txt" && printf "\nVERSION:4.0\n" >"$KH/src/bad.vcf" &&
	{ crm-add -q -d "$TMP/dir2.db" -f "$KH/src" customer 2>&1 || :; } | sed "s/^crm-add: //"; rm "$KH/src/bad.vcf" "$KH/src/0.txt"'
check_exit 'without -u the same cards are refused: they are there already' 65 \
	'crm-add $K -q -f "$KH/out" customer'
check_out 'tags come back as manual tags, the rule'"'"'s stay the rule'"'"'s' \
	"$(printf 'asia\trule\nvip\tmanual')" \
	'sqlite3 -separator "	" "$TMP/k.db" "SELECT tag, origin FROM tag WHERE customer = $chen ORDER BY tag"'
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pat Drop\r\nUID:V20\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\nitem1.X-ABLabel:custom\r\nORG:Acme;Sales\r\nEND:VCARD\r\n' >"$TMP/drop.vcf"
check 'what is not kept is named in a warning: file:line: property: ...' \
	'crm-add -f "$TMP/drop.vcf" customer 2>"$TMP/warn" &&
	grep -q "drop\.vcf:5: PHOTO: dropped" "$TMP/warn" && grep -q "drop\.vcf:6: X-ABLabel: dropped" "$TMP/warn" &&
	grep -q "drop\.vcf:7: ORG: the units \"Sales\" dropped" "$TMP/warn"'
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Old Param\r\nUID:V21\r\nTEL;CELL:+1 555 0100\r\nEND:VCARD\r\n' >"$TMP/bare.vcf"
check_out 'a bare vCard 2.1 parameter is not written into a 4.0 card: TYPE instead' 'TEL;TYPE=voice:+1 555 0100' \
	'crm-add -q -f "$TMP/bare.vcf" customer && crm-ls -o vcard -w "ref = V21" | tr -d "\r" | grep "^TEL"'
mkdir "$TMP/vo" "$TMP/vo-out"
/usr/bin/python3 "$TESTS/vcard.py" make "$TMP/vo"
check 'cards python3-vobject writes (escapes, folds, lists) pass through crm unchanged' \
	'crm-add -q -d "$TMP/vo.db" -f "$TMP/vo" customer && crm-ls -d "$TMP/vo.db" -o vcard --dir "$TMP/vo-out" &&
	/usr/bin/python3 "$TESTS/vcard.py" same "$TMP/vo" "$TMP/vo-out"'
{ printf 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Many Drops\r\nUID:V22\r\n'; for i in $(seq 1 150); do printf 'X-N%d:v\r\n' "$i"; done; printf 'END:VCARD\r\n'; } >"$TMP/many.vcf"
check_out 'the first 100 drops are named, the rest counted; -q names none' \
	"$(printf '%s\n' '1 102' 'crm-add: many.vcf:104: X-N100: dropped: crm keeps FN, N, EMAIL, TEL, ORG, ADR, TITLE, NICKNAME, URL, BDAY, NOTE, UID and CATEGORIES (further drops are only counted)' 'crm-add: many.vcf: 150 things of the cards dropped in all, the first 100 named above' '0')" \
	'cd "$TMP" && crm-add -n -f many.vcf customer 2>"$TMP/many.err" | wc -l | tr "\n" " " && wc -l <"$TMP/many.err" && sed -n "100p;102p" "$TMP/many.err" &&
	crm-add -q -n -f many.vcf customer 2>&1 | wc -l'
check_out 'an e-mail kept as the second that became the first is written once' \
	'EMAIL work mei.l@home.example' \
	'crm-set -q -d "$TMP/vo.db" "$(crm-ls -d "$TMP/vo.db" -F id -w "ref = vo-1")" email=mei.l@home.example &&
	crm-ls -d "$TMP/vo.db" -o vcard -w "ref = vo-1" >"$TMP/vo1.vcf" &&
	/usr/bin/python3 "$TESTS/vcard.py" show "$TMP/vo1.vcf" vo-1 | grep "^EMAIL"'
check_exit '--dir without -o vcard is a usage error' 64 'crm-ls --dir "$TMP/x"'
printf 'name,tags\nTag Csv,"gold,north"\n' >"$TMP/tags.csv"
check_out 'a tags column of CSV imports as manual tags' 'gold,north' \
	'crm-add -q -f "$TMP/tags.csv" customer && crm-ls -F tags -w "name = \"Tag Csv\""'
printf 'name,tags\nBad Tag,"a b"\n' >"$TMP/badtag.csv"
check_exit 'a tags column with a name that is no tag is bad input' 65 \
	'crm-add -q -f "$TMP/badtag.csv" customer'
check_err 'naming the line and the column' 'badtag\.csv:2: tags: "a b" is not a tag name'
done_testing
