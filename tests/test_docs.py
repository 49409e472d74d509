"""The guide documents every public name of verifiers, and the public modules declare what is public."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "adding-claims.md").read_text(encoding="utf-8")
PUBLIC = ("verifiers", "verifiers.params", "verifiers.budget", "verifiers.symbolic", "verifiers.property",
          "verifiers.strategies", "verifiers.montecarlo", "verifiers.sequential", "verifiers.empirical",
          "verifiers.distribution", "verifiers.experiment", "verifiers.probe", "verifiers.latex",
          "verifiers.mutation")


def _defined(module: str) -> list[str]:
    """Public top-level definitions (functions, classes, assignments) of a module's source."""
    path = Path(importlib.import_module(module).__file__)
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [n for n in names if not n.startswith("_")]


@pytest.mark.parametrize("module", PUBLIC)
def test_every_public_name_is_in_all_and_in_the_guide(module: str) -> None:
    mod = importlib.import_module(module)
    exported = list(mod.__all__)
    if module != "verifiers":
        assert sorted(set(_defined(module)) - set(exported)) == [], f"{module}: define __all__ or prefix with _"
    missing = [n for n in exported if not re.search(rf"`[^`\n]*\b{re.escape(n)}\b[^`\n]*`", GUIDE)]
    assert missing == [], f"{module}: not documented in docs/adding-claims.md: {missing}"
