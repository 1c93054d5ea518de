"""What a lock file installs: the project's dependencies, and theirs, as the lock resolved them.

``uv sync``, ``poetry install``, ``pdm sync`` and ``pipenv install --deploy`` install
what their lock file says.  The lock names every package with the packages it depends
on, so following them from the project's own dependencies gives the installed set
exactly, without the package index (markers are read generously: a dependency the lock
lists for any platform counts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _load_toml(text: str) -> dict | None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except (ValueError, TypeError):
        return None


def installed_by_lock(filename: str, text: str, roots: Iterable[str], extras: Iterable[str] = (),
                      groups: Iterable[str] = ()) -> set[str] | None:
    """Distributions a lock installs from ``roots`` (the project's dependencies as
    canonical names; for uv.lock the lock's own record of the project is used as well),
    with the project's ``extras`` and dependency ``groups``; None when it cannot be read."""
    if filename.endswith("Pipfile.lock"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        sections = ["default"] + (["develop"] if "dev" in set(groups) else [])
        return {canonical(n) for s in sections for n in (data.get(s) or {})}
    data = _load_toml(text)
    if data is None:
        return None
    packages = data.get("package") or []
    graph: dict[str, dict] = {canonical(p.get("name", "")): p for p in packages if isinstance(p, dict)}
    start = [(canonical(r), ()) for r in roots]
    if filename.endswith("uv.lock"):
        for name, package in graph.items():
            source = package.get("source") or {}
            if source.get("editable") == "." or source.get("virtual") == ".":
                start += [(name, tuple(extras))]
                for group in groups:
                    start += _uv_entries((package.get("dev-dependencies") or {}).get(group, ()))
    found: set[str] = set()
    seen: set[tuple[str, str]] = set()
    queue = list(start)
    while queue:
        name, wanted = queue.pop()
        for extra in ("", *wanted):
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            package = graph.get(name)
            if package is None:
                continue
            found.add(name)
            queue.extend(_dependencies(filename, package, extra))
    return found


def _uv_entries(entries) -> list[tuple[str, tuple[str, ...]]]:
    return [(canonical(e["name"]), tuple(e.get("extra") or ())) for e in entries if isinstance(e, dict) and "name" in e]


def _dependencies(filename: str, package: dict, extra: str) -> list[tuple[str, tuple[str, ...]]]:
    if filename.endswith("uv.lock"):
        entries = package.get("dependencies", ()) if not extra else (package.get("optional-dependencies") or {}).get(extra, ())
        return _uv_entries(entries)
    if filename.endswith("poetry.lock"):
        if extra:
            specs = (package.get("extras") or {}).get(extra, ())
            return [(canonical(m.group(1)), ()) for m in map(_NAME.match, specs) if m]
        found = []
        for name, spec in (package.get("dependencies") or {}).items():
            tables = spec if isinstance(spec, list) else [spec]
            if all(isinstance(t, dict) and t.get("optional") for t in tables):
                continue  # comes only with an extra of this package
            wanted = tuple(e for t in tables if isinstance(t, dict) for e in t.get("extras", ()))
            found.append((canonical(name), wanted))
        return found
    # pdm.lock: dependencies = ["name[extra]>=1 ; marker", …]
    if extra:
        return []
    found = []
    for text in package.get("dependencies", ()):
        match = _NAME.match(text) if isinstance(text, str) else None
        if match:
            found.append((canonical(match.group(1)), tuple(e.strip() for e in (match.group(2) or "").split(",") if e.strip())))
    return found


_CONDA_LOCK_ENTRY = re.compile(r"^- name: ['\"]?([^'\"\s]+)['\"]?\s*$")
_CONDA_LOCK_FIELD = re.compile(r"^  (version|manager|platform): ['\"]?([^'\"\s]+)['\"]?\s*$")
_LINUX_PLATFORMS = frozenset({"linux-64", "linux-aarch64", "linux-ppc64le", "linux-s390x", "noarch"})


def conda_lock_packages(text: str) -> list[tuple[str, str, str, int]] | None:
    """(name, version, manager, line) of each Linux package a conda lock pins: conda-lock's
    unified ``conda-lock.yml`` (``package:`` entries, ``manager: conda`` or ``pip``) and an
    ``@EXPLICIT`` list of package URLs (``conda-lock --kind explicit``, ``conda list --explicit``).
    None when the text is neither: an environment file instead."""
    lines = text.split("\n")
    if any(line.strip() == "@EXPLICIT" for line in lines[:200]):
        found = []
        for number, line in enumerate(lines, 1):
            url = line.strip().split("#", 1)[0]
            if "://" not in url and not url.startswith("/"):
                continue
            filename = url.rstrip("/").rsplit("/", 1)[-1]
            for suffix in (".conda", ".tar.bz2"):
                filename = filename[: -len(suffix)] if filename.endswith(suffix) else filename
            parts = filename.rsplit("-", 2)
            if len(parts) == 3:
                found.append((parts[0], parts[1], "conda", number))
        return found
    if not any(line.startswith("package:") for line in lines):
        return None
    found = []
    current: dict[str, str] = {}
    start = 0

    def close() -> None:
        if current.get("name") and current.get("version") and current.get("platform", "noarch") in _LINUX_PLATFORMS:
            found.append((current["name"], current["version"], current.get("manager", "conda"), start))

    for number, line in enumerate(lines, 1):
        entry = _CONDA_LOCK_ENTRY.match(line)
        if entry:
            close()
            current, start = {"name": entry.group(1)}, number
            continue
        field = _CONDA_LOCK_FIELD.match(line)
        if field and current:
            current[field.group(1)] = field.group(2)
    close()
    return found
