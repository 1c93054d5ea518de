"""The YAML that configuration files like ``.hadolint.yaml`` use, without PyYAML.

Block mappings and sequences by indentation, flow sequences and mappings of scalars
(``[DL3006, "DL3007"]``, ``{}``), plain, single- and double-quoted scalars, comments,
``---``/``...`` markers; ``true``/``false``/``null``/``~`` as YAML 1.2 (hadolint's
parser) reads them, every other scalar a string.  Anything else — anchors, aliases,
tags, block scalars, several documents — is a clear error, not a guess: portlint
does not need it, and a wrong reading would translate a config silently wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class YamlError(ValueError):
    """Unsupported or malformed YAML; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int
    text: str  # without indentation and comment


_KEY = re.compile(r"""^(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^'"\s#:\[\]{},&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+|$)(?P<rest>.*)$""")
_DOUBLE_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "0": "\0", "r": "\r"}


def _strip_comment(text: str, number: int) -> str:
    """The line without a trailing comment (a '#' after whitespace, outside quotes)."""
    quote = None
    i = 0
    while i < len(text):
        char = text[i]
        if quote == '"' and char == "\\":
            i += 2
            continue
        if quote:
            if char == quote:
                if quote == "'" and text[i + 1:i + 2] == "'":
                    i += 2
                    continue
                quote = None
        elif char in "'\"" and (i == 0 or text[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    if quote:
        raise YamlError("unclosed quote", number)
    return text.rstrip()


def _lines(text: str) -> list[_Line]:
    lines = []
    seen_document = False
    ended = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlError("tabs are not allowed for indentation", number)
        stripped = _strip_comment(raw.strip(), number)
        if not stripped:
            continue
        if ended:
            raise YamlError("content after the end of the document ('...')", number)
        if stripped.startswith("%"):
            raise YamlError("directives are not supported", number)
        if stripped == "---" or stripped.startswith("--- "):
            if seen_document or lines:
                raise YamlError("more than one document", number)
            seen_document = True
            stripped = stripped[3:].strip()
            if not stripped:
                continue
        if stripped == "...":
            ended = True
            continue
        lines.append(_Line(number, len(raw) - len(raw.lstrip(" ")), stripped))
    return lines


def scalar(text: str, number: int) -> Any:
    text = text.strip()
    if not text:
        return None
    first = text[0]
    if first in "&*!|>":
        kind = {"&": "anchors", "*": "aliases", "!": "tags", "|": "block scalars", ">": "block scalars"}[first]
        raise YamlError(f"{kind} are not supported", number)
    if first == '"':
        if not text.endswith('"') or len(text) < 2:
            raise YamlError("unclosed double quote", number)
        body = text[1:-1]
        out, i = [], 0
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):
                escaped = _DOUBLE_ESCAPES.get(body[i + 1])
                if escaped is None:
                    raise YamlError(f"unsupported escape \\{body[i + 1]}", number)
                out.append(escaped)
                i += 2
                continue
            out.append(body[i])
            i += 1
        return "".join(out)
    if first == "'":
        if not text.endswith("'") or len(text) < 2:
            raise YamlError("unclosed single quote", number)
        return text[1:-1].replace("''", "'")
    if first == "[" or first == "{":
        return _flow(text, number)
    lowered = text.lower()
    if lowered in ("true", "false") and text in ("true", "false", "True", "False", "TRUE", "FALSE"):
        return lowered == "true"
    if text in ("null", "Null", "NULL", "~"):
        return None
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return text


def _split_flow(body: str, number: int) -> list[str]:
    parts, current, quote, depth = [], [], None, 0
    for char in body:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char in "[{":
            raise YamlError("nested flow collections are not supported", number)
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if quote:
        raise YamlError("unclosed quote in a flow collection", number)
    parts.append("".join(current))
    if parts and not parts[-1].strip():
        parts.pop()  # a trailing comma
    return parts


def _flow(text: str, number: int) -> Any:
    closing = "]" if text[0] == "[" else "}"
    if not text.endswith(closing):
        raise YamlError("flow collections must open and close on one line", number)
    parts = _split_flow(text[1:-1], number)
    if closing == "]":
        return [scalar(part, number) for part in parts]
    mapping = {}
    for part in parts:
        key, colon, value = part.partition(":")
        if not colon:
            raise YamlError(f"'{part.strip()}' in a flow mapping has no ':'", number)
        mapping[scalar(key, number)] = scalar(value, number)
    return mapping


class _Parser:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.i = 0

    def parse(self) -> Any:
        if not self.lines:
            return None
        value = self._node(self.lines[0].indent)
        if self.i < len(self.lines):
            line = self.lines[self.i]
            raise YamlError("unexpected indentation", line.number)
        return value

    def _node(self, indent: int) -> Any:
        line = self.lines[self.i]
        if line.text == "-" or line.text.startswith("- "):
            return self._sequence(indent)
        if _KEY.match(line.text):
            return self._mapping(indent)
        self.i += 1
        return scalar(line.text, line.number)

    def _sequence(self, indent: int) -> list[Any]:
        items = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.indent < indent:
                break
            if line.indent > indent:
                raise YamlError("unexpected indentation", line.number)
            if not (line.text == "-" or line.text.startswith("- ")):
                break
            rest = line.text[1:].strip()
            if not rest:
                self.i += 1
                if self.i < len(self.lines) and self.lines[self.i].indent > indent:
                    items.append(self._node(self.lines[self.i].indent))
                else:
                    items.append(None)
                continue
            if _KEY.match(rest) or rest.startswith("- "):
                # "- key: value" opens a mapping indented at the item's text
                self.lines[self.i] = _Line(line.number, indent + (len(line.text) - len(rest)), rest)
                items.append(self._node(self.lines[self.i].indent))
                continue
            self.i += 1
            items.append(scalar(rest, line.number))
        return items

    def _mapping(self, indent: int) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.indent < indent:
                break
            if line.indent > indent:
                raise YamlError("unexpected indentation", line.number)
            match = _KEY.match(line.text)
            if match is None:
                raise YamlError(f"expected 'key: value', found '{line.text}'", line.number)
            key = scalar(match.group("key"), line.number)
            if key in mapping:
                raise YamlError(f"duplicate key '{key}'", line.number)
            rest = match.group("rest").strip()
            self.i += 1
            if rest:
                mapping[key] = scalar(rest, line.number)
                continue
            if self.i < len(self.lines):
                following = self.lines[self.i]
                nested_sequence = following.indent == indent and (following.text == "-" or following.text.startswith("- "))
                if following.indent > indent or nested_sequence:
                    mapping[key] = self._node(following.indent)
                    continue
            mapping[key] = None
        return mapping


def loads(text: str) -> Any:
    """Parse ``text``; raises YamlError for malformed or unsupported YAML."""
    return _Parser(_lines(text)).parse()
