"""A "which commands does this RUN run" view of a RUN instruction's shell text.

Rules ask questions like "is there a ``pip install`` here" without caring how the
commands are chained, quoted, nested in ``$( … )`` or wrapped in ``sh -c``.  This module
parses as much POSIX/bash syntax as Dockerfile scripts use: lists, pipelines, subshells,
groups, if/for/while/until/case, functions, redirections, heredocs and every quoting
form.  Nothing is expanded: ``$VAR`` and ``$( … )`` stay literal in ``argv``.

The parser is a single left-to-right pass (no regular expressions, no backtracking) with
nesting capped at ``_MAX_DEPTH``.  Anything it cannot handle (unterminated quotes,
unbalanced parentheses, runaway nesting) falls back to a conservative token view and sets
``ShellScript.degraded``; ``parse_shell`` never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

_MAX_DEPTH = 50  # deeper nesting is not a real Dockerfile; stop before Python's stack does
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_TERMINATORS = frozenset({"then", "elif", "else", "fi", "do", "done", "esac", "}"})
_TESTS = frozenset({"[", "[[", "test"})
_COMPOUND = {"if": "_parse_if", "while": "_parse_while", "until": "_parse_while", "for": "_parse_for",
             "select": "_parse_for", "case": "_parse_case", "{": "_parse_group", "function": "_parse_function"}
_CASE_ENDS = (";;", ";&", ";;&")
# Longest first, so "&&" wins over "&" and "<<<" over "<<".
_OPERATORS = ("&&", "||", ";;&", ";;", ";&", "|&", "&>>", "&>", "<<<", "<<-", "<<", "<>", "<&",
              ">>", ">&", ">|", "&", "|", ";", "(", ")", "<", ">")
_REDIRS = frozenset({"&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">&", ">|", "<", ">"})
_META = frozenset("|&;()<> \t\r\n")
_BLANKS = " \t\r"  # a stray CR (CRLF file) is just a blank to the shell view
_ANSI_C = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "e": "\x1b", "0": "\0",
           "\\": "\\", "'": "'", '"': '"'}

# Wrappers that run another command: name -> (short options that take a value, operands
# before the command, as in `timeout 10 cmd` or `gosu user cmd`).
_WRAPPERS: dict[str, tuple[str, int]] = {
    "sudo": ("ugCDprtUT", 0), "env": ("uCS", 0), "exec": ("a", 0), "time": ("fo", 0), "nohup": ("", 0),
    "command": ("", 0), "nice": ("n", 0), "stdbuf": ("ioe", 0), "eatmydata": ("", 0),
    "xargs": ("ILnPsdEa", 0), "timeout": ("sk", 1), "gosu": ("", 1), "su-exec": ("", 1),
}
# Environment managers that run a command in their environment (`conda run -n env pip install …`,
# `uv run --no-sync uvicorn …`), and their options that take a separate value.
RUNNERS = frozenset({"uv", "poetry", "pipenv", "pdm", "conda", "mamba", "micromamba", "hatch", "rye"})
RUNNER_VALUES = frozenset({"-n", "--name", "-p", "--prefix", "--with", "--with-editable", "--with-requirements",
                           "--python", "--project", "--directory", "--env-file", "--package", "--group",
                           "--only-group", "--extra", "--cwd", "--env", "-e", "-r", "--root-prefix", "--index",
                           "--default-index", "--index-url", "--extra-index-url", "-i", "-f", "--find-links"})
# Long options of those wrappers that take a separate value (`--user=x` carries its own).
_LONG_VALUES = frozenset({"--user", "--group", "--chdir", "--prompt", "--role", "--type", "--other-user",
                          "--close-from", "--command-timeout", "--unset", "--split-string", "--format",
                          "--output", "--adjustment", "--input", "--error", "--max-args", "--max-procs",
                          "--max-chars", "--delimiter", "--arg-file", "--eof", "--max-lines", "--signal",
                          "--kill-after"})


def positional_words(words, value_options: frozenset[str]) -> list[str]:
    """A command's operands: its words less options and the values of ``value_options``
    (``git clone -b main URL DIR`` -> [URL, DIR])."""
    found, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in value_options:
            skip = True
        elif not word.startswith("-"):
            found.append(word)
    return found


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


# Commands that print a file given as an operand (or pass their standard input on):
# name -> (options that take a value, how many leading operands are not files).
_FILE_READERS: dict[str, tuple[frozenset[str], int]] = {
    "cat": (frozenset(), 0), "sort": (frozenset({"-k", "-t", "-o"}), 0), "uniq": (frozenset(), 0),
    "head": (frozenset({"-n", "-c"}), 0), "tail": (frozenset({"-n", "-c"}), 0), "tr": (frozenset(), 2),
    "cut": (frozenset({"-d", "-f", "-c", "-b"}), 0), "grep": (frozenset({"-e", "-f", "-m", "-A", "-B", "-C"}), 1),
    "egrep": (frozenset({"-e", "-f", "-m"}), 1), "sed": (frozenset({"-e", "-f"}), 1), "awk": (frozenset({"-F", "-v", "-f"}), 1),
}


def _reads(cmd: SimpleCommand, upstream: str | None) -> str | None:
    """The file ``cmd`` writes to its standard output, when it only filters one file."""
    name = cmd.name
    if name not in _FILE_READERS:
        return None
    value_options, leading = _FILE_READERS[name]
    operands = positional_words(cmd.argv[1:], value_options)
    if leading and any(w in ("-e", "-f") for w in cmd.argv[1:]):
        leading = 0  # `grep -e PATTERN FILE`, `sed -e SCRIPT FILE`: the script is an option's value
    files = operands[leading:]
    if not files:
        return upstream or cmd.stdin
    return files[0] if len(files) == 1 else None


def _xargs_input(argv: tuple[str, ...]) -> str | None:
    """The file of ``xargs -a FILE`` / ``--arg-file=FILE``."""
    for i, word in enumerate(argv):
        if word in ("-a", "--arg-file") and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--arg-file="):
            return word.split("=", 1)[1]
    return None


def _is_pip_install(argv: tuple[str, ...]) -> bool:
    words = [_basename(w) for w in argv[:4]]
    if not words:
        return False
    if words[0].startswith("pip") and words[0][3:].replace(".", "").isdigit() or words[0] == "pip":
        return "install" in words[1:2]
    if words[0].startswith("python") and words[1:3] == ["-m", "pip"]:
        return words[3:4] == ["install"]
    return words[0] == "uv" and words[1:3] == ["pip", "install"]


def _split_assignment(raw: str, value: str) -> tuple[str, str] | None:
    """``NAME=value`` (or ``NAME+=value``) with an unquoted, valid NAME."""
    eq = raw.find("=")
    name = raw[:eq].removesuffix("+") if eq > 0 else ""
    if not (name.isascii() and name.isidentifier()):
        return None
    return name, value[eq + 1:]  # NAME= holds no quotes, so raw and value share the prefix


def runner_command_start(argv: tuple[str, ...]) -> int | None:
    """Where the command that ``conda run -n env …``, ``uv run --with x …`` or ``poetry run …`` runs starts."""
    if _basename(argv[0]) not in RUNNERS or argv[1:2] != ("run",):
        return None
    i = 2
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in RUNNER_VALUES else 1
    return i if i < len(argv) else None


def _unwrap(argv: tuple[str, ...]) -> tuple[int, list[tuple[str, str]]] | None:
    """Where the command wrapped by ``argv[0]`` (sudo, env, nice, conda run, …) starts, and env's NAME=val."""
    name = _basename(argv[0])
    if name not in _WRAPPERS:
        start = runner_command_start(argv)
        return None if start is None else (start, [])
    short_values, operands = _WRAPPERS[name]
    assigns: list[tuple[str, str]] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            i += 1
            break
        if arg.startswith("--"):
            i += 2 if arg in _LONG_VALUES else 1
        elif arg.startswith("-") and len(arg) > 1:
            if name == "command" and ("v" in arg or "V" in arg):
                return None  # `command -v pip` only looks pip up
            letters = arg[1:]
            for k, letter in enumerate(letters):
                if letter in short_values:
                    i += k == len(letters) - 1  # `-u user`, but `-oL` carries its value
                    break
            i += 1
        elif name == "env" and arg == "-":
            i += 1
        elif name in ("env", "sudo") and (pair := _split_assignment(arg, arg)):
            assigns.append(pair)
            i += 1
        else:
            break
    i += operands
    return (i, assigns) if i < len(argv) else None


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One simple command of a RUN script, as the shell would run it."""

    argv: tuple[str, ...]  # words after quote removal; $VAR, ${VAR}, $(…) kept literally
    raw_words: tuple[str, ...]  # the same words as written, quotes kept
    assignments: tuple[tuple[str, str], ...]  # leading NAME=value words
    line: int  # 0-based line in the original script text of the command's first word
    text: str  # the command's source text (continuations joined)
    nested: bool = False  # inside $(…), backticks, <(…) or an `sh -c` string
    condition: str | None = None  # governing if/elif/while/until condition, case subject or `[ … ] &&` test
    branch: str | None = None  # "then"/"else", "while"/"until", a case pattern like "arm64|aarch64", "&&"/"||"
    word_lines: tuple[int, ...] = ()  # 0-based line of each argv word (a package on a continuation line)
    stdin: str | None = None  # the file whose lines reach standard input: `< F`, or `cat F |` / `grep -v x F |` before it

    def word_line(self, index: int) -> int:
        """The line of ``argv[index]``; the command's own line when it is not known."""
        return self.word_lines[index] if 0 <= index < len(self.word_lines) else self.line

    @property
    def name(self) -> str:
        return _basename(self.argv[0]) if self.argv else ""

    def effective(self) -> SimpleCommand:
        """The command with wrappers (sudo -E, env A=1, nice, xargs, timeout 5, …) peeled off."""
        cmd = self
        while cmd.argv:
            found = _unwrap(cmd.argv)
            if found is None:
                break
            start, assigns = found  # start >= 1, so argv shrinks and the loop ends
            wrapper = cmd
            cmd = replace(cmd, argv=cmd.argv[start:], raw_words=cmd.raw_words[start:],
                          word_lines=cmd.word_lines[start:], assignments=cmd.assignments + tuple(assigns))
            source = (_xargs_input(wrapper.argv[:start]) or wrapper.stdin) if wrapper.name == "xargs" else None
            if source and _is_pip_install(cmd.argv):
                # `cat requirements.txt | xargs pip install`: pip gets the file's lines as arguments
                cmd = replace(cmd, argv=cmd.argv + ("-r", source), raw_words=cmd.raw_words + ("-r", source),
                              word_lines=cmd.word_lines + (cmd.line, cmd.line))
        return cmd


