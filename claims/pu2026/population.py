r"""Exact population risks of approximate softmax losses on a linear softmax model, and their exact minimizers.

Model: :math:`m` contexts :math:`x` with weights :math:`\pi_x`, features :math:`\phi(x)\in\mathbb R^d`, a target
:math:`\eta(\cdot|x)` on :math:`n` classes and scores :math:`s(x)=W\phi(x)+b` (plus a free per-context normalizer
:math:`c(x)\mathbf 1` for ``nce-normalized``); :math:`p_\theta(\cdot|x)=\mathrm{softmax}(s(x))`. The proposal (noise)
:math:`q` is the unigram marginal :math:`\sum_x\pi_x\eta(\cdot|x)`. :math:`\theta^*` minimizes the cross-entropy
risk (the full-softmax MLE), :math:`\theta_k` the population risk of an approximate loss with :math:`k` samples, and
:math:`d_k=\sum_x\pi_x\,\mathrm{KL}(p_{\theta^*}(\cdot|x)\|p_{\theta_k}(\cdot|x))`.

Risks (constants that do not depend on :math:`\theta` are dropped, so every risk has a finite limit as
:math:`k\to\infty`; ``k = math.inf`` gives that limit exactly):

``ssm`` (variant ``ssm-logq``)
    :math:`\mathbb E\,[-o_y+\log(e^{o_y}+\sum_{j\le k}e^{o_{i_j}})]-\log k-\mathbb E\log q_y
    =\mathrm{CE}(s)+\sum_y\eta_y\,G_k(y)`, :math:`o=s-\log q`,
    :math:`G_k(y)=\mathbb E\log\frac{w_y+S_k}{kZ}`, :math:`w_c=e^{o_c}`, :math:`S_k=\sum_j w_{i_j}`,
    :math:`Z=\sum_c e^{s_c}`. Exactly, by Frullani's integral and the closed-form Laplace transform
    :math:`\mathbb E e^{-tS_k}=(\sum_c q_c e^{-tw_c})^k`, with :math:`r=p/q`,

    .. math:: G_k(y)=\int_0^\infty\Big[e^{-u}-e^{-ur_y/k}\Big(\sum_c q_c e^{-ur_c/k}\Big)^k\Big]\frac{du}{u},

    evaluated by a double-exponential (exp-sinh) rule whose error is estimated by halving its step; for small
    :math:`k` it is checked against exact enumeration of the multisets (:class:`claims.pu2026.risk.SSMDesign`).
    :math:`G_\infty=0`: the limit is the cross-entropy.
``nce`` and ``nce-normalized``
    :math:`\sum_c[-\eta_c\log\sigma(t_c)-kq_c\log\sigma(-t_c)]-\sum_c\eta_c\log(kq_c)`, :math:`t=s-\log(kq)`:
    closed form for every real :math:`k>0` (the noise term is an expectation under :math:`q`); the limit is
    :math:`\sum_c(e^{s_c}-\eta_c s_c)`.

Minimizers: SciPy's BFGS in float64 to :data:`QN_GTOL`, then Newton steps with the exact (autograd) Hessian
until the gradient's sup-norm is at most the requested tolerance; the tolerance is checked and, with the smallest
Hessian eigenvalue, turned into a bound on the distance to the exact minimizer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from scipy.optimize import minimize

from claims.pu2026.risk import SSMDesign, ssm_risk

#: The estimators: sampled softmax (ssm-logq), binary NCE, binary NCE with a free per-context normalizer c(x).
ESTIMATORS = ("ssm", "nce", "nce-normalized")
#: The two designs: the target outside the model family, and inside it.
MODELS = ("misspecified", "well-specified")
#: Gradient sup-norm at which the quasi-Newton method hands over to Newton's method.
QN_GTOL = 1e-8
#: Newton steps allowed after the quasi-Newton phase.
NEWTON_STEPS = 8
#: Step and half-width (in the exp-sinh variable) of the quadrature rule for G_k.
QUAD_STEP, QUAD_HALF_WIDTH = 1.0 / 64.0, 4.5

Risk = Callable[[torch.Tensor], torch.Tensor]

# The design: n = 4 classes, d = 1 feature, m = 5 equally weighted contexts phi = -2..2.
_PHI = (-2.0, -1.0, 0.0, 1.0, 2.0)
_LINEAR = (1.5, -1.0, 0.0, -0.5)
_QUADRATIC = (0.6, -0.4, 0.0, 0.2)
_OFFSET = (0.0, 0.5, 0.3, 0.0)


@dataclass(frozen=True)
class Model:
    """A population: features ``phi`` (m, d), target ``eta`` (m, n), context weights (m,), proposal ``q`` (n,)."""

    name: str
    phi: torch.Tensor
    eta: torch.Tensor
    weights: torch.Tensor
    q: torch.Tensor

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n, d, m)``: classes, features, contexts."""
        return self.eta.shape[1], self.phi.shape[1], self.phi.shape[0]

    def describe(self) -> str:
        """One line for scopes and notes."""
        n, d, m = self.shape
        return (f"{self.name} linear softmax model, n = {n}, d = {d}, m = {m}, phi = {list(_PHI)}, "
                f"eta(x) = softmax({list(_LINEAR)} phi + {list(self._quadratic())} phi^2 + {list(_OFFSET)}), "
                "q = unigram marginal of eta")

    def _quadratic(self) -> tuple[float, ...]:
        return _QUADRATIC if self.name == "misspecified" else (0.0,) * len(_QUADRATIC)


