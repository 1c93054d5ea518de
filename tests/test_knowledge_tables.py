"""The knowledge tables follow their schema, and every entry names its source."""

from __future__ import annotations

import fnmatch
import re

import pytest

from portlint.knowledge import base_image, floating_major_images, load
from portlint.python.distributions import canonical

CANONICAL = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLATFORM = re.compile(r"^linux/(386|amd64|arm|arm64|ppc64le|riscv64|s390x)(/v[5-8])?$|^windows/amd64$")


def _sourced(entry: dict) -> None:
    assert str(entry.get("source", "")).startswith("https://"), entry


def test_import_names() -> None:
    modules = load("import_names")["modules"]
    assert len(modules) >= 300
    for name, entry in modules.items():
        assert re.match(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$", name), name
        assert entry["distributions"] and all(isinstance(d, str) and d for d in entry["distributions"]), name
        _sourced(entry)
    assert modules["cv2"]["distributions"][0] == "opencv-python"
    assert modules["sklearn"]["distributions"] == ["scikit-learn"]
    assert modules["PIL"]["distributions"] == ["Pillow"] and modules["yaml"]["distributions"] == ["PyYAML"]


@pytest.mark.parametrize("table", ["transitive", "system_libraries", "wheels", "conda_packages"])
def test_package_tables_use_canonical_names(table: str) -> None:
    for name, entry in load(table)["packages"].items():
        assert CANONICAL.match(name), (table, name)
        _sourced(entry)


def test_transitive_and_system_libraries_facts() -> None:
    assert {"numpy", "python-dateutil", "pytz", "tzdata"} <= set(load("transitive")["packages"]["pandas"]["requires"])
    libs = load("system_libraries")["packages"]["opencv-python"]
    assert libs["debian"] == ["libgl1", "libglib2.0-0"] and "ImportError" in libs["error"]


def test_base_images() -> None:
    data = load("base_images")
    for entry in data["image"]:
        fnmatch.translate(entry["match"])
        assert entry["libc"] in ("glibc", "musl") and isinstance(entry["gpu"], bool), entry["match"]
        assert all(PLATFORM.match(p) for p in entry.get("platforms", [])), entry["match"]
        _sourced(entry)
    assert base_image("python", "3.12-alpine3.20")["libc"] == "musl"
    assert base_image("python", "3.12-slim")["slim"] is True
    assert base_image("python", "3.12")["slim"] is False
    assert base_image("nvidia/cuda", "12.4.1-runtime-ubuntu22.04")["gpu"] is True
    assert base_image("mycompany/base", "1.0") is None
    assert "python" in floating_major_images() and "node" not in floating_major_images()


def test_system_python_packages() -> None:
    data = load("system_python_packages")
    for family in ("debian", "alpine"):
        for entry in data[family].values():
            assert entry["distribution"]
            _sourced(entry)


def test_console_scripts() -> None:
    commands = load("console_scripts")["commands"]
    assert commands["uvicorn"]["distributions"] == ["uvicorn"]
    for command, entry in commands.items():
        assert entry["distributions"] and entry["source"].startswith("https://"), command
        assert all(d == canonical(d) for d in entry["distributions"]), command
