"""Unit tests of cs231n/framework-stability: the reference values, the error bounds and the teeth of the search."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special

from claims.cs231n import framework_stability as fs
from claims.cs231n.stable_softmax import threshold
from verifiers import Context, profile


def _ctx(seed: int = 0, **params) -> Context:
    return Context(fs.FRAMEWORK_STABILITY.id, {**fs.FRAMEWORK_STABILITY.defaults(), **params}, profile("quick"), seed)


def test_references_agree_across_dtypes() -> None:
    s = np.array([1000.5, 999.0, -3.0, 1000.25])
    exact = fs.exact_values(s)
    logspace = fs.exact_values(s.astype(np.float32))
    assert np.allclose(exact["softmax"], scipy.special.softmax(s), atol=1e-15)
    assert math.isclose(exact["logsumexp"][0], float(scipy.special.logsumexp(s)), rel_tol=1e-15)
    assert np.allclose(logspace["log_softmax"], exact["log_softmax"], rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", fs.FRAMEWORK)
def test_framework_functions_keep_the_dtype_and_stay_within_their_bounds(dtype: str, name: str) -> None:
    kind, fn = fs.FUNCTIONS[name]
    eps = float(np.finfo(dtype).eps)
    for top in (10.0, 1e3, 1e5, 1e7):
        s = np.array([top, top - 1.5, -top, top / 3], dtype=dtype)
        got = fn(s)
        assert got.dtype == s.dtype and np.all(np.isfinite(got))
        assert fs.error_ratio(kind, got, fs.exact_values(s), eps) <= 1


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_naive_formulas_overflow_just_above_the_threshold(dtype: str) -> None:
    limit = float(threshold(dtype))
    for name in ("naive.softmax", "naive.logsumexp"):
        fn = fs.FUNCTIONS[name][1]
        assert np.all(np.isfinite(fn(np.array([limit - 0.5, 0.0], dtype=dtype))))
        with np.errstate(all="ignore"):
            assert not np.all(np.isfinite(fn(np.array([limit + 0.5, 0.0], dtype=dtype))))


def test_error_bound_catches_a_softmax_through_a_rounded_log_sum_exp(monkeypatch: pytest.MonkeyPatch) -> None:
    """exp(s - logsumexp(s)) in float32 loses eps·|max s| absolutely: finite, but not accurate for huge logits."""
    def through_lse(s: np.ndarray) -> np.ndarray:
        return np.exp(s - np.float32(scipy.special.logsumexp(s))).astype(s.dtype)

    s = np.array([1000.3, 1000.0], dtype=np.float32)
    assert fs.error_ratio("softmax", through_lse(s), fs.exact_values(s), float(np.finfo(np.float32).eps)) > 1
    monkeypatch.setitem(fs.FUNCTIONS, "torch.softmax", ("softmax", through_lse))
    out = fs.framework_property(_ctx(functions=("torch.softmax",)))
    assert out.verdict == "refuted" and "rounding-error bound" in out.reason


def test_the_search_exercises_huge_logits_and_refutes_the_naive_formula() -> None:
    out = fs.framework_property(_ctx())
    assert out.verdict == "supported"
    assert out.statistics["exercised"] >= fs.MIN_EXERCISED * out.statistics["valid"]
    assert out.explored["largest_abs"] >= 0.5 * profile("quick").max_magnitude
    naive = fs.framework_property(_ctx(functions=("naive.logsumexp",)))
    assert naive.verdict == "refuted" and "not finite" in naive.reason
