r"""The softmax Jacobian has spectral norm at most 1/2 in every dimension, and the bound is sharp.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "ensuring the Jacobian has a spectral norm bounded by 1/2").

Hypothesis: :math:`n\ge2`, :math:`s\in\mathbb R^n`, :math:`p=\mathrm{softmax}(s)`, :math:`J=\mathrm{diag}(p)-pp^\top`.

Conclusion: :math:`\lVert J\rVert_2\le 1/2` and :math:`\sup_{s\in\mathbb R^n}\lVert J\rVert_2=1/2` for every
:math:`n\ge2` (attained for :math:`n=2`, approached for :math:`n\ge3`).

The general-:math:`n` step is proved with symbolic :math:`n` (SymPy ``IndexedBase``/``Sum``): for a unit vector
:math:`v`, :math:`v^\top Jv=\mathrm{Var}_p(v)\ge0` and, by Popoviciu's inequality (proved here, not cited),
:math:`\mathrm{Var}_p(v)\le(\max v-\min v)^2/4\le 1/2`. The weighted-variance lemmas are shared with
:mod:`claims.pu2026.jacobian_entmax`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp
import torch

from claims.pu2026.maps import softmax_jacobian, spectral_norm, symmetric_norm
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Context,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    Scope,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits
from verifiers.symbolic import nonnegative_terms, sum_identity

#: Padding of shorter starts in the batched local search: exp(-PAD_GAP) is 0 in float64.
PAD_GAP = 1e3
#: Symbolic dimension and summation index of the general-n derivations.
N = sp.Symbol("n", integer=True, positive=True)
IDX = sp.Symbol("i", integer=True, positive=True)

JACOBIAN_SOFTMAX = claim(
    id="pu2026/jacobian-softmax",
    title="Softmax Jacobian spectral norm is at most 1/2 (sharp)",
    statement=r"\lVert J_{\mathrm{softmax}}(s)\rVert_2 \le \mathrm{bound}\ \ \forall s\in\mathbb{R}^n,"
              r"\qquad \sup_{s\in\mathbb{R}^n} \lVert J_{\mathrm{softmax}}(s)\rVert_2 = \mathrm{bound} = \tfrac12"
              r"\quad (\text{every } n\ge 2)",
    reference=Reference("pu2026", "Gradient dynamics",
                        "ensuring the Jacobian has a spectral norm bounded by 1/2"),
    origin=SOURCE_STATEMENT,
    notes="J = diag(p) - pp^T is symmetric, and v^T J v = Var_p(v) (the variance of the values v_i under the "
          "weights p_i), so J is positive semi-definite and ||J||_2 = max over unit v of Var_p(v). The symbolic "
          "check proves, with symbolic n (SymPy Sum over an IndexedBase, every identity reduced to a zero "
          "residual, every inequality to a sum of terms SymPy shows non-negative): Var_p(v) >= 0; "
          "sum_i p_i (v_i - c)^2 = Var_p(v) + (mean - c)^2; Popoviciu's inequality Var_p(v) <= (M - m)^2/4 "
          "(M, m the largest and smallest v_i); (M - m)^2 <= 2(M^2 + m^2) <= 2 for a unit v. Sharpness: n = 2 "
          "(the special case, exact eigenvalues 0 and 2p(1-p)) attains 1/2 at p = (1/2, 1/2); for every n >= 3, "
          "s = (0, 0, -t, ..., -t) and v = (1, -1, 0, ..., 0)/sqrt 2 give Var_p(v) = 1/(2 + (n-2)exp(-t)) -> 1/2 "
          "(a SymPy limit with symbolic n). So sup = 1/2 exactly, and the check compares `bound` with it: a "
          "bound below is refuted (witness p = (1/2, 1/2)), a bound above is refuted as not sharp. The "
          "property check searches budget-sized logits (n up to the profile's max_n, magnitudes up to its "
          "max_magnitude, one-large/ties/near-one-hot families) for a norm above the bound, with Adam and rays."
          "\n\nTension with pu2026/sop-temperature: no contradiction. That claim's supremum β/2 for the Jacobian of "
          "softmax(βs) is this 1/2 at the unit temperature β = 1; it refutes only the seed's derivation of the 1/2 "
          "from strict order preservation (softmax(βs) is SOP for every β), not this bound."
          "\n\nTension with pu2026/conditioning: no contradiction. ||J||_2 <= 1/2 bounds the largest eigenvalue of "
          "J only; the smallest one on 1⊥ goes to 0 as a class gets confident, so the condition number is "
          "unbounded: a bounded spectral norm says nothing about conditioning.",
    params={"bound": Real(0.5, 0.0, exclude_min=True, doc="claimed sharp upper bound on the spectral norm")},
    negative_controls=(NegativeControl("bound-0.49", {"bound": 0.49}, "a bound below the supremum 1/2"),),
    tags=("gradient-dynamics", "jacobian"),
)


def over_n(term: sp.Expr) -> sp.Sum:
    """``Sum(term, (i, 1, n))`` with the module's symbolic index and dimension."""
    return sp.Sum(term, (IDX, 1, N))


