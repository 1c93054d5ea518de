"""What the container runs: CMD/ENTRYPOINT resolved to scripts and modules, and
which of the image's Python files that program can reach through imports."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portlint.dockerfile.model import Instruction
from portlint.dockerfile.shell import RUNNERS, runner_command_start

if TYPE_CHECKING:
    from portlint.context.image_files import Placed, StageImage
    from portlint.lint_context import LintContext

_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)?)?$")
_WRAPPERS = {"tini", "dumb-init", "exec", "gosu", "su-exec", "runuser", "nice", "nohup", "time", "env"}
# gunicorn's short worker names and the package each one imports (sync and gthread are built in)
_GUNICORN_WORKERS = {"sync": "", "gthread": "", "eventlet": "eventlet", "gevent": "gevent", "tornado": "tornado"}
_APP_SERVERS = {"gunicorn", "uvicorn", "hypercorn", "daphne", "waitress-serve", "granian"}
_SERVER_VALUE_OPTIONS = frozenset(
    "-b --bind -w --workers -k --worker-class -c --config --timeout -t --host --port --chdir --app-dir "
    "--log-level --log-config -e --env --threads --worker-connections --max-requests -p --pid "
    "--root-path --forwarded-allow-ips --proxy-headers --interface --listen --keep-alive "
    "--graceful-timeout --access-logfile --error-logfile --uds --fd --loop --http --ws "
    "--lifespan --env-file --workers-kill-timeout --limit-concurrency --backlog --name -n "
    "--user -u --group -g --umask --worker-tmp-dir --certfile --keyfile --ssl-keyfile --ssl-certfile".split()
)
_PY_VALUE_OPTIONS = frozenset({"-W", "-X", "-c", "--check-hash-based-pycs"})


@dataclass(frozen=True)
class EntryPoint:
    """What CMD/ENTRYPOINT runs: a script, a module or a shell script."""

    instruction: Instruction
    kind: str  # "script" | "module" | "shell-script"
    target: str  # as written
    image_path: str | None  # scripts: the absolute path the container will look for
    module: str | None = None
    factory: str | None = None  # the function an app server calls to make the app (uvicorn --factory m:f)


def effective_argv(argv: tuple[str, ...]) -> tuple[str, ...]:
    """Strip tini/dumb-init/exec/env wrappers and `uv run`-style runners in front of the real program."""
    while argv:
        name = argv[0].rsplit("/", 1)[-1]
        if name in RUNNERS and argv[1:2] == ("run",):
            argv = argv[runner_command_start(argv) or len(argv):]
            continue
        if name not in _WRAPPERS:
            break
        argv = argv[1:]
        while argv and (argv[0].startswith("-") or "=" in argv[0]):
            stop = argv[0] == "--"
            argv = argv[1:]
            if stop:
                break
        if name in ("gosu", "su-exec") and argv:
            argv = argv[1:]  # the user to switch to
    return argv


def entrypoints_from_argv(argv: tuple[str, ...], instruction: Instruction, workdir: str) -> list[EntryPoint]:
    argv = effective_argv(argv)
    if not argv:
        return []
    name = argv[0].rsplit("/", 1)[-1]
    found: list[EntryPoint] = []
    if _PYTHON.match(name):
        index = 1
        while index < len(argv):
            word = argv[index]
            if word == "-m" and index + 1 < len(argv):
                if argv[index + 1] in _LAUNCHER_MODULES:  # python -m torch.distributed.run train.py
                    return _launched(argv[index + 2:], instruction, workdir)
                found.append(EntryPoint(instruction, "module", argv[index + 1], None, argv[index + 1]))
                return found
            if word in _PY_VALUE_OPTIONS:
                if word == "-c":
                    return found
                index += 2
                continue
            if word.startswith("-"):
                index += 1
                continue
            found.append(_script(instruction, word, workdir))
            return found
        return found
    if name in _APP_SERVERS:
        chdir = workdir
        index = 1
        positional = []
        while index < len(argv):
            word = argv[index]
            option = word.split("=", 1)[0]
            value = word.split("=", 1)[1] if "=" in word else (argv[index + 1] if index + 1 < len(argv) else "")
            if option in ("--chdir", "--app-dir"):
                chdir = posixpath.normpath(posixpath.join(workdir, value))
            if name == "gunicorn" and option in ("-k", "--worker-class"):
                # gunicorn imports its worker class at start: -k uvicorn.workers.UvicornWorker needs uvicorn
                worker = _GUNICORN_WORKERS.get(value, value.rsplit(".", 1)[0] if "." in value else None)
                if worker:
                    found.append(EntryPoint(instruction, "module", value, workdir, worker))
            if word.startswith("-"):
                index += 1 if "=" in word or option not in _SERVER_VALUE_OPTIONS else 2
                continue
            positional.append(word)
            index += 1
        for word in positional:
            module, _, attribute = word.partition(":")
            if re.match(r"^[A-Za-z_][\w.]*$", module) and (":" in word or len(positional) == 1):
                # `uvicorn --factory m:create_app` and gunicorn's `m:create_app()` call it at start
                called = attribute.split("(", 1)[0] if "(" in attribute or "--factory" in argv else ""
                found.append(EntryPoint(instruction, "module", word, chdir, module,
                                        factory=called if called.isidentifier() else None))
                break
        return found
    if name in _LAUNCHERS:  # torchrun train.py, accelerate launch train.py, deepspeed train.py
        return _launched(argv[2:] if name == "accelerate" and argv[1:2] == ("launch",) else argv[1:], instruction, workdir)
    if name == "celery":
        for index, word in enumerate(argv):
            if word in ("-A", "--app") and index + 1 < len(argv):
                module = argv[index + 1].split(":", 1)[0]
                return [EntryPoint(instruction, "module", argv[index + 1], workdir, module)]
            if word.startswith("--app="):
                module = word.split("=", 1)[1].split(":", 1)[0]
                return [EntryPoint(instruction, "module", word, workdir, module)]
        return found
    if name in ("streamlit", "panel", "fastapi", "gradio", "chainlit") and len(argv) > 1:
        rest = [w for w in argv[1:] if not w.startswith("-")]
        if rest and rest[0] in ("run", "serve", "dev") and len(rest) > 1:
            rest = rest[1:]
        if rest and rest[0].endswith(".py"):
            return [_script(instruction, rest[0], workdir)]
        return found
    if name in ("sh", "bash", "ash", "dash", "zsh"):
        rest = [w for w in argv[1:] if not w.startswith("-")]
        if runs_command_string(argv) or not rest:
            return found
        return [EntryPoint(instruction, "shell-script", rest[0], posixpath.normpath(posixpath.join(workdir, rest[0])))]
    # A program name without a slash is looked up on PATH, not in the working directory.
    if "/" in argv[0] and (argv[0].endswith((".sh", ".py")) or argv[0].startswith("./")):
        kind = "script" if argv[0].endswith(".py") else "shell-script"
        return [EntryPoint(instruction, kind, argv[0], posixpath.normpath(posixpath.join(workdir, argv[0])))]
    return found


# Launchers that start one training script per GPU or node: the script (or `-m module`) they run
# is their first argument that names one; every option before it is theirs.
_LAUNCHERS = frozenset({"torchrun", "accelerate", "deepspeed"})
_LAUNCHER_MODULES = frozenset({"torch.distributed.run", "torch.distributed.launch", "accelerate.commands.launch"})


def _launched(args: tuple[str, ...], instruction: Instruction, workdir: str) -> list[EntryPoint]:
    for index, word in enumerate(args):
        if word in ("-m", "--module") and index + 1 < len(args):
            return [EntryPoint(instruction, "module", args[index + 1], None, args[index + 1])]
        if word.endswith(".py") and not word.startswith("-"):
            return [_script(instruction, word, workdir)]
    return []


def runs_command_string(argv: tuple[str, ...]) -> bool:
    """``sh -c …``, also with the flag among others (``bash -lc``, ``sh -euxc``)."""
    for word in argv[1:]:
        if word == "--" or not word.startswith("-"):
            return False  # options end here; the next word is a script file
        if not word.startswith("--") and "c" in word[1:]:
            return True
    return False


def _script(instruction: Instruction, word: str, workdir: str) -> EntryPoint:
    return EntryPoint(instruction, "script", word, posixpath.normpath(posixpath.join(workdir, word)))


def _entrypoint_and_cmd(ctx: LintContext, stage_index: int) -> tuple[Instruction | None, Instruction | None]:
    """The ENTRYPOINT and CMD in force at the end of the stage chain (a new ENTRYPOINT resets an inherited CMD)."""
    dockerfile = ctx.dockerfile
    entrypoint = cmd = None
    for member in reversed(dockerfile.stage_chain(dockerfile.stages[stage_index])):
        for instruction in member.instructions:
            if instruction.keyword == "ENTRYPOINT":
                entrypoint, cmd = instruction, None
            elif instruction.keyword == "CMD":
                cmd = instruction
    return entrypoint, cmd


def stage_command(ctx: LintContext, stage_index: int) -> tuple[list[tuple[Instruction, tuple[str, ...], str]], bool]:
    """The argv lists the container runs (with the WORKDIR in force), and whether one was found.

    Uses the last ENTRYPOINT and CMD of the stage chain; exec-form ENTRYPOINT takes
    CMD as its arguments; shell forms are parsed into their commands.
    """
    images = ctx.images
    entrypoint, cmd = _entrypoint_and_cmd(ctx, stage_index)
    runs: list[tuple[Instruction, tuple[str, ...], str]] = []
    image = images.stages[stage_index] if images is not None else None
    for instruction in (entrypoint, cmd):
        if instruction is None:
            continue
        workdir = image.workdir_at(instruction) if image is not None and instruction.stage == stage_index else (
            images.stages[instruction.stage].workdir_at(instruction) if images is not None else "/"
        )
        if instruction.json_args is not None:
            argv = instruction.json_args
            if instruction is cmd and entrypoint is not None and entrypoint.json_args is not None:
                argv = entrypoint.json_args + argv
            if argv[:1] and argv[0].rsplit("/", 1)[-1] in ("sh", "bash") and runs_command_string(argv):
                for command in ctx.shell(instruction).commands:
                    runs.append((instruction, command.effective().argv, workdir))
            else:
                runs.append((instruction, argv, workdir))
        else:
            for command in ctx.shell(instruction).commands:
                runs.append((instruction, command.effective().argv, workdir))
    return runs, bool(runs)


def find_entrypoints(ctx: LintContext, stage_index: int) -> tuple[list[EntryPoint], bool]:
    runs, has_command = stage_command(ctx, stage_index)
    found: list[EntryPoint] = []
    for instruction, argv, workdir in runs:
        entries = entrypoints_from_argv(argv, instruction, workdir)
        if not entries and argv and argv[0].rsplit("/", 1)[-1] == "flask":
            entries = _flask_app(ctx, stage_index, instruction, argv, workdir)
        if not entries and argv:
            target = project_scripts(ctx).get(argv[0].rsplit("/", 1)[-1])
            if target:  # the project's own console script (ENTRYPOINT ["tts"]): it calls module:function
                module, _, function = target.partition(":")
                entries = [EntryPoint(instruction, "module", target, workdir, module.strip(),
                                      factory=function.strip() if function.strip().isidentifier() else None)]
        found.extend(entries)
    return found, has_command


def _flask_app(ctx: LintContext, stage_index: int, instruction: Instruction, argv: tuple[str, ...],
               workdir: str) -> list[EntryPoint]:
    """The app `flask run` loads: --app/-A, else FLASK_APP, else wsgi.py or app.py in its folder."""
    app = next((argv[i + 1] for i, w in enumerate(argv[:-1]) if w in ("--app", "-A")), None)
    app = app or next((w.split("=", 1)[1] for w in argv if w.startswith("--app=")), None)
    if app is None:
        variable = ctx.scopes.before(instruction).get("FLASK_APP")
        app = variable.value if variable is not None and variable.value and "$" not in variable.value else None
    if app is not None:
        module = app.split(":", 1)[0].removesuffix(".py").strip("/").replace("/", ".")
        return [EntryPoint(instruction, "module", app, workdir, module)] if re.match(r"^[A-Za-z_][\w.]*$", module) else []
    image = ctx.images.stages[stage_index] if ctx.images is not None else None
    for name in ("wsgi", "app"):  # the first of Flask's defaults that the folder holds
        if image is not None and any(image.placed(posixpath.join(workdir, path)) is not None
                                     for path in (f"{name}.py", f"{name}/__init__.py")):
            return [EntryPoint(instruction, "module", name, workdir, name)]
    return []


def compose_entrypoints(ctx: LintContext, stage_index: int) -> list[EntryPoint]:
    """What the compose services built from this Dockerfile's stage run instead of its CMD
    (`command:`) or ENTRYPOINT (`entrypoint:`): the image's other containers."""
    from portlint.context.compose import compose_services

    stage = ctx.dockerfile.stages[stage_index]
    last = stage_index == len(ctx.dockerfile.stages) - 1
    services = [s for s in compose_services(ctx)
                if (s.command is not None or s.entrypoint is not None) and (s.target == stage.name or (s.target is None and last))]
    if not services:
        return []
    entrypoint, cmd = _entrypoint_and_cmd(ctx, stage_index)
    anchor = cmd or entrypoint or (stage.instructions[-1] if stage.instructions else stage.from_)
    image = ctx.images.stages[stage_index] if ctx.images is not None else None
    found: list[EntryPoint] = []
    for service in services:
        if service.entrypoint is not None:
            argv = service.entrypoint + (service.command or ())
        elif entrypoint is None:
            argv = service.command
        elif entrypoint.json_args is not None:
            argv = entrypoint.json_args + service.command
        else:
            continue  # a shell-form ENTRYPOINT ignores the command's arguments
        workdir = service.working_dir or (image.workdir_at(anchor) if image is not None else "/")
        if argv[:1] and argv[0].rsplit("/", 1)[-1] in ("sh", "bash") and runs_command_string(argv):
            from portlint.dockerfile.shell import parse_shell

            script = next((w for w in argv[1:] if not w.startswith("-")), "")
            for command in parse_shell(script).commands:
                found.extend(entrypoints_from_argv(command.effective().argv, anchor, workdir))
        else:
            found.extend(entrypoints_from_argv(argv, anchor, workdir))
    return found


