r"""Sparse Fenchel-Young losses reach exactly zero at a finite margin 1/(α-1); the softmax loss never does.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "Verify that Sparsemax converges in fewer epochs"; sparse losses
"may offer fast convergence"). Our formalization of the mechanism; the margin is a literature result
(Blondel, Martins & Niculae 2020, Prop. 6 for sparsemax; Peters, Niculae & Martins 2019 for α-entmax).

Hypothesis: one-hot target :math:`e_y`, :math:`s\in\mathbb R^n`, :math:`\alpha\in(1,2]`, :math:`L_\alpha` the
α-entmax (Tsallis) Fenchel-Young loss; gradient descent on the logits with constant step :math:`\eta`.

Conclusion: :math:`L_\alpha(s;e_y)=0\iff s_y-\max_{j\ne y}s_j\ge\mathrm{margin}=1/(\alpha-1)`; the softmax
loss :math:`\log(1+\sum_{j\ne y}e^{s_j-s_y})>0` for every finite :math:`s`; along gradient descent the
α-entmax loss is zero exactly at the steps whose margin is at least :math:`1/(\alpha-1)`, the softmax loss at
none; for sparsemax (:math:`\alpha=2`) and :math:`\eta\ge1` the loss is zero at most one step after the label
enters the support, so after finitely many steps from every start.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.dynamics import descend
from claims.pu2026.maps import fy_loss, prediction_map
from verifiers import (
    SOURCE_STATEMENT,
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
from verifiers import property as prop
from verifiers.params import Derived, resolve
from verifiers.strategies import budget_logits

#: Gradient-descent steps per trajectory, and starts per GD example.
GD_STEPS, GD_STARTS = 60, 8
#: Number of classes of the GD path drawn in the figures.
FIGURE_N = 3

SEPARATION_MARGIN = claim(
    id="pu2026/separation-margin",
    title="α-entmax losses are exactly zero beyond the margin 1/(α-1); the softmax loss never is",
    statement=r"L_\alpha(s;e_y)=0\iff s_y-\max_{j\ne y}s_j\ge\mathrm{margin}=\frac1{\alpha-1}\ (\alpha\in(1,2]);"
              r"\qquad -\log\mathrm{softmax}(s)_y>0\ \ \forall s\in\mathbb R^n",
    reference=Reference("pu2026", "First 3 experiments",
                        "Verify that Sparsemax converges in fewer epochs but Softmax achieves higher peak stability"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization of the mechanism behind 'converges in fewer epochs': a sparse loss reaches exactly "
          "zero at finite logits, the softmax loss only in the limit. α-entmax: p_i = [(α-1)s_i - τ]_+ ^ (1/(α-1)), "
          "so p = e_y (equivalently L = 0, pu2026/fy-basics) iff (α-1)(s_y - s_j) ≥ 1 for every j ≠ y. GD on the "
          "logits: for sparsemax with η ≥ 1, once the label is in the support every class in the support gets "
          "margin d + η(1 - d) ≥ 1 and every class outside it 1 + τ - s_j + (η-1)(1 - p_y) ≥ 1, so the next loss "
          "is 0 (for η < 1 the support gaps shrink by the factor 1 - η per step instead: no finite-step claim is "
          "made). The property check (a) searches logits (the profile's families, with the gaps 1/(α-1) and the "
          "claimed margin and their neighbourhoods drawn often) and random labels for a disagreement between "
          "'p = e_y' (exact zeros of the map: sparsemax, exact 1.5-entmax, else bisection with 100 halvings) and "
          "'margin ≥ claimed margin'; (b) runs GD from random starts (step `step`, "
          f"{GD_STEPS} steps, {GD_STARTS} starts per example) and checks the same equivalence at every step, "
          "the positivity of the softmax loss at every step (in log space, so it survives underflow), and, for "
          "α = 2, η ≥ 1, that the loss is zero one step after the label enters the support. Points whose margin "
          "lies within δ of the claimed one are not scored: δ = max(10⁻⁹(1 + max|s|), 10^(-290(α-1))/(α-1)) (float64 "
          "resolves p_j = ((α-1)·gap) ^ (1/(α-1)) only above that); δ is the check's resolution. The control "
          "margin = α - 1 is a plausible misreading (it coincides with 1/(α-1) only at α = 2). Figures: the margin "
          f"(the claimed margin dashed) and the α-entmax loss along one GD path with n = {FIGURE_N} (one whose loss "
          "becomes exactly 0 when there is one, else, of those starting with a positive loss, the one ending with "
          "the largest margin).",
    params={
        "alpha": Real(1.5, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (2: sparsemax)"),
        "margin": Derived(None, 0.0, exclude_min=True, rule="1/(α - 1)",
                          doc="claimed score margin beyond which the loss is exactly zero"),
        "step": Real(1.0, 0.0, exclude_min=True, doc="gradient-descent step on the logits"),
    },
    negative_controls=(
        NegativeControl("margin-alpha-minus-1", {"margin": 0.5},
                        "margin α - 1 = 0.5 at α = 1.5 (the true margin is 1/(α-1) = 2)"),
    ),
    tags=("fenchel-young", "gradient-dynamics", "sparsity"),
)

PREMISES = (
    Premise("α-entmax(s)_i = [(α-1)s_i - τ]_+^{1/(α-1)} with τ normalizing", "Peters, Niculae & Martins 2019, ACL"),
    Premise("L_Ω(s;y) = 0 iff ŷ_Ω(s) = y", "Blondel, Martins & Niculae 2020, Prop. 2 (checked by pu2026/fy-basics)"),
)


def claimed_margin(ctx: Context) -> float:
    """The claimed margin (1/(α-1) when ``margin=auto``)."""
    return resolve(ctx["margin"], lambda: 1.0 / (ctx["alpha"] - 1.0))


@check(SEPARATION_MARGIN, "symbolic")
def separation_symbolic(ctx: Context) -> Outcome:
    """Solve for the margin at which p = e_y; softmax loss log(1 + R) > 0; the sparsemax one-step identities."""
    a, r, eta, d = sp.Symbol("alpha", positive=True), sp.Symbol("R", positive=True), sp.Symbol("eta"), sp.Symbol("d")
    m, sy = sp.symbols("m s_y", real=True)
    (derived,) = sp.solve(sp.Eq((a - 1) * (sy - m) - ((a - 1) * sy - 1), 0), m)
    one_step = symbolic.identity(1 - (d + eta * (1 - d)), (1 - eta) * (1 - d), scope=WHOLE,
                                 steps=(r"sparsemax, label in the support, class $j$ in it: margin "
                                        r"$d\mapsto d+\eta(1-d)$ and $1-d' = (1-\eta)(1-d)\le0$ for $\eta\ge1$",))
    steps = (r"$p=e_y$ iff $\tau=(\alpha-1)s_y-1$ and $(\alpha-1)s_j-\tau\le0$ for all $j\ne y$, i.e. "
             f"$s_y-s_j\\ge {sp.latex(derived)}$",
             r"softmax: $L=\log(1+R)$, $R=\sum_{j\ne y}e^{s_j-s_y}>0$, and $\log(1+R)>0$: "
             f"{sp.log(1 + r).is_positive}", *one_step.steps)
    if not sp.log(1 + r).is_positive or one_step.verdict != "proved":
        return Outcome(verdict="inconclusive", reason="SymPy did not confirm a step", steps=steps)
    value = derived.subs(a, sp.nsimplify(ctx["alpha"], rational=True))
    return symbolic.equals(value, claimed_margin(ctx), what=f"margin at α = {ctx['alpha']:g}", scope=WHOLE,
                           steps=steps, premises=PREMISES)


def resolution_gap(alpha: float, s: np.ndarray) -> float:
    """The smallest |margin - claimed margin| scored: float64 must resolve τ and ((α-1)·gap)^{1/(α-1)}."""
    return max(1e-9 * (1.0 + float(np.abs(s).max())), 10.0 ** (-290.0 * (alpha - 1.0)) / (alpha - 1.0))


def entmax_name(alpha: float) -> str:
    """The map's name: exact sparsemax / 1.5-entmax, else bisection ("entmax")."""
    return {2.0: "sparsemax", 1.5: "entmax15"}.get(float(alpha), "entmax")


