"""Edits to ``[project] dependencies`` in a pyproject.toml that keep its style.

The array is located in the text (the ``[project]`` table, its ``dependencies`` key,
the matching bracket, skipping strings and comments), so every other byte stays as
written.  A one-item-per-line array gets new lines with the same indentation, quote
and trailing-comma style; an inline array gets new items inline.  The result is parsed
again before it is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portlint.fix.specs import canonical, pin_spec, requirement_name
from portlint.fix.text import Refusal, TextEdit, newline_of

_TABLE = re.compile(r"^[ \t]*\[\[?\s*([^\]]+?)\s*\]\]?[ \t]*(#.*)?$", re.MULTILINE)
_DEPENDENCIES = re.compile(r"^[ \t]*dependencies[ \t]*=[ \t]*\[", re.MULTILINE)


@dataclass(frozen=True)
class _Item:
    start: int  # offset of the opening quote
    end: int  # offset just past the closing quote
    value: str
    quote: str


@dataclass(frozen=True)
class _Array:
    open: int  # offset of "["
    close: int  # offset of the matching "]"
    items: tuple[_Item, ...]
    commas_after: tuple[int | None, ...]  # offset of the comma after each item, if any


def _load(text: str):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text), None
    except ValueError as exc:
        return None, str(exc)


def refusal_for(text: str, path: str, locked_by: str | None = None) -> str | None:
    """Why portlint must not edit this pyproject's dependencies, or None."""
    data, error = _load(text)
    if data is None:
        return f"{path} is not valid TOML ({error}); fix that first"
    project = data.get("project")
    if not isinstance(project, dict):
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        if isinstance(tool.get("poetry"), dict):
            return f"{path} declares its dependencies for Poetry: run `poetry add` so poetry.lock follows"
        return f"{path} has no [project] table"
    if "dependencies" in (project.get("dynamic") or []):
        return f"{path} declares its dependencies as dynamic: edit the file they are read from"
    if locked_by:
        return f"the stage installs {path} through {locked_by}'s lock file: add it with `{locked_by} add` so the lock follows"
    return None


def _project_body(text: str) -> tuple[int, int]:
    """Offsets of the [project] table's body: after its header up to the next header."""
    headers = list(_TABLE.finditer(text))
    for index, header in enumerate(headers):
        if header.group(1) == "project" and not header.group(0).lstrip().startswith("[["):
            end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
            return header.end(), end
    raise Refusal("no [project] table header")


def _scan_array(text: str, open_at: int) -> _Array:
    items: list[_Item] = []
    commas: list[int | None] = []
    i = open_at + 1
    while i < len(text):
        char = text[i]
        if char == "#":
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        if char in "\"'":
            triple = text.startswith(char * 3, i)
            delimiter = char * 3 if triple else char
            j = i + len(delimiter)
            while j < len(text):
                if char == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(delimiter, j):
                    break
                j += 1
            end = j + len(delimiter)
            raw = text[i + len(delimiter):j]
            if triple or "\\" in raw:
                raise Refusal("the dependencies array uses escapes or multi-line strings")
            items.append(_Item(i, end, raw, char))
            commas.append(None)
            i = end
            continue
        if char == ",":
            if items and commas[-1] is None:
                commas[-1] = i
            i += 1
            continue
        if char == "]":
            return _Array(open_at, i, tuple(items), tuple(commas))
        if char in "[{":
            raise Refusal("the dependencies array holds tables or arrays")
        i += 1
    raise Refusal("the dependencies array is not closed")


def _array(text: str) -> _Array | None:
    start, end = _project_body(text)
    match = _DEPENDENCIES.search(text, start, end)
    if match is None:
        return None
    return _scan_array(text, match.end() - 1)


