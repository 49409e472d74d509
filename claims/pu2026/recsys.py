r"""Small recommendation experiments: synthetic implicit feedback with a known truth, MF and LightGCN-style
scorers, NDCG@20, and training loops batched over runs (seeds × arms), in torch on any device.

Pu, Lian & Chen, arXiv 2601.22745 (seed 001, "First 3 experiments" and "Failure signatures"). The paper's
data (ML-1M, Amazon-Electronics, Gowalla) are not available offline; these generators stand in for them.

- :func:`latent_feedback`: true logits :math:`T_{ui}=c\,\langle p_u,q_i\rangle/\sqrt r+b_i` with Gaussian
  factors and item popularities; each user's interactions are drawn without replacement from
  :math:`\mathrm{softmax}(T_u)` (Gumbel top-m), then split into train / validation / test items.
- :func:`sbm_feedback`: a stochastic block model on users and items; a user's items are drawn without
  replacement with odds ``affinity`` : 1 for items of the user's block against the others.

Every run of a batch has its own parameters (a leading runs dimension) and its own learning rate; the runs of
one seed share the data and the initialization (common random numbers). Scores rank items by the model's
logits :math:`s=e_u^\top f_i` (training items excluded); NDCG@20 has binary relevance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from claims.pu2026.maps import TSALLIS_ALPHA, prediction_map, tsallis_omega
from verifiers.experiment import RunAdam

#: Cut-off of the ranking metric.
TOP = 20
#: Standard deviation of the initial embeddings.
INIT_SD = 0.1
#: A parameter above this magnitude counts as diverged (float32 scores overflow soon after).
HUGE = 1e6
#: Floating-point type of data, parameters and training.
DTYPE = torch.float32


@dataclass(frozen=True)
class Feedback:
    """Implicit feedback of one seed: 0/1 matrices (users × items) of train, validation and test interactions.

    ``truth`` holds the generator's true logits (latent factors) or log-odds (block model).
    """

    train: torch.Tensor
    val: torch.Tensor
    test: torch.Tensor
    truth: torch.Tensor

    @property
    def users(self) -> int:
        """Number of users."""
        return self.train.shape[0]

    @property
    def items(self) -> int:
        """Number of items."""
        return self.train.shape[1]

    def to(self, device: str) -> Feedback:
        """The same feedback on ``device``."""
        return Feedback(*(t.to(device) for t in (self.train, self.val, self.test, self.truth)))


def _interactions(truth: np.ndarray, counts: tuple[int, int, int], rng: np.random.Generator) -> Feedback:
    """Draw ``sum(counts)`` items per user without replacement from softmax(truth) (Gumbel top-m), then split them
    at random into train / validation / test items of the given counts."""
    m = sum(counts)
    chosen = np.argsort(-(truth + rng.gumbel(size=truth.shape)), axis=1)[:, :m]
    chosen = np.take_along_axis(chosen, rng.permuted(np.tile(np.arange(m), (truth.shape[0], 1)), axis=1), 1)
    mats = []
    start = 0
    for c in counts:
        mat = np.zeros(truth.shape)
        np.put_along_axis(mat, chosen[:, start:start + c], 1.0, axis=1)
        mats.append(torch.as_tensor(mat, dtype=DTYPE))
        start += c
    return Feedback(mats[0], mats[1] > 0, mats[2] > 0, torch.as_tensor(truth, dtype=DTYPE))


def latent_feedback(seed: int, *, users: int, items: int, rank: int, counts: tuple[int, int, int],
                    scale: float = 2.0, popularity: float = 1.0) -> Feedback:
    r"""Latent-factor implicit feedback: :math:`T=\mathrm{scale}\,PQ^\top/\sqrt{\mathrm{rank}}+b`,
    :math:`P,Q` standard Gaussian, :math:`b_i\sim N(0,\mathrm{popularity}^2)`; ``counts`` = (train,
    validation, test) items per user."""
    rng = np.random.default_rng([seed, 1])
    p, q = rng.standard_normal((users, rank)), rng.standard_normal((items, rank))
    truth = scale * p @ q.T / math.sqrt(rank) + popularity * rng.standard_normal(items)
    return _interactions(truth, counts, rng)


def sbm_feedback(seed: int, *, users: int, items: int, blocks: int, counts: tuple[int, int, int],
                 affinity: float) -> Feedback:
    """A stochastic block model: users and items get uniform random blocks; a user's items are drawn without
    replacement with odds ``affinity`` : 1 for same-block items (``truth`` is the log-odds matrix)."""
    rng = np.random.default_rng([seed, 2])
    bu, bi = rng.integers(blocks, size=users), rng.integers(blocks, size=items)
    truth = math.log(affinity) * (bu[:, None] == bi[None, :]).astype(np.float64)
    return _interactions(truth, counts, rng)


def ndcg(scores: torch.Tensor, exclude: torch.Tensor, relevant: torch.Tensor, top: int = TOP) -> torch.Tensor:
    """Mean NDCG@``top`` over users of each run: ``scores`` (runs, users, items), ``exclude`` and ``relevant``
    (runs or 1, users, items) booleans; excluded items are not ranked."""
    masked = scores.masked_fill(exclude, -math.inf)
    hits = relevant.expand_as(scores).gather(-1, masked.topk(top, dim=-1).indices).to(scores.dtype)
    discount = 1.0 / torch.log2(torch.arange(2, top + 2, device=scores.device, dtype=scores.dtype))
    dcg = (hits * discount).sum(-1)
    ideal = torch.cumsum(discount, 0)[(relevant.sum(-1).clamp(1, top) - 1).long()]
    return (dcg / ideal).mean(-1)


def true_ndcg(scores: torch.Tensor, exclude: torch.Tensor, truth: torch.Tensor, top: int = TOP) -> torch.Tensor:
    r"""Mean over users of the expected NDCG@``top`` of one fresh interaction drawn from the generator's truth.

    A user's next item is :math:`i\sim w_u=\mathrm{softmax}(T_u)` restricted to the items not in ``exclude``;
    with one relevant item the ideal DCG is 1, so the expectation is :math:`\sum_{r\le\mathrm{top}}
    w_{u,\pi(r)}/\log_2(r+1)` over the model's ranking :math:`\pi`. No test-sampling noise.
    """
    w = torch.softmax(truth.masked_fill(exclude, -math.inf), -1).expand_as(scores)
    order = scores.masked_fill(exclude, -math.inf).topk(top, dim=-1).indices
    discount = 1.0 / torch.log2(torch.arange(2, top + 2, device=scores.device, dtype=scores.dtype))
    return (w.gather(-1, order) * discount).sum(-1).mean(-1)


def normalized_adjacency(train: torch.Tensor) -> torch.Tensor:
    r"""The user-item block :math:`D_u^{-1/2}YD_i^{-1/2}` of LightGCN's symmetric normalized adjacency."""
    du, di = train.sum(-1, keepdim=True), train.sum(-2, keepdim=True)
    return train / (du.clamp_min(1).sqrt() * di.clamp_min(1).sqrt())


