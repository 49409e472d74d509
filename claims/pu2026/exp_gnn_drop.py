r"""Sparse losses lose NDCG@20 on a graph backbone: experiment with LightGCN-style propagation on a block model.

Pu, Lian & Chen, arXiv 2601.22745 (seed 001, "Failure signatures"). Experiment designed by us; the paper's
own runs (LightGCN on Gowalla and others) are not available.

Hypothesis: a stochastic block model of users and items (:func:`claims.pu2026.recsys.sbm_feedback`) of the
size ``graph``; a ``backbone`` (LightGCN-style propagation, or MF) trained full-batch by Adam with the softmax
loss and with the sparse Fenchel-Young loss ``map``, each at the learning rate and checkpoint its validation
sweep chose; :math:`c` the true NDCG@20 (:func:`claims.pu2026.recsys.true_ndcg`) of the chosen checkpoint and
:math:`r=1-c_{\mathrm{map}}/c_{\mathrm{softmax}}` the relative drop of a seed.

Conclusion (what we found, ``reading=ours``): on the default graph (48 users, 96 items) the mean relative drop
is real but below ``drop``, :math:`0<\bar r<\mathrm{drop}`; it grows with the graph and passes 30 % on graphs
of a few hundred users. The source's reading (``reading=source``): :math:`\bar r>\mathrm{drop}`.
"""

from __future__ import annotations

from collections.abc import Callable

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

#: The graphs: users x items -> (users, items, embedding size, full-batch steps, checkpoint spacing). The profile
#: buys seeds, never another graph: the drop grows with the graph (see the notes).
GRAPHS = {"48x96": (48, 96, 8, 50, 5), "64x128": (64, 128, 16, 80, 5), "128x256": (128, 256, 16, 150, 10),
          "256x512": (256, 512, 32, 200, 10), "512x1024": (512, 1024, 32, 400, 10)}
LRS = (0.003, 0.01, 0.03)
BLOCKS, AFFINITY, COUNTS, LAYERS = 4, 10.0, (10, 2, 2), 2
#: Seeds per look: this many times the budget's (quick 8 then 16, standard 16, 32, 64). At 4 seeds a t interval
#: at the per-look level is twice as wide as at 8 (t quantile 9.5 against 4.6), and a larger profile starts larger.
SEED_FACTOR = 2
METRIC = "relative drop r = 1 − NDCG@20(map) / NDCG@20(softmax), true NDCG"

GNN_DROP = claim(
    id="pu2026/exp-gnn-drop",
    title="Experiment: with LightGCN-style propagation on a small block-model graph, sparse losses lose NDCG@20 "
          "against softmax, but less than the seed's 30 %",
    statement=r"0<\bar r<\mathrm{drop}\ (\text{ours}),\qquad \bar r>\mathrm{drop}\ (\text{source}),\qquad "
              r"r=1-\frac{\mathrm{NDCG@20}_{\mathrm{map}}}{\mathrm{NDCG@20}_{\mathrm{softmax}}}\ "
              r"(\text{mean over seeds, block-model graph of }\mathrm{graph}\text{ users}\times\text{items})",
    reference=Reference("pu2026", "Failure signatures",
                        "Sparsemax/Entmax on GNNs: Model fails to converge or performs significantly worse than "
                        "Softmax (e.g., NDCG drops > 30%)."),
    origin=SOURCE_STATEMENT,
    notes="Our experiment for the seed's failure signature (the paper's runs are not available). Data: "
          f"sbm_feedback ({BLOCKS} blocks, same-block odds {AFFINITY:g}:1; {COUNTS[0]} training, {COUNTS[1]} "
          f"validation, {COUNTS[2]} test items per user). Graph backbone: LightGCN-style propagation with {LAYERS} "
          "layers (the symmetric normalized user-item adjacency of the training graph, final embeddings the mean "
          "over layers); backbone=mf trains MF instead, on the same data and initialization. The graph "
          "(users x items) is a parameter, with the embedding size, full-batch Adam steps and checkpoint spacing "
          f"that go with it: {GRAPHS}; every profile runs the same graph and buys seeds only, because the drop "
          "depends on the graph. Fair comparison: in every seed each loss is trained at every learning rate of "
          f"{LRS} and keeps the rate and checkpoint with the highest validation NDCG@20 (early stopping; the same "
          "sweep for both losses). The metric is the expected NDCG@20 of a fresh interaction under the "
          "generator's truth. 'Performs significantly worse (e.g., NDCG drops > 30%)' is read as a mean relative "
          "drop r above drop (default 0.30, the seed's example). Decision: paired t tests on the per-seed drops, "
          "one per part of the reading (ours: r > 0 and r < drop; source: r > drop), each at level 0.01 / parts, "
          f"Bonferroni over looks at {SEED_FACTOR} x the budget's seeds (quick 8 then 16, standard 16, 32, 64): "
          "a t interval is valid at any number of seeds (a bootstrap interval over 4 seeds cannot reach "
          "a 99 % level), and the reported p-values are the one-sided ones the decision uses, relative to drop "
          "(verifiers.experiment.one_sided). What we found (sparsemax, LightGCN-2; CPU runs outside the check, seeds "
          "0..n-1): the drop is real and grows with the graph: mean 0.16 (sd 0.08, 16 seeds) on 48x96, 0.21 (sd "
          "0.03, 16 seeds; 0.25 on the quick check's 16 seeds) on 64x128, 0.28 (sd 0.06, 8 seeds) on 128x256, "
          "0.33 (sd 0.06, 4 seeds) on 256x512, 0.35 (0.32 and 0.38, 2 seeds) on 512x1024; entmax15 loses less "
          "(about 0.07 on 48x96). So the seed's 30 % is a property of larger graphs: on the default graph it is "
          "not reached (the control seed-reading, the seed's number read for every graph, is refuted), on graphs "
          "of a few hundred users it is (--set graph=512x1024 --set reading=source is the seed's reading there; "
          "a GPU run). Without propagation (MF) sparsemax loses less: 0.10 (sd 0.10) on 48x96, 0.14 (sd 0.08) on "
          "64x128, 0.09 on 128x256, 0.15 on 512x1024; on the small graphs the excess of the graph's drop over "
          "MF's is small against the seed-to-seed spread and changes sign with the design (48x96 with embedding "
          "16: MF 0.20, LightGCN 0.18), so 'worse on GNNs than on MF' is not part of the claim; the control "
          "mf-backbone records that MF does not drop by 30 % either.",
    params={
        "drop": Real(0.30, 0.0, 1.0, doc="threshold on the mean relative loss of NDCG@20 against softmax"),
        "map": Choice("sparsemax", ("sparsemax", "entmax15", "softmax"), doc="the sparse loss"),
        "backbone": Choice("lightgcn", ("lightgcn", "mf"), doc="the graph backbone: LightGCN-style, or MF itself"),
        "graph": Choice("48x96", tuple(GRAPHS), doc="users x items of the block-model graph (sets the embedding "
                                                    "size and the training steps too)"),
        "reading": Choice("ours", ("ours", "source"),
                          doc="ours: 0 < mean drop < drop; source: mean drop > drop (the seed's sentence)"),
    },
    negative_controls=(
        NegativeControl("seed-reading", {"reading": "source"},
                        "'performs significantly worse than Softmax (e.g., NDCG drops > 30%)' read for every graph: "
                        "on the 48x96 graph the drop is about 16 % (30 % is reached only on graphs of a few hundred "
                        "users)", source_reading=True),
        NegativeControl("mf-backbone", {"backbone": "mf", "reading": "source"},
                        "without propagation the drop is smaller still (about 10 %), not above 30 %"),
        NegativeControl("softmax-vs-softmax", {"map": "softmax"}, "softmax against itself drops nothing"),
    ),
    tags=("experiment", "gnn", "sparsemax", "ranking"),
)


