r"""Deliberately broken implementations of the spherical-family claims (mutation testing).

Each :class:`~verifiers.mutation.Mutant` replaces one function of :mod:`claims.dbv2016.spherical` by a
realistic bug and names the claims expected to refute it. ``tests/claims/test_mutants.py`` asserts
that every mutant is caught under the quick profile.
"""

from __future__ import annotations

from typing import Any

import torch

from claims.dbv2016 import spherical
from verifiers.mutation import Mutant

_NUMERATOR = spherical.numerator


def _numerator_without_eps(name: str, x: Any, eps: Any = spherical.EPS) -> Any:
    r"""Spherical weight :math:`x^2` (ε ignored); the Taylor weight is unchanged."""
    return x**2 if name == "spherical" else _NUMERATOR(name, x, eps)


def _numerator_taylor_coefficient(name: str, x: Any, eps: Any = spherical.EPS) -> Any:
    r"""Taylor weight :math:`1+x+x^2` (coefficient 1 instead of 1/2); the spherical weight is unchanged."""
    return 1 + x + x**2 if name == "taylor" else _NUMERATOR(name, x, eps)


def _lam_halved(xi: torch.Tensor) -> torch.Tensor:
    r"""Jaakkola-Jordan coefficient :math:`\tanh(\xi/2)/(8\xi)` (should be :math:`\tanh(\xi/2)/(4\xi)`)."""
    small = xi.abs() < spherical.LAMBDA_SERIES_BELOW
    safe = torch.where(small, torch.ones_like(xi), xi)
    return torch.where(small, 0.0625 - xi * xi / 384, torch.tanh(safe / 2) / (8 * safe))


def _lam_series_192(xi: torch.Tensor) -> torch.Tensor:
    r"""Jaakkola-Jordan λ(ξ) whose series near 0 has the wrong coefficient :math:`\frac18-\frac{\xi^2}{192}`."""
    small = xi.abs() < spherical.LAMBDA_SERIES_BELOW
    safe = torch.where(small, torch.ones_like(xi), xi)
    return torch.where(small, 0.125 - xi * xi / 192, torch.tanh(safe / 2) / (4 * safe))


def _lam_series_everywhere(xi: torch.Tensor) -> torch.Tensor:
    r"""Jaakkola-Jordan λ(ξ) by its series :math:`\frac18-\frac{\xi^2}{96}` far outside its range (|ξ| < 1000)."""
    small = xi.abs() < 1e3
    safe = torch.where(small, torch.ones_like(xi), xi)
    return torch.where(small, 0.125 - xi * xi / 96, torch.tanh(safe / 2) / (4 * safe))


def _factored_step_half_q(name: str, Q: torch.Tensor, wbar: torch.Tensor, w_c: torch.Tensor, h: torch.Tensor,
                          D: int, lr: float = 0.1, eps: float = spherical.EPS) -> spherical.Step:
    r"""The factored step with :math:`b=\partial L/\partial q` instead of :math:`2\,\partial L/\partial q`.

    (:math:`\partial q/\partial o=2o`, so the coefficient of :math:`o` in :math:`u` needs the factor 2.)
    """
    Qh = Q @ h
    leaves = [(wbar.T @ h)[0, 0], (h.T @ Qh)[0, 0], (w_c @ h)[0, 0]]
    s, q, oc = (x.detach().requires_grad_() for x in leaves)
    loss = spherical.loss_from_stats(name, s, q, oc, D, eps)
    grads = torch.autograd.grad(loss, (s, q, oc), allow_unused=True)
    ds, dq, doc = (torch.zeros_like(s) if gr is None else gr for gr in grads)
    a, b, g = ds, dq, doc
    grad_h = a * wbar + b * Qh + g * w_c.T
    uu = a * a * D + b * b * q + g * g + 2 * a * b * s + 2 * a * g + 2 * b * g * oc
    Q_next = Q - lr * (grad_h @ h.T + h @ grad_h.T) + lr * lr * uu.detach() * (h @ h.T)
    wbar_next = wbar - lr * (a * D + b * s + g).detach() * h
    w_c_next = w_c - lr * (a + b * oc + g).detach() * h.T
    return spherical.Step(loss=loss.detach(), grad_h=grad_h, coef=torch.stack([a, b, g]), Q=Q_next.detach(),
                          wbar=wbar_next.detach(), w_c=w_c_next.detach())


SPHERICAL_WITHOUT_EPS = Mutant(
    "spherical-ignores-eps", "the spherical softmax weight is o² instead of o² + ε",
    "claims.dbv2016.spherical:numerator", _numerator_without_eps,
    ("dbv2016/efficient-gradient", "dbv2016/spherical-even"))

TAYLOR_COEFFICIENT = Mutant(
    "taylor-wrong-coefficient", "the Taylor softmax weight is 1 + o + o² instead of 1 + o + o²/2",
    "claims.dbv2016.spherical:numerator", _numerator_taylor_coefficient,
    ("dbv2016/efficient-gradient", "dbv2016/taylor-well-defined"))

FACTORED_GRADIENT_TERM = Mutant(
    "factored-gradient-half-q-term",
    "the factored O(d²) gradient uses ∂L/∂q where 2∂L/∂q (from ∂q/∂o = 2o) is needed",
    "claims.dbv2016.spherical:factored_step", _factored_step_half_q, ("dbv2016/efficient-gradient",))

BOUCHARD_LAMBDA = Mutant(
    "bouchard-lambda-halved", "Jaakkola-Jordan λ(ξ) = tanh(ξ/2)/(8ξ) instead of tanh(ξ/2)/(4ξ)",
    "claims.dbv2016.spherical:lam", _lam_halved, ("dbv2016/bouchard-bound",))

BOUCHARD_LAMBDA_SERIES_COEFFICIENT = Mutant(
    "bouchard-lambda-series-192", "the series of λ(ξ) near 0 is 1/8 - ξ²/192 (should be 1/8 - ξ²/96)",
    "claims.dbv2016.spherical:lam", _lam_series_192, ("dbv2016/bouchard-bound",))

BOUCHARD_LAMBDA_SERIES_RANGE = Mutant(
    "bouchard-lambda-series-out-of-range", "the series of λ(ξ) is used for |ξ| < 1000, far outside its range",
    "claims.dbv2016.spherical:lam", _lam_series_everywhere, ("dbv2016/bouchard-bound",))
