#!/bin/sh
# JSON records: one shape for a customer in crm-ls, crm-show, crm-export and
# crm-add -i json (crm(7) "JSON records"), read with jq and python3.
. "${0%/*}/lib.sh"
plan 37

# Li: every kind of value; a manual tag and a rule's; purchases of 12.30
# and 5.00 (17.30, an average of 8.65 by hand); a value and an rfm tier.
# Bo: nothing but a name.
crm-config today 2026-06-30
crm-add -q customer name=Li ref=R1 email=li@example.org income=1234.5 \
	intent=4 birthday=1990-01-31 created=2026-01-01 attr.color=blue
crm-add -q customer name=Bo created=2026-01-01
crm-add -q purchase customer=1 amount=12.3 ts=2026-01-02 product=tea
crm-add -q purchase customer=1 amount=5 ts=2026-02-02
crm-tag vip 1 >/dev/null
crm-tag -R big 'monetary > 10' >/dev/null
crm-tag --apply >/dev/null
crm-tier value --asof 2026-03-01 >/dev/null
crm-tier rfm --asof 2026-03-01 >/dev/null

# What crm-ls -F help lists: every field of a customer but the match keys.
FIELDS=$(crm-ls -F help | cut -f1 | grep -v -e '^email_key$' -e '^phone_key$' -e '\.' | paste -sd,)

# 1: money is a JSON number written with every minor digit.
check_out 'money is a number with its minor digits' \
	'{"id":1,"income":1234.50,"monetary":17.30,"aov":8.65}' \
	'crm-ls -o json -F id,income,monetary,aov -w "id = 1"'
check_out 'jq compares it as a number' 'true' \
	'crm-ls -o json -F monetary -w "id = 1" | jq ".monetary > 17.29 and .monetary < 17.31"'
# 2: tags an array, of the manual tags; those rules set beside them.
check_out 'crm-ls: tags an array of the manual tags, rule_tags beside' \
	"$(printf '%s\n' '{"tags":["vip"],"rule_tags":["big"]}' '{"tags":[],"rule_tags":[]}')" \
	'crm-ls -o json -F tags,rule_tags'
check_out 'crm-show: the same arrays' '[["vip"],["big"]]' \
	'crm-show -o json 1 | jq -c "[.tags, .rule_tags]"'
# 3: every field present, null when unset.
check_out 'crm-show writes unset fields as null' 'true' \
	'crm-show -o json 2 | jq "has(\"email\") and .email == null and has(\"attr.color\") and .[\"attr.color\"] == null"'
# 4: metrics flat under their filter names (recency: 26 days left of
# February after the 2nd, then 31 + 30 + 31 + 30 to 2026-06-30: 148).
check_out 'crm-show: metrics at the top under their filter names, no stats' \
	'[false,2,17.3,8.65,148]' \
	'crm-show -o json 1 | jq -c "[has(\"stats\"), .frequency, .monetary, .aov, .recency]"'
# 5: tiers as objects (the value tier's score is the revenue, 17.30).
check_out 'a tier is an object: scheme, tier, score, asof' \
	'{"tier.value":{"scheme":"value","tier":"A","score":17.30,"asof":"2026-03-01"}}' \
	'crm-ls -o json -F tier.value -w "id = 1"'
check_out 'crm-show: the same object, null where the tier run left one out' \
	'["value","A",17.3,"2026-03-01",null]' \
	'crm-show -o json 1 2 | jq -sc "[.[0][\"tier.value\"][\"scheme\", \"tier\", \"score\", \"asof\"], .[1][\"tier.value\"]]"'
check_out 'an rfm score is a number too' 'number' \
	'crm-show -o json 1 | jq -r ".[\"tier.rfm\"].score | type"'
check_out 'tsv keeps the tier alone' "$(printf '1\tA')" \
	'crm-ls -F id,tier.value -w "id = 1"'
# 6: the summary's value is always a number (revenue 17.30, aov 8.65).
check_out "the summary's values are numbers or null" 'true' \
	'crm-report -o json summary | jq -s "all(.[]; .value == null or (.value | type) == \"number\")"'
check_out 'money in a report written with its minor digits' \
	"$(printf '%s\n' '"value":17.30}' '"value":8.65}')" \
	'crm-report -o json summary | grep -E "\"(revenue|aov)\"" | grep -o "\"value\":.*"'
