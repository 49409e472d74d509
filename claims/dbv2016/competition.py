r"""High-dimensional competition: the target logit a map needs to win against D − 1 random competitors.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Higher-Dimensional Outputs"). A map with
unnormalized weight :math:`g` (softmax :math:`e^x`, Taylor :math:`1+x+x^2/2`, spherical
:math:`x^2+\varepsilon`) gives the target :math:`p_c=g(t)/(g(t)+S_D)`, :math:`S_D=\sum_{j=1}^{D-1}g(z_j)`.
So :math:`p_c\ge\frac12` iff :math:`g(t)\ge S_D`, and on the increasing branch :math:`g_+` of :math:`g`
(:math:`t\ge\arg\min g`) the needed target logit is

.. math:: T_D = g_+^{-1}(S_D),\qquad z_j\overset{iid}{\sim}N(0,\sigma^2).

With :math:`m=\mathbb E\,g(z)` and :math:`v=\mathrm{Var}\,g(z)`, the closed form for large :math:`D` is
:math:`\bar t(D)=g_+^{-1}((D-1)m)` (law of large numbers), and :math:`\tilde t(D)=\bar t(D)+\frac12
(g_+^{-1})''((D-1)m)\,(D-1)v` adds the second-order (Jensen) term of the delta method.

Monte Carlo rows hold :math:`T_D` at every :math:`D` of a geometric grid, from one draw of
:math:`D_{\max}-1` competitors (common random numbers), with the control variate
:math:`S_D-(D-1)m` (known mean 0): :math:`Y_D=T_D-(g_+^{-1})'((D-1)m)\,(S_D-(D-1)m)` has mean
:math:`\mathbb E\,T_D` and a variance :math:`O(1/D)` times that of :math:`T_D`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from claims.dbv2016.spherical import EPS

MAPS = ("softmax", "taylor", "spherical")
#: Growth classes a claim may name, and the exponent κ of the increments T(2D) − T(D) ∝ D^κ of each.
GROWTH_EXPONENT = {"sqrt": 0.5, "log": 0.0}
#: Number of grid points (ratio 2) of the Monte Carlo fit.
GRID_POINTS = 5
#: Smallest first grid point, and the far grid (2^40 …) standing for D → ∞ in the bias rule.
SMALLEST_D, FAR_D = 32, 2.0**40
#: Largest last grid point the Monte Carlo may need (beyond it the check is inconclusive).
LARGEST_D = 1 << 18


def weight(name: str, x: torch.Tensor) -> torch.Tensor:
    """Unnormalized weight g(x) of a map (elementwise)."""
    if name == "softmax":
        return torch.exp(x)
    if name == "taylor":
        return 1 + x + x * x / 2
    if name == "spherical":
        return x * x + EPS
    raise ValueError(f"unknown map {name!r}; expected one of {MAPS}")


def needed_logit(name: str, total: torch.Tensor) -> torch.Tensor:
    r""":math:`g_+^{-1}(S)`: the target logit at which :math:`p_c=\frac12` against competitors of total weight S."""
    if name == "softmax":
        return torch.log(total)
    if name == "taylor":
        return -1 + torch.sqrt(2 * total - 1)
    if name == "spherical":
        return torch.sqrt(total - EPS)
    raise ValueError(f"unknown map {name!r}; expected one of {MAPS}")


def weight_moments(name: str, sigma: float) -> tuple[float, float]:
    r""":math:`(m, v)=(\mathbb E\,g(z), \mathrm{Var}\,g(z))` for :math:`z\sim N(0,\sigma^2)` (closed forms)."""
    s2 = sigma * sigma
    if name == "softmax":
        return math.exp(s2 / 2), math.exp(2 * s2) - math.exp(s2)
    if name == "taylor":
        return 1 + s2 / 2, s2 + s2 * s2 / 2
    if name == "spherical":
        return s2 + EPS, 2 * s2 * s2
    raise ValueError(f"unknown map {name!r}; expected one of {MAPS}")


def _inverse_derivatives(name: str, total: float) -> tuple[float, float]:
    r""":math:`((g_+^{-1})'(S), (g_+^{-1})''(S))`."""
    if name == "softmax":
        return 1 / total, -1 / total**2
    if name == "taylor":
        return (2 * total - 1) ** -0.5, -((2 * total - 1) ** -1.5)
    return 0.5 * (total - EPS) ** -0.5, -0.25 * (total - EPS) ** -1.5


def closed_form(name: str, D: float, sigma: float, jensen: bool = True) -> float:
    r""":math:`\tilde t(D)` (or :math:`\bar t(D)` with ``jensen=False``): E T_D for large D."""
    m, v = weight_moments(name, sigma)
    total = (D - 1) * m
    value = float(needed_logit(name, torch.tensor(total, dtype=torch.float64)))
    return value + (0.5 * _inverse_derivatives(name, total)[1] * (D - 1) * v if jensen else 0.0)


def slope_weights(grid: Sequence[float]) -> np.ndarray:
    """Least-squares weights w: the slope of log Δ_k against log D_k is Σ_k w_k log Δ_k (k < K)."""
    x = np.log(np.asarray(grid[:-1], dtype=np.float64))
    centred = x - x.mean()
    return centred / (centred * centred).sum()


def increment_exponent(values: Sequence[float], grid: Sequence[float]) -> float:
    """Least-squares slope of log(T(D_{k+1}) − T(D_k)) against log D_k on a geometric grid."""
    return float(slope_weights(grid) @ np.log(np.diff(np.asarray(values, dtype=np.float64))))


def closed_form_exponent(name: str, grid: Sequence[float], sigma: float) -> float:
    """:func:`increment_exponent` of the closed form :math:`\\tilde t` on ``grid``."""
    return increment_exponent([closed_form(name, D, sigma) for D in grid], grid)


def doubling(first: float) -> list[float]:
    """The grid first · 2^j, j < :data:`GRID_POINTS`."""
    return [first * 2**j for j in range(GRID_POINTS)]


def choose_grid(name: str, sigma: float, tolerance: float) -> tuple[list[int], float]:
    """The first doubling grid from :data:`SMALLEST_D` on which the closed form's increment exponent is within
    ``tolerance`` of its value at D → ∞ (the far grid), and that deviation (the grid's deterministic bias).

    The rule looks only at the map's closed form, never at a claimed growth. Returns an empty grid when the
    last point would exceed :data:`LARGEST_D`.
    """
    limit = closed_form_exponent(name, doubling(FAR_D), sigma)
    first = SMALLEST_D
    while first * 2 ** (GRID_POINTS - 1) <= LARGEST_D:
        grid = doubling(first)
        bias = closed_form_exponent(name, grid, sigma) - limit
        if abs(bias) <= tolerance:
            return [int(D) for D in grid], bias
        first *= 2
    return [], float("nan")


def rows_of_needed_logits(name: str, grid: Sequence[int], sigma: float, rows: int,
                          gen: torch.Generator, device: str = "cpu") -> torch.Tensor:
    """``rows`` independent rows of :math:`Y_D` (control-variate adjusted :math:`T_D`) at every D of ``grid``.

    Each row draws :math:`D_{\\max}-1` competitors once; :math:`T_D` uses the first :math:`D-1` of them.
    Returns a ``(rows, len(grid))`` float64 tensor whose column means estimate E T_D.
    """
    m, _ = weight_moments(name, sigma)
    z = sigma * torch.randn(rows, grid[-1] - 1, generator=gen, dtype=torch.float64, device=device)
    totals = torch.cumsum(weight(name, z), dim=1)[:, [D - 2 for D in grid]]
    expected = torch.tensor([(D - 1) * m for D in grid], dtype=torch.float64, device=device)
    slope = torch.tensor([_inverse_derivatives(name, float(t))[0] for t in expected], dtype=torch.float64,
                         device=device)
    return needed_logit(name, totals) - slope * (totals - expected)


class RowMeans:
    """Column means of i.i.d. rows ``draw(gen, size)`` and the covariance of those means, accumulated across calls.

    Calling it with a total ``n`` draws only the missing rows (in batches of at most ``batch``); sums are
    shifted by the first batch's means to avoid cancellation. (A vector version of
    :class:`verifiers.sequential.RunningMean`.)
    """

    def __init__(self, draw, gen: torch.Generator, batch: int) -> None:  # noqa: ANN001 - draw(gen, size) -> rows
        self.draw, self.gen, self.batch = draw, gen, batch
        self.count, self.shift = 0, None
        self.s1: torch.Tensor | None = None
        self.s2: torch.Tensor | None = None

    def __call__(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        while self.count < n:
            x = self.draw(self.gen, min(self.batch, n - self.count)).double()
            if self.shift is None:
                self.shift = x.mean(dim=0)
                self.s1, self.s2 = torch.zeros_like(self.shift), torch.zeros(len(self.shift), len(self.shift),
                                                                              dtype=torch.float64, device=x.device)
            x = x - self.shift
            self.s1 += x.sum(dim=0)
            self.s2 += x.T @ x
            self.count += x.shape[0]
        return self.estimate()

    def estimate(self) -> tuple[np.ndarray, np.ndarray]:
        """The column means and the covariance matrix of the means (unbiased)."""
        n = self.count
        m = self.s1 / n
        cov = (self.s2 / n - torch.outer(m, m)) * n / max(n - 1, 1)
        return (m + self.shift).cpu().numpy(), (cov / n).cpu().numpy()
