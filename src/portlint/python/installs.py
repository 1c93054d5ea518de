"""Recognise the commands in a RUN that install Python or system packages.

Pure argv work: given one simple command, say what it asks to install (requirement
specifiers, requirement/constraint files, local projects, conda or apt packages).
Reading the files it names is the caller's job.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)?)?$")
# pip options that take a value (so the next word is not a requirement).
_PIP_VALUE_OPTIONS = frozenset(
    "-i --index-url --extra-index-url -f --find-links -t --target --prefix --root --platform "
    "--python-version --implementation --abi --only-binary --no-binary --upgrade-strategy "
    "--progress-bar --cache-dir --src --log --log-file --timeout --retries --trusted-host --proxy "
    "--config-settings -C --global-option --install-option --report --python --exists-action "
    "--use-feature --use-deprecated --root-user-action --cert --client-cert --keyring-provider "
    "--index-strategy --torch-backend --extra-index --link-mode --resolution --prerelease --exclude-newer "
    "--no-build-package --no-binary-package --only-binary-package --reinstall-package "
    "--upgrade-package -P --override --build-constraint --group --extra -w --wheel-dir -d --dest "
    "--python-preference --index --default-index --python-platform --no-build-isolation-package --fork-strategy "
    "--config-setting --allow-insecure-host".split()
)
_SYSTEM_INSTALLERS = {
    "apt-get": ("install",),
    "apt": ("install",),
    "aptitude": ("install",),
    "apk": ("add",),
    "dnf": ("install",),
    "microdnf": ("install",),
    "yum": ("install",),
    "zypper": ("install", "in"),
    "tdnf": ("install",),
}
_SYSTEM_VALUE_OPTIONS = frozenset(
    "-o --option -t --target-release --default-release -c --config-file --repository -X "
    "--repositories-file --virtual -t --root --releasever --setopt --enablerepo --disablerepo "
    "--installroot -p --arch --cache-dir".split()
)


@dataclass(frozen=True)
class InstallCommand:
    """What one install command (pip, uv, poetry, conda, apt, …) installs."""

    tool: str  # "pip" | "uv" | "poetry" | "pdm" | "flit" | "pipenv" | "conda" | "apt" | "apk" | "dnf" | ...
    line: int  # 0-based offset in the RUN's script
    specifiers: tuple[str, ...] = ()  # requirement strings / package names as written
    requirement_files: tuple[str, ...] = ()  # -r FILE
    constraint_files: tuple[str, ...] = ()  # -c FILE
    projects: tuple[str, ...] = ()  # `.`, `/app`, `.[gpu]`, `-e ./lib`: local projects to install
    environment_files: tuple[str, ...] = ()  # conda env create -f FILE
    locked: bool = False  # installs exactly what a lock file / hashes say
    opaque: bool = False  # installs things we cannot name (a wheel glob, a URL)
    unexpanded: tuple[str, ...] = ()  # words holding a variable the Dockerfile does not set ("$PKG")
    extras_groups: tuple[str, ...] = ()  # poetry/uv groups or pipenv categories asked for
    extras: tuple[str, ...] = ()  # the project's extras asked for (uv sync --extra, poetry -E); "*": all of them
    syncs: bool = False  # installs the project with its dependency groups, as uv sync / pdm sync do (pip never does)
    workspace_packages: tuple[str, ...] = ()  # uv sync --package NAME: workspace members to install ("*": all)
    options: frozenset[str] = field(default_factory=frozenset)  # flags seen (--no-deps, --user, ...)
    specifier_lines: tuple[int, ...] = ()  # 0-based line of each specifier, when the words' lines are known

    def specifier_line(self, index: int) -> int:
        """The line on which ``specifiers[index]`` is written (a continuation line of the RUN)."""
        return self.specifier_lines[index] if 0 <= index < len(self.specifier_lines) else self.line


PROJECT_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})


def _lines_of(words: tuple[str, ...], argv: tuple[str, ...], word_lines: tuple[int, ...]) -> tuple[int, ...]:
    """The lines of ``words``, a tail of ``argv`` whose words lie on ``word_lines``."""
    if len(word_lines) != len(argv):
        return ()
    return word_lines[len(argv) - len(words):]


def _pip_args(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words after ``install`` for pip-like commands, or None if not a pip install."""
    name = argv[0].rsplit("/", 1)[-1] if argv else ""
    rest: tuple[str, ...]
    if _PIP.match(name):
        rest = argv[1:]
    elif _PYTHON.match(name) and len(argv) > 2 and argv[1] == "-m" and _PIP.match(argv[2]):
        rest = argv[3:]
    elif name == "uv" and len(argv) > 2 and argv[1] == "pip":
        rest = argv[2:]
    else:
        return None
    # Skip global options before the subcommand (pip --no-cache-dir install ...).
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in _PIP_VALUE_OPTIONS and "=" not in rest[0] else rest[1:]
    if not rest or rest[0] not in ("install", "sync"):
        return None
    return rest


