"""The wheel carries everything an installed portlint needs (catalog, knowledge data),
and works from outside the source tree.  Built and installed offline: the new venv gets
the wheel itself, and reaches the already-installed dependencies through a .pth file."""

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
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True, timeout=300)
    return next(out.glob("portlint-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "portlint/catalog/PL201-missing-dependency.md" in names
    assert sum(1 for n in names if n.startswith("portlint/catalog/PL")) == 36
    assert "portlint/knowledge/import_names.json" in names
    assert "portlint/knowledge/base_images.toml" in names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_wheel_runs_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "examples" / "ml-service", work / "ml-service")
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH="")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([python, "-m", "portlint", *args], cwd=work, capture_output=True, text=True, env=env, timeout=120)

    located = subprocess.run([python, "-c", "import portlint; print(portlint.__file__)"], capture_output=True, text=True, env=env)
    assert located.stdout.startswith(str(site))
    assert run("--version").stdout.startswith("portlint ")
    explained = run("explain", "PL201")
    assert explained.returncode == 0 and "ModuleNotFoundError" in explained.stdout
    linted = run("--format", "json", "ml-service/Dockerfile")
    assert linted.returncode == 1
    assert {f["rule"] for f in json.loads(linted.stdout)["findings"]} >= {"PL201", "PL205"}
