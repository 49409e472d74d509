"""Unit tests of the pu2026 sampling, NCE and output-layer helpers, against independent computations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
import torch
from entmax import sparsemax
from entmax import sparsemax_loss as entmax_sparsemax_loss
from scipy.spatial.distance import jensenshannon
from scipy.stats import chisquare, entropy

from claims.pu2026 import delta_method, nce_math
from claims.pu2026 import output_layers as ol
from claims.pu2026.exact_moments import count_vectors, log_zhat_moments, panel, richardson
from claims.pu2026.rows import RunningRows, fit_weights, inverse_power_columns
from claims.pu2026.sampling import (
    _AliasWeights,
    alias_table,
    chi_square,
    design,
    doubling_grid,
    fit_wls,
    log_bias_samples,
    log_zhat_error,
    nested_errors,
    nested_weight_errors,
    variance,
    weight_error,
)
from claims.pu2026.sampling import weight_variance as sampling_weight_variance
from claims.pu2026.ssm_variants import VARIANTS
from verifiers import Claim, Context, profile


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ------------------------------------------------------------------------------------------- sampling


def test_weight_error_uses_the_same_draws_as_log_zhat_error() -> None:
    s, q = design()
    a = weight_error(s, q, 7, 5000, _gen(3)).log1p()
    b = log_zhat_error(s, q, 7, 5000, _gen(3))
    assert torch.allclose(a, b, rtol=0, atol=1e-12)


def test_weight_error_has_mean_zero_and_variance_chi2_over_k() -> None:
    s, q = design()
    k, m = 8, 200_000
    eps = weight_error(s, q, k, m, _gen(1))
    se = math.sqrt(chi_square(s, q) / k / m)
    assert abs(float(eps.mean())) < 5 * se
    var, var_se = variance(eps)
    assert abs(var - chi_square(s, q) / k) < 5 * var_se


def test_weight_error_chunks_give_the_right_count() -> None:
    s, q = design(n=5)
    assert weight_error(s, q, 3, 10, _gen()).shape == (10,)


@pytest.mark.parametrize("q", [design()[1], torch.tensor([0.5, 0.25, 0.125, 0.0625, 0.0625 - 1e-3, 1e-3]),
                               torch.full((7,), 1 / 7)])
def test_alias_table_reconstructs_q_exactly(q: torch.Tensor) -> None:
    prob, alias = alias_table(q)
    n = q.numel()
    mass = prob.clone() / n
    mass.index_add_(0, alias, (1.0 - prob) / n)
    assert torch.allclose(mass, q.double() / q.double().sum(), rtol=0, atol=1e-15)
    assert bool(((prob >= 0) & (prob <= 1)).all())


@pytest.mark.parametrize("seed", [0, 1])
def test_alias_sampler_passes_a_chi_square_goodness_of_fit(seed: int) -> None:
    """Category counts of 2M draws from the design's proposal and a skewed q match q (alpha 1e-6)."""
    for q in (design()[1], torch.tensor([0.4, 0.3, 0.2, 0.05, 0.04, 0.01], dtype=torch.float64)):
        n = q.numel()
        sampler = _AliasWeights(q, torch.arange(n, dtype=torch.float64), torch.device("cpu"))
        draws = sampler.draw(2_000_000, _gen(seed)).long()
        counts = torch.bincount(draws, minlength=n).double()
        assert counts.numel() == n
        result = chisquare(counts.numpy(), (q.double() * draws.numel()).numpy())
        assert result.pvalue > 1e-6, f"chi-square {result.statistic:.1f} on {n - 1} df"


def test_log_zhat_error_logsumexp_branch_matches_the_direct_one() -> None:
    """Weights spread over > 600 nats take the logsumexp path; it agrees with the shifted mean on a shifted problem."""
    s = torch.tensor([0.0, 1.0, 2.0, 800.0], dtype=torch.float64)
    q = torch.softmax(torch.tensor([0.0, 0.0, 0.0, 0.0], dtype=torch.float64), dim=0)
    wide = log_zhat_error(s, q, 4, 2000, _gen(5))
    assert bool(torch.isfinite(wide).all())
    idx_free = weight_error(s, q, 4, 2000, _gen(5)).log1p()
    finite = torch.isfinite(idx_free)
    assert torch.allclose(wide[finite], idx_free[finite], atol=1e-9)


