r"""The sparsemax Jacobian is an orthogonal projection of norm 1 and rank :math:`|S|-1`.

Pu, Lian & Chen, arXiv 2601.22745 (seed: sparse variants create "rank-deficient Jacobians").

Hypothesis: :math:`s\in\mathbb R^n` generic (no score on the threshold), :math:`p=\mathrm{sparsemax}(s)`,
support :math:`S=\{i:p_i>0\}` with :math:`|S|\ge2`, :math:`J=\partial p/\partial s`.

Conclusion: :math:`J=J^\top=J^2`, :math:`\lVert J\rVert_2=1`, :math:`\mathrm{rank}\,J=|S|-1`
(so :math:`<n-1` when :math:`|S|<n`), while :math:`\mathrm{rank}\,J_{\mathrm{softmax}}(s)=n-1`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.maps import apply, jacobian, softmax_jacobian, spectral_norm
from verifiers import (
    SOURCE_STATEMENT,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Real,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop

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
          "Jacobian diag(1_S) - 1_S 1_S^T/|S| (Martins & Astudillo 2016), formalized by us. J exists only "
          f"at generic points: the property check builds s = p + τ on S and s_j = τ - gap_j off S with "
          f"p_j >= ~0.006 and gap_j >= {MARGIN:g}, then recomputes p and S with the library and keeps only "
          f"points at least {MARGIN:g} from the threshold. J is the autograd Jacobian; identities and norm "
          f"are checked to {TOL:g}, ranks by SVD with tolerance 1e-8. The symbolic check is n = 2 only "
          "(support size 2, derived from the projection problem). `claimed_norm=0.5` encodes the false "
          "claim ||J_sparsemax||_2 <= 1/2; `map=entmax15` probes a map whose Jacobian is not a projection.",
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


@check(JACOBIAN_SPARSEMAX, "symbolic")
def sparsemax_symbolic(ctx: Context) -> Outcome:
    """n = 2, support {1, 2}: p_1 = (1 + s_1 - s_2)/2 from the projection, J = [[1/2,-1/2],[-1/2,1/2]]."""
    if ctx["map"] != "sparsemax":
        return Outcome(verdict="skipped", reason="the symbolic derivation covers map=sparsemax only")
    s1, s2, p1 = sp.symbols("s_1 s_2 p_1", real=True)
    p1_star = sp.solve(sp.diff((p1 - s1) ** 2 + (1 - p1 - s2) ** 2, p1), p1)[0]
    p = sp.Matrix([p1_star, 1 - p1_star])
    J = p.jacobian([s1, s2])
    soft = sp.Symbol("q", positive=True)
    Js = sp.Matrix([[soft * (1 - soft), -soft * (1 - soft)], [-soft * (1 - soft), soft * (1 - soft)]])
    steps = (f"$\\min_{{p_1}} (p_1 - s_1)^2 + (1 - p_1 - s_2)^2$: $p_1 = {sp.latex(p1_star)}$, "
             r"interior ($|S| = 2$) iff $|s_1 - s_2| < 1$",
             f"$J = {sp.latex(J)}$, $J - J^\\top = {sp.latex(J - J.T)}$, $J^2 - J = {sp.latex(J * J - J)}$",
             f"eigenvalues ${sp.latex(sorted(J.eigenvals()))}$, rank ${J.rank()} = |S| - 1$",
             f"softmax: $J = {sp.latex(Js)}$, rank ${Js.rank()} = n - 1$ ($q \\in (0,1)$)")
    if not ((J - J.T).is_zero_matrix and (J * J - J).is_zero_matrix and J.rank() == 1 and Js.rank() == 1):
        return Outcome(verdict="inconclusive", reason="the n=2 structure did not come out as derived", steps=steps)
    norm = max(abs(e) for e in J.eigenvals())
    return symbolic.equals(norm, ctx["claimed_norm"], what="spectral norm for n = 2", steps=steps,
                           scope=special_case("n = 2"))


@st.composite
def generic_logits(draw: st.DrawFn) -> np.ndarray:
    """Logits whose sparsemax has support size >= 2 and no score within MARGIN of the threshold."""
    n = draw(st.integers(2, 8))
    m = draw(st.integers(2, n))
    weights = np.asarray(draw(st.lists(st.floats(0.05, 1.0), min_size=m, max_size=m)))
    tau = draw(st.floats(-3.0, 3.0))
    gaps = np.asarray(draw(st.lists(st.floats(2 * MARGIN, 3.0), min_size=n - m, max_size=n - m)))
    s = np.concatenate([weights / weights.sum() + tau, tau - gaps])
    return s[np.asarray(draw(st.permutations(range(n))))]


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

    return prop.forall(ctx, generic_logits(), holds, hypotheses=lambda s: margin(s) >= MARGIN,
                       what="projection structure, norm and rank")
