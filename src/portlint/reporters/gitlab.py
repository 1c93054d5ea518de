"""``--format gitlab``: a GitLab Code Quality report (a JSON list of issues)."""

from __future__ import annotations

import hashlib
import json

from portlint.diagnostics import Severity
from portlint.reporters import Reporter, Summary

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


class GitlabReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        issues = []
        seen: dict[str, int] = {}
        for f in self.findings:
            # Line-independent, so the fingerprint survives edits above the finding;
            # a counter keeps repeated identical findings in one file distinct.
            key = f"{f.rule}\0{f.path}\0{f.message}"
            seen[key] = seen.get(key, 0) + 1
            fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
            issues.append(
                {
                    "type": "issue",
                    "description": f"{f.rule} {f.name}: {f.message}",
                    "check_name": f.rule,
                    "fingerprint": fingerprint,
                    "severity": _SEVERITY[f.severity],
                    "categories": ["Compatibility"],
                    "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
                }
            )
        json.dump(issues, self.stream, indent=2)
        self.stream.write("\n")
