"""The installed console script, as a real process (the way pre-commit and CI call it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ml-service"


def _command() -> list[str]:
    script = shutil.which("portlint", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "portlint"]


def test_lesson_example_as_a_process(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "ml-service")
    env = dict(os.environ, NO_COLOR="1")
    done = subprocess.run(_command() + ["--format", "json", "ml-service/Dockerfile"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    missing = sorted(f["message"].split("'")[1] for f in findings if f["rule"] == "PL201")
    assert missing == ["pandas", "sklearn.linear_model"]
    assert all(f["path"] == "ml-service/model.py" for f in findings if f["rule"] == "PL201")
    assert done.stderr == ""


def test_python_dash_m_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "portlint", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("portlint ")


@pytest.mark.parametrize("args", [["--select", "PL999"], ["nope/Dockerfile"]])
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\n")
    done = subprocess.run(_command() + args, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.startswith("portlint: error:")


def test_parallel_scan_matches_serial_scan_in_order(tmp_path: Path) -> None:
    """Enough files for the worker pool: the report must equal the serial one, file for file."""
    paths = []
    for index in range(40):
        project = tmp_path / f"svc{index:02d}"
        project.mkdir()
        base = "python:latest" if index % 3 == 0 else "python:3.12-slim"
        (project / "Dockerfile").write_text(f"FROM {base}\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n")
        (project / "app.py").write_text("import requests\n" if index % 2 else "import json\n")
        paths.append(f"svc{index:02d}/Dockerfile")

    def report(jobs: str) -> dict:
        done = subprocess.run(_command() + ["--format", "json", "-j", jobs, *paths], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        return json.loads(done.stdout)

    serial, parallel = report("1"), report("3")
    assert parallel == serial
    linted = [f["path"] for f in serial["findings"]]
    assert linted == sorted(linted) and {p.split("/")[0] for p in linted} == {f"svc{i:02d}" for i in range(40)}


def test_plain_paths_skip_click_and_match_the_click_command_line() -> None:
    """`portlint PATH` takes the fast entry; its report and exit code equal `portlint lint PATH`."""
    env = dict(os.environ, NO_COLOR="1")
    fast = subprocess.run(_command() + ["ml-service/Dockerfile"], cwd=EXAMPLE.parent, capture_output=True,
                          text=True, env=env, timeout=60)
    full = subprocess.run(_command() + ["lint", "ml-service/Dockerfile"], cwd=EXAMPLE.parent, capture_output=True,
                          text=True, env=env, timeout=60)
    assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr)
    assert fast.returncode == 1 and "PL201" in fast.stdout
    probe = ("import sys\nfrom portlint.entry import main\nsys.argv = ['portlint', 'ml-service/Dockerfile']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\nprint('click' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=EXAMPLE.parent, capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.stderr.strip() == "False"


def test_build_arg_reaches_the_worker_processes(tmp_path: Path) -> None:
    """--build-arg goes through click (the fast entry takes plain paths only) and reaches every
    Dockerfile of a scan, also those a worker process lints."""
    for i in range(20):
        folder = tmp_path / f"svc{i:02d}"
        folder.mkdir()
        (folder / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo hi\n")
    env = {k: v for k, v in os.environ.items() if k != "BASE_IMAGE"} | {"NO_COLOR": "1"}
    done = subprocess.run(_command() + ["--format", "json", "-j", "2", "--build-arg", "BASE_IMAGE=python:latest", "."],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    rules = [f["rule"] for f in json.loads(done.stdout)["findings"]]
    assert rules.count("PL102") == 20 and "PL105" not in rules


def test_missing_default_dockerfile_on_the_fast_path(tmp_path: Path) -> None:
    done = subprocess.run(_command(), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("portlint: error:") and "Traceback" not in done.stderr


def test_findings_sharing_a_line_come_out_in_the_same_order_every_run(tmp_path: Path) -> None:
    """Two PL204 findings on one line: the report must not depend on hash randomization."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12.7-slim\nCOPY . /usr/src\nRUN pip install --no-cache-dir flask==3.0.3\n")
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\nnumpy==2.1.3\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\ndependencies = ["flask==3.0.3", "numpy==2.1.3"]\n')
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(_command() + ["--format", "json", "Dockerfile"], cwd=tmp_path,
                              capture_output=True, text=True, env=env, timeout=60)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert [f["rule"] for f in json.loads(outputs.pop())["findings"]].count("PL204") == 2


def test_unknown_base_images_are_named_once_on_stderr_in_text_output(tmp_path: Path) -> None:
    for name, image in (("a", "registry.corp.example/ml-base:1.0"), ("b", "registry.corp.example/ml-base:1.0"),
                        ("c", "registry.corp.example/gpu-base:2.0"), ("d", "python:3.12-slim")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(f"FROM {image}\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n")
        (tmp_path / name / "app.py").write_text("import torch\n")
    env = dict(os.environ, NO_COLOR="1")
    text = subprocess.run(_command() + ["."], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60)
    notes = [line for line in text.stderr.splitlines() if "unknown base image" in line]
    assert len(notes) == 1, text.stderr
    assert "registry.corp.example/ml-base:1.0, registry.corp.example/gpu-base:2.0" in notes[0]
    assert "python:3.12-slim" not in notes[0] and "base-images" in notes[0]
    machine = subprocess.run(_command() + ["--format", "json", "."], cwd=tmp_path, capture_output=True, text=True,
                             env=env, timeout=60)
    assert machine.stderr == "" and json.loads(machine.stdout)["summary"]["files"] == 4
