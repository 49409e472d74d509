r"""The factored spherical-family gradient is faster than the naive one by a factor Θ(D/d).

de Brébisson & Vincent, arXiv 1511.05042, after Vincent, de Brébisson & Bouchard (NeurIPS 2015)
(seed 003, "The Spherical Loss Family").

Hypothesis: a linear output layer :math:`o=Wh`, :math:`W\in\mathbb R^{D\times d}`, a spherical-family loss;
the naive step computes :math:`o`, the loss and :math:`\nabla_h,\nabla_W` by autograd, the factored step
the loss, :math:`\nabla_h`, the factors of :math:`\nabla_W` and the updated :math:`(Q,\bar w,w_c)`.

Conclusion: :math:`\mathrm{cost}_{\mathrm{naive}}(D,d)/\mathrm{cost}_{\mathrm{factored}}(d)=\Theta(D/d)`:
exponent 1 in :math:`D` (at fixed :math:`d`) and :math:`-1` in :math:`d` (at fixed :math:`D`).
"""

from __future__ import annotations

from claims.dbv2016.spherical import step_costs
from verifiers import SOURCE_STATEMENT, Context, NegativeControl, Outcome, Real, Reference, check, claim, instance
from verifiers.empirical import scaling

#: Grids by profile: D at fixed d, and d at fixed D (geometric).
D_GRIDS = {"quick": (16, 64, 256, 1024, 4096), "standard": (16, 64, 256, 1024, 4096, 16384),
           "thorough": (16, 64, 256, 1024, 4096, 16384, 65536)}
d_GRIDS = {"quick": (16, 32, 64, 128, 256, 512), "standard": (16, 32, 64, 128, 256, 512, 1024),
           "thorough": (16, 32, 64, 128, 256, 512, 1024, 2048)}
d_FIXED, D_FIXED = 16, 1024

SPEEDUP = claim(
    id="dbv2016/speedup",
    title="Naive/factored cost ratio of the spherical-family gradient is Θ(D/d)",
    statement=r"\frac{\mathrm{cost}_{\mathrm{naive}}(D,d)}{\mathrm{cost}_{\mathrm{factored}}(d)}=\Theta\Bigl(\frac Dd"
              r"\Bigr):\ \propto D^{\,\mathrm{claimed\_slope\_D}}\,d^{\,\mathrm{claimed\_slope\_d}},\quad "
              r"\mathrm{claimed\_slope\_D}=1,\ \mathrm{claimed\_slope\_d}=-1",
    reference=Reference("dbv2016", "The Spherical Loss Family",
                        r"$\mathcal{O}(d^2)$ instead of $\mathcal{O}(D\times d)$, which for large numbers of classes "
                        r"$D$ is noticeably better"),
    origin=SOURCE_STATEMENT,
    notes="The ratio of the two costs of dbv2016/efficient-gradient (log-Taylor softmax; the spherical softmax "
          "has the same products): matrix-product flops counted by torch's FlopCounterMode (2 per multiply-add; "
          "vectors are d×1 matrices so every product is counted; element-wise operations, O(D) naive and O(d²) "
          "factored, are not). The naive step costs exactly 6Dd (forward o = Wh, the outer product ∇_W and "
          "W^T∇_o), the factored one 8d² + 6d, so the ratio is 3D/(4d + 3): exponent 1 in D exactly and -1 in d "
          "up to a correction that halves with every doubling of d. Both exponents are decided by "
          f"verifiers.empirical.scaling over D in {D_GRIDS['quick']} (d = {d_FIXED}) and d in {d_GRIDS['quick']} "
          f"(D = {D_FIXED}) at quick (longer grids at standard and thorough): exact counts, supported only within "
          "twice the drift of the last local exponent. Negative control: the ratio claimed independent of D "
          "(claimed_slope_D = 0).",
    params={"claimed_slope_D": Real(1.0, doc="claimed exponent of D in the cost ratio"),
            "claimed_slope_d": Real(-1.0, doc="claimed exponent of d in the cost ratio")},
    negative_controls=(NegativeControl("independent-of-D", {"claimed_slope_D": 0.0},
                                       "the naive cost grows linearly in D while the factored one does not"),),
    tags=("spherical-family", "complexity"),
)


@check(SPEEDUP, "empirical")
def speedup_ratio(ctx: Context) -> Outcome:
    """Exact flop counts of both steps over D (fixed d) and over d (fixed D); exponents of their ratio."""
    gen, name = ctx.generator(), ctx.budget.name
    by_D = [step_costs(D, d_FIXED, gen) for D in D_GRIDS[name]]
    by_d = [step_costs(D_FIXED, d, gen) for d in d_GRIDS[name]]
    ratio_D = [naive / factored for factored, naive in by_D]
    ratio_d = [naive / factored for factored, naive in by_d]
    parts = (scaling(D_GRIDS[name], ratio_D, ctx["claimed_slope_D"], what=f"naive/factored vs D (d = {d_FIXED})",
                     xlabel="D"),
             scaling(d_GRIDS[name], ratio_d, ctx["claimed_slope_d"], what=f"naive/factored vs d (D = {D_FIXED})",
                     xlabel="d"))
    stats = {"D_grid": list(D_GRIDS[name]), "ratio_vs_D": ratio_D, "d_grid": list(d_GRIDS[name]), "ratio_vs_d": ratio_d,
             "flops_vs_D (factored, naive)": by_D, "flops_vs_d (factored, naive)": by_d,
             "slope_D": parts[0].statistics["slope"], "slope_d": parts[1].statistics["slope"],
             "tolerance_D": parts[0].statistics["tolerance"], "tolerance_d": parts[1].statistics["tolerance"]}
    for figure in (f for part in parts for f in part.figures):
        figure["ylabel"] = "naive / factored flops"
    common = {"statistics": stats, "figures": tuple(f for part in parts for f in part.figures),
              "resolution": max((p.resolution for p in parts), key=lambda r: r.value),
              "scope": instance(f"D up to {D_GRIDS[name][-1]} (d = {d_FIXED}), d up to {d_GRIDS[name][-1]} "
                                f"(D = {D_FIXED})")}
    failed = [part for part in parts if part.verdict != "supported"]
    if failed:
        return Outcome(verdict="refuted", reason="; ".join(p.reason for p in failed),
                       counterexample={"failed": [p.reason for p in failed]}, **common)
    return Outcome(verdict="supported", reason="; ".join(p.reason for p in parts), **common)
