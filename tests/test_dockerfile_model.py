"""The Dockerfile model: spans, heredocs, directives, flags, forms, stages, variables, images."""

from __future__ import annotations

import pytest

from portlint.dockerfile.directives import parse_directives
from portlint.dockerfile.heredocs import prepare
from portlint.dockerfile.images import parse_image
from portlint.dockerfile.parse import parse_dockerfile
from portlint.dockerfile.source import decode
from portlint.dockerfile.variables import Scopes, expand, find_refs
from portlint.errors import InputError


def model(text: str):
    return parse_dockerfile(decode(text.encode()), "Dockerfile")


REALISTIC = """\
# syntax=docker/dockerfile:1.7
ARG PYTHON_VERSION=3.12.7
ARG BASE=python:${PYTHON_VERSION}-slim
FROM --platform=$BUILDPLATFORM ${BASE} AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/pip \\
    --mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt \\
    # wheels for the runtime stage
    pip wheel --wheel-dir /wheels -r /tmp/requirements.txt
RUN <<EOF
set -eux
apt-get update
EOF
COPY --chown=app:app --chmod=755 <<-'SCRIPT' /usr/local/bin/start
	#!/bin/sh
	exec gunicorn app:app
	SCRIPT
FROM python:3.12.7-slim
COPY --from=build /wheels /wheels
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
"""


def test_realistic_spans_and_stages() -> None:
    d = model(REALISTIC)
    spans = [(i.keyword, i.span.line, i.span.last) for i in d.instructions]
    assert spans == [
        ("ARG", 2, 2), ("ARG", 3, 3), ("FROM", 4, 4), ("WORKDIR", 5, 5), ("RUN", 6, 9),
        ("RUN", 10, 13), ("COPY", 14, 17), ("FROM", 18, 18), ("COPY", 19, 19), ("CMD", 20, 20),
    ]
    assert [(s.index, s.name, s.base, s.platform) for s in d.stages] == [
        (0, "build", "${BASE}", "$BUILDPLATFORM"),
        (1, None, "python:3.12.7-slim", None),
    ]
    assert [i.keyword for i in d.global_args] == ["ARG", "ARG"]


def test_flags_forms_and_heredoc_bodies() -> None:
    d = model(REALISTIC)
    run = d.instructions[4]
    assert run.flag_values("mount") == [
        "type=cache,target=/root/.cache/pip",
        "type=bind,source=requirements.txt,target=/tmp/requirements.txt",
    ]
    assert run.shell_line == 8 and "pip wheel" in run.shell_text
    heredoc_run = d.instructions[5]
    assert heredoc_run.heredocs[0].body == "set -eux\napt-get update\n"
    assert (heredoc_run.heredocs[0].start_line, heredoc_run.heredocs[0].end_line) == (11, 13)
    copy = d.instructions[6]
    assert copy.flag("chown") == "app:app" and copy.flag("chmod") == "755"
    doc = copy.heredocs[0]
    assert doc.strip_tabs and doc.quoted and doc.body == "#!/bin/sh\nexec gunicorn app:app\n"
    assert d.instructions[9].json_args == ("gunicorn", "--bind", "0.0.0.0:8000", "app:app")
    assert d.instructions[8].flag("from") == "build"


def test_heredoc_bodies_are_not_instructions() -> None:
    d = model("FROM alpine:3.20\nRUN <<EOF\nFROM evil\nRUN nope\nEOF\nCMD [\"sh\"]\n")
    assert [i.keyword for i in d.instructions] == ["FROM", "RUN", "CMD"]


def test_several_heredocs_on_one_line() -> None:
    text = "FROM alpine:3.20\nRUN <<A cat > /a && <<\"B\" cat > /b\none\nA\ntwo\nB\nRUN echo done\n"
    d = model(text)
    run = d.instructions[1]
    assert [(h.delimiter, h.body, h.quoted) for h in run.heredocs] == [("A", "one\n", False), ("B", "two\n", True)]
    assert run.span.last == 6 and d.instructions[2].line == 7


def test_unterminated_heredoc_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        model("FROM alpine:3.20\nRUN <<EOF\necho hi\n")
    assert info.value.line == 2 and "never closed" in str(info.value)


def test_shell_heredoc_inside_quotes_is_not_a_heredoc() -> None:
    d = model("FROM alpine:3.20\nRUN echo '<<EOF' && echo $((1<<2))\nCMD [\"sh\"]\n")
    assert d.instructions[1].heredocs == () and len(d.instructions) == 3


