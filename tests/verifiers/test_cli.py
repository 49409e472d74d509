"""The ``claims`` command: exit codes, JSON output and clear usage errors."""

from __future__ import annotations

import json

import pytest

from verifiers.cli import main


def run(capsys, *argv):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_prints_every_claim(capsys):
    """`claims list --json` lists the shipped claims with their parameters."""
    code, out, _ = run(capsys, "list", "--json")
    records = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert records["pu2026/jacobian-softmax"]["params"]["bound"]["default"] == 0.5


def test_check_refutes_a_too_small_bound_with_a_counterexample(capsys):
    """bound=0.49 is refuted (exit 1) and the evidence carries a counterexample and a command."""
    code, out, _ = run(capsys, "check", "pu2026/jacobian-softmax", "--set", "bound=0.49", "--json")
    result = json.loads(out)
    assert code == 1 and result["verdict"] == "refuted"
    refuting = [e for e in result["evidence"] if e["verdict"] == "refuted"]
    assert refuting and all(e["counterexample"] for e in refuting)
    assert refuting[0]["reproduce"].startswith("claims check pu2026/jacobian-softmax --set bound=0.49")


def test_check_holds_at_the_true_bound(capsys):
    """bound=0.5 holds (exit 0)."""
    code, out, _ = run(capsys, "check", "pu2026/jacobian-softmax", "--set", "bound=0.5")
    assert code == 0 and "PROVED" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "pu2026/jacobain-softmax"], "unknown claim id 'pu2026/jacobain-softmax'. Did you mean: "
                                               "pu2026/jacobian-softmax"),
        (["check", "pu2026/sop", "--set", "mapp=softmax"], "has no parameter 'mapp'. Did you mean 'map'?"),
        (["check", "pu2026/sop", "--set", "map=softermax"], "--set map: expected one of"),
        (["check", "pu2026/jacobian-softmax", "--set", "bound=-1"], "--set bound: expected a value in (0, inf)"),
        (["check", "pu2026/jacobian-softmax", "--set", "bound=abc"], "--set bound: expected a real number"),
    ],
    ids=["unknown-id", "unknown-param", "bad-choice", "out-of-domain", "wrong-type"],
)
def test_usage_errors_exit_2_with_a_clear_message(capsys, argv, message):
    """Bad input gets exit code 2 and a one-line message, never a traceback."""
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_an_unknown_profile_is_a_usage_error(capsys):
    """argparse-level errors also exit 2 with the prefix `claims: error:`."""
    with pytest.raises(SystemExit) as info:
        main(["check", "pu2026/sop", "--profile", "fast"])
    assert info.value.code == 2
    assert "claims: error: argument --profile: invalid choice: 'fast'" in capsys.readouterr().err


def test_report_writes_json_and_html(capsys, tmp_path):
    """`claims report` writes results.json (versioned schema) and index.html."""
    code, _, err = run(capsys, "report", "--out", str(tmp_path), "--profile", "quick", "--only", "shift",
                      "--jobs", "1")
    doc = json.loads((tmp_path / "results.json").read_text())
    assert code == 0 and doc["schema"] == "claims-results/1"
    assert [r["key"] for r in doc["results"]] == ["cs231n/shift-invariance", "cs231n/shift-invariance[scale]"]
    assert "cs231n/shift-invariance" in (tmp_path / "index.html").read_text()
    assert "report:" in err
    assert doc["mutants"] == []  # no mutant lists only the shift-invariance claim


def test_report_runs_the_mutants_of_the_chosen_claims(capsys, tmp_path):
    """Mutants whose claims were chosen are run and recorded; --skip-mutants leaves them out."""
    code, _, _ = run(capsys, "report", "--out", str(tmp_path), "--profile", "quick", "--only", "stable-softmax",
                     "--jobs", "1")
    mutants = json.loads((tmp_path / "results.json").read_text())["mutants"]
    assert code == 0 and mutants and all(m["caught_by"] == ["cs231n/stable-softmax"] for m in mutants)
    run(capsys, "report", "--out", str(tmp_path), "--profile", "quick", "--only", "stable-softmax", "--jobs", "1",
        "--skip-mutants")
    assert "mutants" not in json.loads((tmp_path / "results.json").read_text())


def test_report_into_an_unwritable_folder_is_a_usage_error(capsys, tmp_path):
    """An output path that cannot be created gives exit 2 and says which folder (also as root)."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(capsys, "report", "--out", str(blocker / "r"), "--only", "shift")
    assert code == 2 and f"cannot write the report to {blocker / 'r'}" in err


def test_report_with_a_corrupt_compare_file_is_a_usage_error(capsys, tmp_path):
    """A corrupt --compare file is rejected before any check runs."""
    bad = tmp_path / "old.json"
    bad.write_text("{not json")
    code, _, err = run(capsys, "report", "--out", str(tmp_path / "r"), "--compare", str(bad))
    assert code == 2 and "is not valid JSON" in err
