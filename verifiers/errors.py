"""One exception tree for the suite: every user-facing error is a ``SuiteError``."""

from __future__ import annotations


class SuiteError(Exception):
    """Root of all errors raised deliberately by the suite."""


class InvalidClaim(SuiteError, TypeError):
    """A claim declaration is malformed.

    Parameters
    ----------
    module : str
        Module that declared the claim.
    claim_id : str
        Id of the offending claim (``"?"`` when the id itself is bad).
    field : str
        Name of the bad field.
    message : str
        What was wrong and what was expected.
    """

    def __init__(self, module: str, claim_id: str, field: str, message: str) -> None:
        self.module, self.claim_id, self.field = module, claim_id, field
        super().__init__(f"invalid claim {claim_id!r} in module {module} - at `{field}`: {message}")


class InvalidArgument(SuiteError, ValueError):
    """A user-supplied value (claim id, parameter, profile, path) is not valid."""