def test_log_bias_samples_equal_log1p_minus_eps() -> None:
    eps = torch.tensor([-0.5, 0.0, 0.25], dtype=torch.float64)
    expected = torch.tensor([math.log(0.5) + 0.5, 0.0, math.log(1.25) - 0.25], dtype=torch.float64)
    assert torch.allclose(log_bias_samples(eps), expected, atol=1e-15)


def test_weight_variance_equals_chi_square() -> None:
    s, q = design()
    p = torch.softmax(s, dim=0)
    assert sampling_weight_variance(s, q) == pytest.approx(float(((p - q) ** 2 / q).sum()), rel=1e-12)
    assert chi_square(s, q) == pytest.approx(float(((p - q) ** 2 / q).sum()), rel=1e-12)


def test_chi_square_is_zero_when_q_equals_p() -> None:
    s, _ = design()
    assert abs(chi_square(s, torch.softmax(s, dim=0))) < 1e-12


def test_variance_se_matches_the_normal_theory() -> None:
    x = torch.randn(400_000, generator=_gen(2), dtype=torch.float64) * 3.0
    var, se = variance(x)
    assert abs(var - 9.0) < 5 * se
    assert se == pytest.approx(9.0 * math.sqrt(2 / x.numel()), rel=0.05)


def test_fit_wls_recovers_exact_coefficients_and_matches_numpy() -> None:
    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    y = 3.0 - 2.0 * np.log(x) + 0.5 / x
    beta, se = fit_wls([[1.0] * 5, list(np.log(x)), list(1 / x)], list(y), [0.1] * 5)
    assert beta == pytest.approx([3.0, -2.0, 0.5], abs=1e-10)
    X = np.column_stack([np.ones(5), np.log(x), 1 / x])
    assert se == pytest.approx(list(np.sqrt(np.diag(0.01 * np.linalg.inv(X.T @ X)))), rel=1e-10)


# ------------------------------------------------------------------------------------------------ NCE


def test_binary_entropy_and_js_match_scipy() -> None:
    p, q = np.array([0.1, 0.2, 0.7]), np.array([0.3, 0.3, 0.4])
    assert nce_math.binary_entropy(0.25) == pytest.approx(entropy([0.25, 0.75]), rel=1e-14)
    assert nce_math.skewed_js(p, q, 0.5) == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-12)
    m = 0.2 * p + 0.8 * q
    assert nce_math.skewed_js(p, q, 0.2) == pytest.approx(0.2 * entropy(p, m) + 0.8 * entropy(q, m), rel=1e-12)


def test_population_loss_matches_a_direct_formula_and_its_optimum() -> None:
    p, q, k = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.2, 0.6]), 4
    s = np.array([0.1, -0.4, 1.3])
    h = np.exp(s) / (np.exp(s) + k * q)
    direct = -np.sum(p * np.log(h)) - k * np.sum(q * np.log(1 - h))
    assert nce_math.population_loss(s, p, q, k) == pytest.approx(direct, rel=1e-13)
    best = nce_math.population_loss(np.log(p), p, q, k)
    assert best == pytest.approx(nce_math.js_bias_value(p, q, k), rel=1e-12)
    assert best != pytest.approx(nce_math.js_bias_value(p, q, k, "symmetric"), rel=1e-6)
    for i, step in itertools.product(range(3), (-1e-3, 1e-3)):
        moved = np.log(p).copy()
        moved[i] += step
        assert nce_math.population_loss(moved, p, q, k) > best


def test_population_loss_allows_zero_data_probabilities() -> None:
    p, q, k = np.array([0.0, 0.4, 0.6]), np.array([0.3, 0.3, 0.4]), 3
    value = nce_math.population_loss(nce_math.optimum(p), p, q, k)
    assert math.isfinite(value) and value == pytest.approx(nce_math.js_bias_value(p, q, k), rel=1e-12)


