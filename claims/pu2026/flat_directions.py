r"""Sparse Fenchel-Young losses are exactly flat along −e_j for every class outside the support (not the label).

Pu, Lian & Chen, arXiv 2601.22745 (seed: sparse variants create "extended flat subspaces"; Sparsemax
"generates \"flat\" gradients").

Hypothesis: one-hot target :math:`e_y`, :math:`s\in\mathbb R^n`, :math:`L(s;e_y)` the Fenchel-Young loss of
sparsemax, 1.5-entmax or α-entmax, :math:`S(s)` the support of the prediction :math:`\hat y(s)`.

Conclusion: for every :math:`j\notin S(s)\cup\{y\}` and :math:`t\ge0`, :math:`L(s-te_j;e_y)=L(s;e_y)`, and such
flat directions exist. For softmax no direction :math:`-e_j` (:math:`j\ne y`) is flat anywhere:
:math:`L(s-te_j)-L(s)=\log(1-p_j(1-e^{-t}))<0` for :math:`t>0`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st

from claims.pu2026.maps import entmax_is_zero, fy_loss, prediction_map
from claims.pu2026.separation_margin import resolution_gap
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Context,
    NegativeControl,
    Outcome,
    Premise,
    Real,
    Reference,
    Resolution,
    check,
    claim,
)
from verifiers import property as prop
from verifiers.strategies import FAMILIES, budget_logits

MAPS = ("sparsemax", "entmax15", "entmax", "softmax")
ALPHA = {"sparsemax": 2.0, "entmax15": 1.5}
#: Float64 allowance per unit of n·(1 + max|s|) when comparing two loss values.
ROUNDING = 64 * float(np.finfo(np.float64).eps)
#: Points per figure (t on a geometric grid from 10⁻³ to the profile's max_magnitude).
FIGURE_POINTS = 19
#: Most classes moved per example: the highest-scored outside classes (nearest the threshold) and the lowest.
MOVED = 8
#: The logit families that draw the sparse gaps (half of the examples come from them only).
SPARSE_FAMILIES = ("one-large", "near-one-hot")
#: Share of the valid examples that must contain a class clearly outside the support (else the search is vacuous).
MIN_TESTED_SHARE = 0.1

FLAT_DIRECTIONS = claim(
    id="pu2026/flat-directions",
    title="Sparse losses are exactly flat along -e_j for classes outside the support; softmax never is",
    statement=r"j\notin S(s)\cup\{y\},\ t\ge0:\ L(s-te_j;e_y)=L(s;e_y),\ \text{and such } (s,j)\text{ exist};\quad "
              r"\text{softmax: } L(s-te_j)-L(s)=\log\bigl(1-p_j(1-e^{-t})\bigr)<0\ (t>0)",
    reference=Reference("pu2026", "Mechanism 1",
                        "creating rank-deficient Jacobians and extended flat subspaces that degrade the learning "
                        "signal for hard negatives"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization of 'extended flat subspaces': for a sparse map, lowering the score of a class that is "
          "outside the support and is not the label changes neither the prediction (the same threshold τ still "
          "normalizes: [(α-1)(s_j - t) - τ]_+ = 0) nor the loss (Ω*(s) = ⟨s, ŷ⟩ - Ω(ŷ) and ŷ_j = 0, y_j = 0). "
          "The claim includes existence (for some s such a class exists), which is what fails for softmax: its "
          "support is always everything and the loss strictly decreases along every -e_j, j ≠ y. Symbolic: the "
          "KKT and loss identities for every α ∈ (1, 2] (premises: the entmax closed form, Ω* = ⟨s,ŷ⟩ - Ω(ŷ)), "
          "the witness s = (1/(α-1) + 1, 0, 0), y = 2, j = 3; for softmax the exact identity above. Property: "
          "forall over the profile's logit families, labels and t ∈ {10⁻³, 1, 10³, max_magnitude}: every class "
          "clearly outside the support (s_j < τ/(α-1) - δ, δ the margin resolution of pu2026/separation-margin in "
          "score units: below it float64 underflows a support entry $((\\alpha-1)\\delta)^{1/(\\alpha-1)}$ to 0, "
          "e.g. δ ≈ 513 at α = 1.001) and not the label (at most the "
          f"{MOVED // 2} highest- and {MOVED // 2} lowest-scored of them) has L(s - te_j) = L(s) within "
          f"{ROUNDING:.1e}·n·(1 + max|s| + t). The logits draw the gaps where the map becomes sparse, 1/(α-1), "
          "1/(α-1) + 2δ and 2/(α-1) + 2δ (and values around them) often, with entries up to max(10, 2/(α-1) + 4δ) "
          "(beyond the profile's max_magnitude when α is near 1: the sparse regime lies there; half of the examples "
          "come from the one-large and near-one-hot families only), and the search "
          "starts from the corners (gap, 0, …, 0) for each of these gaps, n = 3 and max_n, so it is decided for "
          "every α in (1, 2]; it is inconclusive (vacuous) when fewer than "
          f"{MIN_TESTED_SHARE:.0%} of its examples have such a class. Then a witness search for a flat direction: "
          "the lowest-scored class j ≠ y must have α-entmax(s)_j = 0 exactly (maps.entmax_is_zero, 60-digit / "
          "integer arithmetic; for softmax judged in log space: log(-log(1 - p_j(1 - exp(-t)))) is finite, so "
          "underflow cannot fake flatness). A search cannot disprove an existence claim, so the softmax control is "
          "decided by "
          "the symbolic check alone. Figures: L(s - te_3) - L(s) against t at the witness s = (1/(α-1) + 1, 0, 0), "
          "y = 2, for the map (claimed: 0) and for softmax at the same s.",
    params={
        "map": Choice("sparsemax", MAPS, doc="the prediction map (its Fenchel-Young loss)"),
        "alpha": Real(1.5, 1.0, 2.0, exclude_min=True, doc="α of α-entmax (map=entmax only)"),
    },
    negative_controls=(
        NegativeControl("softmax", {"map": "softmax"},
                        "softmax: L(s - te_j) - L(s) = log(1 - p_j(1 - exp(-t))) < 0, no direction is flat",
                        methods=("symbolic",)),
    ),
    tags=("gradient-dynamics", "sparsity"),
)

PREMISES = (Premise("α-entmax(s)_i = [(α-1)s_i - τ]_+^{1/(α-1)}, τ normalizing", "Peters, Niculae & Martins 2019"),
            Premise("Ω*(s) = ⟨s, ŷ(s)⟩ - Ω(ŷ(s))", "Blondel, Martins & Niculae 2020, Prop. 2"))


def alpha_of(ctx: Context) -> float:
    """α of the map (2 for sparsemax, 1.5 for entmax15, the parameter for entmax)."""
    return ALPHA.get(ctx["map"], ctx["alpha"])


def _softmax_outcome() -> Outcome:
    """L(s - te_j) - L(s) = log(1 - p_j(1 - e^{-t})) < 0 for every s, j ≠ y, t > 0: no flat direction."""
    sj, t, rest = sp.Symbol("s_j", real=True), sp.Symbol("t", positive=True), sp.Symbol("R", positive=True)
    z = sp.exp(sj) + rest
    same = sp.simplify((rest + sp.exp(sj - t)) / z - (1 - sp.exp(sj) / z * (1 - sp.exp(-t)))) == 0
    shrinks = sp.solveset(sp.exp(-t) < 1, t, sp.Interval.open(0, sp.oo)) == sp.Interval.open(0, sp.oo)
    negative = same and shrinks
    steps = (r"softmax, $j\ne y$, $R=\sum_{k\ne j}e^{s_k}$: $L(s-te_j)-L(s) = \log\frac{R+e^{s_j-t}}{R+e^{s_j}} = "
             r"\log(1-p_j(1-e^{-t}))$" f" (SymPy: {same})",
             r"$e^{-t}<1$ for every $t>0$ (SymPy: " f"{shrinks}"
             r"), so $p_j(1-e^{-t})\in(0,1)$ and the change is $<0$")
    if not (same and negative):
        return Outcome(verdict="inconclusive", reason="SymPy did not confirm the softmax identity", steps=steps)
    return Outcome(verdict="refuted", scope=WHOLE, steps=steps, resolution=Resolution(0.0, "L(s - te_j) - L(s)"),
                   reason="softmax: L(s - te_j) < L(s) for every s, j ≠ y and t > 0, so no flat direction exists",
                   counterexample={"map": "softmax", "change": "log(1 - p_j(1 - e^{-t})) < 0"})


@check(FLAT_DIRECTIONS, "symbolic")
def flat_symbolic(ctx: Context) -> Outcome:
    """KKT: the threshold still normalizes after lowering s_j; the loss changes by -t·ŷ_j = 0; a witness."""
    if ctx["map"] == "softmax":
        return _softmax_outcome()
    d, t = sp.symbols("d t", nonnegative=True)
    c, p_j = sp.Symbol("c", positive=True), sp.Integer(0)
    clamp = sp.Max(-d - c * t, 0)
    a = sp.nsimplify(alpha_of(ctx), rational=True)
    witness = [1 / (a - 1) + 1, sp.Integer(0), sp.Integer(0)]
    gap = sp.simplify((a - 1) * witness[2] - ((a - 1) * witness[0] - 1))
    steps = (r"$j\notin S$: $(\alpha-1)s_j-\tau=-d$, $d\ge0$; after $s_j\mapsto s_j-t$: "
             f"$[(\\alpha-1)(s_j-t)-\\tau]_+ = {sp.latex(clamp)}$ ($c=\\alpha-1>0$): the same $\\tau$ normalizes, "
             r"$\hat y(s-te_j)=\hat y(s)$",
             r"$L(s-te_j)-L(s) = \langle s-te_j,\hat y\rangle-\langle s,\hat y\rangle + t\,y_j = -t\hat y_j + 0 = "
             f"{sp.latex(-t * p_j)}$",
             f"witness $s = {sp.latex(tuple(witness))}$, $y=2$, $j=3$: $(\\alpha-1)s_3-\\tau = {sp.latex(gap)} < 0$, "
             r"so $j=3\notin S\cup\{y\}$ is a flat direction")
    if clamp != 0 or not gap.is_negative:
        return Outcome(verdict="inconclusive", reason="SymPy did not confirm a step", steps=steps)
    return Outcome(verdict="proved", scope=WHOLE, steps=steps, premises=PREMISES, resolution=Resolution(0.0, "L"),
                   reason="lowering a class outside the support (not the label) changes neither ŷ nor L, and such "
                          "classes exist (exact witness)")


def outside_support(name: str, alpha: float, x: torch.Tensor) -> torch.Tensor:
    """Classes clearly outside the support: s_j < τ/(α-1) - δ, δ in score units (none for softmax)."""
    if name == "softmax":
        return torch.zeros_like(x, dtype=torch.bool)
    with torch.no_grad():
        p = prediction_map(name, alpha)(x)
    top = int(torch.argmax(x))
    tau = (alpha - 1) * x[top] - p[top] ** (alpha - 1)
    return ((alpha - 1) * x - tau < -(alpha - 1) * resolution_gap(alpha, x.numpy())) & (p == 0)


def sparse_gaps(alpha: float) -> tuple[float, ...]:
    """Top-to-rest gaps where α-entmax turns sparse: 1/(α-1), and clearly beyond it (by 2δ, and at 2/(α-1) + 2δ)."""
    gap, delta = 1.0 / (alpha - 1.0), resolution_gap(alpha, np.zeros(1))
    return (gap, gap + 2 * delta, 2 * gap + 2 * delta)


def flat_gap(name: str, alpha: float, x: torch.Tensor, y: int, j: int, t: float) -> float:
    """L(s - te_j) - L(s), in float64 (softmax: exactly, via log1p)."""
    target = torch.nn.functional.one_hot(torch.tensor(y), len(x)).to(torch.float64)
    if name == "softmax":
        log_pj = float(torch.log_softmax(x, -1)[j])
        return float(np.log1p(-np.exp(log_pj) * -np.expm1(-t)))
    moved = x.clone()
    moved[j] -= t
    with torch.no_grad():
        values = fy_loss(name, torch.stack([x, moved]), target.expand(2, -1), alpha)
    return float(values[1] - values[0])


def moved_gaps(name: str, alpha: float, x: torch.Tensor, y: int, classes: list[int],
               steps: tuple[float, ...]) -> torch.Tensor:
    """L(s - t e_j) - L(s) for every class j of ``classes`` (rows) and t of ``steps`` (columns), in one batch."""
    shifts = torch.zeros(len(classes), len(steps), len(x), dtype=torch.float64)
    shifts[torch.arange(len(classes)), :, torch.tensor(classes)] = torch.tensor(steps, dtype=torch.float64)
    points = torch.cat([x.unsqueeze(0), (x - shifts).reshape(-1, len(x))])
    target = torch.nn.functional.one_hot(torch.tensor(y), len(x)).to(torch.float64).expand(len(points), -1)
    with torch.no_grad():
        values = fy_loss(name, points, target, alpha)
    return (values[1:] - values[0]).reshape(len(classes), len(steps))


def is_flat(name: str, alpha: float, x: torch.Tensor, y: int, j: int, t: float) -> bool:
    """Flat within rounding (softmax: never, decided in log space: log p_j is finite)."""
    if name == "softmax":
        return not bool(torch.isfinite(torch.log_softmax(x, -1)[j]))
    return abs(flat_gap(name, alpha, x, y, j, t)) <= ROUNDING * len(x) * (1.0 + float(x.abs().max()) + t)


@st.composite
def cases(draw: st.DrawFn, ctx: Context) -> tuple[np.ndarray, int]:
    """Logits (the gaps of :func:`sparse_gaps` drawn often, entries up to twice the largest) and a label."""
    gaps = sparse_gaps(alpha_of(ctx)) if ctx["map"] != "softmax" else (1.0,)
    families = FAMILIES if draw(st.booleans()) else SPARSE_FAMILIES
    s = draw(budget_logits(ctx.budget, gaps=gaps, scale=max(10.0, 2 * max(gaps)), families=families))
    return s, draw(st.integers(0, len(s) - 1))


def corners(ctx: Context) -> list[tuple[np.ndarray, int]]:
    """One entry above n - 1 equal ones by each sparse gap, n = 3 and max_n, label the top or a low class."""
    if ctx["map"] == "softmax":
        return []
    out = []
    for gap in sparse_gaps(alpha_of(ctx)):
        for n in (3, ctx.budget.max_n):
            s = np.zeros(n)
            s[0] = gap
            out += [(s, 0), (s, n - 1)]
    return out


def has_flat_witness(name: str, alpha: float, x: torch.Tensor, y: int) -> bool:
    """A class j ≠ y with ŷ_j = 0 exactly: the lowest-scored one is outside the support if any is (exact decision)."""
    if name == "softmax":
        return any(is_flat(name, alpha, x, y, j, 1.0) for j in range(len(x)) if j != y)
    others = [j for j in range(len(x)) if j != y]
    lowest = min(others, key=lambda j: float(x[j]))
    return entmax_is_zero(x.numpy(), lowest, alpha)


def witness_figures(name: str, alpha: float, largest: float) -> tuple[dict, ...]:
    """L(s - te_3) - L(s) vs t at the witness s = (1/(α-1) + 1, 0, 0), y = 2: the map's (claimed 0), then softmax's."""
    x = torch.tensor([1 / (alpha - 1) + 1, 0.0, 0.0], dtype=torch.float64)
    ts = np.geomspace(1e-3, largest, FIGURE_POINTS).tolist()
    figures = []
    for shown in dict.fromkeys((name, "softmax")):
        if shown == "softmax":
            gaps = [flat_gap("softmax", alpha, x, 1, 2, t) for t in ts]
        else:
            gaps = moved_gaps(shown, alpha, x, 1, [2], tuple(ts))[0].tolist()
        if shown == "softmax":  # exact in float64 (log1p): any nonzero change is a real decrease
            flat = any(g == 0 for g in gaps)
        else:
            flat = all(abs(g) <= ROUNDING * 3 * (1 + float(x.abs().max()) + t) for g, t in zip(gaps, ts))
        figure = {"kind": "line", "x": ts, "y": gaps, "xlabel": "t", "ylabel": "L(s - t e_3) - L(s)",
                  "title": f"{shown}{'' if shown == name else ' (contrast)'} at s = ({float(x[0]):.4g}, 0, 0), "
                           f"y = 2: " + ("flat along -e_3 for every t" if flat else "decreasing along -e_3")}
        figures.append({**figure, "claimed": [0.0] * len(ts)} if shown == name else figure)
    for figure in figures:
        figure["log"] = True  # log t; the y axis stays linear (the values are ≤ 0)
    return tuple(figures)


@check(FLAT_DIRECTIONS, "property")
def flat_property(ctx: Context) -> Outcome:
    """Every clearly-outside class (not the label) is a flat direction; then: a flat direction exists."""
    name, alpha = ctx["map"], alpha_of(ctx)
    steps = (1e-3, 1.0, 1e3, ctx.budget.max_magnitude)
    tested = {"examples": 0, "classes": 0}

    def holds(case: tuple[np.ndarray, int]) -> bool | str:
        x, y = torch.as_tensor(case[0], dtype=torch.float64), case[1]
        outside = [j for j in torch.nonzero(outside_support(name, alpha, x)).flatten().tolist() if j != y]
        if not outside:
            return True
        ranked = sorted(outside, key=lambda j: float(x[j]))
        classes = ranked if len(ranked) <= MOVED else ranked[:MOVED // 2] + ranked[-(MOVED // 2):]
        tested["examples"] += 1
        tested["classes"] += len(classes)
        gaps = moved_gaps(name, alpha, x, y, classes, steps)
        tol = ROUNDING * len(x) * (1.0 + float(x.abs().max()) + torch.tensor(steps, dtype=torch.float64))
        bad = torch.nonzero(gaps.abs() > tol)
        if len(bad):
            (row, col) = bad[0].tolist()
            return f"{name}: L(s - {steps[col]:g} e_{classes[row]}) - L(s) = {float(gaps[row, col]):.3g}"
        return True

    resolution = Resolution(ROUNDING, "L per unit of n·(1 + max|s| + t)")
    figures = witness_figures(name, alpha, ctx.budget.max_magnitude)
    every = prop.forall(ctx, cases(ctx), holds, what="flatness along -e_j outside the support", corners=corners(ctx))
    explored = {**every.explored, "examples_with_outside_class": tested["examples"],
                "outside_classes_moved": tested["classes"], "gaps": list(sparse_gaps(alpha)) if name != "softmax"
                else [], "steps_t": list(steps)}
    statistics = {**every.statistics, "examples_with_outside_class": tested["examples"]}
    if every.verdict != "supported":
        return every.but(resolution=resolution, figures=figures, explored=explored, statistics=statistics)
    found = prop.exists(ctx, cases(ctx), lambda case: has_flat_witness(
        name, alpha, torch.as_tensor(case[0], dtype=torch.float64), case[1]), what="a flat direction -e_j, j ≠ y",
        corners=corners(ctx))
    explored = {**explored, "witness_search": dict(found.explored)}
    if name != "softmax" and tested["examples"] < MIN_TESTED_SHARE * every.statistics.get("valid", 0):
        return every.but(verdict="inconclusive", resolution=resolution, figures=figures, explored=explored,
                         statistics=statistics,
                         reason=f"only {tested['examples']} of {every.statistics.get('valid')} examples had a class "
                                f"clearly outside the support: the flatness search is nearly vacuous; {found.reason}")
    return found.but(resolution=resolution, figures=figures, explored=explored,
                     statistics={**found.statistics, **statistics},
                     reason=f"{every.reason} ({tested['examples']} with a class clearly outside the support, "
                            f"{tested['classes']} classes moved); {found.reason}")
