r"""Softmax tolerates larger learning rates than sparsemax: experiment on matrix factorization.

Pu, Lian & Chen, arXiv 2601.22745 (seed 001, "Mechanism 1: Optimization Stability via Strict Order
Preservation"). Experiment designed by us; the paper's own runs are not available.

Hypothesis: MF (one embedding per user and item, scores :math:`e_u^\top f_i`) trained full-batch on synthetic
latent-factor implicit feedback (:func:`claims.pu2026.recsys.latent_feedback`) with the softmax loss or the
sparse loss ``map``, by Adam (or plain gradient descent, ``optimizer=sgd``). A learning rate is *stable* when
no parameter becomes non-finite and the training loss after the last step is below its initial value;
:math:`\eta^*` is the largest stable rate (first failure on a doubling grid, refined by bisection in
:math:`\log_2\eta`).

Conclusion: the median over seeds of :math:`\log_2(\eta^*_{\mathrm{softmax}}/\eta^*_{\mathrm{map}})` exceeds
:math:`\log_2\mathrm{ratio}`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from scipy import stats as sps

from claims.pu2026 import recsys as rs
from verifiers import (
    SOURCE_STATEMENT,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    check,
    claim,
)
from verifiers import experiment as ex

#: Per profile: users, items, embedding size, full-batch steps.
SIZES = {"quick": (24, 48, 8, 60), "standard": (48, 96, 12, 80), "thorough": (256, 512, 32, 200)}
#: The doubling grid of learning rates (log2) searched first, per optimizer, and the bisection rounds after it.
GRIDS = {"adam": tuple(range(-6, 5)), "sgd": tuple(range(-2, 10))}
BISECTIONS = 3
RANK, COUNTS = 8, (10, 5, 5)

LR_STABILITY = claim(
    id="pu2026/exp-lr-stability",
    title="Experiment: the largest stable learning rate of softmax is at least `ratio` times that of sparsemax",
    statement=r"\operatorname{median}_{\text{seeds}}\ \log_2\frac{\eta^*_{\mathrm{softmax}}}{\eta^*_{\mathrm{map}}}"
              r">\log_2\mathrm{ratio},\qquad \eta^*=\max\{\eta:\ \text{training at rate }\eta\text{ is stable}\}",
    reference=Reference("pu2026", "Mechanism 1: Optimization Stability via Strict Order Preservation",
                        "Standard Softmax provides superior optimization stability and supports larger learning "
                        "rates compared to sparse variants (Sparsemax, Entmax) in complex architectures."),
    origin=SOURCE_STATEMENT,
    notes="Our experiment for the seed's sentence (the paper's runs are not available; MF stands in for the "
          "architectures). Data: latent_feedback (rank 8, 10 training items per user); sizes per profile "
          f"(users, items, embedding, steps): {SIZES}. Both arms of a seed share the data and the "
          "initialization. Stability: finite parameters throughout and a final training loss below the initial "
          "one, full-batch. eta* is found per seed and arm by the same procedure: the doubling grid 2^j "
          f"(j in {GRIDS['adam'][0]}..{GRIDS['adam'][-1]} for Adam, {GRIDS['sgd'][0]}..{GRIDS['sgd'][-1]} for "
          f"gradient descent), the last rate before the first failure, then {BISECTIONS} bisections in log2 "
          "(resolution 1/8 octave); no rate is tuned per loss, the rate is what is measured. Decision: the sign "
          "test on d = log2(eta*_softmax / eta*_map) - log2(ratio) (median, order-statistic interval), at "
          "level 0.01 over the stages of the budget that can decide a sign test (8 seeds at quick, 16/32 at "
          "standard); the interval decision is two one-sided sign tests, and those are the p-values reported: "
          "p for the claim = P(Bin(n, 1/2) <= #{d <= 0}) (ties count against the claim), p against it = "
          "P(Bin(n, 1/2) <= #{d > 0}), each deciding below half the stage's level (verifiers.experiment.one_sided). "
          "What we found: with Adam the ratio is about 2.7-3 for sparsemax (quick about 3, standard 2.7; "
          "ratio=4 is refuted, 2.8 and 3 undecided at quick) and about 1.8 for entmax15 (map=entmax15 is refuted "
          "at ratio 2, supported at 1.5); with plain gradient descent the order reverses (softmax diverges at a "
          "lower rate than sparsemax, ratio about 0.8 at quick and 0.7 at standard), so the claim is about Adam, "
          "the optimizer of the backbones in the recommendation literature. The seed names no optimizer, and "
          "plain gradient descent is the textbook meaning of 'supports larger learning rates': that reading is "
          "the control plain-gd (source_reading), refuted.\n\n"
          "Tension with pu2026/stable-step: no contradiction. That claim is linear stability of gradient descent "
          "on the logits themselves at a minimizer s* of the Fenchel-Young loss, for a target in the interior of "
          "the simplex, where the loss Hessian is the map's Jacobian J(s*) and the critical step is "
          "2/lambda_max(J(s*)): 2 for sparsemax, at least 4 for softmax, a ratio of at least 2. Here the "
          "parameters are MF embeddings (the scores are bilinear in them, so the curvature along a run is J "
          "seen through the embeddings plus a term from the residual y_hat - y, and it changes as they grow), "
          "a user's target (uniform over her training items) lies on the boundary of the simplex, where softmax "
          "has no finite minimizer, and stability is judged over the whole run from a small initialization "
          "(the embeddings' standard deviation is 0.1), not at s*. So "
          "stable-step neither predicts nor excludes plain-gd's ratio below 1 (under gradient descent both arms "
          "fail by the parameters blowing up, within half an octave of each other); and the Adam ratio of about "
          "3 agrees with it in direction without following from it, Adam's per-coordinate normalization making "
          "its largest stable rate a different quantity from a gradient-descent step.",
    params={
        "ratio": Real(2.0, 0.0, exclude_min=True, doc="claimed factor between the largest stable learning rates"),
        "map": Choice("sparsemax", ("sparsemax", "entmax15"), doc="the sparse loss compared with softmax"),
        "optimizer": Choice("adam", ("adam", "sgd"), doc="Adam, or plain full-batch gradient descent"),
    },
    negative_controls=(
        NegativeControl("ratio-10", {"ratio": 10.0},
                        "the measured ratio is about 3, so a factor of 10 is refuted"),
        NegativeControl("plain-gd", {"optimizer": "sgd"},
                        "'supports larger learning rates' read for plain gradient descent: softmax diverges first, "
                        "the ratio is below 1, not above 2", source_reading=True),
    ),
    tags=("experiment", "optimization", "sparsemax", "matrix-factorization"),
)

_CACHE: dict[tuple[object, ...], tuple[float, float]] = {}


@check(LR_STABILITY, "experiment")
def lr_stability_experiment(ctx: Context) -> Outcome:
    """Sign test over seeds on the log-ratio of the largest stable learning rates."""
    users, items, dim, steps = SIZES[ctx.budget.name]
    shift = math.log2(ctx["ratio"])

    def compute(seeds: list[int]) -> list[tuple[float, float]]:
        key = lambda s: (s, ctx["map"], ctx["optimizer"], ctx.budget.name, ctx.device)  # noqa: E731
        todo = [s for s in seeds if key(s) not in _CACHE]
        if todo:
            found = largest_stable(todo, ("softmax", ctx["map"]), ctx["optimizer"], users, items, dim, steps,
                                   ctx.device)
            _CACHE.update({key(s): tuple(row) for s, row in zip(todo, found.tolist())})
        return [(_CACHE[key(s)][0] - shift, _CACHE[key(s)][1]) for s in seeds]

    stages = sign_stages(ctx.budget.experiment_seeds, ex.LEVEL)
    setup = {"generator": "latent_feedback", "users": users, "items": items, "rank": RANK,
             "train items per user": COUNTS[0], "embedding": dim, "full-batch steps": steps,
             "optimizer": ctx["optimizer"], "grid (log2 lr)": list(GRIDS[ctx["optimizer"]]),
             "bisections": BISECTIONS, "ratio": ctx["ratio"]}
    return ex.paired(ctx, ex.staged(stages, ctx.seed, compute), arms=("softmax", ctx["map"]),
                     metric=f"log2 largest stable learning rate (softmax arm minus log2 {ctx['ratio']:g})",
                     direction="greater", test="sign", stages=stages, setup=setup)


def sign_stages(stages: Sequence[int], level: float) -> tuple[int, ...]:
    """The longest tail of ``stages`` whose every stage can decide a two-sided sign interval at its share of
    ``level`` (``2^-n < level / (2 · stages)``): a smaller stage could only give an interval of no level."""
    for j in range(len(stages)):
        tail = tuple(stages[j:])
        if all(sps.binom.cdf(0, n, 0.5) < level / len(tail) / 2 for n in tail):
            return tail
    return (stages[-1],)


def largest_stable(seeds: Sequence[int], losses: tuple[str, str], optimizer: str, users: int, items: int,
                   dim: int, steps: int, device: str) -> np.ndarray:
    """log2 of the largest stable learning rate of each (seed, loss): shape (seeds, 2)."""
    data = [rs.latent_feedback(s, users=users, items=items, rank=RANK, counts=COUNTS).to(device) for s in seeds]
    grid = GRIDS[optimizer]
    runs = [(i, a, g) for i in range(len(seeds)) for a in range(2) for g in grid]
    ok = _stable(data, seeds, [(i, losses[a], float(g)) for i, a, g in runs], optimizer, dim, steps)
    ok = ok.reshape(len(seeds), 2, len(grid))
    first_fail = np.where(ok.all(-1), len(grid), np.argmin(ok, -1))
    low = np.array(grid, dtype=float)[np.clip(first_fail - 1, 0, None)] - (first_fail == 0)
    width = 1.0
    for _ in range(BISECTIONS):
        width /= 2
        mid = low + width
        flat = [(i, losses[a], float(mid[i, a])) for i in range(len(seeds)) for a in range(2)]
        low = np.where(_stable(data, seeds, flat, optimizer, dim, steps).reshape(len(seeds), 2), mid, low)
    return low


def _stable(data: Sequence[rs.Feedback], seeds: Sequence[int], runs: Sequence[tuple[int, str, float]],
            optimizer: str, dim: int, steps: int) -> np.ndarray:
    """Whether each run (seed index, loss, log2 learning rate) is stable."""
    which = [i for i, _, _ in runs]
    names = [name for _, name, _ in runs]
    params = rs.mf_params(data, seeds, which, dim)
    target = rs.stack(data, which, "train")
    loss = lambda p, step: rs.full_losses(names, rs.scores(p, None, 0), target)  # noqa: E731
    with torch.no_grad():
        start = loss(params, 0)
    trace = rs.train(params, loss, [2.0**g for _, _, g in runs], steps, optimizer=optimizer, every=steps,
                     probe=lambda p: loss(p, 0))
    end = trace.probes[-1]
    return (~trace.diverged & torch.isfinite(end) & (end < start)).cpu().numpy()
