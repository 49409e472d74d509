"""The pytest plugin, run end to end with pytester on a throw-away source package."""

from __future__ import annotations

import textwrap

pytest_plugins = ["pytester"]

SOURCE_INIT = 'from verifiers import Source\nSOURCE = Source("plugsrc", "T", "A", "V", "U")\n'
GOOD = textwrap.dedent('''
    from verifiers import SOURCE_STATEMENT, Context, NegativeControl, Outcome, Real, Reference, check, claim
    C = claim(id="plugsrc/good", title="t", statement="b \\\\ge 0", reference=Reference("plugsrc", "S", "q"),
              origin=SOURCE_STATEMENT,
              params={"b": Real(1.0)}, negative_controls=(NegativeControl("neg", {"b": -1.0}, "false"),))

    @check(C, "property")
    def prop(ctx: Context) -> Outcome:
        ok = ctx["b"] >= 0
        return Outcome(verdict="supported" if ok else "refuted", reason="sign of b")
''')


def _make_source(pytester, broken: bool) -> None:
    pkg = pytester.mkpydir("plugsrc")
    (pkg / "__init__.py").write_text(SOURCE_INIT)
    (pkg / "good.py").write_text(GOOD)
    if broken:
        (pkg / "broken.py").write_text("raise RuntimeError('import-time crash')\n")
    pytester.makepyfile(test_plugsrc='from verifiers.pytest_plugin import claim_tests\n'
                                     'test_plugsrc = claim_tests("plugsrc", package="plugsrc")\n')
    pytester.syspathinsert()


def test_claims_and_controls_are_items_named_by_claim_id(pytester):
    """One item per claim and per control; `-k` selects by claim id; options are accepted."""
    _make_source(pytester, broken=False)
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", "--claims-seed", "3",
                                          "--claims-profile", "quick", "--claims-device", "cpu")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_plugsrc?plugsrc/good? PASSED*", "*test_plugsrc?plugsrc/good?neg?? PASSED*"])
    assert "--claims-profile" in pytester.runpytest_subprocess("--help").stdout.str()


def test_a_broken_module_fails_one_item_and_the_rest_still_run(pytester):
    """An import-time crash becomes a failing item with a clear message; good claims still pass."""
    _make_source(pytester, broken=True)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*in module plugsrc.broken - at `module`: cannot import: RuntimeError*"])
