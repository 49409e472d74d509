r"""Empirical checks: deterministic computations, such as exact operation counts and their growth exponents.

Operation counts are exact, so they are compared exactly: no slope tolerance is
chosen by hand. On a geometric grid :math:`x_1 < x_2 < \dots` the local exponents
:math:`\sigma_i=\log(c_{i+1}/c_i)/\log(x_{i+1}/x_i)` of counts
:math:`c(x) = a\,x^\beta(\log x)^\gamma + \text{lower order}` converge to
:math:`\beta` (after dividing out the claimed log factor). Lower-order terms make the
corrections shrink geometrically along the grid, so the limit is estimated by Aitken's
extrapolation of the last three local exponents (when their differences shrink with one
sign; otherwise by the last one), and the estimate's uncertainty is the size of that
correction (twice the last drift without extrapolation). A claimed exponent is supported
only within that uncertainty (plus float rounding), which is the check's resolution:
constant counts (no drift) refute every non-zero claimed exponent, and counts
:math:`3D/(4d+3)` give the exponent :math:`-1` in :math:`d` to about 1e-3, not the last
local exponent :math:`-0.998`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from verifiers.model import Outcome, Resolution, instance

#: Float rounding allowed in an exponent computed from exact integer counts.
ROUNDING = 1e-9


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


def local_exponents(xs: Sequence[float], counts: Sequence[float], log_power: float = 0.0) -> np.ndarray:
    """Local log-log slopes between successive grid points of ``counts / (log x)^log_power``."""
    x = np.asarray(xs, dtype=np.float64)
    c = np.asarray(counts, dtype=np.float64) / np.log(x) ** log_power
    if len(x) < 3 or np.any(c <= 0) or np.any(np.diff(x) <= 0):
        raise ValueError("need at least three increasing grid points with positive counts")
    return np.diff(np.log(c)) / np.diff(np.log(x))


def limit_exponent(sigma: np.ndarray) -> tuple[float, float]:
    """The limit of local exponents and its uncertainty: Aitken's extrapolation where the drift shrinks
    geometrically with one sign (uncertainty: the size of the correction), else the last one (twice its drift)."""
    last = float(sigma[-1])
    d1 = last - float(sigma[-2])
    if len(sigma) >= 3:
        d0 = float(sigma[-2] - sigma[-3])
        ratio = d1 / d0 if d0 else 0.0
        if d1 and 0 < ratio < 1:
            correction = d1 * ratio / (1 - ratio)
            return last + correction, abs(correction)
    return last, 2 * abs(d1)


def scaling(
    xs: Sequence[float],
    counts: Sequence[float],
    claimed_slope: float,
    *,
    what: str,
    xlabel: str = "n",
    log_power: float = 0.0,
) -> Outcome:
    r"""Compare the growth exponent of exact counts with a claimed one: ``counts ~ x^claimed_slope (log x)^log_power``.

    ``supported`` when the last local exponent is within its drift (see the module
    docstring) of ``claimed_slope``; else ``refuted``. The drift is the check's
    resolution.
    """
    sigma = local_exponents(xs, counts, log_power)
    slope, uncertainty = limit_exponent(sigma)
    drift = float(abs(sigma[-1] - sigma[-2]))
    tolerance = uncertainty + ROUNDING
    growth = f"x^{claimed_slope:g}" + (f" (log x)^{log_power:g}" if log_power else "")
    stats = {"slope": slope, "last_local_slope": float(sigma[-1]), "claimed_slope": claimed_slope, "drift": drift,
             "tolerance": tolerance,
             "local_slopes": sigma.tolist(), "log_power": log_power,
             "grid": list(map(float, xs)), "counts": list(map(float, counts))}
    figure = {"kind": "line", "title": what, "xlabel": xlabel, "ylabel": "operations", "log": True,
              "x": list(map(float, xs)), "y": list(map(float, counts)), "exact": True,
              "claimed_slope": claimed_slope, "log_power": log_power}
    common = {"statistics": stats, "figures": (figure,), "resolution": Resolution(tolerance, "growth exponent"),
              "scope": instance(f"{xlabel} in {[float(v) for v in xs]}")}
    if abs(slope - claimed_slope) <= tolerance:
        return Outcome(verdict="supported", **common,
                       reason=f"{what}: exact counts grow as {growth}: limiting exponent {slope:.4f} ± "
                              f"{tolerance:.2g} contains {claimed_slope:g}")
    return Outcome(verdict="refuted", **common, counterexample={"slope": slope, "claimed_slope": claimed_slope},
                   reason=f"{what}: exact counts do not grow as {growth}: limiting exponent {slope:.4f} ± "
                          f"{tolerance:.2g} is {abs(slope - claimed_slope):.3g} from {claimed_slope:g}")

__all__ = [
    "ROUNDING", "flops", "loglog_slope", "local_exponents", "limit_exponent", "scaling",
]
