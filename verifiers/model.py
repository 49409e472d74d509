"""The core model: claims, checks, outcomes, evidence and the closed verdict vocabulary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, get_args

from verifiers.budget import Budget
from verifiers.params import Param

Verdict = Literal["proved", "supported", "refuted", "inconclusive", "error", "skipped"]
Method = Literal["symbolic", "property", "montecarlo", "empirical", "experiment"]
Expectation = Literal["holds", "refuted", "skipped"]
ScopeKind = Literal["statement", "special-case", "instance", "not-applicable"]
OriginKind = Literal["source", "literature", "ours"]

VERDICTS: tuple[str, ...] = get_args(Verdict)
METHODS: tuple[str, ...] = get_args(Method)
HOLDS: frozenset[str] = frozenset({"proved", "supported"})


@dataclass(frozen=True)
class Reference:
    """Where a claim comes from: source id (one the package declares), section, and the quoted sentence.

    ``quote`` is verbatim from the source; ``" … "`` separates verbatim fragments quoted in order.
    """

    source: str
    section: str
    quote: str


@dataclass(frozen=True)
class Origin:
    """Whose statement a claim is: the source's (a quote we formalize), the literature's, or our own finding."""

    kind: OriginKind
    citation: str = ""

    @property
    def label(self) -> str:
        """Plain words for the report."""
        return {"source": "the source's statement (our formalization of the quote)",
                "literature": f"a literature result ({self.citation})",
                "ours": "our own finding"}[self.kind]


#: The claim formalizes the quoted sentence of its source.
SOURCE_STATEMENT = Origin("source")
#: The claim is our own finding (not stated by the source).
OUR_FINDING = Origin("ours")


def literature(citation: str) -> Origin:
    """A result from the literature, with its citation (authors, year, venue)."""
    return Origin("literature", citation)


@dataclass(frozen=True)
class NegativeControl:
    """A false variant of a claim (parameter overrides) that the suite must refute.

    Parameters
    ----------
    name, params, description
        Its name, parameter overrides and why it is false.
    source_reading : bool
        The source itself states this false variant (listed under Findings in the report).
    methods : tuple of str
        The checks that bear on the variant's false part (empty: all). The others are
        recorded as "not applicable to this variant" instead of being run.
    """

    name: str
    params: Mapping[str, Any]
    description: str
    source_reading: bool = False
    methods: tuple[str, ...] = ()

    def applies_to(self, method: str) -> bool:
        """Whether the ``method`` check bears on this variant."""
        return not self.methods or method in self.methods


@dataclass(frozen=True)
class Scope:
    """What part of the statement a check covers.

    ``statement``: all of it; ``special-case``: the statement under ``restriction``
    (e.g. ``"n = 2"``); ``instance``: one test problem (``restriction`` says which);
    ``not-applicable``: the check does not bear on this variant.
    """

    kind: ScopeKind
    restriction: str = ""

    @property
    def label(self) -> str:
        """Plain words for the report: "whole statement", "special case n = 2", ..."""
        return {"statement": "whole statement", "special-case": f"special case {self.restriction}",
                "instance": f"instance: {self.restriction}" if self.restriction else "one instance",
                "not-applicable": "not applicable to this variant"}[self.kind]


#: The check covers the whole statement.
WHOLE = Scope("statement")
#: The check does not bear on this negative control's false part.
NOT_APPLICABLE = Scope("not-applicable")


def special_case(restriction: str) -> Scope:
    """The statement restricted as named, e.g. ``special_case("n = 2")``."""
    return Scope("special-case", restriction)


def instance(description: str) -> Scope:
    """One test problem, e.g. ``instance("n = 20, q = softmax(0.6 s)")``."""
    return Scope("instance", description)


@dataclass(frozen=True)
class Premise:
    """A statement a check relies on without checking it, with its citation."""

    statement: str
    citation: str


@dataclass(frozen=True)
class Resolution:
    """The smallest deviation a check detects at its error level.

    ``value`` is in the units of ``quantity``; ``relative`` is ``value`` divided by
    the quantity's reference size when that is meaningful; ``level`` is the error
    level (0 for an exact computation).
    """

    value: float
    quantity: str
    level: float = 0.0
    relative: float | None = None

    @property
    def label(self) -> str:
        """Plain words: "detects deviations ≥ 0.02 (2 %) in coef at level 1e-06"."""
        rel = f" ({100 * self.relative:.3g} %)" if self.relative is not None else ""
        at = f" at level {self.level:.0e}" if self.level else " (exact)"
        return f"detects deviations ≥ {self.value:.3g}{rel} in {self.quantity}{at}"


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
    origin: Origin | None
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
    origin: Origin | None = None,
    notes: str = "",
    params: Mapping[str, Param] | None = None,
    negative_controls: tuple[NegativeControl, ...] = (),
    tags: tuple[str, ...] = (),
    expect: Expectation = "holds",
    skip_reason: str = "",
) -> Claim:
    """Declare a claim (metadata only; validation happens in the collector, which requires ``origin``)."""
    return Claim(
        id=id, title=title, statement=statement, reference=reference, origin=origin, notes=notes,
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
    #: In a negative control's run, the values set on the command line besides the control's own.
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def generator(self) -> Any:
        """A fresh ``torch.Generator`` on this check's device, seeded with this check's seed."""
        import torch

        gen = torch.Generator(device=self.device)
        gen.manual_seed(self.seed)
        return gen

    def reproduce(self) -> str:
        """A shell command that re-runs this claim (or this negative control) with the same seeds."""
        from verifiers.params import format_value

        if self.control is not None:
            target = f" --control {self.control}" + "".join(
                f" --set {k}={format_value(v)}" for k, v in self.overrides.items())
        else:
            target = "".join(f" --set {k}={format_value(v)}" for k, v in self.params.items())
        return f"claims check {self.claim_id}{target} --profile {self.budget.name} --seed {self.run_seed}"


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a check concluded; the runner adds identity, timing and environment.

    ``scope`` says what the check covers; a ``proved`` outcome must set it (there is
    no silent default). ``premises`` are statements used without being checked,
    ``resolution`` the smallest deviation detected, ``explored`` what was searched
    (largest n, largest |s|, parameter ranges).
    """

    verdict: Verdict
    reason: str
    statistics: Mapping[str, Any] = field(default_factory=dict)
    counterexample: Mapping[str, Any] | None = None
    figures: tuple[Mapping[str, Any], ...] = ()
    steps: tuple[str, ...] = ()
    scope: Scope | None = None
    premises: tuple[Premise, ...] = ()
    resolution: Resolution | None = None
    explored: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; expected one of {', '.join(VERDICTS)}")
        if self.verdict == "proved" and self.scope is None:
            raise ValueError("a proved Outcome must declare its scope (WHOLE, special_case(...) or instance(...))")

    def but(self, **changes: Any) -> Outcome:
        """A copy with some fields changed (keeps scope, premises and resolution)."""
        return replace(self, **changes)


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
    scope: Scope
    premises: tuple[Premise, ...]
    resolution: Resolution | None
    explored: Mapping[str, Any]
    seed: int
    device: str
    dtype: str
    seconds: float

    @property
    def covers_statement(self) -> bool:
        """Whether the check's scope is the whole statement."""
        return self.scope.kind == "statement"

    @property
    def proves(self) -> bool:
        """A symbolic proof of the whole statement: what makes a claim ``proved``."""
        return self.method == "symbolic" and self.verdict == "proved" and self.covers_statement

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with every field (scope and resolution with their plain labels)."""
        record = _jsonable(asdict(self))
        record["scope"]["label"] = self.scope.label
        if self.resolution is not None:
            record["resolution"]["label"] = self.resolution.label
        return record


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
        """Whether the verdict matches the expectation (and a negative control has no ``proved`` check)."""
        return not self.problems

    @property
    def undecided_experiment(self) -> bool:
        """An honest "cannot tell at this budget": inconclusive only because experiment checks ran out of seeds."""
        undecided = [e for e in self.evidence if e.verdict == "inconclusive"]
        return self.verdict == "inconclusive" and all(e.method == "experiment" for e in undecided)

    @property
    def problems(self) -> list[str]:
        """Why the run does not pass: a verdict other than expected, or a proof inside a negative control.

        A claim expected to hold that comes out inconclusive only because its experiments could not
        decide within the profile's seeds passes (as "undecided"); its controls must still be refuted.
        """
        holds = self.verdict in HOLDS or (self.control is None and self.undecided_experiment)
        matches = holds if self.expected == "holds" else self.verdict == self.expected
        found = [] if matches else [f"verdict {self.verdict}, expected {self.expected}"]
        if self.control is not None:
            found += [f"the {e.method} check says 'proved' inside the negative control {self.control}: a check that "
                      "does not examine the variant's false part must be declared not applicable "
                      "(NegativeControl(methods=...))" for e in self.evidence if e.verdict == "proved"]
        return found

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


def combine(evidence: list[Evidence]) -> Verdict:
    """Combine check verdicts: refuted > error > proved > supported > inconclusive.

    ``proved`` needs a symbolic check whose scope is the whole statement
    (:attr:`Evidence.proves`); a proof of a special case counts as ``supported``.
    """
    ran = [e for e in evidence if e.verdict != "skipped"]
    if not ran:
        return "skipped"
    verdicts = {e.verdict for e in ran}
    if "refuted" in verdicts:
        return "refuted"
    if "error" in verdicts:
        return "error"
    if any(e.proves for e in ran):
        return "proved"
    return "supported" if verdicts <= HOLDS else "inconclusive"


def _jsonable(value: Any) -> Any:
    """Convert tuples, numpy scalars and arrays into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    return str(value)


@dataclass(frozen=True)
class Source:
    """A document that claims come from (``SOURCE`` or ``SOURCES`` in a source package).

    ``texts`` names files (relative to the package folder) holding the document's
    text; when given, every quote citing this source must appear in them verbatim.
    """

    id: str
    title: str
    authors: str
    venue: str
    url: str
    note: str = ""
    texts: tuple[str, ...] = ()
