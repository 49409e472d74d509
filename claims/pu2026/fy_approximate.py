r"""The approximate losses are Fenchel–Young losses: binary NCE is a sum of binary logistic FY losses, sampled
softmax is the softmax FY loss over the candidates.

Pu, Lian & Chen, arXiv 2601.22745 (seed: "Executive Summary": approximate variants unified "under a common
Fenchel-Young framework"); Blondel, Martins & Niculae, "Learning with Fenchel–Young Losses", JMLR 2020.

Hypothesis: scores :math:`s\in\mathbb R^n`, a proposal :math:`q` with full support, a positive :math:`y`,
:math:`k\ge1` sampled classes :math:`i_1,\dots,i_k`. :math:`L_\Omega(\theta;z)=\Omega^*(\theta)+\Omega(z)-\langle
\theta,z\rangle`; binary: :math:`\Omega(\mu)=\mu\log\mu+(1-\mu)\log(1-\mu)` on :math:`[0,1]`; softmax: the negative
Shannon entropy on the simplex.

Conclusion: (i) :math:`-\log\sigma(t_y)-\sum_j\log(1-\sigma(t_{i_j}))=L_\Omega(t_y;1)+\sum_jL_\Omega(t_{i_j};0)` with
:math:`t=s-\log(kq)`, whose prediction map is the link :math:`\nabla\Omega^*(t)=\sigma(s-\log kq)`; (ii) the
sampled-softmax loss (variant ``ssm-logq``) :math:`-o_y+\log(e^{o_y}+\sum_je^{o_{i_j}})` equals
:math:`L_{\mathrm{softmax}}(\theta;e_0)` over the :math:`k+1` candidate positions,
:math:`\theta=(o_y,o_{i_1},\dots,o_{i_k})`, :math:`o=s-\log q`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from hypothesis import strategies as st
from scipy.special import log_expit, xlogy

from claims.pu2026.maps import fy_loss
from claims.pu2026.ssm_variants import describe
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Context,
    Flag,
    NegativeControl,
    Outcome,
    Premise,
    Reference,
    Resolution,
    check,
    claim,
    symbolic,
)
from verifiers import property as prop
from verifiers.strategies import budget_logits, simplex

#: Tolerance of the float64 identities, relative to 1 + the magnitudes of the terms added (rounding scale), per
#: profile (a few hundred ulps at quick, tens at thorough).
REL_TOL = {"quick": 1e-12, "standard": 1e-13, "thorough": 3e-14}
#: Largest number of sampled classes in the property search.
MAX_K = 8

FY_APPROXIMATE = claim(
    id="pu2026/fy-approximate",
    title="Binary NCE is a sum of binary logistic FY losses; sampled softmax is the softmax FY loss on the candidates",
    statement=r"-\log\sigma(t_y)-\sum_{j=1}^k\log\big(1-\sigma(t_{i_j})\big)=L_{\Omega_b}(t_y;1)+\sum_{j=1}^k"
              r"L_{\Omega_b}(t_{i_j};0),\ t=s-\log(kq);\qquad -o_y+\log\Big(e^{o_y}+\sum_{j=1}^ke^{o_{i_j}}\Big)="
              r"L_{\Omega_H}\big((o_y,o_{i_1},\dots,o_{i_k});e_0\big),\ o=s-\log q",
    reference=Reference("pu2026", "Executive Summary",
                        "unifying exact (Softmax, Sparsemax, Entmax) and approximate (Sampled Softmax, NCE) variants "
                        "under a common Fenchel-Young framework"),
    origin=SOURCE_STATEMENT,
    notes="Our formalization (the paper body is unavailable) of the seed's unification. SSM variant: "
          + describe("ssm-logq") + " (the control uses " + describe("ssm-uncorrected") + "). The candidate "
          "multiset is indexed by position (0 = the positive, 1..k = the draws), so a class drawn twice or "
          "equal to y appears twice; over distinct classes the same loss has logits o_c + log(count_c). "
          "Symbolic, for symbolic k (SymPy Sum over an IndexedBase): binary Omega* = log(1+e^t) derived as the "
          "sup of t mu - Omega(mu) (unique stationary point mu = sigma(t), Omega'' = 1/(mu(1-mu)) > 0), "
          "Omega(0) = Omega(1) = 0 as limits, grad Omega* = sigma (the NCE link sigma(s - log kq)); the NCE sum "
          "identity; for the softmax, mu_j = exp(theta_j)/Z satisfies the Lagrange conditions of sup <theta, mu> "
          "- Omega(mu) on the simplex (theta_j - log mu_j - 1 = log Z - 1 for every j) with value log Z, and "
          "the SSM identity. Premise: a point satisfying the Lagrange conditions of a concave problem on the "
          "simplex's relative interior is its maximizer (KKT sufficiency). Property: s from the profile's logit "
          f"families (n up to max_n, |s| up to max_magnitude), q dense, y and k <= {MAX_K} draws (repeats "
          "allowed); the NCE loss (logsigmoid forms) against the binary FY losses (softplus conjugate), and the "
          "SSM loss against maps.fy_loss('softmax') on the candidate logits, both within "
          "1e-12 (quick) / 1e-13 (standard) times 1 + the magnitudes of the terms each side adds (float64 "
          "rounding scale: the FY form subtracts theta z from Omega*(theta)). `logq_correction=false` (the "
          "negative control) claims the uncorrected SSM loss equals that FY loss with corrected logits; it "
          "differs whenever q is not constant on the candidates.",
    params={"logq_correction": Flag(True, doc="the SSM loss corrects its logits by log q (false: uncorrected SSM)")},
    negative_controls=(
        NegativeControl("uncorrected-ssm", {"logq_correction": False},
                        "the uncorrected SSM loss is not the softmax FY loss of the corrected candidate logits"),
    ),
    tags=("fenchel-young", "sampling", "nce", "sampled-softmax"),
)

KKT = Premise("A point of the simplex's relative interior that satisfies the Lagrange conditions of a concave "
              "maximization over the simplex is its maximizer (KKT conditions are sufficient for convex problems)",
              "Boyd & Vandenberghe, Convex Optimization, 2004, §5.5.3")


def _variant(corrected: bool) -> str:
    return "ssm-logq" if corrected else "ssm-uncorrected"


def _proved_all(parts: list[tuple[sp.Expr, sp.Expr, str]], seed: int) -> Outcome:
    """Every identity in turn (steps accumulate); the first that is not proved decides."""
    steps: list[str] = []
    outcome = None
    for lhs, rhs, step in parts:
        outcome = symbolic.identity(lhs, rhs, scope=WHOLE, seed=seed, steps=(*steps, step), premises=(KKT,))
        if outcome.verdict != "proved":
            return outcome.but(reason=f"{step}: {outcome.reason}")
        steps = list(outcome.steps)
    assert outcome is not None  # programmer error: parts is never empty
    return outcome.but(reason=f"all {len(parts)} identities hold (residuals simplify to 0), for symbolic k")


def binary_parts() -> list[tuple[sp.Expr, sp.Expr, str]]:
    """Identities of the binary logistic FY loss and of the NCE sum (symbolic k)."""
    mu, theta = sp.Symbol("mu", positive=True), sp.Symbol("theta", real=True)
    omega = mu * sp.log(mu) + (1 - mu) * sp.log(1 - mu)
    conj = sp.log(1 + sp.exp(theta))
    sigma = 1 / (1 + sp.exp(-theta))
    j, k = sp.symbols("j k", integer=True, positive=True)
    s, q = sp.IndexedBase("s", real=True), sp.IndexedBase("q", positive=True)
    s_y, q_y = sp.Symbol("s_y", real=True), sp.Symbol("q_y", positive=True)

    def fy(t: sp.Expr, z: int) -> sp.Expr:
        return conj.subs(theta, t) - t * z       # Omega(0) = Omega(1) = 0

    def sig(t: sp.Expr) -> sp.Expr:
        return sigma.subs(theta, t)

    t_y, t_j = s_y - sp.log(k * q_y), s[j] - sp.log(k * q[j])
    nce = -sp.log(sig(t_y)) - sp.Sum(sp.log(1 - sig(t_j)), (j, 1, k))
    fy_sum = fy(t_y, 1) + sp.Sum(fy(t_j, 0), (j, 1, k))
    objective = theta * mu - omega
    return [
        (sp.diff(omega, mu, 2), 1 / (mu * (1 - mu)), r"binary $\Omega''(\mu)=1/(\mu(1-\mu))>0$: strictly convex"),
        (sp.diff(objective, mu).subs(mu, sigma), sp.Integer(0),
         r"$\partial_\mu(\theta\mu-\Omega)=0$ at $\mu^*=\sigma(\theta)$ (the unique maximizer: strictly concave)"),
        (objective.subs(mu, sigma), conj, r"$\Omega^*(\theta)=\theta\mu^*-\Omega(\mu^*)=\log(1+e^\theta)$"),
        (sp.limit(omega, mu, 0, "+"), sp.Integer(0), r"$\Omega(0)=0$ (limit)"),
        (sp.limit(omega, mu, 1, "-"), sp.Integer(0),
         r"$\Omega(1)=0$ (limit): $L(\theta;1)=\Omega^*(\theta)-\theta$, $L(\theta;0)=\Omega^*(\theta)$"),
        (sp.diff(conj, theta), sigma, r"prediction map $\nabla\Omega^*(\theta)=\sigma(\theta)$: at "
         r"$\theta=s-\log(kq)$ it is the NCE link"),
        (nce, fy_sum, r"NCE loss $=L(t_y;1)+\sum_{j=1}^kL(t_{i_j};0)$, $t=s-\log(kq)$, symbolic $k$"),
    ]


def softmax_parts(corrected: bool) -> list[tuple[sp.Expr, sp.Expr, str]]:
    """Identities of the softmax conjugate and of SSM = softmax FY loss on the candidates (symbolic k)."""
    j, k = sp.symbols("j k", integer=True, positive=True)
    th, z = sp.IndexedBase("theta", real=True), sp.Symbol("Z", positive=True)
    mu_j = sp.exp(th[j]) / z
    s, q = sp.IndexedBase("s", real=True), sp.IndexedBase("q", positive=True)
    s_y, q_y = sp.Symbol("s_y", real=True), sp.Symbol("q_y", positive=True)
    o_y, o_j = s_y - sp.log(q_y), s[j] - sp.log(q[j])
    loss_y, loss_j = (o_y, o_j) if corrected else (s_y, s[j])
    ssm = -loss_y + sp.log(sp.exp(loss_y) + sp.Sum(sp.exp(loss_j), (j, 1, k)))
    fy = sp.log(sp.exp(o_y) + sp.Sum(sp.exp(o_j), (j, 1, k))) + 0 - o_y     # Omega*(theta) + Omega(e_0) - theta_0
    return [
        (th[j] - sp.expand_log(sp.log(mu_j), force=True) - 1, sp.log(z) - 1,
         r"$\mu_j=e^{\theta_j}/Z$, $Z=\sum_je^{\theta_j}$: $\theta_j-\log\mu_j-1=\log Z-1$ for every $j$ "
         r"(Lagrange conditions of $\sup_{\mu\in\Delta}\langle\theta,\mu\rangle-\sum_j\mu_j\log\mu_j$)"),
        (mu_j * (th[j] - sp.expand_log(sp.log(mu_j), force=True)), sp.exp(th[j]) * sp.log(z) / z,
         r"each term of $\langle\theta,\mu\rangle-\Omega(\mu)$ is $e^{\theta_j}\log Z/Z$; summed over $j$ with "
         r"$\sum_je^{\theta_j}=Z$: $\Omega^*(\theta)=\log Z$, and $\Omega(e_0)=0$"),
        (ssm, fy, f"SSM ({_variant(corrected)}) $=L_{{\\Omega_H}}(\\theta;e_0)$ with $\\theta=(o_y,o_{{i_1}},\\dots)$, "
         r"$o=s-\log q$, symbolic $k$"),
    ]


def one_draw_witness(corrected: bool, seed: int) -> Outcome:
    """The SSM identity at k = 1 with plain symbols and admissible q (two entries below 1/2), for a witness."""
    s_y, s_1 = sp.symbols("s_y s_1", real=True)
    r_y, r_1 = sp.symbols("r_y r_1", positive=True)
    q_y, q_1 = 1 / (2 + r_y), 1 / (2 + r_1)
    o_y, o_1 = s_y - sp.log(q_y), s_1 - sp.log(q_1)
    loss_y, loss_1 = (o_y, o_1) if corrected else (s_y, s_1)
    return symbolic.identity(-loss_y + sp.log(sp.exp(loss_y) + sp.exp(loss_1)),
                             sp.log(sp.exp(o_y) + sp.exp(o_1)) - o_y, scope=WHOLE, seed=seed,
                             steps=(r"$k=1$, $q_y=1/(2+r_y)$, $q_{i_1}=1/(2+r_1)$ (both below 1/2: part of a "
                                    r"proposal)",))


@check(FY_APPROXIMATE, "symbolic")
def fy_symbolic(ctx: Context) -> Outcome:
    """Conjugates derived, then both identities for symbolic k (the SSM one first at k = 1, where a false variant
    gets a numeric witness quickly)."""
    corrected = ctx["logq_correction"]
    witness = one_draw_witness(corrected, ctx.seed)
    if witness.verdict != "proved":
        outcome = witness.but(reason=f"SSM ({_variant(corrected)}) vs the softmax FY loss at k = 1: {witness.reason}")
    else:
        outcome = _proved_all(binary_parts() + softmax_parts(corrected), ctx.seed)
    return outcome.but(statistics={**outcome.statistics, "ssm_variant": _variant(corrected)})


def nce_gap(s: np.ndarray, q: np.ndarray, y: int, draws: list[int]) -> float:
    """|NCE loss - sum of binary FY losses| relative to the size of the terms each side adds up (rounding scale)."""
    t = s - np.log(len(draws) * q)
    nce = -log_expit(t[y]) - log_expit(-t[draws]).sum()

    def binary_fy(theta: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
        conj = np.logaddexp(0.0, theta)                                    # Omega*(theta), exact softplus
        omega = xlogy(z, z) + xlogy(1 - z, 1 - z)
        return conj + omega - theta * z, np.abs(conj) + np.abs(theta * z)

    (pos, pos_scale), (neg, neg_scale) = binary_fy(t[y], 1.0), binary_fy(t[draws], 0.0)
    scale = 1.0 + abs(nce) + pos_scale + neg_scale.sum()
    return float(abs(nce - (pos + neg.sum())) / scale)


def ssm_gap(s: np.ndarray, q: np.ndarray, y: int, draws: list[int], corrected: bool) -> float:
    """|SSM loss of the variant - softmax FY loss of the corrected candidate logits| relative to the size of the
    terms (rounding scale)."""
    candidates = torch.as_tensor([y, *draws])
    st_, lq = torch.as_tensor(s), torch.log(torch.as_tensor(q))
    logits = (st_ - lq if corrected else st_)[candidates]
    loss = float(torch.logsumexp(logits, 0) - logits[0])
    theta = (st_ - lq)[candidates]
    target = torch.zeros_like(theta)
    target[0] = 1.0
    fy = float(fy_loss("softmax", theta, target))
    scale = 1.0 + abs(float(torch.logsumexp(theta, 0))) + abs(float(theta[0])) + abs(float(logits[0]))
    return abs(loss - fy) / scale


@st.composite
def cases(draw: st.DrawFn, ctx: Context) -> tuple[np.ndarray, np.ndarray, int, list[int]]:
    """Scores, a dense proposal, a positive and k <= MAX_K draws (repeats and the positive allowed)."""
    s = draw(budget_logits(ctx.budget))
    n = len(s)
    q = draw(simplex(size=n, kind="dense"))
    y = draw(st.integers(0, n - 1))
    draws = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=MAX_K))
    return s, q, y, draws


@check(FY_APPROXIMATE, "property")
def fy_property(ctx: Context) -> Outcome:
    """Both identities in float64 on arbitrary scores, proposals and candidate multisets."""
    corrected = ctx["logq_correction"]
    tol = REL_TOL.get(ctx.budget.name, REL_TOL["standard"])
    worst = {"nce": 0.0, "ssm": 0.0}

    def holds(case: tuple[np.ndarray, np.ndarray, int, list[int]]) -> bool | str:
        s, q, y, draws = case
        gaps = {"nce": nce_gap(s, q, y, draws), "ssm": ssm_gap(s, q, y, draws, corrected)}
        for name, value in gaps.items():
            worst[name] = max(worst[name], value)
            if not value <= tol:
                return (f"{name}: the loss and its Fenchel-Young form differ by {value:.3g} (relative) at y = {y}, "
                        f"draws = {draws}")
        return True

    outcome = prop.forall(ctx, cases(ctx), holds, what="NCE = sum of binary FY losses, SSM = softmax FY loss")
    return outcome.but(statistics={**outcome.statistics, "ssm_variant": _variant(corrected),
                                   "largest_relative_gap_nce": worst["nce"], "largest_relative_gap_ssm": worst["ssm"],
                                   "tolerance": tol},
                       resolution=Resolution(tol, "loss difference relative to the terms' magnitude"))
