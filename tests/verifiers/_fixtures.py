"""Small hand-made claims used by the machinery tests (not part of the catalogue)."""

from __future__ import annotations

import time

from verifiers import SOURCE_STATEMENT, Context, NegativeControl, Outcome, Real, Reference, check, claim

REF = Reference("demo", "Demo section", "a sentence")


def make_claim(**overrides):
    """A valid claim declaration with fields overridable by keyword."""
    fields = dict(id="demo/ok", title="t", statement=r"x \le b", reference=REF, origin=SOURCE_STATEMENT,
                  params={"b": Real(1.0)}, negative_controls=(NegativeControl("low", {"b": -1.0}, "false"),))
    fields.update(overrides)
    return claim(**fields)


def threshold_check(ctx: Context) -> Outcome:
    """Supported when b >= 0, refuted otherwise."""
    if ctx["b"] >= 0:
        return Outcome(verdict="supported", reason="b is non-negative")
    return Outcome(verdict="refuted", reason="b is negative", counterexample={"b": ctx["b"]})


def crashing_check(ctx: Context) -> Outcome:
    """Always raises."""
    raise ZeroDivisionError("boom")


def hanging_check(ctx: Context) -> Outcome:
    """Sleeps far past any test budget."""
    time.sleep(30)
    return Outcome(verdict="supported", reason="never")


def bound(c, method, fn):
    """Attach ``fn`` as the ``method`` check of ``c`` the way the collector does."""
    from dataclasses import replace

    marked = check(c, method)(fn)
    return replace(c, checks={**c.checks, method: marked})
