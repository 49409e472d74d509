"""Claims run on a real Dask distributed cluster give the serial results; a lost worker becomes an error."""

from __future__ import annotations

import os
import threading
import time

import dask
import pytest

from tests.verifiers._fixtures import bound, make_claim
from verifiers import collect, profile, run_claim
from verifiers.parallel import _crashed, run_many, run_on_cluster, tasks_of

distributed = pytest.importorskip("distributed")
QUICK = profile("quick")


@pytest.fixture(scope="module")
def cluster():  # noqa: ANN201 - pytest fixture
    """Two single-threaded worker processes; a task may lose its worker only once before it is an error."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      silence_logs=50) as local:
            yield local


def _comparable(result) -> dict:  # noqa: ANN001
    record = result.to_json()
    record.pop("seconds")
    for e in record["evidence"]:
        e.pop("seconds")
    return record


def test_cluster_results_equal_the_serial_run(cluster) -> None:  # noqa: ANN001
    chosen = [c for c in collect().claims if c.id in ("cs231n/shift-invariance", "dbv2016/spherical-even")]
    serial = run_many(chosen, budget=QUICK, seed=4, device="cpu", jobs=1)
    remote = run_many(chosen, budget=QUICK, seed=4, device="cpu", scheduler=cluster.scheduler_address)
    assert [_comparable(r) for r in remote] == [_comparable(r) for r in serial]


def _lose_the_worker(task, *args):  # noqa: ANN001, ANN202 - runs on a worker
    os._exit(1)


def test_a_lost_worker_is_retried_then_recorded_as_an_error(cluster) -> None:  # noqa: ANN001
    c = collect().get("cs231n/shift-invariance")
    tasks = tasks_of([c])[:1]
    [result] = run_on_cluster(cluster.scheduler_address, _lose_the_worker, tasks, (QUICK, 0, "cpu"),
                              crashed=lambda i, why: _crashed([c], tasks[i], why))
    assert result.verdict == "error" and "on the cluster" in result.evidence[0].reason


def test_a_hanging_check_in_a_worker_thread_times_out() -> None:
    """Dask runs tasks in threads, where SIGALRM cannot be used: the thread deadline stops the check."""
    from dataclasses import replace

    def spinning(ctx):  # noqa: ANN001, ANN202 - a check stuck in a Python loop
        while True:
            sum(range(1000))

    c = bound(make_claim(), "property", spinning)
    out = {}
    thread = threading.Thread(target=lambda: out.update(r=run_claim(c, budget=replace(QUICK, timeout=0.3), seed=0)))
    start = time.perf_counter()
    thread.start()
    thread.join(10)
    assert out["r"].evidence[0].verdict == "error" and time.perf_counter() - start < 10


def test_report_through_the_cluster_equals_the_serial_report(cluster, tmp_path) -> None:  # noqa: ANN001
    """`claims report --scheduler` writes the same results as `--jobs 1` (timings and executor aside)."""
    import json

    from verifiers.cli import main

    for name, extra in (("serial", ["--jobs", "1"]), ("cluster", ["--scheduler", cluster.scheduler_address])):
        assert main(["report", "--out", str(tmp_path / name), "--profile", "quick", "--only", "shift-invariance",
                     "--skip-mutants", *extra]) == 0
    serial, remote = (json.loads((tmp_path / n / "results.json").read_text()) for n in ("serial", "cluster"))
    strip = lambda doc: [{**r, "seconds": 0, "evidence": [{**e, "seconds": 0} for e in r["evidence"]]}  # noqa: E731
                         for r in doc["results"]]
    assert strip(remote) == strip(serial)
    assert remote["environment"]["executor"].startswith("dask tcp://")
