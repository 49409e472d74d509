"""Parameter domains: parsing of --set values and domain checks with clear messages."""

from __future__ import annotations

import math

import pytest

from verifiers import InvalidArgument
from verifiers.params import Choice, Choices, Flag, Integer, Real, format_value


@pytest.mark.parametrize(
    ("param", "text", "expected"),
    [
        (Real(0.5), "0.49", 0.49),
        (Integer(5, 1), "7", 7),
        (Flag(True), "false", False),
        (Flag(False), "Yes", True),
        (Choice("a", ("a", "b")), " b ", "b"),
        (Choices(("a",), ("a", "b")), "a, b", ("a", "b")),
    ],
    ids=["real", "integer", "flag-false", "flag-yes", "choice", "choices"],
)
def test_parse_accepts_valid_text(param, text, expected):
    """Each domain parses its command-line spelling."""
    assert param.parse(text) == expected


@pytest.mark.parametrize(
    ("param", "text", "message"),
    [
        (Real(0.5), "abc", "expected a real number, got 'abc'"),
        (Integer(5), "2.5", "expected an integer, got '2.5'"),
        (Flag(True), "maybe", "expected true or false, got 'maybe'"),
    ],
    ids=["real", "integer", "flag"],
)
def test_parse_rejects_bad_text(param, text, message):
    """Unparseable text raises InvalidArgument naming what was expected and received."""
    with pytest.raises(InvalidArgument, match=message):
        param.parse(text)


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        (Real(0.5, 0.0, exclude_min=True), 0.0, "expected a value in (0, inf), got 0.0"),
        (Real(0.5, 0.0, 1.0), 2.0, "expected a value in [0, 1], got 2.0"),
        (Real(0.5), math.nan, "expected a finite number"),
        (Integer(5, 1, 10), 0, "expected an integer in [1, 10], got 0"),
        (Choice("a", ("a", "b")), "c", "expected one of a|b, got 'c'"),
        (Choices(("a",), ("a", "b")), ("a", "z"), "expected each item in {a,b}, got 'z'"),
        (Choices(("a",), ("a", "b")), (), "expected a comma-separated list"),
    ],
    ids=["open-low", "closed-high", "nan", "integer-range", "choice", "choices-item", "choices-empty"],
)
def test_check_reports_out_of_domain(param, value, message):
    """Out-of-domain values are described, not silently accepted."""
    assert message in param.check(value)


def test_in_domain_values_pass():
    """Values inside the domain give no complaint."""
    assert Real(0.5, 0.0, 1.0).check(1.0) is None
    assert Integer(5, 1, 10).check(10) is None
    assert Choices(("a",), ("a", "b")).check(("b", "a")) is None


def test_format_value_round_trips_through_parse():
    """format_value writes what parse reads back."""
    for param, value in [(Real(0.5), 0.49), (Flag(True), False), (Choices(("a",), ("a", "b")), ("a", "b"))]:
        assert param.parse(format_value(value)) == value


def test_vector_parameters_parse_and_check_their_domain():
    """--set pi=0.2,0.3,0.5: parsed as floats; simplex, positivity and length are checked with clear messages."""
    from verifiers.params import Vector

    pi = Vector((0.5, 0.5), kind="simplex", min_length=2)
    assert pi.parse("0.2, 0.3,0.5") == (0.2, 0.3, 0.5)
    assert pi.check((0.2, 0.3, 0.5)) is None
    assert "summing to 1" in pi.check((0.2, 0.3, 0.6))
    assert "non-negative" in pi.check((1.2, -0.2))
    assert "length 2..10000" in pi.check((1.0,))
    assert "positive entries" in Vector((1.0,), kind="positive").check((1.0, 0.0))
    assert "length 3" in Vector((1.0, 2.0, 3.0), length=3).check((1.0,))
    with pytest.raises(InvalidArgument, match="comma-separated real numbers"):
        pi.parse("0.5,abc")
    assert format_value((0.2, 0.8)) == "0.2,0.8"
