"""Render a results document (see ``verifiers.results``) as one self-contained HTML page."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def render(doc: dict[str, Any]) -> str:
    """HTML for a results document; all text from claims is escaped."""
    results = doc["results"]
    counts: dict[str, int] = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_claim.setdefault(r["claim_id"], []).append(r)
    return _ENV.get_template("report.html.j2").render(
        doc=doc, counts=counts, by_claim=by_claim, passed=sum(r["passed"] for r in results), total=len(results))
