"""Core metadata (PEP 566/643) of a release: what it requires, and under which conditions.

Every ``Requires-Dist`` becomes one compact dependency entry.  Its marker is
evaluated here, once, over every CPython 3 minor and Linux architecture portlint
judges, so the lint never needs a marker parser: what is left is the extra the
dependency belongs to and the (minor, architecture) pairs where it applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from email.parser import HeaderParser

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from indexgen.releases import ARCHITECTURES, MAX_MINOR, _minor_text

MINORS = tuple(range(0, MAX_MINOR + 1))
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


@dataclass(frozen=True)
class Metadata:
    """What a release's METADATA says about installing it."""

    requires_dist: tuple[str, ...]
    requires_python: str
    provides_extra: tuple[str, ...]


def parse_metadata(text: str) -> Metadata:
    message = HeaderParser().parsestr(text, headersonly=True)
    return Metadata(
        requires_dist=tuple(v.strip() for v in message.get_all("Requires-Dist") or () if v.strip()),
        requires_python=(message.get("Requires-Python") or "").strip(),
        provides_extra=tuple(canonicalize_name(v.strip()) for v in message.get_all("Provides-Extra") or () if v.strip()),
    )


def _environment(minor: int, machine: str, extra: str) -> dict[str, str]:
    version = f"3.{minor}"
    return {
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_version": f"{version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": machine,
        "platform_release": "",
        "platform_version": "",
        "extra": extra,
    }


def condition_text(truth: set[tuple[int, str]]) -> str | None:
    """'' when always true, None when never, else 'machine:minors|…' ('*' = every machine)."""
    everything = {(m, a) for m in MINORS for a in ARCHITECTURES}
    if truth == everything:
        return ""
    if not truth:
        return None
    by_machine = {a: {m for m, arch in truth if arch == a} for a in ARCHITECTURES}
    distinct = {frozenset(v) for v in by_machine.values()}
    if len(distinct) == 1:
        return f"*:{_minors(next(iter(distinct)))}"
    return "|".join(f"{a}:{_minors(v)}" for a, v in by_machine.items() if v)


def _minors(values) -> str:
    values = set(values)
    if MAX_MINOR in values:  # true up to the newest minor the grid knows: open-ended
        first_open = MAX_MINOR
        while first_open - 1 in values:
            first_open -= 1
        values = {v for v in values if v < first_open} | {f"{first_open}-"}
    return _minor_text(values) if values else ""


def dependency_entries(metadata: Metadata) -> list[list[str]]:
    """[name, requested extras, extra it belongs to, condition], trailing empties dropped.

    A dependency whose marker is false on every Linux CPython (``sys_platform ==
    "win32"``) is left out: it never installs in a Linux image.
    """
    entries: list[list[str]] = []
    for text in metadata.requires_dist:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        name = canonicalize_name(requirement.name)
        requested = ",".join(sorted(canonicalize_name(e) for e in requirement.extras))
        marker = requirement.marker
        if marker is None:
            entries.append(_trim([name, requested, "", ""]))
            continue
        for extra, condition in _conditions(str(marker)):
            entries.append(_trim([name, requested, extra, condition]))
    unique: list[list[str]] = []
    for entry in entries:
        if entry not in unique:
            unique.append(entry)
    return sorted(unique)


@lru_cache(maxsize=None)
def _conditions(marker_text: str) -> tuple[tuple[str, str], ...]:
    """(extra, condition) pairs under which a marker installs its dependency.

    Markers repeat across thousands of releases, so each distinct one is evaluated once.
    """
    marker = Marker(marker_text)
    extras = sorted({canonicalize_name(e) for e in _EXTRA.findall(marker_text)})
    base = _truth(marker, "")
    found = []
    for extra in ["", *extras]:
        truth = base if not extra else _truth(marker, extra) - base  # minus: installed without the extra anyway
        condition = condition_text(truth)
        if condition is not None:
            found.append((extra, condition))
    return tuple(found)


def _truth(marker: Marker, extra: str) -> set[tuple[int, str]]:
    truth = set()
    for minor in MINORS:
        for machine in ARCHITECTURES:
            try:
                if marker.evaluate(_environment(minor, machine, extra)):
                    truth.add((minor, machine))
            except Exception:  # an undefined marker variable: take it as true, the generous reading
                truth.add((minor, machine))
    return truth


def _trim(entry: list[str]) -> list[str]:
    while len(entry) > 1 and entry[-1] == "":
        entry.pop()
    return entry
