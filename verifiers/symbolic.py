r"""Symbolic checks with SymPy: identities, exact extrema and exact constants.

Only these helpers may return ``proved``. When SymPy cannot decide, the result
is ``inconclusive`` (never ``refuted``) unless an exact or high-precision
numeric substitution exhibits a counterexample.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import sympy as sp

from verifiers.model import Outcome

_NUMERIC_TOL = 1e-9


def latex(expr: Any) -> str:
    """LaTeX of a SymPy expression, wrapped in ``$...$`` for step lists."""
    return f"${sp.latex(expr)}$"


def identity(
    lhs: sp.Expr,
    rhs: sp.Expr,
    *,
    steps: Sequence[str] = (),
    seed: int = 0,
    covers_statement: bool = True,
    trials: int = 20,
) -> Outcome:
    r"""Decide ``lhs == rhs`` for all values allowed by the symbols' assumptions.

    ``simplify(lhs - rhs) == 0`` proves it. Otherwise random substitutions that
    respect the assumptions look for a numeric counterexample (``refuted``);
    when none is found the result is ``inconclusive``.
    """
    residual = sp.simplify(lhs - rhs)
    trail = (*steps, f"residual: {latex(sp.Eq(sp.Symbol('r'), residual))}")
    stats = {"residual": str(residual)}
    if residual == 0:
        return Outcome(verdict="proved", reason="the residual lhs - rhs simplifies to 0",
                       statistics=stats, steps=trail, covers_statement=covers_statement)
    witness = _numeric_witness(residual, seed, trials)
    if witness is not None:
        point, value = witness
        return Outcome(verdict="refuted", reason=f"lhs - rhs = {value:.6g} at an admissible point",
                       statistics={**stats, "residual_value": value}, counterexample=point, steps=trail)
    return Outcome(verdict="inconclusive", statistics=stats, steps=trail,
                   reason="SymPy could not reduce the residual to 0 and no numeric counterexample was found")


def equals(derived: sp.Expr, claimed: float, *, what: str, steps: Sequence[str] = (),
           covers_statement: bool = True) -> Outcome:
    """Compare an exactly derived constant with the claimed value of a parameter."""
    value = float(derived)
    stats = {"derived": str(derived), "derived_value": value, "claimed": claimed}
    trail = (*steps, f"derived {what}: {latex(derived)}")
    if abs(value - claimed) <= _NUMERIC_TOL * max(1.0, abs(value)):
        return Outcome(verdict="proved", reason=f"the derived {what} {derived} equals the claimed {claimed:g}",
                       statistics=stats, steps=trail, covers_statement=covers_statement)
    return Outcome(verdict="refuted", reason=f"the derived {what} is {derived} = {value:.6g}, not {claimed:g}",
                   statistics=stats, steps=trail, counterexample={"derived": str(derived), "claimed": claimed})


def supremum(expr: sp.Expr, var: sp.Symbol, domain: sp.Set) -> tuple[sp.Expr, list[Any]]:
    """Exact supremum of ``expr`` over ``domain`` and the points where it is attained."""
    sup = sp.simplify(sp.calculus.util.maximum(expr, var, domain))
    critical = sp.solveset(sp.Eq(expr, sup), var, domain)
    points = list(critical) if isinstance(critical, sp.FiniteSet) else []
    return sup, points


def bounded_by(
    expr: sp.Expr,
    var: sp.Symbol,
    domain: sp.Set,
    bound: float,
    *,
    sharp: bool = True,
    steps: Sequence[str] = (),
    covers_statement: bool = True,
) -> Outcome:
    r"""Decide ``sup_{var in domain} expr <= bound`` (and ``== bound`` when ``sharp``) exactly."""
    sup, points = supremum(expr, var, domain)
    value = float(sup)
    trail = (*steps, f"$\\sup_{{{sp.latex(var)}\\in {sp.latex(domain)}}} {sp.latex(expr)} = {sp.latex(sup)}$")
    stats = {"supremum": str(sup), "supremum_value": value, "bound": bound,
             "attained_at": [str(p) for p in points]}
    if value > bound + _NUMERIC_TOL:
        where = {str(var): str(points[0])} if points else {"supremum": str(sup)}
        return Outcome(verdict="refuted", reason=f"the exact supremum {sup} = {value:.6g} exceeds the bound {bound:g}",
                       statistics=stats, counterexample=where, steps=trail)
    if sharp and value < bound - _NUMERIC_TOL:
        return Outcome(verdict="refuted", statistics=stats, steps=trail,
                       reason=f"the bound {bound:g} holds but is not sharp: the exact supremum is {sup}",
                       counterexample={"supremum": str(sup), "bound": bound})
    return Outcome(verdict="proved", reason=f"the exact supremum is {sup}, {'equal to' if sharp else 'at most'} the bound",
                   statistics=stats, steps=trail, covers_statement=covers_statement)


def _numeric_witness(residual: sp.Expr, seed: int, trials: int) -> tuple[dict[str, float], float] | None:
    rng = random.Random(seed)
    symbols = sorted(residual.free_symbols, key=lambda s: s.name)
    for _ in range(trials):
        point = {s: _sample(s, rng) for s in symbols}
        try:
            value = complex(residual.evalf(30, subs=point))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if value.imag == 0 and abs(value.real) > _NUMERIC_TOL and value.real == value.real:
            return {s.name: float(v) for s, v in point.items()}, value.real
    return None


def _sample(symbol: sp.Symbol, rng: random.Random) -> sp.Rational:
    if symbol.is_integer:
        low = 1 if symbol.is_positive else (0 if symbol.is_nonnegative else -5)
        return sp.Integer(rng.randint(low, 6))
    magnitude = sp.Rational(rng.randint(1, 400), 100)
    if symbol.is_positive or symbol.is_nonnegative:
        return magnitude
    if symbol.is_negative:
        return -magnitude
    return magnitude if rng.random() < 0.5 else -magnitude
