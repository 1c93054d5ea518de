"""A wheel's zip central directory, read from the end of the file.

A zip file ends with its directory: the end-of-central-directory record (and, for
ZIP64, a locator and a second record) says where the directory starts.  Reading
the last few KB of a wheel is therefore enough to list its files, and usually to
read its ``.dist-info`` members too, since wheel builders write those last.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


class ZipError(Exception):
    """The bytes are not the end of a readable zip file."""


@dataclass(frozen=True)
class Member:
    """One file in the zip, as the central directory describes it."""

    name: str
    method: int
    compressed_size: int
    size: int
    offset: int  # of its local file header


@dataclass(frozen=True)
class Directory:
    """Where the central directory lies in the file."""

    offset: int
    size: int
    entries: int


def find_directory(tail: bytes, total: int) -> Directory:
    """Locate the central directory from the last bytes of a ``total``-byte file."""
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) - position < 22:
        raise ZipError("no end-of-central-directory record in the tail")
    entries, size, offset = struct.unpack_from("<HII", tail, position + 10)
    if 0xFFFFFFFF in (size, offset) or entries == 0xFFFF:
        locator = tail.rfind(_ZIP64_LOCATOR, 0, position)
        if locator < 0:
            raise ZipError("ZIP64 archive without a locator in the tail")
        (record_offset,) = struct.unpack_from("<Q", tail, locator + 8)
        start = record_offset - (total - len(tail))
        if start < 0 or tail[start:start + 4] != _ZIP64_EOCD:
            raise ZipError("ZIP64 end record outside the tail")
        entries, size, offset = struct.unpack_from("<QQQ", tail, start + 32)
    return Directory(offset=offset, size=size, entries=entries)


def parse_directory(data: bytes) -> list[Member]:
    """The members listed in a central directory's bytes."""
    members = []
    position = 0
    while position + 46 <= len(data) and data[position:position + 4] == _CENTRAL:
        (method, _, _, _, compressed, size, name_length, extra_length, comment_length, _, _, _, offset) = struct.unpack_from(
            "<HHHIIIHHHHHII", data, position + 10
        )
        name = data[position + 46:position + 46 + name_length].decode("utf-8", "replace")
        extra = data[position + 46 + name_length:position + 46 + name_length + extra_length]
        size, compressed, offset = _zip64_sizes(extra, size, compressed, offset)
        members.append(Member(name, method, compressed, size, offset))
        position += 46 + name_length + extra_length + comment_length
    return members


def _zip64_sizes(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    position = 0
    while position + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, position)
        if tag == 1:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, position + 4))
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
        position += 4 + length
    return size, compressed, offset


def read_member(member: Member, read: Callable[[int, int], bytes]) -> bytes:
    """A member's uncompressed bytes; ``read(start, end)`` fetches a span of the file."""
    # The local header repeats the name and may carry a different extra field.
    guess = 30 + len(member.name.encode()) + 256 + member.compressed_size
    data = read(member.offset, member.offset + guess)
    if data[:4] != _LOCAL:
        raise ZipError(f"no local header for {member.name}")
    name_length, extra_length = struct.unpack_from("<HH", data, 26)
    start = 30 + name_length + extra_length
    if len(data) < start + member.compressed_size:
        data = read(member.offset, member.offset + start + member.compressed_size)
    raw = data[start:start + member.compressed_size]
    if member.method == 0:
        return raw
    if member.method == 8:
        return zlib.decompress(raw, -15)
    raise ZipError(f"unsupported compression method {member.method} for {member.name}")


class TailReader:
    """Serves spans of a remote file from a tail already read, fetching only the rest."""

    def __init__(self, tail: bytes, total: int, fetch: Callable[[int, int], bytes]) -> None:
        self.tail = tail
        self.total = total
        self.fetch = fetch
        self.start = total - len(tail)

    def __call__(self, start: int, end: int) -> bytes:
        end = min(end, self.total)
        if start >= self.start:
            return self.tail[start - self.start:end - self.start]
        return self.fetch(start, end)

    def members(self) -> list[Member]:
        directory = find_directory(self.tail, self.total)
        return parse_directory(self(directory.offset, directory.offset + directory.size))
