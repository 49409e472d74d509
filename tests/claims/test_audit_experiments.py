"""Unit tests of the audited experiment claims pu2026/exp-gnn-drop and pu2026/exp-lr-stability, and of
the one-sided p-values their decisions report (verifiers.experiment.one_sided). Training is stubbed: these test
decisions."""

from __future__ import annotations

import numpy as np
import pytest

from claims.pu2026 import exp_gnn_drop as gnn
from claims.pu2026 import exp_lr_stability as lrs
from verifiers import Context, Outcome
from verifiers import experiment as ex
from verifiers.budget import profile


def _ctx(claim_id: str, params: dict[str, object], seed: int = 11, name: str = "quick") -> Context:
    return Context(claim_id, params, profile(name), seed)


def _paired(d: np.ndarray, test: str, direction: str, margin: float) -> Outcome:
    ctx = _ctx("test/paired", {})
    return ex.paired(ctx, lambda s: (float(d[s - ctx.seed]), 0.0), arms=("a", "b"), metric="m", test=test,
                     direction=direction, margin=margin, stages=(d.size,))


@pytest.mark.parametrize("test", ["t", "sign"])
@pytest.mark.parametrize("direction", ["greater", "less", "equal"])
def test_the_one_sided_p_values_decide_exactly_as_the_paired_interval_does(test: str, direction: str) -> None:
    rng = np.random.default_rng(0)
    verdicts = set()
    for _ in range(60):
        n = int(rng.choice([8, 16]))
        d = np.round(rng.normal(rng.uniform(-0.6, 0.6), rng.uniform(0.05, 0.5), n) * 8) / 8  # ties on a 1/8 grid
        margin = float(rng.choice([0.0, 0.25]))
        out = _paired(d, test, direction, margin)
        p_for, p_against = ex.one_sided(d, test, direction, margin)
        half = out.statistics["level_per_stage"] / 2
        assert (out.verdict == "supported") == (p_for < half), (d, margin, out.reason)
        assert (out.verdict == "refuted") == (p_against < half), (d, margin, out.reason)
        verdicts.add(out.verdict)
    assert verdicts == {"supported", "refuted", "inconclusive"}


def test_ties_count_against_the_claim_in_the_sign_test() -> None:
    d = np.array([0.0] + [0.125] * 7)  # seven above, one tie: the order-statistic interval starts at 0
    out = _paired(d, "sign", "greater", 0.0)
    assert out.verdict == "inconclusive"
    assert out.statistics["p_for"] == pytest.approx(9 / 256)  # P(Bin(8, 1/2) <= 1), not the 2/128 that drops ties
    assert out.statistics["p_value"] > out.statistics["p_threshold"]


def test_paired_reports_the_one_sided_p_value_its_verdict_rests_on() -> None:
    d = np.linspace(0.1, 0.3, 8)
    out = _paired(d, "t", "greater", 0.15)
    p_for, p_against = ex.one_sided(d, "t", "greater", 0.15)
    assert out.statistics["p_value"] == pytest.approx(p_for) and out.statistics["p_against"] == pytest.approx(p_against)
    assert f"one-sided p = {p_for:.3g} for the claim, {p_against:.3g} against it" in out.reason
    assert ex.one_sided(d, "bootstrap", "greater", 0.0) is None


def test_the_catalogue_contract_is_kept() -> None:
    assert gnn.GNN_DROP.id == "pu2026/exp-gnn-drop" and gnn.GNN_DROP.params["drop"].default == pytest.approx(0.30)
    assert lrs.LR_STABILITY.id == "pu2026/exp-lr-stability" and lrs.LR_STABILITY.params["ratio"].default == 2.0
    assert gnn.GNN_DROP.control("seed-reading").source_reading
    assert lrs.LR_STABILITY.control("plain-gd").source_reading
    assert "\n\nTension with pu2026/stable-step:" in lrs.LR_STABILITY.notes


def _stub_drops(monkeypatch: pytest.MonkeyPatch, mean: float, sd: float) -> None:
    def drops(runs: object, data: list[object], seeds: list[int], losses: tuple[str, ...]) -> list[float]:
        if len(losses) == 1:
            return [0.0] * len(seeds)
        return [float(np.random.default_rng(s).normal(mean, sd)) for s in seeds]

    monkeypatch.setattr(gnn, "relative_drops", drops)


@pytest.mark.parametrize(("mean", "ours", "source"), [(0.16, "supported", "refuted"), (0.45, "refuted", "supported"),
                                                      (0.30, "inconclusive", "inconclusive")])
def test_gnn_drop_decides_each_reading_with_t_tests(monkeypatch: pytest.MonkeyPatch, mean: float, ours: str,
                                                     source: str) -> None:
    _stub_drops(monkeypatch, mean, 0.05)
    base = gnn.GNN_DROP.defaults()
    for reading, expected in (("ours", ours), ("source", source)):
        out = gnn.gnn_drop_experiment(_ctx(gnn.GNN_DROP.id, {**base, "reading": reading}))
        assert out.verdict == expected, out.reason
        parts = out.statistics["parts"].values()
        assert all(p["test"] == "paired t test" and p["seeds"] >= 8 for p in parts)
        assert all(p["stages"] == [8, 16] for p in parts)


def test_gnn_drop_softmax_against_itself_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    _stub_drops(monkeypatch, 0.16, 0.05)
    out = gnn.gnn_drop_experiment(_ctx(gnn.GNN_DROP.id, {**gnn.GNN_DROP.defaults(), "map": "softmax"}))
    assert out.verdict == "refuted"


def test_lr_stability_reports_the_p_value_its_sign_decision_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    def stable(seeds: list[int], *args: object) -> np.ndarray:  # log2 eta*: softmax 1 octave and 1/8 above
        return np.array([[1.125 if s % 8 else 1.0, 0.0] for s in seeds])  # one seed in eight exactly at ratio 2

    monkeypatch.setattr(lrs, "largest_stable", stable)
    monkeypatch.setattr(lrs, "_CACHE", {})
    out = lrs.lr_stability_experiment(_ctx(lrs.LR_STABILITY.id, lrs.LR_STABILITY.defaults(), seed=8))
    st = out.statistics
    assert out.verdict == "inconclusive" and st["p_value"] == pytest.approx(9 / 256)
    assert st["p_value"] > st["p_threshold"]
    assert f"one-sided p = {9 / 256:.3g} for the claim" in out.reason