def _split_pip(words: tuple[str, ...], line: int, tool: str, word_lines: tuple[int, ...] = ()) -> InstallCommand:
    specifiers: list[str] = []
    specifier_lines: list[int] = []
    requirement_files: list[str] = []
    constraint_files: list[str] = []
    projects: list[str] = []
    options: set[str] = set()
    opaque = False
    unexpanded: list[str] = []
    subcommand, words = words[0], words[1:]
    index = 0
    while index < len(words):
        word = words[index]
        option, eq, inline = word.partition("=")
        value = inline if eq else (words[index + 1] if index + 1 < len(words) else "")
        step = 1 if eq or not option.startswith("-") else 2
        if option in ("-r", "--requirement", "--requirements"):
            requirement_files.append(value)
        elif option in ("-c", "--constraint", "--constraints"):
            constraint_files.append(value)
        elif option in ("-e", "--editable"):
            projects.append(value)
        elif word.startswith("-r") and len(word) > 2 and not word.startswith("--"):
            requirement_files.append(word[2:])
            step = 1
        elif option in _PIP_VALUE_OPTIONS:
            options.add(option)
        elif word.startswith("-"):
            options.add(option)
            step = 1
        elif (word.startswith((".", "/", "~")) or word.endswith((".whl", ".tar.gz", ".zip")) or "://" in word
              or ("/" in word.split("[")[0] and "@" not in word and ";" not in word)):  # `pkg/`: a name has no slash, pip takes a path
            if any(c in word for c in "*?$") or "://" in word or word.endswith((".whl", ".tar.gz", ".zip")):
                if " @ " not in word:
                    opaque = True
                specifiers.append(word)
                specifier_lines.append(word_lines[index + 1] if word_lines else line)
            else:
                projects.append(word)
            step = 1
        elif "$" in word:
            unexpanded.append(word)  # a variable we cannot expand here
            step = 1
        else:
            specifiers.append(word)
            specifier_lines.append(word_lines[index + 1] if word_lines else line)
            step = 1
        index += step
    if subcommand == "sync":  # uv pip sync FILE: exactly the (usually compiled) file
        requirement_files.extend(specifiers)
        specifiers, specifier_lines = [], []
    # `uv pip install -r pyproject.toml` (setup.cfg, setup.py too) installs the project's
    # declared dependencies, with --extra and --group adding optional ones; never dev.
    groups: tuple[str, ...] = ()
    for written in [f for f in requirement_files if f.rsplit("/", 1)[-1] in PROJECT_FILES]:
        requirement_files.remove(written)
        extras = ",".join(option_values(words, "--extra") + (["*"] if "--all-extras" in words else []))
        projects.append((written.rpartition("/")[0] or ".") + (f"[{extras}]" if extras else ""))
        groups = tuple(option_values(words, "--group"))
        options.update(("--no-dev", "--no-install-project"))  # its dependencies, not the project itself
    locked = "--require-hashes" in options
    return InstallCommand(
        tool=tool, line=line, specifiers=tuple(specifiers), requirement_files=tuple(requirement_files),
        constraint_files=tuple(constraint_files), projects=tuple(projects), locked=locked, opaque=opaque, unexpanded=tuple(unexpanded),
        extras_groups=groups, options=frozenset(options), specifier_lines=tuple(specifier_lines),
    )


