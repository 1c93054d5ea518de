"""What an installed set of distributions brings along, release by release.

``pip install transformers==4.41.2`` also installs huggingface-hub, tokenizers,
numpy, … : the Requires-Dist of that release, for the image's Python and
architectures, and then theirs.  The package-index data answers this for the
distributions it holds; the hand-written ``transitive.json`` answers (and wins) for
the ones the index cannot tell about.  The result maps each dependency to what
brought it (``flask``, ``celery[redis]``), for PL201/PL202's messages.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from portlint.knowledge import load
from portlint.knowledge.package_index import PackageRecord, package


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Target:
    """The interpreter and machines the image runs on (None: not known)."""

    python: str | None = None  # "3.12" or "3.12.7"
    architectures: tuple[str, ...] | None = None  # ("x86_64", "aarch64")

    @property
    def minor(self) -> int | None:
        if self.python is None:
            return None
        parts = self.python.split(".")
        return int(parts[1]) if len(parts) > 1 and parts[0] == "3" and parts[1].isdigit() else None


@dataclass(frozen=True)
class Root:
    """An installed distribution: its name, the exact version if pinned, the extras asked for."""

    name: str
    version: str | None = None
    extras: tuple[str, ...] = ()


def _hand_requires(name: str) -> tuple[str, ...] | None:
    entry = load("transitive").get("packages", {}).get(name)
    return tuple(canonical(r) for r in entry.get("requires", ())) if entry else None


def _hand_extra(name: str, extra: str) -> tuple[str, ...] | None:
    known = load("transitive").get("extras", {}).get(name, {}).get("extras", {})
    return tuple(canonical(d) for d in known[extra]) if extra in known else None


def _release_index(record: PackageRecord, version: str | None, target: Target) -> int | None:
    if version is not None:
        found = record.index_of(version)
        if found is not None:
            return found
    return record.newest(target.python)


def direct_dependencies(name: str, version: str | None, extras: Iterable[str], target: Target) -> list[tuple[str, tuple[str, ...], str]]:
    """(dependency, extras it is asked with, extra of ``name`` that brings it or '')."""
    extras = tuple(extras)
    found: list[tuple[str, tuple[str, ...], str]] = []
    hand = _hand_requires(name)
    record = package(name)
    index = _release_index(record, version, target) if record is not None else None
    deps = None
    if record is not None and index is not None:
        deps = record.dependencies(index)
        if deps is None and record.dependencies_from is not None:
            deps = record.dependencies(record.dependencies_from)  # older than the data's window: its nearest release
    if hand is not None or deps is None:
        found += [(d, (), "") for d in hand or ()]
    else:
        found += [(d.name, d.extras, "") for d in deps[0] if not d.extra and d.applies(target.minor, target.architectures)]
    for extra in extras:
        hand_extra = _hand_extra(name, extra)
        if hand_extra is not None:
            found += [(d, (), extra) for d in hand_extra]
        elif deps is not None:
            found += [(d.name, d.extras, extra) for d in deps[0]
                      if d.extra == extra and d.applies(target.minor, target.architectures)]
        elif record is None:
            found.append((extra, (), extra))  # celery[redis]: an unknown extra is usually named after what it adds
    return found


def brought_by(roots: Iterable[Root], target: Target = Target()) -> dict[str, str]:
    """Distributions the roots pull in (with the extras they were installed with):
    dependency -> what brings it.  Breadth first, so every root is read at its own
    pinned release before anything it depends on, and the shortest chain is named."""
    roots = list(roots)
    installed = {r.name for r in roots}
    brought: dict[str, str] = {}
    done: dict[str, set[str]] = {}  # name -> extras already followed ('' = its plain dependencies)
    queue = deque((r.name, r.version, r.extras, None) for r in roots)
    while queue:
        name, version, extras, via = queue.popleft()
        todo = ({""} | set(extras)) - done.setdefault(name, set())
        if not todo:
            continue
        done[name] |= todo
        for dependency, dependency_extras, extra in direct_dependencies(name, version, sorted(e for e in todo if e), target):
            if not extra and "" not in todo:
                continue
            through = via or (f"{name}[{extra}]" if extra else name)
            if dependency not in installed:
                brought.setdefault(dependency, through)
            queue.append((dependency, None, dependency_extras, through))
    return brought
