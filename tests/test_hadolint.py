"""hadolint compatibility: ignore pragmas, the rule map, --from-hadolint, the YAML subset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from portlint.cli import cli
from portlint.hadolint import parse_pragma, rule_map, translate_config
from portlint.knowledge import load
from portlint.mini_yaml import YamlError, loads
from portlint.testing import lint_files, registry

# ---- the map ------------------------------------------------------------------------------


def test_rule_map_is_sourced_data_naming_real_rules() -> None:
    rules = load("hadolint_rules")["rules"]
    known = set(registry().rules)
    for code, entry in rules.items():
        assert re.fullmatch(r"DL[34]\d{3}", code), code
        assert entry["portlint"] and set(entry["portlint"]) <= known, code
        assert entry["source"].startswith("https://github.com/hadolint/hadolint/blob/") and entry["source"].endswith(f"/{code}.hs")
        assert entry["note"]
    assert rule_map()["DL3006"] == ("PL101",) and rule_map()["DL3007"] == ("PL102",)
    assert rule_map()["DL3000"] == ("PL501",) and rule_map()["DL3029"] == ("PL401",) and rule_map()["DL3013"] == ("PL205",)


# ---- pragmas ------------------------------------------------------------------------------


@pytest.mark.parametrize(("comment", "expected"), [
    ("# hadolint ignore=DL3006,DL3007", ("next", ("PL101", "PL102"))),
    ("#hadolint ignore = DL3006 , DL3007  # we build from the moving tag on purpose", ("next", ("PL101", "PL102"))),
    ("# hadolint global ignore=DL3000", ("global", ("PL501",))),
    ("# hadolint stage ignore=DL3013", ("stage", ("PL205",))),
    ("# hadolint ignore=DL3020,SC2086", ("next", ())),  # no portlint counterpart
    ("# hadolint shell=powershell", None),
    ("# hadolint ignore=", None),
    ("# the hadolint docs say ignore=DL3006", None),
])
def test_parse_pragma(comment: str, expected) -> None:
    assert parse_pragma(comment) == expected


def _rules(dockerfile: str) -> list[tuple[str, int]]:
    return sorted((f.rule, f.line) for f in lint_files({"Dockerfile": dockerfile}) if f.rule in ("PL101", "PL102", "PL205", "PL501"))


def test_hadolint_ignore_silences_the_mapped_rule_on_the_next_instruction() -> None:
    dockerfile = "# hadolint ignore=DL3006\nFROM python AS base\nFROM ubuntu\nRUN echo\n"
    assert _rules(dockerfile) == [("PL101", 3)]


def test_hadolint_ignore_does_not_silence_other_rules() -> None:
    dockerfile = "# hadolint ignore=DL3007\nFROM python\n"
    assert _rules(dockerfile) == [("PL101", 2)]


def test_hadolint_global_and_stage_ignores() -> None:
    dockerfile = (
        "FROM python:latest AS build\n"
        "# hadolint stage ignore=DL3013\n"
        "RUN pip install flask\n"
        "RUN pip install requests\n"
        "FROM python:latest\n"
        "RUN pip install gunicorn\n"
        "# hadolint global ignore=DL3007\n"
    )
    assert _rules(dockerfile) == [("PL205", 6)]


def test_portlint_and_hadolint_comments_combine() -> None:
    dockerfile = "# portlint: ignore=PL205\n# hadolint ignore=DL3006\nFROM python\nRUN pip install flask\n"
    assert _rules(dockerfile) == [("PL205", 4)]


# ---- --from-hadolint ----------------------------------------------------------------------------

HADOLINT_YAML = """\
# team defaults
failure-threshold: style
ignored:
  - DL3006
  - DL3008        # apt pins break when the mirror moves
  - SC2086
override:
  error:
    - DL3007
    - DL3020
  info: [DL3013]
trustedRegistries:
  - docker.io
  - "*.gcr.io"
"""

EXPECTED = """\
# Translated from .hadolint.yaml by `portlint --from-hadolint`.
# In pyproject.toml as is; in .portlint.toml without the [tool.portlint] line.
[tool.portlint]
ignore = ["PL101", "PL206"]  # hadolint DL3006, DL3008
fail-on = "info"  # hadolint failure-threshold: style (portlint has no style level)

[tool.portlint.severity]
PL102 = "error"  # hadolint override.error: DL3007
PL205 = "info"  # hadolint override.info: DL3013

