r"""Scaling the scores down softens the softmax: its entropy is non-increasing in the scale.

CS231n lecture notes, "Softmax Classifier", regularization strength and calibration.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`\beta>0` (the weight scale: scores :math:`\beta s`),
:math:`p_\beta=\mathrm{softmax}(\beta s)`, :math:`H` the Shannon entropy.

Conclusion: :math:`\beta\mapsto H(p_\beta)` is non-increasing on :math:`(0,\infty)`, because
:math:`\frac{d}{d\beta}H(p_\beta)=-\beta\,\mathrm{Var}_{p_\beta}(s)\le0`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.cs231n.losses import entropy, log_softmax
from verifiers import (
    SOURCE_STATEMENT,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import logits

#: Slack of the float64 entropy comparison (entropies are O(log n); rounding is ~1e-13 here).
TOL = 1e-10

SOFTENING = claim(
    id="cs231n/softening",
    title="Smaller weights give a softer softmax: entropy is non-increasing in the scale",
    statement=r"0<\beta_1<\beta_2 \Rightarrow H(\mathrm{softmax}(\beta_2 s)) \le H(\mathrm{softmax}(\beta_1 s)),"
              r"\qquad \frac{d}{d\beta}H(\mathrm{softmax}(\beta s)) = -\beta\,\mathrm{Var}_{p_\beta}(s)",
    reference=Reference("cs231n", "Difference with SVM / Hinge Loss",
                        "stronger → smaller weights → softer (more uniform) distribution"),
    origin=SOURCE_STATEMENT,
    notes="'Smaller weights' is modelled as scaling all scores by β > 0 (for a linear classifier, scaling W "
          "scales s = Wx); 'softer' as larger Shannon entropy. The symbolic check derives dH/dβ for n = 3 "
          "symbolic scores (the same computation for every n). The property check compares entropies at "
          "β1 < β2 (β in (0.01, 10], gap >= 1e-3, logits in [-10, 10]) with slack 1e-10 for float64 rounding. "
          "The parameter `direction` selects the claimed monotonicity; `nondecreasing` is the negative control.",
    params={"direction": Choice("nonincreasing", ("nonincreasing", "nondecreasing"),
                                doc="claimed monotonicity of the entropy in β")},
    negative_controls=(NegativeControl("nondecreasing", {"direction": "nondecreasing"},
                                       "entropy strictly decreases in β unless all scores are equal"),),
    tags=("calibration", "entropy"),
)


@lru_cache(maxsize=1)
def derivation() -> tuple[Outcome, sp.Expr, sp.Symbol, tuple[sp.Symbol, ...]]:
    """dH/dβ for n = 3 symbolic scores, checked against -β Var_p(s) (deterministic, so computed once)."""
    beta, s = sp.Symbol("beta", positive=True), sp.symbols("s_1:4", real=True)
    z = sum(sp.exp(beta * x) for x in s)
    p = [sp.exp(beta * x) / z for x in s]
    H = -sum(pi * (beta * x - sp.log(z)) for pi, x in zip(p, s))
    mean = sum(pi * x for pi, x in zip(p, s))
    var = sum(pi * x**2 for pi, x in zip(p, s)) - mean**2
    derivative = sp.diff(H, beta)
    steps = (r"$\log p_i = \beta s_i - \log Z$, $H = \log Z - \beta\,\mathbb E_p[s]$ ($n=3$)",
             r"$\mathrm{Var}_p(s)=\mathbb E_p[s^2]-(\mathbb E_p s)^2=\sum_i p_i(s_i-\mathbb E_p s)^2\ge0$ and "
             r"$\beta>0$, so $-\beta\mathrm{Var}_p(s)\le0$")
    return symbolic.identity(derivative, -beta * var, seed=0, steps=steps, scope=special_case("n = 3")), derivative, beta, s


@check(SOFTENING, "symbolic")
def softening_symbolic(ctx: Context) -> Outcome:
    """Differentiate H(softmax(β s)) for n = 3 and compare with -β Var_p(s); then read off its sign."""
    out, derivative, beta, s = derivation()
    if out.verdict != "proved" or ctx["direction"] == "nonincreasing":
        return out
    value = float(derivative.subs({beta: 1, s[0]: 0, s[1]: 1, s[2]: 2}))
    return Outcome(verdict="refuted", steps=(*out.steps, f"at $\\beta=1, s=(0,1,2)$: $dH/d\\beta = {value:.6g}$"),
                   statistics={"derivative": value},
                   counterexample={"beta": 1, "s": [0, 1, 2], "dH_dbeta": value},
                   reason=f"dH/dβ = {value:.4g} < 0 at β = 1, s = (0, 1, 2): the entropy decreases")


def entropy_at(s: np.ndarray, beta: float) -> float:
    """Entropy of softmax(β s) in float64 (log-space)."""
    log_p = log_softmax(beta * s)
    return entropy(np.exp(log_p), log_p)


@check(SOFTENING, "property")
def softening_property(ctx: Context) -> Outcome:
    """Random logits and scales β1 < β2: compare the entropies in the claimed direction."""
    sign = 1.0 if ctx["direction"] == "nonincreasing" else -1.0

    def holds(case: tuple[np.ndarray, float, float]) -> bool | str:
        s, beta, gap = case
        h1, h2 = entropy_at(s, beta), entropy_at(s, beta + gap)
        ok = sign * (h2 - h1) <= TOL
        return ok or f"H(β={beta:.4g}) = {h1:.10g}, H(β={beta + gap:.4g}) = {h2:.10g}: not {ctx['direction']}"

    strategy = st.tuples(logits(), st.floats(0.01, 10.0), st.floats(1e-3, 10.0))
    return prop.forall(ctx, strategy, holds, what=f"the entropy is {ctx['direction']} in β")
