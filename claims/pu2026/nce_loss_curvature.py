r"""The NCE loss's curvature reaches (1+k)/4: the link's 1/4 bound is not a smoothness constant.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "the lowest theoretical spectral norm bound (1/4), suggesting
potentially smoother optimization dynamics"). Our finding: the suggestion does not follow.

Hypothesis: binary NCE with :math:`k` noise samples from :math:`q` (full support), link
:math:`h_c=\sigma(t_c)`, :math:`t_c=s_c-\log(kq_c)`; per example (data class :math:`x`, noise classes
:math:`y_1..y_k`) :math:`\ell(s)=-\log\sigma(t_x)-\sum_{i=1}^k\log(1-\sigma(t_{y_i}))`; population
:math:`J(s)=-\sum_c\eta_c\log\sigma(t_c)-k\sum_cq_c\log(1-\sigma(t_c))`.

Conclusion: :math:`\nabla^2\ell` is diagonal with entries :math:`(1[x=c]+\#\{i:y_i=c\})\,\sigma'(t_c)`, so
:math:`\sup_{s,x,y}\lVert\nabla^2\ell\rVert_2=\mathrm{bound}=(1+k)/4`; and
:math:`\sup_s\lVert\nabla^2J\rVert_2=\max_c(\eta_c+kq_c)/4`.
"""

from __future__ import annotations

from dataclasses import replace

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
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)
from verifiers import property as prop
from verifiers.params import Derived, resolve
from verifiers.strategies import budget_logits, dims, simplex

#: The population check uses 1/POPULATION_SHARE of the profile's examples (two autograd Hessians each).
POPULATION_SHARE = 3
#: Tolerance on a Hessian norm computed by autograd in float64 (the check's resolution).
TOL = 1e-9

NCE_LOSS_CURVATURE = claim(
    id="pu2026/nce-loss-curvature",
    title="NCE loss curvature reaches (1+k)/4 per example: the 1/4 link bound is not a smoothness constant",
    statement=r"\sup_{s,\,x,\,y_{1..k}}\bigl\lVert\nabla_s^2\ell(s)\bigr\rVert_2=\mathrm{bound}=\frac{1+k}{4},\qquad "
              r"\sup_s\bigl\lVert\nabla_s^2J(s)\bigr\rVert_2=\max_c\frac{\eta_c+kq_c}{4}",
    reference=Reference("pu2026", "Foundational Learning",
                        "Which method has the lowest theoretical spectral norm bound (1/4), suggesting potentially "
                        "smoother optimization dynamics, though practically affected by sampling noise?"),
    origin=OUR_FINDING,
    notes="The 1/4 is the bound on the NCE link's Jacobian σ'(t) (pu2026/jacobian-nce, true). The smoothness of "
          "the loss that gradient steps see is its Hessian in the scores: both -log σ(t) and -log(1 - σ(t)) have "
          "second derivative σ'(t) ≤ 1/4, and one example contributes it once for the data class and once per "
          "noise sample, so a class that is both the data class and all k noise samples gets curvature "
          "(1+k)σ'(t_c), maximal (1+k)/4 at s_c = log(k q_c). `bound` is the claimed supremum (auto = (1+k)/4), "
          "sharp: larger values are refuted as not sharp, smaller by a witness; the seed's reading is the control "
          "bound = 1/4. The population Hessian is diag((η_c + k q_c)σ'(t_c)), supremum max_c (η_c + k q_c)/4: "
          "that can lie below or above 1/4 (e.g. n = 100, uniform η and q, k = 5: 0.015), so 1/4 is not the "
          "population smoothness constant either. Symbolic: the second derivatives, the exact supremum of "
          "u(1 - u), and the count 1 + k. Property: Hypothesis draws n ≤ max_n, q with full support, the data class "
          "and k noise classes (piled on one class a third of the time), logits from the profile's families; "
          "the Hessian is computed by autograd (not the closed form) and maximized (corners: the piled "
          f"configurations at s_c = log(k q_c)); tolerance {TOL:g}. It also checks the population supremum for "
          "random η, q (a third of the profile's examples): the autograd Hessian at s = log(kq) equals "
          "max_c (η_c + kq_c)/4 and no logits exceed it.\n\n"
          "Tension with pu2026/jacobian-nce: no contradiction. Its 1/4 bounds the Jacobian σ'(t) of the link "
          "h = σ(s - log(kq)), the map from scores to NCE's per-class probabilities; this claim bounds the "
          "curvature of the loss, which adds σ'(t_c) once for the data class and once per noise sample, up to "
          "(1+k)/4. Both bounds are true and sharp; only the reading that the link's 1/4 is the loss's "
          "smoothness constant (this claim's control) is false.",
    params={
        "k": Integer(5, 1, doc="number of noise samples per data point"),
        "bound": Derived(None, 0.0, exclude_min=True, rule="(1 + k)/4",
                         doc="claimed supremum of the per-example loss Hessian's spectral norm"),
    },
    negative_controls=(
        NegativeControl("link-bound-quarter", {"bound": 0.25},
                        "'the lowest theoretical spectral norm bound (1/4), suggesting potentially smoother "
                        "optimization': the loss curvature reaches (1+k)/4 = 1.5 at k = 5", source_reading=True),
    ),
    tags=("gradient-dynamics", "nce", "curvature"),
)


