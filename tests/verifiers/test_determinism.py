"""The same seed and profile give the same results, apart from timings."""

from __future__ import annotations

from verifiers import collect, profile, run_all

CLAIMS = ("pu2026/sop", "pu2026/jacobian-softmax", "pu2026/ssm-logz-bias", "cs231n/shift-invariance")


def _strip_timing(record):
    if isinstance(record, dict):
        return {k: _strip_timing(v) for k, v in record.items() if k not in ("seconds",)}
    if isinstance(record, list):
        return [_strip_timing(v) for v in record]
    return record


def _run(seed):
    catalogue = collect()
    return [_strip_timing(r.to_json()) for cid in CLAIMS
            for r in run_all(catalogue.get(cid), budget=profile("quick"), seed=seed)]


def test_same_seed_same_results():
    """Two runs with seed 5 produce identical records; a different seed changes the Monte Carlo estimate."""
    first, second = _run(5), _run(5)
    assert first == second
    other = _run(6)
    assert first != other
