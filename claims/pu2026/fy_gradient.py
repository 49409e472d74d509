r"""The gradient of a Fenchel-Young loss is the prediction minus the target.

Pu, Lian & Chen, arXiv 2601.22745 (seed: the losses are unified "under a common Fenchel-Young
framework").

Hypothesis: :math:`s\in\mathbb R^n`, :math:`y\in\Delta^n`,
:math:`L_\Omega(s;y)=\Omega^*(s)+\Omega(y)-\langle s,y\rangle` with :math:`\Omega` the negative Shannon
entropy (softmax) or Tsallis α-entropy (sparsemax α = 2, 1.5-entmax, α-entmax).

Conclusion: :math:`\nabla_s L_\Omega(s;y)=\hat y_\Omega(s)-y` with :math:`\hat y_\Omega=\nabla\Omega^*`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.maps import fy_loss, prediction_map
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choices,
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
from verifiers.strategies import logits, simplex

#: Autograd gradient vs the claimed gradient (exact up to rounding).
AUTOGRAD_TOL = 1e-9
#: Central finite differences (step FD_STEP) vs the claimed gradient; the gradient is 1-Lipschitz.
FD_STEP, FD_TOL = 1e-5, 1e-4

FY_GRADIENT = claim(
    id="pu2026/fy-gradient",
    title="Fenchel-Young loss gradient is prediction minus target",
    statement=r"\nabla_s L_\Omega(s;y) = \mathrm{gradient\_scale}\cdot\bigl(\hat y_\Omega(s) - y\bigr),"
              r"\quad \mathrm{gradient\_scale}=1,\qquad s\in\mathbb{R}^n,\ y\in\Delta^n",
    reference=Reference("pu2026", "Fenchel-Young framework",
                        "unifying exact (Softmax, Sparsemax, Entmax) and approximate (Sampled Softmax, NCE) "
                        "variants under a common Fenchel-Young framework"),
    origin=SOURCE_STATEMENT,
    notes="A standard property of Fenchel-Young losses (Blondel, Martins & Niculae 2020) that the paper's "
          "framework relies on; the paper's body is unavailable. Ω is the negative Shannon entropy (softmax) "
          "or the Tsallis regularizer (Σp^α - 1)/(α(α-1)). The loss is evaluated in closed form "
          "(claims.pu2026.maps.fy_loss), not with the entmax package's loss Functions, whose hand-written "
          "backward returns ŷ - y by construction. The property check compares the claimed gradient with "
          f"autograd through the closed form (tolerance {AUTOGRAD_TOL:g}) and with central finite differences "
          f"of the loss value (step {FD_STEP:g}, tolerance {FD_TOL:g}), on logits in [-10, 10]^n and targets "
          "y anywhere in the simplex (dense, sparse, peaked or one-hot). The symbolic check is softmax only "
          "(any n, coordinate 1 without loss of generality). `gradient_scale=2` is the wrong gradient "
          "2(ŷ - y) used as negative control.",
    params={
        "losses": Choices(("softmax", "sparsemax", "entmax15"), ("softmax", "sparsemax", "entmax15", "entmax"),
                          doc="the Fenchel-Young losses under test"),
        "alpha": Real(1.5, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (loss entmax only)"),
        "gradient_scale": Real(1.0, doc="the claimed gradient is gradient_scale * (ŷ - y)"),
    },
    negative_controls=(
        NegativeControl("scaled-by-2", {"gradient_scale": 2.0}, "the wrong gradient 2(ŷ - y)"),
    ),
    tags=("fenchel-young", "gradient-dynamics"),
)


@check(FY_GRADIENT, "symbolic")
def fy_symbolic(ctx: Context) -> Outcome:
    """Softmax: d/ds_1 [log(e^{s_1} + R) - s_1 y_1 - rest] = p_1 - y_1."""
    if "softmax" not in ctx["losses"]:
        return Outcome(verdict="skipped", reason="the symbolic derivation covers the softmax loss only")
    s1, y1 = sp.Symbol("s_1", real=True), sp.Symbol("y_1", nonnegative=True)
    rest = sp.Symbol("R", positive=True)
    loss = sp.log(sp.exp(s1) + rest) - s1 * y1
    p1 = sp.exp(s1) / (sp.exp(s1) + rest)
    steps = (r"$L = \log\sum_j e^{s_j} - \langle s, y\rangle + \sum_j y_j\log y_j$; as a function of $s_1$: "
             f"${sp.latex(loss)} + \\mathrm{{const}}$, $R = \\sum_{{j>1}} e^{{s_j}} > 0$",
             f"$\\partial L/\\partial s_1 = {sp.latex(sp.diff(loss, s1))}$, $\\hat y_1 = {sp.latex(p1)}$")
    return symbolic.identity(sp.diff(loss, s1), ctx["gradient_scale"] * (p1 - y1), seed=ctx.seed, steps=steps,
                             scope=WHOLE if tuple(ctx["losses"]) == ("softmax",) else special_case("softmax"))


@st.composite
def logits_and_target(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """A score vector and a target in the simplex of the same size (one-hot a quarter of the time)."""
    s = draw(logits())
    if draw(st.integers(0, 3)) == 0:
        y = np.zeros_like(s)
        y[draw(st.integers(0, len(s) - 1))] = 1.0
    else:
        y = draw(simplex(size=len(s)))
    return s, y


def gradient_error(name: str, s: np.ndarray, y: np.ndarray, alpha: float, scale: float) -> str | None:
    """Compare scale * (ŷ - y) with the autograd and finite-difference gradients of the loss."""
    x = torch.tensor(s, dtype=torch.float64, requires_grad=True)
    target = torch.as_tensor(y, dtype=torch.float64)
    (auto,) = torch.autograd.grad(fy_loss(name, x, target, alpha), x)
    with torch.no_grad():
        claimed = scale * (prediction_map(name, alpha)(x) - target)
        shifts = FD_STEP * torch.eye(len(s), dtype=torch.float64)
        values = fy_loss(name, torch.cat([x + shifts, x - shifts]), target.expand(2 * len(s), -1), alpha)
        finite = (values[: len(s)] - values[len(s):]) / (2 * FD_STEP)
    auto_gap, fd_gap = float((auto - claimed).abs().max()), float((finite - claimed).abs().max())
    if auto_gap > AUTOGRAD_TOL:
        return f"{name}: |autograd - claimed| = {auto_gap:.3g}"
    if fd_gap > FD_TOL:
        return f"{name}: |finite differences - claimed| = {fd_gap:.3g}"
    return None


@check(FY_GRADIENT, "property")
def fy_property(ctx: Context) -> Outcome:
    """Autograd and finite-difference gradients of each loss against gradient_scale * (ŷ - y)."""
    def holds(case: tuple[np.ndarray, np.ndarray]) -> bool | str:
        for name in ctx["losses"]:
            error = gradient_error(name, *case, ctx["alpha"], ctx["gradient_scale"])
            if error:
                return error
        return True

    return prop.forall(ctx, logits_and_target(), holds, what="∇L = ŷ - y")
