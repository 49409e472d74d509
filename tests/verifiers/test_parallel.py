"""Parallel runs: same results, in the same order, as a serial run; failures become error results."""

from __future__ import annotations

from typing import Any

from tests.verifiers._fixtures import make_claim
from verifiers import collect, profile, run_all
from verifiers.model import ClaimResult
from verifiers.parallel import run_many, tasks_of

QUICK = profile("quick")
FAST = ("pu2026/jacobian-softmax", "cs231n/shift-invariance")


def _untimed(result: ClaimResult) -> dict[str, Any]:
    data = result.to_json()
    data.pop("seconds")
    for evidence in data["evidence"]:
        evidence.pop("seconds")
    return data


def test_run_many_matches_serial_and_isolates_failing_tasks() -> None:
    catalogue = collect()
    fast = [catalogue.get(i) for i in FAST]
    assert all(fast)
    stranger = make_claim(id="demo/not-in-catalogue")  # workers cannot look it up: an error, not a lost run
    chosen = [fast[0], stranger, fast[1]]
    done: list[tuple[int, int, str]] = []
    parallel = run_many(chosen, budget=QUICK, seed=3, device="cpu", jobs=2,
                        on_done=lambda i, total, r: done.append((i, total, r.key)))
    serial = [r for c in fast for r in run_all(c, budget=QUICK, seed=3, device="cpu")]
    assert [r.key for r in parallel] == [f"{c}[{n}]" if n else c for c, n, _ in tasks_of(chosen)]
    assert sorted(i for i, _, _ in done) == list(range(1, len(parallel) + 1))
    assert {total for _, total, _ in done} == {len(parallel)}
    strangers = [r for r in parallel if r.claim_id == stranger.id]
    assert len(strangers) == 2 and all(r.verdict == "error" and not r.passed for r in strangers)
    assert [_untimed(r) for r in parallel if r.claim_id != stranger.id] == [_untimed(r) for r in serial]


def test_one_job_runs_serially_in_process() -> None:
    c = collect().get("cs231n/shift-invariance")
    results = run_many([c], budget=QUICK, seed=0, device="cpu", jobs=1)
    assert [_untimed(r) for r in results] == [_untimed(r) for r in run_all(c, budget=QUICK, seed=0, device="cpu")]
