"""Rankmax and the simplex projection behind it, cross-checked against independent computations."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from entmax import sparsemax
from scipy.optimize import minimize

from claims.pu2026.rankmax import label_scale, project_simplex, rankmax, scale, threshold


def bisection_projection(v: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Euclidean projection onto the simplex by bisection on τ in Σ (v_i - τ)_+ = 1 (independent of sorting)."""
    low, high = float(v.min()) - 1.0, float(v.max())
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if np.maximum(v - mid, 0.0).sum() > 1.0 else (low, mid)
    return np.maximum(v - 0.5 * (low + high), 0.0)


def qp_projection(v: np.ndarray) -> np.ndarray:
    """The same projection as a constrained least-squares problem solved by SciPy (SLSQP)."""
    result = minimize(lambda x: 0.5 * np.sum((x - v) ** 2), np.full(len(v), 1.0 / len(v)), jac=lambda x: x - v,
                      method="SLSQP", bounds=[(0.0, None)] * len(v), options={"ftol": 1e-14, "maxiter": 500},
                      constraints=({"type": "eq", "fun": lambda x: x.sum() - 1.0, "jac": lambda x: np.ones_like(x)},))
    return result.x


def random_scores(seed: int, rows: int = 64) -> torch.Tensor:
    """Scores of varied sizes and scales, with ties, as one padded-free list of rows per size."""
    gen = torch.Generator().manual_seed(seed)
    n = int(torch.randint(2, 40, (1,), generator=gen))
    scale_ = 10.0 ** torch.randint(-2, 4, (rows, 1), generator=gen).to(torch.float64)
    z = torch.randn(rows, n, generator=gen, dtype=torch.float64) * scale_
    z[::4, 1] = z[::4, 0]  # ties
    return z


@pytest.mark.parametrize("seed", range(5))
def test_projection_matches_sparsemax_and_bisection(seed: int) -> None:
    """The sort-based projection equals entmax's sparsemax and an independent bisection on τ."""
    z = random_scores(seed)
    p = project_simplex(z)
    assert torch.allclose(p, sparsemax(z, dim=-1), atol=1e-12, rtol=0)
    for row in z.numpy()[:16]:
        assert np.allclose(project_simplex(torch.as_tensor(row)).numpy(), bisection_projection(row), atol=1e-9, rtol=0)
    assert torch.allclose(p.sum(-1), torch.ones(len(z), dtype=torch.float64), atol=1e-12)
    assert (p >= 0).all()


def test_projection_matches_a_quadratic_program() -> None:
    """For small n the projection is the solution of min ½‖x - v‖² on the simplex (SciPy SLSQP)."""
    gen = np.random.default_rng(0)
    for _ in range(20):
        v = gen.normal(size=int(gen.integers(2, 7))) * 3
        assert np.allclose(project_simplex(torch.as_tensor(v)).numpy(), qp_projection(v), atol=1e-6)


def test_threshold_gives_the_projection() -> None:
    """(v - τ)_+ with the returned τ sums to one."""
    z = random_scores(7)
    assert torch.allclose((z - threshold(z)).clamp_min(0).sum(-1), torch.ones(len(z), dtype=torch.float64))


@pytest.mark.parametrize("seed", range(5))
def test_label_scale_is_the_support_boundary(seed: int) -> None:
    """Below α_y(z) the label is in the support of Π(αz), just above it it is not (independent projection)."""
    z = random_scores(seed, rows=32).numpy()
    gen = np.random.default_rng(seed)
    for row in z:
        y = int(gen.integers(len(row)))
        a = float(label_scale(torch.as_tensor(row).unsqueeze(0), torch.tensor([y])))
        if not np.isfinite(a):
            assert row[y] == row.max()
            continue
        centred = row - row.max()
        assert bisection_projection(a * (1 - 1e-6) * centred)[y] > 0
        assert bisection_projection(a * (1 + 1e-6) * centred)[y] == 0


