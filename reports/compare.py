"""What changed between a run and the run it is compared with, each change listed once.

Runs are matched by their ``key``. The order is the reading order of the report: verdict flips
(claims whose status changed, then negative controls whose verdict changed, each with the checks
that flipped inside it), then checks that flipped while their run's verdict stayed, then numeric
drift of each check's headline quantity (delta, the delta in units of the old interval's
half-width where there is one, and the change in sample count), then mutants
caught before and missed now. ``compared_with`` is the summary written by
:func:`verifiers.results.comparison` (a full older document is read the same way).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reports.status import status

#: The headline quantity of a check, first found wins; and its sample count.
HEADLINE = ("estimate", "slope", "effect", "best", "gap", "value", "residual", "max_error", "statistic")
SAMPLES = ("samples", "n", "seeds")
#: Changes below this (relative to the larger of 1 and the values) are float noise, not drift.
NOISE = 1e-12


@dataclass(frozen=True)
class Flip:
    """A run whose verdict (for a claim: its status) changed; ``checks`` lists its checks that changed
    (method, before, after). ``old``/``new`` are statuses for a claim (``proved``, ``special-case``, ...)
    and verdicts for a negative control."""

    key: str
    claim_id: str
    control: str | None
    old: str
    new: str
    expected: str
    passed_before: bool
    passed_now: bool
    checks: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Drift:
    """A check's headline number or sample count that changed."""

    key: str
    claim_id: str
    method: str
    quantity: str
    old: float | None
    new: float | None
    half_width: float | None
    old_samples: float | None
    new_samples: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def in_half_widths(self) -> float | None:
        """|delta| in units of the old interval's half-width (``None`` without an interval)."""
        d = self.delta
        return abs(d) / self.half_width if d is not None and self.half_width else None

    @property
    def beyond(self) -> bool:
        """The new value lies outside the old interval."""
        return (self.in_half_widths or 0.0) > 1.0


