"""Downloads embedded in the page: ``claims.csv`` (one row per claim), ``checks.csv`` (one row per check of
every run, controls included) and ``results.json`` (the whole document), in one inert JSON script element
that the page turns into files on demand (no network, nothing parsed at load).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from reports.status import LABELS, check_badge, scope_label
from reports.text import flat

_METHODS = ("symbolic", "property", "montecarlo", "empirical", "experiment")


def _csv(header: Sequence[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def claims_csv(claims: Sequence[Mapping[str, Any]]) -> str:
    """One row per claim: id, title, origin, status, each method's badge, controls, time, code path."""
    rows = []
    for c in claims:
        m = c["meta"]
        evidence = {e.get("method"): e for e in (c["run"] or {}).get("evidence") or []}
        rows.append([m.get("id"), flat(m.get("title", "")), m.get("source"), c["origin"], LABELS[c["status"]],
                     c["verdict"], m.get("expect", "holds"), "yes" if c["passed"] else "no",
                     *[check_badge(evidence[k])[1] if k in evidence else "" for k in _METHODS],
                     f"{c['controls_refuted']}/{c['controls_run']}", f"{c['seconds']:.3f}", m.get("path", "")])
    return _csv(["id", "title", "source", "origin", "status", "verdict", "expected", "as expected", *_METHODS,
                 "controls refuted", "seconds", "path"], rows)


def checks_csv(results: Sequence[Mapping[str, Any]]) -> str:
    """One row per check of every run (claims and controls)."""
    rows = []
    for r in results:
        for e in r.get("evidence") or []:
            res = e.get("resolution") or {}
            rows.append([r.get("key"), r.get("claim_id"), r.get("control") or "", e.get("method"), e.get("verdict"),
                         check_badge(e)[1], scope_label(e), flat(res.get("label", "")), res.get("value", ""),
                         flat(e.get("reason", "")), f"{float(e.get('seconds') or 0):.3f}", e.get("reproduce") or ""])
    return _csv(["run", "claim", "control", "method", "verdict", "badge", "scope", "resolution", "resolution value",
                 "reason", "seconds", "reproduce"], rows)


def embedded(doc: Mapping[str, Any], claims: Sequence[Mapping[str, Any]]) -> str:
    """The ``<script type="application/json" id="downloads">`` element holding every download."""
    files = {"claims.csv": claims_csv(claims), "checks.csv": checks_csv(doc.get("results", [])),
             "results.json": doc}
    text = json.dumps(files, default=str, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="downloads">{text}</script>'


__all__ = ["claims_csv", "checks_csv", "embedded"]
