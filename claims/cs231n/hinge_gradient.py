r"""The hinge stops caring once every margin is met (its gradient is 0); the softmax gradient is never 0.

CS231n lecture notes, "Softmax Classifier", difference with SVM / hinge loss.

Hypothesis: :math:`n\ge2` classes, scores :math:`s\in\mathbb R^n`, label :math:`y`, margin :math:`\Delta\ge0`;
the CS231n SVM loss :math:`L_{\mathrm{hinge}}(s)=\sum_{j\ne y}\max(0,s_j-s_y+\Delta)` and the softmax loss
:math:`L_{\mathrm{CE}}(s)=-\log\mathrm{softmax}(s)_y`.

Conclusion: if :math:`s_y-s_j>\Delta` for every :math:`j\ne y`, then :math:`\nabla L_{\mathrm{hinge}}(s)=0`;
if :math:`s_y-s_j<\Delta` for some :math:`j`, then :math:`0\notin\partial L_{\mathrm{hinge}}(s)`; and
:math:`\nabla L_{\mathrm{CE}}(s)=\mathrm{softmax}(s)-e_y\ne0` for every :math:`s` (its entries off :math:`y` are
:math:`>0`).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.cs231n.hinge import exact, kinks, partials
from claims.cs231n.losses import exact_softmax
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    Resolution,
    check,
    claim,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Each kind of example (every margin strictly met / some margin violated) must make up this fraction.
MIN_KIND_FRACTION = 0.1
EXACT = Resolution(0.0, "gradient entries")
#: Why a partial derivative of 1 at a violated margin excludes 0 from the subdifferential.
SUBGRADIENT = Premise("if a convex function has a partial derivative d in coordinate k at s, every subgradient at s "
                      "has k-th entry d (f'(s; e_k) = max g_k and f'(s; -e_k) = -min g_k over subgradients g)",
                      "Rockafellar, Convex Analysis, 1970, Thm. 23.4")

HINGE_GRADIENT = claim(
    id="cs231n/hinge-gradient",
    title="The hinge gradient is 0 once every margin is strictly met; the softmax gradient never is",
    statement=r"s_y-s_j>\Delta\ \forall j\ne y\ \Rightarrow\ \nabla_s\sum_{j\ne y}\max(0,s_j-s_y+\Delta)=0;\quad "
              r"\exists j:\ s_y-s_j<\Delta\ \Rightarrow\ 0\notin\partial L_{\mathrm{hinge}}(s);\quad "
              r"\nabla_s\bigl(-\log\mathrm{softmax}(s)_y\bigr)=\mathrm{softmax}(s)-e_y\ne0\ \ \forall s\in\mathbb R^n",
    reference=Reference("cs231n", "Difference with SVM / Hinge Loss",
                        "| Behavior near correct | Stops caring once margin met | Always pushing |"),
    origin=SOURCE_STATEMENT,
    notes="'Stops caring' is read as a zero (sub)gradient, 'always pushing' as a gradient that never vanishes. "
          "The hinge is the CS231n multiclass SVM loss (Weston-Watkins form). On the boundary (some s_y - s_j = "
          "Delta exactly, none below) the hinge is not differentiable and 0 is a subgradient; the statement "
          "excludes it. `zero_gradient` names the loss claimed to have a zero gradient once every margin is "
          "strictly met (the other is claimed never to have one); `softmax` is the negative control. Symbolic "
          "check (any n: the label's score s_0 and m = n - 1 >= 1 other scores s_1..s_m, SymPy Sum/IndexedBase): "
          "differentiates the hinge term by term (d/dx max(0, x) = Heaviside(x)), substitutes s_j = s_0 - Delta - "
          "g_j with g_j > 0 (every margin strictly met: the gradient is 0) or s_1 = s_0 - Delta + h, h > 0 (the "
          "violated margin's partial is 1), and differentiates logsumexp(s) - s_0: the partial in s_j, j != 0, is "
          "exp(s_j)/Z > 0 (Z a sum of positive terms). Property check: budget logits (n up to max_n, |s| up to "
          "max_magnitude), half of them raised to meet the margin (s_y = max over j != y of s_j, plus Delta + "
          "gap, gap >= 0); margins decided exactly (float inputs read as rationals), the hinge's one-sided "
          "partials computed exactly as integer difference quotients after scaling to integers (piecewise linear "
          "and homogeneous), the softmax in mpmath (no underflow); 0 is excluded from the subdifferential when a "
          "one-sided partial has the wrong sign. "
          "Inconclusive unless met and violated examples each make up 10 % of the search.",
    params={"margin": Real(1.0, 0.0, doc="the SVM margin Delta"),
            "zero_gradient": Choice("hinge", ("hinge", "softmax"),
                                    doc="the loss claimed to have a zero gradient once every margin is strictly met")},
    negative_controls=(NegativeControl("softmax-stops", {"zero_gradient": "softmax"},
                                       "the softmax gradient vanishes once the margin is met: false, its entries "
                                       "off the label are softmax probabilities > 0"),),
    tags=("hinge", "gradient"),
)


def _positive_sums(expr: sp.Expr) -> tuple[sp.Expr, list[str]]:
    """Replace each Sum whose summand SymPy proves positive by a non-negative symbol (a sum of positive terms)."""
    notes, out = [], expr
    for k, term in enumerate(sorted(expr.atoms(sp.Sum), key=str)):
        if term.function.is_positive:
            symbol = sp.Symbol(f"S_{k}", nonnegative=True)
            out = out.xreplace({term: symbol})
            notes.append(f"${sp.latex(term)} = {sp.latex(symbol)} \\ge 0$ (every term positive)")
    return out, notes


def hinge_facts() -> tuple[dict[str, bool], list[str]]:
    """Symbolic n: hinge gradient 0 when every margin is strictly met; partial 1 at a violated margin."""
    m = sp.Symbol("m", integer=True, positive=True)
    j, k = sp.symbols("j k", integer=True)
    s, g = sp.IndexedBase("s", real=True), sp.IndexedBase("g", positive=True)
    s0, delta, h = sp.Symbol("s_0", real=True), sp.Symbol("Delta", nonnegative=True), sp.Symbol("h", positive=True)
    hinge = sp.Sum(sp.Max(0, s[j] - s0 + delta), (j, 1, m))
    met = {v: sp.diff(hinge, v).xreplace({s[j]: s0 - delta - g[j]}).doit() for v in (s[k], s0)}
    violated = sp.diff(hinge, s[1]).doit().subs(s[1], s0 - delta + h)
    violated = violated.subs(sp.Heaviside(h), 1) if violated.has(sp.Heaviside) else violated
    facts = {"hinge: d/ds_k = 0 when met": met[s[k]] == 0, "hinge: d/ds_0 = 0 when met": met[s0] == 0,
             "hinge: d/ds_1 = 1 when margin 1 is violated": sp.simplify(violated - 1) == 0}
    steps = [f"$L_{{\\rm hinge}} = {sp.latex(hinge)}$ (label score $s_0$, $m=n-1$ others)",
             f"margins met ($s_j=s_0-\\Delta-g_j$, $g_j>0$): $\\partial L/\\partial s_k = {sp.latex(met[s[k]])}$, "
             f"$\\partial L/\\partial s_0 = {sp.latex(met[s0])}$",
             f"margin 1 violated ($s_1=s_0-\\Delta+h$, $h>0$): $\\partial L/\\partial s_1 = {sp.latex(violated)}$"]
    return facts, steps


def softmax_facts() -> tuple[dict[str, bool], list[str]]:
    """Symbolic n: the partial of the softmax loss in any s_j, j != y, is e^{s_j}/Z > 0."""
    j = sp.Symbol("j", integer=True, positive=True)
    r, k = sp.Symbol("r", integer=True, nonnegative=True), sp.Symbol("k", integer=True)
    s, s0 = sp.IndexedBase("s", real=True), sp.Symbol("s_0", real=True)
    z = sp.exp(s0) + sp.Sum(sp.exp(s[k]), (k, 1, j + r))
    partial = sp.diff(sp.log(z) - s0, s[j]).doit()
    bounded, notes = _positive_sums(partial)
    facts = {"softmax: d/ds_j = exp(s_j)/Z": sp.cancel(partial - sp.exp(s[j]) / z) == 0,
             "softmax: d/ds_j > 0": bool(bounded.is_positive)}
    steps = [f"$L_{{\\rm CE}} = {sp.latex(sp.log(z) - s0)}$ ($n=j+r+1$ classes, $1\\le j\\le n-1$)",
             f"$\\partial L_{{\\rm CE}}/\\partial s_j = {sp.latex(partial)}$", *notes]
    return facts, steps


@check(HINGE_GRADIENT, "symbolic")
def gradient_symbolic(ctx: Context) -> Outcome:
    """Differentiate both losses for a symbolic number of classes."""
    hinge, hinge_steps = hinge_facts()
    soft, soft_steps = softmax_facts()
    steps = (*hinge_steps, *soft_steps, "checked: " + "; ".join(f"{k}: {v}" for k, v in {**hinge, **soft}.items()))
    if not all({**hinge, **soft}.values()):
        return Outcome(verdict="inconclusive", steps=steps, reason="SymPy did not confirm every step")
    if ctx["zero_gradient"] == "hinge":
        return Outcome(verdict="proved", steps=steps, scope=WHOLE, resolution=EXACT, premises=(SUBGRADIENT,),
                       reason="for every n: the hinge gradient is 0 when every margin is strictly met and has a "
                              "partial 1 at a violated margin; the softmax partials off the label are e^{s_j}/Z > 0")
    return Outcome(verdict="refuted", steps=steps, scope=WHOLE, resolution=EXACT,
                   counterexample={"softmax partial off the label": "e^{s_j}/Z > 0 for every s"},
                   reason="the softmax gradient has entries e^{s_j}/Z > 0 off the label for every s, margin met "
                          "or not; and the hinge gradient is 0 once every margin is met")


def cases(ctx: Context) -> st.SearchStrategy[tuple[np.ndarray, int]]:
    """Budget logits and a label; half the time the label's score is raised to meet every margin."""
    margin = ctx["margin"]

    def build(s: np.ndarray, y: int, raise_it: bool, gap: float) -> tuple[np.ndarray, int]:
        if raise_it:
            s = s.copy()
            s[y] = np.delete(s, y).max() + margin + gap
        return s, y

    gaps = st.one_of(st.just(0.0), st.sampled_from([1e-12, 1e-6, 1e-3]), st.floats(0.0, 10.0))
    return budget_logits(ctx.budget).flatmap(
        lambda s: st.tuples(st.just(s), st.integers(0, len(s) - 1), st.booleans(), gaps)).map(lambda t: build(*t))


