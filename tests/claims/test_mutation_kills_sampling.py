"""Shared sampling implementations of pu2026 pinned exactly: count vectors, blocks, laws, estimators, Richardson,
the exact-coefficient check and the samplers (mutation kills)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from claims.pu2026 import estimators as est
from claims.pu2026 import exact_moments as em
from claims.pu2026 import sampling as sm
from verifiers import Context, instance, profile

QUICK = profile("quick")


def _law(*values: float) -> torch.Tensor:
    q = torch.tensor(values, dtype=torch.float64)
    return q / q.sum()


# ---- count vectors and their blocks ----------------------------------------------------------------------------

def test_count_vector_blocks_respect_the_row_bound() -> None:
    """One block when everything fits (also exactly at the bound, and always for m <= 2); else split on the
    leading counts, ``max_rows // (k + 1)`` leading values per block (m = 3) or recursively (m >= 4)."""
    assert len(list(est.count_vector_blocks(4, 3, est.n_count_vectors(4, 3)))) == 1
    assert [len(b) for b in est.count_vector_blocks(10, 2, 3)] == [11]
    assert [len(b) for b in est.count_vector_blocks(7, 3, 5)] == [8, 7, 6, 5, 4, 3, 2, 1]
    assert [len(b) for b in est.count_vector_blocks(7, 3, 17)] == [15, 11, 7, 3]
    assert [len(b) for b in est.count_vector_blocks(7, 3, 24)] == [21, 12, 3]
    sizes = [len(b) for b in est.count_vector_blocks(6, 4, 4)]
    assert max(sizes) == 7 and sum(sizes) == est.n_count_vectors(6, 4) and min(sizes) >= 1
    for k, m, rows in ((7, 3, 17), (7, 3, 24), (6, 4, 4)):
        found = [tuple(r) for b in est.count_vector_blocks(k, m, rows) for r in b.tolist()]
        assert len(found) == len(set(found)) == est.n_count_vectors(k, m)


def test_multinomial_expectation_evaluates_block_by_block() -> None:
    q = _law(1, 2, 3)
    seen: list[int] = []

    def f(rows: torch.Tensor) -> torch.Tensor:
        seen.append(rows.shape[0])
        return rows[:, 0]

    value = est.multinomial_expectation(f, q, 7, max_rows=5)
    assert seen == [8, 7, 6, 5, 4, 3, 2, 1] and float(value) == pytest.approx(7 / 6, rel=1e-12)
    seen.clear()
    est.negatives_expectation(f, torch.tensor([0.0, 1 / 6, 2 / 6, 3 / 6], dtype=torch.float64), 0, 5, max_rows=3)
    assert max(seen) <= 6 and len(seen) > 1


def test_log_multinomial_accepts_float_counts_and_float32_laws() -> None:
    counts = torch.tensor([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]], dtype=torch.float64)
    q32 = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float32)
    q64 = q32.double()
    expected = [math.log(3 * 0.2 ** 2 * 0.3), math.log(0.5 ** 3)]
    got = est.log_multinomial(counts, q32)
    assert got.dtype == torch.float64 and got.tolist() == pytest.approx(
        [math.log(3 * float(q64[0]) ** 2 * float(q64[1])), 3 * math.log(float(q64[2]))], rel=1e-13)
    assert est.log_multinomial(counts.long(), _law(0.2, 0.3, 0.5)).tolist() == pytest.approx(expected, rel=1e-13)


def test_laws_are_checked_with_a_clear_message_and_renormalized_in_float64() -> None:
    with pytest.raises(ValueError) as info:
        est.multinomial_expectation(lambda r: r[:, 0], torch.tensor([0.5, 0.0, 0.5]), 2)
    assert str(info.value) == "q must be strictly positive and sum to 1 (restrict it to its support first)"
    q = torch.tensor([0.25, 0.75 + 5e-10], dtype=torch.float64)
    checked = est._checked_law(q)
    assert float(checked.sum()) == pytest.approx(1.0, abs=1e-15) and checked.dtype == torch.float64
    q32 = est._checked_law(torch.tensor([0.25, 0.75], dtype=torch.float32))
    assert q32.dtype == torch.float64


