r"""The cross-entropy loss is the KL divergence from the one-hot target to the prediction.

CS231n lecture notes, "Softmax Classifier", information-theoretic interpretation.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`p=\mathrm{softmax}(s)`, label :math:`c`, target
:math:`e_c` (one-hot), with the convention :math:`0\log(0/q)=0`.

Conclusion: :math:`-\log p_c=\mathrm{KL}(e_c\,\|\,p)=\sum_i (e_c)_i\log\frac{(e_c)_i}{p_i}`.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.cs231n.losses import DPS, cross_entropy, exact_softmax
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
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Relative tolerance of the float64 loss against the mpmath KL.
RTOL = 1e-9
#: Largest common offset added to the logits: beyond exp's float64 range (709.78), so the float64
#: implementation must be the max-subtracted one for the identity to evaluate at all.
OFFSET = 1000.0

CE_IS_KL = claim(
    id="cs231n/ce-is-kl",
    title="Cross-entropy equals KL(one-hot target || prediction)",
    statement=r"-\log p_c = \mathrm{KL}(e_c\,\|\,p) = \sum_{i=1}^n (e_c)_i \log\frac{(e_c)_i}{p_i},"
              r"\qquad p = \mathrm{softmax}(s),\ s\in\mathbb{R}^n,\ n\ge 2,\ 0\log\tfrac0{p}=0",
    reference=Reference("cs231n", "Information-theoretic interpretation",
                        "Cross-entropy minimizes the KL divergence between the predicted distribution and the "
                        "target one-hot distribution"),
    origin=SOURCE_STATEMENT,
    notes="KL uses the convention 0 log(0/q) = 0. The symbolic check works for symbolic n and label c (SymPy "
          "sums over an indexed p): with the convention, each term φ(y_i, p_i) of KL(y || p) equals y_i(-log p_i) "
          "for y_i in {0, 1} (both cases checked), and Σ_i δ_ic(-log p_i) = -log p_c; the reverse KL has a term "
          "p_i log(p_i/0) = +∞ for every i ≠ c (a limit). The property check evaluates a general KL (any target, "
          "the same conventions) in mpmath on the exact softmax probabilities (50 digits, no underflow, so p_c "
          "stays positive at any gap) against the float64 log-space loss logsumexp(s) - s_c, relative tolerance "
          "1e-9, on logits of length up to the profile's max_n and magnitude up to its max_magnitude, moved half "
          "of the time by a common offset in [-1000, 1000] (the offset takes exp out of float64 range, so a "
          "softmax without max-subtraction fails it). The catalogue lists no negative control; we add "
          "`direction=reverse`, the claim -log p_c = KL(p || e_c), which is +infinity whenever some p_i > 0 "
          "off the label (always, for softmax).",
    params={"direction": Choice("forward", ("forward", "reverse"),
                                doc="forward: KL(e_c || p) (the claim); reverse: KL(p || e_c)")},
    negative_controls=(NegativeControl("reverse-kl", {"direction": "reverse"},
                                       "KL(p || e_c) is infinite because softmax puts mass off the label"),),
    tags=("information-theory",),
)


def kl_term(y: sp.Expr, p: sp.Expr) -> sp.Expr:
    r"""One term of :math:`\mathrm{KL}(y\|p)`: :math:`y\log(y/p)`, with the convention :math:`0\log(0/p)=0`."""
    return sp.Piecewise((sp.Integer(0), sp.Eq(y, 0)), (y * sp.log(y / p), True))


@check(CE_IS_KL, "symbolic")
def kl_symbolic(ctx: Context) -> Outcome:
    """Symbolic n and c: each KL term is δ_ic(-log p_i), and the Kronecker sum picks -log p_c; reverse KL is +∞."""
    q = sp.Symbol("q", positive=True)
    if ctx["direction"] == "reverse":
        t = sp.Symbol("t", positive=True)
        limit = sp.limit(q * sp.log(q / t), t, 0, "+")
        steps = (r"$\mathrm{KL}(p\|e_c)=\sum_i p_i\log\frac{p_i}{(e_c)_i}$; for $i\ne c$ (one exists, $n\ge2$): "
                 f"$\\lim_{{t\\to0^+}} p_i\\log\\frac{{p_i}}{{t}} = {sp.latex(limit)}$ ($p_i>0$)",)
        if limit is sp.oo:
            return Outcome(verdict="refuted", steps=steps, statistics={"limit": str(limit)}, scope=WHOLE,
                           counterexample={"divergence": "KL(p || e_c) = +oo", "loss": "-log(p_c) (finite)"},
                           reason="KL(p||e_c) = +∞ (softmax puts mass off the label), but -log p_c is finite")
        return Outcome(verdict="inconclusive", steps=steps, reason=f"SymPy gave the limit {limit}")
    cases = [symbolic.identity(kl_term(sp.Integer(y), q), y * (-sp.log(q)), scope=WHOLE, seed=ctx.seed, steps=(
        f"$\\varphi({y}, p) = {sp.latex(kl_term(sp.Integer(y), q))} = {y}\\cdot(-\\log p)$",)) for y in (0, 1)]
    i, c = sp.Symbol("i", integer=True), sp.Symbol("c", integer=True, positive=True)
    r, p = sp.Symbol("r", integer=True, nonnegative=True), sp.IndexedBase("p", positive=True)
    n = c + r  # every n >= c >= 1
    total = sp.Sum(sp.KroneckerDelta(i, c) * (-sp.log(p[i])), (i, 1, n)).doit()
    steps = (*(s for case in cases for s in case.steps),
             r"$\mathrm{KL}(e_c\|p)=\sum_{i=1}^n\varphi(\delta_{ic},p_i)=\sum_{i=1}^n\delta_{ic}(-\log p_i)$, "
             f"$n=c+r$ (symbolic): $= {sp.latex(total)}$")
    if any(case.verdict != "proved" for case in cases):
        return Outcome(verdict="inconclusive", steps=steps, reason="a term of the convention was not decided")
    return symbolic.identity(total, -sp.log(p[c]), seed=ctx.seed, steps=steps, scope=WHOLE)


def kl_divergence(y: list, p: list) -> mpmath.mpf:
    r""":math:`\mathrm{KL}(y\|p)=\sum_i y_i\log(y_i/p_i)` in mpmath, with :math:`0\log(0/q)=0` and
    :math:`y\log(y/0)=+\infty` for :math:`y>0`."""
    with mpmath.workdps(DPS):
        terms = [mpmath.mpf(0) if a == 0 else (mpmath.inf if b == 0 else a * mpmath.log(a / b)) for a, b in zip(y, p)]
        return mpmath.fsum(terms)


@check(CE_IS_KL, "property")
def kl_property(ctx: Context) -> Outcome:
    """A general KL (mpmath, no underflow) of (target, prediction) against logsumexp(s) - s_c on random logits."""
    def holds(case: tuple[np.ndarray, int]) -> bool | str:
        s, c = case
        p, target = exact_softmax(s), [mpmath.mpf(int(i == c)) for i in range(len(s))]
        first, second = (target, p) if ctx["direction"] == "forward" else (p, target)
        kl, loss = kl_divergence(first, second), cross_entropy(s, c)
        ok = mpmath.isfinite(kl) and abs(float(kl) - loss) <= RTOL * max(1.0, loss)
        return ok or f"KL = {mpmath.nstr(kl, 10)} but -log p_c = {loss:.10g}"

    return prop.forall(ctx, shifted_logits_and_label(ctx.budget), holds, what=f"-log p_c = KL ({ctx['direction']})")


def shifted_logits_and_label(budget) -> st.SearchStrategy[tuple[np.ndarray, int]]:  # noqa: ANN001 - a Budget
    """Logits (the profile's lengths and magnitudes) and a label; half of the time moved by a common offset."""
    offsets = st.one_of(st.just(0.0), st.floats(-OFFSET, OFFSET))
    cases = budget_logits(budget).flatmap(lambda s: st.tuples(st.just(s), st.integers(0, len(s) - 1)))
    return st.tuples(cases, offsets).map(lambda case: (case[0][0] + case[1], case[0][1]))
