"""The group-sequential Monte Carlo design: calibration, power, early stopping, error budget."""

from __future__ import annotations

import math

import pytest
import torch

from verifiers import Context, profile
from verifiers import sequential as seq
from verifiers.montecarlo import CHECK_ALPHA, Estimate

QUICK = profile("quick")


def _ctx(seed: int) -> Context:
    return Context("test/sequential", {}, QUICK, seed)


def _normal(mu: float, sigma: float = 1.0):
    return lambda gen, size: mu + sigma * torch.randn(size, generator=gen, dtype=torch.float64)


def test_design_spends_exactly_alpha_over_geometric_looks() -> None:
    plan = seq.design(100_000)
    assert plan.looks == (4096, 8192, 16384, 32768, 65536, 100_000)
    assert math.isclose(plan.alpha, CHECK_ALPHA, rel_tol=1e-12)
    assert math.isclose(plan.alphas[-1], CHECK_ALPHA / 2, rel_tol=1e-12)
    assert all(z > 4.89 for z in plan.z)
    assert seq.design(1000).looks == (1000,) and seq.design(1000).alphas == (CHECK_ALPHA,)


def test_calibration_true_mean_is_rarely_rejected_at_a_loose_level() -> None:
    alpha, trials = 0.1, 300
    rejected = 0
    for seed in range(trials):
        ctx = _ctx(seed)
        out = seq.sequential_compare(ctx, seq.running_mean(ctx, _normal(0.3)), 0.3, resolution=0.02, what="mean",
                                     max_samples=4096, first=64, alpha=alpha)
        rejected += out.verdict == "refuted"
    # Bonferroni keeps the rate at most alpha; 300 * 0.1 = 30 expected at worst, + 3 binomial sd.
    assert rejected <= 30 + 3 * math.sqrt(trials * alpha * (1 - alpha))


def test_wrong_value_is_refuted_early_with_the_error_rate_recorded() -> None:
    ctx = _ctx(1)
    out = seq.sequential_compare(ctx, seq.running_mean(ctx, _normal(0.0)), 0.5, resolution=0.05, what="mean")
    assert out.verdict == "refuted"
    s = out.statistics
    assert s["samples"] < s["max_samples"] and s["looks"] < s["max_looks"]
    assert s["alpha"] == pytest.approx(CHECK_ALPHA) and s["ci_high"] < 0.5
    assert s["resolution"] == pytest.approx(0.05) and 0.0 <= s["power"] <= 1.0
    assert out.resolution.value == pytest.approx(0.05) and out.resolution.level == pytest.approx(CHECK_ALPHA)


def test_clear_support_stops_at_the_first_look() -> None:
    ctx = _ctx(2)
    out = seq.sequential_compare(ctx, seq.running_mean(ctx, _normal(1.0)), 1.0, resolution=0.2, what="mean")
    assert out.verdict == "supported"
    assert out.statistics["looks"] == 1 and out.statistics["samples"] == 4096
    assert out.statistics["power"] > 0.99


def test_unresolvable_precision_is_inconclusive_after_the_whole_budget() -> None:
    ctx = _ctx(3)
    out = seq.sequential_compare(ctx, seq.running_mean(ctx, _normal(1.0)), 1.0, resolution=1e-4, what="mean",
                                 max_samples=20_000)
    assert out.verdict == "inconclusive"
    assert out.statistics["samples"] == 20_000 and out.statistics["looks"] == out.statistics["max_looks"]


def test_running_mean_reuses_draws_and_matches_the_sample_mean() -> None:
    gen = torch.Generator().manual_seed(0)
    calls: list[int] = []

    def draw(g, size):
        calls.append(size)
        return 1e6 + torch.randn(size, generator=g, dtype=torch.float64)

    mean = seq.RunningMean(draw, gen, batch=1000)
    mean(1500)
    est = mean(2500)
    assert sum(calls) == 2500 and max(calls) <= 1000
    assert est.n == 2500 and abs(est.value - 1e6) < 0.1 and 0.015 < est.se < 0.025


