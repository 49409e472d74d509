"""Numerical robustness of the implementations under test: extreme logits, ties, tiny and large n, NaN.

Every map must return finite probabilities on the simplex (within the dtype's rounding), order-consistent
with its scores, for logits of magnitude 1e4 in float32 and float64, for ties, for n = 2 and n = 10 000;
NaN or infinite inputs must be rejected with a clear :class:`verifiers.InvalidArgument`.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from claims.cs231n import losses
from claims.dbv2016 import spherical
from claims.pu2026 import maps
from verifiers import InvalidArgument

DTYPES = (torch.float32, torch.float64)
PU_MAPS = ("softmax", "sparsemax", "entmax15", "entmax")
SIZES = (2, 7, 10_000)


def extreme_logits(n: int, dtype: torch.dtype, seed: int = 0) -> torch.Tensor:
    """Logits spread over [-1e4, 1e4], both ends included, with a tie between the two largest values."""
    gen = torch.Generator().manual_seed(seed)
    s = (torch.rand(n, generator=gen, dtype=torch.float64) * 2.0 - 1.0) * 1e4
    s[0], s[-1] = 1e4, -1e4
    if n > 2:
        s[1] = s[0]
    return s.to(dtype)


def assert_on_simplex(p: torch.Tensor | np.ndarray, dtype: torch.dtype) -> None:
    """Finite, non-negative and summing to 1 within n * eps of the dtype."""
    p = torch.as_tensor(p).to(torch.float64)
    eps = torch.finfo(dtype).eps
    assert torch.isfinite(p).all(), p
    assert (p >= 0).all()
    assert abs(float(p.sum()) - 1.0) <= max(p.numel(), 10) * eps


def assert_order_consistent(score: torch.Tensor | np.ndarray, p: torch.Tensor | np.ndarray,
                            dtype: torch.dtype) -> None:
    """``score_i > score_j`` implies ``p_i >= p_j`` (up to a few ulps); equal scores get equal probabilities."""
    score, p = torch.as_tensor(score).to(torch.float64), torch.as_tensor(p).to(torch.float64)
    order = torch.argsort(score, descending=True, stable=True)
    ps, ss = p[order], score[order]
    slack = 4 * torch.finfo(dtype).eps * max(float(p.max()), 1e-300)
    assert (ps[1:] <= ps[:-1] + slack).all(), "probabilities not ordered like the scores"
    tied = ss[1:] == ss[:-1]
    assert ((ps[1:] - ps[:-1]).abs()[tied] <= slack).all(), "tied scores got different probabilities"


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", PU_MAPS)
def test_pu2026_maps_on_extreme_logits(name: str, n: int, dtype: torch.dtype) -> None:
    """softmax / sparsemax / 1.5-entmax / α-entmax on ±1e4 logits, in the given dtype."""
    s = extreme_logits(n, dtype)
    with torch.no_grad():
        p = maps.prediction_map(name, 1.3)(s)
    assert p.dtype == dtype
    assert_on_simplex(p, dtype)
    assert_order_consistent(s, p, dtype)
    assert float(p[0]) >= 1.0 / n  # the largest logit gets at least the uniform share


@pytest.mark.parametrize("name", PU_MAPS)
def test_pu2026_apply_on_ties_and_n2(name: str) -> None:
    """All-equal logits give the uniform distribution; n = 2 with a huge gap gives a one-hot vector."""
    for n in (2, 5, 10_000):
        assert np.allclose(maps.apply(name, np.full(n, 3.7)), 1.0 / n, rtol=0, atol=1e-12)
    p = maps.apply(name, np.array([1e4, -1e4]))
    assert p.tolist() == [1.0, 0.0]


def test_nce_link_on_extreme_logits() -> None:
    """σ(s - log kq) stays in [0, 1], finite and monotone in s for ±1e4 logits and n = 10 000."""
    for dtype in DTYPES:
        s = extreme_logits(10_000, dtype)
        h = maps.nce_link(s, 50, torch.full((10_000,), 1e-4, dtype=torch.float64))
        assert torch.isfinite(h).all() and (h >= 0).all() and (h <= 1).all()
        assert_order_consistent(s, h, torch.float64)
        assert float(h[0]) == 1.0 and float(h[-1]) == 0.0


@pytest.mark.parametrize("dtype", (np.float32, np.float64), ids=("float32", "float64"))
@pytest.mark.parametrize("n", SIZES)
def test_cs231n_stable_softmax_on_extreme_logits(n: int, dtype: type) -> None:
    """The max-subtracted softmax / log-softmax / cross-entropy of cs231n on ±1e4 logits."""
    s = extreme_logits(n, torch.float64).numpy().astype(dtype)
    p = losses.softmax(s)
    torch_dtype = torch.float32 if dtype is np.float32 else torch.float64
    assert_on_simplex(p, torch_dtype)
    assert_order_consistent(s, p, torch_dtype)
    assert np.isfinite(losses.log_softmax(s)).all()
    assert losses.cross_entropy(s, 0) >= 0.0 and np.isfinite(losses.cross_entropy(s, n - 1))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", spherical.MAPS)
def test_spherical_and_taylor_on_extreme_logits(name: str, n: int, dtype: torch.dtype) -> None:
    """Spherical and Taylor softmax on ±1e4 logits: on the simplex, ordered like their weights g(o)."""
    o = extreme_logits(n, dtype)
    p = spherical.prediction(name, o)
    assert p.dtype == dtype
    assert_on_simplex(p, dtype)
    assert_order_consistent(spherical.numerator(name, o.double()), p, dtype)
    assert np.isfinite(spherical.loss_naive(name, o.double(), 0).item())


@pytest.mark.parametrize("name", spherical.MAPS)
def test_spherical_and_taylor_on_ties_and_zeros(name: str) -> None:
    """Ties give equal probabilities; all-zero outputs are uniform (ε > 0 and the Taylor constant 1)."""
    for n in (2, 9, 10_000):
        assert np.allclose(spherical.apply(name, np.zeros(n)), 1.0 / n, rtol=0, atol=1e-12)
    p = spherical.apply(name, np.array([2.5, 2.5, -0.5]))
    assert p[0] == p[1]


NAN_CASES = [
    (lambda x: maps.apply("softmax", x), "claims.pu2026.maps.apply"),
    (lambda x: maps.apply("sparsemax", x), "claims.pu2026.maps.apply"),
    (losses.log_softmax, "claims.cs231n.losses.log_softmax"),
    (losses.softmax, "claims.cs231n.losses.softmax"),
    (lambda x: losses.cross_entropy(x, 0), "claims.cs231n.losses.cross_entropy"),
    (lambda x: losses.exact_ce(x, 0), "claims.cs231n.losses.exact_ce"),
    (losses.exact_softmax, "claims.cs231n.losses.exact_softmax"),
    (lambda x: spherical.apply("spherical", x), "claims.dbv2016.spherical.apply"),
    (lambda x: spherical.prediction("taylor", torch.as_tensor(x)), "claims.dbv2016.spherical.prediction"),
    (lambda x: spherical.loss_naive("spherical", torch.as_tensor(x), 0), "claims.dbv2016.spherical.loss_naive"),
]


@pytest.mark.parametrize(("fn", "name"), NAN_CASES, ids=[name.rsplit(".", 1)[1] + f"-{i}"
                                                         for i, (_, name) in enumerate(NAN_CASES)])
@pytest.mark.parametrize(("bad", "shown"), [(float("nan"), "nan"), (float("inf"), "inf"), (-float("inf"), "-inf")],
                         ids=("nan", "inf", "-inf"))
def test_non_finite_inputs_are_rejected_with_a_clear_message(fn, name: str, bad: float,  # noqa: ANN001
                                                              shown: str) -> None:
    """The error names the function, the offending entry and its value, and what was expected."""
    x = np.array([0.5, -1.0, bad, 2.0])
    with pytest.raises(InvalidArgument) as info:
        fn(x)
    assert str(info.value) == (f"{name}: entry 2 of the input is {shown}; expected a non-empty vector of finite "
                               "numbers (1 non-finite entry)")


def test_validator_reports_batches_counts_and_shapes() -> None:
    """Batched inputs name a multi-index; several bad entries are counted; scalars and empties are rejected."""
    from verifiers.inputs import finite_vector

    with pytest.raises(InvalidArgument, match=r"^f: entry \(1, 0\) of the input is nan; .*\(2 non-finite entries\)$"):
        finite_vector("f", torch.tensor([[0.0, 1.0], [float("nan"), float("inf")]]))
    with pytest.raises(InvalidArgument, match=r"^f: the input has shape \(\); expected a non-empty vector"):
        finite_vector("f", 1.0)
    with pytest.raises(InvalidArgument, match=r"^f: the input has shape \(0,\)"):
        finite_vector("f", np.array([]))
    with pytest.raises(InvalidArgument, match=r"^f: the input has dtype <U1; expected a vector of finite real"):
        finite_vector("f", ["a"])
    x = np.array([1.0, 2.0])
    assert finite_vector("f", x) is x
