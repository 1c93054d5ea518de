"""Rule pages: the one source of each rule's metadata and teaching text.

A page is Markdown with TOML front matter between ``+++`` fences (see
docs/rule-pages.md).  Built-in pages ship inside the wheel as ``portlint/catalog``;
in a source checkout they are read from the top-level ``rules/`` folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from portlint.errors import UsageError

SECTIONS = (
    "Why this breaks portability",
    "The lesson",
    "Bad",
    "Good",
    "Exceptions",
    "Options",
    "References",
)
REQUIRED_SECTIONS = ("Why this breaks portability", "The lesson", "Bad", "Good", "References")
_ID = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
_HEADING = re.compile(r"^## +(.+?) *$", re.M)


@dataclass(frozen=True)
class Example:
    """A fenced block of a Bad/Good section: the Dockerfile, or a context file."""

    language: str
    path: str | None  # None for the Dockerfile itself
    text: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RulePage:
    """One rule's page from rules/: its front matter and teaching text."""

    id: str
    name: str
    severity: str
    summary: str
    fix: str | None
    body: str
    origin: Path
    match: dict[str, str] | None = None  # a declarative rule's pattern

    @cached_property
    def sections(self) -> dict[str, str]:
        parts = _HEADING.split(self.body)
        return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}

    def examples(self, section: str) -> list[Example]:
        found = []
        for match in _FENCE.finditer(self.sections.get(section, "") + "\n"):
            info = match.group(1).split()
            language = info[0] if info else ""
            options = dict(word.split("=", 1) for word in info[1:] if "=" in word)
            path = options.pop("file", None)
            if language == "dockerfile" and path in (None, "Dockerfile"):
                path = None
            found.append(Example(language, path, match.group(2), options))
        return found

    def as_markdown(self) -> str:
        """The page as shown by ``portlint explain``: a title, the summary, the body."""
        return f"# {self.id} {self.name}\n\n*{self.severity}* — {self.summary}\n\n{self.body.strip()}\n"


def _toml_loads(text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


_SIMPLE_KEY = re.compile(r'^([A-Za-z][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*$')


def _simple_front_matter(text: str) -> dict[str, str] | None:
    """Front matter made only of ``key = "string"`` lines, read without tomllib.

    Every run reads all pages; this keeps tomllib (and its parse) off the common path.
    Anything else (tables, arrays, comments) returns None and goes to the TOML parser.
    """
    import json

    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _SIMPLE_KEY.match(line.strip())
        if match is None or match.group(1) in meta:
            return None
        try:
            meta[match.group(1)] = json.loads(match.group(2))
        except ValueError:
            return None
    return meta


def parse_page(text: str, origin: Path) -> RulePage:
    if not text.startswith("+++"):
        raise UsageError(f"{origin}: a rule page must start with '+++' TOML front matter")
    end = text.find("\n+++", 3)
    if end < 0:
        raise UsageError(f"{origin}: the '+++' front matter is never closed")
    meta = _simple_front_matter(text[3:end])
    if meta is None:
        try:
            meta = _toml_loads(text[3:end])
        except ValueError as exc:
            raise UsageError(f"{origin}: invalid front matter: {exc}") from None
    missing = [key for key in ("id", "name", "severity", "summary") if not meta.get(key)]
    if missing:
        raise UsageError(f"{origin}: front matter lacks {', '.join(missing)}")
    if not _ID.match(str(meta["id"])):
        raise UsageError(f"{origin}: rule id {meta['id']!r} must look like PL101 (2-4 capitals, 3 digits)")
    if not _NAME.match(str(meta["name"])):
        raise UsageError(f"{origin}: rule name {meta['name']!r} must be kebab-case")
    if meta["severity"] not in ("error", "warning", "info"):
        raise UsageError(f"{origin}: severity must be error, warning or info, not {meta['severity']!r}")
    match = meta.get("match")
    if match is not None and not (
        isinstance(match, dict) and {"instruction", "pattern"} <= set(match)
    ):
        raise UsageError(f"{origin}: [match] needs 'instruction' and 'pattern'")
    body = text[end + 4:].lstrip("\n")
    return RulePage(
        id=meta["id"],
        name=meta["name"],
        severity=meta["severity"],
        summary=meta["summary"],
        fix=meta.get("fix"),
        body=body,
        origin=origin,
        match=match,
    )


def builtin_catalog_dir() -> Path:
    packaged = Path(__file__).parent / "catalog"
    if packaged.is_dir():
        return packaged
    # A source checkout (or an editable install): the pages live in the top-level rules/.
    return Path(__file__).resolve().parents[2] / "rules"


def load_pages(directory: Path) -> list[RulePage]:
    if not directory.is_dir():
        raise UsageError(f"rule directory {directory} does not exist")
    pages = []
    for path in sorted(directory.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read rule page {path}: {exc}") from None
        pages.append(parse_page(text, path))
    return pages