@check(GNN_DROP, "experiment")
def gnn_drop_experiment(ctx: Context) -> Outcome:
    """Paired t tests over seeds on the mean relative drop: above 0 and below ``drop``, or above ``drop``."""
    users, items, dim, steps, every = GRAPHS[ctx["graph"]]
    runs = rs.FullRuns(dim, steps, every, LAYERS if ctx["backbone"] == "lightgcn" else 0)
    losses = tuple(dict.fromkeys(("softmax", ctx["map"])))
    stages = tuple(SEED_FACTOR * n for n in ctx.budget.experiment_seeds)

    def compute(seeds: list[int]) -> list[float]:
        data = [rs.sbm_feedback(s, users=users, items=items, blocks=BLOCKS, counts=COUNTS,
                                affinity=AFFINITY).to(ctx.device) for s in seeds]
        return relative_drops(runs, data, seeds, losses)

    run = ex.staged(stages, ctx.seed, compute)
    drop, arm = ctx["drop"], f"r({ctx['map']}, {runs.backbone})"
    setup = {"generator": "sbm_feedback", "users": users, "items": items, "blocks": BLOCKS, "affinity": AFFINITY,
             **runs.record(), "learning rates swept (per seed, loss)": list(LRS), "drop": drop,
             "reading": ctx["reading"]}
    named = f"{drop:g}"
    parts: list[tuple[str, Callable[[int], tuple[float, float]], tuple[str, str]]] = (
        [("worse than softmax", lambda s: (run(s), 0.0), (arm, "0")),
         ("below drop", lambda s: (drop, run(s)), (named, arm))] if ctx["reading"] == "ours" else
        [("above drop", lambda s: (run(s), drop), (arm, named))])
    return ex.conjunction([
        (name, ex.paired(ctx, pair, arms=arms, metric=METRIC, test="t", level=ex.LEVEL / len(parts), stages=stages,
                         setup=setup))
        for name, pair, arms in parts])


def relative_drops(runs: rs.FullRuns, data: list[rs.Feedback], seeds: list[int], losses: tuple[str, ...]
                   ) -> list[float]:
    """Per seed, 1 − (true NDCG@20 of the last loss) / (that of softmax), each at its swept rate and checkpoint."""
    curves, _ = runs.swept(data, seeds, losses, LRS, at="best")
    best = curves.gather(0, curves[..., 0].argmax(0, keepdim=True).unsqueeze(-1).expand(1, -1, -1, 2))[0, ..., 1]
    return [1.0 - float(best[i, -1] / best[i, 0]) for i in range(len(seeds))]
