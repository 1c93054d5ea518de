"""Report an interpreter's installed distributions as JSON, reading metadata only.

``portlint --fix --env PYTHON`` runs this file's source with ``PYTHON -I -c`` (isolated:
no PYTHONPATH, no user site, not the working directory), so nothing of the user's
project is imported; the running interpreter calls ``collect()`` directly.  It must
stay standalone: no portlint imports, and syntax that Python 3.8 accepts.

Output: ``{"python": "3.12.1", "executable": …, "distributions": {canonical name:
{"version": …, "origin": "index" | "local" | "file" | "vcs" | "url"}}, "modules": {top-level
import name: [canonical distribution names]}}``.  The first distribution of a name on
``sys.path`` wins, as it does for ``import``.
"""

import json
import re
import sys


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _origin(dist):
    """Where pip installed it from (PEP 610 direct_url.json): an index unless it says."""
    try:
        text = dist.read_text("direct_url.json")
    except Exception:
        text = None
    if not text:
        return "index"
    try:
        data = json.loads(text)
    except ValueError:
        return "url"
    if "vcs_info" in data:
        return "vcs"
    if "dir_info" in data:
        return "local"
    if str(data.get("url", "")).startswith("file:"):
        return "file"  # a wheel or sdist named by path: maybe built here, maybe on no index
    return "url"


def collect():
    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8
        import importlib_metadata as metadata

    distributions = {}
    for dist in metadata.distributions():
        try:
            name = dist.metadata["Name"]
            version = dist.version
        except Exception:
            continue
        if not name or not version:
            continue
        key = _canonical(name)
        if key not in distributions:
            distributions[key] = {"version": version, "origin": _origin(dist)}
    modules = {}
    try:
        mapping = metadata.packages_distributions()  # Python >= 3.10
    except AttributeError:
        mapping = {}
        for dist in metadata.distributions():
            try:
                top = dist.read_text("top_level.txt") or ""
                name = dist.metadata["Name"]
            except Exception:
                continue
            for module in top.split():
                mapping.setdefault(module, []).append(name)
    for module, names in mapping.items():
        modules[module] = sorted({_canonical(n) for n in names if n})
    return {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "distributions": distributions,
        "modules": modules,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(collect()))
