r"""Reference output layers with deterministic operation counts (per example).

A linear output layer scores classes with :math:`W\in\mathbb R^{n\times d}` and a hidden vector
:math:`h\in\mathbb R^d`. Each layer below computes its loss for one example and returns an
:class:`Ops` record: matrix-product flops (2 per multiply-add, on the products the implementation
actually executes, as torch's ``FlopCounterMode`` counts them), element-wise operations
counted from the sizes of the tensors they touch, exponentials, and comparisons (alias draws,
the sparsemax threshold).

Layers: full softmax; sampled softmax (SSM, :math:`k` negatives from an alias table, every
candidate's logit corrected by :math:`\log(kq)`, the positive kept); NCE (:math:`k` noise samples,
link :math:`\sigma(s-\log kq)`); hierarchical softmax over a balanced binary tree (heap layout);
sparsemax, whose threshold :math:`\tau` is found either by a randomized pivot (selection) algorithm
(Duchi, Shalev-Shwartz, Singer & Chandra 2008; Condat 2016), :math:`\Theta(n)` expected comparisons,
or by sorting (a sentinel merge sort: exactly :math:`n\log_2n` comparisons for :math:`n=2^m`).
The expected comparisons of the pivot algorithm are computed exactly by
:func:`expected_pivot_comparisons` (checked against :func:`exhaustive_pivot_comparisons`, the exact
average of the instrumented implementation over all pivot choices).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch
from torch.nn.functional import softplus


def logsigmoid(x: torch.Tensor) -> torch.Tensor:
    r""":math:`\log\sigma(x)=-\mathrm{softplus}(-x)` (stable; cheaper than ``F.logsigmoid`` on tiny tensors)."""
    return -softplus(-x)


@dataclass
class Ops:
    """Operation counts of one forward pass."""

    matmul: int = 0
    elementwise: int = 0
    comparisons: int = 0
    exponentials: int = 0

    @property
    def total(self) -> int:
        """All operations (exponentials are element-wise operations, already in ``elementwise``)."""
        return self.matmul + self.elementwise + self.comparisons

    def add(self, t: torch.Tensor, per_element: int = 1) -> torch.Tensor:
        """Count ``per_element`` operations for each element of ``t``; return ``t``."""
        self.elementwise += per_element * t.numel()
        return t


def scores(ops: Ops, rows: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """``rows @ h``: :math:`2md` flops for an m×d ``rows`` (2 per multiply-add, as torch's ``FlopCounterMode``
    counts a matrix product; a unit test checks the two agree)."""
    ops.matmul += 2 * rows.shape[0] * rows.shape[1]
    return (rows @ h.unsqueeze(-1)).squeeze(-1)


def _logsumexp(ops: Ops, z: torch.Tensor) -> torch.Tensor:
    """``logsumexp(z)``, counted as 4 operations per element (max, subtract, exp, add), one an exponential."""
    ops.add(z, 4)
    ops.exponentials += z.numel()
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
    ops.exponentials += t.numel()
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
    ops.exponentials += x.numel()
    return ops.add(logsigmoid(torch.tensor(signs, dtype=x.dtype) * x), 3).sum(), ops


# ---------------------------------------------------------------------------------------------- sparsemax


def merge_sort_desc(values: list[float], ops: Ops) -> list[float]:
    """Merge sort into non-increasing order with sentinels (CLRS), counting every comparison in ``ops``.

    Each merge of ``m`` elements makes exactly ``m`` comparisons (one per output element, the
    sentinel ``-inf`` ends a run), so ``n = 2^k`` values take exactly ``n log2 n`` comparisons.
    """
    if len(values) <= 1:
        return list(values)
    mid = len(values) // 2
    left = merge_sort_desc(values[:mid], ops) + [-np.inf]
    right = merge_sort_desc(values[mid:], ops) + [-np.inf]
    out, i, j = [], 0, 0
    for _ in range(len(values)):
        ops.comparisons += 1
        if left[i] >= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out


def sort_threshold(values: list[float], ops: Ops) -> float:
    r"""Sparsemax threshold by sorting: :math:`\tau=(\sum_{j\le r}z_{(j)}-1)/r`, :math:`r=\max\{j:1+jz_{(j)}>
    \sum_{i\le j}z_{(i)}\}`; one comparison per sorted position, cumulative sums counted as element-wise."""
    srt, total, r, tau_sum = merge_sort_desc(values, ops), 0.0, 0, 0.0
    for j, v in enumerate(srt, start=1):
        total += v
        ops.elementwise += 2
        ops.comparisons += 1
        if 1 + j * v > total:
            r, tau_sum = j, total
    return (tau_sum - 1) / r


#: Chooses a pivot position in ``range(size)``.
Chooser = Callable[[int], int]


def random_chooser(gen: torch.Generator) -> Chooser:
    """Uniform pivot positions drawn from ``gen``."""
    return lambda size: int(torch.randint(size, (1,), generator=gen))


def pivot_threshold(values: list[float], ops: Ops, choose: Chooser) -> float:
    r"""Sparsemax threshold by randomized pivoting (Duchi et al. 2008, Fig. 2, radius 1), counted.

    Each round partitions the candidate set :math:`U` around a pivot :math:`z_k` (:math:`|U|-1`
    comparisons) and tests whether the pivot is in the support, :math:`\sum_{z_j\ge z_k}(z_j-z_k)<1`
    (one comparison): ``ops.comparisons`` grows by :math:`|U|` per round. The partial sums (at most
    one addition per comparison) are not counted.
    """
    candidates, total, count = list(values), 0.0, 0
    while candidates:
        pivot = candidates[choose(len(candidates))]
        ops.comparisons += len(candidates)
        upper = [v for v in candidates if v >= pivot]
        lower = [v for v in candidates if v < pivot]
        upper_sum = sum(upper)
        if (total + upper_sum) - (count + len(upper)) * pivot < 1:
            total, count, candidates = total + upper_sum, count + len(upper), lower
        else:
            upper.remove(pivot)
            candidates = upper
    return (total - 1) / count


def threshold(values: list[float], ops: Ops, algorithm: str = "pivot", choose: Chooser | None = None) -> float:
    """The sparsemax threshold of ``values`` by ``algorithm`` (``pivot`` or ``sort``), operations counted."""
    if algorithm == "sort":
        return sort_threshold(values, ops)
    if algorithm == "pivot":
        return pivot_threshold(values, ops, choose or random_chooser(torch.Generator().manual_seed(0)))
    raise ValueError(f"unknown threshold algorithm {algorithm!r}; expected 'pivot' or 'sort'")


def sparsemax_scores(ops: Ops, z: torch.Tensor, algorithm: str = "pivot",
                     choose: Chooser | None = None) -> torch.Tensor:
    r"""Sparsemax :math:`p=\max(z-\tau,0)` with the threshold from :func:`threshold` (no exponentials).

    The scores are first shifted by their maximum (sparsemax is shift-invariant), so that
    :math:`z-\tau` does not cancel catastrophically at huge magnitudes; the shift is counted.
    """
    shifted = ops.add(z - z.max(), 2)
    tau = threshold(shifted.tolist(), ops, algorithm, choose)
    return ops.add(torch.clamp(shifted - tau, min=0.0), 2)


def sparsemax_loss(W: torch.Tensor, h: torch.Tensor, y: int, algorithm: str = "pivot",
                   choose: Chooser | None = None) -> tuple[torch.Tensor, Ops]:
    r"""Sparsemax (Fenchel–Young) loss :math:`\langle p,z\rangle-\tfrac12\|p\|^2+\tfrac12-z_y`.

    :math:`z=Wh`, :math:`p=\mathrm{sparsemax}(z)`.
    """
    ops = Ops()
    z = scores(ops, W, h)
    p = sparsemax_scores(ops, z, algorithm, choose)
    return ops.add(p * z - 0.5 * p * p, 4).sum() + 0.5 - z[y], ops


def weight_gradient(name: str, W: torch.Tensor, h: torch.Tensor, y: int) -> torch.Tensor:
    r""":math:`\nabla_W L=(\hat y(z)-e_y)h^\top` of the softmax or sparsemax loss, formed densely (n×d)."""
    z = W @ h
    p = torch.softmax(z, dim=0) if name == "softmax" else sparsemax_scores(Ops(), z, "sort")
    g = p.clone()
    g[y] -= 1.0
    return torch.outer(g, h)


# ------------------------------------------------------------------------------ expected pivot comparisons


def expected_pivot_comparisons(sizes: Iterable[int]) -> dict[int, np.ndarray]:
    r"""Exact expected comparisons :math:`E(n,r)` of :func:`pivot_threshold` on :math:`n` distinct values with
    support size :math:`r` (:math:`0\le r\le n`), for each requested :math:`n`.

    A round on :math:`u` candidates, :math:`\rho` of them in the support, costs :math:`u`; a pivot of rank
    :math:`j` (uniform) leaves :math:`(u-j,\rho-j)` if :math:`j\le\rho` and :math:`(j-1,\rho)` otherwise:
    :math:`E(u,\rho)=u+\frac1u\bigl[\sum_{j\le\rho}E(u-j,\rho-j)+\sum_{j>\rho}E(j-1,\rho)\bigr]`, computed in
    :math:`O(n^2)` with running column and diagonal sums (float64; the terms are positive, so the
    relative rounding error stays near machine precision).
    """
    wanted = sorted(set(sizes))
    top = wanted[-1] if wanted else 0
    column = np.zeros(top + 1)  # Σ_{v<u} E(v, r), by r
    diagonal = np.zeros(top + 1)  # Σ_{v<u} E(v, v - d), by d = v - r
    rows = {0: np.zeros(1)} if 0 in wanted else {}
    for u in range(1, top + 1):
        r = np.arange(u + 1)
        row = u + (diagonal[u - r] + column[: u + 1]) / u
        row[u] = u + diagonal[0] / u  # all candidates in the support: only the diagonal branch
        row[0] = u + column[0] / u  # none in the support: only the column branch
        column[: u + 1] += row
        diagonal[u - r] += row
        if u in wanted:
            rows[u] = row
    return rows


def exhaustive_pivot_comparisons(values: list[float]) -> Fraction:
    """The exact mean comparison count of :func:`pivot_threshold` over every sequence of pivot choices."""
    total, script = Fraction(0), [0]
    while True:
        sizes: list[int] = []

        def choose(size: int) -> int:
            sizes.append(size)
            return script[len(sizes) - 1] if len(sizes) <= len(script) else 0

        ops = Ops()
        pivot_threshold(values, ops, choose)
        script = script[: len(sizes)] + [0] * (len(sizes) - len(script))
        weight = Fraction(1)
        for size in sizes:
            weight /= size
        total += weight * ops.comparisons
        position = next((i for i in reversed(range(len(sizes))) if script[i] + 1 < sizes[i]), None)
        if position is None:
            return total
        script = script[:position] + [script[position] + 1]