def test_example_losses_average_to_the_population_loss() -> None:
    p = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    q = torch.tensor([0.2, 0.2, 0.6], dtype=torch.float64)
    losses = nce_math.example_losses(p, q, 4, 200_000, _gen(5))
    se = float(losses.std()) / math.sqrt(losses.numel())
    assert abs(float(losses.mean()) - nce_math.population_loss(np.log(p.numpy()), p.numpy(), q.numpy(), 4)) < 5 * se


def test_irreducible_term_approaches_kl() -> None:
    p, q = np.array([0.1, 0.2, 0.7]), np.array([0.3, 0.3, 0.4])
    gaps = [abs(nce_math.irreducible_term(p, q, k) - nce_math.kl(p, q)) for k in (10, 100, 1000, 10_000)]
    assert all(b < a for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 1e-3
    assert nce_math.kl(p, q) == pytest.approx(entropy(p, q), rel=1e-13)


# ---------------------------------------------------------------------------------------- output layers


def _layer(n: int = 12, d: int = 5, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = _gen(seed)
    return torch.randn(n, d, generator=gen, dtype=torch.float64), torch.randn(d, generator=gen, dtype=torch.float64)


def test_softmax_loss_is_cross_entropy_with_2nd_flops() -> None:
    W, h = _layer()
    loss, ops = ol.softmax_loss(W, h, 4)
    expected = torch.nn.functional.cross_entropy((W @ h).unsqueeze(0), torch.tensor([4]))
    assert float(loss) == pytest.approx(float(expected), rel=1e-12)
    assert ops.matmul == 2 * 12 * 5


@pytest.mark.parametrize("n", [2, 5, 8, 13])
def test_hsm_probabilities_sum_to_one_and_depths_are_balanced(n: int) -> None:
    V, h = _layer(n=n)
    probs = torch.stack([ol.hsm_log_prob(V, h, y)[0].exp() for y in range(n)])
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-12)
    depths = {len(ol.tree_path(n, y)[0]) for y in range(n)}
    assert depths <= {math.floor(math.log2(n)), math.ceil(math.log2(n))}


def test_hsm_reproduces_a_softmax_when_node_scores_are_log_mass_ratios() -> None:
    n = 11
    z = torch.randn(n, generator=_gen(4), dtype=torch.float64)
    target = torch.softmax(z, dim=0)
    mass = torch.zeros(2 * n, dtype=torch.float64)
    mass[n:] = target
    for v in range(n - 1, 0, -1):
        mass[v] = mass[2 * v] + mass[2 * v + 1]
    V = torch.zeros(n, 1, dtype=torch.float64)
    V[1:, 0] = torch.log(torch.stack([mass[2 * v] / mass[2 * v + 1] for v in range(1, n)]))
    one = torch.ones(1, dtype=torch.float64)
    probs = torch.stack([ol.hsm_log_prob(V, one, y)[0].exp() for y in range(n)])
    assert torch.allclose(probs, target, atol=1e-13)


def test_sparsemax_matches_the_entmax_package() -> None:
    W, h = _layer(n=30, d=4, seed=7)
    z = W @ h
    ops = ol.Ops()
    assert torch.allclose(ol.sparsemax_scores(ops, z), sparsemax(z, dim=-1), atol=1e-12)
    loss, _ = ol.sparsemax_loss(W, h, 3)
    expected = entmax_sparsemax_loss(z.unsqueeze(0), torch.tensor([3]))
    assert float(loss) == pytest.approx(float(expected), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 7, 64, 100])
def test_merge_sort_sorts_and_counts_n_log_n_comparisons(n: int) -> None:
    values = torch.randn(n, generator=_gen(n), dtype=torch.float64).tolist()
    ops = ol.Ops()
    assert ol.merge_sort_desc(values, ops) == sorted(values, reverse=True)
    bound = n * math.ceil(math.log2(n)) if n > 1 else 0
    assert n // 2 * math.floor(math.log2(max(n, 1))) <= ops.comparisons <= bound