def project_scripts(ctx: LintContext) -> dict[str, str]:
    """Console scripts the projects copied into the image declare (pyproject's
    [project.scripts], setup.cfg's and setup.py's console_scripts): command -> module:function."""
    key = ("project-scripts",)
    if key in ctx.shared:
        return ctx.shared[key]
    from portlint.python import pyproject

    scripts: dict[str, str] = {}
    images = ctx.images
    for placed in (images.final.files.values() if images is not None else ()):
        name = placed.image_path.rsplit("/", 1)[-1]
        if name not in ("pyproject.toml", "setup.cfg", "setup.py") or not placed.context_path:
            continue
        text = ctx.context_text(placed.context_path)
        if text is None:
            continue
        parse = {"pyproject.toml": pyproject.parse_pyproject, "setup.cfg": pyproject.parse_setup_cfg,
                 "setup.py": pyproject.parse_setup_py}[name]
        parsed = parse(text.text)
        for command, target in (parsed.scripts if parsed is not None else {}).items():
            scripts.setdefault(command, target)
    ctx.shared[key] = scripts
    return scripts


class ModuleIndex:
    """Maps dotted module names to the image's Python files."""

    def __init__(self, image: StageImage) -> None:
        self.by_path: dict[str, Placed] = {p.image_path: p for p in image.python_files()}
        self.local_top_level: set[str] = set()
        for path in self.by_path:
            parts = path.strip("/").split("/")
            stem = parts[-1][:-3]
            if stem != "__init__":
                self.local_top_level.add(stem)
            self.local_top_level.update(p for p in parts[:-1] if p.isidentifier())
        self._suffixes: dict[str, list[str]] = {}
        for path in self.by_path:
            parts = path.strip("/")[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):
                self._suffixes.setdefault(".".join(parts[start:]), []).append(path)

    def files_for(self, module: str, roots: list[str] | None = None) -> list[str]:
        """Files that may define ``module``: under the given roots first, else anywhere."""
        candidates = self._suffixes.get(module, [])
        if roots:
            rooted = [
                c for c in candidates
                for root in roots
                if c in (posixpath.join(root, *module.split(".")) + ".py", posixpath.join(root, *module.split("."), "__init__.py"))
            ]
            if rooted:
                return rooted
        return candidates

    def is_local(self, module: str) -> bool:
        return module.split(".")[0] in self.local_top_level
