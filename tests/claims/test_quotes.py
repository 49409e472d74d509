"""Every quote is verbatim from its source's text, and the texts are the seeds' own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifiers import collect
from verifiers.quotes import SourceText, normalize

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
CATALOGUE = collect(on_error=lambda error: None)


def _text(source: str) -> SourceText:
    src = CATALOGUE.sources[source]
    package = ROOT / "claims" / next(c.source for c in CATALOGUE.claims if c.reference.source == source)
    return SourceText(src.texts, normalize("\n".join((package / name).read_text(encoding="utf-8")
                                                     for name in src.texts)))


@pytest.mark.parametrize("claim", [c for c in CATALOGUE.claims if CATALOGUE.sources[c.reference.source].texts],
                         ids=lambda c: c.id)
def test_the_quote_is_verbatim_in_the_source_text(claim) -> None:  # noqa: ANN001
    assert _text(claim.reference.source).missing(claim.reference.quote) is None


def test_a_quote_with_our_words_inserted_is_not_verbatim() -> None:
    text = _text("pu2026")
    assert text.missing("approximate (Sampled Softmax, NCE) variants") is None
    assert text.missing("approximate (Sampled Softmax, NCE, HSM) variants") is not None
    assert text.missing("scaling as -1/2kχ²(Pₛ‖Q) … vanishing as k → ∞") is None
    assert text.missing("vanishing as k → ∞ … scaling as -1/2kχ²(Pₛ‖Q)") is not None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seeds are not next to this checkout")
def test_the_packaged_texts_are_the_seeds() -> None:
    for path in (ROOT / "claims").glob("*/texts/*.txt"):
        seed = SEEDS / path.name
        if seed.exists():
            assert path.read_bytes() == seed.read_bytes(), path
