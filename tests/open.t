#!/bin/sh
# Opening: a store is a crm store, or it is left alone (issue 10, part 2).
. "${0%/*}/lib.sh"
plan 108

# The schema this crm writes, read from a store it made: the message about
# a newer store names it (CRM_SCHEMA_VERSION), whatever it is.
crm-init -q -d "$TMP/ref.db"
V=$(sqlite3 "$TMP/ref.db" "PRAGMA user_version")
mkdir "$TMP/orig"

# $same, run with f set to a file: the file is byte for byte the copy kept
# in $TMP/orig before any crm command saw it, and SQLite left nothing
# (-wal, -shm, -journal) beside it.
same='cmp "$f" "$TMP/orig/${f##*/}" &&
	for x in -wal -shm -journal; do test ! -e "$f$x" || exit 1; done'

# Files that are not crm stores, each kept as it was made.
sqlite3 "$TMP/foreign.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1)"
sqlite3 "$TMP/foreign-wal.db" \
	"PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)" \
	>/dev/null
sqlite3 "$TMP/other-app.db" "PRAGMA application_id = 42; CREATE TABLE t (x)"
# A SQLite file with no tables at all is still not crm's to take.
sqlite3 "$TMP/no-tables.db" "CREATE TABLE t (x); DROP TABLE t"
echo hello >"$TMP/text.db"
for f in foreign foreign-wal other-app no-tables text; do
	cp "$TMP/$f.db" "$TMP/orig/$f.db"
done

# Each is refused with 65 by a reader, a writer and crm-init, and is left
# exactly as it was (crm(7), EXIT STATUS: 65 is bad input, nothing written).
for f in foreign foreign-wal other-app no-tables text; do
	p="$TMP/$f.db"
	check_exit "$f: crm-ls refuses it with 65" 65 "crm-ls -d '$p'"
	check_err "$f: crm-ls says it is not a crm store" \
		"^crm-ls: $p: not a crm store"
	check_exit "$f: crm-add refuses it with 65" 65 \
		"crm-add -d '$p' customer name=Intruder"
	check_err "$f: crm-add says it is not a crm store" \
		"^crm-add: $p: not a crm store"
	check_exit "$f: crm-init refuses it with 65" 65 "crm-init -d '$p'"
	check_err "$f: crm-init says it is not a crm store" \
		"^crm-init: $p: not a crm store"
	check "$f: the file is byte for byte as it was" "f='$p'; $same"
done

# Another program killed with its log full: a writer must not checkpoint
# that log into its file (the file and its log stay as they were).
/usr/bin/python3 -c '
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode = WAL")
c.execute("CREATE TABLE t (x)")
c.execute("INSERT INTO t VALUES (1)")
os._exit(0)' "$TMP/crashed.db"
rm -f "$TMP/crashed.db-shm"
cp "$TMP/crashed.db" "$TMP/crashed.db-wal" "$TMP/orig/"
check_exit 'a log left by another program: crm-add refuses it with 65' 65 \
	'crm-add -d "$TMP/crashed.db" customer name=Intruder'
check 'the file and its log are as they were, and no -shm is left' \
	'cmp "$TMP/crashed.db" "$TMP/orig/crashed.db" &&
	cmp "$TMP/crashed.db-wal" "$TMP/orig/crashed.db-wal" &&
	test ! -e "$TMP/crashed.db-shm"'

# A folder is not a store either.
mkdir "$TMP/folder.db"
check_exit 'a folder: crm-add refuses it with 65' 65 \
	'crm-add -d "$TMP/folder.db" customer name=Intruder'
check_err 'and says it is not a crm store' 'folder.db: not a crm store'
check 'and puts nothing in it' 'test -z "$(ls -A "$TMP/folder.db")"'

