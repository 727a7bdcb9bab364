#!/bin/sh
# Fitting holds no lock: crm-churn and crm-clv read in a read transaction,
# fit outside any and take the write lock only to store the fit, so other
# writers go on while a fit runs.
. "${0%/*}/lib.sh"
plan 15

# The whole CDNOW history: 23,570 customers, 69,659 purchases.
"$TESTS/../scripts/cdnow-purchases" >"$TMP/p.csv"
awk -F, 'NR > 1 && !seen[$1]++ { print $1 ",CDNOW " $1 }' "$TMP/p.csv" |
	sed '1i ref,name' >"$TMP/c.csv"
crm-add -q -f "$TMP/c.csv" customer
crm-add -q -f "$TMP/p.csv" purchase
A='--unit day --asof 1998-06-30'

# stopped PID: wait until PID stops itself in its fit (CRM_FIT_STOP, see
# crm_model_fit: the process stops before the fit's first iteration);
# fails when PID ended before.
stopped() {
	while :; do
		t=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || t=
		case $t in ''|Z) return 1;; T) return 0;; esac
		sleep 0.01
	done
}

# during COMMAND...: run COMMAND in the background (its output in
# $TMP/fit), let it stop in its fit and run the writes of $TMP/writes
# there with a 200 ms busy timeout; "WRITES-STATUS FIT-STATUS" on stdout,
# the writes' status "ended" when the command ended before it stopped.
during() {
	CRM_FIT_STOP=1 CRM_BUSY_TIMEOUT=60000 "$@" >"$TMP/fit" \
	    2>"$TMP/fit.err" &
	_p=$!
	_w=0 _f=0
	if stopped $_p; then
		CRM_BUSY_TIMEOUT=200 sh "$TMP/writes" >/dev/null \
		    2>"$TMP/w.err" || _w=$?
		kill -CONT $_p
	else
		_w=ended
	fi
	wait $_p || _f=$?
	echo "$_w $_f"
}

# MBG/NBD by day on CDNOW.
cat >"$TMP/writes" <<'EOF'
crm-add customer ref=NEW name=Newcomer &&
crm-add purchase customer_ref=NEW ts=1998-06-01 amount=20.00
EOF
got=$(during crm-churn -m mbgnbd --fit $A)
# Old code: crm-add waited 200 ms for the lock crm-churn held, then 75.
is 'a writer succeeds while crm-churn --fit fits' "$got" '0 0'
sed 's/^/#   /' "$TMP/w.err" "$TMP/fit.err"
check_out 'the writes are stored' 'NEW	Newcomer' \
	'crm-ls -F ref,name -w "ref = NEW"'
# The fit read the store before the newcomer bought: 23,570 buyers (the
# CDNOW customers, all with a purchase by 1998-06-30), not 23,571; --asof
# is the end of its day.
check_out 'the fit says what it was computed from' '23570' \
	"awk '\$1 == \"n\" { print \$2 }' \"$TMP/fit\""
check_out 'the fit is stored with that n and --asof' \
	"mbgnbd|day|23570|$(date -u -d '1998-06-30 23:59:59' +%s)" \
	'sqlite3 "$CRM_DB" "SELECT model, unit, n, asof FROM fit"'
check_out 'the newcomer is the 23,571st buyer' '23571' \
	'sqlite3 "$CRM_DB" "SELECT count(DISTINCT customer) FROM purchase"'

# A plain crm-churn with no stored fit of its model fits one first (BG/NBD
# by day), keeps it and warns.
cat >"$TMP/writes" <<'EOF'
crm-add contact customer_ref=NEW channel=phone ts=1998-06-02
EOF
got=$(during crm-churn -m bgnbd $A)
is 'a writer succeeds while a plain crm-churn fits' "$got" '0 0'
sed 's/^/#   /' "$TMP/w.err" "$TMP/fit.err"
check_out 'the fit it made is kept' 'bgnbd|23571' \
	'sqlite3 "$CRM_DB" "SELECT model, n FROM fit WHERE id = 2"'
# It scored with the fit it kept: a second run, which scores with the
# stored fit, warns the same customers the same way.
check 'it warned by the fit it kept' \
	"[ -s \"\$TMP/fit\" ] && crm-churn -m bgnbd $A | cmp - \"\$TMP/fit\""

# --new fits as a plain crm-churn does, then takes the write lock only to
# remember whom it warned.
sqlite3 "$CRM_DB" "DELETE FROM fit WHERE model = 'bgnbd'"
cat >"$TMP/writes" <<'EOF'
crm-tag during-new 1
EOF
got=$(during crm-churn -m bgnbd --new $A)
is 'a writer succeeds while crm-churn --new fits' "$got" '0 0'
sed 's/^/#   /' "$TMP/w.err" "$TMP/fit.err"
# Nobody was remembered before: everyone it warned is news and is kept.
check_out 'it remembers everyone it warned' "$(wc -l <"$TMP/fit")" \
	'sqlite3 "$CRM_DB" "SELECT count(*) FROM churn_seen WHERE model = \"bgnbd\""'

# Gamma-Gamma on the repeat buyers: a CDNOW
# customer with a second purchase day and money spent after the first
# day (11,515), counted here from the file; the newcomer bought once.
R=$(awk -F, 'NR > 1 { d = substr($2, 1, 10)
	if (!($1 in first) || d < first[$1]) first[$1] = d
	if (!seen[$1, d]++) days[$1]++
	spent[$1, d] += $4 }
END {	for (k in spent) { split(k, a, SUBSEP)
		if (a[2] != first[a[1]]) rep[a[1]] += spent[k] }
	for (c in days) if (days[c] > 1 && rep[c] > 0) n++
	print n }' "$TMP/p.csv")
cat >"$TMP/writes" <<'EOF'
crm-tag during 1
EOF
got=$(during crm-clv --fit $A)
is 'a writer succeeds while crm-clv --fit fits' "$got" '0 0'
sed 's/^/#   /' "$TMP/w.err" "$TMP/fit.err"
check_out 'the Gamma-Gamma fit is stored' "gg|$R" \
	'sqlite3 "$CRM_DB" "SELECT model, n FROM fit WHERE model = \"gg\""'
check_out 'the tag is stored' 1 'crm-ls -w tag.during -F id'

# crm-clv with no stored Gamma-Gamma fit fits one first and keeps it.
sqlite3 "$CRM_DB" "DELETE FROM fit WHERE model = 'gg'"
cat >"$TMP/writes" <<'EOF'
crm-tag -r during 1
EOF
got=$(during crm-clv $A)
is 'a writer succeeds while a plain crm-clv fits' "$got" '0 0'
sed 's/^/#   /' "$TMP/w.err" "$TMP/fit.err"
check_out 'and keeps the fit' "gg|$R" \
	'sqlite3 "$CRM_DB" "SELECT model, n FROM fit WHERE model = \"gg\""'

done_testing
