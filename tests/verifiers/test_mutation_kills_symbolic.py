"""Symbolic helpers pinned exactly: residuals, witnesses, tolerances, reasons and derivation steps (mutation kills)."""

from __future__ import annotations

import math
import random

import pytest
import sympy as sp

from verifiers import WHOLE, Premise, special_case, symbolic
from verifiers.symbolic import _numeric_witness, _plain, _sample

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
PREMISE = Premise("a lemma", "Someone, 2020")


@pytest.mark.parametrize(("value", "text"), [
    (sp.oo, "∞"), (2.5, "2.5"), (3, "3"), (sp.Rational(1, 3), "1/3"), (sp.sqrt(2), "√2"), (x / 2, "x/2"),
    (sp.Interval(0, sp.oo), "[0, ∞)"), (sp.Sum(x, (x, 1, sp.oo)), "Sum(x, (x, 1, ∞))"),
])
def test_plain_writes_values_in_one_line(value, text) -> None:
    assert _plain(value) == text


def test_latex_wraps_in_dollars() -> None:
    assert symbolic.latex(x ** 2) == "$x^{2}$"


def test_identity_proof_records_residual_steps_premises_and_scope() -> None:
    out = symbolic.identity(sp.exp(2 * x), sp.exp(x) ** 2, scope=special_case("x real"), steps=("expand",),
                            premises=(PREMISE,))
    assert out.verdict == "proved" and out.reason == "the residual lhs - rhs simplifies to 0"
    assert out.statistics == {"residual": "0"} and out.steps == ("expand", "residual: $r = 0$")
    assert out.scope == special_case("x real") and out.premises == (PREMISE,)
    assert out.resolution == symbolic.EXACT_IDENTITY and out.resolution.value == 0.0


def test_identity_refutation_records_the_point_and_the_value() -> None:
    out = symbolic.identity(x + 1, x, scope=WHOLE, steps=("s",), premises=(PREMISE,), seed=3)
    assert out.verdict == "refuted" and out.reason == "lhs - rhs = 1 at an admissible point"
    assert out.statistics == {"residual": "1", "residual_value": 1.0} and out.counterexample == {}
    assert out.steps == ("s", "residual: $r = 1$") and out.scope == WHOLE and out.premises == ()
    assert out.resolution == symbolic.EXACT_IDENTITY


def test_identity_uses_its_seed_for_the_witness() -> None:
    residual = sp.simplify(x ** 2 - x)
    for seed in (1, 2, 3):
        point, value = _numeric_witness(residual, seed, 20)
        out = symbolic.identity(x ** 2, x, scope=WHOLE, seed=seed)
        assert out.counterexample == point and out.statistics["residual_value"] == value
        assert value == pytest.approx(point["x"] ** 2 - point["x"], rel=1e-12)


def test_identity_without_a_witness_is_inconclusive() -> None:
    out = symbolic.identity(x + 1, x, scope=WHOLE, trials=0, steps=("s",))
    assert out.verdict == "inconclusive" and out.statistics == {"residual": "1"}
    assert out.reason == "SymPy could not reduce the residual to 0 and no numeric counterexample was found"
    assert out.steps == ("s", "residual: $r = 1$") and out.scope is None and out.resolution is None


def test_numeric_witness_respects_assumptions_and_skips_complex_values() -> None:
    point, value = _numeric_witness(sp.sqrt(x) - 5, 0, 40)
    assert point["x"] > 0 and value == pytest.approx(point["x"] ** 0.5 - 5, rel=1e-12)
    assert _numeric_witness(sp.Float(1e-40), 0, 3) is None
    assert _numeric_witness(sp.Float(2e-40), 0, 3) == ({}, pytest.approx(2e-40, rel=1e-12))
    assert _numeric_witness(sp.I * (x ** 2 + 1), 0, 5) is None
    assert _numeric_witness(1 / (x - x) + x, 0, 3) is None
    assert _numeric_witness(x - 1, 0, 0) is None


def test_numeric_witness_tries_every_trial() -> None:
    """A residual that vanishes except at x = 6 (integers 1..6) is found only with enough trials."""
    n = sp.Symbol("n", integer=True, positive=True)
    residual = sp.Piecewise((1, sp.Eq(n, 6)), (0, True))
    rng = random.Random(0)
    first = next(i for i in range(1, 100) if rng.randint(1, 6) == 6)
    assert _numeric_witness(residual, 0, first - 1) is None
    assert _numeric_witness(residual, 0, first) == ({"n": 6.0}, 1.0)


def _draws(symbol: sp.Symbol, count: int = 2000) -> list[sp.Rational]:
    rng = random.Random(7)
    return [_sample(symbol, rng) for _ in range(count)]


