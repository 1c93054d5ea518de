"""The command line through click's CliRunner: formats, selection, exit codes, stdin, discovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint.cli import cli

DIRTY = "FROM python:latest\nWORKDIR /app\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"
CLEAN = "FROM python:3.12.7-slim@sha256:" + "a" * 64 + "\nWORKDIR /app\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text("print('hello')\n")
    (tmp_path / "Dockerfile").write_text(DIRTY)
    (tmp_path / "Dockerfile.clean").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_default_path_is_dockerfile_and_findings_exit_1(project: Path) -> None:
    result = invoke()
    assert result.exit_code == 1
    assert "Dockerfile:1:1: warning PL102 [latest-base-image]" in result.output
    assert "   1 | FROM python:latest" in result.output
    assert "fix: " in result.output
    assert "Found 1 problem in 1 file: 0 errors, 1 warning, 0 infos." in result.output


def test_clean_file_exits_0(project: Path) -> None:
    result = invoke("Dockerfile.clean")
    assert result.exit_code == 0, result.output
    assert "No problems found in 1 file." in result.output


def test_fail_on_levels(project: Path) -> None:
    assert invoke("--fail-on", "never", "Dockerfile").exit_code == 0
    assert invoke("--fail-on", "error", "Dockerfile").exit_code == 0
    assert invoke("--fail-on", "warning", "Dockerfile").exit_code == 1
    (project / "Dockerfile.info").write_text("FROM python:3.12.7-slim\nCOPY app.py /app/\n")
    assert invoke("--fail-on", "info", "Dockerfile.info").exit_code == 1
    assert invoke("Dockerfile.info").exit_code == 0


def test_select_ignore_extend_select_by_id_prefix_and_name(project: Path) -> None:
    assert invoke("--ignore", "PL102", "Dockerfile").exit_code == 0
    assert invoke("--ignore", "latest-base-image", "Dockerfile").exit_code == 0
    assert invoke("--select", "PL5", "Dockerfile").exit_code == 0
    result = invoke("--select", "PL5", "--extend-select", "PL10", "--format", "json", "Dockerfile")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["PL102"]


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_rule_is_usage_error(project: Path, option: str) -> None:
    result = invoke(option, "PL999", "Dockerfile")
    assert result.exit_code == 2
    assert "unknown rule or prefix 'PL999'" in result.output


def test_json_shape(project: Path) -> None:
    result = invoke("--format", "json", "Dockerfile", "Dockerfile.clean")
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["summary"] == {"files": 2, "errors": 0, "warnings": 1, "infos": 0}
    finding = data["findings"][0]
    assert finding == {
        "rule": "PL102", "name": "latest-base-image", "severity": "warning", "path": "Dockerfile",
        "line": 1, "column": 1, "end_line": 1, "message": finding["message"], "fix": finding["fix"],
    }
    assert "python:latest" in finding["message"]


def test_stdin(project: Path) -> None:
    result = invoke("-", input=DIRTY)
    assert result.exit_code == 1
    assert "<stdin>:1:1: warning PL102" in result.output


def test_directory_discovery_skips_vendored_trees(project: Path) -> None:
    for relative in ("svc/api/Dockerfile", "svc/web/web.Dockerfile", "svc/Containerfile", "svc/node_modules/x/Dockerfile",
                     "svc/.venv/Dockerfile", "svc/.git/Dockerfile"):
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DIRTY)
    result = invoke("--format", "json", "svc")
    paths = sorted({f["path"] for f in json.loads(result.stdout)["findings"]})
    assert paths == ["svc/Containerfile", "svc/api/Dockerfile", "svc/web/web.Dockerfile"]


def test_missing_path_is_exit_2_but_others_are_linted(project: Path) -> None:
    result = invoke("nope/Dockerfile", "Dockerfile")
    assert result.exit_code == 2
    assert "path 'nope/Dockerfile' does not exist" in result.output
    assert "PL102" in result.output


def test_directory_without_dockerfile(project: Path) -> None:
    (project / "empty").mkdir()
    result = invoke("empty")
    assert result.exit_code == 2 and "no Dockerfile found in directory 'empty'" in result.output


def test_no_dockerfile_in_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke()
    assert result.exit_code == 2 and "no Dockerfile in the current directory" in result.output


def test_bad_platform_and_context(project: Path) -> None:
    assert invoke("--platform", "amd64", "Dockerfile").exit_code == 2
    result = invoke("--context", "missing-dir", "Dockerfile")
    assert result.exit_code == 2 and "missing-dir" in result.output


BUILD_ARG_DOCKERFILE = (
    "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nARG EXAMPLE_DIR\nWORKDIR /app\n"
    "COPY $EXAMPLE_DIR/requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\n"
)


def _rules(result) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def test_build_arg_sets_arg_values_for_from_and_copy(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "Dockerfile.args").write_text(BUILD_ARG_DOCKERFILE)
    (project / "examples" / "chat").mkdir(parents=True)
    (project / "examples" / "chat" / "requirements.txt").write_text("fastapi\n")
    monkeypatch.delenv("EXAMPLE_DIR", raising=False)
    # Without values: the base image is unknown (PL105) and the COPY source too (no PL301).
    assert _rules(invoke("--format", "json", "Dockerfile.args")) == [("PL105", 2)]
    result = invoke("--format", "json", "--build-arg", "BASE_IMAGE=python:3.11.9-slim",
                    "--build-arg", "EXAMPLE_DIR=examples/chat", "Dockerfile.args")
    assert _rules(result) == [("PL104", 2), ("PL205", 1)]  # the chat example's unpinned fastapi
    assert json.loads(result.stdout)["findings"][1]["path"] == "examples/chat/requirements.txt"
    # The last value of a name wins; NAME= is an empty value, so the source is unknown again.
    result = invoke("--format", "json", "--build-arg", "BASE_IMAGE=python:latest", "--build-arg",
                    "BASE_IMAGE=python:3.11.9-slim", "--build-arg", "EXAMPLE_DIR=", "Dockerfile.args")
    assert _rules(result) == [("PL104", 2)]


def test_build_arg_without_value_reads_the_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "Dockerfile.args").write_text(BUILD_ARG_DOCKERFILE.replace("ARG BASE_IMAGE\n", "ARG BASE_IMAGE=python:3.11.9-slim\n"))
    monkeypatch.setenv("BASE_IMAGE", "python:latest")
    assert ("PL102", 2) in _rules(invoke("--format", "json", "--build-arg", "BASE_IMAGE", "Dockerfile.args"))
    # Unset in the environment: the build arg is left out and the ARG default applies, as docker does.
    monkeypatch.delenv("BASE_IMAGE")
    assert ("PL102", 2) not in _rules(invoke("--format", "json", "--build-arg", "BASE_IMAGE", "Dockerfile.args"))


@pytest.mark.parametrize("value", ["=python:3.12", "MY ARG=1", ""])
def test_bad_build_arg_is_usage_error(project: Path, value: str) -> None:
    result = invoke("--build-arg", value, "Dockerfile")
    assert result.exit_code == 2 and "invalid --build-arg" in result.output


def test_version_and_help() -> None:
    assert invoke("--version").output.startswith("portlint ")
    assert "portlint rules" in invoke("--help").output
    assert "--fail-on" in invoke("lint", "--help").output
    assert "--build-arg" in invoke("lint", "--help").output


def test_rules_listing_formats() -> None:
    data = json.loads(invoke("rules", "--format", "json").stdout)
    ids = [r["id"] for r in data["rules"]]
    assert ids == sorted(ids) and "PL101" in ids and "PL001" in ids
    markdown = invoke("rules", "--format", "markdown").output
    assert markdown.startswith("| id | name | severity | summary |")
    table = invoke("rules").output
    assert "untagged-base-image" in table


def test_explain_by_id_and_name() -> None:
    by_id = invoke("explain", "PL101")
    by_name = invoke("explain", "untagged-base-image")
    assert by_id.exit_code == 0 and by_id.output == by_name.output
    assert "PL101" in by_id.output and "Why this breaks portability" in by_id.output
    unknown = invoke("explain", "PL10")
    assert unknown.exit_code == 2 and "unknown rule" in unknown.output


def test_many_files_in_parallel_match_serial(project: Path) -> None:
    for n in range(20):
        (project / f"s{n}.Dockerfile").write_text(DIRTY if n % 2 else CLEAN)
    serial = invoke("--format", "json", "-j", "1", ".")
    parallel = invoke("--format", "json", "-j", "2", ".")
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert json.loads(serial.stdout)["summary"]["files"] == 22


def test_dockerfile_in_a_subfolder_is_linted_with_the_parent_as_context(tmp_path: Path, monkeypatch) -> None:
    """docker/Dockerfile built with `docker build -f docker/Dockerfile .` from the repository root."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(
        "FROM python:3.12.7-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY src/ ./src/\nCMD [\"python\", \"src/main.py\"]\n"
    )
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    (tmp_path / "src" / "main.py").write_text("import flask\nimport yaml\n")
    findings = json.loads(invoke("--format", "json", "--select", "PL2", "docker/Dockerfile").stdout)["findings"]
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [("PL201", "src/main.py", 2)]
    explicit = json.loads(invoke("--format", "json", "--select", "PL210", "--context", "docker", "docker/Dockerfile").stdout)
    assert {f["rule"] for f in explicit["findings"]} == {"PL210"}  # --context is never second-guessed


def test_subfolder_dockerfile_whose_parent_holds_most_sources(tmp_path: Path, monkeypatch) -> None:
    """A source missing from the repository (a build artifact, a typo) must not hide the
    real context: the parent holding most COPY sources is the context, and the one
    missing source is reported there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "container").mkdir()
    (tmp_path / "container" / "Dockerfile").write_text(
        "FROM python:3.12.7-slim\nWORKDIR /app\nCOPY ./requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY ./app/ ./app/\n"
        "COPY ./container/entrypoint.sh /entrypoint.sh\nCOPY ./container/template/ ./template/\n"
        "ENTRYPOINT [\"/entrypoint.sh\"]\n"
    )
    (tmp_path / "container" / "entrypoint.sh").write_text("#!/bin/sh\nexec python -m app\n")
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__main__.py").write_text("import flask\n")
    findings = json.loads(invoke("--format", "json", "--select", "PL2", "container/Dockerfile").stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("PL210", 7)]
    assert "./container/template/" in findings[0]["message"] and "context (.)" in findings[0]["message"]
