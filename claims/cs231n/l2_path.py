r"""The exact L2-regularized multinomial logistic path on a small seeded data set (NumPy float64, Newton's method).

For data :math:`(x_i,y_i)_{i\le N}`, :math:`x_i\in\mathbb R^d`, :math:`C` classes and :math:`\lambda>0`,

.. math:: F_\lambda(W,b)=\frac1N\sum_i\bigl(\mathrm{logsumexp}(s_i)-s_{i,y_i}\bigr)+\frac\lambda2\lVert W\rVert_F^2,
   \qquad s_i=Wx_i+b,

with the intercept :math:`b` unpenalized and :math:`b_C=0` fixed (the softmax ignores a common shift of
:math:`b`). :func:`solve` runs Newton's method with a backtracking line search (full steps once the predicted
decrease is below the float64 resolution of :math:`F`) until
:math:`\lVert\nabla F_\lambda\rVert_2\le` ``tol`` and records the gradient norm it reached and the smallest
Hessian eigenvalue :math:`\mu` there. Then :math:`\lVert\theta-\theta^*\rVert\le\lVert\nabla F\rVert/\mu` to
first order (strong convexity), and :func:`uncertainty` turns it into error bars on :math:`\lVert W\rVert`
and on the prediction entropies (gradient norms of those quantities times that distance, times
:data:`SAFETY`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import log_softmax

from verifiers.errors import InvalidArgument

#: Factor on the first-order error bounds (covers the second-order terms at the tolerances used).
SAFETY = 2.0
#: Newton iterations before :func:`solve` gives up.
MAX_ITER = 200


@dataclass(frozen=True)
class Dataset:
    """Features ``X`` (N x d), labels ``y`` in ``0..C-1`` (every class present) and the class count."""

    X: np.ndarray
    y: np.ndarray
    classes: int


@dataclass(frozen=True)
class Solution:
    """A solved problem: ``lam``, weights ``W`` (C x d), intercepts ``b`` (``b[-1] = 0``), the gradient norm
    reached, the smallest Hessian eigenvalue there, Newton iterations and the tolerance asked for."""

    lam: float
    W: np.ndarray
    b: np.ndarray
    grad_norm: float
    curvature: float
    iterations: int
    tol: float

    @property
    def distance(self) -> float:
        """First-order bound on the distance to the exact minimizer, times :data:`SAFETY`."""
        return SAFETY * self.grad_norm / self.curvature


def synthetic(seed: int, points: int = 60, features: int = 2, classes: int = 3,
              prior: tuple[float, ...] = (0.6, 0.3, 0.1), spread: float = 1.0) -> Dataset:
    """Overlapping Gaussian classes with unequal priors; class means on the unit circle of the first two features."""
    if len(prior) != classes or points < classes or features < 2:
        raise InvalidArgument(f"claims.cs231n.l2_path.synthetic: expected len(prior) == classes <= points and "
                              f"features >= 2, got prior {prior}, classes {classes}, points {points}, "
                              f"features {features}")
    rng = np.random.default_rng(seed)
    y = rng.choice(classes, size=points, p=np.asarray(prior) / sum(prior))
    y[:classes] = np.arange(classes)
    angles = 2 * np.pi * np.arange(classes) / classes
    means = np.zeros((classes, features))
    means[:, 0], means[:, 1] = np.cos(angles), np.sin(angles)
    return Dataset(means[y] + spread * rng.standard_normal((points, features)), y, classes)


def unpack(theta: np.ndarray, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """The parameter vector (W row-major, then b[:-1]) as ``W`` (C x d) and ``b`` (with ``b[-1] = 0``)."""
    c, d = data.classes, data.X.shape[1]
    return theta[:c * d].reshape(c, d), np.append(theta[c * d:], 0.0)


def scores(W: np.ndarray, b: np.ndarray, data: Dataset) -> np.ndarray:
    """The score matrix :math:`s_i=Wx_i+b` (N x C)."""
    return data.X @ W.T + b


def objective(theta: np.ndarray, data: Dataset, lam: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Value, gradient and Hessian of :math:`F_\\lambda` in the parameters (W row-major, then b[:-1])."""
    W, b = unpack(theta, data)
    n, d, c = len(data.y), data.X.shape[1], data.classes
    log_p = log_softmax(scores(W, b, data), axis=1)
    p = np.exp(log_p)
    residual = (p - np.eye(c)[data.y]) / n
    value = -log_p[np.arange(n), data.y].mean() + 0.5 * lam * float((W**2).sum())
    grad = np.concatenate([(residual.T @ data.X + lam * W).ravel(), residual.sum(0)[:-1]])
    xa = np.hstack([data.X, np.ones((n, 1))])
    curv = np.einsum("ic,ik->ick", p, -p) + np.einsum("ic,ck->ick", p, np.eye(c))
    full = np.einsum("ick,ij,il->cjkl", curv, xa, xa).reshape(c * (d + 1), c * (d + 1)) / n
    keep = [k * (d + 1) + j for k in range(c) for j in range(d)] + [k * (d + 1) + d for k in range(c - 1)]
    hess = full[np.ix_(keep, keep)]
    hess[:c * d, :c * d] += lam * np.eye(c * d)
    return value, grad, hess


