#!/bin/sh
# crm-init: creating, opening and migrating the store.
. "${0%/*}/lib.sh"
plan 17

check_out 'prints the path of CRM_DB' "$CRM_DB" 'crm-init'
check_out 'the store is mode 600' 600 'stat -c %a "$CRM_DB"'
check_out 'a second run succeeds and prints it again' "$CRM_DB" 'crm-init'
check_out 'journal mode is WAL' wal 'sqlite3 "$CRM_DB" "PRAGMA journal_mode"'
check_out 'application_id marks a crm store' 1129467185 \
	'sqlite3 "$CRM_DB" "PRAGMA application_id"'
check_out 'user_version is the schema version' 1 \
	'sqlite3 "$CRM_DB" "PRAGMA user_version"'
check 'every table is STRICT' \
	'! sqlite3 "$CRM_DB" "SELECT name FROM sqlite_schema WHERE type = '"'table'"' AND name NOT LIKE '"'sqlite_%'"' AND sql NOT LIKE '"'%STRICT%'"'" | grep .'
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
check_exit 'a store from a newer crm is refused with 70' 70 \
	'crm-init -q -d "$TMP/new.db" && sqlite3 "$TMP/new.db" "PRAGMA user_version = 99" && crm-ls -d "$TMP/new.db"'
check_exit 'readers do not create a store: 66' 66 'crm-ls -d "$TMP/none/x.db"'
check 'and leave no file behind' 'test ! -e "$TMP/none"'
check_exit 'a store busy past CRM_BUSY_TIMEOUT gives 75' 75 \
	'(echo "BEGIN IMMEDIATE;"; sleep 2; echo "COMMIT;") | sqlite3 "$CRM_DB" &
	sleep 0.5; CRM_BUSY_TIMEOUT=200 crm-add customer name=Late'
done_testing
