"""Unit tests of the pu2026 helpers in claims/pu2026/maps.py, against independent computations."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from entmax import entmax15_loss, entmax_bisect_loss, sparsemax_loss

from claims.pu2026.maps import (
    apply,
    entmax_is_zero,
    entmax_jacobian,
    entmax_logits,
    exact_alpha,
    fy_loss,
    jacobian,
    nce_link,
    prediction_map,
    symmetric_norm,
    tsallis_omega,
)


def _logits(rows: int = 6, n: int = 7, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return 3.0 * torch.randn(rows, n, generator=gen, dtype=torch.float64)


def test_nce_link_matches_its_definition() -> None:
    s = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    q = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    k = 5
    x = s - torch.log(k * q)
    expected = torch.exp(x) / (1 + torch.exp(x))
    assert torch.allclose(nce_link(s, k, q), expected, rtol=0, atol=1e-15)


def test_nce_link_is_one_half_at_the_offset() -> None:
    q = torch.tensor([0.1, 0.9], dtype=torch.float64)
    assert torch.allclose(nce_link(torch.log(4 * q), 4, q), torch.full((2,), 0.5, dtype=torch.float64))


def test_nce_link_jacobian_is_diagonal_sigma_prime() -> None:
    s, q = torch.tensor([0.5, -0.5, 1.5], dtype=torch.float64), torch.tensor([0.5, 0.25, 0.25], dtype=torch.float64)
    J = torch.autograd.functional.jacobian(lambda z: nce_link(z, 3, q), s)
    h = nce_link(s, 3, q)
    assert torch.allclose(J, torch.diag(h * (1 - h)), atol=1e-15)


@pytest.mark.parametrize(("name", "reference"), [
    ("softmax", lambda s, t: torch.nn.functional.cross_entropy(s, t, reduction="none")),
    ("sparsemax", sparsemax_loss),
    ("entmax15", entmax15_loss),
    ("entmax", lambda s, t: entmax_bisect_loss(s, t, 1.25, 100)),
])
def test_fy_loss_matches_library_losses_on_one_hot_targets(name: str, reference) -> None:  # noqa: ANN001
    s = _logits()
    t = torch.arange(s.shape[0]) % s.shape[1]
    y = torch.nn.functional.one_hot(t, s.shape[1]).to(torch.float64)
    assert torch.allclose(fy_loss(name, s, y, alpha=1.25), reference(s, t), atol=1e-12)


@pytest.mark.parametrize("name", ["softmax", "sparsemax", "entmax15", "entmax"])
def test_fy_loss_is_nonnegative_and_zero_at_its_prediction(name: str) -> None:
    s = _logits(seed=1)
    y = torch.softmax(_logits(seed=2), dim=-1)
    assert bool((fy_loss(name, s, y, alpha=1.25) >= -1e-12).all())
    p = prediction_map(name, 1.25)(s)
    assert torch.allclose(fy_loss(name, s, p, alpha=1.25), torch.zeros(s.shape[0], dtype=torch.float64), atol=1e-9)


@pytest.mark.parametrize("name", ["softmax", "sparsemax", "entmax15"])
def test_fy_loss_gradient_by_finite_differences(name: str) -> None:
    s, y = _logits(rows=1, seed=3)[0], torch.softmax(_logits(rows=1, seed=4)[0], dim=-1)
    h = 1e-6
    eye = torch.eye(len(s), dtype=torch.float64)
    fd = torch.stack([(fy_loss(name, s + h * e, y) - fy_loss(name, s - h * e, y)) / (2 * h) for e in eye])
    assert torch.allclose(fd, prediction_map(name)(s) - y, atol=1e-6)


def test_tsallis_omega_at_alpha_two_is_half_squared_norm_minus_half() -> None:
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    assert torch.isclose(tsallis_omega(p, 2.0), 0.5 * (p * p).sum() - 0.5)


@pytest.mark.parametrize(("alpha", "name"), [(1.5, "entmax15"), (2.0, "sparsemax"), (1.25, "entmax")])
def test_entmax_jacobian_closed_form_matches_autograd(alpha: float, name: str) -> None:
    for s in _logits(rows=5, n=6, seed=5):
        assert torch.allclose(entmax_jacobian(s, alpha), jacobian(name, s, alpha), atol=1e-10)


def test_entmax_jacobian_norm_at_two_way_tie() -> None:
    s = torch.tensor([1.0, 1.0, -5.0], dtype=torch.float64)
    norm = torch.linalg.matrix_norm(entmax_jacobian(s, 1.5), ord=2)
    assert abs(float(norm) - 2**-0.5) < 1e-12


def test_symmetric_norm_matches_the_largest_singular_value() -> None:
    gen = torch.Generator().manual_seed(7)
    A = torch.randn(4, 5, 5, generator=gen, dtype=torch.float64)
    S = A + A.transpose(-1, -2)
    assert torch.allclose(symmetric_norm(S), torch.linalg.matrix_norm(S, ord=2), atol=1e-12)


def test_exact_alpha_reads_the_decimal_not_the_binary_float() -> None:
    assert exact_alpha(1.05) == Fraction(21, 20)
    assert exact_alpha(2.0) == 2 and exact_alpha(1.5) == Fraction(3, 2)


@pytest.mark.parametrize(("alpha", "name"), [(1.5, "entmax15"), (2.0, "sparsemax"), (1.25, "entmax"), (1.05, "entmax")])
def test_entmax_logits_invert_the_map(alpha: float, name: str) -> None:
    p = np.array([0.5, 0.3, 0.0, 0.2, 0.0])
    assert np.allclose(apply(name, entmax_logits(p, alpha), alpha), p, atol=1e-9)


@pytest.mark.parametrize("alpha", [2.0, 1.5, 1.25, 1.05, 1.001])
def test_entmax_is_zero_at_the_sparsity_gap(alpha: float) -> None:
    gap = float(1 / (exact_alpha(alpha) - 1))
    s = np.array([gap, 0.0, -1.0])
    assert entmax_is_zero(s, 1, alpha) and entmax_is_zero(s, 2, alpha) and not entmax_is_zero(s, 0, alpha)
    closer = np.array([gap * (1 - 1e-9), 0.0, -1.0])
    assert not entmax_is_zero(closer, 1, alpha)


@pytest.mark.parametrize(("alpha", "name"), [(1.5, "entmax15"), (2.0, "sparsemax"), (1.25, "entmax")])
def test_entmax_is_zero_agrees_with_the_library_away_from_the_threshold(alpha: float, name: str) -> None:
    gen = np.random.default_rng(3)
    for _ in range(30):
        s = gen.normal(size=6) * 3
        p = apply(name, s, alpha)
        for i in range(6):
            if p[i] > 1e-6 or p[i] == 0.0:
                assert entmax_is_zero(s, i, alpha) == (p[i] == 0.0)
