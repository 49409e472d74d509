r"""The softmax loss is positive and finite; its infimum 0 is never attained; it is unbounded above.

CS231n lecture notes, "Softmax Classifier", sanity checks (min and max loss).

Hypothesis: :math:`s\in\mathbb R^n` finite, :math:`n\ge2`, label :math:`c`.

Conclusion: :math:`0<-\log\mathrm{softmax}(s)_c<\infty`, :math:`\inf_s -\log p_c=0` (not attained) and
:math:`\sup_s -\log p_c=\infty`; the range of the loss is exactly :math:`(0,\infty)`.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.cs231n.losses import exact_ce, log_softmax
from verifiers import SOURCE_STATEMENT, WHOLE, Context, Flag, NegativeControl, Outcome, Reference, check, claim
from verifiers import property as prop

LOSS_RANGE = claim(
    id="cs231n/loss-range",
    title="Softmax loss lies in (0, ∞): infimum 0 not attained, unbounded above",
    statement=r"\{-\log\mathrm{softmax}(s)_c : s\in\mathbb{R}^n\} = (0,\infty),\qquad n\ge 2",
    reference=Reference("cs231n", "Sanity checks at initialization",
                        "- Min loss: (achieved only if , requiring and others → never reached)"),
    origin=SOURCE_STATEMENT,
    notes="Floating point would fake the opposite: in float64, -log(softmax(s)_c) rounds to exactly 0.0 once "
          "the margin $s_c-\\max_{j\\ne c}s_j$ exceeds about 37 (p_c rounds to 1), and log1p(sum exp(s_j - s_c)) "
          "once it exceeds about 745 (exp underflows). The property check therefore evaluates the loss as "
          "$\\log(1+\\sum_{j\\ne c}e^{s_j-s_c})$ in mpmath (50 digits, unbounded exponent range; float inputs convert "
          "exactly), where positivity is decided correctly for every finite input; it also counts how often the "
          "naive float64 value is an artefactual 0. Infimum and unboundedness are checked with explicit witnesses "
          "for random eps and B. The symbolic check reduces the loss to $\\log(1+x)$, "
          "$x=\\sum_{j\\ne c}e^{s_j-s_c}$, whose range over s is exactly (0, oo). Negative control "
          "`attains_zero=true`: the claim that the loss reaches 0.",
    params={"attains_zero": Flag(False, doc="claim that the loss reaches its infimum 0 (the false variant)")},
    negative_controls=(NegativeControl("reaches-zero", {"attains_zero": True},
                                       "the loss reaches 0 only in the limit s_c - s_j -> infinity"),),
    tags=("loss-range", "sanity-check"),
)


@check(LOSS_RANGE, "symbolic")
def range_symbolic(ctx: Context) -> Outcome:
    """-log p_c = log(1 + x), x = sum_{j!=c} e^{s_j - s_c} ranges over (0, oo); so the loss ranges over (0, oo)."""
    x, t = sp.Symbol("x", positive=True), sp.Symbol("t", real=True)
    m = sp.Symbol("m", positive=True, integer=True)
    onto = sp.solveset(sp.Eq(m * sp.exp(t), x), t, sp.S.Reals)
    loss_range = sp.calculus.util.function_range(sp.log(1 + x), x, sp.Interval.open(0, sp.oo))
    steps = (r"$-\log p_c = \log\big(1 + \sum_{j\ne c} e^{s_j - s_c}\big) = \log(1+x)$, $x>0$ (a sum of "
             r"$m=n-1\ge1$ positive terms)",
             f"onto $(0,\\infty)$: $s_c=0$, $s_j=t$ gives $x = m e^t$, solved by $t \\in {sp.latex(onto)}$",
             f"range of $\\log(1+x)$ over $x\\in(0,\\infty)$: ${sp.latex(loss_range)}$")
    if not isinstance(onto, sp.FiniteSet) or loss_range != sp.Interval.open(0, sp.oo):
        return Outcome(verdict="inconclusive", steps=steps, reason="SymPy did not derive the range (0, oo)")
    stats = {"range": str(loss_range)}
    if ctx["attains_zero"]:
        return Outcome(verdict="refuted", steps=steps, statistics=stats,
                       counterexample={"range": str(loss_range), "contains_0": False},
                       reason="the range of the loss is the open interval (0, oo): 0 is never attained")
    return Outcome(verdict="proved", steps=steps, statistics=stats, scope=WHOLE,
                   reason="the loss is log(1 + x) with x ranging over (0, oo): its range is exactly (0, oo)")


def cases() -> st.SearchStrategy[tuple[np.ndarray, int, float, float]]:
    """Logits over a wide range (huge margins included), a label, and targets eps and B."""
    entry = st.one_of(st.floats(-1e6, 1e6), st.floats(-50, 50), st.integers(-3, 3).map(float))
    vectors = st.lists(entry, min_size=2, max_size=8).map(lambda v: np.asarray(v, dtype=np.float64))
    return vectors.flatmap(lambda s: st.tuples(st.just(s), st.integers(0, len(s) - 1),
                                               st.floats(1e-300, 1.0), st.floats(0.0, 1e6)))


def range_violation(s: np.ndarray, c: int, eps: float, bound: float) -> str | None:
    """Why (s, c) or the eps / B witnesses break the range claim, or ``None``."""
    loss = exact_ce(s, c)
    if not (0 < loss < mpmath.inf):
        return f"exact loss {loss} is not in (0, oo)"
    n = len(s)
    small = np.full(n, -(math.log((n - 1) / eps) + 1.0))
    small[0] = 0.0
    if not 0 < exact_ce(small, 0) < eps:
        return f"the margin witness for eps = {eps:.3g} has loss {exact_ce(small, 0)}"
    large = np.full(n, bound + 1.0)
    large[0] = 0.0
    if not exact_ce(large, 0) > bound:
        return f"the witness for B = {bound:.3g} has loss {exact_ce(large, 0)} <= B"
    return None


@check(LOSS_RANGE, "property")
def range_property(ctx: Context) -> Outcome:
    """Exact (mpmath) loss in (0, oo) on wide-range logits; witnesses for inf = 0 and sup = oo."""
    artefacts = [0]

    def holds(case: tuple[np.ndarray, int, float, float]) -> bool | str:
        s, c, eps, bound = case
        artefacts[0] += int(-log_softmax(s)[c] == 0.0)
        return range_violation(s, c, eps, bound) or True

    if ctx["attains_zero"]:
        out = prop.exists(ctx, cases(), lambda case: exact_ce(case[0], case[1]) == 0, what="a finite s with loss 0")
    else:
        out = prop.forall(ctx, cases(), holds, what="0 < loss < oo, inf 0, sup oo")
    return Outcome(verdict=out.verdict, reason=out.reason, counterexample=out.counterexample, steps=out.steps,
                   statistics={**out.statistics, "float64_zero_artefacts": artefacts[0]})
