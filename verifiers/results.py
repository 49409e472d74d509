"""The JSON results document: a versioned schema, environment record, loading with validation."""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from verifiers.collect import Catalogue
from verifiers.errors import InvalidArgument
from verifiers.model import Claim, ClaimResult, _jsonable

SCHEMA = "claims-results/1"
_PACKAGES = ("torch", "sympy", "hypothesis", "numpy", "scipy", "entmax", "jinja2", "latex2mathml")


def environment(*, profile: str, seed: int, device: str, wall_seconds: float) -> dict[str, Any]:
    """Versions, device, seed, profile, git commit, date and wall time of a run."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"profile": profile, "seed": seed, "device": device, "dtype": "float64",
            "wall_seconds": round(wall_seconds, 3), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "git_commit": _git_commit(), "platform": platform.platform(), "versions": versions}


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def claim_record(c: Claim) -> dict[str, Any]:
    """The metadata of a claim as stored in the results document."""
    origin = c.origin
    return _jsonable({
        "id": c.id, "title": c.title, "source": c.source, "quote_source": c.reference.source,
        "section": c.reference.section, "quote": c.reference.quote, "statement": c.statement, "notes": c.notes,
        "origin": {"kind": origin.kind, "citation": origin.citation, "label": origin.label} if origin else None,
        "module": c.module, "path": module_path(c.module),
        "tags": list(c.tags), "expect": c.expect, "skip_reason": c.skip_reason, "methods": list(c.checks),
        "params": {k: {"default": p.default, "domain": p.describe(), "doc": p.doc} for k, p in c.params.items()},
        "negative_controls": [{"name": nc.name, "params": dict(nc.params), "description": nc.description,
                               "source_reading": nc.source_reading, "methods": list(nc.methods)}
                              for nc in c.negative_controls],
    })


def module_path(module: str) -> str:
    """The repository path of a claim module (``claims.pu2026.sop`` -> ``claims/pu2026/sop.py``)."""
    if not module:
        return ""
    try:
        import importlib.util

        spec = importlib.util.find_spec(module)
        origin = Path(spec.origin) if spec and spec.origin else None
    except (ImportError, ValueError):
        origin = None
    if origin is not None:
        for root in origin.parents:
            if (root / "pyproject.toml").exists():
                return origin.relative_to(root).as_posix()
    return module.replace(".", "/") + ".py"


def document(catalogue: Catalogue, results: list[ClaimResult], env: dict[str, Any]) -> dict[str, Any]:
    """The full results document (schema :data:`SCHEMA`)."""
    ids = {r.claim_id for r in results}
    return {
        "schema": SCHEMA,
        "environment": env,
        "sources": {k: _jsonable(vars(s)) for k, s in catalogue.sources.items()},
        "claims": [claim_record(c) for c in catalogue.claims if c.id in ids],
        "results": [r.to_json() for r in results],
    }


def write(doc: dict[str, Any], path: Path) -> None:
    """Write a results document as indented JSON."""
    path.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def load(path: Path) -> dict[str, Any]:
    """Read a results document, with a clear error if it is missing, corrupt or of another schema."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidArgument(f"results file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidArgument(f"results file {path} is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise InvalidArgument(f"results file {path} has schema {found!r}; expected {SCHEMA!r}")
    if not isinstance(doc.get("results"), list) or not all(isinstance(r, dict) and "key" in r
                                                             and "verdict" in r for r in doc["results"]):
        raise InvalidArgument(f"results file {path} - at `$.results`: expected a list of records with "
                              "'key' and 'verdict'")
    return doc


def _scalars(stats: Any) -> dict[str, Any]:
    """The scalar numbers of a check's statistics (what a compared run keeps: the drift the report shows)."""
    if not isinstance(stats, dict):
        return {}
    return {k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _run_summary(run: dict[str, Any]) -> dict[str, Any]:
    """One run of a compared document, reduced to its verdicts, scopes and scalar statistics."""
    evidence = [{"method": e.get("method"), "verdict": e.get("verdict"),
                 "scope": {k: (e.get("scope") or {}).get(k, "") for k in ("kind", "restriction")},
                 "statistics": _scalars(e.get("statistics"))}
                for e in run.get("evidence") or [] if isinstance(e, dict)]
    return {k: run.get(k) for k in ("key", "claim_id", "control", "verdict", "expected", "passed")} | \
        {"evidence": evidence}


def comparison(old: dict[str, Any], path: Path | str) -> dict[str, Any]:
    """The summary of an older run that ``claims report --compare`` stores (``compared_with``).

    Verdicts, expectations, check scopes and scalar statistics of every run, whether each mutant
    was caught, and the environment: what the comparison shows, a small fraction of the old
    document (no figures, steps, counterexamples or claim metadata).
    """
    summary: dict[str, Any] = {"path": str(path), "environment": old.get("environment", {}),
                               "results": [_run_summary(r) for r in old.get("results", []) if isinstance(r, dict)]}
    if isinstance(old.get("mutants"), list):
        summary["mutants"] = [{"name": m.get("name"), "caught": bool(m.get("caught"))} for m in old["mutants"]
                              if isinstance(m, dict)]
    return summary


def provenance(out: Path, *, profile: str, seed: int, only: str = "", skip_mutants: bool = False) -> dict[str, str]:
    """How to recreate a report and find its code: ``command`` (``claims report ...``, to run at the
    recorded commit) and ``code_root`` (the repository root relative to the report folder ``out``)."""
    parts = ["claims report", f"--profile {profile}", f"--seed {seed}"]
    if only:
        parts.append(f"--only {shlex.quote(only)}")
    if skip_mutants:
        parts.append("--skip-mutants")
    root = Path(__file__).resolve().parents[1]
    try:
        code_root = Path(os.path.relpath(root, Path(out).resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        code_root = root.as_uri()
    return {"command": " ".join(parts + ["--out report"]), "code_root": code_root}


def benchmarks(folder: Path | None = None) -> dict[str, Any]:
    """Summaries of the benchmark results the report shows (seed sweeps, mutation score, load time), if present."""
    folder = folder or Path(__file__).resolve().parents[1] / "benchmarks" / "results"
    found: dict[str, Any] = {}
    keep = {"seed_sweep": ("profile", "seeds", "true_claim_runs", "false_failures", "control_runs",
                           "control_misses", "wall_seconds"),
            "seed_sweep_controls": ("profile", "seeds", "true_claim_runs", "false_failures", "control_runs",
                                    "control_misses", "wall_seconds"),
            "mutation": ("killed", "non_equivalent", "score", "equivalent", "mutants", "wall_seconds"),
            "report_load": ("claims", "median_load_event_ms", "target_ms", "html_bytes")}
    for name, fields in keep.items():
        try:
            data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        record = {k: data[k] for k in fields if k in data}
        if isinstance(data.get("claims"), dict):
            record["claims"] = len(data["claims"])
        if isinstance(data.get("survivors"), list):
            record["survivors"] = len(data["survivors"])
        if isinstance(data.get("targets"), list):
            record["targets"] = len(data["targets"])
        env = data.get("environment")
        record["date"] = str(env.get("date", "")) if isinstance(env, dict) else ""
        found[name] = record
    return found
