"""PL407, PL408, PL410: will pip find a wheel for this release on this image?

pip installs a prebuilt wheel when the release has one for the image's CPU, C
library and CPython version; otherwise it builds the sdist (which needs a compiler
and headers), or fails with "No matching distribution found" when there is none.
The package-index data (``portlint.knowledge.package_index``) says which wheels
every release of about 10,000 distributions has.  Only what resolves to one release
is judged: an exact pin, or a range with an upper bound (pip takes the newest
release inside it); a bare lower bound lets pip choose a release that works.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from portlint.diagnostics import Hit, Severity, Span
from portlint.lint_context import LintContext
from portlint.registry import check

_PIP_TOOLS = ("pip", "uv", "poetry", "pipenv")
_PLATFORM_OF_ARCHITECTURE = {"x86_64": "linux/amd64", "aarch64": "linux/arm64", "armv7l": "linux/arm/v7",
                             "ppc64le": "linux/ppc64le", "s390x": "linux/s390x", "i686": "linux/386"}


@dataclass(frozen=True)
class Judged:
    """An install step's requirement, resolved to one release of the data."""

    env: object
    item: object
    record: object  # PackageRecord
    index: int
    pinned: bool  # an exact pin (else: the newest release inside a range)

    @property
    def version(self) -> str:
        return self.record.versions[self.index]

    @property
    def label(self) -> str:
        return self.item.requirement if self.pinned else f"{self.item.requirement} (which resolves to {self.version})"


def _installed_items(ctx: LintContext):
    """pip-installed requirements of every stage, and what ``pip wheel``/``pip download`` fetch."""
    seen = set()
    for env in ctx.environments or []:
        for item in [*env.installed.values(), *env.built_wheels.values()]:
            if item.instruction is None or item.tool not in _PIP_TOOLS:
                continue
            key = (item.name, item.where)
            if key not in seen:
                seen.add(key)
                yield env, item


def _specifier(requirement: str) -> tuple[str, bool] | None:
    """(specifier, exact) of a requirement; None when it has no upper bound to judge."""
    from portlint.python.requirements import parse_requirements

    parsed = parse_requirements(requirement)
    if not parsed or not parsed[0].name or parsed[0].error or parsed[0].marker:
        return None
    specifier = parsed[0].specifier
    if parsed[0].pinned:
        return specifier, True
    clauses = [c.strip() for c in specifier.split(",") if c.strip()]
    bounded = any(c.startswith(("<", "~=")) or (c.startswith("==") and c.endswith(".*")) for c in clauses)
    return (specifier, False) if bounded else None


def _judged(ctx: LintContext) -> Iterator[Judged]:
    """Every pip-installed requirement that resolves to one release the data knows; a
    range resolves, as pip does, to its newest release that admits the image's Python."""
    from portlint.knowledge.package_index import package
    from portlint.python.interpreter import image_python
    from portlint.python.versions import satisfies

    for env, item in _installed_items(ctx):
        spec = _specifier(item.requirement)
        if spec is None:
            continue
        record = package(item.name)
        if record is None:
            continue
        specifier, exact = spec
        interpreter = image_python(ctx, ctx.dockerfile.stages[item.instruction.stage])
        if exact:
            index = record.index_of(specifier.lstrip("=").strip())
        else:
            index = None
            for candidate in range(len(record.versions) - 1, -1, -1):
                inside = satisfies(record.versions[candidate], specifier)
                if inside is None:
                    break
                if inside and (interpreter is None or record.admits_python(candidate, interpreter.version) is not False):
                    index = candidate
                    break
        if index is not None:
            yield Judged(env, item, record, index, exact)


def _architectures(ctx: LintContext, stage_index: int) -> list[str]:
    """The CPUs a stage is built for (its base image may publish fewer than --platform asks)."""
    from portlint.knowledge.package_index import ARCHITECTURE_OF_PLATFORM

    found = []
    for platform in ctx.stage_platforms(stage_index):
        parts = platform.split("/")
        architecture = ARCHITECTURE_OF_PLATFORM.get(parts[1]) if len(parts) > 1 else None
        if architecture and architecture not in found:
            found.append(architecture)
    return found


def _musl(ctx: LintContext, env) -> bool:
    return (ctx.root_image(env.stage).facts or {}).get("libc") == "musl"


def _first_with_wheel(judged: Judged, architecture: str | None, musl: bool, minor: int | None) -> str | None:
    record = judged.record
    for index in range(judged.index + 1, len(record.versions)):
        if record.coverage(index).has_wheel(architecture, musl, minor):
            return record.versions[index]
    return None


def _minors_label(text: str) -> str:
    """'7-10' -> 'CPython 3.7-3.10'; '8-' -> 'CPython 3.8+'; '9,11-12' -> 'CPython 3.9, 3.11-3.12'."""
    if text == "0-":
        return "every CPython 3"
    parts = []
    for part in text.split(","):
        first, dash, last = part.partition("-")
        parts.append(f"3.{first}" + ("+" if dash and not last else f"-3.{last}" if dash else ""))
    return "CPython " + ", ".join(parts)


