r"""Graded relevance and (N)DCG: discounts, expected NDCG@K by brute force, and rigorous exact versions.

A relevance distribution is finite: grade vectors :math:`G^{(m)}\in\mathbb Z_{\ge0}^n\setminus\{0\}` (rows) with
probabilities :math:`p_m`. With the discount :math:`d_r=1/\log_2(1+r)`,

.. math:: \mathrm{DCG@K}(\pi,G)=\sum_{r\le K}G_{\pi(r)}d_r,\qquad
          \mathrm{NDCG@K}(\pi,G)=\mathrm{DCG@K}(\pi,G)/\mathrm{IDCG@K}(G),

where :math:`\pi(r)` is the item at rank :math:`r` and :math:`\mathrm{IDCG@K}(G)` the DCG@K of :math:`G` sorted
decreasingly; :math:`K=n` (or ``None``) is the full NDCG. Expected NDCG is computed per support point, never
through a surrogate target, so the brute force over permutations is independent of the targets
:math:`u_i=\mathbb E[G_i/\mathrm{IDCG}(G)]` (NDCG-consistent) and :math:`v_i=\mathbb E[G_i/\sum_jG_j]` (ListNet's).

The ``exact_*`` functions take grades as integers and probabilities as :class:`fractions.Fraction` and evaluate
with interval arithmetic (``mpmath.iv``): every result is an interval that contains the exact real value, so a
comparison decided on disjoint intervals is a proof.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy as np
from hypothesis import strategies as st

Array = np.ndarray
#: A relevance law in exact form: grade vectors (rows of ints) and positive integer weights (probability =
#: weight / sum of weights).
Law = tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]
#: Working precision (bits) of the interval arithmetic.
EXACT_BITS = 200


def discounts(n: int) -> Array:
    """DCG position discounts ``1/log2(1 + r)`` for ranks r = 1..n (1, 1/log2 3, 1/2, ...)."""
    return 1.0 / np.log2(np.arange(2, n + 2))


@lru_cache(maxsize=16)
def permutations(n: int) -> Array:
    """All n! rankings of n items as rows (item at rank 1, 2, ...)."""
    return np.array(list(itertools.permutations(range(n))), dtype=np.int64)


def ideal_dcg(grades: Array, cutoff: int | None = None) -> Array:
    """IDCG@K of each row of ``grades`` (``cutoff=None``: all ranks)."""
    disc = discounts(grades.shape[1])
    if cutoff is not None:
        disc = np.where(np.arange(grades.shape[1]) < cutoff, disc, 0.0)
    return np.sort(grades, axis=1)[:, ::-1] @ disc


def expected_ndcg(orders: Array, grades: Array, probs: Array, cutoff: int | None = None) -> Array:
    """Expected NDCG@K of each ranking (rows of ``orders``), computed per support point of the distribution."""
    disc = discounts(grades.shape[1])
    if cutoff is not None:
        disc = np.where(np.arange(grades.shape[1]) < cutoff, disc, 0.0)
    dcg = (grades[:, orders] * disc).sum(-1)                              # (m, perms)
    return probs @ (dcg / ideal_dcg(grades, cutoff)[:, None])


def utilities(grades: Array, probs: Array, cutoff: int | None = None) -> Array:
    r"""The targets :math:`u_i=\mathbb E[G_i/\mathrm{IDCG@K}(G)]` (full IDCG when ``cutoff`` is ``None``)."""
    return probs @ (grades / ideal_dcg(grades, cutoff)[:, None])


def listnet_target(grades: Array, probs: Array) -> Array:
    r"""ListNet's target :math:`v_i=\mathbb E[G_i/\sum_jG_j]` (the expected sum-normalized relevance)."""
    return probs @ (grades / grades.sum(1, keepdims=True))


def best_expected_ndcg(grades: Array, probs: Array, cutoff: int | None = None) -> tuple[float, Array]:
    """The largest expected NDCG@K over all n! rankings, and one ranking attaining it (brute force)."""
    orders = permutations(grades.shape[1])
    values = expected_ndcg(orders, grades, probs, cutoff)
    best = int(np.argmax(values))
    return float(values[best]), orders[best]


@contextmanager
def _precision() -> Iterator[None]:
    """Interval arithmetic at :data:`EXACT_BITS` bits (``mpmath.iv`` keeps its precision globally)."""
    previous, mpmath.iv.prec = mpmath.iv.prec, EXACT_BITS
    try:
        yield
    finally:
        mpmath.iv.prec = previous


@lru_cache(maxsize=64)
def exact_discount(rank: int) -> mpmath.iv.mpf:
    """An interval containing ``1/log2(1 + rank)``."""
    with _precision():
        return mpmath.iv.log(2) / mpmath.iv.log(rank + 1)


def _fraction(value: Fraction | int) -> mpmath.iv.mpf:
    value = Fraction(value)
    with _precision():
        return mpmath.iv.mpf(value.numerator) / value.denominator


def exact_ideal_dcg(row: Sequence[int], cutoff: int | None = None) -> mpmath.iv.mpf:
    """An interval containing IDCG@K of one grade vector."""
    ranked = sorted(row, reverse=True)[:cutoff]
    with _precision():
        return sum((g * exact_discount(r) for r, g in enumerate(ranked, start=1) if g), mpmath.iv.mpf(0))


