"""Whole-repository invariants: documented claims, no code evaluation of strings, clean exports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import verifiers
from verifiers import collect

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("claims", "verifiers", "reports")
FORBIDDEN_CALLS = {"eval", "exec", "sympify", "parse_expr", "S"}


def _python_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_string_is_evaluated_as_code():
    """Nothing from a claim or results file can be run: no eval/exec/sympify/parse_expr calls on strings."""
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                string_arg = any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
                if name in FORBIDDEN_CALLS - {"S"} or (name == "S" and string_arg):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
    assert offenders == []


#: Deserializers that can run code from a file: (module alias, attribute). Results files are JSON only.
UNSAFE_LOADERS = {("pickle", "load"), ("pickle", "loads"), ("pickle", "Unpickler"), ("marshal", "load"),
                  ("marshal", "loads"), ("shelve", "open"), ("dill", "load"), ("dill", "loads"),
                  ("cloudpickle", "load"), ("cloudpickle", "loads"), ("yaml", "load"), ("yaml", "unsafe_load"),
                  ("yaml", "full_load"), ("torch", "load"), ("np", "load"), ("numpy", "load"), ("jsonpickle", "decode")}
UNSAFE_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}


def test_no_file_is_deserialized_into_code():
    """Nothing reads pickles, YAML tags, torch/NumPy pickles: a results or claim file can only be data (JSON)."""
    offenders = []
    extra = [p for folder in ("benchmarks", "scripts") for p in sorted((ROOT / folder).rglob("*.py"))]
    for path in [*_python_files(), *extra]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                offenders += [f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
                offenders.append(f"{where} from {node.module} import")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in UNSAFE_LOADERS):
                offenders.append(f"{where} {node.func.value.id}.{node.func.attr}()")
    assert offenders == []


def test_every_claim_module_documents_its_statement_and_citation():
    """Each module declaring a claim has a docstring, and each claim a quote, a section and a statement."""
    for c in collect().claims:
        module = sys.modules[c.module]
        assert module.__doc__ and len(module.__doc__.strip()) > 40, c.module
        assert c.reference.quote and c.reference.section and c.statement, c.id


def test_every_claim_that_runs_has_a_negative_control():
    """Teeth: every non-skipped claim ships at least one false variant."""
    assert all(c.negative_controls for c in collect().claims if c.expect != "skipped")


def test_public_exports_exist():
    """`verifiers.__all__` names only things that exist."""
    assert all(hasattr(verifiers, name) for name in verifiers.__all__)


def test_no_library_function_is_named_like_a_test():
    """Library helpers named test_* would be collected by pytest."""
    offenders = [f"{p.relative_to(ROOT)}:{n.name}" for p in _python_files()
                 for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                 if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    assert offenders == []
