r"""Experiments: small training runs repeated over seeds, decided by a named test with an effect size and its CI.

A paired experiment runs two arms under each seed with common random numbers (the
same data and initialization for both arms), so the per-seed difference
:math:`d_i = a_i - b_i` carries only the arms' effect. Seeds are added in stages
(``ctx.budget.experiment_seeds``, e.g. 4 then 8 at ``quick``); at stage :math:`j` a
confidence interval for the effect (the mean of :math:`d` for the paired t test, the
median for the sign test, the mean by a BCa bootstrap) is formed at level
:math:`\alpha/J` (Bonferroni over the :math:`J` stages), and:

- a claim that arm A is better by more than ``margin`` (``direction="greater"``) is
  ``supported`` when the interval lies above ``margin`` and ``refuted`` when it lies at
  or below it ("no difference" included); ``"less"`` is the mirror image;
- a claim that the arms are comparable (``direction="equal"``) is ``supported`` when
  the interval lies inside ``±margin`` and ``refuted`` when it lies outside;
- otherwise more seeds are run; when the last stage is undecided, ``inconclusive``.

The interval decision is the same as two one-sided tests at :math:`\alpha/(2J)` each,
relative to the margin: *for* the claim (supported iff :math:`p_{\mathrm{for}}` is below
it) and *against* it (refuted iff :math:`p_{\mathrm{against}}` is), see :func:`one_sided`.
The Outcome records the per-seed numbers, the test with these two p-values, the effect
with its interval, and a figure of the per-seed results with the decision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from scipy import stats as sps

from verifiers.model import Context, Outcome, Resolution, instance

_T = TypeVar("_T")
Direction = Literal["greater", "less", "equal"]
Test = Literal["t", "sign", "bootstrap"]
#: Default level of an experiment's decision (over all its stages).
LEVEL = 0.01


@dataclass(frozen=True)
class Interval:
    """An effect estimate with its confidence interval and the named test's statistic and p-value."""

    effect: float
    low: float
    high: float
    statistic: float
    p_value: float


