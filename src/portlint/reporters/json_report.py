"""``--format json``: the SPEC §5 object, streamed so memory does not grow with the run."""

from __future__ import annotations

import json

from portlint.diagnostics import FileResult
from portlint.reporters import Reporter, Summary


class JsonReporter(Reporter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._first = True
        self.stream.write('{\n  "version": 1,\n  "findings": [')

    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            self.stream.write(("\n    " if self._first else ",\n    ") + json.dumps(finding.to_dict()))
            self._first = False

    def finish(self, summary: Summary) -> None:
        closing = "\n  ]" if not self._first else "]"
        self.stream.write(f'{closing},\n  "summary": {json.dumps(summary.to_dict())}\n}}\n')
