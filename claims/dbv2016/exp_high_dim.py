r"""Higher-dimensional outputs: log-softmax's advantage grows with the number of classes (experiment).

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Higher-Dimensional Outputs"). Experiment designed by us
on a synthetic many-class Gaussian mixture; the paper's CIFAR-100 and Penn Treebank runs are recorded by
``dbv2016/results``.

Hypothesis: for each class count :math:`D` of ``classes``, a Gaussian mixture with :math:`D` classes
(:class:`claims.dbv2016.mlp.Mixture`, the same per-class sizes for every :math:`D`) and one-hidden-layer ReLU
MLPs trained with log-softmax and with the ``rival`` loss, each at the learning rate and epoch its validation
sweep chose for that :math:`D`; the advantage :math:`a_D=\mathrm{err}_{\mathrm{rival}}-\mathrm{err}_{
\mathrm{softmax}}` (test error, %).

Conclusion: the mean over seeds of the least-squares slope of :math:`a_D` on :math:`\log_{10}D` is positive.
"""

from __future__ import annotations

import numpy as np

from claims.dbv2016 import mlp
from verifiers import (
    NOT_APPLICABLE,
    SOURCE_STATEMENT,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    Vector,
    check,
    claim,
)
from verifiers import experiment as ex

#: Per profile: the mixture (examples per class, input dimension, separation) and the training schedule.
SIZES = {"quick": (mlp.Mixture(4, 16, 2.0), mlp.Schedule(8, 4, 500, (0.01, 0.03), checkpoints=2)),
         "standard": (mlp.Mixture(6, 16, 2.0), mlp.Schedule(16, 10, 500, (0.003, 0.01, 0.03), checkpoints=4)),
         "thorough": (mlp.Mixture(20, 32, 2.0), mlp.Schedule(64, 40, 250, (0.001, 0.003, 0.01, 0.03)))}
_SIZES_TEXT = str({k: (m.per_class, m.dim, m.separation, s.hidden, s.epochs, s.batch, s.lrs)
                   for k, (m, s) in SIZES.items()})
#: Largest class count accepted (the data and the output layer grow with it).
MAX_CLASSES = 5000

HIGH_DIM = claim(
    id="dbv2016/exp-high-dim",
    title="Experiment on a many-class Gaussian mixture: log-softmax's advantage grows with the number of classes",
    statement=r"\mathbb E_{\text{seeds}}\big[\operatorname{slope}_{\log_{10}D}(a_D)\big]>0,\qquad "
              r"a_D=\mathrm{err}_{\mathrm{rival}}(D)-\mathrm{err}_{\mathrm{softmax}}(D)",
    reference=Reference("dbv2016", "Higher-Dimensional Outputs",
                        "On the contrary, log-softmax performs better as output dimension increases."),
    origin=SOURCE_STATEMENT,
    notes="Our experiment for the seed's trend, on synthetic data with a known truth (class means drawn per "
          "seed and class count). Sizes per profile (examples per class, input dimension, separation; hidden "
          f"units, epochs, minibatch, learning rates): "
          f"{_SIZES_TEXT}"
          ". Each (seed, class count): a stratified 60/40 split; both losses share the data, initialization and "
          "minibatch order. Fair comparison: each loss's learning rate (Adam) and epoch are chosen, for every "
          "class count, by the same validation sweep on a separate sweep seed (ctx.seed + 1000003). Trend test: "
          "per seed the least-squares slope of the advantage a_D on log10 D (zero when every D is the same, the "
          "runs then being identical), and a paired t test over seeds (staged) that the mean slope is positive, "
          "level 0.01. Class counts must be integers in [2, 5000]. What we found: no trend at these sizes (standard, "
          "8 examples per class: slope +0.05 points per decade, interval [-1.3, +1.4] over 32 seeds): "
          "inconclusive; the sizes a GPU allows (thorough) are where the trend can show.",
    params={
        "classes": Vector((10.0, 100.0, 1000.0), kind="positive", min_length=2, doc="class counts (integers)"),
        "rival": Choice("taylor", ("taylor", "spherical"), doc="the spherical-family loss compared"),
    },
    negative_controls=(NegativeControl("equal-class-counts", {"classes": (100.0, 100.0, 100.0)},
                                       "with one class count there is no growth: the slope is exactly zero"),),
    tags=("experiment", "taylor-softmax", "spherical-softmax", "many-classes"),
)


@check(HIGH_DIM, "experiment")
def high_dim_experiment(ctx: Context) -> Outcome:
    """Paired t test over seeds on the slope of the rival's excess error in log10 of the class count."""
    counts = ctx["classes"]
    if any(c != int(c) or not 2 <= c <= MAX_CLASSES for c in counts):
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason=f"classes must be integers in [2, {MAX_CLASSES}], got {counts}")
    counts = tuple(int(c) for c in counts)
    mixture, schedule = SIZES[ctx.budget.name]
    rival = ctx["rival"]
    per_count = {d: mlp.comparison(lambda s, d=d: mixture(d, s, ctx.device), ("log-softmax", rival), schedule,
                                   ctx.seed) for d in dict.fromkeys(counts)}
    x = np.log10(counts)

    def compute(seeds: list[int]) -> list[tuple[float, float]]:
        adv = {d: [r[rival] - r["log-softmax"] for r in compute_d(seeds)] for d, (_, compute_d) in per_count.items()}
        return [(slope(x, np.array([adv[d][i] for d in counts])), 0.0) for i in range(len(seeds))]

    setup = {"generator": "Gaussian mixture", "classes": list(counts), "examples per class": mixture.per_class,
             "input dimension": mixture.dim, "separation": mixture.separation, **schedule.record(),
             "chosen (lr, epochs) per class count": {
                 d: {n: (st.lr, schedule.epochs_at(st.checkpoint)) for n, st in s.items()}
                 for d, (s, _) in per_count.items()}}
    return ex.paired(ctx, ex.staged(ctx.budget.experiment_seeds, ctx.seed, compute),
                     arms=(f"slope of {rival} − log-softmax", "0"), metric="test error (%) per decade of classes",
                     setup=setup)


def slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of ``y`` on ``x``; zero when ``x`` is constant (the runs are then identical)."""
    dx = x - x.mean()
    return float((dx * (y - y.mean())).sum() / (dx * dx).sum()) if (dx * dx).sum() > 0 else 0.0
