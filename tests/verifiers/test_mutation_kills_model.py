"""The claim model, parameter domains, profiles and the runner pinned exactly (mutation kills)."""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import replace

import numpy as np
import pytest
import torch

from tests.verifiers._fixtures import bound, make_claim, threshold_check
from verifiers import (
    NOT_APPLICABLE,
    WHOLE,
    InvalidArgument,
    NegativeControl,
    Outcome,
    Premise,
    Resolution,
    instance,
    literature,
    profile,
    special_case,
)
from verifiers import model as m
from verifiers import runner as r
from verifiers.errors import SuiteError
from verifiers.params import Choice, Choices, Flag, Integer, Real, Vector, format_value

QUICK = profile("quick")


# ---- model ---------------------------------------------------------------------------------------------------------

def test_origin_scope_and_control_helpers() -> None:
    assert literature("A, 2020, V") == m.Origin("literature", "A, 2020, V")
    assert special_case("n = 2") == m.Scope("special-case", "n = 2")
    assert instance("q") == m.Scope("instance", "q")
    every = NegativeControl("c", {}, "d")
    some = NegativeControl("c", {}, "d", methods=("property",))
    assert every.applies_to("symbolic") and some.applies_to("property") and not some.applies_to("symbolic")


def test_claim_declaration_keeps_every_field() -> None:
    params = {"b": Real(1.0), "k": Integer(3)}
    nc = (NegativeControl("low", {"b": -1.0}, "false"),)
    c = m.claim(id="demo/x", title="T", statement="S", reference=m.Reference("demo", "1", "q"), params=params,
                negative_controls=list(nc), tags=["a"], expect="skipped", skip_reason="why", notes="N",
                origin=m.OUR_FINDING)
    assert (c.id, c.title, c.statement, c.notes, c.expect, c.skip_reason) == ("demo/x", "T", "S", "N", "skipped",
                                                                           "why")
    assert c.origin == m.OUR_FINDING and c.params == params and c.params is not params
    assert c.negative_controls == nc and c.tags == ("a",) and c.module == "" and c.checks == {}
    assert c.defaults() == {"b": 1.0, "k": 3}
    assert c.control("low") is nc[0] and c.control("nope") is None and c.control(None) is None
    bare = m.claim(id="demo/y", title="T", statement="S", reference=m.Reference("demo", "1", "q"))
    assert (bare.origin, bare.notes, bare.params, bare.negative_controls, bare.tags, bare.expect,
            bare.skip_reason) == (None, "", {}, (), (), "holds", "")


def test_check_marks_the_function_and_returns_it() -> None:
    c = make_claim()

    def fn(ctx):
        return None

    assert m.check(c, "empirical")(fn) is fn and getattr(fn, m.CHECK_MARK) == ("demo/ok", "empirical")
    assert m.CHECK_MARK == "__claims_check__"


def test_context_items_generator_and_reproduce_command() -> None:
    ctx = m.Context("demo/x", {"b": 0.5, "flag": True, "v": (0.25, 0.75)}, QUICK, seed=17, run_seed=3)
    assert ctx["b"] == 0.5 and ctx.device == "cpu" and ctx.control is None
    gen = ctx.generator()
    assert torch.equal(torch.rand(4, generator=gen), torch.rand(4, generator=torch.Generator().manual_seed(17)))
    assert ctx.reproduce() == "claims check demo/x --set b=0.5 --set flag=true --set v=0.25,0.75 --profile quick --seed 3"
    ctl = replace(ctx, control="low")
    assert ctl.reproduce() == "claims check demo/x --control low --profile quick --seed 3"
    assert replace(ctx, params={}).reproduce() == "claims check demo/x --profile quick --seed 3"


def test_outcome_validation_messages_and_copies() -> None:
    with pytest.raises(ValueError) as info:
        Outcome(verdict="maybe", reason="r")
    assert str(info.value) == ("unknown verdict 'maybe'; expected one of proved, supported, refuted, inconclusive, "
                               "error, skipped")
    with pytest.raises(ValueError) as info:
        Outcome(verdict="proved", reason="r")
    assert str(info.value) == "a proved Outcome must declare its scope (WHOLE, special_case(...) or instance(...))"
    out = Outcome(verdict="proved", reason="r", scope=WHOLE, premises=(Premise("p", "c"),), resolution=Resolution(1, "q"))
    copy = out.but(reason="s")
    assert copy.reason == "s" and copy.scope == WHOLE and copy.premises == out.premises and copy.resolution == out.resolution
    assert Outcome(verdict="supported", reason="r").scope is None


