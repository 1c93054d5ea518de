"""Knowledge tables (data files beside this module), loaded lazily and once.

Each file's schema is described in README.md in this folder; every entry names its
source.  Code asks questions through the small functions below, never parses the
files itself.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """A table by name (``<name>.json``); {} for a table that does not exist."""
    import json

    try:
        with (_HERE / f"{name}.json").open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {}


@lru_cache(maxsize=1024)
def base_image(name: str, tag: str | None) -> dict[str, Any] | None:
    """Facts about a base image (``name`` without docker.io/library), first match wins."""
    key = f"{name}:{tag or 'latest'}"
    for entry in load("base_images").get("image", []):
        if fnmatch.fnmatchcase(key, entry.get("match", "")):
            return entry
    return None


def floating_major_images() -> frozenset[str]:
    return frozenset(load("base_images").get("floating_major_images", ()))
