"""The HTML report on a fixed, hand-built document: statuses, findings, figures, text, navigation, comparison."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest

from reports import render
from reports.compare import compare
from reports.figures import derived, draw, nice_ticks, svg, tightness_state
from reports.html import build
from reports.math import inline, mathml, statement_lines
from reports.svgplot import Axis
from reports.text import plain_math, readable, words
from tests.reports.report_fixtures import EVIL, EXACT, LINE, SEEDS, TIGHT, build_doc, with_comparison
from verifiers.results import comparison


class Tags(HTMLParser):
    """Every start tag with its attributes, and the visible text of the page (outside scripts and styles)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style", "math", "svg")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "math", "svg")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def section(page: str, ident: str) -> str:
    return re.search(rf'<section id="{ident}".*?</section>', page, re.S).group(0)


def flat(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)))


@pytest.fixture
def page(doc: dict[str, Any]) -> str:
    return render(doc)


# --- statuses and counts -------------------------------------------------------------------------------------

def test_headline_counts_statuses_and_origins_apart(page: str) -> None:
    headline = flat(re.search(r'id="headline">(.*?)</p>', page, re.S).group(1))
    assert headline == "4 of 7 claims hold (1 proved, 1 special case proved, 2 supported), 1 refuted, 1 stated only."
    origins = flat(re.search(r'id="by-origin">(.*?)</ul>', page, re.S).group(1))
    assert "The sources' statements: 5 statements, 3 checked (1 proved, 1 supported, 1 refuted), 1 stated, " \
           "1 skipped." in origins
    assert "Literature results: 1 statement, 1 checked (1 special case proved)." in origins
    assert "Our own findings: 1 statement, 1 checked (1 supported)." in origins
    controls = flat(re.search(r'id="controls-line">(.*?)</p>', page, re.S).group(1))
    assert controls.startswith("4 of 5 negative controls refuted") and "1 of 1 mutants caught" in controls


def test_blueprint_status_of_each_claim(doc: dict[str, Any]) -> None:
    claims = {c["meta"]["id"]: c for c in build(doc)["claims"]}
    assert {k: c["status"] for k, c in claims.items()} == {
        "alpha/proved": "proved", "alpha/mc": "supported", "alpha/special": "special-case", "alpha/ours": "supported",
        "beta/evil": "refuted", "beta/skipped": "skipped", "beta/stated": "stated"}
    assert claims["alpha/special"]["detail"]["special"] == ["n = 2"]
    assert [p["citation"] for p in claims["alpha/proved"]["detail"]["premises"]] == ["Popoviciu, 1935"]


def test_status_lines_say_what_was_done(page: str) -> None:
    card = lambda cid: re.search(rf'id="claim-{cid}".*?</article>', page, re.S).group(0)  # noqa: E731
    proved = flat(re.search(r'class="status-line[^"]*">(.*?)</div>', card("alpha-proved"), re.S).group(1))
    assert "Proved for the whole statement" in proved and "1 cited premise not checked here (Popoviciu, 1935;" in proved
    special = flat(re.search(r'class="status-line[^"]*">(.*?)</div>', card("alpha-special"), re.S).group(1))
    assert "Proved for n = 2 only" in special and "supported, not proved" in special
    supported = flat(re.search(r'class="status-line[^"]*">(.*?)</div>', card("alpha-mc"), re.S).group(1))
    assert "Supported, not proved" in supported and "detects deviations ≥ 0.1" in supported
    assert "Stated, not yet checked" in card("beta-stated")


def test_a_special_case_proof_is_never_a_proved_badge(page: str) -> None:
    card = re.search(r'id="claim-alpha-special".*?</article>', page, re.S).group(0)
    assert '<span class="v v-special-case">proved for n = 2</span>' in card
    assert 'class="v v-proved"' not in card and 'class="v s-proved"' not in card
    row = re.search(r'<tr data-claim="claim-alpha-special".*?</tr>', page, re.S).group(0)
    assert ">special case<" in row and ">proved<" not in row
    assert "scope: " not in card or "special case n = 2" in card


