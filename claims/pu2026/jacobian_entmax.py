r"""Our own finding: the α-entmax Jacobian appears to have spectral norm at most :math:`2^{\alpha-2}`.

Not a claim of Pu, Lian & Chen (arXiv 2601.22745): it extends their softmax bound 1/2 (α → 1) and
the sparsemax norm 1 (α = 2) to the whole α-entmax family; found numerically by us.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`p=\alpha\text{-entmax}(s)`, :math:`1<\alpha\le2`,
:math:`J=\partial p/\partial s` (where it exists).

Conclusion: :math:`\lVert J\rVert_2\le 2^{\alpha-2}` (:math:`1/\sqrt2` for 1.5-entmax), with equality at
:math:`p=(\frac12,\frac12,0,\dots,0)`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from claims.pu2026.maps import entmax_jacobian, jacobian, spectral_norm
from verifiers import (
    OUR_FINDING,
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

#: Random logit vectors on which the closed-form Jacobian (the n = 2 premise) is compared with autograd.
PREMISE_POINTS = 8
#: Largest accepted entry-wise difference between the closed form and autograd (bisection is ~1e-13).
PREMISE_TOL = 1e-8


JACOBIAN_ENTMAX = claim(
    id="pu2026/jacobian-entmax",
    title="α-entmax Jacobian spectral norm is at most 2^(α-2) (our finding)",
    statement=r"\lVert J_{\alpha\text{-entmax}}(s)\rVert_2 \le \mathrm{bound} = 2^{\alpha-2}\ \ \forall s,"
              r"\qquad \text{equality at } p = (\tfrac12,\tfrac12,0,\dots,0)",
    reference=Reference("pu2026", "Gradient dynamics (beyond the paper)",
                        "ensuring the Jacobian has a spectral norm bounded by 1/2"),
    origin=OUR_FINDING,
    notes="Our own finding, not the paper's (its body is unavailable): interpolates the softmax bound 1/2 "
          "(α → 1) and the sparsemax norm 1 (α = 2). Status: supported by a targeted property search for "
          "every n; proved only for n = 2, from the closed-form Jacobian diag(g) - gg^T/Σg, g_i = p_i^{2-α} "
          "on the support (Peters, Niculae & Martins 2019), whose non-zero eigenvalue 2g_1g_2/(g_1+g_2) is a "
          "harmonic mean <= geometric mean = (p_1p_2)^{(2-α)/2} <= 2^{α-2}. The bound's default depends on "
          "α, so `bound` <= 0 (the default, 0) means 2^(α-2); a positive value is used as given. The search "
          "evaluates the autograd Jacobian (1.5-entmax by the exact `entmax15`, other α by bisection) on "
          "logits in [-10, 10]^n; its Adam refinement steers by the closed form, which the property check first "
          f"compares with autograd on {PREMISE_POINTS} random logit vectors in [-2, 2]^n (n in 2..6), "
          f"tolerance {PREMISE_TOL:g}.",
    params={
        "alpha": Real(1.5, 1.0, 2.0, exclude_min=True, doc="α of α-entmax"),
        "bound": Real(0.0, doc="claimed bound on ||J||_2; <= 0 means 2^(alpha-2)"),
    },
    negative_controls=(
        NegativeControl("bound-0.69", {"bound": 0.69}, "a bound below the supremum 1/√2 ≈ 0.7071 of 1.5-entmax"),
    ),
    tags=("gradient-dynamics", "jacobian", "our-finding"),
)


def claimed_bound(ctx: Context) -> float:
    """The bound under test: ``bound`` if positive, else 2^(alpha-2)."""
    return ctx["bound"] if ctx["bound"] > 0 else 2.0 ** (ctx["alpha"] - 2.0)


def map_name(alpha: float) -> str:
    """The exact ``entmax15`` for α = 1.5 (fast), bisection otherwise."""
    return "entmax15" if alpha == 1.5 else "entmax"


@check(JACOBIAN_ENTMAX, "symbolic")
def entmax_symbolic(ctx: Context) -> Outcome:
    """n = 2: the non-zero eigenvalue is a harmonic mean, bounded by the geometric mean, then by AM-GM."""
    g1, g2, p = sp.Symbol("g_1", positive=True), sp.Symbol("g_2", positive=True), sp.Symbol("p", positive=True)
    J = sp.diag(g1, g2) - sp.Matrix([g1, g2]) * sp.Matrix([[g1, g2]]) / (g1 + g2)
    eig = sorted((sp.factor(e) for e in J.eigenvals()), key=sp.default_sort_key)
    steps = (r"premise: $J = \mathrm{diag}(g) - gg^\top/\sum_i g_i$, $g_i = p_i^{2-\alpha}$ on the support",
             f"$n = 2$: eigenvalues ${sp.latex(eig)}$")
    if set(eig) != {0, sp.factor(2 * g1 * g2 / (g1 + g2))}:
        return Outcome(verdict="inconclusive", reason="the n=2 eigenvalues did not come out as expected", steps=steps)
    gm = symbolic.identity(sp.sqrt(g1 * g2) - 2 * g1 * g2 / (g1 + g2),
                           sp.sqrt(g1 * g2) * (sp.sqrt(g1) - sp.sqrt(g2)) ** 2 / (g1 + g2), seed=ctx.seed,
                           steps=(*steps, r"harmonic mean $\le$ geometric mean:"), scope=special_case("n = 2"))
    if gm.verdict != "proved":
        return gm
    am = symbolic.bounded_by(p * (1 - p), p, sp.Interval.open(0, 1), 0.25, scope=special_case("n = 2"),
                             steps=(*gm.steps, r"$\sqrt{g_1g_2} = (p_1p_2)^{(2-\alpha)/2}$, $p_1 + p_2 = 1$:"))
    if am.verdict != "proved":
        return am
    return compare_n2(ctx, (*am.steps, r"so $\lVert J\rVert_2 \le 4^{-(2-\alpha)/2} = 2^{\alpha-2}$, "
                                       r"equality iff $p_1 = p_2 = \frac12$"))


def compare_n2(ctx: Context, steps: tuple[str, ...]) -> Outcome:
    """Compare the exact n = 2 supremum 2^(α-2) with the bound under test."""
    sup = 2 ** (sp.nsimplify(ctx["alpha"]) - 2)
    value, bound = float(sup), claimed_bound(ctx)
    stats = {"n2_supremum": str(sup), "n2_supremum_value": value, "bound": bound}
    if value > bound + 1e-12:
        return Outcome(verdict="refuted", statistics=stats, steps=steps,
                       reason=f"n = 2, p = (1/2, 1/2): ||J||_2 = {sup} = {value:.6g} exceeds the bound {bound:g}",
                       counterexample={"p": [0.5, 0.5], "norm": str(sup)})
    if value < bound - 1e-12:
        return Outcome(verdict="inconclusive", statistics=stats, steps=steps,
                       reason=f"the n = 2 supremum {value:.6g} is below the bound; n >= 3 is not covered symbolically")
    return Outcome(verdict="proved", statistics=stats, steps=steps, scope=special_case("n = 2"),
                   reason=f"for n = 2 the supremum is exactly {sup}, attained at p = (1/2, 1/2) "
                          "(n >= 3: property check)")


@check(JACOBIAN_ENTMAX, "property")
def entmax_property(ctx: Context) -> Outcome:
    """Targeted search for the largest autograd-Jacobian norm (Hypothesis ``target`` + Adam)."""
    alpha = ctx["alpha"]

    def objective(s: np.ndarray) -> float:
        return float(spectral_norm(jacobian(map_name(alpha), torch.as_tensor(s, dtype=torch.float64), alpha)))

    premise = premise_violation(ctx)
    if premise is not None:
        return premise
    local = prop.gradient_ascent(lambda s: spectral_norm(entmax_jacobian(s, alpha)))
    return prop.upper_bound(ctx, logits(), objective, claimed_bound(ctx), local=local)


def premise_violation(ctx: Context) -> Outcome | None:
    """``refuted`` when the closed form diag(g) - gg^T/Σg (premise of the proof, Adam's guide) is not the Jacobian."""
    alpha, gen = ctx["alpha"], ctx.generator()
    for _ in range(PREMISE_POINTS):
        n = int(torch.randint(2, 7, (1,), generator=gen))
        s = (torch.rand(n, generator=gen, dtype=torch.float64) * 4.0 - 2.0).to(ctx.device)
        error = float((entmax_jacobian(s, alpha) - jacobian(map_name(alpha), s, alpha)).abs().max())
        if error > PREMISE_TOL:
            return Outcome(verdict="refuted", counterexample={"s": s.tolist(), "max_abs_difference": error},
                           reason=f"the closed-form Jacobian (premise of the n = 2 proof) differs from autograd "
                                  f"by {error:.3g} at s = {[round(v, 4) for v in s.tolist()]}")
    return None
