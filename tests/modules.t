#!/bin/sh
# The module graph of libcrm has no cycle: nm(1) over the objects of the
# build says which object defines and which uses each symbol
# (tests/modules.py); a cycle would make two concerns one.
. "${0%/*}/lib.sh"
plan 12

OBJ=$CRM_BUILD/obj
M="python3 $TESTS/modules.py"
want=$(cd "$TESTS/../libcrm" && ls *.c | sed 's/\.c$//' | paste -sd ' ')
check_out 'every module of libcrm has its object' "$want" \
	"ls '$OBJ' | sed -n 's/\\.o\$//p' | grep -vx fault | paste -sd ' '"
# edges A B: what A uses of B's symbols (modules.py --edges)
edges() { $M --edges "$OBJ" | awk -v a="$1" -v b="$2" '$1 == a && $2 ~ b'; }
# An edge the graph must hold, so that an empty graph cannot pass.
check_out 'the graph is read: the store reports errors through err.c' \
	'store err crm_err' "edges store '^err\$' | awk '\$3 == \"crm_err\"'"
check 'no cycle among the modules' "$M '$OBJ'"
check_out 'query.c does not call tier.c' '' "edges query '^tier\$'"
check_out 'the store names none of the concerns it runs hooks for' '' \
	"edges store '^(hooks|churn|stats|forget)\$'"

# crm.h holds what commands use and crm-int.h what only libcrm does
# (tests/headers.py): each function is declared where its users are.
check_out 'crm.h declares what commands use, crm-int.h the rest' '' \
	"python3 '$TESTS/headers.py' '$TESTS/..'"
# The checker itself: a command that includes crm-int.h is named.
mkdir -p "$TMP/tree/cmd" "$TMP/tree/libcrm"
cp "$TESTS/../libcrm/crm.h" "$TESTS/../libcrm/crm-int.h" "$TMP/tree/libcrm/"
cp "$TESTS"/../cmd/*.c "$TMP/tree/cmd/"
printf '#include "crm-int.h"\nint main(void) { return 0; }\n' \
	>"$TMP/tree/cmd/crm-x.c"
check_out 'headers.py names a command that includes crm-int.h' \
	'cmd/crm-x.c: includes crm-int.h' "python3 '$TESTS/headers.py' '$TMP/tree'"
# ... and one that names a struct of libcrm's own (crm-int.h's).
printf 'struct crm_kind_def *x;\n' >"$TMP/tree/cmd/crm-x.c"
check_out 'headers.py names a command that names a private struct' \
	'crm-int.h: struct crm_kind_def: a command names it' \
	"python3 '$TESTS/headers.py' '$TMP/tree'"

# ... and what crm.h defines that no command names: a struct, an enum
# (neither its tag nor a value) and a macro, as libcrm's own would be.
rm "$TMP/tree/cmd/crm-x.c"
printf '%s\n' '#define CRM_X_MAX 4' 'struct crm_x {' '	int n;' '};' \
	'enum crm_y {' '	CRM_Y_A,' '};' >>"$TMP/tree/libcrm/crm.h"
check_out 'headers.py names a struct, an enum and a macro no command names' \
	"$(printf 'crm.h: %s: no command names it\n' 'struct crm_x' \
	'enum crm_y' 'macro CRM_X_MAX')" \
	"python3 '$TESTS/headers.py' '$TMP/tree'"
# Named by a command, in code and not in a comment, they belong there.
printf '/* struct crm_x */\nstruct crm_x x;\nint y = CRM_Y_A, z = CRM_X_MAX;\n' \
	>"$TMP/tree/cmd/crm-x.c"
check_out 'and none of them once a command names each' '' \
	"python3 '$TESTS/headers.py' '$TMP/tree'"
printf '/* struct crm_x CRM_Y_A */\nint z = CRM_X_MAX;\n' >"$TMP/tree/cmd/crm-x.c"
check_out 'a comment naming them is no use of them' \
	"$(printf 'crm.h: %s: no command names it\n' 'struct crm_x' \
	'enum crm_y')" "python3 '$TESTS/headers.py' '$TMP/tree'"

# The checker itself finds a cycle: a.o and b.o calling each other.
mkdir "$TMP/objs"
printf 'int b(int);\nint a(int n) { return n ? b(n - 1) : 0; }\n' >"$TMP/a.c"
printf 'int a(int);\nint b(int n) { return n ? a(n - 1) : 1; }\n' >"$TMP/b.c"
cc -c "$TMP/a.c" -o "$TMP/objs/a.o"
cc -c "$TMP/b.c" -o "$TMP/objs/b.o"
check_exit 'a cycle fails the check' 1 "python3 '$TESTS/modules.py' '$TMP/objs'"
