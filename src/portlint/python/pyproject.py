"""Declared dependencies of a project: PEP 621 / Poetry pyproject.toml, setup.cfg,
Pipfile and conda's environment.yml.  Never raises; errors come back as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class ProjectDependencies:
    """The dependencies a project file declares."""

    name: str | None = None
    dependencies: tuple[str, ...] = ()
    optional: dict[str, tuple[str, ...]] = field(default_factory=dict)  # extra -> requirements
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # dependency / poetry / pipenv groups
    poetry: bool = False
    lines: dict[str, int] = field(default_factory=dict)  # canonical name -> line where declared
    # setuptools' dynamic dependencies: requirements files, relative to the project folder
    dependency_files: tuple[str, ...] = ()
    optional_files: dict[str, tuple[str, ...]] = field(default_factory=dict)  # extra -> files
    workspace_members: tuple[str, ...] = ()  # [tool.uv.workspace] members (globs, relative to the project)
    default_groups: tuple[str, ...] | None = None  # [tool.uv] default-groups; None: uv's default, dev
    scripts: dict[str, str] = field(default_factory=dict)  # console script -> "module:function"
    # [tool.pdm.scripts]: task -> the shell commands `pdm TASK` runs (a composite's parts in order)
    tasks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    error: str | None = None


def _toml(text: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text), None
    except ValueError as exc:
        return None, f"invalid TOML: {exc}"


# A quoted string that is a whole requirement (name, extras, specifier or marker).
_QUOTED_REQUIREMENT = re.compile(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@][^"']*)?)["']""")


