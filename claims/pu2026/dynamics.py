r"""Gradient descent with a constant step, in float64 torch, batched over starting points.

:func:`descend` runs :math:`x_{t+1}=x_t-\eta\,g(x_t,t)` for a batch of starts at once
(one row per start, each row with its own step :math:`\eta` if wanted) and records
the gradient norm of every row at every step, plus any other per-row quantity the
caller asks for (losses, margins, distances).

The decision rules the dynamics claims use are stated here once:

``converged``
    the gradient norm of the row reached ``tol`` (default :data:`GRAD_TOL`) within the
    steps run;
``not_converging``
    the row never reached ``tol``, and over the second half of the run its gradient
    norm came back at least once to its starting value (the iterates keep leaving
    every neighbourhood the start was in: divergence, a cycle or chaotic bouncing).

A row that satisfies neither is undecided; callers report it as such.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch

#: Gradient norm below which a row counts as converged.
GRAD_TOL = 1e-10

Gradient = Callable[[torch.Tensor, int], torch.Tensor]
Observer = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Trajectory:
    """What :func:`descend` saw.

    ``final``: the last iterates (B, n); ``grad_norms``: (steps + 1, B), row norms of the
    gradient at each iterate (the last one evaluated at ``final``); ``observed``: the
    caller's quantities, each (steps + 1, B); ``first_below``: the first step at which
    each row's gradient norm was at most ``tol`` (-1: never); ``steps``: steps taken.
    """

    final: torch.Tensor
    grad_norms: torch.Tensor
    first_below: torch.Tensor
    steps: int
    tol: float
    observed: Mapping[str, torch.Tensor] = field(default_factory=dict)

    @property
    def converged(self) -> torch.Tensor:
        """Rows whose gradient norm reached ``tol`` (boolean, (B,))."""
        return self.first_below >= 0

    @property
    def not_converging(self) -> torch.Tensor:
        """Rows that never reached ``tol`` and came back to their starting gradient norm in the second half."""
        tail = self.grad_norms[self.steps // 2:]
        return ~self.converged & (tail.max(dim=0).values >= self.grad_norms[0])

    @property
    def undecided(self) -> torch.Tensor:
        """Rows that are neither converged nor not converging."""
        return ~self.converged & ~self.not_converging


def descend(grad: Gradient, starts: torch.Tensor, step: float | torch.Tensor, steps: int, *,
            tol: float = GRAD_TOL, observe: Mapping[str, Observer] | None = None,
            stop_when_converged: bool = True) -> Trajectory:
    r"""Run constant-step gradient descent from every row of ``starts``.

    Parameters
    ----------
    grad : callable
        ``grad(x, t)`` returns the (possibly biased) gradient at the batch ``x`` (B, n) at step ``t``.
    starts : torch.Tensor
        Starting points, shape (B, n); converted to float64.
    step : float or torch.Tensor
        The step :math:`\eta`: one number, or one per row (shape (B,)).
    steps : int
        Largest number of steps.
    tol : float
        Gradient-norm threshold of the ``converged`` rule.
    observe : mapping of str to callable, optional
        Per-row quantities ``fn(x) -> (B,)`` recorded at every iterate.
    stop_when_converged : bool
        Stop early once every row has converged (the histories are then shorter).

    Returns
    -------
    Trajectory
    """
    if steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    x = starts.to(torch.float64).clone()
    eta = torch.as_tensor(step, dtype=torch.float64, device=x.device)
    eta = eta.reshape(-1, 1) if eta.ndim == 1 else eta
    observe = dict(observe or {})
    norms, seen = [], {name: [] for name in observe}
    first_below = torch.full((x.shape[0],), -1, dtype=torch.long, device=x.device)
    taken = 0
    for t in range(steps + 1):
        g = grad(x, t)
        norm = torch.linalg.vector_norm(g, dim=-1)
        norms.append(norm)
        for name, fn in observe.items():
            seen[name].append(fn(x))
        first_below = torch.where((first_below < 0) & (norm <= tol), torch.full_like(first_below, t), first_below)
        if t == steps or (stop_when_converged and bool((first_below >= 0).all())):
            break
        x = x - eta * g
        taken = t + 1
    return Trajectory(final=x, grad_norms=torch.stack(norms), first_below=first_below, steps=taken, tol=tol,
                      observed={name: torch.stack(values) for name, values in seen.items()})


def steps_for(rate: float, start: float, tol: float = GRAD_TOL, *, extra: int = 100, cap: int = 100_000) -> int:
    r"""Steps a linear rate ``rate`` < 1 needs to shrink ``start`` below ``tol``, plus ``extra`` (at most ``cap``).

    :math:`\lceil\log(\mathrm{tol}/\mathrm{start})/\log\mathrm{rate}\rceil + \mathrm{extra}`; used to size runs so
    that the ``converged`` rule is decided by the dynamics, not by the length of the run.
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must lie in [0, 1), got {rate!r}")
    if start <= tol or rate == 0.0:
        return extra
    return int(min(cap, math.ceil(math.log(tol / start) / math.log(rate)) + extra))
