"""CI integration: the GitHub Action's structure, and real JSON output against the report schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint.cli import cli

ROOT = Path(__file__).resolve().parents[1]
yaml = pytest.importorskip("yaml")


def test_action_is_a_valid_composite_action() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"paths", "format", "fail-on", "config", "platforms"} <= set(inputs)
    steps = action["runs"]["steps"]
    assert all("shell" in step and "run" in step for step in steps)
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    referenced = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert referenced == set(inputs), "every input is used, and only declared inputs are used"
    run_step = steps[-1]["run"]
    for flag in ("--format", "--fail-on", "--config", "--platform"):
        assert flag in run_step


def test_precommit_manifest_parses_as_yaml() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "portlint" and hooks[0]["language"] == "python"


def test_json_output_matches_the_published_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schema" / "portlint-report.schema.json").read_text(encoding="utf-8"))
    monkeypatch.chdir(ROOT / "examples" / "ml-service")
    result = CliRunner().invoke(cli, ["--format", "json", "Dockerfile", "fixed/Dockerfile"])
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema)
    assert document["summary"]["files"] == 2 and document["findings"]
