"""pip's requirements-file grammar, line by line, never raising.

Comments, ``\\`` continuations, ``-r/-c/-e`` and their long forms, ``--hash``,
global options, environment markers, extras, direct URLs and VCS links, local
paths and wheels.  Each requirement is checked with ``packaging``; a malformed one
is returned with ``error`` set (portlint reports it as PL001 at that line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portlint.suppress import trailing_ignores

_COMMENT = re.compile(r"(^|\s)#.*$")
# `-r base.txt`, `--requirement=base.txt`, and the short flags glued to their value (`-rbase.txt`)
_OPTION_WITH_VALUE = re.compile(
    r"^(--requirement|--constraint|--editable|-r|-c|-e)(?:\s*=\s*|\s+|(?<=^-[rce])(?=[^\s=-]))(\S.*)$"
)
_WHEEL = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._]*?)-(?P<version>\d[^-]*)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")
_SDIST = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*?)-(?P<version>\d[A-Za-z0-9.+!-]*)\.(tar\.gz|zip|tar\.bz2)$")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# at a commit: `git+https://…@<sha>`, or a forge's archive of a commit (…/archive/<sha>.zip)
_COMMIT = re.compile(r"@[0-9a-f]{40}(?:#|$)|/archive/(?:refs/[a-z]+/)?[0-9a-f]{40}\.(?:zip|tar\.gz)(?:#|$)")
_HASH_FRAGMENT = re.compile(r"#sha(256|384|512)=")


@dataclass(frozen=True)
class RequirementLine:
    """One logical line of a requirements file."""

    line: int
    end_line: int
    text: str
    kind: str  # requirement | include | constraint | editable | path | url | option
    name: str | None = None
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None
    pinned: bool = False
    hashes: tuple[str, ...] = ()
    target: str | None = None
    ignored_rules: tuple[str, ...] = ()
    error: str | None = None


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _logical_lines(text: str):
    """(first line, last line, text, raw lines) with continuations joined, comments dropped."""
    start = None
    parts: list[str] = []
    raws: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if start is None:
            start = number
        raws.append(raw)
        stripped = _COMMENT.sub("", raw).rstrip() if not raw.lstrip().startswith("#") else ""
        if raw.lstrip().startswith("#") and not parts:
            start, raws = None, []
            continue
        if stripped.endswith("\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(stripped)
        yield start, number, " ".join(p.strip() for p in parts).strip(), raws
        start, parts, raws = None, [], []
    if parts:
        yield start, start + len(raws) - 1, " ".join(p.strip() for p in parts).strip(), raws


def _pinned(specifier) -> bool:
    clauses = list(specifier)
    if len(clauses) == 2:
        return _one_release([f"{c.operator}{c.version}" for c in clauses])
    return len(clauses) == 1 and clauses[0].operator in ("==", "===") and "*" not in clauses[0].version


def _one_release(clauses: list[str]) -> bool:
    """`>=0.0.180,<0.0.181` (poetry's ^0.0.180): no other release fits between the bounds."""
    lower = next((c[2:] for c in clauses if c.startswith(">=")), None)
    upper = next((c[1:] for c in clauses if c.startswith("<") and not c.startswith("<=")), None)
    if lower is None or upper is None or len(clauses) != 2:
        return False
    low, high = lower.split("."), upper.split(".")
    if len(low) < 3 or len(low) != len(high) or not all(part.isdigit() for part in low + high):
        return False
    return low[:-1] == high[:-1] and int(high[-1]) == int(low[-1]) + 1


def _parse_requirement(text: str):
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(text), None
    except InvalidRequirement as exc:
        return None, f"invalid requirement {text!r}: {str(exc).splitlines()[0]}"


def _local_kind(target: str) -> bool:
    return target.startswith((".", "/", "~", "file:")) or target.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2")) or (
        "/" in target and "://" not in target and not re.match(r"^[A-Za-z0-9._-]+\s*@", target)
    )


def _name_from_target(target: str) -> tuple[str | None, bool]:
    """Distribution name and whether the reference is exact (wheel/sdist file, commit, hash)."""
    base = target.rstrip("/").rsplit("/", 1)[-1]
    for pattern in (_WHEEL, _SDIST):
        match = pattern.match(base)
        if match:
            return canonical(match.group("name")), True
    egg = _EGG.search(target)
    exact = bool(_COMMIT.search(target) or _HASH_FRAGMENT.search(target))
    return (canonical(egg.group(1)) if egg else None), exact


# `name`, `name[extra]` and `name<op>version` cover most lines; they skip packaging's parser.
_SIMPLE = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[(?P<extras>[A-Za-z0-9._, -]*)\])?\s*"
    r"(?P<spec>(?:(?:===|==|!=|~=|>=|<=|>|<)\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*)$"
)