@lru_cache(maxsize=None)
def model(name: str) -> Model:
    r"""The design called ``name``: :math:`\eta(x)=\mathrm{softmax}(a\phi+b\phi^2+c)` with the quadratic term
    (``misspecified``: no :math:`W,b` represent it) or without it (``well-specified``)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODELS)}")
    phi = torch.tensor(_PHI, dtype=torch.float64)[:, None]
    quadratic = torch.tensor(_QUADRATIC if name == "misspecified" else (0.0,) * 4, dtype=torch.float64)
    eta = torch.softmax(torch.tensor(_LINEAR) * phi + quadratic * phi**2 + torch.tensor(_OFFSET), dim=-1).double()
    weights = torch.full((len(_PHI),), 1.0 / len(_PHI), dtype=torch.float64)
    return Model(name, phi, eta, weights, weights @ eta)


def parameter_count(mod: Model, estimator: str) -> int:
    """Free parameters: gauge-fixed ``(W, b)`` (last class 0) for ``ssm``/``ce``; all of them for ``nce``;
    gauge-fixed ``(W, b)`` plus ``c`` for ``nce-normalized``."""
    n, d, m = mod.shape
    return {"ce": (n - 1) * (d + 1), "ssm": (n - 1) * (d + 1), "nce": n * (d + 1),
            "nce-normalized": (n - 1) * (d + 1) + m}[estimator]


def scores(mod: Model, estimator: str, theta: torch.Tensor) -> torch.Tensor:
    """The ``(m, n)`` scores ``W phi(x) + b`` (``+ c(x)`` for ``nce-normalized``) of a parameter vector."""
    n, d, m = mod.shape
    rows = n if estimator == "nce" else n - 1
    W, b = theta[: rows * d].reshape(rows, d), theta[rows * d: rows * (d + 1)]
    if rows < n:
        W = torch.cat([W, W.new_zeros(1, d)])
        b = torch.cat([b, b.new_zeros(1)])
    s = mod.phi @ W.T + b
    return s + theta[rows * (d + 1):, None] if estimator == "nce-normalized" else s


def cross_entropy(mod: Model, s: torch.Tensor) -> torch.Tensor:
    r"""Full-softmax population risk :math:`\sum_x\pi_x\sum_y\eta_y(\log Z-s_y)`."""
    return mod.weights @ (mod.eta * (torch.logsumexp(s, -1, keepdim=True) - s)).sum(-1)


@lru_cache(maxsize=None)
def quadrature(step: float = QUAD_STEP) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Exp-sinh nodes :math:`u=e^{\frac\pi2\sinh\tau}` and weights for :math:`\int_0^\infty f(u)\,du/u`
    (the rule integrates :math:`f(u)\frac\pi2\cosh\tau\,d\tau` on a uniform :math:`\tau` grid)."""
    tau = torch.arange(-QUAD_HALF_WIDTH, QUAD_HALF_WIDTH + step / 2, step, dtype=torch.float64)
    return torch.exp(0.5 * math.pi * torch.sinh(tau)), step * 0.5 * math.pi * torch.cosh(tau)


