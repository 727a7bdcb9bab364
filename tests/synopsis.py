#!/usr/bin/python3
"""synopsis.py COMMAND PAGE: the options COMMAND's parser accepts, the
options of its usage string and those of the SYNOPSIS of its man page are
the same.

The parser's are what `COMMAND --options` prints: the option tables
crm_cli_next hands getopt (common and own, merged), one per line: -c or
--name, " ARG" when it takes one, " (-c)" after the long name of -c.  Long
names of short options (--db for -d) and the options every command has
(-h, --help, --version, --options; crm(7)) are not repeated in a SYNOPSIS.
"""
import re
import subprocess
import sys

EVERY = {"-h", "--help", "--version", "--options"}


def run(*argv):
    p = subprocess.run(argv, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0 or not p.stdout:
        sys.exit("%s: exit %d, %d bytes out: %s" % (
            " ".join(argv), p.returncode, len(p.stdout), p.stderr.strip()))
    return p.stdout


def options(words):
    out = set()
    for w in words:
        if w.startswith("--"):
            out.add(w)
        elif w.startswith("-") and len(w) > 1:
            out.update("-" + c for c in w[1:])
    return out


cmd, page = sys.argv[1], open(sys.argv[2]).read()
parser, names = set(), set()
for line in run(cmd, "--options").splitlines():
    m = re.fullmatch(r"(--?[\w-]+)( \[?ARG\]?)?( \(-.\))?", line)
    if not m:
        sys.exit("%s --options: malformed line %r" % (cmd, line))
    names.add(m.group(1))
    if not m.group(3):
        parser.add(m.group(1))
if not EVERY <= names:
    sys.exit("%s --options: %s missing" % (cmd, sorted(EVERY - names)))
parser -= EVERY

usage = run(cmd, "-h").splitlines()[0]
if not usage.startswith("usage: "):
    sys.exit("%s -h: the first line is not a usage: %r" % (cmd, usage))
usage = usage.split(None, 2)[2] if len(usage.split()) > 2 else ""
use = options(re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", usage))

syn = page.split(".Sh SYNOPSIS", 1)[1].split(".Sh ", 1)[0]
man = set()
for m in re.finditer(r"\bFl (\S+)", syn):
    flag = m.group(1)
    man |= options(["--" + flag[1:]] if flag.startswith("-") else ["-" + flag])

bad = []
for name, have in (("usage", use), ("SYNOPSIS", man)):
    if parser - have:
        bad.append("the parser accepts %s, not in the %s"
                   % (" ".join(sorted(parser - have)), name))
    if have - parser:
        bad.append("the %s has %s, which the parser refuses"
                   % (name, " ".join(sorted(have - parser))))
if bad:
    sys.exit("%s: %s" % (cmd, "; ".join(bad)))
