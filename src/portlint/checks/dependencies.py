"""PL2xx: does the image carry every dependency its code needs, pinned?"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from portlint.diagnostics import Hit, Severity, Span
from portlint.lint_context import LintContext
from portlint.registry import check

if TYPE_CHECKING:
    from portlint.context.image_files import Placed

# "—from=builder": a word processor turned "--" into a dash (–, —, −)
TYPOGRAPHIC_FLAG = re.compile(r"^[\u2010-\u2015\u2212]{1,2}(?=[a-z-]+(=|$))")

TEST_FILE = re.compile(
    r"(^|/)(tests?|testing|docs?|examples?|scripts?|tools|notebooks?|benchmarks?|experiments?|sandbox|playground|demos?|samples?"
    r"|tutorials?|\.ipynb_checkpoints|\.github|\.gitlab|\.circleci|\.devcontainer|ci|hack|devtools)/"
    r"|(^|/)(test_[^/]*|[^/]*_test|tests?|conftest|setup)\.py$"
    r"|^(noxfile|tasks|fabfile)\.py$"  # task runners sit at the root (app/tasks.py is Celery's)
)
_MAIN_REQUIREMENTS = re.compile(r"(^|/)requirements(/(base|main|prod|production|runtime)\.txt|[-_.]?(prod|production|runtime|main|base)?\.txt)$")


def _final(ctx: LintContext):
    """The final stage's Python environment and files; (None, None) when unknowable.

    Windows containers are left alone: their C:\\ paths are outside the file model,
    so every judgement about what the image holds would be a guess.
    """
    if ctx.environments is None or ctx.images is None or ctx.is_windows:
        return None, None
    return ctx.environments[-1], ctx.images.final


# ---- PL201 / PL202: imports the image cannot satisfy ---------------------------------


def _lookup_key(module: str, names: tuple[str, ...]) -> str:
    """``from google.cloud import storage`` is best looked up as google.cloud.storage."""
    from portlint.python.distributions import distributions_for

    for name in names:
        candidate = f"{module}.{name}"
        if distributions_for(candidate)[1] and not distributions_for(module)[1]:
            return candidate
        if distributions_for(candidate)[1] and distributions_for(candidate)[0] != distributions_for(module)[0]:
            return candidate
    return module


def _reachable(ctx: LintContext, image, index, starts_out: set[str] | None = None,
               factories_out: list[tuple[str, str, str]] | None = None,
               lazy_out: set[str] | None = None) -> set[str] | None:
    """Image paths of the Python files the container's command imports as it starts; None:
    unknown.  ``starts_out`` receives the files the command runs directly, ``factories_out``
    the app factories it calls (image path, function, how to say so), ``lazy_out`` every
    file it may import later too (inside functions, under flags)."""
    from portlint.python.program import compose_entrypoints, entrypoints_from_argv, find_entrypoints

    final_index = len(ctx.dockerfile.stages) - 1
    entries, has_command = find_entrypoints(ctx, final_index)
    composed = compose_entrypoints(ctx, final_index)  # the image's other containers run these
    if not has_command and not composed:
        return None
    entries = entries + composed
    starts: list[str] = []
    roots: list[str] = []
    pending = list(entries)
    seen_scripts: set[str] = set()
    while pending:
        entry = pending.pop()
        if entry.kind == "shell-script" and entry.image_path and entry.image_path not in seen_scripts:
            seen_scripts.add(entry.image_path)
            placed = image.files.get(entry.image_path)
            text = ctx.context_text(placed.context_path) if placed is not None and placed.context_path else None
            if text is None:
                return None  # a script we cannot read may run anything
            from portlint.dockerfile.shell import parse_shell

            workdir = image.workdir_at(entry.instruction)
            for command in parse_shell(text.text).commands:
                pending.extend(entrypoints_from_argv(command.effective().argv, entry.instruction, workdir))
        elif entry.kind == "script" and entry.image_path:
            starts.append(entry.image_path)
            roots.append(posixpath.dirname(entry.image_path))
        elif entry.kind == "module" and entry.module:
            root = entry.image_path or image.workdir_at(entry.instruction)
            roots.append(root)
            starts.extend(index.files_for(entry.module, [root]))
            if entry.factory and factories_out is not None:
                factories_out.extend((path, entry.factory, f"the command calls at start as its app factory ({entry.target})")
                                     for path in index.files_for(entry.module, [root]))
            starts.extend(index.files_for(f"{entry.module}.__main__", [root]))  # python -m pkg runs pkg/__main__.py
    starts = [s for s in starts if s in index.by_path]
    if not starts:
        return None
    if starts_out is not None:
        starts_out.update(starts)
    roots.extend(_pythonpath(ctx))
    eager = _follow_imports(ctx, index, starts, roots, eager_only=True)
    if lazy_out is not None:
        lazy_out.update(_follow_imports(ctx, index, starts, roots, eager_only=False))
    return eager


def command_files(ctx: LintContext) -> tuple[set[str], set[str]] | None:
    """(image paths the container's command may execute, the ones it runs as scripts);
    None when the command does not show what it runs."""
    from portlint.python.program import ModuleIndex

    _, image = _final(ctx)
    if image is None:
        return None
    reachable, starts, _, later = _command_reach(ctx, image, ModuleIndex(image))
    return None if reachable is None else (reachable | later, starts)


def _command_reach(ctx: LintContext, image, index):
    """What the container's command reaches, worked out once per lint: (files it imports as
    it starts or None when unknown, the files it runs, its app factories, files it may import later)."""
    if "command-reach" not in ctx.shared:
        starts: set[str] = set()
        factories: list[tuple[str, str, str]] = []
        later: set[str] = set()
        reachable = _reachable(ctx, image, index, starts, factories, later)
        ctx.shared["command-reach"] = (reachable, starts, factories, later)
    return ctx.shared["command-reach"]


def _follow_imports(ctx: LintContext, index, starts: list[str], roots: list[str], eager_only: bool) -> set[str]:
    """The files the start files import, and theirs.  ``eager_only``: only the imports a
    module runs as it loads (at module level, unconditionally), so what a function or a
    flag imports later is left out."""
    from portlint.python.imports import stdlib_modules

    stdlib = stdlib_modules()
    reachable: set[str] = set()
    queue = list(starts)
    while queue:
        path = queue.pop()
        if path in reachable:
            continue
        reachable.add(path)
        parsed = ctx.imports(index.by_path[path].context_path)
        if parsed is None:
            continue
        package_dir = posixpath.dirname(path)
        if not eager_only:  # a module named in a string may be imported by name, at some point
            for name in parsed.named_modules:
                module = name.split(":")[0]
                if module.startswith("__"):
                    continue  # `__name__ == "__main__"` names no module of the project
                if "." not in module and ":" not in name:
                    # a bare word ("models", "backend") is as often a folder or a key: only a module
                    # at an import root, not every models.py of the tree
                    queue.extend(p for p in index.files_for(module, roots)
                                 if any(p in (posixpath.join(r, module + ".py"), posixpath.join(r, module, "__init__.py"))
                                        for r in roots))
                    continue
                queue.extend(index.files_for(module, roots))
                if "." in module:  # "orders.apps.OrdersConfig": a class in orders/apps.py
                    queue.extend(index.files_for(module.rsplit(".", 1)[0], roots))
        for ref in parsed.imports:
            if eager_only and (ref.in_function or ref.optional or ref.module_condition):
                continue
            queue.extend(_import_targets(ref, package_dir, index, roots, stdlib))
    return reachable


def _import_targets(ref, package_dir: str, index, roots: list[str], stdlib) -> list[str]:
    """The image's files an import statement of a file in ``package_dir`` runs."""
    found: list[str] = []
    if ref.level:
        base = package_dir
        for _ in range(ref.level - 1):
            base = posixpath.dirname(base)
        modules = [f"{ref.module}.{n}" if ref.module else n for n in ref.names] + ([ref.module] if ref.module else [])
        for module in modules:
            relative = posixpath.join(base, *module.split("."))
            found.extend(c for c in (relative + ".py", relative + "/__init__.py") if c in index.by_path)
        return found
    if ref.module.split(".")[0] in stdlib:
        return found  # `import io` is the standard library's, not a utils/io.py of the project
    for module in [ref.module] + [f"{ref.module}.{n}" for n in ref.names]:
        found.extend(index.files_for(module, roots + [package_dir]))
        parts = module.split(".")
        for end in range(1, len(parts)):  # importing a.b.c runs a/__init__.py and a/b/__init__.py
            found.extend(p for p in index.files_for(".".join(parts[:end]), roots) if p.endswith("__init__.py"))
    return found


