r"""Softmax-family losses are classification-calibrated.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results" and "Mechanism 3"). The
paper's body is not available to us; this is our formalization of the seed sentence, with the standard
definition of calibration (Zhang 2004, JMLR 5; Tewari & Bartlett 2007, JMLR 8).

Hypothesis: :math:`\eta\in\Delta^n` has a unique largest entry; :math:`L` is the Fenchel–Young loss
of softmax, sparsemax or 1.5-entmax; :math:`R_\eta(s)=\mathbb E_{y\sim\eta}L(s;y)`.

Conclusion: :math:`\inf\{R_\eta(s):\arg\max_is_i\ne\arg\max_i\eta_i\}>\inf_sR_\eta(s)` (the gap form); in
particular every minimizer :math:`s^*` of :math:`R_\eta` has :math:`\arg\max_i s^*_i=\arg\max_i\eta_i`.
"""

from __future__ import annotations

import numpy as np

from claims.pu2026.calibration import (
    ALL_PAIRS_MAX_N,
    DUALITY_TOL,
    EXAMPLE_SHARE,
    KINDS,
    SSM_MAX_N,
    STARTS,
    ZERO_GAP,
    Ledger,
    max_dimension,
    posteriors,
    separation,
)
from claims.pu2026.risk import SSM_K, needs_dense, scaled, separated_ks
from claims.pu2026.softmax_risk_symbolic import softmax_minimizers
from verifiers import (
    NOT_APPLICABLE,
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
)
from verifiers import property as prop

LOSS_OPTIONS = ("softmax", "sparsemax", "entmax15", "ssm-uncorrected")

#: How the searches over posteriors are run (shared with pu2026/topk-calibration's notes).
SEARCH_NOTES = (
    f"The property search draws eta from the families {', '.join(KINDS)} (near ties put two classes 1e-7 .. 1e-2 "
    "apart; the other families get an exact tie half of the time), n from 2 up to the profile's max_n (32 at "
    f"quick, 128 at standard, 512 at thorough; {SSM_MAX_N} when a sampled-softmax loss is checked, whose exact "
    "risk enumerates candidate multisets), with 30 % of the profile's Hypothesis examples (each runs several "
    "minimizations). A separation is eta_[k] - eta_[k+1] >= 2e-3 x the profile's relative resolution (1e-4 at "
    "quick, 2e-5 at standard, 6e-6 at thorough); smaller differences count as ties (the resolution). "
    "Gap form: the closure of the wrong-order region is the union of the half-spaces {s_j >= s_i}, i in the "
    f"top k of eta, j not; every pair is solved for n <= {ALL_PAIRS_MAX_N}, the adjacent pair above (a swap "
    "argument shows it attains the minimum over pairs for a permutation-invariant Omega*). Each half-space "
    "problem is solved by Newton steps on the hyperplane s_i = s_j (damped, vectorized, warm-started at a "
    "numerical minimizer) and its multiplier must be >= 0 (else the constrained optimum is interior: gap 0). "
    "For the Fenchel-Young losses inf R_eta = -Omega(eta) exactly, and weak duality gives the certified lower "
    "bound Omega(eta) - Omega(eta + lambda (e_j - e_i)) of the gap; the primal-dual gap must be <= "
    f"{DUALITY_TOL:g} and the certified gap > {ZERO_GAP:g} (a gap <= {ZERO_GAP:g} is a violation). Softmax with "
    "eta_c = 0: its risk decreases to the limit s_c -> -inf, so such classes (except j) are left out of the "
    "half-space problem, which is exact. Minimizer form: Newton from "
    f"{STARTS} starts near the closed-form minimizer set (one at it, one with the classes off the support "
    "spread at random below it, some above the threshold, which Newton pushes onto the boundary of the set, "
    "one at the minimizer of a perturbed posterior); Newton verifies stationarity, so a wrong closed form "
    "would cost iterations, not correctness. Every converged minimizer must rank the top-k classes first by "
    "a score gap >= 1e-6; softmax has no minimizer when some "
    "eta_c = 0 (counted, gap form only). A search with a solve that did not converge or certify is "
    "inconclusive."
)

