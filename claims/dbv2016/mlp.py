r"""Small MLP classifiers trained with log-softmax and its spherical-family alternatives, for the experiments.

de Brébisson & Vincent, arXiv 1511.05042 (seed 003). Each loss is :math:`-\log f(o)_c` with
:math:`f(o)_k=g(o_k)/\sum_i g(o_i)` and

- ``log-softmax``: :math:`g(x)=e^x`;
- ``taylor``: :math:`g(x)=1+x+x^2/2` (the Taylor softmax);
- ``spherical``: :math:`g(x)=x^2+\varepsilon` (the spherical softmax, :math:`\varepsilon` of
  :data:`claims.dbv2016.spherical.EPS`);
- ``even-taylor``: :math:`g(x)=1+x^2/2`, the even part of the Taylor numerator.

Data: ``sklearn.datasets.load_digits`` (1797 8×8 images, 10 classes) split at random per seed, and a
synthetic many-class Gaussian mixture with known class means. Both arms of a comparison share the data,
the initialization and the minibatch order of a seed (common random numbers). The learning rate is chosen
for each loss by the same validation sweep (:func:`sweep`); the reported epoch is the one with the lowest
validation error (the same early-stopping rule for every loss).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from claims.dbv2016.spherical import EPS
from claims.dbv2016.spherical import numerator as spherical_numerator
from verifiers.experiment import RunAdam

LOSSES = ("log-softmax", "taylor", "spherical", "even-taylor")
#: Fraction of a data set used for training (stratified); the rest is held out (validation or test).
TRAIN_FRACTION = 0.6


def numerator(name: str, o: torch.Tensor) -> torch.Tensor:
    r"""The unnormalized weight :math:`g(o)` of a polynomial loss (``taylor``, ``spherical``, ``even-taylor``)."""
    if name == "even-taylor":
        return 1 + o * o / 2
    return spherical_numerator(name, o, EPS)


def log_probs(name: str, o: torch.Tensor) -> torch.Tensor:
    r""":math:`\log f(o)` along the last dimension for the loss ``name`` (one of :data:`LOSSES`)."""
    if name == "log-softmax":
        return torch.log_softmax(o, dim=-1)
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {LOSSES}")
    g = numerator(name, o)
    return torch.log(g) - torch.log(g.sum(dim=-1, keepdim=True))


def nll(name: str, o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean negative log-probability of the labels ``y`` under the loss's map (the training loss)."""
    return -log_probs(name, o).gather(-1, y.unsqueeze(-1)).mean()


@dataclass(frozen=True)
class Split:
    """Training and held-out arrays of one seed (float32 features, int64 labels, on one device).

    The held-out part is the validation set of a sweep seed and the test set of a test seed.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_held: torch.Tensor
    y_held: torch.Tensor
    classes: int

    def sizes(self) -> dict[str, int]:
        """Numbers of examples, for a setup record."""
        return {"train": len(self.y_train), "held out": len(self.y_held), "features": self.x_train.shape[1],
                "classes": self.classes}


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return x.astype(np.float64), y.astype(np.int64)


def _split(x: np.ndarray, y: np.ndarray, classes: int, rng: np.random.Generator, device: str) -> Split:
    """A stratified random split (``TRAIN_FRACTION`` of each class for training), standardized by the training
    mean and deviation."""
    train: list[int] = []
    held: list[int] = []
    for c in range(classes):
        idx = rng.permutation(np.flatnonzero(y == c))
        cut = round(TRAIN_FRACTION * idx.size)
        train.extend(idx[:cut].tolist())
        held.extend(idx[cut:].tolist())
    mean, sd = x[train].mean(0), x[train].std(0)
    sd = np.where(sd > 1e-8, sd, 1.0)  # constant features (digits' border pixels) are only centred
    xs = [torch.as_tensor((x[p] - mean) / sd, dtype=torch.float32, device=device) for p in (train, held)]
    ys = [torch.as_tensor(y[p], device=device) for p in (train, held)]
    return Split(xs[0], ys[0], xs[1], ys[1], classes)


def digits(seed: int, device: str = "cpu") -> Split:
    """``load_digits`` split at random by ``seed`` (stratified, 60 % training, 40 % held out)."""
    x, y = _digits()
    return _split(x, y, 10, np.random.default_rng([seed, 0]), device)


@dataclass(frozen=True)
class Mixture:
    r"""A many-class Gaussian mixture: means :math:`\mu_c\sim N(0,\mathrm{separation}^2I_{\mathrm{dim}})`,
    :math:`x=\mu_c+N(0,I_{\mathrm{dim}})`, ``per_class`` examples of each class (the truth, the means, is
    drawn anew for every seed and class count)."""

    per_class: int
    dim: int
    separation: float

    def __call__(self, classes: int, seed: int, device: str = "cpu") -> Split:
        """The data of one seed and class count (independent of the other class counts of an experiment)."""
        rng = np.random.default_rng([seed, classes, 1])
        means = self.separation * rng.standard_normal((classes, self.dim))
        y = np.repeat(np.arange(classes), self.per_class)
        x = means[y] + rng.standard_normal((y.size, self.dim))
        return _split(x, y, classes, rng, device)


@dataclass(frozen=True)
class Schedule:
    """Training hyper-parameters shared by every loss of a comparison; learning rate and epochs are swept."""

    hidden: int
    epochs: int
    batch: int
    lrs: tuple[float, ...]
    checkpoints: int = 10

    def epochs_at(self, j: int) -> float:
        """Epochs trained at checkpoint ``j`` (0-based)."""
        return self.epochs * (j + 1) / self.checkpoints

    def record(self) -> dict[str, object]:
        """The schedule as a plain dict, for an experiment's setup."""
        return {"hidden units (ReLU)": self.hidden, "epochs": self.epochs, "minibatch": self.batch,
                "learning rates swept (Adam)": list(self.lrs), "checkpoints swept": self.checkpoints}


