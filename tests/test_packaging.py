"""`python -m build` makes an sdist and a wheel; the wheel carries everything an installed
portlint needs (catalog, knowledge data) and works from outside the source tree.
Offline: the build runs without isolation, and the fresh venv gets the wheel by
`pip install --no-deps`, reaching the already-installed dependencies through a .pth file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True, timeout=300)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    return next(dist.glob("portlint-*.whl"))


def test_sdist_carries_the_catalog(dist: Path) -> None:
    import tarfile

    sdist = next(dist.glob("portlint-*.tar.gz"))
    names = tarfile.open(sdist).getnames()
    assert any(n.endswith("rules/PL201-missing-dependency.md") for n in names)
    assert any(n.endswith("/LICENSE") for n in names)


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "portlint/catalog/PL201-missing-dependency.md" in names
    assert sum(1 for n in names if n.startswith("portlint/catalog/PL")) == 37
    assert "portlint/knowledge/import_names.json" in names
    assert {"portlint/knowledge/base_images/index.json", "portlint/knowledge/base_images/python.json"} <= names
    assert {f"portlint/knowledge/generated/{f}" for f in ("packages.jsonl", "packages.index.tsv", "imports.tsv", "commands.tsv", "modules.tsv")} <= names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_wheel_runs_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "examples" / "ml-service", work / "ml-service")
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH="")
    script = venv / "bin" / "portlint"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(script), *args], cwd=work, capture_output=True, text=True, env=env, timeout=120)

    located = subprocess.run([python, "-c", "import portlint; print(portlint.__file__)"], capture_output=True, text=True, env=env)
    assert located.stdout.startswith(str(site))
    assert run("--version").stdout.startswith("portlint ")
    explained = run("explain", "PL201")
    assert explained.returncode == 0 and "ModuleNotFoundError" in explained.stdout
    linted = run("--format", "json", "ml-service/Dockerfile")
    assert linted.returncode == 1
    assert {f["rule"] for f in json.loads(linted.stdout)["findings"]} >= {"PL201", "PL205"}
    module = subprocess.run([python, "-m", "portlint", "--version"], capture_output=True, text=True, env=env, cwd=work)
    assert module.returncode == 0
