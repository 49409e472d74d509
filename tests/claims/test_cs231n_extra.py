"""Unit tests of the cs231n helpers where floating point would mislead (exactness of the references)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import torch

from claims.cs231n.hinge_vs_softmax import exact_hinge, margin_met
from claims.cs231n.losses import cross_entropy, exact_ce, exact_softmax
from claims.cs231n.stable_softmax import evaluate, threshold


def test_exact_loss_stays_positive_where_float64_rounds_to_zero() -> None:
    s = np.array([1000.0, 0.0])
    assert cross_entropy(s, 0) == 0.0
    assert 0 < exact_ce(s, 0) < mpmath.mpf("1e-400")
    assert math.isclose(float(exact_ce(np.array([0.0, 0.0]), 0)), math.log(2), rel_tol=1e-15)


def test_hinge_is_decided_exactly_one_ulp_short_of_the_margin() -> None:
    s = np.array([np.nextafter(1.1, 0.0), 0.1])
    assert not margin_met(s, 0, 1.0) and exact_hinge(s, 0, 1.0) > 0
    s = np.array([2.0, 1.0])
    assert margin_met(s, 0, 1.0) and exact_hinge(s, 0, 1.0) == 0


def test_naive_softmax_overflows_just_above_the_float32_threshold() -> None:
    limit = float(threshold("float32"))
    below, above = np.array([limit - 0.01, 0.0]), np.array([limit + 0.01, 0.0])
    assert np.all(np.isfinite(evaluate("naive", below, torch.float32)))
    assert not np.all(np.isfinite(evaluate("naive", above, torch.float32)))
    stable = evaluate("stable", np.array([3e38, -3e38, 0.0]), torch.float32)
    assert np.allclose(stable, [float(v) for v in exact_softmax(np.array([3e38, -3e38, 0.0]))])


def test_softening_derivation_covers_symbolic_n() -> None:
    from claims.cs231n.softening import derivation

    parts = derivation()
    assert len(parts) == 4 and all(p.verdict == "proved" and p.scope.kind == "statement" for p in parts)


def test_kl_term_follows_the_zero_log_zero_convention() -> None:
    import sympy as sp

    from claims.cs231n.ce_is_kl import kl_term

    p = sp.Symbol("p", positive=True)
    assert kl_term(sp.Integer(0), p) == 0
    assert sp.simplify(kl_term(sp.Integer(1), p) + sp.log(p)) == 0
    assert sp.simplify(kl_term(sp.Rational(1, 2), p) - sp.log(1 / (2 * p)) / 2) == 0
