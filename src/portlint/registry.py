"""The rule registry: catalog pages joined with the checks that implement them.

Built-in checks live in ``portlint.checks.*`` and register with ``@check("PL101")``.
Third-party packs register the same way through the ``portlint.rules`` entry-point
group: the entry point names an object (usually a module) whose ``catalog`` attribute
is the folder of its rule pages; loading it imports its ``@check`` functions.
Declarative pages (a ``[match]`` table) from ``rules-dirs`` need no code at all.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.catalog import RulePage, builtin_catalog_dir, load_pages
from portlint.diagnostics import Hit, Severity
from portlint.errors import UsageError

if TYPE_CHECKING:
    from portlint.lint_context import LintContext

CheckFn = Callable[["LintContext"], Iterable[Hit]]
ENGINE_RULES = frozenset({"PL001"})  # emitted by the engine itself, not by a check

# The one piece of global mutable state: check functions by rule id, filled by @check.
_CHECKS: dict[str, CheckFn] = {}


def check(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    def register(function: CheckFn) -> CheckFn:
        existing = _CHECKS.get(rule_id)
        if existing is not None and existing is not function:
            raise UsageError(f"two checks claim rule {rule_id}: {existing.__module__} and {function.__module__}")
        _CHECKS[rule_id] = function
        return function

    return register


@dataclass(frozen=True)
class Rule:
    """A rule: its page and the check that implements it."""

    page: RulePage
    check: CheckFn | None

    @property
    def id(self) -> str:
        return self.page.id

    @property
    def name(self) -> str:
        return self.page.name

    @property
    def severity(self) -> Severity:
        return Severity.parse(self.page.severity)


class Registry:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules: dict[str, Rule] = {}
        self.by_name: dict[str, str] = {}
        for rule in sorted(rules, key=lambda r: r.id):
            if rule.id in self.rules:
                raise UsageError(
                    f"rule {rule.id} is defined twice: {self.rules[rule.id].page.origin} and {rule.page.origin}"
                )
            if rule.name in self.by_name:
                raise UsageError(f"rule name {rule.name!r} is used by {self.by_name[rule.name]} and {rule.id}")
            self.rules[rule.id] = rule
            self.by_name[rule.name] = rule.id

    def __iter__(self):
        return iter(self.rules.values())

    def lookup(self, key: str) -> Rule | None:
        key = key.strip()
        rule = self.rules.get(key.upper())
        if rule is None and key.lower() in self.by_name:
            rule = self.rules[self.by_name[key.lower()]]
        return rule


def _import_builtin_checks() -> None:
    import portlint.checks as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def _declares_rule_packs() -> bool:
    """Whether any installed distribution declares a portlint.rules entry point.

    Reading entry_points.txt files directly costs a few milliseconds; importlib.metadata
    costs tens, on every run, for the common case of no packs at all.
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(entry, name, "entry_points.txt"), encoding="utf-8") as handle:
                    if "[portlint.rules]" in handle.read():
                        return True
            except OSError:
                continue
    return False


def _entry_point_catalogs() -> list[Path]:
    if not _declares_rule_packs():
        return []
    from importlib.metadata import entry_points

    catalogs = []
    for entry in entry_points(group="portlint.rules"):
        try:
            pack = entry.load()
        except Exception as exc:  # a broken pack is named, never a traceback
            raise UsageError(f"rule pack {entry.name!r} ({entry.value}) failed to load: {exc}") from None
        catalog = getattr(pack, "catalog", None)
        if catalog is None:
            raise UsageError(f"rule pack {entry.name!r} ({entry.value}) has no 'catalog' folder attribute")
        catalogs.append(Path(catalog))
    return catalogs


def declarative_check(page: RulePage) -> CheckFn:
    match = page.match or {}
    keyword = str(match["instruction"]).upper()
    try:
        pattern = re.compile(str(match["pattern"]))
    except re.error as exc:
        raise UsageError(f"{page.origin}: invalid [match] pattern: {exc}") from None
    message = str(match.get("message") or page.summary)

    def run(ctx: LintContext) -> Iterable[Hit]:
        for instruction in ctx.dockerfile.instructions:
            if keyword in ("*", instruction.keyword) and pattern.search(instruction.args):
                yield Hit(instruction.span, message)

    return run


def build_registry(rules_dirs: Iterable[Path] = (), *, entry_points: bool = True) -> Registry:
    _import_builtin_checks()
    pages = load_pages(builtin_catalog_dir())
    if entry_points:
        for catalog in _entry_point_catalogs():
            pages.extend(load_pages(catalog))
    for directory in rules_dirs:
        pages.extend(load_pages(Path(directory)))
    rules = []
    documented = set()
    for page in pages:
        documented.add(page.id)
        if page.match is not None:
            if page.id in _CHECKS:
                raise UsageError(f"{page.origin}: rule {page.id} has both a [match] table and a Python check")
            rules.append(Rule(page, declarative_check(page)))
        elif page.id in _CHECKS or page.id in ENGINE_RULES:
            rules.append(Rule(page, _CHECKS.get(page.id)))
        else:
            raise UsageError(f"{page.origin}: rule {page.id} has a page but no check (and no [match] table)")
    orphans = sorted(set(_CHECKS) - documented)
    if orphans:
        raise UsageError(f"checks without a rule page: {', '.join(orphans)}")
    return Registry(rules)
