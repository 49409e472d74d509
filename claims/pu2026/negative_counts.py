r"""How :math:`k` i.i.d. draws from :math:`q` fall on the classes, sampled in :math:`O(n)` per example for any k.

The count vector of :math:`k` i.i.d. categorical draws is :math:`\mathrm{Multinomial}(k, q)`; it is sampled class
by class as :math:`M_c\sim\mathrm{Binomial}(k-\sum_{d<c}M_d,\ q_c/\sum_{d\ge c}q_d)` (the chain rule of the
multinomial), so the cost does not grow with :math:`k`. Every loss here that depends on the negatives only through
their classes (sampled softmax, NCE) is a function of these counts.
"""

from __future__ import annotations

import torch


def multinomial_counts(q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    """``m`` i.i.d. count vectors of ``k`` draws from ``q``: shape ``(m, n)``, float64, rows summing to ``k``."""
    q = q.to(device=gen.device, dtype=torch.float64)
    tail = torch.flip(torch.cumsum(torch.flip(q, [0]), 0), [0])           # Σ_{d ≥ c} q_d
    remaining = torch.full((m,), float(k), dtype=torch.float64, device=gen.device)
    columns = []
    for c in range(len(q) - 1):
        share = (q[c] / tail[c]).clamp(0.0, 1.0).expand(m).contiguous()
        drawn = torch.binomial(remaining, share, generator=gen)
        columns.append(drawn)
        remaining = remaining - drawn
    columns.append(remaining)
    return torch.stack(columns, dim=1)
