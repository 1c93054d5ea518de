"""The Dockerfile model every check reads: stages and instructions with true 1-based spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from portlint.diagnostics import Span
from portlint.dockerfile.directives import Directives
from portlint.dockerfile.heredocs import Heredoc
from portlint.dockerfile.source import SourceText


def split_words(text: str) -> tuple[str, ...]:
    words: list[str] = []
    current: list[str] = []
    quote = ""
    started = False
    for char in text:
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in "'\"":
            quote, started = char, True
        elif char in " \t\r\n":
            if started:
                words.append("".join(current))
                current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        words.append("".join(current))
    return tuple(words)


@dataclass(frozen=True, slots=True)
class Flag:
    """A --name=value flag of an instruction."""

    name: str  # without the leading dashes: "from", "mount", "platform"
    value: str | None


@dataclass(frozen=True, eq=False, slots=True)  # identity: two instructions are never "equal"
class Instruction:
    """One Dockerfile instruction, with its true 1-based span."""

    index: int  # position among all instructions
    keyword: str  # upper-case: RUN, COPY, ...
    args: str  # arguments after the flags, continuation lines joined with spaces
    flags: tuple[Flag, ...]
    span: Span  # from the keyword to the last continuation or heredoc terminator line
    stage: int  # index of the stage it belongs to; -1 for ARGs before the first FROM
    json_args: tuple[str, ...] | None = None  # exec form (`["python", "app.py"]`)
    heredocs: tuple[Heredoc, ...] = ()
    shell_text: str = ""  # the text after the flags as written (continuations kept)
    shell_line: int = 0  # 1-based line on which ``shell_text`` starts

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def is_json(self) -> bool:
        return self.json_args is not None

    @property
    def words(self) -> tuple[str, ...]:
        """The arguments as BuildKit reads them: the exec form's list, or the shell form split
        at blanks outside quotes, with the quotes removed (`COPY "a b.txt" ./` copies `a b.txt`)."""
        if self.json_args is not None:
            return self.json_args
        return split_words(self.args)

    def flag(self, name: str) -> str | None:
        """The value of the last ``--name=value`` flag ('' for a bare flag), or None."""
        value = None
        for flag in self.flags:
            if flag.name == name:
                value = flag.value if flag.value is not None else ""
        return value

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]


@dataclass(frozen=True, eq=False)
class Stage:
    """A build stage: its FROM and the instructions after it."""

    index: int
    name: str | None  # the `AS name` alias, lower-cased as Docker matches it
    from_: Instruction
    base: str  # the image reference as written, variables not expanded
    platform: str | None  # the --platform flag as written
    instructions: tuple[Instruction, ...] = field(default=())  # FROM excluded


@dataclass(frozen=True)
class Dockerfile:
    """A parsed Dockerfile: source, directives, instructions and stages."""

    path: str
    source: SourceText
    directives: Directives
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]

    @cached_property
    def global_args(self) -> tuple[Instruction, ...]:
        return tuple(i for i in self.instructions if i.stage == -1 and i.keyword == "ARG")

    @cached_property
    def _stages_by_name(self) -> dict[str, Stage]:
        named: dict[str, Stage] = {}
        for stage in self.stages:
            if stage.name is not None:
                named.setdefault(stage.name, stage)  # Docker resolves to the first stage of that name
        return named

    def stage_by_name(self, name: str) -> Stage | None:
        return self._stages_by_name.get(name.lower())

    def parent_stage(self, stage: Stage) -> Stage | None:
        """The earlier stage this one is built FROM, if its base names one."""
        earlier = self.stage_by_name(stage.base)
        if earlier is not None and earlier.index < stage.index:
            return earlier
        return None

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """The stage, then the stage it is built FROM, and so on down to an image."""
        chain = [stage]
        seen = {stage.index}
        parent = self.parent_stage(stage)
        while parent is not None and parent.index not in seen:
            chain.append(parent)
            seen.add(parent.index)
            parent = self.parent_stage(parent)
        return chain

    @cached_property
    def _starts(self) -> list[int]:
        return [i.span.line for i in self.instructions]

    def instruction_at(self, line: int) -> Instruction | None:
        import bisect

        position = bisect.bisect_right(self._starts, line) - 1
        if position >= 0 and line <= self.instructions[position].span.last:
            return self.instructions[position]
        return None
