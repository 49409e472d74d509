r"""Deliberately broken shared implementations of the pu2026 claims (mutation testing).

Each :class:`~verifiers.mutation.Mutant` replaces one function of :mod:`claims.pu2026.maps`,
:mod:`claims.pu2026.sampling`, :mod:`claims.pu2026.nce_math` or :mod:`claims.pu2026.risk` by a
realistic bug and names the claims expected to refute it. ``tests/claims/test_mutants.py``
asserts that every mutant is caught under the quick profile.
"""

from __future__ import annotations

import numpy as np
import torch

from claims.pu2026 import maps, nce_math, risk
from verifiers.mutation import Mutant

_RISK_FUNCTION = risk.risk_function


def _sparsemax_threshold_sign(X: torch.Tensor, dim: int = -1, k: int | None = None) -> torch.Tensor:
    r"""Sort-based sparsemax with the threshold's sign flipped: :math:`\tau=(\sum_{j\le r}z_{(j)}+1)/r`."""
    z = X.movedim(dim, -1)
    srt, _ = torch.sort(z, dim=-1, descending=True)
    cumsum = srt.cumsum(-1)
    j = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype, device=z.device)
    r = (1 + j * srt > cumsum).sum(-1, keepdim=True)
    tau = (cumsum.gather(-1, r - 1) + 1) / r
    return torch.clamp(z - tau, min=0.0).movedim(-1, dim)


def _softmax_jacobian_no_outer(s: torch.Tensor) -> torch.Tensor:
    r"""Softmax Jacobian missing the factor on the outer product: :math:`\mathrm{diag}(p)-\tfrac12pp^\top`."""
    p = torch.softmax(s, dim=-1)
    return torch.diag_embed(p) - 0.5 * p.unsqueeze(-1) * p.unsqueeze(-2)


def _softmax_jacobian_sign(s: torch.Tensor) -> torch.Tensor:
    r"""Softmax Jacobian with the sign of the outer product flipped: :math:`\mathrm{diag}(p)+pp^\top`."""
    p = torch.softmax(s, dim=-1)
    return torch.diag_embed(p) + p.unsqueeze(-1) * p.unsqueeze(-2)


def _nce_link_without_log_k(s: torch.Tensor, k: float, q: torch.Tensor | float) -> torch.Tensor:
    r"""NCE link that forgets the number of noise samples: :math:`\sigma(s_i-\log q_i)`."""
    s = s.to(torch.float64)
    return torch.sigmoid(s - torch.log(torch.as_tensor(q, dtype=torch.float64, device=s.device)))


def _fy_loss_without_omega_p(name: str, s: torch.Tensor, y: torch.Tensor, alpha: float = 1.5) -> torch.Tensor:
    r"""Fenchel-Young loss whose conjugate forgets :math:`-\Omega(\hat y)` (Tsallis maps; softmax unchanged)."""
    s = s.to(torch.float64)
    y = y.to(s)
    if name == "softmax":
        return torch.logsumexp(s, dim=-1) - (s * y).sum(-1) + torch.xlogy(y, y).sum(-1)
    a = alpha if name == "entmax" else maps.TSALLIS_ALPHA[name]
    p = maps.prediction_map(name, alpha)(s)
    return (s * (p - y)).sum(-1) + maps.tsallis_omega(y, a)


def _fy_loss_softmax_sign(name: str, s: torch.Tensor, y: torch.Tensor, alpha: float = 1.5) -> torch.Tensor:
    r"""Softmax Fenchel-Young loss with :math:`+\langle s,y\rangle` instead of :math:`-\langle s,y\rangle`."""
    s = s.to(torch.float64)
    y = y.to(s)
    if name == "softmax":
        return torch.logsumexp(s, dim=-1) + (s * y).sum(-1) + torch.xlogy(y, y).sum(-1)
    a = alpha if name == "entmax" else maps.TSALLIS_ALPHA[name]
    p = maps.prediction_map(name, alpha)(s)
    return (s * (p - y)).sum(-1) - maps.tsallis_omega(p, a) + maps.tsallis_omega(y, a)


def _entmax_jacobian_no_normalizer(s: torch.Tensor, alpha: float = 1.5) -> torch.Tensor:
    r"""α-entmax Jacobian :math:`\mathrm{diag}(g)-gg^\top` (forgets the division by :math:`\sum_ig_i`)."""
    name = {1.5: "entmax15", 2.0: "sparsemax"}.get(float(alpha), "entmax")
    p = maps.prediction_map(name, alpha)(s.to(torch.float64))
    g = torch.where(p > 0, p.clamp_min(1e-300) ** (2.0 - alpha), torch.zeros_like(p))
    return torch.diag_embed(g) - g.unsqueeze(-1) * g.unsqueeze(-2)


