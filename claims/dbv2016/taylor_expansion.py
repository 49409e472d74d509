r"""1 + x + x²/2 is the second-order Taylor polynomial of eˣ at 0.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Taylor Softmax").

Hypothesis: :math:`f(x)=e^x`, expanded at :math:`x=0`.

Conclusion: :math:`T_2(x)=\sum_{k=0}^2\frac{f^{(k)}(0)}{k!}x^k=1+x+\mathrm{coef}\,x^2` with coef = 1/2;
equivalently :math:`e^x-(1+x+\mathrm{coef}\,x^2)=o(x^2)` as :math:`x\to0`.
"""

from __future__ import annotations

import sympy as sp

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

TAYLOR_EXPANSION = claim(
    id="dbv2016/taylor-expansion",
    title="1 + x + x²/2 is the second-order Taylor polynomial of exp at 0",
    statement=r"\sum_{k=0}^{2}\frac{\exp^{(k)}(0)}{k!}x^k = 1 + x + \mathrm{coef}\,x^2,\quad \mathrm{coef}=\tfrac12;"
              r"\qquad e^x-(1+x+\mathrm{coef}\,x^2)=o(x^2)\ (x\to0)",
    reference=Reference("dbv2016", "Taylor Softmax",
                        "Another loss function from the spherical loss family is based on the second-order Taylor "
                        r"decomposition of the exponent in the regular softmax loss: $\exp(x) \approx 1 + x + "
                        r"\frac{1}{2}x^2$."),
    origin=SOURCE_STATEMENT,
    notes="'Second-order Taylor decomposition' is read as the Taylor polynomial of degree 2 at 0; `coef` is the "
          "claimed coefficient of x² (the constant and linear coefficients are fixed at 1 and checked). The "
          "symbolic check derives the coefficients exp^(k)(0)/k! by differentiation, compares the x² coefficient "
          "with coef exactly, and checks the defining property: the limit of (e^x - 1 - x - coef·x²)/x² as x → 0 "
          "is 1/2 - coef, zero only for coef = 1/2 (the first omitted term is x³/6, which the control `coef=1/6` "
          "confuses with it). The '≈' is local: the polynomial is close to e^x only near 0 (at x = -10 it is 41 "
          "while e^(-10) ≈ 4.5e-5); the Taylor softmax uses it as a weight everywhere, which is a modelling choice, "
          "not an approximation of softmax (see dbv2016/high-dim-competition).",
    params={"coef": Real(0.5, doc="claimed coefficient of x² in the second-order Taylor polynomial of exp at 0")},
    negative_controls=(NegativeControl("coef-1/6", {"coef": 1 / 6},
                                       "1/6 is the coefficient of x³ (exp'''(0)/3!), not of x²"),),
    tags=("taylor-softmax",),
)


@check(TAYLOR_EXPANSION, "symbolic")
def taylor_symbolic(ctx: Context) -> Outcome:
    """Coefficients exp^(k)(0)/k! by differentiation; the o(x²) remainder for the claimed coefficient."""
    x = sp.Symbol("x", real=True)
    derived = [sp.diff(sp.exp(x), x, k).subs(x, 0) / sp.factorial(k) for k in range(4)]
    coef = sp.Rational(ctx["coef"])  # the exact value of the float parameter
    remainder = sp.limit((sp.exp(x) - 1 - x - coef * x**2) / x**2, x, 0)
    steps = (f"$\\exp^{{(k)}}(0)/k!$ for $k = 0, 1, 2, 3$: ${', '.join(map(sp.latex, derived))}$",
             f"$T_2(x) = {sp.latex(sum(c * x**k for k, c in enumerate(derived[:3])))}$",
             f"$\\lim_{{x\\to0}}\\frac{{e^x-(1+x+c\\,x^2)}}{{x^2}} = {sp.latex(remainder)}$ for the claimed "
             f"$c = {ctx['coef']:g}$")
    if derived[:2] != [1, 1]:
        return Outcome(verdict="inconclusive", steps=steps, reason="the low-order coefficients did not come out 1, 1")
    outcome = symbolic.equals(derived[2], ctx["coef"], what="coefficient of x²", scope=WHOLE, steps=steps)
    return outcome.but(statistics={**outcome.statistics, "remainder_limit": str(remainder),
                                   "coefficients": [str(c) for c in derived]})