def test_sample_counts_draw_rows_reproducibly_from_the_generator() -> None:
    q = _law(1, 3)
    a = est.sample_counts(q, 5, 4, torch.Generator().manual_seed(3))
    b = est.sample_counts(q, 5, 4, torch.Generator().manual_seed(3))
    idx = torch.multinomial(q, 20, replacement=True, generator=torch.Generator().manual_seed(3)).view(4, 5)
    assert torch.equal(a, b) and a.tolist() == [[float((r == 0).sum()), float((r == 1).sum())] for r in idx]


def test_sample_counts_chunk_rows_when_k_is_large() -> None:
    """With k = CHUNK_DRAWS / 2 two rows fit in a chunk: three rows come out as chunks of 2 and 1."""
    k = est.CHUNK_DRAWS // 2
    q = _law(1, 1)
    counts = est.sample_counts(q, k, 3, torch.Generator().manual_seed(0))
    assert counts.shape == (3, 2) and counts.sum(1).tolist() == [k] * 3


def test_weight_atoms_merge_equal_weights_only() -> None:
    s = torch.zeros(3, dtype=torch.float64)
    q = torch.tensor([1 / 12, 1 / 12.6, 1 - 1 / 12 - 1 / 12.6], dtype=torch.float64)
    values, masses = est.weight_atoms(s, q)
    assert len(values) == 3 and masses.dtype == torch.float64 and values.dtype == torch.float64
    merged, mass = est.weight_atoms(s, q, rtol=0.1)
    assert merged.tolist() == pytest.approx([1 / (3 * float(q[2])), 4.0]) and mass.tolist() == pytest.approx(
        [float(q[2]), float(q[0] + q[1])], rel=1e-15)
    same, mass = est.weight_atoms(torch.zeros(4, dtype=torch.float64), _law(1, 1, 2, 2), rtol=0.0)
    assert same.tolist() == pytest.approx([0.75, 1.5]) and mass.tolist() == pytest.approx([2 / 3, 1 / 3], rel=1e-15)
    values32, _ = est.weight_atoms(torch.tensor([0.1, 0.7], dtype=torch.float32), torch.tensor([0.3, 0.7],
                                                                                               dtype=torch.float32))
    p = torch.softmax(torch.tensor([0.1, 0.7], dtype=torch.float32).double(), 0)
    w = p / torch.tensor([0.3, 0.7], dtype=torch.float32).double()
    assert values32.tolist() == sorted(w.tolist())


def test_draws_of_an_empty_batch_is_zero() -> None:
    assert est.draws_of(torch.zeros(0, 3)) == 0 and est.draws_of(torch.tensor([[2.0, 1.0]])) == 3


def test_controlled_gradient_has_zero_variance_when_q_matches_the_model() -> None:
    """With q ∝ e^o on the negatives every row of the controlled gradient is softmax(o) - e_y exactly."""
    o = torch.tensor([0.3, -1.0, 2.0, 0.5], dtype=torch.float64)
    y = 1
    q = torch.exp(o)
    q[y] = 0.0
    q = q / q.sum()
    rows = est.count_vectors(3, 4)
    rows = rows[rows[:, y] == 0].double()
    grad = est.ssm_gradient_controlled(rows, o, y, q)
    assert torch.allclose(grad, est.full_gradient(o, y).expand_as(grad), atol=1e-12, rtol=0)


def test_gradients_in_float32_are_computed_in_float64() -> None:
    o32 = torch.tensor([0.3, -1.0, 2.0], dtype=torch.float32)
    q32 = torch.tensor([0.5, 0.0, 0.5], dtype=torch.float32)
    rows = torch.tensor([[2.0, 0.0, 1.0], [0.0, 0.0, 3.0]], dtype=torch.float64)
    for fn in (est.ssm_gradient, est.ssm_gradient_controlled):
        assert torch.equal(fn(rows, o32, 1, q32), fn(rows, o32.double(), 1, q32.double()))
    assert torch.equal(est.full_gradient(o32, 1), est.full_gradient(o32.double(), 1))


def test_a_class_outside_the_proposal_gets_no_weight() -> None:
    """q = 0 on a negative class (never drawn): its adjusted weight is 0, the gradient stays finite."""
    o = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)
    q = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
    a, top = est._adjusted(o, 2, q, 2)
    assert a.tolist() == [math.exp(-2.0) / 2, 0.0, 0.0] and top == 1.0
    grad = est.ssm_gradient(torch.tensor([[2.0, 0.0, 0.0]], dtype=torch.float64), o, 2, q)
    assert torch.isfinite(grad).all()


# ---- exact moments, Richardson and the exact-coefficient check ---------------------------------------------------

