r"""The spherical softmax (with ε = 0) is invariant to rescaling its input.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Spherical Softmax").

Hypothesis: :math:`o\in\mathbb R^D\setminus\{0\}`, :math:`a\ne0`, :math:`\varepsilon=\mathrm{eps}`.

Conclusion: :math:`f_{\mathrm{sph}}(ao)=f_{\mathrm{sph}}(o)`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.dbv2016.spherical import apply, numerator
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Context,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Tolerance of the float64 implementation against the exact value (both lie in [0, 1]).
ATOL = 1e-12
#: The float64 implementation is compared only where squares neither underflow nor overflow.
FLOAT_RANGE = (1e-100, 1e100)
#: Powers of ten by which o is moved toward 0 (where ε dominates o²) and scales a are drawn.
TOWARD_ZERO = tuple(range(0, 301, 10))
#: An exact comparison: any non-zero difference is detected.
EXACT = Resolution(0.0, "f_sph(a o) - f_sph(o)")

SCALE_INVARIANCE = claim(
    id="dbv2016/spherical-scale-invariance",
    title="Spherical softmax is scale-invariant (ε = 0)",
    statement=r"f_{\mathrm{sph}}(a\,o) = f_{\mathrm{sph}}(o)\quad \forall o\in\mathbb{R}^D\setminus\{0\},\ a\neq 0,"
              r"\qquad f_{\mathrm{sph}}(o)_k=\frac{o_k^2+\varepsilon}{\sum_i(o_i^2+\varepsilon)},\ \varepsilon=0",
    reference=Reference("dbv2016", "Spherical Softmax",
                        r"$L_{\text{log sph soft}}$ is invariant to scaling of $\boldsymbol{o}$."),
    origin=SOURCE_STATEMENT,
    notes="The blog states the invariance for the loss; it follows from (and we check) the invariance of "
          "the map f_sph, hence of every -log f_sph(o)_c. It holds only for ε = 0 (where o = 0 is excluded, "
          "f_sph being undefined there): f_sph(ao)_k - f_sph(o)_k has numerator ε(a²-1)((D-1)o_k² - R), "
          "$R=\\sum_{i\\ne k}o_i^2$, so every ε > 0, however small, breaks it (most visibly for o² ≲ ε). The symbolic "
          "check derives that numerator for symbolic D (x = o_k, R > 0, a > 0; (ao)² only sees |a|) and, for "
          "ε > 0, gives an exact rational witness. The property check compares f_sph(ao) and f_sph(o) in exact "
          "rational arithmetic (float inputs and ε convert exactly), so any difference is seen, at every "
          "magnitude: o is drawn up to the profile's max_n and max_magnitude and moved toward 0 by factors "
          "down to 1e-300, a from ±[0.1, 10] and ±10^j; it also checks the float64 implementation against the "
          "exact value where squares stay in float range.",
    params={"eps": Real(0.0, 0.0, doc="additive ε of the spherical softmax")},
    negative_controls=(NegativeControl("eps-1", {"eps": 1.0},
                                       "with ε = 1, f_sph(2·(1,0)) = (5/6, 1/6) ≠ f_sph((1,0)) = (2/3, 1/3)"),),
    tags=("spherical-softmax", "invariance"),
)


@check(SCALE_INVARIANCE, "symbolic")
def scale_symbolic(ctx: Context) -> Outcome:
    """Numerator of f(a o)_k - f(o)_k for symbolic x, R > 0, D ≥ 2, a > 0: ε(a²-1)((D-1)x² - R)."""
    x = sp.Symbol("x", real=True)
    R, a, e = sp.Symbol("R", positive=True), sp.Symbol("a", positive=True), sp.Symbol("varepsilon", nonnegative=True)
    D = 2 + sp.Symbol("m", integer=True, nonnegative=True)

    def f(scale: sp.Expr) -> sp.Expr:
        return ((scale * x) ** 2 + e) / ((scale * x) ** 2 + scale**2 * R + D * e)

    numer, denom = sp.fraction(sp.together(f(a) - f(sp.Integer(1))))
    factored = e * (a**2 - 1) * ((D - 1) * x**2 - R)
    steps = [r"$f_{\mathrm{sph}}(o)_k = \frac{x^2+\varepsilon}{x^2+R+D\varepsilon}$, $x=o_k$, "
             r"$R=\sum_{i\ne k}o_i^2$ (every $D\ge2$, $k$); $(ao)_k^2=a^2x^2$ and $a^2=|a|^2$, so $a>0$ suffices",
             f"$f(ao)_k-f(o)_k = \frac{{{sp.latex(factored)}}}{{{sp.latex(sp.factor(denom))}}}$"]
    derived = symbolic.identity(sp.expand(numer - factored), sp.Integer(0), scope=WHOLE, steps=tuple(steps))
    if derived.verdict != "proved":
        return derived.but(verdict="inconclusive", reason="SymPy did not confirm the factored difference")
    eps = sp.Rational(ctx["eps"])  # the exact value of the float parameter
    if eps == 0:
        return derived.but(steps=(*derived.steps, r"$\varepsilon=0$: the numerator vanishes identically"),
                           reason="f(ao) - f(o) has numerator ε(a²-1)((D-1)x²-R), identically 0 at ε = 0")
    point = {x: 1, R: 1, a: 2, e: eps, sp.Symbol("m", integer=True, nonnegative=True): 1}
    value = (f(a) - f(sp.Integer(1))).subs(point)
    steps.append(f"$\varepsilon={ctx['eps']:g}>0$: witness $D=3$, $o=(1,1,0)$, $k=1$ ($x=1$, $R=1$), $a=2$: "
                 f"$f(ao)_1-f(o)_1 = {float(value):.6g} \neq 0$ (exact rational)")
    return Outcome(verdict="refuted", steps=tuple(steps), scope=WHOLE, resolution=EXACT,
                   statistics={"difference": float(value)},
                   counterexample={"o": [1, 1, 0], "a": 2, "k": 1, "difference": str(value)},
                   reason=f"for ε = {ctx['eps']:g} > 0, f(2o)_1 - f(o)_1 = {float(value):.4g} ≠ 0 at o = (1, 1, 0) "
                          "(exact); the numerator ε(a²-1)((D-1)x²-R) vanishes only at ε = 0")


def exact_map(o: list[Fraction], eps: Fraction) -> list[Fraction]:
    """f_sph(o) in exact rational arithmetic."""
    weights = [numerator("spherical", v, eps) for v in o]
    total = sum(weights, Fraction(0))
    return [w / total for w in weights]


@st.composite
def cases(draw: st.DrawFn, budget) -> tuple[np.ndarray, float]:  # noqa: ANN001 - a Budget
    """Non-zero o (moved toward 0 by 10^-j) and a non-zero scale a."""
    o = draw(budget_logits(budget)) * 10.0 ** -draw(st.sampled_from(TOWARD_ZERO))
    powers = st.integers(-8, 8).map(lambda j: 10.0**j)
    size = draw(st.one_of(st.floats(0.1, 10.0), st.sampled_from([2.0, 1.0, 0.5]), powers))
    return o, size * draw(st.sampled_from([1.0, -1.0]))


def _in_float_range(v: np.ndarray) -> bool:
    top = float(np.abs(v).max())
    return FLOAT_RANGE[0] <= top <= FLOAT_RANGE[1]


@check(SCALE_INVARIANCE, "property")
def scale_property(ctx: Context) -> Outcome:
    """Exact comparison of f_sph(a o) with f_sph(o); float64 implementation against the exact value."""
    eps = Fraction(ctx["eps"])

    def holds(case: tuple[np.ndarray, float]) -> bool | str:
        o, a = case
        exact_o = [Fraction(float(v)) for v in o]  # float entries and a convert exactly; a·o is formed exactly
        scaled, plain = exact_map([Fraction(a) * v for v in exact_o], eps), exact_map(exact_o, eps)
        if (diff := max(abs(u - v) for u, v in zip(scaled, plain))) != 0:
            return f"f(a o) - f(o) = {float(diff):.3g} ≠ 0 (exact) at a = {a:g}, max|o| = {np.abs(o).max():.3g}"
        for v, exact in ((o, plain), (a * o, scaled)):  # a * o rounded: the float64 map is Lipschitz there
            error = np.max(np.abs(apply("spherical", v, ctx["eps"]) - np.asarray(exact, float)))
            if _in_float_range(v) and error > ATOL:
                return f"the float64 f_sph differs from the exact value at max|o| = {np.abs(v).max():.3g}"
        return True

    out = prop.forall(ctx, cases(ctx.budget), holds, hypotheses=lambda case: bool(np.any(case[0] != 0)),
                      what="f(a o) = f(o) (exact)")
    return out.but(resolution=EXACT)
