"""The method building blocks decide correctly on known true and false statements."""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from verifiers import WHOLE, Context, empirical, profile, symbolic
from verifiers import montecarlo as mc
from verifiers import property as prop
from verifiers.strategies import logits, simplex

CTX = Context("demo/x", {}, profile("quick"), seed=7)
x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)


def test_identity_proves_a_true_identity():
    """A residual that simplifies to zero is a proof."""
    out = symbolic.identity(sp.exp(2 * x), sp.exp(x) ** 2, scope=WHOLE)
    assert out.verdict == "proved" and out.scope == WHOLE


def test_identity_refutes_a_false_identity_with_a_point():
    """A false identity is refuted by an admissible numeric point."""
    out = symbolic.identity(2 * sp.exp(x), sp.exp(x), scope=WHOLE)
    assert out.verdict == "refuted" and set(out.counterexample) == {"x"}


def test_equals_compares_exact_constants():
    """Derived constants are compared with the claimed value."""
    assert symbolic.equals(sp.Rational(1, 2), 0.5, what="c", scope=WHOLE).verdict == "proved"
    assert symbolic.equals(sp.Rational(1, 2), 1.0, what="c", scope=WHOLE).verdict == "refuted"
    assert symbolic.equals(sp.Rational(1, 2), 0.5 + 1e-9, what="c", scope=WHOLE).verdict == "refuted"
    assert symbolic.equals(sp.Rational(1, 2), 0.505, what="c", scope=WHOLE, tol=0.01).verdict == "proved"
    assert symbolic.equals(sp.Rational(1, 2), 0.52, what="c", scope=WHOLE, tol=0.01).verdict == "refuted"


def test_bounded_by_decides_bound_and_sharpness():
    """p(1-p) <= 1/4 is sharp; 0.24 is exceeded; 0.3 holds but is not sharp."""
    expr, dom = p * (1 - p), sp.Interval(0, 1)
    assert symbolic.bounded_by(expr, p, dom, 0.25, scope=WHOLE).verdict == "proved"
    assert symbolic.bounded_by(expr, p, dom, 0.24, scope=WHOLE).verdict == "refuted"
    assert symbolic.bounded_by(expr, p, dom, 0.25 - 1e-9, scope=WHOLE).verdict == "refuted"
    assert "not sharp" in symbolic.bounded_by(expr, p, dom, 0.3, scope=WHOLE).reason
    assert symbolic.bounded_by(expr, p, dom, 0.25 + 1e-9, scope=WHOLE).verdict == "refuted"
    assert symbolic.bounded_by(expr, p, dom, 0.3, sharp=False, scope=WHOLE).verdict == "proved"


def test_forall_supports_a_true_property():
    """Probabilities from the simplex strategy are non-negative and sum to one."""
    out = prop.forall(CTX, simplex(), lambda q: bool(np.all(q >= 0) and abs(q.sum() - 1) < 1e-12))
    assert out.verdict == "supported" and out.statistics["valid"] >= CTX.budget.examples // 2


def test_forall_refutes_with_a_shrunk_counterexample():
    """'every logit vector is sorted' fails on a small, shrunk example."""
    out = prop.forall(CTX, logits(), lambda s: bool(np.all(np.diff(s) >= 0)))
    assert out.verdict == "refuted"
    assert len(out.counterexample["example"]) == 2


def test_forall_is_inconclusive_when_hypotheses_reject_most_inputs():
    """A vacuous search never passes."""
    out = prop.forall(CTX, st.integers(0, 10**6), lambda n: True, hypotheses=lambda n: n == 3)
    assert out.verdict == "inconclusive"


def test_exists_finds_a_witness_or_stays_inconclusive():
    """A witness supports an existence claim; its absence proves nothing."""
    assert prop.exists(CTX, st.integers(0, 100), lambda n: n > 50).verdict == "supported"
    assert prop.exists(CTX, st.integers(0, 100), lambda n: n > 500).verdict == "inconclusive"


def test_upper_bound_finds_the_supremum_with_local_search():
    """The targeted search gets within 1e-3 of sup -(x-0.3)^2 = 0 and refutes a smaller bound."""
    f = lambda v: -float(((np.asarray(v) - 0.3) ** 2).sum())  # noqa: E731
    local = prop.gradient_ascent(lambda t: -((t - 0.3) ** 2).sum(-1))
    strategy = st.lists(st.floats(-5, 5), min_size=2, max_size=2).map(np.asarray)
    assert prop.upper_bound(CTX, strategy, f, 0.0, local=local).verdict == "supported"
    assert prop.upper_bound(CTX, strategy, f, -1e-4, local=local).verdict == "refuted"
    assert prop.upper_bound(CTX, strategy, f, 0.5, local=local).verdict == "inconclusive"


