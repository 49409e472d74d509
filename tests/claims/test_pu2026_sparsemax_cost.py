"""Unit tests of the instrumented sparsemax thresholds and counts of claims.pu2026.output_layers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from entmax import SparsemaxLoss, sparsemax
from torch.utils.flop_counter import FlopCounterMode

from claims.pu2026 import output_layers as ol
from claims.pu2026.sparsemax_cost import support_values


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _vectors() -> list[torch.Tensor]:
    gen = _gen(0)
    cases = [torch.randn(n, generator=gen, dtype=torch.float64) * scale
             for n in (1, 2, 3, 7, 64, 500) for scale in (1e-3, 0.3, 1.0, 5.0, 1e4)]
    cases += [torch.tensor(v, dtype=torch.float64) for v in
              ([1.0, 1.0, 1.0, 0.0, 0.5, 1.0], [0.0] * 9, [3.0, 3.0, -1.0], [1e300, -1e300, 0.0], [2.0, 0.5, 0.5, 0.5])]
    return cases


@pytest.mark.parametrize("algorithm", ["pivot", "sort"])
def test_thresholds_match_the_entmax_sparsemax(algorithm: str) -> None:
    gen = _gen(1)
    for z in _vectors():
        p = ol.sparsemax_scores(ol.Ops(), z, algorithm, ol.random_chooser(gen))
        assert torch.allclose(p, sparsemax(z, dim=-1), atol=1e-12, rtol=0), z.tolist()


def test_pivot_threshold_is_exact_for_every_pivot_sequence() -> None:
    z = [0.9, 0.5, 0.45, 0.1, -2.0]
    expected = float(sparsemax(torch.tensor(z, dtype=torch.float64), dim=-1).max()) - max(z)
    for first in range(len(z)):
        for rest in range(4):
            script = iter([first] + [rest] * 10)
            tau = ol.pivot_threshold(z, ol.Ops(), lambda size: min(next(script), size - 1))
            assert tau == pytest.approx(-expected, abs=1e-15)


@pytest.mark.parametrize("m", [1, 2, 5, 10])
def test_sentinel_merge_sort_sorts_with_exactly_n_log2_n_comparisons(m: int) -> None:
    values = torch.randn(2**m, generator=_gen(m), dtype=torch.float64).tolist()
    ops = ol.Ops()
    assert ol.merge_sort_desc(values, ops) == sorted(values, reverse=True)
    assert ops.comparisons == 2**m * m
    ops = ol.Ops()
    ol.sort_threshold(values, ops)
    assert ops.comparisons == 2**m * m + 2**m


def test_expected_comparisons_equal_the_exhaustive_mean_of_the_implementation() -> None:
    rows = ol.expected_pivot_comparisons(range(1, 7))
    for n in range(1, 7):
        for r in range(1, n + 1):
            exact = ol.exhaustive_pivot_comparisons(support_values(n, r))
            assert float(exact) == pytest.approx(rows[n][r], rel=1e-14)
    assert ol.exhaustive_pivot_comparisons([0.0, -5.0]) == 3  # pivot 0: 2 then 1; pivot -5: 2 then 1


def test_expected_comparisons_match_the_mean_of_random_runs() -> None:
    gen, n = _gen(2), 64
    z = (torch.randn(n, generator=gen, dtype=torch.float64) * 0.2).tolist()
    r = sum(v > ol.sort_threshold(z, ol.Ops()) for v in z)
    counts = []
    for _ in range(2000):
        ops = ol.Ops()
        ol.pivot_threshold(z, ops, ol.random_chooser(gen))
        counts.append(ops.comparisons)
    mean, se = np.mean(counts), np.std(counts) / math.sqrt(len(counts))
    assert abs(mean - ol.expected_pivot_comparisons([n])[n][r]) < 5 * se


def test_expected_comparisons_are_linear() -> None:
    rows = ol.expected_pivot_comparisons([1024, 4096])
    for n in (1024, 4096):
        assert n <= rows[n].min() and rows[n].max() <= (2 + 2 * math.log(2)) * n


def test_scores_flops_agree_with_flop_counter_mode() -> None:
    W, h = torch.randn(37, 5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    ops = ol.Ops()
    with FlopCounterMode(display=False) as counter:
        ol.scores(ops, W, h)
    assert ops.matmul == counter.get_total_flops() == 2 * 37 * 5


def test_exponentials_softmax_n_sparsemax_none() -> None:
    gen = _gen(3)
    W, h = torch.randn(50, 4, generator=gen, dtype=torch.float64), torch.randn(4, generator=gen, dtype=torch.float64)
    assert ol.softmax_loss(W, h, 3)[1].exponentials == 50
    for algorithm in ("pivot", "sort"):
        loss, ops = ol.sparsemax_loss(W, h, 3, algorithm)
        assert ops.exponentials == 0
        assert float(loss) == pytest.approx(float(SparsemaxLoss(reduction="sum")((W @ h)[None], torch.tensor([3]))))


def test_weight_gradient_is_autograds_and_has_support_times_d_non_zeros() -> None:
    gen = _gen(4)
    for n, scale in ((30, 0.2), (30, 3.0), (200, 1.0)):
        W = (scale * torch.randn(n, 6, generator=gen, dtype=torch.float64)).requires_grad_()
        h = torch.randn(6, generator=gen, dtype=torch.float64)
        SparsemaxLoss(reduction="sum")((W @ h)[None], torch.tensor([n - 1])).backward()
        grad = ol.weight_gradient("sparsemax", W.detach(), h, n - 1)
        assert torch.allclose(grad, W.grad, atol=1e-12)
        p = sparsemax(W.detach() @ h, dim=-1)
        assert int((grad != 0).sum()) == len(set(torch.nonzero(p).flatten().tolist()) | {n - 1}) * 6
    W, h = torch.randn(40, 3, generator=gen, dtype=torch.float64), torch.randn(3, generator=gen, dtype=torch.float64)
    assert int((ol.weight_gradient("softmax", W, h, 0) != 0).sum()) == 40 * 3
