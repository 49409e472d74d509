r"""Softmax is strictly order-preserving (SOP).

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results").

Hypothesis: :math:`s\in\mathbb R^n`, :math:`p=\mathrm{map}(s)`.

Conclusion: :math:`s_i>s_j\Rightarrow p_i>p_j` and :math:`s_i=s_j\Rightarrow p_i=p_j`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.pu2026.maps import MAPS, apply
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
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import logits

#: Score gaps below this are not used for the strict part (float64 cannot resolve them reliably).
RESOLVABLE_GAP = 1e-6

SOP = claim(
    id="pu2026/sop",
    title="Softmax is strictly order-preserving",
    statement=r"s_i > s_j \Rightarrow p_i > p_j \quad\text{and}\quad s_i = s_j \Rightarrow p_i = p_j,"
              r"\qquad p = \mathrm{map}(s),\ s\in\mathbb{R}^n",
    reference=Reference("pu2026", "Order preservation",
                        "Softmax is strictly order-preserving (SOP)"),
    origin=SOURCE_STATEMENT,
    notes="Property search over logits in [-10, 10]^n, 2 <= n <= 8, with ties drawn often. The strict part "
          f"is tested on pairs whose score gap is at least {RESOLVABLE_GAP:g}, so float64 rounding cannot "
          "fake a tie. The symbolic proof covers softmax for every n.",
    params={
        "map": Choice("softmax", MAPS, doc="the prediction map under test"),
        "alpha": Real(1.25, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map=entmax only)"),
    },
    negative_controls=(
        NegativeControl("sparsemax", {"map": "sparsemax"},
                        "sparsemax maps s=(2,0,-1) to (1,0,0): s_2 > s_3 but p_2 = p_3"),
    ),
    tags=("order-preservation",),
)


@check(SOP, "symbolic")
def sop_symbolic(ctx: Context) -> Outcome:
    """Softmax ratios are exp of score differences, and exp(d) > 1 iff d > 0."""
    if ctx["map"] != "softmax":
        return Outcome(verdict="skipped", reason="the symbolic derivation covers map=softmax only")
    si, sj, d = sp.symbols("s_i s_j d", real=True)
    rest = sp.Symbol("R", nonnegative=True)
    z = sp.exp(si) + sp.exp(sj) + rest
    ratio = symbolic.identity((sp.exp(si) / z) / (sp.exp(sj) / z), sp.exp(si - sj), seed=ctx.seed, scope=WHOLE,
                              steps=(r"$p_i = e^{s_i}/Z,\ Z = e^{s_i}+e^{s_j}+R,\ R\ge 0$",))
    if ratio.verdict != "proved":
        return ratio
    positive = sp.solveset(sp.exp(d) > 1, d, sp.S.Reals)
    steps = (*ratio.steps, f"$\\{{d : e^d > 1\\}} = {sp.latex(positive)}$",
             r"so $p_i/p_j > 1 \iff s_i > s_j$ and $p_i/p_j = 1 \iff s_i = s_j$")
    if positive != sp.Interval.open(0, sp.oo):
        return Outcome(verdict="inconclusive", reason="SymPy did not solve exp(d) > 1", steps=steps)
    return Outcome(verdict="proved", reason="p_i/p_j = exp(s_i - s_j), and exp(d) > 1 exactly when d > 0",
                   steps=steps, scope=WHOLE)


def order_violation(s: np.ndarray, p: np.ndarray, strict: bool) -> str | None:
    """The first pair that breaks (strict or weak) order preservation, described, or ``None``."""
    for i in range(len(s)):
        for j in range(len(s)):
            if s[i] == s[j] and p[i] != p[j] and strict:
                return f"s[{i}] = s[{j}] but p[{i}] = {p[i]:.6g} != p[{j}] = {p[j]:.6g}"
            if s[i] - s[j] >= RESOLVABLE_GAP and (p[i] <= p[j] if strict else p[i] < p[j]):
                sign = "<=" if strict else "<"
                return f"s[{i}] > s[{j}] but p[{i}] = {p[i]:.6g} {sign} p[{j}] = {p[j]:.6g}"
    return None


@check(SOP, "property")
def sop_property(ctx: Context) -> Outcome:
    """Search logits for a pair whose order the map does not strictly preserve."""
    def holds(s: np.ndarray) -> bool | str:
        return order_violation(s, apply(ctx["map"], s, ctx["alpha"]), strict=True) or True

    return prop.forall(ctx, logits(), holds, what="strict order preservation")
