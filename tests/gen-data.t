#!/bin/sh
# scripts/gen-data's history ends on --end: its files import whole for any
# --end up to tomorrow (crm-add refuses event times after the end of
# tomorrow, UTC), and a later --end is refused at once.
. "${0%/*}/lib.sh"
plan 14
G="${TESTS%/*}/scripts/gen-data"
today=$(date -u +%F)
tomorrow=$(date -u -d tomorrow +%F)
crm-init -q

# rows FILE: the CSV file's records, counted by Python's csv module (a
# note may hold a newline), not by crm.
rows() {
	/usr/bin/python3 -c 'import csv, sys
print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$1"
}

for end in "$today" "$tomorrow"; do
	mkdir "$TMP/$end"
	"$G" -c 300 --seed 3 --end "$end" -o "$TMP/$end"
	rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
	crm-init -q
	for k in customer purchase contact ticket survey; do
		want=$(rows "$TMP/$end/${k}s.csv")
		check_out "--end $end: every $k imports ($want rows)" "$want" \
			"crm-add -q -f '$TMP/$end/${k}s.csv' $k &&
			crm-ls -F id $k | wc -l"
	done
done
# Every time in the files falls on or before the --end day (ISO 8601
# times compare as strings; dates like a birthday or expected_close are
# not events and are left out).
check_out 'no event time after the --end day' 0 \
	"cd '$TMP/$today' && /usr/bin/python3 -c 'import csv, sys
ev = {\"ts\", \"opened\", \"first_response\", \"resolved\"}
n = 0
for f in sys.argv[2:]:
    for r in csv.DictReader(open(f, newline=\"\")):
        n += sum(1 for k, v in r.items() if k in ev and v[:10] > sys.argv[1])
print(n)' '$today' purchases.csv contacts.csv tickets.csv surveys.csv"
# Tickets are the kind with times after the day they are opened; here
# are enough of them for the test to mean something.
check 'the files hold tickets answered and resolved' \
	"awk -F, 'NR > 1 && \$6 != \"\" && \$7 != \"\" { n++ } END { exit n < 5 }' '$TMP/$today/tickets.csv'"
check_exit 'an --end after tomorrow is refused' 2 \
	"'$G' -c 10 --end \$(date -u -d '2 days' +%F) -k purchase"
check_err 'saying why' '--end: .* is after tomorrow'
done_testing
