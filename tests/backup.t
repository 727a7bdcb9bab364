#!/bin/sh
# crm-backup and crm-export.
. "${0%/*}/lib.sh"
plan 120
# The umask under which a restore used to make a store 0644: crm must not
# depend on it.
umask 022

printf 'ref,name,city\nB1,Svc One,Oslo\nB2,Svc Two,Rome\n' | crm-add -q -f - customer
crm-add -q purchase customer_ref=B1 amount=12.50 product=chips
crm-add -q ticket customer_ref=B1 kind=complaint subject='broken lid'
crm-add -q purchase customer_ref=B2 amount=3 product=beer
for i in 1 2 3; do crm-backup -q --keep 2 "$TMP/bk"; done
check_out '--keep 2 keeps two' 2 'ls "$TMP/bk" | wc -l'
check_out 'named by the time to the microsecond (crm-backup(1))' 2 \
	'ls "$TMP/bk" | grep -Ec "^crm-[0-9]{8}T[0-9]{6}\.[0-9]{6}Z\.db\$"'
newest="$TMP/bk/$(ls "$TMP/bk" | tail -n 1)"
check_out 'a backup passes integrity_check' ok "sqlite3 '$newest' 'PRAGMA integrity_check'"
check_out 'and is mode 600' 600 "stat -c %a '$newest'"
# The store id: 16 random bytes in hex, in the store's config and the copy's.
check_out 'it carries the store id, made at the first backup' 1 \
	"sqlite3 '$newest' \"ATTACH '\$CRM_DB' AS s; SELECT count(*) FROM config
	JOIN s.config USING (key, value) WHERE key = 'store.id' AND length(value) = 32\""

# The live store in the backup folder, named as backups were named before:
# crm-2019.db sorts before every crm-2026... backup, so rotating by name
# alone removed it.
mkdir "$TMP/same"
crm-add -q -d "$TMP/same/crm-2019.db" customer name='Same One'
crm-backup -q -d "$TMP/same/crm-2019.db" --keep 1 "$TMP/same"
crm-backup -q -d "$TMP/same/crm-2019.db" --keep 1 "$TMP/same"
check_out 'the live store crm-2019.db in the backup folder survives --keep 1' \
	'Same One' 'crm-ls -d "$TMP/same/crm-2019.db" -F name'
# The store and the one backup --keep 1 keeps.
check_out 'beside exactly one backup' 2 'ls "$TMP/same" | wc -l'

# A store named as a backup is named, carrying a backup's mark (as a
# restore that died before its end leaves it), out of WAL mode (as a backup
# is): it has every mark of a backup but is the store, so it stays.
mkdir "$TMP/same2"
live2="$TMP/same2/crm-20000101T000000.000000Z.db"
crm-add -q -d "$live2" customer name='Same Two'
crm-backup -q -d "$live2" "$TMP/same2"
sqlite3 "$live2" "INSERT INTO config VALUES ('backup.taken', '2000-01-01T00:00:00.000000Z');
	PRAGMA journal_mode = DELETE" >/dev/null
crm-backup -q -d "$live2" --keep 1 "$TMP/same2"
check_out 'nor is a live store named and marked as a backup' 'Same Two' "crm-ls -d '$live2' -F name"

