r"""Softmax-family losses, sparse ones included, are top-k calibrated.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results" and "Mechanism 3"). The
paper's body is not available to us; this is our formalization of the seed sentences.

Hypothesis: :math:`\eta\in\Delta^n`; :math:`L` is the Fenchel–Young loss of softmax, sparsemax or
1.5-entmax; :math:`R_\eta(s)=\mathbb E_{y\sim\eta}L(s;y)`; :math:`k<n` with :math:`\eta_{[k]}>\eta_{[k+1]}`.

Conclusion: for every minimizer :math:`s^*` of :math:`R_\eta`, the :math:`k` largest entries of
:math:`s^*` are those of :math:`\eta`.
"""

from __future__ import annotations

import numpy as np

from claims.pu2026.classification_calibration import LOSS_OPTIONS
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
from verifiers import SOURCE_STATEMENT, Choice, Choices, Context, NegativeControl, Outcome, Reference, check, claim
from verifiers import property as prop

#: Largest dimension drawn; ``k`` ranges over 1 .. MAX_N - 1.
MAX_N = 8
K_OPTIONS = ("all", *map(str, range(1, MAX_N)))

TOPK_CALIBRATION = claim(
    id="pu2026/topk-calibration",
    title="Softmax-family losses (sparse ones included) are top-k calibrated",
    statement=r"\eta_{[k]}>\eta_{[k+1]}\ \Longrightarrow\ \mathrm{top}_k(s^*)=\mathrm{top}_k(\eta)"
              r"\quad\text{for every } s^*\in\arg\min_s \mathbb{E}_{y\sim\eta}L_\Omega(s;y)",
    reference=Reference("pu2026", "Consistency",
                        "Sparse losses (Sparsemax, Entmax) retain Top-k calibration and DCG-consistency"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable): top-k calibration as 'every minimizer of the "
          "conditional risk ranks the k most likely classes first', required only at the k where eta separates "
          f"them (eta_[k] - eta_[k+1] >= {MARGIN:g}); ties in eta, and in particular the zero tail of a sparse eta, "
          "are not errors. The parameter k is a Choice over 'all' (every separated k in 1..n-1) or one value "
          f"'1'..'{MAX_N - 1}'; n is drawn in 2..6 (k=all) or k+1..max(k+1, 6). The top-k set of s* must come "
          f"first by a resolvable gap (1e-6). Minimization as in pu2026/classification-calibration: BFGS from "
          f"{STARTS} random starts (sampling the non-unique sparse minimizers), softmax skipped where eta has "
          "zeros (no minimizer), min(examples, 30) Hypothesis examples. The negative control is sampled softmax "
          f"({SSM_K} negatives) without log q correction, minimized at log(eta/q) + c.",
    params={
        "losses": Choices(("softmax", "sparsemax", "entmax15"), LOSS_OPTIONS,
                          doc="losses whose conditional-risk minimizers are checked"),
        "k": Choice("all", K_OPTIONS, doc="the k of top-k: 'all' checks every separated k < n"),
    },
    negative_controls=(
        NegativeControl("ssm-uncorrected", {"losses": ("ssm-uncorrected",)},
                        "sampled softmax without log q correction ranks classes by eta/q, not by eta"),
    ),
    tags=("consistency", "calibration", "ranking"),
)


def ks_to_check(eta: np.ndarray, k: str) -> list[int]:
    """The k values at which the claim applies to ``eta``."""
    separated = separated_ks(eta, MARGIN)
    return separated if k == "all" else [int(k)] if int(k) in separated else []


@check(TOPK_CALIBRATION, "property")
def topk_property(ctx: Context) -> Outcome:
    """Minimize R_eta from several starts; every separated top-k set of each minimizer must be eta's."""
    losses, k = tuple(ctx["losses"]), ctx["k"]
    tally = Tally()

    def holds(case: tuple[np.ndarray, np.ndarray]) -> bool | str:
        eta, q = case
        gen = ctx.generator()  # fresh per example: the same example always gets the same starts
        for loss in losses:
            for s in tally.minimizers(loss, eta, q, gen):
                for kk in ks_to_check(eta, k):
                    if (why := topk_violation(s, eta, kk)) is not None:
                        return f"{loss}: {why}"
        return True

    min_n = 2 if k == "all" else int(k) + 1
    strategy = distributions(min_size=min_n, max_size=max(min_n, 6), dense=needs_dense(losses))
    outcome = prop.forall(capped(ctx), strategy, holds, hypotheses=lambda case: bool(ks_to_check(case[0], k)),
                          what="top-k(s*) = top-k(eta) at every separated k")
    return tally.finish(outcome)
