"""Knowledge tables (data files beside this module), loaded lazily and once.

Each file's schema is described in README.md in this folder; every entry names its
source.  Code asks questions through the small functions below, never parses the
files itself.
"""

from __future__ import annotations

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


def base_image(name: str, tag: str | None) -> dict[str, Any] | None:
    """Facts about a base image (``name`` without docker.io/library); None if unknown."""
    from portlint.knowledge.images import table_facts

    return table_facts(name, tag)


def floating_major_images() -> frozenset[str]:
    from portlint.knowledge.images import floating_major_images as floating

    return floating()
