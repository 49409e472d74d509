"""Unit tests of claims.pu2026.risk_newton: risk values, curvature, and the (constrained) Newton solver."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from claims.pu2026.calibration import infimum
from claims.pu2026.risk import literal_risk, population_minimizer, predict_np, risk_function
from claims.pu2026.risk_newton import STATIONARY_TOL, Curvature, RiskModel, newton

ETA = np.array([0.1, 0.2, 0.3, 0.4])
Q = np.array([0.4, 0.3, 0.2, 0.1])
LOSSES = ["softmax", "sparsemax", "entmax15", "ssm", "ssm-uncorrected"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_diagonal_minus_rank_one_solve_matches_a_dense_solve() -> None:
    d, u = rng().uniform(1, 2, (3, 5)), rng(1).uniform(0, 0.5, (3, 5))
    mu, rhs = np.array([1e-3, 0.1, 1.0]), rng(2).normal(size=(3, 5))
    dense = np.stack([np.diag(d[b]) - np.outer(u[b], u[b]) + mu[b] * np.eye(5) for b in range(3)])
    expected = np.linalg.solve(dense, rhs[..., None])[..., 0]
    assert np.allclose(Curvature(d=d, u=u).solve(mu, rhs), expected, atol=1e-12)
    assert np.allclose(Curvature(dense=dense - mu[:, None, None] * np.eye(5)).solve(mu, rhs), expected, atol=1e-12)


@pytest.mark.parametrize("loss", LOSSES)
def test_values_and_gradients_match_the_literal_risk(loss: str) -> None:
    s = rng(3).normal(size=(4, 4)) * 2
    value, grad, _ = RiskModel(loss, ETA, Q, 2).evaluate(s)
    literal = literal_risk(loss, torch.as_tensor(s), ETA, Q, k=2).numpy()
    reference_value, reference_grad = risk_function(loss, ETA, Q, 2)(s)
    assert np.allclose(value, literal, atol=1e-12)
    assert np.allclose(grad, reference_grad, atol=1e-12)
    assert np.allclose(value, reference_value, atol=1e-12)


@pytest.mark.parametrize("loss", ["softmax", "entmax15", "ssm", "ssm-uncorrected"])
def test_curvature_is_the_hessian_of_the_literal_risk(loss: str) -> None:
    s = torch.as_tensor(0.3 * rng(4).normal(size=4), dtype=torch.float64)   # inside the support of 1.5-entmax
    hessian = torch.autograd.functional.hessian(lambda x: literal_risk(loss, x[None], ETA, Q, k=2)[0], s).numpy()
    _, _, curv = RiskModel(loss, ETA, Q, 2).evaluate(s.numpy()[None])
    dense = curv.dense[0] if curv.dense is not None else np.diag(curv.d[0]) - np.outer(curv.u[0], curv.u[0])
    assert np.all(np.isfinite(hessian))
    assert np.allclose(dense, hessian, atol=1e-10)


def test_sparsemax_curvature_is_the_generalized_hessian_on_the_support() -> None:
    s = np.array([[2.0, 1.8, -3.0, 1.6]])                       # sparsemax support {0, 1, 3}
    _, _, curv = RiskModel("sparsemax", ETA).evaluate(s)
    support = np.array([1.0, 1.0, 0.0, 1.0])
    expected = np.diag(support) - np.outer(support, support) / support.sum()
    assert np.array_equal(predict_np("sparsemax", s)[0] > 0, support > 0)
    assert np.allclose(np.diag(curv.d[0]) - np.outer(curv.u[0], curv.u[0]), expected)


@pytest.mark.parametrize("loss", ["softmax", "sparsemax", "entmax15"])
@pytest.mark.parametrize("eta", [ETA, np.array([0.5, 0.0, 0.3, 0.0, 0.2]), np.array([0.97, 0.01, 0.01, 0.01])])
def test_newton_from_random_starts_reaches_the_closed_form_minimizer(loss: str, eta: np.ndarray) -> None:
    if loss == "softmax" and eta.min() == 0:
        pytest.skip("no minimizer")
    found = newton(RiskModel(loss, eta), rng(5).normal(size=(3, len(eta))) * 2)
    assert found.converged.all() and found.stationarity.max() <= STATIONARY_TOL
    closed = population_minimizer(loss, eta)
    support = eta > 0
    for s in found.points:
        on = s[support] - s[support].mean()
        assert np.allclose(on, closed[support] - closed[support].mean(), atol=1e-8)
    assert np.allclose(found.values, infimum(loss, eta), atol=1e-12)


def test_softmax_with_zero_weights_is_solved_on_the_active_classes() -> None:
    eta = np.array([0.5, 0.0, 0.3, 0.2])
    active = np.repeat((eta > 0)[None], 2, 0)
    found = newton(RiskModel("softmax", eta), rng(6).normal(size=(2, 4)), active=active)
    assert found.converged.all()
    assert np.allclose(found.values, infimum("softmax", eta), atol=1e-12)       # -Omega(eta) = sum eta log eta
    assert np.all(found.grads[:, 1] == 0.0)


@pytest.mark.parametrize("loss", ["softmax", "sparsemax", "entmax15"])
def test_newton_on_a_hyperplane_stays_on_it_and_merges_the_pair(loss: str) -> None:
    """On s_i = s_j the FY risk's infimum is -Omega of eta with eta_i, eta_j averaged (duality)."""
    eta = np.array([0.45, 0.3, 0.15, 0.1])
    pairs = np.array([[1, 2], [0, 3], [0, 1]])
    found = newton(RiskModel(loss, eta), rng(7).normal(size=(3, 4)), pairs=pairs)
    assert found.converged.all()
    rows = np.arange(3)
    assert np.array_equal(found.points[rows, pairs[:, 0]], found.points[rows, pairs[:, 1]])
    for row, (i, j) in enumerate(pairs):
        merged = eta.copy()
        merged[[i, j]] = (eta[i] + eta[j]) / 2
        assert np.isclose(found.values[row], infimum(loss, merged), atol=1e-12)
        assert np.isclose(found.multipliers[row], (eta[i] - eta[j]) / 2, atol=1e-10)


def test_a_negative_multiplier_flags_an_inactive_constraint() -> None:
    """Uncorrected sampled softmax ranks by eta/q: on s_0 = s_3 with eta_0/q_0 < eta_3/q_3 the multiplier of
    s_3 >= s_0 is negative (the constrained optimum is interior)."""
    q = np.array([0.05, 0.15, 0.3, 0.5])                         # eta / q = (2, 4/3, 1, 0.8): eta's order reversed
    found = newton(RiskModel("ssm-uncorrected", ETA, q, 2), np.zeros((1, 4)), pairs=np.array([[3, 0]]))
    assert found.converged.all() and found.multipliers[0] < 0
    right = newton(RiskModel("ssm", ETA, q, 2), np.zeros((1, 4)), pairs=np.array([[3, 0]]))
    assert right.converged.all() and right.multipliers[0] > 0


def test_unknown_loss_and_missing_proposal_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown loss"):
        RiskModel("hinge", ETA)
    with pytest.raises(ValueError, match="needs a proposal"):
        RiskModel("ssm", ETA)
