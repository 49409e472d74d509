r"""Sampled-softmax estimators of the log-partition function (the variant fixed in the catalogue).

:math:`k` negatives i.i.d. from a proposal :math:`q` with full support,
:math:`\hat Z_k=\frac1k\sum_{j=1}^k e^{s_{i_j}}/q_{i_j}`.
"""

from __future__ import annotations

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