def _imported_only_optionally(ctx: LintContext, index) -> dict[str, str]:
    """image path -> where it is imported, for the modules every importer of which imports them
    under try/except ImportError (`try: from .screenshots import shot` with a stub fallback):
    a module-level import of theirs failing is that fallback, not a crash."""
    key = "imported-only-optionally"
    if key not in ctx.shared:
        from portlint.python.imports import stdlib_modules

        stdlib = stdlib_modules()
        sites: dict[str, list[tuple[bool, str]]] = {}
        for path, placed in index.by_path.items():
            parsed = ctx.imports(placed.context_path)
            if parsed is None:
                continue
            package_dir = posixpath.dirname(path)
            ancestors = [package_dir]
            while ancestors[-1] not in ("/", ""):
                ancestors.append(posixpath.dirname(ancestors[-1]))
            for ref in parsed.imports:
                if not ref.level and not index.is_local(ref.module):
                    continue  # a third-party package: no file of the image is what it imports
                for target in set(_import_targets(ref, package_dir, index, ancestors[1:], stdlib)):
                    if target != path:
                        sites.setdefault(target, []).append((ref.optional, f"{placed.context_path}:{ref.line}"))
        ctx.shared[key] = {target: found[0][1] for target, found in sites.items() if all(opt for opt, _ in found)}
    return ctx.shared[key]


def _pythonpath(ctx: LintContext) -> list[str]:
    roots = []
    final = ctx.dockerfile.stages[-1]
    scope = ctx.scopes.before(final.instructions[-1]) if final.instructions else {}
    variable = scope.get("PYTHONPATH")
    if variable is not None and variable.value:
        roots.extend(p for p in variable.value.split(":") if p.startswith("/"))
    return roots


@check("PL201")
def missing_dependency(ctx: LintContext) -> Iterator[Hit]:
    yield from _import_findings(ctx, transitive=False)


@check("PL202")
def transitive_dependency(ctx: LintContext) -> Iterator[Hit]:
    yield from _import_findings(ctx, transitive=True)


def _import_findings(ctx: LintContext, transitive: bool) -> Iterator[Hit]:
    env, image = _final(ctx)
    if env is None or image is None or (transitive and not env.base_known):
        return
    # An unknown base image may ship anything: its gaps are reported, as info, naming it.
    root = ctx.root_image(env.stage)
    unknown_base = None if env.base_known else (root.text or root.stage.base)  # FROM $BASE without a default: as written
    from portlint.python.distributions import distributions_for, satisfied_by
    from portlint.python.imports import stdlib_modules
    from portlint.python.program import ModuleIndex

    index = ModuleIndex(image)
    if not index.by_path:
        return
    installed, closure = _installed_and_brought(ctx, env)
    stdlib = stdlib_modules()
    reachable, starts, factories, later = _command_reach(ctx, image, index)
    reach = _CallReach(ctx, index, later if reachable is not None else None, starts, factories)
    opaque = ", ".join(dict.fromkeys(env.opaque))
    unknown_deps = [] if transitive else _unknown_dependencies(env)
    advice: dict[tuple[str, str], list[Hit]] = {}
    from portlint.fix.facts import MissingDistribution, install_targets

    targets = install_targets(env)
    optional_only = _imported_only_optionally(ctx, index)
    for image_path, placed in sorted(index.by_path.items()):
        parsed = ctx.imports(placed.context_path)
        if parsed is None:
            continue
        reported: set[str] = set()
        guarded_at = optional_only.get(image_path) if image_path not in starts else None
        for ref in parsed.imports:
            if ref.level or not ref.module:
                continue
            if guarded_at is not None and not ref.in_function and not ref.optional:
                ref = replace(ref, optional=True, reason=f"try/except ImportError where {guarded_at} imports this module")
            top = ref.module.split(".")[0]
            if top in stdlib or index.is_local(ref.module) or top in env.project_modules:
                continue  # the project's own package, installed (pip install ., a wheel built from it)
            key = _lookup_key(ref.module, ref.names)
            if satisfied_by(key, installed):
                continue
            candidates = distributions_for(key)[0]
            if candidates[0] in reported:
                continue
            reported.add(candidates[0])
            via = next((closure[c] for c in candidates if c in closure), None)
            where = f"{placed.context_path}"
            if transitive and via is not None and _asked_for_by_extra(ctx, env, candidates[0], via):
                continue  # `psycopg[pool]` asks for psycopg-pool by name: declared, not transitive
            if transitive and via is not None:
                named = f"'{top}'{'' if candidates[0] == top.lower() else f' ({candidates[0]})'}"
                lock = via[5:] if via.startswith("lock:") else env.locked_packages.get(candidates[0])
                if via.startswith("lock:"):
                    because = (f"{named} is importable only because {lock} pins it as another package's dependency; "
                               "re-locking drops it once no package you declare needs it")
                elif lock:
                    because = (f"{named} is importable only because {via} depends on it; {lock} pins it for now, "
                               f"and re-locking drops or changes it once {via} no longer needs it")
                else:
                    because = (f"{named} is importable only because {via} depends on it; "
                               f"a new {via} release can drop or change it")
                warn = not TEST_FILE.search(placed.context_path) and _may_run(image_path, reachable, later)
                if not warn:
                    because += " (in a file the container's command does not run)"
                elif ref.optional:  # try/except ImportError: without it the code takes its fallback
                    because += f" (optionally, under {ref.reason or 'a guard'})"
                    warn = False
                elif ref.main_guard and image_path not in starts:
                    because += ' (under `if __name__ == "__main__":` in a file the container\'s command does not run)'
                    warn = False
                elif (optional := _optional_extra(ctx, env, candidates)) is not None and (
                        reachable is None or image_path not in reachable):
                    because += (f" (code of an optional feature: the project lists {optional[0]} in its "
                                f"{optional[1]}, which the build does not install)")
                    warn = False
                elif reachable is None or image_path not in reachable:
                    own = separate_project(ctx, placed.context_path)
                    if own is not None:  # code of another project copied along: its own manifest is the place
                        because += f" (in {posixpath.dirname(own)}/, a separate project with its own {posixpath.basename(own)})"
                        warn = False
                warn = warn and not lock  # a locked build stays as it is until someone re-locks: advice
                # Whichever declared package documents it as its API (omegaconf comes with dvc and
                # with hydra-core, whose documentation imports it), not only the one named first.
                api = next(((name, source) for name in (via.split("[")[0], *sorted(env.installed))
                            if (source := _public_api(name, candidates[0])) is not None), None)
                if api is not None:
                    because += f"; {api[0]}'s documentation imports it directly ({api[1]}), so this is advice"
                    warn = False
                advice.setdefault((candidates[0], "transitive", warn), []).append(Hit(
                    Span(ref.line, column=ref.column),
                    because,
                    fix=f"Install it directly with a pinned version, e.g. {candidates[0]}==<version>",
                    path=where,
                    severity=None if warn else Severity.INFO,
                    data=MissingDistribution(candidates, top, True, targets, via=via),
                ))  # one warning per distribution: declaring it once fixes every file
                continue
            if transitive or via is not None:
                continue
            if (ref.optional or ref.in_function) and not distributions_for(key)[1] and _installed_backend(env, top):
                continue  # an optional backend the project declares in an extra the build installs
            severity, context = _import_severity(ref, placed.context_path, image_path, reachable, opaque, unknown_base,
                                                 later, unknown_deps)
            if ref.main_guard and image_path not in starts and severity is not Severity.INFO and (
                    reachable is not None or posixpath.join(posixpath.dirname(image_path), "__init__.py") in index.by_path):
                severity = Severity.INFO  # a library module's self-test or debug block
                context = ' under `if __name__ == "__main__":` in a module the container\'s command does not run as a script'
            if severity is Severity.WARNING:
                advice_context = _advice_context(ctx, env, index, ref, candidates, placed.context_path, image_path,
                                                 reachable, context)
                if advice_context is not None:
                    severity, context = Severity.INFO, advice_context
            error = f"ModuleNotFoundError: No module named '{top}'"
            if ref.optional:
                outcome = "in the container that import fails and the code takes its fallback"
            else:
                outcome = f"the container fails with {error}"
            if severity == Severity.WARNING and ref.in_function and ref.function:
                how = reach.of(placed.context_path, ref.function)
                if ref.condition is not None:  # the import itself sits behind a test in its function
                    from portlint.python.calls import Reach

                    how = Reach("condition", placed.context_path, ref.line, condition=ref.condition)
                optional = _optional_extra(ctx, env, candidates)
                context, outcome = _function_context(ref.function, how, optional, error)
                if optional is not None and (how is None or how.kind not in ("start", "route")):
                    severity = Severity.INFO  # an opt-in backend the project declares and this image leaves out
                elif how is None and optional is None and reach.known:
                    severity = Severity.INFO  # a library entry point or an optional feature: nothing calls it
                    context = (f" inside {ref.function}(), which nothing the container's command runs calls (an "
                               "entry point for other code, or an optional feature)")
            left_behind = _module_left_in_context(ctx, top)
            data = None if left_behind is not None else MissingDistribution(candidates, top, distributions_for(key)[1], targets)
            if left_behind is not None:
                cause = f"and {left_behind} defines it in the build context, but no COPY puts it into the image"
                fix = f"COPY {left_behind} next to {image_path.rsplit('/', 1)[-1]} in the image"
            elif distributions_for(key)[1]:
                cause = f"but no step installs {_candidates_text(candidates, top)} in the image (copied to {image_path})"
                fix = f"Add {candidates[0]}==<version> to the requirements the Dockerfile installs"
            else:  # a name portlint does not know: a local module as likely as a package
                cause = (f"but no file in the image defines it and no step installs a package named "
                         f"{_candidates_text(candidates, top)} (copied to {image_path})")
                fix = (f"COPY the module that defines '{top}' into the image, or install the package that "
                       f"provides it (e.g. {candidates[0]}==<version>)")
                if severity is Severity.WARNING and reachable is None and not ref.in_function:
                    # neither the index nor the context knows it, and nothing says the file runs: a
                    # vendor SDK installed its own way (isaacgym), code the build generates (*_pb2)
                    severity = Severity.INFO
                    cause += ("; no distribution on the package index provides it either, so it may come "
                              "another way (a vendor SDK, code the build generates)")
            hit = Hit(
                Span(ref.line, column=ref.column),
                f"'{ref.module}' is imported{context}, {cause}; {outcome}",
                fix=fix,
                path=where,
                severity=severity,
                data=data,
            )
            if severity == Severity.INFO:  # advice: said once per distribution and reason, not once per file
                advice.setdefault((candidates[0], context), []).append(hit)
            else:
                yield hit
    for hits in advice.values():
        first = hits[0]
        if len(hits) > 1:
            more = len(hits) - 1
            first = replace(first, message=f"{first.message} (also imported by {more} more file{'s' if more > 1 else ''})")
        yield first


