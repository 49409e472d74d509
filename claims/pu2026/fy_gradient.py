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

from claims.pu2026.maps import TSALLIS_ALPHA, exact_alpha, fy_loss, prediction_map
from verifiers import (
    NOT_APPLICABLE,
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
    instance,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits, simplex

#: Autograd gradient vs the claimed gradient: this much, plus float rounding of O(max|s|) quantities.
AUTOGRAD_TOL = 1e-9
#: Rounding allowance per unit of max|s| (autograd) or of max|L| / step (finite differences).
ROUNDING = 64 * float(np.finfo(np.float64).eps)
#: Smallest central-difference step; the step grows as sqrt(rounding * |L|) for large losses.
FD_STEP = 1e-5

#: α of each Tsallis loss (``entmax`` uses the ``alpha`` parameter).
TSALLIS = dict(TSALLIS_ALPHA)
#: A class within this much (times 1 + max|s|) of the support threshold puts s on a kink of ŷ(s).
KINK_TOL = 1e-9


def on_kink(name: str, s: np.ndarray, alpha: float) -> bool:
    """Whether some class sits on the support boundary of the sparse map, (α-1)s_j = τ up to rounding.

    There ŷ(s) is not differentiable, and autograd through the ``entmax`` package's backward (which takes the
    support from the forward pass) need not return the loss's gradient, although the loss is differentiable
    everywhere; the check then compares with finite differences only.
    """
    if name == "softmax":
        return False
    a = TSALLIS.get(name, alpha)
    with torch.no_grad():
        p = prediction_map(name, alpha)(torch.as_tensor(s, dtype=torch.float64)).numpy()
    top = int(np.argmax(p))
    tau = (a - 1.0) * s[top] - p[top] ** (a - 1.0)
    return bool(np.min(np.abs((a - 1.0) * s - tau)) <= KINK_TOL * (1.0 + float(np.abs(s).max())))

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
          "backward returns ŷ - y by construction. Symbolic check: the softmax loss for every n (coordinate "
          "1 without loss of generality; the other classes enter only through R = Σ_(j>1) exp(s_j) > 0); it "
          "covers the whole statement only when `losses` is softmax alone, else it is the special case "
          "'softmax' and the Tsallis losses rest on the property check (claim: supported). Property check: "
          "budget-sized logits (n up to the profile's max_n, magnitudes up to its max_magnitude, the sparsity "
          "gaps 1/(α-1) of the listed losses among the drawn gaps) and targets y anywhere in the simplex "
          "(dense, sparse, peaked, ties or one-hot). It compares gradient_scale * (ŷ - y) with autograd through "
          f"the closed form (tolerance {AUTOGRAD_TOL:g} + {ROUNDING:.2g} max|s|, float rounding of O(max|s|) "
          "terms) and with central finite differences of the loss value (step h = max(1e-5, sqrt(rounding "
          "* max|L|)), tolerance h/2 + 4 rounding max|L|/h: the gradient is 1-Lipschitz because ||J|| <= 1, "
          "see pu2026/jacobian-entmax and jacobian-softmax). At a kink of ŷ (a class exactly on the support "
          f"threshold, (α-1)s_j = τ within {KINK_TOL:g}(1 + max|s|)) the loss is still differentiable but autograd "
          "through the entmax package's backward can disagree with its gradient (found at quick, seed 12: "
          "s = (1.153, 0.153, 0.153, 0.153), sparsemax); there only the finite differences decide. "
          "`gradient_scale=2` is the wrong gradient "
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
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason="the symbolic derivation covers the softmax loss only (the property check tests others)")
    s1, y1 = sp.Symbol("s_1", real=True), sp.Symbol("y_1", nonnegative=True)
    rest = sp.Symbol("R", positive=True)
    loss = sp.log(sp.exp(s1) + rest) - s1 * y1
    p1 = sp.exp(s1) / (sp.exp(s1) + rest)
    steps = (r"$L = \log\sum_j e^{s_j} - \langle s, y\rangle + \sum_j y_j\log y_j$; as a function of $s_1$: "
             f"${sp.latex(loss)} + \\mathrm{{const}}$, $R = \\sum_{{j>1}} e^{{s_j}} > 0$",
             f"$\\partial L/\\partial s_1 = {sp.latex(sp.diff(loss, s1))}$, $\\hat y_1 = {sp.latex(p1)}$")
    return symbolic.identity(sp.diff(loss, s1), ctx["gradient_scale"] * (p1 - y1), seed=ctx.seed, steps=steps,
                             scope=WHOLE if tuple(ctx["losses"]) == ("softmax",) else special_case("softmax loss"))


def logits_and_target(ctx: Context) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """Budget-sized score vectors with a target in the simplex of the same size (one-hot a quarter of the time)."""
    gaps = tuple(sorted({float(1 / (exact_alpha(TSALLIS.get(name, ctx["alpha"])) - 1)) for name in ctx["losses"]
                         if name != "softmax"}))

    @st.composite
    def draw_case(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
        s = draw(budget_logits(ctx.budget, gaps=gaps))
        if draw(st.integers(0, 3)) == 0:
            y = np.zeros_like(s)
            y[draw(st.integers(0, len(s) - 1))] = 1.0
        else:
            y = draw(simplex(size=len(s)))
        return s, y

    return draw_case()


def gradient_error(name: str, s: np.ndarray, y: np.ndarray, alpha: float, scale: float) -> str | None:
    """Compare scale * (ŷ - y) with the autograd and finite-difference gradients of the loss."""
    x = torch.tensor(s, dtype=torch.float64, requires_grad=True)
    target = torch.as_tensor(y, dtype=torch.float64)
    loss = fy_loss(name, x, target, alpha)
    (auto,) = torch.autograd.grad(loss, x)
    with torch.no_grad():
        claimed = scale * (prediction_map(name, alpha)(x) - target)
        size = float(loss.abs()) + float(np.abs(s).max()) + 1.0
        h = max(FD_STEP, float(np.sqrt(ROUNDING * size)))
        shifts = h * torch.eye(len(s), dtype=torch.float64)
        values = fy_loss(name, torch.cat([x + shifts, x - shifts]), target.expand(2 * len(s), -1), alpha)
        finite = (values[: len(s)] - values[len(s):]) / (2 * h)
        fd_tol = h / 2 + 4 * ROUNDING * (float(values.abs().max()) + size) / h
    auto_tol = AUTOGRAD_TOL + ROUNDING * float(np.abs(s).max())
    auto_gap, fd_gap = float((auto - claimed).abs().max()), float((finite - claimed).abs().max())
    if not auto_gap <= auto_tol and not on_kink(name, s, alpha):
        return f"{name}: |autograd - claimed| = {auto_gap:.3g} > {auto_tol:.2g}"
    if not fd_gap <= fd_tol:
        return f"{name}: |finite differences - claimed| = {fd_gap:.3g} > {fd_tol:.2g} (step {h:.2g})"
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

    out = prop.forall(ctx, logits_and_target(ctx), holds, what="∇L = gradient_scale (ŷ - y)")
    if out.verdict == "refuted":
        return out.but(scope=instance("the counterexample's (s, y)"))
    return out
