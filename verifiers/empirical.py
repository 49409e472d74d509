"""Empirical checks: deterministic operation counts and log-log scaling exponents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from verifiers.model import Outcome


def flops(fn: Callable[..., Any], *args: Any) -> int:
    """Floating-point operations of ``fn(*args)`` as counted by torch's ``FlopCounterMode``."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return int(counter.get_total_flops())


def loglog_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of ``log y`` against ``log x``."""
    lx, ly = np.log(np.asarray(xs, dtype=np.float64)), np.log(np.asarray(ys, dtype=np.float64))
    return float(np.polyfit(lx, ly, 1)[0])


def scaling(
    xs: Sequence[float],
    counts: Sequence[float],
    claimed_slope: float,
    *,
    what: str,
    tol: float = 0.1,
    xlabel: str = "n",
) -> Outcome:
    """Compare the log-log slope of deterministic counts with a claimed exponent (``±tol``)."""
    slope = loglog_slope(xs, counts)
    stats = {"slope": slope, "claimed_slope": claimed_slope, "tolerance": tol,
             "grid": list(map(float, xs)), "counts": list(map(float, counts))}
    figure = {"kind": "line", "title": what, "xlabel": xlabel, "ylabel": "operations", "log": True,
              "x": list(map(float, xs)), "y": list(map(float, counts))}
    if abs(slope - claimed_slope) <= tol:
        return Outcome(verdict="supported", statistics=stats, figures=(figure,),
                       reason=f"{what}: log-log slope {slope:.3f} matches {claimed_slope:g} within {tol:g}")
    return Outcome(verdict="refuted", statistics=stats, figures=(figure,),
                   counterexample={"slope": slope, "claimed_slope": claimed_slope},
                   reason=f"{what}: log-log slope {slope:.3f}, not {claimed_slope:g} (tolerance {tol:g})")
