"""What checks yield (Hit) and what the engine reports (Finding): plain data."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@dataclass(frozen=True, slots=True)
class Span:
    """1-based, inclusive line range; column is 1-based on the first line."""

    line: int
    end_line: int | None = None
    column: int = 1

    @property
    def last(self) -> int:
        return self.end_line if self.end_line is not None else self.line


@dataclass(frozen=True)
class Hit:
    """One problem found by a check, before the engine stamps rule metadata on it.

    ``path`` is None for the Dockerfile itself, else a context file's path relative
    to the build context (requirements.txt, app/model.py).  ``severity`` lets a check
    lower its own rule's severity for a weaker case (an optional import).  ``data``
    carries the facts behind the finding that ``--fix`` acts on (a ``portlint.fix.facts``
    payload), so a fix is computed from the analysis itself, never from the message.
    """

    span: Span
    message: str
    fix: str | None = None
    path: str | None = None
    severity: Severity | None = None
    data: object | None = None


@dataclass(frozen=True)
class Finding:
    """A stamped, reportable finding: rule, severity, place, message, fix."""

    rule: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    message: str
    fix: str | None
    source_line: str | None = None
    # The check's structured facts (Hit.data); not part of the finding's identity or output.
    data: object | None = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        # The message breaks ties (one rule, two findings on a line), so the order does
        # not depend on set iteration and reports are the same from run to run.
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.label,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass
class FileResult:
    """The outcome of linting one Dockerfile (plus the context files it pulled in)."""

    path: str
    findings: list[Finding]
    unknown_images: tuple[str, ...] = ()  # base images the knowledge does not describe
    context: Path | None = None  # the build context the Dockerfile was linted with
