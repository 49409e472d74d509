"""Throughput of the vectorized torch estimator of log Ẑ_k versus a per-sample NumPy/Python loop.

Both compute i.i.d. draws of :math:`\\log\\hat Z_k-\\log Z` on the sampled-softmax test
problem of ``claims/pu2026/sampling.py`` in one run: the torch version
(:func:`claims.pu2026.sampling.log_zhat_error`, batched, on ``--device``) and a
straightforward loop drawing one Ẑ_k at a time with ``numpy.random.Generator.choice``.

Usage: ``.venv/bin/python benchmarks/throughput.py [--device cpu|cuda] [--k 16] [--draws 2000000]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import environment, write  # noqa: E402

from claims.pu2026.sampling import design, log_zhat_error  # noqa: E402


def loop_estimator(s: np.ndarray, q: np.ndarray, k: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """The baseline: ``m`` draws of log Ẑ_k − log Z, one sample at a time."""
    log_z = np.log(np.exp(s).sum())
    out = np.empty(m)
    for i in range(m):
        idx = rng.choice(len(q), size=k, p=q)
        w = np.exp(s[idx]) / q[idx]
        out[i] = np.log(w.mean()) - log_z
    return out


def time_torch(k: int, draws: int, device: str, batch: int) -> tuple[float, float]:
    """Seconds for ``draws`` vectorized draws (after a warm-up) and their mean."""
    s, q = design()
    gen = torch.Generator(device=device).manual_seed(0)
    log_zhat_error(s, q, k, min(batch, draws), gen)  # warm-up
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start, total, done = time.perf_counter(), 0.0, 0
    while done < draws:
        size = min(batch, draws - done)
        total += float(log_zhat_error(s, q, k, size, gen).sum())
        done += size
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start, total / draws


def main(argv: list[str] | None = None) -> int:
    """Measure both estimators and write results/throughput.json (``throughput_<device>.json`` for cuda)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--k", type=int, default=16)
    parser.add_argument("--draws", type=int, default=2_000_000, help="vectorized draws")
    parser.add_argument("--loop-draws", type=int, default=20_000, help="per-sample loop draws")
    parser.add_argument("--batch", type=int, default=1 << 15)
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda requested but torch sees no CUDA device")
    s, q = design()
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    loop = loop_estimator(s.numpy(), q.numpy(), args.k, args.loop_draws, rng)
    loop_s = time.perf_counter() - start
    torch_s, torch_mean = time_torch(args.k, args.draws, args.device, args.batch)
    rows = [{"name": "per-sample NumPy loop (cpu)", "draws": args.loop_draws, "seconds": loop_s,
             "rate": args.loop_draws / loop_s, "mean": float(loop.mean())},
            {"name": f"vectorized torch ({args.device})", "draws": args.draws, "seconds": torch_s,
             "rate": args.draws / torch_s, "mean": torch_mean}]
    speedup = rows[1]["rate"] / rows[0]["rate"]
    name = "throughput" if args.device == "cpu" else f"throughput_{args.device}"
    path = write(name, {"device": args.device, "k": args.k, "n": int(s.numel()), "rows": rows,
                        "speedup": speedup, "environment": environment(args.device)})
    for r in rows:
        print(f"{r['name']:32} {r['rate']:>14,.0f} draws/s  (mean {r['mean']:+.4f})")
    print(f"speed-up {speedup:.0f}x; wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
