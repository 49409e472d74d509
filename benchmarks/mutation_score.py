"""Mutation score of the machinery and the shared implementations, measured with mutmut.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/mutation_score.py [--group verifiers pu2026-sampling ...] [--only MODULE ...]
    .venv/bin/python benchmarks/mutation_score.py --listed-bugs      # the hand-written bugs of issue 11 only

Each target group (:data:`GROUPS`) pairs the modules it mutates with the tests that may kill
them: the fast unit tests under ``tests/verifiers`` for the machinery, and for a shared
implementation under ``claims/`` its unit tests and the claims of its source that use it. A
group is run in its own scratch copy of the working tree: tests that already fail on the
unmutated copy are deselected (and listed), mutmut is configured in the copy's
pyproject.toml and run with ``--max-children`` workers. mutmut runs, for each mutant, only the
selected tests that call the mutated function.

Results are kept per module in ``results/mutation.json`` (a run of some groups or modules
replaces only their entries) together with the RESULTS.md section: the score over every
target, every surviving mutant with its diff, and the table of :data:`LISTED_BUGS`, each
applied to a scratch copy and run against the tests said to kill it. Mutants listed in
``mutation_equivalent.json`` (name -> why it cannot change any result) are left out of the
denominator. *Killed* counts mutants that make a selected test fail or time out. Nothing in
the working tree is modified except the results files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from _common import ROOT, environment, write

REPO = ROOT.parent
EQUIVALENT = ROOT / "mutation_equivalent.json"
RESULT = ROOT / "results" / "mutation.json"
MUTMUT = Path(sys.executable).with_name("mutmut")
#: mutmut statuses that count as detected: a test failed, or the tests ran past mutmut's CPU-time limit.
DETECTED = ("killed", "timeout", "segfault")
_SLOW_VERIFIER_TESTS = ("test_cluster.py", "test_scaffold.py", "test_reproduce.py", "test_plugin.py", "test_cli.py",
                        "test_parallel.py", "test_determinism.py")


@dataclass(frozen=True)
class Group:
    """Modules mutated together and the pytest arguments selecting the tests that may kill them."""

    targets: tuple[str, ...]
    tests: tuple[str, ...]


def _claims(source: str, expression: str) -> tuple[str, ...]:
    """The pytest items of the claims of ``source`` whose id contains a word of ``"a or b or ..."`` (each claim and
    each of its negative controls), as node ids: a ``-k`` would also filter the group's other test files."""
    from verifiers import collect

    words = expression.split(" or ")
    chosen = [c for c in collect().claims if c.id.startswith(f"{source}/") and any(w in c.id for w in words)]
    test = f"tests/claims/test_{source}.py::test_{source}"
    return tuple(f"{test}[{c.id}{f'[{name}]' if name else ''}]" for c in chosen
                 for name in (None, *(nc.name for nc in c.negative_controls)))


_VERIFIER_TESTS = ("tests/verifiers", *(f"--ignore=tests/verifiers/{name}" for name in _SLOW_VERIFIER_TESTS))
_KILLS = "tests/claims/test_mutation_kills_{}.py"
GROUPS: dict[str, Group] = {
    "verifiers": Group(tuple(f"verifiers/{m}.py" for m in (
        "sequential", "montecarlo", "property", "symbolic", "empirical", "strategies", "model", "params", "runner",
        "collect", "quotes", "budget", "distribution", "experiment", "latex", "probe")), _VERIFIER_TESTS),
    "pu2026-sampling": Group(("claims/pu2026/sampling.py", "claims/pu2026/exact_moments.py",
                              "claims/pu2026/estimators.py"),
                             ("tests/claims/test_pu2026_sampling.py", "tests/claims/test_pu2026_estimators.py",
                              _KILLS.format("sampling"))),
    "pu2026-nce": Group(("claims/pu2026/nce_math.py",),
                        ("tests/claims/test_pu2026_population.py", "tests/claims/test_pu2026_sampling.py",
                         _KILLS.format("nce"))),
    "pu2026-risk": Group(("claims/pu2026/risk.py", "claims/pu2026/risk_newton.py"),
                         ("tests/claims/test_pu2026_risk.py", "tests/claims/test_pu2026_risk_newton.py",
                          "tests/claims/test_pu2026_calibration.py", _KILLS.format("risk"),
                          *_claims("pu2026", "calibration or consistency or population"))),
    "pu2026-ranking": Group(("claims/pu2026/ranking.py",),
                            ("tests/claims/test_pu2026_ranking.py", _KILLS.format("ranking"))),
    "pu2026-maps": Group(("claims/pu2026/maps.py", "claims/pu2026/output_layers.py"),
                         ("tests/claims/test_pu2026_maps.py", "tests/claims/test_pu2026_sparsemax_cost.py",
                          _KILLS.format("maps"),
                          *_claims("pu2026", "complexity or sparsemax-cost or sop or sparse-ties or jacobian-sparsemax "
                                             "or hard-negatives"))),
    "dbv2016-spherical": Group(("claims/dbv2016/spherical.py",),
                               ("tests/claims/test_dbv2016_spherical.py", _KILLS.format("spherical"))),
    "cs231n-losses": Group(("claims/cs231n/losses.py",),
                           ("tests/claims/test_cs231n_extra.py", "tests/claims/test_cs231n.py",
                            _KILLS.format("losses"))),
}
TARGETS = tuple(t for g in GROUPS.values() for t in g.targets)