@pytest.mark.parametrize(("assumptions", "low"), [(dict(positive=True), 1), (dict(nonnegative=True), 0), ({}, -5)])
def test_integer_samples_cover_their_range(assumptions, low) -> None:
    draws = _draws(sp.Symbol("k", integer=True, **assumptions))
    assert min(draws) == low and max(draws) == 6 and all(isinstance(d, sp.Integer) for d in draws)


@pytest.mark.parametrize(("assumptions", "signs"), [(dict(positive=True), {1}), (dict(nonnegative=True), {1}),
                                                   (dict(negative=True), {-1}), (dict(real=True), {-1, 1})])
def test_real_samples_are_hundredths_up_to_four_with_the_right_signs(assumptions, signs) -> None:
    draws = _draws(sp.Symbol("y", **assumptions))
    assert {int(sp.sign(d)) for d in draws} == signs
    assert min(abs(d) for d in draws) == sp.Rational(1, 100) and max(abs(d) for d in draws) == 4
    assert all((100 * d).is_integer for d in draws)
    if len(signs) == 2:
        negative = sum(bool(d < 0) for d in draws)
        assert 800 < negative < 1200


def test_equals_proves_within_the_tolerance_and_records_it() -> None:
    out = symbolic.equals(sp.Rational(1, 2), 0.505, what="c", scope=WHOLE, steps=("s",), premises=(PREMISE,),
                          tol=0.01)
    assert out.verdict == "proved" and out.reason == "the derived c 1/2 equals the claimed 0.505 within the tolerance 0.01"
    assert out.statistics == {"derived": "1/2", "derived_value": 0.5, "claimed": 0.505, "tolerance": 0.01}
    assert out.steps == ("s", "derived c: $\\frac{1}{2}$") and out.premises == (PREMISE,) and out.scope == WHOLE
    assert (out.resolution.value, out.resolution.quantity) == (pytest.approx(0.01 + 1e-12, rel=1e-15), "c")
    exact = symbolic.equals(sp.Integer(3), 3.0, what="c", scope=WHOLE)
    assert exact.reason == "the derived c 3 equals the claimed 3" and exact.resolution.value == 3e-12


def test_equals_refutes_with_the_derived_value() -> None:
    out = symbolic.equals(sp.Rational(1, 3), 0.3, what="c", scope=WHOLE, premises=(PREMISE,))
    assert out.verdict == "refuted" and out.reason == "the derived c is 1/3 = 0.333333, not 0.3"
    assert out.counterexample == {"derived": "1/3", "claimed": 0.3} and out.premises == ()
    assert out.resolution.value == 1e-12
    tol = symbolic.equals(sp.Rational(1, 3), 0.3, what="c", scope=WHOLE, tol=0.01)
    assert tol.reason == "the derived c is 1/3 = 0.333333, not 0.3 (tolerance 0.01)"


def test_equals_float_slack_is_relative_to_the_derived_value() -> None:
    assert symbolic.equals(sp.Integer(10) ** 6, 1e6 + 5e-7, what="c", scope=WHOLE).verdict == "proved"
    assert symbolic.equals(sp.Integer(10) ** 6, 1e6 + 2e-6, what="c", scope=WHOLE).verdict == "refuted"
    assert symbolic.equals(sp.Rational(1, 4), 0.25 + 9e-13, what="c", scope=WHOLE).verdict == "proved"
    assert symbolic.equals(sp.Rational(-1, 4), -0.25 - 9e-13, what="c", scope=WHOLE).verdict == "proved"
    assert symbolic.equals(sp.Rational(1, 4), 0.25 - 2e-12, what="c", scope=WHOLE).verdict == "refuted"


def test_supremum_and_where_it_is_attained() -> None:
    assert symbolic.supremum(p * (1 - p), p, sp.Interval(0, 1)) == (sp.Rational(1, 4), [sp.Rational(1, 2)])
    assert symbolic.supremum(p, p, sp.Interval.open(0, 1)) == (1, [])


def test_bounded_by_proof_statistics_steps_and_reason() -> None:
    expr, dom = p * (1 - p), sp.Interval(0, 1)
    out = symbolic.bounded_by(expr, p, dom, 0.25, scope=WHOLE, steps=("s",), premises=(PREMISE,))
    assert out.verdict == "proved" and out.reason == "the exact supremum is 1/4, equal to the bound"
    assert out.statistics == {"supremum": "1/4", "supremum_value": 0.25, "bound": 0.25, "attained_at": ["1/2"]}
    assert out.steps == ("s", "$\\sup_{p\\in \\left[0, 1\\right]} p \\left(1 - p\\right) = \\frac{1}{4}$")
    assert out.premises == (PREMISE,) and out.scope == WHOLE
    assert (out.resolution.value, out.resolution.quantity) == (1e-12, "bound")
    loose = symbolic.bounded_by(expr, p, dom, 0.3, scope=WHOLE, sharp=False)
    assert loose.verdict == "proved" and loose.reason == "the exact supremum is 1/4, at most the bound"


