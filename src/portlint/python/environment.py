"""What Python distributions (and system packages) each stage's image ends up with.

Combines the install commands of every RUN (``installs.py``) with the files they
read from the image (requirements, constraints, pyproject, Pipfile, environment.yml,
followed through ``-r``/``-c`` includes), what the base image ships (knowledge
table), stages built FROM earlier ones, and virtualenvs or wheels copied across
stages.  Everything a rule needs to say *where* a requirement came from is kept.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from portlint.diagnostics import Hit, Span
from portlint.dockerfile.model import Instruction, Stage
from portlint.python.installs import (
    PROJECT_FILES,
    InstallCommand,
    option_values,
    parse_install,
)

if TYPE_CHECKING:
    from portlint.dockerfile.shell import SimpleCommand
    from portlint.context.image_files import StageImage
    from portlint.lint_context import LintContext

_ALWAYS_IN_PYTHON = frozenset({"pip", "setuptools", "wheel"})
_TOOLING = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "virtualenv", "pip-tools"})


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Location:
    """A file and line where a dependency is declared."""

    path: str | None  # context-relative file; None for the Dockerfile
    line: int
    command: int | None = None  # in the Dockerfile: the line of the install command that names it


@dataclass(frozen=True)
class Installed:
    """A distribution an install step puts into a stage."""

    name: str  # canonical distribution name
    requirement: str  # as written
    pinned: bool
    where: Location
    instruction: Instruction | None  # the RUN that installs it (None: the base image)
    tool: str
    ignored_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileUse:
    """A RUN that reads a dependency file from the image."""

    instruction: Instruction
    line: int  # Dockerfile line of the command
    written: str  # the path as written in the command
    image_path: str
    context_path: str | None  # where it came from, when we know
    kind: str  # "requirements" | "constraints" | "project" | "pipfile" | "environment"
    available: bool  # present in the image (or bind-mounted) when the RUN runs


@dataclass(frozen=True)
class LocalReference:
    """A requirement naming a local path, wheel or file:// URL."""

    target: str
    where: Location
    instruction: Instruction
    present: bool


@dataclass(frozen=True)
class SystemInstall:
    """A system package an apt/apk/dnf step installs."""

    instruction: Instruction
    line: int
    tool: str
    packages: tuple[str, ...]
    unpinned: tuple[str, ...]


@dataclass
class StageEnvironment:
    """The Python distributions a stage holds, and how they got there."""

    stage: Stage
    installed: dict[str, Installed] = field(default_factory=dict)
    base_packages: frozenset[str] = frozenset()
    base_roots: tuple = ()  # the base image's packages as dependency-graph roots (with versions, extras)
    base_known: bool = False  # the base image is in the knowledge table (or scratch)
    opaque: list[str] = field(default_factory=list)  # reasons something unnamed is installed
    file_uses: list[FileUse] = field(default_factory=list)
    unpinned: list[Installed] = field(default_factory=list)
    pinned_names: set[str] = field(default_factory=set)  # distributions some install of the stage pins exactly
    local_references: list[LocalReference] = field(default_factory=list)
    system_installs: list[SystemInstall] = field(default_factory=list)
    system_packages: set[str] = field(default_factory=set)
    built_wheels: dict[str, Installed] = field(default_factory=dict)  # pip wheel/download
    runs_python_installs: bool = False
    lock_files: set[str] = field(default_factory=set)
    locked_packages: dict[str, str] = field(default_factory=dict)  # distribution -> the lock file that installs it
    # Top-level modules of local projects installed into the stage (pip install ., uv sync, a
    # wheel built from the project): importable although their sources may not be copied.
    project_modules: dict[str, str] = field(default_factory=dict)  # module -> project directory
    built_modules: dict[str, str] = field(default_factory=dict)  # the same, in wheels built here
    installed_extras: set[str] = field(default_factory=set)  # the installed projects' extras asked for
    extra_distributions: dict[str, str] = field(default_factory=dict)  # distribution -> installed extra listing it
    # distribution -> the project extra or dependency group that lists it ("'gpu' extra"), for
    # those the build does not install
    optional_extras: dict[str, str] = field(default_factory=dict)

    def provides(self, distribution: str) -> bool:
        name = canonical(distribution)
        return name in self.installed or name in self.base_packages


_EXPORTERS = frozenset({"poetry", "uv", "pdm"})
# https://docs.conda.io/projects/conda/en/latest/user-guide/configuration/settings.html#add-pip-as-python-dependency
# and conda-forge's pip recipe (run: python, setuptools, wheel)
_CONDA_PYTHON_BRINGS = frozenset({"pip", "setuptools", "wheel"})


def _compiled_from(argv: tuple[str, ...]) -> str | None:
    """The input of ``pip-compile IN`` / ``uv pip compile IN`` (default requirements.in)."""
    words = [w.rsplit("/", 1)[-1] if i == 0 else w for i, w in enumerate(argv)]
    if words[:1] == ["pip-compile"]:
        rest = argv[1:]
    elif words[:3] == ["uv", "pip", "compile"]:
        rest = argv[3:]
    else:
        return None
    from portlint.dockerfile.shell import positional_words

    inputs = positional_words(rest, _COMPILE_VALUE_OPTIONS)
    return inputs[0] if inputs else "requirements.in"


_COMPILE_VALUE_OPTIONS = frozenset(
    "-o --output-file -c --constraint --extra --index-url -i --extra-index-url -f --find-links "
    "-P --upgrade-package --python-version -p --python".split()
)
_PACKAGE_BUILDERS = frozenset({"poetry", "uv", "hatch", "pdm", "flit"})


def builds_packages(argv: tuple[str, ...]) -> bool:
    """python -m build, setup.py bdist_wheel, pip wheel, poetry/uv/hatch/pdm/flit build."""
    words = [w.rsplit("/", 1)[-1] for w in argv[:4]]
    if not words:
        return False
    if words[0] in _PACKAGE_BUILDERS and words[1:2] == ["build"]:
        return True
    if words[0].startswith("pip") and "wheel" in words[1:2]:
        return True
    if words[0].startswith("python"):
        rest = words[1:]
        if rest[:2] == ["-m", "build"] or rest[:3] == ["-m", "pip", "wheel"]:
            return True
        return rest[:1] == ["setup.py"] and any(w in ("bdist_wheel", "sdist", "bdist") for w in argv[2:])
    return False


_WHEEL_GLOB = re.compile(r"^local package \S*[*?]\S*\.(whl|tar\.gz)$")
_PIP_WORD = re.compile(r"^pip(\d+(\.\d+)?)?$")
_BUILD_VALUE_OPTIONS = frozenset({"-o", "--outdir", "--out-dir", "-C", "--config-setting", "--python", "-p",
                                  "--package", "--format", "-f", "--target", "-t"})


def _build_source(argv: tuple[str, ...]) -> str:
    """The project folder a build command builds: ``python -m build DIR``, ``uv build DIR``;
    the working directory otherwise."""
    words = list(argv[3:] if argv[1:3] == ("-m", "build") else argv[2:])
    if argv[1:2] == ("setup.py",):
        return "."
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _BUILD_VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-") and "$" not in word:
            return word
    return "."


_INSTALL_WORDS = frozenset({"install", "sync", "add", "-r", "--requirement"})
_UPGRADES = frozenset({"-U", "--upgrade", "--force-reinstall", "-I", "--ignore-installed", "--reinstall"})
_BARE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?")


