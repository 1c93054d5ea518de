"""Output formats checked structurally: SARIF against the 2.1.0 schema, GitHub, GitLab, text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from portlint.diagnostics import FileResult, Finding, Severity
from portlint.reporters import Summary, get_reporter
from portlint.selection import enabled_rules
from portlint.testing import registry

SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"

FINDINGS = [
    Finding("PL201", "missing-dependency", Severity.ERROR, "svc/model.py", 3, 1, 3,
            "'pandas' is imported, but no step installs 'pandas'", "Add pandas==<version>", "import pandas as pd"),
    Finding("PL102", "latest-base-image", Severity.WARNING, "svc/Dockerfile", 1, 1, 1,
            "Base image 'python:latest' uses the 'latest' tag, 100% floating: a,b", None, "FROM python:latest"),
    Finding("PL104", "base-image-not-digest-pinned", Severity.INFO, "svc/Dockerfile", 1, 1, 2,
            "pinned by tag only\nsecond line", "Add the digest", "FROM python:3.12"),
]


def render(name: str, color: bool = False) -> str:
    reg = registry()
    stream = io.StringIO()
    reporter = get_reporter(name)(stream, reg, enabled_rules(reg, ("PL",)), color=color)
    summary = Summary()
    for result in (FileResult("svc/Dockerfile", FINDINGS),):
        summary.count(result)
        reporter.file(result)
    reporter.finish(summary)
    return stream.getvalue()


def test_json_report() -> None:
    data = json.loads(render("json"))
    assert data["version"] == 1
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 1, "infos": 1}
    assert [f["rule"] for f in data["findings"]] == ["PL201", "PL102", "PL104"]
    assert set(data["findings"][0]) == {"rule", "name", "severity", "path", "line", "column", "end_line", "message", "fix"}


def test_sarif_is_valid_against_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    sarif = json.loads(render("sarif"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "PL201" in ids and "PL101" in ids
    first = rules[ids.index("PL201")]
    assert first["name"] == "missing-dependency"
    assert first["defaultConfiguration"]["level"] == "error"
    assert "Why this breaks portability" in first["help"]["markdown"]
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]
    assert run["results"][0]["ruleIndex"] == ids.index("PL201")
    region = run["results"][2]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 2}


def test_github_workflow_commands_escape_data() -> None:
    lines = render("github").splitlines()
    assert lines[0].startswith("::error file=svc/model.py,line=3,endLine=3,col=1,title=PL201 missing-dependency::")
    assert lines[1].startswith("::warning file=svc/Dockerfile,")
    assert "100%25 floating: a,b" in lines[1]
    assert lines[2].startswith("::notice ") and "pinned by tag only%0Asecond line" in lines[2]
    assert len(lines) == 3


def test_gitlab_code_quality() -> None:
    issues = json.loads(render("gitlab"))
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    assert all({"description", "check_name", "fingerprint", "severity", "location"} <= set(i) for i in issues)
    assert issues[0]["location"] == {"path": "svc/model.py", "lines": {"begin": 3, "end": 3}}
    assert len({i["fingerprint"] for i in issues}) == 3


def test_text_plain_and_colour_have_the_same_words() -> None:
    plain = render("text")
    assert "svc/model.py:3:1: error PL201 [missing-dependency]" in plain
    assert "     3 | import pandas as pd" in plain
    assert "  fix: Add pandas==<version>" in plain
    assert plain.rstrip().endswith("Found 3 problems in 1 file: 1 error, 1 warning, 1 info.")
    assert "\x1b[" not in plain
    coloured = render("text", color=True)
    assert "\x1b[" in coloured
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
