"""Which build-context files each stage's image holds, where, and since when.

Follows COPY/ADD with Docker's semantics (globs, directories copied by content,
destinations relative to WORKDIR, ``--from`` copies between stages, .dockerignore),
``RUN --mount=type=bind`` making context files visible during one RUN, and stages
built FROM earlier stages.  What we cannot see (a copy from another image, an
archive ADD unpacks, a download) is recorded as an *opaque* directory, so rules can
stay quiet where the answer is unknown.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from portlint.context.buildcontext import BuildContext, has_glob, normalize
from portlint.dockerfile.model import Dockerfile, Instruction, Stage
from portlint.dockerfile.variables import Scopes

if TYPE_CHECKING:
    from portlint.dockerfile.shell import ShellScript

# Folders every Linux base image has: `COPY requirements.txt /tmp` puts the file inside.
_STANDARD_DIRS = frozenset(
    "/ /bin /etc /home /lib /mnt /opt /root /run /sbin /srv /tmp /usr /usr/bin /usr/lib /usr/local "
    "/usr/local/bin /usr/local/lib /usr/local/share /usr/sbin /usr/share /usr/src /var /var/lib /var/log /var/tmp".split()
)
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


@dataclass(frozen=True)
class Placed:
    """A context file (or heredoc) at a path in a stage's image."""

    image_path: str  # absolute POSIX path inside the image
    context_path: str | None  # context-relative source; None for heredoc or unknown content
    instruction: Instruction  # the COPY/ADD of *this* stage that placed it


@dataclass(frozen=True)
class Mount:
    """A RUN --mount that makes files visible for that one step."""

    target: str  # absolute image path where the mounted files are visible during the RUN
    context_path: str | None  # context-relative file or directory ("" for the whole context);
    # None when the files come from another stage, an image or a cache: present, contents unknown


@dataclass
class StageImage:
    """The files a stage's image holds, and where each came from."""

    stage: Stage
    files: dict[str, Placed] = field(default_factory=dict)  # the latest placement of each path
    first: dict[str, Placed] = field(default_factory=dict)  # the earliest, for "present before X?"
    opaque: list[tuple[str, int]] = field(default_factory=list)  # (image dir, instruction index)
    workdir: dict[int, str] = field(default_factory=dict)  # instruction index -> WORKDIR in force
    final_workdir: str = "/"
    declared_dirs: set[str] = field(default_factory=set)  # folders the stage's WORKDIRs name
    mounts: dict[int, list[Mount]] = field(default_factory=dict)  # RUN index -> bind mounts
    external_base: bool = True  # starts from an image (whose contents we do not know)

    def workdir_at(self, instruction: Instruction) -> str:
        return self.workdir.get(instruction.index, self.final_workdir)

    def resolve(self, path: str, instruction: Instruction | None = None) -> str:
        """An image path made absolute against the WORKDIR in force at ``instruction``."""
        base = self.workdir_at(instruction) if instruction is not None else self.final_workdir
        return posixpath.normpath(posixpath.join(base, path)) if path else base

    def placed(self, image_path: str, before: Instruction | None = None) -> Placed | None:
        """What is at ``image_path`` (when ``before`` runs, if given)."""
        if before is None:
            return self.files.get(image_path)
        hit = self.first.get(image_path)  # a later COPY of the same path must not hide an earlier one
        if hit is None or (hit.instruction.stage == before.stage and hit.instruction.index >= before.index):
            return None
        return self.files.get(image_path) if self.files[image_path].instruction.index < before.index else hit

    def put(self, placed: Placed) -> None:
        self.files[placed.image_path] = placed
        self.first.setdefault(placed.image_path, placed)

    def has_dir(self, image_dir: str) -> bool:
        prefix = image_dir.rstrip("/") + "/"
        return any(path.startswith(prefix) for path in self.files)

    def under(self, image_dir: str) -> list[Placed]:
        prefix = image_dir.rstrip("/") + "/"
        return [p for path, p in self.files.items() if path.startswith(prefix)]

    def is_opaque(self, image_path: str, before: Instruction | None = None) -> bool:
        """Whether something we cannot see may have put ``image_path`` there by the time
        ``before`` runs (a RUN that clones a repository sees the clone itself)."""
        for directory, index in self.opaque:
            if before is not None and index > before.index and before.stage == self.stage.index:
                continue
            if directory == "/" or image_path == directory or image_path.startswith(directory.rstrip("/") + "/"):
                return True
        return False

    def python_files(self) -> list[Placed]:
        return [p for path, p in self.files.items() if path.endswith(".py") and p.context_path is not None]


_GIT_CLONE_VALUE_OPTIONS = frozenset({"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "--reference",
                                      "--separate-git-dir", "-j", "--jobs", "--filter", "-u", "--upload-pack", "--shallow-since"})