@pytest.mark.parametrize(("n", "k"), [(0, 3), (-1, 2), (2, -1)])
def test_count_vectors_message(n: int, k: int) -> None:
    with pytest.raises(ValueError) as info:
        em.count_vectors(n, k)
    assert str(info.value) == f"need n >= 1 and k >= 0, got n={n}, k={k}"


def test_count_vectors_are_int32_including_edge_cases() -> None:
    for n, k in ((1, 4), (3, 0), (3, 2), (4, 3)):
        rows = em.count_vectors(n, k)
        assert rows.dtype == np.int32 and rows.shape == (math.comb(k + n - 1, n - 1), n)
        assert (rows.sum(1) == k).all()
    assert em.count_vectors(3, 0).tolist() == [[0, 0, 0]]


def _tableau(values, ratio=2.0, power=1):
    """Textbook Richardson tableau: level m eliminates k^-(power+m-1)."""
    rows = [list(values)]
    for m in range(1, len(values)):
        f = ratio ** (power + m - 1)
        rows.append([(f * b - a) / (f - 1) for a, b in zip(rows[-1], rows[-1][1:])])
    return tuple(r[-1] for r in rows)


_RNG = np.random.default_rng(11)
_LISTS = [[float(v) for v in _RNG.integers(-9, 10, size)] for size in (3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8)]


@pytest.mark.parametrize("values", [[1.0, 2.0, 4.0], [3.0, 1.0, 7.0, 2.0, 5.0], [0.0, 1.0, 0.5, 0.25, 0.125, 0.2],
                                    [2.0 + 3.0 / k - 5.0 / k ** 2 + 7.0 / k ** 3 for k in (1, 2, 4, 8, 16)],
                                    [-6.0, -6.0, 4.0, -5.0, -3.0, 8.0, 8.0, 8.0], *_LISTS])
def test_richardson_diagonal_error_and_level(values) -> None:
    diagonal = _tableau(values)
    gaps = [abs(b - a) for a, b in zip(diagonal, diagonal[1:])]
    errors = [max(gaps[max(j - 2, 0):j + 1]) for j in range(1, len(diagonal))]
    best = 1 + errors.index(min(errors))
    got = em.richardson(values)
    assert got.diagonal == pytest.approx(diagonal, rel=1e-12, abs=1e-12)
    assert (got.value, got.error, got.level) == (pytest.approx(diagonal[best], abs=1e-12),
                                                pytest.approx(errors[best - 1], abs=1e-12), best)


def test_richardson_needs_three_values_and_says_so() -> None:
    assert em.richardson([1.0, 2.0, 3.0]).level in (1, 2)
    with pytest.raises(ValueError) as info:
        em.richardson([1.0, 2.0])
    assert str(info.value) == "Richardson extrapolation needs at least three grid values"


@pytest.mark.parametrize(("chi2", "k"), [(0.0, 16), (0.5, 16), (1.0, 16), (2.0, 32), (2.5, 64), (3.6, 64)])
def test_first_grid_point(chi2: float, k: int) -> None:
    assert em.first_k(chi2) == k


@pytest.mark.parametrize(("rel", "extra"), [(0.05, 0), (0.01, 1), (0.003, 2)])
def test_panel_designs(rel: float, extra: int) -> None:
    designs = em.panel(rel)
    assert [d.name for d in designs] == ["n3-tempered", "n3-uniform", "n3-skewed", "n4-tempered"]
    s3, s4 = np.linspace(-2.0, 2.0, 3), np.linspace(-2.0, 2.0, 4)
    laws = [np.exp(0.6 * s3), np.ones(3), np.array([0.6, 0.3, 0.1]), np.exp(0.6 * s4)]
    logits = [s3, s3, np.array([0.0, 1.0, 2.0]), s4]
    for d, s, q, levels in zip(designs, logits, laws, (5, 5, 5, 4)):
        q = q / q.sum()
        p = np.exp(s - np.log(np.exp(s).sum()))
        chi2 = float((p * p / q).sum() - 1)
        assert d.s == pytest.approx(tuple(s), abs=0) and d.q == pytest.approx(tuple(q), rel=1e-15)
        assert d.chi2 == pytest.approx(chi2, rel=1e-12)
        k0 = em.first_k(chi2)
        assert d.ks == tuple(k0 << j for j in range(levels + extra))
    assert [round(d.chi2, 2) for d in designs] == [0.11, 1.3, 3.64, 0.13]


