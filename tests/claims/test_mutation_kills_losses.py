"""Bad input to the cs231n shared losses is an error naming the public function called (kills name mutants)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from claims.cs231n import losses
from verifiers import InvalidArgument


@pytest.mark.parametrize(("name", "call"), [
    ("log_softmax", lambda s: losses.log_softmax(s)),
    ("softmax", lambda s: losses.softmax(s)),
    ("cross_entropy", lambda s: losses.cross_entropy(s, 0)),
    ("exact_ce", lambda s: losses.exact_ce(s, 0)),
    ("exact_softmax", lambda s: losses.exact_softmax(s)),
])
@pytest.mark.parametrize("bad", [np.array([0.0, math.nan]), np.array([math.inf, 1.0])])
def test_non_finite_scores_are_refused_with_the_function_named(name, call, bad) -> None:
    with pytest.raises(InvalidArgument) as info:
        call(bad)
    assert str(info.value).startswith(f"claims.cs231n.losses.{name}:"), str(info.value)


def test_softmax_is_a_distribution_equal_to_the_exact_one() -> None:
    s = np.array([3.0, -1.0, 0.5, 700.0])
    p = losses.softmax(s)
    exact = [float(x) for x in losses.exact_softmax(s)]
    assert np.allclose(p, exact, rtol=1e-12, atol=1e-300) and math.isclose(p.sum(), 1.0, rel_tol=1e-12)