def test_escape_directive_backtick() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    C:\\\nCMD [\"cmd\"]\n"
    d = model(text)
    assert d.directives.escape == "`"
    assert [(i.keyword, i.span.line, i.span.last) for i in d.instructions] == [("FROM", 2, 2), ("RUN", 3, 4), ("CMD", 5, 5)]


def test_escape_after_a_check_directive_still_joins_lines() -> None:
    # dockerfile-parse alone forgets the escape after `# check=`; BuildKit does not.
    text = "# check=skip=JSONArgsRecommended\n# escape=`\nFROM python:3.11.9-slim\nRUN pip install `\n    numpy `\n    pandas\nCMD python\n"
    d = model(text)
    assert d.directives.escape == "`" and d.directives.lines == 2
    assert [(i.keyword, i.span.line, i.span.last) for i in d.instructions] == [("FROM", 3, 3), ("RUN", 4, 6), ("CMD", 7, 7)]


def test_flags_across_continuations_with_blanks_after_the_escape() -> None:
    for escape in ("\\", "`"):
        head = "# escape=`\n" if escape == "`" else ""
        text = f"{head}FROM python:3.11.9-slim\nRUN --mount=type=cache,target=/root/.cache {escape}  \n    --network=none {escape}\n    pip install flask\n"
        run = model(text).instructions[1]
        assert [f.name for f in run.flags] == ["mount", "network"], escape
        assert run.args.split()[:2] == ["pip", "install"]


def test_linux_image_with_backtick_escape_is_not_windows() -> None:
    from portlint.lint_context import LintContext

    def context(text: str) -> LintContext:
        return LintContext(dockerfile=model(text), context_dir=None, platforms=("linux/amd64",))

    linux = context("# escape=`\nFROM python:3.11.9-slim\nRUN pip install `\n    numpy `\n    pandas\n")
    assert not linux.is_windows
    run = linux.dockerfile.instructions[1]
    assert [c.argv for c in linux.shell(run).commands] == [("pip", "install", "numpy", "pandas")]
    assert [line for _, line, _ in linux.install_commands] == [3]
    assert context("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n").is_windows
    assert context("# escape=`\nARG BASE\nFROM $BASE\nRUN dir\n").is_windows  # unknown image: stay careful
    assert not context("ARG BASE\nFROM $BASE\nRUN ls\n").is_windows


def test_directives_stop_at_first_other_line() -> None:
    assert parse_directives(["# syntax=docker/dockerfile:1", "# escape=`", "FROM x"]).escape == "`"
    assert parse_directives(["# a comment", "# escape=`"]).escape == "\\"
    assert parse_directives(["", "# escape=`"]).escape == "\\"


def test_comments_inside_continuations_do_not_end_the_instruction() -> None:
    d = model("FROM debian:12\nRUN apt-get update && \\\n# comment\n    apt-get install -y curl\nCMD [\"bash\"]\n")
    assert (d.instructions[1].span.line, d.instructions[1].span.last) == (2, 4)
    assert "apt-get install" in d.instructions[1].args


def test_blank_lines_inside_continuations_do_not_end_the_instruction() -> None:
    """BuildKit only warns about them; the instruction goes on (dockerfile-parse alone would stop)."""
    d = model("FROM debian:12\nRUN apt-get update \\\n\n   \n    && apt-get install -y curl\nCMD [\"bash\"]\n")
    assert [(i.keyword, i.span.line, i.span.last) for i in d.instructions] == [("FROM", 1, 1), ("RUN", 2, 5), ("CMD", 6, 6)]
    assert "apt-get install" in d.instructions[1].args


def test_crlf_and_trailing_space_after_backslash() -> None:
    d = model("FROM debian:12\r\nRUN echo a \\  \r\n    b\r\nCMD [\"x\"]\r\n")
    assert [(i.keyword, i.span.line, i.span.last) for i in d.instructions] == [("FROM", 1, 1), ("RUN", 2, 3), ("CMD", 4, 4)]


def test_heredoc_prepass_keeps_line_numbers() -> None:
    prepared = prepare(["FROM x", "RUN <<-EOF", "\techo", "\tEOF", "CMD y"])
    assert prepared.lines == ["FROM x", "RUN <<-EOF", "", "", "CMD y"]
    assert prepared.heredocs[2][0].body == "echo\n"


@pytest.mark.parametrize(
    ("text", "registry", "repo", "tag", "digest"),
    [
        ("python", None, "python", None, None),
        ("python:3.12-slim", None, "python", "3.12-slim", None),
        ("docker.io/library/python:3", None, "python", "3", None),
        ("localhost:5000/team/app:1.2", "localhost:5000", "team/app", "1.2", None),
        ("localhost:5000/team/app", "localhost:5000", "team/app", None, None),
        ("ghcr.io/org/img@sha256:" + "a" * 64, "ghcr.io", "org/img", None, "sha256:" + "a" * 64),
        ("nvcr.io/nvidia/pytorch:24.05-py3", "nvcr.io", "nvidia/pytorch", "24.05-py3", None),
        ("pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", None, "pytorch/pytorch", "2.3.1-cuda12.1-cudnn8-runtime", None),
    ],
)
def test_image_references(text, registry, repo, tag, digest) -> None:
    ref = parse_image(text)
    assert (ref.registry, ref.repo, ref.tag, ref.digest) == (registry, repo, tag, digest)


def test_variable_expansion_modifiers() -> None:
    scope = Scopes(model("ARG A=1\nARG EMPTY=\nFROM x:${A}\n")).global_scope
    assert expand("${A}-$A-${B:-d}-${A:+set}-${B:+no}", scope).value == "1-1-d-set-"
    result = expand("$B/${TARGETARCH}", scope)
    assert result.undefined == ("B",) and result.unknown == ("TARGETARCH",)
    assert [r.name for r in find_refs("\\$NOT $YES")] == ["YES"]


def test_scopes_global_stage_and_inherited_env_and_args() -> None:
    d = model(
        "ARG VERSION=1.0\nFROM python:3.12-slim AS base\nENV APP=/srv A=$VERSION\nARG VERSION\n"
        "LABEL v=$VERSION\nFROM base\nWORKDIR $APP\n"
    )
    scopes = Scopes(d)
    env_line, label, workdir = d.instructions[2], d.instructions[4], d.instructions[6]
    assert "VERSION" not in scopes.before(env_line)  # global ARGs are not visible in a stage
    assert scopes.expand(label, "$VERSION").value == "1.0"  # redeclared: gets the global default
    assert scopes.expand(workdir, "$APP").value == "/srv"  # ENV inherited through FROM base
    # a stage's ARGs pass to a stage built FROM it, as its ENV does (Docker's build-variables guide)
    assert scopes.expand(workdir, "$VERSION").value == "1.0"


def test_build_args_replace_arg_defaults_but_declare_nothing() -> None:
    d = model(
        "ARG BASE=python:3.11.9-slim\nARG UNUSED\nFROM $BASE\nARG SRC=src\nARG BARE\nENV MODE=prod\n"
        "ARG MODE\nARG TARGETARCH\nCOPY $SRC/ $DEST/\nFROM $BASE\nWORKDIR /$SRC\n"
    )
    build_args = {"BASE": "python:3.12.7-slim", "SRC": "services/api", "BARE": "x", "MODE": "dev",
                  "DEST": "/srv", "TARGETARCH": "s390x"}
    scopes = Scopes(d, build_args)
    copy, workdir = d.instructions[8], d.instructions[10]
    assert scopes.expand(d.stages[0].from_, "$BASE").value == "python:3.12.7-slim"
    assert scopes.expand(copy, "$SRC $BARE $MODE").value == "services/api x prod"  # ENV wins over ARG
    assert scopes.expand(copy, "$DEST").undefined == ("DEST",)  # a build arg without any ARG does nothing
    assert scopes.expand(workdir, "$SRC").undefined == ("SRC",)  # and a stage's ARG stays in its stage
    assert scopes.expand(copy, "$TARGETARCH").unknown == ("TARGETARCH",)  # --platform chooses it


def test_a_leading_variable_without_value_makes_the_text_unknown() -> None:
    scope = Scopes(model("ARG SET=examples\nARG EMPTY=\nARG BARE\nFROM x:1\n")).global_scope
    assert expand("$BARE/requirements.txt", scope).starts_unset
    assert expand("${EMPTY}/requirements.txt", scope).starts_unset
    assert expand("$NEVER_DECLARED/requirements.txt", scope).starts_unset
    assert not expand("$SET/requirements.txt", scope).starts_unset
    assert not expand("${BARE:-examples}/requirements.txt", scope).starts_unset
    assert not expand("/home/$BARE/model.pkl", scope).starts_unset  # absolute whatever the variable


def test_legacy_env_form() -> None:
    d = model("FROM python:3.12-slim\nENV APP_HOME /srv/app\nWORKDIR $APP_HOME\n")
    assert Scopes(d).expand(d.instructions[2], "$APP_HOME").value == "/srv/app"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02FROM", "binary"),
        (b"\xff\xfeF\x00R\x00", "UTF-16"),
        (b"FROM python:3.12\nLABEL a=\xe9\n", "not valid UTF-8"),
        (b"   \n# only a comment\n", "empty"),
        (b"RUN echo\n", "no FROM"),
    ],
)
def test_bad_bytes_are_input_errors(data: bytes, needle: str) -> None:
    with pytest.raises(InputError) as info:
        parse_dockerfile(decode(data), "Dockerfile")
    assert needle in str(info.value)


def test_bom_is_accepted() -> None:
    assert model("\ufeffFROM python:3.12-slim\n").stages[0].base == "python:3.12-slim"


def test_shell_form_words_lose_their_quotes_as_in_buildkit() -> None:
    from portlint.dockerfile.model import split_words

    assert split_words('"pyproject.toml" \'a b.txt\' ./') == ("pyproject.toml", "a b.txt", "./")
    assert split_words('  src/  "" /dst ') == ("src/", "", "/dst")
