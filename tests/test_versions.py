"""portlint's small PEP 440 comparisons agree with packaging's on final releases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from portlint.python.versions import normalize, parse_release, satisfies


@pytest.mark.parametrize(
    ("version", "specifier", "expected"),
    [
        ("3.12", ">=3.8", True),
        ("3.12", ">=3.7,<3.11", False),
        ("3.10.4", "<3.11", True),
        ("3.12.7", "<=3.12", False),
        ("3.12", "==3.*", True),
        ("3.0.1", "!=3.0.*,>=2.7", False),
        ("2.1.5", "~=2.1", True),
        ("3.0", "~=2.1", False),
        ("1.4.2", "~=1.4.0", True),
        ("1.5", "~=1.4.0", False),
        ("1.0.post1", ">1.0", False),
        ("1.0.1", ">1.0", True),
        ("1.0", "==1.0.0", True),
        ("1.0rc1", ">=1.0", None),  # a pre-release: cannot tell, so no verdict
        ("1.0", "===1.0", None),
        ("1.0", ">=1.0a1", None),
    ],
)
def test_satisfies(version: str, specifier: str, expected: bool | None) -> None:
    assert satisfies(version, specifier) is expected


def test_normalize() -> None:
    assert normalize("2.4.0") == "2.4"
    assert normalize("v1.0-post2") == "1.post2"
    assert normalize("1.0rc1") is None
    assert parse_release("0") == ((0,), -1)


_RELEASES = st.lists(st.integers(0, 12), min_size=1, max_size=4).map(lambda p: ".".join(map(str, p)))
_OPERATORS = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "~="])


@given(_RELEASES, _OPERATORS, _RELEASES, st.booleans())
def test_matches_packaging_on_final_releases(version: str, operator: str, bound: str, wildcard: bool) -> None:
    if operator == "~=" and "." not in bound:
        bound += ".0"
    clause = f"{operator}{bound}{'.*' if wildcard and operator in ('==', '!=') else ''}"
    expected = Version(version) in SpecifierSet(clause)
    assert satisfies(version, clause) is expected, clause
