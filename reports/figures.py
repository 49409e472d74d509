"""Figures of checks as inline SVG, each with a caption that states what is drawn and the check's decision.

Kinds (the figure dicts checks record):

- ``line``: values against a grid. A shaded band only where the figure carries an interval
  (``low``/``high``; its label in ``band``); ``exact`` series are drawn as exact values. The
  claimed curve (``claimed``) or the claimed growth (``claimed_slope``, ``log_power``: drawn
  through the last point) is dashed. ``log``: log-log axes with decade ticks.
- ``tightness``: the best value a search found against the bound, with the tolerance the check
  allows (a gap of -2e-16 "attains the bound", it does not exceed it).
- ``seeds``: an experiment: both arms per seed, and the per-seed differences with the effect's
  interval against the margin.
- ``verdicts``: verdicts against a parameter (``claims probe``).
- ``interval`` (derived here from a check's statistics when it recorded no figure): the
  estimate's interval against the claimed value ± the check's resolution.

Unknown kinds render as an escaped listing. Every text is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from reports.math import inline
from reports.svgplot import COLORS, Axis, H, W, fmt, frame, legend, nice_ticks, num, padded, path, swatch, text, wrap
from reports.text import flat, readable

LEFT, RIGHT, BOTTOM = 64, 16, 44


def _series(figure: Mapping[str, Any], name: str, n: int) -> list[float]:
    values = figure.get(name)
    if not isinstance(values, Sequence) or isinstance(values, str) or len(values) != n:
        return [math.nan] * n
    return [num(v) for v in values]


def _circle(x: float, y: float, color: str, tip: str, r: float = 3.5, cls: str = "pt") -> str:
    return (f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}">'
            f'<title>{escape(tip)}</title></circle>')


def _slope_curve(x: list[float], y: list[float], ok: list[int], slope: float, power: float) -> list[float]:
    """The claimed growth ``C x^slope (log x)^power`` through the last point."""
    last = ok[-1]
    x0, y0 = x[last], y[last]

    def g(v: float) -> float:
        return v ** slope * (math.log(v) ** power if power else 1.0)

    if g(x0) == 0 or not math.isfinite(g(x0)):
        return [math.nan] * len(x)
    return [y0 * g(v) / g(x0) if v > 1 or not power else math.nan for v in x]


def line(figure: Mapping[str, Any]) -> tuple[str, float, list[str]]:
    """SVG body, height and caption sentences of a ``line`` figure."""
    x = [num(v) for v in figure["x"]]
    n = len(x)
    y, low, high, claimed = (_series(figure, k, n) for k in ("y", "low", "high", "claimed"))
    log, exact = bool(figure.get("log")), bool(figure.get("exact"))
    ok = [i for i in range(n) if math.isfinite(x[i]) and math.isfinite(y[i]) and (not log or x[i] > 0)]
    if not ok:
        raise ValueError("no finite points")
    slope = num(figure.get("claimed_slope"))
    power = num(figure.get("log_power")) if math.isfinite(num(figure.get("log_power"))) else 0.0
    if math.isfinite(slope) and not any(math.isfinite(c) for c in claimed):
        claimed = _slope_curve(x, y, ok, slope, power)
    band = [i for i in ok if math.isfinite(low[i]) and math.isfinite(high[i]) and high[i] >= low[i]]
    values = [v for i in ok for v in (y[i], claimed[i], *((low[i], high[i]) if i in band else ())) if math.isfinite(v)]
    ylog = log and all(v > 0 for v in values)
    band = [i for i in band if not ylog or low[i] > 0]
    cl = [i for i in ok if math.isfinite(claimed[i]) and (not ylog or claimed[i] > 0)]
    series = "exact value" if exact else "estimate" if band else "computed value"
    items = [(swatch("dot", COLORS["estimate"]), series)]
    if band:
        items.append((swatch("band", COLORS["band"]), str(figure.get("band") or "confidence interval")))
    if cl:
        growth = _growth(slope, power) if math.isfinite(slope) else ""
        items.append((swatch("line", COLORS["claimed"], "6 4"),
                      f"claimed {growth}, through the last point" if growth else "claimed"))
    leg, top = legend(items, 34)
    X = Axis(*padded([x[i] for i in ok], log), LEFT, W - RIGHT, log)
    Y = Axis(*padded(values, ylog), H - BOTTOM, top + 4, ylog)
    body = [leg, frame(X, Y, str(figure.get("xlabel", "")), str(figure.get("ylabel", "")))]
    if band:
        pts = [(X(x[i]), Y(high[i])) for i in band] + [(X(x[i]), Y(low[i])) for i in reversed(band)]
        body.append(f'<path class="band" d="{path(pts)} Z" fill="{COLORS["band"]}" fill-opacity="0.5" stroke="none"/>')
        body += [f'<line class="err" x1="{X(x[i]):.1f}" x2="{X(x[i]):.1f}" y1="{Y(low[i]):.1f}" y2="{Y(high[i]):.1f}" '
                 f'stroke="{COLORS["estimate"]}" stroke-width="1"/>' for i in band]
    body.append(f'<path class="estimate" d="{path([(X(x[i]), Y(y[i])) for i in ok])}" fill="none" '
                f'stroke="{COLORS["estimate"]}" stroke-width="1.5"/>')
    if cl:
        body.append(f'<path class="claimed" d="{path([(X(x[i]), Y(claimed[i])) for i in cl])}" fill="none" '
                    f'stroke="{COLORS["claimed"]}" stroke-width="2" stroke-dasharray="6 4"/>')
    for i in ok:
        tip = (f"{flat(figure.get('xlabel', 'x'))} = {fmt(x[i])}: {series} {fmt(y[i])}"
               + (f", interval [{fmt(low[i])}, {fmt(high[i])}]" if i in band else "")
               + (f", claimed {fmt(claimed[i])}" if i in cl else ""))
        body.append(_circle(X(x[i]), Y(y[i]), COLORS["estimate"], tip))
    caption = [f"Points: {series}s" + (" (computed exactly: no sampling error, so no band)." if exact else ".")]
    if band:
        caption.append(f"Shaded band: the {figure.get('band') or 'confidence interval'} at each point.")
    elif not exact:
        caption.append("No interval was recorded for these values, so no band is drawn.")
    if cl:
        caption.append(f"Dashed: the claimed growth {_growth(slope, power)}, scaled to pass through the last point."
                       if math.isfinite(slope) else "Dashed: the claimed values.")
    if log:
        caption.append("Both axes are logarithmic." if ylog else
                       "The x axis is logarithmic; the y axis is linear because some values are ≤ 0.")
    return "".join(body), H, caption


def _growth(slope: float, power: float) -> str:
    if not math.isfinite(slope):
        return ""
    base = f"x^{slope:g}"
    return base + (f" (log x)^{power:g}" if power else "")


def tightness(figure: Mapping[str, Any]) -> tuple[str, float, list[str]]:
    """A ``tightness`` figure: best value found against the bound, with the tolerance the check allows."""
    bound, best = num(figure["bound"]), num(figure["best"])
    rnd = num(figure.get("best_random_search"))
    tol = num(figure.get("tolerance"))
    tol = tol if math.isfinite(tol) else 1e-9
    marks = [v for v in (bound, best, rnd) if math.isfinite(v)]
    if not math.isfinite(bound) or not marks:
        raise ValueError("no bound")
    lo, hi = padded(marks, False, 0.2)
    h, base = 136, 96
    X = Axis(lo, hi, LEFT, W - RIGHT - 30, False)
    out = [f'<line x1="{X.a}" x2="{X.b}" y1="{base}" y2="{base}" stroke="{COLORS["axis"]}"/>']
    for t in nice_ticks(X.lo, X.hi):
        out.append(f'<line x1="{X(t):.1f}" x2="{X(t):.1f}" y1="{base}" y2="{base + 5}" stroke="{COLORS["axis"]}"/>'
                   f'<text x="{X(t):.1f}" y="{base + 18}" text-anchor="middle">{escape(fmt(t))}</text>')
    edge = max(min(X(bound + tol), X.b), X.a)
    out.append(f'<rect x="{edge:.1f}" y="{base - 34}" width="{max(X.b - edge, 0):.1f}" height="34" '
               f'fill="{COLORS["reject"]}" fill-opacity="0.6"/>')
    if X.b - edge > 110:
        out.append(f'<text x="{X.b - 4:.1f}" y="{base - 24}" text-anchor="end" class="note">refutes the bound</text>')
    out.append(f'<line class="bound" x1="{X(bound):.1f}" x2="{X(bound):.1f}" y1="{base - 38}" y2="{base + 5}" '
               f'stroke="{COLORS["bound"]}" stroke-width="2"/>'
               f'<text x="{X(bound):.1f}" y="{base - 42}" text-anchor="middle" fill="{COLORS["bound"]}">'
               f'bound {escape(fmt(bound))}</text>')
    if math.isfinite(rnd):
        out.append(f'<circle cx="{X(rnd):.1f}" cy="{base - 8}" r="5" fill="white" stroke="{COLORS["random"]}" '
                   f'stroke-width="2"><title>{escape("random search best: " + fmt(rnd))}</title></circle>')
    if math.isfinite(best):
        out.append(_circle(X(best), base - 18, COLORS["best"], "best found: " + fmt(best), 5, "best"))
    items = [(swatch("dot", COLORS["best"]), "best value found"), (swatch("line", COLORS["bound"]), "bound")]
    if math.isfinite(rnd):
        items.insert(1, (swatch("ring", COLORS["random"]), "best of random search"))
    leg, _ = legend(items, 32)
    gap = bound - best
    state = tightness_state(bound, best, tol)
    caption = [f"The check refutes the bound only for a value above bound + tolerance ({fmt(tol)}); shaded: that "
               f"region. Gap bound − best = {fmt(gap)}: the best value {state}."]
    return leg + "".join(out), h, caption


def tightness_state(bound: float, best: float, tol: float) -> str:
    """How the best value relates to the bound under the check's tolerance."""
    if not math.isfinite(best):
        return "was not found"
    if best > bound + tol:
        return "exceeds the bound by more than the tolerance"
    if abs(bound - best) <= tol:
        return "attains the bound within the tolerance"
    return f"stays {fmt(bound - best)} below the bound"