def test_bounded_by_refutes_a_violated_or_loose_bound() -> None:
    expr, dom = p * (1 - p), sp.Interval(0, 1)
    low = symbolic.bounded_by(expr, p, dom, 0.2, scope=WHOLE, premises=(PREMISE,))
    assert low.verdict == "refuted" and low.counterexample == {"p": "1/2"} and low.premises == ()
    assert low.reason == "the exact supremum 1/4 = 0.25 exceeds the bound 0.2"
    loose = symbolic.bounded_by(expr, p, dom, 0.3, scope=WHOLE)
    assert loose.verdict == "refuted" and loose.counterexample == {"supremum": "1/4", "bound": 0.3}
    assert loose.reason == "the bound 0.3 holds but is not sharp: the exact supremum is 1/4"
    open_sup = symbolic.bounded_by(p, p, sp.Interval.open(0, 1), 0.5, scope=WHOLE)
    assert open_sup.counterexample == {"supremum": "1"}


def test_bounded_by_tolerance_is_1e_12_both_ways() -> None:
    expr, dom = p * (1 - p), sp.Interval(0, 1)
    assert symbolic.bounded_by(expr, p, dom, 0.25 - 5e-13, scope=WHOLE).verdict == "proved"
    assert symbolic.bounded_by(expr, p, dom, 0.25 + 5e-13, scope=WHOLE).verdict == "proved"
    assert symbolic.bounded_by(expr, p, dom, 0.25 + 2e-12, scope=WHOLE).verdict == "refuted"


def test_identity_default_seed_and_trials() -> None:
    """By default the witness search uses seed 0 and 20 trials: a residual non-zero only at the 21st draw stays
    undecided, one non-zero at the 20th is refuted."""
    rng = random.Random(0)
    draws = [_sample(x, rng) for _ in range(21)]
    fresh = {i: d for i, d in enumerate(draws) if d not in draws[:i]}
    twenty_first, twentieth = draws[20], draws[19]
    assert 20 in fresh and 19 in fresh
    late = sp.Piecewise((1, sp.Eq(x, twenty_first)), (0, True))
    assert symbolic.identity(late, sp.Integer(0), scope=WHOLE).verdict == "inconclusive"
    on_time = sp.Piecewise((1, sp.Eq(x, twentieth)), (0, True))
    out = symbolic.identity(on_time, sp.Integer(0), scope=WHOLE)
    assert out.verdict == "refuted" and out.counterexample == {"x": float(twentieth)}
    assert symbolic.identity(x ** 2, x, scope=WHOLE).counterexample == _numeric_witness(x ** 2 - x, 0, 20)[0]


def test_numeric_witness_samples_symbols_in_name_order() -> None:
    names = sp.symbols("f b d a e c", real=True)
    residual = sum(names, sp.Integer(0)) + 100
    point, _ = _numeric_witness(residual, 5, 3)
    rng = random.Random(5)
    assert point == {s.name: float(_sample(s, rng)) for s in sorted(names, key=lambda s: s.name)}


def test_numeric_witness_works_at_high_precision_and_skips_unevaluable_points() -> None:
    """A true identity SymPy did not simplify is ~1e-60 at 60 digits (no witness); unevaluable points are skipped."""
    assert _numeric_witness(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, 0, 20) is None
    f = sp.Function("f")
    assert _numeric_witness(sp.Piecewise((f(x), x < 0), (1, True)), 0, 5) == ({"x": 2.16}, 1.0)


def test_refutations_keep_their_statistics_steps_scope_and_resolution() -> None:
    scope = special_case("p in [0, 1]")
    expr, dom = p * (1 - p), sp.Interval(0, 1)
    low = symbolic.bounded_by(expr, p, dom, 0.2, scope=scope, steps=("s",))
    loose = symbolic.bounded_by(expr, p, dom, 0.3, scope=scope, steps=("s",))
    step = "$\\sup_{p\\in \\left[0, 1\\right]} p \\left(1 - p\\right) = \\frac{1}{4}$"
    for out, bound in ((low, 0.2), (loose, 0.3)):
        assert out.statistics == {"supremum": "1/4", "supremum_value": 0.25, "bound": bound, "attained_at": ["1/2"]}
        assert out.steps == ("s", step) and out.scope == scope
        assert (out.resolution.value, out.resolution.quantity) == (1e-12, "bound")
    wrong = symbolic.equals(sp.Rational(1, 3), 0.3, what="c", scope=scope, steps=("s",))
    assert wrong.statistics == {"derived": "1/3", "derived_value": 1 / 3, "claimed": 0.3, "tolerance": 0.0}
    assert wrong.steps == ("s", "derived c: $\\frac{1}{3}$") and wrong.scope == scope


