r"""Reference output layers with deterministic operation counts (per example).

A linear output layer scores classes with :math:`W\in\mathbb R^{n\times d}` and a hidden vector
:math:`h\in\mathbb R^d`. Each layer below computes its loss for one example and returns an
:class:`Ops` record: matrix-product flops as counted by torch's ``FlopCounterMode`` (2 per
multiply-add, on the products the implementation actually executes), element-wise operations
counted from the sizes of the tensors they touch, and comparisons of an instrumented merge sort.

Layers: full softmax; sampled softmax (SSM, :math:`k` negatives from an alias table, logQ
correction); NCE (:math:`k` noise samples, link :math:`\sigma(s-\log kq)`); hierarchical softmax
over a balanced binary tree (heap layout); sparsemax (sort-based).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn.functional import softplus
from torch.utils.flop_counter import FlopCounterMode


def logsigmoid(x: torch.Tensor) -> torch.Tensor:
    r""":math:`\log\sigma(x)=-\mathrm{softplus}(-x)` (stable; cheaper than ``F.logsigmoid`` on tiny tensors)."""
    return -softplus(-x)


@dataclass
class Ops:
    """Operation counts of one forward pass."""

    matmul: int = 0
    elementwise: int = 0
    comparisons: int = 0

    @property
    def total(self) -> int:
        """All operations."""
        return self.matmul + self.elementwise + self.comparisons

    def add(self, t: torch.Tensor, per_element: int = 1) -> torch.Tensor:
        """Count ``per_element`` operations for each element of ``t``; return ``t``."""
        self.elementwise += per_element * t.numel()
        return t


def scores(ops: Ops, rows: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """``rows @ h`` as a matrix product (``FlopCounterMode`` does not count ``mv``), flops recorded."""
    with FlopCounterMode(display=False) as counter:
        out = (rows @ h.unsqueeze(-1)).squeeze(-1)
    ops.matmul += int(counter.get_total_flops())
    return out


def _logsumexp(ops: Ops, z: torch.Tensor) -> torch.Tensor:
    """``logsumexp(z)``, counted as 4 operations per element (max, subtract, exp, add)."""
    ops.add(z, 4)
    return torch.logsumexp(z, dim=0)


def softmax_loss(W: torch.Tensor, h: torch.Tensor, y: int) -> tuple[torch.Tensor, Ops]:
    r"""Cross-entropy :math:`\log\sum_je^{z_j}-z_y`, :math:`z=Wh`: :math:`2nd` flops plus :math:`O(n)`."""
    ops = Ops()
    z = scores(ops, W, h)
    return _logsumexp(ops, z) - z[y], ops


# ---------------------------------------------------------------------------------------------- sampling


@dataclass(frozen=True)
class AliasTable:
    """Vose's alias table: :math:`O(n)` to build (once per epoch), :math:`O(1)` per draw."""

    prob: torch.Tensor
    alias: torch.Tensor
    q: torch.Tensor


