"""Configuration: discovery, keys, validation, precedence, severity overrides, per-file ignores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint.cli import cli

DIRTY = "FROM python:latest\nWORKDIR app\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Dockerfile").write_text(DIRTY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules_found(result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_dot_portlint_toml_top_level_keys(project: Path) -> None:
    (project / ".portlint.toml").write_text('ignore = ["PL102"]\n')
    assert rules_found(run("--format", "json")) == ["PL501"]


def test_pyproject_tool_section_found_walking_up(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.portlint]\nselect = ["PL5"]\n')
    sub = project / "sub"
    sub.mkdir()
    (sub / "Dockerfile").write_text(DIRTY)
    monkeypatch.chdir(sub)
    assert rules_found(run("--format", "json")) == ["PL501"]


def test_pyproject_without_section_is_skipped(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert sorted(rules_found(run("--format", "json"))) == ["PL102", "PL501"]


def test_cli_overrides_config(project: Path) -> None:
    (project / ".portlint.toml").write_text('select = ["PL5"]\nfail-on = "never"\n')
    result = run("--select", "PL1", "--fail-on", "warning", "--format", "json")
    assert rules_found(result) == ["PL102"] and result.exit_code == 1


def test_severity_override_and_fail_on(project: Path) -> None:
    (project / ".portlint.toml").write_text('fail-on = "error"\n[severity]\nPL102 = "error"\nrelative-workdir = "info"\n')
    result = run("--format", "json")
    severities = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert severities == {"PL102": "error", "PL501": "info"}
    assert result.exit_code == 1


def test_per_file_ignores(project: Path) -> None:
    (project / "docker").mkdir()
    (project / "docker" / "dev.Dockerfile").write_text(DIRTY)
    (project / ".portlint.toml").write_text('[per-file-ignores]\n"docker/dev.Dockerfile" = ["PL102"]\n"Dockerfile" = ["PL5"]\n')
    result = run("--format", "json", "Dockerfile", "docker/dev.Dockerfile")
    found = sorted((f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("Dockerfile", "PL102"), ("docker/dev.Dockerfile", "PL501")]


def test_platforms_from_config_are_validated(project: Path) -> None:
    (project / ".portlint.toml").write_text('platforms = ["linux/amd64", "arm64"]\n')
    result = run()
    assert result.exit_code == 2 and "invalid platform 'arm64'" in result.output


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('selct = ["PL1"]\n', "unknown configuration key 'selct' (did you mean 'select'?)"),
        ('select = ["PL999"]\n', "unknown rule or prefix 'PL999'"),
        ('ignore = "PL1O1"\n', "unknown rule or prefix 'PL1O1'"),
        ('fail-on = "sometimes"\n', "'fail-on' must be"),
        ("select = [\n", "invalid TOML"),
        ('[severity]\nPL102 = "fatal"\n', "[severity]"),
        ('[severity]\nPL1 = "error"\n', "must name one rule"),
        ('[per-file-ignores]\n"x" = ["PL77"]\n', "unknown rule or prefix 'PL77'"),
        ('rules-dirs = ["nope"]\n', "does not exist"),
    ],
)
def test_bad_config_is_exit_2_naming_the_problem(project: Path, content: str, needle: str) -> None:
    (project / ".portlint.toml").write_text(content)
    result = run()
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert ".portlint.toml" in result.output or "nope" in result.output
    assert "Traceback" not in result.output


def test_explicit_config_file(project: Path) -> None:
    (project / "ci.toml").write_text('ignore = ["PL1"]\n')
    assert rules_found(run("--config", "ci.toml", "--format", "json")) == ["PL501"]
    missing = run("--config", "missing.toml")
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_pyproject_without_a_portlint_table_is_not_configuration(project: Path) -> None:
    """A pyproject.toml that never mentions portlint is not read, even when it is broken TOML."""
    (project / "pyproject.toml").write_text('[project\nname = "x"\n')
    result = run("--format", "json")
    assert result.exit_code == 1 and rules_found(result) == ["PL102", "PL501"]


def test_dotted_tool_portlint_keys_are_found(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool]\nportlint.ignore = ["PL102"]\n')
    assert rules_found(run("--format", "json")) == ["PL501"]
