"""The sequential design pinned exactly: looks, levels, decisions, statistics and reasons (mutation kills)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats as sps

from verifiers import Context, profile
from verifiers import sequential as seq
from verifiers.montecarlo import CHECK_ALPHA, Estimate

QUICK = profile("quick")
CTX = Context("demo/seq", {}, QUICK, seed=4)


def _close(actual: dict, expected: dict) -> bool:
    """Same keys; numbers equal to 1e-9 relative, everything else exactly."""
    assert set(actual) == set(expected), set(actual) ^ set(expected)
    for key, want in expected.items():
        got = actual[key]
        if isinstance(want, (float, int)) and not isinstance(want, bool):
            assert got == pytest.approx(want, rel=1e-9, abs=1e-300), key
        else:
            assert got == want and type(got) is type(want), key
    return True


def _fixed(value: float, se: float, seen: list[int] | None = None):
    """An estimator returning the same estimate at every look (recording the looks asked for)."""
    def estimator(n: int) -> Estimate:
        if seen is not None:
            seen.append(n)
        return Estimate(value, se, n)
    return estimator


@pytest.mark.parametrize(("args", "looks", "alphas"), [
    ((10,), (10,), (CHECK_ALPHA,)),
    ((10, 1), (2, 4, 8, 10), (CHECK_ALPHA / 6,) * 3 + (CHECK_ALPHA / 2,)),
    ((8, 2), (2, 4, 8), (CHECK_ALPHA / 4,) * 2 + (CHECK_ALPHA / 2,)),
    ((9, 3, 3.0, 0.1, 0.3), (3, 9), (0.07, 0.03)),
    ((2,), (2,), (CHECK_ALPHA,)),
])
def test_design_looks_and_bonferroni_levels(args, looks, alphas) -> None:
    """First look max(2, first), geometric growth strictly below max_samples, then max_samples itself."""
    names = ("max_samples", "first", "growth", "alpha", "final_share")
    plan = seq.design(args[0], **dict(zip(names[1:], args[1:])))
    assert plan.looks == looks
    assert plan.alphas == pytest.approx(alphas, rel=1e-12)
    assert plan.z == pytest.approx(tuple(sps.norm.isf(a / 2) for a in alphas), rel=1e-12)


@pytest.mark.parametrize("kwargs", [dict(max_samples=1), dict(max_samples=100, growth=1.0),
                                    dict(max_samples=100, final_share=0.0), dict(max_samples=100, final_share=1.01),
                                    dict(max_samples=100, alpha=0.0), dict(max_samples=100, alpha=1.0)])
def test_design_rejects_bad_arguments_with_one_message(kwargs) -> None:
    with pytest.raises(ValueError) as info:
        seq.design(**kwargs)
    assert str(info.value) == ("need max_samples >= 2, growth > 1, 0 < final_share <= 1 and 0 < alpha < 1")


def test_design_accepts_the_edges_of_its_domain() -> None:
    assert seq.design(2, first=2).looks == (2,)
    assert seq.design(100, growth=1.5, first=40, final_share=1.0, alpha=0.5).alphas == (0.0, 0.0, 0.0, 0.5)


def _stats(value, se, n, z, look, plan, claimed, resolution, unit="draws"):
    """The statistics a sequential comparison must record, computed here from the definitions."""
    half = z * se
    se_last = se * math.sqrt(n / plan.looks[-1])
    z_last = plan.z[-1]
    power = sps.norm.sf(z_last - resolution / se_last) + sps.norm.cdf(-z_last - resolution / se_last)
    return {"estimate": value, "se": se, "ci_low": value - half, "ci_high": value + half, "n": n, "z_crit": z,
            "half_width": half, "alpha": sum(plan.alphas), "alpha_look": plan.alphas[look - 1], "sequential": True,
            "samples": n, "unit": unit, "max_samples": plan.looks[-1], "looks": look, "max_looks": len(plan.looks),
            "claimed": claimed, "z": (value - claimed) / se, "resolution": resolution, "power": power}


def test_refutation_at_the_first_look_records_everything() -> None:
    seen: list[int] = []
    out = seq.sequential_compare(CTX, _fixed(1.5, 0.01, seen), 1.0, resolution=0.05, what="m", max_samples=10_000,
                                 scale=2.0, unit="pairs")
    plan = seq.design(10_000)
    z = plan.z[0]
    assert seen == [4096] and out.verdict == "refuted"
    assert _close(out.statistics, _stats(1.5, 0.01, 4096, z, 1, plan, 1.0, 0.05, "pairs"))
    assert out.counterexample == {"estimate": 1.5, "ci": [1.5 - z * 0.01, 1.5 + z * 0.01], "claimed": 1.0}
    assert out.reason == (f"m = 1.5 ± {z * 0.01:.2g} after 4096 pairs (look 1/3) excludes the claimed 1 "
                          f"(|z| = 50.0 > {z:.1f}; level 1e-06 over all looks)")
    res = out.resolution
    assert (res.value, res.quantity, res.relative) == (0.05, "m", 0.025)
    assert res.level == pytest.approx(CHECK_ALPHA, rel=1e-12)


def test_support_needs_the_whole_interval_within_the_resolution() -> None:
    plan = seq.design(QUICK.samples)
    z = plan.z[0]
    out = seq.sequential_compare(CTX, _fixed(1.005, 0.002, []), 1.0, resolution=0.02, what="m")
    assert out.verdict == "supported" and out.counterexample is None
    assert _close(out.statistics, _stats(1.005, 0.002, 4096, z, 1, plan, 1.0, 0.02))
    assert out.reason == (f"m = 1.005 ± {z * 0.002:.2g} after 4096 draws (look 1/{len(plan.looks)}) lies within the "
                          "resolution 0.02 of the claimed 1 (level 1e-06 over all looks)")
    assert out.resolution.relative is None


def test_undecided_looks_continue_and_the_last_one_is_inconclusive() -> None:
    seen: list[int] = []
    out = seq.sequential_compare(CTX, _fixed(1.0, 0.01, seen), 1.0, resolution=0.02, what="m", max_samples=20_000,
                                 first=5000, growth=3.0, alpha=1e-3)
    plan = seq.design(20_000, first=5000, growth=3.0, alpha=1e-3)
    assert seen == [5000, 15000, 20000] and out.verdict == "inconclusive"
    assert _close(out.statistics, _stats(1.0, 0.01, 20000, plan.z[-1], 3, plan, 1.0, 0.02))
    assert out.reason == (f"m = 1 ± {plan.z[-1] * 0.01:.2g} after 20000 draws (look 3/3) contains the claimed 1 "
                          "but is not within its resolution 0.02: use a larger profile")


def test_zero_standard_error_gives_infinite_or_zero_z() -> None:
    up = seq.sequential_compare(CTX, _fixed(2.0, 0.0), 1.0, resolution=0.1, what="m", max_samples=100)
    down = seq.sequential_compare(CTX, _fixed(0.0, 0.0), 1.0, resolution=0.1, what="m", max_samples=100)
    same = seq.sequential_compare(CTX, _fixed(1.0, 0.0), 1.0, resolution=0.1, what="m", max_samples=100)
    assert up.statistics["z"] == math.inf and down.statistics["z"] == -math.inf and same.statistics["z"] == 0.0
    assert same.verdict == "supported" and up.verdict == "refuted"
    assert same.statistics["power"] == 1.0


def test_a_non_positive_resolution_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"^the resolution must be positive, got 0\.0$"):
        seq.sequential_compare(CTX, _fixed(1.0, 0.1), 1.0, resolution=0.0, what="m")


def test_power_matches_the_two_sided_normal_formula() -> None:
    assert seq.power_at(0.3, 0.0, 5.0) == 1.0
    for deviation, se, z in [(0.3, 1.0, 2.0), (0.05, 0.01, 4.9), (1.0, 2.0, 1.0)]:
        expected = sps.norm.sf(z - deviation / se) + sps.norm.cdf(-z - deviation / se)
        assert seq.power_at(deviation, se, z) == pytest.approx(expected, rel=1e-12)


def _eq_stats(value, se, n, z, look, plan, claimed, margin):
    half = z * se
    return {"estimate": value, "se": se, "ci_low": value - half, "ci_high": value + half, "n": n, "z_crit": z,
            "half_width": half, "alpha": sum(plan.alphas), "alpha_look": plan.alphas[look - 1], "sequential": True,
            "samples": n, "unit": "draws", "max_samples": plan.looks[-1], "looks": look, "max_looks": len(plan.looks),
            "claimed": claimed, "margin": margin, "equivalence": True,
            "distance_to_edge": margin - abs(value - claimed)}


@pytest.mark.parametrize(("value", "verdict", "tail"), [
    (0.1, "supported", "lies within 0.2 of the claimed 0"),
    (0.5, "refuted", "is more than 0.2 away from the claimed 0"),
    (-0.5, "refuted", "is more than 0.2 away from the claimed 0"),
    (0.2, "inconclusive", "straddles an edge of claimed ± 0.2: use a larger profile"),
])
def test_equivalence_decisions_statistics_and_reasons(value, verdict, tail) -> None:
    seen: list[int] = []
    out = seq.sequential_equivalence(CTX, _fixed(value, 0.01, seen), 0.0, margin=0.2, what="m", max_samples=9000,
                                     first=3000, growth=2.5, alpha=1e-4)
    plan = seq.design(9000, first=3000, growth=2.5, alpha=1e-4)
    look = 1 if verdict != "inconclusive" else 3
    n = plan.looks[look - 1]
    z = plan.z[look - 1]
    assert out.verdict == verdict and seen == list(plan.looks[:look])
    assert _close(out.statistics, _eq_stats(value, 0.01, n, z, look, plan, 0.0, 0.2))
    low, high = value - z * 0.01, value + z * 0.01
    assert out.reason == (f"m = {value:.5g}, interval [{low:.5g}, {high:.5g}] after {n} draws (look {look}/3, "
                          f"level 1e-04 over all looks) {tail}")
    assert (out.resolution.value, out.resolution.quantity) == (0.2, "m")
    assert out.resolution.level == pytest.approx(1e-4, rel=1e-12)
    expected = {"estimate": value, "ci": [low, high], "claimed": 0.0, "margin": 0.2} if verdict == "refuted" else None
    assert out.counterexample == expected


def _touching(z: float, edge: float, sign: float) -> tuple[float, float]:
    """An estimate and standard error whose interval ends exactly (in floating point) at ``edge``."""
    for se in (0.1, 0.125, 0.2, 0.25, 0.3, 0.375, 0.05, 0.0625):
        half = z * se
        value = edge - sign * half
        if value + sign * half == edge:
            return value, se
    raise AssertionError("no exact candidate")


def _apart(z: float, claimed: float, sign: float) -> tuple[float, float]:
    """An estimate exactly one half-width (in floating point) from ``claimed``, and its standard error."""
    for se in (0.1, 0.125, 0.2, 0.25, 0.3, 0.375, 0.05, 0.0625):
        half = z * se
        value = claimed + sign * half
        if abs(value - claimed) == half:
            return value, se
    raise AssertionError("no exact candidate")


def test_equivalence_band_edges_are_inclusive() -> None:
    """An interval touching claimed ± margin from inside is supported, at either edge."""
    z = seq.design(100).z[0]
    for edge, sign in ((1.0, 1.0), (-1.0, -1.0)):
        value, se = _touching(z, edge, sign)
        out = seq.sequential_equivalence(CTX, _fixed(value, se), 0.0, margin=1.0, what="m", max_samples=100)
        assert out.verdict == "supported"


def test_compare_boundaries_are_exact() -> None:
    """Supported when |diff| + half equals the resolution; not refuted when |diff| equals the half-width."""
    z = seq.design(100).z[0]
    value, se = _touching(z, 1.5, 1.0)
    out = seq.sequential_compare(CTX, _fixed(value, se), 1.0, resolution=0.5, what="m", max_samples=100)
    assert out.verdict == "supported"
    for claimed, sign in ((1.5, 1.0), (0.5, -1.0)):
        value, se = _apart(z, claimed, sign)
        out = seq.sequential_compare(CTX, _fixed(value, se), claimed, resolution=1e-9, what="m", max_samples=100)
        assert out.verdict == "inconclusive"


def test_equivalence_needs_a_positive_margin() -> None:
    with pytest.raises(ValueError, match=r"^the equivalence margin must be positive$"):
        seq.sequential_equivalence(CTX, _fixed(0.0, 1.0), 0.0, margin=-1.0, what="m")


def test_equivalence_uses_the_profile_budget_by_default() -> None:
    seen: list[int] = []
    seq.sequential_equivalence(CTX, _fixed(0.2, 0.01, seen), 0.0, margin=0.2, what="m")
    assert seen == list(seq.design(QUICK.samples).looks)


def _draws(values: list[float], sizes: list[int]):
    """A draw function handing out ``values`` in order, recording the batch sizes asked for."""
    data = torch.tensor(values, dtype=torch.float64)

    def draw(gen, size: int) -> torch.Tensor:
        start = sum(sizes)
        sizes.append(size)
        return data[start:start + size]
    return draw


def test_running_mean_is_the_exact_sample_mean_and_standard_error() -> None:
    values = [3.0, -3.0, 1.0, 2.0, 7.5, -0.5, 4.0]
    sizes: list[int] = []
    mean = seq.RunningMean(_draws(values, sizes), None, batch=2)
    first = mean(2)
    assert (first.value, first.se, first.n) == (0.0, 3.0, 2)
    est = mean(7)
    assert sizes == [2, 2, 2, 1]
    assert est.n == 7 and est.value == pytest.approx(np.mean(values), rel=1e-14)
    assert est.se == pytest.approx(np.std(values, ddof=1) / math.sqrt(7), rel=1e-12)
    assert mean(5) is not None and sizes == [2, 2, 2, 1]


def test_running_mean_of_constant_draws_has_zero_error() -> None:
    est = seq.RunningMean(lambda g, size: torch.full((size,), 0.25, dtype=torch.float64), None)(3)
    assert (est.value, est.se, est.n) == (0.25, 0.0, 3)


def test_running_mean_uses_the_given_generator_and_batch() -> None:
    ctx = Context("demo/seq", {}, QUICK, seed=9)
    sizes: list[int] = []

    def draw(gen, size: int) -> torch.Tensor:
        sizes.append(size)
        return torch.rand(size, generator=gen, dtype=torch.float64)

    own = seq.running_mean(ctx, draw, batch=3)(7)
    assert sizes == [3, 3, 1]
    expected = torch.rand(7, generator=ctx.generator(), dtype=torch.float64)
    assert own.value == pytest.approx(float(expected.mean()), rel=1e-12)
    shared = torch.Generator().manual_seed(123)
    given = seq.running_mean(ctx, draw, gen=shared)(5)
    assert given.value == pytest.approx(float(torch.rand(5, generator=torch.Generator().manual_seed(123),
                                                         dtype=torch.float64).mean()), rel=1e-12)


def test_running_variance_is_exact_on_small_samples() -> None:
    values = [1.0, -1.0, 4.0, 0.5, 2.0]
    sizes: list[int] = []
    running = seq.RunningVariance(_draws(values, sizes), None, batch=2)
    two = running(2)
    assert (two.value, two.n) == (2.0, 2)
    assert two.se == pytest.approx(0.0, abs=1e-12)
    est = running(5)
    assert sizes == [2, 2, 1]
    x = np.asarray(values)
    c = x - x.mean()
    var = float((c * c).sum()) / 4
    se = math.sqrt((float((c ** 4).mean()) - var * var) / 5)
    assert est.value == pytest.approx(var, rel=1e-13) and est.se == pytest.approx(se, rel=1e-12)


def test_running_variance_uses_the_given_generator_and_batch() -> None:
    ctx = Context("demo/seq", {}, QUICK, seed=10)
    sizes: list[int] = []

    def draw(gen, size: int) -> torch.Tensor:
        sizes.append(size)
        return torch.randn(size, generator=gen, dtype=torch.float64)

    own = seq.running_variance(ctx, draw, batch=4)(9)
    assert sizes == [4, 4, 1]
    x = torch.randn(9, generator=ctx.generator(), dtype=torch.float64)
    assert own.value == pytest.approx(float(x.var()), rel=1e-12)
    given = seq.running_variance(ctx, draw, gen=torch.Generator().manual_seed(5))(6)
    y = torch.randn(6, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    assert given.value == pytest.approx(float(y.var()), rel=1e-12)


def _exact_sum(z: float, claimed: float, resolution: float) -> tuple[float, float]:
    """An estimate and standard error with |estimate - claimed| + half-width == resolution in floating point."""
    for j in range(1, 2000):
        se = j * 1e-5
        half = z * se
        for value in (claimed + resolution - half, claimed - resolution + half):
            if abs(value - claimed) + half == resolution and abs(value - claimed) < half:
                return value, se
    raise AssertionError("no exact candidate")


def test_looks_continue_at_exact_ties_of_both_rules() -> None:
    """A look stops only when |diff| > half or |diff| + half <= resolution: exact ties of the other kind go on."""
    plan = seq.design(8192, first=4096)
    seen: list[int] = []
    value, se = _apart(plan.z[0], 1.0, 1.0)

    def estimator(n: int) -> Estimate:
        seen.append(n)
        return Estimate(value, se, n) if n == 4096 else Estimate(1.0, 1e-9, n)

    out = seq.sequential_compare(CTX, estimator, 1.0, resolution=1e-6, what="m", max_samples=8192)
    assert seen == [4096, 8192] and out.verdict == "supported"
    value, se = _exact_sum(plan.z[-1], 1.0, 0.05)
    out = seq.sequential_compare(CTX, _fixed(value, se), 1.0, resolution=0.05, what="m", max_samples=8192,
                                 first=8192)
    assert out.verdict == "supported"
    seen.clear()
    value, se = _exact_sum(plan.z[0], 1.0, 0.05)

    def late(n: int) -> Estimate:
        seen.append(n)
        return Estimate(value, se, n) if n == 4096 else Estimate(1.0, 1e-9, n)

    seq.sequential_compare(CTX, late, 1.0, resolution=0.05, what="m", max_samples=8192)
    assert seen == [4096]


def test_equivalence_interval_touching_the_band_from_outside_is_not_refuted() -> None:
    z = seq.design(100).z[0]
    for edge, sign in ((-1.0, 1.0), (1.0, -1.0)):
        value, se = _touching(z, edge, sign)
        out = seq.sequential_equivalence(CTX, _fixed(value, se), 0.0, margin=1.0, what="m", max_samples=100)
        assert out.verdict == "inconclusive"


def test_equivalence_distance_to_the_edge_is_measured_from_the_claimed_centre() -> None:
    out = seq.sequential_equivalence(CTX, _fixed(3.1, 0.001), 3.0, margin=0.5, what="m", max_samples=100)
    assert out.verdict == "supported" and out.statistics["distance_to_edge"] == pytest.approx(0.4, rel=1e-12)


def test_power_is_projected_to_the_last_look() -> None:
    """se at the last look = se * sqrt(n / n_max); an estimator reporting 0 or 1 draws keeps its se."""
    plan = seq.design(10_000)
    for n, se_last in ((1, 0.5 * math.sqrt(1 / 10_000)), (0, 0.5), (4096, 0.5 * math.sqrt(4096 / 10_000))):
        out = seq._decide(Estimate(1.0, 0.5, n), 1.0, plan.z[0] * 0.5, plan.z[0], 1, plan, 0.3, "m", "draws", None)
        assert out.statistics["power"] == pytest.approx(seq.power_at(0.3, se_last, plan.z[-1]), rel=1e-12)


def test_running_variance_is_stable_for_large_offsets() -> None:
    """Shifting by the first batch's mean keeps the variance of 1e8 + N(0, 1) accurate (no cancellation)."""
    gen = torch.Generator().manual_seed(0)
    x = 1e8 + torch.randn(50_000, generator=gen, dtype=torch.float64)
    pos = [0]

    def draw(g, size):
        pos[0] += size
        return x[pos[0] - size:pos[0]]

    est = seq.RunningVariance(draw, None, batch=10_000)(50_000)
    c = (x - 1e8) - (x - 1e8).mean()
    assert est.value == pytest.approx(float((c * c).sum()) / 49_999, rel=1e-9)


def test_running_variance_error_of_small_draws() -> None:
    """The fourth central moment of draws of size 0.01 is about 1e-8: no floor at 1."""
    values = [0.01, -0.01, 0.04, 0.005, 0.02]
    est = seq.RunningVariance(_draws(values, []), None)(5)
    x = np.asarray(values)
    c = x - x.mean()
    var = float((c * c).sum()) / 4
    assert est.se == pytest.approx(math.sqrt((float((c ** 4).mean()) - var * var) / 5), rel=1e-9)