def _exactly(target: float, offset: float) -> float:
    """A float b with b + offset == target exactly (searched among the neighbours of target - offset)."""
    start = target - offset
    for k in range(-50, 51):
        b = start
        for _ in range(abs(k)):
            b = math.nextafter(b, math.inf if k > 0 else -math.inf)
        if b + offset == target:
            return b
    raise AssertionError("no exact candidate")


def test_bound_and_sharpness_tolerances_are_strict_inequalities() -> None:
    """A bound exactly 1e-12 below (or above) the supremum 3/4 is still proved."""
    expr, dom = 3 * p * (1 - p), sp.Interval(0, 1)
    assert symbolic.bounded_by(expr, p, dom, _exactly(0.75, 1e-12), scope=WHOLE).verdict == "proved"
    assert symbolic.bounded_by(expr, p, dom, _exactly(0.75, -1e-12), scope=WHOLE).verdict == "proved"


def test_equals_slack_is_inclusive() -> None:
    for tol in (0.25, 0.125, 0.375, 0.0625, 0.5):
        slack = tol + 1e-12
        claimed = 0.5 + slack
        if abs(0.5 - claimed) == slack:
            break
    assert symbolic.equals(sp.Rational(1, 2), claimed, what="c", scope=WHOLE, tol=tol).verdict == "proved"


def test_supremum_with_parameters_and_constant_expressions() -> None:
    a = sp.Symbol("a", positive=True)
    assert symbolic.supremum(a * p * (1 - p), p, sp.Interval(0, 1)) == (a / 4, [sp.Rational(1, 2)])
    assert symbolic.supremum(sp.S.One, p, sp.Interval(0, 1)) == (1, [])


def test_sums_over_a_symbolic_range_in_linear_normal_form() -> None:
    i = sp.Symbol("i", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    w = sp.IndexedBase("w")
    total = sp.Sum(3 * w[i] ** 2 + 2 * w[i] - 5, (i, 1, n))
    normal = symbolic.linear_normal_form(total)
    assert normal == 3 * sp.Sum(w[i] ** 2, (i, 1, n)) + 2 * sp.Sum(w[i], (i, 1, n)) - 5 * n
    assert symbolic.linear_normal_form(total, {sp.Sum(w[i], (i, 1, n)): 1}) == (
        3 * sp.Sum(w[i] ** 2, (i, 1, n)) + 2 - 5 * n)
    assert symbolic.linear_normal_form(sp.Sum(7, (i, 2, n))) == 7 * n - 7
    assert symbolic.linear_normal_form(x * (x + 1)) == x ** 2 + x


def test_sum_identity_proves_with_hypotheses_and_names_them() -> None:
    i = sp.Symbol("i", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    w = sp.IndexedBase("w")
    lhs = sp.Sum(w[i] - 1 / n, (i, 1, n))
    hyp = {sp.Sum(w[i], (i, 1, n)): 1}
    out = symbolic.sum_identity(lhs, sp.Integer(0), step="centred", scope=WHOLE, hypotheses=hyp, steps=("s",))
    assert out.verdict == "proved" and out.scope == WHOLE
    assert out.steps == ("s", f"centred: ${sp.latex(lhs)} = 0$ (using ${sp.latex(sp.Sum(w[i], (i, 1, n)))} = 1$)",
                         "residual: $r = 0$")
    plain = symbolic.sum_identity(lhs, sp.Integer(0), step="centred", scope=WHOLE)
    assert plain.verdict != "proved" and plain.steps[0] == f"centred: ${sp.latex(lhs)} = 0$"


def test_nonnegative_terms_reports_the_step() -> None:
    ok, steps = symbolic.nonnegative_terms((x - 1) ** 2, "squares", ("s",))
    assert ok is True and steps == ("s", "squares: every term $\\left(x - 1\\right)^{2}$ is $\\ge 0$")
    bad, steps = symbolic.nonnegative_terms(x - 1, "linear", ())
    assert bad is False and steps == ("linear: every term $x - 1$ is $\\ge 0$ (NOT shown)",)
