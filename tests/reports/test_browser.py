"""The report as a person sees it, in headless Chromium (driven over the DevTools protocol, see ``cdp.py``).

One small real report (a few quick claims with every figure kind the suite records, a source reading and
an open question) and the hand-built compare report are opened and checked: no backslash inside any
``<math>``, no horizontal overflow at 800 px, every figure present and drawn, WCAG AA contrast, the
filters, sorting, expand-all and permalinks (a link to a claim hidden by a filter clears the filter), and
the compare view. Screenshots of the first screen and of one claim card are saved; with
``CLAIMS_UPDATE_SCREENSHOT=1`` they are copied to ``docs/report-screenshot.png`` and
``docs/report-screenshot-claim.png`` (taken from ``CLAIMS_SCREENSHOT_REPORT``, e.g. a full report, when set).

Needs ``/usr/bin/chromium`` (``scripts/install-browser`` installs it); skipped with a reason otherwise.
How fast the full report opens is measured in ``benchmarks/report_load.py``, not here.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports import render
from reports.figures import derived
from tests.reports.cdp import CHROMIUM, Browser
from tests.reports.report_fixtures import build_doc, with_comparison
from verifiers.budget import profile
from verifiers.collect import collect
from verifiers.results import benchmarks, document, environment
from verifiers.runner import run_all

ROOT = Path(__file__).resolve().parents[2]
#: Quick claims covering exact and Monte Carlo line figures, claimed slopes, tightness, a derived interval
#: figure, a source reading and an open question.
CLAIMS = ("pu2026/ssm-logz-variance", "pu2026/complexity", "dbv2016/taylor-well-defined", "cs231n/init-loss",
          "dbv2016/table-arithmetic", "pu2026/ndcg-at-k")
CARD = "claim-pu2026-ssm-logz-variance"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: run scripts/install-browser")

CONTRAST = """(() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
      : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = e => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { return c; } } return [255, 255, 255]; };
  const bad = [];
  for (const e of document.querySelectorAll("main *, nav *")) {
    if (e.closest("svg, math") || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) { continue; }
    const r = e.getBoundingClientRect(); if (!r.width || !r.height) { continue; }
    const st = getComputedStyle(e); const fg = rgb(st.color), b = bg(e);
    const [l1, l2] = [lum(fg), lum(b)].sort((x, y) => y - x); const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(st.fontSize), large = size >= 24 || (size >= 18.66 && +st.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) { bad.push(e.tagName + "." + e.className + " " + ratio.toFixed(2) + " "
      + e.textContent.trim().slice(0, 30)); }
  }
  return bad.slice(0, 20);
})()"""
OVERFLOW = """(() => {
  const W = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll("body *")) {
    const r = e.getBoundingClientRect(); if (r.right <= W + 1 || !r.width) { continue; }
    let clipped = false;
    for (let p = e.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX === "auto") {
      clipped = true; break; } }
    if (!clipped) { out.push(e.tagName + "." + e.className + "#" + ((e.closest("[id]") || {}).id || "")); }
  }
  return [document.scrollingElement.scrollWidth, innerWidth, out.slice(0, 10)];
})()"""


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """index.html and the document of a quick run of a few real claims (with their negative controls)."""
    catalogue = collect([f"claims.{s}" for s in sorted({cid.split("/")[0] for cid in CLAIMS})],
                        on_error=lambda e: None)
    chosen = [c for c in catalogue.claims if c.id in CLAIMS]
    assert len(chosen) >= 4, f"too few of {CLAIMS} are valid right now: {[c.id for c in chosen]}"
    start = time.perf_counter()
    runs = [r for c in chosen for r in run_all(c, budget=profile("quick"), seed=0, device="cpu")]
    env = environment(profile="quick", seed=0, device="cpu", wall_seconds=time.perf_counter() - start)
    doc: dict[str, Any] = {**document(catalogue, runs, env), "benchmarks": benchmarks()}
    doc["environment"]["command"] = "claims report --profile quick --seed 0 --only X --out report"
    out = tmp_path_factory.mktemp("report") / "index.html"
    out.write_text(render(doc), encoding="utf-8")
    return out, doc


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with Browser(tmp_path_factory.mktemp("chromium")) as b:
        yield b


@pytest.fixture
def opened(browser: Browser, real: tuple[Path, dict[str, Any]]) -> Browser:
    browser.viewport(1280, 900)
    browser.open(real[0].as_uri())
    return browser


def show_all(b: Browser) -> None:
    """Lay out every card (as when a person scrolls through) and fit every statement."""
    b.js('document.querySelectorAll("article.claim").forEach(a => a.style.contentVisibility = "visible"); '
         'claimsReport.fitAll(); true')


def test_math_renders_without_backslashes(opened: Browser) -> None:
    assert opened.js("document.querySelectorAll('math').length") >= 10
    assert opened.js("[...document.querySelectorAll('math')].filter(m => m.textContent.includes('\\\\')).length") == 0
    show_all(opened)
    assert opened.js("document.querySelector('.statement math').getBoundingClientRect().width") > 20
    assert opened.js("document.fonts.check('12px \"DejaVu Serif\"') || true")
    assert opened.js("getComputedStyle(document.querySelector('math')).fontFamily").startswith('"STIX Two Math"')


def test_no_horizontal_overflow_at_800px(opened: Browser) -> None:
    opened.viewport(800, 900)
    show_all(opened)
    width, inner, sticking_out = opened.js(OVERFLOW)
    assert width <= inner and sticking_out == []
    assert opened.js("[...document.querySelectorAll('.statement')].filter(s => s.dataset.overflow === 'true')"
                     ".map(s => s.closest('article').id)") == []


def test_every_figure_is_present_and_drawn(opened: Browser, real: tuple[Path, dict[str, Any]]) -> None:
    doc = real[1]
    expected = sum(len(e.get("figures") or []) + len(derived(e)) for r in doc["results"] for e in r["evidence"]
                   if (e.get("scope") or {}).get("kind") != "not-applicable")
    kinds = {f.get("kind") for r in doc["results"] for e in r["evidence"] for f in e.get("figures") or []}
    assert expected >= 4 and {"line", "tightness"} <= kinds
    assert opened.js("document.querySelectorAll('figure.chart svg.figure').length") == expected
    assert opened.js("document.querySelectorAll('pre.figure-data').length") == 0
    show_all(opened)
    widths = opened.js("[...document.querySelectorAll('article > .evidence figure.chart svg')]"
                       ".map(s => s.getBoundingClientRect().width)")
    assert widths and min(widths) > 200
    assert opened.js("document.querySelectorAll('figure.chart figcaption').length") == expected


def test_contrast_meets_wcag_aa(opened: Browser) -> None:
    show_all(opened)
    assert opened.js(CONTRAST) == []


def test_filters_search_and_hash(opened: Browser, browser: Browser, real: tuple[Path, dict[str, Any]]) -> None:
    visible = "[...document.querySelectorAll('tr[data-claim]')].filter(r => !r.hidden).map(r => r.dataset.claim)"
    everything = opened.js(visible)
    assert len(everything) >= 4
    opened.js("const q = document.querySelector('[name=q]'); q.value = 'ndcg'; "
              "q.dispatchEvent(new Event('input', {bubbles: true})); true")
    assert opened.js(visible) == ["claim-pu2026-ndcg-at-k"]
    assert opened.js("document.getElementById('claim-pu2026-complexity').hidden") is True
    assert "q=ndcg" in opened.js("location.hash")
    browser.open(real[0].as_uri() + "#source=dbv2016")
    shown = browser.js(visible)
    assert shown and all(s.startswith("claim-dbv2016") for s in shown)
    assert browser.js("document.getElementById('source-pu2026').hidden") is True
    browser.open(real[0].as_uri() + "#status=proved")
    assert all(browser.js("[...document.querySelectorAll('tr[data-claim]')].filter(r => !r.hidden)"
                          ".map(r => r.dataset.status === 'proved')"))


def test_a_link_to_a_hidden_claim_clears_the_filter(browser: Browser, real: tuple[Path, dict[str, Any]]) -> None:
    browser.viewport(1280, 900)
    browser.open(real[0].as_uri() + "#source=dbv2016")
    assert browser.js("document.getElementById('claim-pu2026-ndcg-at-k').hidden") is True
    browser.js("document.querySelector('#open-questions + ul a[href=\"#claim-pu2026-ndcg-at-k\"]').click(); true")
    time.sleep(0.2)
    assert browser.js("document.getElementById('claim-pu2026-ndcg-at-k').hidden") is False
    assert browser.js("document.querySelector('[name=source]').value") == "all"
    top = browser.js("document.getElementById('claim-pu2026-ndcg-at-k').getBoundingClientRect().top")
    assert 0 <= top < 900
    browser.open(real[0].as_uri() + f"#{CARD}-montecarlo")
    assert 0 <= browser.js(f"document.getElementById('{CARD}-montecarlo').getBoundingClientRect().top") < 900


def test_sorting_and_expand_all(opened: Browser) -> None:
    order = ("[...document.querySelectorAll('tbody')].map(tb => [...tb.querySelectorAll('tr[data-claim]')]"
             ".map(r => +r.dataset.seconds))")
    opened.js("document.querySelector('th button[data-sort=seconds]').click(); true")
    assert all(group == sorted(group) for group in opened.js(order))
    opened.js("document.querySelector('th button[data-sort=seconds]').click(); true")
    assert all(group == sorted(group, reverse=True) for group in opened.js(order))
    assert opened.js("document.querySelector('th button[data-sort=seconds]').parentNode.getAttribute('aria-sort')") \
        == "descending"
    opened.js("document.getElementById('expand-all').click(); true")
    assert opened.js("[...document.querySelectorAll('main details')].every(d => d.open)")


def test_downloads_are_embedded(opened: Browser, real: tuple[Path, dict[str, Any]]) -> None:
    files = opened.js("Object.keys(JSON.parse(document.getElementById('downloads').textContent))")
    assert files == ["claims.csv", "checks.csv", "results.json"]
    lines = opened.js("JSON.parse(document.getElementById('downloads').textContent)['claims.csv']"
                      ".trim().split('\\n').length")
    assert lines == len(real[1]["claims"]) + 1


def test_compare_view(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "compare.html"
    page.write_text(render(with_comparison(build_doc())), encoding="utf-8")
    browser.viewport(1280, 900)
    browser.open(page.as_uri() + "#source=beta")
    flips = browser.js("[...document.querySelectorAll('#flips li a')].map(a => a.getAttribute('href'))")
    assert flips == ["#claim-beta-evil", "#claim-alpha-special", "#claim-alpha-mc-control-k-0",
                     "#claim-alpha-proved-control-k-0"]
    browser.js("document.querySelector('#flips a[href=\"#claim-alpha-special\"]').click(); true")
    time.sleep(0.2)
    assert browser.js("document.getElementById('claim-alpha-special').hidden") is False
    assert browser.js("document.querySelectorAll('#drift tbody tr').length") == 1
    assert "sign-flip" in browser.js("document.getElementById('mutant-regressions').textContent")
    browser.viewport(800, 900)
    show_all(browser)
    width, inner, sticking_out = browser.js(OVERFLOW)
    assert width <= inner and sticking_out == []


def test_screenshots(opened: Browser, tmp_path: Path) -> None:
    """The first screen and one claim card render to non-trivial PNGs (copied to docs/ on request).

    ``CLAIMS_SCREENSHOT_REPORT=report/index.html`` takes them from that (full) report instead.
    """
    other = os.environ.get("CLAIMS_SCREENSHOT_REPORT")
    if other:
        opened.open(Path(other).resolve().as_uri())
    first = opened.screenshot(tmp_path / "first.png")
    show_all(opened)
    card = opened.screenshot(tmp_path / "card.png", f"#{CARD}")
    for shot in (first, card):
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("CLAIMS_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(first, ROOT / "docs" / "report-screenshot.png")
        shutil.copyfile(card, ROOT / "docs" / "report-screenshot-claim.png")
    assert json.loads(opened.js("JSON.stringify(document.documentElement.dataset)"))["filtersReady"] == "true"
