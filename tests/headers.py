#!/usr/bin/python3
"""headers.py TOP: crm.h holds what commands use, crm-int.h the rest.

Prints, one per line, each function crm.h declares that no cmd/*.c
names, each crm-int.h declares that one does, each struct crm-int.h
defines that one names (libcrm's own: a kind's SQL, the parse under
way) unless it is a handle: opaque in crm.h, which passes it to
or from a function (struct crm_page), each struct, enum or macro crm.h
defines that no command names (an enum is named by its tag or one of its
values) but for those of ALLOW below, and each command that includes
crm-int.h; nothing when the split is right.
"""
import glob
import os
import re
import sys

top = sys.argv[1]

# What crm.h defines and no command spells, and why it stays there.
ALLOW = {
    "CRM_H": "the header's include guard",
    # crm_field_mask gives it and crm_tab_mask takes it: crm-report passes
    # one to the other without writing the type.
    "crm_mask": "the type of a value commands pass from one call to another",
}


def declared(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    # A declaration's name: crm_x( at the start of a line or after a type.
    return set(re.findall(r"^[a-z_ \t*]*?\b(crm_[a-z0-9_]+)\(", text,
                          flags=re.M))


cmds = {p: open(p).read() for p in glob.glob(os.path.join(top, "cmd/*.c"))}
# What commands write, comments left out (a comment naming a type is
# not a use of it).
code = "\n".join(re.sub(r"/\*.*?\*/", "", t, flags=re.S)
                 for t in cmds.values())
if not cmds:
    sys.exit("headers.py: no commands under %s" % top)
used = "\n".join(cmds.values())


def uses(name):
    return re.search(r"\b%s\b" % name, used) is not None


pub = declared(os.path.join(top, "libcrm/crm.h"))
priv = declared(os.path.join(top, "libcrm/crm-int.h"))
if len(pub) < 50 or len(priv) < 10:
    sys.exit("headers.py: only %d and %d declarations read" % (len(pub),
                                                               len(priv)))
for n in sorted(pub):
    if not uses(n):
        print("crm.h: %s: no command uses it" % n)
for n in sorted(priv):
    if uses(n):
        print("crm-int.h: %s: a command uses it" % n)
text = re.sub(r"/\*.*?\*/", "",
              open(os.path.join(top, "libcrm/crm-int.h")).read(), flags=re.S)
pubtext = re.sub(r"/\*.*?\*/", "",
                 open(os.path.join(top, "libcrm/crm.h")).read(), flags=re.S)
protos = [d for d in pubtext.split(";")
          if re.search(r"\bcrm_[a-z0-9_]+\s*\(", d)]
opaque = set(n for n in re.findall(r"^struct (crm_[a-z0-9_]+);", pubtext,
                                   flags=re.M)
             if any(re.search(r"\bstruct %s\b" % n, d) for d in protos))
for n in sorted(set(re.findall(r"^struct (crm_[a-z0-9_]+) \{", text,
                               flags=re.M)) - opaque):
    if re.search(r"\bstruct %s\b" % n, used):
        print("crm-int.h: struct %s: a command names it" % n)

def named(name):
    return re.search(r"\b%s\b" % name, code) is not None


defs = [("struct", n) for n in re.findall(r"^struct (crm_[a-z0-9_]+) \{",
                                           pubtext, flags=re.M)]
for m in re.finditer(r"^enum (crm_[a-z0-9_]+) \{(.*?)\}", pubtext,
                     flags=re.M | re.S):
    vals = re.findall(r"^\s*([A-Z][A-Z0-9_]*)", m.group(2), flags=re.M)
    if not vals:
        sys.exit("headers.py: enum %s: no values read" % m.group(1))
    defs.append(("enum", m.group(1), vals))
defs += [("macro", n) for n in re.findall(r"^#\s*define\s+([A-Za-z0-9_]+)",
                                          pubtext, flags=re.M)]
if len([d for d in defs if d[0] == "struct"]) < 20 or \
        len([d for d in defs if d[0] == "macro"]) < 10:
    sys.exit("headers.py: only %d definitions read in crm.h" % len(defs))
for d in defs:
    if d[1] in ALLOW:
        continue
    if d[0] == "struct" and named("struct %s" % d[1]):
        continue
    if d[0] == "enum" and (named("enum %s" % d[1]) or
                           any(named(v) for v in d[2])):
        continue
    if d[0] == "macro" and named(d[1]):
        continue
    print("crm.h: %s %s: no command names it" % (d[0], d[1]))
for p, text in sorted(cmds.items()):
    if '#include "crm-int.h"' in text:
        print("%s: includes crm-int.h" % os.path.relpath(p, top))
