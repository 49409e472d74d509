"""Audit of pu2026 claims at the edges of their domains: large k, α near 1, origins.

The Laplace-transform gradients and the stable NCE optimum are checked against independent computations
(multiset enumeration, 40-digit arithmetic); the claims are run at the parameter values the audit named.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from claims.pu2026 import (
    flat_directions,
    nce_js_bias,
    nce_loss_curvature,
    ssm_consistency,
    ssm_laplace,
    ssm_logz_variance,
)
from claims.pu2026.nce_math import js_bias_value
from claims.pu2026.negative_counts import multinomial_counts
from claims.pu2026.risk import risk_function
from verifiers import Context, profile


def _ctx(claim_id: str, params: dict, seed: int = 0) -> Context:
    return Context(claim_id, params, profile("quick"), seed)


@pytest.mark.parametrize("corrected", [True, False])
@pytest.mark.parametrize(("n", "k"), [(2, 1), (3, 2), (4, 5), (3, 8)])
def test_laplace_gradient_matches_enumeration(n: int, k: int, corrected: bool) -> None:
    rng = np.random.default_rng(n * 10 + k)
    eta, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    s = 2.0 * rng.normal(size=(3, n))
    enumerated = risk_function("ssm" if corrected else "ssm-uncorrected", eta, q, k)(s)[1]
    assert np.abs(ssm_laplace.gradient(s, eta, q, k, corrected) - enumerated).max() < 1e-12


@pytest.mark.parametrize("k", [1, 10, 10**6, 10**12])
def test_laplace_gradient_vanishes_at_the_claimed_minimizers(k: int) -> None:
    rng = np.random.default_rng(k % 97)
    eta, q = rng.dirichlet(0.5 * np.ones(5)), rng.dirichlet(0.5 * np.ones(5))
    assert np.abs(ssm_laplace.gradient(np.log(eta), eta, q, k, True)).max() < 1e-12
    assert np.abs(ssm_laplace.gradient(np.log(eta / q), eta, q, k, False)).max() < 1e-12
    assert np.abs(ssm_laplace.gradient(np.log(eta), eta, q, k, False)).max() > 1e-3


def test_newton_reaches_the_uncorrected_minimizer_from_far() -> None:
    eta, q = np.array([0.1, 0.2, 0.7]), np.array([0.6, 0.3, 0.1])
    for k in (1, 7, 10**9):
        found = ssm_laplace.newton(np.log(eta), eta, q, k, corrected=False)
        target = np.log(eta / q) - np.log(eta / q).mean()
        assert found.grad_norm < 1e-11 and np.abs(found.point - target).max() < 1e-9


@pytest.mark.parametrize("k", [1, 5, 10**6, 10**12])
def test_multinomial_counts(k: int) -> None:
    q = torch.tensor([0.5, 0.3, 0.15, 0.05], dtype=torch.float64)
    counts = multinomial_counts(q, k, 20000, torch.Generator().manual_seed(0))
    assert torch.equal(counts.sum(1), torch.full((20000,), float(k), dtype=torch.float64))
    assert bool((counts >= 0).all()) and bool((counts == counts.round()).all())
    se = torch.sqrt(k * q * (1 - q) / 20000)
    assert bool((torch.abs(counts.mean(0) - k * q) < 6 * se + 1e-9).all())


@pytest.mark.parametrize("k", [1, 5, 1000, 10**6, 10**9, 10**12])
@pytest.mark.parametrize("variant", ["skewed", "symmetric"])
def test_stable_nce_optimum_matches_40_digits(k: int, variant: str) -> None:
    rng = np.random.default_rng(k % 101)
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    p[0] = 0.0
    p /= p.sum()
    literal = nce_js_bias.literal_value(p, q, k, variant)
    assert abs(float(nce_js_bias.claimed_value(p, q, k, variant)) - literal) <= 1e-12 * (1 + abs(literal))
    textbook = js_bias_value(p, q, k, variant)  # nce_math's form: its rounding grows like k·1e-16
    assert abs(textbook - literal) <= (1e-9 + nce_js_bias.TEXTBOOK_ROUNDING * k) * (1 + abs(literal))


def test_nce_js_bias_property_covers_large_k() -> None:
    outcome = nce_js_bias.js_property(_ctx("pu2026/nce-js-bias", {"k": 10**12, "js_weight": "skewed"}))
    assert outcome.verdict == "supported"
    assert outcome.explored["largest_k"] == 10**12 and 10**6 in outcome.explored["k_values"]


def test_nce_js_bias_symmetric_variant_is_true_at_k_1() -> None:
    ctx = _ctx("pu2026/nce-js-bias", {"k": 1, "js_weight": "symmetric"})
    assert nce_js_bias.js_property(ctx).verdict == "supported"
    assert nce_js_bias.js_symbolic(ctx).verdict == "proved"


@pytest.mark.parametrize("k", [10**4, 2**62])
def test_nce_curvature_large_k(k: int) -> None:
    ctx = _ctx("pu2026/nce-loss-curvature", {"k": k, "bound": None})
    assert nce_loss_curvature.nce_curvature_property(ctx).verdict == "supported"
    assert nce_loss_curvature.nce_curvature_symbolic(ctx).verdict == "proved"
    low = _ctx("pu2026/nce-loss-curvature", {"k": k, "bound": 0.99 * (1 + k) / 4})
    assert nce_loss_curvature.nce_curvature_property(low).verdict == "refuted"


def test_noise_counts_are_exact_integers() -> None:
    counts = nce_loss_curvature.spread_counts(2**62, [3, 0, 7, 1], 2)
    assert sum(counts) == 2**62 and all(isinstance(int(c), int) and c >= 0 for c in counts)


@pytest.mark.parametrize("alpha", [1.000001, 1.001, 2.0])
def test_flat_directions_decided_near_alpha_1(alpha: float) -> None:
    ctx = _ctx("pu2026/flat-directions", {"map": "entmax", "alpha": alpha})
    outcome = flat_directions.flat_property(ctx)
    assert outcome.verdict == "supported", outcome.reason
    assert outcome.explored["examples_with_outside_class"] >= 0.1 * ctx.budget.examples


def test_sparse_gaps_lie_beyond_the_threshold() -> None:
    for alpha in (1.001, 1.5, 2.0):
        gaps = flat_directions.sparse_gaps(alpha)
        assert gaps[0] == pytest.approx(1 / (alpha - 1)) and min(gaps[1:]) > gaps[0]


@pytest.mark.parametrize("k", [1, 10**12])
def test_ssm_consistency_large_k(k: int) -> None:
    ctx = _ctx("pu2026/ssm-consistency", {"logq_correction": True, "k": k})
    outcome = ssm_consistency.ssm_property(ctx)
    assert outcome.verdict == "supported" and outcome.explored["largest_k"] >= max(k, 10**6)
    control = _ctx("pu2026/ssm-consistency", {"logq_correction": False, "k": k})
    assert ssm_consistency.ssm_property(control).verdict == "refuted"


def test_k_sweep_grows_with_the_profile() -> None:
    quick = ssm_consistency.k_sweep(profile("quick"), 5)
    standard = ssm_consistency.k_sweep(profile("standard"), 5)
    assert quick[0] == 5 and max(quick) == 10**6 and max(standard) == 10**8
    assert math.isclose(max(nce_js_bias.k_sweep(profile("thorough"), 7)), 10**10)


def test_logz_variance_is_a_literature_result() -> None:
    origin = ssm_logz_variance.SSM_LOGZ_VARIANCE.origin
    assert origin.kind == "literature" and "van der Vaart" in origin.citation and "Owen" in origin.citation
