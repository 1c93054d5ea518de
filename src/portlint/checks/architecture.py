"""PL4xx: does the image assume the author's CPU architecture?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portlint.diagnostics import Hit, Span
from portlint.knowledge.images import platform_covered
from portlint.lint_context import LintContext
from portlint.registry import check

# Architecture words as they appear in release artifact names, and the platform each means.
_ARCH_WORDS = {
    "x86_64": "amd64", "x86-64": "amd64", "amd64": "amd64", "x64": "amd64", "linux64": "amd64",
    "win64": "amd64", "i386": "386", "i686": "386", "x86": "386",
    "aarch64": "arm64", "arm64": "arm64", "armv8": "arm64",
    "armv7": "arm", "armv7l": "arm", "armhf": "arm", "armv6": "arm",
    "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64",
}
_ARCH_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(x86[_-]64|amd64|x64|linux64|i[36]86|aarch64|arm64|armv8|armv7l?|armhf|armv6|ppc64le|s390x|riscv64)(?![A-Za-z0-9])",
    re.I,
)
_URL = re.compile(r"(?:https?|ftp)://[^\s\"'`|;&)]+", re.I)
# What makes a download follow the build's target instead of one fixed CPU.
_ARCH_SELECTORS = re.compile(
    r"TARGETARCH|TARGETPLATFORM|TARGETVARIANT|BUILDARCH|uname\s+-[ma]|dpkg\s+--print-architecture|"
    r"dpkg-architecture|\barch\b\s*\)|\$\(arch\)|`arch`|apk\s+--print-arch|rpm\s+--eval|\$\{?HOSTTYPE|"
    r"\$\{?MACHTYPE|platform\.machine",
    re.I,
)
_DOWNLOADERS = frozenset({"curl", "wget", "git", "aria2c", "http", "fetch"})
_NATIVE_FLAGS = re.compile(
    r"(?<![\w-])(-march=native|-mtune=native|-mcpu=native|-mavx512\w*|-mavx2|-mavx|-msse4(?:\.[12])?|-msse3|-mssse3|-mfma|-mf16c|-mbmi2?)(?![\w.-])"
)
# A multiarch folder is a path: /usr/lib/x86_64-linux-gnu.  gcc-arm-linux-gnueabihf is a package name.
_ARCH_PATH = re.compile(r"(?:(?<=/)|(?<=-)(?=[\w-]+\.so\b))(x86_64|aarch64|arm|i386|powerpc64le|s390x)-linux-gnu(?:eabihf)?\b|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1")
_ARCH_INDEPENDENT = re.compile(r"[_.-](all|noarch|any)\.(deb|rpm|pkg\.tar\.\w+)$|[_-]noarch[_.-]")
_PATH_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "arm": "arm", "i386": "386", "powerpc64le": "ppc64le", "s390x": "s390x"}


def _arch_of(platform: str) -> str:
    return platform.split("/")[1] if "/" in platform else platform


def _broken_platforms(ctx: LintContext, arch: str, stage_index: int) -> list[str]:
    """Target platforms the stage is built for whose CPU differs from ``arch``."""
    return [p for p in ctx.stage_platforms(stage_index) if _arch_of(p) != arch]


@check("PL401")
def hardcoded_platform(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.dockerfile.stages:
        platform = stage.platform
        if not platform or "$" in platform:
            continue
        yield Hit(
            stage.from_.span,
            f"FROM --platform={platform} forces this stage to {platform}: on an arm64 Mac or Graviton "
            "runner it builds under slow emulation, and the image never runs natively there",
            fix="Drop --platform, or use --platform=$BUILDPLATFORM for a cross-compiling build stage",
        )


def _arch_variables(ctx: LintContext) -> set[str]:
    """Variables whose value is chosen by the target architecture (in ARG/ENV/RUN)."""
    names = set()
    for instruction in ctx.dockerfile.instructions:
        text = instruction.args + "".join("\n" + d.body for d in instruction.heredocs)
        if instruction.keyword in ("ARG", "ENV"):
            from portlint.dockerfile.variables import assignments

            for name, value in assignments(instruction):
                if name in ("TARGETARCH", "TARGETPLATFORM", "TARGETVARIANT", "BUILDARCH") or (value and _ARCH_SELECTORS.search(value)):
                    names.add(name)
        elif instruction.keyword == "RUN" and _ARCH_SELECTORS.search(text):
            for command in ctx.shell(instruction).commands:
                for name, value in command.assignments:
                    if _ARCH_SELECTORS.search(value) or command.condition and _ARCH_SELECTORS.search(command.condition):
                        names.add(name)
                argv = command.argv
                if argv[:1] == ("export",):
                    for word in argv[1:]:
                        name, _, value = word.partition("=")
                        if _ARCH_SELECTORS.search(value):
                            names.add(name)
    return names


def _selected(text: str, variables: set[str]) -> bool:
    if _ARCH_SELECTORS.search(text):
        return True
    return any(re.search(rf"\$\{{?{re.escape(v)}\b", text) for v in variables)


@check("PL402")
def arch_specific_download(ctx: LintContext) -> Iterator[Hit]:
    arch_variables = _arch_variables(ctx)
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword == "ADD":
            for url in _URL.findall(instruction.args):
                hit = _judge_url(ctx, url, instruction.span, arch_variables, None, instruction.stage)
                if hit:
                    yield hit
            continue
        if instruction.keyword != "RUN":
            continue
        script = ctx.shell(instruction)
        for command in script.commands:
            argv = command.effective().argv
            if not argv or argv[0].rsplit("/", 1)[-1] not in _DOWNLOADERS:
                continue
            for word in argv[1:]:
                for url in _URL.findall(word):
                    line = ctx.command_line(instruction, command.line)
                    hit = _judge_url(ctx, url, Span(line), arch_variables, command.condition, instruction.stage)
                    if hit:
                        yield hit


def _judge_url(ctx: LintContext, url: str, span: Span, variables: set[str], condition: str | None,
               stage_index: int) -> Hit | None:
    if _selected(url, variables) or (condition and _selected(condition, variables)):
        return None
    filename = url.rstrip("/").rsplit("/", 1)[-1]
    if _ARCH_INDEPENDENT.search(filename):
        return None  # cuda-keyring_1.1-1_all.deb sits in an x86_64 folder but runs anywhere
    match = _ARCH_TOKEN.search(filename) or _ARCH_TOKEN.search(url)
    if not match:
        return None
    arch = _ARCH_WORDS.get(match.group(1).lower(), match.group(1).lower())
    broken = _broken_platforms(ctx, arch, stage_index)
    if not broken:
        return None
    return Hit(
        span,
        f"Downloads '{filename}', built for {match.group(1)} only: on {', '.join(broken)} the binary fails "
        "with 'exec format error' (or the installer refuses to run)",
        fix="Pick the artifact from the target architecture: ARG TARGETARCH, or case \"$(uname -m)\" in x86_64) …;; aarch64) …;; esac",
    )


@check("PL403")
def arch_specific_path(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in ("ENV", "ARG", "RUN", "COPY", "ADD", "WORKDIR", "VOLUME", "CMD", "ENTRYPOINT"):
            continue
        if instruction.keyword == "RUN":
            texts = [(c.condition, " ".join(c.argv), ctx.command_line(instruction, c.line)) for c in ctx.shell(instruction).commands]
        else:
            texts = [(None, instruction.args, instruction.line)]
        for condition, text, line in texts:
            match = _ARCH_PATH.search(text)
            if not match or (condition and _selected(condition, set())) or "DEB_HOST_MULTIARCH" in text:
                continue
            if len({m.group(1) for m in _ARCH_PATH.finditer(text) if m.group(1)}) > 1:
                continue  # a search list naming each architecture's folder (PKG_CONFIG_PATH=…x86_64…:…aarch64…)
            arch = _PATH_ARCH.get(match.group(1) or ("x86_64" if "x86-64" in match.group(0) else "aarch64"), "amd64")
            broken = _broken_platforms(ctx, arch, instruction.stage)
            if not broken:
                continue
            span = Span(line) if instruction.keyword == "RUN" else instruction.span
            yield Hit(
                span,
                f"'{match.group(0)}' exists only on {arch} images; on {', '.join(broken)} the path is "
                "missing and libraries are not found",
                fix="Derive it at build time: $(dpkg-architecture -qDEB_HOST_MULTIARCH) or $(gcc -dumpmachine), "
                "or use the arch-independent path",
            )
            break


@check("PL404")
def native_cpu_flags(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in ("RUN", "ENV", "ARG"):
            continue
        text = instruction.args + "".join("\n" + d.body for d in instruction.heredocs)
        match = _NATIVE_FLAGS.search(text)
        if not match:
            continue
        yield Hit(
            instruction.span,
            f"'{match.group(1)}' compiles for the build machine's CPU: on an older or different CPU the "
            "program dies with 'Illegal instruction (core dumped)'",
            fix="Target a baseline (-march=x86-64-v2 on amd64, -march=armv8-a on arm64) or drop the flag",
        )


@check("PL405")
def single_arch_base_image(ctx: LintContext) -> Iterator[Hit]:
    if ctx.is_windows:
        return  # a Windows container is built for windows/amd64, whatever --platform says of Linux
    for base in ctx.base_images:
        if base.stage.platform:  # pinned (PL401) or following $BUILDPLATFORM/$TARGETPLATFORM on purpose
            continue
        facts = base.facts
        if not facts or not facts.get("platforms"):
            continue
        missing = [p for p in ctx.platforms if not platform_covered(p, facts["platforms"])]
        if not missing:
            continue
        yield Hit(
            base.stage.from_.span,
            f"'{base.text}' is published only for {', '.join(facts['platforms'])}; building for "
            f"{', '.join(missing)} fails with 'no matching manifest' (or runs under emulation)",
            fix="Choose a multi-arch base image, or limit the targets with --platform / platforms in the config",
        )


@check("PL406")
def gpu_only_base_image(ctx: LintContext) -> Iterator[Hit]:
    for base in ctx.base_images:
        facts = base.facts
        if not facts or not facts.get("gpu"):
            continue
        if facts["gpu"] == "rocm":
            needs = "an AMD GPU with the ROCm driver on the host, and the /dev/kfd and /dev/dri devices passed in"
        else:
            needs = "an NVIDIA GPU, its driver and the NVIDIA container toolkit on the host"
        yield Hit(
            base.stage.from_.span,
            f"'{base.text}' is a GPU ({'ROCm' if facts['gpu'] == 'rocm' else 'CUDA'}) image: the container needs {needs}; "
            "on a laptop or CPU server it fails or falls back silently",
            fix="Use a CPU base image by default and a build ARG for the GPU variant, or document the GPU requirement",
        )


_APT_VALUE_OPTIONS = frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file"})
# Debian's architecture names (dpkg-architecture -L, the release architectures and ports)
_DEBIAN_ARCHITECTURES = frozenset({"amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "s390x",
                                   "riscv64", "loong64", "x32", "powerpc", "ppc64", "alpha", "hppa", "ia64", "m68k", "sh4",
                                   "sparc64", "hurd-i386", "hurd-amd64"})


@check("PL409")
def foreign_architecture_packages(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword != "RUN":
            continue
        for command in ctx.shell(instruction).commands:
            argv = command.effective().argv
            if not argv:
                continue
            name = argv[0].rsplit("/", 1)[-1]
            foreign = None
            if name == "dpkg" and "--add-architecture" in argv:
                position = argv.index("--add-architecture")
                foreign = argv[position + 1] if position + 1 < len(argv) else None
            elif name in ("apt-get", "apt") and "install" in argv:
                words = argv[argv.index("install") + 1:]
                for position, word in enumerate(words):
                    if word.startswith("-") or "$" in word or (position and words[position - 1] in _APT_VALUE_OPTIONS):
                        continue  # `-o APT::Install-Recommends=false`, `pkg${V:+=$V}`: not pkg:arch
                    package_arch = word.split("=")[0].rpartition(":")[2] if ":" in word.split("=")[0] else None
                    if package_arch in _DEBIAN_ARCHITECTURES:
                        foreign = package_arch
                        break
            if not foreign or "$" in foreign:
                continue
            yield Hit(
                Span(ctx.command_line(instruction, command.line)),
                f"Installs packages for the {foreign} architecture: the result depends on which CPU builds "
                "the image, and on other architectures the packages are foreign binaries",
                fix="Install native packages, or choose the architecture from $TARGETARCH in a cross-compiling stage",
            )
