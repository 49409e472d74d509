"""The collector, verbatim quotes and the LaTeX dialect: every rejection message pinned (mutation kills)."""

from __future__ import annotations

import importlib
import itertools
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from tests.verifiers._fixtures import make_claim
from verifiers import InvalidClaim, NegativeControl, Real, latex, literature, quotes
from verifiers.model import Origin, Reference, Source

_count = itertools.count()
col = importlib.import_module("verifiers.collect")


def _valid(**changes):
    return replace(make_claim(**changes), module="demo.mod", checks={"property": print})


def _message(c, sources=("demo",), texts=None) -> str:
    with pytest.raises(InvalidClaim) as info:
        col.validate(c, tuple(Source(s, "T", "A", "V", "U") for s in sources), texts)
    return str(info.value)


def _prefix(claim_id: str, field: str) -> str:
    return f"invalid claim {claim_id!r} in module demo.mod - at `{field}`: "


def test_a_valid_claim_comes_back_unchanged() -> None:
    c = _valid()
    assert col.validate(c, "demo") is c
    assert col.validate(c, (Source("demo", "T", "A", "V", "U"), Source("other", "T", "A", "V", "U"))) is c


@pytest.mark.parametrize(("changes", "field", "message"), [
    (dict(id="Demo/x"), "id", "expected 'source/slug' in lowercase, got 'Demo/x'"),
    (dict(id="demo/-x"), "id", "expected 'source/slug' in lowercase, got 'demo/-x'"),
    (dict(id="other/x"), "id", "expected the prefix 'demo' of the package it is declared in"),
    (dict(title=" "), "title", "must be a non-empty string"),
    (dict(statement=""), "statement", "must be a non-empty string"),
    (dict(reference=Reference("demo", " ", "q")), "reference", "expected a section and the quoted sentence it "
                                                                "formalizes"),
    (dict(reference=Reference("demo", "s", " ")), "reference", "expected a section and the quoted sentence it "
                                                               "formalizes"),
    (dict(reference=Reference("nope", "s", "q")), "reference.source",
     "'nope' is not a source of this package; expected one of demo, two (declare it in SOURCES)"),
    (dict(origin=None), "origin", "every claim declares its origin: origin=SOURCE_STATEMENT (the source states it), "
                                  "OUR_FINDING, or literature('authors, year, venue')"),
    (dict(origin=literature(" ")), "origin", "a literature result needs its citation"),
    (dict(params={"b": 3}), "params.b", "expected Real, Integer, Flag, Choice, Choices or Vector, got 3"),
    (dict(params={"b": Real(1.0, 2.0)}), "params.b.default", "expected a value in [2, inf), got 1.0"),
    (dict(negative_controls=()), "negative_controls", "expected at least one negative control (a false variant to "
                                                      "refute)"),
    (dict(negative_controls=(NegativeControl("a", {}, "d"), NegativeControl("a", {}, "d"))), "negative_controls",
     "names must be unique and non-empty, got ['a', 'a']"),
    (dict(negative_controls=(NegativeControl("", {}, "d"),)), "negative_controls",
     "names must be unique and non-empty, got ['']"),
    (dict(negative_controls=(NegativeControl("n", {}, "d", methods=("symbolic", "property")),)),
     "negative_controls.n.methods", "'symbolic' is not a check of this claim; expected some of property"),
    (dict(negative_controls=(NegativeControl("n", {"c": 1.0}, "d"),)), "negative_controls.n.c",
     "unknown parameter; expected one of ['b']"),
    (dict(negative_controls=(NegativeControl("n", {"b": "x"}, "d"),)), "negative_controls.n.b",
     "expected a real number, got 'x'"),
    (dict(statement=r"\foo x"), "statement", "unsupported macro \\foo (the report renders math with latex2mathml; "
                                             "write it inside $...$ with supported macros, or add a rewrite to "
                                             "verifiers/latex.py)"),
    (dict(title=r"a $\bar x$ and $\foo$"), "title", "unsupported macro \\foo (the report renders math with "
                                                    "latex2mathml; write it inside $...$ with supported macros, or "
                                                    "add a rewrite to verifiers/latex.py)"),
    (dict(notes=r"see \alpha here"), "notes", "LaTeX outside $...$: \\alpha in '…see \\alpha here…' (the report renders "
                                              "math with latex2mathml; write it inside $...$ with supported macros, "
                                              "or add a rewrite to verifiers/latex.py)"),
    (dict(reference=Reference("demo", "s", r"q \beta")), "reference.quote",
     "LaTeX outside $...$: \\beta in '…q \\beta…' (the report renders math with latex2mathml; write it inside $...$ "
     "with supported macros, or add a rewrite to verifiers/latex.py)"),
])
def test_validation_messages(changes, field, message) -> None:
    c = _valid(**changes)
    assert _message(c, ("demo", "two")) == _prefix(c.id, field) + message


