"""The console script.

``portlint [PATH]...`` with nothing but paths is what pre-commit and most users run; it
goes straight to the lint with every option at its default, without loading click
(about a tenth of a one-file run). Anything else — an option, a subcommand, ``-`` for
stdin — goes through the click command line in ``portlint.cli``.
"""

from __future__ import annotations

import sys

SUBCOMMANDS = frozenset({"lint", "rules", "explain"})


def only_paths(args: list[str]) -> bool:
    return not any(arg.startswith("-") for arg in args) and not (args and args[0] in SUBCOMMANDS)


def main() -> None:
    args = sys.argv[1:]
    if not only_paths(args):
        from portlint.cli import main as click_main

        click_main()
        return
    from portlint.app import LintOptions, color_wanted, lint_exit_code

    try:
        code = lint_exit_code(LintOptions(paths=args, color=color_wanted()))
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("Aborted!", file=sys.stderr)
        code = 1
    except BrokenPipeError:  # `portlint … | head`: the reader left; say nothing more
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
