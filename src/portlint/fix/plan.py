"""From findings to edits: one planning pass over a run's results.

Each finding that carries facts (``Hit.data``) becomes a request — add a distribution
to the place the failing stage installs from, pin a requirement, add a ``RUN pip
install -r`` — resolved against the current text of the file it edits.  Requests for
one file are batched (several additions to one requirements file are one edit), a
request whose edit would overlap another waits for the next pass, and a file portlint
must not edit (outside the build context, generated, unparsable, the Dockerfile read
from stdin) yields a skipped record that says why.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from portlint.diagnostics import FileResult, Finding, Severity
from portlint.fix import dockerfile_edit, pyproject_edit, requirements_edit
from portlint.fix.facts import (
    PIP_TOOLS,
    InstallTarget,
    MissingDistribution,
    UninstalledRequirements,
    UnpinnedRequirements,
    file_kind,
)
from portlint.fix.text import Refusal, TextEdit
from portlint.fix.versions import Found, VersionFinder

NO_VERSION_COMMENT = "no version found by portlint --fix (no lock file or environment has it): pin it"


@dataclass
class FixRecord:
    """One fix: what it does (or would do, or why not), and the findings it answers."""

    rule: str
    action: str  # "add" | "pin" | "install"
    file: str  # the file it edits, as a path from the working directory
    description: str
    distribution: str | None = None
    version: str | None = None
    source: str | None = None  # where the version came from
    status: str = "fixed"  # "fixed" | "proposed" (--diff) | "skipped"
    reason: str | None = None  # why it was skipped
    note: str | None = None  # what the user should know (no version found, local label dropped)
    findings: list[tuple[str, int]] = field(default_factory=list)  # (path, line)

    @property
    def key(self) -> tuple:
        return (self.action, self.file, self.distribution or self.description)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "action": self.action,
            "file": self.file,
            "description": self.description,
            "distribution": self.distribution,
            "version": self.version,
            "version_source": self.source,
            "status": self.status,
            "reason": self.reason,
            "note": self.note,
            "findings": [{"path": path, "line": line} for path, line in self.findings],
        }


@dataclass
class _Request:
    record: FixRecord
    path: Path  # the file to edit
    kind: str  # "requirements" | "pyproject" | "dockerfile"
    phase: int  # 0 runs alone in its pass (it changes what later findings are)
    batch: tuple | None = None  # requests with the same batch key are edited together
    addition: tuple | None = None  # (name, entry, comment) for batched additions
    edit: Callable[[str], list[TextEdit]] | None = None  # for single requests


@dataclass
class PlannedFile:
    """The edits planned for one file in one pass, with the records they carry out."""

    path: Path
    kind: str
    edits: list[TextEdit]
    records: list[FixRecord]
    added: list[str]  # distributions that must be listed after the edit (verification)


@dataclass
class Plan:
    """One pass's outcome: per-file edits to apply, and requests that were refused."""

    files: list[PlannedFile]
    skipped: list[FixRecord]


