r"""Sampled softmax is asymptotically unbiased: the log-partition bias decays like :math:`1/k`.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "Sampled Softmax achieves asymptotic unbiasedness
(bias → 0 as k → ∞)").

Hypothesis: :math:`q` has full support; :math:`k` i.i.d. draws from :math:`q`;
:math:`\hat Z_k=\frac1k\sum_j e^{s_{i_j}}/q_{i_j}`; :math:`P\ne Q` for the rate.

Conclusion: :math:`|\mathbb E\log\hat Z_k-\log Z|` has log-log slope ``slope`` = -1 in :math:`k`
(so the bias vanishes as :math:`k\to\infty`); with :math:`Q=P`, :math:`\hat Z_k=Z` for every draw.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.pu2026.sampling import design, fit_wls, log_bias_samples, weight_error
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
from verifiers import property as prop
from verifiers import sequential as seq
from verifiers.strategies import logits

#: Grid of sample sizes k for the slope fit.
K_GRID = (4, 8, 16, 32, 64, 128)
#: Most categorical draws per grid point, in units of the profile's sample budget.
DRAWS_PER_POINT = 4
#: Categorical draws per grid point at the first look of the sequential design.
FIRST_LOOK = 1 << 15

SSM_UNBIASED_LIMIT = claim(
    id="pu2026/ssm-unbiased-limit",
    title="Sampled softmax: the log-partition bias vanishes like 1/k",
    statement=r"\bigl|\mathbb{E}\log\hat Z_k-\log Z\bigr| \asymp k^{\mathrm{slope}},\ \mathrm{slope}=-1,"
              r"\ \text{so the bias}\to0\ (k\to\infty);\qquad Q=P\ \Rightarrow\ \hat Z_k=Z\ \text{for every draw}",
    reference=Reference("pu2026", "Sampling bias and variance",
                        "Sampled Softmax achieves asymptotic unbiasedness (bias → 0 as k → ∞)"),
    origin=SOURCE_STATEMENT,
    notes="'Bias' is the bias of log Ẑ_k (k i.i.d. negatives from q, no positive in the denominator), as in "
          "pu2026/ssm-logz-bias. Monte Carlo on the same problem (n=20, q = softmax(0.6 s)), k in "
          f"{K_GRID}, the same number n of categorical draws per k (n/k replicates), n growing over the looks of "
          f"the group-sequential design of verifiers.sequential from {FIRST_LOOK} to {DRAWS_PER_POINT}·samples; "
          "it stops once the slope is refuted or resolved to ±0.15. The bias at each k is the mean of "
          "log(1+ε) - ε with ε = Ẑ_k/Z - 1: E ε = 0 exactly, so this control variate is unbiased and cuts the "
          "standard error by a factor ~√k; at a look where some grid point is not significantly nonzero "
          "(|mean|/se ≤ the overall z critical value) the slope is not estimable and the design draws more "
          "(inconclusive if that persists to the last look). We fit log|bias| (delta-method SE: se/|bias|) as "
          "c + slope·log k + d/k by weighted least squares: the expansion bias = -χ²/(2k) + O(1/k²) makes "
          "log|bias| = log(χ²/2) - log k + O(1/k), and a fit without the d/k term is visibly biased "
          "(slope ≈ -1.02) at this precision. The symbolic check covers Q = P for every n and derives the "
          "exponent from the truncated delta-method series (not a full proof of the rate).",
    params={"slope": Real(-1.0, doc="claimed log-log slope of |bias| against k")},
    negative_controls=(NegativeControl("slope-0.5", {"slope": -0.5}, "a 1/√k decay is too slow"),),
    tags=("sampling", "sampled-softmax"),
)


@check(SSM_UNBIASED_LIMIT, "symbolic")
def limit_symbolic(ctx: Context) -> Outcome:
    """Q = P makes every importance weight equal Z; the delta-method series gives the exponent."""
    s_i, z = sp.Symbol("s_i", real=True), sp.Symbol("Z", positive=True)
    exact = symbolic.identity(sp.exp(s_i) / (sp.exp(s_i) / z), z, seed=ctx.seed, scope=special_case("n = 2"),
                              steps=(r"$Q=P$: $q_i = e^{s_i}/Z$ for every class $i$ (any $n$)",))
    if exact.verdict != "proved":
        return exact
    k, s2 = sp.Symbol("k", positive=True), sp.Symbol("sigma2", positive=True)
    mu3, eps = sp.Symbol("mu3", real=True), sp.Symbol("varepsilon", real=True)
    log_series = sp.series(sp.log(1 + eps), eps, 0, 5).removeO()
    moments = {1: 0, 2: s2 / k, 3: mu3 / k**2, 4: 3 * s2**2 / k**2}  # E ε^j up to O(k^-3)
    bias = sp.expand(sum(log_series.coeff(eps, j) * moments[j] for j in moments))
    exponent = sp.limit(sp.simplify(k * sp.diff(bias, k) / bias), k, sp.oo)
    steps = (*exact.steps, r"so each term $e^{s_{i_j}}/q_{i_j}=Z$ and $\hat Z_k=\frac1k\sum_j Z=Z$ for every draw",
             r"$Q\ne P$: $\hat Z_k=Z(1+\varepsilon)$, $\mathbb E\varepsilon^2=\sigma^2/k$ ($\sigma^2=\chi^2(P\|Q)>0$), "
             r"$\mathbb E\varepsilon^3=\mu_3/k^2$, $\mathbb E\varepsilon^4=3\sigma^4/k^2+O(k^{-3})$",
             f"bias $= {sp.latex(bias)} + O(k^{{-3}})$",
             r"$\lim_{k\to\infty} \frac{d\log|\mathrm{bias}|}{d\log k}$" + f" $= {sp.latex(exponent)}$")
    outcome = symbolic.equals(exponent, ctx["slope"], what="log-log slope", steps=steps, scope=special_case("n = 2"))
    return Outcome(verdict=outcome.verdict, reason=outcome.reason + "; and Ẑ_k = Z exactly when Q = P",
                   statistics=outcome.statistics, counterexample=outcome.counterexample, steps=outcome.steps)


@check(SSM_UNBIASED_LIMIT, "property")
def exact_property(ctx: Context) -> Outcome:
    """With q = softmax(s), every draw of indices gives log Ẑ_k = log Z (float64, tolerance 1e-10)."""
    def holds(case: tuple[np.ndarray, list[int]]) -> bool | str:
        s, draws = case
        idx = [i % len(s) for i in draws]
        q = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
        log_zhat = math.log(float(np.mean(np.exp(s[idx]) / q[idx])))
        log_z = float(s.max() + np.log(np.exp(s - s.max()).sum()))
        gap = abs(log_zhat - log_z)
        return gap <= 1e-10 or f"|log Ẑ_k - log Z| = {gap:.3g} for k = {len(idx)}"

    case = st.tuples(logits(scale=10.0), st.lists(st.integers(0, 63), min_size=1, max_size=64))
    return prop.forall(ctx, case, holds, what="Ẑ_k = Z under Q = P")


class _Slope:
    """Estimator of the log-log slope of |bias| from running control-variate means, one per k.

    ``n`` categorical draws per k. While some grid point is not significantly
    nonzero the slope is not estimable: the estimate then has an infinite
    standard error, so the look neither refutes nor supports.
    """

    def __init__(self, ctx: Context) -> None:
        s, q = design()
        gen = ctx.generator()
        self.means = [seq.running_mean(ctx, lambda g, m, k=k: log_bias_samples(weight_error(s, q, k, m, g)), gen=gen,
                                       batch=max(1, (1 << 21) // k)) for k in K_GRID]
        self.biases: list[mc.Estimate] = []
        self.weak: list[int] = []
        self.fit_d = float("nan")

    def __call__(self, n: int) -> mc.Estimate:
        self.biases = [mean(max(n // k, 2)) for k, mean in zip(K_GRID, self.means)]
        self.weak = [k for k, b in zip(K_GRID, self.biases) if abs(b.value) <= mc.Z_CRIT * b.se]
        if self.weak:
            return mc.Estimate(float("nan"), float("inf"), n)
        logk = [math.log(k) for k in K_GRID]
        beta, beta_se = fit_wls([[1.0] * len(K_GRID), logk, [1.0 / k for k in K_GRID]],
                                [math.log(abs(b.value)) for b in self.biases],
                                [b.se / abs(b.value) for b in self.biases])
        self.fit_d = beta[2]
        return mc.Estimate(beta[1], beta_se[1], n)


@check(SSM_UNBIASED_LIMIT, "montecarlo")
def slope_montecarlo(ctx: Context) -> Outcome:
    """Estimate the bias on a grid of k (control variate), fit the log-log slope with a 1/k term, sequentially."""
    slope = _Slope(ctx)
    outcome = seq.sequential_compare(ctx, slope, ctx["slope"], resolution=0.15, what="log-log slope of |bias|",
                                     max_samples=DRAWS_PER_POINT * ctx.budget.samples, first=FIRST_LOOK,
                                     unit="categorical draws per k")
    biases = slope.biases
    figure = mc.rate_figure(title="|E log Ẑ_k − log Z|", x=K_GRID, xlabel="k", ylabel="|bias|", log=True,
                            estimates=[mc.Estimate(abs(b.value), b.se, b.n) for b in biases],
                            claimed=[abs(biases[0].value) * (k / K_GRID[0]) ** ctx["slope"] for k in K_GRID])
    stats = {**outcome.statistics, "k_grid": list(K_GRID), "bias": [b.value for b in biases],
             "bias_se": [b.se for b in biases], "fit_d": slope.fit_d,
             "total_draws": outcome.statistics["samples"] * len(K_GRID)}
    if slope.weak:
        return Outcome(verdict="inconclusive", statistics=stats, figures=(figure,),
                       reason=f"the bias is not significantly nonzero at k = {slope.weak} after "
                              f"{outcome.statistics['samples']} categorical draws per k: use a larger profile")
    return Outcome(verdict=outcome.verdict, reason=outcome.reason, counterexample=outcome.counterexample,
                   statistics=stats, figures=(figure,))