@dataclass(frozen=True)
class ListedBug:
    """A realistic bug named in issue 11: text substitutions ``(path, old, new)`` and the tests said to kill it."""

    bug: str
    edits: tuple[tuple[str, str, str], ...]
    killers: tuple[str, ...]


_POWER = "tests/verifiers/test_power.py::"
_SEQ = "tests/verifiers/test_mutation_kills_sequential.py::"
#: The bugs issue 11 lists, each applied by hand (mutmut mutates function bodies only, not module constants or
#: decorated functions such as ``Design.z`` and the ``logits`` strategy) and run against its killing tests.
LISTED_BUGS: tuple[ListedBug, ...] = (
    ListedBug("one-sided critical value in Design.z",
              (("verifiers/sequential.py", "float(sps.norm.isf(a / 2))", "float(sps.norm.isf(a))"),),
              (f"{_POWER}test_critical_values_are_two_sided", f"{_SEQ}test_design_looks_and_bonferroni_levels")),
    ListedBug("one-sided critical value in Z_CRIT",
              (("verifiers/montecarlo.py", "Z_CRIT = float(sps.norm.isf(CHECK_ALPHA / 2))",
                "Z_CRIT = float(sps.norm.isf(CHECK_ALPHA))"),),
              (f"{_POWER}test_critical_values_are_two_sided",
               "tests/verifiers/test_mutation_kills_montecarlo.py::test_the_error_budget_constants")),
    ListedBug("supported once half-width <= 2 * resolution",
              (("verifiers/sequential.py", "abs(est.value - claimed) + half <= resolution", "half <= 2 * resolution"),
               ("verifiers/sequential.py", "if abs(diff) + half <= resolution:", "if half <= 2 * resolution:")),
              (f"{_POWER}test_sequential_support_needs_the_interval_inside_claimed_plus_minus_resolution",)),
    ListedBug("upper_bound tolerance 1000x looser (1e-6)",
              (("verifiers/property.py", "tol: float = 1e-9,", "tol: float = 1e-6,"),),
              (f"{_POWER}test_upper_bound_tolerance_is_tight",)),
    ListedBug("symbolic tolerance 1000x looser (1e-9)",
              (("verifiers/symbolic.py", "_NUMERIC_TOL = 1e-12", "_NUMERIC_TOL = 1e-9"),),
              (f"{_POWER}test_symbolic_bounds_are_exact_to_1e_12",
               "tests/verifiers/test_mutation_kills_symbolic.py::test_bounded_by_tolerance_is_1e_12_both_ways")),
    ListedBug("MIN_VALID_FRACTION = 0.05",
              (("verifiers/property.py", "MIN_VALID_FRACTION = 0.5", "MIN_VALID_FRACTION = 0.05"),),
              (f"{_POWER}test_most_rejected_inputs_make_a_search_inconclusive",
               "tests/verifiers/test_mutation_kills_property.py::test_no_violation_needs_half_of_the_budget_valid")),
    ListedBug("fit_line weights 1/se instead of 1/se^2",
              (("verifiers/montecarlo.py", "w = 1.0 / np.asarray(se, dtype=np.float64) ** 2",
                "w = 1.0 / np.asarray(se, dtype=np.float64)"),),
              (f"{_POWER}test_fit_line_weights_are_inverse_variances",
               "tests/verifiers/test_mutation_kills_montecarlo.py::"
               "test_fit_line_is_weighted_least_squares_with_its_covariance")),
    ListedBug("symbolic witness sampler never draws negatives",
              (("verifiers/symbolic.py", "return magnitude if rng.random() < 0.5 else -magnitude",
                "return magnitude"),),
              (f"{_POWER}test_the_symbolic_witness_sampler_draws_both_signs",
               "tests/verifiers/test_mutation_kills_symbolic.py::"
               "test_real_samples_are_hundredths_up_to_four_with_the_right_signs")),
    ListedBug("logits without injected ties",
              (("verifiers/strategies.py", 'if family in ("uniform", "small-integers") and n >= 2 and '
                'draw(st.booleans()):', "if False:"),),
              ("tests/verifiers/test_mutation_kills_strategies.py::test_uniform_logits_get_injected_ties",)),
    ListedBug("logits without the ties family",
              (("verifiers/strategies.py", '"one-large", "ties", "near-one-hot"', '"one-large", "near-one-hot"'),),
              ("tests/verifiers/test_mutation_kills_strategies.py::test_the_default_families_are_the_documented_ones",)),
    ListedBug("examples capped at 3 (risk.scaled)",
              (("claims/pu2026/risk.py", "examples=max(1, round(ctx.budget.examples * share))",
                "examples=min(3, round(ctx.budget.examples * share))"),),
              ("tests/claims/test_pu2026_risk.py",)),
    ListedBug("examples capped at 3 (property searches)",
              (("verifiers/property.py", "max_examples=examples or ctx.budget.examples",
                "max_examples=min(3, examples or ctx.budget.examples)"),),
              (f"{_POWER}test_a_search_spends_the_profiles_examples",
               "tests/verifiers/test_mutation_kills_property.py::test_search_settings_are_reproducible_and_complete")),
    ListedBug("irreducible_term with k instead of 1+k",
              (("claims/pu2026/nce_math.py", "return (1.0 + k) * skewed_js(", "return k * skewed_js("),),
              ("tests/claims/test_pu2026_sampling.py::test_irreducible_term_is_one_plus_k_times_the_skewed_js",)),
    ListedBug("λ(ξ) series used far outside its range (|ξ| < 1)",
              (("claims/dbv2016/spherical.py", "LAMBDA_SERIES_BELOW = 1e-4", "LAMBDA_SERIES_BELOW = 1.0"),),
              ("tests/claims/test_dbv2016.py::test_dbv2016[dbv2016/bouchard-bound]",)),
    ListedBug("λ(ξ) series coefficient 1/192 instead of 1/96",
              (("claims/dbv2016/spherical.py", "LAMBDA_SERIES = (1 / 8, -1 / 96)",
                "LAMBDA_SERIES = (1 / 8, -1 / 192)"),),
              ("tests/claims/test_dbv2016.py::test_dbv2016[dbv2016/bouchard-bound]",)),
    ListedBug("DCG discount off by one (1/log2(2 + r))",
              (("claims/pu2026/ranking.py", "return 1.0 / np.log2(np.arange(2, n + 2))",
                "return 1.0 / np.log2(np.arange(3, n + 3))"),),
              ("tests/claims/test_pu2026_ranking.py::test_discounts_are_one_over_log2_of_one_plus_the_rank",)),
)