def test_a_check_that_does_not_bear_on_a_control_says_so(page: str) -> None:
    control = re.search(r'id="claim-alpha-proved-control-k-0".*?<details>', page, re.S).group(0)
    assert re.search(r'<span class="v v-na"[^>]*>not applicable</span>', control)
    assert "does not bear on this variant's false part (the checks that do: symbolic)" in control
    assert "the source's reading" in control


# --- findings ------------------------------------------------------------------------------------------------

def test_findings_come_right_after_the_summary(page: str) -> None:
    order = [page.index(f'<section id="{s}"') for s in ("summary", "findings", "all-claims")]
    assert order == sorted(order)
    findings = section(page, "findings")
    readings = re.search(r'id="readings-list">(.*?)</ul>', findings, re.S).group(1)
    assert '<a href="#claim-alpha-proved-control-k-0">A proved identity</a>' in readings
    assert "the seed's reading: no draws" in flat(readings)
    questions = re.search(r'id="open-questions">.*?</ul>', findings, re.S).group(0)
    assert "Our finding with an experiment" in questions and "Can the gap be bridged?" in questions
    tensions = re.search(r'id="tensions">.*?</ul>', findings, re.S).group(0)
    assert '<a href="#claim-alpha-mc">alpha/mc</a> ↔ <a href="#claim-alpha-proved">alpha/proved</a>' in tensions
    assert "they are about different objects. The other one is exact." in tensions
    assert "is the control" not in tensions


# --- figures -------------------------------------------------------------------------------------------------

def test_every_figure_is_inline_svg_with_a_caption(page: str) -> None:
    t = Tags(page)
    kinds = sorted(a["data-kind"] for a in t.find("figure"))
    assert kinds == ["interval", "line", "line", "seeds", "tightness"]
    assert len(re.findall(r"<figcaption>", page)) == 5 and page.count("Decision (") == 5
    assert "http://" not in re.sub(r'xmlns="http://www\.w3\.org/[^"]*"|https://example\.org/alpha', "", page)


def test_bands_only_where_there_is_uncertainty() -> None:
    banded, legend = str(svg(LINE)), str(svg(EXACT))
    assert 'class="band"' in banded and "0.999999 confidence interval" in banded
    assert 'class="band"' not in legend and "confidence interval" not in legend and "exact value" in legend
    no_interval = str(svg({**LINE, "low": None, "high": None}))
    assert 'class="band"' not in no_interval and "computed value" in no_interval


def test_log_axes_have_log_ticks_and_the_claimed_slope_is_drawn() -> None:
    drawing = str(svg(EXACT))
    assert 'class="claimed"' in drawing and "claimed x^1, through the last point" in drawing
    assert "10³" in drawing and "10⁴" in drawing and "(log scale)" in drawing
    ticks = Axis(16, 4096, 0, 100, True).ticks()
    majors = [v for v, label, major in ticks if label]
    assert majors == [10.0, 100.0, 1000.0, 10000.0] and sum(not m for *_, m in ticks) >= 16
    assert "JS" in drawing and "\\" not in drawing and "_{" not in drawing


def test_experiment_figure_shows_each_seed() -> None:
    drawing, caption = draw(SEEDS)
    assert str(drawing).count('class="seed-a"') == 5 and str(drawing).count('class="seed-b"') == 5
    assert str(drawing).count('class="diff"') == 5 and 'class="effect"' in str(drawing)
    assert "differences below -0.1" in " ".join(caption)


def test_tightness_caption_follows_the_decision_rule() -> None:
    assert tightness_state(0.5, 0.5 + 2.2e-16, 1e-9) == "attains the bound within the tolerance"
    assert tightness_state(0.5, 0.6, 1e-9) == "exceeds the bound by more than the tolerance"
    assert tightness_state(0.5, 0.4, 1e-9).startswith("stays 0.1 below")
    assert "exceeds" not in " ".join(draw(TIGHT)[1])


def test_monte_carlo_checks_without_a_figure_get_the_interval_figure() -> None:
    e = {"statistics": {"estimate": 0.51, "ci_low": 0.46, "ci_high": 0.56, "claimed": 0.5, "resolution": 0.1,
                        "alpha": 1e-6}, "figures": [], "resolution": {"quantity": "coefficient"}}
    (fig,) = derived(e)
    drawing, caption = draw(fig)
    assert 'class="ci"' in str(drawing) and 'class="accept"' in str(drawing)
    assert "within claimed ± resolution (0.1)" in " ".join(caption)
    assert derived({**e, "figures": [LINE]}) == [] and derived({"statistics": {"estimate": 1.0}}) == []


