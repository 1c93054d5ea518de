"""What a Python source imports, read with ``ast`` (the code is never imported or run)."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import lru_cache

from portlint.suppress import trailing_ignores

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


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


@dataclass(frozen=True)
class ModuleImports:
    """The imports of one Python file, or why it could not be read."""

    imports: tuple[ImportRef, ...]
    error: str | None = None


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


def _guard(test: ast.expr) -> str | None:
    """Why an ``if`` makes its imports conditional: TYPE_CHECKING, a version or platform check."""
    text = ast.unparse(test) if hasattr(ast, "unparse") else ""
    if "TYPE_CHECKING" in text:
        return "TYPE_CHECKING"
    if "version_info" in text or "sys.version" in text:
        return "a Python version check"
    if "sys.platform" in text or "os.name" in text or "platform.system" in text:
        return "a platform check"
    return None


class _Collector(ast.NodeVisitor):
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.found: list[ImportRef] = []
        self.reasons: list[str] = []
        self.function_depth = 0

    def _add(self, node: ast.AST, module: str, names: tuple[str, ...], level: int) -> None:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        reason = self.reasons[-1] if self.reasons else None
        self.found.append(
            ImportRef(module, names, line, getattr(node, "col_offset", 0) + 1, bool(self.reasons), reason, level,
                      self.function_depth > 0, trailing_ignores(text))
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name, (), 0)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._add(node, node.module or "", tuple(a.name for a in node.names), node.level or 0)

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(h) for h in node.handlers)
        if guarded:
            self.reasons.append("try/except ImportError")
        for child in node.body:
            self.visit(child)
        if guarded:
            self.reasons.pop()
        for child in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(child)

    visit_TryStar = visit_Try

    def visit_If(self, node: ast.If) -> None:
        reason = _guard(node.test)
        if reason == "TYPE_CHECKING":  # only type checkers run this branch, never the program
            for child in node.orelse:
                self.visit(child)
            return
        if reason:
            self.reasons.append(reason)
        for child in node.body:
            self.visit(child)
        for child in node.orelse:
            self.visit(child)  # the else branch of a version check is just as conditional
        if reason:
            self.reasons.pop()

    def _function(self, node: ast.AST) -> None:
        self.function_depth += 1
        self.generic_visit(node)
        self.function_depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function


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
    return ModuleImports(tuple(collector.found))
