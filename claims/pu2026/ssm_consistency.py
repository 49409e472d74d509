r"""Sampled softmax with logQ correction is consistent for every number of negatives.

Pu, Lian & Chen, arXiv 2601.22745 (seed: structured summary, "Mechanism 2"). The paper's body is not
available to us; this is our formalization of the seed's consistency statement for sampled softmax.

Hypothesis: :math:`y\sim\eta`, :math:`k\ge1` negatives :math:`i_1,\dots,i_k` i.i.d. from a proposal
:math:`q` with full support; the loss is :math:`-o_y+\log(e^{o_y}+\sum_{j=1}^k e^{o_{i_j}})` with
corrected logits :math:`o_c=s_c-\log q_c`.

Conclusion: the population risk is minimized exactly at :math:`s^*=\log\eta+c\mathbf 1`. Without the
correction (:math:`o_c=s_c`) it is minimized at :math:`\log(\eta/q)+c\mathbf 1`.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st

from claims.pu2026 import ssm_laplace
from claims.pu2026.negative_counts import multinomial_counts
from claims.pu2026.risk import centred, minimize_risk, random_starts, scaled
from claims.pu2026.ssm_variants import SSM_LOGQ, SSM_UNCORRECTED, describe
from verifiers import (
    SOURCE_STATEMENT,
    Context,
    Flag,
    Integer,
    NegativeControl,
    Outcome,
    Reference,
    Resolution,
    check,
    claim,
    instance,
)
from verifiers import property as prop
from verifiers import sequential as seq
from verifiers.budget import Budget
from verifiers.strategies import dims, simplex

#: Largest n of the exact multiset enumeration (C(n+k-1, k) multisets), the independent cross-check.
MAX_N = 4
#: Most multisets the enumeration may have (beyond: the Laplace-transform gradients alone).
MAX_MULTISETS = 5000
#: Sup-norm tolerance between centred minimizers (the optimizer stops at gradient <= 1e-7).
TOL = 1e-4
#: Newton on the exact (Laplace-transform) gradients stops at this sup-norm of the gradient (its noise is ~1e-14).
NEWTON_TOL = 1e-11
#: A gradient (sup norm) this large where Newton stops means no stationary point there (noise is ~1e-14).
NOT_STATIONARY = 1e-8
#: Largest k of the parameter (the checks cost the same for every k: counts and Laplace transforms).
K_LIMIT = 10**12
#: The k sweep of the property search runs over 1, 2, 3, 5, 10, 20, 50, ... up to K_PER_MAGNITUDE · max_magnitude.
K_PER_MAGNITUDE = 1000
#: Fixed Monte Carlo design: n = 6 classes, eta increasing, q decreasing (strongly mismatched).
MC_N = 6

SSM_CONSISTENCY = claim(
    id="pu2026/ssm-consistency",
    title="Sampled softmax with logQ correction has population minimizer log η + c for every k",
    statement=r"\arg\min_s\ \mathbb{E}_{y\sim\eta,\ i_{1..k}\overset{iid}{\sim}q}\Big[-o_y+\log\big(e^{o_y}+"
              r"\sum_{j=1}^k e^{o_{i_j}}\big)\Big]=\{\log\eta+c\mathbf 1\}\ (o=s-\log q),"
              r"\qquad =\{\log(\eta/q)+c\mathbf 1\}\ (o=s)",
    reference=Reference("pu2026", "Sampling bias and variance",
                        "Sampled Softmax converges to the exact Softmax maximum likelihood estimator"),
    origin=SOURCE_STATEMENT,
    notes=f"Sampled-softmax variant: {describe(SSM_LOGQ.name)} (${SSM_LOGQ.formula}$); with logq_correction=false, "
          f"{describe(SSM_UNCORRECTED.name)}. "
          "Our formalization (the paper body is unavailable). SSM variant: k negatives i.i.d. from q, the "
          "positive kept in the denominator, the correction log q applied to every candidate (log(kq) gives the "
          "same minimizer). With the correction the loss is the log-loss of identifying the positive among the "
          "k+1 candidates, whose Bayes posterior is proportional to eta/q, so log eta + c is optimal for every "
          "k >= 1, not only as k -> infinity. Property: eta (dense, peaked or with ties) and q (dense or peaked) of "
          f"size n up to the profile's max_n (half of them n ≤ {MAX_N}); for the given k and for every k of a "
          "sweep 1, 2, 3, 5, 10, 20, 50, "
          f"... up to {K_PER_MAGNITUDE}·max_magnitude (10⁶ at quick, 10⁸ at standard, 10¹⁰ at thorough) the exact "
          "population gradient is computed from its Laplace-transform form (claims.pu2026.ssm_laplace: "
          r"$\partial_aR=-\eta_a+w_a\int_0^\infty e^{-tw_a}\varphi^{k-1}(\eta_a\varphi+kq_a\psi)\,dt$, cost "
          "independent of k) and Newton's method "
          f"(to ‖∇R‖∞ ≤ {NEWTON_TOL:g}; the risk is convex) finds the stationary point from the claimed one; where "
          f"n ≤ {MAX_N} and there are at most {MAX_MULTISETS} multisets the expectation over negatives is also "
          "enumerated exactly and the risk minimized by BFGS from a random start (an independent check). The "
          f"centred minimizer must match log eta (selected loss) and, always, the uncorrected one log(eta/q), to "
          f"{TOL:g} in sup norm; a fifth of the profile's examples. Range: the parameter k runs up to "
          f"{K_LIMIT:.0e}; the search covers the given k and the sweep (the Evidence records it under explored), "
          "not every k beyond the sweep's end. Monte Carlo: at s = log eta on a fixed design (n = "
          f"{MC_N}), the sampled directional derivative of the selected loss along the centred log q "
          "(negatives drawn as multinomial class counts, O(n) per example for any k) must be 0, tested with the "
          "group-sequential design of verifiers.sequential (geometric looks from 4096 "
          "examples up to the profile's sample budget, level 1e-6 over all looks; stops once refuted or resolved "
          "to 5·budget.rel_resolution times the exact (Laplace-transform) derivative of the uncorrected loss: a "
          "quarter "
          "of it at quick, 5 % at standard). "
          "`logq_correction=false` claims log eta for the uncorrected loss (the negative control).\n\n"
          "Tension with pu2026/ssm-logz-bias: no contradiction (that claim: log Ẑ_k is biased by -χ²/(2k) at "
          "every k); the claims are about different objects. That bias is the bias of the VALUE of the "
          "negatives-only estimate "
          "log Ẑ_k (variant zhat) of log Z. This claim is about the MINIMIZER of the expected training loss with "
          "the positive kept among the candidates: that loss is the log-loss of identifying the positive among "
          "k + 1 candidates, a proper scoring rule whose Bayes posterior is ∝ eta/q, so its minimizer is "
          "log eta + c for every k >= 1, whatever the bias of log Ẑ_k.",
    params={
        "logq_correction": Flag(True, doc="subtract log q from the logits of the candidates"),
        "k": Integer(5, 1, K_LIMIT, doc="number of sampled negatives"),
    },
    negative_controls=(
        NegativeControl("no-correction", {"logq_correction": False},
                        "without log q correction the population minimizer is log(eta/q) + c, not log eta + c"),
    ),
    tags=("sampling", "sampled-softmax", "consistency"),
)


def selected_loss(ctx: Context) -> str:
    """Name of the SSM risk the claim is about."""
    return "ssm" if ctx["logq_correction"] else "ssm-uncorrected"


def k_sweep(budget: Budget, k: int) -> list[int]:
    """The given k first, then 1, 2, 3, 5, 10, 20, 50, ... up to ``K_PER_MAGNITUDE · max_magnitude`` (grows with
    the profile)."""
    top = int(K_PER_MAGNITUDE * budget.max_magnitude)
    grid = {m * 10**e for e in range(int(math.log10(top)) + 1) for m in (1, 2, 3, 5)}
    return [k, *sorted(g for g in grid if g <= top and g != k)]


def enumerable(n: int, k: int) -> bool:
    """Whether the exact multiset enumeration is small enough (n ≤ MAX_N, at most MAX_MULTISETS multisets)."""
    return n <= MAX_N and math.comb(n + k - 1, k) <= MAX_MULTISETS


def minimizer(loss: str, eta: np.ndarray, q: np.ndarray, k: int, gen: torch.Generator) -> tuple[np.ndarray, float]:
    """A centred numerical minimizer of the exact (enumerated) population SSM risk and its gradient norm."""
    found = minimize_risk(loss, eta, starts=random_starts(gen, 1, len(eta)), q=q, k=k)
    if not found.converged:
        found = minimize_risk(loss, eta, starts=found.points, q=q, k=k)
    return centred(found.points[0]), found.grad_norm


def stationary(loss: str, eta: np.ndarray, q: np.ndarray, k: int, start: np.ndarray) -> tuple[np.ndarray, float]:
    """The stationary point of the exact (Laplace-transform) population risk Newton reaches from ``start``."""
    found = ssm_laplace.newton(start, eta, q, float(k), loss == "ssm", tol=NEWTON_TOL)
    return found.point, found.grad_norm


def _variant_stats(ctx: Context) -> dict[str, str]:
    return {"ssm_variant": (SSM_LOGQ if ctx["logq_correction"] else SSM_UNCORRECTED).name}


@st.composite
def problems(draw: st.DrawFn, max_n: int) -> tuple[np.ndarray, np.ndarray]:
    """A full-support posterior eta (dense, peaked or with ties) and a full-support proposal q (dense or peaked)."""
    n = draw(st.integers(2, MAX_N) if draw(st.booleans()) else dims(2, max_n))  # half of them enumerable
    eta = draw(simplex(size=n, kind=draw(st.sampled_from(("dense", "peaked", "ties")))))
    return eta, draw(simplex(size=n, kind=draw(st.sampled_from(("dense", "peaked")))))


@check(SSM_CONSISTENCY, "property")
def ssm_property(ctx: Context) -> Outcome:
    """Exact population minimizers (Laplace transform + Newton, k sweep; enumeration + BFGS for small n, k)."""
    loss, ks = selected_loss(ctx), k_sweep(ctx.budget, ctx["k"])
    worst = {"deviation": 0.0, "grad": 0.0, "enumerated": 0, "largest_k_checked": 0}

    def compare(name: str, k: int, how: str, found: tuple[np.ndarray, float], claimed: np.ndarray) -> str | None:
        (s, grad), gap = found, float(np.abs(found[0] - claimed).max())
        worst["deviation"], worst["grad"] = max(worst["deviation"], gap), max(worst["grad"], grad)
        if gap <= TOL:
            return None
        return (f"{name} (k={k}, {how}): centred minimizer {np.round(s, 5).tolist()} differs from the claimed "
                f"{np.round(claimed, 5).tolist()} by {gap:.3g} (gradient norm {grad:.1e})")

    def holds(case: tuple[np.ndarray, np.ndarray]) -> bool | str:
        eta, q = case
        claims = ((loss, centred(np.log(eta))), ("ssm-uncorrected", centred(np.log(eta / q))))
        for k in ks:
            for name, claimed in claims:
                point, grad = stationary(name, eta, q, k, claimed)
                if (bad := compare(name, k, "Newton, Laplace transform", (point, grad), claimed)) is not None:
                    return bad
                if grad > NOT_STATIONARY:  # Newton stalled near the claimed point: the risk is convex, so a
                    return (f"{name} (k={k}): the population gradient stays {grad:.3g} (sup norm) near the claimed "
                            f"minimizer {np.round(claimed, 5).tolist()}: it is not a stationary point")
            worst["largest_k_checked"] = max(worst["largest_k_checked"], k)
        if enumerable(len(eta), ctx["k"]):
            worst["enumerated"] += 1
            gen, found = ctx.generator(), {}
            for name, claimed in claims:
                found[name] = found.get(name) or minimizer(name, eta, q, ctx["k"], gen)
                if (bad := compare(name, ctx["k"], "BFGS, enumeration", found[name], claimed)) is not None:
                    return bad
        return True

    outcome = prop.forall(scaled(ctx), problems(ctx.budget.max_n), holds,
                          what="population SSM minimizers = log eta + c (corrected), log(eta/q) + c (uncorrected)")
    explored = {**outcome.explored, "k_values": sorted(ks), "largest_k": max(ks),
                "examples_enumerated": worst["enumerated"]}
    top = int(K_PER_MAGNITUDE * ctx.budget.max_magnitude)
    reason = (f"{outcome.reason}; at the given k = {ctx['k']} and the sweep k = 1 … {top:.3g} ({len(ks)} "
              f"values in all; Laplace transform + Newton), enumeration at k = {ctx['k']} on {worst['enumerated']} "
              f"of them; k beyond {max(ks):.3g} not searched")
    return outcome.but(statistics={**outcome.statistics, "largest_deviation": worst["deviation"],
                                   "largest_gradient_norm": worst["grad"], "tolerance": TOL, **_variant_stats(ctx)},
                       resolution=Resolution(TOL, "sup-norm distance of the centred minimizer from the claimed one"),
                       explored=explored, reason=reason if outcome.verdict == "supported" else outcome.reason)


def mc_design() -> tuple[torch.Tensor, torch.Tensor]:
    """Fixed Monte Carlo problem: eta increasing and q decreasing over ``MC_N`` classes."""
    grid = torch.linspace(-1.0, 1.0, MC_N, dtype=torch.float64)
    return torch.softmax(grid, 0), torch.softmax(-0.8 * grid, 0)


def direction(q: torch.Tensor) -> torch.Tensor:
    """The unit centred log q."""
    u = q.log() - q.log().mean()
    return u / u.norm()


def directional_derivatives(eta: torch.Tensor, q: torch.Tensor, k: int, corrected: bool, m: int,
                            gen: torch.Generator) -> torch.Tensor:
    r"""``m`` i.i.d. samples of :math:`\langle\nabla_s L(s;y,i_{1..k}),u\rangle` at :math:`s=\log\eta`,
    :math:`u` the unit centred :math:`\log q`; the negatives enter through their class counts (any k)."""
    device = gen.device
    eta, q = eta.to(device), q.to(device)
    u = direction(q)
    y = torch.multinomial(eta, m, replacement=True, generator=gen)
    counts = multinomial_counts(q, k, m, gen)
    counts[torch.arange(m, device=device), y] += 1.0                            # the positive among the candidates
    o = eta.log() - (q.log() if corrected else 0.0)
    weights = torch.softmax(torch.log(counts) + o, dim=1)                       # candidate mass per class
    return weights @ u - u[y]


@check(SSM_CONSISTENCY, "montecarlo")
def ssm_montecarlo(ctx: Context) -> Outcome:
    """Sampled population gradient at log eta along log q: zero with the correction, not without (sequentially)."""
    eta, q = mc_design()
    k, corrected = ctx["k"], ctx["logq_correction"]
    u = direction(q)
    exact_uncorrected = float(ssm_laplace.gradient(eta.log().numpy(), eta.numpy(), q.numpy(), float(k), False)[0]
                              @ u.numpy())
    derivatives = seq.running_mean(ctx, lambda gen, m: directional_derivatives(eta, q, k, corrected, m, gen))
    scale = abs(exact_uncorrected)
    outcome = seq.sequential_compare(ctx, derivatives, 0.0, resolution=5 * ctx.budget.rel_resolution * scale,
                                     what="E<grad L(log eta), u>", unit="examples (y and k negatives)", scale=scale,
                                     first=max(seq.FIRST_LOOK, ctx.budget.samples // 25))
    return outcome.but(statistics={**outcome.statistics, "exact_uncorrected_derivative": exact_uncorrected,
                                   "k": k, "logq_correction": corrected, "classes": MC_N, **_variant_stats(ctx)},
                       scope=instance(f"n = {MC_N}, eta increasing, q decreasing, k = {k}"))
