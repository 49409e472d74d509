r"""Hierarchical softmax on a balanced binary tree: leaf probabilities sum to 1, and the population minimizer
reproduces :math:`\eta`.

Morin & Bengio, "Hierarchical probabilistic neural network language model", AISTATS 2005; Mnih & Hinton,
"A scalable hierarchical distributed language model", NeurIPS 2009. The seed lists HSM among the approximate
methods it unifies; it states no theorem about it.

Hypothesis: a balanced binary tree of depth :math:`D\ge1` with :math:`n=2^D` leaves (the classes); every internal
node :math:`v` has a free score for each child, :math:`a_{v,L},a_{v,R}\in\mathbb R`, and branches left with
probability :math:`P_{v,L}=e^{a_{v,L}}/(e^{a_{v,L}}+e^{a_{v,R}})`; a leaf's probability is the product of the
branch probabilities on its path. :math:`\eta` has full support.

Conclusion: :math:`\sum_\ell P_a(\ell)=1` for all scores, and
:math:`\arg\min_a-\sum_\ell\eta_\ell\log P_a(\ell)` gives :math:`P_a(\ell)=\eta_\ell` for every leaf.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st
from scipy.optimize import minimize

from verifiers import (
    WHOLE,
    Context,
    Flag,
    Integer,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    check,
    claim,
    literature,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits, simplex

#: Sup-norm tolerance between the minimizer's leaf probabilities and eta.
TOL = 1e-6
#: Gradient sup-norm at which the numerical minimization stops.
GTOL = 1e-10
#: Tolerance of |log sum_l P(l)| for arbitrary scores (log-space evaluation).
SUM_TOL = 1e-12
#: Largest depth expanded leaf by leaf in the symbolic check (beside the induction, which covers every depth).
EXPLICIT_DEPTH = 2
#: One Hypothesis example per this many of the profile's examples (each runs one minimization).
EXAMPLES_DIVISOR = 8

HSM_CONSISTENCY = claim(
    id="pu2026/hsm-consistency",
    title="Hierarchical softmax (balanced tree, free node scores): a distribution, with population minimizer η",
    statement=r"\sum_{\ell=1}^{2^D}P_a(\ell)=1\ \ \forall a,\qquad P_{\hat a}=\eta\ \ \text{for}\ "
              r"\hat a\in\arg\min_a-\sum_\ell\eta_\ell\log P_a(\ell),\qquad "
              r"P_a(\ell)=\prod_{v\in\mathrm{path}(\ell)}\frac{e^{a_{v,c(\ell)}}}{e^{a_{v,L}}+e^{a_{v,R}}}",
    reference=Reference("pu2026", "Method Summary",
                        "they unify exact losses (Softmax, Sparsemax, Entmax) and approximate methods (SSM, NCE, HSM)"),
    origin=literature("Morin & Bengio 2005, AISTATS; Mnih & Hinton 2009, NeurIPS"),
    notes="The seed names HSM without a statement; this is the standard consistency of hierarchical softmax with "
          "free node scores (no shared parameters across nodes, eta of full support so the minimizer exists). "
          "Symbolic, for every depth D by induction, as checked identities: (i) a depth-(D+1) tree's leaves are "
          "those of its two subtrees with the root's branch probability in front, and a constant factors out of a "
          "sum (SymPy Sum with a symbolic length); with the induction hypothesis (each subtree sums to 1) the "
          "step is P_L + P_R = 1, the base a single leaf (empty product) = 1; (ii) the population risk regroups "
          "by nodes into -N_vL log P_vL - N_vR log P_vR (N = eta mass under a child), each a strictly "
          "convex function of t_v = a_vL - a_vR with stationary point P_vL = N_vL/(N_vL + N_vR); "
          "(iii) along a path the product of N_child/N_parent telescopes to N_leaf/N_root = eta_leaf (induction "
          f"on the path length). Also expanded leaf by leaf at depth min(D, {EXPLICIT_DEPTH}): the leaves sum to 1 "
          "and, at the claimed minimizer, equal eta. Premise: the regrouping of (ii) for general D. Property: "
          "the profile's examples of arbitrary sibling scores (magnitudes up to the profile's max_magnitude): "
          f"log sum_l P(l) computed in log space within {SUM_TOL:g} of 0; examples/{EXAMPLES_DIVISOR}, halved per "
          "level beyond depth 4 (at least 5), draws of eta (dense or peaked, full support): the population risk "
          "minimized numerically (trust-region Newton-CG, "
          f"gradient {GTOL:g}; one score per node against 0, the gauge) reproduces eta within "
          f"{TOL:g} in sup norm. `tied_siblings=true` ties the two scores of every node (each node then branches "
          "1/2: only the uniform eta is representable) - the negative control.",
    params={"depth": Integer(3, 1, 8, doc="depth D of the balanced tree (n = 2^D classes)"),
            "tied_siblings": Flag(False, doc="tie the two child scores of every node")},
    negative_controls=(
        NegativeControl("tied-siblings", {"tied_siblings": True},
                        "with tied sibling scores every branch is 1/2 and the minimizer is uniform, not eta"),
    ),
    tags=("hierarchical-softmax", "consistency", "approximate"),
)


REGROUPING = Premise(
    "Exchanging the finite sums over leaves and over the nodes on their paths writes -sum_l eta_l log P(l) as a "
    "sum over nodes of binary cross-entropies in separate variables t_v; a sum of functions of separate "
    "variables is minimized by minimizing each (checked leaf by leaf at depth <= 2 only)",
    "elementary (finite sums); Morin & Bengio 2005, AISTATS")


def branch(a: sp.Expr, b: sp.Expr, tied: bool) -> tuple[sp.Expr, sp.Expr]:
    """Left and right branch probabilities of a node with child scores ``a``, ``b`` (``b := a`` when tied)."""
    b = a if tied else b
    return sp.exp(a) / (sp.exp(a) + sp.exp(b)), sp.exp(b) / (sp.exp(a) + sp.exp(b))


def explicit_leaves(depth: int, tied: bool) -> tuple[list[sp.Expr], list[sp.Symbol]]:
    """Leaf probabilities of a depth-``depth`` tree with symbolic sibling scores (left to right) and the scores."""
    scores: list[sp.Symbol] = []
    leaves = [sp.Integer(1)]
    for level in range(depth):
        grown = []
        for i, p in enumerate(leaves):
            a, b = sp.symbols(f"a_{level}_{i}_L a_{level}_{i}_R", real=True)
            scores += [a, b]
            left, right = branch(a, b, tied)
            grown += [p * left, p * right]
        leaves = grown
    return leaves, scores


def explicit_minimizer(depth: int, tied: bool) -> list[tuple[sp.Expr, sp.Symbol]]:
    """(leaf probability at the claimed minimizer, eta of that leaf) for a depth-``depth`` tree with symbolic eta.

    Each node branches left with N_L/(N_L+N_R) (the masses of eta under its children), or 1/2 when tied.
    """
    eta = sp.symbols(f"eta_0:{2**depth}", positive=True)
    probs = []
    for leaf in range(2**depth):
        p = sp.Integer(1)
        lo, hi = 0, 2**depth
        while hi - lo > 1:
            mid = (lo + hi) // 2
            left, right = sp.Add(*eta[lo:mid]), sp.Add(*eta[mid:hi])
            share = sp.Rational(1, 2) if tied else (left if leaf < mid else right) / (left + right)
            p *= share
            lo, hi = (lo, mid) if leaf < mid else (mid, hi)
        probs.append((p, eta[leaf]))
    total = sp.Add(*eta)
    return [(p, e / total) for p, e in probs]


def _chain(parts: list[tuple[sp.Expr, sp.Expr, str]], seed: int) -> Outcome:
    """Check each identity in turn; the first that is not proved decides, else all steps are proved together."""
    steps: list[str] = []
    for lhs, rhs, step in parts:
        outcome = symbolic.identity(lhs, rhs, scope=WHOLE, seed=seed, steps=(*steps, step))
        if outcome.verdict != "proved":
            return outcome.but(reason=f"{step}: {outcome.reason}")
        steps = list(outcome.steps)
    return outcome.but(reason="every identity of the induction holds (sum to 1 and minimizer = eta, all depths)")


@check(HSM_CONSISTENCY, "symbolic")
def hsm_symbolic(ctx: Context) -> Outcome:
    """Induction on the depth, as checked identities, plus an explicit expansion at small depth."""
    tied, depth = ctx["tied_siblings"], ctx["depth"]
    a, b, t = sp.symbols("a b t", real=True)
    i, m = sp.symbols("i m", integer=True, positive=True)
    u = sp.IndexedBase("u")
    n_l, n_r, n0, n1, n2 = sp.symbols("N_L N_R N_0 N_1 N_2", positive=True)
    p_left, p_right = branch(a, b, tied)
    sigma = 1 / (1 + sp.exp(-t))
    node_risk = -n_l * sp.log(sigma) - n_r * sp.log(1 - sigma)
    stationary = sp.solve(sp.Eq(sp.diff(node_risk, t), 0), t)
    # the minimizer of node v in terms of its child scores: t = a - b (0 when tied)
    derived_split = (p_left.subs(b, a) if tied else sp.simplify(p_left.subs(a, b + stationary[0])))
    leaves, _ = explicit_leaves(min(depth, EXPLICIT_DEPTH), tied)
    parts = [
        (sp.Sum(p_left * u[i], (i, 1, m)), p_left * sp.Sum(u[i], (i, 1, m)),
         r"grouping: $\sum_{\ell\in\mathrm{left}}P_L\,u_\ell=P_L\sum_\ell u_\ell$ (symbolic subtree size $m$)"),
        (p_left + p_right, sp.Integer(1),
         r"step: subtrees sum to 1 by hypothesis, so the tree sums to $P_L+P_R$; base: one leaf, empty product $=1$"),
        (sp.diff(node_risk, t, 2), (n_l + n_r) * sigma * (1 - sigma),
         r"node risk $-N_L\log\sigma(t)-N_R\log\sigma(-t)$, $t=a_L-a_R$: $f''=(N_L+N_R)\sigma(t)\sigma(-t)>0$"),
        (derived_split, n_l / (n_l + n_r),
         r"its minimizer $t^*=" + sp.latex(stationary[0]) + r"$ gives $P_L=N_L/(N_L+N_R)$"
         + (r" (tied: $P_L=1/2$ for every score)" if tied else "")),
        ((n1 / n0) * (n2 / n1), n2 / n0,
         r"telescoping, induction on the path: $T=N_1/N_0$ implies $T\cdot N_2/N_1=N_2/N_0$; a leaf gets "
         r"$N_{\mathrm{leaf}}/N_{\mathrm{root}}=\eta_\ell$"),
        (sp.Add(*leaves), sp.Integer(1), f"explicit expansion at depth {min(depth, EXPLICIT_DEPTH)}: sum of leaves"),
    ]
    explicit = min(depth, EXPLICIT_DEPTH)
    parts += [(p, e, f"explicit depth {explicit}: leaf {i} at the minimizer has probability "
                     r"$\eta_\ell/\sum\eta$") for i, (p, e) in enumerate(explicit_minimizer(explicit, tied))]
    if len(stationary) != 1:
        return Outcome(verdict="inconclusive", reason="SymPy did not find a unique stationary point of a node risk")
    return _chain(parts, ctx.seed).but(premises=(REGROUPING,))


def leaf_log_probs(pairs: torch.Tensor, depth: int) -> torch.Tensor:
    """Log leaf probabilities (left to right) from the ``(2^depth - 1, 2)`` child scores of the nodes (breadth-first
    order), level by level in log space."""
    log_p = pairs.new_zeros(1)
    start = 0
    for level in range(depth):
        log_p = (log_p[:, None] + torch.log_softmax(pairs[start: start + 2**level], dim=-1)).reshape(-1)
        start += 2**level
    return log_p


def sibling_pairs(scores: torch.Tensor, tied: bool) -> torch.Tensor:
    """Child scores per node: two free scores each, or one score shared by both children (``tied``)."""
    return scores.view(-1, 1).expand(-1, 2) if tied else scores.view(-1, 2)


def fitted_leaves(eta: np.ndarray, depth: int, tied: bool) -> tuple[np.ndarray, float]:
    """Leaf probabilities at a numerical minimizer of the population risk, and the final gradient sup-norm.

    Free scores: one score per node against a fixed 0 for its right child (the risk only depends on the
    difference, so this fixes the gauge and makes it strictly convex), minimized by SciPy's ``trust-ncg`` with
    autograd Hessian-vector products (BFGS needs hundreds of iterations on this ill-conditioned, separable
    problem at depth >= 6), restarted once if needed. Tied scores: the risk does not depend on them, so every
    point (here 0) is a minimizer.
    """
    nodes = 2**depth - 1
    if tied:
        with torch.no_grad():
            return leaf_log_probs(torch.zeros(nodes, 2, dtype=torch.float64), depth).exp().numpy(), 0.0
    target = torch.as_tensor(eta, dtype=torch.float64)

    def risk(x: torch.Tensor) -> torch.Tensor:
        return -(target * leaf_log_probs(torch.stack([x, torch.zeros_like(x)], -1), depth)).sum()

    def value_and_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        s = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        value = risk(s)
        (grad,) = torch.autograd.grad(value, s)
        return float(value.detach()), grad.numpy()

    def hessp(x: np.ndarray, v: np.ndarray) -> np.ndarray:
        s = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(risk(s), s, create_graph=True)
        (hv,) = torch.autograd.grad(grad @ torch.as_tensor(v), s)
        return hv.numpy()

    x = np.zeros(nodes)
    for _ in range(2):
        x = minimize(value_and_grad, x, jac=True, hessp=hessp, method="trust-ncg", options={"gtol": GTOL}).x
        grad = float(np.abs(value_and_grad(x)[1]).max())
        if grad <= GTOL:
            break
    with torch.no_grad():
        leaves = leaf_log_probs(torch.stack([torch.as_tensor(x), torch.zeros(nodes, dtype=torch.float64)], -1),
                                depth).exp().numpy()
    return leaves, grad


def examples(budget_examples: int, depth: int) -> int:
    """Examples of the property search: the profile's divided by EXAMPLES_DIVISOR, halved per level beyond depth 4
    (each minimization costs about twice as much per level), at least 5."""
    return max(5, (budget_examples // EXAMPLES_DIVISOR) >> max(0, depth - 4))


@check(HSM_CONSISTENCY, "property")
def hsm_property(ctx: Context) -> Outcome:
    """Two searches: arbitrary scores sum to 1 (log space, the profile's examples); the numerical population
    minimizer reproduces eta (fewer examples: each runs a minimization)."""
    depth, tied = ctx["depth"], ctx["tied_siblings"]
    n, size = 2**depth, (2**depth - 1) * (1 if tied else 2)

    def sums_to_one(scores: np.ndarray) -> bool | str:
        log_total = float(torch.logsumexp(leaf_log_probs(sibling_pairs(torch.as_tensor(scores), tied), depth), 0))
        return True if abs(log_total) <= SUM_TOL else f"log of the sum of leaf probabilities is {log_total:.3g}, not 0"

    def reproduces(eta: np.ndarray) -> bool | str:
        leaves, grad = fitted_leaves(eta, depth, tied)
        gap = float(np.abs(leaves - eta).max())
        if gap > TOL:
            return (f"minimizer's leaf probabilities {np.round(leaves, 6).tolist()} differ from eta "
                    f"{np.round(eta, 6).tolist()} by {gap:.3g} (gradient sup-norm {grad:.1e})")
        return True

    total = prop.forall(ctx, budget_logits(ctx.budget, min_size=size, max_size=size), sums_to_one,
                        what="HSM leaf probabilities sum to 1")
    if total.verdict != "supported":
        return total
    scaled = replace(ctx, budget=replace(ctx.budget, examples=examples(ctx.budget.examples, depth)))
    fitted = prop.forall(scaled, st.one_of(simplex(size=n, kind="dense"), simplex(size=n, kind="peaked")),
                         reproduces, what="the HSM population minimizer reproduces eta")
    if fitted.verdict != "supported":
        return fitted
    return fitted.but(reason=f"{total.reason}; {fitted.reason}",
                      statistics={"sum_search": dict(total.statistics), "minimizer_search": dict(fitted.statistics)},
                      explored={"sum_search": dict(total.explored), "minimizer_search": dict(fitted.explored)})
