r"""Our finding: over all dimensions, the α-entmax Jacobian's spectral norm has supremum 1; for n = 2 it is 2^(α-2).

Not a claim of Pu, Lian & Chen (arXiv 2601.22745), whose seed bounds the softmax Jacobian by 1/2. It corrects
our earlier conjecture that 2^(α-2) (the n = 2 value) bounds every n: one large entry above many equal small ones
breaks it.

Hypothesis: :math:`1<\alpha\le2`, :math:`n\ge2`, :math:`s\in\mathbb R^n`, :math:`p=\alpha\text{-entmax}(s)`,
:math:`J=\partial p/\partial s` (where it exists).

Conclusion: :math:`\sup_{n\ge2,\ s\in\mathbb R^n}\lVert J\rVert_2=1`, approached but not attained for
:math:`\alpha<2` (attained for sparsemax); for :math:`n=2`, :math:`\sup_{s\in\mathbb R^2}\lVert J\rVert_2=
2^{\alpha-2}`, attained at :math:`p=(\frac12,\frac12)`.

With the parameter ``n`` set (n >= 1), the statement is :math:`\sup_{s\in\mathbb R^n}\lVert J\rVert_2=
\mathrm{bound}` for that one dimension.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp
import torch
from scipy.optimize import minimize_scalar

from claims.pu2026.jacobian_softmax import IDX, over_n, weighted_variance_lemmas
from claims.pu2026.maps import entmax_jacobian, entmax_logits, exact_alpha, jacobian, prediction_map, symmetric_norm
from verifiers import (
    NOT_APPLICABLE,
    OUR_FINDING,
    WHOLE,
    Context,
    Integer,
    NegativeControl,
    Outcome,
    Premise,
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
from verifiers.strategies import budget_logits, logits
from verifiers.symbolic import linear_normal_form, nonnegative_terms, sum_identity

#: Random logit vectors on which the closed-form Jacobian (the premise) is compared with autograd.
PREMISE_POINTS = 8
#: Largest accepted entry-wise difference between the closed form and autograd (bisection is ~1e-13).
PREMISE_TOL = 1e-8
#: A bound within this relative distance of the exact supremum equals it (float rounding of the parameter).
EXACT_TOL = 1e-12
#: Largest dimension accepted by ``n`` (the property search builds n x n matrices).
MAX_N = 1024
#: Float rounding allowed above the bound by the property check (entries of J are O(1)).
TOL = 1e-9
#: Largest dimension at which autograd Jacobians (n backward passes) are compared with the closed form.
AUTOGRAD_MAX_N = 256
#: Dimensions of the figure "best norm found vs n" (the pair and one-large families, exact formula).
FIGURE_NS = (2, 3, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 2**14, 2**16, 2**20)

CLOSED_FORM = Premise(
    "On the support S of p = α-entmax(s), J = diag(g) - gg^T/Σ_S g with g_i = p_i^(2-α) (zero off S); α-entmax is "
    "the threshold map p_i = [(α-1)s_i - τ]_+^(1/(α-1)), so every p in the simplex is reached "
    "(s_i = p_i^(α-1)/(α-1), τ = 0). Also checked numerically: closed form vs autograd (property check).",
    "Peters, Niculae & Martins 2019, Sparse Sequence-to-Sequence Models, ACL, Sec. 3 (Props. 1-2)")
POWER_MEAN = Premise("Σ_{i=1}^m x_i^β <= m^(1-β) (Σ_i x_i)^β for x_i >= 0 and 0 <= β <= 1 (concavity of t^β)",
                     "Hardy, Littlewood & Pólya 1934, Inequalities, Thm. 16")

JACOBIAN_ENTMAX = claim(
    id="pu2026/jacobian-entmax",
    title="α-entmax Jacobian: supremum of the spectral norm over all n is 1 (2^(α-2) for n = 2) (our finding)",
    statement=r"\sup_{n\ge2,\ s\in\mathbb{R}^n} \lVert J_{\alpha\text{-entmax}}(s)\rVert_2 = \mathrm{bound} = 1"
              r"\ \ (1<\alpha\le2;\ \text{not attained for } \alpha<2),\qquad "
              r"\sup_{s\in\mathbb{R}^2} \lVert J_{\alpha\text{-entmax}}(s)\rVert_2 = 2^{\alpha-2}",
    reference=Reference("pu2026", "Gradient dynamics (beyond the paper)",
                        "ensuring the Jacobian has a spectral norm bounded by 1/2"),
    origin=OUR_FINDING,
    notes="Our own finding, not the paper's; the quote is the softmax sentence it extends. It replaces our earlier "
          "conjecture sup = 2^(α-2) for every n, which is false: for p = (a, b, ..., b) with m = n-1 equal "
          "entries, g = p^(2-α), ||J||_2 >= (m+1) g_a g_b / (g_a + m g_b), above 2^(α-2) for n >= 8 at α = 1.95, "
          "n >= 48 at α = 1.5, and astronomically large n near α = 1. Symbolic check (premise: the closed-form "
          "Jacobian diag(g) - gg^T/Σg of Peters, Niculae & Martins 2019, also compared with autograd by the "
          "property check): with symbolic n, v^T J v = Σ g_i (v_i - μ)^2 >= 0 and <= Σ g_i v_i^2 <= max_i g_i <= 1 "
          "for a unit v, with max g < 1 unless |S| = 1 (then J = 0), so 1 is not attained for α < 2; the "
          "Rayleigh quotient of the family at v = (m, -1, ..., -1) is the expression above (an identity in "
          "symbolic m), which tends to a^(2-α) as m -> ∞ and then to 1 as a -> 1 (SymPy limits at the exact "
          "decimal α). So the supremum is 1 exactly: a bound below 1 is refuted with an explicit witness "
          "(n and p, verified to 50 digits; n may be astronomically large near α = 1), a bound above 1 as not "
          "sharp. n = 2 is the special case 2g_1g_2/(g_1+g_2) <= sqrt(g_1g_2) <= 2^(α-2), equality at p = "
          "(1/2, 1/2). Parameter `n`: 0 (the default) means the supremum over every n >= 2, the statement "
          "above; n >= 1 restricts s to R^n, and the statement becomes sup over R^n = bound. That is decided "
          "exactly for n <= 2 (0 for n = 1) and for α = 2 (1: J is a projection); for n >= 3 and α < 2 the "
          "exact value is not derived, and the symbolic check certifies an interval [L, U] (L: the best exact "
          "witness of the pair and one-large families; U from ||J|| <= min(max g, Σg/2), the power-mean "
          "inequality and the crossing point of the two bounds) and refutes bounds outside it; inside it the "
          "property search reports the best value found for that n and decides. The property check first "
          "evaluates the autograd Jacobian at the pair and one-large family optima (in R^n, or up to n = "
          "4 max_n, at most 256), then searches budget-sized logits (gaps 1/(α-1), one-large, ties, "
          "near-one-hot; n up to the profile's max_n, or the given n) with Adam in the simplex on the closed "
          "form, and rays; its "
          "figure shows the best norm found vs n (exact family values up to n = 2^20).",
    params={
        "alpha": Real(1.5, 1.0, 2.0, exclude_min=True, doc="α of α-entmax"),
        "bound": Real(1.0, 0.0, exclude_min=True, doc="claimed supremum of ||J||_2"),
        "n": Integer(0, 0, MAX_N, doc="0: supremum over every n >= 2; n >= 1: only s in R^n"),
    },
    negative_controls=(
        NegativeControl("conjecture-2^(alpha-2)", {"bound": 2.0**-0.5},
                        "our earlier conjecture sup = 2^(α-2) = 1/√2 at α = 1.5: the one-large family exceeds it "
                        "from n = 48 on"),
        NegativeControl("n2-bound-1", {"n": 2},
                        "in dimension 2 the supremum is 2^(α-2) = 1/√2 < 1 at α = 1.5: the bound is not sharp, which "
                        "only the symbolic check can decide (a search cannot refute a bound that is too high)",
                        methods=("symbolic",)),
    ),
    tags=("gradient-dynamics", "jacobian", "our-finding"),
)


# ---------------------------------------------------------------------------------------------------------------
# The one-large family p = (a, b, ..., b), m = n - 1 equal entries b = (1 - a)/m.

def family_value(m: float, a: np.ndarray | float, alpha: float) -> np.ndarray:
    r"""The family's Rayleigh value :math:`g_a(1+1/m)/(1+c\,m^{1-\alpha})`, :math:`c=(a/(1-a))^{2-\alpha}` (float)."""
    a = np.asarray(a, dtype=np.float64)
    beta = 2.0 - alpha
    with np.errstate(divide="ignore", over="ignore"):
        c = np.exp(beta * (np.log(a) - np.log1p(-a)))
        return a**beta * (1.0 + 1.0 / m) / (1.0 + c * np.exp((1.0 - alpha) * np.log(m)))