def _wheel_summary(coverage) -> str:
    """'x86_64 and aarch64 for CPython 3.7-3.10, i686 for CPython 3.7-3.9'."""
    groups: dict[str, list[str]] = {}
    for name, minors in coverage.wheels.items():
        groups.setdefault(minors, []).append("pure Python" if name == "any" else name.replace("musl-", "musl "))
    if not groups:
        return "none"
    return "; ".join(f"{', '.join(names)} for {_minors_label(minors)}" for minors, names in groups.items())


def _fallback(coverage, compiler: str | None = None) -> str:
    if coverage.sdist and compiler:
        return (f"pip builds the sdist with the compiler the stage has ({compiler}): slower, and it still fails "
                "if the package needs library headers the image lacks")
    if coverage.sdist:
        return "pip falls back to building the sdist, which needs a compiler and the library headers, and usually fails in a slim image"
    return "there is no sdist either, so pip fails with 'No matching distribution found'"


_COMPILERS = frozenset({"gcc", "g++", "build-essential", "clang", "build-base", "gcc-c++", "@development-tools",
                        "@development tools"})


def _compiler(ctx: LintContext, stage_index: int) -> str | None:
    """What gives the stage a C compiler for source builds, if anything: its base image (a full,
    non-slim image such as python:3.10 or a -devel one) or a system package a RUN installs."""
    from portlint.python.environment import split_system_package

    stage = ctx.dockerfile.stages[stage_index]
    for member in ctx.dockerfile.stage_chain(stage):
        env = ctx.environments[member.index] if ctx.environments else None
        for install in env.system_installs if env is not None else ():
            for package in install.packages:
                name = split_system_package(install.tool, package)[0]
                if name in _COMPILERS or name.startswith(("gcc-", "g++-", "clang-")):
                    return f"{name} from {install.tool}"
    root = ctx.root_image(stage)
    facts = root.facts or {}
    if facts.get("slim") is False and facts.get("os_family") in ("debian", "ubuntu", "rhel"):
        return f"the full {root.text} image"
    return None


# ---- PL407: a target CPU without a wheel ---------------------------------------------------


@check("PL407")
def no_wheel_for_platform(ctx: LintContext) -> Iterator[Hit]:
    from portlint.python.interpreter import image_python

    for judged in _judged(ctx):
        if _musl(ctx, judged.env):
            continue  # PL408 judges musl images
        architectures = _architectures(ctx, judged.item.instruction.stage)
        coverage = judged.record.coverage(judged.index)
        if not architectures or not coverage.platform_wheels() or coverage.pure:
            continue  # pure Python, or a source-only project: nothing CPU-specific
        python = image_python(ctx, ctx.dockerfile.stages[judged.item.instruction.stage])
        minor = python.minor if python else None
        if minor is not None and not any(coverage.has_wheel(a, False, minor) for a in architectures):
            continue  # no wheel for that Python on any target CPU: PL410's finding, not a CPU's
        missing = [a for a in architectures if not coverage.has_wheel(a, False, minor)]
        if not missing:
            continue
        platforms = " or ".join(_PLATFORM_OF_ARCHITECTURE.get(a, a) for a in missing)
        first = _first_with_wheel(judged, missing[0], False, minor)
        upgrade = f"Upgrade to {judged.record.name}>={first} (the first release with {missing[0]} wheels)" if first else (
            f"No release of {judged.record.name} has {missing[0]} wheels; build only for the platforms it supports")
        compiler = _compiler(ctx, judged.item.instruction.stage) if coverage.sdist else None
        yield Hit(
            Span(judged.item.where.line),
            f"{judged.label} has no wheel for {platforms}{f' with CPython {python.short}' if minor is not None else ''} "
            f"(its Linux wheels: {_wheel_summary(coverage)}); on such a machine {_fallback(coverage, compiler)}",
            fix=f"{upgrade}, or narrow the targets with --platform",
            path=judged.item.where.path,
            severity=Severity.INFO if compiler else None,
        )


# ---- PL408: musl images and manylinux-only wheels ------------------------------------------


