"""Throughput of the vectorized torch estimator of log Ẑ_k versus a per-sample NumPy/Python loop.

Both compute i.i.d. draws of :math:`\\log\\hat Z_k-\\log Z` on the sampled-softmax test
problem of ``claims/pu2026/sampling.py`` in one run: the torch version
(:func:`claims.pu2026.sampling.log_zhat_error`, batched, on ``--device``) and a
straightforward loop drawing one Ẑ_k at a time with ``numpy.random.Generator.choice``.

The two are timed in ``--rounds`` interleaved rounds (loop, then torch, in each
round) so that a change of machine load affects both alike; the speed-up is the
median over rounds of the ratio of rates. Torch is timed with each of ``--threads``
(default 1 and 2: the single core the loop uses, and two cores); the headline is the first.

Usage: ``.venv/bin/python benchmarks/throughput.py [--device cpu|cuda] [--k 16] [--draws 2000000] [--threads 1,2]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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


def time_torch(k: int, draws: int, device: str, batch: int, gen: torch.Generator) -> tuple[float, float]:
    """Seconds for ``draws`` vectorized draws and their sum."""
    s, q = design()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start, total, done = time.perf_counter(), 0.0, 0
    while done < draws:
        size = min(batch, draws - done)
        total += float(log_zhat_error(s, q, k, size, gen).sum())
        done += size
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start, total


def main(argv: list[str] | None = None) -> int:
    """Measure both estimators and write results/throughput.json (``throughput_<device>.json`` for cuda)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--k", type=int, default=16)
    parser.add_argument("--draws", type=int, default=2_000_000, help="vectorized draws")
    parser.add_argument("--loop-draws", type=int, default=20_000, help="per-sample loop draws")
    parser.add_argument("--batch", type=int, default=1 << 13, help="vectorized draws per call")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument("--threads", default="1,2", help="torch CPU thread counts to time, comma-separated")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda requested but torch sees no CUDA device")
    threads = [int(v) for v in args.threads.split(",")]
    s, q = design()
    rng = np.random.default_rng(0)
    gen = torch.Generator(device=args.device).manual_seed(0)
    log_zhat_error(s, q, args.k, args.batch, gen)  # warm-up
    loop_n, torch_n = args.loop_draws // args.rounds, args.draws // args.rounds
    rounds: list[dict[str, Any]] = []
    loop_sum, torch_sums = 0.0, dict.fromkeys(threads, 0.0)
    for _ in range(args.rounds):
        start = time.perf_counter()
        loop_sum += float(loop_estimator(s.numpy(), q.numpy(), args.k, loop_n, rng).sum())
        row: dict[str, Any] = {"loop_seconds": time.perf_counter() - start}
        for th in threads:
            torch.set_num_threads(th)
            seconds, part = time_torch(args.k, torch_n, args.device, args.batch, gen)
            torch_sums[th] += part
            row[f"torch_seconds_{th}"] = seconds
            row[f"ratio_{th}"] = (torch_n / seconds) / (loop_n / row["loop_seconds"])
        rounds.append(row)
    loop_s = sum(r["loop_seconds"] for r in rounds)
    rows = [{"name": "per-sample NumPy loop (cpu)", "draws": loop_n * args.rounds, "seconds": loop_s,
             "rate": loop_n * args.rounds / loop_s, "mean": loop_sum / (loop_n * args.rounds), "speedup": 1.0}]
    for th in threads:
        seconds = sum(r[f"torch_seconds_{th}"] for r in rounds)
        rows.append({"name": f"vectorized torch ({args.device}, {th} thread{'s' if th > 1 else ''})",
                     "threads": th, "draws": torch_n * args.rounds, "seconds": seconds,
                     "rate": torch_n * args.rounds / seconds, "mean": torch_sums[th] / (torch_n * args.rounds),
                     "speedup": statistics.median(r[f"ratio_{th}"] for r in rounds)})
    speedup = rows[1]["speedup"]
    name = "throughput" if args.device == "cpu" else f"throughput_{args.device}"
    path = write(name, {"device": args.device, "k": args.k, "n": int(s.numel()), "rows": rows,
                        "speedup": speedup, "rounds": rounds, "batch": args.batch,
                        "sampler": "alias method, one float64 uniform per index",
                        "environment": environment(args.device)})
    for r in rows:
        print(f"{r['name']:36} {r['rate']:>14,.0f} draws/s  (mean {r['mean']:+.4f}; {r['speedup']:.0f}x)")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
