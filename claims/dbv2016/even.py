r"""The spherical softmax is an even function of its input, for every ε > 0.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Spherical Softmax").

Hypothesis: :math:`o\in\mathbb R^D`, :math:`D\ge1`, :math:`\varepsilon>0`.

Conclusion: :math:`f(-o)=f(o)` for :math:`f=f_{\mathrm{sph}}`.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.dbv2016.spherical import MAPS, numerator
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    Resolution,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.budget import Budget
from verifiers.strategies import budget_logits

#: The ends of ε > 0 in float64 (smallest subnormal, smallest normal, largest finite) and values near them.
BOUNDARY_EPS = (5e-324, sys.float_info.min, 1e-300, 1e-150, 1e150, 1e300, sys.float_info.max)

SPHERICAL_EVEN = claim(
    id="dbv2016/spherical-even",
    title="Spherical softmax is even: f_sph(-o) = f_sph(o)",
    statement=r"f(-o) = f(o)\quad\forall o\in\mathbb{R}^D,\ \forall\varepsilon>0,\qquad f = f_{\mathrm{sph}},\ "
              r"f_{\mathrm{sph}}(o)_k=\frac{o_k^2+\varepsilon}{\sum_i(o_i^2+\varepsilon)}",
    reference=Reference("dbv2016", "Spherical Softmax",
                        "It is an even function, i.e., it ignores the sign of $o_k$."),
    origin=SOURCE_STATEMENT,
    notes="The parameter `map` selects the map the claim is made for: `spherical` is the source's claim; "
          "`taylor` (f_tay, which the source calls asymmetric) is the false variant used as negative control. "
          "The claim holds for every ε > 0; `eps` names the ε searched first. "
          "Symbolic check: ε is a positive symbol (every ε > 0 at once, never a rounded value of `eps`); "
          "f(o)_k = g(o_k)/Σ_i g(o_i), so evenness of g gives evenness of f for every D; when g is not even, the "
          "explicit D = 2 map is compared and a numeric counterexample refutes it. "
          "Property check: a search over pairs (ε, o): ε is `eps`, one of the float64 ends of ε > 0 "
          f"({', '.join(f'{e:.3g}' for e in BOUNDARY_EPS)}) or log-uniform over the whole float64 range; o has up "
          "to the profile's max_n entries and magnitudes up to its max_magnitude, or is such a vector times √ε "
          "(magnitudes relative to √ε, where o_k² and ε compete); corners: o = 0, ±√ε and one-hot vectors at the "
          "given ε and at both ends of ε. f(-o) and f(o) are compared in exact rational arithmetic on the float64 "
          "inputs (so overflow of o² + ε near the largest float is not mistaken for a property of the map); an "
          "undefined f (Σ g = 0) fails.",
    params={
        "eps": Real(0.01, 0.0, exclude_min=True, doc="additive ε of the spherical softmax (searched first)"),
        "map": Choice("spherical", MAPS, doc="the map claimed to be even"),
    },
    negative_controls=(NegativeControl("taylor", {"map": "taylor"},
                                       "f_tay((1,0)) = (5/7, 2/7) but f_tay((-1,0)) = (1/3, 2/3)"),),
    tags=("spherical-softmax", "symmetry"),
)


@check(SPHERICAL_EVEN, "symbolic")
def even_symbolic(ctx: Context) -> Outcome:
    """g(-x) = g(x) for a positive symbol ε proves evenness for every D and ε > 0; otherwise D = 2 is compared."""
    x, y = sp.symbols("x y", real=True)
    eps = sp.Symbol("varepsilon", positive=True)
    g = lambda t: numerator(ctx["map"], t, eps)  # noqa: E731
    lemma = symbolic.identity(g(-x), g(x), seed=ctx.seed, scope=WHOLE, steps=(
        r"$f(o)_k = g(o_k)/\sum_i g(o_i)$, so $g(-x)=g(x)$ implies $f(-o)=f(o)$ for every $D$",
        f"$g(x) = {sp.latex(g(x))}$ with $\\varepsilon > 0$ symbolic (every $\\varepsilon > 0$)"))
    if lemma.verdict == "proved":
        return lemma
    f1 = lambda u, v: g(u) / (g(u) + g(v))  # noqa: E731
    return symbolic.identity(f1(-x, -y), f1(x, y), seed=ctx.seed, scope=special_case("D = 2"), steps=(
        *lemma.steps, r"$g$ is not even; compare $f(-o)_1$ with $f(o)_1$ for $D=2$, $o=(x,y)$"))


def exact_map(name: str, o: np.ndarray, eps: float) -> list[Fraction] | None:
    """f(o) in exact rational arithmetic on the float64 entries, or ``None`` where Σ g(o_i) = 0."""
    weights = [numerator(name, Fraction(float(v)), Fraction(eps)) for v in o]
    total = sum(weights, Fraction(0))
    return None if total == 0 else [w / total for w in weights]


def evenness_gap(name: str, o: np.ndarray, eps: float) -> float | None:
    """max_k |f(-o)_k - f(o)_k| computed exactly (then rounded), or ``None`` when f is undefined at o or -o."""
    plus, minus = exact_map(name, o, eps), exact_map(name, -o, eps)
    if plus is None or minus is None:
        return None
    return float(max(abs(a - b) for a, b in zip(plus, minus)))


@st.composite
def eps_and_logits(draw: st.DrawFn, budget: Budget, eps: float) -> tuple[float, np.ndarray]:
    """(ε, o): ε the given one, a float64 end of ε > 0 or log-uniform; o absolute or in units of √ε."""
    chosen = draw(st.one_of(st.just(eps), st.sampled_from(BOUNDARY_EPS),
                            st.floats(-323.0, 308.0).map(lambda e: min(max(10.0**e, 5e-324), sys.float_info.max))))
    o = draw(budget_logits(budget, gaps=(1.0,)))
    return chosen, (o * math.sqrt(chosen) if draw(st.booleans()) else o)


def corners(eps: float) -> list[tuple[float, np.ndarray]]:
    """o = 0, o = (√ε, -√ε, 1) and a one-hot vector, at the given ε and at both float64 ends of ε > 0."""
    points = []
    for e in (eps, BOUNDARY_EPS[0], BOUNDARY_EPS[-1]):
        root = math.sqrt(e)
        points += [(e, np.zeros(3)), (e, np.asarray([root, -root, 1.0])), (e, np.asarray([-1.0, 0.0]))]
    return points


@check(SPHERICAL_EVEN, "property")
def even_property(ctx: Context) -> Outcome:
    """Search (ε, o) over ε > 0 and o ∈ ℝ^D: compare f(-o) with f(o) exactly."""
    seen = {"eps_min": math.inf, "eps_max": 0.0, "largest_abs": 0.0, "largest_n": 0}

    def holds(point: tuple[float, np.ndarray]) -> bool | str:
        eps, o = point
        seen.update(eps_min=min(seen["eps_min"], eps), eps_max=max(seen["eps_max"], eps),
                    largest_abs=max(seen["largest_abs"], float(np.abs(o).max())),
                    largest_n=max(seen["largest_n"], len(o)))
        gap = evenness_gap(ctx["map"], o, eps)
        if gap is None:
            return f"f is undefined at ±o (Σ g(o_i) = 0) for ε = {eps:g}"
        return gap == 0 or f"max |f(-o) - f(o)| = {gap:.3g} at ε = {eps:g}"

    out = prop.forall(ctx, eps_and_logits(ctx.budget, ctx["eps"]), holds, what="evenness (exact)",
                      corners=corners(ctx["eps"]))
    explored = {**out.explored, **seen, "given_eps": ctx["eps"], "max_n": ctx.budget.max_n,
                "max_magnitude": ctx.budget.max_magnitude}
    return out.but(explored=explored, resolution=Resolution(0.0, "max |f(-o) - f(o)|"))
