"""The batched gradient-descent runner and its convergence rules, on problems with known dynamics."""

from __future__ import annotations

import math

import pytest
import torch

from claims.pu2026.dynamics import GRAD_TOL, descend, steps_for

CURVATURE = 2.0


def quadratic(x: torch.Tensor, _t: int) -> torch.Tensor:
    """∇ of (λ/2)‖x‖² with λ = CURVATURE."""
    return CURVATURE * x


def test_descend_converges_below_the_critical_step_and_counts_steps_exactly() -> None:
    """On (λ/2)x², g_t = λ(1 - ηλ)^t x_0: the first step with |g_t| ≤ tol matches the closed form."""
    eta = torch.tensor([0.1, 0.9, 0.5]) * 2 / CURVATURE  # |1 - ηλ| = 0.8, 0.8 (oscillating), 0 (one step)
    run = descend(quadratic, torch.ones(3, 1), eta, 500)
    expected = [math.ceil(math.log(GRAD_TOL / CURVATURE) / math.log(0.8))] * 2 + [1]
    assert run.converged.all()
    assert all(abs(int(a) - b) <= 1 for a, b in zip(run.first_below, expected, strict=True))
    assert not run.not_converging.any()


def test_descend_does_not_converge_above_the_critical_step() -> None:
    """η > 2/λ: the iterates grow; the rows are 'not converging', none 'converged' or undecided."""
    run = descend(quadratic, torch.full((4, 2), 1e-3), 1.1 * 2 / CURVATURE, 200)
    assert run.not_converging.all()
    assert not run.converged.any()
    assert not run.undecided.any()


def test_a_two_cycle_is_not_converging() -> None:
    """η = 2/λ exactly: x alternates ±x_0, the gradient norm returns to its start."""
    run = descend(quadratic, torch.ones(1, 3), 2 / CURVATURE, 50)
    assert bool(run.not_converging[0]) and not bool(run.converged[0])


def test_a_slow_run_is_undecided() -> None:
    """A contraction too slow for the horizon is neither converged nor not converging."""
    run = descend(quadratic, torch.ones(1, 1), 1e-4, 100)
    assert bool(run.undecided[0])


def test_descend_stops_early_once_every_row_converged() -> None:
    """With stop_when_converged the histories end at the last first-convergence step."""
    run = descend(quadratic, torch.ones(2, 1), 0.5, 1000)
    assert run.steps == 1 and run.grad_norms.shape == (2, 2)
    full = descend(quadratic, torch.ones(2, 1), 0.5, 10, stop_when_converged=False)
    assert full.steps == 10 and full.grad_norms.shape == (11, 2)


def test_descend_records_observed_quantities_per_row_and_step() -> None:
    """Observers give (steps + 1, B) histories; the gradient gets the step index."""
    seen_steps: list[int] = []

    def grad(x: torch.Tensor, t: int) -> torch.Tensor:
        seen_steps.append(t)
        return quadratic(x, t)

    run = descend(grad, torch.ones(3, 2), 0.1, 5, stop_when_converged=False,
                  observe={"norm": lambda x: torch.linalg.vector_norm(x, dim=-1)})
    assert run.observed["norm"].shape == (6, 3)
    assert seen_steps == list(range(6))
    assert torch.allclose(run.observed["norm"][-1], torch.linalg.vector_norm(run.final, dim=-1))
    assert run.final.dtype == torch.float64


def test_descend_accepts_one_step_per_row() -> None:
    """Per-row steps: each row follows its own contraction factor."""
    run = descend(quadratic, torch.ones(2, 1), torch.tensor([0.25, 0.1]), 3, stop_when_converged=False)
    assert torch.allclose(run.final[:, 0], torch.tensor([0.5**3, 0.8**3], dtype=torch.float64))


def test_descend_handles_a_time_varying_bias() -> None:
    """A constant bias b moves the fixed point of GD on (λ/2)x² to -b/λ."""
    run = descend(lambda x, t: quadratic(x, t) + 0.5, torch.zeros(1, 1), 0.25, 200, tol=0.0)
    assert float(run.final) == pytest.approx(-0.5 / CURVATURE, abs=1e-12)


def test_steps_for_sizes_runs_from_the_linear_rate() -> None:
    """⌈log(tol/start)/log rate⌉ + extra, capped; degenerate inputs give ``extra``."""
    assert steps_for(0.5, 1.0, 2.0**-10, extra=0) == 10
    assert steps_for(0.0, 1.0) == 100
    assert steps_for(0.9, 1e-20) == 100
    assert steps_for(0.999999, 1.0, extra=0, cap=50) == 50


@pytest.mark.parametrize("rate", [1.0, -0.1, 2.0])
def test_steps_for_rejects_rates_that_do_not_contract(rate: float) -> None:
    """A rate outside [0, 1) has no finite horizon."""
    with pytest.raises(ValueError, match="rate must lie in"):
        steps_for(rate, 1.0)


def test_descend_rejects_a_non_positive_horizon() -> None:
    """steps must be a positive integer."""
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        descend(quadratic, torch.ones(1, 1), 0.1, 0)
