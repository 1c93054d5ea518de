"""Which of the system libraries portlint knows a Debian package brings in, by its Depends.

PL208 asks whether an image installs the libraries a wheel needs (opencv: libgl1,
libglib2.0-0). Images often get them through something bigger: `apt-get install ffmpeg`
pulls libgl1 and libglib2.0-0 in through its own dependencies. This script follows a
package's Depends and Pre-Depends on this machine's apt lists (a Debian release's real
metadata; no Recommends, which `--no-install-recommends` skips; the first choice of an
`a | b` group, the one apt installs) and prints, for each package named, the libraries of
``system_libraries.json`` it brings: the `provides` of a `metapackages` entry.

    python tools/knowledge/apt_closure.py ffmpeg chromium    # needs apt-cache and apt lists

Run it by hand on the Debian release the entry's source names; copy what it prints into
``system_libraries.json``. Nothing in portlint runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent.parent / "src" / "portlint" / "knowledge" / "system_libraries.json"


def direct_depends(package: str) -> list[str]:
    """The packages apt installs for ``package``'s Depends/Pre-Depends: the first of each
    alternative group, and for a virtual package its first provider."""
    result = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                             "--no-breaks", "--no-replaces", "--no-enhances", package],
                            capture_output=True, text=True, check=False)
    chosen: list[str] = []
    in_group = False  # inside an `a | b` group whose first choice is taken
    virtual = False  # the last dependency was <virtual>: its first provider follows, indented
    for line in result.stdout.splitlines()[1:]:
        stripped = line.strip()
        if virtual and line.startswith("    ") and not stripped.startswith(("Depends:", "PreDepends:", "|")):
            chosen.append(stripped)
            virtual = False
            continue
        virtual = False
        kind, _, name = stripped.partition(": ")
        if kind.lstrip("|") not in ("Depends", "PreDepends"):
            continue
        first_of_group = kind.startswith("|")
        if not in_group:
            if name.startswith("<"):
                virtual = True
            else:
                chosen.append(name)
        in_group = first_of_group  # `|Depends:` opens or continues a group; the last choice ends it
    return chosen


def closure(package: str) -> set[str]:
    seen: set[str] = set()
    pending = [package]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending.extend(direct_depends(name))
    return seen


def main(argv: list[str]) -> int:
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    known = {lib for entry in table["packages"].values() for lib in entry.get("debian", [])}
    for package in argv:
        print(json.dumps({package: sorted(known & (closure(package) - {package}))}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