def weighted_variance_lemmas(scope: Scope) -> Outcome:
    r"""For weights :math:`w_i\ge0`, :math:`\sum_iw_i=1` and real :math:`v`, symbolic :math:`n`.

    Proves (1) :math:`\mathrm{Var}_w(v)=\sum_iw_i(v_i-\mu)^2\ge0`; (2) :math:`\sum_iw_i(v_i-c)^2=
    \mathrm{Var}_w(v)+(\mu-c)^2`; (3) Popoviciu: :math:`\mathrm{Var}_w(v)\le(M-m)^2/4` for
    :math:`m\le v_i\le M`; (4) :math:`(M-m)^2/4\le1/2` when :math:`M,m` are entries of a unit vector.
    Returns ``proved`` with the steps, or the first step that failed.
    """
    w, v = sp.IndexedBase("w", nonnegative=True), sp.IndexedBase("v", real=True)
    c, M, m, mu = sp.symbols("c M m mu", real=True)
    given = {over_n(w[IDX]): sp.Integer(1), over_n(w[IDX] * v[IDX]): mu}
    var = over_n(w[IDX] * v[IDX] ** 2) - mu**2
    steps: tuple[str, ...] = (r"$w_i \ge 0$, $\sum_i w_i = 1$, $\mu = \sum_i w_i v_i$, "
                              r"$\mathrm{Var}_w(v) = \sum_i w_i v_i^2 - \mu^2$, symbolic $n$",)
    centred = sum_identity(var, over_n(w[IDX] * (v[IDX] - mu) ** 2), step="(1) variance as a weighted sum of squares",
                           hypotheses=given, scope=scope, steps=steps)
    if centred.verdict != "proved":
        return centred
    ok, steps = nonnegative_terms(w[IDX] * (v[IDX] - mu) ** 2, r"so $\mathrm{Var}_w(v) \ge 0$", centred.steps)
    if not ok:
        return Outcome(verdict="inconclusive", reason="SymPy could not show Var_w(v) >= 0", steps=steps)
    shift = sum_identity(over_n(w[IDX] * (v[IDX] - c) ** 2), var + (mu - c) ** 2, hypotheses=given, scope=scope,
                         step=r"(2) $\mathrm{Var}_w(v) \le \sum_i w_i(v_i-c)^2$ since", steps=steps)
    if shift.verdict != "proved":
        return shift
    return _popoviciu(w, v, c, M, m, given, shift.steps, scope)


def _popoviciu(w: sp.IndexedBase, v: sp.IndexedBase, c: sp.Symbol, M: sp.Symbol, m: sp.Symbol,
               given: dict[sp.Expr, sp.Expr], steps: tuple[str, ...], scope: Scope) -> Outcome:
    """Steps (3) and (4) of :func:`weighted_variance_lemmas`."""
    mid = (M + m) / 2
    gap = sum_identity(over_n(w[IDX] * ((M - m) / 2) ** 2) - over_n(w[IDX] * (v[IDX] - mid) ** 2),
                       over_n(w[IDX] * (v[IDX] - m) * (M - v[IDX])), hypotheses=given, scope=scope, steps=steps,
                       step=r"(3) Popoviciu, $c = (M+m)/2$")
    if gap.verdict != "proved":
        return gap
    below, above = sp.Symbol("x", nonnegative=True), sp.Symbol("y", nonnegative=True)
    ok, trail = nonnegative_terms(w[IDX] * below * above, r"with $x = v_i - m \ge 0$, $y = M - v_i \ge 0$", gap.steps)
    if not ok:
        return Outcome(verdict="inconclusive", reason="SymPy could not sign Popoviciu's terms", steps=trail)
    trail = (*trail, r"so $\mathrm{Var}_w(v) \le \sum_i w_i (v_i - \tfrac{M+m}{2})^2 \le (M-m)^2/4$")
    spread = symbolic.identity(2 * (M**2 + m**2) - (M - m) ** 2, (M + m) ** 2, scope=scope,
                               steps=(*trail, r"(4) $(M-m)^2 \le 2(M^2+m^2)$:"))
    if spread.verdict != "proved":
        return spread
    trail = (*spread.steps, r"and $M^2 + m^2 \le \sum_i v_i^2 = 1$ (two entries of a unit vector; "
                            r"if they are the same entry, $M = m$), so $(M-m)^2/4 \le 1/2$")
    return Outcome(verdict="proved", reason="weighted variance lemmas hold for symbolic n", steps=trail, scope=scope)