def test_code_spans_in_notes_may_hold_latex_like_text() -> None:
    assert col.validate(_valid(notes=r"the call `f(s_{i})` and `\alpha`"), "demo")


def test_method_and_check_rules() -> None:
    bad = replace(_valid(), checks={"vibes": print, "property": print})
    assert _message(bad) == _prefix("demo/ok", "checks") + ("unknown method 'vibes'; expected one of symbolic, "
                                                           "property, montecarlo, empirical, experiment")
    none = replace(_valid(), checks={})
    assert _message(none) == _prefix("demo/ok", "checks") + "expected at least one @check function in the module"
    skipped = replace(_valid(negative_controls=()), checks={}, expect="skipped", skip_reason="later")
    assert col.validate(skipped, "demo") is skipped
    assert _message(replace(skipped, skip_reason=" ")) == (_prefix("demo/ok", "skip_reason")
                                                           + "a skipped claim must say why")


def test_quotes_must_be_verbatim_in_the_loaded_text() -> None:
    text = quotes.SourceText(("a.txt",), quotes.normalize("The quick brown fox jumps over the lazy dog."))
    c = _valid(reference=Reference("demo", "s", "quick brown … the lazy cat"))
    assert _message(c, texts={"demo": text}) == _prefix("demo/ok", "reference.quote") + (
        "not verbatim in demo's text (a.txt): the fragment 'the lazy cat' was not found")
    ok = _valid(reference=Reference("demo", "s", "quick  brown … the lazy dog"))
    assert col.validate(ok, "demo", {"demo": text}) is ok
    assert col.validate(ok, "demo", {"other": quotes.SourceText((), "")}) is ok


def test_normalize_undoes_encoding_damage_and_whitespace() -> None:
    assert quotes.normalize("  a’b\n\t“c”—d  ") == "a\x00b \x00c\x00\x00d"
    assert quotes.normalize("ﬁ x") == "fi x"
    assert quotes.ELLIPSIS == " … "


def test_fragments_must_appear_in_order() -> None:
    text = quotes.SourceText((), "one two three four")
    assert text.missing("two … four") is None and text.missing("one two three four") is None
    assert text.missing("three … two") == "two"
    assert text.missing(" nine ") == "nine"
    assert text.missing("two three … three") == "three"
    assert text.missing("one … one") == "one"


def _package(tmp_path: Path, init: str, modules: dict[str, str] | None = None, files: dict[str, str] | None = None):
    name = f"killsrc{next(_count)}"
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text(textwrap.dedent(init.format(src=name)))
    for module, body in (modules or {}).items():
        (pkg / f"{module}.py").write_text(textwrap.dedent(body.format(src=name)))
    for file, body in (files or {}).items():
        (pkg / file).write_text(body, encoding="utf-8")
    return name


@pytest.fixture
def path(tmp_path):
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))


CLAIM = """
from verifiers import Context, NegativeControl, Outcome, Real, Reference, check, claim, SOURCE_STATEMENT
C = claim(id="{src}/{slug}", title="T", statement="x", reference=Reference("{ref}", "S", "{quote}"),
          origin=SOURCE_STATEMENT, params={{"b": Real(1.0)}},
          negative_controls=(NegativeControl("neg", {{"b": -1.0}}, "false"),))

@check(C, "property")
def prop(ctx: Context) -> Outcome:
    return Outcome(verdict="supported", reason="ok")
"""
TWO = ('from verifiers import Source\nSOURCES = (Source("{src}", "T", "A", "V", "U", texts=("a.txt", "b.txt")), '
       'Source("ext", "T2", "A", "V", "U"))\n')


