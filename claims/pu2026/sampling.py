r"""Sampled-softmax estimators of the log-partition function (the variant fixed in the catalogue).

:math:`k` negatives i.i.d. from a proposal :math:`q` with full support,
:math:`\hat Z_k=\frac1k\sum_{j=1}^k e^{s_{i_j}}/q_{i_j}`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch


def design(n: int = 20, temperature: float = 0.6) -> tuple[torch.Tensor, torch.Tensor]:
    """A fixed, deterministic test problem: logits ``s`` and a mismatched proposal ``q``.

    ``s`` is evenly spread in ``[-2, 2]``; ``q`` is softmax of ``temperature * s``
    (the right shape, too flat), so :math:`\\chi^2(P\\|Q)` is moderate.
    """
    s = torch.linspace(-2.0, 2.0, n, dtype=torch.float64)
    return s, torch.softmax(temperature * s, dim=0)


def chi_square(s: torch.Tensor, q: torch.Tensor) -> float:
    r""":math:`\chi^2(P\|Q)=\sum_i p_i^2/q_i-1` with :math:`P=\mathrm{softmax}(s)`."""
    p = torch.softmax(s, dim=0)
    return float((p * p / q).sum() - 1.0)


def weight_variance(s: torch.Tensor, q: torch.Tensor) -> float:
    r"""Exact variance of one importance weight under ``q``: :math:`\sum_iq_i(w_i-1)^2`, :math:`w_i=p_i/q_i`.

    It equals :math:`\chi^2(P\|Q)` (:func:`chi_square`) mathematically but is computed from its own definition:
    it is the known mean of the control variate :math:`k\varepsilon^2`, kept separate from the :math:`\chi^2` a claim
    states so that an error in either shows up as a biased estimate.
    """
    qd = q.double() / q.double().sum()
    w = torch.exp(torch.log_softmax(s.double(), dim=0) - torch.log(qd))
    return float((qd * (w - 1.0) ** 2).sum())


def alias_table(q: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Walker's alias table of a categorical distribution ``q`` (Vose's construction, float64).

    Returns ``prob`` and ``alias`` with :math:`q_j = (\mathrm{prob}_j + \sum_{i:\,\mathrm{alias}_i=j}
    (1-\mathrm{prob}_i))/n`: drawing a column :math:`i` uniformly and keeping it with probability
    :math:`\mathrm{prob}_i` (else taking :math:`\mathrm{alias}_i`) samples ``q`` exactly.
    """
    qs = q.detach().double().cpu()
    qs = qs / qs.sum()
    n = qs.numel()
    prob, alias = (qs * n).tolist(), list(range(n))
    small = [i for i, v in enumerate(prob) if v < 1.0]
    large = [i for i, v in enumerate(prob) if v >= 1.0]
    while small and large:
        lo, hi = small.pop(), large.pop()
        alias[lo] = hi
        prob[hi] -= 1.0 - prob[lo]
        (small if prob[hi] < 1.0 else large).append(hi)
    for i in small + large:  # leftovers are 1 up to rounding
        prob[i] = 1.0
    return torch.tensor(prob, dtype=torch.float64), torch.tensor(alias, dtype=torch.int64)


class _AliasWeights:
    """Draws ``values[i]`` for ``i`` i.i.d. from ``q`` with one uniform per draw (alias method).

    ``u = n·U`` with ``U`` uniform on [0, 1) (53-bit float64): its integer part is the column, and
    ``u < column + prob[column]`` is the coin, so the coin has a resolution of about ``n·2^-53``
    (exact up to that rounding). Values of both outcomes are tabulated, so no index tensor is built.
    """

    def __init__(self, q: torch.Tensor, values: torch.Tensor, device: torch.device) -> None:
        prob, alias = alias_table(q)
        self.n = prob.numel()
        self.threshold = (torch.arange(self.n, dtype=torch.float64) + prob).to(device)
        self.keep = values.to(device)
        self.other = values.to(device)[alias.to(device)]

    def draw(self, size: int, gen: torch.Generator) -> torch.Tensor:
        """``size`` i.i.d. draws of ``values[i]``, ``i ~ q``."""
        u = torch.rand(size, generator=gen, dtype=torch.float64, device=self.keep.device).mul_(self.n)
        col = u.long().clamp_(max=self.n - 1)
        return torch.where(u < self.threshold.index_select(0, col), self.keep.index_select(0, col),
                           self.other.index_select(0, col))


