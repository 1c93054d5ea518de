"""--fix on every rule case and fixture project: what must hold whatever it fixes.

No crash and nothing on stderr, the passes settle, every edit verifies (the session
notes an edit it had to drop), nothing is written outside the case's folder, a second
--fix changes nothing, and no rule reports more in a file afterwards than before —
except PL205 for a distribution added without a version, which is the finding that stays.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
import contextlib
import io
import os
from collections import Counter
from pathlib import Path

import pytest

from portlint.engine import Target, lint_target
from portlint.fix.session import run_session, write_changes
from portlint.fix.versions import VersionFinder
from portlint.selection import enabled_rules
from portlint.settings import Settings
from portlint.testing import registry, write_context

FIXTURES = Path(__file__).parent / "fixtures"


def _cases():
    for path in sorted((FIXTURES / "rules").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data["case"]:
            files = {"Dockerfile": case["dockerfile"], **case.get("files", {})}
            yield pytest.param(files, "Dockerfile", id=f"{path.stem}-{case['name']}")
    for project in sorted((FIXTURES / "projects").iterdir()):
        expected = tomllib.loads((project / "expected.toml").read_text(encoding="utf-8"))
        files = {f.relative_to(project).as_posix(): f.read_bytes() for f in project.rglob("*") if f.is_file()}
        yield pytest.param(files, expected.get("dockerfile", "Dockerfile"), id=f"project-{project.name}")


@pytest.mark.parametrize(("files", "dockerfile"), list(_cases()))
def test_fix_invariants(files: dict, dockerfile: str, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "case"
    write_context(root, files)
    outside = tmp_path / "outside.txt"
    outside.write_text("untouched\n")
    monkeypatch.chdir(root)
    reg = registry()
    enabled = enabled_rules(reg, ("PL",), (), ())
    context = os.path.dirname(dockerfile) or "."
    target = Target(dockerfile, Path(dockerfile), Path(context), context)
    finder = VersionFinder()
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        before = lint_target(target, Settings(), reg, enabled).findings
        first = run_session([target], Settings(), reg, enabled, finder)
        write_changes(first.changes)
        second = run_session([target], Settings(), reg, enabled, finder)
    assert stderr.getvalue() == "" and first.notes == [] and first.converged
    assert second.changes == [], [c.shown for c in second.changes]
    assert all(root in c.path.resolve().parents for c in first.changes)
    assert outside.read_text() == "untouched\n"

    with contextlib.redirect_stderr(stderr):
        after = lint_target(target, Settings(), reg, enabled).findings
    bare = {r.distribution for r in first.fixed if r.action == "add" and r.version is None}
    counts_before = Counter((f.rule, f.path) for f in before)
    counts_after = Counter((f.rule, f.path) for f in after)
    grew = [key for key in counts_after if counts_after[key] > counts_before[key] and not (key[0] == "PL205" and bare)]
    assert grew == [], (grew, [r.description for r in first.fixed])

