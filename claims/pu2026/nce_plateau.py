r"""Binary NCE without a per-context normalizer plateaus: :math:`d_k\to d_\infty>0`; with a free normalizer it
does not.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "Mechanism 2", the SSM-vs-NCE trade-off and the "NCE plateauing"
failure signature). The paper's body is not available to us; this is our formalization at the population level.

Hypothesis: the misspecified linear softmax model of :mod:`claims.pu2026.population` (:math:`n=4`, :math:`d=1`,
:math:`m=5`), :math:`\theta^*` the full-softmax population MLE, :math:`\theta_k` the minimizer of the population
binary-NCE risk with link :math:`\sigma(s-\log kq)`, :math:`k` noise samples per datum from the unigram
:math:`q`; the scores are :math:`W\phi(x)+b` (no normalizer) or :math:`W\phi(x)+b+c(x)\mathbf 1` with a free
:math:`c(x)` per context.

Conclusion: without a normalizer :math:`d_k\to d_\infty>0` and :math:`d_k` changes by less than 1 % over
:math:`k\in[256,4096]` (a plateau); with a free normalizer :math:`d_k\to0`.
"""

from __future__ import annotations

import math

from claims.pu2026 import population as pop
from verifiers import (
    SOURCE_STATEMENT,
    Context,
    Flag,
    NegativeControl,
    Outcome,
    Reference,
    Resolution,
    check,
    claim,
    instance,
)

NCE_PLATEAU = claim(
    id="pu2026/nce-plateau",
    title="Binary NCE plateaus at a positive population gap without a per-context normalizer, not with one",
    statement=r"d_k\xrightarrow{k\to\infty}d_\infty>0,\ \frac{|d_{256}-d_{4096}|}{d_{4096}}<1\%\ \ "
              r"(s=W\phi(x)+b);\qquad d_k\xrightarrow{k\to\infty}0\ \ (s=W\phi(x)+b+c(x)\mathbf 1)",
    reference=Reference("pu2026", "Sampling bias and variance",
                        "whereas NCE retains an irreducible structural bias … NCE is robust but has a \"glass "
                        "ceiling\" on performance due to irreducible bias … NCE plateauing: Validation metrics stop "
                        "improving even as k increases"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable) of the seed's irreducible bias, glass ceiling and "
          "NCE plateauing; the condition (no per-context normalizer) and the contrast with a free normalizer "
          "c(x) are ours. Model: " + pop.model("misspecified").describe() + "; d_k = E_x KL(p_theta*(.|x) || "
          "p_theta_k(.|x)) between the softmax distributions of the scores. SSM variant: none is trained here; "
          "the figure of pu2026/ssm-mle-gap shows ssm-logq beside NCE. What is exact: NCE's population risk is "
          "a closed form for every k (the noise term is an expectation under q, not a sample), "
          "sum_c [-eta_c log sigma(t_c) - k q_c log sigma(-t_c)], t = s - log(kq); its k -> infinity limit (minus "
          "sum_c eta_c log(kq_c)) is the unnormalized likelihood sum_c (exp(s_c) - eta_c s_c), minimized exactly "
          "to give d_inf. Why: that limit equals the cross-entropy plus Z(x) - log Z(x) >= 1 with Z(x) = "
          "sum_c exp(s_c(x)), a penalty for not self-normalizing; a free c(x) sets Z(x) = 1 in every context, so "
          "the limit is the cross-entropy and d_inf = 0, while W phi(x) + b can only shift the log-normalizer "
          "affinely in phi, so theta_k trades likelihood for normalization and d_inf > 0 (here d_k even grows "
          "with k towards d_inf). Minimizers: SciPy BFGS to 1e-8 then Newton steps with the exact Hessian until "
          "the gradient sup-norm is <= 1e-12 (quick) / 1e-13 (standard), checked; each d_k carries a first-order "
          "error bound from that tolerance (the resolution). Decisions on the grid k = 4^j (quick) / 2^j "
          f"(standard) up to 4096: a plateau when the exact d_inf exceeds {pop.POSITIVE_FACTOR:g} times its "
          f"error bound, d_k changes by < {100 * pop.PLATEAU_CHANGE:g} % over {list(pop.TAIL)} and the exponent "
          f"fitted to log d_k there is within {pop.ALPHA_PLATEAU:.4f} (= log 1.01 / log 16) of 0; a decay when "
          f"d_inf is 0 within its bound and the fitted exponent is >= {pop.ALPHA_MIN} with local exponents within "
          f"{pop.DRIFT_TOL} of it. The rate of approach |d_k - d_inf| ~ k^-beta is reported (beta = 1 for the "
          "plateau, 2 for the decay). Deterministic: the seed is unused. The parameter names which model is "
          "claimed to plateau; the other is claimed to decay. `normalizer=true` (the negative control) claims "
          "the plateau for the model with c(x).\n\n"
          "Tension with pu2026/nce-consistency: no contradiction. That claim shows the minimizer is exactly "
          "log eta for every k when the scores are free per context (well-specified and able to self-normalize); "
          "the plateau needs a model that cannot self-normalize, and with a free normalizer c(x) d_k → 0 here "
          "too.\n\n"
          "Tension with pu2026/nce-js-bias: no contradiction. That claim is an identity for the optimal loss "
          "value (1+k)[H - JS]; the term does not depend on s and biases no minimizer: the plateau comes from "
          "the normalization penalty Z(x) - log Z(x), not from the JS term.",
    params={"normalizer": Flag(False, doc="the model claimed to plateau has a free per-context normalizer c(x)")},
    negative_controls=(
        NegativeControl("normalizer", {"normalizer": True},
                        "with a free per-context normalizer NCE's k -> infinity limit is the cross-entropy: d_k -> 0"),
    ),
    tags=("sampling", "nce", "misspecification", "population"),
)

