from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portlint.dockerfile.shell import ShellScript, SimpleCommand, parse_shell


def argvs(script: ShellScript) -> list[tuple[str, ...]]:
    return [cmd.argv for cmd in script.commands]


def only(script: ShellScript, name: str) -> SimpleCommand:
    found = script.find(name)
    assert len(found) == 1, found
    return found[0]


# ---- realistic RUN chains -------------------------------------------------------------


def test_official_apt_chain_with_continuations_and_line_offsets() -> None:
    script = (
        "apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "        ca-certificates \\\n"
        "        curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*"
    )
    result = parse_shell(script)
    assert not result.degraded
    assert argvs(result) == [
        ("apt-get", "update"),
        ("apt-get", "install", "-y", "--no-install-recommends", "ca-certificates", "curl"),
        ("rm", "-rf", "/var/lib/apt/lists/*"),
    ]
    assert [cmd.line for cmd in result.commands] == [0, 1, 4]
    assert not any(cmd.nested or cmd.condition for cmd in result.commands)


def test_official_python_image_excerpt() -> None:
    script = (
        "set -eux; \\\n"
        "\tsavedAptMark=\"$(apt-mark showmanual)\"; \\\n"
        "\tapt-mark auto '.*' > /dev/null; \\\n"
        "\tfind /usr/local -type f -executable -not \\( -name '*tkinter*' \\) -exec ldd '{}' ';' \\\n"
        "\t\t| awk '/=>/ { so = $(NF-1); if (index(so, \"/usr/local/\") == 1) { next }; printf \"*%s\\n\", so }' \\\n"
        "\t\t| sort -u \\\n"
        "\t\t| xargs -r apt-mark manual \\\n"
        "\t; \\\n"
        "\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false"
    )
    result = parse_shell(script)
    assert not result.degraded
    assert [(c.argv, c.line, c.nested) for c in result.find("apt-mark")] == [
        (("apt-mark", "showmanual"), 1, True),
        (("apt-mark", "auto", ".*"), 2, False),
        (("xargs", "-r", "apt-mark", "manual"), 6, False),
    ]
    assert [c.name for c in result.commands] == ["set", "", "apt-mark", "apt-mark", "find", "awk", "sort", "xargs",
                                                 "apt-get"]
    assert result.commands[4].argv[-4:] == ("-exec", "ldd", "{}", ";")


def test_comment_lines_between_continuations_are_dropped() -> None:
    script = (
        "apt-get install -y \\\n"
        "    # the TLS roots\n"
        "    ca-certificates \\\n"
        "\\\n"
        "    #curl \\\n"
        "    wget && echo done"
    )
    result = parse_shell(script)
    assert argvs(result) == [("apt-get", "install", "-y", "ca-certificates", "wget"), ("echo", "done")]
    assert result.commands[1].line == 5


def test_crlf_continuations_with_trailing_blanks_after_backslash() -> None:
    script = "pip install \\ \t\r\n    numpy \\\r\n    pandas\r\necho ok\r\n"
    result = parse_shell(script)
    assert argvs(result) == [("pip", "install", "numpy", "pandas"), ("echo", "ok")]
    assert [cmd.line for cmd in result.commands] == [0, 3]
    assert not result.degraded


def test_escaped_backslash_at_line_end_is_not_a_continuation() -> None:
    result = parse_shell("echo a\\\\\necho b")
    assert argvs(result) == [("echo", "a\\"), ("echo", "b")]


def test_backtick_escape_joins_lines_and_keeps_backslashes() -> None:
    # The text of a RUN in a Dockerfile with `# escape=` set to a backtick: BuildKit joins
    # the backtick-continued lines; a backslash is an ordinary character for that join.
    script = "pip install --no-cache-dir `\n    numpy==1.26.4 `  \n    # pinned below\n    pandas\n"
    result = parse_shell(script, "`")
    assert argvs(result) == [("pip", "install", "--no-cache-dir", "numpy==1.26.4", "pandas")]
    assert result.commands[0].line == 0 and not result.degraded
    result = parse_shell("echo C:\\\\data `\n && ls", "`")
    assert argvs(result) == [("echo", "C:\\data"), ("ls",)]


