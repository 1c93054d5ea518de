"""Maintainers' generator for portlint's package-index knowledge.

Reads the Python package index (PEP 691 JSON simple API, PEP 658 metadata files and
HTTP range reads of wheels' zip directories) for a seed list of distributions and
writes the compact data files portlint ships in ``src/portlint/knowledge/generated/``.
Never imported by portlint itself, never run by its tests against the network.
"""