def _evidence(**changes) -> m.Evidence:
    fields = dict(claim_id="demo/x", method="montecarlo", control=None, verdict="supported", reason="r",
                  params={"b": (1.0, 2.0)}, statistics={"x": np.float64(0.5), "nan": math.nan, "arr": np.arange(2)},
                  counterexample=None, reproduce="cmd", figures=({"k": (1, 2)},), steps=("s",),
                  scope=instance("inst"), premises=(Premise("p", "c"),), resolution=Resolution(0.02, "coef", 1e-6, 0.01),
                  explored={}, seed=5, device="cpu", dtype="float64", seconds=0.5)
    fields.update(changes)
    return m.Evidence(**fields)


def test_evidence_json_has_plain_types_and_labels() -> None:
    record = _evidence().to_json()
    assert record["params"] == {"b": [1.0, 2.0]} and record["figures"] == [{"k": [1, 2]}]
    assert record["statistics"] == {"x": 0.5, "nan": "nan", "arr": [0, 1]}
    assert record["scope"] == {"kind": "instance", "restriction": "inst", "label": "instance: inst"}
    assert record["resolution"] == {"value": 0.02, "quantity": "coef", "level": 1e-6, "relative": 0.01,
                                    "label": "detects deviations ≥ 0.02 (1 %) in coef at level 1e-06"}
    assert record["premises"] == [{"statement": "p", "citation": "c"}]
    assert _evidence(resolution=None).to_json()["resolution"] is None


def test_claim_result_json() -> None:
    result = m.ClaimResult(claim_id="demo/x", control="low", params={"b": -1.0}, verdict="refuted",
                           expected="refuted", evidence=(_evidence(),), seconds=1.5)
    record = result.to_json()
    assert {k: record[k] for k in ("claim_id", "control", "key", "params", "verdict", "expected", "passed",
                                   "seconds")} == {"claim_id": "demo/x", "control": "low", "key": "demo/x[low]",
                                                   "params": {"b": -1.0}, "verdict": "refuted",
                                                   "expected": "refuted", "passed": True, "seconds": 1.5}
    assert record["evidence"] == [_evidence().to_json()]


def test_jsonable_converts_keys_nan_arrays_and_objects() -> None:
    assert m._jsonable({1: (np.int64(2), [np.float64(1.5)]), "o": WHOLE, "n": None, "b": True}) == {
        "1": [2, [1.5]], "o": str(WHOLE), "n": None, "b": True}
    assert m._jsonable(float("nan")) == "nan" and m._jsonable(np.array([[1, 2]])) == [[1, 2]]


def _ev(verdict: str, method: str = "symbolic", scope=WHOLE) -> m.Evidence:
    return _evidence(verdict=verdict, method=method, scope=scope)


@pytest.mark.parametrize(("verdicts", "expected"), [
    ([], "skipped"), (["skipped"], "skipped"), (["supported"], "supported"), (["inconclusive"], "inconclusive"),
    (["proved", "supported"], "proved"), (["refuted", "error"], "refuted"), (["error", "proved"], "error"),
    (["skipped", "inconclusive"], "inconclusive"), (["supported", "inconclusive"], "inconclusive"),
])
def test_combine(verdicts, expected) -> None:
    assert m.combine([_ev(v) for v in verdicts]) == expected


def test_combine_needs_a_symbolic_whole_statement_proof() -> None:
    assert m.combine([_ev("proved", "property")]) == "supported"
    assert m.combine([_ev("proved", scope=special_case("n = 2"))]) == "supported"


