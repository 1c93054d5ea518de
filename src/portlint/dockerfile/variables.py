"""ARG/ENV scope per instruction and Docker's variable substitution.

Docker substitutes ``$VAR``/``${VAR}`` (with ``:-``, ``-``, ``:+``, ``+``, ``#``, ``%``
modifiers) in FROM, ADD, COPY, ENV, ARG, LABEL, WORKDIR, USER, VOLUME, EXPOSE,
STOPSIGNAL and ONBUILD, using the ARGs and ENVs in scope *before* the instruction.
Global ARGs (before the first FROM) are visible to FROM lines only, unless a stage
redeclares them with a bare ``ARG NAME``.  A stage built FROM an earlier stage
inherits its ENV (not its ARGs).  ``docker build --build-arg NAME=VALUE`` gives every
``ARG NAME`` that value instead of its default; it declares nothing by itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from portlint.dockerfile.heredocs import shell_words
from portlint.dockerfile.model import Dockerfile, Instruction

# BuildKit defines these for every FROM line, and inside a stage once declared.
PLATFORM_ARGS = frozenset(
    "TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH "
    "BUILDVARIANT".split()
)
# Predefined proxy ARGs usable without a declaration.
PREDEFINED_ARGS = frozenset(
    "HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy "
    "ALL_PROXY all_proxy BUILDKIT_INLINE_CACHE BUILDKIT_SYNTAX SOURCE_DATE_EPOCH".split()
)
EXPANDED_KEYWORDS = frozenset(
    "FROM ADD COPY ENV ARG LABEL WORKDIR USER VOLUME EXPOSE STOPSIGNAL ONBUILD".split()
)

_REF = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<mod>:?[-+?]|##?|%%?)?(?P<word>[^}]*)\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class Variable:
    """An ARG or ENV variable in scope, and where it was set."""

    name: str
    value: str | None  # None: declared without a value (ARG NAME), set only by --build-arg
    origin: str  # "arg" | "env" | "global-arg" | "platform"
    line: int  # where it was declared (0 for automatic ones)


@dataclass(frozen=True)
class VarRef:
    """A $NAME or ${NAME…} reference inside an instruction."""

    name: str
    modifier: str | None  # ":-", "-", ":+", "+", ":?", "#", "%", ...
    word: str
    start: int
    end: int

    @property
    def has_fallback(self) -> bool:
        """``${V:-x}``/``${V:+x}`` never expand to an undefined-variable surprise."""
        return self.modifier in (":-", "-", ":+", "+", ":?", "?")


@dataclass(frozen=True)
class Expansion:
    """The result of expanding an instruction's variables."""

    value: str
    undefined: tuple[str, ...]  # referenced, not declared at all
    unknown: tuple[str, ...]  # declared without a value (ARG NAME)
    # The text starts with a variable that expands to nothing (unset, without a value or
    # empty): `$SRC_DIR/requirements.txt` then names a path we cannot know, not '/requirements.txt'.
    starts_unset: bool = False


def find_refs(text: str, escape: str = "\\") -> list[VarRef]:
    refs = []
    for match in _REF.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] == escape:
            continue
        name = match.group("braced") or match.group("bare")
        refs.append(
            VarRef(name, match.group("mod"), match.group("word") or "", start, match.end())
        )
    return refs


