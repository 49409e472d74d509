r"""Deliberately broken implementations of the CS231n claims (mutation testing).

Each :class:`~verifiers.mutation.Mutant` replaces one function of :mod:`claims.cs231n.losses` (or the
formula evaluator of the stable-softmax claim) by a realistic bug and names the claims expected to
refute it. ``tests/claims/test_mutants.py`` asserts that every mutant is caught under the quick profile.
"""

from __future__ import annotations

import numpy as np
import torch

from verifiers.mutation import Mutant


def _log_softmax_without_max(s: np.ndarray) -> np.ndarray:
    r"""Log-softmax :math:`s-\log\sum_je^{s_j}` without subtracting the max first (overflows past ~709)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return s - np.log(np.exp(s).sum())


def _evaluate_without_max(formula: str, s: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    """The "stable" formula with the max-subtraction dropped (both formulas are then the naive one)."""
    x = torch.as_tensor(s, dtype=dtype)
    e = torch.exp(x)
    return (e / e.sum()).double().numpy()


def _exact_ce_in_float64(s: np.ndarray, c: int) -> float:
    r""":math:`\log(1+\sum_{j\ne c}e^{s_j-s_c})` in float64 instead of mpmath (underflows to 0 for big margins)."""
    with np.errstate(over="ignore"):
        rest = np.exp(np.delete(s, c) - s[c]).sum()
    return float(np.log1p(rest))


def _entropy_sign(p: np.ndarray, log_p: np.ndarray) -> float:
    r"""Entropy with the sign dropped: :math:`\sum_ip_i\log p_i`."""
    return float((p * log_p).sum())


SOFTMAX_WITHOUT_MAX = Mutant(
    "softmax-without-max-subtraction",
    "the log-softmax behind losses.log_softmax, softmax and cross_entropy skips the max-subtraction",
    "claims.cs231n.losses:_log_softmax", _log_softmax_without_max, ("cs231n/softening",))

STABLE_FORMULA_WITHOUT_MAX = Mutant(
    "stable-softmax-without-max-subtraction", "the 'stable' softmax formula is evaluated as exp(s)/Σexp(s)",
    "claims.cs231n.stable_softmax:evaluate", _evaluate_without_max, ("cs231n/stable-softmax",))

EXACT_CE_IN_FLOAT64 = Mutant(
    "exact-ce-in-float64",
    "the 'exact' cross-entropy is evaluated in float64, so exp underflows and the loss rounds to 0",
    "claims.cs231n.losses:exact_ce", _exact_ce_in_float64, ("cs231n/loss-range",))

ENTROPY_SIGN = Mutant(
    "entropy-sign", "losses.entropy returns Σ p log p (the negative entropy)",
    "claims.cs231n.losses:entropy", _entropy_sign, ("cs231n/softening",))