def solve(data: Dataset, lam: float, tol: float, start: Solution | None = None) -> Solution:
    """Newton's method with backtracking until the gradient norm is at most ``tol``.

    Raises
    ------
    InvalidArgument
        If ``lam`` or ``tol`` is not positive.
    RuntimeError
        If the tolerance is not reached within :data:`MAX_ITER` iterations.
    """
    if not (lam > 0 and tol > 0):
        raise InvalidArgument(f"claims.cs231n.l2_path.solve: expected lam > 0 and tol > 0, got {lam}, {tol}")
    c, d = data.classes, data.X.shape[1]
    theta = np.zeros(c * d + c - 1) if start is None else np.concatenate([start.W.ravel(), start.b[:-1]])
    for iteration in range(MAX_ITER + 1):
        value, grad, hess = objective(theta, data, lam)
        norm = float(np.linalg.norm(grad))
        if norm <= tol:
            W, b = unpack(theta, data)
            return Solution(lam, W, b, norm, float(np.linalg.eigvalsh(hess)[0]), iteration, tol)
        theta = theta + _damped(theta, data, lam, value, grad, np.linalg.solve(hess, -grad))
    raise RuntimeError(f"Newton did not reach gradient norm {tol:g} at lambda = {lam:g} in {MAX_ITER} iterations "
                       f"(reached {norm:.3g})")


def _damped(theta: np.ndarray, data: Dataset, lam: float, value: float, grad: np.ndarray,
            step: np.ndarray) -> np.ndarray:
    """Armijo backtracking on F; once the predicted decrease is below float64 resolution of F, the full step."""
    decrease = float(grad @ step)
    if -decrease <= 1e-13 * max(1.0, abs(value)):
        return step
    t = 1.0
    while objective(theta + t * step, data, lam)[0] > value + 1e-4 * t * decrease and t > 1e-10:
        t /= 2
    return t * step


def path(data: Dataset, lams: np.ndarray, tol: float) -> list[Solution]:
    """Solutions along an increasing grid, each warm-started from the previous one."""
    out: list[Solution] = []
    for lam in lams:
        out.append(solve(data, float(lam), tol, out[-1] if out else None))
    return out


def entropies(sol: Solution, data: Dataset) -> np.ndarray:
    """Shannon entropy (nats) of each training point's predicted distribution."""
    log_p = log_softmax(scores(sol.W, sol.b, data), axis=1)
    return -(np.exp(log_p) * log_p).sum(1)


def mean_loss(sol: Solution, data: Dataset) -> float:
    """Mean training cross-entropy."""
    log_p = log_softmax(scores(sol.W, sol.b, data), axis=1)
    return float(-log_p[np.arange(len(data.y)), data.y].mean())


def uncertainty(sol: Solution, data: Dataset) -> tuple[float, np.ndarray, float]:
    r"""Error bars on :math:`\lVert W\rVert`, on each point's entropy and on the mean entropy.

    :math:`\nabla_{s}H=-J(s)s` with :math:`J=\mathrm{diag}(p)-pp^\top`, so
    :math:`\lVert\nabla_\theta H_i\rVert\le\lVert J_is_i\rVert\sqrt{\lVert x_i\rVert^2+1}`; each bar is that
    gradient norm times :attr:`Solution.distance`.
    """
    s = scores(sol.W, sol.b, data)
    p = np.exp(log_softmax(s, axis=1))
    js = p * s - p * (p * s).sum(1, keepdims=True)
    xa = np.hstack([data.X, np.ones((len(data.y), 1))])
    per_point = np.linalg.norm(js, axis=1) * np.linalg.norm(xa, axis=1)
    mean_grad = float(np.linalg.norm(js.T @ xa / len(data.y)))
    return sol.distance, per_point * sol.distance, mean_grad * sol.distance
