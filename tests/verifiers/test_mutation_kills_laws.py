"""Categorical-law tests, paired experiments and probing pinned exactly (mutation kills)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch
from scipy import stats as sps

from tests.verifiers._fixtures import bound, make_claim, threshold_check
from verifiers import Choice, Flag, Integer, InvalidArgument, Outcome, Real, Vector, instance, profile
from verifiers import distribution as dist
from verifiers import experiment as ex
from verifiers import probe as pr
from verifiers.model import Context
from verifiers.sequential import design

QUICK = profile("quick")
CTX = Context("demo/law", {}, QUICK, seed=12)


# ---- categorical laws ------------------------------------------------------------------------------------------

def _cycle(pattern: list[int]):
    """Draws cycling through ``pattern`` (exact category frequencies at multiples of its length)."""
    state = {"at": 0}

    def draw(gen, size: int) -> torch.Tensor:
        idx = (torch.arange(size) + state["at"]) % len(pattern)
        state["at"] += size
        return torch.tensor(pattern)[idx]
    return draw


def _wilson(p: float, n: int, z: float) -> tuple[float, float]:
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_wilson_matches_the_score_interval() -> None:
    low, high = dist.wilson(torch.tensor([0.0, 0.25, 1.0], dtype=torch.float64), 40, 2.5)
    for i, p in enumerate((0.0, 0.25, 1.0)):
        assert (float(low[i]), float(high[i])) == pytest.approx(_wilson(p, 40, 2.5), rel=1e-12, abs=1e-15)


def test_categorical_support_records_the_interval_of_every_category() -> None:
    pi = (0.25, 0.75)
    out = dist.categorical(CTX, _cycle([0, 1, 1, 1]), pi, resolution=0.2, what="law", max_samples=4000, first=1000,
                           alpha=1e-3)
    plan = design(4000, first=1000, alpha=1e-3)
    z = float(sps.norm.isf(plan.alphas[0] / 4))
    lows, highs = zip(*(_wilson(p, 1000, z) for p in pi))
    assert out.verdict == "supported"
    stats = dict(out.statistics)
    assert stats.pop("ci_low") == pytest.approx(lows, rel=1e-12) and stats.pop("ci_high") == pytest.approx(highs)
    assert stats == {"estimate": [0.25, 0.75], "claimed": [0.25, 0.75], "samples": 1000, "looks": 1, "max_looks": 3,
                     "alpha": pytest.approx(1e-3, rel=1e-12), "categories": 2, "resolution": 0.2}
    assert out.reason == ("law: 2 categories, 1000 draws (look 1/3, level 1e-03 in all): every category within 0.2 "
                          "of the claim")
    assert out.scope == instance("law, 2 categories") and out.counterexample is None
    assert (out.resolution.value, out.resolution.quantity) == (0.2, "a category's probability")
    assert out.resolution.level == pytest.approx(1e-3, rel=1e-12)


def test_categorical_refutes_naming_the_worst_category() -> None:
    out = dist.categorical(CTX, _cycle([0, 1, 2, 2]), (0.25, 0.5, 0.25), max_samples=8000, first=4000)
    assert out.verdict == "refuted" and out.statistics["samples"] == 4000
    z = float(sps.norm.isf(design(8000, first=4000).alphas[0] / 6))
    low, high = _wilson(0.25, 4000, z)
    assert out.counterexample == {"category": 1, "estimate": 0.25, "ci": [pytest.approx(low), pytest.approx(high)],
                                  "claimed": 0.5}
    assert out.reason == (f"the law: 3 categories, 4000 draws (look 1/2, level 1e-06 in all): category 1 has "
                          f"probability in [{low:.4g}, {high:.4g}], not 0.5")


def test_categorical_inconclusive_after_the_last_look_and_its_default_resolution() -> None:
    out = dist.categorical(CTX, _cycle([0, 1]), (0.5, 0.5), max_samples=300, first=100)
    assert out.verdict == "inconclusive" and out.statistics["samples"] == 300 and out.statistics["looks"] == 3
    assert out.statistics["resolution"] == pytest.approx(0.05 * 0.5, rel=1e-12)
    assert out.reason == ("the law: 2 categories, 300 draws (look 3/3, level 1e-06 in all): consistent with the claim "
                          "but not resolved to 0.025; use a larger profile")
    zero = dist.categorical(CTX, _cycle([0, 1]), (0.5, 0.5, 0.0), max_samples=300, first=100)
    assert zero.statistics["resolution"] == pytest.approx(0.05 * 0.5, rel=1e-12)
    skew = dist.categorical(CTX, _cycle([0, 1, 1, 1]), (0.25, 0.75), max_samples=400, first=100)
    assert skew.statistics["resolution"] == pytest.approx(0.05 * 0.25, rel=1e-12)


def test_categorical_budget_defaults_to_draws_per_sample() -> None:
    asked: list[int] = []
    cycle = _cycle([0, 1])

    def draw(gen, size: int) -> torch.Tensor:
        asked.append(size)
        return cycle(gen, size)

    dist.categorical(CTX, draw, (0.5, 0.5), resolution=1e-9)
    assert sum(asked) == dist.DRAWS_PER_SAMPLE * QUICK.samples == 1_000_000 and max(asked) == 1 << 16


@pytest.mark.parametrize("pi", [(1.0,), (0.5, 0.6), (1.2, -0.2), (0.5, 0.5 - 2e-9)])
def test_categorical_rejects_bad_probability_vectors(pi) -> None:
    with pytest.raises(ValueError) as info:
        dist.categorical(CTX, _cycle([0]), pi)
    assert str(info.value) == f"pi must be a probability vector with at least two categories, got {list(pi)}"


def test_categorical_accepts_rounding_in_the_sum_and_rejects_draws_outside() -> None:
    assert dist.categorical(CTX, _cycle([0, 1]), (0.5, 0.5 + 5e-10), max_samples=200, first=100).verdict
    for bad in ([0, 2], [-1, 0]):
        with pytest.raises(ValueError) as info:
            dist.categorical(CTX, _cycle(bad), (0.5, 0.5), max_samples=200, first=100)
        assert str(info.value) == "a draw fell outside the categories 0..1"


def test_same_law_streams_intervals_and_default_resolution() -> None:
    seeds: list[int] = []

    def draw(gen, size: int) -> torch.Tensor:
        seeds.append(gen.initial_seed())
        return torch.randint(0, 2, (size,), generator=gen)

    out = dist.same_law(CTX, draw, draw, 2, max_samples=200, first=100)
    assert seeds[:2] == [12, (12 * 2654435761 + 1) & 0x7FFFFFFF]
    assert out.statistics["resolution"] == pytest.approx(0.05 / 2, rel=1e-12)
    assert out.statistics["claimed"] == [0.0, 0.0]
    a, b = _cycle([0, 1, 1, 1]), _cycle([0, 0, 0, 1])
    out = dist.same_law(CTX, a, b, 2, resolution=0.3, max_samples=400, first=400, what="pair")
    z = float(sps.norm.isf(1e-6 / 4))
    half = z * math.sqrt((0.25 * 0.75 + 0.75 * 0.25) / 400 + 1 / 400 ** 2)
    assert out.verdict == "refuted" and out.statistics["estimate"] == [-0.5, 0.5]
    assert out.statistics["ci_low"] == pytest.approx([-0.5 - half, 0.5 - half], rel=1e-12)
    assert out.counterexample["category"] == 0 and out.scope == instance("pair, 2 categories")


# ---- experiments ---------------------------------------------------------------------------------------------------

def test_t_interval_statistic_and_p_value_match_scipy() -> None:
    d = np.array([0.3, -0.1, 0.4, 0.2, 0.25])
    est = ex.interval(d, "t", 0.05)
    res = sps.ttest_1samp(d, 0)
    low, high = res.confidence_interval(0.95)
    assert (est.effect, est.low, est.high) == pytest.approx((d.mean(), low, high), rel=1e-12)
    assert (est.statistic, est.p_value) == pytest.approx((res.statistic, res.pvalue), rel=1e-12)


def test_sign_interval_uses_order_statistics_and_the_binomial_test() -> None:
    d = np.array([0.5, -0.2, 0.0, 0.9, 1.4, 0.3, -0.1, 0.8, 0.6, 1.1])
    est = ex.interval(d, "sign", 0.1)
    rank = int(sps.binom.ppf(0.05, 10, 0.5))
    order = np.sort(d)
    assert est.effect == np.median(d) and (est.low, est.high) == (order[rank - 1], order[10 - rank])
    assert est.statistic == 7.0 and est.p_value == pytest.approx(sps.binomtest(7, 9, 0.5).pvalue, rel=1e-12)
    tiny = ex.interval(np.array([0.1, 0.2, 0.4]), "sign", 0.2)
    assert (tiny.low, tiny.high, tiny.effect, tiny.statistic) == (-math.inf, math.inf, 0.2, 3.0)
    assert tiny.p_value == pytest.approx(sps.binomtest(3, 3, 0.5).pvalue, rel=1e-12)
    edge = ex.interval(np.array([0.3, 0.1, 0.2, 0.4]), "sign", 0.25)
    assert int(sps.binom.ppf(0.125, 4, 0.5)) == 1 and (edge.low, edge.high) == (0.1, 0.4)
    zeros = ex.interval(np.zeros(3), "sign", 0.1)
    assert zeros.p_value == 1.0 and zeros.statistic == 0.0


def test_bootstrap_interval_is_scipys_bca_with_the_seed() -> None:
    d = np.array([0.3, -0.1, 0.4, 0.2, 0.25, 0.6])
    est = ex.interval(d, "bootstrap", 0.1, seed=3)
    res = sps.bootstrap((d,), np.mean, confidence_level=0.9, method="BCa", n_resamples=4999,
                        random_state=np.random.default_rng(3))
    assert (est.low, est.high) == (res.confidence_interval.low, res.confidence_interval.high)
    t = sps.ttest_1samp(d, 0)
    assert (est.effect, est.statistic, est.p_value) == pytest.approx((d.mean(), t.statistic, t.pvalue), rel=1e-12)


def test_degenerate_differences() -> None:
    assert ex.interval(np.array([0.5, 0.5]), "t", 0.1) == ex.Interval(0.5, 0.5, 0.5, math.inf, 0.0)
    assert ex.interval(np.array([-0.5]), "t", 0.1) == ex.Interval(-0.5, -0.5, -0.5, -math.inf, 0.0)
    assert ex.interval(np.zeros(4), "t", 0.1) == ex.Interval(0.0, 0.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize(("low", "high", "direction", "margin", "verdict"), [
    (0.2, 0.5, "greater", 0.1, "supported"), (0.1, 0.5, "greater", 0.1, None), (-0.5, 0.1, "greater", 0.1, "refuted"),
    (-0.5, 0.2, "greater", 0.1, None), (-0.5, -0.2, "less", 0.1, "supported"), (-0.5, -0.1, "less", 0.1, None),
    (-0.1, 0.5, "less", 0.1, "refuted"), (-0.2, 0.5, "less", 0.1, None), (-0.1, 0.1, "equal", 0.1, "supported"),
    (-0.2, 0.1, "equal", 0.1, None), (-0.1, 0.2, "equal", 0.1, None), (0.15, 0.3, "equal", 0.1, "refuted"),
    (-0.3, -0.15, "equal", 0.1, "refuted"), (0.1, 0.3, "equal", 0.1, None), (-0.3, -0.1, "equal", 0.1, None),
])
def test_decision_rules_at_the_margins(low, high, direction, margin, verdict) -> None:
    assert ex._verdict(ex.Interval(0.0, low, high, 0.0, 1.0), direction, margin) == verdict


def test_paired_runs_seeds_in_stages_and_records_everything() -> None:
    calls: list[int] = []

    def run(seed: int) -> tuple[float, float]:
        calls.append(seed)
        return 1.0 + 0.01 * (seed % 3), 0.5

    ctx = replace(CTX, seed=100)
    out = ex.paired(ctx, run, arms=("A", "B"), metric="acc", margin=0.1, setup={"n": 5, "lr": 0.1})
    assert calls == [100, 101, 102, 103] and out.verdict == "supported"
    a = [1.0 + 0.01 * (s % 3) for s in calls]
    d = np.asarray(a) - 0.5
    est = ex.interval(d, "t", 0.01 / 2)
    p_for, p_against = ex.one_sided(d, "t", "greater", 0.1)
    stats = out.statistics
    assert stats == {"seeds": 4, "stage": 1, "stages": [4, 8], "arm_a": "A", "arm_b": "B", "per_seed_a": a,
                     "per_seed_b": [0.5] * 4, "differences": d.tolist(), "test": "paired t test",
                     "statistic": est.statistic, "p_value": p_for, "p_for": p_for, "p_against": p_against,
                     "p_threshold": 0.0025, "effect": est.effect, "ci_low": est.low,
                     "ci_high": est.high, "level": 0.01, "level_per_stage": 0.005, "direction": "greater",
                     "margin": 0.1, "metric": "acc", "setup": {"n": 5, "lr": 0.1}}
    assert out.reason == (f"acc: effect A − B = {est.effect:.4g}, 99.5 % interval [{est.low:.4g}, {est.high:.4g}] "
                          f"over 4 seeds (paired t test, one-sided p = {p_for:.3g} for the claim, {p_against:.3g} "
                          f"against it; "
                          f"each decides below 0.0025); claim A − B > 0.1: the interval "
                          "clears the margin")
    assert out.figures == ({"kind": "seeds", "title": "acc per seed", "arms": ["A", "B"], "a": a, "b": [0.5] * 4,
                            "effect": est.effect, "ci": [est.low, est.high], "margin": 0.1, "direction": "greater",
                            "decision": "supported"},)
    assert (out.resolution.value, out.resolution.quantity, out.resolution.level) == (
        pytest.approx((est.high - est.low) / 2), "effect on acc", 0.01)
    assert out.scope == instance("n = 5, lr = 0.1") and out.counterexample is None


def test_paired_refutation_inconclusive_and_names() -> None:
    same = ex.paired(CTX, lambda s: (0.5 + 0.01 * (s % 2), 0.5), arms=("X", "Y"), metric="m", direction="less",
                     test="sign", stages=(4, 8), level=0.2)
    assert same.verdict == "refuted" and same.statistics["seeds"] == 8 and same.statistics["stage"] == 2
    assert same.counterexample == {"effect": same.statistics["effect"],
                                   "ci": [same.statistics["ci_low"], same.statistics["ci_high"]]}
    assert same.reason.endswith("claim X − Y < −0: the interval excludes the claim")
    assert "(sign test, one-sided p = " in same.reason and same.scope == instance("the experiment's setup")
    assert same.statistics["p_value"] == same.statistics["p_against"]
    assert same.statistics["level_per_stage"] == 0.1 and "90 % interval" in same.reason
    noisy = ex.paired(CTX, lambda s: (float(np.random.default_rng(s).normal()), 0.0), arms=("X", "Y"), metric="m",
                      direction="equal", margin=0.01, test="bootstrap", stages=(5,))
    assert noisy.verdict == "inconclusive" and noisy.counterexample is None
    assert noisy.reason.endswith("claim |X − Y| ≤ 0.01: undecided after the last stage; more seeds (a larger "
                                 "profile) needed")
    assert noisy.statistics["test"] == "BCa bootstrap" and noisy.statistics["p_value"] is None
    assert "(BCa bootstrap); claim" in noisy.reason


def test_staged_runs_compute_whole_stages_once() -> None:
    batches: list[list[int]] = []

    def compute(seeds: list[int]) -> list[int]:
        batches.append(seeds)
        return [10 * s for s in seeds]

    run = ex.staged((2, 5), 100, compute)
    assert [run(s) for s in (100, 101, 102, 103, 104, 100)] == [1000, 1010, 1020, 1030, 1040, 1000]
    assert batches == [[100, 101], [102, 103, 104]]
    assert ex.staged((2,), 0, compute)(3) == 30 and batches[-1] == [3]


def test_at_least_scales_stages_up_proportionally() -> None:
    assert ex.at_least((4, 8), 6) == (4, 8) and ex.at_least((4, 8), 8) == (4, 8)
    assert ex.at_least((4, 8), 12) == (6, 12) and ex.at_least((3, 7), 10) == (5, 10)


def test_conjunction_of_decisions() -> None:
    from verifiers import Outcome, Resolution

    sup = Outcome(verdict="supported", reason="a", statistics={"x": 1}, figures=({"title": "f"},),
                  scope=instance("i"), resolution=Resolution(0.1, "q"))
    ref = Outcome(verdict="refuted", reason="b", statistics={"y": 2}, counterexample={"c": 1}, figures=({},))
    inc = Outcome(verdict="inconclusive", reason="c")
    both = ex.conjunction([("A", sup), ("B", ref)])
    assert (both.verdict, both.counterexample, both.scope, both.resolution) == ("refuted", {"c": 1}, sup.scope,
                                                                                 sup.resolution)
    assert both.reason == "A: supported: a; B: refuted: b"
    assert both.statistics == {"parts": {"A": {"x": 1}, "B": {"y": 2}}}
    assert both.figures == ({"title": "A: f"}, {"title": "B: "})
    assert ex.conjunction([("A", sup), ("B", sup)]).verdict == "supported"
    assert ex.conjunction([("A", sup), ("C", inc)]).verdict == "inconclusive"
    assert ex.conjunction([("C", inc), ("B", ref)]).counterexample == {"c": 1}


def test_run_adam_matches_torch_adam_per_run() -> None:
    w0 = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64)
    lr = torch.tensor([0.1, 0.01], dtype=torch.float64)
    w = w0.clone().requires_grad_(True)
    opt = ex.RunAdam([w], lr)
    refs = [w0[i].clone().requires_grad_(True) for i in range(2)]
    torch_opts = [torch.optim.Adam([refs[i]], lr=float(lr[i])) for i in range(2)]
    for _ in range(3):
        ((w - 0.3) ** 4).sum().backward()
        opt.step()
        for r, o in zip(refs, torch_opts):
            o.zero_grad()
            ((r - 0.3) ** 4).sum().backward()
            o.step()
        assert w.grad is None
    assert torch.allclose(w.detach(), torch.stack([r.detach() for r in refs]), rtol=0, atol=1e-15)
    assert opt.t == 3


# ---- probing -------------------------------------------------------------------------------------------------------

def _window(ctx):
    ok = 0 <= ctx["b"] <= 1
    return Outcome(verdict="supported" if ok else "refuted", reason="window")


def test_probe_brackets_each_side_and_reports_every_point() -> None:
    c = bound(make_claim(params={"b": Real(0.5, -2.0, 2.0)}), "property", _window)
    seen: list = []
    found = pr.probe(c, "b", budget=QUICK, seed=0, low=-1.0, high=2.0, steps=3, on_point=lambda v, k: seen.append(v))
    assert seen[:2] == [0.5, -1.0] and seen[5] == 2.0 and len(seen) == 3 + 2 * 3
    assert found.points == sorted(found.points, key=lambda p: p[0]) and len(found.points) == 9
    assert [(b.holds_at, b.fails_at, b.fails_verdict) for b in found.brackets] == [(0.125, -0.0625, "refuted"),
                                                                                   (0.875, 1.0625, "refuted")]
    assert found.brackets[0].describe("b") == (f"b: holds at {found.brackets[0].holds_at:.6g}, refuted at "
                                               f"{found.brackets[0].fails_at:.6g}")
    assert found.figure() == {"kind": "verdicts", "title": "demo/ok: verdict vs b", "xlabel": "b",
                              "x": [float(v) for v, _ in found.points], "verdicts": [k for _, k in found.points]}


def test_bisection_of_reals_and_integers() -> None:
    calls: list = []

    def verdict(v):
        calls.append(v)
        return "supported" if v <= 3 else "refuted"

    assert pr._bisect(verdict, 0.0, "supported", 8.0, "refuted", False, 3) == pr.Bracket(3.0, 4.0, "refuted")
    assert calls == [4.0, 2.0, 3.0]
    calls.clear()
    assert pr._bisect(verdict, 10, "refuted", 0, "supported", True, 20) == pr.Bracket(3, 4, "refuted")
    assert calls == [5, 2, 3, 4] and all(type(v) is int for v in calls)
    assert pr._bisect(verdict, 3, "supported", 4, "inconclusive", True, 5) == pr.Bracket(3, 4, "inconclusive")


def test_probe_ranges() -> None:
    assert pr._range(Real(2.0), 2.0, None, None) == (1.0, 4.0)
    assert pr._range(Real(-2.0), -2.0, None, None) == (-3.0, 0.0)
    assert pr._range(Real(0.0), 0.0, None, None) == (-0.5, 1.0)
    assert pr._range(Real(0.5, 0.0, 1.0), 0.5, None, None) == (0.25, 1.0)
    lo, hi = pr._range(Real(0.5, 0.0, 0.8, exclude_min=True, exclude_max=True), 0.5, -1.0, 5.0)
    assert (lo, hi) == (1e-9, 0.8 - 1e-9)
    lo, hi = pr._range(Real(5.0, 0.0, 8.0, exclude_min=True, exclude_max=True), 5.0, -1.0, 9.0)
    assert (lo, hi) == (5e-9, 8.0 - 5e-9)
    assert pr._range(Integer(3, 1, 100), 3, None, None) == (1, 6)
    assert pr._range(Integer(5, 0, 100), 5, 1.5, 7.2) == (1, 8)
    with pytest.raises(InvalidArgument) as info:
        pr._range(Real(2.0), 2.0, 3.0, 4.0)
    assert str(info.value) == "the range [3, 4] does not contain the starting value 2"


def test_probe_messages_and_choices() -> None:
    c = bound(make_claim(params={"b": Real(1.0, 0.0, 2.0), "f": Flag(True), "o": Choice("x", ("x", "y")),
                                 "v": Vector((1.0,))}), "property", threshold_check)
    with pytest.raises(InvalidArgument) as info:
        pr.probe(c, "zz", budget=QUICK, seed=0)
    assert str(info.value) == "claim demo/ok has no parameter 'zz'; its parameters: b, f, o, v"
    with pytest.raises(InvalidArgument) as info:
        pr.probe(c, "v", budget=QUICK, seed=0)
    assert str(info.value) == "probe bisects real and integer parameters; v is Vector"
    assert [v for v, _ in pr.probe(c, "f", budget=QUICK, seed=0).points] == [False, True]
    assert [v for v, _ in pr.probe(c, "o", budget=QUICK, seed=0).points] == ["x", "y"]
    integer = bound(make_claim(params={"b": Integer(1, 0, 10)}), "property", threshold_check)
    with pytest.raises(InvalidArgument) as info:
        pr.probe(integer, "b", budget=QUICK, seed=0, overrides={"b": 2.5})
    assert str(info.value) == "b=2.5 is outside the parameter's domain: expected an integer, got 2.5"
    bare = bound(make_claim(params={}), "property", threshold_check)
    with pytest.raises(InvalidArgument) as info:
        pr.probe(bare, "b", budget=QUICK, seed=0)
    assert str(info.value).endswith("its parameters: none")


def test_probe_keeps_other_overrides_and_starts_from_them() -> None:
    seen: list = []

    def record(ctx):
        seen.append(dict(ctx.params))
        return Outcome(verdict="supported", reason="ok")

    c = bound(make_claim(params={"b": Real(1.0), "c": Real(2.0)}), "property", record)
    pr.probe(c, "b", budget=QUICK, seed=5, overrides={"b": 4.0, "c": 7.0})
    assert seen == [{"b": 4.0, "c": 7.0}, {"b": 2.0, "c": 7.0}, {"b": 8.0, "c": 7.0}]


def test_sweep_overrides_only_the_claim_and_reports_each_run() -> None:
    seen: list = []
    c = bound(make_claim(params={"b": Real(1.0)}), "property", threshold_check)
    runs = pr.sweep(c, [3, 4], budget=QUICK, overrides={"b": 2.0}, controls=True,
                    on_run=lambda s, r: seen.append((s, r.key, r.params["b"])))
    assert seen == [(3, "demo/ok", 2.0), (3, "demo/ok[low]", -1.0), (4, "demo/ok", 2.0), (4, "demo/ok[low]", -1.0)]
    assert len(runs) == 4 and [r.key for r in pr.sweep(c, [1], budget=QUICK)] == ["demo/ok"]


@pytest.mark.parametrize(("text", "seeds"), [("0-3,7", [0, 1, 2, 3, 7]), ("5", [5]), (" 1 , 2-2 ,", [1, 2])])
def test_parse_seeds(text, seeds) -> None:
    assert pr.parse_seeds(text) == seeds


@pytest.mark.parametrize(("text", "message"), [("a-b", "--seeds expects e.g. 0-9 or 0,3,5-7, got 'a-b'"),
                                               (" , ", "--seeds expects at least one seed, got ' , '")])
def test_parse_seeds_errors(text, message) -> None:
    with pytest.raises(InvalidArgument) as info:
        pr.parse_seeds(text)
    assert str(info.value) == message