def scratch_copy(target: Path | None = None) -> Path:
    """The tracked and untracked-but-not-ignored files of the working tree, copied into ``target`` (or a new folder).

    Files are copied with their modification times, so mutmut regenerates the mutants of a
    module only when it changed since the last run in a reused folder.
    """
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    target = target or Path(tempfile.mkdtemp(prefix="mutation-"))
    for name in filter(None, files):
        source, copy = REPO / name, target / name
        if source.is_file() and not (copy.exists() and copy.stat().st_mtime == source.stat().st_mtime):
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target


def _pytest(folder: Path, args: list[str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run pytest on the copy in ``folder`` (its packages first on the path), one torch thread."""
    env = {**os.environ, "PYTHONPATH": str(folder), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           *args], cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)


def failing_tests(folder: Path, tests: tuple[str, ...]) -> list[str]:
    """Node ids of the selected tests that fail on the unmutated copy (they cannot kill anything)."""
    report = folder / "baseline.xml"
    _pytest(folder, [*tests, f"--junitxml={report}"])
    failed = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/") + ".py"
            failed.append(f"{module}::{case.get('name')}")
    return failed


def configure(folder: Path, targets: list[str], tests: list[str]) -> None:
    """Write the mutmut configuration into the scratch copy's pyproject.toml (replacing an earlier one)."""
    path = folder / "pyproject.toml"
    text = path.read_text(encoding="utf-8").split("\n[tool.mutmut]")[0]
    config = f"""
[tool.mutmut]
source_paths = ["verifiers/", "claims/"]
only_mutate = {json.dumps(targets)}
pytest_add_cli_args_test_selection = {json.dumps(tests)}
pytest_add_cli_args = ["-p", "no:randomly", "-q", "-p", "no:cacheprovider", "--claims-profile", "quick"]
"""
    path.write_text(text.rstrip("\n") + "\n" + config, encoding="utf-8")


def mutmut(folder: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a mutmut command in the scratch copy."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(MUTMUT), *args], cwd=folder, capture_output=True, text=True, env=env, **kwargs)


def statuses(folder: Path) -> dict[str, str]:
    """Mutant name -> status, from ``mutmut results --all true``."""
    found = re.findall(r"^\s*(\S+__mutmut_\d+): (.+)$", mutmut(folder, "results", "--all", "true").stdout, flags=re.M)
    return {name: status.strip() for name, status in found}


_DIFFS = """
import json, sys
from pathlib import Path
from mutmut.mutation.diff_apply import get_diff_for_mutant
names = json.loads(sys.stdin.read())
print(json.dumps({n: get_diff_for_mutant(n, path=Path(p)) for n, p in names.items()}))
"""


def diffs(folder: Path, names: list[str]) -> dict[str, str]:
    """The changed lines of each mutant (the ``-``/``+`` lines of ``mutmut show``), in one process."""
    if not names:
        return {}
    run = subprocess.run([sys.executable, "-c", _DIFFS], cwd=folder, capture_output=True, text=True, check=True,
                         input=json.dumps({n: module_of(n) for n in names}))
    return {name: "\n".join(line for line in text.splitlines()
                            if line.startswith(("-", "+")) and not line.startswith(("---", "+++")))
            for name, text in json.loads(run.stdout).items()}


def module_of(name: str) -> str:
    """The target file of a mutant name (``verifiers.sequential.x_f__mutmut_3`` -> ``verifiers/sequential.py``)."""
    dotted = name.split("__mutmut_")[0].rsplit(".", 1)[0]
    return dotted.replace(".", "/") + ".py"


def run_group(name: str, only: list[str], children: int, scratch: Path | None,
              mutants: list[str]) -> dict[str, Any]:
    """Run mutmut for one group (restricted to ``only`` modules if given); per-module results."""
    group = GROUPS[name]
    targets = [t for t in group.targets if not only or t in only]
    folder = scratch_copy(scratch / f"scratch-{name}" if scratch else None)
    start = time.perf_counter()
    tests = [a for a in group.tests if not a.startswith("tests/") or (folder / a.split("::")[0]).exists()]
    fingerprint = folder / "mutmut-config.json"
    stored = json.loads(fingerprint.read_text()) if fingerprint.exists() else None
    if mutants and stored and stored["targets"] == targets and stored["tests"] == tests:
        deselected = stored["deselected"]  # same selection: mutmut keeps its test map and the other verdicts
    else:
        if stored is None or stored["targets"] != targets or stored["tests"] != tests:
            # mutmut keeps the mutants and the test map of the previous configuration: start afresh.
            shutil.rmtree(folder / "mutants", ignore_errors=True)
        deselected = failing_tests(folder, tuple(tests))
    fingerprint.write_text(json.dumps({"targets": targets, "tests": tests, "deselected": deselected}))
    configure(folder, targets, [*tests, *(f"--deselect={t}" for t in deselected)])
    run = mutmut(folder, "run", "--max-children", str(children), *mutants)
    found = statuses(folder)
    if not found:
        raise SystemExit(f"mutmut produced no results for {name}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    modules: dict[str, Any] = {}
    for target in targets:
        mine = {n: s for n, s in found.items() if module_of(n) == target}
        modules[target] = {"group": name, "date": time.strftime("%Y-%m-%d %H:%M"), "statuses": mine,
                           "diffs": diffs(folder, [n for n, s in sorted(mine.items()) if s not in DETECTED])}
    if scratch is None:
        shutil.rmtree(folder, ignore_errors=True)
    return {"modules": modules, "wall_seconds": time.perf_counter() - start, "deselected": deselected,
            "tests": tests, "targets": targets}


def score(modules: dict[str, Any], equivalent: dict[str, str]) -> dict[str, Any]:
    """Counts per status, the score over the non-equivalent mutants, and the survivors with their diffs."""
    by_status: dict[str, int] = {}
    killed = counted = 0
    survivors = []
    for path in sorted(modules):
        entry = modules[path]
        for mutant, status in sorted(entry["statuses"].items(), key=lambda kv: _natural(kv[0])):
            by_status[status] = by_status.get(status, 0) + 1
            if mutant in equivalent:
                continue
            counted += 1
            if status in DETECTED:
                killed += 1
            else:
                survivors.append({"name": mutant, "module": path, "status": status,
                                  "diff": entry["diffs"].get(mutant, "")})
    total = sum(by_status.values())
    return {"mutants": total, "equivalent": total - counted, "killed": killed, "non_equivalent": counted,
            "score": killed / counted if counted else 1.0, "by_status": by_status, "survivors": survivors}


def _natural(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number)


def per_module(modules: dict[str, Any], equivalent: dict[str, str]) -> list[dict[str, Any]]:
    """One row per target module: mutants, equivalent, killed, survivors, score."""
    rows = []
    for path in sorted(modules):
        s = score({path: modules[path]}, equivalent)
        rows.append({"module": path, "group": modules[path]["group"], "mutants": s["mutants"],
                     "equivalent": s["equivalent"], "killed": s["killed"], "survivors": len(s["survivors"]),
                     "score": s["score"]})
    return rows


def check_listed_bugs() -> list[dict[str, Any]]:
    """Apply each listed bug to a fresh scratch copy and run the tests said to kill it (each must fail)."""
    folder = scratch_copy()
    killers = sorted({k for bug in LISTED_BUGS for k in bug.killers})
    baseline = _pytest(folder, killers, timeout=1800)
    shutil.rmtree(folder, ignore_errors=True)
    if baseline.returncode != 0:
        raise SystemExit(f"the killing tests fail on the unmutated tree:\n{baseline.stdout[-3000:]}")
    rows = []
    for bug in LISTED_BUGS:
        folder = scratch_copy()
        applied = True
        for path, old, new in bug.edits:
            text = (folder / path).read_text(encoding="utf-8")
            applied &= text.count(old) >= 1
            (folder / path).write_text(text.replace(old, new), encoding="utf-8")
        start = time.perf_counter()
        killed = {}
        for killer in bug.killers if applied else ():
            killed[killer] = _pytest(folder, ["-x", killer], timeout=900).returncode == 1
        rows.append({"bug": bug.bug, "edits": [list(e) for e in bug.edits], "killers": killed, "applied": applied,
                     "killed": applied and all(killed.values()), "seconds": time.perf_counter() - start})
        shutil.rmtree(folder, ignore_errors=True)
        print(f"{'killed' if rows[-1]['killed'] else 'NOT KILLED'}: {bug.bug} {killed}", flush=True)
    return rows


def save(data: dict[str, Any]) -> None:
    """Recompute the totals from the per-module entries and write the results file and RESULTS.md."""
    equivalent = json.loads(EQUIVALENT.read_text(encoding="utf-8")) if EQUIVALENT.exists() else {}
    modules = data.get("modules", {})
    names = {n for m in modules.values() for n in m["statuses"]}
    data.update(score(modules, equivalent), environment={**environment(), "mutmut": version("mutmut")},
                targets=sorted(modules), per_module=per_module(modules, equivalent),
                wall_seconds=sum(g["wall_seconds"] for g in data.get("groups", {}).values()),
                equivalent_mutants={n: equivalent[n] for n in sorted(equivalent, key=_natural) if n in names},
                stale_equivalent=sorted(set(equivalent) - names))
    write("mutation", data)


def _not_killed(data: dict[str, Any], group: str, only: list[str]) -> list[str]:
    """Names of the mutants of ``group`` (restricted to ``only`` modules) not killed in the stored results."""
    modules = data.get("modules", {})
    return [name for path, entry in modules.items() if entry["group"] == group and (not only or path in only)
            for name, status in entry["statuses"].items() if status not in DETECTED]


def keep_unrun(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` per-module results, where a mutant mutmut did not run this time ("not checked": a rerun of some
    mutants) keeps its earlier status and diff (the test selection only ever grows, so a kill stays a kill)."""
    merged = {}
    for path, entry in new.items():
        before = old.get(path, {"statuses": {}, "diffs": {}})
        statuses = {n: before["statuses"].get(n, s) if s == "not checked" else s
                    for n, s in entry["statuses"].items()}
        diffs = {n: entry["diffs"].get(n) or before["diffs"].get(n, "") for n, s in statuses.items()
                 if s not in DETECTED}
        merged[path] = {**entry, "statuses": statuses, "diffs": diffs}
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--group", nargs="*", choices=sorted(GROUPS), help="target groups (default: all)")
    parser.add_argument("--only", nargs="*", default=[], help="modules to mutate (default: every module of the group)")
    parser.add_argument("--mutants", nargs="*", default=[], help="re-run only these mutants (mutmut name patterns)")
    parser.add_argument("--survivors", action="store_true",
                        help="re-run only the mutants not killed in the last results (after adding tests)")
    parser.add_argument("--children", type=int, default=1, help="parallel mutmut workers (default 1)")
    parser.add_argument("--scratch", type=Path, help="reuse scratch copies under this folder (kept afterwards)")
    parser.add_argument("--listed-bugs", action="store_true", help="only check the listed bugs of issue 11")
    parser.add_argument("--render", action="store_true", help="only recompute totals and RESULTS.md")
    args = parser.parse_args()
    data = json.loads(RESULT.read_text(encoding="utf-8")) if RESULT.exists() else {}
    data.pop("environment", None)
    if args.listed_bugs:
        data["listed_bugs"] = check_listed_bugs()
    elif not args.render:
        if not MUTMUT.exists():
            raise SystemExit("mutmut is not installed: .venv/bin/pip install -e '.[bench]'")
        unknown = sorted(set(args.only) - set(TARGETS))
        if unknown:
            raise SystemExit(f"not a target module: {', '.join(unknown)} (targets: {', '.join(TARGETS)})")
        groups = args.group or [g for g in GROUPS if not args.only or set(args.only) & set(GROUPS[g].targets)]
        for name in groups:
            print(f"group {name} ...", flush=True)
            mutants = args.mutants or (_not_killed(data, name, args.only) if args.survivors else [])
            if args.survivors and not mutants:
                continue
            result = run_group(name, args.only, args.children, args.scratch, mutants)
            data.setdefault("modules", {}).update(keep_unrun(data.get("modules", {}), result.pop("modules")))
            previous = data.setdefault("groups", {}).get(name, {})
            if mutants:  # a re-run of some mutants: the group's time includes it
                result["wall_seconds"] += previous.get("wall_seconds", 0.0)
            data["groups"][name] = {**previous, **result} if args.only or mutants else result
            save(data)
            print(f"  {result['wall_seconds']:.0f} s; deselected {len(result['deselected'])} failing tests", flush=True)
    save(data)
    print(f"{data['killed']}/{data['non_equivalent']} non-equivalent mutants killed ({100 * data['score']:.1f} %); "
          f"{len(data['survivors'])} survivors listed in benchmarks/results/mutation.json")


if __name__ == "__main__":
    main()
