"""Probing and sweeping: verdict brackets by bisection, seed sweeps in one process."""

from __future__ import annotations

import pytest

from tests.verifiers._fixtures import bound, make_claim, threshold_check
from verifiers import InvalidArgument, Real, profile
from verifiers.probe import parse_seeds, probe, sweep

QUICK = profile("quick")


def test_probe_brackets_the_critical_value_by_bisection() -> None:
    """b >= 0 holds: the flip is bracketed within 2^-steps of the range, on the side where it fails."""
    c = bound(make_claim(), "property", threshold_check)
    found = probe(c, "b", budget=QUICK, seed=0, low=-1.0, high=3.0, steps=20)
    [bracket] = found.brackets
    assert bracket.holds_at >= 0 > bracket.fails_at > -1e-5 and bracket.fails_verdict == "refuted"
    assert found.figure()["verdicts"].count("refuted") >= 1


def test_probe_finds_flips_on_both_sides_and_clips_to_the_domain() -> None:
    """A claim holding only on [0, 1] gives two brackets; the range never leaves the declared domain."""
    from verifiers import Outcome

    def window(ctx):  # noqa: ANN001, ANN202
        ok = 0 <= ctx["b"] <= 1
        return Outcome(verdict="supported" if ok else "refuted", reason="window")

    c = bound(make_claim(params={"b": Real(0.5, -2.0, 2.0)}), "property", window)
    found = probe(c, "b", budget=QUICK, seed=0, low=-5.0, high=5.0)
    assert sorted(round(b.holds_at, 3) for b in found.brackets) == [0.0, 1.0]
    assert min(v for v, _ in found.points) >= -2.0 and max(v for v, _ in found.points) <= 2.0


def test_probe_rejects_unknown_and_non_numeric_parameters() -> None:
    c = bound(make_claim(), "property", threshold_check)
    with pytest.raises(InvalidArgument, match="no parameter 'x'"):
        probe(c, "x", budget=QUICK, seed=0)


def test_sweep_runs_every_seed_and_control() -> None:
    c = bound(make_claim(), "property", threshold_check)
    runs = sweep(c, [0, 1, 2], budget=QUICK, controls=True)
    assert [r.key for r in runs] == ["demo/ok", "demo/ok[low]"] * 3 and all(r.passed for r in runs)


def test_parse_seeds_accepts_ranges_and_lists() -> None:
    assert parse_seeds("0-3,7") == [0, 1, 2, 3, 7]
    with pytest.raises(InvalidArgument, match="--seeds expects"):
        parse_seeds("a-b")
