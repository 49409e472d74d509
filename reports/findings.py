"""The Findings section: what a reviewer should read first.

- **Source readings refuted**: negative controls marked as the source's own (false or loose)
  reading (``source_reading``) that came out refuted; any that did not are listed as not confirmed.
- **Open questions**: claims that answer a question the source leaves open (tag ``open-question``
  or a section naming open questions), and claims the checks could not decide.
- **Tensions**: where two claims seem to disagree, the explanation their notes give (the passage
  of the notes that starts with "Tension"), with links to the claims it names.

Status changes since a compared run come from :mod:`reports.compare`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")
_TENSION = re.compile(r"\bTensions?\b")
_STOP = re.compile(r"^(`|The parameter|Control|The negative control|Parameters?\b)")


def source_readings(claims: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(refuted, not refuted) source readings: one record per control marked ``source_reading``."""
    refuted, open_ = [], []
    for c in claims:
        for nc, run in c["controls"]:
            if not nc.get("source_reading"):
                continue
            item = {"claim": c, "control": nc, "run": run, "verdict": (run or {}).get("verdict", "missing")}
            (refuted if item["verdict"] == "refuted" else open_).append(item)
    return refuted, open_


def open_questions(claims: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Claims answering an open question of the source, then claims whose checks were inconclusive."""
    asked = [c for c in claims if "open-question" in (c["meta"].get("tags") or ())
             or "open question" in str(c["meta"].get("section", "")).lower()]
    undecided = [c for c in claims if c["status"] == "inconclusive" and c not in asked]
    return asked + undecided


def tension_text(notes: str) -> str:
    """The passage of ``notes`` that explains a tension with another claim ("" if none)."""
    m = _TENSION.search(notes or "")
    if not m:
        return ""
    sentences = _SENTENCE.split(notes[m.start():].strip())
    kept = [sentences[0]]
    for s in sentences[1:]:
        if _STOP.match(s) or "\n\n" in s:
            break
        kept.append(s)
    return " ".join(kept).strip()


def tensions(claims: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One record per claim whose notes explain a tension, with the claims the explanation names."""
    by_slug: dict[str, Mapping[str, Any]] = {}
    for c in claims:
        cid = str(c["meta"].get("id", ""))
        by_slug[cid] = c
        by_slug.setdefault(cid.split("/", 1)[-1], c)
    found = []
    for c in claims:
        text = tension_text(str(c["meta"].get("notes", "")))
        if not text:
            continue
        named = []
        for token in re.findall(r"[a-z0-9]+/[a-z0-9-]+[a-z0-9]|\b[a-z0-9]+(?:-[a-z0-9]+)+\b", text):
            other = by_slug.get(token)
            if other is not None and other is not c and other not in named:
                named.append(other)
        found.append({"claim": c, "text": text, "others": named})
    return found


__all__ = ["source_readings", "open_questions", "tension_text", "tensions"]
