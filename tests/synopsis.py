#!/usr/bin/python3
"""synopsis.py COMMAND PAGE: the options COMMAND's parser accepts, the
options of its usage string and those of the SYNOPSIS of its man page are
the same.

The parser's are what `COMMAND --options` prints: the option tables
crm_cli_next hands getopt, one per line of six tab-separated fields
(option or operand, -c or -, --name or -, the value's kind, its values,
the help line).  Long names of short options (--db for -d) and the
options every command has (-h, --help, --version, --options; crm(7)) are
not repeated in a SYNOPSIS.
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
    f = line.split("\t")
    if (len(f) != 6 or f[0] not in ("option", "operand")
            or not all(f)
            or f[0] == "option" and not (
                re.fullmatch(r"-|-[^-\s]", f[1])
                and re.fullmatch(r"-|--[\w-]+", f[2])
                and (f[1], f[2]) != ("-", "-"))):
        sys.exit("%s --options: malformed line %r" % (cmd, line))
    if f[0] != "option":
        continue
    names.update(n for n in f[1:3] if n != "-")
    # the long name of a short option is not repeated in a SYNOPSIS
    parser.add(f[1] if f[1] != "-" else f[2])
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
