"""Unit tests of claims.pu2026.ranking (DCG, NDCG@K, targets, exact intervals) and the NDCG@K witnesses."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from claims.pu2026.dcg_consistency import rankings
from claims.pu2026.ndcg_at_k import WITNESSES, loses_by_sorting, verify_exactly
from claims.pu2026.ranking import (
    best_expected_ndcg,
    discounts,
    exact_discount,
    exact_expected_ndcg,
    exact_ideal_dcg,
    exact_utilities,
    expected_ndcg,
    ideal_dcg,
    law_arrays,
    listnet_target,
    permutations,
    relevance_laws,
    surely_less,
    utilities,
)


def near(interval, value: float) -> bool:  # noqa: ANN001 - an mpmath interval
    """The float ``value`` agrees with the (tight) interval up to float rounding."""
    return float(interval.a) - 1e-14 <= value <= float(interval.b) + 1e-14


def test_discounts_are_one_over_log2_of_one_plus_the_rank() -> None:
    """Pins the discount: an off-by-one (1/log2(r + 2), or 1/log2(r)) fails here."""
    assert discounts(5).tolist() == pytest.approx([1.0, 1 / math.log2(3), 0.5, 1 / math.log2(5), 1 / math.log2(6)],
                                                  abs=1e-15)
    assert discounts(1)[0] == 1.0 and discounts(3)[2] == 0.5
    assert all(near(exact_discount(r), d) for r, d in enumerate(discounts(7), start=1))


def test_ndcg_of_a_hand_computed_example() -> None:
    grades, probs = np.array([[3.0, 2.0, 0.0]]), np.array([1.0])
    ideal = 3 + 2 / math.log2(3)
    assert ideal_dcg(grades)[0] == pytest.approx(ideal)
    assert ideal_dcg(grades, cutoff=1)[0] == pytest.approx(3.0)
    orders = np.array([[0, 1, 2], [2, 1, 0], [1, 0, 2]])
    assert expected_ndcg(orders, grades, probs).tolist() == pytest.approx(
        [1.0, (2 / math.log2(3) + 3 / 2) / ideal, (2 + 3 / math.log2(3)) / ideal])
    assert expected_ndcg(orders, grades, probs, cutoff=1).tolist() == pytest.approx([1.0, 0.0, 2 / 3])


def test_expected_ndcg_is_linear_in_the_target_u() -> None:
    """With K = n, E NDCG(pi) = sum_r d_r u_pi(r): the identity behind DCG consistency."""
    grades, probs = law_arrays((((1, 0, 2, 1), (0, 3, 1, 0), (2, 2, 0, 1)), (2, 5, 3)))
    orders = permutations(4)
    assert np.allclose(expected_ndcg(orders, grades, probs), utilities(grades, probs)[orders] @ discounts(4))


def test_targets_of_a_hand_computed_example() -> None:
    grades, probs = np.array([[1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0]]), np.array([0.7, 0.3])
    ideal = 1 + 1 / math.log2(3) + 0.5
    assert utilities(grades, probs).tolist() == pytest.approx([0.7 / ideal, 0.3, 0.7 / ideal, 0.7 / ideal])
    assert listnet_target(grades, probs).tolist() == pytest.approx([0.7 / 3, 0.3, 0.7 / 3, 0.7 / 3])


def test_ranking_by_listnets_target_loses_expected_ndcg() -> None:
    """The n = 4 counterexample of the dcg-consistency notes: v puts item 1 first, u puts it last."""
    grades, probs = np.array([[1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0]]), np.array([0.7, 0.3])
    v, u = listnet_target(grades, probs), utilities(grades, probs)
    assert v[1] > v[0] and u[0] > u[1]
    best, _ = best_expected_ndcg(grades, probs)
    by_v = expected_ndcg(np.argsort(-v, kind="stable")[None], grades, probs)[0]
    assert by_v < best - 1e-3


def test_rankings_break_ties_both_ways() -> None:
    forward, backward = rankings(np.array([0.5, 1.0, 0.5 + 1e-12, -1.0]))
    assert forward.tolist() == [1, 0, 2, 3] and backward.tolist() == [1, 2, 0, 3]


def test_exact_intervals_contain_the_float_values() -> None:
    rows, weights = ((1, 0, 2), (0, 3, 1)), (1, 2)
    probs = [Fraction(1, 3), Fraction(2, 3)]
    grades, fprobs = law_arrays((rows, weights))
    for row, ideal in zip(rows, ideal_dcg(grades)):
        interval = exact_ideal_dcg(row)
        assert near(interval, ideal) and interval.delta < 1e-50
    assert near(exact_expected_ndcg([1, 0, 2], rows, probs), expected_ndcg(np.array([[1, 0, 2]]), grades, fprobs)[0])
    assert all(near(i, x) for i, x in zip(exact_utilities(rows, probs), utilities(grades, fprobs)))
    assert surely_less(exact_discount(3), exact_discount(2)) and not surely_less(exact_discount(2), exact_discount(2))


@pytest.mark.parametrize("K", sorted(WITNESSES))
def test_every_stored_witness_verifies_exactly_and_not_at_the_full_cutoff(K: int) -> None:
    witness = WITNESSES[K]
    assert len(witness[0][0]) == K + 2
    ok, detail = verify_exactly(witness, str(K))
    assert ok, detail
    assert not verify_exactly(witness, "n")[0]
    grades, probs = law_arrays(witness)
    assert loses_by_sorting(grades, probs, K)[0]


def test_no_law_is_a_witness_at_the_full_cutoff() -> None:
    """Rearrangement: with K = n every sorting of u is optimal (random laws, brute force)."""
    @hypothesis_seed(0)
    @settings(max_examples=150, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(relevance_laws(2, 5))
    def check(law: tuple) -> None:
        grades, probs = law_arrays(law)
        assert not loses_by_sorting(grades, probs, grades.shape[1])[0]

    check()


def test_relevance_laws_cover_every_item_when_asked() -> None:
    @hypothesis_seed(1)
    @settings(max_examples=100, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(relevance_laws(3, 6, cover=True))
    def check(law: tuple) -> None:
        rows, weights = law
        grades = np.array(rows)
        assert grades.max(axis=1).min() >= 1 and grades.max(axis=0).min() >= 1
        assert len(weights) == len(rows) and min(weights) >= 1

    check()


def test_a_dcg_discount_off_by_one_fails_the_exact_witness_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The float search and the exact re-check must agree: a wrong float discount is caught by the claim too."""
    import claims.pu2026.ranking as ranking

    monkeypatch.setattr(ranking, "discounts", lambda n: 1.0 / np.log2(np.arange(3, n + 3)))
    ok, detail = verify_exactly(WITNESSES[1], "1")
    assert not ok and "disagrees" in detail
