"""The pytest plugin: options, and one test item per claim and per negative control.

Registered through the ``pytest11`` entry point. A source's test module is one line::

    test_pu2026 = claim_tests("pu2026")

Item ids are claim keys (``pu2026/sop``, ``pu2026/sop[sparsemax]``), so
``pytest -k jacobian`` selects by claim id.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

_DEFAULTS = {"profile": "quick", "seed": 0, "device": "auto"}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--claims-*`` options in one group."""
    group = parser.getgroup("claims", "claim verification")
    group.addoption("--claims-profile", default=_DEFAULTS["profile"], choices=["quick", "standard", "thorough"],
                    help="budget profile for claim checks (default: quick)")
    group.addoption("--claims-seed", type=int, default=_DEFAULTS["seed"], help="run seed (default: 0)")
    group.addoption("--claims-device", default=_DEFAULTS["device"], choices=["auto", "cpu", "cuda"],
                    help="torch device for Monte Carlo checks (default: auto)")


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``claim`` marker; use one torch thread, as the CLI and the report do (bit-exact results)."""
    config.addinivalue_line("markers", "claim: a claim or negative-control run of the verification suite")
    import torch

    torch.set_num_threads(1)


def claim_tests(source: str, package: str | None = None) -> Callable[..., None]:
    """A parametrized test running every claim of ``source`` and each of its negative controls.

    ``package`` is the dotted name of the source package (default ``claims.<source>``,
    else whatever the ``claims.sources`` entry points provide). A malformed claim
    module becomes one failing item naming the module; the other claims still run.
    """
    from verifiers.collect import collect

    errors: list[Any] = []
    package = package or f"claims.{source}"
    catalogue = collect([package] if _importable(package) else None, on_error=errors.append)
    cases: list[tuple[Any, Any]] = [(c, nc) for c in catalogue.claims if c.source == source
                                    for nc in (None, *c.negative_controls)]
    ids = [c.id if nc is None else f"{c.id}[{nc.name}]" for c, nc in cases]
    cases += [(error, None) for error in errors]
    ids += [f"{source}/invalid:{error.module}" for error in errors]

    @pytest.mark.claim
    @pytest.mark.parametrize(("claim", "control"), cases, ids=ids)
    def claim_case(claim: Any, control: Any, request: pytest.FixtureRequest) -> None:
        """The claim's verdict matches its expectation (holds, or refuted for a negative control)."""
        from verifiers.budget import profile
        from verifiers.cli import describe
        from verifiers.errors import InvalidClaim
        from verifiers.runner import resolve_device, run_claim

        if isinstance(claim, InvalidClaim):
            pytest.fail(str(claim), pytrace=False)
        opt = request.config.getoption
        result = run_claim(claim, budget=profile(opt("--claims-profile")), seed=opt("--claims-seed"),
                           device=resolve_device(opt("--claims-device")), control=control)
        if not result.passed:
            pytest.fail("; ".join(result.problems) + f"\n{describe(result)}", pytrace=False)
        if result.undecided_experiment:
            pytest.skip(f"undecided experiment at the {opt('--claims-profile')} profile (not a pass, not a failure): "
                        + "; ".join(e.reason for e in result.evidence if e.verdict == "inconclusive"))

    return claim_case


def _importable(package: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(package) is not None
    except ModuleNotFoundError:
        return False
