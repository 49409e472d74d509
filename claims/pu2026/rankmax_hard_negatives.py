r"""Rankmax gives every class scored at least as high as the label a positive probability (and gradient).

Kong, Krichene, Mayoraz, Rendle & Zhang, "Rankmax: An Adaptive Projection Alternative to the Softmax
Function", NeurIPS 2020; the seed: "Rankmax: A compromise—focuses gradients on hard negatives, mitigating the
\"vanishing gradient on hard negatives\" issue of standard sparse methods".

Hypothesis: :math:`z\in\mathbb R^n`, a label :math:`y`, Rankmax
:math:`p=\Pi_\Delta(\alpha z)` with any per-example scale :math:`\alpha` that keeps the label in the support
(:math:`0<\alpha<\alpha_y(z)=1/\sum_j(z_j-z_y)_+`, see :mod:`claims.pu2026.rankmax`); the loss
:math:`L(\alpha z;e_y)` of the Euclidean (sparsemax) Fenchel-Young loss at that fixed α.

Conclusion: every class :math:`j` with :math:`z_j\ge z_y` has :math:`p_j\ge p_y>0`, hence
:math:`\partial L/\partial z_j=\alpha p_j\ne0` for every such :math:`j\ne y`. Plain sparsemax (α = 1) does not.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.rankmax import project_simplex, rankmax, scale, threshold
from verifiers import (
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    Resolution,
    check,
    claim,
    literature,
    special_case,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Float64 allowance per unit of n·(1 + max|αz|) when deciding the sign of αz_j - τ.
ROUNDING = 64 * float(np.finfo(np.float64).eps)
#: Fractions of the admissible scale the search uses at its edges (α = fraction · α_y(z)).
EDGES = (1e-6, 0.5, 1 - 1e-6)
#: Scores of the hard negative drawn in the figures, and Rankmax's scale there (α = FIGURE_FRACTION · α_y(z)).
FIGURE_POINTS, FIGURE_FRACTION = 21, 0.5

RANKMAX_HARD_NEGATIVES = claim(
    id="pu2026/rankmax-hard-negatives",
    title="Rankmax keeps every class scored at least as high as the label in the support",
    statement=r"p=\Pi_\Delta(\alpha z),\ 0<\alpha<\alpha_y(z)=\Bigl(\sum_j(z_j-z_y)_+\Bigr)^{-1}:\quad "
              r"z_j\ge z_y\Rightarrow p_j\ge p_y>0\ \text{and}\ \frac{\partial L(\alpha z;e_y)}{\partial z_j}="
              r"\alpha p_j\ne0\ (j\ne y)",
    reference=Reference("pu2026", "Design tradeoffs",
                        "Rankmax: A compromise—focuses gradients on hard negatives, mitigating the \"vanishing "
                        "gradient on hard negatives\" issue of standard sparse methods"),
    origin=literature("Kong, Krichene, Mayoraz, Rendle & Zhang 2020, NeurIPS, 'Rankmax: An Adaptive Projection "
                      "Alternative to the Softmax Function'"),
    notes="Rankmax is the Euclidean projection onto the simplex with a per-example scale α chosen so that the label "
          "lies in the support (Kong et al. 2020; the exact rule inside that set was not in the material we could "
          "read, so the claim quantifies over every admissible α: claims.pu2026.rankmax documents what was found "
          "where). y ∈ supp Π(αz) iff α Σ_j (z_j - z_y)_+ < 1. The gradient is that of the sparsemax Fenchel-Young "
          "loss of the scaled scores at fixed α (α treated as a constant, as a per-example temperature): "
          "∂L/∂z = α(p - e_y). Symbolic: for any admissible α, p_i = (αz_i - τ)_+ and "
          "αz_j - τ = (αz_y - τ) + α(z_j - z_y) ≥ p_y > 0 (whole statement); and the seed-style witness "
          "z = (5, 3, 2.5), y = 3: α_y = 1/3 and p(α) = (1/3 + 3α/2, 1/3 - α/2, 1/3 - α) > 0 on all of (0, 1/3), "
          "while sparsemax (α = 1) gives (1, 0, 0): the hard negative z_2 = 3 > 2.5 gets p_2 = 0. Property: "
          "Hypothesis draws z (the profile's families: large n, ties, magnitudes), a label and the fraction "
          f"α/α_y(z) in (0, 1) (edges {EDGES} drawn often); a class with z_j ≥ z_y counts as outside the support "
          f"if Rankmax (claims.pu2026.rankmax, cross-checked in tests against an independent projection) gives it "
          f"p_j = 0 and |αz_j - τ| > {ROUNDING:.1e}·n·(1 + max|αz|) (so rounding cannot fake a violation). "
          "`map=sparsemax` "
          "(α = 1 for every example, the control) drops such classes. Figures: the hard negative's gradient "
          f"∂L/∂z_2 = αp_2 against z_2 ∈ [2.5, 5] at z = (5, z_2, 2.5), y = 3, for Rankmax (α = {FIGURE_FRACTION:g}"
          "·α_y(z)) and for sparsemax (α = 1).",
    params={"map": Choice("rankmax", ("rankmax", "sparsemax"), doc="Rankmax (adaptive α) or sparsemax (α = 1)")},
    negative_controls=(
        NegativeControl("sparsemax", {"map": "sparsemax"},
                        "sparsemax (no adaptive scale) gives p_2 = 0 to the hard negative at z = (5, 3, 2.5), y = 3"),
    ),
    tags=("gradient-dynamics", "sparsity", "rankmax"),
)

PREMISES = (Premise("Π_Δ(v)_i = (v_i - τ)_+ with τ normalizing (Euclidean projection onto the simplex)",
                    "Held, Wolfe & Crowder 1974; Martins & Astudillo 2016"),
            Premise("Rankmax's per-example α keeps the label in the support",
                    "Kong et al. 2020 (NeurIPS reviews: 'α can be computed such that the sample's labels occurs in "
                    "the top-k')"))


@check(RANKMAX_HARD_NEGATIVES, "symbolic")
def rankmax_symbolic(ctx: Context) -> Outcome:
    """Monotonicity of (αz_i - τ) in z_i for any admissible α; the exact witness z = (5, 3, 2.5), y = 3."""
    a, d = sp.Symbol("alpha", positive=True), sp.Symbol("d", nonnegative=True)
    general = (r"any admissible $\alpha$: $p_y = \alpha z_y-\tau > 0$ and, for $z_j = z_y + d$, $d\ge0$: "
               r"$\alpha z_j-\tau = p_y + \alpha d$, with $\alpha d \ge 0$: " f"{(a * d).is_nonnegative}")
    z = [sp.Integer(5), sp.Integer(3), sp.Rational(5, 2)]
    tau = (a * sum(z) - 1) / 3
    p = [sp.simplify(a * v - tau) for v in z]
    positive = sp.Intersection(*(sp.solveset(v > 0, a, sp.Interval.open(0, sp.oo)) for v in p))
    steps = (general, f"witness $z = {sp.latex(tuple(z))}$, $y = 3$: full support gives $p(\\alpha) = "
                      f"{sp.latex(tuple(p))}$, all positive exactly for $\\alpha \\in {sp.latex(positive)}$; "
                      r"$\alpha_y(z) = 1/((5-2.5)+(3-2.5)) = 1/3$")
    if not (a * d).is_nonnegative or positive != sp.Interval.open(0, sp.Rational(1, 3)):
        return Outcome(verdict="inconclusive", reason="SymPy did not confirm a step", steps=steps)
    if ctx["map"] == "sparsemax":
        return Outcome(verdict="refuted", scope=special_case("z = (5, 3, 2.5), y = 3"), steps=(
            *steps, r"sparsemax ($\alpha = 1 \ge 1/3$): $\Pi(z) = (1, 0, 0)$, so $p_2 = 0$ although $z_2 = 3 > z_3$"),
            resolution=Resolution(0.0, "p_j"), counterexample={"z": [5, 3, 2.5], "y": 3, "p": [1, 0, 0]},
            reason="sparsemax maps z = (5, 3, 2.5) to (1, 0, 0): the hard negative z_2 = 3 > z_y = 2.5 gets p_2 = 0")
    return Outcome(verdict="proved", scope=WHOLE, steps=steps, premises=PREMISES, resolution=Resolution(0.0, "p_j"),
                   reason="for every admissible α, αz_j - τ ≥ αz_y - τ = p_y > 0 whenever z_j ≥ z_y; the witness "
                          "z = (5, 3, 2.5), y = 3 has p > 0 on the whole admissible interval (0, 1/3)")


@st.composite
def cases(draw: st.DrawFn, budget) -> tuple[np.ndarray, int, float]:  # noqa: ANN001 - Budget
    """Scores, a label, and the fraction α/α_y(z) in (0, 1)."""
    z = draw(budget_logits(budget))
    fraction = draw(st.one_of(st.sampled_from(EDGES), st.floats(EDGES[0], EDGES[-1])))
    return z, draw(st.integers(0, len(z) - 1)), fraction


def dropped(name: str, z: np.ndarray, y: int, fraction: float) -> str | None:
    """A class scored at least as high as the label that gets probability 0 (outside the rounding band), described."""
    x, label = torch.as_tensor(z, dtype=torch.float64).unsqueeze(0), torch.tensor([y])
    if name == "rankmax":
        alpha, p = float(scale(x, label, fraction)), rankmax(x, label, fraction)[0]
    else:
        alpha, p = 1.0, project_simplex(x)[0]
    if not np.isfinite(alpha):
        band = torch.zeros_like(p, dtype=torch.bool)  # label among the top scores: the limit is uniform on them
    else:
        v = alpha * (x - x.max())
        band = ((v - threshold(v)).abs() <= ROUNDING * len(z) * (1.0 + float(v.abs().max())))[0]
    lost = (x[0] >= x[0, y]) & (p <= 0) & ~band
    if bool(lost.any()):
        j = int(torch.nonzero(lost)[0])
        return f"{name}: z_{j} = {z[j]:.6g} ≥ z_y = {z[y]:.6g} but p_{j} = {float(p[j]):.3g} (α = {alpha:.6g})"
    return None


def gradient_figures(name: str) -> tuple[dict, ...]:
    """∂L/∂z_2 = αp_2 against z_2 ∈ [2.5, 5] at z = (5, z_2, 2.5), y = 3: the map's, then the other map's."""
    scores = torch.linspace(2.5, 5.0, FIGURE_POINTS, dtype=torch.float64)
    z = torch.stack([torch.full_like(scores, 5.0), scores, torch.full_like(scores, 2.5)], -1)
    label = torch.full((FIGURE_POINTS,), 2)
    figures = []
    for shown in (name, "sparsemax" if name == "rankmax" else "rankmax"):
        if shown == "rankmax":
            alpha, p = scale(z, label, FIGURE_FRACTION), rankmax(z, label, FIGURE_FRACTION)
            label_text = f"rankmax (α = {FIGURE_FRACTION:g}·α_y)"
        else:
            alpha, p = torch.ones(FIGURE_POINTS, dtype=torch.float64), project_simplex(z)
            label_text = "sparsemax (α = 1)"
        grad = alpha * p[:, 1]
        zero = scores[grad <= 0]
        what = f"0 up to z_2 = {float(zero.max()):.3g}" if len(zero) else "> 0 at every z_2"
        where = "z = (5, z_2, 2.5), y = 3" if shown == name else "same z"
        figures.append({"kind": "line", "x": scores.tolist(), "y": grad.tolist(), "xlabel": "z_2 (z_y = 2.5)",
                        "ylabel": "∂L/∂z_2 = α p_2", "title": f"{label_text}, {where}: gradient {what}"})
    return tuple(figures)


@check(RANKMAX_HARD_NEGATIVES, "property")
def rankmax_property(ctx: Context) -> Outcome:
    """Search scores, labels and admissible scales for a class z_j ≥ z_y left outside the support."""
    outcome = prop.forall(ctx, cases(ctx.budget), lambda case: dropped(ctx["map"], *case) or True,
                          what="every class scored ≥ the label in the support")
    return outcome.but(resolution=Resolution(ROUNDING, "αz_j - τ per unit of n·(1 + max|αz|)"),
                       figures=gradient_figures(ctx["map"]))
