"""Monte Carlo and operation-count building blocks pinned to exact numbers and reasons (mutation kills)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats as sps

from verifiers import empirical
from verifiers import montecarlo as mc
from verifiers.model import instance

Z = float(sps.norm.isf(1e-6 / 2))


def test_the_error_budget_constants() -> None:
    assert mc.CHECK_ALPHA == pytest.approx(1e-6, rel=1e-12) and mc.Z_CRIT == pytest.approx(Z, rel=1e-12)


def test_estimate_as_dict_has_the_z_crit_interval() -> None:
    est = mc.Estimate(2.0, 0.5, 7)
    assert est.as_dict() == {"estimate": 2.0, "se": 0.5, "ci_low": 2.0 - Z * 0.5, "ci_high": 2.0 + Z * 0.5, "n": 7}


def test_mean_of_a_tensor_with_gradients_in_float64() -> None:
    x = torch.tensor([0.1, 0.7, 0.25, 1.3], dtype=torch.float32, requires_grad=True)
    est = mc.mean(x)
    ref = np.asarray([0.1, 0.7, 0.25, 1.3], dtype=np.float32).astype(np.float64)
    assert est.value == float(ref.mean()) and est.n == 4
    assert est.se == pytest.approx(float(ref.std(ddof=1) / 2.0), rel=1e-15)
    plain = mc.mean([1, 2, 6])
    assert (plain.value, plain.n) == (3.0, 3) and plain.se == pytest.approx(math.sqrt(7 / 3), rel=1e-14)


def _compare_stats(value: float, se: float, n: int, claimed: float, resolution: float) -> dict:
    z = (value - claimed) / se if se > 0 else (0.0 if value == claimed else math.copysign(math.inf, value - claimed))
    return {"estimate": value, "se": se, "ci_low": value - Z * se, "ci_high": value + Z * se, "n": n,
            "claimed": claimed, "z": z, "alpha": mc.CHECK_ALPHA, "half_width": Z * se, "resolution": resolution}


def test_compare_refutes_with_the_interval_as_counterexample() -> None:
    est = mc.Estimate(1.2, 0.01, 50)
    out = mc.compare(est, 1.0, resolution=0.05, what="c", scale=4.0)
    assert out.verdict == "refuted"
    assert out.statistics == pytest.approx(_compare_stats(1.2, 0.01, 50, 1.0, 0.05), rel=1e-12)
    assert out.counterexample == {"estimate": 1.2, "ci": [1.2 - Z * 0.01, 1.2 + Z * 0.01], "claimed": 1.0}
    assert out.reason == f"c = 1.2 ± {Z * 0.01:.2g} excludes the claimed 1 (|z| = 20.0 > 4.9)"
    res = out.resolution
    assert (res.value, res.quantity, res.level, res.relative) == (0.05, "c", mc.CHECK_ALPHA, 0.0125)


def test_compare_supports_and_asks_for_more_samples() -> None:
    out = mc.compare(mc.Estimate(1.004, 0.001, 9), 1.0, resolution=0.01, what="c")
    assert out.verdict == "supported" and out.counterexample is None and out.resolution.relative is None
    assert out.statistics == pytest.approx(_compare_stats(1.004, 0.001, 9, 1.0, 0.01), rel=1e-12)
    assert out.reason == f"c = 1.004 ± {Z * 0.001:.2g} lies within the resolution 0.01 of the claimed 1 (level 1e-06)"
    out = mc.compare(mc.Estimate(1.0, 0.01, 9), 1.0, resolution=0.01, what="c", scale=-2.0)
    assert out.verdict == "inconclusive" and out.resolution.relative == 0.005
    assert out.reason == (f"c = 1 ± {Z * 0.01:.2g} contains the claimed 1 but is not within its resolution 0.01: "
                          "use more samples")


def test_compare_with_zero_standard_error() -> None:
    assert mc.compare(mc.Estimate(2.0, 0.0, 3), 1.0, resolution=0.1, what="c").statistics["z"] == math.inf
    assert mc.compare(mc.Estimate(0.0, 0.0, 3), 1.0, resolution=0.1, what="c").statistics["z"] == -math.inf
    same = mc.compare(mc.Estimate(1.0, 0.0, 3), 1.0, resolution=0.1, what="c")
    assert same.statistics["z"] == 0.0 and same.verdict == "supported"


def test_compare_boundaries_are_exact() -> None:
    """|diff| equal to the half-width is not refuted; |diff| + half equal to the resolution is supported."""
    for se in (0.5, 0.375, 1.0, 2.0):
        half = Z * se
        if abs((1.0 + half) - 1.0) == half and abs((1.0 - half) - 1.0) == half:
            break
    for value in (1.0 + half, 1.0 - half):
        assert mc.compare(mc.Estimate(value, se, 3), 1.0, resolution=1e-9, what="c").verdict == "inconclusive"
    assert mc.compare(mc.Estimate(1.0, se, 3), 1.0, resolution=half, what="c").verdict == "supported"


def test_fit_line_is_weighted_least_squares_with_its_covariance() -> None:
    x, y, se = [0.0, 1.0, 2.0, 4.0], [0.3, 1.1, 2.4, 3.7], [0.1, 0.4, 0.2, 1.0]
    fit = mc.fit_line(x, y, se)
    X = np.column_stack([np.ones(4), x])
    W = np.diag(1 / np.asarray(se) ** 2)
    cov = np.linalg.inv(X.T @ W @ X)
    coef = cov @ X.T @ W @ np.asarray(y)
    assert fit.intercept.value == pytest.approx(coef[0], rel=1e-12)
    assert fit.slope.value == pytest.approx(coef[1], rel=1e-12)
    assert fit.intercept.se == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-12)
    assert fit.slope.se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-12)
    assert fit.intercept.n == fit.slope.n == 4


def test_rate_figure_records_the_band_and_the_claimed_curve() -> None:
    estimates = [mc.Estimate(1.0, 0.1, 5), mc.Estimate(0.5, 0.2, 5)]
    figure = mc.rate_figure(title="T", x=[1, 2], estimates=estimates, xlabel="k", ylabel="bias", claimed=[1, 0.5])
    assert figure == {"kind": "line", "title": "T", "xlabel": "k", "ylabel": "bias", "log": False, "x": [1.0, 2.0],
                      "y": [1.0, 0.5], "low": [1.0 - Z * 0.1, 0.5 - Z * 0.2], "high": [1.0 + Z * 0.1, 0.5 + Z * 0.2],
                      "band": "0.999999 confidence interval", "claimed": [1.0, 0.5]}
    assert all(type(v) is float for v in figure["x"] + figure["claimed"])
    assert "claimed" not in mc.rate_figure(title="T", x=[1], estimates=estimates[:1], xlabel="k", ylabel="b",
                                           log=True)


def test_flops_counts_a_matrix_product() -> None:
    a, b = torch.ones(3, 4, dtype=torch.float64), torch.ones(4, 5, dtype=torch.float64)
    assert empirical.flops(torch.matmul, a, b) == 2 * 3 * 4 * 5


def test_loglog_slope_and_local_exponents() -> None:
    xs = [2.0, 4.0, 8.0, 16.0]
    counts = [3 * x ** 2 * math.log(x) for x in xs]
    assert empirical.loglog_slope(xs, [5 * x ** 1.5 for x in xs]) == pytest.approx(1.5, rel=1e-12)
    assert empirical.local_exponents(xs, counts, log_power=1) == pytest.approx([2.0, 2.0, 2.0], rel=1e-12)
    plain = empirical.local_exponents(xs, counts)
    assert plain == pytest.approx(np.diff(np.log(counts)) / np.diff(np.log(xs)), rel=1e-12)


@pytest.mark.parametrize(("xs", "counts"), [([2, 4], [1, 2]), ([2, 4, 8], [1, 0, 2]), ([2, 4, 8], [1, -1, 2]),
                                            ([2, 4, 4], [1, 2, 3]), ([2, 8, 4], [1, 2, 3])])
def test_local_exponents_need_three_increasing_points_with_positive_counts(xs, counts) -> None:
    with pytest.raises(ValueError) as info:
        empirical.local_exponents(xs, counts)
    assert str(info.value) == "need at least three increasing grid points with positive counts"


def test_local_exponents_accept_exactly_three_points() -> None:
    assert len(empirical.local_exponents([2, 4, 8], [1, 2, 4])) == 2


def _limit(sigma) -> tuple[float, float]:
    """Aitken's extrapolation of the last three local exponents when their drift shrinks with one sign."""
    last, d1 = float(sigma[-1]), float(sigma[-1] - sigma[-2])
    if len(sigma) >= 3 and sigma[-2] != sigma[-3]:
        ratio = d1 / float(sigma[-2] - sigma[-3])
        if d1 and 0 < ratio < 1:
            return last + d1 * ratio / (1 - ratio), abs(d1 * ratio / (1 - ratio))
    return last, 2 * abs(d1)


