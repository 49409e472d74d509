r"""Multiclass hinge losses of the CS231n claims: exact evaluation, exact partial derivatives, conditional-risk LPs.

Two multiclass hinges, with margin :math:`\Delta`:

.. math::
    L_{\mathrm{WW}}(s;y)=\sum_{j\ne y}\max(0,\,s_j-s_y+\Delta)\quad\text{(Weston–Watkins: the CS231n SVM loss)},\qquad
    L_{\mathrm{CS}}(s;y)=\max\bigl(0,\,\Delta+\max_{j\ne y}s_j-s_y\bigr)\quad\text{(Crammer–Singer)}.

Both are piecewise linear and positively homogeneous, so the one-sided partial derivatives of :func:`partials`
are exact integer difference quotients after scaling the scores to integers. The conditional
risk :math:`R_\eta(s)=\sum_y\eta_y L(s;y)` is a linear program in :math:`(s,t)`:

.. math:: \min\ \sum_y\eta_y t_y\quad\text{s.t.}\quad t_y\ge 1+s_j-s_y\ (j\ne y),\ t\ge0,\ \textstyle\sum_i s_i=0

(one :math:`t_{yj}` per pair for Weston–Watkins; :math:`\sum_i s_i=0` removes the shift invariance).
Its dual is a circulation :math:`\mu_{yj}\ge0` on the complete digraph with out-flow budgets; any feasible
circulation certifies :math:`R_\eta\ge\sum\mu` (:func:`verify_certificate`, exact).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from verifiers.errors import InvalidArgument

HINGES = ("crammer-singer", "weston-watkins")
#: HiGHS primal and dual feasibility tolerances of the risk LPs.
LP_TOL = 1e-10
#: Largest denominator tried when a float LP solution is read back as rationals.
MAX_DENOMINATOR = 10_000

Number = float | Fraction


def _check_label(s: Sequence[Number], y: int) -> None:
    if len(s) < 2 or not 0 <= y < len(s):
        raise InvalidArgument(f"claims.cs231n.hinge: expected at least 2 scores and a label in [0, {len(s) - 1}], "
                              f"got {len(s)} scores and label {y}")


def hinge_loss(hinge: str, s: Sequence[Number], y: int, margin: Number = 1) -> Number:
    """The ``hinge`` loss (``crammer-singer`` or ``weston-watkins``) at scores ``s`` and label ``y``.

    Exact when ``s`` and ``margin`` are Fractions (or ints); float arithmetic otherwise.
    """
    _check_label(s, y)
    args = [s[j] - s[y] + margin for j in range(len(s)) if j != y]
    if hinge == "weston-watkins":
        return sum((max(0, a) for a in args), 0)
    if hinge == "crammer-singer":
        return max(0, max(args))
    raise InvalidArgument(f"claims.cs231n.hinge: unknown hinge {hinge!r}; expected one of {', '.join(HINGES)}")


def exact(s: Sequence[float]) -> list[Fraction]:
    """The float scores as exact rationals (every float64 is a rational)."""
    return [Fraction(float(v)) for v in s]


def kinks(s: Sequence[Fraction], y: int, margin: Fraction) -> list[Fraction]:
    """The margin arguments :math:`s_j-s_y+\\Delta`, :math:`j\\ne y` (a hinge term has its kink where one is 0)."""
    return [s[j] - s[y] + margin for j in range(len(s)) if j != y]


def partials(hinge: str, s: Sequence[Fraction], y: int, margin: Fraction) -> list[tuple[Fraction, Fraction]]:
    r"""Exact one-sided partial derivatives :math:`(\partial_k^-L,\partial_k^+L)` for every coordinate :math:`k`.

    The scores and the margin are scaled to even integers by a common factor :math:`c`; both hinges are
    positively homogeneous, :math:`L(cs;c\Delta)=cL(s;\Delta)`, so the partials do not change. Every kink
    (a margin argument or, for Crammer–Singer, a difference of two scores crossing 0) then lies at
    least 2 away along :math:`e_k`, and the difference quotients with step 1 are the exact one-sided
    derivatives of the piecewise linear loss.
    """
    scale = 2 * math.lcm(*(Fraction(v).denominator for v in (*s, margin)))
    ints, m = [int(Fraction(v) * scale) for v in s], int(Fraction(margin) * scale)
    base = hinge_loss(hinge, ints, y, m)
    out = []
    for k in range(len(ints)):
        up = [v + 1 if i == k else v for i, v in enumerate(ints)]
        down = [v - 1 if i == k else v for i, v in enumerate(ints)]
        out.append((Fraction(base - hinge_loss(hinge, down, y, m)), Fraction(hinge_loss(hinge, up, y, m) - base)))
    return out


@dataclass(frozen=True)
class RiskLP:
    """A solved conditional-risk LP: optimal value, optimal scores and the dual circulation ``mu[(y, j)]``."""

    value: float
    scores: np.ndarray
    mu: dict[tuple[int, int], float]


def _pairs(n: int) -> list[tuple[int, int]]:
    return [(y, j) for y in range(n) for j in range(n) if j != y]


def risk_lp(eta: Sequence[float], hinge: str, above: tuple[int, int] | None = None) -> RiskLP:
    r"""Minimize :math:`R_\eta(s)` (margin 1), optionally subject to :math:`s_k\ge s_t` for ``above = (k, t)``.

    Raises
    ------
    InvalidArgument
        If ``eta`` is not a probability vector with at least 2 entries or ``hinge`` is unknown.
    RuntimeError
        If HiGHS does not report an optimal solution.
    """
    eta = _probability(eta)
    if hinge not in HINGES:
        raise InvalidArgument(f"claims.cs231n.hinge.risk_lp: unknown hinge {hinge!r}; expected one of "
                              f"{', '.join(HINGES)}")
    n, pairs = len(eta), _pairs(len(eta))
    slack = (lambda r, y: n + y) if hinge == "crammer-singer" else (lambda r, y: n + r)
    width = n + (n if hinge == "crammer-singer" else len(pairs))
    rows, cols, vals = [], [], []
    for r, (y, j) in enumerate(pairs):
        rows += [r, r, r]
        cols += [j, y, slack(r, y)]
        vals += [1.0, -1.0, -1.0]
    b = [-1.0] * len(pairs)
    if above is not None:
        k, t = above
        rows += [len(pairs), len(pairs)]
        cols += [t, k]
        vals += [1.0, -1.0]
        b.append(0.0)
    cost = np.concatenate([np.zeros(n), eta if hinge == "crammer-singer" else [eta[y] for y, _ in pairs]])
    a_ub = coo_matrix((vals, (rows, cols)), shape=(len(b), width)).tocsr()
    res = linprog(cost, A_ub=a_ub, b_ub=b, A_eq=np.concatenate([np.ones(n), np.zeros(width - n)])[None], b_eq=[0.0],
                  bounds=[(None, None)] * n + [(0, None)] * (width - n), method="highs",
                  options={"primal_feasibility_tolerance": LP_TOL, "dual_feasibility_tolerance": LP_TOL})
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the risk LP: {res.message}")
    mu = {pair: -float(m) for pair, m in zip(pairs, res.ineqlin.marginals[:len(pairs)])}
    return RiskLP(float(res.fun), np.asarray(res.x[:n]), mu)


def _probability(eta: Sequence[float]) -> np.ndarray:
    arr = np.asarray(eta, dtype=np.float64)
    if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)) or np.any(arr < 0) \
            or abs(arr.sum() - 1) > 1e-9:
        raise InvalidArgument(f"claims.cs231n.hinge: expected a probability vector with at least 2 entries, "
                              f"got {eta!r}")
    return arr


def runner_up(eta: Sequence[Number]) -> tuple[int, int]:
    """``(top, k)``: the unique largest class and a largest class among the others.

    Raises
    ------
    InvalidArgument
        If the largest entry is not unique.
    """
    order = sorted(range(len(eta)), key=lambda i: eta[i], reverse=True)
    if eta[order[0]] == eta[order[1]]:
        raise InvalidArgument(f"claims.cs231n.hinge: eta has no unique largest class: {list(eta)!r}")
    return order[0], order[1]


def calibration_gap(eta: Sequence[float], hinge: str) -> tuple[float, RiskLP, RiskLP]:
    r""":math:`\inf\{R_\eta(s):\ \arg\max s\ne\{t\}\}-\min R_\eta` with :math:`t=\arg\max\eta`, and both LPs.

    The constrained infimum is the LP with :math:`s_k\ge s_t` for the runner-up :math:`k`: swapping
    :math:`s_k` with :math:`s_{k'}` (a class with :math:`\eta_{k'}\le\eta_k` scored at least as high)
    never raises the risk of these permutation-equivariant hinges, so no other :math:`k'` gives less.
    """
    top, k = runner_up(eta)
    free, tied = risk_lp(eta, hinge), risk_lp(eta, hinge, above=(k, top))
    return tied.value - free.value, free, tied


def risk(eta: Sequence[Fraction], hinge: str, s: Sequence[Fraction]) -> Fraction:
    """The conditional risk :math:`\\sum_y\\eta_y L(s;y)` (margin 1), exactly."""
    return sum((e * hinge_loss(hinge, s, y, 1) for y, e in enumerate(eta)), Fraction(0))


def rational(values: Sequence[float], limit: int = MAX_DENOMINATOR) -> list[Fraction]:
    """Floats read back as nearby rationals with small denominators (then verified exactly by the caller)."""
    return [Fraction(float(v)).limit_denominator(limit) for v in values]


def verify_certificate(eta: Sequence[Fraction], hinge: str, mu: dict[tuple[int, int], Fraction]) -> list[str]:
    r"""Why ``mu`` is not a dual certificate of :math:`R_\eta\ge\sum\mu` (empty list: it is one).

    Conditions: :math:`\mu\ge0`; flow in = flow out at every class; out-flow budgets
    :math:`\sum_j\mu_{yj}\le\eta_y` (Crammer–Singer) or :math:`\mu_{yj}\le\eta_y` (Weston–Watkins).
    Then :math:`R_\eta(s)\ge\sum_{yj}\mu_{yj}(1+s_j-s_y)=\sum\mu` for every :math:`s`.
    """
    n, problems = len(eta), []
    if any(v < 0 for v in mu.values()):
        problems.append("a negative flow")
    for c in range(n):
        out = sum((mu.get((c, j), 0) for j in range(n) if j != c), Fraction(0))
        into = sum((mu.get((y, c), 0) for y in range(n) if y != c), Fraction(0))
        if out != into:
            problems.append(f"class {c}: in-flow {into} != out-flow {out}")
        budget_ok = out <= eta[c] if hinge == "crammer-singer" else \
            all(mu.get((c, j), 0) <= eta[c] for j in range(n) if j != c)
        if not budget_ok:
            problems.append(f"class {c}: out-flow over its budget {eta[c]}")
    return problems