def margin_kind(s: list[Fraction], y: int, margin: Fraction) -> str:
    """``met`` (every margin strictly met), ``violated`` (some s_y - s_j < margin) or ``boundary``, exactly."""
    args = kinks(s, y, margin)
    return "met" if all(a < 0 for a in args) else ("violated" if any(a > 0 for a in args) else "boundary")


def hinge_zero_gradient(s: list[Fraction], y: int, margin: Fraction) -> bool:
    """Whether the hinge is differentiable at s with gradient 0 (both one-sided partials 0 in every coordinate)."""
    return all(lo == 0 and hi == 0 for lo, hi in partials("weston-watkins", s, y, margin))


def hinge_excludes_zero(s: list[Fraction], y: int, margin: Fraction) -> bool:
    """Whether 0 is not a subgradient: some one-sided partial has the wrong sign for 0 to lie between them."""
    return any(lo > 0 or hi < 0 for lo, hi in partials("weston-watkins", s, y, margin))


def softmax_gradient_nonzero(s: np.ndarray, y: int) -> bool:
    """Whether softmax(s) - e_y has a non-zero entry, in mpmath (no underflow: probabilities are never rounded to 0)."""
    p = exact_softmax(s)
    return any(p[j] > 0 for j in range(len(s)) if j != y) or p[y] != mpmath.mpf(1)