def test_alias_table_draws_follow_q() -> None:
    q = torch.tensor([0.05, 0.15, 0.3, 0.5], dtype=torch.float64)
    table = ol.alias_table(q)
    ops = ol.Ops()
    draws = ol.alias_draw(ops, table, 200_000, _gen(9))
    freq = torch.bincount(draws, minlength=4).double() / draws.numel()
    assert torch.allclose(freq, q, atol=5 * math.sqrt(0.25 / draws.numel()))
    assert ops.comparisons == 200_000


def test_sampled_layers_touch_k_plus_one_rows_and_match_direct_formulas() -> None:
    W, h = _layer(n=50, d=6)
    q = torch.softmax(torch.randn(50, generator=_gen(1), dtype=torch.float64), dim=0)
    table, k = ol.alias_table(q), 9
    loss, ops = ol.sampled_softmax_loss(W, h, 3, table, k, _gen(2))
    rows = torch.cat([torch.tensor([3]), ol.alias_draw(ol.Ops(), table, k, _gen(2))])
    logits = W[rows] @ h - torch.log(k * q[rows])
    assert float(loss) == pytest.approx(float(torch.logsumexp(logits, 0) - logits[0]), rel=1e-12)
    assert ops.matmul == 2 * (k + 1) * 6
    nce, nce_ops = ol.nce_loss(W, h, 3, table, k, _gen(2))
    link = torch.sigmoid(logits)
    assert float(nce) == pytest.approx(float(-torch.log(link[0]) - torch.log(1 - link[1:]).sum()), rel=1e-12)
    assert nce_ops.matmul == 2 * (k + 1) * 6


# ------------------------------------------------------------------------------ nested draws and row estimators


def test_nested_errors_average_the_first_blocks_of_each_row() -> None:
    blocks = torch.randn(5, 8, generator=_gen(11), dtype=torch.float64)
    out = nested_errors(blocks, 4, (4, 8, 16, 32))
    for j, count in enumerate((1, 2, 4, 8)):
        assert torch.allclose(out[:, j], blocks[:, :count].mean(dim=1), atol=1e-15)
    with pytest.raises(ValueError):
        nested_errors(blocks, 4, (4, 6))


def test_nested_weight_errors_reuse_weight_error_blocks() -> None:
    s, q = design()
    ks = doubling_grid(4, 32)
    assert ks == (4, 8, 16, 32)
    rows = nested_weight_errors(s, q, ks, 6, _gen(4))
    blocks = weight_error(s, q, 4, 6 * 8, _gen(4)).view(6, 8)
    assert torch.allclose(rows[:, -1], blocks.mean(dim=1), atol=1e-15)
    assert torch.allclose(rows[:, 0], blocks[:, 0], atol=1e-15)


def test_running_rows_match_numpy_across_calls() -> None:
    data = torch.randn(1000, 3, generator=_gen(6), dtype=torch.float64) * torch.tensor([1.0, 2.0, 0.5]) + 7.0
    data[:, 2] += data[:, 0]
    cursor = {"i": 0}

    def draw(gen: object, m: int) -> torch.Tensor:
        out = data[cursor["i"]:cursor["i"] + m]
        cursor["i"] += m
        return out

    rows = RunningRows(draw, None, batch=64)
    rows(300)
    rows(1000)
    x = data.numpy()
    assert rows.count == 1000
    assert np.allclose(rows.mean, x.mean(axis=0), atol=1e-12)
    assert np.allclose(rows.cov, np.cov(x, rowvar=False), atol=1e-10)
    lam = np.array([1.0, -2.0, 0.5])
    est = rows.linear(lam, offset=1.0)
    assert est.value == pytest.approx(float((x @ lam).mean()) + 1.0, abs=1e-10)
    assert est.se == pytest.approx(float((x @ lam).std(ddof=1)) / math.sqrt(1000), rel=1e-9)


def test_fit_weights_extract_the_intercept_of_an_inverse_power_expansion() -> None:
    ks = (16, 32, 64, 128, 256)
    weights = fit_weights(inverse_power_columns(ks, 2), 0)
    values = np.array([0.3 - 1.7 / k + 4.0 / k**2 for k in ks])
    assert float(weights @ values) == pytest.approx(0.3, abs=1e-12)
    assert float(weights.sum()) == pytest.approx(1.0, abs=1e-12)


