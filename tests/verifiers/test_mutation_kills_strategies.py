"""Search strategies: their definitions, and the structured families they must reach (mutation kills)."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from verifiers import profile
from verifiers import strategies as strat

QUICK = profile("quick")


def _draws(strategy, count: int = 300) -> list:
    """``count`` seeded draws of a strategy, without shrinking."""
    seen: list = []

    @hypothesis_seed(0)
    @settings(database=None, max_examples=count, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value) -> None:
        seen.append(value)

    collect()
    return seen


def _repr(strategy) -> str:
    """The strategy's definition, with numpy scalars spelled as plain numbers (numpy's repr varies by version)."""
    return re.sub(r"np\.float64\(([^()]*)\)", r"\1", repr(strategy))


def _tied(s: np.ndarray) -> bool:
    """Two equal entries that are not integers (a tie no integer family produces)."""
    values, counts = np.unique(s, return_counts=True)
    return bool(np.any((counts > 1) & (values != np.round(values))))


def test_uniform_logits_get_injected_ties() -> None:
    """The uniform family copies one entry over another half of the time: exact ties among real entries."""
    draws = _draws(strat.logits(3, 8, families=("uniform",)))
    assert sum(_tied(s) for s in draws) >= len(draws) // 5


def test_the_default_families_are_the_documented_ones() -> None:
    """Every search draws from all six structured families unless a claim narrows them (the guide's promise)."""
    assert strat.FAMILIES == ("uniform", "small-integers", "one-large", "ties", "near-one-hot", "log-magnitude")


def test_the_ties_family_repeats_levels() -> None:
    """Default families include many-way ties of real levels (at most four levels)."""
    draws = _draws(strat.logits(8, 8))
    many = [s for s in draws if len(np.unique(s)) <= 4 and _tied(s)]
    assert len(many) >= len(draws) // 20


def test_strategy_definitions() -> None:
    assert _repr(strat.dims(2, 8)) == "integers(min_value=2, max_value=8)"
    assert _repr(strat.dims(2, 9)) == ("one_of(integers(min_value=2, max_value=8), integers(min_value=2, max_value=9), "
                                      "sampled_from([4, 9]))")
    assert _repr(strat.dims(3, 64)) == ("one_of(integers(min_value=3, max_value=9), integers(min_value=3, "
                                       "max_value=64), sampled_from([32, 64]))")
    assert _repr(strat.labels(4)) == "integers(min_value=0, max_value=3)"
    assert _repr(strat._finite(2.5)) == ("one_of(floats(min_value=-2.5, max_value=2.5, allow_nan=False, "
                                        "allow_infinity=False), integers(min_value=-3, max_value=3).map(float))")
    assert _repr(strat._gap((), 10.0, 1000.0)) == ("one_of(floats(min_value=-3.0, max_value=3.0).map(lambda e: 10.0 ** "
                                                  "e), floats(min_value=0.0, max_value=20.0))")
    assert _repr(strat._gap((), 1.0, 5.0)).startswith("one_of(floats(min_value=-3.0, max_value=1.0)")
    assert _repr(strat._gap((20.0, 5.0), 1.0, 100.0)) == (
        "one_of(sampled_from([20.0, 5.0]), tuples(sampled_from([20.0, 5.0]), floats(min_value=-0.5, max_value=0.5), "
        "sampled_from([1e-06, 0.001, 0.1, 1.0])).map(lambda t: max(t[0] * (1 + t[1] * t[2]), 0.0)), "
        "floats(min_value=-3.0, max_value=2.0).map(lambda e: 10.0 ** e))")


def test_budget_logits_sizes_by_the_profile() -> None:
    assert _repr(strat.budget_logits(QUICK)) == "logits(max_size=32, max_magnitude=1000.0)"
    assert _repr(strat.budget_logits(profile("standard"), min_size=3, max_size=500, scale=2.0, gaps=(1.0,),
                                    families=("ties",))) == (
        "logits(min_size=3, max_size=128, scale=2.0, gaps=(1.0,), families=('ties',), max_magnitude=100000.0)")
    assert _repr(strat.budget_logits(QUICK, min_size=40, max_size=50)) == (
        "logits(min_size=40, max_size=40, max_magnitude=1000.0)")
    assert _repr(strat.budget_logits(QUICK, max_size=5)) == "logits(max_size=5, max_magnitude=1000.0)"


def test_gap_values_are_positive_and_near_the_named_gaps() -> None:
    seen: list[float] = []

    @hypothesis_seed(1)
    @settings(max_examples=300, database=None, deadline=None)
    @given(strat._gap((20.0,), 1.0, 100.0))
    def collect(v: float) -> None:
        seen.append(v)

    collect()
    assert min(seen) >= 0 and max(seen) <= 100.0 and 20.0 in seen
    near = [v for v in seen if 10 <= v <= 30 and v != 20.0]
    assert near and all(abs(v - 20.0) <= 10.0 for v in near)