def entmax_map(alpha: float):  # noqa: ANN201 - a torch map
    """α-entmax: exact sparsemax / 1.5-entmax, else bisection."""
    return prediction_map(entmax_name(alpha), alpha)


def margins(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """s_y - max_{j≠y} s_j row by row."""
    others = s.scatter(-1, y.reshape(-1, 1), -torch.inf)
    return s.gather(-1, y.reshape(-1, 1)).squeeze(-1) - others.max(-1).values


def disagreement(ctx: Context, s: torch.Tensor, y: torch.Tensor) -> int | None:
    """The first row where 'p = e_y' and 'margin ≥ claimed' disagree (outside the gray zone), or ``None``."""
    with torch.no_grad():
        p = entmax_map(ctx["alpha"])(s)
    hot = p.gather(-1, y.reshape(-1, 1)).squeeze(-1) == p.sum(-1)
    zero = hot & ((p > 0).sum(-1) == 1)
    gap = margins(s, y) - claimed_margin(ctx)
    delta = resolution_gap(ctx["alpha"], s.numpy())
    wrong = (gap.abs() > delta) & (zero != (gap > 0))
    rows = torch.nonzero(wrong).flatten()
    return int(rows[0]) if len(rows) else None


@st.composite
def labelled(draw: st.DrawFn, ctx: Context) -> tuple[np.ndarray, int]:
    """Logits (gaps at 1/(α-1) and at the claimed margin drawn often) and a label."""
    gaps = sorted({1.0 / (ctx["alpha"] - 1.0), claimed_margin(ctx)})
    s = draw(budget_logits(ctx.budget, gaps=gaps, scale=max(10.0, 2 * max(gaps))))
    return s, draw(st.integers(0, len(s) - 1))


def gd_starts(n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``GD_STARTS`` random starts of size n at scales 0.1 to 100, with random labels."""
    scale = 10.0 ** torch.arange(-1, 3, dtype=torch.float64).repeat(GD_STARTS // 4 + 1)[:GD_STARTS]
    starts = torch.randn(GD_STARTS, n, generator=gen, dtype=torch.float64) * scale.unsqueeze(-1)
    return starts, torch.randint(n, (GD_STARTS,), generator=gen)


def trajectory_problem(ctx: Context, starts: torch.Tensor, label: torch.Tensor) -> tuple[dict | None, dict]:
    """GD from ``starts``: zero loss ⇔ margin ≥ claimed at every step, softmax positivity, the one-step rule.

    Returns the first violation (or ``None``) and the paths: iterates (steps + 1, B, n) and 'p = e_y' per step.
    """
    link, target = entmax_map(ctx["alpha"]), torch.nn.functional.one_hot(label, starts.shape[-1]).to(torch.float64)
    seen: dict[str, list[torch.Tensor]] = {"separated": [], "in_support": [], "wrong": [], "softmax_log_loss": [],
                                           "x": [], "zero": []}

    def grad(x: torch.Tensor, _t: int) -> torch.Tensor:
        with torch.no_grad():
            p = link(x)
        py = p.gather(-1, label.reshape(-1, 1)).squeeze(-1)
        zero = (py > 0) & ((p > 0).sum(-1) == 1)
        seen["x"].append(x)
        seen["zero"].append(zero)
        gap, delta = margins(x, label) - claimed_margin(ctx), resolution_gap(ctx["alpha"], x.numpy())
        seen["separated"].append(gap >= -delta)
        seen["in_support"].append(py > 0)
        seen["wrong"].append((gap.abs() > delta) & (zero != (gap > 0)))
        seen["softmax_log_loss"].append(torch.logsumexp(x.scatter(-1, label.reshape(-1, 1), -torch.inf)
                                                        - x.gather(-1, label.reshape(-1, 1)), -1))
        return p - target

    descend(grad, starts, ctx["step"], GD_STEPS, tol=0.0, stop_when_converged=False)
    stacked = {k: torch.stack(v) for k, v in seen.items()}
    paths = {"x": stacked["x"], "zero": stacked["zero"], "label": label}
    return _trajectory_verdict(ctx, stacked, starts, label), paths


def path_figures(ctx: Context, paths: dict) -> tuple[dict, dict]:
    """The margin and the α-entmax loss along one GD path: one whose loss becomes exactly 0, else, of the paths
    whose loss is not 0 at the start, the one that ends with the largest margin."""
    zero, x = paths["zero"], paths["x"]
    score = margins(x[-1], paths["label"]).clamp(-1e6, 1e6) + 4e6 * (~zero[0] & zero[-1]) - 2e6 * zero[0]
    row = int(score.argmax())
    x, label = x[:, row], paths["label"][row].expand(len(x))
    steps = list(range(len(x)))
    margin = margins(x, label)
    with torch.no_grad():
        loss = fy_loss(entmax_name(ctx["alpha"]), x, torch.nn.functional.one_hot(label, x.shape[-1]).to(x.dtype),
                       ctx["alpha"])
    claimed = claimed_margin(ctx)
    hot, above = torch.nonzero(zero[:, row]).flatten(), torch.nonzero(margin >= claimed).flatten()
    when = f"exactly 0 from step {int(hot[0])}" if len(hot) else f"not exactly 0 in {len(x)} steps"
    cross = f"reaches the claimed {claimed:.4g} at step {int(above[0])}" if len(above) else \
        f"stays below the claimed {claimed:.4g}"
    return ({"kind": "line", "x": steps, "y": margin.tolist(), "claimed": [claimed] * len(x), "xlabel": "GD step t",
             "ylabel": "s_y - max_(j≠y) s_j", "title": f"Margin along a GD path (n = {x.shape[-1]}): {cross}"},
            {"kind": "line", "x": steps, "y": loss.tolist(), "xlabel": "GD step t", "ylabel": "L_α(s_t; e_y)",
             "title": f"α-entmax loss (α = {ctx['alpha']:g}) on that path: {when}"})


def _trajectory_verdict(ctx: Context, seen: dict[str, torch.Tensor], starts: torch.Tensor,
                        label: torch.Tensor) -> dict | None:
    """The first recorded violation (see :func:`trajectory_problem`), described."""
    def where(mask: torch.Tensor, what: str) -> dict:
        step, row = (int(v) for v in torch.nonzero(mask)[0])
        return {"what": what, "step": step, "start": starts[row].tolist(), "label": int(label[row])}

    if bool(seen["wrong"].any()):
        return where(seen["wrong"], f"zero loss and margin ≥ {claimed_margin(ctx):g} disagree on a GD path")
    if not bool(torch.isfinite(seen["softmax_log_loss"]).all()):
        return where(~torch.isfinite(seen["softmax_log_loss"]), "the softmax loss reached 0 on a GD path")
    if ctx["alpha"] == 2.0 and ctx["step"] >= 1.0:
        entered = seen["in_support"].double().argmax(0)
        after = (entered + 1).clamp_max(seen["separated"].shape[0] - 1)
        late = seen["in_support"].any(0) & (entered + 1 < seen["separated"].shape[0]) & \
            ~seen["separated"].gather(0, after.unsqueeze(0)).squeeze(0)
        if bool(late.any()):
            row = int(torch.nonzero(late)[0])
            return {"what": "sparsemax: the margin was below 1 (beyond δ) one step after the label entered the support",
                    "step": int(entered[row]) + 1, "start": starts[row].tolist(), "label": int(label[row])}
    return None


@check(SEPARATION_MARGIN, "property")
def separation_property(ctx: Context) -> Outcome:
    """Zero loss ⇔ margin ≥ claimed margin at searched points, then along GD paths; softmax never zero."""
    def holds(case: tuple[np.ndarray, int]) -> bool | str:
        s, y = case
        x = torch.as_tensor(s, dtype=torch.float64).unsqueeze(0)
        if disagreement(ctx, x, torch.tensor([y])) is None:
            return True
        margin = float(margins(x, torch.tensor([y])))
        return f"zero loss and margin ≥ {claimed_margin(ctx):g} disagree at margin {margin:.6g}"

    delta = resolution_gap(ctx["alpha"], np.array([ctx.budget.max_magnitude]))
    resolution = Resolution(delta, "score margin", relative=delta / claimed_margin(ctx))
    outcome = prop.forall(ctx, labelled(ctx), holds, what="zero loss ⇔ margin ≥ 1/(α-1)")
    gen = ctx.generator()
    if outcome.verdict != "supported":
        return outcome.but(resolution=resolution,
                           figures=path_figures(ctx, trajectory_problem(ctx, *gd_starts(FIGURE_N, gen))[1]))
    figures: tuple[dict, ...] = ()
    for n in sorted({2, 3, 8, ctx.budget.max_n}):
        problem, paths = trajectory_problem(ctx, *gd_starts(n, gen))
        figures = path_figures(ctx, paths) if n == FIGURE_N else figures
        if problem is not None:
            return outcome.but(verdict="refuted", reason=problem["what"], counterexample=problem,
                               resolution=resolution, figures=figures or path_figures(ctx, paths))
    return outcome.but(resolution=resolution, figures=figures, explored={**outcome.explored, "gd_paths": {
        "n": sorted({2, 3, 8, ctx.budget.max_n}), "starts_per_n": GD_STARTS, "steps": GD_STEPS,
        "step": ctx["step"]}}, reason=f"{outcome.reason}; and at every step of the GD paths (softmax loss > 0 "
                                       "throughout)")
