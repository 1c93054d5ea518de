"""When the program runs a function: as its modules load, per web request, or only under
a condition.

Works on the call sites ``imports.py`` notes in each of the program's files.  A call is
matched to a function by name, in the file that defines it or in a file that imports
that file's module: no types, no aliases, so a match says "is called", never "is not".
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

from portlint.python.imports import CallSite, ModuleImports

# How surely a function runs; a higher rank wins when several callers reach it.
_RANK = {"condition": 1, "route": 2, "start": 3}


@dataclass(frozen=True)
class Reach:
    """How the program comes to call a function, and the call that shows it."""

    kind: str  # "start": as the modules load | "route": per web request | "condition": only when a test holds
    path: str  # context path of the file with the call
    line: int
    handler: str | None = None  # "generate() (POST /generate)" for a route
    condition: str | None = None  # for kind "condition": the test it runs under
    via: str | None = None  # for kind "start" when not the module itself: "the start-up hook … calls (…)"


def _is_main(condition: str | None) -> bool:
    """``__name__ == "__main__"``, however it is quoted or spaced."""
    return condition is not None and condition.replace('"', "'").replace(" ", "") in (
        "__name__=='__main__'", "'__main__'==__name__")


def _stem(path: str) -> str:
    """The module name a file is imported by (``llmserve/backends.py`` -> backends)."""
    name = posixpath.basename(path)
    if name == "__init__.py":
        return posixpath.basename(posixpath.dirname(path))
    return name[:-3] if name.endswith(".py") else name


def function_reach(
    files: Mapping[str, ModuleImports], starts: set[str], factories: tuple[tuple[str, str, str], ...] = ()
) -> dict[tuple[str, str], Reach]:
    """(context path, function name) -> how the program reaches it, for the program's files
    (context path -> what the file imports and calls); ``starts`` are the files it runs
    directly, whose ``if __name__ == "__main__":`` block runs too; ``factories`` are the
    functions the command itself calls at start (context path, name, how it says so)."""
    defined: dict[str, set[str]] = {path: {f.name for f in parsed.functions} for path, parsed in files.items()}
    definers: dict[str, list[tuple[str, str]]] = {}  # function name -> (file, its module name)
    for path, names in defined.items():
        for name in names:
            definers.setdefault(name, []).append((path, _stem(path)))
    imported: dict[str, set[str]] = {}
    for path, parsed in files.items():
        words: set[str] = set()
        for ref in parsed.imports:
            words.update(ref.module.split("."))
            words.update(ref.names)
        imported[path] = words

    def targets(caller: str, name: str) -> list[tuple[str, str]]:
        found = [(caller, name)] if name in defined[caller] else []
        words = imported[caller]
        found += [(path, name) for path, stem in definers.get(name, ()) if path != caller and stem in words]
        return found

    best: dict[tuple[str, str], Reach] = {}
    pending: list[tuple[str, str]] = []

    def offer(key: tuple[str, str], reach: Reach) -> None:
        current = best.get(key)
        if current is None or _RANK[reach.kind] > _RANK[current.kind]:
            best[key] = reach
            pending.append(key)

    def through(call: CallSite, caller: str, kind: str, handler: str | None, via: str | None = None) -> Reach:
        if call.condition is not None:
            return Reach("condition", caller, call.line, handler, call.condition)
        return Reach(kind, caller, call.line, handler, via=via)

    for path, name, via in factories:
        function = next((f for f in files[path].functions if f.name == name), None) if path in files else None
        if function is not None:
            offer((path, name), Reach("start", path, function.line, via=via))

    for path, parsed in files.items():
        for call in parsed.module_calls:
            if _is_main(call.condition):
                if path in starts:  # the script the command runs: its main block runs at start
                    call = CallSite(call.name, call.line, None)
                else:
                    continue
            for key in targets(path, call.name):
                offer(key, through(call, path, "start", None))
        for function in parsed.functions:
            if function.route is None:
                continue
            kind = "start" if function.route == "startup" else "route"
            handler = f"{function.name}() ({function.route})"
            for call in function.calls:
                via = f"the start-up hook {handler} calls ({path}:{call.line})" if kind == "start" else None
                for key in targets(path, call.name):
                    offer(key, through(call, path, kind, handler, via))
    # Whatever a reached function calls is reached the same way (or only under a condition).
    by_key = {(path, f.name): f for path, parsed in files.items() for f in parsed.functions}
    while pending:
        key = pending.pop()
        reach = best[key]
        function = by_key.get(key)
        if function is None:
            continue
        for call in function.calls:
            derived = reach if call.condition is None or reach.kind == "condition" else Reach(
                "condition", key[0], call.line, reach.handler, call.condition)
            for target in targets(key[0], call.name):
                if target != key:
                    offer(target, derived)
    return best
