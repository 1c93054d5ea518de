"""Precision on real build contexts: lint a corpus, count findings, apply reviewed verdicts.

The corpus is third-party code, so it stays outside the repository: a folder with
``MANIFEST.tsv`` (columns ``id``, ``dockerfile``, …) and ``contexts/<id>/``, each a build
context as the project builds it.  Reviews live beside it in ``verdicts.tsv``
(``id  rule  path  line  verdict  class``; verdict ``right`` or ``wrong``; class names the
kind of false positive), written by whoever reviewed the findings.  Only counts reach the
repository: ``benchmarks/realworld.md``.

    python benchmarks/realworld.py /work/realworld                 # lint, count, write the table
    python benchmarks/realworld.py /work/realworld --dump findings.jsonl   # every finding, to review
    python benchmarks/realworld.py /work/realworld --findings findings.jsonl   # recount after new verdicts
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE = HERE / "realworld.md"


def read_manifest(corpus: Path) -> list[dict[str, str]]:
    lines = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


def lint_corpus(corpus: Path) -> tuple[list[dict], dict]:
    """Every finding of every context, and what went wrong while linting (crashes, stderr)."""
    from portlint.engine import Target, lint_target
    from portlint.selection import enabled_rules
    from portlint.settings import Settings
    from portlint.testing import registry

    reg = registry()
    enabled = enabled_rules(reg, ("PL",))
    settings = Settings()
    findings: list[dict] = []
    problems = {"crashes": [], "stderr": [], "seconds": 0.0, "contexts": 0}
    started = time.monotonic()
    for row in read_manifest(corpus):
        context = corpus / "contexts" / row["id"]
        dockerfile = context / row["dockerfile"]
        if not dockerfile.is_file():
            continue
        problems["contexts"] += 1
        target = Target(row["dockerfile"], dockerfile, context, ".", context_given=True)
        errors = io.StringIO()
        try:
            with contextlib.redirect_stderr(errors):
                result = lint_target(target, settings, reg, enabled)
        except Exception as exc:  # a crash is the finding this script exists to catch
            problems["crashes"].append(f"{row['id']}: {exc.__class__.__name__}: {exc}")
            continue
        if errors.getvalue().strip():
            problems["stderr"].append(f"{row['id']}: {errors.getvalue().strip()[:500]}")
        for finding in result.findings:
            findings.append({"id": row["id"], **finding.to_dict()})
    problems["seconds"] = round(time.monotonic() - started, 1)
    return findings, problems


def read_verdicts(corpus: Path) -> dict[tuple[str, str, str, int], tuple[str, str]]:
    path = corpus / "verdicts.tsv"
    if not path.exists():
        return {}
    verdicts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t") + [""] * 6
        verdicts[(cells[0], cells[1], cells[2], int(cells[3]))] = (cells[4], cells[5])
    return verdicts


def table(findings: list[dict], problems: dict, verdicts: dict) -> str:
    by_rule: Counter[tuple[str, str]] = Counter((f["rule"], f["severity"]) for f in findings)
    reviewed: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    wrong_classes: Counter[str] = Counter()
    for f in findings:
        verdict = verdicts.get((f["id"], f["rule"], f["path"], f["line"]))
        if verdict is None:
            continue
        reviewed[(f["rule"], f["severity"])] += 1
        if verdict[0] == "right":
            right[(f["rule"], f["severity"])] += 1
        else:
            wrong_classes[verdict[1] or "unclassified"] += 1
    lines = [
        f"Contexts linted: {problems['contexts']}; crashes: {len(problems['crashes'])}; runs with stderr output: "
        f"{len(problems['stderr'])}; findings: {len(findings)}; time: {problems['seconds']} s.",
        "",
        "| rule | severity | findings | reviewed | right | precision |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (rule, severity), count in sorted(by_rule.items()):
        done = reviewed[(rule, severity)]
        share = f"{right[(rule, severity)] / done:.1%}" if done else "—"
        lines.append(f"| {rule} | {severity} | {count} | {done} | {right[(rule, severity)]} | {share} |")
    gating = [k for k in reviewed if k[1] in ("error", "warning")]
    done = sum(reviewed[k] for k in gating)
    good = sum(right[k] for k in gating)
    lines += ["", f"Errors and warnings reviewed: {done}, right: {good}"
              + (f" ({good / done:.1%})." if done else ".")]
    if wrong_classes:
        lines += ["", "False positives by class: " + ", ".join(f"{c} {n}" for c, n in wrong_classes.most_common()) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--dump", type=Path, help="write every finding as JSON lines (to review them)")
    parser.add_argument("--no-table", action="store_true", help="do not rewrite benchmarks/realworld.md")
    parser.add_argument("--findings", type=Path, help="count a --dump of an earlier run instead of linting again "
                        "(after adding verdicts); crashes, stderr and time come from that run's --problems file")
    args = parser.parse_args(argv)
    if args.findings:
        findings = [json.loads(line) for line in args.findings.read_text(encoding="utf-8").splitlines() if line]
        problems = json.loads(args.findings.with_suffix(".problems.json").read_text(encoding="utf-8"))
    else:
        findings, problems = lint_corpus(args.corpus)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as handle:
            for finding in findings:
                handle.write(json.dumps(finding) + "\n")
        args.dump.with_suffix(".problems.json").write_text(json.dumps(problems), encoding="utf-8")
    text = table(findings, problems, read_verdicts(args.corpus))
    for crash in problems["crashes"] + problems["stderr"]:
        print(crash, file=sys.stderr)
    print(text)
    if not args.no_table:
        TABLE.write_text("# Precision on real build contexts\n\nWritten by `python benchmarks/realworld.py <corpus>`; "
                         "the corpus and the reviewed verdicts stay outside the repository.\n\n" + text, encoding="utf-8")
    return 1 if problems["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
