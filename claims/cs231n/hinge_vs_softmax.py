r"""The multiclass hinge loss is exactly 0 once the margin is met; the softmax loss is never 0.

CS231n lecture notes, "Softmax Classifier", difference with SVM / hinge loss.

Hypothesis: :math:`s\in\mathbb R^n` finite, label :math:`c`, margin :math:`\Delta\ge0`;
:math:`L_{\mathrm{hinge}}=\sum_{j\ne c}\max(0,s_j-s_c+\Delta)`, :math:`L_{\mathrm{softmax}}=-\log\mathrm{softmax}(s)_c`.

Conclusion: :math:`L_{\mathrm{hinge}}(s)=0\iff s_c-s_j\ge\Delta\ \forall j\ne c`, and
:math:`L_{\mathrm{softmax}}(s)>0` for every :math:`s`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.cs231n.losses import exact_ce
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
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Each kind of example (margin met / not met) must make up at least this fraction of the search.
MIN_KIND_FRACTION = 0.1

HINGE_VS_SOFTMAX = claim(
    id="cs231n/hinge-vs-softmax",
    title="Hinge loss is exactly 0 once the margin is met; softmax loss never is",
    statement=r"\sum_{j\ne c}\max(0, s_j - s_c + \Delta) = 0 \iff s_c - s_j \ge \Delta\ \forall j\ne c;"
              r"\qquad -\log\mathrm{softmax}(s)_c > 0\ \ \forall s\in\mathbb{R}^n",
    reference=Reference("cs231n", "Difference with SVM / Hinge Loss",
                        "| Loss = 0 condition | Correct score > all others by margin (achievable) | "
                        "Never (requires ) |"),
    origin=SOURCE_STATEMENT,
    notes="The hinge loss is the CS231n multiclass SVM loss. The symbolic check takes m = n - 1 ≥ 1 competitors "
          "symbolically (SymPy sums over an indexed gap g_j = s_c - s_j - Δ): margin met means every g_j ≥ 0, "
          "so each max(0, -g_j) is 0; missed means some g_j0 < 0, whose term is positive while the others are "
          "≥ 0; the softmax loss $\\log(1+\\sum_j e^{-\\Delta-g_j})$ has m ≥ 1 positive terms inside. "
          "Float64 rounding would blur 'exactly 0': a score "
          "built as max + margin can land one ulp short of the margin, so the property check decides the margin "
          "and evaluates the hinge loss in exact rational arithmetic (fractions.Fraction of the float inputs) and "
          "the softmax loss in mpmath (no underflow). Half of the examples are constructed to meet the margin "
          "($s_c=\\max_{j\\ne c}s_j+\\Delta+\\mathrm{gap}$, gap >= 0), and the search is inconclusive unless "
          "both kinds occur in at least 10% of examples. The parameter `zero_loss` names the loss claimed to vanish "
          "once the margin is met (the other is claimed never to vanish); `softmax` is the negative control.",
    params={
        "margin": Real(1.0, 0.0, doc="the SVM margin Δ"),
        "zero_loss": Choice("hinge", ("hinge", "softmax"),
                            doc="the loss claimed to be exactly 0 once the margin is met"),
    },
    negative_controls=(NegativeControl("softmax-reaches-zero", {"zero_loss": "softmax"},
                                       "the softmax loss stays positive however large the margin"),),
    tags=("hinge", "loss-range"),
)


@check(HINGE_VS_SOFTMAX, "symbolic")
def hinge_symbolic(ctx: Context) -> Outcome:
    """Symbolic n: s_c - s_j = Δ + g_j; hinge = Σ max(0, -g_j), softmax loss = log(1 + Σ exp(-Δ-g_j)), m = n-1."""
    delta = sp.nsimplify(ctx["margin"])
    j, m = sp.Symbol("j", integer=True), sp.Symbol("m", integer=True, positive=True)
    met, free = sp.IndexedBase("g", nonnegative=True), sp.IndexedBase("g", real=True)
    short, rest, x = sp.Symbol("h", negative=True), sp.Symbol("T", nonnegative=True), sp.Symbol("x", real=True)
    hinge = {"met": sp.Sum(sp.Max(0, -met[j]), (j, 1, m)).doit(), "missed": sp.Max(0, -short) + rest}
    soft = {k: sp.log(1 + sp.Sum(sp.exp(-delta - g[j]), (j, 1, m))) for k, g in (("met", met), ("missed", free))}
    zero, other = (hinge, soft) if ctx["zero_loss"] == "hinge" else (soft, hinge)
    steps = (r"$m=n-1\ge1$ competitors (symbolic): $s_c-s_j=\Delta+g_j$; margin met: every $g_j\ge0$; "
             r"missed: some $g_{j_0}=h<0$",
             f"$\\max(0,x)\\ge0$ for real $x$: {sp.Max(0, x).is_nonnegative}; so the hinge terms other than "
             r"$j_0$ add up to $T\ge0$",
             f"hinge: met ${sp.latex(hinge['met'])}$; missed ${sp.latex(hinge['missed'])}$",
             f"softmax: ${sp.latex(soft['missed'])}$, a sum of $m\\ge1$ positive terms inside $\\log(1+\\cdot)$")
    facts = {f"{ctx['zero_loss']} = 0 when the margin is met": sp.simplify(zero["met"]) == 0,
             f"{ctx['zero_loss']} > 0 when the margin is missed": zero["missed"].is_positive,
             "the other loss > 0 when the margin is met": other["met"].is_positive,
             "the other loss > 0 when the margin is missed": other["missed"].is_positive,
             "max(0, x) >= 0": sp.Max(0, x).is_nonnegative}
    failed = [k for k, v in facts.items() if v is not True]
    if not failed:
        return Outcome(verdict="proved", steps=steps, scope=WHOLE,
                       reason=f"{ctx['zero_loss']} vanishes exactly when the margin is met; the other loss is positive")
    if ctx["zero_loss"] == "softmax" and soft["met"].is_positive:
        return Outcome(verdict="refuted", steps=steps, counterexample={"failed": failed}, scope=WHOLE,
                       reason="the softmax loss log(1 + Σ exp(-Δ-g_j)) is positive even when the margin is met")
    return Outcome(verdict="inconclusive", steps=steps, reason=f"SymPy could not decide: {failed}")


def exact_hinge(s: np.ndarray, c: int, margin: float) -> Fraction:
    """The multiclass hinge loss in exact rational arithmetic."""
    sc, d = Fraction(float(s[c])), Fraction(margin)
    return sum((max(Fraction(0), Fraction(float(x)) - sc + d) for j, x in enumerate(s) if j != c), Fraction(0))


def margin_met(s: np.ndarray, c: int, margin: float) -> bool:
    """Whether s_c - s_j >= margin for every j != c, decided exactly."""
    return all(Fraction(float(s[c])) - Fraction(float(x)) >= Fraction(margin) for j, x in enumerate(s) if j != c)


def cases(margin: float, budget) -> st.SearchStrategy[tuple[np.ndarray, int]]:  # noqa: ANN001 - a Budget
    """Logits and a label; half the time the label's score is raised to meet the margin."""
    def build(s: np.ndarray, c: int, raise_it: bool, gap: float) -> tuple[np.ndarray, int]:
        if raise_it:
            s = s.copy()
            s[c] = np.delete(s, c).max() + margin + gap
        return s, c

    gaps = st.one_of(st.just(0.0), st.floats(0.0, 10.0))
    return budget_logits(budget).flatmap(
        lambda s: st.tuples(st.just(s), st.integers(0, len(s) - 1), st.booleans(), gaps)).map(lambda t: build(*t))


