"""PL5xx: Dockerfile hygiene that decides whether a build is reproducible elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator

from portlint.diagnostics import Hit, Span
from portlint.dockerfile.model import Instruction
from portlint.dockerfile.variables import (
    EXPANDED_KEYWORDS,
    PLATFORM_ARGS,
    PREDEFINED_ARGS,
    assignments,
    find_refs,
)
from portlint.lint_context import LintContext
from portlint.registry import check

_ABSOLUTE = re.compile(r"^(/|\$|[A-Za-z]:[\\/]|\\\\)")
# Always present in a Linux process environment, whatever the base image.
_ALWAYS_DEFINED = frozenset({"PATH", "HOME", "HOSTNAME"})


@check("PL501")
def relative_workdir(ctx: LintContext) -> Iterator[Hit]:
    absolute_in: dict[int, bool] = {}
    for stage in ctx.dockerfile.stages:
        parent = ctx.dockerfile.parent_stage(stage)
        absolute = absolute_in.get(parent.index, False) if parent else False
        for instruction in stage.instructions:
            if instruction.keyword != "WORKDIR":
                continue
            path = instruction.args.strip().strip("\"'")
            if _ABSOLUTE.match(path):
                absolute = True
            elif not absolute:
                yield Hit(
                    instruction.span,
                    f"WORKDIR '{path}' is relative and no earlier WORKDIR sets an absolute "
                    "path, so it lands wherever the base image's working directory is",
                    fix=f"Use an absolute path, e.g. WORKDIR /{path.lstrip('./') or 'app'}",
                )
        absolute_in[stage.index] = absolute


def _unquoted_refs(text: str, escape: str):
    """Variable references outside single quotes (Docker leaves '$X' literal)."""
    refs = find_refs(text, escape)
    if "'" not in text:
        return refs
    literal: list[tuple[int, int]] = []
    quote = ""
    start = 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                if quote == "'":
                    literal.append((start, index))
                quote = ""
        elif char in "'\"" and (index == 0 or text[index - 1] != escape):
            quote, start = char, index
    return [r for r in refs if not any(lo < r.start < hi for lo, hi in literal)]


def _checked_text(instruction: Instruction) -> str:
    """The part of the instruction Docker substitutes into (ARG/ENV: values only)."""
    if instruction.keyword in ("ARG", "ENV"):
        return " ".join(value or "" for _, value in assignments(instruction))
    if instruction.keyword in ("COPY", "ADD") and instruction.heredocs:
        return instruction.args
    flags = " ".join(f.value or "" for f in instruction.flags if f.name in ("from", "chown", "chmod"))
    return f"{flags} {instruction.args}"


def _base_image_env(ctx: LintContext, stage) -> frozenset[str] | None:
    """ENV names the stage's base image defines; None when the image is not known."""
    base = ctx.root_image(stage)
    if base.kind == "scratch":
        return frozenset()
    facts = base.facts
    if facts is None or "env" not in facts:
        return None
    return frozenset(facts["env"])


@check("PL502")
def undefined_variable(ctx: LintContext) -> Iterator[Hit]:
    dockerfile = ctx.dockerfile
    escape = dockerfile.directives.escape
    global_args = {name for i in dockerfile.global_args for name, _ in assignments(i)}
    for stage in dockerfile.stages:
        image_env: frozenset[str] | None | bool = False  # computed on first need
        for instruction in stage.instructions:
            if instruction.keyword not in EXPANDED_KEYWORDS or instruction.keyword == "ONBUILD":
                continue
            scope = ctx.scopes.before(instruction)
            reported: set[str] = set()
            # `ARG X=${X}`: the default names the build arg itself, which --build-arg sets
            declared = {n for n, _ in assignments(instruction)} if instruction.keyword == "ARG" else set()
            for ref in _unquoted_refs(_checked_text(instruction), escape):
                name = ref.name
                if (
                    ref.has_fallback
                    or name in declared
                    or name in scope
                    or name in reported
                    or name in PLATFORM_ARGS
                    or name in PREDEFINED_ARGS
                    or name in _ALWAYS_DEFINED
                ):
                    continue
                if name in global_args:
                    reported.add(name)
                    yield Hit(
                        instruction.span,
                        f"${name} is declared with ARG before the first FROM, which makes it "
                        "visible to FROM lines only; in this stage it is empty",
                        fix=f"Redeclare it inside the stage: add 'ARG {name}' after the FROM",
                    )
                    continue
                if image_env is False:
                    image_env = _base_image_env(ctx, stage)
                if image_env is None or name in image_env:
                    continue  # an unknown base image may define it
                reported.add(name)
                yield Hit(
                    instruction.span,
                    f"${name} is not defined by any ARG or ENV (nor by the base image), "
                    "so Docker substitutes an empty string",
                    fix=f"Declare it (ARG {name}=<default> or ENV {name}=<value>) or use ${{{name}:-default}}",
                )


