r"""Softmax-family losses, sparse ones included, are DCG-consistent.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results" and "Mechanism 3"). The
paper's body is not available to us; this is our formalization of the seed sentences.

Hypothesis: given :math:`x`, graded relevances :math:`G\in\mathbb R_{\ge0}^n\setminus\{0\}` are random;
:math:`L(s;G)=\sum_i\frac{G_i}{\mathrm{IDCG}(G)}\ell_\Omega(s;e_i)` with :math:`\ell_\Omega` the
Fenchel–Young loss of softmax, sparsemax or 1.5-entmax; :math:`s^*` minimizes
:math:`\mathbb E_G L(s;G)`.

Conclusion: ranking the items by decreasing :math:`s^*` maximizes the expected NDCG
:math:`\mathbb E_G[\mathrm{DCG}(\pi,G)/\mathrm{IDCG}(G)]` over all permutations :math:`\pi`.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from claims.pu2026.calibration import STARTS, warm_starts
from claims.pu2026.classification_calibration import LOSS_OPTIONS
from claims.pu2026.ranking import (
    Law,
    best_expected_ndcg,
    expected_ndcg,
    law_arrays,
    listnet_target,
    relevance_laws,
    utilities,
)
from claims.pu2026.risk import DENSE_ONLY, SSM_K, scaled
from claims.pu2026.risk_newton import RiskModel, newton
from verifiers import (
    SOURCE_STATEMENT,
    Budget,
    Choices,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    Resolution,
    check,
    claim,
)
from verifiers import property as prop

#: Smallest number of items; the largest grows with the profile (brute force over n! rankings).
MIN_N = 3
#: Largest relevance grade and most support points of the distribution of G.
MAX_GRADE, MAX_SUPPORT = 3, 3
def ndcg_tolerance(budget: Budget) -> float:
    """Loss of expected NDCG read as a violation: 1e-9 at quick, 2e-10 at standard, 6e-11 at thorough (values
    are in [0, 1]; the minimizers are stationary to ~1e-11, so ranking errors from rounding stay far below)."""
    return 2e-8 * budget.rel_resolution
#: Scores closer than this are tied (the minimizers are accurate to ~1e-11).
SCORE_TIE = 1e-9
#: The losses a user may name: the calibration claims' and ListNet (softmax cross-entropy on G / sum G).
DCG_LOSS_OPTIONS = (*LOSS_OPTIONS, "listnet")


def max_items(budget: Budget) -> int:
    """Largest n searched: 5 at quick, 6 at standard, 7 at thorough (n! rankings each)."""
    return {"quick": 5, "standard": 6}.get(budget.name, 7)


DCG_CONSISTENCY = claim(
    id="pu2026/dcg-consistency",
    title="Softmax-family losses (sparse ones included) are DCG-consistent",
    statement=r"s^*\in\arg\min_s\mathbb{E}_G\sum_i\frac{G_i}{\mathrm{IDCG}(G)}\ell_\Omega(s;e_i)\ \Longrightarrow\ "
              r"\mathrm{argsort}(-s^*)\in\arg\max_\pi\mathbb{E}_G\frac{\mathrm{DCG}(\pi,G)}{\mathrm{IDCG}(G)},"
              r"\qquad\mathrm{DCG}(\pi,G)=\sum_{r=1}^n\frac{G_{\pi(r)}}{\log_2(1+r)}",
    reference=Reference("pu2026", "Consistency",
                        "Softmax losses are classification-calibrated, Top-k calibrated, and DCG-consistent"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable), following the catalogue: linear gains G_i and "
          "discount 1/log2(1+rank); the loss is the relevance-weighted FY loss, whose conditional risk is the FY "
          "risk with weights u_i = E[G_i/IDCG(G)]. The distribution of G given x is a finite mixture of "
          f"1..{MAX_SUPPORT} non-zero grade vectors in {{0..{MAX_GRADE}}}^n with weights 1..9, n from {MIN_N} to 5 "
          "(quick), 6 (standard), 7 (thorough); half of the laws are structured (one item relevant alone against "
          "all the others relevant together, the family where IDCG(G)/sum G varies most), and every item is "
          "relevant in some vector (u > 0, so every loss has minimizers). The risk is minimized by damped Newton "
          f"steps (claims.pu2026.risk_newton) from {STARTS} starts near the closed-form minimizer set (Newton "
          "verifies stationarity, so a wrong closed form would cost iterations, not correctness), and every "
          "converged minimizer's rankings (scores within 1e-9 tied, ties broken by index and by reverse index) "
          "are scored against the best of all n! permutations by brute force, with expected NDCG computed per "
          "support point (not through u). Ties in u are not errors because they cannot change expected NDCG. "
          "Tolerance (the resolution) 1e-9 at quick, 2e-10 at standard, 6e-11 at thorough. 20 % of the "
          "profile's Hypothesis examples. The claim cannot see the discount itself (every decreasing discount is "
          "consistent with its own u); the discount's values are pinned by the unit tests of "
          "claims.pu2026.ranking. "
          f"Controls: sampled softmax ({SSM_K} negatives, proposal q with integer weights 1..9, drawn with G) "
          "without log q correction ranks by u/q; ListNet (softmax cross-entropy against the sum-normalized "
          "target G/sum G, Cao et al. 2007, ICML) ranks by v_i = E[G_i/sum_j G_j], a target a reader may believe "
          "equivalent, which is NDCG-inconsistent (for n = 4: G = (1,0,1,1) with probability 0.7 and (0,1,0,0) "
          "with probability 0.3 give v_1 > v_0 but u_0 > u_1). Neither control is stated by the seed. NDCG@K "
          "for K < n is another matter: see pu2026/ndcg-at-k.",
    params={"losses": Choices(("softmax", "sparsemax", "entmax15"), DCG_LOSS_OPTIONS,
                              doc="losses whose conditional-risk minimizers are checked")},
    negative_controls=(
        NegativeControl("ssm-uncorrected", {"losses": ("ssm-uncorrected",)},
                        "sampled softmax without log q correction ranks items by u/q instead of u"),
        NegativeControl("listnet", {"losses": ("listnet",)},
                        "ListNet's target E[G/sum G] is not E[G/IDCG(G)]: ranking by it loses expected NDCG",
                        source_reading=False),
    ),
    tags=("consistency", "ranking"),
)

#: A relevance law in exact form (grade vectors, integer weights) and the proposal q of the sampled softmax.
Case = tuple[Law, np.ndarray]


@st.composite
def cases(draw: st.DrawFn, max_n: int) -> Case:
    """A relevance law in which every item is relevant somewhere (so u, v > 0), and a proposal q."""
    law = draw(relevance_laws(MIN_N, max_n, MAX_GRADE, MAX_SUPPORT, cover=True))
    weights = np.array(draw(st.lists(st.integers(1, 9), min_size=len(law[0][0]), max_size=len(law[0][0]))))
    return law, weights / weights.sum()   # integer weights: quick to shrink


def rankings(s: np.ndarray) -> np.ndarray:
    """The rankings by decreasing ``s`` with scores within :data:`SCORE_TIE` tied, ties broken by index and by
    reverse index (the two extremes a tie-breaking rule can take)."""
    tied = np.round(s / SCORE_TIE) * SCORE_TIE
    forward = np.argsort(-tied, kind="stable")
    backward = len(s) - 1 - np.argsort(-tied[::-1], kind="stable")
    return np.stack([forward, backward])


def risk_weights(loss: str, grades: np.ndarray, probs: np.ndarray) -> tuple[str, np.ndarray]:
    """The FY (or SSM) loss and the label weights of a loss's conditional risk: u, or v for ListNet."""
    if loss == "listnet":
        return "softmax", listnet_target(grades, probs)
    return loss, utilities(grades, probs)


