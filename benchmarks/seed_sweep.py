r"""False-failure rate of the suite: every true claim at its defaults under many seeds (quick profile).

A claim that holds must never come out refuted (or error, or inconclusive) because of the seed. This
script runs each claim expected to hold at its defaults under seeds ``0..seeds-1`` (optionally also
every negative control, which must come out refuted), in parallel worker processes (``spawn``), and
writes ``benchmarks/results/seed_sweep.json``: per claim the seeds run, the verdict counts and every
failure with its seed and reasons. It prints the measured false-failure rate (failed runs / runs).

Usage::

    python benchmarks/seed_sweep.py [--seeds 50] [--workers 2] [--controls] [--claims ID ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import summarize as regenerate_results_md  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

_CATALOGUE: Any = None


def _init_worker() -> None:
    """One torch thread per worker process (the workers already use every core)."""
    import torch

    torch.set_num_threads(1)


def run_one(task: tuple[str, str | None, int]) -> dict[str, Any]:
    """Run one claim (or one of its negative controls) under one seed; a plain record of the outcome."""
    global _CATALOGUE
    from verifiers import collect, profile
    from verifiers.runner import run_claim

    if _CATALOGUE is None:
        _CATALOGUE = collect()
    claim_id, control_name, seed = task
    claim = _CATALOGUE.get(claim_id)
    control = claim.control(control_name)
    result = run_claim(claim, budget=profile("quick"), seed=seed, control=control)
    failing = [f"{e.method}: {e.verdict}: {e.reason}" for e in result.evidence
               if (e.verdict == "refuted") != (control is not None) or e.verdict == "error"]
    return {"claim": claim_id, "control": control_name, "seed": seed, "verdict": result.verdict,
            "passed": result.passed, "seconds": round(result.seconds, 3),
            "reasons": [] if result.passed else failing}


def tasks(seeds: int, controls: bool, only: list[str] | None) -> list[tuple[str, str | None, int]]:
    """(claim, control, seed) for every true claim (and its controls), seed-major for early coverage."""
    from verifiers import collect

    catalogue = collect()
    claims = [c for c in catalogue.claims if c.expect == "holds" and (not only or c.id in only)]
    runs: list[tuple[str, str | None, int]] = []
    for seed in range(seeds):
        for c in claims:
            runs.append((c.id, None, seed))
            if controls:
                runs += [(c.id, nc.name, seed) for nc in c.negative_controls]
    return runs


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per run key: seeds, verdict counts, seconds and failures (with seeds and reasons)."""
    keys: dict[str, dict[str, Any]] = {}
    for r in sorted(records, key=lambda r: (r["claim"], r["control"] or "", r["seed"])):
        key = r["claim"] if r["control"] is None else f"{r['claim']}[{r['control']}]"
        entry = keys.setdefault(key, {"claim": r["claim"], "control": r["control"],
                                      "expected": "holds" if r["control"] is None else "refuted",
                                      "seeds": [], "verdicts": Counter(), "seconds": 0.0, "failures": []})
        entry["seeds"].append(r["seed"])
        entry["verdicts"][r["verdict"]] += 1
        entry["seconds"] = round(entry["seconds"] + r["seconds"], 3)
        if not r["passed"]:
            entry["failures"].append({"seed": r["seed"], "verdict": r["verdict"], "reasons": r["reasons"]})
    for entry in keys.values():
        entry["verdicts"] = dict(entry["verdicts"])
    return keys


def main(argv: list[str] | None = None) -> int:
    """Run the sweep, write the JSON file and print the measured false-failure rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="seeds 0..N-1 (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--controls", action="store_true", help="also run every negative control")
    parser.add_argument("--claims", nargs="*", default=None, help="only these claim ids")
    parser.add_argument("--out", type=Path, default=RESULTS / "seed_sweep.json")
    args = parser.parse_args(argv)

    todo = tasks(args.seeds, args.controls, args.claims)
    per_seed = len(todo) // args.seeds
    start = time.perf_counter()
    records: list[dict[str, Any]] = []
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn"), initializer=_init_worker) as pool:
        for i, record in enumerate(pool.map(run_one, todo, chunksize=1), 1):
            records.append(record)
            if not record["passed"]:
                print(f"FAIL {record['claim']}[{record['control'] or 'defaults'}] seed {record['seed']}: "
                      f"{record['verdict']}: {'; '.join(record['reasons'])}", flush=True)
            if i % per_seed == 0:  # runs are seed-major: every seed so far is complete, so save them
                document = _document(records, i // per_seed, args, time.perf_counter() - start)
                print(f"{i}/{len(todo)} runs, {document['wall_seconds']:.0f} s", flush=True)
                if i < len(todo):
                    _write(document, args.out, render=False)
    _write(document, args.out, render=True)
    print(f"true claims: {document['false_failures']} false failures in {document['true_claim_runs']} runs "
          f"(rate {document['false_failure_rate']:.4g}); wall {document['wall_seconds']:.0f} s; written to {args.out}")
    if document["control_runs"]:
        print(f"negative controls: {document['control_misses']} not refuted in {document['control_runs']} runs")
    return 1 if document["false_failures"] else 0


def _document(records: list[dict[str, Any]], seeds: int, args: argparse.Namespace, wall: float) -> dict[str, Any]:
    """The results document of the first ``seeds`` seeds (all complete)."""
    true_runs = [r for r in records if r["control"] is None]
    false_failures = [r for r in true_runs if not r["passed"]]
    control_runs = [r for r in records if r["control"] is not None]
    return {
        "environment": {"python": sys.version.split()[0], "platform": platform.platform(),
                        "cpus": os.cpu_count(), "workers": args.workers,
                        "date": time.strftime("%Y-%m-%d %H:%M:%S")},
        "profile": "quick", "seeds": seeds, "controls": args.controls, "wall_seconds": round(wall, 1),
        "true_claim_runs": len(true_runs), "false_failures": len(false_failures),
        "false_failure_rate": len(false_failures) / len(true_runs) if true_runs else None,
        "control_runs": len(control_runs),
        "control_misses": sum(not r["passed"] for r in control_runs),
        "claims": summarize(records),
    }


def _write(document: dict[str, Any], out: Path, render: bool) -> None:
    """Write the results file (after every complete seed, so an interrupted sweep keeps its seeds)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    if render:
        regenerate_results_md()

if __name__ == "__main__":
    sys.exit(main())
