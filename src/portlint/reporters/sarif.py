"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other viewers."""

from __future__ import annotations

import json

from portlint import __version__
from portlint.diagnostics import Severity
from portlint.reporters import Reporter, Summary

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFORMATION_URI = "https://github.com/portlint/portlint"


class SarifReporter(Reporter):
    def _rules(self) -> list[dict]:
        rules = []
        for rule in self.registry:
            if rule.id not in self.enabled:
                continue
            page = rule.page
            help_markdown = page.as_markdown()
            rules.append(
                {
                    "id": rule.id,
                    "name": rule.name,
                    "shortDescription": {"text": page.summary},
                    "fullDescription": {"text": page.sections.get("Why this breaks portability", page.summary)},
                    "help": {"text": help_markdown, "markdown": help_markdown},
                    "defaultConfiguration": {"level": _LEVEL[rule.severity]},
                    "properties": {"tags": ["portability"]},
                }
            )
        return rules

    def finish(self, summary: Summary) -> None:
        rules = self._rules()
        index = {rule["id"]: position for position, rule in enumerate(rules)}
        results = []
        for f in self.findings:
            result = {
                "ruleId": f.rule,
                "level": _LEVEL[f.severity],
                "message": {"text": f.message + (f" Fix: {f.fix}" if f.fix else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.path.replace("\\", "/")},
                            "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line},
                        }
                    }
                ],
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            results.append(result)
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "portlint",
                            "version": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": rules,
                        }
                    },
                    "results": results,
                }
            ],
        }
        json.dump(log, self.stream, indent=2)
        self.stream.write("\n")
