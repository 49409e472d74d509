r"""The Taylor softmax needs no ε: its weights are at least 1/2, so it always lies in the simplex.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Taylor Softmax").

Hypothesis: :math:`x\in\mathbb R`; :math:`o\in\mathbb R^D`.

Conclusion: :math:`\min_x(1+x+x^2/2)=\mathrm{min}=\tfrac12>0`; hence :math:`f_{\mathrm{tay}}(o)` is defined
for every :math:`o` and lies in the (open) simplex.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.dbv2016.spherical import apply, numerator
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
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

#: Float64 slack of the lower bound and of the sum-to-one test.
TOL = 1e-12
#: Adam steps per start of the search for the smallest weight (the minimum is a simple quadratic's).
LOCAL_STEPS = 30

TAYLOR_WELL_DEFINED = claim(
    id="dbv2016/taylor-well-defined",
    title="Taylor softmax weights are at least 1/2 (no ε needed)",
    statement=r"\min_{x\in\mathbb{R}}\Bigl(1+x+\tfrac{x^2}{2}\Bigr)=\mathrm{min}=\tfrac12>0,\ \text{so}\ "
              r"f_{\mathrm{tay}}(o)\in\Delta^D\ \text{is defined for all } o\in\mathbb{R}^D",
    reference=Reference("dbv2016", "Taylor Softmax",
                        "this function, in contrast to the previous one, doesn't require any "
                        "hyperparameters and is numerically stable"),
    origin=SOURCE_STATEMENT,
    notes="The seed says only that no ε is needed; the catalogue makes this quantitative with the constant "
          "1/2. We read the constant as the exact minimum (attained at x = -1), so `min` is refuted both above "
          "1/2 (the bound fails at x = -1) and below it (a true but not sharp constant). Simplex membership "
          "follows: every weight is positive and the weights are normalized. The property check tests the "
          "bound and simplex membership on random o, and searches for the smallest weight (Hypothesis "
          "target()) to show the constant is approached.",
    params={"min": Real(0.5, doc="claimed minimum of 1 + x + x²/2")},
    negative_controls=(NegativeControl("min-0.6", {"min": 0.6}, "1 + x + x²/2 = 0.5 < 0.6 at x = -1"),),
    tags=("taylor-softmax",),
)


@check(TAYLOR_WELL_DEFINED, "symbolic")
def taylor_min_symbolic(ctx: Context) -> Outcome:
    """Exact minimum of 1 + x + x²/2 over the reals, then positivity and normalization of f_tay."""
    x = sp.Symbol("x", real=True)
    g = numerator("taylor", x)
    minimum = sp.minimum(g, x, sp.S.Reals)
    where = sp.solveset(sp.Eq(g, minimum), x, sp.S.Reals)
    steps = (f"$g(x) = {sp.latex(g)} = \\tfrac12(x+1)^2 + \\tfrac12$, minimum attained at $x \\in {sp.latex(where)}$",
             r"so every weight is $\ge \min g > 0$, the denominator is $\ge D\min g > 0$, "
             r"and $f_{\mathrm{tay}}(o)_k > 0$ with $\sum_k f_{\mathrm{tay}}(o)_k = 1$")
    return symbolic.equals(minimum, ctx["min"], what="minimum of 1 + x + x²/2", steps=steps,
                          scope=WHOLE)


@check(TAYLOR_WELL_DEFINED, "property")
def taylor_min_property(ctx: Context) -> Outcome:
    """Random o: weights ≥ min and f_tay(o) in the simplex; then a targeted search (with gradient descent) for
    the smallest weight."""
    bound = ctx["min"]

    def holds(o: np.ndarray) -> bool | str:
        weights, p = numerator("taylor", o), apply("taylor", o)
        if weights.min() < bound - TOL:
            return f"weight {weights.min():.6g} < {bound:g} at x = {o[weights.argmin()]:.6g}"
        if not (np.all(p > 0) and abs(p.sum() - 1) <= TOL):
            return f"f_tay(o) = {p} is not in the simplex"
        return True

    found = prop.forall(ctx, logits(), holds, what="weights >= min and f_tay in the simplex")
    if found.verdict != "supported":
        return found
    ascent = prop.gradient_ascent(lambda o: -numerator("taylor", o).min(-1).values)
    tight = prop.upper_bound(ctx, logits(), lambda o: float(-numerator("taylor", o).min()), -bound, sharp=True,
                             local=lambda starts, steps: ascent(starts, min(steps, LOCAL_STEPS)))
    stats = {**found.statistics, "smallest_weight_found": -tight.statistics["best_value"]}
    return Outcome(verdict=tight.verdict, statistics=stats, figures=tight.figures,
                   counterexample=tight.counterexample,
                   reason=f"{found.reason}; targeted search: smallest weight found "
                          f"{stats['smallest_weight_found']:.6g} (claimed minimum {bound:g})")