def add_dependencies(text: str, additions: list[tuple[str, str, str | None]]) -> list[TextEdit]:
    """Add ``(name, requirement, comment)`` entries not yet declared."""
    array = _array(text)
    present = {requirement_name(item.value) for item in array.items} if array else set()
    wanted = sorted({canonical(n): (r, c) for n, r, c in additions if canonical(n) not in present}.items())
    if not wanted:
        return []
    newline = newline_of(text)
    if array is None:  # no dependencies key yet: add one at the end of [project]
        start, end = _project_body(text)
        body = text[start:end].rstrip()
        position = start + len(body)
        listed = ", ".join(f'"{r}"' for _, (r, _c) in wanted)
        return [TextEdit(position, position, f"{newline}dependencies = [{listed}]")]
    quote = array.items[0].quote if array.items else '"'
    multiline = "\n" in text[array.open:array.close]
    names = [requirement_name(item.value) or "" for item in array.items]
    is_sorted = len(names) >= 2 and names == sorted(names)
    edits: list[TextEdit] = []
    if not multiline:
        if not array.items:  # "[]": all of them at once
            listed = ", ".join(f"{quote}{r}{quote}" for _, (r, _c) in wanted)
            return [TextEdit(array.open + 1, array.open + 1, listed)]
        for name, (requirement, _comment) in wanted:
            literal = f"{quote}{requirement}{quote}"
            following = next((item for item, n in zip(array.items, names) if n > name), None) if is_sorted else None
            if following is not None:
                edits.append(TextEdit(following.start, following.start, f"{literal}, "))
            else:
                last = array.items[-1]
                edits.append(TextEdit(last.end, last.end, f", {literal}"))
        return edits
    line_start = text.rfind("\n", 0, array.items[0].start) + 1 if array.items else None
    indent = text[line_start:array.items[0].start] if array.items else "    "
    if indent.strip():
        raise Refusal("the dependencies array mixes items and other text on a line")
    trailing_comma = not array.items or array.commas_after[-1] is not None
    appended: list[str] = []
    for name, (requirement, comment) in wanted:
        literal = f"{quote}{requirement}{quote}"
        note = f"  # {comment}" if comment else ""
        following = next((item for item, n in zip(array.items, names) if n > name), None) if is_sorted else None
        if following is not None:
            start = text.rfind("\n", 0, following.start) + 1
            edits.append(TextEdit(start, start, f"{indent}{literal},{note}{newline}"))
        else:
            appended.append((literal, note))
    if not appended:
        return edits
    if not array.items:  # "dependencies = [\n]"
        position = text.rfind("\n", 0, array.close) + 1
        lines = "".join(f"{indent}{literal},{note}{newline}" for literal, note in appended)
        return edits + [TextEdit(position, position, lines)]
    last = array.items[-1]
    if not trailing_comma:
        edits.append(TextEdit(last.end, last.end, ","))
    lines = [
        f"{indent}{literal}{',' if trailing_comma or index < len(appended) - 1 else ''}{note}{newline}"
        for index, (literal, note) in enumerate(appended)
    ]
    line_break = text.find("\n", last.end)
    if 0 <= line_break < array.close:
        position = line_break + 1
        edits.append(TextEdit(position, position, "".join(lines)))
    else:  # '    "last"]': the bracket closes on the last item's line
        edits.append(TextEdit(array.close, array.close, newline + "".join(lines)))
    return edits


def pin_dependency(text: str, name: str, version: str) -> list[TextEdit]:
    array = _array(text)
    item = next((i for i in (array.items if array else ()) if requirement_name(i.value) == canonical(name)), None)
    if item is None:
        raise Refusal(f"{name} is not in [project] dependencies")
    pinned = pin_spec(item.value, version)
    start = item.start + 1
    return [TextEdit(start, start + len(item.value), pinned)] if pinned != item.value else []


def verify(before: str, after: str, added: list[str]) -> str | None:
    data, error = _load(after)
    if data is None:
        return f"the edited file is not valid TOML ({error})"
    dependencies = (data.get("project") or {}).get("dependencies") or []
    names = {requirement_name(d) for d in dependencies if isinstance(d, str)}
    missing = [n for n in added if canonical(n) not in names]
    return f"{', '.join(missing)} not in [project] dependencies after the edit" if missing else None
