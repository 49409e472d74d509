r"""Subtracting the max score makes softmax numerically stable; the naive formula overflows.

CS231n lecture notes, "Softmax Classifier", numerical stability trick.

Hypothesis: :math:`s` a finite vector of the floating-point type ``dtype`` (float32 or float64),
:math:`m=\max_i s_i`, :math:`L=\log(\text{largest finite float})`.

Conclusion: :math:`\hat p_i=e^{s_i-m}/\sum_j e^{s_j-m}` evaluated in ``dtype`` is finite and within
:math:`4(n+3)\,\epsilon_{\mathrm{dtype}}` of the exact softmax for every such :math:`s`, while the
naive :math:`e^{s_i}/\sum_j e^{s_j}` is not finite once :math:`m>L` (:math:`L\approx88.72` in float32,
:math:`\approx709.78` in float64).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.cs231n.losses import exact_softmax
from verifiers import SOURCE_STATEMENT, Choice, Context, NegativeControl, Outcome, Reference, check, claim, special_case
from verifiers import property as prop

#: Mantissa bits and largest exponent of each floating-point type, and the overflow threshold quoted.
FORMATS = {"float32": (23, 127, "88.72"), "float64": (52, 1023, "709.78")}
#: Margin above the threshold from which the naive formula must have overflowed (rounding of exp).
ONSET_MARGIN = 0.01
#: Fraction of examples that must exercise the overflow part for the search to count.
MIN_EXERCISED = 0.1

STABLE_SOFTMAX = claim(
    id="cs231n/stable-softmax",
    title="Max-subtracted softmax is stable; the naive formula overflows above log(max float)",
    statement=r"\forall s\in\mathbb F^n:\ \hat p = \frac{e^{s-m}}{\sum_j e^{s_j-m}}\ \text{finite},\ "
              r"|\hat p_i - p_i|\le 4(n+3)\epsilon;\qquad m > \log(\max\mathbb F) \Rightarrow "
              r"\frac{e^{s}}{\sum_j e^{s_j}}\notin\mathbb F^n",
    reference=Reference("cs231n", "Numerical stability trick",
                        "overflows for large scores. Subtract the max score before exponentiating"),
    origin=SOURCE_STATEMENT,
    notes="'Stable' is formalized as finite and accurate: absolute error at most 4(n+3) machine epsilons against "
          "an mpmath reference at 50 digits (a rounding-error bound for exp of a non-positive argument, a sum of n "
          "terms and one division; relative accuracy of tiny probabilities is not claimed). Inputs range over all "
          "finite values of the dtype, with extra weight on [-200, 200] (float32) or [-1000, 1000] (float64). "
          f"The overflow part is tested from max s >= L + {ONSET_MARGIN:g} (exp's rounding near L), 'overflows' "
          "meaning some output is inf or nan. The symbolic check covers only the quoted threshold L (exact log of "
          "the largest finite float); it does not bear on which formula is stable, so it is not run for the "
          "`naive` control. The parameter `formula` selects which formula is claimed stable: `naive` is the "
          "negative control (it also fails by 0/0 when every score is very negative).",
    params={
        "dtype": Choice("float32", tuple(FORMATS), doc="floating-point type of the computation"),
        "formula": Choice("stable", ("stable", "naive"), doc="the softmax formula claimed to be stable"),
    },
    negative_controls=(NegativeControl("naive", {"formula": "naive"},
                                       "exp(s) overflows for s above log(max float): inf/inf = nan",
                                       methods=("property",)),),
    tags=("numerics",),
)


def largest(dtype: str) -> sp.Rational:
    """The largest finite number of ``dtype``, exactly: (2 - 2^-m) 2^e."""
    mantissa, emax, _ = FORMATS[dtype]
    return (2 - sp.Rational(1, 2**mantissa)) * sp.Integer(2) ** emax


def threshold(dtype: str) -> sp.Expr:
    """Exact log of the largest finite number of ``dtype``."""
    return sp.log(largest(dtype))


@check(STABLE_SOFTMAX, "symbolic")
def threshold_symbolic(ctx: Context) -> Outcome:
    """The quoted overflow threshold is log of the largest finite float, rounded to two decimals."""
    exact = threshold(ctx["dtype"])
    value = sp.N(exact, 30)
    quoted = FORMATS[ctx["dtype"]][2]
    finfo_max = sp.Rational(float(torch.finfo(getattr(torch, ctx["dtype"])).max))
    mantissa, exponent = FORMATS[ctx["dtype"]][:2]
    steps = (f"largest finite {ctx['dtype']}: $(2-2^{{-{mantissa}}})\\,2^{{{exponent}}}$",
             f"$L = {sp.latex(exact)} = {value}$")
    stats = {"threshold": str(value), "quoted": quoted}
    if finfo_max != largest(ctx["dtype"]) or f"{float(value):.2f}" != quoted:
        return Outcome(verdict="refuted", reason=f"log(max {ctx['dtype']}) = {value} does not round to {quoted}",
                       statistics=stats, steps=steps, counterexample=stats)
    return Outcome(verdict="proved", statistics=stats, steps=steps,
                   scope=special_case(f"the overflow threshold L of {ctx['dtype']} only"),
                   reason=f"log(max {ctx['dtype']}) = {float(value):.6f} (exact), which rounds to the quoted {quoted}")


def evaluate(formula: str, s: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    """Softmax of ``s`` computed in ``dtype`` by the naive or the max-subtracted formula."""
    x = torch.as_tensor(s, dtype=dtype)
    e = torch.exp(x - x.max()) if formula == "stable" else torch.exp(x)
    return (e / e.sum()).double().numpy()


def scores(dtype: str) -> st.SearchStrategy[np.ndarray]:
    """Finite vectors of the dtype: the full range mixed with values around the threshold."""
    width, wide = (32, 200.0) if dtype == "float32" else (64, 1000.0)
    entry = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=width),
                      st.floats(-wide, wide, width=width))
    return st.lists(entry, min_size=2, max_size=8).map(lambda v: np.asarray(v, dtype=np.float64))


@check(STABLE_SOFTMAX, "property")
def stable_property(ctx: Context) -> Outcome:
    """Claimed formula finite and accurate everywhere; naive formula non-finite once max s > L."""
    dtype = getattr(torch, ctx["dtype"])
    eps, onset = float(torch.finfo(dtype).eps), float(threshold(ctx["dtype"])) + ONSET_MARGIN
    exercised = [0]

    def holds(s: np.ndarray) -> bool | str:
        p = evaluate(ctx["formula"], s, dtype)
        if not np.all(np.isfinite(p)):
            return f"{ctx['formula']} softmax is not finite: {p.tolist()}"
        error = max(abs(float(a) - float(b)) for a, b in zip(p, exact_softmax(s)))
        if error > 4 * (len(s) + 3) * eps:
            return f"{ctx['formula']} softmax is off by {error:.3g} from the exact value"
        if s.max() >= onset:
            exercised[0] += 1
            if np.all(np.isfinite(evaluate("naive", s, dtype))):
                return f"max s = {s.max():.6g} > L but the naive softmax stayed finite"
        return True

    out = prop.forall(ctx, scores(ctx["dtype"]), holds, what=f"{ctx['formula']} softmax stability")
    stats = {**out.statistics, "overflow_examples": exercised[0], "threshold": onset - ONSET_MARGIN}
    if out.verdict == "supported" and exercised[0] < MIN_EXERCISED * out.statistics["valid"]:
        return Outcome(verdict="inconclusive", statistics=stats,
                       reason=f"only {exercised[0]} examples had max s above the threshold")
    return Outcome(verdict=out.verdict, reason=out.reason, statistics=stats, counterexample=out.counterexample)
