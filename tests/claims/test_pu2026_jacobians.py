"""Unit tests of the pu2026 Jacobian and order-preservation helpers, and of the verdicts their symbolic checks give."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from claims.pu2026 import jacobian_entmax as je
from claims.pu2026 import jacobian_softmax as js
from claims.pu2026 import sop, sparse_ties
from verifiers import WHOLE, Context, profile
from verifiers.symbolic import sum_identity


def _ctx(claim_id: str, **params: object) -> Context:
    return Context(claim_id, params, profile("quick"), 0)


def test_sum_identity_proves_a_true_identity_for_symbolic_n() -> None:
    w, v = sp.IndexedBase("w", nonnegative=True), sp.IndexedBase("v", real=True)
    c, mu = sp.symbols("c mu", real=True)
    given = {js.over_n(w[js.IDX]): 1, js.over_n(w[js.IDX] * v[js.IDX]): mu}
    lhs = js.over_n(w[js.IDX] * (v[js.IDX] - c) ** 2)
    rhs = js.over_n(w[js.IDX] * v[js.IDX] ** 2) - mu**2 + (mu - c) ** 2
    assert sum_identity(lhs, rhs, step="t", scope=WHOLE, hypotheses=given).verdict == "proved"
    assert sum_identity(lhs, rhs + c, step="t", scope=WHOLE, hypotheses=given).verdict != "proved"
    assert sum_identity(lhs, rhs, step="t", scope=WHOLE).verdict != "proved"


def test_weighted_variance_lemmas_are_proved() -> None:
    assert js.weighted_variance_lemmas(WHOLE).verdict == "proved"


@pytest.mark.parametrize(("alpha", "m", "a"), [(1.5, 1, 0.3), (1.5, 5, 0.7), (1.05, 9, 0.9), (1.95, 30, 0.95)])
def test_family_value_is_the_largest_eigenvalue_of_the_closed_form(alpha: float, m: int, a: float) -> None:
    p = np.concatenate([[a], np.full(m, (1 - a) / m)])
    g = p ** (2 - alpha)
    largest = np.linalg.eigvalsh(np.diag(g) - np.outer(g, g) / g.sum())[-1]
    formula = float(je.family_value(m, a, alpha))
    assert largest == pytest.approx(max(formula, g[1] if m >= 2 else 0.0), abs=1e-12)


@pytest.mark.parametrize(("alpha", "bound"), [(1.5, 2**-0.5), (1.5, 0.99), (1.05, 0.99), (1.0001, 0.9), (1.95, 0.999)])
def test_family_witness_exceeds_the_bound(alpha: float, bound: float) -> None:
    assert je.family_witness(bound, alpha)["exceeds_bound"] is True


def test_upper_in_dimension_is_the_crossing_value() -> None:
    beta, n = 0.5, 5
    grid = np.linspace(0, 1, 200001)
    curve = np.minimum(grid**beta, (grid**beta + (n - 1) ** (1 - beta) * (1 - grid) ** beta) / 2)
    assert je.upper_in_dimension(n, 1.5) == pytest.approx(curve.max(), abs=1e-8)
    assert je.upper_in_dimension(n, 1.5) >= curve.max()


@pytest.mark.parametrize(("alpha", "n"), [(1.5, 3), (1.5, 5), (1.05, 4), (1.95, 6)])
def test_dimension_interval_brackets_a_random_search(alpha: float, n: int) -> None:
    low, _ = je.lower_in_dimension(n, alpha)
    high = je.upper_in_dimension(n, alpha)
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(n, 0.5), size=4000)
    g = p ** (2 - alpha)
    J = np.einsum("ki,ij->kij", g, np.eye(n)) - g[:, :, None] * g[:, None, :] / g.sum(1)[:, None, None]
    found = np.linalg.eigvalsh(J)[:, -1].max()
    assert found <= high and low <= high <= 1.0
    assert low >= 2 ** (alpha - 2) - 1e-15


@pytest.mark.parametrize(("alpha", "bound", "n", "verdict"), [
    (1.5, 1.0, 0, "proved"), (1.5, 0.99, 0, "refuted"), (1.5, 1.01, 0, "refuted"), (1.5, 0.714, 0, "refuted"),
    (1.5, 2**-0.5, 0, "refuted"), (1.05, 1.0, 0, "proved"), (1.05, 0.99, 0, "refuted"), (1.05, 1.01, 0, "refuted"),
    (1.95, 2**-0.05, 0, "refuted"), (2.0, 1.0, 0, "proved"), (2.0, 0.99, 0, "refuted"), (2.0, 1.01, 0, "refuted"),
    (1.5, 2**-0.5, 2, "proved"), (1.5, 0.714, 2, "refuted"), (1.5, 0.7, 2, "refuted"), (1.5, 1.0, 2, "refuted"),
    (2.0, 1.0, 7, "proved"), (2.0, 0.99, 7, "refuted"), (1.5, 1.0, 5, "refuted"), (1.5, 0.7, 5, "refuted"),
    (1.5, 2**-0.5, 5, "skipped"), (1.95, 2**-0.05, 64, "refuted"), (1.5, 0.5, 1, "refuted"),
])
def test_entmax_symbolic_verdicts(alpha: float, bound: float, n: int, verdict: str) -> None:
    out = je.entmax_symbolic(_ctx("pu2026/jacobian-entmax", alpha=alpha, bound=bound, n=n))
    assert out.verdict == verdict, out.reason


@pytest.mark.parametrize(("bound", "verdict"), [(0.5, "proved"), (0.49, "refuted"), (0.51, "refuted"),
                                                (0.495, "refuted"), (0.505, "refuted")])
def test_softmax_symbolic_verdicts(bound: float, verdict: str) -> None:
    out = js.jacobian_symbolic(_ctx("pu2026/jacobian-softmax", bound=bound))
    assert out.verdict == verdict and (verdict != "proved" or out.scope == WHOLE)


@pytest.mark.parametrize(("name", "alpha"), [("softmax", 1.5), ("sparsemax", 1.5), ("entmax15", 1.5),
                                             ("entmax", 1.05), ("entmax", 1.0001), ("entmax", 1.999), ("entmax", 2.0)])
def test_sop_and_sparse_ties_agree(name: str, alpha: float) -> None:
    not_sop = sop.sop_symbolic(_ctx("pu2026/sop", map=name, alpha=alpha)).verdict == "refuted"
    tie = sparse_ties.ties_symbolic(_ctx("pu2026/sparse-ties", map=name, alpha=alpha)).verdict == "proved"
    assert not_sop == tie == (name != "softmax")


def test_order_violation_uses_log_space_where_softmax_underflows() -> None:
    s = np.array([0.0, -800.0, -900.0])
    p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    assert p[1] == p[2] == 0.0
    assert sop.order_violation(s, p, strict=True, confirm=sop.confirmation("softmax", s, p, 1.5)) is None
    reversed_p = p[::-1].copy()
    assert sop.order_violation(s, reversed_p, strict=True) is not None


def test_order_violation_counts_only_exact_zeros_for_sparse_maps() -> None:
    s = np.array([2.0, 0.0, -1.0])
    p = np.array([1.0, 0.0, 0.0])
    assert sop.order_violation(s, p, strict=True, confirm=sop.confirmation("sparsemax", s, p, 2.0)) is not None
    assert sop.order_violation(s, p, strict=False) is None