def ssm_correction(ratio: torch.Tensor, q: torch.Tensor, k: int, step: float = QUAD_STEP) -> torch.Tensor:
    r""":math:`G_k(y)=\mathbb E\log\frac{w_y+S_k}{kZ}` for every context and label, shape ``(m, n)``.

    ``ratio`` is :math:`r=p/q` (m, n). The bracket of the integrand is
    :math:`-e^{-u}\,\mathrm{expm1}(X+u)` with :math:`X=-ur_y/k+k\log(1+\sum_cq_c\,\mathrm{expm1}(-ur_c/k))`,
    which avoids the cancellation of the two terms (both are close to :math:`e^{-u}` for large :math:`k`); where
    the Laplace transform is small, :math:`\log\sum_c q_ce^{-ur_c/k}` is a ``logsumexp`` instead.
    """
    u, w = quadrature(step)
    a = -u[:, None, None] * ratio[None] / k                                   # (T, m, n)
    mean = (q * torch.expm1(a)).sum(-1, keepdim=True)                         # E e^{-u r/k} - 1, in [-1, 0]
    small = torch.log1p(mean.clamp(min=-0.5))                                 # accurate near 0
    large = torch.logsumexp(torch.log(q) + a, -1, keepdim=True)               # safe near -1 (no log1p(-1-eps))
    inner = k * torch.where(mean > -0.5, small, large)                        # (T, m, 1)
    excess = a + inner + u[:, None, None]                                     # X + u
    decay = torch.exp(-u)[:, None, None]
    near = -decay * torch.expm1(excess.clamp(max=1.0))
    far = decay - torch.exp(a + inner)
    return (torch.where(excess < 1.0, near, far) * w[:, None, None]).sum(0)


def ssm_population(mod: Model, s: torch.Tensor, k: float, step: float = QUAD_STEP) -> torch.Tensor:
    r"""SSM (ssm-logq) population risk minus :math:`\log k+\mathbb E\log q_y`; the cross-entropy at ``k = inf``."""
    ce = cross_entropy(mod, s)
    if math.isinf(k):
        return ce
    ratio = torch.softmax(s, -1) / mod.q
    return ce + mod.weights @ (mod.eta * ssm_correction(ratio, mod.q, int(k), step)).sum(-1)


def ssm_enumerated(mod: Model, s: torch.Tensor, k: int) -> torch.Tensor:
    """The same risk by exact enumeration of the multisets of ``k`` draws (small ``n`` and ``k`` only)."""
    design = SSMDesign.build(mod.q.numpy(), k)
    per_context = torch.stack([ssm_risk(s[x: x + 1], mod.eta[x], design, corrected=True)[0]
                               for x in range(s.shape[0])])
    constant = math.log(k) + mod.weights @ (mod.eta * torch.log(mod.q)).sum(-1)
    return mod.weights @ per_context - constant


def nce_population(mod: Model, s: torch.Tensor, k: float) -> torch.Tensor:
    r"""Binary NCE population risk minus :math:`\mathbb E\sum_c\eta_c\log(kq_c)`; its limit at ``k = inf``."""
    if math.isinf(k):
        return mod.weights @ (torch.exp(s) - mod.eta * s).sum(-1)
    log_kq = math.log(k) + torch.log(mod.q)
    t = s - log_kq
    logsig = torch.nn.functional.logsigmoid
    per_class = -mod.eta * (logsig(t) + log_kq) - k * mod.q * logsig(-t)
    return mod.weights @ per_class.sum(-1)


