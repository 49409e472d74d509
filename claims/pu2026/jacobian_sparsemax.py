r"""The sparsemax Jacobian is an orthogonal projection of norm 1 and rank :math:`|S|-1`.

Pu, Lian & Chen, arXiv 2601.22745 (seed: sparse variants create "rank-deficient Jacobians").

Hypothesis: :math:`n\ge2`, :math:`s\in\mathbb R^n` generic (no score on the threshold), :math:`p=\mathrm{sparsemax}(s)`,
support :math:`S=\{i:p_i>0\}` with :math:`|S|\ge2`, :math:`J=\partial p/\partial s`.

Conclusion: :math:`J=J^\top=J^2`, :math:`\lVert J\rVert_2=1`, :math:`\mathrm{rank}\,J=|S|-1`
(so :math:`<n-1` when :math:`|S|<n`), while :math:`\mathrm{rank}\,J_{\mathrm{softmax}}(s)=n-1`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.jacobian_softmax import IDX, N, over_n
from claims.pu2026.maps import apply, jacobian, softmax_jacobian, spectral_norm
from verifiers import (
    NOT_APPLICABLE,
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    check,
    claim,
    instance,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import dims
from verifiers.symbolic import sum_identity

#: Every score stays at least this far from the threshold τ (J is not defined on the boundary).
MARGIN = 1e-3
#: Tolerance of the matrix identities and of the norm (entries of J are O(1)).
TOL = 1e-9

JACOBIAN_SPARSEMAX = claim(
    id="pu2026/jacobian-sparsemax",
    title="Sparsemax Jacobian: orthogonal projection, norm 1, rank |S|-1",
    statement=r"J = J^\top = J^2,\ \ \lVert J\rVert_2 = \mathrm{claimed\_norm} = 1,\ \ \mathrm{rank}\,J = |S|-1"
              r"\ \ (|S|\ge 2),\qquad \mathrm{rank}\,J_{\mathrm{softmax}}(s) = n-1",
    reference=Reference("pu2026", "Gradient dynamics",
                        "creating rank-deficient Jacobians and extended flat subspaces"),
    origin=SOURCE_STATEMENT,
    notes="The seed only says 'rank-deficient'; the projection statement is the standard sparsemax "
          "Jacobian diag(1_S) - 1_S 1_S^T/|S| (Martins & Astudillo 2016), formalized by us. Symbolic check, for "
          "every support size k = |S| and every n (symbolic k and n, SymPy sums): with that closed form as a "
          "cited premise, P = I - 11^T/k maps 1 to 0 and every v with Σv = 0 to itself, so it is the orthogonal "
          "projection onto 1⊥: symmetric, idempotent, eigenvalues 0 (once) and 1 (k-1 times), norm 1 for "
          "k >= 2, rank k - 1; softmax: (Jv)_i = p_i (v_i - Σ_j p_j v_j), so Jv = 0 iff v is constant (p_i > 0): "
          "rank n - 1. The special case n = 2 is also derived from the projection problem itself (no premise). "
          "J exists only at generic points: the property check builds s = p + τ on S and s_j = τ - gap_j off S "
          f"with p_j >= ~0.05/|S| and gap_j >= {2 * MARGIN:g}, n up to the profile's max_n and |τ| up to its "
          f"max_magnitude, then recomputes p and S with the library and keeps only points at least {MARGIN:g} "
          f"from the threshold. J is the autograd Jacobian (which also checks the premise); identities and norm "
          f"are checked to {TOL:g}, ranks by SVD with tolerance 1e-8. `claimed_norm=0.5` encodes the false "
          "claim ||J_sparsemax||_2 <= 1/2; `map=entmax15` probes a map whose Jacobian is not a projection (the "
          "symbolic check does not apply to it).",
    params={
        "map": Choice("sparsemax", ("sparsemax", "entmax15"), doc="the sparse map whose Jacobian is tested"),
        "claimed_norm": Real(1.0, 0.0, doc="claimed spectral norm of J on support size >= 2"),
    },
    negative_controls=(
        NegativeControl("norm-0.5", {"claimed_norm": 0.5},
                        "the false claim ||J_sparsemax||_2 <= 1/2: the norm is 1 on every support of size >= 2"),
    ),
    tags=("gradient-dynamics", "jacobian"),
)

CLOSED_FORM = Premise("At a point with no score on the threshold, the sparsemax Jacobian is diag(1_S) - 1_S 1_S^T/|S| "
                      "(S the support); also compared with autograd by the property check",
                      "Martins & Astudillo 2016, From Softmax to Sparsemax, ICML, Sec. 2.3 (Jacobian of sparsemax)")


@check(JACOBIAN_SPARSEMAX, "symbolic")
def sparsemax_symbolic(ctx: Context) -> Outcome:
    """n = 2 from the projection problem; every k = |S|: P = I - 11^T/k is the projection onto 1⊥; softmax rank."""
    if ctx["map"] != "sparsemax":
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason="the symbolic derivation covers map=sparsemax only (the property check tests the rest)")
    two = two_classes()
    if two.verdict != "proved":
        return two
    general = projection_every_k(two.steps)
    if general.verdict != "proved":
        return general
    ranks = softmax_rank(general.steps)
    if ranks.verdict != "proved":
        return ranks
    out = symbolic.equals(sp.Integer(1), ctx["claimed_norm"], what="spectral norm for |S| >= 2", scope=WHOLE,
                          steps=ranks.steps, premises=(CLOSED_FORM,))
    if out.verdict == "proved":
        return out.but(reason="every support size |S| >= 2: J is the orthogonal projection onto 1⊥ (norm 1 = "
                              "claimed_norm, rank |S| - 1); softmax's Jacobian has rank n - 1")
    return out.but(reason=f"the spectral norm is exactly 1 for every support of size >= 2, not "
                          f"{ctx['claimed_norm']:g}")


def two_classes() -> Outcome:
    """n = 2, support {1, 2}: p_1 = (1 + s_1 - s_2)/2 from the projection, J = [[1/2,-1/2],[-1/2,1/2]]."""
    s1, s2, p1 = sp.symbols("s_1 s_2 p_1", real=True)
    p1_star = sp.solve(sp.diff((p1 - s1) ** 2 + (1 - p1 - s2) ** 2, p1), p1)[0]
    J = sp.Matrix([p1_star, 1 - p1_star]).jacobian([s1, s2])
    steps = (f"special case $n = 2$: $\\min_{{p_1}} (p_1 - s_1)^2 + (1 - p_1 - s_2)^2$ gives $p_1 = "
             f"{sp.latex(p1_star)}$, interior ($|S| = 2$) iff $|s_1 - s_2| < 1$; $J = {sp.latex(J)}$, "
             f"$J = J^\\top = J^2$, eigenvalues ${sp.latex(sorted(J.eigenvals()))}$, rank {J.rank()}",)
    if not ((J - J.T).is_zero_matrix and (J * J - J).is_zero_matrix and J.rank() == 1):
        return Outcome(verdict="inconclusive", reason="the n=2 structure did not come out as derived", steps=steps)
    return Outcome(verdict="proved", reason="n = 2", steps=steps, scope=special_case("n = 2"))


def projection_every_k(steps: tuple[str, ...]) -> Outcome:
    """P = I - 11^T/k (symbolic k): P1 = 0 and Pv = v for Σv = 0, so P projects orthogonally onto 1⊥."""
    v = sp.IndexedBase("v", real=True)
    trail = (*steps, r"premise: on the support, $J = P = I - \mathbf 1\mathbf 1^\top/k$, $k = |S|$ (symbolic; "
                     r"$k$ plays the role of $n$ below)")
    kills_ones = symbolic.identity(1 - N / N, sp.Integer(0), scope=WHOLE,
                                   steps=(*trail, r"$(P\mathbf 1)_i = 1 - k/k$:"))
    if kills_ones.verdict != "proved":
        return kills_ones
    keeps = sum_identity(v[IDX] - over_n(v[IDX]) / N, v[IDX], hypotheses={over_n(v[IDX]): 0}, scope=WHOLE,
                         step=r"$(Pv)_i = v_i$ for $\sum_i v_i = 0$", steps=kills_ones.steps)
    if keeps.verdict != "proved":
        return keeps
    return Outcome(verdict="proved", reason="projection", scope=WHOLE, steps=(
        *keeps.steps, r"so $P$ is the orthogonal projection onto $\mathbf 1^\perp$: $P = P^\top = P^2$, eigenvalues "
                      r"0 (on $\mathbf 1$) and 1 ($k - 1$ times), $\lVert P\rVert_2 = 1$ for $k \ge 2$, "
                      r"$\mathrm{rank}\,P = k - 1 = |S| - 1$", ))


def softmax_rank(steps: tuple[str, ...]) -> Outcome:
    """(Jv)_i = p_i (v_i - Σ_j p_j v_j) for J = diag(p) - pp^T (symbolic n): the kernel is span(1)."""
    p, v, mean = sp.IndexedBase("p", positive=True), sp.IndexedBase("v", real=True), sp.Symbol("mu", real=True)
    product = sum_identity(p[IDX] * v[IDX] - p[IDX] * over_n(p[IDX] * v[IDX]), p[IDX] * (v[IDX] - mean),
                           hypotheses={over_n(p[IDX] * v[IDX]): mean}, scope=WHOLE, steps=steps,
                           step=r"softmax, symbolic $n$: $(Jv)_i$ with $\mu = \sum_j p_j v_j$")
    if product.verdict != "proved":
        return product
    return Outcome(verdict="proved", reason="softmax rank", scope=WHOLE, steps=(
        *product.steps, r"$p_i > 0$, so $Jv = 0 \iff v_i = \mu$ for every $i$: $\ker J = \mathrm{span}(\mathbf 1)$ "
                        r"($J\mathbf 1 = p - p\sum_j p_j = 0$), $\mathrm{rank}\,J_{\mathrm{softmax}} = n - 1$"))


def generic_logits(max_n: int, max_magnitude: float) -> st.SearchStrategy[np.ndarray]:
    """Logits whose sparsemax has support size >= 2 and no score within MARGIN of the threshold."""
    @st.composite
    def draw_logits(draw: st.DrawFn) -> np.ndarray:
        n = draw(dims(2, max_n))
        m = draw(st.integers(2, n))
        weights = np.asarray(draw(st.lists(st.floats(0.05, 1.0), min_size=m, max_size=m)))
        tau = draw(st.one_of(st.floats(-3.0, 3.0), st.floats(-max_magnitude, max_magnitude)))
        gaps = np.asarray(draw(st.lists(st.floats(2 * MARGIN, 3.0), min_size=n - m, max_size=n - m)))
        s = np.concatenate([weights / weights.sum() + tau, tau - gaps])
        return s[np.asarray(draw(st.permutations(range(n))))]

    return draw_logits()


def margin(s: np.ndarray) -> float:
    """Smallest distance of a score to the sparsemax threshold τ, recomputed from the library's output."""
    p = apply("sparsemax", s)
    support = p > 0
    if support.sum() < 2:
        return 0.0
    tau = float(np.mean(s[support] - p[support]))
    return float(np.min(np.abs(s - tau)))