# Notes (not carried over, or carried over with a difference):
# - PL206 covers apt, apk, dnf, yum and zypper together: ignoring one of DL3008/DL3018/DL3033/DL3037/DL3041 ignores it for all of them
# - ignored SC2086: no portlint rule checks the same thing
# - override.error DL3020: no portlint rule checks the same thing
# - trustedRegistries (docker.io, *.gcr.io): portlint has no registry allow-list (hadolint DL3026); it judges base images by tag and digest pinning (PL101-PL104)
"""


def test_from_hadolint_prints_the_equivalent_configuration(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".hadolint.yaml").write_text(HADOLINT_YAML)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--from-hadolint", ".hadolint.yaml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED


def test_translated_configuration_is_one_portlint_accepts(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(translate_config(loads(HADOLINT_YAML), ".hadolint.yaml"))
    (tmp_path / "Dockerfile").write_text("FROM python\nRUN apt-get update && apt-get install -y curl\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--format", "json", "Dockerfile"])
    # the file loads (unknown keys would be exit 2), PL101 and PL206 are ignored, and with
    # fail-on = "info" nothing else is reported
    assert result.exit_code == 0, result.stderr + result.stdout
    assert '"findings": []' in result.stdout


@pytest.mark.parametrize(("config", "line"), [
    ({"no-fail": True, "failure-threshold": "error"}, 'fail-on = "never"  # hadolint no-fail: true'),
    ({"failure-threshold": "none"}, 'fail-on = "never"  # hadolint failure-threshold: none'),
    ({}, "# nothing in the hadolint configuration has a portlint equivalent"),
    ({"ignored": ["DL3006"], "override": {"error": ["DL3006"]}}, 'ignore = ["PL101"]  # hadolint DL3006'),
    ({"label-schema": {"author": "text"}}, "# - label-schema/strict-labels: portlint does not check labels"),
])
def test_translation_cases(config: dict, line: str) -> None:
    text = translate_config(config, "h.yaml")
    assert line in text.splitlines()
    assert "[tool.portlint.severity]" not in text  # an ignored rule gets no severity


@pytest.mark.parametrize(("content", "needle"), [
    ("ignored: [DL3006\n", "line 1: flow collections must open and close on one line"),
    ("ignored:\n  - &a DL3006\n", "anchors are not supported"),
    ("- DL3006\n", "not a hadolint configuration"),
    ("failure-threshold: loud\n", "failure-threshold 'loud'"),
    ("override:\n  fatal: [DL3006]\n", "override level 'fatal'"),
])
def test_bad_hadolint_configs_are_usage_errors(tmp_path: Path, monkeypatch, content: str, needle: str) -> None:
    (tmp_path / "h.yaml").write_text(content)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--from-hadolint", "h.yaml"])
    assert result.exit_code == 2 and needle in result.stderr and "Traceback" not in result.stderr


def test_missing_hadolint_config(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--from-hadolint", "nope.yaml"])
    assert result.exit_code == 2 and "does not exist" in result.stderr


# ---- the YAML subset agrees with PyYAML where it answers -------------------------------------

_codes = st.from_regex(r"DL3\d{3}|SC2\d{3}", fullmatch=True)
_words = st.from_regex(r"[a-z][a-z0-9.\-]{0,12}", fullmatch=True).filter(
    lambda w: w not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n") and not w.isdigit()
    and not re.fullmatch(r"[-+]?[0-9.]+(e[0-9]+)?", w))


def _render_list(items: list[str], style: str, indent: str) -> str:
    if style == "flow":
        return " [" + ", ".join(items) + "]\n"
    if not items:
        return " []\n"
    return "\n" + "".join(f"{indent}- {item}\n" for item in items)


@settings(max_examples=150, deadline=None)
@given(
    ignored=st.lists(_codes, max_size=5),
    registries=st.lists(_words, max_size=3),
    threshold=st.sampled_from(["error", "warning", "info", "style", "none"]),
    styles=st.lists(st.sampled_from(["block", "flow", "indented"]), min_size=3, max_size=3),
    override=st.dictionaries(st.sampled_from(["error", "warning", "info", "style"]), st.lists(_codes, max_size=3), max_size=3),
    quote=st.sampled_from(["", "'", '"']),
    comment=st.booleans(),
)
def test_subset_parser_matches_pyyaml(ignored, registries, threshold, styles, override, quote, comment) -> None:
    def q(value: str) -> str:
        return f"{quote}{value}{quote}"

    note = "  # why" if comment else ""
    text = f"failure-threshold: {q(threshold)}{note}\n"
    text += "ignored:" + _render_list([q(c) for c in ignored], styles[0], "" if styles[0] == "block" else "  ")
    text += "trustedRegistries:" + _render_list([q(r) for r in registries], styles[1], "  ")
    if override:
        text += "override:\n" + "".join(
            f"  {level}:" + _render_list([q(c) for c in codes], styles[2], "    ") for level, codes in override.items())
    assert loads(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", [
    "a: 'it''s'\nb: \"x\\\"y\"\nc: ~\nd: true\ne: 12\n",
    "---\nlist:\n- a\n-\n  - b\n- k: v\n  j: w\n...\n# a comment after the end\n",
    "empty:\nnested:\n  deeper:\n    leaf: x # comment\n",
    "url: http://example.org/a#b\n",
])
def test_subset_parser_examples(text: str) -> None:
    assert loads(text) == yaml.safe_load(text)


@pytest.mark.parametrize(("text", "message"), [
    ("a: |\n  b\n", "block scalars"),
    ("a: *x\n", "aliases"),
    ("a: !!str b\n", "tags"),
    ("a: 1\n---\nb: 2\n", "more than one document"),
    ("a:\n\t- b\n", "tabs"),
    ("a: 1\na: 2\n", "duplicate key"),
    ("a: 1\n  b: 2\n", "unexpected indentation"),
    ("a: 'x\n", "unclosed quote"),
    ("a: 1\n...\nb: 2\n", "content after the end"),
])
def test_subset_parser_refuses_what_it_does_not_read(text: str, message: str) -> None:
    with pytest.raises(YamlError, match=message):
        loads(text)
