"""Resolved settings for one run: defaults < configuration file < command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from portlint.diagnostics import Severity
from portlint.knowledge.images import DeclaredImage

DEFAULT_PLATFORMS = ("linux/amd64", "linux/arm64")


@dataclass(frozen=True)
class Settings:
    """The merged settings of a run: selection, severities, platforms, ignores."""

    select: tuple[str, ...] = ("PL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    platforms: tuple[str, ...] = DEFAULT_PLATFORMS
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rules_dirs: tuple[Path, ...] = ()
    config_path: Path | None = None
    root: Path = field(default_factory=Path.cwd)  # per-file-ignores patterns are relative to it
    build_args: tuple[tuple[str, str], ...] = ()  # --build-arg NAME=VALUE, in the order given
    base_images: tuple[DeclaredImage, ...] = ()  # the project's own base images (config 'base-images')

    def fails(self, severity: Severity) -> bool:
        if self.fail_on == "never":
            return False
        return severity >= Severity.parse(self.fail_on)
