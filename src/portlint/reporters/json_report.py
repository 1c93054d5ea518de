"""``--format json``: the SPEC §5 object."""

from __future__ import annotations

import json

from portlint.reporters import Reporter, Summary


class JsonReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        document = {
            "version": 1,
            "findings": [finding.to_dict() for finding in self.findings],
            "summary": summary.to_dict(),
        }
        json.dump(document, self.stream, indent=2)
        self.stream.write("\n")