@check("PL408")
def musl_incompatible_wheels(ctx: LintContext) -> Iterator[Hit]:
    from portlint.knowledge.package_index import package
    from portlint.python.interpreter import image_python

    judged_items = {id(j.item): j for j in _judged(ctx)}
    for env, item in _installed_items(ctx):
        if not _musl(ctx, env):
            continue
        architectures = _architectures(ctx, item.instruction.stage) or ["x86_64"]
        judged = judged_items.get(id(item))
        if judged is None:
            record = package(item.name)
            if record is None or _specifier(item.requirement) is not None:
                continue  # unknown, or a pin/range the data does not hold
            python = image_python(ctx, ctx.dockerfile.stages[item.instruction.stage])
            index = record.newest(python.version if python else None)
            if index is None:
                continue
            judged = Judged(env, item, record, index, pinned=False)
        coverage = judged.record.coverage(judged.index)
        if not coverage.platform_wheels() or coverage.pure:
            continue
        python = image_python(ctx, ctx.dockerfile.stages[item.instruction.stage])
        minor = python.minor if python else None
        missing = [a for a in architectures if not coverage.has_wheel(a, True, minor)]
        if not missing:
            continue
        first = _first_with_wheel(judged, missing[0], True, minor)
        label = judged.label if judged.pinned or _specifier(item.requirement) else f"{item.requirement} (newest release {judged.version})"
        base = ctx.root_image(env.stage)
        where = ""
        if len(missing) < len(architectures):
            where = f" for {' or '.join(_PLATFORM_OF_ARCHITECTURE.get(a, a) for a in missing)}"
        if minor is not None:
            where += f" with CPython {python.short}"
        yield Hit(
            Span(item.where.line),
            f"{label} ships no musllinux wheel{where} "
            f"(its Linux wheels: {_wheel_summary(coverage)}), and {base.text} uses musl libc: "
            + ("pip compiles it from source (slow, and it needs a compiler and headers)" if coverage.sdist
               else "there is no sdist either, so pip fails with 'No matching distribution found'"),
            fix=(f"Use {item.name}>={first} (musllinux wheels), or a Debian-based image such as python:3.12-slim"
                 if first else "Use a Debian-based image (python:3.12-slim) for compiled packages"),
            path=item.where.path,
        )


# ---- PL410: the image's Python -------------------------------------------------------------


@check("PL410")
def python_version_mismatch(ctx: LintContext) -> Iterator[Hit]:
    from portlint.python.interpreter import image_python

    for judged in _judged(ctx):
        architectures = _architectures(ctx, judged.item.instruction.stage) or None
        stage = ctx.dockerfile.stages[judged.item.instruction.stage]
        python = image_python(ctx, stage)
        if python is None:
            continue
        record, index, item = judged.record, judged.index, judged.item
        span, path = Span(item.where.line), item.where.path
        admitted = record.admits_python(index, python.version)
        if admitted is False:
            last = record.newest(python.version, before=index)
            newest = f"; the newest release for Python {python.short} is {record.versions[last]}" if last is not None else ""
            yield Hit(
                span,
                f"{judged.label} requires Python {record.requires_python(index)}, but the image runs Python "
                f"{python.version} ({python.source}), so pip fails with 'No matching distribution found for "
                f"{item.name}'{newest}",
                fix=(f"Pin {item.name}=={record.versions[last]} (or a newer release that supports Python {python.short}), "
                     "or change the base image's Python") if last is not None
                else f"Pin a newer {item.name} that supports Python {python.short}, or change the base image's Python",
                path=path,
                severity=Severity.ERROR,
            )
            continue
        coverage = record.coverage(index)
        if not coverage.platform_wheels() or coverage.pure:
            continue
        musl = _musl(ctx, judged.env)
        targets = architectures or [None]
        if any(coverage.has_wheel(a, musl, python.minor) for a in targets):
            continue
        if not any(coverage.has_wheel(a, musl, None) for a in targets):
            continue  # no wheel for these CPUs at all: PL407/PL408 say so
        earlier = _nearest_with_wheel(record, range(index - 1, -1, -1), musl, python.minor, targets)
        later = _nearest_with_wheel(record, range(index + 1, len(record.versions)), musl, python.minor, targets)
        hint = (f"CPython {python.short} wheels start at {item.name} {record.versions[later]}" if later is not None and earlier is None
                else f"the next release with a CPython {python.short} wheel is {record.versions[later]}" if later is not None
                else f"the last release with a CPython {python.short} wheel is {record.versions[earlier]}" if earlier is not None
                else f"no release of {item.name} has a CPython {python.short} wheel")
        fix = (f"Pin {item.name}=={record.versions[later]} or later (wheels for CPython {python.short})" if later is not None
               else f"Pin {item.name}=={record.versions[earlier]}" if earlier is not None
               else f"Use a base image whose Python has {item.name} wheels") + ", or use a base image with a Python it has wheels for"
        if coverage.sdist:
            compiler = _compiler(ctx, stage.index)
            how = (f"pip builds it from source with the compiler the stage has ({compiler}), which is slower and "
                   "still fails if it needs library headers the image lacks" if compiler else
                   "pip builds it from source in the image, which needs a compiler and headers and often fails")
            yield Hit(
                span,
                f"{judged.label} has no wheel for CPython {python.short} ({python.source}), only an sdist: {how}; {hint}",
                fix=fix, path=path, severity=Severity.INFO if compiler else Severity.WARNING,
            )
        else:
            yield Hit(
                span,
                f"{judged.label} has no wheel for CPython {python.short} ({python.source}) and no sdist, so pip "
                f"fails with 'No matching distribution found for {item.name}'; {hint}",
                fix=fix, path=path, severity=Severity.ERROR,
            )


def _nearest_with_wheel(record, indexes, musl: bool, minor: int, targets) -> int | None:
    for candidate in indexes:
        if any(record.coverage(candidate).has_wheel(a, musl, minor) for a in targets):
            return candidate
    return None
