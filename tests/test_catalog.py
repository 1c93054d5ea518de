"""The rule catalog: one page per rule, fixed headings, and examples that really lint as they claim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portlint.catalog import REQUIRED_SECTIONS, SECTIONS, load_pages
from portlint.registry import ENGINE_RULES
from portlint.testing import lint_files, registry

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
SPEC_IDS = {
    "PL001", "PL101", "PL102", "PL103", "PL104", "PL105", "PL201", "PL202", "PL203", "PL204", "PL205",
    "PL206", "PL207", "PL208", "PL209", "PL210", "PL301", "PL302", "PL303", "PL304", "PL305", "PL306",
    "PL307", "PL401", "PL402", "PL403", "PL404", "PL405", "PL406", "PL407", "PL408", "PL409", "PL410", "PL501",
    "PL502", "PL503", "PL504",
}
PAGES = load_pages(RULES_DIR)


def test_every_spec_rule_has_a_page_and_a_check() -> None:
    reg = registry()
    assert {p.id for p in PAGES} == SPEC_IDS
    for rule in reg:
        assert rule.check is not None or rule.id in ENGINE_RULES, rule.id


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_page_shape(page) -> None:
    assert page.origin.name == f"{page.id}-{page.name}.md"
    assert len(page.summary) <= 72, page.summary
    assert page.fix, "every page names a one-line fix"
    headings = list(page.sections)
    assert [h for h in headings if h not in SECTIONS] == [], "unknown heading"
    assert headings == sorted(headings, key=SECTIONS.index), "headings out of order"
    for required in REQUIRED_SECTIONS:
        assert required in headings, required
    why = page.sections["Why this breaks portability"]
    assert len(why) > 200, "the why section explains the failure"
    assert "`" in why, "the why section quotes a concrete failure or command"
    assert re.search(r"https?://", page.sections["References"])


def _context(examples) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for example in examples:
        text = example.text
        if example.options.get("crlf") == "true":
            files[example.path or "Dockerfile"] = text.replace("\n", "\r\n").encode()
        else:
            files[example.path or "Dockerfile"] = text
    return files


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_bad_example_fires_and_good_example_does_not(page) -> None:
    for section, should_fire in (("Bad", True), ("Good", False)):
        examples = page.examples(section)
        assert any(e.path is None for e in examples), f"{section} has no dockerfile fence"
        findings = lint_files(_context(examples))
        fired = [f for f in findings if f.rule == page.id]
        assert bool(fired) == should_fire, (section, [(f.rule, f.path, f.line, f.message) for f in findings])
