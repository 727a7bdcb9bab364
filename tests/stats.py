#!/usr/bin/python3
"""stats.py: an independent implementation of crm's per-customer metrics.

    stats.py ops SEED N          print N random writes of history (shell)
    stats.py check ASOF          compare crm-ls metrics with the history
    stats.py summary             crm-clv --summary from the history

`check` reads every history kind through `crm-ls KIND -o json` and every
customer's metrics through `crm-ls --asof ASOF -o json`, recomputes the
metrics from the history up to the end of ASOF (or everything, for
ASOF "-"), and exits 1 naming the first difference; 2 when a crm-ls it
runs fails or selects nothing.  `summary` prints what `crm-clv --summary`
prints as of now (KEY x t_x T m_x day: x the purchase days after the
first, m_x the mean revenue of the purchases after the first day per
repeat day, in currency units), from the purchases alone.
"""
import json
import random
import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal, ROUND_HALF_UP

METRICS = ["recency", "frequency", "monetary", "orders", "aov", "tenure",
           "first_purchase", "last_purchase", "last_contact", "last_online",
           "last_visit", "last_inbound", "open_tickets", "open_complaints",
           "csat", "nps", "expectation", "satisfaction", "points"]


def ops(seed, n):
    """Random writes as a bash script.  The script knows which ids exist
    (ids count up per kind and are never reused), so it names them; and it
    keeps the points ledger, so a redemption or removal that would take a
    balance below zero at any time is written as an expected refusal
    (exit 65).  Any other outcome stops the script with an error."""
    rng = random.Random(seed)
    refs = ["S1", "S2", "S3", "S4"]
    kinds = ["purchase", "contact", "ticket", "survey", "points"]
    ids = {k: [] for k in kinds}
    last = {k: 0 for k in kinds}
    ledger = {}                       # points id -> (customer, ts, delta)

    def add(kind):
        last[kind] += 1
        ids[kind].append(last[kind])
        return last[kind]

    def sound(recs):
        bal = {}
        for cust, ts, pid, delta in sorted((c, t, i, d) for i, (c, t, d)
                                           in recs.items()):
            bal[cust] = bal.get(cust, 0) + delta
            if bal[cust] < 0:
                return False
        return True

    print("set -e -o pipefail")
    print("refused() {  # refused CMD...: CMD must exit 65 (bad input)")
    print('\trc=0; "$@" 2>/dev/null || rc=$?')
    print('\t[ "$rc" -eq 65 ] || { echo "exit $rc, want 65: $*" >&2; '
          'exit 1; }')
    print("}")
    for i in range(n):
        c = rng.choice(refs)
        d = "2026-%02d-%02dT%02d:00:00Z" % (rng.randint(1, 6),
                                          rng.randint(1, 28),
                                          rng.randint(0, 23))
        k = rng.random()
        if k < 0.35:
            # An order line is unique by (order_ref, product): each its own.
            order = " order_ref=O%d product=p%d" % (rng.randint(1, 5), i) \
                if rng.random() < 0.3 else ""
            print("crm-add -q purchase customer_ref=%s ts=%s amount=%d.%02d%s"
                  % (c, d, rng.randint(0, 500), rng.randint(0, 99), order))
            add("purchase")
        elif k < 0.5:
            ch = rng.choice(["phone", "email", "chat", "social", "visit",
                             "other"])
            print("crm-add -q contact customer_ref=%s ts=%s channel=%s "
                  "direction=%s" % (c, d, ch, rng.choice(["in", "out"])))
            add("contact")
        elif k < 0.6:
            print("crm-add -q ticket customer_ref=%s opened=%s kind=%s"
                  % (c, d, rng.choice(["complaint", "question"])))
            add("ticket")
        elif k < 0.65:
            if ids["ticket"]:
                print("crm-set ticket %d status=closed resolved=%s"
                      % (rng.choice(ids["ticket"]), d))
        elif k < 0.8:
            kind, lo, hi = rng.choice([("csat", 1, 5), ("nps", 0, 10),
                                       ("expectation", 1, 10),
                                       ("satisfaction", 1, 10)])
            print("crm-add -q survey customer_ref=%s ts=%s kind=%s score=%d"
                  % (c, d, kind, rng.randint(lo, hi)))
            add("survey")
        elif k < 0.9:
            # A redemption beyond the balance is refused, changing nothing.
            delta = rng.randint(-100, 500)
            cmd = "crm-add -q points customer_ref=%s ts=%s delta=%d" \
                % (c, d, delta)
            trial = dict(ledger)
            trial[last["points"] + 1] = (c, d, delta)
            if sound(trial):
                print(cmd)
                ledger[add("points")] = (c, d, delta)
            else:
                print("refused " + cmd)
        elif k < 0.95:
            kind = rng.choice(["purchase", "contact", "survey", "points"])
            if not ids[kind]:
                continue
            rid = rng.choice(ids[kind])
            trial = {i: r for i, r in ledger.items() if i != rid}
            if kind == "points" and not sound(trial):
                # A removal a later redemption relied on is refused.
                print("refused crm-rm points %d" % rid)
                continue
            print("crm-rm %s %d" % (kind, rid))
            ids[kind].remove(rid)
            ledger.pop(rid, None) if kind == "points" else None
        else:
            if ids["purchase"]:
                print("crm-set purchase %d amount=%d.%02d customer_ref=%s"
                      % (rng.choice(ids["purchase"]), rng.randint(0, 99),
                         rng.randint(0, 99), c))
    # One bulk import among the single writes: set-wise statistics.
    print("printf 'customer_ref,ts,amount\\nS1,2026-02-02,1.00\\n"
          "S2,2026-06-30T23:59:59Z,2.00\\nS2,2026-07-01,4.00\\n' | "
          "crm-add -q -f - purchase")
    print("echo ok")


