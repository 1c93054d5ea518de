"""Turn a Dockerfile's bytes into text, or explain why they are not one."""

from __future__ import annotations

from dataclasses import dataclass

from portlint.errors import InputError

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class SourceText:
    """A decoded file and its lines, as Docker splits them."""

    text: str
    lines: tuple[str, ...]  # without line terminators; lines[0] is line 1

    def line(self, number: int) -> str:
        """The 1-based line ``number``, or '' past the end."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return ""


def decode(data: bytes, what: str = "Dockerfile") -> SourceText:
    """Strict UTF-8 (BuildKit reads nothing else), with a message a user can act on."""
    if data.startswith(_UTF16_BOMS):
        raise InputError(f"{what} is encoded as UTF-16; Docker reads only UTF-8. Re-save it as UTF-8.")
    if b"\x00" in data[:8192]:
        raise InputError(f"{what} is a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{what} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); "
            "re-save it as UTF-8",
            line=line,
        ) from None
    return SourceText(text=text, lines=split_lines(text))


_UNICODE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                 (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_requirements(data: bytes, what: str) -> SourceText:
    """A requirements file as pip reads it: a UTF-16 or UTF-32 byte-order mark names the
    encoding (Windows' ``pip freeze > requirements.txt`` writes UTF-16); else as decode()."""
    for bom, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                break
            return SourceText(text=text, lines=split_lines(text))
    return decode(data, what)


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as Docker sees them: split on newlines only (str.splitlines also breaks on
    form feeds and Unicode separators, which would shift every line number after them)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(line[:-1] if line.endswith("\r") else line for line in lines)