def claimed_bound(ctx: Context) -> float:
    """The claimed supremum ((1+k)/4 when ``bound=auto``)."""
    return resolve(ctx["bound"], lambda: (1 + ctx["k"]) / 4)


@check(NCE_LOSS_CURVATURE, "symbolic")
def nce_curvature_symbolic(ctx: Context) -> Outcome:
    """(-log σ)'' = (-log(1-σ))'' = σ(1-σ) ≤ 1/4 (sharp, t = 0); one class can collect 1 + k of them."""
    t, u = sp.Symbol("t", real=True), sp.Symbol("u")
    sig = 1 / (1 + sp.exp(-t))
    pos = symbolic.identity(sp.diff(-sp.log(sig), t, 2), sig * (1 - sig), scope=WHOLE,
                            steps=(r"$\frac{d^2}{dt^2}[-\log\sigma(t)] = \sigma(1-\sigma)$",))
    neg = symbolic.identity(sp.diff(-sp.log(1 - sig), t, 2), sig * (1 - sig), scope=WHOLE,
                            steps=(r"$\frac{d^2}{dt^2}[-\log(1-\sigma(t))] = \sigma(1-\sigma)$",))
    peak = symbolic.bounded_by(u * (1 - u), u, sp.Interval.open(0, 1), 0.25, scope=WHOLE,
                               steps=(r"$\sigma(t)$ ranges over $(0,1)$",))
    steps = (*pos.steps, *neg.steps, *peak.steps,
             r"$\ell$ is a sum of functions of single coordinates: $\nabla^2\ell=\mathrm{diag}"
             r"\bigl((1[x=c]+\#\{i:y_i=c\})\,\sigma'(t_c)\bigr)$, the count is at most $1+k$ (attained when "
             r"$x=y_1=\dots=y_k=c$) and $\sigma'(t_c)=1/4$ at $s_c=\log(kq_c)$")
    failed = next((o for o in (pos, neg, peak) if o.verdict != "proved"), None)
    if failed is not None:
        return failed.but(steps=steps)
    return symbolic.equals(sp.Rational(1 + ctx["k"], 4), claimed_bound(ctx), what=f"supremum at k = {ctx['k']}",
                           scope=WHOLE, steps=steps)


def example_loss(s: torch.Tensor, q: torch.Tensor, k: int, x: int, noise: list[int]) -> torch.Tensor:
    """-log σ(t_x) - Σ_i log(1 - σ(t_{y_i})), t = s - log(kq)."""
    t = s - torch.log(k * q)
    return -torch.nn.functional.logsigmoid(t[x]) - torch.nn.functional.logsigmoid(-t[noise]).sum()


def population_loss(s: torch.Tensor, eta: torch.Tensor, q: torch.Tensor, k: int) -> torch.Tensor:
    """-Σ η_c log σ(t_c) - k Σ q_c log(1 - σ(t_c))."""
    t = s - torch.log(k * q)
    return -(eta * torch.nn.functional.logsigmoid(t)).sum() - k * (q * torch.nn.functional.logsigmoid(-t)).sum()


def hessian_norm(fn, s: np.ndarray) -> float:  # noqa: ANN001 - a torch function of one vector
    """Spectral norm of the autograd Hessian of ``fn`` at ``s`` (symmetric: largest |eigenvalue|)."""
    h = torch.autograd.functional.hessian(fn, torch.as_tensor(s, dtype=torch.float64), vectorize=True)
    return float(torch.linalg.eigvalsh(h).abs().max())


