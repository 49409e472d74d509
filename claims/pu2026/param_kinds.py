r"""Two parameter kinds the declared domains of :mod:`verifiers.params` do not offer yet.

``Derived``
    A real parameter whose default is derived from the claim's other parameters
    (e.g. a bound :math:`\beta/2` that follows :math:`\beta`). Its default is ``None``,
    written ``auto`` on the command line; a check reads it with :func:`resolve`.
``ExtendedReal``
    A real parameter that may also be :math:`+\infty` (e.g. "the condition number
    is unbounded", ``bound=inf``).

Both subclass :class:`verifiers.Real`, so the collector and ``--set`` accept them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifiers import Real

AUTO = ("auto", "none")


@dataclass(frozen=True)
class Derived(Real):
    """A real parameter whose default ``None`` (``auto``) means "derived from the other parameters by ``rule``"."""

    rule: str = ""

    def parse(self, text: str) -> float | None:  # type: ignore[override]
        """``auto`` (or ``None``) for the derived value, else a real number."""
        return None if text.strip().lower() in AUTO else super().parse(text)

    def check(self, value: Any) -> str | None:
        """``None`` is the derived default; anything else must lie in the declared interval."""
        return None if value is None else super().check(value)

    def describe(self) -> str:
        """The interval, and what ``auto`` stands for."""
        return f"{super().describe()} or auto (= {self.rule})"


@dataclass(frozen=True)
class ExtendedReal(Real):
    """A real parameter that may also be ``inf`` (written ``inf`` on the command line)."""

    def check(self, value: Any) -> str | None:
        """``+inf`` is allowed when the interval is unbounded above."""
        if isinstance(value, float) and value == math.inf and self.max_value == math.inf:
            return None
        return super().check(value)

    def describe(self) -> str:
        """The interval, closed at +∞."""
        return f"{super().describe()[:-1]}]"


def resolve(value: float | None, derive: Callable[[], float]) -> float:
    """The parameter's value, or the derived one when it is ``None`` (``auto``)."""
    return derive() if value is None else float(value)