def best_family(m: float, alpha: float) -> tuple[float, float]:
    """The best ``a`` of the family with ``m`` small entries and its value (grid, then a bounded 1-D search)."""
    grid = np.unique(np.concatenate([np.linspace(1e-3, 0.999, 400), 1.0 - np.logspace(-15, -3, 400)]))
    values = family_value(m, grid, alpha)
    k = int(np.nanargmax(values))
    low, high = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    res = minimize_scalar(lambda a: -float(family_value(m, a, alpha)), bounds=(low, high), method="bounded",
                          options={"xatol": 1e-14})
    return (float(res.x), -float(res.fun)) if -res.fun > values[k] else (float(grid[k]), float(values[k]))


def exact_family_value(m: int | mpmath.mpf, a: Fraction, alpha: Fraction) -> mpmath.mpf:
    """The family value at a rational ``a`` to 50 digits (``m`` may be astronomically large)."""
    with mpmath.workdps(50):
        al, af, m = _mpf(alpha), _mpf(a), mpmath.mpf(m)
        c = (af / (1 - af)) ** (2 - al)
        return af ** (2 - al) * (1 + 1 / m) / (1 + c * m ** (1 - al))


def _mpf(x: Fraction) -> mpmath.mpf:
    return mpmath.mpf(x.numerator) / x.denominator


