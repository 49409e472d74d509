"""Decision rules, error levels and search coverage pinned to exact values (each kills a realistic bug)."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from scipy import stats as sps

from verifiers import WHOLE, Context, empirical, profile, strategies, symbolic
from verifiers import montecarlo as mc
from verifiers import property as prop
from verifiers import sequential as seq
from verifiers.symbolic import _numeric_witness, _sample

QUICK = profile("quick")
CTX = Context("demo/power", {}, QUICK, seed=11)


def test_critical_values_are_two_sided() -> None:
    """Z_CRIT and every look's z are two-sided: isf(alpha / 2), not isf(alpha)."""
    assert mc.Z_CRIT == pytest.approx(float(sps.norm.isf(mc.CHECK_ALPHA / 2)), rel=1e-12)
    assert mc.Z_CRIT == pytest.approx(4.8916, abs=1e-4)
    plan = seq.design(1000, alpha=0.05)
    assert plan.z == pytest.approx((1.959964,), abs=1e-6)


def _fixed(value: float, se: float):
    """An estimator that always returns the same estimate (to test the decision rule alone)."""
    return lambda n: mc.Estimate(value, se, n)


@pytest.mark.parametrize(("half_over_res", "diff_over_res", "verdict"), [
    (0.8, 0.0, "supported"), (0.5, 0.45, "supported"), (1.2, 0.0, "inconclusive"), (0.6, 0.5, "inconclusive"),
    (0.5, 0.6, "refuted"),
])
def test_sequential_support_needs_the_interval_inside_claimed_plus_minus_resolution(half_over_res, diff_over_res,
                                                                                   verdict) -> None:
    """Supported iff |estimate - claimed| + half-width <= resolution; refuted iff the interval excludes claimed."""
    z = seq.design(1000).z[0]
    res = 0.1
    est = _fixed(1.0 + diff_over_res * res, half_over_res * res / z)
    out = seq.sequential_compare(CTX, est, 1.0, resolution=res, what="m", max_samples=1000, scale=1.0)
    assert out.verdict == verdict
    assert out.resolution.value == res and out.resolution.relative == pytest.approx(0.1)


@pytest.mark.parametrize(("half_over_res", "diff_over_res", "verdict"), [
    (0.8, 0.0, "supported"), (1.2, 0.0, "inconclusive"), (0.6, 0.5, "inconclusive"), (0.5, 0.6, "refuted"),
])
def test_fixed_sample_compare_uses_the_same_rule(half_over_res, diff_over_res, verdict) -> None:
    res = 0.1
    est = mc.Estimate(1.0 + diff_over_res * res, half_over_res * res / mc.Z_CRIT, 100)
    assert mc.compare(est, 1.0, resolution=res, what="m").verdict == verdict


def test_a_deviation_of_the_resolution_is_refuted_not_supported_with_enough_samples() -> None:
    """A claimed mean 5 % off a true mean of 1 is refuted once the interval is narrower than 5 %."""
    ctx = Context("demo/power", {}, QUICK, seed=3)
    draw = lambda gen, size: 1.0 + 0.2 * torch.randn(size, generator=gen, dtype=torch.float64)  # noqa: E731
    out = seq.sequential_compare(ctx, seq.running_mean(ctx, draw), 1.05, resolution=0.05, what="m")
    assert out.verdict == "refuted"


def test_upper_bound_tolerance_is_tight() -> None:
    """A value 1e-8 above the bound refutes it (tolerance 1e-9), and the tolerance is the recorded resolution."""
    out = prop.upper_bound(CTX, st.just(np.zeros(2)), lambda v: 1.0 + 1e-8, 1.0, sharp=False, rays=False)
    assert out.verdict == "refuted"
    out = prop.upper_bound(CTX, st.just(np.zeros(2)), lambda v: 1.0 + 1e-10, 1.0, sharp=False, rays=False)
    assert out.verdict == "supported" and out.resolution.value == 1e-9


def test_symbolic_bounds_are_exact_to_1e_12() -> None:
    p = sp.Symbol("p", positive=True)
    out = symbolic.bounded_by(p * (1 - p), p, sp.Interval.open(0, 1), 0.25 - 1e-11, scope=WHOLE)
    assert out.verdict == "refuted"
    out = symbolic.equals(sp.Rational(1, 3), 1 / 3 + 1e-11, what="c", scope=WHOLE)
    assert out.verdict == "refuted"


def test_the_symbolic_witness_sampler_draws_both_signs() -> None:
    """A real symbol takes negative values too: |x| = x is refuted for real x."""
    x = sp.Symbol("x", real=True)
    rng = random.Random(0)
    draws = [_sample(x, rng) for _ in range(40)]
    assert min(draws) < 0 < max(draws)
    assert _numeric_witness(sp.Abs(x) - x, seed=0, trials=20) is not None
    assert symbolic.identity(sp.Abs(x), x, scope=WHOLE).verdict == "refuted"


def test_most_rejected_inputs_make_a_search_inconclusive() -> None:
    """Half the examples must satisfy the hypotheses: 10 % valid is inconclusive."""
    assert prop.MIN_VALID_FRACTION == 0.5
    out = prop.forall(CTX, st.integers(0, 9), lambda n: True, hypotheses=lambda n: n == 0)
    assert out.verdict == "inconclusive"


