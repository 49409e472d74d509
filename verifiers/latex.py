r"""The LaTeX dialect of claims: what the report can render, checked when claims are collected.

Statements are LaTeX; titles, notes, quotes and derivation steps are text with ``$...$``
math. The report converts math with ``latex2mathml``, which copies some macros through
raw (``\arg``, ``\big\lVert``) or maps them to glyphs most fonts lack (``\setminus``).
:func:`normalize` rewrites those macros into equivalents it renders well; :func:`problems`
lists what still would not render (a raw command, a conversion error), so the collector
can reject the claim naming the macro, and the report's tests can check every step.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

#: Rewrites applied before conversion (pattern, replacement).
REWRITES: tuple[tuple[str, str], ...] = (
    (r"\\(?:big|Big|bigg|Bigg)[lr]?\\([lr])Vert(?![A-Za-z])", r"\\|"),
    (r"\\(?:big|Big|bigg|Bigg)[lr]?\\([lr])vert(?![A-Za-z])", r"|"),
    (r"\\[lr]Vert(?![A-Za-z])", r"\\|"),
    (r"\\[lr]vert(?![A-Za-z])", r"|"),
    (r"\\(arg|argmax|argmin)(?![A-Za-z])", r"\\operatorname{\1}"),
    (r"\\(?:setminus|smallsetminus)(?![A-Za-z])", r"\\mathbin{\\smallsetminus}"),
)
#: Math segments inside text.
DOLLARS = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
_MACRO = re.compile(r"\\[A-Za-z]+")


def normalize(latex: str) -> str:
    """``latex`` with the macros of :data:`REWRITES` replaced by forms the converter renders."""
    for pattern, replacement in REWRITES:
        latex = re.sub(pattern, replacement, latex)
    return latex


@lru_cache(maxsize=4096)
def problems(latex: str) -> tuple[str, ...]:
    """What would not render in ``latex`` (math): raw macros left in the MathML, or the conversion error."""
    from latex2mathml.converter import convert

    try:
        root = ET.fromstring(convert(normalize(latex)))
    except Exception as exc:  # noqa: BLE001 - any failure of the converter is a problem to report
        return (f"cannot convert: {type(exc).__name__}: {exc}",)
    raw = sorted({m for el in root.iter() for m in _MACRO.findall(el.text or "")})
    return tuple(f"unsupported macro {m}" for m in raw)


def text_problems(text: str) -> tuple[str, ...]:
    """Problems of every ``$...$`` segment of ``text``, and LaTeX left outside them."""
    found = [p for m in DOLLARS.finditer(text) for p in problems(m.group(1))]
    outside = DOLLARS.sub(" ", text)
    for stray in re.finditer(r"\\[A-Za-z]+|_\{|\^\{", outside):
        context = outside[max(0, stray.start() - 25):stray.end() + 25].replace("\n", " ")
        found.append(f"LaTeX outside $...$: {stray.group()} in '…{context}…'")
        break
    return tuple(found)

__all__ = [
    "REWRITES", "DOLLARS", "normalize", "problems", "text_problems",
]
