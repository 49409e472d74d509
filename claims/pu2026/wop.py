r"""Sparse prediction maps are weakly order-preserving (WOP).

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "sparse variants are weakly
order-preserving (WOP)").

Hypothesis: :math:`n\ge2`, :math:`s\in\mathbb R^n`, :math:`p=\mathrm{map}(s)` for each listed map.

Conclusion: :math:`s_i>s_j\Rightarrow p_i\ge p_j`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.pu2026.maps import apply, exact_alpha
from claims.pu2026.sop import THRESHOLD_FORM, order_violation, sparsity_gaps
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choices,
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

#: Maps this claim can be asked about; ``reversed-softmax`` (softmax of -s) is the broken one.
WOP_MAPS = ("softmax", "sparsemax", "entmax15", "entmax", "reversed-softmax")

WOP = claim(
    id="pu2026/wop",
    title="Sparse maps are weakly order-preserving",
    statement=r"s_i > s_j \Rightarrow p_i \ge p_j,\qquad p = \mathrm{map}(s),\ s\in\mathbb{R}^n,\ n\ge 2,"
              r"\ \mathrm{map}\in\mathrm{maps}",
    reference=Reference("pu2026", "Order preservation",
                        "sparse variants are weakly order-preserving (WOP)"),
    origin=SOURCE_STATEMENT,
    notes="The paper's body is unavailable; WOP is formalized as the weak implication s_i > s_j => p_i >= p_j "
          "(ties in p allowed). The symbolic check covers every n: it takes as a premise the threshold form "
          "of α-entmax (Peters, Niculae & Martins 2019): p_i = g(s_i) with g(t) = [(α-1)t - τ]_+^(1/(α-1)) and "
          "one τ for all i (sparsemax is α = 2, 1.5-entmax α = 1.5, α-entmax the exact decimal `alpha`); "
          "softmax is g(t) = e^t / Z. It then proves g non-decreasing with SymPy. The property check searches "
          "budget-sized logits (n up to the profile's max_n, magnitudes up to its max_magnitude, the maps' "
          "sparsity gaps 1/(α-1) among the drawn gaps) for a pair with s_i - s_j >= 1e-6 and p_i < p_j in the "
          "library's output. `maps=reversed-softmax` (softmax of -s) is the broken map used as negative "
          "control.",
    params={
        "maps": Choices(("sparsemax", "entmax15", "entmax"), WOP_MAPS, doc="the prediction maps under test"),
        "alpha": Real(1.25, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map entmax only)"),
    },
    negative_controls=(
        NegativeControl("reversed-softmax", {"maps": ("reversed-softmax",)},
                        "softmax of -s reverses the order: s=(1,0) gives p_1 < p_2"),
    ),
    tags=("order-preservation",),
)


def map_alpha(name: str, alpha: float) -> sp.Expr:
    """The exact α of an entmax-family map (sparsemax 2, 1.5-entmax 3/2, α-entmax ``alpha``)."""
    return {"sparsemax": sp.Integer(2), "entmax15": sp.Rational(3, 2)}.get(name, sp.Rational(str(exact_alpha(alpha))))


def coordinate_function(name: str, alpha: float, t: sp.Symbol, tau: sp.Symbol) -> sp.Expr:
    """``g`` with ``p_i = g(s_i)`` (on the active part u = (α-1)t - τ > 0 for the entmax family)."""
    if name == "softmax":
        return sp.exp(t) / sp.Symbol("Z", positive=True)
    if name == "reversed-softmax":
        return sp.exp(-t) / sp.Symbol("Z", positive=True)
    a = map_alpha(name, alpha)
    return ((a - 1) * t - tau) ** (1 / (a - 1))


def monotone_step(name: str, alpha: float) -> tuple[bool | None, str]:
    """Whether SymPy shows ``g' >= 0`` (None when undecided), and the derivation step."""
    t, tau = sp.Symbol("t", real=True), sp.Symbol("tau", real=True)
    g = coordinate_function(name, alpha, t, tau)
    if "softmax" in name:
        deriv = sp.diff(g, t)
    else:
        u = sp.Symbol("u", positive=True)
        deriv = sp.simplify(sp.diff(g, t).subs(tau, (map_alpha(name, alpha) - 1) * t - u))
    step = f"{name}: $g(t) = {sp.latex(g)}$, $g'(t) = {sp.latex(deriv)}$" + \
        ("" if "softmax" in name else r" with $u=(\alpha-1)t-\tau>0$; $g=0$ for $u\le0$, continuous at $u=0$")
    return deriv.is_nonnegative, step


@check(WOP, "symbolic")
def wop_symbolic(ctx: Context) -> Outcome:
    """Each coordinate is one non-decreasing function of its own score, so order is weakly preserved."""
    steps: list[str] = [r"premise: $p_i = g(s_i)$ with one $g$ for every $i$ (threshold form of "
                        r"$\alpha$-entmax; softmax: $g(t)=e^t/Z$)"]
    for name in ctx["maps"]:
        nonneg, step = monotone_step(name, ctx["alpha"])
        steps.append(step)
        if nonneg is None:
            return Outcome(verdict="inconclusive", reason=f"SymPy could not decide the sign of g' for {name}",
                           steps=tuple(steps))
        if not nonneg:
            return wop_refutation(name, tuple(steps))
    steps.append(r"$g$ non-decreasing, so $s_i > s_j \Rightarrow p_i = g(s_i) \ge g(s_j) = p_j$")
    entmax_family = any("softmax" not in name for name in ctx["maps"])
    return Outcome(verdict="proved", steps=tuple(steps), scope=WHOLE,
                   premises=(THRESHOLD_FORM,) if entmax_family else (),
                   reason="every listed map applies one non-decreasing function to each score (every n)")


def wop_refutation(name: str, steps: tuple[str, ...]) -> Outcome:
    """An exact n = 2 counterexample for a map whose ``g`` is decreasing."""
    s = (sp.Integer(1), sp.Integer(0))
    g = [sp.exp(-x) for x in s] if name == "reversed-softmax" else None
    if g is None:
        return Outcome(verdict="inconclusive", reason=f"g' is not non-negative for {name}", steps=steps)
    p = [gi / sum(g) for gi in g]
    trail = (*steps, f"$s=(1,0)$: $p = ({sp.latex(p[0])}, {sp.latex(p[1])})$")
    if not sp.simplify(p[1] - p[0]).is_positive:
        return Outcome(verdict="inconclusive", reason="SymPy could not order the n=2 witness", steps=trail)
    return Outcome(verdict="refuted", reason=f"{name}: s=(1,0) gives p_1 = {float(p[0]):.4g} < p_2 = {float(p[1]):.4g}",
                   steps=trail, counterexample={"map": name, "s": [1.0, 0.0], "p": [float(x) for x in p]},
                   scope=instance("s = (1, 0)"))


@check(WOP, "property")
def wop_property(ctx: Context) -> Outcome:
    """Search budget-sized logits (with the maps' sparsity gaps) for s_i > s_j with p_i < p_j under a listed map."""
    def holds(s: np.ndarray) -> bool | str:
        for name in ctx["maps"]:
            broken = order_violation(s, apply(name, s, ctx["alpha"]), strict=False)
            if broken:
                return f"{name}: {broken}"
        return True

    gaps = tuple(sorted({g for name in ctx["maps"] for g in sparsity_gaps(name, ctx["alpha"])}))
    out = prop.forall(ctx, budget_logits(ctx.budget, gaps=gaps), holds, what="weak order preservation")
    if out.verdict == "refuted":
        return out.but(scope=instance(f"s = {out.counterexample['example']}"))
    return out