@dataclass(frozen=True)
class ShellScript:
    """The simple commands a RUN script runs, nested ones included."""

    commands: tuple[SimpleCommand, ...]  # every simple command in source order, nested ones included
    degraded: bool  # some or all of the text only got the fallback token view

    def find(self, *names: str) -> list[SimpleCommand]:
        """Commands whose effective name (wrappers removed) is one of ``names``."""
        return [cmd for cmd in self.commands if cmd.effective().name in names]


def parse_shell(script: str, escape: str = "\\") -> ShellScript:
    """Parse a RUN script; never raises.

    ``escape`` is the character that continues a line: a Dockerfile's escape directive
    for the text of a RUN instruction (BuildKit joins those lines before any shell sees
    them, so under a backtick escape a trailing backslash is just a character), and the
    shell's backslash for a heredoc body or a script file.
    """
    text = script if isinstance(script, str) else ""
    try:
        parser = _Parser(text, 0, False, (None, None), escape)
        return ShellScript(tuple(cmd for _, cmd, _ in parser.parse()), parser.degraded)
    except Exception:  # _ParseError, RecursionError, or a parser bug: linting must go on
        pass
    return ShellScript(tuple(_fallback(text, escape)), True)


def _continues(body: str, escape: str) -> bool:
    """BuildKit's rule: the line ends with the escape character (blanks after it allowed)
    that is not itself escaped; a line holding only the escape character continues too."""
    return body.endswith(escape) and (len(body) == 1 or body[-2] != escape)


