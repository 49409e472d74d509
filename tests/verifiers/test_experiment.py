"""The experiment method: staged seeds, named tests, effect intervals, and honest decisions."""

from __future__ import annotations

import numpy as np
import pytest

from verifiers import Context, profile
from verifiers import experiment as ex

CTX = Context("demo/exp", {}, profile("quick"), seed=100)


def noisy(effect: float, sd: float = 0.1):  # noqa: ANN201
    """Arm A = base + effect + noise, arm B = base + noise (common base per seed)."""
    def run(seed: int) -> tuple[float, float]:
        rng = np.random.default_rng(seed)
        base = rng.normal()
        return base + effect + sd * rng.normal(), base + sd * rng.normal()
    return run


@pytest.mark.parametrize("test", ["t", "sign", "bootstrap"])
def test_a_clear_effect_is_supported_and_identical_arms_refute_a_claimed_improvement(test: str) -> None:
    out = ex.paired(CTX, noisy(1.0), arms=("A", "B"), metric="accuracy", test=test, stages=(8, 16))
    assert out.verdict == "supported" and out.statistics["ci_low"] > 0
    same = ex.paired(CTX, lambda seed: (0.5, 0.5), arms=("A", "A"), metric="accuracy", test=test, stages=(8, 16))
    assert same.verdict == "refuted"


def test_a_tiny_effect_with_few_seeds_is_inconclusive_and_records_everything() -> None:
    out = ex.paired(CTX, noisy(0.01, sd=1.0), arms=("A", "B"), metric="error", setup={"n": 10})
    assert out.verdict == "inconclusive"
    s = out.statistics
    assert s["seeds"] == 8 and len(s["per_seed_a"]) == 8 and s["test"] == "paired t test" and 0 <= s["p_value"] <= 1
    assert s["setup"] == {"n": 10} and out.figures[0]["kind"] == "seeds"


def test_equivalence_and_direction_less() -> None:
    assert ex.paired(CTX, noisy(0.0, sd=0.01), arms=("A", "B"), metric="m", direction="equal",
                     margin=0.1).verdict == "supported"
    assert ex.paired(CTX, noisy(1.0, sd=0.01), arms=("A", "B"), metric="m", direction="equal",
                     margin=0.1).verdict == "refuted"
    assert ex.paired(CTX, noisy(-1.0), arms=("A", "B"), metric="m", direction="less").verdict == "supported"


def test_the_t_interval_matches_scipy() -> None:
    from scipy import stats

    d = np.array([0.3, -0.1, 0.4, 0.2, 0.25])
    est = ex.interval(d, "t", 0.05)
    low, high = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    assert est.low == pytest.approx(low) and est.high == pytest.approx(high)


def test_the_sign_test_cannot_decide_with_too_few_seeds() -> None:
    """With 4 seeds no order statistic reaches level 0.01: the interval is unbounded, the stage undecided."""
    est = ex.interval(np.array([1.0, 2.0, 3.0, 4.0]), "sign", 0.01)
    assert est.low == -np.inf and est.high == np.inf


def test_an_undecided_experiment_passes_as_undecided_but_an_undecided_control_fails() -> None:
    from tests.verifiers._fixtures import bound, make_claim
    from verifiers import Outcome, run_all

    undecided = lambda ctx: Outcome(verdict="inconclusive", reason="too few seeds")  # noqa: E731
    main, control = run_all(bound(make_claim(), "experiment", undecided), budget=profile("quick"), seed=0)
    assert main.passed and main.undecided_experiment
    assert not control.passed
