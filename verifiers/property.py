r"""Property checks with Hypothesis: universal claims, witness search and tightness of bounds.

Hypothesis draws are not i.i.d.; nothing here is a statistical estimate. Every
search is seeded from the check's seed and uses no example database, so a run is
reproducible from ``(claim, params, profile, seed)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, assume, given, settings, target
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import FailedHealthCheck, Flaky, Unsatisfiable
from hypothesis.strategies import SearchStrategy

from verifiers.model import Context, Outcome

#: Examples a local search starts from at once before Hypothesis explores further (multi-start).
PROBE_EXAMPLES = 5

#: A search whose examples satisfy the hypotheses less often than this is inconclusive.
MIN_VALID_FRACTION = 0.5


class _Violation(Exception):
    def __init__(self, example: Any, detail: str) -> None:
        super().__init__(detail)
        self.example, self.detail = example, detail


def _settings(ctx: Context, examples: int | None = None, shrink: bool = True) -> settings:
    phases = [Phase.generate, Phase.target] + ([Phase.shrink] if shrink else [])
    return settings(max_examples=examples or ctx.budget.examples, database=None, deadline=None,
                    derandomize=False, phases=phases, suppress_health_check=list(HealthCheck),
                    print_blob=False)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def forall(
    ctx: Context,
    strategy: SearchStrategy[Any],
    prop: Callable[[Any], bool | str],
    *,
    hypotheses: Callable[[Any], bool] | None = None,
    what: str = "the property",
) -> Outcome:
    """Search for an example where ``prop`` fails.

    ``prop(x)`` returns ``True`` when the claim holds at ``x``; ``False`` or a
    string (the reason) when it fails. Examples rejected by ``hypotheses`` do not
    count; if most are rejected the result is ``inconclusive``.
    """
    counts = {"tried": 0, "valid": 0}

    @hypothesis_seed(ctx.seed)
    @_settings(ctx)
    @given(strategy)
    def search(x: Any) -> None:
        counts["tried"] += 1
        if hypotheses is not None and not hypotheses(x):
            assume(False)
        counts["valid"] += 1
        verdict = prop(x)
        if verdict is not True:
            raise _Violation(x, verdict if isinstance(verdict, str) else f"{what} fails")

    try:
        search()
    except _Violation as v:
        return Outcome(verdict="refuted", reason=f"counterexample (shrunk): {v.detail}",
                       statistics=dict(counts), counterexample={"example": _plain(v.example), "detail": v.detail})
    except Flaky as exc:
        return _flaky(exc, counts)
    except (Unsatisfiable, FailedHealthCheck):
        pass
    return _no_violation(ctx, counts, what)


def _flaky(exc: Flaky, counts: dict[str, int]) -> Outcome:
    """A failure that did not reproduce on replay: evidence of a non-deterministic check, not a refutation."""
    inner = [e for e in getattr(exc, "exceptions", ()) if isinstance(e, _Violation)]
    example = {"example": _plain(inner[0].example), "detail": inner[0].detail} if inner else None
    return Outcome(verdict="inconclusive", statistics=dict(counts), counterexample=example,
                   reason="a violation was seen once but did not reproduce on replay (non-deterministic check)")


def _no_violation(ctx: Context, counts: dict[str, int], what: str) -> Outcome:
    stats = {**counts, "required_valid": int(MIN_VALID_FRACTION * ctx.budget.examples)}
    if counts["valid"] < MIN_VALID_FRACTION * ctx.budget.examples:
        return Outcome(verdict="inconclusive", statistics=stats,
                       reason=f"only {counts['valid']} of {counts['tried']} examples satisfied the hypotheses")
    return Outcome(verdict="supported", statistics=stats,
                   reason=f"{what} held on all {counts['valid']} examples that satisfied the hypotheses")


def exists(
    ctx: Context,
    strategy: SearchStrategy[Any],
    is_witness: Callable[[Any], bool],
    *,
    what: str = "a witness",
) -> Outcome:
    """Search for a witness of an existence claim: found is ``supported``, not found ``inconclusive``."""
    counts = {"tried": 0}

    @hypothesis_seed(ctx.seed)
    @_settings(ctx)
    @given(strategy)
    def search(x: Any) -> None:
        counts["tried"] += 1
        if is_witness(x):
            raise _Violation(x, what)

    try:
        search()
    except _Violation as v:
        return Outcome(verdict="supported", reason=f"found {what} (shrunk) after {counts['tried']} examples",
                       statistics=counts, counterexample=None, figures=(),
                       steps=(f"witness: {_plain(v.example)}",))
    return Outcome(verdict="inconclusive", statistics=counts,
                   reason=f"no {what} among {counts['tried']} examples (absence of a witness is not a disproof)")


def maximize(
    ctx: Context,
    strategy: SearchStrategy[Any],
    objective: Callable[[Any], float],
    *,
    local: Callable[[Sequence[Any], int], tuple[Any, float, int]] | None = None,
    starts: int = 3,
    probe: int = PROBE_EXAMPLES,
) -> tuple[Any, float, dict[str, Any]]:
    """Find a large value of ``objective``: Hypothesis ``target()`` interleaved with local ascent.

    With a ``local`` search, the first ``probe`` examples are ascended from at once
    (multi-start), then Hypothesis goes on exploring with ``target()``, and the
    best ``starts`` examples of the whole search are ascended from at the end.
    Returns the best point, its value, and search statistics (including the best
    value before the local search and the number of local-search evaluations).
    """
    seen: list[tuple[float, Any]] = []
    early: list[tuple[Any, float, int]] = []

    @hypothesis_seed(ctx.seed)
    @_settings(ctx, shrink=False)
    @given(strategy)
    def search(x: Any) -> None:
        value = float(objective(x))
        if np.isfinite(value):
            seen.append((value, x))
            target(value, label="objective")
        if local is not None and not early and len(seen) == min(probe, ctx.budget.examples):
            early.append(local([point for _, point in seen], ctx.budget.local_steps))

    search()
    seen.sort(key=lambda t: t[0], reverse=True)
    best_value, best = seen[0] if seen else (-np.inf, None)
    stats: dict[str, Any] = {"examples": len(seen), "best_random_search": best_value, "local_evaluations": 0}
    if local is not None and seen:
        for point, value, evaluations in (*early, local([x for _, x in seen[:starts]], ctx.budget.local_steps)):
            stats["local_evaluations"] += evaluations
            if value > best_value:
                best, best_value = point, value
    stats["best_value"] = best_value
    return best, best_value, stats


def upper_bound(
    ctx: Context,
    strategy: SearchStrategy[Any],
    objective: Callable[[Any], float],
    bound: float,
    *,
    local: Callable[[Any, int], tuple[Any, float]] | None = None,
    sharp: bool = True,
    sharp_tol: float = 1e-3,
    tol: float = 1e-9,
) -> Outcome:
    r"""Check ``objective(x) <= bound`` by a targeted search for the supremum.

    A value above ``bound + tol`` refutes the bound. Otherwise the bound is
    ``supported``; when ``sharp`` is requested and the best value stays more than
    ``sharp_tol`` below the bound, sharpness is not shown and the result is
    ``inconclusive``.
    """
    best, value, stats = maximize(ctx, strategy, objective, local=local)
    stats = {**stats, "bound": bound, "gap": bound - value}
    figure = {"kind": "tightness", "bound": bound, "best": value,
              "best_random_search": stats["best_random_search"]}
    if value > bound + tol:
        return Outcome(verdict="refuted", reason=f"value {value:.6g} exceeds the bound {bound:g}",
                       statistics=stats, counterexample={"example": _plain(best), "value": value},
                       figures=(figure,))
    if sharp and bound - value > sharp_tol:
        return Outcome(verdict="inconclusive", statistics=stats, figures=(figure,),
                       reason=f"no violation, but the best value {value:.6g} stays {bound - value:.3g} below "
                              f"the bound: sharpness not shown")
    return Outcome(verdict="supported", statistics=stats, figures=(figure,),
                   reason=f"no value above the bound; the largest found is {value:.6g} "
                          f"(gap {bound - value:.2g})")


def gradient_ascent(
    fn: Callable[[Any], Any], *, lr: float = 0.3,
) -> Callable[[Sequence[Any], int], tuple[Any, float, int]]:
    """A multi-start local maximizer for :func:`maximize`: Adam on ``fn``, all starts of a shape at once.

    ``fn`` maps a float64 tensor of shape ``(..., n)`` to values of shape ``(...)``,
    row by row. The returned ``local(starts, steps)`` gives the best point, its
    value and the number of evaluations (rows times steps).
    """

    def local(starts: Sequence[Any], steps: int) -> tuple[Any, float, int]:
        best_x, best_v, evaluations = None, -np.inf, 0
        for batch in _by_shape(starts):
            x, v = _ascend(fn, batch, steps, lr)
            evaluations += len(batch) * (steps + 1)
            if v > best_v:
                best_x, best_v = x, v
        return best_x, best_v, evaluations

    return local


def _by_shape(starts: Sequence[Any]) -> list[np.ndarray]:
    """Stack the starting points into one float64 array per shape."""
    groups: dict[tuple[int, ...], list[np.ndarray]] = {}
    for start in starts:
        point = np.asarray(start, dtype=np.float64)
        groups.setdefault(point.shape, []).append(point)
    return [np.stack(points) for points in groups.values()]


def _ascend(fn: Callable[[Any], Any], batch: np.ndarray, steps: int, lr: float) -> tuple[np.ndarray, float]:
    """Adam on every row of ``batch`` for ``steps`` steps; the best row ever visited and its value."""
    import torch

    x = torch.tensor(batch, requires_grad=True)
    optimizer = torch.optim.Adam([x], lr=lr)
    best_x, best_v = batch[0], -np.inf
    for step in range(steps + 1):
        optimizer.zero_grad()
        values = fn(x)
        seen = values.detach()
        finite = torch.isfinite(seen)
        row = int(torch.where(finite, seen, -torch.inf).argmax())
        if bool(finite[row]) and float(seen[row]) > best_v:
            best_x, best_v = x[row].detach().numpy().copy(), float(seen[row])
        if step == steps:
            break
        (-torch.where(finite, values, 0.0).sum()).backward()
        x.grad = torch.nan_to_num(x.grad, nan=0.0, posinf=0.0, neginf=0.0)
        optimizer.step()
    return best_x, best_v
