"""Rebuild the lookup aids of portlint's base-image table (run after editing it).

The table lives in ``src/portlint/knowledge/base_images/<family>.json``, one file per
image family, each entry with its source.  A lint looks up one or two images, so
it must not load or compile all of it: this script writes

* ``index.json``: image name -> the family file that describes it (and the fnmatch
  name patterns, such as AWS's per-region registries, to try after exact names);
* each entry's ``hint``: the longest literal its tag regex always contains, so the
  lint compiles only the regexes of entries whose hint is in the tag.

    python tools/knowledge/image_index.py          # rewrite index.json and the hints
    python tools/knowledge/image_index.py --check  # fail if they are out of date (the tests do this)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

TABLE = Path(__file__).resolve().parent.parent.parent / "src" / "portlint" / "knowledge" / "base_images"


def mandatory_literal(pattern: str) -> str:
    """The longest run of literal characters every match of ``pattern`` contains."""
    best = ""

    def walk(items) -> None:
        nonlocal best
        run = ""
        for op, value in items:
            if op is sre_parse.LITERAL:
                run += chr(value)
                continue
            if len(run) > len(best):
                best = run
            run = ""
            if op is sre_parse.SUBPATTERN:
                walk(value[-1])
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and value[0] >= 1:
                walk(value[2])
        if len(run) > len(best):
            best = run

    walk(sre_parse.parse(pattern))
    return best


def dump_family(data: dict) -> str:
    """A family file as the repository keeps it: one entry per line, for readable diffs."""
    head = {k: v for k, v in data.items() if k != "images"}
    lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    entries = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in data["images"])
    return "{\n" + "\n".join(lines) + '\n "images": [\n' + entries + "\n ]\n}\n"


def rebuild(check: bool = False) -> list[str]:
    """Rewrite the hints and the index; with ``check``, only report what is stale."""
    stale: list[str] = []
    names: dict[str, str] = {}
    patterns: list[list[str]] = []
    for path in sorted(TABLE.glob("*.json")):
        if path.name == "index.json":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        changed = False
        for entry in data["images"]:
            re.compile(entry.get("tags", ".*"))
            hint = mandatory_literal(entry.get("tags", ".*"))
            if entry.get("hint", "") != hint:
                entry["hint"] = hint
                changed = True
            for name in entry["names"]:
                if any(c in name for c in "*?["):
                    if [name, path.stem] not in patterns:
                        patterns.append([name, path.stem])
                elif names.setdefault(name, path.stem) != path.stem:
                    stale.append(f"{name} is described in both {names[name]}.json and {path.name}")
        if changed:
            stale.append(f"{path.name}: hints out of date")
            if not check:
                path.write_text(dump_family(data), encoding="utf-8")
    index = {"names": dict(sorted(names.items())), "patterns": patterns}
    index_path = TABLE / "index.json"
    current = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else None
    if current != index:
        stale.append("index.json out of date")
        if not check:
            index_path.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return stale


if __name__ == "__main__":
    problems = rebuild(check="--check" in sys.argv)
    for problem in problems:
        print(problem)
    sys.exit(1 if problems and "--check" in sys.argv else 0)