# 7: one object: crm-ls -F all, crm-show without its timeline, crm-export.
crm-ls -F all -o json >"$TMP/raw.json"
jq -Sc . "$TMP/raw.json" >"$TMP/ls.json"
check 'crm-ls -F all is crm-show without its timeline' \
	'crm-show -o json 1 2 | jq -Sc "del(.timeline)" | cmp - "$TMP/ls.json"'
check_out 'crm-ls -F all: every field of -F help, the attribute, the tiers' \
	"$FIELDS,attr.color,tier.rfm,tier.value,tier.presale,tier.service" \
	'crm-ls -F all -o json -l 1 | jq -r "keys_unsorted - [\"attr.color\", \"tier.rfm\", \"tier.value\", \"tier.presale\", \"tier.service\"] + [\"attr.color\", \"tier.rfm\", \"tier.value\", \"tier.presale\", \"tier.service\"] | join(\",\")"'
check 'every value has the type of its field (crm-ls -F help)' \
	'crm-ls -F help >"$TMP/help" && /usr/bin/python3 - "$TMP/help" "$TMP/raw.json" <<"PY"
import json, re, sys
from decimal import Decimal
types = dict(l.rstrip("\n").split("\t")[:2] for l in open(sys.argv[1]))
recs = [json.loads(l, parse_float=Decimal) for l in open(sys.argv[2])]
num = (int, Decimal)
def ok(name, t, v):
    if name in ("tags", "rule_tags"):
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    if name.startswith("attr."):
        return v is None or isinstance(v, str)
    if name.startswith("tier."):
        return v is None or (set(v) == {"scheme", "tier", "score", "asof"}
            and v["scheme"] == name[5:] and isinstance(v["score"], num)
            and re.fullmatch(r"\d{4}-\d\d-\d\d", v["asof"]))
    if v is None:
        return True
    t = t.split(" ")[0]
    if t == "money":
        return isinstance(v, Decimal) and v.as_tuple().exponent == -2
    if t in ("id", "integer", "days"):
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, num)
    if t == "date":
        return re.fullmatch(r"\d{4}-\d\d-\d\d", v) is not None
    if t == "date-time":
        return re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v) is not None
    return isinstance(v, str)
for r in recs:
    assert set(r) == set(recs[0]), r
    for k, v in r.items():
        assert ok(k, types.get(k, ""), v), (k, types.get(k), v)
PY'
# History records: the same object in crm-ls, crm-show's timeline and
# crm-export.
check 'a purchase is the same object in crm-ls, the timeline and crm-export' \
	'crm-ls purchase -F all -o json | jq -Sc . >"$TMP/p.json" &&
	crm-show -o json 1 | jq -Sc "[.timeline[] | select(.type == \"purchase\") | del(.type)] | sort_by(.id) | .[]" | cmp - "$TMP/p.json" &&
	crm-export --subject 1 | jq -Sc ".purchase[]" | cmp - "$TMP/p.json"'
# The last purchase is of 2026-02-02: 332 days to 2026-12-31 by hand; the
# store's today is 2026-06-30.
check_out 'crm-export --asof: the statistics as of that day' 332 \
	'crm-export --asof 2026-12-31 --subject 1 | jq .customer.recency'
check 'the customer as crm-ls -F all --asof has it; the history whole even before it' \
	'crm-ls -F all -o json --asof 2026-12-31 -w "id = 1" | jq -Sc . >"$TMP/late.json" &&
	crm-export --asof 2026-12-31 --subject 1 | jq -Sc .customer | cmp - "$TMP/late.json" &&
	[ "$(crm-export --asof 2026-01-01 --subject 1 | jq ".purchase | length")" = 2 ]'
check_out 'its amount a number with its minor digits' '"amount":12.30,' \
	'crm-ls purchase -F all -o json -w "id = 1" | grep -o "\"amount\":[^,]*,"'
# 8: -F all in csv: every field, the tags column the manual tags.
check_out 'crm-ls -F all -o csv: a column for every field' \
	"id,ref,name,email,phone,company,industry,country,region,city,gender,birthday,income,occupation,source,owner,stage,intent,progress,expected_close,created,notes,tags,rule_tags,attr.color,recency,frequency,monetary,orders,aov,tenure,first_purchase,last_purchase,last_contact,last_online,last_visit,last_inbound,open_tickets,open_complaints,csat,nps,expectation,satisfaction,points,p_alive,tier.rfm,tier.value,tier.presale,tier.service" \
	'crm-ls -F all -o csv | sed -n 1p | tr -d "\r"'
