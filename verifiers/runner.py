"""Run checks with fault isolation: every crash or hang becomes an ``error`` verdict."""

from __future__ import annotations

import difflib
import hashlib
import signal
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from typing import Any, Iterator

from verifiers.budget import Budget
from verifiers.errors import InvalidArgument, SuiteError
from verifiers.model import (
    NOT_APPLICABLE,
    WHOLE,
    Claim,
    ClaimResult,
    Context,
    Evidence,
    NegativeControl,
    Outcome,
    Scope,
    combine,
    instance,
)

#: The scope a check covers when its Outcome does not say: a property search covers the statement's
#: domain (what it explored is recorded); a simulation or count covers its test problem.
DEFAULT_SCOPE: dict[str, Scope] = {
    "property": WHOLE, "montecarlo": instance("the check's test problem (see the notes)"),
    "empirical": instance("the check's grid (see the notes)"), "experiment": instance("the experiment's setup"),
}


def resolve_device(name: str) -> str:
    """Map ``auto``/``cpu``/``cuda`` to a usable torch device name."""
    if name not in ("auto", "cpu", "cuda"):
        raise InvalidArgument(f"unknown device {name!r}; expected auto, cpu or cuda")
    import torch

    if name == "cuda" and not torch.cuda.is_available():
        raise InvalidArgument("device 'cuda' requested but torch sees no CUDA device; use --device cpu")
    return ("cuda" if torch.cuda.is_available() else "cpu") if name == "auto" else name


