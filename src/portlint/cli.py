"""The command line: ``portlint [PATH]...``, ``portlint rules``, ``portlint explain RULE``."""

from __future__ import annotations

import sys

import click

from portlint import __version__
from portlint.errors import EXIT_ERROR, PortlintError, UsageError

FORMATS = ("text", "json", "sarif", "github", "gitlab")


class _LintByDefault(click.Group):
    """``portlint Dockerfile`` means ``portlint lint Dockerfile`` (as ruff check)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and (args[0] in self.commands or args[0] in ("--help", "-h", "--version")):
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, ["lint", *args])


def _fail(message: str) -> None:
    click.echo(f"portlint: error: {message}", err=True)


@click.group(cls=_LintByDefault, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="portlint", message="%(prog)s %(version)s")
def cli() -> None:
    """portlint: find what makes a Docker image break on another machine.

    \b
    portlint [OPTIONS] [PATH]...   lint Dockerfiles (default: ./Dockerfile)
    portlint rules                 list every rule
    portlint explain RULE          show a rule's teaching text

    Run 'portlint lint --help' for the lint options.
    """


@cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--context", "context", type=click.Path(), help="Build context directory (default: the Dockerfile's directory).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, help="Rules to enable: ids, prefixes (PL2) or names, comma-separated.")
@click.option("--extend-select", multiple=True, help="Rules to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rules to disable.")
@click.option("--fail-on", type=click.Choice(("error", "warning", "info", "never")), help="Lowest severity that fails the run [default: warning].")
@click.option("--platform", "platforms", help="Target platforms, e.g. linux/amd64,linux/arm64.")
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (pyproject.toml or .portlint.toml).")
@click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel processes (default: CPU count).")
@click.option("--fix", is_flag=True, help="Apply fixes: add missing dependencies, pin versions, install copied requirements.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff (patch -p1) and write nothing.")
@click.option("--env", "env_python", metavar="PYTHON", help="With --fix/--diff: an interpreter or virtualenv whose installed versions to pin.")
@click.option("--baseline", "baseline", type=click.Path(), metavar="FILE", help="Report only findings this baseline file does not record.")
@click.option("--write-baseline", "write_baseline", type=click.Path(), metavar="FILE", help="Record today's findings in FILE and exit 0.")
@click.option("--from-hadolint", "from_hadolint", type=click.Path(), metavar="FILE",
              help="Print the [tool.portlint] equivalent of a .hadolint.yaml and exit.")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME[=VALUE]",
              help="A build-time variable, as for docker build: the value of ARG NAME (NAME alone takes it from the environment). Repeatable.")
def lint_command(paths, context, output_format, select, extend_select, ignore, fail_on, platforms, config_file, no_color,
                 jobs, fix, diff, env_python, baseline, write_baseline, from_hadolint, build_args) -> None:
    """Lint Dockerfiles together with their build context."""
    from portlint.app import LintOptions, color_wanted, lint_exit_code

    if from_hadolint is not None:
        from portlint.hadolint import translate_config_file

        try:
            click.echo(translate_config_file(from_hadolint), nl=False)
        except PortlintError as exc:
            _fail(str(exc))
            sys.exit(EXIT_ERROR)
        sys.exit(0)

    options = LintOptions(
        paths=list(paths),
        context=context,
        output_format=output_format,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        fail_on=fail_on,
        platforms=platforms,
        config_file=config_file,
        color=color_wanted(no_color) if output_format == "text" and not diff else False,
        jobs=jobs,
        fix=fix,
        diff=diff,
        env=env_python,
        baseline=baseline,
        write_baseline=write_baseline,
        build_args=build_args,
    )
    sys.exit(lint_exit_code(options))


def _registry_for_listing():
    from portlint.app import load_settings_and_registry

    settings, registry = load_settings_and_registry(config_file=None)
    return registry


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(("text", "json", "markdown")), default="text", show_default=True)
@click.option("--no-color", is_flag=True)
def rules_command(output_format: str, no_color: bool) -> None:
    """List every rule: id, name, severity, summary."""
    from portlint.listing import render_rules

    try:
        registry = _registry_for_listing()
    except PortlintError as exc:
        _fail(str(exc))
        sys.exit(EXIT_ERROR)
    render_rules(registry, output_format, color=_color_wanted(no_color))


@cli.command("explain")
@click.argument("rule")
@click.option("--no-color", is_flag=True)
def explain_command(rule: str, no_color: bool) -> None:
    """Show a rule's teaching text (by id, PL101, or name, untagged-base-image)."""
    from portlint.listing import render_explanation

    try:
        registry = _registry_for_listing()
        found = registry.lookup(rule)
        if found is None:
            import difflib

            close = difflib.get_close_matches(rule, list(registry.rules) + list(registry.by_name), n=1)
            raise UsageError(f"unknown rule {rule!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
    except PortlintError as exc:
        _fail(str(exc))
        sys.exit(EXIT_ERROR)
    render_explanation(found.page, color=_color_wanted(no_color))


def _color_wanted(no_color: bool) -> bool:
    from portlint.app import color_wanted

    return color_wanted(no_color)


def main() -> None:
    cli(prog_name="portlint")
