"""Verbatim quotes: a source's text, normalized, and the test that a quote appears in it.

Normalization: Unicode NFKC, whitespace collapsed to single spaces, and the known
encoding damage of the seed texts undone (curly quotes, dashes and arrows that a
mis-decoding turned into ``β`` all compare equal to each other and to their ASCII
look-alikes). A quote may hold several verbatim fragments separated by ``" … "``;
each must appear, in order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from verifiers.errors import InvalidClaim
from verifiers.model import Source

#: Separator of verbatim fragments inside one quote.
ELLIPSIS = " … "
#: Characters that compare equal (punctuation the seeds' mis-decoding collapsed into ``β``).
_DAMAGED = "’‘'“”\"—–→β"
_TABLE = str.maketrans({ch: "\x00" for ch in _DAMAGED})


def normalize(text: str) -> str:
    """NFKC, collapsed whitespace, and the damaged punctuation mapped to one placeholder."""
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class SourceText:
    """The normalized text of one source, from the files it names."""

    files: tuple[str, ...]
    text: str

    def missing(self, quote: str) -> str | None:
        """The first fragment of ``quote`` not found (in order) in the text, or ``None`` if all are."""
        at = 0
        for fragment in quote.split(ELLIPSIS.strip()):
            wanted = normalize(fragment.strip())
            found = self.text.find(wanted, at)
            if found < 0:
                return fragment.strip()
            at = found + len(wanted)
        return None


def load_texts(package: ModuleType, sources: tuple[Source, ...]) -> dict[str, SourceText]:
    """The texts of the sources that name files (relative to the package folder)."""
    folder = Path(package.__file__ or "").parent
    out: dict[str, SourceText] = {}
    for source in sources:
        if not source.texts:
            continue
        parts = []
        for name in source.texts:
            try:
                parts.append((folder / name).read_text(encoding="utf-8"))
            except OSError as exc:
                raise InvalidClaim(package.__name__, "?", "SOURCE.texts",
                                   f"cannot read {name!r} of source {source.id!r}: {exc.strerror or exc}") from None
        out[source.id] = SourceText(tuple(source.texts), normalize("\n".join(parts)))
    return out
