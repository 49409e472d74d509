r"""Sparse maps are not strictly order-preserving: they tie distinct scores at zero.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, sparse variants "induce 'ties' where
gradients vanish for classes below a threshold").

Hypothesis: :math:`p=\mathrm{map}(s)`, :math:`s\in\mathbb R^n`, :math:`n\ge 3`.

Conclusion: there exist :math:`s` and :math:`i,j` with :math:`s_i>s_j` and :math:`p_i=p_j=0`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from claims.pu2026.maps import MAPS, apply
from claims.pu2026.sop import RESOLVABLE_GAP
from verifiers import SOURCE_STATEMENT, WHOLE, Choice, Context, NegativeControl, Outcome, Real, Reference, check, claim
from verifiers import property as prop
from verifiers.strategies import logits

SPARSE_TIES = claim(
    id="pu2026/sparse-ties",
    title="Sparse maps tie distinct scores at zero (not SOP)",
    statement=r"\exists s\in\mathbb{R}^n,\ i\ne j:\quad s_i > s_j\ \wedge\ p_i = p_j = 0,"
              r"\qquad p = \mathrm{map}(s)",
    reference=Reference("pu2026", "Order preservation",
                        "they induce \"ties\" where gradients vanish for classes below a threshold"),
    origin=SOURCE_STATEMENT,
    notes="An existence claim; the paper's body is unavailable, so the witness is ours. The symbolic check "
          "verifies the witness s = (1 + 1/(α-1), 0, -1) -> p = (1, 0, 0) exactly for the entmax family "
          "(sparsemax: s = (2, 0, -1)), using the threshold form p_i = [(α-1)s_i - τ]_+^{1/(α-1)} "
          "(Peters, Niculae & Martins 2019) as a premise, and for softmax proves p_i > 0 for all s, so no "
          "witness can exist and the claim is refuted. The property check searches logits in [-10, 10]^n for "
          f"a witness (score gap at least {RESOLVABLE_GAP:g}, exact zeros); not finding one is inconclusive.",
    params={
        "map": Choice("sparsemax", MAPS, doc="the prediction map under test"),
        "alpha": Real(1.25, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map=entmax only)"),
    },
    negative_controls=(
        NegativeControl("softmax", {"map": "softmax"}, "softmax outputs are strictly positive: no ties at 0"),
    ),
    tags=("order-preservation",),
)


def entmax_witness(a: sp.Expr) -> Outcome:
    """Check exactly that s = (1 + 1/(α-1), 0, -1) maps to (1, 0, 0) under the threshold form."""
    s = (1 + 1 / (a - 1), sp.Integer(0), sp.Integer(-1))
    tau = (a - 1) * s[0] - 1
    active = [sp.simplify((a - 1) * si - tau) for si in s]
    p = [sp.Max(0, u) ** (1 / (a - 1)) for u in active]
    steps = (r"premise: $\alpha$-entmax is $p_i = [(\alpha-1)s_i - \tau]_+^{1/(\alpha-1)}$ with the unique "
             r"$\tau$ giving $\sum_i p_i = 1$",
             f"$\\alpha = {sp.latex(a)}$, $s = ({', '.join(sp.latex(x) for x in s)})$, $\\tau = {sp.latex(tau)}$",
             f"$(\\alpha-1)s_i - \\tau = ({', '.join(sp.latex(u) for u in active)})$, "
             f"$p = ({', '.join(sp.latex(sp.simplify(x)) for x in p)})$")
    exact = [sp.simplify(x) for x in p]
    if exact != [1, 0, 0] or not sp.simplify(s[1] - s[2]).is_positive:
        return Outcome(verdict="inconclusive", reason=f"the candidate witness gives p = {exact}", steps=steps)
    return Outcome(verdict="proved", scope=WHOLE, steps=(*steps, r"$s_2 > s_3$ and $p_2 = p_3 = 0$"),
                   reason=f"s = ({', '.join(str(x) for x in s)}) gives p = (1, 0, 0): s_2 > s_3 and p_2 = p_3 = 0")


def softmax_positive() -> Outcome:
    """Softmax coordinates are exp(s_i) / (exp(s_i) + R) with R > 0, hence strictly positive."""
    si, rest = sp.Symbol("s_i", real=True), sp.Symbol("R", positive=True)
    p = sp.exp(si) / (sp.exp(si) + rest)
    steps = (f"$p_i = {sp.latex(p)}$, $R = \\sum_{{j\\ne i}} e^{{s_j}} > 0$",
             f"SymPy: $p_i > 0$ is {p.is_positive}")
    if p.is_positive is not True:
        return Outcome(verdict="inconclusive", reason="SymPy could not show p_i > 0", steps=steps)
    return Outcome(verdict="refuted", steps=(*steps, "so no $s$ has $p_i = 0$: no witness exists"),
                   reason="softmax outputs are strictly positive for every s, so no tie at 0 exists",
                   counterexample={"map": "softmax", "fact": "p_i > 0 for all s"})


@check(SPARSE_TIES, "symbolic")
def ties_symbolic(ctx: Context) -> Outcome:
    """An exact witness for the entmax family; strict positivity (no witness) for softmax."""
    if ctx["map"] == "softmax":
        return softmax_positive()
    a = {"sparsemax": sp.Integer(2), "entmax15": sp.Rational(3, 2)}.get(ctx["map"], sp.nsimplify(ctx["alpha"]))
    return entmax_witness(a)


@check(SPARSE_TIES, "property")
def ties_property(ctx: Context) -> Outcome:
    """Search logits for a pair s_i > s_j with p_i = p_j = 0 (exact float zeros)."""
    def is_witness(s: np.ndarray) -> bool:
        p = apply(ctx["map"], s, ctx["alpha"])
        zero = np.flatnonzero(p == 0.0)
        return len(zero) >= 2 and float(s[zero].max() - s[zero].min()) >= RESOLVABLE_GAP

    return prop.exists(ctx, logits(min_size=3), is_witness, what="a pair s_i > s_j with p_i = p_j = 0")
