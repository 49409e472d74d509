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

from verifiers.model import Outcome, Premise, Resolution, Scope

_NUMERIC_TOL = 1e-12
#: Digits of the numeric search for a counterexample to an identity, and the residual it must exceed: a true
#: identity evaluates to about 10^-WITNESS_DIGITS at a rational point, so tiny exact residuals still count.
WITNESS_DIGITS = 60
_WITNESS_TOL = 1e-40
#: An identity decided exactly: any non-zero residual is detected.
EXACT_IDENTITY = Resolution(0.0, "lhs - rhs")


def _plain(expr: Any) -> str:
    """A SymPy value in plain words for reasons and statistics: ``∞`` not ``oo``, intervals in math notation."""
    text = sp.pretty(expr, use_unicode=True) if not isinstance(expr, (int, float)) else repr(expr)
    return text if "\n" not in text else str(expr).replace("oo", "∞")


def latex(expr: Any) -> str:
    """LaTeX of a SymPy expression, wrapped in ``$...$`` for step lists."""
    return f"${sp.latex(expr)}$"


def identity(
    lhs: sp.Expr,
    rhs: sp.Expr,
    *,
    scope: Scope,
    steps: Sequence[str] = (),
    premises: Sequence[Premise] = (),
    seed: int = 0,
    trials: int = 20,
) -> Outcome:
    r"""Decide ``lhs == rhs`` for all values allowed by the symbols' assumptions.

    ``simplify(lhs - rhs) == 0`` proves it, for the ``scope`` the symbols stand for
    (:data:`~verifiers.model.WHOLE` only when they cover the whole statement, e.g. a
    symbolic ``n``). Otherwise random substitutions that respect the assumptions
    look for a numeric counterexample (``refuted``); when none is found the result
    is ``inconclusive``.
    """
    residual = sp.simplify(lhs - rhs)
    trail = (*steps, f"residual: {latex(sp.Eq(sp.Symbol('r'), residual))}")
    stats = {"residual": str(residual)}
    if residual == 0:
        return Outcome(verdict="proved", reason="the residual lhs - rhs simplifies to 0", statistics=stats,
                       steps=trail, scope=scope, premises=tuple(premises), resolution=EXACT_IDENTITY)
    witness = _numeric_witness(residual, seed, trials)
    if witness is not None:
        point, value = witness
        return Outcome(verdict="refuted", reason=f"lhs - rhs = {value:.6g} at an admissible point",
                       statistics={**stats, "residual_value": value}, counterexample=point, steps=trail,
                       scope=scope, resolution=EXACT_IDENTITY)
    return Outcome(verdict="inconclusive", statistics=stats, steps=trail,
                   reason="SymPy could not reduce the residual to 0 and no numeric counterexample was found")


def equals(derived: sp.Expr, claimed: float, *, what: str, scope: Scope, steps: Sequence[str] = (),
           premises: Sequence[Premise] = (), tol: float = 0.0) -> Outcome:
    """Compare an exactly derived constant with the claimed value of a parameter.

    The claim holds when ``|derived - claimed| <= tol`` (a claim's own tolerance
    parameter), up to float rounding of the claimed value.
    """
    value = float(derived)
    slack = tol + _NUMERIC_TOL * max(1.0, abs(value))
    stats = {"derived": _plain(derived), "derived_value": value, "claimed": claimed, "tolerance": tol}
    trail = (*steps, f"derived {what}: {latex(derived)}")
    resolution = Resolution(slack, what)
    if abs(value - claimed) <= slack:
        within = f" within the tolerance {tol:g}" if tol else ""
        return Outcome(verdict="proved", reason=f"the derived {what} {_plain(derived)} equals the claimed "
                                                f"{claimed:g}{within}", statistics=stats, steps=trail,
                       scope=scope, premises=tuple(premises), resolution=resolution)
    return Outcome(verdict="refuted", statistics=stats, steps=trail, scope=scope, resolution=resolution,
                   reason=f"the derived {what} is {_plain(derived)} = {value:.6g}, not {claimed:g}"
                          + (f" (tolerance {tol:g})" if tol else ""),
                   counterexample={"derived": _plain(derived), "claimed": claimed})


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
    scope: Scope,
    sharp: bool = True,
    steps: Sequence[str] = (),
    premises: Sequence[Premise] = (),
) -> Outcome:
    r"""Decide ``sup_{var in domain} expr <= bound`` (and ``== bound`` when ``sharp``) exactly."""
    sup, points = supremum(expr, var, domain)
    value = float(sup)
    trail = (*steps, f"$\\sup_{{{sp.latex(var)}\\in {sp.latex(domain)}}} {sp.latex(expr)} = {sp.latex(sup)}$")
    stats = {"supremum": _plain(sup), "supremum_value": value, "bound": bound,
             "attained_at": [_plain(p) for p in points]}
    resolution = Resolution(_NUMERIC_TOL, "bound")
    if value > bound + _NUMERIC_TOL:
        where = {str(var): _plain(points[0])} if points else {"supremum": _plain(sup)}
        return Outcome(verdict="refuted", statistics=stats, counterexample=where, steps=trail, scope=scope,
                       resolution=resolution,
                       reason=f"the exact supremum {_plain(sup)} = {value:.6g} exceeds the bound {bound:g}")
    if sharp and value < bound - _NUMERIC_TOL:
        return Outcome(verdict="refuted", statistics=stats, steps=trail, scope=scope, resolution=resolution,
                       reason=f"the bound {bound:g} holds but is not sharp: the exact supremum is {_plain(sup)}",
                       counterexample={"supremum": _plain(sup), "bound": bound})
    return Outcome(verdict="proved", statistics=stats, steps=trail, scope=scope, premises=tuple(premises),
                   resolution=resolution,
                   reason=f"the exact supremum is {_plain(sup)}, {'equal to' if sharp else 'at most'} the bound")


