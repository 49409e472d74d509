r"""The cross-entropy loss is the KL divergence from the one-hot target to the prediction.

CS231n lecture notes, "Softmax Classifier", information-theoretic interpretation.

Hypothesis: :math:`s\in\mathbb R^n`, :math:`p=\mathrm{softmax}(s)`, label :math:`c`, target
:math:`e_c` (one-hot), with the convention :math:`0\log(0/q)=0`.

Conclusion: :math:`-\log p_c=\mathrm{KL}(e_c\,\|\,p)=\sum_i (e_c)_i\log\frac{(e_c)_i}{p_i}`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.special import rel_entr

from claims.cs231n.losses import cross_entropy, softmax
from verifiers import (
    SOURCE_STATEMENT,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    check,
    claim,
    special_case,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import logits_and_label

#: Relative tolerance of the float64 comparison (logits lie within 20 of each other, so p_c >= 2e-10).
RTOL = 1e-9
#: Largest common offset added to the logits: beyond exp's float64 range (709.78), so the float64
#: implementation must be the max-subtracted one for the identity to evaluate at all.
OFFSET = 1000.0

CE_IS_KL = claim(
    id="cs231n/ce-is-kl",
    title="Cross-entropy equals KL(one-hot target || prediction)",
    statement=r"-\log p_c = \mathrm{KL}(e_c\,\|\,p) = \sum_{i=1}^n (e_c)_i \log\frac{(e_c)_i}{p_i},"
              r"\qquad p = \mathrm{softmax}(s),\ s\in\mathbb{R}^n",
    reference=Reference("cs231n", "Information-theoretic interpretation",
                        "Cross-entropy minimizes the KL divergence between the predicted distribution and the "
                        "target one-hot distribution"),
    origin=SOURCE_STATEMENT,
    notes="KL uses the convention 0 log(0/q) = 0, which the symbolic check obtains as a limit of targets "
          "(1-2t, t, t) with t -> 0+ (n = 3; the argument is term by term, so every n). The property check uses "
          "scipy.special.rel_entr (a general KL implementation with the same conventions) against the log-space "
          "loss logsumexp(s) - s_c, relative tolerance 1e-9, on logits in [-10, 10] moved half of the time by a common "
          "offset in [-1000, 1000] (the identity holds for every real s; the offset takes exp out of float64 range, "
          "so a softmax without max-subtraction fails it). The catalogue lists no negative control; we add "
          "`direction=reverse`, the claim -log p_c = KL(p || e_c), which is +infinity whenever some p_i > 0 "
          "off the label (always, for softmax).",
    params={"direction": Choice("forward", ("forward", "reverse"),
                                doc="forward: KL(e_c || p) (the claim); reverse: KL(p || e_c)")},
    negative_controls=(NegativeControl("reverse-kl", {"direction": "reverse"},
                                       "KL(p || e_c) is infinite because softmax puts mass off the label"),),
    tags=("information-theory",),
)


@check(CE_IS_KL, "symbolic")
def kl_symbolic(ctx: Context) -> Outcome:
    """KL between the targets (1-2t, t, t) and p, in the limit t -> 0+, against -log p_1."""
    t = sp.Symbol("t", positive=True)
    p = sp.symbols("p_1:4", positive=True)
    y = (1 - 2 * t, t, t)
    forward = ctx["direction"] == "forward"
    kl = sum(a * sp.log(a / b) for a, b in (zip(y, p) if forward else zip(p, y)))
    limit = sp.limit(kl, t, 0, "+")
    name = r"\mathrm{KL}(e_1\|p)" if forward else r"\mathrm{KL}(p\|e_1)"
    steps = (r"$e_1 = \lim_{t\to0^+}(1-2t,\,t,\,t)$, $n=3$, label $c=1$",
             f"${name} = \\lim_{{t\\to0^+}} {sp.latex(kl)} = {sp.latex(limit)}$")
    if limit.is_infinite:
        return Outcome(verdict="refuted", steps=steps, statistics={"limit": str(limit)},
                       counterexample={"divergence": str(limit), "loss": "-log(p_1) (finite)"},
                       reason=f"{'KL(e_1||p)' if forward else 'KL(p||e_1)'} = {limit}, but -log p_1 is finite")
    return symbolic.identity(limit, -sp.log(p[0]), seed=ctx.seed, steps=steps, scope=special_case("n = 3"))


@check(CE_IS_KL, "property")
def kl_property(ctx: Context) -> Outcome:
    """rel_entr-based KL of (target, prediction) against logsumexp(s) - s_c on random logits."""
    def holds(case: tuple[np.ndarray, int]) -> bool | str:
        s, c = case
        p, target = softmax(s), np.eye(len(s))[c]
        first, second = (target, p) if ctx["direction"] == "forward" else (p, target)
        kl, loss = float(rel_entr(first, second).sum()), cross_entropy(s, c)
        return abs(kl - loss) <= RTOL * max(1.0, loss) or f"KL = {kl:.10g} but -log p_c = {loss:.10g}"

    return prop.forall(ctx, shifted_logits_and_label(), holds, what=f"-log p_c = KL ({ctx['direction']})")


def shifted_logits_and_label() -> st.SearchStrategy[tuple[np.ndarray, int]]:
    """Logits in [-10, 10] and a label; half of the time every logit is moved by a common offset up to ±OFFSET."""
    offsets = st.one_of(st.just(0.0), st.floats(-OFFSET, OFFSET))
    return st.tuples(logits_and_label(), offsets).map(lambda case: (case[0][0] + case[1], case[0][1]))
