"""CS231n lecture notes, "Softmax Classifier"."""

from verifiers import Source

SOURCE = Source(
    id="cs231n",
    title="Softmax Classifier (CS231n lecture notes)",
    authors="CS231n course staff, Stanford University",
    venue="CS231n: Deep Learning for Computer Vision, Lecture 2, slides 70-83",
    url="https://cs231n.github.io/linear-classify/#softmax",
    texts=('texts/004_3b96bf21b0ec9d36.txt',),
)