def _fetched_directories(script: ShellScript, workdir: str) -> list[str]:
    """Folders a RUN fills with files we cannot see: ``git clone URL [DIR]``,
    ``tar -x … -C DIR``, ``unzip … -d DIR`` (after the RUN's own ``cd``)."""
    from portlint.dockerfile.shell import positional_words

    found = []
    for command in script.commands:
        argv = command.effective().argv
        name = argv[0].rsplit("/", 1)[-1] if argv else ""
        words = list(argv[1:])  # `-b ${BRANCH}` keeps its value's place, or the URL would pass for it
        target = None
        if name == "cd" and not command.nested:
            places = [w for w in words if not w.startswith("-")]
            workdir = posixpath.normpath(posixpath.join(workdir, places[0])) if places else "/root"
            continue
        if name == "git" and words[:1] == ["clone"]:
            positional = positional_words(words[1:], _GIT_CLONE_VALUE_OPTIONS)
            if positional:
                url = positional[0].rstrip("/")
                target = positional[1] if len(positional) > 1 else url.rsplit("/", 1)[-1].removesuffix(".git")
        elif name in ("tar", "unzip"):
            flag = "-C" if name == "tar" else "-d"
            if flag in words[:-1]:
                target = words[words.index(flag) + 1]
        if target and "$" not in target:
            found.append(posixpath.normpath(posixpath.join(workdir, target)))
    return found