class _CallReach:
    """How the container's program reaches each function, worked out on first need."""

    def __init__(self, ctx: LintContext, index, reachable: set[str] | None, starts: set[str],
                 factories: list[tuple[str, str, str]]) -> None:
        self._ctx, self._index, self._reachable, self._starts = ctx, index, reachable, starts
        self._factories = factories
        self._map: dict | None = None

    @property
    def known(self) -> bool:
        """Whether the program the command runs is known, so an uncalled function means something."""
        return self._reachable is not None

    def of(self, context_path: str, function: str):
        if self._reachable is None:
            return None  # what the command runs is unknown
        if self._map is None:
            from portlint.python.calls import function_reach

            files = {}
            for image_path in self._reachable:
                placed = self._index.by_path[image_path]
                parsed = self._ctx.imports(placed.context_path)
                if parsed is not None:
                    files[placed.context_path] = parsed
            starts = {self._index.by_path[s].context_path for s in self._starts}
            factories = tuple((self._index.by_path[path].context_path, name, via)
                              for path, name, via in self._factories if path in self._index.by_path)
            self._map = function_reach(files, starts, factories)
        return self._map.get((context_path, function))


def _optional_extra(ctx: LintContext, env, candidates: tuple[str, ...]) -> tuple[str, str] | None:
    """(distribution, where the project lists it) when that is an extra or dependency group the
    build does not install, or a variant manifest beside the ones it does install
    (environments/environment.full.yml, requirements-gpu.txt): an opt-in feature's dependency."""
    for candidate in candidates:
        if candidate in env.optional_extras:
            return candidate, env.optional_extras[candidate]
    listed = _variant_manifests(ctx)
    for candidate in candidates:
        if candidate in listed:
            return candidate, listed[candidate]
    return None


_VARIANT_MANIFEST = re.compile(r"(^|/)(requirements[^/]*\.(txt|in)|requirements/[^/]+\.txt|environment[^/]*\.ya?ml"
                               r"|environments?/[^/]+\.ya?ml|pyproject\.toml)$")


def _variant_manifests(ctx: LintContext) -> dict[str, str]:
    """distribution -> the requirements or environment file listing it (or the pyproject extra),
    over the context's dependency files that no install reads, when some other one is read
    (without that, an unread requirements.txt is the project's real list, which the build forgot:
    PL204)."""
    key = "variant-manifests"
    if key not in ctx.shared:
        from portlint.python.environment import Location, conda_installed
        from portlint.python.pyproject import parse_environment_yml, parse_pyproject
        from portlint.python.requirements import parse_requirements

        read = _read_dependency_files(ctx)
        listed: dict[str, str] = {}
        for path in sorted(ctx.build_context.files) if read else ():
            if path in read or not _VARIANT_MANIFEST.search(path) or TEST_FILE.search(path) or (
                    separate_project(ctx, path) is not None):
                continue  # a separate project's list (a demo with its own requirements) says nothing of this one
            text = ctx.context_text(path)
            if text is None:
                continue
            if path.endswith("pyproject.toml"):  # only its extras: its own dependencies are the project's list
                for extra, specs in parse_pyproject(text.text).optional.items():
                    for line in parse_requirements("\n".join(specs)):
                        if line.name:
                            listed.setdefault(line.name, f"'{extra}' extra ({path})")
                continue
            if path.endswith((".yml", ".yaml")):  # read as PL204's _declared_names reads one
                conda, pip, _ = parse_environment_yml(text.text)
                names = [item.name for spec in conda if (item := conda_installed(spec, Location(path, 1), None)) is not None]
                names += [line.name for line in parse_requirements("\n".join(pip)) if line.name]
            else:
                names = [line.name for line in parse_requirements(text.text) if line.name]
            for name in names:
                listed.setdefault(name, path)
        ctx.shared[key] = listed
    return ctx.shared[key]


def _function_context(function: str, reach, optional, error: str) -> tuple[str, str]:
    """What the message says about an import inside a function, and what then fails: when the
    program calls that function as its modules load or from a web route, say so; when only
    behind a condition or as an optional backend the build leaves out, say that instead."""
    if reach is not None and reach.kind == "start":
        caller = reach.via or f"{reach.path}:{reach.line} calls as the module loads"
        return f" inside {function}(), which {caller}", f"the container fails as it starts, with {error}"
    if reach is not None and reach.kind == "route":
        return (f" inside {function}(), which the route handler {reach.handler} calls ({reach.path}:{reach.line})",
                f"the container starts, and the first such request fails with {error}")
    if optional is not None:
        dist, extra = optional
        return (f" inside {function}(), an optional backend (the project lists {dist} in its {extra}, "
                "which the build does not install)", f"choosing that backend fails with {error}")
    if reach is not None:
        return (f" inside {function}(), where it runs only when `{reach.condition}` holds ({reach.path}:{reach.line})",
                f"the container starts, and fails with {error} once it does")
    return (f" inside the function {function}()",
            f"the container starts, and fails with {error} once that code runs")


def _installed_backend(env, top: str) -> str | None:
    """The installed project extra that stands for an optional import the knowledge tables do
    not know: one named like the module (``awq = ["autoawq"]`` for ``import awq``), or listing
    a distribution whose name holds the module's (autoawq)."""
    wanted = top.lower().replace("_", "").replace("-", "")
    if len(wanted) < 3:
        return None
    for extra in env.installed_extras:
        if extra.replace("-", "") == wanted:
            return extra
    for dist, extra in env.extra_distributions.items():
        if wanted in dist.replace("-", ""):
            return extra
    return None


def _installed_and_brought(ctx: LintContext, env) -> tuple[set[str], dict[str, str]]:
    """What the stage can import from, and what the Dockerfile's own installs bring along.

    The first set holds the installed distributions, the base image's and everything
    the base image's packages depend on (the image ships those, however they got
    there).  The map holds what the Dockerfile's installs pull in through their
    dependencies and requested extras, for the image's Python and platforms:
    dependency -> what brings it (``flask``, ``celery[redis]``)."""
    key = ("installed-and-brought", env.stage.index)
    if key in ctx.shared:
        return ctx.shared[key]
    from portlint.python.dependency_graph import Root, brought_by
    from portlint.python.distributions import requested_extras

    target = image_target(ctx, env.stage)
    base_roots = [root for root in env.base_roots if root.name not in env.installed]
    installed = set(env.installed) | set(env.base_packages) | set(brought_by(base_roots, target))
    roots = [Root(name, exact_version(item.requirement), requested_extras(item.requirement))
             for name, item in env.installed.items()]
    brought = brought_by(roots, target)
    for name, lock in env.locked_packages.items():  # pinned by the lock, but only as something's dependency
        brought.setdefault(name, f"lock:{lock}")
    ctx.shared[key] = installed, {name: via for name, via in brought.items() if name not in installed}
    return ctx.shared[key]


