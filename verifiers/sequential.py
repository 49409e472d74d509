r"""Sequential Monte Carlo: sample in growing rounds and stop as soon as the decision is clear.

Design. A group-sequential test with a fixed, small set of geometric looks
:math:`n_1 < n_2 < \dots < n_L = n_{\max}` (``n_{j+1} = \mathrm{growth}\cdot n_j``,
the last look capped at the budget ``max_samples``). At look :math:`j` the
estimator is evaluated on the first :math:`n_j` draws and a two-sided z-interval
at level :math:`\alpha_j` is formed.

Error control. The per-look levels are a Bonferroni split of the check's level
:math:`\alpha` (default :data:`verifiers.montecarlo.CHECK_ALPHA` = 1e-6):
the final look gets ``final_share`` of :math:`\alpha` (default one half), the
earlier looks share the rest equally, so :math:`\sum_j \alpha_j = \alpha`. By the
union bound the intervals of all looks cover the true value simultaneously with
probability at least :math:`1-\alpha`, whatever the dependence between looks and
whenever the procedure stops. Hence the per-check false-failure rate (refuting a
true claim) is at most :math:`\alpha`, and the suite-wide budget of
:mod:`verifiers.montecarlo` (1e-4 over at most 100 Monte Carlo decisions) is
unchanged by the multiple looks.

Decision at look :math:`j` (half-width :math:`h_j = z_j\,\mathrm{se}_j`):
``refuted`` if the interval excludes the claimed value; ``supported`` if it
lies within ``claimed ± resolution`` (:math:`|\hat\theta_j-\mathrm{claimed}|+h_j\le`
``resolution``); else draw more. When the last look is undecided the result is
``inconclusive``.

Power. On simultaneous coverage the truth lies inside a supporting interval, so a
claimed value at least ``resolution`` away from the truth is never ``supported``
(error rate at most :math:`\alpha`): ``resolution`` is the smallest deviation the
check detects, recorded as the Evidence's :class:`~verifiers.model.Resolution`.
It must not depend on the claimed value (pass a size derived from the problem,
e.g. ``ctx.budget.rel_resolution`` times a known scale), so that a larger profile
buys a finer resolution. The statistics also report the projected power of the
final look to refute a deviation of ``resolution``,
:math:`\Phi(\mathrm{resolution}/\mathrm{se}_L - z_L)` (two-sided), with
:math:`\mathrm{se}_L` projected from the latest look by the :math:`1/\sqrt n` law.

Equivalence tests. :func:`sequential_equivalence` tests "the true value lies
within ``margin`` of ``claimed``" with the same looks and levels: ``supported``
once the interval lies inside :math:`[\mathrm{claimed}-\mathrm{margin},
\mathrm{claimed}+\mathrm{margin}]`, ``refuted`` once it is disjoint from it, else
draw more (``inconclusive`` after the last look). On simultaneous coverage the
true value is inside the interval at the stopping look, so either wrong verdict
needs a non-covering interval: both error rates are at most :math:`\alpha`. No
separate resolution is needed: a decision is reached once the half-width is
below the distance between the truth and the nearer edge of the band.

The normal approximation is asymptotic; looks start at ``first`` (default 4096)
draws so that the central limit theorem is a reasonable guide. Estimators that
need more draws before their standard error is trustworthy (a variance, a fit
over several running means) should pass a larger ``first``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scipy import stats as sps

from verifiers.model import Context, Outcome, Resolution
from verifiers.montecarlo import CHECK_ALPHA, Estimate

#: An estimator: given the number of draws so far, an :class:`Estimate` based on them.
Estimator = Callable[[int], Estimate]

#: Default size of the first look.
FIRST_LOOK = 4096
#: Default ratio between successive looks.
GROWTH = 2.0


@dataclass(frozen=True)
class Design:
    """Looks (cumulative draws) and their Bonferroni levels; ``sum(alphas) == alpha``."""

    looks: tuple[int, ...]
    alphas: tuple[float, ...]

    @property
    def alpha(self) -> float:
        """The per-check error rate."""
        return float(sum(self.alphas))

    @property
    def z(self) -> tuple[float, ...]:
        """Two-sided critical values of the looks."""
        return tuple(float(sps.norm.isf(a / 2)) for a in self.alphas)


def design(max_samples: int, *, first: int = FIRST_LOOK, growth: float = GROWTH, alpha: float = CHECK_ALPHA,
           final_share: float = 0.5) -> Design:
    """Geometric looks ``first, first*growth, ...`` capped at ``max_samples``, with a Bonferroni split of ``alpha``.

    The last look is always ``max_samples`` and receives ``final_share`` of
    ``alpha`` (all of it when there is a single look).
    """
    if max_samples < 2 or growth <= 1 or not 0 < final_share <= 1 or not 0 < alpha < 1:
        raise ValueError("need max_samples >= 2, growth > 1, 0 < final_share <= 1 and 0 < alpha < 1")
    looks: list[int] = []
    n = float(max(2, first))
    while n < max_samples:
        looks.append(int(n))
        n *= growth
    looks.append(int(max_samples))
    if len(looks) == 1:
        return Design((looks[0],), (alpha,))
    early = alpha * (1 - final_share) / (len(looks) - 1)
    return Design(tuple(looks), (early,) * (len(looks) - 1) + (alpha * final_share,))


def sequential_compare(
    ctx: Context,
    estimator: Estimator,
    claimed: float,
    *,
    resolution: float,
    what: str,
    max_samples: int | None = None,
    first: int = FIRST_LOOK,
    growth: float = GROWTH,
    alpha: float = CHECK_ALPHA,
    unit: str = "draws",
    scale: float | None = None,
) -> Outcome:
    """Test ``claimed`` against ``estimator(n)`` at geometric looks; stop once refuted or resolved.

    Parameters
    ----------
    ctx : Context
        The check's context; ``ctx.budget.samples`` is the default ``max_samples``.
    estimator : callable
        ``estimator(n) -> Estimate`` based on the first ``n`` draws; called with
        increasing ``n`` (see :func:`running_mean`; a fitted quantity can wrap
        several running means).
    claimed : float
        The claimed value.
    resolution : float
        Smallest deviation from the truth that must not be supported: ``claimed`` is
        supported once the interval lies within ``claimed ± resolution``. Independent
        of ``claimed``.
    what : str
        Name of the estimated quantity, for the reason.
    max_samples, first, growth, alpha
        The design (see :func:`design`).
    unit : str
        What one of the ``n`` draws is, for the statistics.
    scale : float, optional
        The quantity's reference size, to state the resolution relatively.
    """
    if not resolution > 0:
        raise ValueError(f"the resolution must be positive, got {resolution!r}")
    plan = design(max_samples or ctx.budget.samples, first=first, growth=growth, alpha=alpha)
    for j, est, half, z, last in _looks(plan, estimator):
        if abs(est.value - claimed) > half or abs(est.value - claimed) + half <= resolution or last:
            return _decide(est, claimed, half, z, j, plan, resolution, what, unit, scale)
    raise AssertionError("unreachable: the last look always decides")


def _looks(plan: Design, estimator: Estimator) -> Iterator[tuple[int, Estimate, float, float, bool]]:
    """For each look: its number, the estimate, the interval half-width, the critical value, whether it is last."""
    for j, (n, z) in enumerate(zip(plan.looks, plan.z), 1):
        est = estimator(n)
        yield j, est, z * est.se, z, j == len(plan.looks)


def _design_stats(est: Estimate, half: float, z: float, look: int, plan: Design, unit: str) -> dict[str, Any]:
    """Statistics shared by the sequential tests: the interval and where the design stopped."""
    return {"estimate": est.value, "se": est.se, "ci_low": est.value - half, "ci_high": est.value + half,
            "n": est.n, "z_crit": z, "half_width": half, "alpha": plan.alpha, "alpha_look": plan.alphas[look - 1],
            "sequential": True, "samples": est.n, "unit": unit, "max_samples": plan.looks[-1], "looks": look,
            "max_looks": len(plan.looks)}


def sequential_equivalence(
    ctx: Context,
    estimator: Estimator,
    claimed: float,
    *,
    margin: float,
    what: str,
    max_samples: int | None = None,
    first: int = FIRST_LOOK,
    growth: float = GROWTH,
    alpha: float = CHECK_ALPHA,
    unit: str = "draws",
) -> Outcome:
    """Equivalence test of "the true value is within ``margin`` of ``claimed``", sequentially.

    ``supported`` once the look's interval lies inside ``[claimed - margin,
    claimed + margin]``, ``refuted`` once it is disjoint from that band, else
    draw more; ``inconclusive`` when the last look still straddles an edge.
    Both error rates are at most ``alpha`` (see the module docstring).

    Parameters
    ----------
    ctx, estimator, what, max_samples, first, growth, alpha, unit
        As for :func:`sequential_compare`.
    claimed : float
        Centre of the band.
    margin : float
        Half-width of the band (how near "near" is); positive.
    """
    if not margin > 0:
        raise ValueError("the equivalence margin must be positive")
    plan = design(max_samples or ctx.budget.samples, first=first, growth=growth, alpha=alpha)
    lo_band, hi_band = claimed - margin, claimed + margin
    for j, est, half, z, last in _looks(plan, estimator):
        low, high = est.value - half, est.value + half
        inside, outside = lo_band <= low and high <= hi_band, high < lo_band or low > hi_band
        if not (inside or outside or last):
            continue
        stats = {**_design_stats(est, half, z, j, plan, unit), "claimed": claimed, "margin": margin,
                 "equivalence": True, "distance_to_edge": margin - abs(est.value - claimed)}
        text = (f"{what} = {est.value:.5g}, interval [{low:.5g}, {high:.5g}] after {est.n} {unit} "
                f"(look {j}/{len(plan.looks)}, level {plan.alpha:.0e} over all looks)")
        common = {"resolution": Resolution(margin, what, plan.alpha)}
        if inside:
            return Outcome(verdict="supported", statistics=stats, **common,
                           reason=f"{text} lies within {margin:g} of the claimed {claimed:.5g}")
        if outside:
            return Outcome(verdict="refuted", statistics=stats, **common,
                           counterexample={"estimate": est.value, "ci": [low, high], "claimed": claimed,
                                           "margin": margin},
                           reason=f"{text} is more than {margin:g} away from the claimed {claimed:.5g}")
        return Outcome(verdict="inconclusive", statistics=stats, **common,
                       reason=f"{text} straddles an edge of claimed ± {margin:g}: use a larger profile")
    raise AssertionError("unreachable: the last look always decides")


def power_at(deviation: float, se: float, z: float) -> float:
    """Two-sided power of a z-test with critical value ``z`` and standard error ``se`` against ``deviation``."""
    if se == 0:
        return 1.0
    return float(sps.norm.sf(z - deviation / se) + sps.norm.cdf(-z - deviation / se))


def _decide(est: Estimate, claimed: float, half: float, z: float, look: int, plan: Design, resolution: float,
            what: str, unit: str, scale: float | None) -> Outcome:
    se_last = est.se * math.sqrt(est.n / plan.looks[-1]) if est.n > 0 else est.se
    diff = est.value - claimed
    zstat = diff / est.se if est.se > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    low, high = est.value - half, est.value + half
    relative = resolution / abs(scale) if scale else None
    stats: dict[str, Any] = {**_design_stats(est, half, z, look, plan, unit), "claimed": claimed, "z": zstat,
                             "resolution": resolution, "power": power_at(resolution, se_last, plan.z[-1])}
    common = {"statistics": stats, "resolution": Resolution(resolution, what, plan.alpha, relative)}
    text = f"{what} = {est.value:.4g} ± {half:.2g} after {est.n} {unit} (look {look}/{len(plan.looks)})"
    if abs(diff) > half:
        return Outcome(verdict="refuted", **common,
                       counterexample={"estimate": est.value, "ci": [low, high], "claimed": claimed},
                       reason=f"{text} excludes the claimed {claimed:.4g} (|z| = {abs(zstat):.1f} > {z:.1f}; "
                              f"level {plan.alpha:.0e} over all looks)")
    if abs(diff) + half <= resolution:
        return Outcome(verdict="supported", **common,
                       reason=f"{text} lies within the resolution {resolution:.2g} of the claimed {claimed:.4g} "
                              f"(level {plan.alpha:.0e} over all looks)")
    return Outcome(verdict="inconclusive", **common,
                   reason=f"{text} contains the claimed {claimed:.4g} but is not within its resolution "
                          f"{resolution:.2g}: use a larger profile")


class RunningMean:
    """Sample mean of i.i.d. draws ``draw(gen, size)`` accumulated across calls.

    Calling it with a total ``n`` draws only the missing ``n - count`` samples
    (in batches of at most ``batch``), so successive looks reuse earlier draws.
    Sums are shifted by the first batch's mean to avoid cancellation.
    """

    def __init__(self, draw: Callable[[Any, int], Any], gen: Any, batch: int = 1 << 16) -> None:
        self.draw, self.gen, self.batch = draw, gen, batch
        self.count, self.s1, self.s2 = 0, 0.0, 0.0
        self.shift: float | None = None

    def __call__(self, n: int) -> Estimate:
        while self.count < n:
            size = min(self.batch, n - self.count)
            x = self.draw(self.gen, size).double().reshape(-1)
            if self.shift is None:
                self.shift = float(x.mean())
            x = x - self.shift
            self.s1 += float(x.sum())
            self.s2 += float((x * x).sum())
            self.count += int(x.numel())
        return self.estimate()

    def estimate(self) -> Estimate:
        """The current mean and its standard error."""
        m = self.s1 / self.count
        var = max(self.s2 / self.count - m * m, 0.0) * self.count / max(self.count - 1, 1)
        return Estimate(m + (self.shift or 0.0), math.sqrt(var / self.count), self.count)


def running_mean(ctx: Context, draw: Callable[[Any, int], Any], *, gen: Any = None, batch: int = 1 << 16) -> RunningMean:
    """An :data:`Estimator` for the mean of ``draw(gen, size)`` (a 1-D torch tensor of i.i.d. draws).

    Uses ``gen`` if given (share one generator between several running means),
    else a fresh ``ctx.generator()``.
    """
    return RunningMean(draw, gen if gen is not None else ctx.generator(), batch)



class RunningVariance:
    r"""Sample variance of i.i.d. draws ``draw(gen, size)`` accumulated across calls, with its standard error.

    Like :class:`RunningMean` (only missing draws are taken; sums shifted by the
    first batch's mean), but keeps the first four power sums: the estimate is the
    unbiased sample variance :math:`\hat\sigma^2`, its standard error
    :math:`\sqrt{(\hat\mu_4-\hat\sigma^4)/m}`.
    """

    def __init__(self, draw: Callable[[Any, int], Any], gen: Any, batch: int = 1 << 16) -> None:
        self.draw, self.gen, self.batch = draw, gen, batch
        self.count, self.sums = 0, [0.0, 0.0, 0.0, 0.0]
        self.shift: float | None = None

    def __call__(self, n: int) -> Estimate:
        while self.count < n:
            size = min(self.batch, n - self.count)
            x = self.draw(self.gen, size).double().reshape(-1)
            if self.shift is None:
                self.shift = float(x.mean())
            x = x - self.shift
            power = x
            for j in range(4):
                self.sums[j] += float(power.sum())
                power = power * x if j < 3 else power
            self.count += int(x.numel())
        return self.estimate()

    def estimate(self) -> Estimate:
        """The current unbiased variance and its standard error (needs at least two draws)."""
        m = self.count
        r1, r2, r3, r4 = (v / m for v in self.sums)
        c2 = max(r2 - r1 * r1, 0.0)
        c4 = max(r4 - 4 * r1 * r3 + 6 * r1 * r1 * r2 - 3 * r1 ** 4, 0.0)
        var = c2 * m / max(m - 1, 1)
        return Estimate(var, math.sqrt(max(c4 - var * var, 0.0) / m), m)


def running_variance(ctx: Context, draw: Callable[[Any, int], Any], *, gen: Any = None,
                     batch: int = 1 << 16) -> RunningVariance:
    """An :data:`Estimator` for the variance of ``draw(gen, size)`` (see :class:`RunningVariance`)."""
    return RunningVariance(draw, gen if gen is not None else ctx.generator(), batch)

__all__ = [
    "Estimator", "FIRST_LOOK", "GROWTH", "Design", "design", "sequential_compare", "sequential_equivalence",
    "power_at", "RunningMean", "running_mean", "RunningVariance", "running_variance",
]
