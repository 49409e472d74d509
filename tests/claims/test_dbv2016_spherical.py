"""Unit tests of claims.dbv2016.spherical: maps, spherical forms, Bouchard's bound, the factored step."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch

from claims.dbv2016.spherical import (
    LAMBDA_SERIES,
    LAMBDA_SERIES_BELOW,
    MAPS,
    assemble_grad_W,
    bouchard_gap,
    bouchard_gap_exact,
    factored_step,
    lam,
    lam_exact,
    loss_from_stats,
    loss_naive,
    naive_step,
    prediction,
    stats,
    step_costs,
    sufficient_statistics,
)


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("name", MAPS)
def test_prediction_is_in_the_simplex(name: str) -> None:
    o = 5 * torch.randn(7, 6, generator=_gen(), dtype=torch.float64)
    p = prediction(name, o)
    assert torch.all(p > 0)
    assert torch.allclose(p.sum(-1), torch.ones(7, dtype=torch.float64), atol=1e-14)


def test_known_values() -> None:
    o = torch.tensor([1.0, 0.0], dtype=torch.float64)
    assert torch.allclose(prediction("taylor", o), torch.tensor([5 / 7, 2 / 7], dtype=torch.float64))
    assert torch.allclose(prediction("spherical", o, eps=1.0), torch.tensor([2 / 3, 1 / 3], dtype=torch.float64))
    assert float(loss_naive("log-softmax", o, 1)) == pytest.approx(math.log(1 + math.e))


@pytest.mark.parametrize("name", MAPS)
def test_spherical_form_equals_naive_loss(name: str) -> None:
    o = 3 * torch.randn(5, 9, generator=_gen(1), dtype=torch.float64)
    s, q = stats(o)
    for c in (0, 4, 8):
        assert torch.allclose(loss_from_stats(name, s, q, o[:, c], 9), loss_naive(name, o, c), rtol=1e-12)


def test_loss_from_stats_rejects_log_softmax() -> None:
    with pytest.raises(ValueError):
        loss_from_stats("log-softmax", torch.tensor(0.0), torch.tensor(1.0), torch.tensor(0.0), 3)


def test_lambda_is_continuous_at_zero() -> None:
    xi = torch.tensor([-1e-3, -1e-5, 0.0, 1e-5, 1e-3], dtype=torch.float64)
    exact = torch.where(xi == 0, torch.tensor(0.125, dtype=torch.float64), (torch.sigmoid(xi) - 0.5) / (2 * xi))
    assert torch.allclose(lam(xi), exact, rtol=1e-10)


def test_lambda_series_coefficients_and_range() -> None:
    xi = sp.Symbol("xi")
    series = sp.series(sp.tanh(xi / 2) / (4 * xi), xi, 0, 6).removeO()
    assert series.coeff(xi, 0) == sp.Rational(LAMBDA_SERIES[0]) == sp.Rational(1, 8)
    assert LAMBDA_SERIES[1] == pytest.approx(float(series.coeff(xi, 2)), rel=1e-15) == -1 / 96
    assert float(series.coeff(xi, 4)) * LAMBDA_SERIES_BELOW**4 * 8 < 2.0**-53  # first omitted term, relative


@pytest.mark.parametrize("xi", [0.0, 1e-9, 3e-5, 9.99e-5, 1e-4, 1.0001e-4, 2e-4, 1e-2, 0.5, 2, 10, 40, 1e4, -3e-5, -7])
def test_lambda_matches_its_definition_on_both_sides_of_the_series_threshold(xi: float) -> None:
    value = float(lam(torch.tensor([xi], dtype=torch.float64))[0])
    with mpmath.workdps(40):
        assert value == pytest.approx(float(lam_exact(xi)), rel=1e-15)


def test_exact_bouchard_gap_is_tight_on_the_ray_and_detects_a_smaller_coefficient() -> None:
    for D in (3, 8, 32):
        for t in (1.0, 10.0, 100.0):
            o = np.concatenate([[t], np.full(D - 1, -t)])
            gap, size = bouchard_gap_exact(o, t)
            assert gap >= -1e-50 * size and gap <= D * math.log1p(math.exp(-t)) + 1e-50 * size
    o = np.concatenate([[16.0], np.full(7, -16.0)])
    assert bouchard_gap_exact(o, 16.0, -0.0626)[0] < 0 < bouchard_gap_exact(o, 16.0, -1 / 16)[0]


def test_exact_and_float_gaps_agree_at_moderate_inputs() -> None:
    o = 3 * torch.randn(20, 6, generator=_gen(3), dtype=torch.float64)
    xi = torch.linspace(-5, 5, 20, dtype=torch.float64)
    floats = bouchard_gap(o, 0, xi)
    for k in range(20):
        assert float(bouchard_gap_exact(o[k].tolist(), float(xi[k]))[0]) == pytest.approx(float(floats[k]), abs=1e-10)


def test_step_costs_are_exact_polynomials() -> None:
    for D, d in ((16, 4), (64, 16), (300, 7)):
        factored, naive = step_costs(D, d, _gen(D))
        assert (factored, naive) == (8 * d * d + 6 * d, 6 * D * d)


def test_bouchard_gap_sign() -> None:
    o = 4 * torch.randn(200, 1, 6, generator=_gen(2), dtype=torch.float64)
    xi = torch.linspace(-10, 10, 41, dtype=torch.float64)[None, :]
    assert float(bouchard_gap(o, 2, xi).min()) >= 0
    assert float(bouchard_gap(torch.zeros(1, 1, 64, dtype=torch.float64), 0, xi, -1 / 8).min()) < 0


@pytest.mark.parametrize("name", MAPS)
@pytest.mark.parametrize(("D", "d", "c"), [(2, 1, 1), (7, 3, 0), (33, 8, 20)])
def test_factored_step_equals_naive(name: str, D: int, d: int, c: int) -> None:
    gen = _gen(D * d + c)
    W = torch.randn(D, d, generator=gen, dtype=torch.float64)
    h = torch.randn(d, 1, generator=gen, dtype=torch.float64)
    Q, wbar = sufficient_statistics(W)
    assert torch.allclose(Q, W.T @ W) and torch.allclose(wbar, W.T @ torch.ones(D, 1, dtype=torch.float64))
    step = factored_step(name, Q, wbar, W[c:c + 1], h, D, lr=0.3)
    loss, grad_h, grad_W = naive_step(name, W, h, c)
    assert torch.allclose(step.loss, loss, rtol=1e-12)
    assert torch.allclose(step.grad_h, grad_h, rtol=1e-10, atol=1e-12)
    assert torch.allclose(assemble_grad_W(step.coef, W, h, c), grad_W, rtol=1e-10, atol=1e-12)
    W_next = W - 0.3 * grad_W
    Q_next, wbar_next = sufficient_statistics(W_next)
    assert torch.allclose(step.Q, Q_next, rtol=1e-10, atol=1e-12)
    assert torch.allclose(step.wbar, wbar_next, rtol=1e-10, atol=1e-12)
    assert torch.allclose(step.w_c, W_next[c:c + 1], rtol=1e-10, atol=1e-12)


def test_factored_step_detects_a_wrong_gradient() -> None:
    gen = _gen(5)
    W, h = torch.randn(6, 3, generator=gen, dtype=torch.float64), torch.randn(3, 1, generator=gen, dtype=torch.float64)
    Q, wbar = sufficient_statistics(W)
    step = factored_step("taylor", Q, wbar, W[1:2], h, 6)
    _, grad_h, _ = naive_step("taylor", W, h, 2)  # a different target class
    assert not torch.allclose(step.grad_h, grad_h)


def test_spherical_map_is_scale_invariant_exactly_only_without_eps() -> None:
    from fractions import Fraction

    from claims.dbv2016.scale_invariance import exact_map

    o = [Fraction(1, 10**7), Fraction(0), Fraction(-3, 10**7)]
    scaled = [Fraction(5) * v for v in o]
    assert exact_map(scaled, Fraction(0)) == exact_map(o, Fraction(0))
    assert exact_map(scaled, Fraction(1e-13)) != exact_map(o, Fraction(1e-13))
    assert exact_map(scaled, Fraction(5e-324)) != exact_map(o, Fraction(5e-324))