@check(DCG_CONSISTENCY, "property")
def dcg_property(ctx: Context) -> Outcome:
    """Brute force: ranking by each numerical minimizer attains the best expected NDCG over all n! rankings."""
    losses = tuple(ctx["losses"])
    counts = {"minimizers_judged": 0, "without_minimizer": 0, "not_converged": 0}
    tolerance = ndcg_tolerance(ctx.budget)

    def holds(case: Case) -> bool | str:
        law, q = case
        grades, probs = law_arrays(law)
        best, _ = best_expected_ndcg(grades, probs)
        gen = ctx.generator()  # fresh per example: the same example always gets the same starts
        for name in losses:
            loss, w = risk_weights(name, grades, probs)
            if loss in DENSE_ONLY and w.min() <= 0:
                counts["without_minimizer"] += 1
                continue
            found = newton(RiskModel(loss, w, q, SSM_K), warm_starts(loss, w / w.sum(), q, gen))
            if not found.converged.all():
                counts["not_converged"] += 1
                continue
            counts["minimizers_judged"] += 1
            for s in found.points:
                orders = rankings(s)
                values = expected_ndcg(orders, grades, probs)
                if values.min() < best - tolerance:
                    worst = int(np.argmin(values))
                    return (f"{name}: ranking {orders[worst].tolist()} by s* = {np.round(s, 6).tolist()} (ties within "
                            f"{SCORE_TIE:g} broken by {('index', 'reverse index')[worst]}) has expected NDCG "
                            f"{values[worst]:.6f} < best {best:.6f} (weights {np.round(w, 6).tolist()})")
        return True

    top_n = max_items(ctx.budget)
    outcome = prop.forall(scaled(ctx), cases(top_n), holds, what="ranking by s* maximizes expected NDCG")
    stats = {**outcome.statistics, **counts}
    verdict, reason = outcome.verdict, outcome.reason
    if verdict == "supported" and counts["not_converged"]:
        verdict, reason = "inconclusive", f"{reason}, but {counts['not_converged']} minimizations did not converge"
    if verdict == "supported" and not counts["minimizers_judged"]:
        verdict, reason = "inconclusive", "no (distribution, loss) pair had a minimizer to judge"
    explored = {**outcome.explored, "n_range": [MIN_N, top_n], "grades": [0, MAX_GRADE],
                "support_points": [1, MAX_SUPPORT], "losses": list(losses)}
    return outcome.but(verdict=verdict, reason=reason, statistics=stats, explored=explored,
                       resolution=Resolution(tolerance, "expected NDCG (a ranking this far below the best is a "
                                                       "violation)"))