def interval(d: np.ndarray, test: Test, level: float, seed: int = 0) -> Interval:
    """The effect of paired differences ``d`` with a two-sided ``1 - level`` interval, by ``test``."""
    d = np.asarray(d, dtype=np.float64)
    n = d.size
    if test == "sign":
        nonzero = d[d != 0]
        k = int((nonzero > 0).sum())
        p = float(sps.binomtest(k, nonzero.size, 0.5).pvalue) if nonzero.size else 1.0
        lo_rank = int(sps.binom.ppf(level / 2, n, 0.5))
        if lo_rank == 0:  # too few seeds for any order statistic to reach the level: no decision possible
            return Interval(float(np.median(d)), -math.inf, math.inf, float(k), p)
        order = np.sort(d)
        low, high = order[lo_rank - 1], order[n - lo_rank]
        return Interval(float(np.median(d)), float(low), float(high), float(k), p)
    mean, sd = float(d.mean()), float(d.std(ddof=1)) if n > 1 else 0.0
    if sd == 0.0:
        return Interval(mean, mean, mean, math.copysign(math.inf, mean) if mean else 0.0, 0.0 if mean else 1.0)
    t_stat = mean / (sd / math.sqrt(n))
    p = float(2 * sps.t.sf(abs(t_stat), n - 1))
    if test == "bootstrap":
        res = sps.bootstrap((d,), np.mean, confidence_level=1 - level, method="BCa", n_resamples=4999,
                            random_state=np.random.default_rng(seed))
        return Interval(mean, float(res.confidence_interval.low), float(res.confidence_interval.high), t_stat, p)
    half = float(sps.t.isf(level / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, t_stat, p)


def one_sided(d: np.ndarray, test: Test, direction: Direction, margin: float) -> tuple[float, float] | None:
    r"""``(p_for, p_against)``: the one-sided p-values that the interval decision of :func:`paired` amounts to.

    ``p_for`` rejects "the claim is false", ``p_against`` rejects "the claim holds", both relative to ``margin``;
    at a stage of level λ the claim is supported iff ``p_for < λ/2`` and refuted iff ``p_against < λ/2``. Paired t
    test: :math:`T(c) = (\bar d - c)/(s_d/\sqrt n)` against :math:`t_{n-1}`. Sign test: binomial tails of the
    counts on either side, ties counted against the side tested (as the order-statistic interval does). ``None``
    for the bootstrap, whose interval has no p-value.
    """
    d = np.asarray(d, dtype=np.float64)
    if test == "bootstrap":
        return None
    n, m = d.size, margin
    if test == "sign":
        tail = lambda k: float(sps.binom.cdf(int(k), n, 0.5))  # noqa: E731
        above, not_above = lambda c: tail((d <= c).sum()), lambda c: tail((d > c).sum())  # noqa: E731
        below, not_below = lambda c: tail((d >= c).sum()), lambda c: tail((d < c).sum())  # noqa: E731
    else:
        mean, sd = float(d.mean()), float(d.std(ddof=1)) if n > 1 else 0.0
        se = sd / math.sqrt(n)
        upper = lambda c, tie: float(sps.t.sf((mean - c) / se, n - 1)) if se else float(tie(mean, c))  # noqa: E731
        above, not_below = lambda c: upper(c, float.__le__), lambda c: upper(c, float.__lt__)  # noqa: E731
        lower = lambda c, tie: float(sps.t.cdf((mean - c) / se, n - 1)) if se else float(tie(mean, c))  # noqa: E731
        below, not_above = lambda c: lower(c, float.__ge__), lambda c: lower(c, float.__gt__)  # noqa: E731
    # above(c) rejects "effect <= c", below(c) rejects "effect >= c"; the not_ forms reject the strict ones.
    if direction == "greater":
        return above(m), not_above(m)
    if direction == "less":
        return below(-m), not_below(-m)
    return max(not_below(-m), not_above(m)), min(below(-m), above(m))


def paired(
    ctx: Context,
    run: Callable[[int], tuple[float, float]],
    *,
    arms: tuple[str, str],
    metric: str,
    direction: Direction = "greater",
    margin: float = 0.0,
    test: Test = "t",
    level: float = LEVEL,
    stages: Sequence[int] | None = None,
    setup: Mapping[str, Any] | None = None,
) -> Outcome:
    """Decide a paired comparison of two arms over seeds, sequentially in stages.

    Parameters
    ----------
    ctx : Context
        The check's context; seeds are ``ctx.seed + i`` and stages default to
        ``ctx.budget.experiment_seeds``.
    run : callable
        ``run(seed) -> (metric of arm A, metric of arm B)``, with common random numbers.
    arms : (str, str)
        Names of arm A and arm B.
    metric : str
        What is measured (e.g. "test error, %").
    direction, margin
        The claim: A − B > margin ("greater"), < −margin ("less"), or |A − B| ≤ margin ("equal").
    test : {"t", "sign", "bootstrap"}
        The named test: paired t (mean), sign test (median), BCa bootstrap (mean).
    level : float
        Error level of the whole sequential decision (Bonferroni over stages).
    setup : mapping, optional
        The experiment's record: generator, sizes, hyper-parameters and how they were chosen.
    """
    plan = tuple(stages or ctx.budget.experiment_seeds)
    per_stage = level / len(plan)
    a: list[float] = []
    b: list[float] = []
    for j, size in enumerate(plan, 1):
        while len(a) < size:
            x, y = run(ctx.seed + len(a))
            a.append(float(x))
            b.append(float(y))
        d = np.asarray(a) - np.asarray(b)
        est = interval(d, test, per_stage, ctx.seed)
        verdict = _verdict(est, direction, margin)
        if verdict is not None or j == len(plan):
            return _outcome(verdict or "inconclusive", est, a, b, arms, metric, direction, margin, test, level,
                            per_stage, j, plan, setup or {})
    raise AssertionError("unreachable: the last stage always decides")


def _verdict(est: Interval, direction: Direction, margin: float) -> str | None:
    if direction == "greater":
        return "supported" if est.low > margin else "refuted" if est.high <= margin else None
    if direction == "less":
        return "supported" if est.high < -margin else "refuted" if est.low >= -margin else None
    if -margin <= est.low and est.high <= margin:
        return "supported"
    return "refuted" if est.high < -margin or est.low > margin else None


def _outcome(verdict: str, est: Interval, a: list[float], b: list[float], arms: tuple[str, str], metric: str,
             direction: Direction, margin: float, test: Test, level: float, per_stage: float, stage: int,
             plan: tuple[int, ...], setup: Mapping[str, Any]) -> Outcome:
    claim = {"greater": f"{arms[0]} − {arms[1]} > {margin:g}", "less": f"{arms[0]} − {arms[1]} < −{margin:g}",
             "equal": f"|{arms[0]} − {arms[1]}| ≤ {margin:g}"}[direction]
    name = {"t": "paired t test", "sign": "sign test", "bootstrap": "BCa bootstrap"}[test]
    d = np.asarray(a) - np.asarray(b)
    ps = one_sided(d, test, direction, margin)
    p_value = None if ps is None else ps[1] if verdict == "refuted" else ps[0]
    tests = name if ps is None else (f"{name}, one-sided p = {ps[0]:.3g} for the claim, {ps[1]:.3g} against it; "
                                     f"each decides below {per_stage / 2:.3g}")
    text = (f"{metric}: effect {arms[0]} − {arms[1]} = {est.effect:.4g}, {100 * (1 - per_stage):.3g} % interval "
            f"[{est.low:.4g}, {est.high:.4g}] over {len(a)} seeds ({tests}); claim {claim}")
    stats = {"seeds": len(a), "stage": stage, "stages": list(plan), "arm_a": arms[0], "arm_b": arms[1],
             "per_seed_a": a, "per_seed_b": b, "differences": d.tolist(),
             "test": name, "statistic": est.statistic, "p_value": p_value,
             "p_for": None if ps is None else ps[0], "p_against": None if ps is None else ps[1],
             "p_threshold": per_stage / 2, "effect": est.effect,
             "ci_low": est.low, "ci_high": est.high, "level": level, "level_per_stage": per_stage,
             "direction": direction, "margin": margin, "metric": metric, "setup": dict(setup)}
    figure = {"kind": "seeds", "title": f"{metric} per seed", "arms": list(arms), "a": a, "b": b,
              "effect": est.effect, "ci": [est.low, est.high], "margin": margin, "direction": direction,
              "decision": verdict}
    reason = {"supported": f"{text}: the interval clears the margin",
              "refuted": f"{text}: the interval excludes the claim",
              "inconclusive": f"{text}: undecided after the last stage; more seeds (a larger profile) needed"}[verdict]
    return Outcome(verdict=verdict, reason=reason, statistics=stats, figures=(figure,),  # type: ignore[arg-type]
                   resolution=Resolution((est.high - est.low) / 2, f"effect on {metric}", level),
                   scope=instance(", ".join(f"{k} = {v}" for k, v in setup.items()) or "the experiment's setup"),
                   counterexample={"effect": est.effect, "ci": [est.low, est.high]} if verdict == "refuted" else None)

def staged(stages: Sequence[int], first: int, compute: Callable[[list[int]], list[_T]]) -> Callable[[int], _T]:
    """``run(seed)`` for :func:`paired` that computes a whole stage of seeds in one batch.

    ``first`` is the first seed (``ctx.seed``); a request for seed ``first + i`` computes every seed up to the
    end of the stage holding ``i`` (``stages`` are cumulative counts), so a batch never runs a seed the
    sequential decision would not ask for.
    """
    cache: dict[int, _T] = {}

    def run(seed: int) -> _T:
        if seed not in cache:
            i = seed - first
            end = next((s for s in stages if s > i), i + 1)
            batch = [first + j for j in range(i, end)]
            cache.update(zip(batch, compute(batch)))
        return cache[seed]

    return run


def at_least(stages: Sequence[int], n: int) -> tuple[int, ...]:
    """``stages`` scaled up (proportionally, rounded up) so that the last stage has at least ``n`` seeds."""
    factor = max(1.0, n / stages[-1])
    return tuple(math.ceil(factor * s) for s in stages)


def conjunction(parts: Sequence[tuple[str, Outcome]]) -> Outcome:
    """One verdict from several decisions of a claim: supported when every part is, refuted when any part is,
    else inconclusive. The first part's scope and resolution are kept; each part's record is under its name."""
    verdicts = [o.verdict for _, o in parts]
    verdict = ("refuted" if "refuted" in verdicts else
               "supported" if all(v == "supported" for v in verdicts) else "inconclusive")
    bad = next((o.counterexample for _, o in parts if o.verdict == "refuted"), None)
    return parts[0][1].but(
        verdict=verdict, reason="; ".join(f"{name}: {o.verdict}: {o.reason}" for name, o in parts),
        statistics={"parts": {name: dict(o.statistics) for name, o in parts}},
        figures=tuple({**f, "title": f"{name}: {f.get('title', '')}"} for name, o in parts for f in o.figures),
        counterexample=bad)


class RunAdam:
    """Adam with one learning rate per run: every parameter's leading dimension indexes the runs trained at once."""

    def __init__(self, params: Sequence[Any], lr: Any, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        import torch

        self.params, self.lr, self.betas, self.eps, self.t = list(params), lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def step(self) -> None:
        """One Adam update of every parameter from its ``.grad`` (which is then cleared)."""
        import torch

        b1, b2 = self.betas
        self.t += 1
        c1, c2 = 1 - b1**self.t, 1 - b2**self.t
        with torch.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                p.sub_(self.lr.view(-1, *[1] * (p.dim() - 1)) * (m / c1) / ((v / c2).sqrt() + self.eps))
                p.grad = None


__all__ = [
    "Direction", "Test", "LEVEL", "Interval", "interval", "one_sided", "paired", "staged", "at_least", "conjunction",
    "RunAdam",
]
