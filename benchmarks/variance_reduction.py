"""Samples needed for the same resolution: plain Monte Carlo versus the variance-reduced estimators of the claims.

For each Monte Carlo constant (the SSM log-partition bias and variance coefficients, the slope of the bias,
the NCE optimal-value identity, the initial softmax loss) the per-draw variance of each estimator is measured
on a pilot run (one seed, one run of this script, the claims' own test problems), and turned into the number
of draws (categorical draws of the proposal; for NCE and init-loss, examples) that a fixed-sample design needs
for a confidence half-width ``Z_CRIT · se`` equal to the quick (5 %) and the standard (1 %) resolution of the
claims (``rel_resolution`` times the quantity's known scale). Ratios are between estimators measured in the
same run. The plain rate-fit estimators get their best (Neyman) allocation of draws over the k grid, so the
ratios do not reward a poor allocation.

Estimators: ``plain`` = sample means of log Ẑ_k - log Z (of the per-example loss), independent per k;
``cv`` = the control variates of the claims (ε with mean 0, ε² with mean χ²/k; log p_x; the first two
score moments), independent per k; ``cv+crn`` = the claims' estimators: control variates and common random
numbers (one row of nested draws serves every k), the fitted constant a fixed linear combination per row.

Usage: ``.venv/bin/python benchmarks/variance_reduction.py [--pilot 4000]``; writes
``results/variance_reduction.json`` and ``variance_reduction.md`` (a RESULTS.md section).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import environment, write  # noqa: E402

from claims.cs231n.init_loss import DIM  # noqa: E402
from claims.pu2026.nce_math import example_draws, optimum, population_loss  # noqa: E402
from claims.pu2026.rows import fit_weights, inverse_power_columns  # noqa: E402
from claims.pu2026.sampling import chi_square, design, doubling_grid, nested_weight_errors, weight_error  # noqa: E402
from verifiers.montecarlo import Z_CRIT  # noqa: E402

#: The claims' resolutions: relative to the quantity's known scale, at quick and standard.
RESOLUTIONS = {"quick": 0.05, "standard": 0.01}
#: The quick profile's Monte Carlo grid of k (as in the claims).
K_GRID = doubling_grid(16, 256)


def _draws_needed(cost_times_variance: float, half_width: float) -> int:
    """Draws for ``Z_CRIT · se = half_width`` when ``se² = cost_times_variance / draws``."""
    return math.ceil(cost_times_variance * (Z_CRIT / half_width) ** 2)


def _neyman(weights: np.ndarray, variances: np.ndarray, costs: np.ndarray) -> float:
    r"""min over allocations of (draws) × Var(Σ λ_k Ȳ_k) = (Σ |λ_k| σ_k √c_k)² (independent estimates per k)."""
    return float(np.sum(np.abs(weights) * np.sqrt(variances * costs)) ** 2)


def _rows(s: torch.Tensor, q: torch.Tensor, m: int, seed: int) -> torch.Tensor:
    """``m`` rows of ε at every k of the grid, nested (common random numbers)."""
    return nested_weight_errors(s, q, K_GRID, m, torch.Generator().manual_seed(seed))


def _independent(s: torch.Tensor, q: torch.Tensor, m: int, seed: int) -> list[torch.Tensor]:
    """``m`` independent draws of ε at each k (separate draws per k)."""
    gen = torch.Generator().manual_seed(seed)
    return [weight_error(s, q, k, m, gen) for k in K_GRID]


def ssm_constants(pilot: int) -> list[dict[str, Any]]:
    """Bias coefficient, variance coefficient and slope on the claims' n = 20 design."""
    s, q = design()
    chi2 = chi_square(s, q)
    ks = np.asarray(K_GRID, dtype=np.float64)
    lam = fit_weights(inverse_power_columns(K_GRID, 2), 0)
    eps_ind = _independent(s, q, pilot, 1)
    rows = _rows(s, q, pilot, 2).numpy()
    out = []

    # bias coefficient: -(lim k·bias)/χ², scale 1/2
    plain = np.array([float((k * torch.log1p(e)).var()) for k, e in zip(K_GRID, eps_ind)]) / chi2**2
    cv_y = [k * (torch.log1p(e) - e + 0.5 * e * e) for k, e in zip(K_GRID, eps_ind)]
    cv = np.array([float(y.var()) for y in cv_y]) / chi2**2
    y_rows = ks * (np.log1p(rows) - rows + 0.5 * rows**2)
    crn = float(np.var(y_rows @ lam, ddof=1)) / chi2**2 * K_GRID[-1]
    out.append(_entry("ssm-logz-bias: coefficient of -χ²/k", 0.5, "categorical draws",
                      _neyman(lam, plain, ks), _neyman(lam, cv, ks), crn))

    # variance coefficient: lim k·Var/χ², scale 1; per-replicate variance of k·(x - mean)² terms
    plain_v, cv_v = [], []
    for k, e in zip(K_GRID, eps_ind):
        log = torch.log1p(e)
        plain_v.append(float((k * (log - log.mean()) ** 2).var()))
        r = log - e
        cv_v.append(float((k * (2 * e * r + r * r) - 2 * k * float(r.mean()) * r).var()))
    r_rows = np.log1p(rows) - rows
    influence = (ks * (2 * rows * r_rows + r_rows**2) - 2 * ks * r_rows.mean(axis=0) * r_rows) @ lam
    out.append(_entry("ssm-logz-variance: coefficient of χ²/k", 1.0, "categorical draws",
                      _neyman(lam, np.array(plain_v) / chi2**2, ks), _neyman(lam, np.array(cv_v) / chi2**2, ks),
                      float(np.var(influence, ddof=1)) / chi2**2 * K_GRID[-1]))

    # slope of log|bias| in log k, scale 1: delta method with gradient μ_k / (k·bias_k)
    mu = fit_weights([[1.0] * len(K_GRID), list(np.log(ks)), list(1 / ks), list(1 / ks**2)], 1)
    kbias = y_rows.mean(axis=0) - chi2 / 2
    grad = mu / kbias
    plain_s = np.array([float((k * torch.log1p(e)).var()) for k, e in zip(K_GRID, eps_ind)])
    cv_s = np.array([float(y.var()) for y in cv_y])
    out.append(_entry("ssm-unbiased-limit: slope of log|bias|", 1.0, "categorical draws",
                      _neyman(grad, plain_s, ks), _neyman(grad, cv_s, ks),
                      float(np.var(y_rows @ grad, ddof=1)) * K_GRID[-1]))
    return out


