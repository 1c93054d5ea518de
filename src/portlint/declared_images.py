"""The ``base-images`` configuration key: what a project's own base images ship.

portlint cannot know ``registry.corp/ml-base:2.1``; the project can say, so that
imports the image provides are not reported and its platforms and Python are
judged::

    [tool.portlint.base-images."registry.corp/ml-base:*"]
    packages = ["torch==2.3.1", "numpy", "transformers"]
    platforms = ["linux/amd64"]
    python = "3.11"

or ``base-images = "ci/base-images.toml"``, a file whose top-level tables are the
same patterns.  Patterns are fnmatch over ``name:tag`` (or over the name alone).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from portlint.errors import UsageError
from portlint.knowledge.images import DeclaredImage

# key -> (the table's field, check)
_FIELDS = {
    "packages": "python_packages",
    "partial": "python_packages_partial",
    "platforms": "platforms",
    "python": "python",
    "python-commands": "python_commands",
    "gpu": "gpu",
    "libc": "libc",
    "os": "os_family",
    "slim": "slim",
    "env": "env",
    "system-packages": "system_packages",
}
_OS = ("debian", "ubuntu", "alpine", "rhel", "amazonlinux", "wolfi", "distroless", "windows", "other")
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==\s*([A-Za-z0-9.!+_-]+))?$")


def declared_images(value: Any, where: Path) -> tuple[DeclaredImage, ...]:
    """Parse the key's value (a table of patterns, or a path to a TOML file of them)."""
    if isinstance(value, str):
        path = (where.parent / value).resolve()
        from portlint.config import load_toml

        value = load_toml(path)
        where = path
    if not isinstance(value, dict):
        raise UsageError(f"{where}: 'base-images' maps image patterns to tables (or names a TOML file of them)")
    return tuple(_image(pattern, facts, where) for pattern, facts in value.items())


def _image(pattern: str, table: Any, where: Path) -> DeclaredImage:
    label = f"{where}: base-images {pattern!r}"
    if not isinstance(table, dict):
        raise UsageError(f"{label} must be a table (packages = [...], platforms = [...], python = \"3.11\", ...)")
    facts: dict[str, Any] = {"source": str(where), "python_packages": {}}
    for key, value in table.items():
        if key not in _FIELDS:
            import difflib

            close = difflib.get_close_matches(key, list(_FIELDS), n=1)
            raise UsageError(f"{label}: unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        facts[_FIELDS[key]] = _checked(key, value, label)
    return DeclaredImage(pattern, json.dumps(facts, sort_keys=True))


def _strings(key: str, value: Any, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{label}: '{key}' must be a list of strings")
    return value


def _checked(key: str, value: Any, label: str) -> Any:
    if key == "packages":
        packages = {}
        for text in _strings(key, value, label):
            match = _REQUIREMENT.match(text.strip())
            if match is None:
                raise UsageError(f"{label}: package {text!r} must be a name or name==version")
            packages[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
        return packages
    if key == "platforms":
        from portlint.app import parse_platforms

        return list(parse_platforms(_strings(key, value, label), f"{label} platforms"))
    if key in ("partial", "slim"):
        if not isinstance(value, bool):
            raise UsageError(f"{label}: '{key}' must be true or false")
        return value
    if key == "python":
        if not isinstance(value, str) or not re.match(r"^3\.\d{1,2}(\.\d{1,2})?$", value):
            raise UsageError(f"{label}: 'python' must be a version such as \"3.11\"")
        return value
    if key == "gpu":
        if value not in (True, False, "cuda", "rocm"):
            raise UsageError(f"{label}: 'gpu' must be true, false, \"cuda\" or \"rocm\"")
        return "cuda" if value is True else value
    if key == "libc":
        if value not in ("glibc", "musl"):
            raise UsageError(f"{label}: 'libc' must be \"glibc\" or \"musl\"")
        return value
    if key == "os":
        if value not in _OS:
            raise UsageError(f"{label}: 'os' must be one of {', '.join(_OS)}")
        return value
    return _strings(key, value, label)