@check(HINGE_GRADIENT, "property")
def gradient_property(ctx: Context) -> Outcome:
    """Exact margins, exact hinge partials, mpmath softmax gradients."""
    margin, hinge_stops = Fraction(ctx["margin"]), ctx["zero_gradient"] == "hinge"
    kinds = {"met": 0, "violated": 0, "boundary": 0}

    def holds(case: tuple[np.ndarray, int]) -> bool | str:
        s, y = case
        q = exact(s)
        kind = margin_kind(q, y, margin)
        kinds[kind] += 1
        soft_moves = softmax_gradient_nonzero(s, y)
        if kind == "met" and not hinge_zero_gradient(q, y, margin):
            return "every margin strictly met but the hinge gradient is not 0"
        if kind == "violated" and not hinge_excludes_zero(q, y, margin):
            return "a margin violated but 0 is a hinge subgradient"
        if not soft_moves:
            return "the softmax gradient is 0"
        if not hinge_stops and kind == "met":
            return "every margin strictly met, yet the softmax gradient is not 0 (it has entries softmax(s)_j > 0)"
        return True

    out = prop.forall(ctx, cases(ctx), holds, what="hinge gradient 0 iff margins met, softmax gradient never 0")
    out = out.but(statistics={**out.statistics, **{f"margin_{k}": v for k, v in kinds.items()}}, resolution=EXACT)
    rare = min(kinds["met"], kinds["violated"]) < MIN_KIND_FRACTION * out.statistics["valid"]
    if out.verdict == "supported" and rare:
        return out.but(verdict="inconclusive", reason=f"too few examples of one kind (met / violated): {kinds}")
    return out
