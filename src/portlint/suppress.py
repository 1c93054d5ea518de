"""Suppression comments.

Dockerfile: a comment line ``# portlint: ignore=PL101,PL205`` silences those rules on
the next instruction; ``# portlint: ignore-file=PL104`` silences them for the file.
Requirements files and Python sources: a trailing ``# portlint: ignore=PL205``.
Rules may be named by id or by name; a reason may follow after whitespace
(``# portlint: ignore=PL102 -- we track this tag on purpose``).  hadolint's own
``# hadolint ignore=DL3006`` comments count for the rules they map to (``portlint.hadolint``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from portlint.dockerfile.model import Dockerfile

_DIRECTIVE = re.compile(
    r"#\s*portlint\s*:\s*(?P<kind>ignore-file|ignore)\s*=\s*(?P<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)"
)


def parse_rule_list(text: str) -> tuple[str, ...]:
    """Upper-cased, so ids and names compare without caring how they were written."""
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


def is_suppressed(rules: set[str] | tuple[str, ...], rule_id: str, rule_name: str) -> bool:
    return rule_id.upper() in rules or rule_name.upper() in rules


def trailing_ignores(line: str) -> tuple[str, ...]:
    """Rules named by a trailing ``# portlint: ignore=…`` comment on a source line."""
    match = _DIRECTIVE.search(line)
    if not match or match.group("kind") != "ignore":
        return ()
    return parse_rule_list(match.group("rules"))


@dataclass
class DockerfileSuppressions:
    """The portlint: ignore comments of one Dockerfile."""

    file_rules: set[str] = field(default_factory=set)
    by_instruction: dict[int, set[str]] = field(default_factory=dict)  # instruction start line -> rules

    def covers(self, rule_id: str, rule_name: str, instruction_line: int | None) -> bool:
        """Whether a finding of the rule at the instruction starting on that line is silenced."""
        if is_suppressed(self.file_rules, rule_id, rule_name):
            return True
        rules = self.by_instruction.get(instruction_line or 0, set())
        return is_suppressed(rules, rule_id, rule_name)


def dockerfile_suppressions(dockerfile: Dockerfile) -> DockerfileSuppressions:
    result = DockerfileSuppressions()
    starts = sorted(i.span.line for i in dockerfile.instructions)
    next_start = 0
    for number, line in enumerate(dockerfile.source.lines, start=1):
        stripped = line.lstrip()
        while next_start < len(starts) and starts[next_start] < number:
            next_start += 1
        if not stripped.startswith("#"):
            continue
        if "hadolint" in stripped:
            _hadolint_pragma(result, dockerfile, stripped, starts[next_start] if next_start < len(starts) else None)
            continue
        if "portlint" not in stripped:
            continue
        match = _DIRECTIVE.match(stripped)
        if not match:
            continue
        rules = parse_rule_list(match.group("rules"))
        if match.group("kind") == "ignore-file":
            result.file_rules.update(rules)
        elif next_start < len(starts):
            result.by_instruction.setdefault(starts[next_start], set()).update(rules)
    return result


def _hadolint_pragma(result: DockerfileSuppressions, dockerfile: Dockerfile, comment: str, next_line: int | None) -> None:
    """``# hadolint ignore=DL3006`` silences the portlint rules that check the same thing."""
    from portlint.hadolint import parse_pragma

    parsed = parse_pragma(comment)
    if parsed is None or not parsed[1]:
        return
    scope, rules = parsed
    if scope == "global":
        result.file_rules.update(rules)
        return
    if next_line is None:
        return
    if scope == "next":
        result.by_instruction.setdefault(next_line, set()).update(rules)
        return
    following = next(i for i in dockerfile.instructions if i.span.line == next_line)
    for instruction in dockerfile.instructions:  # "stage": the rest of that stage
        if instruction.stage == following.stage and instruction.index >= following.index:
            result.by_instruction.setdefault(instruction.span.line, set()).update(rules)
