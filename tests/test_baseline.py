"""--write-baseline and --baseline: adopt portlint on a repository without fixing everything first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint.baseline import fingerprint, read_baseline
from portlint.cli import cli
from portlint.diagnostics import Finding, Severity

DOCKERFILE = "FROM python:latest\nCOPY app.py /app/\nRUN pip install flask\nCMD [\"python\", \"/app/app.py\"]\n"


def _run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _project(root: Path) -> None:
    (root / "svc").mkdir()
    (root / "svc" / "Dockerfile").write_text(DOCKERFILE)
    (root / "svc" / "app.py").write_text("import flask\n")


def _report(args: list[str]) -> tuple[int, dict]:
    result = _run(["--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_baseline_hides_recorded_findings_and_reports_new_ones(tmp_path: Path, monkeypatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, before = _report(["svc/Dockerfile"])
    assert code == 1 and before["findings"]

    result = _run(["--write-baseline", "portlint-baseline.json", "svc/Dockerfile"])
    assert result.exit_code == 0 and "recorded" in result.stderr
    stored = json.loads((tmp_path / "portlint-baseline.json").read_text())
    assert stored["portlint-baseline"] == 1
    assert {e["path"] for e in stored["findings"]} == {"svc/Dockerfile"}
    assert sum(e["count"] for e in stored["findings"]) == len(before["findings"])

    code, report = _report(["--baseline", "portlint-baseline.json", "svc/Dockerfile"])
    assert code == 0 and report["findings"] == []
    assert report["summary"]["baselined"] == len(before["findings"])

    # lines move (a comment on top) and a new problem appears: only the new one is reported
    (tmp_path / "svc" / "Dockerfile").write_text("# the API image\n" + DOCKERFILE.replace(
        "CMD", "RUN pip install requests\nCMD"))
    code, report = _report(["--baseline", "portlint-baseline.json", "svc/Dockerfile"])
    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("PL205", 5)]
    assert report["summary"]["baselined"] == len(before["findings"])


def test_baseline_paths_do_not_depend_on_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert _run(["--write-baseline", "baseline.json", "svc/Dockerfile"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "svc")
    code, report = _report(["--baseline", "../baseline.json", "Dockerfile"])
    assert code == 0 and report["findings"] == []


def test_text_summary_counts_baselined_and_notes_stale_entries(tmp_path: Path, monkeypatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    _run(["--write-baseline", "b.json", "svc/Dockerfile"])
    (tmp_path / "svc" / "Dockerfile").write_text(DOCKERFILE.replace("python:latest", "python:3.12.4-slim"))
    result = _run(["--baseline", "b.json", "--no-color", "svc/Dockerfile"])
    assert "baselined)." in result.stdout
    assert "no longer occur; run --write-baseline b.json to drop them" in result.stderr


def test_identical_findings_are_counted(tmp_path: Path) -> None:
    from portlint.baseline import Baseline, _key
    from portlint.diagnostics import FileResult

    finding = Finding("PL205", "unpinned-python-dependency", Severity.WARNING, str(tmp_path / "Dockerfile"), 3, 1, 3,
                      "'flask' has no exact version", None, "RUN pip install flask")
    baseline = Baseline(tmp_path)
    baseline.counts[_key(finding, tmp_path)] = 1
    moved = Finding(**{**finding.__dict__, "line": 9, "end_line": 9})
    result = baseline.filter(FileResult("Dockerfile", [finding, moved]))
    assert result.findings == [moved] and baseline.matched == 1


def test_fingerprint_ignores_lines_and_spacing_but_not_the_text() -> None:
    base = Finding("PL001", "parse-error", Severity.ERROR, "requirements.txt", 3, 1, 3,
                   "requirements.txt:3: invalid requirement 'x=='", None, "x==")
    moved = Finding(**{**base.__dict__, "line": 7, "message": "requirements.txt:7: invalid  requirement 'x=='"})
    other = Finding(**{**base.__dict__, "source_line": "y=="})
    assert fingerprint(base) == fingerprint(moved) != fingerprint(other)


@pytest.mark.parametrize(("content", "needle"), [
    (None, "does not exist; create it with --write-baseline"),
    ("{not json", "is not valid JSON"),
    ('{"findings": []}', "is not a portlint baseline"),
    ('{"portlint-baseline": 1, "findings": [{"rule": "PL101"}]}', "entry 1 needs rule, path and fingerprint"),
])
def test_bad_baselines_are_usage_errors(tmp_path: Path, monkeypatch, content: str | None, needle: str) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "b.json").write_text(content)
    result = _run(["--baseline", "b.json", "svc/Dockerfile"])
    assert result.exit_code == 2 and needle in result.stderr and "Traceback" not in result.stderr
    if content is None:
        with pytest.raises(Exception, match="does not exist"):
            read_baseline(tmp_path / "b.json")


def test_fix_leaves_baselined_findings_alone(tmp_path: Path, monkeypatch) -> None:
    _project(tmp_path)
    (tmp_path / "svc" / "requirements.lock").write_text("flask==3.0.3\n")
    monkeypatch.chdir(tmp_path)
    _run(["--write-baseline", "b.json", "svc/Dockerfile"])
    result = _run(["--fix", "--baseline", "b.json", "svc/Dockerfile"])
    assert result.exit_code == 0
    assert (tmp_path / "svc" / "Dockerfile").read_text() == DOCKERFILE
    result = _run(["--fix", "svc/Dockerfile"])
    assert "RUN pip install flask==3.0.3\n" in (tmp_path / "svc" / "Dockerfile").read_text()


def test_entries_for_files_outside_the_run_are_not_stale(tmp_path: Path, monkeypatch) -> None:
    _project(tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "Dockerfile").write_text("FROM ubuntu\n")
    monkeypatch.chdir(tmp_path)
    _run(["--write-baseline", "b.json", "svc/Dockerfile", "other/Dockerfile"])
    result = _run(["--baseline", "b.json", "svc/Dockerfile"])  # as pre-commit does: only the changed file
    assert result.exit_code == 0 and "no longer occur" not in result.stderr