def seeds(figure: Mapping[str, Any]) -> tuple[str, float, list[str]]:
    """An experiment: both arms per seed (left) and the per-seed differences with the effect's interval (right)."""
    a, b = [num(v) for v in figure["a"]], [num(v) for v in figure["b"]]
    arms = [str(v) for v in figure.get("arms") or ("A", "B")][:2] + ["A", "B"][len(figure.get("arms") or ()):]
    m = min(len(a), len(b))
    if m == 0:
        raise ValueError("no seeds")
    diff = [a[i] - b[i] for i in range(m)]
    low, high = (num(v) for v in (figure.get("ci") or [math.nan, math.nan])[:2])
    effect, margin = num(figure.get("effect")), num(figure.get("margin"))
    margin = margin if math.isfinite(margin) else 0.0
    direction = str(figure.get("direction", "greater"))
    leg, top = legend([(swatch("dot", COLORS["a"]), arms[0]), (swatch("square", COLORS["b"]), arms[1]),
                       (swatch("band", COLORS["accept"]), "where the claim holds"),
                       (swatch("line", COLORS["axis"]), "effect and its interval")], 34)
    Y1 = Axis(*padded([v for v in a[:m] + b[:m] if math.isfinite(v)], False), H - BOTTOM, top + 4, False)
    X1 = Axis(0.5, m + 0.5, LEFT, 300, False)
    body = [leg, _seed_frame(X1, Y1, m, str(figure.get("title", "")).removesuffix(" per seed"))]
    for i in range(m):
        body.append(f'<line x1="{X1(i + 1):.1f}" x2="{X1(i + 1):.1f}" y1="{Y1(a[i]):.1f}" y2="{Y1(b[i]):.1f}" '
                    f'stroke="{COLORS["grid"]}" stroke-width="2"/>')
        body.append(_circle(X1(i + 1), Y1(a[i]), COLORS["a"], f"seed {i + 1}: {arms[0]} {fmt(a[i])}", 3.5, "seed-a"))
        body.append(f'<rect class="seed-b" x="{X1(i + 1) - 3.5:.1f}" y="{Y1(b[i]) - 3.5:.1f}" width="7" height="7" '
                    f'fill="{COLORS["b"]}"><title>{escape(f"seed {i + 1}: {arms[1]} {fmt(b[i])}")}</title></rect>')
    body.append(_difference_panel(diff, effect, low, high, margin, direction, arms, top))
    caption = [f"Left: {flat(figure.get('title', 'the metric'))} for {arms[0]} (dots) and {arms[1]} (squares), one "
               f"pair per seed ({m} seeds). Right: the per-seed differences {arms[0]} − {arms[1]}, the effect "
               f"{fmt(effect)} and its interval [{fmt(low)}, {fmt(high)}]; green: {_region(direction, margin)}.",
               "The claim is supported when the whole interval lies in the green region and refuted when it lies "
               "entirely outside it."]
    return "".join(body), H, caption


