r"""The spherical softmax (with ε = 0) is invariant to rescaling its input.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Spherical Softmax").

Hypothesis: :math:`o\in\mathbb R^D\setminus\{0\}`, :math:`a\ne0`, :math:`\varepsilon=\mathrm{eps}`.

Conclusion: :math:`f_{\mathrm{sph}}(ao)=f_{\mathrm{sph}}(o)`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.dbv2016.spherical import apply
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

#: Relative tolerance of the float64 comparison.
RTOL = 1e-9
#: Inputs with max |o_i| below this are excluded: (a o_i)^2 would underflow float64 and fake o = 0.
TINY = 1e-100

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
          "f_sph being undefined there; the property search also skips inputs with max|o_i| < 1e-100, "
          "whose squares underflow float64); the ε used in practice breaks it, which is the negative control. "
          "The symbolic check writes f_sph(o)_k = (x²+ε)/(x²+R+Dε) with x = o_k and R = Σ_{i≠k} o_i², "
          "so it covers every D and k at once.",
    params={"eps": Real(0.0, 0.0, doc="additive ε of the spherical softmax")},
    negative_controls=(NegativeControl("eps-1", {"eps": 1.0},
                                       "with ε = 1, f_sph(2·(1,0)) = (5/6, 1/6) ≠ f_sph((1,0)) = (2/3, 1/3)"),),
    tags=("spherical-softmax", "invariance"),
)


@check(SCALE_INVARIANCE, "symbolic")
def scale_symbolic(ctx: Context) -> Outcome:
    """(a²x² + ε)/(a²(x² + R) + Dε) against (x² + ε)/(x² + R + Dε) for symbolic x, R > 0, D ≥ 2, a > 0."""
    x = sp.Symbol("x", real=True)
    R, a = sp.Symbol("R", positive=True), sp.Symbol("a", positive=True)
    D = 2 + sp.Symbol("m", integer=True, nonnegative=True)
    eps = sp.nsimplify(ctx["eps"])

    def f(scale: sp.Expr) -> sp.Expr:
        return ((scale * x) ** 2 + eps) / ((scale * x) ** 2 + scale**2 * R + D * eps)

    steps = (r"$f_{\mathrm{sph}}(o)_k = \frac{x^2+\varepsilon}{x^2+R+D\varepsilon}$, $x=o_k$, "
             r"$R=\sum_{i\ne k}o_i^2$ (every $D$, $k$); $(ao)_k^2 = a^2x^2$ and $a^2=|a|^2$, so $a>0$ suffices",
             f"$\\varepsilon = {sp.latex(eps)}$")
    return symbolic.identity(f(a), f(sp.Integer(1)), seed=ctx.seed, steps=steps, scope=WHOLE)


@check(SCALE_INVARIANCE, "property")
def scale_property(ctx: Context) -> Outcome:
    """Random non-zero o and scales a (either sign): compare f_sph(a o) with f_sph(o)."""
    eps = ctx["eps"]

    def holds(case: tuple[np.ndarray, float]) -> bool | str:
        o, a = case
        gap = float(np.max(np.abs(apply("spherical", a * o, eps) - apply("spherical", o, eps))))
        return gap <= RTOL or f"max |f(a o) - f(o)| = {gap:.3g} at a = {a:g}"

    scales = st.one_of(st.floats(0.1, 10.0), st.floats(-10.0, -0.1), st.sampled_from([2.0, -1.0, 0.5]))
    return prop.forall(ctx, st.tuples(logits(), scales), holds,
                       hypotheses=lambda case: float(np.max(np.abs(case[0]))) >= TINY, what="scale invariance")
