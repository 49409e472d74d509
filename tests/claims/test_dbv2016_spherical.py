"""Unit tests of claims.dbv2016.spherical: maps, spherical forms, Bouchard's bound, the factored step."""

from __future__ import annotations

import math

import pytest
import torch

from claims.dbv2016.spherical import (
    MAPS, assemble_grad_W, bouchard_gap, factored_step, lam, loss_from_stats, loss_naive, naive_step,
    prediction, stats, sufficient_statistics,
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
