"""Unit tests of the cs231n hinge helpers: exact losses and partials, the risk LP, certificates, symbolic facts."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize

from claims.cs231n.hinge import (
    calibration_gap,
    exact,
    hinge_loss,
    partials,
    rational,
    risk,
    risk_lp,
    runner_up,
    verify_certificate,
)
from claims.cs231n.hinge_gradient import (
    hinge_excludes_zero,
    hinge_facts,
    hinge_zero_gradient,
    margin_kind,
    softmax_facts,
    softmax_gradient_nonzero,
)
from claims.cs231n.hinge_not_calibrated import WITNESS, above_half_bound, certified_witness
from claims.cs231n.logistic_reduction import log_sigmoid
from verifiers.errors import InvalidArgument

F = Fraction


def test_hinge_losses_on_small_cases() -> None:
    s = [F(2), F(1), F(-1)]
    assert hinge_loss("weston-watkins", s, 0, 1) == 0  # max(0, 1 - 2 + 1) + max(0, -1 - 2 + 1)
    assert hinge_loss("crammer-singer", s, 1, 1) == 2  # max(0, 1 + 2 - 1)
    assert hinge_loss("weston-watkins", s, 2, 1) == 4 + 3
    with pytest.raises(InvalidArgument, match="unknown hinge"):
        hinge_loss("squared", s, 0, 1)
    with pytest.raises(InvalidArgument, match="label"):
        hinge_loss("crammer-singer", s, 3, 1)


@pytest.mark.parametrize("hinge", ["weston-watkins", "crammer-singer"])
def test_partials_match_finite_differences_away_from_kinks(hinge: str) -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        s, y = rng.normal(size=5) * 2, int(rng.integers(5))
        for k, (lo, hi) in enumerate(partials(hinge, exact(s), y, F(1))):
            h = 1e-7
            up, down = s.copy(), s.copy()
            up[k] += h
            down[k] -= h
            numeric = (hinge_loss(hinge, up, y, 1.0) - hinge_loss(hinge, down, y, 1.0)) / (2 * h)
            assert lo == hi and abs(float(lo) - numeric) < 1e-5


def test_partials_are_one_sided_at_a_kink() -> None:
    # s_1 - s_0 + 1 = 0: the term for j = 1 has its kink exactly here
    assert partials("weston-watkins", [F(1), F(0)], 0, F(1)) == [(F(-1), F(0)), (F(0), F(1))]
    tiny = exact([np.nextafter(1.0, 2.0), 0.0])  # one ulp past the margin: strictly met
    assert margin_kind(tiny, 0, F(1)) == "met" and hinge_zero_gradient(tiny, 0, F(1))
    short = exact([np.nextafter(1.0, 0.0), 0.0])  # one ulp short: violated
    assert margin_kind(short, 0, F(1)) == "violated" and hinge_excludes_zero(short, 0, F(1))
    assert margin_kind([F(1), F(0)], 0, F(1)) == "boundary"


def test_softmax_gradient_is_nonzero_where_float64_underflows() -> None:
    s = np.array([2000.0, 0.0, -5.0])
    assert softmax_gradient_nonzero(s, 0)


def test_symbolic_facts_hold_for_general_n() -> None:
    assert all(hinge_facts()[0].values())
    assert all(softmax_facts()[0].values())
    assert above_half_bound()[0]


def _brute_risk_min(eta: np.ndarray, hinge: str, constraint: tuple[int, int] | None = None) -> float:
    def r(s: np.ndarray) -> float:
        value = sum(e * hinge_loss(hinge, s, y, 1.0) for y, e in enumerate(eta))
        if constraint is not None:
            k, t = constraint
            value += 1e3 * max(0.0, s[t] - s[k])
        return value

    starts = [np.zeros(len(eta)), np.eye(len(eta))[int(np.argmax(eta))]] + \
        [np.random.default_rng(i).normal(size=len(eta)) for i in range(2)]
    return min(minimize(r, x0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000}).fun
               for x0 in starts)


@pytest.mark.parametrize("hinge", ["weston-watkins", "crammer-singer"])
@pytest.mark.parametrize("eta", [(0.4, 0.3, 0.3), (0.6, 0.3, 0.1), (0.45, 0.35, 0.2)])
def test_risk_lp_matches_a_direct_minimization(hinge: str, eta: tuple[float, ...]) -> None:
    arr = np.asarray(eta)
    lp = risk_lp(arr, hinge)
    assert abs(lp.value - _brute_risk_min(arr, hinge)) < 1e-6
    assert abs(lp.value - float(risk(rational(arr), hinge, rational(lp.scores)))) < 1e-9
    top, k = runner_up(arr)
    assert abs(risk_lp(arr, hinge, above=(k, top)).value - _brute_risk_min(arr, hinge, (k, top))) < 1e-5


@pytest.mark.parametrize("hinge", ["weston-watkins", "crammer-singer"])
def test_the_runner_up_gives_the_smallest_constrained_risk(hinge: str) -> None:
    rng = np.random.default_rng(1)
    for _ in range(5):
        eta = rng.dirichlet(np.ones(4))
        top, k = runner_up(eta)
        best = min(risk_lp(eta, hinge, above=(j, top)).value for j in range(4) if j != top)
        assert abs(risk_lp(eta, hinge, above=(k, top)).value - best) < 1e-9


def test_crammer_singer_gap_has_its_closed_form() -> None:
    for eta in [(0.7, 0.2, 0.1), (0.55, 0.15, 0.15, 0.15), (0.5, 0.3, 0.2), (0.4, 0.35, 0.25)]:
        gap = calibration_gap(np.asarray(eta), "crammer-singer")[0]
        assert abs(gap - max(0.0, 2 * max(eta) - 1)) < 1e-9


def test_certificates_are_checked_exactly() -> None:
    for hinge in WITNESS:
        eta, s_star, value, problems = certified_witness(hinge)
        assert problems == [] and risk(eta, hinge, s_star) == value
    eta = list(WITNESS["crammer-singer"])
    cycle = {(0, 1): F(1, 5), (1, 0): F(1, 5), (0, 2): F(1, 5), (2, 0): F(1, 5), (1, 2): F(1, 10), (2, 1): F(1, 10)}
    assert verify_certificate(eta, "crammer-singer", cycle) == [] and sum(cycle.values()) == 1
    assert any("in-flow" in p for p in verify_certificate(eta, "crammer-singer", {**cycle, (0, 1): F(3, 10)}))
    assert any("budget" in p for p in verify_certificate(eta, "crammer-singer",
                                                         {k: 2 * v for k, v in cycle.items()}))
    assert verify_certificate(eta, "crammer-singer", {**cycle, (1, 2): F(-1, 10), (2, 1): F(-1, 10)})


def test_bad_posteriors_get_clear_errors() -> None:
    with pytest.raises(InvalidArgument, match="probability vector"):
        risk_lp([0.5, 0.6], "crammer-singer")
    with pytest.raises(InvalidArgument, match="unknown hinge"):
        risk_lp([0.5, 0.5], "squared")
    with pytest.raises(InvalidArgument, match="no unique largest"):
        runner_up([0.4, 0.4, 0.2])


def test_log_sigmoid_is_exact_at_large_arguments() -> None:
    assert -mpmath.mpf("1e-400") < log_sigmoid(mpmath.mpf(1000)) < 0
    assert abs(log_sigmoid(mpmath.mpf(-1000)) + 1000) < mpmath.mpf("1e-400")
    for z in np.linspace(-30, 30, 13):
        assert abs(float(log_sigmoid(mpmath.mpf(float(z)))) - float(-np.log1p(np.exp(-z)))) < 1e-12
