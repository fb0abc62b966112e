#!/usr/bin/env python3
"""Checks the import graph of src/: no cycle between files, and no import
from a lower layer to a higher one. Run by .ci/run; prints each problem and
exits 1 when there is one.

The layers, bottom up (a module may import its own layer and those below):
leaves, then config and db, then the domain (itself ordered: the shared
types, then directory and audit, hook events, users, invitations, then
resets, sessions, end dates, reminders and renewals, then people files), then mail and the hooks runner, then the two adapters,
cli and web. A path is `crate::a::b` in a `use` or in the code."""
import re
import sys
from pathlib import Path

LAYERS = [
    ("address", "cidr", "error", "i18n", "password", "suggest", "text", "time", "token"),
    ("config", "db"),
    ("domain::change", "domain::user"),
    ("domain::directory", "domain::audit"),
    ("domain::hook_events",),
    ("domain::users",),
    ("domain::invitations",),
    ("domain::resets", "domain::sessions", "domain::end_dates", "domain::reminders",
     "domain::renewals"),
    ("domain::people",),
    ("mail", "hooks"),
    ("cli", "web"),
]
# domain/ files not named above (a new rule) sit with sessions until placed.
DOMAIN_DEFAULT = len(LAYERS) - 4


def module_of(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return "::".join(parts)


def layer_of(module: str):
    best, rank = "", None
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + "::")) and len(name) > len(best):
                best, rank = name, i
    if rank is None and module.startswith("domain::"):
        return DOMAIN_DEFAULT
    return rank


def imports(text: str, module: str):
    """The paths a module names, as paths from the crate root."""
    text = re.sub(r"//[^\n]*", "", text)
    found = set()
    # `super::x` in a::b::c (file a/b/c.rs) is a::b::x; in a/b/mod.rs (a::b) it is a::x.
    parent = module.rsplit("::", 1)[0] if "::" in module else ""
    for path in re.finditer(r"\bsuper::((?:[a-z_][a-z0-9_]*)(?:::[a-z_][a-z0-9_]*)*)", text):
        found.add(f"{parent}::{path.group(1)}" if parent else path.group(1))
    for group in re.finditer(r"\buse super::\{(.*?)\};", text, re.S):
        for item in re.split(r",(?![^{]*\})", group.group(1)):
            item = re.split(r"::\{|\s", item.strip())[0]
            if item:
                found.add(f"{parent}::{item}" if parent else item)
    for group in re.finditer(r"\buse crate::\{(.*?)\};", text, re.S):
        for item in re.split(r",(?![^{]*\})", group.group(1)):
            item = item.strip()
            if item:
                found.add(re.split(r"::\{|\s", item)[0])
    for path in re.finditer(r"\bcrate::((?:[a-z_][a-z0-9_]*)(?:::[a-z_][a-z0-9_]*)*)", text):
        found.add(path.group(1))
    return found


def main() -> int:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    files = {module_of(p, src): p for p in src.rglob("*.rs")}
    modules = set(files) - {"lib", "main"}
    edges = {}
    problems = []
    for module in sorted(modules):
        text = files[module].read_text()
        if "#[cfg(test)]" in text:
            text = text.split("#[cfg(test)]", 1)[0]
        if module.endswith("::tests") or module.endswith("_tests"):
            continue
        targets = set()
        for path in imports(text, module):
            # the longest module this path names
            parts = path.split("::")
            for n in range(len(parts), 0, -1):
                candidate = "::".join(parts[:n])
                if candidate in modules:
                    targets.add(candidate)
                    break
        targets.discard(module)
        edges[module] = targets
        here = layer_of(module)
        if here is None and not re.search(r"\bfn\b", text):
            continue  # a folder's face: only its list of modules
        if here is None:
            problems.append(f"{files[module]}: in no layer; add it to LAYERS in {sys.argv[0]}")
            continue
        for target in sorted(targets):
            there = layer_of(target)
            if there is not None and there > here and not target.startswith(module + "::"):
                problems.append(f"{files[module]} imports {target}, a higher layer")
    # cycles between files (a parent module and its own children excepted)
    seen, stack, on_stack = set(), [], set()

    def visit(node):
        seen.add(node)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt.startswith(node + "::") or node.startswith(nxt + "::"):
                continue
            if nxt in on_stack:
                cycle = stack[stack.index(nxt):] + [nxt]
                problems.append("cycle: " + " -> ".join(cycle))
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        on_stack.discard(node)

    for module in sorted(edges):
        if module not in seen:
            visit(module)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
