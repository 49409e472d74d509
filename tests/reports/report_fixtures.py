"""A fixed, hand-built results document exercising every part of the report."""

from __future__ import annotations

import copy
from typing import Any

EVIL = "<script>alert('x')</script>"
WHOLE = {"kind": "statement", "restriction": "", "label": "whole statement"}
N2 = {"kind": "special-case", "restriction": "n = 2", "label": "special case n = 2"}
NA = {"kind": "not-applicable", "restriction": "", "label": "not applicable to this variant"}
INSTANCE = {"kind": "instance", "restriction": "n = 20", "label": "instance: n = 20"}
SOURCE = {"kind": "source", "citation": "", "label": "the source's statement (our formalization of the quote)"}
OURS = {"kind": "ours", "citation": "", "label": "our own finding"}
LITERATURE = {"kind": "literature", "citation": "Bouchard, 2007", "label": "a literature result (Bouchard, 2007)"}


def _evidence(method: str, verdict: str, reason: str, **extra: Any) -> dict[str, Any]:
    base = {"claim_id": "", "method": method, "control": None, "verdict": verdict, "reason": reason, "params": {},
            "statistics": {}, "counterexample": None, "reproduce": None, "figures": [], "steps": [],
            "scope": INSTANCE, "premises": [], "resolution": None, "explored": {}, "seed": 1, "device": "cpu",
            "dtype": "float64", "seconds": 0.012}
    return {**base, **extra}


def _run(claim_id: str, verdict: str, evidence: list[dict[str, Any]], *, control: str | None = None,
         expected: str = "holds", passed: bool = True) -> dict[str, Any]:
    key = claim_id if control is None else f"{claim_id}[{control}]"
    for e in evidence:
        e["claim_id"], e["control"] = claim_id, control
        e.setdefault("reproduce", f"claims check {key} --profile quick --seed 0")
    return {"claim_id": claim_id, "control": control, "key": key, "params": {}, "verdict": verdict,
            "expected": expected, "passed": passed, "seconds": 0.25, "evidence": evidence}


def _claim(cid: str, title: str, section: str, **extra: Any) -> dict[str, Any]:
    source = cid.split("/")[0]
    base = {"id": cid, "title": title, "source": source, "quote_source": source, "section": section,
            "quote": "the sentence it formalizes", "statement": r"\sum_i p_i = 1", "notes": "Uses `k` draws.",
            "origin": SOURCE, "module": "claims." + cid.replace("/", ".").replace("-", "_"),
            "path": "claims/" + cid.replace("-", "_") + ".py", "tags": [], "expect": "holds", "skip_reason": "",
            "methods": ["symbolic"], "params": {"k": {"default": 3, "domain": "[1, inf)", "doc": "draws"}},
            "negative_controls": [{"name": "k-0", "params": {"k": 0}, "description": "no draws",
                                   "source_reading": False, "methods": []}]}
    return {**base, **extra}


LINE = {"kind": "line", "title": "k · bias", "xlabel": "k", "ylabel": "bias", "log": True,
        "x": [4.0, 8.0, 16.0, 32.0], "y": [0.25, 0.12, 0.065, 0.03], "low": [0.2, 0.1, 0.05, 0.02],
        "high": [0.3, 0.14, 0.08, 0.04], "claimed": [0.25, 0.125, 0.0625, 0.03125],
        "band": "0.999999 confidence interval"}
EXACT = {"kind": "line", "title": "operations of $\\mathrm{JS}_{\\pi_k}$", "xlabel": "n", "ylabel": "operations",
         "log": True, "x": [16.0, 64.0, 256.0, 1024.0, 4096.0], "y": [160.0, 640.0, 2560.0, 10240.0, 40960.0],
         "exact": True, "claimed_slope": 1.0, "log_power": 0.0}
TIGHT = {"kind": "tightness", "bound": 0.5, "best": 0.5 + 2.2e-16, "best_random_search": 0.47, "tolerance": 1e-9}
SEEDS = {"kind": "seeds", "title": "test error, % per seed", "arms": ["softmax", "spherical"],
         "a": [2.0, 2.1, 1.9, 2.2, 2.0], "b": [2.5, 2.4, 2.6, 2.5, 2.7], "effect": -0.5, "ci": [-0.7, -0.3],
         "margin": 0.1, "direction": "less", "decision": "supported"}
MC_STATS = {"estimate": 0.51, "se": 0.01, "ci_low": 0.46, "ci_high": 0.56, "n": 100000, "samples": 100000,
            "unit": "draws", "z_crit": 4.89, "alpha": 1e-6, "alpha_look": 2e-7, "half_width": 0.05, "claimed": 0.5,
            "resolution": 0.1, "power": 1.0, "looks": 3, "max_looks": 6, "sequential": True, "z": 1.0}


