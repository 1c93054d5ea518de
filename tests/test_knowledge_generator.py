"""The maintainers' generator (tools/knowledge/): each step on small inputs, and a whole
run replayed from responses recorded from the package index (never the network)."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "tools" / "knowledge"
RECORDED = Path(__file__).resolve().parent / "fixtures" / "index"
sys.path.insert(0, str(GENERATOR))

from indexgen.http import Cache, Fetcher, ReplayTransport, Response  # noqa: E402
from indexgen.metadata import condition_text, dependency_entries, parse_metadata  # noqa: E402
from indexgen.modules import commands, import_names  # noqa: E402
from indexgen.output import package_record, write  # noqa: E402
from indexgen.project import Plan, ProjectFacts, gather  # noqa: E402
from indexgen.releases import ARCHITECTURES, coverage_code, parse_project_page  # noqa: E402
from indexgen.zipdir import TailReader, read_member  # noqa: E402


def _page(*filenames: str, requires_python: str | None = None) -> bytes:
    files = [{"filename": f, "url": f"https://files.example/{f}", "requires-python": requires_python,
              "upload-time": "2025-01-01T00:00:00Z", "size": 1000, "yanked": False, "hashes": {}} for f in filenames]
    return json.dumps({"meta": {"api-version": "1.1"}, "name": "x", "files": files}).encode()


# ---- releases and coverage ---------------------------------------------------------------


def test_coverage_code_reads_platforms_and_cpython_versions_from_wheel_tags() -> None:
    releases = parse_project_page(_page(
        "numpy-1.21.6.zip",
        "numpy-1.21.6-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "numpy-1.21.6-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "numpy-1.21.6-cp310-cp310-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
        "numpy-1.21.6-cp310-cp310-win_amd64.whl",
        "numpy-1.21.6-cp310-cp310-macosx_11_0_arm64.whl",
        "numpy-2.0.0rc1-cp310-cp310-manylinux_2_17_x86_64.whl",  # a pre-release: left out
    ))
    assert [str(v) for v in releases] == ["1.21.6"]
    assert coverage_code(next(iter(releases.values()))) == "s x86_64:9-10 aarch64:10"


def test_coverage_code_abi3_pure_and_musl() -> None:
    releases = parse_project_page(_page(
        "cryptography-42.0.0-cp37-abi3-manylinux_2_28_aarch64.whl",
        "cryptography-42.0.0-cp39-abi3-musllinux_1_1_x86_64.whl",
        "cryptography-42.0.0-cp313-cp313t-manylinux_2_28_x86_64.whl",  # free-threaded only
        "six-1.16.0-py2.py3-none-any.whl",
    ))
    codes = [coverage_code(r) for r in releases.values()]
    assert codes == ["any:0-", "aarch64:7- musl-x86_64:9-"]  # by version: six 1.16.0, then 42.0.0


def test_requires_python_is_the_value_most_files_give() -> None:
    release = next(iter(parse_project_page(_page("a-1.0.tar.gz", "a-1.0-py3-none-any.whl", requires_python=">=3.9")).values()))
    assert release.requires_python == ">=3.9"


# ---- metadata and markers ---------------------------------------------------------------


METADATA = """Metadata-Version: 2.1
Name: demo
Version: 1.0
Requires-Python: >=3.8
Requires-Dist: numpy>=1.0
Requires-Dist: typing-extensions; python_version < "3.10"
Requires-Dist: colorama; sys_platform == "win32"
Requires-Dist: uvloop; sys_platform != "win32" and extra == "standard"
Requires-Dist: torch; extra == "torch" or extra == "all"
Requires-Dist: intel-openmp; platform_machine == "x86_64"
Requires-Dist: uvicorn[standard]>=0.20; extra == "serve"
Provides-Extra: standard
Provides-Extra: torch
Provides-Extra: all
Provides-Extra: serve
Provides-Extra: docs