def test_witness_has_the_closed_form() -> None:
    """z = (5, 3, 2.5), y = 3rd class: α_y = 1/3 and Π(αz) = (1/3 + 3α/2, 1/3 - α/2, 1/3 - α)."""
    z, y = torch.tensor([[5.0, 3.0, 2.5]], dtype=torch.float64), torch.tensor([2])
    assert float(label_scale(z, y)) == pytest.approx(1 / 3, abs=1e-15)
    for fraction in (1e-6, 0.3, 0.9, 1 - 1e-9):
        a = fraction / 3
        expected = torch.tensor([1 / 3 + 1.5 * a, 1 / 3 - a / 2, 1 / 3 - a], dtype=torch.float64)
        assert torch.allclose(rankmax(z, y, fraction)[0], expected, atol=1e-12)
        assert float(scale(z, y, fraction)) == pytest.approx(a)
    assert project_simplex(z)[0].tolist() == [1.0, 0.0, 0.0]  # sparsemax drops the hard negative


@pytest.mark.parametrize("seed", range(5))
def test_rankmax_keeps_every_class_scored_at_least_as_high_as_the_label(seed: int) -> None:
    """For fractions in (0, 1) every z_j ≥ z_y gets p_j ≥ p_y > 0; the result is the projection of αz."""
    z = random_scores(seed)
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(z.shape[1], (len(z),), generator=gen)
    fraction = 0.01 + 0.98 * torch.rand(len(z), generator=gen, dtype=torch.float64)
    p = rankmax(z, y, fraction)
    py = p.gather(-1, y.unsqueeze(-1))
    above = z >= z.gather(-1, y.unsqueeze(-1))
    assert (py > 0).all()
    assert (p[above] > 0).all()
    assert ((p - py)[above] >= -1e-12).all()
    alpha = scale(z, y, fraction)
    finite = torch.isfinite(alpha)
    assert torch.allclose(p[finite], project_simplex(alpha[finite].unsqueeze(-1) * z[finite]), atol=1e-10)


def test_rankmax_rows_are_independent() -> None:
    """A batch gives the same rows as one row at a time."""
    z = random_scores(3, rows=8)
    y = torch.arange(8) % z.shape[1]
    batch = rankmax(z, y, 0.5)
    for i in range(8):
        assert torch.allclose(batch[i], rankmax(z[i:i + 1], y[i:i + 1], 0.5)[0], atol=1e-14)


def test_rankmax_top_label_is_the_uniform_limit_on_the_top_classes() -> None:
    """A top-scored label admits every α; the returned limit is uniform on the top-scored classes."""
    z = torch.tensor([[2.0, 2.0, 1.0, -3.0]], dtype=torch.float64)
    assert float(label_scale(z, torch.tensor([0]))) == float("inf")
    assert rankmax(z, torch.tensor([1]), 0.5)[0].tolist() == [0.5, 0.5, 0.0, 0.0]


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.5, 1.5])
def test_rankmax_rejects_fractions_outside_the_admissible_interval(fraction: float) -> None:
    """α must stay strictly inside (0, α_y(z)): the fraction must lie in (0, 1)."""
    with pytest.raises(ValueError, match="fraction must lie in"):
        rankmax(torch.zeros(1, 3, dtype=torch.float64), torch.tensor([0]), fraction)


def test_a_subnormal_gap_above_the_label_keeps_the_label_in_the_support() -> None:
    """α_y(z) = 1/gap overflows for a subnormal gap; the projection is formed without α (found by the seed sweep)."""
    z = torch.tensor([[2.2250738585e-313, 0.0], [1e-320, -5.0]], dtype=torch.float64)
    p = rankmax(z, torch.tensor([1, 0]), 0.5)
    assert torch.isfinite(p).all() and torch.allclose(p.sum(-1), torch.ones(2, dtype=torch.float64))
    assert float(p[0, 1]) > 0 and torch.equal(p[1], torch.tensor([1.0, 0.0], dtype=torch.float64))
