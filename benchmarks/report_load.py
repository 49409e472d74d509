"""How fast the full-suite report opens in headless Chromium (target: under 2 seconds).

Renders ``report/results.json`` (or runs ``claims report --profile quick`` into a temporary folder
when it is missing), opens ``index.html`` in headless Chromium several times and reads the time of
the page's ``load`` event, which the report's own script records as ``data-load-ms``. Writes
``benchmarks/results/report_load.json``.

Usage: ``.venv/bin/python benchmarks/report_load.py [--results PATH] [--rounds N]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import summarize as regenerate_results_md  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--dump-dom")


def results_file(given: Path | None, scratch: Path) -> Path:
    """An existing results.json, or a fresh quick-profile one."""
    if given is not None:
        return given
    subprocess.run([sys.executable, "-m", "verifiers.cli", "report", "--profile", "quick", "--out", str(scratch),
                    "--skip-mutants", "--jobs", "1"], cwd=ROOT)  # exit 1 when a run is not as expected: still render
    return scratch / "results.json"


def open_once(page: Path, profile_dir: Path) -> tuple[int, float]:
    """(load-event milliseconds reported by the page, wall seconds of the whole browser run)."""
    start = time.perf_counter()
    out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True)
    wall = time.perf_counter() - start
    return int(re.search(r'data-load-ms="(\d+)"', out.stdout).group(1)), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="a results.json to render (default: run the quick profile)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from reports import render
    from verifiers.results import benchmarks

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        doc = json.loads(results_file(args.results, scratch / "run").read_text(encoding="utf-8"))
        doc.setdefault("benchmarks", benchmarks())
        page = scratch / "index.html"
        page.write_text(render(doc), encoding="utf-8")
        size = page.stat().st_size
        runs = [open_once(page, scratch / f"profile{i}") for i in range(args.rounds)]
    load = [ms for ms, _ in runs]
    record = {"claims": len(doc.get("claims", [])), "runs": len(doc.get("results", [])),
              "html_bytes": size,
              "load_event_ms": load, "median_load_event_ms": statistics.median(load),
              "browser_wall_seconds": [round(w, 3) for _, w in runs], "target_ms": 2000,
              "environment": {"load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
                              "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}}
    out = ROOT / "benchmarks" / "results" / "report_load.json"
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    regenerate_results_md()
    print(f"median load event {record['median_load_event_ms']} ms over {args.rounds} opens "
          f"({record['claims']} claims); written to {out}")


if __name__ == "__main__":
    main()
