#!/bin/sh
# crm-rm --forget: the person leaves every table and every byte of the
# store's files, stays gone when a reader is open, and is not brought
# back by an import without --allow-forgotten.
. "${0%/*}/lib.sh"
plan 74

# left 'A|B|...': shell code printing, for each text, how many printable
# strings of the store's files (the -wal and -shm files too) hold it, as
# strings(1) | grep -c would, space-separated.
left() {
	printf '%s' "for f in \"\$CRM_DB\" \"\$CRM_DB-wal\" \"\$CRM_DB-shm\"; do
	    if [ -e \"\$f\" ]; then strings \"\$f\"; fi; done |
	    awk -v p='$1' 'BEGIN { k = split(p, t, \"|\") }
	    { for (i = 1; i <= k; i++) if (index(\$0, t[i])) n[i]++ }
	    END { for (i = 1; i <= k; i++) printf \"%s%d\", (i > 1 ? \" \" : \"\"), n[i]; print \"\" }'"
}

# Ids are given in order and never reused; a refused add takes none.
# 1 Secret Person, 2 Neighbour, 3 N-1, 4 N-2, 5 Kept Twin, 6 Dropped Twin,
# 7 Other Side, 8 Host, 9 Reader Blocked, 10 Next, 11 Subject Person.

# --- Every personal field of every kind, and the audit's copies --------
crm-add -q customer ref=SP-1 name='Secret Person' email=secret.person@example.org \
	phone='+1 212 555 0101' attr.work_email=sp.work@example.net \
	attr.mobile='+1 212 555 0199' country=US
crm-add -q contact customer=1 channel=phone note='Secret Person home phone 555-1234'
# A record deleted before the forget: the audit still has its note.
crm-add -q contact customer=1 channel=visit note='Secret Person at the shop'
crm-rm -q contact 2
crm-add -q ticket customer=1 kind=complaint subject='Secret Person wants a refund'
crm-add -q survey customer=1 kind=csat score=2 comment='Secret Person was unhappy'
crm-add -q purchase customer=1 amount=10 product=tea
# The name is in the customer row, the note, the subject, the comment, and
# the audit's copy of each of the four: at least 4 strings before.
check 'before the forget the files hold the person' \
	"$(left 'Secret Person') | awk '\$1 >= 4 { ok = 1 } END { exit !ok }'"
check_exit 'crm-rm --forget exits 0' 0 'crm-rm --forget 1'
# The issue's repro: strings STORE* | grep -c 'Secret Person' must be 0.
check_out 'no string of the store files holds the name' 0 "$(left 'Secret Person')"
# The phone's match key (crm-dedupe's) is 2125550101: no country code.
check_out 'nor the e-mail, the phone (or its key), the attributes' '0 0 0 0 0' \
	"$(left 'secret.person|555 0101|2125550101|sp.work|555 0199')"
check_out 'contact note, ticket subject, survey comment are erased' '||' \
	'sqlite3 "$CRM_DB" "SELECT (SELECT coalesce(note, \"\") FROM contact) || \"|\" ||
	 (SELECT coalesce(subject, \"\") FROM ticket) || \"|\" ||
	 (SELECT coalesce(comment, \"\") FROM survey)"'
# What is not personal stays: the history, its kinds and scores.
check_out 'the anonymous history stays' "$(printf 'phone\ncomplaint\n2\n10.00')" \
	'crm-ls contact -F channel && crm-ls ticket -F kind && crm-ls survey -F score && crm-ls purchase -F amount'
check_out 'the audit keeps no value of any kind, only the ids' 0 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM audit WHERE detail LIKE '%Secret%' OR detail LIKE '%example%' OR detail LIKE '%555%'\""
check_out 'the audit of the contacts (one deleted) keeps the rest of them' \
	"$(printf '%s\n' '{"customer":"1","channel":"phone"}' '{"customer":"1","channel":"visit"}')" \
	"sqlite3 \"\$CRM_DB\" \"SELECT detail FROM audit WHERE kind = 'contact' AND action = 'add' ORDER BY id\""
check_out 'crm-show shows none of it' 0 \
	'crm-show 1 >"$TMP/show" && [ -s "$TMP/show" ] && awk "/Secret|example/ { n++ } END { print n + 0 }" "$TMP/show"'
check_out 'the write-ahead log is empty or gone' 0 \
	'if [ -e "$CRM_DB-wal" ]; then wc -c <"$CRM_DB-wal"; else echo 0; fi'

# --- What is kept: when, which id, keyed hashes -----------------------
# ref, the e-mail, the phone, the attribute e-mail, the attribute phone.
check_out 'the forget is recorded with five keyed hashes' \
	"$(printf '1\t1\n5\t32\nemail\t2\nphone\t2\nref\t1')" \
	'sqlite3 -tabs "$CRM_DB" "SELECT count(*), max(customer) FROM forget;
	 SELECT count(*), max(length(hash)) FROM forgotten;
	 SELECT what, count(*) FROM forgotten GROUP BY what ORDER BY what"'
# 32 bytes, a letter a to p per half byte.
check_out 'the key is 32 random bytes, kept in the store' 64 \
	"sqlite3 \"\$CRM_DB\" \"SELECT length(value) FROM config WHERE key = 'crm.forget_key' AND value NOT GLOB '*[^a-p]*'\""
crm-init -q -d "$TMP/other.db"
check 'another store gets another key' \
	'[ "$(sqlite3 "$CRM_DB" "SELECT value FROM config WHERE key = '"'crm.forget_key'"'")" != "$(sqlite3 "$TMP/other.db" "SELECT value FROM config WHERE key = '"'crm.forget_key'"'")" ]'
check_out 'crm-config does not show the key' 0 \
	'crm-config >"$TMP/conf" && [ -s "$TMP/conf" ] && awk "/forget/ { n++ } END { print n + 0 }" "$TMP/conf"'
sqlite3 "$TMP/v1.db" <"$TESTS/data/store-v1.sql"
check_out 'a store migrated to schema 5 gets a key too' 1 \
	'crm-init -q -d "$TMP/v1.db" && sqlite3 "$TMP/v1.db" "SELECT count(*) FROM config WHERE key = '"'crm.forget_key'"'"'

# --- Not brought back unnoticed ---------------------------------------
sqlite3 "$CRM_DB" .dump >"$TMP/before"
check_exit 'crm-add with a forgotten e-mail is refused' 65 \
	'crm-add customer name=Again email=secret.person@example.org'
check_err 'naming the field' '^crm-add: email: belongs to a forgotten customer$'
# example.org ignores nothing: the match key is the address, any case.
check_exit 'in any case' 65 'crm-add customer name=Again email=Secret.Person@Example.ORG'
check_err 'as forgotten, not as a duplicate' '^crm-add: email: belongs to a forgotten customer$'
check_exit 'a forgotten phone, however written' 65 'crm-add customer name=Again phone="(212) 555-0101"'
check_exit 'a forgotten ref' 65 'crm-add customer name=Again ref=SP-1'
check_exit 'a forgotten e-mail in an attribute' 65 \
	'crm-add customer name=Again attr.private=secret.person@example.org'
check_err 'naming the attribute' 'attr.private: belongs to a forgotten customer$'
printf 'ref,name,email\nN-1,New One,new.one@example.org\nN-2,Returning,sp.work@example.net\n' >"$TMP/c.csv"
check_exit 'an import with -u is refused' 65 'crm-add -u -f "$TMP/c.csv" customer'
check_err 'at the line of the row' 'c\.csv:3: email: belongs to a forgotten customer$'
check_exit 'crm-set too' 65 'crm-set 1 attr.cell="+1 212 555 0199"'
check 'and nothing was written' 'sqlite3 "$CRM_DB" .dump | cmp -s - "$TMP/before"'
crm-add -q customer name=Neighbour phone='+1 212 555 0101' --allow-forgotten
check_exit 'an update keeping a value the customer holds passes' 0 \
	"crm-add -q -u customer id=2 phone='212 555 0101' city=Boston"
check_out '--allow-forgotten lets the person come back' '3 N-1 4 N-2' \
	'crm-add -q -u --allow-forgotten -f "$TMP/c.csv" customer && crm-ls -F id,ref -w "ref ~ \"N-*\"" | paste -sd" " - | tr "\t" " "'

# --- Merge snapshots, on both sides ------------------------------------
crm-add -q customer name='Kept Twin' email=twin.kept@example.com
crm-add -q customer name='Dropped Twin' phone='+44 20 7946 0123' attr.nick=dtwin
crm-add -q contact customer=6 channel=visit note='Dropped Twin visited'
crm-dedupe -q --merge 5 6
# A customer merged into another (merge 2) and taken out again.
crm-add -q customer name='Other Side' email=other.side@example.com
crm-add -q customer name='Host' email=host@example.com
crm-dedupe -q --merge 8 7
crm-dedupe -q --undo 2
# Before the forget, the export of 5 is of the person with both ids;
# contact 3 is the twin's (1 and 2 were Secret Person's).
check_out 'crm-export --subject holds the snapshots of both twins' \
	'5 keeprow,6 row' \
	"crm-export --subject 5 | jq -r '[.merges[] | select(.what | endswith(\"row\")) | \"\\(.customer) \\(.what)\"] | join(\",\")'"
check_out 'and the audit of the twin merged into it' \
	'customer 5 add,customer 6 add,contact 3 add,customer 5 merge' \
	"crm-export --subject 5 | jq -r '[.audit[] | \"\\(.kind) \\(.record) \\(.action)\"] | join(\",\")'"
crm-rm -q --forget 5 7
# The phone's match key is 2079460123: +44 and no trunk 0.
check_out 'no snapshot of either side is left in the files' '0 0 0 0 0 0 0' \
	"$(left 'Twin|twin.kept|7946 0|2079460123|dtwin|Other Side|other.side')"
check_out 'only what moved where is kept of the merge' move \
	"sqlite3 \"\$CRM_DB\" \"SELECT DISTINCT what FROM merge_row WHERE merge = 1\""
check_out 'the host of the undone merge keeps its own snapshot' \
	"$(printf 'keepattr\nkeeprow\nkeeptag')" \
	"sqlite3 \"\$CRM_DB\" \"SELECT what FROM merge_row WHERE merge = 2 AND what != 'move' ORDER BY what\""
check_exit 'the merge can no longer be undone' 65 'crm-dedupe --undo 1'
check_exit 'the dropped twin cannot come back by its phone' 65 \
	'crm-add customer name=X phone="020 7946 0123"'

# --- A reader open: forget exits 0, the next writer finishes ------------
cat >"$TMP/reader.py" <<'EOF'
# Hold a read transaction until told, then keep the connection open (so
# no command's close checkpoints the store) until told again.
import os, sqlite3, sys, time
db, d = sys.argv[1], sys.argv[2]
def wait(name):
    for _ in range(1000):
        if os.path.exists(os.path.join(d, name)):
            return
        time.sleep(0.01)
    sys.exit("reader: " + name + " never came")
c = sqlite3.connect(db, isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM customer").fetchall()
open(os.path.join(d, "ready"), "w").close()
wait("release")
c.execute("COMMIT")
open(os.path.join(d, "released"), "w").close()
wait("stop")
c.close()
EOF
crm-add -q customer name='Reader Blocked' email=reader.blocked@example.com
/usr/bin/python3 "$TMP/reader.py" "$CRM_DB" "$TMP" &
rpid=$!
i=0; while [ ! -e "$TMP/ready" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
check_exit 'with a reader open, forget still exits 0' 0 \
	'CRM_BUSY_TIMEOUT=200 crm-rm --forget 9'
check_err 'and says when the old bytes go' \
	'a reader is still open, so the old bytes leave the store.s files at the next checkpoint'
# Its snapshot is older than the forget: the old pages must stay for it.
check 'while the reader holds its snapshot, the old pages stay' \
	"$(left 'Reader Blocked') | awk '\$1 > 0 { ok = 1 } END { exit !ok }'"
touch "$TMP/release"
i=0; while [ ! -e "$TMP/released" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
crm-add -q customer name=Next
# The reader's connection is still open: only the writer's checkpoint can
# have taken the old pages out of the files.
check_out 'the next write completes the checkpoint: the bytes are gone' '0 0' \
	"$(left 'Reader Blocked|reader.blocked')"
check_out 'and clears the mark' 0 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM config WHERE key = 'crm.forget_checkpoint'\""
touch "$TMP/stop"
wait "$rpid"

# --- crm-export --subject: every audit entry of every kind --------------
crm-add -q customer name='Subject Person'
crm-add -q contact customer=11 channel=email note=hello
crm-add -q ticket customer=11 kind=question subject=where
crm-add -q survey customer=11 kind=nps score=9 comment=great
# Ticket 1 was Secret Person's; 2 is this one's.
crm-set -q ticket 2 status=closed
check_out 'crm-export --subject holds the audit of contacts, tickets, surveys' \
	"$(printf 'customer add\ncontact add\nticket add\nsurvey add\nticket set')" \
	"crm-export --subject 11 | jq -r '.audit[] | .kind + \" \" + .action'"
# --- A snapshot holding a forgotten value is the same person -----------
# 12 Anna A keeps 13 Bob B (merge 3); 14 Bob Again has Bob B's e-mail and
# phone.  Forgetting 14 erases Bob B's snapshot in merge 3 (and the audit's
# copy of Bob B), and merge 3 can no longer be undone.
crm-add -q customer name='Anna A' email=anna.a@example.com
crm-add -q customer name='Bob B' email=bob.b@example.com phone='+1 555 111 2222'
crm-dedupe -q --merge 12 13
crm-add -q customer name='Bob Again' email=bob.b@example.com phone='+1 555 111 2222'
crm-rm -q --forget 14
# Bob B's name and e-mail were in the snapshot (merge_row) and the audit.
check_out 'a merge snapshot holding the forgotten e-mail is erased' '0 0' \
	"$(left 'Bob B|bob.b@')"
check_out 'with the audit copy of the customer it was' 0 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM audit WHERE detail LIKE '%bob.b@%' OR detail LIKE '%Bob B%'\""
check_out 'the kept side keeps its snapshot, of Anna' 'keepattr keeprow keeptag' \
	"sqlite3 \"\$CRM_DB\" \"SELECT what FROM merge_row WHERE merge = 3 AND what != 'move' ORDER BY what\" | paste -sd' ' -"
check_exit 'the merge can no longer be undone' 65 'crm-dedupe --undo 3'
check_err 'as for the other snapshots' \
	'^crm-dedupe: merge 3 cannot be undone: the personal data it kept was erased \(--forget\)$'
check_out 'and Bob B did not come back' '12 Anna A' \
	"crm-ls -F id,name -w 'id >= 12 and id <= 13' | tr '\t' ' '"
# 15 comes back with Secret Person's e-mail (customer 1, forgotten) by
# --allow-forgotten, and is merged into 16 (merge 4): an undo would bring
# back a forgotten value without it.
crm-add -q --allow-forgotten customer name=Returns email=secret.person@example.org
crm-add -q customer name='Host Two'
crm-dedupe -q --merge 16 15
sqlite3 "$CRM_DB" .dump >"$TMP/before"
check_exit 'crm-dedupe --undo of a snapshot with a forgotten e-mail is refused' 65 \
	'crm-dedupe --undo 4'
check_err 'naming the merge and the field' \
	'^crm-dedupe: merge 4: email: belongs to a forgotten customer$'
check 'and nothing was written' 'sqlite3 "$CRM_DB" .dump | cmp -s - "$TMP/before"'
check_out 'crm-dedupe --allow-forgotten --undo brings it back' \
	'15 secret.person@example.org' \
	"crm-dedupe -q --allow-forgotten --undo 4 && sqlite3 -separator ' ' \"\$CRM_DB\" 'SELECT id, email FROM customer WHERE id = 15'"
# --- Forgets made by crm before schema 5 are finished by the migration ---
# The old crm-rm --forget erased customer 3's row, its attributes and
# audit entries (to 'personal data erased') and its own merge snapshots,
# and wrote an audit entry (customer 3 forget, no detail).  It left the
# contact's note, the ticket's subject, their audit copies, and the
# snapshot of customer 4 merged into it.  The v4 fixture's repeated order
# lines go (they stop the migration, see writes.t).
cat >"$TMP/oldforget.sql" <<'EOF'
DELETE FROM purchase WHERE id IN (3, 5, 8);
INSERT INTO customer (id, ref, name, created) VALUES (3, NULL, 'forgotten 3', 1790000000);
INSERT INTO contact (id, customer, ts, channel, note) VALUES (1, 3, 1790000100, 'phone', 'Olga Old called about her order');
INSERT INTO ticket (id, customer, opened, kind, subject) VALUES (1, 3, 1790000200, 'complaint', 'Olga Old wants a refund');
INSERT INTO merge (id, ts, user, keep) VALUES (1, 1790000300, 'fixture', 3);
INSERT INTO merge_row VALUES (1, 'row', 4, '{"id":4,"ref":null,"name":"Olga Twin","email":"olga.twin@example.com","phone":null,"created":1790000050}');
INSERT INTO merge_row VALUES (1, 'attr', 4, '[["mobile","+1 415 555 0177"]]');
INSERT INTO merge_row VALUES (1, 'tag', 4, '[]');
INSERT INTO merge_row VALUES (1, 'move', 4, '{"table":"contact","ids":[]}');
INSERT INTO audit (ts, user, command, kind, record, action, detail) VALUES
 (1790000000, 'fixture', 'crm-add', 'customer', 3, 'add', 'personal data erased'),
 (1790000050, 'fixture', 'crm-add', 'customer', 4, 'add', '{"name":"Olga Twin","email":"olga.twin@example.com","attr.mobile":"+1 415 555 0177"}'),
 (1790000100, 'fixture', 'crm-add', 'contact', 1, 'add', '{"customer":"3","channel":"phone","note":"Olga Old called about her order"}'),
 (1790000200, 'fixture', 'crm-add', 'ticket', 1, 'add', '{"customer":"3","kind":"complaint","subject":"Olga Old wants a refund"}'),
 (1790000300, 'fixture', 'crm-dedupe', 'customer', 3, 'merge', 'merge 1: kept 3, dropped 4'),
 (1790000400, 'fixture', 'crm-rm', 'customer', 3, 'forget', NULL);
EOF
sqlite3 "$TMP/v4.db" <"$TESTS/data/store-v4.sql"
sqlite3 "$TMP/v4.db" <"$TMP/oldforget.sql"
check 'the v4 store holds the person the old forget left' \
	"CRM_DB=\$TMP/v4.db; $(left 'Olga|olga.') | awk '\$1 >= 4 && \$2 >= 2 { ok = 1 } END { exit !ok }'"
check_exit 'a reader migrates it' 0 'crm-show -d "$TMP/v4.db" 3 >"$TMP/show"'
check_out 'crm-show shows nothing of the person' 0 \
	'[ -s "$TMP/show" ] && awk "/Olga|olga|0177/ { n++ } END { print n + 0 }" "$TMP/show"'
# Olga, the twin's e-mail, the twin's mobile (its key is 4155550177).
check_out 'no string of the store files holds the person' '0 0 0' \
	"CRM_DB=\$TMP/v4.db; $(left 'Olga|olga.|0177')"
# One forget, as of the old one (1790000400), for customer 3; the twin's
# e-mail and mobile, from its snapshot, are what was still known.
check_out 'the forget is recorded, with the hashes of what was still known' \
	"$(printf '1790000400\t3\nemail\t1\nphone\t1')" \
	'sqlite3 -tabs "$TMP/v4.db" "SELECT ts, customer FROM forget;
	 SELECT what, count(*) FROM forgotten GROUP BY what ORDER BY what"'
check_exit 'the twin cannot come back by its e-mail' 65 \
	'crm-add -d "$TMP/v4.db" customer name=X email=olga.twin@example.com'
# A backup of that store from before schema 5 (as old.db, with its store
# id) gets another key when restored, and hashes of its own for that old
# forget, which the store it replaces has too: its key and hashes are
# taken, and the forget made since (customer 1) is re-applied.
sqlite3 "$TMP/r.db" <"$TESTS/data/store-v4.sql"
sqlite3 "$TMP/r.db" <"$TMP/oldforget.sql"
sqlite3 "$TMP/r.db" "INSERT INTO config VALUES ('store.id', 'abcdefabcdefabcdefabcdefabcdef12')"
cp "$TMP/r.db" "$TMP/old.db"
crm-show -d "$TMP/r.db" 3 >/dev/null
crm-rm -q -d "$TMP/r.db" --forget 1
check_exit 'crm-backup --restore of a backup from before schema 5 exits 0' 0 \
	'crm-backup -d "$TMP/r.db" --restore "$TMP/old.db"'
check_err 're-applying the forget made since' 're-applied 1 forget made after the backup$'
check_out 'customer 1 is forgotten again, and the old forget kept' \
	"$(printf '1790000400\t3\t2\nforgotten 1')" \
	'sqlite3 -tabs "$TMP/r.db" "SELECT f.ts, f.customer, count(h.hash) FROM forget AS f JOIN forgotten AS h ON h.forget = f.id WHERE f.customer = 3;
	 SELECT name FROM customer WHERE id = 1"'
check_exit 'the twin is refused under the one key' 65 \
	'crm-add -d "$TMP/r.db" customer name=X email=olga.twin@example.com'

# --- crm-tag on many customers: an audit entry for each ------------------
# The issue: crm-export --subject ID holds every audit entry about the
# person; crm-tag gold 11 2 12 wrote one entry naming no customer.
check_out 'crm-export --subject finds a tag given to many customers' \
	'tag 11 tag gold: tagged' \
	"crm-tag gold 11 2 12 && crm-export --subject 11 | jq -r '.audit[] | select(.kind == \"tag\") | \"\\(.kind) \\(.record) \\(.action) \\(.detail)\"'"
# --- mailto: and tel: do not hide a forgotten value ----------------------
sqlite3 "$CRM_DB" .dump >"$TMP/before"
# A colon is not in an address (RFC 5322's atext; quoted local parts are
# refused already): mailto:ADDRESS is a URI, refused as an e-mail.
check_exit 'email=mailto:ADDRESS is not an e-mail address' 65 \
	'crm-add customer name=X email=mailto:someone.new@example.com'
check_err 'saying so' \
	'^crm-add: email: "mailto:someone.new@example.com" is not an e-mail address \(give it without mailto:\)$'
# Secret Person's e-mail (customer 1, forgotten) in a vCard, as a URI.
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Gina\r\nEMAIL:mailto:secret.person@example.org\r\nEND:VCARD\r\n' >"$TMP/gina.vcf"
check_exit 'a vCard EMAIL:mailto: of a forgotten address is refused' 65 \
	'crm-add -f "$TMP/gina.vcf" customer'
check_err 'as forgotten' 'gina\.vcf:1: email: belongs to a forgotten customer$'
# Its attribute mobile +1 212 555 0199, as a tel: URI in a phone-named one.
check_exit 'an attribute mailto: of a forgotten address is refused' 65 \
	'crm-add customer name=X attr.web=mailto:secret.person@example.org'
check_exit 'an attribute tel: of a forgotten phone is refused' 65 \
	'crm-add customer name=X attr.cell=tel:+1-212-555-0199'
check 'and nothing was written' 'sqlite3 "$CRM_DB" .dump | cmp -s - "$TMP/before"'
# --- A customer still here whose snapshot holds a forgotten value --------
# 17 Carl keeps 18 Dan (merge 5: Carl's snapshot holds his phone); 19 Eve
# shares the phone and is forgotten.  Carl's snapshot goes (merge 5 can no
# longer be undone); Carl's own row and e-mail stay his: not hashed.
crm-add -q customer name=Carl email=carl@example.com phone='+1 555 333 4444'
crm-add -q customer name=Dan
crm-dedupe -q --merge 17 18
crm-add -q customer name=Eve email=eve@example.com phone='+1 555 333 4444'
crm-rm -q --forget 19
check_out 'the snapshot of the kept customer holding the phone is erased' \
	'attr row tag' \
	"sqlite3 \"\$CRM_DB\" \"SELECT what FROM merge_row WHERE merge = 5 AND what != 'move' ORDER BY what\" | paste -sd' ' -"
check_out 'the customer keeps its row' "$(printf 'carl@example.com\t+1 555 333 4444')" \
	"crm-ls -F email,phone -w 'id = 17'"
# Eve's e-mail and phone: 2; Carl's e-mail would make 3.
check_out "only the forgotten person's values are hashed" 2 \
	"sqlite3 \"\$CRM_DB\" \"SELECT count(*) FROM forgotten AS h JOIN forget AS f ON f.id = h.forget WHERE f.customer = 19\""
check_exit 'and merge 5 can no longer be undone' 65 'crm-dedupe --undo 5'
done_testing
