#!/usr/bin/env python3
"""slurm-carbon: check the architecture the README draws — every #include runs to a folder on a
lower layer (or the same folder), and no two modules include each other, directly or in a circle.
Usage: scripts/check-layers.py [SOURCE_DIR]. Prints what breaks the rule and "N passed, N failed".
SPDX-License-Identifier: GPL-2.0-or-later"""
import os
import re
import sys

# The README's layers, bottom up; a folder may include its own layer's other folders only
# where listed in SAME_LAYER_OK (none today).
LAYERS = [["base"], ["policy"], ["forecast", "record"], ["budget"], ["config", "learn"], ["plan", "acct", "metrics"], ["sim"],
          ["plugin", "cli"]]
RANK = {d: i for i, layer in enumerate(LAYERS) for d in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/([a-z_0-9]+)\.h"', re.M)


def sources(top):
    for d in RANK:
        for name in sorted(os.listdir(os.path.join(top, d))):
            if name.endswith((".c", ".h")):
                yield os.path.join(d, name)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = []
    graph = {}
    for rel in sources(top):
        folder = rel.split("/")[0]
        unit = rel.rsplit(".", 1)[0]
        with open(os.path.join(top, rel), encoding="utf-8") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            dep, target = m.group(1), f"{m.group(1)}/{m.group(2)}"
            if dep not in RANK:
                continue
            if dep != folder and RANK[dep] >= RANK[folder]:
                bad.append(f"{rel}: includes {target}.h, not on a lower layer than {folder}/")
            if target != unit:
                graph.setdefault(unit, set()).add(target)
    # Circles between modules (a module = foo.c with foo.h), by depth-first search.
    state, stack = {}, []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for w in sorted(graph.get(u, ())):
            if state.get(w) == 1:
                bad.append("include circle: " + " -> ".join(stack[stack.index(w):] + [w]))
            elif w not in state:
                visit(w)
        stack.pop()
        state[u] = 2

    for u in sorted(graph):
        if u not in state:
            visit(u)
    for b in bad:
        print("not ok - " + b)
    checks = sum(len(v) for v in graph.values())
    print(f"{checks - len(bad) if checks >= len(bad) else 0} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
