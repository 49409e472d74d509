"""The collector: finds claims in source packages and rejects malformed ones with InvalidClaim."""

from __future__ import annotations

import itertools
import sys
import textwrap

import pytest

from verifiers import InvalidClaim, collect

_counter = itertools.count()

HEADER = """
from verifiers import (Choice, Context, NegativeControl, Outcome, Real, Reference, Source, check, claim,
                       SOURCE_STATEMENT)
REF = Reference("{src}", "Section", "a quoted sentence")
"""

GOOD = """
C = claim(id="{src}/good", title="A title", statement=r"x", reference=REF, origin=SOURCE_STATEMENT,
          params={{"b": Real(1.0)}},
          negative_controls=(NegativeControl("neg", {{"b": -1.0}}, "false"),))

@check(C, "property")
def prop(ctx: Context) -> Outcome:
    return Outcome(verdict="supported", reason="ok")
"""


def make_source(tmp_path, module_body: str, extra: str = "") -> str:
    """Write a throw-away source package and return its importable name."""
    name = f"tmpsrc{next(_counter)}"
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        f'from verifiers import Source\nSOURCE = Source("{name}", "T", "A", "V", "U")\n')
    (pkg / "mod.py").write_text(textwrap.dedent(HEADER.format(src=name) + module_body.format(src=name)))
    if extra:
        (pkg / "other.py").write_text(textwrap.dedent(HEADER.format(src=name) + extra.format(src=name)))
    sys.path.insert(0, str(tmp_path))
    return name


@pytest.fixture(autouse=True)
def _restore_sys_path():
    saved = list(sys.path)
    yield
    sys.path[:] = saved


def test_a_valid_source_is_collected_with_its_checks(tmp_path):
    """A well-formed claim comes back with its check attached and its module recorded."""
    name = make_source(tmp_path, GOOD)
    catalogue = collect([name])
    (c,) = catalogue.claims
    assert c.id == f"{name}/good" and list(c.checks) == ["property"] and c.module == f"{name}.mod"
    assert catalogue.sources[name].title == "T"


@pytest.mark.parametrize(
    ("replacement", "field", "message"),
    [
        ('id="{src}/Bad Id"', "id", "expected 'source/slug' in lowercase"),
        ('id="other/good"', "id", "expected the prefix"),
        ('title=""', "title", "must be a non-empty string"),
        ('statement="  "', "statement", "must be a non-empty string"),
        ('params={{"b": 3}}', "params.b", "expected Real, Integer, Flag, Choice, Choices or Vector"),
        ('params={{"b": Real(1.0, 2.0)}}', "params.b.default", "expected a value in [2, inf)"),
        ("negative_controls=()", "negative_controls", "expected at least one negative control"),
        ('negative_controls=(NegativeControl("n", {{"c": 1.0}}, "d"),)', "negative_controls.n.c",
         "unknown parameter"),
        ('negative_controls=(NegativeControl("n", {{"b": "x"}}, "d"),)', "negative_controls.n.b",
         "expected a real number"),
    ],
    ids=["id-format", "id-prefix", "title", "statement", "param-type", "param-default", "no-control",
         "control-unknown-param", "control-bad-value"],
)
def test_malformed_claims_are_rejected_naming_module_id_and_field(tmp_path, replacement, field, message):
    """Each malformed field raises InvalidClaim with the module, the claim id and the field."""
    key = replacement.split("=", 1)[0]
    body = GOOD.replace(next(part for part in [
        'id="{src}/good"', 'title="A title"', 'statement=r"x"', 'params={{"b": Real(1.0)}}',
        'negative_controls=(NegativeControl("neg", {{"b": -1.0}}, "false"),)'] if part.startswith(key)),
        replacement)
    name = make_source(tmp_path, body)
    with pytest.raises(InvalidClaim) as info:
        collect([name])
    assert f"in module {name}.mod" in str(info.value)
    assert f"at `{field}`" in str(info.value)
    assert message in str(info.value)
    assert info.value.field == field


def test_duplicate_ids_are_rejected(tmp_path):
    """The same id declared in two modules is an error naming the first module."""
    name = make_source(tmp_path, GOOD, extra=GOOD)
    with pytest.raises(InvalidClaim, match=r"already declared in module tmpsrc\d+\.mod"):
        collect([name])


def test_a_claim_without_checks_is_rejected(tmp_path):
    """A claim with no @check function is not silently accepted."""
    name = make_source(tmp_path, GOOD.split("@check")[0])
    with pytest.raises(InvalidClaim, match="expected at least one @check function"):
        collect([name])


def test_a_check_for_an_undeclared_claim_is_rejected(tmp_path):
    """A @check aimed at a claim of another module is reported."""
    body = GOOD + "\nD = claim(id='{src}/ghost', title='t', statement='s', reference=REF, origin=SOURCE_STATEMENT)\n" \
                  "@check(D, 'symbolic')\ndef ghost(ctx):\n    return None\ndel D\n"
    name = make_source(tmp_path, body)
    with pytest.raises(InvalidClaim, match="targets a claim not declared in this module"):
        collect([name])


def test_an_unknown_method_is_rejected(tmp_path):
    """Method names come from the closed vocabulary."""
    name = make_source(tmp_path, GOOD.replace('check(C, "property")', 'check(C, "vibes")'))
    with pytest.raises(InvalidClaim, match="unknown method 'vibes'"):
        collect([name])


def test_a_package_without_source_metadata_is_rejected(tmp_path):
    """A source package must declare SOURCE."""
    pkg = tmp_path / "nosource"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    with pytest.raises(InvalidClaim, match="must define SOURCE"):
        collect(["nosource"])


def test_the_shipped_catalogue_is_valid():
    """Every claim shipped in the claims package passes validation and ids are unique."""
    catalogue = collect()
    ids = [c.id for c in catalogue.claims]
    assert len(ids) == len(set(ids)) >= 4
    assert {"pu2026/sop", "pu2026/jacobian-softmax", "pu2026/ssm-logz-bias", "cs231n/shift-invariance"} <= set(ids)


def test_a_module_that_fails_to_import_is_reported_as_invalid(tmp_path):
    """A syntax error or import-time crash in a claim module names the module instead of a traceback."""
    name = make_source(tmp_path, GOOD, extra="def broken(:\n")
    with pytest.raises(InvalidClaim, match=rf"in module {name}.other - at `module`: cannot import: SyntaxError"):
        collect([name])
