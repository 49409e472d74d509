"""Samples used by the sequential design versus a fixed-sample design on the suite's Monte Carlo claims.

Every claim with a ``montecarlo`` check is run (defaults and each negative
control, that check only) for a few seeds and profiles. Checks built on
:func:`verifiers.sequential.sequential_compare` record ``samples`` used; a fixed
design spends the profile's whole budget (``max_samples``, in the check's own unit:
draws per grid point for the rate fits). Claims whose check records no sequential
statistics are listed as not converted. Totals are given per profile and per claim.

Usage: ``.venv/bin/python benchmarks/sequential_samples.py [--profiles quick,standard,thorough] [--seeds 3]``
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import environment, write  # noqa: E402

from verifiers import Context, collect, profile  # noqa: E402
from verifiers.montecarlo import CHECK_ALPHA, Z_CRIT  # noqa: E402
from verifiers.runner import derive_seed, run_check  # noqa: E402


def run_one(c: Any, control: Any, prof: str, seed: int) -> dict[str, Any]:
    """The Monte Carlo check of one claim run; its sample statistics."""
    params = {**c.defaults(), **(control.params if control else {})}
    name = control.name if control else None
    ctx = Context(c.id, params, profile(prof), derive_seed(seed, c.id, "montecarlo", name or ""), "cpu", name,
                  run_seed=seed)
    ev = run_check(c.checks["montecarlo"], ctx, "montecarlo")
    s = ev.statistics
    key = c.id if name is None else f"{c.id}[{name}]"
    row: dict[str, Any] = {"key": key, "profile": prof, "seed": seed, "verdict": ev.verdict,
                           "seconds": ev.seconds, "sequential": bool(s.get("sequential"))}
    if row["sequential"]:
        sigma = s["se"] * math.sqrt(s["samples"])
        if s.get("equivalence"):  # the half-width that decides: distance from the estimate to the band's edge
            needed = abs(s["distance_to_edge"])
        else:
            needed = s["resolution"]
        oracle = math.ceil((Z_CRIT * sigma / needed) ** 2) if needed > 0 else s["max_samples"]
        row.update(samples=int(s["samples"]), max_samples=int(s["max_samples"]), looks=s["looks"],
                   max_looks=s["max_looks"], oracle_fixed=int(oracle), power=s.get("power"),
                   unit=s.get("unit", "draws"))
    return row


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write results/sequential_samples.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="quick,standard,thorough")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    mc_claims = [c for c in collect().claims if "montecarlo" in c.checks]
    runs: list[dict[str, Any]] = []
    not_sequential: list[str] = []
    for c in mc_claims:
        probe = run_one(c, None, "quick", 0)
        if not probe["sequential"]:
            not_sequential.append(c.id)
            print(f"{c.id}: fixed design (not converted)", file=sys.stderr)
            continue
        for prof in args.profiles.split(","):
            for seed in range(args.seeds):
                for nc in (None, *c.negative_controls):
                    row = run_one(c, nc, prof, seed)
                    print(f"{prof:9} {row['key']:45} seed {seed}: {row['verdict']:12} {row.get('samples')}",
                          file=sys.stderr)
                    runs.append(row)
    profiles = []
    for prof in args.profiles.split(","):
        rows = [r for r in runs if r["profile"] == prof and r["sequential"]]
        if not rows:
            continue
        seq_n, fixed_n, oracle_n = (sum(r[k] for r in rows) for k in ("samples", "max_samples", "oracle_fixed"))
        profiles.append({"profile": prof, "runs": len(rows), "sequential": seq_n, "fixed": fixed_n,
                         "ratio": fixed_n / seq_n, "oracle_fixed": oracle_n, "ratio_oracle": oracle_n / seq_n})
    per_claim = []
    for prof in args.profiles.split(","):
        for cid in dict.fromkeys(r["key"].split("[")[0] for r in runs if r["profile"] == prof and r["sequential"]):
            rows = [r for r in runs if r["profile"] == prof and r["sequential"] and r["key"].split("[")[0] == cid]
            seq_n, fixed_n = sum(r["samples"] for r in rows), sum(r["max_samples"] for r in rows)
            per_claim.append({"profile": prof, "claim": cid, "runs": len(rows), "sequential": seq_n,
                              "fixed": fixed_n, "ratio": fixed_n / seq_n, "unit": rows[0]["unit"]})
    path = write("sequential_samples", {"alpha": CHECK_ALPHA, "seeds": args.seeds, "profiles": profiles,
                                        "per_claim": per_claim,
                                        "runs": runs, "not_sequential": not_sequential,
                                        "environment": environment()})
    for p in profiles:
        print(f"{p['profile']}: sequential {p['sequential']:,} vs fixed {p['fixed']:,} draws "
              f"({p['ratio']:.1f}x fewer; oracle fixed {p['oracle_fixed']:,})")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