def _coefficient_outcome(claimed: float, scaled, **kw):
    ctx = Context("pu2026/x", {}, QUICK, seed=0)
    return em.exact_coefficient(ctx, claimed, scaled, quantity="q", series="S", margin=2.0, scale=4.0, **kw)


def test_exact_coefficient_supports_and_records_every_design() -> None:
    out = _coefficient_outcome(0.5, lambda d, k, m: 0.5 + d.chi2 / k, extra={"note": 1})
    designs = em.panel(QUICK.rel_resolution)
    rows = out.statistics["designs"]
    assert out.verdict == "supported" and out.counterexample is None and out.statistics["note"] == 1
    assert [r["design"] for r in rows] == [d.name for d in designs]
    for r, d in zip(rows, designs):
        values = [0.5 + d.chi2 / k for k in d.ks]
        limit = em.richardson(values)
        assert r == {"design": d.name, "chi_square": d.chi2, "k_grid": list(d.ks), "values": values,
                     "limit": limit.value, "error": limit.error, "tolerance": 2.0 * limit.error + 1e-12,
                     "deviation": limit.value - 0.5}
    worst = max(r["tolerance"] for r in rows)
    assert (out.resolution.value, out.resolution.quantity, out.resolution.level) == (worst, "q", 0.0)
    assert out.resolution.relative == worst / 4.0
    last = designs[-1]
    assert out.figures == ({"kind": "line", "title": "exact S, design n4-tempered", "xlabel": "k", "ylabel": "S",
                            "log": False, "x": [float(k) for k in last.ks], "y": rows[-1]["values"], "exact": True,
                            "claimed": [0.5] * len(last.ks)},)
    assert out.scope == instance("small designs " + ", ".join(
        f"{d.name} (χ² = {d.chi2:.3g}, k ≤ {d.ks[-1]})" for d in designs))
    assert out.reason == (f"on all 4 designs the exact S extrapolates to 0.5 within {worst:.1e} (Richardson over k "
                          f"up to {max(d.ks[-1] for d in designs)})")
    assert _coefficient_outcome(0.5, lambda d, k, m: 0.5).statistics == {
        "designs": _coefficient_outcome(0.5, lambda d, k, m: 0.5).statistics["designs"]}


def test_exact_coefficient_refutes_on_the_first_design_off_its_tolerance() -> None:
    out = _coefficient_outcome(0.5, lambda d, k, m: 0.5 + (0.01 if d.name == "n3-uniform" else 0.0) + 1 / k)
    rows = out.statistics["designs"]
    r = rows[1]
    assert out.verdict == "refuted" and out.counterexample == {"design": "n3-uniform", "limit": r["limit"],
                                                                "claimed": 0.5}
    assert out.reason == (f"n3-uniform: the exact S extrapolates to {r['limit']:.8f} ± {r['tolerance']:.1e}, "
                          "not 0.5")
    assert rows[0]["deviation"] == pytest.approx(0.0, abs=1e-12)


def test_exact_coefficient_uses_the_moments_of_each_grid_point() -> None:
    seen: list = []

    def scaled(d, k, m):
        seen.append((d.name, k, m.k))
        return 1.0

    ctx = Context("pu2026/x", {}, replace(QUICK, rel_resolution=0.01), seed=0)
    em.exact_coefficient(ctx, 1.0, scaled, quantity="q", series="S", margin=1.0, scale=1.0)
    assert seen == [(d.name, k, k) for d in em.panel(0.01) for k in d.ks]
    assert _coefficient_outcome(1.0, lambda d, k, m: 1.0 + 1e-13).verdict == "supported"


# ---- samplers and small helpers of pu2026.sampling ------------------------------------------------------------------

def test_default_design() -> None:
    s, q = sm.design()
    assert torch.equal(s, torch.linspace(-2.0, 2.0, 20, dtype=torch.float64))
    assert torch.equal(q, torch.softmax(0.6 * s, dim=0))
    s5, q5 = sm.design(5, 0.3)
    assert s5.tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0] and torch.equal(q5, torch.softmax(0.3 * s5, dim=0))


def test_weight_variance_normalizes_the_proposal() -> None:
    s, q = sm.design(6)
    assert sm.weight_variance(s, 3.0 * q) == pytest.approx(sm.weight_variance(s, q), rel=1e-13)
    assert sm.weight_variance(s, q) == pytest.approx(sm.chi_square(s, q), rel=1e-12)


