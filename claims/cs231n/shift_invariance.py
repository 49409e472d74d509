r"""Softmax is invariant to adding a constant to every score.

CS231n lecture notes, "Softmax Classifier", numerical stability trick.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`c\in\mathbb R`.

Conclusion: :math:`\mathrm{softmax}(s+c\mathbf 1)=\mathrm{softmax}(s)`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

SHIFT_INVARIANCE = claim(
    id="cs231n/shift-invariance",
    title="Softmax is shift-invariant",
    statement=r"\mathrm{softmax}(s + c\mathbf{1}) = \mathrm{softmax}(s)\qquad "
              r"\forall s\in\mathbb{R}^n,\ c\in\mathbb{R}",
    reference=Reference("cs231n", "Numerical stability trick",
                        "Subtract the max score before exponentiating — the softmax is shift-invariant"),
    origin=SOURCE_STATEMENT,
    notes="The parameter `transform` selects the invariance under test: `shift` is the claim; `scale` "
          "(softmax(a s) = softmax(s)) is the false variant used as negative control. The symbolic check works "
          "with symbolic n and coordinate j (SymPy sums over an indexed s): $\\sum_i e^{s_i+c}=e^c\\sum_i e^{s_i}$, so "
          "e^c cancels; the scale variant is refuted at a numeric witness for n = 2. The property check compares "
          "max-subtracted float64 softmaxes (absolute tolerance 1e-9, the outputs lie in [0, 1]) on logits of "
          "length up to the profile's max_n and magnitude up to its max_magnitude, with c in [-50, 50].",
    params={"transform": Choice("shift", ("shift", "scale"), doc="which invariance is claimed")},
    negative_controls=(NegativeControl("scale", {"transform": "scale"}, "scale invariance is false"),),
    tags=("invariance",),
)


def softmax(s: np.ndarray) -> np.ndarray:
    """Max-subtracted softmax in NumPy."""
    e = np.exp(s - s.max())
    return e / e.sum()


@check(SHIFT_INVARIANCE, "symbolic")
def shift_symbolic(ctx: Context) -> Outcome:
    """Symbolic n, j: Σ_i exp(s_i + c) = exp(c) Σ_i exp(s_i), so softmax(s + c1)_j = softmax(s)_j; scale: n = 2."""
    if ctx["transform"] == "scale":
        s1, s2, a = sp.Symbol("s_1", real=True), sp.Symbol("s_2", real=True), sp.Symbol("a", positive=True)
        lhs, rhs = sp.exp(a * s1) / (sp.exp(a * s1) + sp.exp(a * s2)), sp.exp(s1) / (sp.exp(s1) + sp.exp(s2))
        return symbolic.identity(lhs, rhs, seed=ctx.seed, scope=special_case("n = 2"),
                                 steps=(r"$n=2$, first coordinate: $\mathrm{softmax}(as)_1$ vs "
                                        r"$\mathrm{softmax}(s)_1$",))
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True, positive=True)
    n, c = sp.Symbol("n", integer=True, positive=True), sp.Symbol("c", real=True)
    s = sp.IndexedBase("s", real=True)
    moved = sp.factor_terms(sp.expand(sp.Sum(sp.exp(s[i] + c), (i, 1, n)), power_exp=True))
    plain = sp.Sum(sp.exp(s[i]), (i, 1, n))
    steps = (f"$\\sum_{{i=1}}^n e^{{s_i+c}} = {sp.latex(moved)}$ (symbolic $n$)",
             r"$\mathrm{softmax}(s+c\mathbf 1)_j=\frac{e^{c}e^{s_j}}{e^{c}\sum_i e^{s_i}}=\mathrm{softmax}(s)_j$, "
             r"every $j$")
    return symbolic.identity(sp.expand(sp.exp(s[j] + c), power_exp=True) / moved, sp.exp(s[j]) / plain,
                             seed=ctx.seed, steps=steps, scope=WHOLE)


@check(SHIFT_INVARIANCE, "property")
def shift_property(ctx: Context) -> Outcome:
    """Random logits and constants: softmax(s + c) (or softmax(a s)) against softmax(s)."""
    def holds(case: tuple[np.ndarray, float]) -> bool | str:
        s, c = case
        moved = s + c if ctx["transform"] == "shift" else c * s
        gap = float(np.max(np.abs(softmax(moved) - softmax(s))))
        return gap <= 1e-9 or f"max |difference| = {gap:.3g}"

    constants = st.floats(-50, 50, allow_nan=False) if ctx["transform"] == "shift" else st.floats(0.1, 10)
    return prop.forall(ctx, st.tuples(budget_logits(ctx.budget), constants), holds,
                       what=f"{ctx['transform']} invariance")
