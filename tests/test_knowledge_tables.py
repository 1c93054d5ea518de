"""The knowledge tables follow their schema, and every entry names its source."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from portlint.knowledge import base_image, floating_major_images, load
from portlint.python.distributions import canonical

CANONICAL = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLATFORM = re.compile(r"^linux/(386|amd64|arm|arm64|ppc64le|riscv64|s390x)(/v[5-8])?$|^windows/amd64$")


def _sourced(entry: dict) -> None:
    assert str(entry.get("source", "")).startswith("https://"), entry


def test_import_name_overrides_say_why_and_are_not_redundant() -> None:
    from portlint.knowledge.package_index import module_providers

    modules = load("import_names")["modules"]
    for name, entry in modules.items():
        assert re.match(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$", name), name
        assert entry["distributions"] and all(isinstance(d, str) and d for d in entry["distributions"]), name
        assert entry.get("why"), name
        _sourced(entry)
        generated = module_providers(name)
        assert not generated or [canonical(d) for d in entry["distributions"]] != list(generated[: len(entry["distributions"])]), (
            f"{name}: the generated data already says this; drop the override")


@pytest.mark.parametrize(
    ("module", "first"),
    [("cv2", "opencv-python"), ("sklearn", "scikit-learn"), ("PIL", "pillow"), ("yaml", "pyyaml"),
     ("google.cloud.storage", "google-cloud-storage"), ("bs4", "beautifulsoup4"), ("attr", "attrs"),
     ("airflow", "apache-airflow"), ("jwt", "pyjwt"), ("dateutil", "python-dateutil")],
)
def test_import_names_resolve_to_the_distribution_to_install(module: str, first: str) -> None:
    from portlint.python.distributions import distributions_for

    candidates, known = distributions_for(module)
    assert known and candidates[0] == first, candidates


@pytest.mark.parametrize("table", ["transitive", "system_libraries", "conda_packages", "lockstep_releases"])
def test_package_tables_use_canonical_names(table: str) -> None:
    for name, entry in load(table)["packages"].items():
        assert CANONICAL.match(name), (table, name)
        _sourced(entry)


def test_public_api_dependencies_are_sourced_and_real_dependencies() -> None:
    from portlint.python.dependency_graph import Target, direct_dependencies

    for name, dependencies in load("public_api_dependencies")["packages"].items():
        assert CANONICAL.match(name)
        real = {dependency for dependency, _, _ in direct_dependencies(name, None, [], Target())}
        for dependency, entry in dependencies.items():
            assert CANONICAL.match(dependency) and dependency in real, (name, dependency)
            _sourced(entry)


def test_lockstep_releases_follow_a_real_dependency() -> None:
    from portlint.python.dependency_graph import Target, direct_dependencies

    for name, entry in load("lockstep_releases")["packages"].items():
        assert entry["follows"] in {dependency for dependency, _, _ in direct_dependencies(name, None, [], Target())}, name


def test_generated_dependencies_and_system_libraries_facts() -> None:
    from portlint.knowledge.package_index import package

    pandas = package("pandas")
    deps, extras = pandas.dependencies(pandas.index_of("2.2.3"))
    assert {"numpy", "python-dateutil", "pytz", "tzdata"} <= {d.name for d in deps if not d.extra}
    assert "performance" in extras
    libs = load("system_libraries")["packages"]["opencv-python"]
    assert libs["debian"] == ["libgl1", "libglib2.0-0"] and "ImportError" in libs["error"]


IMAGE_FIELDS = {
    "names", "tags", "versions", "hint", "os_family", "distro", "libc", "slim", "platforms", "gpu", "python",
    "python_commands", "pip", "conda", "env", "python_packages", "python_packages_partial", "tag_version_of", "workdir",
    "system_packages", "source", "sources", "notes",
}


def _image_entries():
    import portlint.knowledge

    table = Path(portlint.knowledge.__file__).parent / "base_images"
    for path in sorted(table.glob("*.json")):
        if path.name != "index.json":
            yield from ((path.stem, entry) for entry in json.loads(path.read_text(encoding="utf-8"))["images"])


def test_base_image_entries_follow_the_schema() -> None:
    count = 0
    for family, entry in _image_entries():
        count += 1
        label = (family, entry["names"][0], entry["tags"])
        assert set(entry) <= IMAGE_FIELDS, (label, set(entry) - IMAGE_FIELDS)
        assert entry["names"] and all(n == n.lower() for n in entry["names"]), label
        re.compile(entry["tags"])
        assert entry.get("libc", "glibc") in ("glibc", "musl") and entry.get("gpu", False) in (False, "cuda", "rocm"), label
        assert all(PLATFORM.match(p) for p in entry.get("platforms", [])), label
        assert entry.get("python") is None or re.match(r"^[23]\.\d+(\.\d+)?$", entry["python"]), label
        assert isinstance(entry.get("python_packages", {}), dict), label
        _sourced(entry)
    assert count >= 300


def test_base_image_index_and_hints_are_current() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools" / "knowledge"))
    from image_index import rebuild

    assert rebuild(check=True) == []


@pytest.mark.parametrize(
    ("name", "tag", "facts"),
    [
        ("python", "3.12-alpine3.20", {"libc": "musl", "python": "3.12", "os_family": "alpine"}),
        ("python", "3.12-slim", {"slim": True, "python": "3.12", "libc": "glibc"}),
        ("python", "3.11.9-slim-bookworm", {"slim": True, "python": "3.11", "distro": "debian12"}),
        ("python", "3.12", {"slim": False, "python": "3.12"}),
        ("nvidia/cuda", "12.4.1-runtime-ubuntu22.04", {"gpu": "cuda", "python": None, "python_commands": []}),
        ("ubuntu", "22.04", {"python": None, "os_family": "ubuntu"}),
        ("pytorch/pytorch", "2.3.1-cuda12.1-cudnn8-runtime", {"gpu": "cuda", "platforms": ["linux/amd64"]}),
        ("tensorflow/tensorflow", "2.4.1", {"platforms": ["linux/amd64"]}),
        ("public.ecr.aws/docker/library/python", "3.11-slim", {"python": "3.11", "slim": True}),
        ("763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training", "2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker",
         {"gpu": "cuda", "python": "3.11"}),
    ],
)
def test_base_image_lookup(name: str, tag: str, facts: dict) -> None:
    found = base_image(name, tag)
    assert found is not None, (name, tag)
    assert {k: found.get(k) for k in facts} == facts


def test_unknown_images_and_floating_tags() -> None:
    assert base_image("mycompany/base", "1.0") is None
    assert "python" in floating_major_images() and "node" not in floating_major_images()


def test_system_python_packages() -> None:
    data = load("system_python_packages")
    for family in ("debian", "alpine"):
        for entry in data[family].values():
            assert entry["distribution"]
            _sourced(entry)


def test_console_scripts() -> None:
    from portlint.python.distributions import console_script_distributions

    commands = load("console_scripts")["commands"]
    for command, entry in commands.items():
        assert entry["distributions"] and entry["source"].startswith("https://") and entry["why"], command
        assert all(d == canonical(d) for d in entry["distributions"]), command
    assert console_script_distributions("uvicorn") == ("uvicorn",)
    assert console_script_distributions("streamlit")[0] == "streamlit"
    assert console_script_distributions("fastapi")[0] == "fastapi-cli"
    assert console_script_distributions("node") == ()  # a system program, whatever PyPI holds


def test_distro_pythons_are_sourced_versions_of_distros_the_image_table_names() -> None:
    distros = {entry.get("distro") for _, entry in _image_entries()}
    for distro, entry in load("distro_python")["distros"].items():
        assert distro in distros, distro
        assert re.fullmatch(r"3\.\d{1,2}", entry["python3"]), (distro, entry)
        _sourced(entry)