def test_backslash_at_the_end_does_not_continue_under_a_backtick_escape() -> None:
    # Only the backtick joins lines: the backslash that ends the text is the shell's.
    result = parse_shell("pip install flask==3.0.3 `\n && echo done \\", "`")
    assert argvs(result) == [("pip", "install", "flask==3.0.3"), ("echo", "done", "\\")]
    assert [cmd.line for cmd in result.commands] == [0, 1]
    # an escaped escape character does not continue the line either (BuildKit's rule)
    assert argvs(parse_shell("echo a ``\necho b", "`")) == [("echo", "a", "``"), ("echo", "b")]


def test_set_eux_prefix_and_separators() -> None:
    result = parse_shell("set -eux; pip install x & wait; true || false")
    assert argvs(result) == [("set", "-eux"), ("pip", "install", "x"), ("wait",), ("true",), ("false",)]


def test_heredoc_like_multiline_script_lines() -> None:
    script = "#!/bin/bash\nset -e\n\n# install\npip install torch\n  conda install -y numpy  # pinned later\n"
    result = parse_shell(script)
    assert argvs(result) == [("set", "-e"), ("pip", "install", "torch"), ("conda", "install", "-y", "numpy")]
    assert [cmd.line for cmd in result.commands] == [1, 4, 5]
    assert result.commands[2].text == "conda install -y numpy"


def test_pipe_curl_into_tar() -> None:
    result = parse_shell("curl -fsSL https://example.com/x.tgz | tar -xz -C /opt")
    assert argvs(result) == [("curl", "-fsSL", "https://example.com/x.tgz"), ("tar", "-xz", "-C", "/opt")]


def test_python_dash_m_pip_is_plain_argv() -> None:
    result = parse_shell("python -m pip install --no-cache-dir x")
    assert argvs(result) == [("python", "-m", "pip", "install", "--no-cache-dir", "x")]
    assert result.find("pip") == []
    assert only(result, "python").name == "python"


# ---- quoting and words ------------------------------------------------------------------


def test_quote_removal_keeps_raw_words() -> None:
    cmd = parse_shell("pip install \"numpy==1.26.4\" 'pandas>=2' torch").commands[0]
    assert cmd.argv == ("pip", "install", "numpy==1.26.4", "pandas>=2", "torch")
    assert cmd.raw_words == ("pip", "install", '"numpy==1.26.4"', "'pandas>=2'", "torch")


def test_quoted_spaces_and_escaped_quotes() -> None:
    cmd = parse_shell('echo "a b" it\\\'s "say \\"hi\\"" a\\ b').commands[0]
    assert cmd.argv == ("echo", "a b", "it's", 'say "hi"', "a b")


def test_ansi_c_quotes() -> None:
    assert parse_shell("printf $'a\\tb\\'c'").commands[0].argv == ("printf", "a\tb'c")


def test_variables_and_arithmetic_stay_literal() -> None:
    result = parse_shell('echo ${VAR:-x} "$HOME/bin" $((1 + 2)) ${#A}')
    assert argvs(result) == [("echo", "${VAR:-x}", "$HOME/bin", "$((1 + 2))", "${#A}")]


def test_hash_inside_a_word_is_not_a_comment() -> None:
    result = parse_shell("echo a#b '#c' # gone\necho next")
    assert argvs(result) == [("echo", "a#b", "#c"), ("echo", "next")]


def test_redirections_are_not_words() -> None:
    script = "make > /dev/null 2>&1; cat <file >>out; cmd &> log; grep x <<< \"$v\"; exec 3<> f; a 2>/dev/null"
    assert argvs(parse_shell(script)) == [("make",), ("cat",), ("cmd",), ("grep", "x"), ("exec",), ("a",)]


