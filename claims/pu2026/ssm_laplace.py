r"""Exact population sampled-softmax gradients for any number of negatives, by a Laplace transform.

Sampled softmax (the positive kept among the candidates, :math:`k` negatives i.i.d. from :math:`q`, logits
:math:`o=s-\log q` corrected or :math:`o=s`) has per-example loss :math:`-o_y+\log(w_y+X_k)` with
:math:`w=e^{o}` and :math:`X_k=\sum_{j=1}^k w_{i_j}`. Its population gradient is

.. math:: \partial_a R(s)=-\eta_a+w_a\,\mathbb E\Big[\frac{1[y=a]+M_a}{w_y+X_k}\Big]
          =-\eta_a+w_a\int_0^\infty e^{-tw_a}\varphi(t)^{k-1}\bigl[\eta_a\varphi(t)+kq_a\psi(t)\bigr]\,dt,

with :math:`\varphi(t)=\sum_cq_ce^{-tw_c}` (the Laplace transform of one negative's weight),
:math:`\psi(t)=\sum_c\eta_ce^{-tw_c}`, because :math:`1/z=\int_0^\infty e^{-tz}dt` and
:math:`\mathbb E[M_a f(X_k)]=kq_a\mathbb E[f(w_a+X_{k-1})]` (exchangeability). The integral is computed by the
trapezoidal rule in :math:`v=\log t`, exponentially accurate for this analytic, doubly-exponentially decaying
integrand; the cost does not depend on :math:`k` (beyond the logarithm of the range), so :math:`k=10^{10}` costs
what :math:`k=1` does. The multiset enumeration of :mod:`claims.pu2026.risk` is the independent reference for small
:math:`k` (the unit tests compare the two).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Step of the trapezoidal rule in log t (error about exp(-π²/STEP), far below float64 rounding).
STEP = 0.1
#: The neglected mass near t = 0 and the decay exponent reached at the far end of the grid.
NEAR_ZERO, FAR_DECAY = 1e-18, 80.0
#: Weights below this (relative to the largest) are treated as this small when sizing the grid.
SMALLEST_WEIGHT = 1e-250
#: Largest Newton step (sup norm): far from the minimizer the pseudo-inverse may point very far.
MAX_STEP = 4.0
#: Central-difference step of the Hessian (gradients are accurate to about 1e-14).
FD_STEP = 1e-5

Array = np.ndarray


def _weights(s: Array, log_q: Array, corrected: bool) -> Array:
    """w = exp(o) scaled so that max w = 1 per row (the risk is invariant to adding a constant to s)."""
    o = s - log_q if corrected else s
    return np.exp(o - o.max(-1, keepdims=True))


def _grid(w: Array, k: float) -> tuple[Array, float]:
    """Nodes t = exp(v) covering [NEAR_ZERO/(1+k), FAR_DECAY/((1+k) min w)] for every row, and the step in v."""
    low = np.log(NEAR_ZERO / (1.0 + k))
    high = np.log(FAR_DECAY / ((1.0 + k) * max(float(w.min()), SMALLEST_WEIGHT)))
    v = np.arange(low, high + STEP, STEP)
    return np.exp(v), STEP


def gradient(s: Array, eta: Array, q: Array, k: float, corrected: bool) -> Array:
    r"""The exact population gradient :math:`\nabla R(s)` for a ``(B, n)`` batch of scores (any ``k >= 1``)."""
    s = np.atleast_2d(np.asarray(s, dtype=np.float64))
    log_q = np.log(q)
    w = _weights(s, log_q, corrected)                                         # (B, n)
    t, h = _grid(w, k)                                                        # (T,)
    decay = -t[None, :, None] * w[:, None, :]                                 # (B, T, n): -t w_c
    with np.errstate(divide="ignore"):  # φ underflows to 0 far out: log φ = -inf, clipped (k = 1 needs φ^0 = 1)
        log_phi = np.maximum(np.log1p(np.maximum((q * np.expm1(decay)).sum(-1), -1.0)), -1e4)   # (B, T)
    psi = (eta * np.exp(decay)).sum(-1)                                       # (B, T)
    phi = np.exp(log_phi)
    base = np.exp(decay + (k - 1.0) * log_phi[..., None])                      # e^{-t w_a} φ^{k-1}
    integrand = base * (eta * phi[..., None] + k * q * psi[..., None])        # (B, T, n)
    integral = h * (integrand * t[None, :, None]).sum(1)                      # dt = t dv (trapezoid, tails ~ 0)
    return w * integral - eta


def hessian(s: Array, eta: Array, q: Array, k: float, corrected: bool) -> Array:
    """Central-difference Hessian of the exact population risk at one score vector ``s`` (shape ``(n, n)``)."""
    n = len(s)
    steps = FD_STEP * np.eye(n)
    grads = gradient(np.concatenate([s + steps, s - steps]), eta, q, k, corrected)
    h = (grads[:n] - grads[n:]).T / (2 * FD_STEP)
    return (h + h.T) / 2


@dataclass(frozen=True)
class Stationary:
    """A stationary point found by Newton's method from a start: the point (centred) and the gradient there."""

    point: Array
    grad_norm: float
    start_grad_norm: float
    iterations: int


def newton(start: Array, eta: Array, q: Array, k: float, corrected: bool, *, tol: float = 1e-12,
           max_iter: int = 50) -> Stationary:
    """Damped Newton on the convex population risk (merit ‖∇R‖², pseudo-inverse on 1⊥) from ``start``."""
    s = np.asarray(start, dtype=np.float64) - np.mean(start)
    g = gradient(s, eta, q, k, corrected)[0]
    first, iterations = float(np.abs(g).max()), 0
    while float(np.abs(g).max()) > tol and iterations < max_iter:
        step = -np.linalg.pinv(hessian(s, eta, q, k, corrected), hermitian=True) @ g
        step -= step.mean()
        step *= min(1.0, MAX_STEP / max(float(np.abs(step).max()), 1e-300))
        scale = 1.0
        while scale > 1e-6:
            trial = s + scale * step
            g_trial = gradient(trial, eta, q, k, corrected)[0]
            if np.linalg.norm(g_trial) < np.linalg.norm(g):
                s, g = trial, g_trial
                break
            scale /= 2
        else:
            break
        iterations += 1
    return Stationary(s - s.mean(), float(np.abs(g).max()), first, iterations)
