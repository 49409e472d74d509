r"""Basic properties of Fenchel-Young losses: non-negative, zero exactly at the prediction, convex.

Blondel, Martins & Niculae, "Learning with Fenchel-Young Losses", JMLR 21 (2020), Prop. 2; the seed
relies on them ("constructed from a convex regularizer Ω (e.g., Shannon Entropy for Softmax, L₂ norm for
Sparsemax)").

Hypothesis: :math:`\Omega` is the negative Shannon entropy (softmax), the Tsallis 1.5-entropy (1.5-entmax)
or the Tsallis 2-entropy (sparsemax), restricted to the simplex; :math:`s\in\mathbb R^n`, :math:`y\in\Delta^n`,
:math:`L_\Omega(s;y)=\Omega^*(s)+\Omega(y)-\langle s,y\rangle`, :math:`\hat y_\Omega=\nabla\Omega^*`.

Conclusion: :math:`L_\Omega(s;y)\ge0`; :math:`L_\Omega(s;y)=0\iff\hat y_\Omega(s)=y`; :math:`L_\Omega` is convex
in :math:`s`; for Shannon, :math:`\Omega^*(s)=\log\sum_ie^{s_i}` and :math:`\nabla\Omega^*=\mathrm{softmax}`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.maps import fy_loss, prediction_map
from verifiers import (
    WHOLE,
    Choice,
    Choices,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    Resolution,
    check,
    claim,
    literature,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits, simplex

LOSSES = ("softmax", "sparsemax", "entmax15")
#: Float64 rounding allowance per unit of n·(1 + max|s|): the losses are sums of n terms of that size.
ROUNDING = 64 * float(np.finfo(np.float64).eps)

FY_BASICS = claim(
    id="pu2026/fy-basics",
    title="Fenchel-Young losses are non-negative, zero exactly at the prediction, and convex",
    statement=r"L_\Omega(s;y)\ge 0,\quad L_\Omega(s;y)=0\iff \hat y_\Omega(s)=y,\quad s\mapsto L_\Omega(s;y)"
              r"\ \text{convex};\quad \Omega=-H:\ \Omega^*(s)=\log\textstyle\sum_i e^{s_i},\ "
              r"\nabla\Omega^*=\mathrm{softmax}",
    reference=Reference("pu2026", "Foundational Learning",
                        "these losses are constructed from a convex regularizer Ω (e.g., Shannon Entropy for "
                        "Softmax, L₂ norm for Sparsemax) … If Ω is the negative Shannon entropy, which mapping "
                        "and loss does the Fenchel-Young framework recover?"),
    origin=literature("Blondel, Martins & Niculae 2020, JMLR 21, 'Learning with Fenchel-Young Losses', Prop. 2"),
    notes="Ω is the negative Shannon entropy (softmax), or the Tsallis α-entropy (Σp^α - 1)/(α(α-1)) with α = 1.5 "
          "(1.5-entmax) or α = 2 (sparsemax, ½‖p‖² - ½), each restricted to the simplex. The symbolic check covers "
          "Shannon for every n: per-term identities give ⟨s,q⟩ + H(q) = log Z - KL(q‖softmax(s)) and "
          "L(s;y) = KL(y‖softmax(s)); log t ≤ t - 1 (exact supremum, equality only at t = 1) gives KL ≥ 0 with "
          "equality iff the arguments agree; the Hessian diag(p) - ppᵀ has vᵀHv = Σ p_i (v_i - m)² ≥ 0. The "
          "property check covers every loss in `losses`: L ≥ 0; L(s; ŷ(s)) = 0 and the quantitative converse "
          "L(s;y) ≥ ½‖y - ŷ(s)‖² (all three Ω are 1-strongly convex on the simplex, so L = 0 forces ŷ = y); "
          "midpoint convexity L(s + d) ≤ ½(L(s) + L(s + 2d)); for Shannon, logsumexp(s) = ⟨s,p⟩ + H(p) at "
          "p = softmax(s), ⟨s,q⟩ + H(q) ≤ logsumexp(s) for other q, and autograd ∇logsumexp = softmax. Every "
          f"comparison allows float64 rounding of {ROUNDING:.1e}·n·(1 + max|s|) (the check's resolution). Logits: "
          "the profile's structured families (n up to max_n, |s| up to max_magnitude); targets anywhere in the "
          "simplex, one-hot a quarter of the time. `zero_when=argmax` is the false reading 'L = 0 whenever "
          "argmax s = y' (its control): softmax gives L = -log p_y > 0 at every finite s.",
    params={
        "losses": Choices(LOSSES, LOSSES, doc="the Fenchel-Young losses under test"),
        "zero_when": Choice("prediction", ("prediction", "argmax"),
                            doc="the claimed zero set: ŷ(s) = y (true), or argmax s = y for one-hot y (false)"),
    },
    negative_controls=(
        NegativeControl("zero-at-argmax", {"zero_when": "argmax"},
                        "'L = 0 whenever argmax s = y' is false: softmax gives L(s; e_y) = -log p_y > 0"),
    ),
    tags=("fenchel-young",),
)


@lru_cache(maxsize=1)
def _shannon_steps() -> tuple[tuple[str, ...], list[Outcome]]:
    """Per-term identities and the exact bound log t ≤ t - 1 behind the Shannon statements."""
    s, q, y, z, rest = sp.symbols("s_i q_i y_i Z R", positive=True)
    p = sp.exp(s) / z
    t = sp.Symbol("t", positive=True)
    s1, s2, r = sp.Symbol("s_1", real=True), sp.Symbol("s_2", real=True), sp.Symbol("R", positive=True)
    lse = sp.log(sp.exp(s1) + sp.exp(s2) + r)
    a, m = sp.symbols("A m", real=True)
    pieces = [
        symbolic.identity(sp.expand_log(q * s - q * sp.log(q), force=True),
                          sp.expand_log(q * sp.log(z) - q * sp.log(q / p), force=True), scope=WHOLE,
                          steps=(r"per term: $q_i s_i - q_i\log q_i = q_i\log Z - q_i\log(q_i/p_i)$, "
                                 r"$p_i = e^{s_i}/Z$; summing with $\sum_i q_i=1$: "
                                 r"$\langle s,q\rangle + H(q) = \log Z - \mathrm{KL}(q\|p)$",)),
        symbolic.identity(sp.expand_log(y * sp.log(y) - y * s + y * sp.log(z), force=True),
                          sp.expand_log(y * sp.log(y / p), force=True), scope=WHOLE,
                          steps=(r"per term of $L = \log Z - \langle s,y\rangle + \sum_i y_i\log y_i$: "
                                 r"$L = \mathrm{KL}(y\|p)$",)),
        symbolic.bounded_by(sp.log(t) - t + 1, t, sp.Interval.open(0, sp.oo), 0.0, scope=WHOLE,
                            steps=(r"$\log t \le t - 1$, equality only at $t=1$, so "
                                   r"$-\mathrm{KL}(q\|p) = \sum_i q_i\log(p_i/q_i) \le \sum_i (p_i - q_i) = 0$, "
                                   r"equality iff $q = p$: $\Omega^*(s) = \log Z$ attained only at softmax(s), "
                                   r"and $L = 0 \iff y = \mathrm{softmax}(s)$",)),
        symbolic.identity(sp.diff(lse, s1), sp.exp(s1) / (sp.exp(s1) + sp.exp(s2) + r), scope=WHOLE,
                          steps=(r"$\partial_{s_1}\log Z = p_1$: $\nabla\Omega^* = \mathrm{softmax}$",)),
        symbolic.identity(sp.diff(sp.exp(s1) / (sp.exp(s1) + sp.exp(s2) + r), s2),
                          -(sp.exp(s1) / (sp.exp(s1) + sp.exp(s2) + r)) * (sp.exp(s2) / (sp.exp(s1) + sp.exp(s2) + r)),
                          scope=WHOLE, steps=(r"$\partial p_1/\partial s_2 = -p_1p_2$ (and $\partial p_1/\partial "
                                              r"s_1 = p_1 - p_1^2$): $\nabla^2 L = \mathrm{diag}(p) - pp^\top$",)),
        symbolic.identity(a - 2 * m * m + m**2 * 1, a - m**2, scope=WHOLE,
                          steps=(r"$v^\top(\mathrm{diag}(p)-pp^\top)v = A - m^2$ with $A=\sum p_iv_i^2$, "
                                 r"$m=\sum p_iv_i$, and $\sum_i p_i(v_i-m)^2 = A - 2m\cdot m + m^2\sum_i p_i$: "
                                 r"the Hessian is a variance, $\ge 0$, so $L$ is convex",)),
    ]
    steps = tuple(step for piece in pieces for step in piece.steps)
    return steps, pieces


@check(FY_BASICS, "symbolic")
def fy_basics_symbolic(ctx: Context) -> Outcome:
    """Shannon, every n: L = KL(y‖softmax(s)) ≥ 0, zero iff y = softmax(s); Ω* = log Z; Hessian a variance."""
    if "softmax" not in ctx["losses"]:
        return Outcome(verdict="skipped", reason="the symbolic derivation covers the Shannon (softmax) loss only")
    if ctx["zero_when"] == "argmax":
        value = sp.log(1 + sp.exp(-1))
        return Outcome(verdict="refuted", scope=special_case("softmax"), resolution=symbolic.EXACT_IDENTITY,
                       reason=f"s = (1, 0), y = e_1 = e_argmax: L = -log p_1 = log(1 + e^-1) = {float(value):.6g} > 0",
                       counterexample={"s": [1.0, 0.0], "y": [1.0, 0.0], "L": str(value)},
                       steps=(r"$L(s;e_1) = \log(e^{1}+e^{0}) - 1 = \log(1+e^{-1}) > 0$",))
    steps, pieces = _shannon_steps()
    failed = next((piece for piece in pieces if piece.verdict != "proved"), None)
    if failed is not None:
        return failed.but(steps=steps)
    scope = WHOLE if tuple(ctx["losses"]) == ("softmax",) else special_case("Ω = Shannon (softmax)")
    return Outcome(verdict="proved", scope=scope, steps=steps, resolution=symbolic.EXACT_IDENTITY,
                   reason="Shannon: L = KL(y‖softmax(s)) ≥ 0 with equality iff y = softmax(s); Ω* = log Σ e^s, "
                          "∇Ω* = softmax; ∇²L = diag(p) - ppᵀ is a covariance, so L is convex")


@st.composite
def cases(draw: st.DrawFn, budget) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001 - Budget
    """Logits s, a direction d of the same size (for midpoint convexity), and a target y in the simplex."""
    s = draw(budget_logits(budget))
    d = draw(budget_logits(budget, min_size=len(s), max_size=len(s)).filter(lambda v: len(v) == len(s)))
    if draw(st.integers(0, 3)) == 0:
        y = np.zeros_like(s)
        y[draw(st.integers(0, len(s) - 1))] = 1.0
    else:
        y = draw(simplex(size=len(s)))
    return s, d, y


def violation(name: str, s: np.ndarray, d: np.ndarray, y: np.ndarray, zero_when: str) -> str | None:
    """The first basic property that fails for loss ``name`` at (s, d, y), described; ``None`` if all hold."""
    x = torch.as_tensor(np.stack([s, s + d, s + 2 * d]), dtype=torch.float64)
    tol = ROUNDING * len(s) * (1.0 + float(x.abs().max()))
    target = torch.as_tensor(y, dtype=torch.float64)
    with torch.no_grad():
        losses = fy_loss(name, x, target.expand(3, -1))
        p = prediction_map(name)(x[:1])
        hot = torch.zeros_like(target)
        hot[int(torch.argmax(x[0]))] = 1.0
        at_zero = fy_loss(name, x[:1], p if zero_when == "prediction" else hot.unsqueeze(0))
    gap = 0.5 * float(((target - p[0]) ** 2).sum())
    if float(losses[0]) < -tol:
        return f"{name}: L = {float(losses[0]):.3g} < 0"
    if float(at_zero[0]) > tol:
        return f"{name}: L = {float(at_zero[0]):.3g} > 0 at y = {'ŷ(s)' if zero_when == 'prediction' else 'e_argmax'}"
    if float(losses[0]) < gap - tol:
        return f"{name}: L = {float(losses[0]):.3g} < ½‖y - ŷ‖² = {gap:.3g}"
    if float(losses[1]) > 0.5 * float(losses[0] + losses[2]) + tol:
        return f"{name}: midpoint convexity fails ({float(losses[1]):.6g} > mean of the ends)"
    return shannon_violation(s, y, tol) if name == "softmax" else None


def shannon_violation(s: np.ndarray, y: np.ndarray, tol: float) -> str | None:
    """Ω*(s) = logsumexp(s) (attained at softmax(s), not exceeded at y) and ∇logsumexp = softmax."""
    x = torch.tensor(s, dtype=torch.float64, requires_grad=True)
    lse = torch.logsumexp(x, -1)
    (grad,) = torch.autograd.grad(lse, x)
    lse = lse.detach()
    with torch.no_grad():
        p, q = torch.softmax(x, -1), torch.as_tensor(y, dtype=torch.float64)
        at_p = float((x * p).sum() - torch.xlogy(p, p).sum())
        at_q = float((x * q).sum() - torch.xlogy(q, q).sum())
    if abs(at_p - float(lse)) > tol:
        return f"softmax: ⟨s,p⟩ + H(p) = {at_p:.12g} differs from logsumexp(s) = {float(lse):.12g}"
    if at_q > float(lse) + tol:
        return f"softmax: ⟨s,y⟩ + H(y) = {at_q:.12g} exceeds logsumexp(s) = {float(lse):.12g}"
    if float((grad - p).abs().max()) > tol:
        return "softmax: ∇logsumexp differs from softmax"
    return None


@check(FY_BASICS, "property")
def fy_basics_property(ctx: Context) -> Outcome:
    """Non-negativity, zero set, strong-convexity converse, midpoint convexity and the Shannon conjugate."""
    def holds(case: tuple[np.ndarray, np.ndarray, np.ndarray]) -> bool | str:
        for name in ctx["losses"]:
            if (why := violation(name, *case, ctx["zero_when"])) is not None:
                return why
        return True

    outcome = prop.forall(ctx, cases(ctx.budget), holds, what="the Fenchel-Young basics")
    return outcome.but(resolution=Resolution(ROUNDING, "L per unit of n·(1 + max|s|) (float64 rounding allowance)"))