def test_a_search_spends_the_profiles_examples() -> None:
    """No hidden cap: forall tries (about) budget.examples examples."""
    ctx = replace(CTX, budget=replace(QUICK, examples=120))
    out = prop.forall(ctx, st.floats(0, 1), lambda v: True)
    assert out.statistics["tried"] >= 100 and out.explored["examples"] >= 100


def test_fit_line_weights_are_inverse_variances() -> None:
    """Weighted least squares with weights 1/se² (numpy's polyfit takes w = 1/se)."""
    x, y, se = [0.0, 1.0, 2.0, 3.0], [0.1, 1.3, 1.9, 3.4], [0.1, 1.0, 0.2, 2.0]
    fit = mc.fit_line(x, y, se)
    slope, intercept = np.polyfit(x, y, 1, w=1 / np.asarray(se))
    assert fit.slope.value == pytest.approx(slope, rel=1e-10)
    assert fit.intercept.value == pytest.approx(intercept, rel=1e-10)


def _draws(strategy, count: int = 400) -> list[np.ndarray]:
    """``count`` seeded draws of a strategy, without shrinking."""
    seen: list[np.ndarray] = []

    @hypothesis_seed(0)
    @settings(database=None, max_examples=count, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: np.ndarray) -> None:
        seen.append(value)

    collect()
    return seen


def test_logits_inject_ties_large_n_and_large_magnitudes() -> None:
    """The default strategy reaches ties, the profile's largest n, one-large families and big entries."""
    draws = _draws(strategies.budget_logits(profile("standard")))
    assert any(len(s) >= 3 and len(set(s.tolist())) < len(s) and not np.all(s == np.round(s)) for s in draws)
    assert any(len(s) >= 64 for s in draws)
    assert any(len(s) >= 8 and len(set(s.tolist())) == 2 and (s == s.max()).sum() == 1 for s in draws)
    assert any(np.abs(s).max() > 1e3 for s in draws)
    assert max(np.abs(s).max() for s in _draws(strategies.budget_logits(QUICK))) <= QUICK.max_magnitude * 1.01


def test_logits_hit_parameter_dependent_gaps() -> None:
    """A gap of 1/(alpha-1) = 20 (alpha = 1.05) is drawn exactly."""
    draws = _draws(strategies.logits(3, 3, gaps=(20.0,), families=("one-large",)), 100)
    assert any(np.isclose(s.max() - np.median(s), 20.0) for s in draws)


def test_ray_search_reaches_the_unbounded_direction() -> None:
    """An objective that grows along the ray of its starting point is followed outwards."""
    objective = lambda v: float(-1.0 / (1e-9 + np.abs(np.asarray(v)).sum()))  # noqa: E731
    _, value, stats = prop.maximize(CTX, st.just(np.array([1.0, -1.0])), objective)
    assert value > -1e-2 and stats["explored"]["largest_abs"] >= 500


def test_exact_counts_refute_any_nonzero_slope_of_constant_counts() -> None:
    ns = [8, 16, 32, 64, 128]
    assert empirical.scaling(ns, [40] * 5, 0.0, what="c").verdict == "supported"
    assert empirical.scaling(ns, [40] * 5, 0.1, what="c").verdict == "refuted"
    assert empirical.scaling(ns, [40] * 5, 0.001, what="c").verdict == "refuted"
    linear = [3 * n + 7 for n in ns]
    assert empirical.scaling(ns, linear, 1.0, what="c").verdict == "supported"
    assert empirical.scaling(ns, linear, 1.1, what="c").verdict == "refuted"
    nlogn = [n * math.log(n) for n in ns]
    assert empirical.scaling(ns, nlogn, 1.0, what="c", log_power=1).verdict == "supported"


def test_variance_estimate_and_its_standard_error() -> None:
    """RunningVariance: unbiased variance of a known normal, and its SE is about sqrt(2/m) sigma^2."""
    ctx = Context("demo/power", {}, QUICK, seed=5)
    est = seq.running_variance(ctx, lambda g, m: 2.0 * torch.randn(m, generator=g, dtype=torch.float64))(200_000)
    assert est.value == pytest.approx(4.0, abs=5 * est.se)
    assert est.se == pytest.approx(4.0 * math.sqrt(2 / 200_000), rel=0.05)


def test_corners_are_tried_before_the_search() -> None:
    """A failing corner refutes at once; a witness corner supports an existence claim; a corner above a bound."""
    out = prop.forall(CTX, st.integers(0, 10), lambda n: n < 100, corners=(1000,))
    assert out.verdict == "refuted" and out.counterexample["example"] == 1000 and "corner" in out.reason
    assert prop.exists(CTX, st.integers(0, 10), lambda n: n == 777, corners=(777,)).verdict == "supported"
    out = prop.upper_bound(CTX, st.just(np.zeros(2)), lambda v: float(np.sum(v)), 1.0, corners=(np.ones(2),))
    assert out.verdict == "refuted" and out.counterexample["value"] == 2.0
