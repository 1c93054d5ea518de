"""``--format text``: one block per finding (location, rule, message, source line, fix).

The layout is built once as (text, style) segments; with colour they go through rich,
without (pipes, CI, NO_COLOR) they are written plainly, so rich is never imported
when nobody will see its colours.
"""

from __future__ import annotations

from portlint.diagnostics import FileResult, Finding, Severity
from portlint.reporters import Reporter, Summary

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
Segment = tuple[str, str]


def finding_segments(f: Finding) -> list[Segment]:
    segments: list[Segment] = [
        (f"{f.path}:{f.line}:{f.column}: ", "bold"),
        (f.severity.label, _STYLE[f.severity]),
        (" ", ""),
        (f.rule, "bold"),
        (f" [{f.name}] ", "dim"),
        (f.message, ""),
        ("\n", ""),
    ]
    if f.source_line is not None and f.source_line.strip():
        source = f.source_line.rstrip()
        if len(source) > 200:
            source = source[:197] + "..."
        segments += [(f"  {f.line:>4} | ", "dim"), (source, ""), ("\n", "")]
    if f.fix:
        segments += [("  fix: ", "green"), (f.fix, ""), ("\n", "")]
    return segments


def _extras(summary: Summary) -> str:
    parts = []
    if summary.fixed:
        parts.append(f"{summary.fixed} fixed")
    if summary.baselined:
        parts.append(f"{summary.baselined} baselined")
    return f" ({', '.join(parts)})" if parts else ""


def fix_segments(fixed: list, skipped: list, proposed: bool = False) -> list[Segment]:
    """The fixes made (or, for --diff, that would be made) and those refused."""
    segments: list[Segment] = []
    if fixed:
        files = len({r.file for r in fixed})
        verb = "Would apply" if proposed else "Applied"
        segments.append((f"{verb} {len(fixed)} fix{'es' if len(fixed) != 1 else ''} to "
                         f"{files} file{'s' if files != 1 else ''}:\n", "bold green"))
        for record in fixed:
            where = ", ".join(f"{path}:{line}" for path, line in record.findings[:3])
            where += f" and {len(record.findings) - 3} more" if len(record.findings) > 3 else ""
            source = f"; version from {record.source}" if record.source else ""
            segments += [(f"  {record.file}: ", "bold"), (record.description, ""),
                         (f" ({record.rule} {where}{source})", "dim"), ("\n", "")]
            if record.note:
                segments += [("    note: ", "yellow"), (record.note, ""), ("\n", "")]
    if skipped:
        segments.append(("Not fixed:\n", "bold yellow"))
        for record in skipped:
            where = ", ".join(f"{path}:{line}" for path, line in record.findings[:3])
            segments += [(f"  {where}: ", "bold"), (f"{record.rule} ", "bold"), (record.reason or "", ""), ("\n", "")]
    if segments:
        segments.append(("\n", ""))
    return segments


def summary_segments(summary: Summary) -> list[Segment]:
    files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    if summary.total == 0:
        return [(f"No problems found in {files}{_extras(summary)}.\n", "bold green")]

    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count != 1 else ''}"

    return [
        (f"Found {plural(summary.total, 'problem')} in {files}: ", "bold"),
        (plural(summary.errors, "error"), _STYLE[Severity.ERROR] if summary.errors else ""),
        (", ", ""),
        (plural(summary.warnings, "warning"), _STYLE[Severity.WARNING] if summary.warnings else ""),
        (", ", ""),
        (plural(summary.infos, "info"), _STYLE[Severity.INFO] if summary.infos else ""),
        (f"{_extras(summary)}.\n", ""),
    ]


class TextReporter(Reporter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._console = None
        if self.color:
            from rich.console import Console

            self._console = Console(file=self.stream, force_terminal=True, highlight=False, soft_wrap=True)

    def _write(self, segments: list[Segment]) -> None:
        if self._console is None:
            self.stream.write("".join(text for text, _ in segments))
            return
        from rich.text import Text

        line = Text()
        for text, style in segments:
            line.append(text, style=style or None)
        self._console.print(line, end="")

    def fixes(self, fixed: list, skipped: list) -> None:
        self._write(fix_segments(fixed, skipped))

    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            self._write(finding_segments(finding))

    def finish(self, summary: Summary) -> None:
        if summary.total:
            self._write([("\n", "")])
        self._write(summary_segments(summary))
