"""The hook works when a user adds it: the real `pre-commit try-repo` against this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("pre_commit")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args], cwd=repo, check=True,
                   capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), NO_COLOR="1")
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "portlint", "--all-files"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=600)


def _project(tmp_path: Path, dockerfile: str) -> Path:
    repo = tmp_path / "project"
    (repo / "svc").mkdir(parents=True)
    (repo / "svc" / "Dockerfile").write_text(dockerfile)
    (repo / "svc" / "app.py").write_text("print('hi')\n")
    (repo / "notes.md").write_text("FROM python:latest is not a Dockerfile\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    return repo


def test_bad_dockerfile_fails_the_hook_with_the_finding(tmp_path: Path, hook_home: Path) -> None:
    done = _try_repo(_project(tmp_path, "FROM python:latest\nCOPY app.py /app/\n"), hook_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "svc/Dockerfile:1:1: warning PL102 [latest-base-image]" in done.stdout
    assert "notes.md" not in done.stdout.split("portlint...")[-1]


def test_good_dockerfile_passes(tmp_path: Path, hook_home: Path) -> None:
    good = "FROM python:3.12.7-slim\nWORKDIR /app\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n"
    done = _try_repo(_project(tmp_path, good), hook_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