_TOOLING = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "virtualenv", "pip-tools", "pdm", "hatch"})


def _unknown_dependencies(env) -> list[str]:
    """Installed distributions whose dependencies portlint does not know (not in the
    package-index data, no override): any missing import may be one of theirs."""
    from portlint.knowledge import load
    from portlint.knowledge.package_index import package

    overrides = load("transitive").get("packages", {})
    unknown = []
    for name, item in sorted(env.installed.items()):
        if name in _TOOLING or item.tool not in ("pip", "uv", "poetry", "pipenv", "pdm", "flit"):
            continue
        if item.requirement == name and item.where.path and item.where.path.endswith(("pyproject.toml", "setup.py", "setup.cfg")):
            continue  # the project itself: its dependencies were read from its own files
        if name not in overrides and package(name) is None:
            unknown.append(name)
    return unknown


def image_target(ctx: LintContext, stage):
    """The Python and CPU architectures a stage's image runs on, as far as portlint knows."""
    from portlint.knowledge.package_index import ARCHITECTURE_OF_PLATFORM
    from portlint.python.dependency_graph import Target
    from portlint.python.interpreter import image_python

    python = image_python(ctx, stage)
    architectures = tuple(dict.fromkeys(
        ARCHITECTURE_OF_PLATFORM.get(p.split("/")[1], p.split("/")[1]) for p in ctx.platforms if "/" in p
    ))
    return Target(python.version if python else None, architectures or None)


def exact_version(requirement: str) -> str | None:
    """'numpy==1.21.6' -> '1.21.6'; None for anything but one exact pin."""
    from portlint.python.requirements import parse_requirements

    parsed = parse_requirements(requirement)
    if not parsed or not parsed[0].pinned or not parsed[0].specifier.startswith("=="):
        return None
    return parsed[0].specifier.lstrip("=").strip() or None


def _module_left_in_context(ctx: LintContext, top: str) -> str | None:
    """A local module or package of that name that the Dockerfile never copies."""
    context = ctx.build_context
    return context.top_level_modules.get(top) if context is not None else None


def _candidates_text(candidates: tuple[str, ...], module: str = "") -> str:
    """The distributions to name: the one to install, and alternatives named like the module
    (opencv-python-headless for cv2's opencv-python), not every wheel that happens to ship it."""
    stem = module.split(".")[0].lower().replace("_", "-")
    shown = [candidates[0]] + [c for c in candidates[1:4] if stem and stem in c][:2]
    if len(shown) == 1:
        return f"'{shown[0]}'"
    return "'" + "', '".join(shown[:-1]) + f"' or '{shown[-1]}'"


def _public_api(via: str, dist: str) -> str | None:
    """The source saying ``via``'s documentation has users import ``dist`` directly
    (fastapi -> starlette), from knowledge/public_api_dependencies.json."""
    entry = _public_api_table().get(via.split("[")[0], {}).get(dist)
    return entry["source"] if entry else None


@lru_cache(maxsize=1)
def _public_api_table() -> dict:
    from portlint.knowledge import load

    return load("public_api_dependencies").get("packages", {})  # read once, not once per finding


def _asked_for_by_extra(ctx: LintContext, env, dist: str, via: str) -> bool:
    """Whether an extra the Dockerfile requests (``uvicorn[standard]``) names the distribution
    among its own dependencies (uvloop), rather than bringing it further down the chain."""
    if "[" not in via:
        return False
    from portlint.python.dependency_graph import direct_dependencies

    name, _, extra = via.partition("[")
    extra = extra.rstrip("]")
    if extra.replace("_", "-").lower() == dist:
        return True  # celery[redis], optimum[onnxruntime]: the extra is named after the package it brings
    item = env.installed.get(name)
    version = exact_version(item.requirement) if item is not None else None
    target = image_target(ctx, env.stage)
    return any(dependency == dist and through == extra
               for dependency, _, through in direct_dependencies(name, version, [extra], target))


def _may_run(image_path: str, reachable: set[str] | None, later: set[str]) -> bool:
    """Whether the container's program can execute the file: always, when its command is unknown."""
    return reachable is None or image_path in reachable or image_path in later


def _import_severity(ref, context_path: str, image_path: str, reachable, opaque: str,
                     unknown_base: str | None = None, later: set[str] = frozenset(),
                     unknown_deps: list[str] = ()) -> tuple[Severity | None, str]:
    """Error when the running program executes the import; weaker when it may not."""
    if ref.optional:
        return Severity.INFO, f" (optionally, under {ref.reason or 'a guard'})"
    if unknown_base is not None:
        return Severity.INFO, (f" (unless the base image {unknown_base} provides it: portlint does not know what "
                               "that image ships; declare it under [tool.portlint.base-images])")
    if opaque:
        return Severity.INFO, f" (unless it comes from {opaque})"
    if unknown_deps:
        others = f" or {len(unknown_deps) - 1} other" if len(unknown_deps) > 1 else ""
        return Severity.INFO, (f" (unless {unknown_deps[0]}{others} brings it: portlint does not know what "
                               f"{'they depend' if others else 'it depends'} on)")
    if not _may_run(image_path, reachable, later):
        return Severity.INFO, " by a module the container's command does not import"
    # a test-like folder's code is advice, unless the command loads it at start (a tools/ package the app imports)
    test_like = TEST_FILE.search(context_path) and not (reachable is not None and image_path in reachable)
    if ref.in_function and not test_like:
        return Severity.WARNING, " inside a function (the container starts, and fails once that code runs)"
    if ref.module_condition and not test_like:
        return Severity.WARNING, (f" under `{ref.module_condition}` (the module loads without it, and fails "
                                  "once that holds)")
    if reachable is not None and image_path in reachable:
        return None, ""
    if TEST_FILE.search(context_path):
        return Severity.INFO, " by a test, script or docs file"
    if reachable is not None:
        return Severity.WARNING, (" by a module the container's command imports only later (inside a function "
                                  "or under a condition)")
    return Severity.WARNING, " (the image's command does not show which modules it runs, so this may never run)"


# ---- PL203 / PL204: dependency files and the RUNs that read them -----------------------


@check("PL203")
def requirements_not_in_image(ctx: LintContext) -> Iterator[Hit]:
    if ctx.environments is None or ctx.is_windows:
        return
    seen = set()
    for env in ctx.environments:
        for use in env.file_uses:
            key = (use.instruction.index, use.image_path)
            if use.available or key in seen:
                continue
            seen.add(key)
            source = use.written if not use.written.startswith("/") else posixpath.basename(use.written)
            yield Hit(
                Span(use.line, use.instruction.span.last if use.line == use.instruction.line else use.line),
                f"This RUN reads {use.image_path}, but nothing copies it into the image (or mounts it) "
                f"before this step; the build fails with 'No such file or directory'",
                fix=f"COPY {source} {posixpath.dirname(use.image_path) or '/'}/ before this RUN "
                f"(or RUN --mount=type=bind,source={source},target={use.image_path} …)",
            )


def _advice_context(ctx: LintContext, env, index, ref, candidates, context_path: str, image_path: str, reachable,
                    context: str) -> str | None:
    """The message's context, reworded to say why a missing import that may run is advice
    rather than a warning; None when it stays a warning."""
    if ref.in_function or ref.module_condition:
        installer = _runtime_installer(ctx, index)
        if installer is not None:  # the project pip-installs its optional packages when it needs them
            where = f"inside {ref.function}()" if ref.function else "under a condition"
            return (f" {where} (the project installs packages when it runs: {installer} calls pip install, "
                    "so this may be one of them)")
    # imported later, if at all: under a switch, outside what the command loads at start, or when
    # that is unknown (a script of an opt-in feature, like cleanrl's *_jax.py beside its `jax` extra)
    lazily = ref.module_condition or reachable is None or image_path not in reachable
    optional = _optional_extra(ctx, env, candidates) if lazily and not ref.in_function else None
    if optional is not None:
        return context + (f" (an optional feature: the project lists {optional[0]} in its "
                          f"{optional[1]}, which the build does not install)")
    own = separate_project(ctx, context_path) if reachable is None or image_path not in reachable else None
    if own is not None:  # a demo or sibling service beside the app, with its own requirements
        return (f" in {posixpath.dirname(own)}/, a separate project with its own {posixpath.basename(own)} "
                "that the build never installs")
    return None