check_out 'the tags column imports back as manual tags, and only those' \
	"$(printf '1\tvip\tmanual')" \
	'crm-ls -F id,name,tags -o csv -w "id = 1" | crm-add -d "$TMP/c.db" -q -f - customer && crm-tag -d "$TMP/c.db" -l 1 | cut -f1-3'
check_exit 'so a rule tag does not come back as manual' 1 \
	'crm-ls -d "$TMP/c.db" -q -w tag.big'
check_out 'its tags column holds the manual tags, rule_tags the rule'\''s' 'vip,big' \
	'crm-ls -F all -o csv -w "id = 1" | /usr/bin/python3 -c "import csv, sys; r = list(csv.DictReader(sys.stdin)); print(r[0][\"tags\"] + \",\" + r[0][\"rule_tags\"])"'

# 9: crm-add -i json reads that shape back: into a fresh store, what was
# stored comes back, computed members left out.
crm-ls -F all -o json >"$TMP/all.jsonl"
STORED="[.id, .ref, .name, .email, .income, .intent, .birthday, .created, .tags, .[\"attr.color\"]]"
check 'crm-add -i json: every line of crm-ls -F all -o json imports' \
	'crm-add -d "$TMP/b.db" -i json -f "$TMP/all.jsonl" customer >/dev/null'
check 'what was stored comes back, the manual tags as manual tags' \
	'crm-ls -F all -o json | jq -c "$STORED" >"$TMP/a" && crm-ls -d "$TMP/b.db" -F all -o json | jq -c "$STORED" | cmp - "$TMP/a"'
check_out 'the rule tag is not made manual' '[]' \
	'crm-ls -d "$TMP/b.db" -o json -F rule_tags,tags -w "id = 1" | jq -c .rule_tags'
check_out 'crm-show output imports with -u (timeline and tiers left out)' '1' \
	'crm-show -o json 1 | jq -c ".name = \"Li Na\" | .tags = [\"gold\"]" | crm-add -d "$TMP/b.db" -u -i json -f - customer'
check_out 'the update took: name and manual tags' '{"name":"Li Na","tags":["gold"]}' \
	'crm-ls -d "$TMP/b.db" -o json -F name,tags -w "id = 1"'
check_out 'money is read exactly from the number as written' '{"income":0.10}' \
	'printf "{\"name\":\"C\",\"income\":0.1}\n" | crm-add -d "$TMP/b.db" -i json -f - customer >/dev/null && crm-ls -d "$TMP/b.db" -o json -F income -w "name = \"C\""'
check_out 'the timeline'\''s purchases import as purchases' "$(printf '2\n1')" \
	'crm-show -o json 1 | jq -c ".timeline[] | select(.type == \"purchase\")" | crm-add -d "$TMP/b.db" -u -i json -f - purchase'
check_exit 'a record of another kind is refused' 65 \
	'printf "{\"type\":\"contact\",\"customer\":1,\"amount\":1}\n" | crm-add -d "$TMP/b.db" -i json -f - purchase'
check_err 'saying so' '^crm-add: stdin:1: type: not a record of purchase$'
check_exit 'a number with more decimals than the currency is bad data' 65 \
	'printf "{\"name\":\"D\",\"income\":12.345}\n" | crm-add -d "$TMP/b.db" -i json -f - customer'
check_exit 'so is a line that is not JSON' 65 \
	'printf "{\"name\":\"D\"}\n{\"name\":\"E\",}\n" | crm-add -d "$TMP/b.db" -i json -f - customer'
check_err 'named by its line' '^crm-add: stdin:2: not JSON'
# crm-export takes no --asof, nor the store's today: both by the clock.
crm-config --unset today
check 'crm-export'\''s customer is the same object as crm-ls -F all'\''s' \
	'crm-export --subject 1 | jq -Sc .customer >"$TMP/ex.json" && crm-ls -F all -o json -w "id = 1" | jq -Sc . | cmp - "$TMP/ex.json"'
check 'and byte for byte, money digits included' \
	'crm-export --subject 1 | grep -F -- "$(crm-ls -F all -o json -w "id = 1")"'
