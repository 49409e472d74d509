r"""Spherical-family losses of a linear output layer have exact O(d²) gradients, independent of D.

de Brébisson & Vincent, arXiv 1511.05042, after Vincent, de Brébisson & Bouchard (NeurIPS 2015)
(seed 003, "The Spherical Loss Family").

Hypothesis: :math:`o=Wh`, :math:`W\in\mathbb R^{D\times d}`, :math:`h\in\mathbb R^d`, a spherical-family loss
:math:`L(s,q,o_c)`; :math:`Q=W^\top W`, :math:`\bar w=W^\top\mathbf 1` and :math:`w_c` are maintained.

Conclusion: :math:`L`, :math:`\nabla_hL=a\bar w+bQh+g\,w_c^\top`, the factors :math:`(a,b,g)` of
:math:`\nabla_WL=(a\mathbf 1+b\,o+g\,e_c)h^\top` and the statistics :math:`(Q',\bar w',w_c')` after an SGD step
are computed in :math:`O(d^2)` operations, equal to the naive :math:`O(Dd)` results.
"""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from claims.dbv2016.spherical import (
    MAPS,
    assemble_grad_W,
    factored_step,
    naive_step,
    step_costs,
    sufficient_statistics,
)
from verifiers import SOURCE_STATEMENT, Context, NegativeControl, Outcome, Real, Reference, check, claim
from verifiers import property as prop
from verifiers.empirical import scaling

#: Relative tolerance of the float64 comparison (factored vs autograd).
RTOL = 1e-9
#: SGD step size whose updated statistics are compared.
LR = 0.1
#: Grids of the operation counts: D at fixed d, and d at fixed D.
D_GRID = (16, 64, 256, 1024, 4096)
D_FIXED, d_FIXED = 256, 16
d_GRID = (8, 16, 32, 64)

EFFICIENT_GRADIENT = claim(
    id="dbv2016/efficient-gradient",
    title="Spherical-family gradients in O(d²), independent of the number of classes D",
    statement=r"L,\ \nabla_h L,\ \nabla_W L = (a\mathbf 1 + b\,o + g\,e_c)h^\top \text{ from } "
              r"(Q=W^\top W,\ \bar w=W^\top\mathbf 1,\ w_c,\ h)\ \text{in } O(d^2) \text{ operations, equal to the "
              r"naive } O(Dd)\ \text{results};\ \text{cost} \propto D^{\,\mathrm{claimed\_slope\_D}},\ "
              r"\mathrm{claimed\_slope\_D}=0",
    reference=Reference("dbv2016", "The Spherical Loss Family",
                        r"they allow for efficient gradient computation in $\mathcal{O}(d^2)$ instead of "
                        r"$\mathcal{O}(D\times d)$"),
    origin=SOURCE_STATEMENT,
    notes="Losses: log-spherical (ε = 0.01) and log-Taylor softmax; a = ∂L/∂s, b = 2∂L/∂q, g = ∂L/∂o_c "
          "(autograd on three scalars). ∇_W is kept in factored form; the SGD step W' = W - lr ∇_W is reflected "
          "in O(d²) updates of Q, w̄ and w_c (Q' = Q - lr(W^T u h^T + h u^T W) + lr² |u|² hh^T, W^T u = ∇_h L); "
          "updating the D×d matrix W itself in O(d²) needs the W = VU factorization of Vincent et al. (2015), "
          "not implemented here. Q and w̄ are computed once (O(Dd²)). Property check: equality with autograd "
          f"through o = Wh (float64, relative tolerance {RTOL:g}), D ≤ 40, d ≤ 8. Empirical check: "
          "torch FlopCounterMode counts (matrix products only; vectors are d×1 matrices so every product is "
          f"counted) of one factored and one naive step (loss + gradients) over D in {D_GRID} (d = {d_FIXED}); "
          "the counts are exact, so growth exponents are decided by verifiers.empirical.scaling (supported only "
          "within twice the drift of the last local exponent; constant counts refute every non-zero claimed "
          f"exponent): the factored step's exponent in D must be claimed_slope_D, the naive step's 1, and the "
          f"factored step's exponent in d over {d_GRID} (D = {D_FIXED}) 2. Elementwise operations are not counted; "
          "the factored ones are O(d²) and do not involve D. Negative control: claimed_slope_D = 1. The naive/"
          "factored ratio is dbv2016/speedup.",
    params={"claimed_slope_D": Real(0.0, doc="claimed log-log slope in D of the factored step's cost")},
    negative_controls=(NegativeControl("cost-grows-with-D", {"claimed_slope_D": 1.0},
                                       "the factored cost does not grow with D (slope 0, not 1)"),),
    tags=("spherical-family", "complexity"),
)


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return float((a - b).abs().max()) <= RTOL * (1 + float(b.abs().max()))


