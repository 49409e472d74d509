"""Declared parameter domains: defaults, validation and parsing of ``--set NAME=VALUE``."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifiers.errors import InvalidArgument

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Real:
    """A real parameter in ``[min_value, max_value]`` (open ends with ``exclude_min``/``exclude_max``)."""

    default: float
    min_value: float = -math.inf
    max_value: float = math.inf
    exclude_min: bool = False
    exclude_max: bool = False
    doc: str = ""

    def parse(self, text: str) -> float:
        """Parse a command-line value."""
        try:
            return float(text)
        except ValueError:
            raise InvalidArgument(f"expected a real number, got {text!r}") from None

    def check(self, value: Any) -> str | None:
        """Return why ``value`` is outside the domain, or ``None``."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a real number, got {value!r}"
        if not math.isfinite(value):
            return f"expected a finite number, got {value!r}"
        low_bad = value < self.min_value or (self.exclude_min and value == self.min_value)
        high_bad = value > self.max_value or (self.exclude_max and value == self.max_value)
        return f"expected a value in {self.describe()}, got {value!r}" if low_bad or high_bad else None

    def describe(self) -> str:
        """Interval notation of the domain."""
        left = "(" if self.exclude_min or self.min_value == -math.inf else "["
        right = ")" if self.exclude_max or self.max_value == math.inf else "]"
        return f"{left}{self.min_value:g}, {self.max_value:g}{right}"


@dataclass(frozen=True)
class Integer:
    """An integer parameter in ``[min_value, max_value]``."""

    default: int
    min_value: int = -(2**62)
    max_value: int = 2**62
    doc: str = ""

    def parse(self, text: str) -> int:
        """Parse a command-line value."""
        try:
            return int(text)
        except ValueError:
            raise InvalidArgument(f"expected an integer, got {text!r}") from None

    def check(self, value: Any) -> str | None:
        """Return why ``value`` is outside the domain, or ``None``."""
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected an integer, got {value!r}"
        if not self.min_value <= value <= self.max_value:
            return f"expected an integer in {self.describe()}, got {value!r}"
        return None

    def describe(self) -> str:
        """Range notation of the domain."""
        return f"[{self.min_value}, {self.max_value}]"


@dataclass(frozen=True)
class Flag:
    """A boolean parameter (``true``/``false`` on the command line)."""

    default: bool
    doc: str = ""

    def parse(self, text: str) -> bool:
        """Parse a command-line value."""
        low = text.strip().lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise InvalidArgument(f"expected true or false, got {text!r}")

    def check(self, value: Any) -> str | None:
        """Return why ``value`` is outside the domain, or ``None``."""
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"

    def describe(self) -> str:
        """The two allowed values."""
        return "true|false"


@dataclass(frozen=True)
class Choice:
    """One value out of a fixed tuple of options."""

    default: str
    options: tuple[str, ...]
    doc: str = ""

    def parse(self, text: str) -> str:
        """Parse a command-line value."""
        return text.strip()

    def check(self, value: Any) -> str | None:
        """Return why ``value`` is outside the domain, or ``None``."""
        return None if value in self.options else f"expected one of {self.describe()}, got {value!r}"

    def describe(self) -> str:
        """The allowed options."""
        return "|".join(self.options)


@dataclass(frozen=True)
class Choices:
    """A non-empty, comma-separated subset of fixed options (e.g. ``maps=sparsemax,entmax15``)."""

    default: tuple[str, ...]
    options: tuple[str, ...]
    doc: str = ""

    def parse(self, text: str) -> tuple[str, ...]:
        """Parse a command-line value."""
        return tuple(part.strip() for part in text.split(",") if part.strip())

    def check(self, value: Any) -> str | None:
        """Return why ``value`` is outside the domain, or ``None``."""
        if not isinstance(value, tuple) or not value:
            return f"expected a comma-separated list of {self.describe()}, got {value!r}"
        bad = [v for v in value if v not in self.options]
        return f"expected each item in {self.describe()}, got {', '.join(map(repr, bad))}" if bad else None

    def describe(self) -> str:
        """The allowed options."""
        return "{" + ",".join(self.options) + "}"


#: Spellings of a derived parameter's default on the command line.
AUTO = ("auto", "none")