# ------------------------------------------------------------------------------------- exact enumeration


@pytest.mark.parametrize(("n", "k"), [(1, 3), (2, 5), (3, 4), (4, 6)])
def test_count_vectors_enumerate_every_composition_once(n: int, k: int) -> None:
    counts = count_vectors(n, k)
    assert counts.shape == (math.comb(k + n - 1, n - 1), n)
    assert bool((counts.sum(axis=1) == k).all()) and bool((counts >= 0).all())
    expected = {c for c in itertools.product(range(k + 1), repeat=n) if sum(c) == k}
    assert {tuple(int(v) for v in row) for row in counts} == expected


def test_exact_moments_match_brute_force_over_index_sequences() -> None:
    s, q, k = np.array([0.3, -1.0, 2.0]), np.array([0.5, 0.3, 0.2]), 4
    p = np.exp(s) / np.exp(s).sum()
    w = p / q
    mean = second = mass = 0.0
    for seq in itertools.product(range(3), repeat=k):
        prob = float(np.prod(q[list(seq)]))
        value = math.log(float(w[list(seq)].mean()))
        mass, mean, second = mass + prob, mean + prob * value, second + prob * value * value
    got = log_zhat_moments(s, q, k)
    assert got.mass == pytest.approx(mass, abs=1e-13)
    assert got.mean == pytest.approx(mean, abs=1e-13)
    assert got.variance == pytest.approx(second - mean * mean, abs=1e-13)


def test_richardson_removes_inverse_powers_and_bounds_its_error() -> None:
    ks = [16 << j for j in range(6)]
    exact = richardson([2.0 + 3.0 / k - 5.0 / k**2 + 7.0 / k**3 for k in ks])
    assert exact.value == pytest.approx(2.0, abs=1e-12)
    geometric = richardson([2.0 + sum((0.5 * 16 / k) ** j for j in range(1, 12)) for k in ks])
    assert abs(geometric.value - 2.0) <= geometric.error


def test_exact_panel_recovers_the_delta_method_constants() -> None:
    for d in panel(0.05)[:2]:
        moments = d.moments()
        bias = richardson([-k * m.mean / d.chi2 for k, m in zip(d.ks, moments)])
        var = richardson([k * m.variance / d.chi2 for k, m in zip(d.ks, moments)])
        assert d.ks[0] >= 16 * d.chi2
        assert abs(bias.value - 0.5) <= 2 * bias.error + 1e-12 and bias.error < 1e-4
        assert abs(var.value - 1.0) <= 2 * var.error + 1e-12 and var.error < 1e-4


def test_delta_method_derivations_are_fully_checked() -> None:
    bias, var, rate = delta_method.bias_coefficient(), delta_method.variance_coefficient(), delta_method.rate_exponent()
    assert (bias.ok, var.ok, rate.ok, delta_method.proposal_equals_target().ok) == (True, True, True, True)
    assert (bias.value, var.value, rate.value) == (sp.Rational(1, 2), 1, -1)
    assert bias.premises and all(p.citation for p in bias.premises)


# ------------------------------------------------------------------------------ power of the Monte Carlo checks


def _run(check, claim, params: dict, prof: str = "quick", seed: int = 0):  # noqa: ANN001, ANN202
    ctx = Context(claim.id, {**claim.defaults(), **params}, profile(prof), seed)
    return check(ctx)


@pytest.mark.parametrize(("module", "check", "param", "values"), [
    ("ssm_logz_bias", "bias_montecarlo", "coef", (0.475, 0.525)),
    ("ssm_logz_variance", "variance_montecarlo", "coef", (0.95, 1.05)),
    ("ssm_unbiased_limit", "slope_montecarlo", "slope", (-0.95, -1.05)),
])
def test_monte_carlo_checks_refute_five_percent_off_at_quick(module: str, check: str, param: str,
                                                             values: tuple[float, float]) -> None:
    mod = __import__(f"claims.pu2026.{module}", fromlist=[check])
    fn = getattr(mod, check)
    claim = next(v for v in vars(mod).values() if isinstance(v, Claim))
    true = _run(fn, claim, {})
    assert true.verdict == "supported" and true.resolution.relative <= 0.05 + 1e-12
    assert true.statistics["ssm_variant"] in VARIANTS
    for value in values:
        assert _run(fn, claim, {param: value}, seed=1).verdict == "refuted", (module, value)


