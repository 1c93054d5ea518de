"""Which Dockerfiles a run lints, and with which build context."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from portlint.engine import Target, context_display

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".mypy_cache", ".pytest_cache",
     ".ruff_cache", "__pycache__", "node_modules", "site-packages", ".eggs"}
)


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def _walk(root: str) -> list[str]:
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in SKIP_DIRS and not os.path.isfile(os.path.join(directory, d, "pyvenv.cfg"))
        )
        found.extend(os.path.join(directory, f) for f in sorted(filenames) if is_dockerfile_name(f))
    return found


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def _file_target(display: str, context: str | None) -> Target:
    path = Path(display)
    if context is not None:
        return Target(display, path, Path(context), context_display(Path(context), context), context_given=True)
    parent = os.path.dirname(display) or "."
    return Target(display, path, Path(parent), parent)


def discover(paths: list[str], context: str | None, stdin: bytes | None = None) -> tuple[list[Target], list[str]]:
    """Targets to lint and error messages for paths that name nothing lintable."""
    targets: list[Target] = []
    errors: list[str] = []
    if not paths:
        for default in ("Dockerfile", "Containerfile"):
            if os.path.isfile(default):
                paths = [default]
                break
        else:
            return [], ["no Dockerfile in the current directory; pass a path (portlint path/to/Dockerfile)"]
    for given in paths:
        if given == "-":
            ctx = Path(context) if context is not None else None
            targets.append(Target("<stdin>", None, ctx, context, data=stdin if stdin is not None else b"", context_given=True))
        elif os.path.isdir(given):
            found = _walk(given)
            if not found:
                errors.append(f"no Dockerfile found in directory '{given}'")
            targets.extend(_file_target(_display(p), context) for p in found)
        elif os.path.exists(given):
            targets.append(_file_target(_display(given), context))
        else:
            errors.append(f"path '{given}' does not exist")
    return targets, errors