@check(HINGE_VS_SOFTMAX, "property")
def hinge_property(ctx: Context) -> Outcome:
    """Exact hinge loss is 0 iff the margin is met; exact softmax loss is always positive."""
    margin, zero_is_hinge = ctx["margin"], ctx["zero_loss"] == "hinge"
    kinds = {"met": 0, "missed": 0}

    def holds(case: tuple[np.ndarray, int]) -> bool | str:
        s, c = case
        met = margin_met(s, c, margin)
        kinds["met" if met else "missed"] += 1
        hinge, soft = exact_hinge(s, c, margin), exact_ce(s, c)
        zero, other = (hinge, soft) if zero_is_hinge else (soft, hinge)
        if (zero == 0) != met:
            return f"{ctx['zero_loss']} loss = {float(zero):.6g} with the margin {'met' if met else 'missed'}"
        return other > 0 or f"the other loss is {float(other):.6g}, not positive"

    out = prop.forall(ctx, cases(margin, ctx.budget), holds, what="hinge = 0 iff margin met, softmax > 0")
    stats = {**out.statistics, **{f"margin_{k}": v for k, v in kinds.items()}}
    if out.verdict == "supported" and min(kinds.values()) < MIN_KIND_FRACTION * out.statistics["valid"]:
        return Outcome(verdict="inconclusive", statistics=stats,
                       reason=f"too few examples of one kind (met / missed margin): {kinds}")
    return Outcome(verdict=out.verdict, reason=out.reason, statistics=stats, counterexample=out.counterexample)
