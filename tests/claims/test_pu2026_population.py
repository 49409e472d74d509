"""Unit tests of claims.pu2026.population: exact population risks, their limits, the solver and the rate rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from claims.pu2026 import population as pop
from claims.pu2026.nce_math import population_loss


@pytest.fixture(scope="module")
def mod() -> pop.Model:
    return pop.model("misspecified")


def random_scores(seed: int, scale: float = 1.5) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return scale * torch.randn(5, 4, dtype=torch.float64, generator=gen)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_ssm_quadrature_matches_enumeration(mod: pop.Model, k: int) -> None:
    for seed in range(3):
        s = random_scores(seed)
        exact = float(pop.ssm_enumerated(mod, s, k))
        assert float(pop.ssm_population(mod, s, k)) == pytest.approx(exact, abs=1e-12)


def test_ssm_quadrature_converged_in_step(mod: pop.Model) -> None:
    s = random_scores(7, scale=3.0)
    for k in (1, 64, 4096):
        coarse, fine = (float(pop.ssm_population(mod, s, k, step)) for step in (pop.QUAD_STEP, pop.QUAD_STEP / 2))
        assert abs(coarse - fine) < 1e-12


def test_ssm_risk_tends_to_cross_entropy(mod: pop.Model) -> None:
    s = random_scores(1)
    ce = float(pop.cross_entropy(mod, s))
    gaps = [abs(float(pop.ssm_population(mod, s, k)) - ce) for k in (16, 256, 4096)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3
    assert float(pop.ssm_population(mod, s, math.inf)) == ce


def test_nce_closed_form_matches_nce_math(mod: pop.Model) -> None:
    s = random_scores(2)
    for k in (1, 5, 1000):
        literal = sum(float(w) * population_loss(s[x].numpy(), mod.eta[x].numpy(), mod.q.numpy(), k)
                      for x, w in enumerate(mod.weights))
        constant = float(mod.weights @ (mod.eta * torch.log(k * mod.q)).sum(-1))
        assert float(pop.nce_population(mod, s, k)) + constant == pytest.approx(literal, abs=1e-12)


def test_nce_limit_is_unnormalized_likelihood(mod: pop.Model) -> None:
    s = random_scores(3)
    limit = float(pop.nce_population(mod, s, math.inf))
    assert float(pop.nce_population(mod, s, 1e9)) == pytest.approx(limit, abs=1e-6)


def test_model_is_misspecified_and_wellspecified_is_not(mod: pop.Model) -> None:
    entropy = float(-(mod.weights @ (mod.eta * mod.eta.log()).sum(-1)))
    for name, lower in (("misspecified", 1e-2), ("well-specified", None)):
        star = pop.mle(name, 1e-12)
        model = pop.model(name)
        ce = float(pop.cross_entropy(model, pop.scores(model, "ce", torch.tensor(star.theta))))
        ent = entropy if name == "misspecified" else float(-(model.weights @ (model.eta * model.eta.log()).sum(-1)))
        if lower is None:
            assert ce - ent < 1e-12
        else:
            assert ce - ent > lower


def test_solver_reaches_tolerance_and_gauges(mod: pop.Model) -> None:
    star = pop.mle("misspecified", 1e-12)
    assert star.converged and star.grad_norm <= 1e-12 and star.lambda_min > 0
    s = pop.scores(mod, "ssm", torch.tensor(star.theta))
    assert torch.all(s[:, -1] == 0)
    assert pop.parameter_count(mod, "nce") == 8 and pop.parameter_count(mod, "nce-normalized") == 11


def test_expected_kl_extended_precision(mod: pop.Model) -> None:
    a, b = random_scores(4), random_scores(5)
    value, rounding = pop.expected_kl_value(mod, a.numpy(), b.numpy())
    assert value == pytest.approx(float(pop.expected_kl(mod, a, b)), abs=1e-13)
    assert 0 < rounding < 1e-14
    assert pop.expected_kl_value(mod, a.numpy(), a.numpy())[0] == 0.0


def test_rates_of_exact_power_laws() -> None:
    ks = [256.0, 512.0, 1024.0, 2048.0, 4096.0]
    assert pop.fitted_exponent(ks, [3.0 * k**-2 for k in ks]) == pytest.approx(2.0)
    assert pop.local_exponents(ks, [k**-0.5 for k in ks]) == pytest.approx([0.5] * 4)


def test_curves_decide_decay_and_plateau() -> None:
    ssm, nce = (pop.curve("misspecified", name, "quick") for name in ("ssm", "nce"))
    assert pop.decay_failure(ssm) is None and pop.plateau_failure(ssm) is not None
    assert pop.plateau_failure(nce) is None and "plateaus" in (pop.decay_failure(nce) or "")
    assert ssm.rates()["fitted_exponent"] == pytest.approx(2.0, abs=0.01)
    assert ssm.resolution < 1e-10 and nce.limit.d > 0.02


def test_wellspecified_ssm_gap_is_zero() -> None:
    for k in (1.0, 16.0, 4096.0):
        g = pop.gap("well-specified", "ssm", k, 1e-12)
        assert g.converged and abs(g.d) <= g.error


def test_bad_names_are_clear_errors(mod: pop.Model) -> None:
    with pytest.raises(ValueError, match="unknown model"):
        pop.model("nope")
    with pytest.raises(ValueError, match="unknown estimator"):
        pop.population_risk(mod, "hsm", 4)
    assert np.isfinite(pop.settings("thorough").gtol)
