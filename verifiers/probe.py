"""Probing a claim: where does its verdict flip as one parameter moves, and does it hold over seeds?

:func:`probe` answers a reviewer's first question, "what constant would make this
true?": it bisects on verdicts between a value where the claim holds and a value
where it does not, on each side of the default, and reports the brackets. Real
parameters are bisected to a relative width, integers to adjacent values; a choice is
evaluated option by option. :func:`sweep` runs one claim (and its controls) over many
seeds in one process.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from verifiers.budget import Budget
from verifiers.errors import InvalidArgument
from verifiers.model import HOLDS, Claim, ClaimResult
from verifiers.params import Choice, Flag, Integer, Real
from verifiers.runner import run_claim

#: Bisection steps per bracket (a real bracket shrinks 2^-steps of its width).
STEPS = 14


@dataclass(frozen=True)
class Bracket:
    """A flip of the verdict: ``holds_at`` holds, ``fails_at`` does not (its verdict given)."""

    holds_at: float
    fails_at: float
    fails_verdict: str

    def describe(self, name: str) -> str:
        """One line: ``bound: holds at 0.5, refuted at 0.49994``."""
        return f"{name}: holds at {self.holds_at:.6g}, {self.fails_verdict} at {self.fails_at:.6g}"


@dataclass
class Probe:
    """The evaluated points (value, verdict) and the brackets found."""

    claim_id: str
    param: str
    points: list[tuple[Any, str]] = field(default_factory=list)
    brackets: list[Bracket] = field(default_factory=list)

    def figure(self) -> dict[str, Any]:
        """Figure data: verdict against the parameter (for the report's renderer or an SVG)."""
        return {"kind": "verdicts", "title": f"{self.claim_id}: verdict vs {self.param}", "xlabel": self.param,
                "x": [float(v) for v, _ in self.points], "verdicts": [verdict for _, verdict in self.points]}


def probe(claim: Claim, name: str, *, budget: Budget, seed: int, low: float | None = None,
          high: float | None = None, overrides: Mapping[str, Any] | None = None, steps: int = STEPS,
          on_point: Callable[[Any, str], None] | None = None) -> Probe:
    """Bracket the values of parameter ``name`` where the verdict of ``claim`` flips.

    Parameters
    ----------
    low, high : float, optional
        The range searched (default: a range around the default inside the domain).
    overrides : mapping, optional
        Other parameters, fixed while ``name`` moves.
    """
    param = claim.params.get(name)
    if param is None:
        raise InvalidArgument(f"claim {claim.id} has no parameter {name!r}; its parameters: "
                              f"{', '.join(claim.params) or 'none'}")
    result = Probe(claim.id, name)

    def verdict(value: Any) -> str:
        if (why := param.check(value)) is not None:
            raise InvalidArgument(f"{name}={value!r} is outside the parameter's domain: {why}")
        run: ClaimResult = run_claim(claim, budget=budget, seed=seed, overrides={**(overrides or {}), name: value})
        result.points.append((value, run.verdict))
        if on_point:
            on_point(value, run.verdict)
        return run.verdict

    if isinstance(param, (Choice, Flag)):
        for option in (param.options if isinstance(param, Choice) else (False, True)):
            verdict(option)
        return result
    if not isinstance(param, (Real, Integer)):
        raise InvalidArgument(f"probe bisects real and integer parameters; {name} is {type(param).__name__}")
    start = (overrides or {}).get(name, param.default)
    lo, hi = _range(param, start, low, high)
    at_start = verdict(start)
    for end in (lo, hi):
        at_end = verdict(end)
        if (at_start in HOLDS) != (at_end in HOLDS):
            result.brackets.append(_bisect(verdict, start, at_start, end, at_end, isinstance(param, Integer), steps))
    result.points.sort(key=lambda p: p[0])
    return result


def _range(param: Real | Integer, start: float, low: float | None, high: float | None) -> tuple[float, float]:
    """The searched range: given, else ``start`` halved and doubled (or ± 1 around 0), clipped to the domain."""
    spread = abs(start) if start else 1.0
    lo = low if low is not None else start - spread / 2
    hi = high if high is not None else start + spread
    if isinstance(param, Integer):
        lo, hi = math.floor(lo), math.ceil(hi)
    lo, hi = max(lo, param.min_value), min(hi, param.max_value)
    if isinstance(param, Real):
        tiny = 1e-9 * max(1.0, abs(start))
        lo = lo + tiny if param.exclude_min and lo == param.min_value else lo
        hi = hi - tiny if param.exclude_max and hi == param.max_value else hi
    if not lo <= start <= hi:
        raise InvalidArgument(f"the range [{lo:g}, {hi:g}] does not contain the starting value {start:g}")
    return lo, hi


def _bisect(verdict: Callable[[Any], str], a: float, va: str, b: float, vb: str, integer: bool,
            steps: int) -> Bracket:
    """Shrink ``[a, b]`` (one end holds, the other not) by bisection on verdicts."""
    hold, fail, fail_verdict = (a, b, vb) if va in HOLDS else (b, a, va)
    for _ in range(steps):
        if integer and abs(hold - fail) <= 1:
            break
        mid = (hold + fail) // 2 if integer else (hold + fail) / 2
        v = verdict(int(mid) if integer else mid)
        if v in HOLDS:
            hold = mid
        else:
            fail, fail_verdict = mid, v
    return Bracket(hold, fail, fail_verdict)


def sweep(claim: Claim, seeds: list[int], *, budget: Budget, overrides: Mapping[str, Any] | None = None,
          controls: bool = False, on_run: Callable[[int, ClaimResult], None] | None = None) -> list[ClaimResult]:
    """Run ``claim`` (and, with ``controls``, each negative control) under every seed, in this process."""
    runs: list[ClaimResult] = []
    for seed in seeds:
        todo = [None, *(claim.negative_controls if controls else ())]
        for nc in todo:
            run = run_claim(claim, budget=budget, seed=seed, overrides=overrides if nc is None else None, control=nc)
            runs.append(run)
            if on_run:
                on_run(seed, run)
    return runs


def parse_seeds(text: str) -> list[int]:
    """``"0-9"``, ``"3"`` or ``"0,4,7-9"`` as a list of seeds."""
    seeds: list[int] = []
    try:
        for part in filter(None, (p.strip() for p in text.split(","))):
            first, _, last = part.partition("-")
            seeds += list(range(int(first), int(last) + 1)) if last else [int(first)]
    except ValueError:
        raise InvalidArgument(f"--seeds expects e.g. 0-9 or 0,3,5-7, got {text!r}") from None
    if not seeds:
        raise InvalidArgument(f"--seeds expects at least one seed, got {text!r}")
    return seeds

__all__ = [
    "STEPS", "Bracket", "Probe", "probe", "sweep", "parse_seeds",
]
