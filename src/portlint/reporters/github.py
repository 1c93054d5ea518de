"""``--format github``: GitHub Actions workflow commands that annotate the diff."""

from __future__ import annotations

from portlint.diagnostics import FileResult, Severity
from portlint.reporters import Reporter, Summary

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def file(self, result: FileResult) -> None:
        for f in result.findings:
            message = f.message + (f"\n{f.fix}" if f.fix else "")
            self.stream.write(
                f"::{_LEVEL[f.severity]} file={_property(f.path)},line={f.line},endLine={f.end_line},"
                f"col={f.column},title={_property(f'{f.rule} {f.name}')}::{_data(message)}\n"
            )

    def finish(self, summary: Summary) -> None:
        pass