def test_figure_fallbacks() -> None:
    assert str(svg({"kind": "histogram", "x": [1]})).startswith('<pre class="figure-data">')
    bad = svg({**LINE, "y": [-1.0, 0.5, "nan", 0.1]})
    assert "the y axis is linear" in " ".join(draw({**LINE, "y": [-1.0, 0.5, "nan", 0.1]})[1]) and "<svg" in str(bad)
    assert nice_ticks(0.0, 1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]


# --- readable text -------------------------------------------------------------------------------------------

def test_no_raw_latex_or_sympy_anywhere(page: str) -> None:
    text = " ".join(Tags(page).text)
    assert not re.search(r"\\[A-Za-z]+|_\{|\^\{", text)
    assert not re.search(r"\b(?:oo|nan|zoo)\b|Interval\.|Interval\(", text)
    for m in re.findall(r"<math.*?</math>", page, re.S):
        assert "\\" not in m
    for label in ("z_crit", "alpha_look", "half_width", "ci_low", ">power<"):
        assert label not in text
    assert "residual simplifies to 0 on (0, ∞); undefined (NaN) excluded" in text


def test_readable_rewrites() -> None:
    assert readable("limit oo and -oo, Interval.open(0, 1), Interval(0, oo), x**2, nan") == \
        "limit ∞ and −∞, (0, 1), [0, ∞], x^2, undefined (NaN)"
    assert readable("keep $\\frac{a}{b}$ and zoo") == "keep $\\frac{a}{b}$ and complex ∞"
    assert readable("noon, banana, oops") == "noon, banana, oops"
    assert plain_math(r"JS_{\pi_k}") == "JS_(πₖ)" and plain_math(r"\arg\max_i s_i") == "arg maxᵢ sᵢ"
    assert "\\" not in str(mathml(r"\arg\max_i s_i")) and "arg" in str(mathml(r"\arg\max_i s_i"))


def test_math_font_and_plus_minus_are_defined(page: str) -> None:
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert re.search(r"math \{ font-family: \"STIX Two Math\", [^}]*\"DejaVu Math TeX Gyre\"[^}]*math, serif", css)
    legend = flat(section(page, "legend"))
    assert "the half-width of a confidence interval at level 1 − 10⁻⁶" in legend
    assert 'id="pm"' in page


def test_statistics_have_plain_labels(page: str) -> None:
    card = re.search(r'id="claim-alpha-mc-montecarlo".*?</table>', page, re.S).group(0)
    for label in ("critical value of the test statistic", "error level spent at this look", "interval",
                  "± (half-width of the interval)", "power against a deviation of one resolution",
                  "looks taken (sequential design)"):
        assert f"<th>{label}</th>" in card
    assert "<td>≥ 99.99 %</td>" in card and "<td>3 of 6</td>" in card and "<td>100,000 draws</td>" in card


def test_long_statements_are_split_into_lines() -> None:
    assert statement_lines(r"a = b,\quad c = d\qquad e = \left(f \quad g\right)") == \
        ["a = b,", "c = d", r"e = \left(f \quad g\right)"]
    assert statement_lines(r"x^{a \quad b}") == [r"x^{a \quad b}"]


def test_mathml_sanitizer() -> None:
    assert str(mathml(r"\text{" + EVIL + "}")).startswith('<span class="math-text">')
    assert "href" not in str(mathml(r"\href{javascript:alert(1)}{x}"))
    assert "&lt;" in str(mathml("a < b"))
    assert str(mathml(r"\frac{1}{")).startswith('<span class="math-text">')
    assert str(inline("cost $5 and <b>")) == "cost $5 and &lt;b&gt;"


# --- navigation and provenance -------------------------------------------------------------------------------

def test_table_of_contents_and_permalinks(page: str) -> None:
    t = Tags(page)
    toc = re.search(r'<nav id="toc".*?</nav>', page, re.S).group(0)
    for target in ("#summary", "#findings", "#all-claims", "#source-alpha", "#mutants", "#benchmarks", "#invalid",
                   "#legend", "#environment"):
        assert f'href="{target}"' in toc
    ids = {a.get("id") for _, a in t.tags}
    for a in t.find("a", **{"class": "permalink"}):
        assert a["href"][1:] in ids
    assert len(t.find("a", **{"class": "permalink"})) >= 7 + 10