# ---- params and profiles -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("param", "value", "message"), [
    (Real(0.5), "x", "expected a real number, got 'x'"), (Real(0.5), True, "expected a real number, got True"),
    (Real(0.5), math.inf, "expected a finite number, got inf"),
    (Real(0.5, 0.0, 1.0), -0.5, "expected a value in [0, 1], got -0.5"),
    (Real(0.5, 0.0, 1.0, exclude_max=True), 1.0, "expected a value in [0, 1), got 1.0"),
    (Real(0.5, 0.0, 1.0, exclude_min=True), 0.0, "expected a value in (0, 1], got 0.0"),
    (Real(0.5, max_value=2.0), 3, "expected a value in (-inf, 2], got 3"),
    (Integer(1), 1.0, "expected an integer, got 1.0"), (Integer(1), False, "expected an integer, got False"),
    (Integer(1, 0, 5), 6, "expected an integer in [0, 5], got 6"),
    (Integer(1, 0, 5), -1, "expected an integer in [0, 5], got -1"),
    (Flag(True), 1, "expected true or false, got 1"),
    (Choice("a", ("a", "b")), "c", "expected one of a|b, got 'c'"),
    (Choices(("a",), ("a", "b")), ["a"], "expected a comma-separated list of {a,b}, got ['a']"),
    (Choices(("a",), ("a", "b")), ("y", "a", "z"), "expected each item in {a,b}, got 'y', 'z'"),
])
def test_domain_messages(param, value, message) -> None:
    assert param.check(value) == message


@pytest.mark.parametrize(("param", "value"), [
    (Real(0.5, 0.0, 1.0), 0.0), (Real(0.5, 0.0, 1.0), 1.0), (Real(0.5, 0.0, 1.0), 1), (Integer(1, 0, 5), 0),
    (Integer(1, 0, 5), 5), (Flag(True), False), (Choices(("a",), ("a", "b")), ("b", "a")),
    (Vector((1.0,)), (1, -2.5)), (Vector((1.0,), "simplex"), (0.1, 0.2, 0.7)), (Vector((1.0,), "positive"), (1e-9,)),
])
def test_values_inside_the_domain(param, value) -> None:
    assert param.check(value) is None


@pytest.mark.parametrize(("param", "text", "message"), [
    (Real(0.5), "x", "expected a real number, got 'x'"), (Integer(1), "1.5", "expected an integer, got '1.5'"),
    (Flag(True), "maybe", "expected true or false, got 'maybe'"),
    (Vector((1.0,)), "1,a", "expected comma-separated real numbers, got '1,a'"),
])
def test_parse_messages(param, text, message) -> None:
    with pytest.raises(InvalidArgument) as info:
        param.parse(text)
    assert str(info.value) == message


@pytest.mark.parametrize(("param", "text", "value"), [
    (Flag(False), " TRUE ", True), (Flag(False), "on", True), (Flag(True), "0", False), (Flag(True), "no", False),
    (Flag(True), "off", False), (Flag(False), "1", True), (Flag(False), "yes", True),
    (Choice("a", ("a",)), " a ", "a"), (Choices(("a",), ("a", "b")), " a,, b ,", ("a", "b")),
    (Vector((1.0,)), " 1, 2.5,,", (1.0, 2.5)), (Integer(1), " 7", 7), (Real(1.0), "2e-3", 0.002),
])
def test_parse_values(param, text, value) -> None:
    assert param.parse(text) == value


def test_describe_domains() -> None:
    assert Real(0.5).describe() == "(-inf, inf)" and Real(0.5, 0.0, 1.0).describe() == "[0, 1]"
    assert Integer(1, 0, 5).describe() == "[0, 5]" and Flag(True).describe() == "true|false"
    assert Choice("a", ("a", "b")).describe() == "a|b" and Choices(("a",), ("a", "b")).describe() == "{a,b}"
    assert Vector((1.0,)).describe() == "a real vector, length 1..10000, comma-separated"
    assert Vector((1.0,), "simplex", length=3).describe() == "a point of the simplex, length 3, comma-separated"
    assert Vector((1.0,), "positive", 2, 4).describe() == "a positive vector, length 2..4, comma-separated"
    assert Vector((1.0,), "odd").describe() == "odd, length 1..10000, comma-separated"


