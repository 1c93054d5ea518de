"""Errors that end in a clear message instead of a traceback."""

from __future__ import annotations

# The SPEC's exit codes: clean, findings at or above --fail-on, usage or input error.
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class PortlintError(Exception):
    """Base class: str(error) is the whole message shown to the user."""


class UsageError(PortlintError):
    """Bad command line, bad configuration, unknown rule id: exit code 2."""


class InputError(PortlintError):
    """A file that cannot be read or parsed: reported as PL001 at ``line``.

    ``path`` names a build-context file (relative to the context) when the bad file is
    not the Dockerfile itself.
    """

    def __init__(self, message: str, line: int = 1, path: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.path = path
