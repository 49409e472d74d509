r"""Sequential tests about a whole categorical law: "the law of X is π", "two samplers have the same law".

Both tests draw in the geometric looks of :func:`verifiers.sequential.design` and share
one stream of draws between all categories. The error budget ``alpha`` is split over
the looks (Bonferroni, as in :mod:`verifiers.sequential`) and, within a look, over the
``K`` categories: every category's interval at every look covers its true probability
simultaneously with probability at least :math:`1-\alpha`.

Decision at a look: ``refuted`` as soon as one category's interval excludes the claimed
probability (:func:`categorical`) or zero difference (:func:`same_law`); ``supported``
once every interval lies within ``resolution`` of the claim (so a law that differs by
``resolution`` or more in some category is never supported); ``inconclusive`` when the
last look is undecided. Intervals are Wilson score intervals for one sampler and normal
intervals for a difference of two independent proportions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from scipy import stats as sps

from verifiers.model import Context, Outcome, Resolution, instance
from verifiers.montecarlo import CHECK_ALPHA
from verifiers.sequential import FIRST_LOOK, GROWTH, design

#: Default budget: categorical draws are cheap, so up to this many times ``ctx.budget.samples``.
DRAWS_PER_SAMPLE = 10
#: ``draw(gen, size)``: a 1-D integer tensor of ``size`` i.i.d. category indices in ``0 .. K-1``.
Draw = Callable[[Any, int], torch.Tensor]


class _Counts:
    """Category counts of a sampler, accumulated across looks (only the missing draws are taken)."""

    def __init__(self, draw: Draw, gen: Any, categories: int, batch: int = 1 << 16) -> None:
        self.draw, self.gen, self.batch = draw, gen, batch
        self.counts = torch.zeros(categories, dtype=torch.float64)
        self.n = 0

    def __call__(self, n: int) -> torch.Tensor:
        while self.n < n:
            size = min(self.batch, n - self.n)
            x = self.draw(self.gen, size).reshape(-1).long().cpu()
            if x.numel() and (int(x.min()) < 0 or int(x.max()) >= self.counts.numel()):
                raise ValueError(f"a draw fell outside the categories 0..{self.counts.numel() - 1}")
            self.counts += torch.bincount(x, minlength=self.counts.numel()).double()
            self.n += int(x.numel())
        return self.counts / self.n


def wilson(p_hat: torch.Tensor, n: int, z: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Wilson score interval of binomial proportions ``p_hat`` from ``n`` draws at critical value ``z``."""
    centre = (p_hat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * torch.sqrt(p_hat * (1 - p_hat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def categorical(
    ctx: Context,
    draw: Draw,
    pi: Sequence[float],
    *,
    resolution: float | None = None,
    what: str = "the law",
    max_samples: int | None = None,
    first: int = FIRST_LOOK,
    alpha: float = CHECK_ALPHA,
) -> Outcome:
    """Sequential goodness-of-fit test of "the law of ``draw`` is ``pi``" with one error budget.

    Parameters
    ----------
    ctx : Context
        The check's context (its generator, budget and default resolution).
    draw : callable
        ``draw(gen, size)``: ``size`` i.i.d. category indices.
    pi : sequence of float
        The claimed probabilities (``K`` categories).
    resolution : float, optional
        Largest tolerated ``|P(X = k) - pi_k|`` (default ``ctx.budget.rel_resolution * min(pi)``,
        or ``* max(pi)`` when some ``pi_k`` is 0).
    what, max_samples, first, alpha
        As for :func:`verifiers.sequential.sequential_compare`; ``max_samples`` defaults to
        ``DRAWS_PER_SAMPLE * ctx.budget.samples`` draws.
    """
    probs = torch.as_tensor(list(pi), dtype=torch.float64)
    if probs.numel() < 2 or bool((probs < 0).any()) or abs(float(probs.sum()) - 1) > 1e-9:
        raise ValueError(f"pi must be a probability vector with at least two categories, got {list(pi)}")
    positive = probs[probs > 0]
    res = resolution or ctx.budget.rel_resolution * float(positive.min() if positive.numel() == probs.numel()
                                                          else probs.max())
    counts = _Counts(draw, ctx.generator(), probs.numel())
    return _decide(ctx, lambda n: counts(n), lambda p, n, z: wilson(p, n, z), probs, res, what,
                   max_samples, first, alpha, counts)


def same_law(
    ctx: Context,
    draw_a: Draw,
    draw_b: Draw,
    categories: int,
    *,
    resolution: float | None = None,
    what: str = "the two laws",
    max_samples: int | None = None,
    first: int = FIRST_LOOK,
    alpha: float = CHECK_ALPHA,
) -> Outcome:
    """Sequential test of "``draw_a`` and ``draw_b`` have the same law" over ``categories`` categories.

    Each sampler gets its own stream (two generators seeded from the check's seed);
    ``resolution`` bounds the tolerated difference of any category's probability
    (default ``ctx.budget.rel_resolution / categories``).
    """
    gen_a, gen_b = ctx.generator(), torch.Generator(device=ctx.device)
    gen_b.manual_seed((ctx.seed * 2654435761 + 1) & 0x7FFFFFFF)
    a, b = _Counts(draw_a, gen_a, categories), _Counts(draw_b, gen_b, categories)
    res = resolution or ctx.budget.rel_resolution / categories

    def interval(diff: torch.Tensor, n: int, z: float) -> tuple[torch.Tensor, torch.Tensor]:
        pa, pb = a.counts / a.n, b.counts / b.n
        half = z * torch.sqrt((pa * (1 - pa) + pb * (1 - pb)) / n + 1.0 / (n * n))
        return diff - half, diff + half

    return _decide(ctx, lambda n: a(n) - b(n), interval, torch.zeros(categories, dtype=torch.float64), res, what,
                   max_samples, first, alpha, a)


def _decide(ctx: Context, estimate: Callable[[int], torch.Tensor],
            interval: Callable[[torch.Tensor, int, float], tuple[torch.Tensor, torch.Tensor]],
            claimed: torch.Tensor, resolution: float, what: str, max_samples: int | None, first: int,
            alpha: float, counts: _Counts) -> Outcome:
    plan = design(max_samples or DRAWS_PER_SAMPLE * ctx.budget.samples, first=first, growth=GROWTH, alpha=alpha)
    k = claimed.numel()
    for j, (n, a_look) in enumerate(zip(plan.looks, plan.alphas), 1):
        z = float(sps.norm.isf(a_look / (2 * k)))
        value = estimate(n)
        low, high = interval(value, n, z)
        outside = (claimed < low) | (claimed > high)
        inside = ((high - claimed).abs() <= resolution) & ((low - claimed).abs() <= resolution)
        last = j == len(plan.looks)
        if not (bool(outside.any()) or bool(inside.all()) or last):
            continue
        stats = {"estimate": value.tolist(), "ci_low": low.tolist(), "ci_high": high.tolist(),
                 "claimed": claimed.tolist(), "samples": n, "looks": j, "max_looks": len(plan.looks),
                 "alpha": plan.alpha, "categories": k, "resolution": resolution}
        common = {"statistics": stats, "resolution": Resolution(resolution, "a category's probability", plan.alpha),
                  "scope": instance(f"{what}, {k} categories")}
        text = f"{what}: {k} categories, {n} draws (look {j}/{len(plan.looks)}, level {plan.alpha:.0e} in all)"
        if bool(outside.any()):
            worst = int(((value - claimed).abs() * outside).argmax())
            return Outcome(verdict="refuted", **common,
                           counterexample={"category": worst, "estimate": float(value[worst]),
                                           "ci": [float(low[worst]), float(high[worst])],
                                           "claimed": float(claimed[worst])},
                           reason=f"{text}: category {worst} has probability in [{float(low[worst]):.4g}, "
                                  f"{float(high[worst]):.4g}], not {float(claimed[worst]):.4g}")
        if bool(inside.all()):
            return Outcome(verdict="supported", **common,
                           reason=f"{text}: every category within {resolution:.2g} of the claim")
        return Outcome(verdict="inconclusive", **common,
                       reason=f"{text}: consistent with the claim but not resolved to {resolution:.2g}; "
                              "use a larger profile")
    raise AssertionError("unreachable: the last look always decides")

__all__ = [
    "DRAWS_PER_SAMPLE", "Draw", "wilson", "categorical", "same_law",
]
