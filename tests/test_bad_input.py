"""Bad input: a clear PL001 or usage error, never a traceback, and the other files still linted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint.cli import cli

GOOD = "FROM python:latest\n"


def run(*args: str):
    return CliRunner().invoke(cli, ["--format", "json", *args], catch_exceptions=False)


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        (b"", "empty", 1),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary", 1),
        (b"FROM python:3.12\nLABEL who=Jos\xe9\n", "not valid UTF-8", 2),
        ("FROM python:3.12\n".encode("utf-16"), "UTF-16", 1),
        (b"FROM python:3.12-slim\nRUN <<EOF\napt-get update\n", "never closed", 2),
        (b"# just a comment\nRUN echo hi\n", "no FROM", 2),
        (b"FROM python:3.12-slim\nRUNN echo\n", "unknown instruction", 2),
    ],
)
def test_unreadable_dockerfile_is_pl001_and_others_still_linted(tmp_path: Path, monkeypatch, content: bytes, needle: str, line: int) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.Dockerfile").write_bytes(content)
    Path("Dockerfile").write_text(GOOD)
    result = run("bad.Dockerfile", "Dockerfile")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    bad = [f for f in findings if f["path"] == "bad.Dockerfile"]
    assert [(f["rule"], f["line"]) for f in bad] == [("PL001", line)]
    assert needle in bad[0]["message"]
    assert any(f["path"] == "Dockerfile" and f["rule"] == "PL102" for f in findings)
    assert "Traceback" not in result.output


def test_dockerfile_path_that_is_a_directory_is_discovered_not_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").mkdir()
    (tmp_path / "Dockerfile" / "Dockerfile").write_text(GOOD)
    result = run("Dockerfile")
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["Dockerfile/Dockerfile"]


def test_unreadable_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(GOOD)
    real_read = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "Dockerfile":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    result = run("Dockerfile")
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["rule"] == "PL001" and "Permission denied" in finding["message"]
    assert result.exit_code == 1


def test_utf16_requirements_are_read_as_pip_reads_them() -> None:
    """Windows' `pip freeze > requirements.txt` writes UTF-16 with a byte-order mark; pip reads it."""
    from portlint.testing import lint_files

    findings = lint_files({
        "Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt app.py /app/\n"
                      "RUN pip install --no-cache-dir -r /app/requirements.txt\nCMD [\"python\", \"/app/app.py\"]\n",
        "requirements.txt": "django==5.0.6\r\n".encode("utf-16"),
        "app.py": "import django\n",
    })
    assert not [f for f in findings if f.rule in ("PL001", "PL201")], findings


def test_a_utf16_conda_environment_file_is_read() -> None:
    """YAML allows UTF-16 with a byte-order mark, which PowerShell's `>` writes; conda reads it."""
    from portlint.testing import lint_files

    findings = lint_files({
        "Dockerfile": "FROM continuumio/miniconda3:24.7.1-0\nCOPY env.yml app.py /app/\n"
                      "RUN conda env create -f /app/env.yml\n"
                      "CMD [\"conda\", \"run\", \"-n\", \"app\", \"python\", \"/app/app.py\"]\n",
        "env.yml": "name: app\r\ndependencies:\r\n  - python=3.11\r\n  - pip:\r\n    - streamlit==1.40.1\r\n".encode("utf-16"),
        "app.py": "import streamlit\n",
    })
    assert not [f for f in findings if f.rule in ("PL001", "PL201", "PL209")], findings
