r"""LaTeX to MathML for the report, safe for untrusted text.

``latex2mathml`` copies ``\text{...}`` verbatim, so its output may carry raw HTML
(``\text{<script>}``) or bare ``&``. Every conversion is therefore parsed as XML and
checked against an allow-list of MathML presentation elements and attributes, then
serialized again (which escapes all text). Anything else falls back to the LaTeX
source, escaped, in a ``<code class="tex">`` element.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml.converter import convert
from markupsafe import Markup, escape

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


def _clean(element: ET.Element) -> bool:
    """Strip unknown attributes in place; False if an element is not allowed MathML."""
    tag = element.tag.removeprefix(f"{{{_NS}}}")
    if tag not in _ELEMENTS:
        return False
    element.tag = tag
    for name in list(element.attrib):
        if name not in _ATTRIBUTES or not _VALUE.match(element.attrib[name]):
            del element.attrib[name]
    return all(_clean(child) for child in element)


@lru_cache(maxsize=4096)
def _convert(latex: str, display: bool) -> str | None:
    try:
        raw = convert(normalize(latex), display="block" if display else "inline")
        root = ET.fromstring(raw)
    except Exception:  # noqa: BLE001 - any conversion or parse failure means: show the source
        return None
    if not _clean(root):
        return None
    root.set("xmlns", _NS)
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)


def mathml(latex: str, *, display: bool = False) -> Markup:
    """MathML for ``latex``; escaped LaTeX source in ``<code class="tex">`` if it cannot be converted safely."""
    latex = str(latex or "")
    out = _convert(latex, display) if latex.strip() else None
    if out is None:
        return Markup('<code class="tex" title="LaTeX source (not rendered)">{}</code>').format(latex)
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
    """Notes: escaped text with ``$...$`` as MathML and ```code``` as ``<code>``; paragraphs on blank lines."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    html = []
    for p in paragraphs:
        rendered = str(inline(p))
        pieces = re.split(r"(<math[\s\S]*?</math>)", rendered)
        rendered = "".join(x if x.startswith("<math") else _CODE.sub(r"<code>\1</code>", x) for x in pieces)
        html.append(f"<p>{rendered}</p>")
    return Markup("".join(html))
