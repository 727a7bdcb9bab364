#!/usr/bin/python3
"""synopsis.py PAGE USAGE: every option of a command's usage string is in
the SYNOPSIS of its man page, and every SYNOPSIS option is in the usage."""
import re
import sys


def options(words):
    out = set()
    for w in words:
        if w.startswith("--"):
            out.add(w)
        elif w.startswith("-") and len(w) > 1:
            out.update("-" + c for c in w[1:])
    return out


page, usage = open(sys.argv[1]).read(), sys.argv[2]
syn = page.split(".Sh SYNOPSIS", 1)[1].split(".Sh ", 1)[0]
man = set()
for m in re.finditer(r"\bFl (\S+)", syn):
    flag = m.group(1)
    man |= options(["--" + flag[1:]] if flag.startswith("-") else ["-" + flag])
use = options(re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", usage))
missing, extra = use - man, man - use
if missing or extra:
    sys.exit("%s: usage has %s not in SYNOPSIS; SYNOPSIS has %s not in usage"
             % (sys.argv[1], sorted(missing), sorted(extra)))