def secs(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=timezone.utc).timestamp())


def ls(*args):
    """crm-ls ARGS -o json, which must succeed and select something."""
    cmd = ["crm-ls"] + list(args) + ["-o", "json"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        fail("%s: exit %d: %s" % (" ".join(cmd), out.returncode,
                                  out.stderr.strip()))
    # Money is a JSON number written with its minor digits: kept as that
    # text ("17.30"), so the digits are compared too.
    rows = [json.loads(line, parse_float=str)
            for line in out.stdout.splitlines()]
    if not rows:
        fail("%s: printed nothing" % " ".join(cmd))
    return rows


def fail(why):
    """A command failed: exit 2, not the 1 of a difference found."""
    print(why, file=sys.stderr)
    sys.exit(2)


def check(asof):
    if asof == "-":
        now = int(datetime.now(timezone.utc).timestamp())
        end = 2 ** 62
        extra = []
    else:
        d = date.fromisoformat(asof)
        end = int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
                  .timestamp()) + 86399
        now = end
        extra = ["--asof", asof]
    hist = {k: ls(k) for k in ["purchase", "contact", "ticket", "survey",
                               "points"]}
    got = ls(*extra, "-F", "id," + ",".join(METRICS))
    missing = {h["customer"] for k in hist for h in hist[k]} - \
        {c["id"] for c in got}
    if missing:
        sys.exit("customers %s have history but crm-ls does not list them"
                 % sorted(missing))
    for c in got:
        cid = c["id"]
        p = [h for h in hist["purchase"] if h["customer"] == cid and
             secs(h["ts"]) <= end]
        want = {m: None for m in METRICS}
        want.update(frequency=0, monetary="0.00", orders=0, open_tickets=0,
                    open_complaints=0, points=0)
        if p:
            ts = [secs(h["ts"]) for h in p]
            rev = sum(Decimal(h["amount"]) for h in p)
            orders = len({h["order_ref"] for h in p if h["order_ref"]}) + \
                len([h for h in p if not h["order_ref"]])
            fmt = lambda t: datetime.fromtimestamp(t, timezone.utc) \
                .strftime("%Y-%m-%dT%H:%M:%SZ")
            want.update(
                recency=now // 86400 - max(ts) // 86400,
                tenure=now // 86400 - min(ts) // 86400,
                frequency=len({t // 86400 for t in ts}),
                monetary=str(rev), orders=orders,
                aov=str((rev / orders).quantize(Decimal("0.01"),
                                                ROUND_HALF_UP)),
                first_purchase=fmt(min(ts)), last_purchase=fmt(max(ts)))
        fmt = lambda t: datetime.fromtimestamp(t, timezone.utc) \
            .strftime("%Y-%m-%dT%H:%M:%SZ")
        k = [h for h in hist["contact"] if h["customer"] == cid and
             secs(h["ts"]) <= end]
        for name, sel in [("last_contact", lambda h: True),
                          ("last_online", lambda h: h["channel"] in
                           ("phone", "email", "chat", "social")),
                          ("last_visit", lambda h: h["channel"] == "visit"),
                          ("last_inbound", lambda h: h["direction"] == "in")]:
            t = [secs(h["ts"]) for h in k if sel(h)]
            want[name] = fmt(max(t)) if t else None
        tickets = [
            h for h in hist["ticket"] if h["customer"] == cid and
            secs(h["opened"]) <= end and (h["status"] == "open" or (
                h["resolved"] is not None and secs(h["resolved"]) > end))]
        want["open_tickets"] = len(tickets)
        want["open_complaints"] = len([h for h in tickets
                                       if h["kind"] == "complaint"])
        for kind in ["csat", "nps", "expectation", "satisfaction"]:
            s = [h for h in hist["survey"] if h["customer"] == cid and
                 h["kind"] == kind and secs(h["ts"]) <= end]
            s.sort(key=lambda h: (secs(h["ts"]), h["id"]))
            want[kind] = s[-1]["score"] if s else None
        want["points"] = sum(h["delta"] for h in hist["points"]
                             if h["customer"] == cid and
                             secs(h["ts"]) <= end)
        for m in METRICS:
            if c.get(m) != want[m]:
                sys.exit("customer %d: %s is %r, the history says %r"
                         % (cid, m, c.get(m), want[m]))


def summary():
    today = int(datetime.now(timezone.utc).timestamp()) // 86400
    by = {}
    for h in ls("purchase"):
        by.setdefault(h["customer"], []).append(
            (secs(h["ts"]) // 86400, int(Decimal(h["amount"]) * 100)))
    for cid in sorted(by):
        p = by[cid]
        first = min(d for d, _ in p)
        last = max(d for d, _ in p)
        x = len({d for d, _ in p}) - 1
        repeat = sum(a for d, a in p if d != first)
        print("%d\t%d\t%d\t%d\t%.17g\tday" % (
            cid, x, last - first, max(today, last) - first,
            repeat / 100 / x if x > 0 else 0.0))


if __name__ == "__main__":
    if sys.argv[1] == "ops":
        ops(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "summary":
        summary()
    else:
        check(sys.argv[2])