def _numeric_witness(residual: sp.Expr, seed: int, trials: int) -> tuple[dict[str, float], float] | None:
    rng = random.Random(seed)
    symbols = sorted(residual.free_symbols, key=lambda s: s.name)
    for _ in range(trials):
        point = {s: _sample(s, rng) for s in symbols}
        try:
            value = complex(residual.evalf(WITNESS_DIGITS, subs=point))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if value.imag == 0 and abs(value.real) > _WITNESS_TOL and value.real == value.real:
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

def _split_sum(total: sp.Sum) -> sp.Expr:
    """Linearity: a sum of terms becomes a sum of sums, index-free factors move outside."""
    (k, low, high), = total.limits
    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(total.function)):
        coeff, rest = term.as_independent(k, as_Add=False)
        out += coeff * (high - low + 1 if rest == 1 else sp.Sum(rest, (k, low, high)))
    return out


def linear_normal_form(expr: sp.Expr, hypotheses: dict[sp.Expr, sp.Expr] | None = None) -> sp.Expr:
    """Expand sums by linearity, then substitute the hypotheses (e.g. ``Sum(w_i) = 1``), and expand."""
    flat = sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), _split_sum))
    return sp.expand(flat.subs(hypotheses or {}))


def sum_identity(lhs: sp.Expr, rhs: sp.Expr, *, step: str, scope: Scope,
                 hypotheses: dict[sp.Expr, sp.Expr] | None = None, steps: Sequence[str] = ()) -> Outcome:
    """Prove ``lhs == rhs`` where both hold sums over a symbolic range (``Sum(f(w[i]), (i, 1, n))``).

    The residual is brought to its linear normal form (:func:`linear_normal_form`, with the
    ``hypotheses`` substituted, e.g. ``{Sum(w[i], (i, 1, n)): 1}``) and must be 0.
    """
    residual = linear_normal_form(lhs - rhs, hypotheses)
    used = ", ".join(f"${sp.latex(k)} = {sp.latex(v)}$" for k, v in (hypotheses or {}).items())
    return identity(residual, sp.Integer(0), scope=scope,
                             steps=(*steps, f"{step}: ${sp.latex(lhs)} = {sp.latex(rhs)}$"
                                    + (f" (using {used})" if used else "")))


def nonnegative_terms(summand: sp.Expr, what: str, steps: Sequence[str]) -> tuple[bool, tuple[str, ...]]:
    """Whether SymPy shows every term of a sum non-negative (so the sum is), and the step."""
    ok = bool(sp.factor(summand).is_nonnegative)
    return ok, (*steps, f"{what}: every term ${sp.latex(summand)}$ is $\\ge 0$" + ("" if ok else " (NOT shown)"))


__all__ = [
    "EXACT_IDENTITY", "WITNESS_DIGITS", "latex", "linear_normal_form", "sum_identity", "nonnegative_terms", "identity", "equals", "supremum", "bounded_by",
]
