r"""Low-dimensional outputs (10 classes): experiment on ``load_digits`` with a small MLP.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Low-Dimensional Outputs"). Experiment designed by us on
data available offline; the paper's MNIST and CIFAR-10 runs are recorded by ``dbv2016/results``.

Hypothesis: one-hidden-layer ReLU MLPs trained on random stratified splits of ``load_digits`` with the
log-softmax, log-Taylor and log-spherical losses (:mod:`claims.dbv2016.mlp`), each at the learning rate and
epoch its validation sweep chose; :math:`m` the test error (or NLL); relative changes
:math:`r_{\mathrm{alt}}=m_{\mathrm{alt}}/m_{\mathrm{base}}-1` per seed, baseline ``baseline``.

Conclusion (what we found, ``reading=ours``): log-Taylor does not noticeably outperform log-softmax,
:math:`\bar r_{\mathrm{tay}}>-\nu`, and log-spherical is noticeably worse, :math:`\bar r_{\mathrm{sph}}>\nu`,
with :math:`\nu` = ``noticeably``. The source's reading (``reading=source``): :math:`\bar r_{\mathrm{tay}}<-\nu`
and :math:`|\bar r_{\mathrm{sph}}|\le\nu`.
"""

from __future__ import annotations

from claims.dbv2016 import mlp
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

#: Per profile: hidden units, epochs, minibatch, and the learning rates every loss is swept over (at quick the
#: best rate of every loss lies inside the grid: 0.03 for log-softmax, 0.1 for the others; 0.3 is worse for all).
SCHEDULES = {"quick": mlp.Schedule(16, 15, 128, (0.01, 0.03, 0.1)),
             "standard": mlp.Schedule(32, 25, 128, (0.003, 0.01, 0.03, 0.1, 0.3)),
             "thorough": mlp.Schedule(128, 60, 128, (0.001, 0.003, 0.01, 0.03, 0.1, 0.3))}
#: The catalogue asks for at least this many seeds: no stage decides with fewer.
MIN_SEEDS = 20
#: Every loss is trained in every run (the baseline and the two alternatives), so the controls reuse the runs.
LOSSES = ("log-softmax", "taylor", "spherical")


def seed_stages(stages: tuple[int, ...]) -> tuple[int, ...]:
    """As many looks as the budget's ``stages``, doubling from ``MIN_SEEDS`` (quick: 20, 40; standard and
    thorough: 20, 40, 80): no look decides with fewer seeds than the catalogue asks for, and the last look has
    twice as many, enough to refute the source's reading at quick."""
    return tuple(MIN_SEEDS * 2 ** i for i in range(len(stages)))


