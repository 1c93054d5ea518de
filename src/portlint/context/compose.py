"""The commands docker compose runs an image with: the services built from the linted Dockerfile.

One image often serves several containers (`web` runs uvicorn, `worker` runs celery), and
the compose file beside the Dockerfile says which.  Only compose files at the context root
or in the Dockerfile's folder are read, and only services whose `build` resolves to this
context and this Dockerfile.  A file portlint's YAML reader does not support (anchors,
block scalars) is left out: it only ever adds what the containers run.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portlint.lint_context import LintContext

_COMPOSE_FILE = re.compile(r"^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$")


@dataclass(frozen=True)
class ComposeService:
    """A service built from the linted Dockerfile, with what it overrides."""

    name: str
    file: str  # context-relative compose file
    target: str | None  # the stage it builds (build.target); None: the last one
    entrypoint: tuple[str, ...] | None
    command: tuple[str, ...] | None
    working_dir: str | None


def compose_services(ctx: LintContext) -> tuple[ComposeService, ...]:
    """The services of the context's compose files that build this Dockerfile; read once per lint."""
    key = ("compose-services",)
    if key not in ctx.shared:
        ctx.shared[key] = tuple(_find(ctx))
    return ctx.shared[key]


def _find(ctx: LintContext):
    context = ctx.build_context
    dockerfile_dir = ctx.dockerfile_dir
    if context is None or dockerfile_dir is None or ctx.dockerfile_path is None:
        return
    from portlint.mini_yaml import YamlError, loads

    dockerfile = posixpath.join(dockerfile_dir, ctx.dockerfile_path.name) if dockerfile_dir else ctx.dockerfile_path.name
    folders = {"", dockerfile_dir}
    for path in context.files:
        folder, _, name = path.rpartition("/")
        if folder not in folders or not _COMPOSE_FILE.match(name):
            continue
        text = ctx.context_text(path)
        if text is None:
            continue
        try:
            document = loads(text.text)
        except (YamlError, RecursionError):
            continue
        services = document.get("services") if isinstance(document, dict) else None
        if not isinstance(services, dict):
            continue
        for service_name, service in services.items():
            if not isinstance(service, dict) or not _builds(service.get("build"), folder, dockerfile):
                continue
            build, workdir = service.get("build"), service.get("working_dir")
            target = build.get("target") if isinstance(build, dict) else None
            yield ComposeService(str(service_name), path, target.lower() if isinstance(target, str) else None,
                                 _argv(service.get("entrypoint")), _argv(service.get("command")),
                                 workdir if isinstance(workdir, str) else None)


def _builds(build: Any, folder: str, dockerfile: str) -> bool:
    """Whether a service's `build` is this context (the compose file's folder joined with it)
    and this Dockerfile (relative to that context; `Dockerfile` when unsaid)."""
    if isinstance(build, str):
        context, named = build, "Dockerfile"
    elif isinstance(build, dict):
        context, named = build.get("context", "."), build.get("dockerfile", "Dockerfile")
        if not isinstance(context, str) or not isinstance(named, str):
            return False
    else:
        return False
    if "://" in context or "$" in context or "$" in named:
        return False
    return (posixpath.normpath(posixpath.join(folder, context or ".")) == "."
            and posixpath.normpath(named) == posixpath.normpath(dockerfile))


def _argv(value: Any) -> tuple[str, ...] | None:
    """Compose's command/entrypoint: a list as it is, a string split as a shell would split words."""
    if isinstance(value, list) and all(isinstance(word, (str, int, float)) for word in value):
        return tuple(str(word) for word in value)
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value))
        except ValueError:
            return None
    return None
