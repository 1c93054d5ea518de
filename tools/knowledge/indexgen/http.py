"""HTTP for the generator: persistent connections, bounded retries, an on-disk cache.

Files on the index never change once uploaded, so their metadata and zip tails are
cached for good; project pages (the file lists) are refreshed only on request.  A
transport is a small object with ``request(url, headers) -> Response``, so tests
replay recorded responses instead of touching the network.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

USER_AGENT = "portlint-knowledge-generator/1 (+https://github.com/portlint/portlint)"
_KEPT_HEADERS = ("content-range", "content-type", "location", "content-length")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request that still failed after every retry."""


@dataclass(frozen=True)
class Response:
    """What the index answered: status, body and the few headers the generator reads."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def request(self, url: str, headers: dict[str, str]) -> Response: ...


class HttpTransport:
    """One persistent HTTPS connection per host and thread; redirects followed."""

    def __init__(self, timeout: float = 60.0) -> None:
        self._local = threading.local()
        self._timeout = timeout
        self._ssl = ssl.create_default_context()

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        connections = self._local.__dict__.setdefault("connections", {})
        key = (scheme, netloc)
        if key not in connections:
            if scheme == "https":
                connections[key] = http.client.HTTPSConnection(netloc, timeout=self._timeout, context=self._ssl)
            else:
                connections[key] = http.client.HTTPConnection(netloc, timeout=self._timeout)
        return connections[key]

    def _drop(self, scheme: str, netloc: str) -> None:
        connection = self._local.__dict__.get("connections", {}).pop((scheme, netloc), None)
        if connection is not None:
            connection.close()

    def request(self, url: str, headers: dict[str, str]) -> Response:
        for _ in range(5):
            parts = urllib.parse.urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request("GET", target, headers={"User-Agent": USER_AGENT, **headers})
                answer = connection.getresponse()
                body = answer.read()
            except (OSError, http.client.HTTPException):
                self._drop(parts.scheme, parts.netloc)
                raise
            kept = {k: answer.getheader(k) for k in _KEPT_HEADERS if answer.getheader(k) is not None}
            if answer.status in (301, 302, 303, 307, 308) and "location" in kept:
                url = urllib.parse.urljoin(url, kept["location"])
                continue
            return Response(answer.status, body, kept)
        raise FetchError(f"too many redirects: {url}")


class Cache:
    """Responses on disk, one file each: a JSON header line, then the body."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def key(url: str, headers: dict[str, str]) -> str:
        text = url + "\n" + "\n".join(f"{k}:{v}" for k, v in sorted(headers.items()))
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> Response | None:
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        header, _, body = data.partition(b"\n")
        meta = json.loads(header)
        return Response(meta["status"], body, meta.get("headers", {}))

    def put(self, key: str, url: str, response: Response) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"url": url, "status": response.status, "headers": response.headers}).encode()
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(header + b"\n" + response.body)
        temporary.replace(path)


@dataclass
class Counters:
    network: int = 0
    cached: int = 0
    retried: int = 0
    failed: int = 0


class Fetcher:
    """GETs through the cache, with retries and backoff for transient failures."""

    def __init__(self, transport: Transport, cache: Cache | None, retries: int = 5, backoff: float = 1.0) -> None:
        self.transport = transport
        self.cache = cache
        self.retries = retries
        self.backoff = backoff
        self.counters = Counters()
        self._lock = threading.Lock()

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self.counters, name, getattr(self.counters, name) + 1)

    def get(self, url: str, headers: dict[str, str] | None = None, refresh: bool = False) -> Response:
        headers = headers or {}
        key = Cache.key(url, headers)
        if self.cache is not None and not refresh:
            cached = self.cache.get(key)
            if cached is not None:
                self._count("cached")
                return cached
        error: Exception | None = None
        for attempt in range(self.retries):
            if attempt:
                self._count("retried")
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.transport.request(url, headers)
            except (OSError, http.client.HTTPException) as exc:
                error = exc
                continue
            if response.status in _RETRY_STATUSES:
                error = FetchError(f"HTTP {response.status} for {url}")
                continue
            self._count("network")
            if self.cache is not None and response.status in (200, 206, 404, 410, 416):
                self.cache.put(key, url, response)
            return response
        self._count("failed")
        raise FetchError(f"{url}: {error}")

    def tail(self, url: str, size: int) -> tuple[bytes, int | None]:
        """The last ``size`` bytes of a file and the file's total length (None if unknown)."""
        response = self.get(url, {"Range": f"bytes=-{size}"})
        if response.status == 200:
            return response.body, len(response.body)
        if response.status != 206:
            raise FetchError(f"HTTP {response.status} for a range of {url}")
        return response.body, _total_length(response.headers.get("content-range", ""))

    def span(self, url: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (exclusive) of a file."""
        response = self.get(url, {"Range": f"bytes={start}-{end - 1}"})
        if response.status == 206:
            return response.body
        if response.status == 200:
            return response.body[start:end]
        raise FetchError(f"HTTP {response.status} for a range of {url}")


def _total_length(content_range: str) -> int | None:
    # "bytes 100-199/1234"
    total = content_range.rpartition("/")[2]
    return int(total) if total.isdigit() else None


class ReplayTransport:
    """Answers from recorded responses (``recorded.json`` + body files); tests use it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index = json.loads((directory / "recorded.json").read_text(encoding="utf-8"))
        self.requests: list[str] = []

    @staticmethod
    def key(url: str, headers: dict[str, str]) -> str:
        extra = headers.get("Range")
        return f"{url} {extra}" if extra else url

    def request(self, url: str, headers: dict[str, str]) -> Response:
        key = self.key(url, headers)
        self.requests.append(key)
        entry = self.index.get(key)
        if entry is None:
            return Response(404, b"")
        body = (self.directory / entry["body"]).read_bytes() if entry.get("body") else b""
        return Response(entry["status"], body, entry.get("headers", {}))


class RecordingTransport:
    """Wraps a transport and writes every answer where ReplayTransport can read it."""

    def __init__(self, inner: Transport, directory: Path) -> None:
        self.inner = inner
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        index_path = directory / "recorded.json"
        self.index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}

    def request(self, url: str, headers: dict[str, str]) -> Response:
        response = self.inner.request(url, headers)
        key = ReplayTransport.key(url, headers)
        name = hashlib.sha256(key.encode()).hexdigest()[:16] + ".bin"
        with self._lock:
            (self.directory / name).write_bytes(response.body)
            self.index[key] = {"status": response.status, "headers": response.headers, "body": name}
            (self.directory / "recorded.json").write_text(json.dumps(self.index, indent=1, sort_keys=True), encoding="utf-8")
        return response
