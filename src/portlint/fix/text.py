"""Text edits and the small facts about a file's layout every editor needs."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``replacement`` (start == end: an insertion)."""

    start: int
    end: int
    replacement: str


class Refusal(Exception):
    """An edit portlint will not make; str() says why, for the report."""


def newline_of(text: str) -> str:
    """The file's line ending: CRLF when its first line ends so, else LF."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def line_starts(text: str) -> list[int]:
    """Offset of each line's first character; index 0 is line 1."""
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    if starts[-1] == len(text) and len(starts) > 1:
        starts.pop()  # the text ends with a newline: no empty last line
    return starts


def line_end(text: str, starts: list[int], line: int) -> int:
    """Offset just past line ``line``'s terminator (or the end of the text)."""
    return starts[line] if line < len(starts) else len(text)


def line_text(text: str, starts: list[int], line: int) -> str:
    """Line ``line`` (1-based) without its terminator."""
    raw = text[starts[line - 1]:line_end(text, starts, line)]
    return raw.rstrip("\n").removesuffix("\r")


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply edits that do not overlap (touching is fine; insertions keep their order)."""
    out: list[str] = []
    position = 0
    for edit in sorted(dict.fromkeys(edits), key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[position:edit.start])
        out.append(edit.replacement)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def overlaps(a: list[TextEdit], b: list[TextEdit]) -> bool:
    """Whether any edit of ``a`` overlaps one of ``b`` (sharing a boundary does not)."""
    for x in a:
        for y in b:
            if x == y:
                continue
            if x.start < y.end and y.start < x.end:
                return True
            if x.start == x.end and y.start < x.start < y.end or y.start == y.end and x.start < y.start < x.end:
                return True
    return False
