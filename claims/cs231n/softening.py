r"""Scaling the scores down softens the softmax: its entropy is non-increasing in the scale.

CS231n lecture notes, "Softmax Classifier", regularization strength and calibration. Only the last link
of the notes' chain "stronger regularization → smaller weights → softer distribution" is checked here
(scaling all scores); the whole chain is ``cs231n/l2-path-softening``.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`n\ge1`, :math:`\beta>0` (the weight scale: scores :math:`\beta s`),
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
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Slack of the float64 entropy comparison (entropies are O(log n); rounding is ~1e-13 here).
TOL = 1e-10

SOFTENING = claim(
    id="cs231n/softening",
    title="Scaling the scores down softens the softmax: H(softmax(βs)) is non-increasing in β",
    statement=r"0<\beta_1<\beta_2 \Rightarrow H(\mathrm{softmax}(\beta_2 s)) \le H(\mathrm{softmax}(\beta_1 s)),"
              r"\qquad \frac{d}{d\beta}H(\mathrm{softmax}(\beta s)) = -\beta\,\mathrm{Var}_{p_\beta}(s)",
    reference=Reference("cs231n", "Difference with SVM / Hinge Loss",
                        "stronger → smaller weights → softer (more uniform) distribution"),
    origin=SOURCE_STATEMENT,
    notes="The quoted chain has three links; this claim checks only the last one, the scaling statement: 'smaller "
          "weights' is modelled as scaling all scores by β > 0 (for a linear classifier, scaling W scales s = Wx), "
          "'softer' as larger Shannon entropy. That a stronger L2 penalty gives smaller weights and softer "
          "training-set predictions is cs231n/l2-path-softening. The symbolic check derives dH/dβ for symbolic n "
          "(SymPy sums over an indexed s): $H=\\log Z-\\beta\\sum_i s_ie^{\\beta s_i}/Z$, dH/dβ = -β Var_p(s), and "
          "Var_p(s) = Σ p_i (s_i - E_p s)² ≥ 0; monotonicity then follows from the mean value theorem (a cited "
          "premise). The property check compares entropies at β1 < β2 (β in (0.01, 10], gap >= 1e-3; logits of length "
          "up to the profile's max_n and magnitude up to its max_magnitude, computed in log space) with slack 1e-10 "
          "for float64 rounding. The parameter `direction` selects the claimed monotonicity; `nondecreasing` is the "
          "negative control.",
    params={"direction": Choice("nonincreasing", ("nonincreasing", "nondecreasing"),
                                doc="claimed monotonicity of the entropy in β")},
    negative_controls=(NegativeControl("nondecreasing", {"direction": "nondecreasing"},
                                       "entropy strictly decreases in β unless all scores are equal"),),
    tags=("calibration", "entropy"),
)


MEAN_VALUE = Premise("a differentiable function with a non-positive derivative on an interval is non-increasing "
                     "there (mean value theorem)", "Rudin, Principles of Mathematical Analysis (1976), Thm 5.11")


@lru_cache(maxsize=1)
def derivation() -> tuple[Outcome, ...]:
    """dH/dβ = -β Var_p(s) and Var_p(s) ≥ 0 for symbolic n (deterministic, so computed once)."""
    i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
    s, beta = sp.IndexedBase("s", real=True), sp.Symbol("beta", positive=True)
    m = sp.Symbol("m", real=True)
    e = sp.exp(beta * s[i])
    sums = [sp.Sum(s[i] ** j * e, (i, 1, n)) for j in (0, 1, 2)]
    Z, Z1, Z2 = sp.symbols("Z Z_1 Z_2", positive=True)

    def power_sums(expr: sp.Expr) -> sp.Expr:
        expr = expr.expand().doit().replace(lambda x: isinstance(x, sp.Sum), sp.factor_terms)
        return expr.subs(sums[0], Z).subs({sums[1]: Z1, sums[2]: Z2})

    entropy = -sp.Sum(e / sums[0] * (beta * s[i] - sp.log(sums[0])), (i, 1, n))
    closed = sp.log(sums[0]) - beta * sums[1] / sums[0]
    variance = sp.Sum(e * (s[i] - m) ** 2, (i, 1, n))
    scope = WHOLE
    return (
        symbolic.identity(sp.cancel(power_sums(entropy) - power_sums(closed)), sp.Integer(0), scope=scope, steps=(
            r"$p_i=e^{\beta s_i}/Z$, $\log p_i=\beta s_i-\log Z$, $Z=\sum_{i=1}^n e^{\beta s_i}$ (symbolic $n$): "
            r"$H=-\sum_i p_i\log p_i=\log Z-\beta\,Z_1/Z$, $Z_k=\sum_i s_i^k e^{\beta s_i}$",)),
        symbolic.identity(sp.cancel(power_sums(sp.diff(closed, beta)) + beta * (Z2 / Z - (Z1 / Z) ** 2)),
                          sp.Integer(0), scope=scope, steps=(
            r"$\frac{dZ_k}{d\beta}=Z_{k+1}$, so $\frac{dH}{d\beta}=-\beta\bigl(\frac{Z_2}Z-\frac{Z_1^2}{Z^2}\bigr)"
            r"=-\beta\,\mathrm{Var}_p(s)$",)),
        symbolic.identity(sp.cancel(power_sums(variance).subs(m, Z1 / Z) / Z - (Z2 / Z - (Z1 / Z) ** 2)),
                          sp.Integer(0), scope=scope, steps=(
            r"$\mathrm{Var}_p(s)=\frac{Z_2}Z-\frac{Z_1^2}{Z^2}=\frac1Z\sum_i e^{\beta s_i}(s_i-\mathbb E_ps)^2$",)),
        Outcome(verdict="proved" if variance.is_nonnegative else "inconclusive", scope=scope,
                reason="Σ e^{βs_i}(s_i - m)² is a sum of non-negative terms",
                steps=(r"$\sum_i e^{\beta s_i}(s_i-m)^2\ge0$ (non-negative summands) and $\beta>0$: "
                       r"$\frac{dH}{d\beta}\le0$ on $(0,\infty)$",)),
    )


@check(SOFTENING, "symbolic")
def softening_symbolic(ctx: Context) -> Outcome:
    """dH/dβ = -β Var_p(s) ≤ 0 for symbolic n; the false direction is refuted at a witness."""
    parts = derivation()
    steps = tuple(step for part in parts for step in part.steps)
    if any(part.verdict != "proved" for part in parts):
        return Outcome(verdict="inconclusive", steps=steps, reason="a step of the derivation was not decided")
    if ctx["direction"] == "nonincreasing":
        return Outcome(verdict="proved", steps=steps, scope=WHOLE, premises=(MEAN_VALUE,),
                       resolution=symbolic.EXACT_IDENTITY,
                       reason="dH/dβ = -β Var_p(s) ≤ 0 for every n and s: H(softmax(βs)) is non-increasing in β")
    beta, s = sp.Integer(1), (0, 1, 2)
    p = [sp.exp(beta * x) / sum(sp.exp(beta * y) for y in s) for x in s]
    var = sum(pi * x**2 for pi, x in zip(p, s)) - sum(pi * x for pi, x in zip(p, s)) ** 2
    value = float(-beta * var)
    return Outcome(verdict="refuted", steps=(*steps, f"at $\\beta=1, s=(0,1,2)$: $dH/d\\beta = {value:.6g}<0$"),
                   statistics={"derivative": value}, scope=special_case("n = 3"),
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

    strategy = st.tuples(budget_logits(ctx.budget), st.floats(0.01, 10.0), st.floats(1e-3, 10.0))
    return prop.forall(ctx, strategy, holds, what=f"the entropy is {ctx['direction']} in β")
