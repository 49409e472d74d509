r"""Conditional-risk minimization for the consistency claims of the softmax family.

For a loss :math:`L(s;y)` and non-negative label weights :math:`w` (a class
posterior :math:`\eta`, or expected normalized relevances), the weighted risk is

.. math:: R_w(s)=\sum_y w_y\,L(s;y).

:func:`minimize_risk` minimizes it with SciPy's BFGS from several random starts at
once (the starts are independent blocks of one separable objective); the calibration
and ranking claims use the faster vectorized Newton solver of
:mod:`claims.pu2026.risk_newton`. Searches that minimize a risk per example use a
share of the profile's Hypothesis examples (:func:`scaled`), never a fixed number. The
objective is evaluated with NumPy closed forms (for Fenchel–Young losses
:math:`R_w(s)=\lVert w\rVert_1\Omega^*(s)-\langle w,s\rangle`, since :math:`\Omega(e_y)=0`);
:func:`literal_risk` computes the sum over one-hot labels literally with
``maps.fy_loss`` and the unit tests check that both agree. Everything runs in
float64 on the CPU: the problems are small (:math:`n` up to the profile's ``max_n`` for the
Fenchel–Young losses, at most 6 for the exact sampled-softmax risk).

Losses
------
``softmax``, ``sparsemax``, ``entmax15``
    Fenchel–Young losses :math:`L_\Omega(s;e_y)` (sort-based NumPy sparsemax / 1.5-entmax
    in the optimizer).
``ssm`` (with :math:`\log q` correction) and ``ssm-uncorrected``
    Sampled softmax with :math:`k` negatives i.i.d. from :math:`q`, the positive
    kept in the denominator, logits :math:`o_c=s_c-\log q_c` (corrected) or
    :math:`o_c=s_c`; the expectation over the negatives is enumerated exactly over
    all multisets of :math:`k` draws.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch
from hypothesis import strategies as st
from scipy.optimize import minimize

from claims.pu2026.maps import fy_loss
from verifiers import Context
from verifiers.strategies import simplex

FY_LOSSES = ("softmax", "sparsemax", "entmax15")
SSM_LOSSES = ("ssm", "ssm-uncorrected")
#: Losses whose risk has no minimizer when some weight is 0 (the score is pushed to -inf).
DENSE_ONLY = ("softmax", "ssm", "ssm-uncorrected")
#: Infinity-norm of the risk gradient below which a point counts as a minimizer.
GRAD_TOL = 1e-7
#: Smallest score gap read as a strict order (below it, float64 minimizers cannot resolve a tie).
SCORE_GAP = 1e-6

Array = np.ndarray


@dataclass(frozen=True)
class SSMDesign:
    """Exact enumeration of :math:`k` i.i.d. draws from :math:`q` as multisets.

    ``counts[m, c]`` is how often class ``c`` occurs in multiset ``m``; ``log_prob[m]``
    its multinomial log-probability.
    """

    counts: torch.Tensor
    log_prob: torch.Tensor
    log_q: torch.Tensor

    @staticmethod
    def build(q: Array, k: int) -> SSMDesign:
        """Enumerate all :math:`\\binom{n+k-1}{k}` multisets of ``k`` draws from ``q``."""
        n = len(q)
        rows = [np.bincount(combo, minlength=n) for combo in itertools.combinations_with_replacement(range(n), k)]
        counts = torch.tensor(np.array(rows), dtype=torch.float64)
        log_q = torch.log(torch.as_tensor(q, dtype=torch.float64))
        log_coef = math.lgamma(k + 1) - torch.lgamma(counts + 1).sum(-1)
        return SSMDesign(counts, log_coef + counts @ log_q, log_q)


def ssm_risk(s: torch.Tensor, w: torch.Tensor, design: SSMDesign, corrected: bool) -> torch.Tensor:
    r"""Exact population SSM risk :math:`\sum_y w_y\,\mathbb E_{M\sim q^k}[-o_y+\log(e^{o_y}+\sum_{c}M_c e^{o_c})]`.

    ``s`` has shape ``(B, n)``; returns ``(B,)``.
    """
    o = s - design.log_q if corrected else s
    n = s.shape[-1]
    eye = torch.eye(n, dtype=torch.float64)
    log_mult = torch.log(design.counts[None, :, :] + eye[:, None, :])          # (y, M, n)
    lse = torch.logsumexp(o[:, None, None, :] + log_mult[None], dim=-1)       # (B, y, M)
    per_label = (lse * design.log_prob.exp()).sum(-1) - o                     # (B, y)
    return per_label @ w


def sparsemax_np(s: Array) -> Array:
    """Sparsemax of each row (sort-based closed form, NumPy)."""
    z = np.sort(s, axis=-1)[..., ::-1]
    k = np.arange(1, s.shape[-1] + 1)
    cumsum = np.cumsum(z, axis=-1)
    support = 1 + k * z > cumsum
    size = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(cumsum, size - 1, -1) - 1) / size
    return np.maximum(s - tau, 0.0)


def entmax15_np(s: Array) -> Array:
    """1.5-entmax of each row (exact sort-based algorithm of Peters et al., 2019, NumPy)."""
    x = s / 2.0
    z = np.sort(x, axis=-1)[..., ::-1]
    k = np.arange(1, s.shape[-1] + 1)
    mean = np.cumsum(z, axis=-1) / k
    mean_sq = np.cumsum(z * z, axis=-1) / k
    delta = (1 - k * (mean_sq - mean * mean)) / k
    tau = mean - np.sqrt(np.maximum(delta, 0.0))
    size = (tau <= z).sum(-1, keepdims=True)
    tau_star = np.take_along_axis(tau, size - 1, -1)
    return np.maximum(x - tau_star, 0.0) ** 2


def _omega_np(name: str, p: Array) -> Array:
    if name == "softmax":
        return np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), -1)
    if name == "sparsemax":
        return 0.5 * np.sum(p * p, -1) - 0.5
    return (np.sum(p ** 1.5, -1) - 1.0) / 0.75


def predict_np(name: str, s: Array) -> Array:
    """The prediction map of a Fenchel-Young loss, row-wise in NumPy."""
    if name == "softmax":
        e = np.exp(s - s.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    return sparsemax_np(s) if name == "sparsemax" else entmax15_np(s)


ValueGrad = Callable[[Array], tuple[Array, Array]]


def risk_function(loss: str, w: Array, q: Array | None = None, k: int = 2) -> ValueGrad:
    r"""Fast NumPy :math:`R_w` and its gradient for a ``(B, n)`` batch of scores.

    FY losses: :math:`R_w(s)=\lVert w\rVert_1\,\Omega^*(s)-\langle w,s\rangle` (because
    :math:`\Omega(e_y)=0` for the three regularizers) with gradient
    :math:`\lVert w\rVert_1\hat y(s)-w`. SSM: the exact multiset enumeration with its analytic
    gradient. :func:`literal_risk` is the slow torch reference these are tested against.
    """
    w = np.asarray(w, dtype=np.float64)
    total = float(w.sum())
    if loss in FY_LOSSES:
        def fy_risk(s: Array) -> tuple[Array, Array]:
            p = predict_np(loss, s)
            conj = np.sum(s * p, -1) - _omega_np(loss, p)
            return total * conj - (s * w).sum(-1), total * p - w

        return fy_risk
    if loss in SSM_LOSSES:
        if q is None:
            raise ValueError("sampled softmax needs a proposal q")
        design = SSMDesign.build(np.asarray(q, dtype=np.float64), k)
        prob = design.log_prob.exp().numpy()
        with np.errstate(divide="ignore"):  # log 0 = -inf: class absent from the candidate list
            log_mult = np.log(design.counts.numpy()[None, :, :] + np.eye(len(w))[:, None, :])   # (y, M, n)
        log_q = design.log_q.numpy()
        corrected = loss == "ssm"

        def ssm(s: Array) -> tuple[Array, Array]:
            o = s - log_q if corrected else s
            a = o[:, None, None, :] + log_mult[None]                                       # (B, y, M, n)
            top = a.max(-1, keepdims=True)
            e = np.exp(a - top)
            z = e.sum(-1, keepdims=True)
            lse = (np.log(z) + top)[..., 0]                                                 # (B, y, M)
            values = (((lse * prob).sum(-1) - o) * w).sum(-1)
            soft = np.einsum("bymn,m,y->bn", e / z, prob, w)
            return values, soft - w[None, :]

        return ssm
    raise ValueError(f"unknown loss {loss!r}")


def literal_risk(loss: str, s: torch.Tensor, w: Array, q: Array | None = None, k: int = 2) -> torch.Tensor:
    r"""Reference :math:`R_w(s)=\sum_y w_y L(s;e_y)`, computed literally in torch (slow; for tests).

    FY losses call ``maps.fy_loss`` on every one-hot label; SSM uses :func:`ssm_risk`.
    """
    wt = torch.as_tensor(np.asarray(w, dtype=np.float64))
    n = len(w)
    if loss in FY_LOSSES:
        eye = torch.eye(n, dtype=torch.float64)
        per_label = fy_loss(loss, s[:, None, :].expand(-1, n, -1), eye.expand(s.shape[0], -1, -1))
        return per_label @ wt
    design = SSMDesign.build(np.asarray(q, dtype=np.float64), k)
    return ssm_risk(s, wt, design, corrected=loss == "ssm")


@dataclass(frozen=True)
class Minimizers:
    """Numerical minimizers of a risk from several starts.

    ``points`` has shape ``(starts, n)``; ``grad_norm`` is the largest
    infinity-norm of the risk gradient over the starts; ``converged`` says
    whether it is below :data:`GRAD_TOL` (times the total weight).
    """

    points: Array
    values: Array
    grad_norm: float
    converged: bool


def minimize_risk(loss: str, w: Array, *, starts: Array, q: Array | None = None, k: int = 2,
                  max_iter: int = 2000) -> Minimizers:
    """Minimize :math:`R_w` from each row of ``starts`` (BFGS on the separable sum of the blocks)."""
    fn = risk_function(loss, w, q, k)
    shape = starts.shape

    def value_and_grad(x: Array) -> tuple[float, Array]:
        values, grad = fn(x.reshape(shape))
        return float(values.sum()), grad.ravel()

    # BFGS, not L-BFGS-B: SciPy's L-BFGS-B calls multithreaded LAPACK on tiny matrices, which is
    # orders of magnitude slower on a loaded machine; BFGS only does small NumPy operations.
    result = minimize(value_and_grad, starts.ravel().astype(np.float64), jac=True, method="BFGS",
                      options={"maxiter": max_iter, "gtol": 1e-11})
    points = result.x.reshape(shape)
    values, grad = fn(points)
    grad_norm = float(np.abs(grad).max())
    scale = max(1.0, float(np.sum(w)))
    return Minimizers(points, values, grad_norm, grad_norm <= GRAD_TOL * scale)


def random_starts(gen: torch.Generator, count: int, n: int, scale: float = 2.0) -> Array:
    """``count`` random starting scores in float64 (drawn on ``gen``'s device, returned on the CPU)."""
    return (scale * torch.randn(count, n, dtype=torch.float64, generator=gen, device=gen.device)).cpu().numpy()


def softmax_minimizer(w: Array) -> Array:
    r"""Closed form minimizer of the softmax (cross-entropy) risk: :math:`\log(w/\sum w)`, centred."""
    s = np.log(np.asarray(w, dtype=np.float64) / np.sum(w))
    return s - s.mean()


def population_minimizer(loss: str, w: Array, q: Array | None = None) -> Array:
    r"""Closed-form population minimizer on the support of ``w`` (NaN off it), centred over the support.

    softmax and corrected SSM: :math:`\log\eta`; uncorrected SSM: :math:`\log(\eta/q)`;
    sparsemax: :math:`\eta` (plus :math:`\tau`); 1.5-entmax: :math:`2\sqrt\eta` (plus a constant).
    Off the support of a sparse loss's minimizer any value :math:`\le\tau` is optimal; the softmax-type
    risks have no minimizer when some :math:`w_c=0` (:math:`s_c\to-\infty`): NaN marks those classes.
    """
    eta = np.asarray(w, dtype=np.float64) / np.sum(w)
    support = eta > 0
    safe = np.where(support, eta, 1.0)
    if loss in ("softmax", "ssm"):
        s = np.log(safe)
    elif loss == "ssm-uncorrected":
        s = np.log(safe / np.asarray(q, dtype=np.float64))
    elif loss == "sparsemax":
        s = safe
    elif loss == "entmax15":
        s = 2.0 * np.sqrt(safe)
    else:
        raise ValueError(f"unknown loss {loss!r}")
    s = np.where(support, s, np.nan)
    return s - np.nanmean(s)


def centred(s: Array) -> Array:
    """Remove the mean (the risks of all losses here are invariant to adding a constant)."""
    return s - s.mean(axis=-1, keepdims=True)


def separated_ks(eta: Array, margin: float) -> list[int]:
    r"""The :math:`k\in\{1,\dots,n-1\}` with :math:`\eta_{[k]}-\eta_{[k+1]}\ge` ``margin``."""
    ordered = np.sort(eta)[::-1]
    return [k for k in range(1, len(eta)) if ordered[k - 1] - ordered[k] >= margin]


def topk_violation(s: Array, eta: Array, k: int) -> str | None:
    r"""Why the top-``k`` set of ``s`` differs from that of ``eta`` (assumed separated at ``k``), or ``None``.

    The top-k set of ``s`` equals :math:`T` iff :math:`\min_{i\in T}s_i>\max_{j\notin T}s_j`; numerically the
    gap must be at least :data:`SCORE_GAP` (a tie is a failure: the top-k set of ``s`` is then ambiguous).
    True claims have gaps of order :data:`MARGIN` (e.g. :math:`\log(\eta_a/\eta_b)\ge` gap of
    :math:`\eta` for softmax), far above the optimizer's error.
    """
    order = np.argsort(-eta, kind="stable")
    top, rest = order[:k], order[k:]
    gap = float(s[top].min() - s[rest].max())
    if gap >= SCORE_GAP:
        return None
    return (f"top-{k} of eta is {sorted(top.tolist())} but the scores {np.round(s, 6).tolist()} do not put it "
            f"first by a resolvable gap (min over top - max over rest = {gap:.3g} < {SCORE_GAP:g})")


#: Smallest gap :math:`\eta_{[k]}-\eta_{[k+1]}` treated as a separation by :func:`separated_ks`' default callers.
MARGIN = 1e-3
#: Number of negatives of the sampled-softmax loss used as a *loss* in the calibration claims.
SSM_K = 2
#: Share of the profile's Hypothesis examples used by a search that minimizes a risk per example: the number
#: scales with the profile (30 at quick, 120 at standard, 600 at thorough); there is no fixed cap.
EXAMPLE_SHARE = 0.2


def scaled(ctx: Context, share: float = EXAMPLE_SHARE) -> Context:
    """``ctx`` with ``share`` of its profile's Hypothesis examples (at least one): costly examples, fewer of them."""
    if not 0 < share <= 1:
        raise ValueError(f"share must lie in (0, 1], got {share!r}")
    return replace(ctx, budget=replace(ctx.budget, examples=max(1, round(ctx.budget.examples * share))))


@st.composite
def distributions(draw: st.DrawFn, min_size: int = 2, max_size: int = 6, dense: bool = False) -> tuple[Array, Array]:
    r"""A class posterior :math:`\eta` (sparse half of the time unless ``dense``, else dense or peaked;
    exact ties drawn often) and a full-support proposal :math:`q` of the same length."""
    n = draw(st.integers(min_size, max_size))
    kind = "dense" if dense else draw(st.sampled_from(("sparse", "dense", "sparse", "peaked")))
    eta = draw(simplex(size=n, kind=kind))
    if n >= 3 and draw(st.booleans()):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        tied = eta.copy()
        tied[j] = tied[i]
        if tied.sum() > 0:  # copying a zero over the only positive entry would leave no distribution
            eta = tied / tied.sum()
    q = draw(simplex(size=n, kind="dense"))
    return eta, q


def needs_dense(losses: tuple[str, ...]) -> bool:
    """Whether every loss in ``losses`` needs strictly positive weights (no sparse loss among them)."""
    return all(loss in DENSE_ONLY for loss in losses)
