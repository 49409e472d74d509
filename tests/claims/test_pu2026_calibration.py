"""Unit tests of claims.pu2026.calibration: the gap form, the minimizer form and the posterior search."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from claims.pu2026.calibration import (
    KINDS,
    ZERO_GAP,
    Ledger,
    infimum,
    omega_terms,
    pair_gaps,
    posteriors,
    separation,
    warm_starts,
    wrong_order_pairs,
)
from claims.pu2026.risk import SSM_K, risk_function
from claims.pu2026.risk_newton import RiskModel, newton
from verifiers import PROFILES, Outcome

FY = ["softmax", "sparsemax", "entmax15"]


def gen(seed: int = 0) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def merged_gap(loss: str, eta: np.ndarray, i: int, j: int) -> float:
    """The gap of the half-space {s_j >= s_i} in closed form: Omega(eta) - Omega(eta with i, j averaged)."""
    merged = eta.copy()
    merged[[i, j]] = (eta[i] + eta[j]) / 2
    return infimum(loss, merged) - infimum(loss, eta)


@pytest.mark.parametrize("loss", FY)
def test_the_infimum_is_minus_omega(loss: str) -> None:
    eta = np.array([0.5, 0.25, 0.25, 0.0])
    found = newton(RiskModel(loss, eta), warm_starts(loss, eta, eta, gen()),
                   active=np.repeat((eta > 0)[None], 3, 0) if loss == "softmax" else None)
    assert np.allclose(found.values, infimum(loss, eta), atol=1e-13)
    value, _ = risk_function(loss, eta)(found.points)
    assert np.allclose(value, found.values, atol=1e-13) or loss == "softmax"     # softmax: limit value only


@pytest.mark.parametrize("loss", FY)
def test_certified_gaps_bracket_the_closed_form(loss: str) -> None:
    eta = np.array([0.4, 0.3, 0.2, 0.1, 0.0]) if loss != "softmax" else np.array([0.4, 0.3, 0.2, 0.06, 0.04])
    warm = newton(RiskModel(loss, eta), warm_starts(loss, eta, eta, gen())).points[0]
    gaps = pair_gaps(loss, eta, eta, [1, 2, 3], warm, infimum(loss, eta))
    assert {g.status for g in gaps} == {"positive"}
    for g in gaps:
        assert g.lower - 1e-14 <= merged_gap(loss, eta, g.i, g.j) <= g.upper + 1e-14
        assert g.upper - g.lower <= 1e-11


def test_softmax_gap_is_certified_when_eta_has_zeros() -> None:
    """No minimizer exists, but the infimum over the wrong-order half-space is still exceeded."""
    eta = np.array([0.6, 0.3, 0.1, 0.0, 0.0])
    active = eta > 0
    warm = newton(RiskModel("softmax", eta), warm_starts("softmax", eta, eta, gen()),
                  active=np.repeat(active[None], 3, 0)).points[0]
    gaps = pair_gaps("softmax", eta, eta, [1, 2, 3], warm, infimum("softmax", eta), active)
    assert gaps and all(g.status == "positive" for g in gaps)
    at_three = [g for g in gaps if g.k == 3]
    assert all(np.isclose(g.lower, merged_gap("softmax", eta, g.i, g.j), atol=1e-12) for g in at_three)


@pytest.mark.parametrize("loss", FY)
def test_the_adjacent_pair_attains_the_minimum_over_pairs(loss: str) -> None:
    """The swap argument of wrong_order_pairs, checked on every pair of random posteriors."""
    rng = np.random.default_rng(1)
    for _ in range(5):
        eta = rng.dirichlet(np.ones(6))
        warm = newton(RiskModel(loss, eta), warm_starts(loss, eta, eta, gen())).points[0]
        for k in range(1, 6):
            every = pair_gaps(loss, eta, eta, [k], warm, infimum(loss, eta))
            (i, j), = wrong_order_pairs(eta, k, every_pair=False)
            adjacent = next(g for g in every if (g.i, g.j) == (i, j))
            assert adjacent.upper <= min(g.upper for g in every) + 1e-12


def test_wrong_order_pairs_cover_the_boundary_of_the_top_k() -> None:
    eta = np.array([0.1, 0.4, 0.2, 0.3])
    assert wrong_order_pairs(eta, 2, every_pair=False).tolist() == [[3, 2]]
    assert sorted(map(tuple, wrong_order_pairs(eta, 2, every_pair=True).tolist())) == [(1, 0), (1, 2), (3, 0), (3, 2)]


@pytest.mark.parametrize("loss", FY)
def test_the_smallest_separation_gives_a_resolvable_gap(loss: str) -> None:
    """Power: at the thorough profile's separation the gap stays far above ZERO_GAP and is certified."""
    delta = separation(PROFILES["thorough"])
    eta = np.array([0.5 + delta, 0.5 - delta, 0.0]) / 1.0 if loss != "softmax" else np.array([0.45 + delta, 0.45, 0.1])
    eta = eta / eta.sum()
    warm = newton(RiskModel(loss, eta), warm_starts(loss, eta, eta, gen())).points[0]
    (gap,) = [g for g in pair_gaps(loss, eta, eta, [1], warm, infimum(loss, eta)) if (g.i, g.j) == (0, 1)]
    assert gap.status == "positive" and gap.lower > 100 * ZERO_GAP