def nce_constant(pilot: int) -> dict[str, Any]:
    """NCE optimal value J(log p) at k = 5 (n = 20, Q uniform), scale |J|."""
    s, _ = design()
    p = torch.softmax(s, dim=0)
    q = torch.full_like(p, 1.0 / len(p))
    losses, x = example_draws(p, q, 5, 50 * pilot, torch.Generator().manual_seed(3))
    control = p.log()[x]
    beta = float(torch.cov(torch.stack([losses, control]))[0, 1] / control.var())
    exact = population_loss(optimum(p.numpy()), p.numpy(), q.numpy(), 5)
    plain, cv = float(losses.var()), float((losses - beta * control).var())
    return _entry("nce-js-bias: J(log p), k = 5", abs(exact), "examples", plain, cv, None)


def init_loss_constant(pilot: int) -> dict[str, Any]:
    """E loss at C = 10, scale 0.001 (σ² = 0.0031); scale of the quantity: (1 - 1/C)σ²/2, its deviation from log C."""
    C, s2 = 10, 0.001**2 * DIM
    s = math.sqrt(s2) * torch.randn(50 * pilot, C, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    c = torch.randint(0, C, (50 * pilot, 1), generator=torch.Generator().manual_seed(5))
    loss = torch.logsumexp(s, dim=1) - s.gather(1, c).squeeze(1)
    centred = s - s.mean(dim=1, keepdim=True)
    controls = torch.stack([s.mean(dim=1) - s.gather(1, c).squeeze(1), (centred**2).sum(dim=1) / (2 * C)], dim=1)
    X = torch.cat([torch.ones(len(loss), 1, dtype=torch.float64), controls], dim=1)
    beta = torch.linalg.lstsq(X, loss.unsqueeze(1)).solution.squeeze(1)
    residual = loss - X @ beta
    return _entry("init-loss: E loss (C = 10, scale = 0.001)", (1 - 1 / C) * s2 / 2, "examples",
                  float(loss.var()), float(residual.var()), None)


def _entry(name: str, scale: float, unit: str, plain: float, cv: float, crn: float | None) -> dict[str, Any]:
    """Draws needed at each resolution for each estimator (``cost × variance`` per draw given)."""
    row: dict[str, Any] = {"constant": name, "scale": scale, "unit": unit,
                           "cost_x_variance": {"plain": plain, "cv": cv, "cv+crn": crn}}
    for prof, rel in RESOLUTIONS.items():
        half = rel * scale
        need = {k: (_draws_needed(v, half) if v is not None else None) for k, v in row["cost_x_variance"].items()}
        best = need["cv+crn"] or need["cv"]
        row[prof] = {"half_width": half, "draws": need, "ratio_plain_to_best": need["plain"] / best}
    return row


def markdown(data: dict[str, Any]) -> str:
    """The RESULTS.md section."""
    lines = ["## Variance reduction: draws needed for the same resolution (`variance_reduction.py`)", "",
             f"Draws a fixed-sample design needs for a confidence half-width (z = {data['z']:.2f}) equal to the "
             "claims' resolution (5 % at quick, 1 % at standard, relative to each quantity's known scale), from "
             f"per-draw variances measured in one run (pilot {data['pilot']:,} replicates per k; "
             f"{data['seconds']:.0f} s). *plain*: sample means, independent per k, best allocation over the grid; "
             "*cv*: the claims' control variates, independent per k; *cv+crn*: the claims' estimators "
             "(control variates and common random numbers across k). Units: categorical draws from the proposal "
             "(SSM) or examples (NCE, init loss).", "",
             "| constant | unit | plain (1 %) | cv (1 %) | cv+crn (1 %) | plain / best (1 %) | plain / best (5 %) |",
             "|---|---|---|---|---|---|---|"]
    fmt = lambda v: "—" if v is None else f"{v:,}"  # noqa: E731
    for r in data["constants"]:
        d = r["standard"]["draws"]
        lines.append(f"| {r['constant']} | {r['unit']} | {fmt(d['plain'])} | {fmt(d['cv'])} | {fmt(d['cv+crn'])} | "
                     f"{r['standard']['ratio_plain_to_best']:,.0f}× | {r['quick']['ratio_plain_to_best']:,.0f}× |")
    lines += ["", "The ratio is the same at both resolutions up to rounding (draws scale as 1/half-width²); the "
              "quick profile needs 25 times fewer draws than the 1 % column. The exact checks "
              "(enumeration of multinomial count vectors with Richardson extrapolation, no sampling) resolve the "
              "bias and variance coefficients to 1e-4 relative or better at quick and 1e-6 at standard, the slope "
              "to 0.8 % at quick and 2e-5 at standard.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; write the results JSON and the markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilot", type=int, default=4000, help="replicates per k in the pilot runs")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    constants = [*ssm_constants(args.pilot), nce_constant(args.pilot), init_loss_constant(args.pilot)]
    data = {"environment": environment(), "pilot": args.pilot, "z": Z_CRIT, "resolutions": RESOLUTIONS,
            "k_grid": list(K_GRID), "constants": constants, "seconds": time.perf_counter() - start}
    write("variance_reduction", data)
    print(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
