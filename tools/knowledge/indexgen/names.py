"""Distribution names as the index compares them (PEP 503)."""

from __future__ import annotations

import re


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