def _extras(argv: tuple[str, ...], *names: str) -> tuple[str, ...]:
    """Extras asked for by ``names`` (``--extras "gpu cpu"`` lists them with spaces), and "*"
    for ``--all-extras``."""
    found = [extra for value in option_values(argv, *names) for extra in value.split()]
    return tuple(found) + (("*",) if "--all-extras" in argv else ())


def option_values(argv: tuple[str, ...], *names: str) -> list[str]:
    """Values of ``--name value`` / ``--name=value`` options; comma lists (--with a,b) split."""
    found = []
    for index, word in enumerate(argv):
        for name in names:
            if word == name and index + 1 < len(argv):
                found.extend(argv[index + 1].split(","))
            elif word.startswith(name + "=") and name.startswith("--"):
                found.extend(word.split("=", 1)[1].split(","))
    return [value for value in found if value]


def _conda(argv: tuple[str, ...], line: int, word_lines: tuple[int, ...] = ()) -> InstallCommand | None:
    tool = argv[0].rsplit("/", 1)[-1]
    words = argv[1:]
    if words[:2] in (("env", "create"), ("env", "update")) or (tool == "micromamba" and words[:1] == ("create",) and "-f" in words):
        files = option_values(argv, "-f", "--file") or ["environment.yml"]
        return InstallCommand(tool="conda", line=line, environment_files=tuple(files))
    if not words or words[0] not in ("install", "create"):
        return None
    specs = []
    spec_lines = []
    lines = _lines_of(words, argv, word_lines)
    index = 1
    value_options = {"-c", "--channel", "-n", "--name", "-p", "--prefix", "-f", "--file", "--override-channels", "-r", "--root-prefix"}
    files = []
    while index < len(words):
        word = words[index]
        if word in ("-f", "--file") and index + 1 < len(words):
            files.append(words[index + 1])
            index += 2
            continue
        if word in value_options and word != "--override-channels":
            index += 2
            continue
        if not word.startswith("-"):
            specs.append(word)
            spec_lines.append(lines[index] if lines else line)
        index += 1
    channels = option_values(argv, "-c", "--channel")
    # `-c nvidia/label/cuda-12.4.1`: a label channel that carries one release of what it holds
    labelled = bool(channels) and all(_VERSION_LABEL.search(c) for c in channels)
    return InstallCommand(tool="conda", line=line, specifiers=tuple(specs), environment_files=tuple(files),
                          specifier_lines=tuple(spec_lines), locked=labelled)


_VERSION_LABEL = re.compile(r"/label/(?:[A-Za-z][\w.]*-)?\d+\.\d+\.\d+$")


def _system(argv: tuple[str, ...], line: int) -> InstallCommand | None:
    tool = argv[0].rsplit("/", 1)[-1]
    verbs = _SYSTEM_INSTALLERS.get(tool)
    if verbs is None:
        return None
    words = argv[1:]
    position = next((i for i, w in enumerate(words) if w in verbs), None)
    if position is None:
        return None
    packages = []
    index = position + 1
    while index < len(words):
        word = words[index]
        if word in _SYSTEM_VALUE_OPTIONS:
            index += 2
            continue
        if not word.startswith("-"):
            packages.append(word)
        index += 1
    family = {"apt-get": "apt", "aptitude": "apt", "microdnf": "dnf", "tdnf": "dnf"}.get(tool, tool)
    return InstallCommand(tool=family, line=line, specifiers=tuple(packages))


_RUN_AS_MODULE = frozenset({"uv", "poetry", "pdm", "pipenv", "flit"})  # installers that run as `python -m tool`


