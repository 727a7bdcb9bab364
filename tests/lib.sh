# TAP helpers for the crm tests.  Each test file sources this, gets a fresh
# store in CRM_DB and the freshly built commands first on PATH.
#
# The rules, so that a test can fail:
# - Tests run under bash with pipefail: a pipeline fails when any of its
#   stages fails (a file started by /bin/sh is run again by bash here).
#   A command killed by SIGPIPE fails its pipeline too, so do not cut a long
#   output short with head(1) or grep -q; take it into a file first, or use
#   sed -n / awk, which read to the end.
# - A setup command outside the helpers that fails stops the file with a
#   failing test line (an ERR trap); where failing is part of the plan,
#   take the status: `rc=0; cmd || rc=$?`.
# - The SHELL-CODE of check, check_out and check_exit runs in a subshell of
#   the test file (so its functions and variables are there), with standard
#   input empty and $1... unset.  Its stdout goes to $TMP/out, its stderr to
#   $TMP/err, where check_err looks.
# - check and check_out fail when the code exits non-zero or is killed by a
#   signal.  A command expected to fail is tested with check_exit STATUS,
#   then check_err for its message (and check_stdout for what it printed:
#   a new check would empty $TMP/out first); never `cmd; echo $?` or
#   `|| true`.
# - check_out compares stdout byte for byte: it must be WANT followed by one
#   newline, or nothing at all when WANT is empty.  So write WANT as $(...)
#   would give it: 1, "$(printf 'a\tb\nc')", ''.  Output with no newline at
#   its end (tr '\n' ' ') never equals a non-empty WANT: end it with `; echo`
#   or join lines with `paste -sd ' '`.  A single empty line cannot be a
#   WANT: print a second field beside the empty one (-F ref,email).
# - Values a test compares against are computed independently (by hand, in
#   a comment, or by an independent implementation), not taken from the
#   command under test; a $(...) that feeds one must not fail silently: use
#   `must CMD...`, which stops the file when CMD fails or prints nothing.
# - set -u holds in the SHELL-CODE too: an unset variable is an error.
# `make stubcheck` keeps these rules honest: with any command replaced by
# one that crashes or by one that prints nothing, its test files must fail.
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -u -o pipefail
: "${CRM_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
TESTS=$(cd "${0%/*}" && pwd)
PATH="$CRM_BUILD/bin:$PATH"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crm-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap '_bail "line $LINENO: a setup command failed (exit $?)"' ERR
export TMP TESTS PATH CRM_DB="$TMP/crm.db" CRM_USER=tester LC_ALL=C.UTF-8 TZ=UTC
unset XDG_DATA_HOME CRM_BUSY_TIMEOUT
_n=0 _fail=0
exec 3>&1    # the TAP stream, for must(), which runs inside $(...)

plan() { echo "1..$1"; }

_bail() {  # _bail WHY: a failing test, and stop the file (from $(...) too)
	echo "not ok $((_n + 1)) - ${0##*/} stops: $1" >&3
	[ "$BASHPID" = "$$" ] || kill -USR1 $$
	exit 1
}
trap 'exit 1' USR1

_result() {  # _result OK DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"
	else _fail=$((_fail + 1)); echo "not ok $_n - $2"; fi
	return 0
}

_run() {  # _run SHELL-CODE: sets _r to its exit status (128 + N for signal N)
	_code=$1
	# CRM_CHECK: the number of the test running, for scripts/stubcheck
	( set --; export CRM_CHECK=$((_n + 1)); eval "$_code" ) \
	    >"$TMP/out" 2>"$TMP/err" </dev/null
	_r=$?
	return 0
}

_diag() {  # _diag: the status and the start of stderr, as TAP comments
	[ "$_r" -eq 0 ] || if [ "$_r" -gt 128 ]; then
		echo "#   killed by signal $((_r - 128))"
	else echo "#   exit $_r"; fi
	sed 's/^/#   stderr: /' "$TMP/err" | sed -n 1,5p
	return 0
}

# check DESCRIPTION SHELL-CODE: passes when the code exits 0
check() {
	_run "$2"
	_result $_r "$1"
	[ $_r -eq 0 ] || _diag
	return 0
}

# check_out DESCRIPTION WANT SHELL-CODE: passes when the code exits 0 and
# prints exactly WANT and a newline (nothing at all when WANT is empty)
check_out() {
	_run "$3"
	_same "$1" "$2"
}

# _same DESCRIPTION WANT: the result of comparing $TMP/out with WANT
_same() {
	if [ -n "$2" ]; then printf '%s\n' "$2"; fi >"$TMP/want"
	if [ $_r -eq 0 ] && cmp -s "$TMP/want" "$TMP/out"; then
		_result 0 "$1"
	else
		_result 1 "$1"
		diff -u "$TMP/want" "$TMP/out" | sed '1,2d; s/^/#   /' | sed -n 1,20p
		_diag
	fi
	return 0
}

