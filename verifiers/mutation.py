"""Mutation testing: break a shared implementation and see which claims catch it.

A source declares ``Mutant`` values (conventionally in ``claims/<source>/mutants.py``).
Each names an implementation (``"package.module:attribute"``), a broken
replacement and the claims expected to notice. The report runs each mutant against
every claim whose module uses the target module (:func:`affected`), not only the
listed ones, so "caught by" says which claims really notice it. While a mutant is active the
attribute is replaced in its module *and* in every module of the claim's
source that imported it by name, so ``from x import f`` bindings see the
mutant too. A mutant is *caught* when at least one claim no longer passes (it comes out refuted,
or a true claim becomes inconclusive or an error).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from verifiers.budget import Budget
from verifiers.collect import Catalogue, default_packages
from verifiers.errors import InvalidArgument
from verifiers.model import ClaimResult
from verifiers.runner import run_claim


@dataclass(frozen=True)
class Mutant:
    """A deliberately broken implementation.

    Parameters
    ----------
    name : str
        Short unique name, e.g. ``"sparsemax-threshold-sign"``.
    description : str
        What was broken, in one sentence.
    target : str
        ``"package.module:attribute"`` of the implementation to replace.
    replacement : callable
        The broken implementation (same signature as the original).
    claims : tuple of str
        Ids of the claims that should catch it.
    """

    name: str
    description: str
    target: str
    replacement: Callable[..., Any]
    claims: tuple[str, ...]


@dataclass(frozen=True)
class MutantResult:
    """Which claims caught one mutant (among every claim that was run while it was active)."""

    mutant: Mutant
    runs: tuple[ClaimResult, ...]

    @property
    def caught_by(self) -> list[str]:
        """Ids of the claims that no longer pass while the mutant is active (refuted, or a true claim that
        became inconclusive or an error): the suite turns red, as a killed mutant does in mutmut."""
        return [r.claim_id for r in self.runs if not r.passed]

    def to_json(self) -> dict[str, Any]:
        """Plain record for the results document."""
        return {"name": self.mutant.name, "description": self.mutant.description, "target": self.mutant.target,
                "caught": bool(self.caught_by), "caught_by": self.caught_by, "listed": list(self.mutant.claims),
                "ran": [r.claim_id for r in self.runs], "verdicts": {r.claim_id: r.verdict for r in self.runs}}


def collect_mutants(packages: list[str] | None = None) -> list[Mutant]:
    """Every ``Mutant`` declared in a ``mutants`` module of the source packages."""
    found: list[Mutant] = []
    for name in packages if packages is not None else default_packages():
        try:
            module = importlib.import_module(f"{name}.mutants")
        except ModuleNotFoundError as exc:
            if exc.name == f"{name}.mutants":
                continue
            raise
        found += [m for m in vars(module).values() if isinstance(m, Mutant)]
    return found


@contextmanager
def active(mutant: Mutant) -> Iterator[None]:
    """Replace the target everywhere it is bound by name, and restore it afterwards."""
    module_name, _, attribute = mutant.target.partition(":")
    try:
        module = importlib.import_module(module_name)
        original = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise InvalidArgument(f"mutant {mutant.name!r}: cannot find target {mutant.target!r} ({exc})") from None
    root = module_name.split(".")[0]
    patched = [m for name, m in list(sys.modules.items())
               if name.split(".")[0] == root and m is not None and getattr(m, attribute, None) is original]
    for m in patched:
        setattr(m, attribute, mutant.replacement)
    try:
        yield
    finally:
        for m in patched:
            setattr(m, attribute, original)


def mutant_named(name: str) -> Mutant:
    """The declared mutant called ``name``."""
    found = next((m for m in collect_mutants() if m.name == name), None)
    if found is None:
        raise InvalidArgument(f"no mutant named {name!r}")
    return found


def dependencies(module_name: str) -> set[str]:
    """The modules of the same root package that ``module_name`` uses, transitively (itself included).

    A module uses another when its namespace holds that module, or a function or
    class defined in it (``from x import f``).
    """
    root = module_name.split(".")[0]
    seen: set[str] = set()
    pending = [module_name]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        module = sys.modules.get(name) or importlib.import_module(name)
        for value in vars(module).values():
            used = value.__name__ if isinstance(value, type(sys)) else getattr(value, "__module__", None)
            if isinstance(used, str) and used.split(".")[0] == root and used not in seen:
                pending.append(used)
    return seen


def affected(mutant: Mutant, catalogue: Catalogue) -> list[str]:
    """Ids of every claim whose module uses the mutant's target module (directly or through others)."""
    target = mutant.target.partition(":")[0]
    return [c.id for c in catalogue.claims if c.expect != "skipped" and target in dependencies(c.module)]


def run_mutant(mutant: Mutant, catalogue: Catalogue, *, budget: Budget, seed: int,
               claims: tuple[str, ...] | None = None) -> MutantResult:
    """Run claims at their defaults while the mutant is active: ``claims`` (default: every affected claim)."""
    chosen = claims if claims is not None else tuple(affected(mutant, catalogue))
    missing = [cid for cid in (*chosen, *mutant.claims) if catalogue.get(cid) is None]
    if missing:
        raise InvalidArgument(f"mutant {mutant.name!r} names unknown claims: {', '.join(missing)}")
    with active(mutant):
        runs = tuple(run_claim(catalogue.get(cid), budget=budget, seed=seed) for cid in chosen)
    return MutantResult(mutant, runs)

__all__ = [
    "Mutant", "MutantResult", "collect_mutants", "active", "mutant_named", "dependencies", "affected",
    "run_mutant",
]
