"""Everything the generator learns about one distribution from the index."""

from __future__ import annotations

import json
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field

from indexgen.http import Fetcher, FetchError
from indexgen.metadata import Metadata, dependency_entries, parse_metadata
from indexgen.modules import commands, import_names
from indexgen.releases import Release, ReleaseFile, coverage_code, parse_project_page
from indexgen.zipdir import TailReader, ZipError

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
TAIL_BYTES = 64 * 1024


@dataclass
class ProjectFacts:
    """One distribution's releases, wheel coverage, dependencies and import names."""

    name: str
    found: bool = True
    versions: list[str] = field(default_factory=list)
    upload_times: list[str] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)
    requires_python: list[str] = field(default_factory=list)
    # version -> [dependency entries, declared extras]; only releases whose metadata was read
    dependencies: dict[str, list] = field(default_factory=dict)
    import_names: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    names_from: str | None = None  # the wheel the import names were read from
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ProjectFacts:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Plan:
    """What to read: the index, and which releases' metadata (uploaded since ``since``)."""

    index_url: str
    since: str  # ISO date; releases uploaded on or after it get their dependencies read
    refresh_pages: bool = False


def _preferred_wheel(release: Release) -> ReleaseFile | None:
    """A pure wheel, else a manylinux x86_64 one, else any: metadata is the same in each."""
    wheels = release.wheels
    if not wheels:
        return None

    def rank(wheel: ReleaseFile) -> tuple[int, int]:
        platforms = {t.platform for t in wheel.tags}
        if "any" in platforms:
            return (0, wheel.size)
        if any("linux" in p and "x86_64" in p for p in platforms):
            return (1, wheel.size)
        return (2, wheel.size)

    return min(wheels, key=rank)


class WheelReader:
    """A wheel's directory and its .dist-info members, read with range requests."""

    def __init__(self, fetcher: Fetcher, wheel: ReleaseFile) -> None:
        self.fetcher = fetcher
        self.wheel = wheel
        tail, total = fetcher.tail(wheel.url, TAIL_BYTES)
        self.reader = TailReader(tail, total or wheel.size or len(tail), lambda s, e: fetcher.span(wheel.url, s, e))
        self.members = {m.name: m for m in self.reader.members()}

    def dist_info(self, filename: str) -> str | None:
        for name, member in self.members.items():
            folder, _, base = name.rpartition("/")
            if base == filename and folder.endswith(".dist-info") and "/" not in folder:
                from indexgen.zipdir import read_member

                return read_member(member, self.reader).decode("utf-8", "replace")
        return None


def read_metadata(fetcher: Fetcher, wheel: ReleaseFile) -> Metadata | None:
    """PEP 658's ``.metadata`` file, or the METADATA member read from the wheel's tail."""
    if wheel.core_metadata:
        response = fetcher.get(wheel.url + ".metadata")
        if response.status == 200:
            return parse_metadata(response.body.decode("utf-8", "replace"))
    text = WheelReader(fetcher, wheel).dist_info("METADATA")
    return parse_metadata(text) if text is not None else None


def gather(name: str, fetcher: Fetcher, plan: Plan, pool: Executor) -> ProjectFacts:
    """Read one distribution's facts; network failures become problems, never exceptions."""
    facts = ProjectFacts(name=name)
    try:
        page = fetcher.get(f"{plan.index_url.rstrip('/')}/{name}/", {"Accept": SIMPLE_JSON}, refresh=plan.refresh_pages)
    except FetchError as exc:
        facts.found = False
        facts.problems.append(str(exc))
        return facts
    if page.status != 200:
        facts.found = False
        facts.problems.append(f"project page: HTTP {page.status}")
        return facts
    try:
        releases = parse_project_page(page.body)
    except (ValueError, KeyError) as exc:
        facts.found = False
        facts.problems.append(f"project page: {exc}")
        return facts
    for version, release in releases.items():
        facts.versions.append(str(version))
        facts.upload_times.append(release.upload_time[:10])
        facts.coverage.append(coverage_code(release))
        facts.requires_python.append(release.requires_python)
    ordered = list(releases.values())
    wanted = [r for r in ordered if r.upload_time[:10] >= plan.since and r.wheels]
    with_wheels = [r for r in ordered if r.wheels]
    if with_wheels and with_wheels[-1] not in wanted:
        wanted.append(with_wheels[-1])  # the newest release with a wheel, however old
    jobs = {str(r.version): pool.submit(_dependencies, fetcher, _preferred_wheel(r)) for r in wanted}
    if with_wheels:
        _read_names(facts, fetcher, _preferred_wheel(with_wheels[-1]))
    for version, job in jobs.items():
        try:
            result = job.result()
        except (FetchError, ZipError, OSError, ValueError) as exc:
            facts.problems.append(f"{version} metadata: {exc}")
            continue
        if result is not None:
            facts.dependencies[version] = result
    return facts


def _dependencies(fetcher: Fetcher, wheel: ReleaseFile | None) -> list | None:
    if wheel is None:
        return None
    metadata = read_metadata(fetcher, wheel)
    if metadata is None:
        return None
    return [dependency_entries(metadata), sorted(metadata.provides_extra)]


def _read_names(facts: ProjectFacts, fetcher: Fetcher, wheel: ReleaseFile | None) -> None:
    if wheel is None:
        return
    try:
        reader = WheelReader(fetcher, wheel)
        members = list(reader.members)
        namespaces_text = reader.dist_info("namespace_packages.txt") or ""
        entry_points = reader.dist_info("entry_points.txt")
    except (FetchError, ZipError, OSError, ValueError) as exc:
        facts.problems.append(f"wheel listing {wheel.filename}: {exc}")
        return
    namespaces = {line.strip() for line in namespaces_text.splitlines() if line.strip()}
    facts.import_names = import_names(members, namespaces)
    facts.commands = commands(members, entry_points)
    facts.names_from = wheel.filename