@pytest.mark.parametrize(("param", "value", "message"), [
    (Vector((1.0,), "odd"), (1.0,), "unknown vector kind 'odd'; expected one of real, positive, simplex"),
    (Vector((1.0,)), [1.0], "expected a tuple of real numbers, got [1.0]"),
    (Vector((1.0,)), (True,), "expected a tuple of real numbers, got (True,)"),
    (Vector((1.0,)), ("a",), "expected a tuple of real numbers, got ('a',)"),
    (Vector((1.0,), length=2), (1.0,), "expected a real vector, length 2, comma-separated, got 1 entries"),
    (Vector((1.0,), min_length=2, max_length=3), (1.0,) * 4,
     "expected a real vector, length 2..3, comma-separated, got 4 entries"),
    (Vector((1.0,), min_length=2), (1.0,), "expected a real vector, length 2..10000, comma-separated, got 1 entries"),
    (Vector((1.0,)), (1.0, math.nan), "expected finite entries, got (1.0, nan)"),
    (Vector((1.0,), "positive"), (1.0, 0.0), "expected positive entries, got (1.0, 0.0)"),
    (Vector((1.0,), "simplex"), (1.5, -0.5), "expected non-negative entries, got (1.5, -0.5)"),
    (Vector((1.0,), "simplex"), (0.5, 0.4), "expected entries summing to 1 (a point of the simplex), got sum 0.9"),
])
def test_vector_domain_messages(param, value, message) -> None:
    assert param.check(value) == message


def test_simplex_sum_tolerance() -> None:
    assert Vector((1.0,), "simplex").check((0.5, 0.5 + 5e-10)) is None
    assert Vector((1.0,), "simplex").check((0.5, 0.5 + 2e-9)) is not None
    assert Vector((1.0,), "simplex").check((0.0, 1.0)) is None


def test_format_value_spells_values_as_set_accepts_them() -> None:
    assert [format_value(v) for v in (True, False, 0.1, 3, "a", (0.5, 2, "b"))] == [
        "true", "false", "0.1", "3", "a", "0.5,2,b"]


def test_unknown_profile_message() -> None:
    with pytest.raises(InvalidArgument) as info:
        profile("fast")
    assert str(info.value) == "unknown profile 'fast'; expected one of quick, standard, thorough"


# ---- runner --------------------------------------------------------------------------------------------------------

def test_resolve_device_messages() -> None:
    with pytest.raises(InvalidArgument) as info:
        r.resolve_device("tpu")
    assert str(info.value) == "unknown device 'tpu'; expected auto, cpu or cuda"
    assert r.resolve_device("cpu") == "cpu"
    assert r.resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(InvalidArgument) as info:
            r.resolve_device("cuda")
        assert str(info.value) == "device 'cuda' requested but torch sees no CUDA device; use --device cpu"


def test_derive_seed_is_31_bits_of_sha256() -> None:
    digest = hashlib.sha256("7\x1fdemo/x\x1fproperty\x1f".encode()).digest()
    assert r.derive_seed(7, "demo/x", "property", "") == int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
    assert r.derive_seed(0, "a") == int.from_bytes(hashlib.sha256(b"0\x1fa").digest()[:4], "big") & 0x7FFFFFFF


def test_parse_overrides_messages() -> None:
    c = make_claim(params={"b": Real(1.0, 0.0, 2.0), "beta": Integer(1)})
    assert r.parse_overrides(c, [" b =0.5", "beta=2"]) == {"b": 0.5, "beta": 2}
    cases = {"=1": "--set expects NAME=VALUE, got '=1'", "b": "--set expects NAME=VALUE, got 'b'",
             "b=3": "--set b: expected a value in [0, 2], got 3.0", "b=x": "--set b: expected a real number, got 'x'",
             "bet=1": "claim demo/ok has no parameter 'bet'. Did you mean 'beta'? Its parameters: b ([0, 2]), "
                      "beta ([-4611686018427387904, 4611686018427387904])",
             "zzz=1": "claim demo/ok has no parameter 'zzz'. Its parameters: b ([0, 2]), "
                      "beta ([-4611686018427387904, 4611686018427387904])"}
    for text, message in cases.items():
        with pytest.raises(InvalidArgument) as info:
            r.parse_overrides(c, [text])
        assert str(info.value) == message
    with pytest.raises(InvalidArgument) as info:
        r.parse_overrides(make_claim(params={}), ["b=1"])
    assert str(info.value) == "claim demo/ok has no parameter 'b'. Its parameters: none"


