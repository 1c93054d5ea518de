"""Lint many targets: in-process for a few, a process pool for many, results in order."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

from portlint.diagnostics import FileResult
from portlint.engine import Target, lint_target
from portlint.registry import Registry
from portlint.settings import Settings

POOL_THRESHOLD = 16  # below this, starting worker processes costs more than it saves
PROGRESS_THRESHOLD = 50

_worker: tuple[Settings, Registry, frozenset[str]] | None = None


def _init_worker(settings: Settings, enabled: frozenset[str]) -> None:
    global _worker
    from portlint.registry import build_registry

    _worker = (settings, build_registry(settings.rules_dirs), enabled)


def _lint_chunk_in_worker(chunk: list[Target]) -> list[FileResult]:
    assert _worker is not None
    settings, registry, enabled = _worker
    return [lint_target(target, settings, registry, enabled) for target in chunk]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def lint_all(
    targets: list[Target], settings: Settings, registry: Registry, enabled: frozenset[str], jobs: int | None
) -> Iterator[FileResult]:
    """Results in the order of ``targets``.

    With N jobs, N-1 worker processes take chunks and this process lints every N-th
    chunk itself between collecting theirs: all cores work, and one fewer Python
    process holds its own copy of the interpreter and the rule set.
    """
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(targets) < POOL_THRESHOLD:
        for target in targets:
            yield lint_target(target, settings, registry, enabled)
        return
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(64, len(targets) // (jobs * 8)))
    chunks = [targets[start : start + size] for start in range(0, len(targets), size)]
    with ProcessPoolExecutor(max_workers=jobs - 1, initializer=_init_worker, initargs=(settings, enabled)) as pool:
        pending = {
            index: pool.submit(_lint_chunk_in_worker, chunk)
            for index, chunk in enumerate(chunks)
            if index % jobs != 0
        }
        for index, chunk in enumerate(chunks):
            if index % jobs == 0:
                for target in chunk:
                    yield lint_target(target, settings, registry, enabled)
            else:
                yield from pending.pop(index).result()


def with_progress(results: Iterator[FileResult], total: int, show: bool) -> Iterator[FileResult]:
    """A rich progress bar on stderr for long scans on a terminal; a no-op otherwise."""
    if not show or total < PROGRESS_THRESHOLD:
        yield from results
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("Linting", total=total)
        for result in results:
            progress.advance(task)
            yield result


def progress_wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")
