"""Image references: ``[registry[:port]/]repo[:tag][@digest]``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGEST = re.compile(r"^[A-Za-z0-9_+.-]+:[0-9a-fA-F]{32,}$")
_DOCKER_HUB = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference: registry, name, tag, digest."""

    registry: str | None  # "ghcr.io", "localhost:5000"; None for Docker Hub
    repo: str  # "python", "pytorch/pytorch", "ghcr.io/org/app" keeps the registry out
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """Repository with its registry, as a user would write it (Docker Hub shortened)."""
        return f"{self.registry}/{self.repo}" if self.registry else self.repo

    @property
    def key(self) -> str:
        """``name:tag`` for knowledge-table matching (tag '' when absent)."""
        return f"{self.name}:{self.tag or ''}"

    @property
    def has_valid_digest(self) -> bool:
        return bool(self.digest and _DIGEST.match(self.digest))


def parse_image(text: str) -> ImageRef:
    ref = text.strip()
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    lowered = ref.lower()
    for prefix in _DOCKER_HUB:
        if lowered.startswith(prefix):
            ref = ref[len(prefix):]
            break
    registry = None
    first, sep, rest = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, ref = first, rest
    tag = None
    last_slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > last_slash:
        ref, tag = ref[:colon], ref[colon + 1:]
    if registry is None and ref.startswith("library/"):
        ref = ref[len("library/"):]
    return ImageRef(registry=registry, repo=ref, tag=tag, digest=digest)
