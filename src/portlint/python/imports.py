"""What a Python source imports, read with ``ast`` (the code is never imported or run).

The same pass notes which functions the module calls, and where: at module level (they
run when the module is imported), inside each function (web route handlers marked), and
under which ``if``/``while``/``except`` condition, so the program's call graph can say
when an import inside a function runs.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from portlint.suppress import trailing_ignores

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# Decorators that make a function a web route handler: @app.get("/x"), @router.post(…),
# @app.route("/x") (FastAPI, Flask, Starlette, Quart, Sanic, Litestar-style)
_ROUTE_METHODS = frozenset({"get", "post", "put", "delete", "patch", "head", "options", "trace", "websocket"})
_ROUTE_ANY = frozenset({"route", "api_route", "add_api_route"})
_CONDITION_LENGTH = 60


_CACHE_TEST = re.compile(r"(?:not\s+)?(?P<name>[A-Za-z_]\w*)(?:\s+is\s+None)?")


def _caches(condition: str, bound: tuple[str, ...]) -> bool:
    """`gpd is None` / `not gpd` guarding an import that binds gpd: the first call imports it."""
    match = _CACHE_TEST.fullmatch(condition.strip())
    return match is not None and match.group("name") in bound


@dataclass(frozen=True)
class ImportRef:
    """One import statement's module, place and guard."""

    module: str  # "sklearn.linear_model"; for `from . import x` the empty string
    names: tuple[str, ...]  # `from X import a, b` -> ("a", "b")
    line: int
    column: int
    optional: bool
    reason: str | None  # why it is optional
    level: int  # 0 absolute, >0 relative
    in_function: bool
    ignored_rules: tuple[str, ...] = ()
    function: str | None = None  # the module-level function (or method) whose body holds it
    condition: str | None = None  # in that function: the if/while test or except clause it runs under
    module_condition: str | None = None  # at module level: the test it runs under (not a __main__ guard)
    main_guard: bool = False  # under `if __name__ == "__main__":` at module level: runs only as the program


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call of a function by its name (``load_model(…)``, ``backends.load_model(…)``)."""

    name: str  # the called name, without what it is looked up on
    line: int
    condition: str | None  # the if/while test or except clause it runs under; None: always


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """A module-level function or method and the calls in its body."""

    name: str
    line: int
    route: str | None  # "POST /generate" for a web route handler, "startup" for a start-up hook
    calls: tuple[CallSite, ...]


@dataclass(frozen=True)
class ModuleImports:
    """The imports of one Python file, or why it could not be read, and the calls it makes."""

    imports: tuple[ImportRef, ...]
    error: str | None = None
    functions: tuple[FunctionInfo, ...] = ()
    module_calls: tuple[CallSite, ...] = ()  # made when the module is imported
    # dotted names in string literals ("shop.urls", "orders.apps.OrdersConfig"): modules a
    # framework imports by name (Django settings and URLconfs, Celery, importlib, plugins)
    named_modules: tuple[str, ...] = ()
    installs_packages: bool = False  # it runs pip install itself (subprocess, os.system): optional deps at run time


_PIP_INSTALL_TEXT = re.compile(r"\bpip3?\s+install\b")
_PROCESS_CALLS = frozenset({"check_call", "check_output", "run", "call", "Popen", "system", "popen", "getoutput",
                            "getstatusoutput"})


def _runs_pip_install(tree: ast.AST) -> bool:
    """``subprocess.check_call([sys.executable, "-m", "pip", "install", pkg])``,
    ``os.system(f"pip install {pkg}")`` and the like, anywhere in the module (a message
    that tells the user to run pip is not a call that runs it)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in _PROCESS_CALLS:
            continue
        command = node.args[0]
        if isinstance(command, (ast.List, ast.Tuple)):
            words = [e.value for e in command.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if "install" in words and any(w in ("pip", "pip3") for w in words):
                return True
        texts = [c.value for c in ast.walk(command) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
        if any(_PIP_INSTALL_TEXT.search(t) for t in texts):
            return True
    return False


@lru_cache(maxsize=1)
def stdlib_modules() -> frozenset[str]:
    extra = {"__future__", "_thread", "__main__", "builtins", "sys"}
    return frozenset(getattr(sys, "stdlib_module_names", ())) | extra


def top_level(module: str) -> str:
    return module.split(".", 1)[0]


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for node in types:
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if name in _IMPORT_ERRORS:
            return True
    return False


def _guard(text: str) -> str | None:
    """Why an ``if`` (its test's source) makes its imports conditional: TYPE_CHECKING, a
    version or platform check."""
    if "TYPE_CHECKING" in text:
        return "TYPE_CHECKING"
    if "version_info" in text or "sys.version" in text:
        return "a Python version check"
    if "sys.platform" in text or "os.name" in text or "platform.system" in text:
        return "a platform check"
    return None


def _source(node: ast.AST | None, lines: list[str]) -> str:
    """The source of an expression on one line, sliced from the file (ast.unparse costs a
    big context real time when every ``if`` pays for it)."""
    start, end = getattr(node, "lineno", 0), getattr(node, "end_lineno", None) or 0
    if not 0 < start <= end <= len(lines):
        return ast.unparse(node) if isinstance(node, ast.AST) else ""
    first, last = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None)
    if start == end:
        text = lines[start - 1].encode()[first:last].decode(errors="replace")
    else:
        parts = [lines[start - 1].encode()[first:].decode(errors="replace"), *lines[start:end - 1],
                 lines[end - 1].encode()[:last].decode(errors="replace")]
        text = " ".join(part.strip() for part in parts)
    return " ".join(text.split())


def _text(node: ast.AST | None, lines: list[str]) -> str:
    """A condition as messages quote it: its source, shortened."""
    text = _source(node, lines)
    return text if len(text) <= _CONDITION_LENGTH else text[: _CONDITION_LENGTH - 1] + "…"


def _route(decorators: list[ast.expr]) -> str | None:
    """"POST /generate" for @app.post("/generate"), "/x" for @app.route("/x"), "startup" for
    @app.on_event("startup"); None for any other function."""
    for decorator in decorators:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        method = decorator.func.attr
        first = decorator.args[0] if decorator.args else None
        path = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if method == "on_event" and path == "startup":
            return "startup"
        if method in _ROUTE_METHODS:
            return f"{method.upper()} {path}" if path is not None else method.upper()
        if method in _ROUTE_ANY:
            return path or "a route"
    return None


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


# Calls that install a package while the program runs, before the import that needs it.
_RUNTIME_INSTALL = re.compile(r"^(check_requirements?|ensure_(installed|package|packages|requirements)|install_(package|packages|requirements)|pip_install|require_package)$")


def _main_guard(condition: str) -> bool:
    """``if __name__ == "__main__":`` runs when the file is the program, which is how it is judged."""
    return "__name__" in condition and "__main__" in condition and not condition.startswith("not (")


class _Collector(ast.NodeVisitor):
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.found: list[ImportRef] = []
        self.reasons: list[str] = []
        self.function_depth = 0
        self.function: str | None = None  # the module-level function being read
        self.conditions: list[str] = []  # governing tests, innermost last (reset in each function)
        self.calls: list[CallSite] = []  # where calls go: the module's list or a function's
        self.module_calls = self.calls
        self.functions: list[FunctionInfo] = []

    def _add(self, node: ast.AST, module: str, names: tuple[str, ...], level: int, bound: tuple[str, ...] = ()) -> None:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        reason = self.reasons[-1] if self.reasons else None
        installer = next((c.name for c in self.calls if c.line <= line and _RUNTIME_INSTALL.match(c.name)), None)
        if self.function and installer and reason is None:
            self.reasons.append(f"{installer}(), which installs it at run time")  # ultralytics' check_requirements
            self._add(node, module, names, level, bound)
            self.reasons.pop()
            return
        governing = [c for c in self.conditions if not _main_guard(c)]
        if self.function and self.conditions and _caches(self.conditions[-1], bound):
            # `global gpd; if gpd is None: import geopandas as gpd`: a lazy import, run on the first
            # call, not a condition that may never hold
            cache_test = self.conditions.pop()
            try:
                self._add(node, module, names, level)
            finally:
                self.conditions.append(cache_test)
            return
        self.found.append(
            ImportRef(module, names, line, getattr(node, "col_offset", 0) + 1, bool(self.reasons), reason, level,
                      self.function_depth > 0, trailing_ignores(text), self.function,
                      self.conditions[-1] if self.conditions and self.function else None,
                      governing[-1] if governing and not self.function and not self.reasons else None,
                      not self.function and any(_main_guard(c) for c in self.conditions))
        )

    def _under(self, condition: str | None, nodes: list[ast.AST]) -> None:
        if condition is not None:
            self.conditions.append(condition)
        for child in nodes:
            self.visit(child)
        if condition is not None:
            self.conditions.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node.func)
        if name is not None:
            self.calls.append(CallSite(name, node.lineno, self.conditions[-1] if self.conditions else None))
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self._under(_text(node.test, self.lines), node.body)
        self._under(None, node.orelse)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name, (), 0, (alias.asname or alias.name.split(".")[0],))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._add(node, node.module or "", tuple(a.name for a in node.names), node.level or 0,
                  tuple(a.asname or a.name for a in node.names))

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(h) for h in node.handlers)
        if guarded:
            self.reasons.append("try/except ImportError")
        for child in node.body:
            self.visit(child)
        if guarded:
            self.reasons.pop()
        for handler in node.handlers:
            clause = f"except {_text(handler.type, self.lines)}" if handler.type is not None else "except"
            self._under(f"{clause} (when the try fails)", [handler])
        for child in [*node.orelse, *node.finalbody]:
            self.visit(child)

    visit_TryStar = visit_Try

    def visit_If(self, node: ast.If) -> None:
        source = _source(node.test, self.lines)
        reason = _guard(source)
        test = source if len(source) <= _CONDITION_LENGTH else source[: _CONDITION_LENGTH - 1] + "…"
        if reason == "TYPE_CHECKING":  # only type checkers run this branch, never the program
            for child in node.orelse:
                self.visit(child)
            return
        if reason:
            self.reasons.append(reason)
        self.visit(node.test)
        self._under(test, node.body)
        self._under(f"not ({test})", node.orelse)  # the else branch of a version check is just as conditional
        if reason:
            self.reasons.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outermost = self.function is None
        saved = self.calls, self.conditions
        if outermost:
            self.function, self.calls, self.conditions = node.name, [], []
        self.function_depth += 1
        for child in node.body:  # decorators and defaults run at definition, not when called
            self.visit(child)
        self.function_depth -= 1
        if outermost:
            self.functions.append(FunctionInfo(node.name, node.lineno, _route(node.decorator_list), tuple(self.calls)))
            self.function = None
            self.calls, self.conditions = saved

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function


_DOTTED_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::[A-Za-z_][A-Za-z0-9_]*)?$")


def parse_imports(source: str | bytes, filename: str = "<unknown>") -> ModuleImports:
    try:
        if isinstance(source, bytes):
            text = source.decode("utf-8", errors="replace")
        else:
            text = source
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        return ModuleImports((), f"invalid Python syntax at line {exc.lineno or 1}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return ModuleImports((), f"cannot parse: {exc.__class__.__name__}")
    collector = _Collector(text.split("\n"))
    try:
        collector.visit(tree)
    except RecursionError:
        return ModuleImports(tuple(collector.found), "nesting too deep to analyse completely")
    named = tuple(dict.fromkeys(
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= 200
        and _DOTTED_NAME.match(node.value)
    ))
    return ModuleImports(tuple(collector.found), functions=tuple(collector.functions),
                         module_calls=tuple(collector.module_calls), named_modules=named,
                         installs_packages=_runs_pip_install(tree))
