"""Baselines: record today's findings, then report only new ones.

A large repository turns on a CI gate without fixing everything first:
``portlint --write-baseline .portlint-baseline.json`` records what is there, and
``portlint --baseline .portlint-baseline.json`` reports only what is not.

A finding is identified without its line or column, so edits above it do not make it
"new": by rule, by path (relative to the baseline file, so the run may start from any
folder) and by a fingerprint of its message and the offending source text with
whitespace collapsed and line numbers inside the message masked.  Identical findings
in one file are counted: the baseline absorbs as many as it recorded, and one more is
new (as GitLab's Code Quality fingerprints and Bandit's baselines do).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from portlint.diagnostics import FileResult, Finding
from portlint.errors import UsageError

FORMAT_VERSION = 1
_LINE_NUMBERS = re.compile(r"(?<=:)\d+\b|(?<=\bline )\d+\b")
_SPACE = re.compile(r"\s+")


def _normalized(text: str | None) -> str:
    return _SPACE.sub(" ", (text or "").strip())


def normalized_message(finding: Finding) -> str:
    """The message with whitespace collapsed and line numbers masked."""
    return _LINE_NUMBERS.sub("#", _normalized(finding.message))


def fingerprint(finding: Finding) -> str:
    message = normalized_message(finding)
    source = _normalized(finding.source_line)
    return hashlib.sha256(f"{finding.rule}\0{message}\0{source}".encode()).hexdigest()[:20]


def _relative_path(shown: str, root: Path) -> str:
    """A finding's path relative to the baseline's folder (stdin stays '<stdin>')."""
    if shown.startswith("<"):
        return shown
    absolute = Path(os.path.abspath(shown))
    try:
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


def _key(finding: Finding, root: Path) -> tuple[str, str, str]:
    return (finding.rule, _relative_path(finding.path, root), fingerprint(finding))


@dataclass
class Baseline:
    """Recorded findings: (rule, path, fingerprint) -> how many."""

    root: Path
    counts: Counter = field(default_factory=Counter)
    matched: int = 0  # findings absorbed so far in this run
    _linted: set[Path] = field(default_factory=set)  # Dockerfiles and build contexts this run saw

    def filter(self, result: FileResult) -> FileResult:
        """The result without the findings the baseline records (consumes its counts)."""
        if not result.path.startswith("<"):
            self._linted.add(Path(os.path.abspath(result.path)))
        if result.context is not None:
            self._linted.add(Path(os.path.abspath(result.context)))
        kept = []
        for finding in result.findings:
            key = _key(finding, self.root)
            if self.counts[key] > 0:
                self.counts[key] -= 1
                self.matched += 1
            else:
                kept.append(finding)
        return replace(result, findings=kept)

    def copy(self) -> Baseline:
        return Baseline(self.root, Counter(self.counts))

    @property
    def unmatched(self) -> int:
        """Recorded findings in the files this run linted that it did not see (fixed
        since, most likely); entries for files outside the run (pre-commit passes only
        the changed ones) do not count."""
        stale = 0
        for (_rule, shown, _digest), count in self.counts.items():
            if count <= 0 or shown.startswith("<"):
                continue
            path = Path(os.path.abspath(self.root / shown))
            if path in self._linted or any(scope in path.parents for scope in self._linted):
                stale += count
        return stale


def write_baseline(path: Path, results: list[FileResult]) -> int:
    """Write the findings of ``results``; returns how many were recorded."""
    root = path.resolve().parent
    counts: Counter = Counter()
    for result in results:
        for finding in result.findings:
            counts[_key(finding, root)] += 1
    entries = [
        {"rule": rule, "path": shown, "fingerprint": digest, "count": count}
        for (rule, shown, digest), count in sorted(counts.items())
    ]
    document = {"portlint-baseline": FORMAT_VERSION, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the baseline {path}: {exc.strerror or exc}") from None
    return sum(counts.values())


def read_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline {path} does not exist; create it with --write-baseline {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read the baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("portlint-baseline") != FORMAT_VERSION or not isinstance(data.get("findings"), list):
        raise UsageError(f"{path} is not a portlint baseline (version {FORMAT_VERSION}); write it with --write-baseline")
    baseline = Baseline(path.resolve().parent)
    for index, entry in enumerate(data["findings"]):
        try:
            key = (str(entry["rule"]), str(entry["path"]), str(entry["fingerprint"]))
            count = int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"baseline {path}: entry {index + 1} needs rule, path and fingerprint") from None
        baseline.counts[key] += max(count, 0)
    return baseline
