r"""Sparse maps tie distinct scores at zero (so they are not strictly order-preserving).

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, sparse variants "induce 'ties' where
gradients vanish for classes below a threshold").

Hypothesis: :math:`p=\mathrm{map}(s)`, :math:`s\in\mathbb R^n`, :math:`n\ge 3`.

Conclusion: there exist :math:`s` and :math:`i,j` with :math:`s_i>s_j` and :math:`p_i=p_j=0`. True for sparsemax,
1.5-entmax and every α-entmax with α > 1; false for softmax (:math:`p_i>0`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.pu2026.maps import MAPS, apply, entmax_is_zero
from claims.pu2026.sop import RESOLVABLE_GAP, map_alpha, sparsity_gaps, tie_witness
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    check,
    claim,
    instance,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

SPARSE_TIES = claim(
    id="pu2026/sparse-ties",
    title="Sparse maps tie distinct scores at zero (not SOP)",
    statement=r"\exists s\in\mathbb{R}^n,\ i\ne j:\quad s_i > s_j\ \wedge\ p_i = p_j = 0,"
              r"\qquad p = \mathrm{map}(s),\ n \ge 3",
    reference=Reference("pu2026", "Order preservation",
                        "they induce \"ties\" where gradients vanish for classes below a threshold"),
    origin=SOURCE_STATEMENT,
    notes="An existence claim; the paper's body is unavailable, so the witness is ours. It agrees with "
          "pu2026/sop for every map and α: a tie at zero exists exactly when SOP fails. Symbolic check: for "
          "the entmax family the witness s = (1 + 1/(α-1), 0, -1) -> p = (1, 0, 0) (sparsemax: s = (2, 0, -1)) "
          "is verified exactly at the given α (the exact decimal the user wrote, e.g. 1.05 = 21/20), under the "
          "threshold form p_i = [(α-1)s_i - τ]_+^(1/(α-1)) (Peters, Niculae & Martins 2019, a cited premise); "
          "one exact witness proves the existence statement. For softmax it proves p_i > 0 for all s, so no "
          "witness exists and the claim is refuted. The property check searches budget-sized logits (n from 3 "
          "up to the profile's max_n, gaps 1/(α-1) among the drawn gaps) for a witness: score gap at least "
          f"{RESOLVABLE_GAP:g}, library zeros that are also exact zeros (rational arithmetic or 60 digits). A "
          "witness found is an instance (supported); not finding one is inconclusive, never a refutation.",
    params={
        "map": Choice("sparsemax", MAPS, doc="the prediction map under test"),
        "alpha": Real(1.25, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map=entmax only)"),
    },
    negative_controls=(
        NegativeControl("softmax", {"map": "softmax"}, "softmax outputs are strictly positive: no ties at 0",
                        methods=("symbolic",)),
    ),
    tags=("order-preservation",),
)


def softmax_positive() -> Outcome:
    """Softmax coordinates are exp(s_i) / (exp(s_i) + R) with R > 0, hence strictly positive."""
    si, rest = sp.Symbol("s_i", real=True), sp.Symbol("R", positive=True)
    p = sp.exp(si) / (sp.exp(si) + rest)
    steps = (f"$p_i = {sp.latex(p)}$, $R = \\sum_{{j\\ne i}} e^{{s_j}} > 0$",
             f"SymPy: $p_i > 0$ is {p.is_positive}")
    if p.is_positive is not True:
        return Outcome(verdict="inconclusive", reason="SymPy could not show p_i > 0", steps=steps)
    return Outcome(verdict="refuted", steps=(*steps, "so no $s$ has $p_i = 0$: no witness exists"), scope=WHOLE,
                   reason="softmax outputs are strictly positive for every s, so no tie at 0 exists",
                   counterexample={"map": "softmax", "fact": "p_i > 0 for all s"})


@check(SPARSE_TIES, "symbolic")
def ties_symbolic(ctx: Context) -> Outcome:
    """An exact witness at the given α for the entmax family; strict positivity (no witness) for softmax."""
    if ctx["map"] == "softmax":
        return softmax_positive()
    return tie_witness(ctx["map"], ctx["alpha"])


def exact_tie(s: np.ndarray, name: str, alpha: float) -> tuple[int, int] | None:
    """Indices i, j with s_i - s_j >= RESOLVABLE_GAP and p_i = p_j = 0, in the library and exactly."""
    p = apply(name, s, alpha)
    zero = np.flatnonzero(p == 0.0)
    if len(zero) < 2:
        return None
    i, j = int(zero[np.argmax(s[zero])]), int(zero[np.argmin(s[zero])])
    if s[i] - s[j] < RESOLVABLE_GAP or name == "softmax":
        return None
    a = map_alpha(name, alpha)
    return (i, j) if entmax_is_zero(s, i, a) and entmax_is_zero(s, j, a) else None


@check(SPARSE_TIES, "property")
def ties_property(ctx: Context) -> Outcome:
    """Search budget-sized logits for a pair s_i > s_j with p_i = p_j = 0 (library and exact zeros)."""
    name, alpha = ctx["map"], ctx["alpha"]
    out = prop.exists(ctx, budget_logits(ctx.budget, min_size=3, gaps=sparsity_gaps(name, alpha)),
                      lambda s: exact_tie(s, name, alpha) is not None, what="a pair s_i > s_j with p_i = p_j = 0")
    if out.verdict == "supported":
        return out.but(scope=instance(f"witness s = {out.statistics['witness']}"))
    return out
