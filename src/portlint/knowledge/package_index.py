"""What the Python package index says about distributions, from the generated data.

The files in ``generated/`` are written by the maintainers' generator
(``tools/knowledge/``, which documents the format) from the index itself: which
distributions provide an import name, and for each release of about 10,000
distributions its wheel coverage, its Requires-Python and its dependencies.
Nothing here touches the network.  A lint reads the small index of byte offsets
once, then only the lines of the distributions it asks about, so a Dockerfile
that installs nothing pays nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from portlint.python.versions import normalize, satisfies

_DATA = Path(__file__).parent / "generated"
# Architectures as the data names them, by Docker platform.
ARCHITECTURE_OF_PLATFORM = {"amd64": "x86_64", "arm64": "aarch64", "arm": "armv7l", "ppc64le": "ppc64le",
                            "s390x": "s390x", "386": "i686"}


@lru_cache(maxsize=None)
def _table(name: str) -> bytes:
    """A sorted ``key<TAB>value`` table's bytes (empty when the data is absent)."""
    try:
        return (_DATA / name).read_bytes()
    except FileNotFoundError:
        return b""


def _lookup(table: str, key: str) -> str | None:
    """The value of ``key``, by binary search over the table's lines: no line is split or
    decoded but the dozen the search visits, so a lookup costs microseconds."""
    data = _table(table)
    probe = key.encode() + b"\t"
    low, high = 0, len(data)
    while low < high:  # find the first line whose text is >= probe
        middle = (low + high) // 2
        start = data.rfind(b"\n", 0, middle) + 1
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end] < probe:
            low = end + 1
        else:
            high = start
    if data.startswith(probe, low):
        end = data.find(b"\n", low)
        return data[low + len(probe):end if end >= 0 else len(data)].decode()
    return None


def module_providers(module: str) -> tuple[str, ...] | None:
    """Distributions whose wheels hold this (dotted) import name, most downloaded first."""
    found = _lookup("imports.tsv", module)
    return tuple(found.split()) if found else None


def command_providers(command: str) -> tuple[str, ...]:
    found = _lookup("commands.tsv", command)
    return tuple(found.split()) if found else ()


def modules_of(distribution: str) -> frozenset[str] | None:
    """The top-level import names a distribution's wheels hold; None when the data lacks it."""
    found = _lookup("modules.tsv", distribution)
    return frozenset(found.split()) if found is not None else None


def minors_text_contains(text: str, minor: int) -> bool:
    """'7-10,12-' contains 8 and 13, not 11."""
    for part in text.split(","):
        first, dash, last = part.partition("-")
        if not first:
            continue
        if not dash:
            if int(first) == minor:
                return True
        elif int(first) <= minor and (not last or minor <= int(last)):
            return True
    return False


@dataclass(frozen=True)
class Coverage:
    """The files one release offers on Linux: an sdist, and wheels by platform class."""

    sdist: bool
    wheels: dict[str, str]  # 'any' | '<arch>' | 'musl-<arch>' -> CPython minors ('8-12', '7-')

    @classmethod
    def decode(cls, code: str) -> Coverage:
        parts = code.split()
        return cls(sdist="s" in parts, wheels=dict(p.split(":", 1) for p in parts if ":" in p))

    @property
    def pure(self) -> bool:
        return "any" in self.wheels

    def has_wheel(self, architecture: str | None = None, musl: bool = False, minor: int | None = None) -> bool:
        """A wheel pip would take on that architecture and CPython minor (None: any)."""
        classes = ["any"]
        if architecture is None:
            classes += [c for c in self.wheels if c != "any" and c.startswith("musl-") == musl]
        else:
            classes.append(f"musl-{architecture}" if musl else architecture)
        for name in classes:
            minors = self.wheels.get(name)
            if minors is not None and (minor is None or minors_text_contains(minors, minor)):
                return True
        return False

    def platform_wheels(self) -> bool:
        return any(c != "any" for c in self.wheels)


@dataclass(frozen=True)
class Dependency:
    """One Requires-Dist of a release, as the generator simplified it."""

    name: str
    extras: tuple[str, ...] = ()  # what it asks of the dependency: uvicorn[standard]
    extra: str = ""  # the extra of the release it belongs to ('' = always)
    condition: str = ""  # 'machine:minors|…' ('*' = any machine); '' = always

    def applies(self, minor: int | None, architectures: tuple[str, ...] | None) -> bool:
        if not self.condition:
            return True
        for part in self.condition.split("|"):
            machine, _, minors = part.partition(":")
            if architectures is not None and machine != "*" and machine not in architectures:
                continue
            if minor is None or minors_text_contains(minors, minor):
                return True
        return False


