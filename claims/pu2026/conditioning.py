r"""The softmax Jacobian is not well-conditioned everywhere: its condition number on 1⊥ is unbounded.

Pu, Lian & Chen, arXiv 2601.22745 (seed: softmax "provides well-conditioned curvature everywhere"). Our
finding: the sentence is false.

Hypothesis: :math:`n\ge3`, :math:`s\in\mathbb R^n`, :math:`p=\mathrm{softmax}(s)`,
:math:`J=\mathrm{diag}(p)-pp^\top` (the softmax loss Hessian), restricted to :math:`1^\perp` (its range).

Conclusion: :math:`\sup_s\kappa(J|_{1^\perp})=\mathrm{bound}=\infty`, and every eigenvalue of :math:`J` tends to 0
as :math:`\max_ip_i\to1` (:math:`\lambda_{\max}\le2(1-\max_ip_i)`).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import scipy.linalg
import sympy as sp

from verifiers import (
    OUR_FINDING,
    WHOLE,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)
from verifiers import property as prop
from verifiers.params import ExtendedReal
from verifiers.strategies import budget_logits

#: Smallest eigenvalue ratio float64 resolves (below it the small eigenvalues are rounding noise).
RESOLVABLE = 1e-13
#: Relative tolerance of a condition number computed in float64 (the check's resolution).
REL_TOL = 1e-9
#: The family drawn in the figure: p = ((1-ε)/2, (1-ε)/2, ε) for ε = 10⁻¹, …, 10⁻¹².
FIGURE_EPS = tuple(10.0 ** -j for j in range(1, 13))

CONDITIONING = claim(
    id="pu2026/conditioning",
    title="The softmax Jacobian's condition number on 1⊥ is unbounded (not well-conditioned everywhere)",
    statement=r"n\ge3:\ \sup_{s\in\mathbb R^n}\kappa\bigl(J(s)|_{1^\perp}\bigr)=\mathrm{bound}=\infty,\quad "
              r"\lambda_{\max}(J(s))\le2\,(1-\max_ip_i)\to0,\qquad J=\mathrm{diag}(p)-pp^\top",
    reference=Reference("pu2026", "Mechanism 1",
                        "Softmax is strictly order-preserving (SOP), meaning logit inequalities strictly map to "
                        "probability inequalities, ensuring the Jacobian has a spectral norm bounded by 1/2 and "
                        "provides well-conditioned curvature everywhere"),
    origin=OUR_FINDING,
    notes="J = diag(p) - ppᵀ is the Hessian of the softmax loss in the logits; J·1 = 0, so the curvature lives on "
          "1⊥ and κ = λ_max/λ_min of J restricted there (for n = 2, 1⊥ is a line and κ = 1: the statement is for "
          "n ≥ 3). Symbolic: the n = 3 characteristic polynomial is -λ(λ² - (1 - Σp²)λ + 3p₁p₂p₃), so κ → ∞ along "
          "p = ((1-ε)/2, (1-ε)/2, ε), ε → 0; for every n ≥ 3, Rayleigh quotients (Courant-Fischer) give "
          "κ ≥ a(1 - 1/n)/(ε(1 - ε)) at p = (a, a, ε, …, ε), a = (1 - (n-2)ε)/2, which tends to ∞; and "
          "λ_max ≤ trace J = 1 - Σp² ≤ 2(1 - max p). A finite `bound` is refuted by an exact n = 3 witness. "
          "The property check maximizes log κ (Hypothesis target + rays) over logits with 3 ≤ n ≤ max_n and "
          "|s| up to max_magnitude, computing κ from the eigenvalues of QᵀJQ (Q an orthonormal basis of 1⊥); "
          f"points whose eigenvalue ratio is below {RESOLVABLE:g} are not scored (float64 cannot resolve them); "
          "it checks λ_max ≤ 2(1 - max p) at every point visited, and with bound = ∞ it must find κ ≥ 10³ × "
          "max_magnitude (10⁶ at quick). The seed's reading is the control bound = 1000. Figure: κ computed the "
          "same way along p = ((1-ε)/2, (1-ε)/2, ε), ε = 10⁻¹ … 10⁻¹², against 1/ε (log-log; a finite claimed "
          "bound dashed).\n\n"
          "Tension with pu2026/jacobian-softmax: no contradiction. ‖J‖₂ ≤ 1/2 bounds the largest eigenvalue "
          "only; the smallest one on 1⊥ still goes to 0 as a class gets confident, so κ is unbounded: a bounded "
          "spectral norm says nothing about conditioning.",
    params={"bound": ExtendedReal(math.inf, 1.0,
                                  doc="claimed supremum of the condition number on 1⊥ (inf: unbounded)")},
    negative_controls=(
        NegativeControl("well-conditioned", {"bound": 1000.0},
                        "'well-conditioned curvature everywhere': κ exceeds any finite bound as a class gets "
                        "confident", source_reading=True),
    ),
    tags=("gradient-dynamics", "curvature"),
)

PREMISES = (Premise("for a symmetric matrix on an invariant subspace, every Rayleigh quotient lies between the "
                    "smallest and largest eigenvalue there", "Courant-Fischer min-max theorem"),)


def n3_condition(eps: sp.Expr) -> sp.Expr:
    """κ at p = ((1-ε)/2, (1-ε)/2, ε) from the roots of λ² - Tλ + D, T = 1 - Σp², D = 3p₁p₂p₃."""
    a = (1 - eps) / 2
    trace, det = 1 - (2 * a**2 + eps**2), 3 * a * a * eps
    root = sp.sqrt(trace**2 - 4 * det)
    return (trace + root) / (trace - root)


@lru_cache(maxsize=1)
def _general_steps() -> tuple[tuple[str, ...], list[Outcome]]:
    """Characteristic polynomial at n = 3, the Rayleigh lower bound for every n, and the trace bound."""
    p1, p2, eps, lam, m = sp.symbols("p_1 p_2 epsilon lambda m", positive=True)
    n = sp.Symbol("k", nonnegative=True, integer=True) + 3
    p = sp.Matrix([p1, p2, 1 - p1 - p2])
    poly = (lam * sp.eye(3) - sp.diag(*p) + p * p.T).det()
    closed = lam * (lam**2 - (1 - sum(x**2 for x in p)) * lam + 3 * p1 * p2 * (1 - p1 - p2))
    a = (1 - (n - 2) * eps) / 2
    lower = a * (n - 1) / (n * eps * (1 - eps))
    pieces = [
        symbolic.identity(sp.expand(poly), sp.expand(closed), scope=WHOLE,
                          steps=(r"$n=3$: $\det(\lambda I-J) = \lambda\,(\lambda^2-(1-\sum p_i^2)\lambda"
                                 r"+3p_1p_2p_3)$",)),
        diverges(n3_condition(eps), eps, steps=(r"$p=(\frac{1-\varepsilon}2,\frac{1-\varepsilon}2,\varepsilon)$: "
                                 r"$\kappa\to\infty$ as $\varepsilon\to0^+$",)),
        diverges(lower, eps, steps=(r"any $n\ge3$, $p=(a,a,\varepsilon,\dots,\varepsilon)$: "
                                 r"$\lambda_{\max}\ge\mathrm{Var}_p(\frac{e_1-e_2}{\sqrt2})=a$, "
                                 r"$\lambda_{\min}\le\mathrm{Var}_p(e_3)/(1-\frac1n)=\frac{\varepsilon(1-\varepsilon)}"
                                 r"{1-1/n}$, so $\kappa\ge\frac{a(1-1/n)}{\varepsilon(1-\varepsilon)}\to\infty$",)),
        symbolic.identity(2 * (1 - m) - (1 - m**2), (1 - m) ** 2, scope=WHOLE,
                          steps=(r"$\lambda_{\max}\le\mathrm{tr}J=1-\sum p_i^2\le1-m^2\le2(1-m)$, $m=\max p_i$: "
                                 r"every eigenvalue $\to0$ as $m\to1$",)),
    ]
    return tuple(step for piece in pieces for step in piece.steps), pieces


def diverges(expr: sp.Expr, eps: sp.Symbol, steps: tuple[str, ...]) -> Outcome:
    """Proved when SymPy finds lim_{ε→0+} expr = +∞ (inconclusive otherwise)."""
    limit = sp.limit(expr, eps, 0, "+")
    trail = (*steps, f"$\\lim_{{\\varepsilon\\to0^+}} = {sp.latex(limit)}$")
    if limit == sp.oo:
        return Outcome(verdict="proved", reason="the limit is +∞", steps=trail, scope=WHOLE)
    return Outcome(verdict="inconclusive", reason=f"SymPy gave the limit {limit}", steps=trail)


def finite_witness(bound: float) -> tuple[float, float]:
    """An ε with κ > bound at n = 3 (exact), and that κ."""
    eps = sp.Rational(1, 10)
    while (value := n3_condition(eps)) <= bound:
        eps /= 10
    return float(eps), float(value)


@check(CONDITIONING, "symbolic")
def conditioning_symbolic(ctx: Context) -> Outcome:
    """κ → ∞ along an explicit family (n = 3 closed form; every n by Rayleigh quotients); λ_max ≤ 2(1 - max p)."""
    steps, pieces = _general_steps()
    failed = next((piece for piece in pieces if piece.verdict != "proved"), None)
    if failed is not None:
        return failed.but(steps=steps)
    if math.isfinite(ctx["bound"]):
        eps, value = finite_witness(ctx["bound"])
        p = [(1 - eps) / 2, (1 - eps) / 2, eps]
        return Outcome(verdict="refuted", scope=WHOLE, steps=steps, resolution=Resolution(0.0, "condition number"),
                       reason=f"κ = {value:.6g} > {ctx['bound']:g} at p = ((1-ε)/2, (1-ε)/2, ε), ε = {eps:g} (exact)",
                       counterexample={"p": p, "logits": [math.log(x) for x in p], "condition_number": value})
    return Outcome(verdict="proved", scope=WHOLE, steps=steps, premises=PREMISES,
                   resolution=symbolic.EXACT_IDENTITY,
                   reason="κ(J|1⊥) → ∞ along p = (a, a, ε, …, ε), ε → 0, for every n ≥ 3; λ_max ≤ 2(1 - max p)")


@lru_cache(maxsize=None)
def helmert_basis(n: int) -> np.ndarray:
    """An orthonormal basis of 1⊥ in ℝⁿ (columns: the Helmert contrasts, closed form, read-only)."""
    basis = np.ascontiguousarray(scipy.linalg.helmert(n).T)
    basis.flags.writeable = False
    return basis


def log_softmax(s: np.ndarray) -> np.ndarray:
    """log softmax along the last axis (stable at any magnitude)."""
    shifted = s - s.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def log_condition(s: np.ndarray) -> np.ndarray:
    """log10 κ(J|1⊥) row by row, NaN where float64 cannot resolve the smallest eigenvalue.

    Plain numpy on a fixed closed-form basis: torch's small-matrix products and QR spin threads on a loaded
    machine (100× slower, and seed-dependent in cost); the search evaluates this a few hundred times.
    """
    s = np.asarray(s, dtype=np.float64)
    p = np.exp(log_softmax(s))
    basis = helmert_basis(s.shape[-1])
    projected = p @ basis
    restricted = (basis.T * p[..., None, :]) @ basis - projected[..., :, None] * projected[..., None, :]
    eig = np.linalg.eigvalsh(restricted)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = eig[..., 0] / eig[..., -1]
    return np.where(ratio > RESOLVABLE, -np.log10(np.maximum(ratio, RESOLVABLE)), np.nan)


def trace_violation(s: np.ndarray) -> str | None:
    """λ_max(J) ≤ 2(1 - max p), described if it fails."""
    logp = log_softmax(np.asarray(s, dtype=np.float64))
    p = np.exp(logp)
    top = float(np.linalg.eigvalsh(np.diag(p) - np.outer(p, p))[-1])
    limit = 2 * float(-np.expm1(logp.max()))
    return f"λ_max = {top:.6g} > 2(1 - max p) = {limit:.6g}" if top > limit + 1e-15 else None


def family_figure(bound: float) -> dict:
    """κ(J|1⊥) (float64, as the search computes it) along p = ((1-ε)/2, (1-ε)/2, ε) against 1/ε."""
    eps = np.asarray(FIGURE_EPS)
    p = np.stack([(1 - eps) / 2, (1 - eps) / 2, eps], -1)
    kappa = 10.0 ** log_condition(np.log(p))
    keep = np.isfinite(kappa)
    figure = {"kind": "line", "log": True, "x": (1 / eps[keep]).tolist(), "y": kappa[keep].tolist(),
              "xlabel": "1/ε", "ylabel": "κ(J|1⊥)"}
    if math.isfinite(bound):
        relation = "exceeds" if float(kappa[keep].max()) > bound else "stays below"
        return {**figure, "claimed": [bound] * int(keep.sum()),
                "title": f"κ on p = ((1-ε)/2, (1-ε)/2, ε) {relation} the claimed {bound:g}"}
    return {**figure, "title": "κ on p = ((1-ε)/2, (1-ε)/2, ε) grows without bound as ε → 0"}


@check(CONDITIONING, "property")
def conditioning_property(ctx: Context) -> Outcome:
    """Targeted search for a large κ(J|1⊥) (a witness above a finite bound); the trace bound at every point."""
    broken: list[tuple[list[float], str]] = []

    def objective(s: np.ndarray) -> float:
        if not broken and (why := trace_violation(s)) is not None:
            broken.append((s.tolist(), why))
        return float(log_condition(s))

    resolution = Resolution(REL_TOL, "condition number (relative)", relative=REL_TOL)
    logits = budget_logits(ctx.budget, min_size=3)
    if math.isfinite(ctx["bound"]):
        found = prop.exists(ctx, logits, lambda s: objective(s) > math.log10(ctx["bound"] * (1 + REL_TOL)),
                            what=f"logits with κ > {ctx['bound']:g}")
        if found.verdict == "supported":
            kappa = 10 ** objective(np.asarray(found.statistics["witness"]))
            return found.but(verdict="refuted", resolution=resolution, figures=(family_figure(ctx["bound"]),),
                             counterexample={"example": found.statistics["witness"], "condition_number": kappa},
                             reason=f"{found.reason}: the supremum is not finite")
        return found.but(resolution=resolution, figures=(family_figure(ctx["bound"]),))
    best, value, stats = prop.maximize(ctx, logits, objective)
    explored = stats.pop("explored")
    kappa, target = 10.0 ** value, 1e3 * ctx.budget.max_magnitude
    common = {"statistics": {**stats, "best_condition_number": kappa}, "explored": explored, "resolution": resolution,
              "figures": (family_figure(ctx["bound"]),)}
    if broken:
        return Outcome(verdict="refuted", reason=broken[0][1], counterexample={"example": broken[0][0]}, **common)
    if kappa < target:
        return Outcome(verdict="inconclusive", **common, reason=f"largest κ found {kappa:.6g} < {target:g}")
    return Outcome(verdict="supported", **common,
                   reason=f"κ(J|1⊥) = {kappa:.3g} ≥ {target:g} found; λ_max ≤ 2(1 - max p) at every point visited")