@pytest.mark.parametrize(("q", "prob", "alias"), [
    ((1 / 3, 1 / 3, 1 / 3), [1.0, 1.0, 1.0], [0, 1, 2]),
    ((1 / 6, 1 / 2, 1 / 3), [0.5, 1.0, 0.5], [2, 1, 1]),
    ((1 / 8, 1 / 8, 3 / 8, 3 / 8), [0.5, 0.5, 1.0, 0.5], [3, 3, 2, 2]),
])
def test_alias_tables_by_hand(q, prob, alias) -> None:
    """Vose's construction worked by hand: small columns take the last large one as alias; exact 1.0 is large."""
    got_prob, got_alias = sm.alias_table(torch.tensor(q, dtype=torch.float64))
    assert got_prob.tolist() == prob and got_alias.tolist() == alias and got_alias.dtype == torch.int64


def test_alias_draws_use_one_float64_uniform_per_draw() -> None:
    q = torch.tensor([1 / 8, 1 / 8, 3 / 8, 3 / 8], dtype=torch.float64)
    values = torch.tensor([10.0, 20.0, 30.0, 40.0], dtype=torch.float64)
    sampler = sm._AliasWeights(q, values, torch.device("cpu"))
    got = sampler.draw(2000, torch.Generator().manual_seed(7))
    u = torch.rand(2000, generator=torch.Generator().manual_seed(7), dtype=torch.float64) * 4
    prob, alias = sm.alias_table(q)
    col = u.long()
    expected = torch.where(u < col + prob[col], values[col], values[alias[col]])
    assert torch.equal(got, expected)


def test_row_draws_chunk_rows_and_keep_the_row_count() -> None:
    k = sm.CHUNK_DRAWS // 2
    s, q = sm.design(4)
    err = sm.weight_error(s, q, k, 3, torch.Generator().manual_seed(0))
    assert err.shape == (3,)


def test_log_weights_are_float64_for_float32_inputs() -> None:
    s, q = sm.design(5)
    s32, q32 = s.float(), q.float()
    assert torch.equal(sm._log_weights(s32, q32, torch.device("cpu")),
                       sm._log_weights(s32.double(), q32.double(), torch.device("cpu")))


def test_log_zhat_error_switches_to_logsumexp_only_beyond_600_nats() -> None:
    """At a spread of exactly 600 nats the direct mean is used: exp(-600) is still representable."""
    s = torch.tensor([0.0, 600.0], dtype=torch.float64)
    q = torch.tensor([0.5, 0.5], dtype=torch.float64)
    log_w = sm._log_weights(s, q, torch.device("cpu"))
    assert float(log_w.max() - log_w.min()) == sm.MAX_LOG_WEIGHT_SPREAD
    got = sm.log_zhat_error(s, q, 3, 50, torch.Generator().manual_seed(1))
    top = log_w.max()
    direct = sm._row_draws(q, torch.exp(log_w - top), 3, 50, torch.Generator().manual_seed(1),
                           lambda rows: rows.mean(dim=1).log_()) + top
    assert torch.equal(got, direct)


def test_nested_errors_message() -> None:
    with pytest.raises(ValueError) as info:
        sm.nested_errors(torch.zeros(2, 3, dtype=torch.float64), 4, [4, 6])
    assert str(info.value) == "every k must be a multiple of 4 and at most 12; got [4, 6]"
    with pytest.raises(ValueError):
        sm.nested_errors(torch.zeros(2, 3, dtype=torch.float64), 4, [4, 16])


def test_sample_variance_and_its_standard_error_exactly() -> None:
    x = torch.tensor([0.01, 0.03, 0.02, 0.07], dtype=torch.float64) + 5.0
    c = x.numpy() - x.numpy().mean()
    var = float((c * c).sum()) / 3
    assert sm.variance(x) == pytest.approx((var, math.sqrt((float((c ** 4).mean()) - var * var) / 4)), rel=1e-9)


def test_fit_wls_in_float64_for_float32_inputs() -> None:
    col = np.asarray([0.1, 0.7, 1.3, 2.9], dtype=np.float32)
    se = np.asarray([0.3, 0.1, 0.7, 0.2], dtype=np.float32)
    y = [1.0, 2.0, 2.5, 4.0]
    got = sm.fit_wls([np.ones(4), col], y, se)
    ref = sm.fit_wls([np.ones(4), col.astype(np.float64)], y, se.astype(np.float64))
    assert got == ref