@dataclass(frozen=True)
class Setting:
    """What the validation sweep chose for one loss: the learning rate and the checkpoint."""

    lr: float
    checkpoint: int
    val_error: float


def _init(seed: int, d_in: int, hidden: int, classes: int) -> list[torch.Tensor]:
    """He-uniform first layer, Glorot-uniform output layer, zero biases; depends on ``seed`` and shapes only."""
    gen = torch.Generator().manual_seed(seed)
    b1, b2 = math.sqrt(6 / d_in), math.sqrt(6 / (hidden + classes))
    w1 = (2 * torch.rand(d_in, hidden, generator=gen) - 1) * b1
    w2 = (2 * torch.rand(hidden, classes, generator=gen) - 1) * b2
    return [w1, torch.zeros(1, hidden), w2, torch.zeros(1, classes)]


def _forward(params: Sequence[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Batched MLP: ``x`` is (runs, n, d); every parameter has a leading runs dimension."""
    w1, b1, w2, b2 = params
    return torch.baddbmm(b2, torch.relu(torch.baddbmm(b1, x, w1)), w2)


def _per_example(losses: Sequence[str], o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per run and example, the error (0 or 100 %) and the NLL, each run under its own loss: shape (runs, n, 2).

    The predicted class is the argmax of the map f(o), not of o: f_tay is not monotone in o, and the even
    maps ignore its sign.
    """
    out = torch.empty(*o.shape[:2], 2, device=o.device)
    for name in dict.fromkeys(losses):
        rows = torch.tensor([i for i, n in enumerate(losses) if n == name], device=o.device)
        lp = log_probs(name, o[rows])
        out[rows, :, 0] = 100.0 * (lp.argmax(-1) != y[rows]).float()
        out[rows, :, 1] = -lp.gather(-1, y[rows].unsqueeze(-1)).squeeze(-1)
    return out


def _per_loss(losses: Sequence[str], o: torch.Tensor, y: torch.Tensor, what: str) -> torch.Tensor:
    """Per-run mean NLL (``what="nll"``) or error in % (``"error"``), each run under its own loss."""
    if what == "nll":  # the training loss: no argmax needed
        out = torch.empty(o.shape[0], device=o.device)
        for name in dict.fromkeys(losses):
            rows = torch.tensor([i for i, n in enumerate(losses) if n == name], device=o.device)
            out[rows] = -log_probs(name, o[rows]).gather(-1, y[rows].unsqueeze(-1)).squeeze(-1).mean(-1)
        return out
    return _per_example(losses, o, y)[..., 0].mean(-1)


def train(splits: Sequence[Split], seeds: Sequence[int], arms: Sequence[tuple[str, float]], schedule: Schedule
          ) -> torch.Tensor:
    """Train one MLP per (seed, arm) at once; held-out error (%) and NLL at every checkpoint.

    ``splits[i]`` is the data of ``seeds[i]`` (all of one shape); an arm is (loss, learning rate). A seed fixes
    the initialization and the minibatch order of all its arms (common random numbers).

    Returns
    -------
    torch.Tensor
        Shape (seeds, arms, checkpoints, 2): error in % and mean NLL on the held-out part.
    """
    return held_out_curves(splits, seeds, arms, schedule).mean(-2)


def held_out_curves(splits: Sequence[Split], seeds: Sequence[int], arms: Sequence[tuple[str, float]],
                    schedule: Schedule) -> torch.Tensor:
    """As :func:`train`, per held-out example: shape (seeds, arms, checkpoints, held-out examples, 2)."""
    runs = [(i, a) for i in range(len(seeds)) for a in range(len(arms))]
    which = [i for i, _ in runs]
    names = [arms[a][0] for _, a in runs]
    device = splits[0].x_train.device
    x = torch.stack([splits[i].x_train for i in which])
    y = torch.stack([splits[i].y_train for i in which])
    inits = [_init(s, x.shape[-1], schedule.hidden, splits[0].classes) for s in seeds]
    params = [torch.stack([inits[i][k] for i in which]).to(device).requires_grad_() for k in range(4)]
    opt = RunAdam(params, torch.tensor([arms[a][1] for _, a in runs], device=device))
    n = x.shape[1]
    per_epoch = math.ceil(n / schedule.batch)
    total = schedule.epochs * per_epoch
    at = {round(total * (j + 1) / schedule.checkpoints): j for j in range(schedule.checkpoints)}
    rngs = [np.random.default_rng([s, 2]) for s in seeds]
    out = torch.empty(len(runs), schedule.checkpoints, len(splits[0].y_held), 2)
    for step in range(total):
        if step % per_epoch == 0:
            perm = torch.as_tensor(np.stack([r.permutation(n) for r in rngs]), device=device)[which]
        idx = perm[:, (step % per_epoch) * schedule.batch:][:, :schedule.batch]
        xb = x.gather(1, idx.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        _per_loss(names, _forward(params, xb), y.gather(1, idx), "nll").sum().backward()
        opt.step()
        if step + 1 in at:
            out[:, at[step + 1]] = _held_out(params, splits, which, names)
    return out.view(len(seeds), len(arms), *out.shape[1:])


def _held_out(params: Sequence[torch.Tensor], splits: Sequence[Split], which: Sequence[int],
              names: Sequence[str]) -> torch.Tensor:
    with torch.no_grad():
        o = _forward(params, torch.stack([splits[i].x_held for i in which]))
        return _per_example(names, o, torch.stack([splits[i].y_held for i in which])).cpu()


def sweep(split: Split, seed: int, losses: Sequence[str], schedule: Schedule) -> dict[str, Setting]:
    """Per loss, the (learning rate, checkpoint) with the lowest validation error on ``split``'s held-out part.

    Every loss gets the same grid (``schedule.lrs`` × checkpoints); ties go to the smaller rate, then to
    the earlier checkpoint.
    """
    arms = [(name, lr) for name in losses for lr in schedule.lrs]
    err = train([split], [seed], arms, schedule)[0, :, :, 0]
    out: dict[str, Setting] = {}
    for a, (name, lr) in enumerate(arms):
        j = int(torch.argmin(err[a]))
        if name not in out or float(err[a, j]) < out[name].val_error:
            out[name] = Setting(lr, j, float(err[a, j]))
    return out


def evaluate(splits: Sequence[Split], seeds: Sequence[int], settings: dict[str, Setting], schedule: Schedule,
             metric: str = "error") -> dict[str, list[float]]:
    """Per loss, the test ``metric`` ("error" in % or "nll") of each seed at the swept setting."""
    names = list(settings)
    res = train(splits, seeds, [(n, settings[n].lr) for n in names], schedule)
    col = 0 if metric == "error" else 1
    return {n: [float(res[i, a, settings[n].checkpoint, col]) for i in range(len(seeds))]
            for a, n in enumerate(names)}


#: The sweep split of an experiment is drawn with seed ``ctx.seed + SWEEP_OFFSET`` (never a test seed).
SWEEP_OFFSET = 1_000_003


def comparison(data: Callable[[int], Split], losses: Sequence[str], schedule: Schedule, seed: int,
               metric: str = "error") -> tuple[dict[str, Setting], Callable[[list[int]], list[dict[str, float]]]]:
    """The swept settings of ``losses`` and ``compute(seeds)``: each seed's test ``metric`` per loss.

    The sweep (:func:`sweep`) runs once, on the split of seed ``seed + SWEEP_OFFSET``; every test seed then
    trains each loss at its chosen rate and reads the chosen checkpoint.
    """
    settings = sweep(data(seed + SWEEP_OFFSET), seed + SWEEP_OFFSET, list(dict.fromkeys(losses)), schedule)

    def compute(seeds: list[int]) -> list[dict[str, float]]:
        res = evaluate([data(s) for s in seeds], seeds, settings, schedule, metric)
        return [{n: res[n][i] for n in settings} for i in range(len(seeds))]

    return settings, compute




def halves(y: torch.Tensor, seed: int) -> torch.Tensor:
    """A random stratified half of the examples with labels ``y`` (a boolean mask; the rest is the other half)."""
    rng = np.random.default_rng([seed, 3])
    labels = y.cpu().numpy()
    mask = np.zeros(labels.size, dtype=bool)
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        mask[idx[: (idx.size + rng.integers(2)) // 2]] = True
    return torch.as_tensor(mask, device=y.device)


@dataclass(frozen=True)
class Scored:
    """One seed's cross-fitted test error (%) and NLL per loss, and the (first half, second half) settings."""

    error: dict[str, float]
    nll: dict[str, float]
    chosen: dict[str, tuple[Setting, Setting]]


#: Scored seeds already computed in this process, by (data key, losses, schedule, seed).
_SCORED: dict[tuple[object, ...], Scored] = {}


@dataclass(frozen=True)
class CrossFitted:
    """Each seed's test metrics per loss, with the validation sweep run inside the seed (two-fold cross-fitting).

    Every (loss, learning rate of ``schedule.lrs``) is trained on the seed's training part; the held-out part is
    cut into two stratified halves (:func:`halves`); each loss's (learning rate, checkpoint) with the lowest error
    on one half (ties: smaller rate, then earlier checkpoint) is scored on the other half, and the other way
    round; the seed's metric is the mean over all held-out examples, each scored at the setting chosen on the
    half it is not in. So every source of randomness (split, initialization, minibatch order, the sweep's
    choice) varies from seed to seed, and a paired interval over seeds covers it.

    Seeds are trained in fixed blocks (seeds ``b·block … b·block + block − 1``, every loss and rate in one
    batch), so a seed's numbers do not depend on which other seeds were asked for (bit for bit), and the blocks
    are kept for the process under ``key`` (which names ``data``): controls and seed sweeps reuse them.
    """

    data: Callable[[int], Split]
    key: str
    losses: tuple[str, ...]
    schedule: Schedule
    block: int = 5

    def __call__(self, seeds: Sequence[int]) -> list[Scored]:
        for first in sorted({self.block * (s // self.block) for s in seeds}):
            if self._key(first) not in _SCORED:
                self._train_block(list(range(first, first + self.block)))
        return [_SCORED[self._key(s)] for s in seeds]

    def _key(self, seed: int) -> tuple[object, ...]:
        return (self.key, self.losses, self.schedule, seed)

    def _train_block(self, seeds: list[int]) -> None:
        splits = [self.data(s) for s in seeds]
        arms = [(name, lr) for name in self.losses for lr in self.schedule.lrs]
        curves = held_out_curves(splits, seeds, arms, self.schedule)
        for i, (seed, split) in enumerate(zip(seeds, splits)):
            _SCORED[self._key(seed)] = self._score(halves(split.y_held, seed).cpu(), curves[i])

    def _score(self, first: torch.Tensor, curves: torch.Tensor) -> Scored:
        """A seed's scores from its per-example curves (arms, checkpoints, examples, 2) and its first half."""
        rates = len(self.schedule.lrs)
        scores: dict[str, torch.Tensor] = {}
        chosen: dict[str, tuple[Setting, Setting]] = {}
        for k, name in enumerate(self.losses):
            block = curves[k * rates:(k + 1) * rates]  # (rates, checkpoints, examples, 2)
            picks = []
            total = torch.zeros(2, dtype=torch.float64)
            for val in (first, ~first):
                err = block[:, :, val, 0].mean(-1)
                r, j = divmod(int(torch.argmin(err.flatten())), err.shape[1])  # first minimum: smaller rate, epoch
                picks.append(Setting(self.schedule.lrs[r], j, float(err[r, j])))
                total += block[r, j, ~val].double().sum(0)
            scores[name] = total / first.numel()
            chosen[name] = (picks[0], picks[1])
        return Scored({n: float(v[0]) for n, v in scores.items()}, {n: float(v[1]) for n, v in scores.items()},
                      chosen)
