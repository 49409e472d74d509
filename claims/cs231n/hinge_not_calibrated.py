r"""The multiclass hinge is not classification-calibrated: with no class above 1/2, its minimizer may tie.

Tewari & Bartlett, "On the consistency of multiclass classification methods", JMLR 8 (2007); Liu,
"Fisher consistency of multicategory support vector machines", AISTATS 2007. Read against the CS231n
table row "Output interpretation | Just rankings | Calibrated-ish probabilities".

Hypothesis: :math:`n\ge3` classes, a class posterior :math:`\eta` with a unique largest class
:math:`t` and :math:`\eta_t\le\tfrac12`; the Crammer–Singer hinge
:math:`L(s;y)=\max(0,1+\max_{j\ne y}s_j-s_y)` and its conditional risk :math:`R_\eta(s)=\sum_y\eta_yL(s;y)`.

Conclusion: for some such :math:`\eta`, some minimizer :math:`s^*` of :math:`R_\eta` does not single out
:math:`t` (:math:`\max_{j\ne t}s^*_j\ge s^*_t`): the hinge is not classification-calibrated. (When
:math:`\eta_t>\tfrac12` no such minimizer exists: the negative control ``above-half``.)
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from claims.cs231n.hinge import HINGES, calibration_gap, rational, risk, runner_up, verify_certificate
from verifiers import (
    NOT_APPLICABLE,
    WHOLE,
    Choice,
    Context,
    Flag,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    Resolution,
    check,
    claim,
    literature,
)
from verifiers import property as prop
from verifiers.strategies import dims

#: A calibration gap at most this (risk units) counts as 0: a minimizer that does not single out the top class.
GAP_TOL = 1e-7
#: Largest integer weight of the non-top classes of the drawn posteriors (eta = weights / their sum).
MAX_WEIGHT = 100
#: The LP search uses this fraction of the profile's examples (each example solves two LPs).
EXAMPLE_FRACTION = 5
REGIONS = ("at-most-half", "above-half", "any")
#: Exact witnesses (eta, a minimizer with a tied top score) per hinge; the LP supplies the certificate.
WITNESS = {"crammer-singer": (Fraction(2, 5), Fraction(3, 10), Fraction(3, 10)),
           "weston-watkins": (Fraction(9, 20), Fraction(7, 20), Fraction(1, 5))}

HINGE_NOT_CALIBRATED = claim(
    id="cs231n/hinge-not-calibrated",
    title="The multiclass hinge is not classification-calibrated: with no class above 1/2 its minimizer may tie",
    statement=r"\exists\,\eta\in\Delta_n:\ \eta_t>\max_{j\ne t}\eta_j,\ \eta_t\le\tfrac12,\ \ \exists\,s^*\in"
              r"\arg\min_s\sum_y\eta_y\max\bigl(0,1+\max_{j\ne y}s_j-s_y\bigr):\ \max_{j\ne t}s^*_j\ge s^*_t",
    reference=Reference("cs231n", "Difference with SVM / Hinge Loss",
                        "| Output interpretation | Just rankings | Calibrated-ish probabilities |"),
    origin=literature("Tewari & Bartlett 2007, JMLR 8; Liu 2007, AISTATS (Fisher consistency of multicategory SVMs)"),
    notes="The seed's 'Just rankings' suggests the SVM's scores at least order the classes; in the population "
          "they need not even put the most probable class first. Calibration in the standard gap form: the hinge "
          "is calibrated at eta when inf{R(s): argmax s != {t}} > min R. Parameters: `region` is the set of "
          "posteriors the statement ranges over (max eta <= 1/2, > 1/2, or any eta with a unique largest class); "
          "`calibrated=false` claims that some eta in the region has a minimizer that does not single out t, "
          "`calibrated=true` that none has; `hinge` is the Crammer-Singer hinge (the catalogue's) or the "
          "Weston-Watkins hinge (the CS231n SVM loss, also not calibrated: Tewari & Bartlett 2007). "
          "Symbolic check: an exact witness per hinge (CS: eta = (2/5, 3/10, 3/10), s* = 0; WW: eta = "
          "(9/20, 7/20, 1/5), s* = (1/3, 1/3, -2/3)), optimal because a dual circulation mu (from the LP, read "
          "back as rationals and verified exactly) gives R(s) >= sum(mu) = R(s*) for every s; and, for the "
          "Crammer-Singer hinge with eta_t > 1/2 and every n, a weighted sum of the hinge's affine minorants "
          "gives R(s) >= 1 + (2 eta_t - 1)(s_k - s_t) >= 1 on {s_k >= s_t} while R(e_t) = 2(1 - eta_t) < 1 "
          "(SymPy, symbolic number of classes). No general-n proof is encoded for Weston-Watkins above 1/2 "
          "(that check is skipped there). Property check: posteriors eta = w / sum(w) with integer weights "
          f"(the others <= {MAX_WEIGHT}, the top one placed in the region; exact rationals; families: random, "
          "tied runners-up, eta_t at the region's "
          "boundary), n from 2 or 3 up to half the profile's max_n (at most 48); HiGHS solves the LP min R "
          "and the LP with s_k >= s_t for the runner-up k (no other k gives less: swapping two scores never "
          f"raises these permutation-equivariant risks); a gap <= {GAP_TOL:g} is read as 0. The search uses "
          f"1/{EXAMPLE_FRACTION} of the profile's examples (two LPs each).",
    params={"hinge": Choice("crammer-singer", HINGES, doc="the multiclass hinge"),
            "region": Choice("at-most-half", REGIONS, doc="the posteriors ranged over: max eta <= 1/2, > 1/2, or any"),
            "calibrated": Flag(False, doc="claim that every minimizer singles out argmax eta on the region")},
    negative_controls=(
        NegativeControl("above-half", {"region": "above-half"},
                        "when eta_t > 1/2 every minimizer of the Crammer-Singer risk scores t strictly highest: "
                        "no counterexample exists there"),
        NegativeControl("just-rankings", {"calibrated": True},
                        "the seed's 'Just rankings' read as: the hinge's scores at least rank the most probable "
                        "class first; eta = (2/5, 3/10, 3/10) has the tied minimizer s = 0",
                        source_reading=True),
    ),
    tags=("hinge", "calibration", "linear-programming"),
)


def certified_witness(hinge: str) -> tuple[list[Fraction], list[Fraction], Fraction, list[str]]:
    """The exact witness of ``hinge``: (eta, tied minimizer s*, R(s*), problems with its certificate)."""
    eta = list(WITNESS[hinge])
    _, free, tied = calibration_gap([float(e) for e in eta], hinge)
    mu = dict(zip(free.mu, rational(list(free.mu.values()))))
    s_star = rational(tied.scores)
    value = risk(eta, hinge, s_star)
    problems = verify_certificate(eta, hinge, mu)
    if sum(mu.values()) != value:
        problems.append(f"dual value {sum(mu.values())} != R(s*) = {value}")
    top, k = runner_up(eta)
    if s_star[k] < s_star[top]:
        problems.append("s* scores the top class strictly highest")
    return eta, s_star, value, problems


def _witness_outcome(ctx: Context) -> Outcome:
    hinge = ctx["hinge"]
    eta, s_star, value, problems = certified_witness(hinge)
    steps = (f"$\\eta = ({', '.join(map(str, eta))})$: unique largest class, no class above 1/2",
             f"$s^* = ({', '.join(map(str, s_star))})$, $R_\\eta(s^*) = {value}$, top score tied",
             "a dual circulation $\\mu\\ge0$ with in-flow = out-flow and out-flow budgets $\\eta_y$ gives "
             f"$R_\\eta(s)\\ge\\sum_{{yj}}\\mu_{{yj}}(1+s_j-s_y)=\\sum\\mu={value}$ for every $s$ (verified exactly)")
    stats = {"eta": [str(e) for e in eta], "s_star": [str(v) for v in s_star], "risk": str(value)}
    exact = Resolution(0.0, "conditional risk")
    premise = (Premise("each hinge term is at least each of its affine pieces: L(s;y) >= 1 + s_j - s_y (j != y) and "
                       "L >= 0", "definition of the maximum"),)
    if problems:
        return Outcome(verdict="inconclusive", reason=f"the witness's certificate did not verify: {problems}",
                       statistics=stats, steps=steps)
    if ctx["calibrated"]:
        return Outcome(verdict="refuted", steps=steps, statistics=stats, scope=WHOLE, resolution=exact,
                       counterexample={"eta": stats["eta"], "minimizer": stats["s_star"]},
                       reason=f"eta = ({', '.join(map(str, eta))}) has the minimizer s* = "
                              f"({', '.join(map(str, s_star))}), which does not single out the top class")
    return Outcome(verdict="proved", steps=steps, statistics=stats, scope=WHOLE, premises=premise, resolution=exact,
                   reason="an exact witness: a minimizer (optimal by an exactly verified dual certificate) ties "
                          "the top class")


def above_half_bound() -> tuple[bool, tuple[str, ...]]:
    r"""SymPy, any number of classes: :math:`R\ge1+(2\eta_t-1)(s_k-s_t)` on :math:`\{s_k\ge s_t\}`, :math:`R(e_t)<1`.

    Classes: :math:`t`, the other class :math:`k`, and :math:`m\ge0` further classes with weights
    :math:`\eta_i` summing to :math:`1-\eta_t-\eta_k`. Weights: :math:`a=2\eta_t-1+\eta_k` on
    :math:`L(s;t)\ge1+s_k-s_t`, :math:`\eta_i` on :math:`L(s;t)\ge1+s_i-s_t`, :math:`\eta_i` on
    :math:`L(s;i)\ge1+s_t-s_i`, :math:`\eta_k` on :math:`L(s;k)\ge1+s_t-s_k`.
    """
    i = sp.Symbol("i", integer=True)
    m = sp.Symbol("m", integer=True, nonnegative=True)
    delta, eta_k, sigma = sp.Symbol("delta", positive=True), sp.Symbol("eta_k", nonnegative=True), sp.Symbol("sigma")
    w, r = sp.IndexedBase("eta", nonnegative=True), sp.IndexedBase("s", real=True)
    s_t, s_k = sp.symbols("s_t s_k", real=True)
    eta_t = sp.Rational(1, 2) + delta
    a = 2 * eta_t - 1 + eta_k
    paired = sp.Sum(sp.simplify(w[i] * (1 + r[i] - s_t) + w[i] * (1 + s_t - r[i])), (i, 1, m)).doit()
    paired = paired.replace(lambda e: isinstance(e, sp.Sum), sp.factor_terms).subs(sp.Sum(w[i], (i, 1, m)), sigma)
    bound = (a * (1 + s_k - s_t) + paired + eta_k * (1 + s_t - s_k)).subs(sigma, 1 - eta_t - eta_k)
    at_e_t = 2 * (1 - eta_t)
    facts = {"weights on L(s;t) sum to eta_t": sp.simplify(a + (1 - eta_t - eta_k) - eta_t) == 0,
             "a >= 0": bool(a.is_nonnegative),
             "lower bound = 1 + (2 eta_t - 1)(s_k - s_t)":
                 sp.simplify(bound - (1 + (2 * eta_t - 1) * (s_k - s_t))) == 0,
             "2 eta_t - 1 > 0": bool((2 * eta_t - 1).is_positive),
             "1 > R(e_t) = 2(1 - eta_t)": bool((1 - at_e_t).is_positive)}
    steps = (r"$\eta_t=\tfrac12+\delta$, $\delta>0$; classes $t$, $k$ and $m\ge0$ others $i$ with "
             r"$\sum_i\eta_i=1-\eta_t-\eta_k$",
             f"weighted minorants: $R(s)\\ge {sp.latex(sp.factor_terms(bound))} = 1+(2\\eta_t-1)(s_k-s_t)$",
             r"so $R(s)\ge1$ on $\{s_k\ge s_t\}$, while $R(e_t)=2(1-\eta_t)<1$: no minimizer has $s_k\ge s_t$",
             "checked: " + "; ".join(f"{k}: {v}" for k, v in facts.items()))
    return all(facts.values()), steps


def _above_half_outcome(ctx: Context) -> Outcome:
    if ctx["hinge"] != "crammer-singer":
        return Outcome(verdict="skipped", scope=NOT_APPLICABLE,
                       reason="no general-n proof is encoded for the Weston-Watkins hinge above 1/2 (see the "
                              "property check)")
    ok, steps = above_half_bound()
    premise = (Premise("L(s;y) >= 1 + s_j - s_y for every j != y", "definition of the maximum"),)
    if not ok:
        return Outcome(verdict="inconclusive", steps=steps, reason="SymPy did not confirm every step")
    exact = Resolution(0.0, "conditional risk")
    if ctx["calibrated"]:
        return Outcome(verdict="proved", steps=steps, scope=WHOLE, premises=premise, resolution=exact,
                       reason="for every n and eta_t > 1/2, R >= 1 where the top class is not strictly highest, "
                              "and min R <= 2(1 - eta_t) < 1")
    return Outcome(verdict="refuted", steps=steps, scope=WHOLE, resolution=exact,
                   reason="no counterexample exists with eta_t > 1/2: R >= 1 where the top class is not strictly "
                          "highest, and R(e_t) = 2(1 - eta_t) < 1 (every n)")


@check(HINGE_NOT_CALIBRATED, "symbolic")
def not_calibrated_symbolic(ctx: Context) -> Outcome:
    """An exact witness in the region, or the general-n proof that none exists above 1/2."""
    return _above_half_outcome(ctx) if ctx["region"] == "above-half" else _witness_outcome(ctx)


@st.composite
def posteriors(draw: st.DrawFn, region: str, max_n: int) -> np.ndarray:
    """Integer weights whose normalization lies in ``region`` with a unique largest class."""
    n = draw(dims(3 if region == "at-most-half" else 2, max_n))
    family = draw(st.sampled_from(["random", "tied-runners-up", "boundary"]))
    if family == "tied-runners-up":
        others = [draw(st.integers(1, MAX_WEIGHT))] * (n - 1)
    else:
        others = draw(st.lists(st.integers(0, MAX_WEIGHT), min_size=n - 1, max_size=n - 1))
    if region == "at-most-half":
        others[0], others[1] = max(others[0], 1), max(others[1], 1)
    low, total = max(others) + 1, sum(others)
    if region == "at-most-half":
        top = total if family == "boundary" else draw(st.integers(low, total))
    elif region == "above-half":
        top = max(low, total + 1) + (0 if family == "boundary" else draw(st.integers(0, 3 * MAX_WEIGHT)))
    else:
        top = low + draw(st.integers(0, 3 * MAX_WEIGHT))
    others.insert(draw(st.integers(0, n - 1)), top)
    return np.asarray(others, dtype=np.int64)


@check(HINGE_NOT_CALIBRATED, "property")
def not_calibrated_property(ctx: Context) -> Outcome:
    """LP search over posteriors in the region for a zero calibration gap."""
    hinge = ctx["hinge"]
    budget = replace(ctx.budget, examples=max(10, ctx.budget.examples // EXAMPLE_FRACTION))
    search_ctx = replace(ctx, budget=budget)
    strategy = posteriors(ctx["region"], max(3, min(ctx.budget.max_n // 2, 48)))

    def gap(w: np.ndarray) -> float:
        return calibration_gap(w / w.sum(), hinge)[0]

    if ctx["calibrated"]:
        out = prop.forall(search_ctx, strategy, lambda w: gap(w) > GAP_TOL or f"calibration gap {gap(w):.3g} <= "
                          f"{GAP_TOL:g}: a minimizer does not single out the top class",
                          what="a positive calibration gap")
    else:
        out = prop.exists(search_ctx, strategy, lambda w: gap(w) <= GAP_TOL,
                          what="a posterior whose risk minimizer does not single out the top class")
    return out.but(resolution=Resolution(GAP_TOL, "calibration gap (risk units)"))
