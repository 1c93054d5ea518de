"""One requirement string, pinned: ``celery[redis]>=5 ; python_version>"3.9"`` becomes
``celery[redis]==5.4.0 ; python_version>"3.9"`` — name, extras and marker kept as written."""

from __future__ import annotations

import re

from portlint.fix.text import Refusal

_HEAD = re.compile(r"^(?P<head>\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(text: str) -> str | None:
    match = _HEAD.match(text)
    return canonical(match.group("name")) if match else None


def pin_spec(requirement: str, version: str) -> str:
    """The requirement with its version specifier replaced by ``==version``.

    Refuses a direct reference (``name @ url``) and a specifier the version does not
    satisfy (``flask>=3`` with 2.3.3 found), so a pin never changes what the author asked for.
    """
    match = _HEAD.match(requirement)
    if match is None:
        raise Refusal(f"'{requirement}' does not start with a distribution name")
    head = match.group("head")
    rest = requirement[match.end():]
    spec, semicolon, marker = rest.partition(";")
    if "@" in spec or "://" in spec:
        raise Refusal(f"'{requirement.strip()}' is a direct reference, not a versioned requirement")
    stripped = spec.strip()
    if stripped:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            allowed = SpecifierSet(stripped)
        except InvalidSpecifier:
            raise Refusal(f"cannot read the specifier '{stripped}'") from None
        if not allowed.contains(version, prereleases=True):
            raise Refusal(f"the version found ({version}) does not satisfy '{stripped}'")
    before_marker = head + spec
    trailing = before_marker[len(before_marker.rstrip()):] if semicolon else ""
    return f"{head.rstrip()}=={version}{trailing}{semicolon}{marker}"
