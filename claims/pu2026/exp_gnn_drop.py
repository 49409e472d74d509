r"""Sparse losses lose NDCG@20 on a graph backbone: experiment with LightGCN-style propagation on a block model.

Pu, Lian & Chen, arXiv 2601.22745 (seed 001, "Failure signatures"). Experiment designed by us; the paper's
own runs (LightGCN on Gowalla and others) are not available.

Hypothesis: a stochastic block model of users and items (:func:`claims.pu2026.recsys.sbm_feedback`); a
``backbone`` (LightGCN-style propagation, or MF) trained full-batch by Adam with the softmax loss and with
the sparse Fenchel-Young loss ``map``, each at the learning rate and checkpoint its validation sweep chose;
:math:`c` the true NDCG@20 (:func:`claims.pu2026.recsys.true_ndcg`) of the chosen checkpoint.

Conclusion: the mean over seeds of the relative drop :math:`1-c_{\mathrm{map}}/c_{\mathrm{softmax}}` exceeds
``drop``.
"""

from __future__ import annotations

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

#: Per profile: users, items, embedding size, full-batch steps, checkpoint spacing.
SIZES = {"quick": (48, 96, 8, 50, 5), "standard": (64, 128, 16, 80, 5), "thorough": (512, 1024, 32, 400, 10)}
LRS = (0.003, 0.01, 0.03)
BLOCKS, AFFINITY, COUNTS, LAYERS = 4, 10.0, (10, 2, 2), 2

GNN_DROP = claim(
    id="pu2026/exp-gnn-drop",
    title="Experiment: with LightGCN-style propagation, sparse losses lose NDCG@20 against softmax, more than on MF",
    statement=r"\bar r_{\mathrm{graph}}>\mathrm{drop}\ \text{ and }\ \bar r_{\mathrm{graph}}>\bar r_{\mathrm{MF}},"
              r"\qquad r=1-\frac{\mathrm{NDCG@20}_{\mathrm{map}}}{\mathrm{NDCG@20}_{\mathrm{softmax}}}\ "
              r"(\text{mean over seeds, block-model graph})",
    reference=Reference("pu2026", "Failure signatures",
                        "Sparsemax/Entmax on GNNs: Model fails to converge or performs significantly worse than "
                        "Softmax (e.g., NDCG drops > 30%)."),
    origin=SOURCE_STATEMENT,
    notes="Our experiment for the seed's failure signature (the paper's runs are not available). Data: "
          f"sbm_feedback ({BLOCKS} blocks, same-block odds {AFFINITY:g}:1; {COUNTS[0]} training, {COUNTS[1]} "
          f"validation, {COUNTS[2]} test items per user). Graph backbone: LightGCN-style propagation with {LAYERS} "
          "layers (the symmetric normalized user-item adjacency of the training graph, final embeddings the mean "
          "over layers); the reference backbone is MF on the same data and initialization. Sizes per profile "
          f"(users, items, embedding, steps, checkpoint spacing): {SIZES}. Fair comparison: in every seed each "
          f"(loss, backbone) is trained at every learning rate of {LRS} and keeps the rate and checkpoint with the "
          "highest validation NDCG@20 (early stopping; the same sweep for every arm). The metric is the expected "
          "NDCG@20 of a fresh interaction under the generator's truth. 'Performs significantly worse' is read "
          "as a mean relative drop r above drop (default 0: a drop the test can resolve), and the failure being "
          "specific to graph propagation as r_graph > r_MF; both by BCa bootstrap intervals over seeds (staged), "
          "each at level 0.01/2. What we found: r_graph grows with the graph (about 0.15 at the quick sizes, 0.27 "
          "[0.23, 0.33] at standard) and r_MF is about 0.05-0.1, so whether the drop exceeds the seed's example "
          "of 30 % depends on the size: --set drop=0.3 is refuted at quick and undecided at standard, and is not "
          "a control. The parameter backbone=mf makes the graph arm MF as well (identical backbones).",
    params={
        "drop": Real(0.0, 0.0, 1.0, doc="threshold on the mean relative loss of NDCG@20 against softmax"),
        "map": Choice("sparsemax", ("sparsemax", "entmax15", "softmax"), doc="the sparse loss"),
        "backbone": Choice("lightgcn", ("lightgcn", "mf"), doc="the graph backbone: LightGCN-style, or MF itself"),
    },
    negative_controls=(
        NegativeControl("mf-backbone", {"backbone": "mf"},
                        "without propagation both arms are MF: the drop is no larger than MF's own"),
        NegativeControl("softmax-vs-softmax", {"map": "softmax"}, "softmax against itself drops nothing"),
    ),
    tags=("experiment", "gnn", "sparsemax", "ranking"),
)


@check(GNN_DROP, "experiment")
def gnn_drop_experiment(ctx: Context) -> Outcome:
    """BCa bootstrap over seeds: the mean relative drop on the graph backbone, and its excess over MF's."""
    users, items, dim, steps, every = SIZES[ctx.budget.name]
    backbones = {"graph": rs.FullRuns(dim, steps, every, LAYERS if ctx["backbone"] == "lightgcn" else 0),
                 "mf": rs.FullRuns(dim, steps, every, 0)}
    losses = tuple(dict.fromkeys(("softmax", ctx["map"])))
    make = lambda s: rs.sbm_feedback(s, users=users, items=items, blocks=BLOCKS, counts=COUNTS,  # noqa: E731
                                     affinity=AFFINITY).to(ctx.device)

    def compute(seeds: list[int]) -> list[dict[str, float]]:
        data = [make(s) for s in seeds]
        drops = {name: relative_drops(runs, data, seeds, losses) for name, runs in backbones.items()
                 if name == "graph" or ctx["backbone"] == "lightgcn"}
        return [{name: d[i] for name, d in drops.items()} for i in range(len(seeds))]

    run = ex.staged(ctx.budget.experiment_seeds, ctx.seed, compute)
    setup = {"generator": "sbm_feedback", "users": users, "items": items, "blocks": BLOCKS, "affinity": AFFINITY,
             **backbones["graph"].record(), "learning rates swept (per seed, arm)": list(LRS), "drop": ctx["drop"]}
    arm = f"1 − {ctx['map']}/softmax"
    level = ex.LEVEL / 2
    graph = backbones["graph"].backbone
    return ex.conjunction([
        ("drop", ex.paired(ctx, lambda s: (run(s)["graph"], 0.0), arms=(f"{arm} ({graph})", "0"),
                           metric="relative drop of the true NDCG@20", margin=ctx["drop"], test="bootstrap",
                           level=level, setup=setup)),
        ("graph vs MF", ex.paired(ctx, lambda s: (run(s)["graph"], run(s).get("mf", run(s)["graph"])),
                                  arms=(f"{arm} ({graph})", f"{arm} (MF)"), metric="relative drop of the true NDCG@20",
                                  test="bootstrap", level=level, setup=setup)),
    ])


def relative_drops(runs: rs.FullRuns, data: list[rs.Feedback], seeds: list[int], losses: tuple[str, ...]
                   ) -> list[float]:
    """Per seed, 1 − (true NDCG@20 of the last loss) / (that of softmax), each at its swept rate and checkpoint."""
    curves, _ = runs.swept(data, seeds, losses, LRS, at="best")
    best = curves.gather(0, curves[..., 0].argmax(0, keepdim=True).unsqueeze(-1).expand(1, -1, -1, 2))[0, ..., 1]
    return [1.0 - float(best[i, -1] / best[i, 0]) for i in range(len(seeds))]
