"""Unit tests of claims.pu2026.recsys: generators, NDCG, losses, the batched optimizers and the staging helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from claims.pu2026 import recsys as rs
from claims.pu2026.maps import fy_loss
from verifiers import Outcome
from verifiers import experiment as ex


def _latent(seed: int = 0) -> rs.Feedback:
    return rs.latent_feedback(seed, users=12, items=30, rank=4, counts=(5, 2, 3))


def test_latent_feedback_gives_each_user_disjoint_train_val_test_items_of_the_stated_counts() -> None:
    fb = _latent()
    assert fb.train.sum(1).tolist() == [5.0] * 12
    assert fb.val.sum(1).tolist() == [2] * 12 and fb.test.sum(1).tolist() == [3] * 12
    assert not ((fb.train > 0) & fb.val).any() and not ((fb.train > 0) & fb.test).any()
    assert not (fb.val & fb.test).any()
    assert torch.equal(fb.train, _latent().train) and not torch.equal(fb.train, _latent(1).train)


def test_sbm_truth_is_the_block_log_odds() -> None:
    fb = rs.sbm_feedback(3, users=10, items=20, blocks=2, counts=(4, 1, 1), affinity=5.0)
    values = fb.truth.unique().double().numpy()
    assert np.allclose(values, [0.0, math.log(5.0)][:len(values)], atol=1e-6)
    assert fb.train.sum(1).tolist() == [4.0] * 10


def test_ndcg_is_one_for_a_perfect_ranking_and_matches_a_hand_computed_case() -> None:
    relevant = torch.tensor([[[True, False, True, False]]])
    exclude = torch.zeros_like(relevant)
    perfect = torch.tensor([[[3.0, 1.0, 2.0, 0.0]]])
    assert float(rs.ndcg(perfect, exclude, relevant, top=2)) == pytest.approx(1.0)
    scores = torch.tensor([[[1.0, 3.0, 2.0, 0.0]]])  # ranks: item 1, item 2 (relevant) at rank 2
    ideal = 1 + 1 / math.log2(3)
    assert float(rs.ndcg(scores, exclude, relevant, top=2)) == pytest.approx((1 / math.log2(3)) / ideal)
    assert float(rs.ndcg(scores, torch.tensor([[[False, True, False, False]]]), relevant, top=2)) == \
        pytest.approx(1.0)


def test_true_ndcg_of_the_truth_is_the_best_ranking() -> None:
    fb = _latent()
    seen = (fb.train > 0).unsqueeze(0)
    oracle = float(rs.true_ndcg(fb.truth.unsqueeze(0), seen, fb.truth.unsqueeze(0)))
    noise = torch.randn(5, *fb.truth.shape, generator=torch.Generator().manual_seed(0))
    assert (rs.true_ndcg(noise, seen, fb.truth.unsqueeze(0)) <= oracle + 1e-6).all()
    assert 0 < oracle <= 1


@pytest.mark.parametrize("name", ["softmax", "sparsemax", "entmax15"])
def test_fy_matches_the_reference_loss_and_its_gradient(name: str) -> None:
    s = torch.randn(4, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(1), requires_grad=True)
    y = torch.rand(4, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    y = y / y.sum(-1, keepdim=True)
    ours, = torch.autograd.grad(rs.fy(name, s, y).sum(), s)
    ref, = torch.autograd.grad(fy_loss(name, s, y).sum(), s)
    assert torch.allclose(rs.fy(name, s, y), fy_loss(name, s, y), atol=1e-12)
    assert torch.allclose(ours, ref, atol=1e-10)


def test_ssm_with_every_item_once_is_the_full_softmax_loss_and_nce_matches_its_formula() -> None:
    s = torch.randn(1, 1, 5, generator=torch.Generator().manual_seed(3))
    pos, neg = torch.tensor([[[2]]]), torch.arange(5).view(1, 1, 5)
    log_q = torch.full((1, 1, 5), -math.log(5))
    k = torch.tensor([5])
    full = torch.logaddexp(s[0, 0, 2], torch.logsumexp(s[0, 0], 0)) - s[0, 0, 2]
    assert float(rs.sampled_loss("ssm-logq", s, pos, neg, log_q, k)) == pytest.approx(float(full), abs=1e-6)
    t = s[0, 0] - math.log(5 * 0.2)
    nce = -torch.nn.functional.logsigmoid(t[2]) - torch.nn.functional.logsigmoid(-t).sum()
    assert float(rs.sampled_loss("nce", s, pos, neg, log_q, k)) == pytest.approx(float(nce), abs=1e-5)
    with pytest.raises(ValueError, match="unknown sampled loss"):
        rs.sampled_loss("hsm", s, pos, neg, log_q, k)


def test_batched_adam_equals_torch_adam_run_by_run() -> None:
    w = torch.randn(3, 4, generator=torch.Generator().manual_seed(4))
    lrs = [0.1, 0.01, 0.3]
    ours = [w.clone().requires_grad_()]
    opt = ex.RunAdam(ours, torch.tensor(lrs))
    refs = [w[r].clone().requires_grad_() for r in range(3)]
    ref_opts = [torch.optim.Adam([p], lr=lr) for p, lr in zip(refs, lrs)]
    for _ in range(5):
        (ours[0] ** 2).sum().backward()
        opt.step()
        for p, o in zip(refs, ref_opts):
            o.zero_grad()
            (p**2).sum().backward()
            o.step()
    assert torch.allclose(ours[0].detach(), torch.stack([p.detach() for p in refs]), atol=1e-6)


def test_a_diverging_run_is_frozen_and_probed_as_nan_while_the_others_go_on() -> None:
    params = [torch.ones(2, 3)]
    trace = rs.train(params, lambda p, _: (p[0] ** 4).sum(1), [1e-3, 10.0], 5, optimizer="sgd",
                     probe=lambda p: p[0].abs().sum(1))
    assert trace.diverged.tolist() == [False, True]
    assert math.isfinite(float(trace.probes[-1, 0])) and math.isnan(float(trace.probes[-1, 1]))


def test_lightgcn_with_no_layer_is_mf_and_the_adjacency_is_symmetrically_normalized() -> None:
    train = torch.tensor([[[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]]])
    adj = rs.normalized_adjacency(train)
    assert float(adj[0, 0, 1]) == pytest.approx(1 / math.sqrt(2 * 2))
    u, i = torch.randn(1, 2, 4), torch.randn(1, 3, 4)
    assert torch.equal(rs.scores([u, i], adj, 0), rs.scores([u, i], None, 0))


def test_staged_computes_each_stage_in_one_batch() -> None:
    calls: list[list[int]] = []

    def compute(seeds: list[int]) -> list[int]:
        calls.append(seeds)
        return [10 * s for s in seeds]

    run = ex.staged((2, 5), 100, compute)
    assert [run(s) for s in range(100, 105)] == [1000, 1010, 1020, 1030, 1040]
    assert calls == [[100, 101], [102, 103, 104]]


def test_conjunction_supports_only_when_every_part_does_and_refutes_when_one_does() -> None:
    ok, no, maybe = (Outcome(verdict=v, reason=v) for v in ("supported", "refuted", "inconclusive"))
    assert ex.conjunction([("a", ok), ("b", ok)]).verdict == "supported"
    assert ex.conjunction([("a", ok), ("b", maybe)]).verdict == "inconclusive"
    both = ex.conjunction([("a", maybe), ("b", no)])
    assert both.verdict == "refuted" and set(both.statistics["parts"]) == {"a", "b"}
