"""Suppression comments in Dockerfiles and context files."""

from __future__ import annotations

from portlint.suppress import trailing_ignores
from portlint.testing import lint_files


def rules(findings) -> list[tuple[str, int]]:
    return sorted((f.rule, f.line) for f in findings if f.rule in ("PL102", "PL501", "PL104"))


def test_ignore_applies_to_next_instruction_only() -> None:
    findings = lint_files({"Dockerfile": (
        "# portlint: ignore=PL102\n"
        "FROM python:latest AS a\n"
        "FROM python:latest AS b\n"
    )})
    assert [(f.rule, f.line) for f in findings if f.rule == "PL102"] == [("PL102", 3)]


def test_ignore_by_name_with_reason_and_blank_lines() -> None:
    findings = lint_files({"Dockerfile": (
        "# portlint: ignore=latest-base-image, relative-workdir -- tracked upstream\n"
        "\n"
        "FROM python:latest\n"
        "# portlint: ignore=relative-workdir\n"
        "WORKDIR app\n"
    )})
    assert rules(findings) == []


def test_ignore_file_anywhere() -> None:
    findings = lint_files({"Dockerfile": "FROM python:latest\nWORKDIR app\n# portlint: ignore-file=PL501,PL102\n"})
    assert rules(findings) == []


def test_trailing_comment_on_instruction_is_not_a_suppression() -> None:
    findings = lint_files({"Dockerfile": "FROM python:3.12-slim\nRUN pip install flask # portlint: ignore=PL205\n"})
    assert [f.rule for f in findings if f.rule == "PL205"] == ["PL205"]
    # On FROM the words are arguments, and BuildKit refuses them: the file does not build at all.
    findings = lint_files({"Dockerfile": "FROM python:latest # portlint: ignore=PL102\n"})
    assert [f.rule for f in findings] == ["PL001"]


def test_trailing_ignores_parser() -> None:
    assert trailing_ignores("flask>=2  # portlint: ignore=PL205") == ("PL205",)
    assert trailing_ignores("import x  # portlint: ignore=PL201, missing-dependency") == ("PL201", "MISSING-DEPENDENCY")
    assert trailing_ignores("flask  # ignore=PL205") == ()
    assert trailing_ignores("# portlint: ignore-file=PL205") == ()
