"""The runner: verdict combination, fault isolation, time-outs, seeds and overrides."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.verifiers._fixtures import bound, crashing_check, hanging_check, make_claim, threshold_check
from verifiers import WHOLE, InvalidArgument, Outcome, combine, profile, run_all, run_check, run_claim, special_case
from verifiers.model import Context
from verifiers.runner import derive_seed, parse_overrides

QUICK = profile("quick")


def _e(verdict, covers=False, method="symbolic"):
    """Evidence of one ``method`` check with this verdict (whole statement or the special case n = 2)."""
    scope = WHOLE if covers else special_case("n = 2")
    outcome = Outcome(verdict=verdict, reason="r", scope=scope)
    return run_check(lambda ctx: outcome, Context("demo/ok", {}, QUICK, 0), method)


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([("proved", True), ("supported", False)], "proved"),
        ([("proved", False), ("supported", False)], "supported"),
        ([("proved", True), ("refuted", False)], "refuted"),
        ([("error", False), ("supported", False)], "error"),
        ([("refuted", False), ("error", False)], "refuted"),
        ([("supported", False), ("inconclusive", False)], "inconclusive"),
        ([("proved", True), ("inconclusive", False)], "proved"),
        ([("skipped", False), ("supported", False)], "supported"),
        ([("skipped", False)], "skipped"),
    ],
)
def test_combine_follows_the_design_rules(verdicts, expected):
    """refuted > error > proved (whole statement) > supported > inconclusive; skipped is ignored."""
    assert combine([_e(v, c) for v, c in verdicts]) == expected


def test_only_a_symbolic_check_of_the_whole_statement_proves():
    """A special-case proof supports; a non-symbolic 'proved' is an error; a proved Outcome needs a scope."""
    assert combine([_e("proved", covers=False)]) == "supported"
    assert _e("proved", covers=True, method="property").verdict == "error"
    with pytest.raises(ValueError, match="scope"):
        Outcome(verdict="proved", reason="r")


def test_claim_and_control_get_their_expected_verdicts():
    """The default run holds, the negative control is refuted, and both pass."""
    c = bound(make_claim(), "property", threshold_check)
    main, control = run_all(c, budget=QUICK, seed=0)
    assert (main.verdict, main.passed) == ("supported", True)
    assert (control.verdict, control.expected, control.passed) == ("refuted", "refuted", True)
    assert control.evidence[0].reproduce == "claims check demo/ok --control low --profile quick --seed 0"
    assert main.evidence[0].reproduce == "claims check demo/ok --set b=1.0 --profile quick --seed 0"


def test_a_crashing_check_becomes_an_error_and_others_still_run():
    """An exception is summarized in an error verdict; the other check's evidence is kept."""
    c = bound(bound(make_claim(), "property", threshold_check), "montecarlo", crashing_check)
    result = run_claim(c, budget=QUICK, seed=0)
    by_method = {e.method: e for e in result.evidence}
    assert result.verdict == "error"
    assert by_method["property"].verdict == "supported"
    assert "ZeroDivisionError: boom" in by_method["montecarlo"].reason


def test_a_hanging_check_is_stopped_by_its_timeout():
    """A check that exceeds the profile's timeout is stopped with an error verdict."""
    c = bound(make_claim(), "property", hanging_check)
    result = run_claim(c, budget=replace(QUICK, timeout=0.2), seed=0)
    assert result.verdict == "error"
    assert "time limit" in result.evidence[0].reason
    assert result.seconds < 5


def test_a_check_returning_the_wrong_type_is_an_error():
    """Returning something other than an Outcome is reported, not trusted."""
    c = bound(make_claim(), "property", lambda ctx: True)
    assert "expected Outcome" in run_claim(c, budget=QUICK, seed=0).evidence[0].reason


def test_seeds_are_stable_and_distinct():
    """Derived seeds depend on every part and nothing else."""
    assert derive_seed(0, "a", "b") == derive_seed(0, "a", "b")
    assert len({derive_seed(0, "a", "b"), derive_seed(1, "a", "b"), derive_seed(0, "a", "c")}) == 3


def test_parse_overrides_validates_names_and_values():
    """Unknown names get a suggestion; bad values say what was expected."""
    c = make_claim()
    assert parse_overrides(c, ["b=0.25"]) == {"b": 0.25}
    with pytest.raises(InvalidArgument, match="has no parameter 'bb'. Did you mean 'b'"):
        parse_overrides(c, ["bb=1"])
    with pytest.raises(InvalidArgument, match="--set b: expected a real number, got 'x'"):
        parse_overrides(c, ["b=x"])
    with pytest.raises(InvalidArgument, match="--set expects NAME=VALUE, got 'b'"):
        parse_overrides(c, ["b"])


def test_a_control_run_keeps_the_set_values_its_own_parameters_do_not_fix_and_prints_them():
    """``--controls --set``: each control runs with the overrides it does not set itself, and says so."""
    from verifiers import collect

    claim = collect().get("dbv2016/spherical-even")
    runs = run_all(claim, budget=QUICK, seed=2, overrides={"eps": 1e-300, "map": "spherical"})
    control = runs[1]
    assert control.params["eps"] == 1e-300 and control.params["map"] == "taylor" and control.verdict == "refuted"
    assert {e.reproduce for e in control.evidence} == {
        "claims check dbv2016/spherical-even --control taylor --set eps=1e-300 --profile quick --seed 2"}
