r"""Reading a paper's LaTeX source: its theorem-like statements, numbered as LaTeX numbers them.

Used by ``claims new SOURCE --from paper.tex``. The main file's ``\input``/``\include``
files are inlined (relative to the main file), comments dropped, the paper's own simple
macros (``\newcommand``, ``\renewcommand``, ``\DeclareMathOperator``, ``\def`` without
parameters) expanded, and the document parsed with pylatexenc. Every environment named
theorem, lemma, proposition, corollary, claim or conjecture, or declared as an alias
of one with ``\newtheorem``, becomes a :class:`Statement`, numbered like LaTeX does
(shared counters, ``[section]`` numbering, starred forms unnumbered). A malformed file
raises :class:`~verifiers.errors.InvalidArgument` naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import (
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexWalker,
    LatexWalkerError,
)

from verifiers.errors import InvalidArgument

#: Environments that state something to check (their \newtheorem aliases count too).
KINDS = ("theorem", "lemma", "proposition", "corollary", "claim", "conjecture")
_INPUT = re.compile(r"\\(?:input|include)\s*\{([^}]+)\}")
_SECTIONS = ("section", "chapter")


@dataclass(frozen=True)
class Statement:
    """One theorem-like environment of the paper."""

    kind: str
    name: str
    number: str
    label: str
    title: str
    latex: str
    text: str
    line: int
    file: str


@dataclass(frozen=True)
class Paper:
    """A parsed paper: metadata, its statements, and its full text (for verbatim quotes)."""

    title: str
    authors: str
    statements: tuple[Statement, ...]
    text: str


def read_paper(path: Path) -> Paper:
    """Parse the LaTeX file at ``path`` (with its inputs) into a :class:`Paper`."""
    source, lines = _flatten(Path(path), set())
    macros, theorem_envs = _declarations(source, lines)
    body = _expand(_document(source), macros)
    walker = LatexWalker(body, tolerant_parsing=False)
    try:
        nodes, _, _ = walker.get_latex_nodes()
    except LatexWalkerError as exc:
        line = getattr(exc, "lineno", None) or 1
        raise InvalidArgument(f"cannot parse {_where(lines, line)}: {getattr(exc, 'msg', exc)}") from None
    converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    statements = _statements(nodes, walker, theorem_envs, converter, lines)
    return Paper(title=_argument(source, "title"), authors=re.sub(r"\s*\\and\s*", ", ", _argument(source, "author")),
                 statements=tuple(statements), text=_text(converter.nodelist_to_text(nodes)))


def _flatten(path: Path, seen: set[Path]) -> tuple[str, list[tuple[str, int]]]:
    """The file with its \\input files inlined and comments dropped, and the (file, line) of each line."""
    path = path if path.suffix else path.with_suffix(".tex")
    if path.resolve() in seen:
        raise InvalidArgument(f"{path} inputs itself (an \\input cycle)")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidArgument(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    out: list[str] = []
    where: list[tuple[str, int]] = []
    for number, line in enumerate(raw.splitlines(), 1):
        line = re.sub(r"(?<!\\)%.*", "", line)
        included = _INPUT.search(line)
        if included:
            text, sub = _flatten(path.parent / included.group(1).strip(), seen | {path.resolve()})
            out += [line[:included.start()], *text.splitlines(), line[included.end():]]
            where += [(str(path), number), *sub, (str(path), number)]
        else:
            out.append(line)
            where.append((str(path), number))
    return "\n".join(out), where


def _where(lines: list[tuple[str, int]], line: int) -> str:
    file, number = lines[min(max(line, 1), len(lines)) - 1]
    return f"{file}, line {number}"


def _braced(text: str, start: int, lines: list[tuple[str, int]] | None = None) -> tuple[str, int]:
    """The content of the brace group opening at ``text[start]`` (after spaces) and the index after it."""
    i = start
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text) or text[i] != "{":
        line = text.count("\n", 0, start) + 1
        raise InvalidArgument(f"expected {{ at {_where(lines, line) if lines else f'line {line}'}")
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{" and text[j - 1] != "\\":
            depth += 1
        elif text[j] == "}" and text[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
    line = text.count("\n", 0, i) + 1
    raise InvalidArgument(f"unbalanced braces from {_where(lines, line) if lines else f'line {line}'}")


def _optional(text: str, start: int) -> tuple[str | None, int]:
    m = re.match(r"\s*\[([^\]]*)\]", text[start:])
    return (m.group(1), start + m.end()) if m else (None, start)


_DECLARATION = re.compile(r"\\(newcommand|renewcommand|providecommand|DeclareMathOperator|newtheorem|def)(\*?)")


def _declarations(source: str, lines: list[tuple[str, int]]) -> tuple[dict[str, tuple[int, str]], dict]:
    """The paper's macros (name -> (number of arguments, body)) and theorem aliases (env -> (name, counter, within))."""
    macros: dict[str, tuple[int, str]] = {}
    envs: dict[str, tuple[str, str | None, str | None]] = {k: (k.capitalize(), k, None) for k in KINDS}
    for m in _DECLARATION.finditer(source):
        kind, star, at = m.group(1), m.group(2), m.end()
        if kind == "def":
            name = re.match(r"\s*\\([A-Za-z]+)\s*", source[at:])
            if name and source[at + name.end():at + name.end() + 1] == "{":
                body, _ = _braced(source, at + name.end(), lines)
                macros[name.group(1)] = (0, body)
            continue
        if kind == "newtheorem":
            env, at = _braced(source, at, lines)
            shared, at = _optional(source, at)
            name, at = _braced(source, at, lines)
            within, _ = _optional(source, at)
            base = next((k for k in KINDS if k in (env.lower(), name.lower())), None)
            if base is not None or (shared and shared in envs):
                counter = None if star else envs[shared][1] if shared in envs else env
                envs[env] = (name, counter, within if not shared else envs.get(shared, (0, 0, None))[2])
            continue
        name, at = _braced(source, at, lines)
        if kind == "DeclareMathOperator":
            body, _ = _braced(source, at, lines)
            macros[name.strip().lstrip("\\")] = (0, rf"\operatorname{{{body}}}")
            continue
        count, at = _optional(source, at)
        default, at = _optional(source, at)
        body, _ = _braced(source, at, lines)
        macros[name.strip().lstrip("\\")] = (int(count or 0), body)
    return macros, envs


