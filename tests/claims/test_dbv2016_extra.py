"""Unit tests of the dbv2016 competition helpers and of the checks of mse-spherical, spherical-eps-gradient,
taylor-expansion and high-dim-competition that the claim items do not reach directly."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
import torch

from claims.dbv2016 import competition as comp
from claims.dbv2016 import high_dim_competition as hdc
from claims.dbv2016 import mse_spherical as mse
from claims.dbv2016 import spherical_eps_gradient as seg
from claims.dbv2016 import taylor_expansion as tay
from claims.dbv2016.spherical import loss_naive
from verifiers import Context, latex, profile


def _ctx(claim, seed: int = 0, name: str = "quick", **params) -> Context:  # noqa: ANN001 - a Claim
    return Context(claim.id, {**claim.defaults(), **params}, profile(name), seed)


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- competition.py ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", comp.MAPS)
def test_needed_logit_inverts_the_weight_on_the_increasing_branch(name: str) -> None:
    t = torch.linspace(0.0, 30.0, 61, dtype=torch.float64)
    assert torch.allclose(comp.needed_logit(name, comp.weight(name, t)), t, atol=1e-9)


@pytest.mark.parametrize("name", comp.MAPS)
@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.0])
def test_weight_moments_match_the_symbolic_mean_and_a_numeric_variance(name: str, sigma: float) -> None:
    m, v = comp.weight_moments(name, sigma)
    symbolic_m, _ = hdc.mean_weight(name)
    assert math.isclose(float(symbolic_m.subs(sp.Symbol("sigma", positive=True), sigma)), m, rel_tol=1e-12)
    z = np.linspace(-12 * sigma, 12 * sigma, 200_001)
    density = np.exp(-z**2 / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
    g = comp.weight(name, torch.as_tensor(z)).numpy()
    dz = z[1] - z[0]
    assert math.isclose(float((g * density).sum() * dz), m, rel_tol=1e-7)
    assert math.isclose(float(((g - m) ** 2 * density).sum() * dz), v, rel_tol=1e-6)


@pytest.mark.parametrize("name", comp.MAPS)
def test_control_variate_keeps_the_mean_and_cuts_the_variance(name: str) -> None:
    grid = [64, 128, 256]
    gen_a, gen_b = _gen(3), _gen(3)
    adjusted = comp.rows_of_needed_logits(name, grid, 1.0, 4000, gen_a)
    m, _ = comp.weight_moments(name, 1.0)
    z = torch.randn(4000, grid[-1] - 1, generator=gen_b, dtype=torch.float64)
    raw = comp.needed_logit(name, torch.cumsum(comp.weight(name, z), dim=1)[:, [D - 2 for D in grid]])
    se = raw.std(dim=0) / math.sqrt(4000)
    assert torch.all((adjusted.mean(dim=0) - raw.mean(dim=0)).abs() < 6 * se)
    assert torch.all(adjusted.std(dim=0) < 0.2 * raw.std(dim=0))


@pytest.mark.parametrize("name", comp.MAPS)
def test_closed_form_tracks_the_monte_carlo_mean(name: str) -> None:
    grid = [256, 1024]
    rows = comp.rows_of_needed_logits(name, grid, 1.0, 2000, _gen(1))
    se = rows.std(dim=0) / math.sqrt(2000)
    for D, mean, s in zip(grid, rows.mean(dim=0), se):
        assert abs(float(mean) - comp.closed_form(name, D, 1.0)) < 6 * float(s) + 1e-3


def test_grid_rule_depends_on_the_map_and_profile_not_on_the_claim() -> None:
    quick, standard = (comp.choose_grid("softmax", 1.0, share * 0.5 * hdc.BIAS_SHARE) for share in (0.05, 0.01))
    assert quick[0] == [128, 256, 512, 1024, 2048] and abs(quick[1]) <= 0.05 * 0.5 * hdc.BIAS_SHARE
    assert standard[0][0] > quick[0][0]
    assert comp.choose_grid("taylor", 1.0, 0.00625)[0][0] == 64
    assert comp.choose_grid("softmax", 2.0, 1e-9)[0] == []  # beyond LARGEST_D: the check says inconclusive


def test_row_means_match_numpy() -> None:
    data = torch.randn(300, 4, generator=_gen(2), dtype=torch.float64) + torch.tensor([1.0, 2.0, 3.0, 4.0])
    taken = iter(range(0, 300, 50))
    rows = comp.RowMeans(lambda gen, size: data[(start := next(taken)):start + size], None, batch=50)
    means, cov = rows(300)
    assert np.allclose(means, data.mean(dim=0).numpy())
    assert np.allclose(cov, np.cov(data.numpy().T) / 300)


def test_increment_exponent_of_exact_powers_and_logs() -> None:
    grid = [2.0**j for j in range(10, 15)]
    assert math.isclose(comp.increment_exponent([math.sqrt(D) for D in grid], grid), 0.5, abs_tol=1e-12)
    assert math.isclose(comp.increment_exponent([math.log(D) for D in grid], grid), 0.0, abs_tol=1e-12)


# --- high-dim-competition ----------------------------------------------------------------------------


@pytest.mark.parametrize("name,growth,expected", [("softmax", "log", "proved"), ("softmax", "sqrt", "refuted"),
                                                  ("taylor", "sqrt", "proved"), ("spherical", "log", "refuted")])
def test_growth_classes_symbolically(name: str, growth: str, expected: str) -> None:
    out = hdc.competition_symbolic(_ctx(hdc.HIGH_DIM_COMPETITION, map=name, growth=growth))
    assert out.verdict == expected
    assert all(not latex.text_problems(step) for step in out.steps)


def test_monte_carlo_refutes_the_wrong_class_for_softmax() -> None:
    out = hdc.competition_montecarlo(_ctx(hdc.HIGH_DIM_COMPETITION, map="softmax", growth="sqrt"))
    assert out.verdict == "refuted"
    assert out.statistics["grid"] == [128, 256, 512, 1024, 2048]


# --- spherical-eps-gradient --------------------------------------------------------------------------


def test_target_slope_matches_autograd_of_the_loss() -> None:
    o = (3 * torch.randn(6, 7, generator=_gen(4), dtype=torch.float64)).requires_grad_()
    grad = torch.autograd.grad(loss_naive("spherical", o, 0, eps=0.3).sum(), o)[0][:, 0]
    assert torch.allclose(seg.target_slope(o.detach(), 0.3), grad.abs(), rtol=1e-12)


def test_catalogue_witness_and_the_supremum_family() -> None:
    eps, D = 0.01, 10
    base, *family = seg.corners(eps, D)
    assert math.isclose(float(seg.target_slope(torch.as_tensor(base), eps)), (1 - 2 / (D + 1)) / math.sqrt(eps))
    values = [float(seg.target_slope(torch.as_tensor(p), eps)) for p in family]
    assert values == sorted(values) and 1 / math.sqrt(eps) - values[-1] < 1e-4


def test_eps_gradient_derivation_is_fully_checked() -> None:
    sup, steps, failed = seg._derivation()
    assert not failed and sup == 1 / sp.sqrt(next(iter(sup.free_symbols)))
    assert all(not latex.text_problems(step) for step in steps)


# --- mse-spherical ------------------------------------------------------------------------------------


def test_rational_reflection_keeps_sum_and_squares() -> None:
    rest = [Fraction(v) for v in (0.5, -3.25, 7.0, 1e-3)]
    other = mse.reflect(rest, [2, -1, 0, 3])
    assert other != rest
    assert sum(other) == sum(rest) and sum(v * v for v in other) == sum(v * v for v in rest)
    assert mse.reflect(rest, [1, 1, 1, 1]) is None


@pytest.mark.parametrize("loss,target", [("absolute", "one-hot"), ("squared", "dense")])
def test_the_search_alone_refutes_each_control(loss: str, target: str) -> None:
    out = mse.search(_ctx(mse.MSE_SPHERICAL, loss=loss, target=target), corners=False)
    assert out.verdict == "refuted" and "same s, q, o_c" in out.reason


def test_mse_symbolic_covers_symbolic_dimension() -> None:
    out = mse.mse_symbolic(_ctx(mse.MSE_SPHERICAL))
    assert out.verdict == "proved" and out.scope.kind == "statement"


# --- taylor-expansion --------------------------------------------------------------------------------


@pytest.mark.parametrize("coef,verdict", [(0.5, "proved"), (0.5 * 1.01, "refuted"), (0.5 * 0.95, "refuted"),
                                          (1 / 6, "refuted"), (1.0, "refuted")])
def test_taylor_coefficient(coef: float, verdict: str) -> None:
    out = tay.taylor_symbolic(_ctx(tay.TAYLOR_EXPANSION, coef=coef))
    assert out.verdict == verdict
    assert all(not latex.text_problems(step) for step in out.steps)