A long description that the header parser must not read as headers.
Requires-Dist: not-a-header
"""


def test_dependency_entries_keep_extras_and_linux_conditions() -> None:
    metadata = parse_metadata(METADATA)
    assert metadata.requires_python == ">=3.8"
    assert metadata.provides_extra == ("standard", "torch", "all", "serve", "docs")
    assert dependency_entries(metadata) == [
        ["intel-openmp", "", "", "x86_64:0-"],
        ["numpy"],
        ["torch", "", "all"],
        ["torch", "", "torch"],
        ["typing-extensions", "", "", "*:0-9"],
        ["uvicorn", "standard", "serve"],
        ["uvloop", "", "standard"],
    ]  # colorama only installs on Windows: never in a Linux image


def test_condition_text() -> None:
    everything = {(m, a) for m in range(21) for a in ARCHITECTURES}
    assert condition_text(everything) == ""
    assert condition_text(set()) is None
    assert condition_text({(m, a) for m in range(8, 12) for a in ARCHITECTURES}) == "*:8-11"
    assert condition_text({(m, "aarch64") for m in range(10, 21)}) == "aarch64:10-"


# ---- wheel contents --------------------------------------------------------------------


def test_import_names_split_namespace_packages_where_distributions_do() -> None:
    members = [
        "google/cloud/storage/__init__.py", "google/cloud/storage/blob.py", "google/cloud/_helpers.py",
        "yaml/__init__.py", "_yaml/__init__.py", "six.py",
        "_cffi_backend.cpython-312-x86_64-linux-gnu.so", "tests/test_x.py", "share/man/x.1",
        "legacy/__init__.py", "legacy/sub/__init__.py",
        "demo-1.0.data/purelib/extra_mod.py", "demo-1.0.data/scripts/demo-tool",
        "demo-1.0.dist-info/METADATA", "demo-1.0.dist-info/RECORD",
    ]
    assert import_names(members, {"legacy"}) == [
        "_cffi_backend", "_yaml", "extra_mod", "google.cloud._helpers", "google.cloud.storage", "legacy.sub", "six", "yaml",
    ]


def test_commands_from_entry_points_and_scripts() -> None:
    entry_points = "[console_scripts]\nuvicorn = uvicorn.main:main\n\n[gui_scripts]\nDemoGui = demo:gui\n[other]\nx = y\n"
    assert commands(["demo-1.0.data/scripts/demo-tool"], entry_points) == ["DemoGui", "demo-tool", "uvicorn"]


def _wheel_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("tail_size", [200, 600, 100_000])
def test_zip_directory_and_members_from_the_tail(tail_size: int) -> None:
    payload = bytes(range(256)) * 40  # incompressible enough to push the directory past a small tail
    data = _wheel_bytes({"demo/__init__.py": payload, "demo-1.0.dist-info/METADATA": METADATA.encode()})
    reads = []

    def fetch(start: int, end: int) -> bytes:
        reads.append((start, end))
        return data[start:end]

    reader = TailReader(data[-tail_size:], len(data), fetch)
    members = {m.name: m for m in reader.members()}
    assert set(members) == {"demo/__init__.py", "demo-1.0.dist-info/METADATA"}
    assert read_member(members["demo-1.0.dist-info/METADATA"], reader).decode() == METADATA
    assert read_member(members["demo/__init__.py"], reader) == payload
    assert bool(reads) == (tail_size < len(data))


# ---- output runs -------------------------------------------------------------------------


def test_package_record_writes_runs_and_dependency_deltas() -> None:
    facts = ProjectFacts(
        name="demo", versions=["1.0", "1.1", "1.2", "2.0"], upload_times=[""] * 4,
        coverage=["s", "s any:6-", "s any:6-", "s any:8-"], requires_python=["", ">=3.6", ">=3.6", ">=3.8"],
        dependencies={"1.1": [[["numpy"]], []], "2.0": [[["numpy"], ["torch", "", "gpu"]], ["gpu"]]},
    )
    record = package_record(facts)
    assert record["c"] == [[0, "s"], [1, "s any:6-"], [3, "s any:8-"]]
    assert record["p"] == [[0, ""], [1, ">=3.6"], [3, ">=3.8"]]
    assert record["ds"] == 1
    assert record["d"] == [[1, [["numpy"]]], [3, [["", "", "gpu"], ["torch", "", "gpu"]]]]


# ---- a whole run, replayed ----------------------------------------------------------------


class _Broken:
    def request(self, url: str, headers: dict[str, str]) -> Response:
        raise OSError("connection reset")


def test_network_failures_become_problems_not_exceptions(tmp_path: Path) -> None:
    fetcher = Fetcher(_Broken(), Cache(tmp_path), retries=2, backoff=0)
    with ThreadPoolExecutor(2) as pool:
        facts = gather("demo", fetcher, Plan("https://index.example/simple/", since="2020-01-01"), pool)
    assert not facts.found and "connection reset" in facts.problems[0]
    assert fetcher.counters.retried == 1 and fetcher.counters.failed == 1


def test_cache_answers_a_second_request_without_the_transport(tmp_path: Path) -> None:
    class Once:
        calls = 0

        def request(self, url, headers):
            self.calls += 1
            return Response(200, b"body", {"content-type": "text/plain"})

    transport = Once()
    fetcher = Fetcher(transport, Cache(tmp_path))
    assert fetcher.get("https://x/a").body == b"body"
    assert fetcher.get("https://x/a").headers == {"content-type": "text/plain"}
    assert transport.calls == 1 and fetcher.counters.cached == 1


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """The generator's whole pipeline on responses recorded from the index (record_fixtures.py)."""
    replay = ReplayTransport(RECORDED)
    fetcher = Fetcher(replay, cache=None)
    names = ["six", "pyyaml", "google-cloud-storage", "aio-pika", "sgmllib3k", "requests"]
    with ThreadPoolExecutor(4) as pool:
        facts = {n: gather(n, fetcher, Plan("https://pypi.org/simple/", since="2000-01-01"), pool) for n in names}
    out = tmp_path_factory.mktemp("generated")
    counts = write(out, list(facts.values()), {n: i for i, n in enumerate(names)}, {"replayed": True})
    return replay, facts, out, counts


