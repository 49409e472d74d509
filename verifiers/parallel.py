"""Run many claims in a process pool with results identical to (and in the order of) a serial run.

Each task is one claim at its defaults or one negative control, named by
``(claim id, control name)``; workers (started with ``forkserver`` where
available, else ``spawn``) re-collect the catalogue and look the claim up, so no
claim object crosses a process boundary. Every check's seed is derived from the
run seed and names (:func:`verifiers.runner.derive_seed`), and workers use one
torch thread per process, so a result does not depend on which worker ran it.
A worker that dies (segfault, out of memory) breaks the pool: the unfinished
tasks are retried once in a fresh pool, and those that fail again become
``error`` results instead of a lost run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from verifiers.budget import Budget
from verifiers.model import WHOLE, Claim, ClaimResult, Evidence

Task = tuple[str, str | None]
OnDone = Callable[[int, int, ClaimResult], None]

_CATALOGUE: dict[str, Claim] = {}


def tasks_of(claims: Sequence[Claim]) -> list[Task]:
    """The serial order of :func:`verifiers.runner.run_all` over ``claims``: defaults, then each control."""
    return [(c.id, nc) for c in claims for nc in (None, *(n.name for n in c.negative_controls))]


def run_many(
    claims: Sequence[Claim],
    *,
    budget: Budget,
    seed: int,
    device: str,
    jobs: int | None = None,
    on_done: OnDone | None = None,
) -> list[ClaimResult]:
    """Run every claim and negative control on ``jobs`` processes; same results and order as serial.

    Parameters
    ----------
    claims : sequence of Claim
        Claims from the collector (workers look them up again by id).
    budget, seed, device
        As for :func:`verifiers.runner.run_all`.
    jobs : int, optional
        Worker processes (default: CPU count); ``1`` runs serially in this process.
    on_done : callable, optional
        ``on_done(i, total, result)`` after each finished task, in completion order.
    """
    tasks = tasks_of(claims)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        return _serial(claims, tasks, budget, seed, device, on_done)
    results: dict[int, ClaimResult] = {}
    pending = list(range(len(tasks)))
    for _ in range(2):
        pending = _pool_round(claims, tasks, pending, results, budget, seed, device, jobs, on_done, len(tasks))
        if not pending:
            break
    for i in pending:
        results[i] = _crashed(claims, tasks[i], "the worker process running it died twice")
        if on_done:
            on_done(len(results), len(tasks), results[i])
    return [results[i] for i in range(len(tasks))]


def _serial(claims: Sequence[Claim], tasks: list[Task], budget: Budget, seed: int, device: str,
            on_done: OnDone | None) -> list[ClaimResult]:
    from verifiers.runner import run_claim

    by_id = {c.id: c for c in claims}
    out: list[ClaimResult] = []
    for claim_id, control in tasks:
        c = by_id[claim_id]
        nc = c.control(control)
        out.append(run_claim(c, budget=budget, seed=seed, device=device, control=nc))
        if on_done:
            on_done(len(out), len(tasks), out[-1])
    return out


def _pool_round(claims: Sequence[Claim], tasks: list[Task], pending: list[int], results: dict[int, ClaimResult], budget: Budget,
                seed: int, device: str, jobs: int, on_done: OnDone | None, total: int) -> list[int]:
    """Run ``pending`` tasks in a fresh pool; return the indices lost to a broken pool."""
    lost: list[int] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(pending)), mp_context=_context(),
                             initializer=_init_worker) as pool:
        futures: dict[Future[ClaimResult], int] = {
            pool.submit(_run_task, tasks[i], budget, seed, device): i for i in pending}
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except BrokenProcessPool:
                lost.append(i)
                continue
            except Exception as exc:  # noqa: BLE001 - a failing task is an error result, not a lost run
                results[i] = _crashed(claims, tasks[i], f"{type(exc).__name__}: {exc}")
            if on_done:
                on_done(len(results), total, results[i])
    return sorted(lost)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)


def _run_task(task: Task, budget: Budget, seed: int, device: str) -> ClaimResult:
    """Worker side: look the claim up in this process's catalogue and run it."""
    from verifiers.collect import collect
    from verifiers.runner import run_claim

    if not _CATALOGUE:
        _CATALOGUE.update({c.id: c for c in collect().claims})
    claim_id, control = task
    c = _CATALOGUE[claim_id]
    nc = c.control(control)
    if control is not None and nc is None:
        raise KeyError(f"claim {claim_id} has no negative control {control!r}")
    return run_claim(c, budget=budget, seed=seed, device=device, control=nc)


def _crashed(claims: Sequence[Claim], task: Task, why: str) -> ClaimResult:
    """An ``error`` result for a task whose worker failed outside the runner's fault isolation."""
    claim_id, control = task
    c = next((c for c in claims if c.id == claim_id), None)
    nc = c.control(control) if c else None
    params = {**(c.defaults() if c else {}), **(nc.params if nc else {})}
    evidence = Evidence(claim_id=claim_id, method="none", control=control, verdict="error",
                        reason=f"parallel run failed: {why}", params=params, statistics={}, counterexample=None,
                        reproduce=None, figures=(), steps=(), scope=WHOLE, premises=(), resolution=None,
                        explored={}, seed=0, device="",
                        dtype="float64", seconds=0.0)
    return ClaimResult(claim_id=claim_id, control=control, params=params, verdict="error",
                       expected="refuted" if control else ("skipped" if c and c.expect == "skipped" else "holds"),
                       evidence=(evidence,), seconds=0.0)
