"""What a check receives: the parsed Dockerfile plus lazily computed views of it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portlint.dockerfile.images import ImageRef, parse_image
from portlint.knowledge.images import DeclaredImage
from portlint.dockerfile.model import Dockerfile, Instruction, Stage
from portlint.dockerfile.variables import Scopes

# Parsed RUN scripts kept per file: every real Dockerfile fits, and a machine-made one
# with hundreds of thousands of RUNs costs re-parsing instead of unbounded memory.
SHELL_CACHE_SIZE = 4096

_WINDOWS_IMAGE = re.compile(r"windows|servercore|nanoserver|mcr\.microsoft\.com/dotnet/framework|:ltsc\d{4}", re.IGNORECASE)

if TYPE_CHECKING:
    from portlint.context.buildcontext import BuildContext
    from portlint.context.image_files import ImageModel
    from portlint.diagnostics import Hit
    from portlint.dockerfile.shell import ShellScript
    from portlint.dockerfile.source import SourceText
    from portlint.python.environment import StageEnvironment
    from portlint.python.imports import ModuleImports
    from portlint.python.installs import InstallCommand


@dataclass(frozen=True)
class BaseImage:
    """What a stage's FROM names once ARG defaults are applied."""

    stage: Stage
    text: str  # the reference after substitution
    kind: str  # "image" | "scratch" | "stage" | "unresolved"
    ref: ImageRef | None = None
    parent: Stage | None = None  # for kind == "stage"
    variables: tuple[str, ...] = ()  # variables the reference used
    unresolved: tuple[str, ...] = ()  # variables without a value
    declared: tuple[DeclaredImage, ...] = ()  # the project's own images, from its configuration

    @property
    def via(self) -> str:
        """' (via ARG X)' when a variable chose the image, for messages."""
        if not self.variables:
            return ""
        return f" (via ARG {', '.join(self.variables)})"

    @property
    def facts(self) -> dict[str, Any] | None:
        """What the project's configuration, else the knowledge tables, say about this
        image; None for one neither knows."""
        if self.kind != "image" or self.ref is None:
            return None
        from portlint.knowledge.images import declared_facts, table_facts

        if self.declared:
            found = declared_facts(self.declared, self.ref.name, self.ref.tag)
            if found is not None:
                return found
        return table_facts(self.ref.name, self.ref.tag)