def parse_install(argv: tuple[str, ...], line: int = 0, word_lines: tuple[int, ...] = ()) -> InstallCommand | None:
    """What one simple command installs, or None if it installs nothing we track.

    ``line`` is the command's line in the RUN script and ``word_lines`` the line of each
    word of ``argv`` (when known), so each package is placed on the line that names it.
    """
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if _PYTHON.match(name) and len(argv) > 2 and argv[1] == "-m" and argv[2] in _RUN_AS_MODULE:
        # `python -m uv pip install …` is `uv pip install …`
        argv, word_lines, name = argv[2:], word_lines[2:] if len(word_lines) == len(argv) else (), argv[2]
    pip_words = _pip_args(argv)
    if pip_words is not None:
        return _split_pip(pip_words, line, "uv" if name == "uv" else "pip", _lines_of(pip_words, argv, word_lines))
    if _PYTHON.match(name) and len(argv) > 2 and argv[1].rsplit("/", 1)[-1] == "setup.py" and (
            set(argv[2:]) & {"install", "develop"}):
        # `python setup.py install`: setuptools installs the project and its install_requires
        return InstallCommand(tool="pip", line=line, projects=(posixpath.dirname(argv[1]) or ".",))
    if name == "uv" and len(argv) > 1 and argv[1] == "sync":
        packages = tuple(option_values(argv, "--package")) + (("*",) if "--all-packages" in argv else ())
        groups = tuple(option_values(argv, "--group", "--only-group")) + (("*",) if "--all-groups" in argv else ())
        return InstallCommand(tool="uv", line=line, projects=(".",), locked=True, syncs=True,
                              extras_groups=groups, extras=_extras(argv, "--extra"), workspace_packages=packages,
                              options=frozenset(w for w in argv[2:] if w.startswith("--")))
    if name == "poetry" and len(argv) > 1 and argv[1] == "install":
        if "--only-root" in argv:
            return InstallCommand(tool="poetry", line=line, locked=True)  # the project's own code only
        groups = tuple(option_values(argv, "--with", "--only"))
        return InstallCommand(tool="poetry", line=line, projects=(".",), locked=True, extras_groups=groups,
                              extras=_extras(argv, "-E", "--extras"),
                              options=frozenset(w for w in argv[2:] if w.startswith("-")))
    if name == "pdm" and len(argv) > 1 and argv[1] in ("install", "sync"):
        groups = tuple(option_values(argv, "-G", "--group"))  # pdm's groups name extras too
        options = {w for w in argv[2:] if w.startswith("-")}
        if "--prod" in options or "--production" in options:
            options.add("--no-dev")
        return InstallCommand(tool="pdm", line=line, projects=(".",), locked=True, extras_groups=groups,
                              extras=groups, options=frozenset(options), syncs=True)
    if name == "flit" and len(argv) > 1 and argv[1] == "install":
        options = {w for w in argv[2:] if w.startswith("-")}
        if option_values(argv, "--deps")[:1] == ["none"]:
            options.add("--no-deps")
        return InstallCommand(tool="flit", line=line, projects=(".",), options=frozenset(options))
    if name == "pipenv" and len(argv) > 1 and argv[1] in ("install", "sync"):
        packages = tuple(w for w in argv[2:] if not w.startswith("-"))
        return InstallCommand(tool="pipenv", line=line, specifiers=packages, projects=() if packages else (".",),
                              locked=not packages, options=frozenset(w for w in argv[2:] if w.startswith("-")))
    if name in ("conda", "mamba", "micromamba"):
        return _conda(argv, line, word_lines)
    if name == "conda-lock" and argv[1:2] == ("install",):  # conda-lock install [-n env] [conda-lock.yml]
        words = list(argv[2:])
        files = [w for i, w in enumerate(words) if not w.startswith("-")
                 and (i == 0 or words[i - 1] not in ("-n", "--name", "-p", "--prefix", "--conda", "--auth-file", "-E", "--extras"))]
        return InstallCommand(tool="conda", line=line, environment_files=tuple(files[-1:] or ["conda-lock.yml"]))
    return _system(argv, line)
