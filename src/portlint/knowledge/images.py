"""What portlint knows of a base image, matched by name, tag pattern and version range.

The table (``base_images/<family>.json``, schema in ``README.md``) holds entries like
"pytorch/pytorch, tags ``2.5.*-cuda*-runtime``: amd64 only, CUDA, Python 3.11, ships
torch…", first match wins.  A tag's named groups carry facts (``python:3.12-slim``
gives ``python`` 3.12) and ``versions`` limits an entry to a release range, so one
image name can change platforms or contents across tags.  Only the family file of
the image asked about is read, and only the regexes whose literal ``hint`` occurs
in the tag are compiled: a lint pays for one or two lookups, not the whole table.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_TABLE = Path(__file__).parent / "base_images"


@dataclass(frozen=True)
class DeclaredImage:
    """A project's own base image, declared in its configuration (``base-images``)."""

    pattern: str  # fnmatch over "name:tag" ("registry.corp/ml-base:*"), or over the name alone
    facts_json: str  # the facts, shaped as the table's entries (JSON keeps this hashable)

    def matches(self, name: str, tag: str) -> bool:
        return fnmatch.fnmatchcase(f"{name}:{tag}", self.pattern) or fnmatch.fnmatchcase(name, self.pattern)


@lru_cache(maxsize=1)
def _index() -> dict:
    try:
        return json.loads((_TABLE / "index.json").read_bytes())
    except FileNotFoundError:
        return {"names": {}, "patterns": []}


@lru_cache(maxsize=None)
def _family(stem: str) -> tuple[dict, ...]:
    return tuple(json.loads((_TABLE / f"{stem}.json").read_bytes())["images"])


def _candidates(name: str):
    index = _index()
    stems = []
    if name in index["names"]:
        stems.append(index["names"][name])
    stems += [stem for pattern, stem in index["patterns"] if fnmatch.fnmatchcase(name, pattern) and stem not in stems]
    for stem in stems:
        for entry in _family(stem):
            if any(n == name or (any(c in n for c in "*?[") and fnmatch.fnmatchcase(name, n)) for n in entry["names"]):
                yield entry


def _version_inside(match: re.Match, versions: str | None) -> bool:
    if not versions:
        return True
    from portlint.python.versions import satisfies

    version = match.groupdict().get("version")
    return bool(version) and satisfies(version, versions) is True


# Registries that serve Docker Hub's official images under another name.
_MIRRORS = ("public.ecr.aws/docker/library/", "mirror.gcr.io/library/", "mirror.gcr.io/")


def _unmirrored(name: str) -> str:
    for prefix in _MIRRORS:
        if name.startswith(prefix) and "/" not in name[len(prefix):]:
            return name[len(prefix):]
    return name


@lru_cache(maxsize=1024)
def table_facts(name: str, tag: str | None) -> dict[str, Any] | None:
    """The first table entry for ``name:tag`` (tag None = latest), with the facts its tag
    carries filled in; None for an image the table does not know."""
    tag = tag or "latest"
    for entry in _candidates(_unmirrored(name.lower())):
        hint = entry.get("hint", "")
        if hint and hint not in tag:
            continue
        match = re.fullmatch(entry.get("tags", ".*"), tag)
        if match is None or not _version_inside(match, entry.get("versions")):
            continue
        facts = dict(entry)
        groups = {k: v for k, v in match.groupdict().items() if v}
        if "python" in groups and not facts.get("python"):
            facts["python"] = groups["python"]
        if "cuda" in groups:
            facts.setdefault("cuda", groups["cuda"])
        if "version" in groups:
            facts["image_version"] = groups["version"]
        return facts
    return None


@lru_cache(maxsize=256)
def declared_facts(declared: tuple[DeclaredImage, ...], name: str, tag: str | None) -> dict[str, Any] | None:
    for image in declared:
        if image.matches(name, tag or "latest"):
            return json.loads(image.facts_json)
    return None


def platform_covered(target: str, published: list[str]) -> bool:
    """Whether an image published for ``published`` can be pulled for ``target``
    (linux/arm64 and linux/arm64/v8 are one platform)."""
    os_name, _, rest = target.partition("/")
    arch = rest.split("/")[0]
    for platform in published:
        p_os, _, p_rest = platform.partition("/")
        if p_os == os_name and p_rest.split("/")[0] == arch:
            variant = rest.split("/")[1] if "/" in rest else None
            p_variant = p_rest.split("/")[1] if "/" in p_rest else None
            if variant is None or p_variant is None or variant == p_variant:
                return True
    return False


def shipped_packages(facts: dict[str, Any]) -> tuple[tuple[str, str | None, tuple[str, ...]], ...]:
    """(distribution, version or None, extras) for each Python package an image ships.

    Keys may carry extras (``transformers[torch]``); the package named by
    ``tag_version_of`` takes the image's own release from its tag (pytorch/pytorch:2.3.1
    ships torch 2.3.1)."""
    packages = facts.get("python_packages") or {}
    if isinstance(packages, list):
        packages = dict.fromkeys(packages)
    found = []
    for key, version in packages.items():
        name, _, extras = key.partition("[")
        name = re.sub(r"[-_.]+", "-", name.strip()).lower()
        if version is None and name == facts.get("tag_version_of"):
            version = facts.get("image_version")
        found.append((name, version, tuple(e.strip() for e in extras.rstrip("]").split(",") if e.strip())))
    return tuple(found)


@lru_cache(maxsize=1)
def floating_major_images() -> frozenset[str]:
    data = json.loads((Path(__file__).parent / "floating_tags.json").read_bytes())
    return frozenset(data["floating_major_images"])
