"""A fix session: lint, plan, edit in memory, lint again — until a pass changes nothing.

Edits live in an overlay the engine reads instead of the disk, so every pass lints
exactly what would be written, ``--diff`` and ``--fix`` share one code path, and
nothing is written until the session has converged.  Fixes depend on each other
(once a ``RUN pip install -r`` is added, the file's unpinned lines are findings too),
which is why there are passes at all; a pass applies only edits that do not overlap,
and each edited file is parsed again before its edits are kept.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.diagnostics import FileResult, Severity
from portlint.engine import Target, lint_target
from portlint.fix import dockerfile_edit, pyproject_edit, requirements_edit
from portlint.fix.plan import FixRecord, PlannedFile, Planner, display
from portlint.fix.text import Refusal, apply_edits
from portlint.fix.versions import VersionFinder
from portlint.registry import Registry
from portlint.settings import Settings

if TYPE_CHECKING:
    from portlint.baseline import Baseline

MAX_PASSES = 10
_BOM = b"\xef\xbb\xbf"


@dataclass
class _File:
    original: bytes
    text: str  # current text (BOM removed)
    bom: bool


@dataclass
class Change:
    """A file the session edited: its path, as shown, and its bytes before and after."""

    path: Path
    shown: str
    before: bytes
    after: bytes


class FileStore:
    """The texts of the files a session edits, read once; the overlay the engine reads."""

    def __init__(self) -> None:
        self._files: dict[str, _File] = {}
        self._paths: dict[str, Path] = {}

    def _load(self, path: Path) -> _File:
        key = str(path.resolve())
        if key not in self._files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise Refusal(f"cannot read {display(path)}: {exc.strerror or exc}") from None
            bom = data.startswith(_BOM)
            try:
                text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
            except UnicodeDecodeError:
                raise Refusal(f"{display(path)} is not UTF-8 text") from None
            self._files[key] = _File(data, text, bom)
            self._paths[key] = path
        return self._files[key]

    def text(self, path: Path) -> str:
        return self._load(path).text

    def set(self, path: Path, text: str) -> None:
        self._load(path).text = text

    def _bytes(self, entry: _File) -> bytes:
        return (_BOM if entry.bom else b"") + entry.text.encode("utf-8")

    def overlay(self) -> dict[str, bytes]:
        return {key: self._bytes(entry) for key, entry in self._files.items() if self._bytes(entry) != entry.original}

    def changes(self) -> list[Change]:
        found = []
        for key, entry in self._files.items():
            after = self._bytes(entry)
            if after != entry.original:
                path = self._paths[key]
                found.append(Change(path, display(path), entry.original, after))
        return sorted(found, key=lambda c: c.shown)


@dataclass
class Outcome:
    """What a session did: the final lint results, fixes made, fixes refused, files changed."""

    results: list[FileResult]
    fixed: list[FixRecord]
    skipped: list[FixRecord]
    changes: list[Change]
    converged: bool = True
    notes: list[str] = field(default_factory=list)
    baselined: int = 0  # findings of the final pass the baseline absorbed


def _verify(planned: PlannedFile, before: str, after: str) -> str | None:
    if planned.kind == "requirements":
        return requirements_edit.verify(before, after, planned.added)
    if planned.kind == "pyproject":
        return pyproject_edit.verify(before, after, planned.added)
    return dockerfile_edit.verify(before, after)


def run_session(
    targets: list[Target],
    settings: Settings,
    registry: Registry,
    enabled: frozenset[str],
    finder: VersionFinder,
    baseline: Baseline | None = None,
) -> Outcome:
    """Fix what the run reports: with a baseline, only the findings it does not record."""
    store = FileStore()
    fixed: dict[tuple, FixRecord] = {}
    notes: list[str] = []
    converged = False
    baselined = 0
    skipped: list[FixRecord] = []
    results: list[FileResult] = []
    rejected: dict[tuple, str] = {}
    serial: set[Path] = set()
    last_pass: list[tuple[Path, str, list[FixRecord]]] = []  # (file, text before, fixes) of the last pass
    for number in range(MAX_PASSES + 1):
        overlay = store.overlay()
        previous = results
        results = [lint_target(t, settings, registry, enabled, overlay) for t in targets]
        if baseline is not None:
            absorbing = baseline.copy()  # each pass starts from the whole baseline
            results = [absorbing.filter(r) for r in results]
            baselined = absorbing.matched
        if number == 0:
            first = results
        if last_pass and _undo_breaking_edits(last_pass, previous, results, store, fixed, rejected, serial):
            last_pass = []
            continue  # lint what is left before planning more
        last_pass = []
        if number == MAX_PASSES:
            break
        planner = Planner(store.text, finder, rejected, serial)
        for result in results:
            planner.add_result(result)
        plan = planner.plan()
        skipped = plan.skipped
        applied = False
        for planned in plan.files:
            before = store.text(planned.path)
            try:
                after = apply_edits(before, planned.edits)
            except ValueError as exc:  # overlapping edits: a planner bug, never a broken file
                notes.append(f"{display(planned.path)}: edits not applied ({exc})")
                continue
            problem = _verify(planned, before, after)
            if problem is not None:
                notes.append(f"{display(planned.path)}: edits not applied, {problem} (please report this)")
                continue
            if after == before:
                continue
            store.set(planned.path, after)
            last_pass.append((planned.path, before, planned.records))
            applied = True
            for record in planned.records:
                existing = fixed.get(record.key)
                if existing is None:
                    fixed[record.key] = record
                else:
                    existing.findings.extend(f for f in record.findings if f not in existing.findings)
        if not applied:
            converged = True
            break
    if not converged:
        notes.append(f"fixes did not settle after {MAX_PASSES} passes; run --fix again and report this")
    if fixed:
        introduced = _introduced(first, results)
        if introduced:
            shown = ", ".join(f"{f.rule} {f.path}:{f.line}" for f in introduced[:5])
            more = f" and {len(introduced) - 5} more" if len(introduced) > 5 else ""
            notes.append(f"the fixes bring {len(introduced)} new finding{'s' if len(introduced) != 1 else ''} "
                         f"({shown}{more}): review them before committing")
    return Outcome(results, list(fixed.values()), skipped, store.changes(), converged, notes, baselined)


def _undo_breaking_edits(last_pass, previous: list[FileResult], results: list[FileResult], store: FileStore,
                         fixed: dict[tuple, FixRecord], rejected: dict[tuple, str], serial: set[Path]) -> bool:
    """Take back the last pass's edits to a file that now has an error it did not have
    (a pin the image's Python cannot install, PL410): a fix must not break the build.
    With one fix in the file, that fix is refused with the error as its reason; with
    several, the file is fixed one fix per pass from now on to find the culprit."""
    new_errors: dict[str, list] = {}
    for finding in _introduced(previous, results):
        if finding.severity == Severity.ERROR:
            new_errors.setdefault(os.path.normpath(finding.path), []).append(finding)
    undone = False
    for path, before, records in last_pass:
        errors = new_errors.get(os.path.normpath(display(path)))
        if not errors:
            continue
        store.set(path, before)
        undone = True
        for record in records:
            fixed.pop(record.key, None)
        if len(records) == 1:
            error = errors[0]
            rejected[records[0].key] = (f"{records[0].description} would bring {error.rule} "
                                        f"({error.path}:{error.line}): {error.message}")
        else:
            serial.add(path.resolve())
    return undone


def _introduced(before: list[FileResult], after: list[FileResult]) -> list:
    """Findings after the fixes that were not there before (by rule, file and message, so
    moved lines do not count), other than PL205 for what was added without a version: a pinned version
    the image's Python or platform cannot install (PL407, PL410), say."""
    from collections import Counter

    from portlint.baseline import normalized_message

    def key(finding):  # not the source line: an edited line keeps its other findings
        return (finding.rule, finding.path, normalized_message(finding))

    seen = Counter(key(f) for result in before for f in result.findings)
    new = []
    for result in after:
        for finding in result.findings:
            if seen[key(finding)] > 0:
                seen[key(finding)] -= 1
            elif finding.rule != "PL205":
                new.append(finding)
    return new


# ---- writing and showing -------------------------------------------------------------


def write_changes(changes: list[Change]) -> None:
    """Replace each file atomically (through symlinks, keeping permissions); a file that
    cannot be written is a clear error that says what was written before it."""
    from portlint.errors import PortlintError

    written: list[str] = []
    for change in changes:
        path = change.path.resolve()  # a symlink stays a symlink; its target gets the edit
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".portlint", dir=path.parent)
        except OSError as exc:
            raise PortlintError(_write_failure(change.shown, exc, written)) from None
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(change.after)
            try:
                os.chmod(temporary, path.stat().st_mode & 0o7777)
            except OSError:
                pass
            os.replace(temporary, path)
        except OSError as exc:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise PortlintError(_write_failure(change.shown, exc, written)) from None
        written.append(change.shown)


def _write_failure(shown: str, exc: OSError, written: list[str]) -> str:
    done = f"; already written: {', '.join(written)}" if written else "; nothing was written"
    return f"cannot write {shown}: {exc.strerror or exc}{done}"


def unified_diff(changes: list[Change]) -> str:
    """A diff that ``patch -p1`` applies from the working directory (a/ and b/ prefixes)."""
    chunks = []
    for change in changes:
        before = change.before.decode("utf-8", errors="replace").splitlines(keepends=True)
        after = change.after.decode("utf-8", errors="replace").splitlines(keepends=True)
        lines = list(difflib.unified_diff(before, after, f"a/{change.shown}", f"b/{change.shown}"))
        for line in lines:
            if line.endswith("\n"):
                chunks.append(line)
            else:  # the file's last line has no newline: say so, as diff(1) does
                chunks.append(line + "\n\\ No newline at end of file\n")
    return "".join(chunks)
