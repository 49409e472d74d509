r"""Prediction maps of the softmax family, in float64 torch.

Sparsemax and entmax come from the ``entmax`` package; softmax from torch; the
NCE link and the Fenchel-Young losses are written here (no library provides the
NCE link, and the ``entmax`` losses take integer labels only). Every map takes a
1-D or batched tensor of logits (last dimension = classes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import mpmath
import numpy as np
import torch
from entmax import entmax15, entmax_bisect, sparsemax

from verifiers.inputs import finite_vector

MAPS = ("softmax", "sparsemax", "entmax15", "entmax")

Map = Callable[[torch.Tensor], torch.Tensor]


def prediction_map(name: str, alpha: float = 1.5) -> Map:
    """The map called ``name``; ``alpha`` is used by α-entmax (``entmax``) only."""
    table: dict[str, Map] = {
        "softmax": lambda s: torch.softmax(s, dim=-1),
        "sparsemax": lambda s: sparsemax(s, dim=-1),
        "entmax15": lambda s: entmax15(s, dim=-1),
        "entmax": lambda s: entmax_bisect(s, alpha=alpha, dim=-1, n_iter=100),
        "reversed-softmax": lambda s: torch.softmax(-s, dim=-1),
    }
    return table[name]


def apply(name: str, s: np.ndarray, alpha: float = 1.5) -> np.ndarray:
    """Apply a map to a NumPy vector of logits and return a NumPy vector.

    Raises :class:`~verifiers.errors.InvalidArgument` for NaN or infinite logits (see :mod:`verifiers.inputs`).
    """
    finite_vector("claims.pu2026.maps.apply", s)
    with torch.no_grad():
        return prediction_map(name, alpha)(torch.as_tensor(s, dtype=torch.float64)).numpy()


def jacobian(name: str, s: torch.Tensor, alpha: float = 1.5) -> torch.Tensor:
    """Jacobian ``d map(s) / d s`` by ``torch.autograd.functional.jacobian`` (works with entmax)."""
    return torch.autograd.functional.jacobian(prediction_map(name, alpha), s.to(torch.float64))


def softmax_jacobian(s: torch.Tensor) -> torch.Tensor:
    r"""Closed form :math:`J = \mathrm{diag}(p) - pp^\top`, differentiable in ``s``."""
    p = torch.softmax(s, dim=-1)
    return torch.diag_embed(p) - p.unsqueeze(-1) * p.unsqueeze(-2)


def spectral_norm(J: torch.Tensor) -> torch.Tensor:
    """Largest singular value of a square matrix (differentiable)."""
    return torch.linalg.matrix_norm(J, ord=2)


def symmetric_norm(J: torch.Tensor) -> torch.Tensor:
    """Spectral norm of a symmetric matrix, the largest ``|eigenvalue|`` (differentiable; cheaper than an SVD)."""
    return torch.linalg.eigvalsh(J).abs().amax(-1)


#: The α of each Tsallis-regularized map (sparsemax is α = 2, 1.5-entmax is α = 1.5).
TSALLIS_ALPHA = {"sparsemax": 2.0, "entmax15": 1.5}


def nce_link(s: torch.Tensor, k: float, q: torch.Tensor | float) -> torch.Tensor:
    r"""The element-wise NCE link :math:`h_i=\sigma(s_i-\log(k q_i))` (``q`` broadcasts against ``s``)."""
    s = s.to(torch.float64)
    return torch.sigmoid(s - torch.log(k * torch.as_tensor(q, dtype=torch.float64, device=s.device)))


def tsallis_omega(p: torch.Tensor, alpha: float) -> torch.Tensor:
    r"""Negative Tsallis entropy :math:`\Omega_\alpha(p)=(\sum_i p_i^\alpha-1)/(\alpha(\alpha-1))`, α > 1."""
    return ((p**alpha).sum(-1) - 1.0) / (alpha * (alpha - 1.0))


def fy_loss(name: str, s: torch.Tensor, y: torch.Tensor, alpha: float = 1.5) -> torch.Tensor:
    r"""Fenchel-Young loss :math:`L_\Omega(s;y)=\Omega^*(s)+\Omega(y)-\langle s,y\rangle`.

    Parameters
    ----------
    name : {"softmax", "sparsemax", "entmax15", "entmax"}
        The regularizer: Shannon (softmax) or Tsallis with α = 2, 1.5 or ``alpha``.
    s, y : torch.Tensor
        Logits and a target in the simplex (1-D or batched; last dimension = classes).
    alpha : float
        α of α-entmax (``name="entmax"`` only), in (1, 2].

    Returns
    -------
    torch.Tensor
        The loss, one value per row; differentiable in ``s``. Softmax uses the
        closed form :math:`\mathrm{logsumexp}(s)-\langle s,y\rangle+\sum_i y_i\log y_i`;
        the Tsallis losses use :math:`\Omega^*(s)=\langle s,\hat y\rangle-\Omega(\hat y)`
        with :math:`\hat y` from the ``entmax`` package.
    """
    s = s.to(torch.float64)
    y = y.to(s)
    if name == "softmax":
        return torch.logsumexp(s, dim=-1) - (s * y).sum(-1) + torch.xlogy(y, y).sum(-1)
    a = alpha if name == "entmax" else TSALLIS_ALPHA[name]
    p = prediction_map(name, alpha)(s)
    return (s * (p - y)).sum(-1) - tsallis_omega(p, a) + tsallis_omega(y, a)


def entmax_jacobian(s: torch.Tensor, alpha: float = 1.5) -> torch.Tensor:
    r"""Closed-form α-entmax Jacobian :math:`J=\mathrm{diag}(g)-gg^\top/\sum_i g_i`, differentiable in ``s``.

    :math:`g_i=p_i^{2-\alpha}` on the support and 0 off it (Peters, Niculae & Martins 2019);
    α = 2 is sparsemax. Uses the exact ``entmax15``/``sparsemax`` when α is 1.5/2, else bisection.
    """
    name = {1.5: "entmax15", 2.0: "sparsemax"}.get(float(alpha), "entmax")
    p = prediction_map(name, alpha)(s.to(torch.float64))
    g = torch.where(p > 0, p.clamp_min(1e-300) ** (2.0 - alpha), torch.zeros_like(p))
    return torch.diag_embed(g) - g.unsqueeze(-1) * g.unsqueeze(-2) / g.sum(-1, keepdim=True).unsqueeze(-1)


def exact_alpha(alpha: float) -> Fraction:
    """α as the exact decimal the user wrote (``1.05`` is 21/20, not the nearest binary float)."""
    return Fraction(repr(float(alpha)))


def entmax_logits(p: np.ndarray, alpha: float) -> np.ndarray:
    r"""Logits whose α-entmax is ``p`` (threshold τ = 0): :math:`s_i=p_i^{\alpha-1}/(\alpha-1)`, and -1 where p_i = 0.

    With τ = 0 the threshold form :math:`p_i=[(\alpha-1)s_i-\tau]_+^{1/(\alpha-1)}` returns ``p`` exactly
    (it sums to 1), so every point of the simplex is the α-entmax of some logits.
    """
    p = np.asarray(p, dtype=np.float64)
    return np.where(p > 0, np.abs(p) ** (alpha - 1.0) / (alpha - 1.0), -1.0)


#: Largest size (bits) of the integers of an exact decision at the threshold (beyond it: undecided).
EXACT_BITS_MAX = 2_000_000


def entmax_is_zero(s: np.ndarray, i: int, alpha: float) -> bool:
    r"""Whether α-entmax(s)_i = 0 exactly (1 < α <= 2), from the threshold form.

    :math:`p_i=0 \iff (\alpha-1)s_i\le\tau \iff \sum_k[(\alpha-1)(s_k-s_i)]_+^{1/(\alpha-1)}\ge1`, since the
    sum is decreasing in τ and equals 1 at the threshold. Computed with 60 significant digits; when the sum is
    within 1e-50 of 1, in exact integer arithmetic if 1/(α-1) is an integer (sparsemax, 1.5-entmax,
    α = 1 + 1/k) and the integers stay below :data:`EXACT_BITS_MAX` bits, else ``False`` (undecided counts as
    not zero: the conservative answer for a claimed tie). A single term >= 1 decides at once.
    """
    a = exact_alpha(alpha)
    gaps = [(a - 1) * (Fraction(float(x)) - Fraction(float(s[i]))) for x in s]
    power = 1 / (a - 1)
    positive = [g for g in gaps if g > 0]
    if any(g >= 1 for g in positive):
        return True
    with mpmath.workdps(60):
        exponent = mpmath.mpf(power.numerator) / power.denominator
        total = mpmath.fsum((mpmath.mpf(g.numerator) / g.denominator) ** exponent for g in positive)
        if abs(total - 1) > mpmath.mpf(10) ** -50:
            return bool(total >= 1)
    common = math.lcm(*(g.denominator for g in positive)) if positive else 1
    if power.denominator != 1 or power.numerator * common.bit_length() > EXACT_BITS_MAX:
        return False
    return sum((g.numerator * (common // g.denominator)) ** power.numerator for g in positive) \
        >= common**power.numerator
