#!/bin/sh
# Exports other programs read (issue 13, item 3): csv one table per file,
# which Miller reads strictly; JSON rows naming their report and their
# table; -o xlsx workbooks, read back with openpyxl: a sheet per table,
# typed cells, the header frozen, text never a formula.  The store is
# tests/data/report-store.sh, whose values tests/report.t works out by
# hand as of 2026-04-30.
. "${0%/*}/lib.sh"
plan 25

A=--asof=2026-04-30
crm-init -q
. "$TESTS/data/report-store.sh"
# A presale run beside the value ones: tier A in both.  The customers
# added after it are created after the --asof day: no report counts them.
crm-set -q 4 stage=lead intent=5 progress=negotiation
crm-tier -q $A presale
crm-add -q customer name='=HYPERLINK("http://evil.example/","click")' \
    created=2026-06-01 birthday=1980-02-29
crm-add -q customer name='山田 太郎' created=2026-06-01
PY=/usr/bin/python3

# ---- csv: one table a file -------------------------------------------------

# Every report's csv, read by Miller's strict CSV reader: one header, every
# row as wide as it, and only the main table's rows.
check 'mlr --icsv reads every crm-report -o csv REPORT: one table, the main one' '
for r in summary segments tiers cohort sla satisfaction effort churn forecast; do
	crm-report $A -o csv $r >"$TMP/$r.csv" || exit 1
	mlr --icsv --ojson cat "$TMP/$r.csv" >"$TMP/$r.json" || exit 1
done
# sla: the 11 name/value rows of its first table, no "first_response" row
jq -e "length == 11 and all(.[]; keys == [\"name\", \"value\"])" "$TMP/sla.json" >/dev/null &&
jq -e "length == 9" "$TMP/satisfaction.json" >/dev/null &&
jq -e "length == 3 and .[0].grade == \"D\"" "$TMP/effort.json" >/dev/null'
check_out 'sla: the tickets and the median response as tests/report.t works them out' \
    "$(printf '4 24')" \
    "jq -r '.[] | select(.name == \"tickets\" or .name == \"median_response_hours\") | .value' \"\$TMP/sla.json\" | paste -sd ' '"
check_out '--table names another table of the report: the distribution of first responses' \
    "$(printf 'first_response,tickets\r\n0-1h,0\r\n1-4h,0\r\n4-8h,0\r\n8-24h,1\r\n24-48h,1\r\n48h+,0\r\nnone yet,2\r')" \
    "crm-report $A -o csv --table response sla"
check_exit '-o csv all without --dir is a usage error' 64 "crm-report $A -o csv all"
check_err 'and says to give --dir' '--dir'
check_exit '--table with a name the report has not' 64 "crm-report $A -o csv --table respons sla"
check_err 'is answered with the near one' 'did you mean response'
check_exit '--table with all' 64 "crm-report $A -o csv --table sla all"
check 'tiers: --table SCHEME is that scheme' "
crm-report $A -o csv --table presale tiers | mlr --icsv --ojson cat |
    jq -e 'length == 1 and .[0].tier == \"A\" and .[0].customers == 1' >/dev/null"