NAMES = {"nce": "NCE without a normalizer", "nce-normalized": "NCE with a free normalizer c(x)"}


def approach_exponent(c: pop.Curve) -> float:
    r"""Exponent fitted to :math:`|d_k-d_\infty|` over the tail (nan when some difference is not positive)."""
    ks, ds = c.tail
    diffs = [abs(d - c.limit.d) for d in ds]
    return pop.fitted_exponent(ks, diffs) if all(v > 0 for v in diffs) else math.nan


def _stats(c: pop.Curve) -> dict[str, object]:
    prefix = c.estimator.replace("-", "_")
    return {f"{prefix}_{key}": value for key, value in c.rates().items()} | {
        f"{prefix}_k": c.ks, f"{prefix}_d_k": c.ds, f"{prefix}_error_bound": [g.error for g in c.gaps],
        f"{prefix}_approach_exponent": approach_exponent(c),
        f"{prefix}_largest_gradient": max(g.grad_norm for g in (*c.gaps, c.limit)),
        f"{prefix}_smallest_hessian_eigenvalue": min(g.lambda_min for g in (*c.gaps, c.limit))}


@check(NCE_PLATEAU, "property")
def plateau(ctx: Context) -> Outcome:
    """Exact population minimizers over a k grid and at k = infinity: one model plateaus, the other decays."""
    flat_name = "nce-normalized" if ctx["normalizer"] else "nce"
    decay_name = "nce" if ctx["normalizer"] else "nce-normalized"
    flat = pop.curve("misspecified", flat_name, ctx.budget.name)
    decay = pop.curve("misspecified", decay_name, ctx.budget.name)
    stats = {"ssm_variant": "none (NCE only)", "claimed_plateau": flat_name, "claimed_decay": decay_name,
             **_stats(flat), **_stats(decay), "gradient_tolerance": pop.settings(ctx.budget.name).gtol}
    figures = tuple(pop.figure(c, f"d_k vs k, misspecified model: {NAMES[c.estimator]}", c.estimator == "nce")
                    for c in (pop.curve("misspecified", "nce", ctx.budget.name),
                              pop.curve("misspecified", "nce-normalized", ctx.budget.name)))
    common = {"statistics": stats, "figures": figures,
              "resolution": Resolution(max(flat.resolution, decay.resolution), "d_k (nats)", 0.0, None),
              "scope": instance(pop.model("misspecified").describe()),
              "explored": {"k": flat.ks + ["inf"], "models": ["no normalizer", "free normalizer c(x)"]}}
    if not (flat.converged and decay.converged):
        return Outcome(verdict="inconclusive", reason="a minimizer did not reach the gradient tolerance", **common)
    failures = [f"{NAMES[c.estimator]}: {why}" for c, why in
                ((flat, pop.plateau_failure(flat)), (decay, pop.decay_failure(decay))) if why is not None]
    if failures:
        return Outcome(verdict="refuted", reason="; ".join(failures),
                       counterexample={"claimed_plateau": flat_name, "detail": failures}, **common)
    r_flat, r_decay = flat.rates(), decay.rates()
    return Outcome(verdict="supported", **common,
                   reason=f"{NAMES[flat_name]}: d_k -> d_inf = {flat.limit.d:.4g} (exact limit), relative change "
                          f"{100 * r_flat['relative_change']:.2g} % over {list(pop.TAIL)}, fitted exponent "
                          f"{r_flat['fitted_exponent']:.2g}; {NAMES[decay_name]}: d_k -> 0 at fitted rate "
                          f"k^-{r_decay['fitted_exponent']:.3f}")