def _chi_square_is_kl(s: torch.Tensor, q: torch.Tensor) -> float:
    r"""KL(P‖Q) where :math:`\chi^2(P\|Q)` was meant."""
    p = torch.softmax(s, dim=0)
    return float((p * (p.log() - q.log())).sum())


def _log_zhat_error_without_logq(s: torch.Tensor, q: torch.Tensor, k: int, m: int,
                                 gen: torch.Generator) -> torch.Tensor:
    r""":math:`\log\hat Z_k-\log Z` without the logQ correction: weights :math:`e^{s_i}`, not :math:`e^{s_i}/q_i`."""
    device = gen.device
    s, q = s.to(device), q.to(device)
    idx = torch.multinomial(q, m * k, replacement=True, generator=gen).view(m, k)
    return torch.logsumexp(s[idx], dim=1) - torch.log(torch.tensor(float(k), dtype=torch.float64, device=device)) \
        - torch.logsumexp(s, dim=0)


def _weight_error_without_logq(s: torch.Tensor, q: torch.Tensor, k: int, m: int,
                               gen: torch.Generator) -> torch.Tensor:
    r""":math:`\hat Z_k/Z-1` with weights :math:`n\,e^{s_i}/Z` (uniform proposal), not :math:`e^{s_i}/(q_iZ)`."""
    device = gen.device
    s, q = s.to(device), q.to(device)
    w = torch.exp(s - torch.logsumexp(s, dim=0)) * s.numel()
    idx = torch.multinomial(q, m * k, replacement=True, generator=gen).view(m, k)
    return w[idx].mean(dim=1) - 1.0


def _ssm_risk_function_without_logq(loss: str, w: np.ndarray, q: np.ndarray | None = None, k: int = 2):  # noqa: ANN202
    """The population SSM risk with the logQ correction forgotten (``ssm`` computed as ``ssm-uncorrected``)."""
    return _RISK_FUNCTION("ssm-uncorrected" if loss == "ssm" else loss, w, q, k)


def _skewed_js_symmetric(p: np.ndarray, q: np.ndarray, weight: float) -> float:
    r"""Jensen-Shannon divergence that ignores its weight (always the symmetric :math:`\mathrm{JS}_{1/2}`)."""
    m = 0.5 * (p + q)
    return 0.5 * nce_math.kl(p, m) + 0.5 * nce_math.kl(q, m)


def _population_loss_without_log_k(s: np.ndarray, p: np.ndarray, q: np.ndarray, k: float) -> float:
    r"""Population NCE loss whose link forgets :math:`\log k`: :math:`\sigma(s_i-\log q_i)`."""
    from scipy.special import log_expit

    t = s - np.log(q)
    data = np.where(p > 0, -p * log_expit(np.where(p > 0, t, 0.0)), 0.0)
    return float(np.sum(data) - k * np.sum(q * log_expit(-t)))


def _discounts_off_by_one(n: int) -> np.ndarray:
    r"""DCG discounts shifted by one rank: :math:`1/\log_2(2+r)` instead of :math:`1/\log_2(1+r)`."""
    return 1.0 / np.log2(np.arange(3, n + 3, dtype=np.float64))


def _pivot_threshold_support_flipped(values: list[float], ops, choose) -> float:  # noqa: ANN001
    """Duchi et al.'s pivot threshold with the support test reversed (the pivot kept when the sum is >= 1)."""
    candidates, total, count = list(values), 0.0, 0
    while candidates:
        pivot = candidates[choose(len(candidates))]
        ops.comparisons += len(candidates)
        upper = [v for v in candidates if v >= pivot]
        lower = [v for v in candidates if v < pivot]
        if (total + sum(upper)) - (count + len(upper)) * pivot >= 1:
            total, count, candidates = total + sum(upper), count + len(upper), lower
        else:
            upper.remove(pivot)
            candidates = upper
    return (total - 1) / max(count, 1)


SPARSEMAX_THRESHOLD_SIGN = Mutant(
    "sparsemax-threshold-sign", "sparsemax threshold τ = (Σ_{j≤r} z_(j) + 1)/r: the sign of the 1 is flipped",
    "claims.pu2026.maps:sparsemax", _sparsemax_threshold_sign,
    ("pu2026/fy-gradient", "pu2026/jacobian-sparsemax"))