@dataclass
class LintContext:
    """Everything the checks ask about one Dockerfile and its context, computed lazily."""

    dockerfile: Dockerfile
    context_dir: Path | None
    platforms: tuple[str, ...]
    build_args: tuple[tuple[str, str], ...] = ()  # --build-arg NAME=VALUE (the last of a name wins)
    dockerfile_path: Path | None = None  # the Dockerfile on disk; None for stdin
    declared_images: tuple[DeclaredImage, ...] = ()
    # Resolved path -> contents that stand in for the file on disk (--fix's pending edits).
    overlay: Mapping[str, bytes] = field(default_factory=dict)

    def read_context_bytes(self, relative: str) -> bytes:
        """A build-context file's bytes (raises OSError like Path.read_bytes)."""
        assert self.context_dir is not None
        path = self.context_dir / relative
        if self.overlay:
            edited = self.overlay.get(str(path.resolve()))
            if edited is not None:
                return edited
        return path.read_bytes()

    @cached_property
    def scopes(self) -> Scopes:
        return Scopes(self.dockerfile, dict(self.build_args))

    @cached_property
    def base_images(self) -> tuple[BaseImage, ...]:
        return tuple(self._resolve_base(stage) for stage in self.dockerfile.stages)

    def _resolve_base(self, stage: Stage) -> BaseImage:
        from portlint.dockerfile.variables import find_refs

        expansion = self.scopes.expand(stage.from_, stage.base)
        used = tuple(ref.name for ref in find_refs(stage.base))
        text = expansion.value.strip()
        if expansion.undefined or expansion.unknown or not text:
            return BaseImage(stage, text, "unresolved", variables=used,
                             unresolved=expansion.undefined + expansion.unknown)
        if text.lower() == "scratch":
            return BaseImage(stage, text, "scratch", variables=used)
        earlier = self.dockerfile.stage_by_name(text)
        if earlier is not None and earlier.index < stage.index:
            return BaseImage(stage, text, "stage", parent=earlier, variables=used)
        return BaseImage(stage, text, "image", ref=parse_image(text), variables=used, declared=self.declared_images)

    def stage_platforms(self, stage_index: int) -> tuple[str, ...]:
        """The target platforms a stage is really built for: a constant FROM --platform, or
        those its base image is published for (a Jetson image is arm64 whatever --platform
        asks; PL405 says so once), else the targets."""
        stage = self.dockerfile.stages[stage_index]
        if stage.platform and "$" not in stage.platform:
            return (stage.platform,)
        facts = self.root_image(stage).facts
        published = facts.get("platforms") if facts else None
        if published:
            from portlint.knowledge.images import platform_covered

            kept = tuple(p for p in self.platforms if platform_covered(p, published))
            if kept:
                return kept
        return self.platforms

    @property
    def unknown_base_images(self) -> tuple[str, ...]:
        """Images the final image is built on that neither the tables nor the configuration
        describe (only once computed: a lint that never asked about images reports none)."""
        if "_root_images" not in self.__dict__ or self.is_windows:
            return ()
        return tuple(dict.fromkeys(b.text for b in self._root_images if b.kind == "image" and b.facts is None))

    @cached_property
    def _root_images(self) -> tuple[BaseImage, ...]:
        roots: list[BaseImage] = []
        for base in self.base_images:  # a parent stage always comes first, so its root is known
            if base.kind == "stage" and base.parent is not None and base.parent.index < len(roots):
                roots.append(roots[base.parent.index])
            else:
                roots.append(base)
        return tuple(roots)

    def root_image(self, stage: Stage) -> BaseImage:
        """Follow FROM <earlier stage> links down to the image the stage really starts from."""
        return self._root_images[stage.index]

    @cached_property
    def is_windows(self) -> bool:
        """A Windows container (a Windows base image or a PowerShell/cmd SHELL): its paths
        are outside the Linux file model.  Neither C:\\ paths nor the backtick escape alone
        are a sign: Linux Dockerfiles made from Windows templates keep the backtick escape, and
        in a Linux image a C:\\ path is a mistake (PL304).  Only when the final image is
        unknown (FROM $BASE without a default) does the backtick escape tip the balance."""
        if any(_WINDOWS_IMAGE.search(base.text) for base in self.base_images if base.kind == "image"):
            return True
        if self.dockerfile.directives.escape == "`" and self.root_image(self.dockerfile.stages[-1]).kind == "unresolved":
            return True
        for instruction in self.dockerfile.stages[-1].instructions:
            if instruction.keyword == "SHELL" and instruction.json_args and instruction.json_args[0].lower().startswith(("powershell", "pwsh", "cmd")):
                return True
        return False

    # ---- the build context (None when linting stdin without --context) ----------

    @cached_property
    def dockerfile_dir(self) -> str | None:
        """The Dockerfile's folder inside the build context ('' for the context root);
        None when the Dockerfile lies outside the context or came from stdin."""
        if self.dockerfile_path is None or self.context_dir is None:
            return None
        try:
            relative = self.dockerfile_path.resolve().parent.relative_to(self.context_dir.resolve())
        except (ValueError, OSError):
            return None
        return "" if str(relative) == "." else relative.as_posix()

    @cached_property
    def build_context(self) -> BuildContext | None:
        if self.context_dir is None or not self.context_dir.is_dir():
            return None
        return _load_build_context(self._resolved_context)

    @cached_property
    def images(self) -> ImageModel | None:
        """Which context files each stage's image holds; None without a context."""
        if self.build_context is None:
            return None
        from portlint.context.image_files import ImageModel

        workdirs = {}
        for base in self.base_images:
            facts = base.facts if base.kind == "image" else None
            if facts and facts.get("workdir"):
                workdirs[base.stage.index] = facts["workdir"]
        return ImageModel(self.dockerfile, self.build_context, self.scopes, self.shell, workdirs)

    @cached_property
    def _environment_builder(self):
        if self.images is None:
            return None
        from portlint.python.environment import EnvironmentBuilder

        return EnvironmentBuilder(self)

    @property
    def environments(self) -> list[StageEnvironment] | None:
        """Installed Python distributions per stage; None without a context."""
        builder = self._environment_builder
        return builder.environments if builder is not None else None

    @property
    def file_problems(self) -> list[Hit]:
        """Context files the analysis could not parse (the engine reports them as PL001)."""
        builder = self.__dict__.get("_environment_builder")
        return list(builder.problems) if builder is not None else []

    def imports(self, context_path: str) -> ModuleImports | None:
        """The imports of a context Python file (parsed once per run, even across Dockerfiles)."""
        if self._resolved_context is None:
            return None
        return _parse_python_file(f"{self._resolved_context}/{context_path}")

    @cached_property
    def _resolved_context(self) -> str | None:
        """The context's real path: the key shared by Dockerfiles that use one context."""
        return str(self.context_dir.resolve()) if self.context_dir is not None else None

    @cached_property
    def _context_texts(self) -> dict[str, SourceText | None]:
        return {}

    def context_text(self, relative: str) -> SourceText | None:
        """A build-context file's text (None if absent or unreadable), read once."""
        if relative not in self._context_texts:
            from portlint.dockerfile.source import decode_requirements
            from portlint.errors import InputError

            text = None
            if self.context_dir is not None:
                try:  # tolerant of byte-order marks: this text only shows lines and reads suppressions
                    text = decode_requirements(self.read_context_bytes(relative), relative)
                except (OSError, InputError):
                    text = None
            self._context_texts[relative] = text
        return self._context_texts[relative]

    def context_line(self, relative: str, line: int) -> str | None:
        text = self.context_text(relative)
        return text.line(line) if text is not None else None

    @cached_property
    def shared(self) -> dict[Any, Any]:
        """Results several checks derive alike (what a stage's installs bring along), computed once."""
        return {}

    @cached_property
    def _shell_cache(self) -> dict[int, tuple[ShellScript, int]]:
        return {}

    def _parsed(self, instruction: Instruction) -> tuple[ShellScript, int]:
        from portlint.dockerfile.shell import parse_shell

        cache = self._shell_cache
        cached = cache.get(instruction.index)
        if cached is None:
            text, first_line, continuation = run_script(instruction, self.dockerfile.directives.escape)
            cached = (parse_shell(text, continuation), first_line)
            if len(cache) >= SHELL_CACHE_SIZE:
                del cache[next(iter(cache))]
            cache[instruction.index] = cached
        return cached

    def shell(self, instruction: Instruction) -> ShellScript:
        """The commands a RUN executes (heredoc scripts included), parsed once."""
        return self._parsed(instruction)[0]

    @cached_property
    def install_commands(self) -> tuple[tuple[Instruction, int, InstallCommand], ...]:
        """Every package-install command of every RUN, with the Dockerfile line it is on."""
        from portlint.python.installs import parse_install

        found = []
        for instruction in self.dockerfile.instructions:
            if instruction.keyword != "RUN":
                continue
            for command in self.shell(instruction).commands:
                effective = command.effective()
                install = parse_install(effective.argv, command.line, effective.word_lines)
                if install is not None:
                    found.append((instruction, self.command_line(instruction, command.line), install))
        return tuple(found)

    def command_line(self, instruction: Instruction, command_offset: int) -> int:
        """The Dockerfile line of a command found at ``command_offset`` in the RUN's script."""
        return self._parsed(instruction)[1] + command_offset


