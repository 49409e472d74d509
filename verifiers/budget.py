"""Named budget profiles: how much search and sampling each check may spend."""

from __future__ import annotations

from dataclasses import dataclass

from verifiers.errors import InvalidArgument


@dataclass(frozen=True)
class Budget:
    """Effort limits of one check.

    Parameters
    ----------
    name : str
        Profile name, recorded in the evidence.
    examples : int
        Hypothesis examples per property search.
    samples : int
        Monte Carlo draws per estimate (an upper bound for sequential designs).
    local_steps : int
        Gradient steps of the local tightness search.
    timeout : float
        Seconds one check may run before it is stopped with an ``error``.
    rel_resolution : float
        Relative resolution a Monte Carlo constant must reach: the smallest relative
        deviation the check is required to detect at its error level.
    max_n : int
        Largest vector length a property search draws.
    max_magnitude : float
        Largest entry magnitude a property search draws (and ray searches reach).
    experiment_seeds : tuple of int
        Cumulative numbers of seeds at the stages of a sequential experiment.
    """

    name: str
    examples: int
    samples: int
    local_steps: int
    timeout: float
    rel_resolution: float
    max_n: int
    max_magnitude: float
    experiment_seeds: tuple[int, ...]


PROFILES: dict[str, Budget] = {
    "quick": Budget("quick", examples=150, samples=100_000, local_steps=150, timeout=60.0,
                    rel_resolution=0.05, max_n=32, max_magnitude=1e3, experiment_seeds=(4, 8)),
    "standard": Budget("standard", examples=600, samples=1_000_000, local_steps=400, timeout=300.0,
                       rel_resolution=0.01, max_n=128, max_magnitude=1e5,
                       experiment_seeds=(8, 16, 32)),
    "thorough": Budget("thorough", examples=3000, samples=10_000_000, local_steps=1000, timeout=1200.0,
                       rel_resolution=0.003, max_n=512, max_magnitude=1e7,
                       experiment_seeds=(16, 32, 64)),
}


def profile(name: str) -> Budget:
    """Look up a profile by name, with a clear error for an unknown one."""
    try:
        return PROFILES[name]
    except KeyError:
        raise InvalidArgument(f"unknown profile {name!r}; expected one of {', '.join(PROFILES)}") from None

__all__ = [
    "Budget", "PROFILES", "profile",
]