def _simple_requirement(body: str, common: dict) -> RequirementLine | None:
    match = _SIMPLE.match(body)
    if match is None or body.rstrip().endswith(","):
        return None
    clauses = [c.strip().replace(" ", "") for c in match.group("spec").split(",") if c.strip()]
    if any(not re.match(r"^(===|==|!=|~=|>=|<=|>|<)[A-Za-z0-9.*+!_-]+$", c) for c in clauses):
        return None
    exact = len(clauses) == 1 and clauses[0].startswith("==") and "*" not in clauses[0] or _one_release(clauses)
    extras = tuple(sorted(e.strip() for e in (match.group("extras") or "").split(",") if e.strip()))
    return RequirementLine(kind="requirement", name=canonical(match.group("name")), specifier=",".join(sorted(clauses)),
                           extras=extras, pinned=exact, **common)


def _pip_marker_split(body: str) -> str:
    """The requirement as pip reads it: pip cuts the marker off at the first ';' (at '; ' when the
    line starts with a URL) before packaging sees it, so `name @ https://x.whl; marker` and
    `torch;` with an empty marker install fine although they are not strict PEP 508."""
    separator = "; " if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", body) else ";"
    if separator not in body:
        return body
    requirement, marker = (part.strip() for part in body.split(separator, 1))
    return f"{requirement} ; {marker}" if marker else requirement


def parse_line(text: str, line: int = 1, end_line: int | None = None, raw: str = "") -> RequirementLine:
    end_line = end_line or line
    ignored = trailing_ignores(raw)
    words = text.split()
    hashes = tuple(w.split("=", 1)[1] for w in words if w.startswith("--hash="))
    hashes += tuple(words[i + 1] for i, w in enumerate(words[:-1]) if w == "--hash")
    body = re.sub(r"\s--hash(?:=|\s+)\S+", "", " " + text).strip()
    if not body.startswith("-"):
        # pip splits a line at its first option: `pkg==1.0 --no-binary lxml` is a requirement plus options
        body = re.split(r"\s+(?=--?[A-Za-z])", body, maxsplit=1)[0].strip()
    common = dict(line=line, end_line=end_line, text=text, hashes=hashes, ignored_rules=ignored)
    option = _OPTION_WITH_VALUE.match(body)
    if option:
        flag, value = option.group(1), option.group(2).strip()
        kind = {"-r": "include", "--requirement": "include", "-c": "constraint", "--constraint": "constraint",
                "-e": "editable", "--editable": "editable"}[flag]
        name, exact = _name_from_target(value) if kind == "editable" else (None, False)
        return RequirementLine(kind=kind, target=value, name=name, pinned=exact, **common)
    if body.startswith("-"):
        return RequirementLine(kind="option", **common)
    if "://" in body and " @ " not in body and not re.match(r"^[A-Za-z0-9._-]+\s*@\s*\S+://", body):
        name, exact = _name_from_target(body)
        kind = "path" if body.startswith("file:") else "url"
        return RequirementLine(kind=kind, target=body.split(";")[0].strip(), name=name, pinned=exact, **common)
    if _local_kind(body.split(";")[0].strip()) and not re.match(r"^[A-Za-z0-9._-]+\s*(\[[^\]]*\])?\s*@", body):
        target = body.split(";")[0].strip()
        name, exact = _name_from_target(target)
        return RequirementLine(kind="path", target=target, name=name, pinned=exact, **common)
    body = _pip_marker_split(body)
    simple = _simple_requirement(body, common)
    if simple is not None:
        return simple
    requirement, error = _parse_requirement(body)
    if requirement is None:
        return RequirementLine(kind="requirement", error=error, **common)
    name = canonical(requirement.name)
    if requirement.url:
        exact = bool(_COMMIT.search(requirement.url) or _HASH_FRAGMENT.search(requirement.url)) or bool(
            _name_from_target(requirement.url)[1]
        )
        kind = "path" if requirement.url.startswith("file:") else "url"
        return RequirementLine(kind=kind, name=name, target=requirement.url, pinned=exact,
                               extras=tuple(sorted(requirement.extras)),
                               marker=str(requirement.marker) if requirement.marker else None, **common)
    return RequirementLine(
        kind="requirement",
        name=name,
        specifier=str(requirement.specifier),
        extras=tuple(sorted(requirement.extras)),
        marker=str(requirement.marker) if requirement.marker else None,
        pinned=_pinned(requirement.specifier),
        **common,
    )


def parse_requirements(text: str) -> list[RequirementLine]:
    lines = []
    for start, end, logical, raws in _logical_lines(text):
        if not logical:
            continue
        if "{{" in logical and "}}" in logical or "{%" in logical:
            continue  # a template placeholder ({{cookiecutter.package}}): filled in before any build
        lines.append(parse_line(logical, start, end, raws[0] if raws else ""))
    return lines
