"""Unit tests of dbv2016/table-arithmetic: exact p-values against scipy and brute force, the tables, the thresholds."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from scipy import stats

from claims.dbv2016 import table_arithmetic as ta
from verifiers import profile
from verifiers.model import Context


@pytest.mark.parametrize("a, b, n", [(3, 1, 10), (5, 2, 12), (0, 4, 9), (7, 7, 20), (82, 78, 10_000)])
def test_fisher_exact_is_exact(a: int, b: int, n: int) -> None:
    if n <= 20:
        weights = [math.comb(a + b, k) * math.comb(2 * n - a - b, n - k) for k in range(a + b + 1)]
        assert ta.fisher_exact(a, b, n) == Fraction(sum(w for w in weights if w <= weights[a]), math.comb(2 * n, n))
    assert abs(float(ta.fisher_exact(a, b, n)) - stats.fisher_exact([[a, n - a], [b, n - b]])[1]) < 1e-9


def test_mcnemar_bound_is_two_to_the_one_minus_d() -> None:
    for d in (1, 2, 3, 5, 8):
        exact, scanned = ta.mcnemar_bound(d, 2_000)
        assert exact == min(Fraction(1), Fraction(2, 2**d))
        assert scanned == pytest.approx(float(exact), rel=1e-12)
        assert stats.binomtest(d, d, 0.5).pvalue == pytest.approx(float(exact), rel=1e-12)


def test_z_test_matches_scipy_and_the_hand_value() -> None:
    z, p = ta.z_test("MNIST")
    assert p == pytest.approx(2 * stats.norm.sf(float(z)), rel=1e-12)
    assert float(z) == pytest.approx(0.027 / 100 / math.sqrt(0.007985 * 0.992015 * 2e-4), rel=1e-9)


def test_the_tables_as_printed() -> None:
    assert all(ta.orderings().values())
    assert ta.images("MNIST", ta.SOFTMAX) == Fraction(406, 5)
    assert ta.images("MNIST", ta.SOFTMAX) - ta.images("MNIST", ta.TAYLOR) == Fraction(27, 10)
    assert ta.images("CIFAR-10", ta.SOFTMAX).denominator == 1


def test_orderings_notice_a_changed_table(monkeypatch: pytest.MonkeyPatch) -> None:
    swapped = {**ta.TABLE, "MNIST": {**ta.TABLE["MNIST"], ta.TAYLOR: Fraction("0.830")}}
    monkeypatch.setattr(ta, "TABLE", swapped)
    assert not ta.orderings()["Taylor < log-softmax on MNIST and CIFAR-10"]
    assert not ta.orderings()["bold = column minimum"]


@pytest.mark.parametrize("level, significant, verdict", [
    (0.05, False, "proved"), (0.2475, False, "proved"), (0.25, False, "refuted"), (0.2525, False, "refuted"),
    (0.05, True, "refuted"), (0.3, True, "inconclusive"), (0.9, True, "proved"),
])
def test_the_decision_at_the_critical_level(level: float, significant: bool, verdict: str) -> None:
    ctx = Context("dbv2016/table-arithmetic", {"test_level": level, "mnist_significant": significant},
                  profile("quick"), 0)
    assert ta.tables_symbolic(ctx).verdict == verdict