@dataclass
class Changes:
    """Differences between the compared (old) run and this one."""

    path: str
    old_env: Mapping[str, Any]
    flips: list[Flip] = field(default_factory=list)
    check_flips: list[Flip] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    mutant_regressions: list[str] = field(default_factory=list)
    mutants_now_caught: list[str] = field(default_factory=list)
    added: list[Mapping[str, Any]] = field(default_factory=list)
    removed: list[Mapping[str, Any]] = field(default_factory=list)
    env_changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No verdict, number, mutant or run changed."""
        return not (self.flips or self.check_flips or self.drift or self.mutant_regressions
                    or self.mutants_now_caught or self.added or self.removed)

    @property
    def claim_flips(self) -> list[Flip]:
        """Claims whose status changed (proved, special case proved, supported, refuted, ...)."""
        return [f for f in self.flips if f.control is None]

    @property
    def control_flips(self) -> list[Flip]:
        """Negative controls whose verdict changed."""
        return [f for f in self.flips if f.control is not None]

    @property
    def beyond(self) -> int:
        """How many numbers moved outside the old interval."""
        return sum(d.beyond for d in self.drift)


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _by_method(run: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(e.get("method", "?")): e for e in run.get("evidence") or [] if isinstance(e, Mapping)}


def _first(stats: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, float | None]:
    for k in keys:
        if _num(stats.get(k)) is not None:
            return k, _num(stats.get(k))
    return "", None


def _drift(key: str, claim_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Drift]:
    found = []
    olds = _by_method(old)
    for method, e in _by_method(new).items():
        a, b = olds.get(method, {}).get("statistics") or {}, e.get("statistics") or {}
        if not isinstance(a, Mapping) or not isinstance(b, Mapping):
            continue
        quantity = next((k for k in HEADLINE if _num(a.get(k)) is not None and _num(b.get(k)) is not None), "")
        x, y = (_num(a.get(quantity)), _num(b.get(quantity))) if quantity else (None, None)
        skey = next((k for k in SAMPLES if _num(a.get(k)) is not None and _num(b.get(k)) is not None), "")
        na, nb = (_num(a.get(skey)), _num(b.get(skey))) if skey else (None, None)
        moved = x is not None and y is not None and abs(x - y) > NOISE * max(1.0, abs(x), abs(y))
        if moved or na != nb:
            half = _num(a.get("half_width"))
            if half is None and _num(a.get("ci_high")) is not None and _num(a.get("ci_low")) is not None:
                half = (_num(a["ci_high"]) - _num(a["ci_low"])) / 2
            found.append(Drift(key, claim_id, method, quantity or "(none)", x, y, half or None, na, nb))
    return found


def _checks(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    olds = _by_method(old)
    return tuple((m, str(olds[m].get("verdict")), str(e.get("verdict"))) for m, e in _by_method(new).items()
                 if m in olds and olds[m].get("verdict") != e.get("verdict"))


def _env_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    flat_old = {**{k: v for k, v in old.items() if k != "versions"}, **(old.get("versions") or {})}
    flat_new = {**{k: v for k, v in new.items() if k != "versions"}, **(new.get("versions") or {})}
    skip = {"date", "wall_seconds"}
    return [(k, flat_old.get(k), flat_new.get(k)) for k in sorted(set(flat_old) | set(flat_new), key=str)
            if k not in skip and flat_old.get(k) != flat_new.get(k)]


def _mutants(ref: Mapping[str, Any], doc: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    before = {str(m.get("name")): bool(m.get("caught")) for m in ref.get("mutants") or [] if isinstance(m, Mapping)}
    now = {str(m.get("name")): bool(m.get("caught")) for m in doc.get("mutants") or [] if isinstance(m, Mapping)}
    regressed = [n for n, c in now.items() if not c and before.get(n)]
    fixed = [n for n, c in now.items() if c and n in before and not before[n]]
    return regressed, fixed


def _flip(key: str, r: Mapping[str, Any], o: Mapping[str, Any], meta: Mapping[str, Any]) -> Flip:
    before, now = str(o.get("verdict")), str(r.get("verdict"))
    if r.get("control") is None:
        before, now = status(meta, o), status(meta, r)
    return Flip(key, str(r.get("claim_id", "")), r.get("control"), before, now, str(r.get("expected", "")),
                bool(o.get("passed")), bool(r.get("passed")), _checks(o, r))


def compare(doc: Mapping[str, Any]) -> Changes | None:
    """The changes of ``doc`` relative to ``doc["compared_with"]``; None when there is nothing to compare."""
    ref = doc.get("compared_with")
    if not isinstance(ref, Mapping):
        return None
    old = {str(r["key"]): r for r in ref.get("results") or [] if isinstance(r, Mapping) and "key" in r}
    new = {str(r["key"]): r for r in doc.get("results", [])}
    env = ref.get("environment") if isinstance(ref.get("environment"), Mapping) else {}
    ch = Changes(path=str(ref.get("path", "")), old_env=env,
                 env_changes=_env_changes(env, doc.get("environment") or {}))
    metas = {c.get("id"): c for c in doc.get("claims", [])}
    for key, r in new.items():
        o = old.get(key)
        if o is None:
            ch.added.append(r)
            continue
        flip = _flip(key, r, o, metas.get(r.get("claim_id"), {}))
        if flip.old != flip.new:
            ch.flips.append(flip)
        elif flip.checks:
            ch.check_flips.append(flip)
        ch.drift.extend(_drift(key, flip.claim_id, o, r))
    ch.flips.sort(key=lambda f: (f.passed_now, f.control is not None, f.key))
    ch.drift.sort(key=lambda d: (not d.beyond, -(d.in_half_widths or 0.0), d.key))
    ch.removed = [o for key, o in old.items() if key not in new]
    ch.mutant_regressions, ch.mutants_now_caught = _mutants(ref, doc)
    return ch


__all__ = ["Flip", "Drift", "Changes", "compare", "HEADLINE", "SAMPLES", "NOISE"]
