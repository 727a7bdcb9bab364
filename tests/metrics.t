#!/bin/sh
# Each metric is defined once (libcrm/metric.c): grep finds its SQL there
# and nowhere else in libcrm/ or cmd/.  tests/unit.c recomputes each one
# both ways (kept write by write, and as of a day from the history).
. "${0%/*}/lib.sh"
TOP=${TESTS%/*}
cd "$TOP"

# metric~the ERE its SQL matches wherever it is spelt~other files that
# hold the same text for something else (why, in the comment above it)
cat >"$TMP/table" <<'TABLE'
recency~\?1 / 86400 - [({]*[a-z_.]*(last_purchase|max\(([a-z]+\.)?ts\))~
frequency~count\(DISTINCT ([a-z]+\.)?ts / 86400\)~
# sum(amount) also makes crm-report's revenue by month (the forecast) and
# store.c's schema 6 migration, which fills first_day_revenue once.
monetary~sum\(([a-z]+\.)?amount\)~cmd/crm-report.c libcrm/store.c
orders~order_ref IS NULL~
aov~\* 2 >= ~
tenure~\?1 / 86400 - [({]*[a-z_.]*(first_purchase|min\(([a-z]+\.)?ts\))~
# As SQL, or as metric.c's table has it (an aggregate of a kind's rows).
# crm-report's cohorts start at the first purchase of all customers.
first_purchase~min\(([a-z]+\.)?ts\)[^"]*FROM purchase|PURCHASE, 1, "min\(ts\)"~cmd/crm-report.c
last_purchase~max\(([a-z]+\.)?ts\)[^"]*FROM purchase|PURCHASE, 1, "max\(ts\)"~
last_contact~max\(([a-z]+\.)?ts\)[^"]*FROM contact|CONTACT, 1, "max\(ts\)"~
last_online~'phone', 'email', 'chat', 'social'~
last_visit~channel = 'visit'~
last_inbound~direction = 'in'~
open_tickets~status = 'open'~
open_complaints~kind = 'complaint'~
# crm-churn's signal (the latest score below the one before) reads them
# through crm_metric_scores, metric.c's.
csat~ORDER BY ([a-z]+\.)?ts DESC, ([a-z]+\.)?id DESC~
nps~ORDER BY ([a-z]+\.)?ts DESC, ([a-z]+\.)?id DESC~
expectation~ORDER BY ([a-z]+\.)?ts DESC, ([a-z]+\.)?id DESC~
satisfaction~ORDER BY ([a-z]+\.)?ts DESC, ([a-z]+\.)?id DESC~
# kind.c's guard sums the ledger at every time: a balance never below 0.
points~sum\(([a-z]+\.)?delta\)~libcrm/kind.c
p_alive~crm_palive\(f\.model~
TABLE
grep -v '^#' "$TMP/table" >"$TMP/rows"
plan $(($(wc -l <"$TMP/rows") + 3))

# join DIR TO: DIR's libcrm and cmd sources copied to TO, each string
# literal continued on the next line joined to it (as C joins them)
join() {
	(cd "$1" && for f in libcrm/*.[ch] cmd/*.c; do
		mkdir -p "$2/${f%/*}"
		perl -0pe 's/"[ \t]*\n[ \t]*"//g' "$f" >"$2/$f"
	done)
}
# spelt DIR ERE: the files of a joined DIR whose text matches ERE
spelt() { (cd "$1" && grep -rlE -- "$2" libcrm cmd) | sort | paste -sd ' '; }
join "$TOP" "$TMP/top"

# The table names every metric kind.c declares, and no other.
want=$(sed -n 's/.*METRIC("\([a-z_]*\)".*/\1/p' libcrm/kind.c | sort |
	paste -sd ' ')
check_out 'the table names every metric of kind.c' "$want" \
	"cut -d'~' -f1 '$TMP/rows' | sort | paste -sd ' '"
while IFS='~' read -r name re also; do
	want=$(printf '%s\n' libcrm/metric.c $also | sort | paste -sd ' ')
	pat=$re
	check_out "$name: its SQL is spelt in libcrm/metric.c only" "$want" \
		'spelt "$TMP/top" "$pat"'
done <"$TMP/rows"
check_out 'ONLINE and LATEST are defined once, in metric.c' \
	"$(printf 'libcrm/metric.c:#define LATEST\nlibcrm/metric.c:#define ONLINE')" \
	"grep -rE '^#define (ONLINE|LATEST)\b' libcrm cmd | cut -d'(' -f1 |
	sed 's/\t.*//' | sort"
# The check can fail: a second spelling of frequency, split over two
# lines as C strings are, is found.
mkdir "$TMP/tree"
cp -R libcrm cmd "$TMP/tree/"
printf 'static const char x[] = "count(DISTINCT "\n    "ts / 86400)";\n' \
    >>"$TMP/tree/cmd/crm-ls.c"
join "$TMP/tree" "$TMP/tree-joined"
check_out 'a second spelling is found' 'cmd/crm-ls.c libcrm/metric.c' \
	'spelt "$TMP/tree-joined" "count\\(DISTINCT ([a-z]+\\.)?ts / 86400\\)"'
