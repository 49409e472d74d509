"""Mutation machinery: a mutant is active everywhere it is bound by name and restored afterwards."""

from __future__ import annotations

import pytest

from verifiers import InvalidArgument, collect, profile
from verifiers.mutation import Mutant, active, run_mutant


def test_active_patches_name_bindings_and_restores_them():
    """`from maps import apply`-style bindings see the mutant, then the original again."""
    import claims.pu2026.maps as maps
    import claims.pu2026.sop as sop

    original = maps.apply
    mutant = Mutant("m", "d", "claims.pu2026.maps:apply", lambda *a, **k: None, ("pu2026/sop",))
    with active(mutant):
        assert sop.apply is mutant.replacement and maps.apply is mutant.replacement
    assert sop.apply is original and maps.apply is original


def test_a_broken_map_is_caught_by_the_order_preservation_claim():
    """Reversing softmax inside `apply` makes pu2026/sop come out refuted."""
    import numpy as np

    mutant = Mutant("reverse", "softmax of -s", "claims.pu2026.maps:apply",
                    lambda name, s, alpha=1.5: np.exp(-s) / np.exp(-s).sum(), ("pu2026/sop",))
    result = run_mutant(mutant, collect(), budget=profile("quick"), seed=0, claims=("pu2026/sop",))
    assert result.caught_by == ["pu2026/sop"]
    assert result.to_json()["caught"] is True


def test_unknown_targets_and_claims_are_clear_errors():
    """A mutant naming something that does not exist is a usage error."""
    with pytest.raises(InvalidArgument, match="cannot find target"):
        with active(Mutant("m", "d", "claims.pu2026.maps:nothing", print, ())):
            pass
    with pytest.raises(InvalidArgument, match="names unknown claims: pu2026/nope"):
        run_mutant(Mutant("m", "d", "claims.pu2026.maps:apply", print, ("pu2026/nope",)), collect(),
                   budget=profile("quick"), seed=0)
