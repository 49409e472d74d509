"""``claims new SOURCE --from paper.tex``: one stated claim per theorem-like environment, numbered as LaTeX does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifiers import InvalidArgument, collect, profile, run_all
from verifiers.latex import problems
from verifiers.scaffold import STATED_REASON, scaffold_from_tex
from verifiers.tex_source import read_paper

PREAMBLE = r"""\documentclass{article}
\usepackage{amsthm}
\newtheorem{theorem}{Theorem}[section]
\newtheorem{lem}[theorem]{Lemma}
\newtheorem*{remark}{Remark}
\newtheorem{conj}{Conjecture}
\newcommand{\R}{\mathbb{R}}
\newcommand{\norm}[1]{\left\lVert #1 \right\rVert}
\DeclareMathOperator{\softmax}{softmax}
\title{A Tiny Paper}
\author{Ada Lovelace \and Alan Turing}
\begin{document}
\section{Intro}
\input{body}
\end{document}
"""
BODY = r"""We study $\softmax$. % a comment with \begin{theorem}
\begin{theorem}[Jacobian bound]\label{thm:jac}
For every $s \in \R^n$, $\norm{J(s)}_2 \le \tfrac12$, with equality iff \emph{two} entries are equal~\cite{x}.
\end{theorem}
\begin{lem}
Let $p = \softmax(s)$. Then $\sum_i p_i = 1$ and $A \setminus B \ne \emptyset$.
\end{lem}
\begin{remark}Not a claim.\end{remark}
\section{More}
\begin{theorem}
$\arg\max_i s_i$ is preserved, and $\mathscr{L} \ge 0$.
\end{theorem}
\begin{conj}Every softmax is smooth.\end{conj}
"""
GENERATED = ("tinypaper",)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "main.tex").write_text(PREAMBLE)
    (tmp_path / "paper" / "body.tex").write_text(BODY)
    return tmp_path / "paper" / "main.tex"


@pytest.fixture
def fresh_modules() -> Iterator[None]:
    yield
    for name in [m for m in sys.modules if m.split(".")[0] in GENERATED]:
        del sys.modules[name]


def test_statements_are_found_through_inputs_aliases_and_numbered_as_latex_does(paper: Path) -> None:
    found = read_paper(paper)
    assert found.title == "A Tiny Paper" and found.authors == "Ada Lovelace, Alan Turing"
    assert [(s.kind, s.name, s.number) for s in found.statements] == [
        ("theorem", "Theorem", "1.1"), ("lemma", "Lemma", "1.2"), ("theorem", "Theorem", "2.1"),
        ("conjecture", "Conjecture", "1")]
    first = found.statements[0]
    assert (first.label, first.title, first.line, Path(first.file).name) == ("thm:jac", "Jacobian bound", 2, "body.tex")
    assert r"\mathbb{R}^n" in first.text and r"\left\lVert J(s) \right\rVert_2" in first.text
    assert "two entries are equal" in first.text and first.text in found.text


def test_the_scaffold_writes_stated_claims_that_collect_and_are_skipped(tmp_path: Path, paper: Path,
                                                                        fresh_modules: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "claims").mkdir()
    made = scaffold_from_tex("tinypaper", paper, tmp_path)
    assert [p.name for p in made] == ["__init__.py", "main.txt", "theorem_1_1.py", "lemma_1_2.py",
                                      "theorem_2_1.py", "conjecture_1.py", "test_tinypaper.py"]
    monkeypatch.syspath_prepend(str(tmp_path / "claims"))
    catalogue = collect(["tinypaper"])
    assert [c.id for c in catalogue.claims] == ["tinypaper/conjecture-1", "tinypaper/lemma-1-2",
                                                "tinypaper/theorem-1-1", "tinypaper/theorem-2-1"]
    for c in catalogue.claims:
        assert c.expect == "skipped" and c.skip_reason == STATED_REASON and "stated" in c.tags
        assert problems(c.statement) == ()
        [run] = run_all(c, budget=profile("quick"), seed=0)
        assert run.verdict == "skipped" and run.passed
    assert catalogue.get("tinypaper/theorem-1-1").title == "Theorem 1.1 (Jacobian bound) (stated)"


@pytest.mark.parametrize(("body", "message"), [
    ("\\begin{theorem}\nunclosed $x\n\\end{theorem}\n", "body.tex, line"),
    ("\\begin{theorem}\nfine\n\\end{lemma}\n", "body.tex, line"),
    ("\\newcommand{\\bad}{oops\n", "unbalanced braces"),
])
def test_a_malformed_file_is_an_error_naming_the_line_and_nothing_is_written(tmp_path: Path, paper: Path, body: str,
                                                                             message: str) -> None:
    (paper.parent / "body.tex").write_text(body)
    (tmp_path / "claims").mkdir()
    with pytest.raises(InvalidArgument, match=message):
        scaffold_from_tex("tinypaper", paper, tmp_path)
    assert not (tmp_path / "claims" / "tinypaper").exists()


def test_missing_inputs_and_papers_without_statements_are_clear_errors(tmp_path: Path, paper: Path) -> None:
    (tmp_path / "claims").mkdir()
    (paper.parent / "body.tex").unlink()
    with pytest.raises(InvalidArgument, match="cannot read .*body.tex"):
        read_paper(paper)
    (paper.parent / "body.tex").write_text("No statements here.\n")
    with pytest.raises(InvalidArgument, match="no theorem-like environment"):
        scaffold_from_tex("tinypaper", paper, tmp_path)