def test_run_claim_merges_parameters_and_derives_seeds() -> None:
    seen: list = []

    def record(ctx):
        seen.append(ctx)
        return Outcome(verdict="supported", reason="ok")

    c = bound(bound(make_claim(params={"b": Real(1.0), "c": Real(2.0)}), "property", record), "montecarlo", record)
    result = r.run_claim(c, budget=QUICK, seed=4, device="cpu", overrides={"b": 5.0})
    assert [ctx.params for ctx in seen] == [{"b": 5.0, "c": 2.0}] * 2
    assert [ctx.seed for ctx in seen] == [r.derive_seed(4, "demo/ok", "property", ""),
                                          r.derive_seed(4, "demo/ok", "montecarlo", "")]
    assert all(ctx.run_seed == 4 and ctx.control is None and ctx.budget is QUICK for ctx in seen)
    assert result.params == {"b": 5.0, "c": 2.0} and result.expected == "holds" and result.control is None
    assert result.verdict == "supported" and result.seconds >= 0
    seen.clear()
    nc = NegativeControl("low", {"b": -1.0}, "d", methods=("montecarlo",))
    result = r.run_claim(c, budget=QUICK, seed=4, overrides={"b": 5.0, "c": 3.0}, control=nc)
    assert [ctx.params for ctx in seen] == [{"b": -1.0, "c": 3.0}] and seen[0].control == "low"
    assert seen[0].seed == r.derive_seed(4, "demo/ok", "montecarlo", "low")
    assert result.expected == "refuted" and result.control == "low"
    skipped = result.evidence[0]
    assert skipped.verdict == "skipped" and skipped.scope == NOT_APPLICABLE and skipped.method == "property"
    assert skipped.reason == "not applicable to this variant: the property check does not examine what 'low' changes"
    assert (skipped.reproduce, skipped.seed, skipped.device, skipped.dtype, skipped.control) == (None, 0, "", "float64",
                                                                                                  "low")
    assert skipped.params == {"b": -1.0, "c": 3.0} and skipped.statistics == {} and skipped.resolution is None


def test_a_skipped_claim_records_why() -> None:
    c = replace(bound(make_claim(), "property", threshold_check), expect="skipped", skip_reason="stated only")
    result = r.run_claim(c, budget=QUICK, seed=2, device="cpu")
    [e] = result.evidence
    assert result.verdict == "skipped" and result.expected == "skipped" and e.reason == "stated only"
    assert (e.method, e.verdict, e.scope, e.seed, e.device, e.dtype, e.params) == (
        "none", "skipped", WHOLE, 2, "cpu", "float64", {"b": 1.0})
    control = r.run_claim(c, budget=QUICK, seed=2, control=c.negative_controls[0])
    assert control.expected == "refuted" and control.verdict == "refuted"


def test_run_all_passes_budget_seed_and_device() -> None:
    seen: list = []

    def record(ctx):
        seen.append((ctx.budget.name, ctx.run_seed, ctx.device, ctx.control))
        return Outcome(verdict="supported", reason="ok")

    c = bound(make_claim(), "property", record)
    runs = r.run_all(c, budget=profile("standard"), seed=6, device="meta")
    assert [run.key for run in runs] == ["demo/ok", "demo/ok[low]"]
    assert seen == [("standard", 6, "meta", None), ("standard", 6, "meta", "low")]


def test_run_check_records_the_outcome_as_evidence() -> None:
    ctx = m.Context("demo/x", {"b": 1.0}, QUICK, seed=9, control="c", run_seed=1)
    outcome = Outcome(verdict="refuted", reason="r", statistics={"s": 1}, counterexample={"b": 1.0},
                      figures=({"f": 1},), steps=("a",), premises=(Premise("p", "c"),),
                      resolution=Resolution(0.1, "q"), explored={"n": 3})
    e = r.run_check(lambda c: outcome, ctx, "empirical")
    assert (e.claim_id, e.method, e.control, e.verdict, e.reason, e.params, e.statistics, e.counterexample) == (
        "demo/x", "empirical", "c", "refuted", "r", {"b": 1.0}, {"s": 1}, {"b": 1.0})
    assert (e.reproduce, e.figures, e.steps, e.premises, e.resolution, e.explored) == (
        ctx.reproduce(), ({"f": 1},), ("a",), (Premise("p", "c"),), Resolution(0.1, "q"), {"n": 3})
    assert (e.seed, e.device, e.dtype, e.scope) == (9, "cpu", "float64", r.DEFAULT_SCOPE["empirical"])
    assert 0 <= e.seconds < 5
    plain = r.run_check(lambda c: Outcome(verdict="supported", reason="r"), ctx, "symbolic")
    assert plain.scope == WHOLE and plain.counterexample is None
    assert r.run_check(lambda c: Outcome(verdict="supported", reason="r"), ctx, "property").scope == WHOLE
    assert r.DEFAULT_SCOPE == {"property": WHOLE, "montecarlo": instance("the check's test problem (see the notes)"),
                               "empirical": instance("the check's grid (see the notes)"),
                               "experiment": instance("the experiment's setup")}