def test_filters_sorting_and_search_text(page: str) -> None:
    t = Tags(page)
    assert [a["data-sort"] for a in t.find("button") if a.get("data-sort")] == \
        ["title", "origin", "rank", "controls", "seconds"]
    assert t.find("select", name="status") and t.find("select", name="origin") and t.find("input", name="q")
    assert t.find("button", id="expand-all") and t.find("button", id="clear-filters")
    search = {a["data-claim"]: a["data-search"] for a in t.find("tr") if a.get("data-claim")}
    assert "arg max" in search["claim-alpha-proved"] and "hierarchical softmax" in search["claim-alpha-special"]
    assert not re.search(r'data-search="[^"]*<', page)


def test_code_links_and_whole_report_command(page: str) -> None:
    assert '<a class="code" href="../claims/alpha/proved.py">claims/alpha/proved.py</a>' in page
    assert '<pre class="cmd">claims report --profile quick --seed 0 --out report</pre>' in page
    assert "Recreate this report at commit abc1234" in page
    assert "claims check alpha/proved --controls --profile quick --seed 0" in page


def test_downloads_are_embedded(page: str) -> None:
    raw = re.search(r'<script type="application/json" id="downloads">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw
    files = json.loads(raw)
    claims = list(csv.DictReader(io.StringIO(files["claims.csv"])))
    assert [r["id"] for r in claims][:2] == ["alpha/proved", "alpha/mc"] and claims[2]["symbolic"] == "proved for n = 2"
    checks = list(csv.DictReader(io.StringIO(files["checks.csv"])))
    assert {r["scope"] for r in checks} >= {"whole statement", "special case n = 2", "not applicable to this variant"}
    assert files["results.json"]["schema"] == "claims-results/1"


def test_benchmarks_mutants_and_invalid_claims(page: str) -> None:
    bench = flat(section(page, "benchmarks"))
    assert "0 false failures in 1,600 runs of 32 true claims over seeds 0..49" in bench
    assert "900 of 1,000 non-equivalent mutants killed (90.0 %)" in bench
    cards = flat(re.search(r'<div class="cards">.*?</div>\s*<div class="legend-box"', page, re.S).group(0))
    assert "1/1mutants caught" in cards and "900/1,000mutmut mutants killed (benchmark)" in cards
    assert "0/1,600false failures over 50 seeds (benchmark)" in cards
    invalid = flat(section(page, "invalid"))
    assert "alpha/broken" in invalid and "LaTeX outside $...$" in invalid


def test_hierarchy_source_section_claim(page: str) -> None:
    t = Tags(page)
    assert [a["id"] for a in t.find("section", **{"class": "source"})] == ["source-alpha", "source-beta"]
    articles = [a["id"] for a in t.find("article")]
    assert articles[:2] == ["claim-alpha-proved", "claim-alpha-special"]
    assert t.find("a", href="https://example.org/alpha")
    assert not [a for _, a in t.tags if str(a.get("href", "")).startswith("javascript:")]


def test_quote_is_cited_under_its_own_source(doc: dict[str, Any]) -> None:
    doc["claims"][0]["quote_source"] = "beta"
    card = re.search(r'id="claim-alpha-proved".*?</blockquote>', render(doc), re.S).group(0)
    assert "— Beta &lt;script&gt;" in card


def test_untrusted_text_is_escaped(page: str) -> None:
    assert page.count("<script") == 2, "the downloads and the report's own script"
    assert "alert('x')</script>" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"<mtext>[^<]*<script", page)


def test_environment_table(page: str) -> None:
    env = section(page, "environment")
    for label in ("profile", "seed", "device", "dtype", "git commit", "date", "wall seconds", "executor", "command",
                  "torch", "latex2mathml"):
        assert f"<th>{label}</th>" in env


# --- comparison ----------------------------------------------------------------------------------------------

def test_no_compare_section_without_old_run(page: str) -> None:
    assert 'id="changes"' not in page


