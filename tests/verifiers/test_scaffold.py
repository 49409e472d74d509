"""``claims new`` scaffolding, and claims shipped by another package (entry-point group ``claims.sources``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifiers import InvalidArgument, collect, profile, run_all
from verifiers.cli import main
from verifiers.collect import ENTRY_POINT_GROUP, default_packages
from verifiers.scaffold import scaffold

#: Top-level packages that the tests generate in tmp_path.
GENERATED = ("demo_src", "mypkg_ext")


@pytest.fixture
def fresh_modules() -> Iterator[None]:
    """Forget the generated packages after the test, so each test imports its own tmp_path copy."""
    yield
    for name in [m for m in sys.modules if m.split(".")[0] in GENERATED]:
        del sys.modules[name]


def make_root(tmp_path: Path) -> Path:
    """A minimal repository root: an empty ``claims`` package."""
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "__init__.py").write_text('"""Claims of a scratch repository."""\n')
    return tmp_path


def test_scaffold_writes_three_valid_files(tmp_path: Path) -> None:
    created = scaffold("demo_src", make_root(tmp_path))
    expected = [tmp_path / "claims" / "demo_src" / "__init__.py",
                tmp_path / "claims" / "demo_src" / "softmax_sums_to_one.py",
                tmp_path / "tests" / "claims" / "test_demo_src.py"]
    assert created == expected
    init = expected[0].read_text()
    assert 'id="demo_src"' in init and init.count('="TODO') == 4
    assert 'claim_tests("demo_src")' in expected[2].read_text()
    for path in created:
        compile(path.read_text(), str(path), "exec")


def test_scaffolded_claim_collects_holds_and_its_control_is_refuted(tmp_path: Path, fresh_modules: None,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    scaffold("demo_src", make_root(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path / "claims"))
    catalogue = collect(["demo_src"])
    assert [c.id for c in catalogue.claims] == ["demo_src/softmax-sums-to-one"]
    assert catalogue.sources["demo_src"].title.startswith("TODO")
    target = catalogue.claims[0]
    assert set(target.checks) == {"symbolic", "property"}
    default, control = run_all(target, budget=profile("quick"), seed=0)
    assert default.verdict == "proved" and default.passed
    assert control.control == "total-2" and control.verdict == "refuted" and control.passed
    assert {e.verdict for e in control.evidence} == {"refuted"}


def test_generated_package_passes_pytest_as_generated(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    scaffold("demo_src", root)
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/claims/test_demo_src.py", "-q",
                           "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_cli_new_creates_then_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(make_root(tmp_path))
    assert main(["new", "fresh"]) == 0
    assert capsys.readouterr().out.count("created ") == 3
    example = tmp_path / "claims" / "fresh" / "softmax_sums_to_one.py"
    example.write_text("# edited by hand\n")
    assert main(["new", "fresh"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert example.read_text() == "# edited by hand\n"


@pytest.mark.parametrize("bad", ["", "Smith2024", "2024smith", "smith-2024", "smith 2024", "a/b", "class", "café"])
def test_invalid_source_ids_are_rejected(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidArgument, match="lowercase identifier"):
        scaffold(bad, make_root(tmp_path))
    assert list((tmp_path / "claims").iterdir()) == [tmp_path / "claims" / "__init__.py"]


def test_missing_claims_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="no claims/ folder"):
        scaffold("demo_src", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_existing_test_file_blocks_scaffold(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    (root / "tests" / "claims").mkdir(parents=True)
    (root / "tests" / "claims" / "test_demo_src.py").write_text("# mine\n")
    with pytest.raises(InvalidArgument, match="already exists"):
        scaffold("demo_src", root)
    assert not (root / "claims" / "demo_src").exists()
    assert (root / "tests" / "claims" / "test_demo_src.py").read_text() == "# mine\n"


EXTERNAL_INIT = '''\
"""Claims shipped by a third-party package."""

from verifiers import Source

SOURCE = Source(id="extdemo", title="External demo", authors="A. Author", venue="Nowhere 2026",
                url="https://example.org")
'''

EXTERNAL_CLAIM = '''\
"""exp(x) > 0 for every real x (a tiny claim of an external package)."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from verifiers import SOURCE_STATEMENT, Context, NegativeControl, Outcome, Real, Reference, check, claim
from verifiers import property as prop

EXP_POSITIVE = claim(
    id="extdemo/exp-positive", title="exp is bounded below", statement=r"e^x > \\mathrm{floor}",
    reference=Reference("extdemo", "Section 1", "the exponential is positive"), origin=SOURCE_STATEMENT,
    params={"floor": Real(0.0)},
    negative_controls=(NegativeControl("floor-1", {"floor": 1.0}, "exp(-1) < 1"),),
)


@check(EXP_POSITIVE, "property")
def positive(ctx: Context) -> Outcome:
    return prop.forall(ctx, st.floats(-700, 700), lambda x: math.exp(x) > ctx["floor"])
'''


def write_external_package(tmp_path: Path) -> str:
    """A package ``mypkg_ext`` with a claims source ``mypkg_ext.claims_src``; returns its dotted name."""
    source = tmp_path / "mypkg_ext" / "claims_src"
    source.mkdir(parents=True)
    (tmp_path / "mypkg_ext" / "__init__.py").write_text("")
    (source / "__init__.py").write_text(EXTERNAL_INIT)
    (source / "exp_positive.py").write_text(EXTERNAL_CLAIM)
    return "mypkg_ext.claims_src"


def test_claims_from_another_package_collect_by_name(tmp_path: Path, fresh_modules: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    name = write_external_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    catalogue = collect([name])
    assert [c.id for c in catalogue.claims] == ["extdemo/exp-positive"]
    assert catalogue.claims[0].module == "mypkg_ext.claims_src.exp_positive"
    default, control = run_all(catalogue.claims[0], budget=profile("quick"), seed=0)
    assert (default.verdict, control.verdict) == ("supported", "refuted")


def test_entry_point_registration_adds_the_package(tmp_path: Path, fresh_modules: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed distribution declaring the entry point (here: a bare dist-info on sys.path) is found."""
    name = write_external_package(tmp_path)
    info = tmp_path / "mypkg_ext-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mypkg-ext\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(f"""\
        [{ENTRY_POINT_GROUP}]
        mysource = {name}
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    packages = default_packages()
    assert name in packages and "claims.cs231n" in packages
    assert collect([p for p in packages if p == name]).get("extdemo/exp-positive") is not None
