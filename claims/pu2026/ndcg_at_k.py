r"""The NDCG-consistent target is not NDCG@K-consistent for a cutoff K < n.

Our finding, answering the seed's open question 1 (Pu, Lian & Chen, arXiv 2601.22745; seed: structured
summary, "Open Questions the Paper Calls Out"): "Can the theoretical gap between Top-K calibration guarantees
and position-sensitive ranking metrics like NDCG@K be bridged through new surrogate losses or calibration
frameworks?"

Hypothesis: a finite distribution of graded relevances :math:`G\in\mathbb Z_{\ge0}^n\setminus\{0\}`; the target
:math:`u_i=\mathbb E[G_i/\mathrm{IDCG}(G)]`, whose order every DCG-consistent loss of pu2026/dcg-consistency
reproduces; a cutoff :math:`K` (``K=1`` by default).

Conclusion: for :math:`K<n` there is a distribution such that no ranking that sorts :math:`u` decreasingly
maximizes :math:`\mathbb E[\mathrm{NDCG@K}]`; for :math:`K=n` there is none (every sorting of :math:`u` is
optimal), which is the negative control.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.pu2026.ranking import (
    Law,
    exact_expected_ndcg,
    exact_expected_ndcgs,
    exact_utilities,
    expected_ndcg,
    law_arrays,
    permutations,
    relevance_laws,
    surely_less,
    utilities,
)
from verifiers import (
    OUR_FINDING,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)
from verifiers import property as prop

#: Cutoffs a user may name; ``n`` is the full NDCG (K equal to the number of items).
K_OPTIONS = ("1", "2", "3", "4", "5", "n")
#: Largest number of items searched (n! rankings each), largest grade and most support points.
MAX_N, MAX_GRADE, MAX_SUPPORT = 7, 3, 3
#: Largest difference between a float value and its exact interval (float rounding only).
AGREEMENT = 1e-12
#: Float margins of the witness search: u values this close may be tied; a ranking must lose this much.
TIE_TOL, LOSS_TOL = 1e-12, 1e-9

#: A witness: a relevance law in exact form (grade vectors, integer weights).
Witness = Law

#: Stored witnesses, n = K + 2: item 0 relevant alone (grade vector e_0, probability p_2), items 1..K+1
#: relevant together (probability p_1), with IDCG(G1)^-1 p_1 < p_2 < IDCG@K(G1)^-1 p_1: u puts item 0 first,
#: but expected NDCG@K is larger with K of the others on top (p_1 against p_2 + p_1 (1 - 1/IDCG@K(G1))).
WITNESSES: dict[int, Witness] = {
    1: (((0, 1, 1), (1, 0, 0)), (5, 4)),
    2: (((0, 1, 1, 1), (1, 0, 0, 0)), (13, 7)),
    3: (((0, 1, 1, 1, 1), (1, 0, 0, 0, 0)), (7, 3)),
    4: (((0, 1, 1, 1, 1, 1), (1, 0, 0, 0, 0, 0)), (11, 4)),
    5: (((0, 1, 1, 1, 1, 1, 1), (1, 0, 0, 0, 0, 0, 0)), (25, 8)),
}

QUESTION = ("Can the theoretical gap between Top-K calibration guarantees and position-sensitive ranking metrics "
            "like NDCG@K be bridged through new surrogate losses or calibration frameworks?")

NDCG_AT_K = claim(
    id="pu2026/ndcg-at-k",
    title="The NDCG-consistent target E[G/IDCG(G)] is not NDCG@K-consistent for K < n",
    statement=r"K<n:\ \exists\,\text{finite law of }G\ \text{such that}\ \max_{\pi\ \text{sorts}\ u}"
              r"\mathbb{E}\,\mathrm{NDCG@K}(\pi,G)<\max_\pi\mathbb{E}\,\mathrm{NDCG@K}(\pi,G),"
              r"\qquad u_i=\mathbb{E}\Big[\frac{G_i}{\mathrm{IDCG}(G)}\Big],\ "
              r"\mathrm{NDCG@K}(\pi,G)=\frac{\sum_{r\le K}G_{\pi(r)}/\log_2(1+r)}{\mathrm{IDCG@K}(G)}",
    reference=Reference("pu2026", "Open Questions the Paper Calls Out", QUESTION),
    origin=OUR_FINDING,
    notes="Our own finding, a partial answer to the seed's open question 1 (quoted): the target u that makes the "
          "softmax-family losses DCG-consistent (pu2026/dcg-consistency: full NDCG, K = n) does not make them "
          "NDCG@K-consistent for a cutoff K < n, so top-k calibration plus DCG consistency do not bridge the gap "
          "by themselves. Expected NDCG@K of a ranking equals the sum over ranks r <= K of d_r w_pi(r), with "
          "w_i = E[G_i/IDCG@K(G)], a different target whenever IDCG@K(G)/IDCG(G) varies with G. Witness: item 0 "
          "relevant alone with probability p_2, items 1..K+1 relevant together with probability p_1, "
          "p_1/IDCG(G1) < p_2 < p_1/IDCG@K(G1) (stored for K = 1..5 with rational probabilities). The symbolic "
          "check re-verifies the stored witness exactly: grades are integers, probabilities fractions, and the "
          "irrational discounts 1/log2(1+r) are enclosed in 200-bit intervals (mpmath.iv), so every comparison "
          "decided on disjoint intervals is a proof, and the float values of the search must agree with the "
          "exact ones to 1e-12 (a cross-check that also catches a wrong discount); the rankings that may sort u "
          "are all those consistent with the u intervals (a possible tie allows both orders). The property "
          "check searches relevance laws "
          f"(n from K+1 to min(K+3, {MAX_N}), 1..{MAX_SUPPORT} grade vectors in {{0..{MAX_GRADE}}}^n, integer "
          "weights 1..9), brute-forces all n! rankings per law (expected NDCG@K per support point), and "
          "re-verifies the shrunk witness exactly as above. Half of the laws are structured (one item "
          "relevant alone against all the others relevant together, plus a random vector a quarter of the "
          "time), the others random; each law costs one brute force, so the search uses all the profile's "
          "examples. Control K = n: then w = u, expected NDCG is the sum over r of d_r u_pi(r) and the "
          "rearrangement inequality makes every sorting of u optimal: no witness exists. The symbolic check "
          "refutes the existence claim (the witness search can only find witnesses, so it does not bear on "
          "this variant).",
    params={"K": Choice("1", K_OPTIONS, doc="the cutoff K of NDCG@K; 'n' is the full NDCG (K = number of items)")},
    negative_controls=(
        NegativeControl("K-n", {"K": "n"},
                        "with K = n (full NDCG) sorting by u is optimal (rearrangement inequality): no witness "
                        "exists", methods=("symbolic",)),
    ),
    tags=("consistency", "ranking", "open-question"),
)


def _cutoff(K: str, n: int) -> int:
    return n if K == "n" else int(K)


def _probabilities(weights: Sequence[int]) -> list[Fraction]:
    total = sum(weights)
    return [Fraction(w, total) for w in weights]


def loses_by_sorting(grades: np.ndarray, probs: np.ndarray, cutoff: int) -> tuple[bool, float, float]:
    """Whether every ranking that may sort u (ties within :data:`TIE_TOL` both ways) loses expected NDCG@K.

    Returns (witness?, best value over all n! rankings, best value over the u-sorting rankings), by brute force.
    """
    orders = permutations(grades.shape[1])
    values = expected_ndcg(orders, grades, probs, cutoff)
    u = utilities(grades, probs)[orders]                                  # u along each ranking
    sorting = np.all(u[:, :-1] >= u[:, 1:] - TIE_TOL, axis=1)
    best, by_u = float(values.max()), float(values[sorting].max())
    return by_u < best - LOSS_TOL, best, by_u


def verify_exactly(witness: Witness, K: str) -> tuple[bool, str]:
    """Re-verify a witness with exact grades and fractions and rigorous intervals for the discounts."""
    rows, weights = witness
    n = len(rows[0])
    cutoff = _cutoff(K, n)
    probs = _probabilities(weights)
    u = exact_utilities(rows, probs)
    grades, float_probs = law_arrays(witness)
    orders = permutations(n)
    values = expected_ndcg(orders, grades, float_probs, cutoff)
    best_order = orders[int(np.argmax(values))]
    best = exact_expected_ndcg(best_order.tolist(), rows, probs, cutoff)
    if not (_agrees(best, float(values.max())) and all(map(_agrees, u, utilities(grades, float_probs)))):
        return False, "the float computation (the search's) disagrees with the exact one: a bug in one of them"
    may_precede = np.array([[not surely_less(u[a], u[b]) for b in range(n)] for a in range(n)])
    sorting = [order for order in orders if all(may_precede[order[r], order[r + 1]] for r in range(n - 1))]
    prefixes = sorted({tuple(order[:cutoff].tolist()) for order in sorting})   # NDCG@K sees the first K only
    for prefix, value in zip(prefixes, exact_expected_ndcgs(prefixes, rows, probs, cutoff)):
        if not surely_less(value, best):
            return False, (f"a ranking starting {list(prefix)}, which may sort u, is not provably worse than "
                           f"{best_order.tolist()} ({value} vs {best})")
    return True, (f"every ranking that may sort u ({len(sorting)} of {len(orders)}) has expected NDCG@{cutoff} "
                  f"< {float(best.a):.12g} <= that of {best_order.tolist()} (interval arithmetic)")


def _agrees(interval: object, value: float) -> bool:
    """A float agrees with a tight interval up to float rounding (a cross-check of the two implementations)."""
    return float(interval.a) - AGREEMENT <= value <= float(interval.b) + AGREEMENT


def describe(witness: Witness) -> str:
    """The witness in plain exact words."""
    rows, weights = witness
    return "; ".join(f"G = {row} with probability {p}" for row, p in zip(rows, _probabilities(weights)))


def laws(K: str) -> st.SearchStrategy[Witness]:
    """Relevance laws with n from K + 1 (2 for K = n) to two more, at most :data:`MAX_N`."""
    low = 2 if K == "n" else int(K) + 1
    return relevance_laws(low, min(low + 2, MAX_N), MAX_GRADE, MAX_SUPPORT)


def _float_witness(case: Witness, K: str) -> bool:
    rows, weights = case
    grades = np.array(rows, dtype=np.float64)
    probs = np.array(weights, dtype=np.float64) / sum(weights)
    return loses_by_sorting(grades, probs, _cutoff(K, grades.shape[1]))[0]


@check(NDCG_AT_K, "symbolic")
def ndcg_at_k_symbolic(ctx: Context) -> Outcome:
    """K < n: verify the stored witness exactly. K = n: no witness exists (linearity + rearrangement)."""
    K = ctx["K"]
    if K == "n":
        return _no_witness_at_full_cutoff(ctx.seed)
    witness = WITNESSES[int(K)]
    ok, detail = verify_exactly(witness, K)
    steps = (f"witness (n = {len(witness[0][0])}, K = {K}): {describe(witness)}", detail)
    resolution = Resolution(0.0, "expected NDCG@K (exact arithmetic)")
    if not ok:
        return Outcome(verdict="inconclusive", reason=f"the stored witness did not verify: {detail}", steps=steps,
                       scope=WHOLE, resolution=resolution)
    return Outcome(verdict="proved", scope=WHOLE, steps=steps, resolution=resolution,
                   statistics={"witness": describe(witness)},
                   reason=f"exact witness for K = {K}: no ranking that sorts u maximizes expected NDCG@{K}")


def _no_witness_at_full_cutoff(seed: int) -> Outcome:
    """For K = n, E NDCG(pi) = sum_r d_r u_pi(r): sorting u is optimal, so the existence claim is false."""
    M, n = sp.symbols("M n", integer=True, positive=True)
    m, r = sp.symbols("m r", integer=True, positive=True)
    p, ideal, d, g = sp.IndexedBase("p"), sp.IndexedBase("I"), sp.IndexedBase("d"), sp.IndexedBase("g")
    per_law = sp.Sum(p[m] * d[r] * g[m, r] / ideal[m], (r, 1, n), (m, 1, M))       # sum_m p_m DCG_m / I_m
    per_rank = sp.Sum(d[r] * p[m] * g[m, r] / ideal[m], (m, 1, M), (r, 1, n)).reorder((0, 1))
    linear = symbolic.identity(per_law, per_rank, scope=WHOLE, seed=seed, steps=(
        r"$g_{m,r}=G^{(m)}_{\pi(r)}$, $I_m=\mathrm{IDCG}(G^{(m)})$, $d_r=1/\log_2(1+r)$; with $K=n$: "
        r"$\mathbb E\,\mathrm{NDCG}(\pi)=\sum_mp_m\sum_rd_rg_{m,r}/I_m=\sum_rd_r\sum_mp_mg_{m,r}/I_m"
        r"=\sum_rd_ru_{\pi(r)}$",))
    x = sp.Symbol("x", positive=True)
    slope = sp.diff(1 / sp.log(1 + x, 2), x)
    if linear.verdict != "proved" or not slope.is_negative:
        return Outcome(verdict="inconclusive", scope=WHOLE, steps=linear.steps,
                       reason="SymPy could not confirm the linearity identity or the decreasing discount")
    steps = (*linear.steps,
             f"$d(x)=1/\\log_2(1+x)$ is strictly decreasing: $d'(x)={sp.latex(slope)}<0$",
             r"rearrangement inequality: $\sum_rd_ru_{\pi(r)}$ is largest when $u_{\pi(r)}$ is non-increasing in "
             r"$r$; every ranking sorting $u$ attains the maximum, so no relevance law is a witness")
    return Outcome(verdict="refuted", scope=WHOLE, steps=steps, resolution=linear.resolution,
                   premises=(Premise("rearrangement inequality: sum_r a_r b_pi(r) is maximal when b_pi is ordered "
                                     "like a", "Hardy, Littlewood & Pólya, Inequalities, 1952, Thm. 368"),),
                   reason="with K = n, expected NDCG is sum_r d_r u_pi(r) (checked for symbolic n) and, d being "
                          "decreasing, every sorting of u is optimal: no witness exists")


@check(NDCG_AT_K, "property")
def ndcg_at_k_property(ctx: Context) -> Outcome:
    """Search relevance laws for a witness by brute force over rankings; re-verify the one found exactly."""
    K = ctx["K"]
    outcome = prop.exists(ctx, laws(K), lambda case: _float_witness(case, K),
                          what=f"a relevance law where sorting by u loses expected NDCG@{K}")
    low = 2 if K == "n" else int(K) + 1
    explored = {**outcome.explored, "n_range": [low, min(low + 2, MAX_N)], "grades": [0, MAX_GRADE],
                "support_points": [1, MAX_SUPPORT], "weights": [1, 9], "K": K}
    resolution = Resolution(LOSS_TOL, "expected NDCG@K (a witness must lose at least this much; exact re-check)")
    outcome = outcome.but(explored=explored, resolution=resolution)
    if outcome.verdict != "supported":
        return outcome
    found = outcome.statistics["witness"]
    witness: Witness = (tuple(tuple(int(g) for g in row) for row in found[0]), tuple(int(w) for w in found[1]))
    ok, detail = verify_exactly(witness, K)
    steps = (f"witness found (n = {len(witness[0][0])}): {describe(witness)}", detail)
    if not ok:
        return outcome.but(verdict="inconclusive", steps=steps,
                           reason=f"a float witness was found but did not verify exactly: {detail}")
    return outcome.but(steps=steps, statistics={**outcome.statistics, "witness_exact": describe(witness)},
                       reason=f"{outcome.reason}; verified exactly")

