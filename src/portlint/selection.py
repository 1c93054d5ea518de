"""Turn select/extend-select/ignore selectors into the set of enabled rules.

A selector is a rule id (PL101), an id prefix (PL, PL2, PL10) or a rule name
(untagged-base-image).  As in flake8 and ruff, the most specific selector wins;
on a tie, ignore wins.
"""

from __future__ import annotations

from collections.abc import Iterable

from portlint.errors import UsageError
from portlint.registry import Registry


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def _specificity(selector: str, rule_id: str, rule_name: str, registry: Registry) -> int:
    """How specifically ``selector`` names the rule: -1 if it does not match it."""
    if selector.lower() == rule_name:
        return 100
    upper = selector.upper()
    if rule_id.startswith(upper):
        return len(upper)
    return -1


def validate(selectors: Iterable[str], registry: Registry, where: str) -> None:
    ids = list(registry.rules)
    names = list(registry.by_name)
    for selector in selectors:
        upper = selector.upper()
        if selector.lower() in registry.by_name or any(rule_id.startswith(upper) for rule_id in ids):
            continue
        import difflib  # only when a selector is misspelt

        suggestion = difflib.get_close_matches(selector, ids + names, n=1)
        hint = f"; did you mean {suggestion[0]!r}?" if suggestion else ""
        raise UsageError(f"unknown rule or prefix {selector!r} in {where}{hint}")


def enabled_rules(
    registry: Registry,
    select: Iterable[str],
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> frozenset[str]:
    positive = tuple(select) + tuple(extend_select)
    negative = tuple(ignore)
    enabled = set()
    for rule in registry:
        best_on = max((_specificity(s, rule.id, rule.name, registry) for s in positive), default=-1)
        best_off = max((_specificity(s, rule.id, rule.name, registry) for s in negative), default=-1)
        if best_on >= 0 and best_on > best_off:
            enabled.add(rule.id)
    return frozenset(enabled)
