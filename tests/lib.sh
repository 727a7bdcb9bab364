# TAP helpers for the crm tests.  Each test file sources this, gets a fresh
# store in CRM_DB and the freshly built commands first on PATH.
set -u
: "${CRM_BUILD:=$(cd "${0%/*}/.." && pwd)/build}"
TESTS=$(cd "${0%/*}" && pwd)
PATH="$CRM_BUILD/bin:$PATH"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crm-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export TMP TESTS PATH CRM_DB="$TMP/crm.db" CRM_USER=tester LC_ALL=C.UTF-8 TZ=UTC
unset XDG_DATA_HOME CRM_BUSY_TIMEOUT
_n=0 _fail=0

plan() { echo "1..$1"; }

_result() {  # _result OK DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"
	else _fail=$((_fail + 1)); echo "not ok $_n - $2"; fi
}

# check DESCRIPTION SHELL-CODE: passes when the code exits 0
check() {
	sh -c "$2" >"$TMP/out" 2>"$TMP/err" </dev/null
	_r=$?
	_result $_r "$1"
	[ $_r -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head -n 5
}

# check_out DESCRIPTION WANT SHELL-CODE: passes when stdout equals WANT
check_out() {
	_got=$(sh -c "$3" 2>"$TMP/err" </dev/null)
	if [ "$_got" = "$2" ]; then _result 0 "$1"; else
		_result 1 "$1"
		printf '#   got:  %s\n#   want: %s\n' "$_got" "$2"
		sed 's/^/#   /' "$TMP/err" | head -n 5
	fi
}

# check_exit DESCRIPTION STATUS SHELL-CODE: passes on that exit status
check_exit() {
	sh -c "$3" >"$TMP/out" 2>"$TMP/err" </dev/null
	_r=$?
	if [ $_r -eq "$2" ]; then _result 0 "$1"; else
		_result 1 "$1"
		echo "#   exit $_r, want $2"
		sed 's/^/#   /' "$TMP/err" | head -n 5
	fi
}

# check_err DESCRIPTION REGEX: the last command's stderr matches REGEX
check_err() {
	if grep -Eq -- "$2" "$TMP/err"; then _result 0 "$1"; else
		_result 1 "$1"; sed 's/^/#   stderr: /' "$TMP/err" | head -n 5; fi
}

# dump: the store's content as SQL, for before/after comparisons
dump() { sqlite3 "$CRM_DB" .dump 2>/dev/null; }

done_testing() { [ "$_fail" -eq 0 ]; exit $?; }

# is DESCRIPTION GOT WANT: passes when the two strings are equal
is() {
	if [ "$2" = "$3" ]; then _result 0 "$1"; else
		_result 1 "$1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
}
