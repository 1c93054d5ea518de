"""portlint --fix / --diff: round trips on fixture projects, refusals, --env, the CLI.

Each project in ``tests/fixtures/fix/<name>/`` has ``input/`` (the project as the author
has it), ``fixed/`` (every file --fix changes, byte for byte) and ``case.toml`` (the
arguments, the rules whose findings must be gone, how many fixes). The round trip:
lint, --fix, lint again — the fixed findings are gone and no rule reports more in any
file than before; a second --fix changes nothing; --diff on a fresh copy, applied with
``patch -p1``, gives the same files.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "fix"
SCHEMA = Path(__file__).resolve().parents[1] / "schema" / "portlint-report.schema.json"


def _cases():
    for case in sorted(FIXTURES.glob("*/case.toml")):
        yield pytest.param(case.parent, tomllib.loads(case.read_text(encoding="utf-8")), id=case.parent.name)


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    # stdout_bytes: click's .stdout turns CRLF into LF, and a diff must keep what the file has
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def _findings(args: list[str]) -> list[dict]:
    code, out, _ = _run(["--format", "json", "--fail-on", "never", *args])
    assert code == 0, out
    return json.loads(out)["findings"]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def no_running_environment(monkeypatch):
    """Versions come only from what the test provides, not from the test's own venv."""
    from portlint.fix import versions

    monkeypatch.setattr(versions.VersionFinder, "_running_environment", lambda self: versions._Versions("running"))


