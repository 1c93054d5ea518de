"""Every rule's fixture cases, one runner.

* ``tests/fixtures/rules/<ID>.toml``: small inline cases for one rule.
* ``tests/fixtures/projects/<name>/``: realistic build contexts (Dockerfile, sources,
  requirements) with an ``expected.toml`` listing, per rule, every place it must fire.

A place is a Dockerfile line (``3``) or ``"path:line"`` for a context file;
``[]`` means the rule must not fire at all.  ``[severity]`` pins the severity of
single places (``"src/app.py:4" = "info"``).  ``build_args`` (a table) lints as
``--build-arg NAME=VALUE`` would.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

import pytest

from portlint.testing import lint_context_dir, lint_files, make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
PROJECTS = Path(__file__).parent / "fixtures" / "projects"


def _inline_cases():
    for path in sorted(FIXTURES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data["case"]:
            yield pytest.param(data["rule"], case, id=f"{path.stem}-{case['name']}")


def _project_cases():
    for expected in sorted(PROJECTS.glob("*/expected.toml")):
        data = tomllib.loads(expected.read_text(encoding="utf-8"))
        yield pytest.param(expected.parent, data, id=expected.parent.name)


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
    for place, severity in case.get("severities", {}).items():  # "path:line" -> severity, for mixed cases
        assert {f.severity.label for f in findings if f.rule == rule and f"{f.path}:{f.line}" == place} == {severity}, place


@pytest.mark.parametrize(("rule", "case"), list(_inline_cases()))
def test_inline_case(rule: str, case: dict) -> None:
    files = {"Dockerfile": case["dockerfile"], **case.get("files", {})}
    findings = lint_files(files, config=case.get("config"), build_args=case.get("build_args"))
    _assert_case(findings, rule, case)


@pytest.mark.parametrize(("directory", "data"), list(_project_cases()))
def test_project(directory: Path, data: dict) -> None:
    dockerfile = data.get("dockerfile", "Dockerfile")
    settings = make_settings(data.get("config"), data.get("build_args"))
    findings = lint_context_dir(directory, dockerfile, settings=settings)
    for rule, flags in data["flags"].items():
        _assert_case(findings, rule, {"flags": flags}, dockerfile)
    for place, severity in data.get("severity", {}).items():
        path, _, line = place.rpartition(":")
        got = {f.severity.label for f in findings if f.path == (path or dockerfile) and f.line == int(line or place)
               and f.rule.startswith("PL2")}
        assert got == {severity}, (place, got)
