"""Lint one Dockerfile: read, parse, run the enabled checks, stamp, suppress, sort."""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass
from collections.abc import Mapping
from pathlib import Path

from portlint.diagnostics import FileResult, Finding, Hit
from portlint.errors import InputError
from portlint.registry import Registry, Rule
from portlint.settings import Settings

PARSE_ERROR = "PL001"


@dataclass(frozen=True)
class Target:
    """One Dockerfile to lint and the build context it is built with."""

    display: str  # the path as the user gave it ("<stdin>" for -)
    path: Path | None  # None when read from stdin
    context: Path | None  # None: no build context to read (stdin without --context)
    context_display: str | None = None
    data: bytes | None = None  # stdin's bytes
    context_given: bool = False  # --context was passed: never second-guess it


# Real Dockerfiles are kilobytes; hundreds of kilobytes is already machine-made. The
# cap keeps time and memory bounded on a hostile or mistaken input (a log, a dump).
MAX_DOCKERFILE_BYTES = 10 * 1024 * 1024


def _too_large(target: Target, size: int) -> InputError:
    return InputError(
        f"{target.display} is {size / 1024 / 1024:.1f} MB; portlint lints Dockerfiles up to "
        f"{MAX_DOCKERFILE_BYTES // 1024 // 1024} MB, so this file was not linted"
    )


def _read(target: Target, overlay: Mapping[str, bytes] | None = None) -> bytes:
    if overlay and target.path is not None:
        edited = overlay.get(str(target.path.resolve()))
        if edited is not None:
            return edited
    if target.data is not None:
        if len(target.data) > MAX_DOCKERFILE_BYTES:
            raise _too_large(target, len(target.data))
        return target.data
    assert target.path is not None
    try:
        size = target.path.stat().st_size
        if size > MAX_DOCKERFILE_BYTES:
            raise _too_large(target, size)
        return target.path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{target.display} is a directory, not a Dockerfile") from None
    except OSError as exc:
        raise InputError(f"cannot read {target.display}: {exc.strerror or exc}") from None


def _display_join(base: str | None, relative: str) -> str:
    if not base or base == ".":
        return relative
    return f"{base.rstrip('/')}/{relative}"


class _Stamper:
    """Turns hits into findings: metadata, severity overrides, suppressions, per-file ignores."""

    def __init__(self, target: Target, settings: Settings, ctx) -> None:
        self.target = target
        self.settings = settings
        self.ctx = ctx
        self.findings: list[Finding] = []
        self._suppressions = None
        if ctx is not None:
            from portlint.suppress import dockerfile_suppressions

            self._suppressions = dockerfile_suppressions(ctx.dockerfile)

    def _absolute(self, hit_path: str | None) -> Path | None:
        if hit_path is None:
            return self.target.path.resolve() if self.target.path else None
        return (self.target.context / hit_path).resolve() if self.target.context else None

    def _per_file_ignored(self, rule: Rule, hit_path: str | None) -> bool:
        if not self.settings.per_file_ignores:
            return False
        absolute = self._absolute(hit_path)
        if absolute is None:
            return False
        try:
            relative = absolute.relative_to(self.settings.root.resolve()).as_posix()
        except ValueError:
            relative = absolute.as_posix()

        for pattern, selectors in self.settings.per_file_ignores:
            hit = fnmatch.fnmatchcase(relative, pattern) or (
                "/" not in pattern and fnmatch.fnmatchcase(absolute.name, pattern)
            )
            if hit and any(s.upper() in (rule.id, rule.name.upper()) or rule.id.startswith(s.upper()) for s in selectors):
                return True
        return False

    def add(self, rule: Rule, hit: Hit) -> None:
        line, end_line = hit.span.line, hit.span.last
        source_line = None
        if hit.path is None:
            if self._suppressions is not None and self.ctx is not None:
                instruction = self.ctx.dockerfile.instruction_at(line)
                if self._suppressions.covers(rule.id, rule.name, instruction.line if instruction else None):
                    return
                source_line = self.ctx.dockerfile.source.line(line)
            display = self.target.display
        else:
            text = self.ctx.context_line(hit.path, line) if self.ctx is not None else None
            if text is not None:
                from portlint.suppress import is_suppressed, trailing_ignores

                if is_suppressed(trailing_ignores(text), rule.id, rule.name):
                    return
                source_line = text
            display = _display_join(self.target.context_display, hit.path)
        if self._per_file_ignored(rule, hit.path):
            return
        severity = self.settings.severity.get(rule.id) or hit.severity or rule.severity
        self.findings.append(
            Finding(
                rule=rule.id,
                name=rule.name,
                severity=severity,
                path=display,
                line=line,
                column=hit.span.column,
                end_line=max(end_line, line),
                message=hit.message,
                fix=hit.fix if hit.fix is not None else rule.page.fix,
                source_line=source_line,
                data=hit.data,
            )
        )