def _join_lines(script: str, escape: str = "\\") -> tuple[str, list[int]]:
    """Join continuation lines; return the text and each char's original line.

    As in a Dockerfile, blank and comment lines inside a continued line are dropped, the
    escape character may be followed by blanks, and CRLF endings count as LF.
    """
    out: list[str] = []
    line_of: list[int] = []
    lines = script.split("\n")
    continuing = False
    for index, line in enumerate(lines):
        line = line.removesuffix("\r")
        stripped = line.lstrip(" \t")
        if continuing and (not stripped or stripped.startswith("#")):
            continue
        body = line.rstrip(" \t")
        continuing = _continues(body, escape)
        body = body[:-1] if continuing else line
        if not continuing and index < len(lines) - 1:
            body += "\n"
        out.append(body)
        line_of.extend([index] * len(body))
    return "".join(out), line_of


class _ParseError(Exception):
    pass


class _Tok(NamedTuple):
    kind: str  # word, op, redir, nl, eof
    raw: str  # as written
    start: int
    end: int
    value: str = ""  # words: after quote removal
    quoted: bool = False  # words: any quoting or escaping (so `"if"` is no keyword)


class _Parser:
    """Recursive descent over tokens lexed on demand; ``$( … )`` re-enters the parser."""

    def __init__(self, script: str, depth: int, nested: bool, cond: tuple[str | None, str | None],
                 escape: str = "\\") -> None:
        self.s, self._line_of = _join_lines(script, escape)
        self._max_line = script.count("\n")
        self._depth = depth
        self._base_nested = nested
        self._subst = 0  # how many $( … ) we are inside
        self._cond = cond
        self.pos = 0
        self._tok: _Tok | None = None
        self._heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs) awaiting the newline
        # (sort key, command, found in a substitution of this text)
        self.out: list[tuple[tuple[int, ...], SimpleCommand, bool]] = []
        self.degraded = False

    def parse(self) -> list[tuple[tuple[int, ...], SimpleCommand, bool]]:
        self._parse_list()
        if self._peek().kind != "eof":
            raise _ParseError(f"unexpected {self._peek().raw!r}")
        # Substitutions are parsed while their word is lexed, before the command that holds
        # them is emitted; sorting by start offset restores source order.
        self.out.sort(key=lambda entry: entry[0])
        return self.out

    def _line(self, pos: int) -> int:
        return self._line_of[pos] if pos < len(self._line_of) else self._max_line

    # ---- lexer -------------------------------------------------------------------------
    def _peek(self) -> _Tok:
        if self._tok is None:
            self._tok = self._lex(self.pos)
        return self._tok

    def _take(self) -> _Tok:
        tok = self._peek()
        self._tok, self.pos = None, tok.end
        return tok

    def _lex(self, i: int) -> _Tok:
        s, n = self.s, len(self.s)
        while i < n and (s[i] in _BLANKS or s[i] == "#"):
            if s[i] == "#":  # only reached at a word start: a comment up to the newline
                end = s.find("\n", i)
                i = n if end < 0 else end
            else:
                i += 1
        if i >= n:
            return _Tok("eof", "", n, n)
        c = s[i]
        if c == "\n":
            return _Tok("nl", c, i, self._skip_heredocs(i + 1))
        if c in "<>" and s.startswith("(", i + 1):
            return self._word(i)  # process substitution <( … )
        if s.startswith("((", i) and (end := self._arith_end(i)) > 0:
            return _Tok("word", s[i:end], i, end, s[i:end])  # (( arithmetic )) runs nothing
        j = i
        while j < n and s[j] in "0123456789":
            j += 1
        if i < j < n and s[j] in "<>" and not s.startswith("(", j + 1):  # 2>&1: fd number
            op = self._op_at(j)
            return _Tok("redir", s[i:j + len(op)], i, j + len(op))
        if c in "|&;()<>":
            op = self._op_at(i)
            return _Tok("redir" if op in _REDIRS else "op", op, i, i + len(op))
        return self._word(i)

    def _op_at(self, i: int) -> str:
        return next(op for op in _OPERATORS if self.s.startswith(op, i))

    def _word(self, start: int) -> _Tok:
        s, n = self.s, len(self.s)
        value: list[str] = []
        quoted = False
        i = start
        if s[i] in "<>":
            i = self._substitute(i + 2)
            value.append(s[start:i])
        while i < n and s[i] not in _META:
            c = s[i]
            if c == "\\":
                value.append(s[i + 1:i + 2] or "\\")
                i, quoted = min(i + 2, n), True
            elif c == "'":
                end = s.find("'", i + 1)
                if end < 0:
                    raise _ParseError("unterminated single quote")
                value.append(s[i + 1:end])
                i, quoted = end + 1, True
            elif c == '"':
                i, quoted = self._dquote(i + 1, value), True
            elif c == "`":
                i = self._backtick(i, value)
            elif c == "$":
                quoted = quoted or s.startswith(("'", '"'), i + 1)
                i = self._dollar(i, value, False)
            else:
                value.append(c)
                i += 1
        return _Tok("word", s[start:i], start, i, "".join(value), quoted)

    def _dquote(self, i: int, value: list[str]) -> int:
        s, n = self.s, len(self.s)
        while i < n:
            c = s[i]
            if c == '"':
                return i + 1
            if c == "\\" and i + 1 < n:
                # inside "…" a backslash only escapes $ ` " \ (POSIX)
                value.append(s[i + 1] if s[i + 1] in '$`"\\' else s[i:i + 2])
                i += 2
            elif c == "$":
                i = self._dollar(i, value, True)
            elif c == "`":
                i = self._backtick(i, value)
            else:
                value.append(c)
                i += 1
        raise _ParseError("unterminated double quote")

    def _dollar(self, i: int, value: list[str], in_dquote: bool) -> int:
        s = self.s
        nxt = s[i + 1:i + 2]
        if nxt == "(":
            end = self._arith_end(i + 1) if s.startswith("((", i + 1) else -1
            if end < 0:
                end = self._substitute(i + 2)
        elif nxt == "{":
            end = self._brace(i + 2)
        elif nxt == "'" and not in_dquote:
            return self._ansi_c(i + 2, value)
        elif nxt == '"' and not in_dquote:  # $"…" locale string
            return self._dquote(i + 2, value)
        else:
            value.append("$")
            return i + 1
        value.append(s[i:end])  # kept literally
        return end

    def _ansi_c(self, i: int, value: list[str]) -> int:
        s, n = self.s, len(self.s)
        parts: list[str] = []
        while i < n and s[i] != "'":
            escape = s[i] == "\\" and i + 1 < n
            parts.append(_ANSI_C.get(s[i + 1], s[i:i + 2]) if escape else s[i])
            i += 1 + escape
        if i >= n:
            raise _ParseError("unterminated $'")
        value.append("".join(parts))
        return i + 1

    def _brace(self, i: int) -> int:
        """Skip a ``${ … }`` expansion, parsing any command substitution inside it."""
        s, n = self.s, len(self.s)
        depth = 1
        while i < n:
            c = s[i]
            if c == "\\":
                i += 2
            elif c == '"':
                i = self._dquote(i + 1, [])
            elif c == "`":
                i = self._backtick(i, [])
            elif c == "$" and s.startswith("{", i + 1):
                depth, i = depth + 1, i + 2
            elif c == "$":
                i = self._dollar(i, [], True)
            elif c == "}":
                depth, i = depth - 1, i + 1
                if depth == 0:
                    return i
            else:
                i += 1
        raise _ParseError("unterminated ${")

    def _arith_end(self, i: int) -> int:
        """End of ``(( … ))`` starting at i, or -1 if it is really ``( ( … ) … )``."""
        s = self.s
        depth = 0
        for j in range(i, len(s)):
            if s[j] == "(":
                depth += 1
            elif s[j] == ")":
                depth -= 1
                if depth == 0:
                    return j + 1 if s[j - 1] == ")" else -1
        return -1

    def _substitute(self, i: int) -> int:
        """Parse the commands of ``$( … )`` from i; return the index after its ``)``."""
        saved = self.pos, self._tok
        self.pos, self._tok = i, None
        self._subst += 1
        self._parse_list()
        end = self._expect("op", ")").end
        self._subst -= 1
        self.pos, self._tok = saved
        return end

    def _backtick(self, i: int, value: list[str]) -> int:
        s, n = self.s, len(self.s)
        j = i + 1
        while j < n and s[j] != "`":
            j += 2 if s[j] == "\\" else 1
        if j >= n:
            raise _ParseError("unterminated backtick")
        value.append(s[i:j + 1])
        inner, k = [], i + 1
        while k < j:  # \` \$ \\ are escapes of the outer level
            if s[k] == "\\" and k + 1 < j and s[k + 1] in "`$\\":
                k += 1
            inner.append(s[k])
            k += 1
        self._subparse("".join(inner), i + 1, subst=True)
        return j + 1

    def _skip_heredocs(self, i: int) -> int:
        """Step over the bodies of heredocs opened on the line that just ended."""
        s, n = self.s, len(self.s)
        pending, self._heredocs = self._heredocs, []
        for delimiter, strip_tabs in pending:
            while i < n:
                end = s.find("\n", i)
                line = s[i:n if end < 0 else end]
                i = n if end < 0 else end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        return i

    # ---- grammar -----------------------------------------------------------------------
    def _at(self, kind: str, *raws: str) -> bool:
        """Is the next token of ``kind`` (and one of ``raws``; keywords must be unquoted)?"""
        tok = self._peek()
        return tok.kind == kind and (not raws or (tok.raw in raws and not tok.quoted))

    def _accept(self, kind: str, *raws: str) -> bool:
        if self._at(kind, *raws):
            self._take()
            return True
        return False

    def _expect(self, kind: str, raw: str | None = None) -> _Tok:
        if not self._at(kind, *(() if raw is None else (raw,))):
            raise _ParseError(f"expected {raw or kind}, got {self._peek().raw!r}")
        return self._take()

    def _skip_newlines(self) -> None:
        while self._accept("nl"):
            pass

    def _parse_list(self) -> None:
        """Commands up to EOF, ``)``, ``;;`` or a closing keyword (left for the caller)."""
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise _ParseError("nesting too deep")
        while True:
            if self._accept("nl") or self._accept("op", ";", "&"):
                continue
            if self._at("eof") or self._at("op", ")", *_CASE_ENDS) or self._at("word", *_TERMINATORS):
                break
            self._parse_and_or()
        self._depth -= 1

    def _parse_and_or(self) -> None:
        first = self._parse_pipeline()
        saved = self._cond
        while self._at("op", "&&", "||"):
            op = self._take().raw
            self._skip_newlines()
            if first is not None and first.name in _TESTS:  # `[ "$ARCH" = arm64 ] && …`
                self._cond = (first.text, op)
            self._parse_pipeline()
        self._cond = saved

    def _parse_pipeline(self) -> SimpleCommand | None:
        """Returns the command when the pipeline is a single simple command."""
        self._accept("word", "!")
        cmd = first = self._parse_command()
        flowing = _reads(first, None) if first is not None else None  # the file that flows down the pipe
        while self._accept("op", "|", "|&"):
            self._skip_newlines()
            emitted = len(self.out)
            nxt = self._parse_command()
            if nxt is not None and flowing and nxt.stdin is None:
                piped = replace(nxt, stdin=flowing)
                self.out[emitted:] = [(key, piped if c is nxt else c, sub) for key, c, sub in self.out[emitted:]]
                nxt = piped
            flowing = _reads(nxt, flowing) if nxt is not None else None
            cmd = None
        return cmd

    def _parse_command(self) -> SimpleCommand | None:
        tok = self._peek()
        if self._accept("op", "("):
            self._parse_list()
            self._expect("op", ")")
        elif self._at("word", *_TERMINATORS):
            raise _ParseError(f"unexpected {tok.raw!r}")
        elif self._at("word", *_COMPOUND):
            getattr(self, _COMPOUND[tok.raw])()
        elif tok.kind == "word" and tok.raw.startswith("(("):
            self._take()
        elif tok.kind in ("word", "redir"):
            return self._parse_simple()
        else:
            raise _ParseError(f"unexpected {tok.raw!r}")
        while self._peek().kind == "redir":  # `done > log`, `} 2>&1`
            self._redirect(self._take())
        return None

    def _redirect(self, op: _Tok) -> str | None:
        """Consume a redirection; the file it feeds to standard input (`< F`, `0< F`), if any."""
        target = self._expect("word")
        if op.raw.lstrip("0123456789") in ("<<", "<<-"):
            self._heredocs.append((target.value, op.raw.endswith("-")))
        return target.value if op.raw in ("<", "0<") else None

    def _condition(self, keyword: str) -> str:
        """Parse an if/while condition list; return its text."""
        start = self._peek().start
        self._parse_list()
        end = self._expect("word", keyword).start
        return self.s[start:end].strip().rstrip(";&").strip()

    def _governed(self, condition: str, branch: str) -> None:
        saved, self._cond = self._cond, (condition, branch)
        self._parse_list()
        self._cond = saved

    def _parse_if(self) -> None:
        self._take()
        conditions = [self._condition("then")]
        self._governed(conditions[-1], "then")
        while self._accept("word", "elif"):
            conditions.append(self._condition("then"))
            self._governed(conditions[-1], "then")
        if self._accept("word", "else"):  # governed by every condition that failed
            self._governed("; ".join(conditions), "else")
        self._expect("word", "fi")

    def _parse_while(self) -> None:
        keyword = self._take().raw
        condition = self._condition("do")
        self._governed(condition, keyword)
        self._expect("word", "done")

    def _parse_for(self) -> None:
        self._take()
        self._expect("word")  # the loop variable, or ((init; test; step))
        self._accept("op", ";")
        self._skip_newlines()
        if self._accept("word", "in"):
            while self._accept("word"):
                pass  # lexing the words emits any $( … ) in them
            self._accept("op", ";")
        self._skip_newlines()
        self._expect("word", "do")
        self._parse_list()
        self._expect("word", "done")

    def _parse_case(self) -> None:
        self._take()
        subject = self._expect("word").raw
        self._skip_newlines()
        self._expect("word", "in")
        while True:
            self._skip_newlines()
            if self._accept("word", "esac"):
                return
            self._accept("op", "(")
            patterns = [self._expect("word").raw]
            while self._accept("op", "|"):
                patterns.append(self._expect("word").raw)
            self._expect("op", ")")
            self._governed(subject, "|".join(patterns))
            if not self._accept("op", *_CASE_ENDS) and not self._at("word", "esac"):
                raise _ParseError("expected ';;' or 'esac'")

    def _parse_group(self) -> None:
        self._take()
        self._parse_list()
        self._expect("word", "}")

    def _parse_function(self) -> None:
        self._take()
        self._expect("word")
        if self._accept("op", "("):
            self._expect("op", ")")
        self._skip_newlines()
        self._parse_command()

    def _parse_simple(self) -> SimpleCommand | None:
        words: list[_Tok] = []
        assigns: list[tuple[str, str]] = []
        start = end = -1
        stdin: str | None = None
        in_test = False  # inside [[ … ]] operators such as && < ( are operands
        while True:
            tok = self._peek()
            if tok.kind in ("eof", "nl"):
                break
            if in_test and tok.kind != "word" and tok.raw not in (";", "&", *_CASE_ENDS):
                words.append(self._take()._replace(value=tok.raw))
                end = tok.end
                continue
            if tok.kind == "redir":
                stdin = self._redirect(self._take()) or stdin
                end = self.pos
                continue
            if tok.kind != "word":
                break
            self._take()
            start, end = (tok.start if start < 0 else start), tok.end
            if not words and (pair := _split_assignment(tok.raw, tok.value)):
                if tok.raw.endswith("=") and self._at("op", "(") and self._peek().start == tok.end:
                    self._take()  # array assignment NAME=( … )
                    while self._peek().kind in ("word", "nl"):
                        self._take()
                    end = self._expect("op", ")").end
                    pair = (pair[0], self.s[tok.end:end])
                assigns.append(pair)
                continue
            words.append(tok)
            if len(words) == 1 and not tok.quoted and tok.raw == "[[":
                in_test = True
            elif in_test and tok.raw == "]]":
                in_test = False
            elif len(words) == 1 and not assigns and self._accept("op", "("):
                self._expect("op", ")")  # function definition `name() body`
                self._skip_newlines()
                self._parse_command()
                return None
        if not words and not assigns:
            return None
        return self._emit(words, assigns, start, end, stdin)

    def _emit(self, words: list[_Tok], assigns: list[tuple[str, str]], start: int, end: int,
              stdin: str | None = None) -> SimpleCommand:
        cmd = SimpleCommand(
            argv=tuple(w.value for w in words), raw_words=tuple(w.raw for w in words),
            assignments=tuple(assigns), line=self._line(start), text=self.s[start:end].strip(),
            nested=self._base_nested or self._subst > 0, condition=self._cond[0], branch=self._cond[1],
            word_lines=tuple(self._line(w.start) for w in words), stdin=stdin,
        )
        self.out.append(((start,), cmd, self._subst > 0))
        index = _inline_script_index(cmd)
        if index is not None:
            word = words[index]
            # "$(x)" inside a double-quoted `sh -c` string already ran in this shell
            expanded = [c.argv for key, c, _ in self.out if word.start <= key[0] < word.end]
            anchor = word.start + (word.raw[:1] in "'\"")
            self._subparse(cmd.argv[index], anchor, self._subst > 0, expanded)
        return cmd

    def _subparse(self, text: str, anchor: int, subst: bool, skip: list[tuple[str, ...]] | None = None) -> None:
        """Parse a backtick or `sh -c` script; a failure there only degrades that part."""
        sub = _Parser(text, self._depth + 1, True, self._cond)
        try:
            entries = sub.parse()
            self.degraded = self.degraded or sub.degraded
        except (_ParseError, RecursionError):
            fallback = [replace(c, nested=True, condition=self._cond[0], branch=self._cond[1])
                        for c in _fallback(text)]
            entries = [((k,), c, False) for k, c in enumerate(fallback)]
            self.degraded = True
        base = self._line(anchor)
        for key, cmd, in_subst in entries:
            if skip and in_subst and cmd.argv in skip:
                skip.remove(cmd.argv)
                continue
            cmd = replace(cmd, line=min(base + cmd.line, self._max_line),
                          word_lines=tuple(min(base + line, self._max_line) for line in cmd.word_lines))
            self.out.append(((anchor, *key), cmd, subst or in_subst))


