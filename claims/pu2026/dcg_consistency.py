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

import itertools

import numpy as np
from hypothesis import strategies as st

from claims.pu2026.classification_calibration import LOSS_OPTIONS
from claims.pu2026.risk import SSM_K, STARTS, Tally, capped, needs_dense
from verifiers import SOURCE_STATEMENT, Choices, Context, NegativeControl, Outcome, Reference, check, claim
from verifiers import property as prop
from verifiers.strategies import simplex

#: Range of the number of items (brute force over n! permutations).
MIN_N, MAX_N = 3, 5
#: Largest relevance grade and most support points of the distribution of G.
MAX_GRADE, MAX_SUPPORT = 3, 3
#: Tolerance on expected NDCG (values are in [0, 1]; numerical minimizers are accurate to ~1e-7).
NDCG_TOL = 1e-6

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
          "discount 1/log2(1+rank); the loss is the relevance-weighted FY loss. The distribution of G given x is a "
          f"finite mixture: 1..{MAX_SUPPORT} non-zero grade vectors in {{0..{MAX_GRADE}}}^n with random "
          f"probabilities, n in {MIN_N}..{MAX_N} (grades >= 1 when only dense-only losses are checked). The risk "
          "is minimized with weights u_i = E[G_i/IDCG(G)] (BFGS, "
          f"{STARTS} random starts) and every minimizer's ranking (ties broken by index) is scored against the "
          "best of all n! permutations by brute force, with expected NDCG computed per support point (not through "
          f"u). Ties in u are not errors because they cannot change expected NDCG. Tolerance {NDCG_TOL:g}. "
          "Softmax has no minimizer when some u_i = 0 (skipped, counted). min(examples, 30) examples. The "
          f"negative control is sampled softmax ({SSM_K} negatives, proposal q drawn with G) without log q "
          "correction, which ranks by u/q.",
    params={"losses": Choices(("softmax", "sparsemax", "entmax15"), LOSS_OPTIONS,
                              doc="losses whose conditional-risk minimizers are checked")},
    negative_controls=(
        NegativeControl("ssm-uncorrected", {"losses": ("ssm-uncorrected",)},
                        "sampled softmax without log q correction ranks items by u/q instead of u"),
    ),
    tags=("consistency", "ranking"),
)

#: (grade vectors as a tuple of 1-D arrays, their probabilities, proposal q). A tuple of rows rather than
#: a 2-D array because the property verifier serializes counterexamples of 1-D arrays only.
Relevance = tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]


@st.composite
def relevance_distributions(draw: st.DrawFn, min_grade: int) -> Relevance:
    """A finite distribution of graded relevance vectors ``G`` (rows) with probabilities, and a proposal q."""
    n = draw(st.integers(MIN_N, MAX_N))
    m = draw(st.integers(1, MAX_SUPPORT))
    grades = np.asarray(draw(st.lists(st.lists(st.integers(min_grade, MAX_GRADE), min_size=n, max_size=n),
                                      min_size=m, max_size=m)), dtype=np.float64)
    for row in grades:
        row[draw(st.integers(0, n - 1))] = max(row.max(), 1.0)  # no all-zero vector (IDCG > 0)
    probs = draw(simplex(size=m, kind="dense"))
    return tuple(grades), probs, draw(simplex(size=n, kind="dense"))


def discounts(n: int) -> np.ndarray:
    """DCG position discounts ``1/log2(1 + r)``, r = 1..n."""
    return 1.0 / np.log2(np.arange(2, n + 2))


def expected_ndcg(orders: np.ndarray, grades: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Expected NDCG of each ranking (rows of ``orders``: item at rank 1, 2, ...)."""
    disc = discounts(grades.shape[1])
    ideal = np.sort(grades, axis=1)[:, ::-1] @ disc                      # (m,)
    dcg = (grades[:, orders] * disc).sum(-1)                              # (m, perms)
    return probs @ (dcg / ideal[:, None])


def utilities(grades: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """The risk weights :math:`u_i=\\mathbb E[G_i/\\mathrm{IDCG}(G)]`."""
    ideal = np.sort(grades, axis=1)[:, ::-1] @ discounts(grades.shape[1])
    return probs @ (grades / ideal[:, None])


@check(DCG_CONSISTENCY, "property")
def dcg_property(ctx: Context) -> Outcome:
    """Brute force: ranking by each numerical minimizer attains the best expected NDCG over all n! rankings."""
    losses = tuple(ctx["losses"])
    tally = Tally()
    perms = {n: np.array(list(itertools.permutations(range(n)))) for n in range(MIN_N, MAX_N + 1)}

    def holds(case: Relevance) -> bool | str:
        rows, probs, q = case
        grades = np.stack(rows)
        best = float(expected_ndcg(perms[grades.shape[1]], grades, probs).max())
        u = utilities(grades, probs)
        gen = ctx.generator()  # fresh per example: the same example always gets the same starts
        for loss in losses:
            for s in tally.minimizers(loss, u, q, gen):
                order = np.argsort(-s, kind="stable")
                value = float(expected_ndcg(order[None, :], grades, probs)[0])
                if value < best - NDCG_TOL:
                    return (f"{loss}: ranking {order.tolist()} by s* = {np.round(s, 6).tolist()} has expected NDCG "
                            f"{value:.6f} < best {best:.6f} (u = {np.round(u, 6).tolist()})")
        return True

    strategy = relevance_distributions(min_grade=1 if needs_dense(losses) else 0)
    outcome = prop.forall(capped(ctx), strategy, holds, what="ranking by s* maximizes expected NDCG")
    return tally.finish(outcome)
