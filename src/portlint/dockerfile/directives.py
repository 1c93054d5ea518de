"""Parser directives (`# syntax=`, `# escape=`, `# check=`) at the top of a Dockerfile."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN = {"syntax", "escape", "check"}


@dataclass(frozen=True)
class Directives:
    """The parser directives at the top of a Dockerfile."""

    escape: str = "\\"
    syntax: str | None = None
    check: str | None = None
    lines: int = 0  # how many lines at the top of the file are directives


def parse_directives(lines: tuple[str, ...] | list[str]) -> Directives:
    """Read directives until the first line that is not one (BuildKit stops there too)."""
    found: dict[str, str] = {}
    count = 0
    for raw in lines:
        match = _DIRECTIVE.match(raw.strip())
        if not match:
            break
        key, value = match.group(1).lower(), match.group(2)
        if key not in _KNOWN or key in found:
            break
        found[key] = value
        count += 1
    escape = found.get("escape", "\\")
    if escape not in ("\\", "`"):
        escape = "\\"
    return Directives(escape=escape, syntax=found.get("syntax"), check=found.get("check"), lines=count)
