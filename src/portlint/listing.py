"""``portlint rules`` and ``portlint explain``: the catalog rendered for people and tools."""

from __future__ import annotations

import json
import sys

from portlint.catalog import RulePage
from portlint.registry import Registry


def rules_markdown(registry: Registry) -> str:
    lines = ["| id | name | severity | summary |", "|---|---|---|---|"]
    for rule in registry:
        summary = rule.page.summary.replace("|", "\\|")
        lines.append(f"| {rule.id} | {rule.name} | {rule.page.severity} | {summary} |")
    return "\n".join(lines) + "\n"


def render_rules(registry: Registry, output_format: str, color: bool) -> None:
    if output_format == "json":
        rows = [
            {"id": r.id, "name": r.name, "severity": r.page.severity, "summary": r.page.summary, "fix": r.page.fix}
            for r in registry
        ]
        json.dump({"rules": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if output_format == "markdown":
        sys.stdout.write(rules_markdown(registry))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="portlint rules", show_lines=False)
    for column in ("ID", "Name", "Severity", "Summary"):
        table.add_column(column, overflow="fold")
    styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for rule in registry:
        severity = rule.page.severity
        table.add_row(rule.id, rule.name, f"[{styles[severity]}]{severity}[/]", rule.page.summary)
    Console(no_color=not color, highlight=False).print(table)


def render_explanation(page: RulePage, color: bool) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(no_color=not color, highlight=False)
    console.print(Markdown(page.as_markdown(), code_theme="ansi_dark"))
