"""Render a results document (see ``verifiers.results``) as one self-contained HTML page.

Reading order: a summary (blueprint statuses, counted apart for the sources' statements, literature
results and our own findings; negative controls, mutants, seed sweeps; the verdict legend; the
command that recreates the report; CSV and JSON downloads), then **Findings** (source readings
refuted, changes since the compared run, open questions, tensions between claims), a sortable and
filterable table of all claims, and source -> section -> claim cards (statement as MathML, the
quoted sentence under its own source's title, notes, each check with its scope, resolution, explored
range, premises and figures, negative controls, a link to the code). All text from the document is
escaped (Jinja2 autoescape; MathML is sanitized in :mod:`reports.math`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from reports import exports
from reports.compare import compare
from reports.figures import figure_blocks
from reports.findings import open_questions, source_readings, tensions
from reports.math import inline, mathml, prose, statement
from reports.stats import statistics_rows
from reports.status import (
    LABELS,
    MEANINGS,
    ORIGINS,
    STATUSES,
    check_badge,
    detail,
    explored,
    origin_kind,
    scope_label,
    status,
)
from reports.text import flat, readable, words

METHODS = ("symbolic", "property", "montecarlo", "empirical", "experiment")
VERDICTS = ("proved", "supported", "refuted", "inconclusive", "error", "skipped")
_STATUS_RANK = {s: i for i, s in enumerate(("refuted", "error", "inconclusive", "proved", "special-case",
                                           "supported", "stated", "skipped", "missing"))}


def _fmt(value: Any) -> str:
    """Numbers to 4 significant digits; lists shortened; everything else as readable text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        items = [_fmt(v) for v in value[:8]]
        return "[" + ", ".join(items) + (", …" if len(value) > 8 else "") + "]"
    if isinstance(value, Mapping):
        return ", ".join(f"{flat(k)} = {_fmt(v)}" for k, v in list(value.items())[:12])
    return flat(value)


def _count(value: Any) -> str:
    """A sample count: an integer with thousands separators (``–`` when absent)."""
    if value is None:
        return "–"
    try:
        f = float(value)
    except (TypeError, ValueError):
        return flat(value)
    return f"{int(f):,}" if f == int(f) else f"{f:.4g}"


def _seconds(value: Any) -> str:
    try:
        s = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def anchor(claim_id: Any, *parts: Any) -> str:
    """The element id of a claim (or of one of its checks or controls)."""
    name = "-".join(["claim", str(claim_id), *map(str, parts)])
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


def _link(url: Any) -> bool:
    """Whether ``url`` may be a link target: http(s) only (no ``javascript:`` or ``data:``)."""
    return bool(re.match(r"^https?://[^\s\"'<>]+$", str(url or "")))


def _code_href(root: Any, path: Any) -> str:
    """A relative link to a claim module (``root`` is the repository root relative to the report)."""
    path, root = str(path or ""), str(root or "")
    if not path or not re.match(r"^[\w./-]+$", path) or ".." in path.split("/"):
        return ""
    if root.startswith("file:///") and re.match(r"^file:///[\w./:-]+$", root):
        return f"{root.rstrip('/')}/{path}"
    if root and not re.match(r"^[\w./-]+$", root):
        return ""
    return f"{root.rstrip('/')}/{path}" if root else path


def _text(value: Any) -> Markup:
    """Check text (reasons, steps): SymPy and stray LaTeX made readable, ``$...$`` as MathML, the rest escaped."""
    return inline(readable(value))


_ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters.update(math=mathml, statement=statement, inline=inline, prose=prose, fmt=_fmt, count=_count,
                    seconds=_seconds, anchor=anchor, linkable=_link, text=_text, flat=flat)


def _asset(name: str) -> Markup:
    """A stylesheet or script from the templates folder, inlined verbatim (our own code, not claim text)."""
    return Markup(resources.files("reports").joinpath("templates", name).read_text(encoding="utf-8"))


_ENV.globals.update(METHODS=METHODS, VERDICTS=VERDICTS, STATUSES=STATUSES, LABELS=LABELS, MEANINGS=MEANINGS,
                    ORIGINS=ORIGINS, asset=_asset, check_badge=check_badge, scope_label=scope_label,
                    explored=explored, figure_blocks=figure_blocks, statistics_rows=statistics_rows,
                    code_href=_code_href)


def _search_text(meta: Mapping[str, Any]) -> str:
    fields = [meta.get(k, "") for k in ("id", "title", "quote", "notes", "section", "source", "path")]
    fields += [str(t).replace("-", " ") for t in meta.get("tags") or []]
    return " ".join([words(meta.get("statement", "")), words(meta.get("title", ""))]
                    + [flat(f).lower() for f in fields])