def test_heredoc_body_is_skipped() -> None:
    script = "cat <<-'EOF' > /etc/x.conf\n\tpip install not-a-command\n\tEOF\npip install real\n"
    result = parse_shell(script)
    assert argvs(result) == [("cat",), ("pip", "install", "real")]
    assert result.commands[1].line == 3


# ---- assignments -------------------------------------------------------------------------


def test_leading_assignments() -> None:
    cmd = parse_shell('DEBIAN_FRONTEND=noninteractive PATH="/opt/x:$PATH" apt-get install -y x A=1').commands[0]
    assert cmd.assignments == (("DEBIAN_FRONTEND", "noninteractive"), ("PATH", "/opt/x:$PATH"))
    assert cmd.argv == ("apt-get", "install", "-y", "x", "A=1")


def test_bare_assignment_with_command_substitution() -> None:
    result = parse_shell("ARCH=$(dpkg --print-architecture)")
    outer, inner = result.commands
    assert outer.argv == () and outer.assignments == (("ARCH", "$(dpkg --print-architecture)"),)
    assert outer.name == "" and not outer.nested
    assert inner.argv == ("dpkg", "--print-architecture") and inner.nested


# ---- substitutions -----------------------------------------------------------------------


def test_nested_command_substitution_in_source_order() -> None:
    result = parse_shell('pip install "x==$(cat "$(dirname "$0")/VERSION")" && echo ok')
    assert argvs(result) == [
        ("pip", "install", 'x==$(cat "$(dirname "$0")/VERSION")'),
        ("cat", "$(dirname \"$0\")/VERSION"),
        ("dirname", "$0"),
        ("echo", "ok"),
    ]
    assert [cmd.nested for cmd in result.commands] == [False, True, True, False]


def test_backticks_and_process_substitution() -> None:
    result = parse_shell("echo `uname -m`; diff <(pip freeze) req.txt")
    assert argvs(result) == [("echo", "`uname -m`"), ("uname", "-m"), ("diff", "<(pip freeze)", "req.txt"),
                             ("pip", "freeze")]
    assert [cmd.nested for cmd in result.commands] == [False, True, False, True]


def test_case_inside_substitution_and_process_substitution_redirect() -> None:
    result = parse_shell('A="$(case $x in a) echo 1;; esac)"; while read -r l; do echo "$l"; done < <(curl -s u)')
    assert [(c.argv, c.nested, c.condition, c.branch) for c in result.commands] == [
        ((), False, None, None),
        (("echo", "1"), True, "$x", "a"),
        (("read", "-r", "l"), False, None, None),
        (("echo", "$l"), False, "read -r l", "while"),
        (("curl", "-s", "u"), True, None, None),
    ]


def test_substitution_inside_parameter_default() -> None:
    result = parse_shell('U="${USER_ID:-$(id -u)}"')
    assert argvs(result) == [(), ("id", "-u")]


# ---- sh -c ------------------------------------------------------------------------------------


def test_sh_c_inner_commands_are_nested() -> None:
    result = parse_shell("sh -c 'apt-get update && apt-get install -y curl'")
    assert argvs(result) == [
        ("sh", "-c", "apt-get update && apt-get install -y curl"),
        ("apt-get", "update"),
        ("apt-get", "install", "-y", "curl"),
    ]
    assert [cmd.nested for cmd in result.commands] == [False, True, True]


@pytest.mark.parametrize(
    "prefix",
    ["bash -c", "bash -lc", "bash -ec", "/bin/sh -c", "bash -o pipefail -c", "sudo -E sh -c", "su -c"],
)
def test_shell_wrappers_with_inline_scripts(prefix: str) -> None:
    result = parse_shell(f'{prefix} "pip install x; conda install -y y"')
    assert [cmd.argv for cmd in result.commands if cmd.nested] == [("pip", "install", "x"),
                                                                   ("conda", "install", "-y", "y")]