def test_fitted_estimators_work_through_the_callable_interface() -> None:
    ctx = _ctx(4)
    gen = ctx.generator()
    means = [seq.running_mean(ctx, _normal(2.0 + 1.0 / k), gen=gen) for k in (2, 4)]

    def intercept(n: int) -> Estimate:
        """Extrapolate f(k) = a + b/k to k -> infinity from k = 2 and 4: a = 2 f(4) - f(2)."""
        half, quarter = (m(n) for m in means)
        return Estimate(2 * quarter.value - half.value, math.sqrt(4 * quarter.se ** 2 + half.se ** 2), n)

    assert seq.sequential_compare(ctx, intercept, 2.0, resolution=0.2, what="intercept").verdict == "supported"
    assert seq.sequential_compare(ctx, intercept, 3.0, resolution=0.2, what="intercept").verdict == "refuted"


def test_equivalence_supports_inside_the_band_and_refutes_outside_it_early() -> None:
    ctx = _ctx(5)
    inside = seq.sequential_equivalence(ctx, seq.running_mean(ctx, _normal(0.02)), 0.0, margin=0.2, what="mean")
    assert inside.verdict == "supported" and inside.statistics["looks"] == 1
    s = inside.statistics
    assert -0.2 <= s["ci_low"] and s["ci_high"] <= 0.2 and s["equivalence"] and s["margin"] == 0.2
    ctx = _ctx(6)
    outside = seq.sequential_equivalence(ctx, seq.running_mean(ctx, _normal(0.5)), 0.0, margin=0.2, what="mean")
    assert outside.verdict == "refuted" and outside.statistics["ci_low"] > 0.2
    assert outside.counterexample["margin"] == 0.2


def test_equivalence_needs_more_draws_near_the_edge_and_is_inconclusive_on_it() -> None:
    ctx = _ctx(7)
    near = seq.sequential_equivalence(ctx, seq.running_mean(ctx, _normal(0.17)), 0.0, margin=0.2, what="mean",
                                      max_samples=200_000)
    assert near.verdict == "supported" and near.statistics["looks"] > 1
    ctx = _ctx(8)
    edge = seq.sequential_equivalence(ctx, seq.running_mean(ctx, _normal(0.2)), 0.0, margin=0.2, what="mean",
                                      max_samples=20_000)
    assert edge.verdict == "inconclusive" and edge.statistics["samples"] == 20_000
    with pytest.raises(ValueError):
        seq.sequential_equivalence(ctx, seq.running_mean(ctx, _normal(0.0)), 0.0, margin=0.0, what="mean")


def test_equivalence_calibration_at_the_edge_of_the_band() -> None:
    """A true value just inside the band is rarely refuted and one just outside rarely supported (loose level)."""
    alpha, trials = 0.1, 200
    wrong = 0
    for seed in range(trials):
        mu = 0.099 if seed % 2 else 0.101  # inside: refuting is an error; outside: supporting is
        ctx = _ctx(1000 + seed)
        out = seq.sequential_equivalence(ctx, seq.running_mean(ctx, _normal(mu)), 0.0, margin=0.1, what="mean",
                                         max_samples=4096, first=64, alpha=alpha)
        wrong += out.verdict == ("refuted" if mu < 0.1 else "supported")
    assert wrong <= trials * alpha + 3 * math.sqrt(trials * alpha * (1 - alpha))


def test_running_variance_matches_the_batch_formulas_and_reuses_draws() -> None:
    gen = torch.Generator().manual_seed(11)
    x = 5.0 + 2.0 * torch.randn(30_000, generator=torch.Generator().manual_seed(12), dtype=torch.float64) ** 3
    pos = [0]

    def draw(g, size):
        pos[0] += size
        return x[pos[0] - size:pos[0]]

    running = seq.RunningVariance(draw, gen, batch=7000)
    running(10_000)
    est = running(30_000)
    assert pos[0] == 30_000 and est.n == 30_000
    c = x - x.mean()
    var = float((c * c).sum()) / (x.numel() - 1)
    se = math.sqrt((float((c ** 4).mean()) - var * var) / x.numel())
    assert est.value == pytest.approx(var, rel=1e-9) and est.se == pytest.approx(se, rel=1e-6)


def test_running_variance_drives_a_sequential_test() -> None:
    ctx = _ctx(9)
    variance = seq.running_variance(ctx, _normal(0.0, 2.0))
    assert seq.sequential_compare(ctx, variance, 4.0, resolution=0.2, what="variance").verdict == "supported"
    variance = seq.running_variance(ctx, _normal(0.0, 2.0))
    assert seq.sequential_compare(ctx, variance, 3.0, resolution=0.2, what="variance").verdict == "refuted"
