"""Render a results document (see ``verifiers.results``) as one self-contained HTML page.

The page is claim-centric: a summary with honest denominators and a filterable table of all
claims, then source -> section -> claim, each claim with its statement (MathML), the sentence
it formalizes, notes, parameters, every method's verdict and evidence (counterexamples with a
reproduction command, figures as inline SVG, derivation steps), and its negative controls.
All text from the document is escaped (Jinja2 autoescape; MathML is sanitized in
:mod:`reports.math`).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from reports.compare import compare
from reports.figures import svg
from reports.math import inline, mathml, prose

METHODS = ("symbolic", "property", "montecarlo", "empirical")
VERDICTS = ("proved", "supported", "refuted", "inconclusive", "error", "skipped")
HOLDS = frozenset({"proved", "supported"})


def _fmt(value: Any) -> str:
    """Numbers to 4 significant digits; lists shortened; everything else as text."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        items = [_fmt(v) for v in value[:8]]
        return "[" + ", ".join(items) + (", …" if len(value) > 8 else "") + "]"
    if isinstance(value, Mapping):
        return json.dumps(value, default=str)[:300]
    return str(value)


def _seconds(value: Any) -> str:
    try:
        s = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def _anchor(claim_id: str) -> str:
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]+", "-", claim_id).strip("-")


def _link(url: Any) -> bool:
    """Whether ``url`` may be a link target: http(s) only (no ``javascript:`` or ``data:``)."""
    return bool(re.match(r"^https?://[^\s\"'<>]+$", str(url or "")))


def _json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


_ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters.update(math=mathml, inline=inline, prose=prose, svg=svg, fmt=_fmt, seconds=_seconds,
                    anchor=_anchor, tojson_text=_json, linkable=_link)


def _asset(name: str) -> Markup:
    """A stylesheet or script from the templates folder, inlined verbatim (our own code, not claim text)."""
    return Markup(resources.files("reports").joinpath("templates", name).read_text(encoding="utf-8"))


_ENV.globals.update(METHODS=METHODS, VERDICTS=VERDICTS, asset=_asset)


def _search_text(meta: Mapping[str, Any], runs: list[Mapping[str, Any]]) -> str:
    fields = [meta.get(k, "") for k in ("id", "title", "statement", "quote", "notes", "section", "source")]
    fields += list(meta.get("tags", []))
    fields += [e.get("reason", "") for r in runs for e in r.get("evidence", [])]
    return " ".join(str(f) for f in fields).lower()


def _claim_view(meta: Mapping[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    default = next((r for r in runs if r.get("control") is None), None)
    by_name = {r.get("control"): r for r in runs if r.get("control") is not None}
    controls = [(nc, by_name.pop(nc["name"], None)) for nc in meta.get("negative_controls", [])]
    controls += [({"name": name, "params": r.get("params", {}), "description": ""}, r) for name, r in by_name.items()]
    ran = [r for _, r in controls if r is not None]
    evidence = {e["method"]: e for e in (default or {}).get("evidence", [])}
    verdict = default["verdict"] if default else "missing"
    return {
        "meta": meta, "run": default, "controls": controls, "evidence": evidence,
        "verdict": verdict, "passed": bool(default and default.get("passed")),
        "controls_refuted": sum(r["verdict"] == "refuted" for r in ran), "controls_run": len(ran),
        "controls_passed": all(r.get("passed") for r in ran),
        "seconds": sum(float(r.get("seconds") or 0) for r in runs),
        "search": _search_text(meta, runs), "anchor": _anchor(str(meta.get("id", ""))),
    }


def _hierarchy(doc: Mapping[str, Any], claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    for c in claims:
        sid = str(c["meta"].get("source", ""))
        src = sources.setdefault(sid, {"id": sid, "info": doc.get("sources", {}).get(sid, {}), "sections": {}})
        src["sections"].setdefault(str(c["meta"].get("section") or "Other"), []).append(c)
    return [{**s, "sections": list(s["sections"].items()), "count": sum(len(v) for v in s["sections"].values())}
            for _, s in sorted(sources.items())]


def _summary(claims: list[dict[str, Any]], results: list[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {v: sum(c["verdict"] == v for c in claims) for v in (*VERDICTS, "missing")}
    controls = [r for r in results if r.get("control") is not None]
    return {
        "claims": len(claims), "counts": counts, "holds": counts["proved"] + counts["supported"],
        "unexpected": [c for c in claims if not c["passed"]],
        "controls": len(controls), "controls_refuted": sum(r["verdict"] == "refuted" for r in controls),
        "controls_failed": [r for r in controls if not r.get("passed")],
        "runs": len(results), "runs_passed": sum(bool(r.get("passed")) for r in results),
    }


def _mutants(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The mutation-testing table (``doc["mutants"]``, a list of ``MutantResult.to_json()``), or ``None``."""
    if "mutants" not in doc:
        return None
    rows = []
    for m in doc.get("mutants") or []:
        verdicts = dict(m.get("verdicts") or {})
        caught_by = [str(c) for c in m.get("caught_by") or []]
        rows.append({"name": str(m.get("name", "")), "description": str(m.get("description", "")),
                     "target": str(m.get("target", "")), "caught": bool(m.get("caught", bool(caught_by))),
                     "caught_by": caught_by, "verdicts": [(str(k), str(v)) for k, v in verdicts.items()]})
    return {"rows": rows, "total": len(rows), "caught": sum(r["caught"] for r in rows),
            "missed": [r for r in rows if not r["caught"]]}


def build(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The view model of a results document: summary, claims, hierarchy, changes."""
    results = list(doc.get("results", []))
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_claim.setdefault(r["claim_id"], []).append(r)
    metas = {c["id"]: c for c in doc.get("claims", [])}
    for cid in by_claim:
        metas.setdefault(cid, {"id": cid, "title": cid, "source": cid.split("/", 1)[0], "section": "",
                               "statement": "", "quote": "", "notes": "", "params": {}, "methods": [],
                               "negative_controls": []})
    claims = [_claim_view(m, by_claim.get(cid, [])) for cid, m in metas.items()]
    return {"doc": doc, "env": doc.get("environment", {}), "claims": claims,
            "sources": _hierarchy(doc, claims), "summary": _summary(claims, results),
            "changes": compare(doc), "mutants": _mutants(doc),
            "source_ids": sorted({str(c["meta"].get("source", "")) for c in claims})}


def render(doc: dict[str, Any]) -> str:
    """HTML for a results document; all text from claims is escaped."""
    return _ENV.get_template("report.html.j2").render(**build(doc))


__all__ = ["render", "build"]
