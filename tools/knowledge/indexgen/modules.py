"""Import names and commands a wheel provides, from the names of its files.

``numpy/__init__.py`` makes ``numpy`` importable; ``six.py`` makes ``six``;
``_cffi_backend.cpython-312-x86_64-linux-gnu.so`` makes ``_cffi_backend``.  A
directory without ``__init__.py`` is a namespace package (PEP 420) shared by several
distributions, so the name is taken at the level where they split:
``google/cloud/storage/__init__.py`` gives ``google.cloud.storage``.  Legacy
namespaces keep an ``__init__.py`` but list themselves in ``namespace_packages.txt``.
"""

from __future__ import annotations

import configparser
import re
from collections import defaultdict

_DIST_INFO = re.compile(r"^[^/]+\.(dist-info|egg-info)/")
_DATA_LIB = re.compile(r"^[^/]+\.data/(purelib|platlib)/")
_DATA_SCRIPT = re.compile(r"^[^/]+\.data/scripts/([^/]+)$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CODE = re.compile(r"\.(py|pyc|so|pyd)$|\.(cpython|abi3|pypy)[^/]*\.(so|pyd)$")
# Folders that packaging mistakes put at the top of many wheels: never what `import` means.
NOT_IMPORT_NAMES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "benchmark", "scripts",
     "src", "build", "dist", "__pycache__", "site-packages", "lib", "bin", "include", "share", "etc", "data"}
)
_MAX_DEPTH = 4


def _importable_path(name: str) -> str | None:
    """The member's path as the import system sees it, or None (metadata, data, scripts)."""
    if _DIST_INFO.match(name):
        return None
    data = _DATA_LIB.match(name)
    if data:
        return name[data.end():]
    if re.match(r"^[^/]+\.data/", name):
        return None
    return name


def _module_name(filename: str) -> str | None:
    if filename.endswith(".py"):
        stem = filename[:-3]
    elif _CODE.search(filename) and not filename.endswith(".pyc"):
        stem = filename.split(".", 1)[0]
    else:
        return None
    return stem if _IDENTIFIER.match(stem) else None


def import_names(members: list[str], namespace_packages: set[str] = frozenset()) -> list[str]:
    """Dotted import names, at the namespace level where distributions split."""
    tree: dict[str, set[str]] = defaultdict(set)  # package path -> files directly in it
    for member in members:
        path = _importable_path(member)
        if not path or path.endswith("/"):
            continue
        folder, _, filename = path.rpartition("/")
        tree[folder].add(filename)
    names: set[str] = set()
    _walk("", tree, namespace_packages, names, depth=0)
    return sorted(names)


def _walk(folder: str, tree: dict[str, set[str]], namespaces: set[str], names: set[str], depth: int) -> None:
    prefix = folder.replace("/", ".")
    for filename in tree.get(folder, ()):
        module = _module_name(filename)
        if module and module != "__init__" and folder and not _has_init(folder, tree, namespaces):
            names.add(f"{prefix}.{module}")  # a module directly in a namespace folder
        elif module and module != "__init__" and not folder and module not in NOT_IMPORT_NAMES:
            names.add(module)
    for child in sorted(_children(folder, tree)):
        path = f"{folder}/{child}" if folder else child
        if not _IDENTIFIER.match(child) or (not folder and child in NOT_IMPORT_NAMES) or not _holds_code(path, tree):
            continue
        dotted = path.replace("/", ".")
        if _has_init(path, tree, namespaces) or depth + 1 >= _MAX_DEPTH:
            names.add(dotted)
        else:
            _walk(path, tree, namespaces, names, depth + 1)


def _children(folder: str, tree: dict[str, set[str]]) -> set[str]:
    start = f"{folder}/" if folder else ""
    return {key[len(start):].split("/", 1)[0] for key in tree if key.startswith(start) and key != folder and key}


def _has_init(path: str, tree: dict[str, set[str]], namespaces: set[str]) -> bool:
    if path.replace("/", ".") in namespaces:
        return False
    return any(f == "__init__.py" or (f.startswith("__init__.") and _CODE.search(f)) for f in tree.get(path, ()))


def _holds_code(path: str, tree: dict[str, set[str]]) -> bool:
    start = f"{path}/"
    return any((key == path or key.startswith(start)) and any(_module_name(f) for f in files) for key, files in tree.items())


def commands(members: list[str], entry_points: str | None) -> list[str]:
    """Console and GUI scripts the wheel puts on PATH."""
    found = {m.group(1) for m in map(_DATA_SCRIPT.match, members) if m}
    if entry_points:
        parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment]  # command names are case-sensitive
        try:
            parser.read_string(entry_points)
        except configparser.Error:
            return sorted(found)
        for section in ("console_scripts", "gui_scripts"):
            if parser.has_section(section):
                found.update(k.strip() for k in parser[section])
    return sorted(c for c in found if c and "/" not in c)