@pytest.mark.parametrize(("sigma", "limit"), [
    ([1.0, 1.5, 1.75], (2.0, 0.25)), ([3.0, 2.0, 1.5], (1.0, 0.5)), ([1.0, 2.0, 1.5], (1.5, 1.0)),
    ([1.0, 1.5, 2.5], (2.5, 2.0)), ([1.0, 1.0, 1.5], (1.5, 1.0)), ([1.0, 1.5, 1.5], (1.5, 0.0)),
    ([1.0, 1.25], (1.25, 0.5)), ([2.0, 2.0], (2.0, 0.0)),
])
def test_limit_exponent_extrapolates_geometric_drift(sigma, limit) -> None:
    assert empirical.limit_exponent(np.asarray(sigma)) == pytest.approx(limit, rel=1e-12, abs=1e-15)
    assert _limit(np.asarray(sigma)) == pytest.approx(limit, rel=1e-12, abs=1e-15)


def _scaling_stats(xs, counts, claimed, log_power=0.0):
    sigma = empirical.local_exponents(xs, counts, log_power)
    slope, uncertainty = _limit(sigma)
    return {"slope": slope, "last_local_slope": float(sigma[-1]), "claimed_slope": claimed,
            "drift": float(abs(sigma[-1] - sigma[-2])), "tolerance": uncertainty + 1e-9,
            "local_slopes": sigma.tolist(), "log_power": log_power, "grid": [float(v) for v in xs],
            "counts": [float(c) for c in counts]}


