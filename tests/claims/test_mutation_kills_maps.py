"""Behaviour of claims/pu2026/maps.py that its other tests leave open (defaults, dtypes, batches, exact decisions).

Each test states a property a caller relies on: default α = 1.5, float64 results for float32 input, batched
input mapped along the last dimension, closed forms equal to autograd, and the exact threshold decisions of
``entmax_is_zero`` (a single gap of 1, sums within 1e-50 of 1, the :data:`EXACT_BITS_MAX` cap).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from entmax import entmax15, entmax_bisect, sparsemax

from claims.pu2026.maps import (
    EXACT_BITS_MAX,
    apply,
    entmax_is_zero,
    entmax_jacobian,
    entmax_logits,
    exact_alpha,
    fy_loss,
    jacobian,
    nce_link,
    prediction_map,
    softmax_jacobian,
    spectral_norm,
    symmetric_norm,
)
from verifiers import InvalidArgument

F64 = torch.float64


def _batch(*shape: int, seed: int = 0, scale: float = 2.0) -> torch.Tensor:
    return scale * torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=F64)


def _rowwise(fn, s: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
    """``fn`` applied to each 1-D row of ``s`` separately, stacked back into the batch shape."""
    rows = s.reshape(-1, s.shape[-1])
    out = torch.stack([fn(r) for r in rows])
    return out.reshape(*s.shape[:-1], *out.shape[1:])


# --- defaults: α = 1.5 everywhere ---------------------------------------------------------------------------------

def test_default_alpha_is_one_point_five() -> None:
    s = _batch(4, 6, seed=1)
    y = torch.softmax(_batch(4, 6, seed=2), dim=-1)
    assert torch.allclose(prediction_map("entmax")(s), entmax15(s), rtol=0, atol=1e-14)
    assert np.allclose(apply("entmax", s[0].numpy()), entmax15(s[0]).numpy(), rtol=0, atol=1e-14)
    assert torch.allclose(fy_loss("entmax", s, y), fy_loss("entmax15", s, y), rtol=0, atol=1e-12)
    assert torch.allclose(jacobian("entmax", s[0]), jacobian("entmax15", s[0]), rtol=0, atol=1e-12)
    assert torch.allclose(entmax_jacobian(s[0]), jacobian("entmax15", s[0]), rtol=0, atol=1e-12)


# --- float64 results for lower-precision input ----------------------------------------------------------------------

def test_float32_input_gives_float64_results() -> None:
    s64 = torch.tensor([0.1, -0.7, 1.3, 0.45], dtype=F64)
    s32 = s64.to(torch.float32)
    exact = s32.to(F64)  # the float32 values, read exactly
    y = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=F64)
    out = apply("softmax", s32.numpy())
    assert out.dtype == np.float64 and np.allclose(out, torch.softmax(exact, -1).numpy(), rtol=0, atol=1e-16)
    for result, expected in [
        (jacobian("entmax15", s32), jacobian("entmax15", exact)),
        (entmax_jacobian(s32, 1.5), entmax_jacobian(exact, 1.5)),
        (fy_loss("softmax", s32, y), fy_loss("softmax", exact, y)),
        (fy_loss("entmax15", s32, y), fy_loss("entmax15", exact, y)),
        (nce_link(s32, 3, 0.25), nce_link(exact, 3, 0.25)),
    ]:
        assert result.dtype == F64 and torch.allclose(result, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", ["softmax", "entmax15", "entmax"])
def test_float32_target_is_read_exactly_by_fy_loss(name: str) -> None:
    s = torch.tensor([0.3, -1.1, 2.2, 0.05], dtype=F64)
    y32 = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float32)
    assert torch.allclose(fy_loss(name, s, y32, 1.3), fy_loss(name, s, y32.to(F64), 1.3), rtol=0, atol=1e-15)


def test_entmax_logits_are_float64_for_float32_probabilities() -> None:
    p32 = np.array([0.6, 0.3, 0.1, 0.0], dtype=np.float32)
    out = entmax_logits(p32, 1.5)
    expected = np.where(p32 > 0, p32.astype(np.float64) ** 0.5 / 0.5, -1.0)
    assert out.dtype == np.float64 and np.array_equal(out, expected)


# --- apply: bad input names the public function ---------------------------------------------------------------------

@pytest.mark.parametrize("bad", [np.array([0.0, math.nan]), np.array([math.inf, 1.0])])
def test_apply_refuses_non_finite_logits_naming_itself(bad: np.ndarray) -> None:
    with pytest.raises(InvalidArgument) as info:
        apply("softmax", bad)
    assert str(info.value).startswith("claims.pu2026.maps.apply:"), str(info.value)


# --- maps on batches: the last dimension is the class dimension ---------------------------------------------------

def test_reversed_softmax_is_softmax_of_negated_logits_along_the_last_dimension() -> None:
    s = _batch(2, 3, 5, seed=3)
    p = prediction_map("reversed-softmax")(s)
    assert torch.allclose(p, _rowwise(lambda r: torch.exp(-r) / torch.exp(-r).sum(), s), rtol=0, atol=1e-15)
    assert torch.allclose(p.sum(-1), torch.ones(2, 3, dtype=F64), rtol=0, atol=1e-15)
    assert bool((p[..., 0] > p[..., 1]).eq(s[..., 0] < s[..., 1]).all())  # smaller logit, larger probability
    assert np.allclose(apply("reversed-softmax", np.array([0.0, math.log(3.0)])), [0.75, 0.25], rtol=0, atol=1e-15)


@pytest.mark.parametrize(("alpha", "exact"), [(2.0, sparsemax), (1.5, entmax15)])
def test_bisection_entmax_reaches_float64_precision(alpha: float, exact) -> None:  # noqa: ANN001
    s = _batch(300, 64, seed=4, scale=0.1)
    assert torch.allclose(prediction_map("entmax", alpha)(s), exact(s), rtol=0, atol=1e-15)


def test_softmax_jacobian_is_the_autograd_jacobian_for_vectors_and_batches() -> None:
    s = _batch(2, 3, 4, seed=5)
    J = softmax_jacobian(s)
    assert J.shape == (2, 3, 4, 4)
    auto = _rowwise(lambda r: torch.autograd.functional.jacobian(lambda z: torch.softmax(z, -1), r), s)
    assert torch.allclose(J, auto, rtol=0, atol=1e-15)
    assert torch.allclose(softmax_jacobian(s[1, 2]), auto[1, 2], rtol=0, atol=1e-15)
    assert torch.allclose(J.sum(-1), torch.zeros(2, 3, 4, dtype=F64), atol=1e-15)  # rows sum to 0
    uniform = softmax_jacobian(torch.zeros(4, dtype=F64))
    assert torch.allclose(uniform, torch.eye(4, dtype=F64) / 4 - 1 / 16, rtol=0, atol=1e-16)


def test_softmax_jacobian_is_differentiable() -> None:
    s = torch.tensor([0.2, -0.4, 1.0], dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda z: softmax_jacobian(z), (s,))


def test_entmax_jacobian_of_a_batch_is_the_jacobian_of_each_row() -> None:
    s = _batch(2, 3, 5, seed=6)
    for alpha in (1.5, 2.0, 1.3):
        J = entmax_jacobian(s, alpha)
        assert J.shape == (2, 3, 5, 5)
        assert torch.allclose(J, _rowwise(lambda r: entmax_jacobian(r, alpha), s), rtol=0, atol=1e-15)
    J2 = entmax_jacobian(s[0], 1.5)
    assert torch.allclose(J2, _rowwise(lambda r: jacobian("entmax15", r), s[0]), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("alpha", "name", "s"), [
    (1.5, "entmax15", [1.0, 0.75, 0.5, 0.125, -0.5, -2.0]),
    (1.5, "entmax15", [2.0**30 + x for x in (1.0, 0.75, 0.5, 0.125, -0.5, -2.0)]),
    (2.0, "sparsemax", [0.6, 1.15, 0.375, -0.125]),       # 0.375 sits on the threshold (in float, just below it)
    (2.0, "sparsemax", [-0.7, -0.939, -1.3195, -1.8195]),  # the same: a float tie at the support's edge
])
def test_entmax_jacobian_uses_the_exact_map_at_alpha_one_point_five_and_two(alpha: float, name: str, s: list) -> None:
    x = torch.tensor(s, dtype=F64)
    assert torch.allclose(entmax_jacobian(x, alpha), jacobian(name, x), rtol=0, atol=1e-12)


def test_entmax_jacobian_is_shift_invariant_at_large_offsets() -> None:
    s = torch.tensor([1.0, 0.75, 0.5, 0.125, -0.5, -2.0], dtype=F64)
    for alpha in (1.5, 2.0):
        assert torch.allclose(entmax_jacobian(s + 2.0**30, alpha), entmax_jacobian(s, alpha), rtol=0, atol=1e-13)


# --- norms ------------------------------------------------------------------------------------------------------------

def test_spectral_norm_is_the_largest_singular_value() -> None:
    A = torch.tensor([[3.0, 0.0], [4.0, 5.0]], dtype=F64)  # singular values sqrt(45), sqrt(5); Frobenius sqrt(50)
    assert abs(float(spectral_norm(A)) - math.sqrt(45)) < 1e-12
    batch = torch.stack([A, 2 * A, torch.eye(2, dtype=F64)])
    assert torch.allclose(spectral_norm(batch), torch.tensor([45**0.5, 2 * 45**0.5, 1.0], dtype=F64), atol=1e-12)
    J = softmax_jacobian(torch.zeros(5, dtype=F64))  # eigenvalues 1/5 (x4) and 0
    assert abs(float(spectral_norm(J)) - 0.2) < 1e-15


def test_symmetric_norm_is_the_largest_absolute_eigenvalue() -> None:
    S = torch.tensor([[1.0, 2.0], [2.0, -3.0]], dtype=F64)  # eigenvalues -1 ± 2√2
    assert abs(float(symmetric_norm(S)) - (1 + 2 * math.sqrt(2))) < 1e-12
    gen = torch.Generator().manual_seed(8)
    A = torch.randn(2, 3, 4, 4, generator=gen, dtype=F64)
    S4 = A + A.transpose(-1, -2)
    norms = symmetric_norm(S4)
    assert norms.shape == (2, 3)
    assert torch.allclose(norms, torch.linalg.matrix_norm(S4, ord=2), rtol=0, atol=1e-12)


# --- NCE link: q is taken in float64 on the device of s -------------------------------------------------------------

def test_nce_link_reads_q_in_float64() -> None:
    s = torch.tensor([0.3, -1.2, 2.0], dtype=F64)
    for q in (0.1, [0.1, 0.7, 0.2]):
        x = s - torch.log(torch.tensor(7.0, dtype=F64) * torch.tensor(q, dtype=F64))
        assert torch.allclose(nce_link(s, 7, q), 1 / (1 + torch.exp(-x)), rtol=0, atol=1e-16)


def test_nce_link_puts_q_on_the_device_of_s() -> None:
    s = torch.zeros(3, dtype=F64, device="meta")  # the meta device stands in for an accelerator
    out = nce_link(s, 3, torch.tensor([0.2, 0.3, 0.5], dtype=F64))
    assert out.device == s.device and out.shape == (3,)


# --- entmax_logits: zeros get logit -1, strictly off the support ----------------------------------------------------

@pytest.mark.parametrize("alpha", [1.4, 1.5, 2.0])
def test_entmax_logits_puts_zero_probabilities_at_minus_one_off_the_support(alpha: float) -> None:
    p = np.array([0.5, 0.0, 0.3, 0.2, 0.0])
    s = entmax_logits(p, alpha)
    assert s[1] == -1.0 and s[4] == -1.0
    assert np.allclose(s[[0, 2, 3]], p[[0, 2, 3]] ** (alpha - 1) / (alpha - 1), rtol=1e-15, atol=0)
    assert entmax_is_zero(s, 1, alpha) and entmax_is_zero(s, 4, alpha) and not entmax_is_zero(s, 3, alpha)


# --- entmax_is_zero: exact decisions at the threshold ----------------------------------------------------------------

def test_a_single_gap_of_exactly_one_decides_zero_for_any_alpha() -> None:
    # α = 1.4: (α-1)·2.5 = 1 exactly; 1/(α-1) = 5/2 is not an integer, so only the single-gap rule decides.
    assert exact_alpha(1.4) - 1 == Fraction(2, 5)
    assert entmax_is_zero(np.array([2.5, 0.0]), 1, 1.4)
    assert entmax_is_zero(np.array([2.5, 0.0, -3.0]), 1, 1.4)
    assert not entmax_is_zero(np.array([2.5, 0.0]), 0, 1.4)
    assert not entmax_is_zero(np.array([2.5 - 2**-50, 0.0]), 1, 1.4)  # just inside the gap: p_1 > 0


@pytest.mark.parametrize(("s", "expected"), [
    ([2.0, 2.0, 0.0], True),    # 2·0.8^2.5 = 1.145 >= 1
    ([1.5, 1.5, 0.0], False),   # 2·0.6^2.5 = 0.558 < 1
    ([2.0, 1.0, 0.0], False),   # 0.8^2.5 + 0.4^2.5 = 0.674 < 1
])
def test_non_integer_power_decisions_agree_with_the_threshold_form(s: list, expected: bool) -> None:
    x = np.array(s)
    assert entmax_is_zero(x, 2, 1.4) is expected
    assert (entmax_bisect(torch.tensor(x), alpha=1.4, n_iter=100)[2].item() == 0.0) is expected


def test_sparsemax_exact_ties_and_sums_a_hair_below_one() -> None:
    assert entmax_is_zero(np.array([0.5, 0.5, 0.0]), 2, 2.0)        # p = (1/2, 1/2, 0): a tie counts as zero
    assert not entmax_is_zero(np.array([0.5, 0.5, 0.0]), 0, 2.0)
    assert entmax_is_zero(np.array([0.75, 0.25, 0.0, 0.0]), 3, 2.0)
    t = 2.0**-300                                                   # gaps sum to 1 - 2^-299: p_2 = 2t/3 > 0
    assert not entmax_is_zero(np.array([0.5, 0.5, t]), 2, 2.0)       # float sparsemax rounds this p_2 to 0


def test_entmax15_sums_a_hair_above_and_below_one_are_decided_exactly() -> None:
    t = 2.0**-300
    assert entmax_is_zero(np.array([1.0, 1.0, 1.0, 1.0, 2 * t, 0.0]), 5, 1.5)      # 1 + 2^-600 >= 1: zero
    assert not entmax_is_zero(np.array([1.0, 1.0, 1.0, 1.0, t]), 4, 1.5)           # (1 - t)^2 < 1: positive
    assert entmax_is_zero(np.array([1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.0]), 7, 1.5)  # 3/4 + 4/16 = 1: a tie


def test_non_integer_power_within_1e_50_of_one_is_undecided() -> None:
    # α = 1.4: 32 gaps of 1/4 and 4 of 2^-68 give 1 + 2^-168 (≈ 2.7e-51) exactly; no exact integer test exists
    # for the power 5/2, so the documented conservative answer is False.
    s = np.array([0.625] * 32 + [2.5 * 2.0**-68] * 4 + [0.0])
    gaps = [(exact_alpha(1.4) - 1) * Fraction(float(x)) for x in s[:-1]]
    roots = [Fraction(math.isqrt(g.numerator), math.isqrt(g.denominator)) for g in gaps]
    assert all(r * r == g for r, g in zip(roots, gaps)) and sum(r**5 for r in roots) == 1 + Fraction(1, 2**168)
    assert entmax_is_zero(s, len(s) - 1, 1.4) is False


# α = 1.0005 = 2001/2000: power 1/(α-1) = 2000. These five gaps give Σ (d/2000)^2000 = 1 + 2.7e-66 (exactly >= 1).
_NEAR_ONE = [1999.9999999999998, 1971.0986738787412, 1942.3220534466675, 1914.0197439900412, 1886.2490129027158]


@pytest.mark.parametrize(("tiny", "bits", "expected"), [
    (2.0**-989, 1000, True),   # 2000 · 1000 bits = EXACT_BITS_MAX: still decided exactly
    (2.0**-990, 1001, False),  # one bit more: undecided, the conservative False
    (5e-324, 1085, False),
])
def test_exact_decision_stops_at_exact_bits_max(tiny: float, bits: int, expected: bool) -> None:
    s = np.array([0.0, *_NEAR_ONE, tiny])
    gaps = [(exact_alpha(1.0005) - 1) * Fraction(x) for x in s[1:]]
    assert math.lcm(*(g.denominator for g in gaps)).bit_length() == bits
    assert 2000 * 1000 == EXACT_BITS_MAX
    assert entmax_is_zero(s, 0, 1.0005) is expected