def _runtime_installer(ctx: LintContext, index) -> str | None:
    """A Python file of the image that runs `pip install` itself (yolov5's check_requirements,
    a plugin loader): with it, a package missing at build time may arrive at run time."""
    key = "runtime-installer"
    if key not in ctx.shared:
        found = None
        for placed in index.by_path.values():
            parsed = ctx.imports(placed.context_path)
            if parsed is not None and parsed.installs_packages and not TEST_FILE.search(placed.context_path):
                found = placed.context_path
                break
        ctx.shared[key] = found
    return ctx.shared[key]


_MANIFESTS = ("requirements.txt", "pyproject.toml", "setup.py", "environment.yml", "environment.yaml")


def separate_project(ctx: LintContext, context_path: str) -> str | None:
    """The dependency manifest of a folder below the context root that holds this file,
    when the build reads none of that folder's manifests: code of another project (a demo
    with its own requirements.txt, a sibling service) that was copied along."""
    key = "separate-projects"
    if key not in ctx.shared:
        read_dirs = {posixpath.dirname(p) for p in _read_dependency_files(ctx)}  # installed projects' too
        manifests: dict[str, str] = {}
        for path in ctx.build_context.files:
            folder, _, name = path.rpartition("/")
            if folder and name in _MANIFESTS and folder not in read_dirs and _declares_project(ctx, path):
                manifests.setdefault(folder, path)
        ctx.shared[key] = manifests
    manifests = ctx.shared[key]
    folder = posixpath.dirname(context_path)
    while folder:
        if folder in manifests:
            return manifests[folder]
        folder = posixpath.dirname(folder)
    return None


def _declares_project(ctx: LintContext, path: str) -> bool:
    """A pyproject.toml that only configures tools (ruff, pytest) beside a package is no project."""
    if not path.endswith("pyproject.toml"):
        return True
    text = ctx.context_text(path)
    return text is not None and re.search(r"^\[(project|tool\.poetry)\]", text.text, re.MULTILINE) is not None


def _read_dependency_files(ctx: LintContext) -> set[str]:
    read = set()
    for env in ctx.environments or []:
        for use in env.file_uses:
            if use.context_path:
                read.add(use.context_path)
    builder = ctx.__dict__.get("_environment_builder")
    if builder is not None:
        read |= builder.read_files
    return read


@check("PL204")
def requirements_never_installed(ctx: LintContext) -> Iterator[Hit]:
    env, image = _final(ctx)
    context = ctx.build_context
    if env is None or image is None or context is None:
        return
    uses_files = any(use.kind in ("requirements", "project", "pipfile", "environment") for e in ctx.environments for use in e.file_uses)
    if uses_files:
        return  # the build installs from a dependency file; others are dev/test lists
    pythonic = any(e.runs_python_installs for e in ctx.environments) or bool(image.python_files())
    if not pythonic:
        return
    built = _built_stages(ctx)
    # Where each context file is in the images the build makes: the final image first, then
    # the stages it needs (a builder stage that copies pyproject.toml and installs a hand list).
    copied: dict[str, Placed] = {}
    for index in [built[-1], *built[:-1]]:
        for placed in ctx.images.stages[index].files.values():
            if placed.context_path:
                copied.setdefault(placed.context_path, placed)
    folders = list(dict.fromkeys(["", ctx.dockerfile_dir or ""]))  # the context root, and beside the Dockerfile
    candidates = [posixpath.join(d, f) for d in folders for f in _DEPENDENCY_FILES if context.is_file(posixpath.join(d, f))]
    candidates += [c for c in copied if _MAIN_REQUIREMENTS.search(c) and c not in candidates]
    read_names, reads_project = _dependency_reads(ctx, built)
    for folder in folders:
        pyproject = posixpath.join(folder, "pyproject.toml")
        if pyproject in copied and not reads_project and _declares_dependencies(ctx, pyproject):
            candidates.append(pyproject)
    final_stage = ctx.dockerfile.stages[-1]
    installed = set().union(*(e.installed for e in ctx.environments), *(e.base_packages for e in ctx.environments))
    for candidate in dict.fromkeys(candidates):
        if posixpath.basename(candidate) in read_names:
            continue  # a script the build runs installs it
        placed = copied.get(candidate)
        if placed is None and (not copied or _another_dockerfile_names(ctx, posixpath.basename(candidate))):
            continue  # the list of a sibling image built from the same context, or an image of nothing from it
        declared = _declared_names(ctx, candidate)
        if declared is not None and declared <= installed:
            continue  # the RUN lines install everything it declares (or it declares nothing)
        anchor = placed.instruction if placed is not None else final_stage.from_
        if placed is None:
            how = "sits in the build context"
        elif placed.instruction.stage == final_stage.index or ctx.images.final.files.get(placed.image_path) is placed:
            how = f"is copied into the image at {placed.image_path}"
        else:
            stage = ctx.dockerfile.stages[placed.instruction.stage]
            how = f"is copied into the {stage.name or f'stage {stage.index}'} stage at {placed.image_path}"
        commented = _commented_install(ctx, candidate)
        hint = f" (the install on line {commented} is commented out)" if commented else ""
        yield Hit(
            anchor.span,
            f"{candidate} {how}, but no RUN installs it{hint}: the image gets only what the RUN lines "
            "name, not the project's declared dependencies",
            fix=_install_fix(candidate),
            data=_install_step(ctx, image, candidate, placed),
        )


_DEPENDENCY_FILES = ("requirements.txt", "Pipfile", "environment.yml", "environment.yaml")


def _built_stages(ctx: LintContext) -> list[int]:
    """The stages a plain ``docker build`` runs, in order: the last one and every stage it
    needs (its FROM, COPY --from, RUN --mount=from=); BuildKit skips the others."""
    dockerfile = ctx.dockerfile
    needed: set[int] = set()
    pending = [len(dockerfile.stages) - 1]
    while pending:
        index = pending.pop()
        if index in needed:
            continue
        needed.add(index)
        base = ctx.base_images[index]
        if base.kind == "stage" and base.parent is not None:
            pending.append(base.parent.index)
        for instruction in dockerfile.stages[index].instructions:
            names = []
            if instruction.keyword in ("COPY", "ADD") and instruction.flag("from"):
                names.append(ctx.scopes.expand(instruction, instruction.flag("from") or "").value)
            for mount in instruction.flag_values("mount") if instruction.keyword == "RUN" else ():
                names.extend(part[len("from="):] for part in mount.split(",") if part.startswith("from="))
            for name in names:
                source = dockerfile.stage_by_name(name)
                if source is None and name.isdigit() and int(name) < len(dockerfile.stages):
                    source = dockerfile.stages[int(name)]
                if source is not None and source.index < index:
                    pending.append(source.index)
    return sorted(needed)


def _dependency_reads(ctx: LintContext, stages: list[int]) -> tuple[set[str], bool]:
    """What the build's commands read besides the installs already followed: names of
    dependency files that scripts it runs install (``RUN ./hack/build-wheels.sh``, an
    entrypoint that runs ``pip install -r requirements.txt``), and whether anything reads
    the project itself (python -m build, pip wheel ., poetry export, setup.py install)."""
    from portlint.checks.paths import _executed_scripts
    from portlint.dockerfile.shell import parse_shell
    from portlint.python.installs import parse_install

    commands = [command.effective().argv for index in stages for instruction in ctx.dockerfile.stages[index].instructions
                if instruction.keyword == "RUN" for command in ctx.shell(instruction).commands]
    for image_path in _executed_scripts(ctx):
        placed = next((image.files[image_path] for image in ctx.images.stages if image_path in image.files), None)
        text = ctx.context_text(placed.context_path) if placed is not None and placed.context_path else None
        if text is not None:
            commands.extend(command.effective().argv for command in parse_shell(text.text).commands)
    names: set[str] = set()
    project = False
    for argv in commands:
        install = parse_install(argv)
        if install is not None:
            names.update(posixpath.basename(f) for f in (*install.requirement_files, *install.constraint_files,
                                                          *install.environment_files))
            project = project or bool(install.projects)
            continue
        project = project or _reads_project(argv)
    return names, project


_PROJECT_READERS = frozenset({"poetry", "uv", "pdm", "hatch", "pip-compile"})


def _reads_project(argv: tuple[str, ...]) -> bool:
    from portlint.python.environment import builds_packages

    if builds_packages(argv) or ("setup.py" in argv[1:2] and any(w in ("install", "develop") for w in argv[2:])):
        return True
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    return tool in _PROJECT_READERS and (tool == "pip-compile" or any(w in ("export", "lock", "compile") for w in argv[1:3]))


_COMMENTED_RUN = re.compile(r"^#+\s*(?:RUN\s+)?(?:--\S+\s+)*", re.IGNORECASE)