def _document(source: str) -> str:
    """The document body (the preamble blanked out, so that line numbers stay those of the source)."""
    begin = re.search(r"\\begin\s*\{document\}", source)
    if not begin:
        return source
    return re.sub(r"[^\n]", " ", source[:begin.start()]) + source[begin.start():]


def _expand(text: str, macros: dict[str, tuple[int, str]], depth: int = 8) -> str:
    """Expand the paper's macros (with up to 9 brace arguments), a few levels deep."""
    if not macros:
        return text
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, macros), key=len, reverse=True)) + r")(?![A-Za-z])")
    for _ in range(depth):
        out, pos, changed = [], 0, False
        for m in pattern.finditer(text):
            if m.start() < pos:
                continue
            count, body = macros[m.group(1)]
            end, args = m.end(), []
            try:
                for _ in range(count):
                    arg, end = _braced(text, end)
                    args.append(arg)
            except InvalidArgument:
                continue
            for k, arg in enumerate(args, 1):
                body = body.replace(f"#{k}", arg)
            out += [text[pos:m.start()], body + (" " if body[-1:].isalpha() and text[end:end + 1].isalpha() else "")]
            pos, changed = end, True
        text = "".join(out) + text[pos:]
        if not changed:
            break
    return text


def _argument(source: str, macro: str) -> str:
    m = re.search(rf"\\{macro}\s*(?:\[[^\]]*\])?\s*(?=\{{)", source)
    if not m:
        return ""
    return re.sub(r"\s+", " ", _braced(source, m.end())[0]).strip()


