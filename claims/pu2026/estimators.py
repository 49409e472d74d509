r"""Exact and sampled expectations over :math:`k` i.i.d. draws from a categorical proposal.

Every sampled-softmax estimator of a fixed query is a function of the **count vector**
:math:`c\in\mathbb N^m`, :math:`\sum_a c_a=k`, of the categories drawn (classes, or the distinct values
of the importance weight). Its expectation is therefore an exact finite sum over the
:math:`\binom{k+m-1}{m-1}` count vectors with multinomial probabilities
:math:`k!\prod_a q_a^{c_a}/c_a!` (:func:`multinomial_expectation`), and a Monte Carlo draw is a sampled
count vector (:func:`sample_counts`). This module holds those two primitives and the estimators the
pu2026 sampling claims evaluate on count vectors (float64 torch, vectorized over rows).

Notation: logits :math:`s`, :math:`P=\mathrm{softmax}(s)`, proposal :math:`q`, normalized importance
weights :math:`w_i=p_i/q_i` (so :math:`\hat Z_k/Z=\frac1k\sum_j w_{i_j}`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import torch

#: Most count vectors materialized at once by :func:`multinomial_expectation`.
BLOCK_ROWS = 1 << 20
#: Most categorical draws materialized at once by :func:`sample_counts`.
CHUNK_DRAWS = 1 << 21


def n_count_vectors(k: int, m: int) -> int:
    r"""Number of count vectors of ``k`` draws over ``m`` categories, :math:`\binom{k+m-1}{m-1}`."""
    return math.comb(k + m - 1, m - 1)


def count_vectors(k: int, m: int) -> torch.Tensor:
    """All count vectors of ``k`` draws over ``m`` categories, one per row (int64, lexicographic)."""
    if k < 0 or m < 1:
        raise ValueError(f"need k >= 0 and m >= 1, got k={k}, m={m}")
    if m == 1:
        return torch.tensor([[k]], dtype=torch.int64)
    if m == 2:
        first = torch.arange(k + 1, dtype=torch.int64)
        return torch.stack([first, k - first], dim=1)
    if m == 3:
        return _triangle(k, 0, k + 1)
    return torch.cat([_prefixed(c, count_vectors(k - c, m - 1)) for c in range(k + 1)])


def _triangle(k: int, lo: int, hi: int) -> torch.Tensor:
    """The count vectors of ``k`` draws over 3 categories whose first count lies in ``[lo, hi)``."""
    first = torch.arange(lo, hi, dtype=torch.int64)
    sizes = k - first + 1
    c0 = torch.repeat_interleave(first, sizes)
    starts = torch.repeat_interleave(torch.cumsum(sizes, 0) - sizes, sizes)
    c1 = torch.arange(c0.numel(), dtype=torch.int64) - starts
    return torch.stack([c0, c1, k - c0 - c1], dim=1)


def _prefixed(first: int, rest: torch.Tensor) -> torch.Tensor:
    return torch.cat([torch.full((rest.shape[0], 1), first, dtype=torch.int64), rest], dim=1)


def count_vector_blocks(k: int, m: int, max_rows: int = BLOCK_ROWS) -> Iterator[torch.Tensor]:
    """:func:`count_vectors` in blocks of at most about ``max_rows`` rows (split on the leading counts)."""
    if n_count_vectors(k, m) <= max_rows or m <= 2:
        yield count_vectors(k, m)
    elif m == 3:
        step = max(1, max_rows // (k + 1))
        for lo in range(0, k + 1, step):
            yield _triangle(k, lo, min(lo + step, k + 1))
    else:
        for c in range(k + 1):
            for block in count_vector_blocks(k - c, m - 1, max_rows):
                yield _prefixed(c, block)


def log_multinomial(counts: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    r"""Log-probabilities :math:`\log\bigl(k!\prod_a q_a^{c_a}/c_a!\bigr)` of count vectors (rows) under ``q``."""
    k = draws_of(counts)
    log_factorial = torch.lgamma(torch.arange(k + 1, dtype=torch.float64) + 1)
    c = counts.to(torch.int64)
    return (log_factorial[k] - log_factorial[c].sum(dim=1)) + c.to(torch.float64) @ torch.log(q.to(torch.float64))


def multinomial_expectation(f: Callable[[torch.Tensor], torch.Tensor], q: torch.Tensor, k: int,
                            max_rows: int = BLOCK_ROWS) -> torch.Tensor:
    r"""Exact :math:`\mathbb E f(c)` for the count vector :math:`c` of ``k`` i.i.d. draws from ``q``.

    Parameters
    ----------
    f : callable
        Maps count vectors (float64 rows) to values, shape ``(rows,)`` or ``(rows, d)``.
    q : torch.Tensor
        Strictly positive category probabilities summing to 1.
    k : int
        Number of draws.

    Returns
    -------
    torch.Tensor
        The expectation, a float64 scalar or ``d``-vector (exact up to float64 rounding).
    """
    q = _checked_law(q)
    total: torch.Tensor | float = 0.0
    for block in count_vector_blocks(k, q.numel(), max_rows):
        weight = torch.exp(log_multinomial(block, q))
        values = f(block.to(torch.float64))
        total = total + weight @ values
    return torch.as_tensor(total, dtype=torch.float64)


def _checked_law(q: torch.Tensor) -> torch.Tensor:
    q = q.to(torch.float64)
    if bool((q <= 0).any()) or abs(float(q.sum()) - 1.0) > 1e-9:
        raise ValueError("q must be strictly positive and sum to 1 (restrict it to its support first)")
    return q / q.sum()


def sample_counts(q: torch.Tensor, k: int, m: int, gen: torch.Generator) -> torch.Tensor:
    """``m`` count vectors of ``k`` i.i.d. draws from ``q`` (rows, float64), via ``torch.multinomial`` in chunks."""
    q = q.to(gen.device, torch.float64)
    rows = max(1, CHUNK_DRAWS // k)
    blocks = []
    for start in range(0, m, rows):
        size = min(rows, m - start)
        idx = torch.multinomial(q, size * k, replacement=True, generator=gen).view(size, k)
        ones = torch.ones(size, k, dtype=torch.float64, device=gen.device)
        blocks.append(torch.zeros(size, q.numel(), dtype=torch.float64, device=gen.device).scatter_add_(1, idx, ones))
    return torch.cat(blocks)


def weight_atoms(s: torch.Tensor, q: torch.Tensor, rtol: float = 1e-12) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The law of the normalized weight :math:`w=p_i/q_i` under :math:`i\sim q`: its distinct values and masses.

    Classes whose weights agree to ``rtol`` are merged (log Ẑ_k and every estimator below depend on the
    draws only through the weights, so the merged law gives the same expectations with fewer count vectors).
    """
    p = torch.softmax(s.to(torch.float64), dim=0)
    q = q.to(torch.float64)
    w = p / q
    order = torch.argsort(w)
    values: list[float] = []
    masses: list[float] = []
    for i in order.tolist():
        if values and abs(float(w[i]) - values[-1]) <= rtol * values[-1]:
            masses[-1] += float(q[i])
        else:
            values.append(float(w[i]))
            masses.append(float(q[i]))
    return torch.tensor(values, dtype=torch.float64), torch.tensor(masses, dtype=torch.float64)