def family_witness(bound: float, alpha: float) -> dict[str, object]:
    """An explicit (m, a) with family value above ``bound`` (< 1): doubling m, else m = 10^k from the formula.

    With g_a = a^β = (1 + bound)/2 and c = (a/(1-a))^β, the value exceeds g_a/(1 + c m^(1-α)), which is above
    ``bound`` once m^(α-1) > c/(g_a/bound - 1).
    """
    al = exact_alpha(alpha)
    for k in range(1, 61):
        a, value = best_family(2.0**k, alpha)
        if value > bound + 1e-9:
            return _verified_witness(2**k, Fraction(a).limit_denominator(10**12), al, bound)
    beta = 2.0 - alpha
    a = Fraction(((1.0 + bound) / 2.0) ** (1.0 / beta) if beta > 0 else 0.5).limit_denominator(10**12)
    with mpmath.workdps(50):
        af, b = _mpf(a), 2 - _mpf(al)
        need = (af / (1 - af)) ** b / (af**b / bound - 1)
        exponent = int(mpmath.ceil(mpmath.log10(need) / (_mpf(al) - 1))) + 1
    return _verified_witness(mpmath.mpf(10) ** exponent, a, al, bound, m_text=f"10^{exponent}")


def _verified_witness(m: int | mpmath.mpf, a: Fraction, alpha: Fraction, bound: float,
                      m_text: str | None = None) -> dict[str, object]:
    value = exact_family_value(m, a, alpha)
    witness: dict[str, object] = {"n": f"{m_text} + 1" if m_text else m + 1,
                                  "p": f"(a, b, ..., b), a = {a}, b = (1 - a)/{m_text or m}",
                                  "norm_lower_bound": mpmath.nstr(value, 20), "exceeds_bound": bool(value > bound)}
    if m_text is None and m <= AUTOGRAD_MAX_N:
        p = np.concatenate([[float(a)], np.full(m, (1 - float(a)) / m)])
        witness["s"] = entmax_logits(p, float(alpha)).tolist()
    return witness


def best_found_by_n(alpha: float, ns: tuple[int, ...]) -> list[float]:
    """Best norm of the pair (2^(α-2)) and one-large families for every n (support sizes up to n)."""
    pair = 2.0 ** (alpha - 2.0)
    return [max(pair, best_family(n - 1, alpha)[1]) if n >= 2 else 0.0 for n in ns]


# ---------------------------------------------------------------------------------------------------------------
# Symbolic check.