def lightgcn(users: torch.Tensor, items: torch.Tensor, adj: torch.Tensor, layers: int
             ) -> tuple[torch.Tensor, torch.Tensor]:
    r"""LightGCN propagation: :math:`E^{(l+1)}=\hat AE^{(l)}` on the bipartite graph, final embeddings the mean
    over layers :math:`0..L` (batched over runs)."""
    u, i, su, si = users, items, users, items
    for _ in range(layers):
        u, i = adj @ i, adj.transpose(-1, -2) @ u
        su, si = su + u, si + i
    return su / (layers + 1), si / (layers + 1)


def scores(params: Sequence[torch.Tensor], adj: torch.Tensor | None, layers: int) -> torch.Tensor:
    """Scores (runs, users, items) of MF (``adj`` None) or LightGCN (``layers`` propagation steps)."""
    users, items = params[0], params[1]
    if adj is not None:
        users, items = lightgcn(users, items, adj, layers)
    out = users @ items.transpose(-1, -2)
    return out + params[2] if len(params) > 2 else out


def init(seed: int, feedback: Feedback, dim: int, user_bias: bool = False) -> list[torch.Tensor]:
    """Gaussian embeddings (sd ``INIT_SD``) of users and items, and optionally a zero per-user bias; the draw
    depends on ``seed`` and the shapes only."""
    gen = torch.Generator().manual_seed(seed)
    out = [INIT_SD * torch.randn(feedback.users, dim, generator=gen, dtype=DTYPE),
           INIT_SD * torch.randn(feedback.items, dim, generator=gen, dtype=DTYPE)]
    return out + [torch.zeros(feedback.users, 1, dtype=DTYPE)] if user_bias else out


