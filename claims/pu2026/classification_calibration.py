r"""Softmax-family losses are classification-calibrated.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results" and "Mechanism 3"). The
paper's body is not available to us; this is our formalization of the seed sentence.

Hypothesis: :math:`\eta\in\Delta^n` has a unique largest entry; :math:`L` is the Fenchel–Young loss
of softmax, sparsemax or 1.5-entmax; :math:`R_\eta(s)=\mathbb E_{y\sim\eta}L(s;y)`.

Conclusion: every minimizer :math:`s^*` of :math:`R_\eta` has :math:`\arg\max_i s^*_i=\arg\max_i\eta_i`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.pu2026.risk import (
    MARGIN,
    SSM_K,
    STARTS,
    Tally,
    capped,
    distributions,
    needs_dense,
    separated_ks,
    topk_violation,
)
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choices,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop

LOSS_OPTIONS = ("softmax", "sparsemax", "entmax15", "ssm-uncorrected")

CLASSIFICATION_CALIBRATION = claim(
    id="pu2026/classification-calibration",
    title="Softmax-family losses are classification-calibrated",
    statement=r"\eta\in\Delta^n,\ \eta_{[1]}>\eta_{[2]}\ \Longrightarrow\ "
              r"\arg\max_i s^*_i=\arg\max_i \eta_i\quad\text{for every } s^*\in\arg\min_s R_\eta(s),"
              r"\qquad R_\eta(s)=\mathbb{E}_{y\sim\eta}L_\Omega(s;y)",
    reference=Reference("pu2026", "Consistency",
                        "Softmax losses are classification-calibrated, Top-k calibrated, and DCG-consistent"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable): calibration as 'every minimizer of the conditional "
          "risk predicts the Bayes class'. The property search draws eta (dense, sparse, peaked, with exact ties) "
          f"and keeps those whose top two entries differ by at least {MARGIN:g}; for each loss it minimizes "
          f"R_eta numerically (BFGS, float64) from {STARTS} random starts, so the non-unique minimizers of the "
          "sparse losses (any score <= tau off the support) are sampled, and requires s*_top > s*_j strictly for "
          "all j. Softmax risk has no minimizer when some eta_i = 0 (s_i -> -inf): such (eta, softmax) pairs are "
          "skipped and counted. Each Hypothesis example runs several minimizations, so the search uses "
          "min(examples, 30) examples. The symbolic check covers softmax only (closed form s* = log eta + c). "
          f"The negative control 'ssm-uncorrected' is sampled softmax with {SSM_K} negatives from a non-uniform "
          "proposal q (drawn with eta) without the log q correction, whose population minimizer is "
          "log(eta/q) + c.",
    params={"losses": Choices(("softmax", "sparsemax", "entmax15"), LOSS_OPTIONS,
                              doc="losses whose conditional-risk minimizers are checked")},
    negative_controls=(
        NegativeControl("ssm-uncorrected", {"losses": ("ssm-uncorrected",)},
                        "sampled softmax without log q correction is minimized at log(eta/q) + c, whose argmax "
                        "is not that of eta for non-uniform q"),
    ),
    tags=("consistency", "calibration"),
)


@check(CLASSIFICATION_CALIBRATION, "symbolic")
def calibration_symbolic(ctx: Context) -> Outcome:
    """Softmax: the gradient of R_eta vanishes at log eta and the Hessian is a variance (PSD, kernel = 1)."""
    if "softmax" not in ctx["losses"]:
        return Outcome(verdict="skipped", reason="the symbolic derivation covers the softmax loss only")
    eta_i = sp.Symbol("eta_i", positive=True)
    grad = symbolic.identity(
        eta_i / (eta_i + (1 - eta_i)) - eta_i, sp.Integer(0), seed=ctx.seed, scope=special_case("n = 2"),
        steps=(r"$R_\eta(s)=\log\sum_j e^{s_j}-\langle\eta,s\rangle$ (cross-entropy; $\sum_j\eta_j=1$)",
               r"$\partial_i R_\eta(s)=e^{s_i}/\sum_j e^{s_j}-\eta_i$; at $s=\log\eta$: "
               r"$\eta_i/(\eta_i+\sum_{j\ne i}\eta_j)-\eta_i$ with $\sum_{j\ne i}\eta_j=1-\eta_i$"))
    if grad.verdict != "proved":
        return grad
    p1, p2, v1, v2, v3 = sp.symbols("p_1 p_2 v_1 v_2 v_3", real=True)
    p = [p1, p2, 1 - p1 - p2]
    v = [v1, v2, v3]
    hessian = sp.diag(*p) - sp.Matrix(p) * sp.Matrix(p).T
    mean = sum(pi * vi for pi, vi in zip(p, v))
    variance = sum(pi * (vi - mean) ** 2 for pi, vi in zip(p, v))
    quad = symbolic.identity((sp.Matrix(v).T * hessian * sp.Matrix(v))[0], variance, seed=ctx.seed,
                             scope=special_case("n = 3"),
                             steps=(*grad.steps, r"$\nabla^2R_\eta=\mathrm{diag}(p)-pp^\top$, $p=\mathrm{softmax}(s)$; "
                                    r"$n=3$: $v^\top\nabla^2R_\eta v=\mathrm{Var}_p(v)$"))
    if quad.verdict != "proved":
        return quad
    steps = (*quad.steps,
             r"$\mathrm{Var}_p(v)\ge0$, $=0$ iff $v\propto\mathbf 1$ (all $p_i>0$): $R_\eta$ is convex and "
             r"strictly convex on $\mathbf 1^\perp$, so its minimizers are exactly $\log\eta+c\mathbf 1$",
             r"$\log$ is strictly increasing: $\arg\max(\log\eta+c)=\arg\max\eta$")
    only_softmax = tuple(ctx["losses"]) == ("softmax",)
    return Outcome(verdict="proved", steps=steps, scope=WHOLE if only_softmax else special_case("softmax"),
                   reason="softmax: grad R_eta(log eta) = 0 and the Hessian is Var_p (PSD, kernel span(1)), so "
                          "every minimizer is log eta + c and its argmax is eta's" +
                          ("" if only_softmax else "; sparse losses are left to the property check"))


@check(CLASSIFICATION_CALIBRATION, "property")
def calibration_property(ctx: Context) -> Outcome:
    """Minimize R_eta numerically from several starts; each minimizer's argmax must be eta's."""
    losses = tuple(ctx["losses"])
    tally = Tally()

    def holds(case: tuple[np.ndarray, np.ndarray]) -> bool | str:
        eta, q = case
        gen = ctx.generator()  # fresh per example: the same example always gets the same starts
        for loss in losses:
            for s in tally.minimizers(loss, eta, q, gen):
                if (why := topk_violation(s, eta, 1)) is not None:
                    return f"{loss}: {why} (argmax of s* is {int(np.argmax(s))}, of eta {int(np.argmax(eta))})"
        return True

    outcome = prop.forall(capped(ctx), distributions(dense=needs_dense(losses)), holds,
                          hypotheses=lambda case: 1 in separated_ks(case[0], MARGIN),
                          what="argmax s* = argmax eta")
    return tally.finish(outcome)

