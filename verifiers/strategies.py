"""Hypothesis strategies for the objects claims quantify over: logits, simplex points, labels.

The logit strategy covers the domain a statement about "every s in R^n" quantifies
over, not a box: lengths up to the profile's ``max_n`` (short vectors drawn often),
magnitudes up to ``max_magnitude``, and the structured families where extremes of
softmax-family maps live: one large entry above many equal small ones, many-way
ties, near one-hot vectors, gaps at parameter-dependent values (``gaps``), and
log-uniform magnitudes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st

from verifiers.budget import Budget

#: The structured families :func:`logits` draws from.
FAMILIES = ("uniform", "small-integers", "one-large", "ties", "near-one-hot", "log-magnitude")


def dims(min_size: int = 2, max_size: int = 8) -> st.SearchStrategy[int]:
    """Vector lengths ``n`` in ``[min_size, max_size]``: short ones often, the largest ones too."""
    if max_size <= min_size + 6:
        return st.integers(min_size, max_size)
    return st.one_of(st.integers(min_size, min_size + 6), st.integers(min_size, max_size),
                     st.sampled_from(sorted({max_size // 2, max_size})))


@st.composite
def logits(draw: st.DrawFn, min_size: int = 2, max_size: int = 8, scale: float = 10.0,
           size: int | None = None, gaps: Sequence[float] = (), families: Sequence[str] = FAMILIES,
           max_magnitude: float | None = None) -> np.ndarray:
    """Finite float64 score vectors from the structured families of :data:`FAMILIES`.

    Parameters
    ----------
    min_size, max_size : int
        Range of the length (ignored when ``size`` is given).
    scale : float
        Typical entry size of the ``uniform`` family (entries in ``[-scale, scale]``).
    size : int, optional
        Fixed length.
    gaps : sequence of float
        Gaps between the top entry and the rest that matter for the claim (e.g.
        ``1/(alpha-1)``, where α-entmax becomes sparse); the ``one-large`` and
        ``near-one-hot`` families draw them, and values just around them, often.
    families : sequence of str
        The families to draw from (default: all).
    max_magnitude : float, optional
        Largest magnitude of the ``log-magnitude`` and ``near-one-hot`` families
        (default ``100 * scale``).
    """
    n = size if size is not None else draw(dims(min_size, max_size))
    big = float(max_magnitude if max_magnitude is not None else 100.0 * scale)
    family = draw(st.sampled_from(list(families)))
    if family == "small-integers":
        values = np.asarray(draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)), dtype=np.float64)
    elif family == "one-large":
        low, gap = draw(_finite(scale)), draw(_gap(gaps, scale, big))
        values = np.full(n, low)
        values[draw(st.integers(0, n - 1))] = low + gap
    elif family == "ties":
        levels = draw(st.lists(_finite(scale), min_size=1, max_size=min(4, n)))
        values = np.asarray([levels[draw(st.integers(0, len(levels) - 1))] for _ in range(n)], dtype=np.float64)
    elif family == "near-one-hot":
        base = np.asarray(draw(st.lists(st.floats(-1.0, 1.0), min_size=n, max_size=n)), dtype=np.float64)
        base[draw(st.integers(0, n - 1))] += draw(_gap(gaps, scale, big))
        values = base
    elif family == "log-magnitude":
        signs = np.asarray(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)))
        exponents = np.asarray(draw(st.lists(st.floats(-3.0, np.log10(big)), min_size=n, max_size=n)))
        values = signs * 10.0**exponents
    else:
        values = np.asarray(draw(st.lists(_finite(scale), min_size=n, max_size=n)), dtype=np.float64)
    if family in ("uniform", "small-integers") and n >= 2 and draw(st.booleans()):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        values[j] = values[i]
    return np.asarray(values, dtype=np.float64)


def budget_logits(budget: Budget, *, min_size: int = 2, max_size: int | None = None, scale: float = 10.0,
                  gaps: Sequence[float] = (), families: Sequence[str] = FAMILIES) -> st.SearchStrategy[np.ndarray]:
    """:func:`logits` sized by a profile: lengths up to ``budget.max_n``, magnitudes up to ``budget.max_magnitude``."""
    top = budget.max_n if max_size is None else min(max_size, budget.max_n)
    return logits(min_size, max(top, min_size), scale, gaps=gaps, families=families,
                  max_magnitude=budget.max_magnitude)


def _finite(scale: float) -> st.SearchStrategy[float]:
    return st.one_of(st.floats(-scale, scale, allow_nan=False, allow_infinity=False),
                     st.integers(-3, 3).map(float))


def _gap(gaps: Sequence[float], scale: float, big: float) -> st.SearchStrategy[float]:
    """Positive gaps: the claim's special values and their neighbourhoods, or log-uniform up to ``big``."""
    spread = st.floats(-3.0, float(np.log10(max(big, 10.0)))).map(lambda e: 10.0**e)
    if not gaps:
        return st.one_of(spread, st.floats(0.0, 2 * scale))
    near = st.tuples(st.sampled_from(list(gaps)), st.floats(-0.5, 0.5), st.sampled_from([1e-6, 1e-3, 0.1, 1.0]))
    return st.one_of(st.sampled_from(list(gaps)), near.map(lambda t: max(t[0] * (1 + t[1] * t[2]), 0.0)), spread)


@st.composite
def simplex(draw: st.DrawFn, min_size: int = 2, max_size: int = 8, size: int | None = None,
            kind: str = "any") -> np.ndarray:
    """Points of the probability simplex: dense, sparse (zeros), peaked, ties, or any of these.

    Parameters
    ----------
    kind : {"any", "dense", "sparse", "peaked", "ties"}
        ``sparse`` zeroes some coordinates; ``peaked`` puts most mass on one;
        ``ties`` repeats a few levels many times.
    """
    n = size if size is not None else draw(dims(min_size, max_size))
    chosen = draw(st.sampled_from(["dense", "sparse", "peaked", "ties"])) if kind == "any" else kind
    weights = np.asarray(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)), dtype=np.float64)
    if chosen == "sparse":
        keep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        keep[draw(st.integers(0, n - 1))] = True
        weights = weights * np.asarray(keep, dtype=np.float64)
    elif chosen == "peaked":
        weights[draw(st.integers(0, n - 1))] += draw(st.floats(5.0, 1e3))
    elif chosen == "ties":
        levels = draw(st.lists(st.floats(0.01, 1.0), min_size=1, max_size=min(3, n)))
        weights = np.asarray([levels[draw(st.integers(0, len(levels) - 1))] for _ in range(n)], dtype=np.float64)
    return weights / weights.sum()


def labels(n: int) -> st.SearchStrategy[int]:
    """Class labels ``0 .. n-1``."""
    return st.integers(0, n - 1)


@st.composite
def logits_and_label(draw: st.DrawFn, min_size: int = 2, max_size: int = 8,
                     scale: float = 10.0) -> tuple[np.ndarray, int]:
    """A score vector with a valid label for it."""
    s = draw(logits(min_size, max_size, scale))
    return s, draw(labels(len(s)))

__all__ = [
    "FAMILIES", "dims", "logits", "budget_logits", "simplex", "labels", "logits_and_label",
]