def display(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return relative.replace(os.sep, "/")


class Planner:
    """Builds a Plan from lint results against the session's current file texts."""

    def __init__(self, read_text: Callable[[Path], str], finder: VersionFinder,
                 rejected: dict[tuple, str] | None = None, serial: set[Path] | None = None) -> None:
        self.read_text = read_text
        self.finder = finder
        self.rejected = rejected or {}  # fix key -> why an earlier pass undid it
        self.serial = serial or set()  # files edited one fix per pass, to tell which one breaks
        self.requests: list[_Request] = []
        self.skipped: dict[tuple, FixRecord] = {}
        self._refusals: dict[tuple[Path, str], str | None] = {}

    # ---- requests ---------------------------------------------------------------

    def add_result(self, result: FileResult) -> None:
        for finding in result.findings:
            data = finding.data
            if isinstance(data, MissingDistribution):
                self._missing(result, finding, data)
            elif isinstance(data, UnpinnedRequirements):
                self._unpinned(result, finding, data)
            elif isinstance(data, UninstalledRequirements):
                self._uninstalled(result, finding, data)

    def _skip(self, finding: Finding, action: str, file: str, reason: str, distribution: str | None = None,
              description: str = "") -> None:
        record = FixRecord(finding.rule, action, file, description or reason, distribution, status="skipped", reason=reason)
        key = (finding.rule, action, file, distribution, reason)
        existing = self.skipped.setdefault(key, record)
        existing.findings.append((finding.path, finding.line))

    def _dockerfile(self, result: FileResult) -> Path | None:
        return None if result.path == "<stdin>" else Path(result.path)

    def _context_file(self, result: FileResult, relative: str) -> tuple[Path | None, str]:
        """The file and its display path; None with the reason when it is off limits."""
        if result.context is None:
            return None, "there is no build context to edit"
        root = result.context.resolve()
        path = (result.context / relative)
        try:
            path.resolve().relative_to(root)
        except ValueError:
            return None, f"{relative} is outside the build context"
        if not path.is_file():
            return None, f"{relative} is not a file in the build context"
        return path, display(path)

    def _near(self, result: FileResult, target_path: str | None) -> str | None:
        if target_path is not None:
            return posixpath.dirname(target_path) or None
        dockerfile = self._dockerfile(result)
        if dockerfile is None or result.context is None:
            return None
        try:
            return dockerfile.resolve().parent.relative_to(result.context.resolve()).as_posix()
        except ValueError:
            return None

    def _refusal(self, path: Path, kind: str, shown: str, locked_by: str | None = None) -> str | None:
        key = (path, f"{kind}:{locked_by}")
        if key not in self._refusals:
            try:
                text = self.read_text(path)
            except Refusal as exc:
                self._refusals[key] = str(exc)
            else:
                if kind == "requirements":
                    self._refusals[key] = requirements_edit.refusal_for(text, shown)
                elif kind == "pyproject":
                    self._refusals[key] = pyproject_edit.refusal_for(text, shown, locked_by)
                elif re.match(r"\ufeff?(#[^\n]*\n)*#\s*escape\s*=\s*`", text, re.IGNORECASE):
                    self._refusals[key] = f"{shown} uses the backtick escape (a Windows container); --fix leaves it alone"
                else:
                    self._refusals[key] = None
        return self._refusals[key]

    def _version(self, result: FileResult, near: str | None, names: tuple[str, ...], module: str | None,
                 known: bool) -> Found | None:
        assert result.context is not None
        return self.finder.find(result.context, near, names, module, known)

    def _missing(self, result: FileResult, finding: Finding, data: MissingDistribution) -> None:
        name = data.distributions[0]
        if finding.severity == Severity.INFO:
            self._skip(finding, "add", finding.path, "reported as info (an optional import, a test or docs file, or a "
                       "package that may come from elsewhere): add it yourself if the image needs it", name)
            return
        if not data.targets:
            self._skip(finding, "add", finding.path, "the failing stage installs nothing with pip or uv that "
                       "--fix could add to", name)
            return
        if result.context is None:
            self._skip(finding, "add", finding.path, "there is no build context to read versions from", name)
            return
        target: InstallTarget = data.targets[0]
        if target.kind == "run":
            path, shown, kind = self._dockerfile(result), result.path, "dockerfile"
            if path is None:
                self._skip(finding, "add", shown, "the Dockerfile was read from stdin", name)
                return
        else:
            path, shown = self._context_file(result, target.path or "")
            kind = target.kind
            if path is None:
                self._skip(finding, "add", target.path or "", shown, name)
                return
        refusal = self._refusal(path, kind, shown, target.tool if target.locked else None)
        if refusal:
            self._skip(finding, "add", shown, refusal, name)
            return
        found = self._version(result, self._near(result, target.path), data.distributions, data.module, data.known)
        if found is None:
            self._skip(finding, "add", shown, f"portlint does not know which package provides '{data.module}', and no "
                       "lock file or environment names one", name)
            return
        if found.refusal:
            self._skip(finding, "add", shown, found.refusal, found.distribution)
            return
        dist = found.distribution
        note = found.note
        if found.version and ("add", shown, dist) in self.rejected:
            # an earlier pass took the pin back (PL410: the image's Python cannot install that
            # release): declare the import anyway, and leave the release to the user
            note = f"{found.version} from {found.source} cannot be installed in this image"
            found = replace(found, version=None, source="")
        entry = f"{dist}=={found.version}" if found.version else dist
        comment = None if found.version else NO_VERSION_COMMENT
        if found.version is None:
            note = "no version found: added without one, so PL205 reports it until you pin it" + (f" ({note})" if note else "")
        where = {"run": f" to the pip install on line {target.line}", "pyproject": " to [project] dependencies"}.get(target.kind, "")
        record = FixRecord(finding.rule, "add", shown, f"add {entry}{where}", dist, found.version,
                           found.source or None, note=note, findings=[(finding.path, finding.line)])
        if target.kind == "run":
            request = _Request(record, path, "dockerfile", 1, batch=("run", path, target.line),
                               addition=(dist, entry, comment))
        elif kind == "pyproject":
            request = _Request(record, path, kind, 1, batch=("pyproject", path), addition=(dist, entry, comment))
        else:
            request = _Request(record, path, kind, 1, batch=("requirements", path),
                               addition=(dist, f"{entry}  # {comment}" if comment else entry, None))
        self.requests.append(request)

    def _unpinned(self, result: FileResult, finding: Finding, data: UnpinnedRequirements) -> None:
        for item in data.items:
            if item.tool not in PIP_TOOLS:
                self._skip(finding, "pin", finding.path, f"'{item.requirement}' is installed by {item.tool}; "
                           "--fix pins pip and uv requirements only", item.name)
                continue
            if result.context is None:
                self._skip(finding, "pin", finding.path, "there is no build context to read versions from", item.name)
                continue
            if data.path is None:
                path, shown, kind = self._dockerfile(result), result.path, "dockerfile"
                if path is None:
                    self._skip(finding, "pin", shown, "the Dockerfile was read from stdin", item.name)
                    continue
            else:
                kind = file_kind(data.path) or "other"
                path, shown = self._context_file(result, data.path)
                if path is None:
                    self._skip(finding, "pin", data.path, shown, item.name)
                    continue
                if kind == "other":
                    self._skip(finding, "pin", shown, f"--fix does not edit {posixpath.basename(data.path)}", item.name)
                    continue
            refusal = self._refusal(path, kind, shown)
            if refusal:
                self._skip(finding, "pin", shown, refusal, item.name)
                continue
            found = self._version(result, self._near(result, data.path), (item.name,), None, True)
            if found is None or found.refusal or found.version is None:
                reason = (found.refusal if found is not None and found.refusal else
                          f"no lock file or environment has a version of {item.name}"
                          + (f" ({found.note})" if found is not None and found.note else ""))
                self._skip(finding, "pin", shown, reason, item.name)
                continue
            version, line, requirement, name = found.version, data.line, item.requirement, item.name
            if kind == "dockerfile":
                edit = lambda text, l=line, r=requirement, n=name, v=version: dockerfile_edit.pin_in_install(text, l, r, n, v)  # noqa: E731
            elif kind == "pyproject":
                edit = lambda text, n=name, v=version: pyproject_edit.pin_dependency(text, n, v)  # noqa: E731
            else:
                edit = lambda text, l=line, n=name, v=version: requirements_edit.pin_requirement(text, l, n, v)  # noqa: E731
            place = f"line {line}" if kind != "pyproject" else "[project] dependencies"
            record = FixRecord(finding.rule, "pin", shown, f"pin {requirement} to =={version} ({place})", name, version,
                               found.source, note=found.note, findings=[(finding.path, finding.line)])
            self.requests.append(_Request(record, path, kind, 1, edit=edit))

    def _uninstalled(self, result: FileResult, finding: Finding, data: UninstalledRequirements) -> None:
        path = self._dockerfile(result)
        if path is None:
            self._skip(finding, "install", result.path, "the Dockerfile was read from stdin")
            return
        words = list(data.installer)
        if words[0].rsplit("/", 1)[-1] != "uv" and "--no-cache-dir" not in data.options:
            words.append("--no-cache-dir")
        words += [*data.options, "-r", data.argument]
        instruction = "RUN " + " ".join(shlex.quote(w) for w in words)
        record = FixRecord(finding.rule, "install", result.path, f"add `{instruction}` after line {data.copy_line}",
                           findings=[(finding.path, finding.line)])
        edit = lambda text, line=data.copy_line, instruction=instruction: dockerfile_edit.insert_after_line(text, line, instruction)  # noqa: E731
        self.requests.append(_Request(record, path, "dockerfile", 0, edit=edit))

    # ---- edits ------------------------------------------------------------------

    def plan(self) -> Plan:
        requests = self.requests
        if any(r.phase == 0 for r in requests):
            requests = [r for r in requests if r.phase == 0]  # structure first, then re-lint
        by_file: dict[Path, list[_Request]] = {}
        for request in requests:
            by_file.setdefault(request.path.resolve(), []).append(request)
        files = []
        for group in by_file.values():
            planned = self._plan_file(group)
            if planned is not None:
                files.append(planned)
        return Plan(files, list(self.skipped.values()))

    def _plan_file(self, group: list[_Request]) -> PlannedFile | None:
        path, kind = group[0].path, group[0].kind
        text = self.read_text(path)
        accepted: list[tuple[list[TextEdit], list[FixRecord], list[str]]] = []
        records_by_key: dict[tuple, FixRecord] = {}
        batches: dict[tuple, list[_Request]] = {}
        singles: list[_Request] = []
        serial = path.resolve() in self.serial
        for request in group:
            reason = self.rejected.get(request.record.key)
            if reason is not None and not (request.record.action == "add" and request.record.version is None):
                self._skip_record(request.record, reason)
                continue
            existing = records_by_key.get(request.record.key)
            if existing is not None:  # two findings, one fix (PL201 in two modules, PL201 + PL202)
                existing.findings.extend(request.record.findings)
                continue
            records_by_key[request.record.key] = request.record
            if request.batch is not None:
                key = (*request.batch, request.record.key) if serial else request.batch
                batches.setdefault(key, []).append(request)
            else:
                singles.append(request)
        units: list[tuple[Callable[[], list[TextEdit]], list[FixRecord], list[str]]] = []
        for batch, members in batches.items():
            units.append((lambda b=members[0].batch, m=members: self._batch_edits(text, b, m), [m.record for m in members],
                          [m.addition[0] for m in members]))
        for request in singles:
            units.append((lambda r=request: r.edit(text), [request.record], []))
        for make, records, added in units:
            try:
                edits = make()
            except Refusal as exc:
                for record in records:
                    self._skip_record(record, str(exc))
                continue
            if not edits:
                continue  # already done (idempotent)
            if any(_overlap(edits, other) for other, _, _ in accepted):
                continue  # planned again, against the new text, in the next pass
            accepted.append((edits, records, added))
            if serial:
                break  # one fix at a time in this file
        if not accepted:
            return None
        return PlannedFile(path, kind, [e for edits, _, _ in accepted for e in edits],
                           [r for _, records, _ in accepted for r in records], [a for _, _, added in accepted for a in added])

    def _batch_edits(self, text: str, batch: tuple, members: list[_Request]) -> list[TextEdit]:
        additions = [m.addition for m in members]
        if batch[0] == "requirements":
            return requirements_edit.add_requirements(text, [(name, entry) for name, entry, _ in additions])
        if batch[0] == "pyproject":
            return pyproject_edit.add_dependencies(text, additions)
        line = batch[2]
        edits = dockerfile_edit.add_to_install(text, line, [(name, entry) for name, entry, _ in additions])
        bare = [name for name, _, comment in additions if comment]
        if edits and bare:
            start = _instruction_start(text, line)
            comment = f"{', '.join(bare)}: {NO_VERSION_COMMENT}"
            edits += dockerfile_edit.comment_above(text, start, comment)
        return edits

    def _skip_record(self, record: FixRecord, reason: str) -> None:
        record.status, record.reason = "skipped", reason
        key = (record.rule, record.action, record.file, record.distribution, reason)
        existing = self.skipped.get(key)
        if existing is None:
            self.skipped[key] = record
        else:
            existing.findings.extend(record.findings)


def _overlap(a: list[TextEdit], b: list[TextEdit]) -> bool:
    from portlint.fix.text import overlaps

    return overlaps(a, b)


def _instruction_start(text: str, line: int) -> int:
    from portlint.dockerfile.parse import parse_dockerfile
    from portlint.dockerfile.source import decode

    dockerfile = parse_dockerfile(decode(text.encode("utf-8")), "Dockerfile")
    instruction = dockerfile.instruction_at(line)
    return instruction.line if instruction is not None else line