@check("PL503")
def unverified_remote_add(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword != "ADD" or instruction.flag("checksum") is not None:
            continue
        sources = list(instruction.words)[:-1]
        for source in sources:
            if re.match(r"^https?://", source, re.I):
                yield Hit(
                    instruction.span,
                    f"ADD downloads {source} without --checksum: if the file changes or is "
                    "tampered with, the build silently uses the new bytes",
                    fix="Add --checksum=sha256:<hash> (or download with curl and verify with sha256sum -c)",
                )
                break


_SECRET_NAME = re.compile(
    r"(?:^|_)(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|APIKEY|CREDENTIALS?)(?:$|_)"
    r"|(?:^|_)(?:API|SECRET|ACCESS|PRIVATE|AUTH|CLIENT|ENCRYPTION|SIGNING|MASTER)_?KEY(?:$|_)",
    re.I,
)
# Names that hold a location or an identifier of a secret, not the secret itself.
_NOT_A_SECRET = re.compile(
    r"_(?:FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT|NAME|ID|USER|USERNAME|TYPE|LENGTH|EXPIRY|TTL|ENABLED|MOUNT)$|^GPG_KEYS?$|_KEYRING$",
    re.I,
)
_SWITCH_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "none", "null", "disabled", "enabled"})
# user:password@ in a URL; a password that is itself a $VARIABLE is judged by its own name.
_CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!\$)[^/\s@]+@", re.I)
_KNOWN_TOKEN = re.compile(r"(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|glpat-[A-Za-z0-9_-]{20}|xox[baprs]-[A-Za-z0-9-]{10,})")


_PLACEHOLDER = re.compile(r"^(not[-_ ]?provided|not[-_ ]?set|change[-_ ]?me|replace[-_ ]?me|placeholder|dummy|x{3,}|"
                          r"<[^>]*>|your[-_][a-z0-9_-]*|\*+)$", re.I)


_RUN_TIME_ONLY = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL"})


def _always_empty(ctx: LintContext, instruction, value: str) -> bool:
    """A value made only of variables nothing declares: no build can put a secret in it."""
    expansion = ctx.scopes.expand(instruction, value)
    return bool(expansion.undefined) and not expansion.unknown and not expansion.value.strip("\"' ")


def _arg_consumed(ctx: LintContext, instruction, name: str) -> bool:
    """Whether a later instruction of the ARG's stage can record its value: any RUN (whose
    environment holds it, so its history line does) or one that expands the variable as it
    builds (ENV, LABEL, COPY …; CMD and ENTRYPOINT leave `$NAME` to the shell at run time)."""
    if instruction.stage < 0:
        return True  # a global ARG: FROM lines and every stage that redeclares it
    mention = re.compile(r"\$\{?" + re.escape(name) + r"\b")
    later = [i for i in ctx.dockerfile.stages[instruction.stage].instructions if i.index > instruction.index]
    return any(i.keyword == "RUN" or (i.keyword not in _RUN_TIME_ONLY and mention.search(i.args)) for i in later)


@check("PL504")
def secret_in_build_arg(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in ("ARG", "ENV"):
            continue
        for name, value in assignments(instruction):
            reason = None
            if value and (_CREDENTIAL_URL.search(value) or _KNOWN_TOKEN.search(value)):
                reason = "its value contains a credential"
            elif _SECRET_NAME.search(name) and not _NOT_A_SECRET.search(name):
                if instruction.keyword == "ENV" and not value:
                    continue
                if value and value.strip("\"'").lower() in _SWITCH_VALUES:
                    continue  # TS_DISABLE_TOKEN_AUTHORIZATION=true: a switch about tokens, not one
                if instruction.keyword == "ENV" and _PLACEHOLDER.match(value.strip("\"'")):
                    continue  # ENV AWS_SECRET_ACCESS_KEY=notprovided: a stand-in the run supplies
                if instruction.keyword == "ENV" and _always_empty(ctx, instruction, value):
                    continue  # ENV TOKEN=${TOKEN} with no ARG TOKEN: empty in every build (PL502 says so)
                if instruction.keyword == "ARG" and not value and not _arg_consumed(ctx, instruction, name):
                    continue  # nothing after it reads the ARG, so no build records a value passed for it
                reason = "its name says it holds a secret"
            if reason is None:
                continue
            yield Hit(
                Span(instruction.span.line, instruction.span.last),
                f"{instruction.keyword} {name}: {reason}; build args and ENV values are stored "
                "in the image's history and metadata, readable by anyone who can pull it",
                fix=f"Pass it as a build secret: RUN --mount=type=secret,id={name.lower()} … "
                "(docker build --secret id=…)",
            )
