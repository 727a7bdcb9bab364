#!/usr/bin/python3
"""modules.py: the module graph of libcrm, read from its objects by nm(1).

    modules.py OBJ-DIR          print each cycle, exit 1 if there is one
    modules.py --edges OBJ-DIR  print "A B SYMBOL" per use of B's symbol by A

A module is an object file (libcrm/NAME.c -> OBJ-DIR/NAME.o; fault.o, the
test VFS of FAULT=1 builds, is no module of libcrm).  A uses B when an
undefined symbol of A.o is defined (text, data, bss, read-only or common)
in B.o.  A cycle is a strongly connected component of more than one
module (Tarjan's algorithm), printed with the symbols of its edges so the
reason can be read off.
"""
import glob
import os
import subprocess
import sys


def graph(objdir):
    defs, uses = {}, {}
    for o in sorted(glob.glob(os.path.join(objdir, "*.o"))):
        m = os.path.basename(o)[:-2]
        if m == "fault":
            continue
        out = subprocess.run(["nm", o], capture_output=True, text=True,
                             check=True).stdout
        uses[m] = set()
        for line in out.splitlines():
            p = line.split()
            if len(p) == 2 and p[0] == "U":
                uses[m].add(p[1])
            elif len(p) == 3 and p[1] in "TDBRCVW":
                defs[p[2]] = m
    edges = {m: {} for m in uses}
    for m, syms in uses.items():
        for s in syms:
            d = defs.get(s)
            if d is not None and d != m:
                edges[m].setdefault(d, set()).add(s)
    return edges


def sccs(edges):
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    args = sys.argv[1:]
    if args and args[0] == "--edges":
        edges = graph(args[1])
        for a in sorted(edges):
            for b in sorted(edges[a]):
                for s in sorted(edges[a][b]):
                    print(a, b, s)
        return 0
    edges = graph(args[0])
    if not edges:
        print("no objects in " + args[0], file=sys.stderr)
        return 2
    bad = [c for c in sccs(edges) if len(c) > 1]
    for c in bad:
        print("cycle: " + " ".join(c))
        for a in c:
            for b in sorted(edges[a]):
                if b in c:
                    print("  %s -> %s (%s)" % (a, b,
                          ", ".join(sorted(edges[a][b]))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
