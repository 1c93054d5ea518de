"""``--format json``: the SPEC §5 object, streamed so memory does not grow with the run."""

from __future__ import annotations

import json

from portlint.diagnostics import FileResult
from portlint.reporters import Reporter, Summary


class JsonReporter(Reporter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._first = True
        self._fixes: list | None = None
        self.stream.write('{\n  "version": 1,\n  "findings": [')

    def fixes(self, fixed: list, skipped: list) -> None:
        self._fixes = [record.to_dict() for record in [*fixed, *skipped]]

    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            self.stream.write(("\n    " if self._first else ",\n    ") + json.dumps(finding.to_dict()))
            self._first = False

    def finish(self, summary: Summary) -> None:
        closing = "\n  ]" if not self._first else "]"
        if self._fixes is not None:  # --fix: the optional "fixes" array
            listed = "".join(("\n    " if i == 0 else ",\n    ") + json.dumps(e) for i, e in enumerate(self._fixes))
            tail = "\n  " if listed else ""
            closing += f',\n  "fixes": [{listed}{tail}]'
        self.stream.write(f'{closing},\n  "summary": {json.dumps(summary.to_dict())}\n}}\n')
