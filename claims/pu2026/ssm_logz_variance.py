r"""The sampled-softmax log-partition estimate has variance :math:`\chi^2(P\|Q)/k`.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "a bias-variance decomposition for sampling methods";
"High variance from mismatched proposal distribution Q").

Hypothesis: :math:`q` has full support; :math:`k` i.i.d. draws from :math:`q`;
:math:`\hat Z_k=\frac1k\sum_j e^{s_{i_j}}/q_{i_j}`.

Conclusion: :math:`\mathrm{Var}\log\hat Z_k=\mathrm{coef}\cdot\chi^2(P\|Q)/k+o(1/k)`, coef = 1.
"""

from __future__ import annotations

from claims.pu2026.sampling import chi_square, design, fit_wls, weight_error
from verifiers import SOURCE_STATEMENT, Context, NegativeControl, Outcome, Real, Reference, check, claim
from verifiers import montecarlo as mc
from verifiers import sequential as seq

#: Grid of sample sizes k for the rate fit.
K_GRID = (4, 8, 16, 32, 64, 128)
#: Most categorical draws per grid point, in units of the profile's sample budget.
DRAWS_PER_POINT = 4
#: Categorical draws per grid point at the first look of the sequential design.
FIRST_LOOK = 1 << 15

SSM_LOGZ_VARIANCE = claim(
    id="pu2026/ssm-logz-variance",
    title="Sampled softmax: log-partition variance is χ²(P‖Q)/k",
    statement=r"\mathrm{Var}\,\log\hat Z_k = \mathrm{coef}\cdot\frac{\chi^2(P\|Q)}{k} + o(1/k),"
              r"\qquad \hat Z_k = \frac1k\sum_{j=1}^k \frac{e^{s_{i_j}}}{q_{i_j}},\ i_j\overset{iid}{\sim} q",
    reference=Reference("pu2026", "Sampling bias and variance",
                        "introduce a bias-variance decomposition for sampling methods"),
    origin=SOURCE_STATEMENT,
    notes="The seeds name a bias-variance decomposition but state only the bias term; the variance term "
          "Var log Ẑ_k = χ²/k + o(1/k) is our formalization (delta method: log Ẑ_k - log Z = ε + O(ε²) with "
          "Var ε = χ²/k exactly). Same estimator and test problem as pu2026/ssm-logz-bias (n=20, "
          f"q = softmax(0.6 s)). Monte Carlo: on k in {K_GRID}, the same number n of categorical draws per k "
          "(n/k replicates of Ẑ_k), plain sample variance with SE sqrt((μ̂₄ - σ̂⁴)/m); "
          "k·Var is fitted as a + b/k + c/k² by weighted least squares (the c/k² term absorbs the "
          "next order of the expansion, which a two-term fit shows as a systematic bias at large budgets) and "
          "a/χ² is tested against coef with the group-sequential design of verifiers.sequential: geometric "
          f"looks in n from {FIRST_LOOK} (≥ {FIRST_LOOK // K_GRID[-1]} replicates at the largest k, so the "
          f"variance SEs are usable) up to {DRAWS_PER_POINT}·samples, stopping once refuted or resolved to "
          "±(0.1·|coef| + 0.02).",
    params={"coef": Real(1.0, doc="claimed coefficient of χ²/k")},
    negative_controls=(NegativeControl("coef-0.5", {"coef": 0.5}, "half the true coefficient"),),
    tags=("sampling", "sampled-softmax"),
)


class _ExtrapolatedCoefficient:
    """Estimator of intercept/χ² from running variances of log Ẑ_k, one per k; ``n`` categorical draws per k."""

    def __init__(self, ctx: Context) -> None:
        s, q = design()
        self.chi2 = chi_square(s, q)
        gen = ctx.generator()
        self.variances = [seq.running_variance(ctx, lambda g, m, k=k: weight_error(s, q, k, m, g).log1p(), gen=gen,
                                               batch=max(1, (1 << 21) // k)) for k in K_GRID]
        self.scaled: list[mc.Estimate] = []
        self.beta = [float("nan")] * 3

    def __call__(self, n: int) -> mc.Estimate:
        self.scaled = []
        for k, running in zip(K_GRID, self.variances):
            est = running(max(n // k, 2))
            self.scaled.append(mc.Estimate(k * est.value, k * est.se, est.n))
        inv = [1.0 / k for k in K_GRID]
        self.beta, beta_se = fit_wls([[1.0] * len(K_GRID), inv, [v * v for v in inv]],
                                     [e.value for e in self.scaled], [e.se for e in self.scaled])
        return mc.Estimate(self.beta[0] / self.chi2, beta_se[0] / self.chi2, n)


@check(SSM_LOGZ_VARIANCE, "montecarlo")
def variance_montecarlo(ctx: Context) -> Outcome:
    """Estimate k·Var log Ẑ_k on a grid of k, extrapolate to k → ∞, test intercept/χ² = coef sequentially."""
    coefficient = _ExtrapolatedCoefficient(ctx)
    outcome = seq.sequential_compare(ctx, coefficient, ctx["coef"], resolution=0.1 * abs(ctx["coef"]) + 0.02,
                                     what="extrapolated coefficient", max_samples=DRAWS_PER_POINT * ctx.budget.samples,
                                     first=FIRST_LOOK, unit="categorical draws per k")
    chi2 = coefficient.chi2
    figure = mc.rate_figure(title="k · Var log Ẑ_k", x=K_GRID, estimates=coefficient.scaled, xlabel="k",
                            ylabel="k · variance", claimed=[ctx["coef"] * chi2] * len(K_GRID))
    return Outcome(verdict=outcome.verdict, reason=outcome.reason, counterexample=outcome.counterexample,
                   statistics={**outcome.statistics, "chi_square": chi2, "k_grid": list(K_GRID),
                               "total_draws": outcome.statistics["samples"] * len(K_GRID),
                               "fit_b": coefficient.beta[1], "fit_c": coefficient.beta[2]}, figures=(figure,))