def _kept_from_base(env: StageEnvironment, item: Installed) -> bool:
    """Whether pip leaves the base image's release in place: a bare name, or a range the
    release the image ships (when its version is known) satisfies."""
    if _BARE.fullmatch(item.requirement.strip()):
        return True
    version = next((root.version for root in env.base_roots if root.name == item.name), None)
    parsed = _requirement_parser()(item.requirement)
    if not parsed or parsed[0].kind != "requirement" or not parsed[0].specifier:
        return False
    if version is None:
        # a floor only (numpy>=1.23.5): the image ships a release of its own time, which such
        # floors trail; a ceiling or an exclusion may force pip to replace it, so those still count
        clauses = [c.strip() for c in parsed[0].specifier.split(",") if c.strip()]
        return bool(clauses) and all(c.startswith(">=") for c in clauses)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(parsed[0].specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return False


def _requirement_parser():
    from portlint.python.requirements import parse_requirements

    return parse_requirements


class EnvironmentBuilder:
    """Builds a StageEnvironment per stage, in order, for one Dockerfile."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self.images = ctx.images
        self.problems: list[Hit] = []
        self._reported_files: set[str] = set()
        self.read_files: set[str] = set()  # every context dependency file the build reads
        self.environments: list[StageEnvironment] = []
        self._upgrading = False  # the install command being applied replaces what is there (-U)
        self._pinned_now: set[str] = set()  # what the install command being applied pins exactly
        self._script_commands: list[tuple[Instruction, SimpleCommand]] = []  # run by a RUN's scripts, so far
        for stage in ctx.dockerfile.stages:
            self.environments.append(self._build(stage))
        self._resolve_wheel_installs()

    # ---- reading context files -------------------------------------------------

    def _text(self, context_path: str) -> str | None:
        from portlint.dockerfile.source import decode, decode_requirements
        from portlint.errors import InputError

        if self.ctx.context_dir is None:
            return None
        self.read_files.add(context_path)
        try:
            data = self.ctx.read_context_bytes(context_path)
        except OSError:
            return None
        # pip reads requirements files by their byte-order mark, and YAML allows UTF-16 with one (a conda
        # environment file PowerShell wrote); TOML, setup.cfg and Pipfile are UTF-8 only
        reader = decode if context_path.endswith((".toml", ".cfg", "Pipfile")) else decode_requirements
        try:
            return reader(data, context_path).text
        except InputError as exc:
            self._problem(context_path, exc.line, str(exc))
            return None

    def _problem(self, path: str, line: int, message: str) -> None:
        key = f"{path}:{line}"
        if key not in self._reported_files:
            self._reported_files.add(key)
            self.problems.append(Hit(Span(max(1, line)), message, path=path))

    # ---- per stage ---------------------------------------------------------------

    def _build(self, stage: Stage) -> StageEnvironment:
        env = StageEnvironment(stage=stage)
        parent = self.ctx.dockerfile.parent_stage(stage)
        root = self.ctx.root_image(stage)
        if parent is not None:
            inherited = self.environments[parent.index]
            env.installed = dict(inherited.installed)
            env.base_packages = inherited.base_packages
            env.base_roots = inherited.base_roots
            env.base_known = inherited.base_known
            env.opaque = list(inherited.opaque)
            env.system_packages = set(inherited.system_packages)
            env.lock_files = set(inherited.lock_files)
            env.locked_packages = dict(inherited.locked_packages)
            env.project_modules = dict(inherited.project_modules)
            env.installed_extras = set(inherited.installed_extras)
            env.extra_distributions = dict(inherited.extra_distributions)
            env.optional_extras = dict(inherited.optional_extras)
        elif root.kind == "scratch":
            env.base_known = True
        elif "python_packages" in (facts := root.facts or {}):
            from portlint.knowledge.images import shipped_packages
            from portlint.python.dependency_graph import Root

            env.base_known = True
            env.base_roots = tuple(Root(*package) for package in shipped_packages(facts))
            env.base_packages = frozenset(r.name for r in env.base_roots)
            env.system_packages = set(facts.get("system_packages") or ())
            if facts.get("python_packages_partial"):  # Anaconda-style: hundreds more than listed
                env.opaque.append(f"the packages bundled in {root.text}")
        image = self.images.stages[stage.index]
        for instruction in stage.instructions:
            if instruction.keyword == "COPY" and instruction.flag("from") is not None:
                self._inherit_copied_environment(env, instruction)
            if instruction.keyword != "RUN":
                continue
            script = self.ctx.shell(instruction)
            assigned = _assigned_in_script(script, instruction.shell_text + "".join(d.body for d in instruction.heredocs))
            self._run_workdir = image.workdir_at(instruction)
            self._run_commands(env, instruction, image, script.commands, assigned, in_file=False, depth=0)
            self._run_workdir = None
        return env

    def _run_commands(self, env, instruction, image, commands, assigned, in_file: bool, depth: int) -> None:
        """Every command of a RUN (or of a script or make target it runs), in order."""
        for command in commands:
            if in_file:
                self._script_commands.append((instruction, command))
            effective = command.effective()
            if effective.name in ("cd", "pushd") and not command.nested:
                self._run_workdir = self._changed_directory(image, instruction, effective.argv[1:])
                continue
            argv, word_lines = self._expanded(instruction, effective, assigned)
            line = 0 if in_file else command.line  # a script's installs are the RUN's that runs it
            install = parse_install(argv, line, () if in_file else word_lines)
            if install is None:
                if argv and argv[0].startswith("$") and _INSTALL_WORDS & set(argv[1:]):
                    env.opaque.append(" ".join(argv[:3]))  # `$UV_CMD sync --frozen`: a tool we cannot name installs
                    continue
                if depth < 3 and self._run_file(env, instruction, image, argv, depth):
                    continue
                self._maybe_wheel_build(env, argv, instruction, line, image, () if in_file else word_lines)
                self._maybe_project_build(env, argv, instruction, line, image)
                continue
            self._apply(env, install, instruction, image)

    def _run_file(self, env, instruction, image, argv: tuple[str, ...], depth: int) -> bool:
        """A shell script or make target the RUN runs: its installs are the RUN's too (one
        more level each), and a Python script that runs pip makes what it installs unknown."""
        program = argv[0].rsplit("/", 1)[-1] if argv else ""
        words = [w for w in argv[1:] if not w.startswith("-")]
        if program == "make" or program == "gmake":
            return self._run_make(env, instruction, image, argv, depth)
        if program.startswith("python") and argv[1:3] == ("-m", "pdm"):
            program, words = "pdm", words[1:]
        if program == "pdm" and words:
            return self._run_pdm_task(env, instruction, image, words[1] if words[0] == "run" and len(words) > 1 else words[0],
                                      depth)
        if program in ("sh", "bash", "ash", "dash", "zsh", "source", ".") and words:
            target = words[0]
        elif argv and (argv[0].endswith(".sh") or argv[0].startswith(("./", "/"))) and "$" not in argv[0]:
            target = argv[0]
        elif program.startswith("python") and words and words[0].endswith(".py"):
            text = self._image_text(image, instruction, words[0])
            if text is not None and re.search(r"\bpip\b.*\binstall\b|\binstall\b.*\brequirements", text):
                env.opaque.append(f"python {words[0]} (it runs pip)")
                return True
            return False
        else:
            return False
        text = self._image_text(image, instruction, target)
        if text is None:
            return False
        from portlint.dockerfile.shell import parse_shell

        script = parse_shell(text)
        self._run_commands(env, instruction, image, script.commands, _assigned_in_script(script, text), True, depth + 1)
        return True

    def _run_make(self, env, instruction, image, argv: tuple[str, ...], depth: int) -> bool:
        directory, targets, skip = "", [], False
        for index, word in enumerate(argv[1:], start=1):
            if skip:
                skip = False
            elif word in ("-C", "--directory"):
                directory, skip = argv[index + 1] if index + 1 < len(argv) else "", True
            elif word.startswith("-") or "=" in word:
                continue
            else:
                targets.append(word)
        text = None
        for name in ("GNUmakefile", "makefile", "Makefile"):
            text = self._image_text(image, instruction, posixpath.join(directory, name) if directory else name)
            if text is not None:
                break
        if text is None:
            return False
        recipes = _make_recipes(text)
        if not recipes:
            return False
        from portlint.dockerfile.shell import parse_shell

        pending = targets or [next(iter(recipes))]
        done: set[str] = set()
        while pending:
            target = pending.pop(0)
            if target in done or target not in recipes:
                continue
            done.add(target)
            prerequisites, lines = recipes[target]
            pending.extend(prerequisites)
            script = parse_shell("\n".join(lines))
            self._run_commands(env, instruction, image, script.commands, frozenset(), True, depth + 1)
        return True

    def _run_pdm_task(self, env, instruction, image, task: str, depth: int) -> bool:
        """`pdm i-prod` runs the [tool.pdm.scripts] task of that name (`pdm install --prod`)."""
        from portlint.dockerfile.shell import parse_shell
        from portlint.python.pyproject import parse_pyproject

        text = self._image_text(image, instruction, "pyproject.toml")
        lines = parse_pyproject(text).tasks.get(task) if text is not None else None
        if not lines:
            return False
        script = parse_shell("\n".join(lines))
        self._run_commands(env, instruction, image, script.commands, frozenset(), True, depth + 1)
        return True

    def _image_text(self, image, instruction, written: str) -> str | None:
        """The text of a file the image holds at that path (relative to the RUN's folder)."""
        if "$" in written:
            return None
        workdir = self._run_workdir if self._run_workdir else image.workdir_at(instruction)
        placed = image.placed(posixpath.normpath(posixpath.join(workdir, written)), instruction)
        if placed is None or not placed.context_path:
            return None
        return self._text(placed.context_path)

    # ---- the shell around an install: `cd` and variables -------------------------------

    _run_workdir: str | None = None  # the working directory of the RUN command being read ("" = unknown)

    def _workdir(self, image, instruction) -> str:
        return self._run_workdir if self._run_workdir is not None else image.workdir_at(instruction)

    def _folder_of(self, instruction, command, image) -> str:
        """The folder ``command`` runs in: the RUN's WORKDIR after the `cd`s before it
        (`RUN cd /home/site && uv export … > /tmp/req.txt`)."""
        commands = self.ctx.shell(instruction).commands
        if not any(c is command for c in commands):
            return image.workdir_at(instruction)  # a command of a script the RUN runs
        saved, self._run_workdir = self._run_workdir, None
        try:
            for earlier in commands:
                if earlier is command:
                    break
                effective = earlier.effective()
                if effective.name in ("cd", "pushd") and not earlier.nested:
                    self._run_workdir = self._changed_directory(image, instruction, effective.argv[1:])
            return self._workdir(image, instruction)
        finally:
            self._run_workdir = saved

    def _changed_directory(self, image, instruction, args: tuple[str, ...]) -> str:
        """Where `cd DIR` leaves the RUN; "" when that folder is not one the image model knows
        (a `git clone`, a download), so files read there are not judged."""
        targets = [a for a in args if not a.startswith("-")]
        if not targets:
            return "/root"
        target = self.ctx.scopes.expand(instruction, targets[0])
        if target.undefined or target.unknown or "$" in target.value or target.value.startswith("~"):
            return ""
        current = self._run_workdir or image.workdir_at(instruction)
        if not current and not target.value.startswith("/"):
            return ""
        directory = posixpath.normpath(posixpath.join(current, target.value))
        known = (image.has_dir(directory) or image.placed(directory, instruction) is not None
                 or image.is_opaque(directory, instruction) or directory in image.declared_dirs)
        return directory if known else ""

    def _expanded(self, instruction, command, assigned: frozenset[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The command's words with ARG/ENV values put in, as the shell will (`pip install
        torch==${TORCH_VERSION}`, `-r $WORKDIR/requirements.txt`, `.${EXTRAS}`).  A variable
        the RUN itself sets, or one declared without a value, stays as written."""
        from portlint.dockerfile.variables import find_refs

        argv, lines = [], []
        for index, word in enumerate(command.argv):
            line = command.word_line(index)
            refs = find_refs(word) if "$" in word else []
            if not refs or any(ref.name in assigned for ref in refs):
                argv.append(word)
                lines.append(line)
                continue
            expansion = self.ctx.scopes.expand(instruction, word)
            if expansion.unknown or expansion.undefined:
                argv.append(word)
                lines.append(line)
                continue
            raw = command.raw_words[index] if index < len(command.raw_words) else word
            parts = expansion.value.split() if not raw.startswith(('"', "'")) else [expansion.value]
            argv.extend(parts)  # an unquoted $VAR holding "a b" is two words
            lines.extend([line] * len(parts))
        return tuple(argv), tuple(lines)

    def _inherit_copied_environment(self, env: StageEnvironment, instruction: Instruction) -> None:
        """COPY --from=builder /opt/venv … brings the builder's installed packages along."""
        name = self.ctx.scopes.expand(instruction, instruction.flag("from") or "").value
        source = self.ctx.dockerfile.stage_by_name(name)
        if source is None and name.isdigit() and int(name) < len(self.environments):
            source = self.ctx.dockerfile.stages[int(name)]
        if source is None or source.index >= len(self.environments):
            return
        donor = self.environments[source.index]
        # what the builder installed (from a lock, or things it cannot name) comes along with its packages
        for field_name in ("installed", "built_wheels", "project_modules", "built_modules", "extra_distributions",
                           "optional_extras", "locked_packages"):
            mine = getattr(env, field_name)
            for key, value in getattr(donor, field_name).items():
                mine.setdefault(key, value)
        env.installed_extras |= donor.installed_extras
        env.lock_files |= donor.lock_files
        env.opaque.extend(r for r in donor.opaque if r not in env.opaque and not r.startswith("the packages bundled in"))
        words = list(instruction.words)
        if any(w.rstrip("/") == "" for w in words[:-1]):  # COPY --from=base / /: the whole file system, base image included
            env.base_roots = tuple(dict.fromkeys(env.base_roots + donor.base_roots))
            env.base_packages = env.base_packages | donor.base_packages
            env.base_known = env.base_known and donor.base_known
            env.system_packages |= donor.system_packages
            env.opaque.extend(r for r in donor.opaque if r not in env.opaque)  # the base image's bundle too

    def _maybe_wheel_build(self, env: StageEnvironment, argv, instruction: Instruction, offset: int, image: StageImage,
                           word_lines: tuple[int, ...] = ()) -> None:
        """``pip wheel``/``pip download`` fill a wheelhouse a later stage installs from."""
        if len(argv) < 2:
            return
        tail = argv[1:]
        if argv[0].rsplit("/", 1)[-1].startswith("python") and tail[:2] in (("-m", "pip"), ("-m", "pip3")):
            tail = tail[2:]
        elif not re.match(r"^pip(\d+(\.\d+)?)?$", argv[0].rsplit("/", 1)[-1]):
            return
        if not tail or tail[0] not in ("wheel", "download"):
            return
        lines = word_lines[len(argv) - len(tail) - 1:] if len(word_lines) == len(argv) else ()
        install = parse_install(("pip", "install", *tail[1:]), offset, lines)
        if install is None:
            return
        scratch = StageEnvironment(stage=env.stage)
        self._apply(scratch, install, instruction, image)
        env.built_wheels.update(scratch.installed)
        env.built_modules.update(scratch.project_modules)
        env.file_uses.extend(scratch.file_uses)
        env.unpinned.extend(scratch.unpinned)

    def _maybe_project_build(self, env: StageEnvironment, argv, instruction: Instruction, offset: int, image: StageImage) -> None:
        """``python -m build``, ``poetry build``, ``uv build``, ``setup.py bdist_wheel``: a wheel
        of the project (and the dependencies it declares) that a later install takes from dist/."""
        if not builds_packages(argv) or _PIP_WORD.match(argv[0].rsplit("/", 1)[-1]) or argv[1:3] == ("-m", "pip"):
            return  # pip wheel is read as an install above
        project = _build_source(argv)
        scratch = StageEnvironment(stage=env.stage)
        line = self.ctx.command_line(instruction, offset)
        self._project(scratch, InstallCommand(tool="pip", line=offset), project, instruction, line, image,
                      image.workdir_at(instruction), set())
        env.built_wheels.update(scratch.installed)
        env.built_modules.update(scratch.project_modules)

    def _resolve_wheel_installs(self) -> None:
        """An install from a wheel directory installs what some stage built into it."""
        built: dict[str, Installed] = {}
        for env in self.environments:
            built.update(env.built_wheels)
        if not built:
            return
        modules: dict[str, str] = {}
        for env in self.environments:
            modules.update(env.built_modules)
        for env in self.environments:
            if "wheel-directory" in env.opaque:
                for dist, item in built.items():
                    env.installed.setdefault(dist, item)
                for module, project in modules.items():
                    env.project_modules.setdefault(module, project)
                # the wheel glob of that install (pip install /wheels/*.whl) is those wheels too
                env.opaque = [r for r in env.opaque if r != "wheel-directory" and not _WHEEL_GLOB.match(r)]

    # ---- one install command -----------------------------------------------------

    def _apply(self, env: StageEnvironment, install: InstallCommand, instruction: Instruction, image: StageImage) -> None:
        before, self._pinned_now = len(env.unpinned), set()
        self._apply_install(env, install, instruction, image)
        # `torch==2.4.1 torchvision` in one command: the only torchvision pip can pick is the
        # one built for that torch, so the bare name is as fixed as the pin it follows
        followers = _lockstep_followers()
        fixed = {i.name for i in env.unpinned[before:] if followers.get(i.name) in self._pinned_now}
        if fixed:
            env.pinned_names |= fixed
            env.unpinned[before:] = [i for i in env.unpinned[before:] if i.name not in fixed]

    def _apply_install(self, env: StageEnvironment, install: InstallCommand, instruction: Instruction,
                       image: StageImage) -> None:
        line = self.ctx.command_line(instruction, install.line)
        if install.tool in ("apt", "apk", "dnf", "yum", "zypper"):
            self._system(env, install, instruction, line)
            return
        env.runs_python_installs = True
        # conda runs an environment file's pip section as `pip install -U -r …`
        self._upgrading = install.tool == "conda" or bool(_UPGRADES & install.options)
        workdir = self._workdir(image, instruction)
        if install.tool == "conda":
            self._conda(env, install, instruction, line, image, workdir)
            return
        if install.opaque:
            env.opaque.append("wheel-directory")
        if install.unexpanded:
            env.opaque.append(f"{install.tool} install {' '.join(install.unexpanded)}")
        constraints_pins: set[str] = set()
        for written in install.constraint_files:
            for item in self._requirements_file(env, written, instruction, line, image, workdir, "constraints", install.tool, record=False):
                if item.pinned:
                    constraints_pins.add(item.name)
        for position, spec in enumerate(install.specifiers):  # each on the line that names it
            where = Location(None, self.ctx.command_line(instruction, install.specifier_line(position)), line)
            self._add_requirement(env, spec, where, instruction, install.tool, constraints_pins, image)
        for written in install.requirement_files:
            nested_pins: set[str] = set()  # pinned by a `-c constraints.txt` line inside the file
            items = self._requirements_file(env, written, instruction, line, image, workdir, "requirements", install.tool,
                                            pins=nested_pins)
            for item in items:
                self._record(env, item, constraints_pins | nested_pins, locked=install.locked)
        for project in install.projects:
            self._project(env, install, project, instruction, line, image, workdir, constraints_pins)

    def _record(self, env: StageEnvironment, item: Installed, constraints_pins: set[str], locked: bool = False) -> None:
        if ";" in item.requirement and not self._marker_may_apply(env, item.requirement):
            return  # `pywin32; sys_platform == "win32"`: pip skips the line in this image
        pinned = item.pinned or locked or item.name in constraints_pins
        if pinned:
            env.pinned_names.add(item.name)
            self._pinned_now.add(item.name)
        elif item.name in env.base_packages and not self._upgrading and _kept_from_base(env, item):
            pass  # `torch` or `torch>=1.8` on pytorch/pytorch:2.3.1: pip keeps the base image's (tag-pinned) release
        elif item.name in env.locked_packages and not self._upgrading:
            pass  # a lock installed it earlier in the stage: `uv pip install libs/core` leaves that release alone
        elif item.name not in _TOOLING:
            env.unpinned.append(item)
        env.installed[item.name] = item

    def _marker_may_apply(self, env: StageEnvironment, requirement: str) -> bool:
        from portlint.python.interpreter import image_python
        from portlint.python.markers import may_apply

        parsed = _requirement_parser()(requirement)
        if not parsed or not parsed[0].marker:
            return True
        python = image_python(self.ctx, env.stage)
        return may_apply(parsed[0].marker, python.version if python else None)

    def _add_requirement(self, env, spec: str, where: Location, instruction, tool: str, pins: set[str], image) -> None:
        parse = _requirement_parser()
        lines = parse(spec)
        if not lines:
            return
        req = lines[0]
        if req.kind in ("path", "url") and req.target:
            self._local_reference(env, req.target, where, instruction, image)
        if req.error or not req.name:
            if req.kind in ("path", "url"):
                env.opaque.append(f"local package {spec}")
            return
        self._record(env, Installed(req.name, spec, req.pinned, where, instruction, tool), pins)

    def _local_reference(self, env, target: str, where: Location, instruction, image) -> None:
        if "://" in target and not target.startswith("file:"):
            return  # a remote URL, not a local file
        path = target[len("file://"):] if target.startswith("file://") else target
        if path.startswith("file:"):
            path = path[len("file:"):]
        if "$" in path:
            return
        absolute = image.resolve(path, instruction)
        present = (
            image.placed(absolute, instruction) is not None
            or self._glob_placed(image, instruction, absolute)
            or image.has_dir(absolute)
            or image.is_opaque(absolute, instruction)
            or self._mounted(image, instruction, absolute)[0]
            or self._made_by_run(instruction, path)
        )
        env.local_references.append(LocalReference(target, where, instruction, present))

    @staticmethod
    def _glob_placed(image, instruction, absolute: str) -> bool:
        """`pip install *.whl`: the shell expands the glob against what earlier COPYs put there."""
        from portlint.context.buildcontext import has_glob
        from portlint.context.globs import translate

        if not has_glob(absolute):
            return False
        pattern = re.compile(translate(absolute) + r"\Z")  # the shell's `*` stays in one folder, as Docker's does
        return any(pattern.match(p) and image.placed(p, instruction) is not None for p in image.files)

    def _made_by_run(self, instruction: Instruction, path: str) -> bool:
        """Whether an earlier RUN may have written the path: it names the file or its
        folder, or it builds packages (``python -m build`` fills dist/)."""
        names = [part for part in path.split("/")[-2:] if part not in ("", ".", "..") and not any(c in part for c in "*?[")]
        if any(self._created_by_run(instruction, name) for name in names):
            return True
        dockerfile = self.ctx.dockerfile
        for member in dockerfile.stage_chain(dockerfile.stages[instruction.stage]):
            for other in member.instructions:
                if other.keyword == "RUN" and other.index <= instruction.index and any(
                    builds_packages(command.effective().argv) for command in self.ctx.shell(other).commands
                ):
                    return True
        return False

    def _mounted(self, image, instruction, absolute: str) -> tuple[bool, str | None]:
        """Whether a RUN mount makes the path visible, and its context path if known."""
        for mount in image.mounts.get(instruction.index, []):
            if absolute == mount.target or absolute.startswith(mount.target.rstrip("/") + "/"):
                if mount.context_path is None:
                    return True, None
                inner = absolute[len(mount.target):].lstrip("/")
                return True, posixpath.join(mount.context_path, inner) if inner else mount.context_path
        return False, None

    def _locate(self, image, instruction, written: str, workdir: str) -> tuple[str, str | None, bool]:
        """Image path, context path and availability of a file a RUN reads."""
        if not workdir and not written.startswith("/"):
            return written, None, True  # read in a folder the build made (cd into a clone): not judged
        absolute = posixpath.normpath(posixpath.join(workdir, written))
        placed = image.placed(absolute, instruction)
        if placed is not None:
            return absolute, placed.context_path, True
        mounted, context_path = self._mounted(image, instruction, absolute)
        if mounted:
            return absolute, context_path, True
        available = image.is_opaque(absolute, instruction) or self._created_by_run(instruction, written)
        return absolute, None, available

    def _created_by_run(self, instruction: Instruction, written: str) -> bool:
        """Whether an earlier RUN of the stage chain, or another command of this RUN,
        mentions the file: it may have generated it (``poetry export -o …``, ``git clone``)."""
        name = posixpath.basename(written)
        dockerfile = self.ctx.dockerfile
        chain = {member.index for member in dockerfile.stage_chain(dockerfile.stages[instruction.stage])}
        for other, command in self._earlier_commands(instruction):
            if other.stage not in chain or (other is instruction and parse_install(command.effective().argv) is not None):
                continue
            if name in command.text:  # an argument, or a redirection (> requirements.txt)
                return True
        return False

    def _earlier_commands(self, instruction: Instruction):
        """(RUN, command) for the commands of the RUNs up to this one, and of the scripts they ran."""
        for other in self.ctx.dockerfile.instructions[: instruction.index + 1]:
            if other.keyword == "RUN":
                for command in self.ctx.shell(other).commands:
                    yield other, command
                yield from ((other, c) for run, c in self._script_commands if run is other)

    def _requirements_file(self, env, written, instruction, line, image, workdir, kind, tool, record=True, pins=None):
        absolute, context_path, available = self._locate(image, instruction, written, workdir)
        if "$" in written:
            return []
        if record:
            env.file_uses.append(FileUse(instruction, line, written, absolute, context_path, kind, available))
        if context_path is None:
            if not available:
                # Not in the image: PL203 reports it.  Read the context's copy, if any,
                # so its packages still count as intended (one finding, not dozens).
                from portlint.context.buildcontext import normalize

                guess = normalize(written)
                if guess and self.ctx.build_context and self.ctx.build_context.is_file(guess):
                    context_path = guess
                else:
                    return []
            elif kind == "requirements":
                self._generated_requirements(env, written, instruction)
                return []
            else:
                return []
        return list(self._read_requirements(env, context_path, instruction, tool, image, set(), pins))

    def _generated_requirements(self, env, written: str, instruction) -> None:
        """A requirements file whose content the context does not hold: ``poetry export``,
        ``uv export`` and ``pdm export`` write the project's dependencies, so read those;
        anything else (a download, a mount from another stage) installs what we cannot know."""
        name = posixpath.basename(written)
        for other, command in self._earlier_commands(instruction):
            argv = command.effective().argv
            tool = argv[0].rsplit("/", 1)[-1] if argv else ""
            if name not in command.text or (other is instruction and parse_install(argv) is not None):
                continue
            stage_image = self.images.stages[other.stage]
            workdir = self._folder_of(other, command, stage_image)
            line = self.ctx.command_line(other, command.line)
            compiled = _compiled_from(argv)
            if compiled is not None:  # pip-compile requirements.in > requirements.txt
                if posixpath.basename(compiled) in PROJECT_FILES:  # with the extras it compiles in
                    extras = tuple(option_values(argv, "--extra")) + (("*",) if "--all-extras" in argv else ())
                    project = InstallCommand(tool="pip", line=command.line, options=frozenset({"--no-dev"}), extras=extras)
                    self._project(env, project, posixpath.dirname(compiled) or ".", other, line, stage_image, workdir, set())
                else:
                    for item in self._requirements_file(env, compiled, other, line, stage_image, workdir, "requirements", "pip"):
                        self._record(env, item, set(), locked=True)
                return
            if tool not in _EXPORTERS or argv[1:2] != ("export",):
                continue
            groups = tuple(option_values(argv, "--with", "--group", "-G"))
            options = {"--only"} if tool == "poetry" else {o for o in argv if o in ("--no-dev", "--only-group")}
            # an export writes the lock's exact releases (poetry.lock, uv.lock, pdm.lock), not the ranges
            export = InstallCommand(tool=tool, line=command.line, extras_groups=groups, options=frozenset(options),
                                    locked=True, syncs=tool != "poetry")
            self._project(env, export, ".", other, line, stage_image, workdir, set())
            return
        env.opaque.append(written)

    def _read_requirements(self, env, context_path: str, instruction, tool: str, image, seen: set[str],
                           pins: set[str] | None = None):
        """The requirements a file installs, following its ``-r`` includes; each keeps its own
        file and line.  The names its ``-c`` lines pin go into ``pins``."""
        if context_path in seen:
            return
        seen.add(context_path)
        text = self._text(context_path)
        if text is None:
            return
        directory = posixpath.dirname(context_path)
        for req in _requirement_parser()(text):
            where = Location(context_path, req.line)
            if req.error:
                self._problem(context_path, req.line, f"{context_path}:{req.line}: {req.error}")
                continue
            if req.kind in ("include", "constraint") and req.target:
                nested = posixpath.normpath(posixpath.join(directory, req.target))
                if req.kind == "include":
                    yield from self._read_requirements(env, nested, instruction, tool, image, seen, pins)
                elif pins is not None:
                    pins.update(c.name for c in self._read_requirements(env, nested, instruction, tool, image, seen) if c.pinned)
                continue
            if req.kind in ("path", "url", "editable") and req.target:
                self._local_reference(env, req.target, where, instruction, image)
                local_project = "://" not in req.target and not req.target.endswith((".whl", ".tar.gz", ".zip"))
                if local_project:
                    # `-e .` or `./libs/x` in a requirements file installs that project and its dependencies.
                    self._project(env, InstallCommand(tool=tool, line=0), req.target, instruction,
                                  self.ctx.command_line(instruction, 0), image, self._workdir(image, instruction), set())
                elif not req.name:
                    # A git URL without #egg=: it installs something we cannot name.
                    env.opaque.append(f"{req.target} ({context_path}:{req.line})")
            if req.name and req.kind in ("requirement", "url", "path", "editable"):
                pinned = req.pinned or bool(req.hashes)
                yield Installed(req.name, req.text, pinned, where, instruction, tool, req.ignored_rules)

    # ---- projects, lock files, conda, system packages ---------------------------

    def _project(self, env, install: InstallCommand, project: str, instruction, line, image, workdir, pins) -> None:
        from portlint.python import pyproject as pyproject_module

        path, _, extras_part = project.partition("[")
        extras = [canonical(e.strip()) for e in extras_part.rstrip("]").split(",") if e.strip()] if extras_part else []
        extras += [e if e == "*" else canonical(e) for e in self._shell_words(instruction, install.extras)]
        if "$" in path or "://" in path or path.startswith("git+"):
            env.opaque.append(f"project {project}")
            return
        if not workdir and not path.startswith("/"):
            env.opaque.append(f"project {project} (in a folder the build made)")  # cd into a clone
            return
        directory = posixpath.normpath(posixpath.join(workdir, path or "."))
        if install.tool in ("uv", "poetry") and path in ("", "."):
            directory = self._enclosing_project(image, instruction, directory)
        candidates = {
            "pyproject.toml": "project",
            "setup.cfg": "project",
            "setup.py": "project",
            "Pipfile": "pipfile",
        }
        found: dict[str, str | None] = {}
        any_available = False
        for name in candidates:
            _, context_path, available = self._locate(image, instruction, posixpath.join(directory, name), "/")
            if context_path is not None:
                found[name] = context_path
            any_available = any_available or available
        if install.tool == "pipenv":
            self._pipenv(env, install, found.get("Pipfile"), instruction, line, image, directory, any_available)
            return
        if not found:
            wanted = "pyproject.toml" if install.tool in ("poetry", "uv", "pdm", "flit") else "pyproject.toml or setup.py"
            env.file_uses.append(
                FileUse(instruction, line, posixpath.join(path or ".", wanted.split()[0]), posixpath.join(directory, "pyproject.toml"),
                        None, "project", any_available or image.is_opaque(directory, instruction))
            )
            env.opaque.append(f"project {project}")
            return
        lock_name = {"poetry": "poetry.lock", "uv": "uv.lock", "pdm": "pdm.lock"}.get(install.tool)
        if install.tool == "uv" and not install.syncs:
            lock_name = None  # `uv pip install .` resolves afresh; only uv sync reads uv.lock
        locked = False
        if lock_name:
            folders = [directory]
            while install.tool == "uv" and folders[-1] not in ("/", ""):
                folders.append(posixpath.dirname(folders[-1]))  # a workspace member: the root's uv.lock
            for folder in folders:
                _, lock_context, lock_available = self._locate(image, instruction, posixpath.join(folder, lock_name), "/")
                locked = lock_available or lock_context is not None
                if locked:
                    break
            if locked:
                env.lock_files.add(lock_name)
        else:
            lock_context = None
        lock_groups: list[str] = []
        deps: list[tuple[str, Location]] = []
        from_files: list[Installed] = []
        declared = None  # the project metadata read (pyproject.toml or setup.cfg)
        if "pyproject.toml" in found:
            context_path = found["pyproject.toml"]
            text = self._text(context_path)
            if text is not None:
                parsed = pyproject_module.parse_pyproject(text)
                if parsed.error:
                    line_match = re.search(r"line (\d+)", parsed.error)
                    self._problem(context_path, int(line_match.group(1)) if line_match else 1, f"{context_path}: {parsed.error}")
                    env.opaque.append(f"{context_path}, which portlint cannot read")  # PL001 says why; what it installs is unknown
                elif install.workspace_packages and parsed.workspace_members and self._workspace(
                        env, install, parsed, directory, instruction, line, image, pins):
                    return  # uv sync --package NAME installs that workspace member, not the root
                else:
                    declared = parsed
                    env.file_uses.append(FileUse(instruction, line, posixpath.join(path or ".", "pyproject.toml"), posixpath.join(directory, "pyproject.toml"), context_path, "project", True))
                    groups = self._groups_for(install, parsed)
                    lock_groups = list(groups)
                    requirements = [spec for spec in parsed.dependencies if not _names_project(spec, parsed.name)]
                    requirements += self._extras(env, parsed, extras)
                    for group in groups:
                        requirements.extend(parsed.groups.get(group, ()))
                    self._left_out(env, parsed, parsed.groups, groups, "dependency group")
                    for spec in requirements:
                        deps.append((spec, Location(context_path, self._declared_line(parsed, spec))))
                    files = list(parsed.dependency_files)
                    for extra in (parsed.optional_files if "*" in extras else extras):
                        files.extend(parsed.optional_files.get(extra, ()))
                    project_dir = posixpath.dirname(context_path)
                    for file in files:  # setuptools' dynamic dependencies = {file = [...]}
                        path = posixpath.normpath(posixpath.join(project_dir, file))
                        from_files.extend(self._read_requirements(env, path, instruction, install.tool, image, set()))
                    if not requirements and not files and not parsed.poetry and "dependencies" in (text or "") and "dynamic" in text:
                        env.opaque.append("dynamic dependencies")
        if not deps and "setup.cfg" in found:
            text = self._text(found["setup.cfg"])
            if text is not None:
                parsed = pyproject_module.parse_setup_cfg(text)
                declared = declared or parsed
                for spec in [*parsed.dependencies, *self._extras(env, parsed, extras)]:
                    deps.append((spec, Location(found["setup.cfg"], self._declared_line(parsed, spec))))
        declares = declared is not None and (declared.dependencies or declared.dependency_files)
        if not deps and not from_files and "setup.py" in found and not declares:  # a pyproject with [build-system] only
            env.file_uses.append(FileUse(instruction, line, posixpath.join(path or ".", "setup.py"),
                                         posixpath.join(directory, "setup.py"), found["setup.py"], "project", True))
            text = self._text(found["setup.py"])
            parsed = pyproject_module.parse_setup_py(text) if text is not None else None
            if parsed is None:
                env.opaque.append("setup.py")  # never executed, and not literal: its requirements stay unknown
            else:
                declared = parsed
                for spec in [*parsed.dependencies, *self._extras(env, parsed, extras)]:
                    deps.append((spec, Location(found["setup.py"], self._declared_line(parsed, spec))))
                project_dir = posixpath.dirname(found["setup.py"])
                files = list(parsed.dependency_files)
                for extra in (parsed.optional_files if "*" in extras else extras):
                    files.extend(parsed.optional_files.get(extra, ()))
                for file in files:  # install_requires=open("requirements.txt").read().splitlines()
                    from_files.extend(self._read_requirements(env, posixpath.normpath(posixpath.join(project_dir, file)),
                                                              instruction, install.tool, image, set()))
        if not install.options & _PROJECT_SKIPPED:
            self._install_project(env, declared, found, directory, instruction, image, install.tool)
        if "--no-deps" in install.options:
            return  # pip install --no-deps .: the project alone, none of what it declares
        parse = _requirement_parser()
        if lock_context is not None:
            roots = [lines[0].name for spec, _ in deps if (lines := parse(spec)) and lines[0].name]
            self._read_lock(env, lock_context, roots + [item.name for item in from_files], extras, lock_groups)
        for spec, where in deps:
            lines = parse(spec)
            if lines and lines[0].name and not lines[0].error:
                self._record(env, Installed(lines[0].name, spec, lines[0].pinned, where, instruction, install.tool), pins, locked=locked)
        for item in from_files:
            self._record(env, item, pins, locked=locked)

    def _enclosing_project(self, image, instruction, directory: str) -> str:
        """uv and poetry look for pyproject.toml in the folder they run in and then in its
        parents (`COPY . .` at /, then `WORKDIR /src` and `uv sync`): the folder that has one."""
        folder = directory
        while True:
            _, context_path, available = self._locate(image, instruction, posixpath.join(folder, "pyproject.toml"), "/")
            if context_path is not None or available:
                return folder
            if folder in ("/", ""):
                return directory
            folder = posixpath.dirname(folder)

    def _shell_words(self, instruction: Instruction, words) -> list[str]:
        """Words of a RUN with ``$VAR`` taken from the ARG/ENV the RUN sees (``--extras "$EXTRAS"``);
        a variable without a value stands for any extra ("*")."""
        found: list[str] = []
        for word in words:
            if "$" not in word:
                found.append(word)
                continue
            expansion = self.ctx.scopes.expand(instruction, word)
            value = expansion.value.strip()
            if expansion.undefined or expansion.unknown or not value:
                found.append("*")
            else:
                found.extend(w for w in re.split(r"[\s,]+", value) if w)
        return found

    def _extras(self, env: StageEnvironment, parsed, wanted: list[str]) -> list[str]:
        """The requirements of the project's extras asked for ("*": all of them), with the
        extras one extra names through the project itself (all = ["svc[gpu,cpu]"]).  Records
        which extras are installed and, for the others, which distributions they would add."""
        pending = list(parsed.optional) if "*" in wanted else [e for e in wanted if e != "*"]
        done: set[str] = set()
        requirements: list[str] = []
        parse = _requirement_parser()
        while pending:
            extra = canonical(pending.pop(0))
            if extra in done:
                continue
            done.add(extra)
            for spec in parsed.optional.get(extra, ()):
                lines = parse(spec)
                if _names_project(spec, parsed.name):
                    pending.extend(lines[0].extras)
                    continue
                requirements.append(spec)
                if lines and lines[0].name:
                    env.extra_distributions.setdefault(lines[0].name, extra)
        env.installed_extras |= done
        self._left_out(env, parsed, parsed.optional, done, "extra")
        return requirements

    @staticmethod
    def _left_out(env: StageEnvironment, parsed, sets: dict[str, tuple[str, ...]], taken, kind: str) -> None:
        """The distributions of the extras or dependency groups an install leaves out (`pip install .`
        without [gpu], a `ml` group for another image): an opt-in feature's dependencies."""
        parse = _requirement_parser()
        for name, specs in sets.items():
            if name in taken:
                continue
            for spec in specs:
                lines = parse(spec)
                if lines and lines[0].name and not _names_project(spec, parsed.name):
                    env.optional_extras.setdefault(lines[0].name, f"'{name}' {kind}")

    def _install_project(self, env: StageEnvironment, declared, found, directory: str, instruction, image, tool: str) -> None:
        """The project itself goes into the stage: its distribution and its top-level modules."""
        name = canonical(declared.name) if declared is not None and declared.name else None
        if name:
            where = Location(found.get("pyproject.toml") or found.get("setup.cfg") or found.get("setup.py"), 1)
            env.installed.setdefault(name, Installed(name, name, True, where, instruction, tool))
            env.project_modules.setdefault(name.replace("-", "_"), directory)
        for module in _top_level_modules(image, directory):
            env.project_modules.setdefault(module, directory)

    @staticmethod
    def _declared_line(parsed, spec: str) -> int:
        parse = _requirement_parser()
        lines = parse(spec)
        name = lines[0].name if lines else None
        return parsed.lines.get(name, 1) if name else 1

    @staticmethod
    def _groups_for(install: InstallCommand, parsed) -> list[str]:
        if install.tool == "poetry":
            if "--only" in install.options or "--without" in install.options:
                return [canonical(g) for g in install.extras_groups]
            return [g for g in parsed.groups] + [canonical(g) for g in install.extras_groups]
        if install.tool in ("uv", "pdm") and not install.syncs:  # uv pip install: only the groups it names
            return [canonical(g) for g in install.extras_groups if g != "*"]
        if install.tool in ("uv", "pdm"):
            if "*" in install.extras_groups:
                return list(parsed.groups)
            groups = [canonical(g) for g in install.extras_groups]
            skipped = {"--no-dev", "--only-group", "--no-default-groups", "--only-dev"} & install.options
            if not skipped:
                groups += list(parsed.default_groups) if parsed.default_groups is not None else ["dev"]
            if "--only-dev" in install.options:
                groups.append("dev")
            return groups
        return []

    def _pipenv(self, env, install, pipfile: str | None, instruction, line, image, directory, available) -> None:
        from portlint.python.pyproject import parse_pipfile

        if pipfile is None:
            env.file_uses.append(FileUse(instruction, line, "Pipfile", posixpath.join(directory, "Pipfile"), None, "pipfile", available))
            env.opaque.append("Pipfile")
            return
        env.file_uses.append(FileUse(instruction, line, "Pipfile", posixpath.join(directory, "Pipfile"), pipfile, "pipfile", True))
        text = self._text(pipfile)
        if text is None:
            return
        parsed = parse_pipfile(text)
        _, lock_context, lock_available = self._locate(image, instruction, posixpath.join(directory, "Pipfile.lock"), "/")
        locked = lock_available or lock_context is not None
        if lock_context is not None:
            dev = "--dev" in install.options or "-d" in install.options
            self._read_lock(env, lock_context, (), (), ["dev"] if dev else [])
        requirements = list(parsed.dependencies)
        if "--dev" in install.options or "-d" in install.options:
            for group in parsed.groups.values():
                requirements.extend(group)
        parse = _requirement_parser()
        for spec in requirements:
            lines = parse(spec)
            if lines and lines[0].name and not lines[0].error:
                where = Location(pipfile, self._declared_line(parsed, spec))
                self._record(env, Installed(lines[0].name, spec, lines[0].pinned, where, instruction, "pipenv"), set(), locked=locked)

    def _workspace(self, env, install: InstallCommand, root, directory: str, instruction, line, image, pins) -> bool:
        """``uv sync --package NAME`` (or ``--all-packages``): the workspace members named,
        each read from its own pyproject.toml; False when none is found in the image."""
        import fnmatch
        from dataclasses import replace

        from portlint.python import pyproject as pyproject_module

        wanted = {canonical(p) for p in install.workspace_packages}
        members = []
        for image_path, placed in image.files.items():
            folder, _, filename = image_path.rpartition("/")
            relative = posixpath.relpath(folder, directory) if folder.startswith(directory) else None
            if filename != "pyproject.toml" or relative in (None, ".") or not placed.context_path:
                continue
            if any(fnmatch.fnmatchcase(relative, member) for member in root.workspace_members):
                text = self._text(placed.context_path)
                parsed = pyproject_module.parse_pyproject(text) if text else None
                if parsed and parsed.name and ("*" in wanted or canonical(parsed.name) in wanted):
                    members.append(relative)
        # `uv sync --frozen --no-install-workspace`: uv takes the members' dependencies from uv.lock,
        # their pyproject.toml files need not be there yet (uv's Docker guide does this before COPY)
        from_lock = bool({"--frozen", "--locked"} & install.options) and bool(
            {"--no-install-workspace", "--no-install-project"} & install.options)
        for member in members:
            if from_lock and image.placed(posixpath.join(directory, member, "pyproject.toml"), instruction) is None:
                _, lock_context, _ = self._locate(image, instruction, posixpath.join(directory, "uv.lock"), "/")
                if lock_context is not None:
                    self._read_lock(env, lock_context, sorted(wanted - {"*"}), (), [])
                continue
            self._project(env, replace(install, workspace_packages=()), member, instruction, line, image, directory, pins)
        return bool(members)

    def _read_lock(self, env, context_path: str, roots, extras, groups) -> None:
        """What the lock file installs beside the project's own dependencies: their
        dependencies, at the versions it resolved (python/locks.py)."""
        from portlint.python.locks import installed_by_lock

        text = self._text(context_path)
        if text is None:
            return
        found = installed_by_lock(context_path, text, roots, [e for e in extras if e != "*"], groups)
        if found is not None:
            for name in found:
                env.locked_packages.setdefault(name, posixpath.basename(context_path))
            # a sync sets every locked package to the lock's release, also those an earlier install left loose
            env.unpinned = [item for item in env.unpinned if item.name not in found]

    def _conda(self, env, install: InstallCommand, instruction, line, image, workdir) -> None:
        from portlint.python.pyproject import parse_environment_yml

        for position, spec in enumerate(install.specifiers):
            where = Location(None, self.ctx.command_line(instruction, install.specifier_line(position)), line)
            self._record_conda(env, spec, where, instruction, install.locked)
        for written in install.environment_files:
            absolute, context_path, available = self._locate(image, instruction, written, workdir)
            env.file_uses.append(FileUse(instruction, line, written, absolute, context_path, "environment", available))
            if context_path is None:
                if not available:
                    env.opaque.append(f"environment file {written}")
                continue
            text = self._text(context_path)
            if text is None:
                continue
            if self._conda_lock(env, text, context_path, instruction):
                continue
            conda_specs, pip_specs, error = parse_environment_yml(text)
            if error:
                self._problem(context_path, 1, f"{context_path}: {error}")
                continue
            lines = text.split("\n")
            for spec in conda_specs:
                self._record_conda(env, spec, Location(context_path, _find_line(lines, spec)), instruction)
            for spec in pip_specs:
                included = re.match(r"^(?:-r|--requirement)[\s=]*(\S+)$", spec)
                if included:  # conda runs the pip section from the environment file's folder
                    for item in self._requirements_file(env, included.group(1), instruction, line, image,
                                                        posixpath.dirname(absolute), "requirements", "pip"):
                        self._record(env, item, set())
                    continue
                where = Location(context_path, _find_line(lines, spec))
                self._add_requirement(env, spec, where, instruction, "pip", set(), image)

    def _record_conda(self, env, spec: str, where: Location, instruction, locked: bool = False) -> None:
        item = conda_installed(spec, where, instruction)
        if item is not None:
            self._record(env, item, set(), locked=locked)
        elif re.match(r"^(?:[\w.-]+::)?python(?![\w.-])", spec.strip("\"' ")):
            # conda adds pip to every python it installs (add_pip_as_python_dependency, on by
            # default), and conda's pip requires setuptools and wheel: pkg_resources is there
            env.base_packages = env.base_packages | _CONDA_PYTHON_BRINGS

    def _conda_lock(self, env, text: str, context_path: str, instruction) -> bool:
        """A conda lock (conda-lock.yml, an @EXPLICIT list) installs exact releases; False when
        the file is an environment file instead."""
        from portlint.python.distributions import conda_distribution
        from portlint.python.locks import conda_lock_packages

        packages = conda_lock_packages(text)
        if packages is None:
            return False
        lock = posixpath.basename(context_path)
        env.lock_files.add(lock)
        for name, version, manager, number in packages:
            distribution = conda_distribution(name) if manager == "conda" else canonical(name)
            if distribution == "python":
                continue
            env.locked_packages.setdefault(distribution, lock)
            tool = "conda" if manager == "conda" else "pip"
            self._record(env, Installed(distribution, f"{name}=={version}", True, Location(context_path, number),
                                        instruction, tool), set(), locked=True)
        return True

    def _system(self, env, install: InstallCommand, instruction, line) -> None:
        from portlint.python.distributions import system_package_distribution

        unpinned = []
        for package in install.specifiers:
            if "$" in package:
                continue
            name, pinned = split_system_package(install.tool, package)
            env.system_packages.add(name)
            if not pinned:
                unpinned.append(name)
            dist = system_package_distribution(install.tool, name)
            if dist is not None:
                env.installed.setdefault(dist, Installed(dist, package, pinned, Location(None, line), instruction, install.tool))
        env.system_installs.append(SystemInstall(instruction, line, install.tool, install.specifiers, tuple(unpinned)))


# Options that install a project's dependencies without the project itself.
_PROJECT_SKIPPED = frozenset({"--no-root", "--no-install-project", "--no-self", "--only-deps"})
_NOT_MODULES = frozenset({"setup", "conftest", "noxfile", "tasks", "fabfile", "manage"})


def _names_project(spec: str, project_name: str | None) -> bool:
    """Whether a requirement names the project itself (``svc[gpu]`` in svc's own extras)."""
    if not project_name:
        return False
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return bool(match) and canonical(match.group(1)) == canonical(project_name)


def _top_level_modules(image: StageImage, directory: str) -> set[str]:
    """Packages and modules a project folder in the image ships: ``pkg/__init__.py`` and
    ``src/pkg/…`` (namespace packages too), single modules at its top or under src/."""
    modules: set[str] = set()
    prefix = directory.rstrip("/") + "/"
    for placed in image.under(directory):
        parts = placed.image_path[len(prefix):].split("/")
        if not parts[-1].endswith(".py"):
            continue
        in_src = parts[0] == "src" and len(parts) >= 2
        if in_src:
            parts = parts[1:]
        if len(parts) == 1:
            stem = parts[0][:-3]
            if stem not in _NOT_MODULES:
                modules.add(stem)
        elif in_src or (len(parts) == 2 and parts[1] == "__init__.py"):
            modules.add(parts[0])  # under src/ every folder is a package, namespace ones too
    return {m for m in modules if m.isidentifier()}


_MAKE_RULE = re.compile(r"^([A-Za-z0-9_./%-][A-Za-z0-9_./% -]*?)\s*::?(?!=)\s*(.*)$")


def _make_recipes(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """target -> (prerequisites, recipe lines) of a Makefile, first target first; make's
    own $(VAR) references are left as they are, and @/-/+ prefixes dropped."""
    recipes: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] | None = None
    for raw in text.replace("\\\n", " ").splitlines():
        if raw.startswith("\t"):
            if current is not None:
                current.append(raw.strip().lstrip("@-+ "))
            continue
        match = _MAKE_RULE.match(raw)
        if match and not raw.startswith((" ", "#")) and not match.group(1).startswith("."):
            prerequisites = [p for p in match.group(2).split(";")[0].split() if not p.startswith("$")]
            current = []
            for target in match.group(1).split():
                recipes.setdefault(target, (prerequisites, current))
        elif raw.strip() and not raw.startswith("#"):
            current = None
    return recipes


def _assigned_in_script(script, text: str) -> frozenset[str]:
    """Variables a RUN script sets itself (X=1, export X=…, for X in …, read X): their value
    at the install is the script's, not the Dockerfile's."""
    names = set()
    for command in script.commands:
        names.update(name for name, _ in command.assignments)
        words = command.argv
        if words[:1] in (("export",), ("declare",), ("local",), ("readonly",)):
            names.update(w.split("=", 1)[0] for w in words[1:] if not w.startswith("-"))
        elif words[:1] == ("read",):
            names.update(w for w in words[1:] if not w.startswith("-"))
    for match in re.finditer(r"\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b", text):
        names.add(match.group(1))
    return frozenset(names)


def _find_line(lines: list[str], spec: str) -> int:
    for number, text in enumerate(lines, start=1):
        if spec in text:
            return number
    return 1


def split_system_package(tool: str, package: str) -> tuple[str, bool]:
    """(name, pinned) for apt ``pkg=1.2``, apk ``pkg=1.2-r0``/``pkg~1.2``, dnf ``pkg-1.2``."""
    if tool in ("apt", "apk"):
        for separator in ("=", "~", ">", "<"):
            if separator in package:
                return package.split(separator, 1)[0], separator in "=~"
        return package, False
    match = re.match(r"^(.+?)-(\d[\w.+~:-]*)$", package)
    if match:
        return match.group(1), True
    return package, False


def conda_installed(spec: str, where: Location, instruction: Instruction) -> Installed | None:
    from portlint.python.distributions import conda_distribution

    text = spec.split("::", 1)[-1].strip().strip("\"'")
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", text)
    if not match:
        return None
    name, version = match.group(1), match.group(2).strip()
    if canonical(name) == "python":
        return None
    # `=1.26` matches 1.26.*; `=1.26.4`, `=9e`, `=2022f` (a letter ends the release) and `=1.2=py310_0`
    # (a build string) name one release
    bare = version.lstrip("=")
    distribution = conda_distribution(name)
    pinned = version.startswith("==") or (version.startswith("=") and "*" not in version and bool(
        re.match(r"^\d+\.\d+\.\d+", bare) or re.match(r"^\d[\d.]*[A-Za-z][A-Za-z0-9]*(=|$)", bare) or "=" in bare
        or (bare and not _names_a_release_series(distribution, bare))))
    return Installed(distribution, spec, pinned, where, instruction, "conda")


def _names_a_release_series(distribution: str, version: str) -> bool:
    """Whether conda's `=1.23` stands for several releases (1.23.0 … 1.23.5), as the package
    index shows them.  `icu=70.1` and `blas=1.0` are whole versions: conda-only packages
    release two-part versions, and `conda env export` writes them so; without the index's
    word a short version is taken as the release it names."""
    from portlint.knowledge.package_index import package

    record = package(distribution)
    if record is None or version in record.versions:
        return False
    return any(v.startswith(version + ".") for v in record.versions)


@lru_cache(maxsize=1)
def _lockstep_followers() -> dict[str, str]:
    """Distribution -> the distribution each of its releases requires one exact release of."""
    from portlint.knowledge import load

    return {name: entry["follows"] for name, entry in load("lockstep_releases").get("packages", {}).items()}
