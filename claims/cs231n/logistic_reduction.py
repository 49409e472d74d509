r"""With two classes, softmax is the logistic sigmoid of the score difference: softmax generalizes logistic regression.

CS231n lecture notes, "Softmax Classifier".

Hypothesis: two classes, scores :math:`(s_1,s_2)\in\mathbb R^2`, :math:`\sigma(z)=1/(1+e^{-z})`.

Conclusion: :math:`\mathrm{softmax}(s)_1=\sigma(s_1-s_2)`, and the cross-entropy is the logistic loss of the
margin :math:`z=s_1-s_2`: :math:`-\log\mathrm{softmax}(s)_1=\log(1+e^{-z})`,
:math:`-\log\mathrm{softmax}(s)_2=\log(1+e^{z})`.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

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
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Working precision (decimal digits) of the property check's mpmath evaluation.
DPS = 50
#: Tolerance of that comparison, relative to 1 + |s_1| + |s_2| (far above 50-digit rounding).
RTOL = 1e-30

LOGISTIC_REDUCTION = claim(
    id="cs231n/logistic-reduction",
    title="For two classes softmax is the sigmoid of the score difference (softmax generalizes logistic regression)",
    statement=r"C=2:\quad \mathrm{softmax}(s)_1=\sigma(s_1-s_2),\qquad "
              r"-\log\mathrm{softmax}(s)_1=\log\bigl(1+e^{-(s_1-s_2)}\bigr),\qquad "
              r"-\log\mathrm{softmax}(s)_2=\log\bigl(1+e^{s_1-s_2}\bigr)",
    reference=Reference("cs231n", "Softmax Classifier",
                        "the multi-class generalization of logistic regression"),
    origin=SOURCE_STATEMENT,
    notes="'Generalization' is read as: with C = 2 the softmax classifier is exactly binary logistic regression on "
          "the score difference (with a linear model s = Wx, on the weight difference w_1 - w_2). Parameters make "
          "false variants expressible: the logistic argument is `scale` times s_1 - s_2 (`logit=difference`) or "
          "s_1 + s_2 (`logit=sum`, the negative control); the claim holds only for scale = 1 and the difference. "
          "Symbolic check: SymPy residuals of the three identities for symbolic real s_1, s_2 (the log "
          "identities as products: -log A = log B iff AB = 1 for A, B > 0), first evaluated to 30 digits at three "
          "rational points (a non-zero value refutes), then simplified to 0 (the whole statement: C = 2 is its "
          "hypothesis). Property check: budget logits of length 2 (|s| up to "
          f"max_magnitude) read exactly into {DPS}-digit mpmath; log softmax(s)_c against -log(1 + exp(-z)), "
          f"tolerance {RTOL:g} times 1 + |s_1| + |s_2|.",
    params={"logit": Choice("difference", ("difference", "sum"), doc="the logistic argument: s1 - s2 or s1 + s2"),
            "scale": Real(1.0, 0.0, exclude_min=True, doc="the factor on the logistic argument")},
    negative_controls=(NegativeControl("sum", {"logit": "sum"},
                                       "sigma(s1 + s2) is not softmax(s)_1: at s = (0, 1) it is 0.731, not 0.269"),),
    tags=("softmax", "logistic-regression"),
)


#: Rational test points (s_1, s_2) where a residual is evaluated to 30 digits before any simplification.
POINTS = ((0, 1), (1, -2), (sp.Rational(3, 2), sp.Rational(1, 3)))


def residuals(ctx: Context) -> tuple[dict[str, sp.Expr], tuple[sp.Symbol, sp.Symbol]]:
    """The three identities as residuals that vanish iff they hold (log identities via -log A = log B <=> AB = 1)."""
    s1, s2 = sp.symbols("s_1 s_2", real=True)
    z = sp.nsimplify(ctx["scale"]) * ((s1 - s2) if ctx["logit"] == "difference" else (s1 + s2))
    p1 = sp.exp(s1) / (sp.exp(s1) + sp.exp(s2))
    return {"$\\mathrm{softmax}(s)_1=\\sigma(z)$": p1 - 1 / (1 + sp.exp(-z)),
            "$-\\log\\mathrm{softmax}(s)_1=\\log(1+e^{-z})$": p1 * (1 + sp.exp(-z)) - 1,
            "$-\\log\\mathrm{softmax}(s)_2=\\log(1+e^{z})$": (1 - p1) * (1 + sp.exp(z)) - 1}, (s1, s2)


@check(LOGISTIC_REDUCTION, "symbolic")
def reduction_symbolic(ctx: Context) -> Outcome:
    """Residuals of the three identities: evaluated at rational points (30 digits), then simplified to 0."""
    found, (s1, s2) = residuals(ctx)
    steps = ("$-\\log A=\\log B\\iff AB=1$ for $A,B>0$ (log is injective): the log identities become products",
             *(f"{name}: residual ${sp.latex(r)}$" for name, r in found.items()))
    exact = Resolution(0.0, "lhs - rhs")
    for point in POINTS:
        values = {name: float(r.evalf(30, subs={s1: point[0], s2: point[1]})) for name, r in found.items()}
        bad = {name: v for name, v in values.items() if abs(v) > 1e-20}
        if bad:
            return Outcome(verdict="refuted", steps=steps, scope=WHOLE, resolution=exact,
                           counterexample={"s": [str(point[0]), str(point[1])], "residuals": bad},
                           reason=f"at s = ({point[0]}, {point[1]}) the residuals are {bad}")
    simplified = {name: sp.simplify(r) for name, r in found.items()}
    if all(r == 0 for r in simplified.values()):
        return Outcome(verdict="proved", steps=steps, scope=WHOLE, resolution=exact,
                       reason="all three residuals simplify to 0 for real s_1, s_2")
    return Outcome(verdict="inconclusive", steps=steps, reason="SymPy could not reduce every residual to 0")


def log_sigmoid(z: mpmath.mpf) -> mpmath.mpf:
    """log sigma(z) = -log(1 + e^{-z}) in mpmath (no overflow or underflow)."""
    return -mpmath.log1p(mpmath.exp(-z))


@check(LOGISTIC_REDUCTION, "property")
def reduction_property(ctx: Context) -> Outcome:
    """Compare log softmax(s)_c with log sigma(±z) in 50-digit mpmath over two-class float logits."""
    scale = mpmath.mpf(ctx["scale"])

    def holds(s: np.ndarray) -> bool | str:
        with mpmath.workdps(DPS):
            s1, s2 = mpmath.mpf(float(s[0])), mpmath.mpf(float(s[1]))
            z = scale * ((s1 - s2) if ctx["logit"] == "difference" else (s1 + s2))
            top = max(s1, s2)
            lse = top + mpmath.log(mpmath.exp(s1 - top) + mpmath.exp(s2 - top))
            for c, sign, sc in ((1, 1, s1), (2, -1, s2)):
                lhs, rhs = sc - lse, log_sigmoid(sign * z)
                if abs(lhs - rhs) > RTOL * (1 + abs(s1) + abs(s2)):
                    return (f"log softmax(s)_{c} = {mpmath.nstr(lhs, 15)} but log sigma({'' if sign > 0 else '-'}z) = "
                            f"{mpmath.nstr(rhs, 15)}")
        return True

    out = prop.forall(ctx, budget_logits(ctx.budget, min_size=2, max_size=2), holds,
                      what="softmax(s)_c = sigma(±z) in log space")
    return out.but(resolution=Resolution(RTOL, "difference of log-probabilities, relative to 1 + |s_1| + |s_2|"))