def alias_table(q: torch.Tensor) -> AliasTable:
    """Build the alias table of a distribution ``q`` with full support (Vose's method)."""
    n = q.numel()
    scaled = (q.double() * n).tolist()
    prob, alias = [1.0] * n, list(range(n))
    small = [i for i, v in enumerate(scaled) if v < 1.0]
    large = [i for i, v in enumerate(scaled) if v >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        prob[s], alias[s] = scaled[s], g
        scaled[g] -= 1.0 - scaled[s]
        (small if scaled[g] < 1.0 else large).append(g)
    return AliasTable(torch.tensor(prob, dtype=torch.float64), torch.tensor(alias), q.double())


def alias_draw(ops: Ops, table: AliasTable, k: int, gen: torch.Generator) -> torch.Tensor:
    """``k`` i.i.d. draws from the table's distribution: two uniforms and one comparison each."""
    n = table.prob.numel()
    u = ops.add(torch.rand(2, k, generator=gen, dtype=torch.float64), 1)
    column = (u[0] * n).long().clamp_max(n - 1)
    keep = u[1] < table.prob[column]
    ops.comparisons += k
    return torch.where(keep, column, table.alias[column])


def sampled_softmax_loss(W: torch.Tensor, h: torch.Tensor, y: int, table: AliasTable, k: int,
                         gen: torch.Generator) -> tuple[torch.Tensor, Ops]:
    r"""SSM with logQ correction: softmax over the target and :math:`k` negatives, logits :math:`z_j-\log(kq_j)`."""
    ops = Ops()
    rows = torch.cat([torch.tensor([y]), alias_draw(ops, table, k, gen)])
    z = scores(ops, W[rows], h)
    corrected = z - ops.add(torch.log(k * table.q[rows]), 3)
    return _logsumexp(ops, corrected) - corrected[0], ops


def nce_loss(W: torch.Tensor, h: torch.Tensor, y: int, table: AliasTable, k: int,
             gen: torch.Generator) -> tuple[torch.Tensor, Ops]:
    r"""NCE: :math:`-\log\sigma(t_y)-\sum_{j=1}^k\log\sigma(-t_{i_j})`, :math:`t=z-\log(kq)`, noise from the table."""
    ops = Ops()
    rows = torch.cat([torch.tensor([y]), alias_draw(ops, table, k, gen)])
    t = scores(ops, W[rows], h) - ops.add(torch.log(k * table.q[rows]), 3)
    sign = torch.ones_like(t)
    sign[1:] = -1.0
    return -ops.add(logsigmoid(sign * t), 4).sum(), ops


# ----------------------------------------------------------------------------------- hierarchical softmax


def tree_path(n: int, y: int) -> tuple[list[int], list[float]]:
    """Internal nodes (heap indices ``1..n-1``) from the root to leaf ``y`` and the branch signs.

    The balanced tree in heap layout: node ``v`` has children ``2v`` (sign ``+1``) and ``2v+1``
    (sign ``-1``); leaf ``y`` is node ``n + y``. Its depth is ``floor(log2(n + y))``, i.e.
    ``floor(log2 n)`` or ``ceil(log2 n)``.
    """
    node, nodes, signs = n + y, [], []
    while node > 1:
        nodes.append(node // 2)
        signs.append(1.0 if node % 2 == 0 else -1.0)
        node //= 2
    return nodes[::-1], signs[::-1]


def hsm_log_prob(V: torch.Tensor, h: torch.Tensor, y: int) -> tuple[torch.Tensor, Ops]:
    r"""Hierarchical softmax :math:`\log p(y)=\sum_{v\in\mathrm{path}(y)}\log\sigma(\pm v^\top h)`.

    ``V`` has one row per internal node ``1..n-1`` (row 0 unused); cost :math:`2d` flops per node on the path.
    """
    ops = Ops()
    nodes, signs = tree_path(V.shape[0], y)
    x = scores(ops, V[torch.tensor(nodes)], h)
    return ops.add(logsigmoid(torch.tensor(signs, dtype=x.dtype) * x), 3).sum(), ops


# ---------------------------------------------------------------------------------------------- sparsemax


def merge_sort_desc(values: list[float], ops: Ops) -> list[float]:
    """Merge sort into non-increasing order, counting every comparison in ``ops.comparisons``."""
    if len(values) <= 1:
        return list(values)
    mid = len(values) // 2
    left, right = merge_sort_desc(values[:mid], ops), merge_sort_desc(values[mid:], ops)
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        ops.comparisons += 1
        if left[i] >= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]


def sparsemax_scores(ops: Ops, z: torch.Tensor) -> torch.Tensor:
    r"""Sparsemax by sorting: :math:`p=\max(z-\tau,0)`, :math:`\tau=(\sum_{j\le r}z_{(j)}-1)/r`.

    :math:`r=\max\{j:1+jz_{(j)}>\sum_{i\le j}z_{(i)}\}`, :math:`z_{(1)}\ge z_{(2)}\ge\dots` (merge sort, counted).
    """
    srt = torch.tensor(merge_sort_desc(z.tolist(), ops), dtype=z.dtype)
    cumsum = ops.add(torch.cumsum(srt, dim=0), 1)
    j = torch.arange(1, z.numel() + 1, dtype=z.dtype)
    support = ops.add(1 + j * srt > cumsum, 3)
    r = int(support.nonzero().max()) + 1
    tau = (cumsum[r - 1] - 1) / r
    return ops.add(torch.clamp(z - tau, min=0.0), 2)


def sparsemax_loss(W: torch.Tensor, h: torch.Tensor, y: int) -> tuple[torch.Tensor, Ops]:
    r"""Sparsemax (Fenchel–Young) loss :math:`\langle p,z\rangle-\tfrac12\|p\|^2+\tfrac12-z_y`.

    :math:`z=Wh`, :math:`p=\mathrm{sparsemax}(z)`.
    """
    ops = Ops()
    z = scores(ops, W, h)
    p = sparsemax_scores(ops, z)
    return ops.add(p * z - 0.5 * p * p, 4).sum() + 0.5 - z[y], ops
