"""Which Python a stage's image runs: the lesson that the image is not your laptop.

In order of authority: a Python the stage installs itself (``conda install
python=3.10``, ``apt-get install python3.11``, ``uv venv --python 3.12``, ``pyenv
install 3.11.9``), then the base image (its tag, ``python:3.12-slim``, or what the
knowledge table says of it), then an ``ARG PYTHON_VERSION=3.11`` default that the
Dockerfile declares.  None when nothing says: the rules that need the version stay
silent rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portlint.dockerfile.model import Stage
    from portlint.lint_context import LintContext

_VERSION = re.compile(r"^3\.\d{1,2}(\.\d{1,2})?$")
_PYTHON_TAG = re.compile(r"^(3\.\d{1,2}(?:\.\d{1,2})?)(?:[-.]|$)")
_ARG_NAMES = ("PYTHON_VERSION", "PY_VERSION", "PYTHON", "PYTHON_VER", "PYVERSION")
_APT_PYTHON = re.compile(r"^python(3\.\d{1,2})(-dev|-venv|-full|-minimal)?$")


@dataclass(frozen=True)
class PythonVersion:
    """A CPython version and what says so, for messages ("the tag of python:3.12-slim")."""

    version: str  # "3.12" or "3.12.7"
    source: str

    @property
    def minor(self) -> int:
        return int(self.version.split(".")[1])

    @property
    def short(self) -> str:
        return ".".join(self.version.split(".")[:2])


def image_python(ctx: LintContext, stage: Stage) -> PythonVersion | None:
    installed = _installed_by_stage(ctx, stage)
    if installed is not None:
        return installed
    base = ctx.root_image(stage)
    from_base = _from_base_image(base)
    if from_base is not None:
        return from_base
    return _from_arg_default(ctx, stage)


def _from_base_image(base) -> PythonVersion | None:
    if base.kind != "image" or base.ref is None:
        return None
    facts = base.facts or {}
    version = facts.get("python")
    if isinstance(version, str) and _VERSION.match(version):
        tagged = _PYTHON_TAG.match(base.ref.tag or "")
        if tagged and tagged.group(1).startswith(version + "."):
            version = tagged.group(1)  # the table knows python:3.7.11 as 3.7; its tag says the patch release
        return PythonVersion(version, f"the base image {base.text}")
    name = base.ref.name.rsplit("/", 1)[-1]
    if name == "python" and base.ref.tag:
        match = _PYTHON_TAG.match(base.ref.tag)
        if match:
            return PythonVersion(match.group(1), f"the base image {base.text}")
    return None


def _from_arg_default(ctx: LintContext, stage: Stage) -> PythonVersion | None:
    scopes = [ctx.scopes.global_scope]
    if stage.instructions:
        scopes.append(ctx.scopes.before(stage.instructions[-1]))
    for scope in reversed(scopes):
        for name in _ARG_NAMES:
            variable = scope.get(name)
            if variable is not None and variable.value and _VERSION.match(variable.value.strip()):
                return PythonVersion(variable.value.strip(), f"ARG {name}={variable.value.strip()}")
    return None


def _installed_by_stage(ctx: LintContext, stage: Stage) -> PythonVersion | None:
    found = None
    distro_python = _distro_python(ctx.root_image(stage))
    for chained in ctx.dockerfile.stage_chain(stage):
        for instruction in chained.instructions:
            if instruction.keyword != "RUN":
                continue
            for command in ctx.shell(instruction).commands:
                version = _python_from_command(command.effective().argv, distro_python)
                if version is not None:
                    found = PythonVersion(version, f"installed at line {ctx.command_line(instruction, command.line)}")
    return found


def _distro_python(base) -> str | None:
    """The python3 the distribution's packages give, on a base image that has no Python of its
    own (ubuntu:22.04, nvidia/cuda:…-ubuntu22.04): there `apt-get install python3` is that one."""
    facts = (base.facts or {}) if base.kind == "image" else {}
    if facts.get("python") or facts.get("python_commands") or not facts.get("distro"):
        return None
    from portlint.knowledge import load

    return load("distro_python").get("distros", {}).get(facts["distro"], {}).get("python3")


def _python_from_command(argv: tuple[str, ...], distro_python: str | None = None) -> str | None:
    if not argv:
        return None
    program = argv[0].rsplit("/", 1)[-1]
    words = argv[1:]
    if program in ("conda", "mamba", "micromamba") and words[:1] and words[0] in ("install", "create"):
        for word in words:
            match = re.match(r"^python(?:==?|=)(3\.\d{1,2}(?:\.\d{1,2})?)(?:\.\*)?$", word.strip("'\""))
            if match:
                return match.group(1)
    if program in ("apt-get", "apt") and "install" in words:
        versions = [m.group(1) for m in map(_APT_PYTHON.match, words) if m]
        if not versions and distro_python and any(w == "python3" or w.startswith("python3-") for w in words):
            return distro_python  # `apt-get install python3-pip`: the release's own python3
        return versions[-1] if versions else None
    if program == "uv" and words[:1] and words[0] in ("venv", "python", "sync", "pip"):
        for i, word in enumerate(words):
            value = words[i + 1] if word in ("--python", "-p") and i + 1 < len(words) else (
                word.split("=", 1)[1] if word.startswith("--python=") else None)
            if words[:2] == ("python", "install") and i >= 2 and _VERSION.match(word):
                value = word
            if value and _VERSION.match(value.removeprefix("python").removeprefix("cpython-").split("-")[0]):
                return value.removeprefix("python").removeprefix("cpython-").split("-")[0]
    if program == "pyenv" and words[:1] in (("install",), ("global",)):
        versions = [w for w in words[1:] if _VERSION.match(w)]
        return versions[-1] if versions else None
    return None