def test_compare_refutes_supports_or_asks_for_more_samples():
    """A z-test with a power requirement."""
    est = mc.Estimate(1.0, 0.01, 1000)
    assert mc.compare(est, 1.0, resolution=0.1, what="m").verdict == "supported"
    assert mc.compare(est, 1.2, resolution=0.1, what="m").verdict == "refuted"
    assert mc.compare(mc.Estimate(1.0, 1.0, 10), 1.2, resolution=0.1, what="m").verdict == "inconclusive"


def test_mean_of_a_seeded_normal_sample_is_calibrated():
    """The CI of a sample mean covers the true mean of a seeded normal sample."""
    gen = torch.Generator().manual_seed(3)
    est = mc.mean(torch.randn(50_000, generator=gen, dtype=torch.float64) + 2.0)
    assert est.low < 2.0 < est.high and est.se < 0.01


def test_fit_line_recovers_an_exact_line():
    """Weighted least squares is exact on noiseless data."""
    fit = mc.fit_line([1, 2, 3, 4], [3, 5, 7, 9], [0.1, 0.2, 0.1, 0.3])
    assert abs(fit.intercept.value - 1) < 1e-9 and abs(fit.slope.value - 2) < 1e-9


def test_scaling_reads_exponents_from_counts():
    """Counts n^2 have slope 2; claiming 1 is refuted."""
    ns = [8, 16, 32, 64]
    assert empirical.scaling(ns, [n * n for n in ns], 2.0, what="q").verdict == "supported"
    assert empirical.scaling(ns, [n * n for n in ns], 1.0, what="q").verdict == "refuted"


def test_flops_counts_a_matrix_vector_product():
    """FlopCounterMode counts 2*m*n for an (m, n) @ (n,) product."""
    a, v = torch.ones(6, 5, dtype=torch.float64), torch.ones(5, 1, dtype=torch.float64)
    assert empirical.flops(torch.matmul, a, v) == 2 * 6 * 5


def test_a_failure_that_does_not_reproduce_is_inconclusive_not_refuted():
    """A non-deterministic predicate cannot refute a claim."""
    calls = {"n": 0}

    def once(n):
        calls["n"] += 1
        return calls["n"] != 5

    out = prop.forall(CTX, st.integers(0, 100), once)
    assert out.verdict == "inconclusive" and "did not reproduce" in out.reason


def test_gradient_ascent_batches_starts_by_shape_and_counts_evaluations():
    """Starts of two lengths are ascended in two batches; the best point of either comes back."""
    local = prop.gradient_ascent(lambda t: -((t - 1.0) ** 2).sum(-1) + t.shape[-1])
    point, value, evaluations = local([np.zeros(2), np.full(2, 5.0), np.zeros(3)], 40)
    assert point.shape == (3,) and value > 3 - 1e-3
    assert evaluations == 3 * 41


def test_gradient_ascent_ignores_rows_that_become_non_finite():
    """A row whose value is NaN neither wins nor stops the other rows from climbing."""
    local = prop.gradient_ascent(lambda t: torch.where(t[..., 0] > 0, torch.nan, -(t[..., 0] + 1.0) ** 2))
    point, value, _ = local([np.array([1.0]), np.array([-3.0])], 60)
    assert np.isfinite(value) and value > -1e-3 and point[0] < 0


def test_maximize_ascends_early_from_the_probe_and_late_from_the_best():
    """The local search runs twice: on the first PROBE_EXAMPLES examples, then on the best ``starts``."""
    calls: list[int] = []

    def local(starts, steps):
        calls.append(len(starts))
        return starts[0], -1.0, len(starts) * steps

    strategy = st.floats(-1, 1).map(lambda v: np.array([v]))
    _, _, stats = prop.maximize(CTX, strategy, lambda v: float(v[0]), local=local, starts=3)
    assert calls == [prop.PROBE_EXAMPLES, 3]
    assert stats["local_evaluations"] == (prop.PROBE_EXAMPLES + 3) * CTX.budget.local_steps
