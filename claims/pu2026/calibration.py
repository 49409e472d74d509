r"""Top-k calibration of a conditional risk, in the gap form and in the minimizer form.

For :math:`\eta\in\Delta^n` separated at :math:`k` (:math:`\eta_{[k]}>\eta_{[k+1]}`), let :math:`T` be the
:math:`k` largest classes of :math:`\eta` and :math:`W_k=\{s:\mathrm{top}_k(s)\ne T\}` the wrong-order
region. Its closure is the union of the half-spaces :math:`H_{ij}=\{s:s_j\ge s_i\}`, :math:`i\in T`,
:math:`j\notin T`, each convex. The standard definition (Zhang 2004, JMLR 5; Tewari & Bartlett 2007, JMLR 8;
Yang & Koyejo 2020, ICML, for top-k) is the *gap form*

.. math:: \inf_{s\in W_k}R_\eta(s)=\min_{i\in T,\,j\notin T}\ \inf_{s\in H_{ij}}R_\eta(s)\ >\ \inf_sR_\eta(s).

Each :math:`\inf_{H_{ij}}R_\eta` is a convex problem with one linear constraint. It is solved by an active-set
step: Newton on the hyperplane :math:`s_i=s_j` (:mod:`claims.pu2026.risk_newton`), whose multiplier
:math:`\hat\lambda=(\partial_jR-\partial_iR)/2` must be :math:`\ge0`; otherwise the constrained optimum is
interior, hence a global minimizer, and the gap is 0. For a Fenchel–Young risk the solver's tolerance is
checked by weak duality: for :math:`\lambda\in[0,\eta_i]`,
:math:`\inf_{H_{ij}}R_\eta\ge-\Omega(\eta+\lambda(e_j-e_i))` and :math:`\inf R_\eta=-\Omega(\eta)` exactly, so
:math:`\Omega(\eta)-\Omega(\eta+\hat\lambda(e_j-e_i))` is a certified lower bound of the gap and the
primal value an upper bound; their difference must be below :data:`DUALITY_TOL`.

The *minimizer form* (every minimizer :math:`s^*` has :math:`\mathrm{top}_k(s^*)=T`) follows from the gap form
whenever minimizers exist; it is checked as well, at minimizers found from random starts (which sample the
non-unique minimizers of the sparse losses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from hypothesis import strategies as st

from claims.pu2026.risk import DENSE_ONLY, FY_LOSSES, SSM_K, SSM_LOSSES, population_minimizer, topk_violation
from claims.pu2026.risk_newton import RiskModel, newton
from verifiers import Budget, Outcome, Premise, Resolution
from verifiers.strategies import dims, simplex

Array = np.ndarray

#: A gap whose upper bound is at or below this is read as 0 (a violation).
ZERO_GAP = 1e-13
#: Largest primal-dual gap (primal value minus dual bound) accepted from the constrained solver.
DUALITY_TOL = 1e-11
#: A multiplier below minus this is negative (the constraint is not active: the gap is 0).
MULTIPLIER_TOL = 1e-9
#: Up to this n every pair (i in T, j not in T) is solved; beyond it the adjacent pair (see wrong_order_pairs).
ALL_PAIRS_MAX_N = 6
#: Starts of the unconstrained minimization (see warm_starts) and the spread of the perturbed one.
STARTS, PERTURBATION = 3, 0.1
#: Share of the profile's Hypothesis examples the calibration searches use (45 at quick, 180 at standard).
EXAMPLE_SHARE = 0.3
#: Largest n for the sampled-softmax losses (their exact risk enumerates C(n + k - 1, k) candidate multisets).
SSM_MAX_N = 6
#: The families of posteriors the searches draw.
KINDS = ("dense", "sparse", "peaked", "ties", "near-ties")
#: Absolute differences a near tie puts between two classes (below the separation they count as ties).
NEAR_TIE_GAPS = (1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)


#: What the gap form uses without checking it (the swap argument is checked by the unit tests).
PREMISES = (
    Premise("for a closed convex Omega, Omega** = Omega, so inf_s Omega*(s) - <eta, s> = -Omega(eta) and, for "
            "lambda >= 0, inf_s R_eta(s) - lambda (s_j - s_i) = -Omega(eta + lambda (e_j - e_i)) (weak duality "
            "bound)", "Rockafellar, Convex Analysis, 1970, Thm. 12.2"),
    Premise("for a convex problem with a linear inequality constraint, a point satisfying the KKT conditions "
            "(stationarity on the boundary with a multiplier >= 0) is optimal",
            "Boyd & Vandenberghe, Convex Optimization, 2004, Sec. 5.5.3"),
)


def separation(budget: Budget) -> float:
    r"""Smallest :math:`\eta_{[k]}-\eta_{[k+1]}` treated as a separation: finer at larger profiles.

    ``2e-3 * rel_resolution``: 1e-4 at quick, 2e-5 at standard, 6e-6 at thorough. The gap then is at
    least about :math:`\delta^2/4\ge 9\cdot10^{-12}`, far above :data:`ZERO_GAP`.
    """
    return 2e-3 * budget.rel_resolution


def max_dimension(budget: Budget, losses: tuple[str, ...]) -> int:
    """Largest n drawn: the profile's ``max_n``, or :data:`SSM_MAX_N` when a sampled-softmax loss is checked."""
    return min(budget.max_n, SSM_MAX_N) if any(loss in SSM_LOSSES for loss in losses) else budget.max_n


