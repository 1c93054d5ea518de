"""portlint: a Dockerfile portability linter."""

__version__ = "0.1.0"
