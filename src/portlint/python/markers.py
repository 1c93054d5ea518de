"""Whether a requirement's environment marker can hold in the image.

A Linux container is never Windows or macOS, and its Python is often known from the base
image: pip skips ``pywin32; sys_platform == "win32"`` and ``tomli; python_version < "3.11"``
on python:3.12, so those lines install nothing there.
"""

from __future__ import annotations

# What pip reports on CPython in a Linux container; python_version and platform_machine vary.
_LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "implementation_name": "cpython",
          "platform_python_implementation": "CPython", "platform_release": "", "platform_version": ""}
_PYTHONS = tuple(f"3.{minor}" for minor in range(6, 15))
_MACHINES = ("x86_64", "aarch64")


def may_apply(marker: str | None, python: str | None = None, machines: tuple[str, ...] | None = None) -> bool:
    """False only when the marker is false for every Python and CPU the image may have."""
    if not marker:
        return True
    from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return True
    if "full_version" in marker and not (python and python.count(".") == 2):
        return True  # python_full_version == "3.10.11" on an image known only as 3.10: cannot tell
    minor = ".".join(python.split(".")[:2]) if python else None
    for version in (minor,) if minor else _PYTHONS:
        full = python if python and python.count(".") == 2 else f"{version}.0"
        for machine in machines or _MACHINES:
            environment = dict(_LINUX, python_version=version, python_full_version=full, platform_machine=machine,
                               implementation_version=full)
            try:
                if parsed.evaluate({**environment, "extra": ""}):
                    return True
            except (UndefinedComparison, UndefinedEnvironmentName, ValueError):
                return True
    return False