def omega_terms(loss: str, p: Array) -> Array:
    r"""The separable regularizer term by term: :math:`\Omega(p)=\sum_i\omega(p_i)` (up to a constant)."""
    p = np.asarray(p, dtype=np.float64)
    if loss == "softmax":
        return np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    if loss == "sparsemax":
        return 0.5 * p * p
    return (np.maximum(p, 0.0) ** 1.5 - p) / 0.75


def infimum(loss: str, eta: Array) -> float:
    r"""Exact :math:`\inf_sR_\eta(s)=-\Omega(\eta)` of a Fenchel–Young risk (:math:`\Omega(e_y)=0`)."""
    constant = {"softmax": 0.0, "sparsemax": -0.5, "entmax15": 0.0}[loss]
    return -float(omega_terms(loss, eta).sum() + constant)


def wrong_order_pairs(eta: Array, k: int, every_pair: bool) -> Array:
    r"""Pairs :math:`(i,j)`, :math:`i\in T`, :math:`j\notin T`, whose half-spaces cover the closure of :math:`W_k`.

    With ``every_pair`` all of them. Otherwise only the adjacent pair (the :math:`k`-th and
    :math:`(k+1)`-th class of :math:`\eta`): for a permutation-invariant :math:`\Omega^*`, swapping
    coordinates :math:`i,i'` of :math:`s\in H_{ij}` with :math:`\eta_i\ge\eta_{i'}` gives a point of
    :math:`H_{i'j}` whose risk is lower by :math:`(\eta_i-\eta_{i'})(s_{i'}-s_i)\ge0` (or :math:`s` already lies in
    :math:`H_{i'j}`), so the adjacent pair attains the minimum over pairs.
    """
    order = np.argsort(-eta, kind="stable")
    if not every_pair:
        return np.array([[order[k - 1], order[k]]])
    return np.array([[i, j] for i in order[:k] for j in order[k:]])


@dataclass(frozen=True)
class PairGap:
    """The gap of one half-space :math:`H_{ij}` at one :math:`k`: bounds, multiplier, status."""

    loss: str
    k: int
    i: int
    j: int
    lower: float
    upper: float
    multiplier: float
    status: str  # "positive", "zero" or "unresolved"