def _text(converted: str) -> str:
    """Converted text with pylatexenc's placeholders for citations and references spelled out."""
    return converted.replace("<cit.>", "[citation]").replace("<ref>", "[ref]")


def _statements(nodes: list, walker: LatexWalker, envs: dict, converter: LatexNodes2Text,
                lines: list[tuple[str, int]]) -> list[Statement]:
    counters: dict[str, int] = {}
    section = [0]
    found: list[Statement] = []

    def visit(items: list) -> None:
        for node in items:
            if isinstance(node, LatexMacroNode) and node.macroname in _SECTIONS:
                section[0] += 1
                for key in [k for k, (_, _, within) in envs.items() if within in _SECTIONS]:
                    counters[envs[key][1] or key] = 0
            elif isinstance(node, LatexEnvironmentNode) and node.environmentname.rstrip("*") in envs:
                found.append(_statement(node, walker, envs, counters, section[0], converter, lines))
                continue
            if isinstance(node, (LatexEnvironmentNode, LatexGroupNode)):
                visit(node.nodelist)

    visit(nodes)
    return found


def _statement(node: LatexEnvironmentNode, walker: LatexWalker, envs: dict, counters: dict[str, int],
               section: int, converter: LatexNodes2Text, lines: list[tuple[str, int]]) -> Statement:
    env = node.environmentname
    name, counter, within = envs[env.rstrip("*")]
    number = ""
    if counter is not None and not env.endswith("*"):
        counters[counter] = counters.get(counter, 0) + 1
        number = f"{section}.{counters[counter]}" if within in _SECTIONS else str(counters[counter])
    inner = node.latex_verbatim()
    inner = inner[inner.index("}", inner.index("\\begin")) + 1:inner.rindex("\\end")]
    title, _ = _optional(inner, 0)
    if title is None and node.nodeargd and node.nodeargd.argnlist:
        title = next((a.latex_verbatim().strip("[]") for a in node.nodeargd.argnlist if a is not None), None)
    label = re.search(r"\\label\s*\{([^}]*)\}", inner)
    text = _text(converter.nodelist_to_text(node.nodelist)).strip()
    if title and text.startswith(title):
        text = text[len(title):].strip()
    file, line = lines[walker.pos_to_lineno_colno(node.pos)[0] - 1]
    kind = next((k for k in KINDS if k in (env.lower(), name.lower())), "claim")
    return Statement(kind=kind, name=name, number=number, label=label.group(1) if label else "", title=title or "",
                     latex=statement_latex(text), text=text, line=line, file=file)


def statement_latex(text: str) -> str:
    r"""Mixed text and ``$...$`` math as one LaTeX formula: text in ``\text{...}``, math as it is."""
    text = re.sub(r"\\\[(.+?)\\\]", r"$\1$", text, flags=re.S)
    text = re.sub(r"\$\$(.+?)\$\$", r"$\1$", text, flags=re.S)
    parts = re.split(r"(?<!\\)\$(.+?)(?<!\\)\$", text, flags=re.S)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part.strip())
        elif part.strip():
            cleaned = re.sub(r"\s+", " ", part).replace("\\", "").replace("{", "(").replace("}", ")")
            out.append(rf"\text{{{cleaned}}}")
    return "\\ ".join(out) or r"\text{(empty)}"


def renderable(text: str) -> str:
    """Text whose ``$...$`` math uses only macros the report renders (others become upright names)."""
    from verifiers.latex import DOLLARS, problems

    def fix(match: re.Match[str]) -> str:
        math = match.group(1)
        for problem in problems(math):
            macro = problem.removeprefix("unsupported macro \\")
            if macro != problem:
                math = re.sub(rf"\\{macro}(?![A-Za-z])", rf"\\mathrm{{{macro}}}", math)
        return f"${math}$"

    return DOLLARS.sub(fix, text)
