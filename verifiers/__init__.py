"""How claims are checked: the claim model, the collector, the verifiers and the runner."""

from verifiers.budget import PROFILES, Budget, profile
from verifiers.collect import Catalogue, collect
from verifiers.errors import InvalidArgument, InvalidClaim, SuiteError
from verifiers.model import (
    NOT_APPLICABLE,
    OUR_FINDING,
    SOURCE_STATEMENT,
    WHOLE,
    Claim,
    ClaimResult,
    Context,
    Evidence,
    NegativeControl,
    Origin,
    Outcome,
    Premise,
    Reference,
    Resolution,
    Scope,
    Source,
    Verdict,
    check,
    claim,
    combine,
    instance,
    literature,
    special_case,
)
from verifiers.params import Choice, Choices, Derived, ExtendedReal, Flag, Integer, Real, Vector
from verifiers.runner import run_all, run_check, run_claim

__all__ = [
    "NOT_APPLICABLE", "OUR_FINDING", "PROFILES", "SOURCE_STATEMENT", "WHOLE", "Budget", "Catalogue", "Choice",
    "Choices", "Claim", "ClaimResult", "Context", "Evidence", "Flag", "Integer", "InvalidArgument",
    "InvalidClaim", "NegativeControl", "Origin", "Outcome", "Premise", "Real", "Reference", "Resolution",
    "Scope", "Source", "SuiteError", "Verdict", "check", "claim", "collect", "combine", "instance",
    "literature", "profile", "run_all", "run_check", "run_claim", "special_case", "Vector", "Derived", "ExtendedReal",
]
