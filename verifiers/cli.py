"""The ``claims`` command: list, check, report and scaffold claims.

Exit codes of ``claims check``: 0 holds (proved/supported), 1 refuted,
3 inconclusive (or skipped), 4 error, 2 usage error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path
from typing import NoReturn

from verifiers.budget import PROFILES, Budget, profile
from verifiers.collect import Catalogue, collect
from verifiers.errors import InvalidArgument, InvalidClaim, SuiteError
from verifiers.model import Claim, ClaimResult
from verifiers.params import format_value
from verifiers.runner import parse_overrides, resolve_device, run_all, run_claim

EXIT_CODES = {"proved": 0, "supported": 0, "refuted": 1, "inconclusive": 3, "skipped": 3, "error": 4}
USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _usage_exit(message)


def _usage_exit(message: str) -> NoReturn:
    print(f"claims: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``claims`` and its subcommands."""
    parser = _Parser(prog="claims", description="Check executable claims about softmax-family losses.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    lister = sub.add_parser("list", help="list every claim")
    lister.add_argument("--json", action="store_true", help="print JSON")
    checker = sub.add_parser("check", help="check one claim")
    checker.add_argument("claim_id")
    checker.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a parameter")
    checker.add_argument("--controls", action="store_true", help="also run the negative controls")
    checker.add_argument("--control", metavar="NAME", help="run one negative control (with its own seeds)")
    checker.add_argument("--seeds", metavar="LIST", help="a seed sweep in one process, e.g. 0-9 or 0,3,5-7: "
                                                         "prints a table of verdicts (with --controls, of each "
                                                         "control too)")
    _add_run_options(checker, default_profile="quick")
    checker.add_argument("--json", action="store_true", help="print the result as JSON")
    reporter = sub.add_parser("report", help="check every claim and write index.html and results.json")
    reporter.add_argument("--out", type=Path, default=Path("report"), help="output folder (default: report)")
    reporter.add_argument("--compare", type=Path, help="an earlier results.json to compare with")
    reporter.add_argument("--only", metavar="SUBSTRING", default="", help="only claims whose id contains this")
    reporter.add_argument("--skip-mutants", action="store_true",
                          help="do not run the mutation tests (broken implementations each claim must catch)")
    reporter.add_argument("--jobs", type=int, default=None, metavar="N",
                          help="worker processes (default: number of CPUs; 1 runs serially)")
    reporter.add_argument("--scheduler", metavar="ADDRESS",
                          help="run the claim tasks on a Dask distributed cluster (e.g. tcp://host:8786) "
                               "instead of local worker processes")
    _add_run_options(reporter, default_profile="standard")
    prober = sub.add_parser("probe", help="find where a claim's verdict flips as one parameter moves")
    prober.add_argument("claim_id")
    prober.add_argument("--param", required=True, metavar="NAME", help="the parameter to move")
    prober.add_argument("--range", metavar="LO:HI", help="the range searched (default: around the default)")
    prober.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="fix another parameter")
    prober.add_argument("--steps", type=int, default=14, help="bisection steps per bracket (default 14)")
    prober.add_argument("--figure", type=Path, metavar="FILE.svg", help="write the verdict-vs-parameter figure here")
    prober.add_argument("--json", action="store_true", help="print the points and brackets as JSON")
    _add_run_options(prober, default_profile="quick")
    scaffold = sub.add_parser("new", help="scaffold a new source package with one example claim")
    scaffold.add_argument("source", help="source id, e.g. smith2024")
    scaffold.add_argument("--from", dest="tex", type=Path, metavar="PAPER.tex",
                          help="the paper's LaTeX source: one 'stated' claim per theorem-like environment")
    return parser