def upper_bound_steps(alpha: sp.Expr) -> Outcome:
    """||J||_2 <= max_i g_i <= 1 for symbolic n (J PSD); max g < 1 on supports of size >= 2 when α < 2."""
    g, v, d = sp.IndexedBase("g", positive=True), sp.IndexedBase("v", real=True), sp.IndexedBase("d", nonnegative=True)
    G, B, gamma = sp.Symbol("G", positive=True), sp.Symbol("B", real=True), sp.Symbol("gamma", positive=True)
    A = over_n(g[IDX] * v[IDX] ** 2)
    given = {over_n(g[IDX]): G, over_n(g[IDX] * v[IDX]): B}
    steps = (r"premise: $J = \mathrm{diag}(g) - gg^\top/G$, $g_i = p_i^{2-\alpha}$ on the support, $G = \sum_i g_i$;"
             r" for a unit $v$: $v^\top J v = A - B^2/G$, $A = \sum_i g_i v_i^2$, $B = \sum_i g_i v_i$ "
             r"(symbolic $n$)",)
    psd = sum_identity(A - B**2 / G, over_n(g[IDX] * (v[IDX] - B / G) ** 2), hypotheses=given, scope=WHOLE,
                       step=r"$J \succeq 0$", steps=steps)
    if psd.verdict != "proved":
        return psd
    ok, trail = nonnegative_terms(g[IDX] * (v[IDX] - sp.Symbol("mu", real=True)) ** 2, "so $v^\\top J v \\ge 0$",
                                  psd.steps)
    ok2 = bool((B**2 / G).is_nonnegative)
    trail = (*trail, r"so $J \succeq 0$ (symmetric), hence $\lVert J\rVert_2 = \max_{|v|=1} v^\top J v$; and "
                     r"$v^\top J v \le A$ since SymPy shows $B^2/G \ge 0$")
    below = linear_normal_form(over_n((gamma - d[IDX]) * v[IDX] ** 2), {over_n(v[IDX] ** 2): 1})
    ok3 = sp.expand(below - gamma + over_n(d[IDX] * v[IDX] ** 2)) == 0
    ok4, trail = nonnegative_terms(d[IDX] * v[IDX] ** 2, rf"$A \le \gamma = \max_i g_i$: with $g_i = \gamma - d_i$ "
                                   rf"and $\sum_i v_i^2 = 1$, $A = {sp.latex(below)}$", trail)
    if not (ok and ok2 and ok3 and ok4):
        return Outcome(verdict="inconclusive", reason="SymPy could not complete the upper-bound steps", steps=trail)
    p = sp.Symbol("p", positive=True)
    cap = symbolic.bounded_by(p ** (2 - alpha), p, sp.Interval.Lopen(0, 1), 1.0, scope=WHOLE,
                              steps=(*trail, r"$\gamma \le 1$:"))
    if cap.verdict != "proved":
        return cap
    single = symbolic.identity(G - G**2 / G, sp.Integer(0), scope=WHOLE,
                               steps=(*cap.steps, r"a support of one class ($p_i = 1$) has $J = g - g^2/g$:"))
    if single.verdict != "proved":
        return single
    strict = (r"so $\lVert J\rVert_2 \le 1$ for every $n$ and $s$; for $\alpha < 2$, $p_i^{2-\alpha} = 1$ only at "
              r"$p_i = 1$, where $J = 0$: on supports of size $\ge 2$, $\lVert J\rVert_2 \le \max_i g_i < 1$ "
              r"(not attained)") if alpha < 2 else r"so $\lVert J\rVert_2 \le 1$ for every $n$ and $s$"
    return Outcome(verdict="proved", reason="||J||_2 <= 1", steps=(*single.steps, strict), scope=WHOLE)


def family_steps(alpha: sp.Expr) -> Outcome:
    """The one-large family's Rayleigh quotient (symbolic m), its limit m -> ∞ and then a -> 1: the sup is >= 1."""
    m, ga, gb = (sp.Symbol(name, positive=True) for name in ("m", "g_a", "g_b"))
    a, e, c = (sp.Symbol(name, positive=True) for name in ("a", "e", "c"))
    A, B, G = ga * m**2 + m * gb, m * ga - m * gb, ga + m * gb
    rayleigh = symbolic.identity((A - B**2 / G) / (m**2 + m), (m + 1) * ga * gb / G, scope=WHOLE, steps=(
        r"family $p = (a, b, \dots, b)$, $m = n - 1$ entries $b = (1-a)/m$, $v = (m, -1, \dots, -1)$: "
        r"$A = g_a m^2 + m g_b$, $B = m g_a - m g_b$, $G = g_a + m g_b$, $|v|^2 = m^2 + m$",
        r"Rayleigh quotient $\le \lVert J\rVert_2$:"))
    if rayleigh.verdict != "proved":
        return rayleigh
    beta = 2 - alpha
    value = (m + 1) * a**beta * (e / m) ** beta / (a**beta + m * (e / m) ** beta)
    rewritten = a**beta * (1 + 1 / m) / (1 + c * m ** (1 - alpha))
    at = (f"at $\\alpha = {sp.latex(alpha)}$, $g = p^{{{sp.latex(beta)}}}$, $b = e/m$, $e = 1 - a$: the quotient is "
          f"${sp.latex(rewritten)}$ with $c = (a/e)^{{{sp.latex(beta)}}}$:")
    form = symbolic.identity(sp.powsimp(sp.expand_power_base(value, force=True)), rewritten.subs(c, (a / e) ** beta),
                             scope=WHOLE, steps=(*rayleigh.steps, at))
    if form.verdict != "proved":
        return form
    at_m = sp.limit(rewritten, m, sp.oo)
    at_a = sp.limit(at_m, a, 1, "-")
    steps = (*form.steps, f"$\\lim_{{m\\to\\infty}} = {sp.latex(at_m)}$ ($c$ fixed), then "
                          f"$\\lim_{{a\\to 1^-}} = {sp.latex(at_a)}$")
    if sp.simplify(at_a - 1) != 0:
        return Outcome(verdict="inconclusive", reason="the family limit did not come out as 1", steps=steps)
    return Outcome(verdict="proved", reason="the family approaches 1", steps=steps, scope=WHOLE)


