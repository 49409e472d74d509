"""Unit tests of the L2-regularized multinomial logistic path solver and of the l2-path-softening decision."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from claims.cs231n.l2_path import (
    entropies,
    mean_loss,
    objective,
    path,
    solve,
    synthetic,
    uncertainty,
    unpack,
)
from claims.cs231n.l2_path_softening import decide, robust_drops, symbolic_steps
from verifiers.errors import InvalidArgument

DATA = synthetic(3, points=40)


def test_gradient_and_hessian_match_finite_differences() -> None:
    rng = np.random.default_rng(0)
    theta = rng.normal(size=3 * 2 + 2)
    _, grad, hess = objective(theta, DATA, 0.1)
    h = 1e-6
    for k in range(len(theta)):
        e = np.eye(len(theta))[k] * h
        fd = (objective(theta + e, DATA, 0.1)[0] - objective(theta - e, DATA, 0.1)[0]) / (2 * h)
        fd_grad = (objective(theta + e, DATA, 0.1)[1] - objective(theta - e, DATA, 0.1)[1]) / (2 * h)
        assert abs(fd - grad[k]) < 1e-7
        assert np.allclose(fd_grad, hess[:, k], atol=1e-6)


def test_newton_reaches_its_tolerance_and_agrees_with_bfgs() -> None:
    sol = solve(DATA, 0.05, 1e-12)
    assert sol.grad_norm <= 1e-12 and sol.curvature > 0
    ref = minimize(lambda t: objective(t, DATA, 0.05)[0], np.zeros(8), jac=lambda t: objective(t, DATA, 0.05)[1],
                   method="BFGS", options={"gtol": 1e-10})
    W, b = unpack(ref.x, DATA)
    assert np.allclose(W, sol.W, atol=1e-6) and np.allclose(b, sol.b, atol=1e-6)


def test_mean_entropy_identity_holds_at_the_optimum() -> None:
    for sol in path(DATA, np.geomspace(1e-3, 1e2, 6), 1e-11):
        identity = entropies(sol, DATA).mean() - mean_loss(sol, DATA) - sol.lam * float((sol.W**2).sum())
        assert abs(identity) < 1e-9


def test_error_bars_cover_a_perturbation_of_the_size_of_the_bound() -> None:
    sol = solve(DATA, 0.5, 1e-9)
    norm_bar, point_bars, _ = uncertainty(sol, DATA)
    rng = np.random.default_rng(2)
    for _ in range(5):
        direction = rng.normal(size=8)
        delta = direction / np.linalg.norm(direction) * sol.distance
        W, b = unpack(np.concatenate([sol.W.ravel(), sol.b[:-1]]) + delta, DATA)
        moved = type(sol)(sol.lam, W, b, sol.grad_norm, sol.curvature, 0, sol.tol)
        assert np.all(np.abs(entropies(moved, DATA) - entropies(sol, DATA)) <= point_bars * 1.01)
        assert abs(np.linalg.norm(W) - np.linalg.norm(sol.W)) <= norm_bar


def test_the_float_resolution_stall_is_handled() -> None:
    """Seed 282326060 once stalled at lambda = 35.1 (Armijo cannot see decreases below float64 resolution)."""
    sols = path(synthetic(282326060), np.geomspace(1e-3, 1e2, 12), 1e-9)
    assert max(s.grad_norm for s in sols) <= 1e-9


def test_bad_inputs_get_clear_errors() -> None:
    with pytest.raises(InvalidArgument, match="lam > 0"):
        solve(DATA, 0.0, 1e-9)
    with pytest.raises(InvalidArgument, match="len\\(prior\\)"):
        synthetic(0, classes=4)


def test_robust_drops_subtract_both_error_bars() -> None:
    values, bars = np.array([1.0, 0.9, 0.95]), np.array([0.01, 0.02, 0.01])
    assert np.allclose(robust_drops(values, bars), [0.1 - 0.03, -0.05 - 0.03])


@pytest.mark.parametrize("pointwise, norm_rises, mean_falls, survives, verdict", [
    (False, False, False, True, "supported"), (True, False, False, True, "refuted"),
    (True, False, False, False, "supported"), (False, False, False, False, "inconclusive"),
    (False, True, False, True, "refuted"), (False, False, True, True, "refuted"),
])
def test_decision_table(pointwise: bool, norm_rises: bool, mean_falls: bool, survives: bool, verdict: str) -> None:
    witness = {"point": 1, "lambda": [0.1, 0.2], "entropy": [0.9, 0.8], "error_bar": 1e-9, "survives": survives}
    assert decide(pointwise, norm_rises, mean_falls, witness, {}).verdict == verdict


def test_symbolic_steps_hold() -> None:
    assert all(symbolic_steps()[0].values())
