"""Figure dicts from checks as small inline SVG (hand-written; no external resources, no fonts to embed).

Kinds: ``line`` (Monte Carlo estimate with confidence band and the claimed curve versus a grid,
log-log when ``log``) and ``tightness`` (best value found by the search versus the bound).
Unknown kinds render as an escaped JSON listing. Every text is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

_W, _H = 560, 300
_M = {"left": 64, "right": 16, "top": 44, "bottom": 46}
_COLORS = {"estimate": "#1f5fa8", "band": "#9cc0ea", "claimed": "#c2410c", "bound": "#b91c1c",
           "best": "#15803d", "random": "#6b7280", "axis": "#374151", "grid": "#e5e7eb"}


def svg(figure: Mapping[str, Any]) -> Markup:
    """An ``<svg>`` (or a ``<pre>`` listing for an unknown kind) for one figure dict."""
    kind = figure.get("kind")
    try:
        if kind == "line":
            return _line(figure)
        if kind == "tightness":
            return _tightness(figure)
    except (TypeError, ValueError, KeyError):
        pass
    listing = json.dumps(figure, indent=1, default=str)[:4000]
    return Markup('<pre class="figure-data">figure ({}) could not be drawn:\n{}</pre>').format(kind, listing)


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return f"{v:.1e}".replace("e-0", "e-").replace("e+0", "e")
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


class _Axis:
    """A linear or log10 map from data to pixels."""

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

    def ticks(self) -> list[float]:
        if not self.log:
            return nice_ticks(self.lo, self.hi)
        lo, hi = math.ceil(self.lo - 1e-9), math.floor(self.hi + 1e-9)
        if hi - lo >= 1:
            return [10.0 ** e for e in range(lo, hi + 1, max(1, (hi - lo) // 5))]
        return [t for t in nice_ticks(10 ** self.lo, 10 ** self.hi, 4) if t > 0]


def _padded(values: Sequence[float], log: bool) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if log:
        return lo / 10 ** (0.05 * max(math.log10(hi / lo), 0.2)), hi * 10 ** (0.05 * max(math.log10(hi / lo), 0.2))
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-9)
    return lo - pad, hi + pad


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))


def _series(figure: Mapping[str, Any], name: str, n: int) -> list[float]:
    values = figure.get(name)
    if not isinstance(values, Sequence) or isinstance(values, str) or len(values) != n:
        return [math.nan] * n
    return [_num(v) for v in values]


def _line(figure: Mapping[str, Any]) -> Markup:
    x = [_num(v) for v in figure["x"]]
    n = len(x)
    y, low, high, claimed = (_series(figure, k, n) for k in ("y", "low", "high", "claimed"))
    log = bool(figure.get("log"))
    ok = [i for i in range(n) if math.isfinite(x[i]) and math.isfinite(y[i]) and (not log or x[i] > 0)]
    if not ok:
        raise ValueError("no finite points")
    ys = [v for i in ok for v in (y[i], low[i], high[i], claimed[i]) if math.isfinite(v)]
    ylog = log and all(v > 0 for v in ys)
    xs_ = _padded([x[i] for i in ok], log)
    ys_ = _padded(ys, ylog)
    X = _Axis(*xs_, _M["left"], _W - _M["right"], log)
    Y = _Axis(*ys_, _H - _M["bottom"], _M["top"], ylog)
    body = [_frame(figure, X, Y, [x[i] for i in ok])]
    band = [i for i in ok if math.isfinite(low[i]) and math.isfinite(high[i]) and (not ylog or low[i] > 0)]
    if band:
        pts = [(X(x[i]), Y(high[i])) for i in band] + [(X(x[i]), Y(low[i])) for i in reversed(band)]
        body.append(f'<path class="band" d="{_path(pts)} Z" fill="{_COLORS["band"]}" fill-opacity="0.45" '
                    f'stroke="none"/>')
        for i in band:
            body.append(f'<line x1="{X(x[i]):.1f}" x2="{X(x[i]):.1f}" y1="{Y(low[i]):.1f}" y2="{Y(high[i]):.1f}" '
                        f'stroke="{_COLORS["estimate"]}" stroke-width="1"/>')
    cl = [i for i in ok if math.isfinite(claimed[i]) and (not ylog or claimed[i] > 0)]
    if cl:
        body.append(f'<path class="claimed" d="{_path([(X(x[i]), Y(claimed[i])) for i in cl])}" fill="none" '
                    f'stroke="{_COLORS["claimed"]}" stroke-width="2" stroke-dasharray="6 4"/>')
    body.append(f'<path class="estimate" d="{_path([(X(x[i]), Y(y[i])) for i in ok])}" fill="none" '
                f'stroke="{_COLORS["estimate"]}" stroke-width="2"/>')
    for i in ok:
        tip = escape(f"x = {_fmt(x[i])}: estimate {_fmt(y[i])}"
                     + (f", CI [{_fmt(low[i])}, {_fmt(high[i])}]" if i in band else "")
                     + (f", claimed {_fmt(claimed[i])}" if i in cl else ""))
        body.append(f'<circle cx="{X(x[i]):.1f}" cy="{Y(y[i]):.1f}" r="3.5" fill="{_COLORS["estimate"]}">'
                    f'<title>{tip}</title></circle>')
    legend = [("estimate", "estimate", ""), ("band", "confidence interval", "")]
    if cl:
        legend.append(("claimed", "claimed", "6 4"))
    body.append(_legend(legend))
    if log and not ylog:
        body.append(f'<text x="{_W - _M["right"]}" y="{_M["top"] - 9}" text-anchor="end" class="note">'
                    'y has values ≤ 0: linear y axis</text>')
    return _wrap(figure, "".join(body), "line")


def _frame(figure: Mapping[str, Any], X: _Axis, Y: _Axis, xs: Sequence[float] = ()) -> str:
    c = _COLORS
    out = []
    for t in (xs if 1 < len(xs) <= 10 else X.ticks()):
        px = X(t)
        if X.a - 0.5 <= px <= X.b + 0.5:
            out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{Y.a}" y2="{Y.b}" stroke="{c["grid"]}"/>'
                       f'<text x="{px:.1f}" y="{Y.a + 16}" text-anchor="middle">{escape(_fmt(t))}</text>')
    for t in Y.ticks():
        py = Y(t)
        if Y.b - 0.5 <= py <= Y.a + 0.5:
            out.append(f'<line x1="{X.a}" x2="{X.b}" y1="{py:.1f}" y2="{py:.1f}" stroke="{c["grid"]}"/>'
                       f'<text x="{X.a - 6}" y="{py + 4:.1f}" text-anchor="end">{escape(_fmt(t))}</text>')
    out.append(f'<rect x="{X.a}" y="{Y.b}" width="{X.b - X.a}" height="{Y.a - Y.b}" fill="none" '
               f'stroke="{c["axis"]}"/>')
    xl = escape(str(figure.get("xlabel", "")) + (" (log scale)" if X.log else ""))
    yl = escape(str(figure.get("ylabel", "")) + (" (log scale)" if Y.log else ""))
    out.append(f'<text x="{(X.a + X.b) / 2:.1f}" y="{_H - 8}" text-anchor="middle" class="label">{xl}</text>')
    out.append(f'<text transform="translate(14 {(Y.a + Y.b) / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="label">{yl}</text>')
    return "".join(out)


def _legend(items: list[tuple[str, str, str]]) -> str:
    out, x = [], _M["left"]
    y = _M["top"] - 9
    for key, label, dash in items:
        if key == "band":
            out.append(f'<rect x="{x}" y="{y - 8}" width="18" height="10" fill="{_COLORS["band"]}" '
                       f'fill-opacity="0.45"/>')
        else:
            out.append(f'<line x1="{x}" x2="{x + 18}" y1="{y - 3}" y2="{y - 3}" stroke="{_COLORS[key]}" '
                       f'stroke-width="2" stroke-dasharray="{dash}"/>')
        out.append(f'<text x="{x + 23}" y="{y + 1}">{escape(label)}</text>')
        x += 32 + 7 * len(label)
    return f'<g class="legend">{"".join(out)}</g>'


def _wrap(figure: Mapping[str, Any], body: str, kind: str, height: int = _H) -> Markup:
    title = escape(str(figure.get("title", "")))
    return Markup(
        f'<svg class="figure {kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" '
        f'width="{_W}" height="{height}" role="img" aria-label="{title}" font-family="system-ui, sans-serif" '
        f'font-size="11" fill="#111827"><title>{title}</title>'
        f'<text x="{_W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">{title}</text>'
        f'{body}</svg>')


def _tightness(figure: Mapping[str, Any]) -> Markup:
    bound, best = _num(figure["bound"]), _num(figure["best"])
    rnd = _num(figure.get("best_random_search"))
    marks = [v for v in (bound, best, rnd) if math.isfinite(v)]
    if not math.isfinite(bound) or not marks:
        raise ValueError("no bound")
    lo, hi = _padded(marks, False)
    spread = hi - lo
    lo, hi = lo - 0.15 * spread, hi + 0.15 * spread
    h = 134
    X = _Axis(lo, hi, _M["left"], _W - _M["right"] - 40, False)
    base = 72
    out = [f'<line x1="{X.a}" x2="{X.b}" y1="{base}" y2="{base}" stroke="{_COLORS["axis"]}"/>']
    for t in X.ticks():
        out.append(f'<line x1="{X(t):.1f}" x2="{X(t):.1f}" y1="{base}" y2="{base + 5}" stroke="{_COLORS["axis"]}"/>'
                   f'<text x="{X(t):.1f}" y="{base + 18}" text-anchor="middle">{escape(_fmt(t))}</text>')
    above = f'<rect x="{X(bound):.1f}" y="{base - 30}" width="{max(X.b - X(bound), 0):.1f}" height="30" ' \
            f'fill="{_COLORS["bound"]}" fill-opacity="0.08"/>'
    out.append(above)
    out.append(f'<line class="bound" x1="{X(bound):.1f}" x2="{X(bound):.1f}" y1="{base - 34}" y2="{base + 5}" '
               f'stroke="{_COLORS["bound"]}" stroke-width="2"/>'
               f'<text x="{X(bound):.1f}" y="{base - 38}" text-anchor="middle" fill="{_COLORS["bound"]}">'
               f'bound {escape(_fmt(bound))}</text>')
    if math.isfinite(rnd):
        out.append(f'<circle cx="{X(rnd):.1f}" cy="{base - 8}" r="5" fill="white" stroke="{_COLORS["random"]}" '
                   f'stroke-width="2"><title>{escape("random search best: " + _fmt(rnd))}</title></circle>')
    if math.isfinite(best):
        out.append(f'<circle class="best" cx="{X(best):.1f}" cy="{base - 18}" r="5" fill="{_COLORS["best"]}">'
                   f'<title>{escape("best found: " + _fmt(best))}</title></circle>')
    gap = bound - best if math.isfinite(best) else math.nan
    verdict = ("exceeds the bound" if gap < 0 else "attains the bound" if gap <= 1e-9 * max(1.0, abs(bound))
               else "stays below the bound")
    out.append(f'<text x="{X(bound) + 4:.1f}" y="{base - 22}" class="note">above the bound</text>')
    lines = [f"● best found {_fmt(best)}   ○ best of random search {_fmt(rnd)}",
             f"gap to the bound {_fmt(gap)}: {verdict}"]
    for i, line in enumerate(lines):
        out.append(f'<text x="{_M["left"]}" y="{h - 22 + 13 * i}" class="note">{escape(line)}</text>')
    fig = {"title": figure.get("title") or "Tightness: largest value found vs the bound"}
    return _wrap(fig, "".join(out), "tightness", height=h)


FIGURE_RENDERERS: dict[str, Callable[[Mapping[str, Any]], Markup]] = {"line": _line, "tightness": _tightness}
