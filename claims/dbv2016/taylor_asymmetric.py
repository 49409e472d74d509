r"""The Taylor softmax is not even: some input and its negation are mapped differently.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Taylor Softmax").

Hypothesis: :math:`f=f_{\mathrm{tay}}`.

Conclusion: there is :math:`o\in\mathbb R^D` with :math:`f(-o)\ne f(o)`.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from claims.dbv2016.spherical import MAPS, apply, numerator
from verifiers import SOURCE_STATEMENT, WHOLE, Choice, Context, NegativeControl, Outcome, Real, Reference, check, claim
from verifiers import property as prop
from verifiers.strategies import logits

#: A float64 witness must differ by more than this (so rounding cannot fake asymmetry).
RESOLVABLE = 1e-6

TAYLOR_ASYMMETRIC = claim(
    id="dbv2016/taylor-asymmetric",
    title="Taylor softmax is asymmetric around zero",
    statement=r"\exists\, o\in\mathbb{R}^D:\ f(-o)\neq f(o),\qquad f=f_{\mathrm{tay}},\ "
              r"f_{\mathrm{tay}}(o)_k=\frac{1+o_k+o_k^2/2}{\sum_i(1+o_i+o_i^2/2)}",
    reference=Reference("dbv2016", "Taylor Softmax",
                        "Another distinctive feature of this function is that it is slightly asymmetric "
                        "around zero"),
    origin=SOURCE_STATEMENT,
    notes="'Asymmetric around zero' is read as 'not even': an existence claim, shown by an exact rational "
          "witness (symbolic, D = 2) and by a float64 witness search whose differences must exceed "
          f"{RESOLVABLE:g}. The parameter `map` selects the map; `spherical` (even for every ε, D) is the "
          "negative control: the symbolic check proves g(-x) = g(x), hence f(-o) = f(o) for all o and D, "
          "which refutes the existence claim. `eps` is used by map=spherical only.",
    params={
        "map": Choice("taylor", MAPS, doc="the map claimed to be asymmetric"),
        "eps": Real(0.01, 0.0, exclude_min=True, doc="ε of the spherical softmax (map=spherical only)"),
    },
    negative_controls=(NegativeControl("spherical", {"map": "spherical"},
                                       "the spherical softmax is even, so no witness exists"),),
    tags=("taylor-softmax", "symmetry"),
)


@check(TAYLOR_ASYMMETRIC, "symbolic")
def asymmetric_symbolic(ctx: Context) -> Outcome:
    """Even g refutes the claim for every D; otherwise an exact rational witness with D = 2 proves it."""
    x = sp.Symbol("x", real=True)
    g = lambda t: numerator(ctx["map"], t, sp.nsimplify(ctx["eps"]))  # noqa: E731
    odd_part = sp.simplify(g(-x) - g(x))
    steps = (f"$g(x) = {sp.latex(g(x))}$, $g(-x) - g(x) = {sp.latex(odd_part)}$",)
    if odd_part == 0:
        return Outcome(verdict="refuted", steps=(*steps, r"$f(o)_k = g(o_k)/\sum_i g(o_i)$ with $g$ even, "
                                                 r"so $f(-o) = f(o)$ for every $o$ and $D$"),
                       reason="g is even, so f(-o) = f(o) identically: no witness exists in any dimension",
                       counterexample={"g(-x) - g(x)": "0"})
    for u, v in itertools.product(map(sp.Integer, range(-2, 3)), repeat=2):
        diff = sp.simplify(g(-u) / (g(-u) + g(-v)) - g(u) / (g(u) + g(v)))
        if diff != 0:
            return Outcome(verdict="proved", scope=WHOLE, statistics={"difference": str(diff)},
                           steps=(*steps, f"witness $o = ({u}, {v})$: $f(-o)_1 - f(o)_1 = {sp.latex(diff)} \\ne 0$"),
                           reason=f"exact witness o = ({u}, {v}): f(-o)_1 - f(o)_1 = {diff}")
    return Outcome(verdict="inconclusive", steps=steps, reason="no exact witness on the grid {-2..2}^2")


@check(TAYLOR_ASYMMETRIC, "property")
def asymmetric_property(ctx: Context) -> Outcome:
    """Search random o for a resolvable difference between f(-o) and f(o)."""
    def is_witness(o: np.ndarray) -> bool:
        diff = np.abs(apply(ctx["map"], -o, ctx["eps"]) - apply(ctx["map"], o, ctx["eps"]))
        return bool(diff.max() > RESOLVABLE)

    return prop.exists(ctx, logits(), is_witness, what="an o with f(-o) != f(o)")