def test_run_check_turns_failures_into_errors_with_clear_reasons() -> None:
    ctx = m.Context("demo/x", {}, replace(QUICK, timeout=0.2), seed=1)

    def wrong(c):
        return 3

    assert r.run_check(wrong, ctx, "property").reason.startswith(
        "check raised TypeError: check wrong returned int, expected Outcome at ")
    proved = r.run_check(lambda c: Outcome(verdict="proved", reason="it holds", scope=WHOLE), ctx, "montecarlo")
    assert proved.verdict == "error"
    assert proved.reason == "a montecarlo check returned 'proved'; only symbolic checks prove (it said: it holds)"
    assert r.run_check(lambda c: Outcome(verdict="proved", reason="x", scope=WHOLE), ctx, "symbolic").verdict == "proved"

    def slow(c):
        while True:
            pass

    timed = r.run_check(slow, ctx, "property")
    assert timed.verdict == "error" and timed.reason == "check exceeded its 0.2 s time limit"


def test_error_reasons_name_the_exception_and_where_it_was_raised() -> None:
    def boom(c):
        raise ZeroDivisionError("boom")

    e = r.run_check(boom, m.Context("demo/x", {}, QUICK, seed=1), "property")
    line = boom.__code__.co_firstlineno + 1
    assert e.verdict == "error" and e.reason == f"check raised ZeroDivisionError: boom at test_mutation_kills_model.py:{line}"
    assert r._error_outcome(SuiteError("bad input")).reason == "check raised bad input"
    assert r._error_outcome(ValueError("v")).reason == "check raised ValueError: v"


def test_deadline_in_a_worker_thread_and_signal_restoration() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with r._deadline(5.0):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 4.0
    assert signal.getsignal(signal.SIGALRM) == before and signal.getitimer(signal.ITIMER_REAL)[0] == 0.0
    result: dict = {}

    def worker() -> None:
        ctx = m.Context("demo/x", {}, replace(QUICK, timeout=0.2), seed=1)
        result["slow"] = r.run_check(lambda c: [None for _ in iter(int, 1)], ctx, "property")
        result["fast"] = r.run_check(lambda c: Outcome(verdict="supported", reason="ok"), ctx, "property")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert result["slow"].reason == "check exceeded its 0.2 s time limit"
    assert result["fast"].verdict == "supported"


def test_derived_parameters_parse_auto_and_describe_their_rule() -> None:
    from verifiers.params import AUTO, Derived, ExtendedReal, resolve

    beta = Derived(None, 0.0, 1.0, rule="beta/2")
    assert AUTO == ("auto", "none")
    assert beta.parse(" Auto ") is None and beta.parse("NONE") is None and beta.parse("0.25") == 0.25
    assert beta.check(None) is None and beta.check(0.5) is None
    assert beta.check(2.0) == "expected a value in [0, 1] or auto (= beta/2), got 2.0"
    assert beta.describe() == "[0, 1] or auto (= beta/2)"
    assert resolve(None, lambda: 0.125) == 0.125 and resolve(3, lambda: 0.125) == 3.0
    assert type(resolve(3, lambda: 0.125)) is float
    unbounded = ExtendedReal(1.0, 0.0)
    assert unbounded.check(math.inf) is None and unbounded.check(-math.inf) == "expected a finite number, got -inf"
    assert unbounded.check(2.0) is None and unbounded.check(-1.0) == "expected a value in [0, inf], got -1.0"
    assert unbounded.describe() == "[0, inf]"
    capped = ExtendedReal(1.0, 0.0, 5.0)
    assert capped.check(math.inf) == "expected a finite number, got inf" and capped.describe() == "[0, 5]"
