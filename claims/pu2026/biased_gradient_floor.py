r"""Gradient descent with a bounded gradient bias stalls at distance β/μ from the optimum, and no closer.

Pu, Lian & Chen, arXiv 2601.22745 (seed, Open Question 2: sampling methods "do not guarantee universally equal
or faster convergence" despite favorable spectral norms, because "practical convergence rates are further
affected by the bias introduced by sampling"). Our finding (a standard inexact-gradient argument, with the
sharp constant).

Hypothesis: :math:`f` μ-strongly convex and L-smooth on :math:`\mathbb R^d`, minimizer :math:`x^*`;
:math:`x_{t+1}=x_t-\eta(\nabla f(x_t)+b_t)` with :math:`\lVert b_t\rVert\le\beta` and
:math:`0<\eta\le2/(\mu+L)`.

Conclusion: :math:`\limsup_t\lVert x_t-x^*\rVert\le\beta/\mu` for every such :math:`f`, :math:`b` and
:math:`\eta`, with equality for :math:`f=\frac\mu2\lVert x\rVert^2` and a constant bias: the sharp radius is
:math:`\mathrm{radius\_factor}\cdot\beta/\mu` with radius_factor = 1, independent of L and η.
"""

from __future__ import annotations

import sympy as sp
import torch

from claims.pu2026.dynamics import descend, steps_for
from verifiers import (
    OUR_FINDING,
    WHOLE,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)

#: Relative tolerance on limsup distance / (β/μ) (runs are long enough for a 1e-12 transient).
REL_TOL = 1e-6
BIASES = ("constant", "alternating", "random", "outward")
#: Largest dimension run (the radius does not depend on d; dense d×d Hessians cost d² per row and step).
MAX_DIM = 64
#: Points drawn per trajectory in the figure (geometrically spaced steps).
FIGURE_POINTS = 40

BIASED_GRADIENT_FLOOR = claim(
    id="pu2026/biased-gradient-floor",
    title="Biased gradient descent converges into the ball of radius β/μ around the optimum, and no smaller",
    statement=r"\limsup_{t\to\infty}\lVert x_t-x^*\rVert\le\frac{\beta}{\mu}\ \text{ for all admissible } f,b,\eta,"
              r"\qquad \sup_{f,b}\ \limsup_{t}\lVert x_t-x^*\rVert=\mathrm{radius\_factor}\cdot\frac{\beta}{\mu},"
              r"\ \mathrm{radius\_factor}=1",
    reference=Reference("pu2026", "Open Question 2",
                        "sampling methods \"do not guarantee universally equal or faster convergence, and empirical "
                        "tuning remains necessary\" despite favorable Jacobian spectral norms, because \"practical "
                        "convergence rates are further affected by the bias introduced by sampling.\""),
    origin=OUR_FINDING,
    notes="Formalizes why a favourable smoothness constant does not buy convergence to the optimum under a sampling "
          "bias. For 0 < η ≤ 2/(μ+L) the step x ↦ x - η∇f(x) contracts distances to x* by ρ = 1 - ημ (mean-value "
          "form of the gradient, Hessian spectrum in [μ, L]: max(|1 - ημ|, |1 - ηL|) = 1 - ημ exactly when "
          "η ≤ 2/(μ+L)), so e(t+1) ≤ ρe(t) + ηβ and limsup e(t) ≤ ηβ/(1 - ρ) = β/μ; f = μ‖x‖²/2 with a constant "
          "bias b stops exactly at x = -b/μ. The radius does not depend on L or η (for larger η, beyond 2/(μ+L), "
          "an oscillating bias can push further: the hypothesis is needed). `radius_factor` scales the claimed "
          "sharp radius (1 true; 0.5, the control, is contradicted by the quadratic; values above 1 are refuted as "
          "not sharp). The property check runs the biased iteration (claims.pu2026.dynamics, float64, batched) on "
          "quadratics with random spectra in [μ, L] (one eigenvalue exactly μ) and on μ‖x - c‖²/2 + "
          "(L - μ)Σ log cosh(x_i - c'_i) (curvature in [μ, L], minimizer by unbiased GD), d ∈ {1, 2, 8, "
          f"min(max_n, {MAX_DIM})}}, "
          "μ ∈ [0.1, 1], L/μ ∈ [1, 10], β ∈ [0.01, 10], η ∈ {2/(μ+L), 1/L, a random value in [1/(2L), 2/(μ+L)]}, "
          "biases constant, sign-alternating, random (norm β) and outward (β along x_t - x*); T is sized so the "
          "transient ρ^T e_0 is below 10⁻¹² β/μ, and the limsup is the largest distance over the last 10 % of the "
          f"run. Decision: max limsup/(β/μ) must equal radius_factor within {REL_TOL:g} (the resolution). "
          "Figure: the distance to x* in units of β/μ along a run whose limsup is the largest (within the "
          "resolution; of those, the one with the longest transient), log-log, the claimed sharp "
          "radius dashed.",
    params={"radius_factor": Real(1.0, 0.0, exclude_min=True, doc="claimed sharp radius in units of β/μ")},
    negative_controls=(
        NegativeControl("half-radius", {"radius_factor": 0.5},
                        "radius β/(2μ): the quadratic μ‖x‖²/2 with a constant bias stops at distance β/μ"),
    ),
    tags=("gradient-dynamics", "sampling-bias", "open-question"),
)