def pair_gaps(loss: str, eta: Array, q: Array, ks: list[int], warm: Array, inf_r: float,
              active: Array | None = None) -> list[PairGap]:
    r"""Solve :math:`\inf_{H_{ij}}R_\eta` for every pair of every ``k`` and bound the gaps.

    ``warm`` is a (near-)minimizer to start from; ``inf_r`` the infimum of the risk (exact for Fenchel–Young
    losses, numerical for the sampled softmax, whose gaps are then not certified); ``active`` masks the classes
    of zero weight of a softmax risk (they act as :math:`-\infty`, the limit its risk decreases to), and class
    :math:`j` is always active.
    """
    every = len(eta) <= ALL_PAIRS_MAX_N
    found = [(k, pair) for k in ks for pair in wrong_order_pairs(eta, k, every)]
    if not found:
        return []
    pairs = np.array([pair for _, pair in found])
    rows = np.arange(len(pairs))
    starts = np.repeat(warm[None, :], len(pairs), 0)
    mask = None
    if active is not None:
        mask = np.repeat(active[None, :], len(pairs), 0)
        mask[rows, pairs[:, 1]] = True
        starts = np.where(mask & ~active[None, :], starts[rows, pairs[:, 0]][:, None], starts)
    solution = newton(RiskModel(loss, eta, q, SSM_K), starts, pairs=pairs, active=mask)
    lam, upper = solution.multipliers, solution.values - inf_r
    i, j = pairs[:, 0], pairs[:, 1]
    if loss in FY_LOSSES:
        step = np.clip(lam, 0.0, eta[i])
        lower = (omega_terms(loss, eta[i]) + omega_terms(loss, eta[j])
                 - omega_terms(loss, eta[i] - step) - omega_terms(loss, eta[j] + step))
        certified = upper - lower <= DUALITY_TOL
    else:
        lower, certified = upper, np.ones(len(pairs), dtype=bool)
    ok = solution.converged
    zero = ok & ((lam < -MULTIPLIER_TOL) | (upper <= ZERO_GAP))
    positive = ok & ~zero & (lower > ZERO_GAP) & certified
    status = np.where(zero, "zero", np.where(positive, "positive", "unresolved"))
    return [PairGap(loss, k, int(a), int(b), float(lo), float(up), float(m), str(st_))
            for (k, _), a, b, lo, up, m, st_ in zip(found, i, j, lower, upper, lam, status)]


def warm_starts(loss: str, eta: Array, q: Array, gen: torch.Generator, spread: float = PERTURBATION) -> Array:
    r"""Three starting points near the minimizer set of :math:`R_\eta`, drawn on ``gen``.

    From the closed-form minimizer of :func:`~claims.pu2026.risk.population_minimizer` (only a start: Newton
    then verifies stationarity, so a wrong closed form costs iterations, not correctness): (0) as is, classes
    off the support 1 below it; (1) the classes off the support spread
    at random below the support (some land above the threshold and are pushed down to it, the boundary of the
    minimizer set); (2) the minimizer of a perturbed posterior :math:`\eta\,e^{\sigma Z}` (normalized).
    """
    n = len(eta)
    noise = torch.randn(2, n, dtype=torch.float64, generator=gen, device=gen.device).cpu().numpy()
    base = population_minimizer(loss, eta, q)
    support = np.isfinite(base)
    low = np.nanmin(np.where(support, base, np.nan))
    first = np.where(support, base, low - 1.0)
    second = np.where(support, base, low - 2.0 * np.abs(noise[0]))
    tilted = eta * np.exp(spread * noise[1])
    third = population_minimizer(loss, tilted / tilted.sum(), q)
    third = np.where(np.isfinite(third), third, low - 1.0)
    return np.stack([first, second, third])


@st.composite
def posteriors(draw: st.DrawFn, min_n: int, max_n: int, dense: bool = False) -> tuple[Array, Array, str]:
    r"""A posterior :math:`\eta` of one of :data:`KINDS` (no ``sparse`` when ``dense``), a full-support
    proposal :math:`q` of the same length, and the kind's name.

    ``near-ties`` puts two classes :math:`\delta\in` :data:`NEAR_TIE_GAPS` apart; the other kinds get an exact
    tie between two random classes half of the time.
    """
    n = draw(dims(min_n, max(min_n, max_n)))
    kind = draw(st.sampled_from([k for k in KINDS if not (dense and k == "sparse")]))
    eta = draw(simplex(size=n, kind="dense" if kind == "near-ties" else kind))
    i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
    if kind == "near-ties" and i != j:
        eta = eta.copy()
        eta[j] = eta[i] + draw(st.sampled_from(NEAR_TIE_GAPS))
    elif n >= 3 and draw(st.booleans()) and eta[i] > 0:
        eta = eta.copy()
        eta[j] = eta[i]
    return eta / eta.sum(), draw(simplex(size=n, kind="dense")), kind


