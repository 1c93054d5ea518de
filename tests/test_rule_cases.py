"""Every rule's fixture cases (tests/fixtures/rules/*.toml and */expected.toml), one runner.

A case gives a Dockerfile (and optional context files) and the exact places where
its rule must fire: ``flags = [3, "requirements.txt:2"]`` (bare numbers are
Dockerfile lines); ``flags = []`` means the rule must not fire at all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from portlint.testing import lint_context_dir, lint_files, make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _inline_cases():
    for path in sorted(FIXTURES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data["case"]:
            yield pytest.param(data["rule"], case, id=f"{path.stem}-{case['name']}")


def _directory_cases():
    for expected in sorted(FIXTURES.glob("*/*/expected.toml")):
        data = tomllib.loads(expected.read_text(encoding="utf-8"))
        yield pytest.param(expected.parent, data, id=f"{expected.parent.parent.name}-{expected.parent.name}")


def _places(findings, rule: str, dockerfile: str = "Dockerfile") -> list:
    places = []
    for f in findings:
        if f.rule == rule:
            places.append(f.line if f.path == dockerfile else f"{f.path}:{f.line}")
    return sorted(places, key=str)


def _assert_case(findings, rule: str, case: dict, dockerfile: str = "Dockerfile") -> None:
    expected = sorted(case["flags"], key=str)
    got = _places(findings, rule, dockerfile)
    assert got == expected, "\n".join(f"{f.path}:{f.line} {f.rule} {f.message}" for f in findings)
    for needle in case.get("message_contains", []):
        assert any(needle in f.message for f in findings if f.rule == rule), needle
    if "severity" in case:
        assert {f.severity.label for f in findings if f.rule == rule} == {case["severity"]}


@pytest.mark.parametrize(("rule", "case"), list(_inline_cases()))
def test_inline_case(rule: str, case: dict) -> None:
    files = {"Dockerfile": case["dockerfile"], **case.get("files", {})}
    findings = lint_files(files, config=case.get("config"))
    _assert_case(findings, rule, case)


@pytest.mark.parametrize(("directory", "data"), list(_directory_cases()))
def test_directory_case(directory: Path, data: dict) -> None:
    dockerfile = data.get("dockerfile", "Dockerfile")
    findings = lint_context_dir(directory, dockerfile, settings=make_settings(data.get("config")))
    for rule, flags in data["flags"].items():
        _assert_case(findings, rule, {"flags": flags}, dockerfile)