def _commented_install(ctx: LintContext, candidate: str) -> int | None:
    """The line of a commented-out install that would read the file (``# RUN pip install .``)."""
    from portlint.dockerfile.shell import parse_shell
    from portlint.python.installs import PROJECT_FILES, parse_install

    name = posixpath.basename(candidate)
    for number, line in enumerate(ctx.dockerfile.source.lines, start=1):
        text = line.strip()
        if not text.startswith("#") or "install" not in text and "sync" not in text:
            continue
        for command in parse_shell(_COMMENTED_RUN.sub("", text)).commands:
            install = parse_install(command.effective().argv)
            if install is None:
                continue
            files = [posixpath.basename(f) for f in (*install.requirement_files, *install.environment_files)]
            if name in files or (name in PROJECT_FILES and install.projects) or (name == "Pipfile" and install.tool == "pipenv"):
                return number
    return None


def _install_step(ctx: LintContext, image, candidate: str, placed):
    """What --fix needs to add `RUN pip install -r` after the COPY (None: not a pip
    requirements file, not copied, or the stage never runs pip)."""
    from portlint.fix.facts import UninstalledRequirements, file_kind, stage_installer

    if placed is None or file_kind(candidate) != "requirements":
        return None
    stage = placed.instruction.stage  # the stage the COPY is in: the final one or a builder it needs
    installer = stage_installer(ctx, stage)
    if installer is None:
        return None
    workdir = ctx.images.stages[stage].workdir_at(placed.instruction)
    path = placed.image_path
    argument = path[len(workdir.rstrip("/")) + 1:] if path.startswith(workdir.rstrip("/") + "/") else path
    return UninstalledRequirements(candidate, placed.instruction.span.last, argument, *installer)


def _install_fix(candidate: str) -> str:
    if candidate.endswith("pyproject.toml"):
        return "RUN pip install --no-cache-dir . (after COPY pyproject.toml and the package)"
    if posixpath.basename(candidate) == "Pipfile":
        return "RUN pipenv install --system --deploy (after COPY Pipfile Pipfile.lock ./)"
    if posixpath.basename(candidate).startswith("environment"):
        return f"RUN conda env update -n base -f {candidate}"
    return f"COPY {candidate} . then RUN pip install --no-cache-dir -r {posixpath.basename(candidate)}"


def _declared_names(ctx: LintContext, path: str) -> set[str] | None:
    """The distributions a dependency file declares; None when it cannot be read."""
    from portlint.python.environment import Location, conda_installed
    from portlint.python.pyproject import parse_environment_yml, parse_pipfile, parse_pyproject
    from portlint.python.requirements import parse_requirements

    text = ctx.context_text(path)
    if text is None:
        return None
    name = posixpath.basename(path)
    if name.startswith("environment."):
        conda, pip, error = parse_environment_yml(text.text)
        if error:
            return None
        names = {item.name for spec in conda if (item := conda_installed(spec, Location(path, 1), None)) is not None}
        names |= {r.name for r in parse_requirements("\n".join(pip)) if r.name}
        return names - {"pip"}
    if name == "Pipfile":
        specs = parse_pipfile(text.text).dependencies
    elif name == "pyproject.toml":
        parsed = parse_pyproject(text.text)
        if parsed.error:
            return None
        specs = parsed.dependencies
    else:
        lines = parse_requirements(text.text)
        if any(r.kind in ("include", "constraint", "editable", "path") or r.error for r in lines):
            return None  # what it brings in besides its own lines is not read here
        return {r.name for r in lines if r.name}
    return {r.name for r in parse_requirements("\n".join(specs)) if r.name}


def _another_dockerfile_names(ctx: LintContext, file_name: str) -> bool:
    """Whether a Dockerfile beside this one, or at the context root, mentions the file: the
    context serves several images, and the file is another image's list."""
    key = ("dockerfiles-naming", file_name)
    if key not in ctx.shared:
        found = False
        own = ctx.dockerfile_path.resolve() if ctx.dockerfile_path is not None else None
        folders = {own.parent} if own is not None else set()
        if ctx.context_dir is not None:
            folders.add(ctx.context_dir.resolve())
        for folder in folders:
            try:
                entries = sorted(folder.iterdir())
            except OSError:
                continue
            for entry in entries:
                lowered = entry.name.lower()
                if entry == own or "dockerfile" not in lowered or not entry.is_file():
                    continue
                try:
                    if entry.stat().st_size < 1 << 20 and file_name in entry.read_text(encoding="utf-8", errors="replace"):
                        found = True
                        break
                except OSError:
                    continue
            if found:
                break
        ctx.shared[key] = found
    return ctx.shared[key]


def _declares_dependencies(ctx: LintContext, path: str) -> bool:
    text = ctx.context_text(path)
    if text is None:
        return False
    from portlint.python.pyproject import parse_pyproject

    parsed = parse_pyproject(text.text)
    return not parsed.error and bool(parsed.dependencies)


# ---- PL205 / PL206: unpinned packages --------------------------------------------------


@check("PL205")
def unpinned_python_dependency(ctx: LintContext) -> Iterator[Hit]:
    if ctx.environments is None:
        yield from _unpinned_without_context(ctx)
        return
    # A file's unpinned requirements are reported line by line; those a RUN names, one finding
    # per install command, from the line of its first unpinned package to that of its last.
    by_place: dict[tuple[str | None, int], list] = {}
    for env in ctx.environments:
        for item in env.unpinned:
            if item.requirement.split("@")[-1].strip().startswith("file:"):
                continue  # a local path (PL207 says whether it is there), not a moving ref
            if item.name in env.pinned_names:
                continue  # `flask` and `flask==3.0.3` in one install (or a library's range under the app's pin)
            where = item.where
            key = (where.path, where.line if where.path is not None or where.command is None else where.command)
            names = by_place.setdefault(key, [])
            if item.requirement not in [i.requirement for i in names]:
                names.append(item)
    from portlint.fix.facts import UnpinnedItem, UnpinnedRequirements

    for (path, place), items in sorted(by_place.items(), key=lambda kv: (kv[0][0] or "", min(i.where.line for i in kv[1]))):
        listed = ", ".join(f"'{i.requirement}'" for i in items)
        # --fix finds a RUN's packages by the line of their install command's first word
        data = UnpinnedRequirements(path, place, tuple(UnpinnedItem(i.name, i.requirement, i.tool) for i in items))
        example = items[0].name
        lines = [i.where.line for i in items]
        span = Span(min(lines), max(lines)) if path is None else Span(lines[0])
        # git+https://…@v1.2 or a branch; not `torch; --index-url https://…`, where pip's options start
        if all("://" in re.split(r"\s+(?=--?[A-Za-z])", i.requirement, maxsplit=1)[0] for i in items):
            yield Hit(
                span,
                f"{listed} {'installs' if len(items) == 1 else 'install'} from a branch or tag, not a commit: "
                "the ref can move, so each build may install different code than the one you tested",
                fix="Pin the commit: …@<40-character commit hash>",
                path=path,
            )
            continue
        yield Hit(
            span,
            f"{listed} {'has' if len(items) == 1 else 'have'} no exact version, so each build may "
            "install a different release than the one you tested",
            fix=f"Pin exact versions ({example}==<version>), or install from a lock/constraints file",
            path=path,
            data=data,
        )


def _unpinned_without_context(ctx: LintContext) -> Iterator[Hit]:
    """Without a build context (stdin), judge the command lines alone."""
    from portlint.python.requirements import parse_requirements

    for instruction, line, install in ctx.install_commands:
        if install.tool not in ("pip", "uv") or install.locked or install.constraint_files:
            continue
        loose: dict[int, list[str]] = {}  # Dockerfile line -> the loose specifiers named on it
        for position, spec in enumerate(install.specifiers):
            parsed = parse_requirements(spec)
            if parsed and parsed[0].name and not parsed[0].pinned and parsed[0].name not in ("pip", "setuptools", "wheel"):
                loose.setdefault(ctx.command_line(instruction, install.specifier_line(position)), []).append(f"'{spec}'")
        for where, specs in sorted(loose.items()):
            yield Hit(Span(where), f"{', '.join(specs)} without an exact version", fix="Pin exact versions (name==<version>)")


@check("PL206")
def unpinned_system_package(ctx: LintContext) -> Iterator[Hit]:
    from portlint.python.environment import split_system_package

    for _, line, install in ctx.install_commands:
        if install.tool not in ("apt", "apk", "dnf", "yum", "zypper"):
            continue
        loose = [p for p in install.specifiers if "$" not in p and not split_system_package(install.tool, p)[1]]
        if not loose:
            continue
        shown = ", ".join(loose[:6]) + (f" and {len(loose) - 6} more" if len(loose) > 6 else "")
        yield Hit(
            Span(line),
            f"{install.tool} installs {shown} without versions: a rebuild next month can get "
            "different builds of these packages",
            fix="Pin the base image by digest so the package index is fixed too; pin versions "
            "(pkg=1.2.3-1) only where a specific build matters",
        )


