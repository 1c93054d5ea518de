"""How many of a folder's Dockerfiles start from a base image portlint knows.

    python benchmarks/base_image_coverage.py tests/fixtures /path/to/real/dockerfiles [--json]

For every Dockerfile found (as ``portlint DIR`` finds them), the final stage's image is
taken after ARG defaults are applied and ``FROM <stage>`` links are followed; it counts
as known when the base-image table (or nothing: ``scratch``) describes it.  Prints the
share, and the unknown images most often seen, which is where the table should grow.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def final_base(path: Path) -> tuple[str, str] | None:
    """('known' | 'unknown' | 'unresolved' | 'scratch', image text) for one Dockerfile."""
    from portlint.dockerfile.parse import parse_dockerfile
    from portlint.dockerfile.source import decode
    from portlint.errors import InputError
    from portlint.lint_context import LintContext

    try:
        dockerfile = parse_dockerfile(decode(path.read_bytes()), str(path))
    except (InputError, OSError):
        return None
    if not dockerfile.stages:
        return None
    ctx = LintContext(dockerfile=dockerfile, context_dir=None, platforms=("linux/amd64", "linux/arm64"))
    root = ctx.root_image(dockerfile.stages[-1])
    if root.kind == "scratch":
        return "scratch", "scratch"
    if root.kind != "image":
        return "unresolved", root.text or dockerfile.stages[-1].base
    return ("known" if root.facts is not None else "unknown"), root.text


def survey(folders: list[Path]) -> dict:
    from portlint.discovery import discover

    counts: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for folder in folders:
        targets, _ = discover([str(folder)], None, None)
        for target in targets:
            found = final_base(target.path) if target.path else None
            if found is None:
                counts["unreadable"] += 1
                continue
            kind, image = found
            counts[kind] += 1
            if kind == "unknown":
                unknown[image.split("@")[0]] += 1
    judged = counts["known"] + counts["unknown"] + counts["scratch"]
    return {
        "dockerfiles": sum(counts.values()),
        "known": counts["known"] + counts["scratch"],
        "unknown": counts["unknown"],
        "unresolved": counts["unresolved"],
        "unreadable": counts["unreadable"],
        "known_share": round((counts["known"] + counts["scratch"]) / judged, 4) if judged else None,
        "top_unknown": unknown.most_common(25),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = survey(args.folders)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    share = f"{result['known_share']:.1%}" if result["known_share"] is not None else "n/a"
    print(f"{result['dockerfiles']} Dockerfiles: final base image known for {result['known']} ({share} of those "
          f"with a resolvable image); {result['unknown']} unknown, {result['unresolved']} unresolved (FROM $ARG "
          f"without a default), {result['unreadable']} unreadable")
    for image, count in result["top_unknown"]:
        print(f"  {count:4d}  {image}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
