r"""The log-spherical and log-Taylor softmax losses belong to the spherical family.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "The Spherical Loss Family").

Hypothesis: :math:`o\in\mathbb R^D`, target class :math:`c`, :math:`s=\sum_io_i`, :math:`q=\sum_io_i^2`.

Conclusion: for each listed loss :math:`L`, :math:`L(o,c)` depends on :math:`o` only through
:math:`(s,q,o_c)` (and the constant :math:`D`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.dbv2016.spherical import EPS, LOSSES, loss_naive, numerator
from verifiers import SOURCE_STATEMENT, WHOLE, Choices, Context, NegativeControl, Outcome, Reference, check, claim
from verifiers import property as prop
from verifiers.strategies import logits

#: Relative tolerance for "equal loss" in float64.
RTOL = 1e-9
#: Reflection directions shorter than this (after projection) are rejected.
MIN_DIRECTION = 0.1

SPHERICAL_FAMILY = claim(
    id="dbv2016/spherical-family",
    title="Log-spherical and log-Taylor softmax depend only on (s, q, o_c)",
    statement=r"L(o,c) = \tilde L(s, q, o_c)\ \text{for all } o\in\mathbb{R}^D,\qquad "
              r"s=\sum_i o_i,\ q=\sum_i o_i^2,\ L\in\{-\log f_{\mathrm{sph}}(o)_c,\,-\log f_{\mathrm{tay}}(o)_c\}",
    reference=Reference("dbv2016", "The Spherical Loss Family",
                        "It isn’t hard to see that this is also a spherical loss function that depends only "
                        "on $s$, $q$, and $o_c$."),
    origin=SOURCE_STATEMENT,
    notes="D is a fixed constant, so a family member may depend on it. The spherical softmax uses "
          f"ε = {EPS:g}. Symbolic check: Σ_i g(o_i) is expanded into power sums (D, s, q) by SymPy; a loss "
          "whose normalizer cannot be rewritten (log-softmax: $\\sum_i e^{o_i}$) is left undecided there. Property "
          "check: for D ≥ 4 the non-target coordinates r are replaced by a Householder reflection Hr with "
          "H1 = 1 (u ⟂ 1), which keeps s, q and o_c but changes o; a family member must give the same loss. "
          "`losses=log-softmax` is the negative control.",
    params={"losses": Choices(("spherical", "taylor"), LOSSES, doc="losses claimed to be spherical")},
    negative_controls=(NegativeControl("log-softmax", {"losses": ("log-softmax",)},
                                       "o = (0, 1, 1, -2) and (0, -1, -1, 2) share s = 0, q = 6, o_1 = 0 "
                                       "but not Σ e^{o_i}"),),
    tags=("spherical-family",),
)


def _weight(name: str, t: sp.Expr) -> sp.Expr:
    return sp.exp(t) if name == "log-softmax" else numerator(name, t, sp.nsimplify(EPS))


def rewrite(name: str) -> tuple[sp.Expr, bool]:
    """The loss with Σ_i g(o_i) expanded into power sums s, q, and whether only (s, q, o_c, D) remain."""
    i, c = sp.Symbol("i", integer=True), sp.Symbol("c", integer=True)
    D = sp.Symbol("D", integer=True, positive=True)
    o, s, q = sp.IndexedBase("o"), sp.Symbol("s", real=True), sp.Symbol("q", nonnegative=True)
    normalizer = sp.Sum(_weight(name, o[i]), (i, 1, D)).expand().doit()
    normalizer = normalizer.replace(lambda e: isinstance(e, sp.Sum), sp.factor_terms)
    normalizer = normalizer.subs({sp.Sum(o[i], (i, 1, D)): s, sp.Sum(o[i] ** 2, (i, 1, D)): q})
    loss = sp.log(normalizer) - sp.log(_weight(name, o[c]))
    only_stats = not loss.has(sp.Sum) and all(x.indices == (c,) for x in loss.atoms(sp.Indexed))
    return loss, only_stats


@check(SPHERICAL_FAMILY, "symbolic")
def family_symbolic(ctx: Context) -> Outcome:
    """Expand the normalizer of each loss into power sums and inspect what the loss depends on."""
    steps, undecided = [], []
    for name in ctx["losses"]:
        loss, only_stats = rewrite(name)
        steps.append(f"{name}: $L = {sp.latex(loss)}$" + ("" if only_stats else " (not reduced)"))
        if not only_stats:
            undecided.append(name)
    if undecided:
        return Outcome(verdict="inconclusive", steps=tuple(steps),
                       reason=f"SymPy could not write {', '.join(undecided)} through (s, q, o_c) alone "
                              "(not a disproof)")
    return Outcome(verdict="proved", steps=tuple(steps), scope=WHOLE,
                   reason="each normalizer is a polynomial in the power sums D, s, q; the numerator depends on o_c")


@st.composite
def reflected_pairs(draw: st.DrawFn) -> tuple[np.ndarray, int, np.ndarray]:
    """(o, c, u): o with D ≥ 4, a label c and a direction u for the other D - 1 coordinates."""
    o = draw(logits(min_size=4, max_size=8))
    c = draw(st.integers(0, len(o) - 1))
    u = np.asarray(draw(st.lists(st.floats(-1, 1), min_size=len(o) - 1, max_size=len(o) - 1)))
    return o, c, u


def partner(o: np.ndarray, c: int, u: np.ndarray) -> np.ndarray | None:
    """o with its non-target coordinates reflected by H = I - 2uu^T, u ⟂ 1 (None if u is too short)."""
    u = u - u.mean()
    norm = float(np.linalg.norm(u))
    if norm < MIN_DIRECTION:
        return None
    u = u / norm
    rest = np.delete(o, c)
    return np.insert(rest - 2 * u * float(u @ rest), c, o[c])


@check(SPHERICAL_FAMILY, "property")
def family_property(ctx: Context) -> Outcome:
    """Pairs o, o' with equal (s, q, o_c) must have equal losses."""
    def holds(case: tuple[np.ndarray, int, np.ndarray]) -> bool | str:
        o, c, u = case
        other = partner(o, c, u)
        for name in ctx["losses"]:
            a, b = (float(loss_naive(name, torch.as_tensor(v), c)) for v in (o, other))
            if abs(a - b) > RTOL * (1 + abs(a)):
                return (f"{name}: loss {a:.9g} at o but {b:.9g} at o' = {np.round(other, 6).tolist()} "
                        f"with the same s, q, o_c")
        return True

    return prop.forall(ctx, reflected_pairs(), holds, what="equal loss for equal (s, q, o_c)",
                       hypotheses=lambda case: partner(*case) is not None)
