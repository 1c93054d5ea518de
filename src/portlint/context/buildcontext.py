"""The build context on disk: walked once, with .dockerignore applied as Docker does."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portlint.context.dockerignore import DockerIgnore

# Directories that never matter to the analysis and can be huge: a repository's
# history, virtualenvs, dependency caches.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", ".venv", "venv"})
MAX_FILES = 50_000
_GLOB_CHARS = re.compile(r"[*?\[]")


def has_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS.search(pattern))


def normalize(relative: str) -> str:
    """The context-relative POSIX path a COPY source names, resolved as BuildKit does:
    from the context root, where '..' stops (``../app.py`` is ``app.py``)."""
    cleaned = posixpath.normpath("/" + relative.replace("\\", "/")).lstrip("/")
    return "" if cleaned == "." else cleaned


def climbs_out(relative: str) -> bool:
    """Whether a source is written as if it could leave the context (``../shared``)."""
    return posixpath.normpath(relative.replace("\\", "/")).startswith("..")


@dataclass
class BuildContext:
    """The files of a build context, walked once, with .dockerignore applied."""

    root: Path
    files: list[str] = field(default_factory=list)  # every file, context-relative, sorted
    truncated: bool = False  # the walk stopped at MAX_FILES
    dockerignore: DockerIgnore | None = None

    @cached_property
    def top_level_modules(self) -> dict[str, str]:
        """Module name -> the first file (``pkg/mod.py``) or package (``pkg/``) defining it."""
        found: dict[str, str] = {}
        for path in self.files:
            directory, _, name = path.rpartition("/")
            if name == "__init__.py" and directory:
                found.setdefault(directory.rpartition("/")[2], directory + "/")
            elif name.endswith(".py"):
                found.setdefault(name[:-3], path)
        return found

    @classmethod
    def load(cls, root: Path) -> BuildContext:
        ignore = None
        ignore_file = root / ".dockerignore"
        if ignore_file.is_file():
            from portlint.context.dockerignore import parse_dockerignore

            try:
                ignore = parse_dockerignore(ignore_file.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                ignore = None
        context = cls(root=root, dockerignore=ignore)
        context._walk()
        return context

    def _walk(self) -> None:
        found: list[str] = []
        root = str(self.root)
        for directory, dirnames, filenames in os.walk(root):
            relative_dir = os.path.relpath(directory, root).replace(os.sep, "/")
            relative_dir = "" if relative_dir == "." else relative_dir
            kept = []
            for name in dirnames:
                child = f"{relative_dir}/{name}" if relative_dir else name
                if name in SKIP_DIRS or os.path.isfile(os.path.join(directory, name, "pyvenv.cfg")):
                    continue
                if self.dockerignore is not None and not self.dockerignore.may_include_under(child):
                    continue
                kept.append(name)
            dirnames[:] = sorted(kept)
            for name in sorted(filenames):
                found.append(f"{relative_dir}/{name}" if relative_dir else name)
                if len(found) >= MAX_FILES:
                    self.truncated = True
                    dirnames[:] = []
                    break
            if self.truncated:
                break
        self.files = sorted(found)

    @cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    @cached_property
    def _dirs(self) -> frozenset[str]:
        dirs = {""}
        for path in self.files:
            parent = posixpath.dirname(path)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = posixpath.dirname(parent)
        return frozenset(dirs)

    def excluded(self, relative: str) -> bool:
        return self.dockerignore is not None and relative != "" and self.dockerignore.is_excluded(relative)

    def is_file(self, relative: str) -> bool:
        return relative in self._file_set

    def is_dir(self, relative: str) -> bool:
        return relative in self._dirs

    def files_under(self, directory: str) -> list[str]:
        if directory == "":
            return list(self.files)
        prefix = directory.rstrip("/") + "/"
        return [f for f in self.files if f.startswith(prefix)]

    def glob(self, pattern: str) -> list[str]:
        """Files and directories matching a COPY source pattern (``*`` stays in one directory)."""
        regex = _glob_regex(pattern)
        candidates = sorted(self._file_set | self._dirs - {""})
        return [path for path in candidates if regex.match(path)]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    from portlint.context.globs import translate

    return re.compile(translate(pattern) + r"\Z")
