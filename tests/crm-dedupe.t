#!/bin/sh
# crm-dedupe: likely duplicates, merging, undoing; warnings on import.
. "${0%/*}/lib.sh"
plan 24

check_exit 'no customers, no pairs: exit 1' 1 'crm-init -q && crm-dedupe'
cat >"$TMP/d.csv" <<'CSV'
ref,name,email,phone,city,company
A1,John Smith,John.Smith@Gmail.com,,Boston,
A2,john  smith,johnsmith+shop@googlemail.com,,Boston,
A3,Zhang Wei,,+86 139 0000 1111,Wuhan,
A4,Wei Zhang,,13900001111,Beijing,
A5,张 伟,,,Shanghai,
A6,张伟,,,Shanghai,
A7,José Müller,,,,Acme
A8,Jose MULLER,,,,acme
A9,John Smith,other@example.org,,Denver,
CSV
check 'likely duplicates are added, not refused' \
	'cd "$TMP" && crm-add -f d.csv customer >/dev/null 2>warnings'
check_out 'with a warning naming the stored customer' \
	"$(printf 'crm-add: d.csv:3: email: likely the same customer as 1 (John Smith): same e-mail, as its provider reads it\ncrm-add: d.csv:5: phone: likely the same customer as 3 (Zhang Wei): same phone number')" \
	'cat "$TMP/warnings"'
crm-dedupe >"$TMP/pairs"
check_out 'pairs: id, other, score, reason' \
	"$(printf '1\t2\t0.98\tsame e-mail as its provider reads it; same name in the same city\n3\t4\t0.85\tsame phone number\n5\t6\t0.70\tsame name in the same city\n7\t8\t0.80\tsame name at the same company')" \
	'cat "$TMP/pairs"'
# The scores above: 0.98, 0.85, 0.70, 0.80.
check_out '-s -score -l 2: the two likeliest pairs' "$(printf '1\t2\n3\t4')" \
	'crm-dedupe -s -score -l 2 | cut -f1,2'
check_exit '-s and -l only with the pairs: a usage error with --merge' 64 \
	'crm-dedupe -n -s id --merge 1 2'
check 'a namesake elsewhere with another e-mail is no pair' '[ -s "$TMP/pairs" ] && ! grep -q "	9	" "$TMP/pairs"'

crm-add -q purchase customer=2 amount=5.00 ts=2026-02-02
crm-add -q purchase customer=1 amount=7.00 ts=2026-02-03
crm-tag -q met 2
crm-set 2 attr.met=fair owner=bob
crm-set 1 attr.met=expo
state() { crm-ls -F id,ref,name,email,email_key,phone,city,owner,attr.met,tags,frequency,monetary; crm-ls purchase -F id,customer,amount; sqlite3 "$CRM_DB" 'SELECT * FROM tag ORDER BY 1, 2; SELECT * FROM attr ORDER BY 1, 2'; }
before=$(state)
check_out '--merge prints the merge id' 1 'crm-dedupe --merge 1 2'
check_out 'the kept customer has the history, tags and empty fields' \
	"$(printf 'John Smith\tJohn.Smith@Gmail.com\tbob\texpo\tmet\t2\t12.00')" \
	'crm-ls -F name,email,owner,attr.met,tags,frequency,monetary -w "id = 1"'
check_exit 'the dropped customer is gone' 1 'crm-show 2'
check_out 'the merge is audited' 1 'sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE action = '"'merge'"'"'
crm-dedupe --undo 1
state >"$TMP/after"
check_out 'crm-dedupe --undo restores everything exactly' "$before" 'cat "$TMP/after"'
check_exit 'a merge cannot be undone twice' 65 'crm-dedupe --undo 1'
check_exit 'an unknown merge is bad input' 65 'crm-dedupe --undo 99'
check_exit 'merging into an unknown customer is bad input' 65 'crm-dedupe --merge 99 1'
check_exit 'a customer is not merged into itself' 65 'crm-dedupe --merge 1 1'
before=$(dump)
check_out '-n --merge prints the id the merge would get' 2 'crm-dedupe -n --merge 5 6'
check_out 'and changes nothing' "$before" 'sqlite3 "$CRM_DB" .dump'
check_out 'drops may come from standard input' 2 'echo 6 | crm-dedupe --merge 5'
check 'a dry run of the undo' 'crm-dedupe -q -n --undo 2'
check_out 'changes nothing either: the merge stays' "$(printf '2\t')" \
	'sqlite3 "$CRM_DB" "SELECT id, undone FROM merge WHERE id = 2" | tr "|" "\t"'
check 'forgetting a merged customer erases its snapshots' \
	'crm-rm --forget 5 && [ "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM merge_row WHERE customer = 5")" = 0 ]'
check_exit 'so that merge can no longer be undone' 65 'crm-dedupe --undo 2'

# A load large enough to build indexes after it: warnings come set-wise.
"${TESTS%/*}/scripts/gen-data" -c 12000 --seed 5 -k customer >"$TMP/big.csv"
# The first customer with a phone: its id (row number), name and phone.
set -- $(/usr/bin/python3 -c 'import csv, sys
for i, r in enumerate(csv.DictReader(open(sys.argv[1])), 1):
    if r["phone"]:
        print(i, r["name"], r["phone"].replace(" ", "")); break' "$TMP/big.csv")
printf 'X1,Extra Person,,%s,Nowhere,,,,,,,,,,,,,,,,,\n' "$3" >>"$TMP/big.csv"
check_out 'a large import warns of likely duplicates once loaded' \
	"crm-add: $TMP/big.csv: customer 12001 ref X1: likely the same customer as $1 ($2): same phone number" \
	'crm-add -d "$TMP/big.db" -f "$TMP/big.csv" customer 2>&1 >/dev/null | grep X1'
done_testing
