"""The categorical-law helpers: one error budget across categories, shared draws, clear decisions."""

from __future__ import annotations

import pytest
import torch

from verifiers import Context, profile
from verifiers import distribution as dist

CTX = Context("demo/law", {}, profile("quick"), seed=2)


def sampler(pi):  # noqa: ANN001, ANN201
    probs = torch.tensor(pi, dtype=torch.float64)
    return lambda gen, size: torch.multinomial(probs, size, replacement=True, generator=gen)


def test_the_true_law_is_supported_and_a_law_5_percent_off_is_refuted() -> None:
    pi = (0.2, 0.3, 0.5)
    out = dist.categorical(CTX, sampler(pi), pi)
    assert out.verdict == "supported" and out.resolution.value == pytest.approx(0.05 * 0.2)
    off = dist.categorical(CTX, sampler((0.21, 0.29, 0.5)), pi)
    assert off.verdict == "refuted" and off.counterexample["category"] in (0, 1)


def test_same_law_supports_identical_samplers_and_refutes_different_ones() -> None:
    assert dist.same_law(CTX, sampler((0.5, 0.5)), sampler((0.5, 0.5)), 2).verdict == "supported"
    assert dist.same_law(CTX, sampler((0.5, 0.5)), sampler((0.45, 0.55)), 2).verdict == "refuted"


def test_a_draw_outside_the_categories_and_a_bad_pi_are_errors() -> None:
    with pytest.raises(ValueError, match="outside the categories"):
        dist.categorical(CTX, lambda g, n: torch.full((n,), 3), (0.5, 0.5))
    with pytest.raises(ValueError, match="probability vector"):
        dist.categorical(CTX, sampler((0.5, 0.5)), (0.5, 0.6))


def test_wilson_interval_contains_the_estimate_and_stays_in_0_1() -> None:
    low, high = dist.wilson(torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64), 100, 3.0)
    assert bool((low >= 0).all()) and bool((high <= 1).all()) and low[1] < 0.5 < high[1]
