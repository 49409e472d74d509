"""Unit tests of claims.pu2026.estimators against brute force, scipy and autograd."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from scipy.stats import multinomial

from claims.pu2026.estimators import (
    chi_square_plugin,
    corrected_log_zhat_ratio,
    count_vector_blocks,
    count_vectors,
    full_gradient,
    log_multinomial,
    log_zhat_ratio,
    multinomial_expectation,
    n_count_vectors,
    negatives_expectation,
    sample_counts,
    ssm_gradient,
    ssm_gradient_controlled,
    weight_atoms,
    zhat_ratio,
)
from claims.pu2026.sampling import chi_square


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _law(*values: float) -> torch.Tensor:
    q = torch.tensor(values, dtype=torch.float64)
    return q / q.sum()


@pytest.mark.parametrize(("k", "m"), [(0, 1), (3, 1), (0, 3), (5, 2), (4, 3), (6, 4), (3, 5)])
def test_count_vectors_are_every_composition_once(k: int, m: int) -> None:
    """Rows are exactly the tuples of m non-negative integers summing to k."""
    rows = sorted(map(tuple, count_vectors(k, m).tolist()))
    brute = sorted(c for c in itertools.product(range(k + 1), repeat=m) if sum(c) == k)
    assert rows == brute and len(rows) == n_count_vectors(k, m)


@pytest.mark.parametrize(("k", "m", "max_rows"), [(7, 3, 5), (6, 4, 4), (5, 5, 3), (9, 3, 1000)])
def test_count_vector_blocks_partition_the_count_vectors(k: int, m: int, max_rows: int) -> None:
    blocks = list(count_vector_blocks(k, m, max_rows))
    rows = [tuple(r) for b in blocks for r in b.tolist()]
    assert sorted(rows) == sorted(map(tuple, count_vectors(k, m).tolist()))
    assert len(rows) == len(set(rows))


def test_count_vectors_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError, match="k >= 0 and m >= 1"):
        count_vectors(-1, 3)


def test_log_multinomial_matches_scipy() -> None:
    q = _law(0.2, 0.5, 0.3)
    counts = count_vectors(6, 3)
    expected = torch.tensor([float(multinomial.logpmf(c, 6, q.tolist())) for c in counts.tolist()], dtype=torch.float64)
    assert torch.allclose(log_multinomial(counts, q), expected, rtol=0, atol=1e-12)


def test_multinomial_expectation_has_the_multinomial_moments() -> None:
    """E 1 = 1, E c = k q, Var c_a = k q_a (1 - q_a), also when split into blocks."""
    q, k = _law(0.1, 0.2, 0.3, 0.4), 9
    assert float(multinomial_expectation(lambda c: torch.ones(c.shape[0], dtype=torch.float64), q, k)) == \
        pytest.approx(1.0, abs=1e-13)
    mean = multinomial_expectation(lambda c: c, q, k, max_rows=7)
    assert torch.allclose(mean, k * q, rtol=0, atol=1e-12)
    second = multinomial_expectation(lambda c: (c - k * q) ** 2, q, k)
    assert torch.allclose(second, k * q * (1 - q), rtol=0, atol=1e-12)


@pytest.mark.parametrize("q", [torch.tensor([0.5, 0.5, 0.0]), torch.tensor([0.5, 0.6])])
def test_multinomial_expectation_rejects_a_law_without_full_support_or_not_normalized(q: torch.Tensor) -> None:
    with pytest.raises(ValueError, match="strictly positive and sum to 1"):
        multinomial_expectation(lambda c: c[:, 0], q, 2)


def test_weight_atoms_merge_equal_weights_and_keep_the_mass() -> None:
    s = torch.tensor([2.0, 0.0, 0.0, 0.0], dtype=torch.float64)
    q = _law(1.0, 1.0, 1.0, 1.0)
    w, mass = weight_atoms(s, q)
    assert w.numel() == 2 and float(mass.sum()) == pytest.approx(1.0, abs=1e-15)
    p = torch.softmax(s, 0)
    assert torch.allclose(w, torch.stack([p[1] / q[1], p[0] / q[0]]), rtol=1e-14, atol=0)
    w, mass = weight_atoms(s, torch.softmax(s, 0))
    assert w.tolist() == pytest.approx([1.0]) and mass.tolist() == pytest.approx([1.0])


def test_exact_zhat_variance_is_chi_square_over_k() -> None:
    """E(Ẑ_k/Z) = 1 and k Var(Ẑ_k/Z) = χ² exactly, by enumeration over the classes of a 4-class problem."""
    s, q = torch.tensor([1.0, -0.5, 0.3, 2.0], dtype=torch.float64), _law(0.4, 0.3, 0.2, 0.1)
    w = torch.softmax(s, 0) / q
    for k in (1, 3, 10):
        assert float(multinomial_expectation(lambda c: zhat_ratio(c, w), q, k)) == pytest.approx(1.0, abs=1e-13)
        var = float(multinomial_expectation(lambda c: (zhat_ratio(c, w) - 1) ** 2, q, k))
        assert k * var == pytest.approx(chi_square(s, q), rel=1e-12)


def test_plugin_chi_square_from_raw_weights() -> None:
    """χ̂² is the mean of (W_j/Ẑ - 1)² over the draws, for unnormalized weights too (scale-free)."""
    w = torch.tensor([0.5, 2.0, 1.25], dtype=torch.float64)
    counts = torch.tensor([[2.0, 1.0, 3.0], [0.0, 6.0, 0.0]], dtype=torch.float64)
    for row, got in zip(counts, chi_square_plugin(counts, 7.0 * w)):
        draws = torch.repeat_interleave(w, row.long())
        assert float(got) == pytest.approx(float(((draws / draws.mean() - 1) ** 2).mean()), abs=1e-14)
    assert torch.allclose(log_zhat_ratio(counts, w), torch.log(counts @ w / 6), rtol=0, atol=1e-15)


def test_corrected_bias_approaches_the_second_order_coefficient() -> None:
    """k²·bias of log Ẑ_k + χ̂²/(2k) → 3σ⁴/4 - σ²/2 - 2μ₃/3 (derived by hand); k·bias of log Ẑ_k → -σ²/2."""
    q = _law(0.5, 0.3, 0.2)
    w = torch.tensor([0.5, 1.0, 2.5], dtype=torch.float64)
    w = w / float(q @ w)  # normalized weights: E_q w = 1
    d = w - 1
    sigma2, mu3 = float(q @ d**2), float(q @ d**3)
    k = 400
    bias = float(multinomial_expectation(lambda c: corrected_log_zhat_ratio(c, w), q, k))
    plain = float(multinomial_expectation(lambda c: log_zhat_ratio(c, w), q, k))
    assert k * k * bias == pytest.approx(0.75 * sigma2**2 - 0.5 * sigma2 - 2 * mu3 / 3, rel=0.02)
    assert k * plain == pytest.approx(-sigma2 / 2, rel=0.02)


def test_sample_counts_rows_sum_to_k_and_average_to_kq() -> None:
    q, k, m = _law(0.0, 0.25, 0.75), 5, 40_000
    counts = sample_counts(q, k, m, _gen(1))
    assert counts.shape == (m, 3) and bool((counts.sum(1) == k).all()) and float(counts[:, 0].abs().max()) == 0.0
    se = torch.sqrt(k * q * (1 - q) / m)
    assert bool(((counts.mean(0) - k * q).abs() <= 6 * se + 1e-12).all())


def _autograd_gradient(count: torch.Tensor, o: torch.Tensor, y: int, q: torch.Tensor) -> torch.Tensor:
    o = o.clone().requires_grad_(True)
    k = float(count.sum())
    negatives = [j for j in range(o.numel()) if j != y]
    terms = [o[y]] + [o[j] - math.log(k * float(q[j])) + math.log(float(count[j])) for j in negatives if count[j] > 0]
    loss = -o[y] + torch.logsumexp(torch.stack(terms), 0)
    loss.backward()
    return o.grad


def test_ssm_gradient_matches_autograd() -> None:
    o, y = torch.tensor([0.3, -1.0, 2.0, 0.5], dtype=torch.float64), 2
    q = _law(0.2, 0.5, 0.0, 0.3)
    counts = torch.tensor([[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0], [2.0, 0.0, 0.0, 1.0]], dtype=torch.float64)
    grads = ssm_gradient(counts, o, y, q)
    for row, grad in zip(counts, grads):
        assert torch.allclose(grad, _autograd_gradient(row, o, y, q), rtol=0, atol=1e-14)
    assert torch.allclose(grads.sum(1), torch.zeros(3, dtype=torch.float64), atol=1e-15)


def test_full_gradient_matches_autograd() -> None:
    o = torch.tensor([0.3, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (-torch.log_softmax(o, 0)[1]).backward()
    assert torch.allclose(full_gradient(o.detach(), 1), o.grad, rtol=0, atol=1e-15)


def test_controlled_gradient_has_the_same_expectation() -> None:
    """Exact expectations agree for a uniform proposal; softmax on the negatives gives the full gradient exactly."""
    o, y = torch.tensor([0.5, 2.0, 1.0, -1.0], dtype=torch.float64), 0
    uniform = _law(0.0, 1.0, 1.0, 1.0)
    for k in (1, 3, 6):
        plain = negatives_expectation(lambda c: ssm_gradient(c, o, y, uniform), uniform, y, k)
        controlled = negatives_expectation(lambda c: ssm_gradient_controlled(c, o, y, uniform), uniform, y, k)
        assert torch.allclose(plain, controlled, rtol=0, atol=1e-14)
        assert float((plain - full_gradient(o, y)).norm()) > 1e-3
    softmax = torch.exp(o).clone()
    softmax[y] = 0
    softmax = softmax / softmax.sum()
    counts = sample_counts(softmax, 4, 64, _gen(2))
    rows = ssm_gradient_controlled(counts, o, y, softmax)
    assert torch.allclose(rows, full_gradient(o, y).expand_as(rows), rtol=0, atol=1e-14)
    for k in (1, 2, 5):
        exact = negatives_expectation(lambda c: ssm_gradient(c, o, y, softmax), softmax, y, k)
        assert torch.allclose(exact, full_gradient(o, y), rtol=0, atol=1e-14)