# ---- PL207: requirements that point at files the image does not have ----------------------


@check("PL207")
def local_requirement_outside_image(ctx: LintContext) -> Iterator[Hit]:
    seen = set()
    for env in ctx.environments or []:
        for ref in env.local_references:
            key = (ref.where.path, ref.where.line, ref.target)
            if ref.present or key in seen:
                continue
            seen.add(key)
            host = ref.target.startswith(("file:///home/", "file:///Users/", "/home/", "/Users/", "file:/"))
            yield Hit(
                Span(ref.where.line),
                f"Requirement '{ref.target}' points to a local {'host ' if host else ''}path that is not "
                "in the image when pip runs, so the install fails on any other machine",
                fix="COPY the wheel or package into the image first and refer to it by its image path",
                path=ref.where.path,
            )


# ---- PL208: wheels that need a system library the base image lacks ------------------------


@check("PL208")
def missing_system_library(ctx: LintContext) -> Iterator[Hit]:
    env, _ = _final(ctx)
    if env is None:
        return
    from portlint.python.distributions import system_libraries

    final_stage = len(ctx.dockerfile.stages) - 1
    for name, item in sorted(env.installed.items()):
        needs = system_libraries(name)
        if not needs or item.instruction is None or _bundles_library(needs, item):
            continue
        # A library needed to build the package must be where pip ran (a builder stage,
        # maybe); one needed to run it must be in the image that runs.
        stage = item.instruction.stage if needs.get("needed") == "build" else final_stage
        base = ctx.root_image(ctx.dockerfile.stages[stage])
        family = _minimal_image_family(base)
        if family is None:
            continue
        required = needs.get(family, [])
        alternatives = needs.get(f"{family}_alternatives", [])
        present = ctx.environments[stage].system_packages
        missing = [p for p in required if not _system_package_present(p, alternatives, present)]
        if not missing:
            continue
        installer = "apt-get install -y --no-install-recommends" if family == "debian" else "apk add --no-cache"
        error = needs.get("error")
        path, line = item.where.path, item.where.line
        yield Hit(
            Span(line),
            f"{name} needs system {'library' if len(missing) == 1 else 'libraries'} "
            f"{', '.join(missing)}, which {base.text} does not ship and no RUN installs"
            + (f"; without them you get: {error}" if error else ""),
            fix=f"RUN {installer} {' '.join(required)}",
            path=path,
        )


def _bundles_library(needs: dict, item) -> bool:
    """soundfile's wheels carry libsndfile from 0.12 on: a pin at or after that (or no pin:
    pip takes the newest) needs no system package."""
    since = needs.get("bundled_since")
    if not since:
        return False
    from portlint.python.versions import satisfies

    version = exact_version(item.requirement)
    return version is None or satisfies(version, f">={since}") is True


def _minimal_image_family(base) -> str | None:
    """'debian' or 'alpine' for a slim or Alpine image the tables know; None otherwise."""
    facts = base.facts or {}
    family = {"debian": "debian", "ubuntu": "debian", "alpine": "alpine"}.get(facts.get("os_family", ""))
    if family is None or not (facts.get("slim") or family == "alpine"):
        return None
    return family


def _system_package_present(package: str, alternatives: list[str], installed: set[str]) -> bool:
    """Installed directly, through an older/alternative name, by a metapackage
    (build-essential brings gcc) or as its -dev package (libpq-dev brings libpq5)."""
    from portlint.python.distributions import metapackage_contents

    if isinstance(alternatives, dict):  # {"default-libmysqlclient-dev": ["libmariadb-dev", …]}
        alternatives = alternatives.get(package, [])
    elif alternatives:  # a list: older names of the packages they start like (libgl1-mesa-glx for libgl1)
        alternatives = [a for a in alternatives if a.startswith(package)]
    if package in installed or any(a in installed for a in alternatives):
        return True
    if any(package in metapackage_contents(name) for name in installed):
        return True
    stem = re.sub(r"[-.]?\d+$", "", package)
    return any(name.startswith(stem) for name in installed)


# ---- PL209: the command the container runs ---------------------------------------------------


@check("PL209")
def entrypoint_file_missing(ctx: LintContext) -> Iterator[Hit]:
    env, image = _final(ctx)
    if env is None or image is None or ctx.build_context is None:
        return
    from portlint.python.program import find_entrypoints

    final_index = len(ctx.dockerfile.stages) - 1
    yield from _missing_programs(ctx, env, image, final_index)
    entries, _ = find_entrypoints(ctx, final_index)
    workdir_set = _workdir_declared(ctx)
    for entry in entries:
        if entry.kind == "module":
            yield from _missing_module(ctx, env, image, entry)
            continue
        path = entry.image_path
        if entry.instruction.is_json and " " in entry.target.strip():
            yield _exec_form_with_spaces(entry, entry.target)
            continue
        if path is None or "$" in entry.target or path in image.files or image.has_dir(path):
            continue
        if image.is_opaque(path) or _mentioned_by_run(ctx, posixpath.basename(path)) or _under_volume(ctx, path):
            continue
        basename = posixpath.basename(path)
        if not workdir_set and any(posixpath.basename(p) == basename for p in image.files):
            continue  # the base image's WORKDIR, unknown to us, may make the relative path right
        directory = posixpath.dirname(path)
        if entry.target.startswith("/") and not (image.has_dir(directory) or directory in image.workdir.values()):
            continue  # an absolute path in a directory the image never fills: likely a run-time mount
        elsewhere = [p for p in image.files if posixpath.basename(p) == basename]
        hint = f" (the image has it at {elsewhere[0]})" if elsewhere else ""
        yield Hit(
            entry.instruction.span,
            f"{entry.instruction.keyword} runs {entry.target}, but nothing puts {path} into the image{hint}; "
            f"the container exits at start with 'No such file or directory'",
            fix=f"COPY {basename} {posixpath.dirname(path)}/ (or fix the path in {entry.instruction.keyword})",
        )


def _missing_module(ctx: LintContext, env, image, entry) -> Iterator[Hit]:
    from portlint.python.distributions import satisfied_by
    from portlint.python.imports import stdlib_modules
    from portlint.python.program import ModuleIndex

    module = entry.module or ""
    top = module.split(".")[0]
    if not top or top in stdlib_modules() or env.opaque or not env.base_known:
        return
    if " " in module:
        yield _exec_form_with_spaces(entry, module)
        return
    index = ModuleIndex(image)
    would_be = posixpath.join(image.workdir_at(entry.instruction), top)  # where `python -m top` looks first: the working directory
    if top in env.project_modules or index.is_local(module) or image.is_opaque(entry.image_path or would_be) or image.is_opaque(would_be + ".py"):
        return
    if satisfied_by(module, set(env.installed) | set(env.base_packages)):
        return
    if satisfied_by(module, set(_installed_and_brought(ctx, env)[1])):
        return  # brought by what is installed: fastapi[standard] brings uvicorn (PL202 says so for imports)
    yield Hit(
        entry.instruction.span,
        f"{entry.instruction.keyword} runs the module '{module}', but no copied file defines it and no "
        f"installed package provides it; the container fails with ModuleNotFoundError: No module named '{top}'",
        fix=f"COPY the package that defines {module} into the image (or install it)",
    )


_PATH_DIRS = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin", "/root/.local/bin")


def _missing_programs(ctx: LintContext, env, image, stage_index: int) -> Iterator[Hit]:
    """CMD ["uvicorn", …] with uvicorn never installed: the shell finds no such program."""
    if env.opaque or not env.base_known:
        return
    from portlint.python.distributions import console_script_distributions
    from portlint.python.program import effective_argv, stage_command

    runs, _ = stage_command(ctx, stage_index)
    seen: set[str] = set()
    for instruction, argv, _workdir in runs:
        argv = effective_argv(argv)
        program = argv[0] if argv else ""
        if program in ("python", "python3"):
            if program not in seen:
                seen.add(program)
                yield from _python_command_missing(ctx, env, image, instruction, stage_index, program)
            continue
        if program in seen:
            continue
        from portlint.python.program import project_scripts

        if program in project_scripts(ctx):
            continue  # the project's own console script, installed with it
        providers = console_script_distributions(program)
        if not providers:
            continue
        installed, brought = _installed_and_brought(ctx, env)
        if any(d in installed or d in brought for d in providers):
            continue
        seen.add(program)
        if program in env.system_packages or f"python3-{program}" in env.system_packages or f"py3-{program}" in env.system_packages:
            continue  # apt-get install gunicorn / python3-uvicorn
        if _mentioned_by_run(ctx, program) or any(
            image.is_opaque(f"{d}/{program}") or f"{d}/{program}" in image.files for d in _PATH_DIRS
        ):
            continue  # pipx/uv tool/curl installed it, or a COPY put it on PATH
        yield Hit(
            instruction.span,
            f"{instruction.keyword} runs {program}, but no step installs {providers[0]}, the package that "
            f"provides that command; the container exits at start with 'executable file not found in $PATH'",
            fix=f"Add {providers[0]}==<version> to the requirements the Dockerfile installs",
        )