def test_monte_carlo_grids_grow_with_the_profile() -> None:
    from claims.pu2026.ssm_logz_bias import max_rows, mc_grid

    assert mc_grid(0.01)[-1] > mc_grid(0.05)[-1]
    assert [len(d.ks) for d in panel(0.01)] > [len(d.ks) for d in panel(0.05)]
    quick, standard = (Context("x", {}, profile(p), 0) for p in ("quick", "standard"))
    assert max_rows(standard) > max_rows(quick)


def test_nce_monte_carlo_resolution_is_relative_to_the_exact_value() -> None:
    from claims.pu2026.nce_js_bias import NCE_JS_BIAS, js_montecarlo

    out = _run(js_montecarlo, NCE_JS_BIAS, {})
    assert out.verdict == "supported" and out.resolution.relative == pytest.approx(0.05)
    assert out.figures[0]["exact"] is True and "low" not in out.figures[0]


def test_init_loss_honours_fraction_and_tol() -> None:
    from claims.cs231n.init_loss import INIT_LOSS, init_loss_montecarlo, init_loss_symbolic

    assert _run(init_loss_symbolic, INIT_LOSS, {"fraction": 1.002}).verdict == "proved"
    assert _run(init_loss_montecarlo, INIT_LOSS, {"fraction": 1.002}).verdict == "supported"
    assert _run(init_loss_symbolic, INIT_LOSS, {"fraction": 1.002, "tol": 0.004}).verdict == "skipped"
    assert _run(init_loss_montecarlo, INIT_LOSS, {"fraction": 1.002, "tol": 0.003}).verdict == "refuted"
    assert _run(init_loss_montecarlo, INIT_LOSS, {"fraction": 1.005}).verdict == "refuted"
    assert _run(init_loss_symbolic, INIT_LOSS, {"fraction": 1.01}).verdict == "refuted"
    assert _run(init_loss_montecarlo, INIT_LOSS, {"scale": 0.01}).verdict == "refuted"


# ------------------------------------------------------------------------------------ killed bugs


def test_irreducible_term_is_one_plus_k_times_the_skewed_js() -> None:
    """Kills `irreducible_term` computed with k instead of 1+k (both tend to KL, so a limit test cannot)."""
    p, q = np.array([0.1, 0.2, 0.7]), np.array([0.3, 0.3, 0.4])
    for k in (1, 2, 5):
        a = 1.0 / (1.0 + k)
        m = a * p + (1 - a) * q
        js = a * entropy(p, m) + (1 - a) * entropy(q, m)
        assert nce_math.irreducible_term(p, q, k) == pytest.approx((1 + k) * js, rel=1e-12)
        optimum = nce_math.population_loss(np.log(p), p, q, k)
        assert optimum == pytest.approx((1 + k) * nce_math.binary_entropy(a) - nce_math.irreducible_term(p, q, k),
                                        rel=1e-12)


def test_symbolic_witness_sampler_draws_negative_values() -> None:
    """Kills a witness sampler that never draws negatives: |x| = x fails only for x < 0."""
    from verifiers import WHOLE, symbolic

    x = sp.Symbol("x", real=True)
    out = symbolic.identity(sp.Abs(x), x, scope=WHOLE, seed=0)
    assert out.verdict == "refuted" and out.counterexample["x"] < 0


def test_example_draws_return_the_losses_of_example_losses() -> None:
    p = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    q = torch.tensor([0.2, 0.2, 0.6], dtype=torch.float64)
    losses, x = nce_math.example_draws(p, q, 3, 1000, _gen(8))
    assert torch.equal(losses, nce_math.example_losses(p, q, 3, 1000, _gen(8)))
    t = torch.log(p) - torch.log(3 * q)
    assert bool((losses >= -torch.nn.functional.logsigmoid(t)[x] - 1e-12).all())
