"""Living beside hadolint: its ignore comments and its configuration file.

* ``# hadolint ignore=DL3006,DL3007`` before an instruction, ``# hadolint global
  ignore=…`` anywhere and ``# hadolint stage ignore=…`` (the rest of the stage) silence
  the portlint rules that check the same thing (``knowledge/hadolint_rules.json``), so
  a Dockerfile that already says "this is on purpose" to hadolint says it to portlint.
* ``portlint --from-hadolint .hadolint.yaml`` prints the ``[tool.portlint]`` table
  that means the same: ignored rules, severity overrides, failure threshold; what has
  no portlint counterpart (trusted registries, hadolint-only rules) is listed in
  comments rather than dropped silently.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from portlint.errors import UsageError

# hadolint's pragma grammar (src/Hadolint/Pragma.hs): "hadolint", optional "global" or
# "stage", "ignore", "=", codes separated by commas, then an optional "# reason".
_PRAGMA = re.compile(
    r"^#\s*hadolint[ \t]+(?:(?P<scope>global|stage)[ \t]+)?ignore[ \t]*=[ \t]*"
    r"(?P<codes>[DLSC0-9]+(?:[ \t]*,[ \t]*[DLSC0-9]+)*)[ \t]*(?:#.*)?$"
)
_LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "info"}
_THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "info", "ignore": "never", "none": "never"}


@lru_cache(maxsize=1)
def rule_map() -> dict[str, tuple[str, ...]]:
    """hadolint code -> the portlint rule ids that check the same thing."""
    from portlint.knowledge import load

    return {code: tuple(entry["portlint"]) for code, entry in load("hadolint_rules").get("rules", {}).items()}


def portlint_rules(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    table = rule_map()
    return tuple(dict.fromkeys(rule for code in codes for rule in table.get(code.strip().upper(), ())))


def parse_pragma(comment: str) -> tuple[str, tuple[str, ...]] | None:
    """("next" | "global" | "stage", portlint rule ids) for a hadolint ignore comment."""
    match = _PRAGMA.match(comment.strip())
    if match is None:
        return None
    codes = [c.strip() for c in match.group("codes").split(",")]
    return {"global": "global", "stage": "stage"}.get(match.group("scope") or "", "next"), portlint_rules(codes)


# ---- configuration ----------------------------------------------------------------------


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise UsageError(f"{where} must be a list of strings")


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def translate_config(data: Any, name: str) -> str:
    """The ``[tool.portlint]`` text equivalent to a parsed hadolint configuration."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{name} is not a hadolint configuration (expected a mapping at the top level)")
    table = rule_map()
    lines = [f"# Translated from {name} by `portlint --from-hadolint`.",
             "# In pyproject.toml as is; in .portlint.toml without the [tool.portlint] line.",
             "[tool.portlint]"]
    notes: list[str] = []

    ignored_codes = _strings(data.get("ignored"), f"{name}: 'ignored'")
    ignored = portlint_rules(ignored_codes)
    if ignored:
        mapped = [c for c in ignored_codes if c.upper() in table]
        lines.append(f"ignore = {_toml_list(sorted(ignored))}  # hadolint {', '.join(mapped)}")
    if "PL206" in ignored:
        notes.append("PL206 covers apt, apk, dnf, yum and zypper together: ignoring one of DL3008/DL3018/DL3033/"
                     "DL3037/DL3041 ignores it for all of them")
    unmapped = [c for c in ignored_codes if c.upper() not in table]
    if unmapped:
        notes.append(f"ignored {', '.join(unmapped)}: no portlint rule checks the same thing")

    threshold = data.get("failure-threshold")
    if data.get("no-fail") is True:
        lines.append('fail-on = "never"  # hadolint no-fail: true')
    elif threshold is not None:
        fail_on = _THRESHOLDS.get(str(threshold).lower())
        if fail_on is None:
            raise UsageError(f"{name}: failure-threshold '{threshold}' is not one of {', '.join(_THRESHOLDS)}")
        why = " (portlint has no style level)" if str(threshold).lower() == "style" else ""
        lines.append(f'fail-on = "{fail_on}"  # hadolint failure-threshold: {threshold}{why}')

    override = data.get("override") or {}
    if not isinstance(override, dict):
        raise UsageError(f"{name}: 'override' must map error/warning/info/style to lists of rules")
    severities: dict[str, tuple[str, str, str]] = {}  # portlint rule -> (level, hadolint level, code)
    for level, codes in override.items():
        if level not in _LEVELS:
            raise UsageError(f"{name}: override level '{level}' is not one of error, warning, info, style")
        for code in _strings(codes, f"{name}: override.{level}"):
            mapped_rules = table.get(code.upper(), ())
            if not mapped_rules:
                notes.append(f"override.{level} {code}: no portlint rule checks the same thing")
            for rule in mapped_rules:
                if rule in ignored:
                    continue
                if rule in severities and severities[rule][0] != _LEVELS[level]:
                    notes.append(f"{rule} gets {severities[rule][0]} from {severities[rule][2]}; "
                                 f"{code} asked for {level}")
                    continue
                severities.setdefault(rule, (_LEVELS[level], level, code))

    registries = _strings(data.get("trustedRegistries"), f"{name}: 'trustedRegistries'")
    if registries:
        notes.append(f"trustedRegistries ({', '.join(registries)}): portlint has no registry allow-list (hadolint "
                     "DL3026); it judges base images by tag and digest pinning (PL101-PL104)")
    if data.get("disable-ignore-pragma") is True:
        notes.append("disable-ignore-pragma: portlint always honours # hadolint ignore= comments for the rules it maps")
    known = {"ignored", "failure-threshold", "no-fail", "override", "trustedRegistries", "disable-ignore-pragma",
             "format", "no-color", "label-schema", "strict-labels", "require-labels", "verbose"}
    for key in data:
        if key not in known:
            notes.append(f"'{key}' is not a hadolint setting portlint knows")
    if data.get("label-schema") or data.get("strict-labels"):
        notes.append("label-schema/strict-labels: portlint does not check labels")

    if len(lines) == 3 and not severities:
        lines.append("# nothing in the hadolint configuration has a portlint equivalent")
    if severities:
        lines += ["", "[tool.portlint.severity]"]
        for rule, (level, hadolint_level, code) in sorted(severities.items()):
            why = " (portlint has no style level)" if hadolint_level == "style" else ""
            lines.append(f'{rule} = "{level}"  # hadolint override.{hadolint_level}: {code}{why}')
    if notes:
        lines += ["", "# Notes (not carried over, or carried over with a difference):"] + [f"# - {note}" for note in notes]
    return "\n".join(lines) + "\n"


def translate_config_file(path: str) -> str:
    from portlint.mini_yaml import YamlError, loads

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--from-hadolint: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--from-hadolint: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = loads(text)
    except YamlError as exc:
        raise UsageError(f"--from-hadolint: {path} {exc}") from None
    return translate_config(data, Path(path).name)
