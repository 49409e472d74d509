"""What changed between two results documents, matching runs by their ``key``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Moved:
    """A Monte Carlo estimate that left the other run's confidence interval."""

    key: str
    method: str
    old: float
    old_ci: tuple[float, float]
    new: float
    new_ci: tuple[float, float]


@dataclass
class Changes:
    """Differences between an old and a new run list."""

    path: str
    old_env: Mapping[str, Any]
    new_failures: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    new_passes: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    flips: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    method_flips: list[tuple[str, str, str, str]] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    env_changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No change in any run."""
        return not (self.new_failures or self.new_passes or self.flips or self.method_flips or self.moved
                    or self.added or self.removed)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f else None


def _interval(stats: Mapping[str, Any]) -> tuple[float, float, float] | None:
    est, lo, hi = (_num(stats.get(k)) for k in ("estimate", "ci_low", "ci_high"))
    if est is None or lo is None or hi is None:
        return None
    return est, lo, hi


def _by_method(run: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {e.get("method", "?"): e for e in run.get("evidence", [])}


def _moved(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterable[Moved]:
    olds = _by_method(old)
    for method, e in _by_method(new).items():
        a, b = _interval(olds.get(method, {}).get("statistics") or {}), _interval(e.get("statistics") or {})
        if a is None or b is None:
            continue
        if not (a[1] <= b[0] <= a[2]) or not (b[1] <= a[0] <= b[2]):
            yield Moved(key, method, a[0], (a[1], a[2]), b[0], (b[1], b[2]))


def _env_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    flat_old = {**{k: v for k, v in old.items() if k != "versions"}, **(old.get("versions") or {})}
    flat_new = {**{k: v for k, v in new.items() if k != "versions"}, **(new.get("versions") or {})}
    skip = {"date", "wall_seconds"}
    return [(k, flat_old.get(k), flat_new.get(k)) for k in sorted(set(flat_old) | set(flat_new))
            if k not in skip and flat_old.get(k) != flat_new.get(k)]


def compare(doc: Mapping[str, Any]) -> Changes | None:
    """The changes of ``doc`` relative to ``doc["compared_with"]``; None when there is nothing to compare."""
    ref = doc.get("compared_with")
    if not isinstance(ref, Mapping):
        return None
    old = {r["key"]: r for r in ref.get("results", []) if isinstance(r, Mapping) and "key" in r}
    new = {r["key"]: r for r in doc.get("results", [])}
    ch = Changes(path=str(ref.get("path", "")), old_env=ref.get("environment") or {},
                 env_changes=_env_changes(ref.get("environment") or {}, doc.get("environment") or {}))
    for key, r in new.items():
        o = old.get(key)
        if o is None:
            ch.added.append(r)
            if not r.get("passed"):
                ch.new_failures.append((r, None))
            continue
        if o.get("passed") and not r.get("passed"):
            ch.new_failures.append((r, o))
        elif not o.get("passed") and r.get("passed"):
            ch.new_passes.append((r, o))
        if o.get("verdict") != r.get("verdict"):
            ch.flips.append((r, o))
        olds = _by_method(o)
        for method, e in _by_method(r).items():
            before = olds.get(method, {}).get("verdict")
            if before is not None and before != e.get("verdict"):
                ch.method_flips.append((key, method, before, e.get("verdict")))
        ch.moved.extend(_moved(key, o, r))
    ch.removed = [o for key, o in old.items() if key not in new]
    return ch
