"""The package-index knowledge against its budgets (issue: "Knowledge from the package index").

    python benchmarks/knowledge_budget.py [--baseline-ref 0a339ad] [--runs 21]

1. Wheel: the built wheel's size, and what the knowledge data takes in it, against the
   wheel built from ``--baseline-ref`` (before the data existed). Budget: +4 MB at most.
2. A lint that needs no data loads none: Dockerfiles that install and import nothing are
   linted in a fresh process with an audit hook that records every file opened under
   ``knowledge/generated``. Budget: none opened.
3. What the data costs a lint that needs it: one ML Dockerfile (pinned requirements, a
   Python source importing a dozen packages, a known base image), each run a fresh
   process, linted once with the generated data and once with it hidden; the median
   difference of the in-process lint time. Budget: 10 ms at most.
4. Cold start: ``python -m portlint`` on one small Dockerfile, whole process, median,
   for this tree and for ``--baseline-ref``.
5. What the data adds: the findings on the project's own fixture projects
   (``tests/fixtures/projects``) with the generated data and with it hidden.

Memory on 1,000 files is measured by ``benchmarks/run.py`` (case b, against hadolint).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NO_DATA_CASES = {
    "alpine-tool": "FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD [\"sh\", \"-c\", \"curl --version\"]\n",
    "python-no-installs": "FROM python:3.12-slim\nWORKDIR /app\nCOPY run.sh .\nCMD [\"sh\", \"run.sh\"]\n",
}
ML_DOCKERFILE = """FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app ./app
CMD ["python", "-m", "app.serve"]
"""
ML_REQUIREMENTS = "transformers==4.41.2\nfastapi==0.115.0\nuvicorn[standard]==0.30.1\nnumpy==1.26.4\npandas==2.2.3\n"
ML_SOURCE = ("import numpy\nimport pandas\nimport torch\nimport transformers\nimport uvicorn\nimport yaml\n"
             "from PIL import Image\nfrom fastapi import FastAPI\nimport requests\nimport tqdm\nimport sklearn\n")

_PROBE = r"""
import json, sys, time
from pathlib import Path
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and "knowledge" in str(args[0]) else None)
if sys.argv[2] == "hidden":
    import portlint.knowledge.package_index as package_index
    package_index._DATA = Path(sys.argv[3])
from portlint.engine import Target, lint_target
from portlint.selection import enabled_rules
from portlint.settings import Settings
from portlint.registry import build_registry
registry = build_registry(())
enabled = enabled_rules(registry, ("PL",))
context = Path(sys.argv[1])
dockerfile = sys.argv[4]
start = time.perf_counter()
result = lint_target(Target(dockerfile, context / dockerfile, context, ".", context_given=True), Settings(), registry, enabled)
elapsed = time.perf_counter() - start
findings = sorted(f"{d['rule']} {d['severity']} {d['path']}:{d['line']} {d['message']}" for d in (f.to_dict() for f in result.findings))
print(json.dumps({"ms": elapsed * 1000, "opened": sorted(set(opened)), "findings": findings}))
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def _probe(src: Path, context: Path, mode: str, hidden: Path, dockerfile: str = "Dockerfile") -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run([sys.executable, "-c", _PROBE, str(context), mode, str(hidden), dockerfile],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _tree_at(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "src")], check=True)
    return into


def wheel_sizes(tree: Path, out: Path) -> dict:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(tree)],
                   capture_output=True, check=True)
    wheel = next(out.glob("portlint-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        data = [i for i in archive.infolist() if i.filename.startswith("portlint/knowledge/")]
        return {
            "wheel_bytes": wheel.stat().st_size,
            "knowledge_in_wheel_bytes": sum(i.compress_size for i in data),
            "knowledge_on_disk_bytes": sum(i.file_size for i in data),
        }


def cold_start(src: Path, dockerfile: Path, runs: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(src), NO_COLOR="1")
    times = []
    for _ in range(runs + 2):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "portlint", str(dockerfile)], capture_output=True, env=env)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[2:])


def data_adds(hidden: Path) -> dict[str, list[str]]:
    """Per fixture project's Dockerfile, the findings that appear only with the generated data
    (prefixed +) or only without it (prefixed -)."""
    changes = {}
    for project in sorted((ROOT / "tests" / "fixtures" / "projects").iterdir()):
        for dockerfile in sorted(project.rglob("Dockerfile")):
            name = dockerfile.relative_to(project).as_posix()
            with_data = set(_probe(ROOT / "src", project, "data", hidden, name)["findings"])
            without = set(_probe(ROOT / "src", project, "hidden", hidden, name)["findings"])
            delta = [f"+ {f}" for f in sorted(with_data - without)] + [f"- {f}" for f in sorted(without - with_data)]
            if delta:
                changes[f"{project.name}/{name}"] = delta
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-ref", default="0a339ad", help="the commit before the generated data")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="portlint-budget-") as tmp:
        work = Path(tmp)
        old_tree = _tree_at(args.baseline_ref, work / "old")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
        new = wheel_sizes(ROOT, work / "wheel-new")
        old = wheel_sizes(old_tree, work / "wheel-old")
        report["wheel"] = {"now": new, "before": old, "growth_bytes": new["wheel_bytes"] - old["wheel_bytes"],
                           "budget_bytes": 4 * 1024 * 1024}

        hidden = work / "no-data"
        hidden.mkdir()
        no_data = {}
        for name, dockerfile in NO_DATA_CASES.items():
            context = _write(work / name, {"Dockerfile": dockerfile, "run.sh": "echo hi\n"})
            probe = _probe(ROOT / "src", context, "data", hidden)
            no_data[name] = [p for p in probe["opened"] if "/generated/" in p]
        report["no_data_lints_open"] = no_data

        ml = _write(work / "ml", {"Dockerfile": ML_DOCKERFILE, "requirements.txt": ML_REQUIREMENTS,
                                  "app/__init__.py": "", "app/serve.py": ML_SOURCE})
        with_data, without = [], []
        for _ in range(args.runs):
            with_data.append(_probe(ROOT / "src", ml, "data", hidden)["ms"])
            without.append(_probe(ROOT / "src", ml, "hidden", hidden)["ms"])
        report["ml_lint_ms"] = {"with_data": round(statistics.median(with_data), 1),
                                "without_data": round(statistics.median(without), 1),
                                "data_cost": round(statistics.median(with_data) - statistics.median(without), 1),
                                "budget": 10}

        small = _write(work / "small", {"Dockerfile": "FROM python:3.12-slim\nRUN pip install --no-cache-dir numpy==2.1.3\n"})
        report["cold_start_ms"] = {"now": round(cold_start(ROOT / "src", small / "Dockerfile", args.runs), 1),
                                   "before": round(cold_start(old_tree / "src", small / "Dockerfile", args.runs), 1)}
        shutil.rmtree(work / "old", ignore_errors=True)
        report["fixture_findings_the_data_adds"] = data_adds(hidden)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