def lint_target(
    target: Target,
    settings: Settings,
    registry: Registry,
    enabled: frozenset[str],
    overlay: Mapping[str, bytes] | None = None,
) -> FileResult:
    """Lint one Dockerfile.  ``overlay`` maps resolved file paths to contents that stand
    in for what is on disk (``--fix`` re-lints its edits before writing anything)."""
    from portlint.dockerfile.parse import parse_dockerfile
    from portlint.dockerfile.source import decode
    from portlint.lint_context import LintContext

    try:
        source = decode(_read(target, overlay))
        dockerfile = parse_dockerfile(source, target.display)
    except InputError as exc:
        stamper = _Stamper(target, settings, None)
        if PARSE_ERROR in enabled:
            stamper.add(registry.rules[PARSE_ERROR], Hit(_span(exc.line), str(exc)))
        return FileResult(target.display, stamper.findings, context=target.context)

    if target.context is not None and not target.context_given:
        target = _infer_context(target, dockerfile)
    ctx = LintContext(dockerfile=dockerfile, context_dir=target.context, platforms=settings.platforms,
                      declared_images=settings.base_images, overlay=overlay or {},
                      build_args=settings.build_args, dockerfile_path=target.path)
    stamper = _Stamper(target, settings, ctx)
    for rule_id in sorted(enabled):
        rule = registry.rules[rule_id]
        if rule.check is None:
            continue
        try:
            for hit in rule.check(ctx):
                stamper.add(rule, hit)
        except InputError as exc:  # a context file the rule needed is unreadable
            if PARSE_ERROR in enabled:
                stamper.add(registry.rules[PARSE_ERROR], Hit(_span(exc.line), str(exc), path=exc.path))
        except Exception as exc:  # a bug in a check must not hide the other rules' findings
            print(
                f"portlint: internal error in rule {rule_id} while linting {target.display}: "
                f"{exc.__class__.__name__}: {exc} (please report this)",
                file=sys.stderr,
            )
    if PARSE_ERROR in enabled:
        for hit in ctx.file_problems:
            stamper.add(registry.rules[PARSE_ERROR], hit)
    findings = sorted(set(stamper.findings), key=Finding.sort_key)
    return FileResult(target.display, findings, ctx.unknown_base_images, context=target.context)


MAX_CONTEXT_CLIMB = 3


def _copy_sources(dockerfile) -> list[str]:
    """Plain relative COPY/ADD sources (no globs, variables, URLs or other stages)."""
    sources = []
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs or instruction.flag("from") is not None:
            continue
        words = list(instruction.words)
        for word in words[:-1]:
            if not any(c in word for c in "$*?[") and "://" not in word and not word.startswith(("/", "~", "..")):
                sources.append(word)
    return sources


def _infer_context(target: Target, dockerfile) -> Target:
    """Dockerfiles kept in a subfolder (docker/Dockerfile) are usually built from the
    repository root (docker build -f docker/Dockerfile .).  When COPY sources are
    missing beside the Dockerfile and a parent folder (up to the repository root) holds
    more of them, lint with the parent that holds the most, as the build would."""
    sources = _copy_sources(dockerfile)
    assert target.context is not None

    def present(directory: Path) -> int:
        return sum(1 for s in sources if (directory / s).exists())

    best_count = present(target.context)
    if best_count == len(sources):
        return target
    best = None
    candidate = target.context.resolve()
    for _ in range(MAX_CONTEXT_CLIMB):
        if candidate.parent == candidate:
            break
        candidate = candidate.parent
        count = present(candidate)
        if count > best_count:
            best, best_count = candidate, count
        if best_count == len(sources) or (candidate / ".git").exists():
            break  # never look above the repository root
    if best is None:
        return target
    if not target.context.is_absolute():
        best = Path(os.path.relpath(best))  # messages name the context as the user would
    return Target(target.display, target.path, best, context_display(best, None), target.data, target.context_given)


def _span(line: int):
    from portlint.diagnostics import Span

    return Span(max(1, line))


def context_display(context: Path, given: str | None) -> str:
    """How to print paths inside the context: as given, else relative to the cwd."""
    if given is not None:
        return given
    try:
        relative = os.path.relpath(context)
    except ValueError:
        return str(context)
    return "." if relative == "." else relative.replace(os.sep, "/")
