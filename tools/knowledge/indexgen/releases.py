"""A project's releases and their files, from its PEP 691 JSON simple-API page.

Each wheel's tags say which Linux platforms and CPython versions it installs on;
together they give a release's *coverage*, which portlint encodes in one short
string per release (``coverage_code``) and decodes at lint time.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

# Linux architectures portlint judges; wheel platform tags name them like this.
ARCHITECTURES = ("x86_64", "aarch64", "armv7l", "ppc64le", "s390x", "i686")
# CPython minors the coverage code can name: 3.0 .. 3.MAX_MINOR; "N-" means N and later.
MAX_MINOR = 20
_MANYLINUX = re.compile(r"^(?:manylinux1|manylinux2010|manylinux2014|manylinux_\d+_\d+)_(?P<arch>\w+)$")
_MUSLLINUX = re.compile(r"^musllinux_\d+_\d+_(?P<arch>\w+)$")
_CPYTHON = re.compile(r"^cp3(?P<minor>\d+)$")
_GENERIC = re.compile(r"^py3(?P<minor>\d*)$")


@dataclass
class ReleaseFile:
    """One file of a release as the index lists it."""

    filename: str
    url: str
    kind: str  # "wheel" | "sdist"
    requires_python: str | None
    upload_time: str
    size: int
    yanked: bool
    core_metadata: bool  # the index says a PEP 658 metadata file exists (when it says anything)
    tags: frozenset = frozenset()


@dataclass
class Release:
    """The files of one version."""

    version: Version
    files: list[ReleaseFile] = field(default_factory=list)

    @property
    def wheels(self) -> list[ReleaseFile]:
        return [f for f in self.files if f.kind == "wheel"]

    @property
    def has_sdist(self) -> bool:
        return any(f.kind == "sdist" for f in self.files)

    @property
    def upload_time(self) -> str:
        return min((f.upload_time for f in self.files if f.upload_time), default="")

    @property
    def requires_python(self) -> str:
        """The Requires-Python most of its files declare ("" when none does)."""
        counts: dict[str, int] = defaultdict(int)
        for f in self.files:
            counts[(f.requires_python or "").strip()] += 1
        return max(sorted(counts), key=lambda value: counts[value]) if counts else ""

    @property
    def yanked(self) -> bool:
        return bool(self.files) and all(f.yanked for f in self.files)


def parse_project_page(body: bytes) -> dict[Version, Release]:
    """Final releases (no pre- or dev releases) by version, from a JSON simple-API page."""
    page = json.loads(body)
    releases: dict[Version, Release] = {}
    for item in page.get("files", []):
        filename = item.get("filename", "")
        parsed = _parse_filename(filename)
        if parsed is None:
            continue
        kind, version, tags = parsed
        if version.is_prerelease or version.is_devrelease:
            continue
        metadata_flag = item.get("core-metadata", item.get("data-dist-info-metadata", None))
        release = releases.setdefault(version, Release(version))
        release.files.append(
            ReleaseFile(
                filename=filename,
                url=item.get("url", ""),
                kind=kind,
                requires_python=item.get("requires-python"),
                upload_time=item.get("upload-time") or "",
                size=int(item.get("size") or 0),
                yanked=bool(item.get("yanked")),
                core_metadata=bool(metadata_flag) if metadata_flag is not None else True,
                tags=tags,
            )
        )
    return dict(sorted(releases.items()))


def _parse_filename(filename: str):
    try:
        if filename.endswith(".whl"):
            _, version, _, tags = parse_wheel_filename(filename)
            return "wheel", version, tags
        if filename.endswith((".tar.gz", ".zip")):
            _, version = parse_sdist_filename(filename)
            return "sdist", version, frozenset()
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return None


def _minors_for(interpreter: str, abi: str) -> tuple[int, bool] | None:
    """(first CPython 3 minor, open-ended) that a wheel's interpreter/ABI tags admit."""
    cpython = _CPYTHON.match(interpreter)
    if cpython:
        minor = int(cpython.group("minor"))
        if abi.endswith("t"):  # free-threaded builds (cp313t) need a free-threaded interpreter
            return None
        return minor, abi == "abi3"
    generic = _GENERIC.match(interpreter)
    if generic and abi in ("none", "abi3"):
        return int(generic.group("minor") or 0), True
    return None


def _platform_class(platform: str) -> str | None:
    """'any', '<arch>' (glibc) or 'musl-<arch>' for the Linux platforms portlint judges."""
    if platform == "any":
        return "any"
    manylinux = _MANYLINUX.match(platform)
    if manylinux and manylinux.group("arch") in ARCHITECTURES:
        return manylinux.group("arch")
    musl = _MUSLLINUX.match(platform)
    if musl and musl.group("arch") in ARCHITECTURES:
        return f"musl-{musl.group('arch')}"
    return None


def coverage(release: Release) -> dict[str, set[int | str]]:
    """Platform class -> CPython minors with a wheel ('N-' entries are open-ended)."""
    found: dict[str, set] = defaultdict(set)
    for wheel in release.wheels:
        for tag in wheel.tags:
            platform = _platform_class(tag.platform)
            minors = _minors_for(tag.interpreter, tag.abi)
            if platform is None or minors is None:
                continue
            first, open_ended = minors
            found[platform].add(f"{first}-" if open_ended else first)
    return found


def _minor_text(values: set) -> str:
    """{8, 9, 10, '11-'} -> '8-10,11-'; open-ended entries absorb the exact ones above them."""
    open_from = min((int(v[:-1]) for v in values if isinstance(v, str)), default=None)
    exact = sorted(v for v in values if isinstance(v, int) and (open_from is None or v < open_from))
    parts: list[str] = []
    run: list[int] = []
    for minor in exact:
        if run and minor == run[-1] + 1:
            run.append(minor)
            continue
        if run:
            parts.append(_run_text(run))
        run = [minor]
    if run:
        parts.append(_run_text(run))
    if open_from is not None:
        if run and run[-1] == open_from - 1:
            parts[-1] = f"{run[0]}-"
        else:
            parts.append(f"{open_from}-")
    return ",".join(parts)


def _run_text(run: list[int]) -> str:
    return str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}"


def coverage_code(release: Release) -> str:
    """One release's coverage as text: 's' when an sdist exists, then '<class>:<minors>'.

    ``s any:7- x86_64:8-12 aarch64:8-12 musl-x86_64:9-12`` reads: an sdist; a pure wheel
    for CPython 3.7 and later; glibc wheels for 3.8-3.12 on x86_64 and aarch64; musl
    wheels for 3.9-3.12 on x86_64.  An empty string: no file portlint can use on Linux.
    """
    parts = ["s"] if release.has_sdist else []
    found = coverage(release)
    for platform in ["any", *ARCHITECTURES, *(f"musl-{a}" for a in ARCHITECTURES)]:
        if found.get(platform):
            parts.append(f"{platform}:{_minor_text(found[platform])}")
    return " ".join(parts)