def test_a_vanishing_gap_is_a_violation_for_uncorrected_sampled_softmax() -> None:
    eta, q = np.array([0.4, 0.3, 0.2, 0.1]), np.array([0.5, 0.3, 0.15, 0.05])    # eta/q reverses eta's order
    found = newton(RiskModel("ssm-uncorrected", eta, q, SSM_K), warm_starts("ssm-uncorrected", eta, q, gen()))
    gaps = pair_gaps("ssm-uncorrected", eta, q, [1], found.points[0], float(found.values.min()))
    assert "zero" in {g.status for g in gaps}
    why = Ledger(1e-4).judge("ssm-uncorrected", eta, q, [1], gen())
    assert why is not None and "minimizer form" in why
    right = Ledger(1e-4)
    assert right.judge("ssm", eta, q, [1, 2, 3], gen()) is None and right.pairs_positive > 0


def test_ledger_judges_both_forms_and_reports_what_it_explored() -> None:
    ledger = Ledger(separation(PROFILES["quick"]))
    eta, q = np.array([0.5, 0.3, 0.2, 0.0]), np.full(4, 0.25)
    for loss in FY:
        assert ledger.judge(loss, eta, q, [1, 2, 3], gen()) is None
    assert ledger.minimizers_judged == 2 and ledger.without_minimizer == 1           # softmax: eta has a zero
    outcome = ledger.finish(Outcome(verdict="supported", reason="ok"), tuple(FY))
    assert outcome.verdict == "supported" and outcome.resolution.value == separation(PROFILES["quick"])
    assert outcome.explored["largest_k"] == 3 and outcome.statistics["gap_pairs_unresolved"] == 0


def test_ledger_downgrades_a_pass_with_unresolved_solves() -> None:
    ledger = Ledger(1e-4, pairs_positive=3, pairs_unresolved=1)
    assert ledger.finish(Outcome(verdict="supported", reason="ok"), ("softmax",)).verdict == "inconclusive"
    assert Ledger(1e-4).finish(Outcome(verdict="supported", reason="ok"), ("softmax",)).verdict == "inconclusive"
    assert ledger.finish(Outcome(verdict="refuted", reason="x"), ("softmax",)).verdict == "refuted"


def test_separation_is_finer_at_larger_profiles() -> None:
    values = [separation(PROFILES[n]) for n in ("quick", "standard", "thorough")]
    assert values[0] > values[1] > values[2] > 0


def test_the_posterior_search_draws_every_family_and_large_n() -> None:
    seen: set[str] = set()
    sizes: set[int] = set()

    @hypothesis_seed(0)
    @settings(max_examples=200, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(posteriors(2, 32))
    def draw(case: tuple[np.ndarray, np.ndarray, str]) -> None:
        eta, q, kind = case
        assert np.isclose(eta.sum(), 1.0) and eta.min() >= 0 and q.min() > 0
        seen.add(kind)
        sizes.add(len(eta))

    draw()
    assert seen == set(KINDS) and max(sizes) == 32 and min(sizes) == 2


def test_omega_terms_add_up_to_the_regularizers() -> None:
    p = np.array([0.5, 0.3, 0.2, 0.0])
    assert np.isclose(omega_terms("softmax", p).sum(), np.sum(p[:3] * np.log(p[:3])))
    assert np.isclose(omega_terms("sparsemax", p).sum() - 0.5, 0.5 * (p @ p) - 0.5)
    assert np.isclose(omega_terms("entmax15", p).sum(), (np.sum(p**1.5) - 1) / 0.75)