def compare(name: str, W: torch.Tensor, h: torch.Tensor, c: int) -> str | None:
    """The first quantity where the factored step differs from the naive one, or ``None``."""
    Q, wbar = sufficient_statistics(W)
    step = factored_step(name, Q, wbar, W[c:c + 1], h, W.shape[0], lr=LR)
    loss, grad_h, grad_W = naive_step(name, W, h, c)
    W_next = W - LR * grad_W
    Q_next, wbar_next = sufficient_statistics(W_next)
    pairs = {"loss": (step.loss, loss), "grad_h": (step.grad_h, grad_h),
             "grad_W": (assemble_grad_W(step.coef, W, h, c), grad_W), "Q'": (step.Q, Q_next),
             "wbar'": (step.wbar, wbar_next), "w_c'": (step.w_c, W_next[c:c + 1])}
    return next((key for key, (a, b) in pairs.items() if not _close(a, b)), None)


@st.composite
def layers(draw: st.DrawFn) -> tuple[int, int, int, int, float]:
    """(D, d, c, seed, scale) of a random linear output layer."""
    D, d = draw(st.integers(2, 40)), draw(st.integers(1, 8))
    return D, d, draw(st.integers(0, D - 1)), draw(st.integers(0, 2**31 - 1)), draw(st.sampled_from([0.1, 1.0, 3.0]))


@check(EFFICIENT_GRADIENT, "property")
def gradient_property(ctx: Context) -> Outcome:
    """Random layers: factored loss, gradients and updated statistics equal the naive autograd ones."""
    def holds(case: tuple[int, int, int, int, float]) -> bool | str:
        D, d, c, seed, scale = case
        gen = torch.Generator().manual_seed(seed)
        W = scale * torch.randn(D, d, generator=gen, dtype=torch.float64)
        h = torch.randn(d, 1, generator=gen, dtype=torch.float64)
        for name in MAPS:
            if (bad := compare(name, W, h, c)) is not None:
                return f"{name}: factored {bad} differs from the naive one"
        return True

    return prop.forall(ctx, layers(), holds, what="factored = naive (loss, gradients, statistics)")


@check(EFFICIENT_GRADIENT, "empirical")
def gradient_cost(ctx: Context) -> Outcome:
    """Operation counts over D (factored vs naive) and over d (factored)."""
    gen = ctx.generator()
    by_D = [step_costs(D, d_FIXED, gen) for D in D_GRID]
    by_d = [step_costs(D_FIXED, d, gen)[0] for d in d_GRID]
    parts = (scaling(D_GRID, [f for f, _ in by_D], ctx["claimed_slope_D"], what="factored step vs D", xlabel="D"),
             scaling(D_GRID, [n for _, n in by_D], 1.0, what="naive step vs D", xlabel="D"),
             scaling(d_GRID, by_d, 2.0, what="factored step vs d", xlabel="d"))
    keys = ("D/factored", "D/naive", "d/factored")
    stats = {f"{key}: {name}": part.statistics[name] for key, part in zip(keys, parts)
             for name in ("slope", "claimed_slope", "counts")}
    figures = tuple(f for part in parts for f in part.figures)
    common = {"statistics": stats, "figures": figures, "resolution": parts[0].resolution, "scope": parts[0].scope}
    failed = next((part for part in parts if part.verdict != "supported"), None)
    if failed is not None:
        return Outcome(verdict=failed.verdict, reason=failed.reason, counterexample=failed.counterexample, **common)
    return Outcome(verdict="supported", reason="; ".join(part.reason for part in parts), **common)