def test_collect_reads_sources_texts_and_modules_in_order(path) -> None:
    body = CLAIM.replace("{slug}", "b").replace("{ref}", "{src}").replace("{quote}", "alpha beta")
    other = CLAIM.replace("{slug}", "a").replace("{ref}", "ext").replace("{quote}", "anything")
    name = _package(path, TWO, {"zeta": body, "alpha": other}, {"a.txt": "alpha\n", "b.txt": "beta gamma"})
    catalogue = col.collect([name])
    assert [c.id for c in catalogue.claims] == [f"{name}/a", f"{name}/b"]
    assert [c.module for c in catalogue.claims] == [f"{name}.alpha", f"{name}.zeta"]
    assert list(catalogue.sources) == [name, "ext"] and catalogue.get(f"{name}/b").checks["property"].__name__ == "prop"
    assert catalogue.get("nope/x") is None
    assert col._module_names(sys.modules[name]) == [name, f"{name}.alpha", f"{name}.zeta"]
    texts = quotes.load_texts(sys.modules[name], col._sources_of(sys.modules[name]))
    assert list(texts) == [name] and texts[name] == quotes.SourceText(("a.txt", "b.txt"), "alpha beta gamma")


def test_collect_lenient_mode_reports_and_goes_on(path) -> None:
    good = CLAIM.replace("{slug}", "good").replace("{ref}", "{src}").replace("{quote}", "q")
    name = _package(path, 'from verifiers import Source\nSOURCE = Source("{src}", "T", "A", "V", "U")\n',
                    {"good": good, "dup": good, "broken": "import nothing_here_at_all\n"})
    errors: list[InvalidClaim] = []
    catalogue = col.collect([name, "no_such_package_here"], on_error=errors.append)
    assert [c.id for c in catalogue.claims] == [f"{name}/good"]
    assert [(e.module, e.field) for e in errors] == [(f"{name}.broken", "module"), (f"{name}.good", "id"),
                                                     ("no_such_package_here", "module")]
    assert str(errors[0]) == (f"invalid claim '?' in module {name}.broken - at `module`: cannot import: "
                              "ModuleNotFoundError: No module named 'nothing_here_at_all'")
    assert errors[1].claim_id == f"{name}/good" and str(errors[1]).endswith(f"already declared in module {name}.dup")
    with pytest.raises(InvalidClaim):
        col.collect([name])


def test_syntax_errors_name_their_line(path) -> None:
    name = _package(path, 'from verifiers import Source\nSOURCE = Source("{src}", "T", "A", "V", "U")\n',
                    {"bad": "x = 1\ndef broken(:\n"})
    with pytest.raises(InvalidClaim) as info:
        col.collect([name])
    assert str(info.value).startswith(f"invalid claim '?' in module {name}.bad - at `module`: cannot import: "
                                      "SyntaxError: ")
    assert str(info.value).endswith(" (line 2)")


@pytest.mark.parametrize(("init", "field", "message"), [
    ("", "SOURCE", "a source package must define SOURCE = Source(...) or SOURCES = (Source(...), ...) in its "
                   "__init__.py"),
    ("SOURCES = ()", "SOURCE", "a source package must define SOURCE = Source(...) or SOURCES = (Source(...), ...) in "
                               "its __init__.py"),
    ("SOURCES = [3]", "SOURCE", "a source package must define SOURCE = Source(...) or SOURCES = (Source(...), ...) "
                                "in its __init__.py"),
    ('from verifiers import Source\nSOURCES = [Source("a", "T", "A", "V", "U"), Source("a", "T", "A", "V", "U")]',
     "SOURCES", "source ids must be unique, got ['a', 'a']"),
    ('from verifiers import Source\nSOURCE = Source("{src}", "T", "A", "V", "U", texts=("gone.txt",))',
     "SOURCE.texts", "cannot read 'gone.txt' of source '{src}': No such file or directory"),
])
def test_package_metadata_errors(path, init, field, message) -> None:
    name = _package(path, init)
    with pytest.raises(InvalidClaim) as info:
        col.collect([name])
    assert str(info.value) == f"invalid claim '?' in module {name} - at `{field}`: " + message.format(src=name)


def test_a_list_of_sources_is_accepted(path) -> None:
    name = _package(path, 'from verifiers import Source\nSOURCES = [Source("{src}", "T", "A", "V", "U")]\n')
    assert list(col.collect([name]).sources) == [name]