# Two backups in one second: start early in a second so both fall in it.
# Before, the second was named ...Z-1.db, sorted before ...Z.db, and --keep 1
# removed it after printing its path.
n=0; while [ "$(date +%N)" -gt 400000000 ] && [ $n -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
p1=$(crm-backup --keep 1 "$TMP/sec"); p2=$(crm-backup --keep 1 "$TMP/sec")
check '--keep 1 keeps the newer of two backups in one second (the path it printed)' \
	"[ -f '$p2' ] && [ ! -e '$p1' ]"
check_out 'names sort by time within a second' "$(printf '%s\n%s' "$p1" "$p2")" \
	"printf '%s\n' '$p2' '$p1' | sort"

# Six backups at once of a store never backed up: they take turns in the
# folder, one of them makes the store id, and the rotations leave two.
crm-add -q -d "$TMP/six.db" customer name=Six
pids=
for k in 1 2 3 4 5 6; do crm-backup -q -d "$TMP/six.db" --keep 2 "$TMP/six" & pids="$pids $!"; done
st=0; for p in $pids; do wait "$p" || st=1; done
_result $st 'six backups at once all succeed'
check_out 'one store id is made' 1 \
	"sqlite3 '$TMP/six.db' \"SELECT count(*) FROM audit WHERE detail LIKE 'store.id = %'\""
check_out 'two backups are left' 2 'ls "$TMP/six" | wc -l'

# Files in the backup folder that are not backups of this store: each must
# stay, and none may count as one of the --keep backups.  Named for 2099, so
# a rotation by name keeps them and removes the real backups instead.
mkdir "$TMP/mix"
: >"$TMP/mix/crm-20990101T000000.000000Z.db"	# empty: a backup killed at once
: >"$TMP/mix/crm-20990101T000000Z.db"		# the same, as named before
: >"$TMP/mix/crm-20990101T000000Z.db-journal"
sqlite3 "$TMP/mix/crm-20990102T000000.000000Z.db" 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
# Cut short: all but its last page.
head -c $(($(stat -c %s "$newest") - $(sqlite3 "$newest" 'PRAGMA page_size'))) "$newest" \
	>"$TMP/mix/crm-20990103T000000.000000Z.db"
crm-add -q -d "$TMP/other.db" customer name=Other
other=$(crm-backup -d "$TMP/other.db" "$TMP/mix")
# A crm-backup that died leaves its temporary copy and journal; one that
# runs holds a lock on its own (flock(1) stands for it here).
: >"$TMP/mix/.crm-backup.DeAd01"
: >"$TMP/mix/.crm-backup.DeAd01-journal"
: >"$TMP/mix/.crm-backup.DeAd02-journal"
: >"$TMP/mix/.crm-backup.LiVe01"
flock "$TMP/mix/.crm-backup.LiVe01" sh -c ": >'$TMP/held'; n=0
	while [ ! -e '$TMP/go' ] && [ \$n -lt 300 ]; do sleep 0.1; n=\$((n + 1)); done" &
holder=$!
n=0; while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
for i in 1 2 3; do last=$(crm-backup --keep 2 "$TMP/mix"); done
: >"$TMP/go"; wait $holder
check 'an empty file, a foreign SQLite file, a cut-short copy and another store'"'"'s backup are never removed' \
	"cd '$TMP/mix' && [ -f crm-20990101T000000.000000Z.db ] && [ -f crm-20990101T000000Z.db ] &&
	[ -f crm-20990101T000000Z.db-journal ] && [ -f crm-20990102T000000.000000Z.db ] &&
	[ -f crm-20990103T000000.000000Z.db ] && [ -f '$other' ]"
# 6 planted files + the 2 backups --keep 2 keeps of this store's 3.
check_out 'nor counted: two backups of this store stay beside them' 8 'ls "$TMP/mix" | wc -l'
check 'the newest one among them' "[ -f '$last' ]"
check_out "a dead crm-backup's temporary files are removed, a running one's kept" \
	'.crm-backup.LiVe01' 'ls -A "$TMP/mix" | grep "^\.crm-backup"'

# Restore refuses what is not a sound crm store; the store stays as it was,
# byte for byte, and no safety copy is made.
printf 'not a database\n' >"$TMP/x.txt"
sqlite3 "$TMP/foreign.db" 'CREATE TABLE t (x)'
cp "$newest" "$TMP/future.db"
sqlite3 "$TMP/future.db" 'PRAGMA user_version = 9'
# damage FILE: the customer table's root page overwritten with 0xff bytes,
# a crm store whose b-tree is damaged (its header, application id
# included, intact).
damage() {
	root=$(sqlite3 "$1" "SELECT rootpage FROM sqlite_schema WHERE name = 'customer'")
	pgsz=$(sqlite3 "$1" 'PRAGMA page_size')
	head -c "$pgsz" /dev/zero | tr '\0' '\377' |
		dd of="$1" bs="$pgsz" seek=$((root - 1)) conv=notrunc 2>/dev/null
}
cp "$newest" "$TMP/damaged.db"
damage "$TMP/damaged.db"
before=$(dump)
cp "$CRM_DB" "$TMP/live.before"
check_exit 'restore refuses a file that is not a store' 65 'crm-backup --restore "$TMP/x.txt"'
check_exit 'and an SQLite file that is not a crm store' 65 'crm-backup --restore "$TMP/foreign.db"'
check_exit 'and a crm store of a newer schema' 65 'crm-backup --restore "$TMP/future.db"'
check_err 'saying which' 'future.db: schema 9 is newer than this crm'
check_exit 'and a backup that fails its integrity check: 74, damaged' 74 'crm-backup --restore "$TMP/damaged.db"'
check_err 'saying so' 'damaged.db: fails its integrity check; the store is as it was'
check_out 'and leaves the store as it was' "$before" 'sqlite3 "$CRM_DB" .dump'
check 'byte for byte' 'cmp "$CRM_DB" "$TMP/live.before"'
check_out 'with no safety copy' 0 'find "$TMP" -maxdepth 1 -name "crm.db.before-restore-*" | wc -l'
check_exit 'restore of a missing file exits 66' 66 'crm-backup --restore "$TMP/none.db"'

# A restore keeps the store it replaces, verified, and says where.
crm-rm 2
check 'restore of a backup' "crm-backup --restore '$newest'"
safe=$(sed -n 's/^crm-backup: the store as it was is kept in //p' "$TMP/err")
check_out 'brings back what was removed after it' 'Svc Two' 'crm-ls -F name -w "ref = B2"'
check 'it says on stderr where the store as it was is kept, beside it' \
	"case '$safe' in '$TMP'/crm.db.before-restore-*Z) [ -f '$safe' ];; *) false;; esac"
check_out 'the safety copy passes integrity_check' ok \
	"[ -f '$safe' ] && sqlite3 '$safe' 'PRAGMA integrity_check'"
check_out 'is a crm store (application id 0x43524d31)' 1129467185 \
	"[ -f '$safe' ] && sqlite3 '$safe' 'PRAGMA application_id'"
# B2 was removed before the restore: only B1 was left.
check_out 'holding the store as it was' 'Svc One' \
	"[ -f '$safe' ] && sqlite3 '$safe' 'SELECT name FROM customer'"
check_out 'mode 600' 600 "[ -f '$safe' ] && stat -c %a '$safe'"
check_out 'the restore is in the audit, with the safety copy' 1 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM audit WHERE action = 'restore' AND detail LIKE '%; the store as it was is in $safe'\""
check_out "and the backup's own mark is not carried into the store" 0 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM config WHERE key = 'backup.taken'\""

# A damaged store is what a restore is for: it is replaced, and kept as it
# was (its copy cannot pass the check the store itself fails).
cp "$CRM_DB" "$TMP/hurt.db"
damage "$TMP/hurt.db"
check_exit 'a backup of a store that fails its integrity check fails (74)' 74 \
	"crm-backup -d '$TMP/hurt.db' '$TMP/hurtbk'"
check_err 'saying so' 'the store fails its integrity check'
# The folder was made for it: it goes too (before, it was left empty).
check 'and leaves no backup folder it made' '[ ! -e "$TMP/hurtbk" ]'
check 'restore over a store that fails its integrity check' "crm-backup -d '$TMP/hurt.db' --restore '$newest'"
check_err 'keeps it as it was, and says so' \
	'the store as it was \(it fails its integrity check\) is kept in .*/hurt\.db\.before-restore-'
check_out 'the store is sound again' ok 'sqlite3 "$TMP/hurt.db" "PRAGMA integrity_check"'

# A store SQLite cannot read at all (page 1, the schema, overwritten past
# its 100-byte header) can be neither copied first nor locked: it is left
# for the user to move away.
cp "$CRM_DB" "$TMP/wreck.db"
head -c 3000 /dev/zero | tr '\0' '\377' |
	dd of="$TMP/wreck.db" bs=1 seek=100 conv=notrunc 2>/dev/null
cp "$TMP/wreck.db" "$TMP/wreck.before"
check_exit 'restore over a store SQLite cannot read is refused (74)' 74 \
	"crm-backup -d '$TMP/wreck.db' --restore '$newest'"
check_err 'saying how to go on' 'wreck\.db: cannot be read: .*move it away with its -wal file first'
check 'and leaves it byte for byte' 'cmp "$TMP/wreck.db" "$TMP/wreck.before"'

# Restore into a store that does not exist yet: made like any new store.
check 'restore into a missing store' "crm-backup -d '$TMP/fresh/r.db' --restore '$newest'"
check_out 'makes it mode 600 (umask 022)' 600 'stat -c %a "$TMP/fresh/r.db"'
check_out 'in WAL mode' wal 'sqlite3 "$TMP/fresh/r.db" "PRAGMA journal_mode"'
check_out 'with the backup in it' "$(printf 'Svc One\nSvc Two')" 'crm-ls -d "$TMP/fresh/r.db" -F name'

# A file at the store's path that is not a crm store is not written over.
sqlite3 "$TMP/theirs.db" "CREATE TABLE notes (t); INSERT INTO notes VALUES ('keep me')"
cp "$TMP/theirs.db" "$TMP/theirs.before"
check_exit 'restore refuses to write over a file that is not a crm store' 65 \
	"crm-backup -d '$TMP/theirs.db' --restore '$newest'"
check 'which stays byte for byte as it was' 'cmp "$TMP/theirs.db" "$TMP/theirs.before"'

# Another process holds the write lock (an sqlite3 shell in BEGIN IMMEDIATE):
# the restore waits the busy timeout, then gives up with 75.
rm -f "$TMP/held" "$TMP/go"
{ echo 'BEGIN IMMEDIATE;'; echo ".system touch '$TMP/held'"
  n=0; while [ ! -e "$TMP/go" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
  echo 'COMMIT;'; } | sqlite3 "$CRM_DB" &
holder=$!
n=0; while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
cp "$CRM_DB" "$TMP/live.before"
t0=$(date +%s%N)
check_exit 'restore while another process holds the write lock: 75' 75 \
	"CRM_BUSY_TIMEOUT=500 crm-backup --restore '$newest'"
t1=$(date +%s%N)
check_err 'busy' 'the store is busy; try again later'
check "after waiting the busy timeout (500 ms)" "[ $(( (t1 - t0) / 1000000 )) -ge 500 ]"
: >"$TMP/go"; wait $holder
check 'the store is as it was, byte for byte' 'cmp "$CRM_DB" "$TMP/live.before"'

# A reader in a read transaction while a restore runs keeps seeing the store
# as it was; after it, the restored one: never a mix.  The store holds one
# customer (B2 removed), the backup two.
crm-rm 2
rm -f "$TMP/held" "$TMP/go"
{ echo 'BEGIN;'; echo 'SELECT count(*) FROM customer;'; echo ".system touch '$TMP/held'"
  n=0; while [ ! -e "$TMP/go" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
  echo 'SELECT count(*) FROM customer;'; echo 'COMMIT;'; echo 'SELECT count(*) FROM customer;'
} | sqlite3 "$CRM_DB" >"$TMP/reads" &
reader=$!
n=0; while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check 'a restore while a reader reads' "crm-backup -q --restore '$newest'"
: >"$TMP/go"; wait $reader
check_out 'the reader saw the old store to its end, then the new one' \
	"$(printf '1\n1\n2')" 'cat "$TMP/reads"'

# --- Forgets made after a backup come back with its restore -------------
# Store F: 1 Fiona Forgetme (forgotten after backup b0), 2 Kept Person.
F="$TMP/fg.db"
crm-add -q -d "$F" customer ref=FF-1 name='Fiona Forgetme' email=fiona.forgetme@example.org
crm-add -q -d "$F" contact customer=1 channel=phone note='Fiona Forgetme called'
crm-add -q -d "$F" customer ref=FF-2 name='Kept Person'
b0=$(must crm-backup -d "$F" "$TMP/fgbk")
crm-rm -q -d "$F" --forget 1
crm-backup -q -d "$F" "$TMP/fgbk"
fid=$(must sqlite3 "$F" "SELECT value FROM config WHERE key = 'store.id'")
# count FILE...: shell code printing how many printable strings of the
# files hold the name or the e-mail, as strings(1) | grep -c would.
count() {
	printf '%s' "for f in $*; do if [ -e \"\$f\" ]; then strings \"\$f\"; fi; done |
	    awk '/Fiona Forgetme|fiona.forgetme@/ { n++ } END { print n + 0 }'"
}
check_out 'a backup after a forget keeps the list of forgets beside it, 0600, with the forget and the store id' \
	"$(printf '600\n1\t%s' "$fid")" \
	"stat -c %a '$TMP/fgbk/forgets-$fid.db' &&
	sqlite3 -tabs '$TMP/fgbk/forgets-$fid.db' \"SELECT group_concat(customer),
	(SELECT value FROM config WHERE key = 'store.id') FROM forget\""
# b0 was taken before the forget; the store it replaces and the list both
# hold the forget: it is re-applied once.
check_out 'restore of a backup taken before a forget: the person is forgotten again' \
	'forgotten 1' "crm-backup -d '$F' --restore '$b0' && crm-show -d '$F' 1 | sed -n 's/^name\t//p'"
check_err 'it says how many forgets it re-applied: 1' \
	'^crm-backup: re-applied 1 forget made after the backup$'
# The backup holds the person (contact note, name, e-mail, their audit
# copies: at least 3); after the restore no string of the store's files
# does, the safety copy of the store replaced (already forgotten) included.
check 'no byte of the name or e-mail is left in the store files' \
	"[ \"\$($(count "'$b0'"))\" -ge 3 ] && [ \"\$($(count "'$F'*"))\" -eq 0 ]"
check_out 'the store holds the forget once' 1 "sqlite3 '$F' 'SELECT count(*) FROM forget'"
# Refused (65) for that reason, not as a duplicate of a customer's e-mail.
check_out "the hashes are kept: re-adding the e-mail is refused as a forgotten customer's" \
	"$(printf '65\nbelongs to a forgotten customer')" \
	"rc=0; crm-add -d '$F' customer name=Again email=fiona.forgetme@example.org 2>'$TMP/e' || rc=\$?
	echo \$rc; sed -n 's/^crm-add: email: //p' '$TMP/e'"
# A forget made after the last backup is in no list: only the store a
# restore replaces holds it.  b0 alone in a folder, no list beside it.
mkdir "$TMP/lone"
cp "$b0" "$TMP/lone/b0.db"
check_out 'a restore re-applies the forgets of the store it replaces (no list beside the backup)' \
	'forgotten 1' "crm-backup -d '$F' --restore '$TMP/lone/b0.db' && crm-show -d '$F' 1 | sed -n 's/^name\t//p'"
check_err 'and says 1' '^crm-backup: re-applied 1 forget made after the backup$'
# No store there: the list beside the backup is all there is.
check_out 'restore of that backup into a missing store still re-applies the forget from the list' \
	'forgotten 1' "crm-backup -d '$TMP/fgnew/r.db' --restore '$b0' && crm-show -d '$TMP/fgnew/r.db' 1 | sed -n 's/^name\t//p'"
check_err 'and says 1' '^crm-backup: re-applied 1 forget made after the backup$'
check_out 'whose hashes are kept too' 1 "sqlite3 '$TMP/fgnew/r.db' 'SELECT count(*) FROM forgotten WHERE what = \"email\"'"
# Store G forgets its customer 2; its list, under F's name beside b0, is
# not used: G's customer 2 is not F's Kept Person.  F's own forget of 1
# still comes from the store replaced.
crm-add -q -d "$TMP/g.db" customer name='Gus One'
crm-add -q -d "$TMP/g.db" customer name='Gus Two'
crm-rm -q -d "$TMP/g.db" --forget 2
crm-backup -q -d "$TMP/g.db" "$TMP/gbk"
mkdir "$TMP/foreign"
cp "$b0" "$TMP/foreign/b0.db"
cp "$TMP/gbk"/forgets-*.db "$TMP/foreign/forgets-$fid.db"
check_out "a list of another store's forgets is not used" \
	"$(printf '1\tforgotten 1\n2\tKept Person')" \
	"crm-backup -d '$F' --restore '$TMP/foreign/b0.db' && crm-ls -d '$F' -F id,name"
check_err 'and said so' "forgets-$fid\\.db: a list of another store's forgets; not used"
# Restored over another store H (never backed up: its own forget key),
# which forgot its customer 1: H's 1 is not F's Fiona, and b0 has no list
# beside it here, so nothing is re-applied.
crm-add -q -d "$TMP/h.db" customer name='Hal One'
crm-rm -q -d "$TMP/h.db" --forget 1
check_out "the forgets of another store a restore replaces are not re-applied" \
	"$(printf 'Fiona Forgetme\n0 forgets made after the backup')" \
	"crm-backup -d '$TMP/h.db' --restore '$TMP/lone/b0.db' 2>'$TMP/e' &&
	crm-show -d '$TMP/h.db' 1 | sed -n 's/^name\t//p'
	sed -n 's/^crm-backup: re-applied //p' '$TMP/e'"
# --keep 1: one backup, and the list, which is no backup.
crm-backup -q -d "$F" --keep 1 "$TMP/fgbk"
check_out 'rotation leaves the list of forgets' "$(printf 'BACKUP\nforgets-%s.db' "$fid")" \
	"ls '$TMP/fgbk' | sed 's/^crm-[0-9T.]*Z\\.db\$/BACKUP/'"

crm-set 1 city=Hangzhou
crm-export --subject 1 >"$TMP/s.json"
check 'crm-export: one JSON document with profile, history, audit; no one else' "/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); s = json.dumps(d, ensure_ascii=False)
assert d[\"customer\"][\"name\"] == \"Svc One\" and \"broken lid\" in s and \"chips\" in s and \"Hangzhou\" in s
assert any(a[\"action\"] == \"set\" for a in d[\"audit\"]) and \"tester\" in s
assert \"Svc Two\" not in s and \"beer\" not in s' '$TMP/s.json'"
check_exit 'an unknown subject exits 1, as a lookup (crm(7))' 1 'crm-export --subject 99'
check_exit '--subject is required' 64 'crm-export'

# --- Files named as crm-backup's temporary files, that are none --------
# The live store named .crm-backup.mystor, as a temporary copy is named
# (TMP_PREFIX and six characters): the clean-up of dead crm-backups' files
# removed it, and any file so named.
mkdir "$TMP/tn"
crm-add -q -d "$TMP/tn/.crm-backup.mystor" customer name=Live
echo notes >"$TMP/tn/.crm-backup.notes1"
check 'a backup of a store named as a temporary copy, into its folder' \
	"crm-backup -q -d '$TMP/tn/.crm-backup.mystor' '$TMP/tn'"
check_out 'leaves the store' Live "crm-ls -d '$TMP/tn/.crm-backup.mystor' -F name"
check 'another store backed up there' "crm-backup -q -d '$TMP/other.db' '$TMP/tn'"
check_out 'leaves a file so named that is no SQLite file' notes "cat '$TMP/tn/.crm-backup.notes1'"
# Another crm store so named, open in another process (an sqlite3 shell
# that has read it: in WAL mode it holds SQLite's lock while open).
cp "$TMP/other.db" "$TMP/tn/.crm-backup.open01"
rm -f "$TMP/held" "$TMP/go"
{ echo 'SELECT count(*) FROM customer;'; echo ".system touch '$TMP/held'"
  n=0; while [ ! -e "$TMP/go" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
} | sqlite3 "$TMP/tn/.crm-backup.open01" >/dev/null &
holder=$!
n=0; while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check 'a backup while another process has a crm store so named open' \
	"crm-backup -q -d '$TMP/other.db' '$TMP/tn'"
: >"$TMP/go"; wait $holder
check_out 'leaves it' Other "crm-ls -d '$TMP/tn/.crm-backup.open01' -F name"
# A restore makes its temporary copy beside the store, clearing dead
# ones first: neither the store so named nor the backup restored, there
# and so named, may go.
mkdir "$TMP/tr"
crm-add -q -d "$TMP/tr/.crm-backup.rstore" customer name=Rs
rb=$(must crm-backup -d "$TMP/tr/.crm-backup.rstore" "$TMP/trbk")
cp "$rb" "$TMP/tr/.crm-backup.bkfile"
check_out 'a restore into a store named as a temporary copy, from a backup so named beside it, keeps both' \
	"$(printf 'Rs\nRs')" \
	"crm-backup -q -d '$TMP/tr/.crm-backup.rstore' --restore '$TMP/tr/.crm-backup.bkfile' &&
	crm-ls -d '$TMP/tr/.crm-backup.rstore' -F name && crm-ls -d '$TMP/tr/.crm-backup.bkfile' -F name"
# A FIFO so named: opening it waited for a writer forever, the folder
# locked.  timeout(1) ends a hang: 124.
mkfifo "$TMP/tn/.crm-backup.fifo01"
check 'a FIFO named as a temporary copy does not hang a backup' \
	"timeout 20 crm-backup -q -d '$TMP/other.db' '$TMP/tn'"
check 'and stays' "[ -p '$TMP/tn/.crm-backup.fifo01' ]"
# The folder's lock held by another (flock(1) stands for a crm-backup that
# hangs): wait the busy timeout, then 75.  Before, it waited for ever.
rm -f "$TMP/held" "$TMP/go"
flock "$TMP/tn" sh -c ": >'$TMP/held'; n=0
	while [ ! -e '$TMP/go' ] && [ \$n -lt 300 ]; do sleep 0.1; n=\$((n + 1)); done" &
holder=$!
n=0; while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
check_exit 'a folder locked past the busy timeout: 75' 75 \
	"CRM_BUSY_TIMEOUT=300 timeout 20 crm-backup -q -d '$TMP/other.db' '$TMP/tn'"
check_err 'saying so' 'tn: another crm-backup is writing there; try again later'
: >"$TMP/go"; wait $holder

# --- A backup whose schema is not crm's is not restored ------------------
# A trigger that copies what a forget erases into a table of its own: it
# would run in the store.  The store stays as it was, byte for byte.
cp "$newest" "$TMP/spy.db"
sqlite3 "$TMP/spy.db" "CREATE TABLE spy (t); CREATE TRIGGER t AFTER UPDATE ON customer
	BEGIN INSERT INTO spy VALUES (old.name || ' ' || ifnull(old.email, '')); END;"
cp "$CRM_DB" "$TMP/live.before"
check_exit 'restore refuses a backup with a trigger and a table crm does not make: 65' 65 \
	"crm-backup --restore '$TMP/spy.db'"
check_err 'saying so' "spy\\.db: is not a crm store \\(its schema is not crm's\\); the store is as it was"
check 'and leaves the store byte for byte' 'cmp "$CRM_DB" "$TMP/live.before"'
# crm's application id and schema version, none of its tables: every
# command would fail on the store (70).
sqlite3 "$TMP/hollow.db" 'PRAGMA application_id = 1129467185; PRAGMA user_version = 5'
check_exit 'and a file with crm'"'"'s header and none of its tables: 65' 65 \
	"crm-backup --restore '$TMP/hollow.db'"
check 'leaving the store byte for byte' 'cmp "$CRM_DB" "$TMP/live.before"'
check_exit 'nor is anything made at a missing path' 65 \
	"crm-backup -d '$TMP/hollownew/r.db' --restore '$TMP/hollow.db'"
check 'no store, no folder' "[ ! -e '$TMP/hollownew' ]"
check_exit 'crm-init --check says a store with a trigger crm does not make is not one: 65' 65 \
	"crm-init --check -d '$TMP/spy.db'"
check_err 'saying why' "spy\\.db: not a crm store \\(its schema is not crm's\\)"

# --- A restore keeps the store's own identity ---------------------------
# Prod P with two backups in PB; staging S, backed up once (its own id).
crm-add -q -d "$TMP/prod.db" customer name=Prod
crm-backup -q -d "$TMP/prod.db" "$TMP/pb"
pb=$(must crm-backup -d "$TMP/prod.db" "$TMP/pb")
pid=$(must sqlite3 "$TMP/prod.db" "SELECT value FROM config WHERE key = 'store.id'")
crm-add -q -d "$TMP/stage.db" customer name=Stage
crm-backup -q -d "$TMP/stage.db" "$TMP/sb"
sid=$(must sqlite3 "$TMP/stage.db" "SELECT value FROM config WHERE key = 'store.id'")
check "restore of prod's backup onto staging" "crm-backup -q -d '$TMP/stage.db' --restore '$pb'"
check_out 'staging keeps its own store id' "$sid" \
	"sqlite3 '$TMP/stage.db' \"SELECT value FROM config WHERE key = 'store.id'\""
# Carrying prod's id, staging's rotation counted prod's backups as its own.
check "a backup of staging into prod's folder, --keep 1" \
	"crm-backup -q -d '$TMP/stage.db' --keep 1 '$TMP/pb'"
check_out "leaves prod's two backups beside staging's one" 3 'ls "$TMP/pb" | wc -l'
check 'restore into a missing store' "crm-backup -q -d '$TMP/clone.db' --restore '$pb'"
check_out "gives it a new store id (32 hex digits), not prod's" 1 \
	"sqlite3 '$TMP/clone.db' \"SELECT count(*) FROM config WHERE key = 'store.id'
	AND value GLOB '$(printf '[0-9a-f]%.0s' $(seq 32))' AND value <> '$pid'\""
check_out "prod restored from its own backup keeps its id" "$pid" \
	"crm-backup -q -d '$TMP/prod.db' --restore '$pb' &&
	sqlite3 '$TMP/prod.db' \"SELECT value FROM config WHERE key = 'store.id'\""
# A backup of the format before store ids: the store kept none after it.
cp "$pb" "$TMP/oldfmt.db"
sqlite3 "$TMP/oldfmt.db" "DELETE FROM config WHERE key = 'store.id'"
check_out 'restore of a backup with no store id keeps the store'"'"'s' "$pid" \
	"crm-backup -q -d '$TMP/prod.db' --restore '$TMP/oldfmt.db' &&
	sqlite3 '$TMP/prod.db' \"SELECT value FROM config WHERE key = 'store.id'\""

# --- A restore that fails leaves everything as it was -------------------
# A schema 4 store whose purchases repeat order lines (tests/data): its
# migration to schema 5 is refused (65).  The store stays byte for byte;
# at a missing path nothing is made (before, an empty store and its folder).
sqlite3 "$TMP/v4dup.db" <"$TESTS/data/store-v4.sql"
cp "$CRM_DB" "$TMP/live.before"
check_exit 'restore of a backup that cannot be migrated: 65' 65 \
	"crm-backup --restore '$TMP/v4dup.db'"
check_err 'saying so' "v4dup\\.db: cannot be opened as a store of this crm .*; the store is as it was"
check 'the store byte for byte as it was' 'cmp "$CRM_DB" "$TMP/live.before"'
check_out 'and no safety copy, no temporary file beside it' 0 \
	"find '$TMP' -maxdepth 1 \\( -name 'crm.db.before-restore-*' -o -name '.crm-backup.*' \\) -newer '$TMP/live.before' | wc -l"
check_exit 'into a missing store: 65' 65 "crm-backup -d '$TMP/v4new/a/r.db' --restore '$TMP/v4dup.db'"
check 'leaves no store and no folder' "[ ! -e '$TMP/v4new' ]"
# A backup of page size 8192 (the store's is SQLite's default, 4096): the
# backup API cannot change a WAL store's page size (74 "page size differs").
cp "$newest" "$TMP/p8k.db"
sqlite3 "$TMP/p8k.db" 'PRAGMA page_size = 8192; VACUUM'
check_out 'the backup is of page size 8192' 8192 "sqlite3 '$TMP/p8k.db' 'PRAGMA page_size'"
check_out 'a backup of another page size is restored' "$(printf 'Svc One\nSvc Two')" \
	"crm-backup -q --restore '$TMP/p8k.db' && crm-ls -F name"
check_out 'the store keeps its page size' 4096 'sqlite3 "$CRM_DB" "PRAGMA page_size"'
check_out 'and into a missing store' "$(printf 'Svc One\nSvc Two')" \
	"crm-backup -q -d '$TMP/p8new.db' --restore '$TMP/p8k.db' && crm-ls -d '$TMP/p8new.db' -F name"
check_out 'which passes its integrity check' ok "sqlite3 '$TMP/p8new.db' 'PRAGMA integrity_check'"

# --- What a backup leaves ----------------------------------------------
check_exit 'a backup of a missing store: 66' 66 "crm-backup -d '$TMP/missing.db' '$TMP/d2'"
check 'and no backup folder made' "[ ! -e '$TMP/d2' ]"
check_exit 'a backup of a file that is not a crm store: 65' 65 "crm-backup -d '$TMP/x.txt' '$TMP/d3'"
check 'and no backup folder made' "[ ! -e '$TMP/d3' ]"
# A journal beside a backup rotation removes (left by an sqlite3 that read
# it, say): it goes with it.
mkdir "$TMP/rj"
old=$(must crm-backup -d "$TMP/other.db" "$TMP/rj")
: >"$old-journal"
crm-backup -q -d "$TMP/other.db" --keep 1 "$TMP/rj"
check 'rotation removes a backup with its journal' "[ ! -e '$old' ] && [ ! -e '$old-journal' ]"
check_out 'leaving the one backup' 1 'ls -A "$TMP/rj" | wc -l'
done_testing
