"""Unit tests of claims.dbv2016.mlp: the output losses, the data, the batched trainer and its sweep."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from claims.dbv2016 import mlp
from claims.dbv2016.exp_high_dim import slope
from claims.dbv2016.spherical import prediction
from verifiers import Outcome
from verifiers import experiment as ex


@pytest.mark.parametrize("name", mlp.LOSSES)
def test_each_loss_is_a_log_distribution(name: str) -> None:
    o = 3 * torch.randn(5, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(mlp.log_probs(name, o).exp().sum(-1), torch.ones(5, dtype=torch.float64))


@pytest.mark.parametrize("name", ["taylor", "spherical"])
def test_polynomial_losses_match_the_spherical_module(name: str) -> None:
    o = torch.randn(4, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(mlp.log_probs(name, o).exp(), prediction(name, o))


def test_the_even_part_is_even_and_taylor_is_not() -> None:
    o = torch.tensor([[1.0, 0.0, -2.0]], dtype=torch.float64)
    assert torch.allclose(mlp.log_probs("even-taylor", o), mlp.log_probs("even-taylor", -o))
    assert not torch.allclose(mlp.log_probs("taylor", o), mlp.log_probs("taylor", -o))
    with pytest.raises(ValueError, match="unknown loss"):
        mlp.log_probs("hinge", o)


def test_the_error_is_read_from_the_map_not_from_the_logits() -> None:
    o = torch.tensor([[[-5.0, 1.0]]])  # f_tay favours class 0 (g(-5) = 8.5 > g(1) = 2.5); argmax o is class 1
    y = torch.tensor([[0]])
    assert float(mlp._per_loss(["taylor"], o, y, "error")[0]) == 0.0
    assert float(mlp._per_loss(["log-softmax"], o, y, "error")[0]) == 100.0


def test_digits_split_is_stratified_standardized_and_seeded() -> None:
    a, b = mlp.digits(0), mlp.digits(0)
    assert len(a.y_train) + len(a.y_held) == 1797 and torch.equal(a.x_train, b.x_train)
    assert not torch.equal(a.x_train, mlp.digits(1).x_train)
    counts = torch.bincount(a.y_train, minlength=10).float() / torch.bincount(
        torch.cat([a.y_train, a.y_held]), minlength=10).float()
    assert torch.allclose(counts, torch.full((10,), mlp.TRAIN_FRACTION), atol=0.01)
    assert torch.isfinite(a.x_held).all() and float(a.x_train.mean(0).abs().max()) < 1e-5


def test_the_mixture_depends_on_seed_and_class_count_only() -> None:
    mix = mlp.Mixture(per_class=5, dim=3, separation=1.0)
    assert torch.equal(mix(4, 2).x_train, mix(4, 2).x_train) and mix(4, 2).classes == 4
    assert len(mix(7, 2).y_train) + len(mix(7, 2).y_held) == 35


def test_batched_adam_equals_torch_adam_run_by_run() -> None:
    w = torch.randn(2, 3, generator=torch.Generator().manual_seed(2))
    ours = [w.clone().requires_grad_()]
    opt = ex.RunAdam(ours, torch.tensor([0.05, 0.2]))
    refs = [w[r].clone().requires_grad_() for r in range(2)]
    ref_opts = [torch.optim.Adam([p], lr=lr) for p, lr in zip(refs, (0.05, 0.2))]
    for _ in range(4):
        (ours[0] ** 3).sum().backward()
        opt.step()
        for p, o in zip(refs, ref_opts):
            o.zero_grad()
            (p**3).sum().backward()
            o.step()
    assert torch.allclose(ours[0].detach(), torch.stack([p.detach() for p in refs]), atol=1e-6)


def test_identical_arms_train_identically_and_the_sweep_reads_the_validation_minimum() -> None:
    mix = mlp.Mixture(per_class=10, dim=4, separation=2.0)
    schedule = mlp.Schedule(hidden=8, epochs=3, batch=16, lrs=(0.01, 0.03), checkpoints=3)
    data = mix(3, 5)
    res = mlp.train([data], [5], [("taylor", 0.01), ("taylor", 0.01), ("log-softmax", 0.03)], schedule)
    assert res.shape == (1, 3, 3, 2) and torch.equal(res[0, 0], res[0, 1])
    settings = mlp.sweep(data, 5, ["taylor"], schedule)
    errors = mlp.train([data], [5], [("taylor", lr) for lr in schedule.lrs], schedule)[0, :, :, 0]
    assert settings["taylor"].val_error == pytest.approx(float(errors.min()))


def test_stage_helpers() -> None:
    assert ex.at_least((4, 8), 20) == (10, 20) and ex.at_least((8, 16, 32), 20) == (8, 16, 32)
    calls: list[list[int]] = []
    run = ex.staged((1, 3), 7, lambda seeds: calls.append(seeds) or seeds)
    assert [run(s) for s in (7, 8, 9)] == [7, 8, 9] and calls == [[7], [8, 9]]
    assert slope(np.log10([10, 100, 1000]), np.array([1.0, 2.0, 3.0])) == pytest.approx(1.0)
    assert slope(np.log10([100, 100]), np.array([5.0, 5.0])) == 0.0
    verdicts = [Outcome(verdict="supported", reason=""), Outcome(verdict="refuted", reason="")]
    assert ex.conjunction([("a", verdicts[0]), ("b", verdicts[1])]).verdict == "refuted"