def test_checks_must_target_a_claim_of_their_module_once(path) -> None:
    ghost = CLAIM.replace("{slug}", "g").replace("{ref}", "{src}").replace("{quote}", "q") + textwrap.dedent("""
        D = claim(id="{src}/ghost", title="T", statement="x", reference=Reference("{src}", "S", "q"),
                  origin=SOURCE_STATEMENT)
        @check(D, "symbolic")
        def sym(ctx):
            return None
        del D
        """)
    twice = CLAIM.replace("{slug}", "t").replace("{ref}", "{src}").replace("{quote}", "q") + textwrap.dedent("""
        @check(C, "property")
        def again(ctx):
            return None
        """)
    imported = CLAIM.replace("{slug}", "i").replace("{ref}", "{src}").replace("{quote}", "q") + (
        "\nfrom tests.verifiers._fixtures import threshold_check\nthreshold_check.__claims_check__ = "
        "('{src}/i', 'montecarlo')\n")
    init = 'from verifiers import Source\nSOURCE = Source("{src}", "T", "A", "V", "U")\n'
    for body, field, message in ((ghost, "checks.symbolic", "check sym targets a claim not declared in this module"),
                                 (twice, "checks.property", "declared twice")):
        name = _package(path, init, {"m": body})
        with pytest.raises(InvalidClaim) as info:
            col.collect([name])
        cid = f"{name}/ghost" if "ghost" in body else f"{name}/t"
        assert str(info.value) == f"invalid claim {cid!r} in module {name}.m - at `{field}`: {message}"
    name = _package(path, init, {"m": imported})
    assert list(col.collect([name]).claims[0].checks) == ["property"]
    del sys.modules["tests.verifiers._fixtures"].threshold_check.__claims_check__


def test_default_packages_are_the_claims_subpackages_and_entry_points() -> None:
    found = col.default_packages()
    assert {"claims.cs231n", "claims.dbv2016", "claims.pu2026"} <= set(found)
    assert all(name.startswith("claims.") for name in found) and found == sorted(found)
    assert col.ENTRY_POINT_GROUP == "claims.sources"


def test_origin_must_be_an_origin() -> None:
    c = _valid(origin="source")
    assert _message(c).endswith("every claim declares its origin: origin=SOURCE_STATEMENT (the source states it), "
                                "OUR_FINDING, or literature('authors, year, venue')")
    assert col.validate(_valid(origin=Origin("literature", "A, 2020")), "demo")


# ---- the LaTeX dialect ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tex", "normal"), [
    (r"\big\lVert x \big\rVert", r"\| x \|"), (r"\Bigl\lvert x\Bigr\rvert", r"| x|"), (r"\lVert x\rVert", r"\| x\|"),
    (r"\lvert x \rvert", r"| x |"), (r"\argmax_i \arg \argmin", r"\operatorname{argmax}_i \operatorname{arg} "
                                                                r"\operatorname{argmin}"),
    (r"A \setminus B \smallsetminus C", r"A \mathbin{\smallsetminus} B \mathbin{\smallsetminus} C"),
    (r"\lVerta \argue \setminusx", r"\lVerta \argue \setminusx"),
])
def test_latex_rewrites(tex, normal) -> None:
    assert latex.normalize(tex) == normal


def test_latex_problems_name_raw_macros_and_conversion_errors() -> None:
    assert latex.problems(r"\foo \bar x \zzz") == ("unsupported macro \\foo", "unsupported macro \\zzz")
    assert latex.problems(r"\frac{1}{2}") == ()
    broken = latex.problems(r"\frac{1}{")
    assert len(broken) == 1 and broken[0].startswith("cannot convert: ")


def test_text_problems_inside_and_outside_dollars() -> None:
    assert latex.text_problems(r"a $\foo$ b $x^{2}$ c") == ("unsupported macro \\foo",)
    assert latex.text_problems(r"cost \$5 and \$6 $x$") == ()
    long = "x" * 40 + r" \alpha " + "y" * 40 + r" \beta"
    assert latex.text_problems(long) == (f"LaTeX outside $...$: \\alpha in '…{'x' * 24} \\alpha {'y' * 24}…'",)
    assert latex.text_problems("a s^{2}\nb") == ("LaTeX outside $...$: ^{ in '…a s^{2} b…'",)
    assert latex.text_problems("plain text, $x_1$ and 5$") == ()