def two_point_steps(alpha: sp.Expr) -> Outcome:
    """n = 2: the non-zero eigenvalue 2g_1g_2/(g_1+g_2) <= sqrt(g_1g_2) = (p_1p_2)^(β/2) <= 2^(α-2)."""
    g1, g2, p = sp.Symbol("g_1", positive=True), sp.Symbol("g_2", positive=True), sp.Symbol("p", positive=True)
    J = sp.diag(g1, g2) - sp.Matrix([g1, g2]) * sp.Matrix([[g1, g2]]) / (g1 + g2)
    eig = sorted((sp.factor(e) for e in J.eigenvals()), key=sp.default_sort_key)
    scope = special_case("n = 2")
    steps = (f"special case $n = 2$: eigenvalues ${sp.latex(eig)}$",)
    if set(eig) != {0, sp.factor(2 * g1 * g2 / (g1 + g2))}:
        return Outcome(verdict="inconclusive", reason="the n=2 eigenvalues did not come out as expected", steps=steps)
    gm = symbolic.identity(sp.sqrt(g1 * g2) - 2 * g1 * g2 / (g1 + g2),
                           sp.sqrt(g1 * g2) * (sp.sqrt(g1) - sp.sqrt(g2)) ** 2 / (g1 + g2),
                           steps=(*steps, r"harmonic mean $\le$ geometric mean:"), scope=scope)
    if gm.verdict != "proved":
        return gm
    am = symbolic.bounded_by(p * (1 - p), p, sp.Interval.open(0, 1), 0.25, scope=scope,
                             steps=(*gm.steps, r"$\sqrt{g_1g_2} = (p_1p_2)^{(2-\alpha)/2}$, $p_1 + p_2 = 1$:"))
    if am.verdict != "proved":
        return am
    sup = 2 ** (alpha - 2)
    return Outcome(verdict="proved", scope=scope, statistics={"n2_supremum": str(sup)},
                   reason=f"n = 2: sup ||J||_2 = {sup}, attained at p = (1/2, 1/2)",
                   steps=(*am.steps, f"so for $n = 2$: $\\sup \\lVert J\\rVert_2 = 2^{{\\alpha-2}} = {sp.latex(sup)}$,"
                                     r" attained at $p = (\frac12, \frac12)$"))


def decide(ctx: Context, sup: sp.Expr, steps: tuple[str, ...], what: str, witness: dict[str, object] | None,
           premises: tuple[Premise, ...] = (CLOSED_FORM,)) -> Outcome:
    """Compare the exact supremum with ``bound``: equal is proved, below refuted with a witness, above not sharp."""
    value, bound = float(sup), ctx["bound"]
    stats = {"supremum": str(sup), "supremum_value": value, "bound": bound}
    common = {"statistics": stats, "steps": steps, "scope": WHOLE, "premises": premises,
              "resolution": Resolution(EXACT_TOL * max(1.0, value), "bound")}
    shown = str(sup) if sup.is_Integer else f"{sup} = {value:.6g}"
    if abs(bound - value) <= EXACT_TOL * max(1.0, value):
        return Outcome(verdict="proved", reason=f"{what}: the supremum is exactly {shown} = bound", **common)
    if bound < value:
        return Outcome(verdict="refuted", counterexample=witness, **common,
                       reason=f"{what}: the supremum is {shown} > bound {bound:g}; witness {witness}")
    return Outcome(verdict="refuted", counterexample={"supremum": str(sup), "bound": bound}, **common,
                   reason=f"{what}: the bound {bound:g} holds but is not sharp: the exact supremum is {sup}")


def pair_witness(alpha: float) -> dict[str, object]:
    """p = (1/2, 1/2) (zeros elsewhere): ||J||_2 = 2^(α-2)."""
    return {"p": "(1/2, 1/2, 0, ..., 0)", "s": entmax_logits(np.array([0.5, 0.5]), alpha).tolist(),
            "norm": 2.0 ** (alpha - 2.0)}


