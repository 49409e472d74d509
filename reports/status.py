"""Blueprint-style statuses: what was done for each claim, and what each check covers.

A claim is *stated* (scaffolded from a paper, not yet checked), *proved* (a symbolic derivation of
the whole statement, with its premises), *special case proved* (a symbolic proof of a restriction,
e.g. n = 2, and the rest supported), *supported* (no violation at the stated resolution, over the
explored range), *refuted*, *inconclusive*, *error* or *skipped*. A check's badge says what it
covers: "proved for n = 2" is never shown as "proved", and a check that does not bear on a negative
control's false part is "not applicable to this variant".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reports.text import flat

#: Claim statuses, in the order the report lists them.
STATUSES = ("proved", "special-case", "supported", "refuted", "inconclusive", "error", "stated", "skipped", "missing")
LABELS = {"proved": "proved", "special-case": "special case proved", "supported": "supported", "refuted": "refuted",
          "inconclusive": "inconclusive", "error": "error", "stated": "stated, not yet checked", "skipped": "skipped",
          "missing": "not run"}
MEANINGS = {
    "proved": "a symbolic (SymPy) derivation covers the whole statement; every step is machine-checked or a listed, "
              "cited premise",
    "special-case": "a symbolic derivation proves a special case (named, e.g. n = 2); the general statement is only "
                    "supported by the other checks",
    "supported": "checks that could have refuted the statement did not, at the stated resolution and over the "
                 "explored range; this is evidence, not a proof",
    "refuted": "a counterexample, or a deviation significant at the check's error level",
    "inconclusive": "too little evidence either way (e.g. an interval wider than the resolution)",
    "error": "a check crashed or timed out; the run went on",
    "stated": "scaffolded from the paper's LaTeX; not yet formalized or checked",
    "skipped": "not run here (e.g. needs hardware that is absent)",
    "missing": "declared but absent from this run",
}
ORIGINS = {"source": "the sources' statements", "literature": "literature results", "ours": "our own findings",
           "unspecified": "origin not declared"}
_EXPLORED = {"examples": "examples", "largest_n": "largest n", "largest_abs": "largest |entry|",
             "largest_magnitude": "largest magnitude"}


def origin_kind(meta: Mapping[str, Any]) -> str:
    """``source``, ``literature``, ``ours`` or ``unspecified``."""
    origin = meta.get("origin") or {}
    kind = origin.get("kind") if isinstance(origin, Mapping) else None
    return kind if kind in ORIGINS else "unspecified"


def scope_kind(e: Mapping[str, Any]) -> str:
    scope = e.get("scope") or {}
    return str(scope.get("kind", "instance")) if isinstance(scope, Mapping) else "instance"


def scope_label(e: Mapping[str, Any]) -> str:
    """Plain words for a check's scope ("whole statement", "special case n = 2", ...)."""
    scope = e.get("scope") or {}
    if not isinstance(scope, Mapping):
        return ""
    if scope.get("label"):
        return flat(scope["label"])
    kind, restriction = scope.get("kind", ""), flat(scope.get("restriction", ""))
    return {"statement": "whole statement", "special-case": f"special case {restriction}",
            "instance": f"instance: {restriction}" if restriction else "one instance",
            "not-applicable": "not applicable to this variant"}.get(kind, kind)


def check_badge(e: Mapping[str, Any]) -> tuple[str, str]:
    """(CSS class suffix, text) of a check's badge: a proof's scope is part of its badge."""
    verdict, kind = str(e.get("verdict", "")), scope_kind(e)
    if kind == "not-applicable":
        return "na", "not applicable"
    if verdict == "proved" and (kind != "statement" or e.get("method") != "symbolic"):
        restriction = flat((e.get("scope") or {}).get("restriction", "")) or "an instance"
        return "special-case", f"proved for {restriction}"
    return verdict, verdict


def proves(e: Mapping[str, Any]) -> bool:
    """A symbolic proof of the whole statement."""
    return e.get("method") == "symbolic" and e.get("verdict") == "proved" and scope_kind(e) == "statement"


def special_cases(evidence: Iterable[Mapping[str, Any]]) -> list[str]:
    """The restrictions under which a symbolic check proved the statement."""
    return [flat((e.get("scope") or {}).get("restriction", "")) or "an instance" for e in evidence
            if e.get("verdict") == "proved" and not proves(e)]


def status(meta: Mapping[str, Any], run: Mapping[str, Any] | None) -> str:
    """The blueprint status of a claim from its default run."""
    verdict = str(run.get("verdict")) if run else "missing"
    if "stated" in (meta.get("tags") or ()) and verdict in ("skipped", "missing"):
        return "stated"
    evidence = list((run or {}).get("evidence") or [])
    if verdict == "supported" and special_cases(evidence):
        return "special-case"
    return verdict if verdict in LABELS else "error"


def explored(e: Mapping[str, Any]) -> str:
    """What a search covered, in words ("150 examples, largest n 32, largest |entry| 1e3")."""
    items = e.get("explored") or {}
    if not isinstance(items, Mapping):
        return ""
    parts = []
    for key, value in items.items():
        label = _EXPLORED.get(key, str(key).replace("_", " "))
        parts.append(f"{label} {_short(value)}")
    return ", ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_short(v) for v in value[:6]) + (", …" if len(value) > 6 else "") + "]"
    return flat(value)


def detail(meta: Mapping[str, Any], run: Mapping[str, Any] | None, key: str) -> dict[str, Any]:
    """What the status rests on: premises of the proof, special cases, resolutions and explored ranges."""
    evidence = [e for e in (run or {}).get("evidence") or [] if scope_kind(e) != "not-applicable"]
    proofs = [e for e in evidence if proves(e)]
    premises = [p for e in proofs for p in e.get("premises") or []]
    basis = [{"method": e.get("method"), "verdict": e.get("verdict"), "scope": scope_label(e),
              "resolution": flat((e.get("resolution") or {}).get("label", "")), "explored": explored(e)}
             for e in evidence if e.get("verdict") in ("supported", "proved") and not proves(e)]
    against = [e for e in evidence if e.get("verdict") in ("refuted", "error", "inconclusive")]
    return {"key": key, "label": LABELS[key], "meaning": MEANINGS[key], "proofs": proofs, "premises": premises,
            "special": special_cases(evidence), "basis": basis, "against": against}


__all__ = ["STATUSES", "LABELS", "MEANINGS", "ORIGINS", "origin_kind", "scope_kind", "scope_label", "check_badge",
           "proves", "special_cases", "status", "explored", "detail"]