# A store of a newer schema: 65, the version named, the file untouched.
crm-init -q -d "$TMP/future.db"
sqlite3 "$TMP/future.db" "PRAGMA user_version = 9"
cp "$TMP/future.db" "$TMP/orig/"
check_exit 'a newer schema: crm-ls refuses it with 65' 65 \
	'crm-ls -d "$TMP/future.db"'
check_err 'and names both versions' \
	"^crm-ls: $TMP/future.db: schema 9 is newer than this crm \\($V\\)\$"
check_exit 'a newer schema: crm-add refuses it with 65' 65 \
	'crm-add -d "$TMP/future.db" customer name=Later'
check_exit 'a newer schema: crm-init refuses it with 65' 65 \
	'crm-init -d "$TMP/future.db"'
check 'the newer store is byte for byte as it was' "f='$TMP/future.db'; $same"

# An empty file: only crm-init makes it a store (crm-init(1)).
: >"$TMP/empty.db"
chmod 644 "$TMP/empty.db"
check_exit 'an empty file: crm-ls refuses it with 65' 65 \
	'crm-ls -d "$TMP/empty.db"'
check_err 'and says crm-init makes it one' \
	'empty.db: not a crm store \(an empty file; crm-init makes it one\)'
check_exit 'an empty file: crm-add refuses it with 65' 65 \
	'crm-add -d "$TMP/empty.db" customer name=Intruder'
check 'and it stays empty, mode 644' \
	'test ! -s "$TMP/empty.db" && [ "$(stat -c %a "$TMP/empty.db")" = 644 ]'
check_exit 'crm-init adopts it' 0 'crm-init -d "$TMP/empty.db"'
check_err 'and says it created a store there' \
	"^crm-init: created a new store at $TMP/empty.db\$"
check_out 'the adopted file is mode 600' 600 'stat -c %a "$TMP/empty.db"'
check_out 'and a crm store' "1129467185 $V" \
	'echo $(sqlite3 "$TMP/empty.db" "PRAGMA application_id; PRAGMA user_version")'

# The first write creates the store, and says so: a mistyped path shows.
check_exit 'the first write to a missing path succeeds' 0 \
	'crm-add -d "$TMP/new/sub/crm.db" customer name=First'
check_err 'and says it created a new store there' \
	"^crm-add: created a new store at $TMP/new/sub/crm.db\$"
check_out 'the store is mode 600, its new folders 700' '600 700 700' \
	'echo $(stat -c %a "$TMP/new/sub/crm.db" "$TMP/new/sub" "$TMP/new")'
check_out 'and no temporary file is left beside it' 'crm.db' \
	'ls -A "$TMP/new/sub"'
check 'the next write says nothing' \
	'crm-add -q -d "$TMP/new/sub/crm.db" customer name=Second 2>"$TMP/e2" &&
	test ! -s "$TMP/e2"'
check 'with -q the first write says nothing' \
	'crm-add -q -d "$TMP/quiet.db" customer name=Q 2>"$TMP/e3" &&
	test -s "$TMP/quiet.db" && test ! -s "$TMP/e3"'
mkdir -m 755 "$TMP/shared"
check_out 'an existing folder keeps its mode' 755 \
	'crm-add -q -d "$TMP/shared/crm.db" customer name=S &&
	stat -c %a "$TMP/shared"'
check_out 'whatever the umask, the store is 600 and new folders 700' \
	'600 700' '(umask 0; crm-add -q -d "$TMP/open/crm.db" customer name=U) &&
	echo $(stat -c %a "$TMP/open/crm.db" "$TMP/open")'
# A umask that takes the owner's bits too (they were 000 and 000).
check_out 'even a umask of 0777' '600 700 700' \
	'(umask 0777; crm-add -q -d "$TMP/u7/in/crm.db" customer name=U) &&
	echo $(stat -c %a "$TMP/u7/in/crm.db" "$TMP/u7/in" "$TMP/u7")'

