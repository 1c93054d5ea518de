"""Helpers for testing rules, shipped so rule-pack authors can use them too.

``lint_files`` writes a build context to a folder, lints its Dockerfile with the
real engine, and checks the invariants every finding must satisfy (hadolint's
test helpers do the same): lines inside the file, start <= end, a Dockerfile
finding inside one instruction, a registered rule, a message, same result twice, and
no check crashing (the engine reports a crash on stderr and goes on; tests must not).
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from portlint.diagnostics import Finding, Severity
from portlint.engine import Target, lint_target
from portlint.registry import Registry, build_registry
from portlint.selection import enabled_rules
from portlint.settings import DEFAULT_PLATFORMS, Settings


@lru_cache(maxsize=8)
def registry(rules_dirs: tuple[Path, ...] = ()) -> Registry:
    return build_registry(rules_dirs)


def write_context(root: Path, files: Mapping[str, str | bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


def make_settings(config: Mapping[str, object] | None = None, build_args: Mapping[str, str] | None = None) -> Settings:
    """Settings from a test's configuration (``platforms``, ``severity``) and the
    ``--build-arg`` values the build is run with."""
    config = dict(config or {})
    platforms = tuple(config.pop("platforms", DEFAULT_PLATFORMS))  # type: ignore[arg-type]
    severity = {k: Severity.parse(v) for k, v in dict(config.pop("severity", {})).items()}  # type: ignore[call-overload]
    base_images = ()
    if "base-images" in config:
        from portlint.declared_images import declared_images

        base_images = declared_images(config.pop("base-images"), Path("portlint-test-config.toml"))
    if config:
        raise ValueError(f"unsupported test config keys: {sorted(config)}")
    return Settings(platforms=platforms, severity=severity, base_images=base_images,
                    build_args=tuple(dict(build_args or {}).items()))


def lint_context_dir(
    root: Path,
    dockerfile: str = "Dockerfile",
    *,
    settings: Settings | None = None,
    rules_dirs: tuple[Path, ...] = (),
    select: tuple[str, ...] = ("PL",),
) -> list[Finding]:
    settings = settings or Settings()
    reg = registry(rules_dirs)
    enabled = enabled_rules(reg, select)
    target = Target(dockerfile, root / dockerfile, root, ".")
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        findings = lint_target(target, settings, reg, enabled).findings
        again = lint_target(target, settings, reg, enabled).findings
    assert "internal error" not in errors.getvalue(), errors.getvalue()
    sys.stderr.write(errors.getvalue())  # notes (a capped context walk) still reach the caller
    assert findings == again, "linting the same input twice gave different findings"
    check_invariants(root, dockerfile, findings, reg)
    return findings


def lint_files(
    files: Mapping[str, str | bytes],
    dockerfile: str = "Dockerfile",
    *,
    config: Mapping[str, object] | None = None,
    rules_dirs: tuple[Path, ...] = (),
    select: tuple[str, ...] = ("PL",),
    build_args: Mapping[str, str] | None = None,
) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="portlint-case-") as tmp:
        root = Path(tmp)
        write_context(root, files)
        settings = make_settings(config, build_args)
        return lint_context_dir(root, dockerfile, settings=settings, rules_dirs=rules_dirs, select=select)


def check_invariants(root: Path, dockerfile: str, findings: list[Finding], reg: Registry) -> None:
    from portlint.dockerfile.parse import parse_dockerfile
    from portlint.dockerfile.source import decode
    from portlint.errors import InputError

    model = None
    try:
        model = parse_dockerfile(decode((root / dockerfile).read_bytes()), dockerfile)
    except (InputError, OSError):
        pass
    for f in findings:
        assert f.rule in reg.rules, f"unregistered rule {f.rule}"
        assert f.message.strip(), f"{f.rule}: empty message"
        assert 1 <= f.line <= f.end_line, f"{f.rule}: bad span {f.line}-{f.end_line}"
        file_path = root / f.path
        if file_path.is_file():
            data = file_path.read_bytes()
            length = max(1, data.count(b"\n") + (0 if data.endswith(b"\n") else 1))
            assert f.end_line <= length, f"{f.rule}: line {f.end_line} past the end of {f.path} ({length} lines)"
        if model is not None and f.path == dockerfile and f.rule != "PL001":
            instruction = model.instruction_at(f.line)
            assert instruction is not None, f"{f.rule}: line {f.line} is not inside an instruction"
            assert f.end_line <= instruction.span.last, f"{f.rule}: span crosses instructions"
