"""One lint run, from options to exit code; the CLI only parses arguments."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from portlint.diagnostics import Severity
from portlint.errors import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    PortlintError,
    UsageError,
)
from portlint.registry import Registry
from portlint.settings import DEFAULT_PLATFORMS, Settings

_PLATFORM = re.compile(r"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$")


@dataclass
class LintOptions:
    """What the command line asked for, before configuration is merged in."""

    paths: list[str]
    context: str | None = None
    output_format: str = "text"
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    platforms: str | None = None
    config_file: str | None = None
    color: bool = False
    jobs: int | None = None
    build_args: tuple[str, ...] = ()  # --build-arg values as typed: NAME=VALUE or NAME
    fix: bool = False  # write the fixes
    diff: bool = False  # print the fixes as a unified diff, write nothing
    env: str | None = None  # --env PYTHON: the interpreter whose versions --fix pins
    baseline: str | None = None  # report only findings this baseline does not record
    write_baseline: str | None = None  # record today's findings there instead of reporting

    def check(self) -> None:
        """Combinations that make no sense are usage errors, said before any work."""
        if self.env is not None and not (self.fix or self.diff):
            raise UsageError("--env chooses where --fix and --diff read versions; pass one of them")
        if self.write_baseline is not None and (self.fix or self.diff):
            raise UsageError("--write-baseline records findings as they are; run it without --fix or --diff")
        if self.diff and self.output_format != "text":
            raise UsageError("--diff prints a diff; for a machine-readable report use --fix --format json")


def parse_platforms(values: list[str] | tuple[str, ...], where: str) -> tuple[str, ...]:
    platforms = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if not _PLATFORM.match(part):
                raise UsageError(f"invalid platform {part!r} in {where} (expected os/arch, e.g. linux/arm64)")
            platforms.append(part)
    if not platforms:
        raise UsageError(f"no platform given in {where}")
    return tuple(dict.fromkeys(platforms))


def parse_build_args(values: list[str] | tuple[str, ...], environ: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """``--build-arg`` as ``docker build`` reads it: ``NAME=VALUE`` sets the value (``NAME=`` an
    empty one); a bare ``NAME`` takes the value from the environment, and is left out when the
    environment has none, so the Dockerfile's default applies."""
    environ = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not name or any(c.isspace() for c in name):
            raise UsageError(f"invalid --build-arg {value!r}: expected NAME=VALUE or NAME")
        if sep:
            found[name] = given
        elif name in environ:
            found[name] = environ[name]
    return tuple(found.items())


def load_settings_and_registry(
    config_file: str | None, options: LintOptions | None = None
) -> tuple[Settings, Registry]:
    from portlint.config import find_config, load_config
    from portlint.registry import build_registry
    from portlint.selection import split_selectors, validate

    raw = load_config(Path(config_file)) if config_file else find_config(Path.cwd())
    values = raw.values if raw else {}
    where = str(raw.path) if raw else "configuration"
    root = raw.path.parent if raw else Path.cwd()
    rules_dirs = tuple((root / d) for d in values.get("rules-dirs", ()))
    registry = build_registry(rules_dirs)

    for key in ("select", "extend-select", "ignore"):
        validate(values.get(key, ()), registry, f"{where} '{key}'")
    severity: dict[str, Severity] = {}
    for key, level in values.get("severity", {}).items():
        rule = registry.lookup(key)
        if rule is None:
            validate([key], registry, f"{where} [severity]")
            raise UsageError(f"{where} [severity]: {key!r} must name one rule, not a prefix")
        severity[rule.id] = Severity.parse(level)
    per_file = []
    for pattern, selectors in values.get("per-file-ignores", {}).items():
        validate(selectors, registry, f"{where} [per-file-ignores] {pattern!r}")
        per_file.append((pattern, tuple(selectors)))

    select = tuple(values.get("select", ("PL",)))
    extend_select = tuple(values.get("extend-select", ()))
    ignore = tuple(values.get("ignore", ()))
    fail_on = values.get("fail-on", "warning")
    platforms = (
        parse_platforms(values["platforms"], f"{where} 'platforms'") if "platforms" in values else DEFAULT_PLATFORMS
    )
    build_args: tuple[tuple[str, str], ...] = ()
    if options is not None:
        build_args = parse_build_args(options.build_args)
        for flag, given in (("--select", options.select), ("--extend-select", options.extend_select), ("--ignore", options.ignore)):
            validate(split_selectors(given), registry, flag)
        if options.select:
            select = split_selectors(options.select)
        extend_select += split_selectors(options.extend_select)
        ignore += split_selectors(options.ignore)
        fail_on = options.fail_on or fail_on
        if options.platforms:
            platforms = parse_platforms([options.platforms], "--platform")
    base_images = ()
    if "base-images" in values:
        from portlint.declared_images import declared_images

        base_images = declared_images(values["base-images"], raw.path)
    settings = Settings(
        base_images=base_images,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        fail_on=fail_on,
        platforms=platforms,
        severity=severity,
        per_file_ignores=tuple(per_file),
        rules_dirs=rules_dirs,
        config_path=raw.path if raw else None,
        root=root,
        build_args=build_args,
    )
    return settings, registry