def _region(direction: str, margin: float) -> str:
    return {"greater": f"differences above {fmt(margin)}", "less": f"differences below {fmt(-margin)}",
            "equal": f"differences within ±{fmt(margin)}"}.get(direction, "where the claim holds")


def _seed_frame(X: Axis, Y: Axis, m: int, ylabel: str) -> str:
    ticks = [i for i in range(1, m + 1) if m <= 10 or i == 1 or i % max(1, m // 5) == 0]
    out = [f'<text x="{X(i):.1f}" y="{Y.a + 15}" text-anchor="middle">{i}</text>' for i in ticks]
    for t in nice_ticks(Y.lo, Y.hi):
        out.append(f'<line x1="{X.a}" x2="{X.b}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="{COLORS["grid"]}"/>'
                   f'<text x="{X.a - 6}" y="{Y(t) + 4:.1f}" text-anchor="end">{escape(fmt(t))}</text>')
    out.append(f'<rect x="{X.a}" y="{Y.b}" width="{X.b - X.a}" height="{Y.a - Y.b}" fill="none" '
               f'stroke="{COLORS["axis"]}"/><text x="{(X.a + X.b) / 2:.1f}" y="{Y.a + 34}" text-anchor="middle" '
               f'class="label">seed</text><text transform="translate(13 {(Y.a + Y.b) / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle" class="label">{text(ylabel)[:60]}</text>')
    return "".join(out)


def _difference_panel(diff: list[float], effect: float, low: float, high: float, margin: float, direction: str,
                      arms: list[str], top: float) -> str:
    values = [v for v in (*diff, low, high, margin, -margin, 0.0) if math.isfinite(v)]
    Y = Axis(*padded(values, False, 0.1), H - BOTTOM, top + 4, False)
    X = Axis(0, 1, 370, W - RIGHT, False)
    lo_ok, hi_ok = {"greater": (margin, Y.hi), "less": (Y.lo, -margin)}.get(direction, (-margin, margin))
    lo_ok, hi_ok = max(lo_ok, Y.lo), min(hi_ok, Y.hi)
    out = []
    if hi_ok > lo_ok:
        out.append(f'<rect class="accept" x="{X.a}" y="{Y(hi_ok):.1f}" width="{X.b - X.a}" '
                   f'height="{Y(lo_ok) - Y(hi_ok):.1f}" fill="{COLORS["accept"]}" fill-opacity="0.6"/>')
    for t in nice_ticks(Y.lo, Y.hi):
        out.append(f'<text x="{X.a - 6}" y="{Y(t) + 4:.1f}" text-anchor="end">{escape(fmt(t))}</text>')
    out.append(f'<line x1="{X.a}" x2="{X.b}" y1="{Y(0):.1f}" y2="{Y(0):.1f}" stroke="{COLORS["axis"]}" '
               f'stroke-dasharray="2 3"/>')
    for i, d in enumerate(diff):
        if math.isfinite(d):
            jitter = 0.15 + 0.3 * ((i * 0.618) % 1)
            out.append(_circle(X(jitter), Y(d), COLORS["muted"], f"seed {i + 1}: difference {fmt(d)}", 2.5, "diff"))
    if all(math.isfinite(v) for v in (effect, low, high)):
        cx = X(0.75)
        out.append(f'<g class="effect"><line x1="{cx:.1f}" x2="{cx:.1f}" y1="{Y(low):.1f}" y2="{Y(high):.1f}" '
                   f'stroke="{COLORS["axis"]}" stroke-width="2"/>'
                   f'<line x1="{cx - 6:.1f}" x2="{cx + 6:.1f}" y1="{Y(low):.1f}" y2="{Y(low):.1f}" '
                   f'stroke="{COLORS["axis"]}" stroke-width="2"/><line x1="{cx - 6:.1f}" x2="{cx + 6:.1f}" '
                   f'y1="{Y(high):.1f}" y2="{Y(high):.1f}" stroke="{COLORS["axis"]}" stroke-width="2"/>'
                   f'<circle cx="{cx:.1f}" cy="{Y(effect):.1f}" r="4.5" fill="{COLORS["axis"]}"><title>'
                   f'{escape(f"effect {fmt(effect)}, interval [{fmt(low)}, {fmt(high)}]")}</title></circle></g>')
    out.append(f'<rect x="{X.a}" y="{Y.b}" width="{X.b - X.a}" height="{Y.a - Y.b}" fill="none" '
               f'stroke="{COLORS["axis"]}"/><text x="{(X.a + X.b) / 2:.1f}" y="{Y.a + 15}" text-anchor="middle">'
               f'seeds · effect</text><text x="{(X.a + X.b) / 2:.1f}" y="{Y.a + 34}" text-anchor="middle" '
               f'class="label">{text(arms[0] + " − " + arms[1])}</text>')
    return "".join(out)


_VERDICT_ROWS = ("refuted", "inconclusive", "error", "supported", "proved")


def verdicts(figure: Mapping[str, Any]) -> tuple[str, float, list[str]]:
    """Verdict against a parameter (``claims probe``)."""
    pts = [(num(x), str(v)) for x, v in zip(figure["x"], figure["verdicts"]) if math.isfinite(num(x))]
    if not pts:
        raise ValueError("no points")
    h = 190
    X = Axis(*padded([p[0] for p in pts], False), 110, W - RIGHT, False)
    Y = Axis(-0.5, len(_VERDICT_ROWS) - 0.5, h - BOTTOM, 30, False)
    out = [f'<rect x="{X.a}" y="{Y.b}" width="{X.b - X.a}" height="{Y.a - Y.b}" fill="none" '
           f'stroke="{COLORS["axis"]}"/>']
    for j, name in enumerate(_VERDICT_ROWS):
        out.append(f'<text x="{X.a - 6}" y="{Y(j) + 4:.1f}" text-anchor="end">{name}</text>'
                   f'<line x1="{X.a}" x2="{X.b}" y1="{Y(j):.1f}" y2="{Y(j):.1f}" stroke="{COLORS["grid"]}"/>')
    for t in nice_ticks(X.lo, X.hi):
        out.append(f'<text x="{X(t):.1f}" y="{Y.a + 15}" text-anchor="middle">{escape(fmt(t))}</text>')
    out.append(f'<text x="{(X.a + X.b) / 2:.1f}" y="{Y.a + 34}" text-anchor="middle" class="label">'
               f'{text(figure.get("xlabel", ""))}</text>')
    for x, v in pts:
        row = _VERDICT_ROWS.index(v) if v in _VERDICT_ROWS else 1
        color = COLORS["bad"] if v == "refuted" else COLORS["ok"] if v in ("supported", "proved") else COLORS["muted"]
        out.append(_circle(X(x), Y(row), color, f"{fmt(x)}: {v}", 4))
    return "".join(out), h, ["Each point is one run of the claim at that parameter value."]


def interval(figure: Mapping[str, Any]) -> tuple[str, float, list[str]]:
    """The estimate's interval against the claimed value ± the resolution (or equivalence margin)."""
    est, lo, hi, claimed, res = (num(figure[k]) for k in ("estimate", "low", "high", "claimed", "resolution"))
    if not all(math.isfinite(v) for v in (est, lo, hi, claimed)):
        raise ValueError("incomplete interval")
    res = res if math.isfinite(res) and res > 0 else 0.0
    h, base = 124, 80
    marks = [lo, hi, claimed - res, claimed + res, est]
    X = Axis(*padded(marks, False, 0.15), LEFT, W - RIGHT, False)
    out = []
    if res > 0:
        out.append(f'<rect class="accept" x="{X(claimed - res):.1f}" y="{base - 40}" '
                   f'width="{X(claimed + res) - X(claimed - res):.1f}" height="44" fill="{COLORS["accept"]}" '
                   f'fill-opacity="0.6"/>')
    out.append(f'<line x1="{X.a}" x2="{X.b}" y1="{base + 4}" y2="{base + 4}" stroke="{COLORS["axis"]}"/>')
    for t in nice_ticks(X.lo, X.hi, 5):
        out.append(f'<line x1="{X(t):.1f}" x2="{X(t):.1f}" y1="{base + 4}" y2="{base + 9}" stroke="{COLORS["axis"]}"/>'
                   f'<text x="{X(t):.1f}" y="{base + 21}" text-anchor="middle">{escape(fmt(t))}</text>')
    out.append(f'<line class="claimed" x1="{X(claimed):.1f}" x2="{X(claimed):.1f}" y1="{base - 40}" y2="{base + 4}" '
               f'stroke="{COLORS["claimed"]}" stroke-width="2" stroke-dasharray="6 4"/>')
    y = base - 16
    out.append(f'<g class="ci"><line x1="{X(lo):.1f}" x2="{X(hi):.1f}" y1="{y}" y2="{y}" stroke="{COLORS["estimate"]}" '
               f'stroke-width="3"/><line x1="{X(lo):.1f}" x2="{X(lo):.1f}" y1="{y - 6}" y2="{y + 6}" '
               f'stroke="{COLORS["estimate"]}" stroke-width="2"/><line x1="{X(hi):.1f}" x2="{X(hi):.1f}" '
               f'y1="{y - 6}" y2="{y + 6}" stroke="{COLORS["estimate"]}" stroke-width="2"/></g>')
    out.append(_circle(X(est), y, COLORS["estimate"], f"estimate {fmt(est)}, interval [{fmt(lo)}, {fmt(hi)}]", 4.5))
    band = "equivalence margin" if figure.get("equivalence") else "resolution"
    items = [(swatch("dot", COLORS["estimate"]), "estimate and interval"),
             (swatch("line", COLORS["claimed"], "6 4"), "claimed")]
    if res > 0:
        items.append((swatch("band", COLORS["accept"]), f"claimed ± {band}"))
    leg, _ = legend(items, 28)
    if figure.get("equivalence"):
        rule = (f"The check supports the claim when the whole interval lies within claimed ± margin ({fmt(res)}), "
                "refutes it when the interval lies entirely outside, and is inconclusive otherwise.")
    else:
        rule = (f"The check refutes the claim when the interval excludes the claimed value, supports it when the whole "
                f"interval lies within claimed ± resolution ({fmt(res)}), and is inconclusive otherwise.")
    return leg + "".join(out), h, [f"The interval is the {figure.get('band') or 'confidence interval'}.", rule]


KINDS: dict[str, Callable[[Mapping[str, Any]], tuple[str, float, list[str]]]] = {
    "line": line, "tightness": tightness, "seeds": seeds, "verdicts": verdicts, "interval": interval}
_TITLES = {"tightness": "Tightness: largest value found vs the bound", "interval": "Estimate vs claimed value"}


def svg(figure: Mapping[str, Any]) -> Markup:
    """The ``<svg>`` of one figure dict (a ``<pre>`` listing for an unknown or broken one)."""
    return draw(figure)[0]


def draw(figure: Mapping[str, Any]) -> tuple[Markup, list[str]]:
    """(``<svg>``, caption sentences) of one figure dict."""
    kind = str(figure.get("kind"))
    try:
        body, height, caption = KINDS[kind](figure)
        return wrap(str(figure.get("title") or _TITLES.get(kind, "")), body, kind, height), caption
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError, OverflowError):
        listing = json.dumps(figure, indent=1, default=str)[:4000]
        broken = Markup('<pre class="figure-data">figure ({}) could not be drawn:\n{}</pre>')
        return broken.format(kind, flat(listing)), []


def derived(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Figures a check did not record but its statistics support (the interval against claimed ± resolution)."""
    stats = evidence.get("statistics") or {}
    need = ("estimate", "ci_low", "ci_high", "claimed")
    if evidence.get("figures") or not all(math.isfinite(num(stats.get(k))) for k in need):
        return []
    equivalence = bool(stats.get("equivalence"))
    res = num(stats.get("margin") if equivalence else stats.get("resolution"))
    if not math.isfinite(res):
        res = num((evidence.get("resolution") or {}).get("value"))
    quantity = (evidence.get("resolution") or {}).get("quantity") or "estimate"
    alpha = num(stats.get("alpha"))
    band = f"{1 - alpha:.6g} confidence interval" if math.isfinite(alpha) else "confidence interval"
    return [{"kind": "interval", "title": f"{quantity}: estimate vs claimed", "estimate": stats["estimate"],
             "low": stats["ci_low"], "high": stats["ci_high"], "claimed": stats["claimed"], "resolution": res,
             "equivalence": equivalence, "band": band}]


def figure_blocks(evidence: Mapping[str, Any]) -> list[Markup]:
    """``<figure>`` elements (SVG and caption) for every figure of a check, derived ones included.

    The caption says what is drawn and ends with the check's own decision (its reason), so a
    caption cannot contradict the verdict.
    """
    blocks = []
    reason = readable(evidence.get("reason", ""))
    for figure in [*(evidence.get("figures") or []), *derived(evidence)]:
        if not isinstance(figure, Mapping):
            continue
        drawing, caption = draw(figure)
        text_ = " ".join(caption + ([f"Decision ({evidence.get('verdict')}): {reason}"] if reason else []))
        blocks.append(Markup('<figure class="chart" data-kind="{}">{}<figcaption>{}</figcaption></figure>').format(
            figure.get("kind"), drawing, inline(text_)))
    return blocks


__all__ = ["svg", "draw", "derived", "figure_blocks", "line", "tightness", "tightness_state", "seeds", "verdicts",
           "interval", "KINDS", "nice_ticks"]
