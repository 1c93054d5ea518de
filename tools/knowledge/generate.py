"""Rebuild portlint's package-index knowledge (run by hand, never by tests or lints).

    python tools/knowledge/generate.py                 # the whole seed list
    python tools/knowledge/generate.py --limit 50      # a trial on the 50 most downloaded
    python tools/knowledge/generate.py --refresh       # re-read project pages (new releases)
    python tools/knowledge/generate.py make-seed pypi.tsv   # rebuild seed.txt from a ranking

Every answer is cached under --cache (files on the index never change, so only project
pages are ever read again, and only with --refresh): an interrupted run resumes where
it stopped and a rerun from a warm cache makes no request at all.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from indexgen.http import Cache, Fetcher, HttpTransport, RecordingTransport  # noqa: E402
from indexgen.output import write  # noqa: E402
from indexgen.project import Plan, ProjectFacts, gather  # noqa: E402

REPO = HERE.parent.parent
SEED = HERE / "seed.txt"
OUTPUT = REPO / "src" / "portlint" / "knowledge" / "generated"
DEFAULT_INDEX = "https://pypi.org/simple/"
# Bump when the facts gathered per project change, so cached per-project results are redone.
GENERATOR_VERSION = 2


def index_url_from_pip() -> str:
    """The index pip would use: PIP_INDEX_URL, pip's configuration, else PyPI."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    try:
        answer = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return DEFAULT_INDEX
    value = answer.stdout.strip()
    return value if answer.returncode == 0 and value.startswith("http") else DEFAULT_INDEX


def read_seed(path: Path) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and line not in names:
            names.append(line)
    return names


def hand_table_names(knowledge: Path) -> set[str]:
    """Every distribution the hand-written tables name (they must all be generated too)."""
    from indexgen.names import canonical

    names: set[str] = set()

    def load(name: str) -> dict:
        path = knowledge / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    for entry in load("import_names").get("modules", {}).values():
        names.update(entry["distributions"])
    for entry in load("console_scripts").get("commands", {}).values():
        names.update(entry["distributions"])
    for table in ("transitive", "system_libraries"):
        packages = load(table).get("packages", {})
        names.update(packages)
        for entry in packages.values():
            names.update(entry.get("requires", ()))
    for entry in load("transitive").get("extras", {}).values():
        for added in entry.get("extras", {}).values():
            names.update(added)
    names.update(e["distribution"] for e in load("conda_packages").get("packages", {}).values())
    for family in ("debian", "alpine"):
        names.update(e["distribution"] for e in load("system_python_packages").get(family, {}).values())
    for family in sorted((knowledge / "base_images").glob("*.json")):
        for image in json.loads(family.read_text(encoding="utf-8")).get("images", []):
            names.update(key.split("[")[0] for key in image.get("python_packages") or ())
    return {canonical(n) for n in names}


def make_seed(ranking: Path, size: int) -> None:
    """seed.txt: the ``size`` most downloaded distributions, then the hand tables' names."""
    from indexgen.names import canonical

    ranked: list[tuple[int, str]] = []
    with ranking.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        name_col, rank_col = header.index("name"), header.index("rank_among_15000_most_downloaded")
        for line in handle:
            cells = line.rstrip("\n").split("\t")
            if len(cells) > rank_col and cells[rank_col].strip().isdigit():
                ranked.append((int(cells[rank_col]), canonical(cells[name_col])))
    top = [name for _, name in sorted(ranked)[:size]]
    extra = sorted(hand_table_names(OUTPUT.parent) - set(top))
    lines = [f"# The {size} most downloaded distributions (from {ranking.name}), by rank, then every",
             "# distribution portlint's hand-written tables name. Rebuild: generate.py make-seed <tsv>.",
             *top, "# named by the hand-written tables", *extra]
    SEED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"seed.txt: {len(top)} ranked + {len(extra)} from the hand tables")