# A store removed, or replaced by rename, while a writer runs: the writer
# fails with 74 instead of reporting success for rows no store holds.
# The writer holds the store once its -wal exists (crm-init removed its
# own when it closed); its input comes through a FIFO after that.
hold() {  # hold STORE: start a writer on STORE reading $TMP/fifo
	rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
	crm-add -q -d "$1" -f "$TMP/fifo" customer 2>"$TMP/held.err" &
	pid=$!
	i=0
	while [ ! -e "$1-wal" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
# feed: the writer's input; a writer that died never reads it: no hang.
feed() { timeout 10 sh -c 'printf "name\nAfter\n" >"$1"' sh "$TMP/fifo"; }
crm-init -q -d "$TMP/gone.db"
hold "$TMP/gone.db"
rm "$TMP/gone.db"
feed
r=0; wait $pid || r=$?
is 'a store removed under a writer: it fails with 74' $r 74
check 'and says the store was removed' \
	'grep -q "gone.db: the store was removed or replaced while this command ran; nothing was written" "$TMP/held.err"'
crm-init -q -d "$TMP/swap.db"
crm-add -q -d "$TMP/swap.db" customer name=Before
hold "$TMP/swap.db"
cp "$TMP/swap.db" "$TMP/swap.new"
mv "$TMP/swap.new" "$TMP/swap.db"
feed
r=0; wait $pid || r=$?
is 'a store replaced under a writer: it fails with 74' $r 74
check_out 'and the store now there holds only what it held' Before \
	'crm-ls -d "$TMP/swap.db" -F name'

# A damaged page: SQLITE_CORRUPT is 74 and points at the way out.  600
# customers fill several leaf pages of the customer table; one from the
# middle of the file is overwritten with zeros (page type 0 is no b-tree
# page, so SQLite cannot miss it).  crm-tag of every customer reads it.
{
	echo ref,name,email
	for i in $(seq 1 600); do
		echo "R$i,Customer number $i of the damaged store,c$i@example.org"
	done
} >"$TMP/many.csv"
crm-add -q -d "$TMP/bad.db" -f "$TMP/many.csv" customer
check_out 'a sound store passes crm-init --check' "$TMP/bad.db" \
	'crm-init --check -d "$TMP/bad.db"'
page=$(sqlite3 "$TMP/bad.db" "SELECT pageno FROM dbstat WHERE name = 'customer' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name = 'customer' AND pagetype = 'leaf')")
dd if=/dev/zero of="$TMP/bad.db" bs=4096 seek=$((page - 1)) count=1 \
	conv=notrunc 2>/dev/null
cp "$TMP/bad.db" "$TMP/orig/bad.db"
check_exit 'a write that reads the damaged page fails with 74' 74 \
	'crm-tag -d "$TMP/bad.db" all $(seq 1 600)'
check_err 'and points at crm-init --check and crm-backup --restore' \
	'bad.db: the store is damaged \(.*\): crm-init --check lists the damage, crm-backup --restore puts back a backup'
check 'and the store is as it was' "f='$TMP/bad.db'; $same"
check_exit 'a reader of the damaged page fails with 74 too' 74 \
	'crm-ls -d "$TMP/bad.db" -F id'
check_exit 'crm-init --check finds the damage: 74' 74 \
	'crm-init --check -d "$TMP/bad.db" >"$TMP/check.out"'
check_err 'and says the store is damaged' \
	'bad.db: the store is damaged \([0-9]+ problems?\)'
check 'and lists the damaged page' "grep -q '^Page $page: ' \"\$TMP/check.out\""
# Three damaged pages: SQLite lists them in one row under a heading; the
# count is of the problems listed, the heading left out (it said 2 of 4).
crm-add -q -d "$TMP/bad3.db" -f "$TMP/many.csv" customer
must sqlite3 "$TMP/bad3.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
for p in $(sqlite3 "$TMP/bad3.db" "SELECT pageno FROM dbstat WHERE name = 'customer' AND pagetype = 'leaf' ORDER BY pageno LIMIT 3 OFFSET 2"); do
	dd if=/dev/zero of="$TMP/bad3.db" bs=4096 seek=$((p - 1)) count=1 \
		conv=notrunc 2>/dev/null
done
check 'as many problems as it lists' \
	'rc=0; crm-init --check -d "$TMP/bad3.db" >"$TMP/c3.out" 2>"$TMP/c3.err" || rc=$?
	n=$(grep -vc "^\*\*\* " "$TMP/c3.out"); [ $rc -eq 74 ] && [ "$n" -eq 4 ] &&
	grep -q "damaged (4 problems)" "$TMP/c3.err"'
check 'and changes nothing' "f='$TMP/bad.db'; $same"

# A crm header over a page size SQLite rejects: SQLite says "not a
# database", but the file was a crm store, so it is damaged (74), not 65.
crm-init -q -d "$TMP/size.db"
printf '\377\377' | dd of="$TMP/size.db" bs=1 seek=16 conv=notrunc 2>/dev/null
check_exit 'a crm store SQLite cannot read fails with 74' 74 \
	'crm-ls -d "$TMP/size.db"'
check_err 'as a damaged store' 'size.db: the store is damaged'
check_exit 'crm-init --check says so too: 74' 74 \
	'crm-init --check -d "$TMP/size.db"'
check_err 'pointing at crm-backup --restore' \
	'size.db: the store is damaged \(.*\): crm-backup --restore puts back a backup$'

# A reference to a missing row is a problem too (foreign_key_check).
crm-add -q -d "$TMP/keys.db" customer name=Kept
sqlite3 "$TMP/keys.db" "INSERT INTO tag (customer, tag, since) VALUES (99, 'x', 0)"
check_exit 'crm-init --check finds a dangling reference: 74' 74 \
	'crm-init --check -d "$TMP/keys.db" >"$TMP/check.out"'
check_out 'and names its table and the missing parent' \
	'tag: a row refers to a missing customer' 'cat "$TMP/check.out"'
check_exit '--check with --rebuild-stats is a usage error' 64 \
	'crm-init --check --rebuild-stats -d "$TMP/keys.db"'
check_exit '--check of no store: 66' 66 'crm-init --check -d "$TMP/nothing.db"'
check 'and creates none' 'test ! -e "$TMP/nothing.db"'

# A store made by a crm killed before its first checkpoint: its header
# still says application_id 0, its log holds the store.  It opens.
crm-add -q -d "$TMP/seed.db" customer name=Logged
sqlite3 "$TMP/seed.db" .dump >"$TMP/seed.sql"
echo "PRAGMA application_id = 1129467185; PRAGMA user_version = $V;" \
	>>"$TMP/seed.sql"
/usr/bin/python3 -c '
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode = WAL")
c.executescript(open(sys.argv[2]).read())
os._exit(0)' "$TMP/killed.db" "$TMP/seed.sql"
check_out 'a store whose id is only in its log opens' Logged \
	'crm-ls -d "$TMP/killed.db" -F name'
check_out 'and takes writes' 2 \
	'crm-add -d "$TMP/killed.db" customer name=Again'
# A crm killed while creating a store leaves its temporary (PATH.new-
# and mkstemp's six characters) and the temporary's log.  The next
# creation removes those that no live process holds (a maker holds an
# flock on its temporary until it is gone) and nothing else.
mkdir "$TMP/mk"
printf 'dead' >"$TMP/mk/crm.db.new-ABCDEF"
printf 'dead' >"$TMP/mk/crm.db.new-ABCDEF-wal"
printf 'dead' >"$TMP/mk/crm.db.new-ABCDEF-shm"
printf 'keep' >"$TMP/mk/crm.db.new-notes"
printf 'keep' >"$TMP/mk/other.db.new-ABCDEF"
printf 'live' >"$TMP/mk/crm.db.new-LIVE12"
# A live maker: this subshell becomes sleep, holding the lock on fd 9.
( exec 9>>"$TMP/mk/crm.db.new-LIVE12" && flock 9 && exec sleep 60 ) &
holder=$!
for i in $(seq 1 100); do
	flock -n "$TMP/mk/crm.db.new-LIVE12" true || break
	sleep 0.1
done
rc=0; flock -n "$TMP/mk/crm.db.new-LIVE12" true || rc=$?
[ "$rc" -ne 0 ] || _bail "the background process did not take its lock"
check_out 'the first write creates the store' 1 \
	'crm-add -d "$TMP/mk/crm.db" customer name=New'
check 'a dead maker'"'"'s temporary, log and shm are gone' \
	'cd "$TMP/mk" && test ! -e crm.db.new-ABCDEF &&
	test ! -e crm.db.new-ABCDEF-wal && test ! -e crm.db.new-ABCDEF-shm'
check_out 'the held temporary, and names not of the pattern, stay' \
	"$(printf 'crm.db.new-LIVE12 live\ncrm.db.new-notes keep\nother.db.new-ABCDEF keep')" \
	'cd "$TMP/mk" && for f in *.new-*; do printf "%s %s\n" "$f" "$(cat "$f")"; done'
kill "$holder"
rc=0; wait "$holder" || rc=$?
# Unheld now: the next creation in this folder removes it.
rm -f "$TMP/mk/crm.db"*-wal "$TMP/mk/crm.db"*-shm
mv "$TMP/mk/crm.db" "$TMP/mk/kept.db"
check 'once unheld, the next creation removes it' \
	'crm-add -q -d "$TMP/mk/crm.db" customer name=Again >/dev/null &&
	test ! -e "$TMP/mk/crm.db.new-LIVE12"'
check 'the store made is in place' 'test -s "$TMP/mk/crm.db"'
# A maker killed while a rival made the store: crm-init clears its
# temporary beside the existing store, and keeps the store.
printf 'dead' >"$TMP/mk/crm.db.new-Zz0099"
check 'crm-init on an existing store' 'crm-init -q -d "$TMP/mk/crm.db"'
check_out 'removes a dead maker'"'"'s temporary beside it' 1 \
	'test ! -e "$TMP/mk/crm.db.new-Zz0099" && crm-ls -d "$TMP/mk/crm.db" -F id -w "name = \"Again\"" | wc -l'
# A command that changes records has nothing to change in a store that is
# not there: 66, and no empty store made (they made one, then exited 65 or
# 1); crm-add -n, a dry run, writes nothing either.
mkdir "$TMP/none"
for c in "crm-add -n customer name=x" "crm-set 1 name=x" "crm-rm 1" \
    "crm-rm --forget 1" "crm-tag vip 1" "crm-tag --apply" \
    "crm-dedupe --merge 1 2" "crm-points earn" "crm-points expire" \
    "crm-tier rfm"; do
	check_exit "$c on a missing store: 66" 66 "$c -d '$TMP/none/crm.db'"
done
check_out 'and none of them made a store' '' 'ls -A "$TMP/none"'
# Paths SQLite would read as a URI or as a database in memory are files in
# the current folder, as to any other program (file:x.db failed with 74;
# :memory: made a file crm then refused as not a store).
mkdir "$TMP/odd"
check_out 'file:x.db is a file here' 1 \
	'cd "$TMP/odd" && crm-add -q -d file:x.db customer name=a && crm-ls -d file:x.db -F id && test -s "$TMP/odd/file:x.db"'
check_out ':memory: is a file here' 1 \
	'cd "$TMP/odd" && crm-add -q -d :memory: customer name=a && crm-ls -d :memory: -F id && test -s "$TMP/odd/:memory:"'
check_exit 'an empty -d is a usage error' 64 'crm-ls -d ""'
done_testing