def test_sh_without_c_runs_no_inline_script() -> None:
    result = parse_shell("bash /tmp/install.sh 'pip install x'")
    assert argvs(result) == [("bash", "/tmp/install.sh", "pip install x")]


def test_sh_c_substitution_in_double_quotes_is_not_duplicated() -> None:
    result = parse_shell('sh -c "echo $(uname -m)"')
    # the outer shell runs uname; the inner one only sees its output
    assert [(cmd.name, cmd.nested) for cmd in result.commands] == [("sh", False), ("echo", True), ("uname", True)]


def test_sh_c_multiline_script_line_offsets() -> None:
    result = parse_shell("true && \\\n  bash -c '\n  set -e\n  pip install x\n'")
    assert only(result, "pip").line == 3
    assert only(result, "bash").line == 1


def test_broken_sh_c_string_degrades_only_that_string() -> None:
    result = parse_shell("""if true; then sh -c 'echo "oops'; fi""")
    assert result.degraded
    assert only(result, "sh").condition == "true"
    assert only(result, "echo").argv == ("echo", "oops") and only(result, "echo").nested


# ---- control structures ------------------------------------------------------------------------


def test_case_architecture_selection_sets_condition() -> None:
    script = (
        'set -eux; \\\n'
        'case "$(dpkg --print-architecture)" in \\\n'
        '    amd64) ARCH=x86_64; URL=https://a ;; \\\n'
        '    arm64|aarch64) ARCH=aarch64 ;; \\\n'
        '    *) echo >&2 "unsupported"; exit 1 ;; \\\n'
        'esac; \\\n'
        'curl -fsSL "$URL" -o /tmp/x'
    )
    result = parse_shell(script)
    assert not result.degraded
    assert [(c.argv, c.assignments) for c in result.commands] == [
        (("set", "-eux"), ()),
        (("dpkg", "--print-architecture"), ()),
        ((), (("ARCH", "x86_64"),)),
        ((), (("URL", "https://a"),)),
        ((), (("ARCH", "aarch64"),)),
        (("echo", "unsupported"), ()),
        (("exit", "1"), ()),
        (("curl", "-fsSL", "$URL", "-o", "/tmp/x"), ()),
    ]
    subject = '"$(dpkg --print-architecture)"'
    assert [c.condition for c in result.commands] == [None, None, subject, subject, subject, subject, subject, None]
    assert [c.branch for c in result.commands[2:7]] == ["amd64", "amd64", "arm64|aarch64", "*", "*"]
    assert result.commands[1].nested
    assert [c.line for c in result.commands] == [0, 1, 2, 2, 3, 4, 4, 6]


def test_if_elif_else_conditions() -> None:
    script = (
        'if [ "$TARGETARCH" = arm64 ]; then\n'
        "  pip install a\n"
        "elif command -v nvidia-smi >/dev/null; then\n"
        "  pip install b\n"
        "else\n"
        "  pip install c\n"
        "fi"
    )
    result = parse_shell(script)
    assert [(c.argv[-1], c.condition, c.branch) for c in result.find("pip")] == [
        ("a", '[ "$TARGETARCH" = arm64 ]', "then"),
        ("b", "command -v nvidia-smi >/dev/null", "then"),
        ("c", '[ "$TARGETARCH" = arm64 ]; command -v nvidia-smi >/dev/null', "else"),
    ]
    assert only(result, "[").condition is None
    assert [c.line for c in result.find("pip")] == [1, 3, 5]


def test_test_and_chain_sets_condition() -> None:
    result = parse_shell('[ "$TARGETARCH" = "arm64" ] && pip install a || pip install b; pip install c')
    assert [(c.argv[-1], c.condition, c.branch) for c in result.find("pip")] == [
        ("a", '[ "$TARGETARCH" = "arm64" ]', "&&"),
        ("b", '[ "$TARGETARCH" = "arm64" ]', "||"),
        ("c", None, None),
    ]


