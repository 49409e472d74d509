"""Every printed reproduce command recreates its evidence bit for bit (claims and negative controls)."""

from __future__ import annotations

import json
import shlex

import pytest

from verifiers import collect, profile, run_claim
from verifiers.cli import main

QUICK = profile("quick")


def _sample() -> list[tuple[str, str | None]]:
    """One Monte Carlo claim and one negative control per source (stable choice: the first by id)."""
    chosen: list[tuple[str, str | None]] = []
    catalogue = collect()
    for source in sorted(catalogue.sources):
        claims = [c for c in catalogue.claims if c.source == source and c.negative_controls]
        mc = next((c for c in claims if "montecarlo" in c.checks), claims[0])
        chosen.append((mc.id, None))
        chosen.append((claims[0].id, claims[0].negative_controls[0].name))
    return chosen


@pytest.mark.parametrize(("claim_id", "control"), _sample())
def test_the_printed_command_reproduces_the_statistics(claim_id: str, control: str | None, capsys) -> None:
    """Run as the report does, paste the command, compare every check's verdict and statistics exactly."""
    target = collect().get(claim_id)
    original = run_claim(target, budget=QUICK, seed=3, control=target.control(control))
    commands = {e.reproduce for e in original.evidence if e.reproduce}
    assert len(commands) == 1, commands
    argv = shlex.split(commands.pop())
    assert argv[:2] == ["claims", "check"]
    main(argv[1:] + ["--json"])
    replayed = json.loads(capsys.readouterr().out)
    for before, after in zip(original.evidence, replayed["evidence"], strict=True):
        assert (after["method"], after["verdict"]) == (before.method, before.verdict)
        assert after["statistics"] == before.to_json()["statistics"], before.method
        assert after["counterexample"] == before.to_json()["counterexample"]
