"""PL3xx: does the image reach out to the author's machine (paths, services, line endings)?"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from functools import lru_cache

from portlint.diagnostics import Hit, Severity, Span
from portlint.dockerfile.model import Instruction
from portlint.lint_context import LintContext
from portlint.registry import check

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# Users that images conventionally create or ship; /home/<one of these> is an image path.
CONVENTIONAL_USERS = frozenset(
    "app appuser user nonroot runner worker django flask node jovyan vscode ubuntu debian python "
    "www-data nobody docker ci jenkins gitpod coder dev developer builder rust go model ml service "
    "default airflow spark hadoop postgres mysql redis elasticsearch jupyter conda mambauser "
    "streamlit dockeruser container svc deploy web api bot admin games".split()
)
_HOME_PATH = re.compile(
    r"(?<![\w$/])(?:/home/(?P<home>[A-Za-z_][\w.-]*)|/Users/(?P<mac>[A-Za-z_][\w. -]*?)(?=/|\b)|"
    r"(?P<win>[A-Za-z]:\\\\?Users\\\\?[^\\\s\"']+|[A-Za-z]:/Users/[^/\s\"']+)|(?P<wsl>/mnt/[a-z]/))"
)


def _copy_sources(instruction: Instruction) -> list[str]:
    if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs or instruction.flag("from") is not None:
        return []
    words = list(instruction.words)
    return [w for w in words[:-1] if "://" not in w and not w.startswith("git@")]


@check("PL301")
def absolute_host_path(ctx: LintContext) -> Iterator[Hit]:
    from portlint.checks.dependencies import TYPOGRAPHIC_FLAG

    for instruction in ctx.dockerfile.instructions:
        sources = _copy_sources(instruction)
        if any(TYPOGRAPHIC_FLAG.match(s) for s in sources):
            continue  # a mistyped --from: the path is in another stage (PL210 reports the dash)
        for source in sources:
            expansion = ctx.scopes.expand(instruction, source)
            if expansion.starts_unset and not _host_home_variable(ctx, instruction, source):
                continue  # `$SRC_DIR/x` with SRC_DIR unset or empty: a path we cannot know
            value = expansion.value
            if value.startswith("/") and _in_context(ctx, value):
                continue  # `COPY /src/app.py` reads the context's own src/: a leading slash is its root
            if value.startswith("/") or value.startswith("~"):
                relative = value.lstrip("/~")
                if expansion.starts_unset:  # $HOME/…
                    what = "is a path in the author's home directory (their shell sets that variable, the build does not)"
                else:
                    what = f"{_resolved(source, value)} is an absolute path on the author's machine".lstrip()
                yield Hit(
                    instruction.span,
                    f"{instruction.keyword} source '{source}' {what}; "
                    "Docker reads sources only from the build context, so the build fails everywhere else",
                    fix=f"Put the file inside the build context and copy it by a relative path (e.g. {relative.split('/')[-1] or 'data'})",
                )


def _in_context(ctx: LintContext, value: str) -> bool:
    context = ctx.build_context
    if context is None:
        return False
    from portlint.context.buildcontext import has_glob, normalize

    relative = normalize(value.lstrip("/"))
    if not relative or relative == ".":
        return True  # `COPY / /app`: the whole context
    if has_glob(relative):
        return bool(context.glob(relative))
    return context.is_file(relative) or context.is_dir(relative)


# The author's shell sets these, the build does not: `COPY $HOME/.aws/config` means a host path.
_HOST_HOME_VARIABLES = frozenset({"HOME", "USERPROFILE"})


def _host_home_variable(ctx: LintContext, instruction: Instruction, source: str) -> bool:
    from portlint.dockerfile.variables import find_refs

    refs = find_refs(source, ctx.dockerfile.directives.escape)
    first = refs[0].name if refs and refs[0].start == 0 else None
    return first in _HOST_HOME_VARIABLES and first not in ctx.scopes.before(instruction)


def _resolved(source: str, value: str) -> str:
    """' (= value)' when variables made the source something else than it reads."""
    return f" (= '{value}')" if value != source else ""


@check("PL302")
def path_outside_context(ctx: LintContext) -> Iterator[Hit]:
    from portlint.context.buildcontext import climbs_out, normalize

    for instruction in ctx.dockerfile.instructions:
        for source in _copy_sources(instruction):
            expansion = ctx.scopes.expand(instruction, source)
            value = expansion.value
            if expansion.starts_unset or value.startswith(("/", "~")) or _WINDOWS_DRIVE.match(value):
                continue
            if climbs_out(value):
                inside = normalize(value) or "."
                yield Hit(
                    instruction.span,
                    f"{instruction.keyword} source '{source}'{_resolved(source, value)} climbs out of the build context, which the builder "
                    f"cannot do: BuildKit silently takes '{inside}' from the context root instead, and the "
                    "legacy builder fails with 'forbidden path outside the build context'",
                    fix="Build from a higher directory (docker build -f sub/Dockerfile .) or use a named "
                    "build context (docker buildx build --build-context shared=../shared, then COPY --from=shared)",
                )


@check("PL304")
def windows_path(ctx: LintContext) -> Iterator[Hit]:
    if ctx.is_windows:
        return
    for instruction in ctx.dockerfile.instructions:
        words: list[str] = []
        if instruction.keyword in ("COPY", "ADD") and not instruction.heredocs:
            words = list(instruction.words)
            if instruction.flag("from") is not None:
                words = words[-1:]
        elif instruction.keyword in ("WORKDIR", "VOLUME"):
            words = list(instruction.words)
        for word in words:
            if "://" in word:
                continue
            if _WINDOWS_DRIVE.match(word) or re.search(r"\w\\\w", word):
                yield Hit(
                    instruction.span,
                    f"'{word}' is a Windows path in a Linux image: drive letters and backslashes mean "
                    "nothing there, so the build fails or writes to a file literally named with backslashes",
                    fix="Use forward slashes and paths relative to the build context (sources) or absolute Linux paths (destinations)",
                )
                break


_IMAGE_HOME = re.compile(r"^/home/([A-Za-z_][\w.-]*)")


# Commands whose path arguments a build creates or fills: a /home/<name> among them is an image path.
_MAKES_PATHS = frozenset({"mkdir", "install", "tar", "mv", "cp", "ln", "git", "unzip", "curl", "wget", "chown", "chmod", "touch"})


def _image_users(ctx: LintContext) -> set[str]:
    """Users the Dockerfile creates, switches to or gives files to, and /home folders it
    makes (WORKDIR, mkdir, a COPY destination): those homes are image paths."""
    users = set(CONVENTIONAL_USERS)
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword == "USER":
            users.add(ctx.scopes.expand(instruction, instruction.args.split(":")[0].strip()).value)
        elif instruction.keyword == "WORKDIR":
            made = _IMAGE_HOME.match(ctx.scopes.expand(instruction, instruction.args.strip().strip("\"'")).value)
            if made:
                users.add(made.group(1))
        elif instruction.keyword in ("COPY", "ADD"):
            owner = instruction.flag("chown")
            if owner:
                users.add(owner.split(":")[0])
            words = list(instruction.words)
            made = _IMAGE_HOME.match(words[-1]) if words else None
            if made:
                users.add(made.group(1))
        elif instruction.keyword == "RUN":
            for command in ctx.shell(instruction).commands:
                argv = command.effective().argv
                program = argv[0].rsplit("/", 1)[-1] if argv else ""
                if program in _MAKES_PATHS:  # mkdir, install -d, tar -C, mv, cp, ln, git clone, unzip -d …
                    users.update(m.group(1) for m in map(_IMAGE_HOME.match, argv[1:]) if m)
                if argv and argv[0].rsplit("/", 1)[-1] in ("useradd", "adduser"):
                    names = [w for w in argv[1:] if not w.startswith("-")]
                    if names:
                        users.add(names[-1])
                    for index, word in enumerate(argv):
                        if word in ("-d", "--home", "--home-dir") and index + 1 < len(argv):
                            home = argv[index + 1].rstrip("/").rsplit("/", 1)[-1]
                            users.add(home)
        elif instruction.keyword in ("ARG", "ENV"):
            from portlint.dockerfile.variables import assignments

            for name, value in assignments(instruction):
                if name.upper() in ("USER", "USERNAME", "NB_USER", "APP_USER", "UNAME", "USER_NAME") and value:
                    users.add(value)
    return {u for u in users if u}


def host_home_match(text: str, users: set[str]) -> str | None:
    for match in _HOME_PATH.finditer(text):
        if match.group("home") is not None:
            user = match.group("home")
            if user in users or user.startswith("$"):
                continue
            return match.group(0)
        if match.group("mac") is not None:
            if match.group("mac") in ("Shared",):
                continue
            return match.group(0)
        return match.group(0)
    return None


_HOME_KEYWORDS = ("ENV", "ARG", "WORKDIR", "RUN", "VOLUME", "CMD", "ENTRYPOINT", "LABEL")


@check("PL303")
def host_home_path(ctx: LintContext) -> Iterator[Hit]:
    users = _image_users(ctx)
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in _HOME_KEYWORDS:
            continue
        text = instruction.args + "".join("\n" + d.body for d in instruction.heredocs)
        found = host_home_match(text, users)
        if found is None:
            continue
        yield Hit(
            instruction.span,
            f"'{found.rstrip('/')}' is a home directory on the author's machine, not a path in the image; "
            "on any other machine it does not exist",
            fix="Use a path inside the image (WORKDIR /app, ENV DATA_DIR=/data) and mount host data at run time (docker run -v)",
        )


_LOOPBACK = r"(?:localhost|127(?:\.\d{1,3}){3}|host\.docker\.internal|\[::1\]|::1)"
_PRIVATE = r"(?:10(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2})"
_URL_HOST = re.compile(rf"[a-z][a-z0-9+.-]*://(?:[^@/\s]+@)?(?P<host>{_LOOPBACK}|{_PRIVATE})(?=[:/\s\"']|$)", re.I)
_BARE_HOST = re.compile(rf"^(?P<host>{_LOOPBACK}|{_PRIVATE})(?::\d+)?$", re.I)
_ADDRESS_NAME = re.compile(r"(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|ENDPOINT|URL|URI|DSN|BROKER|_IP)$", re.I)
_NOT_A_SERVICE = re.compile(r"NO_PROXY|ORIGIN|ALLOWED|TRUSTED|BIND|LISTEN|CORS|INTERNAL_IPS", re.I)


def _service_address(name: str, value: str) -> str | None:
    if _NOT_A_SERVICE.search(name):
        return None
    match = _URL_HOST.search(value)
    if match:
        return match.group("host")
    if _ADDRESS_NAME.search(name):
        bare = _BARE_HOST.match(value.strip())
        if bare:
            return bare.group("host")
    return None


@check("PL305")
def host_network_assumption(ctx: LintContext) -> Iterator[Hit]:
    from portlint.dockerfile.variables import assignments

    for instruction in ctx.dockerfile.instructions:
        found = None
        if instruction.keyword in ("ENV", "ARG"):
            for name, value in assignments(instruction):
                found = _service_address(name, value or "")
                if found:
                    found = (found, name)
                    break
        elif instruction.keyword in ("CMD", "ENTRYPOINT"):
            words = list(instruction.json_args) if instruction.json_args is not None else [
                w for c in ctx.shell(instruction).commands for w in c.argv
            ]
            for index, word in enumerate(words):
                option, _, inline = word.partition("=")
                if option in ("--bind", "-b", "--listen"):
                    continue
                if option in ("--host", "-h", "--hostname", "--server", "--broker", "--db-host") and (inline or index + 1 < len(words)):
                    value = inline or words[index + 1]
                    bare = _BARE_HOST.match(value)
                    if bare:
                        found = (bare.group("host"), option)
                        break
                url = _URL_HOST.search(word)
                if url:
                    found = (url.group("host"), "the command")
                    break
        if not found:
            continue
        host, where = found
        loopback = re.match(_LOOPBACK, host, re.I) is not None
        why = (
            "inside a container it means the container itself, not the machine the service runs on"
            if loopback and not host.startswith("host.docker")
            else "it names one machine's network; elsewhere the address is unreachable or belongs to someone else"
        )
        yield Hit(
            instruction.span,
            f"{where} points at {host}: {why}",
            fix="Read service addresses from the environment at run time (docker run -e DATABASE_URL=…); "
            "bind servers to 0.0.0.0",
        )


# ---- PL306: host paths inside the Python sources ----------------------------------------


_HOST_PATH_TEXT = ("/home/", "/Users/", ":/Users", ":\\", "/mnt/")
# Each marker also appears in the source bytes of a literal that holds it ("C:\\data"
# and r"C:\data" both contain ':\'), so a file without any needs no second parse.
_HOST_PATH_MARKERS = tuple(marker.encode() for marker in _HOST_PATH_TEXT)


@lru_cache(maxsize=512)
def _string_constants(path: str, only_opened: bool = False) -> tuple[tuple[int, int, str, bool], ...]:
    """(line, column, value) of string literals that name a path on their own: not docstrings,
    not text that merely contains a path (a sample stack trace, a template), not the operands
    of a comparison or an assert (a test's expectation), not under a platform check."""
    from pathlib import Path

    try:
        data = Path(path).read_bytes()
        if not any(marker in data for marker in _HOST_PATH_MARKERS):
            return ()  # most files: no need to parse them a second time
        tree = ast.parse(data)
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return ()
    collector = _PathLiterals(only_opened)
    collector.visit(tree)
    return tuple(sorted(collector.found))


# Calls that open, list or load what a path names (in a test, only these count).
_FILE_CALLS = frozenset(
    "open listdir scandir walk glob iglob exists isfile isdir stat chdir makedirs mkdir rmtree remove unlink "
    "copy copyfile copytree move Path read_csv read_parquet read_json read_excel read_table load loadtxt imread "
    "open_dataset load_dataset from_pretrained load_model read_text read_bytes".split()
)


_PLATFORM_TEST = re.compile(r"sys\.platform|os\.name|platform\.system|IS_WINDOWS|is_windows|WINDOWS|win32|darwin", re.I)


# Keyword arguments whose text a user reads, not a path the code opens: a UI's example or
# prefilled value (gr.Textbox(placeholder="/home/me/audio.wav"), value="D:\\raw\\xxx"), a CLI's help.
_UI_TEXT_KEYWORDS = frozenset({"placeholder", "label", "info", "help", "description", "examples", "example",
                               "title", "hint", "metavar", "tooltip", "value"})
# Windows' own folders (a default for %SYSTEMROOT%), never the author's files.
_WINDOWS_SYSTEM = re.compile(r"^[A-Za-z]:\\+(Windows|Program Files|ProgramData)\b", re.I)


def _is_main_test(test: ast.expr) -> bool:
    """`__name__ == "__main__"`, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.comparators) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in sides)


# Values a configuration overrides or a user is shown: `default_config`, `connection_args_example`.
_PLACEHOLDER_NAME = re.compile(r"default|example|sample|placeholder", re.I)


class _PathLiterals(ast.NodeVisitor):
    """String literals that are a host path by themselves, where the code would open them."""

    def __init__(self, only_opened: bool = False) -> None:
        self.found: list[tuple[int, int, str, bool]] = []  # (line, column, value, under `if __name__ == "__main__"`)
        self.in_main = 0
        self.skipped = 0  # inside an assert, a comparison or a platform branch
        self.only_opened = only_opened  # keep only literals passed straight to a file call
        self.opening = 0

    def _skip(self, nodes) -> None:
        self.skipped += 1
        for node in nodes:
            self.visit(node)
        self.skipped -= 1

    def _body(self, node) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for child in [*getattr(node, "decorator_list", []), *body]:
            self.visit(child)

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _body

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else "" for t in targets]
        if any(_PLACEHOLDER_NAME.search(name) for name in names):
            self._skip([node.value] if node.value is not None else [])  # `default_config = {…}`: overridden, or shown
        else:
            self.generic_visit(node)

    visit_AnnAssign = visit_Assign

    def visit_Assert(self, node: ast.Assert) -> None:
        self._skip([node.test, *([node.msg] if node.msg else [])])

    def visit_Compare(self, node: ast.Compare) -> None:
        self._skip([node.left, *node.comparators])

    def visit_If(self, node: ast.If | ast.IfExp) -> None:
        if isinstance(node, ast.If) and _is_main_test(node.test):
            self.in_main += 1
            self.generic_visit(node)
            self.in_main -= 1
        elif _PLATFORM_TEST.search(ast.dump(node.test)):
            branches = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [*node.body, *node.orelse]
            self._skip(branches)
        else:
            self.generic_visit(node)

    visit_IfExp = visit_If

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if _extends_import_path(func):
            return  # Python skips a sys.path entry that does not exist: nothing fails
        self.visit(func)
        opening = name in _FILE_CALLS
        self.opening += opening
        for argument in [*node.args, *(k.value for k in node.keywords if k.arg not in _UI_TEXT_KEYWORDS)]:
            self.visit(argument)
        self.opening -= opening

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if self.only_opened and not self.opening:
            return
        if self.skipped or not isinstance(value, str) or "\n" in value or len(value) > 260:
            return
        stripped = value.strip().strip("'\"")
        if stripped.startswith(_HOST_PATH_TEXT) or _WINDOWS_DRIVE.match(stripped):
            self.found.append((node.lineno, node.col_offset + 1, value, self.in_main > 0))


def _command_runs_tests(ctx: LintContext) -> bool:
    """CMD ["pytest"], `python -m pytest tests/`, `python -m unittest`: the container runs the tests."""
    from portlint.python.program import stage_command

    runs, _ = stage_command(ctx, len(ctx.dockerfile.stages) - 1)
    return any(word.rsplit("/", 1)[-1] in ("pytest", "py.test", "unittest", "tox", "nox")
               for _, argv, _ in runs for word in argv[:3])


def _extends_import_path(func: ast.expr) -> bool:
    """``sys.path.append(…)``/``insert``/``extend`` (or another ``….path`` search list) and ``site.addsitedir(…)``."""
    if isinstance(func, ast.Attribute) and func.attr == "addsitedir":
        return True
    # sys.path, nltk.data.path and other search lists: a folder that is not there is skipped
    return (isinstance(func, ast.Attribute) and func.attr in ("append", "insert", "extend")
            and isinstance(func.value, ast.Attribute) and func.value.attr == "path")


@check("PL306")
def host_path_in_source(ctx: LintContext) -> Iterator[Hit]:
    if ctx.images is None or ctx.context_dir is None:
        return
    from portlint.checks.dependencies import TEST_FILE, command_files, separate_project

    users = _image_users(ctx)
    known = command_files(ctx)
    tests_run = _command_runs_tests(ctx)
    for placed in sorted(ctx.images.final.python_files(), key=lambda p: p.image_path):
        # A test's strings are mostly fixtures and expectations: there only a path it opens counts.
        only_opened = bool(TEST_FILE.search(placed.context_path))
        literals = _string_constants(str(ctx.context_dir / placed.context_path), only_opened)
        if not literals:
            continue
        runs = known is None or placed.image_path in known[0]
        # a __main__ block runs when the file is the program: unknown, for a module of a package, means no
        in_package = posixpath.join(posixpath.dirname(placed.image_path), "__init__.py") in ctx.images.final.files
        as_script = placed.image_path in known[1] if known is not None else not in_package
        for line, column, value, in_main in literals:
            found = host_home_match(value, users)
            if found is None and _WINDOWS_DRIVE.match(value) and "\\" in value and not _WINDOWS_SYSTEM.match(value):
                found = value[:40]
            if found is None:
                continue
            # a test's data paths matter where the tests run (CI, a developer's machine), unless the command runs them
            never = not runs or (in_main and not as_script) or (
                only_opened and not tests_run and (known is None or placed.image_path not in known[0])) or (
                known is None and separate_project(ctx, placed.context_path) is not None)
            yield Hit(
                Span(line, column=column),
                f"'{value[:80]}' is a path on the author's machine; in the container (copied to "
                f"{placed.image_path}) it does not exist and the code fails with FileNotFoundError"
                + (" if it ever runs there: the container's command does not run this code" if never else ""),
                fix="Read the location from an environment variable or argument (os.environ['DATA_DIR']) "
                "and mount or copy the data into the image",
                path=placed.context_path,
                severity=Severity.INFO if never else None,
            )


# ---- PL307: CRLF line endings in what gets executed ---------------------------------------


_EXECUTABLE_MODE = re.compile(r"^(?:[0-7]?[0-7]*[1357][0-7]{0,2}|[ugoa]*[+=][rwxXst]*x[rwxXst]*)$")


def _executed_scripts(ctx: LintContext) -> dict[str, Instruction]:
    """Image paths of copied scripts that RUN, CMD or ENTRYPOINT execute."""
    from portlint.python.program import find_entrypoints

    images = ctx.images
    executed: dict[str, Instruction] = {}
    if images is None:
        return executed
    entries, _ = find_entrypoints(ctx, len(ctx.dockerfile.stages) - 1)
    for entry in entries:
        if entry.kind == "shell-script" and entry.image_path:
            executed.setdefault(entry.image_path, entry.instruction)
    for stage_image in images.stages:
        for instruction in stage_image.stage.instructions:
            if instruction.keyword != "RUN":
                continue
            workdir = stage_image.workdir_at(instruction)
            for command in ctx.shell(instruction).commands:
                argv = command.effective().argv
                if not argv:
                    continue
                name = argv[0].rsplit("/", 1)[-1]
                candidates = []
                if name in ("sh", "bash", "ash", "dash", "source", "."):
                    candidates = [w for w in argv[1:] if not w.startswith("-")][:1]
                elif argv[0].endswith(".sh") or argv[0].startswith(("./", "/")):
                    candidates = [argv[0]]
                elif name == "chmod":
                    words = [w for w in argv[1:] if not w.startswith("-")]
                    if words and _EXECUTABLE_MODE.match(words[0]):
                        candidates = words[1:]
                for candidate in candidates:
                    path = posixpath.normpath(posixpath.join(workdir, candidate))
                    executed.setdefault(path, instruction)
    return executed


@check("PL307")
def crlf_line_endings(ctx: LintContext) -> Iterator[Hit]:
    if "\r\n" in ctx.dockerfile.source.text:
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword == "RUN" and instruction.heredocs:
                yield Hit(
                    instruction.span,
                    "This Dockerfile has Windows (CRLF) line endings, so the heredoc script reaches the "
                    "shell with a carriage return on every line ('$'\\r': command not found')",
                    fix="Convert the Dockerfile to LF line endings (git config core.autocrlf input, or a .gitattributes rule)",
                )
    if ctx.images is None or ctx.context_dir is None:
        return
    seen = set()
    for image_path, instruction in _executed_scripts(ctx).items():
        for stage_image in ctx.images.stages:
            placed = stage_image.files.get(image_path)
            if placed is None or placed.context_path is None or placed.context_path in seen:
                continue
            try:
                data = (ctx.context_dir / placed.context_path).read_bytes()
            except OSError:
                continue
            if b"\r\n" not in data:
                continue
            seen.add(placed.context_path)
            first = data.split(b"\n", 1)[0]
            symptom = (
                f"exec {image_path}: no such file or directory (the kernel looks for an interpreter named '{first[2:].strip().decode(errors='replace')}\\r')"
                if first.startswith(b"#!")
                else "'$'\\r': command not found"
            )
            yield Hit(
                instruction.span,
                f"{placed.context_path} has Windows (CRLF) line endings and is executed in the image: {symptom}",
                fix=f"Convert {placed.context_path} to LF (add '*.sh text eol=lf' to .gitattributes), or RUN sed -i 's/\\r$//' {image_path}",
            )
