"""Figures of the pu2026 dynamics checks: what they draw agrees with the exact behaviour their titles state."""

from __future__ import annotations

import json
import math

import pytest

from claims.pu2026 import conditioning, flat_directions, hard_negatives, rankmax_hard_negatives


def plain(figures: tuple[dict, ...]) -> tuple[dict, ...]:
    """The figures survive strict JSON (no NaN or infinity) and keep titles short enough for one SVG line."""
    json.dumps(figures, allow_nan=False)
    assert all(len(f["title"]) <= 75 for f in figures)
    return figures


@pytest.mark.parametrize(("name", "alpha"), [("sparsemax", 2.0), ("entmax15", 1.5), ("entmax", 1.2)])
def test_hard_negative_gradient_is_zero_below_the_support_and_softmax_never(name: str, alpha: float) -> None:
    mapped, soft = plain(hard_negatives.gradient_figures(name, alpha))
    assert mapped["title"].endswith("gradient 0 up to s_2 = 1.8")
    assert all((g == 0) == (s < 2) for s, g in zip(mapped["x"], mapped["y"]) if abs(s - 2) > 1e-9)
    assert soft["title"].endswith("> 0 at every s_2") and min(soft["y"]) > 0


def test_hard_negative_figure_does_not_trust_underflow_near_alpha_one() -> None:
    mapped, _ = plain(hard_negatives.gradient_figures("entmax", 1.001))
    assert mapped["title"].endswith("not resolved by float64")


def test_rankmax_keeps_the_hard_negative_sparsemax_drops_it() -> None:
    rank, sparse = plain(rankmax_hard_negatives.gradient_figures("rankmax"))
    assert min(rank["y"]) > 0 and "> 0 at every z_2" in rank["title"]
    assert sparse["title"].endswith("gradient 0 up to z_2 = 4")
    assert all((g == 0) == (z <= 4) for z, g in zip(sparse["x"], sparse["y"]))
    first, _ = plain(rankmax_hard_negatives.gradient_figures("sparsemax"))
    assert first["title"].startswith("sparsemax")


def test_flat_direction_figures() -> None:
    mapped, soft = plain(flat_directions.witness_figures("sparsemax", 2.0, 1e3))
    assert all(g == 0 for g in mapped["y"]) and mapped["claimed"] == [0.0] * len(mapped["x"])
    assert all(g < 0 for g in soft["y"]) and "decreasing" in soft["title"]
    (only,) = plain(flat_directions.witness_figures("softmax", 1.5, 1e3))
    assert "claimed" in only and "decreasing" in only["title"]


def test_condition_number_grows_along_the_family() -> None:
    (unbounded,) = plain((conditioning.family_figure(math.inf),))
    assert "claimed" not in unbounded and all(b > a for a, b in zip(unbounded["y"], unbounded["y"][1:]))
    assert max(unbounded["y"]) > 1e9
    assert "exceeds the claimed 1000" in conditioning.family_figure(1000.0)["title"]
    assert "stays below the claimed 1e+30" in conditioning.family_figure(1e30)["title"]
