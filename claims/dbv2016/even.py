r"""The spherical softmax is an even function of its input.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Spherical Softmax").

Hypothesis: :math:`o\in\mathbb R^D`, :math:`\varepsilon=\mathrm{eps}>0`.

Conclusion: :math:`f(-o)=f(o)` for :math:`f=f_{\mathrm{sph}}`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.dbv2016.spherical import MAPS, apply, numerator
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
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import logits

#: Absolute tolerance of the float64 comparison (both sides lie in [0, 1]).
ATOL = 1e-12

SPHERICAL_EVEN = claim(
    id="dbv2016/spherical-even",
    title="Spherical softmax is even: f_sph(-o) = f_sph(o)",
    statement=r"f(-o) = f(o)\quad\forall o\in\mathbb{R}^D,\qquad f = f_{\mathrm{sph}},\ "
              r"f_{\mathrm{sph}}(o)_k=\frac{o_k^2+\varepsilon}{\sum_i(o_i^2+\varepsilon)}",
    reference=Reference("dbv2016", "Spherical Softmax",
                        "It is an even function, i.e., it ignores the sign of $o_k$."),
    origin=SOURCE_STATEMENT,
    notes="The parameter `map` selects the map the claim is made for: `spherical` is the source's claim; "
          "`taylor` (f_tay, which the source calls asymmetric) is the false variant used as negative control. "
          "Symbolic check: f(o)_k = g(o_k)/Σ_i g(o_i), so evenness of g gives evenness of f for every D; "
          "when g is not even, the explicit D = 2 map is compared and a numeric counterexample refutes it.",
    params={
        "eps": Real(0.01, 0.0, exclude_min=True, doc="additive ε of the spherical softmax"),
        "map": Choice("spherical", MAPS, doc="the map claimed to be even"),
    },
    negative_controls=(NegativeControl("taylor", {"map": "taylor"},
                                       "f_tay((1,0)) = (5/7, 2/7) but f_tay((-1,0)) = (1/3, 2/3)"),),
    tags=("spherical-softmax", "symmetry"),
)


@check(SPHERICAL_EVEN, "symbolic")
def even_symbolic(ctx: Context) -> Outcome:
    """g(-x) = g(x) proves evenness for every D; otherwise the D = 2 map is compared exactly."""
    x, y = sp.symbols("x y", real=True)
    g = lambda t: numerator(ctx["map"], t, sp.nsimplify(ctx["eps"]))  # noqa: E731
    lemma = symbolic.identity(g(-x), g(x), seed=ctx.seed, scope=WHOLE, steps=(
        r"$f(o)_k = g(o_k)/\sum_i g(o_i)$, so $g(-x)=g(x)$ implies $f(-o)=f(o)$ for every $D$",
        f"$g(x) = {sp.latex(g(x))}$"))
    if lemma.verdict == "proved":
        return lemma
    f1 = lambda u, v: g(u) / (g(u) + g(v))  # noqa: E731
    return symbolic.identity(f1(-x, -y), f1(x, y), seed=ctx.seed, scope=special_case("D = 2"), steps=(
        *lemma.steps, r"$g$ is not even; compare $f(-o)_1$ with $f(o)_1$ for $D=2$, $o=(x,y)$"))


@check(SPHERICAL_EVEN, "property")
def even_property(ctx: Context) -> Outcome:
    """Random o: compare f(-o) with f(o)."""
    def holds(o: np.ndarray) -> bool | str:
        gap = float(np.max(np.abs(apply(ctx["map"], -o, ctx["eps"]) - apply(ctx["map"], o, ctx["eps"]))))
        return gap <= ATOL or f"max |f(-o) - f(o)| = {gap:.3g}"

    return prop.forall(ctx, logits(), holds, what="evenness")
