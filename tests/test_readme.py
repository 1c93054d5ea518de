"""The README's generated parts (rule table, benchmark table) must not go stale."""

from __future__ import annotations

import re
from pathlib import Path

from portlint.listing import rules_markdown
from portlint.testing import registry

README = Path(__file__).resolve().parents[1] / "README.md"


def test_rule_table_matches_the_catalog() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- rules-table -->\n(.*?)<!-- /rules-table -->", text, re.S)
    assert match, "README lacks the rules-table markers"
    assert match.group(1) == rules_markdown(registry()), (
        "README rule table is stale: paste the output of `portlint rules --format markdown`"
    )


def test_readme_names_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install ." in text and "portlint examples/ml-service/Dockerfile" in text
    assert "python -m pytest" in text


def test_benchmark_table_is_the_latest_results() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- benchmark -->\n(.*?)<!-- /benchmark -->", text, re.S)
    assert match, "README lacks the benchmark markers"
    results = README.parent / "benchmarks" / "results.md"
    assert match.group(1) == results.read_text(encoding="utf-8"), "run python benchmarks/run.py"
