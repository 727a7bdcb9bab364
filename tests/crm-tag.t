#!/bin/sh
# crm-tag: manual tags, listing, all or nothing.
. "${0%/*}/lib.sh"
plan 12

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
before=$(dump)
check_exit 'an unknown id is bad input' 65 'crm-tag vip 2 42'
check_err 'naming it' '42: no such customer'
check_out 'and no tag was written' "$before" 'sqlite3 "$CRM_DB" .dump'
check_exit 'a bad tag name is a usage error' 64 'crm-tag "two words" 1'
check_out 'one audit entry per command' 1 \
	'crm-tag many 1 2 3 && sqlite3 "$CRM_DB" "SELECT count(*) FROM audit WHERE detail LIKE '"'many:%'"'"'
check_exit '-l finds nothing: 1' 1 'crm-tag -l 2 && crm-tag -r 大客户 2 && crm-tag -r many 2 && crm-tag -l 2'
done_testing
