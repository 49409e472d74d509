r"""Monte Carlo checks with torch: batched float64 estimators, confidence intervals, rate fits.

Error rates. Each Monte Carlo decision is a two-sided z-test at level
:data:`CHECK_ALPHA`. With fewer than :data:`MAX_MC_CHECKS` Monte Carlo
decisions per run, the suite-wide probability of refuting any true claim is at
most :data:`SUITE_FALSE_FAILURE_BUDGET` (Bonferroni). A decision is
``supported`` only when the confidence interval is narrower than the claim's
``resolution`` of the claimed value (so a deviation of ``resolution`` or more is
never supported); otherwise it is ``inconclusive``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as sps

from verifiers.model import Outcome, Resolution

SUITE_FALSE_FAILURE_BUDGET = 1e-4
MAX_MC_CHECKS = 100
CHECK_ALPHA = SUITE_FALSE_FAILURE_BUDGET / MAX_MC_CHECKS
Z_CRIT = float(sps.norm.isf(CHECK_ALPHA / 2))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and ``Z_CRIT`` confidence interval."""

    value: float
    se: float
    n: int

    @property
    def low(self) -> float:
        return self.value - Z_CRIT * self.se

    @property
    def high(self) -> float:
        return self.value + Z_CRIT * self.se

    def as_dict(self) -> dict[str, float]:
        """Plain numbers for statistics and JSON."""
        return {"estimate": self.value, "se": self.se, "ci_low": self.low, "ci_high": self.high, "n": self.n}


def mean(samples: Any) -> Estimate:
    """Sample mean of a 1-D torch tensor (or array) with its standard error."""
    x = np.asarray(samples.detach().cpu().numpy() if hasattr(samples, "detach") else samples, dtype=np.float64)
    return Estimate(float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size)), int(x.size))


def compare(estimate: Estimate, claimed: float, *, resolution: float, what: str,
            scale: float | None = None) -> Outcome:
    """Two-sided test of ``claimed`` against an estimate, with a resolution.

    ``refuted`` when the CI excludes ``claimed``; ``supported`` when the CI lies
    within ``claimed ± resolution``; else ``inconclusive``. ``scale`` (the
    quantity's reference size) states the resolution relatively.
    """
    half = Z_CRIT * estimate.se
    diff = estimate.value - claimed
    z = diff / estimate.se if estimate.se > 0 else (0.0 if diff == 0 else float(np.inf * np.sign(diff)))
    stats = {**estimate.as_dict(), "claimed": claimed, "z": float(z), "alpha": CHECK_ALPHA,
             "half_width": half, "resolution": resolution}
    common = {"statistics": stats,
              "resolution": Resolution(resolution, what, CHECK_ALPHA, resolution / abs(scale) if scale else None)}
    text = f"{what} = {estimate.value:.4g} ± {half:.2g}"
    if abs(diff) > half:
        return Outcome(verdict="refuted", **common,
                       counterexample={"estimate": estimate.value, "ci": [estimate.low, estimate.high],
                                       "claimed": claimed},
                       reason=f"{text} excludes the claimed {claimed:.4g} (|z| = {abs(z):.1f} > {Z_CRIT:.1f})")
    if abs(diff) + half <= resolution:
        return Outcome(verdict="supported", **common,
                       reason=f"{text} lies within the resolution {resolution:.2g} of the claimed {claimed:.4g} "
                              f"(level {CHECK_ALPHA:.0e})")
    return Outcome(verdict="inconclusive", **common,
                   reason=f"{text} contains the claimed {claimed:.4g} but is not within its resolution "
                          f"{resolution:.2g}: use more samples")


@dataclass(frozen=True)
class LineFit:
    """Weighted least-squares fit ``y = intercept + slope * x`` with parameter standard errors."""

    intercept: Estimate
    slope: Estimate


def fit_line(x: Sequence[float], y: Sequence[float], se: Sequence[float]) -> LineFit:
    """Fit ``y = a + b x`` by weighted least squares with known standard errors ``se``."""
    X = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=np.float64)])
    w = 1.0 / np.asarray(se, dtype=np.float64) ** 2
    cov = np.linalg.inv(X.T @ (X * w[:, None]))
    coef = cov @ (X.T @ (w * np.asarray(y, dtype=np.float64)))
    n = len(x)
    return LineFit(Estimate(float(coef[0]), float(np.sqrt(cov[0, 0])), n),
                   Estimate(float(coef[1]), float(np.sqrt(cov[1, 1])), n))


def rate_figure(*, title: str, x: Sequence[float], estimates: Sequence[Estimate], xlabel: str, ylabel: str,
                claimed: Sequence[float] | None = None, log: bool = False) -> dict[str, Any]:
    """Figure data for the report: estimate with CI band versus a grid, and the claimed curve."""
    figure: dict[str, Any] = {
        "kind": "line", "title": title, "xlabel": xlabel, "ylabel": ylabel, "log": log,
        "x": list(map(float, x)), "y": [e.value for e in estimates],
        "low": [e.low for e in estimates], "high": [e.high for e in estimates],
        "band": f"{1 - CHECK_ALPHA:.6g} confidence interval",
    }
    if claimed is not None:
        figure["claimed"] = list(map(float, claimed))
    return figure

__all__ = [
    "SUITE_FALSE_FAILURE_BUDGET", "MAX_MC_CHECKS", "CHECK_ALPHA", "Z_CRIT", "Estimate", "mean", "compare",
    "LineFit", "fit_line", "rate_figure",
]
