#!/usr/bin/python3
"""rfm.py: RFM scores and segments written again from crm-tier(1),
apart from libcrm/tier.c, so the tests can check crm-tier against them.

    rfm.py MASTER ASOF

MASTER is a CDNOW master file (customer_id date number_of_cds dollar_value,
a header line allowed); ASOF a day YYYY-MM-DD.  Every customer with a
purchase on or before ASOF is scored:

    recency    whole days from the day of the last purchase to ASOF
    frequency  distinct purchase days
    monetary   revenue (summed in cents, exactly)

Score per dimension: 1 + floor(5 (r - 1) / N), r the lowest 1-based place
of the customer's value among the N buyers, places counted from the worst
value (the longest recency, the fewest days, the least revenue), so equal
values share the score of the lowest place of their span.  The segment is
read off the R x F grid of crm-tier(1).

Prints `ref<TAB>segment<TAB>RFM` per customer, ref being C%07d of the CDNOW
id (as scripts/cdnow-purchases names them), sorted by ref.
"""
import bisect
import datetime
import sys

# crm-tier(1), the rfm scheme: segment, R scores, F scores.
GRID = [
    ("Champions", (5,), (4, 5)),
    ("Loyal", (3, 4), (4, 5)),
    ("Potential loyalists", (4, 5), (2, 3)),
    ("New", (5,), (1,)),
    ("Promising", (4,), (1,)),
    ("Need attention", (3,), (3,)),
    ("About to sleep", (3,), (1, 2)),
    ("At risk", (1, 2), (3, 4)),
    ("Can't lose them", (1, 2), (5,)),
    ("Hibernating", (1, 2), (1, 2)),
]


def segments():
    """(R, F) -> segment; every cell of the grid exactly once."""
    cell = {}
    for name, rs, fs in GRID:
        for r in rs:
            for f in fs:
                if (r, f) in cell:
                    sys.exit("rfm.py: R%d F%d twice" % (r, f))
                cell[r, f] = name
    if len(cell) != 25:
        sys.exit("rfm.py: the grid has %d cells, not 25" % len(cell))
    return cell


def cents(s):
    whole, _, frac = s.partition(".")
    frac = (frac + "00")[:2]
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int(frac))


def scores(values):
    """The score of each value: places counted from the smallest value."""
    srt = sorted(values)
    n = len(srt)
    # bisect_left: how many values are strictly smaller, so r - 1.
    return [1 + 5 * bisect.bisect_left(srt, v) // n for v in values]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: rfm.py MASTER ASOF")
    asof = datetime.date.fromisoformat(sys.argv[2])
    days, rev = {}, {}
    with open(sys.argv[1], encoding="ascii") as f:
        for line in f:
            w = line.split()
            if len(w) != 4 or w[0] == "customer_id":
                continue
            d = datetime.datetime.strptime(w[1], "%Y%m%d").date()
            if d > asof:
                continue
            c = int(w[0])
            days.setdefault(c, set()).add(d)
            rev[c] = rev.get(c, 0) + cents(w[3])
    ids = sorted(days)
    # Recency reversed: a longer recency is a worse place, so rank -recency.
    rs = scores([-(asof - max(days[c])).days for c in ids])
    fs = scores([len(days[c]) for c in ids])
    ms = scores([rev[c] for c in ids])
    cell = segments()
    for c, r, f, m in zip(ids, rs, fs, ms):
        print("C%07d\t%s\t%d%d%d" % (c, cell[r, f], r, f, m))


if __name__ == "__main__":
    main()
