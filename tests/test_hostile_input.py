"""Hostile input: bounded time and memory, and nothing from the analysed project is ever run."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from portlint.testing import lint_context_dir, lint_files


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def test_one_megabyte_line() -> None:
    findings, seconds = _timed(lint_files, {"Dockerfile": "FROM python:3.12-slim\nRUN echo " + "a" * 1_000_000 + "\n"})
    assert seconds < 20
    assert all(f.rule != "PL001" for f in findings)


def test_ten_thousand_stages() -> None:
    text = "FROM python:3.12-slim AS s0\n" + "".join(f"FROM s{i} AS s{i + 1}\nRUN echo {i}\n" for i in range(10_000))
    findings, seconds = _timed(lint_files, {"Dockerfile": text})
    assert seconds < 60
    assert not [f for f in findings if f.rule in ("PL001", "PL101")]


def test_deeply_nested_command_substitution() -> None:
    nested = "echo " + "$(" * 2000 + "x" + ")" * 2000
    findings, seconds = _timed(lint_files, {"Dockerfile": f"FROM python:3.12-slim\nRUN {nested}\n"})
    assert seconds < 20


def test_requirements_include_cycle() -> None:
    files = {
        "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/a.txt\n",
        "a.txt": "-r b.txt\nflask==3.0.3\n",
        "b.txt": "-r a.txt\nrequests\n",
    }
    findings, seconds = _timed(lint_files, files)
    assert seconds < 10
    assert [(f.path, f.line) for f in findings if f.rule == "PL205"] == [("b.txt", 2)]


def test_dockerignore_with_ten_thousand_patterns() -> None:
    ignore = "\n".join(f"data/shard{i}/**" for i in range(10_000)) + "\n!data/keep.csv\n"
    files = {".dockerignore": ignore, "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n", "data/keep.csv": "x"}
    files.update({f"src/m{i}.py": "import os\n" for i in range(200)})
    _, seconds = _timed(lint_files, files)
    assert seconds < 30


def test_symlink_loop_in_context(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n")
    (tmp_path / "main.py").write_text("import os\n")
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path / "loop", tmp_path / "loop" / "again")
    os.symlink(tmp_path, tmp_path / "loop" / "up")
    findings, seconds = _timed(lint_context_dir, tmp_path)
    assert seconds < 10
    assert not [f for f in findings if f.rule == "PL209"]


def test_huge_context_walk_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import portlint.context.buildcontext as buildcontext

    monkeypatch.setattr(buildcontext, "MAX_FILES", 500)
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\nCOPY missing.txt /app/\n")
    for i in range(1200):
        (tmp_path / f"f{i:04d}.txt").write_text("")
    findings = lint_context_dir(tmp_path)
    # Past the cap nothing can be called missing for sure, so PL210 stays quiet.
    assert not [f for f in findings if f.rule == "PL210"]


def test_five_megabyte_dockerfile_in_bounded_memory(tmp_path: Path) -> None:
    """A whole CLI process on a 5 MB, 65,000-instruction Dockerfile: linted in bounded time and RSS."""
    import resource
    import subprocess

    body = "RUN echo " + "x" * 70 + "\n"
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\n" + body * (5 * 1024 * 1024 // len(body)))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "portlint", "--format", "json", "--fail-on", "never", "Dockerfile"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 0, done.stderr[-500:]
    assert seconds < 120
    assert peak_mb < 500


def test_latin1_and_utf16_files_are_pl001() -> None:
    latin = lint_files({"Dockerfile": "FROM python:3.12-slim\nLABEL a=\"café\"\n".encode("latin-1")})
    utf16 = lint_files({"Dockerfile": "FROM python:3.12-slim\n".encode("utf-16")})
    assert [f.rule for f in latin] == ["PL001"] and [f.rule for f in utf16] == ["PL001"]


def test_malicious_project_code_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'w').write('pwned')\n"
    files = {
        "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nRUN pip install /app\nCMD [\"python\", \"-m\", \"conftest\"]\n",
        "setup.py": payload + "from setuptools import setup\nsetup(name='x', install_requires=['numpy'])\n",
        "conftest.py": payload,
        "sitecustomize.py": payload,
        "usercustomize.py": payload,
        "app/__init__.py": payload,
        "pyproject.toml": "[build-system]\nrequires = ['setuptools']\n",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    before = set(sys.modules)
    lint_context_dir(tmp_path)
    assert not marker.exists()
    assert not {"conftest", "sitecustomize", "usercustomize", "app", "setup"} & (set(sys.modules) - before)


def test_fifty_megabyte_dockerfile_is_refused_without_reading_it(tmp_path: Path) -> None:
    import resource
    import subprocess

    body = "RUN echo " + "x" * 70 + "\n"
    with open(tmp_path / "Dockerfile", "w") as handle:
        handle.write("FROM python:3.12-slim\n")
        for _ in range(50):
            handle.write(body * (1024 * 1024 // len(body)))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "portlint", "--format", "json", "Dockerfile"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 1, done.stderr[-500:]
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["rule"] == "PL001" and "up to 10 MB" in finding["message"]
    assert seconds < 30 and peak_mb < 500


def test_capped_walk_says_so_once_for_dockerfiles_sharing_the_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import portlint.context.buildcontext as buildcontext
    from portlint.lint_context import _load_build_context

    monkeypatch.setattr(buildcontext, "MAX_FILES", 100)
    _load_build_context.cache_clear()
    for name in ("api", "worker"):
        (tmp_path / f"{name}.Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    for i in range(300):
        (tmp_path / f"f{i:03d}.txt").write_text("")
    lint_context_dir(tmp_path, "api.Dockerfile")
    lint_context_dir(tmp_path, "worker.Dockerfile")
    _load_build_context.cache_clear()
    notes = [line for line in capsys.readouterr().err.splitlines() if "holds more than 100 files" in line]
    assert len(notes) == 1, notes


def test_a_compose_file_the_yaml_reader_cannot_read_adds_nothing() -> None:
    """Anchors, block scalars and a `build:` list are left out, never a traceback."""
    from portlint.testing import lint_files

    compose = ("x-common: &common\n  build: .\nservices:\n  web:\n    <<: *common\n    command: >\n      python web.py\n"
               "  bad:\n    build: [1, 2]\n")
    findings = lint_files({"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n", "web.py": "import flask\n",
                           "docker-compose.yml": compose})
    assert [f.rule for f in findings if f.rule == "PL201"] == ["PL201"]