def _add_run_options(parser: argparse.ArgumentParser, *, default_profile: str) -> None:
    parser.add_argument("--profile", default=default_profile, choices=list(PROFILES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``claims`` console script."""
    args = build_parser().parse_args(argv)
    try:
        commands = {"list": cmd_list, "check": cmd_check, "report": cmd_report, "new": cmd_new, "probe": cmd_probe}
        return commands[args.command](args)
    except SuiteError as exc:
        print(f"claims: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print every claim id with its title (or JSON); malformed modules are named on stderr."""
    catalogue, _ = lenient_collect()
    if args.json:
        from verifiers.results import claim_record

        print(json.dumps([claim_record(c) for c in catalogue.claims], indent=1))
        return 0
    width = max(len(c.id) for c in catalogue.claims)
    for c in catalogue.claims:
        params = " ".join(f"{k}={format_value(p.default)}" for k, p in c.params.items())
        print(f"{c.id:<{width}}  {', '.join(c.checks) or 'skipped':<30}  {c.title}" + (f"  [{params}]" if params else ""))
    return 0


def lenient_collect() -> tuple[Catalogue, list[InvalidClaim]]:
    """Every valid claim, and the errors of the malformed modules (printed once to stderr)."""
    errors: list[InvalidClaim] = []
    catalogue = collect(on_error=errors.append)
    for error in errors:
        print(f"claims: warning: skipped: {error}", file=sys.stderr)
    return catalogue, errors


def find_claim(catalogue: Catalogue, claim_id: str, errors: list[InvalidClaim] = ()) -> Claim:  # type: ignore[assignment]
    """The claim with this id, or a usage error: the claim's own declaration error, or close ids."""
    found = catalogue.get(claim_id)
    if found is not None:
        return found
    own = [e for e in errors if e.claim_id == claim_id or claim_id.split("/")[-1].replace("-", "_") in e.module]
    if own:
        raise own[0]
    ids = [c.id for c in catalogue.claims]
    close = difflib.get_close_matches(claim_id, ids, n=3, cutoff=0.5)
    close += [i for i in ids if claim_id and claim_id in i and i not in close][:3]
    hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'claims list' to see every id."
    raise InvalidArgument(f"unknown claim id {claim_id!r}.{hint}")


def cmd_check(args: argparse.Namespace) -> int:
    """Check one claim with optional overrides; the exit code encodes the verdict."""
    catalogue, errors = lenient_collect()
    target = find_claim(catalogue, args.claim_id, errors)
    overrides = parse_overrides(target, args.set)
    budget, device = profile(args.profile), resolve_device(args.device)
    single_threaded()
    if args.seeds is not None:
        return _sweep(target, args, overrides, budget)
    if args.controls:
        results = run_all(target, budget=budget, seed=args.seed, device=device, overrides=overrides)
    elif args.control is not None:
        results = [run_claim(target, budget=budget, seed=args.seed, device=device, overrides=overrides,
                             control=find_control(target, args.control))]
    else:
        results = [run_claim(target, budget=budget, seed=args.seed, device=device, overrides=overrides)]
    if args.json:
        print(json.dumps(results[0].to_json() if len(results) == 1 else [r.to_json() for r in results], indent=1))
    else:
        for r in results:
            print(describe(r))
    if args.controls:
        return 0 if all(r.passed for r in results) else 1
    return EXIT_CODES[results[0].verdict]


def _sweep(target: Claim, args: argparse.Namespace, overrides: dict[str, object], budget: Budget) -> int:
    """``claims check ID --seeds LIST``: one row per seed, one column per run (claim, then controls)."""
    from verifiers.probe import parse_seeds, sweep

    seeds = parse_seeds(args.seeds)
    runs = sweep(target, seeds, budget=budget, overrides=overrides, controls=args.controls,
                 on_run=lambda seed, r: _progress(seeds.index(seed) + 1, len(seeds), f"seed {seed}: {r.key}"))
    print(file=sys.stderr)
    keys = list(dict.fromkeys(r.key for r in runs))
    if args.json:
        print(json.dumps([{"seed": seed, **r.to_json()} for seed, r in zip(
            [s for s in seeds for _ in keys], runs)], indent=1))
    else:
        width = max(12, *(len(k) for k in keys))
        print("seed  " + "  ".join(f"{k:<{width}}" for k in keys))
        for i, seed in enumerate(seeds):
            row = runs[i * len(keys):(i + 1) * len(keys)]
            print(f"{seed:<4}  " + "  ".join(f"{r.verdict + ('' if r.passed else ' !'):<{width}}" for r in row))
        failed = [f"{r.key} (seed {s})" for s, r in zip([s for s in seeds for _ in keys], runs) if not r.passed]
        print(f"{len(runs) - len(failed)}/{len(runs)} runs as expected" + (f"; not: {', '.join(failed)}" if failed
                                                                            else ""))
    return 0 if all(r.passed for r in runs) else 1


def cmd_probe(args: argparse.Namespace) -> int:
    """Bisect on verdicts to bracket where a claim flips as ``--param`` moves."""
    from verifiers.probe import probe

    catalogue, errors = lenient_collect()
    target = find_claim(catalogue, args.claim_id, errors)
    overrides = parse_overrides(target, args.set)
    low = high = None
    if args.range:
        try:
            low, high = (float(v) for v in args.range.split(":"))
        except ValueError:
            raise InvalidArgument(f"--range expects LO:HI, e.g. 0.4:0.6, got {args.range!r}") from None
    single_threaded()
    found = probe(target, args.param, budget=profile(args.profile), seed=args.seed, low=low, high=high,
                  overrides=overrides, steps=args.steps,
                  on_point=lambda v, verdict: print(f"  {args.param} = {v!r}: {verdict}", file=sys.stderr))
    if args.figure:
        _probe_figure(found.figure(), args.figure)
    if args.json:
        print(json.dumps({"claim": found.claim_id, "param": found.param, "points": found.points,
                          "brackets": [vars(b) for b in found.brackets]}, indent=1))
    else:
        for bracket in found.brackets:
            print(bracket.describe(args.param))
        if not found.brackets:
            verdicts = sorted({v for _, v in found.points})
            print(f"{args.param}: no flip between holding and not holding in the range searched "
                  f"(verdicts seen: {', '.join(verdicts)})")
    return 0


def _probe_figure(figure: dict[str, object], path: Path) -> None:
    """Write the verdict-vs-parameter figure as SVG (matplotlib, no display)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    order = ["refuted", "inconclusive", "error", "supported", "proved"]
    fig, ax = plt.subplots(figsize=(6, 2.4))
    ys = [order.index(v) if v in order else 1 for v in figure["verdicts"]]
    ax.scatter(figure["x"], ys, c=["#b42318" if y == 0 else "#1d4ed8" if y >= 3 else "#6b7280" for y in ys])
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel(str(figure["xlabel"]))
    ax.set_title(str(figure["title"]), fontsize=9)
    fig.tight_layout()
    try:
        fig.savefig(path, format="svg")
    except OSError as exc:
        raise InvalidArgument(f"cannot write the figure to {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)


def find_control(target: Claim, name: str):  # noqa: ANN201 - NegativeControl
    """The negative control ``name`` of ``target``, or a usage error listing its controls."""
    found = target.control(name)
    if found is None:
        names = ", ".join(nc.name for nc in target.negative_controls) or "none"
        raise InvalidArgument(f"claim {target.id} has no negative control {name!r}; its controls: {names}")
    return found


def single_threaded() -> None:
    """One torch thread, as in the report's workers and pytest, so results reproduce bit for bit."""
    import torch

    torch.set_num_threads(1)


def describe(result: ClaimResult) -> str:
    """A human-readable multi-line summary of one claim run."""
    params = " ".join(f"{k}={format_value(v)}" for k, v in result.params.items())
    lines = [f"{result.key}: {result.verdict.upper()} (expected {result.expected}; {params or 'no parameters'}; "
             f"{result.seconds:.2f} s)"]
    for e in result.evidence:
        lines.append(f"  {e.method:<10} {e.verdict:<12} {e.reason}")
        scope = f"scope: {e.scope.label}"
        if e.resolution is not None:
            scope += f"; resolution: {e.resolution.label}"
        lines.append(f"  {'':<10} {scope}")
        for premise in e.premises:
            lines.append(f"  {'':<10} premise: {premise.statement} ({premise.citation})")
        if e.counterexample:
            lines.append(f"  {'':<10} counterexample: {json.dumps(e.counterexample, default=str)[:300]}")
        if e.reproduce and e.verdict not in ("skipped",):
            lines.append(f"  {'':<10} reproduce: {e.reproduce}")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    """Run every claim and negative control; write results.json and index.html."""
    import os

    from reports import render
    from verifiers import results as results_io
    from verifiers.parallel import run_many

    old = results_io.load(args.compare) if args.compare else None
    out = _prepare_out(args.out)
    catalogue, errors = lenient_collect()
    # On a cluster each worker resolves ``auto`` itself, so GPU workers use their GPU.
    budget, device = profile(args.profile), args.device if args.scheduler else resolve_device(args.device)
    chosen = [c for c in catalogue.claims if args.only in c.id]
    jobs = (os.cpu_count() or 1) if args.jobs is None else args.jobs
    if jobs < 1:
        raise InvalidArgument(f"--jobs must be at least 1, got {jobs}")
    start = time.perf_counter()
    runs: list[ClaimResult] = run_many(chosen, budget=budget, seed=args.seed, device=device, jobs=jobs,
                                       on_done=lambda i, total, r: _progress(i, total, r.key),
                                       scheduler=args.scheduler)
    env = results_io.environment(profile=budget.name, seed=args.seed, device=device,
                                 wall_seconds=time.perf_counter() - start)
    env["executor"] = f"dask {args.scheduler}" if args.scheduler else f"local pool, {jobs} process(es)"
    env.update(results_io.provenance(out, profile=budget.name, seed=args.seed, only=args.only,
                                     skip_mutants=args.skip_mutants))
    doc = results_io.document(catalogue, runs, env)
    doc["invalid_claims"] = [{"module": e.module, "claim_id": e.claim_id, "field": e.field, "message": str(e)}
                             for e in errors]
    if not args.skip_mutants:
        doc["mutants"] = _mutation_results(catalogue, {c.id for c in chosen}, budget, args.seed, jobs,
                                           args.scheduler)
    doc["benchmarks"] = results_io.benchmarks()
    if old is not None:
        doc["compared_with"] = results_io.comparison(old, args.compare)
    results_io.write(doc, out / "results.json")
    (out / "index.html").write_text(render(doc), encoding="utf-8")
    passed = sum(r.passed for r in runs)
    caught = sum(m["caught"] for m in doc.get("mutants", []))
    mutants = f"{caught}/{len(doc['mutants'])} mutants caught; " if doc.get("mutants") else ""
    print(f"\n{passed}/{len(runs)} runs as expected; {mutants}report: {(out / 'index.html').resolve()}",
          file=sys.stderr)
    return 0 if passed == len(runs) and caught == len(doc.get("mutants", [])) and not errors else 1


def _mutation_results(catalogue: Catalogue, chosen: set[str], budget: Budget, seed: int,
                      jobs: int, scheduler: str | None) -> list[dict[str, object]]:
    """Run every mutant whose listed claims were all chosen against every chosen claim it affects."""
    from verifiers.mutation import MutantResult, affected, collect_mutants
    from verifiers.parallel import run_many

    mutants = [m for m in collect_mutants() if set(m.claims) <= chosen]
    tasks = [(cid, None, m.name) for m in mutants for cid in affected(m, catalogue) if cid in chosen]
    runs = run_many(list(catalogue.claims), budget=budget, seed=seed, device="cpu", jobs=jobs, tasks=tasks,
                    on_done=lambda i, total, r: _progress(i, total, f"mutants: {r.claim_id}"), scheduler=scheduler)
    by_mutant = {m.name: [r for (_, _, name), r in zip(tasks, runs) if name == m.name] for m in mutants}
    return [MutantResult(m, tuple(by_mutant[m.name])).to_json() for m in mutants]


def _prepare_out(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InvalidArgument(f"cannot write the report to {out}: {exc.strerror or exc}; "
                              "choose another folder with --out") from None
    return out


def _progress(i: int, total: int, label: str) -> None:
    width = 30
    filled = width * i // total
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {i}/{total} {label:<45}", end="", file=sys.stderr, flush=True)


def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold a source package (see ``verifiers.scaffold``), from a paper's LaTeX with ``--from``."""
    from verifiers.scaffold import scaffold, scaffold_from_tex

    made = scaffold_from_tex(args.source, args.tex, Path.cwd()) if args.tex else scaffold(args.source, Path.cwd())
    for path in made:
        print(f"created {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