def exact_expected_ndcg(order: Sequence[int], grades: Sequence[Sequence[int]], probs: Sequence[Fraction],
                        cutoff: int | None = None) -> mpmath.iv.mpf:
    """An interval containing the expected NDCG@K of one ranking (summed per support point)."""
    with _precision():
        total = mpmath.iv.mpf(0)
        for row, p in zip(grades, probs):
            dcg = sum((row[item] * exact_discount(r) for r, item in enumerate(order[:cutoff], start=1)
                       if row[item]), mpmath.iv.mpf(0))
            total += _fraction(p) * dcg / exact_ideal_dcg(row, cutoff)
        return total


def exact_expected_ndcgs(orders: Sequence[Sequence[int]], grades: Sequence[Sequence[int]],
                         probs: Sequence[Fraction], cutoff: int | None = None) -> list[mpmath.iv.mpf]:
    r"""Intervals containing the expected NDCG@K of many rankings, as :math:`\sum_{r\le K}d_rw_{\pi(r)}` with
    :math:`w_i=\mathbb E[G_i/\mathrm{IDCG@K}(G)]` (the same exact number as the sum per support point,
    reassociated; the intervals stay rigorous)."""
    w = exact_utilities(grades, probs, cutoff)
    with _precision():
        return [sum((exact_discount(r) * w[item] for r, item in enumerate(order[:cutoff], start=1)),
                    mpmath.iv.mpf(0)) for order in orders]


def exact_utilities(grades: Sequence[Sequence[int]], probs: Sequence[Fraction],
                    cutoff: int | None = None) -> list[mpmath.iv.mpf]:
    r"""Intervals containing :math:`u_i=\mathbb E[G_i/\mathrm{IDCG@K}(G)]`."""
    with _precision():
        ideal = [exact_ideal_dcg(row, cutoff) for row in grades]
        return [sum((_fraction(p) * row[i] / idcg for row, p, idcg in zip(grades, probs, ideal)), mpmath.iv.mpf(0))
                for i in range(len(grades[0]))]


def surely_less(a: mpmath.iv.mpf, b: mpmath.iv.mpf) -> bool:
    """Whether every point of interval ``a`` is below every point of interval ``b`` (a proof of a < b)."""
    return bool(a.b < b.a)


def law_arrays(law: Law) -> tuple[Array, Array]:
    """Grades ``(m, n)`` and probabilities ``(m,)`` of a law as float arrays."""
    rows, weights = law
    return np.array(rows, dtype=np.float64), np.array(weights, dtype=np.float64) / sum(weights)


@st.composite
def relevance_laws(draw: st.DrawFn, min_n: int, max_n: int, max_grade: int = 3, max_support: int = 3,
                   cover: bool = False) -> Law:
    """Relevance laws: integer grade vectors (none all zero) with integer weights 1..9.

    Half of them are structured: one item relevant alone against all the others relevant together, the block
    being the likelier, with n >= ``min_n + 1`` (the family where IDCG@K / IDCG and IDCG / sum G vary most; one
    common grade or random grades), plus a random grade vector a quarter of the time; the others have 1 to
    ``max_support`` random grade vectors. With ``cover``, every item is relevant in some vector (so that the
    targets E[G_i/IDCG(G)] and E[G_i/sum G] are positive).
    """
    grade = st.integers(1, max_grade)
    if draw(st.booleans()):
        n = draw(st.integers(min(min_n + 1, max_n), max_n))
        alone = draw(st.integers(0, n - 1))
        common, equal = draw(grade), draw(st.booleans())
        rows = [tuple(draw(grade) if i == alone else 0 for i in range(n)),
                tuple(0 if i == alone else common if equal else draw(grade) for i in range(n))]
        heavier = draw(st.integers(2, 9))
        weights = [draw(st.integers(1, heavier - 1)), heavier]
        if draw(st.booleans()) and draw(st.booleans()):
            rows.append(_random_row(draw, n, max_grade))
            weights.append(draw(st.integers(1, 9)))
    else:
        n = draw(st.integers(min_n, max_n))
        rows = [_random_row(draw, n, max_grade) for _ in range(draw(st.integers(1, max_support)))]
        weights = draw(st.lists(st.integers(1, 9), min_size=len(rows), max_size=len(rows)))
    if cover:
        rows = _covering(draw, rows)
    return tuple(rows), tuple(weights)


def _random_row(draw: st.DrawFn, n: int, max_grade: int) -> tuple[int, ...]:
    row = draw(st.lists(st.integers(0, max_grade), min_size=n, max_size=n))
    row[draw(st.integers(0, n - 1))] = max(max(row), 1)  # IDCG > 0
    return tuple(row)


def _covering(draw: st.DrawFn, rows: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Give every item that no vector makes relevant grade 1 in a random vector."""
    grid = [list(row) for row in rows]
    for item in range(len(grid[0])):
        if not any(row[item] for row in grid):
            grid[draw(st.integers(0, len(grid) - 1))][item] = 1
    return [tuple(row) for row in grid]
