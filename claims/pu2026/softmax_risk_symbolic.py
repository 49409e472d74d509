r"""The softmax conditional risk for symbolic :math:`n`: its minimizers are :math:`\log\eta+c\mathbf 1`.

:math:`R_\eta(s)=\log\sum_{a=1}^ne^{s_a}-\sum_a\eta_as_a` with :math:`\eta_a>0`, :math:`\sum_a\eta_a=1`.
SymPy differentiates the indexed sums (``IndexedBase``/``Sum`` with a symbolic ``n``) and checks, as identities:
the gradient :math:`p_j-\eta_j` with :math:`p=\mathrm{softmax}(s)`; that it vanishes at :math:`\log\eta`; the
Hessian :math:`p_j\delta_{jk}-p_jp_k`; :math:`\sum_ap_a=1`; and
:math:`v^\top\nabla^2R_\eta v=\sum_ap_a(v_a-m)^2=\mathrm{Var}_p(v)` with :math:`m=\sum_bp_bv_b`. Sums are
compared after :func:`linear` splits them into terms and pulls out the factors free of the summation index.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp
from sympy.concrete.summations import Sum

from verifiers import Outcome, Premise, Scope, symbolic

N = sp.Symbol("n", integer=True, positive=True)
A, B, J, K = sp.symbols("a b j k", integer=True, positive=True)
S, ETA, V, P = (sp.IndexedBase("s", real=True), sp.IndexedBase("eta", positive=True),
                sp.IndexedBase("v", real=True), sp.IndexedBase("p", positive=True))
#: Index conditions that hold inside the sums (SymPy returns Piecewise results guarded by them).
INSIDE = {sp.Le(A, N): True, sp.Le(B, N): True, sp.Le(J, N): True, sp.Le(K, N): True}

PREMISES = (
    Premise("a twice-differentiable function whose Hessian is positive semi-definite everywhere is convex",
            "Boyd & Vandenberghe, Convex Optimization, 2004, Sec. 3.1.4"),
    Premise("a stationary point of a differentiable convex function is a global minimizer",
            "Boyd & Vandenberghe, Convex Optimization, 2004, Sec. 4.2.3"),
)


def linear(expr: sp.Expr) -> sp.Expr:
    """Expand every ``Sum`` into a sum of (index-free factor) x ``Sum(rest)``, all over the index ``a``."""
    def split(term_sum: Sum) -> sp.Expr:
        (index, low, high), = term_sum.limits
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(term_sum.function)):
            factor, rest = term.as_independent(index, as_Add=False)
            out += factor * sp.Sum(rest.subs(index, A), (A, low, high))
        return out

    return sp.expand(expr.replace(lambda e: isinstance(e, Sum), split))


def _softmax(index: sp.Symbol) -> sp.Expr:
    return sp.exp(S[index]) / sp.Sum(sp.exp(S[A]), (A, 1, N))


@lru_cache(maxsize=1)
def _derivation(seed: int) -> tuple[Outcome, ...]:
    risk = sp.log(sp.Sum(sp.exp(S[A]), (A, 1, N))) - sp.Sum(ETA[A] * S[A], (A, 1, N))
    grad = sp.diff(risk, S[J]).doit().subs(INSIDE)
    hess = sp.diff(grad, S[K]).doit().subs(INSIDE)
    at_log_eta = grad.subs(S[J], sp.log(ETA[J])).replace(
        lambda e: isinstance(e, Sum), lambda e: sp.Sum(e.function.subs(S[A], sp.log(ETA[A])), *e.limits))
    inner = sp.Sum(V[A] * V[B] * (P[A] * sp.KroneckerDelta(A, B) - P[A] * P[B]), (B, 1, N)).doit().subs(INSIDE)
    quadratic = linear(sp.Sum(linear(inner), (A, 1, N)))
    mean = sp.Symbol("m", real=True)
    variance = linear(sp.Sum(P[A] * (V[A] - mean) ** 2, (A, 1, N)))
    variance = variance.subs(mean, sp.Sum(P[A] * V[A], (A, 1, N))).subs(sp.Sum(P[A], (A, 1, N)), 1)
    scope = Scope("special-case", "softmax")
    return (
        symbolic.identity(grad, _softmax(J) - ETA[J], scope=scope, seed=seed, steps=(
            r"$R_\eta(s)=\log\sum_{a=1}^ne^{s_a}-\sum_a\eta_as_a$, $n$ symbolic",
            r"$\partial_jR_\eta=p_j-\eta_j$, $p=\mathrm{softmax}(s)$")),
        symbolic.identity(at_log_eta.subs(sp.Sum(ETA[A], (A, 1, N)), 1), sp.Integer(0), scope=scope, seed=seed,
                          steps=(r"at $s=\log\eta$: $p_j-\eta_j=\eta_j/\sum_a\eta_a-\eta_j=0$ ($\sum_a\eta_a=1$)",)),
        symbolic.identity(hess, _softmax(J) * sp.KroneckerDelta(J, K) - _softmax(J) * _softmax(K), scope=scope,
                          seed=seed, steps=(r"$\partial_j\partial_kR_\eta=p_j\delta_{jk}-p_jp_k$",)),
        symbolic.identity(linear(sp.Sum(_softmax(A), (A, 1, N))), sp.Integer(1), scope=scope, seed=seed,
                          steps=(r"$\sum_ap_a=1$",)),
        symbolic.identity(quadratic, variance, scope=scope, seed=seed, steps=(
            r"$v^\top\nabla^2R_\eta v=\sum_ap_av_a^2-(\sum_ap_av_a)^2=\sum_ap_a(v_a-m)^2=\mathrm{Var}_p(v)$, "
            r"$m=\sum_bp_bv_b$ (using $\sum_ap_a=1$)",)),
    )


def softmax_minimizers(seed: int, scope: Scope, conclusion: str) -> Outcome:
    r"""Prove, for symbolic :math:`n`, that the softmax risk's minimizers are :math:`\log\eta+c\mathbf 1`.

    ``conclusion`` is the last step (what the minimizers imply, e.g. about their top-k sets); ``scope``
    what the proof covers in the calling claim.
    """
    parts = _derivation(seed)
    for part in parts:
        if part.verdict != "proved":
            return part.but(scope=scope)
    summand_nonnegative = bool((P[A] * (V[A] - sp.Symbol("m", real=True)) ** 2).is_nonnegative)
    if not summand_nonnegative:
        return Outcome(verdict="inconclusive", scope=scope, reason="SymPy could not show p_a (v_a - m)^2 >= 0")
    steps = tuple(step for part in parts for step in part.steps) + (
        r"each term $p_a(v_a-m)^2\ge0$ (SymPy: non-negative for $p_a>0$, real $v$): $\nabla^2R_\eta\succeq0$, "
        r"so $R_\eta$ is convex and $\log\eta$, a stationary point, is a global minimizer",
        r"$\mathrm{Var}_p(v)=0$ iff $v_a=m$ for all $a$ (all $p_a>0$): the Hessian's kernel is "
        r"$\mathrm{span}(\mathbf 1)$. Two minimizers $s,s'$: $R_\eta$ is constant on the segment between them, so "
        r"$\mathrm{Var}_p(s'-s)=0$ and $s'-s\in\mathrm{span}(\mathbf 1)$; the minimizers are exactly "
        r"$\log\eta+c\mathbf 1$",
        conclusion)
    return Outcome(verdict="proved", steps=steps, scope=scope, premises=PREMISES, resolution=parts[0].resolution,
                   reason="for every n and eta > 0: grad R_eta(log eta) = 0 and the Hessian is Var_p (PSD, kernel "
                          "span(1)), so the minimizers are exactly log eta + c (with some eta_a = 0 there is no "
                          "minimizer)")
