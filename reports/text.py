r"""Plain words for the report: no SymPy or LaTeX syntax reaches the reader.

Checks write their reasons, statistics and counterexamples with SymPy's printer (``oo``, ``nan``,
``Interval.open(0, 1)``, ``x**2``) and sometimes with LaTeX outside ``$...$``. :func:`readable`
rewrites those into ordinary notation (``∞``, ``undefined (NaN)``, ``(0, 1)``, ``x^2``), leaving
``$...$`` segments for the MathML renderer. :func:`plain_math` turns LaTeX into Unicode text
(for SVG labels, ``title`` attributes and search), :func:`words` into searchable words.
:func:`stat_label` names a statistic in plain words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text

_DOLLARS = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
_INTERVALS = (
    (re.compile(r"Interval\.open\(([^()]*?),\s*([^()]*?)\)"), r"(\1, \2)"),
    (re.compile(r"Interval\.Lopen\(([^()]*?),\s*([^()]*?)\)"), r"(\1, \2]"),
    (re.compile(r"Interval\.Ropen\(([^()]*?),\s*([^()]*?)\)"), r"[\1, \2)"),
    (re.compile(r"Interval\(([^()]*?),\s*([^()]*?)\)"), r"[\1, \2]"),
    (re.compile(r"FiniteSet\(([^()]*?)\)"), r"{\1}"),
)
_TOKENS = (
    (re.compile(r"(?<![\w.])-oo(?![\w])"), "−∞"),
    (re.compile(r"(?<![\w.])zoo(?![\w])"), "complex ∞"),
    (re.compile(r"(?<![\w.])oo(?![\w])"), "∞"),
    (re.compile(r"(?<![\w.])nan(?![\w])"), "undefined (NaN)"),
    (re.compile(r"(?<![\w.])EmptySet(?![\w])"), "∅"),
    (re.compile(r"(?<![\w.])Reals(?![\w])"), "ℝ"),
    (re.compile(r"\bUnion\("), "union("),
    (re.compile(r"\bAbs\(([^()]*)\)"), r"|\1|"),
    (re.compile(r"\bsqrt\("), "√("),
    (re.compile(r"(?<=[\w)])\*\*(?=[\w(-])"), "^"),
    (re.compile(r"(?<=[\w)])\*(?=[\w(√])"), "·"),
)
_TEX_OUTSIDE = re.compile(r"\\[A-Za-z]+|[_^]\{")
_CONVERTER = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUP = dict(zip("0123456789+-=()inT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀ"))
_PRE = (
    (re.compile(r"\\(?:arg\s*\\max|argmax|operatorname\*?\{arg\s*(?:\\,)?\s*max\})"), "arg max"),
    (re.compile(r"\\(?:arg\s*\\min|argmin|operatorname\*?\{arg\s*(?:\\,)?\s*min\})"), "arg min"),
    (re.compile(r"\\arg(?![A-Za-z])"), "arg "),
    (re.compile(r"\\(?:operatorname|mathrm|text|mathit|mathbf|textbf|textit)\*?\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}"), r"(\1)/(\2)"),
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?(?![A-Za-z])"), ""),
    (re.compile(r"\\(?:l|r)Vert(?![A-Za-z])"), "‖"),
    (re.compile(r"\\(?:l|r)vert(?![A-Za-z])"), "|"),
    (re.compile(r"\\(?:setminus|smallsetminus)(?![A-Za-z])"), " ∖ "),
)
_SCRIPT = re.compile(r"([_^])(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s{}\\]))")


@lru_cache(maxsize=8192)
def plain_math(latex: str) -> str:
    """Unicode text for LaTeX math: ``JS_{\\pi_k}`` -> ``JS_πₖ``, ``\\arg\\max_i`` -> ``arg maxᵢ``."""
    text = str(latex or "")
    for pattern, repl in _PRE:
        text = pattern.sub(repl, text)
    for _ in range(4):
        new = _SCRIPT.sub(_script, text)
        if new == text:
            break
        text = new
    try:
        out = _CONVERTER.latex_to_text(text)
    except Exception:  # noqa: BLE001 - a parser failure falls back to stripping the markup
        out = re.sub(r"\\([A-Za-z]+)", r"\1", text).replace("{", "").replace("}", "")
    out = out.replace("\\", " ").replace("{", "").replace("}", "").replace("\x00", "_").replace("\x01", "^")
    return re.sub(r"[ \t]+", " ", out).strip()


def _script(m: re.Match[str]) -> str:
    kind, body = m.group(1), m.group(2) if m.group(2) is not None else m.group(3)
    inner = _CONVERTER.latex_to_text(body) if "\\" in body else body
    table = _SUB if kind == "_" else _SUP
    if inner and all(ch in table for ch in inner):
        return "".join(table[ch] for ch in inner)
    mark = "\x00" if kind == "_" else "\x01"
    return mark + (inner if len(inner) == 1 else f"({inner})")


def _outside_math(text: str) -> str:
    for pattern, repl in _INTERVALS:
        for _ in range(3):
            text = pattern.sub(repl, text)
    for pattern, repl in _TOKENS:
        text = pattern.sub(repl, text)
    if _TEX_OUTSIDE.search(text):
        text = plain_math(text)
    return text


def readable(text: Any) -> str:
    """``text`` with SymPy printer syntax and stray LaTeX rewritten; ``$...$`` segments left for MathML."""
    text = str(text if text is not None else "")
    out, pos = [], 0
    for m in _DOLLARS.finditer(text):
        out.append(_outside_math(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_outside_math(text[pos:]))
    return "".join(out)


def flat(text: Any) -> str:
    """``text`` as plain Unicode, ``$...$`` included (for attributes, CSV and SVG)."""
    text = readable(text)
    return _DOLLARS.sub(lambda m: plain_math(m.group(1)), text)


def words(latex_or_text: Any) -> str:
    """Lower-case searchable words of a statement or text (``\\arg\\max`` -> ``arg max``, no markup)."""
    text = str(latex_or_text or "").replace("$", " ")
    text = re.sub(r"\\([A-Za-z]+)", r" \1 ", text)
    text = re.sub(r"[{}_^\\&]", " ", text).replace("-", " ")
    return re.sub(r"\s+", " ", (text + " " + plain_math(str(latex_or_text or "")).replace("-", " "))).lower().strip()


#: Plain labels of the statistics checks record (others: underscores become spaces).
STAT_LABELS: dict[str, str] = {
    "estimate": "estimate", "se": "standard error", "ci_low": "interval, lower end", "ci_high": "interval, upper end",
    "n": "samples", "samples": "samples", "max_samples": "sample budget", "unit": "unit of a sample",
    "z_crit": "critical value of the test statistic", "z": "test statistic (estimate − claimed) / standard error",
    "alpha": "error level of the decision", "alpha_look": "error level spent at this look",
    "half_width": "± (half-width of the interval)", "power": "power against a deviation of one resolution",
    "looks": "looks taken", "max_looks": "looks planned", "sequential": "sequential design",
    "claimed": "claimed value", "resolution": "resolution (smallest deviation detected)",
    "margin": "equivalence margin", "equivalence": "equivalence test", "distance_to_edge": "distance to the margin",
    "slope": "last local exponent", "claimed_slope": "claimed exponent", "drift": "drift of the local exponent",
    "tolerance": "tolerance", "local_slopes": "local exponents", "log_power": "power of log x", "grid": "grid",
    "counts": "exact counts", "tried": "examples tried", "valid": "examples meeting the hypotheses",
    "required_valid": "examples required", "bound": "bound", "gap": "gap to the bound (bound − best)",
    "best": "best value found", "best_random_search": "best value of random search", "residual": "residual",
    "p_value": "p-value", "effect": "effect", "statistic": "test statistic", "seeds": "seeds",
    "level": "error level", "level_per_stage": "error level per stage", "per_seed_a": "per seed (first arm)",
    "per_seed_b": "per seed (second arm)", "differences": "differences per seed", "stage": "stage",
    "stages": "seeds planned per stage", "arm_a": "first arm", "arm_b": "second arm", "metric": "metric",
    "direction": "direction of the claim", "test": "test", "setup": "setup",
}


def stat_label(key: str) -> str:
    """A plain label for a statistics key (``z_crit`` -> "critical value of the test statistic")."""
    return STAT_LABELS.get(key, str(key).replace("_", " "))


__all__ = ["readable", "flat", "plain_math", "words", "stat_label", "STAT_LABELS"]
