r"""Softmax is invariant to adding a constant to every score.

CS231n lecture notes, "Softmax Classifier", numerical stability trick.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`c\in\mathbb R`.

Conclusion: :math:`\mathrm{softmax}(s+c\mathbf 1)=\mathrm{softmax}(s)`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from verifiers import (
    SOURCE_STATEMENT,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import logits

SHIFT_INVARIANCE = claim(
    id="cs231n/shift-invariance",
    title="Softmax is shift-invariant",
    statement=r"\mathrm{softmax}(s + c\mathbf{1}) = \mathrm{softmax}(s)\qquad \forall s\in\mathbb{R}^n,\ c\in\mathbb{R}",
    reference=Reference("cs231n", "Numerical stability trick",
                        "Subtract the max score before exponentiating — the softmax is shift-invariant"),
    origin=SOURCE_STATEMENT,
    notes="The parameter `transform` selects the invariance under test: `shift` is the claim; `scale` "
          "(softmax(a s) = softmax(s)) is the false variant used as negative control. The property check "
          "compares in float64 with relative tolerance 1e-9.",
    params={"transform": Choice("shift", ("shift", "scale"), doc="which invariance is claimed")},
    negative_controls=(NegativeControl("scale", {"transform": "scale"}, "scale invariance is false"),),
    tags=("invariance",),
)


def softmax(s: np.ndarray) -> np.ndarray:
    """Max-subtracted softmax in NumPy."""
    e = np.exp(s - s.max())
    return e / e.sum()


@check(SHIFT_INVARIANCE, "symbolic")
def shift_symbolic(ctx: Context) -> Outcome:
    """exp(s_1 + c) / sum exp(s_j + c) simplifies to exp(s_1) / sum exp(s_j) (n = 3, any coordinate)."""
    s = sp.symbols("s_1:4", real=True)
    c = sp.Symbol("c", real=True) if ctx["transform"] == "shift" else sp.Symbol("a", positive=True)
    moved = [si + c for si in s] if ctx["transform"] == "shift" else [c * si for si in s]
    lhs = sp.exp(moved[0]) / sum(sp.exp(m) for m in moved)
    rhs = sp.exp(s[0]) / sum(sp.exp(si) for si in s)
    steps = (r"$n=3$, first coordinate; by symmetry every coordinate and, by the same cancellation of "
             r"$e^{c}$, every $n$",)
    return symbolic.identity(lhs, rhs, seed=ctx.seed, steps=steps, scope=special_case("n = 3"))


@check(SHIFT_INVARIANCE, "property")
def shift_property(ctx: Context) -> Outcome:
    """Random logits and constants: softmax(s + c) (or softmax(a s)) against softmax(s)."""
    def holds(case: tuple[np.ndarray, float]) -> bool | str:
        s, c = case
        moved = s + c if ctx["transform"] == "shift" else c * s
        gap = float(np.max(np.abs(softmax(moved) - softmax(s))))
        return gap <= 1e-9 or f"max |difference| = {gap:.3g}"

    constants = st.floats(-50, 50, allow_nan=False) if ctx["transform"] == "shift" else st.floats(0.1, 10)
    return prop.forall(ctx, st.tuples(logits(), constants), holds, what=f"{ctx['transform']} invariance")
