"""Audit of the searched domains of spherical-even, spherical-eps-gradient and high-dim-competition: ε > 0 up to
its float64 ends, D beyond the profile's max_n, σ beyond 2 (see the claims' notes)."""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import numpy as np
import pytest
import torch

from claims.dbv2016 import competition as comp
from claims.dbv2016 import even
from claims.dbv2016 import high_dim_competition as hdc
from claims.dbv2016 import spherical_eps_gradient as seg
from verifiers import Context, latex, profile

TINY, HUGE = 5e-324, sys.float_info.max


def _ctx(claim, seed: int = 0, name: str = "quick", **params) -> Context:  # noqa: ANN001 - a Claim
    return Context(claim.id, {**claim.defaults(), **params}, profile(name), seed)


# --- spherical-even ----------------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [TINY, 1e-300, 0.01, 1e300, HUGE])
def test_evenness_is_exact_at_every_eps(eps: float) -> None:
    o = np.asarray([3.0, -1e154, 0.0, 1e-160, -2.5])
    assert even.evenness_gap("spherical", o, eps) == 0
    assert even.evenness_gap("taylor", o, eps) > 0


def test_the_symbolic_proof_keeps_eps_symbolic() -> None:
    out = even.even_symbolic(_ctx(even.SPHERICAL_EVEN, eps=1e-300))
    assert out.verdict == "proved" and out.scope.kind == "statement"
    assert any("varepsilon" in step for step in out.steps)


def test_the_search_spans_eps_and_refutes_taylor_without_corners(monkeypatch: pytest.MonkeyPatch) -> None:
    held = even.even_property(_ctx(even.SPHERICAL_EVEN))
    assert held.verdict == "supported"
    assert held.explored["eps_min"] <= 1e-300 and held.explored["eps_max"] >= 1e300
    assert held.explored["largest_n"] == profile("quick").max_n
    monkeypatch.setattr(even, "corners", lambda eps: [])
    assert even.even_property(_ctx(even.SPHERICAL_EVEN, map="taylor")).verdict == "refuted"


def test_an_undefined_map_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    assert even.exact_map("spherical", np.zeros(3), TINY) is not None
    monkeypatch.setattr(even, "numerator", lambda name, x, eps: x**2)  # the weight without ε
    assert even.evenness_gap("spherical", np.zeros(3), 1e-300) is None
    assert even.even_property(_ctx(even.SPHERICAL_EVEN)).verdict == "refuted"


# --- spherical-eps-gradient --------------------------------------------------------------------------


def _exact_slope(o: list[float], eps: float) -> Fraction:
    x, e = Fraction(o[0]), Fraction(eps)
    q = sum(Fraction(v) ** 2 for v in o)
    return abs(2 * x / (q + len(o) * e) - 2 * x / (x * x + e))


@pytest.mark.parametrize("eps", [TINY, 1e-300, 1e-12, 1.0, 1e6, 1e300, HUGE])
def test_target_slope_is_accurate_at_every_eps(eps: float) -> None:
    root = math.sqrt(eps)
    for o in ([root, 0.0, 0.0], [root, 1e3 * root, -2 * root], [3 * root, 1e-3 * root, 7.0]):
        value = float(seg.target_slope(torch.tensor(o, dtype=torch.float64), eps))
        assert math.isclose(value, float(_exact_slope(o, eps)), rel_tol=1e-12)


def test_packed_vectors_equal_full_ones() -> None:
    D, free = 40, 8
    n, count = seg.layout(D, free)
    packed = torch.tensor([0.3, 1.0, -2.0, 0.5, 4.0, 0.0, 1.5, -0.7], dtype=torch.float64)
    full = torch.cat([packed[:-1], packed[-1].repeat(D - n + 1)])
    assert n == free and int(count.sum()) == D
    assert math.isclose(float(seg.target_slope(packed, 0.2, count)), float(seg.target_slope(full, 0.2)),
                        rel_tol=1e-13)