def expand(text: str, scope: dict[str, Variable], escape: str = "\\") -> Expansion:
    undefined: list[str] = []
    unknown: list[str] = []
    pieces: list[str] = []
    last = 0
    starts_unset = False
    for ref in find_refs(text, escape):
        pieces.append(text[last:ref.start])
        last = ref.end
        variable = scope.get(ref.name)
        value = variable.value if variable else None
        if ref.modifier in (":-", "-"):
            pieces.append(value if value else ref.word)
        elif ref.modifier in (":+", "+"):
            pieces.append(ref.word if value else "")
        else:
            if variable is None:
                undefined.append(ref.name)
            elif value is None:
                unknown.append(ref.name)
            pieces.append(value or "")
        if ref.start == 0 and not pieces[-1]:
            starts_unset = True
    pieces.append(text[last:])
    return Expansion("".join(pieces), tuple(undefined), tuple(unknown), starts_unset)


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def assignments(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``NAME=value`` pairs of an ARG or ENV (legacy ``ENV NAME value`` too)."""
    args = instruction.args
    if instruction.keyword == "ENV" and args and "=" not in args.split(None, 1)[0]:
        name, _, value = args.partition(" ")
        return [(name, value.strip())]
    pairs: list[tuple[str, str | None]] = []
    for word in shell_words(args):
        name, sep, value = word.partition("=")
        if name:
            pairs.append((name, unquote(value) if sep else None))
    return pairs


class Scopes:
    """The variables in scope before each instruction, computed once per Dockerfile."""

    def __init__(self, dockerfile: Dockerfile, build_args: Mapping[str, str] | None = None) -> None:
        self.dockerfile = dockerfile
        # --build-arg NAME=VALUE wins over ARG defaults; the platform ARGs follow --platform.
        self.build_args = {k: v for k, v in (build_args or {}).items() if k not in PLATFORM_ARGS}
        self._before: dict[int, dict[str, Variable]] = {}
        self._stage_scope: dict[int, dict[str, Variable]] = {}  # what a child stage (FROM stage) inherits
        self._build()

    @cached_property
    def global_scope(self) -> dict[str, Variable]:
        scope = {name: Variable(name, None, "platform", 0) for name in PLATFORM_ARGS}
        escape = self.dockerfile.directives.escape
        for instruction in self.dockerfile.global_args:
            for name, value in assignments(instruction):
                if name in self.build_args:
                    value = self.build_args[name]  # taken literally, as the builder does
                elif value is not None:
                    value = expand(value, scope, escape).value
                scope[name] = Variable(name, value, "global-arg", instruction.line)
        return scope

    def _build(self) -> None:
        dockerfile = self.dockerfile
        escape = dockerfile.directives.escape
        globals_ = self.global_scope
        for instruction in dockerfile.global_args:
            self._before[instruction.index] = {}
        for stage in dockerfile.stages:
            self._before[stage.from_.index] = dict(globals_)
            parent = dockerfile.parent_stage(stage)
            scope: dict[str, Variable] = dict(self._stage_scope.get(parent.index, {})) if parent else {}
            for instruction in stage.instructions:
                # Consecutive instructions share one snapshot; only ARG/ENV make a new one.
                self._before[instruction.index] = scope
                if instruction.keyword in ("ARG", "ENV"):
                    scope = dict(scope)
                if instruction.keyword == "ARG":
                    for name, value in assignments(instruction):
                        if name in self.build_args:
                            value, origin = self.build_args[name], "arg"
                        elif value is None:
                            inherited = globals_.get(name)
                            # A bare ARG re-imports the global default; platform ARGs stay unknown.
                            value = inherited.value if inherited and inherited.origin == "global-arg" else None
                            origin = "global-arg" if inherited else "arg"
                        else:
                            value = expand(value, scope, escape).value
                            origin = "arg"
                        if name in scope and scope[name].origin == "env":
                            continue  # ENV wins over a later ARG of the same name
                        scope[name] = Variable(name, value, origin, instruction.line)
                elif instruction.keyword == "ENV":
                    before = dict(scope)
                    for name, value in assignments(instruction):
                        expanded = expand(value or "", before, escape).value
                        scope[name] = Variable(name, expanded, "env", instruction.line)
            # a stage built FROM this one inherits its ENV and its ARGs (BuildKit's scoping rule)
            self._stage_scope[stage.index] = scope

    def before(self, instruction: Instruction) -> dict[str, Variable]:
        """Variables visible to ``instruction`` (its own ARG/ENV not yet applied)."""
        return self._before.get(instruction.index, {})

    def expand(self, instruction: Instruction, text: str) -> Expansion:
        return expand(text, self.before(instruction), self.dockerfile.directives.escape)