PREMISES = (Premise("∇f(x) - ∇f(x*) = H̄(x - x*) with H̄ the mean Hessian on the segment, μI ⪯ H̄ ⪯ LI, so "
                    "‖x - η∇f(x) - x*‖ ≤ max(|1 - ημ|, |1 - ηL|)‖x - x*‖",
                    "Nesterov 2004, Introductory Lectures on Convex Optimization, Thm 2.1.6 and 2.1.11"),)


@check(BIASED_GRADIENT_FLOOR, "symbolic")
def floor_symbolic(ctx: Context) -> Outcome:
    """ρ = 1 - ημ for η ≤ 2/(μ+L); fixed point of e ↦ ρe + ηβ is β/μ; the quadratic attains it."""
    eta, mu, lip, beta, e, x = sp.symbols("eta mu L beta e x", positive=True)
    rho = 1 - eta * mu
    pieces = [
        symbolic.identity((1 - eta * lip) + rho, (lip + mu) * (2 / (lip + mu) - eta), scope=WHOLE,
                          steps=(r"$(1-\eta L)+(1-\eta\mu) = (L+\mu)(\frac{2}{L+\mu}-\eta)\ge0$ for "
                                 r"$\eta\le\frac{2}{\mu+L}$, and $1-\eta L\le1-\eta\mu$: "
                                 r"$\max(|1-\eta\mu|,|1-\eta L|) = 1-\eta\mu = \rho$",)),
        symbolic.identity(sp.solve(sp.Eq(e, rho * e + eta * beta), e)[0], beta / mu, scope=WHOLE,
                          steps=(r"$e_{t+1}\le\rho e_t+\eta\beta$: $e_t\le\rho^te_0+\frac{\eta\beta}{1-\rho}"
                                 r"(1-\rho^t)$, fixed point $\frac{\eta\beta}{\eta\mu}$",)),
        symbolic.identity(sp.solve(sp.Eq(mu * x - beta, 0), x)[0], beta / mu, scope=WHOLE,
                          steps=(r"sharp: $f=\frac\mu2x^2$, $b_t\equiv-\beta$: the iteration stops where "
                                 r"$\mu x-\beta=0$, at distance $\beta/\mu$ for every $\eta<2/\mu$",)),
    ]
    steps = tuple(step for piece in pieces for step in piece.steps)
    failed = next((piece for piece in pieces if piece.verdict != "proved"), None)
    if failed is not None:
        return failed.but(steps=steps)
    return symbolic.equals(sp.Integer(1), ctx["radius_factor"], what="sharp radius in units of β/μ", scope=WHOLE,
                           steps=steps, premises=PREMISES)