# Ways an image gets a `python` command besides the python3 package: a venv or conda on
# PATH, a symlink or alternative, pyenv, uv's managed Pythons.
_PYTHON_ALIAS_HINTS = ("python-is-python3", "venv", "virtualenv", "conda", "mamba", "pyenv", "ln ", "update-alternatives", "uv ")
# Ways a stage installs a Python at all.
_PYTHON_INSTALL_HINTS = ("python3", "python-3", "conda", "mamba", "pyenv", "uv python", "deadsnakes", "miniforge", "miniconda")


def _python_command_missing(ctx: LintContext, env, image, instruction, stage_index: int, program: str) -> Iterator[Hit]:
    """CMD python… on a base image without that command: Debian and Ubuntu install python3
    without a `python` (python-is-python3 adds it), and nvidia/cuda, ubuntu or alpine ship
    no Python at all until a step installs one."""
    root = ctx.root_image(ctx.dockerfile.stages[stage_index])
    facts = root.facts
    if not facts or image.opaque:
        return
    commands = facts.get("python_commands")
    if commands is None:  # an entry that does not say: only the Debian/Ubuntu rule of thumb
        if facts.get("os_family") not in ("debian", "ubuntu") or facts.get("python_packages"):
            return
        commands = []
    if program in commands or any(_mentioned_by_run(ctx, hint) for hint in _PYTHON_ALIAS_HINTS):
        return
    if program in env.system_packages or "python-is-python3" in env.system_packages:
        return
    if program == "python" and any(p.startswith("python-") for p in env.system_packages):
        return  # python-pip, python-dev …: Python 2 packages (Ubuntu 18.04, Debian 10 and older) bring /usr/bin/python
    python3_installed = bool(commands) or any(p.startswith("python3") or p == "python" for p in env.system_packages) or any(
        _mentioned_by_run(ctx, hint) for hint in _PYTHON_INSTALL_HINTS)
    if program == "python" and python3_installed:
        yield Hit(
            instruction.span,
            f"{instruction.keyword} runs python, but {root.text} gets only a python3 command "
            f"(Debian and Ubuntu have no 'python' without python-is-python3); the container exits at start with "
            f"'executable file not found in $PATH'",
            fix="Run python3 instead, or add python-is-python3 to the apt-get install",
        )
    elif not python3_installed:
        yield Hit(
            instruction.span,
            f"{instruction.keyword} runs {program}, but {root.text} ships no Python and no step installs one; the "
            f"container exits at start with 'executable file not found in $PATH'",
            fix="Install Python in the image (apt-get install -y python3, or start FROM a python image)",
        )


def _exec_form_with_spaces(entry, word: str) -> Hit:
    """["python -u app.py"] or ["python", "-m", "celery -A proj worker"]: one JSON string
    holding several words is one argument, since exec form runs no shell to split it."""
    keyword = entry.instruction.keyword
    words = ", ".join(f'"{w}"' for w in word.split())
    return Hit(
        entry.instruction.span,
        f"{keyword} passes '{word.strip()}' as one argument: the exec form (JSON array) runs no shell, "
        f"so nothing splits it into words and the container fails at start",
        fix=f"Give each word its own string: [{words}] (or use the shell form)",
    )


def _workdir_declared(ctx: LintContext) -> bool:
    return any(i.keyword == "WORKDIR" for i in ctx.dockerfile.instructions)


def _mentioned_by_run(ctx: LintContext, name: str) -> bool:
    for stage in ctx.dockerfile.stage_chain(ctx.dockerfile.stages[-1]):
        for instruction in stage.instructions:
            if instruction.keyword == "RUN" and (name in instruction.args or any(name in d.body for d in instruction.heredocs)):
                return True
    return False


def _under_volume(ctx: LintContext, path: str) -> bool:
    for instruction in ctx.dockerfile.stages[-1].instructions:
        if instruction.keyword != "VOLUME":
            continue
        volumes = instruction.words
        if any(path == v or path.startswith(v.rstrip("/") + "/") for v in volumes):
            return True
    return False


# ---- PL210: COPY sources that are not there ------------------------------------------------


@check("PL210")
def copy_source_missing(ctx: LintContext) -> Iterator[Hit]:
    context = ctx.build_context
    if context is None:
        return
    from portlint.context.buildcontext import climbs_out, has_glob, normalize

    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs or instruction.flag("from") is not None:
            continue
        words = list(instruction.words)
        sources = words[:-1]
        dashed = next((w for w in sources if TYPOGRAPHIC_FLAG.match(w)), None)
        if dashed is not None:
            yield Hit(
                instruction.span,
                f"'{dashed}' starts with a typographic dash, not two hyphens, so Docker takes it for a file "
                f"to copy instead of a flag; the build fails with 'not found'",
                fix=f"Type the flag with two hyphens: --{TYPOGRAPHIC_FLAG.sub('', dashed)}",
            )
            continue
        problems: list[str] = []
        prepared: set[int] = set()  # problems a script of the context may fix before the build
        matched_any = False
        globs_without_match: list[str] = []
        for source in sources:
            expansion = ctx.scopes.expand(instruction, source)
            text = expansion.value
            if expansion.undefined or expansion.unknown or expansion.starts_unset or "://" in text or text.startswith("git@"):
                matched_any = True  # a variable without a value: the source is unknown
                continue
            shown = f"'{source}'" + (f" (= '{text}')" if text != source else "")
            relative = normalize(text)
            if climbs_out(text) or re.match(r"^[A-Za-z]:[\\/]", text) or "\\" in text:
                matched_any = True  # outside the context or a Windows path: PL302/PL304 say so
                continue
            if has_glob(relative):
                matches = [m for m in context.glob(relative) if not _all_excluded(context, m)]
                if matches or context.truncated:
                    matched_any = True
                else:
                    globs_without_match.append(source)
                continue
            exists = context.is_file(relative) or context.is_dir(relative) or (context.root / relative).exists()
            if not exists:
                if not context.truncated:
                    problems.append(f"{shown} does not exist in the build context ({_display(ctx)})")
                    maker = _script_naming(ctx, relative)
                    if maker is not None:  # a download or build step the README runs first
                        prepared.add(len(problems) - 1)
                        problems[-1] += f"; {maker} names it, so it may have to run before the build"
                continue
            if _all_excluded(context, relative):
                problems.append(f"{shown} is excluded by .dockerignore, so the builder never receives it")
                continue
            matched_any = True
        if globs_without_match and not matched_any:
            problems.extend(f"'{g}' matches no file in the build context" for g in globs_without_match)
        for position, problem in enumerate(problems):
            yield Hit(
                instruction.span,
                f"{instruction.keyword} source {problem}; the build fails with 'not found'"
                + (" when it has not" if position in prepared else ""),
                fix="Fix the path (sources are relative to the build context), or remove the "
                ".dockerignore pattern that excludes it" + ("; or make the build fetch it (RUN curl …, a build stage)"
                                                          if position in prepared else ""),
                # the project's own workflow makes it before building: a fresh clone's trap, as advice
                severity=Severity.INFO if position in prepared else None,
            )


_SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".ps1")


def _script_naming(ctx: LintContext, relative: str) -> str | None:
    """A script or Makefile at the context root or one folder down that names the missing
    source's first folder (or the file itself): it downloads or builds it before the build."""
    context = ctx.build_context
    key = "context-scripts"
    if key not in ctx.shared:
        scripts = []
        for path in context.files:
            name = posixpath.basename(path)
            if path.count("/") <= 1 and (name.endswith(_SCRIPT_SUFFIXES) or name in ("Makefile", "justfile")):
                text = ctx.context_text(path)
                if text is not None and len(text.text) < 1 << 18:
                    scripts.append((path, text.text))
        ctx.shared[key] = scripts
    wanted = relative.strip("/").split("/")[0]
    if len(wanted) < 4:
        return None  # `src`, `app`: too common a word to mean this folder
    return next((path for path, text in ctx.shared[key] if re.search(rf"(?<![\w.-]){re.escape(wanted)}(?![\w-])", text)), None)


def _all_excluded(context, relative: str) -> bool:
    if context.dockerignore is None:
        return False
    if context.is_dir(relative):
        files = context.files_under(relative)
        return bool(files) and all(context.excluded(f) for f in files)
    return context.excluded(relative)


def _display(ctx: LintContext) -> str:
    return "the Dockerfile's directory" if ctx.context_dir is None else str(ctx.context_dir)