def build_doc() -> dict[str, Any]:
    """Claims of every status and origin, controls (one the source's reading, one with a check not applicable)."""
    claims = [
        _claim("alpha/proved", "A proved identity", "Basics", methods=["symbolic", "property"],
               statement=r"\mathrm{softmax}(s + c\mathbf{1}) = \mathrm{softmax}(s)\qquad \arg\max_i s_i = "
                         r"\arg\max_i p_i",
               negative_controls=[{"name": "k-0", "params": {"k": 0}, "description": "the seed's reading: no draws",
                                   "source_reading": True, "methods": ["symbolic"]}]),
        _claim("alpha/mc", "A Monte Carlo rate", "Sampling", methods=["montecarlo", "property", "empirical"],
               notes="Estimates a rate. Tension with alpha/proved: no contradiction, they are about different "
                     "objects. The other one is exact. `k=0` is the control."),
        _claim("alpha/special", "Proved for n = 2 only", "Basics", origin=LITERATURE,
               statement=r"A \setminus B = \emptyset", tags=["hierarchical-softmax"]),
        _claim("alpha/ours", "Our finding with an experiment", "Open Questions", origin=OURS, tags=["open-question"],
               quote="Can the gap be bridged?", methods=["experiment"]),
        _claim("beta/evil", f"Evil {EVIL} title", "Hostile " + EVIL, quote=f"quote {EVIL}",
               statement=r"\text{" + EVIL + "} x", notes=f"notes {EVIL} and $a<b$",
               params={"p": {"default": EVIL, "domain": EVIL, "doc": EVIL}}),
        _claim("beta/skipped", "Needs a GPU", "Hardware", skip_reason="needs CUDA, none available",
               negative_controls=[]),
        _claim("beta/stated", "Theorem 3 (stated)", "Theorems", tags=["stated"], negative_controls=[],
               skip_reason="stated, not yet checked"),
    ]
    results = [
        _run("alpha/proved", "proved", [
            _evidence("symbolic", "proved", "residual simplifies to 0 on Interval.open(0, oo); nan excluded",
                      scope=WHOLE, steps=[r"residual: $r = \frac{e^{s}}{Z} - p$", "plain step"],
                      premises=[{"statement": "Popoviciu's inequality", "citation": "Popoviciu, 1935"}],
                      resolution={"value": 0.0, "quantity": "lhs - rhs", "level": 0.0, "relative": None,
                                  "label": "detects deviations ≥ 0 in lhs - rhs (exact)"}),
            _evidence("property", "supported", "held on 150 examples", figures=[TIGHT], scope=WHOLE,
                      explored={"examples": 150, "largest_n": 32, "largest_abs": 1000.0})]),
        _run("alpha/proved", "refuted", [
            _evidence("symbolic", "refuted", "residual 0.1 at a point", counterexample={"s": [0.0, 1.0]},
                      reproduce="claims check alpha/proved --control k-0 --profile quick --seed 0"),
            _evidence("property", "skipped", "not applicable to this variant", scope=NA)],
             control="k-0", expected="refuted"),
        _run("alpha/mc", "supported", [
            _evidence("montecarlo", "supported", "slope -1.02 ± 0.05 contains -1", figures=[LINE],
                      statistics=dict(MC_STATS), resolution={"value": 0.1, "quantity": "slope", "level": 1e-6,
                                                             "relative": 0.1, "label": "detects deviations ≥ 0.1"}),
            _evidence("property", "inconclusive", "too few valid examples"),
            _evidence("empirical", "supported", "exact counts grow as x^1", figures=[EXACT],
                      statistics={"slope": 1.0, "claimed_slope": 1.0, "tolerance": 1e-9, "drift": 0.0})]),
        _run("alpha/mc", "supported", [_evidence("montecarlo", "supported", "not refuted")],
             control="k-0", expected="refuted", passed=False),
        _run("alpha/special", "supported", [
            _evidence("symbolic", "proved", "holds for n = 2", scope=N2),
            _evidence("montecarlo", "supported", "coefficient = 0.51 ± 0.05 lies within 0.1 of the claimed 0.5",
                      statistics=dict(MC_STATS))]),
        _run("alpha/special", "refuted", [_evidence("symbolic", "refuted", "off by one")], control="k-0",
             expected="refuted"),
        _run("alpha/ours", "supported", [
            _evidence("experiment", "supported", "effect −0.5, interval [−0.7, −0.3] over 5 seeds", figures=[SEEDS],
                      statistics={"seeds": 5, "effect": -0.5, "ci_low": -0.7, "ci_high": -0.3})]),
        _run("alpha/ours", "refuted", [_evidence("experiment", "refuted", "the interval excludes the claim")],
             control="k-0", expected="refuted"),
        _run("beta/evil", "refuted", [
            _evidence("symbolic", "refuted", f"reason {EVIL}", counterexample={"x": EVIL},
                      steps=[f"step {EVIL} with $\\text{{{EVIL}}}$"],
                      reproduce=f"claims check beta/evil --set p='{EVIL}'")], passed=False),
        _run("beta/evil", "refuted", [_evidence("symbolic", "refuted", "ok")], control="k-0", expected="refuted"),
        _run("beta/skipped", "skipped", [_evidence("symbolic", "skipped", "needs CUDA, none available")],
             expected="skipped"),
        _run("beta/stated", "skipped", [], expected="skipped"),
    ]
    env = {"profile": "quick", "seed": 0, "device": "cpu", "dtype": "float64", "wall_seconds": 1.5,
           "date": "2026-01-01T00:00:00+00:00", "git_commit": "abc1234", "platform": "Linux",
           "executor": "local pool, 1 process(es)", "command": "claims report --profile quick --seed 0 --out report",
           "code_root": "..", "versions": {"python": "3.11.7", "torch": "2.13.0", "latex2mathml": "3.81.1"}}
    sources = {
        "alpha": {"id": "alpha", "title": "Alpha Lecture Notes", "authors": "A. Author", "venue": "Course 101",
                  "url": "https://example.org/alpha", "note": ""},
        "beta": {"id": "beta", "title": f"Beta {EVIL}", "authors": EVIL, "venue": "Venue",
                 "url": "javascript:alert(1)", "note": f"note {EVIL}"},
    }
    mutants = [{"name": "sign-flip", "description": "softmax of -s", "target": "alpha.maps:apply", "caught": True,
                "caught_by": ["alpha/proved"], "listed": ["alpha/proved"], "ran": ["alpha/proved", "alpha/mc"],
                "verdicts": {"alpha/proved": "refuted", "alpha/mc": "supported"}}]
    invalid = [{"module": "claims.alpha.broken", "claim_id": "alpha/broken", "field": "notes",
                "message": "invalid claim 'alpha/broken' - at `notes`: LaTeX outside $...$"}]
    benchmarks = {"seed_sweep": {"profile": "quick", "seeds": 50, "true_claim_runs": 1600, "false_failures": 0,
                                 "claims": 32, "date": "2026-01-01"},
                  "mutation": {"killed": 900, "non_equivalent": 1000, "score": 0.9, "equivalent": 12,
                               "date": "2026-01-02"}}
    return {"schema": "claims-results/1", "environment": env, "sources": sources, "claims": claims,
            "results": results, "mutants": mutants, "invalid_claims": invalid, "benchmarks": benchmarks}