def derive_seed(seed: int, *parts: str) -> int:
    """A stable 31-bit seed for one check, derived from the run seed and names."""
    digest = hashlib.sha256("\x1f".join([str(seed), *parts]).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def parse_overrides(claim: Claim, assignments: list[str]) -> dict[str, Any]:
    """Parse ``NAME=VALUE`` strings against the claim's declared parameters."""
    values: dict[str, Any] = {}
    for text in assignments:
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InvalidArgument(f"--set expects NAME=VALUE, got {text!r}")
        if name not in claim.params:
            raise InvalidArgument(_unknown_param(claim, name))
        param = claim.params[name]
        try:
            value = param.parse(raw)
        except InvalidArgument as exc:
            raise InvalidArgument(f"--set {name}: {exc}") from None
        if (why := param.check(value)) is not None:
            raise InvalidArgument(f"--set {name}: {why}")
        values[name] = value
    return values


def _unknown_param(claim: Claim, name: str) -> str:
    known = ", ".join(f"{k} ({p.describe()})" for k, p in claim.params.items()) or "none"
    close = difflib.get_close_matches(name, list(claim.params), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"claim {claim.id} has no parameter {name!r}.{hint} Its parameters: {known}"


def run_claim(
    claim: Claim,
    *,
    budget: Budget,
    seed: int,
    device: str = "cpu",
    overrides: Mapping[str, Any] | None = None,
    control: NegativeControl | None = None,
) -> ClaimResult:
    """Run every check of ``claim`` (or of one negative control) and combine the verdicts."""
    start = time.perf_counter()
    params = {**claim.defaults(), **(overrides or {}), **(control.params if control else {})}
    name = control.name if control else None
    extra = {k: v for k, v in (overrides or {}).items() if control and k not in control.params}
    if claim.expect == "skipped" and control is None:
        evidence = (_skip_evidence(claim, params, seed, device),)
    else:
        evidence = tuple(
            run_check(fn, Context(claim.id, params, budget, derive_seed(seed, claim.id, method, name or ""),
                                  device, name, run_seed=seed, overrides=extra), method)
            if control is None or control.applies_to(method) else _not_applicable(claim, control, method, params)
            for method, fn in claim.checks.items())
    expected = "refuted" if control else ("skipped" if claim.expect == "skipped" else "holds")
    return ClaimResult(claim_id=claim.id, control=name, params=params, verdict=combine(list(evidence)),
                       expected=expected, evidence=evidence, seconds=time.perf_counter() - start)


def run_all(claim: Claim, *, budget: Budget, seed: int, device: str = "cpu",
            overrides: Mapping[str, Any] | None = None) -> list[ClaimResult]:
    """The claim (at its defaults, or with ``overrides``) followed by each of its negative controls, each with
    the ``overrides`` its own parameters do not set."""
    runs = [run_claim(claim, budget=budget, seed=seed, device=device, overrides=overrides)]
    runs += [run_claim(claim, budget=budget, seed=seed, device=device, overrides=overrides, control=nc)
             for nc in claim.negative_controls]
    return runs


def run_check(fn: Callable[[Context], Outcome], ctx: Context, method: str) -> Evidence:
    """Run one check; exceptions and time-outs become an ``error`` outcome."""
    start = time.perf_counter()
    try:
        with _deadline(ctx.budget.timeout):
            outcome = fn(ctx)
        if not isinstance(outcome, Outcome):
            raise TypeError(f"check {fn.__name__} returned {type(outcome).__name__}, expected Outcome")
    except _Timeout:
        outcome = Outcome(verdict="error", reason=f"check exceeded its {ctx.budget.timeout:g} s time limit")
    except Exception as exc:  # noqa: BLE001 - fault isolation is the point
        outcome = _error_outcome(exc)
    if outcome.verdict == "proved" and method != "symbolic":
        outcome = Outcome(verdict="error", reason=f"a {method} check returned 'proved'; only symbolic checks prove "
                                                  f"(it said: {outcome.reason})")
    return Evidence(
        claim_id=ctx.claim_id, method=method, control=ctx.control, verdict=outcome.verdict,
        reason=outcome.reason, params=dict(ctx.params), statistics=dict(outcome.statistics),
        counterexample=dict(outcome.counterexample) if outcome.counterexample else None,
        reproduce=ctx.reproduce(), figures=tuple(outcome.figures), steps=tuple(outcome.steps),
        scope=outcome.scope or DEFAULT_SCOPE.get(method, WHOLE), premises=tuple(outcome.premises),
        resolution=outcome.resolution, explored=dict(outcome.explored), seed=ctx.seed, device=ctx.device,
        dtype="float64", seconds=time.perf_counter() - start)


def _not_applicable(claim: Claim, control: NegativeControl, method: str, params: Mapping[str, Any]) -> Evidence:
    """The record of a check that does not bear on a negative control's false part (not run)."""
    return Evidence(claim_id=claim.id, method=method, control=control.name, verdict="skipped",
                    reason=f"not applicable to this variant: the {method} check does not examine what "
                           f"'{control.name}' changes", params=dict(params), statistics={}, counterexample=None,
                    reproduce=None, figures=(), steps=(), scope=NOT_APPLICABLE, premises=(), resolution=None,
                    explored={}, seed=0, device="", dtype="float64", seconds=0.0)


def _error_outcome(exc: Exception) -> Outcome:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}" if where else ""
    kind = "" if isinstance(exc, SuiteError) else f"{type(exc).__name__}: "
    return Outcome(verdict="error", reason=f"check raised {kind}{exc}{place}".strip())


def _skip_evidence(claim: Claim, params: Mapping[str, Any], seed: int, device: str) -> Evidence:
    return Evidence(claim_id=claim.id, method="none", control=None, verdict="skipped",
                    reason=claim.skip_reason, params=dict(params), statistics={}, counterexample=None,
                    reproduce=None, figures=(), steps=(), scope=Scope("statement"), premises=(), resolution=None,
                    explored={}, seed=seed,
                    device=device, dtype="float64", seconds=0.0)


class _Timeout(BaseException):
    """Raised inside a check when its deadline passes (a BaseException so checks cannot swallow it)."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`_Timeout` inside the block once ``seconds`` have passed.

    In the main thread a SIGALRM timer does it; in other threads (Dask workers run tasks
    in threads) a timer thread raises the exception asynchronously in the running thread
    (it lands at the next Python bytecode, so a long call into C finishes first).
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        with _thread_deadline(seconds):
            yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_deadline(seconds: float) -> Iterator[None]:
    import ctypes

    target, lock, state = threading.get_ident(), threading.Lock(), {"done": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_Timeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
        timer.cancel()