# check_exit DESCRIPTION STATUS SHELL-CODE: passes on that exit status
check_exit() {
	_run "$3"
	if [ $_r -eq "$2" ]; then _result 0 "$1"; else
		_result 1 "$1"
		echo "#   want exit $2"
		[ $_r -ne 0 ] || echo "#   exit 0"
		_diag
	fi
	return 0
}

# check_err DESCRIPTION REGEX: the last command's stderr matches REGEX
check_err() {
	if grep -Eq -- "$2" "$TMP/err"; then _result 0 "$1"; else
		_result 1 "$1"; sed 's/^/#   stderr: /' "$TMP/err" | sed -n 1,5p; fi
	return 0
}

# check_stdout DESCRIPTION WANT: the last command's stdout (after check_exit,
# say) is WANT, as check_out compares it
check_stdout() {
	_r=0
	_same "$1" "$2"
}

# is DESCRIPTION GOT WANT: passes when the two strings are equal.  For
# values only: $(...) hides a failing command, so a command's output is
# tested with check_out.
is() {
	if [ "$2" = "$3" ]; then _result 0 "$1"; else
		_result 1 "$1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
	return 0
}

# must CMD...: run CMD and pass its stdout on; stop the file with a failing
# test when it fails or prints nothing.  For values computed in $(...).
must() {
	"$@" >"$TMP/must" || _bail "$*: exit $?"
	[ -s "$TMP/must" ] || _bail "$*: printed nothing"
	cat "$TMP/must"
}

# damage_stats [DB]: make every stored statistic of every customer wrong
# (what --rebuild-stats must repair), giving a row to those without one;
# newest goes to 0, so that --asof wrongly trusts the stored values too
damage_stats() {
	sqlite3 "${1:-$CRM_DB}" "INSERT OR IGNORE INTO stats (customer,
	    purchases, orders, days, revenue, open_tickets, points)
	    SELECT id, 0, 0, 0, 0, 0, 0 FROM customer;
	    UPDATE stats SET first_purchase = 86400,
	    last_purchase = 86400, purchases = purchases + 3, orders = orders + 2,
	    days = days + 1, revenue = revenue + 100000, last_contact = 86400,
	    last_online = 86400, last_visit = 86400, last_inbound = 86400,
	    open_tickets = open_tickets + 1, csat = 3, nps = 11,
	    expectation = 11, satisfaction = 11, points = points + 1000,
	    newest = 0" || _bail "damage_stats: sqlite3 failed"
}

# cdnow_load: the CDNOW sample's 2,357 customers ($TMP/c.csv: ref CDn,
# name) and their purchases ($TMP/p.csv: customer_ref, ts, amount, qty),
# from tests/data/cdnow/CDNOW_sample.txt (its README), added to $CRM_DB
cdnow_load() {
	awk 'NF == 5 { s = $2 + 0; if (!seen[s]++) print "CD" s ",CDNOW " s }' \
		"$TESTS/data/cdnow/CDNOW_sample.txt" | sed '1i ref,name' >"$TMP/c.csv"
	tr -d '\r' <"$TESTS/data/cdnow/CDNOW_sample.txt" | awk 'NF == 5 {
		printf "CD%d,%s-%s-%s,%s,%d\n", $2 + 0, substr($3, 1, 4),
		    substr($3, 5, 2), substr($3, 7, 2), $5, $4 }' |
		sed '1i customer_ref,ts,amount,qty' >"$TMP/p.csv"
	crm-add -q -f "$TMP/c.csv" customer || _bail "cdnow_load: customers"
	crm-add -q -f "$TMP/p.csv" purchase || _bail "cdnow_load: purchases"
}

# rel DESC GOT WANT TOL: GOT is within TOL of WANT, relative (NaN is not)
rel() {
	if /usr/bin/python3 -c 'import sys; g, w, t = map(float, sys.argv[1:]); sys.exit(not abs(g - w) <= t * abs(w))' "$2" "$3" "$4" 2>/dev/null
	then _result 0 "$1"; else _result 1 "$1"; echo "#   got $2, want $3 within $4 relative"; fi
}

# val TEXT KEY: the second tab-separated field of TEXT's line for KEY
val() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }

# dump: the store's content as SQL, for before/after comparisons
dump() { must sqlite3 "$CRM_DB" .dump; }

done_testing() {
	if [ "$_n" -eq 0 ]; then _bail "no test ran"; fi
	[ "$_fail" -eq 0 ]
	exit $?
}