class ImageModel:
    def __init__(
        self, dockerfile: Dockerfile, context: BuildContext, scopes: Scopes,
        shell: Callable[[Instruction], ShellScript] | None = None,
        base_workdirs: dict[int, str] | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.context = context
        self.scopes = scopes
        self.shell = shell
        self.base_workdirs = base_workdirs or {}  # stage -> the WORKDIR its base image leaves (pytorch: /workspace)
        self.stages: list[StageImage] = []
        for stage in dockerfile.stages:
            self.stages.append(self._build(stage))

    @property
    def final(self) -> StageImage:
        return self.stages[-1]

    def _source_stage(self, name: str, current: Stage) -> StageImage | None:
        if name.isdigit():
            index = int(name)
            return self.stages[index] if index < current.index else None
        stage = self.dockerfile.stage_by_name(name)
        return self.stages[stage.index] if stage is not None and stage.index < current.index else None

    def _build(self, stage: Stage) -> StageImage:
        parent = self.dockerfile.parent_stage(stage)
        image = StageImage(stage=stage)
        if parent is not None:
            inherited = self.stages[parent.index]
            image.files = dict(inherited.files)
            image.first = dict(inherited.first)
            image.opaque = [(d, -1) for d, _ in inherited.opaque]
            image.final_workdir = inherited.final_workdir
            image.external_base = inherited.external_base
        elif stage.index in self.base_workdirs:
            image.final_workdir = self.base_workdirs[stage.index]
        # Folders the stage names as WORKDIR exist when it copies into them (COPY x /workspace
        # then WORKDIR /workspace builds only if /workspace was a folder already).
        image.declared_dirs = {image.final_workdir} | {
            posixpath.normpath(posixpath.join("/", self.scopes.expand(i, i.args.strip().strip("\"'")).value))
            for i in stage.instructions if i.keyword == "WORKDIR" and i.args.strip().startswith(("/", "$"))}
        workdir = image.final_workdir
        for instruction in stage.instructions:
            image.workdir[instruction.index] = workdir
            keyword = instruction.keyword
            if keyword == "WORKDIR":
                path = self.scopes.expand(instruction, instruction.args.strip().strip("\"'")).value
                workdir = posixpath.normpath(posixpath.join(workdir, path)) if path else workdir
            elif keyword in ("COPY", "ADD"):
                self._copy(image, instruction, workdir)
            elif keyword == "RUN":
                mounts = self._mounts(instruction, workdir)
                if mounts:
                    image.mounts[instruction.index] = mounts
                if self.shell is not None:
                    for directory in _fetched_directories(self.shell(instruction), workdir):
                        image.opaque.append((directory, instruction.index))
        image.final_workdir = workdir
        return image

    def _copy(self, image: StageImage, instruction: Instruction, workdir: str) -> None:
        words = list(instruction.words)
        if instruction.heredocs or len(words) < 2:
            if len(words) >= 1:
                dest = posixpath.join(workdir, self.scopes.expand(instruction, words[-1]).value)
                for doc in instruction.heredocs:
                    path = dest if len(instruction.heredocs) == 1 and not dest.endswith("/") else posixpath.join(dest, doc.delimiter)
                    image.put(Placed(posixpath.normpath(path), None, instruction))
            return
        expand = lambda text: self.scopes.expand(instruction, text)  # noqa: E731
        raw_dest = expand(words[-1]).value
        dest = posixpath.normpath(posixpath.join(workdir, raw_dest)) if raw_dest else workdir
        sources = words[:-1]
        into_dir = raw_dest.endswith("/") or len(sources) > 1 or any(has_glob(s) for s in sources)
        from_stage = instruction.flag("from")
        if from_stage is not None:
            source_image = self._source_stage(expand(from_stage).value, image.stage)
            if source_image is None:  # another image: its files are invisible to us
                image.opaque.append((dest, instruction.index))
                return
            for source in sources:
                self._copy_between(image, source_image, expand(source).value, dest, into_dir, instruction)
            return
        for source in sources:
            expanded = expand(source)
            if expanded.undefined or expanded.unknown or expanded.starts_unset:
                image.opaque.append((dest, instruction.index))  # what it copies is unknown
                continue
            text = expanded.value
            if "://" in text or text.startswith("git@"):
                image.opaque.append((dest if into_dir or dest.endswith("/") else posixpath.dirname(dest), instruction.index))
                continue
            if instruction.keyword == "ADD" and text.endswith(_ARCHIVE_SUFFIXES):
                image.opaque.append((dest, instruction.index))  # ADD unpacks local archives
                continue
            self._copy_from_context(image, text, dest, into_dir, instruction)

    def _copy_from_context(self, image: StageImage, source: str, dest: str, into_dir: bool, instruction: Instruction) -> None:
        context = self.context
        relative = normalize(source)
        if has_glob(relative):
            matches = context.glob(relative)
        else:
            matches = [relative] if context.is_file(relative) or context.is_dir(relative) else []
        # A file .dockerignore excludes never reaches the builder: as good as missing.
        matches = [m for m in matches if context.is_dir(m) or not context.excluded(m)]
        dest_is_dir = into_dir or dest in self._known_dirs(image) or image.has_dir(dest)
        if not matches and not context.truncated:
            # Missing from the context or ignored (PL210 says so; a glob may match files made
            # before the build, like wheels): later steps that read them are not blamed again.
            if has_glob(relative):
                target = dest if dest_is_dir else posixpath.dirname(dest)
            else:
                target = posixpath.join(dest, posixpath.basename(relative.rstrip("/"))) if dest_is_dir else dest
            image.opaque.append((target, instruction.index))
            return
        # COPY --parents keeps each source's path (below a "/./" pivot, if the source has one).
        parents = instruction.flag("parents") is not None and instruction.flag("parents") != "false"
        pivot = normalize(source.split("/./", 1)[0]) if "/./" in source else ""
        for match in matches:
            kept = match[len(pivot):].lstrip("/") if parents else ""
            if context.is_dir(match):
                for path in context.files_under(match):
                    if context.excluded(path):
                        continue
                    inner = path[len(match):].lstrip("/") if match else path
                    target = posixpath.join(dest, kept, inner)
                    image.put(Placed(target, path, instruction))
            elif not context.excluded(match):
                if parents:
                    target = posixpath.join(dest, kept)
                else:
                    target = posixpath.join(dest, posixpath.basename(match)) if dest_is_dir else dest
                image.put(Placed(target, match, instruction))

    def _known_dirs(self, image: StageImage) -> set[str]:
        return set(image.workdir.values()) | {image.final_workdir} | image.declared_dirs | _STANDARD_DIRS

    def _copy_between(self, image: StageImage, source: StageImage, path: str, dest: str, into_dir: bool, instruction: Instruction) -> None:
        absolute = posixpath.normpath(posixpath.join(source.final_workdir, path))
        if source.is_opaque(absolute) or absolute == "/" or not (absolute in source.files or source.has_dir(absolute)):
            # Built by a RUN in that stage (a venv, wheels, a compiled binary): unknown contents.
            image.opaque.append((dest, instruction.index))
        placed = source.files.get(absolute)
        if placed is not None:
            into = into_dir or image.has_dir(dest) or dest in self._known_dirs(image)
            target = posixpath.join(dest, posixpath.basename(absolute)) if into else dest
            image.put(Placed(target, placed.context_path, instruction))
            return
        for inner in source.under(absolute):
            target = posixpath.join(dest, inner.image_path[len(absolute):].lstrip("/"))
            image.put(Placed(target, inner.context_path, instruction))

    def _mounts(self, instruction: Instruction, workdir: str) -> list[Mount]:
        mounts = []
        for value in instruction.flag_values("mount"):
            options = dict(
                part.split("=", 1) if "=" in part else (part, "")
                for part in value.split(",")
            )
            kind = options.get("type", "bind")
            target = options.get("target", options.get("dst", options.get("destination", "")))
            if kind not in ("bind", "cache") or not target:
                continue  # tmpfs starts empty; secret and ssh mounts hold no project files
            from_context = kind == "bind" and "from" not in options
            source = normalize(options.get("source", options.get("src", ""))) if from_context else None
            mounts.append(Mount(posixpath.normpath(posixpath.join(workdir, target)), source))
        return mounts