CLASSIFICATION_CALIBRATION = claim(
    id="pu2026/classification-calibration",
    title="Softmax-family losses are classification-calibrated",
    statement=r"\eta\in\Delta^n,\ \eta_{[1]}>\eta_{[2]}\ \Longrightarrow\ "
              r"\inf_{s:\,\arg\max_is_i\ne\arg\max_i\eta_i}R_\eta(s)>\inf_sR_\eta(s),"
              r"\qquad R_\eta(s)=\mathbb{E}_{y\sim\eta}L_\Omega(s;y);\ \text{so every } s^*\in\arg\min R_\eta "
              r"\text{ has }\arg\max_i s^*_i=\arg\max_i \eta_i",
    reference=Reference("pu2026", "Consistency",
                        "Softmax losses are classification-calibrated, Top-k calibrated, and DCG-consistent"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable) with the standard gap definition of classification "
          "calibration (Zhang 2004, JMLR 5, 'Statistical analysis of some multi-category large margin "
          "classification methods'; Tewari & Bartlett 2007, JMLR 8, 'On the consistency of multiclass "
          "classification methods'): the infimum of the conditional risk over the scores whose argmax is wrong "
          "(the closure of that region: some s_j >= s_top) exceeds the infimum over all scores. It implies the "
          "minimizer form (every minimizer predicts the Bayes class), checked as well. This is top-k calibration "
          "(pu2026/topk-calibration) at k = 1. " + SEARCH_NOTES + " The symbolic check proves the minimizer form "
          "for softmax for every n (symbolic n: the gradient vanishes at log eta, the Hessian quadratic form is "
          "Var_p(v) >= 0 with kernel span(1)); the sparse losses have no symbolic proof here, so the claim is "
          f"supported, not proved. The negative control 'ssm-uncorrected' is sampled softmax with {SSM_K} "
          "negatives from a non-uniform proposal q (drawn with eta) without the log q correction, whose "
          "population minimizer is log(eta/q) + c.",
    params={"losses": Choices(("softmax", "sparsemax", "entmax15"), LOSS_OPTIONS,
                              doc="losses whose conditional risks are checked")},
    negative_controls=(
        NegativeControl("ssm-uncorrected", {"losses": ("ssm-uncorrected",)},
                        "sampled softmax without log q correction is minimized at log(eta/q) + c, whose argmax "
                        "is not that of eta for non-uniform q"),
    ),
    tags=("consistency", "calibration"),
)


@check(CLASSIFICATION_CALIBRATION, "symbolic")
def calibration_symbolic(ctx: Context) -> Outcome:
    """Softmax, every n: the minimizers of R_eta are log eta + c, whose argmax is eta's."""
    if "softmax" not in ctx["losses"]:
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason="the symbolic derivation covers the softmax loss only")
    return softmax_minimizers(ctx.seed, special_case("softmax loss, minimizer form"), r"$\log$ is strictly increasing: "
                              r"$\arg\max_i(\log\eta_i+c)=\arg\max_i\eta_i$ for every minimizer")


@check(CLASSIFICATION_CALIBRATION, "property")
def calibration_property(ctx: Context) -> Outcome:
    """Gap form by constrained minimization, minimizer form from random starts, over searched posteriors."""
    losses = tuple(ctx["losses"])
    ledger = Ledger(separation(ctx.budget))

    def holds(case: tuple[np.ndarray, np.ndarray, str]) -> bool | str:
        eta, q, kind = case
        ledger.kinds.add(kind)
        gen = ctx.generator()  # fresh per example: the same example always gets the same starts
        for loss in losses:
            if (why := ledger.judge(loss, eta, q, [1], gen)) is not None:
                return why
        return True

    strategy = posteriors(2, max_dimension(ctx.budget, losses), dense=needs_dense(losses))
    outcome = prop.forall(scaled(ctx, EXAMPLE_SHARE), strategy, holds,
                          hypotheses=lambda case: 1 in separated_ks(case[0], ledger.margin),
                          what="the calibration gap is positive and argmax s* = argmax eta")
    return ledger.finish(outcome, losses).but(scope=WHOLE)
