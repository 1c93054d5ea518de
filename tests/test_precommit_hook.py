"""The pre-commit hook manifest has what pre-commit's schema requires, and matches Dockerfile names."""

from __future__ import annotations

import re
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def _hooks() -> list[dict[str, str]]:
    """A tiny reader for this flat manifest (PyYAML is not a dependency)."""
    hooks: list[dict[str, str]] = []
    for raw in MANIFEST.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("- "):
            hooks.append({})
            raw = "  " + raw[2:]
        key, _, value = raw.strip().partition(":")
        hooks[-1][key] = value.strip().strip('"')
    return hooks


def test_manifest_has_required_keys() -> None:
    hooks = _hooks()
    assert [h["id"] for h in hooks] == ["portlint"]
    hook = hooks[0]
    for key in ("id", "name", "entry", "language"):
        assert hook.get(key), key
    assert hook["language"] == "python"
    assert hook["entry"] == "portlint"
    assert hook["types"] == "[file]"
    allowed = {"id", "name", "entry", "language", "files", "exclude", "types", "types_or", "exclude_types",
               "description", "args", "pass_filenames", "require_serial", "minimum_pre_commit_version",
               "always_run", "stages", "verbose", "log_file", "alias", "additional_dependencies",
               "language_version", "fail_fast"}
    assert set(hook) <= allowed


def test_files_pattern_matches_dockerfile_names_only() -> None:
    pattern = re.compile(_hooks()[0]["files"])
    for name in ("Dockerfile", "svc/Dockerfile", "Dockerfile.dev", "docker/api.Dockerfile", "web.dockerfile",
                 "Containerfile", "a/b/Containerfile.prod"):
        assert pattern.search(name), name
    for name in ("README.md", "dockerfile_helpers.py", "MyDockerfileNotes.txt", "src/Dockerfiles/x.py"):
        assert not pattern.search(name), name
