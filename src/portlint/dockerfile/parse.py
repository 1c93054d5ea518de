"""Build the Dockerfile model; the only module that imports dockerfile_parse."""

from __future__ import annotations

import io
import json

from portlint.diagnostics import Span
from portlint.dockerfile.directives import parse_directives
from portlint.dockerfile.heredocs import prepare
from portlint.dockerfile.model import Dockerfile, Flag, Instruction, Stage
from portlint.dockerfile.source import SourceText
from portlint.errors import InputError

KNOWN_INSTRUCTIONS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD "
    "RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
_JSON_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "VOLUME", "SHELL"})


def _split_flags(text: str, escape: str) -> tuple[tuple[Flag, ...], int]:
    """Leading ``--name[=value]`` words; returns them and the offset where arguments start."""
    flags: list[Flag] = []
    pos = 0
    length = len(text)
    while True:
        # Skip blanks and line continuations between flags.
        while pos < length:
            if text[pos].isspace():
                pos += 1
            elif text[pos] == escape:
                after = pos + 1
                while after < length and text[after] in " \t":  # blanks may follow the escape
                    after += 1
                if after >= length or text[after] not in "\r\n":
                    break
                pos = after
            else:
                break
        if not text.startswith("--", pos):
            return tuple(flags), pos
        end = pos
        while end < length and not text[end].isspace():
            end += 1
        word = text[pos + 2:end]
        name, sep, value = word.partition("=")
        flags.append(Flag(name=name.lower(), value=value if sep else None))
        pos = end


def _json_args(keyword: str, args: str) -> tuple[str, ...] | None:
    if keyword not in _JSON_FORM or not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def parse_dockerfile(source: SourceText, path: str) -> Dockerfile:
    from dockerfile_parse import DockerfileParser

    directives = parse_directives(source.lines)
    prepared = prepare(source.lines, directives.escape)
    # dockerfile-parse honours `# escape=` only among `# syntax=` lines (a `# check=` before
    # it hides it): it is told the escape on every directive line, which are comments anyway.
    lines = [f"# escape={directives.escape}"] * directives.lines + prepared.lines[directives.lines:]
    parser = DockerfileParser(fileobj=io.BytesIO("\n".join(lines).encode("utf-8")))
    try:
        structure = parser.structure
    except Exception as exc:  # dockerfile-parse's own failures become a PL001, not a crash
        raise InputError(f"cannot parse Dockerfile: {exc}") from None

    instructions: list[Instruction] = []
    stage_index = -1
    for entry in structure:
        keyword = entry["instruction"].upper()
        if keyword == "COMMENT":
            continue
        start = entry["startline"] + 1
        end = entry["endline"] + 1
        if keyword not in KNOWN_INSTRUCTIONS:
            raise InputError(f"unknown instruction '{entry['instruction']}'", line=start)
        if keyword == "FROM":
            stage_index += 1
        heredocs = prepared.heredocs.get(start, ())
        if heredocs:
            end = max(end, heredocs[-1].end_line)
        raw = "\n".join(source.lines[start - 1:entry["endline"] + 1])
        after_keyword = raw.lstrip()[len(entry["instruction"]):]
        flags, offset = _split_flags(after_keyword, directives.escape)
        shell_text = after_keyword[offset:]
        shell_line = start + after_keyword.count("\n", 0, offset)
        value = entry["value"]
        args = value
        if flags:
            _, value_offset = _split_flags(value, directives.escape)
            args = value[value_offset:]
        json_args = _json_args(keyword, args.strip())
        if keyword in ("COPY", "ADD") and len(json_args if json_args is not None else args.split()) < 2:
            raise InputError(
                f"{keyword} needs a source and a destination, but '{keyword} {args.strip()}' names only "
                f"one; the build fails with '{keyword} requires at least two arguments'",
                line=start,
            )
        if keyword == "FROM":
            words = args.split()
            if len(words) != 1 and not (len(words) == 3 and words[1].lower() == "as"):
                raise InputError(
                    f"FROM takes an image and an optional 'AS name', but 'FROM {args.strip()}' has {len(words)} "
                    "words; the build fails with 'FROM requires either one or three arguments'",
                    line=start,
                )
        instructions.append(
            Instruction(
                index=len(instructions),
                keyword=keyword,
                args=args.strip(),
                flags=flags,
                span=Span(start, end),
                stage=stage_index,
                json_args=json_args,
                heredocs=heredocs,
                shell_text=shell_text,
                shell_line=shell_line,
            )
        )
    if not instructions:
        raise InputError("the Dockerfile is empty: it has no instructions")
    if stage_index < 0:
        first = instructions[0]
        raise InputError(
            f"no FROM instruction: a Dockerfile must start from a base image "
            f"(first instruction is {first.keyword} at line {first.line})",
            line=first.line,
        )
    return Dockerfile(
        path=path,
        source=source,
        directives=directives,
        instructions=tuple(instructions),
        stages=_stages(instructions),
    )


def _stages(instructions: list[Instruction]) -> tuple[Stage, ...]:
    bodies: dict[int, list[Instruction]] = {}
    for instruction in instructions:
        if instruction.keyword != "FROM":
            bodies.setdefault(instruction.stage, []).append(instruction)
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword != "FROM":
            continue
        words = instruction.args.split()
        base = words[0] if words else ""
        name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
        body = tuple(bodies.get(instruction.stage, ()))
        stages.append(
            Stage(
                index=instruction.stage,
                name=name,
                from_=instruction,
                base=base,
                platform=instruction.flag("platform"),
                instructions=body,
            )
        )
    return tuple(stages)