def problems(d: int, gen: torch.Generator) -> dict[str, torch.Tensor]:
    """Two quadratics (one eigenvalue exactly μ) and two log-cosh problems of dimension d; their μ, L, x*."""
    mu = 0.1 + 0.9 * torch.rand(4, generator=gen, dtype=torch.float64)
    lip = mu * (1 + 9 * torch.rand(4, generator=gen, dtype=torch.float64))
    lip[0] = mu[0]
    q, _ = torch.linalg.qr(torch.randn(4, d, d, generator=gen, dtype=torch.float64))
    spectrum = mu.unsqueeze(-1) + (lip - mu).unsqueeze(-1) * torch.rand(4, d, generator=gen, dtype=torch.float64)
    spectrum[:, 0], spectrum[:, -1] = mu, lip
    hessian = q @ torch.diag_embed(spectrum) @ q.transpose(-1, -2)
    centre = torch.randn(4, d, generator=gen, dtype=torch.float64)
    shift = torch.randn(4, d, generator=gen, dtype=torch.float64)
    kind = torch.tensor([0, 0, 1, 1])
    return {"mu": mu, "L": lip, "hessian": hessian, "centre": centre, "shift": shift, "kind": kind}


def gradient(p: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """∇f: A(x - c) for quadratics, μ(x - c) + (L - μ) tanh(x - c') for log-cosh problems (rows of ``p``)."""
    quad = (p["hessian"] @ (x - p["centre"]).unsqueeze(-1)).squeeze(-1)
    soft = p["mu"].unsqueeze(-1) * (x - p["centre"]) + (p["L"] - p["mu"]).unsqueeze(-1) * torch.tanh(x - p["shift"])
    return torch.where((p["kind"] == 0).unsqueeze(-1), quad, soft)


def minimizers(p: dict[str, torch.Tensor]) -> torch.Tensor:
    """x* of every problem (unbiased GD at η = 2/(μ+L) to gradient norm 1e-13)."""
    eta = 2 / (p["mu"] + p["L"])
    rate = float(((p["L"] - p["mu"]) / (p["L"] + p["mu"])).max())
    run = descend(lambda x, _t: gradient(p, x), p["centre"].clone(), eta, steps_for(rate, 100.0, 1e-13), tol=1e-13)
    return run.final


def expand(p: dict[str, torch.Tensor], times: int) -> dict[str, torch.Tensor]:
    """Every problem repeated ``times`` times (rows for the bias kinds and steps)."""
    return {k: v.repeat_interleave(times, 0) for k, v in p.items()}


def biased_runs(ctx: Context, d: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """limsup distance / (β/μ) for every (problem, bias kind, step) row of dimension d, and the distance / (β/μ)
    at every step of the row with the largest limsup."""
    base = problems(d, gen)
    star = minimizers(base)
    base["softest"] = torch.linalg.eigh(base["hessian"]).eigenvectors[..., :, 0]  # each quadratic's μ-eigenvector
    per = len(BIASES) * 3
    p, star = expand(base, per), star.repeat_interleave(per, 0)
    rows = len(star)
    beta = 10.0 ** (-2 + 3 * torch.rand(rows, generator=gen, dtype=torch.float64))
    top = 2 / (p["mu"] + p["L"])
    choice = torch.arange(rows) % 3
    eta = torch.where(choice == 0, top, torch.where(choice == 1, 1 / p["L"], 0.5 / p["L"] + (top - 0.5 / p["L"])
                                                    * torch.rand(rows, generator=gen, dtype=torch.float64)))
    kind = (torch.arange(rows) // 3) % len(BIASES)
    direction = torch.randn(rows, d, generator=gen, dtype=torch.float64)
    direction = direction / torch.linalg.vector_norm(direction, dim=-1, keepdim=True)
    direction = torch.where((p["kind"] == 0).unsqueeze(-1), p["softest"], direction)
    rho = float((1 - eta * p["mu"]).max())
    start = star + torch.randn(rows, d, generator=gen, dtype=torch.float64)
    far = float(torch.linalg.vector_norm(start - star, dim=-1).max())
    steps = steps_for(rho, far, 1e-12 * float((beta / p["mu"]).min()), extra=50)
    noise = torch.Generator().manual_seed(int(torch.randint(2**31 - 1, (1,), generator=gen)))

    def bias(x: torch.Tensor, t: int) -> torch.Tensor:
        rand = torch.randn(rows, d, generator=noise, dtype=torch.float64)
        away = x - star
        options = torch.stack([direction, direction * (-1.0) ** t,
                               rand / torch.linalg.vector_norm(rand, dim=-1, keepdim=True),
                               away / torch.linalg.vector_norm(away, dim=-1, keepdim=True).clamp_min(1e-300)])
        return beta.unsqueeze(-1) * options[kind, torch.arange(rows)]

    run = descend(lambda x, t: gradient(p, x) + bias(x, t), start, eta, steps, tol=0.0, stop_when_converged=False,
                  observe={"distance": lambda x: torch.linalg.vector_norm(x - star, dim=-1)})
    tail = run.observed["distance"][-max(10, steps // 10):]
    ratios = tail.max(0).values / (beta / p["mu"])
    paths = run.observed["distance"] / (beta / p["mu"])
    attained = ratios >= ratios.max() * (1 - REL_TOL)
    transient = (paths[1:] / paths[-1]).log().abs().sum(0)  # how long and how far a run is from its final radius
    shown = int(torch.where(attained, transient, -torch.inf).argmax())
    return ratios, paths[:, shown]


def trajectory_figure(path: torch.Tensor, claimed: float, runs: int) -> dict[str, object]:
    """Distance / (β/μ) vs step (geometric steps, log-log) along the run with the largest limsup, claimed dashed."""
    steps = torch.unique(torch.logspace(0, float(torch.log10(torch.tensor(len(path) - 1.0))), FIGURE_POINTS,
                                        dtype=torch.float64).round().long())
    values = path[steps]
    return {"kind": "line", "log": True, "x": steps.tolist(), "y": values.tolist(), "claimed": [claimed] * len(steps),
            "xlabel": "step t", "ylabel": "‖x_t - x*‖ / (β/μ)",
            "title": f"Distance to x* / (β/μ) on a run with the largest limsup ({runs} runs)"}


@check(BIASED_GRADIENT_FLOOR, "property")
def floor_property(ctx: Context) -> Outcome:
    """Biased GD on strongly convex problems: limsup distance ≤ β/μ everywhere, = β/μ on the sharp instance."""
    gen, sizes = ctx.generator(), sorted({1, 2, 8, min(ctx.budget.max_n, MAX_DIM)})
    runs = [biased_runs(ctx, d, gen) for d in sizes]
    ratios = torch.cat([r for r, _ in runs])
    worst, claimed = float(ratios.max()), ctx["radius_factor"]
    path = max(runs, key=lambda r: float(r[0].max()))[1]
    stats = {"runs": len(ratios), "largest_limsup_over_beta_mu": worst, "claimed_factor": claimed}
    common = {"statistics": stats, "resolution": Resolution(REL_TOL, "limsup distance / (β/μ)", relative=REL_TOL),
              "figures": (trajectory_figure(path, claimed, len(ratios)),),
              "explored": {"d": sizes, "biases": list(BIASES), "mu": [0.1, 1.0], "L_over_mu": [1.0, 10.0],
                           "beta": [0.01, 10.0]}}
    if worst > claimed * (1 + REL_TOL):
        return Outcome(verdict="refuted", reason=f"a run stayed at {worst:.9g}·β/μ > {claimed:g}·β/μ from x*",
                       counterexample={"limsup_over_beta_mu": worst}, **common)
    if worst < claimed * (1 - REL_TOL):
        return Outcome(verdict="refuted", reason=f"no run came closer than {worst:.9g}·β/μ to the claimed sharp "
                                                 f"radius {claimed:g}·β/μ (the radius is not sharp)",
                       counterexample={"limsup_over_beta_mu": worst}, **common)
    return Outcome(verdict="supported", **common,
                   reason=f"every run stayed within β/μ (largest limsup {worst:.9g}·β/μ, attained by the quadratic "
                          "with a constant bias along its μ-eigenvector)")
