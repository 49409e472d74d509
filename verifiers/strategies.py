"""Hypothesis strategies for the objects claims quantify over: logits, simplex points, labels."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


def dims(min_size: int = 2, max_size: int = 8) -> st.SearchStrategy[int]:
    """Vector lengths ``n`` in ``[min_size, max_size]``."""
    return st.integers(min_size, max_size)


@st.composite
def logits(draw: st.DrawFn, min_size: int = 2, max_size: int = 8, scale: float = 10.0,
           size: int | None = None) -> np.ndarray:
    """Finite float64 score vectors, with ties and small integers drawn often.

    Parameters
    ----------
    min_size, max_size : int
        Range of the length (ignored when ``size`` is given).
    scale : float
        Entries lie in ``[-scale, scale]``.
    size : int, optional
        Fixed length.
    """
    n = size if size is not None else draw(dims(min_size, max_size))
    entry = st.one_of(
        st.floats(-scale, scale, allow_nan=False, allow_infinity=False),
        st.integers(-3, 3).map(float),
    )
    values = draw(st.lists(entry, min_size=n, max_size=n))
    if n >= 2 and draw(st.booleans()):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        values[j] = values[i]
    return np.asarray(values, dtype=np.float64)


@st.composite
def simplex(draw: st.DrawFn, min_size: int = 2, max_size: int = 8, size: int | None = None,
            kind: str = "any") -> np.ndarray:
    """Points of the probability simplex: dense, sparse (zeros), peaked, or any of these.

    Parameters
    ----------
    kind : {"any", "dense", "sparse", "peaked"}
        ``sparse`` zeroes some coordinates; ``peaked`` puts most mass on one.
    """
    n = size if size is not None else draw(dims(min_size, max_size))
    chosen = draw(st.sampled_from(["dense", "sparse", "peaked"])) if kind == "any" else kind
    weights = np.asarray(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)), dtype=np.float64)
    if chosen == "sparse":
        keep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        keep[draw(st.integers(0, n - 1))] = True
        weights = weights * np.asarray(keep, dtype=np.float64)
    elif chosen == "peaked":
        weights[draw(st.integers(0, n - 1))] += draw(st.floats(5.0, 1e3))
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