def with_comparison(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` compared with the summary of an older run: flips, a check flip, drift, a mutant regression."""
    from verifiers.results import comparison

    old = copy.deepcopy(doc)
    by_key = {r["key"]: r for r in old["results"]}
    by_key["alpha/mc[k-0]"].update(verdict="refuted", passed=True)
    by_key["alpha/mc[k-0]"]["evidence"][0]["verdict"] = "refuted"
    by_key["beta/evil"].update(verdict="supported", passed=True)
    by_key["alpha/proved[k-0]"].update(verdict="supported", passed=False)
    by_key["alpha/mc"]["evidence"][0]["statistics"] = {**MC_STATS, "estimate": 0.7, "ci_low": 0.65,
                                                       "ci_high": 0.75, "half_width": 0.05, "samples": 50000}
    by_key["alpha/mc"]["evidence"][1]["verdict"] = "supported"
    by_key["alpha/special"]["evidence"][0]["scope"] = WHOLE
    by_key["alpha/special"]["verdict"] = "proved"
    old["results"].append(_run("gone/claim", "proved", []))
    old["mutants"] = [{"name": "sign-flip", "caught": True}, {"name": "gone-mutant", "caught": True}]
    doc = copy.deepcopy(doc)
    doc["mutants"] = [{**doc["mutants"][0], "caught": False, "caught_by": []}]
    old["environment"] = {**doc["environment"], "git_commit": "0ld0000", "seed": 1}
    doc["compared_with"] = comparison(old, "old/results.json")
    return doc