SOFTMAX_JACOBIAN_SIGN = Mutant(
    "softmax-jacobian-sign", "closed-form softmax Jacobian diag(p) + ppᵀ instead of diag(p) - ppᵀ",
    "claims.pu2026.maps:softmax_jacobian", _softmax_jacobian_sign, ("pu2026/jacobian-softmax",))

SOFTMAX_JACOBIAN_HALF = Mutant(
    "softmax-jacobian-half-outer", "closed-form softmax Jacobian diag(p) - ½ppᵀ instead of diag(p) - ppᵀ",
    "claims.pu2026.maps:softmax_jacobian", _softmax_jacobian_no_outer,
    ("pu2026/jacobian-sparsemax",))

ENTMAX_JACOBIAN = Mutant(
    "entmax-jacobian-no-normalizer", "closed-form α-entmax Jacobian diag(g) - ggᵀ, without dividing by Σg",
    "claims.pu2026.maps:entmax_jacobian", _entmax_jacobian_no_normalizer, ("pu2026/jacobian-entmax",))

NCE_LINK_WITHOUT_LOG_K = Mutant(
    "nce-link-without-log-k", "NCE link σ(s - log q) instead of σ(s - log kq)",
    "claims.pu2026.maps:nce_link", _nce_link_without_log_k, ("pu2026/nce-consistency",))

NCE_POPULATION_WITHOUT_LOG_K = Mutant(
    "nce-population-loss-without-log-k", "population NCE loss built on σ(s - log q) instead of σ(s - log kq)",
    "claims.pu2026.nce_math:population_loss", _population_loss_without_log_k, ("pu2026/nce-js-bias",))

NCE_SYMMETRIC_JS = Mutant(
    "nce-js-symmetric", "the skewed JS divergence ignores its weight (always JS_{1/2})",
    "claims.pu2026.nce_math:skewed_js", _skewed_js_symmetric, ("pu2026/nce-js-bias",))

FY_LOSS_WITHOUT_OMEGA = Mutant(
    "fy-loss-without-omega-p", "Tsallis Fenchel-Young loss forgets -Ω(ŷ) in the conjugate Ω*(s)",
    "claims.pu2026.maps:fy_loss", _fy_loss_without_omega_p, ("pu2026/fy-gradient",))

FY_LOSS_SOFTMAX_SIGN = Mutant(
    "fy-loss-softmax-sign", "softmax Fenchel-Young loss logsumexp(s) + ⟨s, y⟩ (sign of the linear term flipped)",
    "claims.pu2026.maps:fy_loss", _fy_loss_softmax_sign, ("pu2026/fy-gradient",))

CHI_SQUARE_IS_KL = Mutant(
    "chi-square-is-kl", "sampling.chi_square returns KL(P‖Q) instead of χ²(P‖Q)",
    "claims.pu2026.sampling:chi_square", _chi_square_is_kl, ("pu2026/ssm-logz-bias", "pu2026/ssm-logz-variance"))

LOGZ_WITHOUT_LOGQ = Mutant(
    "ssm-logz-without-logq", "sampled log-partition estimate uses weights e^s, forgetting the logQ correction 1/q",
    "claims.pu2026.sampling:log_zhat_error", _log_zhat_error_without_logq, ("pu2026/ssm-logz-bias",))

WEIGHTS_WITHOUT_LOGQ = Mutant(
    "ssm-weights-without-logq", "sampled-softmax importance weights assume a uniform proposal (logQ correction lost)",
    "claims.pu2026.sampling:weight_error", _weight_error_without_logq,
    ("pu2026/ssm-logz-variance", "pu2026/ssm-unbiased-limit"))

SSM_RISK_WITHOUT_LOGQ = Mutant(
    "ssm-risk-without-logq", "the population sampled-softmax risk forgets the logQ correction s - log q",
    "claims.pu2026.risk:risk_function", _ssm_risk_function_without_logq, ("pu2026/ssm-consistency",))

DCG_DISCOUNT_OFF_BY_ONE = Mutant(
    "dcg-discount-off-by-one", "DCG discounts 1/log2(2 + r) instead of 1/log2(1 + r)",
    "claims.pu2026.ranking:discounts", _discounts_off_by_one, ("pu2026/ndcg-at-k",))

PIVOT_SUPPORT_TEST_FLIPPED = Mutant(
    "pivot-support-test-flipped", "the pivot sparsemax threshold keeps a pivot when Σ(z_j - z_k) >= 1 (test reversed)",
    "claims.pu2026.output_layers:pivot_threshold", _pivot_threshold_support_flipped, ("pu2026/sparsemax-cost",))