@dataclass(frozen=True)
class PackageRecord:
    """One distribution's releases, coverage, Requires-Python and dependencies."""

    name: str
    versions: tuple[str, ...]
    coverage_runs: tuple[tuple[int, str], ...]
    python_runs: tuple[tuple[int, str], ...]
    dependency_runs: tuple
    dependencies_from: int | None

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.versions)}

    @cached_property
    def _normalized_positions(self) -> dict[str, int]:
        return {normalize(v) or v: i for i, v in enumerate(self.versions)}

    def index_of(self, version: str) -> int | None:
        """The position of a release ('2.4.0' finds '2.4'); None if the data has no such release."""
        found = self._positions.get(version)
        if found is not None:
            return found
        wanted = normalize(version)
        return self._normalized_positions.get(wanted) if wanted is not None else None

    @staticmethod
    def _run_value(runs, index: int):
        value = None
        for start, run_value in runs:
            if start > index:
                break
            value = run_value
        return value

    def coverage(self, index: int) -> Coverage:
        return Coverage.decode(self._run_value(self.coverage_runs, index) or "")

    def requires_python(self, index: int) -> str:
        return self._run_value(self.python_runs, index) or ""

    def admits_python(self, index: int, python: str) -> bool | None:
        """Whether the release's Requires-Python admits that interpreter (None: cannot tell)."""
        specifier = self.requires_python(index)
        if not specifier:
            return True
        admitted = _admits(specifier, python)
        if python.count(".") == 1 and admitted is not _admits(specifier, python + ".99"):
            return None  # "3.7" is some 3.7.z: `>=3.7.1` holds for the later ones, so it cannot tell
        return admitted

    def dependencies(self, index: int) -> tuple[tuple[Dependency, ...], frozenset[str]] | None:
        """(dependencies, declared extras) of a release; None before the data's window."""
        if self.dependencies_from is None:
            return None
        if index < self.dependencies_from:
            return None
        state: set[tuple] = set()
        for run in self.dependency_runs:
            if run[0] > index:
                break
            state |= {tuple(e) for e in run[1]}
            if len(run) > 2:
                state -= {tuple(e) for e in run[2]}
        entries = []
        extras = set()
        for entry in sorted(state):
            if not entry[0]:
                extras.add(entry[2])
                continue
            requested = tuple(entry[1].split(",")) if len(entry) > 1 and entry[1] else ()
            entries.append(Dependency(entry[0], requested, entry[2] if len(entry) > 2 else "",
                                      entry[3] if len(entry) > 3 else ""))
        return tuple(entries), frozenset(extras | {d.extra for d in entries if d.extra})

    def newest(self, python: str | None = None, before: int | None = None) -> int | None:
        """The newest release (below ``before``) that admits the interpreter, as pip picks."""
        end = len(self.versions) if before is None else before
        for index in range(end - 1, -1, -1):
            if python is None or self.admits_python(index, python) is not False:
                return index
        return None


@lru_cache(maxsize=4096)
def _admits(specifier: str, python: str) -> bool | None:
    return satisfies(python, specifier)  # a few distinct Requires-Python strings serve thousands of releases


def package(name: str) -> PackageRecord | None:
    """The generated record of a distribution (canonical name); None if not in the data."""
    return _package(name)


@lru_cache(maxsize=4096)
def _package(name: str) -> PackageRecord | None:
    where = _lookup("packages.index.tsv", name)
    if where is None:
        return None
    start, length = (int(n) for n in where.split("\t"))
    with (_DATA / "packages.jsonl").open("rb") as handle:
        handle.seek(start)
        record = json.loads(handle.read(length))
    return PackageRecord(
        name=record["n"],
        versions=tuple(record["v"]),
        coverage_runs=tuple((s, v) for s, v in record.get("c", ())),
        python_runs=tuple((s, v) for s, v in record.get("p", ())),
        dependency_runs=tuple(record.get("d", ())),
        dependencies_from=record.get("ds"),
    )


def about() -> dict:
    try:
        return json.loads((_DATA / "about.json").read_bytes())
    except FileNotFoundError:
        return {}
