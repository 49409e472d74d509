r"""The paper's experimental tables: recorded, not reproduced (what can be checked offline is checked elsewhere).

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Experimental Results").

Hypothesis: the same classification model trained with each loss on MNIST, CIFAR-10, CIFAR-100 and
Penn Treebank (the paper's architectures and training budgets).

Conclusion (as the source states it): log-Taylor softmax has lower test error than log-softmax on MNIST
(0.785 % vs 0.812 %) and CIFAR-10 (8.07 % vs 8.52 %); log-softmax is better on CIFAR-100 (32.4 % vs 33.1 %)
and Penn Treebank (perplexity 126.7 vs 147.2).
"""

from __future__ import annotations

from verifiers import SOURCE_STATEMENT, Reference, claim

RESULTS = claim(
    id="dbv2016/results",
    title="Experimental comparison of log-softmax, log-Taylor and log-spherical softmax (recorded, not rerun)",
    statement=r"\mathrm{err}_{\mathrm{tay}} < \mathrm{err}_{\mathrm{softmax}}\ \text{on MNIST, CIFAR-10};\quad "
              r"\mathrm{err}_{\mathrm{softmax}} < \mathrm{err}_{\mathrm{tay}},\,\mathrm{err}_{\mathrm{sph}}\ "
              r"\text{on CIFAR-100, Penn Treebank (perplexity)}",
    reference=Reference("dbv2016", "Experimental Results",
                        "Taylor softmax noticeably outperforms log-softmax on both tasks with low-dimensional "
                        "outputs … log-softmax performs better as output dimension increases"),
    origin=SOURCE_STATEMENT,
    notes="An empirical claim about networks trained by the paper's authors. Rerunning it needs the four data "
          "sets and the paper's architectures and training budgets, which are not available offline, so this "
          "claim is recorded and its own verdict is 'skipped'; it asserts nothing beyond what the source reports. "
          "What can be checked without rerunning is checked by other claims: dbv2016/table-arithmetic (the "
          "prose against the printed tables, and whether the printed MNIST difference can be significant on a "
          "10,000-image test set), and the small experiments planned in part D of the second claims catalogue "
          "(dbv2016/exp-low-dim, dbv2016/exp-high-dim, dbv2016/exp-asymmetry), on data available offline.",
    expect="skipped",
    skip_reason="the data sets (MNIST, CIFAR-10/100, Penn Treebank) and the paper's training setups are not "
                "available offline, so the experiments are not rerun; the printed tables are checked by "
                "dbv2016/table-arithmetic",
    tags=("empirical", "experiments"),
)
