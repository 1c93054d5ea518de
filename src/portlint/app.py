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
    settings = Settings(
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

    reporter = get_reporter(options.output_format)(stdout, registry, enabled, color=options.color)
    summary = Summary()
    failed = False
    results = lint_all(targets, settings, registry, enabled, options.jobs)
    show_progress = progress_wanted() and options.output_format == "text"
    for result in with_progress(results, len(targets), show_progress):
        summary.count(result)
        failed = failed or any(settings.fails(f.severity) for f in result.findings)
        reporter.file(result)
    reporter.finish(summary)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


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