def draws_of(counts: torch.Tensor) -> int:
    """The number of draws ``k`` of count vectors (rows that all sum to the same ``k``)."""
    return int(round(float(counts[0].sum()))) if counts.shape[0] else 0


def zhat_ratio(counts: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    r""":math:`\hat Z_k/Z=\frac1k\sum_a c_a w_a` for count vectors (rows, each summing to ``k``) over weights ``w``."""
    return counts @ w / draws_of(counts)


def log_zhat_ratio(counts: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    r""":math:`\log\hat Z_k-\log Z` for count vectors (rows) over weight values ``w``."""
    return torch.log(zhat_ratio(counts, w))


def chi_square_plugin(counts: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    r"""Plug-in :math:`\hat\chi^2_k=\frac1k\sum_j(W_j/\hat Z_k-1)^2=\frac{\frac1k\sum_j W_j^2}{\hat Z_k^2}-1`.

    Scale-free: the unnormalized weights :math:`W_j=e^{s_{i_j}}/q_{i_j}` and the normalized ones give the
    same value, so it needs no :math:`Z`.
    """
    return (counts @ (w * w) / draws_of(counts)) / zhat_ratio(counts, w) ** 2 - 1.0


def corrected_log_zhat_ratio(counts: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    r"""Bias-corrected :math:`\log\hat Z_k+\hat\chi^2_k/(2k)-\log Z` (plug-in :math:`\hat\chi^2_k`, same draws)."""
    return log_zhat_ratio(counts, w) + chi_square_plugin(counts, w) / (2.0 * draws_of(counts))


def ssm_gradient(counts: torch.Tensor, o: torch.Tensor, y: int, q: torch.Tensor) -> torch.Tensor:
    r"""Gradient in :math:`o` of the sampled-softmax loss with logits corrected by :math:`\log(kq)` (``ssm-logkq``).

    :math:`\ell=-o_y+\log\bigl(e^{o_y}+\sum_j c_j e^{o_j}/(kq_j)\bigr)` for count vectors ``counts`` (rows over
    all ``n`` classes, zero at the label ``y``) of ``k`` negatives drawn from ``q`` (zero at ``y``; ``q`` is held
    fixed, not differentiated). Returns rows :math:`c_j a_j/D` (:math:`j\ne y`) and :math:`e^{o_y}/D-1`
    (:math:`j=y`), :math:`a_j=e^{o_j}/(kq_j)`, :math:`D=e^{o_y}+\sum_j c_ja_j` (computed with :math:`o` shifted
    by its maximum).
    """
    a, top_y = _adjusted(o, y, q, draws_of(counts))
    denominator = top_y + counts @ a
    grad = counts * a / denominator[:, None]
    grad[:, y] = top_y / denominator - 1.0
    return grad


def ssm_gradient_controlled(counts: torch.Tensor, o: torch.Tensor, y: int, q: torch.Tensor) -> torch.Tensor:
    r""":func:`ssm_gradient` minus control variates with known mean zero (same expectation, smaller variance).

    With :math:`\bar D=\mathbb E D=Z` (:math:`\mathbb E c_j=kq_j`), subtracts the first-order terms
    :math:`\frac{a_j}{Z}(c_j-kq_j)-\frac{e^{o_j}}{Z^2}(D-Z)` (:math:`j\ne y`) and :math:`-\frac{e^{o_y}}{Z^2}(D-Z)`
    (:math:`j=y`), whose means are 0 exactly. When :math:`q\propto e^{o}` on the negatives every row equals
    :math:`\mathrm{softmax}(o)-e_y` (zero variance).
    """
    k = draws_of(counts)
    a, top_y = _adjusted(o, y, q, k)
    e = torch.exp(o.to(torch.float64) - o.max())
    z = float(e.sum())
    deviation = counts @ a + top_y - z
    control = (counts - k * q.to(torch.float64)) * a / z - deviation[:, None] * e / z**2
    return ssm_gradient(counts, o, y, q) - control


def _adjusted(o: torch.Tensor, y: int, q: torch.Tensor, k: int) -> tuple[torch.Tensor, float]:
    """Shifted adjusted weights e^{o_j}/(k q_j) of the negatives (0 at y) and the shifted e^{o_y}."""
    e = torch.exp(o.to(torch.float64) - o.max())
    q = q.to(torch.float64)
    a = torch.where(q > 0, e / (k * q.clamp_min(torch.finfo(torch.float64).tiny)), torch.zeros_like(e))
    a[y] = 0.0
    return a, float(e[y])


def full_gradient(o: torch.Tensor, y: int) -> torch.Tensor:
    r"""Gradient of the full softmax loss :math:`-\log\mathrm{softmax}(o)_y`: :math:`\mathrm{softmax}(o)-e_y`."""
    grad = torch.softmax(o.to(torch.float64), dim=0)
    grad[y] -= 1.0
    return grad


def negatives_expectation(f: Callable[[torch.Tensor], torch.Tensor], q: torch.Tensor, y: int, k: int,
                          max_rows: int = BLOCK_ROWS) -> torch.Tensor:
    """Exact :math:`\\mathbb E f(c)` over count vectors ``c`` (rows over all classes, zero at ``y``) of ``k`` draws
    from ``q`` supported on the classes other than ``y``."""
    keep = [j for j in range(q.numel()) if j != y]

    def embedded(block: torch.Tensor) -> torch.Tensor:
        full = torch.zeros(block.shape[0], q.numel(), dtype=torch.float64)
        full[:, keep] = block
        return f(full)

    return multinomial_expectation(embedded, q.to(torch.float64)[keep], k, max_rows)
