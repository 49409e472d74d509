"""The claims' LaTeX dialect: rewrites of macros the converter renders raw, and rejection of the rest."""

from __future__ import annotations

import pytest

from reports.math import inline, mathml
from tests.verifiers._fixtures import make_claim
from verifiers import InvalidClaim
from verifiers.collect import validate
from verifiers.latex import normalize, problems, text_problems


@pytest.mark.parametrize("tex", [r"\arg\max_i s_i", r"A \setminus B", r"\big\lVert J \big\rVert_2",
                                 r"\Bigl\lVert x\Bigr\rVert", r"\lvert x \rvert", r"a \xrightarrow{k} b"])
def test_supported_macros_render_without_a_backslash(tex: str) -> None:
    assert problems(tex) == ()
    html = str(mathml(tex))
    assert html.startswith("<math") and "\\" not in html


def test_setminus_uses_the_set_minus_glyph() -> None:
    assert "\u2216" in str(mathml(r"A \setminus B")) and "\u29f5" not in str(mathml(r"A \setminus B"))
    assert normalize(r"\arg") == r"\operatorname{arg}"


def test_unsupported_macros_and_stray_latex_are_named() -> None:
    assert problems(r"\foo x") == ("unsupported macro \\foo",)
    assert "LaTeX outside $...$: \\alpha" in text_problems(r"with \alpha = 2")[0]
    assert "_{" in text_problems("index s_{y} in prose")[0]
    assert text_problems(r"fine: $\alpha_{i}$") == ()
    assert "\\" not in str(inline(r"text $\arg\max_i s_i$ more"))


def test_the_collector_rejects_a_statement_or_note_that_would_not_render() -> None:
    from dataclasses import replace

    with pytest.raises(InvalidClaim, match=r"at `statement`: unsupported macro \\foo"):
        validate(replace(make_claim(statement=r"\foo(x) \le 1"), checks={"property": print}), "demo")
    with pytest.raises(InvalidClaim, match=r"at `title`: LaTeX outside"):
        validate(replace(make_claim(title=r"JS_{\pi_k} bias"), checks={"property": print}), "demo")