#: Largest number of categorical draws materialized at once (bounds memory in large profiles).
CHUNK_DRAWS = 1 << 16


#: Largest spread (nats) of the log weights for which :func:`log_zhat_error` averages shifted weights
#: directly; beyond it a row's mean could underflow, so it uses ``logsumexp`` on the log weights.
MAX_LOG_WEIGHT_SPREAD = 600.0


def _row_draws(q: torch.Tensor, values: torch.Tensor, k: int, m: int, gen: torch.Generator,
               reduce: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """``reduce`` of ``m`` rows of ``k`` i.i.d. draws of ``values[i]``, ``i ~ q``, in chunks of indices."""
    sampler = _AliasWeights(q, values, gen.device)
    rows = max(1, CHUNK_DRAWS // k)
    return torch.cat([reduce(sampler.draw(min(rows, m - start) * k, gen).view(-1, k)) for start in range(0, m, rows)])


def _log_weights(s: torch.Tensor, q: torch.Tensor, device: torch.device) -> torch.Tensor:
    r"""Normalized log importance weights :math:`\ell_i=s_i-\log q_i-\log Z` (float64)."""
    s, q = s.to(device, torch.float64), q.to(device, torch.float64)
    return s - torch.log(q) - torch.logsumexp(s, dim=0)


def log_zhat_error(s: torch.Tensor, q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    r"""``m`` independent draws of :math:`\log\hat Z_k-\log Z` (float64, on ``gen``'s device).

    Indices are drawn by the alias method (:class:`_AliasWeights`) in chunks of at most
    :data:`CHUNK_DRAWS`. With :math:`\ell_i=s_i-\log q_i-\log Z` and :math:`c=\max_i\ell_i`, each
    draw is :math:`c+\log\frac1k\sum_j e^{\ell_{i_j}-c}` (one exponential table, no per-draw
    ``logsumexp``); when the :math:`\ell_i` spread over more than :data:`MAX_LOG_WEIGHT_SPREAD`
    nats, where that mean could underflow, the rows use ``logsumexp`` of the drawn :math:`\ell` instead.
    """
    log_w = _log_weights(s, q, gen.device)
    top = log_w.max()
    log_k = math.log(k)
    if float(top - log_w.min()) > MAX_LOG_WEIGHT_SPREAD:
        return _row_draws(q, log_w, k, m, gen, lambda rows: torch.logsumexp(rows, dim=1) - log_k)
    return _row_draws(q, torch.exp(log_w - top), k, m, gen, lambda rows: rows.mean(dim=1).log_()) + top


def weight_error(s: torch.Tensor, q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    r"""``m`` independent draws of :math:`\varepsilon=\hat Z_k/Z-1` (float64, on ``gen``'s device).

    :math:`\mathbb E\varepsilon=0` exactly and :math:`\mathrm{Var}\,\varepsilon=\chi^2(P\|Q)/k`, so
    :math:`\log(1+\varepsilon)=\log\hat Z_k-\log Z`. Same sampler and chunks as
    :func:`log_zhat_error`: from the same generator state both use the same indices.
    """
    w = torch.exp(_log_weights(s, q, gen.device))
    return _row_draws(q, w, k, m, gen, lambda rows: rows.mean(dim=1) - 1.0)


def nested_errors(blocks: torch.Tensor, block: int, ks: Sequence[int]) -> torch.Tensor:
    r""":math:`\varepsilon` at nested sample sizes from rows of independent block errors (common random numbers).

    Parameters
    ----------
    blocks : torch.Tensor
        Shape ``(m, B)``: row ``r`` holds ``B`` independent draws of :math:`\hat Z_{b}/Z-1`, each the mean of
        ``block`` = :math:`b` weights (e.g. ``weight_error(s, q, b, m * B, gen).view(m, B)``).
    block : int
        The block size :math:`b`.
    ks : sequence of int
        Multiples of ``block``, at most ``B * block``.

    Returns
    -------
    torch.Tensor
        Shape ``(m, len(ks))``: column ``j`` is :math:`\hat Z_{k_j}/Z-1` computed from the first
        :math:`k_j/b` blocks of the row, so every column of a row shares its draws (the mean of
        :math:`k` weights is the mean of its :math:`k/b` block means).
    """
    counts = [k // block for k in ks]
    if any(k % block or not 1 <= c <= blocks.shape[1] for k, c in zip(ks, counts)):
        raise ValueError(f"every k must be a multiple of {block} and at most {blocks.shape[1] * block}; got {ks}")
    sums = blocks.cumsum(dim=1)
    idx = torch.tensor([c - 1 for c in counts], device=blocks.device)
    return sums.index_select(1, idx) / torch.tensor(counts, dtype=blocks.dtype, device=blocks.device)


#: Draws ``count`` independent errors ε of a k-sample estimate: ``block_errors(s, q, k, count, gen)``.
BlockErrors = Callable[[torch.Tensor, torch.Tensor, int, int, torch.Generator], torch.Tensor]


def nested_weight_errors(s: torch.Tensor, q: torch.Tensor, ks: Sequence[int], m: int, gen: torch.Generator,
                         block_errors: BlockErrors | None = None) -> torch.Tensor:
    r"""``m`` independent rows of :math:`\varepsilon_k=\hat Z_k/Z-1` at every ``k`` of ``ks``, nested within a row.

    Each row draws ``ks[-1]`` weights as ``ks[-1] // ks[0]`` blocks of ``ks[0]`` (one call of ``block_errors``,
    default :func:`weight_error`); :math:`\varepsilon_k` uses the row's first ``k`` weights (common random
    numbers across ``k``: :func:`nested_errors`). ``ks`` must be multiples of ``ks[0]``.
    """
    draw = block_errors or weight_error
    blocks = ks[-1] // ks[0]
    return nested_errors(draw(s, q, ks[0], m * blocks, gen).view(m, blocks), ks[0], ks)


def doubling_grid(first: int, last: int) -> tuple[int, ...]:
    """``first, 2·first, 4·first, …`` up to ``last`` (inclusive)."""
    grid = [first]
    while 2 * grid[-1] <= last:
        grid.append(2 * grid[-1])
    return tuple(grid)


def log_bias_samples(eps: torch.Tensor) -> torch.Tensor:
    r"""Control-variate draws :math:`\log(1+\varepsilon)-\varepsilon` whose mean is the bias of :math:`\log\hat Z_k`.

    Unbiased because :math:`\mathbb E\varepsilon=0` exactly; the variance drops from
    :math:`O(1/k)` to :math:`O(1/k^2)`.
    """
    return torch.log1p(eps) - eps


def variance(x: torch.Tensor) -> tuple[float, float]:
    r"""Unbiased sample variance and its standard error :math:`\sqrt{(\hat\mu_4-\hat\sigma^4)/m}`."""
    c = x.double() - x.double().mean()
    m = c.numel()
    var = float((c * c).sum()) / (m - 1)
    mu4 = float((c**4).mean())
    return var, math.sqrt(max(mu4 - var * var, 0.0) / m)


def fit_wls(columns: list[list[float]], y: list[float], se: list[float]) -> tuple[list[float], list[float]]:
    """Weighted least squares ``y ≈ X β`` with known standard errors: coefficients and their SEs.

    Parameters
    ----------
    columns : list of list of float
        The regressors, one list per column of ``X`` (include a column of ones for an intercept).
    y, se : list of float
        Observations and their standard errors (weights ``1/se²``).
    """
    X = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    w = 1.0 / np.asarray(se, dtype=np.float64) ** 2
    cov = np.linalg.inv(X.T @ (X * w[:, None]))
    beta = cov @ (X.T @ (w * np.asarray(y, dtype=np.float64)))
    return [float(b) for b in beta], [float(v) for v in np.sqrt(np.diag(cov))]
