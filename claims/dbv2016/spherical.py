r"""Maps, losses and the factored gradient of the spherical loss family, in float64 torch.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003). With :math:`o\in\mathbb R^D`,

.. math::
    f_{\mathrm{sph}}(o)_k=\frac{o_k^2+\varepsilon}{\sum_i(o_i^2+\varepsilon)},\qquad
    f_{\mathrm{tay}}(o)_k=\frac{1+o_k+o_k^2/2}{\sum_i(1+o_i+o_i^2/2)},

losses :math:`-\log f(o)_c`, and :math:`s=\sum_i o_i`, :math:`q=\sum_i o_i^2`. Both losses are written
twice: from :math:`o` (naive, :math:`O(D)`) and from :math:`(s,q,o_c,D)` (the spherical form). For a
linear output layer :math:`o=Wh` the factored step computes loss and gradients from
:math:`Q=W^\top W`, :math:`\bar w=W^\top\mathbf 1` and the target row :math:`w_c` in :math:`O(d^2)`.
Vectors ``h`` are ``(d, 1)`` columns so that every product is a matrix product (counted by
``FlopCounterMode``, which ignores matrix-vector products).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import torch

from verifiers.inputs import finite_vector

MAPS = ("spherical", "taylor")
LOSSES = ("spherical", "taylor", "log-softmax")
#: Default ε of the spherical softmax (the value used by the spherical-even claim).
EPS = 0.01
#: Taylor coefficients of the Jaakkola-Jordan λ(ξ) = tanh(ξ/2)/(4ξ) = 1/8 - ξ²/96 + ξ⁴/960 - …
#: (the bouchard-bound symbolic check re-derives them).
LAMBDA_SERIES = (1 / 8, -1 / 96)
#: Below this |ξ| λ(ξ) uses the two-term series: the first omitted term, ξ⁴/960, is then below
#: 2⁻⁵³·λ(ξ) (float64 rounding); above it tanh(ξ/2)/(4ξ) has no cancellation.
LAMBDA_SERIES_BELOW = 1e-4
#: Working precision (decimal digits) of the exact Bouchard gap.
EXACT_DPS = 60


def numerator(name: str, x: Any, eps: Any = EPS) -> Any:
    r"""Unnormalized weight :math:`g(x)` of a map: :math:`x^2+\varepsilon` or :math:`1+x+x^2/2`.

    Works on torch tensors, NumPy arrays and SymPy expressions alike.
    """
    if name == "spherical":
        return x**2 + eps
    if name == "taylor":
        return 1 + x + x**2 / 2
    raise ValueError(f"unknown map {name!r}; expected one of {MAPS}")


def prediction(name: str, o: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """:math:`f(o)` along the last dimension (finite entries required)."""
    finite_vector("claims.dbv2016.spherical.prediction", o)
    g = numerator(name, o, eps)
    return g / g.sum(dim=-1, keepdim=True)


def apply(name: str, o: np.ndarray, eps: float = EPS) -> np.ndarray:
    """:func:`prediction` on a NumPy vector, returned as NumPy (finite entries required)."""
    finite_vector("claims.dbv2016.spherical.apply", o)
    with torch.no_grad():
        return prediction(name, torch.as_tensor(o, dtype=torch.float64), eps).numpy()


def loss_naive(name: str, o: torch.Tensor, c: int, eps: float = EPS) -> torch.Tensor:
    r""":math:`-\log f(o)_c` computed from the whole vector ``o`` (last dimension; finite entries required)."""
    finite_vector("claims.dbv2016.spherical.loss_naive", o)
    if name == "log-softmax":
        return -torch.log_softmax(o, dim=-1)[..., c]
    g = numerator(name, o, eps)
    return torch.log(g.sum(dim=-1)) - torch.log(g[..., c])


def loss_from_stats(name: str, s: Any, q: Any, oc: Any, D: int, eps: float = EPS) -> Any:
    r"""The spherical form :math:`L(s,q,o_c)`: :math:`\log(q+D\varepsilon)-\log(o_c^2+\varepsilon)` or
    :math:`\log(D+s+q/2)-\log(1+o_c+o_c^2/2)` (torch tensors)."""
    if name == "spherical":
        return torch.log(q + D * eps) - torch.log(numerator(name, oc, eps))
    if name == "taylor":
        return torch.log(D + s + q / 2) - torch.log(numerator(name, oc))
    raise ValueError(f"{name!r} is not a spherical-family loss; expected one of {MAPS}")


def stats(o: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r""":math:`(s, q)=(\sum_i o_i, \sum_i o_i^2)` along the last dimension."""
    return o.sum(dim=-1), (o * o).sum(dim=-1)


# --- Bouchard's bound --------------------------------------------------------------------------------


def lam(xi: torch.Tensor) -> torch.Tensor:
    r""":math:`\lambda(\xi)=\frac1{2\xi}(\sigma(\xi)-\frac12)=\tanh(\xi/2)/(4\xi)`, with its limit 1/8 at 0.

    For :math:`|\xi|<` :data:`LAMBDA_SERIES_BELOW` the series :math:`\frac18-\frac{\xi^2}{96}` is used.
    """
    small = xi.abs() < LAMBDA_SERIES_BELOW
    safe = torch.where(small, torch.ones_like(xi), xi)
    return torch.where(small, LAMBDA_SERIES[0] + LAMBDA_SERIES[1] * xi * xi, torch.tanh(safe / 2) / (4 * safe))


def lam_exact(xi: Any) -> mpmath.mpf:
    r""":math:`\lambda(\xi)` in mpmath at the working precision (:math:`\frac18` at 0)."""
    xi = mpmath.mpf(xi)
    return mpmath.mpf(1) / 8 if xi == 0 else mpmath.tanh(xi / 2) / (4 * xi)


def bouchard_rhs(o: torch.Tensor, c: int, xi: torch.Tensor, first_term_coef: float = -1 / 16) -> torch.Tensor:
    r"""Right-hand side of the spherical upper bound on :math:`-\log\mathrm{softmax}(o)_c`.

    ``first_term_coef`` multiplies :math:`(D-2)^2/(D\lambda(\xi))`; the source's value is -1/16.
    """
    D = o.shape[-1]
    s, q = stats(o)
    lm = lam(xi)
    return (first_term_coef * (D - 2) ** 2 / (D * lm) - D / 2 * xi - D * lm * xi**2
            + D * torch.nn.functional.softplus(xi) + s / D + (q - s**2 / D) * lm - o[..., c])


def bouchard_gap(o: torch.Tensor, c: int, xi: torch.Tensor, first_term_coef: float = -1 / 16) -> torch.Tensor:
    """Bound minus loss: non-negative exactly when the bound holds at ``(o, c, ξ)``."""
    return bouchard_rhs(o, c, xi, first_term_coef) - loss_naive("log-softmax", o, c)


def bouchard_gap_exact(o: Any, xi: float, first_term_coef: float = -1 / 16,
                       dps: int = EXACT_DPS) -> tuple[mpmath.mpf, mpmath.mpf]:
    r"""Bound minus loss in mpmath at ``dps`` digits (float inputs convert exactly), and the size of its terms.

    The gap does not depend on the class :math:`c` (:math:`-o_c` cancels). The second value, the sum
    of the absolute values of the terms, bounds the rounding error of the first by
    :math:`10^{-\mathrm{dps}+2}` times itself.
    """
    with mpmath.workdps(dps):
        v = [mpmath.mpf(float(x)) for x in o]
        x, D, coef = mpmath.mpf(float(xi)), len(v), mpmath.mpf(float(first_term_coef))
        s, q, lm = mpmath.fsum(v), mpmath.fsum(t * t for t in v), lam_exact(x)
        top = max(v)
        terms = [coef * (D - 2) ** 2 / (D * lm), -D * x / 2, -D * lm * x * x, D * mpmath.log1p(mpmath.exp(x)),
                 s / D, (q - s * s / D) * lm, -top, -mpmath.log(mpmath.fsum(mpmath.exp(t - top) for t in v))]
        return mpmath.fsum(terms), mpmath.fsum(abs(t) for t in terms)


# --- the factored O(d^2) step for o = W h ------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    r"""Loss, gradients and updated statistics of one SGD step on a linear output layer.

    ``grad_W`` is never formed by the factored step: it equals :math:`u h^\top` with
    :math:`u=a\mathbf 1+b\,o+g\,e_c`, and ``coef`` holds :math:`(a,b,g)`.
    """

    loss: torch.Tensor
    grad_h: torch.Tensor
    coef: torch.Tensor
    Q: torch.Tensor
    wbar: torch.Tensor
    w_c: torch.Tensor


def sufficient_statistics(W: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r""":math:`Q=W^\top W` and :math:`\bar w=W^\top\mathbf 1` (computed once, :math:`O(Dd^2)`)."""
    # Elementwise on purpose: a small multi-threaded gemm can stall for milliseconds on a loaded machine.
    return (W.unsqueeze(2) * W.unsqueeze(1)).sum(dim=0), W.sum(dim=0).unsqueeze(1)


def factored_step(name: str, Q: torch.Tensor, wbar: torch.Tensor, w_c: torch.Tensor, h: torch.Tensor,
                  D: int, lr: float = 0.1, eps: float = EPS) -> Step:
    r"""Loss, :math:`\nabla_h`, the factors of :math:`\nabla_W` and :math:`(Q',\bar w',w_c')` in :math:`O(d^2)`.

    Parameters
    ----------
    Q, wbar, w_c, h : torch.Tensor
        :math:`W^\top W` (d×d), :math:`W^\top\mathbf 1` (d×1), the target row (1×d), the input (d×1).
    D : int
        Number of classes (enters only as a number).
    lr : float
        Step size of the SGD update :math:`W'=W-\mathrm{lr}\,\nabla_W` whose statistics are returned.
    """
    Qh = Q @ h
    leaves = [(wbar.T @ h)[0, 0], (h.T @ Qh)[0, 0], (w_c @ h)[0, 0]]
    s, q, oc = (x.detach().requires_grad_() for x in leaves)
    loss = loss_from_stats(name, s, q, oc, D, eps)
    grads = torch.autograd.grad(loss, (s, q, oc), allow_unused=True)
    ds, dq, doc = (torch.zeros_like(s) if gr is None else gr for gr in grads)
    a, b, g = ds, 2 * dq, doc
    grad_h = a * wbar + b * Qh + g * w_c.T  # = W^T u
    uu = a * a * D + b * b * q + g * g + 2 * a * b * s + 2 * a * g + 2 * b * g * oc
    Q_next = Q - lr * (grad_h @ h.T + h @ grad_h.T) + lr * lr * uu.detach() * (h @ h.T)
    wbar_next = wbar - lr * (a * D + b * s + g).detach() * h
    w_c_next = w_c - lr * (a + b * oc + g).detach() * h.T
    return Step(loss=loss.detach(), grad_h=grad_h, coef=torch.stack([a, b, g]), Q=Q_next.detach(),
                wbar=wbar_next.detach(), w_c=w_c_next.detach())


def naive_step(name: str, W: torch.Tensor, h: torch.Tensor, c: int,
               eps: float = EPS) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Loss, :math:`\nabla_h` and :math:`\nabla_W` by autograd through :math:`o=Wh` (:math:`O(Dd)`)."""
    W = W.detach().requires_grad_()
    h = h.detach().requires_grad_()
    loss = loss_naive(name, (W @ h)[:, 0], c, eps)
    grad_W, grad_h = torch.autograd.grad(loss, (W, h))
    return loss.detach(), grad_h, grad_W


def step_costs(D: int, d: int, gen: torch.Generator, name: str = "taylor") -> tuple[int, int]:
    """Matrix-product flops (torch's ``FlopCounterMode``) of one factored and one naive step, random W and h."""
    from verifiers.empirical import flops

    W = torch.randn(D, d, generator=gen, dtype=torch.float64)
    h = torch.randn(d, 1, generator=gen, dtype=torch.float64)
    Q, wbar = W.T @ W, W.sum(dim=0).unsqueeze(1)  # not sufficient_statistics: its D×d×d temporary is too big here
    return flops(factored_step, name, Q, wbar, W[:1], h, D), flops(naive_step, name, W, h, 0)


def assemble_grad_W(coef: torch.Tensor, W: torch.Tensor, h: torch.Tensor, c: int) -> torch.Tensor:
    r""":math:`u h^\top` from the factors (for tests: forming it costs :math:`O(Dd)`)."""
    a, b, g = coef
    u = a + b * (W @ h)
    u[c] += g
    return u @ h.T
