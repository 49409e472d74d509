"""Unit tests of claims.pu2026.risk: conditional-risk evaluation and minimization."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from entmax import entmax15, sparsemax

from claims.pu2026.risk import (
    EXAMPLE_SHARE,
    MARGIN,
    SSMDesign,
    centred,
    entmax15_np,
    literal_risk,
    minimize_risk,
    population_minimizer,
    predict_np,
    random_starts,
    risk_function,
    scaled,
    separated_ks,
    sparsemax_np,
    topk_violation,
)
from verifiers import PROFILES, Context

ETAS = [np.array([0.5, 0.3, 0.2]), np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.05, 0.6, 0.05, 0.2, 0.1])]
Q = {3: np.array([0.2, 0.5, 0.3]), 4: np.array([0.4, 0.3, 0.2, 0.1]), 5: np.array([0.3, 0.1, 0.2, 0.25, 0.15])}


def gen(seed: int = 0) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def test_numpy_maps_match_entmax_package() -> None:
    s = torch.randn(50, 6, dtype=torch.float64, generator=gen()) * 3
    assert np.allclose(sparsemax_np(s.numpy()), sparsemax(s, dim=-1).numpy(), atol=1e-12)
    assert np.allclose(entmax15_np(s.numpy()), entmax15(s, dim=-1).numpy(), atol=1e-12)


@pytest.mark.parametrize("loss", ["softmax", "sparsemax", "entmax15", "ssm", "ssm-uncorrected"])
def test_fast_risk_matches_literal_sum_over_labels(loss: str) -> None:
    eta, q = ETAS[1], Q[4]
    s = torch.randn(3, 4, dtype=torch.float64, generator=gen(1), requires_grad=True)
    literal = literal_risk(loss, s, eta, q, k=3)
    (grad,) = torch.autograd.grad(literal.sum(), s)
    values, fast_grad = risk_function(loss, eta, q, k=3)(s.detach().numpy())
    assert np.allclose(values, literal.detach().numpy(), atol=1e-12)
    assert np.allclose(fast_grad, grad.numpy(), atol=1e-10)


def test_ssm_design_is_a_probability_distribution() -> None:
    design = SSMDesign.build(Q[3], k=4)
    assert design.counts.shape == (15, 3)                      # C(3+4-1, 4) multisets
    assert torch.allclose(design.log_prob.exp().sum(), torch.tensor(1.0, dtype=torch.float64))
    assert torch.all(design.counts.sum(-1) == 4)


@pytest.mark.parametrize("eta", ETAS)
def test_softmax_minimizer_is_log_eta_plus_constant(eta: np.ndarray) -> None:
    found = minimize_risk("softmax", eta, starts=random_starts(gen(), 3, len(eta)))
    assert found.converged
    for s in found.points:
        assert np.allclose(centred(s), centred(np.log(eta)), atol=1e-5)
    assert np.allclose(population_minimizer("softmax", eta), centred(np.log(eta)))


@pytest.mark.parametrize("loss,link", [("sparsemax", lambda e: e), ("entmax15", lambda e: 2 * np.sqrt(e))])
def test_sparse_minimizers_reproduce_eta_and_are_not_unique_off_support(loss: str, link) -> None:
    eta = np.array([0.5, 0.0, 0.3, 0.0, 0.2])
    found = minimize_risk(loss, eta, starts=random_starts(gen(2), 4, 5, scale=3.0))
    assert found.converged
    support = eta > 0
    assert np.allclose(predict_np(loss, found.points), eta, atol=1e-7)   # yhat(s*) = eta
    for s in found.points:
        on = s[support] - s[support].mean()
        assert np.allclose(on, link(eta[support]) - link(eta[support]).mean(), atol=1e-5)
        assert s[~support].max() < s[support].min()
    off = found.points[:, ~support] - found.points[:, support].mean(1, keepdims=True)
    assert np.ptp(off, axis=0).max() > 1e-3                     # different starts, different minimizers
    assert np.allclose(population_minimizer(loss, eta)[support], link(eta[support]) - link(eta[support]).mean())


@pytest.mark.parametrize("k", [1, 3])
def test_ssm_minimizers_with_and_without_correction(k: int) -> None:
    eta, q = ETAS[0], Q[3]
    corrected = minimize_risk("ssm", eta, starts=random_starts(gen(), 1, 3), q=q, k=k)
    plain = minimize_risk("ssm-uncorrected", eta, starts=random_starts(gen(), 1, 3), q=q, k=k)
    assert corrected.converged and plain.converged
    assert np.allclose(centred(corrected.points[0]), centred(np.log(eta)), atol=1e-5)
    assert np.allclose(centred(plain.points[0]), centred(np.log(eta / q)), atol=1e-5)
    assert not np.allclose(centred(plain.points[0]), centred(np.log(eta)), atol=1e-2)


def test_population_minimizer_marks_classes_without_a_minimizer_and_centres_on_the_support() -> None:
    eta = np.array([0.6, 0.4, 0.0])
    s = population_minimizer("softmax", eta)
    assert np.isnan(s[2]) and np.isclose(s[0] - s[1], np.log(1.5)) and np.isclose(np.nanmean(s), 0.0)
    assert np.allclose(population_minimizer("ssm-uncorrected", ETAS[0], Q[3]),
                       centred(np.log(ETAS[0] / Q[3])))
    with pytest.raises(ValueError, match="unknown loss"):
        population_minimizer("hinge", eta)


def test_separated_ks_treats_ties_and_zero_tails_as_unseparated() -> None:
    assert separated_ks(np.array([0.4, 0.4, 0.2, 0.0, 0.0]), MARGIN) == [2, 3]
    assert separated_ks(np.array([0.25, 0.25, 0.25, 0.25]), MARGIN) == []


def test_topk_violation_detects_swaps_and_ties() -> None:
    eta = np.array([0.5, 0.3, 0.2])
    assert topk_violation(np.array([3.0, 2.0, 1.0]), eta, 1) is None
    assert topk_violation(np.array([3.0, 2.0, 1.0]), eta, 2) is None
    assert topk_violation(np.array([2.0, 3.0, 1.0]), eta, 1) is not None
    assert topk_violation(np.array([3.0, 3.0, 1.0]), eta, 1) is not None    # a tie is ambiguous
    assert topk_violation(np.array([3.0, 1.0, 2.0]), eta, 2) is not None


@pytest.mark.parametrize("name", ["quick", "standard", "thorough"])
def test_examples_scale_with_the_profile_without_a_fixed_cap(name: str) -> None:
    budget = PROFILES[name]
    ctx = Context("pu2026/x", {}, budget, seed=0)
    assert scaled(ctx).budget.examples == round(EXAMPLE_SHARE * budget.examples)
    assert scaled(ctx, 1.0).budget.examples == budget.examples
    assert scaled(ctx).budget.max_n == budget.max_n                       # only the examples change


def test_examples_grow_from_quick_to_thorough() -> None:
    counts = [scaled(Context("pu2026/x", {}, PROFILES[n], seed=0)).budget.examples
              for n in ("quick", "standard", "thorough")]
    assert counts[0] >= 30 and counts[0] < counts[1] < counts[2]


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_a_share_outside_the_unit_interval_is_a_clear_error(share: float) -> None:
    with pytest.raises(ValueError, match="share must lie in"):
        scaled(Context("pu2026/x", {}, PROFILES["quick"], seed=0), share)
