"""Property tests: whatever the input, portlint never raises, exits 0/1/2, and JSON stays JSON.

The CI run is bounded (a few hundred examples).  For a long run:
    PORTLINT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portlint.cli import cli
from portlint.testing import lint_files

EXAMPLES = int(os.environ.get("PORTLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

KEYWORDS = ["FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "WORKDIR", "CMD", "ENTRYPOINT", "USER", "LABEL", "EXPOSE",
            "VOLUME", "HEALTHCHECK", "SHELL", "ONBUILD", "from", "run"]
WORDS = ["python:3.12-slim", "$BASE", "${X:-y}", "AS", "build", "--from=build", "--platform=$BUILDPLATFORM",
         "--mount=type=bind,source=r.txt,target=/r", "pip", "install", "-r", "requirements.txt", ".", "/app/",
         "<<EOF", "EOF", "&&", "||", ";", "|", "\\", "'", '"', "$(uname -m)", "`x`", "[\"python\",", "\"app.py\"]",
         "apt-get", "-y", "curl", "https://x/y-x86_64.sh", "/home/alice/x", "C:\\data", "localhost:5432", "#", "=", "==1.0"]

line = st.one_of(
    st.builds(lambda k, ws: " ".join([k, *ws]), st.sampled_from(KEYWORDS), st.lists(st.sampled_from(WORDS), max_size=8)),
    st.text(max_size=40),
)
dockerfile = st.lists(line, max_size=25).map("\n".join)
requirement_line = st.one_of(
    st.sampled_from(["numpy==1.26.4", "flask>=2", "-r other.txt", "-c c.txt", "-e .", "./w.whl", "name @ file:///x",
                     "--hash=sha256:abc", "pkg[extra]; python_version<'3.9'", "numpy==", "\\", "git+https://x/y.git#egg=y"]),
    st.text(max_size=30),
)
python_line = st.one_of(
    st.sampled_from(["import numpy", "from . import x", "from a.b import (c,", "try:", "    import yaml", "except ImportError:",
                     "    pass", "if TYPE_CHECKING:", "def f(:", "open('/home/bob/x.csv')", "\x00", "import sklearn"]),
    st.text(max_size=30),
)


@FUZZ
@given(dockerfile=dockerfile, requirements=st.lists(requirement_line, max_size=10).map("\n".join),
       source=st.lists(python_line, max_size=12).map("\n".join))
def test_engine_never_raises(dockerfile: str, requirements: str, source: str) -> None:
    files = {
        "Dockerfile": dockerfile,
        "requirements.txt": requirements,
        "other.txt": "-r requirements.txt\n",
        "app.py": source,
        "pyproject.toml": "[project]\nname = 'x'\ndependencies = [" + repr(requirements[:20]) + "]\n",
    }
    findings = lint_files(files)
    for finding in findings:
        assert finding.line >= 1 and finding.message


@FUZZ
@given(data=st.binary(max_size=300))
def test_cli_on_arbitrary_bytes_prints_json(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "Dockerfile").write_bytes(data)
        result = CliRunner().invoke(cli, ["--format", "json", str(Path(tmp) / "Dockerfile")])
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        document = json.loads(result.stdout)
        assert document["summary"]["files"] == 1
