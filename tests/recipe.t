#!/bin/sh
# docs/ARCHITECTURE.md's recipes, followed: in a scratch copy of the tree,
# a throwaway report (one function and one row in cmd/crm-report.c) and a
# throwaway tier scheme (libcrm/tier-big.c, a row in libcrm/scheme.c)
# with a setting of its own, declared and read in its file; the copy
# builds, and every command and list knows them, crm-config the setting.
# Until the manual names them where it lists reports, schemes and
# settings (crm-report(1), crm-tier(1), crm(7), crm-config(1)) the copy's
# tests/tables.t fails; then it passes, and no other file was touched.
. "${0%/*}/lib.sh"
plan 26
TOP=$(cd "$TESTS/.." && pwd)
T=$TMP/tree
mkdir "$T" "$T/tests"
cp -R "$TOP/Makefile" "$TOP/libcrm" "$TOP/cmd" "$TOP/man" "$T/"
cp "$TOP/tests/lib.sh" "$TOP/tests/tables.t" "$T/tests/"

# ---- the report: its function, its row, its entry ---------------------
cat >"$TMP/owners.c" <<'EOF'

/* Customers by owner (the recipe test's report). */
static int
owners(struct ctx *x)
{
	static const char *const cols[] = { "owner", "customers" };
	struct crm_tab *t = crm_tab_new(x->page, "owners", "Owners", 2,
	    cols, "sn");
	sqlite3_stmt *s = NULL;
	char b[64];
	int rc;

	if (t == NULL)
		return crm_err(CRM_EX_SOFTWARE, NULL, "out of memory");
	if ((rc = prepf(x, &s, "SELECT coalesce(owner, '-'), count(*) FROM "
	    "customer WHERE created <= ?1%s GROUP BY 1 ORDER BY 1",
	    in(x, "id", b, sizeof b))) != CRM_EX_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		crm_tab_col(t, s, 0, 0);
		crm_tab_col(t, s, 1, 0);
	}
	return done(x, s, rc);
}
EOF
sed -i -e "/^\/\* ---- the table of reports/r $TMP/owners.c" \
    -e '/^} reports\[\] = {$/a\	{ "owners", "customers by owner", owners },' \
    "$T/cmd/crm-report.c"

# ---- the scheme: its file, its row, its entry -------------------------
cat >"$T/libcrm/tier-big.c" <<'EOF'
/* tier-big.c: the recipe test's scheme: big spenders, by revenue. */
#include <stdint.h>
#include <stdio.h>

#include "crm-int.h"

static const struct crm_setting settings[] = {
	{ "tier.big.from", "100", "revenue from which a customer is big",
	    CRM_SET_NUMBER },
	{ 0 },
};

static int
big(struct crm_store *st, struct crm_sql *q, int64_t since)
{
	double from;
	int rc;

	if ((rc = crm_tier_numbers(st, &settings[0], &from, 1)) != CRM_EX_OK)
		return rc;
	/* m in minor units, of a currency of 2 decimals */
	crm_sql_add(q, "SELECT id, CASE WHEN m >= %.17g * 100 THEN 'big' "
	    "ELSE 'small' END, f FROM (", from);
	crm_tier_buyers(q, since);
	crm_sql_add(q, ") ORDER BY 1");
	return CRM_EX_OK;
}

static const struct crm_scheme_def def = { big, settings };

const struct crm_scheme crm_scheme_big = {
	"big", "big spenders: revenue from tier.big.from", 1, 'n', NULL,
	&def,
};
EOF
sed -i -e '/^static const struct crm_scheme \*const schemes\[\] = {$/i extern const struct crm_scheme crm_scheme_big;' \
    -e '/^	&crm_scheme_service,$/a\	&crm_scheme_big,' "$T/libcrm/scheme.c"

# ---- no other file than those the recipes name ------------------------
# changed: the files the copy adds or changes, from the top of the tree
changed() {
	for d in cmd libcrm man; do
		diff -rq "$TOP/$d" "$T/$d" || [ $? -eq 1 ] || return 2
	done | sed -e "s|^Files $TOP/\([^ ]*\) and .*|\1|" \
	    -e "s|^Only in $T/\(.*\): |\1/|" | sort
}
# ---- build only what the checks run ------------------------------------
B=$T/build
check 'the copy with the new report and scheme builds, with no warning' \
	"make -s -C '$T' -j2 B=build \$(printf ' build/bin/%s' \
	crm crm-init crm-add crm-ls crm-tier crm-report crm-churn crm-config) >'$TMP/make' 2>&1 &&
	! grep -i warning '$TMP/make'"
# The checks below must run the copy's commands, not the tree's.
[ -x "$B/bin/crm-report" ] && [ -x "$B/bin/crm-tier" ] ||
	_bail "the copy did not build"
PATH=$B/bin:$PATH

crm-init >/dev/null 2>&1
# Three customers, two owners; a spends 150, b 40, c nothing.
printf 'ref,name,owner,created\na,A,ann,2025-12-01\nb,B,bob,2025-12-01\nc,C,bob,2025-12-01\n' |
	crm-add -q -f - customer
printf 'customer_ref,ts,amount\na,2026-01-05,100\na,2026-02-01,50\nb,2026-01-10,40\n' |
	crm-add -q -f - purchase

