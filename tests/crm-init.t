#!/bin/sh
# crm-init: creating, opening and migrating the store.
. "${0%/*}/lib.sh"
plan 23

check_out 'prints the path of CRM_DB' "$CRM_DB" 'crm-init'
check_out 'the store is mode 600' 600 'stat -c %a "$CRM_DB"'
check_out 'a second run succeeds and prints it again' "$CRM_DB" 'crm-init'
check_out 'journal mode is WAL' wal 'sqlite3 "$CRM_DB" "PRAGMA journal_mode"'
check_out 'application_id marks a crm store' 1129467185 \
	'sqlite3 "$CRM_DB" "PRAGMA application_id"'
check_out 'user_version is the schema version' 6 \
	'sqlite3 "$CRM_DB" "PRAGMA user_version"'
check_out 'every table is STRICT (none of the more than 10 is not)' '0|1' \
	'sqlite3 "$CRM_DB" "SELECT count(*) FILTER (WHERE sql NOT LIKE '"'%STRICT%'"'), count(*) > 10 FROM sqlite_schema WHERE type = '"'table'"' AND name NOT LIKE '"'sqlite_%'"'"'
check_out 'XDG_DATA_HOME decides without CRM_DB' "$TMP/xdg/crm/crm.db" \
	'env -u CRM_DB XDG_DATA_HOME="$TMP/xdg" crm-init'
check_out 'and its folder is mode 700' 700 'stat -c %a "$TMP/xdg/crm"'
check_out 'HOME/.local/share without XDG_DATA_HOME' \
	"$TMP/home/.local/share/crm/crm.db" \
	'env -u CRM_DB HOME="$TMP/home" crm-init'
check_out '-d wins over CRM_DB' "$TMP/d.db" 'crm-init -d "$TMP/d.db"'
check_exit 'a file that is not SQLite is refused with 65' 65 \
	'echo hello > "$TMP/text.db"; crm-init -d "$TMP/text.db"'
check_exit 'another application'"'"'s SQLite file is refused with 65' 65 \
	'sqlite3 "$TMP/other.db" "PRAGMA application_id = 42; CREATE TABLE t (x)"; crm-init -d "$TMP/other.db"'
check_exit 'a store from a newer crm is refused with 65' 65 \
	'crm-init -q -d "$TMP/new.db" && sqlite3 "$TMP/new.db" "PRAGMA user_version = 99" && crm-ls -d "$TMP/new.db"'
check_exit 'readers do not create a store: 66' 66 'crm-ls -d "$TMP/none/x.db"'
check 'and leave no file behind' 'test ! -e "$TMP/none"'
check_exit 'a store busy past CRM_BUSY_TIMEOUT gives 75' 75 \
	'(echo "BEGIN IMMEDIATE;"; sleep 2; echo "COMMIT;") | sqlite3 "$CRM_DB" &
	sleep 0.5; CRM_BUSY_TIMEOUT=200 crm-add customer name=Late'

# A store written by the first release (schema 1), migrated on open.
sqlite3 "$TMP/v1.db" <"$TESTS/data/store-v1.sql"
check_out 'a schema 1 store is migrated when opened' \
	"$(printf '1\tV1\tLi Wei\tgolf\tvip\n2\tV2\tAnna Smith\t\t')" \
	'crm-ls -d "$TMP/v1.db" -F id,ref,name,attr.hobby,tags'
check_out 'to the current version' 6 'sqlite3 "$TMP/v1.db" "PRAGMA user_version"'
check_out 'the migration is in the audit' 'schema version 1 -> 6' \
	'sqlite3 "$TMP/v1.db" "SELECT detail FROM audit WHERE action = '"'migrate'"' ORDER BY id DESC LIMIT 1"'
check_out 'history can be added to it' 1200.50 \
	'crm-add -q -d "$TMP/v1.db" purchase customer_ref=V2 amount=1200.50 && crm-ls -d "$TMP/v1.db" -F monetary -w "ref = V2"'
damage_stats "$TMP/v1.db"
check_out 'statistics damaged on purpose' "$(printf '1\t1000.00\t1\n2\t2200.50\t2')" \
	'crm-ls -d "$TMP/v1.db" -F id,monetary,frequency'
# V1 has no purchase; V2 the one of 1200.50 above
check_out '--rebuild-stats recomputes them from the history' "$(printf '1\t0.00\t0\n2\t1200.50\t1')" \
	'crm-init -q -d "$TMP/v1.db" --rebuild-stats && crm-ls -d "$TMP/v1.db" -F id,monetary,frequency'
done_testing
