"""PL1xx: is the base image pinned so every build starts from the same bytes?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portlint.diagnostics import Hit
from portlint.lint_context import BaseImage, LintContext
from portlint.registry import check

# Release channels: they move whenever upstream publishes.
_CHANNEL_WORDS = frozenset(
    "latest lts stable oldstable mainline edge nightly rolling testing unstable sid devel "
    "current beta dev canary main master".split()
)
# For these distributions a codename tag (`debian:bookworm-slim`) *is* a release.
_CODENAME_RELEASE_IMAGES = frozenset({"debian", "ubuntu"})
_MAJOR_ONLY = re.compile(r"^v?\d+$")


def _images(ctx: LintContext) -> Iterator[BaseImage]:
    for base in ctx.base_images:
        if base.kind == "image" and base.ref is not None:
            yield base


def _pinned_by_digest(base: BaseImage) -> bool:
    return base.ref is not None and base.ref.has_valid_digest


def floating_reason(base: BaseImage) -> str | None:
    """Why the tag floats (for PL103), or None when it names a concrete version."""
    ref = base.ref
    if ref is None or ref.tag is None or ref.tag.lower() == "latest":
        return None
    tag = ref.tag.lower()
    words = re.split(r"[-_.]", tag)
    if not any(char.isdigit() for char in tag):
        if ref.name in _CODENAME_RELEASE_IMAGES and not (set(words) & _CHANNEL_WORDS):
            return None
        return f"tag '{ref.tag}' names no version"
    version = tag.split("-", 1)[0]
    if _MAJOR_ONLY.match(version) and not ref.registry:
        from portlint.knowledge import floating_major_images

        if ref.repo in floating_major_images():
            return f"tag '{ref.tag}' names only the major version {version}"
    return None


@check("PL101")
def untagged_base_image(ctx: LintContext) -> Iterator[Hit]:
    for base in _images(ctx):
        assert base.ref is not None
        if base.ref.tag is None and base.ref.digest is None:
            yield Hit(
                base.stage.from_.span,
                f"Base image '{base.ref.name}'{base.via} has no tag or digest, so it means "
                f"whatever '{base.ref.name}:latest' is on the day of the build",
                fix=f"Pin a version tag, e.g. FROM {base.ref.name}:<version>",
            )


@check("PL102")
def latest_base_image(ctx: LintContext) -> Iterator[Hit]:
    for base in _images(ctx):
        assert base.ref is not None
        if base.ref.tag and base.ref.tag.lower() == "latest" and not _pinned_by_digest(base):
            yield Hit(
                base.stage.from_.span,
                f"Base image '{base.text}'{base.via} uses the 'latest' tag, which moves "
                "to a new release without warning",
                fix=f"Replace ':latest' with a version tag, e.g. FROM {base.ref.name}:<version>",
            )


@check("PL103")
def floating_base_image_tag(ctx: LintContext) -> Iterator[Hit]:
    for base in _images(ctx):
        reason = floating_reason(base)
        if reason and not _pinned_by_digest(base):
            yield Hit(
                base.stage.from_.span,
                f"Base image '{base.text}'{base.via}: {reason}, so rebuilds pick up newer releases",
                fix=_full_version_fix(base),
            )


def _full_version_fix(base) -> str:
    """Built from the image the user wrote: node:alpine -> node:<x.y.z>-alpine."""
    variant = re.sub(r"^(\d+(\.\d+)*|latest|stable|lts|current)-?", "", base.ref.tag or "")
    suggested = f"{base.ref.name}:<x.y.z>" + (f"-{variant}" if variant else "")
    return f"Pin a tag with a full version ({suggested}), or pin the digest ({base.ref.name}@sha256:<digest>)"


@check("PL104")
def base_image_not_digest_pinned(ctx: LintContext) -> Iterator[Hit]:
    for base in _images(ctx):
        ref = base.ref
        assert ref is not None
        if ref.tag is None or ref.tag.lower() == "latest" or ref.digest or floating_reason(base):
            continue  # untagged, latest and floating tags have their own warnings
        yield Hit(
            base.stage.from_.span,
            f"Base image '{base.text}'{base.via} is pinned by tag only; the tag can be "
            "re-pushed with different contents",
            fix=f"Add the digest: FROM {ref.name}:{ref.tag}@sha256:<digest> (docker buildx imagetools inspect {ref.name}:{ref.tag})",
        )


@check("PL105")
def unresolvable_base_image(ctx: LintContext) -> Iterator[Hit]:
    for base in ctx.base_images:
        if base.kind != "unresolved":
            continue
        names = ", ".join(dict.fromkeys(base.unresolved)) or "it"
        yield Hit(
            base.stage.from_.span,
            f"Base image '{base.stage.base}' depends on {names} with no default value, "
            "so the image cannot be checked and each build may use a different one",
            fix=f"Give the ARG a pinned default, e.g. ARG {base.unresolved[0] if base.unresolved else 'BASE'}=python:3.12-slim",
        )