def _claim_view(meta: Mapping[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    default = next((r for r in runs if r.get("control") is None), None)
    by_name = {r.get("control"): r for r in runs if r.get("control") is not None}
    controls = [(nc, by_name.pop(nc["name"], None)) for nc in meta.get("negative_controls", [])]
    controls += [({"name": name, "params": r.get("params", {}), "description": ""}, r) for name, r in by_name.items()]
    ran = [r for _, r in controls if r is not None]
    key = status(meta, default)
    cid = str(meta.get("id", ""))
    return {
        "meta": meta, "run": default, "controls": controls, "status": key, "detail": detail(meta, default, key),
        "verdict": default["verdict"] if default else "missing", "passed": bool(default and default.get("passed")),
        "origin": origin_kind(meta), "controls_refuted": sum(r["verdict"] == "refuted" for r in ran),
        "controls_run": len(ran), "controls_passed": all(r.get("passed") for r in ran),
        "seconds": sum(float(r.get("seconds") or 0) for r in runs), "search": _search_text(meta),
        "anchor": anchor(cid), "rank": _STATUS_RANK.get(key, 9),
        "reproduce": f"claims check {cid} --controls --profile {{profile}} --seed {{seed}}",
    }


def _hierarchy(doc: Mapping[str, Any], claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    for c in claims:
        sid = str(c["meta"].get("source", ""))
        src = sources.setdefault(sid, {"id": sid, "info": doc.get("sources", {}).get(sid, {}), "sections": {}})
        src["sections"].setdefault(str(c["meta"].get("section") or "Other"), []).append(c)
    return [{**s, "sections": [(name, items, anchor(s["id"], "section", i)) for i, (name, items)
                               in enumerate(s["sections"].items())],
             "count": sum(len(v) for v in s["sections"].values())}
            for _, s in sorted(sources.items())]


def _summary(claims: list[dict[str, Any]], results: list[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {s: sum(c["status"] == s for c in claims) for s in STATUSES}
    by_origin = {}
    for kind in ORIGINS:
        group = [c for c in claims if c["origin"] == kind]
        if group:
            row = {s: sum(c["status"] == s for c in group) for s in STATUSES}
            by_origin[kind] = {"total": len(group), "counts": row, "stated": row["stated"],
                               "checked": len(group) - row["stated"] - row["skipped"] - row["missing"]}
    controls = [r for r in results if r.get("control") is not None]
    return {
        "claims": len(claims), "counts": counts, "by_origin": by_origin,
        "holds": counts["proved"] + counts["special-case"] + counts["supported"],
        "unexpected": [c for c in claims if not c["passed"] and c["status"] not in ("stated", "skipped")],
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


def _toc(sources: list[dict[str, Any]], present: Mapping[str, bool]) -> list[tuple[str, str, list[Any]]]:
    """(anchor, label, children) for the table of contents."""
    toc: list[tuple[str, str, list[Any]]] = [("summary", "Summary", []), ("findings", "Findings", []),
                                             ("all-claims", "All claims", [])]
    for s in sources:
        children = [(a, f"{name} ({len(items)})", []) for name, items, a in s["sections"]]
        toc.append((f"source-{s['id']}", str(s["info"].get("title") or s["id"]), children))
    for key, label in (("mutants", "Mutation testing"), ("benchmarks", "Benchmarks"),
                       ("invalid", "Claims not run (invalid)"), ("legend", "Legend"), ("environment", "Environment")):
        if present.get(key, True):
            toc.append((key, label, []))
    return toc


def build(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The view model of a results document: summary, findings, claims, hierarchy, changes."""
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
    env = dict(doc.get("environment", {}))
    for c in claims:
        c["reproduce"] = c["reproduce"].format(profile=env.get("profile", "quick"), seed=env.get("seed", 0))
    sources = _hierarchy(doc, claims)
    refuted, unconfirmed = source_readings(claims)
    mutants = _mutants(doc)
    invalid = list(doc.get("invalid_claims") or [])
    bench = doc.get("benchmarks") if isinstance(doc.get("benchmarks"), Mapping) else {}
    present = {"mutants": mutants is not None, "benchmarks": bool(bench), "invalid": bool(invalid)}
    return {"doc": doc, "env": env, "claims": claims, "sources": sources, "summary": _summary(claims, results),
            "changes": compare(doc), "mutants": mutants, "invalid": invalid, "benchmarks": bench,
            "readings": refuted, "readings_open": unconfirmed, "questions": open_questions(claims),
            "tensions": tensions(claims), "toc": _toc(sources, present),
            "source_titles": {k: (v or {}).get("title") or k for k, v in (doc.get("sources") or {}).items()},
            "source_ids": sorted({str(c["meta"].get("source", "")) for c in claims}),
            "downloads": Markup(exports.embedded(doc, claims))}


def render(doc: Mapping[str, Any]) -> str:
    """HTML for a results document; all text from claims is escaped."""
    return _ENV.get_template("report.html.j2").render(**build(doc))


__all__ = ["render", "build", "anchor", "METHODS", "VERDICTS"]
