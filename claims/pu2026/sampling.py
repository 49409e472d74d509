r"""Sampled-softmax estimators of the log-partition function (the variant fixed in the catalogue).

:math:`k` negatives i.i.d. from a proposal :math:`q` with full support,
:math:`\hat Z_k=\frac1k\sum_{j=1}^k e^{s_{i_j}}/q_{i_j}`.
"""

from __future__ import annotations

import math

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


def log_zhat_error(s: torch.Tensor, q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    r"""``m`` independent draws of :math:`\log\hat Z_k-\log Z` (float64, on ``gen``'s device)."""
    device = gen.device
    s, q = s.to(device), q.to(device)
    idx = torch.multinomial(q, m * k, replacement=True, generator=gen).view(m, k)
    log_w = s[idx] - torch.log(q[idx])
    return torch.logsumexp(log_w, dim=1) - torch.log(torch.tensor(float(k), dtype=torch.float64, device=device)) \
        - torch.logsumexp(s, dim=0)


#: Largest number of categorical draws materialized at once (bounds memory in large profiles).
CHUNK_DRAWS = 1 << 22


def weight_error(s: torch.Tensor, q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    r"""``m`` independent draws of :math:`\varepsilon=\hat Z_k/Z-1` (float64, on ``gen``'s device).

    :math:`\mathbb E\varepsilon=0` exactly and :math:`\mathrm{Var}\,\varepsilon=\chi^2(P\|Q)/k`, so
    :math:`\log(1+\varepsilon)=\log\hat Z_k-\log Z`. Draws are taken in chunks of at most
    :data:`CHUNK_DRAWS` indices; when ``m * k`` fits in one chunk the indices are exactly those
    :func:`log_zhat_error` draws from the same generator state.
    """
    device = gen.device
    s, q = s.to(device), q.to(device)
    w = torch.exp(s - torch.log(q) - torch.logsumexp(s, dim=0))
    rows = max(1, CHUNK_DRAWS // k)
    parts = []
    for start in range(0, m, rows):
        size = min(rows, m - start)
        idx = torch.multinomial(q, size * k, replacement=True, generator=gen).view(size, k)
        parts.append(w[idx].mean(dim=1) - 1.0)
    return torch.cat(parts)


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