@st.composite
def examples(draw: st.DrawFn, ctx: Context) -> tuple[np.ndarray, np.ndarray, int, list[int]]:
    """Logits, a full-support q, a data class and k noise classes (piled on one class a third of the time)."""
    n = draw(dims(2, ctx.budget.max_n))
    q = draw(simplex(size=n, kind="dense"))
    s = draw(budget_logits(ctx.budget, min_size=n, max_size=n))
    x = draw(st.integers(0, n - 1))
    noise = [x] * ctx["k"] if draw(st.integers(0, 2)) == 0 else \
        draw(st.lists(st.integers(0, n - 1), min_size=ctx["k"], max_size=ctx["k"]))
    return s, q, x, noise


def piled(ctx: Context) -> list[tuple[np.ndarray, np.ndarray, int, list[int]]]:
    """Corners: data and all noise on class 0, s_0 = log(k q_0), for n = 2 and max_n."""
    out = []
    for n in (2, ctx.budget.max_n):
        q = np.full(n, 1.0 / n)
        s = np.zeros(n)
        s[0] = np.log(ctx["k"] * q[0])
        out.append((s, q, 0, [0] * ctx["k"]))
    return out


def population_gap(ctx: Context, eta: np.ndarray, q: np.ndarray, s: np.ndarray) -> str | None:
    """At s = log(kq) the norm is max_c(η_c + kq_c)/4; at s it is not larger."""
    e, qq, k = torch.as_tensor(eta), torch.as_tensor(q), ctx["k"]
    peak = float((e + k * qq).max()) / 4
    at_peak = hessian_norm(lambda v: population_loss(v, e, qq, k), np.log(k * q))
    elsewhere = hessian_norm(lambda v: population_loss(v, e, qq, k), s)
    if abs(at_peak - peak) > TOL or elsewhere > peak + TOL:
        return f"population: norm {at_peak:.9g} at log(kq), {elsewhere:.9g} at s, claimed sup {peak:.9g}"
    return None


@check(NCE_LOSS_CURVATURE, "property")
def nce_curvature_property(ctx: Context) -> Outcome:
    """Maximize the autograd Hessian norm of one example's loss; check the population supremum formula."""
    def objective(case: tuple[np.ndarray, np.ndarray, int, list[int]]) -> float:
        s, q, x, noise = case
        qq = torch.as_tensor(q)
        return hessian_norm(lambda v: example_loss(v, qq, ctx["k"], x, noise), s)

    for corner in piled(ctx):  # the extremal configurations first: a bound below them is refuted at once
        if (value := objective(corner)) > claimed_bound(ctx) + TOL:
            return Outcome(verdict="refuted", reason=f"value {value:.6g} exceeds the bound {claimed_bound(ctx):g} "
                           "(data and all noise on one class, s_c = log(k q_c))",
                           counterexample={"example": [np.asarray(v).tolist() for v in corner], "value": value},
                           figures=({"kind": "tightness", "bound": claimed_bound(ctx), "best": value,
                                     "tolerance": TOL},),
                           resolution=Resolution(TOL, "bound"), explored={"corners": len(piled(ctx))})
    bound = prop.upper_bound(ctx, examples(ctx), objective, claimed_bound(ctx), corners=piled(ctx), rays=False,
                             tol=TOL)
    if bound.verdict != "supported":
        return bound

    @st.composite
    def populations(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = draw(dims(2, ctx.budget.max_n))
        return draw(simplex(size=n)), draw(simplex(size=n, kind="dense")), draw(budget_logits(
            ctx.budget, min_size=n, max_size=n))

    fewer = replace(ctx, budget=replace(ctx.budget, examples=max(20, ctx.budget.examples // POPULATION_SHARE)))
    population = prop.forall(fewer, populations(), lambda c: population_gap(ctx, *c) or True,
                             what="sup_s ‖∇²J‖ = max_c (η_c + kq_c)/4")
    if population.verdict != "supported":
        return population.but(resolution=bound.resolution, figures=bound.figures)
    return bound.but(reason=f"{bound.reason}; population supremum max_c (η_c + kq_c)/4 confirmed on "
                            f"{population.statistics.get('valid')} (η, q, s)",
                     explored={**bound.explored, "population": dict(population.explored)})
