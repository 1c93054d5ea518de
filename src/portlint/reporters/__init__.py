"""Output formats.  Each reporter is imported only when its format is asked for."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from portlint.diagnostics import FileResult, Severity

if TYPE_CHECKING:
    from portlint.registry import Registry

FORMATS = {
    "text": "portlint.reporters.text:TextReporter",
    "json": "portlint.reporters.json_report:JsonReporter",
    "sarif": "portlint.reporters.sarif:SarifReporter",
    "github": "portlint.reporters.github:GithubReporter",
    "gitlab": "portlint.reporters.gitlab:GitlabReporter",
}


@dataclass
class Summary:
    """Counts for the report's last line."""

    files: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    baselined: int | None = None  # with --baseline: findings it absorbed
    fixed: int | None = None  # with --fix: fixes applied

    def count(self, result: FileResult) -> None:
        self.files += 1
        for finding in result.findings:
            if finding.severity == Severity.ERROR:
                self.errors += 1
            elif finding.severity == Severity.WARNING:
                self.warnings += 1
            else:
                self.infos += 1

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos

    def to_dict(self) -> dict[str, int]:
        counts = {"files": self.files, "errors": self.errors, "warnings": self.warnings, "infos": self.infos}
        if self.fixed is not None:
            counts["fixed"] = self.fixed
        if self.baselined is not None:
            counts["baselined"] = self.baselined
        return counts


class Reporter:
    """Receives each file's result as it is ready, then the summary."""

    def __init__(self, stream: IO[str], registry: Registry, enabled: frozenset[str], color: bool = False) -> None:
        self.stream = stream
        self.registry = registry
        self.enabled = enabled
        self.color = color
        self.findings: list = []

    def fixes(self, fixed: list, skipped: list) -> None:
        """With --fix, before any file: the fixes applied and those refused (FixRecords).
        Formats without a place for them ignore them (the run says so on stderr)."""

    def file(self, result: FileResult) -> None:
        self.findings.extend(result.findings)

    def finish(self, summary: Summary) -> None:
        raise NotImplementedError


def get_reporter(name: str) -> type[Reporter]:
    module_name, _, class_name = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)
