"""A fixed, hand-built results document exercising every part of the report."""

from __future__ import annotations

import copy
from typing import Any

EVIL = "<script>alert('x')</script>"


def _evidence(method: str, verdict: str, reason: str, **extra: Any) -> dict[str, Any]:
    base = {"claim_id": "", "method": method, "control": None, "verdict": verdict, "reason": reason, "params": {},
            "statistics": {}, "counterexample": None, "reproduce": None, "figures": [], "steps": [],
            "scope": {"kind": "instance", "restriction": "", "label": "one instance"}, "premises": [],
            "resolution": None, "explored": {}, "seed": 1, "device": "cpu", "dtype": "float64", "seconds": 0.012}
    return {**base, **extra}


def _run(claim_id: str, verdict: str, evidence: list[dict[str, Any]], *, control: str | None = None,
         expected: str = "holds", passed: bool = True) -> dict[str, Any]:
    key = claim_id if control is None else f"{claim_id}[{control}]"
    for e in evidence:
        e["claim_id"], e["control"] = claim_id, control
    return {"claim_id": claim_id, "control": control, "key": key, "params": {}, "verdict": verdict,
            "expected": expected, "passed": passed, "seconds": 0.25, "evidence": evidence}


def _claim(cid: str, title: str, section: str, **extra: Any) -> dict[str, Any]:
    base = {"id": cid, "title": title, "source": cid.split("/")[0], "section": section,
            "quote": "the sentence it formalizes", "statement": r"\sum_i p_i = 1", "notes": "Uses `k` draws.",
            "module": "claims.x", "tags": [], "expect": "holds", "skip_reason": "", "methods": ["symbolic"],
            "params": {"k": {"default": 3, "domain": "[1, inf)", "doc": "draws"}},
            "negative_controls": [{"name": "k-0", "params": {"k": 0}, "description": "no draws"}]}
    return {**base, **extra}


LINE = {"kind": "line", "title": "k · bias", "xlabel": "k", "ylabel": "bias", "log": True,
        "x": [4.0, 8.0, 16.0, 32.0], "y": [0.25, 0.12, 0.065, 0.03], "low": [0.2, 0.1, 0.05, 0.02],
        "high": [0.3, 0.14, 0.08, 0.04], "claimed": [0.25, 0.125, 0.0625, 0.03125]}
TIGHT = {"kind": "tightness", "bound": 0.5, "best": 0.4999, "best_random_search": 0.47}


def build_doc() -> dict[str, Any]:
    """Claims: a proved one, a Monte Carlo one with a figure, a hostile one, a skipped one; plus controls."""
    claims = [
        _claim("alpha/proved", "A proved identity", "Basics",
               statement=r"\mathrm{softmax}(s + c\mathbf{1}) = \mathrm{softmax}(s)", methods=["symbolic", "property"]),
        _claim("alpha/mc", "A Monte Carlo rate", "Sampling", methods=["montecarlo", "property"]),
        _claim("beta/evil", f"Evil {EVIL} title", "Hostile " + EVIL, quote=f"quote {EVIL}",
               statement=r"\text{" + EVIL + "} x", notes=f"notes {EVIL} and $a<b$",
               params={"p": {"default": EVIL, "domain": EVIL, "doc": EVIL}}),
        _claim("beta/skipped", "Needs a GPU", "Hardware", skip_reason="needs CUDA, none available",
               negative_controls=[]),
    ]
    results = [
        _run("alpha/proved", "proved", [
            _evidence("symbolic", "proved", "residual simplifies to 0",
                      scope={"kind": "statement", "restriction": "", "label": "whole statement"},
                      steps=[r"residual: $r = \frac{e^{s}}{Z} - p$", "plain step"]),
            _evidence("property", "supported", "held on 150 examples", figures=[TIGHT])]),
        _run("alpha/proved", "refuted", [
            _evidence("symbolic", "refuted", "residual 0.1 at a point", counterexample={"s": [0.0, 1.0]},
                      reproduce="claims check alpha/proved --set k=0 --profile quick --seed 0")],
             control="k-0", expected="refuted"),
        _run("alpha/mc", "supported", [
            _evidence("montecarlo", "supported", "slope -1.02 ± 0.05 contains -1", figures=[LINE],
                      statistics={"estimate": 0.51, "ci_low": 0.45, "ci_high": 0.57, "n": 100000}),
            _evidence("property", "inconclusive", "too few valid examples")]),
        _run("alpha/mc", "supported", [_evidence("montecarlo", "supported", "not refuted")],
             control="k-0", expected="refuted", passed=False),
        _run("beta/evil", "refuted", [
            _evidence("symbolic", "refuted", f"reason {EVIL}", counterexample={"x": EVIL},
                      steps=[f"step {EVIL} with $\\text{{{EVIL}}}$"],
                      reproduce=f"claims check beta/evil --set p='{EVIL}'")], passed=False),
        _run("beta/evil", "refuted", [_evidence("symbolic", "refuted", "ok")], control="k-0", expected="refuted"),
        _run("beta/skipped", "skipped", [_evidence("symbolic", "skipped", "needs CUDA, none available")],
             expected="skipped"),
    ]
    env = {"profile": "quick", "seed": 0, "device": "cpu", "dtype": "float64", "wall_seconds": 1.5,
           "date": "2026-01-01T00:00:00+00:00", "git_commit": "abc1234", "platform": "Linux",
           "versions": {"python": "3.11.7", "torch": "2.13.0", "latex2mathml": "3.81.1"}}
    sources = {
        "alpha": {"id": "alpha", "title": "Alpha Lecture Notes", "authors": "A. Author", "venue": "Course 101",
                  "url": "https://example.org/alpha", "note": ""},
        "beta": {"id": "beta", "title": f"Beta {EVIL}", "authors": EVIL, "venue": "Venue",
                 "url": "javascript:alert(1)", "note": f"note {EVIL}"},
    }
    return {"schema": "claims-results/1", "environment": env, "sources": sources, "claims": claims,
            "results": results}


def with_comparison(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` compared with an older run where alpha/mc's control passed, beta/evil held, MC moved."""
    old = copy.deepcopy(doc["results"])
    by_key = {r["key"]: r for r in old}
    by_key["alpha/mc[k-0]"].update(verdict="refuted", passed=True)
    by_key["beta/evil"].update(verdict="supported", passed=True)
    by_key["alpha/proved[k-0]"].update(verdict="supported", passed=False)
    by_key["alpha/mc"]["evidence"][0]["statistics"] = {"estimate": 0.7, "ci_low": 0.65, "ci_high": 0.75}
    old.append(_run("gone/claim", "proved", []))
    doc = copy.deepcopy(doc)
    doc["compared_with"] = {"path": "old/results.json",
                            "environment": {**doc["environment"], "git_commit": "0ld0000"}, "results": old}
    return doc