LOW_DIM = claim(
    id="dbv2016/exp-low-dim",
    title="Experiment on load_digits: log-Taylor does not noticeably beat log-softmax; log-spherical is worse",
    statement=r"\bar r_{\mathrm{tay}}>-\nu\ \text{ and }\ \bar r_{\mathrm{sph}}>\nu,\qquad "
              r"r_{\mathrm{alt}}=\frac{\mathrm{err}_{\mathrm{alt}}}{\mathrm{err}_{\mathrm{softmax}}}-1\ "
              r"(\text{mean over seeds, load\_digits, MLP})",
    reference=Reference("dbv2016", "Low-Dimensional Outputs",
                        "Taylor softmax noticeably outperforms log-softmax on both tasks with low-dimensional "
                        "outputs, and spherical softmax also achieves comparable results."),
    origin=SOURCE_STATEMENT,
    notes="Our experiment on the seed's low-dimensional claim, with data available offline (load_digits, 1797 "
          "8x8 images, 10 classes) instead of MNIST/CIFAR-10. Each seed: a stratified 60/40 train/test split, "
          "features standardized on the training part; a one-hidden-layer ReLU MLP per loss with the same "
          "initialization and minibatch order. Fair comparison: each loss's learning rate (Adam) and epoch are "
          "chosen by the same sweep (the grid of the profile's schedule x 10 evenly spaced checkpoints, lowest "
          "validation error) on a separate sweep split (seed ctx.seed + 1000003); the test seeds then reuse "
          "them. Predictions are the argmax of each loss's own map f(o). 'Noticeably' is the parameter "
          "noticeably, default 0.033: the relative MNIST gain the seed itself calls noticeable ((0.812 - "
          "0.785)/0.812). What we found: log-Taylor's test error is about 7 % above log-softmax's (standard: "
          "+6.6 %, interval [-10 %, +24 %] over 32 seeds) and log-spherical's about 40 % above it (+42 %, "
          "[+11 %, +73 %]), so the seed's sentence is not reproduced on digits: it is the control seed-reading "
          "(source_reading), refuted by its spherical part. The Taylor part is a small difference that neither "
          "quick nor standard resolves (inconclusive, the honest answer at those budgets), so the claim as a "
          "whole is inconclusive there. Decision: paired t tests over >= 20 seeds (looks at 20, 40 (, 80) "
          "seeds), each part at level 0.01/2; the claim holds when both parts do.",
    params={
        "metric": Choice("error", ("error", "nll"), doc="test error (%) or test negative log-likelihood"),
        "noticeably": Real(0.033, 0.0, 1.0, doc="relative change that counts as noticeable"),
        "reading": Choice("ours", ("ours", "source"), doc="our finding, or the source's sentence"),
        "baseline": Choice("log-softmax", ("log-softmax", "taylor"), doc="the loss the others are compared with"),
    },
    negative_controls=(
        NegativeControl("seed-reading", {"reading": "source"},
                        "on digits log-Taylor is not noticeably better than log-softmax and log-spherical is "
                        "not comparable (about twice the error)", source_reading=True),
        NegativeControl("taylor-vs-taylor", {"reading": "source", "baseline": "taylor"},
                        "Taylor against itself: no noticeable improvement can be found"),
    ),
    tags=("experiment", "taylor-softmax", "spherical-softmax", "digits"),
)


@check(LOW_DIM, "experiment")
def low_dim_experiment(ctx: Context) -> Outcome:
    """Paired t tests over seeds on the relative change of the test metric against the baseline."""
    schedule = SCHEDULES[ctx.budget.name]
    base = ctx["baseline"]
    scored = mlp.CrossFitted(lambda s: mlp.digits(s, ctx.device), f"digits/{ctx.device}", LOSSES, schedule)
    stages = seed_stages(ctx.budget.experiment_seeds)
    run = ex.staged(stages, ctx.seed, lambda seeds: [getattr(r, ctx["metric"]) for r in scored(seeds)])
    rel = lambda s, alt: run(s)[alt] / max(run(s)[base], 1e-9) - 1.0  # noqa: E731
    nu, level, ours = ctx["noticeably"], ex.LEVEL / 2, ctx["reading"] == "ours"
    setup = {"data": "load_digits", **mlp.digits(ctx.seed, "cpu").sizes(), **schedule.record(),
             "selection": "per seed, (lr, checkpoint) by validation error, two-fold cross-fitted on the held-out "
                          "halves", "metric": ctx["metric"], "noticeably": nu}
    metric = f"relative change of the test {ctx['metric']} against {base}"
    common = dict(metric=metric, level=level, stages=stages, setup=setup)
    out = ex.conjunction([
        ("taylor", ex.paired(ctx, lambda s: (rel(s, "taylor"), 0.0), arms=(f"taylor/{base} − 1", "0"),
                             direction="greater" if ours else "less", margin=-nu if ours else nu, **common)),
        ("spherical", ex.paired(ctx, lambda s: (rel(s, "spherical"), 0.0), arms=(f"spherical/{base} − 1", "0"),
                                direction="greater" if ours else "equal", margin=nu, **common)),
    ])
    seeds = range(ctx.seed, ctx.seed + max(part["seeds"] for part in out.statistics["parts"].values()))
    chosen = {s: {n: [(c.lr, schedule.epochs_at(c.checkpoint)) for c in pair] for n, pair in r.chosen.items()}
              for s, r in zip(seeds, scored(seeds))}
    return out.but(statistics={**out.statistics, "chosen (lr, epochs) per seed, on each half": chosen})
