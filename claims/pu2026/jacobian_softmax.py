r"""The softmax Jacobian has spectral norm at most 1/2, and the bound is sharp.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "ensuring the Jacobian has a spectral norm bounded by 1/2").

Hypothesis: :math:`s\in\mathbb R^n`, :math:`J=\mathrm{diag}(p)-pp^\top`, :math:`p=\mathrm{softmax}(s)`.

Conclusion: :math:`\lVert J\rVert_2\le 1/2` and :math:`\sup_s\lVert J\rVert_2=1/2`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from claims.pu2026.maps import softmax_jacobian, spectral_norm
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
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import logits

JACOBIAN_SOFTMAX = claim(
    id="pu2026/jacobian-softmax",
    title="Softmax Jacobian spectral norm is at most 1/2 (sharp)",
    statement=r"\lVert J_{\mathrm{softmax}}(s)\rVert_2 \le \mathrm{bound}\ \ \forall s\in\mathbb{R}^n,"
              r"\qquad \sup_{s} \lVert J_{\mathrm{softmax}}(s)\rVert_2 = \mathrm{bound} = \tfrac12",
    reference=Reference("pu2026", "Gradient dynamics",
                        "ensuring the Jacobian has a spectral norm bounded by 1/2"),
    origin=SOURCE_STATEMENT,
    notes="J = diag(p) - pp^T is symmetric positive semi-definite, so its spectral norm is its largest "
          "eigenvalue max_{|v|=1} Var_p(v). Sharpness is part of the claim: a bound above the supremum is "
          "refuted symbolically as not sharp.",
    params={"bound": Real(0.5, 0.0, exclude_min=True, doc="claimed upper bound on the spectral norm")},
    negative_controls=(NegativeControl("bound-0.49", {"bound": 0.49}, "a bound below the supremum 1/2"),),
    tags=("gradient-dynamics", "jacobian"),
)


@check(JACOBIAN_SOFTMAX, "symbolic")
def jacobian_symbolic(ctx: Context) -> Outcome:
    """n = 2 eigenvalues {0, 2p(1-p)} give sharpness; Popoviciu bounds every n by 1/2."""
    p, t = sp.Symbol("p", positive=True), sp.Symbol("t", real=True)
    J2 = sp.Matrix([[p * (1 - p), -p * (1 - p)], [-p * (1 - p), p * (1 - p)]])
    eigen = sorted(J2.eigenvals(), key=sp.default_sort_key)
    steps = (f"$n=2$: $J = {sp.latex(J2)}$, eigenvalues ${sp.latex(eigen)}$",)
    sharp = symbolic.bounded_by(2 * p * (1 - p), p, sp.Interval.open(0, 1), ctx["bound"], steps=steps,
                                scope=special_case("n = 2"))
    if sharp.verdict != "proved":
        return sharp
    popoviciu = (r"any $n$: $v^\top J v = \mathrm{Var}_p(v) \le (\max v - \min v)^2/4$ (Popoviciu); "
                 r"for $|v|=1$ take $v_a=\cos t, v_b=\sin t$")
    general = symbolic.bounded_by((sp.cos(t) - sp.sin(t)) ** 2 / 4, t, sp.Interval(0, 2 * sp.pi),
                                  ctx["bound"], sharp=False, steps=(*sharp.steps, popoviciu),
                                  scope=WHOLE)
    if general.verdict != "proved":
        return general
    return Outcome(verdict="proved", reason="sup ||J||_2 = 1/2: attained for n=2 at p=1/2, an upper bound "
                   "for every n by Popoviciu's inequality", steps=general.steps,
                   statistics={**general.statistics, "n2_supremum": sharp.statistics["supremum"]},
                   scope=WHOLE)


def norm_of(s: np.ndarray) -> float:
    """Spectral norm of the softmax Jacobian at ``s``."""
    return float(spectral_norm(softmax_jacobian(torch.as_tensor(s, dtype=torch.float64))))


@check(JACOBIAN_SOFTMAX, "property")
def jacobian_property(ctx: Context) -> Outcome:
    """Targeted search (Hypothesis ``target`` + Adam on the logits) for the largest norm."""
    local = prop.gradient_ascent(lambda s: spectral_norm(softmax_jacobian(s)))
    return prop.upper_bound(ctx, logits(), norm_of, ctx["bound"], local=local)
