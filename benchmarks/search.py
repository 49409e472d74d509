"""Counterexample and tightness search: time to refute negative controls, time to reach sharp bounds.

Refutation: every negative control of every claim is run as ``claims check
--controls`` runs it (all of its claim's checks, one after the other) and timed;
the time of the fastest method that refutes it is recorded too.

Tightness: for each property check built on :func:`verifiers.property.upper_bound`
(captured by wrapping ``maximize`` and ``gradient_ascent``), the time for the
targeted search (Hypothesis ``target()`` with multi-start gradient ascent from
the first examples and from the best ones; every value either part computes is
timed) to come within each of ``--tols`` of the bound (1e-3 is the target; 1e-6
shows what the local search adds once random sampling stops being enough),
versus two untargeted baselines given the number of objective evaluations the
targeted search used (Hypothesis examples plus local-search rows times steps):
Hypothesis generation without ``target()``, and, for score-vector inputs, plain
uniform sampling of logits in ``[-10, 10]^n`` with ``n`` uniform in 2..8 (the
ranges of ``strategies.logits``), which may run up to ``--patience`` times that
budget so that its time is measured where it succeeds at all; its evaluations
until the hit are recorded. Times are medians over ``--repeats`` seeds; only
bounds checked with ``sharp=True`` count.

Harder instances (``--sizes``, default 16 and 32): the same objectives, local
search and budgets, but every method searches score vectors of one fixed, larger
length ``n`` (Hypothesis ``logits(size=n)``; uniform random logits in
``[-10, 10]^n``). These rows are labelled ``n = ...``; the default rows search
the check's own strategy (lengths 2..8).

Usage: ``.venv/bin/python benchmarks/search.py [--profile quick] [--seed 0] [--tols 1e-3,1e-6]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from math import nan
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import environment, write  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

import verifiers.property as prop  # noqa: E402
from verifiers import Context, collect, profile  # noqa: E402
from verifiers.runner import derive_seed, run_check, run_claim  # noqa: E402
from verifiers.strategies import logits  # noqa: E402


def _ctx(c: Any, control: Any, prof: str, seed: int) -> Context:
    params = {**c.defaults(), **(control.params if control else {})}
    name = control.name if control else None
    return Context(c.id, params, profile(prof), derive_seed(seed, c.id, "property", name or ""), "cpu", name,
                   run_seed=seed)


def refutations(claims: list[Any], prof: str, seed: int) -> list[dict[str, Any]]:
    """Run every negative control with all its claim's checks; time the run and each method."""
    rows = []
    for c in claims:
        for nc in c.negative_controls:
            result = run_claim(c, budget=profile(prof), seed=seed, control=nc)
            methods = {e.method: {"verdict": e.verdict, "seconds": e.seconds} for e in result.evidence}
            refuting = [m["seconds"] for m in methods.values() if m["verdict"] == "refuted"]
            rows.append({"key": f"{c.id}[{nc.name}]", "verdict": result.verdict, "seconds": result.seconds,
                         "fastest_refuting_method": min(refuting) if refuting else None, "methods": methods})
            print(f"refute {rows[-1]['key']:50} {result.verdict:12} {result.seconds:.3f} s", file=sys.stderr)
    return rows


class _Clock:
    """Records, for each tolerance, the first time (and evaluation) a value comes within it of ``bound``."""

    def __init__(self, objective: Any, bound: float, tols: tuple[float, ...]) -> None:
        self.objective, self.bound, self.tols = objective, bound, tols
        self.start, self.calls = time.perf_counter(), 0
        self.hits: dict[float, tuple[float, int]] = {}

    def __call__(self, x: Any) -> float:
        value = float(self.objective(x))
        self.calls += 1
        self.note(value)
        return value

    def note(self, value: float) -> None:
        for tol in self.tols:
            if tol not in self.hits and value >= self.bound - tol:
                self.hits[tol] = (time.perf_counter() - self.start, self.calls)

    def done(self) -> bool:
        return len(self.hits) == len(self.tols)

    def seconds(self, tol: float) -> float | None:
        return self.hits[tol][0] if tol in self.hits else None


