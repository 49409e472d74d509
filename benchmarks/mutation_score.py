"""Mutation score of the machinery and the shared implementations, measured with mutmut.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/mutation_score.py [--children 2] [--only verifiers/sequential.py ...]

Copies the working tree into a scratch folder, configures mutmut there (the modules of
:data:`TARGETS`, the tests under ``tests/verifiers`` and ``tests/claims`` at the quick
profile), runs it, and writes ``results/mutation.json`` and the RESULTS.md section: the
score, and every surviving mutant with its diff. Mutants listed in
``mutation_equivalent.json`` (name -> why it cannot change any result) are left out of
the denominator; each entry says why. Nothing in the working tree is modified except
the results files.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, environment, write

REPO = ROOT.parent
#: The modules mutated: the machinery and the shared implementations of each source.
TARGETS = (
    "verifiers/sequential.py", "verifiers/montecarlo.py", "verifiers/property.py", "verifiers/symbolic.py",
    "verifiers/empirical.py", "verifiers/strategies.py", "verifiers/model.py", "verifiers/params.py",
    "verifiers/runner.py", "verifiers/collect.py", "verifiers/quotes.py", "verifiers/budget.py",
    "claims/pu2026/maps.py", "claims/pu2026/sampling.py", "claims/pu2026/risk.py", "claims/pu2026/nce_math.py",
    "claims/pu2026/output_layers.py", "claims/dbv2016/spherical.py", "claims/cs231n/losses.py",
)
EQUIVALENT = ROOT / "mutation_equivalent.json"
MUTMUT = Path(sys.executable).with_name("mutmut")


def scratch_copy() -> Path:
    """The tracked and untracked-but-not-ignored files of the working tree, in a fresh folder."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    target = Path(tempfile.mkdtemp(prefix="mutation-"))
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def configure(folder: Path, targets: list[str]) -> None:
    """Append the mutmut configuration to the scratch copy's pyproject.toml."""
    config = f"""
[tool.mutmut]
source_paths = ["verifiers/", "claims/"]
only_mutate = {json.dumps(targets)}
pytest_add_cli_args_test_selection = ["tests/verifiers", "tests/claims"]
pytest_add_cli_args = ["-p", "no:randomly", "-x", "-q", "--claims-profile", "quick"]
"""
    with (folder / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(config)


def results(folder: Path) -> dict[str, str]:
    """Mutant name -> status, from ``mutmut results --all true``."""
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=folder, capture_output=True, text=True)
    found = re.findall(r"^\s*(\S+__mutmut_\d+): (.+)$", out.stdout, flags=re.M)
    return {name: status.strip() for name, status in found}


def diff(folder: Path, name: str) -> str:
    """The mutant's diff, as ``mutmut show`` prints it."""
    out = subprocess.run([str(MUTMUT), "show", name], cwd=folder, capture_output=True, text=True)
    return "\n".join(line for line in out.stdout.splitlines() if line.startswith(("-", "+")) and
                     not line.startswith(("---", "+++")))


def score(statuses: dict[str, str], equivalent: dict[str, str]) -> dict[str, Any]:
    """Counts per status and the score over the non-equivalent mutants."""
    counted = {n: s for n, s in statuses.items() if n not in equivalent}
    killed = sum(s == "killed" for s in counted.values())
    by_status: dict[str, int] = {}
    for status in statuses.values():
        by_status[status] = by_status.get(status, 0) + 1
    return {"mutants": len(statuses), "equivalent": len(statuses) - len(counted), "killed": killed,
            "non_equivalent": len(counted), "score": killed / len(counted) if counted else 1.0,
            "by_status": by_status}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=2, help="parallel mutmut workers")
    parser.add_argument("--only", nargs="*", default=list(TARGETS), help="modules to mutate (default: all targets)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if not MUTMUT.exists():
        raise SystemExit("mutmut is not installed: .venv/bin/pip install -e '.[bench]'")
    folder = scratch_copy()
    configure(folder, args.only)
    start = time.perf_counter()
    subprocess.run([str(MUTMUT), "run", "--max-children", str(args.children)], cwd=folder,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    statuses = results(folder)
    equivalent = json.loads(EQUIVALENT.read_text(encoding="utf-8")) if EQUIVALENT.exists() else {}
    survivors = [{"name": n, "status": s, "diff": diff(folder, n)} for n, s in sorted(statuses.items())
                 if s != "killed" and n not in equivalent]
    data = {"environment": environment(), "targets": args.only, "wall_seconds": time.perf_counter() - start,
            **score(statuses, equivalent), "survivors": survivors,
            "equivalent_mutants": {n: equivalent[n] for n in sorted(equivalent) if n in statuses}}
    write("mutation", data)
    print(f"{data['killed']}/{data['non_equivalent']} non-equivalent mutants killed ({100 * data['score']:.1f} %); "
          f"{len(survivors)} survivors listed in benchmarks/results/mutation.json")
    if args.keep:
        print(f"scratch folder: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
