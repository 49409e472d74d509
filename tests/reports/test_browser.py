"""The report of a small real run, opened in headless Chromium: math, figures and filters work.

Needs ``/usr/bin/chromium`` (``scripts/install-browser`` installs it); skipped with a reason otherwise.
With ``CLAIMS_UPDATE_SCREENSHOT=1`` it also writes ``docs/report-screenshot.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from reports import render
from verifiers.budget import profile
from verifiers.collect import collect
from verifiers.results import document, environment
from verifiers.runner import run_all

CHROMIUM = Path(os.environ.get("CLAIMS_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ("cs231n/shift-invariance", "pu2026/ssm-logz-variance")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--mute-audio")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: run scripts/install-browser")


def chromium(url: str, profile_dir: Path, *extra: str) -> str:
    """Run headless Chromium on ``url`` and return its stdout."""
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile_dir}", *extra, url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """index.html for a quick run of two real claims (with their negative controls)."""
    chosen = [c for pkg in sorted({f"claims.{cid.split('/')[0]}" for cid in CLAIMS})
              for c in collect([pkg]).claims if c.id in CLAIMS]
    assert sorted(c.id for c in chosen) == sorted(CLAIMS)
    start = time.perf_counter()
    runs = [r for c in chosen for r in run_all(c, budget=profile("quick"), seed=0, device="cpu")]
    catalogue = collect([f"claims.{s}" for s in sorted({c.source for c in chosen})])
    doc: dict[str, Any] = document(catalogue, runs, environment(profile="quick", seed=0, device="cpu",
                                                                 wall_seconds=time.perf_counter() - start))
    out = tmp_path_factory.mktemp("report") / "index.html"
    out.write_text(render(doc), encoding="utf-8")
    return out


def dom(report: Path, profile_dir: Path, fragment: str = "", *extra: str) -> str:
    """The DOM after the page's scripts ran, opened at ``fragment`` (e.g. ``#source=cs231n``)."""
    return chromium(report.as_uri() + fragment, profile_dir, "--dump-dom", *extra)


def rows(page: str) -> dict[str, bool]:
    """Claim id -> whether its table row is hidden."""
    found = {}
    for tag in re.findall(r"<tr data-claim[^>]*>", page):
        found[re.search(r'data-search="(\S+)', tag).group(1)] = " hidden" in tag
    return found


@pytest.fixture(scope="module")
def opened(report: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The DOM of the report without filters, and a screenshot taken in the same browser run."""
    tmp = tmp_path_factory.mktemp("chromium")
    shot = tmp / "shot.png"
    page = dom(report, tmp / "profile", "", f"--screenshot={shot}", "--window-size=1280,2900")
    return page, shot


def test_math_figures_and_filters_render(opened: tuple[str, Path]) -> None:
    """MathML, SVG figures and the filter script are live in the browser; the load time is recorded.

    How fast the full report opens is measured in ``benchmarks/report_load.py``, not asserted here.
    """
    page, _ = opened
    assert page.count("<math") >= 5 and "<mfrac>" in page
    assert re.search(r'<svg class="figure line"', page) and '<path class="band"' in page
    assert 'data-filters-ready="true"' in page
    assert re.search(r'data-load-ms="\d+"', page)
    assert set(rows(page).values()) == {False} and "showing all 2 claims" in page


def test_filter_from_url_hash(report: Path, tmp_path: Path) -> None:
    page = dom(report, tmp_path / "profile", "#source=cs231n")
    assert rows(page) == {"cs231n/shift-invariance": False, "pu2026/ssm-logz-variance": True}
    assert re.search(r'<article class="claim[^"]*" id="claim-pu2026-ssm-logz-variance"[^>]*hidden', page)
    assert re.search(r'<section class="source" id="source-pu2026"[^>]*hidden', page)
    assert "showing 1 of 2 claims" in page
    page = dom(report, tmp_path / "profile", "#q=sampled&verdict=holds")
    assert rows(page) == {"cs231n/shift-invariance": True, "pu2026/ssm-logz-variance": False}


def test_screenshot(opened: tuple[str, Path]) -> None:
    """The page renders to a non-trivial PNG (copied to docs/ when CLAIMS_UPDATE_SCREENSHOT=1)."""
    data = opened[1].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("CLAIMS_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(opened[1], ROOT / "docs" / "report-screenshot.png")