def capture(c: Any, prof: str, seed: int) -> dict[str, Any] | None:
    """Run the default property check once, capturing the arguments of ``maximize`` and the local search's ``fn``."""
    seen: dict[str, Any] = {}
    original, original_bound, original_ascent = prop.maximize, prop.upper_bound, prop.gradient_ascent

    def spy(ctx: Any, strategy: Any, objective: Any, **kwargs: Any) -> Any:
        best, value, stats = original(ctx, strategy, objective, **kwargs)
        seen.update(ctx=ctx, strategy=strategy, objective=objective, local_evaluations=stats["local_evaluations"],
                    **kwargs)
        return best, value, stats

    def spy_bound(ctx: Any, strategy: Any, objective: Any, bound: float, **kwargs: Any) -> Any:
        seen.update(sharp=kwargs.get("sharp", True), bound=float(bound))
        return original_bound(ctx, strategy, objective, bound, **kwargs)

    def spy_ascent(fn: Any, **kwargs: Any) -> Any:
        seen["ascent"] = (fn, kwargs)
        return original_ascent(fn, **kwargs)

    prop.maximize, prop.upper_bound, prop.gradient_ascent = spy, spy_bound, spy_ascent
    try:
        run_check(c.checks["property"], _ctx(c, None, prof, seed), "property")
    finally:
        prop.maximize, prop.upper_bound, prop.gradient_ascent = original, original_bound, original_ascent
    return seen if "objective" in seen and seen.get("sharp") else None


def targeted(cap: dict[str, Any], tols: tuple[float, ...]) -> _Clock:
    """Hypothesis target() interleaved with multi-start gradient ascent; every value of both is timed."""
    clock = _Clock(cap["objective"], cap["bound"], tols)
    local = None
    if cap.get("local") is not None and "ascent" in cap:
        fn, kwargs = cap["ascent"]

        def observed(x: Any) -> Any:
            values = fn(x)
            finite = values.detach()[values.detach().isfinite()]
            if finite.numel():
                clock.note(float(finite.max()))
            return values

        local = prop.gradient_ascent(observed, **kwargs)
    options = {k: cap[k] for k in ("starts", "probe") if k in cap}
    prop.maximize(cap["ctx"], cap["strategy"], clock, local=local, **options)
    return clock


def untargeted(cap: dict[str, Any], tols: tuple[float, ...], evaluations: int) -> _Clock:
    """Hypothesis generation without target(), ``evaluations`` examples."""
    clock = _Clock(cap["objective"], cap["bound"], tols)

    @hypothesis_seed(cap["ctx"].seed)
    @settings(max_examples=evaluations, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cap["strategy"])
    def search(x: Any) -> None:
        clock(x)

    search()
    return clock


def uniform(cap: dict[str, Any], tols: tuple[float, ...], evaluations: int, seed: int,
            size: int | None = None) -> _Clock:
    """Plain uniform random logits in [-10, 10]^n, n uniform in 2..8 (or fixed ``size``)."""
    rng = np.random.default_rng(seed)
    clock = _Clock(cap["objective"], cap["bound"], tols)
    for _ in range(evaluations):
        clock(rng.uniform(-10.0, 10.0, size=size or int(rng.integers(2, 9))))
        if clock.done():
            break
    return clock


def _median(times: list[float | None]) -> float | None:
    """Median time over repeats, a miss counting as infinitely slow; None when the median is a miss."""
    mid = statistics.median([t if t is not None else float("inf") for t in times])
    return None if mid == float("inf") else float(mid)


def tightness(claims: list[Any], prof: str, seed: int, tols: tuple[float, ...], patience: int,
              repeats: int, sizes: tuple[int | None, ...] = (None,)) -> list[dict[str, Any]]:
    """Median time to reach each sharp bound over seeds: targeted search versus the untargeted baselines.

    One row per claim, instance size and tolerance. ``sizes``: ``None`` searches the check's own
    strategy; an integer ``n`` replaces a ``logits()`` strategy by ``logits(size=n)`` (and uniform
    random vectors of length ``n``) for every method.
    """
    rows = []
    for c in claims:
        for size in sizes:
            rows += _tightness_rows(c, prof, seed, tols, patience, repeats, size)
    return rows