@dataclass(frozen=True)
class Derived(Real):
    """A real parameter whose default ``None`` (``auto``) is derived from the claim's other parameters.

    ``rule`` says how (e.g. ``"beta/2"``); a check reads the value with :func:`resolve`.
    """

    rule: str = ""

    def parse(self, text: str) -> float | None:  # type: ignore[override]
        """``auto`` for the derived value, else a real number."""
        return None if text.strip().lower() in AUTO else super().parse(text)

    def check(self, value: Any) -> str | None:
        """``None`` is the derived default; anything else must lie in the declared interval."""
        return None if value is None else super().check(value)

    def describe(self) -> str:
        """The interval, and what ``auto`` stands for."""
        return f"{super().describe()} or auto (= {self.rule})"


@dataclass(frozen=True)
class ExtendedReal(Real):
    """A real parameter that may also be ``+inf`` (``inf`` on the command line), e.g. "unbounded"."""

    def check(self, value: Any) -> str | None:
        """``+inf`` is allowed when the interval is unbounded above."""
        if isinstance(value, float) and value == math.inf and self.max_value == math.inf:
            return None
        return super().check(value)

    def describe(self) -> str:
        """The interval, closed at +∞."""
        return f"{super().describe()[:-1]}]"


def resolve(value: float | None, derive: Callable[[], float]) -> float:
    """A :class:`Derived` parameter's value: the given one, or ``derive()`` when it is ``None`` (``auto``)."""
    return derive() if value is None else float(value)


#: Vector kinds: any reals, positive entries, or a point of the probability simplex.
VECTOR_KINDS = ("real", "positive", "simplex")
#: How far a simplex vector's sum may be from 1 (command-line decimals such as 0.1,0.2,0.7).
SIMPLEX_TOL = 1e-9


@dataclass(frozen=True)
class Vector:
    """A vector of reals (``--set pi=0.2,0.3,0.5``): any reals, positive entries, or a simplex point.

    ``min_length``/``max_length`` bound its length (``length`` fixes it).
    """

    default: tuple[float, ...]
    kind: str = "real"
    min_length: int = 1
    max_length: int = 10_000
    length: int | None = None
    doc: str = ""

    def parse(self, text: str) -> tuple[float, ...]:
        """Parse a comma-separated command-line value."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        try:
            return tuple(float(part) for part in parts)
        except ValueError:
            raise InvalidArgument(f"expected comma-separated real numbers, got {text!r}") from None

    def check(self, value: Any) -> str | None:
        """Return why ``value`` is outside the domain, or ``None``."""
        if self.kind not in VECTOR_KINDS:
            return f"unknown vector kind {self.kind!r}; expected one of {', '.join(VECTOR_KINDS)}"
        if not isinstance(value, tuple) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                   for v in value):
            return f"expected a tuple of real numbers, got {value!r}"
        low, high = (self.length, self.length) if self.length is not None else (self.min_length, self.max_length)
        if not low <= len(value) <= high:
            return f"expected {self.describe()}, got {len(value)} entries"
        if not all(math.isfinite(v) for v in value):
            return f"expected finite entries, got {value!r}"
        if self.kind in ("positive", "simplex") and any(v < 0 or (self.kind == "positive" and v == 0) for v in value):
            return f"expected {'positive' if self.kind == 'positive' else 'non-negative'} entries, got {value!r}"
        if self.kind == "simplex" and abs(math.fsum(value) - 1.0) > SIMPLEX_TOL:
            return f"expected entries summing to 1 (a point of the simplex), got sum {math.fsum(value):.12g}"
        return None

    def describe(self) -> str:
        """The kind and length of the vectors allowed."""
        size = f"length {self.length}" if self.length is not None else f"length {self.min_length}..{self.max_length}"
        what = {"real": "a real vector", "positive": "a positive vector", "simplex": "a point of the simplex"}
        return f"{what.get(self.kind, self.kind)}, {size}, comma-separated"


Param = Real | Integer | Flag | Choice | Choices | Vector  # Derived and ExtendedReal are Reals


def format_value(value: Any) -> str:
    """Render a parameter value the way ``--set`` accepts it (``auto`` for a derived default)."""
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(repr(v) if isinstance(v, float) else str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)

__all__ = [
    "Real", "Integer", "Flag", "Choice", "Choices", "Vector", "Derived", "ExtendedReal", "resolve", "AUTO",
    "VECTOR_KINDS", "SIMPLEX_TOL", "Param", "format_value",
]