def run_lint(options: LintOptions, stdout: IO[str] | None = None) -> int:
    from portlint.discovery import discover
    from portlint.reporters import Summary, get_reporter
    from portlint.runner import lint_all, progress_wanted, with_progress
    from portlint.selection import enabled_rules

    stdout = stdout or sys.stdout
    options.check()
    settings, registry = load_settings_and_registry(options.config_file, options)
    enabled = enabled_rules(registry, settings.select, settings.extend_select, settings.ignore)
    if options.context is not None and not Path(options.context).is_dir():
        raise UsageError(f"--context '{options.context}' is not a directory")
    stdin = sys.stdin.buffer.read() if "-" in options.paths else None
    targets, errors = discover(options.paths, options.context, stdin)
    for message in errors:
        print(f"portlint: error: {message}", file=sys.stderr)
    if not targets:
        return EXIT_ERROR

    if options.write_baseline is not None:
        return _write_baseline(options, targets, settings, registry, enabled, bool(errors))
    baseline = None
    if options.baseline is not None:
        from portlint.baseline import read_baseline

        baseline = read_baseline(Path(options.baseline))
    if options.fix or options.diff:
        return _run_fix(options, targets, settings, registry, enabled, baseline, bool(errors), stdout)

    reporter = get_reporter(options.output_format)(stdout, registry, enabled, color=options.color)
    summary = Summary()
    failed = False
    results = lint_all(targets, settings, registry, enabled, options.jobs)
    show_progress = progress_wanted() and options.output_format == "text"
    unknown_images: dict[str, None] = {}
    for result in with_progress(results, len(targets), show_progress):
        if baseline is not None:
            result = baseline.filter(result)
        summary.count(result)
        failed = failed or any(settings.fails(f.severity) for f in result.findings)
        unknown_images.update(dict.fromkeys(result.unknown_images))
        reporter.file(result)
    if baseline is not None:
        summary.baselined = baseline.matched
        _note_stale_baseline(baseline, options.baseline)
    reporter.finish(summary)
    if unknown_images and options.output_format == "text":
        _note_unknown_images(list(unknown_images))
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


def _note_stale_baseline(baseline, path: str | None) -> None:
    if baseline.unmatched:
        print(f"portlint: note: {baseline.unmatched} finding{'s' if baseline.unmatched != 1 else ''} recorded in "
              f"{path} no longer occur; run --write-baseline {path} to drop them", file=sys.stderr)


def _write_baseline(options: LintOptions, targets, settings: Settings, registry: Registry, enabled, errors: bool) -> int:
    from portlint.baseline import write_baseline
    from portlint.runner import lint_all

    results = list(lint_all(targets, settings, registry, enabled, options.jobs))
    assert options.write_baseline is not None
    count = write_baseline(Path(options.write_baseline), results)
    print(f"portlint: recorded {count} finding{'s' if count != 1 else ''} of {len(results)} "
          f"file{'s' if len(results) != 1 else ''} in {options.write_baseline}; run with --baseline "
          f"{options.write_baseline} to report only new ones", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_OK


def _run_fix(options: LintOptions, targets, settings: Settings, registry: Registry, enabled, baseline,
             errors: bool, stdout: IO[str]) -> int:
    """--fix and --diff: one in-process session; findings reported are those that remain."""
    from portlint.fix.session import run_session, unified_diff, write_changes
    from portlint.fix.versions import VersionFinder
    from portlint.reporters import Summary, get_reporter

    finder = VersionFinder(options.env)
    outcome = run_session(targets, settings, registry, enabled, finder, baseline)
    for note in outcome.notes:
        print(f"portlint: warning: {note}", file=sys.stderr)
    if options.diff:
        for record in outcome.fixed:
            record.status = "proposed"
        stdout.write(unified_diff(outcome.changes))
        _fix_summary_to_stderr(outcome, proposed=True)
        failed = any(settings.fails(f.severity) for r in outcome.results for f in r.findings)
        if errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if outcome.changes or failed else EXIT_OK
    write_changes(outcome.changes)
    reporter = get_reporter(options.output_format)(stdout, registry, enabled, color=options.color)
    summary = Summary(fixed=len(outcome.fixed))
    reporter.fixes(outcome.fixed, outcome.skipped)
    if options.output_format not in ("text", "json"):
        _fix_summary_to_stderr(outcome, proposed=False)
    failed = False
    for result in outcome.results:
        summary.count(result)
        failed = failed or any(settings.fails(f.severity) for f in result.findings)
        reporter.file(result)
    if baseline is not None:
        summary.baselined = outcome.baselined
    reporter.finish(summary)
    unknown_images = list(dict.fromkeys(image for r in outcome.results for image in r.unknown_images))
    if unknown_images and options.output_format == "text":
        _note_unknown_images(unknown_images)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


def _fix_summary_to_stderr(outcome, proposed: bool) -> None:
    from portlint.reporters.text import fix_segments

    text = "".join(part for part, _ in fix_segments(outcome.fixed, outcome.skipped, proposed=proposed))
    remaining = sum(len(r.findings) for r in outcome.results)
    if not outcome.fixed:
        text += "Nothing to fix.\n" if not proposed else "Nothing to change.\n"
    text += f"{remaining} problem{'s' if remaining != 1 else ''} {'would remain' if proposed else 'remain'}"
    text += " (portlint --fix writes these changes).\n" if proposed and outcome.changes else ".\n"
    sys.stderr.write(text)


def _note_unknown_images(images: list[str]) -> None:
    """Once per run, on stderr: the base images portlint is blind to."""
    shown = ", ".join(images[:8]) + (f" and {len(images) - 8} more" if len(images) > 8 else "")
    print(
        f"portlint: note: unknown base image{'s' if len(images) > 1 else ''} {shown}: portlint cannot tell which "
        "Python packages, platforms or Python version they provide, so imports they may provide are reported as "
        "info; declare them under [tool.portlint.base-images] (portlint explain PL201)",
        file=sys.stderr,
    )


def color_wanted(no_color: bool = False) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def lint_exit_code(options: LintOptions) -> int:
    """Run the lint and turn a usage or input problem into a one-line error and exit 2."""
    try:
        return run_lint(options, stdout=sys.stdout)
    except PortlintError as exc:
        print(f"portlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