def test_compare_lists_each_change_once() -> None:
    d = with_comparison(build_doc())
    ch = compare(d)
    assert [f.key for f in ch.flips] == ["beta/evil", "alpha/mc[k-0]", "alpha/special", "alpha/proved[k-0]"]
    assert [f.key for f in ch.claim_flips] == ["beta/evil", "alpha/special"]
    assert [f.key for f in ch.check_flips] == ["alpha/mc"]
    assert ch.flips[1].checks == (("montecarlo", "refuted", "supported"),)
    (drift,) = ch.drift
    assert (drift.key, drift.old, drift.new, drift.old_samples, drift.new_samples) == \
        ("alpha/mc", 0.7, 0.51, 50000, 100000)
    assert drift.beyond and drift.in_half_widths == pytest.approx(3.8)
    assert ch.mutant_regressions == ["sign-flip"] and [r["key"] for r in ch.removed] == ["gone/claim"]
    assert (ch.flips[2].old, ch.flips[2].new) == ("proved", "special-case")
    page = render(d)
    changes = re.search(r'<div id="changes".*?</div>\s*<h3 id="open-questions"', page, re.S).group(0)
    flips = re.search(r'<ul id="flips">(.*?)</ul>', changes, re.S).group(1)
    assert flips.count("<li ") == 4 and '<a href="#claim-alpha-mc-control-k-0">alpha/mc[k-0]</a>' in flips
    assert flips.index(">beta/evil<") < flips.index(">alpha/special<") < flips.index(">alpha/mc[k-0]<")
    assert re.search(r'alpha/special</a>: <span class="v s-proved"[^>]*>proved</span> → <span class="v '
                     r's-special-case"', flips)
    assert "new failure" in flips and "now as expected" in flips
    assert changes.count(">alpha/mc[k-0]<") == 1 and changes.count(">alpha/mc<") == 2  # check flip + drift row
    assert changes.index('id="flips"') < changes.index('id="check-flips"') < changes.index('id="drift"') < \
        changes.index('id="mutant-regressions"')
    row = flat(re.search(r'<table class="compact sortable" id="drift">.*?</table>', changes, re.S).group(0))
    assert re.search(r"estimate\s*0\.7\s*0\.51\s*-0\.19\s*3\.8 beyond\s*50,000 → 100,000", row)


def test_comparison_stores_only_a_summary_of_the_old_run(doc: dict[str, Any]) -> None:
    summary = comparison(doc, "old.json")
    assert len(json.dumps(summary)) < 0.4 * len(json.dumps(doc))
    first = summary["results"][0]["evidence"][0]
    assert set(first) == {"method", "verdict", "scope", "statistics"} and "figures" not in json.dumps(summary)
    assert summary["mutants"] == [{"name": "sign-flip", "caught": True}]
    assert comparison({**doc, "results": summary["results"]}, "again.json")["results"] == summary["results"]


def test_compare_with_itself_is_empty(doc: dict[str, Any]) -> None:
    d = dict(doc, compared_with=comparison(doc, "same.json"))
    assert compare(d).empty and 'id="no-changes"' in render(d)


def test_compared_results_file_is_escaped(doc: dict[str, Any]) -> None:
    """A results.json given to --compare is untrusted too: hostile keys, reasons and environment are escaped."""
    old = [{"claim_id": EVIL, "control": None, "key": EVIL, "verdict": "proved", "expected": "holds",
            "passed": True, "evidence": [{"method": EVIL, "verdict": "proved", "reason": EVIL,
                                          "statistics": {"estimate": EVIL, EVIL: 1}}]},
           {**doc["results"][0], "verdict": EVIL, "evidence": [{"method": "symbolic", "verdict": EVIL,
                                                                "reason": EVIL}]}]
    d = dict(doc, compared_with={"path": EVIL + ".json", "environment": {"git_commit": EVIL, EVIL: EVIL},
                                 "results": old, "mutants": [{"name": EVIL, "caught": True}]})
    html = render(d)
    assert html.count("<script") == 2
    assert "&lt;script&gt;" in re.search(r'<div id="changes".*?<h3 id="open-questions"', html, re.S).group(0)


def test_words_for_search() -> None:
    assert "arg max" in words(r"\arg\max_i s_i") and "hierarchical" in words(r"\text{hierarchical}")