# --dir: a file per table, named after it, each read by Miller.
check '--dir writes every table of all, one file each, named after it' "
crm-report $A -o csv --dir \"\$TMP/all\" all && cd \"\$TMP/all\" &&
[ \"\$(ls | paste -sd ' ')\" = 'churn-owner.csv churn-tier.csv cohort.csv effort-grade.csv effort-owner.csv forecast.csv satisfaction-grid.csv satisfaction-scores.csv satisfaction.csv segments.csv sla-response.csv sla.csv summary.csv tiers-presale.csv tiers-service.csv tiers-value.csv' ] &&
for f in *.csv; do mlr --icsv --ojson cat \"\$f\" >/dev/null || exit 1; done"
check_out 'and each file holds its table: sla-response.csv, the rows by bucket' \
    "$(printf '0-1h 1-4h 4-8h 8-24h 24-48h 48h+ none yet')" \
    "mlr --icsv --onidx --ofs ' ' cut -f first_response \"\$TMP/all/sla-response.csv\" | paste -sd ' '"
check_out '--dir of one report: its tables' "$(printf 'sla-response.tsv\nsla.tsv')" \
    "crm-report $A -o tsv --dir \"\$TMP/one\" sla && ls \"\$TMP/one\""
check_exit '--dir with html is a usage error' 64 "crm-report $A -o html --dir \"\$TMP/h\" all"
check 'tsv keeps all tables of all in one output, separated by empty lines' "
crm-report $A all >\"\$TMP/all.tsv\" && [ \"\$(grep -c '^\$' \"\$TMP/all.tsv\")\" -eq 15 ]"

# ---- json: rows name their report and their table ------------------------------

check 'every row of -o json all names its report and its table' "
crm-report $A -o json all | jq -e -s 'length > 50 and all(.[]; (.report | type) == \"string\" and (.table | type) == \"string\")' >/dev/null"
check_out 'value tier A and presale tier A are told apart by their table' \
    "$(printf 'tiers value A 2\ntiers presale A 1')" \
    "crm-report $A -o json all | jq -r 'select(.tier == \"A\" and .report == \"tiers\") | \"\\(.report) \\(.table) \\(.tier) \\(.customers)\"'"

# ---- xlsx ------------------------------------------------------------------------

crm-config -q currency EUR
# Sheets of -o xlsx all, read back: name, title (A1), header (row 3), frozen
# below it, and typed cells.  Money: revenue 415.00 (report.t: 150 + 5 + 30
# + 20 + 10 + 200 by the day); shares: repeat rate 2 of 3 buyers; segments
# bob 210 of 415.
check 'crm-report -o xlsx all: a sheet per table with its title, typed cells, frozen header' "
crm-report $A -o xlsx all >\"\$TMP/r.xlsx\" && $PY - \"\$TMP/r.xlsx\" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
names = wb.sheetnames
assert names == ['summary', 'segments', 'tiers.value', 'tiers.presale', 'tiers.service', 'cohort', 'sla', 'sla.response',
    'satisfaction', 'satisfaction.grid', 'satisfaction.scores', 'effort.grade', 'effort.owner', 'churn.tier',
    'churn.owner', 'forecast'], names
for ws in wb.worksheets:
    assert isinstance(ws['A1'].value, str) and ws['A1'].value, (ws.title, 'no title')
    assert ws.freeze_panes == 'A4', (ws.title, ws.freeze_panes)
    assert all(isinstance(c.value, str) for c in ws[3]), (ws.title, 'header')
s = {r[0].value: r[1] for r in wb['summary'].iter_rows(min_row=4)}
assert s['revenue'].value == 415 and s['revenue'].data_type == 'n', s['revenue'].value
assert 'EUR' in s['revenue'].number_format and '#,##0.00' in s['revenue'].number_format, s['revenue'].number_format
assert abs(s['repeat_rate'].value - 2 / 3) < 1e-4 and s['repeat_rate'].number_format.endswith('%'), s['repeat_rate'].number_format
assert s['customers'].value == 4 and s['customers'].data_type == 'n'
seg = list(wb['segments'].iter_rows(min_row=4, values_only=True))
assert seg[0][0] == 'bob' and seg[0][2] == 210 and abs(seg[0][3] - 210 / 415) < 1e-4, seg
assert wb['segments']['D4'].number_format.endswith('%')
assert wb['effort.grade']['D4'].number_format.endswith('%')
assert wb['cohort']['C4'].number_format.endswith('%')
PY"
check 'column widths: as wide as the widest value' "
$PY - \"\$TMP/r.xlsx\" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])['sla']
w = ws.column_dimensions['A'].width
assert w >= len('median_resolution_hours'), w
PY"
check '--table and --to: a workbook of one sheet in a file' "
crm-report $A -o xlsx --to \"\$TMP/one.xlsx\" --table response sla &&
$PY -c 'import sys, openpyxl; assert openpyxl.load_workbook(sys.argv[1]).sheetnames == [\"sla.response\"]' \"\$TMP/one.xlsx\""

# crm-ls: typed by the fields.  monetary: Ann's 150 + 5 + 30 by the day
# plus 999 on 2026-05-02 (no --asof: every purchase) = 1184.
check 'crm-ls -o xlsx: numbers, money, dates, truth values, text; the header frozen' "
crm-tag -q vip 1 && crm-ls -o xlsx -F id,name,monetary,birthday,created,tag.vip >\"\$TMP/c.xlsx\" &&
$PY - \"\$TMP/c.xlsx\" <<'PY'
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ['customer'], wb.sheetnames
ws = wb['customer']
assert ws.freeze_panes == 'A2', ws.freeze_panes
assert [c.value for c in ws[1]] == ['id', 'name', 'monetary', 'birthday', 'created', 'tag.vip']
rows = {r[1].value: r for r in ws.iter_rows(min_row=2)}
ann = rows['Ann A']
assert ann[0].value == 1 and ann[2].value == 1184 and 'EUR' in ann[2].number_format, (ann[0].value, ann[2].value)
assert ann[4].value == datetime.datetime(2026, 1, 1) and ann[5].value is True, (ann[4].value, ann[5].value)
assert rows['Ben B'][5].value is False
assert rows['山田 太郎'][1].data_type == 's'
h = rows['=HYPERLINK(\"http://evil.example/\",\"click\")']
assert h[3].value == datetime.datetime(1980, 2, 29) and h[3].is_date, h[3].value
PY"
# openpyxl gives a formula cell data_type f; the sheet's XML holds no <f>.
check 'a name that looks like a formula is a string cell, in the XML too' "
$PY - \"\$TMP/c.xlsx\" <<'PY'
import sys, zipfile, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])['customer']
cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith('=')]
assert len(cells) == 1 and cells[0].data_type == 's', [(c.value, c.data_type) for c in cells]
xml = zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode()
assert '<f>' not in xml and '<f ' not in xml and 'HYPERLINK' in xml
PY"
check_exit 'crm-ls -o xlsx to a terminal is a usage error' 64 "
$PY -c 'import os, pty, subprocess, sys
m, s = pty.openpty()
sys.exit(subprocess.run(sys.argv[1:], stdout=s).returncode)' crm-ls -o xlsx"
check_err 'and names --to' 'terminal.*--to'
check_exit '--to without -o xlsx' 64 "crm-ls -o csv --to \"\$TMP/x\""
check 'nothing selected: a workbook with the header, exit 1' "
rc=0; crm-ls -o xlsx --to \"\$TMP/none.xlsx\" -F id,name -w 'name = \"nobody\"' || rc=\$?
[ \$rc -eq 1 ] && $PY -c 'import sys, openpyxl; ws = openpyxl.load_workbook(sys.argv[1]).active; assert ws.max_row == 1 and ws[\"A1\"].value == \"id\"' \"\$TMP/none.xlsx\""