def test_double_bracket_operators_do_not_split() -> None:
    result = parse_shell('[[ "$A" == arm* && -n "$B" ]] && echo yes')
    assert argvs(result) == [("[[", "$A", "==", "arm*", "&&", "-n", "$B", "]]"), ("echo", "yes")]
    assert result.commands[1].condition == '[[ "$A" == arm* && -n "$B" ]]'


def test_for_loop_with_substitution_in_word_list() -> None:
    result = parse_shell("for f in $(ls /whl/*.whl) a.whl; do pip install \"$f\"; done")
    assert argvs(result) == [("ls", "/whl/*.whl"), ("pip", "install", "$f")]
    assert result.commands[1].condition is None


def test_while_and_until_loops() -> None:
    result = parse_shell("while ! curl -fs http://x; do sleep 1; done; until false; do break; done")
    assert argvs(result) == [("curl", "-fs", "http://x"), ("sleep", "1"), ("false",), ("break",)]
    assert (result.commands[1].condition, result.commands[1].branch) == ("! curl -fs http://x", "while")
    assert (result.commands[3].condition, result.commands[3].branch) == ("false", "until")


def test_subshells_groups_functions_and_arithmetic() -> None:
    script = "(cd /src && make) ; { echo a; echo b; } > log; f() { pip install x; }; (( i++ )); for ((i=0; i<2; i++)); do g; done"
    result = parse_shell(script)
    assert argvs(result) == [("cd", "/src"), ("make",), ("echo", "a"), ("echo", "b"), ("pip", "install", "x"), ("g",)]
    assert not result.degraded


def test_keywords_only_at_command_position() -> None:
    assert argvs(parse_shell("echo if then fi done; 'if' x")) == [("echo", "if", "then", "fi", "done"), ("if", "x")]


# ---- wrappers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "argv"),
    [
        ("sudo -E pip install x", ("pip", "install", "x")),
        ("sudo -u app -H /usr/bin/pip3 install x", ("/usr/bin/pip3", "install", "x")),
        ("env -i PATH=/bin A=1 pip install x", ("pip", "install", "x")),
        ("sudo env FOO=1 nohup nice -n 10 pip install x", ("pip", "install", "x")),
        ("exec time -p stdbuf -oL eatmydata pip install x", ("pip", "install", "x")),
        ("timeout -s KILL 300 command pip install x", ("pip", "install", "x")),
        ("xargs -r -n1 pip install", ("pip", "install")),
        ("gosu app pip install x", ("pip", "install", "x")),
    ],
)
def test_effective_unwraps_wrappers(script: str, argv: tuple[str, ...]) -> None:
    cmd = parse_shell(script).commands[0]
    assert cmd.effective().argv == argv
    assert len(cmd.effective().raw_words) == len(argv)


def test_effective_collects_env_assignments_and_keeps_metadata() -> None:
    cmd = parse_shell("if x; then A=0 env B=1 -u C pip install y; fi").commands[1]
    eff = cmd.effective()
    assert eff.assignments == (("A", "0"), ("B", "1"))
    assert (eff.line, eff.condition, eff.name) == (cmd.line, "x", "pip")


def test_effective_leaves_lookups_and_plain_commands_alone() -> None:
    lookup, wrapper_only, plain = parse_shell("command -v pip; sudo -i; pip install x").commands
    assert lookup.effective() is lookup
    assert wrapper_only.effective() is wrapper_only
    assert plain.effective() is plain


def test_name_and_find() -> None:
    result = parse_shell("/usr/bin/pip3 install a && sudo -E pip install b && pip3 list")
    assert result.commands[0].name == "pip3"
    assert [c.argv[-1] for c in result.find("pip", "pip3")] == ["a", "b", "list"]
    assert result.find("conda") == []