def rank(J: torch.Tensor) -> int:
    """Numerical rank (singular values above 1e-8)."""
    return int(torch.linalg.matrix_rank(J, atol=1e-8, rtol=0.0))


def violation(s: np.ndarray, name: str, claimed_norm: float) -> str | None:
    """The first part of the statement that fails at ``s``, or ``None``."""
    x = torch.as_tensor(s, dtype=torch.float64)
    support = int((torch.as_tensor(apply(name, s)) > 0).sum())
    J = jacobian(name, x)
    norm, r, r_soft = float(spectral_norm(J)), rank(J), rank(softmax_jacobian(x))
    checks = {
        "J != J^T": float((J - J.T).abs().max()) <= TOL,
        "J^2 != J": float((J @ J - J).abs().max()) <= TOL,
        f"||J||_2 = {norm:.9g} != {claimed_norm:g}": abs(norm - claimed_norm) <= TOL,
        f"rank J = {r} != |S| - 1 = {support - 1}": r == support - 1,
        f"rank J_softmax = {r_soft} != n - 1 = {len(s) - 1}": r_soft == len(s) - 1,
    }
    return next((what for what, ok in checks.items() if not ok), None)


@check(JACOBIAN_SPARSEMAX, "property")
def sparsemax_property(ctx: Context) -> Outcome:
    """At generic points with |S| >= 2: symmetry, idempotence, norm and ranks of the autograd Jacobian."""
    def holds(s: np.ndarray) -> bool | str:
        return violation(s, ctx["map"], ctx["claimed_norm"]) or True

    out = prop.forall(ctx, generic_logits(ctx.budget.max_n, ctx.budget.max_magnitude), holds,
                      hypotheses=lambda s: margin(s) >= MARGIN, what="projection structure, norm and rank")
    if out.verdict == "refuted":
        return out.but(scope=instance(f"s = {out.counterexample['example']}"))
    return out