check_out 'the new report runs: customers by owner, counted by hand' \
	"$(printf 'owner\tcustomers\nann\t1\nbob\t2')" \
	'crm-report --asof 2026-03-01 owners'
check_out 'and comes in a page of them all' 'Owners' \
	"crm-report --asof 2026-03-01 -o table all | grep -x Owners"
check_exit 'a near miss of it is a usage error' 64 'crm-report ownrs'
check_err 'that names it' 'ownrs: no such report \(did you mean owners\?\); try .crm-report -h.$'
check_out 'the new scheme assigns tiers: a spent 150, b 40; days 2 and 1' \
	"$(printf '1\tbig\t2\n2\tsmall\t1')" 'crm-tier --asof 2026-03-01 big'
check_out 'the filter knows tier.big once a run is stored' 'A' \
	"crm-ls -F name -w 'tier.big = \"big\"'"
# One big, one small of two: shares 0.5 each; revenue 150 and 40 of 190
# (0.7895, 0.2105); both new, there being no run before.
check_out 'crm-report --scheme takes it' \
	"$(printf 'tier\tcustomers\tshare\trevenue\trevenue_share\tnew\nbig\t1\t0.5000\t150.00\t0.7895\t1\nsmall\t1\t0.5000\t40.00\t0.2105\t1')" \
	'crm-report --asof 2026-03-01 --scheme big tiers'
check_out 'crm-config lists its setting, with its default' \
	"$(printf 'tier.big.from\t100')" "crm-config | grep '^tier\.big\.'"
check_exit 'and checks a value by its row: not a number' 65 \
	'crm-config tier.big.from lots'
check_err 'saying what it takes' \
	'^crm-config: tier.big.from: "lots" is not valid \(revenue from which a customer is big\)$'
check_exit 'a near miss of the setting is a usage error' 64 \
	'crm-config tier.big.frm 30'
check_err 'that names it' \
	'tier.big.frm: no such setting \(did you mean tier.big.from\?\); try .crm-config -h.$'
# Set to 30, b's 40 is big too; read by the scheme from its row.
check_out 'crm-config sets it, and the scheme reads it: b, at 40, is big' \
	"$(printf '1\tbig\t2\n2\tbig\t1')" \
	'crm-config tier.big.from 30 && crm-tier --asof 2026-03-01 big'
check_exit 'a near miss of it is a usage error' 64 'crm-tier bgi'
check_err 'that names it' 'bgi: no such scheme \(did you mean big\?\); try .crm-tier -h.$'
check 'crm lists it among the schemes of crm-tier' \
	"crm | grep -q '^  tier .*service, big\$'"

# ---- the manual: until it names them, the copy's tables.t fails -------
# tables: the checks of the copy's tests/tables.t that fail
tables() {
	rc=0
	CRM_BUILD=$B prove -v "$T/tests/tables.t" >"$TMP/tables" 2>&1 || rc=$?
	sed -n 's/^not ok [0-9]* - //p' "$TMP/tables" | tee "$TMP/failed"
	return $rc
}
check_exit 'with the manual as it is, the copy'\''s tests/tables.t fails' 1 \
	tables
for c in 'the reports crm-report knows are those of crm-report(1)' \
    'the schemes crm-tier knows are those of crm-tier(1)' \
    'the manual lists the schemes where crm-report(1) does' \
    'and their fields where crm(7) says what -F all is' \
    'crm-config(1) describes every setting crm-config knows'; do
	check "as the report, the scheme or the setting is missing: $c" \
	    "grep -Fxq '$c' '$TMP/failed'"
done
# The report's entry; the scheme's, and its name in every list of
# schemes (".\" list of schemes", "tier fields"); its setting's entry.
sed -i -e '/^\.It Cm summary$/i .It Cm owners\nCustomers by owner.' \
    -e '/^\.\\" list of schemes/,/^\.\\" end of list/{
	/^or$/d; s/^\.Cm presale$/.Cm presale ,/
	s/^\.Cm service \.$/.Cm service\nor\n.Cm big ./
	s/^\.Cm service ) ;$/.Cm service ,\n.Cm big ) ;/; }' "$T/man/crm-report.1"
awk '/^\.El$/ && !done { print ".It Cm big"
	print "Revenue from"; print ".Cm tier.big.from"
	print "(default 100): big, else small."; done = 1 } { print }' \
    "$T/man/crm-tier.1" >"$TMP/crm-tier.1" && mv "$TMP/crm-tier.1" "$T/man/crm-tier.1"
sed -i 's/^\.Cm tier\.service \.$/.Cm tier.service ,\n.Cm tier.big ./' \
    "$T/man/crm.7"
sed -i '/^\.It Cm today$/i .It Cm tier.big.from\nRevenue from which a customer is big (100); see\n.Xr crm-tier 1 .' \
    "$T/man/crm-config.1"
check_out 'then the copy'\''s manual and tables agree (its tests/tables.t passes)' \
	'' tables
check 'and its pages are clean' "mandoc -Tlint -Wwarning '$T'/man/*"
check_out 'the copy differs from the tree in the recipes'\'' files alone' \
	"$(printf '%s\n' cmd/crm-report.c libcrm/scheme.c libcrm/tier-big.c \
	man/crm-config.1 man/crm-report.1 man/crm-tier.1 man/crm.7)" changed