def _declaration_lines(text: str) -> dict[str, int]:
    """Best-effort line of each dependency name: the first line that declares it."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip().strip(",").strip()
        if not stripped or stripped.startswith(("#", "[")):
            continue
        candidate = stripped.strip("\"'")
        match = _NAME.match(candidate)
        if match and ("=" in stripped or stripped[0] in "\"'"):
            lines.setdefault(canonical(match.group(1)), number)
        for literal in _QUOTED_REQUIREMENT.findall(line):  # dependencies = ["a==1", "b>=2"]
            lines.setdefault(canonical(_NAME.match(literal).group(1)), number)
    return lines


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _caret(version: str) -> str:
    parts = [int(p) if p.isdigit() else 0 for p in version.split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    index = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
    upper = parts[: index + 1]
    upper[-1] += 1
    return f">={version},<{'.'.join(map(str, upper))}"


def _tilde(version: str) -> str:
    parts = version.split(".")
    if len(parts) == 1:
        return f">={version},<{int(parts[0]) + 1 if parts[0].isdigit() else parts[0]}"
    head = parts[:2] if len(parts) > 2 else parts[:1]
    bumped = head[:-1] + [str(int(head[-1]) + 1) if head[-1].isdigit() else head[-1]]
    return f">={version},<{'.'.join(bumped)}"


def poetry_requirement(name: str, spec: Any) -> str | None:
    """A Poetry dependency as a PEP 508 string (``numpy = "^1.26"`` -> ``numpy>=1.26,<2.0.0``)."""
    if canonical(name) == "python":
        return None
    extras = ""
    if isinstance(spec, dict):
        if "path" in spec or "git" in spec or "url" in spec:
            target = spec.get("url") or spec.get("path") or f"git+{spec['git']}"
            return f"{name} @ {target}" if "://" in str(target) else f"{name} @ file:{target}"
        if spec.get("extras"):
            extras = "[" + ",".join(spec["extras"]) + "]"
        spec = spec.get("version", "*")
    if isinstance(spec, list):
        spec = spec[0].get("version", "*") if spec and isinstance(spec[0], dict) else "*"
    version = str(spec).strip()
    if version in ("", "*"):
        return f"{name}{extras}"
    clauses = []
    for clause in version.split(","):
        clause = clause.strip()
        if clause.startswith("^"):
            clauses.append(_caret(clause[1:].strip()))
        elif clause.startswith("~") and not clause.startswith("~="):
            clauses.append(_tilde(clause[1:].strip()))
        elif re.match(r"^\d", clause):
            clauses.append(f"=={clause}")
        else:
            clauses.append(clause.replace(" ", ""))
    return f"{name}{extras}{','.join(clauses)}"


def parse_pyproject(text: str) -> ProjectDependencies:
    data, error = _toml(text)
    if data is None:
        return ProjectDependencies(error=error)
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    poetry = poetry if isinstance(poetry, dict) else {}
    dependencies = _strings(project.get("dependencies"))
    optional = {
        canonical(k): _strings(v) for k, v in (project.get("optional-dependencies") or {}).items() if isinstance(v, list)
    }
    groups: dict[str, tuple[str, ...]] = {}
    for group, entries in (data.get("dependency-groups") or {}).items():
        groups[canonical(group)] = tuple(e for e in entries if isinstance(e, str)) if isinstance(entries, list) else ()
    used_poetry = False
    poetry_deps = poetry.get("dependencies")
    if isinstance(poetry_deps, dict) and not dependencies:
        used_poetry = True
        # `optional = true` dependencies are installed only through the [tool.poetry.extras] naming them
        optional_deps = {canonical(n): s for n, s in poetry_deps.items() if isinstance(s, dict) and s.get("optional")}
        dependencies = tuple(r for n, s in poetry_deps.items()
                             if canonical(n) not in optional_deps and (r := poetry_requirement(n, s)))
        extras = poetry.get("extras") if isinstance(poetry.get("extras"), dict) else {}
        for extra, names in extras.items():
            if isinstance(names, list) and not optional.get(canonical(extra)):
                optional[canonical(extra)] = tuple(
                    r for n in names if isinstance(n, str) and canonical(n) in optional_deps
                    and (r := poetry_requirement(n, optional_deps[canonical(n)]))
                )
    poetry_groups = dict(poetry.get("group", {})) if isinstance(poetry.get("group"), dict) else {}
    if isinstance(poetry.get("dev-dependencies"), dict):
        poetry_groups.setdefault("dev", {"dependencies": poetry["dev-dependencies"]})
    for group, table in poetry_groups.items():
        deps = table.get("dependencies") if isinstance(table, dict) else None
        if isinstance(deps, dict):
            groups[canonical(group)] = tuple(r for n, s in deps.items() if (r := poetry_requirement(n, s)))
    name = project.get("name") or poetry.get("name")
    dynamic = _setuptools_dynamic(data)
    uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    uv = uv if isinstance(uv, dict) else {}
    workspace = uv.get("workspace") if isinstance(uv.get("workspace"), dict) else {}
    members = tuple(m for m in workspace.get("members", ()) if isinstance(m, str))
    default_groups = uv.get("default-groups")
    if default_groups == "all":
        default_groups = tuple(groups)
    scripts = {name: target for table in (project.get("scripts"), project.get("gui-scripts"), poetry.get("scripts"))
               if isinstance(table, dict) for name, target in table.items() if isinstance(target, str)}
    pdm = data.get("tool", {}).get("pdm", {}) if isinstance(data.get("tool"), dict) else {}
    pdm_scripts = pdm.get("scripts") if isinstance(pdm, dict) else None
    return ProjectDependencies(
        scripts=scripts,
        tasks=_pdm_tasks(pdm_scripts) if isinstance(pdm_scripts, dict) else {},
        workspace_members=members,
        default_groups=tuple(canonical(g) for g in default_groups) if isinstance(default_groups, (list, tuple)) else None,
        name=name if isinstance(name, str) else None,
        dependencies=dependencies,
        optional=optional,
        groups=groups,
        poetry=used_poetry,
        lines=_declaration_lines(text),
        dependency_files=_files(dynamic.get("dependencies")),
        optional_files={
            canonical(extra): _files(spec)
            for extra, spec in (dynamic.get("optional-dependencies") or {}).items()
            if isinstance(dynamic.get("optional-dependencies"), dict)
        },
    )


def _pdm_tasks(table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """`name = "cmd"`, `{cmd = "…" or [...]}`, `{shell = "…"}`, `{composite = [...]}` as shell lines;
    a composite's part that names another task is that task's lines."""
    import shlex

    def lines(value: Any, depth: int = 0) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, dict) or depth > 5:
            return ()
        command = value.get("cmd", value.get("shell"))
        if isinstance(command, list):
            return (shlex.join(str(word) for word in command),)
        if isinstance(command, str):
            return (command,)
        found: list[str] = []
        for part in value.get("composite") or ():
            if isinstance(part, str):
                task = part.split()[0] if part.split() else ""
                found.extend(lines(table[task], depth + 1) if task in table and task != "_" else (part,))
        return tuple(found)

    return {name: found for name, value in table.items() if name != "_" and (found := lines(value))}


def _setuptools_dynamic(data: dict[str, Any]) -> dict[str, Any]:
    """[tool.setuptools.dynamic]: dependencies = {file = ["requirements.txt"]}."""
    tool = data.get("tool")
    setuptools = tool.get("setuptools") if isinstance(tool, dict) else None
    dynamic = setuptools.get("dynamic") if isinstance(setuptools, dict) else None
    return dynamic if isinstance(dynamic, dict) else {}


def _files(spec: Any) -> tuple[str, ...]:
    files = spec.get("file") if isinstance(spec, dict) else None
    if isinstance(files, str):
        files = [files]
    return tuple(f for f in files if isinstance(f, str)) if isinstance(files, list) else ()


def parse_setup_cfg(text: str) -> ProjectDependencies:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except (configparser.Error, ValueError) as exc:
        return ProjectDependencies(error=f"invalid setup.cfg: {str(exc).splitlines()[0]}")

    def listed(section: str, key: str) -> tuple[str, ...]:
        value = parser.get(section, key, fallback="")
        return tuple(line.split("#")[0].strip() for line in value.splitlines() if line.split("#")[0].strip())

    optional = {}
    if parser.has_section("options.extras_require"):
        for extra in parser.options("options.extras_require"):
            optional[canonical(extra)] = listed("options.extras_require", extra)
    return ProjectDependencies(
        name=parser.get("metadata", "name", fallback=None),
        dependencies=listed("options", "install_requires"),
        optional=optional,
        scripts=_entry_point_scripts(listed("options.entry_points", "console_scripts")),
        lines=_declaration_lines(text),
    )


def _entry_point_scripts(lines) -> dict[str, str]:
    """["tts = TTS.bin.synthesize:main", …] -> {"tts": "TTS.bin.synthesize:main"}."""
    found = {}
    for line in lines:
        name, equals, target = line.partition("=")
        if equals and name.strip() and target.strip():
            found[name.strip()] = target.split("[")[0].strip()
    return found


def parse_pipfile(text: str) -> ProjectDependencies:
    data, error = _toml(text)
    if data is None:
        return ProjectDependencies(error=error)

    def section(name: str) -> tuple[str, ...]:
        table = data.get(name)
        if not isinstance(table, dict):
            return ()
        out = []
        for package, spec in table.items():
            if isinstance(spec, dict):
                spec = spec.get("version", "*")
            spec = str(spec).strip()
            out.append(package if spec in ("", "*") else f"{package}{spec}")
        return tuple(out)

    return ProjectDependencies(dependencies=section("packages"), groups={"dev": section("dev-packages")},
                               lines=_declaration_lines(text))


def parse_environment_yml(text: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """(conda specs, pip requirements, error) for the usual environment.yml shape, without PyYAML."""
    conda: list[str] = []
    pip: list[str] = []
    in_dependencies = False
    pip_indent: int | None = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if indent == 0 and not (in_dependencies and stripped.startswith("- ")):  # `conda env export` puts the list at column 0
            in_dependencies = stripped.startswith("dependencies:")
            pip_indent = None
            continue
        if not in_dependencies or not stripped.startswith("-"):
            continue
        item = stripped[1:].strip().strip("\"'")
        if pip_indent is not None and indent > pip_indent:
            pip.append(item)
            continue
        pip_indent = None
        if item.rstrip(":") == "pip" and item.endswith(":"):
            pip_indent = indent
            continue
        if item and not item.endswith(":"):
            conda.append(item)
    if "\t" in text and not conda and not pip:
        return (), (), "environment file uses tabs for indentation, which YAML forbids"
    return tuple(conda), tuple(pip), None


def parse_setup_py(text: str) -> ProjectDependencies | None:
    """What a setup.py's ``setup(install_requires=…, extras_require=…)`` declares, read with
    ``ast`` and never run: literal lists, names bound to them at module level, and the
    requirements files they are read from (``open("requirements.txt")…``) as dependency
    files.  None when the call is not there or builds its lists in ways only running it
    would tell."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    bound = _module_bindings(tree)
    call = next((n for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n.func) == "setup"), None)
    if call is None:
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    requires = _requirements_of(keywords.get("install_requires"), bound)
    if requires is None:
        return None
    optional: dict[str, tuple[str, ...]] = {}
    optional_files: dict[str, tuple[str, ...]] = {}
    extras = keywords.get("extras_require")
    extras = bound.get(extras.id, extras) if isinstance(extras, ast.Name) else extras
    if isinstance(extras, ast.Dict):
        for key, value in zip(extras.keys, extras.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found = _requirements_of(value, bound)
                if found is not None:
                    optional[canonical(key.value)], optional_files[canonical(key.value)] = found
    specs, files = requires
    scripts: dict[str, str] = {}
    entry_points = keywords.get("entry_points")
    entry_points = bound.get(entry_points.id, entry_points) if isinstance(entry_points, ast.Name) else entry_points
    if isinstance(entry_points, ast.Dict):
        for key, value in zip(entry_points.keys, entry_points.values):
            if isinstance(key, ast.Constant) and key.value in ("console_scripts", "gui_scripts") and isinstance(value, (ast.List, ast.Tuple)):
                scripts.update(_entry_point_scripts(e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)))
    name = keywords.get("name")
    return ProjectDependencies(name=name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None,
                               dependencies=specs, optional=optional, optional_files=optional_files,
                               dependency_files=files, scripts=scripts, lines=_declaration_lines(text))


