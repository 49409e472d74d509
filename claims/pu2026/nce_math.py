r"""Noise-contrastive estimation (NCE) with :math:`k` noise samples: population loss, its optimum, JS terms.

Binary NCE over classes :math:`i=1..n`: data :math:`x\sim P`, noise :math:`y\sim Q` (full support),
classifier :math:`h(i)=\sigma(s_i-\log(kq_i))=e^{s_i}/(e^{s_i}+kq_i)`. Per data point with :math:`k`
noise samples the population loss is

.. math:: J(s) = -\mathbb E_{x\sim P}\log h(x) - k\,\mathbb E_{y\sim Q}\log(1-h(y)),

minimized at :math:`s^*=\log p`. With :math:`\pi_k=(\frac1{1+k},\frac k{1+k})`, :math:`M=\pi_{k,1}P+\pi_{k,2}Q`,
:math:`J(s^*)=(1+k)[H(\pi_k)-\mathrm{JS}_{\pi_k}(P\|Q)]`.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.special import log_expit, xlogy


def binary_entropy(pi: float) -> float:
    r""":math:`H(\pi)=-\pi\log\pi-(1-\pi)\log(1-\pi)` in nats."""
    return float(-xlogy(pi, pi) - xlogy(1.0 - pi, 1.0 - pi))


def kl(p: np.ndarray, q: np.ndarray) -> float:
    r""":math:`\mathrm{KL}(P\|Q)=\sum_i p_i\log(p_i/q_i)` with :math:`0\log0=0` (``q`` must cover ``p``)."""
    return float(np.sum(xlogy(p, p) - xlogy(p, q)))


def skewed_js(p: np.ndarray, q: np.ndarray, weight: float) -> float:
    r"""Skewed Jensen–Shannon divergence :math:`\pi_1\mathrm{KL}(P\|M)+\pi_2\mathrm{KL}(Q\|M)`.

    :math:`\pi=(\mathrm{weight},1-\mathrm{weight})`, :math:`M=\pi_1P+\pi_2Q`; ``weight=1/2`` is the symmetric JS.
    """
    m = weight * p + (1.0 - weight) * q
    return weight * kl(p, m) + (1.0 - weight) * kl(q, m)


def js_weight(k: float, variant: str) -> float:
    r"""First mixture weight: :math:`1/(1+k)` for ``skewed`` (the claim), :math:`1/2` for ``symmetric``."""
    return 1.0 / (1.0 + k) if variant == "skewed" else 0.5


def js_bias_value(p: np.ndarray, q: np.ndarray, k: float, variant: str = "skewed") -> float:
    r"""The claimed value :math:`(1+k)[H(\pi_k)-\mathrm{JS}_\pi(P\|Q)]`, JS weighted as ``variant`` says."""
    return (1.0 + k) * (binary_entropy(1.0 / (1.0 + k)) - skewed_js(p, q, js_weight(k, variant)))


def population_loss(s: np.ndarray, p: np.ndarray, q: np.ndarray, k: float) -> float:
    r""":math:`J(s)=-\sum_ip_i\log\sigma(s_i-\log kq_i)-k\sum_iq_i\log(1-\sigma(s_i-\log kq_i))`.

    Entries with :math:`p_i=0` contribute :math:`0\cdot\log h=0` to the first sum, even at :math:`s_i=-\infty`.
    """
    t = s - np.log(k * q)
    data = np.where(p > 0, -p * log_expit(np.where(p > 0, t, 0.0)), 0.0)
    return float(np.sum(data) - k * np.sum(q * log_expit(-t)))


def optimum(p: np.ndarray) -> np.ndarray:
    r"""The minimizer :math:`s^*=\log p` (:math:`-\infty` where :math:`p_i=0`)."""
    with np.errstate(divide="ignore"):
        return np.log(p)


def example_losses(p: torch.Tensor, q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    r"""``m`` i.i.d. per-example NCE losses at :math:`s^*=\log p`: :math:`-\log h(x)-\sum_{j=1}^k\log(1-h(y_j))`.

    :math:`x\sim P`, :math:`y_1..y_k\sim Q` i.i.d.; the mean of these losses is :math:`J(s^*)`.
    """
    return example_draws(p, q, k, m, gen)[0]


def example_draws(p: torch.Tensor, q: torch.Tensor, k: int, m: int,
                  gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Like :func:`example_losses`, also returning each example's data class :math:`x` (for control variates)."""
    device = gen.device
    p, q = p.to(device), q.to(device)
    t = torch.log(p) - torch.log(k * q)
    pos, neg = -torch.nn.functional.logsigmoid(t), -torch.nn.functional.logsigmoid(-t)
    rows = max(1, (1 << 22) // (k + 1))
    losses, classes = [], []
    for start in range(0, m, rows):
        size = min(rows, m - start)
        x = torch.multinomial(p, size, replacement=True, generator=gen)
        y = torch.multinomial(q, size * k, replacement=True, generator=gen).view(size, k)
        losses.append(pos[x] + neg[y].sum(dim=1))
        classes.append(x)
    return torch.cat(losses), torch.cat(classes)


def irreducible_term(p: np.ndarray, q: np.ndarray, k: float) -> float:
    r""":math:`(1+k)\,\mathrm{JS}_{\pi_k}(P\|Q)`, which tends to :math:`\mathrm{KL}(P\|Q)` as :math:`k\to\infty`."""
    return (1.0 + k) * skewed_js(p, q, 1.0 / (1.0 + k))


__all__ = ["binary_entropy", "example_draws", "example_losses", "irreducible_term", "js_bias_value", "js_weight", "kl",
           "optimum", "population_loss", "skewed_js"]
