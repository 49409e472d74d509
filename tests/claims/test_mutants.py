"""Mutation testing: every declared mutant is caught by at least one of the claims it lists.

One item per mutant (id = mutant name). Only the claims each mutant lists are run, at their
defaults, under the quick profile and seed 0; which claims caught it is recorded in the test's
``user_properties`` (shown by ``pytest --junitxml`` and kept in the report data of plugins).
"""

from __future__ import annotations

import pytest

from verifiers import collect, profile
from verifiers.mutation import active, collect_mutants, run_mutant

MUTANTS = collect_mutants()


@pytest.fixture(scope="module")
def catalogue():  # noqa: ANN201 - pytest fixture
    """The collected claims (collected once for all mutants)."""
    return collect()


def test_every_source_declares_mutants() -> None:
    """Each source has mutants, with unique names and at least one claim each."""
    names = [m.name for m in MUTANTS]
    assert len(names) == len(set(names)), f"duplicate mutant names: {sorted(names)}"
    sources = {m.target.split(".")[1] for m in MUTANTS}
    assert {"pu2026", "cs231n", "dbv2016"} <= sources
    assert all(m.claims for m in MUTANTS)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_is_caught(mutant, catalogue, record_property) -> None:  # noqa: ANN001 - pytest fixtures
    """The mutant makes at least one listed claim fail (refuted, or no longer holding); the original is restored."""
    module_name, _, attribute = mutant.target.partition(":")
    module = __import__(module_name, fromlist=[attribute])
    original = getattr(module, attribute)
    result = run_mutant(mutant, catalogue, budget=profile("quick"), seed=0, claims=mutant.claims)
    record_property("caught_by", ",".join(result.caught_by))
    record_property("verdicts", result.to_json()["verdicts"])
    assert result.caught_by, f"mutant {mutant.name} survived: verdicts {result.to_json()['verdicts']}"
    assert getattr(module, attribute) is original


def test_mutant_replacement_differs_from_original() -> None:
    """A mutant actually swaps in a different object (a no-op mutant would prove nothing)."""
    for mutant in MUTANTS:
        module_name, _, attribute = mutant.target.partition(":")
        module = __import__(module_name, fromlist=[attribute])
        original = getattr(module, attribute)
        with active(mutant):
            assert getattr(module, attribute) is mutant.replacement is not original
