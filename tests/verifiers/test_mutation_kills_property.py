"""Property-search building blocks pinned exactly: what is counted, recorded and said (mutation kills)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from verifiers import Context, profile
from verifiers import property as prop

QUICK = profile("quick")
CTX = Context("demo/prop", {}, replace(QUICK, examples=20, local_steps=7, max_magnitude=1000.0), seed=3)


def test_explored_starts_empty_and_records_lengths_and_magnitudes() -> None:
    explored = prop.Explored()
    assert explored.record() == {"examples": 0, "largest_n": 0, "largest_abs": 0.0}
    explored.see(np.array([1.0, -7.0, np.inf, np.nan]))
    explored.see((np.zeros((2, 3)), {"k": [2, 3]}))
    explored.see(np.array([], dtype=np.float64))
    explored.see(np.array(-9.5))
    explored.see(np.array(["a", "b", "c", "d", "e"]))
    assert explored.record() == {"examples": 5, "largest_n": 4, "largest_abs": 9.5}
    explored.see([True, False, True, True, True, True])
    explored.see("long string here")
    explored.see(np.full(6, np.nan))
    assert explored.record() == {"examples": 8, "largest_n": 6, "largest_abs": 9.5}


@pytest.mark.parametrize(("value", "shapes"), [
    (np.array([1, 2]), [(2,)]), (np.array(["x"]), []), ([1.0, 2, 3], [(3,)]), ([], []), ([True, 1.0], [(1,)]),
    ((np.zeros(2), [np.zeros(3)]), [(2,), (3,)]), ({"a": 1.5, "b": "s"}, [(1,)]), (4, [(1,)]), (2.5, [(1,)]),
    (True, []), ("text", []), (None, []),
])
def test_arrays_finds_the_numeric_arrays_in_nested_values(value, shapes) -> None:
    found = prop._arrays(value)
    assert [a.shape for a in found] == shapes
    assert all(a.dtype == np.float64 for a in found if not isinstance(value, np.ndarray))


def test_arrays_keep_the_numbers_of_a_plain_list() -> None:
    [array] = prop._arrays([1, 2.5])
    assert array.tolist() == [1.0, 2.5] and array.dtype == np.float64


def test_search_settings_are_reproducible_and_complete() -> None:
    s = prop._settings(CTX)
    assert s.max_examples == 20 and s.database is None and s.deadline is None and s.derandomize is False
    assert tuple(s.phases) == (Phase.generate, Phase.target, Phase.shrink)
    assert set(s.suppress_health_check) == set(HealthCheck) and s.print_blob is False
    assert prop._settings(CTX, 7, shrink=False).max_examples == 7
    assert tuple(prop._settings(CTX, shrink=False).phases) == (Phase.generate, Phase.target)


def test_plain_converts_numpy_values_for_json() -> None:
    value = prop._plain((np.array([1.0, 2.0]), [np.float64(3.5), np.int64(4)], "x", {"k": 1}))
    assert value == [[1.0, 2.0], [3.5, 4], "x", {"k": 1}]
    assert type(value[1][0]) is float and type(value[1][1]) is int


def test_forall_refutes_with_the_shrunk_example_and_the_property_name() -> None:
    out = prop.forall(CTX, st.integers(0, 1000), lambda n: n < 10, what="P")
    assert out.verdict == "refuted" and out.reason == "counterexample (shrunk): P fails"
    assert out.counterexample == {"example": 10, "detail": "P fails"}
    assert set(out.statistics) == {"tried", "valid"} and out.statistics["tried"] == out.statistics["valid"] >= 1
    assert out.explored["examples"] == out.statistics["valid"] and out.explored["largest_abs"] >= 10


def test_forall_uses_the_reason_a_property_returns() -> None:
    out = prop.forall(CTX, st.integers(0, 1000), lambda n: True if n < 10 else f"{n} is too big", what="P")
    assert out.reason == "counterexample (shrunk): 10 is too big"
    assert out.counterexample == {"example": 10, "detail": "10 is too big"}


def test_forall_counts_valid_examples_and_explores_them() -> None:
    out = prop.forall(CTX, st.integers(-50, 50), lambda n: True, hypotheses=lambda n: n != 0, what="P")
    stats = out.statistics
    assert out.verdict == "supported" and stats["required_valid"] == 10
    assert stats["valid"] >= 10 and stats["tried"] >= stats["valid"]
    assert out.reason == f"P held on all {stats['valid']} examples that satisfied the hypotheses"
    assert out.explored["examples"] == stats["valid"] and 0 < out.explored["largest_abs"] <= 50


def test_no_violation_needs_half_of_the_budget_valid() -> None:
    ctx = replace(CTX, budget=replace(CTX.budget, examples=151))
    half = prop._no_violation(ctx, {"tried": 200, "valid": 76}, "P")
    assert half.verdict == "supported" and half.statistics == {"tried": 200, "valid": 76, "required_valid": 75}
    assert half.reason == "P held on all 76 examples that satisfied the hypotheses"
    short = prop._no_violation(ctx, {"tried": 200, "valid": 75}, "P")
    assert short.verdict == "inconclusive" and short.reason == "only 75 of 200 examples satisfied the hypotheses"
    assert prop._no_violation(CTX, {"tried": 10, "valid": 10}, "P").verdict == "supported"


def test_a_violation_that_does_not_reproduce_is_recorded_as_inconclusive() -> None:
    calls = {"n": 0}

    def once(n: int) -> bool:
        calls["n"] += 1
        return calls["n"] != 3

    out = prop.forall(CTX, st.integers(0, 100), once, what="P")
    assert out.verdict == "inconclusive"
    assert out.reason == "a violation was seen once but did not reproduce on replay (non-deterministic check)"
    assert out.counterexample is not None and out.counterexample["detail"] == "P fails"
    assert isinstance(out.counterexample["example"], int)
    assert out.statistics["tried"] >= 3 and out.explored["examples"] >= 3


def test_exists_reports_the_witness_or_its_absence() -> None:
    found = prop.exists(CTX, st.integers(0, 100), lambda n: n >= 40, what="a big n")
    tried = found.statistics["tried"]
    assert found.verdict == "supported" and found.reason == f"found a big n (shrunk) after {tried} examples"
    assert found.statistics == {"tried": tried, "witness": 40} and found.steps == ("witness: 40",)
    assert found.counterexample is None and found.explored["examples"] == tried
    none = prop.exists(CTX, st.integers(0, 100), lambda n: n > 500, what="a huge n")
    tried = none.statistics["tried"]
    assert none.verdict == "inconclusive" and none.statistics == {"tried": tried} and tried >= 20
    assert none.reason == f"no a huge n among {tried} examples (absence of a witness is not a disproof)"
    assert none.explored["examples"] == tried


def test_maximize_statistics_without_local_search_or_rays() -> None:
    values: list[float] = []

    def objective(v: np.ndarray) -> float:
        values.append(float(v[0]))
        return float(v[0]) if v[0] < 0.9 else float("nan")

    best, value, stats = prop.maximize(CTX, st.floats(-1, 1).map(lambda v: np.array([v])), objective,
                                       corners=(np.array([0.5]), np.array([0.95])), rays=False)
    finite = [v for v in values if v < 0.9]
    assert value == max(finite) and best[0] == value
    assert stats == {"examples": len(finite), "best_random_search": value, "local_evaluations": 0, "corners": 2,
                     "best_value": value, "explored": stats["explored"]}
    assert stats["explored"]["examples"] == len(values)


def test_maximize_runs_the_local_search_early_and_from_the_best_and_the_corners() -> None:
    calls: list[tuple[list[float], int]] = []
    ctx = replace(CTX, budget=replace(CTX.budget, examples=3))

    def local(starts, steps):
        calls.append(([float(s[0]) for s in starts], steps))
        return np.array([5.0]) if len(calls) == 2 else starts[0], 5.0 if len(calls) == 2 else -10.0, 11

    corner = np.array([-0.25])
    best, value, stats = prop.maximize(ctx, st.floats(-1, 1).map(lambda v: np.array([v])), lambda v: float(v[0]),
                                       local=local, starts=2, corners=(corner,), rays=False)
    assert len(calls) == 2 and calls[0][1] == calls[1][1] == 7
    assert len(calls[0][0]) == 3
    assert len(calls[1][0]) == 3 and calls[1][0][-1] == -0.25
    assert calls[1][0][:2] == sorted(calls[0][0] + [-0.25], reverse=True)[:2]
    assert value == 5.0 and best[0] == 5.0 and stats["local_evaluations"] == 22
    assert stats["best_random_search"] == max(calls[0][0] + [-0.25])


def test_maximize_probe_size_is_capped_by_the_budget() -> None:
    sizes: list[int] = []

    def local(starts, steps):
        sizes.append(len(starts))
        return starts[0], -np.inf, 0

    prop.maximize(CTX, st.floats(-1, 1).map(lambda v: np.array([v])), lambda v: float(v[0]), local=local, probe=4,
                  starts=1, rays=False)
    assert sizes == [4, 1]


def test_maximize_follows_rays_from_the_best_points() -> None:
    objective = lambda v: float(np.abs(v).sum())  # noqa: E731
    best, value, stats = prop.maximize(CTX, st.just(np.array([1.0, -2.0])), objective, starts=1)
    assert value == 3.0 * 256 and best.tolist() == [256.0, -512.0]
    assert stats["ray_evaluations"] == 2 * 48 and stats["best_value"] == value
    assert stats["explored"]["largest_abs"] == 512.0


def test_ray_skips_non_vectors_and_stops_at_errors() -> None:
    explored = prop.Explored()
    assert prop._ray(float, 3.0, 1e3, explored) == (3.0, -np.inf, 0)
    point = np.array([1, 2])
    assert prop._ray(float, point, 1e3, explored)[1:] == (-np.inf, 0)
    assert prop._ray(float, np.array([], dtype=np.float64), 1e3, explored)[1:] == (-np.inf, 0)
    seen: list[float] = []

    def objective(v: np.ndarray) -> float:
        seen.append(float(v[0]))
        if v[0] > 10:
            raise OverflowError("too big")
        return float(v[0])

    best, value, evaluations = prop._ray(objective, np.array([1.0]), 1e3, explored)
    assert seen == [2.0, 4.0, 8.0, 16.0] and evaluations == 4 and value == 8.0 and best.tolist() == [8.0]
    seen.clear()
    prop._ray(lambda v: (_ for _ in ()).throw(ValueError("bad")), np.array([1.0]), 1e3, explored)
    tiny = prop._ray(lambda v: -float(v[0]), np.array([1e-290]), 1e3, explored)
    assert tiny[2] == 40 + 33 and tiny[1] == -(1e-290 * 2.0 ** -33)
    assert prop._ray(lambda v: float("inf"), np.array([1.0]), 1e3, explored)[1] == -np.inf


def test_upper_bound_reasons_statistics_and_figure() -> None:
    strategy = st.just(np.array([0.0]))
    out = prop.upper_bound(CTX, strategy, lambda v: 0.5, 1.0, sharp=False, rays=False, tol=1e-6)
    assert out.verdict == "supported"
    assert out.reason == "no value above the bound (beyond the tolerance 1e-06); the largest found is 0.5 (gap 0.5)"
    assert out.statistics == {"examples": out.statistics["examples"], "best_random_search": 0.5,
                              "local_evaluations": 0, "corners": 0, "best_value": 0.5, "bound": 1.0, "gap": 0.5,
                              "best_point": [0.0]}
    assert out.figures == ({"kind": "tightness", "bound": 1.0, "best": 0.5, "tolerance": 1e-6,
                            "best_random_search": 0.5},)
    assert (out.resolution.value, out.resolution.quantity) == (1e-6, "bound") and out.explored["examples"] >= 1
    loose = prop.upper_bound(CTX, strategy, lambda v: 0.5, 1.0, rays=False, sharp_tol=0.1)
    assert loose.verdict == "inconclusive"
    assert loose.reason == ("no violation, but the best value 0.5 stays 0.5 below the bound: sharpness not shown")
    assert prop.upper_bound(CTX, strategy, lambda v: 0.5, 1.0, rays=False, sharp_tol=0.5).verdict == "supported"
    over = prop.upper_bound(CTX, strategy, lambda v: 1.25, 1.0, rays=False)
    assert over.verdict == "refuted" and over.reason == "value 1.25 exceeds the bound 1"
    assert over.counterexample == {"example": [0.0], "value": 1.25}
    at = prop.upper_bound(CTX, strategy, lambda v: 1.0 + 1e-9, 1.0, rays=False, tol=1e-9)
    assert at.verdict == "supported"


def test_upper_bound_passes_local_search_corners_and_rays() -> None:
    strategy = st.just(np.array([0.1]))
    local = prop.gradient_ascent(lambda t: -((t - 0.3) ** 2).sum(-1))
    out = prop.upper_bound(CTX, strategy, lambda v: -float((v[0] - 0.3) ** 2), 0.0, local=local, rays=False)
    assert out.verdict == "supported" and out.statistics["local_evaluations"] > 0
    corner = prop.upper_bound(CTX, strategy, lambda v: float(v[0]), 0.5, corners=(np.array([0.7]),), rays=False)
    assert corner.verdict == "refuted" and corner.statistics["corners"] == 1
    ray = prop.upper_bound(CTX, strategy, lambda v: float(v[0]), 1.0)
    assert ray.verdict == "refuted" and ray.counterexample["value"] == pytest.approx(0.1 * 2 ** 13)


def test_gradient_ascent_takes_adam_steps_of_the_learning_rate() -> None:
    """One Adam step moves every coordinate by lr: from 0 to 0.3 = the maximizer of -(x - 0.3)^2."""
    local = prop.gradient_ascent(lambda t: -((t - 0.3) ** 2).sum(-1))
    point, value, evaluations = local([np.zeros(2), np.full(2, -1.0)], 1)
    assert point == pytest.approx([0.3, 0.3], abs=1e-6) and value == pytest.approx(0.0, abs=1e-10)
    assert evaluations == 2 * 2
    slow = prop.gradient_ascent(lambda t: -((t - 0.3) ** 2).sum(-1), lr=0.1)
    assert slow([np.zeros(1)], 1)[0] == pytest.approx([0.1], abs=1e-6)
    point, value, evaluations = local([np.zeros(2)], 0)
    assert point.tolist() == [0.0, 0.0] and value == pytest.approx(-0.18) and evaluations == 1


def test_by_shape_groups_starts_in_float64() -> None:
    groups = prop._by_shape([[1, 2], np.zeros(3), (3, 4)])
    assert [g.shape for g in groups] == [(2, 2), (1, 3)] and all(g.dtype == np.float64 for g in groups)
    assert groups[0].tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_ascend_skips_non_finite_rows_and_their_gradients() -> None:
    def fn(t: torch.Tensor) -> torch.Tensor:
        return torch.where(t[..., 0] > 0, torch.nan, -(t[..., 0] + 1.0) ** 2)

    best, value = prop._ascend(fn, np.array([[1.0], [-3.0]]), 1, 0.3)
    assert best.tolist() == pytest.approx([-2.7], abs=1e-6) and value == pytest.approx(-(1.7 ** 2), abs=1e-6)
    best, value = prop._ascend(lambda t: t.sum(-1) * torch.nan, np.array([[1.0]]), 2, 0.3)
    assert value == -np.inf and best.tolist() == [1.0]


def test_a_flaky_error_without_inner_violations_has_no_counterexample() -> None:
    from hypothesis.errors import Flaky

    out = prop._flaky(Flaky("unstable strategy"), {"tried": 4, "valid": 3})
    assert out.verdict == "inconclusive" and out.counterexample is None
    assert out.statistics == {"tried": 4, "valid": 3}


def test_exists_names_a_witness_by_default_and_has_no_figures() -> None:
    found = prop.exists(CTX, st.integers(0, 100), lambda n: n >= 40)
    assert found.reason.startswith("found a witness (shrunk) after ") and found.figures == ()
    none = prop.exists(CTX, st.integers(0, 100), lambda n: n > 500)
    assert none.reason.startswith("no a witness among ")


def test_given_corners_are_tried_first() -> None:
    strategy = st.integers(0, 10)
    out = prop.forall(CTX, strategy, lambda n: n != 7, corners=(3, 7, 8), what="P")
    assert out.verdict == "refuted" and out.reason == "counterexample at a given corner of the domain: P fails"
    assert out.statistics == {"tried": 0, "valid": 0, "corners": 3} and out.counterexample == {"example": 7,
                                                                                               "detail": "P fails"}
    assert out.explored["examples"] == 2
    said = prop.forall(CTX, strategy, lambda n: "seven" if n == 7 else True, corners=(7,))
    assert said.reason == "counterexample at a given corner of the domain: seven"
    skipped = prop.forall(CTX, strategy, lambda n: n != 7, hypotheses=lambda n: n != 7, corners=(7,))
    assert skipped.verdict == "supported" and skipped.explored["examples"] >= 1
    found = prop.exists(CTX, strategy, lambda n: n == 9, corners=(np.array([4.0]), 9), what="a nine")
    assert found.verdict == "supported" and found.reason == "found a nine among the given corners"
    assert found.statistics == {"tried": 2, "witness": 9} and found.steps == ("witness: 9",)
    assert found.explored == {"examples": 2, "largest_n": 1, "largest_abs": 9.0}
    over = prop.upper_bound(CTX, st.just(np.zeros(1)), lambda v: float(v[0]), 1.0, corners=(np.array([0.5]),
                                                                                            np.array([3.0])), tol=0.1)
    assert over.verdict == "refuted" and over.reason == "value 3 at a given corner exceeds the bound 1"
    assert over.statistics == {"bound": 1.0, "gap": -2.0, "corners": 2}
    assert over.counterexample == {"example": [3.0], "value": 3.0}
    assert over.figures == ({"kind": "tightness", "bound": 1.0, "best": 3.0, "tolerance": 0.1,
                             "best_random_search": 3.0},)
    assert (over.resolution.value, over.resolution.quantity) == (0.1, "bound")
    edge = prop.upper_bound(CTX, st.just(np.zeros(1)), lambda v: float(v[0]), 1.0, corners=(np.array([1.1]),),
                            tol=0.25, rays=False, sharp=False)
    assert edge.verdict == "supported"


def test_best_point_is_recorded_only_for_short_vectors() -> None:
    assert prop._small(np.zeros(256)) == [0.0] * 256 and prop._small(np.zeros(257)) is None
    assert prop._small((1, np.float64(2.0))) == [1, 2.0] and prop._small(np.zeros(3), limit=2) is None