@check(JACOBIAN_ENTMAX, "symbolic")
def entmax_symbolic(ctx: Context) -> Outcome:
    """||J|| <= 1 (symbolic n); the one-large family approaches 1; n = 2 gives 2^(α-2); compare with ``bound``."""
    alpha, n = sp.Rational(str(exact_alpha(ctx["alpha"]))), ctx["n"]
    if n == 1:
        return decide(ctx, sp.Integer(0), ("$n = 1$: $p = (1)$, $J = g - g^2/g = 0$",), "n = 1", None)
    pair = two_point_steps(alpha)
    if pair.verdict != "proved":
        return pair
    if n == 2:
        witness = pair_witness(ctx["alpha"])
        return decide(ctx, 2 ** (alpha - 2), pair.steps, "n = 2", witness)
    upper = upper_bound_steps(alpha)
    if upper.verdict != "proved":
        return upper
    if alpha == 2:
        steps = (*upper.steps, r"$\alpha = 2$: $g_i = 1$ on the support, $J = I_S - \mathbf 1\mathbf 1^\top/|S|$ has "
                               r"eigenvalue 1 for $|S| \ge 2$: attained")
        return decide(ctx, sp.Integer(1), steps, "α = 2" + (f", n = {n}" if n else ""),
                      pair_witness(2.0))
    if n >= 3:
        return dimension_interval(ctx, alpha, (*upper.steps, *pair.steps))
    family = family_steps(alpha)
    if family.verdict != "proved":
        return family
    steps = (*upper.steps, *family.steps, *pair.steps, r"so $\sup_{n, s} \lVert J\rVert_2 = 1$, not attained")
    witness = pair_witness(ctx["alpha"]) if ctx["bound"] < float(2 ** (alpha - 2)) * (1 - EXACT_TOL) else \
        family_witness(ctx["bound"], ctx["alpha"]) if ctx["bound"] < 1 - EXACT_TOL else None
    if witness is not None and witness.get("exceeds_bound") is False:
        return Outcome(verdict="inconclusive", steps=steps, counterexample=witness,
                       reason=f"the family witness for bound {ctx['bound']:g} did not verify to 50 digits")
    return decide(ctx, sp.Integer(1), steps, "every n >= 2", witness).but(
        statistics={"supremum": "1", "supremum_value": 1.0, "bound": ctx["bound"], "n2_supremum": str(2 ** (alpha - 2)),
                    "n2_supremum_value": float(2 ** (alpha - 2))})


def dimension_interval(ctx: Context, alpha: sp.Expr, steps: tuple[str, ...]) -> Outcome:
    """n >= 3, α < 2: certified L <= sup over R^n <= U; refute bounds outside [L, U], else not applicable."""
    n, bound, a = ctx["n"], ctx["bound"], float(alpha)
    lemmas = weighted_variance_lemmas(WHOLE)
    if lemmas.verdict != "proved":
        return lemmas
    low, witness = lower_in_dimension(n, a)
    high = upper_in_dimension(n, a)
    trail = (*steps, *lemmas.steps,
             r"$v^\top J v = G\,\mathrm{Var}_{g/G}(v) \le G/2$; with $p_1 = \max_i p_i$ and the power-mean inequality, "
             rf"$G \le p_1^\beta + (n-1)^{{1-\beta}}(1-p_1)^\beta$, $\beta = 2 - \alpha$; so "
             rf"$\lVert J\rVert_2 \le \max_{{p_1}} \min(p_1^\beta, G/2) = (r/(1+r))^\beta = U = {high:.10g}$, "
             rf"$r = (n-1)^{{(1-\beta)/\beta}}$ (the first term increases, the second is concave with its maximum "
             rf"at $p_1 = 1/n \le r/(1+r)$, where they cross; $n = {n}$)",
             f"best exact witness in $\\mathbb{{R}}^{{{n}}}$: $L = {low:.12g}$")
    stats = {"n": n, "lower": low, "upper": high, "bound": bound, "witness": witness}
    common = {"statistics": stats, "steps": trail, "scope": WHOLE, "premises": (CLOSED_FORM, POWER_MEAN),
              "resolution": Resolution(EXACT_TOL, "bound")}
    if bound < low * (1 - EXACT_TOL):
        return Outcome(verdict="refuted", counterexample=witness, **common,
                       reason=f"n = {n}: the witness {witness['p']} has ||J||_2 >= {low:.10g} > bound {bound:g}")
    if bound > high:
        return Outcome(verdict="refuted", counterexample={"upper": high, "bound": bound}, **common,
                       reason=f"n = {n}: sup ||J||_2 <= {high:.6g} < bound {bound:g} (not sharp)")
    return Outcome(verdict="skipped", statistics=stats, steps=trail, scope=NOT_APPLICABLE,
                   reason=f"n = {n}: the exact supremum is not derived; it lies in [{low:.6g}, {high:.6g}], which "
                          f"contains the bound {bound:g} (the property search decides)")


