"""PEP 440 comparisons for the versions portlint meets most: final releases.

``packaging`` takes about 20 ms to import, a fifth of a whole lint, and the package
index data holds only final and post releases.  So release numbers (``2.4.1``,
``1.0.post2``) and the common specifier clauses (``>=3.8``, ``<3.13``, ``~=2.1``,
``==3.*``, ``!=3.0.*``) are compared here; anything else (pre-releases, local
versions, ``===``, epochs) answers None, "cannot tell", and callers stay silent.
"""

from __future__ import annotations

import re

_RELEASE = re.compile(r"^v?(\d+(?:\.\d+)*)(?:[._-]?post[._-]?(\d+))?$", re.IGNORECASE)
_CLAUSE = re.compile(r"^(~=|==|!=|<=|>=|<|>)\s*v?(\d+(?:\.\d+)*)(\.\*)?(?:[._-]?post[._-]?(\d+))?$")

Release = tuple[tuple[int, ...], int]  # (release numbers without trailing zeros, post number or -1)


def parse_release(text: str) -> Release | None:
    """('2.4.1' -> ((2, 4, 1), -1)); None for anything but a final or post release."""
    match = _RELEASE.match(text.strip())
    if match is None:
        return None
    numbers = tuple(int(p) for p in match.group(1).split("."))
    return _trim(numbers), int(match.group(2)) if match.group(2) is not None else -1


def normalize(text: str) -> str | None:
    """The canonical text of a final or post release ('2.4.0' -> '2.4', 'v1.0-post1' -> '1.post1')."""
    parsed = parse_release(text)
    if parsed is None:
        return None
    numbers, post = parsed
    return ".".join(map(str, numbers or (0,))) + (f".post{post}" if post >= 0 else "")


def _trim(numbers: tuple[int, ...]) -> tuple[int, ...]:
    end = len(numbers)
    while end > 1 and numbers[end - 1] == 0:
        end -= 1
    return numbers[:end]


def _padded(numbers: tuple[int, ...], length: int) -> tuple[int, ...]:
    return numbers + (0,) * (length - len(numbers))


def _compare(left: Release, right: Release) -> int:
    length = max(len(left[0]), len(right[0]))
    a, b = (_padded(left[0], length), left[1]), (_padded(right[0], length), right[1])
    return (a > b) - (a < b)


def _clause(version: Release, operator: str, numbers: tuple[int, ...], wildcard: bool, post: int) -> bool | None:
    if wildcard:
        if operator not in ("==", "!="):
            return None
        prefix = numbers
        inside = _padded(version[0], len(prefix))[: len(prefix)] == prefix
        return inside if operator == "==" else not inside
    target: Release = (_trim(numbers), post)
    order = _compare(version, target)
    if operator == "==":
        return order == 0
    if operator == "!=":
        return order != 0
    if operator == "<":
        return order < 0
    if operator == "<=":
        return order <= 0
    if operator == ">":  # PEP 440: >V excludes V's post-releases
        return order > 0 and not (version[1] >= 0 and post < 0 and _compare((version[0], -1), target) == 0)
    if operator == ">=":
        return order >= 0
    # ~=X.Y.Z: >= X.Y.Z and == X.Y.*
    if len(numbers) < 2:
        return None
    return order >= 0 and _padded(version[0], len(numbers) - 1)[: len(numbers) - 1] == numbers[:-1]


def satisfies(version: str | Release, specifier: str) -> bool | None:
    """Whether a version meets a specifier ('>=3.8,<3.13'); None when it cannot tell."""
    parsed = parse_release(version) if isinstance(version, str) else version
    if parsed is None:
        return None
    for clause in specifier.split(","):
        clause = clause.strip()
        if not clause:
            continue
        match = _CLAUSE.match(clause.replace(" ", ""))
        if match is None:
            return None
        operator, digits, wildcard, post = match.groups()
        numbers = tuple(int(p) for p in digits.split("."))
        verdict = _clause(parsed, operator, numbers, bool(wildcard), int(post) if post is not None else -1)
        if verdict is None:
            return None
        if not verdict:
            return False
    return True