# Dockerfiles that share a context (services/*/Dockerfile built from the root) walk it
# once; a handful are kept, since a big context's listing is megabytes.
@lru_cache(maxsize=8)
def _load_build_context(root: str) -> BuildContext:
    import sys

    from portlint.context.buildcontext import MAX_FILES, BuildContext

    context = BuildContext.load(Path(root))
    if context.truncated:
        print(
            f"portlint: note: the build context {root} holds more than {MAX_FILES:,} files; only those were "
            "read, so findings that need the whole context may be missed (list data folders in .dockerignore)",
            file=sys.stderr,
        )
    return context


# Bounded: Dockerfiles that share a context reuse its parses, but a scan of thousands
# of contexts must not keep every file it has read. Large enough for one big context's
# files: the import rules read them in several passes.
@lru_cache(maxsize=4096)
def _parse_python_file(path: str) -> ModuleImports | None:
    from portlint.python.imports import parse_imports

    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return parse_imports(data, path)


_SHELLS = ("sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/usr/bin/env")


def run_script(instruction: Instruction, escape: str = "\\") -> tuple[str, int, str]:
    """The shell text a RUN hands to the shell.

    ``RUN <<EOF`` (or ``RUN bash <<EOF``) runs the heredoc body as the script; any
    other heredoc (``python3 <<EOF``, ``cat <<EOF > file``) is data for a command, so
    only the command line itself is shell.  Returns the text, its first line and the
    character that continues its lines: the Dockerfile's ``escape`` for the
    instruction's own lines, the shell's backslash inside a heredoc body.
    """
    if instruction.is_json:
        import shlex

        return " ".join(shlex.quote(arg) for arg in instruction.json_args or ()), instruction.line, "\\"
    text = instruction.shell_text
    if not instruction.heredocs:
        return text, instruction.shell_line, escape
    words = text.split()
    command = [w for w in words if not w.lstrip("0123456789").startswith("<<")]
    if not command or (command[0] in _SHELLS and all(w.startswith("-") for w in command[1:])):
        body = "".join(doc.body for doc in instruction.heredocs)
        return body, instruction.heredocs[0].start_line, "\\"
    return text, instruction.shell_line, escape
