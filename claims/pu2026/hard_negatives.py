r"""Sparse Fenchel-Young losses can give a hard negative no gradient; softmax always gives it p_j > 0.

Pu, Lian & Chen, arXiv 2601.22745 (seed: sparse variants "degrade the learning signal for hard negatives";
Rankmax mitigates "the \"vanishing gradient on hard negatives\" issue of standard sparse methods").

Hypothesis: one-hot target :math:`e_y`, :math:`s\in\mathbb R^n`, :math:`n\ge3`,
:math:`L(s;e_y)` the Fenchel-Young loss of the map (gradient :math:`\hat y(s)-e_y`).

Conclusion: for sparsemax, 1.5-entmax and α-entmax (α ∈ (1, 2]) there are :math:`s` and :math:`j\ne y` with
:math:`s_j>s_y` and :math:`\partial L/\partial s_j=\hat y_j(s)=0`; for softmax
:math:`\partial L/\partial s_j=p_j>0` for every :math:`s` and :math:`j\ne y`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.maps import prediction_map
from claims.pu2026.separation_margin import resolution_gap
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    Resolution,
    check,
    claim,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

MAPS = ("sparsemax", "entmax15", "entmax", "softmax")
#: Scores of the hard negative drawn in the figures: 0.2, 0.4, …, 4 (the support starts at s_2 = 2 for every α).
FIGURE_SCORES = tuple(k / 5 for k in range(1, 21))
ALPHA = {"sparsemax": 2.0, "entmax15": 1.5}

HARD_NEGATIVES = claim(
    id="pu2026/hard-negatives",
    title="Sparse losses can give a hard negative zero gradient; softmax never does",
    statement=r"\exists\,s\in\mathbb R^n,\ j\ne y:\ s_j>s_y\ \text{and}\ \frac{\partial L(s;e_y)}{\partial s_j}"
              r"=\hat y_j(s)=0\quad(\text{map sparse});\qquad \frac{\partial L_{\mathrm{softmax}}}{\partial s_j}=p_j>0"
              r"\ \ \forall s,\ j\ne y",
    reference=Reference("pu2026", "Mechanism 1",
                        "they induce \"ties\" where gradients vanish for classes below a threshold, creating "
                        "rank-deficient Jacobians and extended flat subspaces that degrade the learning signal for "
                        "hard negatives"),
    origin=SOURCE_STATEMENT,
    notes="A hard negative is a class j ≠ y scored above the label (s_j > s_y). The Fenchel-Young gradient is "
          "ŷ(s) - e_y, so ∂L/∂s_j = ŷ_j(s). Symbolic: the exact witness s = (1/(α-1) + 2, 1, 0), y = 3, j = 2: "
          "the top class alone is in the support ((α-1)(s_1 - s_j) ≥ 1 + 2(α-1) > 1), so ŷ = e_1 and the hard "
          "negative j = 2 (score 1 > 0) gets exactly zero gradient (a proof of the existence statement); for "
          "softmax p_j = exp(s_j)/Σ_k exp(s_k) > 0 for every s, which refutes the existence claim under map=softmax. "
          "Property: a witness search over the profile's logit families (gap 1/(α-1) drawn often) and labels; "
          "'ŷ_j = 0' is decided by the threshold, not by underflow: softmax is judged in log space (log p_j is "
          "finite for every finite s, so no float64 underflow can fake a witness), the sparse maps by exact zeros "
          "with the class at least δ below the support boundary (δ as in pu2026/separation-margin). A search cannot "
          "disprove an existence claim, so the softmax control is decided by the symbolic check alone. "
          "Figures: the hard negative's gradient ∂L/∂s_2 = ŷ_2 against its score s_2 in (0, 4] at "
          "s = (1/(α-1) + 2, s_2, 0), y = 3 (class 2 is a hard negative for every such s_2; it enters the support "
          "at s_2 = 2 for every α), for the map and for softmax.",
    params={
        "map": Choice("sparsemax", MAPS, doc="the prediction map (its Fenchel-Young loss)"),
        "alpha": Real(1.5, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map=entmax only)"),
    },
    negative_controls=(
        NegativeControl("softmax", {"map": "softmax"},
                        "softmax gives every class p_j > 0, so no hard negative has zero gradient",
                        methods=("symbolic",)),
    ),
    tags=("gradient-dynamics", "sparsity"),
)


def alpha_of(ctx: Context) -> float:
    """α of the map (2 for sparsemax, 1.5 for entmax15, the parameter for entmax)."""
    return ALPHA.get(ctx["map"], ctx["alpha"])


@check(HARD_NEGATIVES, "symbolic")
def hard_negatives_symbolic(ctx: Context) -> Outcome:
    """Exact witness for the sparse maps; p_j = e^{s_j}/Z > 0 for softmax (the existence claim is then false)."""
    if ctx["map"] == "softmax":
        sj, rest = sp.Symbol("s_j", real=True), sp.Symbol("R", positive=True)
        positive = (sp.exp(sj) / (sp.exp(sj) + rest)).is_positive
        steps = (r"softmax: $\partial L/\partial s_j = p_j = e^{s_j}/(e^{s_j}+R)$, $R>0$: positive: " f"{positive}",)
        if not positive:
            return Outcome(verdict="inconclusive", reason="SymPy did not decide p_j > 0", steps=steps)
        return Outcome(verdict="refuted", scope=WHOLE, steps=steps, resolution=Resolution(0.0, "p_j"),
                       reason="softmax: ∂L/∂s_j = p_j > 0 for every s and j ≠ y, so no hard negative has zero gradient",
                       counterexample={"map": "softmax", "why": "p_j = e^{s_j}/Σ e^{s_k} > 0"})
    a = sp.nsimplify(alpha_of(ctx), rational=True)
    s = [1 / (a - 1) + 2, sp.Integer(1), sp.Integer(0)]
    tau = (a - 1) * s[0] - 1
    outside = [sp.simplify((a - 1) * s[k] - tau) for k in (1, 2)]
    steps = (f"$s = {sp.latex(tuple(s))}$, $y = 3$, $j = 2$ ($s_2 = 1 > s_3 = 0$); with $\\tau = (\\alpha-1)s_1 - 1 = "
             f"{sp.latex(tau)}$: $(\\alpha-1)s_1-\\tau = 1$ and $(\\alpha-1)s_k-\\tau = {sp.latex(outside)}$ "
             r"$\le 0$ for $k = 2, 3$, so $\hat y = e_1$ and $\partial L/\partial s_2 = \hat y_2 - 0 = 0$",)
    if not all(v.is_nonpositive for v in outside):
        return Outcome(verdict="inconclusive", reason="the witness did not check out exactly", steps=steps)
    return Outcome(verdict="proved", scope=WHOLE, steps=steps, resolution=Resolution(0.0, "ŷ_j"),
                   premises=(Premise("α-entmax(s)_i = [(α-1)s_i - τ]_+^{1/(α-1)}, τ normalizing",
                                     "Peters, Niculae & Martins 2019"),),
                   reason=f"exact witness s = {[str(v) for v in s]}, y = 3: the hard negative j = 2 (s_2 > s_3) has "
                          "∂L/∂s_2 = 0")


def witness(ctx: Context, s: np.ndarray, y: int) -> bool:
    """A class j ≠ y with s_j > s_y whose prediction (hence gradient) is exactly zero, decided robustly."""
    x = torch.as_tensor(s, dtype=torch.float64)
    hard = (x > x[y] + 1e-9 * (1 + float(x.abs().max()))) & (torch.arange(len(s)) != y)
    if not bool(hard.any()):
        return False
    if ctx["map"] == "softmax":
        return bool((~torch.isfinite(torch.log_softmax(x, -1)[hard])).any())
    a = alpha_of(ctx)
    with torch.no_grad():
        p = prediction_map(ctx["map"], a)(x)
    clear = x < x.max() - 1 / (a - 1) - resolution_gap(a, s)
    return bool(((p == 0) & hard & clear).any())


@st.composite
def labelled(draw: st.DrawFn, ctx: Context) -> tuple[np.ndarray, int]:
    """Logits with n ≥ 3 (gap 1/(α-1) drawn often) and a label."""
    gap = 1.0 / (alpha_of(ctx) - 1.0) if ctx["map"] != "softmax" else 1.0
    s = draw(budget_logits(ctx.budget, min_size=3, gaps=(gap,), scale=max(10.0, 2 * gap)))
    return s, draw(st.integers(0, len(s) - 1))


def gradient_figures(name: str, alpha: float) -> tuple[dict, ...]:
    """∂L/∂s_2 = ŷ_2 against s_2 ∈ (0, 4] at s = (1/(α-1) + 2, s_2, 0), y = 3: the map's, then softmax's."""
    top = 1 / (alpha - 1) + 2
    scores = torch.tensor(FIGURE_SCORES, dtype=torch.float64)
    s = torch.stack([torch.full_like(scores, top), scores, torch.zeros_like(scores)], -1)
    figures = []
    for shown in dict.fromkeys((name, "softmax")):
        with torch.no_grad():
            grad = prediction_map(shown, alpha)(s)[:, 1]
            # softmax: zero only if log p_2 = -inf (never for finite s; float64 may underflow p_2 itself)
            positive = torch.isfinite(torch.log_softmax(s, -1)[:, 1]) if shown == "softmax" else grad != 0
        zero = scores[~positive]
        clear = scores < 2 - resolution_gap(alpha, s.numpy())  # zero decided as witness() decides it
        if bool((clear & ~positive).any()):
            what = f"0 up to s_2 = {float(scores[clear & ~positive].max()):.3g}"
        else:
            what = "not resolved by float64" if len(zero) else "> 0 at every s_2"
        where = f"at s = ({top:.4g}, s_2, 0), y = 3" if shown == name else "(contrast) at the same s"
        figures.append({"kind": "line", "x": scores.tolist(), "y": grad.tolist(), "xlabel": "s_2 (s_y = 0)",
                        "ylabel": "∂L/∂s_2 = ŷ_2", "title": f"{shown} {where}: gradient {what}"})
    return tuple(figures)


@check(HARD_NEGATIVES, "property")
def hard_negatives_property(ctx: Context) -> Outcome:
    """Witness search: a hard negative (s_j > s_y) with exactly zero prediction, hence zero gradient."""
    found = prop.exists(ctx, labelled(ctx), lambda case: witness(ctx, *case),
                        what="a hard negative with zero gradient")
    return found.but(figures=gradient_figures(ctx["map"], alpha_of(ctx)),
                     resolution=Resolution(resolution_gap(alpha_of(ctx) if ctx["map"] != "softmax" else 2.0,
                                                          np.array([ctx.budget.max_magnitude])), "score margin"))