def test_replay_answers_every_request_from_the_recording(replayed) -> None:
    replay, facts, _, counts = replayed
    assert set(replay.requests) <= set(replay.index)  # the recording covers the run: no network
    assert all(not f.problems for f in facts.values()), {n: f.problems for n, f in facts.items()}
    assert counts["distributions"] == 6


def test_replayed_facts(replayed) -> None:
    _, facts, _, _ = replayed
    assert facts["google-cloud-storage"].import_names == ["google.cloud.storage"]
    assert facts["pyyaml"].import_names == ["_yaml", "yaml"]
    assert facts["sgmllib3k"].import_names == [] and facts["sgmllib3k"].coverage == ["s"]
    # aio-pika has no PEP 658 metadata file: its Requires-Dist comes from the wheel's own METADATA
    deps = {e[0] for e in facts["aio-pika"].dependencies["9.4.3"][0]}
    assert {"aiormq", "yarl"} <= deps
    requests_deps = facts["requests"].dependencies["2.32.3"]
    assert ["pysocks", "", "socks"] in requests_deps[0] and "socks" in requests_deps[1]
    assert facts["six"].coverage == ["s any:0-", "s any:0-"]  # an sdist, and py2.py3 wheels for every CPython 3


def test_the_lint_reads_what_the_generator_wrote(replayed, monkeypatch) -> None:
    from portlint.knowledge import package_index

    _, _, out, _ = replayed
    monkeypatch.setattr(package_index, "_DATA", out)
    caches = (package_index._table, package_index._package)
    for cached in caches:
        cached.cache_clear()
    try:
        assert package_index.module_providers("yaml") == ("pyyaml",)
        pyyaml = package_index.package("pyyaml")
        coverage = pyyaml.coverage(pyyaml.index_of("6.0.2"))
        assert coverage.sdist and coverage.has_wheel("x86_64", minor=10) and not coverage.pure
        requests = package_index.package("requests")
        deps, extras = requests.dependencies(requests.index_of("2.32.3"))
        assert "socks" in extras and {d.name for d in deps if not d.extra} >= {"urllib3", "idna", "certifi"}
        assert requests.admits_python(0, "3.12") is True
        assert package_index.modules_of("google-cloud-storage") == frozenset({"google"})
    finally:
        for cached in caches:
            cached.cache_clear()
