"""A check's statistics as rows of plain labels and readable values (no raw keys like ``z_crit``)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from reports.text import flat, stat_label

_MERGED = {"ci_low", "ci_high", "unit", "max_looks", "sequential", "equivalence"}


def value(v: Any) -> str:
    """A statistic's value in words: numbers to 4 significant digits, lists shortened, NaN as "undefined"."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "–"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "undefined" if v != v else ("∞" if v > 0 else "−∞")
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v[:8]) + (f", … ({len(v)} in all)" if len(v) > 8 else "") + "]"
    if isinstance(v, Mapping):
        return "; ".join(f"{flat(k).replace('_', ' ')} = {value(x)}" for k, x in list(v.items())[:12])
    text = flat(v)
    if text.strip().lower() in ("nan", "undefined (nan)"):
        return "undefined"
    return _long_number(text) or text


def _long_number(text: str) -> str:
    """A long exact integer or fraction (``150597.../2835...``) as "≈ 0.8301 (exact: 120 digits)"."""
    m = re.fullmatch(r"\s*(-?\d+)(?:\s*/\s*(\d+))?\s*", text)
    if not m or len(text) <= 24:
        return ""
    try:
        approx = float(Fraction(int(m.group(1)), int(m.group(2) or 1)))
    except (OverflowError, ZeroDivisionError, ValueError):
        return ""
    return f"≈ {approx:.6g} (exact value with {len(text.strip())} characters)"


def statistics_rows(stats: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) rows: the interval as one row, samples with their unit, looks as "k of m", power in %."""
    stats = stats if isinstance(stats, Mapping) else {}
    rows: list[tuple[str, str]] = []
    for key, v in stats.items():
        if key in _MERGED:
            continue
        if key == "estimate" and "ci_low" in stats and "ci_high" in stats:
            rows.append(("estimate", value(v)))
            rows.append(("interval", f"[{value(stats['ci_low'])}, {value(stats['ci_high'])}]"))
        elif key in ("samples", "n") and "unit" in stats:
            if key == "n" and "samples" in stats:
                continue
            rows.append(("samples", f"{value(v)} {flat(stats['unit'])}"))
        elif key == "looks" and "max_looks" in stats:
            rows.append(("looks taken (sequential design)", f"{value(v)} of {value(stats['max_looks'])}"))
        elif key == "power" and isinstance(v, (int, float)) and not isinstance(v, bool):
            rows.append((stat_label(key), _percent(float(v))))
        elif key in ("alpha", "alpha_look", "level", "level_per_stage") and isinstance(v, float):
            rows.append((stat_label(key), f"{v:.2g}"))
        else:
            rows.append((stat_label(key), value(v)))
    return rows


def _percent(p: float) -> str:
    if p >= 0.9999:
        return "≥ 99.99 %"
    return f"{100 * p:.3g} %"


__all__ = ["statistics_rows", "value"]