class SGD:
    """Plain gradient descent with one learning rate per run."""

    def __init__(self, params: Sequence[torch.Tensor], lr: torch.Tensor) -> None:
        self.params, self.lr = list(params), lr

    @torch.no_grad()
    def step(self) -> None:
        """One update of every parameter from its ``.grad`` (then cleared)."""
        for p in self.params:
            p.sub_(self.lr.view(-1, *[1] * (p.dim() - 1)) * p.grad)
            p.grad = None


class _TsallisFY(torch.autograd.Function):
    r"""Tsallis Fenchel-Young loss :math:`\langle s,\hat y-y\rangle-\Omega(\hat y)+\Omega(y)` with its gradient
    :math:`\hat y-y` (Blondel, Martins & Niculae 2020, Prop. 2), so no autograd runs through the sort."""

    @staticmethod
    def forward(ctx: object, s: torch.Tensor, y: torch.Tensor, name: str) -> torch.Tensor:  # type: ignore[override]
        p = prediction_map(name)(s)
        a = TSALLIS_ALPHA[name]
        ctx.save_for_backward(p - y)  # type: ignore[attr-defined]
        return (s * (p - y)).sum(-1) - tsallis_omega(p, a) + tsallis_omega(y, a)

    @staticmethod
    def backward(ctx: object, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:  # type: ignore[override]
        (diff,) = ctx.saved_tensors  # type: ignore[attr-defined]
        return grad.unsqueeze(-1) * diff, None, None


def fy(name: str, s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Fenchel-Young loss of ``name`` (softmax, sparsemax, entmax15) per row of ``s`` against distributions ``y``."""
    if name == "softmax":
        return torch.logsumexp(s, -1) - (s * y).sum(-1) + torch.xlogy(y, y).sum(-1)
    return _TsallisFY.apply(s, y, name)


def full_losses(names: Sequence[str], s: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-run mean over users of the Fenchel-Young loss ``names[r]`` (softmax, sparsemax, entmax15) of the
    scores ``s`` (runs, users, items) against each user's empirical distribution of training items."""
    y = target / target.sum(-1, keepdim=True).clamp_min(1)
    out = torch.empty(s.shape[0], dtype=s.dtype, device=s.device)
    for name in dict.fromkeys(names):
        rows = torch.tensor([r for r, n in enumerate(names) if n == name], device=s.device)
        out[rows] = fy(name, s[rows], y[rows]).mean(-1)
    return out


def positives(train: torch.Tensor) -> torch.Tensor:
    """The training items of each user as indices (runs, users, m); every user has the same count m."""
    m = int(train[0, 0].sum())
    return train.topk(m, dim=-1).indices


def sampled_loss(variant: str, s: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor, log_q: torch.Tensor,
                 k: torch.Tensor) -> torch.Tensor:
    r"""Per-run mean over (user, training item) pairs of a sampled loss (:mod:`claims.pu2026.ssm_variants`).

    ``s`` (runs, users, items) scores; ``pos`` (runs, users, m) positives; ``neg`` (runs, users, K) negatives
    drawn from the proposal and shared by a user's positives, of which run ``r`` uses the first ``k[r]``;
    ``log_q`` (runs or 1, users or 1, items) the proposal's log-probabilities.

    - ``ssm-logq``: :math:`-o_y+\log(e^{o_y}+\sum_{j\le k}e^{o_{i_j}})`, :math:`o=s-\log q`;
    - ``nce``: :math:`-\log\sigma(t_y)-\sum_{j\le k}\log(1-\sigma(t_{i_j}))`, :math:`t=s-\log(kq)`.
    """
    lq = log_q.expand(s.shape[0], s.shape[1], -1)
    o_pos = s.gather(-1, pos) - lq.gather(-1, pos)
    o_neg = s.gather(-1, neg) - lq.gather(-1, neg)
    used = torch.arange(neg.shape[-1], device=s.device).view(1, 1, -1) < k.view(-1, 1, 1)
    if variant == "ssm-logq":
        neg_lse = torch.logsumexp(o_neg.masked_fill(~used, -math.inf), -1, keepdim=True)
        return (torch.logaddexp(o_pos, neg_lse) - o_pos).mean((-1, -2))
    if variant == "nce":
        log_k = torch.log(k.to(s.dtype)).view(-1, 1, 1)
        noise = (torch.nn.functional.softplus(o_neg - log_k) * used).sum(-1, keepdim=True)
        return (torch.nn.functional.softplus(log_k - o_pos) + noise).mean((-1, -2))
    raise ValueError(f"unknown sampled loss {variant!r}; expected 'ssm-logq' or 'nce'")


@dataclass(frozen=True)
class Batch:
    """The runs of one training batch: the seed index of each run, its loss and its learning rate."""

    which: tuple[int, ...]
    losses: tuple[str, ...]
    lrs: tuple[float, ...]

    @staticmethod
    def grid(n_seeds: int, arms: Sequence[tuple[str, float]]) -> Batch:
        """Every (seed, arm) pair, seed-major."""
        runs = [(i, a) for i in range(n_seeds) for a in arms]
        return Batch(tuple(i for i, _ in runs), tuple(a[0] for _, a in runs), tuple(a[1] for _, a in runs))


Loss = Callable[[list[torch.Tensor], int], torch.Tensor]


@dataclass(frozen=True)
class Trace:
    """What a training batch recorded: the probes after every ``every`` steps (probe rows, runs, …) and, per
    run, whether its parameters ever became non-finite (diverged runs are frozen at zero and probed as NaN)."""

    probes: torch.Tensor
    diverged: torch.Tensor


def train(params: list[torch.Tensor], loss: Loss, lrs: Sequence[float], steps: int, *, optimizer: str = "adam",
          every: int = 1, probe: Callable[[list[torch.Tensor]], torch.Tensor] | None = None) -> Trace:
    """Minimize ``loss(params, step).sum()`` (one value per run) for ``steps`` full-batch steps."""
    lr = torch.tensor(list(lrs), dtype=params[0].dtype, device=params[0].device)
    for p in params:
        p.requires_grad_()
    opt = RunAdam(params, lr) if optimizer == "adam" else SGD(params, lr)
    diverged = torch.zeros(len(lrs), dtype=torch.bool, device=lr.device)
    out = []
    for step in range(steps):
        loss(params, step).sum().backward()
        opt.step()
        diverged |= _freeze_non_finite(params)
        if probe is not None and (step + 1) % every == 0:
            with torch.no_grad():
                row = probe(params)
                out.append(row.masked_fill(diverged.view(-1, *[1] * (row.dim() - 1)), math.nan))
    return Trace(torch.stack(out) if out else torch.empty(0), diverged)


@torch.no_grad()
def _freeze_non_finite(params: Sequence[torch.Tensor]) -> torch.Tensor:
    """Runs with a non-finite or huge parameter: set their parameters to zero; return the mask of such runs."""
    bad = torch.zeros(params[0].shape[0], dtype=torch.bool, device=params[0].device)
    for p in params:
        bad |= ~torch.isfinite(p).flatten(1).all(1) | (p.abs().flatten(1).amax(1) > HUGE)
    for p in params:
        p[bad] = 0.0
    return bad


def stack(data: Sequence[Feedback], which: Sequence[int], field: str) -> torch.Tensor:
    """One field of each run's feedback, stacked (runs, users, items)."""
    return torch.stack([getattr(data[i], field) for i in which])


def mf_params(data: Sequence[Feedback], seeds: Sequence[int], which: Sequence[int], dim: int,
              user_bias: bool = False) -> list[torch.Tensor]:
    """Stacked initial MF parameters of each run (run ``r`` starts from the initialization of ``seeds[which[r]]``)."""
    inits = [init(s, d, dim, user_bias) for s, d in zip(seeds, data)]
    return [torch.stack([inits[i][k] for i in which]).to(data[0].train.device) for k in range(len(inits[0]))]


@dataclass(frozen=True)
class FullRuns:
    """Training with a full-catalog loss: backbone, embedding size, full-batch Adam steps, checkpoint spacing."""

    dim: int
    steps: int
    every: int
    layers: int = 0

    @property
    def backbone(self) -> str:
        """``MF`` or ``LightGCN-<layers>``."""
        return f"LightGCN-{self.layers}" if self.layers else "MF"

    def record(self) -> dict[str, object]:
        """The training setup, for an experiment's record."""
        return {"backbone": self.backbone, "embedding": self.dim, "full-batch Adam steps": self.steps,
                "checkpoint every": self.every}

    def curves(self, data: Sequence[Feedback], seeds: Sequence[int], arms: Sequence[tuple[str, float]]
               ) -> torch.Tensor:
        """Validation NDCG@20 and true NDCG@20 at every checkpoint: shape (checkpoints, seeds, arms, 2).

        ``data[i]`` belongs to ``seeds[i]``; an arm is (loss, learning rate).
        """
        batch = Batch.grid(len(seeds), arms)
        params = mf_params(data, seeds, batch.which, self.dim)
        train_ = stack(data, batch.which, "train")
        seen, val, truth = train_ > 0, stack(data, batch.which, "val"), stack(data, batch.which, "truth")
        adj = normalized_adjacency(train_) if self.layers else None
        score = lambda p: scores(p, adj, self.layers)  # noqa: E731
        trace = train(params, lambda p, _: full_losses(batch.losses, score(p), train_), batch.lrs, self.steps,
                      every=self.every, probe=lambda p: torch.stack([ndcg(score(p), seen, val),
                                                                     true_ndcg(score(p), seen, truth)], -1))
        return trace.probes.view(-1, len(seeds), len(arms), 2).cpu()

    def swept(self, data: Sequence[Feedback], seeds: Sequence[int], losses: Sequence[str], lrs: Sequence[float],
              at: str = "final") -> tuple[torch.Tensor, list[dict[str, float]]]:
        """Train every (seed, loss, rate); per seed and loss keep the rate with the best validation NDCG@20.

        The same sweep for every loss: ``at="final"`` compares the last checkpoints (fixed horizon);
        ``at="best"`` compares each run's best checkpoint. Ties go to the smaller rate.

        Returns
        -------
        (torch.Tensor, list of dict)
            The chosen runs' curves, shape (checkpoints, seeds, losses, 2) as in :meth:`curves`, and each
            seed's chosen rate per loss.
        """
        arms = [(name, lr) for name in losses for lr in lrs]
        c = self.curves(data, seeds, arms).view(-1, len(seeds), len(losses), len(lrs), 2)
        val = c[-1, ..., 0] if at == "final" else c[..., 0].amax(0)
        pick = torch.argmax(val, dim=-1)  # first maximum: the smallest rate among ties
        out = c.gather(3, pick.view(1, len(seeds), len(losses), 1, 1).expand(c.shape[0], -1, -1, 1, 2)).squeeze(3)
        return out, [{name: lrs[int(pick[i, a])] for a, name in enumerate(losses)} for i in range(len(seeds))]


#: Proposals of the sampled losses: uniform over items, or the model's own softmax (detached), per user.
PROPOSALS = ("uniform", "model")


@dataclass(frozen=True)
class SampledArm:
    """One arm of a sampled-loss experiment: loss variant, negatives k, proposal, learning rate, user bias."""

    variant: str
    k: int
    proposal: str = "uniform"
    lr: float = 0.01
    user_bias: bool = False


@dataclass(frozen=True)
class SampledRuns:
    """MF trained by Adam with a sampled loss (one draw of negatives per user and step), full batch of users."""

    dim: int
    steps: int
    every: int

    def record(self) -> dict[str, object]:
        """The training setup, for an experiment's record."""
        return {"backbone": "MF", "embedding": self.dim, "Adam steps": self.steps, "checkpoint every": self.every,
                "negatives": "drawn anew every step, shared by a user's training items"}

    def curves(self, data: Sequence[Feedback], seeds: Sequence[int], arms: Sequence[SampledArm]) -> torch.Tensor:
        """Validation and true NDCG@20 at every checkpoint: shape (checkpoints, seeds, arms, 2)."""
        which = [i for i in range(len(seeds)) for _ in arms]
        runs = [a for _ in seeds for a in arms]
        params = mf_params(data, seeds, which, self.dim, user_bias=True)
        bias_on = torch.tensor([float(a.user_bias) for a in runs], dtype=DTYPE, device=params[0].device)
        score = lambda p: scores([p[0], p[1], p[2] * bias_on.view(-1, 1, 1)], None, 0)  # noqa: E731
        train_ = stack(data, which, "train")
        seen, val, truth = train_ > 0, stack(data, which, "val"), stack(data, which, "truth")
        draw = Negatives(data, seeds, which, runs)
        trace = train(params, lambda p, step: draw.loss(score(p), step), [a.lr for a in runs], self.steps,
                      every=self.every, probe=lambda p: torch.stack([ndcg(score(p), seen, val),
                                                                     true_ndcg(score(p), seen, truth)], -1))
        return trace.probes.view(-1, len(seeds), len(arms), 2).cpu()


class Negatives:
    """Draws the negatives of every run at every step and evaluates the runs' sampled losses."""

    def __init__(self, data: Sequence[Feedback], seeds: Sequence[int], which: Sequence[int],
                 runs: Sequence[SampledArm]) -> None:
        self.which, self.runs = list(which), list(runs)
        self.items, self.users = data[0].items, data[0].users
        self.big_k = max(a.k for a in runs)
        self.pos = positives(stack(data, which, "train"))
        self.device = self.pos.device
        self.gens = [torch.Generator().manual_seed(s) for s in seeds]
        self.k = torch.tensor([a.k for a in runs], device=self.device)

    def loss(self, s: torch.Tensor, step: int) -> torch.Tensor:
        """Per-run sampled loss at one step (uniform draws are common to the runs of a seed)."""
        shared = torch.stack([torch.randint(self.items, (self.users, self.big_k), generator=g) for g in self.gens])
        neg = shared[self.which].to(self.device)
        log_q = torch.full_like(s, -math.log(self.items))
        model = [r for r, a in enumerate(self.runs) if a.proposal == "model"]
        if model:
            rows = torch.tensor(model, device=self.device)
            q = torch.softmax(s[rows].detach(), -1)
            gen = self.gens[self.which[model[0]]]
            drawn = torch.multinomial(q.reshape(-1, self.items).cpu(), self.big_k, replacement=True, generator=gen)
            neg[rows] = drawn.view(len(model), self.users, self.big_k).to(self.device)
            log_q[rows] = torch.log(q)
        out = torch.empty(s.shape[0], dtype=s.dtype, device=self.device)
        for variant in dict.fromkeys(a.variant for a in self.runs):
            rows = torch.tensor([r for r, a in enumerate(self.runs) if a.variant == variant], device=self.device)
            out[rows] = sampled_loss(variant, s[rows], self.pos[rows], neg[rows], log_q[rows], self.k[rows])
        return out
