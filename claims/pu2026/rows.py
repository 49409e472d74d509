r"""Monte Carlo estimators built from i.i.d. rows of features: running means, covariance, delta method.

A row is one independent replicate (e.g. the sample-size grid of one common-random-number draw); its
features are correlated with each other. A smooth statistic :math:`g(\bar x)` of the feature means gets
the delta-method standard error :math:`\sqrt{\nabla g^\top\hat\Sigma\nabla g/m}`; a linear one,
:math:`\lambda^\top\bar x`, is the mean of the per-row values :math:`\lambda^\top x_r`, so its standard
error is exact up to the estimate of :math:`\Sigma`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from verifiers.montecarlo import Estimate

#: Draws ``m`` i.i.d. rows of features: ``draw(gen, m) -> (m, d)`` float64 tensor.
RowDraw = Callable[[Any, int], torch.Tensor]


class RunningRows:
    """Mean vector and covariance matrix of i.i.d. feature rows, accumulated across calls.

    Calling it with a total ``n`` draws only the missing ``n - count`` rows (in batches of at
    most ``batch``), so the looks of a sequential design reuse earlier rows. Sums are shifted
    by the first batch's mean to avoid cancellation.
    """

    def __init__(self, draw: RowDraw, gen: Any, batch: int = 1 << 12) -> None:
        self.draw, self.gen, self.batch = draw, gen, batch
        self.count = 0
        self.shift: np.ndarray | None = None
        self.s1: np.ndarray | None = None
        self.s2: np.ndarray | None = None

    def __call__(self, n: int) -> RunningRows:
        while self.count < n:
            x = self.draw(self.gen, min(self.batch, n - self.count)).double().cpu().numpy()
            if self.shift is None:
                self.shift = x.mean(axis=0)
                self.s1, self.s2 = np.zeros(x.shape[1]), np.zeros((x.shape[1], x.shape[1]))
            c = x - self.shift
            self.s1 += c.sum(axis=0)
            self.s2 += c.T @ c
            self.count += x.shape[0]
        return self

    @property
    def mean(self) -> np.ndarray:
        """The feature means."""
        return self.s1 / self.count + self.shift

    @property
    def cov(self) -> np.ndarray:
        """The unbiased covariance matrix of one row's features."""
        m = self.s1 / self.count
        return (self.s2 / self.count - np.outer(m, m)) * self.count / max(self.count - 1, 1)

    def linear(self, weights: Sequence[float], offset: float = 0.0) -> Estimate:
        r""":math:`\lambda^\top\bar x+\mathrm{offset}` and its standard error."""
        lam = np.asarray(weights, dtype=np.float64)
        return Estimate(float(lam @ self.mean) + offset, math.sqrt(max(float(lam @ self.cov @ lam), 0.0) / self.count),
                        self.count)

    def delta(self, value: float, gradient: Sequence[float]) -> Estimate:
        r"""A smooth statistic's ``value`` with its delta-method standard error (``gradient`` at :math:`\bar x`)."""
        g = np.asarray(gradient, dtype=np.float64)
        return Estimate(float(value), math.sqrt(max(float(g @ self.cov @ g), 0.0) / self.count), self.count)


def fit_weights(columns: Sequence[Sequence[float]], which: int) -> np.ndarray:
    r"""Weights :math:`\lambda` with :math:`\hat\beta_{\mathrm{which}}=\lambda^\top y` for least squares ``y ≈ X β``.

    ``columns`` are the regressors (one list per column of ``X``); equal weights. Applied to the
    means of correlated estimates (common random numbers) the fitted coefficient is a fixed linear
    combination of the rows, so :meth:`RunningRows.linear` gives its exact standard error.
    """
    X = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    return np.linalg.pinv(X)[which]


def inverse_power_columns(ks: Sequence[int], order: int) -> list[list[float]]:
    r"""Regressors :math:`1, k^{-1}, \dots, k^{-\mathrm{order}}` on the grid ``ks`` (an expansion in :math:`1/k`)."""
    return [[float(k) ** -j for k in ks] for j in range(order + 1)]
