"""Pu, Lian & Chen, "Is Softmax Loss All You Need? A Principled Analysis of Softmax-family Loss"."""

from verifiers import Source

SOURCE = Source(
    id="pu2026",
    title="Is Softmax Loss All You Need? A Principled Analysis of Softmax-family Loss",
    authors="Yuanhao Pu, Defu Lian, Enhong Chen",
    venue="ICLR 2026 submission (desk rejected), OpenReview 7CZhN3eQwW",
    url="https://arxiv.org/abs/2601.22745",
    note="The paper's body is not available to us: every claim is our formalization of a sentence in the "
         "abstract or in a structured summary of the paper; no theorem numbers are cited.",
    texts=('texts/000_b273aa571c5b2b08.txt', 'texts/001_b13f24378e0248ea.txt'),
)
