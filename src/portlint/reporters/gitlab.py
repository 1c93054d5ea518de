"""``--format gitlab``: a GitLab Code Quality report (a JSON list of issues)."""

from __future__ import annotations

import hashlib
import json

from portlint.diagnostics import FileResult, Severity
from portlint.reporters import Reporter, Summary

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


class GitlabReporter(Reporter):
    """Streams one issue per finding into a JSON list."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._seen: dict[str, int] = {}
        self._first = True
        self.stream.write("[")

    def file(self, result: FileResult) -> None:
        for f in result.findings:
            # Line-independent, so the fingerprint survives edits above the finding;
            # a counter keeps repeated identical findings in one file distinct.
            key = f"{f.rule}\0{f.path}\0{f.message}"
            self._seen[key] = self._seen.get(key, 0) + 1
            issue = {
                "type": "issue",
                "description": f"{f.rule} {f.name}: {f.message}",
                "check_name": f.rule,
                "fingerprint": hashlib.sha256(f"{key}\0{self._seen[key]}".encode()).hexdigest(),
                "severity": _SEVERITY[f.severity],
                "categories": ["Compatibility"],
                "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
            }
            self.stream.write(("\n  " if self._first else ",\n  ") + json.dumps(issue))
            self._first = False

    def finish(self, summary: Summary) -> None:
        self.stream.write("]\n" if self._first else "\n]\n")
