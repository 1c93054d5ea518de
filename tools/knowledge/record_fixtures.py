"""Record the index responses the generator's tests replay (maintainers only; needs the network).

    python tools/knowledge/record_fixtures.py tests/fixtures/index six=1.16.0,1.17.0 pyyaml=6.0.2 …

Each ``name=versions`` keeps only those releases in the recorded project page (at most a
few wheels each, so the fixture stays small), then runs the generator's own gathering on
it through a recording transport.  Wheel tails are cut down to the bytes the generator
reads (the central directory and the .dist-info members), with their Content-Range
rewritten to match, so the replay exercises the same range arithmetic as the real thing.
"""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from indexgen.http import Fetcher, HttpTransport, RecordingTransport, ReplayTransport, Response  # noqa: E402
from indexgen.project import SIMPLE_JSON, Plan, gather  # noqa: E402
from indexgen.zipdir import find_directory, parse_directory  # noqa: E402

INDEX = "https://pypi.org/simple/"
WHEELS_PER_RELEASE = 4


class TrimmedPages:
    """Serves the trimmed project pages; everything else goes to the real index."""

    def __init__(self, inner, pages: dict[str, bytes]) -> None:
        self.inner = inner
        self.pages = pages

    def request(self, url: str, headers: dict[str, str]) -> Response:
        if url in self.pages:
            return Response(200, self.pages[url], {"content-type": SIMPLE_JSON})
        return self.inner.request(url, headers)


def trimmed_page(name: str, versions: list[str]) -> bytes:
    real = HttpTransport().request(f"{INDEX}{name}/", {"Accept": SIMPLE_JSON})
    page = json.loads(real.body)
    kept, per_release = [], {}
    for item in page["files"]:
        version = next((v for v in versions if f"-{v}-" in item["filename"] or item["filename"].endswith(f"-{v}.tar.gz")), None)
        if version is None:
            continue
        wheel = item["filename"].endswith(".whl")
        if wheel and per_release.get(version, 0) >= WHEELS_PER_RELEASE:
            continue
        if wheel and not any(p in item["filename"] for p in ("manylinux", "musllinux", "none-any")):
            continue
        per_release[version] = per_release.get(version, 0) + wheel
        kept.append({k: item[k] for k in ("filename", "url", "requires-python", "upload-time", "size", "yanked") if k in item})
    return json.dumps({"meta": page["meta"], "name": page["name"], "files": kept}, indent=1).encode()


def trim_tails(folder: Path) -> None:
    index = json.loads((folder / "recorded.json").read_text(encoding="utf-8"))
    for key, entry in index.items():
        if " bytes=-" not in key or entry["status"] != 206:
            continue
        body = (folder / entry["body"]).read_bytes()
        total = int(entry["headers"]["content-range"].rpartition("/")[2])
        start = total - len(body)
        directory = find_directory(body, total)
        members = parse_directory(body[directory.offset - start:directory.offset - start + directory.size])
        read = ("METADATA", "entry_points.txt", "namespace_packages.txt")  # what the generator reads
        needed = [m.offset for m in members if ".dist-info/" in m.name and m.name.rsplit("/", 1)[1] in read and m.offset >= start]
        keep_from = max(start, min([directory.offset, *needed]))
        (folder / entry["body"]).write_bytes(body[keep_from - start:])
        entry["headers"]["content-range"] = f"bytes {keep_from}-{total - 1}/{total}"
    (folder / "recorded.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    wanted = {spec.split("=", 1)[0]: spec.split("=", 1)[1].split(",") for spec in argv[1:]}
    if folder.exists():
        shutil.rmtree(folder)
    pages = {f"{INDEX}{name}/": trimmed_page(name, versions) for name, versions in wanted.items()}
    transport = RecordingTransport(TrimmedPages(HttpTransport(), pages), folder)
    fetcher = Fetcher(transport, cache=None)
    with ThreadPoolExecutor(4) as pool:
        for name in wanted:
            facts = gather(name, fetcher, Plan(INDEX, since="2000-01-01"), pool)
            print(name, facts.versions, facts.import_names, facts.problems)
    trim_tails(folder)
    replay = ReplayTransport(folder)
    assert replay.index, "nothing recorded"
    print(f"{len(replay.index)} responses, {sum(p.stat().st_size for p in folder.iterdir())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
