#!/bin/sh
# crm-tag: manual tags, listing, all or nothing.
. "${0%/*}/lib.sh"
plan 22

for n in A B C; do crm-add -q customer name=$n; done
check_out 'tags the given ids' '1 3' 'crm-tag vip 1 3 && crm-ls -F id -w tag.vip | paste -sd " "'
check_out 'tagging twice changes nothing' '1 3' 'crm-tag vip 1 && crm-ls -F id -w tag.vip | paste -sd " "'
check_out 'ids from stdin, a header line skipped' '1 2 3' \
	'crm-ls -H -F id,name | crm-tag 大客户 && crm-ls -F id -w tag.大客户 | paste -sd " "'
check_out '-r removes' '3' 'crm-tag -r vip 1 && crm-ls -F id -w tag.vip | paste -sd " "'
check_out '-l ID lists its tags: id, tag, origin, since' \
	"$(printf '3\tvip\tmanual\t2026-01-02\n3\t大客户\tmanual\t2026-01-02')" \
	'crm-tag --asof 2026-01-02 x 1 && sqlite3 "$CRM_DB" "UPDATE tag SET since = 1767312000" && crm-tag -l 3'
check_out '-l alone lists every tag with its count' "$(printf 'vip\t1\tmanual\tx\t1\tmanual\t大客户\t3\tmanual')" \
	'crm-tag -l | paste -s'
check_out '-l -s -customers,tag: the most used tag first, then by name' \
	"$(printf '大客户\t3\nvip\t1\nx\t1')" 'crm-tag -l -s -customers,tag | cut -f1,2'
check_out '-l ID -s -tag: its tags in reverse order of name' "$(printf '大客户\nvip')" \
	'crm-tag -l -s -tag 3 | cut -f2'
check_exit '-s is for the lists only: tagging with it is a usage error' 64 \
	'crm-tag -s tag vip 2'
check_err 'saying so' "^crm-tag: -s: only with -l or --rules; try 'crm-tag -h'\$"
before=$(dump)
check_exit 'an unknown id is bad input' 65 'crm-tag vip 2 42'
check_err 'naming it' '42: no such customer'
check_out 'and no tag was written' "$before" 'sqlite3 "$CRM_DB" .dump'
check_exit 'a bad tag name is a usage error' 64 'crm-tag "two words" 1'
# tagaudit N: the last N audit entries of tag many, "record detail".
tagaudit() {
	sqlite3 -separator ' ' "$CRM_DB" "SELECT record, detail FROM audit
	    WHERE kind = 'tag' AND detail LIKE 'many:%' ORDER BY id" |
	    tail -n "$1" | paste -sd, -
}
# One per customer, naming it (crm-export --subject finds it): 3 here.
check_out 'one audit entry per customer' '1 many: tagged,2 many: tagged,3 many: tagged' \
	'crm-tag many 1 2 3 && tagaudit 9'
check_out 'saying when nothing changed' '1 many: tagged already,2 many: untagged,2 many: not tagged' \
	'crm-tag many 1 && crm-tag -r many 2 && crm-tag -r many 2 && tagaudit 3'
check_exit '-l finds nothing: 1' 1 'crm-tag -l 2 && crm-tag -r 大客户 2 && crm-tag -l 2'
# A rule's changes too: its --apply, and its drop, which untags.
check_out 'a rule tags and untags with an audit entry per customer' \
	'2 tag top: tagged by its rule,2 untag top: untagged, its rule dropped' \
	'crm-tag -R top "name = \"B\"" && crm-tag -q --apply && crm-tag -R top -r &&
	 sqlite3 -separator " " "$CRM_DB" "SELECT record, action, detail FROM audit WHERE kind = '"'tag'"' AND record IS NOT NULL AND detail LIKE '"'top:%'"' ORDER BY id" | paste -sd, -'
check_exit 'a rule whose filter names no field is a usage error' 64 \
	'crm-tag -R foo "citty = \"x\""'
check_err 'labelled -R, the option it was given to, with the field meant' \
	'^crm-tag: -R: citty: no such field \(did you mean city\?\) \(at column 1 of '
check_out 'and no rule was stored' 0 'sqlite3 "$CRM_DB" "SELECT count(*) FROM rule"'
check_out '--rules -s -customers: the rule tagging the most first' 'r2 r1' \
	'crm-tag -R r1 "name = \"A\"" && crm-tag -R r2 "name ~ \"*\"" &&
	 crm-tag -q --apply && crm-tag --rules -s -customers | cut -f1 | paste -sd " "'
done_testing