def population_risk(mod: Model, estimator: str, k: float, step: float = QUAD_STEP) -> Risk:
    """The population risk of ``estimator`` with ``k`` samples as a function of the parameter vector."""
    if estimator == "ce":
        return lambda theta: cross_entropy(mod, scores(mod, "ce", theta))
    if estimator == "ssm":
        return lambda theta: ssm_population(mod, scores(mod, "ssm", theta), k, step)
    if estimator in ("nce", "nce-normalized"):
        return lambda theta: nce_population(mod, scores(mod, estimator, theta), k)
    raise ValueError(f"unknown estimator {estimator!r}; expected ce or one of {', '.join(ESTIMATORS)}")


def value_and_grad(risk: Risk, theta: np.ndarray) -> tuple[float, np.ndarray]:
    """Risk value and gradient (autograd, float64) at a NumPy point."""
    x = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    value = risk(x)
    (grad,) = torch.autograd.grad(value, x)
    return float(value.detach()), grad.numpy()


def hessian(risk: Risk, theta: np.ndarray) -> np.ndarray:
    """Exact Hessian by autograd."""
    return torch.autograd.functional.hessian(risk, torch.tensor(theta, dtype=torch.float64)).numpy()


@dataclass(frozen=True)
class Minimizer:
    """A minimizer found to a checked gradient tolerance.

    ``grad_norm`` is the sup-norm of the gradient at ``theta``, ``lambda_min`` the smallest Hessian eigenvalue
    there, ``distance`` the first-order bound ``‖∇R‖₂/λ_min`` on the distance to the exact minimizer (the risk is
    strictly convex in these coordinates), ``converged`` whether ``grad_norm <= gtol``.
    """

    theta: np.ndarray
    grad_norm: float
    lambda_min: float
    distance: float
    converged: bool
    evaluations: int
    newton_steps: int


def quasi_newton(risk: Risk, start: np.ndarray, gtol: float = QN_GTOL, max_iter: int = 1000) -> tuple[np.ndarray, int]:
    """SciPy's BFGS from ``start`` until the gradient sup-norm is ``<= gtol``; the point and the evaluations used.

    BFGS rather than L-BFGS: with at most a dozen parameters the limited-memory variant (memory 20) keeps the same
    curvature pairs, while SciPy's L-BFGS-B spends milliseconds per iteration in multithreaded LAPACK on these
    tiny matrices and ``torch.optim.LBFGS`` imports ``torch._dynamo`` (seconds) on first use.
    """
    result = minimize(lambda x: value_and_grad(risk, x), np.asarray(start, dtype=np.float64), jac=True,
                      method="BFGS", options={"gtol": gtol, "maxiter": max_iter})
    return result.x, int(result.nfev)


def solve(risk: Risk, start: np.ndarray, gtol: float) -> Minimizer:
    """BFGS to :data:`QN_GTOL`, then Newton steps (exact Hessian) until the gradient sup-norm is ``<= gtol``."""
    theta, evaluations = quasi_newton(risk, start)
    steps = 0
    grad, H = value_and_grad(risk, theta)[1], hessian(risk, theta)
    while np.abs(grad).max() > gtol and steps < NEWTON_STEPS:
        theta = theta - np.linalg.solve(H, grad)
        grad = value_and_grad(risk, theta)[1]
        steps += 1
        if np.abs(grad).max() > gtol:
            H = hessian(risk, theta)
    lam = float(np.linalg.eigvalsh(H).min())  # at theta or one Newton step (~gtol/lambda) before it
    norm = float(np.abs(grad).max())
    distance = float(np.linalg.norm(grad)) / lam if lam > 0 else math.inf
    return Minimizer(theta, norm, lam, distance, norm <= gtol, evaluations, steps)


