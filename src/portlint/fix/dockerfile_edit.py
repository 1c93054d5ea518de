"""Edits to a Dockerfile: a package added to or pinned in a ``pip install`` command,
a ``RUN pip install -r`` step after a COPY, a comment above an instruction.

The install command is found in the text itself — words with their offsets, across
``\\`` continuations, quotes kept — starting on the line the analysis gave, so the
edit touches only that command.  New words follow the command's layout: inline
(``pip install a b``) or one per continuation line, in alphabetical order when the
packages already are.  Exec-form (JSON) RUNs are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from portlint.fix.specs import canonical, pin_spec, requirement_name
from portlint.fix.text import Refusal, TextEdit, line_starts, line_text, newline_of
from portlint.python.installs import parse_install

_OPERATORS = ("&&", "||", ";;", ";", "|", "&", "(", ")")
_TOOLING = frozenset({"pip", "setuptools", "wheel", "uv"})


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    raw: str  # as written, quotes kept
    value: str  # after quote removal
    line: int  # 1-based physical line of its first character


def _words(text: str, start: int, starts: list[int]) -> list[list[_Word]]:
    """The simple commands of the logical line beginning at ``start``: words with offsets."""
    import bisect

    commands: list[list[_Word]] = [[]]
    i = start
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and text.startswith(("\\\n", "\\\r\n"), i):
            i += 2 if text[i + 1] == "\n" else 3
            continue
        if char in " \t\r":
            i += 1
            continue
        if char == "\n":
            # A comment line or blank line inside a continued RUN does not end it.
            break
        if char == "#":
            end = text.find("\n", i)
            if end < 0:
                break
            if not text[starts[bisect.bisect_right(starts, i) - 1]:i].strip():
                i = end + 1  # a comment line inside a continued RUN: Docker drops it
                continue
            break  # a shell comment ends the logical line

        operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
        if operator is not None:
            if commands[-1]:
                commands.append([])
            i += len(operator)
            continue
        j = i
        value: list[str] = []
        depth = 0
        while j < n:
            c = text[j]
            if c == "\\" and j + 1 < n:
                if text[j + 1] == "\n" or text.startswith("\r\n", j + 1):
                    break  # a continuation ends the word
                value.append(text[j + 1])
                j += 2
                continue
            if c in "'\"":
                close = j + 1
                while close < n and text[close] != c:
                    close += 2 if c == '"' and text[close] == "\\" else 1
                if close >= n:
                    raise Refusal("an unclosed quote in the RUN command")
                value.append(text[j + 1:close])
                j = close + 1
                continue
            if c == "$" and text.startswith("$(", j):
                depth += 1
            elif c == ")" and depth:
                depth -= 1
            elif depth == 0 and (c in " \t\r\n;&|()" ):
                break
            value.append(c)
            j += 1
        line = bisect.bisect_right(starts, i)
        commands[-1].append(_Word(i, j, text[i:j], "".join(value), line))
        i = j
    return [c for c in commands if c]


def _install_commands(text: str, line: int) -> list[tuple[list[_Word], object]]:
    """The pip/uv install commands whose first word is on ``line``."""
    starts = line_starts(text)
    if not 1 <= line <= len(starts):
        raise Refusal(f"line {line} is past the end of the Dockerfile")
    stripped = line_text(text, starts, line).lstrip()
    if stripped[:3].upper() == "RUN" and stripped[3:].lstrip().startswith("["):
        raise Refusal("the RUN uses the exec (JSON) form")
    found = []
    for words in _words(text, starts[line - 1], starts):
        if words[0].value.upper() == "RUN":
            words = words[1:]
            while words and words[0].value.startswith("--"):
                words = words[1:]  # RUN --mount=… --network=…
        command = _strip_wrappers(words)
        if not command or command[0].line != line:
            continue
        install = parse_install(tuple(w.value for w in command))
        if install is not None and install.tool in ("pip", "uv"):
            found.append((command, install))
    return found


def _strip_wrappers(words: list[_Word]) -> list[_Word]:
    """Leading NAME=value assignments and common wrappers (sudo, env) are not the command."""
    index = 0
    while index < len(words):
        value = words[index].value
        if "=" in value and value.split("=", 1)[0].isidentifier():
            index += 1
        elif value in ("sudo", "env", "nice", "time", "command", "exec"):
            index += 1
        elif value.startswith("-") and index and words[index - 1].value in ("sudo", "env"):
            index += 1
        else:
            break
    return words[index:]


def _specifier_words(command: list[_Word], install) -> list[_Word]:
    wanted = list(install.specifiers)
    found = []
    for word in command:
        if word.value in wanted:
            wanted.remove(word.value)
            found.append(word)
    return found


def _one_per_line(text: str, word: _Word, starts: list[int]) -> str | None:
    """The indentation when ``word`` sits alone on its continuation line, else None."""
    raw = line_text(text, starts, word.line)
    body = raw.rstrip().removesuffix("\\").rstrip()
    if body.strip() != word.raw:
        return None
    return raw[: len(raw) - len(raw.lstrip())]


def add_to_install(text: str, line: int, additions: list[tuple[str, str]]) -> list[TextEdit]:
    """Add ``(name, requirement)`` pairs to the pip install command on ``line``."""
    def packages(install) -> int:  # `pip install -U pip` upgrades the installer, it is not the target
        return sum(1 for spec in install.specifiers if requirement_name(spec) not in _TOOLING)

    commands = [(c, i) for c, i in _install_commands(text, line) if packages(i)]
    if not commands:
        raise Refusal(f"no pip install with packages starts on Dockerfile line {line}")
    command, install = max(commands, key=lambda pair: packages(pair[1]))
    specs = _specifier_words(command, install)
    present = {requirement_name(w.value) for w in specs}
    wanted = sorted({canonical(n): r for n, r in additions if canonical(n) not in present}.items())
    if not wanted:
        return []
    starts = line_starts(text)
    newline = newline_of(text)
    names = [requirement_name(w.value) or "" for w in specs]
    is_sorted = len(names) >= 2 and names == sorted(names)
    edits = []
    for name, requirement in wanted:
        word = _quoted(requirement)
        following = next((w for w, n in zip(specs, names) if n > name), None) if is_sorted else None
        anchor = following if following is not None else command[-1]
        indent = _one_per_line(text, anchor, starts) if len(specs) >= 2 or following is not None else None
        if following is not None:
            edits.append(TextEdit(anchor.start, anchor.start, f"{word} \\{newline}{indent}" if indent is not None else f"{word} "))
        else:
            edits.append(TextEdit(anchor.end, anchor.end, f" \\{newline}{indent}{word}" if indent is not None else f" {word}"))
    return edits


def _quoted(requirement: str) -> str:
    if any(c in requirement for c in " <>;|&()*?[]$\"'`"):
        return "'" + requirement.replace("'", "'\\''") + "'"
    return requirement


def pin_in_install(text: str, line: int, requirement: str, name: str, version: str) -> list[TextEdit]:
    """Pin the word ``requirement`` of the install command on ``line``."""
    for command, install in _install_commands(text, line):
        for word in _specifier_words(command, install):
            if word.value == requirement and requirement_name(word.value) == canonical(name):
                pinned = pin_spec(requirement, version)
                if word.raw[:1] in "'\"":
                    replacement = word.raw[0] + pinned + word.raw[0]
                else:
                    replacement = _quoted(pinned)
                return [TextEdit(word.start, word.end, replacement)] if replacement != word.raw else []
    raise Refusal(f"'{requirement}' is not in a pip install on Dockerfile line {line}")


def insert_after_line(text: str, line: int, instruction: str) -> list[TextEdit]:
    """A new instruction on its own line right after ``line``."""
    starts = line_starts(text)
    if not 1 <= line <= len(starts):
        raise Refusal(f"line {line} is past the end of the Dockerfile")
    newline = newline_of(text)
    position = starts[line] if line < len(starts) else len(text)
    if position == len(text) and not text.endswith("\n"):
        return [TextEdit(position, position, newline + instruction)]
    return [TextEdit(position, position, instruction + newline)]


def comment_above(text: str, instruction_line: int, comment: str) -> list[TextEdit]:
    """A comment line above the instruction starting on ``instruction_line``, and above
    the directive comments that belong to it (``# hadolint ignore=`` must stay on the
    line right before its instruction)."""
    starts = line_starts(text)
    first = instruction_line
    while first > 1 and line_text(text, starts, first - 1).lstrip().startswith("#"):
        previous = line_text(text, starts, first - 1).lstrip("# \t").lower()
        if not previous.startswith(("portlint:", "hadolint", "syntax=", "escape=", "check=")):
            break
        first -= 1
    if first > 1 and line_text(text, starts, first - 1).lstrip().startswith(f"# {comment}"[:40]):
        return []
    position = starts[first - 1]
    return [TextEdit(position, position, f"# {comment}{newline_of(text)}")]


def verify(before: str, after: str) -> str | None:
    from portlint.dockerfile.parse import parse_dockerfile
    from portlint.dockerfile.source import decode
    from portlint.errors import InputError

    try:
        parse_dockerfile(decode(after.encode("utf-8")), "Dockerfile")
    except InputError as exc:
        return f"the edited Dockerfile does not parse ({exc})"
    return None