def softmax_sharpness(scope: Scope) -> Outcome:
    """n = 2 attains 1/2 (special case); every n >= 3 approaches it (limit with symbolic n)."""
    p, t = sp.Symbol("p", positive=True), sp.Symbol("t", positive=True)
    J2 = sp.Matrix([[p * (1 - p), -p * (1 - p)], [-p * (1 - p), p * (1 - p)]])
    eigen = sorted(J2.eigenvals(), key=sp.default_sort_key)
    n2 = symbolic.bounded_by(2 * p * (1 - p), p, sp.Interval.open(0, 1), 0.5, scope=special_case("n = 2"),
                             steps=(f"special case $n = 2$: $J = {sp.latex(J2)}$, eigenvalues ${sp.latex(eigen)}$",))
    if n2.verdict != "proved":
        return n2
    p1 = p2 = 1 / (2 + (N - 2) * sp.exp(-t))
    var = (p1 + p2) / 2 - ((p1 - p2) / sp.sqrt(2)) ** 2
    limit = sp.limit(var, t, sp.oo)
    steps = (*n2.steps, r"every $n \ge 3$: $s = (0, 0, -t, \dots, -t)$, $v = (1, -1, 0, \dots, 0)/\sqrt2$: "
             f"$p_1 = p_2 = {sp.latex(p1)}$, $v^\\top J v = {sp.latex(sp.simplify(var))} \\to {sp.latex(limit)}$ "
             r"as $t \to \infty$")
    if sp.simplify(limit - sp.Rational(1, 2)) != 0:
        return Outcome(verdict="inconclusive", reason=f"the n >= 3 limit came out {limit}", steps=steps)
    return Outcome(verdict="proved", reason="1/2 is attained for n = 2 and approached for every n >= 3",
                   steps=steps, scope=scope)


@check(JACOBIAN_SOFTMAX, "symbolic")
def jacobian_symbolic(ctx: Context) -> Outcome:
    """v^T J v = Var_p(v) in [0, 1/2] for unit v (symbolic n); 1/2 attained (n = 2) or approached (n >= 3)."""
    lemmas = weighted_variance_lemmas(WHOLE)
    if lemmas.verdict != "proved":
        return lemmas
    steps = (r"$J = \mathrm{diag}(p) - pp^\top$ is symmetric and $v^\top J v = \sum_i p_i v_i^2 - (\sum_i p_i v_i)^2 "
             r"= \mathrm{Var}_p(v)$ (weights $w = p$)", *lemmas.steps,
             r"so $J \succeq 0$ and $\lVert J\rVert_2 = \max_{|v| = 1} \mathrm{Var}_p(v) \le 1/2$ for every $n$")
    sharp = softmax_sharpness(WHOLE)
    if sharp.verdict != "proved":
        return sharp.but(steps=(*steps, *sharp.steps))
    out = symbolic.equals(sp.Rational(1, 2), ctx["bound"], what="supremum of ||J||_2", scope=WHOLE,
                          steps=(*steps, *sharp.steps))
    if out.verdict == "refuted" and ctx["bound"] < 0.5:
        return out.but(reason=f"n = 2, p = (1/2, 1/2): ||J||_2 = 1/2 exceeds the bound {ctx['bound']:g}",
                       counterexample={"s": [0.0, 0.0], "p": [0.5, 0.5], "norm": "1/2"})
    if out.verdict == "refuted":
        return out.but(reason=f"the bound {ctx['bound']:g} holds but is not sharp: the exact supremum is 1/2")
    return out.but(reason="sup ||J||_2 = 1/2 for every n >= 2: an upper bound by Popoviciu's inequality (symbolic "
                          "n), attained for n = 2 and approached for n >= 3")


def norm_of(s: np.ndarray) -> float:
    """Spectral norm of the softmax Jacobian at ``s``."""
    return float(spectral_norm(softmax_jacobian(torch.as_tensor(s, dtype=torch.float64))))


def padded_ascent(fn: Callable[[torch.Tensor], torch.Tensor]) -> Callable[..., tuple[np.ndarray, float, int]]:
    """Adam on ``fn`` (:func:`verifiers.property.gradient_ascent`) from all starts in one batch.

    Shorter starts are padded with logits :data:`PAD_GAP` below their smallest entry: softmax gives them
    probability exactly 0 in float64, so the padded point has the same Jacobian norm (it is a point of R^N).
    """
    ascend = prop.gradient_ascent(fn)

    def local(starts: Sequence[np.ndarray], steps: int) -> tuple[np.ndarray, float, int]:
        size = max(len(x) for x in starts)
        batch = [np.concatenate([x, np.full(size - len(x), float(np.min(x)) - PAD_GAP)]) for x in starts]
        return ascend(batch, steps)

    return local


@check(JACOBIAN_SOFTMAX, "property")
def jacobian_property(ctx: Context) -> Outcome:
    """Targeted search (Hypothesis ``target`` + Adam on the logits, rays outwards) for the largest norm."""
    local = padded_ascent(lambda s: symmetric_norm(softmax_jacobian(s)))
    return prop.upper_bound(ctx, budget_logits(ctx.budget), norm_of, ctx["bound"], local=local)
