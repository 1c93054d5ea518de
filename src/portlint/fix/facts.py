"""What a check knows that ``--fix`` needs: small, picklable, hashable payloads
(NamedTuples: defining them costs a fifth of what dataclasses cost at import, and
every lint with a build context imports this module).

The dependency checks attach one of these to a Hit (``Hit.data``).  They are computed
from the same StageEnvironment the finding comes from — which file or RUN installs the
failing stage's packages, which distribution a missing import needs — so the fixer
never re-derives facts from message text.  Kept import-light: checks build these on
every lint.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from portlint.lint_context import LintContext
    from portlint.python.environment import StageEnvironment

# Installers whose requirement files, pyproject dependencies and command lines --fix edits.
PIP_TOOLS = frozenset({"pip", "uv"})
_REQUIREMENTS_NAME = re.compile(r"(^|/)[^/]*requirements[^/]*\.(txt|in)$|(^|/)requirements/[^/]+\.(txt|in)$")


class InstallTarget(NamedTuple):
    """A place that already installs packages into the failing stage."""

    kind: str  # "requirements" | "pyproject" | "run"
    path: str | None  # context-relative file; None for the Dockerfile (kind "run")
    line: int  # kind "run": the Dockerfile line of the install command; else 0
    count: int  # how many of the stage's distributions it installs (the main one ranks first)
    tool: str  # "pip" | "uv"
    locked: bool = False  # the stage installs it through a lock file (uv.lock, poetry.lock, pdm.lock)


class MissingDistribution(NamedTuple):
    """PL201/PL202: an import that needs a distribution installed directly."""

    distributions: tuple[str, ...]  # canonical candidates, the one to recommend first
    module: str  # the top-level import name
    known: bool  # the import-name table knows it (else the first candidate is a guess)
    targets: tuple[InstallTarget, ...]  # best first; empty: the stage installs nothing --fix can edit
    via: str | None = None  # PL202: what brings it along today


class UnpinnedItem(NamedTuple):
    """One requirement without an exact version."""

    name: str  # canonical distribution name
    requirement: str  # as written
    tool: str


class UnpinnedRequirements(NamedTuple):
    """PL205: requirements at one place (a file line, or an install command) to pin."""

    path: str | None  # context-relative file; None for the Dockerfile
    line: int
    items: tuple[UnpinnedItem, ...]


class UninstalledRequirements(NamedTuple):
    """PL204: a copied requirements file that no RUN installs."""

    path: str  # context-relative requirements file
    copy_line: int  # last Dockerfile line of the COPY that puts it into the image
    argument: str  # how a RUN right after that COPY names it (workdir-relative when possible)
    installer: tuple[str, ...]  # the words the stage installs with, up to "install" ("pip", "install")
    options: tuple[str, ...]  # environment and index options to repeat (--user, --index-url URL)


def file_kind(path: str) -> str | None:
    if posixpath.basename(path) == "pyproject.toml":
        return "pyproject"
    if _REQUIREMENTS_NAME.search(path) or path.endswith((".txt", ".in")):
        return "requirements"
    return None  # setup.cfg, Pipfile, environment.yml: not edited


# Installers and build tools: the RUN that installs them (pip install poetry) is not where
# the application's packages come from.
_TOOLING = frozenset({
    "pip", "setuptools", "wheel", "uv", "poetry", "poetry-core", "poetry-plugin-export", "pipenv", "virtualenv",
    "pip-tools", "flit", "flit-core", "hatch", "hatchling", "pdm", "pdm-backend", "build", "setuptools-scm", "pipx",
})


def install_targets(env: StageEnvironment) -> tuple[InstallTarget, ...]:
    """Where the stage's packages come from, the place installing most first.

    Every installer counts towards the ranking, so a stage whose packages come through
    Poetry has its pyproject first (which --fix then declines to edit, naming the tool),
    not the RUN that installed Poetry itself.
    """
    counts: dict[tuple[str, str | None, int], list] = {}
    for item in env.installed.values():
        if item.instruction is None or item.name in _TOOLING or item.tool in ("apt", "apk", "dnf", "yum", "zypper"):
            continue
        if item.where.path is None:
            if item.tool not in PIP_TOOLS:
                continue  # conda install x, pipenv install x: not edited
            key = ("run", None, item.where.command or item.where.line)  # the install command's line
        else:
            kind = file_kind(item.where.path)
            if kind is None:
                continue
            key = (kind, item.where.path, 0)
        entry = counts.setdefault(key, [0, item.tool])
        entry[0] += 1
    for use in env.file_uses:  # an installed file that lists nothing yet
        if not use.context_path or not use.available or use.kind not in ("requirements", "project"):
            continue
        kind = file_kind(use.context_path)
        if kind is not None and (kind == "pyproject") == (use.kind == "project"):
            counts.setdefault((kind, use.context_path, 0), [0, "pip"])
    order = {"requirements": 0, "pyproject": 1, "run": 2}
    locked = bool(env.lock_files)
    targets = [
        InstallTarget(kind, path, line, count, tool, locked=locked and kind == "pyproject" and tool != "pip")
        for (kind, path, line), (count, tool) in counts.items()
    ]
    targets.sort(key=lambda t: (-t.count, order[t.kind], t.path or "", t.line))
    return tuple(targets)


# Options of the stage's own install that a new `pip install -r` must repeat: where
# packages go (a PEP 668 system Python refuses without --break-system-packages) and
# which index they come from.
_REPEATED_FLAGS = frozenset({"--user", "--break-system-packages", "--system", "--no-index", "--pre"})
_REPEATED_VALUES = frozenset({"--prefix", "--root", "--target", "-t", "--index-url", "-i", "--extra-index-url",
                              "--find-links", "-f", "--trusted-host", "--python"})


def stage_installer(ctx: LintContext, stage_index: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The pip (or ``uv pip``) command the stage and its parents install with: the words
    up to ``install`` and the options to repeat; None when the stage never runs pip."""
    from portlint.python.installs import parse_install

    dockerfile = ctx.dockerfile
    for stage in dockerfile.stage_chain(dockerfile.stages[stage_index]):
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            for command in ctx.shell(instruction).commands:
                argv = command.effective().argv
                install = parse_install(argv)
                if install is None or install.tool not in PIP_TOOLS or "install" not in argv:
                    continue
                if any("$" in word for word in argv[: argv.index("install")]):
                    continue
                at = argv.index("install")
                options: list[str] = []
                words = argv[at + 1:]
                for index, word in enumerate(words):
                    name = word.split("=", 1)[0]
                    if word in _REPEATED_FLAGS:
                        options.append(word)
                    elif name in _REPEATED_VALUES:
                        if "=" in word:
                            options.append(word)
                        elif index + 1 < len(words):
                            options.extend((word, words[index + 1]))
                return tuple(argv[: at + 1]), tuple(options)
    return None
