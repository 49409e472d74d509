r"""The log-spherical loss has sup_o |∂L/∂o_c| = 1/√ε: its slope is not bounded independently of ε.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003, "Spherical Softmax"): the spherical softmax "requires
careful tuning of the hyperparameter ε".

Hypothesis: :math:`D\ge2`, :math:`\varepsilon>0`, :math:`L(o)=-\log\frac{o_c^2+\varepsilon}{\sum_i(o_i^2+
\varepsilon)}` for :math:`o\in\mathbb R^D`.

Conclusion: :math:`\sup_o|\partial L/\partial o_c|=\mathrm{coef}\cdot\varepsilon^{-\mathrm{power}}` with
coef = 1, power = 1/2 (approached as :math:`o_c=\sqrt\varepsilon`, :math:`\sum_{i\ne c}o_i^2\to\infty`; not
attained), hence :math:`\ge(1-\frac2{D+1})/\sqrt\varepsilon`, the value at :math:`o=\sqrt\varepsilon\,e_c`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from verifiers import (
    OUR_FINDING,
    WHOLE,
    Context,
    Integer,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    Resolution,
    Scope,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.budget import Budget
from verifiers.strategies import logits

#: Relative slack of the upper bound (float64 rounding of |∂L/∂o_c|) and relative gap allowed for sharpness
#: (within |o| ≤ M the supremum falls short of 1/√ε by a relative ≈ 2ε/M²: 1e-3 needs M ≥ 45√ε).
BOUND_RTOL, SHARP_RTOL = 1e-9, 1e-3
#: Magnitudes of the one competitor of the corner family o = √ε e_c + M e_1, in units of √ε (at most
#: max_magnitude · max(1, √ε)).
CORNER_MAGNITUDES = (1.0, 10.0, 100.0, 1000.0)

SPHERICAL_EPS_GRADIENT = claim(
    id="dbv2016/spherical-eps-gradient",
    title="The log-spherical loss has slope up to 1/√ε in its target coordinate",
    statement=r"\sup_{o\in\mathbb{R}^D}\Bigl|\frac{\partial L}{\partial o_c}\Bigr| = \mathrm{coef}\cdot"
              r"\varepsilon^{-\mathrm{power}} \ge \Bigl(1-\frac{2}{D+1}\Bigr)\frac{1}{\sqrt\varepsilon},\quad "
              r"L(o)=\log\sum_i(o_i^2+\varepsilon)-\log(o_c^2+\varepsilon),\ \mathrm{coef}=1,\ "
              r"\mathrm{power}=\tfrac12,\ \varepsilon>0,\ D\ge2",
    reference=Reference("dbv2016", "Spherical Softmax",
                        "However, it should be kept in mind that this loss function also requires careful tuning "
                        r"of the hyperparameter $\varepsilon$ for numerical stability."),
    origin=OUR_FINDING,
    notes="The seed says only that ε needs careful tuning; this is one precise reason (ours): the slope of the loss "
          "in o_c scales as 1/√ε, so the loss is Lipschitz in o_c only with a constant that blows up as ε → 0 "
          "(log-softmax has |∂L/∂o_c| = 1 - p_c < 1 for every o). With x = o_c and R the sum of the other o_i², "
          "∂L/∂o_c = -2x(R + (D-1)ε)/((x² + R + Dε)(x² + ε)); the factor (R + (D-1)ε)/(R + x² + Dε) increases "
          "to 1 as R → ∞ and 2|x|/(x² + ε) ≤ 1/√ε with equality at |x| = √ε, so the supremum 1/√ε is approached "
          "(never attained) and does not depend on D. The catalogue's bound (1 - 2/(D+1))/√ε is the value at "
          "o = √ε e_c (R = 0): true, not sharp. Symbolic: the derivative for symbolic D (IndexedBase, Sum), the "
          "factorization, the monotonicity in R and its limit, the exact supremum over x, and the claimed "
          "coef·ε^(-power) compared as a function of ε (every step checked by SymPy; covers all D and ε). "
          "Property: a search over o ∈ ℝ^D at the given (ε, D) (c = 0: the loss is symmetric under permutations "
          "of the other coordinates and c is arbitrary) for values of |∂L/∂o_c| above coef·ε^(-power) (beyond "
          f"a relative {BOUND_RTOL:g}). Vectors: entries in units of √ε (the problem's own scale: "
          "|∂L/∂o_c|(t·o; t²ε) = |∂L/∂o_c|(o; ε)/t) and absolute ones, both up to the profile's max_magnitude; "
          "Adam ascent (in units of √ε) from the best points and from the corners √ε e_c and √ε e_c + M e_1 (M/√ε = "
          f"{', '.join(f'{m:g}' for m in CORNER_MAGNITUDES)}, at most max_magnitude·max(1, √ε); evaluated first, "
          "a violation there ends the search), rays up to the profile's max_magnitude. Every ε > 0 is reachable: "
          "both terms of the slope are evaluated in units of a power of two near their own scale, so ε from "
          "5e-324 to 1.8e308 neither over- nor underflows. Every D ≥ 2 is searched: up to the profile's max_n "
          "(32/128/512) all D coordinates are free; beyond it (a restriction, named in the Evidence scope) the "
          "vectors searched have o_c, max_n - 2 free coordinates and D - max_n + 1 equal ones (the slope needs "
          "only Σ o_i², computed with the multiplicity, so the cost does not grow with D). Sharpness needs a value "
          f"within a relative {SHARP_RTOL:g} of the bound (the supremum over competitors of size at most M falls "
          "short by a relative ≈ 2ε/M², reached by the corner family for every ε), and the witness √ε e_c must give "
          "the catalogue's bound. A claimed coef·ε^(-power) beyond the float64 range is inconclusive here (the "
          "symbolic check decides it). `power=0` (a bound independent of ε: the claim that the slope is at most 1, "
          "as for log-softmax) is the negative control.",
    params={
        "eps": Real(0.01, 0.0, exclude_min=True, doc="ε of the spherical softmax"),
        "D": Integer(10, 2, doc="number of classes"),
        "coef": Real(1.0, 0.0, exclude_min=True, doc="claimed √ε · sup |∂L/∂o_c| (at power = 1/2)"),
        "power": Real(0.5, doc="claimed exponent: sup |∂L/∂o_c| = coef · ε^(-power)"),
    },
    negative_controls=(NegativeControl("eps-independent", {"power": 0.0},
                                       "a bound independent of ε (sup |∂L/∂o_c| = 1, as for log-softmax): the "
                                       "supremum is 1/√ε = 10 at ε = 0.01 and unbounded as ε → 0"),),
    tags=("spherical-softmax", "gradient", "numerics"),
)


def _derivation() -> tuple[sp.Expr, list[str], list[str]]:
    """sup_o |∂L/∂o_c| for symbolic D and ε, the steps, and the steps SymPy failed to confirm."""
    i, m = sp.Symbol("i", integer=True), sp.Symbol("m", integer=True, nonnegative=True)
    c = sp.Symbol("c", integer=True, positive=True)
    D = c + m + 1  # any D ≥ 2 with 1 ≤ c < D (the case c = D is the same up to relabelling)
    o, eps = sp.IndexedBase("o"), sp.Symbol("varepsilon", positive=True)
    x, R, t = sp.Symbol("x", real=True), sp.Symbol("R", nonnegative=True), sp.Symbol("t", nonnegative=True)
    Dn = sp.Symbol("D", integer=True, positive=True)
    loss = sp.log(sp.Sum(o[i] ** 2 + eps, (i, 1, D))) - sp.log(o[c] ** 2 + eps)
    grad = sp.diff(loss, o[c]).doit()
    normalizer = sp.Sum(o[i] ** 2 + eps, (i, 1, D)).doit()
    reduced = grad.subs(normalizer, x**2 + R + D * eps).subs(o[c], x)
    factored = -2 * x * (R + (D - 1) * eps) / ((x**2 + R + D * eps) * (x**2 + eps))
    F = (R + (Dn - 1) * eps) / (R + x**2 + Dn * eps)
    ratio = 2 * t / (1 + t**2)
    witness = -factored.subs({x: sp.sqrt(eps), R: 0})
    checks = [
        (r"$\partial L/\partial o_c = " + sp.latex(grad) + r"$; with $\sum_i(o_i^2+\varepsilon) = x^2+R+D\varepsilon$ "
         r"($x=o_c$, $R=\sum_{i\ne c}o_i^2$): $\partial L/\partial o_c = " + sp.latex(factored) + "$",
         sp.simplify(reduced - factored)),
        (r"$|\partial L/\partial o_c| = \frac{2|x|}{x^2+\varepsilon}\,F(R)$, $F(R) = " + sp.latex(F) + "$, "
         r"$F'(R) = \frac{x^2+\varepsilon}{(R+x^2+D\varepsilon)^2} > 0$",
         sp.simplify(sp.diff(F, R) - (x**2 + eps) / (R + x**2 + Dn * eps) ** 2)),
        (r"$1 - F(R) = \frac{x^2+\varepsilon}{R+x^2+D\varepsilon} > 0$ and $\lim_{R\to\infty}F(R) = 1$: "
         r"$\sup_R F = 1$, not attained", sp.simplify(1 - F - (x**2 + eps) / (R + x**2 + Dn * eps))
         + (sp.limit(F, R, sp.oo) - 1)),
        (r"$x = \sqrt\varepsilon\,t$: $\frac{2|x|}{x^2+\varepsilon} = \frac{1}{\sqrt\varepsilon}\cdot"
         r"\frac{2t}{1+t^2}$, and $1-\frac{2t}{1+t^2} = \frac{(t-1)^2}{1+t^2} \ge 0$: "
         r"$\sup_{t\ge0}\frac{2t}{1+t^2} = 1$, attained at $t = 1$",
         sp.simplify((2 * x / (x**2 + eps)).subs(x, sp.sqrt(eps) * t) - ratio / sp.sqrt(eps))
         + sp.cancel(1 - ratio - (t - 1) ** 2 / (1 + t**2))),
        (r"at $o = \sqrt\varepsilon\,e_c$ ($R = 0$): $|\partial L/\partial o_c| = \frac{D-1}{D+1}\cdot"
         r"\frac{1}{\sqrt\varepsilon} = \bigl(1-\frac{2}{D+1}\bigr)\frac{1}{\sqrt\varepsilon} < \frac{1}{\sqrt"
         r"\varepsilon}$", sp.simplify(witness - (1 - 2 / (D + 1)) / sp.sqrt(eps))),
        (r"$\lim_{\varepsilon\to0^+}\varepsilon^{-1/2} = \infty$: no bound independent of $\varepsilon$",
         0 if sp.limit(1 / sp.sqrt(eps), eps, 0, "+") is sp.oo else 1),
    ]
    steps = [text for text, _ in checks]
    failed = [text for text, residual in checks if residual != 0]
    return 1 / sp.sqrt(eps), steps, failed


@check(SPHERICAL_EPS_GRADIENT, "symbolic")
def eps_gradient_symbolic(ctx: Context) -> Outcome:
    """Exact supremum 1/√ε for symbolic D and ε, compared with coef · ε^(-power) as functions of ε."""
    sup, steps, failed = _derivation()
    eps = next(iter(sup.free_symbols))
    if failed:
        return Outcome(verdict="inconclusive", steps=tuple(steps),
                       reason=f"SymPy could not confirm {len(failed)} step(s) of the derivation")
    claimed = sp.Rational(ctx["coef"]) * eps ** (-sp.Rational(ctx["power"]))
    at = {"sup_at_eps": float(sup.subs(eps, sp.Rational(ctx["eps"]))),
          "catalogue_bound_at_eps": (1 - 2 / (ctx["D"] + 1)) / math.sqrt(ctx["eps"])}
    steps.append(f"at $\\varepsilon = {ctx['eps']:g}$, $D = {ctx['D']}$: $\\sup = {at['sup_at_eps']:.6g}$, "
                 f"catalogue bound ${at['catalogue_bound_at_eps']:.6g}$")
    outcome = symbolic.identity(sup, claimed, scope=WHOLE, steps=tuple(steps), seed=ctx.seed)
    return outcome.but(statistics={**outcome.statistics, **at},
                       reason=f"sup_o |∂L/∂o_c| = 1/√ε exactly (every D ≥ 2, ε > 0); claimed "
                              f"{ctx['coef']:g}·ε^(-{ctx['power']:g}): {outcome.reason}")


def _pow2_below(t: torch.Tensor) -> torch.Tensor:
    """The power of two in (t/2, t] (t > 0, detached): dividing by it is exact and keeps squares in range."""
    _, exponent = torch.frexp(t.detach())
    return torch.ldexp(torch.ones_like(t), exponent - 1)


def _ratio_term(x: torch.Tensor, square_sum: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """2x / square_sum, with x and square_sum given in units of ``scale`` (resp. ``scale²``)."""
    return 2 * x / square_sum / scale


def target_slope(o: torch.Tensor, eps: float, multiplicity: torch.Tensor | None = None) -> torch.Tensor:
    r""":math:`|\partial L/\partial o_0|` of the log-spherical loss with target c = 0, row by row (closed form).

    ``multiplicity`` (optional, one count per column, first count 1) makes ``o`` a packed vector: column j
    stands for that many equal coordinates, so ``o`` stands for a vector of length ``multiplicity.sum()``.
    Both terms are evaluated in units of a power of two near their own scale, so nothing over- or
    underflows for any ε > 0 and any |o| up to about 1e300.
    """
    o = torch.as_tensor(o, dtype=torch.float64)
    count = torch.ones(o.shape[-1], dtype=o.dtype) if multiplicity is None else multiplicity.to(o.dtype)
    D, root = float(count.sum()), torch.tensor(math.sqrt(eps), dtype=o.dtype)
    x = o[..., 0]
    own = _pow2_below(torch.maximum(x.abs(), root))
    target = _ratio_term(x / own, (x / own) ** 2 + (root / own) ** 2, own)
    every = _pow2_below(torch.maximum(o.abs().amax(dim=-1), root))
    total = ((o / every.unsqueeze(-1)) ** 2 * count).sum(dim=-1) + D * (root / every) ** 2
    return (_ratio_term(x / every, total, every) - target).abs()


def layout(D: int, free: int) -> tuple[int, torch.Tensor]:
    """Packed length n = min(D, free) and multiplicities: n - 1 free coordinates, the last one repeated D - n + 1
    times (all ones when D ≤ free)."""
    n = min(D, free)
    count = torch.ones(n, dtype=torch.float64)
    count[-1] = D - n + 1
    return n, count


def corners(eps: float, D: int, largest: float = math.inf, size: int | None = None) -> list[np.ndarray]:
    r"""The catalogue's witness :math:`\sqrt\varepsilon e_c` and the family :math:`\sqrt\varepsilon e_c+Me_1`,
    :math:`M=\sqrt\varepsilon\cdot` :data:`CORNER_MAGNITUDES` (at most ``largest``), as vectors of length ``size``
    (default D; a packed layout from :func:`layout`)."""
    base = np.zeros(size or D)
    base[0] = math.sqrt(eps)
    family = []
    for magnitude in CORNER_MAGNITUDES:
        point = base.copy()
        point[1] = min(magnitude * math.sqrt(eps), largest)
        family.append(point)
    return [base, *family]


def claimed_sup(coef: float, power: float, eps: float) -> float:
    """coef · ε^(-power) in log space: ``inf`` or ``0.0`` where it leaves the float64 range."""
    exponent = math.log(coef) - power * math.log(eps)
    return math.inf if exponent > 709.0 else math.exp(exponent)


def scaled_ascent(eps: float, count: torch.Tensor) -> Callable[[list, int], tuple[np.ndarray, float, int]]:
    """Adam on u = o/√ε (the problem's own scale), reported back in o: Adam's steps are scale-free only in u."""
    root = math.sqrt(eps)
    ascend = prop.gradient_ascent(lambda u: target_slope(u * root, eps, count))

    def local(starts: list, steps: int) -> tuple[np.ndarray, float, int]:
        point, value, evaluations = ascend([np.asarray(s, dtype=np.float64) / root for s in starts], steps)
        return (None if point is None else point * root), value, evaluations

    return local


@st.composite
def search_vectors(draw: st.DrawFn, eps: float, n: int, budget: Budget) -> np.ndarray:
    """Packed vectors of length n: entries in units of √ε (up to max_magnitude·√ε), or absolute ones.

    (One draw and a flag rather than ``st.one_of`` of two mapped strategies: with that, Hypothesis's target phase
    can spin for minutes or report a flaky strategy at n = 2.)
    """
    u = draw(logits(size=n, gaps=(1.0,), max_magnitude=budget.max_magnitude))
    return u * math.sqrt(eps) if draw(st.booleans()) else u


def _evidence_scope(eps: float, D: int, n: int) -> Scope:
    if n == D:
        return special_case(f"ε = {eps:g}, D = {D}")
    return special_case(f"ε = {eps:g}, D = {D}: vectors of o_c, {n - 2} free coordinates and {D - n + 1} equal "
                        "ones")


def _violation_at(points: list[np.ndarray], slope: Callable[[np.ndarray], float], bound: float,
                  count: torch.Tensor, D: int) -> Outcome | None:
    """A refutation at the first structured point whose slope exceeds the bound, else ``None``."""
    for tried, point in enumerate(points, 1):
        value = slope(point)
        if value > bound * (1 + BOUND_RTOL):
            packed = "" if len(point) == D else f" (last entry × {D - len(point) + 1})"
            return Outcome(verdict="refuted", explored={"examples": 0, "corners_tried": tried},
                           statistics={"claimed_sup": bound, "value": value},
                           counterexample={"example": point.tolist(), "multiplicity": count.tolist(), "value": value},
                           reason=f"at the structured point o = {np.round(point, 6).tolist()}{packed} the slope is "
                                  f"{value:.6g} > {bound:.6g}")
    return None


@check(SPHERICAL_EPS_GRADIENT, "property")
def eps_gradient_property(ctx: Context) -> Outcome:
    """Search o ∈ ℝ^D for |∂L/∂o_c| above coef·ε^(-power); sharpness; the catalogue's witness value."""
    eps, D = ctx["eps"], ctx["D"]
    bound = claimed_sup(ctx["coef"], ctx["power"], eps)
    n, count = layout(D, ctx.budget.max_n)
    slope = lambda o: float(target_slope(torch.as_tensor(o), eps, count))  # noqa: E731
    largest = ctx.budget.max_magnitude * max(1.0, math.sqrt(eps))
    structured = corners(eps, D, largest, size=n)
    witness, catalogue = slope(structured[0]), (1 - 2 / (D + 1)) / math.sqrt(eps)
    scope = _evidence_scope(eps, D, n)
    explored = {"D": D, "largest_n": D, "free_values": n, "tied_coordinates": D - n + 1 if n < D else 0, "eps": eps,
                "corners": len(structured)}
    common = {"scope": scope, "resolution": Resolution(BOUND_RTOL * bound, "bound")}
    if not math.isfinite(bound):
        return Outcome(verdict="inconclusive", scope=scope, explored={**explored, "examples": 0},
                       statistics={"claimed_sup": bound, "catalogue_bound": catalogue},
                       reason="the claimed supremum coef·ε^(-power) exceeds the float64 range: no point can exceed "
                              "it and sharpness cannot be shown by a search")
    refuted = _violation_at(structured, slope, bound, count, D)
    if refuted is not None:  # structured points first: a violation there needs no search
        return refuted.but(**common, explored={**explored, **refuted.explored},
                           statistics={**refuted.statistics, "catalogue_bound": catalogue})
    out = prop.upper_bound(ctx, search_vectors(eps, n, ctx.budget), slope, bound, local=scaled_ascent(eps, count),
                           sharp=True, sharp_tol=SHARP_RTOL * bound, tol=BOUND_RTOL * bound, corners=structured)
    explored = {**out.explored, **explored, "largest_abs_over_sqrt_eps": out.explored["largest_abs"] / math.sqrt(eps),
                "magnitude_cap": largest}
    stats = {**out.statistics, "witness_value": witness, "catalogue_bound": catalogue, "claimed_sup": bound,
             "multiplicity": None if n == D else count.tolist()}
    if abs(witness - catalogue) > BOUND_RTOL * catalogue:
        return out.but(verdict="refuted", statistics=stats, scope=scope, explored=explored,
                       reason=f"at o = √ε e_c the slope is {witness:.9g}, not (1 - 2/(D+1))/√ε = {catalogue:.9g}")
    return out.but(statistics=stats, scope=scope, explored=explored,
                   reason=f"{out.reason}; at o = √ε e_c the slope is (1 - 2/(D+1))/√ε = {catalogue:.6g}")