@pytest.mark.parametrize("D", [33, 2**62])
def test_large_D_is_searched_with_a_stated_restriction(D: int) -> None:
    out = seg.eps_gradient_property(_ctx(seg.SPHERICAL_EPS_GRADIENT, D=D, eps=1e-300))
    assert out.verdict == "supported" and out.explored["largest_n"] == D
    assert ("equal ones" in out.scope.restriction) == (D > profile("quick").max_n)


@pytest.mark.parametrize("eps,coef,verdict", [(TINY, 1.0, "supported"), (HUGE, 1.0, "supported"),
                                              (TINY, 0.995, "refuted"), (1e6, 0.995, "refuted"),
                                              (HUGE, 0.995, "refuted"), (1e6, 1.005, "inconclusive")])
def test_eps_at_its_ends(eps: float, coef: float, verdict: str) -> None:
    assert seg.eps_gradient_property(_ctx(seg.SPHERICAL_EPS_GRADIENT, eps=eps, coef=coef)).verdict == verdict


def test_a_claimed_sup_beyond_float64_is_not_supported() -> None:
    out = seg.eps_gradient_property(_ctx(seg.SPHERICAL_EPS_GRADIENT, eps=1e-300, power=5.0))
    assert out.verdict == "inconclusive"


# --- high-dim-competition ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", comp.MAPS)
@pytest.mark.parametrize("sigma", [1e-3, 0.7, 2.0, 5.0])
def test_spread_is_the_relative_variance_of_the_weight(name: str, sigma: float) -> None:
    m, v = comp.weight_moments(name, sigma)
    assert math.isclose(hdc.spread(name, sigma), v / m**2, rel_tol=1e-9)
    assert math.isfinite(hdc.spread(name, 1e150)) == (name != "softmax")


def test_softmax_beyond_the_regime_is_inconclusive_not_fitted() -> None:
    grid, _ = comp.choose_grid("softmax", 10.0, 0.25 * 0.025)
    assert grid  # the bias rule alone would accept a grid far from the asymptotic regime
    out = hdc.competition_montecarlo(_ctx(hdc.HIGH_DIM_COMPETITION, map="softmax", growth="log", sigma=10.0))
    assert out.verdict == "inconclusive" and "e^(σ²)" in out.reason


@pytest.mark.parametrize("name,growth,expected", [("softmax", "log", "proved"), ("taylor", "log", "refuted"),
                                                  ("spherical", "sqrt", "proved"), ("softmax", "sqrt", "refuted")])
@pytest.mark.parametrize("sigma", [1e-300, 1e5])
def test_symbolic_covers_every_sigma(name: str, growth: str, expected: str, sigma: float) -> None:
    out = hdc.competition_symbolic(_ctx(hdc.HIGH_DIM_COMPETITION, map=name, growth=growth, sigma=sigma))
    assert out.verdict == expected and out.scope.kind == "statement" and "every σ > 0" in out.reason
    assert all(not latex.text_problems(step) for step in out.steps)


@pytest.mark.parametrize("name,sigma", [("taylor", 1e-300), ("taylor", 1e7), ("spherical", 1e60)])
@pytest.mark.parametrize("growth,verdict", [("sqrt", "supported"), ("log", "refuted")])
def test_monte_carlo_at_extreme_sigma(name: str, sigma: float, growth: str, verdict: str) -> None:
    out = hdc.competition_montecarlo(_ctx(hdc.HIGH_DIM_COMPETITION, map=name, growth=growth, sigma=sigma))
    assert out.verdict == verdict and out.explored["sigma"] == sigma and out.explored["rows"] > 0


def test_taylor_beyond_float64_is_inconclusive() -> None:
    out = hdc.competition_montecarlo(_ctx(hdc.HIGH_DIM_COMPETITION, sigma=1e100))
    assert out.verdict == "inconclusive" and "overflows" in out.reason
