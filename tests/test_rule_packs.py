"""Rule packs: declarative pages from rules-dirs, and Python packs through entry points."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from portlint import registry as registry_module
from portlint.cli import cli
from portlint.errors import UsageError
from portlint.registry import build_registry

PACKS = Path(__file__).parent / "fixtures" / "packs"
DOCKERFILE = "FROM debian:12-slim\nMAINTAINER someone@example.com\nRUN curl -fsSL https://example.com/install.sh | sh\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_declarative_rule_from_rules_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".portlint.toml").write_text(f'rules-dirs = ["{PACKS / "declarative"}"]\n')
    result = run("--format", "json", "--select", "ACME")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["name"], f["line"], f["severity"]) for f in findings] == [
        ("ACME001", "curl-pipe-shell", 3, "warning")
    ]
    assert findings[0]["message"].startswith("Piping a download")
    assert "ACME001" in [r["id"] for r in json.loads(run("rules", "--format", "json").stdout)["rules"]]
    assert "Pin what you download" in run("explain", "curl-pipe-shell").output


@pytest.fixture()
def installed_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make acme_portlint look installed: a dist-info declaring the entry point."""
    site = tmp_path / "site"
    dist = site / "acme_portlint-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-portlint\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[portlint.rules]\nacme = acme_portlint\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(PACKS))
    yield site
    registry_module._CHECKS.pop("ACME002", None)
    sys.modules.pop("acme_portlint", None)


def test_entry_point_pack_registers_like_a_builtin(installed_pack: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    reg = build_registry()
    assert reg.lookup("ACME002").name == "no-maintainer"
    result = run("--format", "json", "--select", "ACME002")
    assert [f["line"] for f in json.loads(result.stdout)["findings"]] == [2]


def test_broken_pack_is_named_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    dist = site / "broken_pack-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-pack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[portlint.rules]\nbroken = does_not_exist_anywhere\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(UsageError, match="rule pack 'broken'"):
        build_registry()


def test_page_without_check_and_duplicate_ids_are_errors(tmp_path: Path) -> None:
    orphan = tmp_path / "orphan"
    orphan.mkdir()
    (orphan / "ACME009-orphan.md").write_text(
        '+++\nid = "ACME009"\nname = "orphan"\nseverity = "info"\nsummary = "no check"\n+++\n## Why this breaks portability\n'
    )
    with pytest.raises(UsageError, match="has a page but no check"):
        build_registry([orphan])
    with pytest.raises(UsageError, match="defined twice"):
        build_registry([PACKS / "declarative", PACKS / "declarative"])
