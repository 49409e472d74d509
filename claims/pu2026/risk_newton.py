r"""Vectorized Newton solvers for conditional risks, unconstrained or on a hyperplane :math:`s_i=s_j`.

For a loss :math:`L(s;y)` and label weights :math:`w\ge0` the risk is :math:`R_w(s)=\sum_yw_yL(s;e_y)`.
For the Fenchel–Young losses of softmax, sparsemax and 1.5-entmax,
:math:`R_w(s)=\lVert w\rVert_1\Omega^*(s)-\langle w,s\rangle`, :math:`\nabla R_w=\lVert w\rVert_1\hat y(s)-w`
and the (generalized) Hessian is :math:`\lVert w\rVert_1(\mathrm{diag}(g)-gg^\top/\textstyle\sum_ig_i)` with
:math:`g=p` (softmax), :math:`g=\mathbf 1[p>0]` (sparsemax) and :math:`g=\sqrt p` (1.5-entmax): a diagonal
minus a rank-one matrix, so a Newton step costs :math:`O(n)` (Sherman–Morrison). The exact sampled-softmax
risk (``ssm``, ``ssm-uncorrected``) has a dense Hessian, solved with LAPACK (small :math:`n` only).

Steps are Levenberg–Marquardt damped (:math:`\mu=\lVert\nabla\rVert_2`, which converges fast also where the
minimizers are not isolated, as for the sparse losses) with an Armijo backtracking line search, run on a
whole batch of problems at once. With ``pairs`` the iterates stay on the hyperplane :math:`s_i=s_j`
(equality-constrained Newton steps), which is how the constrained infimum over the half-space
:math:`\{s_j\ge s_i\}` is found (see :mod:`claims.pu2026.calibration`). An ``active`` mask excludes coordinates:
they act as :math:`s_c=-\infty` (used for softmax with zero weights, whose risk decreases to that limit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from claims.pu2026.risk import FY_LOSSES, SSM_LOSSES, SSMDesign, predict_np

Array = np.ndarray

#: Infinity-norm of the (projected) gradient, relative to the total weight, below which a point is stationary.
STATIONARY_TOL = 1e-11
#: Newton iterations before a problem is declared not converged.
MAX_ITER = 200
#: Smallest Levenberg-Marquardt damping (it shrinks by 4 after each full step and grows by 4 otherwise).
DAMPING_FLOOR = 1e-12
#: Armijo sufficient-decrease constant and the number of step halvings tried.
ARMIJO, HALVINGS = 1e-4, 60


@dataclass(frozen=True)
class Curvature:
    """The Hessian of a batch at the current points: ``diag(d) - u u^T`` (``u`` may be absent) or ``dense``."""

    d: Array | None = None
    u: Array | None = None
    dense: Array | None = None

    def solve(self, mu: Array, rhs: Array) -> Array:
        """Solve ``(H + mu I) x = rhs`` for each row (``mu`` has shape ``(B,)``)."""
        if self.dense is not None:
            n = rhs.shape[-1]
            return np.linalg.solve(self.dense + mu[:, None, None] * np.eye(n), rhs[..., None])[..., 0]
        d = self.d + mu[:, None]
        x = rhs / d
        if self.u is None:
            return x
        ud = self.u / d
        coef = (self.u * x).sum(-1) / (1.0 - (self.u * ud).sum(-1))
        return x + coef[:, None] * ud


class RiskModel:
    """Value, gradient and curvature of :math:`R_w` for a ``(B, n)`` batch of scores.

    Parameters
    ----------
    loss : str
        One of ``softmax``, ``sparsemax``, ``entmax15``, ``ssm``, ``ssm-uncorrected``.
    w : array
        Label weights (non-negative, length ``n``).
    q, k
        Proposal and number of negatives of the sampled-softmax losses.
    """

    def __init__(self, loss: str, w: Array, q: Array | None = None, k: int = 2) -> None:
        if loss not in FY_LOSSES + SSM_LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(FY_LOSSES + SSM_LOSSES)}")
        self.loss, self.w = loss, np.asarray(w, dtype=np.float64)
        self.total = float(self.w.sum())
        if loss in SSM_LOSSES:
            if q is None:
                raise ValueError("sampled softmax needs a proposal q")
            design = SSMDesign.build(np.asarray(q, dtype=np.float64), k)
            self.prob = design.log_prob.exp().numpy()
            with np.errstate(divide="ignore"):  # log 0 = -inf: class absent from the candidate list
                self.log_mult = np.log(design.counts.numpy()[None] + np.eye(len(self.w))[:, None, :])
            self.shift = design.log_q.numpy() if loss == "ssm" else np.zeros(len(self.w))

    def evaluate(self, s: Array, active: Array | None = None,
                 curvature: bool = True) -> tuple[Array, Array, Curvature | None]:
        """Values ``(B,)``, gradients ``(B, n)`` and (optionally) the curvature at the rows of ``s``."""
        if self.loss in SSM_LOSSES:
            return self._ssm(s, curvature)
        if self.loss == "softmax":
            return self._softmax(s, active, curvature)
        p = predict_np(self.loss, s)
        omega = 0.5 * (p * p).sum(-1) - 0.5 if self.loss == "sparsemax" else ((p ** 1.5).sum(-1) - 1.0) / 0.75
        value = self.total * ((s * p).sum(-1) - omega) - s @ self.w
        grad = self.total * p - self.w
        if not curvature:
            return value, grad, None
        g = (p > 0).astype(np.float64) if self.loss == "sparsemax" else np.sqrt(p)
        return value, grad, _rank_one(self.total, g)

    def _softmax(self, s: Array, active: Array | None, curvature: bool) -> tuple[Array, Array, Curvature | None]:
        x = s if active is None else np.where(active, s, -np.inf)
        top = x.max(-1, keepdims=True)
        e = np.exp(x - top)
        z = e.sum(-1, keepdims=True)
        p = e / z
        linear = (s if active is None else np.where(active, s, 0.0)) @ self.w
        value = self.total * (np.log(z[:, 0]) + top[:, 0]) - linear
        grad = self.total * p - self.w
        if active is not None:
            grad = np.where(active, grad, 0.0)
        if not curvature:
            return value, grad, None
        curv = _rank_one(self.total, p)
        if active is not None:  # excluded coordinates: no curvature, no gradient, so no step
            curv = Curvature(d=np.where(active, curv.d, 1.0), u=curv.u)
        return value, grad, curv

    def _ssm(self, s: Array, curvature: bool) -> tuple[Array, Array, Curvature | None]:
        o = s - self.shift
        a = o[:, None, None, :] + self.log_mult[None]                                  # (B, y, M, n)
        top = a.max(-1, keepdims=True)
        e = np.exp(a - top)
        z = e.sum(-1, keepdims=True)
        lse = (np.log(z) + top)[..., 0]                                                # (B, y, M)
        pi = e / z
        value = (((lse * self.prob).sum(-1) - o) * self.w).sum(-1)
        weights = self.prob[None, :] * self.w[:, None]                                 # (y, M)
        mean_pi = np.einsum("bymn,ym->bn", pi, weights)
        grad = mean_pi - self.w
        if not curvature:
            return value, grad, None
        outer = np.einsum("bymn,bymo,ym->bno", pi, pi, weights)
        return value, grad, Curvature(dense=np.einsum("bn,no->bno", mean_pi, np.eye(s.shape[-1])) - outer)


def _rank_one(total: float, g: Array) -> Curvature:
    r""":math:`\mathrm{total}\,(\mathrm{diag}(g)-gg^\top/\sum g)` as a :class:`Curvature`."""
    scale = np.sqrt(total / g.sum(-1, keepdims=True))
    return Curvature(d=total * g, u=scale * g)


@dataclass(frozen=True)
class Solution:
    """Result of :func:`newton` for a batch.

    ``stationarity`` is the infinity-norm of the gradient (projected on the hyperplane when constrained);
    ``multipliers`` the estimate :math:`\\hat\\lambda=(\\partial_jR-\\partial_iR)/2` of the multiplier of the
    constraint :math:`s_j-s_i\\ge0` (NaN when unconstrained); ``converged`` whether stationarity is below
    :data:`STATIONARY_TOL` times the total weight.
    """

    points: Array
    values: Array
    grads: Array
    stationarity: Array
    multipliers: Array
    converged: Array
    iterations: int


def newton(model: RiskModel, starts: Array, *, pairs: Array | None = None, active: Array | None = None,
           tol: float = STATIONARY_TOL, max_iter: int = MAX_ITER) -> Solution:
    """Minimize :math:`R_w` from each row of ``starts``; with ``pairs`` (rows ``(i, j)``) on :math:`s_i=s_j`.

    Parameters
    ----------
    model : RiskModel
        The risk.
    starts : array, shape (B, n)
        Starting points (made feasible for the hyperplane by averaging ``s_i`` and ``s_j``).
    pairs : array of int, shape (B, 2), optional
        The coordinates kept equal, per row.
    active : array of bool, shape (B, n), optional
        Coordinates taking part (softmax only); the others act as :math:`-\\infty`.
    """
    s = np.array(starts, dtype=np.float64)
    rows = np.arange(len(s))
    a = None
    if pairs is not None:
        i, j = pairs[:, 0], pairs[:, 1]
        mid = 0.5 * (s[rows, i] + s[rows, j])
        s[rows, i], s[rows, j] = mid, mid
        a = np.zeros_like(s)
        a[rows, i], a[rows, j] = 1.0, -1.0
    s = _centre(s, active)
    limit = tol * max(1.0, model.total)
    damping = np.full(len(s), np.nan)
    value, grad, curv = model.evaluate(s, active)
    iterations = 0
    while iterations < max_iter:
        projected = _project(grad, a)
        norm = np.linalg.norm(projected, axis=-1)
        todo = np.abs(projected).max(-1) > limit
        if not todo.any():
            break
        iterations += 1
        damping = np.where(np.isnan(damping), norm, damping)
        step = _direction(curv, grad, a, np.maximum(np.minimum(damping, norm), DAMPING_FLOOR))
        step = np.where(todo[:, None], step, 0.0)
        if active is not None:
            step = np.where(active, step, 0.0)
        slope = (grad * step).sum(-1)
        trial = _centre(s + step, active)
        evaluated = model.evaluate(trial, active)
        length = np.ones(len(s))
        if not _sufficient(evaluated[0], value, slope, length).all():   # some full steps fail: backtrack those
            length = _armijo(model, s, active, value, slope, step)
            trial = _centre(s + length[:, None] * step, active)
            evaluated = model.evaluate(trial, active)
        value, grad, curv = evaluated
        damping = np.where(length == 1.0, damping / 4.0, damping * 4.0)
        s = trial
    stationarity = np.abs(_project(grad, a)).max(-1)
    multipliers = np.full(len(s), np.nan) if pairs is None else 0.5 * (grad[rows, j] - grad[rows, i])
    return Solution(s, value, grad, stationarity, multipliers, stationarity <= limit, iterations)


def _project(grad: Array, a: Array | None) -> Array:
    """The gradient projected on the hyperplane ``a . s = 0`` (``a = e_i - e_j``), or as is."""
    return grad if a is None else grad - 0.5 * (a * grad).sum(-1, keepdims=True) * a


def _direction(curv: Curvature, grad: Array, a: Array | None, mu: Array) -> Array:
    """The damped Newton direction, on the hyperplane ``a . d = 0`` when ``a`` is given."""
    step = -curv.solve(mu, grad)
    if a is None:
        return step
    along = curv.solve(mu, a)
    step = step + ((a * -step).sum(-1) / (a * along).sum(-1))[:, None] * along
    return step - 0.5 * (a * step).sum(-1, keepdims=True) * a   # exact feasibility despite rounding


def _sufficient(trial: Array, value: Array, slope: Array, length: Array) -> Array:
    """Armijo's sufficient decrease, up to rounding of the values."""
    return trial <= value + ARMIJO * length * slope + 1e-15 * (1.0 + np.abs(value))


def _armijo(model: RiskModel, s: Array, active: Array | None, value: Array, slope: Array, step: Array) -> Array:
    """Step lengths (halving from 1) with sufficient decrease; 0 where none of :data:`HALVINGS` has it."""
    t = np.ones(len(s))
    pending = np.ones(len(s), dtype=bool)
    for _ in range(HALVINGS):
        pending &= ~_sufficient(model.evaluate(s + t[:, None] * step, active, curvature=False)[0], value, slope, t)
        if not pending.any():
            return t
        t = np.where(pending, 0.5 * t, t)
    return np.where(pending, 0.0, t)


def _centre(s: Array, active: Array | None) -> Array:
    """Subtract the mean over the active coordinates (every risk here is invariant to adding a constant)."""
    if active is None:
        return s - s.mean(-1, keepdims=True)
    mean = np.where(active, s, 0.0).sum(-1, keepdims=True) / active.sum(-1, keepdims=True)
    return s - mean
