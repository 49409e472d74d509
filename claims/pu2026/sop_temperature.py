r"""Softmax with inverse temperature β is order-preserving for every β > 0, yet its Jacobian reaches β/2.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "Softmax is strictly order-preserving (SOP), … ensuring the
Jacobian has a spectral norm bounded by 1/2"). Our finding: order preservation does not ensure the bound.

Hypothesis: :math:`\beta>0`, :math:`s\in\mathbb R^n`, :math:`p=\mathrm{softmax}(\beta s)`,
:math:`J=\partial p/\partial s=\beta(\mathrm{diag}(p)-pp^\top)`.

Conclusion: :math:`s_i>s_j\iff p_i>p_j` (SOP, every :math:`\beta>0`) and
:math:`\sup_s\lVert J\rVert_2=\beta/2`: SOP alone does not bound the Jacobian by 1/2.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from claims.pu2026.maps import softmax_jacobian
from claims.pu2026.sop import order_violation
from verifiers import (
    OUR_FINDING,
    WHOLE,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)
from verifiers import property as prop
from verifiers.params import Derived, resolve
from verifiers.strategies import budget_logits

#: Adam steps of the local search (the symbolic check proves the supremum; the search corroborates it).
LOCAL_STEPS = 60

SOP_TEMPERATURE = claim(
    id="pu2026/sop-temperature",
    title="softmax(βs) is order-preserving for every β > 0 and its Jacobian norm reaches β/2",
    statement=r"\beta>0:\ s_i>s_j\iff\mathrm{softmax}(\beta s)_i>\mathrm{softmax}(\beta s)_j,\qquad "
              r"\sup_{s}\Bigl\lVert\tfrac{\partial\,\mathrm{softmax}(\beta s)}{\partial s}\Bigr\rVert_2"
              r"=\mathrm{bound}=\tfrac{\beta}{2}",
    reference=Reference("pu2026", "Mechanism 1",
                        "Softmax is strictly order-preserving (SOP), meaning logit inequalities strictly map to "
                        "probability inequalities, ensuring the Jacobian has a spectral norm bounded by 1/2"),
    origin=OUR_FINDING,
    notes="The seed derives the 1/2 bound from strict order preservation ('SOP … ensuring …'). The family "
          "softmax(βs) is SOP for every β > 0 (p_i/p_j = exp(β(s_i - s_j))), but its Jacobian "
          "β(diag(p) - ppᵀ) has supremum β/2 (n = 2, p = (½, ½); Popoviciu for every n), so SOP bounds "
          "nothing: the 1/2 comes from the unit temperature. `bound` is the claimed supremum, sharp: a value "
          "above β/2 is refuted as not sharp, one below by a witness; auto = β/2. The source's reading is the "
          "control bound = 0.5 at β = 2. The property check searches SOP violations (pairs with a score gap "
          "≥ 1e-6, compared in log space: log p_i - log p_j = β(s_i - s_j) survives underflow) and maximizes "
          "‖J‖₂ (Hypothesis target + Adam + rays) over the profile's logit families; tolerance 1e-9 on the norm."
          "\n\n"
          "Tension with pu2026/jacobian-softmax: no contradiction. Its supremum 1/2 is this claim's β/2 at the "
          "unit temperature β = 1; what fails is only the seed's derivation of the 1/2 from SOP, since "
          "softmax(βs) is SOP for every β and its Jacobian reaches β/2.",
    params={
        "beta": Real(2.0, 0.0, exclude_min=True, doc="inverse temperature β > 0"),
        "bound": Derived(None, 0.0, exclude_min=True, rule="β/2",
                         doc="claimed supremum of the Jacobian's spectral norm"),
    },
    negative_controls=(
        NegativeControl("sop-ensures-half", {"beta": 2.0, "bound": 0.5},
                        "'SOP … ensuring the Jacobian has a spectral norm bounded by 1/2': softmax(2s) is SOP but "
                        "its Jacobian reaches 1", source_reading=True),
    ),
    tags=("gradient-dynamics", "jacobian", "order-preservation"),
)


def claimed_bound(ctx: Context) -> float:
    """The claimed supremum (β/2 when ``bound=auto``)."""
    return resolve(ctx["bound"], lambda: ctx["beta"] / 2)


@check(SOP_TEMPERATURE, "symbolic")
def sop_temperature_symbolic(ctx: Context) -> Outcome:
    """p_i/p_j = e^{β(s_i - s_j)} > 1 iff s_i > s_j; J = β J_softmax(βs); sup ‖J_softmax‖ = 1/2 (sharp at n = 2)."""
    beta = sp.nsimplify(ctx["beta"], rational=True)
    d, q = sp.symbols("d p", real=True)
    positive = sp.solveset(sp.exp(beta * d) > 1, d, sp.S.Reals)
    steps = (f"$p_i/p_j = e^{{\\beta(s_i-s_j)}}$, $\\{{d: e^{{{sp.latex(beta)} d}} > 1\\}} = {sp.latex(positive)}$",
             r"chain rule: $\partial\,\mathrm{softmax}(\beta s)/\partial s = \beta\,(\mathrm{diag}(p)-pp^\top)$, "
             r"$p=\mathrm{softmax}(\beta s)$, and $\beta s$ ranges over all of $\mathbb R^n$")
    if positive != sp.Interval.open(0, sp.oo):
        return Outcome(verdict="inconclusive", reason="SymPy did not solve exp(βd) > 1", steps=steps)
    n2 = beta * 2 * q * (1 - q)
    popoviciu = r"any $n$: $v^\top(\mathrm{diag}(p)-pp^\top)v=\mathrm{Var}_p(v)\le(\max v-\min v)^2/4$ (Popoviciu)"
    sharp = symbolic.bounded_by(n2, q, sp.Interval.open(0, 1), claimed_bound(ctx), scope=WHOLE,
                                steps=(*steps, r"$n=2$: eigenvalues $\{0, 2\beta p(1-p)\}$"))
    if sharp.verdict != "proved":
        return sharp
    a, b = sp.symbols("a b", real=True)
    general = symbolic.identity(2 * (a**2 + b**2) - (a - b) ** 2, (a + b) ** 2, scope=WHOLE,
                                steps=(*sharp.steps, popoviciu,
                                       r"with $a=\max v$, $b=\min v$: $2(a^2+b^2)-(a-b)^2=(a+b)^2\ge0$, so "
                                       r"$(a-b)^2\le2\lVert v\rVert^2=2$ and $\lVert J\rVert_2\le\beta/2$ "
                                       r"for every $n$"),
                                premises=(Premise("Var(X) ≤ (max X - min X)²/4 for a bounded random variable",
                                                  "Popoviciu 1935"),))
    if general.verdict != "proved":
        return general
    return general.but(reason=f"SOP for β = {ctx['beta']:g} > 0; sup ‖J‖₂ = β/2 = {ctx['beta'] / 2:g}, attained "
                              "at n = 2, p = (½, ½), an upper bound for every n", statistics=sharp.statistics,
                       resolution=sharp.resolution)


def jacobian_norm(beta: float, s: torch.Tensor) -> torch.Tensor:
    """‖∂softmax(βs)/∂s‖₂ = β λ_max(diag(p) - ppᵀ) (symmetric PSD: the largest eigenvalue), row by row."""
    return beta * torch.linalg.eigvalsh(softmax_jacobian(beta * s))[..., -1]


def log_probabilities(beta: float, s: np.ndarray) -> np.ndarray:
    """log softmax(βs), which keeps the order of probabilities that underflow to 0."""
    with torch.no_grad():
        return torch.log_softmax(beta * torch.as_tensor(s, dtype=torch.float64), -1).numpy()


@check(SOP_TEMPERATURE, "property")
def sop_temperature_property(ctx: Context) -> Outcome:
    """One targeted search: the largest ‖∂softmax(βs)/∂s‖₂, and SOP (in log space) at every point it visits."""
    beta, broken = ctx["beta"], []

    def norm_of(s: np.ndarray) -> float:
        if not broken and (why := order_violation(s, log_probabilities(beta, s), strict=True)) is not None:
            broken.append((s.tolist(), why))
        with torch.no_grad():
            return float(jacobian_norm(beta, torch.as_tensor(s, dtype=torch.float64)))

    corner = np.zeros(2)  # p = (1/2, 1/2): the extremal point, tried first
    if (value := norm_of(corner)) > claimed_bound(ctx) + 1e-9:
        return Outcome(verdict="refuted",
                       reason=f"value {value:.6g} exceeds the bound {claimed_bound(ctx):g} at s = (0, 0)",
                       counterexample={"example": corner.tolist(), "value": value},
                       figures=({"kind": "tightness", "bound": claimed_bound(ctx), "best": value, "tolerance": 1e-9},),
                       resolution=Resolution(1e-9, "bound"), explored={"corners": 1})
    ascent = prop.gradient_ascent(lambda s: jacobian_norm(beta, s))
    local = lambda starts, steps: ascent(starts, min(steps, LOCAL_STEPS))  # noqa: E731 - a capped local search
    bound = prop.upper_bound(ctx, budget_logits(ctx.budget), norm_of, claimed_bound(ctx), local=local)
    if broken:
        example, why = broken[0]
        return bound.but(verdict="refuted", reason=f"softmax(βs) is not strictly order-preserving: {why}",
                         counterexample={"example": example, "detail": why})
    if bound.verdict != "supported":
        return bound
    return bound.but(reason=f"{bound.reason}; strict order preservation held at every point visited")