def lower_in_dimension(n: int, alpha: float) -> tuple[float, dict[str, object]]:
    """The best exact witness in R^n: the pair (2^(α-2)) or the family with m <= n - 1 small entries."""
    pair = 2.0 ** (alpha - 2.0)
    best = max(((m, *best_family(m, alpha)) for m in sorted({2, 3, n // 2, n - 1}) if 2 <= m <= n - 1),
               key=lambda t: t[2], default=None)
    if best is None or best[2] <= pair:
        return pair, pair_witness(alpha) | {"p": f"(1/2, 1/2, 0, ..., 0) in R^{n}"}
    m, a, _ = best
    a_exact = Fraction(a).limit_denominator(10**12)
    value = float(exact_family_value(m, a_exact, exact_alpha(alpha)))
    p = np.concatenate([[float(a_exact)], np.full(m, (1 - float(a_exact)) / m), np.zeros(n - 1 - m)])
    return value, {"p": f"(a, b x {m}, 0 x {n - 1 - m}), a = {a_exact}", "s": entmax_logits(p, alpha).tolist()}


def upper_in_dimension(n: int, alpha: float) -> float:
    r"""max over p_1 of min(p_1^β, (p_1^β + (n-1)^(1-β)(1-p_1)^β)/2) = (r/(1+r))^β, r = (n-1)^((1-β)/β), α < 2.

    The first term increases in p_1; the second is concave with its maximum at p_1 = 1/n <= r/(1+r), where the
    two cross; so the maximum of the minimum is the crossing value. Capped at 1 (the bound for every n).
    """
    beta = 2.0 - alpha
    log_r = (1.0 - beta) / beta * np.log(n - 1.0)
    return float(min(1.0, np.exp(beta * (log_r - np.logaddexp(0.0, log_r))) * (1 + 1e-12)))


# ---------------------------------------------------------------------------------------------------------------
# Property check.

def map_name(alpha: float) -> str:
    """The exact ``entmax15``/``sparsemax`` for α = 1.5/2 (fast), bisection otherwise."""
    return {1.5: "entmax15", 2.0: "sparsemax"}.get(alpha, "entmax")


def entmax_map(s: torch.Tensor, alpha: float) -> torch.Tensor:
    """α-entmax of ``s`` (exact ``entmax15``/``sparsemax`` for α = 1.5/2, bisection otherwise)."""
    return prediction_map(map_name(alpha), alpha)(s)


def autograd_norm(s: np.ndarray, alpha: float) -> float:
    """Spectral norm of the autograd Jacobian (the reported values)."""
    return float(symmetric_norm(jacobian(map_name(alpha), torch.as_tensor(s, dtype=torch.float64), alpha)))


def premise_violation(ctx: Context, extra: list[np.ndarray]) -> Outcome | None:
    """``refuted`` when the closed form diag(g) - gg^T/Σg (premise, Adam's guide) is not the autograd Jacobian."""
    alpha, gen = ctx["alpha"], ctx.generator()
    points = [np.asarray(x, dtype=np.float64) for x in extra if len(x) <= AUTOGRAD_MAX_N]
    for _ in range(PREMISE_POINTS):
        size = int(torch.randint(2, 7, (1,), generator=gen)) if not ctx["n"] else min(ctx["n"], AUTOGRAD_MAX_N)
        points.append((torch.rand(size, generator=gen, dtype=torch.float64) * 4.0 - 2.0).numpy())
    for s in points:
        x = torch.as_tensor(s, dtype=torch.float64)
        error = float((entmax_jacobian(x, alpha) - jacobian(map_name(alpha), x, alpha)).abs().max())
        if not error <= PREMISE_TOL:
            return Outcome(verdict="refuted", counterexample={"s": s.tolist(), "max_abs_difference": error},
                           reason=f"the closed-form Jacobian (premise of the proof) differs from autograd by "
                                  f"{error:.3g} at s = {[round(v, 4) for v in s.tolist()][:8]}")
    return None


def extremal_points(n: int, alpha: float, max_n: int) -> list[np.ndarray]:
    """Logits of the pair (1/2, 1/2, 0, ...) and of the best one-large family member.

    In R^n when ``n`` is set; else the pair in R^2 and the family in R^max_n and R^(4 max_n) (capped at
    :data:`AUTOGRAD_MAX_N`): the family needs many small entries to exceed 2^(α-2).
    """
    sizes = (n,) if n else (max_n, min(4 * max_n, AUTOGRAD_MAX_N))
    pair = np.zeros(max(n, 2))
    pair[:2] = 0.5
    points = [entmax_logits(pair, alpha)]
    for size in sorted(set(sizes)):
        a, _ = best_family(size - 1, alpha)
        points.append(entmax_logits(np.concatenate([[a], np.full(size - 1, (1 - a) / (size - 1))]), alpha))
    return points


def probe(points: list[np.ndarray], alpha: float, bound: float, values: list[float]) -> Outcome | None:
    """``refuted`` when an extremal point's autograd Jacobian norm exceeds ``bound`` (checked before the search).

    The norms are appended to ``values``.
    """
    for s in points:
        value = autograd_norm(s, alpha)
        values.append(value)
        if value > bound + TOL:
            return Outcome(verdict="refuted", counterexample={"example": s.tolist(), "n": len(s), "value": value},
                           statistics={"value": value, "bound": bound, "n": len(s)},
                           explored={"examples": len(points), "largest_n": max(map(len, points)),
                                     "largest_abs": float(max(np.abs(x).max() for x in points))},
                           resolution=Resolution(TOL, "bound"),
                           reason=f"the extremal point in R^{len(s)} (pair or one-large family) has autograd "
                                  f"||J||_2 = {value:.9g} > bound {bound:g}")
    return None


@check(JACOBIAN_ENTMAX, "property")
def entmax_property(ctx: Context) -> Outcome:
    """Targeted search for the largest Jacobian norm (closed form, checked against autograd), and a figure vs n."""
    alpha, n = ctx["alpha"], ctx["n"]
    if n == 1:
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE, reason="n = 1: p = (1) and J = 0 (symbolic check)")
    starts = extremal_points(n, alpha, ctx.budget.max_n)
    extremal: list[float] = []
    early = premise_violation(ctx, starts) or probe(starts, alpha, ctx["bound"], extremal)
    if early is not None:
        return early.but(scope=search_scope(n, ctx.budget.max_n, starts))
    gaps = (float(1 / (exact_alpha(alpha) - 1)),)
    strategy = logits(size=n, gaps=gaps, max_magnitude=ctx.budget.max_magnitude) if n else \
        budget_logits(ctx.budget, gaps=gaps)

    def objective(s: np.ndarray) -> float:
        return float(symmetric_norm(entmax_jacobian(torch.as_tensor(s, dtype=torch.float64), alpha)))

    local = simplex_ascent(alpha, objective)
    out = prop.upper_bound(ctx, strategy, objective, ctx["bound"], local=local, sharp=bool(n), tol=TOL,
                           corners=[x for x in starts if len(x) <= max(n, ctx.budget.max_n)])
    ns = tuple(sorted({*FIGURE_NS, *([n] if n else [])}))
    figure = {"kind": "line", "title": f"best ||J||_2 found vs n (α = {alpha:g}; pair and one-large families)",
              "xlabel": "n", "ylabel": "best ||J||_2 found", "log": True, "exact": True, "x": list(ns),
              "y": best_found_by_n(alpha, ns), "claimed": [ctx["bound"]] * len(ns)}
    stats = {**out.statistics, "extremal_points": [{"n": len(x), "norm": v} for x, v in zip(starts, extremal)]}
    reason = out.reason if n else out.reason + f"; extremal families up to n = {max(map(len, starts))} reach " \
        f"{max(extremal):.6g} (the supremum 1 is approached only as n -> ∞: symbolic check and figure)"
    return out.but(figures=(*out.figures, figure), statistics=stats, reason=reason,
                   scope=search_scope(n, ctx.budget.max_n, starts))


def closed_form_norm_of_p(p: torch.Tensor, alpha: float) -> torch.Tensor:
    """||diag(g) - gg^T/Σg||_2 with g = p^(2-α), row by row (differentiable in ``p``)."""
    g = p.clamp_min(1e-300) ** (2.0 - alpha)
    J = torch.diag_embed(g) - g.unsqueeze(-1) * g.unsqueeze(-2) / g.sum(-1, keepdim=True).unsqueeze(-1)
    return torch.linalg.eigvalsh(J)[..., -1]


def simplex_ascent(alpha: float, objective: Callable[[np.ndarray], float]) -> Callable[..., tuple]:
    """A local maximizer for :func:`verifiers.property.maximize` that ascends in the simplex, not in the logits.

    Every p in the simplex is α-entmax(s) for s = :func:`~claims.pu2026.maps.entmax_logits` (p), so Adam runs
    on θ with p = softmax(θ) (no bisection per step), from p = α-entmax(start), zero-padded to the longest
    start (one batch; a point of R^k is a point of R^n with zeros); the best p is mapped back to logits and
    re-evaluated with the true ``objective``, which is what is reported.
    """
    ascend = prop.gradient_ascent(lambda theta: closed_form_norm_of_p(torch.softmax(theta, -1), alpha))

    def local(starts: list[np.ndarray], steps: int) -> tuple[np.ndarray, float, int]:
        size = max(len(x) for x in starts)
        with torch.no_grad():
            ps = [entmax_map(torch.as_tensor(x, dtype=torch.float64), alpha) for x in starts]
        thetas = [torch.log(torch.cat([p, p.new_zeros(size - len(p))]).clamp_min(1e-30)).numpy() for p in ps]
        theta, _, evaluations = ascend(thetas, steps)
        s = entmax_logits(torch.softmax(torch.as_tensor(theta), -1).numpy(), alpha)
        return s, objective(s), evaluations + 1

    return local


def search_scope(n: int, max_n: int, starts: list[np.ndarray]) -> Scope:
    """The given dimension (the whole restricted statement), else the dimensions the search reached."""
    largest = max(map(len, starts))
    return WHOLE if n else special_case(f"searched n <= {max_n}, extremal families up to n = {largest}")
