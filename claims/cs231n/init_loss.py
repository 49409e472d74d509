r"""With small initial weights, the expected softmax loss starts at :math:`\log C`.

CS231n lecture notes, "Softmax Classifier", sanity checks at initialization.

Hypothesis: a linear classifier :math:`s=Wx` with :math:`C` classes, weights
:math:`W_{jk}\overset{iid}{\sim}\mathcal N(0,\mathrm{scale}^2)`, inputs :math:`x\in\mathbb R^D`
standardized per example (:math:`\lVert x\rVert^2=D`, :math:`D=3072`), label :math:`c` independent of
:math:`W`; the weights are *small*: :math:`\sigma^2=\mathrm{scale}^2\lVert x\rVert^2\ll1` (the scores are then
nearly equal and the softmax nearly uniform).

Conclusion: :math:`|\mathbb E[-\log\mathrm{softmax}(Wx)_c]-\mathrm{fraction}\cdot\log C|\le\mathrm{tol}`
(the source: "near" :math:`\log C`, 2.302 for :math:`C=10`), with fraction = 1, tol = 0.01, scale = 0.001.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import sympy as sp
import torch

from claims.pu2026.rows import RunningRows
from verifiers import (
    NOT_APPLICABLE,
    SOURCE_STATEMENT,
    WHOLE,
    Context,
    Integer,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    Resolution,
    check,
    claim,
    instance,
)
from verifiers import montecarlo as mc
from verifiers import sequential as seq

#: Input dimension of a CIFAR-10 image (32 x 32 x 3).
DIM = 3072
#: Floating-point entries per Monte Carlo batch (draws x classes).
BATCH_ENTRIES = 1 << 22

JENSEN = Premise("Jensen's inequality: E f(Y) ≥ f(E Y) for convex f, E f(Y) ≤ f(E Y) for concave f",
                 "Billingsley, Probability and Measure, 3rd ed. (1995), eq. (5.34)")
LSE_CONVEX = Premise("log-sum-exp is convex (its Hessian diag(p) - ppᵀ is positive semidefinite)",
                     "Boyd & Vandenberghe, Convex Optimization (2004), Section 3.1.5")
GAUSSIAN_SCORES = Premise("given x, s_j = w_jᵀx with w_j ~ N(0, scale² I) independent is N(0, scale²‖x‖²), "
                          "independent across j",
                          "Billingsley, Probability and Measure, 3rd ed. (1995), Section 29 (normal distributions)")

INIT_LOSS = claim(
    id="cs231n/init-loss",
    title="Initial softmax loss with small weights is near log C",
    statement=r"\bigl|\mathbb{E}_{W,x,c}\big[-\log\mathrm{softmax}(Wx)_c\big]-\mathrm{fraction}\cdot\log C\bigr|"
              r"\le\mathrm{tol},\qquad W_{jk}\sim\mathcal N(0,\mathrm{scale}^2),\ \lVert x\rVert^2 = D,\ "
              r"\text{hypothesis: }\mathrm{scale}^2\lVert x\rVert^2\ll1",
    reference=Reference("cs231n", "Sanity checks at initialization",
                        "If is initialized small ( for all ), then , so: For CIFAR-10 (), the loss should start "
                        "near ."),
    origin=SOURCE_STATEMENT,
    notes="The seed says 'near log C' for weights 'initialized small'; we make both explicit. 'Small' is the "
          "hypothesis σ² = scale²‖x‖² ≪ 1 (σ² = 0.0031 at the defaults, D = 3072): the scores s_j = w_jᵀx are "
          "then N(0, σ²), nearly equal, and E loss = log C + (1 - 1/C)σ²/2 + O(σ⁴); for σ² of order 1 or more "
          "the loss starts well above log C and the claim is (correctly) refuted. 'Near' is |E loss - "
          "fraction·log C| ≤ tol (tol = 0.01 nats); fraction = 1 is the source's reading, and every check "
          "honours fraction, tol, C and scale. Data model: inputs standardized per example (zero mean, unit "
          "variance over their D pixels), so ‖x‖² = D and, given x, the scores are i.i.d. N(0, σ²); we sample "
          "them directly; the label c is independent of W (any fixed or uniform label gives E s_c = 0). "
          "Symbolic (exact bounds): E loss = E lse(s) since E s_c = 0; Jensen for the convex lse gives "
          "E lse(s) ≥ lse(0) = log C, Jensen for the concave log gives E log Σ exp(s_j) ≤ log(C·E exp(s_1)) = "
          "log C + σ²/2 (the normal mean of e^s computed by SymPy). If [log C, log C + σ²/2] lies inside "
          "[fraction·log C - tol, fraction·log C + tol] the statement is proved for these parameters; if it is "
          "disjoint from it, refuted; otherwise the bounds cannot decide and the check is skipped (the Monte Carlo "
          "check decides). Monte Carlo: an equivalence test (supported when the whole CI lies inside the band, "
          "refuted when it lies outside) with the group-sequential design of verifiers.sequential; control "
          "variates with known means (mean(s) - s_c, mean 0; (1/2C)Σ(s_j - mean s)², mean (1 - 1/C)σ²/2; "
          "coefficients fitted by least squares) remove the first- and second-order terms of the loss, so the "
          "half-width is orders of magnitude below the plain one. Resolution: twice the half-width projected for "
          "the last look (a band edge farther than that from E loss is always decided), stated relative to the "
          "known size (1 - 1/C)σ²/2 of E loss - log C. The negative control claims log(C)/2.",
    params={
        "C": Integer(10, 2, 100_000, doc="number of classes"),
        "scale": Real(0.001, 0.0, 1.0, exclude_min=True, doc="standard deviation of the initial weights"),
        "fraction": Real(1.0, 0.0, exclude_min=True, doc="claimed value is fraction * log C"),
        "tol": Real(0.01, 0.0, exclude_min=True, doc="how near (in nats) 'near log C' is"),
    },
    negative_controls=(NegativeControl("half-log-c", {"fraction": 0.5}, "the initial loss is log C, not log(C)/2"),),
    tags=("initialization", "sanity-check"),
)


def score_variance(ctx: Context) -> float:
    """σ² = scale²·‖x‖² = scale²·D: the variance of every score."""
    return ctx["scale"] ** 2 * DIM


def band(ctx: Context) -> tuple[float, float]:
    """The claimed band [fraction·log C − tol, fraction·log C + tol]."""
    centre = ctx["fraction"] * math.log(ctx["C"])
    return centre - ctx["tol"], centre + ctx["tol"]


@lru_cache(maxsize=1)
def gaussian_moments() -> tuple[bool, tuple[str, ...]]:
    r"""SymPy: for :math:`s\sim\mathcal N(0,\sigma^2)`, :math:`\mathbb Es=0` and :math:`\mathbb Ee^s=e^{\sigma^2/2}`."""
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    density = sp.exp(-y**2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
    mass, mean = sp.integrate(density, (y, -sp.oo, sp.oo)), sp.integrate(y * density, (y, -sp.oo, sp.oo))
    square = sp.expand(x - x**2 / (2 * sigma**2) - (sigma**2 / 2 - (x - sigma**2) ** 2 / (2 * sigma**2)))
    steps = (r"$s_j=w_j^\top x\sim\mathcal N(0,\sigma^2)$ i.i.d., $\sigma^2=\mathrm{scale}^2\lVert x\rVert^2$ "
             r"(premise)",
             rf"$\mathbb E s_c=\int y\,\varphi_\sigma(y)\,dy={sp.latex(mean)}$ (SymPy), so "
             r"$\mathbb E\,\mathrm{loss}=\mathbb E\,\mathrm{lse}(s)$",
             r"$\mathbb E\,\mathrm{lse}(s)\ge\mathrm{lse}(\mathbb E s)=\log C$ (Jensen, lse convex)",
             r"$x-\frac{x^2}{2\sigma^2}=\frac{\sigma^2}{2}-\frac{(x-\sigma^2)^2}{2\sigma^2}$ (checked), so "
             rf"$\mathbb Ee^{{s}}=e^{{\sigma^2/2}}\int\varphi_\sigma(y)\,dy=e^{{\sigma^2/2}}\cdot{sp.latex(mass)}$ "
             r"(SymPy, after the shift $y=x-\sigma^2$)",
             r"$\mathbb E\log\sum_je^{s_j}\le\log\sum_j\mathbb Ee^{s_j}=\log C+\sigma^2/2$ (Jensen, log concave)")
    return mean == 0 and mass == 1 and square == 0, steps


@check(INIT_LOSS, "symbolic")
def init_loss_symbolic(ctx: Context) -> Outcome:
    """Exact bounds log C ≤ E loss ≤ log C + σ²/2 (Jensen twice) against the band fraction·log C ± tol."""
    ok, steps = gaussian_moments()
    if not ok:
        return Outcome(verdict="inconclusive", reason="SymPy did not confirm the Gaussian moments", steps=steps)
    log_c, s2 = math.log(ctx["C"]), score_variance(ctx)
    low, high = log_c, log_c + s2 / 2
    band_low, band_high = band(ctx)
    stats = {"lower_bound": low, "upper_bound": high, "band": [band_low, band_high], "score_variance": s2}
    trail = (*steps, f"$\\mathbb E\\,\\mathrm{{loss}}\\in[{low:.6f},\\,{high:.6f}]$ at C = {ctx['C']}, "
                     f"σ² = {s2:.4g}; claimed band $[{band_low:.6f},\\,{band_high:.6f}]$")
    premises = (GAUSSIAN_SCORES, JENSEN, LSE_CONVEX)
    if band_low <= low and high <= band_high:
        return Outcome(verdict="proved", statistics=stats, steps=trail, scope=WHOLE, premises=premises,
                       resolution=Resolution(0.0, "E loss"),
                       reason=f"E loss lies in [{low:.6f}, {high:.6f}], inside fraction·log C ± tol = "
                              f"[{band_low:.6f}, {band_high:.6f}]")
    if high < band_low or low > band_high:
        return Outcome(verdict="refuted", statistics=stats, steps=trail, scope=WHOLE, premises=premises,
                       resolution=Resolution(0.0, "E loss"),
                       counterexample={"E_loss_interval": [low, high], "band": [band_low, band_high]},
                       reason=f"E loss lies in [{low:.6f}, {high:.6f}], outside fraction·log C ± tol = "
                              f"[{band_low:.6f}, {band_high:.6f}]")
    return Outcome(verdict="skipped", statistics=stats, steps=trail, scope=NOT_APPLICABLE,
                   reason=f"the exact bounds [{low:.6f}, {high:.6f}] straddle an edge of the band "
                          f"[{band_low:.6f}, {band_high:.6f}]: they cannot decide; the Monte Carlo check does")


def loss_draws(ctx: Context) -> Callable[[torch.Generator, int], torch.Tensor]:
    """Rows (loss, mean(s) − s_c, (1/2C)Σ(s_j − mean s)² − (1 − 1/C)σ²/2) for i.i.d. scores N(0, σ²), uniform label."""
    C, s2 = ctx["C"], score_variance(ctx)
    sigma, second = math.sqrt(s2), (1 - 1 / C) * s2 / 2

    def draw(gen: torch.Generator, size: int) -> torch.Tensor:
        s = sigma * torch.randn(size, C, generator=gen, dtype=torch.float64, device=gen.device)
        c = torch.randint(0, C, (size, 1), generator=gen, device=gen.device)
        centred = s - s.mean(dim=1, keepdim=True)
        first = s.mean(dim=1) - s.gather(1, c).squeeze(1)
        return torch.stack([torch.logsumexp(s, dim=1) - s.gather(1, c).squeeze(1), first,
                            (centred * centred).sum(dim=1) / (2 * C) - second], dim=1)

    return draw


class _ControlledLoss:
    """E loss from rows (loss, controls) with least-squares control-variate coefficients."""

    def __init__(self, ctx: Context) -> None:
        self.rows = RunningRows(loss_draws(ctx), ctx.generator(), batch=max(1, BATCH_ENTRIES // ctx["C"]))
        self.beta = np.zeros(2)

    def __call__(self, n: int) -> mc.Estimate:
        cov, mean = self.rows(n).cov, self.rows.mean
        try:
            self.beta = np.linalg.solve(cov[1:, 1:], cov[1:, 0])
        except np.linalg.LinAlgError:
            self.beta = np.zeros(2)
        return self.rows.delta(float(mean[0] - self.beta @ mean[1:]), np.concatenate([[1.0], -self.beta]))


@check(INIT_LOSS, "montecarlo")
def init_loss_montecarlo(ctx: Context) -> Outcome:
    """Equivalence test of E loss against fraction·log C ± tol, with control variates (sequentially)."""
    C, s2 = ctx["C"], score_variance(ctx)
    estimator = _ControlledLoss(ctx)
    out = seq.sequential_equivalence(ctx, estimator, ctx["fraction"] * math.log(C), margin=ctx["tol"],
                                     what="E loss", first=max(seq.FIRST_LOOK, ctx.budget.samples // 25))
    stats = out.statistics
    last = seq.design(stats["max_samples"], first=max(seq.FIRST_LOOK, ctx.budget.samples // 25))
    projected = 2 * last.z[-1] * stats["se"] * math.sqrt(stats["n"] / stats["max_samples"])
    size = (1 - 1 / C) * s2 / 2
    resolution = Resolution(projected, "distance of E loss from an edge of the band", last.alpha,
                            projected / size if size > 0 else None)
    return out.but(resolution=resolution, scope=instance(f"C = {C}, σ² = scale²·D = {s2:.4g}"),
                   statistics={**stats, "tol": ctx["tol"], "log_C": math.log(C), "score_variance": s2,
                               "second_order_prediction": math.log(C) + size,
                               "cv_coefficients": estimator.beta.tolist(),
                               "control_variates": "mean(s) - s_c (mean 0), (1/2C)Σ(s_j - mean s)² "
                                                   "(mean (1 - 1/C)σ²/2)"})
