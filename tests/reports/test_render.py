"""The HTML report on a fixed, hand-built document: structure, math, figures, escaping, comparison."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from reports import render
from reports.compare import compare
from reports.figures import nice_ticks, svg
from reports.html import build
from reports.math import inline, mathml
from tests.reports.report_fixtures import EVIL, LINE, TIGHT, build_doc, with_comparison


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture
def page(doc: dict[str, Any]) -> str:
    return render(doc)


def test_headline_has_honest_denominators(page: str) -> None:
    headline = re.sub(r"\s+", " ", re.search(r'id="headline">(.*?)</p>', page, re.S).group(1))
    assert "2 of 4 claims hold at their default parameters (1 proved, 1 supported), 1 refuted, 1 skipped." in headline
    controls = re.sub(r"\s+", " ", re.search(r'id="controls-line">(.*?)</p>', page, re.S).group(1))
    assert controls.startswith("2 of 3 negative controls refuted")
    assert "Negative controls not refuted" in page and "alpha/mc[k-0]" in page


def test_all_refuted_controls_are_announced() -> None:
    d = build_doc()
    d["results"] = [r for r in d["results"] if r["key"] != "alpha/mc[k-0]"]
    assert "All 2 negative controls refuted" in render(d)


def test_hierarchy_source_section_claim(page: str) -> None:
    t = Tags(page)
    assert [a["id"] for a in t.find("section", **{"class": "source"})] == ["source-alpha", "source-beta"]
    articles = [a["id"] for a in t.find("article")]
    assert articles == ["claim-alpha-proved", "claim-alpha-mc", "claim-beta-evil", "claim-beta-skipped"]
    assert page.index("Alpha Lecture Notes") < page.index("<h3>Basics</h3>") < page.index('id="claim-alpha-proved"')
    assert t.find("a", href="https://example.org/alpha")
    assert not [a for _, a in t.tags if str(a.get("href", "")).startswith("javascript:")]


def test_table_has_one_cell_per_method(page: str) -> None:
    t = Tags(page)
    rows = t.find("tr", **{"data-verdict": "supported"})
    assert len(rows) == 1 and rows[0]["data-source"] == "alpha"
    header = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    assert [m for m in ("symbolic", "property", "montecarlo", "empirical") if f">{m}<" in header] == \
        ["symbolic", "property", "montecarlo", "empirical"]
    row = re.search(r'<tr data-claim data-verdict="supported".*?</tr>', page, re.S).group(0)
    assert row.count('class="m"') == 4 and 'title="too few valid examples"' in row
    assert t.find("select", name="verdict") and t.find("select", name="source") and t.find("input", name="q")


def test_statement_and_steps_are_mathml(page: str) -> None:
    statement = re.search(r'id="claim-alpha-proved".*?<div class="statement">(.*?)</div>', page, re.S).group(1)
    assert statement.startswith('<math display="block"') and "<mi>softmax</mi>" not in statement
    steps = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S).group(1)
    assert "residual: <math" in steps and "<mfrac>" in steps and "<li>plain step</li>" in steps


def test_figures_are_inline_svg(page: str) -> None:
    t = Tags(page)
    assert len(t.find("svg", **{"class": "figure line"})) == 1
    assert len(t.find("svg", **{"class": "figure tightness"})) == 1
    assert "(log scale)" in page and 'class="band"' in page and 'class="claimed"' in page
    assert "http://" not in re.sub(r'xmlns="http://www\.w3\.org/[^"]*"|https://example\.org/alpha', "", page)


def test_claim_details(page: str) -> None:
    assert "“the sentence it formalizes”" in page
    assert "Uses <code>k</code> draws." in page
    assert "needs CUDA, none available" in re.search(r'class="skip-reason">(.*?)</p>', page, re.S).group(1)
    assert "claims check alpha/proved --set k=0 --profile quick --seed 0" in page
    assert re.search(r'<tr data-control="k-0">', page)


def test_untrusted_text_is_escaped(page: str) -> None:
    assert page.count("<script") == 1, "only the report's own script"
    assert "alert('x')</script>" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"<mtext>[^<]*<script", page)


def test_mathml_sanitizer() -> None:
    assert str(mathml(r"\text{" + EVIL + "}")).startswith('<code class="tex"')
    assert "href" not in str(mathml(r"\href{javascript:alert(1)}{x}"))
    assert "&lt;" in str(mathml("a < b"))
    assert str(mathml(r"\frac{1}{")).startswith('<code class="tex"')
    assert str(inline("cost $5 and <b>")) == "cost $5 and &lt;b&gt;"


def test_figure_fallbacks() -> None:
    assert str(svg({"kind": "histogram", "x": [1]})).startswith('<pre class="figure-data">')
    bad = svg({**LINE, "y": [-1.0, 0.5, "nan", 0.1]})
    assert "linear y axis" in str(bad) and "<svg" in str(bad)
    assert "exceeds the bound" in str(svg({**TIGHT, "best": 0.6}))
    assert nice_ticks(0.0, 1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_environment_table(page: str) -> None:
    env = re.search(r'id="environment">(.*?)</section>', page, re.S).group(1)
    for label in ("profile", "seed", "device", "dtype", "git commit", "date", "wall seconds", "torch", "latex2mathml"):
        assert f"<th>{label}</th>" in env


def test_no_compare_section_without_old_run(page: str) -> None:
    assert 'id="changes"' not in page


def test_compare_section() -> None:
    d = with_comparison(build_doc())
    ch = compare(d)
    assert ch is not None
    assert [r["key"] for r, _ in ch.new_failures] == ["alpha/mc[k-0]", "beta/evil"]
    assert [r["key"] for r, _ in ch.new_passes] == ["alpha/proved[k-0]"]
    assert {r["key"] for r, _ in ch.flips} == {"alpha/mc[k-0]", "beta/evil", "alpha/proved[k-0]"}
    assert [(m.key, m.method) for m in ch.moved] == [("alpha/mc", "montecarlo")]
    assert [r["key"] for r in ch.removed] == ["gone/claim"]
    page = render(d)
    section = re.search(r'id="changes".*?</section>', page, re.S).group(0)
    for part in ('id="new-failures"', 'id="new-passes"', 'id="flips"', 'id="moved"', "gone/claim", "0ld0000"):
        assert part in section
    assert "0.7 [0.65, 0.75]" in section and "0.51 [0.45, 0.57]" in section


def test_compare_with_itself_is_empty(doc: dict[str, Any]) -> None:
    d = dict(doc, compared_with={"path": "same.json", "environment": doc["environment"], "results": doc["results"]})
    assert compare(d).empty and 'id="no-changes"' in render(d)


def test_view_model_counts(doc: dict[str, Any]) -> None:
    s = build(doc)["summary"]
    assert (s["claims"], s["holds"], s["controls"], s["controls_refuted"], s["runs"], s["runs_passed"]) == \
        (4, 2, 3, 2, 7, 5)


def _with_mutants(doc: dict[str, Any]) -> dict[str, Any]:
    d = dict(doc)
    d["mutants"] = [
        {"name": "sign-flip", "description": "softmax of -s", "target": "alpha.maps:apply", "caught": True,
         "caught_by": ["alpha/proved"], "verdicts": {"alpha/proved": "refuted", "alpha/mc": "supported"}},
        {"name": "survivor " + EVIL, "description": "broken " + EVIL, "target": EVIL, "caught": False,
         "caught_by": [], "verdicts": {"alpha/mc": "supported", EVIL: "inconclusive"}},
    ]
    return d


def test_mutation_section_only_when_present(page: str, doc: dict[str, Any]) -> None:
    assert 'id="mutants"' not in page
    t = Tags(render(_with_mutants(doc)))
    rows = t.find("tr", **{"data-mutant": "sign-flip"})
    assert rows and rows[0]["data-caught"] == "true"
    assert t.find("tr", **{"data-mutant": "survivor " + EVIL})[0]["data-caught"] == "false"


def test_mutation_section_table(doc: dict[str, Any]) -> None:
    html = render(_with_mutants(doc))
    section = re.search(r'<section id="mutants">(.*?)</section>', html, re.S).group(1)
    line = re.sub(r"\s+", " ", re.search(r'id="mutants-line">(.*?)</p>', section, re.S).group(1))
    assert line.startswith("1 of 2 mutants caught; <b>not caught</b>: <code>survivor &lt;script&gt;")
    first = re.search(r'<tr data-mutant="sign-flip".*?</tr>', section, re.S).group(0)
    assert "softmax of -s" in first and "<code class=\"small\">alpha.maps:apply</code>" in first
    assert '<a href="#claim-alpha-proved">alpha/proved</a>' in first
    assert re.search(r'alpha/mc</a>: <span class="v v-supported"', first)
    assert "<b>not caught</b>" in section and "<script" not in section
    all_caught = _with_mutants(doc)
    all_caught["mutants"] = all_caught["mutants"][:1]
    assert "All 1 mutants were caught" in render(all_caught)
    assert "No mutants were run." in render(dict(doc, mutants=[]))


def test_compared_results_file_is_escaped(doc: dict[str, Any]) -> None:
    """A results.json given to --compare is untrusted too: hostile keys, reasons and environment are escaped."""
    old = [{"claim_id": EVIL, "control": None, "key": EVIL, "verdict": "proved", "expected": "holds",
            "passed": True, "evidence": [{"method": EVIL, "verdict": "proved", "reason": EVIL,
                                          "statistics": {"estimate": EVIL, EVIL: 1}}]},
           {**doc["results"][0], "verdict": EVIL, "evidence": [{"method": "symbolic", "verdict": EVIL,
                                                                "reason": EVIL}]}]
    d = dict(doc, compared_with={"path": EVIL + ".json", "environment": {"git_commit": EVIL, EVIL: EVIL},
                                 "results": old})
    html = render(d)
    assert html.count("<script") == 1, "only the report's own script"
    assert "&lt;script&gt;" in re.search(r'<section id="changes".*?</section>', html, re.S).group(0)
