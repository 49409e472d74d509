"""Small SVG plotting primitives for the report's figures: axes (linear or log10), frame, legend, points.

Hand-written SVG, inline in the page: no external resources, no fonts to embed, all text escaped.
Log axes get decade ticks labelled ``10ⁿ`` with unlabelled minor ticks at 2..9 (or 1-2-5 ticks
when the range spans less than a decade).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from reports.text import flat

W, H = 560, 320
COLORS = {"estimate": "#1d4ed8", "band": "#93c5fd", "claimed": "#c2410c", "bound": "#b91c1c",
          "best": "#15803d", "random": "#4b5563", "axis": "#374151", "grid": "#e5e7eb", "minor": "#f1f5f9",
          "a": "#1d4ed8", "b": "#c2410c", "ok": "#15803d", "bad": "#b91c1c", "muted": "#4b5563",
          "accept": "#bbf7d0", "reject": "#fecaca"}
_SUPERSCRIPT = dict(zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))


def num(v: Any) -> float:
    """``v`` as a float (NaN when it is not a number)."""
    if isinstance(v, bool):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def fmt(v: float) -> str:
    """A short label for a number."""
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞" if v < 0 else "undefined"
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        mant, exp = f"{v:.2e}".split("e")
        mant = mant.rstrip("0").rstrip(".")
        return f"{mant}×10{''.join(_SUPERSCRIPT[c] for c in str(int(exp)))}"
    return f"{v:.4g}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` (at least 3) round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    while True:
        first = math.ceil(lo / step - 1e-9) * step
        ticks = [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]
        if len(ticks) >= 3 or step < (hi - lo) * 1e-6:
            return ticks
        step /= 2


def decade_label(e: int, plain: bool = False) -> str:
    """``10ⁿ`` for a decade tick (a plain number when ``plain``)."""
    if plain:
        return fmt(10.0 ** e)
    return "10" + "".join(_SUPERSCRIPT[c] for c in str(e))


class Axis:
    """A linear or log10 map from data to pixels, with its ticks."""

    def __init__(self, lo: float, hi: float, a: float, b: float, log: bool) -> None:
        self.log = log
        f = math.log10 if log else float
        self.lo, self.hi = f(lo), f(hi)
        if self.hi - self.lo < 1e-12 * max(1.0, abs(self.lo)):
            pad = 0.5 if log else max(abs(self.lo) * 0.1, 1e-9)
            self.lo, self.hi = self.lo - pad, self.hi + pad
        self.a, self.b = a, b

    def __call__(self, v: float) -> float:
        t = math.log10(v) if self.log else v
        return self.a + (t - self.lo) / (self.hi - self.lo) * (self.b - self.a)

    def inside(self, v: float) -> bool:
        """Whether ``v`` maps inside the axis range."""
        return math.isfinite(v) and (v > 0 or not self.log) and min(self.a, self.b) - 0.5 <= self(v) <= \
            max(self.a, self.b) + 0.5

    def ticks(self) -> list[tuple[float, str, bool]]:
        """(value, label, major) for every tick; minor ticks have an empty label."""
        if not self.log:
            return [(t, fmt(t), True) for t in nice_ticks(self.lo, self.hi)]
        lo, hi = math.floor(self.lo), math.ceil(self.hi)
        if math.floor(self.hi) - math.ceil(self.lo) >= 1:
            every = max(1, (hi - lo + 5) // 6)
            plain = -2 <= lo and hi <= 3
            out = [(10.0 ** e, decade_label(e, plain) if e % every == 0 else "", True) for e in range(lo, hi + 1)]
            out += [(m * 10.0 ** e, "", False) for e in range(lo, hi + 1) for m in range(2, 10)]
            return out
        steps = [(m * 10.0 ** e, fmt(m * 10.0 ** e), True) for e in range(lo, hi + 1) for m in (1, 2, 5)]
        inside = [t for t in steps if self.lo <= math.log10(t[0]) <= self.hi]
        if len(inside) >= 2:
            return steps
        fine = [(m * 10.0 ** e, fmt(m * 10.0 ** e), True) for e in range(lo, hi + 1) for m in range(1, 10)]
        if any(self.lo <= math.log10(t[0]) <= self.hi for t in fine):
            return fine
        middle = 10.0 ** ((self.lo + self.hi) / 2)  # a constant series: label its own value
        return [(middle, fmt(middle), True)]


def padded(values: Sequence[float], log: bool, frac: float = 0.06) -> tuple[float, float]:
    """The range of ``values`` with a margin (multiplicative on a log axis)."""
    lo, hi = min(values), max(values)
    if log:
        span = max(math.log10(hi / lo), 0.2)
        return lo / 10 ** (frac * span), hi * 10 ** (frac * span)
    pad = frac * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-9)
    return lo - pad, hi + pad


def path(points: Sequence[tuple[float, float]]) -> str:
    """An SVG path through ``points``."""
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))


def text(s: Any) -> str:
    """Escaped plain text for SVG (LaTeX and SymPy syntax turned into Unicode)."""
    return str(escape(flat(s)))


def frame(X: Axis, Y: Axis, xlabel: str, ylabel: str) -> str:
    """Grid, tick labels, the plot rectangle and the axis labels."""
    c, out = COLORS, []
    for t, label, major in X.ticks():
        if X.inside(t):
            px = X(t)
            out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{Y.a}" y2="{Y.b}" '
                       f'stroke="{c["grid"] if major else c["minor"]}"/>')
            if label:
                out.append(f'<text x="{px:.1f}" y="{Y.a + 15}" text-anchor="middle">{escape(label)}</text>')
            elif X.log:
                out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{Y.a}" y2="{Y.a + 4}" stroke="{c["axis"]}"/>')
    for t, label, major in Y.ticks():
        if Y.inside(t):
            py = Y(t)
            out.append(f'<line x1="{X.a}" x2="{X.b}" y1="{py:.1f}" y2="{py:.1f}" '
                       f'stroke="{c["grid"] if major else c["minor"]}"/>')
            if label:
                out.append(f'<text x="{X.a - 6}" y="{py + 4:.1f}" text-anchor="end">{escape(label)}</text>')
            elif Y.log:
                out.append(f'<line x1="{X.a - 4}" x2="{X.a}" y1="{py:.1f}" y2="{py:.1f}" stroke="{c["axis"]}"/>')
    out.append(f'<rect x="{X.a}" y="{Y.b}" width="{X.b - X.a}" height="{Y.a - Y.b}" fill="none" '
               f'stroke="{c["axis"]}"/>')
    xl = text(xlabel) + (" (log scale)" if X.log else "")
    yl = text(ylabel) + (" (log scale)" if Y.log else "")
    out.append(f'<text x="{(X.a + X.b) / 2:.1f}" y="{Y.a + 34}" text-anchor="middle" class="label">{xl}</text>')
    out.append(f'<text transform="translate(13 {(Y.a + Y.b) / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="label">{yl}</text>')
    return "".join(out)


def legend(items: Sequence[tuple[str, str]], top: float, left: float = 60, width: float = W - 16) -> tuple[str, float]:
    """Legend entries (swatch markup, label), wrapped into rows; returns the markup and the y below it."""
    out, x, y = [], left, top
    for swatch, label in items:
        w = 28 + 6.1 * len(label)
        if x + w > width and x > left:
            x, y = left, y + 16
        out.append(f'<g transform="translate({x:.0f} {y:.0f})">{swatch}<text x="24" y="4">{escape(label)}</text></g>')
        x += w + 12
    return f'<g class="legend">{"".join(out)}</g>', y + 14


def swatch(kind: str, color: str, dash: str = "") -> str:
    """A legend swatch: ``line``, ``dot``, ``square``, ``band`` or ``ring``."""
    if kind == "band":
        return f'<rect x="0" y="-5" width="18" height="10" fill="{color}" fill-opacity="0.5"/>'
    if kind == "dot":
        return f'<circle cx="9" cy="0" r="4" fill="{color}"/>'
    if kind == "ring":
        return f'<circle cx="9" cy="0" r="4" fill="white" stroke="{color}" stroke-width="2"/>'
    if kind == "square":
        return f'<rect x="5" y="-4" width="8" height="8" fill="{color}"/>'
    return f'<line x1="0" x2="18" y1="0" y2="0" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>'


def wrap(title: str, body: str, kind: str, height: float) -> Markup:
    """The ``<svg>`` element: title on top, then ``body``."""
    t = text(title)
    return Markup(
        f'<svg class="figure {kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height:.0f}" '
        f'width="{W}" height="{height:.0f}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" '
        f'font-size="11" fill="#111827"><title>{t}</title>'
        f'<text x="{W / 2}" y="17" text-anchor="middle" font-size="13" font-weight="600">{t}</text>'
        f'{body}</svg>')


__all__ = ["W", "H", "COLORS", "num", "fmt", "nice_ticks", "decade_label", "Axis", "padded", "path", "text", "frame",
           "legend", "swatch", "wrap"]
