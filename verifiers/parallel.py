"""Run many claims in a process pool with results identical to (and in the order of) a serial run.

Each task is one claim at its defaults or one negative control, named by
``(claim id, control name, mutant name)`` (the mutant, if any, is active while the
claim runs; see :mod:`verifiers.mutation`); workers (started with ``forkserver`` where
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

Task = tuple[str, str | None, str | None]
OnDone = Callable[[int, int, ClaimResult], None]

_CATALOGUE: dict[str, Claim] = {}


def tasks_of(claims: Sequence[Claim]) -> list[Task]:
    """The serial order of :func:`verifiers.runner.run_all` over ``claims``: defaults, then each control."""
    return [(c.id, nc, None) for c in claims for nc in (None, *(n.name for n in c.negative_controls))]


def run_many(
    claims: Sequence[Claim],
    *,
    budget: Budget,
    seed: int,
    device: str,
    jobs: int | None = None,
    on_done: OnDone | None = None,
    tasks: list[Task] | None = None,
    scheduler: str | None = None,
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
    tasks : list of Task, optional
        The tasks to run (default :func:`tasks_of` ``claims``), e.g. claims under mutants.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``): the tasks run on its
        workers instead of the local pool (``jobs`` is then ignored); see :func:`run_on_cluster`.
    """
    tasks = tasks if tasks is not None else tasks_of(claims)
    if scheduler is not None:
        return run_on_cluster(scheduler, _run_task, tasks, (budget, seed, device), on_done=on_done,
                              crashed=lambda i, why: _crashed(claims, tasks[i], why))
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


def run_on_cluster(
    address: str,
    fn: Callable[..., ClaimResult],
    tasks: Sequence[Task],
    args: tuple[object, ...],
    *,
    on_done: OnDone | None = None,
    crashed: Callable[[int, str], ClaimResult],
) -> list[ClaimResult]:
    """Run ``fn(task, *args)`` for every task on a Dask distributed cluster, in the order of ``tasks``.

    One Dask task is one (claim, control) task, as in the local pool. Workers import this
    package and re-collect the catalogue, as local workers do, with one torch thread each,
    so results are identical to a serial run. A task whose worker is lost is retried once
    (``retries=1``; the scheduler's ``distributed.scheduler.allowed-failures`` also applies);
    a task that still fails becomes ``crashed(index, why)``, an ``error`` result.
    """
    from distributed import Client, as_completed

    results: dict[int, ClaimResult] = {}
    with Client(address, set_as_default=False) as client:
        futures = {client.submit(fn, task, *args, pure=False, retries=1): i for i, task in enumerate(tasks)}
        for future in as_completed(futures, loop=client.loop):
            i = futures[future]
            try:
                results[i] = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost or failing task is an error result, not a lost run
                results[i] = crashed(i, f"on the cluster: {type(exc).__name__}: {exc}")
            if on_done:
                on_done(len(results), len(tasks), results[i])
    return [results[i] for i in range(len(tasks))]


def _serial(claims: Sequence[Claim], tasks: list[Task], budget: Budget, seed: int, device: str,
            on_done: OnDone | None) -> list[ClaimResult]:
    by_id = {c.id: c for c in claims}
    out: list[ClaimResult] = []
    for task in tasks:
        out.append(_run(by_id[task[0]], task, budget, seed, device))
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

    if not _CATALOGUE:
        _init_worker()
        _CATALOGUE.update({c.id: c for c in collect().claims})
    return _run(_CATALOGUE[task[0]], task, budget, seed, device)


def _run(c: Claim, task: Task, budget: Budget, seed: int, device: str) -> ClaimResult:
    """Run one task's claim or control, with its mutant (if any) active."""
    from contextlib import nullcontext

    from verifiers.mutation import active, mutant_named
    from verifiers.runner import resolve_device, run_claim

    _, control, mutant = task
    device = resolve_device(device) if device == "auto" else device
    nc = c.control(control)
    if control is not None and nc is None:
        raise KeyError(f"claim {c.id} has no negative control {control!r}")
    with active(mutant_named(mutant)) if mutant else nullcontext():
        return run_claim(c, budget=budget, seed=seed, device=device, control=nc)


def _crashed(claims: Sequence[Claim], task: Task, why: str) -> ClaimResult:
    """An ``error`` result for a task whose worker failed outside the runner's fault isolation."""
    claim_id, control, _ = task
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
