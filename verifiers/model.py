"""The core model: claims, checks, outcomes, evidence and the closed verdict vocabulary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from verifiers.budget import Budget
from verifiers.params import Param

Verdict = Literal["proved", "supported", "refuted", "inconclusive", "error", "skipped"]
Method = Literal["symbolic", "property", "montecarlo", "empirical"]
Expectation = Literal["holds", "refuted", "skipped"]

VERDICTS: tuple[str, ...] = get_args(Verdict)
METHODS: tuple[str, ...] = get_args(Method)
HOLDS: frozenset[str] = frozenset({"proved", "supported"})


@dataclass(frozen=True)
class Reference:
    """Where a claim comes from: source id, section, and the sentence it formalizes."""

    source: str
    section: str
    quote: str


@dataclass(frozen=True)
class NegativeControl:
    """A false variant of a claim (parameter overrides) that the suite must refute."""

    name: str
    params: Mapping[str, Any]
    description: str


@dataclass(frozen=True)
class Claim:
    """An executable statement from a source document.

    Built with :func:`claim`; its checks are attached by the collector from
    functions marked with :func:`check` in the same module.
    """

    id: str
    title: str
    statement: str
    reference: Reference
    notes: str
    params: Mapping[str, Param]
    negative_controls: tuple[NegativeControl, ...]
    tags: tuple[str, ...] = ()
    expect: Expectation = "holds"
    skip_reason: str = ""
    module: str = ""
    checks: Mapping[str, Callable[[Context], Outcome]] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The source id, the part of the id before the slash."""
        return self.id.split("/", 1)[0]

    def defaults(self) -> dict[str, Any]:
        """Default value of every parameter."""
        return {name: p.default for name, p in self.params.items()}

    def control(self, name: str | None) -> NegativeControl | None:
        """The negative control called ``name`` (``None`` for none or an unknown name)."""
        return next((nc for nc in self.negative_controls if nc.name == name), None)


def claim(
    *,
    id: str,
    title: str,
    statement: str,
    reference: Reference,
    notes: str = "",
    params: Mapping[str, Param] | None = None,
    negative_controls: tuple[NegativeControl, ...] = (),
    tags: tuple[str, ...] = (),
    expect: Expectation = "holds",
    skip_reason: str = "",
) -> Claim:
    """Declare a claim (metadata only; validation happens in the collector)."""
    return Claim(
        id=id, title=title, statement=statement, reference=reference, notes=notes,
        params=dict(params or {}), negative_controls=tuple(negative_controls), tags=tuple(tags),
        expect=expect, skip_reason=skip_reason,
    )


CHECK_MARK = "__claims_check__"


def check(target: Claim, method: Method) -> Callable[[Callable[[Context], Outcome]], Callable[[Context], Outcome]]:
    """Mark ``fn(ctx) -> Outcome`` as the ``method`` check of ``target`` (metadata only)."""

    def mark(fn: Callable[[Context], Outcome]) -> Callable[[Context], Outcome]:
        setattr(fn, CHECK_MARK, (target.id, method))
        return fn

    return mark


@dataclass(frozen=True)
class Context:
    """Everything a check may depend on: parameters, budget, seed and device.

    ``seed`` is this check's own seed, derived from the run's ``run_seed``, the
    claim id, the method and the control name.
    """

    claim_id: str
    params: Mapping[str, Any]
    budget: Budget
    seed: int
    device: str = "cpu"
    control: str | None = None
    run_seed: int = 0

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def generator(self) -> Any:
        """A fresh ``torch.Generator`` on this check's device, seeded with this check's seed."""
        import torch

        gen = torch.Generator(device=self.device)
        gen.manual_seed(self.seed)
        return gen

    def reproduce(self) -> str:
        """A shell command that re-runs this claim with these parameters and seed."""
        from verifiers.params import format_value

        sets = "".join(f" --set {k}={format_value(v)}" for k, v in self.params.items())
        return f"claims check {self.claim_id}{sets} --profile {self.budget.name} --seed {self.run_seed}"


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a check concluded; the runner adds identity, timing and environment."""

    verdict: Verdict
    reason: str
    statistics: Mapping[str, Any] = field(default_factory=dict)
    counterexample: Mapping[str, Any] | None = None
    figures: tuple[Mapping[str, Any], ...] = ()
    steps: tuple[str, ...] = ()
    covers_statement: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Evidence:
    """The frozen record of one check of one claim."""

    claim_id: str
    method: str
    control: str | None
    verdict: Verdict
    reason: str
    params: Mapping[str, Any]
    statistics: Mapping[str, Any]
    counterexample: Mapping[str, Any] | None
    reproduce: str | None
    figures: tuple[Mapping[str, Any], ...]
    steps: tuple[str, ...]
    covers_statement: bool
    seed: int
    device: str
    dtype: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with every field."""
        return _jsonable(asdict(self))


@dataclass(frozen=True, kw_only=True)
class ClaimResult:
    """The combined verdict of one claim (or one negative control) over its checks."""

    claim_id: str
    control: str | None
    params: Mapping[str, Any]
    verdict: Verdict
    expected: Expectation
    evidence: tuple[Evidence, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Whether the verdict matches the expectation."""
        if self.expected == "holds":
            return self.verdict in HOLDS
        return self.verdict == self.expected

    @property
    def key(self) -> str:
        """``claim_id`` or ``claim_id[control]``: a unique name for this run."""
        return self.claim_id if self.control is None else f"{self.claim_id}[{self.control}]"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, evidence included."""
        return _jsonable({
            "claim_id": self.claim_id, "control": self.control, "key": self.key,
            "params": dict(self.params), "verdict": self.verdict, "expected": self.expected,
            "passed": self.passed, "seconds": self.seconds,
            "evidence": [e.to_json() for e in self.evidence],
        })


def combine(outcomes: list[Evidence] | list[Outcome]) -> Verdict:
    """Combine check verdicts: refuted > error > proved (full symbolic) > supported > inconclusive."""
    ran = [o for o in outcomes if o.verdict != "skipped"]
    if not ran:
        return "skipped"
    verdicts = {o.verdict for o in ran}
    if "refuted" in verdicts:
        return "refuted"
    if "error" in verdicts:
        return "error"
    if any(o.verdict == "proved" and o.covers_statement for o in ran):
        return "proved"
    return "supported" if verdicts <= HOLDS else "inconclusive"


def _jsonable(value: Any) -> Any:
    """Convert tuples, numpy scalars and arrays into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    return str(value)


@dataclass(frozen=True)
class Source:
    """A document that claims come from (declared as ``SOURCE`` in a source package)."""

    id: str
    title: str
    authors: str
    venue: str
    url: str
    note: str = ""
