"""Docker's .dockerignore semantics (moby patternmatcher): last matching pattern wins,
``!`` re-includes, ``**`` spans directories, a matched directory excludes its contents.

The builder still receives the Dockerfile and .dockerignore even when they are
excluded; callers that care handle those two names themselves.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from portlint.context.globs import translate


@dataclass(frozen=True)
class Pattern:
    """One .dockerignore line, compiled."""

    text: str
    negated: bool
    regex: re.Pattern[str]
    directory_prefix: str  # literal leading directories, for pruning ("" when the pattern starts with a wildcard)


def _clean(pattern: str) -> str:
    cleaned = posixpath.normpath(pattern.replace("\\", "/")) if pattern else pattern
    cleaned = cleaned.lstrip("/")
    return "" if cleaned == "." else cleaned


def _literal_prefix(pattern: str) -> str:
    parts = []
    for part in pattern.split("/"):
        if any(c in part for c in "*?[\\"):
            break
        parts.append(part)
    return "/".join(parts)


@dataclass(frozen=True)
class DockerIgnore:
    """A .dockerignore file: decides whether a context path is sent to the builder."""

    patterns: tuple[Pattern, ...]
    has_negation: bool

    def is_excluded(self, rel_path: str) -> bool:
        """Whether the builder leaves ``rel_path`` (context-relative, POSIX) out."""
        path = rel_path.strip("/")
        parents = []
        current = path
        while "/" in current:
            current = current.rsplit("/", 1)[0]
            parents.append(current)
        excluded = False
        for pattern in self.patterns:
            # A pattern matches the path itself or any parent directory of it.
            if pattern.regex.match(path) or any(pattern.regex.match(p) for p in parents):
                excluded = not pattern.negated
        return excluded

    def may_include_under(self, rel_dir: str) -> bool:
        """False only when ``rel_dir`` is excluded and no ``!`` pattern can reach inside it."""
        if not self.is_excluded(rel_dir):
            return True
        prefix = rel_dir.strip("/") + "/"
        for pattern in self.patterns:
            if pattern.negated and (not pattern.directory_prefix or pattern.directory_prefix.startswith(prefix)
                                    or prefix.startswith(pattern.directory_prefix + "/") or pattern.directory_prefix == rel_dir.strip("/")):
                return True
        return False


def parse_dockerignore(text: str) -> DockerIgnore:
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:].strip()
        cleaned = _clean(line)
        if not cleaned:
            continue
        try:
            regex = re.compile(translate(cleaned) + r"\Z")
        except re.error:
            continue  # Docker rejects the file; we ignore the bad pattern rather than crash
        patterns.append(Pattern(cleaned, negated, regex, _literal_prefix(cleaned)))
    return DockerIgnore(tuple(patterns), any(p.negated for p in patterns))
