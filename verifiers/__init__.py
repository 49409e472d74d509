"""How claims are checked: the claim model, the collector, the verifiers and the runner."""

from verifiers.budget import PROFILES, Budget, profile
from verifiers.collect import Catalogue, collect
from verifiers.errors import InvalidArgument, InvalidClaim, SuiteError
from verifiers.model import (
    Claim, ClaimResult, Context, Evidence, NegativeControl, Outcome, Reference, Source, Verdict, check,
    claim, combine,
)
from verifiers.params import Choice, Choices, Flag, Integer, Real
from verifiers.runner import run_all, run_check, run_claim

__all__ = [
    "PROFILES", "Budget", "Catalogue", "Choice", "Choices", "Claim", "ClaimResult", "Context", "Evidence",
    "Flag", "Integer", "InvalidArgument", "InvalidClaim", "NegativeControl", "Outcome", "Real", "Reference",
    "Source", "SuiteError", "Verdict", "check", "claim", "collect", "combine", "profile", "run_all",
    "run_check", "run_claim",
]
