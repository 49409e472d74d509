r"""The sampled-softmax vocabulary: every estimator variant the pu2026 claims use (NCE included), named once.

The seeds say "Sampled Softmax" without fixing a variant, and the literature uses several.
Each claim names the variant it uses (``VARIANTS[name]``) in its notes and statistics, and
the report shows the variant's formula beside the claim. Implementations live in
:mod:`claims.pu2026.sampling` (estimators of the partition function) and
:mod:`claims.pu2026.risk` (population risks).

Notation: logits :math:`s\in\mathbb R^n`, :math:`Z=\sum_i e^{s_i}`, :math:`P=\mathrm{softmax}(s)`,
a proposal :math:`q` with full support, :math:`k` negatives :math:`i_1,\dots,i_k` drawn i.i.d.
from :math:`q`, the positive (label) :math:`y`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """One sampled-softmax estimator: its name, a one-line description and its formula (LaTeX)."""

    name: str
    description: str
    formula: str


#: Importance-sampling estimate of the partition function from k negatives only (the catalogue's variant).
ZHAT = Variant(
    "zhat",
    "importance-sampling estimate of Z from k negatives, without the positive",
    r"\hat Z_k=\frac1k\sum_{j=1}^k \frac{e^{s_{i_j}}}{q_{i_j}},\qquad \log Z\approx\log\hat Z_k",
)

#: The training loss with the positive kept among the candidates and every logit corrected by log q.
SSM_LOGQ = Variant(
    "ssm-logq",
    "training loss: the positive kept in the denominator, every candidate's logit corrected by log q",
    r"\ell=-o_y+\log\Big(e^{o_y}+\sum_{j=1}^k e^{o_{i_j}}\Big),\qquad o_c=s_c-\log q_c",
)

#: The same loss without the correction (biased: its population minimizer is log(eta/q) + c).
SSM_UNCORRECTED = Variant(
    "ssm-uncorrected",
    "training loss: the positive kept in the denominator, no correction",
    r"\ell=-s_y+\log\Big(e^{s_y}+\sum_{j=1}^k e^{s_{i_j}}\Big)",
)

#: Blanc & Rendle (2018): negatives only in the sampled sum, logits corrected by log(k q).
SSM_LOGKQ = Variant(
    "ssm-logkq",
    "training loss: k negatives drawn i.i.d. from q over the classes other than the label, their logits "
    "corrected by log(k q) (Blanc & Rendle 2018)",
    r"\ell=-s_y+\log\Big(e^{s_y}+\sum_{j=1}^k e^{s_{i_j}-\log(kq_{i_j})}\Big)",
)

#: Binary noise-contrastive estimation (Gutmann & Hyvärinen 2012): data vs k noise samples, offset log(k q).
NCE = Variant(
    "nce",
    "binary NCE: the positive against k noise samples from q, classifier σ(s - log(k q)) (no sampled normalizer)",
    r"\ell=-\log\sigma\big(s_y-\log(kq_y)\big)-\sum_{j=1}^k\log\Big(1-\sigma\big(s_{i_j}-\log(kq_{i_j})\big)\Big)",
)

#: Negative sampling (Mikolov et al. 2013): NCE without the log(k q) offset.
NEGATIVE_SAMPLING = Variant(
    "negative-sampling",
    "binary NCE without the log(k q) offset (negative sampling): classifier σ(s)",
    r"\ell=-\log\sigma(s_y)-\sum_{j=1}^k\log\big(1-\sigma(s_{i_j})\big)",
)

#: Every variant by name.
VARIANTS: dict[str, Variant] = {v.name: v for v in (ZHAT, SSM_LOGQ, SSM_UNCORRECTED, SSM_LOGKQ, NCE,
                                                    NEGATIVE_SAMPLING)}


def describe(name: str) -> str:
    """``"name: description"``, for a claim's notes and statistics."""
    variant = VARIANTS[name]
    return f"{variant.name}: {variant.description}"
