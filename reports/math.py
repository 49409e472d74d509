r"""LaTeX to MathML for the report, safe for untrusted text.

``latex2mathml`` copies ``\text{...}`` verbatim, so its output may carry raw HTML
(``\text{<script>}``) or bare ``&``. Every conversion is therefore parsed as XML and
checked against an allow-list of MathML presentation elements and attributes, then
serialized again (which escapes all text). A macro the converter copied through raw
(``\\arg``) becomes its plain text, so no backslash reaches the reader. Anything that cannot be
converted safely falls back to plain Unicode text (:func:`reports.text.plain_math`), escaped, in a
``<span class="math-text">`` element.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml.converter import convert
from markupsafe import Markup, escape

from reports.text import plain_math, readable
from verifiers.latex import normalize

_NS = "http://www.w3.org/1998/Math/MathML"
_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt",
    "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
    "menclose", "merror", "mmultiscripts", "mprescripts", "none", "semantics", "annotation", "mfenced",
})
_ATTRIBUTES = frozenset({
    "display", "mathvariant", "stretchy", "fence", "separator", "form", "lspace", "rspace", "accent",
    "accentunder", "displaystyle", "scriptlevel", "linethickness", "columnalign", "rowalign", "columnspacing",
    "rowspacing", "columnlines", "rowlines", "frame", "framespacing", "width", "height", "depth", "minsize",
    "maxsize", "movablelimits", "largeop", "symmetric", "notation", "open", "close", "separators", "voffset",
    "equalrows", "equalcolumns", "align", "encoding",
})
_VALUE = re.compile(r"^[\w .%#:+\-]*$")
_DOLLARS = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
_MACRO = re.compile(r"\\([A-Za-z]+|[,;:! ])")
#: ``\mathbb Z`` (no braces) is rendered as a plain Z by the converter: brace the argument.
_BARE_FONT = re.compile(r"\\(mathbb|mathbf|mathrm|mathcal|mathsf|boldsymbol)\s+([A-Za-z0-9])")


def _unmacro(text: str | None) -> str | None:
    """Text with raw macros replaced by their plain text (``\\arg`` -> ``arg``, ``\\,`` -> a space)."""
    if not text or "\\" not in text:
        return text
    return _MACRO.sub(lambda m: " " if not m.group(1).isalpha() else (plain_math("\\" + m.group(1)) or m.group(1)),
                      text).replace("\\", "")


def _clean(element: ET.Element) -> bool:
    """Strip unknown attributes in place; False if an element is not allowed MathML."""
    tag = element.tag.removeprefix(f"{{{_NS}}}")
    if tag not in _ELEMENTS:
        return False
    element.tag = tag
    element.text, element.tail = _unmacro(element.text), _unmacro(element.tail)
    for name in list(element.attrib):
        if name not in _ATTRIBUTES or not _VALUE.match(element.attrib[name]):
            del element.attrib[name]
    return all(_clean(child) for child in element)


@lru_cache(maxsize=4096)
def _convert(latex: str, display: bool) -> str | None:
    try:
        raw = convert(_BARE_FONT.sub(r"\\\1{\2}", normalize(latex)), display="block" if display else "inline")
        root = ET.fromstring(raw)
    except Exception:  # noqa: BLE001 - any conversion or parse failure means: show the source
        return None
    if not _clean(root):
        return None
    root.set("xmlns", _NS)
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)


def mathml(latex: str, *, display: bool = False) -> Markup:
    """MathML for ``latex``; its plain text in ``<span class="math-text">`` if it cannot be converted safely."""
    latex = str(latex or "")
    out = _convert(latex, display) if latex.strip() else None
    if out is None:
        return Markup('<span class="math-text">{}</span>').format(plain_math(latex))
    return Markup(out)


def inline(text: str) -> Markup:
    """Plain text with ``$...$`` segments rendered as inline MathML; everything else escaped."""
    text = str(text or "")
    parts: list[Markup] = []
    pos = 0
    for m in _DOLLARS.finditer(text):
        parts.append(escape(text[pos:m.start()]))
        parts.append(mathml(m.group(1)))
        pos = m.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


_CODE = re.compile(r"`([^`\n]+)`")


def prose(text: str) -> Markup:
    """Notes: ```code``` as ``<code>``, ``$...$`` as MathML, SymPy syntax made readable elsewhere
    (:func:`reports.text.readable`), everything escaped; paragraphs on blank lines."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    html = []
    for p in paragraphs:
        pieces = _CODE.split(p)
        rendered = Markup("").join(Markup("<code>{}</code>").format(x) if i % 2 else inline(readable(x))
                                   for i, x in enumerate(pieces))
        html.append(f"<p>{rendered}</p>")
    return Markup("".join(html))


_OPEN = re.compile(r"\\left(?![A-Za-z])|\\[bB]igg?l(?![A-Za-z])|[{(\[]")
_CLOSE = re.compile(r"\\right(?![A-Za-z])|\\[bB]igg?r(?![A-Za-z])|[})\]]")
_QUADS = re.compile(r"\\qquad(?![A-Za-z])|\\quad(?![A-Za-z])")
_SEMI = re.compile(r";\\[ ,;]")
_WORDS = re.compile(r"(?=\\text\{)")
_LONG = 80


def _top_level(latex: str, separator: re.Pattern[str], keep: int) -> list[str]:
    """``latex`` cut at the matches of ``separator`` outside braces, brackets and delimiters (the
    first ``keep`` characters of a match stay on the left)."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        if latex[i] == "\\" and latex[i + 1:i + 2] in "{}()[]|":
            i += 2
            continue
        for pattern, step in ((_OPEN, 1), (_CLOSE, -1)):
            m = pattern.match(latex, i)
            if m:
                depth = max(depth + step, 0)
                i = m.end() - 1
                break
        else:
            m = separator.match(latex, i)
            if m and depth == 0 and i > start:
                pieces.append(latex[start:i + keep])
                start, i = m.end(), max(m.end(), i + 1)
                continue
        i += 1
    return pieces + [latex[start:]]


def statement_lines(latex: str) -> list[str]:
    r"""A display statement split into lines: at its top-level ``\quad`` and ``\qquad`` separators; a line
    longer than about 80 symbols also after its top-level ``;\ ``, then before its top-level ``\text{...}``
    words (joined back while they fit in about 60 symbols).

    Long statements are conjunctions of formulas; one line each keeps them inside an 800 px column.
    Separators inside braces, brackets or delimiters are kept. If a piece does not convert on its
    own, the statement stays one line.
    """
    latex = str(latex or "")
    lines = []
    for line in _top_level(latex, _QUADS, 0):
        for part in (_top_level(line, _SEMI, 1) if len(plain_math(line)) > _LONG else [line]):
            lines += _rejoin(_top_level(part, _WORDS, 0)) if len(plain_math(part)) > _LONG else [part]
    lines = [line.strip() for line in lines if line.strip().strip(",;").strip()]
    return lines if all(_convert(line, True) is not None for line in lines) else [latex]


def _rejoin(pieces: list[str], width: int = 60) -> list[str]:
    """Consecutive pieces joined while they fit in about ``width`` symbols."""
    lines: list[str] = []
    for piece in pieces:
        if lines and len(plain_math(lines[-1] + piece)) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def statement(latex: str) -> Markup:
    """A claim's statement as display MathML, one ``<math>`` per line (see :func:`statement_lines`)."""
    return Markup("").join(mathml(line, display=True) for line in statement_lines(latex))


__all__ = ["mathml", "inline", "prose", "statement", "statement_lines"]
