r"""Prediction maps of the softmax family, in float64 torch.

Sparsemax and entmax come from the ``entmax`` package; softmax from torch; the
NCE link is written here (no library provides it). Every map takes a 1-D or
batched tensor of logits (last dimension = classes).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from entmax import entmax15, entmax_bisect, sparsemax

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
    """Apply a map to a NumPy vector of logits and return a NumPy vector."""
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