# ---- fallback ------------------------------------------------------------------------------------


def test_unterminated_quote_falls_back_to_token_view() -> None:
    result = parse_shell("apt-get update && pip install 'numpy && echo done")
    assert result.degraded
    assert argvs(result) == [("apt-get", "update"), ("pip", "install", "numpy"), ("echo", "done")]


def test_unbalanced_parentheses_fall_back() -> None:
    result = parse_shell("A=$(uname -m && \\\n  pip install x 2>&1 >/dev/null")
    assert result.degraded
    assert [(c.argv, c.assignments, c.line) for c in result.commands] == [
        ((), (("A", ""),), 0),
        (("uname", "-m"), (), 0),
        (("pip", "install", "x"), (), 1),
    ]


def test_fallback_drops_keywords_and_case_patterns() -> None:
    result = parse_shell("if true; then case $a in amd64) pip install x ;; esac; fi )")
    assert result.degraded
    assert argvs(result) == [("true",), ("pip", "install", "x")]


def test_excessive_nesting_degrades_without_raising() -> None:
    deep = "echo " + "$(echo " * 200 + "x" + ")" * 200
    result = parse_shell(deep)
    assert result.degraded
    assert result.commands[0].argv[0] == "echo"
    shallow = "echo " + "$(echo " * 20 + "x" + ")" * 20
    assert not parse_shell(shallow).degraded and len(parse_shell(shallow).commands) == 21


@pytest.mark.parametrize("text", ["$(" * 20000, "((" * 20000, "`" * 20001, '"$(' * 10000, "a && b | c; " * 5000])
def test_pathological_inputs_stay_fast(text: str) -> None:
    started = time.perf_counter()
    parse_shell(text)
    assert time.perf_counter() - started < 5


def test_empty_and_blank_scripts() -> None:
    assert parse_shell("") == ShellScript((), False)
    assert parse_shell(" \\\n\t# only a comment\n") == ShellScript((), False)


# ---- properties ----------------------------------------------------------------------------------

SHELLISH = st.lists(
    st.sampled_from(list("ab $(){}[];&|<>'\"`\\\n\r\t#=-*!") + ["if ", "then ", "fi", "case ", " in ", "esac",
                                                                ";;", "sh -c ", "$'", "<<E\n", "E\n", "[[ "]),
    max_size=60,
).map("".join)


def check_invariants(script: str) -> None:
    result = parse_shell(script)
    assert isinstance(result, ShellScript)
    last_line = script.count("\n")
    for cmd in result.commands:
        assert len(cmd.argv) == len(cmd.raw_words)
        assert 0 <= cmd.line <= last_line
        assert cmd.argv or cmd.assignments
        cmd.effective()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(script: str) -> None:
    check_invariants(script)


@settings(max_examples=200, deadline=None)
@given(SHELLISH)
def test_never_raises_on_shellish_text(script: str) -> None:
    check_invariants(script)


def test_a_file_fed_to_xargs_pip_install_is_a_requirements_file() -> None:
    scripts = {
        "grep -v '^torch' requirements.txt | xargs .venv/bin/pip3 install -f /download": "requirements.txt",
        "cat reqs.txt | sed 's/x/y/' | xargs -n 1 python -m pip install": "reqs.txt",
        "xargs -a reqs.txt pip install": "reqs.txt",
        "xargs pip install < reqs.txt": "reqs.txt",
    }
    for script, source in scripts.items():
        assert parse_shell(script).find("pip", "pip3", "python")[-1].effective().argv[-2:] == ("-r", source)
    for script in ("cat a.txt b.txt | xargs pip install", "echo numpy | xargs pip install",
                   "xargs apt-get install -y < apt.txt", "cat reqs.txt | pip install numpy"):
        assert "-r" not in parse_shell(script).commands[-1].effective().argv
