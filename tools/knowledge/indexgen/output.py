"""Writes the data files portlint reads (``portlint.knowledge.package_index`` decodes them).

``packages.jsonl``
    One JSON object per line and distribution, sorted by name:
    ``{"n": name, "v": [versions, ascending], "c": runs, "p": runs, "d": runs, "ds": i}``.
    A *run* is ``[first release index, value]``: the value holds for that release and
    the ones after it until the next run starts, so a value shared by consecutive
    releases is written once.  ``c``: coverage codes (``indexgen.releases.coverage_code``);
    ``p``: Requires-Python; ``d``: dependency runs ``[first index, added, removed]``,
    each listing the entries that changed from the run before (an entry is
    ``[name, requested extras, extra it belongs to, condition]``, trailing empties
    dropped; ``["", "", x]`` declares extra ``x``), known from release ``ds`` on
    (earlier releases were not read).
``packages.index.tsv``
    ``name<TAB>byte offset<TAB>byte length`` into ``packages.jsonl``, so a lint reads only
    the lines of the distributions it asks about.
``imports.tsv``, ``commands.tsv``, ``modules.tsv``
    ``import name<TAB>distributions`` (space-separated, most downloaded first),
    ``command<TAB>distributions`` and ``distribution<TAB>top-level import names``.

The ``.tsv`` tables are sorted by their first column (Python's string order), so the
lint finds a key by binary search over the file's lines without building a dictionary.
``about.json``
    When and from where the data was generated, and how much of it there is.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from packaging.version import Version

from indexgen.project import ProjectFacts

# A name given by more distributions than this, none named like it, is too generic to
# tell a user which one to install (``utils``, ``common``): leave it to portlint's guess.
MAX_PROVIDERS = 12


def _runs(values: list) -> list:
    runs: list = []
    for index, value in enumerate(values):
        if not runs or runs[-1][1] != value:
            runs.append([index, value])
    return runs


def _state(dependencies: list) -> tuple:
    """A release's dependency entries plus its declared extras as ``["", "", extra]``."""
    entries, extras = dependencies
    return tuple(sorted({json.dumps(e) for e in entries} | {json.dumps(["", "", x]) for x in extras}))


def _delta_runs(first: int, states: list[tuple]) -> list:
    """``[first index, added, removed]`` runs: each says what changed from the run before."""
    runs: list = []
    previous: set[str] = set()
    for offset, state in enumerate(states):
        current = set(state)
        if runs and current == previous:
            continue
        added = [json.loads(e) for e in sorted(current - previous)]
        removed = [json.loads(e) for e in sorted(previous - current)]
        runs.append([first + offset, added, removed] if removed else [first + offset, added])
        previous = current
    return runs


def package_record(facts: ProjectFacts) -> dict:
    record: dict = {"n": facts.name, "v": facts.versions}
    record["c"] = _runs(facts.coverage)
    record["p"] = _runs(facts.requires_python)
    known = sorted(facts.dependencies, key=Version)
    if known:
        position = {v: i for i, v in enumerate(facts.versions)}
        first = position[known[0]]
        states = []
        current = _state(facts.dependencies[known[0]])
        for version in facts.versions[first:]:
            if version in facts.dependencies:  # a release not read counts as the one before it
                current = _state(facts.dependencies[version])
            states.append(current)
        record["d"] = _delta_runs(first, states)
        record["ds"] = first
    return record


def _write_table(path: Path, rows: dict[str, str]) -> None:
    """key<TAB>value lines, sorted by key, for the lint's binary search."""
    lines = [f"{key}\t{value}" for key, value in sorted(rows.items()) if "\t" not in key and "\n" not in key]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write(directory: Path, projects: list[ProjectFacts], rank: dict[str, int], about: dict) -> dict:
    """Write the data files; returns the counts for the report."""
    directory.mkdir(parents=True, exist_ok=True)
    found = sorted((p for p in projects if p.found and p.versions), key=lambda p: p.name)
    offsets: dict[str, list[int]] = {}
    position = 0
    with (directory / "packages.jsonl").open("wb") as handle:
        for facts in found:
            line = json.dumps(package_record(facts), separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
            offsets[facts.name] = [position, len(line) - 1]
            handle.write(line)
            position += len(line)
    _write_table(directory / "packages.index.tsv", {name: f"{start}\t{length}" for name, (start, length) in offsets.items()})

    providers: dict[str, list[str]] = defaultdict(list)
    commands: dict[str, list[str]] = defaultdict(list)
    for facts in found:
        for module in facts.import_names:
            providers[module].append(facts.name)
        for command in facts.commands:
            commands[command].append(facts.name)
    order = lambda name: (rank.get(name, len(rank) + 1), name)  # noqa: E731
    modules = {}
    for module, names in sorted(providers.items()):
        names = sorted(set(names), key=order)
        named_like = any(n.replace("-", "_") == module.split(".")[0].lower() for n in names)
        if len(names) > MAX_PROVIDERS and not named_like:
            continue
        modules[module] = names[:MAX_PROVIDERS]
    commands_out = {c: sorted(set(n), key=order)[:MAX_PROVIDERS] for c, n in sorted(commands.items())}
    _write_table(directory / "imports.tsv", {m: " ".join(n) for m, n in modules.items()})
    _write_table(directory / "commands.tsv", {c: " ".join(n) for c, n in commands_out.items()})
    tops: dict[str, set[str]] = defaultdict(set)
    for module, names in modules.items():
        for name in names:
            tops[name].add(module.split(".")[0])
    _write_table(directory / "modules.tsv", {name: " ".join(sorted(found)) for name, found in tops.items()})
    for stale in ("imports.json", "packages.index.json"):
        (directory / stale).unlink(missing_ok=True)
    counts = {
        "distributions": len(found),
        "releases": sum(len(p.versions) for p in found),
        "releases_with_dependencies": sum(len(p.dependencies) for p in found),
        # distinct (distribution, dependency) pairs over every release read, extras included
        "dependency_edges": len({(p.name, entry[0]) for p in found for deps, _ in p.dependencies.values() for entry in deps}),
        "import_names": len(modules),
        "commands": len(commands_out),
        "not_on_index": sorted(p.name for p in projects if not p.found),
    }
    (directory / "about.json").write_text(json.dumps({**about, "counts": {k: v for k, v in counts.items() if k != "not_on_index"}},
                                                     indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return counts