@dataclass
class Ledger:
    """What the calibration searches judged, for the Evidence: counts, smallest gaps, explored ranges."""

    margin: float
    minimizers_judged: int = 0
    without_minimizer: int = 0
    not_converged: int = 0
    pairs_positive: int = 0
    pairs_unresolved: int = 0
    smallest_gap: float = np.inf
    smallest_separation: float = np.inf
    largest_k: int = 0
    sizes: set[int] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)

    def judge(self, loss: str, eta: Array, q: Array, ks: list[int], gen: torch.Generator) -> str | None:
        """Check both forms for one loss at one posterior; the reason for a violation, or ``None``."""
        n = len(eta)
        ordered = np.sort(eta)[::-1]
        self.sizes.add(n)
        self.largest_k = max(self.largest_k, *ks)
        self.smallest_separation = min(self.smallest_separation, *(ordered[k - 1] - ordered[k] for k in ks))
        masked = loss in DENSE_ONLY and eta.min() <= 0
        if masked and loss != "softmax":
            self.without_minimizer += 1  # sampled softmax with a zero weight: no minimizer, no gap solved
            return None
        model = RiskModel(loss, eta, q, SSM_K)
        active = eta > 0 if masked else None
        found = newton(model, warm_starts(loss, eta, q, gen),
                       active=None if active is None else np.repeat(active[None], STARTS, 0))
        if not found.converged.all():
            self.not_converged += 1
            return None
        best = found.points[int(np.argmin(found.values))]
        inf_r = infimum(loss, eta) if loss in FY_LOSSES else float(found.values.min())
        if abs(float(found.values.min()) - inf_r) > DUALITY_TOL:
            self.pairs_unresolved += 1  # the numerical minimum disagrees with -Omega(eta)
            return None
        if masked:
            self.without_minimizer += 1
        else:
            self.minimizers_judged += 1
            for s in found.points:
                for k in ks:
                    if (why := topk_violation(s, eta, k)) is not None:
                        return f"{loss}: minimizer form: {why}"
        return self._gap_form(pair_gaps(loss, eta, q, ks, best, inf_r, active))

    def _gap_form(self, gaps: list[PairGap]) -> str | None:
        for gap in gaps:
            if gap.status == "zero":
                interior = " < 0: the constrained optimum is interior" if gap.multiplier < 0 else ""
                return (f"{gap.loss}: gap form: at k = {gap.k}, inf of R over the wrong-order half-space "
                        f"s_{gap.j} >= s_{gap.i} equals inf R (gap <= {gap.upper:.3g}, multiplier "
                        f"{gap.multiplier:.3g}{interior})")
        positive = [gap for gap in gaps if gap.status == "positive"]
        self.pairs_positive += len(positive)
        self.pairs_unresolved += len(gaps) - len(positive)
        if positive:
            self.smallest_gap = min(self.smallest_gap, min(gap.lower for gap in positive))
        return None

    def finish(self, outcome: Outcome, losses: tuple[str, ...]) -> Outcome:
        """Add counts, resolution and explored ranges; a pass with unjudged pairs is only inconclusive."""
        stats = {**outcome.statistics, "minimizers_judged": self.minimizers_judged,
                 "without_minimizer": self.without_minimizer, "not_converged": self.not_converged,
                 "gap_pairs_certified": self.pairs_positive, "gap_pairs_unresolved": self.pairs_unresolved,
                 "smallest_certified_gap": self.smallest_gap if np.isfinite(self.smallest_gap) else None}
        explored = {**outcome.explored, "n_range": [min(self.sizes), max(self.sizes)] if self.sizes else [],
                    "kinds": sorted(self.kinds), "largest_k": self.largest_k, "losses": list(losses),
                    "smallest_separation_tested": (self.smallest_separation
                                                   if np.isfinite(self.smallest_separation) else None),
                    "separation_threshold": self.margin,
                    "pairs": f"every (i, j) for n <= {ALL_PAIRS_MAX_N}, the adjacent pair above"}
        verdict, reason = outcome.verdict, outcome.reason
        unjudged = self.not_converged + self.pairs_unresolved
        if verdict == "supported" and unjudged:
            verdict = "inconclusive"
            reason = f"{reason}, but {unjudged} solves did not converge or certify their gap"
        if verdict == "supported" and not self.pairs_positive:
            verdict, reason = "inconclusive", "no (posterior, loss) pair had a gap to certify"
        resolution = Resolution(self.margin, "separation eta_[k] - eta_[k+1] (smaller ones are treated as ties)")
        return outcome.but(verdict=verdict, reason=reason, statistics=stats, explored=explored,
                           resolution=resolution, premises=PREMISES)