def test_scaling_supports_within_the_extrapolation_uncertainty() -> None:
    xs = [8, 16, 32, 64]
    counts = [x ** 2 + x for x in xs]
    stats = _scaling_stats(xs, counts, 2.0)
    out = empirical.scaling(xs, counts, 2.0, what="ops", xlabel="D")
    assert out.verdict == "supported" and out.counterexample is None
    assert out.statistics == stats
    assert out.reason == (f"ops: exact counts grow as x^2: limiting exponent {stats['slope']:.4f} ± "
                          f"{stats['tolerance']:.2g} contains 2")
    assert out.figures == ({"kind": "line", "title": "ops", "xlabel": "D", "ylabel": "operations", "log": True,
                            "x": [8.0, 16.0, 32.0, 64.0], "y": [float(c) for c in counts], "exact": True,
                            "claimed_slope": 2.0, "log_power": 0.0},)
    assert out.scope == instance("D in [8.0, 16.0, 32.0, 64.0]")
    assert (out.resolution.value, out.resolution.quantity) == (stats["tolerance"], "growth exponent")
    edge = stats["slope"] - 0.9 * stats["tolerance"]
    assert empirical.scaling(xs, counts, edge, what="ops").verdict == "supported"
    beyond = stats["slope"] + 1.1 * stats["tolerance"]
    assert empirical.scaling(xs, counts, beyond, what="ops").verdict == "refuted"


def test_scaling_refutes_with_the_distance_and_names_the_log_factor() -> None:
    xs = [8, 16, 32]
    counts = [x * math.log(x) for x in xs]
    out = empirical.scaling(xs, counts, 1.5, what="ops", log_power=1)
    stats = _scaling_stats(xs, counts, 1.5, 1)
    assert out.verdict == "refuted" and out.statistics == stats
    assert out.counterexample == {"slope": stats["slope"], "claimed_slope": 1.5}
    assert out.reason == (f"ops: exact counts do not grow as x^1.5 (log x)^1: limiting exponent "
                          f"{stats['slope']:.4f} ± {stats['tolerance']:.2g} is {abs(stats['slope'] - 1.5):.3g} "
                          "from 1.5")
    assert out.scope == instance("n in [8.0, 16.0, 32.0]")


def test_float32_inputs_are_computed_in_float64() -> None:
    """Counts, grids and standard errors given in float32 are promoted before any arithmetic."""
    se32 = np.asarray([0.1, 0.3, 0.7, 1.1], dtype=np.float32)
    fit = mc.fit_line([0.0, 1.0, 2.0, 3.0], [0.2, 1.1, 2.3, 2.9], se32)
    ref = mc.fit_line([0.0, 1.0, 2.0, 3.0], [0.2, 1.1, 2.3, 2.9], se32.astype(np.float64))
    assert fit.slope.value == ref.slope.value and fit.slope.se == ref.slope.se
    xs = np.asarray([3.0, 7.0, 11.0, 29.0], dtype=np.float32)
    ys = np.asarray([5.0, 17.0, 100.0, 1000.0], dtype=np.float32)
    assert empirical.loglog_slope(xs, ys) == empirical.loglog_slope(xs.astype(np.float64), ys.astype(np.float64))
    assert empirical.local_exponents(xs, ys, 1).tolist() == empirical.local_exponents(
        xs.astype(np.float64), ys.astype(np.float64), 1).tolist()


def test_grids_may_be_finer_than_one() -> None:
    assert empirical.local_exponents([1.0, 1.5, 2.25], [1.0, 2.25, 5.0625]) == pytest.approx([2.0, 2.0], rel=1e-12)


def test_scaling_tolerance_is_inclusive() -> None:
    """Constant counts: slope 0, drift 0, tolerance = the rounding allowance 1e-9, which is still supported."""
    ns = [8, 16, 32]
    assert empirical.scaling(ns, [5] * 3, empirical.ROUNDING, what="c").verdict == "supported"
    assert empirical.scaling(ns, [5] * 3, 2 * empirical.ROUNDING, what="c").verdict == "refuted"
