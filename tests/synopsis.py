#!/usr/bin/python3
"""synopsis.py COMMAND PAGE: the options COMMAND's parser accepts, the
options of its usage line and those of the SYNOPSIS of its man page are
the same; every one is explained in -h (with its help line) and in the
OPTIONS section of the page, which explains no other.

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
parser, names, rows = set(), set(), []
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
    rows.append(f)
    # the long name of a short option is not repeated in a SYNOPSIS
    parser.add(f[1] if f[1] != "-" else f[2])
if not EVERY <= names:
    sys.exit("%s --options: %s missing" % (cmd, sorted(EVERY - names)))
parser -= EVERY

helptext = run(cmd, "-h")
lines = helptext.splitlines()
usage = lines[0]
# -h wraps its usage at 80 columns: the rest is indented under the first
for more in lines[1:]:
    if not more.startswith(" "):
        break
    if len(more) > 80:
        sys.exit("%s -h: a usage line is longer than 80: %r" % (cmd, more))
    usage += " " + more.strip()
if len(lines[0]) > 80:
    sys.exit("%s -h: the usage line is longer than 80: %r" % (cmd, lines[0]))
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
# -h: no line past 80 columns; an entry's help wraps under column 28
for l in lines:
    if len(l) > 80:
        bad.append("-h has a line longer than 80: %r" % l)
entries, body = [], []
for i, l in enumerate(lines):
    if l.startswith("options"):
        body = lines[i + 1:]
for l in body:
    if l.startswith(" " * 27) and entries:
        entries[-1] += " " + l.strip()
    elif l.startswith("  "):
        # the help starts at column 28, or under a name too long for it
        m = re.match(r"(  +\S+(?: \S+)*)( {2,}|$)", l)
        if m.group(2) and m.end() != 27:
            bad.append("-h: a help that is not in its column: %r" % l)
        entries.append(" ".join(l.split()))
# -h: every option and operand with its name, its help, and the values
# it takes when its value's name hides them (-o fmt: tsv, csv, ...)
allrows = rows + [f for f in (l.split("\t") for l in
                  run(cmd, "--options").splitlines()) if f[0] == "operand"]
for f in allrows:
    name = f[1] if f[1] != "-" else f[2]
    hit = [e for e in entries
           if re.match(r"(-\S, )?%s(?![\w-])" % re.escape(name), e)]
    if not hit or " ".join(f[5].split()) not in hit[0]:
        bad.append("-h does not explain %s (%s)" % (name, f[5]))
    elif f[3] == "enum" and f[4] != "-":
        missing = [v for v in f[4].split(",")
                   if not re.search(r"(?<![\w.-])%s(?![\w-])"
                                    % re.escape(v), hit[0])]
        if missing:
            bad.append("-h does not show the values of %s: %s"
                       % (name, " ".join(missing)))

# OPTIONS: the .It lines of the section name every option, and no other
if ".Sh OPTIONS" not in page:
    sys.exit("%s: the page has no OPTIONS section" % cmd)
sec = page.split(".Sh OPTIONS", 1)[1].split("\n.Sh ", 1)[0]
doc = set()
for line in sec.splitlines():
    if line.startswith(".It "):
        for m in re.finditer(r"\bFl (\S+)", line):
            flag = m.group(1)
            doc |= options(["--" + flag[1:]] if flag.startswith("-")
                           else ["-" + flag])
undoc = sorted(n for n in parser | EVERY if n not in doc
               and not any(n in (f[1], f[2]) and f[2] in doc for f in rows))
if undoc:
    bad.append("the OPTIONS section does not explain %s" % " ".join(undoc))
if doc - names:
    bad.append("the OPTIONS section explains %s, which the parser refuses"
               % " ".join(sorted(doc - names)))

for name, have in (("usage", use), ("SYNOPSIS", man)):
    if parser - have:
        bad.append("the parser accepts %s, not in the %s"
                   % (" ".join(sorted(parser - have)), name))
    if have - parser:
        bad.append("the %s has %s, which the parser refuses"
                   % (name, " ".join(sorted(have - parser))))
if bad:
    sys.exit("%s: %s" % (cmd, "; ".join(bad)))