def _callee(func) -> str | None:
    import ast

    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _requirements_of(node, bound: dict, depth: int = 0) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(requirement strings, requirements files) of an install_requires-like expression."""
    import ast

    if node is None:
        return (), ()
    if isinstance(node, ast.Name) and node.id in bound and depth < 3:
        return _requirements_of(bound[node.id], bound, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple)):
        found: list[str] = []
        for element in node.elts:
            # `'torchvision<=0.13.0' if sys.version_info <= (3, 7, 2) else 'torchvision'`: both are declared
            choices = [element.body, element.orelse] if isinstance(element, ast.IfExp) else [element]
            if not all(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in choices):
                return None
            found.extend(c.value for c in choices)
        return tuple(found), ()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _requirements_of(node.left, bound, depth + 1), _requirements_of(node.right, bound, depth + 1)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    if isinstance(node, ast.IfExp):
        branches = [_requirements_of(b, bound, depth + 1) for b in (node.body, node.orelse)]
        if all(b is not None for b in branches):  # `["a"] if GPU else ["b"]`: each is declared somewhere
            return branches[0][0] + branches[1][0], branches[0][1] + branches[1][1]
    files = tuple(dict.fromkeys(_file_names(node, bound, depth)))
    return ((), files) if files else None


def _module_bindings(tree) -> dict:
    """Names bound at module level, also inside `with`/`if`/`try` blocks: `reqs = …`, the file
    of `with open("requirements.txt") as f`, and the module's functions (`def read_requirements`)."""
    import ast

    bound: dict[str, ast.AST] = {}
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound[node.targets[0].id] = node.value
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound[node.name] = node
        elif isinstance(node, ast.With):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    bound[item.optional_vars.id] = item.context_expr
            pending[:0] = node.body
        elif isinstance(node, (ast.If, ast.Try)):
            pending[:0] = [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                           *(s for h in getattr(node, "handlers", []) for s in h.body)]
    return bound


def _file_names(node, bound: dict, depth: int):
    """Requirements files (`*.txt`, `*.in`) an expression reads, following the names it uses to
    their module-level values and the module's functions it calls into their bodies."""
    import ast

    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value.endswith((".txt", ".in")):
            yield child.value
        elif isinstance(child, ast.Name) and child.id in bound and depth < 4 and bound[child.id] is not node:
            yield from _file_names(bound[child.id], bound, depth + 1)
