"""Find and read portlint's configuration: ``.portlint.toml`` or ``[tool.portlint]``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portlint.errors import UsageError

KEYS = ("select", "extend-select", "ignore", "fail-on", "platforms", "rules-dirs", "severity", "per-file-ignores", "base-images")


@dataclass(frozen=True)
class RawConfig:
    """A configuration file's portlint table, validated but not yet merged."""

    path: Path
    values: dict[str, Any]


def load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"cannot read configuration file {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"invalid TOML in configuration file {path}: {exc}") from None


def _section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        section = tool.get("portlint") if isinstance(tool, dict) else None
        if section is not None and not isinstance(section, dict):
            raise UsageError(f"{path}: [tool.portlint] must be a table")
        return section
    return data


def _mentions_portlint(pyproject: Path) -> bool:
    """Whether a pyproject.toml can hold [tool.portlint] at all: most do not, and
    skipping them spares every run the TOML parser."""
    try:
        return b"portlint" in pyproject.read_bytes()
    except OSError:
        return True  # let the real read say what is wrong


def find_config(start: Path) -> RawConfig | None:
    """The nearest ``.portlint.toml`` or pyproject.toml with [tool.portlint], walking up."""
    for directory in (start, *start.parents):
        dotfile = directory / ".portlint.toml"
        if dotfile.is_file():
            return RawConfig(dotfile, _validated(dotfile, load_toml(dotfile)))
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _mentions_portlint(pyproject):
            section = _section(pyproject, load_toml(pyproject))
            if section is not None:
                return RawConfig(pyproject, _validated(pyproject, section))
    return None


def load_config(path: Path) -> RawConfig:
    if not path.is_file():
        raise UsageError(f"configuration file {path} does not exist")
    section = _section(path, load_toml(path))
    if section is None:
        raise UsageError(f"{path} has no [tool.portlint] table")
    return RawConfig(path, _validated(path, section))


def _string_list(path: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{path}: '{key}' must be a list of strings")
    return value


def _validated(path: Path, values: dict[str, Any]) -> dict[str, Any]:
    for key in values:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(f"{path}: unknown configuration key '{key}'{hint}")
    for key in ("select", "extend-select", "ignore", "platforms", "rules-dirs"):
        if key in values:
            values[key] = _string_list(path, key, values[key])
    if "fail-on" in values and values["fail-on"] not in ("error", "warning", "info", "never"):
        raise UsageError(f"{path}: 'fail-on' must be error, warning, info or never, not {values['fail-on']!r}")
    severity = values.get("severity", {})
    if not isinstance(severity, dict) or not all(
        isinstance(v, str) and v in ("error", "warning", "info") for v in severity.values()
    ):
        raise UsageError(f"{path}: [severity] maps rule ids to \"error\", \"warning\" or \"info\"")
    per_file = values.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise UsageError(f"{path}: [per-file-ignores] maps file patterns to lists of rule ids")
    for pattern, rules in per_file.items():
        per_file[pattern] = _string_list(path, f"per-file-ignores.{pattern}", rules)
    return values