def _inline_script_index(cmd: SimpleCommand) -> int | None:
    """Index in ``cmd.argv`` of the script of ``sh -c S``, ``bash -lc S``, ``su -c S user``."""
    eff = cmd.effective()
    args, offset = eff.argv, len(cmd.argv) - len(eff.argv)
    if eff.name == "su":
        for i in range(1, len(args) - 1):
            if args[i] in ("-c", "--command"):
                return offset + i + 1
        return None
    if eff.name not in _SHELLS:
        return None
    runs_string = False
    i = 1
    while i < len(args) and args[i][:1] in ("-", "+") and args[i] not in ("-", "--"):
        flag = args[i]
        if not flag.startswith("--"):
            runs_string = runs_string or (flag[0] == "-" and "c" in flag)
            i += flag[-1] in "oO"  # `-o pipefail` takes a value
        i += 1
    i += i < len(args) and args[i] == "--"
    return offset + i if runs_string and i < len(args) else None


# ---- fallback ---------------------------------------------------------------------------
_LOOSE_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "fi", "done", "esac"})
_LOOSE_HEADERS = frozenset({"for", "select", "case", "function", "in"})
_QUOTES = str.maketrans("", "", "'\"\\")


def _fallback(script: str, escape: str = "\\") -> list[SimpleCommand]:
    """The token view for text the parser gave up on: split on operator characters and
    blanks whatever the quoting; drop comments, redirections and keywords."""
    text, line_of = _join_lines(script, escape)
    commands: list[SimpleCommand] = []
    words: list[tuple[int, str]] = []  # (offset, raw) of the current command's words
    i, n, skip, opened = 0, len(text), False, False
    while i <= n:
        c = text[i] if i < n else "\n"
        if c in _BLANKS:
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "<>" or text.startswith("&>", i):  # a redirection: drop it and its target
            if words and words[-1][1].isdigit() and words[-1][0] + len(words[-1][1]) == i:
                words.pop()  # the fd of 2>&1
            i, skip = i + 1, True
            while i < n and text[i] in "<>&|-":
                i += 1
        elif c in ";|&()\n" or text.startswith("$(", i):
            if not (c == ")" and not opened and len(words) == 1):  # else a case pattern `amd64)`
                commands.extend(_loose_command(words, text, line_of))
            words, skip, opened = [], False, c in "($"
            i += 2 if c == "$" else 1
        else:
            j = i
            while j < n and text[j] not in _META and not text.startswith("$(", j):
                j += 2 if text[j] == "\\" else 1
            if not skip:
                words.append((i, text[i:j]))
            i, skip = min(j, n), False
    return commands


def _loose_command(words: list[tuple[int, str]], text: str, line_of: list[int]) -> list[SimpleCommand]:
    while words and words[0][1] in _LOOSE_KEYWORDS:
        words = words[1:]
    if not words or words[0][1] in _LOOSE_HEADERS:
        return []
    first, last = words[0][0], words[-1][0] + len(words[-1][1])
    assigns: list[tuple[str, str]] = []
    while words and (pair := _split_assignment(words[0][1], words[0][1].translate(_QUOTES))):
        assigns.append(pair)
        words = words[1:]
    return [SimpleCommand(argv=tuple(w.translate(_QUOTES) for _, w in words), raw_words=tuple(w for _, w in words),
                          assignments=tuple(assigns), line=line_of[first], text=text[first:last].strip(),
                          word_lines=tuple(line_of[offset] for offset, _ in words))]
