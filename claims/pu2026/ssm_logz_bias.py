r"""The sampled-softmax log-partition estimate is biased by :math:`-\chi^2(P\|Q)/(2k)`.

Pu, Lian & Chen, arXiv 2601.22745 (seed: bias "scaling as -1/2k χ²(Pₛ‖Q)").

Hypothesis: :math:`q` has full support; :math:`k` i.i.d. draws from :math:`q`;
:math:`\hat Z_k=\frac1k\sum_j e^{s_{i_j}}/q_{i_j}`.

Conclusion: :math:`\mathbb E\log\hat Z_k-\log Z=-\mathrm{coef}\cdot\chi^2(P\|Q)/k+o(1/k)`, coef = 1/2.
"""

from __future__ import annotations

import sympy as sp

from claims.pu2026.sampling import chi_square, design, log_zhat_error
from verifiers import (
    SOURCE_STATEMENT,
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
from verifiers import montecarlo as mc
from verifiers import sequential as seq

#: Grid of sample sizes k for the rate fit.
K_GRID = (4, 8, 16, 32, 64)

SSM_LOGZ_BIAS = claim(
    id="pu2026/ssm-logz-bias",
    title="Sampled softmax: log-partition bias is -χ²(P‖Q)/(2k)",
    statement=r"\mathbb{E}\log\hat Z_k - \log Z = -\,\mathrm{coef}\cdot\frac{\chi^2(P\|Q)}{k} + o(1/k),"
              r"\qquad \hat Z_k = \frac1k\sum_{j=1}^k \frac{e^{s_{i_j}}}{q_{i_j}},\ i_j\overset{iid}{\sim} q",
    reference=Reference("pu2026", "Sampling bias and variance",
                        "bias stems from the curvature of the log function (Delta method), scaling as "
                        "-1/2kχ²(Pₛ‖Q) and vanishing as k → ∞"),
    origin=SOURCE_STATEMENT,
    notes="'Bias' is the bias of log Ẑ_k as an estimate of log Z, for the variant with k i.i.d. negatives "
          "from q and no positive kept in the denominator. The Monte Carlo check estimates k·bias on a grid "
          f"k in {K_GRID} on a fixed problem (n=20, q = softmax(0.6 s)), fits k·bias = a + b/k by weighted "
          "least squares and tests -a/χ² against coef with the group-sequential design of verifiers.sequential "
          "(geometric looks from 4096 draws per k up to the profile's sample budget per k; stops once refuted "
          "or resolved to ±(0.25·|coef| + 0.05)). The symbolic check is the delta method; its remainder "
          "is O(k^(-3/2)) because the weights e^{s_i}/q_i are bounded for finite n.",
    params={"coef": Real(0.5, doc="claimed coefficient of -χ²/k")},
    negative_controls=(NegativeControl("coef-1", {"coef": 1.0}, "twice the true coefficient"),),
    tags=("sampling", "sampled-softmax"),
)


@check(SSM_LOGZ_BIAS, "symbolic")
def bias_symbolic(ctx: Context) -> Outcome:
    """Second-order expansion of log(1 + ε) with E ε = 0, E ε² = χ²/k."""
    eps, chi2, k = sp.Symbol("varepsilon", real=True), sp.Symbol("chi2", positive=True), sp.Symbol("k", positive=True)
    expansion = sp.series(sp.log(1 + eps), eps, 0, 3).removeO()
    expected = expansion.coeff(eps, 1) * 0 + expansion.coeff(eps, 2) * chi2 / k
    derived = sp.simplify(-expected * k / chi2)
    steps = (r"$\hat Z_k = Z(1+\varepsilon)$, $\mathbb E\varepsilon = 0$, "
             r"$\mathrm{Var}\,\varepsilon = \chi^2(P\|Q)/k$ (the weights $e^{s_i}/(q_i Z)$ have mean 1, variance $\chi^2$)",
             f"$\\log(1+\\varepsilon) = {sp.latex(expansion)} + O(\\varepsilon^3)$",
             f"$\\mathbb E\\log\\hat Z_k - \\log Z = {sp.latex(expected)} + o(1/k)$")
    return symbolic.equals(derived, ctx["coef"], what="coefficient", steps=steps,
                           scope=special_case("the second-order term of the expansion; the remainder is not bounded"))


class _ExtrapolatedCoefficient:
    """Estimator of -intercept/χ² from running means of k·(log Ẑ_k − log Z), one per k in the grid."""

    def __init__(self, ctx: Context) -> None:
        s, q = design()
        self.chi2 = chi_square(s, q)
        gen = ctx.generator()
        self.means = [seq.running_mean(ctx, lambda g, m, k=k: k * log_zhat_error(s, q, k, m, g), gen=gen,
                                       batch=max(1, (1 << 21) // k)) for k in K_GRID]
        self.scaled: list[mc.Estimate] = []
        self.slope = float("nan")

    def __call__(self, n: int) -> mc.Estimate:
        self.scaled = [mean(n) for mean in self.means]
        fit = mc.fit_line([1.0 / k for k in K_GRID], [e.value for e in self.scaled], [e.se for e in self.scaled])
        self.slope = fit.slope.value
        return mc.Estimate(-fit.intercept.value / self.chi2, fit.intercept.se / self.chi2, n)


@check(SSM_LOGZ_BIAS, "montecarlo")
def bias_montecarlo(ctx: Context) -> Outcome:
    """Estimate k·bias on a grid of k, extrapolate to k → ∞, compare -intercept/χ² with coef (sequentially)."""
    coefficient = _ExtrapolatedCoefficient(ctx)
    outcome = seq.sequential_compare(ctx, coefficient, ctx["coef"], resolution=0.25 * abs(ctx["coef"]) + 0.05,
                                     what="extrapolated coefficient", unit="draws of log Ẑ_k per k")
    chi2 = coefficient.chi2
    figure = mc.rate_figure(title="k · (E log Ẑ_k − log Z)", x=K_GRID, estimates=coefficient.scaled, xlabel="k",
                            ylabel="k · bias", claimed=[-ctx["coef"] * chi2] * len(K_GRID))
    return Outcome(verdict=outcome.verdict, reason=outcome.reason, counterexample=outcome.counterexample,
                   statistics={**outcome.statistics, "chi_square": chi2, "k_grid": list(K_GRID),
                               "total_draws": outcome.statistics["samples"] * len(K_GRID),
                               "slope_b": coefficient.slope}, figures=(figure,))
