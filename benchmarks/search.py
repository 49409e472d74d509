"""Counterexample and tightness search: time to refute negative controls, time to reach sharp bounds.

Refutation: every claim with a ``property`` check is run on each negative control
(that check only) and timed. Tightness: for each property check built on
:func:`verifiers.property.upper_bound` (captured by wrapping
``verifiers.property.maximize``), the time for the targeted search (Hypothesis
``target()`` followed by gradient ascent) to come within ``--tol`` of the bound,
versus two untargeted baselines with the same number of objective evaluations
(``examples + starts * local_steps``): Hypothesis generation without ``target()``,
and, for score-vector inputs, plain uniform sampling of logits in
``[-10, 10]^n`` with ``n`` uniform in 2..8 (the ranges of ``strategies.logits``;
only for checks searching ``logits()``), which may run up to ``--patience`` times
that budget so that its time is measured where it succeeds at all. Times are
medians over ``--repeats`` seeds; only bounds checked with ``sharp=True`` count.

Harder instances (``--sizes``, default 16 and 32): the same objectives, local
search and budgets, but every method searches score vectors of one fixed, larger
length ``n`` (Hypothesis ``logits(size=n)``; uniform random logits in
``[-10, 10]^n``). These rows are labelled ``n = ...``; the default rows search
the check's own strategy (lengths 2..8).

Usage: ``.venv/bin/python benchmarks/search.py [--profile quick] [--seed 0] [--tol 1e-3]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import environment, write  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

import verifiers.property as prop  # noqa: E402
from verifiers import Context, collect, profile  # noqa: E402
from verifiers.runner import derive_seed, run_check  # noqa: E402
from verifiers.strategies import logits  # noqa: E402


def _ctx(c: Any, control: Any, prof: str, seed: int) -> Context:
    params = {**c.defaults(), **(control.params if control else {})}
    name = control.name if control else None
    return Context(c.id, params, profile(prof), derive_seed(seed, c.id, "property", name or ""), "cpu", name,
                   run_seed=seed)


def refutations(claims: list[Any], prof: str, seed: int) -> list[dict[str, Any]]:
    """Time the property check alone on every negative control."""
    rows = []
    for c in claims:
        for nc in c.negative_controls:
            ev = run_check(c.checks["property"], _ctx(c, nc, prof, seed), "property")
            rows.append({"key": f"{c.id}[{nc.name}]", "verdict": ev.verdict, "seconds": ev.seconds})
            print(f"refute {rows[-1]['key']:50} {ev.verdict:12} {ev.seconds:.3f} s", file=sys.stderr)
    return rows


class _Clock:
    """Records the first time an objective value comes within ``tol`` of ``bound``."""

    def __init__(self, objective: Any, bound: float, tol: float) -> None:
        self.objective, self.bound, self.tol = objective, bound, tol
        self.start, self.hit, self.calls = time.perf_counter(), None, 0

    def __call__(self, x: Any) -> float:
        value = float(self.objective(x))
        self.calls += 1
        self.note(value)
        return value

    def note(self, value: float) -> None:
        if self.hit is None and value >= self.bound - self.tol:
            self.hit = time.perf_counter() - self.start


def capture(c: Any, prof: str, seed: int) -> dict[str, Any] | None:
    """Run the default property check once, capturing the arguments of ``maximize``."""
    seen: dict[str, Any] = {}
    original, original_bound = prop.maximize, prop.upper_bound

    def spy(ctx: Any, strategy: Any, objective: Any, *, local: Any = None, starts: int = 3) -> Any:
        seen.update(ctx=ctx, strategy=strategy, objective=objective, local=local, starts=starts)
        return original(ctx, strategy, objective, local=local, starts=starts)

    def spy_bound(*args: Any, **kwargs: Any) -> Any:
        seen["sharp"] = kwargs.get("sharp", True)
        return original_bound(*args, **kwargs)

    prop.maximize, prop.upper_bound = spy, spy_bound
    try:
        ev = run_check(c.checks["property"], _ctx(c, None, prof, seed), "property")
    finally:
        prop.maximize, prop.upper_bound = original, original_bound
    if "objective" not in seen or not seen.get("sharp") or "bound" not in ev.statistics:
        return None
    return {**seen, "bound": float(ev.statistics["bound"])}


def targeted(cap: dict[str, Any], tol: float) -> tuple[float | None, int]:
    """Hypothesis target() then gradient ascent, timing the first value within tol of the bound."""
    clock = _Clock(cap["objective"], cap["bound"], tol)
    local = cap["local"]

    def timed_local(start: Any, steps: int) -> tuple[Any, float]:
        point, value = local(start, steps)
        clock.note(value)
        return point, value

    prop.maximize(cap["ctx"], cap["strategy"], clock, local=timed_local if local else None, starts=cap["starts"])
    return clock.hit, clock.calls


def untargeted(cap: dict[str, Any], tol: float, evaluations: int) -> float | None:
    """Hypothesis generation without target(), ``evaluations`` examples."""
    clock = _Clock(cap["objective"], cap["bound"], tol)

    @hypothesis_seed(cap["ctx"].seed)
    @settings(max_examples=evaluations, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cap["strategy"])
    def search(x: Any) -> None:
        clock(x)

    search()
    return clock.hit


def uniform(cap: dict[str, Any], tol: float, evaluations: int, seed: int, size: int | None = None) -> float | None:
    """Plain uniform random logits in [-10, 10]^n, n uniform in 2..8 (or fixed ``size``)."""
    rng = np.random.default_rng(seed)
    clock = _Clock(cap["objective"], cap["bound"], tol)
    for _ in range(evaluations):
        clock(rng.uniform(-10.0, 10.0, size=size or int(rng.integers(2, 9))))
        if clock.hit is not None:
            break
    return clock.hit


def _median(times: list[float | None]) -> float | None:
    """Median time over repeats, a miss counting as infinitely slow; None when the median is a miss."""
    mid = statistics.median([t if t is not None else float("inf") for t in times])
    return None if mid == float("inf") else float(mid)


def tightness(claims: list[Any], prof: str, seed: int, tol: float, patience: int,
              repeats: int, sizes: tuple[int | None, ...] = (None,)) -> list[dict[str, Any]]:
    """Median time to reach each sharp bound over seeds: targeted search versus the untargeted baselines.

    ``sizes``: ``None`` searches the check's own strategy; an integer ``n`` replaces a ``logits()``
    strategy by ``logits(size=n)`` (and uniform random vectors of length ``n``) for every method.
    """
    rows = []
    for c in claims:
        for size in sizes:
            row = _tightness_row(c, prof, seed, tol, patience, repeats, size)
            if row is not None:
                rows.append(row)
    return rows


def _tightness_row(c: Any, prof: str, seed: int, tol: float, patience: int, repeats: int,
                   size: int | None) -> dict[str, Any] | None:
    runs: dict[str, list[float | None]] = {"targeted": [], "untargeted": [], "uniform": []}
    cap: dict[str, Any] | None = None
    for r in range(repeats):
        cap = capture(c, prof, seed + r)
        if cap is None:
            return None
        is_logits = repr(cap["strategy"]).startswith("logits(")
        if size is not None:
            if not is_logits:
                return None
            cap = {**cap, "strategy": logits(size=size)}
        budget = cap["ctx"].budget
        evaluations = budget.examples + cap["starts"] * budget.local_steps
        runs["targeted"].append(targeted(cap, tol)[0])
        runs["untargeted"].append(untargeted(cap, tol, evaluations))
        if is_logits:
            runs["uniform"].append(uniform(cap, tol, patience * evaluations, seed + r, size))
    if cap is None:
        return None
    row: dict[str, Any] = {"claim": c.id, "instances": "default (n = 2..8)" if size is None else f"n = {size}",
                           "size": size, "bound": cap["bound"], "evaluations": evaluations,
                           "repeats": repeats, "runs": runs, **{k: _median(v) for k, v in runs.items() if v}}
    if row.get("targeted") and row.get("uniform"):
        row["speedup_vs_uniform"] = f"{row['uniform'] / row['targeted']:.1f}×"
    elif row.get("targeted") and runs["uniform"] and row.get("uniform") is None:
        row["speedup_vs_uniform"] = f"uniform fails ({patience}× budget)"
    print(f"tight  {c.id:40} {({k: v for k, v in row.items() if k != 'runs'})}", file=sys.stderr)
    return row


def main(argv: list[str] | None = None) -> int:
    """Run both parts and write results/search.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tol", type=float, default=1e-3)
    parser.add_argument("--patience", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5, help="seeds per tightness measurement (medians)")
    parser.add_argument("--sizes", default="16,32", help="fixed lengths n of the harder instances ('' for none)")
    parser.add_argument("--skip-refutations", action="store_true", help="only the tightness part")
    args = parser.parse_args(argv)
    sizes = (None, *(int(v) for v in args.sizes.split(",") if v))
    claims = [c for c in collect().claims if "property" in c.checks]
    refs = [] if args.skip_refutations else refutations(claims, args.profile, args.seed)
    refuted = [r["seconds"] for r in refs if r["verdict"] == "refuted"]
    rows = tightness(claims, args.profile, args.seed, args.tol, args.patience, args.repeats, sizes)
    data = {"profile": args.profile, "seed": args.seed, "tol": args.tol, "refutations": refs,
            "refuted": len(refuted), "not_refuted": len(refs) - len(refuted),
            "median_refute_seconds": statistics.median(refuted) if refuted else float("nan"),
            "tightness": rows, "environment": environment()}
    path = write("search", data)
    print(f"median time to refute {data['median_refute_seconds']:.3f} s over {len(refuted)} controls; wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