def _tightness_rows(c: Any, prof: str, seed: int, tols: tuple[float, ...], patience: int, repeats: int,
                    size: int | None) -> list[dict[str, Any]]:
    clocks: dict[str, list[_Clock]] = {"targeted": [], "untargeted": [], "uniform": []}
    cap: dict[str, Any] | None = None
    for r in range(repeats):
        cap = capture(c, prof, seed + r)
        if cap is None:
            return []
        is_logits = repr(cap["strategy"]).startswith("logits(")
        if size is not None:
            if not is_logits:
                return []
            cap = {**cap, "strategy": logits(size=size)}
        evaluations = cap["ctx"].budget.examples + cap["local_evaluations"]
        clocks["targeted"].append(targeted(cap, tols))
        clocks["untargeted"].append(untargeted(cap, tols, evaluations))
        if is_logits:
            clocks["uniform"].append(uniform(cap, tols, patience * evaluations, seed + r, size))
    if cap is None:
        return []
    base = {"claim": c.id, "instances": "default (n = 2..8)" if size is None else f"n = {size}", "size": size,
            "bound": cap["bound"], "evaluations": evaluations, "repeats": repeats}
    return [_row(base, tol, clocks, patience) for tol in tols]


def _row(base: dict[str, Any], tol: float, clocks: dict[str, list[_Clock]], patience: int) -> dict[str, Any]:
    """Medians over repeats for one tolerance, and the speed-up of the targeted search over uniform."""
    runs = {k: [clock.seconds(tol) for clock in v] for k, v in clocks.items() if v}
    row: dict[str, Any] = {**base, "tol": tol, "runs": runs, **{k: _median(v) for k, v in runs.items()}}
    if clocks["uniform"]:
        row["uniform_evaluations"] = _median([clock.hits[tol][1] if tol in clock.hits else None
                                              for clock in clocks["uniform"]])
    if row.get("targeted") and row.get("uniform"):
        row["speedup_vs_uniform"] = f"{row['uniform'] / row['targeted']:.2g}×"
    elif row.get("targeted") and "uniform" in runs and row.get("uniform") is None:
        row["speedup_vs_uniform"] = f"uniform fails ({patience}× budget)"
    print(f"tight  {({k: v for k, v in row.items() if k != 'runs'})}", file=sys.stderr)
    return row


def main(argv: list[str] | None = None) -> int:
    """Run both parts and write results/search.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tols", default="1e-3,1e-6", help="tolerances to the sharp bounds (the first is the target)")
    parser.add_argument("--patience", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5, help="seeds per tightness measurement (medians)")
    parser.add_argument("--sizes", default="16,32", help="fixed lengths n of the harder instances ('' for none)")
    parser.add_argument("--skip-refutations", action="store_true", help="only the tightness part")
    args = parser.parse_args(argv)
    sizes = (None, *(int(v) for v in args.sizes.split(",") if v))
    claims = collect().claims
    refs = [] if args.skip_refutations else refutations(claims, args.profile, args.seed)
    refuted = [r["seconds"] for r in refs if r["verdict"] == "refuted"]
    tols = tuple(float(v) for v in args.tols.split(","))
    rows = tightness([c for c in claims if "property" in c.checks], args.profile, args.seed, tols,
                     args.patience, args.repeats, sizes)
    data = {"profile": args.profile, "seed": args.seed, "tols": list(tols), "patience": args.patience,
            "refutations": refs, "refuted": len(refuted), "not_refuted": len(refs) - len(refuted),
            "median_refute_seconds": statistics.median(refuted) if refuted else float("nan"),
            "median_fastest_refuting_method_seconds": statistics.median(
                [r["fastest_refuting_method"] for r in refs if r["fastest_refuting_method"] is not None] or [nan]),
            "tightness": rows, "environment": environment()}
    path = write("search", data)
    print(f"median time to refute {data['median_refute_seconds']:.3f} s over {len(refuted)} controls; wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