@pytest.mark.parametrize(("project", "case"), list(_cases()))
def test_round_trip(project: Path, case: dict, tmp_path: Path, monkeypatch, no_running_environment) -> None:
    work = tmp_path / "work"
    shutil.copytree(project / "input", work)
    monkeypatch.chdir(work)
    args = case["args"]
    before = _findings(args)
    assert {f["rule"] for f in before} >= set(case["gone"]), before

    code, out, _ = _run(["--fix", "--format", "json", *args])
    report = json.loads(out)
    _validate(report)
    fixed = [f for f in report["fixes"] if f["status"] == "fixed"]
    assert len(fixed) == case["fixes"], report["fixes"]
    assert report["summary"]["fixed"] == case["fixes"]
    assert all(f["version_source"] for f in fixed if f["action"] != "install")

    expected = _tree(project / "input") | _tree(project / "fixed")
    assert _tree(work) == expected

    after = _findings(args)
    assert not [f for f in after if f["rule"] in case["gone"]], after
    counts_before = Counter((f["rule"], f["path"]) for f in before)
    counts_after = Counter((f["rule"], f["path"]) for f in after)
    assert not [key for key in counts_after if counts_after[key] > counts_before[key]], (before, after)
    assert report["findings"] == after  # what --fix reports is what a lint now says
    assert code == (1 if any(f["severity"] != "info" for f in after) else 0)

    code, out, _ = _run(["--fix", "--format", "json", *args])  # idempotent
    assert [f for f in json.loads(out)["fixes"] if f["status"] == "fixed"] == []
    assert _tree(work) == expected


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
@pytest.mark.parametrize(("project", "case"), list(_cases()))
def test_diff_applies_with_patch(project: Path, case: dict, tmp_path: Path, monkeypatch, no_running_environment) -> None:
    work = tmp_path / "work"
    shutil.copytree(project / "input", work)
    monkeypatch.chdir(work)
    code, diff, err = _run(["--diff", *case["args"]])
    assert code == 1 and diff.startswith("--- a/"), err
    assert _tree(work) == _tree(project / "input"), "--diff wrote files"
    assert "Would apply" in err
    (tmp_path / "fix.patch").write_text(diff, encoding="utf-8", newline="")
    done = subprocess.run(["patch", "-p1", "--binary", "-i", str(tmp_path / "fix.patch")], cwd=work,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _tree(work) == _tree(project / "input") | _tree(project / "fixed")
    code, diff, _ = _run(["--diff", *case["args"]])
    assert diff == ""


def _validate(report: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(report, json.loads(SCHEMA.read_text(encoding="utf-8")))


# ---- refusals -------------------------------------------------------------------------

LESSON = {
    "Dockerfile": "FROM python:3.12-slim\nCOPY model.py /app/\nRUN pip install numpy\nCMD [\"python\", \"/app/model.py\"]\n",
    "model.py": "import numpy as np\nimport pandas as pd\n\nprint(pd.DataFrame(np.zeros(3)))\n",
}
REQUIREMENTS_APP = {
    "Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                   "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n"),
    "app.py": "import flask\nimport pandas\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")


def _fix_json(args: list[str]) -> dict:
    _, out, _ = _run(["--fix", "--format", "json", *args])
    return json.loads(out)


def _skipped(report: dict) -> list[str]:
    return [f["reason"] for f in report["fixes"] if f["status"] == "skipped"]


def test_no_version_found_adds_the_bare_name_with_a_comment(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    _write(tmp_path, LESSON)
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    dockerfile = (tmp_path / "Dockerfile").read_text()
    assert "RUN pip install numpy pandas\n" in dockerfile
    assert "# pandas: no version found by portlint --fix" in dockerfile
    added = next(f for f in report["fixes"] if f["action"] == "add")
    assert added["version"] is None and "PL205 reports it" in added["note"]
    # the missing module is installed now; the missing version is still a finding
    assert {f["rule"] for f in report["findings"]} >= {"PL205"}
    assert "PL201" not in {f["rule"] for f in report["findings"]}
    assert any("no lock file or environment has a version of pandas" in r for r in _skipped(report))
    assert _fix_json(["Dockerfile"])["fixes"] and (tmp_path / "Dockerfile").read_text() == dockerfile


def test_generated_requirements_are_not_edited(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    header = "#\n# This file is autogenerated by pip-compile with Python 3.12\n# by the following command:\n#\n#    pip-compile requirements.in\n#\n"
    _write(tmp_path, {**REQUIREMENTS_APP, "requirements.txt": header + "flask==3.0.3\n",
                      "constraints.txt": "pandas==2.2.2\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "requirements.txt").read_text() == header + "flask==3.0.3\n"
    assert any("generated by pip-compile" in r for r in _skipped(report))
    assert "PL201" in {f["rule"] for f in report["findings"]}


def test_a_file_outside_the_context_is_not_edited(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    project = tmp_path / "project"
    _write(project, {**REQUIREMENTS_APP, "constraints.txt": "pandas==2.2.2\n"})
    _write(tmp_path, {"shared/requirements.txt": "flask==3.0.3\n"})
    (project / "requirements.txt").symlink_to(tmp_path / "shared" / "requirements.txt")
    monkeypatch.chdir(project)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "shared" / "requirements.txt").read_text() == "flask==3.0.3\n"
    assert any("outside the build context" in r for r in _skipped(report))


def test_a_requirements_file_with_a_parse_error_is_not_edited(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    broken = "flask==3.0.3\nnumpy===\n"
    _write(tmp_path, {**REQUIREMENTS_APP, "requirements.txt": broken, "constraints.txt": "pandas==2.2.2\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "requirements.txt").read_text() == broken
    assert any("parse error at line 2" in r for r in _skipped(report))


def test_a_pin_that_contradicts_the_specifier_is_refused(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    _write(tmp_path, {**REQUIREMENTS_APP, "app.py": "import flask\n", "requirements.txt": "flask>=3\n",
                      "requirements.lock": "flask==2.3.3\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "requirements.txt").read_text() == "flask>=3\n"
    assert any("does not satisfy '>=3'" in r for r in _skipped(report))


def test_a_locked_project_is_left_to_its_tool(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    pyproject = '[project]\nname = "app"\nversion = "1"\ndependencies = ["flask==3.0.3"]\n'
    _write(tmp_path, {
        "Dockerfile": ("FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv\nWORKDIR /app\n"
                       "COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\nCOPY app.py .\n"
                       "CMD [\"/app/.venv/bin/python\", \"app.py\"]\n"),
        "pyproject.toml": pyproject,
        "uv.lock": 'version = 1\n\n[[package]]\nname = "flask"\nversion = "3.0.3"\nsource = { registry = "https://pypi.org/simple" }\n'
                   '\n[[package]]\nname = "pandas"\nversion = "2.2.2"\nsource = { registry = "https://pypi.org/simple" }\n',
        "app.py": "import flask\nimport pandas\n",
    })
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "pyproject.toml").read_text() == pyproject
    assert any("uv add" in r for r in _skipped(report)), report["fixes"]


def test_an_unknown_import_without_a_source_is_not_guessed(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    _write(tmp_path, {**REQUIREMENTS_APP, "app.py": "import flask\nimport zorblax\n", "requirements.txt": "flask==3.0.3\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\n"
    assert any("does not know which package provides 'zorblax'" in r for r in _skipped(report))


def test_stdin_dockerfile_is_not_edited(tmp_path: Path, no_running_environment) -> None:
    _write(tmp_path, {"model.py": LESSON["model.py"], "requirements.lock": "pandas==2.2.2\nnumpy==1.26.4\n"})
    result = CliRunner().invoke(cli, ["--fix", "--format", "json", "--context", str(tmp_path), "-"],
                                input=LESSON["Dockerfile"])
    report = json.loads(result.stdout)
    assert any("read from stdin" in r for r in _skipped(report))


# ---- --env: a real virtualenv with a package from a wheel built here ----------------------


def _build_wheel(directory: Path, distribution: str, module: str, version: str) -> Path:
    """A pure-Python wheel, written with zipfile: the distribution provides ``module``."""
    import base64
    import hashlib
    import zipfile

    stem = f"{distribution.replace('-', '_')}-{version}"
    files = {
        f"{module}/__init__.py": f"VERSION = '{version}'\n",
        f"{stem}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n",
        f"{stem}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: portlint-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{stem}.dist-info/top_level.txt": f"{module}\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append(f"{stem}.dist-info/RECORD,,")
    files[f"{stem}.dist-info/RECORD"] = "\n".join(record) + "\n"
    wheel = directory / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


@pytest.fixture(scope="module")
def widgets_env(tmp_path_factory) -> Path:
    """A venv with py-widgets 1.4.2 (import 'widgets', from a wheelhouse, as an index would
    serve it) and py-gadgets 0.1.0 (import 'gadgets', installed by its wheel's path)."""
    root = tmp_path_factory.mktemp("env")
    wheelhouse = root / "wheelhouse"
    wheelhouse.mkdir()
    _build_wheel(wheelhouse, "py-widgets", "widgets", "1.4.2")
    gadgets = _build_wheel(root, "py-gadgets", "gadgets", "0.1.0")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--no-deps",
           "--disable-pip-version-check", "-q"]
    for extra in (["--find-links", str(wheelhouse), "py-widgets"], [str(gadgets)]):
        done = subprocess.run(pip + extra, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"cannot install into a new venv here: {done.stderr.strip()[-200:]}")
    return venv


def test_env_pins_what_the_authors_environment_has(tmp_path: Path, monkeypatch, widgets_env: Path, no_running_environment) -> None:
    _write(tmp_path, {**REQUIREMENTS_APP, "app.py": "import flask\nimport widgets\n", "requirements.txt": "flask==3.0.3\n"})
    monkeypatch.chdir(tmp_path)
    without = _fix_json(["Dockerfile"])
    assert any("does not know which package provides 'widgets'" in r for r in _skipped(without))
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\n"

    report = _fix_json(["--env", str(widgets_env), "Dockerfile"])  # a venv folder works as well as its python
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\npy-widgets==1.4.2\n"
    added = next(f for f in report["fixes"] if f["status"] == "fixed")
    assert added["version_source"] == f"--env {widgets_env}" and added["distribution"] == "py-widgets"
    assert "PL201" not in {f["rule"] for f in report["findings"]}


def test_env_never_pins_a_package_installed_from_a_path(tmp_path: Path, monkeypatch, widgets_env: Path,
                                                         no_running_environment) -> None:
    _write(tmp_path, {**REQUIREMENTS_APP, "app.py": "import flask\nimport gadgets\n", "requirements.txt": "flask==3.0.3\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["--env", str(widgets_env / "bin" / "python"), "Dockerfile"])
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\n"
    assert any("py-gadgets is installed from a local wheel or sdist" in r for r in _skipped(report))


def test_env_probe_reads_metadata_without_importing_the_project(tmp_path: Path, monkeypatch, widgets_env: Path) -> None:
    """Modules of the project (in the working directory, or on PYTHONPATH) that shadow the
    ones the probe imports are never run: isolated mode, from an empty folder."""
    from portlint.fix.versions import probe_interpreter

    for shadow in ("json.py", "re.py", "importlib.py"):
        (tmp_path / shadow).write_text("raise SystemExit('the project was imported')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    versions = probe_interpreter(str(widgets_env / "bin" / "python"), "venv")
    assert versions.versions["py-widgets"] == {"1.4.2"}
    assert versions.modules["widgets"] == ["py-widgets"]


@pytest.mark.parametrize("given", ["/no/such/python", "portlint-no-such-interpreter"])
def test_env_errors_are_usage_errors(tmp_path: Path, monkeypatch, given: str) -> None:
    _write(tmp_path, LESSON)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["--fix", "--env", given, "Dockerfile"])
    assert code == 2 and "--env" in err and "Traceback" not in err
    assert (tmp_path / "Dockerfile").read_text() == LESSON["Dockerfile"]


def test_env_that_is_not_python_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, LESSON)
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho not json\n")
    fake.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(["--diff", "--env", str(fake), "Dockerfile"])
    assert code == 2 and "probe's JSON" in err


# ---- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize(("args", "needle"), [
    (["--env", "python3", "Dockerfile"], "--env chooses"),
    (["--diff", "--format", "json", "Dockerfile"], "--diff prints a diff"),
    (["--fix", "--write-baseline", "b.json", "Dockerfile"], "--write-baseline records"),
])
def test_option_combinations_that_make_no_sense(tmp_path: Path, monkeypatch, args: list[str], needle: str) -> None:
    _write(tmp_path, LESSON)
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(args)
    assert code == 2 and needle in err


def test_text_report_says_what_was_fixed_and_what_remains(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    _write(tmp_path, {**REQUIREMENTS_APP, "requirements.txt": "flask\n", "requirements.lock": "flask==3.0.3\npandas==2.2.2\n",
                      "app.py": "import flask\nimport pandas\nimport zorblax\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(["--fix", "--no-color", "Dockerfile"])
    assert "Applied 2 fixes to 1 file:" in out
    assert "requirements.txt: add pandas==2.2.2 (PL201 app.py:2; version from requirements.lock)" in out
    assert "requirements.txt: pin flask to ==3.0.3 (line 1)" in out
    assert "Not fixed:\n  app.py:3: PL201 portlint does not know which package provides 'zorblax'" in out
    assert "(2 fixed)." in out and code == 1
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\npandas==2.2.2\n"


def test_fix_is_not_in_the_pre_commit_hook() -> None:
    hooks = (Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text()
    assert "--fix" not in hooks and "--diff" not in hooks


def test_fix_as_a_real_process(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "lesson-uv-lock" / "input", tmp_path / "svc")
    script = shutil.which("portlint", path=os.path.dirname(sys.executable))
    command = [script] if script else [sys.executable, "-m", "portlint"]
    env = dict(os.environ, NO_COLOR="1")
    done = subprocess.run(command + ["--fix", "svc/Dockerfile"], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Applied 3 fixes to 1 file:" in done.stdout and "version from svc/uv.lock" not in done.stdout
    assert "version from uv.lock" in done.stdout
    assert (tmp_path / "svc" / "Dockerfile").read_bytes() == (FIXTURES / "lesson-uv-lock" / "fixed" / "Dockerfile").read_bytes()


def test_info_findings_are_not_fixed(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    _write(tmp_path, {**REQUIREMENTS_APP, "requirements.txt": "flask==3.0.3\n", "constraints.txt": "orjson==3.10.7\n",
                      "app.py": "import flask\ntry:\n    import orjson as json\nexcept ImportError:\n    import json\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\n"
    assert any("reported as info" in r for r in _skipped(report))


def test_the_run_that_installs_the_installer_is_not_a_target(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    pyproject = ('[tool.poetry]\nname = "svc"\nversion = "1.0"\n\n[tool.poetry.dependencies]\npython = "^3.12"\n'
                 'flask = "^3.0"\n')
    dockerfile = ("FROM python:3.12-slim\nRUN pip install --no-cache-dir poetry==1.8.3\nWORKDIR /app\n"
                  "COPY pyproject.toml poetry.lock ./\nRUN poetry config virtualenvs.create false && poetry install --no-root\n"
                  "COPY app.py .\nCMD [\"python\", \"app.py\"]\n")
    _write(tmp_path, {"Dockerfile": dockerfile, "pyproject.toml": pyproject, "app.py": "import flask\nimport pandas\n",
                      "poetry.lock": '[[package]]\nname = "flask"\nversion = "3.0.3"\n\n[[package]]\nname = "pandas"\nversion = "2.2.3"\n'})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert (tmp_path / "Dockerfile").read_text() == dockerfile
    assert (tmp_path / "pyproject.toml").read_text() == pyproject
    assert any("poetry add" in r for r in _skipped(report)), report["fixes"]


def _objecting_lint(monkeypatch, pin: str, severity):
    """lint_target, plus a PL410 finding of ``severity`` whenever an edit has written ``pin``:
    a stand-in for the package index saying the image's Python cannot install it."""
    from portlint.diagnostics import Finding
    from portlint.fix import session

    real_lint = session.lint_target

    def lint(target, settings, registry, enabled, overlay=None):
        result = real_lint(target, settings, registry, enabled, overlay)
        if any(pin.encode() in data for data in (overlay or {}).values()):
            result.findings.append(Finding("PL410", "python-version-mismatch", severity, "Dockerfile", 3, 1, 3,
                                           f"{pin} has no wheel for CPython 3.13", None))
        return result

    monkeypatch.setattr(session, "lint_target", lint)


def test_a_fix_that_brings_a_new_warning_says_so(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    from portlint.diagnostics import Severity

    _objecting_lint(monkeypatch, "numpy==1.26.4", Severity.WARNING)
    _write(tmp_path, {**LESSON, "requirements.lock": "numpy==1.26.4\npandas==2.2.2\n"})
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["--fix", "Dockerfile"])
    assert "RUN pip install numpy==1.26.4 pandas==2.2.2\n" in (tmp_path / "Dockerfile").read_text()
    assert "the fixes bring 1 new finding (PL410 Dockerfile:3): review them before committing" in err


def test_a_fix_that_would_break_the_build_is_taken_back(tmp_path: Path, monkeypatch, no_running_environment) -> None:
    """Two fixes in one file, one of them brings an error: that one is found and refused,
    the other is kept."""
    from portlint.diagnostics import Severity

    _objecting_lint(monkeypatch, "numpy==1.26.4", Severity.ERROR)
    _write(tmp_path, {**LESSON, "requirements.lock": "numpy==1.26.4\npandas==2.2.2\n"})
    monkeypatch.chdir(tmp_path)
    report = _fix_json(["Dockerfile"])
    assert "RUN pip install numpy pandas==2.2.2\n" in (tmp_path / "Dockerfile").read_text()
    assert [f["description"] for f in report["fixes"] if f["status"] == "fixed"] == [
        "add pandas==2.2.2 to the pip install on line 3"]
    assert any(r.startswith("pin numpy to ==1.26.4 (line 3) would bring PL410 (Dockerfile:3): numpy==1.26.4 has no wheel")
               for r in _skipped(report)), report["fixes"]
    assert "PL410" not in {f["rule"] for f in report["findings"]}
