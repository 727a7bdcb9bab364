#!/bin/sh
# crm-report -o html in a real browser: Debian's headless chromium, driven
# through its DevTools protocol by tests/browser.py, opens the page of the
# demo store (scripts/demo), of a store with hostile values (long names,
# markup, right-to-left and CJK text, huge amounts, empty reports) and of
# an empty store, at 390 and at 1280 px: no horizontal overflow, every
# chart a non-empty box with visible axis labels, nothing overlapping its
# neighbour, no console error.  The screenshots stay in the build folder,
# $CRM_BUILD/browser/NAME-WIDTH.png, for a person to look at.
. "${0%/*}/lib.sh"
plan 12

SHOTS="$CRM_BUILD/browser"
mkdir -p "$SHOTS"
# browser NAME PAGE: the problems browser.py finds, none when fine
browser() {
	/usr/bin/python3 "$TESTS/browser.py" "$SHOTS" "$1" "$2"
}

check 'chromium and python3-websocket are installed (scripts/install-deps)' \
	'command -v chromium >/dev/null && /usr/bin/python3 -c "import websocket"'

# ---- the demo store ------------------------------------------------------
"$TESTS/../scripts/demo" "$CRM_BUILD" "$TMP/demo" >/dev/null 2>&1
D="$TMP/demo/crm.db"
must crm-report -d "$D" -o html all >"$TMP/demo.html"
check_out 'demo: at 390 and 1280 px, no overflow, charts with axes, no overlap, no console error' \
	'' 'browser demo "$TMP/demo.html"'
check 'demo: a screenshot at each width' \
	'[ -s "$SHOTS/demo-390.png" ] && [ -s "$SHOTS/demo-1280.png" ]'
must crm-report -d "$D" -o html -w 'region = "north"' all >"$TMP/north.html"
check_out 'demo -w: the same, for a selection' '' \
	'browser demo-selection "$TMP/north.html"'

# ---- a store of hostile values -------------------------------------------
long=$(printf 'MaximilianAlexander%.0s' 1 2 3 4 5 6 7 8 9 10)
crm-init -q
{
	echo 'ref,name,owner,region,created'
	echo "h1,$long,$long,north,2024-01-01"
	echo 'h2,<script>alert(1)</script>,<script>document.write(1)</script>,"<b>x</b>",2024-01-01'
	echo 'h3,مريم العربي,مندوب المبيعات الأول,الشمال,2024-01-01'
	echo 'h4,דוד כהן,נציג מכירות,צפון,2024-01-01'
	echo 'h5,山田 太郎,営業部第一課の担当者です,東京都千代田区,2024-01-01'
	echo 'h6,"Smith, John ""&amp;""",&lt;owner&gt;,,2024-01-01'
	for i in $(seq 10 29); do
		echo "o$i,Person $i,owner-$i-$long,r$i,2024-01-01"
	done
} >"$TMP/h.csv"
crm-add -q -f "$TMP/h.csv" customer
{
	echo 'customer_ref,ts,order_ref,product,amount'
	echo 'h1,2024-02-01,,x,9999999999999.99'
	echo 'h1,2025-03-01,,x,9000000000000.00'
	echo 'h2,2024-03-01,,<script>,0.01'
	echo 'h3,2024-04-01,,x,12345678901.23'
	echo 'h4,2025-05-01,,x,7.00'
	echo 'h5,2024-06-01,,x,88888888888.88'
	echo 'h5,2026-04-01,,x,1.00'
	echo 'h6,2026-04-20,,x,3.00'
	for i in $(seq 10 29); do
		echo "o$i,2024-$(printf %02d $((i % 12 + 1)))-03,,x,$i$i$i$i.00"
	done
} >"$TMP/hp.csv"
crm-add -q -f "$TMP/hp.csv" purchase
crm-config -q currency JPY
crm-tier -q --asof 2026-01-01 value
must crm-report --asof 2026-04-30 -o html -w "name != \"$long\" or ref = \"h1\"" all \
	>"$TMP/hostile.html"
check_out 'hostile: no overflow, charts with axes, no overlap, no console error' \
	'' 'browser hostile "$TMP/hostile.html"'
check 'hostile: the markup is text, not markup' \
	'! grep -q "<script" "$TMP/hostile.html" && grep -q "&lt;script&gt;document.write(1)" "$TMP/hostile.html"'
check 'hostile: a long list is the top 10 and the others' \
	'grep -q ">others (16)<" "$TMP/hostile.html"'

# ---- an empty store: every report with nothing ---------------------------
crm-init -q -d "$TMP/empty.db"
must crm-report -d "$TMP/empty.db" -o html all >"$TMP/empty.html"
check_out 'empty: the page holds, no overflow, no console error' '' \
	'browser empty "$TMP/empty.html"'

# ---- the checks themselves see what is wrong -----------------------------
# A page wider than the window, a chart without axis labels, two texts on
# top of each other, and a console error: browser.py names each.
sed 's|<body>|<body><div style="width:2000px">wide</div>|' "$TMP/demo.html" \
	>"$TMP/wide.html"
check 'the check sees a page wider than the window' \
	'browser bad-wide "$TMP/wide.html" >"$TMP/o"; grep -q "^390: page is 2[0-9]*px wide in a 390px window" "$TMP/o"'
sed 's|class="tick|class="tock|g' "$TMP/demo.html" >"$TMP/noaxis.html"
check 'the check sees charts without axis labels' \
	'browser bad-axis "$TMP/noaxis.html" >"$TMP/o"; grep -q "^1280: chart .*: no axis labels" "$TMP/o"'
sed 's|<text class="label" x="[0-9.]*"|<text class="label" x="300"|g' \
	"$TMP/demo.html" >"$TMP/overlap.html"
check 'the check sees labels on top of each other' \
	'browser bad-overlap "$TMP/overlap.html" >"$TMP/o"; grep -q "overlaps" "$TMP/o"'
sed 's|<body>|<body><img src="nosuch.png" alt="">|' "$TMP/demo.html" \
	>"$TMP/err.html"
check 'the check sees a console error' \
	'browser bad-console "$TMP/err.html" >"$TMP/o"; grep -q "^390: console: " "$TMP/o"'
done_testing