def expected_kl(mod: Model, s_ref: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    r""":math:`\sum_x\pi_x\mathrm{KL}(\mathrm{softmax}(s_{ref}(x))\|\mathrm{softmax}(s(x)))`, differentiable."""
    log_ref, log_p = torch.log_softmax(s_ref, -1), torch.log_softmax(s, -1)
    return mod.weights @ (log_ref.exp() * (log_ref - log_p)).sum(-1)


def _log_softmax_ld(s: np.ndarray) -> np.ndarray:
    top = s.max(-1, keepdims=True)
    return s - top - np.log(np.exp(s - top).sum(-1, keepdims=True))


def expected_kl_value(mod: Model, s_ref: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """:func:`expected_kl` evaluated in extended precision (``np.longdouble``) from float64 scores, and a bound on
    its rounding error (a few ulps of the terms, plus the effect of rounding the scores to float64)."""
    ld = np.longdouble
    log_ref, log_p = _log_softmax_ld(s_ref.astype(ld)), _log_softmax_ld(s.astype(ld))
    weights = mod.weights.numpy().astype(ld)
    p_ref = np.exp(log_ref)
    value = float(weights @ (p_ref * (log_ref - log_p)).sum(-1))
    scale = float(weights @ (p_ref * (np.abs(log_ref) + np.abs(log_p))).sum(-1))
    moved = float(weights @ (np.abs(p_ref - np.exp(log_p)) * (np.abs(s_ref) + np.abs(s))).sum(-1))
    return value, 16 * float(np.finfo(ld).eps) * scale + 4 * float(np.finfo(np.float64).eps) * moved


@dataclass(frozen=True)
class Gap:
    r""":math:`d_k` at one :math:`k`, with a bound on its numerical error and the optimizer's record.

    ``error`` bounds :math:`|d_k-\hat d_k|` to first order from the *stated* tolerance (not the gradient reached,
    so a tighter tolerance always gives a finer bound): each minimizer lies within
    :math:`(\sqrt p\,\mathrm{gtol}+\epsilon_{quad})/\lambda_{min}` of the exact one, and :math:`d` moves by at most
    its gradient times that distance, plus the curvature term that matters when :math:`d_k\approx0`,
    plus the rounding error of the extended-precision KL (:func:`expected_kl_value`).
    ``quadrature`` is the change of the risk gradient (2-norm) when the quadrature step is halved (SSM; 0
    otherwise). ``theta`` is the minimizer :math:`\theta_k`.
    """

    k: float
    d: float
    error: float
    grad_norm: float
    lambda_min: float
    quadrature: float
    converged: bool
    theta: np.ndarray


@lru_cache(maxsize=None)
def mle(model_name: str, gtol: float) -> Minimizer:
    r"""The full-softmax population MLE :math:`\theta^*` (gauge-fixed)."""
    mod = model(model_name)
    return solve(population_risk(mod, "ce", math.inf), np.zeros(parameter_count(mod, "ce")), gtol)


def _start(mod: Model, estimator: str, star: np.ndarray) -> np.ndarray:
    """Start at theta* (embedded in the estimator's coordinates): deterministic and close."""
    n, d, m = mod.shape
    if estimator == "ssm":
        return star.copy()
    if estimator == "nce-normalized":
        return np.concatenate([star, np.zeros(m)])
    W = np.vstack([star[: (n - 1) * d].reshape(n - 1, d), np.zeros((1, d))])
    return np.concatenate([W.ravel(), np.append(star[(n - 1) * d:], 0.0)])


def _quadrature_error(mod: Model, k: float, theta: np.ndarray, step: float) -> float:
    """2-norm change of the SSM risk gradient at ``theta`` when the quadrature step is halved."""
    coarse = value_and_grad(population_risk(mod, "ssm", k, step), theta)[1]
    fine = value_and_grad(population_risk(mod, "ssm", k, step / 2), theta)[1]
    return float(np.linalg.norm(fine - coarse))


@lru_cache(maxsize=None)
def gap(model_name: str, estimator: str, k: float, gtol: float, step: float = QUAD_STEP) -> Gap:
    """:math:`d_k` for one estimator and one ``k`` (``math.inf`` for the exact limit), cached per process."""
    mod = model(model_name)
    star = mle(model_name, gtol)
    found = solve(population_risk(mod, estimator, k, step), _start(mod, estimator, star.theta), gtol)
    quad = _quadrature_error(mod, k, found.theta, step) if estimator == "ssm" and not math.isinf(k) else 0.0
    reach = (math.sqrt(found.theta.size) * gtol + quad) / found.lambda_min
    reach_star = math.sqrt(star.theta.size) * gtol / star.lambda_min
    t_star = torch.tensor(star.theta, requires_grad=True)
    t_k = torch.tensor(found.theta, requires_grad=True)
    s_star, s_k = scores(mod, "ce", t_star), scores(mod, estimator, t_k)
    g_star, g_k = torch.autograd.grad(expected_kl(mod, s_star, s_k), (t_star, t_k))
    d, rounding = expected_kl_value(mod, s_star.detach().numpy(), s_k.detach().numpy())
    curvature = float(np.linalg.eigvalsh(hessian(population_risk(mod, "ce", math.inf), star.theta)).max())
    error = (float(g_star.norm()) * reach_star + float(g_k.norm()) * reach + curvature * (reach_star + reach) ** 2
             + rounding)
    return Gap(k, d, error, found.grad_norm, found.lambda_min, quad, found.converged and star.converged,
               found.theta)


def gap_curve(model_name: str, estimator: str, ks: tuple[float, ...], gtol: float,
              step: float = QUAD_STEP) -> tuple[Gap, ...]:
    """:math:`d_k` over a grid of ``k`` (each point cached)."""
    return tuple(gap(model_name, estimator, k, gtol, step) for k in ks)


def local_exponents(ks: list[float], ds: list[float]) -> list[float]:
    r"""Local decay exponents :math:`-\Delta\log d/\Delta\log k` between consecutive grid points."""
    return [-math.log(ds[i + 1] / ds[i]) / math.log(ks[i + 1] / ks[i]) for i in range(len(ks) - 1)]


def fitted_exponent(ks: list[float], ds: list[float]) -> float:
    r"""Least-squares slope of :math:`-\log d` against :math:`\log k` (the fitted decay rate)."""
    slope = np.polyfit(np.log(ks), np.log(ds), 1)[0]
    return float(-slope)


@dataclass(frozen=True)
class Settings:
    """Profile-dependent precision: gradient tolerance, quadrature step and the grid of ``k``."""

    gtol: float
    step: float
    ks: tuple[float, ...]


#: Precision per profile: a larger profile has a tighter tolerance, a finer rule and a denser, longer grid.
SETTINGS = {
    "quick": Settings(1e-12, 1.0 / 64.0, tuple(4.0**j for j in range(7))),
    "standard": Settings(1e-13, 1.0 / 128.0, tuple(2.0**j for j in range(13))),
    "thorough": Settings(3e-14, 1.0 / 256.0, tuple(2.0**j for j in range(15))),
}
#: The range of k over which a plateau and a decay are decided (the catalogue's [256, 4096]).
TAIL = (256.0, 4096.0)
#: Decay: the exponent fitted over the tail is at least this, and the local exponents stay within DRIFT_TOL of it.
ALPHA_MIN, DRIFT_TOL = 0.5, 0.1
#: Plateau: relative change of d_k over the tail below 1 %; equivalently a fitted exponent below
#: log(1.01)/log(16) in absolute value.
PLATEAU_CHANGE = 0.01
ALPHA_PLATEAU = math.log(1.0 + PLATEAU_CHANGE) / math.log(TAIL[1] / TAIL[0])
#: A limit counts as positive when it exceeds its numerical error bound this many times.
POSITIVE_FACTOR = 100.0


def settings(profile: str) -> Settings:
    """The precision of a profile (unknown profiles get the ``standard`` one)."""
    return SETTINGS.get(profile, SETTINGS["standard"])


@dataclass(frozen=True)
class Curve:
    """:math:`d_k` of one estimator over the grid, its exact limit, and the rates over the tail."""

    model: str
    estimator: str
    gaps: tuple[Gap, ...]
    limit: Gap

    @property
    def ks(self) -> list[float]:
        return [g.k for g in self.gaps]

    @property
    def ds(self) -> list[float]:
        return [g.d for g in self.gaps]

    @property
    def tail(self) -> tuple[list[float], list[float]]:
        """The grid points in :data:`TAIL` and their d_k."""
        pairs = [(g.k, g.d) for g in self.gaps if TAIL[0] <= g.k <= TAIL[1]]
        return [k for k, _ in pairs], [d for _, d in pairs]

    @property
    def resolution(self) -> float:
        """The largest error bound over the grid and the limit (nats)."""
        return max(g.error for g in (*self.gaps, self.limit))

    @property
    def converged(self) -> bool:
        return all(g.converged for g in (*self.gaps, self.limit))

    def rates(self) -> dict[str, float | list[float]]:
        """Fitted and local exponents of d_k over the tail, the relative change there, and the limit."""
        ks, ds = self.tail
        positive = all(d > 0 for d in ds)
        alpha = fitted_exponent(ks, ds) if positive else math.nan
        local = local_exponents(ks, ds) if positive else []
        change = abs(ds[0] - ds[-1]) / abs(ds[-1]) if ds[-1] != 0 else math.nan
        return {"fitted_exponent": alpha, "local_exponents": local, "relative_change": change,
                "limit": self.limit.d, "limit_error": self.limit.error}


def curve(model_name: str, estimator: str, profile: str) -> Curve:
    """:math:`d_k` over the profile's grid and at :math:`k=\\infty` (cached per point)."""
    prec = settings(profile)
    gaps = gap_curve(model_name, estimator, prec.ks, prec.gtol, prec.step)
    return Curve(model_name, estimator, gaps, gap(model_name, estimator, math.inf, prec.gtol, prec.step))


def decay_failure(c: Curve) -> str | None:
    """Why ``c`` does not decay to 0 (``None`` when it does): exact limit 0 within its error bound, and a tail
    exponent of at least :data:`ALPHA_MIN` with local exponents within :data:`DRIFT_TOL` of it."""
    r = c.rates()
    alpha, local = r["fitted_exponent"], r["local_exponents"]
    if abs(c.limit.d) > c.limit.error:
        return (f"d_k plateaus: the exact k -> infinity limit is d_inf = {c.limit.d:.6g} > 0 (error bound "
                f"{c.limit.error:.1e}); fitted exponent {alpha:.4g} and relative change "
                f"{100 * r['relative_change']:.3g} % over k in {list(TAIL)}")
    if not alpha >= ALPHA_MIN:
        return f"d_k does not decay over k in {list(TAIL)}: fitted exponent {alpha:.4g} < {ALPHA_MIN}"
    drift = max(abs(a - alpha) for a in local)
    if drift > DRIFT_TOL:
        return f"the local exponents {[round(a, 4) for a in local]} drift by {drift:.3g} > {DRIFT_TOL} from the fit"
    return None


def plateau_failure(c: Curve) -> str | None:
    """Why ``c`` does not plateau at a positive level (``None`` when it does): exact limit above
    :data:`POSITIVE_FACTOR` times its error bound, relative change over the tail below :data:`PLATEAU_CHANGE` and
    a fitted tail exponent within :data:`ALPHA_PLATEAU` of 0."""
    r = c.rates()
    if not c.limit.d > POSITIVE_FACTOR * max(c.limit.error, 1e-300):
        return (f"the exact k -> infinity limit d_inf = {c.limit.d:.3g} is not resolvably positive "
                f"(error bound {c.limit.error:.1e})")
    if not r["relative_change"] < PLATEAU_CHANGE:
        return f"d_k changes by {100 * r['relative_change']:.3g} % over k in {list(TAIL)} (a plateau: < 1 %)"
    if not abs(r["fitted_exponent"]) <= ALPHA_PLATEAU:
        return f"fitted tail exponent {r['fitted_exponent']:.4g} exceeds {ALPHA_PLATEAU:.4g} in absolute value"
    return None


def figure(c: Curve, title: str, limit_line: bool = False) -> dict[str, object]:
    """A ``line`` figure of d_k vs k on log axes (exact values: no band); optionally the exact limit as a line."""
    fig: dict[str, object] = {"kind": "line", "title": title, "xlabel": "k (samples)",
                              "ylabel": "d_k = E_x KL(p_θ* ‖ p_θk)", "log": True, "exact": True,
                              "x": c.ks, "y": c.ds, "estimator": c.estimator, "model": c.model,
                              "limit": c.limit.d}
    if limit_line:
        fig["claimed"] = [c.limit.d] * len(c.ks)
    return fig
