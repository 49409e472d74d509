"""Shared risk implementations of pu2026 pinned further: the NumPy maps along the last axis, float64 throughout,
defaults, error messages, the convergence flags, the Armijo line search and the vectorized Newton solver
(mutation kills for ``claims.pu2026.risk`` and ``claims.pu2026.risk_newton``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from entmax import entmax15, sparsemax

from claims.pu2026.risk import (
    GRAD_TOL,
    SSMDesign,
    centred,
    entmax15_np,
    literal_risk,
    minimize_risk,
    needs_dense,
    population_minimizer,
    predict_np,
    random_starts,
    risk_function,
    scaled,
    separated_ks,
    softmax_minimizer,
    sparsemax_np,
    topk_violation,
)
from claims.pu2026.risk_newton import ARMIJO, RiskModel, _armijo, _sufficient, newton
from verifiers import PROFILES, Context

ETA = np.array([0.1, 0.2, 0.3, 0.4])
Q = np.array([0.4, 0.3, 0.2, 0.1])
#: float32 weights whose float32 sum differs from their exact (float64) sum.
W32 = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32)
REFERENCE = {"softmax": lambda s: torch.softmax(s, -1), "sparsemax": lambda s: sparsemax(s, dim=-1),
             "entmax15": lambda s: entmax15(s, dim=-1)}


def near(a, b, atol: float = 0.0, rtol: float = 0.0) -> bool:
    """Equal within an absolute and a relative tolerance, both 0 unless given (np.allclose's rtol is not)."""
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def gen(seed: int = 0) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(seed)
    return g


# ---- NumPy prediction maps and the FY risk: row-wise along the last axis ------------------------------------

@pytest.mark.parametrize("loss", ["softmax", "sparsemax", "entmax15"])
@pytest.mark.parametrize("shape", [(5,), (2, 3, 5)])
def test_prediction_maps_work_along_the_last_axis_of_any_shape(loss: str, shape: tuple[int, ...]) -> None:
    s = rng(1).normal(size=shape) * 2
    expected = REFERENCE[loss](torch.as_tensor(s)).numpy()
    assert near(predict_np(loss, s), expected, atol=1e-12)
    direct = {"sparsemax": sparsemax_np, "entmax15": entmax15_np}.get(loss)
    if direct is not None:
        assert near(direct(s), expected, atol=1e-12)


def test_softmax_prediction_is_stable_for_huge_logits_and_rows_of_different_scale() -> None:
    s = np.array([[1000.0, 999.0, 0.0], [0.0, -1.0, -2.0], [800.0, 0.0, -800.0]])
    assert near(predict_np("softmax", s), torch.softmax(torch.as_tensor(s), -1).numpy(), atol=1e-15)


@pytest.mark.parametrize("loss", ["softmax", "sparsemax", "entmax15"])
def test_fy_risk_of_a_stack_of_batches_is_the_risk_of_each_row(loss: str) -> None:
    s = rng(2).normal(size=(2, 3, 4)) * 2
    fn = risk_function(loss, ETA)
    values, grads = fn(s)
    flat_values, flat_grads = fn(s.reshape(6, 4))
    assert values.shape == (2, 3) and grads.shape == (2, 3, 4)
    assert near(values.ravel(), flat_values, atol=1e-13) and near(grads.reshape(6, 4), flat_grads)
    single_value, single_grad = fn(s[1, 2])
    assert np.isclose(single_value, flat_values[5], atol=1e-13) and near(single_grad, flat_grads[5])


def test_saturated_softmax_risk_matches_the_log_sum_exp_closed_form() -> None:
    """p underflows to exact zeros: their entropy terms are 0 (0 log 0 = 0), and no warning is emitted."""
    s = np.array([[0.0, -800.0, -900.0], [30.0, 0.0, -750.0]])
    w = np.array([0.7, 0.2, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, _ = risk_function("softmax", w)(s)
    expected = w.sum() * torch.logsumexp(torch.as_tensor(s), -1).numpy() - s @ w
    assert near(values, expected, rtol=1e-14)


def test_risks_are_computed_in_float64_also_for_float32_weights() -> None:
    s = rng(3).normal(size=(3, 4))
    exact = W32.astype(np.float64)
    for loss in ("softmax", "sparsemax", "ssm"):
        values, grads = risk_function(loss, W32, Q)(s)
        ref_values, ref_grads = risk_function(loss, exact, Q)(s)
        assert np.array_equal(values, ref_values) and np.array_equal(grads, ref_grads)
        assert np.array_equal(RiskModel(loss, W32, Q).evaluate(s)[0], RiskModel(loss, exact, Q).evaluate(s)[0])
    literal = literal_risk("softmax", torch.as_tensor(s), W32)
    assert literal.dtype == torch.float64
    assert near(literal.numpy(), risk_function("softmax", exact)(s)[0], atol=1e-13)


def test_integer_label_counts_are_valid_weights() -> None:
    counts = [3, 1, 0, 2]
    s = torch.as_tensor(rng(4).normal(size=(2, 4)))
    for loss in ("softmax", "sparsemax"):
        assert near(literal_risk(loss, s, counts).numpy(), risk_function(loss, np.array(counts, float))(
            s.numpy())[0], atol=1e-12)


@pytest.mark.parametrize("loss", ["ssm", "ssm-uncorrected"])
def test_ssm_defaults_to_two_negatives_everywhere(loss: str) -> None:
    s = rng(5).normal(size=(2, 4))
    two = risk_function(loss, ETA, Q, 2)(s)[0]
    assert not near(two, risk_function(loss, ETA, Q, 3)(s)[0])
    assert near(risk_function(loss, ETA, Q)(s)[0], two, atol=1e-13)
    assert near(literal_risk(loss, torch.as_tensor(s), ETA, Q).numpy(), two, atol=1e-13)
    assert near(RiskModel(loss, ETA, Q).evaluate(s)[0], two, atol=1e-13)


@pytest.mark.parametrize("loss", ["ssm", "ssm-uncorrected"])
def test_ssm_risk_is_stable_for_rows_of_very_different_scale(loss: str) -> None:
    s = np.array([[900.0, 0.0, -5.0, 1.0], [0.3, -0.2, 0.1, 0.0]])
    values, grads = risk_function(loss, ETA, Q)(s)
    model_values, model_grads, _ = RiskModel(loss, ETA, Q).evaluate(s)
    for row in range(2):
        single_values, single_grads = risk_function(loss, ETA, Q)(s[row:row + 1])
        assert np.isfinite(single_values).all()
        assert near(values[row], single_values[0], rtol=1e-13) and near(grads[row], single_grads[0])
        assert near(model_values[row], single_values[0], rtol=1e-13)
        assert near(model_grads[row], single_grads[0], atol=1e-13)


def test_softmax_model_is_stable_for_rows_of_very_different_scale() -> None:
    s = np.array([[1000.0, 999.0, 0.0, 0.0], [0.0, -1.0, -2.0, 0.5]])
    values, grads, _ = RiskModel("softmax", ETA).evaluate(s)
    expected = torch.logsumexp(torch.as_tensor(s), -1).numpy() - s @ ETA
    assert near(values, expected, rtol=1e-14)
    assert near(grads, torch.softmax(torch.as_tensor(s), -1).numpy() - ETA, atol=1e-15)


def test_building_the_ssm_risk_emits_no_warning_for_absent_candidates() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        risk_function("ssm", ETA, Q)
        RiskModel("ssm-uncorrected", ETA, Q)


def test_ssm_design_accepts_a_python_list_proposal_in_float64() -> None:
    design = SSMDesign.build([0.2, 0.5, 0.3], 2)
    assert design.log_q.dtype == design.log_prob.dtype == torch.float64
    assert torch.allclose(design.log_prob.exp().sum(), torch.tensor(1.0, dtype=torch.float64), atol=1e-15)
    assert np.isclose(float(design.log_prob[0].exp()), 0.2 ** 2, rtol=1e-14)   # the multiset {0, 0}


# ---- error messages ---------------------------------------------------------------------------------------------

def test_bad_losses_and_missing_proposals_are_named_in_the_error() -> None:
    with pytest.raises(ValueError, match=r"^unknown loss 'hinge'$"):
        risk_function("hinge", ETA)
    with pytest.raises(ValueError, match=r"^sampled softmax needs a proposal q$"):
        risk_function("ssm", ETA)
    with pytest.raises(ValueError, match=r"^sampled softmax needs a proposal q$"):
        RiskModel("ssm-uncorrected", ETA)
    with pytest.raises(ValueError, match=r"expected one of softmax, sparsemax, entmax15, ssm, ssm-uncorrected$"):
        RiskModel("hinge", ETA)


# ---- minimize_risk ------------------------------------------------------------------------------------------------

def test_minimize_risk_reports_values_and_gradient_of_its_points() -> None:
    found = minimize_risk("ssm-uncorrected", ETA, starts=random_starts(gen(), 2, 4), q=Q)
    assert found.converged and isinstance(found.grad_norm, float) and found.grad_norm <= GRAD_TOL
    values, grads = risk_function("ssm-uncorrected", ETA, Q, 2)(found.points)   # k defaults to 2
    assert near(found.values, values, atol=1e-13)
    assert found.grad_norm == np.abs(grads).max()
    three = minimize_risk("ssm-uncorrected", ETA, starts=random_starts(gen(), 2, 4), q=Q, k=3)
    assert near(three.values, risk_function("ssm-uncorrected", ETA, Q, 3)(three.points)[0], atol=1e-13)
    assert not near(three.values, values, atol=1e-3)


def test_minimize_risk_honours_max_iter() -> None:
    starts = random_starts(gen(1), 2, 4, scale=5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)     # e.g. SciPy's unknown-option warning
        stopped = minimize_risk("softmax", ETA, starts=starts, max_iter=1)
    assert not stopped.converged and stopped.grad_norm > 1e-3


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_minimizers_converged_flag_is_the_gradient_tolerance_times_the_total_weight(scale: float) -> None:
    """Started a gradient of about 1.5e-7 (unit weight) or 5e-7 (weight 10) from the minimizer, with no iteration."""
    w = scale * ETA
    target = 1.5e-7 if scale == 1.0 else 5e-7
    start = np.log(ETA) + np.array([target / (scale * ETA[0] * (1 - ETA[0])), 0.0, 0.0, 0.0])
    found = minimize_risk("softmax", w, starts=start[None], max_iter=0)
    assert near(found.points, start[None])
    assert 1e-7 < found.grad_norm < 2e-7 if scale == 1.0 else 1e-7 * scale > found.grad_norm > 1e-7 / scale
    assert found.converged == (scale == 10.0)


# ---- closed forms -------------------------------------------------------------------------------------------------

def test_softmax_minimizer_is_centred_log_eta_for_unnormalized_weights() -> None:
    counts = [4, 1, 3, 2]
    s = softmax_minimizer(counts)
    assert near(s, np.log(ETA[[3, 0, 2, 1]]) - np.log(ETA[[3, 0, 2, 1]]).mean(), atol=1e-15)
    assert abs(s.mean()) < 1e-15
    from_float32 = softmax_minimizer(W32)
    assert from_float32.dtype == np.float64 and near(from_float32, centred(np.log(W32.astype(np.float64))), atol=1e-15)
    found = minimize_risk("softmax", np.array(counts, float), starts=random_starts(gen(2), 1, 4))
    assert near(centred(found.points[0]), s, atol=1e-6)


@pytest.mark.parametrize("loss,link", [("sparsemax", lambda e: e), ("entmax15", lambda e: 2 * np.sqrt(e))])
def test_population_minimizer_normalizes_the_weights(loss: str, link) -> None:
    counts = np.array([3.0, 1.0, 0.0, 2.0])
    eta = counts / counts.sum()
    s = population_minimizer(loss, counts)
    on = link(eta[[0, 1, 3]])
    assert np.isnan(s[2]) and near(s[[0, 1, 3]], on - on.mean(), atol=1e-15)
    assert near(predict_np(loss, np.nan_to_num(s, nan=-10.0)[None])[0], eta, atol=1e-12)


def test_population_minimizer_is_float64_for_float32_weights() -> None:
    s = population_minimizer("softmax", W32)
    assert s.dtype == np.float64
    assert near(s, centred(np.log(W32.astype(np.float64))), atol=1e-15)


def test_centred_removes_the_mean_of_each_row() -> None:
    s = np.array([[1.0, 2.0, 6.0], [10.0, 0.0, -4.0]])
    out = centred(s)
    assert out.shape == s.shape and near(out.mean(-1), 0.0, atol=1e-15)
    assert near(out, [[-2.0, -1.0, 3.0], [8.0, -2.0, -6.0]], atol=1e-15)


def test_needs_dense_only_without_a_sparse_loss() -> None:
    assert needs_dense(("softmax", "ssm", "ssm-uncorrected"))
    assert not needs_dense(("softmax", "sparsemax"))
    assert not needs_dense(("entmax15",))


def test_random_starts_are_seeded_float64_normals_times_the_scale() -> None:
    starts = random_starts(gen(3), 4, 5)
    expected = 2.0 * torch.randn(4, 5, dtype=torch.float64, generator=gen(3)).numpy()
    assert starts.dtype == np.float64 and np.array_equal(starts, expected)
    assert np.array_equal(random_starts(gen(3), 4, 5, scale=0.5), expected / 4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA generator")
def test_random_starts_draw_on_the_generators_device() -> None:
    g = torch.Generator(device="cuda")
    g.manual_seed(0)
    assert random_starts(g, 2, 3).shape == (2, 3)


def test_scaled_keeps_at_least_one_example() -> None:
    ctx = Context("pu2026/x", {}, PROFILES["quick"], seed=0)
    assert scaled(ctx, 1e-6).budget.examples == 1


def test_separated_ks_ranges_over_one_to_n_minus_one_with_the_margin_inclusive() -> None:
    assert separated_ks(np.array([0.6, 0.3, 0.1]), 1e-3) == [1, 2]
    assert separated_ks(np.full(3, 1 / 3), 0.0) == [1, 2]
    assert separated_ks(np.array([0.5, 0.25, 0.25]), 0.25) == [1]


def test_topk_violation_accepts_the_smallest_resolvable_gap_and_reports_the_scores() -> None:
    eta = np.array([0.6, 0.4])
    assert topk_violation(np.array([1e-6, 0.0]), eta, 1) is None            # gap exactly SCORE_GAP
    message = topk_violation(np.array([0.1234567, 0.5]), eta, 1)
    assert message is not None and "[0.123457, 0.5]" in message and "top-1 of eta is [0]" in message


# ---- curvature ----------------------------------------------------------------------------------------------------

def _dense(curv, row: int) -> np.ndarray:
    return np.diag(curv.d[row]) - np.outer(curv.u[row], curv.u[row])


@pytest.mark.parametrize("loss", ["softmax", "entmax15"])
def test_curvature_of_each_row_of_a_batch_is_its_hessian(loss: str) -> None:
    s = 0.3 * rng(6).normal(size=(3, 4))
    _, _, curv = RiskModel(loss, ETA).evaluate(s)
    for row in range(3):
        x = torch.as_tensor(s[row])
        hessian = torch.autograd.functional.hessian(lambda v: literal_risk(loss, v[None], ETA)[0], x).numpy()
        assert near(_dense(curv, row), hessian, atol=1e-10)


def test_masked_softmax_curvature_is_the_hessian_of_the_active_risk() -> None:
    eta = np.array([0.5, 0.0, 0.3, 0.2])
    s = rng(7).normal(size=(2, 4))
    active = np.array([[True, False, True, True]] * 2)
    _, grad, curv = RiskModel("softmax", eta).evaluate(s, active)
    keep = [0, 2, 3]
    assert np.all(grad[:, 1] == 0.0)
    for row in range(2):
        x = torch.as_tensor(s[row, keep])
        hessian = torch.autograd.functional.hessian(lambda v: literal_risk("softmax", v[None], eta[keep])[0], x)
        assert near(_dense(curv, row)[np.ix_(keep, keep)], hessian.numpy(), atol=1e-12)


# ---- the Armijo line search ---------------------------------------------------------------------------------------

def test_sufficient_decrease_is_armijos_condition() -> None:
    value, slope, length = np.array([1.0]), np.array([-2.0]), np.array([0.5])
    bound = 1.0 + ARMIJO * 0.5 * -2.0
    assert _sufficient(np.array([bound - 1e-12]), value, slope, length).all()
    assert not _sufficient(np.array([bound + 1e-12]), value, slope, length).any()
    assert _sufficient(np.array([1.0 + 1e-16]), value, np.zeros(1), np.ones(1)).all()     # rounding
    zero, big = np.zeros(1), np.array([1e6])                    # rounding allowance 1e-15 (1 + |value|)
    assert not _sufficient(np.array([1.5e-15]), zero, zero, np.ones(1)).any()
    assert _sufficient(big + 5e-10, big, zero, np.ones(1)).all()
    assert not _sufficient(big + 2e-9, big, zero, np.ones(1)).any()


def test_armijo_halves_until_sufficient_decrease_and_gives_up_on_ascent() -> None:
    model = RiskModel("softmax", ETA)
    s = np.zeros((2, 4))
    value, grad, _ = model.evaluate(s)
    step = np.stack([-40.0 * grad[0], 1e8 * grad[1]])          # an overshooting descent step, an ascent step
    slope = (grad * step).sum(-1)
    t = _armijo(model, s, None, value, slope, step)
    assert t[1] == 0.0 and 0.0 < t[0] < 1.0
    trial = model.evaluate(s + t[:, None] * step, curvature=False)[0]
    double = model.evaluate(s + 2 * t[:, None] * step, curvature=False)[0]
    assert _sufficient(trial, value, slope, t)[0] and not _sufficient(double, value, slope, 2 * t)[0]


def test_armijo_measures_the_decrease_on_the_active_classes() -> None:
    eta = np.array([0.5, 0.0, 0.5])
    active = np.array([[True, False, True]])
    model = RiskModel("softmax", eta)
    s = np.array([[1.0, 5.0, -1.0]])                           # the excluded class has the largest score
    value, grad, curv = model.evaluate(s, active)
    step = np.where(active, -grad / np.maximum(curv.d, 1e-12), 0.0)
    t = _armijo(model, s, active, value, (grad * step).sum(-1), step)
    assert t[0] == 1.0


# ---- the Newton solver --------------------------------------------------------------------------------------------

def test_newton_reports_per_row_shapes_and_nan_multipliers_when_unconstrained() -> None:
    found = newton(RiskModel("softmax", ETA), rng(8).normal(size=(3, 4)))
    assert found.stationarity.shape == (3,) and found.converged.shape == (3,)
    assert found.multipliers.dtype == np.float64 and np.isnan(found.multipliers).all()


@pytest.mark.parametrize("loss", ["sparsemax", "entmax15", "softmax"])
def test_a_batch_is_solved_as_independent_rows(loss: str) -> None:
    """The sparse losses' minimizers are not unique off the support: the point reached depends on the path, which
    must not depend on the other rows of the batch."""
    eta = np.array([0.5, 0.0, 0.3, 0.0, 0.2]) if loss != "softmax" else np.array([0.5, 0.1, 0.2, 0.15, 0.05])
    starts = rng(0).normal(size=(4, 5)) * 3
    batch = newton(RiskModel(loss, eta), starts)
    assert batch.converged.all()
    for row in range(4):
        alone = newton(RiskModel(loss, eta), starts[row:row + 1])
        assert near(batch.points[row], alone.points[0], atol=1e-12)


def test_max_iter_bounds_and_counts_the_iterations() -> None:
    model = RiskModel("softmax", np.array([0.97, 0.01, 0.01, 0.01]))
    starts = np.array([[-20.0, 20.0, 0.0, 5.0]])
    stopped = newton(model, starts, max_iter=3)
    assert stopped.iterations == 3 and not stopped.converged.any()
    full = newton(model, starts)
    assert full.converged.all() and 3 < full.iterations <= 15
    at_minimum = newton(model, full.points)
    assert at_minimum.iterations == 0 and at_minimum.converged.all()


def test_without_iterations_newton_returns_the_feasible_centred_start() -> None:
    starts = np.array([[0, 1, 0, 3], [2, 0, 0, 0]])             # integer starts
    found = newton(RiskModel("softmax", ETA), starts, pairs=np.array([[0, 1], [0, 2]]), max_iter=0)
    assert found.iterations == 0
    assert near(found.points, [[-0.5, -0.5, -1.0, 2.0], [0.5, -0.5, 0.5, -0.5]])


def test_without_iterations_masked_newton_evaluates_the_active_risk_at_the_start() -> None:
    eta = np.array([0.5, 0.0, 0.3, 0.2])
    active = np.array([[True, False, True, True]])
    start = np.array([[1.0, 4.0, 2.0, 6.0]])
    found = newton(RiskModel("softmax", eta), start, active=active, max_iter=0)
    assert near(found.points, [[-2.0, 1.0, -1.0, 3.0]])             # centred over the active classes
    keep = [0, 2, 3]
    expected = risk_function("softmax", eta[keep])(found.points[:, keep])[0]
    assert near(found.values, expected, atol=1e-14) and np.all(found.grads[:, 1] == 0.0)


def test_masked_newton_from_far_starts_keeps_the_points_centred_on_the_active_classes() -> None:
    eta = np.array([0.5, 0.0, 0.3, 0.2, 0.0])
    active = np.repeat((eta > 0)[None], 3, 0)
    starts = 3 * np.array([[8.0, -20.0, -8.0, 0.0, 9.0], [-9.0, 7.0, 9.0, 1.0, -25.0], [0.0, -30.0, 0.0, 0.0, -30.0]])
    found = newton(RiskModel("softmax", eta), starts, active=active)
    assert found.converged.all() and np.all(found.grads[:, ~active[0]] == 0.0)
    assert found.iterations <= 14                               # damped Newton: fast also from far starts (10 now)
    assert near(found.points[:, active[0]].mean(-1), 0.0, atol=1e-12)
    assert near(found.points[:, active[0]], centred(np.log(eta[active[0]]))[None], atol=1e-9)
    start_mean = starts[:, active[0]].mean(-1, keepdims=True)                  # excluded classes take no step
    assert near(found.points[:, ~active[0]], starts[:, ~active[0]] - start_mean, atol=1e-5)


@pytest.mark.parametrize("max_iter", range(1, 7))
def test_masked_newton_stopped_early_reports_the_active_risk_at_its_points(max_iter: int) -> None:
    """From this far start iterations 4 and 5 backtrack: the state reported after any iteration is consistent."""
    eta = np.array([0.5, 0.0, 0.3, 0.2])
    active = np.array([[True, False, True, True]])
    start = np.array([[30.0, -200.0, -30.0, 0.0]])
    found = newton(RiskModel("softmax", eta), start, active=active, max_iter=max_iter)
    assert found.iterations == max_iter and not found.converged.any()
    keep = [0, 2, 3]
    values, grads = risk_function("softmax", eta[keep])(found.points[:, keep])
    assert near(found.values, values, atol=1e-12) and near(found.grads[:, keep], grads, atol=1e-12)
    assert np.all(found.grads[:, 1] == 0.0) and abs(found.points[0, keep].mean()) < 1e-12
    assert abs(found.points[0, 1] + 200.0) < 1e-9


@pytest.mark.parametrize("total", [1.0, 10.0])
def test_newtons_converged_flag_is_the_tolerance_times_the_total_weight(total: float) -> None:
    """Started at a gradient of about 1.5e-6 (unit weight) or 5e-6 (weight 10) from the minimizer, no iteration."""
    target = 1.5e-6 if total == 1.0 else 5e-6
    start = np.log(ETA) + np.array([target / (total * ETA[0] * (1 - ETA[0])), 0.0, 0.0, 0.0])
    found = newton(RiskModel("softmax", total * ETA), start[None], tol=1e-6, max_iter=0)
    assert (1e-6 < found.stationarity[0] < 2e-6) if total == 1.0 else (1e-7 < found.stationarity[0] < 1e-5)
    assert found.converged[0] == (total == 10.0)


def test_constrained_newton_stops_on_the_projected_gradient() -> None:
    eta = np.array([0.45, 0.3, 0.15, 0.1])
    found = newton(RiskModel("softmax", eta), rng(9).normal(size=(2, 4)), pairs=np.array([[0, 3], [1, 2]]))
    assert found.converged.all() and found.iterations < 30
    assert np.all(np.abs(found.multipliers) > 0.01)              # the raw gradient is far from zero on the pair
