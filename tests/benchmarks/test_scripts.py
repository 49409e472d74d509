"""The benchmark scripts still run and their summary still renders (smoke tests; nothing is timed)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import _common  # noqa: E402
import search  # noqa: E402

from verifiers import collect  # noqa: E402


def test_results_md_renders_every_committed_results_file():
    """Each section is rendered from its JSON file, none is missing, and RESULTS.md is what they give."""
    text = _common.results_md()
    assert "not run yet" not in text
    for title in ("Sequential vs fixed-sample", "Throughput", "tightness search", "False failures", "full report"):
        assert title in text
    assert (_common.ROOT / "RESULTS.md").read_text(encoding="utf-8") == text


def test_clock_records_each_tolerance_once():
    """A value within 1e-3 but not 1e-6 of the bound is a hit for the first tolerance only."""
    clock = search._Clock(float, 1.0, (1e-3, 1e-6))
    clock(0.9995)
    clock(0.9996)
    assert clock.hits[1e-3][1] == 1 and clock.seconds(1e-6) is None and not clock.done()
    clock(1.0)
    assert clock.done() and clock.hits[1e-6][1] == 3


def test_tightness_row_for_the_softmax_jacobian():
    """One repeat on the default instances: the targeted search reaches 1/2 and every method is reported."""
    jacobian = collect().get("pu2026/jacobian-softmax")
    [row] = search.tightness([jacobian], "quick", 0, (1e-3,), patience=1, repeats=1)
    assert row["bound"] == 0.5 and row["targeted"] is not None
    assert set(row["runs"]) == {"targeted", "untargeted", "uniform"}


def test_variance_reduction_pilot_runs_and_renders():
    """A tiny pilot of the variance-reduction benchmark computes every constant (nothing is written)."""
    import variance_reduction

    constants = [*variance_reduction.ssm_constants(200), variance_reduction.nce_constant(200),
                 variance_reduction.init_loss_constant(200)]
    assert len(constants) == 5 and all(c["standard"]["ratio_plain_to_best"] > 1 for c in constants)
