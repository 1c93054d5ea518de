"""``portlint --fix`` and ``--diff``: turn findings into the edits a careful engineer makes.

* ``facts``: the payloads checks attach to their hits (what is missing, where the
  failing stage installs), so fixes come from the analysis, never from messages;
* ``versions``: which version to pin, from lock files, ``--env PYTHON`` or the running
  interpreter (``probe`` is the script that reads an interpreter's distributions);
* ``requirements_edit``, ``pyproject_edit``, ``dockerfile_edit``: style-keeping edits;
* ``plan``: findings to edits; ``session``: lint, edit, re-lint until nothing changes,
  then write or print a diff; ``report``: what was fixed and what remains.

Nothing here is imported by a plain lint except ``facts``.
"""
