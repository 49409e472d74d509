r"""Shared softmax-classifier quantities of the CS231n claims (NumPy float64 and exact mpmath).

The float64 helpers work in log space (max-subtraction), so they are accurate for
moderate logits. :func:`exact_ce` evaluates the cross-entropy with mpmath, whose
exponent range is unbounded, so that :math:`-\log p_c>0` is never rounded to 0.
"""

from __future__ import annotations

import mpmath
import numpy as np

from verifiers.inputs import finite_vector

#: Working precision (decimal digits) of the exact evaluations.
DPS = 50


def _log_softmax(s: np.ndarray) -> np.ndarray:
    """Max-subtracted log-softmax (no input validation: the public functions validate once)."""
    shifted = s - s.max()
    return shifted - np.log(np.exp(shifted).sum())


def log_softmax(s: np.ndarray) -> np.ndarray:
    """Max-subtracted log-softmax of a float64 vector (finite entries required)."""
    return _log_softmax(finite_vector("claims.cs231n.losses.log_softmax", s))


def softmax(s: np.ndarray) -> np.ndarray:
    """Max-subtracted softmax of a float64 vector (finite entries required)."""
    return np.exp(_log_softmax(finite_vector("claims.cs231n.losses.softmax", s)))


def cross_entropy(s: np.ndarray, c: int) -> float:
    r""":math:`-\log\mathrm{softmax}(s)_c = \mathrm{logsumexp}(s) - s_c` in float64 (finite entries required)."""
    return float(-_log_softmax(finite_vector("claims.cs231n.losses.cross_entropy", s))[c])


def entropy(p: np.ndarray, log_p: np.ndarray) -> float:
    r"""Shannon entropy :math:`-\sum_i p_i\log p_i` (natural log) from ``p`` and ``log p``."""
    return float(-(p * log_p).sum())


def exact_ce(s: np.ndarray, c: int) -> mpmath.mpf:
    r""":math:`\log(1+\sum_{j\ne c}e^{s_j-s_c})` in mpmath: positive and finite for every finite ``s``.

    Each float64 entry converts to mpmath exactly; the differences and the
    exponentials are taken at ``DPS`` digits with no underflow.
    """
    finite_vector("claims.cs231n.losses.exact_ce", s)
    with mpmath.workdps(DPS):
        sc = mpmath.mpf(float(s[c]))
        rest = mpmath.fsum(mpmath.exp(mpmath.mpf(float(x)) - sc) for j, x in enumerate(s) if j != c)
        return mpmath.log1p(rest)


def exact_softmax(s: np.ndarray) -> list[mpmath.mpf]:
    """Softmax of a finite float vector in mpmath (reference values for accuracy checks)."""
    finite_vector("claims.cs231n.losses.exact_softmax", s)
    with mpmath.workdps(DPS):
        xs = [mpmath.mpf(float(x)) for x in s]
        top = max(xs)
        e = [mpmath.exp(x - top) for x in xs]
        total = mpmath.fsum(e)
        return [v / total for v in e]
