r"""Softmax-family losses, sparse ones included, are top-k calibrated.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results" and "Mechanism 3"). The
paper's body is not available to us; this is our formalization of the seed sentences, with the standard
definition of top-k calibration (Yang & Koyejo 2020, ICML, "On the consistency of top-k surrogate losses").

Hypothesis: :math:`\eta\in\Delta^n`; :math:`L` is the Fenchel–Young loss of softmax, sparsemax or
1.5-entmax; :math:`R_\eta(s)=\mathbb E_{y\sim\eta}L(s;y)`; :math:`k<n` with :math:`\eta_{[k]}>\eta_{[k+1]}`.

Conclusion: :math:`\inf\{R_\eta(s):\mathrm{top}_k(s)\ne\mathrm{top}_k(\eta)\}>\inf_sR_\eta(s)` (the gap
form); in particular the :math:`k` largest entries of every minimizer :math:`s^*` are those of :math:`\eta`.
"""

from __future__ import annotations

import numpy as np

from claims.pu2026.calibration import EXAMPLE_SHARE, Ledger, max_dimension, posteriors, separation
from claims.pu2026.classification_calibration import LOSS_OPTIONS, SEARCH_NOTES
from claims.pu2026.risk import needs_dense, scaled, separated_ks
from claims.pu2026.softmax_risk_symbolic import softmax_minimizers
from verifiers import (
    NOT_APPLICABLE,
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
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

#: The k values a user may name; ``all`` checks every separated k < n.
K_OPTIONS = ("all", *map(str, range(1, 16)))
#: With k = all, at most this many separated k per posterior are solved (the smallest, the largest, and evenly
#: spaced ones between): the searches reach n = 512 at thorough.
MAX_KS = 24

TOPK_CALIBRATION = claim(
    id="pu2026/topk-calibration",
    title="Softmax-family losses (sparse ones included) are top-k calibrated",
    statement=r"\eta_{[k]}>\eta_{[k+1]}\ \Longrightarrow\ \inf_{s:\,\mathrm{top}_k(s)\ne\mathrm{top}_k(\eta)}"
              r"\mathbb{E}_{y\sim\eta}L_\Omega(s;y)>\inf_s\mathbb{E}_{y\sim\eta}L_\Omega(s;y);"
              r"\ \text{so }\mathrm{top}_k(s^*)=\mathrm{top}_k(\eta)\ \text{for every minimizer } s^*",
    reference=Reference("pu2026", "Consistency",
                        "Sparse losses (Sparsemax, Entmax) retain Top-k calibration and DCG-consistency"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable) with the standard gap definition of top-k "
          "calibration (Yang & Koyejo 2020, ICML, 'On the consistency of top-k surrogate losses'; the k = 1 case "
          "is classification calibration, Zhang 2004, Tewari & Bartlett 2007): at every k where eta separates its "
          "top k, the infimum of the conditional risk over the scores whose top-k set is wrong exceeds the "
          "infimum over all scores. It implies the minimizer form (every minimizer ranks the k most likely "
          "classes first), checked as well. Ties in eta, in particular the zero tail of a sparse eta, are not "
          "errors. The parameter k is 'all' (every separated k in 1..n-1; at most "
          f"{MAX_KS} of them per posterior, the smallest, the largest and evenly spaced ones, when n is large) "
          "or one value, then n >= k + 1. " + SEARCH_NOTES + " The symbolic check proves the minimizer form for "
          "softmax for every n (minimizers log eta + c preserve every top-k set); the sparse losses have no "
          "symbolic proof here, so the claim is supported, not proved. The negative control is sampled softmax "
          "(2 negatives) without log q correction, minimized at log(eta/q) + c.",
    params={
        "losses": Choices(("softmax", "sparsemax", "entmax15"), LOSS_OPTIONS,
                          doc="losses whose conditional risks are checked"),
        "k": Choice("all", K_OPTIONS, doc="the k of top-k: 'all' checks every separated k < n"),
    },
    negative_controls=(
        NegativeControl("ssm-uncorrected", {"losses": ("ssm-uncorrected",)},
                        "sampled softmax without log q correction ranks classes by eta/q, not by eta"),
    ),
    tags=("consistency", "calibration", "ranking"),
)


def ks_to_check(eta: np.ndarray, k: str, margin: float) -> list[int]:
    """The k values at which the claim applies to ``eta`` (a spread-out subset when there are many)."""
    separated = separated_ks(eta, margin)
    if k != "all":
        return [int(k)] if int(k) in separated else []
    if len(separated) <= MAX_KS:
        return separated
    picks = np.unique(np.round(np.linspace(0, len(separated) - 1, MAX_KS)).astype(int))
    return [separated[i] for i in picks]


@check(TOPK_CALIBRATION, "symbolic")
def topk_symbolic(ctx: Context) -> Outcome:
    """Softmax, every n: the minimizers of R_eta are log eta + c, whose top-k sets are eta's."""
    if "softmax" not in ctx["losses"]:
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason="the symbolic derivation covers the softmax loss only")
    return softmax_minimizers(ctx.seed, special_case("softmax loss, minimizer form"),
                              r"$\log$ is strictly increasing: $\log\eta+c$ orders the classes as $\eta$ does, so "
                              r"$\mathrm{top}_k(s^*)=\mathrm{top}_k(\eta)$ at every separated $k$")


@check(TOPK_CALIBRATION, "property")
def topk_property(ctx: Context) -> Outcome:
    """Gap form and minimizer form at every separated k (or the given k) over searched posteriors."""
    losses, k = tuple(ctx["losses"]), ctx["k"]
    ledger = Ledger(separation(ctx.budget))

    def holds(case: tuple[np.ndarray, np.ndarray, str]) -> bool | str:
        eta, q, kind = case
        ledger.kinds.add(kind)
        gen = ctx.generator()  # fresh per example: the same example always gets the same starts
        ks = ks_to_check(eta, k, ledger.margin)
        for loss in losses:
            if (why := ledger.judge(loss, eta, q, ks, gen)) is not None:
                return why
        return True

    min_n = 2 if k == "all" else int(k) + 1
    top_n = max_dimension(ctx.budget, losses)
    if min_n > top_n:
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason=f"k = {k} needs n >= {min_n}, above the largest n ({top_n}) for these losses")
    strategy = posteriors(min_n, top_n, dense=needs_dense(losses))
    outcome = prop.forall(scaled(ctx, EXAMPLE_SHARE), strategy, holds,
                          hypotheses=lambda case: bool(ks_to_check(case[0], k, ledger.margin)),
                          what="the top-k calibration gap is positive and top-k(s*) = top-k(eta)")
    return ledger.finish(outcome, losses).but(scope=WHOLE)