class Run:
    """One generation: fetch (or reuse) every project's facts, expanding to dependencies."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        cache_dir = Path(args.cache).expanduser()
        transport = HttpTransport()
        if args.record:
            transport = RecordingTransport(transport, Path(args.record))
        self.fetcher = Fetcher(transport, Cache(cache_dir / "http"))
        self.results = cache_dir / f"results-v{GENERATOR_VERSION}"
        self.results.mkdir(parents=True, exist_ok=True)
        since = datetime.date.today() - datetime.timedelta(days=round(365.25 * args.years))
        self.plan = Plan(index_url=args.index_url, since=since.isoformat(), refresh_pages=args.refresh)
        self.requests = ThreadPoolExecutor(args.jobs)
        self.facts: dict[str, ProjectFacts] = {}

    def _one(self, name: str) -> ProjectFacts:
        stored = self.results / f"{name}.json"
        if stored.exists() and not self.args.refresh:
            facts = ProjectFacts.from_json(stored.read_text(encoding="utf-8"))
            if facts.found or not facts.problems or "HTTP 404" in facts.problems[0]:
                return facts
        facts = gather(name, self.fetcher, self.plan, self.requests)
        if facts.found or any("HTTP 404" in p for p in facts.problems):  # transient failures are retried next run
            stored.write_text(facts.to_json(), encoding="utf-8")
        return facts

    def gather_all(self, names: list[str]) -> None:
        todo = [n for n in names if n not in self.facts]
        started = time.monotonic()
        with ThreadPoolExecutor(max(2, self.args.jobs // 2)) as projects:
            jobs = {projects.submit(self._one, name): name for name in todo}
            for done, job in enumerate(as_completed(jobs), start=1):
                self.facts[jobs[job]] = job.result()
                if done % 250 == 0 or done == len(todo):
                    c = self.fetcher.counters
                    print(f"  {done}/{len(todo)} projects, {c.network} requests, {c.cached} from cache, "
                          f"{c.failed} failed, {time.monotonic() - started:.0f} s", flush=True)

    def dependencies_outside(self, names: list[str]) -> list[str]:
        """Distributions the given ones require (without extras) that were not read yet."""
        wanted: set[str] = set()
        for name in names:
            facts = self.facts.get(name)
            if facts is None or not facts.dependencies:
                continue
            newest = max(facts.dependencies, key=facts.versions.index)
            wanted.update(entry[0] for entry in facts.dependencies[newest][0] if len(entry) < 3 or not entry[2])
        return sorted(wanted - set(self.facts))


def generate(args: argparse.Namespace) -> int:
    seed = read_seed(Path(args.seed))
    if args.names:
        seed = [n.strip() for n in args.names.split(",") if n.strip()]
    elif args.limit:
        seed = seed[: args.limit]
    print(f"index: {args.index_url}; {len(seed)} seed distributions; cache: {args.cache}")
    started = time.monotonic()
    run = Run(args)
    run.gather_all(seed)
    order = list(seed)
    if not args.no_expand:
        extra = run.dependencies_outside(seed)
        print(f"expanding to {len(extra)} dependencies outside the seed")
        run.gather_all(extra)
        order += extra
    run.requests.shutdown()
    rank = {name: i for i, name in enumerate(order)}
    about = {
        "generated": datetime.date.today().isoformat(),
        "index_url": args.index_url,
        "seed": len(seed),
        "dependencies_since": run.plan.since,
        "generator_version": GENERATOR_VERSION,
    }
    counts = write(Path(args.out), [run.facts[n] for n in order], rank, about)
    elapsed = time.monotonic() - started
    c = run.fetcher.counters
    problems = sum(len(f.problems) for f in run.facts.values())
    print(json.dumps({**{k: v for k, v in counts.items() if k != "not_on_index"},
                      "not_on_index": len(counts["not_on_index"]), "seconds": round(elapsed, 1),
                      "requests": c.network, "from_cache": c.cached, "retried": c.retried, "failed": c.failed,
                      "problems": problems}, indent=1))
    if counts["not_on_index"]:
        print("not on the index:", ", ".join(counts["not_on_index"][:40]))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["make-seed"]:
        parser = argparse.ArgumentParser(prog="generate.py make-seed")
        parser.add_argument("ranking", help="a TSV with name and rank_among_15000_most_downloaded columns")
        parser.add_argument("--size", type=int, default=10000)
        options = parser.parse_args(argv[1:])
        make_seed(Path(options.ranking), options.size)
        return 0
    parser = argparse.ArgumentParser(prog="generate.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", default=str(SEED))
    parser.add_argument("--index-url", default=None, help="default: PIP_INDEX_URL, pip's configuration, else PyPI")
    parser.add_argument("--cache", default="~/.cache/portlint-knowledge")
    parser.add_argument("--out", default=str(OUTPUT))
    parser.add_argument("--jobs", type=int, default=16, help="requests under way at once")
    parser.add_argument("--years", type=float, default=5, help="read dependencies of releases this recent")
    parser.add_argument("--limit", type=int, help="only the first N seed distributions")
    parser.add_argument("--names", help="only these distributions (comma-separated)")
    parser.add_argument("--refresh", action="store_true", help="re-read project pages")
    parser.add_argument("--no-expand", action="store_true", help="do not add dependencies outside the seed")
    parser.add_argument("--record", help="also write every answer into this folder (test fixtures)")
    args = parser.parse_args(argv)
    args.index_url = args.index_url or index_url_from_pip()
    return generate(args)


if __name__ == "__main__":
    sys.exit(main())
