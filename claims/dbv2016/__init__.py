"""de Brébisson & Vincent, "An Exploration of Softmax Alternatives Belonging to the Spherical Loss Family"."""

from verifiers import Source

SOURCE = Source(
    id="dbv2016",
    title="An Exploration of Softmax Alternatives Belonging to the Spherical Loss Family",
    authors="Alexandre de Brébisson, Pascal Vincent",
    venue="ICLR 2016",
    url="https://arxiv.org/abs/1511.05042",
    note="Read through a blog post summarizing the paper (seed 003); quotes are from that post, and "
         "no equation or theorem numbers of the paper are cited.",
    texts=('texts/003_bc92a24ae85aacba.txt',),
)
