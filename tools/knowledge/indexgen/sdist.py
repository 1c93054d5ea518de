"""What an sdist says, for projects that publish no wheel at all.

No range read helps here: a ``.tar.gz`` must be read from its start.  So only the
newest sdist of a wheel-less project is downloaded (when it is small), and read for
its dependencies (``PKG-INFO``'s Requires-Dist from Metadata 2.2 on, else setuptools'
``*.egg-info/requires.txt``) and its import names (``*.egg-info/top_level.txt``, else
the packages at its root or under ``src/``).
"""

from __future__ import annotations

import io
import re
import tarfile
import zipfile

from indexgen.metadata import Metadata, parse_metadata
from indexgen.modules import NOT_IMPORT_NAMES

MAX_SDIST_BYTES = 20 * 1024 * 1024
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOT_MODULES = NOT_IMPORT_NAMES | {"setup", "conftest", "noxfile", "tasks", "versioneer", "fabfile", "manage"}


def _members(data: bytes, filename: str) -> dict[str, bytes | None]:
    """name (without the top folder) -> contents for the small text files we read, None for the rest."""
    wanted = re.compile(r"(^|/)(PKG-INFO|requires\.txt|top_level\.txt)$")
    found: dict[str, bytes | None] = {}
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                inner = name.split("/", 1)[1] if "/" in name else name
                found[inner] = archive.read(name) if wanted.search(name) else None
        return found
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive:
            inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if member.isfile() and wanted.search(member.name):
                handle = archive.extractfile(member)
                found[inner] = handle.read() if handle else None
            elif member.isfile() or member.isdir():
                found.setdefault(inner, None)
    return found


def requires_txt_to_requires_dist(text: str) -> list[str]:
    """setuptools' requires.txt sections ([extra], [:marker], [extra:marker]) as Requires-Dist strings."""
    found = []
    extra, marker = "", ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            continue
        clauses = [f"({marker})"] if marker else []
        if extra:
            clauses.append(f'extra == "{extra}"')
        found.append(line + (f"; {' and '.join(clauses)}" if clauses else ""))
    return found


def sdist_facts(data: bytes, filename: str) -> tuple[Metadata | None, list[str]]:
    """(the metadata, the import names) an sdist declares; (None, []) when it says nothing."""
    members = _members(data, filename)
    metadata = None
    pkg_info = members.get("PKG-INFO")
    if pkg_info:
        parsed = parse_metadata(pkg_info.decode("utf-8", "replace"))
        version = re.search(r"^Metadata-Version:\s*(\S+)", pkg_info.decode("utf-8", "replace"), re.M)
        if parsed.requires_dist or (version and version.group(1) >= "2.2"):
            metadata = parsed
    requires = next((v for k, v in members.items() if k.endswith(".egg-info/requires.txt") and v), None)
    if metadata is None and requires is not None:
        base = parse_metadata(pkg_info.decode("utf-8", "replace")) if pkg_info else Metadata((), "", ())
        lines = requires_txt_to_requires_dist(requires.decode("utf-8", "replace"))
        extras = tuple(sorted({m.group(1) for m in re.finditer(r'extra == "([^"]+)"', "\n".join(lines))}))
        metadata = Metadata(tuple(lines), base.requires_python, extras)
    if metadata is None and pkg_info is not None and requires is None and any(k.endswith(".egg-info/PKG-INFO") for k in members):
        metadata = Metadata((), parse_metadata(pkg_info.decode("utf-8", "replace")).requires_python, ())  # setuptools, no requirements
    return metadata, _import_names(members)


def _import_names(members: dict[str, bytes | None]) -> list[str]:
    top_level = next((v for k, v in members.items() if k.endswith(".egg-info/top_level.txt") and v), None)
    if top_level is not None:
        names = {line.strip().replace("/", ".") for line in top_level.decode("utf-8", "replace").splitlines()}
        return sorted(n for n in names if n and all(_IDENTIFIER.match(p) for p in n.split(".")) and n not in _NOT_MODULES)
    names = set()
    for root in ("", "src/"):
        for name in members:
            if not name.startswith(root):
                continue
            parts = name[len(root):].split("/")
            if len(parts) == 2 and parts[1] == "__init__.py" and _IDENTIFIER.match(parts[0]):
                names.add(parts[0])
            elif len(parts) == 1 and parts[0].endswith(".py") and _IDENTIFIER.match(parts[0][:-3]):
                names.add(parts[0][:-3])
    return sorted(n for n in names if n not in _NOT_MODULES)
