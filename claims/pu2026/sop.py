r"""Softmax is strictly order-preserving (SOP); the sparse maps are not.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Key Results").

Hypothesis: :math:`n\ge2`, :math:`s\in\mathbb R^n`, :math:`p=\mathrm{map}(s)`.

Conclusion: :math:`s_i>s_j\Rightarrow p_i>p_j` and :math:`s_i=s_j\Rightarrow p_i=p_j`. True for softmax (every
n); false for sparsemax, 1.5-entmax and every α-entmax with α > 1:
:math:`s=(1+\frac1{\alpha-1},0,-1)\mapsto(1,0,0)`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp
import torch

from claims.pu2026.maps import MAPS, apply, entmax_is_zero, exact_alpha
from verifiers import (
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
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits

#: Score gaps below this are not used for the strict part (float64 cannot resolve them reliably).
RESOLVABLE_GAP = 1e-6
#: Relative difference allowed between the outputs of equal scores (float rounding, amplified by 1/(α-1)).
TIE_RTOL = 1e-12
#: The α of each map of the entmax family.
ENTMAX_ALPHA = {"sparsemax": 2.0, "entmax15": 1.5}

THRESHOLD_FORM = Premise(
    "α-entmax (1 < α <= 2; sparsemax is α = 2) is p_i = [(α-1)s_i - τ]_+^(1/(α-1)) with the unique τ "
    "that makes Σ_i p_i = 1",
    "Peters, Niculae & Martins 2019, Sparse Sequence-to-Sequence Models, ACL, Sec. 3; "
    "Martins & Astudillo 2016 (sparsemax)")

SOP = claim(
    id="pu2026/sop",
    title="Softmax is strictly order-preserving (the sparse maps are not)",
    statement=r"s_i > s_j \Rightarrow p_i > p_j \quad\text{and}\quad s_i = s_j \Rightarrow p_i = p_j,"
              r"\qquad p = \mathrm{map}(s),\ s\in\mathbb{R}^n,\ n \ge 2",
    reference=Reference("pu2026", "Order preservation",
                        "Softmax is strictly order-preserving (SOP)"),
    origin=SOURCE_STATEMENT,
    notes="The seed states SOP for softmax; `map` asks the same of the sparse maps, for which it is false: "
          "s = (1 + 1/(α-1), 0, -1) maps to (1, 0, 0) for every α > 1 (sparsemax: α = 2, 1.5-entmax: α = 3/2), "
          "so s_2 > s_3 but p_2 = p_3 = 0 (the same witness as pu2026/sparse-ties, which therefore agrees: "
          "SOP fails exactly when ties at zero exist). Symbolic check: softmax for every n (p_i/p_j = "
          "exp(s_i - s_j), the other classes enter only through the positive sum R); for the entmax family the "
          "witness is verified exactly at the given α (read as the exact decimal, e.g. 1.05 = 21/20) under the "
          "threshold form (a cited premise), and also with the library. Property check: budget-sized logits "
          "(n up to the profile's max_n, magnitudes up to its max_magnitude), with the map's sparsity gap "
          "1/(α-1) among the drawn gaps, so near α = 1 the search reaches the gaps where ties at zero appear. "
          f"Pairs with a score gap below {RESOLVABLE_GAP:g} are not used for the strict part; equal scores must "
          f"give outputs equal to {TIE_RTOL:g} relative (times 1/(α-1), the amplification of the power in "
          "entmax: vectorized float kernels round identical inputs differently at different positions). "
          "Where float64 "
          "cannot tell two outputs apart (softmax underflows to 0 beyond a gap of ~745), softmax is compared "
          "in log space (log_softmax), and a tie at zero of a sparse map counts only when it is exact "
          "(rational arithmetic or 60 digits, from the threshold form).",
    params={
        "map": Choice("softmax", MAPS, doc="the prediction map under test"),
        "alpha": Real(1.25, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map=entmax only)"),
    },
    negative_controls=(
        NegativeControl("sparsemax", {"map": "sparsemax"},
                        "sparsemax maps s=(2,0,-1) to (1,0,0): s_2 > s_3 but p_2 = p_3"),
        NegativeControl("entmax-1.05", {"map": "entmax", "alpha": 1.05},
                        "α-entmax is sparse for every α > 1: s = (21, 0, -1) maps to (1, 0, 0) at α = 1.05"),
    ),
    tags=("order-preservation",),
)


def map_alpha(name: str, alpha: float) -> float:
    """The α of an entmax-family map (``alpha`` for ``entmax``)."""
    return ENTMAX_ALPHA.get(name, alpha)


def sparsity_gaps(name: str, alpha: float) -> tuple[float, ...]:
    """The score gap 1/(α-1) above which the entmax family zeroes the other classes (none for softmax)."""
    return () if "softmax" in name else (float(1 / (exact_alpha(map_alpha(name, alpha)) - 1)),)


def tie_witness(name: str, alpha: float) -> Outcome:
    """Verify exactly that s = (1 + 1/(α-1), 0, -1) maps to (1, 0, 0) under the threshold form, at the given α.

    ``proved`` (scope WHOLE: one exact witness settles an existence statement) with the witness in the
    statistics, or ``inconclusive``. The library's output at the witness is recorded too.
    """
    a = sp.Rational(str(exact_alpha(map_alpha(name, alpha))))
    s = (1 + 1 / (a - 1), sp.Integer(0), sp.Integer(-1))
    tau = (a - 1) * s[0] - 1
    active = [sp.simplify((a - 1) * si - tau) for si in s]
    p = [sp.simplify(sp.Max(0, u) ** (1 / (a - 1))) for u in active]
    total = sp.simplify(sum(p))
    library = apply(name, np.array([float(x) for x in s]), alpha)
    steps = (f"$\\alpha = {sp.latex(a)}$, $s = ({', '.join(sp.latex(x) for x in s)})$, "
             f"$\\tau = (\\alpha-1)s_1 - 1 = {sp.latex(tau)}$",
             f"$(\\alpha-1)s_i - \\tau = ({', '.join(sp.latex(u) for u in active)})$, "
             f"$p = ({', '.join(sp.latex(x) for x in p)})$, $\\sum_i p_i = {sp.latex(total)}$ (so $\\tau$ is the "
             "threshold)", f"library ({name}): p = {library.tolist()}")
    stats = {"alpha": str(a), "s": [str(x) for x in s], "p": [str(x) for x in p], "library_p": library.tolist()}
    if p != [1, 0, 0] or total != 1 or not (s[1] > s[2]):
        return Outcome(verdict="inconclusive", reason=f"the candidate witness gives p = {p}", steps=steps,
                       statistics=stats)
    return Outcome(verdict="proved", scope=WHOLE, steps=(*steps, r"$s_2 > s_3$ and $p_2 = p_3 = 0$"),
                   statistics=stats, premises=(THRESHOLD_FORM,),
                   reason=f"s = ({', '.join(str(x) for x in s)}) gives p = (1, 0, 0) exactly at α = {a}: "
                          f"s_2 > s_3 but p_2 = p_3 = 0")


def softmax_sop() -> Outcome:
    """Every n: p_i/p_j = exp(s_i - s_j) (the rest of the classes enter through R >= 0), and exp(d) > 1 iff d > 0."""
    si, sj, d = sp.symbols("s_i s_j d", real=True)
    rest = sp.Symbol("R", nonnegative=True)
    z = sp.exp(si) + sp.exp(sj) + rest
    ratio = symbolic.identity((sp.exp(si) / z) / (sp.exp(sj) / z), sp.exp(si - sj), scope=WHOLE,
                              steps=(r"any $n$: $p_i = e^{s_i}/Z$, $Z = e^{s_i}+e^{s_j}+R$, "
                                     r"$R = \sum_{k\ne i,j} e^{s_k}\ge 0$",))
    if ratio.verdict != "proved":
        return ratio
    positive = sp.solveset(sp.exp(d) > 1, d, sp.S.Reals)
    steps = (*ratio.steps, f"$\\{{d : e^d > 1\\}} = {sp.latex(positive)}$",
             r"so $p_i/p_j > 1 \iff s_i > s_j$ and $p_i/p_j = 1 \iff s_i = s_j$")
    if positive != sp.Interval.open(0, sp.oo):
        return Outcome(verdict="inconclusive", reason="SymPy did not solve exp(d) > 1", steps=steps)
    return Outcome(verdict="proved", reason="p_i/p_j = exp(s_i - s_j), and exp(d) > 1 exactly when d > 0",
                   steps=steps, scope=WHOLE)


@check(SOP, "symbolic")
def sop_symbolic(ctx: Context) -> Outcome:
    """Softmax: proved for every n. Entmax family: an exact tie at zero refutes SOP."""
    if ctx["map"] == "softmax":
        return softmax_sop()
    witness = tie_witness(ctx["map"], ctx["alpha"])
    if witness.verdict != "proved":
        return witness
    return witness.but(verdict="refuted", counterexample={"s": witness.statistics["s"], "p": ["1", "0", "0"]},
                       reason=f"not SOP: {witness.reason}")


def log_space_resolves(s: np.ndarray, i: int, j: int) -> bool:
    """Softmax: whether log p_i > log p_j (float64 outputs can underflow to equal zeros)."""
    logp = torch.log_softmax(torch.as_tensor(s, dtype=torch.float64), -1)
    return bool(logp[i] > logp[j])


def order_violation(s: np.ndarray, p: np.ndarray, strict: bool,
                    confirm: Callable[[int, int], bool] = lambda i, j: True, tie_rtol: float = TIE_RTOL) -> str | None:
    """The first pair that breaks (strict or weak) order preservation, described, or ``None``.

    A pair with s_i - s_j >= :data:`RESOLVABLE_GAP` breaks it when p_i <= p_j (strict) or p_i < p_j (weak); an
    apparent strict violation with p_i == p_j counts only when ``confirm(i, j)`` (an exact check) agrees.
    Equal scores must give equal outputs (strict), up to ``tie_rtol`` relative: vectorized float kernels may
    round identical inputs differently at different positions, which is not a property of the map.
    """
    above = (s[:, None] - s[None, :]) >= RESOLVABLE_GAP
    lower = p[:, None] < p[None, :]
    equal = p[:, None] == p[None, :]
    if strict:
        close = np.abs(p[:, None] - p[None, :]) <= tie_rtol * np.maximum(np.abs(p[:, None]), np.abs(p[None, :]))
        tied = (s[:, None] == s[None, :]) & ~close
        if tied.any():
            i, j = map(int, np.argwhere(tied)[0])
            return f"s[{i}] = s[{j}] but p[{i}] = {p[i]:.6g} != p[{j}] = {p[j]:.6g}"
    for i, j in np.argwhere(above & lower):
        return f"s[{i}] > s[{j}] but p[{i}] = {p[i]:.6g} < p[{j}] = {p[j]:.6g}"
    if strict:
        for i, j in np.argwhere(above & equal):
            if confirm(int(i), int(j)):
                return f"s[{i}] > s[{j}] but p[{i}] = p[{j}] = {p[i]:.6g}"
    return None


def confirmation(name: str, s: np.ndarray, p: np.ndarray, alpha: float) -> Callable[[int, int], bool]:
    """Exact confirmation of an apparent tie p_i == p_j: log space for softmax, exact zeros for the entmax family."""
    if "softmax" in name:
        return lambda i, j: not log_space_resolves(s if name == "softmax" else -s, i, j)
    a = map_alpha(name, alpha)
    return lambda i, j: p[i] == 0.0 and entmax_is_zero(s, i, a) and entmax_is_zero(s, j, a)


@check(SOP, "property")
def sop_property(ctx: Context) -> Outcome:
    """Search budget-sized logits (with the map's sparsity gap) for a pair whose order the map breaks."""
    name, alpha = ctx["map"], ctx["alpha"]

    def holds(s: np.ndarray) -> bool | str:
        p = apply(name, s, alpha)
        amplification = 1.0 if "softmax" in name else 1.0 / (map_alpha(name, alpha) - 1.0)
        return order_violation(s, p, strict=True, confirm=confirmation(name, s, p, alpha),
                               tie_rtol=TIE_RTOL * amplification) or True

    out = prop.forall(ctx, budget_logits(ctx.budget, gaps=sparsity_gaps(name, alpha)), holds,
                      what="strict order preservation")
    if out.verdict == "refuted":
        return out.but(scope=instance(f"s = {out.counterexample['example']}"))
    return out
