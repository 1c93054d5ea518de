"""Import names, distributions and what installs what: questions asked of the knowledge tables."""

from __future__ import annotations

import re
from functools import lru_cache

from portlint.knowledge import load

# A build or fork of a distribution, named by a suffix: faiss-cpu, kafka-python-ng,
# opencv-python-headless, cupy-cuda12x. Plugins (flask-cors, torch-geometric) are not.
_VARIANT = re.compile(r"-(cpu|gpu|ng|binary|headless|lite|fork|nightly|macos|metal|rocm|cuda\d*x?|cu\d+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@lru_cache(maxsize=4096)
def distributions_for(module: str) -> tuple[tuple[str, ...], bool]:
    """Candidate distributions for a dotted import, and whether the knowledge knew it.

    The longest dotted prefix wins (``google.cloud.storage`` before ``google``); at each
    length the hand-written table (an override, with its reason) comes before the data
    generated from the package index, whose providers follow it; otherwise the top-level
    name itself is the guess.
    """
    from portlint.knowledge.package_index import module_providers

    table = load("import_names").get("modules", {})
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        entry = table.get(key)
        generated = module_providers(key) or ()
        if entry:
            # The override names whom to recommend; what the wheels say still provides it
            # (pydantic-ai is recommended, yet pydantic-ai-slim alone installs pydantic_ai).
            preferred = tuple(canonical(d) for d in entry["distributions"])
            return preferred + tuple(d for d in generated if d not in preferred), True
        if generated:
            return generated, True
    return (canonical(parts[0]),), False


def _name_variants(distribution: str) -> set[str]:
    """Import names a distribution plausibly provides when the table does not know it.

    Besides the name itself: without a python-/py- prefix or a -python/-sdk/-client
    suffix (python-dotenv: dotenv, python-telegram-bot: telegram), and the tail after
    a framework's name, the way plugins are named (django-ninja: ninja,
    django-cors-headers: corsheaders, flask-babel: flask_babel and babel).
    """
    name = canonical(distribution)
    variants = {name}
    for prefix in ("python-", "py-", "py"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            bare = name[len(prefix):]
            variants.update((bare, bare.split("-")[0]))
            break
    for suffix in ("-python", "-py", "-sdk", "-client"):
        if name.endswith(suffix):
            variants.add(name[: -len(suffix)])
    words = name.split("-")
    for start in range(1, len(words)):
        tail = words[start:]
        if len("".join(tail)) >= 4:
            variants.update(("-".join(tail), "".join(tail)))
    return {v.replace("-", "_") for v in variants} | variants


@lru_cache(maxsize=1)
def _hand_reverse_table() -> dict[str, set[str]]:
    """distribution -> top-level import names the hand-written overrides give it."""
    reverse: dict[str, set[str]] = {}
    for module, entry in load("import_names").get("modules", {}).items():
        for dist in entry["distributions"]:
            reverse.setdefault(canonical(dist), set()).add(module.split(".")[0])
    return reverse


def _modules_of(distribution: str) -> set[str] | None:
    """Top-level import names a distribution provides, from both tables; None if neither knows it."""
    from portlint.knowledge.package_index import modules_of

    generated = modules_of(distribution)
    hand = _hand_reverse_table().get(distribution)
    if generated is None and hand is None:
        return None
    return set(generated or ()) | set(hand or ())


def satisfied_by(module: str, installed: set[str] | frozenset[str]) -> str | None:
    """The installed distribution that provides ``module``, if any."""
    candidates, known = distributions_for(module)
    for candidate in candidates:
        if candidate in installed:
            return candidate
    for candidate in candidates:  # builds and forks: faiss-cpu, kafka-python-ng, tensorflow-gpu
        variant = next((d for d in sorted(installed) if d.startswith(candidate) and _VARIANT.fullmatch(d[len(candidate):])), None)
        if variant is not None:
            return variant
    top = module.split(".")[0]
    if canonical(top) in installed:  # a distribution named like the import: a shim (dotenv, bs4) at worst
        return canonical(top)
    if known:
        return None
    lowered = top.lower()
    for dist in installed:
        provided = _modules_of(dist)
        if provided is not None and (lowered in provided or top in provided):
            return dist
        if provided is None and lowered in _name_variants(dist):
            return dist
    return None


_EXTRAS = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]")


def requested_extras(requirement: str) -> tuple[str, ...]:
    """The extras a requirement asks for: 'celery[redis,sqs]==5.4' -> ('redis', 'sqs')."""
    match = _EXTRAS.match(requirement)
    return tuple(canonical(e) for e in match.group(1).split(",") if e.strip()) if match else ()


def system_package_distribution(tool: str, package: str) -> str | None:
    """The Python distribution an apt/apk package provides (python3-yaml -> pyyaml)."""
    table = load("system_python_packages")
    family = {"apt": "debian", "apk": "alpine"}.get(tool)
    if family is None:
        return None
    entry = table.get(family, {}).get(package)
    if entry:
        return canonical(entry["distribution"])
    prefix = "python3-" if family == "debian" else "py3-"
    if package.startswith(prefix) and len(package) > len(prefix):
        return canonical(package[len(prefix):])
    return None


def conda_distribution(name: str) -> str:
    entry = load("conda_packages").get("packages", {}).get(canonical(name))
    return canonical(entry["distribution"]) if entry else canonical(name)


def system_libraries(distribution: str) -> dict | None:
    return load("system_libraries").get("packages", {}).get(canonical(distribution))


def metapackage_contents(package: str) -> tuple[str, ...]:
    """System packages a metapackage installs (build-essential: gcc, make, …)."""
    entry = load("system_libraries").get("metapackages", {}).get(package)
    return tuple(entry["provides"]) if entry else ()


def console_script_distributions(command: str) -> tuple[str, ...]:
    """Distributions that install ``command`` on PATH (uvicorn -> uvicorn); () if unknown.

    The hand-written table wins.  From the package-index data only a command named
    like a distribution that provides it counts (``streamlit``, ``mlflow``): any
    wheel may install a script called ``node`` or ``serve``, and a CMD running such a
    name most likely means the system program."""
    from portlint.knowledge.package_index import command_providers

    entry = load("console_scripts").get("commands", {}).get(command)
    if entry:
        return tuple(canonical(d) for d in entry["distributions"])
    if command in _SYSTEM_PROGRAMS or not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", command):
        return ()
    providers = command_providers(command)
    return providers if canonical(command) in providers else ()


# Programs an image gets from its system packages, whatever PyPI also holds.
_SYSTEM_PROGRAMS = frozenset(
    "bash sh zsh node npm npx java nginx httpd apache2 redis-server postgres mysql mongod python python3 pip pip3 "
    "git make cmake ninja curl wget supervisord cron tini dumb-init gosu su-exec jupyter conda mamba".split()
)
