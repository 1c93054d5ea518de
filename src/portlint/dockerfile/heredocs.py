"""Lift heredoc bodies out of a Dockerfile before dockerfile-parse sees it (and keep
blank lines inside continued instructions from ending them).

dockerfile-parse 2.0.1 reads ``RUN <<EOF`` bodies as instructions of their own.  This
pre-pass finds every heredoc the way BuildKit does (a shell word ``<<[-]WORD`` in a
RUN, COPY or ADD; bodies follow the instruction in order; ``<<-`` strips leading tabs)
and blanks the body and terminator lines, so line numbers stay true and the parser
only sees instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portlint.errors import InputError

_HEREDOC_WORD = re.compile(r"^[0-9]*<<(-?)(['\"]?)([^<'\"\s]+)\2$")
_HEREDOC_KEYWORDS = {"RUN", "COPY", "ADD"}


@dataclass(frozen=True)
class Heredoc:
    """A here-document of a RUN, COPY or ADD, with its body."""

    delimiter: str
    body: str
    strip_tabs: bool
    quoted: bool
    start_line: int  # 1-based line of the first body line
    end_line: int  # 1-based line of the terminator


@dataclass(frozen=True)
class Prepared:
    """Dockerfile lines ready for dockerfile-parse, and the heredocs lifted out of them."""

    lines: list[str]  # the source lines with heredoc bodies blanked
    heredocs: dict[int, tuple[Heredoc, ...]]  # 1-based instruction start line -> its heredocs


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _continues(line: str, escape: str) -> bool:
    return line.rstrip().endswith(escape)


def shell_words(text: str) -> list[str]:
    """Split on blanks outside quotes; enough to spot heredoc markers."""
    if "'" not in text and '"' not in text:
        return text.split()
    words: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


def heredoc_markers(logical: str) -> list[tuple[str, bool, bool]]:
    """(delimiter, strip_tabs, quoted) for each heredoc word, in order."""
    markers = []
    for word in shell_words(logical):
        match = _HEREDOC_WORD.match(word)
        if match:
            markers.append((match.group(3), match.group(1) == "-", bool(match.group(2))))
    return markers


def prepare(lines: list[str] | tuple[str, ...], escape: str = "\\") -> Prepared:
    out = list(lines)
    found: dict[int, tuple[Heredoc, ...]] = {}
    index = 0
    total = len(out)
    while index < total:
        line = out[index]
        if _is_comment_or_blank(line):
            index += 1
            continue
        start = index
        parts = [line]
        # Comment and blank lines inside a continued instruction do not end it (BuildKit
        # only warns about the blank ones); dockerfile-parse would end it at a blank line,
        # so that line becomes a bare continuation, keeping every line number.
        while _continues(parts[-1], escape) and index + 1 < total:
            index += 1
            if not out[index].strip():
                out[index] = escape
            elif not _is_comment_or_blank(out[index]):
                parts.append(out[index])
        keyword = line.split(None, 1)[0].upper()
        index += 1
        if keyword not in _HEREDOC_KEYWORDS or "<<" not in "".join(parts):
            continue
        markers = heredoc_markers(" ".join(p.rstrip().rstrip(escape) for p in parts))
        docs = []
        for delimiter, strip_tabs, quoted in markers:
            body_start = index
            while index < total:
                candidate = out[index].rstrip("\r")
                if strip_tabs:
                    candidate = candidate.lstrip("\t")
                if candidate == delimiter:
                    break
                index += 1
            else:
                raise InputError(
                    f"heredoc <<{delimiter} opened at line {start + 1} is never closed "
                    f"(no line '{delimiter}' before the end of the file)",
                    line=start + 1,
                )
            body_lines = out[body_start:index]
            if strip_tabs:
                body_lines = [b.lstrip("\t") for b in body_lines]
            docs.append(
                Heredoc(
                    delimiter=delimiter,
                    body="\n".join(body_lines) + ("\n" if body_lines else ""),
                    strip_tabs=strip_tabs,
                    quoted=quoted,
                    start_line=body_start + 1,
                    end_line=index + 1,
                )
            )
            for blank in range(body_start, index + 1):
                out[blank] = ""
            index += 1
        if docs:
            found[start + 1] = tuple(docs)
    return Prepared(lines=out, heredocs=found)
